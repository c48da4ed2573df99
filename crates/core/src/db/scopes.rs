//! Websites, store groups and store views. They change only through migrations, so they are
//! read once at startup and answered from memory afterwards. The customer group ids are read
//! with them for the import (a one-shot command); the running service, where groups change
//! through `/V1/customerGroups`, asks the database (`db::groups`).

use super::DbConnection;
use super::schema::{customer_groups, store_groups, store_websites, stores};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = store_websites)]
pub struct Website {
    pub website_id: i32,
    pub code: String,
    pub name: String,
    pub sort_order: i32,
    pub default_group_id: i32,
    pub is_default: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = store_groups)]
pub struct StoreGroup {
    pub group_id: i32,
    pub website_id: i32,
    pub name: String,
    pub root_category_id: i32,
    pub default_store_id: i32,
    pub code: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stores)]
pub struct Store {
    pub store_id: i32,
    pub code: String,
    pub website_id: i32,
    pub group_id: i32,
    pub name: String,
    pub sort_order: i32,
    pub is_active: bool,
}

/// The admin store view (`/rest/all/` runs in it).
pub const ADMIN_STORE_ID: i32 = 0;

#[derive(Debug, Clone)]
pub struct Scopes {
    pub websites: Vec<Website>,
    pub groups: Vec<StoreGroup>,
    pub stores: Vec<Store>,
    pub customer_group_ids: Vec<i32>,
}

impl Scopes {
    pub fn load(conn: &mut DbConnection) -> QueryResult<Self> {
        Ok(Self {
            websites: store_websites::table
                .select(Website::as_select())
                .order(store_websites::website_id)
                .load(conn)?,
            groups: store_groups::table
                .select(StoreGroup::as_select())
                .order(store_groups::group_id)
                .load(conn)?,
            stores: stores::table
                .select(Store::as_select())
                .order(stores::store_id)
                .load(conn)?,
            customer_group_ids: customer_groups::table
                .select(customer_groups::customer_group_id)
                .order(customer_groups::customer_group_id)
                .load(conn)?,
        })
    }

    pub fn store(&self, store_id: i32) -> Option<&Store> {
        self.stores.iter().find(|s| s.store_id == store_id)
    }

    /// A store view addressable in a REST URL (Magento excludes the admin store).
    pub fn store_view_by_code(&self, code: &str) -> Option<&Store> {
        self.stores
            .iter()
            .find(|s| s.store_id != ADMIN_STORE_ID && s.code == code)
    }

    pub fn admin_store(&self) -> &Store {
        self.store(ADMIN_STORE_ID)
            .expect("the admin store is created by the first migration")
    }

    pub fn website(&self, website_id: i32) -> Option<&Website> {
        self.websites.iter().find(|w| w.website_id == website_id)
    }

    /// The default store view of a website (through its default store group).
    pub fn website_default_store(&self, website_id: i32) -> Option<&Store> {
        let website = self.website(website_id)?;
        let group = self
            .groups
            .iter()
            .find(|g| g.group_id == website.default_group_id)?;
        self.store(group.default_store_id)
    }

    /// The default store view of the default website (`/rest/V1/...` runs in it).
    pub fn default_store(&self) -> &Store {
        self.websites
            .iter()
            .find(|w| w.is_default)
            .and_then(|w| self.website_default_store(w.website_id))
            .expect("the default store view is created by the first migration")
    }
}
