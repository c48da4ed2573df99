//! Magento's REST transport around every call (Framework/Webapi/Rest and Webapi/Controller/
//! Rest): trimmed paths, `?fields=` partial responses (FieldsFilter), `Accept` negotiation with
//! the XML renderer (Renderer/Xml.php over Xml/Generator.php), and the 406 for types it cannot
//! render. Expected bodies follow those classes, applied to the customer Magento returns.

use crate::helpers::*;
use serde_json::json;

on_both_backends! {
    async fn paths_match_without_their_leading_and_trailing_slashes(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let me = app.get_me(&token).await;
        for path in ["/rest/V1/customers/me/", "/rest/default/V1/customers/me//", "//rest/V1/customers/me"] {
            let reply = app.call("GET", path, Some(&token), None).await;
            assert_eq!((reply.status, &reply.body), (200, &me.body), "{path}");
        }
        let reply = app.call("POST", "/rest/V1/integration/customer/token/", None,
            Some(&json!({"username": "jdoe@example.com", "password": "Password1"}))).await;
        assert_eq!(reply.status, 200);
        // Only the ends are trimmed: an empty segment inside the path matches no route.
        let reply = app.call("GET", "/rest/V1/customers//me", Some(&token), None).await;
        assert_eq!((reply.status, reply.body), (404, error("Request does not match any route.")));
    }
}

on_both_backends! {
    async fn fields_keep_the_named_keys_in_the_responses_order(backend: Backend) {
        let app = spawn_app(backend).await;
        let created = app.create_seed_customer().await;
        let token = app.seed_token().await;
        let id = created["id"].clone();
        let get = |query: &'static str| {
            let token = token.clone();
            let app = &app;
            async move { app.call("GET", &format!("/rest/V1/customers/me?{query}"), Some(&token), None).await }
        };
        // Nested syntax; the response's key order wins over the filter's (region before city).
        let reply = get("fields=email,id,addresses[city,region[region_code]]").await;
        assert_eq!((reply.status, reply.body), (200, json!({"id": id, "email": "jdoe@example.com",
            "addresses": [{"region": {"region_code": "NY"}, "city": "Purchase"}]})));
        // Unknown names are dropped; nothing left is PHP's empty array.
        let reply = get("fields=nothing").await;
        assert_eq!((reply.status, reply.body), (200, json!([])));
        // Invalid filters (a character outside [\w\[\],], an unclosed bracket, a list) give [].
        for query in ["fields=id%20email", "fields=addresses[city", "fields=id.email", "fields[]=id"] {
            let reply = get(query).await;
            assert_eq!((reply.status, &reply.body), (200, &json!([])), "{query}");
        }
        // Falsy filters ("" and "0" in PHP) do not filter.
        for query in ["fields=", "fields=0"] {
            let reply = get(query).await;
            assert_eq!((reply.status, &reply.body), (200, &created), "{query}");
        }
        // Write responses are filtered too; errors and scalar results are not.
        let reply = app.call("PUT", "/rest/V1/customers/me?fields=firstname,email", Some(&token),
            Some(&json!({"customer": {"email": "jdoe@example.com", "firstname": "Janet", "lastname": "Doe"}}))).await;
        assert_eq!((reply.status, reply.body), (200, json!({"email": "jdoe@example.com", "firstname": "Janet"})));
        let reply = app.call("GET", "/rest/V1/customers/me?fields=id", None, None).await;
        assert_eq!((reply.status, reply.body), (401, not_authorized("self")));
        let reply = app.call("POST", "/rest/V1/customers/isEmailAvailable?fields=id", None,
            Some(&json!({"customerEmail": "new@example.com"}))).await;
        assert_eq!((reply.status, reply.body), (200, json!(true)));
    }
}

on_both_backends! {
    async fn a_client_library_searches_with_a_trailing_slash_and_fields(backend: Backend) {
        // What a Python Magento client sends: `/V1/customers/search/?searchCriteria...&fields=`.
        let app = spawn_app(backend).await;
        let created = app.create_seed_customer().await;
        let admin = app.admin_token().await;
        let path = "/rest/default/V1/customers/search/?searchCriteria[filterGroups][0][filters][0][field]=email\
            &searchCriteria[filterGroups][0][filters][0][value]=%25example.com\
            &searchCriteria[filterGroups][0][filters][0][conditionType]=like\
            &searchCriteria[pageSize]=20&searchCriteria[currentPage]=1\
            &fields=items[id,email,addresses[city]],total_count";
        let reply = app.call("GET", path, Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (200, json!({
            "items": [{"id": created["id"], "email": "jdoe@example.com", "addresses": [{"city": "Purchase"}]}],
            "total_count": 1})));
        let reply = app.call("GET", "/rest/V1/customers/search/?searchCriteria[pageSize]=20&fields=search_criteria",
            Some(&admin), None).await;
        assert_eq!((reply.status, reply.body), (200, json!({"search_criteria": {"filter_groups": [], "page_size": 20}})));
    }
}

