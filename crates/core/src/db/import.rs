//! The bulk writes of `customer-service import` (`transfer::writer` validates the rows and
//! calls these with one batch at a time).
//!
//! A batch costs a fixed number of round trips whatever its size: one query finds the rows
//! that already exist (same e-mail and website: re-runs update them and keep their ids), one
//! reserves ids for the new rows, one writes them (PostgreSQL: `COPY FROM STDIN` in the binary
//! format; SQLite: one reused prepared INSERT, which costs no round trip in process), and one
//! sets the default billing and shipping addresses together. Diesel's MultiConnection cannot
//! batch-insert or copy, so the writes match on the concrete connection.

use super::schema::{customer_addresses, customers};
use super::{DbConnection, DbError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// A customer row as an import writes it. `entity_id` is assigned by `write_customers` (the
/// source's id when it has one); `password_hash` and the default addresses are not
/// overwritten on an update (see `write_customers`).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = customers, primary_key(entity_id))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct NewCustomer {
    pub entity_id: i32,
    pub website_id: i32,
    pub email: String,
    pub email_normalized: String,
    pub group_id: i32,
    pub store_id: i32,
    pub created_in: String,
    pub created_at: NaiveDateTime,
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
    pub confirmation: Option<String>,
    pub is_subscribed: bool,
    #[diesel(skip_update)]
    pub password_hash: Option<String>,
    #[diesel(skip_update)]
    pub default_billing: Option<i32>,
    #[diesel(skip_update)]
    pub default_shipping: Option<i32>,
}

/// One customer of a batch: the id the source gave it, if any, and the row.
#[derive(Debug, Clone)]
pub struct ImportedCustomer {
    pub source_id: Option<i32>,
    pub row: NewCustomer,
}

/// An address row as an import writes it; `entity_id` and `customer_id` are filled in by
/// `write_addresses`.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = customer_addresses, primary_key(entity_id))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct NewAddress {
    pub entity_id: i32,
    pub customer_id: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub firstname: String,
    pub middlename: Option<String>,
    pub lastname: String,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub company: Option<String>,
    pub street: String,
    pub city: String,
    pub country_id: String,
    pub region: Option<String>,
    pub region_id: i32,
    pub postcode: Option<String>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub vat_id: Option<String>,
}

/// Whose address: a customer id (a Magento database), or an e-mail in a website (Magento's
/// CSV; `None` when the file names a website that does not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressOwner {
    Id(i32),
    Email {
        email_normalized: String,
        website_id: Option<i32>,
    },
}

#[derive(Debug, Clone)]
pub struct ImportedAddress {
    pub source_id: Option<i32>,
    pub owner: AddressOwner,
    pub row: NewAddress,
    pub default_billing: bool,
    pub default_shipping: bool,
}

/// A row of a batch the import refuses: its index in the batch, the field, the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub row: usize,
    pub field: &'static str,
    pub reason: String,
}

/// What a batch did.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub created: u64,
    pub updated: u64,
    pub refused: Vec<Refusal>,
}

impl BatchOutcome {
    fn refuse(&mut self, row: usize, field: &'static str, reason: impl Into<String>) {
        self.refused.push(Refusal {
            row,
            field,
            reason: reason.into(),
        });
    }
}

/// Multi-row writes on the concrete connection (MultiConnection has no batch insert).
trait InsertRows: Sized {
    fn insert(rows: &[Self], conn: &mut DbConnection) -> QueryResult<()>;
}

macro_rules! insert_rows {
    ($row:ty, $table:path) => {
        impl InsertRows for $row {
            fn insert(rows: &[Self], conn: &mut DbConnection) -> QueryResult<()> {
                if rows.is_empty() {
                    return Ok(());
                }
                match conn {
                    DbConnection::Pg(c) => {
                        diesel::copy_from($table).from_insertable(rows).execute(c)?;
                    }
                    // One prepared statement reused for every row: SQLite runs in process,
                    // so a row costs no round trip, and parsing a multi-row INSERT cost more
                    // (callgrind) than binding the rows one by one.
                    DbConnection::Sqlite(c) => {
                        for row in rows {
                            diesel::insert_into($table).values(row).execute(c)?;
                        }
                    }
                }
                Ok(())
            }
        }
    };
}

insert_rows!(NewCustomer, customers::table);
insert_rows!(NewAddress, customer_addresses::table);

