//! The customer accounts of a Magento 2 compatible shop, without a web framework.
//!
//! # Design
//!
//! ```text
//!                  accounts/   transfer/                      the use cases, one per file; import/export
//!                         |
//!                      scopes/                                config values by path (storeConfig)
//!                         |
//!                       state                                 what a running service holds
//!                     /   |    \
//!                auth/  mail/  db/  ratelimit                 who is calling; mail; storage; limits
//!                     \   |    /
//!                 domain/, telemetry                          valid types; metrics and logs
//!                         |
//!                 error, config, directory                    the error type, settings, regions
//! ```
//!
//! Imports flow downwards only. This crate names neither `actix_web` nor `async_graphql`: the
//! doors (REST, GraphQL, storefront pages) live in the `customer-service` crate and call
//! `accounts`, so a change to a page or a resolver never rebuilds this crate.
//! `crates/web/tests/api/layers.rs` fails the tests when a lower layer imports a higher one.
//!
//! Cross-cutting: `telemetry` (metric names and helpers, log setup) sits just above `config`,
//! so any layer can count an event where it happens.
//!
//! Data flows one way: a door parses its wire shape into a domain type (`domain::*`), the use
//! case writes and reads rows (`db::*`) and returns an `Account` or a value, and the door
//! renders it. Failures are one `error::AppError` with typed variants, rendered once per door.
//!
//! `ratelimit` (per-client request-rate limits, in memory) sits beside `db`: the doors find the
//! client IP and ask it; `state` holds it.
//!
//! `transfer` (Magento import and export, run from the command line) sits beside `accounts`:
//! it uses `db`, `domain` and `auth`. `scopes` answers a config path (Magento's
//! `customer/password/minimum_password_length`) for a store view: the service's own setting
//! where it enforces one, else Magento's default.
//!
//! Only `db` names Diesel: every query, bulk write and transaction lives in `db/`, and the
//! layers above call its functions (`db::DbError` and `db::QueryResult` name its failures).

pub mod accounts;
pub mod auth;
pub mod config;
pub mod db;
pub mod directory;
pub mod domain;
pub mod error;
pub mod mail;
pub mod ratelimit;
pub mod scopes;
pub mod state;
pub mod telemetry;
pub mod transfer;
