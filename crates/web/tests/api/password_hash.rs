//! Magento's API path for migrations: `passwordHash` and `created_at` on `POST /V1/customers`
//! and `PUT /V1/customers/:id` from an admin or an integration with `Magento_Customer::manage`.

use crate::helpers::*;
use customer_core::db::schema::customers;
use diesel::prelude::*;
use serde_json::json;

/// `m2:1 sha256` of crates/core/tests/fixtures/legacy_hashes.json: password `Sup3r-Secret!`.
const SHA256_HASH: &str = "9f9ef5a81a1cf86c7c492734cc058a107abd0baaee3a2eb15d203ba189d1bdf3:Kx9vQ2mLr7TzW4bN8cYp1sFh6JdG3aEu:1";
const PASSWORD: &str = "Sup3r-Secret!";

fn unverifiable() -> serde_json::Value {
    json!({
        "message": "The \"%fieldName\" value is not a password hash this service can verify.",
        "parameters": {"fieldName": "passwordHash"}
    })
}

async fn stored(app: &TestApp, id: i64) -> (Option<String>, String) {
    app.with_db(move |conn| {
        customers::table
            .find(id as i32)
            .select((customers::password_hash, customers::firstname))
            .first(conn)
    })
    .await
}

async fn count(app: &TestApp) -> i64 {
    app.with_db(|conn| customers::table.count().get_result(conn))
        .await
}

on_both_backends! {
    async fn an_admin_creates_a_migrated_customer_with_its_magento_hash_and_created_at(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        let body = json!({
            "customer": {"email": "old@example.com", "firstname": "Old", "lastname": "Timer",
                         "created_at": "2019-03-04 05:06:07"},
            "passwordHash": SHA256_HASH
        });
        let reply = app.call("POST", "/rest/V1/customers", Some(&admin), Some(&body)).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(reply.body["created_at"], "2019-03-04 05:06:07");
        let id = reply.body["id"].as_i64().unwrap();
        assert_eq!(stored(&app, id).await.0.as_deref(), Some(SHA256_HASH));
        assert_eq!(app.token_reply("old@example.com", "wrong-Pass1").await.status, 401);
        assert_eq!(app.token_reply("old@example.com", PASSWORD).await.status, 200);
        assert!(stored(&app, id).await.0.unwrap().starts_with("$2"));

        // An unknown form is refused, without echoing it, and nothing is created.
        for bad in ["not-a-hash", "5f4dcc3b5aa765d61d8327deb882cf99:salt:7", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"] {
            let body = json!({
                "customer": {"email": "bad@example.com", "firstname": "B", "lastname": "C"},
                "passwordHash": bad
            });
            let reply = app.call("POST", "/rest/V1/customers", Some(&admin), Some(&body)).await;
            assert_eq!((reply.status, reply.body), (400, unverifiable()), "{bad}");
        }
        assert_eq!(count(&app).await, 1);

        // Both a password and a hash: ambiguous, refused.
        let body = json!({
            "customer": {"email": "both@example.com", "firstname": "B", "lastname": "C"},
            "password": "Password-1x", "passwordHash": SHA256_HASH
        });
        let reply = app.call("POST", "/rest/V1/customers", Some(&admin), Some(&body)).await;
        assert_eq!((reply.status, reply.body), (400, error("Send either \"password\" or \"passwordHash\", not both.")));

        // A bad created_at is a 400 too.
        let body = json!({
            "customer": {"email": "late@example.com", "firstname": "B", "lastname": "C", "created_at": "soon"},
            "passwordHash": SHA256_HASH
        });
        let reply = app.call("POST", "/rest/V1/customers", Some(&admin), Some(&body)).await;
        assert_eq!(reply.status, 400, "{:?}", reply.body);
        assert_eq!(count(&app).await, 1);
    }
}

on_both_backends! {
    async fn an_anonymous_sign_up_cannot_set_a_hash_or_created_at(backend: Backend) {
        let app = spawn_app(backend).await;
        let body = json!({
            "customer": {"email": "anon@example.com", "firstname": "A", "lastname": "N",
                         "created_at": "2001-01-01 00:00:00"},
            "passwordHash": SHA256_HASH
        });
        let reply = app.create_customer(&body).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_ne!(reply.body["created_at"], "2001-01-01 00:00:00");
        let id = reply.body["id"].as_i64().unwrap();
        assert_eq!(stored(&app, id).await.0, None);
        assert_eq!(app.token_reply("anon@example.com", PASSWORD).await.status, 401);

        // Nor can the customer on PUT /me.
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let body = json!({"customer": {"email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe"},
                          "passwordHash": SHA256_HASH});
        assert_eq!(app.save_me(&token, &body).await.status, 200);
        assert_eq!(app.token_reply("jdoe@example.com", PASSWORD).await.status, 401);
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 200);
    }
}

on_both_backends! {
    async fn an_integration_sets_a_hash_on_an_existing_customer_all_or_nothing(backend: Backend) {
        let app = spawn_app(backend).await;
        let seed = app.create_seed_customer().await;
        let id = seed["id"].as_i64().unwrap();
        let erp = app.integration_token("erp", &[]).await;
        let path = format!("/rest/V1/customers/{id}");

        // A bad hash changes nothing, not even the other fields sent with it.
        let body = json!({"customer": {"firstname": "Changed"}, "passwordHash": "zz:top:1"});
        let reply = app.call("PUT", &path, Some(&erp), Some(&body)).await;
        assert_eq!((reply.status, reply.body), (400, unverifiable()));
        let (hash, firstname) = stored(&app, id).await;
        assert!(hash.unwrap().starts_with("$2"));
        assert_eq!(firstname, "Jane");

        let body = json!({"customer": {"firstname": "Janet", "created_at": "2015-06-07 08:09:10"},
                          "passwordHash": SHA256_HASH});
        let reply = app.call("PUT", &path, Some(&erp), Some(&body)).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!((reply.body["firstname"].as_str(), reply.body["created_at"].as_str()),
                   (Some("Janet"), Some("2015-06-07 08:09:10")));
        assert_eq!(stored(&app, id).await.0.as_deref(), Some(SHA256_HASH));
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 401);
        assert_eq!(app.token_reply("jdoe@example.com", PASSWORD).await.status, 200);

        // Without Magento_Customer::manage the route itself is refused.
        let reader = app.integration_token("reader", &["Magento_Customer::customer"]).await;
        let reply = app.call("PUT", &path, Some(&reader), Some(&body)).await;
        assert_eq!((reply.status, reply.body), (401, not_authorized("Magento_Customer::manage")));
    }
}
