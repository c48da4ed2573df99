//! The password-reset request log behind Magento's rate limits (Magento_Security:
//! at most N requests per hour and a minimum interval, each by e-mail and by IP).

use super::DbConnection;
use super::schema::password_reset_requests;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

/// Whether one more request for this e-mail or from this IP would break a limit.
pub fn is_limited(
    conn: &mut DbConnection,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
    max_per_hour: u32,
    min_interval: TimeDelta,
) -> QueryResult<bool> {
    let hour_ago = now - TimeDelta::hours(1);
    for by_email in [true, false] {
        let mut recent = password_reset_requests::table
            .filter(password_reset_requests::created_at.gt(hour_ago))
            .into_boxed();
        recent = if by_email {
            recent.filter(password_reset_requests::email.eq(email))
        } else {
            recent.filter(password_reset_requests::ip.eq(ip))
        };
        let times: Vec<NaiveDateTime> = recent
            .select(password_reset_requests::created_at)
            .load(conn)?;
        if max_per_hour > 0 && times.len() >= max_per_hour as usize {
            return Ok(true);
        }
        if min_interval > TimeDelta::zero() && times.iter().any(|t| *t > now - min_interval) {
            return Ok(true);
        }
    }
    Ok(false)
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
