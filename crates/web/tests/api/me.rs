//! Self-service on `/V1/customers/me`: update with address-list replacement, default
//! addresses, password change with lockout and token revocation, sign-out.

use crate::helpers::*;
use customer_core::db::schema::customers;
use diesel::prelude::*;
use serde_json::{Value, json};

fn address(street: &str, region_id: i64) -> Value {
    json!({"firstname": "Jane", "lastname": "Doe", "street": [street], "city": "Purchase",
           "telephone": "512-555-1111", "postcode": "10755", "country_id": "US", "region_id": region_id})
}

/// Creates Jane with two addresses (the first the default for both) and signs her in.
async fn jane_with_two_addresses(app: &TestApp) -> (Value, String) {
    let mut first = address("1 First St", 43);
    first["default_billing"] = json!(true);
    first["default_shipping"] = json!(true);
    let created = app
        .create_customer(&json!({"customer": {
        "email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe",
        "middlename": "Q", "addresses": [first, address("2 Second St", 12)]},
        "password": "Password1"}))
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    (created.body, app.seed_token().await)
}

fn update_of(customer: &Value) -> Value {
    json!({"customer": {"email": customer["email"], "firstname": customer["firstname"], "lastname": customer["lastname"]}})
}

on_both_backends! {
    async fn put_me_changes_what_is_sent_and_keeps_addresses_when_they_are_absent(backend: Backend) {
        let app = spawn_app(backend).await;
        let (created, token) = jane_with_two_addresses(&app).await;
        let mut update = update_of(&created);
        update["customer"]["firstname"] = json!("Janet");
        update["customer"]["dob"] = json!("1990-05-06");
        // Forced from the token's customer whatever is sent (Magento ParamOverrider).
        update["customer"]["id"] = json!(999);
        update["customer"]["group_id"] = json!(3);
        update["customer"]["website_id"] = json!(0);
        let reply = app.save_me(&token, &update).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let mut expected = created.clone();
        expected["firstname"] = json!("Janet");
        expected["dob"] = json!("1990-05-06");
        expected["updated_at"] = reply.body["updated_at"].clone();
        // dob sits between created_in and email in Magento's order; compare as values.
        assert_eq!(reply.body, expected);
        assert_eq!(reply.body["middlename"], "Q", "an attribute not sent keeps its value");
        assert_eq!(app.get_me(&token).await.body, reply.body);
    }
}

on_both_backends! {
    async fn put_me_with_addresses_replaces_the_whole_list(backend: Backend) {
        let app = spawn_app(backend).await;
        let (created, token) = jane_with_two_addresses(&app).await;
        let first_id = created["addresses"][0]["id"].as_i64().unwrap();
        let second_id = created["addresses"][1]["id"].as_i64().unwrap();
        let mut update = update_of(&created);
        // Keep the first (changing only its city), drop the second, add a new default.
        let mut new = address("3 Third St", 57);
        new["default_shipping"] = json!(true);
        update["customer"]["addresses"] = json!([{"id": first_id, "city": "Rye"}, new]);
        let reply = app.save_me(&token, &update).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let body = reply.body;
        let addresses = body["addresses"].as_array().unwrap();
        assert_eq!(addresses.len(), 2);
        let ids: Vec<i64> = addresses.iter().map(|a| a["id"].as_i64().unwrap()).collect();
        assert!(!ids.contains(&second_id), "unlisted address deleted");
        let new_id = *ids.iter().find(|&&id| id != first_id).unwrap();
        assert_eq!(body["default_shipping"], json!(new_id.to_string()), "default moved to the new address");
        assert_eq!(body["default_billing"], json!(first_id.to_string()), "billing default kept");
        assert_eq!(addresses[0]["id"], json!(new_id), "default shipping address first");
        let kept = addresses.iter().find(|a| a["id"] == json!(first_id)).unwrap();
        assert_eq!(kept["city"], "Rye");
        assert_eq!(kept["street"], json!(["1 First St"]), "fields not sent keep their values");
        assert_eq!(kept["region"]["region_id"], 43);
        assert_eq!(kept["default_billing"], true);
        assert!(kept.get("default_shipping").is_none());
        let third = addresses.iter().find(|a| a["id"] == json!(new_id)).unwrap();
        assert_eq!(third["region"], json!({"region_code": "TX", "region": "Texas", "region_id": 57}));

        // An empty list deletes every address and clears the defaults.
        let mut update = update_of(&created);
        update["customer"]["addresses"] = json!([]);
        let reply = app.save_me(&token, &update).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body["addresses"], json!([]));
        assert!(reply.body.get("default_billing").is_none());
        assert!(reply.body.get("default_shipping").is_none());
    }
}

