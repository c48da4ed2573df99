//! Customer groups (Magento's `customer_group`), their tax classes (`tax_class`) and the
//! configured default group (`customer/create_account/default_group` in `core_config_data`).
//! Functions take a connection so callers compose them in one transaction.

use super::DbConnection;
use super::schema::{core_config_data, customer_groups, customers, tax_classes};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// `GroupManagement::XML_PATH_DEFAULT_ID`.
pub const DEFAULT_GROUP_PATH: &str = "customer/create_account/default_group";

/// The group new customers get when nothing is configured (Customer's `config.xml`).
pub const CONFIG_DEFAULT_GROUP_ID: i32 = 1;

/// `TaxClassManagementInterface::TYPE_CUSTOMER`.
pub const CUSTOMER_TAX_CLASS: &str = "CUSTOMER";

/// A customer group with its tax class name (`GroupInterface`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub id: i32,
    pub code: String,
    pub tax_class_id: i32,
    pub tax_class_name: Option<String>,
}

/// Why a group write failed in the database.
#[derive(Debug, thiserror::Error)]
pub enum GroupWriteError {
    #[error("a customer group with this code exists")]
    DuplicateCode,
    #[error(transparent)]
    Database(#[from] DieselError),
}

fn write_error(e: DieselError) -> GroupWriteError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            GroupWriteError::DuplicateCode
        }
        other => GroupWriteError::Database(other),
    }
}

/// The group with this id, with its tax class name.
pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<GroupRow>> {
    let row: Option<(i32, String, i32, Option<String>)> = customer_groups::table
        .left_join(tax_classes::table.on(tax_classes::class_id.eq(customer_groups::tax_class_id)))
        .filter(customer_groups::customer_group_id.eq(id))
        .select((
            customer_groups::customer_group_id,
            customer_groups::customer_group_code,
            customer_groups::tax_class_id,
            tax_classes::class_name.nullable(),
        ))
        .first(conn)
        .optional()?;
    Ok(
        row.map(|(id, code, tax_class_id, tax_class_name)| GroupRow {
            id,
            code,
            tax_class_id,
            tax_class_name,
        }),
    )
}

/// Whether a group with this id exists.
pub fn exists(conn: &mut DbConnection, id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        customer_groups::table.filter(customer_groups::customer_group_id.eq(id)),
    ))
    .get_result(conn)
}

/// The type (`CUSTOMER`, `PRODUCT`) of a tax class, if it exists.
pub fn tax_class_type(conn: &mut DbConnection, class_id: i32) -> QueryResult<Option<String>> {
    tax_classes::table
        .find(class_id)
        .select(tax_classes::class_type)
        .first(conn)
        .optional()
}

