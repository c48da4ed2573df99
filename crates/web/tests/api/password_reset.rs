//! Password reset through a real SMTP conversation: request, link validation, reset, expiry on
//! both sides of the boundary, single use, rate limits, and what an unknown e-mail learns.

use crate::helpers::*;
use customer_core::db::schema::customers;
use diesel::prelude::*;
use serde_json::json;

async fn app_with_smtp(backend: Backend, sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    spawn_app_with(backend, move |s| {
        s.smtp_url = Some(url);
        s.storefront_url = "https://shop.example.com/".into();
        // The limits are exercised in their own test.
        s.reset_min_interval = std::time::Duration::ZERO;
        s.reset_max_requests_per_hour = 0;
    })
    .await
}

/// Requests a reset for Jane and returns (customer id, key) read from the mail.
async fn request_reset(app: &TestApp, sink: &SmtpSink) -> (String, String) {
    let before = sink.messages().len();
    let reply = app
        .request_reset(&json!({"email": "jdoe@example.com", "template": "email_reset"}))
        .await;
    assert_eq!((reply.status, reply.body), (200, json!(true)));
    let messages = sink.messages();
    assert_eq!(messages.len(), before + 1, "one reset mail sent");
    let raw = messages.last().unwrap();
    assert!(
        raw.contains("To: \"Jane Doe\" <jdoe@example.com>")
            || raw.contains("To: Jane Doe <jdoe@example.com>"),
        "{raw}"
    );
    let text = mail_text(raw);
    assert!(
        text.contains("https://shop.example.com/customer/account/createPassword/?id="),
        "{text}"
    );
    let id = link_param(&text, "createPassword", "id").unwrap();
    let key = link_param(&text, "createPassword", "token").unwrap();
    assert_eq!(key.len(), 32);
    (id, key)
}

async fn set_key_age(app: &TestApp, seconds: i64) {
    app.with_db(move |conn| {
        let issued = chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(seconds);
        diesel::update(customers::table)
            .set(customers::rp_token_created_at.eq(Some(issued)))
            .execute(conn)
    })
    .await;
}

on_both_backends! {
    async fn a_mailed_reset_key_sets_a_new_password_once(backend: Backend) {
        let sink = SmtpSink::start().await;
        let app = app_with_smtp(backend, &sink).await;
        app.create_seed_customer().await;
        assert!(mail_text(&sink.messages()[0]).contains("Welcome to Default Store View"), "welcome mail on sign-up");
        let old_token = app.seed_token().await;
        let (id, key) = request_reset(&app, &sink).await;
        let link = app.call("GET", &format!("/rest/V1/customers/{id}/password/resetLinkToken/{key}"), None, None).await;
        assert_eq!((link.status, link.body), (200, json!(true)));

        let reset = json!({"email": "jdoe@example.com", "resetToken": key, "newPassword": "Brand-new1"});
        let reply = app.reset_password(&reset).await;
        assert_eq!((reply.status, reply.body), (200, json!(true)));
        assert_eq!(app.get_me(&old_token).await.status, 401, "every token revoked");
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 401);
        assert_eq!(app.token_reply("jdoe@example.com", "Brand-new1").await.status, 200);

        let again = app.reset_password(&json!({"email": "jdoe@example.com", "reset_token": key, "new_password": "Another-1x"})).await;
        assert_eq!((again.status, again.body), (400, error("The password token is mismatched. Reset and try again.")), "single use");
        let link = app.call("GET", &format!("/rest/V1/customers/{id}/password/resetLinkToken/{key}"), None, None).await;
        assert_eq!(link.status, 400);
    }
}

on_both_backends! {
    async fn reset_keys_expire_after_two_hours(backend: Backend) {
        let sink = SmtpSink::start().await;
        let app = app_with_smtp(backend, &sink).await;
        app.create_seed_customer().await;
        let (id, key) = request_reset(&app, &sink).await;
        let link = format!("/rest/V1/customers/{id}/password/resetLinkToken/{key}");
        let expired = error("The password token is expired. Reset and try again.");
        set_key_age(&app, 2 * 3600 - 5).await;
        assert_eq!(app.call("GET", &link, None, None).await.status, 200, "1h59m55s old: valid");
        set_key_age(&app, 2 * 3600 + 1).await;
        let reply = app.call("GET", &link, None, None).await;
        assert_eq!((reply.status, reply.body), (400, expired.clone()), "2h old: expired");
        let reset = app.reset_password(&json!({"email": "jdoe@example.com", "resetToken": key, "newPassword": "Brand-new1"})).await;
        assert_eq!((reset.status, reset.body), (400, expired.clone()));
        set_key_age(&app, -60).await;
        assert_eq!(app.call("GET", &link, None, None).await.body, expired, "issued in the future: expired");
    }
}

