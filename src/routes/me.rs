//! The signed-in customer's own account (Magento ACL `self`).

use crate::auth::AuthenticatedCustomer;
use crate::db::customers as queries;
use crate::error::{ApiError, Phrase};
use crate::json;
use crate::startup::AppState;
use crate::wire::customer::CustomerResponse;
use actix_web::{HttpResponse, web};

/// `GET /V1/customers/me`
pub async fn get_current_customer(
    state: web::Data<AppState>,
    customer: AuthenticatedCustomer,
) -> Result<HttpResponse, ApiError> {
    let id = customer.customer_id;
    let (row, addresses) = state
        .db
        .run(move |conn| Ok(queries::load(conn, id)?))
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(
                Phrase::new("No such entity with %fieldName = %fieldValue")
                    .with("fieldName", "customerId")
                    .with("fieldValue", id),
            )
        })?;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &addresses)))
}
