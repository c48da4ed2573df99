//! Database access: one `DbConnection` type over SQLite or PostgreSQL (chosen by the URL
//! scheme), an r2d2 pool, embedded migrations, and `Db::run`, which is how every query leaves
//! the async workers.

pub mod addresses;
pub mod back_office;
pub mod customers;
pub mod export;
pub mod groups;
pub mod import;
pub mod newsletter;
pub mod password_resets;
pub mod schema;
pub mod scopes;
pub mod search;
pub mod suspended;
pub mod timestamp;
pub mod tokens;

use crate::config::{DatabaseUrl, Settings, SqliteTarget, redact_url};
use crate::error::{AppError, Phrase};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::time::Duration;

/// A failed query, and a query's result, as the layers above name them (only `db` names
/// Diesel).
pub use diesel::QueryResult;
pub use diesel::result::Error as DbError;

/// A connection to either backend. Queries written once against this type run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = r2d2::Pool<DbManager>;

/// Runs a query written once on the concrete connection behind a `DbConnection`, for the hot
/// paths. Diesel's `MultiConnection` renders a query's SQL text again on every execution (for
/// the statement-cache key, for binding, and to check it may be cached: `str::replace` on
/// every identifier), even when the prepared statement is cached; on the concrete connection
/// a statically known query is looked up by type and only its parameters are bound.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $query:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $query,
            $crate::db::DbConnection::Pg($c) => $query,
        }
    };
}
pub(crate) use on_backend;

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Opens connections for the backend the URL names. (Diesel's derived `establish` tries
/// PostgreSQL, then SQLite, and hides the real error: a typo could silently create an
/// SQLite file.)
#[derive(Debug)]
pub struct DbManager {
    url: DatabaseUrl,
    /// PostgreSQL's named prepared statements; off, each query is sent with its parameters
    /// in one message (PQsendQueryParams), which a transaction-pooling PgBouncer can route.
    statement_cache: bool,
    /// PostgreSQL's `statement_timeout` for every session, in milliseconds.
    statement_timeout_ms: u128,
}

/// libpq connection parameters that make a dead or unreachable server fail fast instead of
/// after the kernel's defaults (hours for an idle connection), unless the URL sets them.
const PG_RESILIENCE: &[(&str, &str)] = &[
    ("connect_timeout", "5"),
    ("keepalives", "1"),
    ("keepalives_idle", "30"),
    ("keepalives_interval", "10"),
    ("keepalives_count", "3"),
    ("tcp_user_timeout", "30000"),
];

/// The URL with `PG_RESILIENCE` added where it does not say otherwise.
fn with_resilience(url: &str) -> String {
    let mut out = url.to_owned();
    for (key, value) in PG_RESILIENCE {
        if !url.contains(&format!("{key}=")) {
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(&format!("{key}={value}"));
        }
    }
    out
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let conn = match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut pg = PgConnection::establish(&with_resilience(url))
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                if !self.statement_cache {
                    pg.set_prepared_statement_cache_size(diesel::connection::CacheSize::Disabled);
                }
                // The server cancels a statement running longer than a request may wait.
                pg.batch_execute(&format!(
                    "SET statement_timeout = {}",
                    self.statement_timeout_ms
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Pg(pg))
            }
            DatabaseUrl::Sqlite(SqliteTarget::Memory) => {
                SqliteConnection::establish(":memory:").map(DbConnection::Sqlite)
            }
            DatabaseUrl::Sqlite(SqliteTarget::File(path)) => {
                SqliteConnection::establish(&path.to_string_lossy()).map(DbConnection::Sqlite)
            }
        };
        conn.map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken() || DISCARD.with(|d| d.replace(false))
    }
}

