//! [`crate::WorkspaceStore`] in SQL, expanded per database by [`impl_workspace_store!`].

/// Implements [`crate::WorkspaceStore`] for `$store`.
macro_rules! impl_workspace_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::ids::{ParticipantId, UserId};
            use sqlx::Row;

            use $crate::error::Result;
            use $crate::model::EvidenceRecord;
            use $crate::sql_parts as s;
            use $crate::workspace::{StoredMilestone, WorkspaceStore};

            /// The newest row of each record of a participant.
            const NEWEST: &str = "e.id = (SELECT MAX(e2.id) FROM provider_evidence e2 \
                 WHERE e2.participant_id = e.participant_id AND e2.record_id = e.record_id)";

            #[async_trait]
            impl WorkspaceStore for $store {
                async fn milestones(
                    &self,
                    participant: ParticipantId,
                ) -> Result<Vec<StoredMilestone>> {
                    let sql = format!(
                        "SELECT e.id, e.record_id, e.identifier, e.achieved_on, e.recorded_by, \
                         e.verified_by, e.verified_on, e.retracted, e.imported_at, e.score \
                         FROM provider_evidence e \
                         WHERE e.participant_id = $1 \
                         AND (e.score IS NULL OR e.identifier LIKE 'cefr-vurdert-%') AND {NEWEST} \
                         ORDER BY e.achieved_on, e.id"
                    );
                    let rows = sqlx::query(&sql)
                        .bind(participant.0)
                        .fetch_all(&self.pool)
                        .await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for r in rows {
                        let verified_by: Option<String> = r.try_get(5)?;
                        let verified_on: Option<NaiveDate> = r.try_get(6)?;
                        out.push(StoredMilestone {
                            row: r.try_get(0)?,
                            record_id: r.try_get(1)?,
                            identifier: r.try_get(2)?,
                            achieved_on: r.try_get(3)?,
                            recorded_by: r.try_get(4)?,
                            verified: verified_by.zip(verified_on),
                            retracted: r.try_get(7)?,
                            written_at: r.try_get(8)?,
                            score: {
                                let score: Option<String> = r.try_get(9)?;
                                score
                                    .map(|s| s.parse::<rust_decimal::Decimal>())
                                    .transpose()
                                    .map_err($crate::error::corrupt)?
                            },
                        });
                    }
                    Ok(out)
                }

                async fn append_milestone(
                    &self,
                    r: &EvidenceRecord,
                    after: Option<i64>,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // Writers of one participant's records queue here (a row lock on
                    // PostgreSQL; SQLite's write transaction already stands alone).
                    sqlx::query("UPDATE participants SET id = id WHERE id = $1")
                        .bind(r.participant.0)
                        .execute(&mut *tx)
                        .await?;
                    let newest: Option<i64> = sqlx::query_scalar(
                        "SELECT MAX(id) FROM provider_evidence \
                         WHERE participant_id = $1 AND record_id = $2",
                    )
                    .bind(r.participant.0)
                    .bind(&r.record_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    if newest != after {
                        return Ok(false);
                    }
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
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(true)
                }
            }
        };
    };
}

pub(crate) use impl_workspace_store;
