//! What Magento's REST front controller does around every call, as one middleware on the app:
//! the path is trimmed of leading and trailing slashes before matching (`Route::getPathParts`
//! and the REST path processor trim `/`), a method other than GET, POST, PUT and DELETE is
//! answered 405 (`RequestMethodValidator`), the `Accept` header picks Magento's JSON or XML
//! renderer or a 406 (`RendererFactory`), and a successful result is cut down by `?fields=`
//! (`FieldsFilter`) before it is rendered. Handlers keep writing JSON; only a response that
//! needs filtering or XML is decoded and written again, so the usual path costs nothing.

use super::{fields, render};
use crate::http::error::error_response;
use crate::http::{ApiError, json};
use actix_web::HttpResponse;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use actix_web::http::uri::{PathAndQuery, Uri};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use customer_core::error::AppError;
use serde_json::{Value, json};
use std::cmp::Ordering;

/// Magento's response renderers, in its `di.xml` order: the first whose type matches an
/// accepted type (exactly, as `type/*`, or `*/*`) renders.
const RENDERERS: &[(&str, Format)] = &[
    ("*/*", Format::Json),
    ("application/json", Format::Json),
    ("text/xml", Format::Xml),
    ("application/xml", Format::Xml),
    ("application/xhtml+xml", Format::Xml),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// `Rest\Request::getAcceptTypes`: valid media types ordered by quality (highest first, the
/// header's order within a quality), `*/*` when none is given.
fn accept_types(header: &str) -> Vec<String> {
    let valid = regex_lite_media_type;
    let mut by_quality: Vec<(String, Vec<String>)> = Vec::new();
    for definition in split_accept(header) {
        let mut parts = definition.split(';');
        let mime = parts.next().unwrap_or("").trim();
        if !valid(mime) {
            continue;
        }
        let quality = parts
            .next()
            .map(|q| q.split('=').collect::<Vec<_>>())
            .filter(|kv| kv.len() == 2)
            .map_or_else(|| "1.0".to_owned(), |kv| kv[1].to_owned());
        match by_quality.iter_mut().find(|(q, _)| *q == quality) {
            Some((_, types)) => {
                if !types.iter().any(|t| t == mime) {
                    types.push(mime.to_owned());
                }
            }
            None => by_quality.push((quality, vec![mime.to_owned()])),
        }
    }
    // `krsort`: numeric keys compare as numbers, anything else as strings.
    by_quality.sort_by(
        |(a, _), (b, _)| match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
            _ => b.cmp(a),
        },
    );
    let mut ordered: Vec<String> = Vec::new();
    for (_, types) in by_quality {
        for t in types {
            if !ordered.contains(&t) {
                ordered.push(t);
            }
        }
    }
    if ordered.is_empty() {
        ordered.push("*/*".into());
    }
    ordered
}

/// `preg_split('/,\s*/', ...)`.
fn split_accept(header: &str) -> impl Iterator<Item = &str> {
    header.split(',').map(|s| s.trim_start())
}

/// `~^([0-9a-z*+\-]+)(?:/([0-9a-z*+\-\.]+))?$~i`
fn regex_lite_media_type(mime: &str) -> bool {
    let main_ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'+' | b'-'))
    };
    match mime.split_once('/') {
        None => main_ok(mime),
        Some((main, sub)) => {
            main_ok(main)
                && !sub.is_empty()
                && sub
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'+' | b'-' | b'.'))
        }
    }
}

/// `RendererFactory::_getRendererClass`; the error is the accept list Magento names in its
/// 406 message.
pub fn negotiate(accept: Option<&str>) -> Result<Format, Vec<String>> {
    let types = accept_types(accept.unwrap_or(""));
    for accepted in &types {
        for (renderer, format) in RENDERERS {
            let family = renderer.split('/').next().unwrap_or("");
            if accepted == renderer || *accepted == format!("{family}/*") || accepted == "*/*" {
                return Ok(*format);
            }
        }
    }
    Err(types)
}

/// The path without leading and trailing slashes, or `None` when it has none to trim.
fn trimmed_path(path: &str) -> Option<String> {
    let inner = path.trim_matches('/');
    let normal = path.len() == inner.len() + 1 && path.starts_with('/');
    (!normal && path != "/").then(|| format!("/{inner}"))
}

fn rewrite_path(req: &mut ServiceRequest) {
    let Some(path) = trimmed_path(req.path()) else {
        return;
    };
    let path_and_query = match req.query_string() {
        "" => path,
        query => format!("{path}?{query}"),
    };
    let mut parts = req.head().uri.clone().into_parts();
    let Ok(pq) = PathAndQuery::try_from(path_and_query) else {
        return;
    };
    parts.path_and_query = Some(pq);
    if let Ok(uri) = Uri::from_parts(parts) {
        req.match_info_mut().get_mut().update(&uri);
        req.head_mut().uri = uri;
    }
}

