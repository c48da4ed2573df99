//! Magento's GraphQL types for customers, addresses, stores and the directory
//! (CustomerGraphQl, StoreGraphQl, DirectoryGraphQl, NewsletterGraphQl, EavGraphQl,
//! ReCaptchaWebapiGraphQl `etc/schema.graphqls`), with their snake_case field names, and the
//! mapping from the core's rows and drafts.

mod attribute_metadata;
mod attributes;
mod customer;
mod inputs;
mod newsletter;
mod store;
mod uid;

pub use attribute_metadata::*;
pub use attributes::*;
pub use customer::*;
pub use inputs::*;
pub use newsletter::*;
pub use store::*;
pub use uid::*;
