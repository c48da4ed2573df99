//! HTTP handlers, one module per resource, and the REST route table.

pub mod admin;
pub mod body;
pub mod confirmation;
pub mod customers;
pub mod directory;
pub mod health;
pub mod me;
pub mod password_reset;
pub mod stores;
pub mod tokens;

use crate::auth::StoreContext;
use crate::error::ApiError;
use crate::input::{to_int, top_level};
use crate::startup::AppState;
use actix_web::{HttpRequest, HttpResponse, ResponseError, http::Method, web};
use serde_json::Value;

/// Magento's V1 routes, mounted under every REST prefix (`/rest/V1`, `/rest/<store>/V1`).
/// Exact paths are registered before parameterised ones, as Magento's router prefers them.
pub fn v1(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers", web::post().to(customers::create_customer))
        .route("/customers/me", web::get().to(me::get_current_customer))
        .route("/customers/me", web::put().to(me::save_current_customer))
        .route("/customers/me/password", web::put().to(me::change_password))
        .route(
            "/customers/me/billingAddress",
            web::get().to(me::default_billing_address),
        )
        .route(
            "/customers/me/shippingAddress",
            web::get().to(me::default_shipping_address),
        )
        .route(
            "/customers/me/activate",
            web::put().to(confirmation::activate_current_customer),
        )
        .route(
            "/customers/me/tokens",
            web::delete().to(tokens::revoke_all_customer_tokens),
        )
        .route(
            "/customers/isEmailAvailable",
            web::post().to(customers::is_email_available),
        )
        .route(
            "/customers/password",
            web::put().to(password_reset::initiate_password_reset),
        )
        .route(
            "/customers/resetPassword",
            web::post().to(password_reset::reset_password),
        )
        .route("/customers/search", web::get().to(admin::search_customers))
        .route(
            "/customers/validate",
            web::put().to(admin::validate_customer),
        )
        .route(
            "/customers/confirm",
            web::post().to(admin::resend_confirmation),
        )
        .route(
            "/customers/addresses/{addressId}",
            web::get().to(admin::get_address),
        )
        .route(
            "/customers/{customerId}/password/resetLinkToken/{resetPasswordLinkToken}",
            web::get().to(password_reset::validate_reset_link),
        )
        .route(
            "/customers/{email}/activate",
            web::put().to(confirmation::activate_by_email),
        )
        .route(
            "/customers/{customerId}",
            web::get().to(admin::get_customer),
        )
        .route(
            "/customers/{customerId}",
            web::put().to(admin::save_customer),
        )
        .route(
            "/customers/{customerId}",
            web::delete().to(admin::delete_customer),
        )
        .route(
            "/customers/{customerId}/billingAddress",
            web::get().to(admin::billing_address),
        )
        .route(
            "/customers/{customerId}/shippingAddress",
            web::get().to(admin::shipping_address),
        )
        .route(
            "/customers/{customerId}/confirm",
            web::get().to(admin::confirmation_status),
        )
        .route(
            "/customers/{customerId}/permissions/readonly",
            web::get().to(admin::is_readonly),
        )
        .route(
            "/addresses/{addressId}",
            web::delete().to(admin::delete_address),
        )
        .route(
            "/integration/customer/token",
            web::post().to(tokens::issue_customer_token),
        )
        .route(
            "/integration/admin/token",
            web::post().to(tokens::issue_admin_token),
        )
        .route(
            "/integration/customer/revoke-customer-token",
            web::post().to(tokens::revoke_customer_token),
        )
        .route("/store/websites", web::get().to(stores::websites))
        .route("/store/storeGroups", web::get().to(stores::store_groups))
        .route("/store/storeViews", web::get().to(stores::store_views))
        .route("/store/storeConfigs", web::get().to(stores::store_configs))
        .route("/directory/countries", web::get().to(directory::countries))
        .route(
            "/directory/countries/{countryId}",
            web::get().to(directory::country),
        );
}

/// A customer's default billing or shipping address, or `[]` when there is none (Magento
/// renders a null return as `[]`).
pub fn default_address_response(
    customer: &crate::db::customers::CustomerRow,
    addresses: &[crate::db::customers::AddressRow],
    billing: bool,
) -> actix_web::HttpResponse {
    let default = if billing {
        customer.default_billing
    } else {
        customer.default_shipping
    };
    match addresses.iter().find(|a| Some(a.entity_id) == default) {
        Some(a) => crate::json::ok(&crate::wire::customer::AddressResponse::from_row(
            a, customer,
        )),
        None => crate::json::ok(&Vec::<()>::new()),
    }
}

/// A named path segment (`{customerId}`), as the router decoded it. Handlers read segments by
/// name because the REST scopes carry their own `{store_code}` segment too.
pub fn path_param(req: &HttpRequest, name: &str) -> Result<String, ApiError> {
    req.match_info()
        .get(name)
        .map(str::to_owned)
        .ok_or(ApiError::NoRoute)
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

/// The website a call addresses: an explicit `websiteId`, else the store view's
/// (`/rest/all/`: the default website).
pub fn request_website(
    state: &AppState,
    store: &StoreContext,
    input: &serde_json::Map<String, Value>,
) -> Result<i32, ApiError> {
    match top_level(input, "websiteId") {
        Some(v) => Ok(i32::try_from(to_int(None, v)?).unwrap_or(-1)),
        None => Ok(store.account_website(&state.scopes)),
    }
}
