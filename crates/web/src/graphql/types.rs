//! Magento's GraphQL types for customers (CustomerGraphQl/etc/schema.graphqls), with their
//! snake_case field names, and the mapping from the shared domain and rows.

use async_graphql::{ComplexObject, Context, Enum, InputObject, Interface, SimpleObject};
use customer_core::accounts::storefront::{self, StoreView};
use customer_core::accounts::{Account, AddressRow, CustomerRow};
use customer_core::directory::{self, Country as DirectoryCountry};
use customer_core::domain::address::{AddressInput, AddressRegion, RegionInput};

include!(concat!(env!("OUT_DIR"), "/country_code_enum.rs"));

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ConfirmationStatusEnum {
    AccountConfirmed,
    AccountConfirmationNotRequired,
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerAddressRegion {
    pub region_code: Option<String>,
    pub region: Option<String>,
    pub region_id: Option<i32>,
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case", complex)]
pub struct CustomerAddress {
    pub id: Option<i32>,
    /// Always null, as in Magento.
    pub customer_id: Option<i32>,
    pub region: Option<CustomerAddressRegion>,
    pub region_id: Option<i32>,
    #[graphql(deprecation = "Use `country_code` instead.")]
    pub country_id: Option<String>,
    pub country_code: Option<CountryCodeEnum>,
    pub street: Option<Vec<Option<String>>>,
    pub company: Option<String>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub vat_id: Option<String>,
    pub default_shipping: Option<bool>,
    pub default_billing: Option<bool>,
    /// Magento's `Uid::encode`: the base64 of the id.
    pub uid: async_graphql::ID,
    /// No custom address attributes exist here: always an empty list.
    #[graphql(deprecation = "Use custom_attributesV2 instead.")]
    pub custom_attributes: Option<Vec<Option<CustomerAddressAttribute>>>,
    /// No extension attributes exist here: always an empty list.
    pub extension_attributes: Option<Vec<Option<CustomerAddressAttribute>>>,
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerAddressAttribute {
    pub attribute_code: Option<String>,
    pub value: Option<String>,
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case", complex)]
pub struct Customer {
    /// The customer's group, for `group` (Magento deprecates `group_id`, which stays null).
    #[graphql(skip)]
    pub customer_group_id: i32,
    pub created_at: Option<String>,
    /// Always null: deprecated in Magento.
    pub group_id: Option<i32>,
    pub prefix: Option<String>,
    pub firstname: Option<String>,
    pub middlename: Option<String>,
    pub lastname: Option<String>,
    pub suffix: Option<String>,
    pub email: Option<String>,
    pub default_billing: Option<String>,
    pub default_shipping: Option<String>,
    #[graphql(deprecation = "Use `date_of_birth` instead.")]
    pub dob: Option<String>,
    pub date_of_birth: Option<String>,
    pub taxvat: Option<String>,
    /// Always null, as in Magento 2.4.7+.
    pub id: Option<i32>,
    pub is_subscribed: Option<bool>,
    pub addresses: Option<Vec<Option<CustomerAddress>>>,
    pub gender: Option<i32>,
    pub confirmation_status: ConfirmationStatusEnum,
    /// Whether the account's e-mail is confirmed (or needs no confirmation): magento2-pwa's
    /// field, read by PWA Studio's sign-up form.
    pub is_confirmed: Option<bool>,
}

#[ComplexObject(rename_fields = "snake_case")]
impl Customer {
    /// The customer's addresses, a page at a time (Magento's `addressesV2`, ordered by id).
    #[graphql(name = "addressesV2")]
    async fn addresses_v2(
        &self,
        #[graphql(name = "currentPage", default = 1)] current_page: Option<i32>,
        #[graphql(name = "pageSize", default = 5)] page_size: Option<i32>,
    ) -> async_graphql::Result<Option<CustomerAddresses>> {
        let all: Vec<CustomerAddress> =
            self.addresses.iter().flatten().flatten().cloned().collect();
        CustomerAddresses::page(all, current_page, page_size).map(Some)
    }

    /// No customer attributes are user-defined here: always an empty list.
    async fn custom_attributes(
        &self,
        #[graphql(name = "attributeCodes")] _attribute_codes: Option<Vec<async_graphql::ID>>,
    ) -> Option<Vec<Option<AttributeValueInterface>>> {
        Some(Vec::new())
    }

    /// Name of the customer group assigned to the customer (Magento shares it:
    /// `graphql_share_customer_group` is on).
    async fn group(
        &self,
        ctx: &Context<'_>,
    ) -> super::context::GqlResult<Option<CustomerGroupStorefront>> {
        super::context::customer_group(ctx, self.customer_group_id)
            .await
            .map(Some)
    }
}

#[ComplexObject(rename_fields = "snake_case")]
impl CustomerAddress {
    /// No address attributes are user-defined here: always an empty list.
    #[graphql(name = "custom_attributesV2")]
    async fn custom_attributes_v2(
        &self,
        #[graphql(name = "attributeCodes")] _attribute_codes: Option<Vec<async_graphql::ID>>,
    ) -> Vec<AttributeValueInterface> {
        Vec::new()
    }
}

/// Magento's `SearchResultPageInfo`.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct SearchResultPageInfo {
    pub page_size: Option<i32>,
    pub current_page: Option<i32>,
    pub total_pages: Option<i32>,
}

/// Magento's `CustomerAddresses` (one page of `addressesV2`).
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerAddresses {
    pub items: Option<Vec<Option<CustomerAddress>>>,
    pub page_info: Option<SearchResultPageInfo>,
    pub total_count: Option<i32>,
}

impl CustomerAddresses {
    /// Magento's rules (ValidateAddressRequest, then the address collection): sizes below 1 are
    /// refused; a page past the last one shows the last page's items (a Magento collection
    /// clamps its page) while `current_page` reports the page asked for.
    pub fn page(
        mut all: Vec<CustomerAddress>,
        current_page: Option<i32>,
        page_size: Option<i32>,
    ) -> async_graphql::Result<Self> {
        let (current_page, page_size) = (current_page.unwrap_or(1), page_size.unwrap_or(5));
        if page_size < 1 {
            return Err(super::context::input_error(
                "pageSize value must be greater than 0.",
            ));
        }
        if current_page < 1 {
            return Err(super::context::input_error(
                "currentPage value must be greater than 0.",
            ));
        }
        all.sort_by_key(|a| a.id);
        let total = all.len();
        let size = usize::try_from(page_size).unwrap_or(usize::MAX);
        let last_page = total.div_ceil(size).max(1);
        let page = usize::try_from(current_page).unwrap_or(1).min(last_page);
        let items = all
            .into_iter()
            .skip((page - 1).saturating_mul(size))
            .take(size)
            .map(Some)
            .collect();
        let total_pages = i32::try_from(total.div_ceil(size)).unwrap_or(i32::MAX);
        let total = i32::try_from(total).unwrap_or(i32::MAX);
        Ok(Self {
            items: Some(items),
            page_info: Some(SearchResultPageInfo {
                page_size: Some(page_size),
                current_page: Some(current_page),
                total_pages: Some(total_pages),
            }),
            total_count: Some(total),
        })
    }
}

/// EavGraphQl's attribute value with a plain value.
#[derive(SimpleObject, Clone, Debug)]
pub struct AttributeValue {
    pub uid: async_graphql::ID,
    pub code: String,
    pub value: String,
}

/// EavGraphQl's selected option of a select or multiselect attribute.
#[derive(SimpleObject, Clone, Debug)]
pub struct AttributeSelectedOption {
    pub uid: async_graphql::ID,
    pub label: String,
    pub value: String,
}

#[expect(
    clippy::duplicated_attributes,
    reason = "two interface fields of the same type read as duplicates to clippy"
)]
#[derive(Interface, Clone, Debug)]
#[graphql(
    field(name = "uid", ty = "&async_graphql::ID"),
    field(name = "label", ty = "&String"),
    field(name = "value", ty = "&String")
)]
pub enum AttributeSelectedOptionInterface {
    AttributeSelectedOption(AttributeSelectedOption),
}

