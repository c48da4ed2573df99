//! `cargo bench --bench search`: latency of `GET /V1/customers/search` for an e-mail `eq` filter
//! and a lastname `like 'prefix%'` filter, at 1,000 and at 1,000,000 customers (each with an
//! address), on SQLite and on PostgreSQL. Target: the 1M figure within 1.5x of the 1k figure.
//!
//! Environment: BENCH_SIZES (default "1000,1000000"), BENCH_BACKENDS ("sqlite,postgres"),
//! BENCH_REQUESTS (300 per query and size), TEST_POSTGRES_URL (as the tests). Prints figures;
//! asserts nothing.

#![expect(
    clippy::unwrap_used,
    reason = "in a test or a benchmark, an unwrap is an assertion"
)]

use customer_core::config::{DatabaseUrl, Settings, SqliteTarget};
use customer_service::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use rand::Rng;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// Customers sharing one last name: every prefix query fills one page at any table size, so
/// the 1k and 1M runs return the same amount of data and differ only in the table's size.
const PER_SURNAME: u64 = 20;

/// Bulk seeding in SQL (a million rows through the HTTP API would take hours at bcrypt cost):
/// customers `user<n>@example.com`, last names `Surname<7-digit n / 20>` (zero-padded, so a
/// prefix names exactly one of them), one default address each.
fn seed_sql(postgres: bool, n: u64) -> String {
    if postgres {
        format!(
            "INSERT INTO customers (website_id, email, email_normalized, group_id, store_id, created_in, \
               created_at, updated_at, is_active, disable_auto_group_change, firstname, lastname, is_subscribed, failures_num) \
             SELECT 1, 'user' || g || '@example.com', 'user' || g || '@example.com', 1, 1, 'Default Store View', \
               now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc', TRUE, 0, 'First' || (g % 997), 'Surname' || lpad(CAST(g / {PER_SURNAME} AS TEXT), 7, '0'), FALSE, 0 \
             FROM generate_series(1, {n}) g;
             INSERT INTO customer_addresses (customer_id, created_at, updated_at, firstname, lastname, street, city, \
               country_id, region, region_id, postcode, telephone) \
             SELECT entity_id, created_at, created_at, firstname, lastname, '1 Main St', 'Austin', 'US', 'Texas', 57, '78701', '5551234' \
             FROM customers;
             UPDATE customers c SET default_billing = a.entity_id, default_shipping = a.entity_id \
             FROM customer_addresses a WHERE a.customer_id = c.entity_id;
             ANALYZE;"
        )
    } else {
        format!(
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {n}) \
             INSERT INTO customers (website_id, email, email_normalized, group_id, store_id, created_in, \
               created_at, updated_at, is_active, disable_auto_group_change, firstname, lastname, is_subscribed, failures_num) \
             SELECT 1, 'user' || n || '@example.com', 'user' || n || '@example.com', 1, 1, 'Default Store View', \
               datetime('now'), datetime('now'), 1, 0, 'First' || (n % 997), 'Surname' || printf('%07d', n / {PER_SURNAME}), 0, 0 FROM g;
             INSERT INTO customer_addresses (customer_id, created_at, updated_at, firstname, lastname, street, city, \
               country_id, region, region_id, postcode, telephone) \
             SELECT entity_id, created_at, created_at, firstname, lastname, '1 Main St', 'Austin', 'US', 'Texas', 57, '78701', '5551234' \
             FROM customers;
             UPDATE customers SET default_billing = (SELECT a.entity_id FROM customer_addresses a WHERE a.customer_id = customers.entity_id);
             UPDATE customers SET default_shipping = default_billing;
             ANALYZE;"
        )
    }
}

