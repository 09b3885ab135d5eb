//! Time is an input. The core asks its [`Clock`] what time it is, never the system, so that
//! tests can pin "today" (a period that has just ended, a contract past its end, a deadline).

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Today in Oslo.
    fn today(&self) -> NaiveDate {
        effekt_domain::dates::oslo_date(self.now())
    }
}

/// The system's clock: the only place that reads it.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that shows what it is set to; for tests and reproducible runs.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut now) = self.0.lock() {
            *now = at;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|n| *n).unwrap_or_default()
    }
}
