//! Customer attributes: Magento's save-time validation (Customer/Model/ResourceModel/Customer.php
//! `_validate`: EAV rules, then the Name validator, then 2.4.8's Dob validator). All messages of
//! one pass are returned as violations, each with its field; the doors join them with
//! newlines into one 400, as Magento's validator exception does.

use super::address::AddressInput;
use super::email::{Email, EmailError};
use super::names;
use super::time::{canonical_date, canonical_date_time};
use crate::error::{AppError, Violation};
use chrono::{DateTime, NaiveDate, NaiveDateTime};

const MAX_AFFIX: usize = 40;
const MAX_TAXVAT: usize = 50;

/// A customer as sent: typed, not yet validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerInput {
    pub id: Option<i64>,
    pub group_id: Option<i64>,
    pub default_billing: Option<String>,
    pub default_shipping: Option<String>,
    pub confirmation: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub created_in: Option<String>,
    pub dob: Option<String>,
    pub email: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub gender: Option<i64>,
    pub store_id: Option<i64>,
    pub taxvat: Option<String>,
    pub website_id: Option<i64>,
    pub addresses: Option<Vec<AddressInput>>,
    pub disable_auto_group_change: Option<i64>,
    /// `extension_attributes.is_subscribed`
    pub is_subscribed: Option<bool>,
    /// Login as Customer's consent (REST `extension_attributes.assistance_allowed`, GraphQL
    /// `allow_remote_shopping_assistance`); `None` leaves it as it is.
    pub assistance_allowed: Option<bool>,
}

/// Valid customer attributes, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidCustomer {
    pub email: Email,
    pub firstname: String,
    pub lastname: String,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub dob: Option<NaiveDate>,
    pub gender: Option<i16>,
    pub taxvat: Option<String>,
    pub disable_auto_group_change: i16,
    pub is_subscribed: bool,
    /// `None`: not sent (a new account starts without consent; an update keeps it).
    pub assistance_allowed: Option<bool>,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.is_empty()).cloned()
}

/// Parses a date of birth as PHP's `DateTime` would for the common client formats, or a unix
/// timestamp (Eav Datetime backend). `None` means Magento's `Invalid date`.
pub fn parse_dob(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    if let Some(d) = canonical_date(s) {
        return Some(d);
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .ok()
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .map(|d| d.date_naive());
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.date_naive());
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, format) {
            return Some(d.date());
        }
    }
    ["%Y-%m-%d", "%m/%d/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(s, format).ok())
}

/// A stored time as Magento writes it (`Y-m-d H:i:s`, UTC), also with a `T`, or RFC 3339
/// with an offset (converted to UTC). For times an admin or an import carries over.
pub fn parse_time(raw: &str) -> Option<NaiveDateTime> {
    // Whole seconds only: a fraction was never accepted here (neither pattern below reads one).
    if let Some(t) = canonical_date_time(raw, false) {
        return Some(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.naive_utc());
    }
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
}

impl CustomerInput {
    /// This input laid over a stored customer (Magento's UpdateCustomer plugin for the admin
    /// route): every field the request sends replaces the stored one; `addresses` absent keeps
    /// the stored addresses.
    pub fn overlaid_on(&self, stored: CustomerInput) -> CustomerInput {
        fn pick<T: Clone>(given: &Option<T>, stored: Option<T>) -> Option<T> {
            given.clone().or(stored)
        }
        CustomerInput {
            id: pick(&self.id, stored.id),
            group_id: pick(&self.group_id, stored.group_id),
            default_billing: self.default_billing.clone(),
            default_shipping: self.default_shipping.clone(),
            confirmation: None,
            created_at: None,
            updated_at: None,
            created_in: None,
            dob: pick(&self.dob, stored.dob),
            email: pick(&self.email, stored.email),
            firstname: pick(&self.firstname, stored.firstname),
            lastname: pick(&self.lastname, stored.lastname),
            middlename: pick(&self.middlename, stored.middlename),
            prefix: pick(&self.prefix, stored.prefix),
            suffix: pick(&self.suffix, stored.suffix),
            gender: pick(&self.gender, stored.gender),
            store_id: pick(&self.store_id, stored.store_id),
            taxvat: pick(&self.taxvat, stored.taxvat),
            website_id: pick(&self.website_id, stored.website_id),
            addresses: self.addresses.clone(),
            disable_auto_group_change: pick(
                &self.disable_auto_group_change,
                stored.disable_auto_group_change,
            ),
            is_subscribed: pick(&self.is_subscribed, stored.is_subscribed),
            assistance_allowed: self.assistance_allowed,
        }
    }

