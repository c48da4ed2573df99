//! Customer addresses: Magento's validation (Customer/Model/Address/Validator/General.php,
//! Country.php, the EAV street-lines rule and 2.4.8's name/street/city/phone validators) and
//! region resolution, with the deliberate improvements documented in openapi.yaml:
//! an unknown or disallowed country is refused (Magento silently drops the address), a region
//! given only by code or name is resolved to its id, a region of another country is refused,
//! and a state-required country needs a region.

use super::names;
use crate::directory::{self, Region};
use crate::error::{AppError, Phrase, Violation};

/// Magento `customer/address/street_lines`.
pub const STREET_LINES: usize = 2;
const MAX_TEXT: usize = 255;
const MAX_AFFIX: usize = 40;

/// The `region` object of an address as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionInput {
    pub region_code: Option<String>,
    pub region: Option<String>,
    pub region_id: Option<i64>,
}

/// An address as sent: typed, not yet validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddressInput {
    pub id: Option<i64>,
    pub customer_id: Option<i64>,
    pub region: Option<RegionInput>,
    pub region_id: Option<i64>,
    pub country_id: Option<String>,
    pub street: Option<Vec<String>>,
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
}

/// Where an address's region came from after resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum AddressRegion {
    None,
    /// A region of Magento's directory.
    Listed(&'static Region),
    /// Free text, for countries without a region list.
    Text(String),
}

impl AddressRegion {
    pub fn id(&self) -> i32 {
        match self {
            Self::Listed(r) => r.id as i32,
            _ => 0,
        }
    }

    /// The name stored in the `region` column.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Listed(r) => Some(r.name),
            Self::Text(t) => Some(t),
        }
    }

    /// Rebuilds the region from stored columns, as Magento does on read: a listed id shows the
    /// directory's code and name; free text shows as both code and name.
    pub fn from_stored(region_id: i32, country_id: &str, text: Option<&str>) -> Self {
        if region_id > 0
            && let Some(r) = directory::region_by_id(region_id as u32)
            && r.country_id == country_id
        {
            return Self::Listed(r);
        }
        match text {
            Some(t) if !t.is_empty() => Self::Text(t.to_owned()),
            _ => Self::None,
        }
    }
}

/// A valid address, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidAddress {
    pub firstname: String,
    pub middlename: Option<String>,
    pub lastname: String,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub company: Option<String>,
    pub street: Vec<String>,
    pub city: String,
    pub country_id: String,
    pub region: AddressRegion,
    pub postcode: Option<String>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub vat_id: Option<String>,
    pub default_billing: bool,
    pub default_shipping: bool,
}

/// Magento's "empty": null, "", whitespace only (but "0" is a value).
/// The street lines as Magento stores them (AbstractAddress::_implodeArrayValues:
/// `trim(implode("\n", $lines))`, then read back line by line): empty lines at either end go,
/// an empty line between two others stays and counts.
fn stored_street(lines: &[String]) -> Vec<String> {
    lines
        .join("\n")
        .trim_matches([' ', '\t', '\n', '\r', '\0', '\x0b'])
        .split('\n')
        .map(str::to_owned)
        .collect()
}

fn is_blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.is_empty()).cloned()
}

impl AddressInput {
    /// This input laid over a stored address: fields the request sends replace the stored
    /// ones. A request that names a region or region id replaces the whole stored region.
    pub fn overlaid_on(&self, stored: AddressInput) -> AddressInput {
        fn pick<T: Clone>(given: &Option<T>, stored: Option<T>) -> Option<T> {
            given.clone().or(stored)
        }
        let region_given = self.region.is_some() || self.region_id.is_some();
        AddressInput {
            id: pick(&self.id, stored.id),
            customer_id: stored.customer_id,
            region: if region_given {
                self.region.clone()
            } else {
                stored.region
            },
            region_id: if region_given {
                self.region_id
            } else {
                stored.region_id
            },
            country_id: pick(&self.country_id, stored.country_id),
            street: pick(&self.street, stored.street),
            company: pick(&self.company, stored.company),
            telephone: pick(&self.telephone, stored.telephone),
            fax: pick(&self.fax, stored.fax),
            postcode: pick(&self.postcode, stored.postcode),
            city: pick(&self.city, stored.city),
            firstname: pick(&self.firstname, stored.firstname),
            lastname: pick(&self.lastname, stored.lastname),
            middlename: pick(&self.middlename, stored.middlename),
            prefix: pick(&self.prefix, stored.prefix),
            suffix: pick(&self.suffix, stored.suffix),
            vat_id: pick(&self.vat_id, stored.vat_id),
            default_shipping: self.default_shipping,
            default_billing: self.default_billing,
        }
    }

