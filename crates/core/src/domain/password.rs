//! Magento's password policy (AccountManagement::checkPasswordStrength): applied on create,
//! change and reset, in Magento's order, each failure a 400 with one message.

use crate::config::PasswordPolicySettings;
use crate::error::Phrase;
use serde_json::json;

/// Magento's `AccountManagementInterface::MAX_PASSWORD_LENGTH`.
pub const MAX_PASSWORD_LENGTH: usize = 256;

/// A password that passed the policy. Its `Debug` never shows it.
pub struct Password(String);

impl Password {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// PHP `trim()`'s default characters.
fn is_php_trimmed(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B')
}

impl PasswordPolicySettings {
    /// Checks strength, then that the password is not the e-mail address (case-insensitive,
    /// PHP `strcasecmp`).
    pub fn check(&self, password: &str, email: &str) -> Result<Password, Phrase> {
        let length = password.chars().count();
        if length > MAX_PASSWORD_LENGTH {
            return Err(Phrase::positional(
                "Please enter a password with at most %1 characters.",
                vec![json!(MAX_PASSWORD_LENGTH)],
            ));
        }
        if length < self.min_length {
            return Err(Phrase::positional(
                "The password needs at least %1 characters. Create a new password and try again.",
                // Magento reads the limit from config, so it is a string.
                vec![json!(self.min_length.to_string())],
            ));
        }
        if password.starts_with(is_php_trimmed) || password.ends_with(is_php_trimmed) {
            return Err(Phrase::new(
                "The password can't begin or end with a space. Verify the password and try again.",
            ));
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|present| **present)
        .count();
        if classes < self.required_classes {
            return Err(Phrase::positional(
                "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.",
                vec![json!(self.required_classes.to_string())],
            ));
        }
        if password.eq_ignore_ascii_case(email) {
            return Err(Phrase::new(
                "The password can't be the same as the email address. Create a new password and try again.",
            ));
        }
        Ok(Password(password.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: PasswordPolicySettings = PasswordPolicySettings {
        min_length: 8,
        required_classes: 3,
    };

    fn message(pw: &str) -> String {
        POLICY.check(pw, "jdoe@example.com").unwrap_err().render()
    }

    #[test]
    fn the_seed_password_passes() {
        assert!(POLICY.check("Password1", "jdoe@example.com").is_ok());
    }

    #[test]
    fn each_rule_has_magentos_message_in_magentos_order() {
        assert_eq!(
            message("Pa1"),
            "The password needs at least 8 characters. Create a new password and try again."
        );
        assert_eq!(
            message(" Password1"),
            "The password can't begin or end with a space. Verify the password and try again."
        );
        assert_eq!(
            message("password"),
            "Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters."
        );
        assert_eq!(
            message(&"Aa1".repeat(86)),
            "Please enter a password with at most 256 characters."
        );
        assert_eq!(
            POLICY
                .check("JDoe@Example.com1", "jdoe@example.com1")
                .unwrap_err()
                .render(),
            "The password can't be the same as the email address. Create a new password and try again."
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(POLICY.check("Ünïcødé1", "x@example.com").is_ok());
    }

    #[test]
    fn debug_never_shows_the_password() {
        let pw = POLICY.check("Password1", "x@example.com").unwrap();
        assert_eq!(format!("{pw:?}"), "Password(***)");
    }
}
