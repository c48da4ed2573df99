//! HTTP tests against the real application: each test binds port 0 on a fresh database and
//! runs once on SQLite and once on PostgreSQL (`<test>::sqlite` / `<test>::postgres`).

#![expect(
    clippy::unwrap_used,
    reason = "in a test or a benchmark, an unwrap is an assertion"
)]

#[macro_use]
mod helpers;

mod admin;
mod attacks;
mod cli;
mod confirmation;
mod customers;
mod directory;
mod graphql;
mod graphql_account;
mod graphql_errors;
mod groups;
mod health;
mod import;
mod layers;
mod legacy_passwords;
mod me;
mod metadata;
mod metadata_graphql;
mod openapi;
mod operations;
mod pages;
mod password_hash;
mod password_reset;
mod rate_limits;
mod routing;
mod schema;
mod schema_drift;
mod search;
mod shopping_assistance;
mod storefront;
mod tokens;
mod transport;