    /// Validates and resolves the address. Errors come as Magento raises them: the General and
    /// Country validators' messages aggregated (400, `errors` when several), and only when
    /// those pass, the entity validators' messages joined by newlines.
    pub fn validate(&self) -> Result<ValidAddress, AppError> {
        let mut errors = Vec::new();
        let street = self.street.as_deref().map(stored_street);
        let first_street_line = street.as_ref().and_then(|lines| lines.first().cloned());
        for (field, value) in [
            ("firstname", &self.firstname),
            ("lastname", &self.lastname),
            ("street", &first_street_line),
            ("city", &self.city),
            ("telephone", &self.telephone),
        ] {
            if is_blank(value) {
                errors.push(Phrase::required(field));
            }
        }
        let country = self.country_id.as_deref().unwrap_or_default();
        if is_blank(&self.postcode) && !directory::is_postcode_optional(country) {
            errors.push(Phrase::required("postcode"));
        }

        let mut region = AddressRegion::None;
        if is_blank(&self.country_id) {
            errors.push(Phrase::required("countryId"));
        } else if !directory::is_country_allowed(country) {
            errors.push(Phrase::invalid_field_value("countryId", country));
        } else {
            match self.resolve_region(country) {
                Ok(r) => region = r,
                Err(p) => errors.push(p),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::input_errors(errors));
        }

        let street = street.unwrap_or_default();
        let firstname = self.firstname.clone().unwrap_or_default();
        let lastname = self.lastname.clone().unwrap_or_default();
        let city = self.city.clone().unwrap_or_default();
        let mut violations: Vec<Violation> = Vec::new();
        if street.len() > STREET_LINES {
            violations.push(Violation::new(
                "street",
                format!("\"Street Address\" cannot contain more than {STREET_LINES} lines."),
            ));
        }
        violations.extend(names::name_messages(
            &firstname,
            &lastname,
            self.middlename.as_deref(),
        ));
        let street_text = street.join("\n");
        violations.extend(names::nul_messages(&[
            ("firstname", "First Name", Some(&firstname)),
            ("lastname", "Last Name", Some(&lastname)),
            ("middlename", "Middle Name", self.middlename.as_deref()),
            ("prefix", "Name Prefix", self.prefix.as_deref()),
            ("suffix", "Name Suffix", self.suffix.as_deref()),
            ("company", "Company", self.company.as_deref()),
            ("street", "Street Address", Some(&street_text)),
            ("city", "City", Some(&city)),
            ("postcode", "Zip/Postal Code", self.postcode.as_deref()),
            ("telephone", "Phone Number", self.telephone.as_deref()),
            ("fax", "Fax", self.fax.as_deref()),
            ("vat_id", "VAT Number", self.vat_id.as_deref()),
            ("region", "State/Province", region.name()),
        ]));
        if street.iter().any(|line| !names::is_valid_street(line)) {
            violations.push(Violation::new(
                "street",
                "Invalid Street Address. Please use A-Z, a-z, 0-9, , - . ' ’ ` & spaces",
            ));
        }
        if !names::is_valid_city(&city) {
            violations.push(Violation::new(
                "city",
                "Invalid City. Please use A-Z, a-z, 0-9, -, ', spaces",
            ));
        }
        if self
            .telephone
            .as_deref()
            .is_some_and(|t| !names::is_valid_telephone(t))
        {
            violations.push(Violation::new(
                "telephone",
                "Invalid Phone Number. Please use 0-9, +, -, (, ) and space.",
            ));
        }
        violations.extend(names::length_messages(&[
            ("company", "Company", self.company.as_deref(), MAX_TEXT),
            ("fax", "Fax", self.fax.as_deref(), MAX_TEXT),
            (
                "postcode",
                "Zip/Postal Code",
                self.postcode.as_deref(),
                MAX_TEXT,
            ),
            (
                "telephone",
                "Phone Number",
                self.telephone.as_deref(),
                MAX_TEXT,
            ),
            ("vat_id", "VAT Number", self.vat_id.as_deref(), MAX_TEXT),
            ("city", "City", self.city.as_deref(), MAX_TEXT),
            ("prefix", "Name Prefix", self.prefix.as_deref(), MAX_AFFIX),
            ("suffix", "Name Suffix", self.suffix.as_deref(), MAX_AFFIX),
            ("region", "State/Province", region.name(), MAX_TEXT),
        ]));
        if !violations.is_empty() {
            return Err(AppError::Invalid(violations));
        }

        Ok(ValidAddress {
            firstname,
            middlename: non_empty(&self.middlename),
            lastname,
            prefix: non_empty(&self.prefix),
            suffix: non_empty(&self.suffix),
            company: non_empty(&self.company),
            street,
            city,
            country_id: country.to_owned(),
            region,
            postcode: non_empty(&self.postcode),
            telephone: non_empty(&self.telephone),
            fax: non_empty(&self.fax),
            vat_id: non_empty(&self.vat_id),
            default_billing: self.default_billing.unwrap_or(false),
            default_shipping: self.default_shipping.unwrap_or(false),
        })
    }