/// `n` new ids for `table`, above every stored id and above `above` (ids the batch brings
/// itself): PostgreSQL draws them from the identity sequence, as a default would; SQLite
/// follows AUTOINCREMENT's rule (above the largest id ever used). The batch holds the write
/// lock (SQLite) or the sequence hands them out once (PostgreSQL), so nobody else takes them.
fn reserve_ids(
    conn: &mut DbConnection,
    table: &str,
    n: usize,
    above: i32,
) -> QueryResult<std::ops::Range<i32>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        id: i32,
    }
    let n32 = i32::try_from(n).map_err(|e| DbError::SerializationError(Box::new(e)))?;
    match conn {
        DbConnection::Pg(c) => {
            // Sequence values are increasing: the first and the count describe them all
            // unless another session draws at the same time, then the ids are kept as given.
            let ids: Vec<i32> = diesel::sql_query(format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'entity_id'))::integer AS id \
                 FROM generate_series(1, {n32})"
            ))
            .load::<Id>(c)?
            .into_iter()
            .map(|r| r.id)
            .collect();
            let first = ids.first().copied().unwrap_or(1);
            if ids
                .iter()
                .enumerate()
                .all(|(i, id)| *id == first + i as i32)
                && first > above
            {
                return Ok(first..first + n32);
            }
            // Drawn with gaps (a concurrent sign-up) or below the batch's own ids: take the
            // range above both, and let the sequence catch up at the end of the import.
            let top: i32 = ids.iter().copied().max().unwrap_or(0).max(above);
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'entity_id'), {}, true)::integer AS id",
                top + n32
            ))
            .load::<Id>(c)?;
            Ok(top + 1..top + 1 + n32)
        }
        DbConnection::Sqlite(c) => {
            let top = diesel::sql_query(format!(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), \
                 COALESCE((SELECT MAX(entity_id) FROM {table}), 0)) AS id"
            ))
            .get_result::<Id>(c)?
            .id
            .max(above);
            Ok(top + 1..top + 1 + n32)
        }
    }
}

/// Of `ids`, those `table` holds, with the owning customer for addresses.
fn stored_customer_ids(conn: &mut DbConnection, ids: Vec<i32>) -> QueryResult<HashSet<i32>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(customers::table
        .filter(customers::entity_id.eq_any(ids))
        .select(customers::entity_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect())
}

/// The websites, stores and customer groups a batch of customers names, as stored.
struct ScopeIds {
    websites: HashSet<i32>,
    stores: HashSet<i32>,
    groups: HashSet<i32>,
}

impl ScopeIds {
    /// The field of the first scope `row` names that does not exist.
    fn missing(&self, row: &NewCustomer) -> Option<&'static str> {
        if !self.websites.contains(&row.website_id) {
            Some("website_id")
        } else if !self.stores.contains(&row.store_id) {
            Some("store_id")
        } else if !self.groups.contains(&row.group_id) {
            Some("group_id")
        } else {
            None
        }
    }
}

/// PostgreSQL: locks the websites, stores and groups the batch names as the foreign key
/// triggers would (`FOR KEY SHARE`: none can be deleted until the batch commits), with one
/// query per table instead of one per row and key, and returns those that exist: rows naming
/// another are refused, as the key would refuse them. While an import into empty tables has
/// the keys suspended (`db::suspended`), this keeps them true. SQLite: `None` (its keys are
/// always on, and its writer holds the whole database).
fn lock_scopes(
    conn: &mut DbConnection,
    batch: &[ImportedCustomer],
) -> QueryResult<Option<ScopeIds>> {
    use super::schema::{customer_groups, store_websites, stores};
    let DbConnection::Pg(pg) = conn else {
        return Ok(None);
    };
    let ids = |f: fn(&NewCustomer) -> i32| -> Vec<i32> {
        let set: HashSet<i32> = batch.iter().map(|c| f(&c.row)).collect();
        set.into_iter().collect()
    };
    Ok(Some(ScopeIds {
        websites: store_websites::table
            .filter(store_websites::website_id.eq_any(ids(|r| r.website_id)))
            .select(store_websites::website_id)
            .for_key_share()
            .load::<i32>(pg)?
            .into_iter()
            .collect(),
        stores: stores::table
            .filter(stores::store_id.eq_any(ids(|r| r.store_id)))
            .select(stores::store_id)
            .for_key_share()
            .load::<i32>(pg)?
            .into_iter()
            .collect(),
        groups: customer_groups::table
            .filter(customer_groups::customer_group_id.eq_any(ids(|r| r.group_id)))
            .select(customer_groups::customer_group_id)
            .for_key_share()
            .load::<i32>(pg)?
            .into_iter()
            .collect(),
    }))
}