/// Whether another group (not `except`) has this code in any letter case (Magento's
/// `_checkUnique`, a read before the write, so a refused save spends no id).
pub fn code_taken(conn: &mut DbConnection, code: &str, except: Option<i32>) -> QueryResult<bool> {
    let same_code = customer_groups::customer_group_code_normalized.eq(code.to_lowercase());
    let found: Option<i32> = customer_groups::table
        .filter(same_code)
        .filter(customer_groups::customer_group_id.ne(except.unwrap_or(-1)))
        .select(customer_groups::customer_group_id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Creates a group; the unique index on the lower-cased code decides races.
pub fn insert(
    conn: &mut DbConnection,
    code: &str,
    tax_class_id: i32,
) -> Result<i32, GroupWriteError> {
    diesel::insert_into(customer_groups::table)
        .values((
            customer_groups::customer_group_code.eq(code),
            customer_groups::customer_group_code_normalized.eq(code.to_lowercase()),
            customer_groups::tax_class_id.eq(tax_class_id),
        ))
        .returning(customer_groups::customer_group_id)
        .get_result(conn)
        .map_err(write_error)
}

/// Changes a group's code and tax class.
pub fn update(
    conn: &mut DbConnection,
    id: i32,
    code: &str,
    tax_class_id: i32,
) -> Result<(), GroupWriteError> {
    diesel::update(customer_groups::table.find(id))
        .set((
            customer_groups::customer_group_code.eq(code),
            customer_groups::customer_group_code_normalized.eq(code.to_lowercase()),
            customer_groups::tax_class_id.eq(tax_class_id),
        ))
        .execute(conn)
        .map(|_| ())
        .map_err(write_error)
}

/// Locks a group's row until the transaction ends (PostgreSQL; SQLite's write transaction
/// already excludes other writers). A customer insert naming the group waits for it.
pub fn lock(conn: &mut DbConnection, id: i32) -> QueryResult<bool> {
    let found = match conn {
        DbConnection::Pg(pg) => customer_groups::table
            .find(id)
            .select(customer_groups::customer_group_id)
            .for_update()
            .first::<i32>(pg)
            .optional()?,
        DbConnection::Sqlite(_) => customer_groups::table
            .find(id)
            .select(customer_groups::customer_group_id)
            .first::<i32>(conn)
            .optional()?,
    };
    Ok(found.is_some())
}

/// Deletes a group after moving its customers to their store's default group (Magento's
/// `ResourceModel\Group::_afterDelete`). Call inside a write transaction, after `lock`.
pub fn delete_moving_customers(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
    let stores: Vec<i32> = customers::table
        .filter(customers::group_id.eq(id))
        .select(customers::store_id)
        .distinct()
        .load(conn)?;
    for store_id in stores {
        let default = default_group_id(conn, store_id)?;
        diesel::update(
            customers::table
                .filter(customers::group_id.eq(id))
                .filter(customers::store_id.eq(store_id)),
        )
        .set(customers::group_id.eq(default))
        .execute(conn)?;
    }
    diesel::delete(customer_groups::table.find(id)).execute(conn)?;
    Ok(())
}

fn config_value(
    conn: &mut DbConnection,
    scope: &str,
    scope_id: i32,
) -> QueryResult<Option<Option<String>>> {
    core_config_data::table
        .filter(core_config_data::scope.eq(scope))
        .filter(core_config_data::scope_id.eq(scope_id))
        .filter(core_config_data::path.eq(DEFAULT_GROUP_PATH))
        .select(core_config_data::value)
        .first(conn)
        .optional()
}

fn as_group_id(value: Option<String>) -> i32 {
    value
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(CONFIG_DEFAULT_GROUP_ID)
}

/// The configured default group of a store view: its store-scope value, else the default
/// scope's, else Magento's `config.xml` default (1).
pub fn default_group_id(conn: &mut DbConnection, store_id: i32) -> QueryResult<i32> {
    let value = match config_value(conn, "stores", store_id)? {
        Some(v) => v,
        None => config_value(conn, "default", 0)?.flatten(),
    };
    Ok(as_group_id(value))
}

/// Every group some store view uses as its default (`Group::usesAsDefault`).
pub fn default_group_ids(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    let values: Vec<Option<String>> = core_config_data::table
        .filter(core_config_data::path.eq(DEFAULT_GROUP_PATH))
        .select(core_config_data::value)
        .load(conn)?;
    let configured_default = config_value(conn, "default", 0)?.is_some();
    let mut ids: Vec<i32> = values.into_iter().map(as_group_id).collect();
    if !configured_default {
        ids.push(CONFIG_DEFAULT_GROUP_ID);
    }
    Ok(ids)
}

/// Sets the default group at the default scope (`CustomerGroupConfig::setDefaultCustomerGroup`).
/// Call inside a write transaction (a delete and an insert: upserts are not available through
/// the MultiConnection).
pub fn set_default_group_id(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
    let default_scope = core_config_data::table
        .filter(core_config_data::scope.eq("default"))
        .filter(core_config_data::scope_id.eq(0))
        .filter(core_config_data::path.eq(DEFAULT_GROUP_PATH));
    diesel::delete(default_scope).execute(conn)?;
    diesel::insert_into(core_config_data::table)
        .values((
            core_config_data::scope.eq("default"),
            core_config_data::scope_id.eq(0),
            core_config_data::path.eq(DEFAULT_GROUP_PATH),
            core_config_data::value.eq(id.to_string()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Every group, NOT LOGGED IN included, by id, as `(id, code)`.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String)>> {
    customer_groups::table
        .select((
            customer_groups::customer_group_id,
            customer_groups::customer_group_code,
        ))
        .order(customer_groups::customer_group_id)
        .load(conn)
}

/// Every group but NOT LOGGED IN, by id, as `(id, code)` (`GroupManagement::getLoggedInGroups`).
pub fn logged_in(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String)>> {
    customer_groups::table
        .filter(customer_groups::customer_group_id.ne(0))
        .select((
            customer_groups::customer_group_id,
            customer_groups::customer_group_code,
        ))
        .order(customer_groups::customer_group_id)
        .load(conn)
}
