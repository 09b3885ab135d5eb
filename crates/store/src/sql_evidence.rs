//! Provider evidence in SQL (migration 0016), expanded per database by
//! [`impl_evidence_store!`]: milestones and soft scores recorded by a provider and verified by
//! another person, appended in one transaction per import; the timelines read the newest row
//! per record.

/// Adds the provider-evidence methods to `$store`; the [`crate::Store`] implementation calls
/// them.
macro_rules! impl_evidence_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::ids::{ContractId, ParticipantId, PersonKey, UserId};
            use sqlx::Row;

            use $crate::error::Result;
            use $crate::model::EvidenceRecord;
            use $crate::sql_parts as s;

            impl $store {
                pub(crate) async fn import_evidence_sql(
                    &self,
                    records: &[EvidenceRecord],
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    for r in records {
                        let (verified_by, verified_on): (Option<&str>, Option<NaiveDate>) =
                            match &r.verified {
                                Some((who, on)) => (Some(who.as_str()), Some(*on)),
                                None => (None, None),
                            };
                        sqlx::query(
                            "INSERT INTO provider_evidence (participant_id, record_id, identifier, \
                             achieved_on, score, recorded_by, verified_by, verified_on, retracted, \
                             imported_by, imported_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        )
                        .bind(r.participant.0)
                        .bind(&r.record_id)
                        .bind(&r.identifier)
                        .bind(r.achieved_on)
                        .bind(r.score.map(|s| s.to_string()))
                        .bind(&r.recorded_by)
                        .bind(verified_by)
                        .bind(verified_on)
                        .bind(r.retracted)
                        .bind(by.0)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn participant_in_contract_sql(
                    &self,
                    contract: ContractId,
                    person: PersonKey,
                ) -> Result<Option<ParticipantId>> {
                    let row = sqlx::query(
                        "SELECT id FROM participants WHERE contract_id = $1 AND person_key = $2 \
                         ORDER BY id LIMIT 1",
                    )
                    .bind(contract.0)
                    .bind(person.0)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(match row {
                        Some(r) => Some(ParticipantId(r.try_get(0)?)),
                        None => None,
                    })
                }
            }
        };
    };
}

pub(crate) use impl_evidence_store;