struct Figures {
    p50: f64,
    p95: f64,
    p99: f64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn measure(
    client: &reqwest::Client,
    requests: usize,
    mut url: impl FnMut() -> String,
) -> Figures {
    for _ in 0..20 {
        client
            .get(url())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
    }
    let mut samples = Vec::with_capacity(requests);
    for _ in 0..requests {
        let u = url();
        let start = Instant::now();
        let resp = client.get(u).send().await.unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        resp.bytes().await.unwrap();
        samples.push(start.elapsed());
    }
    samples.sort();
    Figures {
        p50: percentile(&samples, 0.50),
        p95: percentile(&samples, 0.95),
        p99: percentile(&samples, 0.99),
    }
}

/// Runs the two queries against a fresh database of `n` customers.
async fn run(backend: &str, n: u64, requests: usize) -> [(String, Figures); 2] {
    let id = format!("bench_{}_{}", std::process::id(), n);
    let (url, cleanup): (DatabaseUrl, Box<dyn FnOnce()>) = if backend == "postgres" {
        let base = env_or(
            "TEST_POSTGRES_URL",
            "postgres://postgres@127.0.0.1:5432/postgres",
        );
        let mut admin = PgConnection::establish(&base).expect("PostgreSQL reachable");
        // Separate statements: a multi-statement batch is one transaction, which DROP/CREATE
        // DATABASE refuse.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {id}"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {id}"))
            .unwrap();
        let (head, _) = base.rsplit_once('/').unwrap();
        let url = format!("{head}/{id}");
        let drop_sql = format!("DROP DATABASE IF EXISTS {id} WITH (FORCE)");
        (
            DatabaseUrl::Postgres(url),
            Box::new(move || {
                let _ = admin.batch_execute(&drop_sql);
            }),
        )
    } else {
        let path = std::env::temp_dir().join(format!("{id}.sqlite3"));
        let _ = std::fs::remove_file(&path);
        let p = path.clone();
        (
            DatabaseUrl::Sqlite(SqliteTarget::File(path)),
            Box::new(move || {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }),
        )
    };
    let mut settings = Settings::with_database(url);
    settings.bind_address = "127.0.0.1:0".parse().unwrap();
    settings.bcrypt_cost = 4;
    settings.mail_dir = std::env::temp_dir().join(format!("{id}-mail"));

    let (db, _) = customer_service::startup::prepare_database(&settings).unwrap();
    let started = Instant::now();
    let sql = seed_sql(backend == "postgres", n);
    let mut conn = db.pool().get().unwrap();
    conn.batch_execute(&sql).unwrap();
    if backend == "postgres" {
        // Outside the batch (VACUUM refuses transactions): sets the visibility map, as
        // autovacuum would on a live table, so index-only scans work.
        conn.batch_execute("VACUUM ANALYZE").unwrap();
    }
    drop(conn);
    eprintln!(
        "  seeded {n} customers on {backend} in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    drop(db);

    let s = settings.clone();
    tokio::task::spawn_blocking(move || {
        let source = customer_service::cli::PasswordSource::Argument("bench123".into());
        customer_service::cli::admin_create(&s, "bench", &source, &mut Vec::new()).unwrap();
    })
    .await
    .unwrap();
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}/rest/V1", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let token: String = client
        .post(format!("{base}/integration/admin/token"))
        .json(&serde_json::json!({"username": "bench", "password": "bench123"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {token}").parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let q = |field: &str, value: String, condition: &str| {
        format!(
            "{base}/customers/search?searchCriteria[filterGroups][0][filters][0][field]={field}\
             &searchCriteria[filterGroups][0][filters][0][value]={value}\
             &searchCriteria[filterGroups][0][filters][0][conditionType]={condition}\
             &searchCriteria[pageSize]=20&searchCriteria[currentPage]=1"
        )
    };
    let mut rng = rand::rng();
    let email = measure(&client, requests, || {
        q(
            "email",
            format!("user{}%40example.com", rng.random_range(1..=n)),
            "eq",
        )
    })
    .await;
    let mut rng = rand::rng();
    let lastname = measure(&client, requests, || {
        // Any full group of PER_SURNAME customers; lower case, as matching is case-insensitive.
        let group = rng.random_range(1..n / PER_SURNAME);
        q("lastname", format!("surname{group:07}%25"), "like")
    })
    .await;
    cleanup();
    [
        ("email eq".into(), email),
        ("lastname like 'prefix%'".into(), lastname),
    ]
}

#[actix_web::main]
async fn main() {
    // `cargo test --all-targets` runs harness-less bench targets too; only `cargo bench` passes
    // `--bench`. Under test, compiling is the check: do not seed a million rows.
    if !std::env::args().any(|a| a == "--bench") {
        println!("search benchmark: run it with `cargo bench --bench search`");
        return;
    }
    let sizes: Vec<u64> = env_or("BENCH_SIZES", "1000,1000000")
        .split(',')
        .map(|s| s.trim().parse().expect("BENCH_SIZES: numbers"))
        .collect();
    let backends = env_or("BENCH_BACKENDS", "sqlite,postgres");
    let requests: usize = env_or("BENCH_REQUESTS", "300").parse().unwrap();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    println!(
        "customer search latency, {} cores, commit {commit}, {requests} sequential requests per row, page size 20",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:<10} {:>10} {:<26} {:>8} {:>8} {:>8}",
        "backend", "customers", "query", "p50 ms", "p95 ms", "p99 ms"
    );
    for backend in backends.split(',').map(str::trim) {
        let mut results = Vec::new();
        for &n in &sizes {
            for (query, f) in run(backend, n, requests).await {
                println!(
                    "{backend:<10} {n:>10} {query:<26} {:>8.2} {:>8.2} {:>8.2}",
                    f.p50, f.p95, f.p99
                );
                results.push((n, query, f));
            }
        }
        if let (Some(&small), Some(&large)) = (sizes.first(), sizes.last()) {
            for query in ["email eq", "lastname like 'prefix%'"] {
                let at = |size| {
                    results
                        .iter()
                        .find(|(n, q, _)| *n == size && q == query)
                        .map(|r| r.2.p50)
                };
                if let (Some(a), Some(b)) = (at(small), at(large)) {
                    let ratio = b / a;
                    println!(
                        "{backend:<10} ratio p50 {large}/{small} {query:<26} {ratio:>6.2}x  {}",
                        if ratio <= 1.5 {
                            "PASS (<= 1.5x)"
                        } else {
                            "FAIL (> 1.5x)"
                        }
                    );
                }
            }
        }
    }
}
