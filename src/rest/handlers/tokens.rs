//! Tokens: customer and admin sign-in (e-mail or username and password in, an opaque bearer
//! token out) and sign-out. Magento's order (contract §7.1, §7.4, §7.5): input check,
//! per-username throttle, then authentication; every authentication failure gets the same 401
//! body in about the same time.

use crate::accounts::sign_in;
use crate::auth::{AuthenticatedCustomer, StoreContext};
use crate::error::AppError;
use crate::ratelimit::Limit;
use crate::rest::extract::{RequestInput, rate_limit, required_strings};
use crate::rest::render as json;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};

/// `POST /V1/integration/customer/token`
pub async fn issue_customer_token(
    state: web::Data<AppState>,
    store: StoreContext,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, AppError> {
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
) -> Result<HttpResponse, AppError> {
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
    me: AuthenticatedCustomer,
) -> Result<HttpResponse, AppError> {
    sign_in::revoke_token(&state, me.token_id).await?;
    Ok(json::ok(&true))
}

/// `DELETE /V1/customers/me/tokens`: revokes every token of the customer, the caller's too.
pub async fn revoke_all_customer_tokens(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
) -> Result<HttpResponse, AppError> {
    sign_in::revoke_all_tokens(&state, me.customer_id).await?;
    Ok(json::ok(&true))
}
