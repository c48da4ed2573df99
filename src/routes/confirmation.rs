//! Account confirmation (`ACCOUNT_CONFIRMATION_REQUIRED`, Magento
//! `customer/create_account/confirm`). Keys are random and stored only as hashes. Better than
//! Magento, whose unconfirmed customers cannot confirm through the API at all (they cannot get
//! a token): `PUT /V1/customers/{email}/activate` works without a token when the key matches.

use super::body::{RequestInput, required_strings};
use crate::auth::{AuthenticatedCustomer, StoreContext, token};
use crate::db::customers::{self as queries, CustomerChanges, CustomerRow};
use crate::db::{self};
use crate::domain::email::normalize;
use crate::error::{ApiError, Phrase};
use crate::json;
use crate::startup::AppState;
use crate::wire::customer::CustomerResponse;
use actix_web::{HttpRequest, HttpResponse, web};

fn invalid_key() -> ApiError {
    ApiError::Input(Phrase::new(
        "The confirmation token is invalid. Verify the token and try again.",
    ))
}

fn key_matches(customer: &CustomerRow, key: &str) -> bool {
    customer.confirmation.as_deref() == Some(token::hash(key).as_str())
}

/// Clears the pending confirmation (if it still matches) and renders the customer.
async fn confirm(
    state: &AppState,
    customer_id: i32,
    key: String,
) -> Result<HttpResponse, ApiError> {
    let (row, addresses) = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let current = queries::find(conn, customer_id)?.ok_or_else(invalid_key)?;
                if !key_matches(&current, &key) {
                    return Err(invalid_key());
                }
                queries::update(
                    conn,
                    customer_id,
                    &CustomerChanges {
                        confirmation: Some(None),
                        updated_at: Some(db::now_seconds()),
                        ..CustomerChanges::default()
                    },
                )?;
                queries::load(conn, customer_id)?.ok_or_else(invalid_key)
            })
        })
        .await?;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &addresses)))
}

/// `PUT /V1/customers/me/activate`
pub async fn activate_current_customer(
    state: web::Data<AppState>,
    me: AuthenticatedCustomer,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [key] = required_strings(&body.0, ["confirmationKey"])?;
    let customer_id = me.customer_id;
    let customer = state
        .db
        .run(move |conn| Ok(queries::find(conn, customer_id)?))
        .await?
        .ok_or_else(invalid_key)?;
    if customer.confirmation.is_none() {
        return Err(ApiError::Input(Phrase::new(
            "The account is already active.",
        )));
    }
    confirm(&state, customer_id, key).await
}

/// `PUT /V1/customers/{email}/activate`: anonymous with the mailed key. An unknown e-mail, an
/// account with nothing to confirm and a wrong key all get the same answer, so the call
/// reveals nothing about which e-mails have accounts.
pub async fn activate_by_email(
    state: web::Data<AppState>,
    store: StoreContext,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let [key] = required_strings(&body.0, ["confirmationKey"])?;
    let website_id = store.account_website(&state.scopes);
    let normalized = normalize(&super::path_param(&req, "email")?);
    let customer = state
        .db
        .run(move |conn| Ok(queries::find_by_email(conn, &normalized, website_id)?))
        .await?
        .filter(|c| key_matches(c, &key))
        .ok_or_else(invalid_key)?;
    confirm(&state, customer.entity_id, key).await
}
