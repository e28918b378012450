//! The Attain web application and JSON API: server-rendered pages that work without JavaScript,
//! sign-in with server-side sessions, one visibility rule for every page and API route, the audit
//! log, and start-up that tests can drive (`build` binds, `serve` runs until shutdown).
//!
//! Every route is declared once in [`routes::registry`] with its access rule; the router is built
//! from that list, so no route exists without a rule (see `tests/route_matrix.rs`).

pub mod account_map;
pub mod api;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod chart;
pub mod coaching;
pub mod crm;
pub mod error;
pub mod fmt;
pub mod meetings;
pub mod org_chart;
pub mod pages;
pub mod pdf;
pub mod records;
pub mod routes;
pub mod scorecard;
pub mod sheet;
pub mod snapshot;
pub mod team;
pub mod territory_plan;
pub mod viewer;

use attain_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use auth::password::PasswordStrength;
pub use viewer::Viewer;

/// How the server runs: where it listens and the security settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Mark cookies `Secure` (set when the site is served over HTTPS).
    pub secure_cookies: bool,
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute_timeout: Duration,
    /// The cost of password hashes made by the server; `Strong` outside tests.
    pub password_strength: PasswordStrength,
    /// The largest upload accepted by the import page and API.
    pub max_upload_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secure_cookies: false,
            idle_timeout: Duration::from_secs(2 * 3600),
            absolute_timeout: Duration::from_secs(12 * 3600),
            password_strength: PasswordStrength::Strong,
            max_upload_bytes: 512 * 1024 * 1024,
        }
    }
}

/// What every handler can reach: the store and the configuration.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The server's settings.
    pub config: Arc<Config>,
    /// A password hash of the configured cost, verified against when the email is unknown so
    /// that both failures take the same time.
    pub dummy_hash: Arc<str>,
}

impl AppState {
    /// Returns the state for a store and configuration.
    pub fn new(store: Store, config: Config) -> AppState {
        let dummy_hash = auth::password::hash("attain-dummy-password", config.password_strength);
        AppState {
            store,
            config: Arc::new(config),
            dummy_hash: dummy_hash.into(),
        }
    }

    /// Runs blocking store work off the async threads and returns its result.
    pub async fn blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Store) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<error::Fail> + Send + 'static,
    {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || f(&store)).await {
            Ok(r) => r,
            Err(e) => Err(E::from(error::Fail::Internal(format!(
                "a blocking task failed: {e}"
            )))),
        }
    }
}

/// Returns the whole application: pages, API, assets, health.
pub fn app(store: Store, config: Config) -> axum::Router {
    routes::router(AppState::new(store, config))
}

/// A bound listener with the application, ready to serve.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: axum::Router,
}

impl Server {
    /// Returns the address the server listens on (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// Binds the configured address and builds the application; nothing is served yet.
pub async fn build(store: Store, config: Config) -> std::io::Result<Server> {
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let router = app(store, config);
    Ok(Server { listener, router })
}

/// Serves until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    server: Server,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = server
        .router
        .into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(server.listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Returns a future that completes on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed
/// when this is called, not when the future is first polled, so a signal sent right after the
/// server printed its address is not lost. Call it inside the runtime (`Runtime::enter`).
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (interrupt, terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(interrupt) => {},
                () = wait(terminate) => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
