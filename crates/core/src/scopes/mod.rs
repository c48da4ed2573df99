//! Settings by scope, the way Magento keeps them: a value per config path
//! (`customer/password/minimum_password_length`), read for one store view.
//!
//! Where a value comes from, first match wins:
//! 1. the paths this service enforces itself (password policy, confirmation, token lifetime,
//!    locale and currency, URLs, the directory's country lists): its own settings, so what a
//!    storefront is told is what the service does;
//! 2. Magento 2.4.8's `config.xml` default for the path (`resources/config/store_config.json`),
//!    or the value Magento's installer writes (`general/region/display_all`).
//!
//! A path with neither has no value (Magento's `null`).

use crate::directory;
use crate::state::AppState;

include!(concat!(env!("OUT_DIR"), "/magento_defaults.rs"));

/// Values Magento's installer writes into `core_config_data` (data patches, not `config.xml`).
const INSTALL_VALUES: &[(&str, &str)] = &[("general/region/display_all", "1")];

/// The config values in effect for one store view.
pub struct StoreConfigValues {
    owned: Vec<(&'static str, String)>,
}

impl StoreConfigValues {
    /// The values for a store view (every store view has the same ones until settings by
    /// website and store view arrive).
    pub fn of(state: &AppState, _store_id: i32) -> Self {
        let s = &state.settings;
        let urls = base_urls(state);
        let flag = |on: bool| if on { "1" } else { "0" }.to_owned();
        let owned = vec![
            (
                "customer/password/minimum_password_length",
                s.password_policy.min_length.to_string(),
            ),
            (
                "customer/password/required_character_classes_number",
                s.password_policy.required_classes.to_string(),
            ),
            (
                "customer/create_account/confirm",
                flag(s.confirmation_required),
            ),
            (
                "oauth/access_token_lifetime/customer",
                (s.customer_token_lifetime.as_secs_f64() / 3600.0).to_string(),
            ),
            // Accounts belong to one website here (Magento's default); sharing them across
            // websites is not offered.
            ("customer/account_share/scope", "1".to_owned()),
            // The newsletter is always served.
            ("newsletter/general/active", "1".to_owned()),
            // Login as Customer is not offered yet: the shopper's consent is kept, nothing
            // uses it, so storefronts are told the feature is off.
            ("login_as_customer/general/enabled", "0".to_owned()),
            ("general/locale/code", s.store_locale.clone()),
            ("general/locale/timezone", s.store_timezone.clone()),
            ("general/locale/weight_unit", s.store_weight_unit.clone()),
            ("currency/options/base", s.store_currency.clone()),
            ("currency/options/default", s.store_currency.clone()),
            ("web/unsecure/base_url", urls.base_url.clone()),
            ("web/unsecure/base_link_url", urls.base_url.clone()),
            ("web/unsecure/base_static_url", urls.base_static_url),
            ("web/unsecure/base_media_url", urls.base_media_url),
            ("web/secure/base_url", urls.secure_base_url.clone()),
            ("web/secure/base_link_url", urls.secure_base_url.clone()),
            ("web/secure/base_static_url", urls.secure_base_static_url),
            ("web/secure/base_media_url", urls.secure_base_media_url),
            // Store codes never appear in this service's storefront URLs.
            ("web/url/use_store", "0".to_owned()),
            (
                "general/region/state_required",
                directory::state_required_countries().join(","),
            ),
            (
                "general/country/optional_zip_countries",
                directory::optional_zip_countries().join(","),
            ),
        ];
        Self { owned }
    }

    /// Magento's `isSetFlag`: whether a path's value is set to anything but empty or `0`.
    pub fn flag(&self, path: &str) -> bool {
        self.get(path)
            .is_some_and(|v| !matches!(v.trim(), "" | "0"))
    }

    /// The value of a config path, or `None` when Magento has none either.
    pub fn get(&self, path: &str) -> Option<String> {
        if let Some((_, v)) = self.owned.iter().find(|(p, _)| *p == path) {
            return Some(v.clone());
        }
        magento_default(path).map(str::to_owned)
    }
}

/// Magento's `web/unsecure/*` and `web/secure/*` URLs, derived from `STOREFRONT_URL`.
#[derive(Debug, Clone)]
pub struct BaseUrls {
    pub base_url: String,
    pub base_static_url: String,
    pub base_media_url: String,
    pub secure_base_url: String,
    pub secure_base_static_url: String,
    pub secure_base_media_url: String,
}

pub fn base_urls(state: &AppState) -> BaseUrls {
    let url = &state.settings.storefront_url;
    let base = if url.ends_with('/') {
        url.clone()
    } else {
        format!("{url}/")
    };
    let secure = base.replacen("http://", "https://", 1);
    BaseUrls {
        base_static_url: format!("{base}static/"),
        base_media_url: format!("{base}media/"),
        secure_base_static_url: format!("{secure}static/"),
        secure_base_media_url: format!("{secure}media/"),
        base_url: base,
        secure_base_url: secure,
    }
}

/// Magento's own value for a path on a fresh install.
pub fn magento_default(path: &str) -> Option<&'static str> {
    MAGENTO_DEFAULTS
        .binary_search_by(|(p, _)| (*p).cmp(path))
        .ok()
        .map(|i| MAGENTO_DEFAULTS[i].1)
        .or_else(|| {
            INSTALL_VALUES
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, v)| *v)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magento_defaults_are_found_by_path() {
        assert_eq!(
            magento_default("catalog/seo/product_url_suffix"),
            Some(".html")
        );
        assert_eq!(
            magento_default("customer/password/autocomplete_on_storefront"),
            Some("0")
        );
        assert_eq!(magento_default("general/region/display_all"), Some("1"));
        assert_eq!(magento_default("design/header/logo_alt"), None);
        assert!(MAGENTO_DEFAULTS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
