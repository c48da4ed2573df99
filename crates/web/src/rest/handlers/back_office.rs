//! Back-office customer management (admin users and integrations, by ACL resource): Magento's
//! CustomerRepository, AccountManagement and AddressRepository routes.

use crate::http::ApiError;
use crate::http::json;
use crate::rest::extract::Acl;
use crate::rest::extract::{RequestInput, path_id, required_strings};
use crate::rest::php::{to_int, to_string, top_level};
use crate::rest::wire::customer::{AddressResponse, CustomerResponse, customer_param};
use actix_web::{HttpRequest, HttpResponse, web};
use customer_core::accounts::{self, EntityId, back_office, load_account};
use customer_core::auth::acl::{CustomerDelete, CustomerManage, CustomerRead};
use customer_core::error::{AppError, Phrase};
use customer_core::state::AppState;
use serde_json::json;

/// `GET /V1/customers/{customerId}`
pub async fn get_customer(
    Acl(_acl): Acl<CustomerRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let account = load_account(&state, path_id(&req, "customerId")?).await?;
    Ok(json::ok(&CustomerResponse::from_account(&account)))
}

/// `PUT /V1/customers/{customerId}`: a partial update. The stored customer is loaded and every
/// field the request sends is laid over it (Magento's UpdateCustomer plugin); the path id wins
/// over any `id` in the body. An admin may change the group, website and store view.
pub async fn save_customer(
    Acl(acl): Acl<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&req, "customerId")?;
    let input = body.0;
    let given =
        customer_param(&input)?.ok_or_else(|| AppError::Input(Phrase::required("customer")))?;
    let password_hash = top_level(&input, "passwordHash")
        .map(|v| to_string(None, v))
        .transpose()?;
    let account =
        accounts::profile::save_account_as_admin(&state, &acl.caller, id, given, password_hash)
            .await?;
    tracing::info!(target: "audit", caller = ?acl.caller, customer_id = ?id.id, "back office saved a customer");
    Ok(json::ok(&CustomerResponse::from_account(&account)))
}

/// `DELETE /V1/customers/{customerId}`: the customer, its addresses and its tokens go.
pub async fn delete_customer(
    Acl(acl): Acl<CustomerDelete>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&req, "customerId")?;
    accounts::profile::delete_customer(&state, id).await?;
    tracing::info!(target: "audit", caller = ?acl.caller, customer_id = ?id.id, "back office deleted a customer");
    Ok(json::ok(&true))
}

async fn default_address(
    state: &AppState,
    req: &HttpRequest,
    billing: bool,
) -> Result<HttpResponse, ApiError> {
    let account = load_account(state, path_id(req, "customerId")?).await?;
    Ok(super::default_address_response(&account, billing))
}

/// `GET /V1/customers/{customerId}/billingAddress`
pub async fn billing_address(
    Acl(_acl): Acl<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    default_address(&state, &req, true).await
}

/// `GET /V1/customers/{customerId}/shippingAddress`
pub async fn shipping_address(
    Acl(_acl): Acl<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    default_address(&state, &req, false).await
}

fn no_such_address(id: EntityId) -> AppError {
    AppError::NotFound(Phrase::no_such_entity("addressId", id.given))
}

/// `GET /V1/customers/addresses/{addressId}`
pub async fn get_address(
    Acl(_acl): Acl<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&req, "addressId")?;
    let found = match id.id {
        Some(address_id) => accounts::addresses::find_address(&state, address_id).await?,
        None => None,
    }
    .ok_or_else(|| no_such_address(id))?;
    Ok(json::ok(&AddressResponse::from_row(
        &found.address,
        &found.customer,
    )))
}

/// `DELETE /V1/addresses/{addressId}`: no default-address protection, as in Magento's REST; a
/// deleted default is cleared on the customer.
pub async fn delete_address(
    Acl(acl): Acl<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&req, "addressId")?;
    tracing::info!(target: "audit", caller = ?acl.caller, address_id = ?id.id, "back office deletes an address");
    let deleted = match id.id {
        Some(address_id) => accounts::addresses::delete_address(&state, address_id).await?,
        None => false,
    };
    if !deleted {
        return Err(no_such_address(id).into());
    }
    Ok(json::ok(&true))
}

/// `GET /V1/customers/{customerId}/confirm`: Magento's AccountManagement constants.
pub async fn confirmation_status(
    Acl(_acl): Acl<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let status =
        accounts::registration::confirmation_status(&state, path_id(&req, "customerId")?).await?;
    Ok(json::ok(&status))
}

/// `POST /V1/customers/confirm`: mails a new confirmation key. `false` when the mail could not
/// be sent.
pub async fn resend_confirmation(
    Acl(_acl): Acl<CustomerManage>,
    state: web::Data<AppState>,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email] = required_strings(&input, ["email"])?;
    let website_id = match top_level(&input, "websiteId") {
        Some(v) => i32::try_from(to_int(None, v)?).unwrap_or(-1),
        None => return Err(AppError::Input(Phrase::required("websiteId")).into()),
    };
    let redirect_url = top_level(&input, "redirectUrl")
        .map(|v| to_string(None, v))
        .transpose()?;
    let sent = accounts::registration::resend_confirmation(&state, email, website_id, redirect_url)
        .await?;
    Ok(json::ok(&sent))
}

/// `PUT /V1/customers/validate`: Magento's `Customer::validate` messages, never an error.
pub async fn validate_customer(
    Acl(_acl): Acl<CustomerManage>,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let customer =
        customer_param(&body.0)?.ok_or_else(|| AppError::Input(Phrase::required("customer")))?;
    let messages = back_office::validate_customer(&customer);
    Ok(json::ok(
        &json!({"valid": messages.is_empty(), "messages": messages}),
    ))
}

/// `GET /V1/customers/{customerId}/permissions/readonly`: `false` (Magento's default: no
/// customer is read-only), 404 for an unknown id.
pub async fn is_readonly(
    Acl(_acl): Acl<CustomerRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    load_account(&state, path_id(&req, "customerId")?).await?;
    Ok(json::ok(&false))
}

/// `GET /V1/customers/search?searchCriteria[...]`
pub async fn search_customers(
    Acl(_acl): Acl<CustomerRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let params = crate::http::query::parse_query(req.query_string())?;
    let criteria = crate::rest::wire::search::criteria_from_query(&params)?;
    let echo = crate::rest::wire::search::echo(&criteria);
    let page = back_office::search_customers(&state, criteria).await?;
    let items: Vec<CustomerResponse> = page
        .customers
        .iter()
        .map(CustomerResponse::from_account)
        .collect();
    Ok(json::ok(&json!({
        "items": items,
        "search_criteria": echo,
        "total_count": page.total_count,
    })))
}
