//! Dates and times in the one shape this service and Magento store them (`Y-m-d`,
//! `Y-m-d H:i:s`), read by position. chrono's `parse_from_str` interprets its pattern on every
//! call: an import reads a few per row, and SQLite hands every stored timestamp back as text.
//! Anything not in that shape is `None`, for the caller's general parser to decide.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// The number written by `bytes` in ASCII digits only.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// `YYYY-MM-DD` exactly, a valid date.
pub fn canonical_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        digits(&b[0..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

/// `YYYY-MM-DD HH:MM:SS`, followed by a `.` and 1 to 9 fraction digits when `fraction` is
/// allowed (Diesel writes `%F %T%.f`). A leap second is left to the general parser.
pub fn canonical_date_time(s: &str, fraction: bool) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() < 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits_of @ ..] if fraction && (1..=9).contains(&digits_of.len()) => {
            digits(digits_of)? * 10u32.pow(9 - digits_of.len() as u32)
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
        nanos,
    )?;
    Some(canonical_date(&s[..10])?.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_dates_read_as_chronos_format_does() {
        for s in ["1980-01-02", "2000-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(
                canonical_date(s),
                NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
                "{s}"
            );
        }
        for s in [
            "2001-02-29",
            "2019-3-04",
            "+980-01-02",
            "1980-01-0x",
            "1980/01/02",
            "١٩٨٠-01-02",
        ] {
            assert_eq!(canonical_date(s), None, "{s}");
        }
    }

    /// With fractions allowed, every shape Diesel writes parses as chrono reads it; without,
    /// only whole seconds do.
    #[test]
    fn canonical_times_read_as_chronos_formats_do() {
        for s in [
            "2026-11-29 12:34:56",
            "2000-02-29 00:00:00",
            "1999-12-31 23:59:59",
            "1970-01-01 23:59:59.5",
            "2026-11-29 12:34:56.123",
            "2026-11-29 12:34:56.123456",
            "2026-11-29 12:34:56.123456789",
        ] {
            let chrono = NaiveDateTime::parse_from_str(s, "%F %T%.f").unwrap();
            assert_eq!(canonical_date_time(s, true), Some(chrono), "{s}");
            let whole = s.len() == 19;
            assert_eq!(
                canonical_date_time(s, false),
                whole.then_some(chrono),
                "{s}"
            );
        }
        for s in [
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
            "2019-03-04 23:59:60",
            "2026-11-29 12:34:5x",
            "2019-03-04 05:06",
            "+026-11-29 12:34:56",
            "2459000.5",
        ] {
            assert_eq!(canonical_date_time(s, true), None, "{s}");
        }
    }
}
