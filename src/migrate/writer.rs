//! Validates imported rows with the domain rules and writes them in batches: one transaction
//! per batch, one multi-row INSERT per backend for the new rows (Diesel's MultiConnection
//! cannot batch-insert, so this matches on the concrete connection), an UPDATE per row that
//! already exists (same e-mail and website: re-runs update, ids are kept). A batch the database
//! refuses is retried row by row, so one bad row is reported and the rest are written.

use super::progress::Progress;
use super::{
    AddressRecord, CustomerRecord, MigrateError, Owner, Rejection, Report, ScopeRef, Summary,
};
use crate::auth::{legacy_hash, password};
use crate::db::schema::{customer_addresses, customers};
use crate::db::scopes::{ADMIN_STORE_ID, Scopes};
use crate::db::{self, DbConnection};
use crate::domain::address::{AddressInput, RegionInput};
use crate::domain::customer::{CustomerInput, parse_time as parse_stored_time};
use crate::domain::email::normalize;
use crate::domain::token::TokenHash;
use crate::error::AppError;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// Rows per transaction. A customer row binds 25 values: 1,000 stay under SQLite's 32,766.
pub const DEFAULT_BATCH: usize = 1000;
/// Magento's import refuses shorter plain passwords (Import\Customer::MIN_PASSWORD_LENGTH).
const MIN_IMPORT_PASSWORD: usize = 6;

#[derive(Debug, Clone)]
pub struct Options {
    pub dry_run: bool,
    pub batch_size: usize,
    /// For the rare plain `password` column.
    pub bcrypt_cost: u32,
}

/// The customer columns an import writes. `treat_none_as_null`: a re-run writes what the
/// file says, as Magento's import does for existing customers.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = customers, treat_none_as_null = true, treat_none_as_default_value = false)]
struct Attributes {
    website_id: i32,
    email: String,
    email_normalized: String,
    group_id: i32,
    store_id: i32,
    created_in: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    is_active: bool,
    disable_auto_group_change: i16,
    prefix: Option<String>,
    firstname: String,
    middlename: Option<String>,
    lastname: String,
    suffix: Option<String>,
    dob: Option<NaiveDate>,
    gender: Option<i16>,
    taxvat: Option<String>,
    confirmation: Option<String>,
    is_subscribed: bool,
}

#[derive(Insertable)]
#[diesel(table_name = customers, treat_none_as_default_value = false)]
struct NewCustomer {
    entity_id: i32,
    #[diesel(embed)]
    attributes: Attributes,
    password_hash: Option<String>,
    default_billing: Option<i32>,
    default_shipping: Option<i32>,
}

#[derive(Insertable)]
#[diesel(table_name = customers, treat_none_as_default_value = false)]
struct NewCustomerAutoId {
    #[diesel(embed)]
    attributes: Attributes,
    password_hash: Option<String>,
    default_billing: Option<i32>,
    default_shipping: Option<i32>,
}

struct PreparedCustomer {
    origin: String,
    entity_id: Option<i32>,
    attributes: Attributes,
    password_hash: Option<String>,
    default_billing: Option<i32>,
    default_shipping: Option<i32>,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = customer_addresses, treat_none_as_null = true, treat_none_as_default_value = false)]
struct AddressAttributes {
    customer_id: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    firstname: String,
    middlename: Option<String>,
    lastname: String,
    prefix: Option<String>,
    suffix: Option<String>,
    company: Option<String>,
    street: String,
    city: String,
    country_id: String,
    region: Option<String>,
    region_id: i32,
    postcode: Option<String>,
    telephone: Option<String>,
    fax: Option<String>,
    vat_id: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = customer_addresses, treat_none_as_default_value = false)]
struct NewAddress {
    entity_id: i32,
    #[diesel(embed)]
    attributes: AddressAttributes,
}

/// An address that passed validation; its owner is resolved inside the batch transaction.
struct PreparedAddress {
    origin: String,
    entity_id: Option<i32>,
    owner: Owner,
    /// `customer_id` is a placeholder until the owner is resolved.
    attributes: AddressAttributes,
    default_billing: bool,
    default_shipping: bool,
}

#[derive(Default)]
struct Outcome {
    created: u64,
    updated: u64,
    rejected: Vec<Rejection>,
}

