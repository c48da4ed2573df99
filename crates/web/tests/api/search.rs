//! `GET /V1/customers/search` against a known data set: every condition type, several groups,
//! sorting, paging, the echo, and the errors.

use crate::helpers::*;
use serde_json::{Value, json};

/// (email, firstname, lastname, city of the default billing address or None, dob)
const PEOPLE: &[(&str, &str, &str, Option<&str>, &str)] = &[
    (
        "ann@example.com",
        "Ann",
        "Doe",
        Some("Austin"),
        "1980-01-01",
    ),
    (
        "bob@example.com",
        "Bob",
        "Dorsey",
        Some("Boston"),
        "1985-06-15",
    ),
    ("cid@example.org", "Cid", "Smith", None, "1990-12-31"),
    (
        "dee@example.org",
        "Dee",
        "doyle",
        Some("Austin"),
        "1975-03-03",
    ),
    ("eve@example.net", "Eve", "Evans", None, "2000-02-29"),
];

async fn seed(app: &TestApp) -> Vec<i64> {
    let mut ids = Vec::new();
    for (email, first, last, city, dob) in PEOPLE {
        let addresses = match city {
            Some(c) => json!([{"firstname": first, "lastname": last, "street": ["1 St"], "city": c,
                "telephone": "5551234", "postcode": "78701", "country_id": "US", "region_id": 57, "default_billing": true}]),
            None => json!([]),
        };
        let reply = app
            .create_customer(&json!({"customer": {"email": email, "firstname": first,
            "lastname": last, "dob": dob, "addresses": addresses}}))
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        ids.push(reply.body["id"].as_i64().unwrap());
    }
    ids
}

fn criteria(groups: &[&[(&str, &str, &str)]]) -> String {
    let mut q = Vec::new();
    for (g, filters) in groups.iter().enumerate() {
        for (f, (field, value, condition)) in filters.iter().enumerate() {
            let base = format!("searchCriteria[filter_groups][{g}][filters][{f}]");
            q.push(format!("{base}[field]={field}"));
            q.push(format!(
                "{base}[value]={}",
                value.replace('%', "%25").replace('@', "%40")
            ));
            if !condition.is_empty() {
                q.push(format!("{base}[condition_type]={condition}"));
            }
        }
    }
    if q.is_empty() {
        "searchCriteria=".into()
    } else {
        q.join("&")
    }
}

fn emails(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap().to_owned())
        .collect()
}

on_both_backends! {
    async fn every_condition_type_filters_as_magento(backend: Backend) {
        let app = spawn_app(backend).await;
        let ids = seed(&app).await;
        let admin = app.admin_token().await;
        let id = |i: usize| ids[i].to_string();
        // (filters of one group as (field, value, condition), expected e-mails)
        type Case<'a> = (Vec<(&'a str, String, &'a str)>, Vec<&'a str>);
        let cases: Vec<Case> = vec![
            (vec![("email", "BOB@example.com".into(), "eq")], vec!["bob@example.com"]),
            (vec![("email", "bob@example.com".into(), "")], vec!["bob@example.com"]),
            (vec![("lastname", "DOE".into(), "eq")], vec!["ann@example.com"]),
            (vec![("lastname", "Do%".into(), "like")], vec!["ann@example.com", "bob@example.com", "dee@example.org"]),
            (vec![("lastname", "do%".into(), "nlike")], vec!["cid@example.org", "eve@example.net"]),
            (vec![("email", "%example.org".into(), "like")], vec!["cid@example.org", "dee@example.org"]),
            (vec![("firstname", "v".into(), "fulltext")], vec!["eve@example.net"]),
            (vec![("firstname", "Ann".into(), "neq")], vec!["bob@example.com", "cid@example.org", "dee@example.org", "eve@example.net"]),
            (vec![("entity_id", format!("{},{}", id(0), id(2)), "in")], vec!["ann@example.com", "cid@example.org"]),
            (vec![("entity_id", format!("{},{}", id(0), id(2)), "nin")], vec!["bob@example.com", "dee@example.org", "eve@example.net"]),
            (vec![("entity_id", id(3), "gt")], vec!["eve@example.net"]),
            (vec![("entity_id", id(3), "gteq")], vec!["dee@example.org", "eve@example.net"]),
            (vec![("entity_id", id(1), "lt")], vec!["ann@example.com"]),
            (vec![("entity_id", id(1), "lteq")], vec!["ann@example.com", "bob@example.com"]),
            (vec![("dob", "1985-01-01".into(), "from")], vec!["bob@example.com", "cid@example.org", "eve@example.net"]),
            (vec![("dob", "1985-01-01".into(), "to")], vec!["ann@example.com", "dee@example.org"]),
            (vec![("default_billing", String::new(), "null")], vec!["cid@example.org", "eve@example.net"]),
            (vec![("default_billing", String::new(), "notnull")], vec!["ann@example.com", "bob@example.com", "dee@example.org"]),
            (vec![("group_id", "1".into(), "finset")], vec!["ann@example.com", "bob@example.com", "cid@example.org", "dee@example.org", "eve@example.net"]),
            (vec![("billing_city", "austin".into(), "eq")], vec!["ann@example.com", "dee@example.org"]),
            (vec![("billing_city", "B%".into(), "like")], vec!["bob@example.com"]),
            // One group: OR.
            (vec![("firstname", "Ann".into(), "eq"), ("firstname", "Eve".into(), "eq")], vec!["ann@example.com", "eve@example.net"]),
        ];
        for (filters, expected) in cases {
            let group: Vec<(&str, &str, &str)> = filters.iter().map(|(f, v, c)| (*f, v.as_str(), *c)).collect();
            let path = format!("/rest/V1/customers/search?{}", criteria(&[&group]));
            let reply = app.call("GET", &path, Some(&admin), None).await;
            assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
            assert_eq!(emails(&reply.body), expected, "{path}");
            assert_eq!(reply.body["total_count"], json!(expected.len()), "{path}");
        }
        // Two groups: AND.
        let path = format!("/rest/V1/customers/search?{}", criteria(&[&[("lastname", "Do%", "like")], &[("billing_city", "Austin", "eq")]]));
        assert_eq!(emails(&app.call("GET", &path, Some(&admin), None).await.body), ["ann@example.com", "dee@example.org"]);
    }
}

