//! Failures as Magento answers them: `AppError` rendered once, as Magento's status and
//! `{message, errors, parameters}` body. Every failure of every door that answers JSON
//! (handlers, extractors, unknown routes, database outages) ends here, so no plain-text error
//! escapes and internals are never sent: unexpected errors are logged with their cause chain
//! and a report id and answered with a masked message.

use crate::http::json::respond;
use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use customer_core::error::{AppError, Phrase};
use serde::Serialize;
use serde_json::Value;

/// Magento's error body; keys in Magento's order, each only when it applies.
#[derive(Serialize)]
struct ErrorBody {
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<ErrorItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<Value>,
}

#[derive(Serialize)]
struct ErrorItem {
    message: String,
    parameters: Value,
}

fn error_body(e: &AppError) -> ErrorBody {
    let single = |p: &Phrase| ErrorBody {
        message: p.template.to_string(),
        errors: None,
        parameters: p.params_json(),
    };
    let plain = |m: &str| ErrorBody {
        message: m.to_owned(),
        errors: None,
        parameters: None,
    };
    match e {
        AppError::Input(p)
        | AppError::AlreadyExists(p)
        | AppError::NotFound(p)
        | AppError::Unauthorized(p)
        | AppError::Locked(p) => single(p),
        AppError::Invalid(violations) => single(&AppError::joined(violations)),
        AppError::InputErrors(list) => ErrorBody {
            message: "One or more input exceptions have occurred.".into(),
            errors: Some(
                list.iter()
                    .map(|p| ErrorItem {
                        message: p.template.to_string(),
                        parameters: p.params_json().unwrap_or(Value::Array(vec![])),
                    })
                    .collect(),
            ),
            parameters: None,
        },
        AppError::NoRoute => plain("Request does not match any route."),
        // A `Webapi\Exception`: Magento sends its message rendered, without parameters.
        AppError::MethodNotSupported(method) => {
            plain(&format!("The {method} HTTP method is not supported."))
        }
        AppError::PayloadTooLarge(limit) => ErrorBody {
            message: "The request body is larger than %1 bytes.".into(),
            errors: None,
            parameters: Some(Value::Array(vec![Value::String(limit.to_string())])),
        },
        AppError::RequestTimeout => plain("The request body was not received in time."),
        // Magento's Webapi\Rest\RequestValidator::checkBackpressure wording.
        AppError::TooManyRequests { .. } => plain("Too Many Requests"),
        AppError::Unavailable(_) => {
            plain("The service is temporarily unavailable. Please try again later.")
        }
        AppError::Internal(_) => {
            let report_id = format!("webapi-{}", uuid::Uuid::new_v4().simple());
            tracing::error!("{report_id}: {}", e.cause_chain());
            plain(&format!(
                "Internal Error. Details are available in the service log. Report ID: {report_id}"
            ))
        }
    }
}

/// Magento's REST status for each kind of failure.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Input(_)
        | AppError::InputErrors(_)
        | AppError::Invalid(_)
        | AppError::AlreadyExists(_) => StatusCode::BAD_REQUEST,
        AppError::MethodNotSupported(_) => StatusCode::METHOD_NOT_ALLOWED,
        AppError::NotFound(_) | AppError::NoRoute => StatusCode::NOT_FOUND,
        AppError::Unauthorized(_) | AppError::Locked(_) => StatusCode::UNAUTHORIZED,
        AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error as Magento's REST renderer writes it: its status, `Retry-After` when it is a rate
/// limit, and the body (also GraphQL's answer to the failures that happen before a document
/// is read, such as an oversized body).
pub fn error_response(e: &AppError) -> HttpResponse {
    if let AppError::Unavailable(_) = e {
        tracing::warn!("{}", e.cause_chain());
    }
    let mut response = respond(status_of(e), &error_body(e));
    if let AppError::TooManyRequests { retry_after } = e {
        response.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(*retry_after),
        );
    }
    response
}

/// An `AppError` as actix-web's error type: what REST handlers and extractors return, so `?`
/// on any use case renders Magento's answer. (`AppError` lives in the core, which knows no
/// web framework, so the trait is implemented on this wrapper.)
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(&self.0)
    }

    fn error_response(&self) -> HttpResponse {
        error_response(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body_of(e: &AppError) -> Value {
        serde_json::to_value(error_body(e)).unwrap()
    }

    #[test]
    fn single_input_error_carries_its_parameters() {
        let e = AppError::input_errors(vec![Phrase::required("username")]);
        assert_eq!(
            body_of(&e),
            json!({"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"username"}})
        );
    }

    #[test]
    fn several_input_errors_are_aggregated_like_magento() {
        let e = AppError::input_errors(vec![
            Phrase::required("username"),
            Phrase::required("password"),
        ]);
        assert_eq!(
            body_of(&e),
            json!({"message":"One or more input exceptions have occurred.","errors":[
                {"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"username"}},
                {"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"password"}}]})
        );
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let resp = error_response(&AppError::internal("secret SQL text"));
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = actix_web::body::to_bytes(resp.into_body());
        let bytes = futures_util::FutureExt::now_or_never(bytes)
            .unwrap()
            .unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("Report ID: webapi-"), "{text}");
    }
}