/// Writes a batch of customers: a row with the e-mail and website of a stored customer updates
/// it (its id stays), a new row is inserted with the source's id or a new one. Refused: the
/// same e-mail and website twice in the batch, a source id another customer holds.
pub fn write_customers(
    conn: &mut DbConnection,
    batch: &[ImportedCustomer],
) -> QueryResult<BatchOutcome> {
    let mut outcome = BatchOutcome::default();
    let emails: Vec<&str> = batch
        .iter()
        .map(|c| c.row.email_normalized.as_str())
        .collect();
    let existing = super::customers::ids_by_emails(conn, &emails)?;
    let mut taken = stored_customer_ids(conn, batch.iter().filter_map(|c| c.source_id).collect())?;
    let scopes = lock_scopes(conn, batch)?;
    let mut seen: HashSet<(&str, i32)> = HashSet::with_capacity(batch.len());
    let mut new_rows: Vec<NewCustomer> = Vec::with_capacity(batch.len());
    let mut without_id = Vec::new();
    for (i, c) in batch.iter().enumerate() {
        let row = &c.row;
        if let Some(field) = scopes.as_ref().and_then(|s| s.missing(row)) {
            outcome.refuse(i, field, "refers to a row that does not exist");
            continue;
        }
        if !seen.insert((row.email_normalized.as_str(), row.website_id)) {
            outcome.refuse(
                i,
                "email",
                "This email is found more than once in the import file.",
            );
            continue;
        }
        if let Some(&id) = existing.get(&(row.email_normalized.clone(), row.website_id)) {
            update_customer(conn, id, row)?;
            outcome.updated += 1;
            continue;
        }
        match c.source_id {
            Some(id) if !taken.insert(id) => {
                outcome.refuse(
                    i,
                    "entity_id",
                    format!("id {id} belongs to another customer"),
                );
                continue;
            }
            Some(id) => new_rows.push(NewCustomer {
                entity_id: id,
                ..row.clone()
            }),
            None => {
                without_id.push(new_rows.len());
                new_rows.push(row.clone());
            }
        }
    }
    if !without_id.is_empty() {
        let above = batch.iter().filter_map(|c| c.source_id).max().unwrap_or(0);
        let ids = reserve_ids(conn, "customers", without_id.len(), above)?;
        for (at, id) in without_id.into_iter().zip(ids) {
            new_rows[at].entity_id = id;
        }
    }
    outcome.created = new_rows.len() as u64;
    NewCustomer::insert(&new_rows, conn)?;
    Ok(outcome)
}

/// Updates a stored customer from the file. A password set here since (a change, a reset, the
/// first sign-in's rehash) is newer than the file's: only an account without one takes it.
fn update_customer(conn: &mut DbConnection, id: i32, row: &NewCustomer) -> QueryResult<()> {
    diesel::update(customers::table.find(id))
        .set(row)
        .execute(conn)?;
    if let Some(b) = row.default_billing {
        diesel::update(customers::table.find(id))
            .set(customers::default_billing.eq(b))
            .execute(conn)?;
    }
    if let Some(s) = row.default_shipping {
        diesel::update(customers::table.find(id))
            .set(customers::default_shipping.eq(s))
            .execute(conn)?;
    }
    if let Some(hash) = &row.password_hash {
        diesel::update(
            customers::table
                .find(id)
                .filter(customers::password_hash.is_null()),
        )
        .set(customers::password_hash.eq(hash))
        .execute(conn)?;
    }
    Ok(())
}

