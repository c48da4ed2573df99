//! `/healthz`, `/readyz`, and behaviour while the database is away.

use crate::helpers::*;
use serde_json::json;

on_both_backends! {
    async fn probes_answer_when_the_database_is_up(backend: Backend) {
        let app = spawn_app(backend).await;
        let health = app.call("GET", "/healthz", None, None).await;
        assert_eq!((health.status, health.body), (200, json!({"status": "ok"})));
        let ready = app.call("GET", "/readyz", None, None).await;
        assert_eq!((ready.status, ready.body), (200, json!({"status": "ready"})));
    }
}

/// A TCP relay to PostgreSQL that the test can cut (closing every relayed connection and
/// refusing new ones) and restore, to play a database outage, or hang (holding every byte
/// without closing anything, which is what a SIGSTOPped server looks like to a client) and
/// resume.
struct Relay {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    hung: std::sync::Arc<std::sync::atomic::AtomicBool>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

/// Copies `from` to `to`, holding what it read while the relay is hung.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    hung: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        while hung.load(std::sync::atomic::Ordering::SeqCst) {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

impl Relay {
    async fn start(target: String) -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let hung = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let connections = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (up2, hung2, connections2) = (up.clone(), hung.clone(), connections.clone());
        actix_web::rt::spawn(async move {
            loop {
                let Ok((inbound, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let (target, hung) = (target.clone(), hung2.clone());
                let handle = actix_web::rt::spawn(async move {
                    if let Ok(outbound) = tokio::net::TcpStream::connect(target).await {
                        let (in_read, in_write) = inbound.into_split();
                        let (out_read, out_write) = outbound.into_split();
                        tokio::join!(
                            pipe(in_read, out_write, hung.clone()),
                            pipe(out_read, in_write, hung)
                        );
                    }
                });
                connections2.lock().unwrap().push(handle);
            }
        });
        Self {
            port,
            up,
            hung,
            connections,
        }
    }

    /// `base` (a postgres:// URL) pointed at this relay instead of the server.
    fn url_for(&self, base: &str) -> String {
        let rest = base.split_once("://").unwrap().1;
        let (userinfo, rest) = rest.rsplit_once('@').map_or(("", rest), |(u, r)| (u, r));
        let path = rest.find(['/', '?']).map_or("", |i| &rest[i..]);
        let at = if userinfo.is_empty() {
            String::new()
        } else {
            format!("{userinfo}@")
        };
        format!("postgres://{at}127.0.0.1:{}{path}", self.port)
    }

    fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for handle in self.connections.lock().unwrap().drain(..) {
            handle.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn hang(&self) {
        self.hung.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn resume(&self) {
        self.hung.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// `host:port` of a postgres:// URL (defaults as libpq's).
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    match authority {
        "" => "127.0.0.1:5432".into(),
        a if a.contains(':') => a.to_owned(),
        a => format!("{a}:5432"),
    }
}

/// A relay to the test server and an app on a fresh schema behind it (settings changed by
/// `configure`), with the seed customer created and signed in.
async fn behind_relay(
    configure: impl FnOnce(&mut customer_core::config::Settings),
) -> (Relay, TestApp, String) {
    let base = postgres_base_url();
    let relay = Relay::start(host_port(&base)).await;
    let app = spawn_app_with_postgres_url(&relay.url_for(&base), configure).await;
    app.create_seed_customer().await;
    let token = app.seed_token().await;
    (relay, app, token)
}

/// Polls `/readyz` (every 100 ms, for up to 5 s) until it answers 200; returns the last reply.
async fn wait_until_ready(app: &TestApp) -> Reply {
    let mut ready = app.call("GET", "/readyz", None, None).await;
    for _ in 0..50 {
        if ready.status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        ready = app.call("GET", "/readyz", None, None).await;
    }
    ready
}

/// The outage test needs a server it can take away, so it runs on PostgreSQL only (an
/// embedded SQLite file cannot be "down").
mod database_outage {
    use super::*;

    #[actix_web::test]
    async fn postgres() {
        let (relay, app, token) = behind_relay(|_| {}).await;
        assert_eq!(app.get_me(&token).await.status, 200);

        relay.cut();
        let unavailable = error("The service is temporarily unavailable. Please try again later.");
        for path in ["/readyz", "/rest/V1/customers/me"] {
            // The first call may still find a pooled connection whose loss it discovers.
            let mut reply = app.call("GET", path, Some(&token), None).await;
            for _ in 0..5 {
                if reply.status == 503 {
                    break;
                }
                reply = app.call("GET", path, Some(&token), None).await;
            }
            assert_eq!((reply.status, &reply.body), (503, &unavailable), "{path}");
        }
        let health = app.call("GET", "/healthz", None, None).await;
        assert_eq!(
            health.status, 200,
            "liveness does not depend on the database"
        );

        relay.restore();
        let ready = wait_until_ready(&app).await;
        assert_eq!(ready.status, 200, "recovers by itself: {:?}", ready.body);
        assert_eq!(app.get_me(&token).await.status, 200);
    }
}

/// After the database comes back, pooled connections that died with it are found and replaced
/// before they fail a request (16 of the next 24 sign-ins were 503 before the fix).
mod database_blip_leaves_no_dead_connections {
    use super::*;

    #[actix_web::test]
    async fn postgres() {
        let (relay, app, token) = behind_relay(|_| {}).await;
        // Open several pooled connections.
        let warm = futures_util::future::join_all((0..8).map(|_| app.get_me(&token))).await;
        assert!(warm.iter().all(|r| r.status == 200));

        relay.cut();
        relay.restore();
        // Every request after the blip succeeds: a dead connection is noticed when it fails
        // and replaced within the same request, never handed to the next one.
        let mut statuses = Vec::new();
        for _ in 0..24 {
            statuses.push(
                app.token_reply("jdoe@example.com", "Password1")
                    .await
                    .status,
            );
        }
        let failed = statuses.iter().filter(|s| **s != 200).count();
        assert_eq!(failed, 0, "{statuses:?}");
        let concurrent = futures_util::future::join_all((0..16).map(|_| app.get_me(&token))).await;
        assert!(
            concurrent.iter().all(|r| r.status == 200),
            "{:?}",
            concurrent.iter().map(|r| r.status).collect::<Vec<_>>()
        );
    }
}

/// A hung PostgreSQL (stopped, not gone: nothing answers and nothing closes) costs a request
/// at most DB_QUERY_TIMEOUT_SECONDS, then a 503; the service recovers when it answers again
/// (the same defect's second half).
mod hung_database_answers_503_within_the_query_timeout {
    use super::*;
    use std::time::{Duration, Instant};

    #[actix_web::test]
    async fn postgres() {
        let (relay, app, token) =
            behind_relay(|s| s.db_query_timeout = Duration::from_secs(2)).await;
        assert_eq!(app.get_me(&token).await.status, 200);

        relay.hang();
        let unavailable = error("The service is temporarily unavailable. Please try again later.");
        let started = Instant::now();
        let sign_in = json!({"username": "jdoe@example.com", "password": "Password1"});
        let replies = futures_util::future::join_all([
            app.call("GET", "/readyz", None, None),
            app.call("GET", "/rest/V1/customers/me", Some(&token), None),
            app.call("GET", "/rest/V1/customers/me", Some(&token), None),
            app.call(
                "POST",
                "/rest/V1/integration/customer/token",
                None,
                Some(&sign_in),
            ),
        ])
        .await;
        let took = started.elapsed();
        for reply in &replies {
            assert_eq!((reply.status, &reply.body), (503, &unavailable));
        }
        // A bound, not a speed target: the budget is 2 s, the unbounded case is the whole
        // hang; the margin keeps a loaded CI machine from failing it.
        assert!(
            took < Duration::from_secs(10),
            "answered within the query budget (2 s): {took:?}"
        );
        // Requests during the hang keep being answered, not queued behind the hung ones.
        let started = Instant::now();
        let reply = app.token_reply("jdoe@example.com", "Password1").await;
        assert_eq!((reply.status, &reply.body), (503, &unavailable));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );

        relay.resume();
        let ready = wait_until_ready(&app).await;
        assert_eq!(ready.status, 200, "recovers by itself: {:?}", ready.body);
        assert_eq!(app.get_me(&token).await.status, 200);
        let reply = app.token_reply("jdoe@example.com", "Password1").await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
    }
}
