//! Pseudonymised microdata for the evaluator: no names, no national ids, no name search, and
//! only values that at least 5 participants share (`generalise`), worked out once per store
//! generation.

use std::collections::HashMap;
use std::sync::Arc;

use effekt_domain::ids::{ContractId, ParticipantId};
use effekt_store::model::{ParticipantQuery, ParticipantScope, SortKey};

use super::generalise::{generalise, Shown};

use crate::audit::{self, Purpose};
use crate::views::*;
use crate::{App, AppError, Viewer};

impl App {
    /// What the evaluator's view shows of each participant of the contract, once per store
    /// generation (on its own task, like the other cached work).
    pub(crate) async fn generalised(
        &self,
        contract: ContractId,
    ) -> Result<Arc<HashMap<ParticipantId, Shown>>, AppError> {
        let app = self.clone();
        tokio::spawn(async move {
            let generation = app.store.generation().await?;
            app.cache
                .generalised
                .get_or_compute(contract, generation, || async {
                    let rows = app.store.quasi_identifiers(contract).await?;
                    Ok::<_, AppError>(generalise(&rows))
                })
                .await
        })
        .await
        .map_err(|e| AppError::internal("generalising", e))?
    }
}

/// Pseudonymised microdata for the evaluator: no names, no national ids, no name search.
pub struct PseudonymisedAccess {
    app: App,
    viewer: Viewer,
}

impl PseudonymisedAccess {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    pub async fn list(
        &self,
        query: &ParticipantQuery,
    ) -> Result<Option<PseudonymisedList>, AppError> {
        let Some(contract) = self.app.store.contracts().await?.into_iter().next() else {
            return Ok(None);
        };
        // Neither search nor name order: both would let names through the back door.
        let query = ParticipantQuery {
            search: None,
            sort: match query.sort {
                SortKey::Status => SortKey::Status,
                _ => SortKey::StartDate,
            },
            ..query.clone()
        };
        let key = self
            .app
            .pseudonyms()
            .map_err(|e| AppError::internal("pseudonyms", e))?;
        let shown = self.app.generalised(contract.id).await?;
        let page = self
            .app
            .store
            .list_participants(
                ParticipantScope::Contract(contract.id),
                &query,
                self.viewer.user.id,
            )
            .await?;
        audit::permit(
            &self.app,
            &self.viewer,
            page.items.iter().map(|r| r.person),
            Purpose::EvaluationPseudonymised,
        )
        .await?;
        Ok(Some(PseudonymisedList {
            items: page
                .items
                .iter()
                .map(|r| {
                    let s = shown.get(&r.id).cloned().unwrap_or_default();
                    PseudonymisedRow {
                        pseudonym: effekt_domain::pseudonym::readable(
                            &key.pseudonym(contract.id, r.person),
                        ),
                        provider: s.provider,
                        status_group: s.status.map(str::to_owned),
                        group: s.group,
                        start: s.start,
                    }
                })
                .collect(),
            total: page.total,
            total_exact: page.total_exact,
            page: page.page,
            page_count: page.page_count(),
        }))
    }
}
