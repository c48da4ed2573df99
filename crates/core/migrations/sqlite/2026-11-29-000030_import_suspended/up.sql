-- PostgreSQL's import into empty customer tables records here the keys and indexes it
-- suspends (see src/db/suspended.rs and the PostgreSQL migration of the same name). An import
-- into SQLite suspends nothing, so the table stays empty; it exists so that both trees hold
-- the same migrations and a database of either backend reports the same schema version.
CREATE TABLE import_suspended (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    table_name TEXT NOT NULL,
    definition TEXT NOT NULL,
    cleanup TEXT,
    suspended_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (kind, name)
);
