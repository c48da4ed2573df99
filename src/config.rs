//! Settings: typed, read once from the environment (with defaults that make a fresh
//! `cargo run --release` work), then passed by value. Nothing else reads the environment.

use std::{collections::HashMap, net::SocketAddr, path::PathBuf, time::Duration};

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

/// All runtime settings. See README.md for the variables and their defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub bind_address: SocketAddr,
    /// Worker threads of the HTTP server.
    pub http_workers: usize,
    /// Connections in the database pool.
    pub db_pool_size: u32,
    /// How long a request waits for a database connection before answering 503.
    pub db_connect_timeout: Duration,
    /// Lifetime of customer tokens (Magento `oauth/access_token_lifetime/customer`, 1 hour).
    pub customer_token_lifetime: Duration,
    /// Lifetime of admin tokens (Magento `oauth/access_token_lifetime/admin`, 4 hours).
    pub admin_token_lifetime: Duration,
    pub bcrypt_cost: u32,
    /// Password hashes computed at once (each takes one core for tens of milliseconds).
    pub hashing_threads: usize,
    pub password_policy: PasswordPolicySettings,
    /// Failed token requests per username before it is locked (Magento 6).
    pub token_max_failures: u32,
    /// How long that lock lasts, restarted by every failure (Magento 1800 s).
    pub token_lock_duration: Duration,
    /// Wrong passwords that lock a customer account (Magento `lockout_failures`, 10).
    pub lockout_failures: u32,
    /// How long the account lock lasts (Magento `lockout_threshold`, 10 minutes).
    pub lockout_duration: Duration,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Magento `checkout/options/enable_guest_checkout_login`: when false (the default),
    /// e-mail availability always answers `true` and password-reset requests never reveal
    /// whether an account exists.
    pub guest_checkout_login: bool,
    /// Magento `customer/create_account/confirm`: new accounts must confirm their e-mail
    /// before they can sign in.
    pub confirmation_required: bool,
    /// Magento `customer/password/reset_link_expiration_period` (2 hours).
    pub reset_token_lifetime_hours: i64,
    /// Magento `customer/password/max_number_password_reset_requests` per hour (5; 0 = no limit).
    pub reset_max_requests_per_hour: u32,
    /// Magento `customer/password/min_time_between_password_reset_requests` (10 minutes; 0 = none).
    pub reset_min_interval: Duration,
    /// Magento `contact/email/recipient_email`, named in the reset rate-limit message.
    pub contact_email: String,
    /// Sender of outgoing mail.
    pub mail_from: String,
    /// `smtp://host:port` or `smtps://user:pass@host:port`; without it mail is written as
    /// `.eml` files to `mail_dir`.
    pub smtp_url: Option<String>,
    pub mail_dir: PathBuf,
    /// Storefront base URL for links in e-mails when the request gives no `redirectUrl`, and
    /// the base URLs reported by `/V1/store/storeConfigs`.
    pub storefront_url: String,
    /// What `/V1/store/storeConfigs` reports (Magento `general/locale/code`,
    /// `currency/options/base`, `general/locale/timezone`, `general/locale/weight_unit`).
    pub store_locale: String,
    pub store_currency: String,
    pub store_timezone: String,
    pub store_weight_unit: String,
    /// `CORS_ALLOWED_ORIGINS`: browser origins (`https://shop.example.com`, comma-separated)
    /// allowed to call the API from another origin. Empty (the default): CORS is off.
    pub cors_allowed_origins: Vec<String>,
}

/// Magento `customer/password/minimum_password_length` and `required_character_classes_number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicySettings {
    pub min_length: usize,
    pub required_classes: usize,
}

/// A setting that cannot be used; startup stops with this message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid setting {var}={value:?}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub reason: String,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/customer-service.sqlite3";

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

