//! The account's own data: Magento's CustomerRepository::save in its three callers' forms
//! (the customer's `PUT /me`, GraphQL's partial update, the back office's partial update that
//! may also move the customer), the e-mail change, and deletion.

use super::addresses::apply_flag;
use super::placement::{ScopeChange, resolve_placement};
use super::{EntityId, load_account, no_such_customer};
use crate::db::customers::{self as queries, Account, CustomerChanges};
use crate::db::{self, DbConnection, addresses as address_queries};
use crate::domain::address::ValidAddress;
use crate::domain::customer::{CustomerInput, ValidCustomer};
use crate::domain::email::Email;
use crate::error::{AppError, Phrase};
use crate::state::AppState;
use chrono::NaiveDateTime;

/// A customer-level `default_billing`/`default_shipping`: it must name one of the customer's
/// addresses (Magento CustomerRepository::validateDefaultAddress). Empty means "not sent".
fn requested_default(
    field: &str,
    value: &Option<String>,
    address_ids: &[i32],
) -> Result<Option<i32>, AppError> {
    let Some(raw) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    raw.parse::<i32>()
        .ok()
        .filter(|id| address_ids.contains(id))
        .map(Some)
        .ok_or_else(|| {
            AppError::Input(
                Phrase::new(
                    "The %fieldName value is invalid. Set the correct value and try again.",
                )
                .with("fieldName", field),
            )
        })
}

/// One address of a `PUT /me` list, validated: its stored id (None = new) and the default
/// flags as sent (None = not sent).
struct PlannedAddress {
    id: Option<i32>,
    address: ValidAddress,
    billing_flag: Option<bool>,
    shipping_flag: Option<bool>,
}

