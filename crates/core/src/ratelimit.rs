//! Per-client request-rate limits beyond Magento's: how many sign-in guesses, sign-ups and
//! password-reset requests one client IP may make in a window, before the database-held
//! throttles (per username, per account, per e-mail) are even consulted. A front door finds
//! the client IP (through the trusted-proxy rule) and asks `RateLimits::check` once per
//! request, or once per guess inside a batched GraphQL document; a refusal is
//! `AppError::TooManyRequests`, which each front door renders as a 429 with `Retry-After`.
//!
//! The counters are GCRA cells (the `governor` crate), held in this process's memory: with N
//! instances behind a load balancer a client gets N times the allowance. Memory stays bounded
//! because `retain_recent` (run periodically by startup) drops every key whose cell is full
//! again, so only clients active within the last window are kept.

use crate::config::Settings;
use crate::error::AppError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::time::Duration;

/// The client IP of a request, found once per request (by the `observe` middleware, with
/// `client_ip` and `TRUSTED_PROXIES`) and kept in its extensions for the front doors.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

/// What is being limited: the `limit` label of the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Customer and admin token requests, GraphQL `generateCustomerToken`, the sign-in form.
    SignIn,
    /// Anonymous account creation (REST, GraphQL, the sign-up form).
    SignUp,
    /// Password-reset e-mail requests (REST, GraphQL, the forgot-password form).
    PasswordReset,
}

impl Limit {
    pub const ALL: [Limit; 3] = [Limit::SignIn, Limit::SignUp, Limit::PasswordReset];

    pub fn label(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignUp => "sign_up",
            Self::PasswordReset => "password_reset",
        }
    }
}

/// One keyed limiter per `Limit`; `None` where the setting is 0 (no limit).
pub struct RateLimits {
    limiters: [Option<DefaultKeyedRateLimiter<IpAddr>>; 3],
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").finish_non_exhaustive()
    }
}

impl RateLimits {
    pub fn from_settings(settings: &Settings) -> Self {
        let keyed = |count: u32, per: fn(NonZeroU32) -> Quota| {
            NonZeroU32::new(count).map(|n| DefaultKeyedRateLimiter::keyed(per(n)))
        };
        Self {
            limiters: [
                keyed(settings.rate_limit_sign_in_per_minute, Quota::per_minute),
                keyed(settings.rate_limit_sign_up_per_hour, Quota::per_hour),
                keyed(
                    settings.rate_limit_password_reset_per_minute,
                    Quota::per_minute,
                ),
            ],
            clock: DefaultClock::default(),
        }
    }

    fn limiter(&self, limit: Limit) -> Option<&DefaultKeyedRateLimiter<IpAddr>> {
        let index = match limit {
            Limit::SignIn => 0,
            Limit::SignUp => 1,
            Limit::PasswordReset => 2,
        };
        self.limiters[index].as_ref()
    }

    /// Counts one request (or one guess) of `limit` for the client; refuses with the seconds
    /// until the next one would be allowed. An unknown client (no peer address) shares one key.
    pub fn check(&self, limit: Limit, client: Option<IpAddr>) -> Result<(), AppError> {
        let Some(limiter) = self.limiter(limit) else {
            return Ok(());
        };
        let key = client_key(client);
        limiter.check_key(&key).map_err(|not_until| {
            crate::telemetry::rate_limited(limit.label());
            let wait = not_until.wait_time_from(self.clock.now());
            AppError::TooManyRequests {
                retry_after: whole_seconds(wait),
            }
        })
    }

    /// Forgets every client whose allowance is full again, and reports how many are kept.
    pub fn retain_recent(&self) {
        for limit in Limit::ALL {
            if let Some(limiter) = self.limiter(limit) {
                limiter.retain_recent();
                limiter.shrink_to_fit();
                crate::telemetry::rate_limit_clients(limit.label(), limiter.len());
            }
        }
    }

    /// Clients currently held in memory, over all limits (for tests and the gauge).
    pub fn clients(&self) -> usize {
        Limit::ALL
            .iter()
            .filter_map(|l| self.limiter(*l))
            .map(|l| l.len())
            .sum()
    }
}

/// The key a client is counted under. An IPv6 client is counted by its /64 (one subscriber's
/// allocation; an attacker gets 2^64 addresses for the price of one), an IPv4-mapped address
/// as the IPv4 address it is.
fn client_key(client: Option<IpAddr>) -> IpAddr {
    match client {
        None => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        Some(IpAddr::V4(v4)) => IpAddr::V4(v4),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(bits))
            }
        },
    }
}

/// The client's IP, from the TCP peer and the request's `X-Forwarded-For` and `Forwarded`
/// headers (each header's lines joined with commas): the TCP peer, unless the peer is a trusted proxy; then the nearest
/// address in `X-Forwarded-For` (or `Forwarded: for=`) that is not itself a trusted proxy,
/// read from the right, so a client cannot choose its address by sending the header itself.
pub fn client_ip(
    peer: IpAddr,
    forwarded_for: &str,
    forwarded: &str,
    trusted: &[ipnet::IpNet],
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut hops: Vec<IpAddr> = forwarded_for
        .split(',')
        .filter_map(|h| parse_hop(h.trim()))
        .collect();
    if hops.is_empty() {
        hops = forwarded
            .split([',', ';'])
            .filter_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                key.eq_ignore_ascii_case("for")
                    .then(|| parse_hop(value.trim().trim_matches('"')))
                    .flatten()
            })
            .collect();
    }
    hops.iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(hops.first())
        .copied()
        .unwrap_or(peer)
}

/// One forwarding hop: `1.2.3.4`, `1.2.3.4:5678`, `[::1]:80` or `::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(addr) = hop.parse::<std::net::SocketAddr>() {
        return Some(addr.ip());
    }
    hop.trim_start_matches('[')
        .split(']')
        .next()
        .and_then(|h| h.parse().ok())
}

/// `Retry-After` in whole seconds, rounded up, at least 1.
fn whole_seconds(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DatabaseUrl, SqliteTarget};

    fn limits(sign_in: u32) -> RateLimits {
        let mut s = Settings::with_database(DatabaseUrl::Sqlite(SqliteTarget::Memory));
        s.rate_limit_sign_in_per_minute = sign_in;
        RateLimits::from_settings(&s)
    }

    #[test]
    fn the_burst_is_allowed_then_refused_with_a_wait() {
        let l = limits(3);
        let ip = Some("192.0.2.1".parse().unwrap());
        for _ in 0..3 {
            l.check(Limit::SignIn, ip).unwrap();
        }
        match l.check(Limit::SignIn, ip) {
            Err(AppError::TooManyRequests { retry_after }) => {
                assert!((1..=20).contains(&retry_after))
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Another client and another limit are not affected.
        l.check(Limit::SignIn, Some("192.0.2.2".parse().unwrap()))
            .unwrap();
        l.check(Limit::SignUp, ip).unwrap();
    }

    #[test]
    fn zero_means_no_limit() {
        let l = limits(0);
        for _ in 0..1000 {
            l.check(Limit::SignIn, None).unwrap();
        }
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(Some(a)), client_key(Some(b)));
        assert_ne!(client_key(Some(a)), client_key(Some(c)));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(
            client_key(Some(mapped)),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(3)), 3);
    }
}
