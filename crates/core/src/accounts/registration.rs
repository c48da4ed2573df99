//! Signing up and confirming an account: Magento's AccountManagement::createAccount,
//! isEmailAvailable, activate and resendConfirmation.

use super::migration;
use super::placement::resolve_placement;
use super::{EntityId, load_account};
use crate::auth::Caller;
use crate::auth::acl::MANAGE;
use crate::auth::token::{self, TokenHash};
use crate::db::customers::{
    self as queries, Account, CreateError, CustomerChanges, InitialSecrets, NewAccount,
};
use crate::db::{self};
use crate::domain::customer::CustomerInput;
use crate::domain::email::normalize;
use crate::error::{AppError, Phrase};
use crate::mail::templates::{self, Recipient};
use crate::state::AppState;

/// Magento's AccountManagement::createAccount, in Magento's order of checks:
/// group only with Magento_Customer::manage, e-mail present, password policy, store and website,
/// e-mail free in the website, attributes, addresses; then one transaction for the customer
/// and its addresses, and a welcome (or confirmation) mail whose failure never fails the call.
/// With `Magento_Customer::manage`, a `password_hash` (a migrated customer's, see
/// `migration`) is stored instead of a password, and `created_at` is kept; from other callers
/// both are ignored, as Magento's createAccount has neither.
pub async fn create_account(
    state: &AppState,
    caller: &Caller,
    customer: CustomerInput,
    password: Option<String>,
    password_hash: Option<String>,
    redirect_url: Option<String>,
) -> Result<Account, AppError> {
    let mut customer = customer;
    if !caller.may_set_assistance_consent() {
        customer.assistance_allowed = None;
    }
    let manager = caller.has_resource(MANAGE);
    if customer.group_id.is_some() && !manager {
        return Err(AppError::not_authorized(MANAGE));
    }
    let (imported_hash, created_at) = if manager {
        (
            migration::imported_hash(password_hash)?,
            migration::admin_created_at(customer.created_at.as_deref())?,
        )
    } else {
        (None, None)
    };
    if imported_hash.is_some() && password.is_some() {
        return Err(AppError::Input(Phrase::new(
            "Send either \"password\" or \"passwordHash\", not both.",
        )));
    }
    let Some(email) = customer.email.clone() else {
        return Err(AppError::Input(Phrase::new(
            "The email address is required to create a customer account.",
        )));
    };
    let password = password
        .map(|p| {
            state
                .settings
                .password_policy
                .check(&p, &email)
                .map_err(AppError::password_refused)
        })
        .transpose()?;
    let placement = resolve_placement(&state.scopes, &customer)?;

    // Validation is pure and cheap; its errors are reported after the duplicate check, in
    // Magento's order, but computed first so no hash is spent on a doomed request.
    let today = db::now().date();
    let attributes = customer.validate_attributes(today);
    let addresses: Result<Vec<_>, AppError> = customer
        .addresses
        .iter()
        .flatten()
        .map(|a| a.validate())
        .collect();

    let normalized = normalize(&email);
    let website_id = placement.website_id;
    let existing = state
        .db
        .run(move |conn| Ok(queries::find_id_by_email(conn, &normalized, website_id)?))
        .await?;
    if customer.id.is_some() {
        // Magento loads the account by e-mail when an id is sent.
        return Err(match existing {
            Some(_) => AppError::Input(Phrase::new("This customer already exists in this store.")),
            None => AppError::NotFound(Phrase::no_such_email(&email, website_id)),
        });
    }
    if existing.is_some() {
        return Err(AppError::duplicate_email());
    }
    let attributes = attributes?;
    let addresses = addresses?;
    if addresses.len() > state.settings.max_addresses_per_customer {
        return Err(super::too_many_addresses(
            state.settings.max_addresses_per_customer,
        ));
    }

    let secrets = InitialSecrets {
        password_hash: match (password, imported_hash) {
            (Some(p), _) => Some(state.hasher.hash(p.expose().to_owned()).await?),
            (None, imported) => imported,
        },
        confirmation_hash: None,
    };
    let confirmation_key = state.settings.confirmation_required.then(token::issue_key);
    let secrets = InitialSecrets {
        confirmation_hash: confirmation_key
            .as_ref()
            .map(|k| k.hash.clone().into_string()),
        ..secrets
    };
    let now = db::now_seconds();
    let account = state
        .db
        .write(move |conn| {
            let placement = placement.settle(conn)?;
            let new = NewAccount {
                customer: &attributes,
                placement: &placement,
                secrets: &secrets,
                addresses: &addresses,
                created_at,
            };
            let id = queries::create_with_addresses(conn, &new, now).map_err(|e| match e {
                CreateError::DuplicateEmail => AppError::duplicate_email(),
                CreateError::Database(e) => AppError::from(e),
            })?;
            queries::load(conn, id)?
                .ok_or_else(|| AppError::internal(format!("customer {id} vanished after insert")))
        })
        .await?;
    // Mail failures never fail the sign-up (Magento ignores them too); they are logged.
    let row = &account.customer;
    let recipient = Recipient {
        customer_id: row.entity_id,
        email: &row.email,
        name: row.full_name(),
        store_name: &row.created_in,
    };
    let storefront = &state.settings.storefront_url;
    let mail = match &confirmation_key {
        Some(key) => {
            templates::confirmation(&recipient, &key.plain, storefront, redirect_url.as_deref())
        }
        None => templates::welcome(&recipient, storefront, redirect_url.as_deref()),
    };
    state.mailer.send(mail).await;
    Ok(account)
}

