//! Passwords: change (with the current one), forgotten-password mail and reset
//! (Magento's AccountManagement::changePasswordById, initiatePasswordReset, resetPassword and
//! validateResetPasswordLinkToken, with Magento_Security's limits).

use crate::auth::token::{self, TokenHash};
use crate::db::customers::{self as queries, CustomerChanges, CustomerRow};
use crate::db::{self, DbConnection, password_resets, tokens as token_queries};
use crate::domain::email::normalize;
use crate::error::{AppError, Phrase, Violation};
use crate::mail::templates::{self, Recipient};
use crate::state::AppState;
use chrono::NaiveDateTime;
use serde_json::json;

/// Magento's Authentication::authenticate for a signed-in customer's current password: the
/// check is reserved against the account lockout before the password is verified (so
/// concurrent guesses cannot exceed the limit), a wrong password keeps its count
/// (`The account is locked.` once that locks the account) and a right one gives it back.
/// A locked account is refused without a check. Returns the customer.
pub async fn check_current_password(
    state: &AppState,
    customer_id: i32,
    password: String,
) -> Result<CustomerRow, AppError> {
    let settings = state.settings.clone();
    let (customer, open) = state
        .db
        .run(move |conn| {
            let customer = queries::find(conn, customer_id)?
                .ok_or_else(|| AppError::Unauthorized(Phrase::new("Invalid login or password.")))?;
            let open = queries::reserve_login_attempt(
                conn,
                customer_id,
                db::now(),
                settings.lockout_failures,
                db::chrono_duration(settings.lockout_duration),
            )?;
            Ok((customer, open))
        })
        .await?;
    if !open {
        return Err(account_locked());
    }
    let right = state
        .hasher
        .verify(password, customer.password_hash.clone())
        .await?;
    let max_failures = state.settings.lockout_failures;
    let locked = state
        .db
        .run(move |conn| {
            if right {
                queries::release_login_attempt(conn, customer_id, max_failures)?;
                return Ok(false);
            }
            Ok(queries::is_locked(conn, customer_id, db::now())?)
        })
        .await?;
    match (right, locked) {
        (true, _) => Ok(customer),
        (false, true) => Err(account_locked()),
        (false, false) => Err(AppError::Unauthorized(Phrase::new(
            "The password doesn't match this account. Verify the password and try again.",
        ))),
    }
}

pub(super) fn account_locked() -> AppError {
    AppError::Locked(Phrase::new("The account is locked."))
}

/// Magento's AccountManagement::changePasswordById: a wrong current password counts towards the
/// account lockout (`The account is locked.` once it locks); then not the e-mail, then the
/// policy. Every token of the customer but `keep` (the caller's) is revoked.
pub async fn change_password(
    state: &AppState,
    customer_id: i32,
    keep: Option<i32>,
    current: String,
    new: String,
) -> Result<(), AppError> {
    let customer = check_current_password(state, customer_id, current).await?;
    let hash = new_password_hash(state, &new, &customer.email).await?;
    state
        .db
        .write(move |conn| {
            set_password(conn, customer_id, keep, hash)?;
            Ok::<_, AppError>(())
        })
        .await?;
    // Magento tells the owner that the password changed; a failed mail is only logged.
    let recipient = Recipient {
        customer_id,
        email: &customer.email,
        name: customer.full_name(),
        store_name: &customer.created_in,
    };
    state
        .mailer
        .send(templates::password_changed(&recipient))
        .await;
    Ok(())
}

/// The hash of a new password for the account with this e-mail, once it passes: not the
/// e-mail, then the policy.
pub async fn new_password_hash(
    state: &AppState,
    new: &str,
    email: &str,
) -> Result<String, AppError> {
    if new.eq_ignore_ascii_case(email) {
        return Err(AppError::password_refused(Phrase::new(
            "The password can't be the same as the email address. Create a new password and try again.",
        )));
    }
    let password = state
        .settings
        .password_policy
        .check(new, email)
        .map_err(AppError::password_refused)?;
    state.hasher.hash(password.expose().to_owned()).await
}

/// Stores a new password hash and revokes every token of the customer but `keep`.
pub fn set_password(
    conn: &mut DbConnection,
    customer_id: i32,
    keep: Option<i32>,
    hash: String,
) -> Result<(), AppError> {
    let now = db::now();
    queries::update(conn, customer_id, &CustomerChanges::password(hash, now))?;
    token_queries::revoke_all_of_customer(conn, customer_id, keep, now)?;
    Ok(())
}

