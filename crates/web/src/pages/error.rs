//! Why a page could not be served, rendered as an HTML page (never JSON or plain text), and the
//! headers every page carries.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use customer_core::error::AppError;

/// Content type, no caching, no framing, no referrer, a strict content security policy.
pub(super) fn with_page_headers(
    mut builder: actix_web::HttpResponseBuilder,
) -> actix_web::HttpResponseBuilder {
    builder
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ));
    builder
}

/// Why a page could not be served: rendered as an HTML page, never as JSON or plain text.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("page not found")]
    NotFound,
    #[error("invalid form key")]
    Forbidden,
    /// A page for signed-in customers, visited without a session: to the sign-in page.
    #[error("not signed in")]
    SignInFirst {
        login: String,
        cookies: Vec<HeaderValue>,
    },
    #[error(transparent)]
    App(#[from] AppError),
}

impl PageError {
    pub fn internal(cause: impl Into<customer_core::error::Cause>) -> Self {
        Self::App(AppError::internal(cause))
    }
}

/// The bare error page (no visit: the store or the database may be what failed).
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    heading: &'a str,
    text: &'a str,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::SignInFirst { .. } => StatusCode::SEE_OTHER,
            Self::App(AppError::NotFound(_) | AppError::NoRoute) => StatusCode::NOT_FOUND,
            Self::App(AppError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Self::App(AppError::TooManyRequests { .. }) => StatusCode::TOO_MANY_REQUESTS,
            Self::App(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (heading, text) = match self {
            Self::SignInFirst { login, cookies } => {
                let mut resp = HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, login.as_str()))
                    .insert_header((header::CACHE_CONTROL, "no-store"))
                    .finish();
                for c in cookies {
                    resp.headers_mut().append(header::SET_COOKIE, c.clone());
                }
                return resp;
            }
            Self::NotFound | Self::App(AppError::NotFound(_) | AppError::NoRoute) => (
                "Whoops, our bad...",
                "The page you requested was not found.",
            ),
            Self::Forbidden => (
                "Invalid Form Key",
                "Invalid Form Key. Please refresh the page.",
            ),
            // Magento's frontend backpressure answer (Backpressure\\...\\RequestValidator).
            Self::App(AppError::TooManyRequests { .. }) => {
                ("Too Many Requests", "Too Many Requests")
            }
            Self::App(e) => {
                tracing::error!("page failed: {}", e.cause_chain());
                (
                    "Something went wrong",
                    "We can't process your request right now. Please try again later.",
                )
            }
        };
        let body = ErrorPage { heading, text }
            .render()
            .unwrap_or_else(|_| text.to_owned());
        let mut response = with_page_headers(HttpResponse::build(self.status_code())).body(body);
        if let Self::App(AppError::TooManyRequests { retry_after }) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        response
    }
}
