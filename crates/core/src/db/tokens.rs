//! Bearer tokens (hashed at rest) and the per-username token-request throttle.

use super::DbConnection;
use super::addresses::AddressRow;
use super::customers::{Account, CustomerRow};
use super::schema::{
    access_tokens, admin_users, customer_addresses, customers, integrations, token_request_log,
};
use crate::domain::token::TokenHash;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Who a token or a sign-in throttle is for. Magento numbers these twice, differently: the
/// token's `UserContextInterface` type (integration 1, admin 2, customer 3) and
/// `RequestThrottler`'s (customer 2, admin 3). Both numberings live here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserType {
    Integration,
    Admin,
    Customer,
}

impl UserType {
    /// The `access_tokens.user_type` value (Magento's `UserContextInterface`).
    pub fn token_code(self) -> i16 {
        match self {
            Self::Integration => 1,
            Self::Admin => 2,
            Self::Customer => 3,
        }
    }

    fn from_token_code(code: i16) -> Option<Self> {
        match code {
            1 => Some(Self::Integration),
            2 => Some(Self::Admin),
            3 => Some(Self::Customer),
            _ => None,
        }
    }

    /// The `token_request_log.user_type` value (Magento's `RequestThrottler`). Integrations
    /// never sign in; their value is only there to make the match total.
    pub fn throttle_code(self) -> i16 {
        match self {
            Self::Customer => 2,
            Self::Admin => 3,
            Self::Integration => 1,
        }
    }
}

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

/// One row of the owner lookup: the columns of `find_live_token`'s select, in order.
#[derive(Queryable)]
struct TokenRow {
    token_id: i32,
    user_type: i16,
    customer_id: Option<i32>,
    website_id: Option<i32>,
    customer_active: Option<bool>,
    admin_id: Option<i32>,
    admin_active: Option<bool>,
    integration_id: Option<i32>,
    resources: Option<String>,
    integration_revoked: Option<NaiveDateTime>,
}

/// A live token: its owner and, for a customer token, the customer with their addresses, read
/// in the same statement (so `GET /me` needs no second round trip).
#[derive(Debug, Clone)]
pub struct LiveToken {
    pub owner: TokenOwner,
    pub account: Option<Account>,
}

/// What a token lookup reads besides the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRead {
    /// The owner only: every route that does not render the caller's account. An account's
    /// address count never makes these requests dearer.
    Owner,
    /// For a customer token only, the owner with the customer and all addresses, in the same
    /// statement (`GET /me` and its default addresses need no second round trip). Any other
    /// token reads as none: the callers serve a customer acting on their own account.
    WithAccount,
}

/// One indexed lookup by hash for any kind of token; expiry and revocation are checked in SQL,
/// the owner's state (active customer or admin, unrevoked integration) from the same rows.
/// With `TokenRead::WithAccount`, customer tokens only, each row also carrying the customer
/// and one address.
pub fn find_live_token(
    conn: &mut DbConnection,
    token_hash: &TokenHash,
    now: NaiveDateTime,
    read: TokenRead,
) -> QueryResult<Option<LiveToken>> {
    // On the concrete connection (`on_backend!`): through `DbConnection` every execution
    // renders the SQL text again, three times, which was half of `GET /me`'s instructions.
    if read == TokenRead::Owner {
        let row: Option<TokenRow> = super::on_backend!(conn, |c| access_tokens::table
            .left_join(customers::table)
            .left_join(admin_users::table)
            .left_join(integrations::table)
            .filter(access_tokens::token_hash.eq(token_hash.as_str()))
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
                integrations::revoked_at.nullable(),
            ))
            .first(c)
            .optional())?;
        return Ok(row.as_ref().and_then(owner_of).map(|owner| LiveToken {
            owner,
            account: None,
        }));
    }
    // Customer tokens only: every caller of `WithAccount` serves a customer acting on their
    // own account, where any other token fails Magento's `self` rule exactly as a guest does.
    // The inner join also makes the customer's columns a plain group, not a nullable one that
    // Diesel first checks for all-NULL, and drops the admin-user and integration joins.
    // A flat chain of joins with an explicit ON: SQLite materializes a parenthesized
    // `customers LEFT JOIN customer_addresses` (a full scan per request, seen in EXPLAIN QUERY
    // PLAN), while the flat form is index lookups. No ORDER BY for the same reason; the
    // addresses are sorted below.
    let rows: Vec<(i32, CustomerRow, Option<AddressRow>)> = super::on_backend!(conn, |c| {
        access_tokens::table
            .inner_join(customers::table)
            .left_join(
                customer_addresses::table
                    .on(customer_addresses::customer_id.eq(customers::entity_id)),
            )
            .filter(access_tokens::token_hash.eq(token_hash.as_str()))
            .filter(access_tokens::user_type.eq(UserType::Customer.token_code()))
            .filter(access_tokens::expires_at.gt(now))
            .filter(access_tokens::revoked_at.is_null())
            .select((
                access_tokens::id,
                CustomerRow::as_select(),
                Option::<AddressRow>::as_select(),
            ))
            .load(c)
    })?;
    let mut rows = rows.into_iter();
    let Some((token_id, customer, first_address)) = rows.next() else {
        return Ok(None);
    };
    if !customer.is_active {
        return Ok(None);
    }
    let mut addresses: Vec<AddressRow> = first_address
        .into_iter()
        .chain(rows.filter_map(|(_, _, address)| address))
        .collect();
    addresses.sort_by_key(|a| a.entity_id);
    Ok(Some(LiveToken {
        owner: TokenOwner::Customer(CustomerTokenOwner {
            token_id,
            customer_id: customer.entity_id,
            website_id: customer.website_id,
        }),
        account: Some(Account {
            customer,
            addresses,
        }),
    }))
}

