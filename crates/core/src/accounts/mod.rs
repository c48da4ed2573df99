//! The service layer: every use case of the API, one topic per file, called by every front
//! door (REST, GraphQL) alike, so a rule is written once. Functions take the application state
//! and domain types, run database work and password hashing off the async workers, and return
//! an `Account`, a value or an `AppError`. No web framework here.
//!
//! The rows a use case returns are re-exported here, so a door names `accounts::Account`
//! and never `db`.

pub mod addresses;
pub mod back_office;
pub mod groups;
pub mod migration;
pub mod newsletter;
pub mod password;
pub mod placement;
pub mod profile;
pub mod registration;
pub mod sign_in;
pub mod storefront;

use crate::db::customers as queries;
use crate::error::{AppError, Phrase};
use crate::state::AppState;
use serde_json::Value;

pub use crate::db::addresses::AddressRow;
pub use crate::db::customers::{Account, CustomerRow};
pub use crate::db::groups::GroupRow;
pub use crate::db::scopes::{ADMIN_STORE_ID, Scopes};
pub use crate::db::tokens::CustomerTokenOwner;
pub use addresses::{AddressAccess, AddressError, AddressOf};
pub use profile::SaveMode;

/// A customer or address id as a request gave it, and as the database can hold it (`None`
/// when out of range: no such entity, reported with the id as given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityId {
    pub given: i64,
    pub id: Option<i32>,
}

impl EntityId {
    pub fn new(given: i64) -> Self {
        Self {
            given,
            id: i32::try_from(given).ok(),
        }
    }
}

impl From<i32> for EntityId {
    fn from(id: i32) -> Self {
        Self {
            given: i64::from(id),
            id: Some(id),
        }
    }
}

/// Refused when a customer would have more than `max` addresses.
pub fn too_many_addresses(max: usize) -> AppError {
    AppError::Input(Phrase::positional(
        "A customer can have no more than %1 addresses.",
        vec![Value::from(max)],
    ))
}

/// `No such entity with customerId = %1`.
pub fn no_such_customer(id: impl Into<Value>) -> AppError {
    AppError::NotFound(Phrase::no_such_entity("customerId", id))
}

/// The signed-in customer's own account: as read with their token earlier in this request
/// (`TokenRead::WithAccount`, no second round trip), else loaded. Every door's "me" reads it
/// this way.
pub async fn own_account(
    state: &AppState,
    me: &crate::auth::AuthenticatedCustomer,
) -> Result<std::sync::Arc<Account>, AppError> {
    match &me.account {
        Some(account) => Ok(account.clone()),
        None => Ok(std::sync::Arc::new(
            load_account(state, EntityId::from(me.customer_id)).await?,
        )),
    }
}

/// A customer with its addresses, or 404 `No such entity with customerId = ...`.
pub async fn load_account(state: &AppState, customer_id: EntityId) -> Result<Account, AppError> {
    let Some(id) = customer_id.id else {
        return Err(no_such_customer(customer_id.given));
    };
    state
        .db
        .run(move |conn| Ok(queries::load(conn, id)?))
        .await?
        .ok_or_else(|| no_such_customer(customer_id.given))
}

/// Magento's lock rule for an account read on the customer's behalf (GetCustomer): refused
/// with `The account is locked.` while the lock lasts.
pub fn ensure_unlocked(account: &Account) -> Result<(), AppError> {
    if account
        .customer
        .lock_expires
        .is_some_and(|until| until > crate::db::now())
    {
        return Err(password::account_locked());
    }
    Ok(())
}

/// The signed-in customer's account as Magento's GetCustomer loads it: 404 when gone, refused
/// while locked.
pub async fn load_unlocked_account(
    state: &AppState,
    customer_id: i32,
) -> Result<Account, AppError> {
    let account = load_account(state, EntityId::from(customer_id)).await?;
    ensure_unlocked(&account)?;
    Ok(account)
}
