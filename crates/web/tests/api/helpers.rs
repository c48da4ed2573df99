//! `spawn_app`: the service on port 0 with its own database, plus small request helpers.
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
use serde_json::Value;
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

/// The seed's create-customer request, verbatim (shared/seeds/001_fe899c39b3cb1406.txt).
pub const SEED_CREATE: &str = r#"{
  "customer": {
    "email": "jdoe@example.com",
    "firstname": "Jane",
    "lastname": "Doe",
    "addresses": [{
      "defaultShipping": true,
      "defaultBilling": true,
      "firstname": "Jane",
      "lastname": "Doe",
      "region": {
        "regionCode": "NY",
        "region": "New York",
                                "regionId":43
      },
      "postcode": "10755",
      "street": ["123 Oak Ave"],
      "city": "Purchase",
      "telephone": "512-555-1111",
      "countryId": "US"
    }]
  },
  "password": "Password1"
}"#;

/// A response: status and parsed JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Sends a request built with `build` (and extra headers) and reads the reply.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let (status, content_type, text) = self.send_text(req).await;
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {text:?}"));
        Reply {
            status,
            body,
            content_type,
        }
    }

    /// Sends a request and returns its status, Content-Type and body text, for replies that
    /// are not JSON (Magento's XML rendering).
    pub async fn send_text(&self, req: reqwest::RequestBuilder) -> (u16, String, String) {
        let resp = req.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, content_type, resp.text().await.expect("body read"))
    }

    /// A request to this app, with the bearer token and JSON body when given. Tests that need
    /// other headers add them to it before `send`.
    pub fn build(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::RequestBuilder {
        let url = self.url(path);
        let mut req = self
            .client
            .request(method.parse().expect("HTTP method"), url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        req
    }

    /// The one way a test sends a request: method, path, bearer token, JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        self.send(self.build(method, path, token, body)).await
    }

    /// A POST with a raw body text (for malformed JSON) and `Content-Type: application/json`.
    pub async fn post_raw(&self, path: &str, json: &str) -> Reply {
        self.send(
            self.build("POST", path, None, None)
                .header("Content-Type", "application/json")
                .body(json.to_owned()),
        )
        .await
    }

    // One method per endpoint the tests use most.

    /// `POST /rest/V1/customers`
    pub async fn create_customer(&self, body: &Value) -> Reply {
        self.call("POST", "/rest/V1/customers", None, Some(body))
            .await
    }

    /// `GET /rest/V1/customers/me`
    pub async fn get_me(&self, token: &str) -> Reply {
        self.call("GET", "/rest/V1/customers/me", Some(token), None)
            .await
    }

    /// `PUT /rest/V1/customers/me`
    pub async fn save_me(&self, token: &str, body: &Value) -> Reply {
        self.call("PUT", "/rest/V1/customers/me", Some(token), Some(body))
            .await
    }

    /// `PUT /rest/V1/customers/password` (request a reset mail)
    pub async fn request_reset(&self, body: &Value) -> Reply {
        self.call("PUT", "/rest/V1/customers/password", None, Some(body))
            .await
    }

    /// `POST /rest/V1/customers/resetPassword`
    pub async fn reset_password(&self, body: &Value) -> Reply {
        self.call("POST", "/rest/V1/customers/resetPassword", None, Some(body))
            .await
    }

    /// `POST /graphql` with variables, a bearer token and a `Store` header when given.
    pub async fn graphql(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
        store: Option<&str>,
    ) -> Reply {
        let body = serde_json::json!({"query": query, "variables": variables});
        let mut req = self.build("POST", "/graphql", token, Some(&body));
        if let Some(s) = store {
            req = req.header("Store", s);
        }
        self.send(req).await
    }

    /// Creates the seed customer; panics unless it succeeds.
    pub async fn create_seed_customer(&self) -> Value {
        let reply = self
            .post_raw("/rest/default/V1/customers", SEED_CREATE)
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply.body
    }

    /// Asks for a customer token; returns the reply.
    pub async fn token_reply(&self, username: &str, password: &str) -> Reply {
        let body = serde_json::json!({"username": username, "password": password});
        self.call(
            "POST",
            "/rest/V1/integration/customer/token",
            None,
            Some(&body),
        )
        .await
    }

    /// A token for the seed customer.
    pub async fn seed_token(&self) -> String {
        let reply = self.token_reply("jdoe@example.com", "Password1").await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply
            .body
            .as_str()
            .expect("token is a JSON string")
            .to_owned()
    }
}

