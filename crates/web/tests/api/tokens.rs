//! `POST /V1/integration/customer/token` and bearer authentication on `GET /V1/customers/me`.

use crate::helpers::*;
use customer_core::db::schema::{access_tokens, customers};
use diesel::prelude::*;
use serde_json::json;

fn sign_in_failed() -> serde_json::Value {
    error(
        "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.",
    )
}

/// Sets the expiry of every stored token to now + `seconds` (negative: in the past).
async fn age_tokens(app: &TestApp, seconds: i64) {
    let at = chrono::Utc::now().naive_utc() + chrono::TimeDelta::seconds(seconds);
    app.state
        .db
        .run(move |conn| {
            diesel::update(access_tokens::table)
                .set(access_tokens::expires_at.eq(at))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
}

on_both_backends! {
    async fn a_token_is_32_lowercase_alphanumerics_stored_only_as_a_hash(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        assert_eq!(token.len(), 32);
        assert!(token.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{token}");
        assert_ne!(token, app.seed_token().await, "each sign-in gets a new token");
        let stored: Vec<(String, chrono::NaiveDateTime, chrono::NaiveDateTime)> = app.state.db.run(|conn| {
            Ok(access_tokens::table
                .select((access_tokens::token_hash, access_tokens::created_at, access_tokens::expires_at))
                .load(conn)?)
        }).await.unwrap();
        assert_eq!(stored.len(), 2);
        for (hash, created, expires) in &stored {
            assert_ne!(hash, &token);
            assert_eq!(hash.len(), 64);
            assert_eq!((*expires - *created).num_seconds(), 3600, "Magento's 1-hour default");
        }
        assert!(stored.iter().any(|(h, _, _)| *h == customer_core::auth::token::TokenHash::of(&token).into_string()));
    }
}

on_both_backends! {
    async fn unknown_email_and_wrong_password_get_the_identical_401(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let wrong_password = app.token_reply("jdoe@example.com", "Password2").await;
        let unknown_email = app.token_reply("nobody@example.com", "Password1").await;
        assert_eq!(wrong_password.status, 401);
        assert_eq!(unknown_email.status, 401);
        assert_eq!(wrong_password.body, sign_in_failed());
        assert_eq!(unknown_email.body, wrong_password.body);
        // The e-mail is matched case-insensitively.
        assert_eq!(app.token_reply("JDOE@example.com", "Password1").await.status, 200);
    }
}

on_both_backends! {
    async fn missing_or_empty_credentials_are_input_errors(backend: Backend) {
        let app = spawn_app(backend).await;
        let both = app.call("POST", "/rest/V1/integration/customer/token", None, Some(&json!({}))).await;
        assert_eq!(both.status, 400);
        assert_eq!(both.body, json!({"message": "One or more input exceptions have occurred.", "errors": [
            {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "username"}},
            {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "password"}}]}));
        let one = app.call("POST", "/rest/V1/integration/customer/token", None, Some(&json!({"username": "a@b.co", "password": ""}))).await;
        assert_eq!((one.status, one.body), (400, required("password")));
        let one = app.call("POST", "/rest/V1/integration/customer/token", None, Some(&json!({"username": null, "password": "x"}))).await;
        assert_eq!((one.status, one.body), (400, required("username")));
        let bad = app.call("POST", "/rest/V1/integration/customer/token", None, Some(&json!({"username": ["a"], "password": "x"}))).await;
        assert_eq!(bad.status, 400);
        // A user name PostgreSQL cannot even compare is a client error, never a 500.
        let nul = app.call("POST", "/rest/V1/integration/customer/token", None, Some(&json!({"username": "a\u{0}@example.com", "password": "x"})))
            .await;
        assert!(nul.status == 400 || nul.status == 401, "{nul:?}");
    }
}

on_both_backends! {
    async fn a_token_works_until_its_expiry_and_not_a_second_after(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        age_tokens(&app, 2).await;
        assert_eq!(app.get_me(&token).await.status, 200);
        age_tokens(&app, -1).await;
        let expired = app.get_me(&token).await;
        assert_eq!((expired.status, expired.body), (401, not_authorized("self")));
    }
}

on_both_backends! {
    async fn the_configured_lifetime_is_what_a_token_lives(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.customer_token_lifetime = std::time::Duration::from_secs(1)).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        assert_eq!(app.get_me(&token).await.status, 200);
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        assert_eq!(app.get_me(&token).await.status, 401);
    }
}

on_both_backends! {
    async fn revoked_tokens_and_deleted_customers_are_refused(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let now = chrono::Utc::now().naive_utc();
        app.state.db.run(move |conn| {
            diesel::update(access_tokens::table).set(access_tokens::revoked_at.eq(Some(now))).execute(conn)?;
            Ok(())
        }).await.unwrap();
        assert_eq!(app.get_me(&token).await.status, 401);
        let token = app.seed_token().await;
        app.state.db.run(|conn| { diesel::delete(customers::table).execute(conn)?; Ok(()) }).await.unwrap();
        assert_eq!(app.get_me(&token).await.body, not_authorized("self"));
    }
}

