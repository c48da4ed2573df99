//! `customer-service export`: this service's customers as Magento's CSV pair (the columns of
//! `csv::CUSTOMER_COLUMNS` and `csv::ADDRESS_COLUMNS`), read in pages by id so memory stays
//! flat. Password hashes are exported as stored: a Magento hash not yet replaced, or this
//! service's bcrypt (which only this service verifies).

use super::csv::{ADDRESS_COLUMNS, CUSTOMER_COLUMNS};
use super::{MigrateError, csv_error};
use crate::db::DbConnection;
use crate::db::export::{AddressOwnerRow, addresses_after, customers_after};
use crate::db::scopes::Scopes;
use std::io::Write;

const PAGE: i64 = 1000;

const TIME: &str = "%Y-%m-%d %H:%M:%S";

/// Magento exports `gender` by its option label.
fn gender_label(g: Option<i16>) -> &'static str {
    match g {
        Some(1) => "Male",
        Some(2) => "Female",
        Some(3) => "Not Specified",
        _ => "",
    }
}

/// Writes the customers file; returns how many rows.
pub fn export_customers(conn: &mut DbConnection, out: impl Write) -> Result<u64, MigrateError> {
    let scopes = Scopes::load(conn)?;
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(CUSTOMER_COLUMNS).map_err(csv_error)?;
    let (mut after, mut n) = (0, 0);
    loop {
        let page = customers_after(conn, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.entity_id;
        for c in &page {
            let website = scopes
                .websites
                .iter()
                .find(|s| s.website_id == c.website_id)
                .map_or("", |s| s.code.as_str());
            let store = scopes.store(c.store_id).map_or("", |s| s.code.as_str());
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let row: [String; 23] = [
                c.email.clone(),
                website.to_owned(),
                store.to_owned(),
                opt(&c.confirmation),
                c.created_at.format(TIME).to_string(),
                c.created_in.clone(),
                c.disable_auto_group_change.to_string(),
                c.dob
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                c.firstname.clone(),
                gender_label(c.gender).to_owned(),
                c.group_id.to_string(),
                c.lastname.clone(),
                opt(&c.middlename),
                opt(&c.password_hash),
                opt(&c.prefix),
                // Only a hash of a reset token is kept: nothing to export.
                String::new(),
                String::new(),
                c.store_id.to_string(),
                opt(&c.suffix),
                opt(&c.taxvat),
                c.updated_at.format(TIME).to_string(),
                c.website_id.to_string(),
                String::new(),
            ];
            w.write_record(&row).map_err(csv_error)?;
            n += 1;
        }
    }
    w.flush()?;
    Ok(n)
}

/// Writes the addresses file; returns how many rows.
pub fn export_addresses(conn: &mut DbConnection, out: impl Write) -> Result<u64, MigrateError> {
    let scopes = Scopes::load(conn)?;
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(ADDRESS_COLUMNS).map_err(csv_error)?;
    let (mut after, mut n) = (0, 0);
    loop {
        let page = addresses_after(conn, after, PAGE)?;
        let Some((last, _)) = page.last() else { break };
        after = last.entity_id;
        for (a, owner) in &page {
            let AddressOwnerRow {
                email,
                website_id,
                default_billing: billing,
                default_shipping: shipping,
            } = owner;
            let website = scopes
                .websites
                .iter()
                .find(|s| s.website_id == *website_id)
                .map_or("", |s| s.code.as_str());
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let flag = |d: &Option<i32>| if *d == Some(a.entity_id) { "1" } else { "" };
            let row: [String; 24] = [
                website.to_owned(),
                email.clone(),
                a.entity_id.to_string(),
                a.city.clone(),
                opt(&a.company),
                a.country_id.clone(),
                opt(&a.fax),
                a.firstname.clone(),
                a.lastname.clone(),
                opt(&a.middlename),
                opt(&a.postcode),
                opt(&a.prefix),
                opt(&a.region),
                if a.region_id > 0 {
                    a.region_id.to_string()
                } else {
                    String::new()
                },
                a.street.clone(),
                opt(&a.suffix),
                opt(&a.telephone),
                opt(&a.vat_id),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                flag(billing).to_owned(),
                flag(shipping).to_owned(),
            ];
            w.write_record(&row).map_err(csv_error)?;
            n += 1;
        }
    }
    w.flush()?;
    Ok(n)
}
