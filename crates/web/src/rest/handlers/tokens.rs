//! Tokens: customer and admin sign-in (e-mail or username and password in, an opaque bearer
//! token out) and sign-out. Magento's order: input check,
//! per-username throttle, then authentication; every authentication failure gets the same 401
//! body in about the same time.

use crate::http::ApiError;
use crate::http::client::rate_limit;
use crate::http::json;
use crate::rest::extract::{Me, Store};
use crate::rest::extract::{RequestInput, required_strings};
use actix_web::{HttpRequest, HttpResponse, web};
use customer_core::accounts::sign_in;
use customer_core::ratelimit::Limit;
use customer_core::state::AppState;

/// `POST /V1/integration/customer/token`
pub async fn issue_customer_token(
    state: web::Data<AppState>,
    Store(store): Store,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    rate_limit(&req, &state, Limit::SignIn)?;
    let [username, password] = required_strings(&body.0, ["username", "password"])?;
    let website_id = store.account_website(&state.scopes);
    let token = sign_in::sign_in_customer(&state, website_id, username, password).await?;
    Ok(json::ok(&token))
}

/// `POST /V1/integration/admin/token`: an admin user's bearer token.
pub async fn issue_admin_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    rate_limit(&req, &state, Limit::SignIn)?;
    let [username, password] = required_strings(&body.0, ["username", "password"])?;
    let token = sign_in::sign_in_admin(&state, username, password).await?;
    Ok(json::ok(&token))
}

/// `POST /V1/integration/customer/revoke-customer-token`: signs out the token that makes the
/// call, and only it (Magento revokes every token of the customer; per-token sign-out is what
/// its users ask for). `DELETE /V1/customers/me/tokens` signs out everywhere.
pub async fn revoke_customer_token(
    state: web::Data<AppState>,
    Me(me): Me,
) -> Result<HttpResponse, ApiError> {
    sign_in::revoke_token(&state, me.token_id).await?;
    Ok(json::ok(&true))
}

/// `DELETE /V1/customers/me/tokens`: revokes every token of the customer, the caller's too.
pub async fn revoke_all_customer_tokens(
    state: web::Data<AppState>,
    Me(me): Me,
) -> Result<HttpResponse, ApiError> {
    sign_in::revoke_all_tokens(&state, me.customer_id).await?;
    Ok(json::ok(&true))
}
