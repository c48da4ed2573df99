//! Rendering an executed GraphQL response as Magento's controller does: errors first, webonyx's
//! wording for what async-graphql refused, webonyx's `data` rules, Magento's status rule, and
//! `Retry-After` when a limit refused a field.

use super::request::Prepared;
use super::wording;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::{Map, Value, json};
use std::sync::atomic::Ordering;

/// The answer to an executed request.
pub fn render(response: async_graphql::Response, prepared: &Prepared) -> HttpResponse {
    let (document, variables, context) =
        (&prepared.document, &prepared.variables, &prepared.context);
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
            variables,
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