/// EavGraphQl's attribute value of a select or multiselect attribute.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct AttributeSelectedOptions {
    pub uid: async_graphql::ID,
    pub code: String,
    pub selected_options: Vec<AttributeSelectedOptionInterface>,
}

/// EavGraphQl's `AttributeValueInterface`: what `custom_attributes` lists.
#[derive(Interface, Clone, Debug)]
#[graphql(
    field(name = "uid", ty = "&async_graphql::ID"),
    field(name = "code", ty = "&String")
)]
pub enum AttributeValueInterface {
    AttributeValue(AttributeValue),
    AttributeSelectedOptions(AttributeSelectedOptions),
}

/// EavGraphQl's `AttributeInputSelectedOption`.
#[derive(InputObject, Clone, Debug)]
pub struct AttributeInputSelectedOption {
    pub uid: async_graphql::ID,
    pub value: String,
}

/// EavGraphQl's `AttributeValueInput`. No attribute here is user-defined, and Magento's data
/// objects drop custom attributes whose code is not an attribute of the entity: accepted and
/// ignored.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct AttributeValueInput {
    pub attribute_code: String,
    pub value: Option<String>,
    pub selected_options: Option<Vec<AttributeInputSelectedOption>>,
}

/// CustomerGraphQl's deprecated `CustomerAddressAttributeInput`.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerAddressAttributeInput {
    pub attribute_code: String,
    pub value: String,
}

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

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// PHP's `base64_encode`.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of a base64 text, `None` when it holds anything but the alphabet and trailing
/// padding. Callers compare `base64_encode` of the result with the text for PHP's strictness.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in body.bytes() {
        let v = BASE64.iter().position(|&a| a == c)?;
        bits = bits << 6 | v as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count & 0xff) as u8);
        }
    }
    Some(out)
}