on_both_backends! {
    async fn put_me_flags_false_clear_a_default(backend: Backend) {
        let app = spawn_app(backend).await;
        let (created, token) = jane_with_two_addresses(&app).await;
        let first_id = created["addresses"][0]["id"].as_i64().unwrap();
        let second_id = created["addresses"][1]["id"].as_i64().unwrap();
        let mut update = update_of(&created);
        update["customer"]["addresses"] = json!([
            {"id": first_id, "default_billing": false},
            {"id": second_id, "default_shipping": true}]);
        let body = app.save_me(&token, &update).await.body;
        assert!(body.get("default_billing").is_none(), "{body}");
        assert_eq!(body["default_shipping"], json!(second_id.to_string()));
    }
}

on_both_backends! {
    async fn put_me_refuses_foreign_unknown_and_invalid_addresses_and_changes_nothing(backend: Backend) {
        let app = spawn_app(backend).await;
        let (created, token) = jane_with_two_addresses(&app).await;
        let other = app.create_customer(&json!({"customer": {"email": "other@example.com",
            "firstname": "O", "lastname": "P", "addresses": [address("9 Other St", 43)]}})).await.body;
        let foreign_id = other["addresses"][0]["id"].as_i64().unwrap();
        let cases = [
            (json!([{"id": foreign_id, "city": "Hijack"}]), 400, json!({
                "message": "Provided customer ID \"%customer_id\" isn't related to current customer address.",
                "parameters": {"customer_id": created["id"]}})),
            (json!([{"id": 987654, "city": "Nowhere"}]), 404, json!({
                "message": "No such entity with %fieldName = %fieldValue",
                "parameters": {"fieldName": "addressId", "fieldValue": 987654}})),
            (json!([address("5 Fifth St", 43), {"firstname": "X"}]), 400, json!({
                "message": "One or more input exceptions have occurred.", "errors": [
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "lastname"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "street"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "city"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "telephone"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "postcode"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "countryId"}}]})),
        ];
        for (addresses, status, expected) in cases {
            let mut update = update_of(&created);
            update["customer"]["firstname"] = json!("Changed");
            update["customer"]["addresses"] = addresses;
            let reply = app.save_me(&token, &update).await;
            assert_eq!((reply.status, &reply.body), (status, &expected));
            let now = app.get_me(&token).await.body;
            assert_eq!(now, created, "a refused update changes nothing");
        }
        let other_now = app.call("POST", "/rest/V1/integration/customer/token", None, Some(&json!({"username": "other@example.com", "password": "x"}))).await;
        assert_eq!(other_now.status, 401);
    }
}

on_both_backends! {
    async fn put_me_validates_like_magento(backend: Backend) {
        let app = spawn_app(backend).await;
        let (created, token) = jane_with_two_addresses(&app).await;
        app.create_customer(&json!({"customer": {"email": "taken@example.com", "firstname": "T", "lastname": "K"}})).await;
        let with = |patch: Value| {
            let mut u = update_of(&created);
            for (k, v) in patch.as_object().unwrap() {
                if v.is_null() { u["customer"].as_object_mut().unwrap().remove(k); } else { u["customer"][k] = v.clone(); }
            }
            u
        };
        let cases = [
            (json!({}), 400, required("customer")),
            (with(json!({"email": null})), 400, error("The customer email is missing. Enter and try again.")),
            (with(json!({"firstname": null})), 400, error("\"First Name\" is a required value.")),
            (with(json!({"email": "TAKEN@example.com"})), 400, error("A customer with the same email address already exists in an associated website.")),
            (with(json!({"default_billing": "424242"})), 400, json!({"message": "The %fieldName value is invalid. Set the correct value and try again.", "parameters": {"fieldName": "default_billing"}})),
            (with(json!({"default_shipping": "x"})), 400, json!({"message": "The %fieldName value is invalid. Set the correct value and try again.", "parameters": {"fieldName": "default_shipping"}})),
        ];
        for (body, status, expected) in cases {
            let reply = app.save_me(&token, &body).await;
            assert_eq!((reply.status, &reply.body), (status, &expected), "{body}");
        }
        // A customer-level default naming one of the addresses moves it.
        let second = created["addresses"][1]["id"].as_i64().unwrap().to_string();
        let reply = app.save_me(&token, &with(json!({"default_billing": second.clone()}))).await;
        assert_eq!(reply.body["default_billing"], json!(second));
        // A new e-mail works, and the token keeps working.
        let reply = app.save_me(&token, &with(json!({"email": "jane.new@example.com"}))).await;
        assert_eq!(reply.body["email"], "jane.new@example.com");
        assert_eq!(app.get_me(&token).await.status, 200);
        assert_eq!(app.token_reply("jane.new@example.com", "Password1").await.status, 200);
        // Without a token it is the self ACL failure.
        let reply = app.call("PUT", "/rest/V1/customers/me", None, Some(&update_of(&created))).await;
        assert_eq!((reply.status, reply.body), (401, not_authorized("self")));
    }
}

