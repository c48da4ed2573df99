//! What every HTTP request leaves behind, whichever front door served it: a request id (taken
//! from `X-Request-Id` or `traceparent`, else made) echoed in the response and carried by the
//! request's span onto every log line it causes; one access line; the request counter and
//! latency histogram by route template (never the raw path, which may hold ids or a reset
//! token) and status.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use customer_core::ratelimit::ClientIp;
use customer_core::state::AppState;
use customer_core::telemetry::{HTTP_DURATION, HTTP_REQUESTS};
use std::net::IpAddr;
use std::time::Instant;
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request's id, in its extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// An id a client may choose: short, and nothing a log reader could mistake for structure.
fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The trace id of a W3C `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`), unless all zeros.
fn trace_id(traceparent: &str) -> Option<&str> {
    let mut parts = traceparent.trim().split('-');
    let (_version, trace) = (parts.next()?, parts.next()?);
    let valid = trace.len() == 32
        && trace.bytes().all(|b| b.is_ascii_hexdigit())
        && trace.bytes().any(|b| b != b'0');
    valid.then_some(trace)
}

fn request_id_of(req: &ServiceRequest) -> String {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(id) = header(REQUEST_ID_HEADER)
        .map(str::trim)
        .filter(|v| acceptable(v))
    {
        return id.to_owned();
    }
    if let Some(trace) = header("traceparent").and_then(trace_id) {
        return trace.to_ascii_lowercase();
    }
    uuid::Uuid::new_v4().simple().to_string()
}

/// Hides the secret part of paths that carry one (password-reset links) in the access log.
pub fn loggable_path(path: &str) -> String {
    let mut redact_next = false;
    path.split('/')
        .map(|segment| {
            let shown = if redact_next { "***" } else { segment };
            redact_next = segment == "resetLinkToken";
            shown
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The root span of a request (for `tracing_actix_web::TracingLogger`): its id, method, route
/// template and the peer address. Events inside the request (audit lines included) carry them.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let id = request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        let client = request
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            request_id = %id,
            method = %request.method(),
            route = %route,
            client = %client
        )
    }

    fn on_request_end<B: MessageBody>(_span: Span, _outcome: &Result<ServiceResponse<B>, Error>) {
        // The access line is written by `observe`, which also sees responses built from errors.
    }
}

/// The client's IP (`ratelimit::client_ip`): the TCP peer, unless it is a trusted proxy; then
/// the nearest hop of `X-Forwarded-For` / `Forwarded` that is not itself trusted.
fn client_ip_of(req: &ServiceRequest, trusted: &[ipnet::IpNet]) -> Option<IpAddr> {
    let header = |name| {
        req.headers()
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",")
    };
    let peer = req.peer_addr()?.ip();
    Some(customer_core::ratelimit::client_ip(
        peer,
        &header("x-forwarded-for"),
        &header("forwarded"),
        trusted,
    ))
}

/// Outermost middleware: assigns the request id, then writes the access line, the metrics
/// and the `X-Request-Id` (and `X-Served-By`) response headers.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = request_id_of(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let started = Instant::now();
    let method = req.method().to_string();
    let path = loggable_path(req.path());
    let state = req.app_data::<web::Data<AppState>>();
    let client_ip = client_ip_of(&req, state.map_or(&[][..], |s| &s.settings.trusted_proxies));
    req.extensions_mut().insert(ClientIp(client_ip));
    let client = client_ip.map(|ip| ip.to_string()).unwrap_or_default();
    let served_by = state
        .and_then(|s| s.settings.served_by.clone())
        .filter(|s| !s.is_empty());
    let outcome = next.call(req).await;
    let (status, route) = match &outcome {
        Ok(res) => (
            res.status().as_u16(),
            res.request()
                .match_pattern()
                .unwrap_or_else(|| "unmatched".into()),
        ),
        // A middleware's error, turned into a response by actix after this one returns.
        Err(e) => (
            e.as_response_error().status_code().as_u16(),
            "unmatched".into(),
        ),
    };
    let elapsed = started.elapsed();
    let labels = [
        ("method", method.clone()),
        ("route", route),
        ("status", status.to_string()),
    ];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_DURATION, &labels).record(elapsed.as_secs_f64());
    // Method and path only: no query string, no headers, so no token or password reaches
    // the log.
    tracing::info!(
        target: "access",
        request_id = %id,
        client = %client,
        "{method} {path} {status} {:.1}ms",
        elapsed.as_secs_f64() * 1000.0
    );
    let mut res = outcome?.map_into_boxed_body();
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    if let Some(value) = served_by.and_then(|s| HeaderValue::from_str(&s).ok()) {
        headers.insert(HeaderName::from_static("x-served-by"), value);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_tokens_are_hidden_from_the_access_log() {
        assert_eq!(
            loggable_path("/rest/V1/customers/5/password/resetLinkToken/abc123"),
            "/rest/V1/customers/5/password/resetLinkToken/***"
        );
        assert_eq!(
            loggable_path("/rest/V1/customers/me"),
            "/rest/V1/customers/me"
        );
    }

    #[test]
    fn request_ids_from_clients_are_bounded_and_plain() {
        assert!(acceptable("abc-123_x.y:z"));
        assert!(!acceptable(""));
        assert!(!acceptable("a b"));
        assert!(!acceptable("a\nb"));
        assert!(!acceptable(&"a".repeat(129)));
        assert_eq!(
            trace_id("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        assert_eq!(
            trace_id("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
            None
        );
        assert_eq!(trace_id("garbage"), None);
    }
}
