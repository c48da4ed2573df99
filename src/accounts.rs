//! Account operations shared by the front doors (REST for customers and for the back office,
//! and GraphQL). The synchronous ones take a connection, so callers compose them into their
//! transaction; the async ones take the application state (they hash, mail, or need several
//! database steps around a hash).

use crate::auth::acl::MANAGE;
use crate::auth::{Caller, token};
use crate::db::customers::{
    self as queries, AccountPlacement, AddressRow, CreateError, CustomerChanges, CustomerRow,
    InitialSecrets,
};
use crate::db::scopes::Scopes;
use crate::db::{
    self, DbConnection, addresses as address_queries, password_resets, tokens as token_queries,
};
use crate::domain::address::ValidAddress;
use crate::domain::customer::{CustomerInput, ValidCustomer};
use crate::domain::email::normalize;
use crate::error::{ApiError, Phrase};
use crate::mail::templates::{self, Recipient};
use crate::startup::AppState;
use chrono::NaiveDateTime;
use serde_json::json;

/// Where an admin moves a customer (website, store view, group).
#[derive(Debug, Clone, Copy)]
pub struct ScopeChange {
    pub website_id: i32,
    pub store_id: i32,
    pub group_id: i32,
}

/// Magento's `customer/create_account/default_group`.
const DEFAULT_GROUP_ID: i32 = 1;

/// Store and website resolution (AccountManagement::createAccountWithPasswordHash): no store
/// and no website → the default store view; a website only → its default store; a store →
/// its website. 0 counts as "not given", as PHP's truthiness does.
pub fn resolve_placement(
    scopes: &Scopes,
    customer: &CustomerInput,
) -> Result<AccountPlacement, ApiError> {
    let store_not_found = || {
        ApiError::NotFound(Phrase::new(
            "The store that was requested wasn't found. Verify the store and try again.",
        ))
    };
    let store_id = customer.store_id.filter(|&s| s != 0);
    let website_id = customer.website_id.filter(|&w| w != 0);
    let store = match (store_id, website_id) {
        (Some(s), _) => i32::try_from(s)
            .ok()
            .and_then(|s| scopes.store(s))
            .ok_or_else(store_not_found)?,
        (None, Some(w)) => {
            let website = i32::try_from(w)
                .ok()
                .and_then(|w| scopes.website(w))
                .ok_or_else(|| {
                    ApiError::NotFound(Phrase::positional(
                        "The website with id %1 that was requested wasn't found. Verify the website and try again.",
                        vec![json!(w)],
                    ))
                })?;
            scopes
                .website_default_store(website.website_id)
                .ok_or_else(store_not_found)?
        }
        (None, None) => scopes.default_store(),
    };
    if website_id.is_some_and(|w| w != i64::from(store.website_id)) {
        return Err(ApiError::Input(Phrase::new(
            "The store view is not in the associated website.",
        )));
    }
    let group_id = match customer.group_id {
        None => DEFAULT_GROUP_ID,
        Some(g) => i32::try_from(g)
            .ok()
            .filter(|&g| g == 0 || scopes.customer_group_exists(g))
            .ok_or_else(|| {
                ApiError::Input(Phrase::new(
                    "The specified customer group id does not exist.",
                ))
            })?,
    };
    Ok(AccountPlacement {
        website_id: store.website_id,
        store_id: store.store_id,
        group_id,
        created_in: store.name.clone(),
    })
}

pub fn no_such_customer(id: i32) -> ApiError {
    ApiError::NotFound(Phrase::no_such_entity("customerId", id))
}

