//! Magento's customer output types (CustomerGraphQl): `Customer`, `CustomerAddress`, the
//! customer group, and the mapping from the rows `accounts` returns.

use super::attributes::{AttributeValueInterface, CustomerAddressAttribute};
use super::store::CountryCodeEnum;
use super::uid::uid_of;
use crate::graphql::context::{self, GqlResult, RequestContext, from_app, request};
use async_graphql::{ComplexObject, Context, Enum, SimpleObject};
use customer_core::accounts;
use customer_core::accounts::{Account, AddressRow, CustomerRow};
use customer_core::domain::address::AddressRegion;

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
    /// Indicates whether the customer has enabled remote shopping assistance
    /// (LoginAsCustomerGraphQl).
    pub allow_remote_shopping_assistance: bool,
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
    async fn group(&self, ctx: &Context<'_>) -> context::GqlResult<Option<CustomerGroup>> {
        customer_group(ctx, self.customer_group_id).await.map(Some)
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
            return Err(context::input_error(
                "pageSize value must be greater than 0.",
            ));
        }
        if current_page < 1 {
            return Err(context::input_error(
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
            street: Some(a.street_lines().map(|l| Some(l.to_owned())).collect()),
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

/// CustomerGraphQl's `CustomerGroup`: the group's code as its name, and (as Adobe's newer
/// storefront schema has it, which the drop-ins select) its encoded id.
#[derive(SimpleObject, Clone, Debug)]
pub struct CustomerGroup {
    /// The unique ID for a `CustomerGroup` object (Magento's `Uid`: base64 of the id).
    pub uid: async_graphql::ID,
    /// The name of customer group.
    pub name: Option<String>,
}

impl CustomerGroup {
    pub fn from_row(group: &customer_core::accounts::GroupRow) -> Self {
        Self {
            uid: uid_of(group.id),
            name: Some(group.code.clone()),
        }
    }
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
            allow_remote_shopping_assistance: c.assistance_allowed,
        }
    }
}

/// The customer's account as GraphQL renders it; a locked account answers as Magento's
/// `customer` query does.
pub async fn load_customer(r: &RequestContext, customer_id: i32) -> GqlResult<Customer> {
    let account = accounts::load_unlocked_account(&r.state, customer_id)
        .await
        .map_err(from_app)?;
    Ok(Customer::from_account(
        &account,
        r.state.settings.confirmation_required,
    ))
}

/// A customer group as `CustomerGroup` (`customerGroup`, `Customer.group`).
pub async fn customer_group(ctx: &Context<'_>, group_id: i32) -> GqlResult<CustomerGroup> {
    let group = customer_core::accounts::groups::get_group(&request(ctx).state, group_id.into())
        .await
        .map_err(from_app)?;
    Ok(CustomerGroup::from_row(&group))
}
