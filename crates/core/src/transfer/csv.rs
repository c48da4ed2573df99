//! Magento's customer export files, as the admin's System > Export writes them ("Customers
//! Main File" and "Customer Addresses"; column names from CustomerImportExport's
//! Export/Customer.php and Export/Address.php), read one record at a time.

use super::writer::Writer;
use super::{AddressRecord, CustomerRecord, MigrateError, Owner, ScopeRef, csv_error};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The Customers Main File's columns, in Magento's order (`email`, `_website`, `_store`, the
/// attributes by code, then `password`). `updated_at` is kept too, so a round trip keeps it.
pub const CUSTOMER_COLUMNS: [&str; 23] = [
    "email",
    "_website",
    "_store",
    "confirmation",
    "created_at",
    "created_in",
    "disable_auto_group_change",
    "dob",
    "firstname",
    "gender",
    "group_id",
    "lastname",
    "middlename",
    "password_hash",
    "prefix",
    "rp_token",
    "rp_token_created_at",
    "store_id",
    "suffix",
    "taxvat",
    "updated_at",
    "website_id",
    "password",
];

/// The Customer Addresses file's columns, in Magento's order.
pub const ADDRESS_COLUMNS: [&str; 24] = [
    "_website",
    "_email",
    "_entity_id",
    "city",
    "company",
    "country_id",
    "fax",
    "firstname",
    "lastname",
    "middlename",
    "postcode",
    "prefix",
    "region",
    "region_id",
    "street",
    "suffix",
    "telephone",
    "vat_id",
    "vat_is_valid",
    "vat_request_date",
    "vat_request_id",
    "vat_request_success",
    "_address_default_billing_",
    "_address_default_shipping_",
];

/// A CSV file with its header read: cells are looked up by column name.
struct Table {
    reader: ::csv::Reader<std::fs::File>,
    columns: HashMap<String, usize>,
    name: String,
}

impl Table {
    fn open(path: &Path, required: &[&str]) -> Result<Self, MigrateError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let file = std::fs::File::open(path)
            .map_err(|e| MigrateError::Source(format!("cannot open {}: {e}", path.display())))?;
        let mut reader = ::csv::ReaderBuilder::new().flexible(true).from_reader(file);
        let columns: HashMap<String, usize> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim_start_matches('\u{feff}').trim().to_owned(), i))
            .collect();
        if let Some(missing) = required.iter().find(|c| !columns.contains_key(**c)) {
            return Err(MigrateError::Source(format!(
                "{name}: the column {missing} is missing"
            )));
        }
        Ok(Self {
            reader,
            columns,
            name,
        })
    }

    /// Each record with its origin (`file:line`); a record the CSV reader cannot read stops
    /// the run (the file is broken, not a row).
    fn each(
        &mut self,
        mut f: impl FnMut(String, &Cells<'_>) -> Result<(), MigrateError>,
    ) -> Result<(), MigrateError> {
        let mut record = ::csv::StringRecord::new();
        while self.reader.read_record(&mut record).map_err(csv_error)? {
            let line = record.position().map_or(0, |p| p.line());
            let cells = Cells { record: &record };
            f(format!("{}:{line}", self.name), &cells)?;
        }
        Ok(())
    }
}

impl Table {
    /// Where each of `names` is in this file (`None`: no such column), looked up once per file
    /// rather than once per cell.
    fn columns<const N: usize>(&self, names: [&str; N]) -> [Option<usize>; N] {
        names.map(|n| self.columns.get(n).copied())
    }
}

struct Cells<'a> {
    record: &'a ::csv::StringRecord,
}

impl Cells<'_> {
    /// The cell's text; `None` for an empty cell or a column the file does not have, without
    /// allocating.
    fn get(&self, column: Option<usize>) -> Option<String> {
        self.record
            .get(column?)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }
}

/// Data rows in a file (for the progress bar's total): a quick pass without decoding text.
pub fn count_rows(path: &Path) -> Result<u64, MigrateError> {
    let file = std::fs::File::open(path)?;
    let mut reader = ::csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let mut record = ::csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        n += 1;
    }
    Ok(n)
}

