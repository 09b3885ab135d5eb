//! Accounts, configuration, register imports and the audit log: the administrator's. Imports
//! and exports are recorded in the operations log with who ran them.

use effekt_domain::register::Register;
use effekt_store::model::ImportOutcome;
use effekt_store::StoreError;

use crate::audit;
use crate::views::*;
use crate::{App, AppError, Viewer};

/// Accounts and configuration.
pub struct AdminAccess {
    app: App,
    viewer: Viewer,
}

impl AdminAccess {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    pub async fn users(&self) -> Result<Vec<UserView>, AppError> {
        Ok(self
            .app
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| UserView {
                username: u.username,
                display_name: u.display_name,
                role: u.role.label_nb().to_owned(),
            })
            .collect())
    }

    /// Stores a validated register snapshot as a new version, all of it or nothing (the same
    /// files again change nothing). Who asked for it is recorded first, with the snapshot and
    /// its files' hash, so that no import goes unrecorded. `content_hash` identifies
    /// the files; `progress` hears the rows written so far.
    pub async fn import_register(
        &self,
        register: &Register,
        content_hash: &str,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        // Recorded before it is done: an import that cannot be recorded is not made.
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "register.import",
            format!("snapshot:{}:{}", register.snapshot.id, content_hash),
        );
        self.app.store.append_operation(&op).await?;
        self.app
            .store
            .import_register(register, content_hash, self.app.now(), progress)
            .await
    }

    /// The audit log as CEF lines, oldest first: reads of personal data, operations (this
    /// export included), statement steps and amendment decisions.
    pub async fn audit_cef(&self) -> Result<Vec<String>, AppError> {
        let op = audit::operation(&self.app, &self.viewer, "audit.export", "audit-log".into());
        self.app.store.append_operation(&op).await?;
        audit::cef_lines(&self.app).await
    }
}
