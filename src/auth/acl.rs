//! Magento's ACL resources for the back-office routes (Customer/etc/acl.xml, Backend) and the
//! extractor that enforces a route's resource before anything else of the request is read.

use super::context::{Caller, from_extensions};
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use std::future::{Ready, ready};
use std::marker::PhantomData;

pub const CUSTOMER: &str = "Magento_Customer::customer";
pub const MANAGE: &str = "Magento_Customer::manage";
pub const DELETE: &str = "Magento_Customer::delete";
pub const STORES: &str = "Magento_Backend::stores";

/// What every admin user holds (this service serves only customer and store data).
pub const ADMIN_RESOURCES: &[&str] = &[CUSTOMER, MANAGE, DELETE, STORES];

/// What an integration gets when its creator names no resource.
pub const DEFAULT_INTEGRATION_RESOURCES: &[&str] = &[CUSTOMER, MANAGE, DELETE];

/// Every resource an integration may be granted.
pub const KNOWN_RESOURCES: &[&str] = ADMIN_RESOURCES;

/// A route's ACL resource, as a type.
pub trait Resource {
    const NAME: &'static str;
}

macro_rules! resource {
    ($(#[$doc:meta])* $name:ident = $value:expr) => {
        $(#[$doc])*
        pub struct $name;
        impl Resource for $name {
            const NAME: &'static str = $value;
        }
    };
}

resource!(/// `Magento_Customer::customer`: read customers.
    CustomerRead = CUSTOMER);
resource!(/// `Magento_Customer::manage`: change customers and addresses.
    CustomerManage = MANAGE);
resource!(/// `Magento_Customer::delete`: delete customers.
    CustomerDelete = DELETE);
resource!(/// `Magento_Backend::stores`: read the store configuration.
    StoresRead = STORES);

/// A caller holding the route's resource `R`; otherwise 401
/// `The consumer isn't authorized to access %resources.` naming it.
pub struct Authorized<R: Resource> {
    pub caller: Caller,
    _resource: PhantomData<R>,
}

impl<R: Resource> FromRequest for Authorized<R> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_extensions::<Caller>(req).and_then(|caller| {
            if caller.has_resource(R::NAME) {
                Ok(Self {
                    caller,
                    _resource: PhantomData,
                })
            } else {
                Err(ApiError::not_authorized(R::NAME))
            }
        }))
    }
}
