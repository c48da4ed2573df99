//! One address at a time: Magento's AddressRepository (add, change, delete, read) for the
//! customer's own addresses and for the back office, and the default-address flags.

use super::no_such_customer;
use crate::db::addresses::AddressRow;
use crate::db::customers::{self as queries, Account, CustomerChanges, CustomerRow};
use crate::db::{self, DbConnection, addresses as address_queries};
use crate::domain::address::AddressInput;
use crate::error::AppError;
use crate::state::AppState;
use chrono::NaiveDateTime;

/// Moves a default according to one address's flag: `true` makes it the default, `false`
/// clears it if it was (Magento Address\Relation).
pub(super) fn apply_flag(default: &mut Option<i32>, flag: Option<bool>, address_id: i32) {
    match flag {
        Some(true) => *default = Some(address_id),
        Some(false) if *default == Some(address_id) => *default = None,
        _ => {}
    }
}

/// Why one address of a customer cannot be touched.
#[derive(Debug)]
pub enum AddressAccess {
    Missing,
    NotOwned,
    /// A default address, which the customer cannot delete (GraphQL); names which default.
    IsDefault(&'static str),
}

/// A change to one of the customer's own addresses that did not happen: refused for that
/// address (each door words it its own way), or failed like any use case.
#[derive(Debug)]
pub enum AddressError {
    Refused(AddressAccess),
    Failed(AppError),
}

impl From<AppError> for AddressError {
    fn from(e: AppError) -> Self {
        Self::Failed(e)
    }
}

/// The customer's own address with this id.
fn owned_address(
    conn: &mut DbConnection,
    customer_id: i32,
    address_id: i32,
) -> Result<Result<AddressRow, AddressAccess>, AppError> {
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
) -> Result<(), AppError> {
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
fn add_address(
    conn: &mut DbConnection,
    customer_id: i32,
    given: &AddressInput,
    max_addresses: usize,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let customer =
        queries::find(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))?;
    let address = given.validate()?;
    if address_queries::count_of_customer(conn, customer_id)? >= max_addresses as i64 {
        return Err(super::too_many_addresses(max_addresses));
    }
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
fn update_address(
    conn: &mut DbConnection,
    customer_id: i32,
    stored: &AddressRow,
    given: &AddressInput,
    now: NaiveDateTime,
) -> Result<(), AppError> {
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

/// An address with the customer it belongs to (both are rendered together).
#[derive(Debug, Clone)]
pub struct AddressOf {
    pub address: AddressRow,
    pub customer: CustomerRow,
}

impl AddressOf {
    fn in_account(account: Account, address_id: i32) -> Option<Self> {
        let address = account
            .addresses
            .into_iter()
            .find(|a| a.entity_id == address_id)?;
        Some(Self {
            address,
            customer: account.customer,
        })
    }
}

/// Adds an address to the customer's account and returns it as stored.
pub async fn add_own_address(
    state: &AppState,
    customer_id: i32,
    given: AddressInput,
) -> Result<AddressOf, AppError> {
    let now = db::now_seconds();
    let max_addresses = state.settings.max_addresses_per_customer;
    state
        .db
        .write(move |conn| {
            queries::lock_customer(conn, customer_id)?;
            let id = add_address(conn, customer_id, &given, max_addresses, now)?;
            let account =
                queries::load(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))?;
            AddressOf::in_account(account, id)
                .ok_or_else(|| AppError::internal(format!("address {id} vanished after insert")))
        })
        .await
}

/// Changes one of the customer's own addresses (what is sent replaces the stored fields).
pub async fn update_own_address(
    state: &AppState,
    customer_id: i32,
    address_id: i32,
    given: AddressInput,
) -> Result<AddressOf, AddressError> {
    let now = db::now_seconds();
    let outcome = state
        .db
        .write(move |conn| {
            queries::lock_customer(conn, customer_id)?;
            let stored = match owned_address(conn, customer_id, address_id)? {
                Ok(stored) => stored,
                Err(access) => return Ok(Err(access)),
            };
            update_address(conn, customer_id, &stored, &given, now)?;
            let account =
                queries::load(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))?;
            Ok(AddressOf::in_account(account, address_id).ok_or(AddressAccess::Missing))
        })
        .await?;
    outcome.map_err(AddressError::Refused)
}

/// Deletes one of the customer's own addresses; a default one is refused (Magento's GraphQL).
pub async fn delete_own_address(
    state: &AppState,
    customer_id: i32,
    address_id: i32,
) -> Result<(), AddressError> {
    let outcome = state
        .db
        .write(move |conn| {
            queries::lock_customer(conn, customer_id)?;
            if let Err(access) = owned_address(conn, customer_id, address_id)? {
                return Ok(Err(access));
            }
            let customer =
                queries::find(conn, customer_id)?.ok_or_else(|| no_such_customer(customer_id))?;
            if customer.default_billing == Some(address_id) {
                return Ok(Err(AddressAccess::IsDefault("billing")));
            }
            if customer.default_shipping == Some(address_id) {
                return Ok(Err(AddressAccess::IsDefault("shipping")));
            }
            address_queries::delete(conn, &[address_id])?;
            Ok(Ok(()))
        })
        .await?;
    outcome.map_err(AddressError::Refused)
}

/// The back office's `DELETE /V1/addresses/:id`: no default-address protection, as in
/// Magento's REST; a deleted default is cleared on the customer. `false` when there is no
/// such address.
pub async fn delete_address(state: &AppState, address_id: i32) -> Result<bool, AppError> {
    state
        .db
        .write(move |conn| {
            let Some(address) = address_queries::find(conn, address_id)? else {
                return Ok::<_, AppError>(false);
            };
            queries::lock_customer(conn, address.customer_id)?;
            if let Some(c) = queries::find(conn, address.customer_id)? {
                let clear = |d: Option<i32>| (d == Some(address_id)).then_some(None);
                queries::update(
                    conn,
                    c.entity_id,
                    &CustomerChanges {
                        default_billing: clear(c.default_billing),
                        default_shipping: clear(c.default_shipping),
                        ..CustomerChanges::default()
                    },
                )?;
            }
            address_queries::delete(conn, &[address_id])?;
            Ok(true)
        })
        .await
}

/// Any customer's address by id (back office), with its customer.
pub async fn find_address(
    state: &AppState,
    address_id: i32,
) -> Result<Option<AddressOf>, AppError> {
    state
        .db
        .run(move |conn| {
            let Some(address) = address_queries::find(conn, address_id)? else {
                return Ok(None);
            };
            Ok(queries::find(conn, address.customer_id)?
                .map(|customer| AddressOf { address, customer }))
        })
        .await
}
