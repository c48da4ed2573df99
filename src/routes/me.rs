//! The signed-in customer's own account (Magento ACL `self`): read, update, password change,
//! default addresses.

use super::body::{RequestInput, required_strings};
use crate::accounts;
use crate::auth::AuthenticatedCustomer;
use crate::db::customers::{self as queries};
use crate::db::{self};
use crate::domain::customer::CustomerInput;
use crate::error::{ApiError, Phrase};
use crate::input::{to_string, top_level};
use crate::json;
use crate::startup::AppState;
use crate::wire::customer::{CustomerResponse, customer_param};
use actix_web::{HttpResponse, web};

use accounts::no_such_customer;

/// `GET /V1/customers/me`
pub async fn get_current_customer(
    state: web::Data<AppState>,
    customer: AuthenticatedCustomer,
) -> Result<HttpResponse, ApiError> {
    // Read with the bearer token in this same request: no second round trip.
    if let Some(account) = &customer.account {
        return Ok(json::ok(&CustomerResponse::from_rows(
            &account.0, &account.1,
        )));
    }
    let id = customer.customer_id;
    let (row, addresses) = state
        .db
        .run(move |conn| Ok(queries::load(conn, id)?))
        .await?
        .ok_or_else(|| no_such_customer(id))?;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &addresses)))
}

/// `PUT /V1/customers/me`: Magento's CustomerRepository::save for the token's customer.
/// id, group, website and store come from the token's customer, whatever the body says.
/// `addresses` absent keeps them; present is the new full list. All or nothing.
pub async fn save_current_customer(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let customer = customer_param(&input)?;
    // Magento's save also takes a raw `passwordHash`; from a customer that would bypass the
    // password policy, so it is type-checked and ignored (PUT /V1/customers/me/password sets
    // passwords).
    top_level(&input, "passwordHash")
        .map(|v| to_string(None, v))
        .transpose()?;
    let customer: CustomerInput =
        customer.ok_or_else(|| ApiError::Input(Phrase::required("customer")))?;
    let attributes = customer.validate_attributes(db::now().date())?;

    let customer_id = me.customer_id;
    let now = db::now_seconds();
    let (row, addresses) = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                accounts::save_customer(conn, customer_id, &customer, &attributes, None, now)
            })
        })
        .await?;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &addresses)))
}

/// `PUT /V1/customers/me/password` (AccountManagement::changePasswordById). A wrong current
/// password counts towards the account lockout. Better than Magento: every other token of the
/// customer is revoked; the one making the call stays valid.
pub async fn change_password(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [current, new] = required_strings(&body.0, ["currentPassword", "newPassword"])?;
    accounts::change_password(&state, me.customer_id, Some(me.token_id), current, new).await?;
    Ok(json::ok(&true))
}

/// The signed-in customer's default address: from the account read with the bearer token in
/// this request (no second round trip), else loaded.
async fn default_address(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
    billing: bool,
) -> Result<HttpResponse, ApiError> {
    if let Some(account) = &me.account {
        return Ok(super::default_address_response(
            &account.0, &account.1, billing,
        ));
    }
    let id = me.customer_id;
    let (row, addresses) = state
        .db
        .run(move |conn| Ok(queries::load(conn, id)?))
        .await?
        .ok_or_else(|| no_such_customer(id))?;
    Ok(super::default_address_response(&row, &addresses, billing))
}

/// `GET /V1/customers/me/billingAddress`
pub async fn default_billing_address(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
) -> Result<HttpResponse, ApiError> {
    default_address(state, me, true).await
}

/// `GET /V1/customers/me/shippingAddress`
pub async fn default_shipping_address(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
) -> Result<HttpResponse, ApiError> {
    default_address(state, me, false).await
}
