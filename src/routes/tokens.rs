//! `POST /V1/integration/customer/token`: e-mail and password in, an opaque bearer token out.
//! Magento's order (contract §7.1, §7.4, §7.5): input check, per-username throttle, then
//! authentication; every authentication failure gets the same 401 body in about the same time.

use super::body::{RequestInput, required_strings};
use crate::accounts;
use crate::auth::{AuthenticatedCustomer, StoreContext, token};
use crate::db::{self, back_office, tokens as token_queries};
use crate::error::ApiError;
use crate::json;
use crate::startup::AppState;
use actix_web::{HttpResponse, web};

/// `POST /V1/integration/customer/token`
pub async fn issue_customer_token(
    state: web::Data<AppState>,
    store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [username, password] = required_strings(&body.0, ["username", "password"])?;

    let website_id = store.account_website(&state.scopes);
    let token = accounts::sign_in_customer(&state, website_id, username, password).await?;
    Ok(json::ok(&token))
}

/// `POST /V1/integration/admin/token`: an admin user's bearer token (4 hours by default).
/// Same throttling and same single 401 body as the customer endpoint. Magento 2.4 with its
/// default two-factor module answers valid credentials here with a 2FA instruction; this service
/// has no 2FA step (see openapi.yaml).
pub async fn issue_admin_token(
    state: web::Data<AppState>,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [username, password] = required_strings(&body.0, ["username", "password"])?;
    let settings = state.settings.clone();
    let now = db::now();
    let lookup_name = username.clone();
    let (throttled, admin) = state
        .db
        .run(move |conn| {
            let throttled = token_queries::is_throttled(
                conn,
                &lookup_name,
                token_queries::THROTTLE_TYPE_ADMIN,
                now,
                settings.token_max_failures,
            )?;
            let admin = if throttled {
                None
            } else {
                back_office::find_admin(conn, &lookup_name)?
            };
            Ok((throttled, admin))
        })
        .await?;
    if throttled {
        return Err(accounts::sign_in_failed());
    }
    let usable = admin.filter(|a| a.is_active);
    let password_ok = state
        .hasher
        .verify(password, usable.as_ref().map(|a| a.password_hash.clone()))
        .await?;
    let admin_id = usable.map(|a| a.id).filter(|_| password_ok);
    let issued = token::issue();
    let token_hash = issued.hash.clone();
    let settings = state.settings.clone();
    let signed_in = state
        .db
        .run(move |conn| {
            accounts::settle_throttle(
                conn,
                &settings,
                &username,
                token_queries::THROTTLE_TYPE_ADMIN,
                admin_id.is_some(),
            )?;
            let Some(admin_id) = admin_id else {
                return Ok(false);
            };
            let now = db::now();
            token_queries::insert_back_office_token(
                conn,
                &token_hash,
                token_queries::BackOfficeOwner::Admin(admin_id),
                now,
                now + db::chrono_duration(settings.admin_token_lifetime),
            )?;
            Ok(true)
        })
        .await?;
    if !signed_in {
        return Err(accounts::sign_in_failed());
    }
    Ok(json::ok(&issued.plain))
}

/// `POST /V1/integration/customer/revoke-customer-token`: signs out the token that makes the
/// call, and only it (Magento revokes every token of the customer; per-token sign-out is what
/// its users ask for). `DELETE /V1/customers/me/tokens` signs out everywhere.
pub async fn revoke_customer_token(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
) -> Result<HttpResponse, ApiError> {
    let token_id = me.token_id;
    state
        .db
        .run(move |conn| Ok(token_queries::revoke(conn, token_id, db::now())?))
        .await?;
    Ok(json::ok(&true))
}

/// `DELETE /V1/customers/me/tokens`: revokes every token of the customer, the caller's too.
pub async fn revoke_all_customer_tokens(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
) -> Result<HttpResponse, ApiError> {
    let customer_id = me.customer_id;
    state
        .db
        .run(move |conn| {
            token_queries::revoke_all_of_customer(conn, customer_id, None, db::now())?;
            Ok(())
        })
        .await?;
    Ok(json::ok(&true))
}
