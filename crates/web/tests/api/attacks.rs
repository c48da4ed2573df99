//! Defects found by hostile testing, each kept fixed by a test that failed before
//! its fix: concurrency against the sign-in limits, concurrent saves, hostile query strings.

use crate::helpers::*;
use customer_core::db::schema::{customer_addresses, customers, token_request_log};
use diesel::prelude::*;
use serde_json::{Value, json};

/// Sends `n` sign-ins for `username` at once; returns their statuses.
async fn concurrent_sign_ins(app: &TestApp, username: &str, password: &str, n: usize) -> Vec<u16> {
    let replies =
        futures_util::future::join_all((0..n).map(|_| app.token_reply(username, password))).await;
    replies.iter().map(|r| r.status).collect()
}

async fn throttle_count(app: &TestApp, username: &str) -> i32 {
    let username = username.to_owned();
    app.with_db(move |conn| {
        token_request_log::table
            .filter(token_request_log::username.eq(username))
            .select(token_request_log::failures_count)
            .first::<i32>(conn)
            .optional()
            .map(|c| c.unwrap_or(0))
    })
    .await
}

on_both_backends! {
    async fn concurrent_wrong_passwords_stop_at_the_throttle_limit(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let statuses = concurrent_sign_ins(&app, "jdoe@example.com", "Wrong-password1", 40).await;
        assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
        // Exactly the limit (6) was let through to a password check; the rest were refused
        // before it and counted nothing.
        assert_eq!(throttle_count(&app, "jdoe@example.com").await, 6);
        // And the right password is refused now too.
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 401);
    }
}

on_both_backends! {
    async fn the_right_password_right_after_many_wrong_ones_is_refused(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let wrong = concurrent_sign_ins(&app, "jdoe@example.com", "Wrong-password1", 29);
        let right = async {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            app.token_reply("jdoe@example.com", "Password1").await.status
        };
        let (wrong, right) = futures_util::join!(wrong, right);
        assert!(wrong.iter().all(|s| *s == 401), "{wrong:?}");
        assert_eq!(right, 401);
    }
}

