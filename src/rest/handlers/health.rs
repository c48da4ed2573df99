//! Probes for orchestrators: `/healthz` says the process answers; `/readyz` that it can write
//! to its database (PostgreSQL: one round trip; SQLite: the file is still there and the write
//! lock can be taken), else 503.

use crate::error::AppError;
use crate::rest::render as json;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde_json::json;

/// `GET /healthz`
pub async fn healthz() -> HttpResponse {
    json::ok(&json!({"status": "ok"}))
}

/// `GET /readyz`
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    state.db.ready().await?;
    Ok(json::ok(&json!({"status": "ready"})))
}
