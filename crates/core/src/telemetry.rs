//! Logs and metrics, below every layer that has something to report. Logs go through
//! `tracing` (plain or JSON lines, `RUST_LOG` filter; `log` records of the libraries are
//! bridged in). Metrics go through the `metrics` facade into one Prometheus recorder per
//! process, rendered by `GET /metrics`. The names are defined here, once, with a helper per
//! event, so the service layer adds one line where the event happens.
//!
//! Neither logs nor metrics carry e-mails, tokens or passwords: metric labels are fixed words
//! (route templates, status codes, outcome names), and the audit lines (target `audit`) name
//! ids and the client address only.

use crate::config::LogFormat;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

pub const HTTP_REQUESTS: &str = "http_requests_total";
pub const HTTP_DURATION: &str = "http_request_duration_seconds";
pub const SIGN_INS: &str = "customer_sign_ins_total";
pub const LOCKOUTS: &str = "customer_lockouts_total";
pub const THROTTLED: &str = "customer_throttled_requests_total";
pub const TOKENS_ISSUED: &str = "customer_tokens_issued_total";
pub const TOKENS_REVOKED: &str = "customer_tokens_revoked_total";
pub const TOKENS_PURGED: &str = "customer_tokens_purged_total";
pub const LEGACY_HASH_UPGRADES: &str = "customer_legacy_hash_upgrades_total";
pub const HASHING_QUEUE: &str = "customer_hashing_queue_depth";
pub const DB_POOL_SIZE: &str = "customer_db_pool_connections";
pub const DB_POOL_IN_USE: &str = "customer_db_pool_in_use";
pub const DB_POOL_WAIT: &str = "customer_db_pool_wait_seconds";
pub const RATE_LIMITED: &str = "customer_rate_limited_requests_total";
pub const RATE_LIMIT_CLIENTS: &str = "customer_rate_limit_clients";

/// Who signs in: the `kind` label of the sign-in and token metrics.
#[derive(Debug, Clone, Copy)]
pub enum Principal {
    Customer,
    Admin,
}

impl Principal {
    fn label(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Admin => "admin",
        }
    }
}

/// A sign-in that issued a token (`outcome="ok"`) or was refused (`outcome="failed"`).
pub fn sign_in(kind: Principal, ok: bool) {
    let outcome = if ok { "ok" } else { "failed" };
    metrics::counter!(SIGN_INS, "kind" => kind.label(), "outcome" => outcome).increment(1);
}

/// An account or username locked after too many failures.
pub fn lockout(kind: Principal) {
    metrics::counter!(LOCKOUTS, "kind" => kind.label()).increment(1);
}

/// A request refused because its caller is locked or over a rate limit.
pub fn throttled(kind: Principal) {
    metrics::counter!(THROTTLED, "kind" => kind.label()).increment(1);
}

pub fn token_issued(kind: Principal) {
    metrics::counter!(TOKENS_ISSUED, "kind" => kind.label()).increment(1);
}

pub fn tokens_revoked(count: u64) {
    metrics::counter!(TOKENS_REVOKED).increment(count);
}

pub fn tokens_purged(count: u64) {
    metrics::counter!(TOKENS_PURGED).increment(count);
}

/// A stored password hash of an older scheme (Magento's legacy hashes) rewritten as bcrypt
/// on a successful sign-in.
pub fn legacy_hash_upgraded() {
    metrics::counter!(LEGACY_HASH_UPGRADES).increment(1);
}

pub fn hashing_queue(depth: usize) {
    metrics::gauge!(HASHING_QUEUE).set(depth as f64);
}

/// A request (or one guess of a batched GraphQL document) refused by a per-IP rate limit.
pub fn rate_limited(limit: &'static str) {
    metrics::counter!(RATE_LIMITED, "limit" => limit).increment(1);
}

/// Client IPs a rate limit currently holds in memory.
pub fn rate_limit_clients(limit: &'static str, clients: usize) {
    metrics::gauge!(RATE_LIMIT_CLIENTS, "limit" => limit).set(clients as f64);
}

pub fn db_pool(size: u32, in_use: u32) {
    metrics::gauge!(DB_POOL_SIZE).set(f64::from(size));
    metrics::gauge!(DB_POOL_IN_USE).set(f64::from(in_use));
}

pub fn db_pool_wait(waited: Duration) {
    metrics::histogram!(DB_POOL_WAIT).record(waited.as_secs_f64());
}

/// The process's Prometheus recorder, installed on first use (tests build many applications
/// in one process: they share it).
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Fails only when another recorder is installed: then ours renders nothing, which
        // `/metrics` shows plainly rather than crashing the service.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Installs the log subscriber: plain or JSON lines on standard error, filtered by `filter`
/// (`RUST_LOG` syntax). Library `log` records are bridged in. Messages are kept on one line:
/// multi-line texts (libpq errors) are joined before they are logged (`AppError::cause_chain`,
/// `one_line`).
pub fn init_logging(format: LogFormat, filter: &str) -> Result<(), String> {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_new(filter).map_err(|e| format!("invalid RUST_LOG: {e}"))?;
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Plain => builder.with_ansi(false).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    result.map_err(|e| e.to_string())
}

/// A text on one line: a multi-line message (libpq's `DETAIL:`/`HINT:` lines) joined with
/// " | ", so a log line is one entry.
pub fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn multi_line_driver_errors_become_one_line() {
        assert_eq!(
            one_line("ERROR:  relation \"x\" does not exist\nLINE 1: SELECT\n        ^\n"),
            "ERROR:  relation \"x\" does not exist | LINE 1: SELECT | ^"
        );
    }
}
