//! Password reset (AccountManagement::initiatePasswordReset, validateResetPasswordLinkToken,
//! resetPassword). Reset keys are random, stored only as hashes, expire after
//! `RESET_TOKEN_LIFETIME_HOURS` (Magento's 2), work once, and a successful reset clears the
//! account lockout and revokes every token. Unless `GUEST_CHECKOUT_LOGIN` is on (Magento's
//! lookup behaviour), answers never reveal whether an e-mail has an account.

use crate::accounts::password;
use crate::auth::StoreContext;
use crate::error::AppError;
use crate::ratelimit::Limit;
use crate::rest::extract::{
    RequestInput, client_ip, path_param, present_strings, rate_limit, request_website,
    required_strings,
};
use crate::rest::php::to_int;
use crate::rest::render as json;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

/// `PUT /V1/customers/password`: sends a reset link. Returns `false` when the mail could not
/// be sent.
pub async fn initiate_password_reset(
    state: web::Data<AppState>,
    store: StoreContext,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, AppError> {
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
) -> Result<HttpResponse, AppError> {
    let raw_id = path_param(&req, "customerId")?;
    let presented = path_param(&req, "resetPasswordLinkToken")?;
    let customer_id = to_int(None, &Value::String(raw_id))?;
    password::validate_reset_link(&state, customer_id, presented).await?;
    Ok(json::ok(&true))
}

/// `POST /V1/customers/resetPassword`
pub async fn reset_password(
    state: web::Data<AppState>,
    store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, AppError> {
    let input = body.0;
    let [email, reset_token, new_password] =
        present_strings(&input, ["email", "resetToken", "newPassword"])?;
    let website_id = request_website(&state, &store, &input)?;
    password::reset_password(&state, email, reset_token, new_password, website_id).await?;
    Ok(json::ok(&true))
}