/// Magento's CustomerRepository::save for an existing customer: the attributes the input
/// carries are written (absent optional ones keep their values); `addresses` absent keeps the
/// addresses, present is the new full list (listed ids updated, new ones created, the rest
/// deleted, defaults moved by the flags). Every refusal happens before the first write, and
/// the caller's transaction makes the whole save atomic. Returns the customer as stored.
pub fn save_customer(
    conn: &mut DbConnection,
    customer_id: i32,
    customer: &CustomerInput,
    attributes: &ValidCustomer,
    scope: Option<ScopeChange>,
    max_addresses: usize,
    now: NaiveDateTime,
) -> Result<Account, AppError> {
    let Account {
        customer: current,
        addresses: existing,
    } = queries::load(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))?;
    let normalized = attributes.email.normalized();
    let email_changed = normalized != current.email_normalized;
    if email_changed
        && queries::find_id_by_email(
            conn,
            &normalized,
            scope.map_or(current.website_id, |s| s.website_id),
        )?
        .is_some_and(|id| id != customer_id)
    {
        return Err(AppError::duplicate_email());
    }
    let existing_ids: Vec<i32> = existing.iter().map(|a| a.entity_id).collect();
    let mut billing =
        requested_default("default_billing", &customer.default_billing, &existing_ids)?
            .or(current.default_billing);
    let mut shipping = requested_default(
        "default_shipping",
        &customer.default_shipping,
        &existing_ids,
    )?
    .or(current.default_shipping);

    if let Some(list) = &customer.addresses {
        if list.len() > max_addresses {
            return Err(super::too_many_addresses(max_addresses));
        }
        // Validate every address before writing any.
        let mut plan: Vec<PlannedAddress> = Vec::with_capacity(list.len());
        for given in list {
            let planned = |id, address| PlannedAddress {
                id,
                address,
                billing_flag: given.default_billing,
                shipping_flag: given.default_shipping,
            };
            match given.id.filter(|&id| id != 0) {
                None => plan.push(planned(None, given.validate()?)),
                Some(id) => {
                    let not_found = || AppError::NotFound(Phrase::no_such_entity("addressId", id));
                    let id = i32::try_from(id).map_err(|_| not_found())?;
                    let Some(stored) = existing.iter().find(|a| a.entity_id == id) else {
                        return Err(match address_queries::find(conn, id)? {
                            // Magento 2.4.4-2.4.7's message (2.4.8 reuses the
                            // duplicate-e-mail text here, which misleads).
                            Some(_) => AppError::Input(
                                Phrase::new("Provided customer ID \"%customer_id\" isn't related to current customer address.")
                                    .with("customer_id", customer_id),
                            ),
                            None => not_found(),
                        });
                    };
                    let merged = given.overlaid_on(stored.as_input());
                    plan.push(planned(Some(id), merged.validate()?));
                }
            }
        }
        let mut kept = Vec::with_capacity(plan.len());
        for p in &plan {
            let address_id = match p.id {
                Some(id) => {
                    address_queries::update(conn, id, &p.address, now)?;
                    id
                }
                None => address_queries::insert(conn, customer_id, &p.address, now)?,
            };
            kept.push(address_id);
            apply_flag(&mut billing, p.billing_flag, address_id);
            apply_flag(&mut shipping, p.shipping_flag, address_id);
        }
        let removed: Vec<i32> = existing_ids
            .iter()
            .copied()
            .filter(|id| !kept.contains(id))
            .collect();
        address_queries::delete(conn, &removed)?;
        for default in [&mut billing, &mut shipping] {
            if default.is_some_and(|d| removed.contains(&d)) {
                *default = None;
            }
        }
    }

    // Optional attributes the request leaves out keep their stored values.
    let sent = |present: bool, value: Option<String>| present.then_some(value);
    let changes = CustomerChanges {
        updated_at: Some(now),
        email: Some(attributes.email.as_str().to_owned()),
        email_normalized: Some(normalized),
        firstname: Some(attributes.firstname.clone()),
        lastname: Some(attributes.lastname.clone()),
        middlename: sent(customer.middlename.is_some(), attributes.middlename.clone()),
        prefix: sent(customer.prefix.is_some(), attributes.prefix.clone()),
        suffix: sent(customer.suffix.is_some(), attributes.suffix.clone()),
        taxvat: sent(customer.taxvat.is_some(), attributes.taxvat.clone()),
        dob: customer.dob.is_some().then_some(attributes.dob),
        gender: customer.gender.is_some().then_some(attributes.gender),
        disable_auto_group_change: customer
            .disable_auto_group_change
            .is_some()
            .then_some(attributes.disable_auto_group_change),
        is_subscribed: customer.is_subscribed,
        assistance_allowed: customer.assistance_allowed,
        default_billing: Some(billing),
        default_shipping: Some(shipping),
        // A new e-mail address invalidates a pending password-reset link.
        rp_token_hash: email_changed.then_some(None),
        rp_token_created_at: email_changed.then_some(None),
        website_id: scope.map(|s| s.website_id),
        store_id: scope.map(|s| s.store_id),
        group_id: scope.map(|s| s.group_id),
        ..CustomerChanges::default()
    };
    queries::update_profile(conn, customer_id, &changes).map_err(|e| match e {
        queries::CreateError::DuplicateEmail => AppError::duplicate_email(),
        queries::CreateError::Database(e) => AppError::from(e),
    })?;
    queries::load(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))
}

/// How a save reads the customer it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    /// `PUT /V1/customers/me`: the request is the customer (e-mail and names required);
    /// optional attributes it leaves out keep their values.
    AsSent,
    /// GraphQL's `updateCustomer*`: what is sent is laid over the stored customer.
    Partial,
    /// The back office's `PUT /V1/customers/:id`: laid over the stored customer, and the
    /// admin may move it to another website, store view or group.
    PartialWithPlacement,
}

/// Validates and saves a customer in one transaction, and returns the account as stored.
/// Nothing is written unless every check passes.
pub async fn save_account(
    state: &AppState,
    customer_id: EntityId,
    given: CustomerInput,
    mode: SaveMode,
) -> Result<Account, AppError> {
    save_account_with(state, customer_id, given, mode, None).await
}

