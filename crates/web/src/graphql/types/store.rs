//! Store, directory and reCAPTCHA types: `StoreConfig`, `Currency`, `Country`, `Region`,
//! `ReCaptchaConfigurationV3`.

use async_graphql::{Enum, SimpleObject};
use customer_core::accounts::storefront::{self, StoreView};
use customer_core::directory::{self, Country as DirectoryCountry};

include!(concat!(env!("OUT_DIR"), "/country_code_enum.rs"));

/// Magento's `StoreConfig` (StoreGraphQl, with the fields CustomerGraphQl and NewsletterGraphQl
/// add), for the fields this service has a value for.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct StoreConfig {
    #[graphql(deprecation = "Use `store_code` instead.")]
    pub id: Option<i32>,
    #[graphql(deprecation = "Use `store_code` instead.")]
    pub code: Option<String>,
    pub store_code: Option<async_graphql::ID>,
    pub store_name: Option<String>,
    pub store_sort_order: Option<i32>,
    pub is_default_store: Option<bool>,
    pub store_group_code: Option<async_graphql::ID>,
    pub store_group_name: Option<String>,
    pub is_default_store_group: Option<bool>,
    #[graphql(deprecation = "The field should not be used on the storefront.")]
    pub website_id: Option<i32>,
    pub website_code: Option<async_graphql::ID>,
    pub website_name: Option<String>,
    pub locale: Option<String>,
    pub base_currency_code: Option<String>,
    pub default_display_currency_code: Option<String>,
    pub timezone: Option<String>,
    pub weight_unit: Option<String>,
    pub base_url: Option<String>,
    pub base_link_url: Option<String>,
    pub base_static_url: Option<String>,
    pub base_media_url: Option<String>,
    pub secure_base_url: Option<String>,
    pub secure_base_link_url: Option<String>,
    pub secure_base_static_url: Option<String>,
    pub secure_base_media_url: Option<String>,
    pub use_store_in_url: Option<bool>,
    pub minimum_password_length: Option<String>,
    pub required_character_classes_number: Option<String>,
    pub create_account_confirmation: Option<bool>,
    pub customer_access_token_lifetime: Option<f64>,
    pub autocomplete_on_storefront: Option<bool>,
    pub graphql_share_customer_group: Option<bool>,
    pub newsletter_enabled: bool,
}

impl StoreConfig {
    pub fn from_view(state: &customer_core::state::AppState, v: &StoreView<'_>) -> Self {
        let s = &state.settings;
        let urls = storefront::base_urls(state);
        let id = |text: &str| Some(async_graphql::ID(text.to_owned()));
        Self {
            id: Some(v.store.store_id),
            code: Some(v.store.code.clone()),
            store_code: id(&v.store.code),
            store_name: Some(v.store.name.clone()),
            store_sort_order: Some(v.store.sort_order),
            is_default_store: Some(v.is_default_store),
            store_group_code: id(&v.group.code),
            store_group_name: Some(v.group.name.clone()),
            is_default_store_group: Some(v.is_default_group),
            website_id: Some(v.website.website_id),
            website_code: id(&v.website.code),
            website_name: Some(v.website.name.clone()),
            locale: Some(s.store_locale.clone()),
            base_currency_code: Some(s.store_currency.clone()),
            default_display_currency_code: Some(s.store_currency.clone()),
            timezone: Some(s.store_timezone.clone()),
            weight_unit: Some(s.store_weight_unit.clone()),
            base_link_url: Some(urls.base_url.clone()),
            secure_base_link_url: Some(urls.secure_base_url.clone()),
            base_url: Some(urls.base_url),
            base_static_url: Some(urls.base_static_url),
            base_media_url: Some(urls.base_media_url),
            secure_base_url: Some(urls.secure_base_url),
            secure_base_static_url: Some(urls.secure_base_static_url),
            secure_base_media_url: Some(urls.secure_base_media_url),
            use_store_in_url: Some(false),
            minimum_password_length: Some(s.password_policy.min_length.to_string()),
            required_character_classes_number: Some(s.password_policy.required_classes.to_string()),
            create_account_confirmation: Some(s.confirmation_required),
            customer_access_token_lifetime: Some(s.customer_token_lifetime.as_secs_f64() / 3600.0),
            autocomplete_on_storefront: Some(true),
            graphql_share_customer_group: Some(true),
            newsletter_enabled: true,
        }
    }
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ExchangeRate {
    pub currency_to: Option<String>,
    pub rate: Option<f64>,
}

/// Magento's `Currency` (DirectoryGraphQl): one currency, so one rate of 1.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct Currency {
    pub available_currency_codes: Option<Vec<Option<String>>>,
    pub base_currency_code: Option<String>,
    pub base_currency_symbol: Option<String>,
    #[graphql(deprecation = "Symbol was missed. Use `default_display_currency_code`.")]
    pub default_display_currecy_code: Option<String>,
    #[graphql(deprecation = "Symbol was missed. Use `default_display_currency_code`.")]
    pub default_display_currecy_symbol: Option<String>,
    pub default_display_currency_code: Option<String>,
    pub default_display_currency_symbol: Option<String>,
    pub exchange_rates: Option<Vec<Option<ExchangeRate>>>,
}

