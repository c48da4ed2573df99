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
/// refusing new ones) and restore, to play a database outage.
struct Relay {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: String) -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let connections = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (up2, connections2) = (up.clone(), connections.clone());
        actix_web::rt::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let handle = actix_web::rt::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                connections2.lock().unwrap().push(handle);
            }
        });
        Self {
            port,
            up,
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

/// The outage test needs a server it can take away, so it runs on PostgreSQL only (an
/// embedded SQLite file cannot be "down").
mod database_outage {
    use super::*;

    #[actix_web::test]
    async fn postgres() {
        let base = postgres_base_url();
        let relay = Relay::start(host_port(&base)).await;
        let relayed = relay.url_for(&base);
        let app = spawn_app_with_postgres_url(&relayed).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
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
        let mut ready = app.call("GET", "/readyz", None, None).await;
        for _ in 0..20 {
            if ready.status == 200 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            ready = app.call("GET", "/readyz", None, None).await;
        }
        assert_eq!(ready.status, 200, "recovers by itself: {:?}", ready.body);
        assert_eq!(app.get_me(&token).await.status, 200);
    }
}

/// After the database comes back, pooled connections that died with it are found and replaced
/// before they fail a request (issue 15 defect 6: 16 of the next 24 sign-ins were 503).
mod database_blip_leaves_no_dead_connections {
    use super::*;

    #[actix_web::test]
    async fn postgres() {
        let base = postgres_base_url();
        let relay = Relay::start(host_port(&base)).await;
        let relayed = relay.url_for(&base);
        let app = spawn_app_with_postgres_url(&relayed).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
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