/// The import's state: the current batch, the counts, the report.
pub struct Writer<'c, W: Write> {
    conn: &'c mut DbConnection,
    scopes: Scopes,
    options: Options,
    report: Report<W>,
    progress: Progress,
    summary: Summary,
    customers: Vec<PreparedCustomer>,
    addresses: Vec<PreparedAddress>,
    today: NaiveDate,
    now: NaiveDateTime,
}

/// The reason text of a domain refusal (Magento's messages, placeholders filled in).
fn reason(e: &AppError) -> String {
    match e {
        AppError::Input(p) | AppError::AlreadyExists(p) | AppError::NotFound(p) => p.render(),
        AppError::InputErrors(ps) => ps.iter().map(|p| p.render()).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

fn parse_time(
    field: &str,
    origin: &str,
    raw: &Option<String>,
) -> Result<Option<NaiveDateTime>, Rejection> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_stored_time(s)
            .map(Some)
            .ok_or_else(|| Rejection::new(origin, field, format!("Invalid date and time \"{s}\""))),
    }
}

/// Magento exports `gender` by option label and stores its id; both are read.
fn parse_gender(origin: &str, raw: &Option<String>) -> Result<Option<i64>, Rejection> {
    let Some(s) = raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match s.to_lowercase().as_str() {
        "0" => Ok(None),
        "1" | "male" => Ok(Some(1)),
        "2" | "female" => Ok(Some(2)),
        "3" | "not specified" => Ok(Some(3)),
        _ => Err(Rejection::new(
            origin,
            "gender",
            format!("Value for 'gender' attribute contains incorrect value \"{s}\""),
        )),
    }
}

fn parse_flag(field: &str, origin: &str, raw: &Option<String>) -> Result<Option<i64>, Rejection> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some("0") => Ok(Some(0)),
        Some("1") => Ok(Some(1)),
        Some(s) => Err(Rejection::new(
            origin,
            field,
            format!("Value for '{field}' attribute contains incorrect value \"{s}\""),
        )),
    }
}

/// Magento keeps the confirmation key in clear; this service keeps only its SHA-256 (as for
/// keys it mails itself), so the key in a customer's Magento mail still confirms here. A
/// value that already is a SHA-256 came from this service's own export and is kept.
fn confirmation_hash(raw: &Option<String>) -> Option<String> {
    let key = raw.as_deref().filter(|s| !s.is_empty())?;
    if key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Some(key.to_owned());
    }
    Some(TokenHash::of(key).into_string())
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.is_empty()).cloned()
}

impl<'c, W: Write> Writer<'c, W> {
    pub fn new(
        conn: &'c mut DbConnection,
        options: Options,
        report: Report<W>,
        progress: Progress,
    ) -> Result<Self, MigrateError> {
        let scopes = Scopes::load(conn)?;
        let now = db::now_seconds();
        Ok(Self {
            conn,
            scopes,
            options,
            report,
            progress,
            summary: Summary::default(),
            customers: Vec::new(),
            addresses: Vec::new(),
            today: now.date(),
            now,
        })
    }

    pub fn progress(&mut self) -> &mut Progress {
        &mut self.progress
    }

    fn reject(&mut self, r: Rejection, customer: bool) -> Result<(), MigrateError> {
        if customer {
            self.summary.customers_rejected += 1;
        } else {
            self.summary.addresses_rejected += 1;
        }
        self.report.add(&r)
    }

    fn website_id(&self, code: &str) -> Option<i32> {
        self.scopes
            .websites
            .iter()
            .find(|w| w.code == code && w.website_id != 0)
            .map(|w| w.website_id)
    }

