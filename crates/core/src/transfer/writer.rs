//! Validates imported rows with the domain rules and hands them to `db::import` in batches:
//! one transaction per batch. A batch the database refuses is retried row by row, so one bad
//! row is reported and the rest are written.

use super::progress::Progress;
use super::{
    AddressRecord, CustomerRecord, MigrateError, Owner, Rejection, Report, ScopeRef, Summary,
};
use crate::auth::{legacy_hash, password};
use crate::db::import::{
    self as bulk, AddressOwner, BatchOutcome, ImportedAddress, ImportedCustomer, NewAddress,
    NewCustomer,
};
use crate::db::scopes::{ADMIN_STORE_ID, Scopes};
use crate::db::suspended;
use crate::db::{self, DbConnection, QueryResult};
use crate::domain::address::{AddressInput, RegionInput};
use crate::domain::customer::{CustomerInput, parse_time as parse_stored_time};
use crate::domain::email::normalize;
use crate::domain::token::TokenHash;
use crate::error::AppError;
use chrono::{NaiveDate, NaiveDateTime};
use std::io::Write;

/// Rows per transaction: each batch costs a fixed number of round trips, so larger batches
/// amortise them; memory stays a few MiB.
pub const DEFAULT_BATCH: usize = 5000;
/// Magento's import refuses shorter plain passwords (Import\Customer::MIN_PASSWORD_LENGTH).
const MIN_IMPORT_PASSWORD: usize = 6;

#[derive(Debug, Clone)]
pub struct Options {
    pub dry_run: bool,
    pub batch_size: usize,
    /// For the rare plain `password` column.
    pub bcrypt_cost: u32,
}

/// Rows waiting for their batch, with where each came from (for the report).
struct Batch<T> {
    origins: Vec<String>,
    rows: Vec<T>,
}

impl<T> Default for Batch<T> {
    fn default() -> Self {
        Self {
            origins: Vec::new(),
            rows: Vec::new(),
        }
    }
}

impl<T> Batch<T> {
    fn push(&mut self, origin: String, row: T) {
        self.origins.push(origin);
        self.rows.push(row);
    }

    fn len(&self) -> usize {
        self.rows.len()
    }
}

/// What a batch did, refusals placed in the source.
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
    customers: Batch<ImportedCustomer>,
    addresses: Batch<ImportedAddress>,
    today: NaiveDate,
    now: NaiveDateTime,
}

/// The reason text of a domain refusal (Magento's messages, placeholders filled in).
fn reason(e: &AppError) -> String {
    match e {
        AppError::Input(p) | AppError::AlreadyExists(p) | AppError::NotFound(p) => p.render(),
        AppError::InputErrors(ps) => ps.iter().map(|p| p.render()).collect::<Vec<_>>().join("; "),
        AppError::Invalid(violations) => AppError::joined(violations).render(),
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
            customers: Batch::default(),
            addresses: Batch::default(),
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

    fn prepare_customer(&self, r: &CustomerRecord) -> Result<ImportedCustomer, Rejection> {
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
        Ok(ImportedCustomer {
            source_id: r.entity_id,
            row: NewCustomer {
                entity_id: 0,
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
                password_hash,
                default_billing: r.default_billing,
                default_shipping: r.default_shipping,
            },
        })
    }

    fn prepare_address(&self, r: &AddressRecord) -> Result<ImportedAddress, Rejection> {
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
        let owner = match &r.owner {
            Owner::Id(id) => AddressOwner::Id(*id),
            Owner::Email { email, website } => AddressOwner::Email {
                email_normalized: normalize(email.trim()),
                website_id: self
                    .scopes
                    .websites
                    .iter()
                    .find(|w| &w.code == website)
                    .map(|w| w.website_id),
            },
        };
        Ok(ImportedAddress {
            source_id: r.entity_id,
            owner,
            row: NewAddress {
                entity_id: 0,
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
        match self.prepare_customer(&r) {
            Ok(p) => self.customers.push(r.origin, p),
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
        match self.prepare_address(&r) {
            Ok(p) => self.addresses.push(r.origin, p),
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
            bulk::write_customers,
        )?;
        self.summary.customers_created += outcome.created;
        self.summary.customers_updated += outcome.updated;
        self.settle(outcome.rejected, n, true)
    }

    pub fn flush_addresses(&mut self) -> Result<(), MigrateError> {
        let batch = std::mem::take(&mut self.addresses);
        let n = batch.len() as u64;
        let outcome = write_batch(
            &mut *self.conn,
            self.options.dry_run,
            batch,
            bulk::write_addresses,
        )?;
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
        // Sequences ignore rollbacks: a dry run leaves them alone.
        bulk::batch_transaction(&mut *self.conn, dry, |conn| bulk::finish(conn, !dry))?;
        self.progress.finish();
        self.report.finish()?;
        Ok(self.summary)
    }
}

/// Writes a batch in one transaction. When the database refuses it, each row is written
/// alone in its own transaction, so the refused row is reported and the others are kept. A
/// failure that is not about a row (the connection lost) stops the run.
fn write_batch<T>(
    conn: &mut DbConnection,
    dry_run: bool,
    batch: Batch<T>,
    write: impl Fn(&mut DbConnection, &[T]) -> QueryResult<BatchOutcome>,
) -> Result<Outcome, MigrateError> {
    let mut all = Outcome::default();
    if batch.rows.is_empty() {
        return Ok(all);
    }
    if let Ok(o) = bulk::batch_transaction(conn, dry_run, |c| write(c, &batch.rows)) {
        all.merge(o, &batch.origins);
        return Ok(all);
    }
    for (row, origin) in batch.rows.iter().zip(&batch.origins) {
        let one = std::slice::from_ref(row);
        match bulk::batch_transaction(conn, dry_run, |c| write(c, one)) {
            Ok(o) => all.merge(o, std::slice::from_ref(origin)),
            Err(e) => match bulk::refusal_reason(&e) {
                Some(reason) => all.rejected.push(Rejection::new(origin, "row", reason)),
                None => return Err(e.into()),
            },
        }
    }
    Ok(all)
}

impl Outcome {
    /// Adds a batch's outcome; `origins` are its rows' places in the source.
    fn merge(&mut self, o: BatchOutcome, origins: &[String]) {
        self.created += o.created;
        self.updated += o.updated;
        self.rejected.extend(
            o.refused
                .into_iter()
                .map(|r| Rejection::new(&origins[r.row], r.field, r.reason)),
        );
    }
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
        bulk::begin_session(conn)?;
        // Into empty tables on PostgreSQL, the foreign keys and secondary indexes are built
        // once at the end instead of row by row (`db::suspended`); put back also when the
        // import fails, and at the next start if it is killed.
        let hold = suspended::begin(conn)?;
        let result = (|| {
            let mut writer = Writer::new(&mut *conn, options, report, progress)?;
            feed(&mut writer)?;
            writer.finish()
        })();
        let restored = suspended::end(conn, hold);
        let ended = bulk::end_session(conn);
        if let (Err(_), Err(e)) = (&result, &restored) {
            tracing::error!("{e}");
        }
        let summary = result?;
        restored?;
        ended?;
        return Ok(summary);
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
