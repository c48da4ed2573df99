//! Address writes (create, update, delete), composed by callers into one transaction with
//! the customer row.

use super::DbConnection;
use super::schema::customer_addresses;
use crate::domain::address::{AddressInput, AddressRegion, RegionInput, ValidAddress};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Every data column of an address: inserted with the owner and creation time, or set as a
/// whole on update (`None` writes NULL: the caller merged what the request left out).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = customer_addresses, treat_none_as_null = true)]
struct AddressFields<'a> {
    updated_at: NaiveDateTime,
    firstname: &'a str,
    middlename: Option<&'a str>,
    lastname: &'a str,
    prefix: Option<&'a str>,
    suffix: Option<&'a str>,
    company: Option<&'a str>,
    street: String,
    city: &'a str,
    country_id: &'a str,
    region: Option<&'a str>,
    region_id: i32,
    postcode: Option<&'a str>,
    telephone: Option<&'a str>,
    fax: Option<&'a str>,
    vat_id: Option<&'a str>,
}

impl<'a> AddressFields<'a> {
    fn of(a: &'a ValidAddress, now: NaiveDateTime) -> Self {
        Self {
            updated_at: now,
            firstname: &a.firstname,
            middlename: a.middlename.as_deref(),
            lastname: &a.lastname,
            prefix: a.prefix.as_deref(),
            suffix: a.suffix.as_deref(),
            company: a.company.as_deref(),
            street: a.street.join("\n"),
            city: &a.city,
            country_id: &a.country_id,
            region: a.region.name(),
            region_id: a.region.id(),
            postcode: a.postcode.as_deref(),
            telephone: a.telephone.as_deref(),
            fax: a.fax.as_deref(),
            vat_id: a.vat_id.as_deref(),
        }
    }
}

/// The address with this id, whoever owns it.
/// How many addresses the customer has.
pub fn count_of_customer(conn: &mut DbConnection, customer_id: i32) -> QueryResult<i64> {
    customer_addresses::table
        .filter(customer_addresses::customer_id.eq(customer_id))
        .count()
        .get_result(conn)
}

pub fn find(conn: &mut DbConnection, address_id: i32) -> QueryResult<Option<AddressRow>> {
    customer_addresses::table
        .find(address_id)
        .select(AddressRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts an address for a customer; returns its id.
pub fn insert(
    conn: &mut DbConnection,
    customer_id: i32,
    address: &ValidAddress,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(customer_addresses::table)
        .values((
            customer_addresses::customer_id.eq(customer_id),
            customer_addresses::created_at.eq(now),
            AddressFields::of(address, now),
        ))
        .returning(customer_addresses::entity_id)
        .get_result(conn)
}

/// Replaces every field of an address (the caller merged what was not sent).
pub fn update(
    conn: &mut DbConnection,
    address_id: i32,
    a: &ValidAddress,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(customer_addresses::table.find(address_id))
        .set(AddressFields::of(a, now))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, address_ids: &[i32]) -> QueryResult<()> {
    if !address_ids.is_empty() {
        diesel::delete(
            customer_addresses::table.filter(customer_addresses::entity_id.eq_any(address_ids)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// A stored address as read.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customer_addresses)]
pub struct AddressRow {
    pub entity_id: i32,
    pub customer_id: i32,
    #[diesel(deserialize_as = super::timestamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = super::timestamp::Stamp)]
    pub updated_at: NaiveDateTime,
    pub firstname: String,
    pub middlename: Option<String>,
    pub lastname: String,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub company: Option<String>,
    pub street: String,
    pub city: String,
    pub country_id: String,
    pub region: Option<String>,
    pub region_id: i32,
    pub postcode: Option<String>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub vat_id: Option<String>,
}

impl AddressRow {
    /// The street lines, as stored: one text, lines joined by `\n` (Magento's `street` column).
    pub fn street_lines(&self) -> impl Iterator<Item = &str> {
        self.street.split('\n')
    }

    /// The stored address as input, so a partial update can overlay what the request sends
    /// (Magento's address save keeps the attributes a request leaves out).
    pub fn as_input(&self) -> AddressInput {
        let region =
            AddressRegion::from_stored(self.region_id, &self.country_id, self.region.as_deref());
        AddressInput {
            id: Some(i64::from(self.entity_id)),
            customer_id: Some(i64::from(self.customer_id)),
            region: Some(RegionInput {
                region_code: None,
                region: region.name().map(str::to_owned),
                region_id: Some(i64::from(region.id())),
            }),
            region_id: Some(i64::from(region.id())),
            country_id: Some(self.country_id.clone()),
            street: Some(self.street_lines().map(str::to_owned).collect()),
            company: self.company.clone(),
            telephone: self.telephone.clone(),
            fax: self.fax.clone(),
            postcode: self.postcode.clone(),
            city: Some(self.city.clone()),
            firstname: Some(self.firstname.clone()),
            lastname: Some(self.lastname.clone()),
            middlename: self.middlename.clone(),
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
            vat_id: self.vat_id.clone(),
            default_shipping: None,
            default_billing: None,
        }
    }
}
