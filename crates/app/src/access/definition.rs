//! New contracts from contract files, defined by Nav's contract manager: checked as a whole,
//! stored as a new contract's version 1, or as the first terms of a contract without any.
//! Later changes are amendments the parties agree to on the contract page.

use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::ids::ContractId;

use crate::{App, AppError, Viewer};

pub struct ContractDefinition {
    app: App,
    viewer: Viewer,
}

impl ContractDefinition {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    /// Stores checked terms (and the file's text) as a new contract for `target_cohort`
    /// participants, or as the first terms of `contract`; refused when `contract` has terms
    /// already. Returns the contract and version.
    pub async fn import(
        &self,
        contract: Option<ContractId>,
        terms: &ContractTerms,
        source: &str,
        target_cohort: u32,
    ) -> Result<(ContractId, u32), AppError> {
        if let Some(id) = contract {
            // Terms in force change only by an amendment the parties agree to.
            if let Some((version, _)) = self.app.store.contract_terms(id).await? {
                return Err(AppError::Refused(format!(
                    "contract {} already has terms (version {version}); changes are amendments, \
                     proposed and agreed by the parties at /kontrakter/{}",
                    id.0, id.0
                )));
            }
        }
        // Recorded before it is done: a contract that cannot be recorded is not stored.
        let subject = match contract {
            Some(id) => format!("contract:{}:terms:{:?}", id.0, terms.name),
            None => format!("contract:new:{:?}", terms.name),
        };
        let op = crate::audit::operation(&self.app, &self.viewer, "contract.import", subject);
        self.app.store.append_operation(&op).await?;
        let (id, version) = self
            .app
            .store
            .add_contract_version(contract, terms, Some(source), target_cohort, self.app.now())
            .await?;
        Ok((id, version))
    }
}
