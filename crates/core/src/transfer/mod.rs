//! Moving customers off Magento and back: `customer-service import` reads Magento's customer
//! export files (`csv`) or a Magento database (`mysql`), `writer` validates each row with the
//! domain rules and writes batches, and `export` writes Magento's CSV pair from this service.
//!
//! Sources yield records one at a time and the writer keeps one batch in memory, so memory
//! stays flat however many customers there are. A rejected row goes to the report and never
//! stops the rest. Passwords keep their Magento hash (`auth::legacy_hash`) until the
//! customer's first sign-in replaces it.
//!
//! This is a command-line tool beside the service layer: it uses `db`, `domain` and `auth`,
//! and nothing above it imports it.

pub mod csv;
pub mod export;
pub mod mysql;
pub mod progress;
pub mod writer;

/// A customer or store scope as a source names it: Magento's CSV by code, its database by id
/// (then mapped to a code through `store_website` / `store`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeRef {
    Code(String),
    /// The admin store (`_store` empty in Magento's file).
    Admin,
}

/// One customer as Magento stores it (the main file's columns, or `customer_entity`).
/// Values are kept as text until the writer validates them.
#[derive(Debug, Clone, Default)]
pub struct CustomerRecord {
    /// Where the row came from, for the report: `customers.csv:12` or `customer_entity 42`.
    pub origin: String,
    pub entity_id: Option<i32>,
    pub email: String,
    pub website: Option<String>,
    pub store: Option<ScopeRef>,
    pub group_id: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub created_in: Option<String>,
    pub prefix: Option<String>,
    pub firstname: Option<String>,
    pub middlename: Option<String>,
    pub lastname: Option<String>,
    pub suffix: Option<String>,
    pub dob: Option<String>,
    pub gender: Option<String>,
    pub taxvat: Option<String>,
    pub password_hash: Option<String>,
    /// A plain password (Magento's import `password` column): hashed on import.
    pub password: Option<String>,
    pub confirmation: Option<String>,
    pub disable_auto_group_change: Option<String>,
    pub is_active: Option<bool>,
    pub is_subscribed: Option<bool>,
    /// `customer_entity.default_billing` / `default_shipping` (the database source only;
    /// the CSV pair carries them on the address rows).
    pub default_billing: Option<i32>,
    pub default_shipping: Option<i32>,
}

/// Who owns an address: the customer's id (database) or e-mail and website code (CSV).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Id(i32),
    Email { email: String, website: String },
}

/// One address (the addresses file's columns, or `customer_address_entity`).
#[derive(Debug, Clone)]
pub struct AddressRecord {
    pub origin: String,
    pub entity_id: Option<i32>,
    pub owner: Owner,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub firstname: Option<String>,
    pub middlename: Option<String>,
    pub lastname: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub company: Option<String>,
    /// Street lines joined with newlines, as Magento stores and exports them.
    pub street: Option<String>,
    pub city: Option<String>,
    pub country_id: Option<String>,
    pub region: Option<String>,
    pub region_id: Option<String>,
    pub postcode: Option<String>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub vat_id: Option<String>,
    pub default_billing: bool,
    pub default_shipping: bool,
}

/// A rejected row: where, which field (or `row`), why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub origin: String,
    pub field: String,
    pub reason: String,
}

impl Rejection {
    pub fn new(origin: &str, field: &str, reason: impl Into<String>) -> Self {
        Self {
            origin: origin.to_owned(),
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Counts of one import run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub customers_created: u64,
    pub customers_updated: u64,
    pub customers_rejected: u64,
    pub addresses_created: u64,
    pub addresses_updated: u64,
    pub addresses_rejected: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "customers: {} created, {} updated, {} rejected; addresses: {} created, {} updated, {} rejected",
            self.customers_created,
            self.customers_updated,
            self.customers_rejected,
            self.addresses_created,
            self.addresses_updated,
            self.addresses_rejected
        )
    }
}

/// A failure that stops the whole run (a source or the database unreachable, a file
/// unreadable); bad rows are never this.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{0}")]
    Source(String),
    #[error("database: {0}")]
    Database(#[from] crate::db::DbError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Restore(#[from] crate::db::suspended::RestoreError),
    /// Rolls a dry run's transaction back; never leaves `writer::run`.
    #[error("dry run")]
    DryRun,
}

/// Where the rejected rows go: a CSV of `origin,field,reason`.
pub struct Report<W: std::io::Write> {
    out: ::csv::Writer<W>,
}

impl<W: std::io::Write> Report<W> {
    pub fn new(out: W) -> Result<Self, MigrateError> {
        let mut out = ::csv::Writer::from_writer(out);
        out.write_record(["origin", "field", "reason"])
            .map_err(csv_error)?;
        Ok(Self { out })
    }

    pub fn add(&mut self, r: &Rejection) -> Result<(), MigrateError> {
        self.out
            .write_record([&r.origin, &r.field, &r.reason])
            .map_err(csv_error)
    }

    pub fn finish(mut self) -> Result<(), MigrateError> {
        self.out.flush()?;
        Ok(())
    }
}

/// Where an import reads from.
#[derive(Debug, Clone)]
pub enum ImportSource {
    /// Magento's export files; either may be absent (addresses need their customers stored).
    Csv {
        customers: Option<std::path::PathBuf>,
        addresses: Option<std::path::PathBuf>,
    },
    /// A Magento database: `mysql://user:password@host:port/database`.
    Mysql(String),
}

/// Imports from `source` into the database behind `conn`; rejected rows go to `report`.
pub fn import<W: std::io::Write>(
    conn: &mut crate::db::DbConnection,
    source: &ImportSource,
    options: writer::Options,
    report: Report<W>,
    progress: progress::Progress,
) -> Result<Summary, MigrateError> {
    match source {
        ImportSource::Csv {
            customers,
            addresses,
        } => {
            let totals = (
                customers.as_deref().map(csv::count_rows).transpose()?,
                addresses.as_deref().map(csv::count_rows).transpose()?,
            );
            writer::run(conn, options, report, progress, |w| {
                if let Some(path) = customers {
                    w.progress().phase("customers", totals.0);
                    csv::import_customers(path, w)?;
                }
                if let Some(path) = addresses {
                    w.progress().phase("addresses", totals.1);
                    csv::import_addresses(path, w)?;
                }
                Ok(())
            })
        }
        ImportSource::Mysql(url) => {
            let mut source = mysql::Source::connect(url)?;
            let totals = (
                source.count("customer_entity")?,
                source.count("customer_address_entity")?,
            );
            writer::run(conn, options, report, progress, |w| {
                w.progress().phase("customers", Some(totals.0));
                source.import_customers(w)?;
                w.progress().phase("addresses", Some(totals.1));
                source.import_addresses(w)
            })
        }
    }
}

pub(crate) fn csv_error(e: ::csv::Error) -> MigrateError {
    MigrateError::Source(e.to_string())
}

/// Text that is there: `None` for empty cells and SQL NULLs alike (Magento exports NULL as "").
pub(crate) fn present(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}
