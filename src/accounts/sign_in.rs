//! Signing in and out: customer and admin tokens (Magento's CustomerTokenService and
//! AdminTokenService with RequestThrottler and the account lockout), and per-token revocation.

use crate::auth::token;
use crate::config::Settings;
use crate::db::customers as queries;
use crate::db::tokens::{self as token_queries, UserType};
use crate::db::{self, DbConnection, back_office};
use crate::domain::email::normalize;
use crate::error::{AppError, Phrase};
use crate::state::AppState;

/// The one answer to every failed sign-in (Magento masks the reason).
pub fn sign_in_failed() -> AppError {
    AppError::Unauthorized(Phrase::new(
        "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.",
    ))
}

/// Throttle bookkeeping after a sign-in attempt (Magento RequestThrottler): a failure counts
/// towards the username's lock, a success clears it.
pub fn settle_throttle(
    conn: &mut DbConnection,
    settings: &Settings,
    username: &str,
    user_type: UserType,
    succeeded: bool,
) -> diesel::QueryResult<()> {
    if succeeded {
        token_queries::reset_throttle(conn, username, user_type)
    } else {
        token_queries::record_throttle_failure(
            conn,
            username,
            user_type,
            db::now(),
            db::chrono_duration(settings.token_lock_duration),
        )
    }
}

/// Magento's CustomerTokenService::createCustomerAccessToken (contract §7.1, §7.4, §7.5): the
/// per-username throttle, then authentication in the website; every failure is the same error
/// and costs the same one password verification. Returns the new token.
pub async fn sign_in_customer(
    state: &AppState,
    website_id: i32,
    username: String,
    password: String,
) -> Result<String, AppError> {
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
                UserType::Customer,
                now,
                settings.token_max_failures,
            )?;
            let candidate = if throttled {
                None
            } else {
                queries::find_login_candidate(conn, &email, website_id)?
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
    let stored_hash = usable.and_then(|c| c.password_hash.clone());
    let check = state
        .hasher
        .check(password.clone(), stored_hash.clone())
        .await?;
    let password_ok = check.is_right();

    // Checked only once the password is right, so the answer reveals nothing to a guesser
    // (Magento 2.4.8 checks it first and so tells anyone that the account exists).
    if password_ok
        && state.settings.confirmation_required
        && usable.is_some_and(|c| c.confirmation.is_some())
    {
        return Err(AppError::Unauthorized(Phrase::new(
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
                UserType::Customer,
                signed_in.is_some(),
            )?;
            let Some(customer_id) = signed_in else {
                if let (true, Some(id)) = (counts_as_wrong_password, customer_id) {
                    queries::record_login_failure(
                        conn,
                        id,
                        now,
                        settings.lockout_failures,
                        db::chrono_duration(settings.lockout_duration),
                    )?;
                }
                return Ok(false);
            };
            queries::clear_login_failures(conn, customer_id)?;
            let expires_at = now + db::chrono_duration(settings.customer_token_lifetime);
            token_queries::insert_customer_token(conn, &token_hash, customer_id, now, expires_at)?;
            Ok(true)
        })
        .await?;
    if !signed_in {
        return Err(sign_in_failed());
    }
    if let (true, Some(id), Some(old)) = (check.rehash_due(), customer_id, stored_hash) {
        // An imported Magento hash is replaced on the first sign-in; a failure here must not
        // fail the sign-in (the old hash still works next time).
        if let Err(e) = super::password::upgrade_legacy_hash(state, id, old, password).await {
            log::warn!("could not rehash an imported password: {e}");
        }
    }
    Ok(issued.plain)
}

/// Magento's AdminTokenService::createAdminAccessToken: the same throttle and the same single
/// failure as the customer sign-in; returns the new token (4 hours by default). Magento 2.4
/// with its default two-factor module answers valid credentials with a 2FA instruction; this
/// service has no 2FA step (see openapi.yaml).
pub async fn sign_in_admin(
    state: &AppState,
    username: String,
    password: String,
) -> Result<String, AppError> {
    let settings = state.settings.clone();
    let now = db::now();
    let lookup_name = username.clone();
    let (throttled, admin) = state
        .db
        .run(move |conn| {
            let throttled = token_queries::is_throttled(
                conn,
                &lookup_name,
                UserType::Admin,
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
                UserType::Admin,
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
    Ok(issued.plain)
}

/// Signs out one token (the caller's own). Magento revokes every token of the customer;
/// per-token sign-out is what its users ask for.
pub async fn revoke_token(state: &AppState, token_id: i32) -> Result<(), AppError> {
    state
        .db
        .run(move |conn| Ok(token_queries::revoke(conn, token_id, db::now())?))
        .await
}

/// Signs a customer out everywhere: every token, the caller's too.
pub async fn revoke_all_tokens(state: &AppState, customer_id: i32) -> Result<(), AppError> {
    state
        .db
        .run(move |conn| {
            token_queries::revoke_all_of_customer(conn, customer_id, None, db::now())?;
            Ok(())
        })
        .await
}