on_both_backends! {
    async fn missing_and_malformed_authorization_is_the_self_acl_failure(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let headers = [
            None,
            Some("Bearer".to_string()),
            Some(format!("Basic {token}")),
            Some(format!("Bearer  {token}")),
            Some(format!("Bearer {token} extra")),
            Some(format!("Bearer {}", token.to_uppercase())),
            Some("Bearer q0u66k8h42yaevtchv09uyy3y9gaj2ap".to_string()),
        ];
        for header in headers {
            let mut req = app.client.get(app.url("/rest/V1/customers/me"));
            if let Some(h) = &header {
                req = req.header("Authorization", h);
            }
            let reply = app.send(req).await;
            assert_eq!((reply.status, reply.body), (401, not_authorized("self")), "{header:?}");
        }
        let lower = app.send(app.build("GET", "/rest/V1/customers/me", None, None).header("Authorization", format!("bEaReR {token}"))).await;
        assert_eq!(lower.status, 200, "the scheme is case-insensitive");
    }
}

on_both_backends! {
    async fn the_all_scope_is_not_self_for_customers(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let reply = app.call("GET", "/rest/all/V1/customers/me", Some(&token), None).await;
        assert_eq!((reply.status, reply.body), (401, not_authorized("self")));
        // Signing in through /rest/all/ uses the default website.
        let reply = app.call("POST", "/rest/all/V1/integration/customer/token", None, Some(&json!({"username": "jdoe@example.com", "password": "Password1"}))).await;
        assert_eq!(reply.status, 200);
    }
}

on_both_backends! {
    async fn six_failures_lock_the_username_until_the_lock_expires(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        for _ in 0..6 {
            assert_eq!(app.token_reply("jdoe@example.com", "wrong").await.status, 401);
        }
        let locked = app.token_reply("jdoe@example.com", "Password1").await;
        assert_eq!((locked.status, locked.body), (401, sign_in_failed()), "locked even with the right password");
        // Another username is not affected.
        assert_eq!(app.token_reply("other@example.com", "x").await.status, 401);
        app.state.db.run(|conn| {
            use customer_core::db::schema::token_request_log;
            let past = chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(1);
            diesel::update(token_request_log::table).set(token_request_log::lock_expires_at.eq(past)).execute(conn)?;
            Ok(())
        }).await.unwrap();
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 200, "lock expired");
    }
}

on_both_backends! {
    async fn a_success_clears_earlier_failures(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        for _ in 0..5 {
            app.token_reply("jdoe@example.com", "wrong").await;
        }
        app.seed_token().await;
        for _ in 0..5 {
            app.token_reply("jdoe@example.com", "wrong").await;
        }
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 200);
    }
}

on_both_backends! {
    async fn ten_wrong_passwords_lock_the_account_itself(backend: Backend) {
        // The username throttle is lifted high so the account lockout (10 failures) shows.
        let app = spawn_app_with(backend, |s| s.token_max_failures = 100).await;
        app.create_seed_customer().await;
        for _ in 0..10 {
            app.token_reply("jdoe@example.com", "wrong").await;
        }
        let reply = app.token_reply("jdoe@example.com", "Password1").await;
        assert_eq!((reply.status, reply.body), (401, sign_in_failed()));
        let lock: Option<chrono::NaiveDateTime> = app.state.db.run(|conn| {
            Ok(customers::table.select(customers::lock_expires).first(conn)?)
        }).await.unwrap();
        let minutes = (lock.expect("locked") - chrono::Utc::now().naive_utc()).num_seconds();
        assert!((595..=600).contains(&minutes), "locked for Magento's 10 minutes, got {minutes}s");
    }
}

on_both_backends! {
    async fn the_purge_deletes_dead_tokens_and_expired_locks_only(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let (live, expired, revoked) = (app.seed_token().await, app.seed_token().await, app.seed_token().await);
        for _ in 0..2 {
            app.token_reply("nobody@example.com", "x").await;
            app.token_reply("someone@example.com", "x").await;
        }
        let hash = |t: &str| customer_core::auth::token::TokenHash::of(t).into_string();
        let (expired_hash, revoked_hash) = (hash(&expired), hash(&revoked));
        app.with_db(move |conn| {
            use customer_core::db::schema::token_request_log;
            let now = chrono::Utc::now().naive_utc();
            diesel::update(access_tokens::table.filter(access_tokens::token_hash.eq(expired_hash)))
                .set(access_tokens::expires_at.eq(now - chrono::TimeDelta::seconds(1)))
                .execute(conn)?;
            diesel::update(access_tokens::table.filter(access_tokens::token_hash.eq(revoked_hash)))
                .set(access_tokens::revoked_at.eq(Some(now)))
                .execute(conn)?;
            diesel::update(token_request_log::table.filter(token_request_log::username.eq("nobody@example.com")))
                .set(token_request_log::lock_expires_at.eq(now - chrono::TimeDelta::seconds(1)))
                .execute(conn)
        }).await;
        let purged = app.with_db(|conn| customer_core::db::tokens::purge_dead(conn, chrono::Utc::now().naive_utc())).await;
        assert_eq!(purged, (2, 1));
        let left: Vec<String> = app.with_db(|conn| {
            use customer_core::db::schema::token_request_log;
            token_request_log::table.select(token_request_log::username).load(conn)
        }).await;
        assert_eq!(left, ["someone@example.com"], "a current lock window stays");
        assert_eq!(app.get_me(&live).await.status, 200, "live tokens stay");
        let tokens: i64 = app.with_db(|conn| access_tokens::table.count().get_result(conn)).await;
        assert_eq!(tokens, 1);
    }
}
