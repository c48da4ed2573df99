//! Who is calling: the caller and store view of a request, ACL resources, bearer tokens and
//! password hashing. No web framework here: the front doors read headers and paths and call
//! `caller::resolve_caller`; REST turns these types into extractors in `rest::extract`.

pub mod acl;
pub mod caller;
pub mod legacy_hash;
pub mod libcrypt;
pub mod password;
pub mod token;

pub use crate::db::tokens::TokenRead;
pub use caller::{AuthenticatedCustomer, Authorized, Caller, StoreContext, resolve_caller};
