//! `POST /V1/customers` (sign-up, accounts::create_account) and e-mail availability.

use crate::http::ApiError;
use crate::http::client::rate_limit;
use crate::http::json;
use crate::rest::extract::{Calling, Store};
use crate::rest::extract::{RequestInput, request_website, required_strings};
use crate::rest::php::{to_string, top_level};
use crate::rest::wire::customer::{CustomerResponse, customer_param};
use actix_web::{HttpRequest, HttpResponse, web};
use customer_core::accounts::registration;
use customer_core::auth::Caller;
use customer_core::error::{AppError, Phrase};
use customer_core::ratelimit::Limit;
use customer_core::state::AppState;

/// `POST /V1/customers`
pub async fn create_customer(
    state: web::Data<AppState>,
    Calling(caller): Calling,
    Store(_store): Store,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    // Anonymous sign-up is limited per client; an admin or integration creating accounts is not.
    if matches!(caller, Caller::Guest | Caller::Customer(_)) {
        rate_limit(&req, &state, Limit::SignUp)?;
    }
    let input = body.0;
    let customer = customer_param(&input)?;
    let password = top_level(&input, "password")
        .map(|v| to_string(None, v))
        .transpose()?;
    // Only used in e-mails; still type-checked as Magento does.
    let redirect_url = top_level(&input, "redirectUrl")
        .map(|v| to_string(None, v))
        .transpose()?;
    // A migrated customer's stored hash; only an admin or integration may send it.
    let password_hash = top_level(&input, "passwordHash")
        .map(|v| to_string(None, v))
        .transpose()?;
    let customer = customer.ok_or_else(|| AppError::Input(Phrase::required("customer")))?;

    let account = registration::create_account(
        &state,
        &caller,
        customer,
        password,
        password_hash,
        redirect_url,
    )
    .await?;
    Ok(json::ok(&CustomerResponse::from_account(&account)))
}

/// `POST /V1/customers/isEmailAvailable` (AccountManagement::isEmailAvailable). Like Magento
/// by default, always `true`, so the call cannot be used to find out who has an account; with
/// `GUEST_CHECKOUT_LOGIN` on, `false` for an e-mail with an account in the website.
pub async fn is_email_available(
    state: web::Data<AppState>,
    Store(store): Store,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email] = required_strings(&input, ["customerEmail"])?;
    let website_id = request_website(&state, &store, &input)?;
    Ok(json::ok(
        &registration::is_email_available(&state, &email, website_id).await?,
    ))
}
