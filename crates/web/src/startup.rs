//! `Application::build(settings)`: opens the database, applies migrations, binds the port and
//! assembles the one route table. Tests build it on port 0 exactly as `main` does.

use crate::http::ApiError;
use crate::observe::{RequestSpan, observe};
use crate::rest::{self, extract::rest_context};
use actix_web::dev::Server;
use actix_web::middleware::{Condition, from_fn};
use actix_web::{App, HttpServer, web};
use customer_core::auth::password::Hasher;
use customer_core::config::{DEFAULT_STOREFRONT_URL, Settings};
use customer_core::db::{self, Db, DbSetupError, scopes::Scopes};
use customer_core::error::AppError;
use customer_core::mail::{MailSetupError, Mailer};
use customer_core::ratelimit::RateLimits;
use customer_core::state::AppState;
use std::net::TcpListener;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbSetupError),
    #[error(transparent)]
    Mail(#[from] MailSetupError),
    #[error("cannot read the store configuration: {0}")]
    Scopes(#[from] customer_core::db::DbError),
    #[error("cannot listen on {0}: {1}")]
    Bind(std::net::SocketAddr, std::io::Error),
    #[error("{0}")]
    Server(std::io::Error),
}

pub struct Application {
    port: u16,
    state: AppState,
    server: Server,
}

/// Builds the pool; a PostgreSQL that is not up yet (a host starting, a failover) is retried
/// with backoff for `DB_STARTUP_WAIT_SECONDS` before startup gives up.
fn build_pool_waiting(settings: &Settings) -> Result<db::DbPool, StartupError> {
    let started = std::time::Instant::now();
    let mut backoff = std::time::Duration::from_millis(250);
    loop {
        match db::build_pool(settings) {
            Err(DbSetupError::Connect(shown, e))
                if settings.database_url.is_postgres()
                    && started.elapsed() + backoff < settings.db_startup_wait =>
            {
                tracing::warn!(
                    "PostgreSQL at {shown} is not reachable yet ({}); retrying in {} ms",
                    e.to_string().replace('\n', " "),
                    backoff.as_millis()
                );
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(std::time::Duration::from_secs(5));
            }
            other => return Ok(other?),
        }
    }
}

/// Opens the pool, applies pending migrations and reads the scopes (blocking work: call it
/// from a blocking context or before the runtime serves requests).
pub fn prepare_database(settings: &Settings) -> Result<(Db, Scopes), StartupError> {
    let pool = build_pool_waiting(settings)?;
    let mut conn = pool
        .get()
        .map_err(|e| DbSetupError::Connect("the pool".into(), e))?;
    let applied = db::run_migrations(&mut conn)?;
    for version in &applied {
        tracing::info!("applied migration {version}");
    }
    // An import killed while it had constraints suspended left them recorded: put them back
    // (not while that import still runs). A failure is logged, not fatal: the service works
    // without them, and the next start tries again.
    match db::suspended::restore_abandoned(&mut conn) {
        Ok(Some(0)) => {}
        Ok(Some(n)) => tracing::warn!(
            "put back {n} constraints and indexes that an interrupted import had suspended"
        ),
        Ok(None) => tracing::info!(
            "an import is running with constraints suspended; it puts them back when it ends"
        ),
        Err(e) => tracing::error!("{e}"),
    }
    let scopes = Scopes::load(&mut conn)?;
    drop(conn);
    Ok((Db::new(pool, settings), scopes))
}

/// Every hour (and once at startup), deletes dead tokens and expired throttle rows, so the
/// tables do not grow with every sign-in. Failures are logged and retried next hour.
async fn purge_dead_rows(db: Db) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        match db
            .run(|conn| Ok(db::tokens::purge_dead(conn, db::now())?))
            .await
        {
            Ok((0, 0)) => {}
            Ok((tokens, throttles)) => {
                customer_core::telemetry::tokens_purged(tokens as u64);
                tracing::info!("purged {tokens} dead tokens and {throttles} expired sign-in locks")
            }
            Err(e) => tracing::warn!("purging dead tokens failed: {}", e.cause_chain()),
        }
    }
}

