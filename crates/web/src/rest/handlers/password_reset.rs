//! Password reset (AccountManagement::initiatePasswordReset, validateResetPasswordLinkToken,
//! resetPassword). Reset keys are random, stored only as hashes, expire after
//! `RESET_TOKEN_LIFETIME_HOURS` (Magento's 2), work once, and a successful reset clears the
//! account lockout and revokes every token. Unless `GUEST_CHECKOUT_LOGIN` is on (Magento's
//! lookup behaviour), answers never reveal whether an e-mail has an account.

use crate::http::ApiError;
use crate::http::client::{client_ip, rate_limit};
use crate::http::json;
use crate::rest::extract::Store;
use crate::rest::extract::{
    RequestInput, path_param, present_strings, request_website, required_strings,
};
use crate::rest::php::to_int;
use actix_web::{HttpRequest, HttpResponse, web};
use customer_core::accounts::password;
use customer_core::ratelimit::Limit;
use customer_core::state::AppState;
use serde_json::Value;

/// `PUT /V1/customers/password`: sends a reset link. Returns `false` when the mail could not
/// be sent.
pub async fn initiate_password_reset(
    state: web::Data<AppState>,
    Store(store): Store,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    rate_limit(&req, &state, Limit::PasswordReset)?;
    let input = body.0;
    let [email, template] = required_strings(&input, ["email", "template"])?;
    let website_id = request_website(&state, &store, &input)?;
    // The peer address, not a forwarded header a client could forge.
    let ip = client_ip(&req).map(|ip| ip.to_string()).unwrap_or_default();
    let sent = password::request_password_reset(&state, email, template, website_id, ip).await?;
    Ok(json::ok(&sent))
}

/// `GET /V1/customers/{customerId}/password/resetLinkToken/{resetPasswordLinkToken}`
pub async fn validate_reset_link(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let raw_id = path_param(&req, "customerId")?;
    let presented = path_param(&req, "resetPasswordLinkToken")?;
    let customer_id = to_int(None, &Value::String(raw_id))?;
    password::validate_reset_link(&state, customer_id, presented).await?;
    Ok(json::ok(&true))
}

/// `POST /V1/customers/resetPassword`
pub async fn reset_password(
    state: web::Data<AppState>,
    Store(store): Store,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email, reset_token, new_password] =
        present_strings(&input, ["email", "resetToken", "newPassword"])?;
    let website_id = request_website(&state, &store, &input)?;
    password::reset_password(&state, email, reset_token, new_password, website_id).await?;
    Ok(json::ok(&true))
}
