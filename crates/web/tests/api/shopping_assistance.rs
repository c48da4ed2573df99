//! Login as Customer's consent (LoginAsCustomerAssistance): `allow_remote_shopping_assistance`
//! on GraphQL's `Customer`, `CustomerCreateInput` and `CustomerUpdateInput` (what Adobe's
//! storefront drop-ins select and send at sign-up), and REST's write-only
//! `extension_attributes.assistance_allowed` (2 allows, 1 denies).

use crate::helpers::*;
use serde_json::{Value, json};

const CREATE_V2: &str = "mutation($input: CustomerCreateInput!) {
  createCustomerV2(input: $input) { customer { email allow_remote_shopping_assistance } }
}";
const UPDATE_V2: &str = "mutation($input: CustomerUpdateInput!) {
  updateCustomerV2(input: $input) { customer { firstname allow_remote_shopping_assistance } }
}";
const READ: &str = "{ customer { allow_remote_shopping_assistance } }";

fn data(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert!(reply.body.get("errors").is_none(), "{:?}", reply.body);
    reply.body["data"].clone()
}

async fn consent(app: &TestApp, token: &str) -> Value {
    data(&app.graphql(READ, json!({}), Some(token), None).await)["customer"]
        ["allow_remote_shopping_assistance"]
        .clone()
}

on_both_backends! {
    async fn graphql_sign_up_and_update_keep_the_consent(backend: Backend) {
        let app = spawn_app(backend).await;
        let input = |email: &str, allow: Option<bool>| {
            let mut i = json!({"email": email, "firstname": "Jane", "lastname": "Doe", "password": "Password1"});
            if let Some(a) = allow {
                i["allow_remote_shopping_assistance"] = json!(a);
            }
            json!({"input": i})
        };
        // Given at sign-up, as the drop-ins' sign-up form sends it.
        let created = app.graphql(CREATE_V2, input("given@example.com", Some(true)), None, None).await;
        assert_eq!(data(&created), json!({"createCustomerV2": {"customer": {
            "email": "given@example.com", "allow_remote_shopping_assistance": true}}}));
        // Omitted: no consent.
        let created = app.graphql(CREATE_V2, input("omitted@example.com", None), None, None).await;
        assert_eq!(data(&created)["createCustomerV2"]["customer"]["allow_remote_shopping_assistance"], json!(false));

        let token = app.token_reply("given@example.com", "Password1").await.body.as_str().unwrap().to_owned();
        // An update that leaves it out keeps it; false withdraws it; true gives it again.
        let renamed = app.graphql(UPDATE_V2, json!({"input": {"firstname": "Janet"}}), Some(&token), None).await;
        assert_eq!(data(&renamed), json!({"updateCustomerV2": {"customer": {
            "firstname": "Janet", "allow_remote_shopping_assistance": true}}}));
        let withdrawn = app.graphql(UPDATE_V2, json!({"input": {"allow_remote_shopping_assistance": false}}), Some(&token), None).await;
        assert_eq!(data(&withdrawn)["updateCustomerV2"]["customer"]["allow_remote_shopping_assistance"], json!(false));
        assert_eq!(consent(&app, &token).await, json!(false));

        // Magento's deprecated CustomerInput has no such field: the document is refused.
        let legacy = app.graphql("mutation { updateCustomer(input: {allow_remote_shopping_assistance: true}) { customer { email } } }",
            json!({}), Some(&token), None).await;
        assert_eq!(legacy.status, 200);
        let message = legacy.body["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
        assert!(message.contains("allow_remote_shopping_assistance"), "{message}");
        assert_eq!(consent(&app, &token).await, json!(false));
    }
}

on_both_backends! {
    async fn rest_sets_the_consent_with_magentos_values_and_never_renders_it(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let me = app.get_me(&token).await.body;
        let save = |value: Value| {
            let mut customer = me.clone();
            customer["extension_attributes"] = json!({"assistance_allowed": value});
            json!({"customer": customer})
        };
        let reply = app.save_me(&token, &save(json!(2))).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        // Magento renders the customer without it (nothing loads the extension attribute).
        assert!(reply.body["extension_attributes"].get("assistance_allowed").is_none(), "{:?}", reply.body);
        assert_eq!(consent(&app, &token).await, json!(true));
        // 0 (or any other value) leaves it as it is; 1 denies.
        assert_eq!(app.save_me(&token, &save(json!(0))).await.status, 200);
        assert_eq!(consent(&app, &token).await, json!(true));
        assert_eq!(app.save_me(&token, &save(json!(1))).await.status, 200);
        assert_eq!(consent(&app, &token).await, json!(false));
        // Not a number: Magento's type error, nothing changed.
        let reply = app.save_me(&token, &save(json!("yes"))).await;
        assert_eq!(reply.status, 400, "{:?}", reply.body);
        assert_eq!(consent(&app, &token).await, json!(false));
    }
}

on_both_backends! {
    async fn an_integration_sets_the_consent_only_with_its_resource(backend: Backend) {
        let app = spawn_app(backend).await;
        let id = app.create_seed_customer().await["id"].clone();
        let token = app.seed_token().await;
        let path = format!("/rest/V1/customers/{id}");
        let body = json!({"customer": {"extension_attributes": {"assistance_allowed": 2}}});
        // Without Magento_LoginAsCustomer::allow_shopping_assistance the value is ignored, the
        // rest of the save goes through (Magento's CustomerPlugin).
        let plain = app.integration_token("crm", &["Magento_Customer::manage"]).await;
        assert_eq!(app.call("PUT", &path, Some(&plain), Some(&body)).await.status, 200);
        assert_eq!(consent(&app, &token).await, json!(false));
        let granted = app.integration_token("assist", &["Magento_Customer::manage",
            "Magento_LoginAsCustomer::allow_shopping_assistance"]).await;
        assert_eq!(app.call("PUT", &path, Some(&granted), Some(&body)).await.status, 200);
        assert_eq!(consent(&app, &token).await, json!(true));
        // An admin holds every resource.
        let admin = app.admin_token().await;
        let deny = json!({"customer": {"extension_attributes": {"assistance_allowed": 1}}});
        assert_eq!(app.call("PUT", &path, Some(&admin), Some(&deny)).await.status, 200);
        assert_eq!(consent(&app, &token).await, json!(false));
    }
}
