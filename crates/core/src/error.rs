//! The service's one error type, `AppError`, and Magento's `Phrase` (message template plus
//! parameters). Every layer below the front doors returns it; it names no web framework. Each
//! front door renders it once: REST in `rest::render` (Magento's status and
//! `{message, errors, parameters}` body), GraphQL in `graphql::context` (message and
//! `extensions.category`). Variants are typed, so no front door has to read a message to
//! know what kind of failure it is.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// A Magento phrase: the UNRENDERED message template plus its parameters, which is how
/// Magento's REST error bodies carry them (`"%fieldName" is required.` + `{"fieldName":..}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub template: Cow<'static, str>,
    pub params: Params,
}

/// One rule a field broke: the API field it is about (`firstname`, `street`, `password`) and
/// Magento's message. A validation pass returns every violation it found
/// (`AppError::Invalid`); REST and GraphQL join the messages as Magento's validator exception
/// does, and the storefront pages place each next to its field.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub field: &'static str,
    pub phrase: Phrase,
}

impl Violation {
    /// A violation whose message has no parameters.
    pub fn new(field: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::of(field, Phrase::new(message))
    }

    pub fn of(field: &'static str, phrase: Phrase) -> Self {
        Self { field, phrase }
    }
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

    pub fn params_json(&self) -> Option<Value> {
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

/// A failure's underlying cause, kept (not stringified) so its whole chain can be logged.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Every way an operation can fail. The REST status each maps to is in `rest::render`.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Magento `InputException` / `LocalizedException` with one message (REST 400).
    #[error("input error: {0}")]
    Input(Phrase),
    /// Magento's aggregate `InputException` with two or more messages (REST 400).
    #[error("input errors: {0:?}")]
    InputErrors(Vec<Phrase>),
    /// A validator exception: every rule a value broke, each with its field (REST 400 with
    /// the messages joined by newlines, as Magento's one `InputException` message).
    #[error("invalid: {0:?}")]
    Invalid(Vec<Violation>),
    /// Magento `AlreadyExistsException` / `InputMismatchException` (REST 400, GraphQL
    /// `graphql-already-exists`).
    #[error("already exists: {0}")]
    AlreadyExists(Phrase),
    /// Magento `NoSuchEntityException` (REST 404).
    #[error("not found: {0}")]
    NotFound(Phrase),
    /// Magento `AuthenticationException` / `AuthorizationException` (REST 401).
    #[error("unauthorized: {0}")]
    Unauthorized(Phrase),
    /// Magento `UserLockedException`: the account is locked after too many failures (REST 401).
    #[error("locked: {0}")]
    Locked(Phrase),
    /// No route for this method and path (or an unknown store code): REST 404.
    #[error("no route")]
    NoRoute,
    /// An HTTP method Magento's REST API does not serve (anything but GET, POST, PUT and
    /// DELETE): REST 405 `The %1 HTTP method is not supported.` (Magento 2.4.6+).
    #[error("method {0} not supported")]
    MethodNotSupported(String),
    /// A body larger than the configured limit: 413.
    #[error("body over {0} bytes")]
    PayloadTooLarge(usize),
    /// A body that did not arrive within the configured time: 408.
    #[error("request body timed out")]
    RequestTimeout,
    /// Over a per-client rate limit (`ratelimit`): REST 429 `Too Many Requests` with
    /// `Retry-After`, GraphQL `graphql-too-many-requests`, as Magento's backpressure answers.
    #[error("too many requests; retry after {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// The database cannot be reached (pool timeout, lost connection): 503.
    #[error("database unavailable")]
    Unavailable(#[source] Cause),
    /// Anything unexpected: 500 with a masked message; the cause chain is only logged.
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl AppError {
    /// Builds Magento's aggregate error: one phrase stands alone, several are listed under
    /// `One or more input exceptions have occurred.`
    pub fn input_errors(mut phrases: Vec<Phrase>) -> Self {
        if phrases.len() == 1 {
            Self::Input(phrases.remove(0))
        } else {
            Self::InputErrors(phrases)
        }
    }

    /// Magento's message for a validator exception: one violation's phrase as it is (its
    /// parameters kept), several rendered one per line.
    pub fn joined(violations: &[Violation]) -> Phrase {
        match violations {
            [one] => one.phrase.clone(),
            many => Phrase::new(
                many.iter()
                    .map(|v| v.phrase.render())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        }
    }

    /// A password the policy refuses (the `password` field's violation; REST renders the
    /// phrase with its parameters, as Magento's InputException).
    pub fn password_refused(phrase: Phrase) -> Self {
        Self::Invalid(vec![Violation::of("password", phrase)])
    }

    /// `The consumer isn't authorized to access %resources.` for the route's ACL resources.
    pub fn not_authorized(resources: &str) -> Self {
        Self::Unauthorized(
            Phrase::new("The consumer isn't authorized to access %resources.")
                .with("resources", resources),
        )
    }

    /// Wraps an unexpected failure; its cause chain is logged when the error is rendered.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        Self::Internal(cause.into())
    }

    /// `A customer with the same email address already exists in an associated website.`
    pub fn duplicate_email() -> Self {
        Self::AlreadyExists(Phrase::duplicate_email())
    }

    /// The error and each of its sources, joined on one line (for the log).
    pub fn cause_chain(&self) -> String {
        let mut text = String::new();
        let mut next: Option<&dyn std::error::Error> = Some(self);
        while let Some(e) = next {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&e.to_string());
            next = e.source();
        }
        // libpq errors span lines; one log entry per failure.
        text.replace('\n', " ")
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        // r2d2 fails a checkout only after its timeout: the database is down or saturated.
        Self::Unavailable(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn the_cause_chain_is_kept_on_one_line() {
        let e = AppError::internal(std::io::Error::other("first line\nsecond line"));
        assert_eq!(e.cause_chain(), "internal error: first line second line");
    }
}