thread_local! {
    /// Set by `discard` just before a pooled connection is dropped on this thread: r2d2 asks
    /// `has_broken` synchronously in that drop, on the same thread, and so removes it.
    static DISCARD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a connection that just failed is dead (a ping fails too). Only asked after an
/// error, so a healthy pool pays nothing.
fn is_dead(conn: &mut DbConnection) -> bool {
    conn.ping().is_err()
}

/// Drops a pooled connection so the pool closes it instead of handing it out again.
fn discard(conn: r2d2::PooledConnection<DbManager>) {
    DISCARD.with(|d| d.set(true));
    drop(conn);
    // Should r2d2 not have asked (it always does on return), clear the flag for the next.
    DISCARD.with(|d| d.set(false));
}

/// Per-connection SQLite settings: they do not persist in the file (except WAL), and without
/// busy_timeout concurrent writers fail at once with "database is locked".
#[derive(Debug)]
struct SqliteSetup {
    /// How long a writer waits for the lock before failing (then 503): the request budget.
    busy_timeout_ms: u128,
}

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqliteSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(c) = conn {
            c.batch_execute(&format!(
                "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                self.busy_timeout_ms
            ))
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Startup failures of the database layer; the message never includes a password.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the folder {0} for the SQLite database: {1}")]
    Folder(String, std::io::Error),
    #[error("cannot connect to the database at {0}: {1}")]
    Connect(String, r2d2::Error),
    #[error("database migrations failed: {0}")]
    Migrate(String),
    #[error(
        "the SQLite database {0} is missing, but {1} shows one was created there before \
         (a deleted file, an unmounted volume?); restore it, or set CREATE_DATABASE=true to \
         start with an empty database"
    )]
    Missing(String, String),
    #[error(
        "the folder of the SQLite database {0} does not exist (an unmounted volume, a typo?); \
         create it, or set CREATE_DATABASE=true to create it with an empty database"
    )]
    NoFolder(String),
    #[error("cannot create the SQLite database file {0}: {1}")]
    File(String, std::io::Error),
}

/// The file beside an SQLite database that records it was created there, so a database that
/// later goes missing is noticed instead of silently recreated empty.
fn sqlite_marker(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".created");
    path.with_file_name(name)
}

/// Checks and prepares the SQLite file before the pool opens it. A new database is made only
/// for a first start: not when its marker shows one existed (the file was deleted, a volume is
/// not mounted), and not in a folder that does not exist unless it is the default `data/`
/// (the README's first command) or `CREATE_DATABASE` says so. Files are created owner-only:
/// the folder 0700, the database 0600 (SQLite gives its -wal and -shm files the database's
/// mode).
fn prepare_sqlite_file(path: &std::path::Path, create: bool) -> Result<(), DbSetupError> {
    let shown = path.display().to_string();
    if path.exists() {
        return Ok(());
    }
    let marker = sqlite_marker(path);
    if marker.exists() && !create {
        return Err(DbSetupError::Missing(shown, marker.display().to_string()));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir.filter(|d| !d.exists()) {
        let is_default = Some(path)
            == crate::config::DEFAULT_DATABASE_URL
                .strip_prefix("sqlite://")
                .map(std::path::Path::new);
        if !create && !is_default {
            return Err(DbSetupError::NoFolder(shown));
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| DbSetupError::Folder(dir.display().to_string(), e))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| DbSetupError::File(shown.clone(), e))?;
    std::fs::write(
        &marker,
        "customer-service created the database beside this file; if the database is missing, \
         it was lost after creation.\n",
    )
    .map_err(|e| DbSetupError::File(marker.display().to_string(), e))?;
    Ok(())
}

/// Builds the pool. Fails fast (within the connect timeout) when the database is unreachable.
pub fn build_pool(settings: &Settings) -> Result<DbPool, DbSetupError> {
    let url = settings.database_url.clone();
    let mut builder = r2d2::Pool::builder()
        .max_size(settings.db_pool_size)
        .connection_timeout(settings.db_connect_timeout)
        // A SELECT 1 on every checkout costs PostgreSQL ~28 % throughput; broken connections
        // are detected by `has_broken` instead.
        .test_on_check_out(false)
        .connection_customizer(Box::new(SqliteSetup {
            busy_timeout_ms: settings
                .db_query_timeout
                .min(Duration::from_secs(5))
                .as_millis(),
        }));
    match &url {
        DatabaseUrl::Sqlite(SqliteTarget::Memory) => {
            // Each connection would be its own empty database, and reaping it loses the data.
            builder = builder.max_size(1).idle_timeout(None).max_lifetime(None);
        }
        DatabaseUrl::Sqlite(SqliteTarget::File(path)) => {
            prepare_sqlite_file(path, settings.create_database)?;
        }
        DatabaseUrl::Postgres(_) => {}
    }
    let shown = match &url {
        DatabaseUrl::Postgres(u) => redact_url(u),
        DatabaseUrl::Sqlite(SqliteTarget::File(p)) => p.display().to_string(),
        DatabaseUrl::Sqlite(SqliteTarget::Memory) => ":memory:".into(),
    };
    builder
        .build(DbManager {
            url,
            statement_timeout_ms: settings.db_query_timeout.as_millis(),
            statement_cache: settings.db_statement_cache,
        })
        .map_err(|e| DbSetupError::Connect(shown, e))
}

/// Applies pending migrations of the connection's backend; returns the versions applied.
///
/// On PostgreSQL, instances starting together take turns: a session advisory lock is held
/// while migrating, so the second waits and then finds nothing to do (without it, both ran
/// the first migration and one crashed on the other's tables).
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, DbSetupError> {
    let migrate_error = |e: &dyn std::fmt::Display| DbSetupError::Migrate(e.to_string());
    let applied = match conn {
        DbConnection::Pg(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                .map_err(|e| migrate_error(&e))?;
            let applied = c
                .run_pending_migrations(PG_MIGRATIONS)
                .map(|v| v.iter().map(|v| v.to_string()).collect::<Vec<_>>());
            let unlocked = c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"));
            let applied = applied.map_err(|e| migrate_error(&e))?;
            unlocked.map_err(|e| migrate_error(&e))?;
            applied
        }
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(|v| v.to_string()).collect())
            .map_err(|e| migrate_error(&e))?,
    };
    Ok(applied)
}