/// A customer-level `default_billing`/`default_shipping`: it must name one of the customer's
/// addresses (Magento CustomerRepository::validateDefaultAddress). Empty means "not sent".
fn requested_default(
    field: &str,
    value: &Option<String>,
    address_ids: &[i32],
) -> Result<Option<i32>, ApiError> {
    let Some(raw) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    raw.parse::<i32>()
        .ok()
        .filter(|id| address_ids.contains(id))
        .map(Some)
        .ok_or_else(|| {
            ApiError::Input(
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

/// Moves a default according to one address's flag: `true` makes it the default, `false`
/// clears it if it was (Magento Address\Relation).
fn apply_flag(default: &mut Option<i32>, flag: Option<bool>, address_id: i32) {
    match flag {
        Some(true) => *default = Some(address_id),
        Some(false) if *default == Some(address_id) => *default = None,
        _ => {}
    }
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
    now: NaiveDateTime,
) -> Result<(CustomerRow, Vec<AddressRow>), ApiError> {
    let (current, existing) =
        queries::load(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))?;
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
        return Err(ApiError::Input(Phrase::duplicate_email()));
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
                    let not_found = || ApiError::NotFound(Phrase::no_such_entity("addressId", id));
                    let id = i32::try_from(id).map_err(|_| not_found())?;
                    let Some(stored) = existing.iter().find(|a| a.entity_id == id) else {
                        return Err(match address_queries::find(conn, id)? {
                            // Magento 2.4.4-2.4.7's message (2.4.8 reuses the
                            // duplicate-e-mail text here, which misleads).
                            Some(_) => ApiError::Input(
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
    queries::update(conn, customer_id, &changes)?;
    queries::load(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))
}

/// Magento's AccountManagement::createAccount, in Magento's order of checks (contract §5.1):
/// group only with Magento_Customer::manage, e-mail present, password policy, store and website,
/// e-mail free in the website, attributes, addresses; then one transaction for the customer
/// and its addresses, and a welcome (or confirmation) mail whose failure never fails the call.
pub async fn create_account(
    state: &AppState,
    caller: &Caller,
    customer: CustomerInput,
    password: Option<String>,
    redirect_url: Option<String>,
) -> Result<(CustomerRow, Vec<AddressRow>), ApiError> {
    if customer.group_id.is_some() && !caller.has_resource(MANAGE) {
        return Err(ApiError::not_authorized(MANAGE));
    }
    let Some(email) = customer.email.clone() else {
        return Err(ApiError::Input(Phrase::new(
            "The email address is required to create a customer account.",
        )));
    };
    let password = password
        .map(|p| {
            state
                .settings
                .password_policy
                .check(&p, &email)
                .map_err(ApiError::Input)
        })
        .transpose()?;
    let placement = resolve_placement(&state.scopes, &customer)?;

    // Validation is pure and cheap; its errors are reported after the duplicate check, in
    // Magento's order, but computed first so no hash is spent on a doomed request.
    let today = db::now().date();
    let attributes = customer.validate_attributes(today);
    let addresses: Result<Vec<_>, ApiError> = customer
        .addresses
        .iter()
        .flatten()
        .map(|a| a.validate())
        .collect();

    let normalized = crate::domain::email::normalize(&email);
    let website_id = placement.website_id;
    let existing = state
        .db
        .run(move |conn| Ok(queries::find_id_by_email(conn, &normalized, website_id)?))
        .await?;
    if customer.id.is_some() {
        // Magento loads the account by e-mail when an id is sent.
        return Err(match existing {
            Some(_) => ApiError::Input(Phrase::new("This customer already exists in this store.")),
            None => ApiError::NotFound(Phrase::no_such_email(&email, website_id)),
        });
    }
    if existing.is_some() {
        return Err(ApiError::Input(Phrase::duplicate_email()));
    }
    let attributes = attributes?;
    let addresses = addresses?;

    let secrets = InitialSecrets {
        password_hash: match password {
            Some(p) => Some(state.hasher.hash(p.expose().to_owned()).await?),
            None => None,
        },
        confirmation_hash: None,
    };
    let confirmation_key = state.settings.confirmation_required.then(token::issue_key);
    let secrets = InitialSecrets {
        confirmation_hash: confirmation_key.as_ref().map(|k| k.hash.clone()),
        ..secrets
    };
    let now = db::now_seconds();
    let (row, address_rows) = state
        .db
        .run(move |conn| {
            let id = queries::create_with_addresses(
                conn,
                &attributes,
                &placement,
                &secrets,
                &addresses,
                now,
            )
            .map_err(|e| match e {
                CreateError::DuplicateEmail => ApiError::Input(Phrase::duplicate_email()),
                CreateError::Database(e) => ApiError::from(e),
            })?;
            queries::load(conn, id)?
                .ok_or_else(|| ApiError::internal(format!("customer {id} vanished after insert")))
        })
        .await?;
    // Mail failures never fail the sign-up (Magento ignores them too); they are logged.
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
    Ok((row, address_rows))
}

/// The one answer to every failed sign-in (Magento masks the reason).
pub fn sign_in_failed() -> ApiError {
    ApiError::Unauthorized(Phrase::new(
        "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.",
    ))
}

/// Throttle bookkeeping after a sign-in attempt (Magento RequestThrottler): a failure counts
/// towards the username's lock, a success clears it.
pub fn settle_throttle(
    conn: &mut DbConnection,
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

/// Magento's CustomerTokenService::createCustomerAccessToken (contract §7.1, §7.4, §7.5): the
/// per-username throttle, then authentication in the website; every failure is the same error
/// and costs the same one password verification. Returns the new token.
pub async fn sign_in_customer(
    state: &AppState,
    website_id: i32,
    username: String,
    password: String,
) -> Result<String, ApiError> {
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
    Ok(issued.plain)
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
) -> Result<(), ApiError> {
    let customer: CustomerRow = state
        .db
        .run(move |conn| Ok(queries::find(conn, customer_id)?))
        .await?
        .ok_or_else(|| ApiError::Unauthorized(Phrase::new("Invalid login or password.")))?;

    if !state
        .hasher
        .verify(current, customer.password_hash.clone())
        .await?
    {
        let settings = state.settings.clone();
        let locked = state
            .db
            .run(move |conn| {
                let now = db::now();
                queries::record_login_failure(
                    conn,
                    customer_id,
                    now,
                    settings.lockout_failures,
                    db::chrono_duration(settings.lockout_duration),
                )?;
                Ok(queries::find(conn, customer_id)?
                    .and_then(|c| c.lock_expires)
                    .is_some_and(|until| until > now))
            })
            .await?;
        return Err(ApiError::Unauthorized(Phrase::new(if locked {
            "The account is locked."
        } else {
            "The password doesn't match this account. Verify the password and try again."
        })));
    }
    if new.eq_ignore_ascii_case(&customer.email) {
        return Err(ApiError::Input(Phrase::new(
            "The password can't be the same as the email address. Create a new password and try again.",
        )));
    }
    let password = state
        .settings
        .password_policy
        .check(&new, &customer.email)
        .map_err(ApiError::Input)?;
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = db::now();
                queries::update(conn, customer_id, &CustomerChanges::password(hash, now))?;
                token_queries::revoke_all_of_customer(conn, customer_id, keep, now)?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    Ok(())
}

pub const RESET_TEMPLATES: [&str; 2] = ["email_reminder", "email_reset"];

pub fn mismatched() -> ApiError {
    ApiError::Input(Phrase::new(
        "The password token is mismatched. Reset and try again.",
    ))
}

/// Checks a presented reset key against the stored hash and its age (Magento: expired when
/// whole hours since issue reach the lifetime, or when issued in the future).
pub fn check_reset_key(
    customer: &CustomerRow,
    presented: &str,
    now: NaiveDateTime,
    lifetime_hours: i64,
) -> Result<(), ApiError> {
    let (Some(stored), Some(issued)) = (&customer.rp_token_hash, customer.rp_token_created_at)
    else {
        return Err(mismatched());
    };
    if *stored != token::hash(presented) {
        return Err(mismatched());
    }
    let age = now - issued;
    if age < chrono::TimeDelta::zero() || age.num_hours() >= lifetime_hours {
        return Err(ApiError::Input(Phrase::new(
            "The password token is expired. Reset and try again.",
        )));
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
) -> Result<bool, ApiError> {
    let settings = state.settings.clone();
    let normalized = normalize(&email);
    let key_for_limit = normalized.clone();
    let limited = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
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
                Ok::<_, ApiError>(limited)
            })
        })
        .await?;
    if limited {
        return Err(ApiError::Input(Phrase::positional(
            "We received too many requests for password resets. Please wait and try again later or contact %1.",
            vec![json!(state.settings.contact_email)],
        )));
    }
    if !RESET_TEMPLATES.contains(&template.as_str()) {
        return Err(ApiError::Input(
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
                    rp_token_hash: Some(Some(key_hash)),
                    rp_token_created_at: Some(Some(db::now())),
                    ..CustomerChanges::default()
                },
            )?;
            Ok(Some(customer))
        })
        .await?;
    let Some(customer) = customer else {
        return if state.settings.guest_checkout_login {
            Err(ApiError::NotFound(Phrase::no_such_email(
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
/// token. An unknown e-mail answers like a wrong key unless GUEST_CHECKOUT_LOGIN is on.
pub async fn reset_password(
    state: &AppState,
    email: String,
    reset_token: String,
    new_password: String,
    website_id: i32,
) -> Result<(), ApiError> {
    let normalized = normalize(&email);
    let customer = state
        .db
        .run(move |conn| Ok(queries::find_by_email(conn, &normalized, website_id)?))
        .await?;
    let Some(customer) = customer else {
        return Err(if state.settings.guest_checkout_login {
            ApiError::NotFound(Phrase::no_such_email(&email, website_id))
        } else {
            mismatched()
        });
    };
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
        .map_err(ApiError::Input)?;
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    let customer_id = customer.entity_id;
    let presented_hash = token::hash(&reset_token);
    state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
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
        })
        .await?;
    Ok(())
}

/// Magento's AccountManagement::isEmailAvailable: always `true` (anti-enumeration) unless
/// GUEST_CHECKOUT_LOGIN restores the lookup.
pub async fn is_email_available(
    state: &AppState,
    email: &str,
    website_id: i32,
) -> Result<bool, ApiError> {
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

/// Why one address of a customer cannot be touched.
#[derive(Debug)]
pub enum AddressAccess {
    Missing,
    NotOwned,
}

/// The customer's own address with this id.
pub fn owned_address(
    conn: &mut DbConnection,
    customer_id: i32,
    address_id: i32,
) -> Result<Result<AddressRow, AddressAccess>, ApiError> {
    Ok(match address_queries::find(conn, address_id)? {
        None => Err(AddressAccess::Missing),
        Some(a) if a.customer_id != customer_id => Err(AddressAccess::NotOwned),
        Some(a) => Ok(a),
    })
}

/// Moves the customer's defaults by one address's flags (`true` sets, `false` clears it if it
/// was that address).
fn apply_address_flags(
    conn: &mut DbConnection,
    customer: &CustomerRow,
    address_id: i32,
    billing_flag: Option<bool>,
    shipping_flag: Option<bool>,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let (mut billing, mut shipping) = (customer.default_billing, customer.default_shipping);
    apply_flag(&mut billing, billing_flag, address_id);
    apply_flag(&mut shipping, shipping_flag, address_id);
    if (billing, shipping) != (customer.default_billing, customer.default_shipping) {
        queries::update(
            conn,
            customer.entity_id,
            &CustomerChanges {
                updated_at: Some(now),
                default_billing: Some(billing),
                default_shipping: Some(shipping),
                ..CustomerChanges::default()
            },
        )?;
    }
    Ok(())
}

/// Adds one address to a customer (AddressRepository::save without an id); returns its id.
pub fn add_address(
    conn: &mut DbConnection,
    customer_id: i32,
    given: &crate::domain::address::AddressInput,
    now: NaiveDateTime,
) -> Result<i32, ApiError> {
    let customer =
        queries::find(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))?;
    let address = given.validate()?;
    let id = address_queries::insert(conn, customer_id, &address, now)?;
    apply_address_flags(
        conn,
        &customer,
        id,
        given.default_billing,
        given.default_shipping,
        now,
    )?;
    Ok(id)
}

/// Updates one of the customer's addresses: what the input sends replaces the stored fields.
pub fn update_address(
    conn: &mut DbConnection,
    customer_id: i32,
    stored: &AddressRow,
    given: &crate::domain::address::AddressInput,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let customer =
        queries::find(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))?;
    let address = given.overlaid_on(stored.as_input()).validate()?;
    address_queries::update(conn, stored.entity_id, &address, now)?;
    apply_address_flags(
        conn,
        &customer,
        stored.entity_id,
        given.default_billing,
        given.default_shipping,
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::scopes::{Store, StoreGroup, Website};

    fn scopes() -> Scopes {
        Scopes {
            websites: vec![
                Website {
                    website_id: 0,
                    code: "admin".into(),
                    name: "Admin".into(),
                    sort_order: 0,
                    default_group_id: 0,
                    is_default: false,
                },
                Website {
                    website_id: 1,
                    code: "base".into(),
                    name: "Main Website".into(),
                    sort_order: 0,
                    default_group_id: 1,
                    is_default: true,
                },
            ],
            groups: vec![
                StoreGroup {
                    group_id: 0,
                    website_id: 0,
                    name: "Default".into(),
                    root_category_id: 0,
                    default_store_id: 0,
                    code: "default".into(),
                },
                StoreGroup {
                    group_id: 1,
                    website_id: 1,
                    name: "Main Website Store".into(),
                    root_category_id: 2,
                    default_store_id: 1,
                    code: "main_website_store".into(),
                },
            ],
            stores: vec![
                Store {
                    store_id: 0,
                    code: "admin".into(),
                    website_id: 0,
                    group_id: 0,
                    name: "Admin".into(),
                    sort_order: 0,
                    is_active: true,
                },
                Store {
                    store_id: 1,
                    code: "default".into(),
                    website_id: 1,
                    group_id: 1,
                    name: "Default Store View".into(),
                    sort_order: 0,
                    is_active: true,
                },
            ],
            customer_group_ids: vec![0, 1, 2, 3],
        }
    }

    #[test]
    fn without_store_or_website_the_default_store_view_is_used() {
        let p = resolve_placement(&scopes(), &CustomerInput::default()).unwrap();
        assert_eq!((p.website_id, p.store_id, p.group_id), (1, 1, 1));
        assert_eq!(p.created_in, "Default Store View");
    }

    #[test]
    fn a_store_outside_the_website_is_refused() {
        let c = CustomerInput {
            store_id: Some(0),
            website_id: Some(1),
            ..Default::default()
        };
        assert!(resolve_placement(&scopes(), &c).is_ok());
        let c = CustomerInput {
            store_id: Some(1),
            website_id: Some(5),
            ..Default::default()
        };
        assert_eq!(
            resolve_placement(&scopes(), &c).unwrap_err().to_string(),
            "input error: The store view is not in the associated website."
        );
        let c = CustomerInput {
            store_id: Some(9),
            ..Default::default()
        };
        assert!(matches!(
            resolve_placement(&scopes(), &c),
            Err(ApiError::NotFound(_))
        ));
        let c = CustomerInput {
            website_id: Some(9),
            ..Default::default()
        };
        assert!(matches!(
            resolve_placement(&scopes(), &c),
            Err(ApiError::NotFound(_))
        ));
    }
}
