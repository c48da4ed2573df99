//! The REST request context, resolved once per request by the `rest_context` middleware:
//! the store view named in the URL (unknown code → 404, as Magento) and the caller behind the
//! bearer token (one indexed lookup). Handlers state their access policy by taking
//! `AuthenticatedCustomer` (Magento's `self` resource), `Caller` or nothing.

use super::token;
use crate::db::customers::{AddressRow, CustomerRow};
use crate::db::{
    self,
    tokens::{CustomerTokenOwner, TokenOwner},
};
use crate::error::ApiError;
use crate::startup::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use std::future::{Ready, ready};

/// The store view a REST call runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreContext {
    pub store_id: i32,
    pub website_id: i32,
    pub code: String,
    /// `/rest/all/...` runs in the admin store, where no customer is `self`.
    pub is_admin: bool,
}

/// Who is calling. Unreadable, unknown, expired and revoked tokens make a guest, as in Magento
/// (REST reports the ACL failure, never the token problem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Guest,
    Customer(CustomerTokenOwner),
    Admin {
        token_id: i32,
        admin_id: i32,
    },
    Integration {
        token_id: i32,
        integration_id: i32,
        resources: std::sync::Arc<[String]>,
    },
}

impl Caller {
    /// Whether the caller holds an admin ACL resource. Customers and guests never do; every
    /// admin holds all of this service's resources; an integration holds what it was granted.
    pub fn has_resource(&self, resource: &str) -> bool {
        match self {
            Self::Guest | Self::Customer(_) => false,
            Self::Admin { .. } => super::acl::ADMIN_RESOURCES.contains(&resource),
            Self::Integration { resources, .. } => resources.iter().any(|r| r == resource),
        }
    }

    fn from_owner(owner: TokenOwner) -> Self {
        match owner {
            TokenOwner::Customer(c) => Self::Customer(c),
            TokenOwner::Admin { token_id, admin_id } => Self::Admin { token_id, admin_id },
            TokenOwner::Integration {
                token_id,
                integration_id,
                resources,
            } => Self::Integration {
                token_id,
                integration_id,
                resources: resources.into(),
            },
        }
    }
}

/// The token from `Authorization: Bearer <token>`: exactly two parts split on one space, the
/// first case-insensitively `bearer` (Magento TokenUserContext).
fn bearer_token(headers: &actix_web::http::header::HeaderMap) -> Option<String> {
    let value = headers
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let parts: Vec<&str> = value.split(' ').collect();
    match parts.as_slice() {
        [scheme, token] if scheme.eq_ignore_ascii_case("bearer") => Some((*token).to_owned()),
        _ => None,
    }
}

impl StoreContext {
    /// The website accounts are looked up in: the store view's, and for `/rest/all/` (the
    /// admin store) the default store view's, as Magento does.
    pub fn account_website(&self, scopes: &crate::db::scopes::Scopes) -> i32 {
        if self.is_admin {
            scopes.default_store().website_id
        } else {
            self.website_id
        }
    }
}

/// The caller behind a request's `Authorization: Bearer` header (one indexed lookup; a token
/// that is not ours, expired or revoked makes a guest). Shared by REST and GraphQL, so a token
/// from either works on both.
pub async fn resolve_caller(
    state: &AppState,
    headers: &actix_web::http::header::HeaderMap,
) -> Result<Caller, ApiError> {
    Ok(resolve(state, headers).await?.0)
}

/// The customer (with addresses) behind a customer token, read with the token itself.
pub type Account = std::sync::Arc<(CustomerRow, Vec<AddressRow>)>;

async fn resolve(
    state: &AppState,
    headers: &actix_web::http::header::HeaderMap,
) -> Result<(Caller, Option<Account>), ApiError> {
    let Some(plain) = bearer_token(headers).filter(|t| token::is_well_formed(t)) else {
        return Ok((Caller::Guest, None));
    };
    let hash = token::hash(&plain);
    let now = db::now();
    Ok(
        match state
            .db
            .run(move |conn| Ok(db::tokens::find_live_token(conn, &hash, now)?))
            .await?
        {
            None => (Caller::Guest, None),
            Some(live) => (
                Caller::from_owner(live.owner),
                live.account.map(std::sync::Arc::new),
            ),
        },
    )
}

/// Middleware on the REST scopes: resolves the store code and the caller, or answers 404 for
/// an unknown store code before anything else runs.
pub async fn rest_context(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let store = match req.match_info().get("store_code") {
        None => {
            let s = state.scopes.default_store();
            StoreContext {
                store_id: s.store_id,
                website_id: s.website_id,
                code: s.code.clone(),
                is_admin: false,
            }
        }
        Some("all") => {
            let s = state.scopes.admin_store();
            StoreContext {
                store_id: s.store_id,
                website_id: s.website_id,
                code: s.code.clone(),
                is_admin: true,
            }
        }
        Some(code) => {
            let s = state
                .scopes
                .store_view_by_code(code)
                .ok_or(ApiError::NoRoute)?;
            StoreContext {
                store_id: s.store_id,
                website_id: s.website_id,
                code: s.code.clone(),
                is_admin: false,
            }
        }
    };
    let (caller, account) = resolve(&state, req.headers()).await?;
    if let Some(account) = account {
        req.extensions_mut().insert(account);
    }
    req.extensions_mut().insert(store);
    req.extensions_mut().insert(caller);
    next.call(req).await
}

pub(super) fn from_extensions<T: Clone + 'static>(req: &HttpRequest) -> Result<T, ApiError> {
    req.extensions()
        .get::<T>()
        .cloned()
        .ok_or_else(|| ApiError::internal("REST context missing: route outside the REST scope"))
}

impl FromRequest for StoreContext {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_extensions(req))
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_extensions(req))
    }
}

/// A customer acting on their own account (Magento ACL `self`): a customer token, in a store
/// view of the customer's website. Otherwise 401 with `{"resources":"self"}`.
#[derive(Debug, Clone)]
pub struct AuthenticatedCustomer {
    pub customer_id: i32,
    pub token_id: i32,
    pub store: StoreContext,
    /// The customer and addresses as read with the token, earlier in this request.
    pub account: Option<Account>,
}

impl FromRequest for AuthenticatedCustomer {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready((|| {
            let store: StoreContext = from_extensions(req)?;
            match from_extensions::<Caller>(req)? {
                Caller::Customer(owner)
                    if !store.is_admin && owner.website_id == store.website_id =>
                {
                    Ok(Self {
                        customer_id: owner.customer_id,
                        token_id: owner.token_id,
                        store,
                        account: req.extensions().get::<Account>().cloned(),
                    })
                }
                _ => Err(ApiError::not_authorized("self")),
            }
        })())
    }
}