on_both_backends! {
    async fn results_sort_page_count_and_echo_the_criteria(backend: Backend) {
        let app = spawn_app(backend).await;
        seed(&app).await;
        let admin = app.admin_token().await;
        let path = "/rest/V1/customers/search?searchCriteria[filterGroups][0][filters][0][field]=email&searchCriteria[filterGroups][0][filters][0][value]=%25example%25&searchCriteria[filterGroups][0][filters][0][conditionType]=like&searchCriteria[sortOrders][0][field]=lastname&searchCriteria[sortOrders][0][direction]=desc&searchCriteria[pageSize]=2&searchCriteria[currentPage]=2";
        let reply = app.call("GET", path, Some(&admin), None).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        // lastname DESC (case-insensitive collations differ, so these names differ in letters):
        // Smith, Evans, Doyle/Dorsey/Doe ... page 2 of size 2.
        assert_eq!(reply.body["total_count"], 5);
        assert_eq!(reply.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(reply.body["search_criteria"], json!({
            "filter_groups": [{"filters": [{"field": "email", "value": "%example%", "condition_type": "like"}]}],
            "sort_orders": [{"field": "lastname", "direction": "DESC"}],
            "page_size": 2, "current_page": 2}));
        let keys: Vec<&String> = reply.body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["items", "search_criteria", "total_count"]);

        let all = app.call("GET", "/rest/V1/customers/search?searchCriteria[sortOrders][0][field]=email", Some(&admin), None).await.body;
        assert_eq!(emails(&all), ["ann@example.com", "bob@example.com", "cid@example.org", "dee@example.org", "eve@example.net"]);
        assert_eq!(all["search_criteria"], json!({"filter_groups": [], "sort_orders": [{"field": "email"}]}));
        let everything = app.call("GET", "/rest/V1/customers/search?searchCriteria=", Some(&admin), None).await.body;
        assert_eq!(everything["total_count"], 5);
        assert_eq!(everything["search_criteria"], json!({"filter_groups": []}));
        let beyond = app.call("GET", "/rest/V1/customers/search?searchCriteria[pageSize]=2&searchCriteria[currentPage]=9", Some(&admin), None).await.body;
        assert_eq!((beyond["items"].clone(), beyond["total_count"].clone()), (json!([]), json!(5)));
    }
}

on_both_backends! {
    async fn bad_criteria_are_refused_without_sql_text(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_token().await;
        let cases = [
            ("", required("searchCriteria")),
            ("searchCriteria[sortOrders][0][field]=email&searchCriteria[sortOrders][0][direction]=sideways",
                json!({"message": "The sort order has to be specified as %1 for ascending order or %2 for descending order.", "parameters": ["ASC", "DESC"]})),
            ("searchCriteria[sortOrders][0][field]=email;DROP",
                json!({"message": "Sort order field %1 contains restricted symbols", "parameters": ["email;DROP"]})),
            ("searchCriteria[sortOrders][0][field]=password_hash", json!({"message": "Invalid attribute name: %1", "parameters": ["password_hash"]})),
            ("searchCriteria[filterGroups][0][filters][0][field]=1%3D1%20OR%20email&searchCriteria[filterGroups][0][filters][0][value]=x",
                json!({"message": "Invalid attribute name: %1", "parameters": ["1=1 OR email"]})),
            ("searchCriteria[filterGroups][0][filters][0][field]=entity_id&searchCriteria[filterGroups][0][filters][0][value]=1%20OR%201%3D1",
                json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.", "parameters": {"fieldName": "entity_id", "value": "1 OR 1=1"}})),
            ("searchCriteria[filterGroups][0][filters][0][field]=email&searchCriteria[filterGroups][0][filters][0][value]=x&searchCriteria[filterGroups][0][filters][0][condition_type]=regexp",
                json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.", "parameters": {"fieldName": "condition_type", "value": "regexp"}})),
            ("searchCriteria[pageSize]=abc", error("Error occurred during \"pageSize\" processing. The \"abc\" value's type is invalid. The \"int\" type was expected. Verify and try again.")),
            ("searchCriteria[limit]=5", json!({"message": "\"%fieldName\" is not supported. Correct the field name and try again.", "parameters": {"fieldName": "Limit"}})),
        ];
        for (query, expected) in cases {
            let reply = app.call("GET", &format!("/rest/V1/customers/search?{query}"), Some(&admin), None).await;
            assert_eq!((reply.status, &reply.body), (400, &expected), "{query}");
        }
        // A value that looks like SQL is only ever a value.
        let reply = app.call("GET", "/rest/V1/customers/search?searchCriteria[filterGroups][0][filters][0][field]=email&searchCriteria[filterGroups][0][filters][0][value]=x%27%20OR%20%271%27%3D%271", Some(&admin), None).await;
        assert_eq!((reply.status, reply.body["total_count"].clone()), (200, json!(0)));
    }
}