/// The advisory lock key migrations hold on PostgreSQL (any constant unique to this service).
const MIGRATION_LOCK: i64 = 0x6375_7374_6f6d_6572; // "customer"

/// Handle shared by the handlers: the pool plus the rule that database work runs on the
/// blocking thread pool, never on an async worker.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    query_timeout: Duration,
    /// The SQLite file as opened at startup (`None` on PostgreSQL and in memory).
    sqlite_file: Option<std::sync::Arc<SqliteFile>>,
    /// Admits twice as many `run` calls to the blocking pool as the pool has connections, in
    /// the order they asked (tokio's semaphore is fair). Without it every request waiting for
    /// a connection parked a blocking thread of its own on r2d2's condvar (32 of them at 32
    /// connections, competing for 2 cores with the workers and the database); queued here, a
    /// waiting request is a parked task on its async worker (measured: PostgreSQL `/me` p99
    /// 9.4-11 ms -> 7 ms). Twice, not once: one thread already waits for each connection as
    /// it comes back, where with exactly the pool's size each connection idled while the next
    /// task was woken and sent to a thread (PostgreSQL throughput -15 %).
    gate: std::sync::Arc<tokio::sync::Semaphore>,
    /// How long a call may wait for its turn: the pool's checkout timeout.
    checkout_timeout: Duration,
}

/// An SQLite database file and the identity (device, inode) it had when the service opened it.
#[derive(Debug)]
pub struct SqliteFile {
    path: std::path::PathBuf,
    identity: (u64, u64),
    /// When the write lock was last taken by `/readyz` (ms after `epoch`; 0: never). A probe
    /// that succeeded holds for `WRITE_PROBE_VALID`; a failed one is never remembered.
    write_probed_at: std::sync::atomic::AtomicU64,
    epoch: std::time::Instant,
}

/// How long a successful SQLite write probe stands for `/readyz`. Taking the write lock on
/// every probe made `/readyz` under load a queue on SQLite's single writer lock; once a second
/// keeps a read-only file noticed within a second, while the file identity is still checked
/// and a connection still answers a query on every probe.
const WRITE_PROBE_VALID: Duration = Duration::from_secs(1);

