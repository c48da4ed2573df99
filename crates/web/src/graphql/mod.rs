//! Front door 2, Magento's customer GraphQL API at `/graphql` (POST, and GET for queries):
//! this file is the transport (reading the request, the store header and the bearer token,
//! rendering the response with Magento's status rule); `context` maps errors and holds what a
//! resolver knows, `query` and `mutation` are the resolvers, `types` the schema's types. Every
//! resolver calls the same `accounts` functions as REST. Tokens are shared with REST.

pub mod context;
pub mod graphiql;
pub mod mutation;
pub mod query;
pub mod types;
pub mod wording;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{EmptySubscription, Schema};
use context::{RequestContext, from_app};
use customer_core::auth::{StoreContext, TokenRead, resolve_caller};
use customer_core::state::AppState;
use mutation::MutationRoot;
use query::QueryRoot;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub type CustomerSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Magento's defaults for `graphql/validation/maximum_query_depth` and `..._complexity`.
pub const MAX_DEPTH: usize = 20;
pub const MAX_COMPLEXITY: usize = 300;

pub fn build_schema() -> CustomerSchema {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .finish()
}

/// A response made only of errors (the request never reached execution).
fn errors_only(status: StatusCode, message: &str, category: &str) -> HttpResponse {
    crate::http::json::respond(
        status,
        &json!({"errors": [{"message": message, "extensions": {"category": category}}]}),
    )
}

/// A webonyx SyntaxError as Magento's controller answers it: 400, the location, no category.
fn syntax_error(description: &str, line: usize, column: usize) -> HttpResponse {
    crate::http::json::respond(
        StatusCode::BAD_REQUEST,
        &json!({"errors": [{"message": format!("Syntax Error: {description}"),
            "locations": [{"line": line, "column": column}]}]}),
    )
}

