//! `POST /V1/customers`: the seed, spelling rules, validation messages, duplicates.

use crate::helpers::*;
use serde_json::{Value, json};

/// Replaces the values a test cannot know (ids, timestamps) after checking their form.
fn without_ids_and_times(mut body: Value) -> Value {
    let id = body["id"].as_i64().expect("numeric id");
    for key in ["created_at", "updated_at"] {
        let t = body[key].as_str().expect("timestamp string");
        assert!(
            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").is_ok(),
            "{key} = {t}"
        );
        body[key] = json!("<time>");
    }
    body["id"] = json!("<id>");
    for address in body["addresses"].as_array_mut().unwrap() {
        assert_eq!(address["customer_id"], json!(id));
        address["id"] = json!("<address id>");
        address["customer_id"] = json!("<id>");
    }
    body
}

fn expected_seed_response() -> Value {
    // The seed document's response, plus `extension_attributes` (Magento 2.4 adds it), with
    // ids and timestamps masked.
    json!({
        "id": "<id>",
        "group_id": 1,
        "default_billing": "<address id>",
        "default_shipping": "<address id>",
        "created_at": "<time>",
        "updated_at": "<time>",
        "created_in": "Default Store View",
        "email": "jdoe@example.com",
        "firstname": "Jane",
        "lastname": "Doe",
        "store_id": 1,
        "website_id": 1,
        "addresses": [{
            "id": "<address id>",
            "customer_id": "<id>",
            "region": {"region_code": "NY", "region": "New York", "region_id": 43},
            "region_id": 43,
            "country_id": "US",
            "street": ["123 Oak Ave"],
            "telephone": "512-555-1111",
            "postcode": "10755",
            "city": "Purchase",
            "firstname": "Jane",
            "lastname": "Doe",
            "default_shipping": true,
            "default_billing": true
        }],
        "disable_auto_group_change": 0,
        "extension_attributes": {"is_subscribed": false}
    })
}

fn mask_defaults(mut body: Value) -> Value {
    let address_id = body["addresses"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(body["default_billing"], json!(address_id));
    assert_eq!(body["default_shipping"], json!(address_id));
    body["default_billing"] = json!("<address id>");
    body["default_shipping"] = json!("<address id>");
    without_ids_and_times(body)
}

on_both_backends! {
    async fn the_seed_request_creates_the_seed_customer(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.post_raw("/rest/default/V1/customers", SEED_CREATE).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(reply.content_type, "application/json; charset=utf-8");
        let keys: Vec<&String> = reply.body.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["id", "group_id", "default_billing", "default_shipping", "created_at", "updated_at",
             "created_in", "email", "firstname", "lastname", "store_id", "website_id", "addresses",
             "disable_auto_group_change", "extension_attributes"],
            "Magento's key order"
        );
        assert_eq!(mask_defaults(reply.body), expected_seed_response());
    }
}

on_both_backends! {
    async fn the_created_customer_reads_back_identically_through_its_token(backend: Backend) {
        let app = spawn_app(backend).await;
        let created = app.create_seed_customer().await;
        let token = app.seed_token().await;
        for prefix in ["/rest/default/V1", "/rest/V1"] {
            let me = app.call("GET", &format!("{prefix}/customers/me"), Some(&token), None).await;
            assert_eq!(me.status, 200, "{:?}", me.body);
            assert_eq!(me.body, created);
        }
    }
}

on_both_backends! {
    async fn snake_case_input_gives_the_same_customer(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.create_customer(&json!({
            "customer": {
                "email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe",
                "addresses": [{
                    "default_shipping": true, "default_billing": true,
                    "firstname": "Jane", "lastname": "Doe",
                    "region": {"region_code": "NY", "region": "New York", "region_id": 43},
                    "postcode": "10755", "street": ["123 Oak Ave"], "city": "Purchase",
                    "telephone": "512-555-1111", "country_id": "US"
                }]
            },
            "password": "Password1",
            "redirect_url": "https://shop.example.com/account"
        })).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(mask_defaults(reply.body), expected_seed_response());
    }
}

