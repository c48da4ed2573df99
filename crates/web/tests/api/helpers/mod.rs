//! `spawn_app`: the service on port 0 with its own database. Beside it, by concern: `requests`
//! (one method per route the tests call most), `bodies` (Magento's error bodies), `mail` (a
//! real SMTP sink and mail parsing), `back_office` (admins, integrations, direct database access).
//!
//! PostgreSQL: each test gets a new schema in the database named by `TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`), dropped when the test ends.
//! `scripts/test` skips the `::postgres` tests when no server answers; run directly, they
//! fail loudly instead of passing without a database.

use customer_core::config::{DatabaseUrl, Settings, SqliteTarget};
use customer_core::state::AppState;
use customer_service::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Defines `mod $name { fn sqlite(); fn postgres() }` around one async test body.
macro_rules! on_both_backends {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident: Backend) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($backend: crate::helpers::Backend) $body
            #[actix_web::test]
            async fn sqlite() {
                body(crate::helpers::Backend::Sqlite).await
            }
            #[actix_web::test]
            async fn postgres() {
                body(crate::helpers::Backend::Postgres).await
            }
        }
    };
}

pub fn postgres_base_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Removes the test's database when the test ends.
enum DbGuard {
    Sqlite(PathBuf),
    Postgres { base_url: String, schema: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        match self {
            Self::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm", ".created"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Self::Postgres { base_url, schema } => {
                if let Ok(mut conn) = PgConnection::establish(base_url) {
                    let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
                }
            }
        }
    }
}

/// A fresh, empty database of the backend; returns its URL and the guard that removes it.
fn fresh_database(backend: Backend) -> (DatabaseUrl, DbGuard) {
    let id = uuid::Uuid::new_v4().simple().to_string();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("customer-service-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join(format!("{id}.sqlite3"));
            (
                DatabaseUrl::Sqlite(SqliteTarget::File(path.clone())),
                DbGuard::Sqlite(path),
            )
        }
        Backend::Postgres => {
            let base_url = postgres_base_url();
            let schema = format!("test_{id}");
            let mut conn = PgConnection::establish(&base_url).unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is not reachable at {base_url}: {e}\n\
                     Start it, set TEST_POSTGRES_URL, or run scripts/test (which skips the \
                     PostgreSQL tests when no server answers)."
                )
            });
            conn.batch_execute(&format!("CREATE SCHEMA {schema}"))
                .expect("create test schema");
            let separator = if base_url.contains('?') { '&' } else { '?' };
            let url = format!("{base_url}{separator}options=-csearch_path%3D{schema}");
            (
                DatabaseUrl::Postgres(url),
                DbGuard::Postgres { base_url, schema },
            )
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    /// Where this app writes mail when no SMTP server is configured.
    pub mail_dir: PathBuf,
    _guard: DbGuard,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.mail_dir);
    }
}

/// Settings for tests: fast hashing, one HTTP worker, short database timeouts.
pub fn test_settings(database_url: DatabaseUrl) -> Settings {
    let mut s = Settings::with_database(database_url);
    s.bind_address = "127.0.0.1:0".parse().unwrap();
    s.http_workers = 1;
    s.bcrypt_cost = 4;
    s.hashing_threads = 2;
    s.db_connect_timeout = std::time::Duration::from_secs(2);
    s.mail_dir = std::env::temp_dir()
        .join("customer-service-tests")
        .join(format!("mail-{}", uuid::Uuid::new_v4().simple()));
    s
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let (url, guard) = fresh_database(backend);
    let mut settings = test_settings(url);
    configure(&mut settings);
    start(settings, guard).await
}

/// Starts the app on a fresh schema reached through `url` (a relay to the test server), so a
/// test can take the database away. The schema is created and dropped through the direct URL.
/// Settings are changed by `configure`.
pub async fn spawn_app_with_postgres_url(
    url: &str,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let (direct, guard) = fresh_database(Backend::Postgres);
    let DatabaseUrl::Postgres(direct) = direct else {
        unreachable!()
    };
    let options = direct.split_once("options=").expect("schema option").1;
    let separator = if url.contains('?') { '&' } else { '?' };
    let mut settings = test_settings(DatabaseUrl::Postgres(format!(
        "{url}{separator}options={options}"
    )));
    configure(&mut settings);
    start(settings, guard).await
}

async fn start(settings: Settings, guard: DbGuard) -> TestApp {
    let app = Application::build(settings)
        .await
        .expect("application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        mail_dir: state.settings.mail_dir.clone(),
        state,
        _guard: guard,
    }
}

mod back_office;
mod bodies;
mod mail;
mod requests;

pub use bodies::*;
pub use mail::*;
pub use requests::*;