impl Currency {
    pub fn of(code: &str) -> Self {
        let symbol = Some(storefront::currency_symbol(code));
        let code = Some(code.to_owned());
        Self {
            available_currency_codes: Some(vec![code.clone()]),
            base_currency_code: code.clone(),
            base_currency_symbol: symbol.clone(),
            default_display_currecy_code: code.clone(),
            default_display_currecy_symbol: symbol.clone(),
            default_display_currency_code: code.clone(),
            default_display_currency_symbol: symbol,
            exchange_rates: Some(vec![Some(ExchangeRate {
                currency_to: code,
                rate: Some(1.0),
            })]),
        }
    }
}

/// The forms of ReCaptchaWebapiGraphQl's `ReCaptchaFormEnum`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ReCaptchaFormEnum {
    PlaceOrder,
    Contact,
    CustomerLogin,
    CustomerForgotPassword,
    CustomerCreate,
    CustomerEdit,
    Newsletter,
    ProductReview,
    Sendfriend,
    Braintree,
}

/// ReCaptchaWebapiGraphQl's `ReCaptchaConfigurationV3`.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ReCaptchaConfigurationV3 {
    pub is_enabled: bool,
    pub website_key: String,
    pub minimum_score: f64,
    pub badge_position: String,
    pub language_code: Option<String>,
    pub failure_message: String,
    pub forms: Vec<ReCaptchaFormEnum>,
}

impl ReCaptchaConfigurationV3 {
    /// reCAPTCHA is never configured here: Magento's answer with no keys and no forms, with
    /// the security package's defaults (score 0.5, badge `inline`, no language,
    /// ReCaptchaFrontendUi's failure message).
    pub fn not_configured() -> Self {
        Self {
            is_enabled: false,
            website_key: String::new(),
            minimum_score: 0.5,
            badge_position: "inline".to_owned(),
            language_code: Some(String::new()),
            failure_message: "reCAPTCHA verification failed.".to_owned(),
            forms: Vec::new(),
        }
    }
}

#[derive(SimpleObject, Clone, Debug)]
pub struct Region {
    pub id: Option<i32>,
    pub code: Option<String>,
    pub name: Option<String>,
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct Country {
    pub id: Option<String>,
    pub two_letter_abbreviation: Option<String>,
    pub three_letter_abbreviation: Option<String>,
    pub full_name_locale: Option<String>,
    pub full_name_english: Option<String>,
    pub available_regions: Option<Vec<Option<Region>>>,
}

impl Country {
    pub fn from_directory(c: &DirectoryCountry) -> Self {
        let mut regions: Vec<_> = directory::regions_of(c.id).collect();
        regions.sort_by(|a, b| a.name.cmp(b.name));
        Self {
            id: Some(c.id.to_owned()),
            two_letter_abbreviation: Some(c.id.to_owned()),
            three_letter_abbreviation: Some(c.iso3.to_owned()),
            full_name_locale: Some(c.name.to_owned()),
            full_name_english: Some(c.name.to_owned()),
            available_regions: (!regions.is_empty()).then(|| {
                regions
                    .into_iter()
                    .map(|r| {
                        Some(Region {
                            id: Some(r.id as i32),
                            code: Some(r.code.to_owned()),
                            name: Some(r.name.to_owned()),
                        })
                    })
                    .collect()
            }),
        }
    }
}
