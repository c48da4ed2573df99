-- Customers and their addresses (Magento customer_entity / customer_address_entity, flattened:
-- this service has no EAV). Times are naive UTC, as Magento's DB session runs in UTC.
CREATE TABLE customers (
    entity_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    website_id INTEGER NOT NULL REFERENCES store_websites (website_id),
    email TEXT NOT NULL,
    -- Lower-cased in Rust, so uniqueness is the same on both backends (SQLite's lower() is ASCII-only).
    email_normalized TEXT NOT NULL,
    group_id INTEGER NOT NULL REFERENCES customer_groups (customer_group_id),
    store_id INTEGER NOT NULL REFERENCES stores (store_id),
    created_in TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    disable_auto_group_change SMALLINT NOT NULL DEFAULT 0,
    prefix TEXT,
    firstname TEXT NOT NULL,
    middlename TEXT,
    lastname TEXT NOT NULL,
    suffix TEXT,
    dob DATE,
    gender SMALLINT,
    taxvat TEXT,
    password_hash TEXT,
    confirmation TEXT,
    -- Plain ids, no foreign key: the address rows reference the customer, and Magento keeps these the same way.
    default_billing INTEGER,
    default_shipping INTEGER,
    is_subscribed BOOLEAN NOT NULL DEFAULT FALSE,
    failures_num INTEGER NOT NULL DEFAULT 0,
    first_failure TIMESTAMP,
    lock_expires TIMESTAMP,
    rp_token_hash TEXT,
    rp_token_created_at TIMESTAMP
);

CREATE UNIQUE INDEX customers_email_website_unique ON customers (email_normalized, website_id);

CREATE TABLE customer_addresses (
    entity_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (entity_id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    firstname TEXT NOT NULL,
    middlename TEXT,
    lastname TEXT NOT NULL,
    prefix TEXT,
    suffix TEXT,
    company TEXT,
    -- Street lines joined with a newline, as Magento stores them.
    street TEXT NOT NULL,
    city TEXT NOT NULL,
    country_id TEXT NOT NULL,
    -- Region name as resolved at write time (directory name, or free text for countries without a list).
    region TEXT,
    -- Magento's directory_country_region id, 0 when the address has none.
    region_id INTEGER NOT NULL DEFAULT 0,
    postcode TEXT,
    telephone TEXT,
    fax TEXT,
    vat_id TEXT
);

CREATE INDEX customer_addresses_customer_id ON customer_addresses (customer_id);
