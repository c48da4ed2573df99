//! Thin REST handlers, one module per resource: parse the request, call one `accounts`
//! function, render the answer.

pub mod back_office;
pub mod confirmation;
pub mod customers;
pub mod directory;
pub mod groups;
pub mod health;
pub mod me;
pub mod metadata;
pub mod password_reset;
pub mod schema;
pub mod stores;
pub mod tokens;

use crate::http::json;
use crate::rest::wire::customer::AddressResponse;
use actix_web::HttpResponse;
use customer_core::accounts::Account;

/// A customer's default billing or shipping address, or `[]` when there is none (Magento
/// renders a null return as `[]`).
pub fn default_address_response(account: &Account, billing: bool) -> HttpResponse {
    let customer = &account.customer;
    let default = if billing {
        customer.default_billing
    } else {
        customer.default_shipping
    };
    match account
        .addresses
        .iter()
        .find(|a| Some(a.entity_id) == default)
    {
        Some(a) => json::ok(&AddressResponse::from_row(a, customer)),
        None => json::ok(&Vec::<()>::new()),
    }
}
