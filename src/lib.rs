//! Magento 2 compatible customer account and token service.
//!
//! # Design
//!
//! Three front doors over one service layer:
//!
//! ```text
//! rest/ (Magento REST)  graphql/ (Magento GraphQL)  pages/ (storefront HTML)   front doors
//!              \                 |                  /
//!                            accounts/                        the use cases, one per file
//!                         /     |      \
//!                     auth/  domain/  db/   mail              who is calling; valid types; storage
//!                         \     |      /
//!                 error, config, directory, state             the error type, settings, regions
//! ```
//!
//! Imports flow downwards only. A front door may use everything below it (and `graphql` uses
//! `rest::php` and `rest::render` for PHP-style query strings and JSON). Nothing below a front
//! door names `actix_web`, `async_graphql`, `rest`, `graphql`, `pages` or `startup`; `startup` only
//! assembles. `tests/api/layers.rs` fails the build's tests when a lower layer imports a
//! higher one.
//!
//! Cross-cutting: `telemetry` (metric names and helpers, log setup; no web framework) sits just
//! above `config`, so any layer can count an event where it happens; `observe` (the request
//! id, access line and HTTP metrics middleware) sits beside the front doors.
//!
//! Data flows one way: a wire shape (REST `rest::wire`, GraphQL `graphql::types`) is parsed
//! into a domain type (`domain::*`), the service layer writes and reads rows (`db::*`) and
//! returns an `Account` or a value, and the front door renders it. Failures are one
//! `error::AppError` with typed variants, rendered once per front door.
//!
//! `ratelimit` (per-client request-rate limits, in memory) sits beside `db`: the front doors
//! find the client IP and ask it; `state` holds it.
//!
//! `migrate` (Magento import and export, run from the command line) sits beside `accounts`:
//! it uses `db`, `domain` and `auth`, and only `cli` uses it.
//!
//! Only `db` names Diesel: every query, bulk write and transaction lives in `src/db/`, and the
//! layers above call its functions (`db::DbError` and `db::QueryResult` name its failures).

pub mod accounts;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod directory;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod mail;
pub mod migrate;
pub mod observe;
pub mod pages;
pub mod ratelimit;
pub mod rest;
pub mod startup;
pub mod state;
pub mod telemetry;
