//! Customers imported from Magento keep their password: every Magento hash form signs in once
//! with the right password (REST and GraphQL), is then replaced by a bcrypt hash, and never
//! accepts a wrong password. The vectors in crates/core/tests/fixtures/legacy_hashes.json were made by
//! scripts/make_legacy_hash_fixtures.py (Python's hashlib and argon2-cffi, not this crate).

use crate::helpers::*;
use customer_core::db::schema::customers;
use diesel::prelude::*;
use serde_json::json;

#[derive(serde::Deserialize)]
struct Vector {
    form: String,
    password: String,
    hash: String,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!(
        "../../../core/tests/fixtures/legacy_hashes.json"
    ))
    .unwrap()
}

/// A customer created over REST, whose stored hash is then overwritten with `hash`, as the
/// import would leave it.
async fn customer_with_hash(app: &TestApp, email: &str, hash: &str) {
    let reply = app
        .create_customer(&json!({
            "customer": {"email": email, "firstname": "Mig", "lastname": "Rated"},
            "password": "Unused-pass1"
        }))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    set_hash(app, email, hash).await;
}

async fn set_hash(app: &TestApp, email: &str, hash: &str) {
    let (email, hash) = (email.to_owned(), hash.to_owned());
    app.with_db(move |conn| {
        diesel::update(customers::table.filter(customers::email_normalized.eq(email)))
            .set(customers::password_hash.eq(hash))
            .execute(conn)
    })
    .await;
}

async fn stored_hash(app: &TestApp, email: &str) -> String {
    let email = email.to_owned();
    app.with_db(move |conn| {
        customers::table
            .filter(customers::email_normalized.eq(email))
            .select(customers::password_hash)
            .first::<Option<String>>(conn)
    })
    .await
    .unwrap()
}

async fn graphql_sign_in(app: &TestApp, email: &str, password: &str) -> Reply {
    app.graphql(
        "mutation($e: String!, $p: String!) { generateCustomerToken(email: $e, password: $p) { token } }",
        json!({"e": email, "p": password}),
        None,
        None,
    )
    .await
}

on_both_backends! {
    async fn every_magento_hash_form_signs_in_once_then_holds_bcrypt(backend: Backend) {
        // One client signs in six times per hash form, well over the per-IP sign-in rate
        // (tests/api/rate_limits.rs covers that limit); it is not what this test is about.
        let app = spawn_app_with(backend, |s| s.rate_limit_sign_in_per_minute = 0).await;
        let vectors = vectors();
        assert!(vectors.len() >= 20, "one vector per form");
        for (i, v) in vectors.iter().enumerate() {
            let email = format!("rest{i}@example.com");
            customer_with_hash(&app, &email, &v.hash).await;

            let wrong = app.token_reply(&email, &format!("{}x", v.password)).await;
            assert_eq!(wrong.status, 401, "{}: wrong password accepted", v.form);
            assert_eq!(stored_hash(&app, &email).await, v.hash, "{}: changed on failure", v.form);

            let right = app.token_reply(&email, &v.password).await;
            assert_eq!(right.status, 200, "{}: {:?}", v.form, right.body);
            let token = right.body.as_str().unwrap();
            assert_eq!(app.get_me(token).await.body["email"], email.as_str(), "{}", v.form);
            let upgraded = stored_hash(&app, &email).await;
            assert!(upgraded.starts_with("$2"), "{}: still {upgraded}", v.form);

            // The new hash is the same password, and still only that one.
            assert_eq!(app.token_reply(&email, &v.password).await.status, 200, "{}", v.form);
            assert_eq!(app.token_reply(&email, "Sup3r-Secret").await.status, 401, "{}", v.form);

            let email = format!("graphql{i}@example.com");
            customer_with_hash(&app, &email, &v.hash).await;
            let wrong = graphql_sign_in(&app, &email, &format!("{}x", v.password)).await;
            assert!(wrong.body["errors"].is_array(), "{}: {:?}", v.form, wrong.body);
            let right = graphql_sign_in(&app, &email, &v.password).await;
            assert!(
                right.body["data"]["generateCustomerToken"]["token"].is_string(),
                "{}: {:?}", v.form, right.body
            );
            assert!(stored_hash(&app, &email).await.starts_with("$2"), "{}", v.form);
        }
    }
}

