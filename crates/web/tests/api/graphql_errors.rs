//! GraphQL errors worded as Magento 2.4.8 sends them. Magento runs webonyx/graphql-php 15:
//! validation and variable errors use that library's messages (src/Validator/Rules/*,
//! src/Executor/Values.php, src/Utils/Value.php, the scalar types' parseLiteral/parseValue,
//! Utils::suggestionList + quotedOrList for "Did you mean"), carry `locations` and no
//! `extensions` (a webonyx Error has none, and FormattedError only adds non-empty ones), and
//! answer 200 (Magento's controller picks 401/403 from categories only). Syntax errors and an
//! unparsable body are webonyx SyntaxErrors (`Syntax Error: ` + description) that Magento's
//! controller answers with 400 (GraphQl::handleGraphQlException).

use crate::helpers::*;
use serde_json::{Value, json};

/// (status, [messages]) of a reply that carries errors only, checking webonyx's error shape.
fn validation_errors(reply: &Reply) -> (u16, Vec<String>) {
    assert!(reply.body.get("data").is_none(), "no data: {}", reply.body);
    let errors = reply.body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors: {}", reply.body));
    let messages = errors
        .iter()
        .map(|e| {
            assert!(e.get("extensions").is_none(), "no extensions: {e}");
            assert!(e["locations"][0]["line"].is_u64(), "locations: {e}");
            e["message"].as_str().unwrap().to_owned()
        })
        .collect();
    (reply.status, messages)
}

on_both_backends! {
    async fn validation_errors_read_as_webonyx_writes_them(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let cases: Vec<(&str, Value, &str)> = vec![
            // FieldsOnCorrectType
            ("{ customer { test123 } }", json!({}), "Cannot query field \"test123\" on type \"Customer\"."),
            ("{ customer { firstnam } }", json!({}),
                "Cannot query field \"firstnam\" on type \"Customer\". Did you mean \"firstname\" or \"lastname\"?"),
            // KnownArgumentNames
            ("{ customer { addressesV2(page: 1) { total_count } } }", json!({}),
                "Unknown argument \"page\" on field \"addressesV2\" of type \"Customer\"."),
            // ProvidedRequiredArguments
            ("mutation { requestPasswordResetEmail }", json!({}),
                "Field \"requestPasswordResetEmail\" argument \"email\" of type \"String!\" is required but not provided."),
            // ValuesOfCorrectType: unknown and missing input fields, bad literals
            ("mutation { createCustomer(input: {test123: \"x\"}) { customer { email } } }", json!({}),
                "Field \"test123\" is not defined by type \"CustomerInput\"."),
            ("mutation { createCustomerV2(input: {firstname: \"A\", lastname: \"B\"}) { customer { email } } }", json!({}),
                "Field CustomerCreateInput.email of required type String! was not provided."),
            ("mutation { updateCustomerV2(input: {gender: \"x\"}) { customer { email } } }", json!({}),
                "Int cannot represent non-integer value: \"x\""),
            ("mutation { updateCustomerV2(input: {firstname: 5}) { customer { email } } }", json!({}),
                "String cannot represent a non string value: 5"),
            // ScalarLeafs
            ("{ customer }", json!({}), "Field \"customer\" of type \"Customer\" must have a sub selection."),
            ("{ customer { email { x } } }", json!({}), "Field \"email\" of type \"String\" must not have a sub selection."),
            // Fragments
            ("{ customer { ...Nope } }", json!({}), "Unknown fragment \"Nope\"."),
            ("fragment F on Customer { email } { customer { email } }", json!({}), "Fragment \"F\" is never used."),
            // Variables in the document (webonyx's NoUndefinedVariables swaps its two texts)
            ("mutation Reset { requestPasswordResetEmail(email: $email) }", json!({}),
                "Variable \"$email\" is not defined."),
            ("mutation { requestPasswordResetEmail(email: $email) }", json!({}),
                "Variable \"$email\" is not defined by operation \"\"."),
            ("query Q($x: String) { customer { email } }", json!({}), "Variable \"$x\" is never used in operation \"Q\"."),
            // Variable values (Executor/Values.php)
            ("mutation Reset($email: String!) { requestPasswordResetEmail(email: $email) }", json!({}),
                "Variable \"$email\" of required type \"String!\" was not provided."),
            ("mutation Reset($email: String!) { requestPasswordResetEmail(email: $email) }", json!({"email": null}),
                "Variable \"$email\" of non-null type \"String!\" must not be null."),
            ("mutation Reset($email: String!) { requestPasswordResetEmail(email: $email) }", json!({"email": 5}),
                "Variable \"$email\" got invalid value 5; String cannot represent a non string value: 5"),
            ("mutation C($i: CustomerInput!) { createCustomer(input: $i) { customer { email } } }", json!({"i": {"test123": "x"}}),
                "Variable \"$i\" got invalid value {\"test123\":\"x\"}; Field \"test123\" is not defined by type \"CustomerInput\"."),
            ("mutation C($i: CustomerCreateInput!) { createCustomerV2(input: $i) { customer { email } } }",
                json!({"i": {"firstname": "A", "lastname": "B"}}),
                "Variable \"$i\" got invalid value {\"firstname\":\"A\",\"lastname\":\"B\"}; Field \"email\" of required type \"String!\" was not provided."),
        ];
        for (query, variables, expected) in cases {
            let reply = app.graphql(query, variables.clone(), Some(&token), None).await;
            assert_eq!(validation_errors(&reply), (200, vec![expected.to_owned()]), "{query} {variables}");
        }
    }
}

