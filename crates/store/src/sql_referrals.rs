//! [`crate::workspace::ReferralStore`] in SQL (migration 0025), expanded per database by
//! [`impl_referral_store!`].

/// Implements [`crate::workspace::ReferralStore`] for `$store`.
macro_rules! impl_referral_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, Utc};
            use effekt_domain::ids::{ContractId, NavOfficeId, ParticipantId, ProviderId, UserId};
            use sqlx::Row;

            use $crate::error::{corrupt, Result};
            use $crate::model::ParticipantScope;
            use $crate::sql_parts as s;
            use $crate::workspace::{
                NewReferral, ReferralAnswerTime, ReferralRecord, ReferralStore, ReferralTarget,
                WaitingReferral,
            };

            #[async_trait]
            impl ReferralStore for $store {
                async fn referral_targets(&self, office: NavOfficeId) -> Result<Vec<ReferralTarget>> {
                    let rows = sqlx::query(
                        "SELECT c.id, c.name, pv.id, pv.name FROM contract_nav_offices o \
                         JOIN contracts c ON c.id = o.contract_id \
                         JOIN consortium_members m ON m.contract_id = c.id \
                         JOIN providers pv ON pv.id = m.provider_id \
                         WHERE o.nav_office_id = $1 ORDER BY c.name, c.id, pv.name, pv.id",
                    )
                    .bind(office.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(ReferralTarget {
                                contract: ContractId(r.try_get(0)?),
                                contract_name: r.try_get(1)?,
                                provider: ProviderId(r.try_get(2)?),
                                provider_name: r.try_get(3)?,
                            })
                        })
                        .collect()
                }

                async fn refer(
                    &self,
                    r: &NewReferral,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<Option<ParticipantId>> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let Some(id) = $crate::sql_referrals::write_referral!(tx, r, by, at) else {
                        return Ok(None);
                    };
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(Some(ParticipantId(id)))
                }

                async fn referral(
                    &self,
                    participant: ParticipantId,
                ) -> Result<Option<ReferralRecord>> {
                    let row = sqlx::query(
                        "SELECT u.display_name || ' (' || u.username || ')', r.referred_at, \
                         r.answer_due FROM referrals r JOIN users u ON u.id = r.referred_by \
                         WHERE r.participant_id = $1",
                    )
                    .bind(participant.0)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(match row {
                        Some(r) => Some(ReferralRecord {
                            referred_by: r.try_get(0)?,
                            referred_at: r.try_get(1)?,
                            answer_due: r.try_get(2)?,
                        }),
                        None => None,
                    })
                }

                async fn referral_answer_times(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<ReferralAnswerTime>> {
                    // The referral's own status is seq 0; the provider's answer is the next.
                    let rows = sqlx::query(
                        "SELECT pt.provider_id, pv.name, s0.valid_from, r.answer_due, \
                         (SELECT MIN(s.valid_from) FROM participant_statuses s \
                          WHERE s.participant_id = pt.id AND s.seq > 0) \
                         FROM referrals r JOIN participants pt ON pt.id = r.participant_id \
                         JOIN providers pv ON pv.id = pt.provider_id \
                         JOIN participant_statuses s0 ON s0.participant_id = pt.id AND s0.seq = 0 \
                         WHERE pt.contract_id = $1 ORDER BY pv.name, pt.provider_id",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(ReferralAnswerTime {
                                provider: ProviderId(r.try_get(0)?),
                                provider_name: r.try_get(1)?,
                                referred_on: r.try_get(2)?,
                                answer_due: r.try_get(3)?,
                                answered_on: r.try_get(4)?,
                            })
                        })
                        .collect()
                }

                async fn participants_with_verified_milestone(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<(ProviderId, u64)>> {
                    let rows = sqlx::query(
                        "SELECT pt.provider_id, COUNT(DISTINCT pt.id) FROM provider_evidence e \
                         JOIN participants pt ON pt.id = e.participant_id \
                         WHERE pt.contract_id = $1 AND e.score IS NULL \
                         AND e.verified_by IS NOT NULL AND NOT e.retracted \
                         AND e.id = (SELECT MAX(e2.id) FROM provider_evidence e2 \
                         WHERE e2.participant_id = e.participant_id AND e2.record_id = e.record_id) \
                         GROUP BY pt.provider_id ORDER BY pt.provider_id",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let n: i64 = r.try_get(1)?;
                            Ok((ProviderId(r.try_get(0)?), u64::try_from(n).unwrap_or(0)))
                        })
                        .collect()
                }

                async fn waiting_referrals(
                    &self,
                    scope: ParticipantScope,
                ) -> Result<Vec<WaitingReferral>> {
                    let (clause, param) = s::scope_clause(scope, 1);
                    let sql = format!(
                        "SELECT pt.id, pt.current_status, r.answer_due, c.name FROM referrals r \
                         JOIN participants pt ON pt.id = r.participant_id \
                         JOIN contracts c ON c.id = pt.contract_id \
                         WHERE {clause} AND pt.current_status IN ('SOKT_INN', 'VURDERES', 'VENTELISTE') \
                         ORDER BY r.answer_due, pt.id"
                    );
                    let q = sqlx::query(&sql);
                    let q = match param {
                        s::Param::I64(v) => q.bind(v),
                        s::Param::Text(t) => q.bind(t),
                    };
                    q.fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(|r| {
                            let status: String = r.try_get(1)?;
                            Ok(WaitingReferral {
                                participant: ParticipantId(r.try_get(0)?),
                                status: s::status(&status).map_err(corrupt)?,
                                answer_due: r.try_get(2)?,
                                contract: r.try_get(3)?,
                            })
                        })
                        .collect()
                }
            }
        };
    };
}