on_both_backends! {
    async fn a_reset_unlocks_a_locked_account(backend: Backend) {
        let sink = SmtpSink::start().await;
        let app = app_with_smtp(backend, &sink).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        for _ in 0..10 {
            app.call("PUT", "/rest/V1/customers/me/password", Some(&token), Some(&json!({"currentPassword": "Wrong1234", "newPassword": "NewPassw0rd"}))).await;
        }
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 401, "locked");
        let (_, key) = request_reset(&app, &sink).await;
        let reply = app.reset_password(&json!({"email": "jdoe@example.com", "resetToken": key, "newPassword": "Brand-new1"})).await;
        assert_eq!(reply.status, 200);
        assert_eq!(app.token_reply("jdoe@example.com", "Brand-new1").await.status, 200, "the reset cleared the lock");
    }
}

on_both_backends! {
    async fn reset_requests_are_validated_and_reveal_no_account(backend: Backend) {
        let sink = SmtpSink::start().await;
        let app = app_with_smtp(backend, &sink).await;
        app.create_seed_customer().await;
        let sent = sink.messages().len();
        let unknown = app.request_reset(&json!({"email": "nobody@example.com", "template": "email_reset"})).await;
        assert_eq!((unknown.status, unknown.body), (200, json!(true)), "same answer as for an account");
        assert_eq!(sink.messages().len(), sent, "but no mail");
        let cases = [
            (json!({}), json!({"message": "One or more input exceptions have occurred.", "errors": [
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "email"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "template"}}]})),
            (json!({"email": "jdoe@example.com", "template": "x"}), json!({
                "message": "Invalid value of \"%value\" provided for the %fieldName field. Possible values: %template1 or %template2.",
                "parameters": {"value": "x", "fieldName": "template", "template1": "email_reminder", "template2": "email_reset"}})),
        ];
        for (body, expected) in cases {
            let reply = app.request_reset(&body).await;
            assert_eq!((reply.status, reply.body), (400, expected));
        }
        // AccountManagement::resetPassword: an empty e-mail, then the e-mail looked up in the
        // website (404), then an empty key; absent parameters are all reported together.
        let resets = [
            (json!({"email": "", "resetToken": "", "newPassword": ""}), 400, required("email")),
            (json!({"email": "nobody@example.com", "resetToken": "x", "newPassword": "Brand-new1"}), 404,
                json!({"message": "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value",
                    "parameters": {"fieldName": "email", "fieldValue": "nobody@example.com", "field2Name": "websiteId", "field2Value": 1}})),
            (json!({"email": "jdoe@example.com", "resetToken": "", "newPassword": "Brand-new1"}), 400, required("resetPasswordLinkToken")),
            (json!({"email": "jdoe@example.com", "resetToken": "x", "newPassword": ""}), 400,
                error("The password token is mismatched. Reset and try again.")),
            (json!({"email": "jdoe@example.com"}), 400, json!({"message": "One or more input exceptions have occurred.", "errors": [
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "resetToken"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "newPassword"}}]})),
        ];
        for (body, status, expected) in resets {
            let reset = app.reset_password(&body).await;
            assert_eq!((reset.status, reset.body), (status, expected), "{body}");
        }
        let (id, key) = request_reset(&app, &sink).await;
        let weak = app.reset_password(&json!({"email": "jdoe@example.com", "resetToken": key, "newPassword": "short"})).await;
        assert_eq!(weak.status, 400);
        assert_eq!(app.call("GET", &format!("/rest/V1/customers/{id}/password/resetLinkToken/{key}"), None, None).await.status, 200, "a refused reset keeps the key");
        let cases = [
            ("/rest/V1/customers/abc/password/resetLinkToken/x", 400, error("The \"abc\" value's type is invalid. The \"int\" type was expected. Verify and try again.")),
            ("/rest/V1/customers/0/password/resetLinkToken/x", 400, json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.", "parameters": {"fieldName": "customerId", "value": 0}})),
            ("/rest/V1/customers/999999/password/resetLinkToken/x", 404, json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "customerId", "fieldValue": 999999}})),
            (&*format!("/rest/V1/customers/{id}/password/resetLinkToken/wrongkey"), 400, error("The password token is mismatched. Reset and try again.")),
        ];
        for (path, status, expected) in cases {
            let reply = app.call("GET", path, None, None).await;
            assert_eq!((reply.status, &reply.body), (status, &expected), "{path}");
        }
    }
}