on_both_backends! {
    async fn syntax_errors_and_unparsable_bodies_are_webonyx_syntax_errors_with_400(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.graphql("{ customer {", json!({}), None, None).await;
        assert_eq!(reply.body, json!({"errors": [{"message": "Syntax Error: Expected Name, found <EOF>",
            "locations": [{"line": 1, "column": 13}]}]}));
        assert_eq!(reply.status, 400);
        let bad = app.send(app.build("POST", "/graphql", None, None).header("Content-Type", "application/json").body("{nope")).await;
        assert_eq!((bad.status, bad.body), (400, json!({"errors": [{"message": "Syntax Error: Unable to parse the request.",
            "locations": [{"line": 1, "column": 1}]}]})));
        let get = app.send(app.build("GET", "/graphql?query=%7Bcustomer%7Bemail%7D%7D&variables=%7Bnope", None, None)).await;
        assert_eq!((get.status, get.body), (400, json!({"errors": [{"message": "Syntax Error: Unable to parse the variables.",
            "locations": [{"line": 1, "column": 1}]}]})));
    }
}

on_both_backends! {
    async fn resolver_errors_use_magentos_resolver_messages(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let cases: Vec<(&str, Option<&str>, &str)> = vec![
            // CustomerGraphQl ValidateCustomerData (UpdateCustomerV2Test::testEmptyCustomerName,
            // CreateCustomerTest::testCreateCustomerIfNameEmpty)
            ("mutation { updateCustomerV2(input: {firstname: \"\"}) { customer { email } } }", Some(&token),
                "Required parameters are missing: First Name"),
            ("mutation { updateCustomerV2(input: {firstname: \"\", lastname: \"\"}) { customer { email } } }", Some(&token),
                "Required parameters are missing: First Name, Last Name"),
            ("mutation { createCustomer(input: {firstname: \"\", lastname: \"Rowe\", email: \"r@example.com\", password: \"test123#A\"}) { customer { email } } }", None,
                "Required parameters are missing: First Name"),
            // RequestPasswordResetEmail
            ("mutation { requestPasswordResetEmail(email: \"\") }", None, "You must specify an email address."),
        ];
        for (query, token, expected) in cases {
            let reply = app.graphql(query, json!({}), token, None).await;
            let errors = reply.body["errors"].as_array().unwrap_or_else(|| panic!("{query}: {}", reply.body));
            assert_eq!(errors.len(), 1, "{}", reply.body);
            assert_eq!((reply.status, errors[0]["message"].as_str().unwrap(), errors[0]["extensions"]["category"].as_str().unwrap()),
                (200, expected, "graphql-input"), "{query}");
        }
        let me = app.get_me(&token).await;
        assert_eq!((me.body["firstname"].as_str(), me.body["lastname"].as_str()), (Some("Jane"), Some("Doe")), "nothing changed");
    }
}
