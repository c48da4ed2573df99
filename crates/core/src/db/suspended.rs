//! Foreign keys and indexes suspended while `customer-service import` fills empty customer
//! tables on PostgreSQL, and how they are put back.
//!
//! Row by row, the foreign keys (a trigger per row and key, each a `SELECT ... FOR KEY SHARE`)
//! and the non-unique indexes took most of the server's time of an import. Into empty tables
//! (the migration case) the import drops them and builds them once at the end: one sort per
//! index, one anti-join per key. The unique indexes stay (the primary keys, e-mail and website:
//! re-runs and duplicates are found through them). The customers table's fill factor is lowered
//! meanwhile, so that the rewrite of each customer row by its default addresses stays on its page
//! (a HOT update, which adds no index entries).
//!
//! Crash safety: what is dropped is recorded in `import_suspended` in the transaction that drops
//! it, so the database always has either the object or a record of it. `restore` puts back what
//! is recorded and deletes the records, and does nothing the second time. It runs at the end of
//! the import (also of a failed one), and at every start of the service, of `migrate` and of the
//! other commands (`restore_abandoned`), unless the import that suspended them is still running:
//! its session holds an advisory lock, which PostgreSQL releases when the session ends, however
//! it ends.
//!
//! Meanwhile a service may be running. The website, store and group of each customer batch are
//! locked as the foreign key triggers lock them (`db::import`), so deleting a customer group
//! waits for the batch and cannot strand customers in a deleted group. A customer deleted during
//! the import keeps its addresses until `restore`, which deletes them as the suspended
//! `ON DELETE CASCADE` would have. The service's own writes are not checked against the
//! suspended keys either (it checks websites, stores and groups itself); `restore` validates
//! every row. Searches by name or e-mail prefix and reading a customer's addresses scan the
//! tables until the indexes are back, and `restore` blocks writes to the two tables while it
//! builds them (seconds for a million customers).

use super::{DbConnection, DbError, QueryResult};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

/// The first key of the import's advisory lock ("impt"); the second is the customers table's
/// oid, so imports into other schemas or databases neither wait for it nor see it.
const LOCK_CLASS: i32 = 0x696d_7074;

/// The customers table's fill factor while suspended: half of each page stays free for the
/// second version of its rows, written when the addresses set their customers' defaults.
const IMPORT_FILLFACTOR: u32 = 50;

/// How long the import waits for the tables before it runs without suspending anything (it
/// needs them alone for a moment; a long transaction of the service would hold it up).
const SUSPEND_LOCK_TIMEOUT: &str = "5s";

/// Work memory for rebuilding the indexes (one sort each), if the server's is lower.
const RESTORE_MAINTENANCE_WORK_MEM: &str = "256MB";

/// What an import suspended: everything the two tables have that a bulk load pays for per row
/// and that can be built once afterwards. The returned rows are what `suspend` drops.
const RECORD_SUSPENDED: &str = "
INSERT INTO import_suspended (kind, name, table_name, definition, cleanup)
SELECT 'index', i.indexrelid::regclass::text, i.indrelid::regclass::text,
       pg_get_indexdef(i.indexrelid), NULL
  FROM pg_index i
 WHERE i.indrelid IN ('customers'::regclass, 'customer_addresses'::regclass)
   AND NOT i.indisunique AND i.indisvalid
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                    WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
UNION ALL
SELECT 'foreign_key', quote_ident(k.conname), k.conrelid::regclass::text,
       pg_get_constraintdef(k.oid),
       CASE WHEN k.confdeltype = 'c' THEN format(
         'DELETE FROM %s t WHERE %s AND NOT EXISTS (SELECT 1 FROM %s r WHERE %s)',
         k.conrelid::regclass,
         (SELECT string_agg(format('t.%I IS NOT NULL', a.attname), ' AND ')
            FROM unnest(k.conkey) AS u (n)
            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n),
         k.confrelid::regclass,
         (SELECT string_agg(format('r.%I = t.%I', f.attname, a.attname), ' AND ')
            FROM unnest(k.conkey, k.confkey) AS u (n, m)
            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n
            JOIN pg_attribute f ON f.attrelid = k.confrelid AND f.attnum = u.m))
       END
  FROM pg_constraint k
 WHERE k.contype = 'f' AND k.convalidated
   AND k.conrelid IN ('customers'::regclass, 'customer_addresses'::regclass)
UNION ALL
SELECT 'storage', c.oid::regclass::text, c.oid::regclass::text,
       COALESCE((SELECT format('ALTER TABLE %s SET (fillfactor = %s)', c.oid::regclass, o.option_value)
                   FROM pg_options_to_table(c.reloptions) o WHERE o.option_name = 'fillfactor'),
                format('ALTER TABLE %s RESET (fillfactor)', c.oid::regclass)),
       NULL
  FROM pg_class c
 WHERE c.oid = 'customers'::regclass