/// Replaces a Magento-form hash by this service's own after a sign-in proved `password`
/// right against it. Written only if the stored hash is still `old_hash`, so a password
/// changed in the meantime (or a concurrent sign-in's rehash) is never overwritten.
pub async fn upgrade_legacy_hash(
    state: &AppState,
    customer_id: i32,
    old_hash: String,
    password: String,
) -> Result<(), AppError> {
    let hash = state.hasher.hash(password).await?;
    state
        .db
        .run(move |conn| {
            queries::replace_password_hash(conn, customer_id, &old_hash, &hash)?;
            Ok(())
        })
        .await
}

pub const RESET_TEMPLATES: [&str; 2] = ["email_reminder", "email_reset"];

/// The field of a refused reset link (the key in the link, not a form field): a page knows
/// from it that the link is spent, whatever the wording.
pub const RESET_TOKEN: &str = "reset_token";

pub fn mismatched() -> AppError {
    AppError::Invalid(vec![Violation::new(
        RESET_TOKEN,
        "The password token is mismatched. Reset and try again.",
    )])
}

/// Checks a presented reset key against the stored hash and its age (Magento: expired when
/// whole hours since issue reach the lifetime, or when issued in the future).
pub fn check_reset_key(
    customer: &CustomerRow,
    presented: &str,
    now: NaiveDateTime,
    lifetime_hours: i64,
) -> Result<(), AppError> {
    let (Some(stored), Some(issued)) = (&customer.rp_token_hash, customer.rp_token_created_at)
    else {
        return Err(mismatched());
    };
    if !TokenHash::matches(stored, presented) {
        return Err(mismatched());
    }
    let age = now - issued;
    if age < chrono::TimeDelta::zero() || age.num_hours() >= lifetime_hours {
        return Err(AppError::Invalid(vec![Violation::new(
            RESET_TOKEN,
            "The password token is expired. Reset and try again.",
        )]));
    }
    Ok(())
}

/// Magento's AccountManagement::initiatePasswordReset with Magento_Security's limits: mails a
/// reset link and answers whether the mail went out. An e-mail without an account gets the
/// same `true` (and no mail) unless GUEST_CHECKOUT_LOGIN restores Magento's 404.
pub async fn request_password_reset(
    state: &AppState,
    email: String,
    template: String,
    website_id: i32,
    ip: String,
) -> Result<bool, AppError> {
    let settings = state.settings.clone();
    let normalized = normalize(&email);
    let key_for_limit = normalized.clone();
    let limited = state
        .db
        .write(move |conn| {
            let now = db::now();
            let limited = password_resets::is_limited(
                conn,
                &key_for_limit,
                &ip,
                now,
                settings.reset_max_requests_per_hour,
                db::chrono_duration(settings.reset_min_interval),
            )?;
            if !limited {
                password_resets::record(conn, &key_for_limit, &ip, now)?;
            }
            Ok::<_, AppError>(limited)
        })
        .await?;
    if limited {
        return Err(AppError::Input(Phrase::positional(
            "We received too many requests for password resets. Please wait and try again later or contact %1.",
            vec![json!(state.settings.contact_email)],
        )));
    }
    if !RESET_TEMPLATES.contains(&template.as_str()) {
        return Err(AppError::Input(
            Phrase::new("Invalid value of \"%value\" provided for the %fieldName field. Possible values: %template1 or %template2.")
                .with("value", template.as_str())
                .with("fieldName", "template")
                .with("template1", RESET_TEMPLATES[0])
                .with("template2", RESET_TEMPLATES[1]),
        ));
    }

    let key = token::issue_key();
    let key_hash = key.hash.clone();
    let customer = state
        .db
        .run(move |conn| {
            let Some(customer) = queries::find_by_email(conn, &normalized, website_id)? else {
                return Ok(None);
            };
            queries::update(
                conn,
                customer.entity_id,
                &CustomerChanges {
                    rp_token_hash: Some(Some(key_hash.into_string())),
                    rp_token_created_at: Some(Some(db::now())),
                    ..CustomerChanges::default()
                },
            )?;
            Ok(Some(customer))
        })
        .await?;
    let Some(customer) = customer else {
        return if state.settings.guest_checkout_login {
            Err(AppError::NotFound(Phrase::no_such_email(
                &email, website_id,
            )))
        } else {
            Ok(true)
        };
    };
    let store_name = state
        .scopes
        .store(customer.store_id)
        .map_or_else(|| "our store".to_owned(), |s| s.name.clone());
    let mail = templates::reset(
        &Recipient {
            customer_id: customer.entity_id,
            email: &customer.email,
            name: customer.full_name(),
            store_name: &store_name,
        },
        &key.plain,
        &state.settings.storefront_url,
        state.settings.reset_token_lifetime_hours,
    );
    Ok(state.mailer.send(mail).await)
}

