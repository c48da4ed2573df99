//! The storefront account pages: plain HTTP tests (CSRF refusal, cookie attributes, session
//! revocation, validation messages) and browser tests in Debian's Chromium driven over
//! WebDriver (fantoccini), which walk the seeds' last step and save screenshots of the login,
//! dashboard and address-book pages to `target/screenshots/`.
//!
//! The browser tests need `chromium` and `chromium-driver`; without them they print why and
//! pass, unless REQUIRE_BROWSER=1 (as `.ci/run` sets), where they fail.

use crate::helpers::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------
// A cookie-keeping HTTP visitor (no redirects followed, so each answer can be checked).

struct Visitor<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

struct Answer {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl<'a> Visitor<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Answer {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let resp = req.header("Cookie", cookie).send().await.unwrap();
        let set_cookies: Vec<String> = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for c in &set_cookies {
            let (pair, attributes) = c.split_once(';').unwrap_or((c, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Answer {
            status: resp.status().as_u16(),
            location: resp
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned()),
            set_cookies,
            body: resp.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let req = self.client.get(self.app.url(path));
        self.send(req).await
    }

    /// Posts a form as a browser would (URL-encoded fields).
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = self
            .client
            .post(self.app.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }

    /// Opens a page and posts its form with the page's own CSRF token plus these fields.
    async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Answer {
        let shown = self.get(page).await;
        assert_eq!(shown.status, 200, "{page}: {}", shown.body);
        let key = form_key(&shown.body);
        let mut all = vec![("form_key", key.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    async fn sign_in(&mut self, email: &str, password: &str) -> Answer {
        self.submit(
            "/customer/account/login/",
            "/customer/account/loginPost/",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

/// The CSRF token in a page's first form.
fn form_key(html: &str) -> String {
    let marker = "name=\"form_key\" value=\"";
    let start = html.find(marker).expect("a form key in the page") + marker.len();
    html[start..start + 64].to_owned()
}

/// Askama escapes quotes in text as `&#34;`.
fn escaped(text: &str) -> String {
    text.replace('"', "&#34;").replace('\'', "&#39;")
}

/// The error shown next to a field, tied to it for assistive technology.
fn assert_field_error(html: &str, field: &str, message: &str) {
    assert!(
        html.contains(&format!(
            "<div class=\"field-error\" id=\"{field}-error\">{}</div>",
            escaped(message)
        )),
        "no error {message:?} at {field} in:\n{html}"
    );
    let tied = html.split('<').any(|tag| {
        tag.contains("aria-invalid=\"true\"")
            && tag
                .split_once("aria-describedby=\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .is_some_and(|(ids, _)| ids.split(' ').any(|id| id == format!("{field}-error")))
    });
    assert!(
        tied,
        "{field}'s input is not marked invalid and tied to its message"
    );
}

async fn signs_in_over_rest(app: &TestApp, email: &str, password: &str) -> bool {
    app.token_reply(email, password).await.status == 200
}

// ---------------------------------------------------------------------------------------
// Plain HTTP tests

on_both_backends! {
    async fn a_form_without_a_valid_csrf_token_is_refused_and_writes_nothing(backend: Backend) {
        let app = spawn_app(backend).await;
        let mut v = Visitor::new(&app);
        let page = v.get("/customer/account/create/").await;
        assert_eq!(page.status, 200);
        let key = form_key(&page.body);
        let fields = [
            ("firstname", "Eve"),
            ("lastname", "Mallory"),
            ("email", "eve@example.com"),
            ("password", "Password1"),
            ("password_confirmation", "Password1"),
        ];
        // No token, a wrong token, and a right token from another browser (its cookie).
        let mut wrong = vec![("form_key", "00".repeat(32))];
        wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut stolen = vec![("form_key", key.as_str())];
        stolen.extend_from_slice(&fields);
        for (case, answer) in [
            ("no token", v.post("/customer/account/createpost/", &fields).await),
            ("a wrong token", v.post("/customer/account/createpost/", &wrong).await),
            (
                "another browser's token",
                Visitor::new(&app).post("/customer/account/createpost/", &stolen).await,
            ),
        ] {
            assert_eq!(answer.status, 403, "{case}");
            assert!(answer.body.contains("Invalid Form Key. Please refresh the page."), "{case}");
            assert!(answer.set_cookies.iter().all(|c| !c.starts_with("customer_session=")), "{case}");
        }
        assert!(!signs_in_over_rest(&app, "eve@example.com", "Password1").await);

        // Signing out is a form too: without the token the session stays.
        app.create_seed_customer().await;
        assert_eq!(v.sign_in("jdoe@example.com", "Password1").await.status, 303);
        assert_eq!(v.post("/customer/account/logout/", &[]).await.status, 403);
        assert_eq!(v.get("/customer/account/").await.status, 200);

        // The right token in the same browser works.
        let mut right = Visitor::new(&app);
        let created = right
            .submit("/customer/account/create/", "/customer/account/createpost/", &fields)
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
        assert!(signs_in_over_rest(&app, "eve@example.com", "Password1").await);
    }
}

on_both_backends! {
    async fn the_session_cookie_is_http_only_lax_and_its_token_is_the_apis(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let mut v = Visitor::new(&app);
        let signed_in = v.sign_in("jdoe@example.com", "Password1").await;
        assert_eq!(signed_in.status, 303);
        assert_eq!(signed_in.location.as_deref(), Some("/customer/account/"));
        let session = signed_in
            .set_cookies
            .iter()
            .find(|c| c.starts_with("customer_session="))
            .expect("a session cookie");
        let token = v.cookies["customer_session"].clone();
        assert_eq!(
            session,
            &format!("customer_session={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600")
        );
        let form_cookie = v
            .get("/customer/account/login/")
            .await;
        assert_eq!(form_cookie.status, 303, "signed in: the login page sends to My Account");
        // The session is a customer token: the API sees it (and could revoke it).
        assert_eq!(app.get_me(&token).await.status, 200);
        let dashboard = v.get("/customer/account/").await;
        assert_eq!(dashboard.status, 200);
        assert!(dashboard.body.contains("Welcome, Jane!"));

        // Signing out revokes the token, for the API too, and drops the cookie.
        let out = v
            .submit("/customer/account/", "/customer/account/logout/", &[])
            .await;
        assert_eq!(out.status, 303);
        assert_eq!(out.location.as_deref(), Some("/customer/account/login/"));
        assert!(out.set_cookies.iter().any(|c| c.starts_with("customer_session=;") && c.contains("Max-Age=0")));
        assert_eq!(app.get_me(&token).await.status, 401);
        // Replaying the old cookie does not bring the session back.
        v.cookies.insert("customer_session".into(), token);
        let replay = v.get("/customer/account/").await;
        assert_eq!(replay.status, 303);
        assert_eq!(replay.location.as_deref(), Some("/customer/account/login/"));

        // HTTPS-only cookies when configured; the form key cookie too.
        let secure = spawn_app_with(backend, |s| s.session_cookie_secure = true).await;
        secure.create_seed_customer().await;
        let mut v = Visitor::new(&secure);
        let page = v.get("/customer/account/login/").await;
        assert!(page.set_cookies.iter().any(|c| c.starts_with("form_key=") && c.ends_with("; HttpOnly; SameSite=Lax; Secure")));
        let signed_in = v.sign_in("jdoe@example.com", "Password1").await;
        assert!(signed_in.set_cookies.iter().any(|c| c.starts_with("customer_session=") && c.ends_with("; Secure")));
    }
}

on_both_backends! {
    async fn sign_out_everywhere_and_a_password_change_end_page_sessions(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let mut v = Visitor::new(&app);
        assert_eq!(v.sign_in("jdoe@example.com", "Password1").await.status, 303);
        let api = app.seed_token().await;
        let everywhere = app.call("DELETE", "/rest/V1/customers/me/tokens", Some(&api), None).await;
        assert_eq!(everywhere.status, 200, "{:?}", everywhere.body);
        assert_eq!(v.get("/customer/account/").await.location.as_deref(), Some("/customer/account/login/"));

        assert_eq!(v.sign_in("jdoe@example.com", "Password1").await.status, 303);
        let api = app.seed_token().await;
        let changed = app
            .call(
                "PUT",
                "/rest/V1/customers/me/password",
                Some(&api),
                Some(&json!({"currentPassword": "Password1", "newPassword": "Password2!"})),
            )
            .await;
        assert_eq!(changed.status, 200, "{:?}", changed.body);
        assert_eq!(v.get("/customer/address/").await.location.as_deref(), Some("/customer/account/login/"));

        // And a password changed on the page ends the other sessions but not this one.
        let mut other = Visitor::new(&app);
        assert_eq!(v.sign_in("jdoe@example.com", "Password2!").await.status, 303);
        assert_eq!(other.sign_in("jdoe@example.com", "Password2!").await.status, 303);
        let saved = v
            .submit(
                "/customer/account/edit/",
                "/customer/account/editPost/",
                &[
                    ("firstname", "Jane"),
                    ("lastname", "Doe"),
                    ("email", "jdoe@example.com"),
                    ("current_password", "Password2!"),
                    ("password", "Password3!"),
                    ("password_confirmation", "Password3!"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(v.get("/customer/account/").await.status, 200);
        assert_eq!(other.get("/customer/account/").await.status, 303);
        assert!(signs_in_over_rest(&app, "jdoe@example.com", "Password3!").await);
    }
}

on_both_backends! {
    async fn sign_in_on_the_page_is_throttled_like_the_api(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.token_max_failures = 2).await;
        app.create_seed_customer().await;
        let mut v = Visitor::new(&app);
        for _ in 0..2 {
            let failed = v.sign_in("jdoe@example.com", "wrong").await;
            assert_eq!(failed.status, 401);
            assert!(failed.body.contains("The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."));
            assert!(!failed.body.contains("wrong"), "the password is never sent back");
        }
        // Locked now: the right password is refused too, on the page and over REST.
        assert_eq!(v.sign_in("jdoe@example.com", "Password1").await.status, 401);
        assert!(!signs_in_over_rest(&app, "jdoe@example.com", "Password1").await);
        let empty = v.sign_in("", "").await;
        assert_eq!(empty.status, 400);
        assert!(empty.body.contains("A login and a password are required."));
    }
}

on_both_backends! {
    async fn the_sign_in_form_shares_the_per_ip_rate_limit_with_the_api(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.rate_limit_sign_in_per_minute = 2).await;
        app.create_seed_customer().await;
        let mut v = Visitor::new(&app);
        assert_eq!(v.sign_in("jdoe@example.com", "wrong").await.status, 401);
        assert!(signs_in_over_rest(&app, "jdoe@example.com", "Password1").await);
        // The third sign-in from this client, on the page, is refused before it is tried.
        let refused = v.sign_in("jdoe@example.com", "Password1").await;
        assert_eq!(refused.status, 429);
        assert!(refused.body.contains("Too Many Requests"), "{}", refused.body);
        assert!(refused.set_cookies.iter().all(|c| !c.starts_with(customer_service::pages::SESSION_COOKIE)), "no session");
        assert!(!signs_in_over_rest(&app, "jdoe@example.com", "Password1").await);
    }
}

on_both_backends! {
    async fn validation_messages_sit_next_to_their_fields_and_nothing_is_written(backend: Backend) {
        let app = spawn_app(backend).await;
        let mut v = Visitor::new(&app);
        let create = "/customer/account/create/";
        let post = "/customer/account/createpost/";
        let bad = v
            .submit(create, post, &[
                ("firstname", ""),
                ("lastname", "Doe"),
                ("email", "not-an-email"),
                ("password", "Password1"),
                ("password_confirmation", "Password1"),
            ])
            .await;
        assert_eq!(bad.status, 400);
        assert_field_error(&bad.body, "firstname", "\"First Name\" is a required value.");
        assert_field_error(&bad.body, "email", "\"Email\" is not a valid email address.");
        assert!(bad.body.contains("value=\"not-an-email\""), "what was typed is kept");
        assert!(!bad.body.contains("Password1"), "passwords are never sent back");

        let weak = v
            .submit(create, post, &[
                ("firstname", "Ann"),
                ("lastname", "Lee"),
                ("email", "ann@example.com"),
                ("password", "short"),
                ("password_confirmation", "short"),
            ])
            .await;
        assert_field_error(
            &weak.body,
            "password",
            "The password needs at least 8 characters. Create a new password and try again.",
        );
        let mismatch = v
            .submit(create, post, &[
                ("firstname", "Ann"),
                ("lastname", "Lee"),
                ("email", "ann@example.com"),
                ("password", "Password1"),
                ("password_confirmation", "Password2"),
            ])
            .await;
        assert_field_error(&mismatch.body, "password_confirmation", "Please make sure your passwords match.");
        assert!(!signs_in_over_rest(&app, "ann@example.com", "Password1").await);

        app.create_seed_customer().await;
        let duplicate = v
            .submit(create, post, &[
                ("firstname", "Jane"),
                ("lastname", "Doe"),
                ("email", "jdoe@example.com"),
                ("password", "Password9!"),
                ("password_confirmation", "Password9!"),
            ])
            .await;
        assert_field_error(
            &duplicate.body,
            "email",
            "A customer with the same email address already exists in an associated website.",
        );

        // The address form: the domain's messages, next to their fields; nothing stored.
        assert_eq!(v.sign_in("jdoe@example.com", "Password1").await.status, 303);
        let address = v
            .submit("/customer/address/new/", "/customer/address/formPost/", &[
                ("firstname", "Jane"),
                ("lastname", "Doe"),
                ("telephone", "512-555-1111"),
                ("street[]", ""),
                ("street[]", ""),
                ("city", ""),
                ("country_id", "US"),
                ("region_id", ""),
                ("postcode", "10755"),
            ])
            .await;
        assert_eq!(address.status, 400);
        assert_field_error(&address.body, "street", "\"street\" is required. Enter and try again.");
        assert_field_error(&address.body, "city", "\"city\" is required. Enter and try again.");
        let wrong_region = v
            .submit("/customer/address/new/", "/customer/address/formPost/", &[
                ("firstname", "Jane"),
                ("lastname", "Doe"),
                ("telephone", "512-555-1111"),
                ("street[]", "1 High St"),
                ("city", "London"),
                ("country_id", "GB"),
                ("region_id", "43"),
                ("postcode", "SW1A 1AA"),
            ])
            .await;
        assert_field_error(
            &wrong_region.body,
            "region_id",
            "Invalid value of \"43\" provided for the regionId field.",
        );
        let me = app.get_me(&app.seed_token().await).await;
        assert_eq!(me.body["addresses"].as_array().unwrap().len(), 1);

        // Changing the e-mail needs the current password.
        let edit = v
            .submit("/customer/account/edit/", "/customer/account/editPost/", &[
                ("firstname", "Jane"),
                ("lastname", "Doe"),
                ("email", "jane@example.com"),
                ("current_password", "nope"),
            ])
            .await;
        assert_field_error(
            &edit.body,
            "current_password",
            "The password doesn't match this account. Verify the password and try again.",
        );
        assert!(signs_in_over_rest(&app, "jdoe@example.com", "Password1").await);
    }
}

on_both_backends! {
    async fn pages_are_store_scoped_and_can_be_turned_off(backend: Backend) {
        let app = spawn_app(backend).await;
        let mut v = Visitor::new(&app);
        for path in ["/customer/account/login", "/customer/account/login/", "/default/customer/account/login/"] {
            let page = v.get(path).await;
            assert_eq!(page.status, 200, "{path}");
            assert!(page.body.contains("<title>Customer Login | Main Website Store</title>"), "{path}");
        }
        let scoped = v.get("/default/customer/account/login/").await;
        assert!(scoped.body.contains("action=\"/default/customer/account/loginPost/\""));
        for path in ["/nosuch/customer/account/login/", "/all/customer/account/login/", "/customer/account/nosuch"] {
            let page = v.get(path).await;
            assert_eq!(page.status, 404, "{path}");
            assert!(page.body.contains("The page you requested was not found."), "{path}");
        }
        let headers = reqwest::get(app.url("/customer/account/login/")).await.unwrap();
        assert_eq!(headers.headers()["cache-control"], "no-store");
        assert_eq!(headers.headers()["referrer-policy"], "no-referrer");
        assert_eq!(headers.headers()["x-frame-options"], "DENY");

        // Mail links lead to these pages.
        app.create_seed_customer().await;
        let sent = app.request_reset(&json!({"email": "jdoe@example.com", "template": "email_reset"})).await;
        assert_eq!(sent.status, 200);
        let link = reset_link(&app);
        assert!(link.starts_with(&format!("{}/customer/account/createPassword/?id=1&token=", app.address)), "{link}");

        let off = spawn_app_with(backend, |s| s.storefront_pages = false).await;
        let reply = off.call("GET", "/customer/account/login/", None, None).await;
        assert_eq!(reply.status, 404);
        assert_eq!(reply.body, json!({"message": "Request does not match any route."}));
        off.create_seed_customer().await;
        off.request_reset(&json!({"email": "jdoe@example.com", "template": "email_reset"})).await;
        assert!(reset_link(&off).starts_with("http://127.0.0.1:8080/customer/account/createPassword/"));
    }
}

on_both_backends! {
    async fn a_page_registration_that_needs_confirmation_is_confirmed_by_the_mailed_link(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.confirmation_required = true).await;
        let mut v = Visitor::new(&app);
        let created = v
            .submit("/customer/account/create/", "/customer/account/createpost/", &[
                ("firstname", "Ann"),
                ("lastname", "Lee"),
                ("email", "ann@example.com"),
                ("password", "Password1"),
                ("password_confirmation", "Password1"),
            ])
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
        assert!(created.body.contains("You must confirm your account. Please check your email for the confirmation link."));
        assert!(created.set_cookies.iter().all(|c| !c.starts_with("customer_session=")), "not signed in yet");
        let unconfirmed = v.sign_in("ann@example.com", "Password1").await;
        assert!(unconfirmed.body.contains("This account isn&#39;t confirmed. Verify and try again."));

        let text = newest_mail(&app);
        let id = link_param(&text, "customer/account/confirm", "id").expect("confirmation link");
        let wrong = v.get(&format!("/customer/account/confirm/?id={id}&key=wrong")).await;
        assert_eq!(wrong.status, 400);
        assert!(wrong.body.contains("The confirmation token is invalid. Verify the token and try again."));
        let link = text.lines().find(|l| l.contains("customer/account/confirm")).unwrap().trim();
        let path = link.strip_prefix(&app.address).expect("the link leads to this service");
        let confirmed = v.get(path).await;
        assert_eq!(confirmed.status, 303);
        assert_eq!(confirmed.location.as_deref(), Some("/customer/account/login/"));
        let login = v.get("/customer/account/login/").await;
        assert!(login.body.contains("Thank you for registering with Main Website Store."));
        assert_eq!(v.sign_in("ann@example.com", "Password1").await.status, 303);
        assert_eq!(v.get(path).await.status, 400, "a link works once");
    }
}

/// The decoded text of the newest mail the app wrote.
fn newest_mail(app: &TestApp) -> String {
    let mut files: Vec<_> = std::fs::read_dir(&app.mail_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // File names are random (lettre's file transport): the newest is the last written.
    files.sort_by_key(|f| std::fs::metadata(f).unwrap().modified().unwrap());
    mail_text(&std::fs::read_to_string(files.last().unwrap()).unwrap())
}

/// The reset link in the newest mail the app wrote.
fn reset_link(app: &TestApp) -> String {
    newest_mail(app)
        .lines()
        .find(|l| l.contains("createPassword"))
        .expect("a reset link")
        .trim()
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// Browser tests

/// chromedriver on a free port, stopped when dropped, with its browser profile.
struct Driver {
    process: std::process::Child,
    port: u16,
    profile: std::path::PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A browser session, or `None` (with the reason printed) when Chromium is not installed and
/// REQUIRE_BROWSER is not 1.
async fn browser() -> Option<(Driver, Client)> {
    let installed = std::process::Command::new("chromedriver")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        && std::path::Path::new("/usr/bin/chromium").exists();
    if !installed {
        assert!(
            std::env::var("REQUIRE_BROWSER").as_deref() != Ok("1"),
            "REQUIRE_BROWSER=1 but chromium/chromium-driver are not installed"
        );
        println!(
            "skipped: chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let process = std::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = std::env::temp_dir()
        .join("customer-service-tests")
        .join(format!("chromium-{}", uuid::Uuid::new_v4().simple()));
    let driver = Driver {
        process,
        port,
        profile,
    };
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                format!("--user-data-dir={}", driver.profile.display()),
            ]
        }),
    );
    let url = format!("http://127.0.0.1:{}", driver.port);
    for _ in 0..100 {
        match ClientBuilder::native()
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return Some((driver, client)),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    panic!("chromedriver did not answer on port {}", driver.port);
}

/// Saves a PNG of the page as `target/screenshots/<name>-<backend>.png`.
async fn screenshot(client: &Client, name: &str, backend: Backend) {
    let png = client.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let suffix = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    std::fs::write(dir.join(format!("{name}-{suffix}.png")), png).unwrap();
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Ticks a box (no page load).
async fn tick(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Clicks what loads a new page (a link or a submit button) and waits until it has loaded,
/// so the next check reads the new page, not the old one.
async fn follow(client: &Client, locator: Locator<'_>) {
    let old = client.find(Locator::Css("html")).await.unwrap();
    client.find(locator).await.unwrap().click().await.unwrap();
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    client
        .wait()
        .for_element(Locator::Css("main"))
        .await
        .unwrap();
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn path_of(client: &Client) -> String {
    client.current_url().await.unwrap().path().to_owned()
}

async fn sign_in_in_browser(client: &Client, app: &TestApp, email: &str, password: &str) {
    client
        .goto(&app.url("/customer/account/login/"))
        .await
        .unwrap();
    fill(client, "#email", email).await;
    fill(client, "#password", password).await;
    follow(client, Locator::Css("#send2")).await;
}

async fn sign_out_in_browser(client: &Client) {
    follow(client, Locator::Css("header form button[type=submit]")).await;
    assert_eq!(path_of(client).await, "/customer/account/login/");
    assert!(
        text_of(client, ".message.success")
            .await
            .contains("You are signed out.")
    );
}

/// The seed's address as the page prints it, line by line.
const SEED_ADDRESS: &str =
    "Jane Doe\n123 Oak Ave\nPurchase, New York, 10755\nUnited States\nT: 512-555-1111";

on_both_backends! {
    async fn the_seed_customers_sign_in_and_see_their_default_addresses(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let john = app.graphql(
            r#"mutation { createCustomer(input: { firstname: "John" lastname: "Doe" email: "john.doe@example.com" password: "b1b2b3l@w+" is_subscribed: true }) { customer { email } } }"#,
            Value::Null, None, None,
        ).await;
        assert_eq!(john.status, 200, "{:?}", john.body);
        let Some((_driver, client)) = browser().await else { return };

        client.goto(&app.url("/customer/account/login/")).await.unwrap();
        assert_eq!(client.title().await.unwrap(), "Customer Login | Main Website Store");
        screenshot(&client, "login", backend).await;
        sign_in_in_browser(&client, &app, "jdoe@example.com", "Password1").await;
        assert_eq!(path_of(&client).await, "/customer/account/");
        assert!(text_of(&client, "header").await.contains("Welcome, Jane!"));
        assert!(text_of(&client, "main").await.contains("Jane Doe\njdoe@example.com"));
        assert_eq!(text_of(&client, "#default-billing address").await, SEED_ADDRESS);
        assert_eq!(text_of(&client, "#default-shipping address").await, SEED_ADDRESS);
        screenshot(&client, "dashboard", backend).await;

        follow(&client, Locator::LinkText("Address Book")).await;
        assert_eq!(path_of(&client).await, "/customer/address/");
        assert_eq!(text_of(&client, "#default-billing address").await, SEED_ADDRESS);
        assert_eq!(text_of(&client, "#default-shipping address").await, SEED_ADDRESS);
        screenshot(&client, "address-book", backend).await;
        sign_out_in_browser(&client).await;

        // Seed 000's customer, created over GraphQL, signs in the same way.
        sign_in_in_browser(&client, &app, "john.doe@example.com", "b1b2b3l@w+").await;
        assert_eq!(path_of(&client).await, "/customer/account/");
        assert!(text_of(&client, "header").await.contains("Welcome, John!"));
        let main = text_of(&client, "main").await;
        assert!(main.contains("You are subscribed to \"General Subscription\"."), "{main}");
        assert!(main.contains("You have not set a default billing address."), "{main}");
        client.close().await.unwrap();
    }
}

on_both_backends! {
    async fn a_customer_registers_adds_an_address_changes_the_defaults_and_signs_out(backend: Backend) {
        let app = spawn_app(backend).await;
        let Some((_driver, client)) = browser().await else { return };
        client.goto(&app.url("/customer/account/create/")).await.unwrap();
        fill(&client, "#firstname", "Maria").await;
        fill(&client, "#lastname", "Garcia").await;
        fill(&client, "#email", "maria@example.com").await;
        fill(&client, "#password", "Sunrise-2026").await;
        fill(&client, "#password_confirmation", "Sunrise-2026").await;
        follow(&client, Locator::Css("main button[type=submit]")).await;
        assert_eq!(path_of(&client).await, "/customer/account/");
        assert_eq!(text_of(&client, ".message.success").await, "Thank you for registering with Main Website Store.");
        assert!(text_of(&client, "#default-billing").await.contains("You have not set a default billing address."));

        // First address: the defaults.
        client.goto(&app.url("/customer/address/new/")).await.unwrap();
        fill(&client, "#telephone", "512-555-0100").await;
        fill(&client, "#street_1", "1 Main St").await;
        fill(&client, "#city", "Austin").await;
        client.find(Locator::Css("#country_id")).await.unwrap().select_by_value("US").await.unwrap();
        client.find(Locator::Css("#region_id")).await.unwrap().select_by_label("Texas").await.unwrap();
        fill(&client, "#postcode", "73301").await;
        tick(&client, "#default_billing").await;
        tick(&client, "#default_shipping").await;
        follow(&client, Locator::Css("main form.panel button[type=submit]")).await;
        assert_eq!(path_of(&client).await, "/customer/address/");
        assert_eq!(text_of(&client, ".message.success").await, "You saved the address.");
        let austin = "Maria Garcia\n1 Main St\nAustin, Texas, 73301\nUnited States\nT: 512-555-0100";
        assert_eq!(text_of(&client, "#default-billing address").await, austin);
        assert_eq!(text_of(&client, "#default-shipping address").await, austin);

        // Second address, in a country without a region list.
        follow(&client, Locator::Css("a.primary[href$='/customer/address/new/']")).await;
        fill(&client, "#telephone", "+44 20 7946 0000").await;
        fill(&client, "#street_1", "10 Downing St").await;
        fill(&client, "#city", "London").await;
        client.find(Locator::Css("#country_id")).await.unwrap().select_by_value("GB").await.unwrap();
        fill(&client, "#region", "Greater London").await;
        fill(&client, "#postcode", "SW1A 2AA").await;
        follow(&client, Locator::Css("main form.panel button[type=submit]")).await;
        assert_eq!(path_of(&client).await, "/customer/address/");
        let london = "Maria Garcia\n10 Downing St\nLondon, Greater London, SW1A 2AA\nUnited Kingdom\nT: +44 20 7946 0000";
        assert_eq!(text_of(&client, ".addresses address").await, london);

        // Make it the default shipping address.
        follow(&client, Locator::LinkText("Edit")).await;
        assert!(path_of(&client).await.starts_with("/customer/address/edit/id/"));
        tick(&client, "#default_shipping").await;
        follow(&client, Locator::Css("main form.panel button[type=submit]")).await;
        assert_eq!(text_of(&client, "#default-billing address").await, austin);
        assert_eq!(text_of(&client, "#default-shipping address").await, london);
        client.goto(&app.url("/customer/account/")).await.unwrap();
        assert_eq!(text_of(&client, "#default-shipping address").await, london);

        sign_out_in_browser(&client).await;
        client.goto(&app.url("/customer/account/")).await.unwrap();
        assert_eq!(path_of(&client).await, "/customer/account/login/");
        client.close().await.unwrap();
    }
}

on_both_backends! {
    async fn the_forgot_password_mail_link_opens_the_reset_page_and_the_new_password_works(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let Some((_driver, client)) = browser().await else { return };
        client.goto(&app.url("/customer/account/login/")).await.unwrap();
        follow(&client, Locator::LinkText("Forgot Your Password?")).await;
        fill(&client, "#email", "jdoe@example.com").await;
        follow(&client, Locator::Css("main button[type=submit]")).await;
        assert!(text_of(&client, ".message.success").await.contains(
            "If there is an account associated with jdoe@example.com you will receive an email with a link to reset your password."
        ));

        let link = reset_link(&app);
        client.goto(&link).await.unwrap();
        assert_eq!(client.title().await.unwrap(), "Set a New Password | Main Website Store");
        fill(&client, "#password", "Brand-new-2026").await;
        fill(&client, "#password_confirmation", "Brand-new-2026").await;
        follow(&client, Locator::Css("main button[type=submit]")).await;
        assert_eq!(path_of(&client).await, "/customer/account/login/");
        assert_eq!(text_of(&client, ".message.success").await, "You updated your password.");

        // The link is spent; the old password is gone; the new one works.
        client.goto(&link).await.unwrap();
        assert!(text_of(&client, ".message.error").await.contains("Your password reset link has expired."));
        sign_in_in_browser(&client, &app, "jdoe@example.com", "Password1").await;
        assert_eq!(path_of(&client).await, "/customer/account/loginPost/");
        sign_in_in_browser(&client, &app, "jdoe@example.com", "Brand-new-2026").await;
        assert_eq!(path_of(&client).await, "/customer/account/");
        assert!(text_of(&client, "header").await.contains("Welcome, Jane!"));
        client.close().await.unwrap();
    }
}

on_both_backends! {
    async fn a_browser_form_without_the_csrf_token_is_refused(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let Some((_driver, client)) = browser().await else { return };
        client.goto(&app.url("/customer/account/login/")).await.unwrap();
        // What a forged form would lack: the hidden token (WebDriver removes it; the page has
        // no script of its own).
        client
            .execute("document.querySelector('input[name=form_key]').remove()", vec![])
            .await
            .unwrap();
        fill(&client, "#email", "jdoe@example.com").await;
        fill(&client, "#password", "Password1").await;
        follow(&client, Locator::Css("#send2")).await;
        assert_eq!(client.title().await.unwrap(), "Invalid Form Key");
        assert!(text_of(&client, "main").await.contains("Invalid Form Key. Please refresh the page."));
        client.goto(&app.url("/customer/account/")).await.unwrap();
        assert_eq!(path_of(&client).await, "/customer/account/login/", "not signed in");
        client.close().await.unwrap();
    }
}
