//! Magento's data interfaces on the wire: request objects parsed with Magento's key and type
//! rules into domain `*Input` types, and responses rendered in Magento's key order and types.

pub mod customer;
pub mod group;
pub mod metadata;
pub mod search;