/// Every minute, drops the rate-limit entries of clients whose allowance is full again, so
/// the limiters hold only clients seen within their window (memory bounded by recent traffic).
async fn forget_idle_clients(limits: Arc<RateLimits>) {
    let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every_minute.tick().await;
        limits.retain_recent();
    }
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        // Installed before the first event is counted.
        customer_core::telemetry::prometheus();
        let mailer = Mailer::from_settings(&settings)?;
        mailer.check(&settings).await?;
        let prepare_settings = settings.clone();
        let (db, scopes) =
            actix_web::rt::task::spawn_blocking(move || prepare_database(&prepare_settings))
                .await
                .map_err(|e| StartupError::Server(std::io::Error::other(e)))??;
        let listener = TcpListener::bind(settings.bind_address)
            .map_err(|e| StartupError::Bind(settings.bind_address, e))?;
        let local = listener.local_addr().map_err(StartupError::Server)?;
        let port = local.port();
        let mut settings = settings;
        if settings.storefront_pages && settings.storefront_url == DEFAULT_STOREFRONT_URL {
            // Mail links lead to this service's own pages, at the address it listens on.
            let host = if local.ip().is_unspecified() {
                "127.0.0.1".to_owned()
            } else {
                local.ip().to_string()
            };
            settings.storefront_url = format!("http://{host}:{port}/");
        }
        let state = AppState {
            db,
            scopes: Arc::new(scopes),
            hasher: Hasher::new(settings.bcrypt_cost, settings.hashing_threads),
            mailer,
            limits: Arc::new(RateLimits::from_settings(&settings)),
            settings: Arc::new(settings),
        };
        let server = run(listener, state.clone()).map_err(StartupError::Server)?;
        actix_web::rt::spawn(purge_dead_rows(state.db.clone()));
        actix_web::rt::spawn(forget_idle_clients(state.limits.clone()));
        Ok(Self {
            port,
            state,
            server,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state, for tests that inspect or age what the service stored.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM; in-flight requests are finished first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// CORS for browser storefronts on other origins: only the configured origins, the methods
/// Magento serves and the headers a storefront sends (`Authorization`, `Content-Type`,
/// `Store`). With no origin configured the middleware is not mounted at all (actix-cors would
/// refuse every request that carries an `Origin`, same-origin ones included). Requests from
/// other origins still run; they only get no CORS headers, so browsers withhold the answer.
fn cors(origins: &[String]) -> Condition<actix_cors::Cors> {
    let cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(["authorization", "content-type", "store", "accept"])
        .block_on_origin_mismatch(false)
        .max_age(3600);
    let cors = origins
        .iter()
        .fold(cors, |cors, origin| cors.allowed_origin(origin));
    Condition::new(!origins.is_empty(), cors)
}

fn run(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let workers = state.settings.http_workers;
    let pages = state.settings.storefront_pages;
    let cors_origins = state.settings.cors_allowed_origins.clone();
    let data = web::Data::new(state);
    let schema = web::Data::new(crate::graphql::build_schema());
    let server = HttpServer::new(move || {
        let rest_scope = |path: &str| {
            web::scope(path)
                .wrap(from_fn(rest_context))
                .configure(rest::v1)
                .default_service(web::to(rest::no_route))
        };
        App::new()
            .app_data(data.clone())
            // Handlers read path and query parameters themselves; should an actix extractor
            // ever fail, it still answers in Magento's error body, never in plain text.
            .app_data(
                web::PathConfig::default().error_handler(|_, _| ApiError(AppError::NoRoute).into()),
            )
            .app_data(web::QueryConfig::default().error_handler(|e, _| {
                ApiError(AppError::Input(customer_core::error::Phrase::new(
                    e.to_string(),
                )))
                .into()
            }))
            // Security headers on every response, unless a handler set its own: no MIME
            // sniffing, no referrer (reset links carry a key), and no caching of anything,
            // since API answers carry tokens and customer data (static pages set their own).
            .wrap(
                actix_web::middleware::DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "no-referrer"))
                    .add(("Cache-Control", "no-store")),
            )
            .wrap(TracingLogger::<RequestSpan>::new())
            // Outermost: the request id exists before the span, and every response (errors
            // included) is counted and logged.
            .wrap(from_fn(observe))
            .app_data(schema.clone())
            .route(
                "/graphql",
                web::get()
                    .guard(actix_web::guard::fn_guard(crate::graphql::graphiql::wanted))
                    .to(crate::graphql::graphiql::page),
            )
            .route(
                "/graphql/assets/{file}",
                web::get().to(crate::graphql::graphiql::asset),
            )
            // Trims the path before routing and renders REST as Magento does.
            .wrap(from_fn(rest::transport::rest_transport))
            // Outermost, so a browser's preflight OPTIONS is answered before REST's 405.
            .wrap(cors(&cors_origins))
            .route("/graphql", web::post().to(crate::graphql::graphql))
            .route("/graphql", web::get().to(crate::graphql::graphql))
            .route("/healthz", web::get().to(rest::handlers::health::healthz))
            .route("/readyz", web::get().to(rest::handlers::health::readyz))
            .service(rest_scope("/rest/V1"))
            .service(rest_scope("/rest/{store_code}/V1"))
            // After the REST scopes: its `/rest/{store_code}/schema` is a regex that every
            // REST call was matched against first (8.6 % of `GET /me`'s instructions). No
            // REST path ends in `/schema` without `/V1`, so the order changes no answer.
            .configure(rest::described)
            .configure(|cfg| {
                if pages {
                    crate::pages::routes(cfg)
                }
            })
            .default_service(web::to(rest::no_route))
    })
    .workers(workers)
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok(server)
}