on_both_backends! {
    async fn accept_xml_gets_magentos_xml_rendering_for_data_and_errors(backend: Backend) {
        let app = spawn_app(backend).await;
        let created = app.create_seed_customer().await;
        let token = app.seed_token().await;
        let xml = |method: &str, path: &str, token: Option<&str>, accept: &'static str| {
            app.send_text(app.build(method, path, token, None).header("Accept", accept))
        };
        let (status, content_type, body) = xml("GET",
            "/rest/V1/customers/me?fields=id,email,addresses[street,default_billing]", Some(&token), "application/xml").await;
        assert_eq!((status, content_type.as_str()), (200, "application/xml; charset=utf-8"));
        assert_eq!(body, format!("<?xml version=\"1.0\"?>\n<response>\n  <id>{}</id>\n  <email>jdoe@example.com</email>\n  \
            <addresses>\n    <item>\n      <street>\n        <item>123 Oak Ave</item>\n      </street>\n      \
            <default_billing>true</default_billing>\n    </item>\n  </addresses>\n</response>\n", created["id"]));
        // Errors in the same rendering, with their status.
        let (status, _, body) = xml("GET", "/rest/V1/customers/me", None, "text/xml").await;
        assert_eq!((status, body.as_str()), (401, "<?xml version=\"1.0\"?>\n<response>\n  \
            <message>The consumer isn't authorized to access %resources.</message>\n  <parameters>\n    \
            <resources>self</resources>\n  </parameters>\n</response>\n"));
        let (status, _, body) = xml("PATCH", "/rest/V1/customers/me", None, "application/xml").await;
        assert_eq!((status, body.as_str()), (405, "<?xml version=\"1.0\"?>\n<response>\n  \
            <message>The PATCH HTTP method is not supported.</message>\n</response>\n"));
        // A scalar result is the root's text; a browser's Accept header picks XML too.
        let req = app.build("POST", "/rest/V1/customers/isEmailAvailable", None,
            Some(&json!({"customerEmail": "jdoe@example.com"})))
            .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        let (status, _, body) = app.send_text(req).await;
        assert_eq!((status, body.as_str()), (200, "<?xml version=\"1.0\"?>\n<response>true</response>\n"));
        // JSON stays the answer for */*, application/* and no Accept at all.
        for accept in ["*/*", "application/*", "application/json, text/xml;q=0.5"] {
            let (status, content_type, _) = xml("GET", "/rest/V1/customers/me", Some(&token), accept).await;
            assert_eq!((status, content_type.as_str()), (200, "application/json; charset=utf-8"), "{accept}");
        }
    }
}

on_both_backends! {
    async fn accept_types_magento_cannot_render_get_406(backend: Backend) {
        let app = spawn_app(backend).await;
        for accept in ["text/html", "Application/JSON", "image/png;q=0.9, text/plain"] {
            let first = if accept.starts_with("image") { "text/plain" } else { accept };
            let reply = app.send(app.build("GET", "/rest/V1/directory/countries", None, None).header("Accept", accept)).await;
            assert_eq!((reply.status, &reply.body), (406, &json!({"messages": {"error": [{"code": 406, "message":
                format!("Server cannot match any of the given Accept HTTP header media type(s) from the request: \"{first}\" with media types from the config of response renderer.")}]}})),
                "{accept}");
        }
        // Outside REST (GraphQL, health) the header is not Magento REST's business.
        let reply = app.send(app.build("GET", "/healthz", None, None).header("Accept", "text/html")).await;
        assert_eq!(reply.status, 200);
    }
}

on_both_backends! {
    async fn cors_answers_only_the_configured_origins(backend: Backend) {
        let off = spawn_app(backend).await;
        // Off by default: no CORS headers, and a preflight is an unserved method (405).
        let reply = off.send(off.build("GET", "/rest/V1/directory/countries/US", None, None)
            .header("Origin", "https://shop.example.com")).await;
        assert_eq!(reply.status, 200);
        let preflight = |app: &TestApp, origin: &'static str| app.client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization, content-type, store")
            .send();
        let resp = preflight(&off, "https://shop.example.com").await.unwrap();
        assert!(resp.headers().get("access-control-allow-origin").is_none());

        let on = spawn_app_with(backend, |s| s.cors_allowed_origins = vec!["https://shop.example.com".into()]).await;
        let resp = preflight(&on, "https://shop.example.com").await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["access-control-allow-origin"], "https://shop.example.com");
        let resp = on.client.get(on.url("/rest/V1/directory/countries/US"))
            .header("Origin", "https://shop.example.com").send().await.unwrap();
        assert_eq!(resp.headers()["access-control-allow-origin"], "https://shop.example.com");
        // Another origin gets its answer without CORS headers, so a browser withholds it.
        let resp = on.client.get(on.url("/rest/V1/directory/countries/US"))
            .header("Origin", "https://evil.example").send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers().get("access-control-allow-origin").is_none());
    }
}