/// Magento's AccountManagement::resetPassword: the key must match and be young enough; the new
/// password passes the policy; success spends the key, clears the lockout and revokes every
/// token. In Magento's order: an empty e-mail, an unknown one (404, as Magento's
/// `customerRepository->get`), an empty key, then the key itself.
pub async fn reset_password(
    state: &AppState,
    email: String,
    reset_token: String,
    new_password: String,
    website_id: i32,
) -> Result<(), AppError> {
    if email.is_empty() {
        return Err(AppError::Input(Phrase::required("email")));
    }
    let normalized = normalize(&email);
    let customer = state
        .db
        .run(move |conn| Ok(queries::find_by_email(conn, &normalized, website_id)?))
        .await?
        .ok_or_else(|| AppError::NotFound(Phrase::no_such_email(&email, website_id)))?;
    if reset_token.is_empty() {
        return Err(AppError::Input(Phrase::required("resetPasswordLinkToken")));
    }
    reset_for(state, customer, reset_token, new_password).await
}

/// The reset page's form (`/customer/account/createPassword/?id=..&token=..`): the account is
/// named by the link's id, the rest as `reset_password`. An unknown id answers like a wrong key.
pub async fn reset_password_of(
    state: &AppState,
    customer_id: i64,
    reset_token: String,
    new_password: String,
) -> Result<(), AppError> {
    let id = i32::try_from(customer_id).map_err(|_| mismatched())?;
    let customer = state
        .db
        .run(move |conn| Ok(queries::find(conn, id)?))
        .await?
        .ok_or_else(mismatched)?;
    reset_for(state, customer, reset_token, new_password).await
}

/// Spends a reset key of this customer on a new password.
async fn reset_for(
    state: &AppState,
    customer: CustomerRow,
    reset_token: String,
    new_password: String,
) -> Result<(), AppError> {
    check_reset_key(
        &customer,
        &reset_token,
        db::now(),
        state.settings.reset_token_lifetime_hours,
    )?;
    let password = state
        .settings
        .password_policy
        .check(&new_password, &customer.email)
        .map_err(AppError::password_refused)?;
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    let customer_id = customer.entity_id;
    let presented_hash = TokenHash::of(&reset_token);
    state
        .db
        .write(move |conn| {
            // Single use: the key must still be the stored one inside the transaction.
            let still_valid = queries::find(conn, customer_id)?
                .is_some_and(|c| c.rp_token_hash.as_deref() == Some(presented_hash.as_str()));
            if !still_valid {
                return Err(mismatched());
            }
            let now = db::now();
            queries::update(
                conn,
                customer_id,
                &CustomerChanges::password(hash, now).unlocked(),
            )?;
            token_queries::revoke_all_of_customer(conn, customer_id, None, now)?;
            Ok(())
        })
        .await?;
    Ok(())
}

/// Magento's validateResetPasswordLinkToken for `GET .../password/resetLinkToken/:token`.
pub async fn validate_reset_link(
    state: &AppState,
    customer_id: i64,
    presented: String,
) -> Result<(), AppError> {
    if customer_id == 0 {
        return Err(AppError::Input(Phrase::invalid_field_value(
            "customerId",
            0,
        )));
    }
    let not_found = || AppError::NotFound(Phrase::no_such_entity("customerId", customer_id));
    let id = i32::try_from(customer_id).map_err(|_| not_found())?;
    let customer = state
        .db
        .run(move |conn| Ok(queries::find(conn, id)?))
        .await?
        .ok_or_else(not_found)?;
    check_reset_key(
        &customer,
        &presented,
        db::now(),
        state.settings.reset_token_lifetime_hours,
    )
}
