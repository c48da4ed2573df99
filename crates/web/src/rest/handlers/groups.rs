//! Customer groups (ACL `Magento_Customer::group`): Magento's GroupRepository,
//! GroupManagement and CustomerGroupConfig routes.

use crate::http::ApiError;
use crate::http::json;
use crate::http::query::parse_query;
use crate::rest::extract::{Acl, Store};
use crate::rest::extract::{RequestInput, path_id};
use crate::rest::wire::group::{GroupResponse, group_param};
use actix_web::{HttpRequest, HttpResponse, web};
use customer_core::accounts::groups;
use customer_core::auth::Authorized;
use customer_core::auth::acl::CustomerGroups;
use customer_core::domain::group::GroupInput;
use customer_core::error::{AppError, Phrase};
use customer_core::state::AppState;
use serde_json::json;

/// `GET /V1/customerGroups/{id}`
pub async fn get_group(
    Acl(_acl): Acl<CustomerGroups>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let group = groups::get_group(&state, path_id(&req, "id")?).await?;
    Ok(json::ok(&GroupResponse::from(group)))
}

/// `POST /V1/customerGroups`: creates a group, or updates the one whose id the body names.
pub async fn create_group(
    Acl(acl): Acl<CustomerGroups>,
    state: web::Data<AppState>,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    save(acl, &state, group_param(&body.0)?).await
}

async fn save(
    acl: Authorized<CustomerGroups>,
    state: &AppState,
    input: GroupInput,
) -> Result<HttpResponse, ApiError> {
    let group = groups::save_group(state, input).await?;
    tracing::info!(target: "audit", caller = ?acl.caller, group_id = group.id, "back office saved a customer group");
    Ok(json::ok(&GroupResponse::from(group)))
}

/// `PUT /V1/customerGroups/{id}`: the path id wins over any id in the body (Magento's
/// `ParamsOverrider::overrideRequestBodyIdWithPathParam`).
pub async fn save_group(
    Acl(acl): Acl<CustomerGroups>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let mut input = group_param(&body.0)?;
    input.id = Some(path_id(&req, "id")?.given);
    save(acl, &state, input).await
}

/// `DELETE /V1/customerGroups/{id}`
pub async fn delete_group(
    Acl(acl): Acl<CustomerGroups>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&req, "id")?;
    groups::delete_group(&state, id).await?;
    tracing::info!(target: "audit", caller = ?acl.caller, group_id = id.given, "back office deleted a customer group");
    Ok(json::ok(&true))
}

/// `GET /V1/customerGroups/default`: the default group of the store view the URL names.
pub async fn default_group(
    Acl(_acl): Acl<CustomerGroups>,
    state: web::Data<AppState>,
    Store(store): Store,
) -> Result<HttpResponse, ApiError> {
    let group = groups::default_group(&state, store.store_id, json!(store.code)).await?;
    Ok(json::ok(&GroupResponse::from(group)))
}

/// `GET /V1/customerGroups/default/{storeId}`
pub async fn default_group_of_store(
    Acl(_acl): Acl<CustomerGroups>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let given = path_id(&req, "storeId")?;
    let store = given
        .id
        .and_then(|id| state.scopes.store(id))
        .ok_or_else(|| AppError::NotFound(Phrase::no_such_entity("storeId", given.given)))?;
    let group = groups::default_group(&state, store.store_id, json!(given.given)).await?;
    Ok(json::ok(&GroupResponse::from(group)))
}

/// `PUT /V1/customerGroups/default/{id}`: answers the id.
pub async fn set_default_group(
    Acl(acl): Acl<CustomerGroups>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = groups::set_default_group(&state, path_id(&req, "id")?).await?;
    tracing::info!(target: "audit", caller = ?acl.caller, group_id = id, "back office set the default customer group");
    Ok(json::ok(&id))
}

/// `GET /V1/customerGroups/{id}/permissions`: whether the group is read-only.
pub async fn is_readonly(
    Acl(_acl): Acl<CustomerGroups>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let readonly = groups::is_readonly(&state, path_id(&req, "id")?).await?;
    Ok(json::ok(&readonly))
}

/// `GET /V1/customerGroups/search?searchCriteria[...]`
pub async fn search_groups(
    Acl(_acl): Acl<CustomerGroups>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let criteria =
        crate::rest::wire::search::criteria_from_query(&parse_query(req.query_string())?)?;
    let echo = crate::rest::wire::search::echo(&criteria);
    let (items, total_count) = groups::search_groups(&state, criteria).await?;
    let items: Vec<GroupResponse> = items.into_iter().map(GroupResponse::from).collect();
    Ok(json::ok(&json!({
        "items": items,
        "search_criteria": echo,
        "total_count": total_count,
    })))
}
