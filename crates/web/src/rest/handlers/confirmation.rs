//! Account confirmation (`ACCOUNT_CONFIRMATION_REQUIRED`, Magento
//! `customer/create_account/confirm`). Keys are random and stored only as hashes. Better than
//! Magento, whose unconfirmed customers cannot confirm through the API at all (they cannot get
//! a token): `PUT /V1/customers/{email}/activate` works without a token when the key matches.

use crate::http::ApiError;
use crate::http::json;
use crate::rest::extract::{Me, Store};
use crate::rest::extract::{RequestInput, path_param, required_strings};
use crate::rest::wire::customer::CustomerResponse;
use actix_web::{HttpRequest, HttpResponse, web};
use customer_core::accounts::registration;
use customer_core::state::AppState;

/// `PUT /V1/customers/me/activate`
pub async fn activate_current_customer(
    state: web::Data<AppState>,
    Me(me): Me,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [key] = required_strings(&body.0, ["confirmationKey"])?;
    let account = registration::activate_own_account(&state, me.customer_id, key).await?;
    Ok(json::ok(&CustomerResponse::from_account(&account)))
}

/// `PUT /V1/customers/{email}/activate`: anonymous with the mailed key.
pub async fn activate_by_email(
    state: web::Data<AppState>,
    Store(store): Store,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [key] = required_strings(&body.0, ["confirmationKey"])?;
    let website_id = store.account_website(&state.scopes);
    let email = path_param(&req, "email")?;
    let account = registration::activate_by_email(&state, website_id, &email, key).await?;
    Ok(json::ok(&CustomerResponse::from_account(&account)))
}