    fn prepare_customer(&self, r: CustomerRecord) -> Result<PreparedCustomer, Rejection> {
        let o = r.origin.as_str();
        let website = r.website.as_deref().unwrap_or_default();
        let website_id = self.website_id(website).ok_or_else(|| {
            Rejection::new(
                o,
                "_website",
                format!("Invalid value in Website column (website does not exist?): \"{website}\""),
            )
        })?;
        let store = match &r.store {
            None | Some(ScopeRef::Admin) => self.scopes.store(ADMIN_STORE_ID),
            Some(ScopeRef::Code(code)) => self.scopes.stores.iter().find(|s| {
                &s.code == code && (s.website_id == website_id || s.store_id == ADMIN_STORE_ID)
            }),
        }
        .ok_or_else(|| {
            Rejection::new(
                o,
                "_store",
                "Invalid value in Store column (store does not exist?)",
            )
        })?;
        let group_id = match r
            .group_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => 1,
            Some(g) => g
                .parse::<i32>()
                .ok()
                .filter(|g| self.scopes.customer_group_ids.contains(g))
                .ok_or_else(|| {
                    Rejection::new(o, "group_id", format!("Invalid customer group \"{g}\""))
                })?,
        };
        let created_at = parse_time("created_at", o, &r.created_at)?.unwrap_or(self.now);
        let updated_at = parse_time("updated_at", o, &r.updated_at)?.unwrap_or(created_at);
        let input = CustomerInput {
            email: Some(r.email.trim().to_owned()),
            firstname: r.firstname.clone(),
            lastname: r.lastname.clone(),
            middlename: r.middlename.clone(),
            prefix: r.prefix.clone(),
            suffix: r.suffix.clone(),
            dob: r.dob.clone(),
            gender: parse_gender(o, &r.gender)?,
            taxvat: r.taxvat.clone(),
            disable_auto_group_change: parse_flag(
                "disable_auto_group_change",
                o,
                &r.disable_auto_group_change,
            )?,
            is_subscribed: r.is_subscribed,
            ..CustomerInput::default()
        };
        let valid = input
            .validate_attributes(self.today)
            .map_err(|e| Rejection::new(o, "row", reason(&e)))?;
        let password_hash = match (non_empty(&r.password_hash), non_empty(&r.password)) {
            (Some(h), _) => {
                // Never echoed: a hash is a secret.
                legacy_hash::check_storable(&h).map_err(|_| {
                    Rejection::new(
                        o,
                        "password_hash",
                        "not a password hash this service can verify",
                    )
                })?;
                Some(h)
            }
            (None, Some(p)) => {
                if p.chars().count() < MIN_IMPORT_PASSWORD {
                    return Err(Rejection::new(
                        o,
                        "password",
                        "Please enter a password with a valid length.",
                    ));
                }
                Some(
                    password::hash_blocking(&p, self.options.bcrypt_cost)
                        .map_err(|e| Rejection::new(o, "password", e.to_string()))?,
                )
            }
            (None, None) => None,
        };
        Ok(PreparedCustomer {
            origin: r.origin.clone(),
            entity_id: r.entity_id,
            attributes: Attributes {
                website_id,
                email: valid.email.as_str().to_owned(),
                email_normalized: valid.email.normalized(),
                group_id,
                store_id: store.store_id,
                created_in: non_empty(&r.created_in).unwrap_or_else(|| store.name.clone()),
                created_at,
                updated_at,
                is_active: r.is_active.unwrap_or(true),
                disable_auto_group_change: valid.disable_auto_group_change,
                prefix: valid.prefix,
                firstname: valid.firstname,
                middlename: valid.middlename,
                lastname: valid.lastname,
                suffix: valid.suffix,
                dob: valid.dob,
                gender: valid.gender,
                taxvat: valid.taxvat,
                confirmation: confirmation_hash(&r.confirmation),
                is_subscribed: valid.is_subscribed,
            },
            password_hash,
            default_billing: r.default_billing,
            default_shipping: r.default_shipping,
        })
    }

    fn prepare_address(&self, r: AddressRecord) -> Result<PreparedAddress, Rejection> {
        let o = r.origin.as_str();
        let created_at = parse_time("created_at", o, &r.created_at)?.unwrap_or(self.now);
        let updated_at = parse_time("updated_at", o, &r.updated_at)?.unwrap_or(created_at);
        let region_id = r
            .region_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<i64>().map_err(|_| {
                    Rejection::new(o, "region_id", format!("Invalid region id \"{s}\""))
                })
            })
            .transpose()?;
        let region_text = non_empty(&r.region);
        // Regions map by country and name or code: this service's ids are Magento's
        // standard ones, but a store may have added its own regions with other ids.
        let region = RegionInput {
            region_code: None,
            region_id: if region_text.is_some() {
                None
            } else {
                region_id
            },
            region: region_text,
        };
        let input = AddressInput {
            firstname: r.firstname.clone(),
            middlename: r.middlename.clone(),
            lastname: r.lastname.clone(),
            prefix: r.prefix.clone(),
            suffix: r.suffix.clone(),
            company: r.company.clone(),
            street: r
                .street
                .as_ref()
                .map(|s| s.split('\n').map(str::to_owned).collect()),
            city: r.city.clone(),
            country_id: r.country_id.clone(),
            region: Some(region),
            postcode: r.postcode.clone(),
            telephone: r.telephone.clone(),
            fax: r.fax.clone(),
            vat_id: r.vat_id.clone(),
            ..AddressInput::default()
        };
        let valid = input
            .validate()
            .map_err(|e| Rejection::new(o, "row", reason(&e)))?;
        Ok(PreparedAddress {
            origin: r.origin.clone(),
            entity_id: r.entity_id,
            owner: r.owner.clone(),
            attributes: AddressAttributes {
                customer_id: 0,
                created_at,
                updated_at,
                firstname: valid.firstname.clone(),
                middlename: valid.middlename.clone(),
                lastname: valid.lastname.clone(),
                prefix: valid.prefix.clone(),
                suffix: valid.suffix.clone(),
                company: valid.company.clone(),
                street: valid.street.join("\n"),
                city: valid.city.clone(),
                country_id: valid.country_id.clone(),
                region: valid.region.name().map(str::to_owned),
                region_id: valid.region.id(),
                postcode: valid.postcode.clone(),
                telephone: valid.telephone.clone(),
                fax: valid.fax.clone(),
                vat_id: valid.vat_id.clone(),
            },
            default_billing: r.default_billing,
            default_shipping: r.default_shipping,
        })
    }

    pub fn push_customer(&mut self, r: CustomerRecord) -> Result<(), MigrateError> {
        match self.prepare_customer(r) {
            Ok(p) => self.customers.push(p),
            Err(rej) => {
                self.reject(rej, true)?;
                self.progress.inc(1);
            }
        }
        if self.customers.len() >= self.options.batch_size {
            self.flush_customers()?;
        }
        Ok(())
    }

    pub fn push_address(&mut self, r: AddressRecord) -> Result<(), MigrateError> {
        match self.prepare_address(r) {
            Ok(p) => self.addresses.push(p),
            Err(rej) => {
                self.reject(rej, false)?;
                self.progress.inc(1);
            }
        }
        if self.addresses.len() >= self.options.batch_size {
            self.flush_addresses()?;
        }
        Ok(())
    }

    pub fn flush_customers(&mut self) -> Result<(), MigrateError> {
        let batch = std::mem::take(&mut self.customers);
        let n = batch.len() as u64;
        let outcome = write_batch(
            &mut *self.conn,
            self.options.dry_run,
            batch,
            write_customers,
        )?;
        self.summary.customers_created += outcome.created;
        self.summary.customers_updated += outcome.updated;
        self.settle(outcome.rejected, n, true)
    }

    pub fn flush_addresses(&mut self) -> Result<(), MigrateError> {
        let batch = std::mem::take(&mut self.addresses);
        let n = batch.len() as u64;
        let scopes = self.scopes.clone();
        let outcome = write_batch(&mut *self.conn, self.options.dry_run, batch, |c, rows| {
            write_addresses(c, &scopes, rows)
        })?;
        self.summary.addresses_created += outcome.created;
        self.summary.addresses_updated += outcome.updated;
        self.settle(outcome.rejected, n, false)
    }

    fn settle(
        &mut self,
        rejected: Vec<Rejection>,
        rows: u64,
        customers: bool,
    ) -> Result<(), MigrateError> {
        for r in rejected {
            self.reject(r, customers)?;
        }
        self.progress.inc(rows);
        Ok(())
    }

    /// Writes what is left, clears defaults that name no address of their customer (a
    /// rejected address), moves PostgreSQL's id sequences past the imported ids, and returns
    /// the counts.
    pub fn finish(mut self) -> Result<Summary, MigrateError> {
        self.flush_customers()?;
        self.flush_addresses()?;
        let dry = self.options.dry_run;
        in_transaction(&mut *self.conn, dry, |conn| {
            for column in ["default_billing", "default_shipping"] {
                diesel::sql_query(format!(
                    "UPDATE customers SET {column} = NULL WHERE {column} IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM customer_addresses a WHERE a.entity_id = customers.{column} \
                     AND a.customer_id = customers.entity_id)"
                ))
                .execute(conn)?;
            }
            // Sequences ignore rollbacks: a dry run leaves them alone.
            if let (false, DbConnection::Pg(pg)) = (dry, conn) {
                for table in ["customers", "customer_addresses"] {
                    diesel::sql_query(format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'entity_id'), \
                         COALESCE((SELECT MAX(entity_id) FROM {table}), 0) + 1, false)"
                    ))
                    .execute(pg)?;
                }
            }
            Ok(())
        })?;
        self.progress.finish();
        self.report.finish()?;
        Ok(self.summary)
    }
}

