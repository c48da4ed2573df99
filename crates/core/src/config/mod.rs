//! Settings: every setting is declared once, below, as a field of `Settings` with its
//! environment variable, default and help (clap's `env` support), so `customer-service serve
//! --help` lists them all and `customer-service config` prints the values in effect. They are
//! read once (from the environment, or a `--flag` on the command line), then passed by value.
//! Nothing else reads the environment.

mod values;

use clap::builder::RangedU64ValueParser;
use clap::{ArgMatches, Args, FromArgMatches, ValueEnum, parser::ValueSource};
use std::{collections::HashMap, net::SocketAddr, path::PathBuf, time::Duration};
pub use values::redact_url;
use values::{
    Secret, cores, parse_http_url, parse_origin, parse_proxy, parse_smtp_url, seconds, yes_no,
};
/// Where the data lives, chosen by the URL scheme of `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://<path>` (a file, created with its folder if missing) or `sqlite::memory:`.
    Sqlite(SqliteTarget),
    /// `postgres://...` / `postgresql://...`, passed to libpq as given.
    Postgres(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteTarget {
    File(PathBuf),
    Memory,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            return match path {
                "" => Err("the sqlite URL names no file (use sqlite://path/to/file.db)".into()),
                ":memory:" => Ok(Self::Sqlite(SqliteTarget::Memory)),
                p => Ok(Self::Sqlite(SqliteTarget::File(PathBuf::from(p)))),
            };
        }
        Err("must start with sqlite:// or postgres:// (or postgresql://)".into())
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// All runtime settings. To add one: add a field with its `#[arg]` (long flag, `env`, default,
/// help); `--help`, `config` and the tests that check them pick it up.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Settings (flag or environment variable)")]
pub struct Settings {
    /// Where the data lives: sqlite://<file> (created with its folder if missing; a relative
    /// path is relative to the working directory, so give an absolute one to a service),
    /// sqlite::memory:, or postgres://user:password@host:port/database.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL, value_parser = Secret(DatabaseUrl::parse))]
    pub database_url: DatabaseUrl,
    /// Address and port the HTTP server listens on.
    #[arg(
        long,
        env = "BIND_ADDRESS",
        global = true,
        default_value = "127.0.0.1:8080"
    )]
    pub bind_address: SocketAddr,
    /// Worker threads of the HTTP server (default: the number of cores).
    #[arg(long, env = "HTTP_WORKERS", global = true, default_value_t = cores(),
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub http_workers: usize,
    /// Connections in the database pool.
    #[arg(long, env = "DB_POOL_SIZE", global = true, default_value = "4",
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub db_pool_size: u32,
    /// Seconds a request waits for a database connection before answering 503.
    #[arg(long = "db-connect-timeout-seconds", env = "DB_CONNECT_TIMEOUT_SECONDS", global = true,
          default_value = "3", value_parser = seconds(1, 600))]
    pub db_connect_timeout: Duration,
    /// PostgreSQL: keep prepared statements per connection (faster). Turn off behind a
    /// connection pooler in transaction mode that cannot track them (PgBouncer before 1.21).
    #[arg(long, env = "DB_STATEMENT_CACHE", global = true, default_value = "true",
          value_parser = yes_no, action = clap::ArgAction::Set)]
    pub db_statement_cache: bool,
    /// Seconds one database call may take before the request answers 503 (a hung server must
    /// not hold requests for the whole hang); also PostgreSQL's statement_timeout and the
    /// cap of SQLite's busy wait (5 s).
    #[arg(long = "db-query-timeout-seconds", env = "DB_QUERY_TIMEOUT_SECONDS", global = true,
          default_value = "10", value_parser = seconds(1, 3600))]
    pub db_query_timeout: Duration,
    /// Seconds startup keeps retrying, with backoff, to reach a PostgreSQL that is not up yet.
    #[arg(long = "db-startup-wait-seconds", env = "DB_STARTUP_WAIT_SECONDS", global = true,
          default_value = "60", value_parser = seconds(0, 3600))]
    pub db_startup_wait: Duration,
    /// Create a missing SQLite database even where its marker shows one existed before, or
    /// where its folder is missing (other than the default data/); off, such a start is
    /// refused instead of silently starting empty.
    #[arg(long, env = "CREATE_DATABASE", global = true, default_value = "false",
          value_parser = yes_no, action = clap::ArgAction::Set)]
    pub create_database: bool,
    /// Lifetime of customer tokens in seconds (Magento oauth/access_token_lifetime/customer).
    #[arg(long = "customer-token-lifetime-seconds", env = "CUSTOMER_TOKEN_LIFETIME_SECONDS",
          global = true, default_value = "3600", value_parser = seconds(1, 10 * 365 * 86400))]
    pub customer_token_lifetime: Duration,
    /// Lifetime of admin tokens in seconds (Magento oauth/access_token_lifetime/admin).
    #[arg(long = "admin-token-lifetime-seconds", env = "ADMIN_TOKEN_LIFETIME_SECONDS",
          global = true, default_value = "14400", value_parser = seconds(1, 10 * 365 * 86400))]
    pub admin_token_lifetime: Duration,
    /// bcrypt cost of new password hashes (`customer-service hash-timing` measures it).
    #[arg(long, env = "BCRYPT_COST", global = true, default_value = "10",
          value_parser = clap::value_parser!(u32).range(4..=31))]
    pub bcrypt_cost: u32,
    /// Password hashes computed at once (each takes one core for tens of milliseconds;
    /// default: the number of cores).
    #[arg(long, env = "HASHING_THREADS", global = true, default_value_t = cores(),
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub hashing_threads: usize,
    #[command(flatten)]
    pub password_policy: PasswordPolicySettings,
    /// Failed token requests per username before it is locked (Magento 6).
    #[arg(long, env = "TOKEN_MAX_FAILURES", global = true, default_value = "6",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub token_max_failures: u32,
    /// Seconds that lock lasts, restarted by every failure (Magento 1800).
    #[arg(long = "token-lock-seconds", env = "TOKEN_LOCK_SECONDS", global = true,
          default_value = "1800", value_parser = seconds(1, 86400 * 30))]
    pub token_lock_duration: Duration,
    /// Wrong passwords that lock a customer account (Magento lockout_failures).
    #[arg(long, env = "LOCKOUT_FAILURES", global = true, default_value = "10",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub lockout_failures: u32,
    /// Seconds the account lock lasts (Magento lockout_threshold, 10 minutes).
    #[arg(long = "lockout-seconds", env = "LOCKOUT_SECONDS", global = true, default_value = "600",
          value_parser = seconds(1, 86400 * 30))]
    pub lockout_duration: Duration,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", global = true, default_value = "1048576",
          value_parser = RangedU64ValueParser::<usize>::new().range(1024..=64 * 1024 * 1024))]
    pub max_body_bytes: usize,
    /// Seconds a request body may take to arrive (then 408).
    #[arg(long = "body-timeout-seconds", env = "BODY_TIMEOUT_SECONDS", global = true,
          default_value = "30", value_parser = seconds(1, 3600))]
    pub body_timeout: Duration,
    /// Addresses one customer may have (Magento sets no limit; without one, an account with
    /// thousands of addresses makes every read of it dear).
    #[arg(long, env = "MAX_ADDRESSES_PER_CUSTOMER", global = true, default_value = "100",
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    pub max_addresses_per_customer: usize,
    /// Proxies (comma-separated addresses or CIDR ranges) whose X-Forwarded-For / Forwarded
    /// headers are believed when finding a request's client IP; none: the TCP peer is the
    /// client.
    #[arg(long, env = "TRUSTED_PROXIES", global = true, value_delimiter = ',',
          value_parser = parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Magento checkout/options/enable_guest_checkout_login: when off, e-mail availability
    /// always answers true and password-reset requests never reveal whether an account exists.
    #[arg(long, env = "GUEST_CHECKOUT_LOGIN", global = true, default_value = "false",
          value_parser = yes_no, action = clap::ArgAction::Set)]
    pub guest_checkout_login: bool,
    /// Magento customer/create_account/confirm: new accounts must confirm their e-mail before
    /// they can sign in.
    #[arg(long = "account-confirmation-required", env = "ACCOUNT_CONFIRMATION_REQUIRED",
          global = true, default_value = "false", value_parser = yes_no,
          action = clap::ArgAction::Set)]
    pub confirmation_required: bool,
    /// Hours a password-reset link stays valid (Magento reset_link_expiration_period).
    #[arg(long = "reset-token-lifetime-hours", env = "RESET_TOKEN_LIFETIME_HOURS", global = true,
          default_value = "2", value_parser = clap::value_parser!(i64).range(1..=24 * 365))]
    pub reset_token_lifetime_hours: i64,
    /// Password-reset requests per client IP and hour (0 = no limit): a flood cap. Magento
    /// counts 5 per hour "by IP and e-mail", which refuses a second customer behind the same
    /// address; here the IP only caps floods and the e-mail carries the interval.
    #[arg(long = "password-reset-max-requests-per-hour",
          env = "PASSWORD_RESET_MAX_REQUESTS_PER_HOUR", global = true, default_value = "100",
          value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub reset_max_requests_per_hour: u32,
    /// Sign-in attempts (customer and admin token requests, REST and GraphQL, and the
    /// storefront sign-in form) per client IP and minute, on top of the per-username throttle
    /// held in the database; each guess in a batched GraphQL document counts (0 = no limit).
    /// Held in memory: per instance.
    #[arg(long, env = "RATE_LIMIT_SIGN_IN_PER_MINUTE", global = true, default_value = "120",
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub rate_limit_sign_in_per_minute: u32,
    /// Anonymous sign-ups (REST, GraphQL, storefront form) per client IP and hour (0 = no
    /// limit). Held in memory: per instance.
    #[arg(long, env = "RATE_LIMIT_SIGN_UP_PER_HOUR", global = true, default_value = "300",
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub rate_limit_sign_up_per_hour: u32,
    /// Password-reset requests (REST, GraphQL, storefront form) per client IP and minute,
    /// a burst cap before the hourly count held in the database (0 = no limit). Held in
    /// memory: per instance.
    #[arg(long, env = "RATE_LIMIT_PASSWORD_RESET_PER_MINUTE", global = true,
          default_value = "60", value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub rate_limit_password_reset_per_minute: u32,
    /// Seconds between two password-reset requests (Magento
    /// min_time_between_password_reset_requests; 0 = none).
    #[arg(long = "password-reset-min-interval-seconds",
          env = "PASSWORD_RESET_MIN_INTERVAL_SECONDS", global = true, default_value = "600",
          value_parser = seconds(0, 86400))]
    pub reset_min_interval: Duration,
    /// Magento contact/email/recipient_email, named in the reset rate-limit message.
    #[arg(
        long,
        env = "CONTACT_EMAIL",
        global = true,
        default_value = "hello@example.com"
    )]
    pub contact_email: String,
    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "MAIL_FROM",
        global = true,
        default_value = "Main Website <general@example.com>"
    )]
    pub mail_from: String,
    /// smtp://host:port or smtps://user:password@host:port; without it mail is written as .eml
    /// files into MAIL_DIR.
    #[arg(long, env = "SMTP_URL", global = true, hide_env_values = true,
          value_parser = Secret(parse_smtp_url))]
    pub smtp_url: Option<String>,
    /// Folder of the .eml files when no SMTP_URL is set (created owner-only).
    #[arg(long, env = "MAIL_DIR", global = true, default_value = "data/mail")]
    pub mail_dir: PathBuf,
    /// Folder whose templates (welcome, confirmation, reset, password_changed; .txt and .html)
    /// replace the built-in ones of the same name.
    #[arg(long, env = "MAIL_TEMPLATES_DIR", global = true)]
    pub mail_templates_dir: Option<PathBuf>,
    /// What `serve` does when the mail transport does not work at startup (SMTP server not
    /// answering, mail folder not writable): warn and serve, or refuse to start.
    #[arg(long, env = "MAIL_CHECK", global = true, default_value = "warn")]
    pub mail_check: MailCheck,
    /// Storefront base URL: the links in e-mails start with it (customer/account/...,
    /// customer/account/createPassword/...) when the request gives no redirectUrl, and
    /// /V1/store/storeConfigs reports it.
    #[arg(long, env = "STOREFRONT_URL", global = true, default_value = DEFAULT_STOREFRONT_URL,
          value_parser = parse_http_url)]
    pub storefront_url: String,
    /// Serve the storefront account pages (/customer/account/...). While on and STOREFRONT_URL
    /// is left at its default, mail links point at this service's own pages.
    #[arg(long, env = "STOREFRONT_PAGES", global = true, default_value = "true",
          value_parser = yes_no, action = clap::ArgAction::Set)]
    pub storefront_pages: bool,
    /// Send the page session and form-key cookies over HTTPS only.
    #[arg(long, env = "SESSION_COOKIE_SECURE", global = true, default_value = "false",
          value_parser = yes_no, action = clap::ArgAction::Set)]
    pub session_cookie_secure: bool,
    /// Magento general/locale/code, reported by /V1/store/storeConfigs.
    #[arg(long, env = "STORE_LOCALE", global = true, default_value = "en_US")]
    pub store_locale: String,
    /// Magento currency/options/base.
    #[arg(long, env = "STORE_CURRENCY", global = true, default_value = "USD")]
    pub store_currency: String,
    /// Magento general/locale/timezone.
    #[arg(long, env = "STORE_TIMEZONE", global = true, default_value = "UTC")]
    pub store_timezone: String,
    /// Magento general/locale/weight_unit.
    #[arg(long, env = "STORE_WEIGHT_UNIT", global = true, default_value = "lbs")]
    pub store_weight_unit: String,
    /// Log line format: plain (for people) or json (one object a line, for collectors).
    #[arg(long, env = "LOG_FORMAT", global = true, default_value = "plain")]
    pub log_format: LogFormat,
    /// Which log lines are written (tracing-subscriber's EnvFilter syntax), e.g. info,
    /// warn,audit=info or info,customer_service=debug.
    #[arg(
        long = "log-filter",
        env = "RUST_LOG",
        global = true,
        default_value = "info"
    )]
    pub log_filter: String,
    /// Serve GraphiQL at GET /graphql to browsers (turn off in production).
    #[arg(long, env = "GRAPHIQL", global = true, default_value = "true", value_parser = yes_no,
          action = clap::ArgAction::Set)]
    pub graphiql: bool,
    /// Name sent in the X-Served-By response header (e.g. the instance name behind a load
    /// balancer); no header when empty.
    #[arg(long, env = "SERVED_BY", global = true)]
    pub served_by: Option<String>,
    /// Browser origins (comma-separated, e.g. https://shop.example.com) allowed to call the API
    /// from another origin; none (the default): CORS is off.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", global = true, value_delimiter = ',',
          value_parser = parse_origin)]
    pub cors_allowed_origins: Vec<String>,
}

