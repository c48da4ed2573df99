//! Opaque bearer tokens in Magento's format (32 characters of `[a-z0-9]`, as
//! Framework/Oauth/Helper/Oauth.php::generateToken makes them), drawn from a CSPRNG. Only their
//! SHA-256 is stored: a database leak yields no usable token.

pub use crate::domain::token::TokenHash;
use rand::Rng;

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
pub const TOKEN_LENGTH: usize = 32;

/// A freshly issued token. `Debug` shows only its hash.
pub struct IssuedToken {
    pub plain: String,
    pub hash: TokenHash,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("plain", &"***")
            .field("hash", &self.hash)
            .finish()
    }
}

/// Draws a new token. `rand::rng()` is a ChaCha-based CSPRNG seeded from the OS.
pub fn issue() -> IssuedToken {
    let mut rng = rand::rng();
    let plain: String = (0..TOKEN_LENGTH)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    let hash = TokenHash::of(&plain);
    IssuedToken { plain, hash }
}

const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A one-time key for e-mail links (password reset, account confirmation): 32 characters of
/// `[A-Za-z0-9]` like Magento's, from the same CSPRNG, stored only as its SHA-256.
pub fn issue_key() -> IssuedToken {
    let mut rng = rand::rng();
    let plain: String = (0..TOKEN_LENGTH)
        .map(|_| KEY_ALPHABET[rng.random_range(0..KEY_ALPHABET.len())] as char)
        .collect();
    let hash = TokenHash::of(&plain);
    IssuedToken { plain, hash }
}

/// The token from an `Authorization` header value: exactly two parts split on one space, the
/// first case-insensitively `bearer` (Magento TokenUserContext).
pub fn bearer_token(header: &str) -> Option<&str> {
    let mut parts = header.split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(scheme), Some(token), None) if scheme.eq_ignore_ascii_case("bearer") => Some(token),
        _ => None,
    }
}

/// Whether a string could be a token we issued; anything else is not looked up.
pub fn is_well_formed(token: &str) -> bool {
    // The same set as `ALPHABET`, tested without a search through it.
    token.len() == TOKEN_LENGTH
        && token
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_look_like_magentos_and_differ() {
        let a = issue();
        let b = issue();
        assert!(is_well_formed(&a.plain), "{}", a.plain);
        assert_ne!(a.plain, b.plain);
        assert_eq!(a.hash, TokenHash::of(&a.plain));
        assert_eq!(a.hash.as_str().len(), 64);
        assert!(!format!("{a:?}").contains(&a.plain));
    }

    #[test]
    fn malformed_tokens_are_recognised() {
        assert!(is_well_formed("q0u66k8h42yaevtchv09uyy3y9gaj2ap"));
        assert!(!is_well_formed("Q0u66k8h42yaevtchv09uyy3y9gaj2ap"));
        assert!(!is_well_formed("short"));
    }

    #[test]
    fn bearer_headers_have_exactly_two_parts() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("Bearer  abc"), None);
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer abc def"), None);
    }
}
