//! Store, directory and reCAPTCHA types: `StoreConfig`, `Currency`, `Country`, `Region`,
//! `ReCaptchaConfigurationV3`.

use super::uid::uid_of;
use async_graphql::{Enum, SimpleObject};
use customer_core::accounts::storefront::{self, StoreView};
use customer_core::directory::{self, Country as DirectoryCountry};
use customer_core::scopes::StoreConfigValues;

include!(concat!(env!("OUT_DIR"), "/country_code_enum.rs"));

include!(concat!(env!("OUT_DIR"), "/store_config.rs"));

impl StoreConfig {
    /// The store view's configuration: its own names and codes, and every config path's value
    /// in effect for it (`scopes::StoreConfigValues`).
    pub fn from_view(state: &customer_core::state::AppState, v: &StoreView<'_>) -> Self {
        let values = StoreConfigValues::of(state, v.store.store_id);
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
            root_category_id: Some(v.group.root_category_id),
            root_category_uid: Some(uid_of(v.group.root_category_id)),
            ..Self::from_config(&values)
        }
    }
}

/// How a config value (text, as Magento stores it) reads as each GraphQL scalar: as PHP casts
/// it when Magento returns the stored text (`"1"` is true, `""` and `"0"` false).
mod read {
    pub fn string(v: Option<String>) -> Option<String> {
        v
    }

    pub fn int(v: Option<String>) -> Option<i32> {
        v.and_then(|t| t.trim().parse().ok())
    }

    pub fn int_or_zero(v: Option<String>) -> i32 {
        int(v).unwrap_or(0)
    }

    pub fn boolean(v: Option<String>) -> Option<bool> {
        v.map(|t| !matches!(t.trim(), "" | "0"))
    }

    pub fn boolean_or_false(v: Option<String>) -> bool {
        boolean(v).unwrap_or(false)
    }

    pub fn float(v: Option<String>) -> Option<f64> {
        v.and_then(|t| t.trim().parse().ok())
    }
}

/// The `StoreConfig` fields Magento computes with a resolver of their own.
mod special {
    use super::{
        CancellationReason, FixedProductTaxDisplaySettings, ProductImageThumbnail,
        SendFriendConfiguration, TaxWrappingEnum, read,
    };
    use customer_core::scopes::StoreConfigValues;

    /// WeeeGraphQl's StoreConfig resolver: `FPT_DISABLED` unless fixed product taxes are on,
    /// then the display setting of `tax/weee/<which>`.
    fn fpt(values: &StoreConfigValues, which: &str) -> Option<FixedProductTaxDisplaySettings> {
        use FixedProductTaxDisplaySettings as S;
        if !values.flag("tax/weee/enable") {
            return Some(S::FptDisabled);
        }
        Some(match read::int(values.get(&format!("tax/weee/{which}"))) {
            Some(1) => S::IncludeFptWithDetails,
            Some(2) => S::ExcludeFptAndIncludeWithDetails,
            Some(3) => S::ExcludeFptWithoutDetails,
            _ => S::IncludeFptWithoutDetails,
        })
    }

    pub fn category_fixed_product_tax_display_setting(
        values: &StoreConfigValues,
    ) -> Option<FixedProductTaxDisplaySettings> {
        fpt(values, "display_list")
    }

    pub fn product_fixed_product_tax_display_setting(
        values: &StoreConfigValues,
    ) -> Option<FixedProductTaxDisplaySettings> {
        fpt(values, "display")
    }

    pub fn sales_fixed_product_tax_display_setting(
        values: &StoreConfigValues,
    ) -> Option<FixedProductTaxDisplaySettings> {
        fpt(values, "display_sales")
    }

    /// QuoteGraphQl's StoreConfig resolver: the stored value in upper case.
    fn thumbnail(values: &StoreConfigValues, path: &str) -> ProductImageThumbnail {
        match values.get(path).as_deref() {
            Some("itself") => ProductImageThumbnail::Itself,
            _ => ProductImageThumbnail::Parent,
        }
    }

    pub fn configurable_product_image(values: &StoreConfigValues) -> ProductImageThumbnail {
        thumbnail(values, "checkout/cart/configurable_product_image")
    }