/// Magento's uids: `base64_encode((string) $id)`.
pub fn uid_of(id: i32) -> async_graphql::ID {
    async_graphql::ID(base64_encode(id.to_string().as_bytes()))
}

/// `confirmEmail`'s input.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ConfirmEmailInput {
    pub email: String,
    pub confirmation_key: String,
}

/// NewsletterGraphQl's statuses (Magento_Newsletter's subscriber_status 1..4).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum SubscriptionStatusesEnum {
    NotActive,
    Subscribed,
    Unsubscribed,
    Unconfirmed,
}

impl From<customer_core::accounts::newsletter::SubscriptionStatus> for SubscriptionStatusesEnum {
    fn from(s: customer_core::accounts::newsletter::SubscriptionStatus) -> Self {
        use customer_core::accounts::newsletter::SubscriptionStatus as S;
        match s {
            S::Subscribed => Self::Subscribed,
            S::NotActive => Self::NotActive,
            S::Unsubscribed => Self::Unsubscribed,
            S::Unconfirmed => Self::Unconfirmed,
        }
    }
}

#[derive(SimpleObject, Clone, Debug)]
pub struct SubscribeEmailToNewsletterOutput {
    pub status: Option<SubscriptionStatusesEnum>,
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
pub struct CustomerOutput {
    pub customer: Customer,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct CustomerToken {
    pub token: Option<String>,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct RevokeCustomerTokenOutput {
    pub result: bool,
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct IsEmailAvailableOutput {
    pub is_email_available: Option<bool>,
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

/// `createCustomer`'s (deprecated) input, also Magento's old update input: every field optional.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerInput {
    pub prefix: Option<String>,
    pub firstname: Option<String>,
    pub middlename: Option<String>,
    pub lastname: Option<String>,
    pub suffix: Option<String>,
    pub email: Option<String>,
    pub dob: Option<String>,
    pub date_of_birth: Option<String>,
    pub taxvat: Option<String>,
    pub gender: Option<i32>,
    pub password: Option<String>,
    pub is_subscribed: Option<bool>,
}

#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerCreateInput {
    pub prefix: Option<String>,
    pub firstname: String,
    pub middlename: Option<String>,
    pub lastname: String,
    pub suffix: Option<String>,
    pub email: String,
    pub dob: Option<String>,
    pub date_of_birth: Option<String>,
    pub taxvat: Option<String>,
    pub gender: Option<i32>,
    pub password: Option<String>,
    pub is_subscribed: Option<bool>,
    /// Accepted and ignored (see `AttributeValueInput`).
    pub custom_attributes: Option<Vec<AttributeValueInput>>,
}

impl From<CustomerCreateInput> for CustomerInput {
    fn from(i: CustomerCreateInput) -> Self {
        Self {
            prefix: i.prefix,
            firstname: Some(i.firstname),
            middlename: i.middlename,
            lastname: Some(i.lastname),
            suffix: i.suffix,
            email: Some(i.email),
            dob: i.dob,
            date_of_birth: i.date_of_birth,
            taxvat: i.taxvat,
            gender: i.gender,
            password: i.password,
            is_subscribed: i.is_subscribed,
        }
    }
}

impl CustomerInput {
    /// The shared domain input (the password travels separately).
    /// Nothing sent (Magento's `empty($args['input'])`).
    pub fn is_empty(&self) -> bool {
        let Self {
            prefix,
            firstname,
            middlename,
            lastname,
            suffix,
            email,
            dob,
            date_of_birth,
            taxvat,
            gender,
            password,
            is_subscribed,
        } = self;
        [
            prefix,
            firstname,
            middlename,
            lastname,
            suffix,
            email,
            dob,
            date_of_birth,
            taxvat,
            password,
        ]
        .iter()
        .all(|v| v.is_none())
            && gender.is_none()
            && is_subscribed.is_none()
    }

    pub fn into_domain(self) -> customer_core::domain::customer::CustomerInput {
        customer_core::domain::customer::CustomerInput {
            email: self.email,
            firstname: self.firstname,
            lastname: self.lastname,
            middlename: self.middlename,
            prefix: self.prefix,
            suffix: self.suffix,
            dob: self.date_of_birth.or(self.dob),
            taxvat: self.taxvat,
            gender: self.gender.map(i64::from),
            is_subscribed: self.is_subscribed,
            ..Default::default()
        }
    }
}

impl From<CustomerUpdateInput> for CustomerInput {
    fn from(i: CustomerUpdateInput) -> Self {
        Self {
            prefix: i.prefix,
            firstname: i.firstname,
            middlename: i.middlename,
            lastname: i.lastname,
            suffix: i.suffix,
            dob: i.dob,
            date_of_birth: i.date_of_birth,
            taxvat: i.taxvat,
            gender: i.gender,
            is_subscribed: i.is_subscribed,
            email: None,
            password: None,
        }
    }
}

#[derive(InputObject, Clone, Debug, Default)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerUpdateInput {
    pub date_of_birth: Option<String>,
    pub dob: Option<String>,
    pub firstname: Option<String>,
    pub gender: Option<i32>,
    pub is_subscribed: Option<bool>,
    pub lastname: Option<String>,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub taxvat: Option<String>,
    /// Accepted and ignored (see `AttributeValueInput`).
    pub custom_attributes: Option<Vec<AttributeValueInput>>,
}

#[derive(InputObject, Clone, Debug, Default)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerAddressRegionInput {
    pub region_code: Option<String>,
    pub region: Option<String>,
    pub region_id: Option<i32>,
}

#[derive(InputObject, Clone, Debug, Default)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerAddressInput {
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub company: Option<String>,
    pub telephone: Option<String>,
    pub street: Option<Vec<Option<String>>>,
    pub city: Option<String>,
    pub region: Option<CustomerAddressRegionInput>,
    pub postcode: Option<String>,
    #[graphql(deprecation = "Use `country_code` instead.")]
    pub country_id: Option<CountryCodeEnum>,
    pub country_code: Option<CountryCodeEnum>,
    pub default_shipping: Option<bool>,
    pub default_billing: Option<bool>,
    pub fax: Option<String>,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub vat_id: Option<String>,
    /// Accepted and ignored (see `AttributeValueInput`).
    #[graphql(deprecation = "Use custom_attributesV2 instead.")]
    pub custom_attributes: Option<Vec<Option<CustomerAddressAttributeInput>>>,
    /// Accepted and ignored (see `AttributeValueInput`).
    #[graphql(name = "custom_attributesV2")]
    pub custom_attributes_v2: Option<Vec<Option<AttributeValueInput>>>,
}