/// Reads the Customers Main File into the writer.
pub fn import_customers<W: Write>(
    path: &Path,
    writer: &mut Writer<'_, W>,
) -> Result<(), MigrateError> {
    let mut table = Table::open(path, &["email", "_website"])?;
    let [
        entity_id,
        email,
        website,
        store,
        group_id,
        created_at,
        updated_at,
        created_in,
        prefix,
        firstname,
        middlename,
        lastname,
        suffix,
        dob,
        gender,
        taxvat,
        password_hash,
        password,
        confirmation,
        disable_auto_group_change,
    ] = table.columns([
        "entity_id",
        "email",
        "_website",
        "_store",
        "group_id",
        "created_at",
        "updated_at",
        "created_in",
        "prefix",
        "firstname",
        "middlename",
        "lastname",
        "suffix",
        "dob",
        "gender",
        "taxvat",
        "password_hash",
        "password",
        "confirmation",
        "disable_auto_group_change",
    ]);
    table.each(|origin, c| {
        writer.push_customer(CustomerRecord {
            origin,
            // Not one of Magento's columns; read when a file carries it, to keep ids.
            entity_id: c.get(entity_id).and_then(|v| v.parse().ok()),
            email: c.get(email).unwrap_or_default(),
            website: c.get(website),
            store: Some(c.get(store).map_or(ScopeRef::Admin, ScopeRef::Code)),
            group_id: c.get(group_id),
            created_at: c.get(created_at),
            updated_at: c.get(updated_at),
            created_in: c.get(created_in),
            prefix: c.get(prefix),
            firstname: c.get(firstname),
            middlename: c.get(middlename),
            lastname: c.get(lastname),
            suffix: c.get(suffix),
            dob: c.get(dob),
            gender: c.get(gender),
            taxvat: c.get(taxvat),
            password_hash: c.get(password_hash),
            password: c.get(password),
            confirmation: c.get(confirmation),
            disable_auto_group_change: c.get(disable_auto_group_change),
            is_active: None,
            is_subscribed: None,
            default_billing: None,
            default_shipping: None,
        })
    })?;
    writer.flush_customers()
}

/// Reads the Customer Addresses file into the writer (after the customers it names).
pub fn import_addresses<W: Write>(
    path: &Path,
    writer: &mut Writer<'_, W>,
) -> Result<(), MigrateError> {
    let mut table = Table::open(path, &["_email", "_website"])?;
    let [
        entity_id,
        email,
        website,
        firstname,
        middlename,
        lastname,
        prefix,
        suffix,
        company,
        street,
        city,
        country_id,
        region,
        region_id,
        postcode,
        telephone,
        fax,
        vat_id,
        default_billing,
        default_shipping,
    ] = table.columns([
        "_entity_id",
        "_email",
        "_website",
        "firstname",
        "middlename",
        "lastname",
        "prefix",
        "suffix",
        "company",
        "street",
        "city",
        "country_id",
        "region",
        "region_id",
        "postcode",
        "telephone",
        "fax",
        "vat_id",
        "_address_default_billing_",
        "_address_default_shipping_",
    ]);
    let flag = |v: Option<String>| v.is_some_and(|v| v != "0");
    table.each(|origin, c| {
        writer.push_address(AddressRecord {
            origin,
            entity_id: c.get(entity_id).and_then(|v| v.parse().ok()),
            owner: Owner::Email {
                email: c.get(email).unwrap_or_default(),
                website: c.get(website).unwrap_or_default(),
            },
            created_at: None,
            updated_at: None,
            firstname: c.get(firstname),
            middlename: c.get(middlename),
            lastname: c.get(lastname),
            prefix: c.get(prefix),
            suffix: c.get(suffix),
            company: c.get(company),
            street: c.get(street),
            city: c.get(city),
            country_id: c.get(country_id),
            region: c.get(region),
            region_id: c.get(region_id),
            postcode: c.get(postcode),
            telephone: c.get(telephone),
            fax: c.get(fax),
            vat_id: c.get(vat_id),
            default_billing: flag(c.get(default_billing)),
            default_shipping: flag(c.get(default_shipping)),
        })
    })?;
    writer.flush_addresses()
}
