//! What a REST handler takes from its request: the store view and caller (resolved once per
//! request by the `rest_context` middleware, then extracted by type, so a handler states its
//! access policy in its signature: `AuthenticatedCustomer` for Magento's `self`,
//! `Authorized<R>` for an ACL resource, `Caller` or nothing), path segments, and the body
//! (`RequestInput`), read the way Magento's REST request reads it
//! (Framework/Webapi/Rest/Request.php): an empty body is no input; otherwise the Content-Type
//! must be JSON in UTF-8 and the JSON must decode, each failure with Magento's message.

use crate::accounts::EntityId;
use crate::auth::acl::Resource;
use crate::auth::{
    AuthenticatedCustomer, Authorized, Caller, StoreContext, TokenRead, resolve_caller,
};
use crate::db::customers::Account;
use crate::error::{AppError, Phrase};
use crate::ratelimit::{ClientIp, Limit};
use crate::rest::php::to_int;
use crate::rest::php::{to_string, top_level};
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde_json::{Map, Value};
use std::future::{Ready, ready};
use std::net::IpAddr;
use std::sync::Arc;

/// Middleware on the REST scopes: resolves the store code and the caller, or answers 404 for
/// an unknown store code before anything else runs. Failures are answered here as responses
/// (not returned as errors), so the REST transport renders them like any other.
pub async fn rest_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match resolve_context(&req).await {
        Ok(()) => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body),
        Err(e) => Ok(req.into_response(actix_web::ResponseError::error_response(&e))),
    }
}

async fn resolve_context(req: &ServiceRequest) -> Result<(), AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("application state missing"))?;
    let store = StoreContext::resolve(&state.scopes, req.match_info().get("store_code"))
        .ok_or(AppError::NoRoute)?;
    let authorization = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let read = if renders_own_account(req) {
        TokenRead::WithAccount
    } else {
        TokenRead::Owner
    };
    let (caller, account) = resolve_caller(&state.db, authorization, read).await?;
    if let Some(account) = account {
        req.extensions_mut().insert(account);
    }
    req.extensions_mut().insert(store);
    req.extensions_mut().insert(caller);
    Ok(())
}

/// Whether the request is one of the reads that render the caller's own account (`GET /me`
/// and its default addresses): only those read the addresses with the token.
fn renders_own_account(req: &ServiceRequest) -> bool {
    req.method() == actix_web::http::Method::GET
        && [
            "/customers/me",
            "/customers/me/billingAddress",
            "/customers/me/shippingAddress",
        ]
        .iter()
        .any(|suffix| req.path().ends_with(suffix))
}

fn from_extensions<T: Clone + 'static>(req: &HttpRequest) -> Result<T, AppError> {
    req.extensions()
        .get::<T>()
        .cloned()
        .ok_or_else(|| AppError::internal("REST context missing: route outside the REST scope"))
}

impl FromRequest for StoreContext {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_extensions(req))
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_extensions(req))
    }
}

impl FromRequest for AuthenticatedCustomer {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready((|| {
            let store: StoreContext = from_extensions(req)?;
            let caller: Caller = from_extensions(req)?;
            let account = req.extensions().get::<Arc<Account>>().cloned();
            AuthenticatedCustomer::of(&caller, &store, account)
        })())
    }
}

impl<R: Resource> FromRequest for Authorized<R> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_extensions::<Caller>(req).and_then(Authorized::check))
    }
}

/// Counts this request against a per-client rate limit; over the limit it is refused with
/// 429 and `Retry-After`.
pub fn rate_limit(req: &HttpRequest, state: &AppState, limit: Limit) -> Result<(), AppError> {
    state.limits.check(limit, client_ip(req))
}

/// The client's IP, as `observe` found it for this request (`ratelimit::client_ip`: the TCP
/// peer, unless it is a trusted proxy; then the nearest forwarded hop that is not).
pub fn client_ip(req: &HttpRequest) -> Option<IpAddr> {
    req.extensions().get::<ClientIp>().and_then(|c| c.0)
}

/// A numeric path segment, converted as Magento converts `int` parameters (`abc` → 400).
/// Ids beyond the column's range cannot exist; they map to `None`.
pub fn path_id(req: &HttpRequest, name: &str) -> Result<EntityId, AppError> {
    let value = to_int(None, &Value::String(path_param(req, name)?))?;
    Ok(EntityId::new(value))
}

/// The decoded body: its top-level object (a scalar or list body gives no parameters, as
/// PHP's `(array)` cast of it names none of the service's parameters).
#[derive(Debug, Default)]
pub struct RequestInput(pub Map<String, Value>);

/// `Rest\Request::getContentType` (`~^([a-z\d/\-+.]+)(?:; *charset=(.+))?$~Ui`) then the
/// deserializer lookup, which compares the media type as written.
fn check_content_type(header: Option<&str>) -> Result<(), AppError> {
    let raw = match header.map(str::trim) {
        None | Some("") => {
            return Err(AppError::Input(Phrase::new(
                "Content-Type header is empty.",
            )));
        }
        Some(raw) => raw,
    };
    let invalid = || AppError::Input(Phrase::new("Content-Type header is invalid."));
    let media_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '+' | '.');
    let (media, charset) = match raw.split_once(';') {
        None => (raw, None),
        Some((media, rest)) => {
            let rest = rest.trim_start_matches(' ');
            let value = rest
                .get(..8)
                .filter(|k| k.eq_ignore_ascii_case("charset="))
                .map(|_| &rest[8..])
                .filter(|v| !v.is_empty())
                .ok_or_else(invalid)?;
            (media, Some(value))
        }
    };
    if media.is_empty() || !media.chars().all(media_char) {
        return Err(invalid());
    }
    if charset.is_some_and(|c| c.to_lowercase() != "utf-8") {
        return Err(AppError::Input(Phrase::new(
            "UTF-8 is the only supported charset.",
        )));
    }
    if media != "application/json" {
        // A `Webapi\Exception`: Magento renders its placeholder into the message. Magento
        // also reads XML bodies; this service reads JSON only (README, differences).
        return Err(AppError::Input(Phrase::new(format!(
            "Server cannot understand Content-Type HTTP header media type {media}"
        ))));
    }
    Ok(())
}

