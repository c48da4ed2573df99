//! Straight from a Magento database (MySQL or MariaDB): `customer_entity`,
//! `customer_address_entity`, `newsletter_subscriber` and `store` / `store_website` for the
//! scope codes, with the columns of Magento's db_schema.xml (Customer, Newsletter and Store
//! modules). Rows are streamed (`query_iter`), never loaded whole.

use super::writer::Writer;
use super::{AddressRecord, CustomerRecord, MigrateError, Owner, ScopeRef, present};
use mysql::prelude::Queryable;
use std::io::Write;

const CUSTOMERS: &str = "SELECT c.entity_id, c.email, w.code, s.code, c.store_id, c.group_id, \
     c.created_at, c.updated_at, c.created_in, c.prefix, c.firstname, c.middlename, c.lastname, \
     c.suffix, c.dob, c.gender, c.taxvat, c.password_hash, c.confirmation, \
     c.disable_auto_group_change, c.is_active, c.default_billing, c.default_shipping, \
     EXISTS (SELECT 1 FROM newsletter_subscriber n WHERE n.customer_id = c.entity_id \
             AND n.subscriber_status = 1) \
     FROM customer_entity c \
     LEFT JOIN store_website w ON w.website_id = c.website_id \
     LEFT JOIN store s ON s.store_id = c.store_id \
     ORDER BY c.entity_id";

const ADDRESSES: &str = "SELECT a.entity_id, a.parent_id, a.created_at, a.updated_at, \
     a.firstname, a.middlename, a.lastname, a.prefix, a.suffix, a.company, a.street, a.city, \
     a.country_id, a.region, a.region_id, a.postcode, a.telephone, a.fax, a.vat_id \
     FROM customer_address_entity a ORDER BY a.entity_id";

/// A connection to the Magento database; its URL's password is never shown in errors.
pub struct Source {
    conn: mysql::Conn,
}

fn source_error(e: mysql::Error) -> MigrateError {
    MigrateError::Source(format!("Magento database: {e}"))
}

/// Takes the columns of one row in order, each as text (NULL is `None`).
struct Columns {
    row: mysql::Row,
    next: usize,
}

impl Columns {
    fn text(&mut self) -> Option<String> {
        let i = self.next;
        self.next += 1;
        present(
            self.row
                .take_opt::<Option<String>, _>(i)
                .and_then(Result::ok)
                .flatten(),
        )
    }

    fn id(&mut self) -> Option<i32> {
        self.text().and_then(|v| v.parse().ok())
    }
}

impl Source {
    pub fn connect(url: &str) -> Result<Self, MigrateError> {
        let opts = mysql::Opts::from_url(url).map_err(|_| {
            MigrateError::Source("the --from URL is not a valid mysql:// URL".into())
        })?;
        Ok(Self {
            conn: mysql::Conn::new(opts).map_err(source_error)?,
        })
    }

    pub fn count(&mut self, table: &str) -> Result<u64, MigrateError> {
        let n: Option<u64> = self
            .conn
            .query_first(format!("SELECT COUNT(*) FROM {table}"))
            .map_err(source_error)?;
        Ok(n.unwrap_or(0))
    }

    pub fn import_customers<W: Write>(
        &mut self,
        writer: &mut Writer<'_, W>,
    ) -> Result<(), MigrateError> {
        let rows = self.conn.query_iter(CUSTOMERS).map_err(source_error)?;
        for row in rows {
            let mut c = Columns {
                row: row.map_err(source_error)?,
                next: 0,
            };
            let entity_id = c.id();
            let origin = format!("customer_entity {}", entity_id.unwrap_or_default());
            let email = c.text().unwrap_or_default();
            let website = c.text();
            let store_code = c.text();
            let store_id = c.text();
            let store = match (store_code, store_id.as_deref()) {
                (_, None | Some("0")) => ScopeRef::Admin,
                (Some(code), _) => ScopeRef::Code(code),
                // A store id with no store row: left for the writer to reject.
                (None, Some(id)) => ScopeRef::Code(format!("#{id}")),
            };
            let record = CustomerRecord {
                origin,
                entity_id,
                email,
                website,
                store: Some(store),
                group_id: c.text(),
                created_at: c.text(),
                updated_at: c.text(),
                created_in: c.text(),
                prefix: c.text(),
                firstname: c.text(),
                middlename: c.text(),
                lastname: c.text(),
                suffix: c.text(),
                dob: c.text(),
                gender: c.text(),
                taxvat: c.text(),
                password_hash: c.text(),
                password: None,
                confirmation: c.text(),
                disable_auto_group_change: c.text(),
                is_active: c.text().map(|v| v != "0"),
                default_billing: c.id(),
                default_shipping: c.id(),
                is_subscribed: Some(c.text().is_some_and(|v| v != "0")),
            };
            writer.push_customer(record)?;
        }
        writer.flush_customers()
    }

    pub fn import_addresses<W: Write>(
        &mut self,
        writer: &mut Writer<'_, W>,
    ) -> Result<(), MigrateError> {
        let rows = self.conn.query_iter(ADDRESSES).map_err(source_error)?;
        for row in rows {
            let mut c = Columns {
                row: row.map_err(source_error)?,
                next: 0,
            };
            let entity_id = c.id();
            let origin = format!("customer_address_entity {}", entity_id.unwrap_or_default());
            let owner = Owner::Id(c.id().unwrap_or_default());
            let record = AddressRecord {
                origin,
                entity_id,
                owner,
                created_at: c.text(),
                updated_at: c.text(),
                firstname: c.text(),
                middlename: c.text(),
                lastname: c.text(),
                prefix: c.text(),
                suffix: c.text(),
                company: c.text(),
                street: c.text(),
                city: c.text(),
                country_id: c.text(),
                region: c.text(),
                region_id: c.text(),
                postcode: c.text(),
                telephone: c.text(),
                fax: c.text(),
                vat_id: c.text(),
                // The customer rows carry the defaults (customer_entity.default_*).
                default_billing: false,
                default_shipping: false,
            };
            writer.push_address(record)?;
        }
        writer.flush_addresses()
    }
}
