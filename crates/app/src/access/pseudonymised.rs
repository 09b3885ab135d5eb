//! Pseudonymised microdata for the evaluator: no names, no national ids, no name search, and
//! only values that at least 5 participants share (`generalise`), worked out once per store
//! generation.

use std::sync::Arc;

use effekt_domain::ids::{ContractId, PersonKey};
use effekt_domain::pseudonym::readable;
use effekt_store::model::ParticipantQuery;

use super::generalise::{generalise, Shown};

use crate::audit::{self, Purpose};
use crate::views::*;
use crate::{App, AppError, Viewer};

/// The evaluator's view of a contract: every participant's readable pseudonym and generalised
/// values, ordered by pseudonym (an order that says nothing about anyone), and the person
/// behind each for the audit record.
pub(crate) struct Generalised {
    pub(crate) rows: Vec<(String, PersonKey, Shown)>,
}

impl App {
    /// What the evaluator's view shows of each participant of the contract, once per store
    /// generation (on its own task, like the other cached work).
    pub(crate) async fn generalised(
        &self,
        contract: ContractId,
    ) -> Result<Arc<Generalised>, AppError> {
        let app = self.clone();
        tokio::spawn(async move {
            let generation = app.store.generation().await?;
            app.cache
                .generalised
                .get_or_compute(contract, generation, || async {
                    let key = app
                        .pseudonyms()
                        .map_err(|e| AppError::internal("pseudonyms", e))?;
                    let people = app.store.quasi_identifiers(contract).await?;
                    let shown = generalise(&people);
                    let mut rows: Vec<(String, PersonKey, Shown)> = people
                        .iter()
                        .map(|q| {
                            (
                                readable(&key.pseudonym(contract, q.person)),
                                q.person,
                                shown.get(&q.participant).cloned().unwrap_or_default(),
                            )
                        })
                        .collect();
                    rows.sort_by(|a, b| a.0.cmp(&b.0));
                    Ok::<_, AppError>(Generalised { rows })
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

    /// One page of the contract's participants, by pseudonym. No search, no filter, no other
    /// order: each would pick out what the generalised values hide (a group under 5, an exact
    /// status, a start order).
    pub async fn list(
        &self,
        query: &ParticipantQuery,
    ) -> Result<Option<PseudonymisedList>, AppError> {
        let Some(contract) = self.app.store.contracts().await?.into_iter().next() else {
            return Ok(None);
        };
        let all = self.app.generalised(contract.id).await?;
        let per = query.per_page.clamp(1, 200) as usize;
        let page_count = all.rows.len().div_ceil(per).max(1);
        let page = (query.page.max(1) as usize).min(page_count);
        let shown: Vec<&(String, PersonKey, Shown)> =
            all.rows.iter().skip((page - 1) * per).take(per).collect();
        audit::permit(
            &self.app,
            &self.viewer,
            shown.iter().map(|r| r.1),
            Purpose::EvaluationPseudonymised,
        )
        .await?;
        Ok(Some(PseudonymisedList {
            items: shown
                .into_iter()
                .map(|(pseudonym, _, s)| PseudonymisedRow {
                    pseudonym: pseudonym.clone(),
                    provider: s.provider.clone(),
                    status_group: s.status.map(str::to_owned),
                    group: s.group.clone(),
                    start: s.start.clone(),
                })
                .collect(),
            total: all.rows.len() as u64,
            total_exact: true,
            page: u32::try_from(page).unwrap_or(u32::MAX),
            page_count: u32::try_from(page_count).unwrap_or(u32::MAX),
        }))
    }
}