/// Reads a request body with the service's limits, for every front door: at most
/// `MAX_BODY_BYTES` (413 in Magento's body, checked against Content-Length before reading and
/// while reading), and within `BODY_TIMEOUT_SECONDS` (408), so a client that stops sending
/// cannot hold a connection and a worker's memory forever.
pub fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl std::future::Future<Output = Result<web::Bytes, AppError>> + 'static {
    let (limit, timeout) = req
        .app_data::<web::Data<AppState>>()
        .map_or((1024 * 1024, std::time::Duration::from_secs(30)), |s| {
            (s.settings.max_body_bytes, s.settings.body_timeout)
        });
    let declared_length = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    async move {
        if declared_length.is_some_and(|n| n > limit) {
            return Err(AppError::PayloadTooLarge(limit));
        }
        let read = async {
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| AppError::Input(Phrase::new("Decoding error.")))?;
                if body.len() + chunk.len() > limit {
                    return Err(AppError::PayloadTooLarge(limit));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body.freeze())
        };
        tokio::time::timeout(timeout, read)
            .await
            .map_err(|_| AppError::RequestTimeout)?
    }
}

impl FromRequest for RequestInput {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = req.headers().get(CONTENT_TYPE).map(|v| {
            v.to_str()
                .map(str::to_owned)
                .unwrap_or_else(|_| "\u{0}".into())
        });
        let body = read_body(req, payload);
        Box::pin(async move {
            let body = body.await?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Self::default());
            }
            check_content_type(content_type.as_deref())?;
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(map)) => Ok(Self(map)),
                Ok(_) => Ok(Self::default()),
                Err(_) => Err(AppError::Input(Phrase::new("Decoding error."))),
            }
        })
    }
}

/// Reads the required string parameters of a body; missing or empty ones are reported
/// together, as Magento's aggregate input error.
pub fn required_strings<const N: usize>(
    input: &serde_json::Map<String, Value>,
    names: [&str; N],
) -> Result<[String; N], AppError> {
    strings(input, names, true)
}

/// Like `required_strings`, but only absent (or null) parameters are missing: an empty string
/// reaches the service, which answers it with its own message (Magento's
/// `ServiceInputProcessor` checks presence, the service checks emptiness).
pub fn present_strings<const N: usize>(
    input: &serde_json::Map<String, Value>,
    names: [&str; N],
) -> Result<[String; N], AppError> {
    strings(input, names, false)
}

fn strings<const N: usize>(
    input: &serde_json::Map<String, Value>,
    names: [&str; N],
    empty_is_missing: bool,
) -> Result<[String; N], AppError> {
    let mut values: [String; N] = std::array::from_fn(|_| String::new());
    let mut missing = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let value = top_level(input, name)
            .map(|v| to_string(None, v))
            .transpose()?;
        if value.is_none() || (empty_is_missing && value.as_deref() == Some("")) {
            missing.push(Phrase::required(name));
        }
        values[i] = value.unwrap_or_default();
    }
    if missing.is_empty() {
        Ok(values)
    } else {
        Err(AppError::input_errors(missing))
    }
}

/// A named path segment (`{customerId}`), as the router decoded it. Handlers read segments by
/// name because the REST scopes carry their own `{store_code}` segment too.
pub fn path_param(req: &HttpRequest, name: &str) -> Result<String, AppError> {
    req.match_info()
        .get(name)
        .map(str::to_owned)
        .ok_or(AppError::NoRoute)
}

/// The website a call addresses: an explicit `websiteId`, else the store view's
/// (`/rest/all/`: the default website).
pub fn request_website(
    state: &AppState,
    store: &StoreContext,
    input: &serde_json::Map<String, Value>,
) -> Result<i32, AppError> {
    match top_level(input, "websiteId") {
        Some(v) => Ok(i32::try_from(to_int(None, v)?).unwrap_or(-1)),
        None => Ok(store.account_website(&state.scopes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(header: Option<&str>) -> String {
        match check_content_type(header).unwrap_err() {
            AppError::Input(p) => p.render(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn content_types_are_checked_like_magento() {
        assert!(check_content_type(Some("application/json")).is_ok());
        assert!(check_content_type(Some("application/json; charset=UTF-8")).is_ok());
        assert_eq!(message(None), "Content-Type header is empty.");
        assert_eq!(
            message(Some("application json")),
            "Content-Type header is invalid."
        );
        // `json` passes Magento's pattern; the deserializer lookup refuses it.
        assert_eq!(
            message(Some("json")),
            "Server cannot understand Content-Type HTTP header media type json"
        );
        assert_eq!(
            message(Some("application/json; charset=latin1")),
            "UTF-8 is the only supported charset."
        );
        assert_eq!(
            message(Some("text/plain")),
            "Server cannot understand Content-Type HTTP header media type text/plain"
        );
        assert!(check_content_type(Some("application/json;charset=utf-8")).is_ok());
        assert_eq!(
            message(Some("application/json; boundary=x")),
            "Content-Type header is invalid."
        );
        assert_eq!(
            message(Some("Application/JSON")),
            "Server cannot understand Content-Type HTTP header media type Application/JSON"
        );
    }
}