on_both_backends! {
    async fn a_region_code_alone_is_resolved_to_magentos_region_id(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.create_customer(&json!({"customer": {
            "email": "ca@example.com", "firstname": "Ann", "lastname": "Lee",
            "extension_attributes": {"is_subscribed": true},
            "addresses": [
                {"firstname": "Ann", "lastname": "Lee", "street": ["1 Main St", "Apt 2"],
                 "city": "Los Angeles", "telephone": "555", "postcode": "90001",
                 "country_id": "US", "region": {"region_code": "CA"}},
                {"firstname": "Ann", "lastname": "Lee", "street": ["2 High St"],
                 "city": "London", "telephone": "555", "country_id": "GB",
                 "region": {"region": "Greater London"}, "default_shipping": true}
            ]}})).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let body = reply.body;
        assert_eq!(body["extension_attributes"], json!({"is_subscribed": true}));
        assert!(body.get("default_billing").is_none(), "no billing default was flagged");
        // Default shipping address first, as Magento orders them.
        let addresses = body["addresses"].as_array().unwrap();
        assert_eq!(addresses[0]["country_id"], "GB");
        assert_eq!(body["default_shipping"], json!(addresses[0]["id"].as_i64().unwrap().to_string()));
        assert_eq!(addresses[0]["region"], json!({"region_code": "Greater London", "region": "Greater London", "region_id": 0}));
        assert_eq!(addresses[0]["default_shipping"], json!(true));
        assert!(addresses[0].get("postcode").is_none());
        assert_eq!(addresses[1]["region"], json!({"region_code": "CA", "region": "California", "region_id": 12}));
        assert_eq!(addresses[1]["region_id"], json!(12));
        assert_eq!(addresses[1]["street"], json!(["1 Main St", "Apt 2"]));
        assert!(addresses[1].get("default_shipping").is_none());
        assert!(addresses[1].get("default_billing").is_none());
    }
}

on_both_backends! {
    async fn an_address_without_region_in_an_optional_country_reads_back_as_magento(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.create_customer(&json!({"customer": {
            "email": "de@example.com", "firstname": "Jörg", "lastname": "Müller",
            "dob": "1980-01-31", "gender": 1, "middlename": "K", "prefix": "Dr.", "taxvat": "DE123",
            "addresses": [{"firstname": "Jörg", "lastname": "Müller", "street": ["Hauptstraße 1"],
                "city": "Köln", "telephone": "+49 221 1234", "postcode": "50667", "country_id": "DE",
                "company": "ACME", "vat_id": "DE999", "default_billing": true}]}})).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let body = reply.body;
        assert_eq!(body["dob"], "1980-01-31");
        assert_eq!(body["gender"], 1);
        assert_eq!(body["middlename"], "K");
        assert_eq!(body["prefix"], "Dr.");
        assert_eq!(body["taxvat"], "DE123");
        assert_eq!(body["firstname"], "Jörg");
        let a = &body["addresses"][0];
        assert_eq!(a["region"], json!({"region_code": null, "region": null, "region_id": 0}));
        assert_eq!(a["region_id"], 0);
        assert_eq!(a["company"], "ACME");
        assert_eq!(a["vat_id"], "DE999");
        assert_eq!(a["default_billing"], true);
        assert!(body.get("default_shipping").is_none());
    }
}

