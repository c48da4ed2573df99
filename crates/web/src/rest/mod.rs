//! Front door 1, Magento's REST API: this file is the route table alone (plus the fallbacks);
//! `extract` reads bodies, path segments and the request context, `php` applies Magento's
//! PHP-style input rules, `render` writes Magento's JSON and error bodies, `wire` holds the
//! request and response shapes, and `handlers` one thin module per resource.

pub mod extract;
pub mod fields;
pub mod handlers;
pub mod php;
pub mod render;
pub mod transport;
pub mod wire;

use actix_web::{HttpResponse, web};
use customer_core::error::AppError;
use handlers::{
    back_office, confirmation, customers, directory, groups, health, me, metadata, password_reset,
    schema, stores, tokens,
};

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
        .route(
            "/customers/search",
            web::get().to(back_office::search_customers),
        )
        .route(
            "/customers/validate",
            web::put().to(back_office::validate_customer),
        )
        .route(
            "/customers/confirm",
            web::post().to(back_office::resend_confirmation),
        )
        .route(
            "/customers/addresses/{addressId}",
            web::get().to(back_office::get_address),
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
            web::get().to(back_office::get_customer),
        )
        .route(
            "/customers/{customerId}",
            web::put().to(back_office::save_customer),
        )
        .route(
            "/customers/{customerId}",
            web::delete().to(back_office::delete_customer),
        )
        .route(
            "/customers/{customerId}/billingAddress",
            web::get().to(back_office::billing_address),
        )
        .route(
            "/customers/{customerId}/shippingAddress",
            web::get().to(back_office::shipping_address),
        )
        .route(
            "/customers/{customerId}/confirm",
            web::get().to(back_office::confirmation_status),
        )
        .route(
            "/customers/{customerId}/permissions/readonly",
            web::get().to(back_office::is_readonly),
        )
        .route(
            "/addresses/{addressId}",
            web::delete().to(back_office::delete_address),
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
        .route("/customerGroups", web::post().to(groups::create_group))
        .route(
            "/customerGroups/search",
            web::get().to(groups::search_groups),
        )
        .route(
            "/customerGroups/default",
            web::get().to(groups::default_group),
        )
        .route(
            "/customerGroups/default/{storeId}",
            web::get().to(groups::default_group_of_store),
        )
        .route(
            "/customerGroups/default/{id}",
            web::put().to(groups::set_default_group),
        )
        .route(
            "/customerGroups/{id}/permissions",
            web::get().to(groups::is_readonly),
        )
        .route("/customerGroups/{id}", web::get().to(groups::get_group))
        .route("/customerGroups/{id}", web::put().to(groups::save_group))
        .route(
            "/customerGroups/{id}",
            web::delete().to(groups::delete_group),
        )
        .route(
            "/attributeMetadata/customer",
            web::get().to(metadata::all::<metadata::Customer>),
        )
        .route(
            "/attributeMetadata/customer/custom",
            web::get().to(metadata::custom::<metadata::Customer>),
        )
        .route(
            "/attributeMetadata/customer/attribute/{attributeCode}",
            web::get().to(metadata::attribute::<metadata::Customer>),
        )
        .route(
            "/attributeMetadata/customer/form/{formCode}",
            web::get().to(metadata::form::<metadata::Customer>),
        )
        .route(
            "/attributeMetadata/customerAddress",
            web::get().to(metadata::all::<metadata::Address>),
        )
        .route(
            "/attributeMetadata/customerAddress/custom",
            web::get().to(metadata::custom::<metadata::Address>),
        )
        .route(
            "/attributeMetadata/customerAddress/attribute/{attributeCode}",
            web::get().to(metadata::attribute::<metadata::Address>),
        )
        .route(
            "/attributeMetadata/customerAddress/form/{formCode}",
            web::get().to(metadata::form::<metadata::Address>),
        )
        .route("/store/websites", web::get().to(stores::websites))
        .route("/store/storeGroups", web::get().to(stores::store_groups))
        .route("/store/storeViews", web::get().to(stores::store_views))
        .route("/store/storeConfigs", web::get().to(stores::store_configs))
        .route("/directory/currency", web::get().to(directory::currency))
        .route("/directory/countries", web::get().to(directory::countries))
        .route(
            "/directory/countries/{countryId}",
            web::get().to(directory::country),
        );
}

/// What describes the service and the process, outside Magento's V1 routes: the API
/// description (as Magento serves it at `/rest/<store>/schema`, and as the YAML file), the
/// human page at `/docs`, the Prometheus metrics, and `/` pointing at `/docs`.
pub fn described(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(schema::home))
        .route("/docs", web::get().to(schema::docs))
        .route("/docs/redoc.standalone.js", web::get().to(schema::redoc_js))
        .route("/openapi.yaml", web::get().to(schema::openapi_yaml))
        .route(
            "/rest/{store_code}/schema",
            web::get().to(schema::openapi_json),
        )
        .route("/metrics", web::get().to(health::metrics));
}

/// Anything no route matched: 404 `Request does not match any route.` (methods Magento does
/// not serve were answered 405 by `transport` before routing).
pub async fn no_route() -> HttpResponse {
    crate::http::error::error_response(&AppError::NoRoute)
}