    /// Region rules. A top-level `region_id` overrides `region.region_id` (as in Magento).
    fn resolve_region(&self, country: &str) -> Result<AddressRegion, Phrase> {
        let region = self.region.clone().unwrap_or_default();
        let region_id = self.region_id.or(region.region_id).unwrap_or(0);
        let code = region.region_code.filter(|s| !s.trim().is_empty());
        let text = region.region.filter(|s| !s.trim().is_empty());

        if directory::has_regions(country) {
            if region_id != 0 {
                return u32::try_from(region_id)
                    .ok()
                    .and_then(directory::region_by_id)
                    .filter(|r| r.country_id == country)
                    .map(AddressRegion::Listed)
                    .ok_or_else(|| Phrase::invalid_field_value("regionId", region_id.to_string()));
            }
            if let Some(code) = &code {
                return directory::find_region(country, code)
                    .map(AddressRegion::Listed)
                    .ok_or_else(|| Phrase::invalid_field_value("regionCode", code.as_str()));
            }
            if let Some(text) = &text {
                return directory::find_region(country, text)
                    .map(AddressRegion::Listed)
                    .ok_or_else(|| Phrase::invalid_field_value("region", text.as_str()));
            }
            if directory::is_state_required(country) {
                return Err(Phrase::required("regionId"));
            }
            return Ok(AddressRegion::None);
        }

        if region_id != 0 {
            // A directory id for a country that has no regions belongs to another country.
            return Err(Phrase::invalid_field_value(
                "regionId",
                region_id.to_string(),
            ));
        }
        match text.or(code) {
            Some(t) => Ok(AddressRegion::Text(t)),
            None if directory::is_state_required(country) => Err(Phrase::required("region")),
            None => Ok(AddressRegion::None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_lines_are_trimmed_as_one_text_as_magento_stores_them() {
        let lines = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            stored_street(&lines(&["Main St", "12", ""])),
            lines(&["Main St", "12"])
        );
        assert_eq!(
            stored_street(&lines(&["", " Main St "])),
            lines(&["Main St"])
        );
        assert_eq!(
            stored_street(&lines(&["Main St", "", "12"])),
            lines(&["Main St", "", "12"])
        );
        assert_eq!(stored_street(&[]), lines(&[""]));
    }

    fn seed_address() -> AddressInput {
        AddressInput {
            firstname: Some("Jane".into()),
            lastname: Some("Doe".into()),
            street: Some(vec!["123 Oak Ave".into()]),
            city: Some("Purchase".into()),
            telephone: Some("512-555-1111".into()),
            postcode: Some("10755".into()),
            country_id: Some("US".into()),
            region: Some(RegionInput {
                region_code: Some("NY".into()),
                region: Some("New York".into()),
                region_id: Some(43),
            }),
            default_billing: Some(true),
            default_shipping: Some(true),
            ..Default::default()
        }
    }

    fn error_text(a: &AddressInput) -> String {
        a.validate().unwrap_err().to_string()
    }

    #[test]
    fn the_seed_address_is_valid() {
        let v = seed_address().validate().unwrap();
        assert_eq!(v.region.id(), 43);
        assert_eq!(v.region.name(), Some("New York"));
        assert!(v.default_billing && v.default_shipping);
    }

    #[test]
    fn a_region_code_alone_resolves_to_its_id() {
        let mut a = seed_address();
        a.region = Some(RegionInput {
            region_code: Some("CA".into()),
            ..Default::default()
        });
        assert_eq!(a.validate().unwrap().region.id(), 12);
        a.region = Some(RegionInput {
            region: Some("texas".into()),
            ..Default::default()
        });
        assert_eq!(a.validate().unwrap().region.id(), 57);
    }

    #[test]
    fn the_top_level_region_id_wins_and_the_directory_names_it() {
        let mut a = seed_address();
        a.region_id = Some(12);
        let v = a.validate().unwrap();
        assert_eq!((v.region.id(), v.region.name()), (12, Some("California")));
    }

    #[test]
    fn a_region_of_another_country_is_refused() {
        let mut a = seed_address();
        a.region = Some(RegionInput {
            region_id: Some(66),
            ..Default::default()
        });
        assert!(error_text(&a).contains("regionId"));
    }

    #[test]
    fn a_state_required_country_needs_a_region() {
        let mut a = seed_address();
        a.region = None;
        assert_eq!(
            a.validate().unwrap_err().to_string(),
            AppError::Input(Phrase::required("regionId")).to_string()
        );
        a.country_id = Some("DE".into());
        assert_eq!(a.validate().unwrap().region, AddressRegion::None);
    }

    #[test]
    fn countries_without_a_list_keep_free_text() {
        let mut a = seed_address();
        a.country_id = Some("GB".into());
        a.region = Some(RegionInput {
            region: Some("Kent".into()),
            ..Default::default()
        });
        a.postcode = None;
        let v = a.validate().unwrap();
        assert_eq!(v.region, AddressRegion::Text("Kent".into()));
        assert_eq!(v.postcode, None);
    }

    #[test]
    fn unknown_and_disallowed_countries_are_refused() {
        let mut a = seed_address();
        a.country_id = Some("ZZ".into());
        assert!(error_text(&a).contains("countryId"));
        a.country_id = Some("us".into());
        assert!(error_text(&a).contains("countryId"));
        a.country_id = None;
        assert!(error_text(&a).contains("required"));
    }

    #[test]
    fn missing_fields_are_aggregated() {
        let a = AddressInput {
            country_id: Some("US".into()),
            region_id: Some(43),
            ..Default::default()
        };
        match a.validate().unwrap_err() {
            AppError::InputErrors(list) => {
                let fields: Vec<_> = list.iter().map(|p| p.render()).collect();
                assert_eq!(
                    fields,
                    [
                        "\"firstname\" is required. Enter and try again.",
                        "\"lastname\" is required. Enter and try again.",
                        "\"street\" is required. Enter and try again.",
                        "\"city\" is required. Enter and try again.",
                        "\"telephone\" is required. Enter and try again.",
                        "\"postcode\" is required. Enter and try again.",
                    ]
                );
            }
            other => panic!("expected aggregate, got {other:?}"),
        }
    }

    #[test]
    fn entity_rules_are_joined_with_newlines() {
        let mut a = seed_address();
        a.street = Some(vec!["a".into(), "b".into(), "c".into()]);
        a.telephone = Some("call me".into());
        let AppError::Invalid(violations) = a.validate().unwrap_err() else {
            panic!("expected violations");
        };
        assert_eq!(
            violations,
            [
                Violation::new(
                    "street",
                    "\"Street Address\" cannot contain more than 2 lines."
                ),
                Violation::new(
                    "telephone",
                    "Invalid Phone Number. Please use 0-9, +, -, (, ) and space."
                ),
            ]
        );
        assert_eq!(
            AppError::joined(&violations).render(),
            "\"Street Address\" cannot contain more than 2 lines.\nInvalid Phone Number. Please use 0-9, +, -, (, ) and space."
        );
    }

    #[test]
    fn stored_regions_read_back_like_magento() {
        assert_eq!(
            AddressRegion::from_stored(43, "US", Some("New York")).id(),
            43
        );
        assert_eq!(
            AddressRegion::from_stored(0, "GB", Some("Kent")),
            AddressRegion::Text("Kent".into())
        );
        assert_eq!(
            AddressRegion::from_stored(0, "DE", None),
            AddressRegion::None
        );
    }
}