/// A prepared row's place in the source, for the report.
trait Origin {
    fn origin(&self) -> &str;
}

impl Origin for PreparedCustomer {
    fn origin(&self) -> &str {
        &self.origin
    }
}

impl Origin for PreparedAddress {
    fn origin(&self) -> &str {
        &self.origin
    }
}

/// Writes a batch in one transaction. When the database refuses it, each row is written
/// alone in its own transaction, so the refused row is reported and the others are kept. A
/// failure that is not about a row (the connection lost) stops the run.
fn write_batch<R: Origin>(
    conn: &mut DbConnection,
    dry_run: bool,
    batch: Vec<R>,
    write: impl Fn(&mut DbConnection, &[R]) -> QueryResult<Outcome>,
) -> Result<Outcome, MigrateError> {
    if batch.is_empty() {
        return Ok(Outcome::default());
    }
    if let Ok(outcome) = in_transaction(conn, dry_run, |c| write(c, &batch)) {
        return Ok(outcome);
    }
    let mut all = Outcome::default();
    for row in batch {
        let one = [row];
        match in_transaction(conn, dry_run, |c| write(c, &one)) {
            Ok(o) => all.merge(o),
            Err(e) => match db_reason(&e) {
                Some(reason) => all
                    .rejected
                    .push(Rejection::new(one[0].origin(), "row", reason)),
                None => return Err(e.into()),
            },
        }
    }
    Ok(all)
}

