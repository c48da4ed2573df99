//! What a REST handler takes from its request: the store view (resolved by the `rest_context`
//! middleware) and the caller (resolved once, by the first extractor that needs it), extracted
//! by type so a handler states its access policy in its signature: `Me` for Magento's `self`,
//! `OwnAccount` for `self` with the account read by the token's query, `Acl<R>` for an ACL
//! resource, `Calling` or nothing), path segments, and the body
//! (`RequestInput`), read the way Magento's REST request reads it
//! (Framework/Webapi/Rest/Request.php): an empty body is no input; otherwise the Content-Type
//! must be JSON in UTF-8 and the JSON must decode, each failure with Magento's message.

use crate::http::ApiError;
use crate::http::body::read_body;
use crate::http::client::bearer_token;
use crate::http::error::error_response;
use crate::rest::php::{to_int, to_string, top_level};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use customer_core::accounts::Account;
use customer_core::accounts::EntityId;
use customer_core::auth::acl::Resource;
use customer_core::auth::{
    AuthenticatedCustomer, Authorized, Caller, StoreContext, TokenRead, resolve_caller,
};
use customer_core::error::{AppError, Phrase};
use customer_core::state::AppState;
use futures_util::future::LocalBoxFuture;
use serde_json::{Map, Value};
use std::future::{Ready, ready};
use std::sync::Arc;

/// Middleware on the REST scopes: resolves the store code, or answers 404 for an unknown store
/// code before anything else runs (answered here as a response, not returned as an error, so
/// the REST transport renders it like any other). The caller is resolved later, once, by the
/// first extractor that needs it: `OwnAccount` reads the account with the token, the others
/// read only the token's owner.
pub async fn rest_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let store = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state missing"))
        .and_then(|state| {
            StoreContext::resolve(&state.scopes, req.match_info().get("store_code"))
                .ok_or(AppError::NoRoute)
        });
    match store {
        Ok(store) => {
            req.extensions_mut().insert(store);
            next.call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body)
        }
        Err(e) => Ok(req.into_response(error_response(&e))),
    }
}

/// The request's caller, resolved on first use and kept in the request's extensions.
#[derive(Clone)]
struct Resolved {
    caller: Caller,
    account: Option<Arc<Account>>,
}

async fn caller_of(req: &HttpRequest, read: TokenRead) -> Result<Resolved, AppError> {
    let cached = req.extensions().get::<Resolved>().cloned();
    if let Some(done) = cached {
        // An earlier extractor read only the owner; a customer's account is read now.
        let wants_account = read == TokenRead::WithAccount
            && done.account.is_none()
            && matches!(done.caller, Caller::Customer(_));
        if !wants_account {
            return Ok(done);
        }
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state missing"))?;
    let (caller, account) = resolve_caller(&state.db, bearer_token(req.headers()), read).await?;
    let done = Resolved { caller, account };
    req.extensions_mut().insert(done.clone());
    Ok(done)
}

fn from_extensions<T: Clone + 'static>(req: &HttpRequest) -> Result<T, AppError> {
    req.extensions()
        .get::<T>()
        .cloned()
        .ok_or_else(|| AppError::internal("REST context missing: route outside the REST scope"))
}

// The core's types cannot implement actix-web's traits here (the orphan rule), and the core
// names no web framework: each extractor is a web-side wrapper, destructured in a handler's
// signature (`Store(store): Store`).

/// The store view the request's path names.
pub struct Store(pub StoreContext);

/// Whoever the request's token names (a guest without one).
pub struct Calling(pub Caller);

/// Magento's `self` access: a customer token for this store view's website.
pub struct Me(pub AuthenticatedCustomer);

/// Magento's ACL access: an admin or integration token granted resource `R`.
pub struct Acl<R: Resource>(pub Authorized<R>);

impl FromRequest for Store {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_extensions(req).map(Self).map_err(ApiError))
    }
}

impl FromRequest for Calling {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let done = caller_of(&req, TokenRead::Owner).await?;
            Ok(Self(done.caller))
        })
    }
}

/// The signed-in customer with their account read by the same query as the token: for the
/// routes that render the caller's own account (`GET /me`, its default addresses).
pub struct OwnAccount(pub AuthenticatedCustomer);

async fn me_of(req: &HttpRequest, read: TokenRead) -> Result<AuthenticatedCustomer, AppError> {
    let store: StoreContext = from_extensions(req)?;
    let done = caller_of(req, read).await?;
    AuthenticatedCustomer::of(&done.caller, &store, done.account)
}

impl FromRequest for Me {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Self(me_of(&req, TokenRead::Owner).await?)) })
    }
}

impl FromRequest for OwnAccount {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Self(me_of(&req, TokenRead::WithAccount).await?)) })
    }
}

impl<R: Resource> FromRequest for Acl<R> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let done = caller_of(&req, TokenRead::Owner).await?;
            Ok(Self(Authorized::check(done.caller)?))
        })
    }
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

impl FromRequest for RequestInput {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = req.headers().get(CONTENT_TYPE).map(|v| {
            v.to_str()
                .map(str::to_owned)
                .unwrap_or_else(|_| "\u{0}".into())
        });
        let body = read_body(req, payload);
        Box::pin(async move {
            let body = body.await?;
            Self::decode(content_type.as_deref(), &body).map_err(ApiError)
        })
    }
}

impl RequestInput {
    /// An empty body is no input; otherwise the Content-Type must be JSON in UTF-8 and the
    /// JSON must decode.
    fn decode(content_type: Option<&str>, body: &[u8]) -> Result<Self, AppError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        check_content_type(content_type)?;
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Ok(Self::default()),
            Err(_) => Err(AppError::Input(Phrase::new("Decoding error."))),
        }
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
