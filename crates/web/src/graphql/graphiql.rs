//! GraphiQL, for a browser that opens `GET /graphql` (it asks for `text/html` and sends no
//! query): the schema browsable and queries runnable against this service. Its scripts
//! (GraphiQL's UMD build and React, vendored by `scripts/vendor-docs`) are served from the
//! binary. Off with `GRAPHIQL=false`; clients that send a query are never affected.

use actix_web::guard::GuardContext;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use customer_core::state::AppState;

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GraphiQL: customer service</title>
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
<link rel="stylesheet" href="/graphql/assets/graphiql.min.css">
<script src="/graphql/assets/react.production.min.js"></script>
<script src="/graphql/assets/react-dom.production.min.js"></script>
<script src="/graphql/assets/graphiql.min.js"></script>
</head>
<body>
<div id="graphiql">Loading GraphiQL...</div>
<script>
  const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  ReactDOM.createRoot(document.getElementById('graphiql'))
    .render(React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true }));
</script>
</body>
</html>
"#;

/// Whether the request is a browser opening the endpoint, and GraphiQL is on.
pub fn wanted(ctx: &GuardContext) -> bool {
    let html = ctx
        .head()
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let enabled = ctx
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.settings.graphiql);
    html && enabled && ctx.head().uri.query().is_none_or(|q| !q.contains("query="))
}

/// `GET /graphql` for a browser.
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(PAGE)
}

/// `GET /graphql/assets/{file}`: the vendored scripts and style sheet.
pub async fn asset(file: web::Path<String>, state: web::Data<AppState>) -> HttpResponse {
    let (body, kind): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (
            include_bytes!("../../resources/web/graphiql.min.js"),
            "text/javascript",
        ),
        "graphiql.min.css" => (
            include_bytes!("../../resources/web/graphiql.min.css"),
            "text/css",
        ),
        "react.production.min.js" => (
            include_bytes!("../../resources/web/react.production.min.js"),
            "text/javascript",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../../resources/web/react-dom.production.min.js"),
            "text/javascript",
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    if !state.settings.graphiql {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok()
        .content_type(format!("{kind}; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(body)
}