/// Magento's error body for a message without parameters.
pub fn error(message: &str) -> Value {
    serde_json::json!({ "message": message })
}

/// `"%fieldName" is required. Enter and try again.`
pub fn required(field: &str) -> Value {
    serde_json::json!({
        "message": "\"%fieldName\" is required. Enter and try again.",
        "parameters": {"fieldName": field}
    })
}

/// The 401 that Magento's ACL gives for the route's resources.
pub fn not_authorized(resources: &str) -> Value {
    serde_json::json!({
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": resources}
    })
}

/// A minimal SMTP server on loopback that accepts every message and keeps its raw text, so
/// mail is tested through a real SMTP conversation, not a mocked sender.
pub struct SmtpSink {
    pub port: u16,
    messages: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = messages.clone();
        actix_web::rt::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                actix_web::rt::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
                    while let Ok(Some(line)) = lines.next_line().await {
                        let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-sink.test\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                let _ = write.write_all(b"354 end with .\r\n").await;
                                let mut text = String::new();
                                while let Ok(Some(l)) = lines.next_line().await {
                                    if l == "." {
                                        break;
                                    }
                                    text.push_str(l.strip_prefix('.').unwrap_or(&l));
                                    text.push('\n');
                                }
                                store.lock().unwrap().push(text);
                                b"250 queued\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 OK\r\n",
                        };
                        if write.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self { port, messages }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far.
    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

/// The decoded body text of a raw message (lettre may quoted-printable encode it).
pub fn mail_text(raw: &str) -> String {
    // Files keep SMTP's CRLF line ends; the sink's lines have none.
    let raw = &raw.replace("\r\n", "\n");
    let body = raw.split_once("\n\n").map_or(raw.as_str(), |(_, b)| b);
    if !raw
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: quoted-printable")
    {
        return body.to_owned();
    }
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of a query parameter in the first link of a mail that contains `marker`.
pub fn link_param(text: &str, marker: &str, name: &str) -> Option<String> {
    let line = text.lines().find(|l| l.contains(marker))?;
    let query = line.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .map(str::to_owned)
}

impl TestApp {
    /// Runs a closure on the app's database (off the async workers, as the app does).
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut customer_core::db::DbConnection) -> diesel::QueryResult<T>
        + Clone
        + Send
        + 'static,
    ) -> T {
        self.state.db.run(move |conn| Ok(f(conn)?)).await.unwrap()
    }
}

impl TestApp {
    /// Creates an admin user through the CLI code path and signs it in.
    pub async fn admin_token(&self) -> String {
        let settings = (*self.state.settings).clone();
        tokio::task::spawn_blocking(move || {
            let source = customer_service::cli::PasswordSource::Argument("admin123".into());
            // A second call in the same test finds the user already there; that is fine.
            let _ =
                customer_service::cli::admin_create(&settings, "admin", &source, &mut Vec::new());
        })
        .await
        .unwrap();
        let body = serde_json::json!({"username": "admin", "password": "admin123"});
        let reply = self
            .call(
                "POST",
                "/rest/V1/integration/admin/token",
                None,
                Some(&body),
            )
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply.body.as_str().unwrap().to_owned()
    }

    /// Creates an integration with these resources (empty: the default ones); returns its token.
    pub async fn integration_token(&self, name: &str, resources: &[&str]) -> String {
        let settings = (*self.state.settings).clone();
        let name = name.to_owned();
        let resources: Vec<String> = resources.iter().map(|r| r.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            customer_service::cli::integration_create(&settings, &name, &resources, &mut out)
                .unwrap();
            String::from_utf8(out).unwrap().trim().to_owned()
        })
        .await
        .unwrap()
    }
}