/// Magento `customer/password/minimum_password_length` and `required_character_classes_number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Args)]
pub struct PasswordPolicySettings {
    /// Shortest customer password accepted (Magento minimum_password_length).
    #[arg(long = "password-min-length", env = "PASSWORD_MIN_LENGTH", global = true,
          default_value = "8", value_parser = RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub min_length: usize,
    /// Character classes (lower, upper, digit, other) a customer password needs (Magento
    /// required_character_classes_number).
    #[arg(long = "password-required-character-classes",
          env = "PASSWORD_REQUIRED_CHARACTER_CLASSES", global = true, default_value = "3",
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=4))]
    pub required_classes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Plain,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MailCheck {
    Warn,
    Refuse,
}

/// A setting that cannot be used; startup stops with this message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid setting {var}={value:?}: {reason}")]
pub struct ConfigError {
    pub var: String,
    pub value: String,
    pub reason: String,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/customer-service.sqlite3";

/// Settings whose values may carry a password: shown redacted in help, errors and `config`.
const SECRET_VARS: &[&str] = &["DATABASE_URL", "SMTP_URL"];

/// The default storefront base URL (this service's own default address).
pub const DEFAULT_STOREFRONT_URL: &str = "http://127.0.0.1:8080/";

/// The settings' clap declarations, outside any command line (for `from_vars` and `config`).
fn declarations() -> clap::Command {
    Settings::augment_args(clap::Command::new("settings").no_binary_name(true))
}

/// One line of `customer-service config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    pub var: String,
    /// The value as given (secrets redacted); empty when unset.
    pub value: String,
    /// `default`, `environment`, `command line` or `unset`.
    pub source: &'static str,
}

