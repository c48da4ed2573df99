//! Newsletter subscriptions of e-mails that are not a signed-in customer's own (Magento's
//! `newsletter_subscriber` rows without a customer). A customer's own subscription is the
//! `customers.is_subscribed` flag.

use super::DbConnection;
use super::schema::{customers, newsletter_subscribers};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Magento's `subscriber_status` for a subscribed e-mail.
pub const SUBSCRIBED: i32 = 1;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = newsletter_subscribers)]
pub struct NewSubscriber<'a> {
    pub website_id: i32,
    pub store_id: i32,
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub status: i32,
    pub created_at: NaiveDateTime,
}

/// Whether an e-mail is subscribed in a website, either as a customer's own subscription or
/// as a guest subscription (Magento's `loadBySubscriberEmail` and status check).
pub fn is_subscribed(
    conn: &mut DbConnection,
    email_normalized: &str,
    website_id: i32,
) -> QueryResult<bool> {
    let customer: i64 = customers::table
        .filter(customers::email_normalized.eq(email_normalized))
        .filter(customers::website_id.eq(website_id))
        .filter(customers::is_subscribed.eq(true))
        .count()
        .get_result(conn)?;
    let guest: i64 = newsletter_subscribers::table
        .filter(newsletter_subscribers::email_normalized.eq(email_normalized))
        .filter(newsletter_subscribers::website_id.eq(website_id))
        .filter(newsletter_subscribers::status.eq(SUBSCRIBED))
        .count()
        .get_result(conn)?;
    Ok(customer + guest > 0)
}

/// Records a guest subscription with its status (a row for the e-mail in the website is
/// updated). `false` when a concurrent request recorded the same e-mail first.
pub fn subscribe_guest(conn: &mut DbConnection, row: &NewSubscriber<'_>) -> QueryResult<bool> {
    let updated = diesel::update(
        newsletter_subscribers::table
            .filter(newsletter_subscribers::email_normalized.eq(row.email_normalized))
            .filter(newsletter_subscribers::website_id.eq(row.website_id)),
    )
    .set((
        newsletter_subscribers::status.eq(row.status),
        newsletter_subscribers::store_id.eq(row.store_id),
    ))
    .execute(conn)?;
    if updated > 0 {
        return Ok(true);
    }
    match diesel::insert_into(newsletter_subscribers::table)
        .values(row)
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Subscribes a customer's own e-mail.
pub fn subscribe_customer(conn: &mut DbConnection, customer_id: i32) -> QueryResult<()> {
    diesel::update(customers::table.find(customer_id))
        .set(customers::is_subscribed.eq(true))
        .execute(conn)?;
    Ok(())
}
