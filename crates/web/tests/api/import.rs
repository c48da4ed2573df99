//! `customer-service import` and `export`: Magento's CSV pair with bad rows mixed in (each
//! reported, none stopping the rest), re-runs, dry runs, the round trip, and a Magento
//! database on MariaDB.

use crate::helpers::*;
use customer_core::db::schema::{customer_addresses, customers};
use customer_core::transfer::ImportSource;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};

/// `m2:1 sha256` and `m1 md5:salt` of crates/core/tests/fixtures/legacy_hashes.json (`Sup3r-Secret!`).
const SHA256_HASH: &str = "9f9ef5a81a1cf86c7c492734cc058a107abd0baaee3a2eb15d203ba189d1bdf3:Kx9vQ2mLr7TzW4bN8cYp1sFh6JdG3aEu:1";
const PASSWORD: &str = "Sup3r-Secret!";

const CUSTOMERS_CSV: &str = "\
email,_website,_store,confirmation,created_at,created_in,disable_auto_group_change,dob,firstname,gender,group_id,lastname,middlename,password_hash,prefix,rp_token,rp_token_created_at,store_id,suffix,taxvat,updated_at,website_id,password,entity_id
jane@example.com,base,default,,2019-03-04 05:06:07,Default Store View,0,1980-01-02,Jane,Female,1,Doe,,SHA,,,,1,,,2020-01-01 00:00:00,1,,100
bob@example.com,base,default,abc123key,2018-01-01 10:00:00,Default Store View,1,,Bob,Male,2,Smith,Q,MD5,Mr.,,,1,Jr.,GB123,2018-06-01 10:00:00,1,,101
not-an-email,base,default,,,,0,,No,,1,Mail,,,,,,1,,,,1,,
bad.site@example.com,nowhere,default,,,,0,,Bad,,1,Site,,,,,,1,,,,1,,
bad.hash@example.com,base,default,,,,0,,Bad,,1,Hash,,garbage:x:9,,,,1,,,,1,,
bad.group@example.com,base,default,,,,0,,Bad,,99,Group,,,,,,1,,,,1,,
carl@example.com,base,admin,,2017-05-05 05:05:05,Admin,0,,Carl,,1,Jones,,,,,,0,,,2017-05-05 05:05:05,1,,
bad.gender@example.com,base,default,,,,0,,Bad,Robot,1,Gender,,,,,,1,,,,1,,
";

const ADDRESSES_CSV: &str = "\
_website,_email,_entity_id,city,company,country_id,fax,firstname,lastname,middlename,postcode,prefix,region,region_id,street,suffix,telephone,vat_id,vat_is_valid,vat_request_date,vat_request_id,vat_request_success,_address_default_billing_,_address_default_shipping_
base,jane@example.com,500,Austin,Acme,US,,Jane,Doe,,73301,,Texas,57,\"1 Main St
Apt 2\",,512-555-0100,,,,,,1,1
base,bob@example.com,501,London,,GB,,Bob,Smith,,SW1A 1AA,,,,10 Downing St,,020-7946-0000,GB123,,,,,1,
base,nobody@example.com,502,Austin,,US,,No,Body,,73301,,Texas,57,1 Main St,,512-555-0100,,,,,,,
base,jane@example.com,503,Nowhere,,ZZ,,Jane,Doe,,1,,,,1 Main St,,1,,,,,,,
base,jane@example.com,504,Austin,,US,,Jane,Doe,,73301,,Atlantis,,1 Main St,,512-555-0100,,,,,,,
";

