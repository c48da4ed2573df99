//! Back office: admin and integration tokens, ACL, customer management, store endpoints, CLI.

use crate::helpers::*;
use serde_json::{Value, json};

fn sign_in_failed() -> Value {
    error(
        "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.",
    )
}

/// Every back-office route with its resource (ids filled in by the test).
fn acl_routes(
    customer: i64,
    address: i64,
) -> Vec<(&'static str, String, &'static str, Option<Value>)> {
    vec![
        (
            "GET",
            format!("/rest/V1/customers/{customer}"),
            "Magento_Customer::customer",
            None,
        ),
        (
            "PUT",
            format!("/rest/V1/customers/{customer}"),
            "Magento_Customer::manage",
            Some(json!({"customer": {"firstname": "X"}})),
        ),
        (
            "DELETE",
            format!("/rest/V1/customers/{customer}"),
            "Magento_Customer::delete",
            None,
        ),
        (
            "GET",
            format!("/rest/V1/customers/{customer}/billingAddress"),
            "Magento_Customer::manage",
            None,
        ),
        (
            "GET",
            format!("/rest/V1/customers/{customer}/shippingAddress"),
            "Magento_Customer::manage",
            None,
        ),
        (
            "GET",
            format!("/rest/V1/customers/addresses/{address}"),
            "Magento_Customer::manage",
            None,
        ),
        (
            "DELETE",
            format!("/rest/V1/addresses/{address}"),
            "Magento_Customer::manage",
            None,
        ),
        (
            "GET",
            format!("/rest/V1/customers/{customer}/confirm"),
            "Magento_Customer::manage",
            None,
        ),
        (
            "POST",
            "/rest/V1/customers/confirm".into(),
            "Magento_Customer::manage",
            Some(json!({"email": "jdoe@example.com", "websiteId": 1})),
        ),
        (
            "PUT",
            "/rest/V1/customers/validate".into(),
            "Magento_Customer::manage",
            Some(json!({"customer": {}})),
        ),
        (
            "GET",
            format!("/rest/V1/customers/{customer}/permissions/readonly"),
            "Magento_Customer::customer",
            None,
        ),
        (
            "GET",
            "/rest/V1/customers/search?searchCriteria=".into(),
            "Magento_Customer::customer",
            None,
        ),
        (
            "GET",
            "/rest/V1/store/websites".into(),
            "Magento_Backend::store",
            None,
        ),
        (
            "GET",
            "/rest/V1/store/storeGroups".into(),
            "Magento_Backend::store",
            None,
        ),
        (
            "GET",
            "/rest/V1/store/storeViews".into(),
            "Magento_Backend::store",
            None,
        ),
        (
            "GET",
            "/rest/V1/store/storeConfigs".into(),
            "Magento_Backend::store",
            None,
        ),
    ]
}

on_both_backends! {
    async fn back_office_routes_answer_only_to_callers_holding_their_resource(backend: Backend) {
        let app = spawn_app(backend).await;
        let jane = app.create_seed_customer().await;
        let (id, address) = (jane["id"].as_i64().unwrap(), jane["addresses"][0]["id"].as_i64().unwrap());
        let customer_token = app.seed_token().await;
        let readonly = app.integration_token("reader", &["Magento_Customer::customer"]).await;
        let full = app.integration_token("erp", &[]).await;
        let admin = app.admin_token().await;
        for (method, path, resource, body) in acl_routes(id, address) {
            for (who, token) in [("guest", None), ("customer", Some(customer_token.as_str()))] {
                let reply = app.call(method, &path, token, body.as_ref()).await;
                assert_eq!((reply.status, &reply.body), (401, &not_authorized(resource)), "{who} {method} {path}");
            }
            let reply = app.call(method, &path, Some(&readonly), body.as_ref()).await;
            let allowed = resource == "Magento_Customer::customer";
            assert_eq!(reply.status == 401, !allowed, "reader {method} {path}: {:?}", reply.body);
            let reply = app.call(method, &path, Some(&full), body.as_ref()).await;
            assert_eq!(reply.status == 401, resource == "Magento_Backend::store", "erp {method} {path}: {:?}", reply.body);
        }
        // Admins hold every resource; run the destructive ones last.
        for (method, path, _, body) in acl_routes(id, address).into_iter().rev() {
            let reply = app.call(method, &path, Some(&admin), body.as_ref()).await;
            assert_ne!(reply.status, 401, "admin {method} {path}: {:?}", reply.body);
        }
        // Back-office tokens are not customer tokens.
        for token in [&admin, &full] {
            assert_eq!(app.get_me(token).await.body, not_authorized("self"));
        }
    }
}

