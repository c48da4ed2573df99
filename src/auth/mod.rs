//! Who is calling: password hashing, bearer tokens, and the extractors that put an access
//! policy into a handler's signature.

pub mod acl;
pub mod context;
pub mod password;
pub mod token;

pub use acl::Authorized;
pub use context::{AuthenticatedCustomer, Caller, StoreContext, resolve_caller, rest_context};
