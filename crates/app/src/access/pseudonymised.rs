//! Pseudonymised microdata for the evaluator: no names, no national ids, no name search.

use effekt_store::model::{ParticipantQuery, ParticipantScope, SortKey};

use crate::audit::{self, Purpose};
use crate::views::*;
use crate::{App, AppError, Viewer};

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
                .map(|r| PseudonymisedRow {
                    pseudonym: key.pseudonym(contract.id, r.person),
                    provider: r.provider_name.clone(),
                    status: r.status.code().to_owned(),
                    status_label: r.status.label_nb().to_owned(),
                    group: r.group_name.clone(),
                    start_date: r.index_date,
                })
                .collect(),
            total: page.total,
            total_exact: page.total_exact,
            page: page.page,
            page_count: page.page_count(),
        }))
    }
}
