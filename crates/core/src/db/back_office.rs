//! Admin users and integrations: the back office's accounts.

use super::DbConnection;
use super::schema::{access_tokens, admin_users, integrations};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = admin_users)]
pub struct AdminUser {
    pub id: i32,
    pub username: String,
    pub username_normalized: String,
    pub password_hash: String,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = integrations)]
pub struct Integration {
    pub id: i32,
    pub name: String,
    pub resources: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// The unique name is taken.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("the name is taken")]
    Taken,
    #[error(transparent)]
    Database(#[from] DieselError),
}

fn taken(e: DieselError) -> CreateError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => CreateError::Taken,
        other => CreateError::Database(other),
    }
}

pub fn create_admin(
    conn: &mut DbConnection,
    username: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> Result<i32, CreateError> {
    diesel::insert_into(admin_users::table)
        .values((
            admin_users::username.eq(username),
            admin_users::username_normalized.eq(username.to_lowercase()),
            admin_users::password_hash.eq(password_hash),
            admin_users::is_active.eq(true),
            admin_users::created_at.eq(now),
        ))
        .returning(admin_users::id)
        .get_result(conn)
        .map_err(taken)
}

pub fn list_admins(conn: &mut DbConnection) -> QueryResult<Vec<AdminUser>> {
    admin_users::table
        .order(admin_users::id)
        .select(AdminUser::as_select())
        .load(conn)
}

/// The admin with this user name (case-insensitive), active or not.
pub fn find_admin(conn: &mut DbConnection, username: &str) -> QueryResult<Option<AdminUser>> {
    admin_users::table
        .filter(admin_users::username_normalized.eq(username.to_lowercase()))
        .select(AdminUser::as_select())
        .first(conn)
        .optional()
}

/// Disables an admin and revokes its tokens; `false` when there is no such admin.
pub fn disable_admin(
    conn: &mut DbConnection,
    username: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let Some(admin) = find_admin(conn, username)? else {
            return Ok(false);
        };
        diesel::update(admin_users::table.find(admin.id))
            .set(admin_users::is_active.eq(false))
            .execute(conn)?;
        diesel::update(access_tokens::table.filter(access_tokens::admin_id.eq(admin.id)))
            .filter(access_tokens::revoked_at.is_null())
            .set(access_tokens::revoked_at.eq(now))
            .execute(conn)?;
        Ok(true)
    })
}

pub fn create_integration(
    conn: &mut DbConnection,
    name: &str,
    resources: &[String],
    now: NaiveDateTime,
) -> Result<i32, CreateError> {
    diesel::insert_into(integrations::table)
        .values((
            integrations::name.eq(name),
            integrations::resources.eq(resources.join(",")),
            integrations::created_at.eq(now),
        ))
        .returning(integrations::id)
        .get_result(conn)
        .map_err(taken)
}

pub fn list_integrations(conn: &mut DbConnection) -> QueryResult<Vec<Integration>> {
    integrations::table
        .order(integrations::id)
        .select(Integration::as_select())
        .load(conn)
}

/// Revokes an integration and its tokens; `false` when there is no live one of that name.
pub fn revoke_integration(
    conn: &mut DbConnection,
    name: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let id: Option<i32> = integrations::table
            .filter(integrations::name.eq(name))
            .filter(integrations::revoked_at.is_null())
            .select(integrations::id)
            .first(conn)
            .optional()?;
        let Some(id) = id else { return Ok(false) };
        diesel::update(integrations::table.find(id))
            .set(integrations::revoked_at.eq(now))
            .execute(conn)?;
        diesel::update(access_tokens::table.filter(access_tokens::integration_id.eq(id)))
            .filter(access_tokens::revoked_at.is_null())
            .set(access_tokens::revoked_at.eq(now))
            .execute(conn)?;
        Ok(true)
    })
}