/// The back office's `PUT /V1/customers/:id` with Magento's `passwordHash`: a migrated
/// customer's stored hash (checked by `migration::imported_hash`) and an admin-given
/// `created_at` are written in the same transaction as the rest of the save.
pub async fn save_account_as_admin(
    state: &AppState,
    caller: &crate::auth::Caller,
    customer_id: EntityId,
    given: CustomerInput,
    password_hash: Option<String>,
) -> Result<Account, AppError> {
    let mut given = given;
    if !caller.may_set_assistance_consent() {
        given.assistance_allowed = None;
    }
    let password_hash = super::migration::imported_hash(password_hash)?;
    let created_at = super::migration::admin_created_at(given.created_at.as_deref())?;
    let extra = (password_hash.is_some() || created_at.is_some()).then(|| CustomerChanges {
        created_at,
        password_hash: password_hash.map(Some),
        ..CustomerChanges::default()
    });
    save_account_with(
        state,
        customer_id,
        given,
        SaveMode::PartialWithPlacement,
        extra,
    )
    .await
}

async fn save_account_with(
    state: &AppState,
    customer_id: EntityId,
    given: CustomerInput,
    mode: SaveMode,
    extra: Option<CustomerChanges>,
) -> Result<Account, AppError> {
    let today = db::now().date();
    if mode == SaveMode::AsSent {
        // Refused before any database work, as Magento validates the data object first.
        given.validate_attributes(today)?;
    }
    let Some(id) = customer_id.id else {
        return Err(no_such_customer(customer_id.given));
    };
    let scopes = state.scopes.clone();
    let max_addresses = state.settings.max_addresses_per_customer;
    let now = db::now_seconds();
    state
        .db
        .write(move |conn| {
            // Read and written under the customer's row lock: concurrent saves apply one
            // after the other, never merged.
            if !queries::lock_customer(conn, id)? {
                return Err(no_such_customer(customer_id.given));
            }
            let customer = match mode {
                SaveMode::AsSent => given,
                SaveMode::Partial | SaveMode::PartialWithPlacement => {
                    let stored = queries::find(conn, id)?
                        .ok_or_else(|| no_such_customer(customer_id.given))?;
                    given.overlaid_on(stored.as_input())
                }
            };
            let attributes = customer.validate_attributes(today)?;
            let scope = match mode {
                SaveMode::PartialWithPlacement => {
                    let placement = resolve_placement(&scopes, &customer)?.settle(conn)?;
                    Some(ScopeChange {
                        website_id: placement.website_id,
                        store_id: placement.store_id,
                        group_id: placement.group_id,
                    })
                }
                SaveMode::AsSent | SaveMode::Partial => None,
            };
            let saved = save_customer(conn, id, &customer, &attributes, scope, max_addresses, now)?;
            match extra {
                None => Ok(saved),
                Some(extra) => {
                    queries::update(conn, id, &extra)?;
                    queries::load(conn, id)?.ok_or_else(|| no_such_customer(customer_id.given))
                }
            }
        })
        .await
}

/// The storefront's account-edit form (Magento's Account\EditPost): names and e-mail as sent,
/// optionally a new password. Changing the e-mail or the password needs the current password
/// (a wrong one counts towards the lockout). Everything is checked before the one transaction
/// that writes the customer and, with a new password, revokes every other token but `keep`.
pub async fn edit_own_account(
    state: &AppState,
    customer_id: i32,
    keep: Option<i32>,
    given: CustomerInput,
    current_password: String,
    new_password: Option<String>,
) -> Result<Account, AppError> {
    let attributes = given.validate_attributes(db::now().date())?;
    let stored = load_account(state, EntityId::from(customer_id)).await?;
    let email_changed = attributes.email.normalized() != stored.customer.email_normalized;
    if email_changed || new_password.is_some() {
        super::password::check_current_password(state, customer_id, current_password).await?;
    }
    let hash = match &new_password {
        Some(new) => {
            Some(super::password::new_password_hash(state, new, attributes.email.as_str()).await?)
        }
        None => None,
    };
    let max_addresses = state.settings.max_addresses_per_customer;
    let now = db::now_seconds();
    state
        .db
        .write(move |conn| {
            queries::lock_customer(conn, customer_id)?;
            save_customer(
                conn,
                customer_id,
                &given,
                &attributes,
                None,
                max_addresses,
                now,
            )?;
            if let Some(hash) = hash {
                super::password::set_password(conn, customer_id, keep, hash)?;
            }
            queries::load(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))
        })
        .await
}

