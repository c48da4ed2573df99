//! Attribute metadata over REST (`/V1/attributeMetadata/customer...` and `/customerAddress...`),
//! checked against Magento's api-functional CustomerMetadataTest and AddressMetadataTest and
//! the install data (`CustomerSetup::getDefaultEntities` and the Customer data patches).

use crate::helpers::*;
use serde_json::{Value, json};

const CUSTOMER_CODES: &[&str] = &[
    "website_id",
    "store_id",
    "created_in",
    "prefix",
    "firstname",
    "middlename",
    "lastname",
    "suffix",
    "email",
    "group_id",
    "dob",
    "default_billing",
    "default_shipping",
    "taxvat",
    "confirmation",
    "created_at",
    "gender",
    "disable_auto_group_change",
    "updated_at",
];

const ADDRESS_CODES: &[&str] = &[
    "prefix",
    "firstname",
    "middlename",
    "lastname",
    "suffix",
    "company",
    "street",
    "city",
    "country_id",
    "region",
    "region_id",
    "postcode",
    "telephone",
    "fax",
    "vat_id",
];

/// CustomerMetadataTest's `firstname`, with the validation rules in their stored order.
fn firstname() -> Value {
    json!({
        "attribute_code": "firstname",
        "frontend_input": "text",
        "input_filter": "trim",
        "store_label": "First Name",
        "validation_rules": [
            {"name": "max_text_length", "value": "255"},
            {"name": "min_text_length", "value": "1"}
        ],
        "multiline_count": 0,
        "visible": true,
        "required": true,
        "data_model": "",
        "options": [],
        "frontend_class": "required-entry",
        "user_defined": false,
        "sort_order": 40,
        "frontend_label": "First Name",
        "note": "",
        "system": true,
        "backend_type": "static",
        "is_used_in_grid": false,
        "is_visible_in_grid": false,
        "is_filterable_in_grid": false,
        "is_searchable_in_grid": false
    })
}

/// CustomerMetadataTest's `gender`.
fn gender() -> Value {
    json!({
        "attribute_code": "gender",
        "frontend_input": "select",
        "input_filter": "",
        "store_label": "Gender",
        "validation_rules": [],
        "multiline_count": 0,
        "visible": false,
        "required": false,
        "data_model": "",
        "options": [
            {"label": " ", "value": ""},
            {"label": "Male", "value": "1"},
            {"label": "Female", "value": "2"},
            {"label": "Not Specified", "value": "3"}
        ],
        "frontend_class": "",
        "user_defined": false,
        "sort_order": 110,
        "frontend_label": "Gender",
        "note": "",
        "system": false,
        "backend_type": "static",
        "is_used_in_grid": true,
        "is_visible_in_grid": true,
        "is_filterable_in_grid": true,
        "is_searchable_in_grid": false
    })
}

/// CustomerMetadataTest's `website_id`.
fn website_id() -> Value {
    json!({
        "attribute_code": "website_id",
        "frontend_input": "select",
        "input_filter": "",
        "store_label": "Associate to Website",
        "validation_rules": [],
        "multiline_count": 0,
        "visible": true,
        "required": true,
        "data_model": "",
        "options": [{"label": "Main Website", "value": "1"}],
        "frontend_class": "required-entry",
        "user_defined": false,
        "sort_order": 10,
        "frontend_label": "Associate to Website",
        "note": "",
        "system": true,
        "backend_type": "static",
        "is_used_in_grid": true,
        "is_visible_in_grid": true,
        "is_filterable_in_grid": true,
        "is_searchable_in_grid": false
    })
}

/// AddressMetadataTest's `postcode`.
fn postcode() -> Value {
    json!({
        "attribute_code": "postcode",
        "frontend_input": "text",
        "input_filter": "",
        "store_label": "Zip/Postal Code",
        "validation_rules": [],
        "multiline_count": 0,
        "visible": true,
        "required": false,
        "data_model": "Magento\\Customer\\Model\\Attribute\\Data\\Postcode",
        "options": [],
        "frontend_class": "",
        "user_defined": false,
        "sort_order": 110,
        "frontend_label": "Zip/Postal Code",
        "note": "",
        "system": true,
        "backend_type": "static",
        "is_used_in_grid": true,
        "is_visible_in_grid": true,
        "is_filterable_in_grid": true,
        "is_searchable_in_grid": true
    })
}

fn codes(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["attribute_code"].as_str().unwrap())
        .collect()
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let reply = app
        .call(
            "GET",
            &format!("/rest/V1/attributeMetadata/{path}"),
            Some(token),
            None,
        )
        .await;
    (reply.status, reply.body)
}

on_both_backends! {
    async fn customer_attributes_read_as_magento_describes_them(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        for (code, expected) in [("firstname", firstname()), ("gender", gender()), ("website_id", website_id())] {
            assert_eq!(get(&app, &format!("customer/attribute/{code}"), &admin).await, (200, expected));
        }
        let (status, all) = get(&app, "customer", &admin).await;
        assert_eq!((status, codes(&all)), (200, CUSTOMER_CODES.to_vec()));
        assert!(all.as_array().unwrap().contains(&firstname()));
        assert!(all.as_array().unwrap().contains(&website_id()));

        let (_, email) = get(&app, "customer/attribute/email", &admin).await;
        assert_eq!(email["frontend_class"], "required-entry validate-email");
        assert_eq!(email["validation_rules"], json!([{"name": "input_validation", "value": "email"}]));
        let (_, group) = get(&app, "customer/attribute/group_id", &admin).await;
        assert_eq!(group["options"], json!([
            {"label": "General", "value": "1"},
            {"label": "Wholesale", "value": "2"},
            {"label": "Retailer", "value": "3"}
        ]));
        let (_, store) = get(&app, "customer/attribute/store_id", &admin).await;
        let nbsp = "\u{a0}\u{a0}\u{a0}\u{a0}";
        assert_eq!(store["options"], json!([
            {"label": "Main Website", "options": []},
            {"label": format!("{nbsp}Main Website Store"), "options": [
                {"label": format!("{nbsp}Default Store View"), "value": "1"}
            ]}
        ]));

        let (_, agc) = get(&app, "customer/attribute/disable_auto_group_change", &admin).await;
        assert_eq!((agc["frontend_input"].clone(), agc["options"].clone(), agc["sort_order"].clone()), (json!("boolean"), json!([]), json!(28)));

        assert_eq!(get(&app, "customer/custom", &admin).await, (200, json!([])));
    }
}

