//! Who is calling and where: the store view a request runs in, the caller behind its bearer
//! token (one indexed lookup, shared by REST and GraphQL, so a token from either works on
//! both), and Magento's `self` rule (`AuthenticatedCustomer`). The front doors resolve these
//! once per request and hand them to the service layer.

use super::acl::{ADMIN_RESOURCES, Resource};
use super::token;
use crate::db::customers::Account;
use crate::db::{
    self, Db,
    scopes::{Scopes, Store},
    tokens::{CustomerTokenOwner, TokenOwner, TokenRead},
};
use crate::error::AppError;
use std::marker::PhantomData;
use std::sync::Arc;

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
            Self::Admin { .. } => ADMIN_RESOURCES.contains(&resource),
            Self::Integration { resources, .. } => resources.iter().any(|r| r == resource),
        }
    }

    /// LoginAsCustomerAssistance's CustomerPlugin: a shopper (or a guest signing up) decides
    /// their own consent; an admin or integration only with `ALLOW_SHOPPING_ASSISTANCE`.
    pub fn may_set_assistance_consent(&self) -> bool {
        match self {
            Self::Guest | Self::Customer(_) => true,
            Self::Admin { .. } | Self::Integration { .. } => {
                self.has_resource(super::acl::ALLOW_SHOPPING_ASSISTANCE)
            }
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

impl StoreContext {
    fn of(store: &Store, is_admin: bool) -> Self {
        Self {
            store_id: store.store_id,
            website_id: store.website_id,
            code: store.code.clone(),
            is_admin,
        }
    }

    /// The store view a path names: none is the default store view, `all` the admin store,
    /// anything else a store view code (`None` when there is no such store view).
    pub fn resolve(scopes: &Scopes, code: Option<&str>) -> Option<Self> {
        Some(match code {
            None => Self::of(scopes.default_store(), false),
            Some("all") => Self::of(scopes.admin_store(), true),
            Some(code) => Self::of(scopes.store_view_by_code(code)?, false),
        })
    }

    /// The website accounts are looked up in: the store view's, and for `/rest/all/` (the
    /// admin store) the default store view's, as Magento does.
    pub fn account_website(&self, scopes: &Scopes) -> i32 {
        if self.is_admin {
            scopes.default_store().website_id
        } else {
            self.website_id
        }
    }
}

/// The caller behind a bare token (a door takes it from `Authorization: Bearer ...` with
/// `token::bearer_token`, the pages from their session cookie), and (with
/// `TokenRead::WithAccount`) for a customer token the account read with the token in the same
/// query. A token that is not ours, expired or revoked makes a guest, as in Magento (REST
/// reports the ACL failure, never the token problem).
pub async fn resolve_caller(
    db: &Db,
    token: Option<&str>,
    read: TokenRead,
) -> Result<(Caller, Option<Arc<Account>>), AppError> {
    let Some(hash) = token
        .filter(|t| token::is_well_formed(t))
        .map(token::TokenHash::of)
    else {
        return Ok((Caller::Guest, None));
    };
    let now = db::now();
    Ok(
        match db
            .run(move |conn| Ok(db::tokens::find_live_token(conn, &hash, now, read)?))
            .await?
        {
            None => (Caller::Guest, None),
            Some(live) => (Caller::from_owner(live.owner), live.account.map(Arc::new)),
        },
    )
}

/// A customer acting on their own account (Magento ACL `self`): a customer token, in a store
/// view of the customer's website. Otherwise 401 with `{"resources":"self"}`.
#[derive(Debug, Clone)]
pub struct AuthenticatedCustomer {
    pub customer_id: i32,
    pub token_id: i32,
    pub store: StoreContext,
    /// The customer and addresses as read with the token, earlier in this request.
    pub account: Option<Arc<Account>>,
}

impl AuthenticatedCustomer {
    /// Magento's `self` rule: a customer token, used in a store view of the customer's website
    /// (never the admin store).
    pub fn of(
        caller: &Caller,
        store: &StoreContext,
        account: Option<Arc<Account>>,
    ) -> Result<Self, AppError> {
        match caller {
            Caller::Customer(owner) if !store.is_admin && owner.website_id == store.website_id => {
                Ok(Self {
                    customer_id: owner.customer_id,
                    token_id: owner.token_id,
                    store: store.clone(),
                    account,
                })
            }
            _ => Err(AppError::not_authorized("self")),
        }
    }
}

/// A caller holding the route's resource `R`; otherwise 401
/// `The consumer isn't authorized to access %resources.` naming it.
pub struct Authorized<R: Resource> {
    pub caller: Caller,
    _resource: PhantomData<R>,
}

impl<R: Resource> Authorized<R> {
    /// The caller, if it holds `R`; otherwise 401 naming the resource.
    pub fn check(caller: Caller) -> Result<Self, AppError> {
        if caller.has_resource(R::NAME) {
            Ok(Self {
                caller,
                _resource: PhantomData,
            })
        } else {
            Err(AppError::not_authorized(R::NAME))
        }
    }
}
