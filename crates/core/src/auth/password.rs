//! Password hashing with bcrypt (the system's libcrypt, `auth::libcrypt`), off the async workers and bounded: at most `hashing_threads`
//! hashes run at once, on low-priority threads of their own, so a flood of sign-ins queues
//! here instead of occupying the blocking threads and the cores the rest of the service needs.
//! Magento-form hashes of imported accounts verify here too, at no less cost than a bcrypt one.

use crate::auth::legacy_hash::{self, LegacyHash};
use crate::auth::libcrypt;
use crate::error::AppError;
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};

/// bcrypt reads at most 72 bytes, while Magento allows 256-character passwords: two long
/// passwords sharing a prefix would collide. Hashing the password with SHA-256 first (hex,
/// 64 bytes) keeps every character significant.
fn prehash(password: &str) -> String {
    hex::encode(Sha256::digest(password.as_bytes()))
}

/// Hashes on the current thread: for the command line, which has no async workers to spare.
/// Request handlers use `Hasher`, which bounds and offloads the work.
pub fn hash_blocking(password: &str, cost: u32) -> Result<String, libcrypt::CryptError> {
    libcrypt::bcrypt_hash(&prehash(password), cost)
}

/// Verifies on the current thread (command line and benchmarks).
pub fn verify_blocking(password: &str, hash: &str) -> bool {
    libcrypt::bcrypt_verify(&prehash(password), hash)
}

type Job = Box<dyn FnOnce() + Send>;

/// Password hashing on its own threads, one per `hashing_threads`, queued in order. The
/// threads run at a lower CPU priority (nice 10): alone they use every idle core, but when
/// requests need the CPU the scheduler prefers them, so a flood of sign-ins cannot starve the
/// rest of the service (and no tokio blocking thread waits on a hash).
#[derive(Clone)]
pub struct Hasher {
    cost: u32,
    jobs: std::sync::mpsc::Sender<Job>,
    /// A hash of a random password at the configured cost, verified against when the account
    /// is unknown, so that answer takes as long as a wrong password. Made on first use, to
    /// keep startup fast.
    dummy: Arc<OnceLock<String>>,
    /// Jobs sent and not yet started: the `customer_hashing_queue_depth` gauge.
    queued: Arc<std::sync::atomic::AtomicUsize>,
    /// bcrypt work done by password checks, in Blowfish key-schedule rounds (2^cost per
    /// verification): what makes every answer cost the same, counted instead of timed.
    check_work: Arc<std::sync::atomic::AtomicU64>,
}

/// Lowers the calling thread's scheduling priority (Linux keeps a nice value per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: setpriority only reads its arguments; `who = 0` is the calling thread.
        #[expect(unsafe_code, reason = "a libc call; see SAFETY")]
        let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
        if rc != 0 {
            tracing::warn!("could not lower the hashing threads' priority");
        }
    }
}

impl Hasher {
    pub fn new(cost: u32, threads: usize) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("hasher-{i}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while taking the next job.
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => {
                                // A panicking job must not take the thread with it.
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            // Every Hasher clone is gone: the application stopped.
                            Err(_) => return,
                        }
                    }
                })
                .expect("spawn a hashing thread");
        }
        Self {
            cost,
            jobs,
            dummy: Arc::new(OnceLock::new()),
            queued: Arc::default(),
            check_work: Arc::default(),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        use std::sync::atomic::Ordering::Relaxed;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let queued = self.queued.clone();
        crate::telemetry::hashing_queue(queued.fetch_add(1, Relaxed) + 1);
        self.jobs
            .send(Box::new(move || {
                crate::telemetry::hashing_queue(queued.fetch_sub(1, Relaxed).saturating_sub(1));
                let _ = tx.send(f());
            }))
            .map_err(|_| AppError::internal("the hashing threads are gone"))?;
        rx.await
            .map_err(|_| AppError::internal("a password hash failed"))
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        let cost = self.cost;
        self.run(move || hash_blocking(&password, cost))
            .await?
            .map_err(AppError::internal)
    }

    /// The bcrypt work done by [`Hasher::check`] so far, in key-schedule rounds (2^cost per
    /// verification). Tests compare it across answers: equal work is what keeps a migrated
    /// or unknown account from being told apart by timing, and unlike a clock it does not
    /// depend on what else the machine is doing.
    pub fn check_work(&self) -> u64 {
        self.check_work.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Checks a password. With no stored hash (unknown account, or an account without a
    /// password) it verifies against a dummy hash and answers `false`, in the same time.
    /// Magento-form hashes of imported accounts are accepted too (see [`Hasher::check`]).
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        Ok(self.check(password, hash).await?.is_right())
    }

    /// Checks a password against this service's bcrypt or a Magento-form hash
    /// (`auth::legacy_hash`), and says whether the stored hash should be replaced.
    ///
    /// Every answer costs at least one bcrypt verification at the configured cost: a legacy
    /// or unreadable hash is also verified against the dummy hash, so a wrong password
    /// against a migrated account (an MD5 takes microseconds) answers no sooner than
    /// against a bcrypt one, and timing does not tell which accounts were migrated.
    pub async fn check(
        &self,
        password: String,
        hash: Option<String>,
    ) -> Result<PasswordCheck, AppError> {
        let cost = self.cost;
        let dummy = self.dummy.clone();
        let work = self.check_work.clone();
        self.run(move || {
            let pre = prehash(&password);
            let verify = |stored: &str| {
                // `$2b$NN$...`: 2^NN rounds; an unreadable cost counts as none.
                let rounds = stored
                    .get(4..6)
                    .and_then(|c| c.parse::<u32>().ok())
                    .and_then(|c| 1u64.checked_shl(c))
                    .unwrap_or(0);
                work.fetch_add(rounds, std::sync::atomic::Ordering::Relaxed);
                libcrypt::bcrypt_verify(&pre, stored)
            };
            let dummy_verify = || {
                let d = dummy.get_or_init(|| {
                    libcrypt::bcrypt_hash(&uuid::Uuid::new_v4().to_string(), cost)
                        .expect("bcrypt of a fixed-size input")
                });
                let _ = verify(d);
            };
            match hash {
                Some(h) if legacy_hash::is_bcrypt(&h) => {
                    if verify(&h) {
                        PasswordCheck::Right
                    } else {
                        PasswordCheck::Wrong
                    }
                }
                Some(h) => {
                    let right = LegacyHash::parse(&h).is_ok_and(|l| l.verify(&password));
                    dummy_verify();
                    if right {
                        PasswordCheck::RightLegacy
                    } else {
                        PasswordCheck::Wrong
                    }
                }
                None => {
                    dummy_verify();
                    PasswordCheck::Wrong
                }
            }
        })
        .await
    }
}

/// The outcome of [`Hasher::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    Wrong,
    /// Right, against this service's own hash.
    Right,
    /// Right, against a Magento-form hash: the caller should store a bcrypt hash instead.
    RightLegacy,
}

impl PasswordCheck {
    pub fn is_right(self) -> bool {
        self != Self::Wrong
    }

    pub fn rehash_due(self) -> bool {
        self == Self::RightLegacy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
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

    #[tokio::test]
    async fn characters_past_72_bytes_still_count() {
        let h = Hasher::new(4, 2);
        let base = "Aa1".repeat(30);
        let hash = h.hash(format!("{base}x")).await.unwrap();
        assert!(!h.verify(format!("{base}y"), Some(hash)).await.unwrap());
    }
}