on_both_backends! {
    async fn non_ascii_and_slashes_are_escaped_like_phps_json_encode(backend: Backend) {
        let app = spawn_app(backend).await;
        let resp = app.client.post(app.url("/rest/V1/customers"))
            .header("Content-Type", "application/json")
            .body(json!({"customer": {"email": "sp@example.com", "firstname": "São",
                "lastname": "Paulo", "taxvat": "A/B"}}).to_string())
            .send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let text = resp.text().await.unwrap();
        assert!(text.contains(r#""firstname":"S\u00e3o""#), "{text}");
        assert!(text.contains(r#""taxvat":"A\/B""#), "{text}");
    }
}

/// (name, request body, expected status, expected whole body)
fn invalid_requests() -> Vec<(&'static str, Value, u16, Value)> {
    let address = || {
        json!({
            "firstname": "Jane", "lastname": "Doe", "street": ["123 Oak Ave"], "city": "Purchase",
            "telephone": "512-555-1111", "postcode": "10755", "country_id": "US", "region_id": 43
        })
    };
    let with_address = |patch: Value| {
        let mut a = address();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                a.as_object_mut().unwrap().remove(k);
            } else {
                a[k] = v.clone();
            }
        }
        json!({"customer": {"email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe",
               "addresses": [a]}, "password": "Password1"})
    };
    let customer = |c: Value| json!({"customer": c, "password": "Password1"});
    let jane = |patch: Value| {
        let mut c = json!({"email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe"});
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        customer(c)
    };
    let password = |p: &str| {
        json!({"customer": {"email": "jdoe@example.com", "firstname": "Jane",
        "lastname": "Doe"}, "password": p})
    };
    vec![
        (
            "no customer",
            json!({"password": "Password1"}),
            400,
            required("customer"),
        ),
        (
            "customer is null",
            json!({"customer": null}),
            400,
            required("customer"),
        ),
        (
            "camelCase firstName is not Magento's spelling",
            jane(json!({"firstname": null, "firstName": "J"})),
            400,
            json!({"message": "\"%fieldName\" is not supported. Correct the field name and try again.",
                   "parameters": {"fieldName": "FirstName"}}),
        ),
        (
            "unknown address key",
            with_address(json!({"postcode": null, "postCode": "1"})),
            400,
            json!({"message": "\"%fieldName\" is not supported. Correct the field name and try again.",
                   "parameters": {"fieldName": "PostCode"}}),
        ),
        (
            "website_id is not a number",
            jane(json!({"website_id": "abc"})),
            400,
            error(
                "Error occurred during \"website_id\" processing. The \"abc\" value's type is invalid. The \"int\" type was expected. Verify and try again.",
            ),
        ),
        (
            "street is not a list",
            with_address(json!({"street": "123 Oak Ave"})),
            400,
            error(
                "Error occurred during \"street\" processing. The \"string\" value's type is invalid. The \"string[]\" type was expected. Verify and try again.",
            ),
        ),
        (
            "password is a list",
            json!({"customer": {"email": "a@b.co"}, "password": ["x"]}),
            400,
            error(
                "The \"array\" value's type is invalid. The \"string\" type was expected. Verify and try again.",
            ),
        ),
        (
            "anonymous callers cannot choose a group",
            jane(json!({"group_id": 2})),
            401,
            not_authorized("Magento_Customer::manage"),
        ),
        (
            "email missing",
            jane(json!({"email": null})),
            400,
            error("The email address is required to create a customer account."),
        ),
        (
            "email empty",
            jane(json!({"email": ""})),
            400,
            error("The customer email is missing. Enter and try again."),
        ),
        (
            "email malformed",
            jane(json!({"email": "jdoe@"})),
            400,
            error("\"Email\" is not a valid email address."),
        ),
        (
            "names missing",
            jane(json!({"firstname": null, "lastname": ""})),
            400,
            error("\"First Name\" is a required value.\n\"Last Name\" is a required value."),
        ),
        (
            "name with forbidden characters",
            jane(json!({"firstname": "Jane<script>"})),
            400,
            error("First Name is not valid!"),
        ),
        (
            "date of birth unparsable",
            jane(json!({"dob": "yesterday-ish"})),
            400,
            error("Invalid date"),
        ),
        (
            "date of birth in the future",
            jane(json!({"dob": "2999-01-01"})),
            400,
            error("The Date of Birth should not be greater than today."),
        ),
        (
            "unknown store",
            jane(json!({"store_id": 42})),
            404,
            error("The store that was requested wasn't found. Verify the store and try again."),
        ),
        (
            "unknown website",
            jane(json!({"website_id": 42})),
            404,
            json!({"message": "The website with id %1 that was requested wasn't found. Verify the website and try again.", "parameters": [42]}),
        ),
        (
            "website 0 counts as not given",
            jane(json!({"store_id": 1, "website_id": 0})),
            200,
            Value::Null,
        ),
        (
            "password too short",
            password("Pa1"),
            400,
            json!({"message": "The password needs at least %1 characters. Create a new password and try again.", "parameters": ["8"]}),
        ),
        (
            "password with too few classes",
            password("password"),
            400,
            json!({"message": "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.", "parameters": ["3"]}),
        ),
        (
            "password with a leading space",
            password(" Password1"),
            400,
            error(
                "The password can't begin or end with a space. Verify the password and try again.",
            ),
        ),
        (
            "password equal to the email",
            json!({"customer": {"email": "Jdoe1@Example.com", "firstname": "Jane", "lastname": "Doe"}, "password": "jdoe1@example.COM"}),
            400,
            error(
                "The password can't be the same as the email address. Create a new password and try again.",
            ),
        ),
        (
            "password over 256 characters",
            password(&"Aa1".repeat(86)),
            400,
            json!({"message": "Please enter a password with at most %1 characters.", "parameters": [256]}),
        ),
        (
            "address without required fields",
            with_address(json!({"firstname": null, "city": " ", "telephone": null})),
            400,
            json!({"message": "One or more input exceptions have occurred.", "errors": [
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "firstname"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "city"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "telephone"}}]}),
        ),
        (
            "address without country",
            with_address(json!({"country_id": null, "region_id": null})),
            400,
            required("countryId"),
        ),
        (
            "address in an unknown country",
            with_address(json!({"country_id": "XX", "region_id": null})),
            400,
            json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.",
                   "parameters": {"fieldName": "countryId", "value": "XX"}}),
        ),
        (
            "address region of another country",
            with_address(json!({"region_id": 66})),
            400,
            json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.",
                   "parameters": {"fieldName": "regionId", "value": "66"}}),
        ),
        (
            "address region code unknown in the country",
            with_address(json!({"region_id": null, "region": {"region_code": "ZZ"}})),
            400,
            json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.",
                   "parameters": {"fieldName": "regionCode", "value": "ZZ"}}),
        ),
        (
            "address in a state-required country without a region",
            with_address(json!({"region_id": null})),
            400,
            required("regionId"),
        ),
        (
            "address with three street lines",
            with_address(json!({"street": ["a", "b", "c"]})),
            400,
            error("\"Street Address\" cannot contain more than 2 lines."),
        ),
        (
            "address with a bad phone and city",
            with_address(json!({"telephone": "call me", "city": "C1ty"})),
            400,
            error(
                "Invalid City. Please use A-Z, a-z, 0-9, -, ', spaces\nInvalid Phone Number. Please use 0-9, +, -, (, ) and space.",
            ),
        ),
        (
            "NUL character in a customer field",
            jane(json!({"taxvat": "X\u{0}Y"})),
            400,
            error("\"Tax/VAT Number\" cannot contain the NUL character."),
        ),
        (
            "NUL-only first name (Magento's name rule lets it pass)",
            jane(json!({"firstname": "\u{0}"})),
            400,
            error("\"First Name\" cannot contain the NUL character."),
        ),
        (
            "NUL character in an address field",
            with_address(json!({"company": "A\u{0}"})),
            400,
            error("\"Company\" cannot contain the NUL character."),
        ),
    ]
}