on_both_backends! {
    async fn admin_sign_in_is_throttled_and_fails_identically(backend: Backend) {
        let app = spawn_app(backend).await;
        app.admin_token().await;
        let path = "/rest/V1/integration/admin/token";
        let unknown = app.call("POST", path, None, Some(&json!({"username": "nobody", "password": "admin123"}))).await;
        let wrong = app.call("POST", path, None, Some(&json!({"username": "admin", "password": "wrong123"}))).await;
        assert_eq!((unknown.status, &unknown.body), (401, &sign_in_failed()));
        assert_eq!((wrong.status, &wrong.body), (401, &sign_in_failed()));
        let missing = app.call("POST", path, None, Some(&json!({"username": "admin"}))).await;
        assert_eq!((missing.status, missing.body), (400, required("password")));
        for _ in 0..5 {
            app.call("POST", path, None, Some(&json!({"username": "admin", "password": "wrong123"}))).await;
        }
        let locked = app.call("POST", path, None, Some(&json!({"username": "ADMIN", "password": "admin123"}))).await;
        assert_eq!(locked.status, 200, "the throttle is keyed by the name as typed");
        let locked = app.call("POST", path, None, Some(&json!({"username": "admin", "password": "admin123"}))).await;
        assert_eq!((locked.status, locked.body), (401, sign_in_failed()), "6 failures lock the user name");
    }
}

on_both_backends! {
    async fn admins_read_update_and_delete_customers(backend: Backend) {
        let app = spawn_app(backend).await;
        let jane = app.create_seed_customer().await;
        let id = jane["id"].as_i64().unwrap();
        let jane_token = app.seed_token().await;
        let admin = app.admin_token().await;
        let get = app.call("GET", &format!("/rest/V1/customers/{id}"), Some(&admin), None).await;
        assert_eq!((get.status, &get.body), (200, &jane));

        // Partial update: only what is sent changes; the group may change; addresses are kept.
        let put = app.call("PUT", &format!("/rest/V1/customers/{id}"), Some(&admin),
            Some(&json!({"customer": {"id": 999, "lastname": "Smith", "group_id": 2}}))).await;
        assert_eq!(put.status, 200, "{:?}", put.body);
        let mut expected = jane.clone();
        expected["lastname"] = json!("Smith");
        expected["group_id"] = json!(2);
        expected["updated_at"] = put.body["updated_at"].clone();
        assert_eq!(put.body, expected);
        let bad_group = app.call("PUT", &format!("/rest/V1/customers/{id}"), Some(&admin), Some(&json!({"customer": {"group_id": 77}}))).await;
        assert_eq!((bad_group.status, bad_group.body), (400, error("The specified customer group id does not exist.")));
        app.create_customer(&json!({"customer": {"email": "taken@example.com", "firstname": "T", "lastname": "K"}})).await;
        let dup = app.call("PUT", &format!("/rest/V1/customers/{id}"), Some(&admin), Some(&json!({"customer": {"email": "taken@example.com"}}))).await;
        assert_eq!((dup.status, dup.body), (400, error("A customer with the same email address already exists in an associated website.")));

        let not_found = |id: &str| json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "customerId", "fieldValue": id.parse::<i64>().unwrap()}});
        for (method, path, status, body) in [
            ("GET", "/rest/V1/customers/424242", 404, not_found("424242")),
            ("GET", "/rest/V1/customers/-1", 404, not_found("-1")),
            ("PUT", "/rest/V1/customers/424242", 404, not_found("424242")),
            ("DELETE", "/rest/V1/customers/99999999999", 404, not_found("99999999999")),
            ("GET", "/rest/V1/customers/abc", 400, error("The \"abc\" value's type is invalid. The \"int\" type was expected. Verify and try again.")),
            // GET on a POST-only exact path falls into /customers/:customerId, as in Magento.
            ("GET", "/rest/V1/customers/isEmailAvailable", 400, error("The \"isEmailAvailable\" value's type is invalid. The \"int\" type was expected. Verify and try again.")),
        ] {
            let reply = app.call(method, path, Some(&admin), Some(&json!({"customer": {"firstname": "Y"}})).filter(|_| method == "PUT")).await;
            assert_eq!((reply.status, &reply.body), (status, &body), "{method} {path}");
        }
        let readonly = app.call("GET", &format!("/rest/V1/customers/{id}/permissions/readonly"), Some(&admin), None).await;
        assert_eq!(readonly.body, json!(false));

        let delete = app.call("DELETE", &format!("/rest/V1/customers/{id}"), Some(&admin), None).await;
        assert_eq!((delete.status, delete.body), (200, json!(true)));
        assert_eq!(app.get_me(&jane_token).await.status, 401, "the customer's tokens went with it");
        assert_eq!(app.call("GET", &format!("/rest/V1/customers/{id}"), Some(&admin), None).await.status, 404);
    }
}