/// Runs `f` in the batch's transaction: its own write transaction, or a savepoint of the dry
/// run's outer one.
fn in_transaction<T>(
    conn: &mut DbConnection,
    dry_run: bool,
    f: impl FnOnce(&mut DbConnection) -> Result<T, diesel::result::Error>,
) -> Result<T, diesel::result::Error> {
    if dry_run {
        conn.transaction(f)
    } else {
        db::write_transaction(conn, f)
    }
}

impl Outcome {
    fn merge(&mut self, o: Outcome) {
        self.created += o.created;
        self.updated += o.updated;
        self.rejected.extend(o.rejected);
    }
}

/// A database refusal as a report reason, without the driver's text (it may quote values).
fn db_reason(e: &diesel::result::Error) -> Option<String> {
    use diesel::result::{DatabaseErrorKind as K, Error as E};
    let reason = match e {
        E::DatabaseError(K::UniqueViolation, _) => "a row with the same key exists",
        E::DatabaseError(K::ForeignKeyViolation, _) => "refers to a row that does not exist",
        E::DatabaseError(K::CheckViolation | K::NotNullViolation, _) => {
            "a value the database refuses"
        }
        E::DatabaseError(K::Unknown, _) => "the database refused the row",
        _ => return None,
    };
    Some(reason.to_owned())
}

/// Multi-row INSERT on the concrete connection (MultiConnection has no batch insert).
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
                    DbConnection::Pg(c) => diesel::insert_into($table).values(rows).execute(c)?,
                    DbConnection::Sqlite(c) => {
                        diesel::insert_into($table).values(rows).execute(c)?
                    }
                };
                Ok(())
            }
        }
    };
}

insert_rows!(NewCustomer, customers::table);
insert_rows!(NewCustomerAutoId, customers::table);
insert_rows!(NewAddress, customer_addresses::table);
insert_rows!(AddressAttributes, customer_addresses::table);