on_both_backends! {
    async fn invalid_requests_get_magentos_errors_and_change_nothing(backend: Backend) {
        let app = spawn_app(backend).await;
        for (name, request, status, expected) in invalid_requests() {
            let reply = app.create_customer(&request).await;
            assert_eq!(reply.status, status, "{name}: {:?}", reply.body);
            let created = if status == 200 {
                reply
            } else {
                assert_eq!(reply.body, expected, "{name}");
                // Nothing was written: the same e-mail can still sign up.
                let retry = app.post_raw("/rest/V1/customers", SEED_CREATE).await;
                assert_eq!(retry.status, 200, "{name}: a failed request left data behind: {:?}", retry.body);
                retry
            };
            let id = created.body["id"].as_i64().unwrap() as i32;
            app.state.db.run(move |conn| {
                use diesel::prelude::*;
                use customer_core::db::schema::customers;
                diesel::delete(customers::table.find(id)).execute(conn)?;
                Ok(())
            }).await.unwrap();
        }
    }
}

on_both_backends! {
    async fn a_failing_second_address_leaves_no_customer_behind(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.create_customer(&json!({"customer": {
            "email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe",
            "addresses": [
                {"firstname": "Jane", "lastname": "Doe", "street": ["1 A St"], "city": "Purchase",
                 "telephone": "1", "postcode": "1", "country_id": "US", "region_id": 43},
                {"firstname": "Jane", "lastname": "Doe", "street": ["1 A St"], "city": "Purchase",
                 "telephone": "1", "postcode": "1", "country_id": "US", "region_id": 9999}
            ]}, "password": "Password1"})).await;
        assert_eq!(reply.status, 400, "{:?}", reply.body);
        let failed = app.token_reply("jdoe@example.com", "Password1").await;
        assert_eq!(failed.status, 401);
        app.create_seed_customer().await;
    }
}

