//! `ApiError`: the only place Magento's error body `{message, errors, parameters}` is made.
//!
//! Every failure (handlers, extractors, unknown routes, database outages) ends here, so no
//! plain-text error escapes and internals are never sent: unexpected errors are logged with a
//! report id and answered with a masked message.

use crate::json;
use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A Magento phrase: the UNRENDERED message template plus its parameters, which is how
/// Magento's REST error bodies carry them (`"%fieldName" is required.` + `{"fieldName":..}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub template: Cow<'static, str>,
    pub params: Params,
}

/// Phrase parameters: named placeholders render as a JSON object, positional (`%1`) as an array.
#[derive(Debug, Clone, PartialEq)]
pub enum Params {
    None,
    Named(Map<String, Value>),
    Positional(Vec<Value>),
}

impl Phrase {
    /// A message without parameters (also used for already-rendered text).
    pub fn new(template: impl Into<Cow<'static, str>>) -> Self {
        Self {
            template: template.into(),
            params: Params::None,
        }
    }

    /// Adds a named parameter (kept in insertion order, as Magento emits them).
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        let mut map = match self.params {
            Params::Named(map) => map,
            _ => Map::new(),
        };
        map.insert(name.to_owned(), value.into());
        self.params = Params::Named(map);
        self
    }

    /// A message with positional parameters (`%1`, `%2`, ...).
    pub fn positional(template: impl Into<Cow<'static, str>>, values: Vec<Value>) -> Self {
        Self {
            template: template.into(),
            params: Params::Positional(values),
        }
    }

    /// `"%fieldName" is required. Enter and try again.`
    pub fn required(field: &str) -> Self {
        Self::new("\"%fieldName\" is required. Enter and try again.").with("fieldName", field)
    }

    /// `Invalid value of "%value" provided for the %fieldName field.`
    pub fn invalid_field_value(field: &str, value: impl Into<Value>) -> Self {
        Self::new("Invalid value of \"%value\" provided for the %fieldName field.")
            .with("fieldName", field)
            .with("value", value)
    }

    /// `No such entity with %fieldName = %fieldValue` (NoSuchEntityException::singleField).
    pub fn no_such_entity(field: &str, value: impl Into<Value>) -> Self {
        Self::new("No such entity with %fieldName = %fieldValue")
            .with("fieldName", field)
            .with("fieldValue", value)
    }

    /// The lookup-by-e-mail form (CustomerRegistry::retrieveByEmail).
    pub fn no_such_email(email: &str, website_id: i32) -> Self {
        Self::new("No such entity with %fieldName = %fieldValue, %field2Name = %field2Value")
            .with("fieldName", "email")
            .with("fieldValue", email)
            .with("field2Name", "websiteId")
            .with("field2Value", website_id)
    }

    /// `A customer with the same email address already exists in an associated website.`
    pub fn duplicate_email() -> Self {
        Self::new("A customer with the same email address already exists in an associated website.")
    }

    /// The message with its placeholders substituted (how GraphQL and logs show it).
    pub fn render(&self) -> String {
        let mut text = self.template.to_string();
        match &self.params {
            Params::None => {}
            Params::Named(map) => {
                // Longest names first, so `%field2Name` is not eaten by `%field2`.
                let mut names: Vec<_> = map.keys().collect();
                names.sort_by_key(|n| std::cmp::Reverse(n.len()));
                for name in names {
                    text = text.replace(&format!("%{name}"), &value_text(&map[name.as_str()]));
                }
            }
            Params::Positional(values) => {
                for (i, value) in values.iter().enumerate().rev() {
                    text = text.replace(&format!("%{}", i + 1), &value_text(value));
                }
            }
        }
        text
    }

    fn params_json(&self) -> Option<Value> {
        match &self.params {
            Params::None => None,
            Params::Named(map) => Some(Value::Object(map.clone())),
            Params::Positional(values) => Some(Value::Array(values.clone())),
        }
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl std::fmt::Display for Phrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

/// Every way a request can fail, each mapped to Magento's status code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Magento `InputException` / `LocalizedException` with one message: 400.
    #[error("input error: {0}")]
    Input(Phrase),
    /// Magento aggregate `InputException` with two or more messages: 400.
    #[error("input errors: {0:?}")]
    InputErrors(Vec<Phrase>),
    /// Magento `NoSuchEntityException`: 404.
    #[error("not found: {0}")]
    NotFound(Phrase),
    /// Magento `AuthenticationException` / `AuthorizationException`: 401.
    #[error("unauthorized: {0}")]
    Unauthorized(Phrase),
    /// No route for this method and path (or an unknown store code): 404.
    #[error("no route")]
    NoRoute,
    /// An HTTP method Magento's REST API does not serve: 400.
    #[error("invalid method")]
    InvalidMethod,
    /// Body larger than the configured limit: 413.
    #[error("body over {0} bytes")]
    PayloadTooLarge(usize),
    /// The database cannot be reached (pool timeout, lost connection): 503.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything unexpected: 500 with a masked message; the cause is only logged.
    #[error("internal error: {0}")]
    Internal(String),
}

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