struct Files {
    dir: PathBuf,
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Files {
    fn new() -> Self {
        let dir = std::env::temp_dir()
            .join("customer-service-tests")
            .join(format!("import-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The Magento pair of this test, hashes filled in.
    fn magento_pair(&self) -> ImportSource {
        let customers = CUSTOMERS_CSV
            .replace(",SHA,", &format!(",{SHA256_HASH},"))
            .replace(
                ",MD5,",
                // m1 md5:salt ("Qz")
                &format!(",{},", md5_hash()),
            );
        ImportSource::Csv {
            customers: Some(self.write("customers.csv", &customers)),
            addresses: Some(self.write("customer_addresses.csv", ADDRESSES_CSV)),
        }
    }
}

fn md5_hash() -> String {
    #[derive(serde::Deserialize)]
    struct V {
        form: String,
        hash: String,
    }
    let all: Vec<V> = serde_json::from_str(include_str!(
        "../../../core/tests/fixtures/legacy_hashes.json"
    ))
    .unwrap();
    all.into_iter()
        .find(|v| v.form == "m1 md5:salt")
        .unwrap()
        .hash
}

/// Runs the import as the command does, on the app's database; returns the summary text.
async fn import(app: &TestApp, source: &ImportSource, dry_run: bool, report: &Path) -> String {
    let settings = (*app.state.settings).clone();
    let (source, report) = (source.clone(), report.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        customer_service::cli::import(&settings, &source, dry_run, &report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    })
    .await
    .unwrap()
}

async fn export(app: &TestApp, customers: &Path, addresses: &Path) {
    let settings = (*app.state.settings).clone();
    let (c, a) = (customers.to_owned(), addresses.to_owned());
    tokio::task::spawn_blocking(move || {
        customer_service::cli::export(&settings, &c, &a, &mut Vec::new()).unwrap();
    })
    .await
    .unwrap()
}

/// The report's rows (origin, field), sorted: rows refused by validation are reported at once,
/// the others when their batch is written.
fn report_rows(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["origin", "field", "reason"]);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert!(!r[2].is_empty(), "every rejection has a reason: {r:?}");
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

async fn counts(app: &TestApp) -> (i64, i64) {
    app.with_db(|conn| {
        Ok((
            customers::table.count().get_result(conn)?,
            customer_addresses::table.count().get_result(conn)?,
        ))
    })
    .await
}

const FIRST_RUN: &str =
    "customers: 3 created, 0 updated, 5 rejected; addresses: 2 created, 0 updated, 3 rejected";

on_both_backends! {
    async fn magentos_csv_pair_imports_with_bad_rows_reported_and_reruns_update(backend: Backend) {
        let app = spawn_app(backend).await;
        let files = Files::new();
        let source = files.magento_pair();
        let report = files.path("report.csv");
        let summary = import(&app, &source, false, &report).await;
        assert!(summary.starts_with(FIRST_RUN), "{summary}");
        assert_eq!(
            report_rows(&report),
            [
                ("customer_addresses.csv:5", "_email"),
                ("customer_addresses.csv:6", "row"),
                ("customer_addresses.csv:7", "row"),
                ("customers.csv:4", "row"),
                ("customers.csv:5", "_website"),
                ("customers.csv:6", "password_hash"),
                ("customers.csv:7", "group_id"),
                ("customers.csv:9", "gender"),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
        assert!(!std::fs::read_to_string(&report).unwrap().contains("garbage"), "hashes are never echoed");
        assert_eq!(counts(&app).await, (3, 2));

        // Ids, times, scope, group, names, dob, gender, defaults and the region are kept.
        let admin = app.admin_token().await;
        let jane = app.call("GET", "/rest/V1/customers/100", Some(&admin), None).await;
        assert_eq!(jane.status, 200, "{:?}", jane.body);
        assert_eq!(jane.body, json!({
            "id": 100, "group_id": 1, "default_billing": "500", "default_shipping": "500",
            "created_at": "2019-03-04 05:06:07", "updated_at": "2020-01-01 00:00:00",
            "created_in": "Default Store View", "dob": "1980-01-02", "email": "jane@example.com",
            "firstname": "Jane", "lastname": "Doe", "gender": 2, "store_id": 1, "website_id": 1,
            "addresses": [{
                "id": 500, "customer_id": 100,
                "region": {"region_code": "TX", "region": "Texas", "region_id": 57}, "region_id": 57,
                "country_id": "US", "street": ["1 Main St", "Apt 2"], "company": "Acme",
                "telephone": "512-555-0100", "postcode": "73301", "city": "Austin",
                "firstname": "Jane", "lastname": "Doe", "default_shipping": true, "default_billing": true
            }],
            "disable_auto_group_change": 0,
            "extension_attributes": {"is_subscribed": false}
        }));
        let bob = app.call("GET", "/rest/V1/customers/101", Some(&admin), None).await;
        assert_eq!(
            (&bob.body["group_id"], &bob.body["gender"], &bob.body["default_billing"], &bob.body["default_shipping"], &bob.body["disable_auto_group_change"]),
            (&json!(2), &json!(1), &json!("501"), &serde_json::Value::Null, &json!(1)),
            "{:?}", bob.body
        );
        let confirm = app.call("GET", "/rest/V1/customers/101/confirm", Some(&admin), None).await;
        assert_eq!(confirm.body, "account_confirmation_not_required");

        // Migrated passwords work, once each, then hold bcrypt.
        assert_eq!(app.token_reply("jane@example.com", "wrong").await.status, 401);
        assert_eq!(app.token_reply("jane@example.com", PASSWORD).await.status, 200);
        assert_eq!(app.token_reply("bob@example.com", PASSWORD).await.status, 200);

        // Later sign-ups do not collide with imported ids (PostgreSQL's sequence moved).
        let new = app.create_customer(&json!({"customer": {"email": "new@example.com", "firstname": "N", "lastname": "U"}})).await;
        assert_eq!(new.status, 200, "{:?}", new.body);
        assert!(new.body["id"].as_i64().unwrap() > 101);

        // A re-run updates the same customers (same e-mail and website), keeps their ids and
        // the password set here since.
        let summary = import(&app, &source, false, &report).await;
        assert!(summary.starts_with("customers: 0 created, 3 updated, 5 rejected; addresses: 0 created, 2 updated, 3 rejected"), "{summary}");
        assert_eq!(counts(&app).await, (4, 2));
        let jane_again = app.call("GET", "/rest/V1/customers/100", Some(&admin), None).await;
        assert_eq!(jane_again.body, jane.body);
        let hash: Option<String> = app
            .with_db(|conn| customers::table.find(100).select(customers::password_hash).first(conn))
            .await;
        assert!(hash.unwrap().starts_with("$2"));
        assert_eq!(app.token_reply("jane@example.com", PASSWORD).await.status, 200);
    }
}

on_both_backends! {
    async fn a_dry_run_reports_the_same_and_keeps_nothing(backend: Backend) {
        let app = spawn_app(backend).await;
        let files = Files::new();
        let report = files.path("report.csv");
        let summary = import(&app, &files.magento_pair(), true, &report).await;
        assert!(summary.starts_with(&format!("dry run, nothing kept: {FIRST_RUN}")), "{summary}");
        assert_eq!(report_rows(&report).len(), 8);
        assert_eq!(counts(&app).await, (0, 0));
    }
}

on_both_backends! {
    async fn export_then_import_into_an_empty_database_then_export_is_identical(backend: Backend) {
        let files = Files::new();
        let first = spawn_app(backend).await;
        import(&first, &files.magento_pair(), false, &files.path("r1.csv")).await;
        let (c1, a1) = (files.path("c1.csv"), files.path("a1.csv"));
        export(&first, &c1, &a1).await;
        let exported = std::fs::read_to_string(&c1).unwrap();
        assert!(exported.starts_with("email,_website,_store,confirmation,created_at,created_in,"), "{exported}");
        assert_eq!(exported.lines().count(), 4);

        let second = spawn_app(backend).await;
        let summary = import(&second, &ImportSource::Csv { customers: Some(c1.clone()), addresses: Some(a1.clone()) }, false, &files.path("r2.csv")).await;
        assert!(summary.starts_with("customers: 3 created, 0 updated, 0 rejected; addresses: 2 created, 0 updated, 0 rejected"), "{summary}");
        let (c2, a2) = (files.path("c2.csv"), files.path("a2.csv"));
        export(&second, &c2, &a2).await;
        assert_eq!(std::fs::read_to_string(&c2).unwrap(), exported);
        assert_eq!(std::fs::read_to_string(&a2).unwrap(), std::fs::read_to_string(&a1).unwrap());

        // After a first sign-in only that customer's password_hash differs.
        assert_eq!(second.token_reply("jane@example.com", PASSWORD).await.status, 200);
        let (c3, a3) = (files.path("c3.csv"), files.path("a3.csv"));
        export(&second, &c3, &a3).await;
        let after = std::fs::read_to_string(&c3).unwrap();
        let mut differing = Vec::new();
        for (old, new) in exported.lines().zip(after.lines()) {
            let (old, new): (Vec<&str>, Vec<&str>) = (old.split(',').collect(), new.split(',').collect());
            for (i, (o, n)) in old.iter().zip(&new).enumerate() {
                if o != n {
                    differing.push((old[0].to_owned(), i));
                }
            }
        }
        assert_eq!(differing, [("jane@example.com".to_owned(), 13)], "column 13 is password_hash");
    }
}

/// The Magento tables this import reads, with db_schema.xml's column types (only the
/// columns read, plus the keys).
const MAGENTO_SCHEMA: &str = "
CREATE TABLE store_website (website_id SMALLINT UNSIGNED PRIMARY KEY, code VARCHAR(32), name VARCHAR(64),
  sort_order SMALLINT UNSIGNED NOT NULL DEFAULT 0, default_group_id SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  is_default SMALLINT UNSIGNED DEFAULT 0);
CREATE TABLE store (store_id SMALLINT UNSIGNED PRIMARY KEY, code VARCHAR(32), website_id SMALLINT UNSIGNED NOT NULL,
  group_id SMALLINT UNSIGNED NOT NULL, name VARCHAR(255) NOT NULL, sort_order SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  is_active SMALLINT UNSIGNED NOT NULL DEFAULT 0);
CREATE TABLE customer_entity (entity_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, website_id SMALLINT UNSIGNED,
  email VARCHAR(255), group_id SMALLINT UNSIGNED NOT NULL DEFAULT 0, increment_id VARCHAR(50),
  store_id SMALLINT UNSIGNED DEFAULT 0, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, is_active SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  disable_auto_group_change SMALLINT UNSIGNED NOT NULL DEFAULT 0, created_in VARCHAR(255), prefix VARCHAR(40),
  firstname VARCHAR(255), middlename VARCHAR(255), lastname VARCHAR(255), suffix VARCHAR(40), dob DATE,
  password_hash VARCHAR(128), rp_token VARCHAR(128), rp_token_created_at DATETIME, default_billing INT UNSIGNED,
  default_shipping INT UNSIGNED, taxvat VARCHAR(50), confirmation VARCHAR(64), gender SMALLINT UNSIGNED,
  failures_num SMALLINT DEFAULT 0, first_failure TIMESTAMP NULL, lock_expires TIMESTAMP NULL,
  UNIQUE KEY (email, website_id));
CREATE TABLE customer_address_entity (entity_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, increment_id VARCHAR(50),
  parent_id INT UNSIGNED, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, is_active SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  city VARCHAR(255) NOT NULL, company VARCHAR(255), country_id VARCHAR(255) NOT NULL, fax VARCHAR(255),
  firstname VARCHAR(255) NOT NULL, lastname VARCHAR(255) NOT NULL, middlename VARCHAR(255), postcode VARCHAR(255),
  prefix VARCHAR(40), region VARCHAR(255), region_id INT UNSIGNED, street TEXT NOT NULL, suffix VARCHAR(40),
  telephone VARCHAR(255) NOT NULL, vat_id VARCHAR(255));
CREATE TABLE newsletter_subscriber (subscriber_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  store_id SMALLINT UNSIGNED DEFAULT 0, change_status_at TIMESTAMP NULL, customer_id INT UNSIGNED NOT NULL DEFAULT 0,
  subscriber_email VARCHAR(150), subscriber_status INT NOT NULL DEFAULT 0, subscriber_confirm_code VARCHAR(32));
INSERT INTO store_website VALUES (0, 'admin', 'Admin', 0, 0, 0), (1, 'base', 'Main Website', 0, 1, 1);
INSERT INTO store VALUES (0, 'admin', 0, 0, 'Admin', 0, 1), (1, 'default', 1, 1, 'Default Store View', 0, 1);
";

/// A scratch database on the local MariaDB, dropped at the end; `None` when none answers
/// (unless REQUIRE_MARIADB=1, then the test fails).
struct MariaDb {
    server: String,
    name: String,
}

impl MariaDb {
    fn create() -> Option<Self> {
        use mysql::prelude::Queryable;
        let server = std::env::var("TEST_MARIADB_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
        let conn = mysql::Opts::from_url(&server)
            .ok()
            .and_then(|o| mysql::Conn::new(o).ok());
        let Some(mut conn) = conn else {
            assert!(
                std::env::var("REQUIRE_MARIADB").as_deref() != Ok("1"),
                "MariaDB is not reachable at {server} and REQUIRE_MARIADB=1"
            );
            println!(
                "skipped: MariaDB is not reachable at {server} (set REQUIRE_MARIADB=1 to fail instead)"
            );
            return None;
        };
        let name = format!("magento_{}", uuid::Uuid::new_v4().simple());
        conn.query_drop(format!("CREATE DATABASE {name}")).unwrap();
        conn.query_drop(format!("USE {name}")).unwrap();
        for statement in MAGENTO_SCHEMA.split(';').filter(|s| !s.trim().is_empty()) {
            conn.query_drop(statement).unwrap();
        }
        Some(Self { server, name })
    }

    fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }

    fn exec(&self, sql: &str) {
        use mysql::prelude::Queryable;
        let mut conn = mysql::Conn::new(mysql::Opts::from_url(&self.url()).unwrap()).unwrap();
        conn.query_drop(sql).unwrap();
    }
}

impl Drop for MariaDb {
    fn drop(&mut self) {
        use mysql::prelude::Queryable;
        if let Ok(mut conn) = mysql::Conn::new(mysql::Opts::from_url(&self.server).unwrap()) {
            let _ = conn.query_drop(format!("DROP DATABASE IF EXISTS {}", self.name));
        }
    }
}

on_both_backends! {
    async fn a_magento_database_on_mariadb_imports_with_subscriptions_and_defaults(backend: Backend) {
        let Some(magento) = MariaDb::create() else { return };
        magento.exec(&format!(
            "INSERT INTO customer_entity (entity_id, website_id, email, group_id, store_id, created_at, updated_at, \
             is_active, disable_auto_group_change, created_in, firstname, lastname, dob, password_hash, \
             default_billing, default_shipping, gender, taxvat) VALUES \
             (7, 1, 'Ann@Example.com', 2, 1, '2016-02-03 04:05:06', '2021-01-01 00:00:00', 1, 0, \
              'Default Store View', 'Ann', 'Lee', '1990-12-31', '{SHA256_HASH}', 70, 71, 2, 'DE1'), \
             (8, 1, 'broken', 1, 1, '2016-02-03 04:05:06', '2021-01-01 00:00:00', 1, 0, 'x', 'No', 'Mail', \
              NULL, NULL, NULL, NULL, NULL, NULL), \
             (9, 1, 'ben@example.com', 1, 0, '2015-01-01 00:00:00', '2015-01-01 00:00:00', 0, 0, 'Admin', \
              'Ben', 'Ng', NULL, 'unknownhash', NULL, NULL, NULL, NULL), \
             (10, 5, 'gone@example.com', 1, 1, '2015-01-01 00:00:00', '2015-01-01 00:00:00', 1, 0, 'x', \
              'Gone', 'Site', NULL, NULL, NULL, NULL, NULL, NULL)"
        ));
        magento.exec(
            "INSERT INTO customer_address_entity (entity_id, parent_id, city, country_id, firstname, lastname, \
             postcode, region, region_id, street, telephone) VALUES \
             (70, 7, 'Austin', 'US', 'Ann', 'Lee', '73301', 'Texas', 57, '1 Main St\nUnit 4', '512-555-0100'), \
             (71, 7, 'Berlin', 'DE', 'Ann', 'Lee', '10115', 'Berlin', 82, 'Unter den Linden 1', '030-1234'), \
             (72, 7, 'Nowhere', 'ZZ', 'Ann', 'Lee', '1', NULL, NULL, 'x', '1'), \
             (73, 99, 'Austin', 'US', 'Or', 'Phan', '73301', 'Texas', 57, '1 Main St', '1')",
        );
        magento.exec(
            "INSERT INTO newsletter_subscriber (store_id, customer_id, subscriber_email, subscriber_status) VALUES \
             (1, 7, 'Ann@Example.com', 1), (1, 9, 'ben@example.com', 3)",
        );

        let app = spawn_app(backend).await;
        let files = Files::new();
        let report = files.path("report.csv");
        let source = ImportSource::Mysql(magento.url());
        let summary = import(&app, &source, false, &report).await;
        assert!(summary.starts_with("customers: 1 created, 0 updated, 3 rejected; addresses: 2 created, 0 updated, 2 rejected"), "{summary}");
        assert_eq!(
            report_rows(&report),
            [
                ("customer_address_entity 72", "row"),
                ("customer_address_entity 73", "parent_id"),
                ("customer_entity 10", "_website"),
                ("customer_entity 8", "row"),
                ("customer_entity 9", "password_hash"),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
        let admin = app.admin_token().await;
        let ann = app.call("GET", "/rest/V1/customers/7", Some(&admin), None).await;
        assert_eq!(ann.status, 200, "{:?}", ann.body);
        assert_eq!(ann.body, json!({
            "id": 7, "group_id": 2, "default_billing": "70", "default_shipping": "71",
            "created_at": "2016-02-03 04:05:06", "updated_at": "2021-01-01 00:00:00",
            "created_in": "Default Store View", "dob": "1990-12-31", "email": "Ann@Example.com",
            "firstname": "Ann", "lastname": "Lee", "gender": 2, "store_id": 1, "taxvat": "DE1", "website_id": 1,
            "addresses": [
                // The default shipping address first, as Magento lists them.
                {"id": 71, "customer_id": 7,
                 "region": {"region_code": "BER", "region": "Berlin", "region_id": 82}, "region_id": 82,
                 "country_id": "DE", "street": ["Unter den Linden 1"], "telephone": "030-1234",
                 "postcode": "10115", "city": "Berlin", "firstname": "Ann", "lastname": "Lee",
                 "default_shipping": true},
                {"id": 70, "customer_id": 7,
                 "region": {"region_code": "TX", "region": "Texas", "region_id": 57}, "region_id": 57,
                 "country_id": "US", "street": ["1 Main St", "Unit 4"], "telephone": "512-555-0100",
                 "postcode": "73301", "city": "Austin", "firstname": "Ann", "lastname": "Lee",
                 "default_billing": true}
            ],
            "disable_auto_group_change": 0,
            "extension_attributes": {"is_subscribed": true}
        }));
        assert_eq!(app.token_reply("ann@example.com", PASSWORD).await.status, 200);

        // Re-run: the same customer is updated, nothing is duplicated.
        let summary = import(&app, &source, false, &report).await;
        assert!(summary.starts_with("customers: 0 created, 1 updated, 3 rejected; addresses: 0 created, 2 updated, 2 rejected"), "{summary}");
        assert_eq!(counts(&app).await, (1, 2));
        let new = app.create_customer(&json!({"customer": {"email": "new@example.com", "firstname": "N", "lastname": "U"}})).await;
        assert!(new.body["id"].as_i64().unwrap() > 7, "{:?}", new.body);
    }
}

/// A PostgreSQL session of its own on the test's schema (the app's URL carries its search_path).
fn pg_session(app: &TestApp) -> (String, diesel::PgConnection) {
    let customer_core::config::DatabaseUrl::Postgres(url) = &app.state.settings.database_url else {
        panic!("a PostgreSQL test")
    };
    (url.clone(), diesel::PgConnection::establish(url).unwrap())
}

#[derive(QueryableByName)]
struct TextValue {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

fn text(conn: &mut diesel::PgConnection, sql: &str) -> String {
    diesel::sql_query(sql)
        .get_result::<TextValue>(conn)
        .unwrap()
        .value
}

/// The keys, indexes and storage options of the two tables an import into empty tables
/// suspends, as PostgreSQL describes them (a key put back but not validated says NOT VALID).
fn schema_objects(conn: &mut diesel::PgConnection) -> String {
    text(
        conn,
        "SELECT string_agg(x, E'\\n' ORDER BY x) AS value FROM ( \
           SELECT 'index ' || pg_get_indexdef(indexrelid) AS x FROM pg_index \
            WHERE indrelid IN ('customers'::regclass, 'customer_addresses'::regclass) \
           UNION ALL \
           SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) \
                  || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END FROM pg_constraint \
            WHERE conrelid IN ('customers'::regclass, 'customer_addresses'::regclass) \
           UNION ALL \
           SELECT 'options ' || COALESCE(array_to_string(reloptions, ','), '') FROM pg_class \
            WHERE oid IN ('customers'::regclass, 'customer_addresses'::regclass)) s",
    )
}

/// Magento's CSV pair for `n` customers, one default address each (as scripts/bench-import
/// writes them; address ids from 100,001, clear of `magento_pair`'s).
fn bulk_pair(files: &Files, n: usize) -> (PathBuf, PathBuf) {
    use std::fmt::Write;
    let mut customers = CUSTOMERS_CSV.lines().next().unwrap().to_owned() + "\n";
    let mut addresses = ADDRESSES_CSV.lines().next().unwrap().to_owned() + "\n";
    for i in 1..=n {
        let _ = writeln!(
            customers,
            "bulk{i}@example.com,base,default,,2019-03-04 05:06:07,Default Store View,0,1980-01-02,\
             First{i},Female,1,Last{i},,{SHA256_HASH},,,,1,,,2020-01-01 00:00:00,1,,"
        );
        let _ = writeln!(
            addresses,
            "base,bulk{i}@example.com,{},Austin,,US,,First{i},Last{i},,73301,,Texas,57,{i} Main St,,\
             512-555-0100,,,,,,1,1",
            100_000 + i
        );
    }
    (
        files.write("bulk_customers.csv", &customers),
        files.write("bulk_addresses.csv", &addresses),
    )
}

/// Runs `customer-service import` of the pair as a process and kills it (SIGKILL) once it is
/// writing addresses with the keys suspended; returns when its session has ended.
fn import_killed_half_way(url: &str, pair: &(PathBuf, PathBuf), report: &Path) {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_customer-service"))
        .args(["import", "--customers"])
        .arg(&pair.0)
        .arg("--addresses")
        .arg(&pair.1)
        .arg("--report")
        .arg(report)
        .env("DATABASE_URL", url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut conn = diesel::PgConnection::establish(url).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let half_way = "SELECT (EXISTS (SELECT 1 FROM customer_addresses) AND NOT EXISTS \
                    (SELECT 1 FROM pg_constraint WHERE conname = 'customer_addresses_customer_id_fkey' \
                     AND conrelid = 'customer_addresses'::regclass))::text AS value";
    while text(&mut conn, half_way) != "true" {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the import ended ({status}) before it could be killed half-way");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the import never got half-way"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // PostgreSQL ends the killed import's session when it sees the connection closed.
    let session_gone = "SELECT (NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
                        AND objid = 'customers'::regclass::oid))::text AS value";
    while text(&mut conn, session_gone) != "true" {
        assert!(
            std::time::Instant::now() < deadline,
            "the killed import's session stayed"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// PostgreSQL: an import into empty tables suspends the foreign keys and secondary indexes and
/// builds them at its end. Killed half-way, it leaves them off, recorded; the next start of the
/// service (or `migrate`), and the next import, put them back: the same keys (valid) and
/// indexes as before. Addresses whose customer was deleted meanwhile go, as the suspended
/// ON DELETE CASCADE would have deleted them.
mod an_import_killed_with_keys_suspended_leaves_them_put_back_at_the_next_start {
    use super::*;

    #[actix_web::test]
    async fn postgres() {
        let app = spawn_app(Backend::Postgres).await;
        let (url, mut conn) = pg_session(&app);
        let before = schema_objects(&mut conn);
        assert!(
            before.contains("constraint customers_group_id_fkey FOREIGN KEY"),
            "{before}"
        );
        let files = Files::new();
        let pair = bulk_pair(&files, 20_000);
        let report = files.path("report.csv");

        // Killed: the keys and indexes stay off, and a customer deleted meanwhile keeps its
        // addresses for now.
        let killed = url.clone();
        let (p, r) = (pair.clone(), report.clone());
        tokio::task::spawn_blocking(move || import_killed_half_way(&killed, &p, &r))
            .await
            .unwrap();
        assert_ne!(
            schema_objects(&mut conn),
            before,
            "the import was killed with its keys suspended"
        );
        conn.batch_execute("DELETE FROM customers WHERE entity_id = (SELECT min(customer_id) FROM customer_addresses)")
            .unwrap();
        let orphans = "SELECT count(*)::text AS value FROM customer_addresses a \
                       WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.entity_id = a.customer_id)";
        assert_eq!(text(&mut conn, orphans), "1");

        // The next start puts everything back.
        let settings = (*app.state.settings).clone();
        tokio::task::spawn_blocking(move || {
            customer_service::startup::prepare_database(&settings).map(|_| ())
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(schema_objects(&mut conn), before);
        assert_eq!(text(&mut conn, orphans), "0");
        assert_eq!(
            text(
                &mut conn,
                "SELECT count(*)::text AS value FROM import_suspended"
            ),
            "0"
        );

        // Again into empty tables, killed again: the next import puts them back first (then
        // finds customers and suspends nothing).
        conn.batch_execute("TRUNCATE customers CASCADE").unwrap();
        let killed = url.clone();
        let (p, r) = (pair.clone(), report.clone());
        tokio::task::spawn_blocking(move || import_killed_half_way(&killed, &p, &r))
            .await
            .unwrap();
        assert_ne!(schema_objects(&mut conn), before);
        let summary = import(&app, &files.magento_pair(), false, &report).await;
        assert!(summary.starts_with(FIRST_RUN), "{summary}");
        assert_eq!(schema_objects(&mut conn), before);
        assert_eq!(
            text(
                &mut conn,
                "SELECT count(*)::text AS value FROM import_suspended"
            ),
            "0"
        );
    }
}

/// PostgreSQL: while an import has the keys suspended, a row naming a customer group (or
/// website, or store) that does not exist is still refused, and reported: the batch locks and
/// checks the groups it names, as the key's trigger would.
mod rows_naming_a_missing_group_are_refused_while_the_keys_are_suspended {
    use super::*;
    use customer_core::db::import::{ImportedCustomer, NewCustomer, Refusal, write_customers};
    use customer_core::db::suspended;

    #[actix_web::test]
    async fn postgres() {
        let app = spawn_app(Backend::Postgres).await;
        let customer = |email: &str, group_id: i32| ImportedCustomer {
            source_id: None,
            row: NewCustomer {
                entity_id: 0,
                website_id: 1,
                email: email.to_owned(),
                email_normalized: email.to_owned(),
                group_id,
                store_id: 1,
                created_in: "Default Store View".into(),
                created_at: customer_core::db::now_seconds(),
                updated_at: customer_core::db::now_seconds(),
                is_active: true,
                disable_auto_group_change: 0,
                prefix: None,
                firstname: "A".into(),
                middlename: None,
                lastname: "B".into(),
                suffix: None,
                dob: None,
                gender: None,
                taxvat: None,
                confirmation: None,
                is_subscribed: false,
                password_hash: None,
                default_billing: None,
                default_shipping: None,
            },
        };
        let batch = vec![
            customer("gone@example.com", 99),
            customer("kept@example.com", 1),
        ];
        let (outcome, suspended_then) = app
            .with_db(move |conn| {
                let hold = suspended::begin(conn).unwrap();
                let suspended_then = hold.suspended();
                let outcome = write_customers(conn, &batch);
                suspended::end(conn, hold).unwrap();
                Ok((outcome?, suspended_then))
            })
            .await;
        assert!(suspended_then);
        assert_eq!(outcome.created, 1);
        assert_eq!(
            outcome.refused,
            [Refusal {
                row: 0,
                field: "group_id",
                reason: "refers to a row that does not exist".into()
            }]
        );
        let (_, mut conn) = pg_session(&app);
        assert!(
            schema_objects(&mut conn).contains("constraint customers_group_id_fkey FOREIGN KEY")
        );
    }
}