on_both_backends! {
    async fn default_addresses_are_served_or_an_empty_list(backend: Backend) {
        let app = spawn_app(backend).await;
        let (created, token) = jane_with_two_addresses(&app).await;
        let billing = app.call("GET", "/rest/V1/customers/me/billingAddress", Some(&token), None).await;
        assert_eq!(billing.status, 200);
        assert_eq!(billing.body, created["addresses"][0]);
        let shipping = app.call("GET", "/rest/default/V1/customers/me/shippingAddress", Some(&token), None).await;
        assert_eq!(shipping.body, created["addresses"][0]);
        app.create_customer(&json!({"customer": {"email": "bare@example.com", "firstname": "B", "lastname": "R"}, "password": "Password1"})).await;
        let bare = app.token_reply("bare@example.com", "Password1").await.body.as_str().unwrap().to_owned();
        let none = app.call("GET", "/rest/V1/customers/me/billingAddress", Some(&bare), None).await;
        assert_eq!((none.status, none.body), (200, json!([])));
        assert_eq!(app.call("GET", "/rest/V1/customers/me/shippingAddress", None, None).await.body, not_authorized("self"));
    }
}

on_both_backends! {
    async fn changing_the_password_keeps_the_callers_token_and_revokes_the_others(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let caller = app.seed_token().await;
        let other_device = app.seed_token().await;
        let path = "/rest/V1/customers/me/password";
        let cases = [
            (json!({}), 400, json!({"message": "One or more input exceptions have occurred.", "errors": [
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "currentPassword"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "newPassword"}}]})),
            (json!({"currentPassword": "Wrong1234", "newPassword": "NewPassw0rd"}), 401,
                error("The password doesn't match this account. Verify the password and try again.")),
            (json!({"currentPassword": "Password1", "newPassword": "JDOE@example.com"}), 400,
                error("The password can't be the same as the email address. Create a new password and try again.")),
            (json!({"current_password": "Password1", "new_password": "weakpass"}), 400,
                json!({"message": "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.", "parameters": ["3"]})),
        ];
        for (body, status, expected) in cases {
            let reply = app.call("PUT", path, Some(&caller), Some(&body)).await;
            assert_eq!((reply.status, &reply.body), (status, &expected), "{body}");
        }
        let reply = app.call("PUT", path, Some(&caller), Some(&json!({"currentPassword": "Password1", "newPassword": "NewPassw0rd"}))).await;
        assert_eq!((reply.status, reply.body), (200, json!(true)));
        assert_eq!(app.get_me(&caller).await.status, 200, "the caller stays signed in");
        assert_eq!(app.get_me(&other_device).await.status, 401, "other devices are signed out");
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 401);
        assert_eq!(app.token_reply("jdoe@example.com", "NewPassw0rd").await.status, 200);
    }
}

on_both_backends! {
    async fn ten_wrong_current_passwords_lock_the_account_until_the_lock_expires(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let wrong = json!({"currentPassword": "Wrong1234", "newPassword": "NewPassw0rd"});
        for attempt in 1..=10 {
            let reply = app.call("PUT", "/rest/V1/customers/me/password", Some(&token), Some(&wrong)).await;
            let expected = if attempt < 10 {
                "The password doesn't match this account. Verify the password and try again."
            } else {
                "The account is locked."
            };
            assert_eq!((reply.status, reply.body), (401, error(expected)), "attempt {attempt}");
        }
        // Locked: even the right password gets no token.
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 401);
        // Unlocked by time.
        app.with_db(|conn| {
            let past = chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(1);
            diesel::update(customers::table).set(customers::lock_expires.eq(Some(past))).execute(conn)
        }).await;
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 200);
        let counters: (i32, Option<chrono::NaiveDateTime>) = app.with_db(|conn| {
            customers::table.select((customers::failures_num, customers::lock_expires)).first(conn)
        }).await;
        assert_eq!(counters, (0, None), "a successful sign-in clears the counters");
    }
}