RETURNING kind, name, table_name, definition, cleanup";

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    value: bool,
}

#[derive(QueryableByName, Debug)]
struct Record {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    definition: String,
    #[diesel(sql_type = Nullable<Text>)]
    cleanup: Option<String>,
}

/// Putting a suspended object back failed: which one, and the database's reason. What could
/// be put back is back; the rest stays recorded and is tried again at the next start.
#[derive(Debug, thiserror::Error)]
#[error("putting back {what} after an import failed (tried again at the next start): {source}")]
pub struct RestoreError {
    pub what: String,
    #[source]
    pub source: DbError,
}

impl From<DbError> for RestoreError {
    fn from(source: DbError) -> Self {
        Self {
            what: "the suspended constraints and indexes".into(),
            source,
        }
    }
}

fn flag(c: &mut PgConnection, sql: &str) -> QueryResult<bool> {
    Ok(diesel::sql_query(sql).get_result::<Flag>(c)?.value)
}

fn try_lock(c: &mut PgConnection) -> QueryResult<bool> {
    flag(
        c,
        &format!(
            "SELECT pg_try_advisory_lock({LOCK_CLASS}, 'customers'::regclass::oid::integer) AS value"
        ),
    )
}

fn unlock(c: &mut PgConnection) -> QueryResult<()> {
    flag(
        c,
        &format!(
            "SELECT pg_advisory_unlock({LOCK_CLASS}, 'customers'::regclass::oid::integer) AS value"
        ),
    )
    .map(|_| ())
}

/// What an import holds while it runs, for `end`.
#[derive(Debug, Default)]
#[must_use = "pass it to `end`, which puts back what was suspended"]
pub struct Hold {
    locked: bool,
    suspended: bool,
}

impl Hold {
    /// Whether this import suspended the foreign keys and indexes.
    pub fn suspended(&self) -> bool {
        self.suspended
    }
}

/// Before a real import, on PostgreSQL: takes the import lock (if another import holds it,
/// nothing is suspended), puts back what an earlier import left suspended, and suspends the
/// foreign keys and secondary indexes if customers is empty. Outside any transaction.
pub fn begin(conn: &mut DbConnection) -> Result<Hold, RestoreError> {
    let DbConnection::Pg(c) = conn else {
        return Ok(Hold::default());
    };
    if !try_lock(c)? {
        tracing::info!("another import is running: this one suspends no constraints");
        return Ok(Hold::default());
    }
    if let Err(e) = restore(c) {
        let _ = unlock(c);
        return Err(e);
    }
    let suspended = match suspend(c) {
        Ok(suspended) => suspended,
        // The tables were busy (lock timeout): the import runs with every key and index.
        Err(e) => {
            tracing::warn!("import: constraints not suspended: {e}");
            false
        }
    };
    if suspended {
        tracing::info!("import into empty tables: foreign keys and secondary indexes suspended");
    }
    Ok(Hold {
        locked: true,
        suspended,
    })
}

/// After the import, whether it succeeded or not: puts back what `begin` suspended and
/// releases the lock. Returns how many objects were put back.
pub fn end(conn: &mut DbConnection, hold: Hold) -> Result<usize, RestoreError> {
    let DbConnection::Pg(c) = conn else {
        return Ok(0);
    };
    let restored = if hold.suspended {
        tracing::info!("import: building the suspended indexes and checking the foreign keys");
        restore(c)
    } else {
        Ok(0)
    };
    let unlocked = if hold.locked { unlock(c) } else { Ok(()) };
    let restored = restored?;
    unlocked?;
    Ok(restored)
}

/// At every start (service, `migrate`, the other commands): puts back what an import that was
/// killed left suspended. `None` when the import that suspended them is still running.
pub fn restore_abandoned(conn: &mut DbConnection) -> Result<Option<usize>, RestoreError> {
    let DbConnection::Pg(c) = conn else {
        return Ok(Some(0));
    };
    if !flag(c, "SELECT EXISTS (SELECT 1 FROM import_suspended) AS value")? {
        return Ok(Some(0));
    }
    // A killed import's session lingers until PostgreSQL sees its connection closed (at the
    // latest when its statement ends): a second to let it go before taking it for a live one.
    let mut tries = 10;
    while !try_lock(c)? {
        tries -= 1;
        if tries == 0 {
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let restored = restore(c);
    let unlocked = unlock(c);
    let restored = restored?;
    unlocked?;
    Ok(Some(restored))
}

/// Records and drops the foreign keys and secondary indexes of customers and
/// customer_addresses, and lowers the customers fill factor, in one transaction, if customers
/// is empty and nothing is suspended already. Returns whether it did.
fn suspend(c: &mut PgConnection) -> QueryResult<bool> {
    c.transaction(|c| {
        c.batch_execute(&format!(
            "SET LOCAL lock_timeout = '{SUSPEND_LOCK_TIMEOUT}'; \
             LOCK TABLE customers, customer_addresses IN ACCESS EXCLUSIVE MODE"
        ))?;
        if flag(
            c,
            "SELECT EXISTS (SELECT 1 FROM customers) OR EXISTS (SELECT 1 FROM import_suspended) \
             AS value",
        )? {
            return Ok(false);
        }
        let records = diesel::sql_query(RECORD_SUSPENDED).load::<Record>(c)?;
        for r in &records {
            match r.kind.as_str() {
                "index" => c.batch_execute(&format!("DROP INDEX {}", r.name))?,
                "foreign_key" => c.batch_execute(&format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    r.table_name, r.name
                ))?,
                _ => c.batch_execute(&format!(
                    "ALTER TABLE {} SET (fillfactor = {IMPORT_FILLFACTOR})",
                    r.table_name
                ))?,
            }
        }
        Ok(true)
    })
}

fn forget(c: &mut PgConnection, r: &Record) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM import_suspended WHERE kind = $1 AND name = $2")
        .bind::<Text, _>(&r.kind)
        .bind::<Text, _>(&r.name)
        .execute(c)
        .map(|_| ())
}

