//! The back office's reads and checks: customer search (Magento's searchCriteria) and
//! `Customer::validate`. Saves, deletions and confirmation live with their topics
//! (`profile`, `addresses`, `registration`); admin sign-in in `sign_in`.

use crate::db::search::{self, SearchPage};
use crate::domain::customer::CustomerInput;
use crate::domain::email::Email;
use crate::domain::search::SearchCriteria;
use crate::error::AppError;
use crate::state::AppState;

/// One page of customers matching the criteria, with the total count.
pub async fn search_customers(
    state: &AppState,
    criteria: SearchCriteria,
) -> Result<SearchPage, AppError> {
    state
        .db
        .run(move |conn| search::search(conn, &criteria))
        .await
}

/// Magento's `Customer::validate` messages for a customer (never an error).
pub fn validate_customer(customer: &CustomerInput) -> Vec<String> {
    let mut messages = Vec::new();
    for (label, value) in [
        ("First Name", &customer.firstname),
        ("Last Name", &customer.lastname),
    ] {
        if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
            messages.push(format!(
                "The \"{label}\" attribute value is empty. Set the attribute and try again."
            ));
        }
    }
    let email = customer.email.clone().unwrap_or_default();
    if Email::parse(&email).is_err() {
        messages.push(format!("Please correct this email address: \"{email}\"."));
    }
    messages
}
