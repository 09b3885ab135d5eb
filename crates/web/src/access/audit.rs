//! Audit records for reads of personal data: one per person shown, batched into one write per
//! response, and a failed write fails the response (fail closed).

use std::sync::atomic::Ordering;

use chrono::Utc;
use effekt_domain::ids::{ParticipantId, PersonKey};
use effekt_store::model::{AuditRecord, Decision};

use super::{AppState, Viewer};
use crate::WebError;

fn record(viewer: &Viewer, subject: PersonKey, purpose: &str, decision: Decision) -> AuditRecord {
    AuditRecord {
        at: Utc::now(),
        actor: viewer.user.id,
        actor_name: viewer.user.username.clone(),
        subject,
        purpose: purpose.to_owned(),
        decision,
        request_id: viewer.request_id.clone(),
    }
}

async fn write(state: &AppState, records: Vec<AuditRecord>) -> Result<(), WebError> {
    let n = records.len() as u64;
    match state.store.append_audit(&records).await {
        Ok(()) => {
            state.metrics.audit_records.fetch_add(n, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => {
            state.metrics.audit_failures.fetch_add(1, Ordering::Relaxed);
            Err(WebError::Internal(format!(
                "audit write failed, read refused: {e}"
            )))
        }
    }
}

/// Records permitted reads of these persons.
pub(super) async fn permit(
    state: &AppState,
    viewer: &Viewer,
    subjects: impl IntoIterator<Item = PersonKey>,
    purpose: &str,
) -> Result<(), WebError> {
    let records = subjects
        .into_iter()
        .map(|s| record(viewer, s, purpose, Decision::Permit))
        .collect();
    write(state, records).await
}

/// Records a refused attempt to read a participant, when that participant exists.
pub(super) async fn deny(
    state: &AppState,
    viewer: &Viewer,
    participant: ParticipantId,
    purpose: &str,
) -> Result<(), WebError> {
    if let Some(subject) = state.store.participant_subject(participant).await? {
        write(
            state,
            vec![record(viewer, subject, purpose, Decision::Deny)],
        )
        .await?;
    }
    Ok(())
}
