//! Attribute metadata (ACL `Magento_Customer::customer`): Magento's `CustomerMetadataInterface`
//! (`/V1/attributeMetadata/customer...`) and `AddressMetadataInterface`
//! (`/V1/attributeMetadata/customerAddress...`), over the attributes in `domain::attributes`.

use crate::http::ApiError;
use crate::http::json;
use crate::rest::extract::Acl;
use crate::rest::extract::path_param;
use crate::rest::wire::metadata::{AttributeMetadataResponse, OptionData};
use actix_web::{HttpRequest, HttpResponse, web};
use customer_core::accounts::groups;
use customer_core::auth::acl::CustomerRead;
use customer_core::domain::attributes::{Attribute, Entity};
use customer_core::error::{AppError, Phrase};
use customer_core::state::AppState;

/// Which entity type a route serves: `customer` or `customer_address`.
pub trait Kind {
    const ENTITY: Entity;
}

/// `/V1/attributeMetadata/customer...` (CustomerMetadataInterface).
pub struct Customer;
impl Kind for Customer {
    const ENTITY: Entity = Entity::Customer;
}

/// `/V1/attributeMetadata/customerAddress...` (AddressMetadataInterface).
pub struct Address;
impl Kind for Address {
    const ENTITY: Entity = Entity::Address;
}

/// The attributes as `AttributeMetadataInterface` objects (the groups read only when
/// `group_id` is among them).
async fn described(
    state: &AppState,
    attributes: Vec<&'static Attribute>,
) -> Result<Vec<AttributeMetadataResponse>, AppError> {
    let groups = if attributes.iter().any(|a| a.code == "group_id") {
        groups::logged_in_groups(state).await?
    } else {
        Vec::new()
    };
    let data = OptionData {
        scopes: &state.scopes,
        groups: &groups,
    };
    Ok(attributes
        .into_iter()
        .map(|a| AttributeMetadataResponse::new(a, &data))
        .collect())
}

/// `GET .../{entity}`: `getAllAttributesMetadata`, every attribute of the entity.
pub async fn all<K: Kind>(
    Acl(_acl): Acl<CustomerRead>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let list = described(&state, K::ENTITY.attributes().iter().collect()).await?;
    Ok(json::ok(&list))
}

/// `GET .../{entity}/attribute/{attributeCode}`: `getAttributeMetadata`, one attribute, or
/// `No such entity with entityType = ..., attributeCode = ...`.
pub async fn attribute<K: Kind>(
    Acl(_acl): Acl<CustomerRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let code = path_param(&req, "attributeCode")?;
    let attribute = K::ENTITY.attribute(&code).ok_or_else(|| {
        AppError::NotFound(
            Phrase::new("No such entity with %fieldName = %fieldValue, %field2Name = %field2Value")
                .with("fieldName", "entityType")
                .with("fieldValue", K::ENTITY.code())
                .with("field2Name", "attributeCode")
                .with("field2Value", code.clone()),
        )
    })?;
    let one = described(&state, vec![attribute]).await?;
    Ok(json::ok(&one[0]))
}

/// `GET .../{entity}/form/{formCode}`: `getAttributes($formCode)`, the form's attributes, or
/// `No such entity with formCode = ...` when it has none.
pub async fn form<K: Kind>(
    Acl(_acl): Acl<CustomerRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let code = path_param(&req, "formCode")?;
    let attributes = K::ENTITY.form(&code);
    if attributes.is_empty() {
        return Err(AppError::NotFound(Phrase::no_such_entity("formCode", code)).into());
    }
    Ok(json::ok(&described(&state, attributes).await?))
}

/// `GET .../{entity}/custom`: `getCustomAttributesMetadata`, the user-defined attributes and the
/// system ones without a getter on the data interface. Every attribute here has a getter: `[]`.
pub async fn custom<K: Kind>(Acl(_acl): Acl<CustomerRead>) -> HttpResponse {
    json::ok(&Vec::<()>::new())
}
