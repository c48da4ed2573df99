//! `TokenHash`: how bearer tokens and one-time keys are stored (only their SHA-256; a
//! database leak yields no usable token). Issuing them is `auth::token`'s job.

use sha2::{Digest, Sha256};

/// The stored form of a token or one-time key: the hex SHA-256 of the plain text. A type of
/// its own, so a plain token can never be passed where the stored hash is expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    /// The hash of a presented token or key.
    pub fn of(plain: &str) -> Self {
        Self(hex::encode(Sha256::digest(plain.as_bytes())))
    }

    /// A hash as read back from the database.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Whether this is the hash of `plain`.
    pub fn matches(stored: &str, plain: &str) -> bool {
        stored == Self::of(plain).0
    }
}
