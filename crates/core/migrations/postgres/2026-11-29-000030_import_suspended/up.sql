-- What an import into empty customer tables suspended (PostgreSQL only; see
-- src/db/suspended.rs): the foreign keys and non-unique indexes of customers and
-- customer_addresses, and the customers table's fillfactor. A row is written in the same
-- transaction as the drop it records and deleted in the one that puts the object back, so the
-- database always has either the object or this record of it.
CREATE TABLE import_suspended (
    -- 'index', 'foreign_key' or 'storage'.
    kind TEXT NOT NULL,
    -- The index or constraint name as SQL (quoted where needed), or the table's for 'storage'.
    name TEXT NOT NULL,
    -- The table as SQL (regclass text).
    table_name TEXT NOT NULL,
    -- 'index': pg_get_indexdef (a CREATE INDEX statement); 'foreign_key': pg_get_constraintdef;
    -- 'storage': the ALTER TABLE that puts the storage parameters back.
    definition TEXT NOT NULL,
    -- For an ON DELETE CASCADE key: the DELETE of rows whose parent was deleted while the key
    -- (and so its cascade) was suspended, run before the key is added back.
    cleanup TEXT,
    suspended_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    PRIMARY KEY (kind, name)
);