/// Magento's AccountManagement::isEmailAvailable: always `true` (anti-enumeration) unless
/// GUEST_CHECKOUT_LOGIN restores the lookup.
pub async fn is_email_available(
    state: &AppState,
    email: &str,
    website_id: i32,
) -> Result<bool, AppError> {
    if !state.settings.guest_checkout_login {
        return Ok(true);
    }
    let normalized = normalize(email);
    let existing = state
        .db
        .run(move |conn| Ok(queries::find_id_by_email(conn, &normalized, website_id)?))
        .await?;
    Ok(existing.is_none())
}

fn invalid_confirmation_key() -> AppError {
    AppError::Input(Phrase::new(
        "The confirmation token is invalid. Verify the token and try again.",
    ))
}

fn confirmation_matches(stored: Option<&str>, key: &str) -> bool {
    stored.is_some_and(|stored| TokenHash::matches(stored, key))
}

/// Clears a pending confirmation if the key still matches, in one transaction; returns the
/// confirmed account.
async fn confirm(state: &AppState, customer_id: i32, key: String) -> Result<Account, AppError> {
    state
        .db
        .write(move |conn| {
            let current = queries::find(conn, customer_id)?.ok_or_else(invalid_confirmation_key)?;
            if !confirmation_matches(current.confirmation.as_deref(), &key) {
                return Err(invalid_confirmation_key());
            }
            queries::update(
                conn,
                customer_id,
                &CustomerChanges {
                    confirmation: Some(None),
                    updated_at: Some(db::now_seconds()),
                    ..CustomerChanges::default()
                },
            )?;
            queries::load(conn, customer_id)?.ok_or_else(invalid_confirmation_key)
        })
        .await
}

/// The signed-in customer confirms their own account with the mailed key.
pub async fn activate_own_account(
    state: &AppState,
    customer_id: i32,
    key: String,
) -> Result<Account, AppError> {
    let customer = state
        .db
        .run(move |conn| Ok(queries::find(conn, customer_id)?))
        .await?
        .ok_or_else(invalid_confirmation_key)?;
    if customer.confirmation.is_none() {
        return Err(AppError::Input(Phrase::new(
            "The account is already active.",
        )));
    }
    confirm(state, customer_id, key).await
}

/// Confirms an account by e-mail and mailed key, without a token. An unknown e-mail, an
/// account with nothing to confirm and a wrong key all get the same answer, so the call
/// reveals nothing about which e-mails have accounts.
pub async fn activate_by_email(
    state: &AppState,
    website_id: i32,
    email: &str,
    key: String,
) -> Result<Account, AppError> {
    let normalized = normalize(email);
    let customer = state
        .db
        .run(move |conn| Ok(queries::find_by_email(conn, &normalized, website_id)?))
        .await?
        .filter(|c| confirmation_matches(c.confirmation.as_deref(), &key))
        .ok_or_else(invalid_confirmation_key)?;
    confirm(state, customer.entity_id, key).await
}

/// The confirmation link's page (`/customer/account/confirm/?id=..&key=..`): the account named
/// by id; an unknown id, an account with nothing to confirm and a wrong key get one answer.
pub async fn activate_by_id(
    state: &AppState,
    customer_id: i64,
    key: String,
) -> Result<Account, AppError> {
    let id = i32::try_from(customer_id).map_err(|_| invalid_confirmation_key())?;
    confirm(state, id, key).await
}

/// Magento's AccountManagement::getConfirmationStatus: without required confirmation every
/// account is `account_confirmation_not_required`; with it, pending or confirmed.
pub async fn confirmation_status(
    state: &AppState,
    customer_id: EntityId,
) -> Result<&'static str, AppError> {
    let account = load_account(state, customer_id).await?;
    Ok(
        match (
            state.settings.confirmation_required,
            account.customer.confirmation.is_some(),
        ) {
            (false, _) => "account_confirmation_not_required",
            (true, true) => "account_confirmation_required",
            (true, false) => "account_confirmed",
        },
    )
}

/// Mails a new confirmation key (only a hash of the first one was kept, so it cannot be sent
/// again). `false` when the mail could not be sent.
pub async fn resend_confirmation(
    state: &AppState,
    email: String,
    website_id: i32,
    redirect_url: Option<String>,
) -> Result<bool, AppError> {
    let key = token::issue_key();
    let key_hash = key.hash.clone();
    let normalized = normalize(&email);
    let customer = state
        .db
        .write(move |conn| {
            let Some(customer) = queries::find_by_email(conn, &normalized, website_id)? else {
                return Ok::<_, AppError>(None);
            };
            if customer.confirmation.is_some() {
                queries::update(
                    conn,
                    customer.entity_id,
                    &CustomerChanges {
                        confirmation: Some(Some(key_hash.into_string())),
                        ..CustomerChanges::default()
                    },
                )?;
            }
            Ok(Some(customer))
        })
        .await?
        .ok_or_else(|| AppError::NotFound(Phrase::no_such_email(&email, website_id)))?;
    if customer.confirmation.is_none() {
        return Err(AppError::Input(Phrase::new("Confirmation isn't needed.")));
    }
    let mail = templates::confirmation(
        &Recipient {
            customer_id: customer.entity_id,
            email: &customer.email,
            name: customer.full_name(),
            store_name: &customer.created_in,
        },
        &key.plain,
        &state.settings.storefront_url,
        redirect_url.as_deref(),
    );
    Ok(state.mailer.send(mail).await)
}