fn is_rest(path: &str) -> bool {
    path == "/rest" || path.starts_with("/rest/")
}

/// Magento's answer when no renderer fits: the error processor's own JSON, 406.
fn not_acceptable(types: &[String]) -> HttpResponse {
    let first = types.first().map(String::as_str).unwrap_or("");
    let message = format!(
        "Server cannot match any of the given Accept HTTP header media type(s) from the request: \"{first}\" with media types from the config of response renderer."
    );
    json::respond(
        StatusCode::NOT_ACCEPTABLE,
        &json!({"messages": {"error": [{"code": 406, "message": message}]}}),
    )
}

/// The middleware (mounted on the whole app, so it runs before routing).
pub async fn rest_transport(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    rewrite_path(&mut req);
    if !is_rest(req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let accept = req
        .headers()
        .get(ACCEPT)
        .map(|v| v.to_str().unwrap_or("\u{0}").to_owned());
    let format = match negotiate(accept.as_deref()) {
        Ok(format) => format,
        Err(types) => return Ok(req.into_response(not_acceptable(&types))),
    };
    let method = req.method().clone();
    if ![Method::GET, Method::POST, Method::PUT, Method::DELETE].contains(&method) {
        let response = error_response(&AppError::MethodNotSupported(method.to_string()));
        let res = req.into_response(response);
        return finish(res, format, None).await;
    }
    let fields = match crate::http::query::parse_query(req.query_string()) {
        Ok(mut query) => query.remove("fields"),
        // A query string that cannot be read (nested too deeply) is refused before routing.
        Err(e) => {
            let res = req.into_response(error_response(&e));
            return finish(res, format, None).await;
        }
    };
    // Handlers and extractors answer their errors as responses; only a failing middleware
    // returns an error, which actix renders (in JSON) itself.
    let res = next.call(req).await?.map_into_boxed_body();
    if format == Format::Json && fields.is_none() {
        return Ok(res);
    }
    finish(res, format, fields.as_ref()).await
}

/// Re-renders a JSON response: `fields` on a 200, then XML when that was asked for.
async fn finish(
    res: ServiceResponse<BoxBody>,
    format: Format,
    fields: Option<&Value>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let is_json = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_json {
        return Ok(res);
    }
    let (request, response) = res.into_parts();
    let status = response.status();
    let (mut head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| ApiError(AppError::internal("response body unreadable")))?;
    let mut value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError(AppError::internal(format!(
            "response body is not JSON: {e}"
        )))
    })?;
    if status == StatusCode::OK && fields::applies(&value, fields) {
        match fields::filter(&value, fields.unwrap_or(&Value::Null)) {
            Ok(filtered) => value = filtered,
            Err(fields::ScalarItem) => {
                let error = AppError::internal("fields filter applied to a scalar item");
                let response = error_response(&error);
                return Box::pin(finish(
                    ServiceResponse::new(request, response),
                    format,
                    None,
                ))
                .await;
            }
        }
    }
    let (content_type, body) = match format {
        Format::Json => ("application/json; charset=utf-8", json::to_php_json(&value)),
        Format::Xml => (
            "application/xml; charset=utf-8",
            render::to_magento_xml(&value).into_bytes(),
        ),
    };
    head.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    head.headers_mut().remove(CONTENT_LENGTH);
    let response = head.set_body(BoxBody::new(body));
    Ok(ServiceResponse::new(request, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_pick_magentos_renderer() {
        assert_eq!(negotiate(None), Ok(Format::Json));
        assert_eq!(negotiate(Some("application/xml")), Ok(Format::Xml));
        assert_eq!(negotiate(Some("text/*")), Ok(Format::Xml));
        assert_eq!(negotiate(Some("application/*")), Ok(Format::Json));
        assert_eq!(
            negotiate(Some("application/json;q=0.5, text/xml")),
            Ok(Format::Xml)
        );
        assert_eq!(
            negotiate(Some(
                "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8"
            )),
            Ok(Format::Xml)
        );
        // Magento compares media types as written: case matters.
        assert_eq!(
            negotiate(Some("Application/JSON")),
            Err(vec!["Application/JSON".to_owned()])
        );
        assert_eq!(
            negotiate(Some("text/html")),
            Err(vec!["text/html".to_owned()])
        );
        assert_eq!(negotiate(Some("not a type")), Ok(Format::Json));
    }

    #[test]
    fn paths_lose_leading_and_trailing_slashes() {
        assert_eq!(
            trimmed_path("/rest/V1/customers/search/").as_deref(),
            Some("/rest/V1/customers/search")
        );
        assert_eq!(trimmed_path("//rest/V1/x//").as_deref(), Some("/rest/V1/x"));
        assert_eq!(trimmed_path("/rest/V1/x"), None);
        assert_eq!(trimmed_path("/"), None);
        assert_eq!(trimmed_path("//").as_deref(), Some("/"));
    }
}
