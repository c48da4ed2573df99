//! Customer and address rows and the queries on them. Functions take a connection so callers
//! can compose them in one transaction.

use super::DbConnection;
use super::addresses::AddressRow;
use super::schema::{customer_addresses, customers};
use crate::domain::address::ValidAddress;
use crate::domain::customer::ValidCustomer;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub entity_id: i32,
    pub website_id: i32,
    pub email: String,
    pub email_normalized: String,
    pub group_id: i32,
    pub store_id: i32,
    pub created_in: String,
    #[diesel(deserialize_as = super::timestamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = super::timestamp::Stamp)]
    pub updated_at: NaiveDateTime,
    pub is_active: bool,
    pub disable_auto_group_change: i16,
    pub prefix: Option<String>,
    pub firstname: String,
    pub middlename: Option<String>,
    pub lastname: String,
    pub suffix: Option<String>,
    pub dob: Option<NaiveDate>,
    pub gender: Option<i16>,
    pub taxvat: Option<String>,
    pub password_hash: Option<String>,
    pub confirmation: Option<String>,
    pub default_billing: Option<i32>,
    pub default_shipping: Option<i32>,
    pub is_subscribed: bool,
    /// Login as Customer: the shopper allows remote shopping assistance.
    pub assistance_allowed: bool,
    pub failures_num: i32,
    pub first_failure: Option<NaiveDateTime>,
    pub lock_expires: Option<NaiveDateTime>,
    pub rp_token_hash: Option<String>,
    pub rp_token_created_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = customers)]
struct NewCustomerRow<'a> {
    website_id: i32,
    email: &'a str,
    email_normalized: &'a str,
    group_id: i32,
    store_id: i32,
    created_in: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    is_active: bool,
    disable_auto_group_change: i16,
    prefix: Option<&'a str>,
    firstname: &'a str,
    middlename: Option<&'a str>,
    lastname: &'a str,
    suffix: Option<&'a str>,
    dob: Option<NaiveDate>,
    gender: Option<i16>,
    taxvat: Option<&'a str>,
    password_hash: Option<&'a str>,
    confirmation: Option<&'a str>,
    is_subscribed: bool,
    assistance_allowed: bool,
}

/// Where and how a new account is created (resolved from the request and the store).
#[derive(Debug, Clone)]
pub struct AccountPlacement {
    pub website_id: i32,
    pub store_id: i32,
    pub group_id: i32,
    pub created_in: String,
}

/// Secrets a new account starts with, both already hashed.
#[derive(Debug, Clone, Default)]
pub struct InitialSecrets {
    pub password_hash: Option<String>,
    /// Set when the account must confirm its e-mail first.
    pub confirmation_hash: Option<String>,
}

/// Everything a new account is written with, in one INSERT (and one per address): valid
/// attributes, where it lives, its secrets, and for an account carried over from Magento its
/// original creation time.
pub struct NewAccount<'a> {
    pub customer: &'a ValidCustomer,
    pub placement: &'a AccountPlacement,
    pub secrets: &'a InitialSecrets,
    pub addresses: &'a [ValidAddress],
    /// `None`: now.
    pub created_at: Option<NaiveDateTime>,
}

/// Why a create failed in the database.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("a customer with this email exists in the website")]
    DuplicateEmail,
    #[error(transparent)]
    Database(#[from] DieselError),
}

impl CreateError {
    /// A failed customer write: the unique index on e-mail and website is the one that can
    /// refuse it for the client's input; anything else is the database's.
    fn from_write(e: DieselError) -> Self {
        match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::DuplicateEmail
            }
            other => Self::Database(other),
        }
    }
}

/// Id of the customer with this e-mail in the website, if any.
pub fn find_id_by_email(
    conn: &mut DbConnection,
    email_normalized: &str,
    website_id: i32,
) -> QueryResult<Option<i32>> {
    customers::table
        .filter(customers::email_normalized.eq(email_normalized))
        .filter(customers::website_id.eq(website_id))
        .select(customers::entity_id)
        .first(conn)
        .optional()
}

