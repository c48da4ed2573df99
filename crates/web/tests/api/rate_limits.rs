//! Per-client request-rate limits: sign-in, sign-up and password-reset requests per
//! client IP, counted per request on REST and per guess inside a GraphQL document, answered
//! 429 with `Retry-After` in Magento's backpressure wording; other clients are unaffected.

use crate::helpers::*;
use customer_core::db::schema::{customers, token_request_log};
use diesel::prelude::*;
use serde_json::{Value, json};

/// An app behind a trusted proxy at 127.0.0.1, so each test picks its client with
/// `X-Forwarded-For`, and with small limits.
async fn limited_app(backend: Backend, sign_in: u32, sign_up: u32, reset: u32) -> TestApp {
    spawn_app_with(backend, |s| {
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        s.rate_limit_sign_in_per_minute = sign_in;
        s.rate_limit_sign_up_per_hour = sign_up;
        s.rate_limit_password_reset_per_minute = reset;
    })
    .await
}

/// Sends a request as `client` (through the trusted proxy); returns status, `Retry-After`
/// and the JSON body.
async fn send_as(
    app: &TestApp,
    client: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, Option<u64>, Value) {
    let resp = app
        .build(method, path, token, Some(body))
        .header("X-Forwarded-For", format!("{client}, 127.0.0.1"))
        .send()
        .await
        .expect("request sent");
    let status = resp.status().as_u16();
    let retry_after = resp.headers().get("retry-after").map(|v| {
        v.to_str()
            .unwrap()
            .parse()
            .expect("Retry-After is whole seconds")
    });
    (status, retry_after, resp.json().await.expect("JSON body"))
}

async fn graphql_as(app: &TestApp, client: &str, query: &str) -> (u16, Option<u64>, Value) {
    send_as(
        app,
        client,
        "POST",
        "/graphql",
        None,
        &json!({ "query": query }),
    )
    .await
}

fn sign_in(username: &str, password: &str) -> Value {
    json!({"username": username, "password": password})
}

const CUSTOMER_TOKEN: &str = "/rest/V1/integration/customer/token";
const ADMIN_TOKEN: &str = "/rest/V1/integration/admin/token";
const ATTACKER: &str = "198.51.100.7";
const NEIGHBOUR: &str = "192.0.2.44";

async fn failure_rows(app: &TestApp) -> i64 {
    app.with_db(|conn| token_request_log::table.count().get_result::<i64>(conn))
        .await
}

async fn customer_count(app: &TestApp) -> i64 {
    app.with_db(|conn| customers::table.count().get_result::<i64>(conn))
        .await
}

on_both_backends! {
    async fn sign_ins_over_the_per_ip_limit_answer_429_with_retry_after(backend: Backend) {
        let app = limited_app(backend, 5, 0, 0).await;
        app.create_seed_customer().await;
        // Five guesses, each at another username (under every per-username throttle).
        for i in 0..5 {
            let (status, _, _) = send_as(&app, ATTACKER, "POST", CUSTOMER_TOKEN, None,
                &sign_in(&format!("victim{i}@example.com"), "guess")).await;
            assert_eq!(status, 401, "guess {i} is within the limit");
        }
        let rows = failure_rows(&app).await;
        let (status, retry_after, body) = send_as(&app, ATTACKER, "POST", CUSTOMER_TOKEN, None,
            &sign_in("jdoe@example.com", "Password1")).await;
        assert_eq!((status, &body), (429, &json!({"message": "Too Many Requests"})));
        let retry_after = retry_after.expect("Retry-After on a 429");
        assert!((1..=12).contains(&retry_after), "one guess per 12 s refills: {retry_after}");
        // The admin token route shares the sign-in allowance.
        let (status, retry_after, body) = send_as(&app, ATTACKER, "POST", ADMIN_TOKEN, None,
            &sign_in("admin", "admin123")).await;
        assert_eq!((status, &body), (429, &json!({"message": "Too Many Requests"})));
        assert!(retry_after.is_some());
        // Refused before the password was looked at: nothing was recorded.
        assert_eq!(failure_rows(&app).await, rows);
        // Another client behind the same proxy signs in.
        let (status, retry_after, body) = send_as(&app, NEIGHBOUR, "POST", CUSTOMER_TOKEN, None,
            &sign_in("jdoe@example.com", "Password1")).await;
        assert_eq!((status, retry_after), (200, None), "{body:?}");
        assert!(body.is_string());
    }
}