impl CustomerAddressInput {
    pub fn is_empty(&self) -> bool {
        self.firstname.is_none()
            && self.lastname.is_none()
            && self.company.is_none()
            && self.telephone.is_none()
            && self.street.is_none()
            && self.city.is_none()
            && self.region.is_none()
            && self.postcode.is_none()
            && self.country_id.is_none()
            && self.country_code.is_none()
            && self.default_shipping.is_none()
            && self.default_billing.is_none()
            && self.fax.is_none()
            && self.middlename.is_none()
            && self.prefix.is_none()
            && self.suffix.is_none()
            && self.vat_id.is_none()
            && self.custom_attributes.is_none()
            && self.custom_attributes_v2.is_none()
    }

    /// The shared domain input (GraphQL's `region_id` lives inside `region`).
    pub fn to_domain(&self) -> AddressInput {
        let region = self.region.as_ref().map(|r| RegionInput {
            region_code: r.region_code.clone(),
            region: r.region.clone(),
            region_id: r.region_id.map(i64::from),
        });
        AddressInput {
            region_id: self
                .region
                .as_ref()
                .and_then(|r| r.region_id)
                .map(i64::from),
            region,
            country_id: self
                .country_code
                .or(self.country_id)
                .map(|c| c.code().to_owned()),
            street: self.street.as_ref().map(|lines| {
                lines
                    .iter()
                    .map(|l| l.clone().unwrap_or_default())
                    .collect()
            }),
            company: self.company.clone(),
            telephone: self.telephone.clone(),
            fax: self.fax.clone(),
            postcode: self.postcode.clone(),
            city: self.city.clone(),
            firstname: self.firstname.clone(),
            lastname: self.lastname.clone(),
            middlename: self.middlename.clone(),
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
            vat_id: self.vat_id.clone(),
            default_shipping: self.default_shipping,
            default_billing: self.default_billing,
            ..AddressInput::default()
        }
    }
}

