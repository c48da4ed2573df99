//! `src/db/schema.rs` against a freshly migrated database of each backend, and migrations
//! that revert cleanly.

use crate::helpers::*;
use customer_core::db::{DbConnection, schema::*};
use diesel::prelude::*;
use diesel::sql_types::Text;

#[derive(QueryableByName)]
struct ColumnName {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Column names of a table as the database has them.
fn database_columns(conn: &mut DbConnection, table: &str) -> Vec<String> {
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
        }
        DbConnection::Pg(_) => format!(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    diesel::sql_query(sql)
        .load::<ColumnName>(conn)
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// Column names of a table as schema.rs declares them (read off the SQL Diesel generates).
fn declared_columns<Q: diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>>(
    query: Q,
) -> Vec<String> {
    let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&query).to_string();
    let select = sql
        .split(" FROM ")
        .next()
        .unwrap()
        .trim_start_matches("SELECT ");
    select
        .split(", ")
        .map(|c| c.rsplit('.').next().unwrap().trim_matches('`').to_owned())
        .collect()
}

on_both_backends! {
    async fn schema_rs_matches_the_migrated_database(backend: Backend) {
        let app = spawn_app(backend).await;
        app.state.db.run(|conn| {
            let declared = [
                ("store_websites", declared_columns(store_websites::table.select(store_websites::all_columns))),
                ("store_groups", declared_columns(store_groups::table.select(store_groups::all_columns))),
                ("stores", declared_columns(stores::table.select(stores::all_columns))),
                ("customer_groups", declared_columns(customer_groups::table.select(customer_groups::all_columns))),
                ("tax_classes", declared_columns(tax_classes::table.select(tax_classes::all_columns))),
                ("core_config_data", declared_columns(core_config_data::table.select(core_config_data::all_columns))),
                ("customers", declared_columns(customers::table.select(customers::all_columns))),
                ("customer_addresses", declared_columns(customer_addresses::table.select(customer_addresses::all_columns))),
                ("access_tokens", declared_columns(access_tokens::table.select(access_tokens::all_columns))),
                ("token_request_log", declared_columns(token_request_log::table.select(token_request_log::all_columns))),
                ("password_reset_requests", declared_columns(password_reset_requests::table.select(password_reset_requests::all_columns))),
                ("admin_users", declared_columns(admin_users::table.select(admin_users::all_columns))),
                ("integrations", declared_columns(integrations::table.select(integrations::all_columns))),
                ("newsletter_subscribers", declared_columns(newsletter_subscribers::table.select(newsletter_subscribers::all_columns))),
            ];
            for (table, columns) in declared {
                assert_eq!(database_columns(conn, table), columns, "{table}");
            }
            // Types: every row type loads (the seeded scopes) or at least type-checks (empty).
            let scopes = customer_core::db::scopes::Scopes::load(conn)?;
            assert_eq!(scopes.default_store().code, "default");
            assert_eq!(scopes.customer_group_ids, vec![0, 1, 2, 3]);
            customers::table.select(customer_core::db::customers::CustomerRow::as_select()).load(conn)?;
            customer_addresses::table.select(customer_core::db::addresses::AddressRow::as_select()).load(conn)?;
            Ok(())
        }).await.unwrap();
    }
}

on_both_backends! {
    async fn every_migration_reverts_and_reapplies(backend: Backend) {
        use diesel_migrations::{MigrationHarness, embed_migrations, EmbeddedMigrations};
        const PG: EmbeddedMigrations = embed_migrations!("../core/migrations/postgres");
        const SQLITE: EmbeddedMigrations = embed_migrations!("../core/migrations/sqlite");
        // Every migration of the backend's tree, whatever their number.
        let tree = match backend { Backend::Postgres => "postgres", Backend::Sqlite => "sqlite" };
        let count = std::fs::read_dir(format!("{}/../core/migrations/{tree}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .count();
        assert!(count >= 7, "{count}");
        let app = spawn_app(backend).await;
        app.state.db.run(move |conn| {
            let (reverted, reapplied) = match conn {
                DbConnection::Pg(c) => (c.revert_all_migrations(PG).unwrap().len(), c.run_pending_migrations(PG).unwrap().len()),
                DbConnection::Sqlite(c) => (c.revert_all_migrations(SQLITE).unwrap().len(), c.run_pending_migrations(SQLITE).unwrap().len()),
            };
            assert_eq!(reverted, count);
            assert_eq!(reapplied, count);
            Ok(())
        }).await.unwrap();
    }
}