impl ApiError {
    /// Builds Magento's aggregate error: one phrase stands alone, several are listed under
    /// `One or more input exceptions have occurred.`
    pub fn input_errors(mut phrases: Vec<Phrase>) -> Self {
        if phrases.len() == 1 {
            Self::Input(phrases.remove(0))
        } else {
            Self::InputErrors(phrases)
        }
    }

    /// `The consumer isn't authorized to access %resources.` for the route's ACL resources.
    pub fn not_authorized(resources: &str) -> Self {
        Self::Unauthorized(
            Phrase::new("The consumer isn't authorized to access %resources.")
                .with("resources", resources),
        )
    }

    /// Wraps an unexpected failure; the cause is logged when the response is rendered.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    fn body(&self) -> ErrorBody {
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
        match self {
            Self::Input(p) | Self::NotFound(p) | Self::Unauthorized(p) => single(p),
            Self::InputErrors(list) => ErrorBody {
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
            Self::NoRoute => plain("Request does not match any route."),
            Self::InvalidMethod => plain("Request method is invalid."),
            Self::PayloadTooLarge(limit) => ErrorBody {
                message: "The request body is larger than %1 bytes.".into(),
                errors: None,
                parameters: Some(Value::Array(vec![Value::String(limit.to_string())])),
            },
            Self::Unavailable(_) => {
                plain("The service is temporarily unavailable. Please try again later.")
            }
            Self::Internal(_) => unreachable!("internal errors are rendered with a report id"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Input(_) | Self::InputErrors(_) | Self::InvalidMethod => StatusCode::BAD_REQUEST,
            Self::NotFound(_) | Self::NoRoute => StatusCode::NOT_FOUND,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => {
                let report_id = format!("webapi-{}", uuid::Uuid::new_v4().simple());
                log::error!("{report_id}: {cause}");
                json::respond(
                    self.status_code(),
                    &ErrorBody {
                        message: format!(
                            "Internal Error. Details are available in the service log. Report ID: {report_id}"
                        ),
                        errors: None,
                        parameters: None,
                    },
                )
            }
            Self::Unavailable(cause) => {
                log::warn!("database unavailable: {cause}");
                json::respond(self.status_code(), &self.body())
            }
            _ => json::respond(self.status_code(), &self.body()),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Self::Unavailable(e.to_string()),
            // A value PostgreSQL cannot hold (the NUL character) reached a query through a
            // path without its own check: the client's input, so a 400, not a 500.
            Error::DatabaseError(_, info)
                if info
                    .message()
                    .contains("invalid byte sequence for encoding") =>
            {
                Self::Input(Phrase::new("Text values cannot contain the NUL character."))
            }
            _ => Self::internal(e),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        // r2d2 fails a checkout only after its timeout: the database is down or saturated.
        Self::Unavailable(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body_of(e: &ApiError) -> Value {
        serde_json::to_value(e.body()).unwrap()
    }

    #[test]
    fn single_input_error_carries_its_parameters() {
        let e = ApiError::input_errors(vec![Phrase::required("username")]);
        assert_eq!(
            body_of(&e),
            json!({"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"username"}})
        );
    }

    #[test]
    fn several_input_errors_are_aggregated_like_magento() {
        let e = ApiError::input_errors(vec![
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
    fn phrases_render_named_and_positional_placeholders() {
        let p =
            Phrase::new("No such entity with %fieldName = %fieldValue, %field2Name = %field2Value")
                .with("fieldName", "email")
                .with("fieldValue", "a@b.c")
                .with("field2Name", "websiteId")
                .with("field2Value", 1);
        assert_eq!(
            p.render(),
            "No such entity with email = a@b.c, websiteId = 1"
        );
        let p = Phrase::positional(
            "The password needs at least %1 characters.",
            vec![json!("8")],
        );
        assert_eq!(p.render(), "The password needs at least 8 characters.");
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let resp = ApiError::internal("secret SQL text").error_response();
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
