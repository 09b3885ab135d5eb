//! The contract as INDIGO open data: its terms and priced results in GO Lab's standard, for
//! those who read the contract (the export itself is `effekt_engine::indigo`).

use effekt_domain::contract::amendment::differences;
use effekt_domain::ids::ContractId;
use effekt_engine::indigo::Amendment;

use super::ContractAccess;
use crate::{policy, AppError};

impl ContractAccess {
    /// The contract and its priced results in the INDIGO data standard (results of fewer
    /// than 5 participants withheld), with the terms version and snapshot it rests on.
    pub async fn indigo(
        &self,
        contract: ContractId,
    ) -> Result<(serde_json::Value, String, String), AppError> {
        // As on the contract's pages: providers and investors export only their own contracts.
        let Some((_, stored)) = self.app.store.contract_terms(contract).await? else {
            return Err(crate::ledger::LedgerError::NoTerms(contract.0).into());
        };
        let own = self.viewer.organisation(&self.app).await?;
        if !policy::reads_contract(self.viewer.user.role, own, &stored) {
            return Err(AppError::NotFound);
        }
        let paid_periods = self
            .app
            .store
            .statements(contract)
            .await?
            .iter()
            .filter(|s| s.rules().stage() == effekt_domain::contract::statement::Stage::Paid)
            .map(|s| s.period_start)
            .collect();
        let target_cohort = self
            .app
            .store
            .contracts()
            .await?
            .into_iter()
            .find(|c| c.id == contract)
            .map(|c| c.target_cohort);
        // The newest certified size of each cohort: a cohort line counts its participants.
        let mut cohort_sizes = std::collections::BTreeMap::new();
        for (f, _) in self.app.store.certified_figures(contract).await? {
            cohort_sizes.insert(f.certified.cohort, f.certified.cohort_size);
        }
        match self.app.pricing(contract).await {
            Ok(p) => {
                let Some(terms) = p.terms() else {
                    return Err(crate::ledger::LedgerError::NoTerms(contract.0).into());
                };
                let priced = effekt_engine::indigo::Priced {
                    lines: &p.priced,
                    paid_periods,
                    cohort_sizes,
                    target_cohort,
                    history: self.price_history(contract).await?,
                };
                let project = effekt_engine::indigo::project(contract.0, terms, &priced)
                    .map_err(|_| crate::ledger::LedgerError::Overflow(contract.0))?;
                Ok((project, p.versions_of(&[]), p.snapshot.key.clone()))
            }
            // Terms are published before any register is read: the project without results.
            Err(crate::ledger::LedgerError::NoSnapshot) => {
                let (version, terms) = self
                    .app
                    .store
                    .contract_terms(contract)
                    .await?
                    .ok_or(crate::ledger::LedgerError::NoTerms(contract.0))?;
                let project = effekt_engine::indigo::project(
                    contract.0,
                    &terms,
                    &effekt_engine::indigo::Priced {
                        target_cohort,
                        history: self.price_history(contract).await?,
                        ..Default::default()
                    },
                )
                .map_err(|_| crate::ledger::LedgerError::Overflow(contract.0))?;
                Ok((project, version.to_string(), "none".to_owned()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Every agreed amendment as the ledger schedules them: what it changed against the
    /// version before, and why (the reason the proposer gave with its own approval).
    async fn price_history(&self, contract: ContractId) -> Result<Vec<Amendment>, AppError> {
        let records = self.app.store.contract_versions(contract).await?;
        let reasons: std::collections::HashMap<u32, Option<String>> = records
            .iter()
            .map(|r| (r.version, r.decisions.first().and_then(|d| d.2.clone())))
            .collect();
        let versions = crate::ledger::in_force_schedule(records);
        Ok(versions
            .windows(2)
            .map(|w| Amendment {
                version: w[1].0,
                from: w[1].1,
                changes: differences(&w[0].2, &w[1].2),
                reason: reasons.get(&w[1].0).cloned().flatten(),
            })
            .collect())
    }
}