on_both_backends! {
    async fn customer_forms_list_their_attributes_by_sort_order(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        let (status, create) = get(&app, "customer/form/customer_account_create", &admin).await;
        assert_eq!((status, codes(&create)), (200, vec![
            "created_at", "prefix", "firstname", "middlename", "lastname", "suffix", "email",
            "dob", "taxvat", "gender",
        ]));
        let (status, admin_form) = get(&app, "customer/form/adminhtml_customer", &admin).await;
        assert_eq!(status, 200);
        assert!(admin_form.as_array().unwrap().contains(&firstname()));
        assert!(admin_form.as_array().unwrap().contains(&gender()));
        assert_eq!(codes(&admin_form)[..5], ["created_at", "website_id", "created_in", "group_id", "disable_auto_group_change"]);
        let (_, checkout) = get(&app, "customer/form/adminhtml_checkout", &admin).await;
        assert_eq!(codes(&checkout), ["group_id", "email", "dob", "taxvat", "gender"]);
    }
}

on_both_backends! {
    async fn address_attributes_read_as_magento_describes_them(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        assert_eq!(get(&app, "customerAddress/attribute/postcode", &admin).await, (200, postcode()));
        let (status, all) = get(&app, "customerAddress", &admin).await;
        assert_eq!((status, codes(&all)), (200, ADDRESS_CODES.to_vec()));
        let (status, edit) = get(&app, "customerAddress/form/customer_address_edit", &admin).await;
        assert_eq!(status, 200);
        assert!(edit.as_array().unwrap().contains(&postcode()));
        assert_eq!(edit.as_array().unwrap().len(), ADDRESS_CODES.len());

        let (_, fax) = get(&app, "customerAddress/attribute/fax", &admin).await;
        assert_eq!((fax["visible"].clone(), fax["system"].clone()), (json!(false), json!(false)));
        let (_, street) = get(&app, "customerAddress/attribute/street", &admin).await;
        assert_eq!((street["frontend_input"].clone(), street["multiline_count"].clone()), (json!("multiline"), json!(2)));
        let (_, country) = get(&app, "customerAddress/attribute/country_id", &admin).await;
        assert_eq!(country["options"][0], json!({"label": " ", "value": ""}));
        assert!(country["options"].as_array().unwrap().contains(&json!({"label": "United States", "value": "US"})));
        let (_, region) = get(&app, "customerAddress/attribute/region_id", &admin).await;
        assert_eq!(region["options"][0], json!({"label": "Please select a region, state or province."}));
        assert!(region["options"].as_array().unwrap().contains(&json!({"label": "New York", "value": "43"})));

        assert_eq!(get(&app, "customerAddress/custom", &admin).await, (200, json!([])));
    }
}

on_both_backends! {
    async fn unknown_attributes_and_forms_are_not_found(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        for (path, entity, code) in [
            ("customer/attribute/nickname", "customer", "nickname"),
            ("customer/attribute/FirstName", "customer", "FirstName"),
            ("customerAddress/attribute/email", "customer_address", "email"),
        ] {
            assert_eq!(get(&app, path, &admin).await, (404, json!({
                "message": "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value",
                "parameters": {"fieldName": "entityType", "fieldValue": entity,
                    "field2Name": "attributeCode", "field2Value": code}
            })), "{path}");
        }
        for (path, form) in [
            ("customer/form/nowhere", "nowhere"),
            ("customer/form/customer_address_edit", "customer_address_edit"),
            ("customerAddress/form/customer_account_create", "customer_account_create"),
        ] {
            assert_eq!(get(&app, path, &admin).await, (404, json!({
                "message": "No such entity with %fieldName = %fieldValue",
                "parameters": {"fieldName": "formCode", "fieldValue": form}
            })), "{path}");
        }
    }
}

on_both_backends! {
    async fn metadata_needs_magento_customer_customer(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let customer = app.seed_token().await;
        let reader = app.integration_token("reader", &["Magento_Customer::customer"]).await;
        let groups_only = app.integration_token("groups", &["Magento_Customer::group"]).await;
        for path in [
            "customer", "customer/custom", "customer/attribute/firstname", "customer/form/adminhtml_customer",
            "customerAddress", "customerAddress/custom", "customerAddress/attribute/postcode",
            "customerAddress/form/customer_address_edit",
        ] {
            let url = format!("/rest/V1/attributeMetadata/{path}");
            for token in [None, Some(customer.as_str()), Some(groups_only.as_str())] {
                let reply = app.call("GET", &url, token, None).await;
                assert_eq!((reply.status, reply.body), (401, not_authorized("Magento_Customer::customer")), "{path}");
            }
            assert_eq!(get(&app, path, &reader).await.0, 200, "{path}");
        }
    }
}