fn write_customers(conn: &mut DbConnection, batch: &[PreparedCustomer]) -> QueryResult<Outcome> {
    let mut outcome = Outcome::default();
    let emails: Vec<&str> = batch
        .iter()
        .map(|p| p.attributes.email_normalized.as_str())
        .collect();
    let existing = crate::db::customers::ids_by_emails(conn, &emails)?;
    let wanted_ids: Vec<i32> = batch.iter().filter_map(|p| p.entity_id).collect();
    let mut taken: HashSet<i32> = customers::table
        .filter(customers::entity_id.eq_any(wanted_ids))
        .select(customers::entity_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    let mut seen: HashSet<(&str, i32)> = HashSet::new();
    let (mut with_id, mut auto_id) = (Vec::new(), Vec::new());
    for p in batch {
        let a = &p.attributes;
        if !seen.insert((a.email_normalized.as_str(), a.website_id)) {
            outcome.rejected.push(Rejection::new(
                &p.origin,
                "email",
                "This email is found more than once in the import file.",
            ));
            continue;
        }
        if let Some(&id) = existing.get(&(a.email_normalized.clone(), a.website_id)) {
            // Same e-mail and website: an update; the stored id stays.
            diesel::update(customers::table.find(id))
                .set(a)
                .execute(conn)?;
            if let Some(b) = p.default_billing {
                diesel::update(customers::table.find(id))
                    .set(customers::default_billing.eq(b))
                    .execute(conn)?;
            }
            if let Some(s) = p.default_shipping {
                diesel::update(customers::table.find(id))
                    .set(customers::default_shipping.eq(s))
                    .execute(conn)?;
            }
            if let Some(hash) = &p.password_hash {
                // A password set here since (a change, a reset, the first sign-in's
                // rehash) is newer than the file's: only an account without one takes it.
                diesel::update(
                    customers::table
                        .find(id)
                        .filter(customers::password_hash.is_null()),
                )
                .set(customers::password_hash.eq(hash))
                .execute(conn)?;
            }
            outcome.updated += 1;
            continue;
        }
        match p.entity_id {
            Some(id) if !taken.insert(id) => {
                outcome.rejected.push(Rejection::new(
                    &p.origin,
                    "entity_id",
                    format!("id {id} belongs to another customer"),
                ));
            }
            Some(id) => with_id.push(NewCustomer {
                entity_id: id,
                attributes: a.clone(),
                password_hash: p.password_hash.clone(),
                default_billing: p.default_billing,
                default_shipping: p.default_shipping,
            }),
            None => auto_id.push(NewCustomerAutoId {
                attributes: a.clone(),
                password_hash: p.password_hash.clone(),
                default_billing: p.default_billing,
                default_shipping: p.default_shipping,
            }),
        }
    }
    outcome.created = (with_id.len() + auto_id.len()) as u64;
    NewCustomer::insert(&with_id, conn)?;
    NewCustomerAutoId::insert(&auto_id, conn)?;
    Ok(outcome)
}

fn write_addresses(
    conn: &mut DbConnection,
    scopes: &Scopes,
    batch: &[PreparedAddress],
) -> QueryResult<Outcome> {
    let mut outcome = Outcome::default();
    // Owners: by id (database source) or by e-mail and website (CSV).
    let ids: Vec<i32> = batch
        .iter()
        .filter_map(|p| match p.owner {
            Owner::Id(id) => Some(id),
            Owner::Email { .. } => None,
        })
        .collect();
    let known_ids: HashSet<i32> = customers::table
        .filter(customers::entity_id.eq_any(ids))
        .select(customers::entity_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    let emails: Vec<String> = batch
        .iter()
        .filter_map(|p| match &p.owner {
            Owner::Email { email, .. } => Some(normalize(email.trim())),
            Owner::Id(_) => None,
        })
        .collect();
    let emails: Vec<&str> = emails.iter().map(String::as_str).collect();
    let by_email = crate::db::customers::ids_by_emails(conn, &emails)?;
    let address_ids: Vec<i32> = batch.iter().filter_map(|p| p.entity_id).collect();
    let mut stored: HashMap<i32, i32> = customer_addresses::table
        .filter(customer_addresses::entity_id.eq_any(address_ids))
        .select((
            customer_addresses::entity_id,
            customer_addresses::customer_id,
        ))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect();

    let (mut with_id, mut auto_id) = (Vec::new(), Vec::new());
    let mut auto_flags = Vec::new();
    let (mut billing, mut shipping) = (Vec::new(), Vec::new());
    for p in batch {
        let owner = match &p.owner {
            Owner::Id(id) => known_ids.contains(id).then_some(*id),
            Owner::Email { email, website } => scopes
                .websites
                .iter()
                .find(|w| &w.code == website)
                .and_then(|w| {
                    by_email
                        .get(&(normalize(email.trim()), w.website_id))
                        .copied()
                }),
        };
        let Some(customer_id) = owner else {
            let (field, why) = match p.owner {
                Owner::Id(_) => ("parent_id", "No customer with this id was imported."),
                Owner::Email { .. } => (
                    "_email",
                    "We can't find that email and website combination.",
                ),
            };
            outcome.rejected.push(Rejection::new(&p.origin, field, why));
            continue;
        };
        let mut attributes = p.attributes.clone();
        attributes.customer_id = customer_id;
        let address_id = match p.entity_id {
            Some(id) => match stored.get(&id) {
                Some(&owner) if owner == customer_id => {
                    diesel::update(customer_addresses::table.find(id))
                        .set(&attributes)
                        .execute(conn)?;
                    outcome.updated += 1;
                    Some(id)
                }
                Some(_) => {
                    outcome.rejected.push(Rejection::new(
                        &p.origin,
                        "_entity_id",
                        format!("address {id} belongs to another customer"),
                    ));
                    continue;
                }
                None => {
                    stored.insert(id, customer_id);
                    with_id.push(NewAddress {
                        entity_id: id,
                        attributes,
                    });
                    Some(id)
                }
            },
            None => {
                auto_id.push(attributes);
                auto_flags.push((customer_id, p.default_billing, p.default_shipping));
                None
            }
        };
        if let Some(id) = address_id {
            if p.default_billing {
                billing.push((customer_id, id));
            }
            if p.default_shipping {
                shipping.push((customer_id, id));
            }
        }
    }
    outcome.created = (with_id.len() + auto_id.len()) as u64;
    NewAddress::insert(&with_id, conn)?;
    if !auto_id.is_empty() {
        // Rows without an id get the database's; they are read back in insert order (ids
        // grow within one transaction) to set the defaults they carry.
        let before: i32 = customer_addresses::table
            .select(diesel::dsl::max(customer_addresses::entity_id))
            .first::<Option<i32>>(conn)?
            .unwrap_or(0);
        AddressAttributes::insert(&auto_id, conn)?;
        let new_ids: Vec<i32> = customer_addresses::table
            .filter(customer_addresses::entity_id.gt(before))
            .select(customer_addresses::entity_id)
            .order(customer_addresses::entity_id)
            .load(conn)?;
        for (id, (customer_id, b, s)) in new_ids.into_iter().zip(auto_flags) {
            if b {
                billing.push((customer_id, id));
            }
            if s {
                shipping.push((customer_id, id));
            }
        }
    }
    set_defaults(conn, "default_billing", &billing)?;
    set_defaults(conn, "default_shipping", &shipping)?;
    Ok(outcome)
}

/// One UPDATE for a batch's default addresses. Only integers go into the text.
fn set_defaults(conn: &mut DbConnection, column: &str, pairs: &[(i32, i32)]) -> QueryResult<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let cases: String = pairs
        .iter()
        .map(|(c, a)| format!(" WHEN {c} THEN {a}"))
        .collect();
    let ids: Vec<String> = pairs.iter().map(|(c, _)| c.to_string()).collect();
    diesel::sql_query(format!(
        "UPDATE customers SET {column} = CASE entity_id{cases} END WHERE entity_id IN ({})",
        ids.join(",")
    ))
    .execute(conn)?;
    Ok(())
}

/// Runs an import: `feed` pushes the source's records into the writer. With `dry_run` the
/// whole run happens in one transaction that is rolled back, so the counts and the report
/// are those of a real run and nothing is kept.
pub fn run<W: Write>(
    conn: &mut DbConnection,
    options: Options,
    report: Report<W>,
    progress: Progress,
    feed: impl FnOnce(&mut Writer<'_, W>) -> Result<(), MigrateError>,
) -> Result<Summary, MigrateError> {
    if !options.dry_run {
        let mut writer = Writer::new(conn, options, report, progress)?;
        feed(&mut writer)?;
        return writer.finish();
    }
    let mut summary = None;
    let result = db::write_transaction(conn, |conn| {
        let mut writer = Writer::new(conn, options, report, progress)?;
        feed(&mut writer)?;
        summary = Some(writer.finish()?);
        Err::<(), _>(MigrateError::DryRun)
    });
    match (result, summary) {
        (Err(MigrateError::DryRun), Some(s)) => Ok(s),
        (Err(e), _) => Err(e),
        (Ok(()), _) => unreachable!("a dry run always rolls back"),
    }
}
