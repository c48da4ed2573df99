//! Magento's REST error bodies, as the tests expect them.

use serde_json::Value;

/// Magento's error body for a message without parameters.
pub fn error(message: &str) -> Value {
    serde_json::json!({ "message": message })
}

/// `"%fieldName" is required. Enter and try again.`
pub fn required(field: &str) -> Value {
    serde_json::json!({
        "message": "\"%fieldName\" is required. Enter and try again.",
        "parameters": {"fieldName": field}
    })
}

/// The 401 that Magento's ACL gives for the route's resources.
pub fn not_authorized(resources: &str) -> Value {
    serde_json::json!({
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": resources}
    })
}
