//! The signed-in customer's own account (Magento ACL `self`): read, update, password change,
//! default addresses.

use super::body::{RequestInput, required_strings};
use crate::auth::AuthenticatedCustomer;
use crate::db::customers::{self as queries, CustomerChanges, CustomerRow};
use crate::db::{self, addresses as address_queries, tokens as token_queries};
use crate::domain::address::ValidAddress;
use crate::domain::customer::CustomerInput;
use crate::error::{ApiError, Phrase};
use crate::input::{dedupe_case_insensitive_keys, to_string, top_level};
use crate::json;
use crate::startup::AppState;
use crate::wire::customer::{AddressResponse, CustomerResponse, parse_customer};
use actix_web::{HttpResponse, web};

fn no_such_customer(id: i32) -> ApiError {
    ApiError::NotFound(Phrase::no_such_entity("customerId", id))
}

/// `GET /V1/customers/me`
pub async fn get_current_customer(
    state: web::Data<AppState>,
    customer: AuthenticatedCustomer,
) -> Result<HttpResponse, ApiError> {
    let id = customer.customer_id;
    let (row, addresses) = state
        .db
        .run(move |conn| Ok(queries::load(conn, id)?))
        .await?
        .ok_or_else(|| no_such_customer(id))?;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &addresses)))
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

/// `PUT /V1/customers/me`: Magento's CustomerRepository::save for the token's customer.
/// id, group, website and store come from the token's customer, whatever the body says.
/// `addresses` absent keeps them; present is the new full list. All or nothing.
pub async fn save_current_customer(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let customer = top_level(&input, "customer")
        .map(|v| parse_customer("customer", &dedupe_case_insensitive_keys(v)))
        .transpose()?;
    // Magento's save also takes a raw `passwordHash`; from a customer that would bypass the
    // password policy, so it is type-checked and ignored (PUT /V1/customers/me/password sets
    // passwords).
    top_level(&input, "passwordHash")
        .map(|v| to_string(None, v))
        .transpose()?;
    let customer: CustomerInput =
        customer.ok_or_else(|| ApiError::Input(Phrase::required("customer")))?;
    let attributes = customer.validate_attributes(db::now().date())?;

    let customer_id = me.customer_id;
    let now = db::now_seconds();
    let (row, addresses) = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let (current, existing) =
                    queries::load(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))?;
                let normalized = attributes.email.normalized();
                let email_changed = normalized != current.email_normalized;
                if email_changed
                    && queries::find_id_by_email(conn, &normalized, current.website_id)?
                        .is_some_and(|id| id != customer_id)
                {
                    return Err(ApiError::Input(Phrase::duplicate_email()));
                }
                let existing_ids: Vec<i32> = existing.iter().map(|a| a.entity_id).collect();
                let mut billing = requested_default(
                    "default_billing",
                    &customer.default_billing,
                    &existing_ids,
                )?
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
                                let not_found =
                                    || ApiError::NotFound(Phrase::no_such_entity("addressId", id));
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
                    let removed: Vec<i32> =
                        existing_ids.iter().copied().filter(|id| !kept.contains(id)).collect();
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
                    ..CustomerChanges::default()
                };
                queries::update(conn, customer_id, &changes)?;
                queries::load(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))
            })
        })
        .await?;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &addresses)))
}

/// `PUT /V1/customers/me/password` (AccountManagement::changePasswordById). A wrong current
/// password counts towards the account lockout. Better than Magento: every other token of the
/// customer is revoked; the one making the call stays valid.
pub async fn change_password(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [current, new] = required_strings(&body.0, ["currentPassword", "newPassword"])?;
    let customer_id = me.customer_id;
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
    let keep = me.token_id;
    state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = db::now();
                queries::update(conn, customer_id, &CustomerChanges::password(hash, now))?;
                token_queries::revoke_all_of_customer(conn, customer_id, Some(keep), now)?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    Ok(json::ok(&true))
}

#[derive(Clone, Copy)]
enum DefaultAddress {
    Billing,
    Shipping,
}

async fn default_address(
    state: web::Data<AppState>,
    customer_id: i32,
    which: DefaultAddress,
) -> Result<HttpResponse, ApiError> {
    let (row, addresses) = state
        .db
        .run(move |conn| Ok(queries::load(conn, customer_id)?))
        .await?
        .ok_or_else(|| no_such_customer(customer_id))?;
    let default = match which {
        DefaultAddress::Billing => row.default_billing,
        DefaultAddress::Shipping => row.default_shipping,
    };
    Ok(
        match addresses.iter().find(|a| Some(a.entity_id) == default) {
            Some(a) => json::ok(&AddressResponse::from_row(a, &row)),
            // Magento renders a null return as [].
            None => json::ok(&Vec::<()>::new()),
        },
    )
}

/// `GET /V1/customers/me/billingAddress`
pub async fn default_billing_address(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
) -> Result<HttpResponse, ApiError> {
    default_address(state, me.customer_id, DefaultAddress::Billing).await
}

/// `GET /V1/customers/me/shippingAddress`
pub async fn default_shipping_address(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
) -> Result<HttpResponse, ApiError> {
    default_address(state, me.customer_id, DefaultAddress::Shipping).await
}