on_both_backends! {
    async fn admins_manage_addresses_confirmation_and_validation(backend: Backend) {
        let app = spawn_app(backend).await;
        let jane = app.create_seed_customer().await;
        let id = jane["id"].as_i64().unwrap();
        let address_id = jane["addresses"][0]["id"].as_i64().unwrap();
        let admin = app.admin_token().await;
        let billing = app.call("GET", &format!("/rest/V1/customers/{id}/billingAddress"), Some(&admin), None).await;
        assert_eq!(billing.body, jane["addresses"][0]);
        let address = app.call("GET", &format!("/rest/V1/customers/addresses/{address_id}"), Some(&admin), None).await;
        assert_eq!(address.body, jane["addresses"][0]);
        let missing = app.call("GET", "/rest/V1/customers/addresses/987654", Some(&admin), None).await;
        assert_eq!((missing.status, missing.body), (404, json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "addressId", "fieldValue": 987654}})));
        let deleted = app.call("DELETE", &format!("/rest/V1/addresses/{address_id}"), Some(&admin), None).await;
        assert_eq!(deleted.body, json!(true));
        let after = app.call("GET", &format!("/rest/V1/customers/{id}"), Some(&admin), None).await.body;
        assert_eq!(after["addresses"], json!([]));
        assert!(after.get("default_billing").is_none() && after.get("default_shipping").is_none(), "defaults cleared");
        let shipping = app.call("GET", &format!("/rest/V1/customers/{id}/shippingAddress"), Some(&admin), None).await;
        assert_eq!(shipping.body, json!([]));
        assert_eq!(app.call("DELETE", &format!("/rest/V1/addresses/{address_id}"), Some(&admin), None).await.status, 404);

        // Without required confirmation (AccountManagement::getConfirmationStatus).
        let status = app.call("GET", &format!("/rest/V1/customers/{id}/confirm"), Some(&admin), None).await;
        assert_eq!((status.status, status.body), (200, json!("account_confirmation_not_required")));
        let resend = app.call("POST", "/rest/V1/customers/confirm", Some(&admin), Some(&json!({"email": "jdoe@example.com", "websiteId": 1}))).await;
        assert_eq!((resend.status, resend.body), (400, error("Confirmation isn't needed.")));
        let resend = app.call("POST", "/rest/V1/customers/confirm", Some(&admin), Some(&json!({"email": "nobody@example.com", "websiteId": 1}))).await;
        assert_eq!(resend.status, 404);

        let valid = app.call("PUT", "/rest/V1/customers/validate", Some(&admin), Some(&json!({"customer": {"email": "a@example.com", "firstname": "A", "lastname": "B"}}))).await;
        assert_eq!(valid.body, json!({"valid": true, "messages": []}));
        let invalid = app.call("PUT", "/rest/V1/customers/validate", Some(&admin), Some(&json!({"customer": {"email": "bad"}}))).await;
        assert_eq!(invalid.body, json!({"valid": false, "messages": [
            "The \"First Name\" attribute value is empty. Set the attribute and try again.",
            "The \"Last Name\" attribute value is empty. Set the attribute and try again.",
            "Please correct this email address: \"bad\"."]}));
    }
}

