//! Probes for orchestrators: `/healthz` says the process answers; `/readyz` that it can reach
//! its database (one round trip through the pool), else 503.

use crate::error::ApiError;
use crate::json;
use crate::startup::AppState;
use actix_web::{HttpResponse, web};
use serde_json::json;

/// `GET /healthz`
pub async fn healthz() -> HttpResponse {
    json::ok(&json!({"status": "ok"}))
}

/// `GET /readyz`
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.ping().await?;
    Ok(json::ok(&json!({"status": "ready"})))
}
