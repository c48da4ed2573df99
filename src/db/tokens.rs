//! Bearer tokens (hashed at rest) and the per-username token-request throttle.

use super::DbConnection;
use super::schema::{access_tokens, customers, token_request_log};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Magento's `UserContextInterface::USER_TYPE_CUSTOMER`.
pub const USER_TYPE_CUSTOMER: i16 = 3;

/// Magento's `RequestThrottler::USER_TYPE_CUSTOMER` (a different numbering from the above).
pub const THROTTLE_TYPE_CUSTOMER: i16 = 2;

/// The owner of a live customer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct CustomerTokenOwner {
    pub token_id: i32,
    pub customer_id: i32,
    pub website_id: i32,
}

pub fn insert_customer_token(
    conn: &mut DbConnection,
    token_hash: &str,
    customer_id: i32,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(access_tokens::table)
        .values((
            access_tokens::token_hash.eq(token_hash),
            access_tokens::user_type.eq(USER_TYPE_CUSTOMER),
            access_tokens::customer_id.eq(customer_id),
            access_tokens::created_at.eq(now),
            access_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// One indexed lookup by hash; expiry, revocation and the customer's active flag are checked
/// in SQL, so a dead token never leaves the database.
pub fn find_live_customer_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<CustomerTokenOwner>> {
    access_tokens::table
        .inner_join(customers::table)
        .filter(access_tokens::token_hash.eq(token_hash))
        .filter(access_tokens::user_type.eq(USER_TYPE_CUSTOMER))
        .filter(access_tokens::expires_at.gt(now))
        .filter(access_tokens::revoked_at.is_null())
        .filter(customers::is_active.eq(true))
        .select((
            access_tokens::id,
            customers::entity_id,
            customers::website_id,
        ))
        .first(conn)
        .optional()
}

/// Revokes one token (the one a caller signs out with).
pub fn revoke(conn: &mut DbConnection, token_id: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(access_tokens::table.find(token_id))
        .filter(access_tokens::revoked_at.is_null())
        .set(access_tokens::revoked_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Revokes every live token of a customer, except `keep` (the caller's own, when it stays).
/// Returns how many were revoked.
pub fn revoke_all_of_customer(
    conn: &mut DbConnection,
    customer_id: i32,
    keep: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        access_tokens::table
            .filter(access_tokens::customer_id.eq(customer_id))
            .filter(access_tokens::revoked_at.is_null())
            .filter(access_tokens::id.ne(keep.unwrap_or(0))),
    )
    .set(access_tokens::revoked_at.eq(now))
    .execute(conn)
}

/// Whether the username is locked out of the token endpoint (Magento RequestThrottler).
pub fn is_throttled(
    conn: &mut DbConnection,
    username: &str,
    user_type: i16,
    now: NaiveDateTime,
    max_failures: u32,
) -> QueryResult<bool> {
    let row: Option<(i32, NaiveDateTime)> = token_request_log::table
        .filter(token_request_log::username.eq(username))
        .filter(token_request_log::user_type.eq(user_type))
        .select((
            token_request_log::failures_count,
            token_request_log::lock_expires_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.is_some_and(|(count, until)| until > now && count >= max_failures as i32))
}

/// Counts a failed token request: the lock window restarts on every failure; an expired
/// window starts the count again (what Magento's cleanup cron achieves).
pub fn record_throttle_failure(
    conn: &mut DbConnection,
    username: &str,
    user_type: i16,
    now: NaiveDateTime,
    lock_for: TimeDelta,
) -> QueryResult<()> {
    let lock_until = now + lock_for;
    let key = token_request_log::table
        .filter(token_request_log::username.eq(username))
        .filter(token_request_log::user_type.eq(user_type));
    // Two statements instead of an upsert (not available through MultiConnection); a racing
    // insert of the same username is retried as an update.
    for _ in 0..2 {
        let updated = diesel::update(key)
            .set((
                token_request_log::failures_count.eq(diesel::dsl::case_when(
                    token_request_log::lock_expires_at.gt(now),
                    token_request_log::failures_count + 1,
                )
                .otherwise(1)),
                token_request_log::lock_expires_at.eq(lock_until),
            ))
            .execute(conn)?;
        if updated > 0 {
            return Ok(());
        }
        match diesel::insert_into(token_request_log::table)
            .values((
                token_request_log::username.eq(username),
                token_request_log::user_type.eq(user_type),
                token_request_log::failures_count.eq(1),
                token_request_log::lock_expires_at.eq(lock_until),
            ))
            .execute(conn)
        {
            Ok(_) => return Ok(()),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A successful token request clears the username's failures.
pub fn reset_throttle(conn: &mut DbConnection, username: &str, user_type: i16) -> QueryResult<()> {
    diesel::delete(
        token_request_log::table
            .filter(token_request_log::username.eq(username))
            .filter(token_request_log::user_type.eq(user_type)),
    )
    .execute(conn)?;
    Ok(())
}
