//! Back-office customer management (admin users and integrations, by ACL resource): Magento's
//! CustomerRepository, AccountManagement and AddressRepository routes.

use super::body::{RequestInput, required_strings};
use super::path_param;
use crate::accounts::resolve_placement;
use crate::accounts::{self, ScopeChange};
use crate::auth::acl::{CustomerDelete, CustomerManage, CustomerRead};
use crate::auth::{Authorized, token};
use crate::db::customers::{self as queries, CustomerChanges};
use crate::db::{self, addresses as address_queries, schema};
use crate::domain::email::normalize;
use crate::error::{ApiError, Phrase};
use crate::input::{to_int, to_string, top_level};
use crate::json;
use crate::mail::templates::{self, Recipient};
use crate::startup::AppState;
use crate::wire::customer::{AddressResponse, CustomerResponse, customer_param};
use actix_web::{HttpRequest, HttpResponse, web};
use diesel::prelude::*;
use serde_json::{Value, json};

/// A numeric path segment, converted as Magento converts `int` parameters (`abc` → 400).
/// Ids beyond the column's range cannot exist; they map to `None`.
pub fn path_id(req: &HttpRequest, name: &str) -> Result<(i64, Option<i32>), ApiError> {
    let value = to_int(None, &Value::String(path_param(req, name)?))?;
    Ok((value, i32::try_from(value).ok()))
}

async fn load_customer(
    state: &AppState,
    id: (i64, Option<i32>),
) -> Result<(queries::CustomerRow, Vec<queries::AddressRow>), ApiError> {
    let not_found = || ApiError::NotFound(Phrase::no_such_entity("customerId", id.0));
    let Some(customer_id) = id.1 else {
        return Err(not_found());
    };
    state
        .db
        .run(move |conn| Ok(queries::load(conn, customer_id)?))
        .await?
        .ok_or_else(not_found)
}

/// `GET /V1/customers/{customerId}`
pub async fn get_customer(
    _acl: Authorized<CustomerRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (row, addresses) = load_customer(&state, path_id(&req, "customerId")?).await?;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &addresses)))
}

/// `PUT /V1/customers/{customerId}`: a partial update. The stored customer is loaded and every
/// field the request sends is laid over it (Magento's UpdateCustomer plugin); the path id wins
/// over any `id` in the body. An admin may change the group, website and store view.
pub async fn save_customer(
    _acl: Authorized<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&req, "customerId")?;
    let input = body.0;
    let given =
        customer_param(&input)?.ok_or_else(|| ApiError::Input(Phrase::required("customer")))?;
    top_level(&input, "passwordHash")
        .map(|v| to_string(None, v))
        .transpose()?;
    let (stored, _) = load_customer(&state, id).await?;
    let customer_id = stored.entity_id;
    let merged = given.overlaid_on(stored.as_input());
    let attributes = merged.validate_attributes(db::now().date())?;
    let placement = resolve_placement(&state.scopes, &merged)?;
    let scope = ScopeChange {
        website_id: placement.website_id,
        store_id: placement.store_id,
        group_id: placement.group_id,
    };
    let now = db::now_seconds();
    let (row, addresses) = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                accounts::save_customer(conn, customer_id, &merged, &attributes, Some(scope), now)
            })
        })
        .await?;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &addresses)))
}

/// `DELETE /V1/customers/{customerId}`: the customer, its addresses and its tokens go.
pub async fn delete_customer(
    _acl: Authorized<CustomerDelete>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (raw, id) = path_id(&req, "customerId")?;
    let deleted = match id {
        None => 0,
        Some(id) => {
            state
                .db
                .run(move |conn| {
                    // Addresses and tokens go with it (ON DELETE CASCADE).
                    Ok(diesel::delete(schema::customers::table.find(id)).execute(conn)?)
                })
                .await?
        }
    };
    if deleted == 0 {
        return Err(ApiError::NotFound(Phrase::no_such_entity(
            "customerId",
            raw,
        )));
    }
    Ok(json::ok(&true))
}

async fn default_address(
    state: &AppState,
    req: &HttpRequest,
    billing: bool,
) -> Result<HttpResponse, ApiError> {
    let (row, addresses) = load_customer(state, path_id(req, "customerId")?).await?;
    Ok(super::default_address_response(&row, &addresses, billing))
}

/// `GET /V1/customers/{customerId}/billingAddress`
pub async fn billing_address(
    _acl: Authorized<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    default_address(&state, &req, true).await
}

/// `GET /V1/customers/{customerId}/shippingAddress`
pub async fn shipping_address(
    _acl: Authorized<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    default_address(&state, &req, false).await
}

