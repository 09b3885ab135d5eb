//! [`crate::workspace::ProposalStore`] in SQL (migration 0024), expanded per database by
//! [`impl_proposal_store!`]. A change to a participation is written in one transaction with
//! the answer that approves it, after the participant's row is locked and the stored
//! participation is compared with the one the rules checked.

/// Implements [`crate::workspace::ProposalStore`] for `$store`.
macro_rules! impl_proposal_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::ids::{ParticipantId, UserId};
            use effekt_domain::participant::StatusHistory;
            use effekt_domain::proposals::{Amount, Participation, ProposalKind, ProposalStatus};
            use sqlx::Row;

            use $crate::error::{corrupt, Result};
            use $crate::model::ParticipantScope;
            use $crate::sql_parts as s;
            use $crate::workspace::{
                change_columns, change_from_columns, NewProposal, ProposalAnswer, ProposalRecord,
                ProposalStore, ProposalTask,
            };

            type Conn = <$db as sqlx::Database>::Connection;

            /// The contract of a proposal's participant. The scope is checked per proposal
            /// (a correlated `EXISTS` on the participant's key), so the few proposals lead and
            /// the 100,000 participants are never scanned or joined whole.
            const CONTRACT_NAME: &str = "(SELECT c.name FROM participants pc \
                 JOIN contracts c ON c.id = pc.contract_id WHERE pc.id = p.participant_id)";

            /// The participation as stored, read on `conn` (inside a transaction when writing).
            async fn read(conn: &mut Conn, id: ParticipantId) -> Result<Option<Participation>> {
                let Some(head) = sqlx::query("SELECT planned_end FROM participants WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut *conn)
                    .await?
                else {
                    return Ok(None);
                };
                let planned_end: Option<NaiveDate> = head.try_get(0)?;
                let rows = sqlx::query(
                    "SELECT status, end_reason, description, valid_from, valid_to \
                     FROM participant_statuses WHERE participant_id = $1 ORDER BY seq",
                )
                .bind(id.0)
                .fetch_all(&mut *conn)
                .await?;
                let periods = rows
                    .iter()
                    .map(|r| {
                        s::status_period(
                            &r.try_get::<String, _>(0)?,
                            r.try_get(1)?,
                            r.try_get(2)?,
                            r.try_get(3)?,
                            r.try_get(4)?,
                        )
                    })
                    .collect::<Result<Vec<_>>>()?;
                let statuses = StatusHistory::new(periods).map_err(corrupt)?;
                let amount = sqlx::query(
                    "SELECT percent, days_per_week, valid_from FROM participation_amounts \
                     WHERE participant_id = $1 ORDER BY id DESC LIMIT 1",
                )
                .bind(id.0)
                .fetch_optional(&mut *conn)
                .await?;
                let amount = match amount {
                    Some(r) => {
                        let percent: i64 = r.try_get(0)?;
                        let days: Option<i64> = r.try_get(1)?;
                        Some(Amount {
                            percent: u8::try_from(percent).map_err(corrupt)?,
                            days_per_week: days.map(u8::try_from).transpose().map_err(corrupt)?,
                            valid_from: r.try_get(2)?,
                        })
                    }
                    None => None,
                };
                Ok(Some(Participation {
                    statuses,
                    planned_end,
                    amount,
                }))
            }

            /// Locks the participant's row for this transaction (SQLite's write transaction
            /// already stands alone).
            async fn lock(conn: &mut Conn, id: ParticipantId) -> Result<()> {
                sqlx::query("UPDATE participants SET id = id WHERE id = $1")
                    .bind(id.0)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            /// Writes `new` over `old`: the status history whole, the participant's current
            /// status, index date and planned end, and a new amount row when it changed.
            async fn write(
                conn: &mut Conn,
                id: ParticipantId,
                old: &Participation,
                new: &Participation,
                by: UserId,
                at: DateTime<Utc>,
            ) -> Result<()> {
                if new.statuses != old.statuses {
                    sqlx::query("DELETE FROM participant_statuses WHERE participant_id = $1")
                        .bind(id.0)
                        .execute(&mut *conn)
                        .await?;
                    for (seq, p) in new.statuses.periods().iter().enumerate() {
                        sqlx::query(
                            "INSERT INTO participant_statuses (participant_id, seq, status, \
                             end_reason, description, valid_from, valid_to) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(id.0)
                        .bind(i64::try_from(seq).map_err(corrupt)?)
                        .bind(p.status.code())
                        .bind(p.ended.as_ref().map(|e| e.reason.code()))
                        .bind(p.ended.as_ref().and_then(|e| e.description.clone()))
                        .bind(p.valid_from)
                        .bind(p.valid_to)
                        .execute(&mut *conn)
                        .await?;
                    }
                }
                sqlx::query(
                    "UPDATE participants SET current_status = $2, index_date = $3, \
                     planned_end = $4 WHERE id = $1",
                )
                .bind(id.0)
                .bind(new.statuses.current().status.code())
                .bind(new.statuses.index_date())
                .bind(new.planned_end)
                .execute(&mut *conn)
                .await?;
                if let Some(a) = new.amount.filter(|a| Some(*a) != old.amount) {
                    sqlx::query(
                        "INSERT INTO participation_amounts (participant_id, valid_from, \
                         percent, days_per_week, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id.0)
                    .bind(a.valid_from)
                    .bind(i64::from(a.percent))
                    .bind(a.days_per_week.map(i64::from))
                    .bind(by.0)
                    .bind(at)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            }

            fn status_of(code: Option<String>) -> Result<ProposalStatus> {
                match code {
                    None => Ok(ProposalStatus::Waiting),
                    Some(c) => ProposalStatus::from_code(&c)
                        .ok_or_else(|| corrupt(format!("proposal status {c:?}"))),
                }
            }

            fn tasks(rows: Vec<<$db as sqlx::Database>::Row>) -> Result<Vec<ProposalTask>> {
                rows.iter()
                    .map(|r| {
                        let kind: String = r.try_get(2)?;
                        Ok(ProposalTask {
                            proposal: r.try_get(0)?,
                            participant: ParticipantId(r.try_get(1)?),
                            kind: ProposalKind::from_code(&kind)
                                .ok_or_else(|| corrupt(format!("proposal kind {kind:?}")))?,
                            status: status_of(r.try_get(3)?)?,
                            at: r.try_get(4)?,
                            contract: r.try_get(5)?,
                        })
                    })
                    .collect()
            }

            #[async_trait]
            impl ProposalStore for $store {
                async fn participation(
                    &self,
                    participant: ParticipantId,
                ) -> Result<Option<Participation>> {
                    let mut conn = self.pool.acquire().await?;
                    read(&mut conn, participant).await
                }

                async fn propose(
                    &self,
                    p: &NewProposal,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<i64> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    lock(&mut tx, p.participant).await?;
                    let (kind, date, reason, description, percent, days) =
                        change_columns(&p.change);
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO participation_proposals (participant_id, kind, new_date, \
                         end_reason, description, percent, days_per_week, justification, \
                         proposed_by, proposed_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    )
                    .bind(p.participant.0)
                    .bind(kind)
                    .bind(date)
                    .bind(reason)
                    .bind(description)
                    .bind(percent)
                    .bind(days)
                    .bind(p.justification.as_deref())
                    .bind(by.0)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO participation_proposal_answers (proposal_id, status, \
                         replaced_by, answered_by, answered_at) \
                         SELECT p.id, 'ERSTATTET', $1, $2, $3 FROM participation_proposals p \
                         WHERE p.participant_id = $4 AND p.kind = $5 AND p.id <> $1 \
                         AND NOT EXISTS (SELECT 1 FROM participation_proposal_answers a \
                                         WHERE a.proposal_id = p.id)",
                    )
                    .bind(id)
                    .bind(by.0)
                    .bind(at)
                    .bind(p.participant.0)
                    .bind(kind)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn proposals(
                    &self,
                    participant: ParticipantId,
                ) -> Result<Vec<ProposalRecord>> {
                    let rows = sqlx::query(
                        "SELECT p.id, p.kind, p.new_date, p.end_reason, p.description, \
                         p.percent, p.days_per_week, p.justification, \
                         pu.display_name || ' (' || pu.username || ')', p.proposed_at, \
                         a.status, a.reason, au.display_name || ' (' || au.username || ')', \
                         a.answered_at, (r.proposal_id IS NOT NULL) \
                         FROM participation_proposals p \
                         JOIN users pu ON pu.id = p.proposed_by \
                         LEFT JOIN participation_proposal_answers a ON a.proposal_id = p.id \
                         LEFT JOIN users au ON au.id = a.answered_by \
                         LEFT JOIN participation_answers_read r ON r.proposal_id = p.id \
                         WHERE p.participant_id = $1 ORDER BY p.id DESC",
                    )
                    .bind(participant.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let kind: String = r.try_get(1)?;
                            Ok(ProposalRecord {
                                id: r.try_get(0)?,
                                participant,
                                change: change_from_columns(
                                    &kind,
                                    r.try_get(2)?,
                                    r.try_get(3)?,
                                    r.try_get(4)?,
                                    r.try_get(5)?,
                                    r.try_get(6)?,
                                )?,
                                justification: r.try_get(7)?,
                                proposed_by: r.try_get(8)?,
                                proposed_at: r.try_get(9)?,
                                status: status_of(r.try_get(10)?)?,
                                answer_reason: r.try_get(11)?,
                                answered_by: r.try_get(12)?,
                                answered_at: r.try_get(13)?,
                                read: r.try_get(14)?,
                            })
                        })
                        .collect()
                }

                async fn answer_proposal(
                    &self,
                    answer: &ProposalAnswer<'_>,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    lock(&mut tx, answer.participant).await?;
                    let answered: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM participation_proposal_answers \
                         WHERE proposal_id = $1",
                    )
                    .bind(answer.proposal)
                    .fetch_one(&mut *tx)
                    .await?;
                    if answered > 0 {
                        return Ok(false);
                    }
                    if let Some((expected, new)) = answer.apply {
                        let stored = read(&mut tx, answer.participant).await?;
                        if stored.as_ref() != Some(expected) {
                            return Ok(false);
                        }
                        write(&mut tx, answer.participant, expected, new, by, at).await?;
                    }
                    sqlx::query(
                        "INSERT INTO participation_proposal_answers (proposal_id, status, \
                         reason, answered_by, answered_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(answer.proposal)
                    .bind(answer.status.code())
                    .bind(answer.reason)
                    .bind(by.0)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn change_participation(
                    &self,
                    participant: ParticipantId,
                    expected: &Participation,
                    new: &Participation,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    lock(&mut tx, participant).await?;
                    let stored = read(&mut tx, participant).await?;
                    if stored.as_ref() != Some(expected) {
                        return Ok(false);
                    }
                    write(&mut tx, participant, expected, new, by, at).await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn mark_answer_read(
                    &self,
                    proposal: i64,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let done = sqlx::query(
                        "INSERT INTO participation_answers_read (proposal_id, read_by, read_at) \
                         SELECT a.proposal_id, $2, $3 FROM participation_proposal_answers a \
                         WHERE a.proposal_id = $1 AND a.status IN ('GODKJENT', 'AVVIST') \
                         ON CONFLICT (proposal_id) DO NOTHING",
                    )
                    .bind(proposal)
                    .bind(by.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn waiting_proposals(
                    &self,
                    scope: ParticipantScope,
                ) -> Result<Vec<ProposalTask>> {
                    let (clause, param) = s::scope_clause(scope, 1);
                    let sql = format!(
                        "SELECT p.id, p.participant_id, p.kind, NULL, p.proposed_at, {CONTRACT_NAME} \
                         FROM participation_proposals p \
                         WHERE NOT EXISTS (SELECT 1 FROM participation_proposal_answers a \
                                           WHERE a.proposal_id = p.id) \
                         AND EXISTS (SELECT 1 FROM participants pt \
                                     WHERE pt.id = p.participant_id AND {clause}) \
                         ORDER BY p.id"
                    );
                    let q = sqlx::query(&sql);
                    let q = match param {
                        s::Param::I64(v) => q.bind(v),
                        s::Param::Text(t) => q.bind(t),
                    };
                    tasks(q.fetch_all(&self.pool).await?)
                }

                async fn unread_answers(
                    &self,
                    scope: ParticipantScope,
                ) -> Result<Vec<ProposalTask>> {
                    let (clause, param) = s::scope_clause(scope, 1);
                    let sql = format!(
                        "SELECT p.id, p.participant_id, p.kind, a.status, a.answered_at, {CONTRACT_NAME} \
                         FROM participation_proposal_answers a \
                         JOIN participation_proposals p ON p.id = a.proposal_id \
                         WHERE a.status IN ('GODKJENT', 'AVVIST') \
                         AND NOT EXISTS (SELECT 1 FROM participation_answers_read r \
                                         WHERE r.proposal_id = p.id) \
                         AND EXISTS (SELECT 1 FROM participants pt \
                                     WHERE pt.id = p.participant_id AND {clause}) \
                         ORDER BY a.answered_at, p.id"
                    );
                    let q = sqlx::query(&sql);
                    let q = match param {
                        s::Param::I64(v) => q.bind(v),
                        s::Param::Text(t) => q.bind(t),
                    };
                    tasks(q.fetch_all(&self.pool).await?)
                }
            }
        };
    };
}

pub(crate) use impl_proposal_store;
