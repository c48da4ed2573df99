//! Account operations shared by the front doors (REST for customers and for the back office,
//! and later GraphQL): each takes a connection, so callers compose it into their transaction.

use crate::db::customers::{self as queries, AddressRow, CustomerChanges, CustomerRow};
use crate::db::{DbConnection, addresses as address_queries};
use crate::domain::address::ValidAddress;
use crate::domain::customer::{CustomerInput, ValidCustomer};
use crate::error::{ApiError, Phrase};
use chrono::NaiveDateTime;

/// Where an admin moves a customer (website, store view, group).
#[derive(Debug, Clone, Copy)]
pub struct ScopeChange {
    pub website_id: i32,
    pub store_id: i32,
    pub group_id: i32,
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
