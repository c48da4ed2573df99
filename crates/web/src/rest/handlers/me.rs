//! The signed-in customer's own account (Magento ACL `self`): read, update, password change,
//! default addresses.

use crate::http::ApiError;
use crate::http::json;
use crate::rest::extract::{Me, OwnAccount};
use crate::rest::extract::{RequestInput, required_strings};
use crate::rest::php::{to_string, top_level};
use crate::rest::wire::customer::{CustomerResponse, customer_param};
use actix_web::{HttpResponse, web};
use customer_core::accounts;
use customer_core::accounts::profile::OwnProfileChange;
use customer_core::error::{AppError, Phrase};
use customer_core::state::AppState;

/// `GET /V1/customers/me`
pub async fn get_current_customer(
    state: web::Data<AppState>,
    OwnAccount(me): OwnAccount,
) -> Result<HttpResponse, ApiError> {
    let account = accounts::own_account(&state, &me).await?;
    Ok(json::ok(&CustomerResponse::from_account(&account)))
}

/// `PUT /V1/customers/me`: Magento's CustomerRepository::save for the token's customer.
/// id, group, website and store come from the token's customer, whatever the body says.
/// `addresses` absent keeps them; present is the new full list. All or nothing.
pub async fn save_current_customer(
    state: web::Data<AppState>,
    Me(me): Me,
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
    let customer = customer.ok_or_else(|| AppError::Input(Phrase::required("customer")))?;
    let account = accounts::profile::update_own_profile(
        &state,
        me.customer_id,
        OwnProfileChange::Replace(customer),
    )
    .await?;
    Ok(json::ok(&CustomerResponse::from_account(&account)))
}

/// `PUT /V1/customers/me/password` (AccountManagement::changePasswordById). A wrong current
/// password counts towards the account lockout. Better than Magento: every other token of the
/// customer is revoked; the one making the call stays valid.
pub async fn change_password(
    state: web::Data<AppState>,
    Me(me): Me,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [current, new] = required_strings(&body.0, ["currentPassword", "newPassword"])?;
    accounts::password::change_password(&state, me.customer_id, Some(me.token_id), current, new)
        .await?;
    Ok(json::ok(&true))
}

/// `GET /V1/customers/me/billingAddress`
pub async fn default_billing_address(
    state: web::Data<AppState>,
    OwnAccount(me): OwnAccount,
) -> Result<HttpResponse, ApiError> {
    let account = accounts::own_account(&state, &me).await?;
    Ok(super::default_address_response(&account, true))
}

/// `GET /V1/customers/me/shippingAddress`
pub async fn default_shipping_address(
    state: web::Data<AppState>,
    OwnAccount(me): OwnAccount,
) -> Result<HttpResponse, ApiError> {
    let account = accounts::own_account(&state, &me).await?;
    Ok(super::default_address_response(&account, false))
}
