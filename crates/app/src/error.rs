//! The application core's one error type. The faces map it once: the web to an HTML page or a
//! JSON answer, the CLI to one line. Internal causes keep their source, to be logged, never
//! shown.

use effekt_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The viewer's role may not use this at all.
    #[error("forbidden: the role may not see or do this")]
    Forbidden,
    /// Does not exist, or exists outside the viewer's scope (never say which).
    #[error("not found (or outside what the role may see)")]
    NotFound,
    /// Refused for a reason the user may read; the message is Norwegian.
    #[error("{0}")]
    Refused(String),
    #[error("the store failed")]
    Store(#[from] StoreError),
    /// A contract could not be priced or a period settled; the message is for operators.
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    /// The audit record could not be written, so the read it audits is refused.
    #[error("audit write failed, read refused")]
    Audit(#[source] StoreError),
    #[error("{what}")]
    Internal {
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A sum beyond what øre hold is refused with the domain's Norwegian message, never shown as
/// a wrapped or saturated figure.
impl From<effekt_domain::money::MoneyOverflow> for AppError {
    fn from(e: effekt_domain::money::MoneyOverflow) -> Self {
        Self::Refused(e.to_string())
    }
}

/// Free text other parties read is refused with the form's Norwegian message.
impl From<effekt_domain::free_text::SharedTextError> for AppError {
    fn from(e: effekt_domain::free_text::SharedTextError) -> Self {
        Self::Refused(e.to_string())
    }
}

impl AppError {
    pub(crate) fn internal(
        what: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Internal {
            what,
            source: Box::new(source),
        }
    }

    /// The whole chain of causes, for the log.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        out
    }
}

/// A message for one form field, shown next to it and in the error summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
