//! Magento 2 compatible customer account and token service: the doors over `customer_core`.
//!
//! # Design
//!
//! ```text
//! rest/ (Magento REST)  graphql/ (Magento GraphQL)  pages/ (storefront HTML)   doors
//!              \                 |                  /
//!                              http/                          the HTTP floor all doors share
//!                                |
//!                    customer_core::accounts ...              use cases, storage, domain
//! ```
//!
//! Imports flow downwards only, and the doors do not import each other: what two of them need
//! (reading a bounded body, the client IP and its rate limit, PHP-style query strings, PHP's
//! JSON writer, Magento's error body) is in `http`. A door calls `customer_core::accounts` and
//! never `customer_core::db`. `startup` only assembles; `cli` parses the command line;
//! `observe` (the request id, access line and HTTP metrics middleware) sits beside the doors.
//! `tests/api/layers.rs` fails the tests when an import breaks these rules.

pub mod cli;
pub mod graphql;
pub mod http;
pub mod observe;
pub mod pages;
pub mod rest;
pub mod startup;
