//! The reads of `customer-service export` (`transfer::export` writes the files): customers
//! and addresses in pages by id, so memory stays flat however many there are.

use super::DbConnection;
use super::addresses::AddressRow;
use super::customers::CustomerRow;
use super::schema::{customer_addresses, customers};
use diesel::prelude::*;

/// What an address row of the export needs of its customer.
#[derive(Debug, Queryable)]
pub struct AddressOwnerRow {
    pub email: String,
    pub website_id: i32,
    pub default_billing: Option<i32>,
    pub default_shipping: Option<i32>,
}

/// Up to `limit` customers with ids above `after`, by id.
pub fn customers_after(
    conn: &mut DbConnection,
    after: i32,
    limit: i64,
) -> QueryResult<Vec<CustomerRow>> {
    customers::table
        .filter(customers::entity_id.gt(after))
        .order(customers::entity_id)
        .limit(limit)
        .select(CustomerRow::as_select())
        .load(conn)
}

/// Up to `limit` addresses with ids above `after`, by id, each with its customer's part.
pub fn addresses_after(
    conn: &mut DbConnection,
    after: i32,
    limit: i64,
) -> QueryResult<Vec<(AddressRow, AddressOwnerRow)>> {
    customer_addresses::table
        .inner_join(customers::table)
        .filter(customer_addresses::entity_id.gt(after))
        .order(customer_addresses::entity_id)
        .limit(limit)
        .select((
            AddressRow::as_select(),
            (
                customers::email,
                customers::website_id,
                customers::default_billing,
                customers::default_shipping,
            ),
        ))
        .load(conn)
}
