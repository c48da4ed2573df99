//! Password reset (AccountManagement::initiatePasswordReset, validateResetPasswordLinkToken,
//! resetPassword). Reset keys are random, stored only as hashes, expire after
//! `RESET_TOKEN_LIFETIME_HOURS` (Magento's 2), work once, and a successful reset clears the
//! account lockout and revokes every token. Unless `GUEST_CHECKOUT_LOGIN` is on (Magento's
//! lookup behaviour), answers never reveal whether an e-mail has an account.

use super::body::{RequestInput, required_strings};
use crate::accounts;
use crate::auth::StoreContext;
use crate::db::customers::{self as queries};
use crate::db::{self};
use crate::error::{ApiError, Phrase};
use crate::input::to_int;
use crate::json;
use crate::startup::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

/// `PUT /V1/customers/password`: sends a reset link. Returns `false` when the mail could not
/// be sent.
pub async fn initiate_password_reset(
    state: web::Data<AppState>,
    store: StoreContext,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email, template] = required_strings(&input, ["email", "template"])?;
    let website_id = super::request_website(&state, &store, &input)?;
    // The peer address, not a forwarded header a client could forge.
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let sent = accounts::request_password_reset(&state, email, template, website_id, ip).await?;
    Ok(json::ok(&sent))
}

/// `GET /V1/customers/{customerId}/password/resetLinkToken/{resetPasswordLinkToken}`
pub async fn validate_reset_link(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let raw_id = super::path_param(&req, "customerId")?;
    let presented = super::path_param(&req, "resetPasswordLinkToken")?;
    let customer_id = to_int(None, &Value::String(raw_id))?;
    if customer_id == 0 {
        return Err(ApiError::Input(Phrase::invalid_field_value(
            "customerId",
            0,
        )));
    }
    let not_found = || ApiError::NotFound(Phrase::no_such_entity("customerId", customer_id));
    let id = i32::try_from(customer_id).map_err(|_| not_found())?;
    let customer = state
        .db
        .run(move |conn| Ok(queries::find(conn, id)?))
        .await?
        .ok_or_else(not_found)?;
    accounts::check_reset_key(
        &customer,
        &presented,
        db::now(),
        state.settings.reset_token_lifetime_hours,
    )?;
    Ok(json::ok(&true))
}

/// `POST /V1/customers/resetPassword`
pub async fn reset_password(
    state: web::Data<AppState>,
    store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email, reset_token, new_password] =
        required_strings(&input, ["email", "resetToken", "newPassword"])?;
    let website_id = super::request_website(&state, &store, &input)?;
    accounts::reset_password(&state, email, reset_token, new_password, website_id).await?;
    Ok(json::ok(&true))
}
