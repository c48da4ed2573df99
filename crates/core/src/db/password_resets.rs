//! The password-reset request log behind the reset limits (Magento_Security's, keyed so one
//! stranger cannot lock out everyone behind the same address: see `is_limited`).

use super::DbConnection;
use super::schema::password_reset_requests;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

/// Whether one more request would break a limit: the minimum interval between requests for
/// one e-mail (Magento's 10 minutes), or the hourly cap on requests from one client IP (a
/// flood cap, generous by default). Deliberately not Magento's "by IP and e-mail" interval,
/// under which a second customer behind the same address (a NAT, a load balancer) is
/// refused. Call it inside a transaction after `lock_log`, then `record`.
pub fn is_limited(
    conn: &mut DbConnection,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
    max_per_ip_per_hour: u32,
    min_interval: TimeDelta,
) -> QueryResult<bool> {
    if min_interval > TimeDelta::zero() {
        let recent: i64 = password_reset_requests::table
            .filter(password_reset_requests::email.eq(email))
            .filter(password_reset_requests::created_at.gt(now - min_interval))
            .count()
            .get_result(conn)?;
        if recent > 0 {
            return Ok(true);
        }
    }
    if max_per_ip_per_hour > 0 {
        let from_ip: i64 = password_reset_requests::table
            .filter(password_reset_requests::ip.eq(ip))
            .filter(password_reset_requests::created_at.gt(now - TimeDelta::hours(1)))
            .count()
            .get_result(conn)?;
        if from_ip >= i64::from(max_per_ip_per_hour) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Serializes the check-and-record of reset requests until the transaction ends, so
/// concurrent requests cannot all pass the limits. PostgreSQL: a table lock (reset requests
/// are rare); SQLite's write transaction already excludes other writers.
pub fn lock_log(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("LOCK TABLE password_reset_requests IN SHARE ROW EXCLUSIVE MODE")
            .execute(pg)?;
    }
    Ok(())
}

pub fn record(
    conn: &mut DbConnection,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Older entries no longer count towards any limit.
    diesel::delete(
        password_reset_requests::table
            .filter(password_reset_requests::created_at.lt(now - TimeDelta::hours(1))),
    )
    .execute(conn)?;
    diesel::insert_into(password_reset_requests::table)
        .values((
            password_reset_requests::email.eq(email),
            password_reset_requests::ip.eq(ip),
            password_reset_requests::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
