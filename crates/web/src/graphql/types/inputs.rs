//! Magento's GraphQL input types for customers and addresses, and how they become the
//! domain's drafts.

use super::attributes::{AttributeValueInput, CustomerAddressAttributeInput};
use super::store::CountryCodeEnum;
use crate::graphql::context::{GqlResult, input_error};
use async_graphql::InputObject;
use customer_core::directory::{self};
use customer_core::domain::address::{AddressInput, RegionInput};

/// `confirmEmail`'s input.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ConfirmEmailInput {
    pub email: String,
    pub confirmation_key: String,
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
    /// Not on Magento's `CustomerInput`: carried over from `CustomerCreateInput` and
    /// `CustomerUpdateInput` only.
    #[graphql(skip)]
    pub allow_remote_shopping_assistance: Option<bool>,
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
    /// Indicates whether the customer has enabled remote shopping assistance
    /// (LoginAsCustomerGraphQl).
    pub allow_remote_shopping_assistance: Option<bool>,
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
            allow_remote_shopping_assistance: i.allow_remote_shopping_assistance,
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
            allow_remote_shopping_assistance,
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
            && allow_remote_shopping_assistance.is_none()
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
            assistance_allowed: self.allow_remote_shopping_assistance,
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
            allow_remote_shopping_assistance: i.allow_remote_shopping_assistance,
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
    /// Indicates whether the customer has enabled remote shopping assistance
    /// (LoginAsCustomerGraphQl).
    pub allow_remote_shopping_assistance: Option<bool>,
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

/// Magento's GraphQL region rules: a state-required country needs `region_id`, and a
/// `region_id` must belong to the country (and match `region_code` when both are sent).
pub fn check_region(input: &CustomerAddressInput) -> GqlResult<()> {
    let Some(country) = input.country_code.or(input.country_id).map(|c| c.code()) else {
        return Ok(());
    };
    let region = input.region.clone().unwrap_or_default();
    match region.region_id.filter(|&id| id != 0) {
        None if directory::is_state_required(country) && directory::has_regions(country) => Err(
            input_error("A region_id is required for the specified country code"),
        ),
        None => Ok(()),
        Some(id) => {
            let found = u32::try_from(id)
                .ok()
                .and_then(directory::region_by_id)
                .filter(|r| r.country_id == country)
                .filter(|r| region.region_code.as_deref().is_none_or(|c| c == r.code));
            found.map(|_| ()).ok_or_else(|| {
                input_error("The region_id does not match the selected country or region")
            })
        }
    }
}
