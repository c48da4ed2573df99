//! Request bodies, read with the service's limits, for every door.

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{HttpRequest, web};
use customer_core::error::{AppError, Phrase};
use customer_core::state::AppState;
use futures_util::StreamExt;

/// Reads a request body with the service's limits, for every front door: at most
/// `MAX_BODY_BYTES` (413 in Magento's body, checked against Content-Length before reading and
/// while reading), and within `BODY_TIMEOUT_SECONDS` (408), so a client that stops sending
/// cannot hold a connection and a worker's memory forever.
pub fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl std::future::Future<Output = Result<web::Bytes, AppError>> + 'static {
    let (limit, timeout) = req
        .app_data::<web::Data<AppState>>()
        .map_or((1024 * 1024, std::time::Duration::from_secs(30)), |s| {
            (s.settings.max_body_bytes, s.settings.body_timeout)
        });
    let declared_length = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    async move {
        if declared_length.is_some_and(|n| n > limit) {
            return Err(AppError::PayloadTooLarge(limit));
        }
        let read = async {
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| AppError::Input(Phrase::new("Decoding error.")))?;
                if body.len() + chunk.len() > limit {
                    return Err(AppError::PayloadTooLarge(limit));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body.freeze())
        };
        tokio::time::timeout(timeout, read)
            .await
            .map_err(|_| AppError::RequestTimeout)?
    }
}