impl Settings {
    /// Defaults for the given database: what a fresh install runs with.
    pub fn with_database(database_url: DatabaseUrl) -> Self {
        Self {
            database_url,
            bind_address: "127.0.0.1:8080".parse().expect("valid default address"),
            http_workers: cores(),
            db_pool_size: 4,
            db_connect_timeout: Duration::from_secs(3),
            customer_token_lifetime: Duration::from_secs(3600),
            admin_token_lifetime: Duration::from_secs(4 * 3600),
            bcrypt_cost: 10,
            hashing_threads: cores(),
            password_policy: PasswordPolicySettings {
                min_length: 8,
                required_classes: 3,
            },
            token_max_failures: 6,
            token_lock_duration: Duration::from_secs(1800),
            lockout_failures: 10,
            lockout_duration: Duration::from_secs(600),
            max_body_bytes: 1024 * 1024,
            guest_checkout_login: false,
            confirmation_required: false,
            reset_token_lifetime_hours: 2,
            reset_max_requests_per_hour: 5,
            reset_min_interval: Duration::from_secs(600),
            contact_email: "hello@example.com".into(),
            mail_from: "Main Website <general@example.com>".into(),
            smtp_url: None,
            mail_dir: PathBuf::from("data/mail"),
            storefront_url: "http://127.0.0.1:8080/".into(),
            store_locale: "en_US".into(),
            store_currency: "USD".into(),
            store_timezone: "UTC".into(),
            store_weight_unit: "lbs".into(),
            cors_allowed_origins: Vec::new(),
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(&std::env::vars().collect())
    }

    /// Reads settings from a variable map (the environment, or a test's own map).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let url_text = get("DATABASE_URL").unwrap_or(DEFAULT_DATABASE_URL);
        let database_url = DatabaseUrl::parse(url_text).map_err(|reason| ConfigError {
            var: "DATABASE_URL",
            // Never echo a URL that may carry a password.
            value: redact_url(url_text),
            reason,
        })?;
        let mut s = Self::with_database(database_url);

        fn num<T>(
            var: &'static str,
            raw: Option<&str>,
            min: T,
            max: T,
            default: T,
        ) -> Result<T, ConfigError>
        where
            T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
        {
            let Some(raw) = raw else { return Ok(default) };
            let err = |reason: String| ConfigError {
                var,
                value: raw.to_owned(),
                reason,
            };
            let v: T = raw
                .parse()
                .map_err(|_| err(format!("expected a whole number from {min} to {max}")))?;
            if v < min || v > max {
                return Err(err(format!("must be from {min} to {max}")));
            }
            Ok(v)
        }

        if let Some(addr) = get("BIND_ADDRESS") {
            s.bind_address = addr.parse().map_err(|_| ConfigError {
                var: "BIND_ADDRESS",
                value: addr.to_owned(),
                reason: "expected host:port, e.g. 127.0.0.1:8080 or 0.0.0.0:8080".into(),
            })?;
        }
        s.http_workers = num("HTTP_WORKERS", get("HTTP_WORKERS"), 1, 256, s.http_workers)?;
        s.db_pool_size = num("DB_POOL_SIZE", get("DB_POOL_SIZE"), 1, 256, s.db_pool_size)?;
        s.db_connect_timeout = Duration::from_secs(num(
            "DB_CONNECT_TIMEOUT_SECONDS",
            get("DB_CONNECT_TIMEOUT_SECONDS"),
            1,
            600,
            3,
        )?);
        s.customer_token_lifetime = Duration::from_secs(num(
            "CUSTOMER_TOKEN_LIFETIME_SECONDS",
            get("CUSTOMER_TOKEN_LIFETIME_SECONDS"),
            1,
            10 * 365 * 86400,
            3600,
        )?);
        s.admin_token_lifetime = Duration::from_secs(num(
            "ADMIN_TOKEN_LIFETIME_SECONDS",
            get("ADMIN_TOKEN_LIFETIME_SECONDS"),
            1,
            10 * 365 * 86400,
            4 * 3600,
        )?);
        s.bcrypt_cost = num("BCRYPT_COST", get("BCRYPT_COST"), 4, 31, s.bcrypt_cost)?;
        s.hashing_threads = num(
            "HASHING_THREADS",
            get("HASHING_THREADS"),
            1,
            256,
            s.hashing_threads,
        )?;
        s.password_policy.min_length =
            num("PASSWORD_MIN_LENGTH", get("PASSWORD_MIN_LENGTH"), 1, 256, 8)?;
        s.password_policy.required_classes = num(
            "PASSWORD_REQUIRED_CHARACTER_CLASSES",
            get("PASSWORD_REQUIRED_CHARACTER_CLASSES"),
            1,
            4,
            3,
        )?;
        s.token_max_failures = num("TOKEN_MAX_FAILURES", get("TOKEN_MAX_FAILURES"), 1, 1000, 6)?;
        s.token_lock_duration = Duration::from_secs(num(
            "TOKEN_LOCK_SECONDS",
            get("TOKEN_LOCK_SECONDS"),
            1,
            86400 * 30,
            1800,
        )?);
        s.lockout_failures = num("LOCKOUT_FAILURES", get("LOCKOUT_FAILURES"), 1, 1000, 10)?;
        s.lockout_duration = Duration::from_secs(num(
            "LOCKOUT_SECONDS",
            get("LOCKOUT_SECONDS"),
            1,
            86400 * 30,
            600,
        )?);
        s.max_body_bytes = num(
            "MAX_BODY_BYTES",
            get("MAX_BODY_BYTES"),
            1024,
            64 * 1024 * 1024,
            s.max_body_bytes,
        )?;
        s.guest_checkout_login = flag("GUEST_CHECKOUT_LOGIN", get("GUEST_CHECKOUT_LOGIN"))?;
        s.confirmation_required = flag(
            "ACCOUNT_CONFIRMATION_REQUIRED",
            get("ACCOUNT_CONFIRMATION_REQUIRED"),
        )?;
        s.reset_token_lifetime_hours = num(
            "RESET_TOKEN_LIFETIME_HOURS",
            get("RESET_TOKEN_LIFETIME_HOURS"),
            1,
            24 * 365,
            2,
        )?;
        s.reset_max_requests_per_hour = num(
            "PASSWORD_RESET_MAX_REQUESTS_PER_HOUR",
            get("PASSWORD_RESET_MAX_REQUESTS_PER_HOUR"),
            0,
            100_000,
            5,
        )?;
        s.reset_min_interval = Duration::from_secs(num(
            "PASSWORD_RESET_MIN_INTERVAL_SECONDS",
            get("PASSWORD_RESET_MIN_INTERVAL_SECONDS"),
            0,
            86400,
            600,
        )?);
        if let Some(v) = get("CONTACT_EMAIL") {
            s.contact_email = v.to_owned();
        }
        if let Some(v) = get("MAIL_FROM") {
            s.mail_from = v.to_owned();
        }
        if let Some(v) = get("SMTP_URL") {
            if !(v.starts_with("smtp://") || v.starts_with("smtps://")) {
                return Err(ConfigError {
                    var: "SMTP_URL",
                    value: redact_url(v),
                    reason: "must start with smtp:// or smtps://".into(),
                });
            }
            s.smtp_url = Some(v.to_owned());
        }
        if let Some(v) = get("MAIL_DIR") {
            s.mail_dir = PathBuf::from(v);
        }
        if let Some(v) = get("STOREFRONT_URL") {
            if !(v.starts_with("http://") || v.starts_with("https://")) {
                return Err(ConfigError {
                    var: "STOREFRONT_URL",
                    value: v.to_owned(),
                    reason: "must be an http:// or https:// URL".into(),
                });
            }
            s.storefront_url = v.to_owned();
        }
        for (var, target) in [
            ("STORE_LOCALE", &mut s.store_locale),
            ("STORE_CURRENCY", &mut s.store_currency),
            ("STORE_TIMEZONE", &mut s.store_timezone),
            ("STORE_WEIGHT_UNIT", &mut s.store_weight_unit),
        ] {
            if let Some(v) = get(var) {
                *target = v.to_owned();
            }
        }
        if let Some(v) = get("CORS_ALLOWED_ORIGINS") {
            let origins: Vec<String> = v
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect();
            if let Some(bad) = origins.iter().find(|o| {
                !(o.starts_with("http://") || o.starts_with("https://")) || o.ends_with('/')
            }) {
                return Err(ConfigError {
                    var: "CORS_ALLOWED_ORIGINS",
                    value: bad.clone(),
                    reason: "each origin must be scheme://host[:port], without a path".into(),
                });
            }
            s.cors_allowed_origins = origins;
        }
        Ok(s)
    }
}

/// A yes/no setting: 1/0, true/false, yes/no, on/off.
fn flag(var: &'static str, raw: Option<&str>) -> Result<bool, ConfigError> {
    match raw.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(false),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError {
            var,
            value: other.to_owned(),
            reason: "expected 1/0, true/false, yes/no or on/off".into(),
        }),
    }
}

/// A database URL with any password replaced, safe for logs and error messages.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((userinfo, host)) = rest.split_once('@')
        && let Some((user, _password)) = userinfo.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
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
    fn database_passwords_never_reach_error_messages() {
        let err =
            Settings::from_vars(&vars(&[("DATABASE_URL", "mysql://u:hunter2@h/db")])).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