on_both_backends! {
    async fn with_guest_checkout_login_an_unknown_email_is_reported(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.guest_checkout_login = true).await;
        let reply = app.request_reset(&json!({"email": "nobody@example.com", "template": "email_reset"})).await;
        assert_eq!(reply.status, 404);
        assert_eq!(reply.body, json!({"message": "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value",
            "parameters": {"fieldName": "email", "fieldValue": "nobody@example.com", "field2Name": "websiteId", "field2Value": 1}}));
    }
}

on_both_backends! {
    async fn reset_requests_are_limited_per_email_and_flood_capped_per_ip(backend: Backend) {
        // Behind a trusted proxy at 127.0.0.1, with a cap of 3 requests per client IP and hour.
        let app = spawn_app_with(backend, |s| {
            s.reset_max_requests_per_hour = 3;
            s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        })
        .await;
        app.create_seed_customer().await;
        async fn request(app: &TestApp, email: &str, client: &str) -> Reply {
            let body = json!({"email": email, "template": "email_reset"});
            let req = app
                .build("PUT", "/rest/V1/customers/password", None, Some(&body))
                .header("X-Forwarded-For", format!("{client}, 127.0.0.1"));
            app.send(req).await
        }
        let too_many = json!({"message": "We received too many requests for password resets. Please wait and try again later or contact %1.", "parameters": ["hello@example.com"]});
        assert_eq!(request(&app, "jdoe@example.com", "198.51.100.7").await.status, 200);
        let reply = request(&app, "jdoe@example.com", "203.0.113.9").await;
        assert_eq!((reply.status, &reply.body), (400, &too_many), "10 minutes between requests for one e-mail, from anywhere");
        // Another customer behind the same address is not refused (Magento's default would).
        let reply = request(&app, "someone-else@example.com", "198.51.100.7").await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let reply = request(&app, "third@example.com", "198.51.100.7").await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        // The fourth request from that client within the hour is a flood.
        let reply = request(&app, "fourth@example.com", "198.51.100.7").await;
        assert_eq!((reply.status, &reply.body), (400, &too_many), "per-IP hourly cap");
        // ... of that client only: the proxy's other clients go on.
        let reply = request(&app, "fourth@example.com", "192.0.2.44").await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        // An untrusted peer cannot pick its address: without the trusted proxy setting the
        // header is ignored and the TCP peer counts.
        let direct = spawn_app_with(backend, |s| s.reset_max_requests_per_hour = 1).await;
        assert_eq!(request(&direct, "a@example.com", "198.51.100.1").await.status, 200);
        let reply = request(&direct, "b@example.com", "198.51.100.2").await;
        assert_eq!((reply.status, &reply.body), (400, &too_many), "X-Forwarded-For from an untrusted peer is ignored");
    }
}

on_both_backends! {
    async fn reset_mail_goes_to_an_eml_file_without_smtp_and_smtp_failure_says_false(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let reply = app.request_reset(&json!({"email": "jdoe@example.com", "template": "email_reminder"})).await;
        assert_eq!((reply.status, reply.body), (200, json!(true)));
        let files: Vec<String> = std::fs::read_dir(&app.mail_dir).unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
        assert_eq!(files.len(), 2, "welcome and reset mail");
        assert!(files.iter().any(|f| mail_text(f).contains("customer/account/createPassword/?id=")));

        // A mail server that is down: sign-up still succeeds, the reset request says false.
        let app = spawn_app_with(backend, |s| s.smtp_url = Some("smtp://127.0.0.1:9".into())).await;
        app.create_seed_customer().await;
        let reply = app.request_reset(&json!({"email": "jdoe@example.com", "template": "email_reset"})).await;
        assert_eq!((reply.status, reply.body), (200, json!(false)));
    }
}