/// Creates a customer and its addresses in one transaction; returns the customer id.
/// The unique index decides races: the loser gets `DuplicateEmail`, never a half-written row.
pub fn create_with_addresses(
    conn: &mut DbConnection,
    account: &NewAccount<'_>,
    now: NaiveDateTime,
) -> Result<i32, CreateError> {
    let NewAccount {
        customer,
        placement,
        secrets,
        addresses,
        created_at,
    } = account;
    let normalized = customer.email.normalized();
    let result = conn.transaction::<i32, DieselError, _>(|conn| {
        let id: i32 = diesel::insert_into(customers::table)
            .values(NewCustomerRow {
                website_id: placement.website_id,
                email: customer.email.as_str(),
                email_normalized: &normalized,
                group_id: placement.group_id,
                store_id: placement.store_id,
                created_in: &placement.created_in,
                created_at: created_at.unwrap_or(now),
                updated_at: now,
                is_active: true,
                disable_auto_group_change: customer.disable_auto_group_change,
                prefix: customer.prefix.as_deref(),
                firstname: &customer.firstname,
                middlename: customer.middlename.as_deref(),
                lastname: &customer.lastname,
                suffix: customer.suffix.as_deref(),
                dob: customer.dob,
                gender: customer.gender,
                taxvat: customer.taxvat.as_deref(),
                password_hash: secrets.password_hash.as_deref(),
                confirmation: secrets.confirmation_hash.as_deref(),
                is_subscribed: customer.is_subscribed,
                assistance_allowed: customer.assistance_allowed.unwrap_or(false),
            })
            .returning(customers::entity_id)
            .get_result(conn)?;
        let (mut billing, mut shipping) = (None, None);
        for address in addresses.iter() {
            // One statement per row: batch inserts are not available through MultiConnection.
            let address_id = super::addresses::insert(conn, id, address, now)?;
            // As in Magento, the last address flagged as default becomes the default.
            if address.default_billing {
                billing = Some(address_id);
            }
            if address.default_shipping {
                shipping = Some(address_id);
            }
        }
        if billing.is_some() || shipping.is_some() {
            diesel::update(customers::table.find(id))
                .set((
                    customers::default_billing.eq(billing),
                    customers::default_shipping.eq(shipping),
                ))
                .execute(conn)?;
        }
        Ok(id)
    });
    result.map_err(CreateError::from_write)
}

/// A customer with its addresses (in id order): what every read of an account returns.
#[derive(Debug, Clone)]
pub struct Account {
    pub customer: CustomerRow,
    pub addresses: Vec<AddressRow>,
}

/// A customer with its addresses, or `None`, in one round trip (customer rows repeat per
/// address through a LEFT JOIN; this is `GET /me`'s hot path).
pub fn load(conn: &mut DbConnection, customer_id: i32) -> QueryResult<Option<Account>> {
    let rows: Vec<(CustomerRow, Option<AddressRow>)> = customers::table
        .left_join(customer_addresses::table)
        .filter(customers::entity_id.eq(customer_id))
        .order(customer_addresses::entity_id)
        .select((CustomerRow::as_select(), Option::<AddressRow>::as_select()))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((customer, first)) = rows.next() else {
        return Ok(None);
    };
    let addresses = first
        .into_iter()
        .chain(rows.filter_map(|(_, a)| a))
        .collect();
    Ok(Some(Account {
        customer,
        addresses,
    }))
}

/// What a sign-in needs to know about a customer.
#[derive(Debug, Clone, Queryable)]
pub struct LoginCandidate {
    pub entity_id: i32,
    pub password_hash: Option<String>,
    pub is_active: bool,
    pub lock_expires: Option<NaiveDateTime>,
    /// Set while the account has not confirmed its e-mail.
    pub confirmation: Option<String>,
}

pub fn find_login_candidate(
    conn: &mut DbConnection,
    email_normalized: &str,
    website_id: i32,
) -> QueryResult<Option<LoginCandidate>> {
    customers::table
        .filter(customers::email_normalized.eq(email_normalized))
        .filter(customers::website_id.eq(website_id))
        .select((
            customers::entity_id,
            customers::password_hash,
            customers::is_active,
            customers::lock_expires,
            customers::confirmation,
        ))
        .first(conn)
        .optional()
}

/// Locks the customer's row until the end of the current transaction, so a read-modify-write
/// of the customer (a save with its address list, the lockout counters) is not interleaved
/// with another. PostgreSQL: `SELECT ... FOR UPDATE`. SQLite needs nothing: the write
/// transaction (`BEGIN IMMEDIATE`, see `db::write_transaction`) already excludes every other
/// writer. Returns whether the customer exists.
pub fn lock_customer(conn: &mut DbConnection, customer_id: i32) -> QueryResult<bool> {
    match conn {
        DbConnection::Pg(pg) => Ok(customers::table
            .find(customer_id)
            .select(customers::entity_id)
            .for_update()
            .first::<i32>(pg)
            .optional()?
            .is_some()),
        DbConnection::Sqlite(_) => Ok(customers::table
            .find(customer_id)
            .select(customers::entity_id)
            .first::<i32>(conn)
            .optional()?
            .is_some()),
    }
}