/// How the signed-in customer's own profile is changed.
#[derive(Debug)]
pub enum OwnProfileChange {
    /// REST `PUT /V1/customers/me`: the customer as sent replaces the stored one (Magento's
    /// CustomerRepository::save from the `self` route; the e-mail changes without a password).
    Replace(CustomerInput),
    /// GraphQL `updateCustomer` / `updateCustomerV2`: what is sent is laid over the stored
    /// customer; an e-mail that differs from the stored one needs the current password.
    Merge {
        given: CustomerInput,
        current_password: Option<String>,
    },
}

/// The signed-in customer changes their own profile: every check (lock, current password,
/// e-mail, attributes) happens before the one transaction that writes the change, so a
/// refused update changes nothing, the e-mail included.
pub async fn update_own_profile(
    state: &AppState,
    customer_id: i32,
    change: OwnProfileChange,
) -> Result<Account, AppError> {
    let (mut given, current_password) = match change {
        OwnProfileChange::Replace(given) => {
            return save_account(state, EntityId::from(customer_id), given, SaveMode::AsSent).await;
        }
        OwnProfileChange::Merge {
            given,
            current_password,
        } => (given, current_password),
    };
    if let Some(email) = given.email.take() {
        // Magento's GraphQL resolver loads the customer first: a locked account is refused.
        let stored = load_account(state, EntityId::from(customer_id)).await?;
        super::ensure_unlocked(&stored)?;
        // Magento compares with `!==`: a change of letter case is a change.
        if stored.customer.email != email {
            let Some(password) = current_password.filter(|p| !p.is_empty()) else {
                return Err(AppError::Input(Phrase::new(
                    "Provide the current \"password\" to change \"email\".",
                )));
            };
            check_email_change(state, customer_id, &email, password).await?;
            given.email = Some(email);
        }
    }
    save_account(state, EntityId::from(customer_id), given, SaveMode::Partial).await
}

/// The checks of an e-mail change, in Magento's order: the current password (GraphQL's
/// wording for a wrong one; a lock keeps its own message), then the new address.
async fn check_email_change(
    state: &AppState,
    customer_id: i32,
    email: &str,
    password: String,
) -> Result<(), AppError> {
    super::password::check_current_password(state, customer_id, password)
        .await
        .map_err(|e| match e {
            AppError::Unauthorized(_) => {
                AppError::Unauthorized(Phrase::new("Invalid login or password."))
            }
            other => other,
        })?;
    if Email::parse(email).is_err() {
        return Err(AppError::Input(Phrase::new(format!(
            "\"{email}\" is not a valid email address."
        ))));
    }
    Ok(())
}

/// GraphQL's `updateCustomerEmail`: the current password first, then the new address, then
/// the save.
pub async fn change_email(
    state: &AppState,
    customer_id: i32,
    email: String,
    password: String,
) -> Result<Account, AppError> {
    check_email_change(state, customer_id, &email, password).await?;
    let given = CustomerInput {
        email: Some(email),
        ..CustomerInput::default()
    };
    save_account(state, EntityId::from(customer_id), given, SaveMode::Partial).await
}

/// Deletes a customer; its addresses and tokens go with it.
pub async fn delete_customer(state: &AppState, customer_id: EntityId) -> Result<(), AppError> {
    let deleted = match customer_id.id {
        None => 0,
        Some(id) => {
            state
                .db
                .run(move |conn| Ok(queries::delete(conn, id)?))
                .await?
        }
    };
    if deleted == 0 {
        return Err(no_such_customer(customer_id.given));
    }
    Ok(())
}
