//! Customer groups: Magento's GroupRepository (get, save, delete, search), GroupManagement
//! (default group, read-only check) and CustomerGroupConfig (set the default group), with
//! their checks in Magento's order and their messages.

use super::EntityId;
use crate::db::DbConnection;
use crate::db::groups::{self as queries, CUSTOMER_TAX_CLASS, GroupRow, GroupWriteError};
use crate::db::search;
use crate::domain::group::{DEFAULT_TAX_CLASS_ID, GroupCode, GroupInput, NOT_LOGGED_IN_ID};
use crate::domain::search::SearchCriteria;
use crate::error::{AppError, Phrase};
use crate::state::AppState;
use serde_json::Value;

/// `No such entity with id = %fieldValue` (GroupRegistry::retrieve).
fn no_such_group(given: impl Into<Value>) -> AppError {
    AppError::NotFound(Phrase::no_such_entity("id", given))
}

/// The group, or `No such entity with <field> = <id as given>`.
fn retrieve_as(conn: &mut DbConnection, id: EntityId, field: &str) -> Result<GroupRow, AppError> {
    match id.id {
        Some(i) => queries::find(conn, i)?,
        None => None,
    }
    .ok_or_else(|| AppError::NotFound(Phrase::no_such_entity(field, id.given)))
}

fn retrieve(conn: &mut DbConnection, id: EntityId) -> Result<GroupRow, AppError> {
    retrieve_as(conn, id, "id")
}

/// `GET /V1/customerGroups/:id`.
pub async fn get_group(state: &AppState, id: EntityId) -> Result<GroupRow, AppError> {
    state.db.run(move |conn| retrieve(conn, id)).await
}

/// `_verifyTaxClassModel`: the class must exist and be a customer tax class; the message
/// names the value as the request gave it.
fn verify_tax_class(
    conn: &mut DbConnection,
    class_id: Option<i64>,
    given: Option<i64>,
) -> Result<i32, AppError> {
    let invalid = || AppError::Input(Phrase::invalid_field_value("taxClassId", given));
    let class_id = class_id
        .and_then(|c| i32::try_from(c).ok())
        .ok_or_else(invalid)?;
    match queries::tax_class_type(conn, class_id)? {
        Some(t) if t == CUSTOMER_TAX_CLASS => Ok(class_id),
        _ => Err(invalid()),
    }
}

fn duplicate_code() -> AppError {
    AppError::Input(Phrase::new("Customer Group already exists."))
}

fn already_exists(e: GroupWriteError) -> AppError {
    match e {
        GroupWriteError::DuplicateCode => duplicate_code(),
        GroupWriteError::Database(e) => e.into(),
    }
}

fn refuse_taken_code(
    conn: &mut DbConnection,
    code: &GroupCode,
    except: Option<i32>,
) -> Result<(), AppError> {
    if queries::code_taken(conn, code.as_str(), except)? {
        return Err(duplicate_code());
    }
    Ok(())
}

/// `GroupRepository::save`: with an id (0 included) the group is updated, without one a group
/// is created (tax class 3 when none or 0 is given). Code first, then the tax class, then the
/// group itself; the code is unique regardless of letter case.
pub async fn save_group(state: &AppState, input: GroupInput) -> Result<GroupRow, AppError> {
    let code = GroupCode::parse(input.code.as_deref())?;
    state
        .db
        .write(move |conn| {
            let id = match input.id {
                Some(given) => {
                    let tax_class = verify_tax_class(conn, input.tax_class_id, input.tax_class_id)?;
                    let group = retrieve(conn, EntityId::new(given))?;
                    refuse_taken_code(conn, &code, Some(group.id))?;
                    queries::update(conn, group.id, code.as_str(), tax_class)
                        .map_err(already_exists)?;
                    group.id
                }
                None => {
                    let wanted = input
                        .tax_class_id
                        .filter(|&c| c != 0)
                        .unwrap_or(DEFAULT_TAX_CLASS_ID);
                    let tax_class = verify_tax_class(conn, Some(wanted), input.tax_class_id)?;
                    refuse_taken_code(conn, &code, None)?;
                    queries::insert(conn, code.as_str(), tax_class).map_err(already_exists)?
                }
            };
            queries::find(conn, id)?.ok_or_else(|| no_such_group(id))
        })
        .await
}

/// `GroupRepository::deleteById`: NOT LOGGED IN and any group a store uses as its default
/// cannot be deleted; the group's customers move to their store's default group.
pub async fn delete_group(state: &AppState, id: EntityId) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| {
            let group = retrieve(conn, id)?;
            queries::lock(conn, group.id)?;
            if group.id <= NOT_LOGGED_IN_ID || queries::default_group_ids(conn)?.contains(&group.id)
            {
                return Err(AppError::Input(Phrase::new("Cannot delete group.")));
            }
            queries::delete_moving_customers(conn, group.id)?;
            Ok(())
        })
        .await
}

/// `GroupManagement::getDefaultGroup` for a store view. `store_label` is how the request
/// named the store (its code, or the id given), as the messages show it.
pub async fn default_group(
    state: &AppState,
    store_id: i32,
    store_label: Value,
) -> Result<GroupRow, AppError> {
    state
        .db
        .run(move |conn| {
            let group_id = queries::default_group_id(conn, store_id)?;
            queries::find(conn, group_id)?.ok_or_else(|| {
                AppError::NotFound(
                    Phrase::new(
                        "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value",
                    )
                    .with("fieldName", "groupId")
                    .with("fieldValue", group_id)
                    .with("field2Name", "storeId")
                    .with("field2Value", store_label.clone()),
                )
            })
        })
        .await
}

/// `CustomerGroupConfig::setDefaultCustomerGroup`: the group must exist; answers its id.
pub async fn set_default_group(state: &AppState, id: EntityId) -> Result<i32, AppError> {
    state
        .db
        .write(move |conn| {
            let group = retrieve(conn, id)?;
            queries::set_default_group_id(conn, group.id)?;
            Ok(group.id)
        })
        .await
}

/// `GroupManagement::isReadonly`: NOT LOGGED IN and default groups are read-only.
pub async fn is_readonly(state: &AppState, id: EntityId) -> Result<bool, AppError> {
    state
        .db
        .run(move |conn| {
            let group = retrieve_as(conn, id, "groupId")?;
            Ok(group.id == NOT_LOGGED_IN_ID
                || queries::default_group_ids(conn)?.contains(&group.id))
        })
        .await
}

/// `GroupRepository::getList`: one page of groups and the total count.
pub async fn search_groups(
    state: &AppState,
    criteria: SearchCriteria,
) -> Result<(Vec<GroupRow>, i64), AppError> {
    state
        .db
        .run(move |conn| search::search_groups(conn, &criteria))
        .await
}

/// `GroupManagement::getLoggedInGroups`, as `(id, code)`: the options of `group_id`.
pub async fn logged_in_groups(state: &AppState) -> Result<Vec<(i32, String)>, AppError> {
    state.db.run(|conn| Ok(queries::logged_in(conn)?)).await
}

/// Every group, NOT LOGGED IN included, as `(id, code)` (GraphQL's `allCustomerGroups`:
/// `GroupRepository::getList` with empty criteria).
pub async fn all_groups(state: &AppState) -> Result<Vec<(i32, String)>, AppError> {
    state.db.run(|conn| Ok(queries::all(conn)?)).await
}
