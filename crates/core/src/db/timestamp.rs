//! Reading `TIMESTAMP` columns without chrono's format parser on SQLite.
//!
//! SQLite stores a timestamp as text, and Diesel's `FromSql` for `NaiveDateTime` tries up to
//! 18 `strftime` patterns through `NaiveDateTime::parse_from_str`: about 2,000 instructions a
//! column, a tenth of everything `GET /me` did on its database thread. Every
//! timestamp this service writes has the shape Diesel writes (`YYYY-MM-DD HH:MM:SS`, plus
//! `.fff...` when the value has fractions), so those are read by position here; any other
//! text (written by hand, or a Julian day number) goes to Diesel's parser unchanged.
//! PostgreSQL sends timestamps in binary, so there it is Diesel's own decoding.

use chrono::NaiveDateTime;
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
        if let Some(parsed) = crate::domain::time::canonical_date_time(value.read_text(), true) {
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
