//! Where an account lives: Magento's store, website and group resolution for a new or moved
//! customer.

use crate::db::DbConnection;
use crate::db::customers::AccountPlacement;
use crate::db::groups;
use crate::db::scopes::Scopes;
use crate::domain::customer::CustomerInput;
use crate::error::{AppError, Phrase};
use serde_json::json;

/// Where an admin moves a customer (website, store view, group).
#[derive(Debug, Clone, Copy)]
pub struct ScopeChange {
    pub website_id: i32,
    pub store_id: i32,
    pub group_id: i32,
}

/// Where a new or moved account goes, its group not yet checked against the stored groups
/// (groups change at run time, so that happens in the write's transaction: `settle`).
#[derive(Debug, Clone)]
pub struct RequestedPlacement {
    pub website_id: i32,
    pub store_id: i32,
    /// The group asked for; `None` takes the store's configured default group.
    pub group_id: Option<i32>,
    pub created_in: String,
}

fn no_such_group() -> AppError {
    AppError::Input(Phrase::new(
        "The specified customer group id does not exist.",
    ))
}

impl RequestedPlacement {
    /// The placement with its group: the one asked for if it exists, else the store's
    /// default (`customer/create_account/default_group`, as Magento's `Customer::getGroupId`).
    pub fn settle(self, conn: &mut DbConnection) -> Result<AccountPlacement, AppError> {
        let group_id = match self.group_id {
            Some(g) if groups::exists(conn, g)? => g,
            Some(_) => return Err(no_such_group()),
            None => groups::default_group_id(conn, self.store_id)?,
        };
        Ok(AccountPlacement {
            website_id: self.website_id,
            store_id: self.store_id,
            group_id,
            created_in: self.created_in,
        })
    }
}

/// Store and website resolution (AccountManagement::createAccountWithPasswordHash): no store
/// and no website → the default store view; a website only → its default store; a store →
/// its website. 0 counts as "not given", as PHP's truthiness does.
pub fn resolve_placement(
    scopes: &Scopes,
    customer: &CustomerInput,
) -> Result<RequestedPlacement, AppError> {
    let store_not_found = || {
        AppError::NotFound(Phrase::new(
            "The store that was requested wasn't found. Verify the store and try again.",
        ))
    };
    let store_id = customer.store_id.filter(|&s| s != 0);
    let website_id = customer.website_id.filter(|&w| w != 0);
    let store = match (store_id, website_id) {
        (Some(s), _) => i32::try_from(s)
            .ok()
            .and_then(|s| scopes.store(s))
            .ok_or_else(store_not_found)?,
        (None, Some(w)) => {
            let website = i32::try_from(w)
                .ok()
                .and_then(|w| scopes.website(w))
                .ok_or_else(|| {
                    AppError::NotFound(Phrase::positional(
                        "The website with id %1 that was requested wasn't found. Verify the website and try again.",
                        vec![json!(w)],
                    ))
                })?;
            scopes
                .website_default_store(website.website_id)
                .ok_or_else(store_not_found)?
        }
        (None, None) => scopes.default_store(),
    };
    if website_id.is_some_and(|w| w != i64::from(store.website_id)) {
        return Err(AppError::Input(Phrase::new(
            "The store view is not in the associated website.",
        )));
    }
    let group_id = customer
        .group_id
        .map(|g| i32::try_from(g).map_err(|_| no_such_group()))
        .transpose()?;
    Ok(RequestedPlacement {
        website_id: store.website_id,
        store_id: store.store_id,
        group_id,
        created_in: store.name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::scopes::{Store, StoreGroup, Website};

    fn scopes() -> Scopes {
        Scopes {
            websites: vec![
                Website {
                    website_id: 0,
                    code: "admin".into(),
                    name: "Admin".into(),
                    sort_order: 0,
                    default_group_id: 0,
                    is_default: false,
                },
                Website {
                    website_id: 1,
                    code: "base".into(),
                    name: "Main Website".into(),
                    sort_order: 0,
                    default_group_id: 1,
                    is_default: true,
                },
            ],
            groups: vec![
                StoreGroup {
                    group_id: 0,
                    website_id: 0,
                    name: "Default".into(),
                    root_category_id: 0,
                    default_store_id: 0,
                    code: "default".into(),
                },
                StoreGroup {
                    group_id: 1,
                    website_id: 1,
                    name: "Main Website Store".into(),
                    root_category_id: 2,
                    default_store_id: 1,
                    code: "main_website_store".into(),
                },
            ],
            stores: vec![
                Store {
                    store_id: 0,
                    code: "admin".into(),
                    website_id: 0,
                    group_id: 0,
                    name: "Admin".into(),
                    sort_order: 0,
                    is_active: true,
                },
                Store {
                    store_id: 1,
                    code: "default".into(),
                    website_id: 1,
                    group_id: 1,
                    name: "Default Store View".into(),
                    sort_order: 0,
                    is_active: true,
                },
            ],
            customer_group_ids: vec![0, 1, 2, 3],
        }
    }

    #[test]
    fn without_store_or_website_the_default_store_view_is_used() {
        let p = resolve_placement(&scopes(), &CustomerInput::default()).unwrap();
        assert_eq!((p.website_id, p.store_id, p.group_id), (1, 1, None));
        assert_eq!(p.created_in, "Default Store View");
    }

    #[test]
    fn a_store_outside_the_website_is_refused() {
        let c = CustomerInput {
            store_id: Some(0),
            website_id: Some(1),
            ..Default::default()
        };
        assert!(resolve_placement(&scopes(), &c).is_ok());
        let c = CustomerInput {
            store_id: Some(1),
            website_id: Some(5),
            ..Default::default()
        };
        assert_eq!(
            resolve_placement(&scopes(), &c).unwrap_err().to_string(),
            "input error: The store view is not in the associated website."
        );
        let c = CustomerInput {
            store_id: Some(9),
            ..Default::default()
        };
        assert!(matches!(
            resolve_placement(&scopes(), &c),
            Err(AppError::NotFound(_))
        ));
        let c = CustomerInput {
            website_id: Some(9),
            ..Default::default()
        };
        assert!(matches!(
            resolve_placement(&scopes(), &c),
            Err(AppError::NotFound(_))
        ));
    }
}
