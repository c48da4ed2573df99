//! Address writes (create, update, delete), composed by callers into one transaction with
//! the customer row.

use super::DbConnection;
use super::customers::AddressRow;
use super::schema::customer_addresses;
use crate::domain::address::ValidAddress;
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
