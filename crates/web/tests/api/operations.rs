//! What operators and integrators see: request ids, `/metrics`, the served API description,
//! the pages for people, GraphiQL, the `.eml` drop, `serve --help` and `config`.

use crate::helpers::*;
use customer_core::config::Settings;
use serde_json::json;
use std::process::Command;

async fn raw(
    app: &TestApp,
    req: reqwest::RequestBuilder,
) -> (u16, reqwest::header::HeaderMap, String) {
    let _ = app;
    let resp = req.send().await.expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.unwrap())
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

on_both_backends! {
    async fn the_request_id_is_taken_from_the_request_or_made_and_always_echoed(backend: Backend) {
        let app = spawn_app(backend).await;
        let get = |h: Option<(&str, &str)>| {
            let mut req = app.build("GET", "/rest/V1/directory/countries/US", None, None);
            if let Some((k, v)) = h {
                req = req.header(k, v);
            }
            req
        };
        let (_, h, _) = raw(&app, get(Some(("X-Request-Id", "order-42.a_b")))).await;
        assert_eq!(header(&h, "x-request-id"), "order-42.a_b");
        let (_, h, _) = raw(&app, get(Some(("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")))).await;
        assert_eq!(header(&h, "x-request-id"), "4bf92f3577b34da6a3ce929d0e0e4736");
        // Nothing usable given: one is made (32 hex digits), never the hostile value.
        for given in [None, Some(("X-Request-Id", "two words")), Some(("X-Request-Id", "<script>"))] {
            let (_, h, _) = raw(&app, get(given)).await;
            let id = header(&h, "x-request-id");
            assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{given:?} -> {id:?}");
        }
        // Errors carry it too (an unknown route, answered by the fallback).
        let (status, h, _) = raw(&app, app.build("GET", "/rest/V1/nothing", None, None).header("X-Request-Id", "e-1")).await;
        assert_eq!((status, header(&h, "x-request-id").as_str()), (404, "e-1"));
    }
}