impl SqliteFile {
    fn identity_of(path: &std::path::Path) -> std::io::Result<(u64, u64)> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path)?;
        Ok((meta.dev(), meta.ino()))
    }

    /// Whether a write probe is due: none succeeded within `WRITE_PROBE_VALID`.
    fn write_probe_due(&self) -> bool {
        let at = self
            .write_probed_at
            .load(std::sync::atomic::Ordering::Relaxed);
        at == 0
            || self.epoch.elapsed().as_millis() as u64 >= at + WRITE_PROBE_VALID.as_millis() as u64
    }

    fn write_probe_passed(&self) {
        let ms = (self.epoch.elapsed().as_millis() as u64).max(1);
        self.write_probed_at
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    fn check(&self) -> Result<(), AppError> {
        match Self::identity_of(&self.path) {
            Ok(identity) if identity == self.identity => Ok(()),
            _ => Err(AppError::Unavailable(
                format!(
                    "the SQLite database {} was deleted or replaced while in use",
                    self.path.display()
                )
                .into(),
            )),
        }
    }
}

impl Db {
    pub fn new(pool: DbPool, settings: &Settings) -> Self {
        let sqlite_file = match &settings.database_url {
            DatabaseUrl::Sqlite(SqliteTarget::File(path)) => {
                SqliteFile::identity_of(path).ok().map(|identity| {
                    std::sync::Arc::new(SqliteFile {
                        path: path.clone(),
                        identity,
                        write_probed_at: std::sync::atomic::AtomicU64::new(0),
                        epoch: std::time::Instant::now(),
                    })
                })
            }
            _ => None,
        };
        Self {
            gate: std::sync::Arc::new(tokio::sync::Semaphore::new(2 * pool.max_size() as usize)),
            checkout_timeout: pool.connection_timeout(),
            pool,
            query_timeout: settings.db_query_timeout,
            sqlite_file,
        }
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// `run` inside one write transaction (`write_transaction`: SQLite's `BEGIN IMMEDIATE`),
    /// the shape of every use case that changes data: all of it or nothing.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Clone + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| write_transaction(conn, f)).await
    }

    /// Runs `f` with a pooled connection on the blocking pool. A checkout timeout is a 503.
    ///
    /// A connection that died while pooled (the database restarted, a network blip) is found
    /// when `f` fails on it: it is pinged, dropped from the pool if dead, and `f` runs once
    /// more on a fresh connection, so the blip costs no request an error. (A dead connection
    /// executed nothing of `f`: PostgreSQL rolls back what an interrupted session left
    /// uncommitted.) `f` is `Clone` for that retry.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Clone + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let gate = self.gate.clone();
        let checkout_timeout = self.checkout_timeout;
        // The request's span (its request id) follows the work onto the blocking thread.
        let span = tracing::Span::current();
        let call = async move {
            let permit = match tokio::time::timeout(checkout_timeout, gate.acquire_owned()).await {
                Ok(permit) => permit.map_err(AppError::internal)?,
                Err(_) => {
                    return Err(AppError::Unavailable(
                        format!(
                            "no database connection became free within {} s",
                            checkout_timeout.as_secs()
                        )
                        .into(),
                    ));
                }
            };
            tokio::task::spawn_blocking(move || {
                let _entered = span.enter();
                // Held until the connection is back in the pool (dropped after `conn`).
                let _permit = permit;
                // Every pooled connection may have died in the same blip: one more try than
                // the pool holds reaches a fresh one.
                let mut tries_left = pool.max_size();
                loop {
                    let asked = std::time::Instant::now();
                    let conn = pool.get();
                    crate::telemetry::db_pool_wait(asked.elapsed());
                    let mut conn = conn?;
                    match f.clone()(&mut conn) {
                        Err(e) if tries_left > 0 && is_dead(&mut conn) => {
                            tracing::warn!(
                                "replacing a dead database connection ({})",
                                e.cause_chain()
                            );
                            discard(conn);
                            tries_left -= 1;
                        }
                        other => return other,
                    }
                }
            })
            .await
            .map_err(AppError::internal)?
        };
        // The blocking thread of a hung call finishes when the server answers or the
        // connection breaks; the request does not wait for it (nor, past this timeout, for
        // its turn behind hung calls).
        match tokio::time::timeout(self.query_timeout, call).await {
            Ok(done) => done,
            Err(_) => Err(AppError::Unavailable(
                format!(
                    "the database did not answer within {} s",
                    self.query_timeout.as_secs()
                )
                .into(),
            )),
        }
    }

    /// One round trip through the pool, for `/readyz`.
    pub async fn ping(&self) -> Result<(), AppError> {
        self.run(|conn| {
            conn.batch_execute("SELECT 1")?;
            Ok(())
        })
        .await
    }

    /// Whether the service can write, for `/readyz`. PostgreSQL: one round trip. SQLite: the
    /// database file is still the one opened at startup (deleted or replaced, the service
    /// would go on writing into a file nobody will find again) and a connection answers, on
    /// every probe; and the write lock can be taken (a read-only file refuses it), at most
    /// once per `WRITE_PROBE_VALID` while it succeeds (a failure is never remembered).
    pub async fn ready(&self) -> Result<(), AppError> {
        let Some(file) = self.sqlite_file.clone() else {
            return self.ping().await;
        };
        file.check()?;
        if !file.write_probe_due() {
            return self.ping().await;
        }
        self.run(move |conn| {
            conn.batch_execute("BEGIN IMMEDIATE; ROLLBACK;")?;
            file.write_probe_passed();
            Ok(())
        })
        .await
    }
}

