//! Account confirmation (`ACCOUNT_CONFIRMATION_REQUIRED`, Magento
//! `customer/create_account/confirm`). Keys are random and stored only as hashes. Better than
//! Magento, whose unconfirmed customers cannot confirm through the API at all (they cannot get
//! a token): `PUT /V1/customers/{email}/activate` works without a token when the key matches.

use crate::accounts::registration;
use crate::auth::{AuthenticatedCustomer, StoreContext};
use crate::error::AppError;
use crate::rest::extract::{RequestInput, path_param, required_strings};
use crate::rest::render as json;
use crate::rest::wire::customer::CustomerResponse;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};

/// `PUT /V1/customers/me/activate`
pub async fn activate_current_customer(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
    body: RequestInput,
) -> Result<HttpResponse, AppError> {
    let [key] = required_strings(&body.0, ["confirmationKey"])?;
    let account = registration::activate_own_account(&state, me.customer_id, key).await?;
    Ok(json::ok(&CustomerResponse::from_account(&account)))
}

/// `PUT /V1/customers/{email}/activate`: anonymous with the mailed key.
pub async fn activate_by_email(
    state: web::Data<AppState>,
    store: StoreContext,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, AppError> {
    let [key] = required_strings(&body.0, ["confirmationKey"])?;
    let website_id = store.account_website(&state.scopes);
    let email = path_param(&req, "email")?;
    let account = registration::activate_by_email(&state, website_id, &email, key).await?;
    Ok(json::ok(&CustomerResponse::from_account(&account)))
}
