//! `POST /V1/integration/customer/token`: e-mail and password in, an opaque bearer token out.
//! Magento's order (contract §7.1, §7.4, §7.5): input check, per-username throttle, then
//! authentication; every authentication failure gets the same 401 body in about the same time.

use super::body::{RequestInput, required_strings};
use crate::auth::{AuthenticatedCustomer, StoreContext, token};
use crate::db::{self, back_office, customers as customer_queries, tokens as token_queries};
use crate::domain::email::normalize;
use crate::error::{ApiError, Phrase};
use crate::json;
use crate::startup::AppState;
use actix_web::{HttpResponse, web};

fn sign_in_failed() -> ApiError {
    ApiError::Unauthorized(Phrase::new(
        "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.",
    ))
}

/// Throttle bookkeeping after a sign-in attempt (Magento RequestThrottler): a failure counts
/// towards the username's lock, a success clears it.
fn settle_throttle(
    conn: &mut crate::db::DbConnection,
    settings: &crate::config::Settings,
    username: &str,
    throttle_type: i16,
    succeeded: bool,
) -> diesel::QueryResult<()> {
    if succeeded {
        token_queries::reset_throttle(conn, username, throttle_type)
    } else {
        token_queries::record_throttle_failure(
            conn,
            username,
            throttle_type,
            db::now(),
            db::chrono_duration(settings.token_lock_duration),
        )
    }
}

/// `POST /V1/integration/customer/token`
pub async fn issue_customer_token(
    state: web::Data<AppState>,
    store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [username, password] = required_strings(&body.0, ["username", "password"])?;

    // `/rest/all/` signs in against the default store view's website, as Magento does.
    let website_id = if store.is_admin {
        state.scopes.default_store().website_id
    } else {
        store.website_id
    };
    let settings = state.settings.clone();
    let now = db::now();
    let throttle_user = username.clone();
    let email = normalize(&username);
    let (throttled, candidate) = state
        .db
        .run(move |conn| {
            let throttled = token_queries::is_throttled(
                conn,
                &throttle_user,
                token_queries::THROTTLE_TYPE_CUSTOMER,
                now,
                settings.token_max_failures,
            )?;
            let candidate = if throttled {
                None
            } else {
                customer_queries::find_login_candidate(conn, &email, website_id)?
            };
            Ok((throttled, candidate))
        })
        .await?;
    if throttled {
        // Rejected before authentication; no hash is spent on a locked-out username.
        return Err(sign_in_failed());
    }

    let usable = candidate
        .as_ref()
        .filter(|c| c.is_active && c.lock_expires.is_none_or(|until| until <= now));
    let password_ok = state
        .hasher
        .verify(password, usable.and_then(|c| c.password_hash.clone()))
        .await?;

    // Checked only once the password is right, so the answer reveals nothing to a guesser
    // (Magento 2.4.8 checks it first and so tells anyone that the account exists).
    if password_ok
        && state.settings.confirmation_required
        && usable.is_some_and(|c| c.confirmation.is_some())
    {
        return Err(ApiError::Unauthorized(Phrase::new(
            "This account isn't confirmed. Verify and try again.",
        )));
    }

    let settings = state.settings.clone();
    let issued = token::issue();
    let token_hash = issued.hash.clone();
    let customer_id = candidate.as_ref().map(|c| c.entity_id);
    let counts_as_wrong_password = usable.is_some() && !password_ok;
    let signed_in = state
        .db
        .run(move |conn| {
            let now = db::now();
            let signed_in = customer_id.filter(|_| password_ok);
            settle_throttle(
                conn,
                &settings,
                &username,
                token_queries::THROTTLE_TYPE_CUSTOMER,
                signed_in.is_some(),
            )?;
            let Some(customer_id) = signed_in else {
                if let (true, Some(id)) = (counts_as_wrong_password, customer_id) {
                    customer_queries::record_login_failure(
                        conn,
                        id,
                        now,
                        settings.lockout_failures,
                        db::chrono_duration(settings.lockout_duration),
                    )?;
                }
                return Ok(false);
            };
            customer_queries::clear_login_failures(conn, customer_id)?;
            let expires_at = now + db::chrono_duration(settings.customer_token_lifetime);
            token_queries::insert_customer_token(conn, &token_hash, customer_id, now, expires_at)?;
            Ok(true)
        })
        .await?;
    if !signed_in {
        return Err(sign_in_failed());
    }
    Ok(json::ok(&issued.plain))
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
        return Err(sign_in_failed());
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
            settle_throttle(
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
        return Err(sign_in_failed());
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
