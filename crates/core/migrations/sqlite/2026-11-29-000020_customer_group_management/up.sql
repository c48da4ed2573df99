-- Customer groups become editable (GroupRepository): a lower-cased code for Magento's
-- case-insensitive "Customer Group already exists." check (lower-cased in Rust, as SQLite's
-- lower() is ASCII-only), Magento's tax classes (Tax/Setup/Patch/Data/AddTaxAttributeAndTaxClasses:
-- 2 Taxable Goods, 3 Retail Customer) and the configuration value
-- customer/create_account/default_group (core_config_data; Magento's config.xml default is 1).
ALTER TABLE customer_groups ADD COLUMN customer_group_code_normalized TEXT NOT NULL DEFAULT '';
UPDATE customer_groups SET customer_group_code_normalized = lower(customer_group_code);
CREATE UNIQUE INDEX customer_groups_code_normalized_unique ON customer_groups (customer_group_code_normalized);

CREATE TABLE tax_classes (
    class_id INTEGER PRIMARY KEY NOT NULL,
    class_name TEXT NOT NULL,
    class_type TEXT NOT NULL
);

INSERT INTO tax_classes (class_id, class_name, class_type) VALUES
    (2, 'Taxable Goods', 'PRODUCT'),
    (3, 'Retail Customer', 'CUSTOMER');

CREATE TABLE core_config_data (
    scope TEXT NOT NULL,
    scope_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (scope, scope_id, path)
);