pub(crate) use impl_referral_store;

/// Writes the participant, its first status, the referral and the referring officer's
/// assignment inside the caller's transaction `$tx`; `None`, writing nothing, when the person
/// is already in the contract. Shared by a referral sent at once and a draft sent later.
macro_rules! write_referral {
    ($tx:ident, $r:expr, $by:expr, $at:expr) => {
        'write: {
            let (r, by, at) = ($r, $by, $at);
            let taken: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM participants WHERE person_key = $1 AND contract_id = $2",
            )
            .bind(r.person.0)
            .bind(r.contract.0)
            .fetch_one(&mut *$tx)
            .await?;
            if taken > 0 {
                break 'write None;
            }
            let current = r.participation.statuses.current();
            // The list's order and search columns, as the bulk insert fills them.
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO participants (person_key, contract_id, provider_id, \
             nav_office_id, current_status, index_date, list_sort_key, \
             protected_search_text) \
             SELECT pr.key, $2, $3, $4, $5, NULL, \
             CASE WHEN pr.protection = 'NONE' THEN pr.search_text ELSE '' END, \
             CASE WHEN pr.protection = 'NONE' THEN '' ELSE pr.search_text END \
             FROM persons pr WHERE pr.key = $1 RETURNING id",
            )
            .bind(r.person.0)
            .bind(r.contract.0)
            .bind(r.provider.0)
            .bind(r.office.0)
            .bind(current.status.code())
            .fetch_one(&mut *$tx)
            .await?;
            sqlx::query(
                "INSERT INTO participant_statuses (participant_id, seq, status, \
             end_reason, description, valid_from, valid_to) \
             VALUES ($1, 0, $2, NULL, NULL, $3, NULL)",
            )
            .bind(id)
            .bind(current.status.code())
            .bind(current.valid_from)
            .execute(&mut *$tx)
            .await?;
            sqlx::query(
                "INSERT INTO referrals (participant_id, referred_by, referred_at, answer_due) \
             VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(by.0)
            .bind(at)
            .bind(r.answer_due)
            .execute(&mut *$tx)
            .await?;
            // The referring case officer follows the person, masked or not.
            sqlx::query("INSERT INTO staff_assignments (user_id, participant_id) VALUES ($1, $2)")
                .bind(by.0)
                .bind(id)
                .execute(&mut *$tx)
                .await?;
            Some(id)
        }
    };
}

pub(crate) use write_referral;