/// Writes a batch of addresses: owners are resolved (by id or by e-mail and website), an
/// address whose id its owner already holds is updated, a new one inserted with the source's
/// id or a new one, and the customers' default billing and shipping set. Refused: an unknown
/// owner, an address id another customer holds.
pub fn write_addresses(
    conn: &mut DbConnection,
    batch: &[ImportedAddress],
) -> QueryResult<BatchOutcome> {
    let mut outcome = BatchOutcome::default();
    let known_ids = stored_customer_ids(
        conn,
        batch
            .iter()
            .filter_map(|a| match a.owner {
                AddressOwner::Id(id) => Some(id),
                AddressOwner::Email { .. } => None,
            })
            .collect(),
    )?;
    let emails: Vec<&str> = batch
        .iter()
        .filter_map(|a| match &a.owner {
            AddressOwner::Email {
                email_normalized, ..
            } => Some(email_normalized.as_str()),
            AddressOwner::Id(_) => None,
        })
        .collect();
    let by_email = if emails.is_empty() {
        HashMap::new()
    } else {
        super::customers::ids_by_emails(conn, &emails)?
    };
    let address_ids: Vec<i32> = batch.iter().filter_map(|a| a.source_id).collect();
    let mut stored: HashMap<i32, i32> = if address_ids.is_empty() {
        HashMap::new()
    } else {
        customer_addresses::table
            .filter(customer_addresses::entity_id.eq_any(address_ids))
            .select((
                customer_addresses::entity_id,
                customer_addresses::customer_id,
            ))
            .load::<(i32, i32)>(conn)?
            .into_iter()
            .collect()
    };

    let mut new_rows: Vec<NewAddress> = Vec::with_capacity(batch.len());
    // Rows still to get an id: their place in `new_rows` and their default flags.
    let mut without_id: Vec<(usize, bool, bool)> = Vec::new();
    let mut defaults = Defaults::default();
    for (i, a) in batch.iter().enumerate() {
        let owner = match &a.owner {
            AddressOwner::Id(id) => known_ids.contains(id).then_some(*id),
            AddressOwner::Email {
                email_normalized,
                website_id,
            } => website_id.and_then(|w| by_email.get(&(email_normalized.clone(), w)).copied()),
        };
        let Some(customer_id) = owner else {
            match a.owner {
                AddressOwner::Id(_) => {
                    outcome.refuse(i, "parent_id", "No customer with this id was imported.")
                }
                AddressOwner::Email { .. } => outcome.refuse(
                    i,
                    "_email",
                    "We can't find that email and website combination.",
                ),
            }
            continue;
        };
        let row = NewAddress {
            customer_id,
            ..a.row.clone()
        };
        let Some(id) = a.source_id else {
            without_id.push((new_rows.len(), a.default_billing, a.default_shipping));
            new_rows.push(row);
            continue;
        };
        match stored.get(&id) {
            Some(&owner) if owner == customer_id => {
                diesel::update(customer_addresses::table.find(id))
                    .set(&NewAddress {
                        entity_id: id,
                        ..row
                    })
                    .execute(conn)?;
                outcome.updated += 1;
            }
            Some(_) => {
                outcome.refuse(
                    i,
                    "_entity_id",
                    format!("address {id} belongs to another customer"),
                );
                continue;
            }
            None => {
                stored.insert(id, customer_id);
                new_rows.push(NewAddress {
                    entity_id: id,
                    ..row
                });
            }
        }
        defaults.add(a.default_billing, a.default_shipping, customer_id, id);
    }
    if !without_id.is_empty() {
        let above = batch.iter().filter_map(|a| a.source_id).max().unwrap_or(0);
        let ids = reserve_ids(conn, "customer_addresses", without_id.len(), above)?;
        for ((at, b, s), id) in without_id.into_iter().zip(ids) {
            let row = &mut new_rows[at];
            row.entity_id = id;
            defaults.add(b, s, row.customer_id, id);
        }
    }
    outcome.created = new_rows.len() as u64;
    NewAddress::insert(&new_rows, conn)?;
    defaults.write(conn)?;
    Ok(outcome)
}

/// A batch's default addresses by customer, billing and shipping together, so a customer row
/// is rewritten once per batch, not once per column (each rewrite of a PostgreSQL row inserts
/// into every index of the table). The first address a batch names for a customer wins.
#[derive(Default)]
struct Defaults {
    /// (customer, billing, shipping), in the order the customers are first named.
    rows: Vec<(i32, Option<i32>, Option<i32>)>,
    at: HashMap<i32, usize>,
}

impl Defaults {
    fn add(&mut self, billing: bool, shipping: bool, customer_id: i32, address_id: i32) {
        if !billing && !shipping {
            return;
        }
        let at = match self.at.get(&customer_id) {
            Some(&at) => at,
            None => {
                self.rows.push((customer_id, None, None));
                self.at.insert(customer_id, self.rows.len() - 1);
                self.rows.len() - 1
            }
        };
        let row = &mut self.rows[at];
        if billing && row.1.is_none() {
            row.1 = Some(address_id);
        }
        if shipping && row.2.is_none() {
            row.2 = Some(address_id);
        }
    }

