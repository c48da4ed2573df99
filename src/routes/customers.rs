//! `POST /V1/customers` (sign-up, accounts::create_account) and e-mail availability.

use super::body::{RequestInput, required_strings};
use crate::accounts;
use crate::auth::{Caller, StoreContext};
use crate::error::{ApiError, Phrase};
use crate::input::{to_string, top_level};
use crate::json;
use crate::startup::AppState;
use crate::wire::customer::{CustomerResponse, customer_param};
use actix_web::{HttpResponse, web};

/// `POST /V1/customers`
pub async fn create_customer(
    state: web::Data<AppState>,
    caller: Caller,
    _store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let customer = customer_param(&input)?;
    let password = top_level(&input, "password")
        .map(|v| to_string(None, v))
        .transpose()?;
    // Only used in e-mails; still type-checked as Magento does.
    let redirect_url = top_level(&input, "redirectUrl")
        .map(|v| to_string(None, v))
        .transpose()?;
    let customer = customer.ok_or_else(|| ApiError::Input(Phrase::required("customer")))?;

    let (row, address_rows) =
        accounts::create_account(&state, &caller, customer, password, redirect_url).await?;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &address_rows)))
}

/// `POST /V1/customers/isEmailAvailable` (AccountManagement::isEmailAvailable). Like Magento
/// by default, always `true`, so the call cannot be used to find out who has an account; with
/// `GUEST_CHECKOUT_LOGIN` on, `false` for an e-mail with an account in the website.
pub async fn is_email_available(
    state: web::Data<AppState>,
    store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email] = required_strings(&input, ["customerEmail"])?;
    let website_id = super::request_website(&state, &store, &input)?;
    Ok(json::ok(
        &accounts::is_email_available(&state, &email, website_id).await?,
    ))
}
