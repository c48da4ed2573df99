//! Customer groups over REST (`/V1/customerGroups`), checked against Magento's
//! api-functional GroupRepositoryTest: the four install groups, create/update/delete with
//! Magento's messages, the default group, read-only groups, search, and the ACL resource.

use crate::helpers::*;
use serde_json::{Value, json};

fn group(id: i64, code: &str) -> Value {
    json!({"id": id, "code": code, "tax_class_id": 3, "tax_class_name": "Retail Customer"})
}

fn no_such(field: &str, value: Value) -> Value {
    json!({"message": "No such entity with %fieldName = %fieldValue",
        "parameters": {"fieldName": field, "fieldValue": value}})
}

fn invalid_tax_class(value: Value) -> Value {
    json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.",
        "parameters": {"fieldName": "taxClassId", "value": value}})
}

async fn all_groups(app: &TestApp, admin: &str) -> Value {
    let reply = app
        .call(
            "GET",
            "/rest/V1/customerGroups/search?searchCriteria=",
            Some(admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["items"].clone()
}

on_both_backends! {
    async fn the_four_install_groups_read_as_magento_lists_them(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        for (id, code) in [(0, "NOT LOGGED IN"), (1, "General"), (2, "Wholesale"), (3, "Retailer")] {
            let reply = app.call("GET", &format!("/rest/V1/customerGroups/{id}"), Some(&admin), None).await;
            assert_eq!((reply.status, reply.body), (200, group(id, code)));
        }
        let reply = app.call("GET", "/rest/V1/customerGroups/9999", Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (404, no_such("id", json!(9999))));
        let reply = app.call("GET", "/rest/V1/customerGroups/abc", Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (400, error(
            "The \"abc\" value's type is invalid. The \"int\" type was expected. Verify and try again.")));
    }
}

on_both_backends! {
    async fn groups_are_created_updated_and_refused_with_magentos_messages(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        let post = |body: Value| {
            let (app, admin) = (&app, admin.clone());
            async move { app.call("POST", "/rest/V1/customerGroups", Some(&admin), Some(&body)).await }
        };
        let reply = post(json!({"group": {"id": null, "code": "Create Group REST", "tax_class_id": 3}})).await;
        assert_eq!((reply.status, &reply.body), (200, &group(4, "Create Group REST")));
        // No (or a zero) tax class: Retail Customer.
        let reply = post(json!({"group": {"code": "Default Class Tax ID REST", "tax_class_id": null}})).await;
        assert_eq!((reply.status, &reply.body), (200, &group(5, "Default Class Tax ID REST")));

        let before = all_groups(&app, &admin).await;
        let refused = [
            (json!({"group": {"code": "create group rest", "tax_class_id": 3}}), 400,
                error("Customer Group already exists.")),
            (json!({"group": {"id": null, "code": null, "tax_class_id": null}}), 400, required("code")),
            (json!({"group": {"code": " \t", "tax_class_id": 3}}), 400, required("code")),
            (json!({"group": {"code": "Invalid Tax Class Id Code", "tax_class_id": 9999}}), 400,
                invalid_tax_class(json!(9999))),
            // Taxable Goods is a product tax class.
            (json!({"group": {"code": "Product Class", "tax_class_id": 2}}), 400,
                invalid_tax_class(json!(2))),
            (json!({"group": {"id": 88, "code": "Create Group With Id REST", "tax_class_id": 3}}), 404,
                no_such("id", json!(88))),
            (json!({"code": "No Wrapper"}), 400, required("group")),
            (json!({"group": {"code": "X", "colour": "red"}}), 400,
                json!({"message": "\"%fieldName\" is not supported. Correct the field name and try again.",
                    "parameters": {"fieldName": "Colour"}})),
        ];
        for (body, status, expected) in refused {
            let reply = post(body.clone()).await;
            assert_eq!((reply.status, &reply.body), (status, &expected), "{body}");
        }
        assert_eq!(all_groups(&app, &admin).await, before, "a refused save changed nothing");

        // Codes are cut to 32 characters (Group::_prepareData), counted in characters.
        let reply = post(json!({"group": {"code": "ö".repeat(40)}})).await;
        assert_eq!((reply.status, &reply.body), (200, &group(6, &"ö".repeat(32))));

        // PUT: the path id wins; the tax class is checked before the group is looked up.
        let reply = app.call("PUT", "/rest/V1/customerGroups/4", Some(&admin),
            Some(&json!({"group": {"id": 9, "code": "Updated Group REST", "tax_class_id": 3}}))).await;
        assert_eq!((reply.status, &reply.body), (200, &group(4, "Updated Group REST")));
        let reply = app.call("GET", "/rest/V1/customerGroups/4", Some(&admin), None).await;
        assert_eq!(reply.body, group(4, "Updated Group REST"));
        let reply = app.call("PUT", "/rest/V1/customerGroups/9999", Some(&admin),
            Some(&json!({"group": {"code": "Updated Group REST Does Not Exist", "tax_class_id": 3}}))).await;
        assert_eq!((reply.status, &reply.body), (404, &no_such("id", json!(9999))));
        let reply = app.call("PUT", "/rest/V1/customerGroups/4", Some(&admin),
            Some(&json!({"group": {"code": "No Tax Class"}}))).await;
        assert_eq!((reply.status, &reply.body), (400, &invalid_tax_class(Value::Null)));
        // Renaming onto another group's code (any letter case) is refused; keeping one's own is not.
        let reply = app.call("PUT", "/rest/V1/customerGroups/4", Some(&admin),
            Some(&json!({"group": {"code": "GENERAL", "tax_class_id": 3}}))).await;
        assert_eq!((reply.status, &reply.body), (400, &error("Customer Group already exists.")));
        let reply = app.call("PUT", "/rest/V1/customerGroups/4", Some(&admin),
            Some(&json!({"group": {"code": "updated group rest", "tax_class_id": 3}}))).await;
        assert_eq!((reply.status, &reply.body), (200, &group(4, "updated group rest")));
    }
}

on_both_backends! {
    async fn deleting_a_group_moves_its_customers_to_the_default_group(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        let reply = app.call("POST", "/rest/V1/customerGroups", Some(&admin),
            Some(&json!({"group": {"code": "Delete Group", "tax_class_id": 3}}))).await;
        let id = reply.body["id"].as_i64().unwrap();
        let reply = app.call("POST", "/rest/V1/customers", Some(&admin), Some(&json!({"customer": {
            "email": "member@example.com", "firstname": "Mem", "lastname": "Ber", "group_id": id}}))).await;
        assert_eq!((reply.status, &reply.body["group_id"]), (200, &json!(id)), "{:?}", reply.body);
        let customer = reply.body["id"].as_i64().unwrap();

        for (path, status, expected) in [
            ("/rest/V1/customerGroups/1", 400, error("Cannot delete group.")),
            ("/rest/V1/customerGroups/0", 400, error("Cannot delete group.")),
            ("/rest/V1/customerGroups/4200", 404, no_such("id", json!(4200))),
        ] {
            let reply = app.call("DELETE", path, Some(&admin), None).await;
            assert_eq!((reply.status, &reply.body), (status, &expected), "{path}");
        }
        assert_eq!(all_groups(&app, &admin).await.as_array().unwrap().len(), 5);

        let reply = app.call("DELETE", &format!("/rest/V1/customerGroups/{id}"), Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (200, json!(true)));
        let reply = app.call("GET", &format!("/rest/V1/customerGroups/{id}"), Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (404, no_such("id", json!(id))));
        let reply = app.call("GET", &format!("/rest/V1/customers/{customer}"), Some(&admin), None).await;
        assert_eq!(reply.body["group_id"], 1);
        // A customer cannot be put in a group that no longer exists.
        let reply = app.call("PUT", &format!("/rest/V1/customers/{customer}"), Some(&admin),
            Some(&json!({"customer": {"group_id": id}}))).await;
        assert_eq!((reply.status, reply.body), (400, error("The specified customer group id does not exist.")));
    }
}

on_both_backends! {
    async fn the_default_group_is_configurable_and_read_only(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        for path in ["/rest/V1/customerGroups/default", "/rest/default/V1/customerGroups/default",
            "/rest/V1/customerGroups/default/1", "/rest/V1/customerGroups/default/0"] {
            let reply = app.call("GET", path, Some(&admin), None).await;
            assert_eq!((reply.status, &reply.body), (200, &group(1, "General")), "{path}");
        }
        let reply = app.call("GET", "/rest/V1/customerGroups/default/99", Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (404, no_such("storeId", json!(99))));
        for (id, readonly) in [(0, true), (1, true), (2, false), (3, false)] {
            let reply = app.call("GET", &format!("/rest/V1/customerGroups/{id}/permissions"), Some(&admin), None).await;
            assert_eq!((reply.status, reply.body), (200, json!(readonly)), "group {id}");
        }
        let reply = app.call("GET", "/rest/V1/customerGroups/77/permissions", Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (404, no_such("groupId", json!(77))));

        let reply = app.call("PUT", "/rest/V1/customerGroups/default/77", Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (404, no_such("id", json!(77))));
        let reply = app.call("PUT", "/rest/V1/customerGroups/default/2", Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (200, json!(2)));
        let reply = app.call("GET", "/rest/V1/customerGroups/default", Some(&admin), None).await;
        assert_eq!(reply.body, group(2, "Wholesale"));
        for (id, readonly) in [(1, false), (2, true)] {
            let reply = app.call("GET", &format!("/rest/V1/customerGroups/{id}/permissions"), Some(&admin), None).await;
            assert_eq!(reply.body, json!(readonly), "group {id}");
        }
        // New accounts join the configured default group.
        let reply = app.create_customer(&json!({"customer": {"email": "new@example.com",
            "firstname": "New", "lastname": "Comer"}, "password": "Password123!"})).await;
        assert_eq!((reply.status, &reply.body["group_id"]), (200, &json!(2)), "{:?}", reply.body);
        // The former default can go now; the new one cannot.
        let reply = app.call("DELETE", "/rest/V1/customerGroups/2", Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (400, error("Cannot delete group.")));
        let reply = app.call("DELETE", "/rest/V1/customerGroups/1", Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (200, json!(true)));
    }
}

on_both_backends! {
    async fn groups_are_searched_with_search_criteria(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        let search = |query: &str| {
            let (app, admin, query) = (&app, admin.clone(), query.to_owned());
            async move { app.call("GET", &format!("/rest/V1/customerGroups/search?{query}"), Some(&admin), None).await }
        };
        let filter = |field: &str, value: &str| format!(
            "searchCriteria[filter_groups][0][filters][0][field]={field}&searchCriteria[filter_groups][0][filters][0][value]={value}");
        let cases = [
            ("tax_class_id", "3", vec![group(0, "NOT LOGGED IN"), group(1, "General"), group(2, "Wholesale"), group(3, "Retailer")]),
            ("tax_class_id", "0", vec![]),
            ("code", "d41d8cd98f00b204e9800998ecf8427e", vec![]),
            ("id", "0", vec![group(0, "NOT LOGGED IN")]),
            ("code", "General", vec![group(1, "General")]),
            ("id", "2", vec![group(2, "Wholesale")]),
            ("code", "Retailer", vec![group(3, "Retailer")]),
            ("tax_class_name", "Retail%20Customer", vec![group(0, "NOT LOGGED IN"), group(1, "General"), group(2, "Wholesale"), group(3, "Retailer")]),
        ];
        for (field, value, items) in cases {
            let reply = search(&filter(field, value)).await;
            assert_eq!(reply.status, 200, "{field}={value}: {:?}", reply.body);
            assert_eq!(reply.body["total_count"], json!(items.len()), "{field}={value}");
            assert_eq!(reply.body["items"], json!(items), "{field}={value}");
        }
        let reply = search(&format!("{}&searchCriteria[filter_groups][0][filters][0][condition_type]=like\
            &searchCriteria[sort_orders][0][field]=code&searchCriteria[sort_orders][0][direction]=DESC\
            &searchCriteria[page_size]=2&searchCriteria[current_page]=1", filter("code", "%25e%25"))).await;
        assert_eq!((reply.status, &reply.body), (200, &json!({
            "items": [group(2, "Wholesale"), group(3, "Retailer")],
            "search_criteria": {
                "filter_groups": [{"filters": [{"field": "code", "value": "%e%", "condition_type": "like"}]}],
                "sort_orders": [{"field": "code", "direction": "DESC"}],
                "page_size": 2,
                "current_page": 1
            },
            "total_count": 4
        })));
        let reply = search("").await;
        assert_eq!((reply.status, reply.body), (400, required("searchCriteria")));
    }
}

on_both_backends! {
    async fn group_routes_need_magento_customer_group(backend: Backend) {
        let app = spawn_app(backend).await;
        let reader = app.integration_token("reader", &["Magento_Customer::customer", "Magento_Customer::manage"]).await;
        let grouper = app.integration_token("grouper", &["Magento_Customer::group"]).await;
        let body = json!({"group": {"code": "Acl Group", "tax_class_id": 3}});
        let rename = json!({"group": {"code": "Acl Retailer", "tax_class_id": 3}});
        let routes = [
            ("GET", "/rest/V1/customerGroups/1", None),
            ("GET", "/rest/V1/customerGroups/default", None),
            ("GET", "/rest/V1/customerGroups/default/1", None),
            ("GET", "/rest/V1/customerGroups/1/permissions", None),
            ("GET", "/rest/V1/customerGroups/search?searchCriteria=", None),
            ("PUT", "/rest/V1/customerGroups/default/1", None),
            ("POST", "/rest/V1/customerGroups", Some(&body)),
            ("PUT", "/rest/V1/customerGroups/3", Some(&rename)),
            ("DELETE", "/rest/V1/customerGroups/3", None),
        ];
        for (method, path, body) in routes {
            for token in [None, Some(reader.as_str())] {
                let reply = app.call(method, path, token, body).await;
                assert_eq!((reply.status, reply.body), (401, not_authorized("Magento_Customer::group")), "{method} {path}");
            }
            let reply = app.call(method, path, Some(&grouper), body).await;
            assert_eq!(reply.status, 200, "{method} {path}: {:?}", reply.body);
        }
    }
}

on_both_backends! {
    async fn graphql_answers_the_customer_group_as_customer_graphql_does(backend: Backend) {
        let app = spawn_app(backend).await;
        // A guest is in NOT LOGGED IN; uid is Magento's Uid::encode (base64 of the id).
        let reply = app.graphql("{ customerGroup { uid name } }", json!({}), None, None).await;
        assert_eq!(reply.body, json!({"data": {"customerGroup": {"uid": "MA==", "name": "NOT LOGGED IN"}}}));
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let query = "query { customerGroup { uid name } customer { email group { uid name } } }";
        let reply = app.graphql(query, json!({}), Some(&token), None).await;
        assert_eq!(reply.body, json!({"data": {
            "customerGroup": {"uid": "MQ==", "name": "General"},
            "customer": {"email": "jdoe@example.com", "group": {"uid": "MQ==", "name": "General"}}}}));
        // A renamed group shows its new name.
        let admin = app.admin_token().await;
        let reply = app.call("PUT", "/rest/V1/customerGroups/1", Some(&admin),
            Some(&json!({"group": {"code": "Members", "tax_class_id": 3}}))).await;
        assert_eq!(reply.status, 200);
        let reply = app.graphql("{ customer { group { name } } }", json!({}), Some(&token), None).await;
        assert_eq!(reply.body, json!({"data": {"customer": {"group": {"name": "Members"}}}}));
    }
}