on_both_backends! {
    async fn concurrent_wrong_passwords_lock_the_account_at_its_limit(backend: Backend) {
        // A throttle far above the account lockout, so only the lockout (10) decides.
        let app = spawn_app_with(backend, |s| s.token_max_failures = 1000).await;
        let id = app.create_seed_customer().await["id"].as_i64().unwrap() as i32;
        let wrong = concurrent_sign_ins(&app, "jdoe@example.com", "Wrong-password1", 29);
        // The right password goes in as soon as the lock is recorded, while wrong guesses
        // may still be in flight (a fixed 20 ms delay raced the guesses on a loaded machine).
        let right = async {
            for _ in 0..2500 {
                let locked = app
                    .with_db(move |conn| {
                        customers::table
                            .find(id)
                            .select(customers::lock_expires)
                            .first::<Option<chrono::NaiveDateTime>>(conn)
                    })
                    .await;
                if locked.is_some() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            app.token_reply("jdoe@example.com", "Password1").await.status
        };
        let (wrong, right) = futures_util::join!(wrong, right);
        assert!(wrong.iter().all(|s| *s == 401), "{wrong:?}");
        assert_eq!(right, 401, "the locked account let the right password in");
        let (failures, locked): (i32, Option<chrono::NaiveDateTime>) = app
            .with_db(move |conn| {
                customers::table
                    .find(id)
                    .select((customers::failures_num, customers::lock_expires))
                    .first(conn)
            })
            .await;
        assert_eq!(failures, 10, "every counted failure is kept, no more");
        assert!(locked.is_some());
    }
}

on_both_backends! {
    async fn concurrent_wrong_current_passwords_lock_the_account(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let body = json!({"currentPassword": "Wrong-password1", "newPassword": "Password2!x"});
        let replies = futures_util::future::join_all((0..25).map(|_| {
            app.call("PUT", "/rest/V1/customers/me/password", Some(&token), Some(&body))
        }))
        .await;
        assert!(replies.iter().all(|r| r.status == 401), "{replies:?}");
        let right = json!({"currentPassword": "Password1", "newPassword": "Password2!x"});
        let reply = app
            .call("PUT", "/rest/V1/customers/me/password", Some(&token), Some(&right))
            .await;
        assert_eq!((reply.status, reply.body), (401, error("The account is locked.")));
    }
}

fn three_addresses(tag: usize) -> Value {
    let one = |n: usize| {
        json!({"firstname": "Jane", "lastname": "Doe", "street": [format!("{tag} Request St {n}")],
            "city": "Austin", "postcode": "73301", "telephone": "512-555-0100",
            "country_id": "US", "region_id": 57})
    };
    json!([one(1), one(2), one(3)])
}

on_both_backends! {
    async fn concurrent_saves_keep_exactly_one_requests_address_list(backend: Backend) {
        let app = spawn_app(backend).await;
        let id = app.create_seed_customer().await["id"].as_i64().unwrap() as i32;
        let token = app.seed_token().await;
        for round in 0..3 {
            let bodies: Vec<Value> = (0..10)
                .map(|i| json!({"customer": {"email": "jdoe@example.com", "firstname": "Jane",
                    "lastname": "Doe", "addresses": three_addresses(round * 10 + i)}}))
                .collect();
            let replies =
                futures_util::future::join_all(bodies.iter().map(|b| app.save_me(&token, b))).await;
            assert!(replies.iter().all(|r| r.status == 200), "{replies:?}");
            let streets: Vec<String> = app
                .with_db(move |conn| {
                    customer_addresses::table
                        .filter(customer_addresses::customer_id.eq(id))
                        .select(customer_addresses::street)
                        .load::<String>(conn)
                })
                .await;
            assert_eq!(streets.len(), 3, "round {round}: {streets:?}");
            let tag = |s: &String| s.split(' ').next().unwrap().to_owned();
            assert!(streets.iter().all(|s| tag(s) == tag(&streets[0])), "round {round}: {streets:?}");
        }
    }
}

on_both_backends! {
    async fn deeply_nested_query_strings_get_a_400_and_the_service_lives(backend: Backend) {
        let app = spawn_app(backend).await;
        let deep = "[]".repeat(20_000);
        let admin = app.admin_token().await;
        for path in [
            format!("/graphql?a{deep}="),
            format!("/graphql?query=%7Bcountries%7Bid%7D%7D&variables{deep}="),
            format!("/rest/V1/customers/search?searchCriteria{}=x", "[a]".repeat(20_000)),
        ] {
            let reply = app.call("GET", &path, Some(&admin), None).await;
            assert_eq!(reply.status, 400, "{path:.40}: {:?}", reply.body);
        }
        // PHP's max_input_nesting_level (64) is still accepted.
        let ok = format!("/rest/V1/customers/search?searchCriteria=&x{}=1", "[a]".repeat(63));
        assert_eq!(app.call("GET", &ok, Some(&admin), None).await.status, 200);
        assert_eq!(app.call("GET", "/healthz", None, None).await.status, 200);
    }
}

on_both_backends! {
    async fn addresses_per_customer_are_capped(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.max_addresses_per_customer = 3).await;
        let one = three_addresses(1)[0].clone();
        let four = json!([one, one, one, one]);
        let refused = app
            .create_customer(&json!({"customer": {"email": "many@example.com",
                "firstname": "M", "lastname": "A", "addresses": four}, "password": "Password1"}))
            .await;
        let too_many = json!({"message": "A customer can have no more than %1 addresses.",
            "parameters": [3]});
        assert_eq!((refused.status, refused.body), (400, too_many.clone()));
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let saved = app
            .save_me(&token, &json!({"customer": {"email": "jdoe@example.com",
                "firstname": "Jane", "lastname": "Doe", "addresses": four}}))
            .await;
        assert_eq!((saved.status, saved.body), (400, too_many.clone()));
        assert_eq!(app.get_me(&token).await.body["addresses"].as_array().unwrap().len(), 1);
    }
}