on_both_backends! {
    async fn metrics_count_requests_by_route_template_and_sign_ins_without_secrets(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        assert_eq!(app.token_reply("jdoe@example.com", "Wrong-password1").await.status, 401);
        assert_eq!(app.get_me(&token).await.status, 200);
        let (status, h, text) = raw(&app, app.build("GET", "/metrics", None, None)).await;
        assert_eq!(status, 200);
        assert!(header(&h, "content-type").starts_with("text/plain"), "{h:?}");
        for expected in [
            r#"http_requests_total{method="POST",route="/rest/V1/integration/customer/token",status="200"}"#,
            r#"http_requests_total{method="POST",route="/rest/V1/integration/customer/token",status="401"}"#,
            r#"http_requests_total{method="GET",route="/rest/V1/customers/me",status="200"}"#,
            r#"http_requests_total{method="POST",route="/rest/{store_code}/V1/customers",status="200"}"#,
            r#"http_request_duration_seconds_bucket{method="GET",route="/rest/V1/customers/me",status="200",le="0.005"}"#,
            r#"customer_sign_ins_total{kind="customer",outcome="ok"}"#,
            r#"customer_sign_ins_total{kind="customer",outcome="failed"}"#,
            r#"customer_tokens_issued_total{kind="customer"}"#,
            "customer_hashing_queue_depth ",
            "customer_db_pool_connections ",
            "customer_db_pool_in_use ",
            "customer_db_pool_wait_seconds_bucket",
        ] {
            assert!(text.contains(expected), "missing {expected} in:\n{text}");
        }
        for secret in ["jdoe@example.com", "jdoe%40example.com", "Password1", "Wrong-password1", token.as_str()] {
            assert!(!text.contains(secret), "{secret} leaked into /metrics");
        }
        // Raw paths with ids never become labels.
        let _ = app.call("GET", "/rest/V1/customers/12345", None, None).await;
        let (_, _, text) = raw(&app, app.build("GET", "/metrics", None, None)).await;
        assert!(!text.contains("12345") && text.contains(r#"route="/rest/V1/customers/{customerId}""#), "{text}");
    }
}

on_both_backends! {
    async fn the_api_description_is_served_as_yaml_and_as_magentos_json_schema(backend: Backend) {
        let app = spawn_app(backend).await;
        let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.yaml")).unwrap();
        let as_json: serde_json::Value = serde_norway::from_str(&file).unwrap();
        for path in ["/rest/default/schema", "/rest/all/schema?services=customerAccountManagementV1"] {
            let reply = app.call("GET", path, None, None).await;
            assert_eq!(reply.status, 200, "{path}");
            assert_eq!(reply.content_type, "application/json");
            assert_eq!(reply.body, as_json, "{path} differs from openapi.yaml");
        }
        let (status, h, text) = raw(&app, app.build("GET", "/openapi.yaml", None, None)).await;
        assert_eq!((status, text == file), (200, true));
        assert!(header(&h, "content-type").starts_with("application/yaml"));
        // The human page and its script come from the binary.
        let (status, _, page) = raw(&app, app.build("GET", "/docs", None, None)).await;
        assert!(status == 200 && page.contains(r#"<redoc spec-url="/openapi.yaml""#) && page.contains("/docs/redoc.standalone.js"), "{page}");
        let (status, h, js) = raw(&app, app.build("GET", "/docs/redoc.standalone.js", None, None)).await;
        assert_eq!(status, 200);
        assert!(header(&h, "content-type").starts_with("text/javascript") && js.len() > 500_000);
        assert!(!js.contains("cdn.redoc.ly/redoc/latest"), "the bundle must not load itself from a CDN");
        let (status, _, home) = raw(&app, app.build("GET", "/", None, None)).await;
        assert!(status == 200 && home.contains(r#"href="/docs""#), "{home}");
    }
}

on_both_backends! {
    async fn graphiql_answers_browsers_only_and_can_be_turned_off(backend: Backend) {
        let app = spawn_app(backend).await;
        let browser = || app.build("GET", "/graphql", None, None).header("Accept", "text/html,application/xhtml+xml");
        let (status, _, page) = raw(&app, browser()).await;
        assert!(status == 200 && page.contains("/graphql/assets/graphiql.min.js"), "{page}");
        let (status, _, js) = raw(&app, app.build("GET", "/graphql/assets/graphiql.min.js", None, None)).await;
        assert!(status == 200 && js.len() > 1_000_000);
        // A client with a query gets GraphQL, not the page.
        let reply = app.call("GET", "/graphql?query=%7BcountryCodes%7D", None, None).await;
        assert_ne!(reply.content_type, "text/html; charset=utf-8");
        let off = spawn_app_with(backend, |s| s.graphiql = false).await;
        let (status, _, body) = raw(&off, off.build("GET", "/graphql", None, None).header("Accept", "text/html")).await;
        assert!(status == 400 && !body.contains("graphiql"), "{status} {body}");
        let (status, _, _) = raw(&off, off.build("GET", "/graphql/assets/graphiql.min.js", None, None)).await;
        assert_eq!(status, 404);
    }
}

on_both_backends! {
    async fn mail_is_dropped_owner_only_with_readable_links_in_text_and_html(backend: Backend) {
        use std::os::unix::fs::PermissionsExt;
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let dir_mode = std::fs::metadata(&app.mail_dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(dir_mode, 0o700);
        let files: Vec<_> = std::fs::read_dir(&app.mail_dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1, "the welcome mail");
        assert_eq!(std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777, 0o600);
        let raw_mail = std::fs::read_to_string(&files[0]).unwrap();
        assert!(raw_mail.contains("multipart/alternative"), "{raw_mail}");
        assert!(!raw_mail.to_ascii_lowercase().contains("quoted-printable"), "{raw_mail}");
        // The link as written, on one line, in both parts.
        // With the storefront pages on, the links use this service's own address as bound.
        let base = app.state.settings.storefront_url.clone();
        let base = if base == customer_core::config::DEFAULT_STOREFRONT_URL {
            format!("{}/", app.url(""))
        } else {
            base
        };
        assert!(raw_mail.contains(&format!("\n{base}customer/account/\r\n")) || raw_mail.contains(&format!("\n{base}customer/account/\n")), "{raw_mail}");
        assert!(raw_mail.contains(&format!(r#"<a href="{base}customer/account/">"#)), "{raw_mail}");
        // The reset link is longer than 76 characters: still one line, not quoted-printable.
        let reply = app.request_reset(&json!({"email": "jdoe@example.com", "template": "email_reset"})).await;
        assert_eq!(reply.body, json!(true));
        let reset = std::fs::read_dir(&app.mail_dir).unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .find(|m| m.contains("createPassword")).expect("the reset mail");
        assert!(!reset.to_ascii_lowercase().contains("quoted-printable"), "{reset}");
        let line = reset.lines().find(|l| l.starts_with(&format!("{base}customer/account/createPassword/?id="))).expect("the link on its own line");
        assert!(line.len() > 76 && line.contains("&token="), "{line}");
    }
}

fn binary(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_customer-service"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("SMTP_URL")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn serve_help_lists_every_variable_with_its_default_and_hides_secret_values() {
    let secret = [("DATABASE_URL", "postgres://app:hunter2@db.example/shop")];
    let (ok, help, _) = binary(&["serve", "--help"], &secret);
    assert!(ok);
    let vars = Settings::variables();
    assert!(vars.len() >= 35, "{vars:?}");
    for var in &vars {
        assert!(
            help.contains(&format!("[env: {var}")),
            "{var} missing from serve --help:\n{help}"
        );
    }
    assert!(
        help.contains("[default: 3600]")
            && help.contains("[default: sqlite://data/customer-service.sqlite3]"),
        "{help}"
    );
    assert!(!help.contains("hunter2"), "{help}");
}

#[test]
fn config_prints_the_effective_settings_with_secrets_redacted() {
    let (ok, out, err) = binary(
        &["config", "--bcrypt-cost", "12"],
        &[
            (
                "DATABASE_URL",
                "postgres://app:hunter2@db.example/shop?password=hunter3",
            ),
            ("SMTP_URL", "smtps://mailer:mailpw@mail.example:465"),
            ("LOG_FORMAT", "json"),
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("DATABASE_URL=postgres://app:***@db.example/shop?password=***\t# environment"),
        "{out}"
    );
    assert!(
        out.contains("SMTP_URL=smtps://mailer:***@mail.example:465\t# environment"),
        "{out}"
    );
    assert!(out.contains("BCRYPT_COST=12\t# command line"), "{out}");
    assert!(
        out.contains("CUSTOMER_TOKEN_LIFETIME_SECONDS=3600\t# default"),
        "{out}"
    );
    assert!(out.contains("LOG_FORMAT=json\t# environment"), "{out}");
    for secret in ["hunter2", "hunter3", "mailpw"] {
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{secret} leaked:\n{out}\n{err}"
        );
    }
    assert_eq!(out.lines().count(), Settings::variables().len(), "{out}");
    // A bad secret value is refused without being echoed.
    let (ok, _, err) = binary(
        &["config"],
        &[("DATABASE_URL", "mysql://app:hunter2@db/shop")],
    );
    assert!(
        !ok && err.contains("DATABASE_URL") && !err.contains("hunter2"),
        "{err}"
    );
}
