//! effekt's application core: every use case that the pages, the JSON API and the command
//! line share, behind one door. A face gets a [`Viewer`] (a logged-in user, or a named
//! operator on the command line), asks it for a capability, and the capability reads only
//! what the role may see: rows scoped in SQL first, then fields masked, every read of
//! personal data audited before anything is returned (fail closed).
//!
//! No HTTP type lives here; time comes from the [`Clock`]; what is expensive to work out
//! (judged outcomes, a contract's pricing) is cached under the store generation.

pub mod access;
pub mod accounts;
pub mod audit;
mod cache;
pub mod charts;
pub mod clock;
pub mod demo;
mod error;
pub mod ledger;
pub mod operator;
pub mod password_links;
pub mod policy;
pub mod statement_file;
mod viewer;
pub mod views;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use effekt_domain::mode::Mode;
use effekt_domain::pseudonym::PseudonymKey;
use effekt_store::Store;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{AppError, FieldError};
pub use viewer::Viewer;

/// Counters for `/internal/prometheus`.
#[derive(Debug, Default)]
pub struct Metrics {
    pub requests: AtomicU64,
    pub audit_records: AtomicU64,
    pub audit_failures: AtomicU64,
    pub logins_failed: AtomicU64,
}

impl Metrics {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// The application: the store (private to the core), the evaluator's pseudonym key, the
/// mode, the clock, and the caches. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    /// `None` only for command-line work that never pseudonymises (see [`App::open_without_key`]).
    pseudonyms: Option<Arc<PseudonymKey>>,
    mode: Mode,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
    cache: Arc<cache::Cache>,
    /// Signs the login form's anti-forgery token (kept in the store, so every server agrees).
    login_key: Arc<Vec<u8>>,
    /// When the homes call a period overdue for computing or a statement for paying.
    deadlines: effekt_domain::tasks::Deadlines,
}

impl App {
    pub fn new(store: Arc<dyn Store>, pseudonyms: PseudonymKey, mode: Mode) -> Self {
        Self {
            store,
            pseudonyms: Some(Arc::new(pseudonyms)),
            mode,
            clock: Arc::new(SystemClock),
            metrics: Arc::new(Metrics::default()),
            cache: Arc::new(cache::Cache::default()),
            login_key: Arc::new(accounts::random_token().into_bytes()),
            deadlines: effekt_domain::tasks::Deadlines::default(),
        }
    }

    /// The same application calling steps overdue after `deadlines` (the defaults are 14
    /// days to compute a covered period and 30 days to pay an approved statement).
    pub fn with_deadlines(mut self, deadlines: effekt_domain::tasks::Deadlines) -> Self {
        self.deadlines = deadlines;
        self
    }

    pub fn deadlines(&self) -> effekt_domain::tasks::Deadlines {
        self.deadlines
    }

    /// The same application reading time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Opens the application on `store`: the pseudonym key is `configured` (base64, at least
    /// 32 bytes, e.g. from `EFFEKT_PSEUDONYM_KEY`), or outside production a key generated
    /// once and kept in the store.
    pub async fn open(
        store: Arc<dyn Store>,
        mode: Mode,
        configured: Option<&str>,
    ) -> Result<Self, accounts::KeyError> {
        let key = accounts::pseudonym_key(store.as_ref(), mode, configured).await?;
        let login_key = accounts::login_key(store.as_ref()).await?;
        let mut app = Self::new(store, key, mode);
        app.login_key = Arc::new(login_key);
        Ok(app)
    }

    /// Opens the application for work that never pseudonymises (register imports, the audit
    /// log, accounts, contract files): in production without a configured key there is none,
    /// and anything that would pseudonymise is refused rather than keyed at random.
    pub async fn open_without_key(
        store: Arc<dyn Store>,
        mode: Mode,
        configured: Option<&str>,
    ) -> Result<Self, accounts::KeyError> {
        if configured.is_none() && mode == Mode::Production {
            return Ok(Self {
                store,
                pseudonyms: None,
                mode,
                clock: Arc::new(SystemClock),
                metrics: Arc::new(Metrics::default()),
                cache: Arc::new(cache::Cache::default()),
                login_key: Arc::new(accounts::random_token().into_bytes()),
                deadlines: effekt_domain::tasks::Deadlines::default(),
            });
        }
        Self::open(store, mode, configured).await
    }

    /// The evaluator's pseudonym key.
    pub(crate) fn pseudonyms(&self) -> Result<&PseudonymKey, accounts::KeyError> {
        self.pseudonyms
            .as_deref()
            .ok_or(accounts::KeyError::MissingInProduction)
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in Oslo.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Whether the store answers (readiness).
    pub async fn ready(&self) -> bool {
        self.store.ping().await.is_ok()
    }
}