on_both_backends! {
    async fn a_password_changed_meanwhile_is_not_overwritten_and_other_checks_accept_legacy(backend: Backend) {
        let app = spawn_app(backend).await;
        let v = vectors().into_iter().find(|v| v.form == "m2:1 sha256").unwrap();
        customer_with_hash(&app, "legacy@example.com", &v.hash).await;

        // The current-password check of a password change accepts the Magento hash too.
        let token = app.token_reply("legacy@example.com", &v.password).await;
        let token = token.body.as_str().unwrap().to_owned();
        set_hash(&app, "legacy@example.com", &v.hash).await;
        let changed = app
            .call(
                "PUT",
                "/rest/V1/customers/me/password",
                Some(&token),
                Some(&json!({"currentPassword": v.password, "newPassword": "Brand-new-pass1"})),
            )
            .await;
        assert_eq!(changed.status, 200, "{:?}", changed.body);
        let after_change = stored_hash(&app, "legacy@example.com").await;
        assert!(after_change.starts_with("$2"));
        assert_eq!(app.token_reply("legacy@example.com", &v.password).await.status, 401);
        assert_eq!(app.token_reply("legacy@example.com", "Brand-new-pass1").await.status, 200);

        // The rehash is conditional: it writes only over the hash the sign-in verified.
        let customer_id = app
            .with_db(|conn| {
                customers::table
                    .filter(customers::email_normalized.eq("legacy@example.com"))
                    .select(customers::entity_id)
                    .first::<i32>(conn)
            })
            .await;
        let old = v.hash.clone();
        let replaced = app
            .with_db(move |conn| {
                customer_core::db::customers::replace_password_hash(conn, customer_id, &old, "$2b$04$x")
            })
            .await;
        assert!(!replaced, "a stale rehash must not overwrite the current hash");
        assert_eq!(stored_hash(&app, "legacy@example.com").await, after_change);
    }
}

/// Wrong passwords against a migrated account cost no less than against a bcrypt one (no
/// timing oracle): the cheapest legacy form (MD5), a bcrypt account and an unknown account
/// each do the same bcrypt work at the configured cost. Counted, not timed, so the answer does
/// not depend on the machine's load.
#[actix_web::test]
async fn a_wrong_password_against_md5_takes_as_long_as_against_bcrypt() {
    use customer_core::auth::password::{Hasher, PasswordCheck};
    let hasher = Hasher::new(8, 1);
    let bcrypt = hasher.hash("Sup3r-Secret!".into()).await.unwrap();
    let md5 = vectors()
        .into_iter()
        .find(|v| v.form == "m1 md5 no salt")
        .unwrap()
        .hash;
    let one_verification = 1u64 << 8;
    let work_of = |stored: Option<String>| {
        let hasher = &hasher;
        async move {
            let before = hasher.check_work();
            let answer = hasher.check("wrong".into(), stored).await.unwrap();
            (answer, hasher.check_work() - before)
        }
    };
    assert_eq!(
        work_of(Some(md5.clone())).await,
        (PasswordCheck::Wrong, one_verification),
        "md5 account"
    );
    assert_eq!(
        work_of(Some(bcrypt.clone())).await,
        (PasswordCheck::Wrong, one_verification),
        "bcrypt account"
    );
    assert_eq!(
        work_of(None).await,
        (PasswordCheck::Wrong, one_verification),
        "unknown account"
    );
    assert_eq!(
        hasher
            .check("Sup3r-Secret!".into(), Some(md5))
            .await
            .unwrap(),
        PasswordCheck::RightLegacy
    );
}
