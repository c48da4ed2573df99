//! The HTTP floor every door stands on: what REST, GraphQL and the storefront pages all need
//! from a request or for a response, so no door imports another. `body` reads a bounded body;
//! `client` finds the client's IP and counts rate limits; `query` parses PHP-style query
//! strings; `json` writes JSON as PHP does; `error` renders `AppError` as Magento's status and
//! body (`ApiError` is its actix-web face).

pub mod body;
pub mod client;
pub mod error;
pub mod json;
pub mod query;

pub use error::ApiError;
