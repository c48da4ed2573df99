//! Customer e-mail addresses, validated like Magento's Laminas `EmailAddress` validator with
//! the hostname check on and the TLD check off.

use std::fmt;

/// A syntactically valid e-mail address, kept as the customer typed it.
#[derive(Clone, PartialEq, Eq)]
pub struct Email(String);

/// Why an address was refused (Magento's EAV message for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    Invalid,
    TooLong,
}

impl EmailError {
    pub fn message(self) -> &'static str {
        match self {
            Self::Invalid => "\"Email\" is not a valid email address.",
            Self::TooLong => "\"Email\" uses too many characters.",
        }
    }
}

const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        // The column is varchar(255); Laminas also caps the local part at 64 octets.
        if raw.len() > 255 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = raw.rsplit_once('@').ok_or(EmailError::Invalid)?;
        if local.is_empty() || local.len() > 64 || !valid_local_part(local) {
            return Err(EmailError::Invalid);
        }
        if !valid_hostname(domain) {
            return Err(EmailError::Invalid);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is checked on: Magento compares with MySQL's case-insensitive
    /// collation; lower-casing in Rust gives the same answer on both of our backends.
    pub fn normalized(&self) -> String {
        normalize(&self.0)
    }
}

/// Lower-cases an address for lookups (also for strings that are not valid addresses).
pub fn normalize(raw: &str) -> String {
    raw.to_lowercase()
}

/// Laminas `EmailAddress::validateLocalPart`: a dot-atom of `atext`, extended by RFC 6532
/// (`validateInternationalizedLocalPart`) to every character from U+0080 to U+FFFF, so
/// `jØrgen` passes; or a quoted string of printable ASCII with backslash pairs.
fn valid_local_part(local: &str) -> bool {
    if let Some(inner) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            let printable = |c: char| (' '..='~').contains(&c);
            match c {
                '\\' if !chars.next().is_some_and(printable) => return false,
                '\\' => {}
                '"' => return false,
                c if !printable(c) => return false,
                _ => {}
            }
        }
        return true;
    }
    local.split('.').all(|atom| {
        !atom.is_empty()
            && atom.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || LOCAL_SPECIALS.contains(c)
                    || ('\u{80}'..='\u{FFFF}').contains(&c)
            })
    })
}

/// A DNS hostname with at least two labels (Laminas refuses local names such as `localhost`).
/// International names are accepted as Unicode letters, as Laminas accepts IDNs.
fn valid_hostname(domain: &str) -> bool {
    if domain.is_empty() || domain.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    labels.iter().all(|label| {
        !label.is_empty()
            && label.chars().count() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    })
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Email").field(&self.0).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted() {
        for ok in [
            "jdoe@example.com",
            "john.doe+tag@mail.example.co.uk",
            "o'brien@example.ie",
            "x@münchen.de",
            "\"quoted local\"@example.com",
            "\"quoted \\\" pair\"@example.com",
            "UPPER@EXAMPLE.COM",
            // RFC 6532 local parts (laminas-validator's validateInternationalizedLocalPart).
            "jØrgen@example.com",
            "用户@例子.广告",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@localhost",
            "a..b@example.com",
            ".a@example.com",
            "a.@example.com",
            "a b@example.com",
            "a@-example.com",
            "a@example-.com",
            "a@exa_mple.com",
            "a@example..com",
            "a@1.2.3.4",
            "\u{1F600}@example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
    }

    #[test]
    fn over_long_addresses_say_so() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(EmailError::Invalid));
    }

    #[test]
    fn normalization_lowercases_unicode_too() {
        assert_eq!(
            Email::parse("Jane@MÜNCHEN.DE").unwrap().normalized(),
            "jane@münchen.de"
        );
    }
}
