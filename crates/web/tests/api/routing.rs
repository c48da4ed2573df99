//! Store codes, unknown routes, methods, and the request-body rules every POST/PUT shares.

use crate::helpers::*;
use serde_json::json;

on_both_backends! {
    async fn every_rest_prefix_reaches_the_same_routes(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        for prefix in ["/rest/V1", "/rest/default/V1", "/rest/all/V1"] {
            let reply = app.call("POST", &format!("{prefix}/integration/customer/token"), None, Some(&json!({"username": "jdoe@example.com", "password": "Password1"}))).await;
            assert_eq!(reply.status, 200, "{prefix}");
        }
    }
}

on_both_backends! {
    async fn unknown_store_codes_and_routes_do_not_match_any_route(backend: Backend) {
        let app = spawn_app(backend).await;
        let no_route = error("Request does not match any route.");
        for path in ["/rest/foo/V1/customers/me", "/rest/admin/V1/customers/me", "/rest/V1/nothing",
                     "/rest/default/V2/customers/me", "/rest/V1/customers/me/extra", "/nowhere"] {
            let reply = app.call("GET", path, None, None).await;
            assert_eq!((reply.status, &reply.body), (404, &no_route), "{path}");
        }
        let reply = app.call("POST", "/rest/foo/V1/customers", None, Some(&json!({}))).await;
        assert_eq!((reply.status, reply.body), (404, no_route.clone()));
        // A known path with a method it does not serve.
        let reply = app.send(app.build("DELETE", "/rest/V1/integration/customer/token", None, None)).await;
        assert_eq!((reply.status, reply.body), (404, no_route));
        // As in Magento, DELETE /customers/me is DELETE /customers/:customerId, whose ACL
        // answers before the id is read.
        let reply = app.send(app.build("DELETE", "/rest/V1/customers/me", None, None)).await;
        assert_eq!((reply.status, reply.body), (401, not_authorized("Magento_Customer::delete")));
        // Magento 2.4.6+ (Framework/Webapi/Rest/RequestMethodValidator): 405, message rendered.
        for method in ["PATCH", "OPTIONS"] {
            let reply = app.send(app.build(method, "/rest/V1/customers/me", None, None)).await;
            let expected = error(&format!("The {method} HTTP method is not supported."));
            assert_eq!((reply.status, reply.body), (405, expected), "{method}");
        }
        let reply = app.send(app.build("PATCH", "/rest/V1/nothing", None, None)).await;
        assert_eq!((reply.status, reply.body), (405, error("The PATCH HTTP method is not supported.")));
    }
}

on_both_backends! {
    async fn bodies_are_read_as_magento_reads_them(backend: Backend) {
        let app = spawn_app(backend).await;
        let post = |content_type: Option<&'static str>, body: &'static str| {
            let mut req = app.client.post(app.url("/rest/V1/customers")).body(body);
            if let Some(ct) = content_type {
                req = req.header("Content-Type", ct);
            }
            app.send(req)
        };
        let cases = [
            (Some("application/json"), "{bad json", 400, error("Decoding error.")),
            (None, "{}", 400, error("Content-Type header is empty.")),
            (Some("application json"), "{}", 400, error("Content-Type header is invalid.")),
            (Some("json"), "{}", 400, error("Server cannot understand Content-Type HTTP header media type json")),
            (Some("application/json; charset=iso-8859-1"), "{}", 400, error("UTF-8 is the only supported charset.")),
            (Some("application/json; boundary=x"), "{}", 400, error("Content-Type header is invalid.")),
            // A Webapi\Exception: the placeholder is rendered, no parameters are sent.
            (Some("text/plain"), "{}", 400, error("Server cannot understand Content-Type HTTP header media type text/plain")),
            (Some("Application/JSON"), "{}", 400, error("Server cannot understand Content-Type HTTP header media type Application/JSON")),
            (Some("application/json;charset=UTF-8"), "{}", 400, required("customer")),
            // An empty body is no input: the required parameter is reported.
            (None, "", 400, required("customer")),
            // A scalar body names no parameter either.
            (Some("application/json"), "\"text\"", 400, required("customer")),
            (Some("application/json; charset=utf-8"), "{}", 400, required("customer")),
        ];
        for (content_type, body, status, expected) in cases {
            let reply = post(content_type, body).await;
            assert_eq!((reply.status, &reply.body), (status, &expected), "{content_type:?} {body:?}");
        }
    }
}

on_both_backends! {
    async fn oversized_bodies_are_refused_before_parsing(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.max_body_bytes = 4096).await;
        let big = format!("{{\"customer\":{{\"firstname\":\"{}\"}}}}", "a".repeat(5000));
        let reply = app.post_raw("/rest/V1/customers", &big).await;
        assert_eq!(reply.status, 413);
        assert_eq!(reply.body, json!({"message": "The request body is larger than %1 bytes.", "parameters": ["4096"]}));
    }
}
