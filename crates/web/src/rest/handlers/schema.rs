//! The API description, compiled in: `openapi.yaml` as written, the same document as JSON at
//! `/rest/<store>/schema` (where Magento serves its schema; build.rs converts it), and `/docs`,
//! a page rendered by Redoc's standalone bundle (vendored from npm by `scripts/vendor-docs`,
//! served from the binary: nothing is fetched at run time).

use actix_web::{HttpResponse, http::header};

const OPENAPI_YAML: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.yaml"));
const OPENAPI_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.json"));
const REDOC_JS: &[u8] = include_bytes!("../../../resources/web/redoc.standalone.js");

const DOCS_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer service API</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="/openapi.yaml" hide-download-button="false"></redoc>
<script src="/docs/redoc.standalone.js"></script>
</body>
</html>
"#;

const HOME_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Customer service</title></head>
<body>
<h1>Customer service</h1>
<p>A Magento 2 compatible customer account and token service.</p>
<ul>
<li><a href="/docs">/docs</a>: the REST API, readable (<a href="/openapi.yaml">openapi.yaml</a>,
<a href="/rest/default/schema">as JSON</a>)</li>
<li><a href="/graphql">/graphql</a>: the GraphQL endpoint (GraphiQL in a browser)</li>
<li><a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a>: for operators</li>
</ul>
</body>
</html>
"#;

/// `GET /`: a pointer to `/docs`.
pub async fn home() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(HOME_PAGE)
}

/// `GET /docs`
pub async fn docs() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(DOCS_PAGE)
}

/// `GET /docs/redoc.standalone.js`
pub async fn redoc_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(REDOC_JS)
}

/// `GET /openapi.yaml`
pub async fn openapi_yaml() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/yaml; charset=utf-8")
        .body(OPENAPI_YAML)
}

/// `GET /rest/{store}/schema[?services=...]`: the whole description for any store code;
/// Magento's `services` filter is accepted and the full document returned (every service of
/// this API belongs to the customer module).
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI_JSON)
}