/// Reserves one password check against the account lockout (Magento's
/// Customer/Model/Authentication.php::processAuthenticationFailure, counted before the check
/// instead of after it, so concurrent guesses cannot all be evaluated): the attempt counts as
/// a failure now; the counter restarts when it is the first failure or the previous lock has
/// expired; reaching `max_failures` locks the account for `lock_for`. `false` when the account
/// is locked (or gone): refuse without checking the password. A right password then clears
/// (`clear_login_failures`) or releases (`release_login_attempt`) the reservation.
pub fn reserve_login_attempt(
    conn: &mut DbConnection,
    customer_id: i32,
    now: NaiveDateTime,
    max_failures: u32,
    lock_for: TimeDelta,
) -> QueryResult<bool> {
    super::write_transaction(conn, |conn| {
        if !lock_customer(conn, customer_id)? {
            return Ok(false);
        }
        let (failures, first_failure, lock_expires): (
            i32,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
        ) = customers::table
            .find(customer_id)
            .select((
                customers::failures_num,
                customers::first_failure,
                customers::lock_expires,
            ))
            .first(conn)?;
        if lock_expires.is_some_and(|until| until > now) {
            return Ok(false);
        }
        let lock_expired = lock_expires.is_some_and(|l| l <= now);
        let (failures, first_failure, lock_expires) =
            if failures == 0 || first_failure.is_none() || lock_expired {
                (1, Some(now), None)
            } else if failures + 1 >= max_failures as i32 {
                crate::telemetry::lockout(crate::telemetry::Principal::Customer);
                tracing::info!(target: "audit", customer_id, "customer account locked");
                (failures + 1, first_failure, Some(now + lock_for))
            } else {
                (failures + 1, first_failure, lock_expires)
            };
        diesel::update(customers::table.find(customer_id))
            .set((
                customers::failures_num.eq(failures),
                customers::first_failure.eq(first_failure),
                customers::lock_expires.eq(lock_expires),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// Gives back a reservation whose password turned out right where Magento would not reset the
/// counters (a current-password check): one failure less, and no lock if that leaves the
/// count under `max_failures`.
pub fn release_login_attempt(
    conn: &mut DbConnection,
    customer_id: i32,
    max_failures: u32,
) -> QueryResult<()> {
    super::write_transaction(conn, |conn| {
        lock_customer(conn, customer_id)?;
        let Some(failures) = customers::table
            .find(customer_id)
            .select(customers::failures_num)
            .first::<i32>(conn)
            .optional()?
        else {
            return Ok(());
        };
        let failures = (failures - 1).max(0);
        let keep_lock = failures >= max_failures as i32;
        let update = diesel::update(customers::table.find(customer_id));
        if keep_lock {
            update
                .set(customers::failures_num.eq(failures))
                .execute(conn)?;
        } else {
            update
                .set((
                    customers::failures_num.eq(failures),
                    customers::lock_expires.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Whether the account is locked now.
pub fn is_locked(
    conn: &mut DbConnection,
    customer_id: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    Ok(customers::table
        .find(customer_id)
        .select(customers::lock_expires)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()?
        .flatten()
        .is_some_and(|until| until > now))
}

/// A successful sign-in clears the lockout counters.
pub fn clear_login_failures(conn: &mut DbConnection, customer_id: i32) -> QueryResult<()> {
    diesel::update(customers::table.find(customer_id))
        .filter(
            customers::failures_num
                .ne(0)
                .or(customers::lock_expires.is_not_null()),
        )
        .set((
            customers::failures_num.eq(0),
            customers::first_failure.eq(None::<NaiveDateTime>),
            customers::lock_expires.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The ids of the customers with these normalized e-mails, by (e-mail, website).
pub fn ids_by_emails(
    conn: &mut DbConnection,
    emails_normalized: &[&str],
) -> QueryResult<std::collections::HashMap<(String, i32), i32>> {
    Ok(customers::table
        .filter(customers::email_normalized.eq_any(emails_normalized))
        .select((
            customers::email_normalized,
            customers::website_id,
            customers::entity_id,
        ))
        .load::<(String, i32, i32)>(conn)?
        .into_iter()
        .map(|(e, w, id)| ((e, w), id))
        .collect())
}

/// The customer with this e-mail in the website.
pub fn find_by_email(
    conn: &mut DbConnection,
    email_normalized: &str,
    website_id: i32,
) -> QueryResult<Option<CustomerRow>> {
    customers::table
        .filter(customers::email_normalized.eq(email_normalized))
        .filter(customers::website_id.eq(website_id))
        .select(CustomerRow::as_select())
        .first(conn)
        .optional()
}

/// Deletes a customer (its addresses and tokens go with it: ON DELETE CASCADE). Returns how
/// many rows went (0 or 1).
pub fn delete(conn: &mut DbConnection, customer_id: i32) -> QueryResult<usize> {
    diesel::delete(customers::table.find(customer_id)).execute(conn)
}

pub fn find(conn: &mut DbConnection, customer_id: i32) -> QueryResult<Option<CustomerRow>> {
    customers::table
        .find(customer_id)
        .select(CustomerRow::as_select())
        .first(conn)
        .optional()
}

/// The fields a customer changes about themselves. `None` leaves a column as it is;
/// `Some(None)` clears it (Magento writes only the attributes the request carries).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = customers)]
pub struct CustomerChanges {
    pub created_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
    pub website_id: Option<i32>,
    pub store_id: Option<i32>,
    pub group_id: Option<i32>,
    pub email: Option<String>,
    pub email_normalized: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub middlename: Option<Option<String>>,
    pub prefix: Option<Option<String>>,
    pub suffix: Option<Option<String>>,
    pub dob: Option<Option<NaiveDate>>,
    pub gender: Option<Option<i16>>,
    pub taxvat: Option<Option<String>>,
    pub disable_auto_group_change: Option<i16>,
    pub is_subscribed: Option<bool>,
    pub assistance_allowed: Option<bool>,
    pub default_billing: Option<Option<i32>>,
    pub default_shipping: Option<Option<i32>>,
    pub password_hash: Option<Option<String>>,
    pub confirmation: Option<Option<String>>,
    pub rp_token_hash: Option<Option<String>>,
    pub rp_token_created_at: Option<Option<NaiveDateTime>>,
    pub failures_num: Option<i32>,
    pub first_failure: Option<Option<NaiveDateTime>>,
    pub lock_expires: Option<Option<NaiveDateTime>>,
}

impl CustomerChanges {
    /// A new password: the reset token is spent.
    pub fn password(hash: String, now: NaiveDateTime) -> Self {
        Self {
            updated_at: Some(now),
            password_hash: Some(Some(hash)),
            rp_token_hash: Some(None),
            rp_token_created_at: Some(None),
            ..Self::default()
        }
    }

    /// Clears the lockout counters, as a successful sign-in or password reset does.
    pub fn unlocked(mut self) -> Self {
        self.failures_num = Some(0);
        self.first_failure = Some(None);
        self.lock_expires = Some(None);
        self
    }
}

pub fn update(
    conn: &mut DbConnection,
    customer_id: i32,
    changes: &CustomerChanges,
) -> QueryResult<()> {
    diesel::update(customers::table.find(customer_id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

/// [`update`] for a save that may change the e-mail: the unique index on e-mail and website
/// decides a race with a sign-up or another change to the same address (both passed the
/// "is it taken" read), and the loser is told so as [`CreateError::DuplicateEmail`].
pub fn update_profile(
    conn: &mut DbConnection,
    customer_id: i32,
    changes: &CustomerChanges,
) -> Result<(), CreateError> {
    update(conn, customer_id, changes).map_err(CreateError::from_write)
}

/// Replaces the password hash only if it is still `old`: a password changed or reset since
/// `old` was read keeps the newer hash. `updated_at` stays (the account did not change).
/// Answers whether the row was written.
pub fn replace_password_hash(
    conn: &mut DbConnection,
    customer_id: i32,
    old: &str,
    new: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        customers::table
            .find(customer_id)
            .filter(customers::password_hash.eq(old)),
    )
    .set(customers::password_hash.eq(new))
    .execute(conn)?;
    Ok(n == 1)
}

impl CustomerRow {
    /// The stored customer as input, for an update that overlays what a request sends.
    pub fn as_input(&self) -> crate::domain::customer::CustomerInput {
        crate::domain::customer::CustomerInput {
            id: Some(i64::from(self.entity_id)),
            group_id: Some(i64::from(self.group_id)),
            dob: self.dob.map(|d| d.format("%Y-%m-%d").to_string()),
            email: Some(self.email.clone()),
            firstname: Some(self.firstname.clone()),
            lastname: Some(self.lastname.clone()),
            middlename: self.middlename.clone(),
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
            gender: self.gender.map(i64::from),
            store_id: Some(i64::from(self.store_id)),
            taxvat: self.taxvat.clone(),
            website_id: Some(i64::from(self.website_id)),
            disable_auto_group_change: Some(i64::from(self.disable_auto_group_change)),
            is_subscribed: Some(self.is_subscribed),
            ..Default::default()
        }
    }

    /// The customer's full name as Magento's `Customer::getName` builds it.
    pub fn full_name(&self) -> String {
        [
            self.prefix.as_deref(),
            Some(self.firstname.as_str()),
            self.middlename.as_deref(),
            Some(self.lastname.as_str()),
            self.suffix.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
    }
}
