//! Magento's API path for migrations: an admin or integration with `Magento_Customer::manage`
//! may send a stored password hash (`passwordHash`, Magento's CustomerRepository::save and
//! createAccountWithPasswordHash) and the account's `created_at`. A hash is stored as-is only
//! when this service can verify it; the customer's first sign-in then replaces it.

use crate::auth::legacy_hash;
use crate::domain::customer::parse_time;
use crate::error::{AppError, Phrase};
use chrono::NaiveDateTime;

/// An admin-given password hash, checked to be one this service verifies. Empty means not
/// given (PHP's `if ($passwordHash)`). The value is never echoed: it is a secret.
pub fn imported_hash(raw: Option<String>) -> Result<Option<String>, AppError> {
    let Some(raw) = raw.filter(|h| !h.is_empty()) else {
        return Ok(None);
    };
    legacy_hash::check_storable(&raw).map_err(|_| {
        AppError::Input(
            Phrase::new("The \"%fieldName\" value is not a password hash this service can verify.")
                .with("fieldName", "passwordHash"),
        )
    })?;
    Ok(Some(raw))
}

/// An admin-given `created_at` (`Y-m-d H:i:s` as Magento writes it, or ISO 8601), as UTC.
pub fn admin_created_at(raw: Option<&str>) -> Result<Option<NaiveDateTime>, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    parse_time(raw)
        .map(Some)
        .ok_or_else(|| AppError::Input(Phrase::invalid_field_value("created_at", raw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_verifiable_hashes_are_accepted() {
        let sha = "9f9ef5a81a1cf86c7c492734cc058a107abd0baaee3a2eb15d203ba189d1bdf3:Kx9vQ2mLr7TzW4bN8cYp1sFh6JdG3aEu:1";
        assert_eq!(
            imported_hash(Some(sha.into())).unwrap().as_deref(),
            Some(sha)
        );
        assert_eq!(imported_hash(Some(String::new())).unwrap(), None);
        assert_eq!(imported_hash(None).unwrap(), None);
        for bad in [
            "plain-password",
            "abc:def:9",
            "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
        ] {
            let e = imported_hash(Some(bad.into())).unwrap_err();
            assert!(!format!("{e:?}").contains(bad), "the hash is not echoed");
        }
    }

    #[test]
    fn created_at_reads_magentos_format() {
        let t = admin_created_at(Some("2019-03-04 05:06:07"))
            .unwrap()
            .unwrap();
        assert_eq!(t.to_string(), "2019-03-04 05:06:07");
        let t = admin_created_at(Some("2019-03-04T07:06:07+02:00"))
            .unwrap()
            .unwrap();
        assert_eq!(t.to_string(), "2019-03-04 05:06:07");
        assert_eq!(admin_created_at(Some("")).unwrap(), None);
        assert!(admin_created_at(Some("yesterday")).is_err());
    }
}