    /// PostgreSQL: one UPDATE joined to a VALUES list per chunk (one round trip; only
    /// integers go into the text), by primary key: up to a few hundred thousand customers the
    /// planner prefers a hash join over a scan of the whole table, for every batch (measured:
    /// 40 ms a batch at 100k customers, against 14 ms through the index), so hash and merge
    /// joins are off for this statement (`SET LOCAL`, back to the defaults after it; the
    /// batch is a transaction). SQLite: one prepared UPDATE per customer, which costs less
    /// than parsing the long statement.
    fn write(&self, conn: &mut DbConnection) -> QueryResult<()> {
        use std::fmt::Write;
        if let DbConnection::Sqlite(c) = conn {
            for &(customer, billing, shipping) in &self.rows {
                let target = diesel::update(customers::table.find(customer));
                match (billing, shipping) {
                    (Some(b), Some(s)) => target
                        .set((
                            customers::default_billing.eq(b),
                            customers::default_shipping.eq(s),
                        ))
                        .execute(c)?,
                    (Some(b), None) => target.set(customers::default_billing.eq(b)).execute(c)?,
                    (None, Some(s)) => target.set(customers::default_shipping.eq(s)).execute(c)?,
                    (None, None) => 0,
                };
            }
            return Ok(());
        }
        let sql = |v: Option<i32>| v.map_or_else(|| "NULL::integer".to_owned(), |v| v.to_string());
        for chunk in self.rows.chunks(10_000) {
            let mut values = String::with_capacity(chunk.len() * 24);
            for (i, &(c, b, s)) in chunk.iter().enumerate() {
                let sep = if i == 0 { "" } else { "," };
                let _ = write!(values, "{sep}({c},{},{})", sql(b), sql(s));
            }
            conn.batch_execute(&format!(
                "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; \
                 UPDATE customers SET \
                 default_billing = COALESCE(v.billing, customers.default_billing), \
                 default_shipping = COALESCE(v.shipping, customers.default_shipping) \
                 FROM (VALUES {values}) AS v (customer, billing, shipping) \
                 WHERE customers.entity_id = v.customer; \
                 SET LOCAL enable_hashjoin TO DEFAULT; SET LOCAL enable_mergejoin TO DEFAULT"
            ))?;
        }
        Ok(())
    }
}

/// The end of an import: defaults that name no address of their customer (a rejected
/// address) are cleared, and PostgreSQL's id sequences move past the imported ids (not in a
/// dry run: sequences ignore rollbacks).
pub fn finish(conn: &mut DbConnection, advance_sequences: bool) -> QueryResult<()> {
    for column in ["default_billing", "default_shipping"] {
        conn.batch_execute(&format!(
            "UPDATE customers SET {column} = NULL WHERE {column} IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM customer_addresses a WHERE a.entity_id = customers.{column} \
             AND a.customer_id = customers.entity_id)"
        ))?;
    }
    if let (true, DbConnection::Pg(pg)) = (advance_sequences, conn) {
        for table in ["customers", "customer_addresses"] {
            pg.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'entity_id'), \
                 GREATEST(COALESCE((SELECT MAX(entity_id) FROM {table}), 0) + 1, \
                 nextval(pg_get_serial_sequence('{table}', 'entity_id'))), false)"
            ))?;
        }
    }
    Ok(())
}

/// Session settings for a real (not dry) import on PostgreSQL: commits do not wait for their
/// WAL to reach the disk (`synchronous_commit = off`). An import can always be run again (rows
/// are matched by e-mail and website, ids kept), so what a server crash could lose, the last
/// fraction of a second of committed batches, a re-run writes again; the database stays
/// consistent either way. Only this session's commits are affected; `end_session` undoes it.
pub fn begin_session(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Pg(c) => c.batch_execute("SET synchronous_commit = off"),
        DbConnection::Sqlite(_) => Ok(()),
    }
}

pub fn end_session(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Pg(c) => c.batch_execute("RESET synchronous_commit"),
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// Runs `f` as one batch: its own write transaction, or a savepoint of a dry run's outer one.
pub fn batch_transaction<T>(
    conn: &mut DbConnection,
    dry_run: bool,
    f: impl FnOnce(&mut DbConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    if dry_run {
        conn.transaction(f)
    } else {
        super::write_transaction(conn, f)
    }
}

/// A database refusal of one row as a report reason, without the driver's text (it may
/// quote values); `None` when the failure is not about a row (the connection lost).
pub fn refusal_reason(e: &DbError) -> Option<&'static str> {
    use diesel::result::DatabaseErrorKind as K;
    Some(match e {
        DbError::DatabaseError(K::UniqueViolation, _) => "a row with the same key exists",
        DbError::DatabaseError(K::ForeignKeyViolation, _) => "refers to a row that does not exist",
        DbError::DatabaseError(K::CheckViolation | K::NotNullViolation, _) => {
            "a value the database refuses"
        }
        DbError::DatabaseError(K::Unknown, _) => "the database refused the row",
        _ => return None,
    })
}
