//! Magento 2 compatible customer account and token service.

pub mod accounts;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod directory;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod input;
pub mod json;
pub mod mail;
pub mod routes;
pub mod startup;
pub mod wire;