impl CustomerAddress {
    pub fn from_row(a: &AddressRow, customer: &CustomerRow) -> Self {
        let region = AddressRegion::from_stored(a.region_id, &a.country_id, a.region.as_deref());
        let (code, name) = match &region {
            AddressRegion::None => (None, None),
            AddressRegion::Listed(r) => (Some(r.code.to_owned()), Some(r.name.to_owned())),
            AddressRegion::Text(t) => (Some(t.clone()), Some(t.clone())),
        };
        Self {
            id: Some(a.entity_id),
            customer_id: None,
            region: Some(CustomerAddressRegion {
                region_code: code,
                region: name,
                region_id: Some(region.id()),
            }),
            region_id: Some(region.id()),
            country_id: Some(a.country_id.clone()),
            country_code: CountryCodeEnum::from_code(&a.country_id),
            street: Some(a.street.split('\n').map(|l| Some(l.to_owned())).collect()),
            company: a.company.clone(),
            telephone: a.telephone.clone(),
            fax: a.fax.clone(),
            postcode: a.postcode.clone(),
            city: Some(a.city.clone()),
            firstname: Some(a.firstname.clone()),
            lastname: Some(a.lastname.clone()),
            middlename: a.middlename.clone(),
            prefix: a.prefix.clone(),
            suffix: a.suffix.clone(),
            vat_id: a.vat_id.clone(),
            default_shipping: Some(customer.default_shipping == Some(a.entity_id)),
            default_billing: Some(customer.default_billing == Some(a.entity_id)),
            uid: uid_of(a.entity_id),
            custom_attributes: Some(Vec::new()),
            extension_attributes: Some(Vec::new()),
        }
    }
}

/// CustomerGraphQl's `CustomerGroupStorefront`: the group's encoded id and its code.
#[derive(SimpleObject, Clone, Debug)]
pub struct CustomerGroupStorefront {
    /// The unique ID for a `CustomerGroup` object (Magento's `Uid`: base64 of the id).
    pub uid: async_graphql::ID,
    /// The name of customer group.
    pub name: Option<String>,
}

impl CustomerGroupStorefront {
    pub fn from_row(group: &customer_core::accounts::GroupRow) -> Self {
        Self {
            uid: base64(group.id.to_string().as_bytes()).into(),
            name: Some(group.code.clone()),
        }
    }
}

/// Standard base64 with padding (PHP's `base64_encode`, which Magento's `Uid::encode` uses).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Customer {
    pub fn from_account(account: &Account, confirmation_required: bool) -> Self {
        Self::from_rows(&account.customer, &account.addresses, confirmation_required)
    }

    fn from_rows(c: &CustomerRow, addresses: &[AddressRow], confirmation_required: bool) -> Self {
        let dob = c.dob.map(|d| d.format("%Y-%m-%d").to_string());
        Self {
            customer_group_id: c.group_id,
            created_at: Some(c.created_at.format("%Y-%m-%d %H:%M:%S").to_string()),
            group_id: None,
            prefix: c.prefix.clone(),
            firstname: Some(c.firstname.clone()),
            middlename: c.middlename.clone(),
            lastname: Some(c.lastname.clone()),
            suffix: c.suffix.clone(),
            email: Some(c.email.clone()),
            default_billing: c.default_billing.map(|id| id.to_string()),
            default_shipping: c.default_shipping.map(|id| id.to_string()),
            dob: dob.clone(),
            date_of_birth: dob,
            taxvat: c.taxvat.clone(),
            id: None,
            is_subscribed: Some(c.is_subscribed),
            addresses: Some(
                addresses
                    .iter()
                    .map(|a| Some(CustomerAddress::from_row(a, c)))
                    .collect(),
            ),
            gender: c.gender.map(i32::from),
            confirmation_status: if confirmation_required {
                ConfirmationStatusEnum::AccountConfirmed
            } else {
                ConfirmationStatusEnum::AccountConfirmationNotRequired
            },
            is_confirmed: Some(c.confirmation.is_none()),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::uid_of;

    #[test]
    fn uids_are_phps_base64_of_the_id() {
        assert_eq!(uid_of(1).0, "MQ==");
        assert_eq!(uid_of(12).0, "MTI=");
        assert_eq!(uid_of(123).0, "MTIz");
        assert_eq!(uid_of(1234).0, "MTIzNA==");
    }
}
