//! Password hashing with bcrypt, off the async workers and bounded: at most `hashing_threads`
//! hashes run at once, so a flood of sign-ins queues here instead of occupying every blocking
//! thread (and every core) the rest of the service needs.

use crate::error::ApiError;
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// bcrypt reads at most 72 bytes, while Magento allows 256-character passwords: two long
/// passwords sharing a prefix would collide. Hashing the password with SHA-256 first (hex,
/// 64 bytes) keeps every character significant.
fn prehash(password: &str) -> String {
    hex::encode(Sha256::digest(password.as_bytes()))
}

/// Hashes on the current thread: for the command line, which has no async workers to spare.
/// Request handlers use `Hasher`, which bounds and offloads the work.
pub fn hash_blocking(password: &str, cost: u32) -> Result<String, bcrypt::BcryptError> {
    bcrypt::hash(prehash(password), cost)
}

#[derive(Clone)]
pub struct Hasher {
    cost: u32,
    permits: Arc<Semaphore>,
    /// A hash of a random password at the configured cost, verified against when the account
    /// is unknown, so that answer takes as long as a wrong password. Made on first use, to
    /// keep startup fast.
    dummy: Arc<OnceLock<String>>,
}

impl Hasher {
    pub fn new(cost: u32, threads: usize) -> Self {
        Self {
            cost,
            permits: Arc::new(Semaphore::new(threads)),
            dummy: Arc::new(OnceLock::new()),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::internal(format!("hashing pool closed: {e}")))?;
        Ok(actix_web::web::block(f).await?)
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let cost = self.cost;
        self.run(move || hash_blocking(&password, cost))
            .await?
            .map_err(ApiError::internal)
    }

    /// Checks a password. With no stored hash (unknown account, or an account without a
    /// password) it verifies against a dummy hash and answers `false`, in the same time.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        let cost = self.cost;
        let dummy = self.dummy.clone();
        self.run(move || {
            let pre = prehash(&password);
            match hash {
                Some(h) => bcrypt::verify(&pre, &h).unwrap_or(false),
                None => {
                    let d = dummy.get_or_init(|| {
                        bcrypt::hash(uuid::Uuid::new_v4().to_string(), cost)
                            .expect("bcrypt of a fixed-size input")
                    });
                    let _ = bcrypt::verify(&pre, d);
                    false
                }
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_hash_verifies_its_password_only() {
        let h = Hasher::new(4, 2);
        let hash = h.hash("Password1".into()).await.unwrap();
        assert!(hash.starts_with("$2b$04$"));
        assert!(
            h.verify("Password1".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!h.verify("Password2".into(), Some(hash)).await.unwrap());
        assert!(!h.verify("Password1".into(), None).await.unwrap());
    }

    #[actix_web::test]
    async fn characters_past_72_bytes_still_count() {
        let h = Hasher::new(4, 2);
        let base = "Aa1".repeat(30);
        let hash = h.hash(format!("{base}x")).await.unwrap();
        assert!(!h.verify(format!("{base}y"), Some(hash)).await.unwrap());
    }
}