on_both_backends! {
    async fn each_guess_in_a_batched_graphql_document_counts(backend: Backend) {
        let app = limited_app(backend, 5, 0, 0).await;
        app.create_seed_customer().await;
        let fields: String = (0..50)
            .map(|i| format!("g{i}: generateCustomerToken(email: \"jdoe@example.com\", password: \"guess{i}\") {{ token }}\n"))
            .collect();
        let (status, retry_after, body) =
            graphql_as(&app, ATTACKER, &format!("mutation {{\n{fields}}}")).await;
        assert_eq!(status, 429, "{body:?}");
        assert!((1..=12).contains(&retry_after.expect("Retry-After")));
        let errors = body["errors"].as_array().expect("errors");
        let refused: Vec<&Value> = errors
            .iter()
            .filter(|e| e["extensions"]["category"] == "graphql-too-many-requests")
            .collect();
        assert_eq!(refused.len(), 45, "5 guesses allowed, 45 refused: {errors:?}");
        assert_eq!(
            (&refused[0]["message"], &refused[0]["path"]),
            (&json!("Too Many Requests"), &json!(["g5"]))
        );
        assert_eq!(errors.len(), 50, "the first 5 were evaluated (and failed)");
        // No guess got a token (the field is nullable, so each failure leaves `null`).
        let data = body["data"].as_object().map(|d| d.values().all(Value::is_null));
        assert_ne!(data, Some(false), "{:?}", body["data"]);
        // The REST token route is now refused for that client too ...
        let (status, _, _) = send_as(&app, ATTACKER, "POST", CUSTOMER_TOKEN, None,
            &sign_in("jdoe@example.com", "Password1")).await;
        assert_eq!(status, 429);
        // ... and only for it.
        let (status, retry_after, body) = graphql_as(&app, NEIGHBOUR,
            r#"mutation { generateCustomerToken(email: "jdoe@example.com", password: "Password1") { token } }"#).await;
        assert_eq!((status, retry_after), (200, None), "{body:?}");
        assert!(body["data"]["generateCustomerToken"]["token"].is_string(), "{body:?}");
    }
}

on_both_backends! {
    async fn sign_ups_and_reset_requests_are_limited_per_ip(backend: Backend) {
        let app = limited_app(backend, 0, 2, 2).await;
        let customer = |i: usize| json!({"customer": {"email": format!("new{i}@example.com"),
            "firstname": "New", "lastname": "Customer"}, "password": "Password1"});
        for i in 0..2 {
            let (status, _, body) = send_as(&app, ATTACKER, "POST", "/rest/V1/customers", None,
                &customer(i)).await;
            assert_eq!(status, 200, "{body:?}");
        }
        let (status, retry_after, body) = send_as(&app, ATTACKER, "POST", "/rest/V1/customers",
            None, &customer(2)).await;
        assert_eq!((status, &body), (429, &json!({"message": "Too Many Requests"})));
        // One sign-up per 30 minutes refills an allowance of 2 per hour.
        assert!((1..=1800).contains(&retry_after.expect("Retry-After")));
        let (status, _, body) = graphql_as(&app, ATTACKER,
            r#"mutation { createCustomerV2(input: {email: "gql@example.com", firstname: "G", lastname: "Q", password: "Password1"}) { customer { email } } }"#).await;
        assert_eq!(status, 429, "{body:?}");
        assert_eq!(body["errors"][0]["extensions"]["category"], "graphql-too-many-requests");
        assert_eq!(body["errors"][0]["message"], "Too Many Requests");
        assert_eq!(customer_count(&app).await, 2, "refused sign-ups created nothing");
        // An admin creating accounts is not a sign-up; another client still signs up.
        let admin = app.admin_token().await;
        let (status, _, body) = send_as(&app, ATTACKER, "POST", "/rest/V1/customers",
            Some(&admin), &customer(3)).await;
        assert_eq!(status, 200, "{body:?}");
        let (status, _, body) = send_as(&app, NEIGHBOUR, "POST", "/rest/V1/customers", None,
            &customer(4)).await;
        assert_eq!(status, 200, "{body:?}");

        let reset = |i: usize| json!({"email": format!("someone{i}@example.com"), "template": "email_reset"});
        for i in 0..2 {
            let (status, _, body) = send_as(&app, ATTACKER, "PUT", "/rest/V1/customers/password",
                None, &reset(i)).await;
            assert_eq!(status, 200, "{body:?}");
        }
        let (status, retry_after, body) = send_as(&app, ATTACKER, "PUT",
            "/rest/V1/customers/password", None, &reset(2)).await;
        assert_eq!((status, &body), (429, &json!({"message": "Too Many Requests"})));
        assert!((1..=30).contains(&retry_after.expect("Retry-After")));
        let (status, _, body) = graphql_as(&app, ATTACKER,
            r#"mutation { requestPasswordResetEmail(email: "someone9@example.com") }"#).await;
        assert_eq!(status, 429, "{body:?}");
        assert_eq!(body["errors"][0]["extensions"]["category"], "graphql-too-many-requests");
        let (status, _, body) = send_as(&app, NEIGHBOUR, "PUT", "/rest/V1/customers/password",
            None, &reset(3)).await;
        assert_eq!(status, 200, "{body:?}");
    }
}
