//! `AppState`: what every front door and the service layer can reach. Defined low in the
//! stack (it names only config, db, auth and mail), so the layers that use it never import
//! `startup`, which only builds it.

use crate::auth::password::Hasher;
use crate::config::Settings;
use crate::db::{Db, scopes::Scopes};
use crate::mail::Mailer;
use crate::ratelimit::RateLimits;
use std::sync::Arc;

/// The database, the store configuration, the settings, the password hasher, the mailer and
/// the per-client rate limits.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub scopes: Arc<Scopes>,
    pub settings: Arc<Settings>,
    pub hasher: Hasher,
    pub mailer: Mailer,
    /// Per-client request-rate limits (in memory, per instance).
    pub limits: Arc<RateLimits>,
}
