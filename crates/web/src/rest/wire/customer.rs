//! `CustomerInterface`, `AddressInterface` and `RegionInterface` in and out.

use crate::rest::php::{
    each_field, to_bool, to_int, to_list, to_object, to_string, to_string_list,
};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use customer_core::accounts::{Account, AddressRow, CustomerRow};
use customer_core::domain::address::{AddressInput, AddressRegion, RegionInput};
use customer_core::domain::customer::CustomerInput;
use customer_core::error::AppError;
use serde::Serialize;
use serde_json::Value;

const CUSTOMER_TYPE: &str = "Magento\\Customer\\Api\\Data\\CustomerInterface";
const ADDRESS_TYPE: &str = "Magento\\Customer\\Api\\Data\\AddressInterface";
const REGION_TYPE: &str = "Magento\\Customer\\Api\\Data\\RegionInterface";
const CUSTOMER_EXTENSION_TYPE: &str = "Magento\\Customer\\Api\\Data\\CustomerExtensionInterface";
const ADDRESS_EXTENSION_TYPE: &str = "Magento\\Customer\\Api\\Data\\AddressExtensionInterface";
const ATTRIBUTE_TYPE: &str = "Magento\\Framework\\Api\\AttributeInterface";

fn string(key: &str, value: &Value) -> Result<Option<String>, AppError> {
    to_string(Some(key), value).map(Some)
}

/// `custom_attributes`: a list of `{attribute_code, value}`. A fresh Magento has no custom
/// customer or address attributes, so, like Magento, unknown codes are dropped after the
/// shape is checked.
fn check_custom_attributes(key: &str, value: &Value) -> Result<(), AppError> {
    for item in to_list(value).unwrap_or_default() {
        let attribute = to_object(key, item, ATTRIBUTE_TYPE)?;
        each_field(attribute, |getter, k, v| match getter {
            "AttributeCode" => to_string(Some(k), v).map(|_| true),
            "Value" => Ok(true),
            _ => Ok(false),
        })?;
    }
    Ok(())
}

/// The `customer` service parameter of a body: looked up as Magento does, its keys de-duplicated
/// by letter case (Magento's ValidateCustomerData plugin), then parsed. `None` when absent.
pub fn customer_param(
    input: &serde_json::Map<String, Value>,
) -> Result<Option<CustomerInput>, AppError> {
    crate::rest::php::top_level(input, "customer")
        .map(|v| {
            parse_customer(
                "customer",
                &crate::rest::php::dedupe_case_insensitive_keys(v),
            )
        })
        .transpose()
}