/// Puts back what is recorded, in two steps. First, in one transaction holding both tables
/// against writes: the indexes are built, the fill factor reset, rows an `ON DELETE CASCADE`
/// would have deleted are deleted, and the foreign keys added `NOT VALID` (enforced from then
/// on). Then each key is validated (one anti-join; writes go on meanwhile) and its record
/// deleted. A key whose rows do not hold stays `NOT VALID` and recorded. Returns how many
/// objects were put back.
fn restore(c: &mut PgConnection) -> Result<usize, RestoreError> {
    let (mut restored, keys) = c.transaction(|c| -> Result<_, RestoreError> {
        let records = diesel::sql_query(
            "SELECT kind, name, table_name, definition, cleanup FROM import_suspended \
             ORDER BY kind DESC, name FOR UPDATE",
        )
        .load::<Record>(c)?;
        if records.is_empty() {
            return Ok((0, Vec::new()));
        }
        c.batch_execute(&format!(
            "SET LOCAL statement_timeout = 0; \
             SELECT set_config('maintenance_work_mem', '{RESTORE_MAINTENANCE_WORK_MEM}', true) \
              WHERE pg_size_bytes(current_setting('maintenance_work_mem')) \
                  < pg_size_bytes('{RESTORE_MAINTENANCE_WORK_MEM}'); \
             LOCK TABLE customers, customer_addresses IN SHARE ROW EXCLUSIVE MODE"
        ))?;
        let (mut restored, mut keys) = (0, Vec::new());
        for r in records {
            let step = |c: &mut PgConnection| -> QueryResult<()> {
                match r.kind.as_str() {
                    "index" => {
                        let exists = diesel::sql_query(
                            "SELECT to_regclass($1) IS NOT NULL AS value",
                        )
                        .bind::<Text, _>(&r.name)
                        .get_result::<Flag>(c)?
                        .value;
                        if !exists {
                            c.batch_execute(&r.definition)?;
                        }
                        forget(c, &r)
                    }
                    "foreign_key" => {
                        if let Some(cleanup) = &r.cleanup {
                            c.batch_execute(cleanup)?;
                        }
                        let exists = diesel::sql_query(
                            "SELECT EXISTS (SELECT 1 FROM pg_constraint \
                              WHERE quote_ident(conname) = $1 AND conrelid = $2::regclass) AS value",
                        )
                        .bind::<Text, _>(&r.name)
                        .bind::<Text, _>(&r.table_name)
                        .get_result::<Flag>(c)?
                        .value;
                        if !exists {
                            c.batch_execute(&format!(
                                "ALTER TABLE {} ADD CONSTRAINT {} {} NOT VALID",
                                r.table_name, r.name, r.definition
                            ))?;
                        }
                        Ok(())
                    }
                    _ => {
                        c.batch_execute(&r.definition)?;
                        forget(c, &r)
                    }
                }
            };
            step(c).map_err(|source| RestoreError {
                what: format!("{} {}", r.kind.replace('_', " "), r.name),
                source,
            })?;
            if r.kind == "foreign_key" {
                keys.push(r);
            } else {
                restored += 1;
            }
        }
        Ok((restored, keys))
    })?;
    for r in keys {
        c.transaction(|c| {
            c.batch_execute(&format!(
                "SET LOCAL statement_timeout = 0; ALTER TABLE {} VALIDATE CONSTRAINT {}",
                r.table_name, r.name
            ))?;
            forget(c, &r)
        })
        .map_err(|source| RestoreError {
            what: format!(
                "foreign key {} (it is back as NOT VALID: enforced for new rows of {})",
                r.name, r.table_name
            ),
            source,
        })?;
        restored += 1;
    }
    Ok(restored)
}