    /// Validates the attributes Magento checks when saving a customer. `today` is the date
    /// the date of birth may not exceed.
    pub fn validate_attributes(&self, today: NaiveDate) -> Result<ValidCustomer, AppError> {
        let email_raw = self.email.clone().unwrap_or_default();
        if email_raw.is_empty() {
            return Err(AppError::Invalid(vec![Violation::new(
                "email",
                "The customer email is missing. Enter and try again.",
            )]));
        }
        let dob =
            match self.dob.as_deref().filter(|d| !d.trim().is_empty()) {
                None => None,
                Some(raw) => Some(parse_dob(raw).ok_or_else(|| {
                    AppError::Invalid(vec![Violation::new("dob", "Invalid date")])
                })?),
            };

        let mut violations: Vec<Violation> = Vec::new();
        let firstname = self.firstname.clone().unwrap_or_default();
        let lastname = self.lastname.clone().unwrap_or_default();
        if firstname.trim().is_empty() {
            violations.push(Violation::new(
                "firstname",
                "\"First Name\" is a required value.",
            ));
        }
        if lastname.trim().is_empty() {
            violations.push(Violation::new(
                "lastname",
                "\"Last Name\" is a required value.",
            ));
        }
        let email = Email::parse(&email_raw);
        if let Err(e) = &email {
            violations.push(Violation::new("email", e.message()));
        }
        if let Some(g) = self.gender
            && !(0..=3).contains(&g)
        {
            violations.push(Violation::new(
                "gender",
                format!("Attribute gender does not contain option with Id {g}"),
            ));
        }
        violations.extend(names::length_messages(&[
            ("prefix", "Name Prefix", self.prefix.as_deref(), MAX_AFFIX),
            ("suffix", "Name Suffix", self.suffix.as_deref(), MAX_AFFIX),
            (
                "taxvat",
                "Tax/VAT Number",
                self.taxvat.as_deref(),
                MAX_TAXVAT,
            ),
        ]));
        violations.extend(names::name_messages(
            &firstname,
            &lastname,
            self.middlename.as_deref(),
        ));
        violations.extend(names::nul_messages(&[
            ("firstname", "First Name", Some(&firstname)),
            ("lastname", "Last Name", Some(&lastname)),
            ("middlename", "Middle Name", self.middlename.as_deref()),
            ("prefix", "Name Prefix", self.prefix.as_deref()),
            ("suffix", "Name Suffix", self.suffix.as_deref()),
            ("taxvat", "Tax/VAT Number", self.taxvat.as_deref()),
        ]));
        if dob.is_some_and(|d| d > today) {
            violations.push(Violation::new(
                "dob",
                "The Date of Birth should not be greater than today.",
            ));
        }
        if !violations.is_empty() {
            return Err(AppError::Invalid(violations));
        }

        Ok(ValidCustomer {
            email: email.map_err(|_: EmailError| AppError::internal("email checked above"))?,
            firstname,
            lastname,
            middlename: non_empty(&self.middlename),
            prefix: non_empty(&self.prefix),
            suffix: non_empty(&self.suffix),
            dob,
            gender: self.gender.map(|g| g as i16),
            taxvat: non_empty(&self.taxvat),
            disable_auto_group_change: i16::from(self.disable_auto_group_change.unwrap_or(0) != 0),
            is_subscribed: self.is_subscribed.unwrap_or(false),
            assistance_allowed: self.assistance_allowed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_in_other_forms_still_parse() {
        assert_eq!(
            parse_time("2019-03-04 23:59:60"),
            NaiveDateTime::parse_from_str("2019-03-04 23:59:60", "%Y-%m-%d %H:%M:%S").ok()
        );
        assert_eq!(parse_dob("1980-01-02"), NaiveDate::from_ymd_opt(1980, 1, 2));
        assert_eq!(parse_dob("01/02/1980"), NaiveDate::from_ymd_opt(1980, 1, 2));
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn jane() -> CustomerInput {
        CustomerInput {
            email: Some("jdoe@example.com".into()),
            firstname: Some("Jane".into()),
            lastname: Some("Doe".into()),
            ..Default::default()
        }
    }

    fn message(c: &CustomerInput) -> String {
        match c.validate_attributes(today()).unwrap_err() {
            AppError::Invalid(v) => AppError::joined(&v).render(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_minimal_customer_is_valid() {
        let v = jane().validate_attributes(today()).unwrap();
        assert_eq!(v.email.as_str(), "jdoe@example.com");
        assert!(!v.is_subscribed);
    }

    #[test]
    fn missing_names_and_a_bad_email_are_joined() {
        let c = CustomerInput {
            email: Some("not-an-email".into()),
            ..Default::default()
        };
        assert_eq!(
            message(&c),
            "\"First Name\" is a required value.\n\"Last Name\" is a required value.\n\"Email\" is not a valid email address."
        );
    }

    #[test]
    fn names_are_checked_by_the_name_validator() {
        let mut c = jane();
        c.firstname = Some("Jane<b>".into());
        c.middlename = Some("x;y".into());
        assert_eq!(
            message(&c),
            "First Name is not valid!\nMiddle Name is not valid!"
        );
    }

    #[test]
    fn dates_of_birth_parse_or_fail_with_magentos_message() {
        assert_eq!(
            parse_dob("1980-01-31"),
            NaiveDate::from_ymd_opt(1980, 1, 31)
        );
        assert_eq!(
            parse_dob("01/31/1980"),
            NaiveDate::from_ymd_opt(1980, 1, 31)
        );
        assert_eq!(
            parse_dob("1980-01-31T10:00:00Z"),
            NaiveDate::from_ymd_opt(1980, 1, 31)
        );
        assert_eq!(parse_dob("318124800"), NaiveDate::from_ymd_opt(1980, 1, 31));
        let mut c = jane();
        c.dob = Some("someday".into());
        assert_eq!(message(&c), "Invalid date");
        c.dob = Some("2030-01-01".into());
        assert_eq!(
            message(&c),
            "The Date of Birth should not be greater than today."
        );
    }

    #[test]
    fn an_empty_email_is_missing() {
        let mut c = jane();
        c.email = Some(String::new());
        assert_eq!(
            message(&c),
            "The customer email is missing. Enter and try again."
        );
    }

    #[test]
    fn unknown_gender_options_are_refused() {
        let mut c = jane();
        c.gender = Some(7);
        assert_eq!(
            message(&c),
            "Attribute gender does not contain option with Id 7"
        );
        c.gender = Some(2);
        assert_eq!(c.validate_attributes(today()).unwrap().gender, Some(2));
    }
}