/// `GET /V1/customers/addresses/{addressId}`
pub async fn get_address(
    _acl: Authorized<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (raw, id) = path_id(&req, "addressId")?;
    let not_found = || ApiError::NotFound(Phrase::no_such_entity("addressId", raw));
    let id = id.ok_or_else(not_found)?;
    let found = state
        .db
        .run(move |conn| {
            let Some(address) = address_queries::find(conn, id)? else {
                return Ok(None);
            };
            Ok(queries::find(conn, address.customer_id)?.map(|c| (address, c)))
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(json::ok(&AddressResponse::from_row(&found.0, &found.1)))
}

/// `DELETE /V1/addresses/{addressId}`: no default-address protection, as in Magento's REST; a
/// deleted default is cleared on the customer.
pub async fn delete_address(
    _acl: Authorized<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (raw, id) = path_id(&req, "addressId")?;
    let not_found = || ApiError::NotFound(Phrase::no_such_entity("addressId", raw));
    let id = id.ok_or_else(not_found)?;
    let found = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let Some(address) = address_queries::find(conn, id)? else {
                    return Ok::<_, ApiError>(false);
                };
                let customer = queries::find(conn, address.customer_id)?;
                if let Some(c) = customer {
                    let clear = |d: Option<i32>| (d == Some(id)).then_some(None);
                    queries::update(
                        conn,
                        c.entity_id,
                        &CustomerChanges {
                            default_billing: clear(c.default_billing),
                            default_shipping: clear(c.default_shipping),
                            ..CustomerChanges::default()
                        },
                    )?;
                }
                address_queries::delete(conn, &[id])?;
                Ok(true)
            })
        })
        .await?;
    if !found {
        return Err(not_found());
    }
    Ok(json::ok(&true))
}

/// `GET /V1/customers/{customerId}/confirm`: Magento's AccountManagement constants.
pub async fn confirmation_status(
    _acl: Authorized<CustomerManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (row, _) = load_customer(&state, path_id(&req, "customerId")?).await?;
    let status = match (
        row.confirmation.is_some(),
        state.settings.confirmation_required,
    ) {
        (false, _) => "account_confirmed",
        (true, true) => "account_confirmation_required",
        (true, false) => "account_confirmation_not_required",
    };
    Ok(json::ok(&status))
}

/// `POST /V1/customers/confirm`: mails a new confirmation key (only a hash of the first one was
/// kept, so it cannot be sent again). `false` when the mail could not be sent.
pub async fn resend_confirmation(
    _acl: Authorized<CustomerManage>,
    state: web::Data<AppState>,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email] = required_strings(&input, ["email"])?;
    let website_id = match top_level(&input, "websiteId") {
        Some(v) => i32::try_from(to_int(None, v)?).unwrap_or(-1),
        None => return Err(ApiError::Input(Phrase::required("websiteId"))),
    };
    let redirect_url = top_level(&input, "redirectUrl")
        .map(|v| to_string(None, v))
        .transpose()?;
    let key = token::issue_key();
    let key_hash = key.hash.clone();
    let normalized = normalize(&email);
    let customer = state
        .db
        .run(move |conn| {
            let Some(customer) = queries::find_by_email(conn, &normalized, website_id)? else {
                return Ok(None);
            };
            if customer.confirmation.is_some() {
                queries::update(
                    conn,
                    customer.entity_id,
                    &CustomerChanges {
                        confirmation: Some(Some(key_hash)),
                        ..CustomerChanges::default()
                    },
                )?;
            }
            Ok(Some(customer))
        })
        .await?
        .ok_or_else(|| ApiError::NotFound(Phrase::no_such_email(&email, website_id)))?;
    if customer.confirmation.is_none() {
        return Err(ApiError::Input(Phrase::new("Confirmation isn't needed.")));
    }
    let mail = templates::confirmation(
        &Recipient {
            customer_id: customer.entity_id,
            email: &customer.email,
            name: customer.full_name(),
            store_name: &customer.created_in,
        },
        &key.plain,
        &state.settings.storefront_url,
        redirect_url.as_deref(),
    );
    Ok(json::ok(&state.mailer.send(mail).await))
}

/// `PUT /V1/customers/validate`: Magento's `Customer::validate` messages, never an error.
pub async fn validate_customer(
    _acl: Authorized<CustomerManage>,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let customer =
        customer_param(&input)?.ok_or_else(|| ApiError::Input(Phrase::required("customer")))?;
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
    if crate::domain::email::Email::parse(&email).is_err() {
        messages.push(format!("Please correct this email address: \"{email}\"."));
    }
    Ok(json::ok(
        &json!({"valid": messages.is_empty(), "messages": messages}),
    ))
}

/// `GET /V1/customers/{customerId}/permissions/readonly`: `false` (Magento's default: no
/// customer is read-only), 404 for an unknown id.
pub async fn is_readonly(
    _acl: Authorized<CustomerRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    load_customer(&state, path_id(&req, "customerId")?).await?;
    Ok(json::ok(&false))
}

/// `GET /V1/customers/search?searchCriteria[...]`
pub async fn search_customers(
    _acl: Authorized<CustomerRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let params = crate::wire::search::parse_query(req.query_string());
    let criteria = crate::wire::search::SearchCriteria::from_query(&params)?;
    let echo = criteria.echo();
    let page = state
        .db
        .run(move |conn| crate::db::search::search(conn, &criteria))
        .await?;
    let items: Vec<CustomerResponse> = page
        .customers
        .iter()
        .map(|(row, addresses)| CustomerResponse::from_rows(row, addresses))
        .collect();
    Ok(json::ok(&json!({
        "items": items,
        "search_criteria": echo,
        "total_count": page.total_count,
    })))
}