/// Parses a `customer` object (CustomerInterface).
pub fn parse_customer(key: &str, value: &Value) -> Result<CustomerInput, AppError> {
    let map = to_object(key, value, CUSTOMER_TYPE)?;
    let mut c = CustomerInput::default();
    each_field(map, |getter, k, v| {
        match getter {
            "Id" => c.id = Some(to_int(Some(k), v)?),
            "GroupId" => c.group_id = Some(to_int(Some(k), v)?),
            "DefaultBilling" => c.default_billing = string(k, v)?,
            "DefaultShipping" => c.default_shipping = string(k, v)?,
            "Confirmation" => c.confirmation = string(k, v)?,
            "CreatedAt" => c.created_at = string(k, v)?,
            "UpdatedAt" => c.updated_at = string(k, v)?,
            "CreatedIn" => c.created_in = string(k, v)?,
            "Dob" => c.dob = string(k, v)?,
            "Email" => c.email = string(k, v)?,
            "Firstname" => c.firstname = string(k, v)?,
            "Lastname" => c.lastname = string(k, v)?,
            "Middlename" => c.middlename = string(k, v)?,
            "Prefix" => c.prefix = string(k, v)?,
            "Suffix" => c.suffix = string(k, v)?,
            "Gender" => c.gender = Some(to_int(Some(k), v)?),
            "StoreId" => c.store_id = Some(to_int(Some(k), v)?),
            "Taxvat" => c.taxvat = string(k, v)?,
            "WebsiteId" => c.website_id = Some(to_int(Some(k), v)?),
            "Addresses" => {
                c.addresses = to_list(v)
                    .map(|list| {
                        list.into_iter()
                            .map(|a| parse_address(k, a))
                            .collect::<Result<_, _>>()
                    })
                    .transpose()?
            }
            "DisableAutoGroupChange" => c.disable_auto_group_change = Some(to_int(Some(k), v)?),
            "ExtensionAttributes" => {
                let ext = to_object(k, v, CUSTOMER_EXTENSION_TYPE)?;
                each_field(ext, |getter, k, v| {
                    match getter {
                        "IsSubscribed" => c.is_subscribed = Some(to_bool(Some(k), v)?),
                        // LoginAsCustomerAssistance (IsAssistanceEnabledInterface): 2 allows,
                        // 1 denies, anything else leaves the consent as it is. Magento never
                        // renders it back over REST.
                        "AssistanceAllowed" => {
                            c.assistance_allowed = match to_int(Some(k), v)? {
                                2 => Some(true),
                                1 => Some(false),
                                _ => None,
                            }
                        }
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?;
            }
            "CustomAttributes" => check_custom_attributes(k, v)?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(c)
}

/// Parses one address (AddressInterface).
pub fn parse_address(key: &str, value: &Value) -> Result<AddressInput, AppError> {
    let map = to_object(key, value, ADDRESS_TYPE)?;
    let mut a = AddressInput::default();
    each_field(map, |getter, k, v| {
        match getter {
            "Id" => a.id = Some(to_int(Some(k), v)?),
            "CustomerId" => a.customer_id = Some(to_int(Some(k), v)?),
            "Region" => a.region = Some(parse_region(k, v)?),
            "RegionId" => a.region_id = Some(to_int(Some(k), v)?),
            "CountryId" => a.country_id = string(k, v)?,
            "Street" => a.street = Some(to_string_list(Some(k), v)?),
            "Company" => a.company = string(k, v)?,
            "Telephone" => a.telephone = string(k, v)?,
            "Fax" => a.fax = string(k, v)?,
            "Postcode" => a.postcode = string(k, v)?,
            "City" => a.city = string(k, v)?,
            "Firstname" => a.firstname = string(k, v)?,
            "Lastname" => a.lastname = string(k, v)?,
            "Middlename" => a.middlename = string(k, v)?,
            "Prefix" => a.prefix = string(k, v)?,
            "Suffix" => a.suffix = string(k, v)?,
            "VatId" => a.vat_id = string(k, v)?,
            "DefaultShipping" => a.default_shipping = Some(to_bool(Some(k), v)?),
            "DefaultBilling" => a.default_billing = Some(to_bool(Some(k), v)?),
            "ExtensionAttributes" => {
                let ext = to_object(k, v, ADDRESS_EXTENSION_TYPE)?;
                each_field(ext, |_, _, _| Ok(false))?;
            }
            "CustomAttributes" => check_custom_attributes(k, v)?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(a)
}

fn parse_region(key: &str, value: &Value) -> Result<RegionInput, AppError> {
    let map = to_object(key, value, REGION_TYPE)?;
    let mut r = RegionInput::default();
    each_field(map, |getter, k, v| {
        match getter {
            "RegionCode" => r.region_code = string(k, v)?,
            "Region" => r.region = string(k, v)?,
            "RegionId" => r.region_id = Some(to_int(Some(k), v)?),
            "ExtensionAttributes" => {
                let ext = to_object(k, v, REGION_TYPE)?;
                each_field(ext, |_, _, _| Ok(false))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(r)
}

// ----------------------------------------------------------------------------------------
// Output. Field order is the getter order of Magento's interfaces; `None` fields are omitted.

/// A stored time as Magento renders it (`Y-m-d H:i:s`), written by position: chrono's
/// `format` parses its pattern on every call, a tenth of `GET /me`'s rendering.
#[derive(Debug, Clone, Copy)]
pub struct WireTime(pub NaiveDateTime);

/// A date as Magento renders it (`Y-m-d`).
#[derive(Debug, Clone, Copy)]
pub struct WireDate(pub NaiveDate);

/// Writes `value` as `width` zero-padded digits at `out[at..]`.
fn put_digits(out: &mut [u8], at: usize, width: usize, mut value: u32) {
    for i in (at..at + width).rev() {
        out[i] = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// `YYYY-MM-DD` into `out[..10]`; `false` for a year chrono would write with a sign or more
/// digits (then chrono writes it).
fn put_date(out: &mut [u8], date: NaiveDate) -> bool {
    let Ok(year @ 0..=9999) = u32::try_from(date.year()) else {
        return false;
    };
    put_digits(out, 0, 4, year);
    out[4] = b'-';
    put_digits(out, 5, 2, date.month());
    out[7] = b'-';
    put_digits(out, 8, 2, date.day());
    true
}

impl Serialize for WireTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = *b"0000-00-00 00:00:00";
        if !put_date(&mut out, self.0.date()) {
            return serializer.collect_str(&self.0.format("%Y-%m-%d %H:%M:%S"));
        }
        put_digits(&mut out, 11, 2, self.0.hour());
        put_digits(&mut out, 14, 2, self.0.minute());
        put_digits(&mut out, 17, 2, self.0.second());
        serializer.serialize_str(std::str::from_utf8(&out).expect("ASCII digits"))
    }
}

impl Serialize for WireDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = *b"0000-00-00";
        if !put_date(&mut out, self.0) {
            return serializer.collect_str(&self.0.format("%Y-%m-%d"));
        }
        serializer.serialize_str(std::str::from_utf8(&out).expect("ASCII digits"))
    }
}

/// `RegionInterface`: all three keys are non-nullable in Magento, so they are always present.
#[derive(Debug, Serialize)]
pub struct RegionResponse<'a> {
    pub region_code: Option<&'a str>,
    pub region: Option<&'a str>,
    pub region_id: i32,
}

/// `AddressInterface` as Magento renders it, borrowing the stored row (nothing is copied to
/// render it).
#[derive(Debug, Serialize)]
pub struct AddressResponse<'a> {
    pub id: i32,
    pub customer_id: i32,
    pub region: RegionResponse<'a>,
    pub region_id: i32,
    pub country_id: &'a str,
    pub street: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<&'a str>,
    pub city: &'a str,
    pub firstname: &'a str,
    pub lastname: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middlename: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<&'a str>,
    /// Present only when true (Magento sets it only on the default address).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_shipping: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_billing: Option<bool>,
}

#[derive(Debug, Serialize)]
pub struct CustomerExtensionResponse {
    pub is_subscribed: bool,
}

/// `CustomerInterface` as Magento renders it. `confirmation` is never rendered: only its hash
/// is stored, and the key is a secret sent by mail.
#[derive(Debug, Serialize)]
pub struct CustomerResponse<'a> {
    pub id: i32,
    pub group_id: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_billing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_shipping: Option<String>,
    pub created_at: WireTime,
    pub updated_at: WireTime,
    pub created_in: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dob: Option<WireDate>,
    pub email: &'a str,
    pub firstname: &'a str,
    pub lastname: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middlename: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<i16>,
    pub store_id: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxvat: Option<&'a str>,
    pub website_id: i32,
    pub addresses: Vec<AddressResponse<'a>>,
    pub disable_auto_group_change: i16,
    pub extension_attributes: CustomerExtensionResponse,
}

impl<'a> AddressResponse<'a> {
    pub fn from_row(row: &'a AddressRow, customer: &CustomerRow) -> Self {
        let region =
            AddressRegion::from_stored(row.region_id, &row.country_id, row.region.as_deref());
        let (region_code, region_name) = match &region {
            AddressRegion::None => (None, None),
            AddressRegion::Listed(r) => (Some(r.code), Some(r.name)),
            // Free text: the stored column itself (what `from_stored` read it from).
            AddressRegion::Text(_) => (row.region.as_deref(), row.region.as_deref()),
        };
        let is = |default: Option<i32>| (default == Some(row.entity_id)).then_some(true);
        Self {
            id: row.entity_id,
            customer_id: row.customer_id,
            region: RegionResponse {
                region_code,
                region: region_name,
                region_id: region.id(),
            },
            region_id: region.id(),
            country_id: &row.country_id,
            street: row.street_lines().collect(),
            company: row.company.as_deref(),
            telephone: row.telephone.as_deref(),
            fax: row.fax.as_deref(),
            postcode: row.postcode.as_deref(),
            city: &row.city,
            firstname: &row.firstname,
            lastname: &row.lastname,
            middlename: row.middlename.as_deref(),
            prefix: row.prefix.as_deref(),
            suffix: row.suffix.as_deref(),
            vat_id: row.vat_id.as_deref(),
            default_shipping: is(customer.default_shipping),
            default_billing: is(customer.default_billing),
        }
    }
}

impl<'a> CustomerResponse<'a> {
    /// Renders a stored customer. Addresses: the default shipping address first, then the rest
    /// in id order (Magento's `Customer::getDataModel`).
    pub fn from_account(account: &'a Account) -> Self {
        Self::from_rows(&account.customer, &account.addresses)
    }

    fn from_rows(customer: &'a CustomerRow, addresses: &'a [AddressRow]) -> Self {
        let mut rendered: Vec<AddressResponse> = addresses
            .iter()
            .map(|a| AddressResponse::from_row(a, customer))
            .collect();
        rendered.sort_by_key(|a| (a.default_shipping != Some(true), a.id));
        Self {
            id: customer.entity_id,
            group_id: customer.group_id,
            default_billing: customer.default_billing.map(|id| id.to_string()),
            default_shipping: customer.default_shipping.map(|id| id.to_string()),
            created_at: WireTime(customer.created_at),
            updated_at: WireTime(customer.updated_at),
            created_in: &customer.created_in,
            dob: customer.dob.map(WireDate),
            email: &customer.email,
            firstname: &customer.firstname,
            lastname: &customer.lastname,
            middlename: customer.middlename.as_deref(),
            prefix: customer.prefix.as_deref(),
            suffix: customer.suffix.as_deref(),
            gender: customer.gender,
            store_id: customer.store_id,
            taxvat: customer.taxvat.as_deref(),
            website_id: customer.website_id,
            addresses: rendered,
            disable_auto_group_change: customer.disable_auto_group_change,
            extension_attributes: CustomerExtensionResponse {
                is_subscribed: customer.is_subscribed,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_seeds_camel_case_address_keys_are_understood() {
        let c = parse_customer(
            "customer",
            &json!({"email": "jdoe@example.com", "addresses": [{
                "defaultShipping": true, "defaultBilling": "1", "countryId": "US",
                "region": {"regionCode": "NY", "region": "New York", "regionId": 43}
            }]}),
        )
        .unwrap();
        let a = &c.addresses.unwrap()[0];
        assert_eq!(a.default_shipping, Some(true));
        assert_eq!(a.default_billing, Some(true));
        assert_eq!(a.region.as_ref().unwrap().region_id, Some(43));
        assert_eq!(a.country_id.as_deref(), Some("US"));
    }

    #[test]
    fn misspelled_keys_are_not_supported() {
        let err = parse_customer("customer", &json!({"firstName": "Jane"})).unwrap_err();
        match err {
            AppError::Input(p) => assert_eq!(
                p,
                customer_core::error::Phrase::new(
                    "\"%fieldName\" is not supported. Correct the field name and try again."
                )
                .with("fieldName", "FirstName")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nested_type_errors_name_the_key_as_sent() {
        let err =
            parse_customer("customer", &json!({"addresses": [{"region_id": "abc"}]})).unwrap_err();
        assert!(err.to_string().contains("Error occurred during \"region_id\" processing. The \"abc\" value's type is invalid. The \"int\" type was expected."), "{err}");
    }

    #[test]
    fn extension_attributes_carry_the_subscription_flag() {
        let c = parse_customer(
            "customer",
            &json!({"extension_attributes": {"is_subscribed": true}}),
        )
        .unwrap();
        assert_eq!(c.is_subscribed, Some(true));
        assert!(parse_customer("customer", &json!({"extension_attributes": {"foo": 1}})).is_err());
    }

    /// Times and dates written by position match chrono's `Y-m-d H:i:s` / `Y-m-d` for every
    /// year, including the ones handed back to chrono.
    #[test]
    fn wire_times_match_chrono() {
        use super::{WireDate, WireTime};
        use chrono::NaiveDate;
        for (y, mo, d, h, mi, s, ns) in [
            (2026, 11, 29, 12, 34, 56, 0),
            (1, 1, 1, 0, 0, 0, 0),
            (999, 12, 31, 23, 59, 59, 999_999_999),
            (9999, 2, 3, 4, 5, 6, 500_000_000),
            (10000, 1, 1, 0, 0, 0, 0),
            (-44, 3, 15, 12, 0, 0, 0),
        ] {
            let date = NaiveDate::from_ymd_opt(y, mo, d).unwrap();
            let time = date.and_hms_nano_opt(h, mi, s, ns).unwrap();
            assert_eq!(
                serde_json::to_value(WireTime(time)).unwrap(),
                json!(time.format("%Y-%m-%d %H:%M:%S").to_string())
            );
            assert_eq!(
                serde_json::to_value(WireDate(date)).unwrap(),
                json!(date.format("%Y-%m-%d").to_string())
            );
        }
    }
}
