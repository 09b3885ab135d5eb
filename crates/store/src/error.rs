//! The store's one error type.

/// What can go wrong below the web layer. Messages are for operators and logs, never pages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL is not a usable database address: {0}")]
    InvalidUrl(String),
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("cannot apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored value no longer passes the domain's rules: the store was changed behind our back.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The new national id does not fit the person's id history.
    #[error("id history: {0}")]
    IdHistory(#[from] effekt_domain::person::IdHistoryError),
    /// The national id already belongs to another person.
    #[error("the national id belongs to another person")]
    IdTaken,
    /// Lines whose sum leaves what øre hold (the ledger refuses them first).
    #[error(transparent)]
    Money(#[from] effekt_domain::money::MoneyOverflow),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}