on_both_backends! {
    async fn with_confirmation_on_admins_see_the_status_and_resend_the_mail(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.confirmation_required = true).await;
        let jane = app.create_seed_customer().await;
        let admin = app.admin_token().await;
        let status = app.call("GET", &format!("/rest/V1/customers/{}/confirm", jane["id"]), Some(&admin), None).await;
        assert_eq!(status.body, json!("account_confirmation_required"));
        let resend = app.call("POST", "/rest/V1/customers/confirm", Some(&admin), Some(&json!({"email": "jdoe@example.com", "websiteId": 1}))).await;
        assert_eq!((resend.status, resend.body), (200, json!(true)));
        let mails: Vec<String> = std::fs::read_dir(&app.mail_dir).unwrap().map(|e| mail_text(&std::fs::read_to_string(e.unwrap().path()).unwrap())).collect();
        let keys: Vec<String> = mails.iter().filter_map(|m| link_param(m, "customer/account/confirm", "key")).collect();
        assert_eq!(keys.len(), 2);
        let old = app.call("PUT", "/rest/V1/customers/jdoe@example.com/activate", None, Some(&json!({"confirmationKey": keys[0]}))).await;
        let new = app.call("PUT", "/rest/V1/customers/jdoe@example.com/activate", None, Some(&json!({"confirmationKey": keys[1]}))).await;
        assert!((old.status == 400) != (new.status == 400), "exactly the newest key works: {old:?} {new:?}");
    }
}

on_both_backends! {
    async fn store_endpoints_describe_the_installation(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.storefront_url = "https://shop.example.com".into()).await;
        let admin = app.admin_token().await;
        let get = |path: &'static str| app.call("GET", path, Some(&admin), None);
        assert_eq!(get("/rest/V1/store/websites").await.body, json!([
            {"id": 0, "code": "admin", "name": "Admin", "default_group_id": 0},
            {"id": 1, "code": "base", "name": "Main Website", "default_group_id": 1}]));
        assert_eq!(get("/rest/V1/store/storeGroups").await.body, json!([
            {"id": 0, "website_id": 0, "root_category_id": 0, "default_store_id": 0, "name": "Default", "code": "default"},
            {"id": 1, "website_id": 1, "root_category_id": 2, "default_store_id": 1, "name": "Main Website Store", "code": "main_website_store"}]));
        assert_eq!(get("/rest/V1/store/storeViews").await.body, json!([
            {"id": 0, "code": "admin", "name": "Admin", "website_id": 0, "store_group_id": 0, "is_active": 1},
            {"id": 1, "code": "default", "name": "Default Store View", "website_id": 1, "store_group_id": 1, "is_active": 1}]));
        let configs = get("/rest/V1/store/storeConfigs").await.body;
        assert_eq!(configs, json!([{"id": 1, "code": "default", "website_id": 1, "locale": "en_US",
            "base_currency_code": "USD", "default_display_currency_code": "USD", "timezone": "UTC", "weight_unit": "lbs",
            "base_url": "https://shop.example.com/", "base_link_url": "https://shop.example.com/",
            "base_static_url": "https://shop.example.com/static/", "base_media_url": "https://shop.example.com/media/",
            "secure_base_url": "https://shop.example.com/", "secure_base_link_url": "https://shop.example.com/",
            "secure_base_static_url": "https://shop.example.com/static/", "secure_base_media_url": "https://shop.example.com/media/"}]));
        assert_eq!(get("/rest/V1/store/storeConfigs?storeCodes[]=nope").await.body, json!([]));
        assert_eq!(get("/rest/V1/store/storeConfigs?storeCodes[0]=default").await.body, configs);
    }
}
