//! New contracts from contract files, defined by Nav's contract manager: checked as a whole,
//! stored as a new contract's version 1, or as the first terms of a contract without any.
//! Later changes are amendments the parties agree to on the contract page.

use std::path::Path;

use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::ids::ContractId;
use effekt_domain::imports::{scope_of_contract, ImportKind, ImportResult, NEW_CONTRACT_SCOPE};
use effekt_engine::contract::{self, Problem};

use super::imports::Attempt;
use crate::{App, AppError, Viewer};

/// The largest contract file read (docs/contracts.md): a real contract is a few kilobytes, a
/// generated rate card of 100,000 outcomes about 20 MB; beyond this it is a mistake.
pub const MAX_CONTRACT_FILE: u64 = 64 * 1024 * 1024;

/// A stored contract file: the contract, its version and the terms.
pub type Defined = (ContractId, u32, ContractTerms);

pub struct ContractDefinition {
    app: App,
    viewer: Viewer,
}

impl ContractDefinition {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    /// Reads and checks the contract file `file`, then stores it (see [`Self::import`]). A
    /// file that cannot be read, or whose contract already has terms, is refused with why; a
    /// file with problems returns them, by line. Every attempt lands in the import log.
    pub async fn import_file(
        &self,
        contract: Option<ContractId>,
        file: &Path,
        target_cohort: u32,
    ) -> Result<Result<Defined, Vec<Problem>>, AppError> {
        let attempt = Attempt {
            kind: ImportKind::Contract,
            scope: contract
                .map_or_else(|| NEW_CONTRACT_SCOPE.to_owned(), |c| scope_of_contract(c.0)),
            source: file,
        };
        let log = |result: ImportResult, problems: Vec<String>| {
            let count = problems.len();
            let attempt = &attempt;
            async move {
                self.app
                    .log_import(&self.viewer, attempt, result, &problems, count)
                    .await;
            }
        };
        let text = match super::importing::read_limited(file, MAX_CONTRACT_FILE, "a contract file")
        {
            Ok(text) => text,
            Err(why) => {
                log(ImportResult::Refused, vec![why.clone()]).await;
                return Err(AppError::Refused(why));
            }
        };
        let terms = match contract::check(&text) {
            Ok(terms) => terms,
            Err(problems) => {
                log(
                    ImportResult::Refused,
                    problems.iter().map(ToString::to_string).collect(),
                )
                .await;
                return Ok(Err(problems));
            }
        };
        match self.import(contract, &terms, &text, target_cohort).await {
            Ok((id, version)) => {
                log(ImportResult::Applied, Vec::new()).await;
                Ok(Ok((id, version, terms)))
            }
            Err(e @ (AppError::Store(_) | AppError::Audit(_))) => {
                self.app
                    .log_store_failure(&self.viewer, &attempt, Err(e))
                    .await
            }
            Err(e) => {
                if let AppError::Refused(why) = &e {
                    log(ImportResult::Refused, vec![why.clone()]).await;
                }
                Err(e)
            }
        }
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