/// Runs `f` in a transaction that takes the write lock up front. On SQLite a deferred
/// transaction that reads and then writes can fail at once with SQLITE_BUSY when another
/// writer commits in between; `BEGIN IMMEDIATE` makes it queue (busy_timeout) instead.
/// On PostgreSQL it is an ordinary transaction.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let result = f(conn);
    let end = match (conn, result.is_ok()) {
        (DbConnection::Sqlite(c), true) => AnsiTransactionManager::commit_transaction(c),
        (DbConnection::Sqlite(c), false) => AnsiTransactionManager::rollback_transaction(c),
        (DbConnection::Pg(c), true) => AnsiTransactionManager::commit_transaction(c),
        (DbConnection::Pg(c), false) => AnsiTransactionManager::rollback_transaction(c),
    };
    match (result, end) {
        (Ok(v), Ok(())) => Ok(v),
        (Ok(_), Err(e)) => Err(e.into()),
        (Err(e), _) => Err(e),
    }
}

/// Now, as the naive UTC time the database stores (Magento keeps UTC too).
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Now, truncated to whole seconds: what Magento's `Y-m-d H:i:s` timestamps can show.
pub fn now_seconds() -> chrono::NaiveDateTime {
    use chrono::Timelike;
    now().with_nanosecond(0).expect("zero nanoseconds is valid")
}

/// `std::time::Duration` as chrono's, for arithmetic on stored times.
pub fn chrono_duration(d: Duration) -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX)
}

/// How a failed query reaches a caller: unavailable (a 503) when the database cannot serve
/// now, input (a 400) for a value PostgreSQL cannot hold, otherwise internal.
impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Self::Unavailable(e.into()),
            // A value PostgreSQL cannot hold (the NUL character) reached a query through a
            // path without its own check: the client's input, so a 400, not a 500.
            // SQLite: the write lock not granted within busy_timeout, or storage that cannot
            // take the write (disk full, read-only file, I/O error, a vanished file). The
            // service cannot serve it now: 503, never a 500.
            Error::DatabaseError(_, info)
                if [
                    "database is locked",
                    "database table is locked",
                    "database or disk is full",
                    "readonly database",
                    "disk I/O error",
                    "unable to open database file",
                    "statement timeout",
                ]
                .iter()
                .any(|m| info.message().contains(m)) =>
            {
                Self::Unavailable(e.into())
            }
            Error::DatabaseError(_, info)
                if info
                    .message()
                    .contains("invalid byte sequence for encoding") =>
            {
                Self::Input(Phrase::new("Text values cannot contain the NUL character."))
            }
            _ => Self::internal(e),
        }
    }
}
