-- Back-office users and server-to-server integrations, and the owners of their tokens.
CREATE TABLE admin_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username TEXT NOT NULL,
    -- Lower-cased in Rust: admin user names are unique case-insensitively, as in Magento (MySQL collation).
    username_normalized TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX admin_users_username_unique ON admin_users (username_normalized);

CREATE TABLE integrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    -- ACL resources granted, comma-separated (e.g. Magento_Customer::customer,Magento_Customer::manage).
    resources TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX integrations_name_unique ON integrations (name);

ALTER TABLE access_tokens ADD COLUMN admin_id INTEGER REFERENCES admin_users (id) ON DELETE CASCADE;
ALTER TABLE access_tokens ADD COLUMN integration_id INTEGER REFERENCES integrations (id) ON DELETE CASCADE;

-- Customer search: SQLite's LIKE is ASCII case-insensitive and can use an index for a
-- 'prefix%' pattern only when the index uses NOCASE.
CREATE INDEX customers_email_nocase ON customers (email_normalized COLLATE NOCASE);
CREATE INDEX customers_firstname_nocase ON customers (firstname COLLATE NOCASE);
CREATE INDEX customers_lastname_nocase ON customers (lastname COLLATE NOCASE);
CREATE INDEX customers_created_at ON customers (created_at);
