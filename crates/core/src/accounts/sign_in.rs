//! Signing in and out: customer and admin tokens (Magento's CustomerTokenService and
//! AdminTokenService with RequestThrottler and the account lockout), and per-token revocation.

use super::Account;
use crate::auth::token;
use crate::config::Settings;
use crate::db::customers as queries;
use crate::db::tokens::{self as token_queries, UserType};
use crate::db::{self, DbConnection, back_office};
use crate::domain::email::normalize;
use crate::error::{AppError, Phrase};
use crate::state::AppState;
use crate::telemetry::{self, Principal};

/// The one answer to every failed sign-in (Magento masks the reason).
pub fn sign_in_failed() -> AppError {
    AppError::Unauthorized(Phrase::new(
        "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.",
    ))
}

/// Reserves the attempt against the per-username throttle (Magento RequestThrottler), before
/// any password is checked; `false` when the username is locked out.
fn reserve_throttle(
    conn: &mut DbConnection,
    settings: &Settings,
    username: &str,
    user_type: UserType,
) -> crate::db::QueryResult<bool> {
    token_queries::reserve_attempt(
        conn,
        username,
        user_type,
        db::now(),
        settings.token_max_failures,
        db::chrono_duration(settings.token_lock_duration),
    )
}

/// Issues a token after a right password: the username's throttle and the account's
/// lockout counters are cleared, and the token stored. Returns the plain token.
async fn complete_sign_in(
    state: &AppState,
    username: String,
    owner: SignedIn,
) -> Result<String, AppError> {
    let issued = token::issue();
    let token_hash = issued.hash.clone();
    let settings = state.settings.clone();
    state
        .db
        .run(move |conn| {
            let now = db::now();
            match owner {
                SignedIn::Customer(customer_id) => {
                    token_queries::reset_throttle(conn, &username, UserType::Customer)?;
                    queries::clear_login_failures(conn, customer_id)?;
                    let expires_at = now + db::chrono_duration(settings.customer_token_lifetime);
                    token_queries::insert_customer_token(
                        conn,
                        &token_hash,
                        customer_id,
                        now,
                        expires_at,
                    )?;
                }
                SignedIn::Admin(admin_id) => {
                    token_queries::reset_throttle(conn, &username, UserType::Admin)?;
                    token_queries::insert_back_office_token(
                        conn,
                        &token_hash,
                        token_queries::BackOfficeOwner::Admin(admin_id),
                        now,
                        now + db::chrono_duration(settings.admin_token_lifetime),
                    )?;
                }
            }
            Ok(())
        })
        .await?;
    Ok(issued.plain)
}

/// Who a right password signed in.
#[derive(Debug, Clone, Copy)]
enum SignedIn {
    Customer(i32),
    Admin(i32),
}

/// Magento's CustomerTokenService::createCustomerAccessToken: the
/// per-username throttle, then the account lockout, then authentication in the website. Both
/// limits reserve the attempt before the password is checked, so concurrent guesses cannot
/// exceed them; every failure is the same error and costs the same one password verification
/// (a locked-out username costs none). Returns the new token.
pub async fn sign_in_customer(
    state: &AppState,
    website_id: i32,
    username: String,
    password: String,
) -> Result<String, AppError> {
    let settings = state.settings.clone();
    let throttle_user = username.clone();
    let email = normalize(&username);
    let reserved = state
        .db
        .run(move |conn| {
            if !reserve_throttle(conn, &settings, &throttle_user, UserType::Customer)? {
                return Ok(None);
            }
            let candidate = queries::find_login_candidate(conn, &email, website_id)?;
            // Only an active account's password is checked, and only while it is not locked:
            // the check is reserved against the lockout first.
            let usable = match &candidate {
                Some(c) if c.is_active => queries::reserve_login_attempt(
                    conn,
                    c.entity_id,
                    db::now(),
                    settings.lockout_failures,
                    db::chrono_duration(settings.lockout_duration),
                )?,
                _ => false,
            };
            Ok(Some(candidate.filter(|_| usable)))
        })
        .await?;
    let Some(usable) = reserved else {
        // Rejected before authentication; no hash is spent on a locked-out username.
        telemetry::throttled(Principal::Customer);
        tracing::info!(target: "audit", website_id, "customer sign-in refused: username throttled");
        return Err(sign_in_failed());
    };
    let stored_hash = usable.as_ref().and_then(|c| c.password_hash.clone());
    let check = state
        .hasher
        .check(password.clone(), stored_hash.clone())
        .await?;
    let password_ok = check.is_right();
    let customer_id = usable.as_ref().map(|c| c.entity_id);
    let Some(customer) = usable.filter(|_| password_ok) else {
        // The reservations stand as this attempt's failure.
        telemetry::sign_in(Principal::Customer, false);
        tracing::info!(target: "audit", ?customer_id, website_id, "customer sign-in failed");
        return Err(sign_in_failed());
    };
    // Checked only once the password is right, so the answer reveals nothing to a guesser
    // (Magento 2.4.8 checks it first and so tells anyone that the account exists).
    if state.settings.confirmation_required && customer.confirmation.is_some() {
        let customer_id = customer.entity_id;
        state
            .db
            .run(move |conn| {
                // The password was right: the attempt is no failure.
                token_queries::reset_throttle(conn, &username, UserType::Customer)?;
                Ok(queries::clear_login_failures(conn, customer_id)?)
            })
            .await?;
        return Err(AppError::Unauthorized(Phrase::new(
            "This account isn't confirmed. Verify and try again.",
        )));
    }
    let token = complete_sign_in(state, username, SignedIn::Customer(customer.entity_id)).await?;
    telemetry::sign_in(Principal::Customer, true);
    telemetry::token_issued(Principal::Customer);
    if let (true, Some(old)) = (check.rehash_due(), stored_hash) {
        // An imported Magento hash is replaced on the first sign-in; a failure here must not
        // fail the sign-in (the old hash still works next time).
        match super::password::upgrade_legacy_hash(state, customer.entity_id, old, password).await {
            Ok(()) => telemetry::legacy_hash_upgraded(),
            Err(e) => tracing::warn!("could not rehash an imported password: {}", e.cause_chain()),
        }
    }
    Ok(token)
}

