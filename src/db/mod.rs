//! Database access: one `DbConnection` type over SQLite or PostgreSQL (chosen by the URL
//! scheme), an r2d2 pool, embedded migrations, and `Db::run`, which is how every query leaves
//! the async workers.

pub mod addresses;
pub mod back_office;
pub mod customers;
pub mod password_resets;
pub mod schema;
pub mod scopes;
pub mod search;
pub mod tokens;

use crate::config::{DatabaseUrl, Settings, SqliteTarget, redact_url};
use crate::error::AppError;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

/// A connection to either backend. Queries written once against this type run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = r2d2::Pool<DbManager>;

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
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let conn = match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url).map(|mut c| {
                if !self.statement_cache {
                    c.set_prepared_statement_cache_size(diesel::connection::CacheSize::Disabled);
                }
                DbConnection::Pg(c)
            }),
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
        conn.is_broken()
    }
}

/// Per-connection SQLite settings: they do not persist in the file (except WAL), and without
/// busy_timeout concurrent writers fail at once with "database is locked".
#[derive(Debug)]
struct SqliteSetup;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqliteSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(c) = conn {
            c.batch_execute(
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
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
        .connection_customizer(Box::new(SqliteSetup));
    match &url {
        DatabaseUrl::Sqlite(SqliteTarget::Memory) => {
            // Each connection would be its own empty database, and reaping it loses the data.
            builder = builder.max_size(1).idle_timeout(None).max_lifetime(None);
        }
        DatabaseUrl::Sqlite(SqliteTarget::File(path)) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| DbSetupError::Folder(dir.display().to_string(), e))?;
            }
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
            statement_cache: settings.db_statement_cache,
        })
        .map_err(|e| DbSetupError::Connect(shown, e))
}

/// Applies pending migrations of the connection's backend; returns the versions applied.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, DbSetupError> {
    let applied = match conn {
        DbConnection::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| DbSetupError::Migrate(e.to_string()))?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Handle shared by the handlers: the pool plus the rule that database work runs on the
/// blocking thread pool, never on an async worker.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
}

impl Db {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Runs `f` with a pooled connection on the blocking pool. A checkout timeout is a 503.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        // The request's span (its request id) follows the work onto the blocking thread.
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let asked = std::time::Instant::now();
            let conn = pool.get();
            crate::telemetry::db_pool_wait(asked.elapsed());
            let mut conn = conn?;
            f(&mut conn)
        })
        .await
        .map_err(AppError::internal)?
    }

    /// One round trip through the pool, for `/readyz`.
    pub async fn ping(&self) -> Result<(), AppError> {
        self.run(|conn| {
            conn.batch_execute("SELECT 1")?;
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
