//! What a storefront reads before and around sign-in: its store view with the group and website
//! it belongs to, the base URLs, and the account rules it must show (password policy,
//! confirmation, token lifetime). Magento's `storeConfig`, `availableStores` and `currency`
//! queries read this; it comes from the scopes loaded at startup and the settings, so no
//! database round trip is needed.

use crate::db::scopes::{ADMIN_STORE_ID, Store, StoreGroup, Website};
use crate::state::AppState;

/// One store view as a storefront sees it.
#[derive(Debug, Clone)]
pub struct StoreView<'a> {
    pub store: &'a Store,
    pub group: &'a StoreGroup,
    pub website: &'a Website,
    /// The default store view of its group.
    pub is_default_store: bool,
    /// The default group of its website.
    pub is_default_group: bool,
}

fn view<'a>(state: &'a AppState, store: &'a Store) -> Option<StoreView<'a>> {
    let scopes = &state.scopes;
    let group = scopes
        .groups
        .iter()
        .find(|g| g.group_id == store.group_id)?;
    let website = scopes.website(store.website_id)?;
    Some(StoreView {
        store,
        group,
        website,
        is_default_store: group.default_store_id == store.store_id,
        is_default_group: website.default_group_id == group.group_id,
    })
}

/// The store view a storefront request runs in (never the admin store).
pub fn store_view(state: &AppState, store_id: i32) -> Option<StoreView<'_>> {
    state
        .scopes
        .store(store_id)
        .filter(|s| s.store_id != ADMIN_STORE_ID)
        .and_then(|s| view(state, s))
}

/// Magento's `availableStores`: the active store views of the request's website, or of its
/// store group when `use_current_group` is set, in sort order.
pub fn available_stores(
    state: &AppState,
    store_id: i32,
    use_current_group: bool,
) -> Vec<StoreView<'_>> {
    let Some(current) = state.scopes.store(store_id) else {
        return Vec::new();
    };
    let mut stores: Vec<&Store> = state
        .scopes
        .stores
        .iter()
        .filter(|s| s.store_id != ADMIN_STORE_ID && s.is_active)
        .filter(|s| s.website_id == current.website_id)
        .filter(|s| !use_current_group || s.group_id == current.group_id)
        .collect();
    stores.sort_by_key(|s| (s.sort_order, s.store_id));
    stores.into_iter().filter_map(|s| view(state, s)).collect()
}

/// The display symbol of the currencies this service is likely configured with (Magento reads
/// them from ICU); others show their code.
pub fn currency_symbol(code: &str) -> String {
    match code {
        "USD" | "CAD" | "AUD" | "NZD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" | "CNY" => "¥",
        "INR" => "₹",
        "CHF" => "CHF",
        _ => code,
    }
    .to_owned()
}
