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
    /// files again change nothing), and records who imported it. `content_hash` identifies
    /// the files; `progress` hears the rows written so far.
    pub async fn import_register(
        &self,
        register: &Register,
        content_hash: &str,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        let outcome = self
            .app
            .store
            .import_register(register, content_hash, self.app.now(), progress)
            .await?;
        if let ImportOutcome::Imported(record) = &outcome {
            let op = audit::operation(
                &self.app,
                &self.viewer,
                "register.import",
                format!("snapshot:{}", record.key),
            );
            self.app.store.append_operation(&op).await?;
        }
        Ok(outcome)
    }

    /// The audit log as CEF lines, oldest first: reads of personal data, operations (this
    /// export included), statement steps and amendment decisions.
    pub async fn audit_cef(&self) -> Result<Vec<String>, AppError> {
        let op = audit::operation(&self.app, &self.viewer, "audit.export", "audit-log".into());
        self.app.store.append_operation(&op).await?;
        audit::cef_lines(&self.app).await
    }
}
