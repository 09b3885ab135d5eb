//! [`crate::referral_drafts::ReferralDraftStore`] in SQL (migration 0028), expanded per
//! database by [`impl_referral_draft_store!`].

/// Implements [`crate::referral_drafts::ReferralDraftStore`] for `$store`.
macro_rules! impl_referral_draft_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, Utc};
            use effekt_domain::ids::{
                ContractId, NavOfficeId, ParticipantId, PersonKey, ProviderId, UserId,
            };
            use effekt_domain::referral_drafts::DraftState;
            use sqlx::Row;

            use $crate::error::{corrupt, Result};
            use $crate::referral_drafts::{
                DraftSaved, DraftSent, NewReferralDraft, ReferralDraftRecord, ReferralDraftStore,
            };
            use $crate::sql_parts as s;
            use $crate::workspace::NewReferral;

            /// A draft with its newest step; `{where}` picks the drafts.
            const DRAFT: &str = "SELECT d.id, d.person_key, pr.given_name, pr.family_name, \
                 pr.protection, d.contract_id, c.name, d.provider_id, pv.name, d.nav_office_id, \
                 d.created_by, u.display_name || ' (' || u.username || ')', d.created_at, \
                 st.state, st.seq, st.step_at \
                 FROM referral_drafts d JOIN persons pr ON pr.key = d.person_key \
                 JOIN contracts c ON c.id = d.contract_id JOIN providers pv ON pv.id = d.provider_id \
                 JOIN users u ON u.id = d.created_by \
                 JOIN referral_draft_steps st ON st.draft_id = d.id AND st.seq = \
                 (SELECT MAX(s2.seq) FROM referral_draft_steps s2 WHERE s2.draft_id = d.id)";

            fn record(r: &<$db as sqlx::Database>::Row) -> Result<ReferralDraftRecord> {
                let protection: String = r.try_get(4)?;
                let state: String = r.try_get(13)?;
                Ok(ReferralDraftRecord {
                    id: r.try_get(0)?,
                    person: PersonKey(r.try_get(1)?),
                    given_name: r.try_get(2)?,
                    family_name: r.try_get(3)?,
                    protection: s::protection(&protection)?,
                    contract: ContractId(r.try_get(5)?),
                    contract_name: r.try_get(6)?,
                    provider: ProviderId(r.try_get(7)?),
                    provider_name: r.try_get(8)?,
                    office: NavOfficeId(r.try_get(9)?),
                    created_by: UserId(r.try_get(10)?),
                    created_by_name: r.try_get(11)?,
                    created_at: r.try_get(12)?,
                    state: DraftState::from_code(&state)
                        .ok_or_else(|| corrupt(format!("draft state {state:?}")))?,
                    seq: r.try_get(14)?,
                    stepped_at: r.try_get(15)?,
                })
            }

            #[async_trait]
            impl ReferralDraftStore for $store {
                async fn save_referral_draft(
                    &self,
                    d: &NewReferralDraft,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<DraftSaved> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let taken: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM participants WHERE person_key = $1 AND contract_id = $2",
                    )
                    .bind(d.person.0)
                    .bind(d.contract.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    if taken > 0 {
                        return Ok(DraftSaved::InContract);
                    }
                    let open: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM referral_drafts d WHERE d.person_key = $1 \
                         AND d.contract_id = $2 AND d.nav_office_id = $3 \
                         AND (SELECT st.state FROM referral_draft_steps st WHERE st.draft_id = d.id \
                              ORDER BY st.seq DESC LIMIT 1) IN ('KLADD', 'UTKAST_TIL_PAMELDING')",
                    )
                    .bind(d.person.0)
                    .bind(d.contract.0)
                    .bind(d.office.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    if open > 0 {
                        return Ok(DraftSaved::OpenDraft);
                    }
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO referral_drafts (person_key, contract_id, provider_id, \
                         nav_office_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                         RETURNING id",
                    )
                    .bind(d.person.0)
                    .bind(d.contract.0)
                    .bind(d.provider.0)
                    .bind(d.office.0)
                    .bind(by.0)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO referral_draft_steps (draft_id, seq, state, participant_id, \
                         step_by, step_at) VALUES ($1, 0, 'KLADD', NULL, $2, $3)",
                    )
                    .bind(id)
                    .bind(by.0)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(DraftSaved::Saved(id))
                }

                async fn open_referral_drafts(
                    &self,
                    office: NavOfficeId,
                ) -> Result<Vec<ReferralDraftRecord>> {
                    let sql = format!(
                        "{DRAFT} WHERE d.nav_office_id = $1 \
                         AND st.state IN ('KLADD', 'UTKAST_TIL_PAMELDING') ORDER BY d.id"
                    );
                    sqlx::query(&sql)
                        .bind(office.0)
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(record)
                        .collect()
                }

                async fn referral_draft(&self, id: i64) -> Result<Option<ReferralDraftRecord>> {
                    let sql = format!("{DRAFT} WHERE d.id = $1");
                    sqlx::query(&sql)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .as_ref()
                        .map(record)
                        .transpose()
                }

                async fn step_referral_draft(
                    &self,
                    id: i64,
                    after: i32,
                    state: DraftState,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    if state == DraftState::Sendt {
                        return Err(corrupt("a draft is sent with send_referral_draft"));
                    }
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let newest: Option<i32> = sqlx::query_scalar(
                        "SELECT MAX(seq) FROM referral_draft_steps WHERE draft_id = $1",
                    )
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                    if newest != Some(after) {
                        return Ok(false);
                    }
                    // Two people stepping at once: the key (draft, seq) lets one in.
                    let written = sqlx::query(
                        "INSERT INTO referral_draft_steps (draft_id, seq, state, participant_id, \
                         step_by, step_at) VALUES ($1, $2, $3, NULL, $4, $5) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(after + 1)
                    .bind(state.code())
                    .bind(by.0)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if written == 0 {
                        return Ok(false);
                    }
                    tx.commit().await?;
                    Ok(true)
                }

                async fn send_referral_draft(
                    &self,
                    id: i64,
                    after: i32,
                    r: &NewReferral,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<DraftSent> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let newest: Option<i32> = sqlx::query_scalar(
                        "SELECT MAX(seq) FROM referral_draft_steps WHERE draft_id = $1",
                    )
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                    if newest != Some(after) {
                        return Ok(DraftSent::Changed);
                    }
                    let Some(participant) =
                        $crate::sql_referrals::write_referral!(tx, r, by, at)
                    else {
                        return Ok(DraftSent::InContract);
                    };
                    let written = sqlx::query(
                        "INSERT INTO referral_draft_steps (draft_id, seq, state, participant_id, \
                         step_by, step_at) VALUES ($1, $2, 'SENDT', $3, $4, $5) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(after + 1)
                    .bind(participant)
                    .bind(by.0)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if written == 0 {
                        // Dropping the transaction takes the referral back with it.
                        return Ok(DraftSent::Changed);
                    }
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(DraftSent::Sent(ParticipantId(participant)))
                }
            }
        };
    };
}

pub(crate) use impl_referral_draft_store;