on_both_backends! {
    async fn only_account_reads_load_addresses_with_the_token(backend: Backend) {
        use customer_core::db::tokens::{TokenRead, find_live_token};
        use customer_core::domain::token::TokenHash;
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let hash = TokenHash::of(&token);
        let (owner_only, with_account) = app
            .with_db(move |conn| {
                let now = chrono::Utc::now().naive_utc();
                Ok((
                    find_live_token(conn, &hash, now, TokenRead::Owner)?,
                    find_live_token(conn, &hash, now, TokenRead::WithAccount)?,
                ))
            })
            .await;
        let (owner_only, with_account) = (owner_only.unwrap(), with_account.unwrap());
        assert_eq!(owner_only.owner, with_account.owner);
        assert!(owner_only.account.is_none());
        assert_eq!(with_account.account.unwrap().addresses.len(), 1);
    }
}

on_both_backends! {
    async fn oversized_graphql_bodies_get_magentos_json_413(backend: Backend) {
        let app = spawn_app(backend).await;
        let big = format!(r#"{{"query": "{{ countries {{ id }} }}", "pad": "{}"}}"#, "x".repeat(1_100_000));
        let reply = app
            .send(
                app.build("POST", "/graphql", None, None)
                    .header("Content-Type", "application/json")
                    .body(big),
            )
            .await;
        assert_eq!(
            (reply.status, reply.body),
            (413, json!({"message": "The request body is larger than %1 bytes.", "parameters": ["1048576"]}))
        );
        // Bodies between actix's old 256 KiB default and the limit are read.
        let padded = format!(r#"{{"query": "{{ countries {{ id }} }}", "pad": "{}"}}"#, "x".repeat(300_000));
        let reply = app
            .send(
                app.build("POST", "/graphql", None, None)
                    .header("Content-Type", "application/json")
                    .body(padded),
            )
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
    }
}

on_both_backends! {
    async fn a_body_that_stops_arriving_is_timed_out(backend: Backend) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let app = spawn_app_with(backend, |s| s.body_timeout = std::time::Duration::from_secs(1)).await;
        let address = app.url("").trim_start_matches("http://").to_owned();
        for path in ["/rest/V1/customers", "/graphql"] {
            let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"cust"
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            let mut answer = Vec::new();
            let read = tokio::time::timeout(std::time::Duration::from_secs(10), async {
                let mut buf = [0u8; 4096];
                loop {
                    let n = stream.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    answer.extend_from_slice(&buf[..n]);
                    if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
                        break;
                    }
                }
            })
            .await;
            assert!(read.is_ok(), "{path}: no answer within 10 s");
            let text = String::from_utf8_lossy(&answer);
            assert!(text.starts_with("HTTP/1.1 408"), "{path}: {text}");
            assert!(text.contains(r#"{"message":"The request body was not received in time."}"#), "{path}: {text}");
        }
    }
}

/// SQLite storage faults answer 503 and show in readiness, a
/// missing database is not silently recreated, files are owner-only. SQLite only.
mod sqlite_storage {
    use super::*;
    use customer_core::config::{DatabaseUrl, SqliteTarget};
    use customer_service::startup::Application;
    use std::os::unix::fs::PermissionsExt;

    fn scratch_dir() -> std::path::PathBuf {
        std::env::temp_dir()
            .join("customer-service-tests")
            .join(format!("storage-{}", uuid::Uuid::new_v4().simple()))
    }

    fn settings_for(path: &std::path::Path) -> customer_core::config::Settings {
        test_settings(DatabaseUrl::Sqlite(SqliteTarget::File(path.to_owned())))
    }

    #[actix_web::test]
    async fn a_missing_folder_or_a_lost_database_is_refused_at_start() {
        let dir = scratch_dir();
        let path = dir.join("data").join("db.sqlite3");
        let refused = Application::build(settings_for(&path)).await;
        let message = refused.err().expect("refused").to_string();
        assert!(message.contains("does not exist"), "{message}");
        assert!(!path.exists(), "nothing created");

        let mut create = settings_for(&path);
        create.create_database = true;
        let app = Application::build(create)
            .await
            .expect("starts when told to create");
        drop(app);
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600, "database owner-only");
        assert_eq!(mode(path.parent().unwrap()), 0o700, "folder owner-only");

        std::fs::remove_file(&path).unwrap();
        let refused = Application::build(settings_for(&path)).await;
        let message = refused.err().expect("refused").to_string();
        assert!(message.contains("is missing"), "{message}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[actix_web::test]
    async fn a_database_deleted_under_the_service_makes_it_unready() {
        let dir = scratch_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("db.sqlite3");
        let app = Application::build(settings_for(&path)).await.unwrap();
        let port = app.port();
        actix_web::rt::spawn(app.run_until_stopped());
        let client = reqwest::Client::new();
        let ready = |client: reqwest::Client| async move {
            client
                .get(format!("http://127.0.0.1:{port}/readyz"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        };
        assert_eq!(ready(client.clone()).await, 200);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        assert_eq!(ready(client.clone()).await, 503);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[actix_web::test]
    async fn a_write_that_cannot_get_the_lock_answers_503_not_500() {
        let app = spawn_app_with(Backend::Sqlite, |s| {
            s.db_query_timeout = std::time::Duration::from_secs(1)
        })
        .await;
        let DatabaseUrl::Sqlite(SqliteTarget::File(path)) = app.state.settings.database_url.clone()
        else {
            unreachable!()
        };
        // Another process holds the write lock for longer than the request may wait.
        let holder = std::thread::spawn(move || {
            use diesel::connection::SimpleConnection;
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
            conn.batch_execute("BEGIN IMMEDIATE").unwrap();
            std::thread::sleep(std::time::Duration::from_secs(3));
            conn.batch_execute("ROLLBACK").unwrap();
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let reply = app
            .call(
                "POST",
                "/rest/V1/customers",
                None,
                Some(&json!({"customer": {
            "email": "lock@example.com", "firstname": "L", "lastname": "K"}})),
            )
            .await;
        assert_eq!(
            (reply.status, reply.body),
            (
                503,
                error("The service is temporarily unavailable. Please try again later.")
            )
        );
        holder.join().unwrap();
    }
}

on_both_backends! {
    async fn every_api_response_carries_the_security_headers(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        for req in [
            app.build("GET", "/rest/V1/customers/me", Some(&token), None),
            app.build("POST", "/rest/V1/integration/customer/token", None, Some(&json!({"username": "jdoe@example.com", "password": "wrong"}))),
            app.build("POST", "/graphql", Some(&token), Some(&json!({"query": "{ customer { email } }"}))),
            app.build("GET", "/rest/V1/no/such/route", None, None),
        ] {
            let resp = req.send().await.unwrap();
            let header = |name: &str| resp.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
            assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"));
            assert_eq!(header("cache-control").as_deref(), Some("no-store"), "{}", resp.url());
        }
    }
}

// An e-mail change racing a sign-up for the same address (found by the fuzzer on
// PostgreSQL: a 500). Both pass the "is it taken" read; the unique index takes one. The
// loser answers Magento's duplicate-e-mail 400, never a 500, and exactly one account ends
// with the address.
on_both_backends! {
    async fn an_email_change_racing_a_sign_up_for_that_address_is_a_duplicate_not_a_500(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let duplicate = json!({"message": "A customer with the same email address already exists in an associated website."});
        for round in 0..10 {
            let email = format!("race{round}@example.com");
            let change = json!({"customer": {"email": email, "firstname": "John", "lastname": "Doe"}});
            let sign_up = json!({"customer": {"email": email, "firstname": "Jane", "lastname": "Roe"}, "password": "Password1"});
            let (changed, created) = futures_util::join!(
                app.save_me(&token, &change),
                app.create_customer(&sign_up)
            );
            let mut statuses = [changed.status, created.status];
            statuses.sort();
            assert_eq!(statuses, [200, 400], "round {round}: {:?} {:?}", changed.body, created.body);
            let loser = if changed.status == 400 { &changed } else { &created };
            assert_eq!(loser.body, duplicate, "round {round}");
            let owners = app
                .with_db(move |conn| {
                    customers::table
                        .filter(customers::email.eq(format!("race{round}@example.com")))
                        .count()
                        .get_result::<i64>(conn)
                })
                .await;
            assert_eq!(owners, 1, "round {round}");
        }
    }
}