on_both_backends! {
    async fn a_duplicate_email_in_the_website_is_refused_whatever_its_case(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let reply = app.post_raw("/rest/V1/customers", &SEED_CREATE.replace("jdoe@example.com", "JDoe@Example.COM")).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body, error("A customer with the same email address already exists in an associated website."));
        let reply = app.create_customer(&json!({"customer": {"id": 7, "email": "jdoe@example.com", "firstname": "J", "lastname": "D"}})).await;
        assert_eq!(reply.body, error("This customer already exists in this store."));
        let reply = app.create_customer(&json!({"customer": {"id": 7, "email": "new@example.com", "firstname": "J", "lastname": "D"}})).await;
        assert_eq!(reply.status, 404);
        assert_eq!(reply.body, json!({"message": "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value",
            "parameters": {"fieldName": "email", "fieldValue": "new@example.com", "field2Name": "websiteId", "field2Value": 1}}));
    }
}

on_both_backends! {
    async fn racing_identical_sign_ups_create_exactly_one_customer(backend: Backend) {
        let app = spawn_app(backend).await;
        let requests = (0..12).map(|_| app.post_raw("/rest/V1/customers", SEED_CREATE));
        let replies = futures_util::future::join_all(requests).await;
        let created = replies.iter().filter(|r| r.status == 200).count();
        assert_eq!(created, 1, "{replies:?}");
        for r in replies.iter().filter(|r| r.status != 200) {
            assert_eq!(r.status, 400, "{:?}", r.body);
            assert_eq!(r.body, error("A customer with the same email address already exists in an associated website."));
        }
        let count = app.state.db.run(|conn| {
            use diesel::prelude::*;
            use customer_core::db::schema::{customers, customer_addresses};
            let c: i64 = customers::table.count().get_result(conn)?;
            let a: i64 = customer_addresses::table.count().get_result(conn)?;
            Ok((c, a))
        }).await.unwrap();
        assert_eq!(count, (1, 1));
    }
}

on_both_backends! {
    async fn secrets_never_appear_in_the_response(backend: Backend) {
        let app = spawn_app(backend).await;
        let body = app.create_seed_customer().await.to_string();
        for secret in ["Password1", "password", "hash", "$2b$", "rp_token", "confirmation"] {
            assert!(!body.contains(secret), "{secret} in {body}");
        }
    }
}

on_both_backends! {
    async fn keys_differing_only_in_case_keep_the_first(backend: Backend) {
        // Magento's ValidateCustomerData plugin: the later `firstName` is dropped, not refused.
        let app = spawn_app(backend).await;
        let reply = app.create_customer(&json!({"customer": {
            "email": "jdoe@example.com", "firstname": "Jane", "FIRSTNAME": "Other", "lastname": "Doe"}})).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(reply.body["firstname"], "Jane");
    }
}

on_both_backends! {
    async fn magento_input_rules_for_emails_names_and_addresses(backend: Backend) {
        let app = spawn_app(backend).await;
        let customer = |email: &str, extra: serde_json::Value| {
            let mut c = json!({"email": email, "firstname": "Jane", "lastname": "Doe"});
            c.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            json!({"customer": c, "password": "Password123!"})
        };
        // laminas-validator's RFC 6532 local parts (validateInternationalizedLocalPart).
        let reply = app.create_customer(&customer("jØrgen@example.com", json!({}))).await;
        assert_eq!((reply.status, &reply.body["email"]), (200, &json!("jØrgen@example.com")), "{:?}", reply.body);
        // A non-array `addresses` is no value (ServiceInputProcessor::convertValue gives null).
        let reply = app.create_customer(&customer("scalar@example.com", json!({"addresses": "x"}))).await;
        assert_eq!((reply.status, &reply.body["addresses"]), (200, &json!([])), "{:?}", reply.body);
        // HTML in a name fails Magento's Name validator (Customer/Model/Validator/Name.php).
        let reply = app.create_customer(&customer("html@example.com",
            json!({"firstname": "<b>Jane</b>", "lastname": "<script>x</script>"}))).await;
        assert_eq!((reply.status, reply.body), (400, error("First Name is not valid!\nLast Name is not valid!")));
        let token = app.token_reply("jØrgen@example.com", "Password123!").await.body.as_str().unwrap().to_owned();
        let reply = app.save_me(&token, &json!({"customer": {"email": "jØrgen@example.com",
            "firstname": "<img src=x>", "lastname": "Doe"}})).await;
        assert_eq!((reply.status, reply.body), (400, error("First Name is not valid!")));
        let me = app.get_me(&token).await;
        assert_eq!(me.body["firstname"], "Jane", "a refused save changed nothing");
    }
}
