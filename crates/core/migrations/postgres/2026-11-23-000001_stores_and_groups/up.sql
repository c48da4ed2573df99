-- Magento's fresh-install scopes (Store/Setup/Patch/Schema/InitializeStoresAndWebsites.php)
-- and customer groups (Customer/Setup/Patch/Data/DefaultCustomerGroupsAndAttributes.php).
-- Ids are explicit: clients and stored customers refer to them by number.
CREATE TABLE store_websites (
    website_id INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    default_group_id INTEGER NOT NULL DEFAULT 0,
    is_default BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE store_groups (
    group_id INTEGER PRIMARY KEY NOT NULL,
    website_id INTEGER NOT NULL REFERENCES store_websites (website_id),
    name TEXT NOT NULL,
    root_category_id INTEGER NOT NULL DEFAULT 0,
    default_store_id INTEGER NOT NULL DEFAULT 0,
    code TEXT NOT NULL UNIQUE
);

CREATE TABLE stores (
    store_id INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    website_id INTEGER NOT NULL REFERENCES store_websites (website_id),
    group_id INTEGER NOT NULL REFERENCES store_groups (group_id),
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    is_active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE customer_groups (
    customer_group_id INTEGER PRIMARY KEY NOT NULL,
    customer_group_code TEXT NOT NULL UNIQUE,
    tax_class_id INTEGER NOT NULL
);

INSERT INTO store_websites (website_id, code, name, sort_order, default_group_id, is_default) VALUES
    (0, 'admin', 'Admin', 0, 0, FALSE),
    (1, 'base', 'Main Website', 0, 1, TRUE);

INSERT INTO store_groups (group_id, website_id, name, root_category_id, default_store_id, code) VALUES
    (0, 0, 'Default', 0, 0, 'default'),
    (1, 1, 'Main Website Store', 2, 1, 'main_website_store');

INSERT INTO stores (store_id, code, website_id, group_id, name, sort_order, is_active) VALUES
    (0, 'admin', 0, 0, 'Admin', 0, TRUE),
    (1, 'default', 1, 1, 'Default Store View', 0, TRUE);

INSERT INTO customer_groups (customer_group_id, customer_group_code, tax_class_id) VALUES
    (0, 'NOT LOGGED IN', 3),
    (1, 'General', 3),
    (2, 'Wholesale', 3),
    (3, 'Retailer', 3);