impl Settings {
    /// Defaults for the given database: what a fresh install runs with.
    pub fn with_database(database_url: DatabaseUrl) -> Self {
        let mut s = Self::from_vars(&HashMap::new()).expect("the declared defaults are valid");
        s.database_url = database_url;
        s
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(
            &std::env::vars_os()
                .map(|(k, v)| {
                    (
                        k.to_string_lossy().into_owned(),
                        v.to_string_lossy().into_owned(),
                    )
                })
                .collect(),
        )
    }

    /// Reads settings from a variable map (the environment, or a test's own map), through the
    /// same declarations as the command line; the process environment is not consulted.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let cmd = declarations().mut_args(|a| a.env(None));
        let mut argv = Vec::new();
        for arg in declarations().get_arguments() {
            let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) else {
                continue;
            };
            let var = env.to_string_lossy();
            let Some(value) = vars.get(var.as_ref()).map(|v| v.trim()) else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let flag = format!("--{long}={value}");
            // Each value checked alone first, so the error names its variable.
            if let Err(e) = cmd.clone().try_get_matches_from([&flag]) {
                let secret = SECRET_VARS.contains(&var.as_ref());
                let reason = std::error::Error::source(&e)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| e.to_string());
                let reason = reason.trim().trim_start_matches("error: ").to_owned();
                let shown = if secret {
                    redact_url(value)
                } else {
                    value.to_owned()
                };
                return Err(ConfigError {
                    var: var.into_owned(),
                    reason: reason.replace(value, &shown),
                    value: shown,
                });
            }
            argv.push(flag);
        }
        let matches = cmd.try_get_matches_from(argv).map_err(|e| ConfigError {
            var: "settings".into(),
            value: String::new(),
            reason: e.to_string(),
        })?;
        Self::from_arg_matches(&matches).map_err(|e| ConfigError {
            var: "settings".into(),
            value: String::new(),
            reason: e.to_string(),
        })
    }

    /// The environment variable of every setting, in declaration order.
    pub fn variables() -> Vec<String> {
        declarations()
            .get_arguments()
            .filter_map(|a| a.get_env())
            .map(|e| e.to_string_lossy().into_owned())
            .collect()
    }

    /// Every setting's variable, value (secrets redacted) and where it came from, read from
    /// the command line's matches (which hold the flattened settings).
    pub fn effective(matches: &ArgMatches) -> Vec<Effective> {
        declarations()
            .get_arguments()
            .filter_map(|arg| {
                let var = arg.get_env()?.to_string_lossy().into_owned();
                let id = arg.get_id().as_str();
                let raw: Vec<String> = matches
                    .try_get_raw(id)
                    .ok()
                    .flatten()
                    .map(|vals| vals.map(|v| v.to_string_lossy().into_owned()).collect())
                    .unwrap_or_default();
                let value = raw.join(",");
                let value = if SECRET_VARS.contains(&var.as_str()) {
                    redact_url(&value)
                } else {
                    value
                };
                let source = match matches.value_source(id) {
                    Some(ValueSource::DefaultValue) => "default",
                    Some(ValueSource::EnvVariable) => "environment",
                    Some(ValueSource::CommandLine) => "command line",
                    _ => "unset",
                };
                Some(Effective { var, value, source })
            })
            .collect()
    }

    /// The SQLite file as an absolute path, when the database is one that does not exist
    /// yet: the command line warns then, since a relative path run from another folder
    /// would silently start an empty database.
    pub fn new_sqlite_file(&self) -> Option<PathBuf> {
        match &self.database_url {
            DatabaseUrl::Sqlite(SqliteTarget::File(p)) if !p.exists() => {
                Some(std::path::absolute(p).unwrap_or_else(|_| p.clone()))
            }
            _ => None,
        }
    }

    /// The one startup line: what this process runs with (no secrets).
    pub fn summary(&self) -> String {
        let database = match &self.database_url {
            DatabaseUrl::Postgres(u) => format!("postgres {}", redact_url(u)),
            DatabaseUrl::Sqlite(SqliteTarget::File(p)) => format!(
                "sqlite {}",
                std::path::absolute(p)
                    .unwrap_or_else(|_| p.clone())
                    .display()
            ),
            DatabaseUrl::Sqlite(SqliteTarget::Memory) => "sqlite :memory:".into(),
        };
        let mail = match &self.smtp_url {
            Some(u) => format!("smtp {}", redact_url(u)),
            None => format!(
                "files in {}",
                std::path::absolute(&self.mail_dir)
                    .unwrap_or_else(|_| self.mail_dir.clone())
                    .display()
            ),
        };
        format!(
            "backend {database}, pool {}, http workers {}, hashing threads {}, mail {mail}, \
             customer tokens {}s, admin tokens {}s",
            self.db_pool_size,
            self.http_workers,
            self.hashing_threads,
            self.customer_token_lifetime.as_secs(),
            self.admin_token_lifetime.as_secs(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_run_on_an_sqlite_file_under_data() {
        let s = Settings::from_vars(&vars(&[])).unwrap();
        assert_eq!(
            s.database_url,
            DatabaseUrl::Sqlite(SqliteTarget::File("data/customer-service.sqlite3".into()))
        );
        assert_eq!(s.bind_address.to_string(), "127.0.0.1:8080");
        assert_eq!(s.customer_token_lifetime, Duration::from_secs(3600));
        assert_eq!(s.bcrypt_cost, 10);
        assert_eq!(s.password_policy.min_length, 8);
        assert_eq!(s.password_policy.required_classes, 3);
    }

    #[test]
    fn the_url_scheme_picks_the_backend() {
        assert!(
            DatabaseUrl::parse("postgres://u@h/db")
                .unwrap()
                .is_postgres()
        );
        assert!(
            DatabaseUrl::parse("postgresql://u@h/db")
                .unwrap()
                .is_postgres()
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").unwrap(),
            DatabaseUrl::Sqlite(SqliteTarget::Memory)
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite(SqliteTarget::File("/tmp/x.db".into()))
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("host=localhost dbname=x").is_err());
    }

    #[test]
    fn cors_origins_are_a_comma_separated_allow_list() {
        let s = Settings::from_vars(&vars(&[])).unwrap();
        assert!(s.cors_allowed_origins.is_empty());
        let s = Settings::from_vars(&vars(&[(
            "CORS_ALLOWED_ORIGINS",
            "https://shop.example.com, http://localhost:3000",
        )]))
        .unwrap();
        assert_eq!(
            s.cors_allowed_origins,
            ["https://shop.example.com", "http://localhost:3000"]
        );
        for bad in ["shop.example.com", "https://shop.example.com/"] {
            let err = Settings::from_vars(&vars(&[("CORS_ALLOWED_ORIGINS", bad)])).unwrap_err();
            assert_eq!(err.var, "CORS_ALLOWED_ORIGINS", "{bad}");
        }
    }

    #[test]
    fn invalid_settings_name_their_variable() {
        let err = Settings::from_vars(&vars(&[("BCRYPT_COST", "3")])).unwrap_err();
        assert_eq!(err.var, "BCRYPT_COST");
        let err = Settings::from_vars(&vars(&[("BIND_ADDRESS", "nowhere")])).unwrap_err();
        assert_eq!(err.var, "BIND_ADDRESS");
        let err =
            Settings::from_vars(&vars(&[("CUSTOMER_TOKEN_LIFETIME_SECONDS", "soon")])).unwrap_err();
        assert!(err.to_string().contains("CUSTOMER_TOKEN_LIFETIME_SECONDS"));
        let err = Settings::from_vars(&vars(&[("GUEST_CHECKOUT_LOGIN", "maybe")])).unwrap_err();
        assert_eq!(err.var, "GUEST_CHECKOUT_LOGIN");
        let err = Settings::from_vars(&vars(&[("SMTP_URL", "mail.example.com")])).unwrap_err();
        assert_eq!(err.var, "SMTP_URL");
    }

    #[test]
    fn flags_read_common_spellings() {
        let s = Settings::from_vars(&vars(&[
            ("GUEST_CHECKOUT_LOGIN", "1"),
            ("ACCOUNT_CONFIRMATION_REQUIRED", "true"),
        ]))
        .unwrap();
        assert!(s.guest_checkout_login && s.confirmation_required);
        assert!(
            !Settings::from_vars(&vars(&[]))
                .unwrap()
                .confirmation_required
        );
    }

    #[test]
    fn secrets_are_redacted_in_urls_and_their_query() {
        assert_eq!(redact_url("postgres://u:pw@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            redact_url("postgres://u@h/db?sslmode=require&password=pw"),
            "postgres://u@h/db?sslmode=require&password=***"
        );
        assert_eq!(
            redact_url("smtps://me:pw@mail:465"),
            "smtps://me:***@mail:465"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn every_setting_has_a_variable_and_the_defaults_parse() {
        let names = Settings::variables();
        assert!(names.contains(&"DATABASE_URL".to_owned()));
        assert!(names.contains(&"PASSWORD_MIN_LENGTH".to_owned()));
        let mut seen = std::collections::HashSet::new();
        assert!(
            names.iter().all(|v| seen.insert(v)),
            "a variable declared twice: {names:?}"
        );
        let s = Settings::from_vars(&vars(&[
            ("LOG_FORMAT", "json"),
            ("DB_STATEMENT_CACHE", "off"),
        ]))
        .unwrap();
        assert_eq!(s.log_format, LogFormat::Json);
        assert!(!s.db_statement_cache);
    }

    #[test]
    fn database_passwords_never_reach_error_messages() {
        let err =
            Settings::from_vars(&vars(&[("DATABASE_URL", "mysql://u:hunter2@h/db")])).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