/// A token for an account just created with its password (the storefront's sign-up signs the
/// shopper in, as Magento's `customer/account/createPost` does): the password was checked by
/// the policy moments ago, so it is not verified a second time. An account that still needs
/// its e-mail confirmed gets none.
pub async fn token_for_new_account(
    state: &AppState,
    account: &Account,
) -> Result<String, AppError> {
    if state.settings.confirmation_required && account.customer.confirmation.is_some() {
        return Err(AppError::Unauthorized(Phrase::new(
            "This account isn't confirmed. Verify and try again.",
        )));
    }
    let token = complete_sign_in(
        state,
        account.customer.email.clone(),
        SignedIn::Customer(account.customer.entity_id),
    )
    .await?;
    telemetry::token_issued(Principal::Customer);
    Ok(token)
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
    let lookup_name = username.clone();
    let reserved = state
        .db
        .run(move |conn| {
            if !reserve_throttle(conn, &settings, &lookup_name, UserType::Admin)? {
                return Ok(None);
            }
            Ok(Some(back_office::find_admin(conn, &lookup_name)?))
        })
        .await?;
    let Some(admin) = reserved else {
        telemetry::throttled(Principal::Admin);
        tracing::info!(target: "audit", "admin sign-in refused: username throttled");
        return Err(sign_in_failed());
    };
    let usable = admin.filter(|a| a.is_active);
    let password_ok = state
        .hasher
        .verify(password, usable.as_ref().map(|a| a.password_hash.clone()))
        .await?;
    let Some(admin) = usable.filter(|_| password_ok) else {
        telemetry::sign_in(Principal::Admin, false);
        tracing::info!(target: "audit", "admin sign-in failed");
        return Err(sign_in_failed());
    };
    let token = complete_sign_in(state, username, SignedIn::Admin(admin.id)).await?;
    telemetry::sign_in(Principal::Admin, true);
    tracing::info!(target: "audit", admin_id = admin.id, "admin signed in");
    telemetry::token_issued(Principal::Admin);
    Ok(token)
}

/// Signs out one token (the caller's own). Magento revokes every token of the customer;
/// per-token sign-out is what its users ask for.
pub async fn revoke_token(state: &AppState, token_id: i32) -> Result<(), AppError> {
    tracing::info!(target: "audit", token_id, "token revoked");
    telemetry::tokens_revoked(1);
    state
        .db
        .run(move |conn| Ok(token_queries::revoke(conn, token_id, db::now())?))
        .await
}

/// Signs a customer out everywhere: every token, the caller's too.
pub async fn revoke_all_tokens(state: &AppState, customer_id: i32) -> Result<(), AppError> {
    tracing::info!(target: "audit", customer_id, "every token of the customer revoked");
    state
        .db
        .run(move |conn| {
            let revoked =
                token_queries::revoke_all_of_customer(conn, customer_id, None, db::now())?;
            telemetry::tokens_revoked(revoked as u64);
            Ok(())
        })
        .await
}
