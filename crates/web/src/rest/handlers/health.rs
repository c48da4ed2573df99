//! Probes for orchestrators: `/healthz` says the process answers; `/readyz` that it can write
//! to its database (PostgreSQL: one round trip; SQLite: the file is still there and the write
//! lock can be taken), else 503. `/metrics` renders the process's Prometheus metrics (the
//! pool gauges read at scrape time).

use crate::http::ApiError;
use crate::http::json;
use actix_web::{HttpResponse, web};
use customer_core::state::AppState;
use serde_json::json;

/// `GET /healthz`
pub async fn healthz() -> HttpResponse {
    json::ok(&json!({"status": "ok"}))
}

/// `GET /readyz`
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.ready().await?;
    Ok(json::ok(&json!({"status": "ready"})))
}

/// `GET /metrics` (Prometheus text format)
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.db.pool().state();
    customer_core::telemetry::db_pool(pool.connections, pool.connections - pool.idle_connections);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(customer_core::telemetry::prometheus().render())
}