    pub fn grouped_product_image(values: &StoreConfigValues) -> ProductImageThumbnail {
        thumbnail(values, "checkout/cart/grouped_product_image")
    }

    /// OrderCancellationGraphQl: the reasons, kept as a JSON object of
    /// `{"reason1": {"description": ...}}` in their stored order.
    pub fn order_cancellation_reasons(values: &StoreConfigValues) -> Vec<CancellationReason> {
        let Some(text) = values.get("sales/cancellation/reasons") else {
            return Vec::new();
        };
        let Ok(serde_json::Value::Object(reasons)) = serde_json::from_str(&text) else {
            return Vec::new();
        };
        reasons
            .values()
            .filter_map(|r| r.get("description")?.as_str())
            .map(|d| CancellationReason {
                description: d.to_owned(),
            })
            .collect()
    }

    /// SendFriendGraphQl: "e-mail to a friend" for customers and for guests.
    pub fn send_friend(values: &StoreConfigValues) -> Option<SendFriendConfiguration> {
        Some(SendFriendConfiguration {
            enabled_for_customers: values.flag("sendfriend/email/enabled"),
            enabled_for_guests: values.flag("sendfriend/email/allow_guest"),
        })
    }

    /// TaxGraphQl's DisplayWrapping: 1, 2, 3 as the enum; unset is null.
    pub fn shopping_cart_display_tax_gift_wrapping(
        values: &StoreConfigValues,
    ) -> Option<TaxWrappingEnum> {
        match read::int(values.get("tax/cart_display/gift_wrapping"))? {
            1 => Some(TaxWrappingEnum::DisplayExcludingTax),
            2 => Some(TaxWrappingEnum::DisplayIncludingTax),
            3 => Some(TaxWrappingEnum::DisplayTypeBoth),
            _ => None,
        }
    }
}

/// WeeeGraphQl's display settings for fixed product taxes.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum FixedProductTaxDisplaySettings {
    IncludeFptWithoutDetails,
    IncludeFptWithDetails,
    ExcludeFptAndIncludeWithDetails,
    ExcludeFptWithoutDetails,
    FptDisabled,
}

/// QuoteGraphQl's choice of a cart item's thumbnail.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProductImageThumbnail {
    Itself,
    Parent,
}

/// TaxGraphQl's display of gift wrapping prices.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TaxWrappingEnum {
    DisplayExcludingTax,
    DisplayIncludingTax,
    DisplayTypeBoth,
}

/// OrderCancellationGraphQl's reason a shopper may give.
#[derive(SimpleObject, Clone, Debug)]
pub struct CancellationReason {
    pub description: String,
}

/// SendFriendGraphQl's "e-mail to a friend" switches.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct SendFriendConfiguration {
    pub enabled_for_customers: bool,
    pub enabled_for_guests: bool,
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
    ResendConfirmationEmail,
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
    /// Theme to be used to render reCaptcha.
    pub theme: String,
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
            // ReCaptchaVersion3Invisible's config.xml.
            theme: "light".to_owned(),
        }
    }
}

/// ReCaptchaWebapiGraphQl's `ReCaptchaTypeEmum` (sic).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ReCaptchaTypeEmum", rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ReCaptchaTypeEmum {
    Invisible,
    Recaptcha,
    RecaptchaV3,
}

/// ReCaptchaWebapiGraphQl's configuration of one form's reCAPTCHA. No form has one here yet
/// (no keys can be configured), so every answer's `configurations` is null.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ReCaptchaConfiguration {
    pub re_captcha_type: ReCaptchaTypeEmum,
    pub website_key: String,
    pub minimum_score: Option<f64>,
    pub badge_position: Option<String>,
    pub theme: String,
    pub language_code: Option<String>,
    pub validation_failure_message: String,
    pub technical_failure_message: String,
}

/// `recaptchaFormConfig`'s answer.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ReCaptchaConfigOutput {
    /// Indicates whether reCaptcha type is enabled
    pub is_enabled: bool,
    /// Configuration details for reCaptcha type
    pub configurations: Option<ReCaptchaConfiguration>,
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