/// The live owner of a token row, or `None` when the owner is inactive or revoked.
fn owner_of(row: &TokenRow) -> Option<TokenOwner> {
    let TokenRow {
        token_id,
        user_type,
        customer_id,
        website_id,
        customer_active,
        admin_id,
        admin_active,
        integration_id,
        ref resources,
        integration_revoked,
    } = *row;
    match UserType::from_token_code(user_type) {
        Some(UserType::Customer) => match (customer_id, website_id, customer_active) {
            (Some(customer_id), Some(website_id), Some(true)) => {
                Some(TokenOwner::Customer(CustomerTokenOwner {
                    token_id,
                    customer_id,
                    website_id,
                }))
            }
            _ => None,
        },
        Some(UserType::Admin) => match (admin_id, admin_active) {
            (Some(admin_id), Some(true)) => Some(TokenOwner::Admin { token_id, admin_id }),
            _ => None,
        },
        Some(UserType::Integration) => match (integration_id, resources, integration_revoked) {
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
        None => None,
    }
}

/// Stores a token for an admin user or an integration.
pub fn insert_back_office_token(
    conn: &mut DbConnection,
    token_hash: &TokenHash,
    owner: BackOfficeOwner,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    let (user_type, admin_id, integration_id) = match owner {
        BackOfficeOwner::Admin(id) => (UserType::Admin, Some(id), None),
        BackOfficeOwner::Integration(id) => (UserType::Integration, None, Some(id)),
    };
    diesel::insert_into(access_tokens::table)
        .values((
            access_tokens::token_hash.eq(token_hash.as_str()),
            access_tokens::user_type.eq(user_type.token_code()),
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
    token_hash: &TokenHash,
    customer_id: i32,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(access_tokens::table)
        .values((
            access_tokens::token_hash.eq(token_hash.as_str()),
            access_tokens::user_type.eq(UserType::Customer.token_code()),
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

/// Reserves one sign-in attempt for the username before its password is checked (Magento's
/// RequestThrottler, made safe under concurrency): the attempt is counted as a failure in
/// advance, in one conditional statement, unless the username is already locked out. `false`
/// means locked out: the attempt must be refused without a password check. A success later
/// clears the count (`reset_throttle`); a failure leaves it as reserved. Counted in the
/// database, so the limit holds across instances.
pub fn reserve_attempt(
    conn: &mut DbConnection,
    username: &str,
    user_type: UserType,
    now: NaiveDateTime,
    max_failures: u32,
    lock_for: TimeDelta,
) -> QueryResult<bool> {
    let lock_until = now + lock_for;
    let max_failures = i32::try_from(max_failures).unwrap_or(i32::MAX);
    let key = token_request_log::table
        .filter(token_request_log::username.eq(username))
        .filter(token_request_log::user_type.eq(user_type.throttle_code()));
    // Two statements instead of an upsert (not available through MultiConnection): a racing
    // insert of the same username is retried as an update.
    for _ in 0..3 {
        // The WHERE clause is re-checked on the row as it is when the row lock is granted
        // (PostgreSQL) or under the single writer lock (SQLite), so at most `max_failures`
        // concurrent attempts pass.
        let reserved = diesel::update(
            key.filter(
                token_request_log::failures_count
                    .lt(max_failures)
                    .or(token_request_log::lock_expires_at.le(now)),
            ),
        )
        .set((
            token_request_log::failures_count.eq(diesel::dsl::case_when(
                token_request_log::lock_expires_at.gt(now),
                token_request_log::failures_count + 1,
            )
            .otherwise(1)),
            token_request_log::lock_expires_at.eq(lock_until),
        ))
        .execute(conn)?;
        if reserved > 0 {
            return Ok(true);
        }
        let existing: Option<(i32, NaiveDateTime)> = key
            .select((
                token_request_log::failures_count,
                token_request_log::lock_expires_at,
            ))
            .first(conn)
            .optional()?;
        match existing {
            Some((count, until)) if count >= max_failures && until > now => return Ok(false),
            // Changed since the update (a success cleared it, a window expired): try again.
            Some(_) => continue,
            None => {}
        }
        match diesel::insert_into(token_request_log::table)
            .values((
                token_request_log::username.eq(username),
                token_request_log::user_type.eq(user_type.throttle_code()),
                token_request_log::failures_count.eq(1),
                token_request_log::lock_expires_at.eq(lock_until),
            ))
            .execute(conn)
        {
            Ok(_) => return Ok(true),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            Err(e) => return Err(e),
        }
    }
    // Lost three races in a row: refuse this attempt rather than let it through unchecked.
    Ok(false)
}

/// A successful token request clears the username's failures.
pub fn reset_throttle(
    conn: &mut DbConnection,
    username: &str,
    user_type: UserType,
) -> QueryResult<()> {
    diesel::delete(
        token_request_log::table
            .filter(token_request_log::username.eq(username))
            .filter(token_request_log::user_type.eq(user_type.throttle_code())),
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
