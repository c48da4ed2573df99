//! Probes for orchestrators: `/healthz` says the process answers; `/readyz` that it can reach
//! its database (one round trip through the pool), else 503.

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
    state.db.ping().await?;
    Ok(json::ok(&json!({"status": "ready"})))
}
