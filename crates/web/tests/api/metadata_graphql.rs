//! EavGraphQl's attribute metadata for customers and addresses (`attributesForm`,
//! `attributesList`, `customAttributeMetadataV2`) and CustomerGraphQl's `allCustomerGroups`,
//! with the values of a fresh Magento 2.4.8 install. Adobe's storefront drop-ins render their
//! sign-up and address forms from `attributesForm`.

use crate::helpers::*;
use serde_json::{Value, json};

const FORM: &str = "query($formCode: String!) { attributesForm(formCode: $formCode) {
  items { __typename code default_value entity_type frontend_class frontend_input is_required is_unique label
    options { is_default label value }
    ... on CustomerAttributeMetadata { input_filter multiline_count sort_order validate_rules { name value } } }
  errors { type message } } }";

/// A text attribute of the customer form, as CustomerGraphQl renders it.
fn text_item(code: &str, label: &str, class: &str, filter: &str, sort: i32, rules: Value) -> Value {
    json!({"__typename": "CustomerAttributeMetadata", "code": code, "default_value": null, "entity_type": "CUSTOMER",
        "frontend_class": class, "frontend_input": "TEXT", "is_required": !class.is_empty(), "is_unique": false,
        "label": label, "options": [], "input_filter": filter, "multiline_count": 0, "sort_order": sort,
        "validate_rules": rules})
}

on_both_backends! {
    async fn attributes_form_lists_the_visible_attributes_of_a_form(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.graphql(FORM, json!({"formCode": "customer_account_create"}), None, None).await;
        let names = json!([{"name": "MAX_TEXT_LENGTH", "value": "255"}, {"name": "MIN_TEXT_LENGTH", "value": "1"}]);
        let customer = |code, label, sort| text_item(code, label, "required-entry", "TRIM", sort, names.clone());
        let email = text_item("email", "Email", "required-entry validate-email", "NONE", 80,
            json!([{"name": "INPUT_VALIDATION", "value": "email"}]));
        assert_eq!((reply.status, reply.body), (200, json!({"data": {"attributesForm": {
            "items": [customer("firstname", "First Name", 40), customer("lastname", "Last Name", 60), email],
            "errors": []}}})));

        // The address form: street is multiline, region_id hidden, country and region carry no options.
        let reply = app.graphql("{ attributesForm(formCode: \"customer_address_edit\") { items { code frontend_input
            ... on CustomerAttributeMetadata { multiline_count } options { value } } errors { type } } }", json!({}), None, None).await;
        let items = reply.body["data"]["attributesForm"]["items"].as_array().cloned().unwrap_or_default();
        let codes: Vec<&str> = items.iter().filter_map(|i| i["code"].as_str()).collect();
        assert_eq!(codes, ["firstname", "lastname", "company", "street", "city", "country_id", "region", "region_id",
            "postcode", "telephone", "vat_id"], "{:?}", reply.body);
        let street = items.iter().find(|i| i["code"] == "street").cloned().unwrap_or_default();
        assert_eq!(street, json!({"code": "street", "frontend_input": "MULTILINE", "multiline_count": 2, "options": []}));
        let region_id = items.iter().find(|i| i["code"] == "region_id").cloned().unwrap_or_default();
        assert_eq!(region_id["frontend_input"], json!("HIDDEN"));
        assert!(items.iter().all(|i| i["options"] == json!([])), "{:?}", reply.body);

        // An unknown form, or an admin one, is an error in the answer.
        for code in ["not_existing_form", "adminhtml_customer"] {
            let reply = app.graphql("query($c: String!) { attributesForm(formCode: $c) { items { code } errors { type message } } }",
                json!({"c": code}), None, None).await;
            assert_eq!(reply.body, json!({"data": {"attributesForm": {"items": [], "errors": [
                {"type": "ENTITY_NOT_FOUND", "message": format!("Form \"{code}\" could not be found.")}]}}}));
        }
        let reply = app.graphql("{ attributesForm(formCode: \"\") { items { code } } }", json!({}), None, None).await;
        assert_eq!(reply.body["errors"][0]["message"], json!("Required parameter \"formCode\" of type string."));
    }
}

on_both_backends! {
    async fn attribute_metadata_v2_and_list_answer_errors_as_data(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.graphql("{ customAttributeMetadataV2(attributes: [
              {attribute_code: \"firstname\", entity_type: \"customer\"},
              {attribute_code: \"gender\", entity_type: \"customer\"},
              {attribute_code: \"nope\", entity_type: \"customer\"},
              {attribute_code: \"city\", entity_type: \"catalog_thing\"}]) {
            items { code entity_type } errors { type message } } }", json!({}), None, None).await;
        // gender is invisible on a fresh install: left out without an error.
        assert_eq!(reply.body, json!({"data": {"customAttributeMetadataV2": {
            "items": [{"code": "firstname", "entity_type": "CUSTOMER"}],
            "errors": [{"type": "ATTRIBUTE_NOT_FOUND", "message": "Attribute code \"nope\" could not be found."},
                       {"type": "ENTITY_NOT_FOUND", "message": "Entity \"catalog_thing\" could not be found."}]}}}));
        let reply = app.graphql("{ customAttributeMetadataV2(attributes: []) { items { code } } }", json!({}), None, None).await;
        assert_eq!(reply.body["errors"][0]["message"],
            json!("Required parameters \"attribute_code\" and \"entity_type\" of type String."));

        let reply = app.graphql("{ attributesList(entityType: CUSTOMER, filters: {is_comparable: true}) {
            items { code } errors { type message } } }", json!({}), None, None).await;
        assert_eq!(reply.body, json!({"data": {"attributesList": {"items": [], "errors": [
            {"type": "FILTER_NOT_FOUND", "message": "Cannot filter by \"is_comparable\" as that field does not belong to \"customer\"."}]}}}));
    }
}

on_both_backends! {
    async fn all_customer_groups_lists_every_group_and_a_fragment_on_customer_group_works(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.graphql("{ allCustomerGroups { ...G } customerGroup { ...G } } fragment G on CustomerGroup { uid name }",
            json!({}), None, None).await;
        assert_eq!(reply.body, json!({"data": {
            "allCustomerGroups": [{"uid": "MA==", "name": "NOT LOGGED IN"}, {"uid": "MQ==", "name": "General"},
                                  {"uid": "Mg==", "name": "Wholesale"}, {"uid": "Mw==", "name": "Retailer"}],
            "customerGroup": {"uid": "MA==", "name": "NOT LOGGED IN"}}}));
    }
}
