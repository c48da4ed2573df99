//! Store discovery for client libraries (Magento Store module, ACL Magento_Backend::store):
//! websites, store groups, store views and their configuration, from the scopes in the database.

use crate::http::ApiError;
use crate::http::json;
use crate::http::query::parse_query;
use crate::rest::extract::Acl;
use actix_web::{HttpRequest, HttpResponse, web};
use customer_core::accounts::ADMIN_STORE_ID;
use customer_core::auth::acl::StoresRead;
use customer_core::state::AppState;
use serde::Serialize;

#[derive(Serialize)]
struct WebsiteResponse<'a> {
    id: i32,
    code: &'a str,
    name: &'a str,
    default_group_id: i32,
}

#[derive(Serialize)]
struct GroupResponse<'a> {
    id: i32,
    website_id: i32,
    root_category_id: i32,
    default_store_id: i32,
    name: &'a str,
    code: &'a str,
}

#[derive(Serialize)]
struct StoreResponse<'a> {
    id: i32,
    code: &'a str,
    name: &'a str,
    website_id: i32,
    store_group_id: i32,
    is_active: i32,
}

#[derive(Serialize)]
struct StoreConfigResponse<'a> {
    id: i32,
    code: &'a str,
    website_id: i32,
    locale: &'a str,
    base_currency_code: &'a str,
    default_display_currency_code: &'a str,
    timezone: &'a str,
    weight_unit: &'a str,
    base_url: String,
    base_link_url: String,
    base_static_url: String,
    base_media_url: String,
    secure_base_url: String,
    secure_base_link_url: String,
    secure_base_static_url: String,
    secure_base_media_url: String,
}

/// `GET /V1/store/websites`
pub async fn websites(Acl(_acl): Acl<StoresRead>, state: web::Data<AppState>) -> HttpResponse {
    let list: Vec<_> = state
        .scopes
        .websites
        .iter()
        .map(|w| WebsiteResponse {
            id: w.website_id,
            code: &w.code,
            name: &w.name,
            default_group_id: w.default_group_id,
        })
        .collect();
    json::ok(&list)
}

/// `GET /V1/store/storeGroups`
pub async fn store_groups(Acl(_acl): Acl<StoresRead>, state: web::Data<AppState>) -> HttpResponse {
    let list: Vec<_> = state
        .scopes
        .groups
        .iter()
        .map(|g| GroupResponse {
            id: g.group_id,
            website_id: g.website_id,
            root_category_id: g.root_category_id,
            default_store_id: g.default_store_id,
            name: &g.name,
            code: &g.code,
        })
        .collect();
    json::ok(&list)
}

/// `GET /V1/store/storeViews`
pub async fn store_views(Acl(_acl): Acl<StoresRead>, state: web::Data<AppState>) -> HttpResponse {
    let list: Vec<_> = state
        .scopes
        .stores
        .iter()
        .map(|s| StoreResponse {
            id: s.store_id,
            code: &s.code,
            name: &s.name,
            website_id: s.website_id,
            store_group_id: s.group_id,
            is_active: i32::from(s.is_active),
        })
        .collect();
    json::ok(&list)
}

/// `GET /V1/store/storeConfigs[?storeCodes[]=default]`: the store views (not the admin store,
/// as Magento's store collection leaves it out), optionally only those named.
pub async fn store_configs(
    Acl(_acl): Acl<StoresRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let params = parse_query(req.query_string())?;
    let wanted: Option<Vec<String>> = crate::rest::php::top_level(&params, "storeCodes")
        .map(|v| crate::rest::php::to_string_list(Some("storeCodes"), v).unwrap_or_default());
    let settings = &state.settings;
    let base = if settings.storefront_url.ends_with('/') {
        settings.storefront_url.clone()
    } else {
        format!("{}/", settings.storefront_url)
    };
    let secure = base.replacen("http://", "https://", 1);
    let list: Vec<_> = state
        .scopes
        .stores
        .iter()
        .filter(|s| s.store_id != ADMIN_STORE_ID)
        .filter(|s| wanted.as_ref().is_none_or(|w| w.contains(&s.code)))
        .map(|s| StoreConfigResponse {
            id: s.store_id,
            code: &s.code,
            website_id: s.website_id,
            locale: &settings.store_locale,
            base_currency_code: &settings.store_currency,
            default_display_currency_code: &settings.store_currency,
            timezone: &settings.store_timezone,
            weight_unit: &settings.store_weight_unit,
            base_url: base.clone(),
            base_link_url: base.clone(),
            base_static_url: format!("{base}static/"),
            base_media_url: format!("{base}media/"),
            secure_base_url: secure.clone(),
            secure_base_link_url: secure.clone(),
            secure_base_static_url: format!("{secure}static/"),
            secure_base_media_url: format!("{secure}media/"),
        })
        .collect();
    Ok(json::ok(&list))
}