on_both_backends! {
    async fn revoking_signs_out_one_token_and_sign_out_everywhere_all(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let (a, b, c) = (app.seed_token().await, app.seed_token().await, app.seed_token().await);
        let reply = app.call("POST", "/rest/V1/integration/customer/revoke-customer-token", Some(&a), Some(&json!({}))).await;
        assert_eq!((reply.status, reply.body), (200, json!(true)));
        assert_eq!(app.get_me(&a).await.status, 401);
        assert_eq!(app.get_me(&b).await.status, 200, "only the calling token is revoked");
        let reply = app.call("POST", "/rest/V1/integration/customer/revoke-customer-token", Some(&a), Some(&json!({}))).await;
        assert_eq!((reply.status, reply.body), (401, not_authorized("self")));
        let reply = app.call("DELETE", "/rest/V1/customers/me/tokens", Some(&b), None).await;
        assert_eq!((reply.status, reply.body), (200, json!(true)));
        for t in [&b, &c] {
            assert_eq!(app.get_me(t).await.status, 401);
        }
        assert_eq!(app.call("DELETE", "/rest/V1/customers/me/tokens", None, None).await.body, not_authorized("self"));
    }
}

on_both_backends! {
    async fn email_availability_hides_accounts_unless_guest_checkout_login_is_on(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let path = "/rest/V1/customers/isEmailAvailable";
        assert_eq!(app.call("POST", path, None, Some(&json!({"customerEmail": "jdoe@example.com"}))).await.body, json!(true));
        assert_eq!(app.call("POST", path, None, Some(&json!({"customer_email": "new@example.com", "websiteId": 1}))).await.body, json!(true));
        let reply = app.call("POST", path, None, Some(&json!({}))).await;
        assert_eq!((reply.status, reply.body), (400, required("customerEmail")));

        let app = spawn_app_with(backend, |s| s.guest_checkout_login = true).await;
        app.create_seed_customer().await;
        assert_eq!(app.call("POST", path, None, Some(&json!({"customerEmail": "JDOE@example.com"}))).await.body, json!(false));
        assert_eq!(app.call("POST", path, None, Some(&json!({"customerEmail": "new@example.com"}))).await.body, json!(true));
        assert_eq!(app.call("POST", path, None, Some(&json!({"customerEmail": "jdoe@example.com", "websiteId": 0}))).await.body, json!(true));
    }
}

on_both_backends! {
    // The account reads take the customer with the token in one statement that only finds
    // customer tokens: every other token, and a customer token that no longer
    // counts, must still be refused exactly as a guest is, on all three routes.
    async fn account_reads_refuse_every_token_but_a_live_customers_like_a_guest(backend: Backend) {
        let app = spawn_app(backend).await;
        let (created, token) = jane_with_two_addresses(&app).await;
        let admin = app.admin_token().await;
        let integration = app.integration_token("erp", &["Magento_Customer::customer"]).await;
        let routes = ["/rest/V1/customers/me", "/rest/V1/customers/me/billingAddress", "/rest/default/V1/customers/me/shippingAddress"];
        let served = app.call("GET", routes[0], Some(&token), None).await;
        assert_eq!((served.status, &served.body), (200, &created));
        for other in [admin.as_str(), integration.as_str(), "abcdefghijklmnopqrstuvwxyz012345"] {
            for route in routes {
                let reply = app.call("GET", route, Some(other), None).await;
                assert_eq!((reply.status, reply.body), (401, not_authorized("self")), "{route}");
            }
        }
        // Deactivated: the token stops working at once.
        let id = created["id"].as_i64().unwrap() as i32;
        app.with_db(move |conn| {
            diesel::update(customers::table.find(id)).set(customers::is_active.eq(false)).execute(conn)
        })
        .await;
        for route in routes {
            let reply = app.call("GET", route, Some(&token), None).await;
            assert_eq!((reply.status, reply.body), (401, not_authorized("self")), "{route}");
        }
        // Expired: likewise.
        app.with_db(move |conn| {
            diesel::update(customers::table.find(id)).set(customers::is_active.eq(true)).execute(conn)?;
            diesel::update(customer_core::db::schema::access_tokens::table)
                .set(customer_core::db::schema::access_tokens::expires_at.eq(chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(1)))
                .execute(conn)
        })
        .await;
        let reply = app.call("GET", routes[0], Some(&token), None).await;
        assert_eq!((reply.status, reply.body), (401, not_authorized("self")));
    }
}
