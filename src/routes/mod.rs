//! HTTP handlers, one module per resource, and the REST route table.

pub mod body;
pub mod customers;
pub mod health;
pub mod me;
pub mod tokens;

use crate::error::ApiError;
use actix_web::{HttpRequest, HttpResponse, ResponseError, http::Method, web};

/// Magento's V1 routes, mounted under every REST prefix (`/rest/V1`, `/rest/<store>/V1`).
/// Exact paths are registered before parameterised ones, as Magento's router prefers them.
pub fn v1(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers", web::post().to(customers::create_customer))
        .route("/customers/me", web::get().to(me::get_current_customer))
        .route(
            "/integration/customer/token",
            web::post().to(tokens::issue_customer_token),
        );
}

/// Anything no route matched: Magento answers 400 for methods it does not serve and 404
/// `Request does not match any route.` otherwise.
pub async fn no_route(req: HttpRequest) -> HttpResponse {
    match *req.method() {
        Method::GET | Method::POST | Method::PUT | Method::DELETE => ApiError::NoRoute,
        _ => ApiError::InvalidMethod,
    }
    .error_response()
}