/// webonyx's parser message for a document async-graphql's parser refused at `pos`: at the
/// end, a name was expected (an unclosed selection set, the common case); elsewhere the
/// token found there was unexpected.
fn parse_failure(query: &str, pos: async_graphql::Pos) -> String {
    let offset: usize = query
        .split_inclusive('\n')
        .take(pos.line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + pos.column.saturating_sub(1);
    let rest = query.get(offset..).unwrap_or("").trim_start();
    let Some(first) = rest.chars().next() else {
        return "Expected Name, found <EOF>".to_owned();
    };
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.' || *c == '-')
        .collect();
    if first.is_ascii_alphabetic() || first == '_' {
        format!("Unexpected Name \"{word}\"")
    } else if first.is_ascii_digit() || first == '-' {
        format!("Unexpected Int \"{word}\"")
    } else if first == '"' {
        "Unexpected String".to_owned()
    } else {
        format!("Unexpected {first}")
    }
}

/// Magento 2.4.8's status rule: 401 when an error is an authentication error, 403 for
/// authorization, else 200.
fn status_of(errors: &[Value]) -> StatusCode {
    let has = |category: &str| {
        errors
            .iter()
            .any(|e| e["extensions"]["category"] == category)
    };
    if has("graphql-too-many-requests") {
        StatusCode::TOO_MANY_REQUESTS
    } else if has("graphql-authentication") {
        StatusCode::UNAUTHORIZED
    } else if has("graphql-authorization") {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    }
}

fn is_mutation(query: &str) -> bool {
    async_graphql::parser::parse_query(query).is_ok_and(|doc| {
        doc.operations
            .iter()
            .any(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation)
    })
}

/// `POST /graphql` and `GET /graphql`.
pub async fn graphql(
    state: web::Data<AppState>,
    schema: web::Data<CustomerSchema>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    // The same body limits as REST, answered in Magento's JSON (not actix's plain text).
    let mut payload = payload.into_inner();
    let body = match crate::http::body::read_body(&req, &mut payload).await {
        Ok(body) => body,
        Err(e) => return crate::http::error::error_response(&e),
    };
    let request = if req.method() == actix_web::http::Method::GET {
        let params = match crate::http::query::parse_query(req.query_string()) {
            Ok(params) => params,
            Err(e) => {
                let e = from_app(e);
                return errors_only(StatusCode::BAD_REQUEST, &e.message, "graphql-input");
            }
        };
        let text = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_owned);
        let Some(query) = text("query") else {
            return errors_only(
                StatusCode::BAD_REQUEST,
                "Syntax Error: Unexpected <EOF>",
                "graphql",
            );
        };
        if is_mutation(&query) {
            return errors_only(
                StatusCode::OK,
                "Mutation requests allowed only for POST requests",
                "graphql-input",
            );
        }
        let mut r = async_graphql::Request::new(query);
        if let Some(name) = text("operationName") {
            r = r.operation_name(name);
        }
        if let Some(vars) = text("variables").filter(|v| !v.is_empty()) {
            match serde_json::from_str::<Value>(&vars) {
                Ok(v) => r = r.variables(async_graphql::Variables::from_json(v)),
                Err(_) => return syntax_error("Unable to parse the variables.", 1, 1),
            }
        }
        r
    } else {
        match serde_json::from_slice::<async_graphql::Request>(&body) {
            Ok(r) => r,
            Err(_) => return syntax_error("Unable to parse the request.", 1, 1),
        }
    };
    // Magento parses the document before anything else: a syntax error is a 400.
    let document = match async_graphql::parser::parse_query(&request.query) {
        Ok(doc) => Some(doc),
        Err(async_graphql::parser::Error::Syntax { start, .. }) => {
            return syntax_error(
                &parse_failure(&request.query, start),
                start.line,
                start.column,
            );
        }
        Err(_) => None,
    };
    let variables = serde_json::to_value(&request.variables).unwrap_or(Value::Null);

    // The `Store` header picks the store view, as in Magento.
    let code = req
        .headers()
        .get("Store")
        .map(|v| v.to_str().unwrap_or(""))
        .filter(|code| !code.is_empty());
    // `all` is a REST path prefix, not a store view: GraphQL never runs in the admin store.
    let store = match code {
        None => StoreContext::resolve(&state.scopes, None),
        Some("all") => None,
        Some(code) => StoreContext::resolve(&state.scopes, Some(code)),
    };
    let store = match store {
        Some(store) => store,
        None => {
            return errors_only(
                StatusCode::OK,
                &format!(
                    "Requested store is not found ({})",
                    code.unwrap_or_default()
                ),
                "graphql-input",
            );
        }
    };
    let token = crate::http::client::bearer_token(req.headers());
    let caller = match resolve_caller(&state.db, token, TokenRead::Owner).await {
        Ok((caller, _)) => caller,
        Err(e) => {
            let e = from_app(e);
            return errors_only(StatusCode::SERVICE_UNAVAILABLE, &e.message, "internal");
        }
    };
    let client = crate::http::client::client_ip(&req);
    let context = Arc::new(RequestContext {
        state: state.get_ref().clone(),
        caller,
        store,
        ip: client.map(|ip| ip.to_string()).unwrap_or_default(),
        client,
        retry_after: AtomicU64::new(0),
    });
    let response = schema.execute(request.data(context.clone())).await;
    let rendered = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
    // Magento's key order: errors first, then data.
    let mut out = Map::new();
    let mut errors = rendered
        .get("errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // Errors without a category come from async-graphql itself (validation, variables):
    // webonyx's wording, no path, and no data, as webonyx answers a request it refused.
    let refused = errors.iter().any(|e| e.get("extensions").is_none());
    if refused {
        let wording = wording::Request {
            document: document.as_ref(),
            variables: &variables,
        };
        errors.retain_mut(|e| {
            if e.get("extensions").is_some() {
                return true;
            }
            let at = e["locations"][0]["line"]
                .as_u64()
                .zip(e["locations"][0]["column"].as_u64())
                .map(|(l, c)| (l as usize, c as usize));
            let message = e["message"].as_str().unwrap_or_default();
            let Some(reworded) = wording::reword(message, at, &wording) else {
                return false;
            };
            e["message"] = Value::String(reworded);
            if let Some(map) = e.as_object_mut() {
                map.remove("path");
            }
            true
        });
    }
    if !errors.is_empty() {
        out.insert("errors".into(), Value::Array(errors.clone()));
    }
    match rendered.get("data") {
        _ if refused => {}
        Some(Value::Null) | None => {
            // async-graphql drops all of a mutation's data when one of its fields fails;
            // webonyx nulls the failed (nullable) fields. Errors without a path never reached
            // execution (syntax, validation): webonyx then sends no `data` at all.
            let failed: Option<Map<String, Value>> = errors
                .iter()
                .map(|e| e["path"][0].as_str().map(|k| (k.to_owned(), Value::Null)))
                .collect();
            if let Some(failed) = failed.filter(|f| !f.is_empty()) {
                out.insert("data".into(), Value::Object(failed));
            }
        }
        Some(data) => {
            out.insert("data".into(), data.clone());
        }
    }
    let mut response = crate::http::json::respond(status_of(&errors), &Value::Object(out));
    let retry_after = context.retry_after.load(Ordering::Relaxed);
    if retry_after > 0 {
        response.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(retry_after),
        );
    }
    response
}
