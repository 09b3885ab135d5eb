//! The proposer takes back an amendment that still waits for answers, saying why: it then
//! asks nobody anything, and the versions table shows who withdrew it, when and why.

use effekt_domain::contract::amendment;
use effekt_domain::ids::ContractId;

use super::{bad, conflict_or, ContractAccess};
use crate::AppError;

impl ContractAccess {
    /// Withdraws proposed `version` of `contract` for its proposer.
    pub async fn withdraw(
        &self,
        contract: ContractId,
        version: u32,
        reason: &str,
    ) -> Result<(), AppError> {
        let reason = match effekt_domain::free_text::shared(reason, true, 1000) {
            Err(effekt_domain::free_text::SharedTextError::Missing) => {
                return Err(bad("Skriv hvorfor du trekker forslaget tilbake."))
            }
            other => other?.unwrap_or_default(),
        };
        if !self.viewer.reads_contract(&self.app, contract).await? {
            return Err(AppError::NotFound);
        }
        let versions = self.versions(contract).await?;
        let Some(proposal) = versions.iter().find(|v| v.version == version) else {
            return Err(AppError::NotFound);
        };
        amendment::may_withdraw(proposal.state, proposal.proposer, self.viewer.user.id)
            .map_err(|e| bad(e.to_string()))?;
        self.app
            .store
            .withdraw_contract_version(
                contract,
                version,
                self.viewer.user.id,
                self.app.now(),
                &reason,
            )
            .await
            .map_err(conflict_or)?;
        tracing::info!(contract = contract.0, version, user = %self.viewer.user.username,
            "amendment withdrawn");
        Ok(())
    }
}
