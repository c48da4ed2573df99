//! Reading `TIMESTAMP` columns without chrono's format parser on SQLite.
//!
//! SQLite stores a timestamp as text, and Diesel's `FromSql` for `NaiveDateTime` tries up to
//! 18 `strftime` patterns through `NaiveDateTime::parse_from_str`: about 2,000 instructions a
//! column, a tenth of everything `GET /me` did on its database thread (issue 14). Every
//! timestamp this service writes has the shape Diesel writes (`YYYY-MM-DD HH:MM:SS`, plus
//! `.fff...` when the value has fractions), so those are read by position here; any other
//! text (written by hand, or a Julian day number) goes to Diesel's parser unchanged.
//! PostgreSQL sends timestamps in binary, so there it is Diesel's own decoding.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

/// The backend of `DbConnection` (its module is private to the derive's output).
type Multi = <super::DbConnection as diesel::Connection>::Backend;

/// A `NaiveDateTime` column, decoded fast (use with `#[diesel(deserialize_as = Stamp)]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct Stamp(pub NaiveDateTime);

impl From<Stamp> for NaiveDateTime {
    fn from(stamp: Stamp) -> Self {
        stamp.0
    }
}

impl FromSql<Timestamp, Sqlite> for Stamp {
    fn from_sql(
        mut value: <Sqlite as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        if let Some(parsed) = parse(value.read_text()) {
            return Ok(Self(parsed));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, Pg> for Stamp {
    fn from_sql(
        value: <Pg as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Self)
    }
}

// What the derived `MultiConnection` generates for the types it knows.
impl FromSql<Timestamp, Multi> for Stamp {
    fn from_sql(
        value: <Multi as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

/// `YYYY-MM-DD HH:MM:SS` with an optional `.` and 1 to 9 fraction digits; `None` for anything
/// else (including out-of-range fields), which the caller leaves to Diesel.
fn parse(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            let n = digits(20..b.len())?;
            n * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)?;
    let time =
        NaiveTime::from_hms_nano_opt(digits(11..13)?, digits(14..16)?, digits(17..19)?, nanos)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use chrono::NaiveDateTime;

    /// The fast parser agrees with chrono on every shape Diesel writes and refuses the rest.
    #[test]
    fn parses_what_diesel_writes_and_nothing_else() {
        for text in [
            "2026-11-29 12:34:56",
            "2000-02-29 00:00:00",
            "1970-01-01 23:59:59.5",
            "2026-11-29 12:34:56.123",
            "2026-11-29 12:34:56.123456",
            "2026-11-29 12:34:56.123456789",
        ] {
            let chrono = NaiveDateTime::parse_from_str(text, "%F %T%.f").unwrap();
            assert_eq!(parse(text), Some(chrono), "{text}");
        }
        for text in [
            "",
            "2026-11-29",
            "2026-11-29T12:34:56",
            "2026-11-29 12:34:56Z",
            "2026-11-29 12:34:56+00:00",
            "2026-11-29 12:34:56.",
            "2026-11-29 12:34:56.1234567890",
            "2026-13-29 12:34:56",
            "2026-02-30 12:34:56",
            "2026-11-29 24:00:00",
            "2026-11-29 12:34:5x",
            "+026-11-29 12:34:56",
            "2459000.5",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
