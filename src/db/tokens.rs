//! Bearer tokens (hashed at rest) and the per-username token-request throttle.

use super::DbConnection;
use super::customers::{AddressRow, CustomerRow};
use super::schema::{
    access_tokens, admin_users, customer_addresses, customers, integrations, token_request_log,
};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Magento's `UserContextInterface` user types.
pub const USER_TYPE_INTEGRATION: i16 = 1;
pub const USER_TYPE_ADMIN: i16 = 2;
pub const USER_TYPE_CUSTOMER: i16 = 3;

/// Magento's `RequestThrottler` user types (a different numbering from the above).
pub const THROTTLE_TYPE_CUSTOMER: i16 = 2;
pub const THROTTLE_TYPE_ADMIN: i16 = 3;

/// The owner of a live customer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct CustomerTokenOwner {
    pub token_id: i32,
    pub customer_id: i32,
    pub website_id: i32,
}

/// Who a live token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenOwner {
    Customer(CustomerTokenOwner),
    Admin {
        token_id: i32,
        admin_id: i32,
    },
    Integration {
        token_id: i32,
        integration_id: i32,
        resources: Vec<String>,
    },
}

type TokenRow = (
    i32,
    i16,
    Option<i32>,
    Option<i32>,
    Option<bool>,
    Option<i32>,
    Option<bool>,
    Option<i32>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<CustomerRow>,
    Option<AddressRow>,
);

/// A live token: its owner and, for a customer token, the customer with their addresses, read
/// in the same statement (so `GET /me` needs no second round trip).
#[derive(Debug, Clone)]
pub struct LiveToken {
    pub owner: TokenOwner,
    pub account: Option<(CustomerRow, Vec<AddressRow>)>,
}

/// One indexed lookup by hash for any kind of token; expiry and revocation are checked in SQL,
/// the owner's state (active customer or admin, unrevoked integration) from the same rows. A
/// customer token's rows also carry the customer and one address each.
pub fn find_live_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<LiveToken>> {
    // A flat chain of joins with an explicit ON: SQLite materializes a parenthesized
    // `customers LEFT JOIN customer_addresses` (a full scan per request, seen in EXPLAIN QUERY
    // PLAN), while the flat form is three index lookups. No ORDER BY for the same reason; the
    // addresses are sorted below.
    let rows: Vec<TokenRow> = access_tokens::table
        .left_join(customers::table)
        .left_join(
            customer_addresses::table.on(customer_addresses::customer_id
                .nullable()
                .eq(customers::entity_id.nullable())),
        )
        .left_join(admin_users::table)
        .left_join(integrations::table)
        .filter(access_tokens::token_hash.eq(token_hash))
        .filter(access_tokens::expires_at.gt(now))
        .filter(access_tokens::revoked_at.is_null())
        .select((
            access_tokens::id,
            access_tokens::user_type,
            access_tokens::customer_id,
            customers::website_id.nullable(),
            customers::is_active.nullable(),
            access_tokens::admin_id,
            admin_users::is_active.nullable(),
            access_tokens::integration_id,
            integrations::resources.nullable(),
            // Already nullable: None both when not revoked and when no integration joined;
            // `resources` (NOT NULL) tells whether one did.
            integrations::revoked_at.nullable(),
            Option::<CustomerRow>::as_select(),
            Option::<AddressRow>::as_select(),
        ))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((
        token_id,
        user_type,
        customer_id,
        website_id,
        customer_active,
        admin_id,
        admin_active,
        integration_id,
        resources,
        integration_revoked,
        customer,
        first_address,
    )) = rows.next()
    else {
        return Ok(None);
    };
    let account = customer.map(|c| {
        let mut addresses: Vec<AddressRow> = first_address
            .into_iter()
            .chain(rows.filter_map(|row| row.11))
            .collect();
        addresses.sort_by_key(|a| a.entity_id);
        (c, addresses)
    });
    let owner = match user_type {
        USER_TYPE_CUSTOMER => match (customer_id, website_id, customer_active) {
            (Some(customer_id), Some(website_id), Some(true)) => {
                Some(TokenOwner::Customer(CustomerTokenOwner {
                    token_id,
                    customer_id,
                    website_id,
                }))
            }
            _ => None,
        },
        USER_TYPE_ADMIN => match (admin_id, admin_active) {
            (Some(admin_id), Some(true)) => Some(TokenOwner::Admin { token_id, admin_id }),
            _ => None,
        },
        USER_TYPE_INTEGRATION => match (integration_id, resources, integration_revoked) {
            (Some(integration_id), Some(resources), None) => Some(TokenOwner::Integration {
                token_id,
                integration_id,
                resources: resources
                    .split(',')
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned)
                    .collect(),
            }),
            _ => None,
        },
        _ => None,
    };
    Ok(owner.map(|owner| LiveToken { owner, account }))
}

/// Stores a token for an admin user or an integration.
pub fn insert_back_office_token(
    conn: &mut DbConnection,
    token_hash: &str,
    owner: BackOfficeOwner,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    let (user_type, admin_id, integration_id) = match owner {
        BackOfficeOwner::Admin(id) => (USER_TYPE_ADMIN, Some(id), None),
        BackOfficeOwner::Integration(id) => (USER_TYPE_INTEGRATION, None, Some(id)),
    };
    diesel::insert_into(access_tokens::table)
        .values((
            access_tokens::token_hash.eq(token_hash),
            access_tokens::user_type.eq(user_type),
            access_tokens::admin_id.eq(admin_id),
            access_tokens::integration_id.eq(integration_id),
            access_tokens::created_at.eq(now),
            access_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Copy)]
pub enum BackOfficeOwner {
    Admin(i32),
    Integration(i32),
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

/// Deletes what can no longer count: expired or revoked tokens and token-request failures whose
/// lock window has passed (Magento's `expired_tokens_cleanup` and
/// `outdated_authentication_failures_cleanup` crons). Returns (tokens, throttle rows) deleted.
pub fn purge_dead(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<(usize, usize)> {
    let tokens = diesel::delete(
        access_tokens::table.filter(
            access_tokens::expires_at
                .le(now)
                .or(access_tokens::revoked_at.is_not_null()),
        ),
    )
    .execute(conn)?;
    let throttles =
        diesel::delete(token_request_log::table.filter(token_request_log::lock_expires_at.le(now)))
            .execute(conn)?;
    Ok((tokens, throttles))
}
