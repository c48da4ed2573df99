//! Who is on the other end: the client's IP and the per-client rate limits counted against it.

use actix_web::http::header::{AUTHORIZATION, HeaderMap};
use actix_web::{HttpMessage, HttpRequest};
use customer_core::error::AppError;
use customer_core::ratelimit::{ClientIp, Limit};
use customer_core::state::AppState;
use std::net::IpAddr;

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

/// The bare token of an `Authorization: Bearer <token>` header (`None` for any other scheme or
/// shape), for `auth::resolve_caller`.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(customer_core::auth::token::bearer_token)
}
