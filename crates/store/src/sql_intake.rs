//! [`crate::intake::IntakeStore`] in SQL (migration 0026), expanded per database by
//! [`impl_intake_store!`].

/// Implements [`crate::intake::IntakeStore`] for `$store`.
macro_rules! impl_intake_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, Utc};
            use effekt_domain::ids::{ParticipantId, UserId};
            use effekt_domain::intake::{EarlierMeasure, Language, NeedItem, Screening, Withdrawable};
            use sqlx::Row;

            use $crate::error::Result;
            use $crate::intake::{
                IntakeStore, StoredIntake, StoredLanguage, StoredMeasure, StoredNeedItem,
                StoredScreening,
            };

            /// Who wrote a row, as the page names people.
            const WHO: &str = "u.display_name || ' (' || u.username || ')'";

            /// Rows of `alias` (of the kind `kind`) nobody has withdrawn: a withdrawn record
            /// does not leave the database.
            fn shown(kind: &str, alias: &str) -> String {
                format!(
                    "NOT EXISTS (SELECT 1 FROM intake_withdrawals w \
                     WHERE w.kind = '{kind}' AND w.record_id = {alias}.id)"
                )
            }

            #[async_trait]
            impl IntakeStore for $store {
                async fn intake(&self, participant: ParticipantId) -> Result<StoredIntake> {
                    let needs = sqlx::query(&format!(
                        "SELECT n.item, n.legal_basis, n.purpose, n.content, {WHO}, n.shared_at, n.id \
                         FROM need_items n JOIN users u ON u.id = n.shared_by \
                         WHERE n.participant_id = $1 AND {} ORDER BY n.id",
                        shown("behov", "n")
                    ))
                    .bind(participant.0)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(StoredNeedItem {
                            item: r.try_get(0)?,
                            legal_basis: r.try_get(1)?,
                            purpose: r.try_get(2)?,
                            content: r.try_get(3)?,
                            shared_by: r.try_get(4)?,
                            shared_at: r.try_get(5)?,
                            id: r.try_get(6)?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                    let measures = sqlx::query(&format!(
                        "SELECT m.kind, m.description, m.from_date, m.to_date, {WHO}, m.id \
                         FROM earlier_measures m JOIN users u ON u.id = m.recorded_by \
                         WHERE m.participant_id = $1 AND {} ORDER BY m.from_date, m.id",
                        shown("tidligere-tiltak", "m")
                    ))
                    .bind(participant.0)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(StoredMeasure {
                            kind: r.try_get(0)?,
                            description: r.try_get(1)?,
                            from: r.try_get(2)?,
                            to: r.try_get(3)?,
                            recorded_by: r.try_get(4)?,
                            id: r.try_get(5)?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                    let languages = sqlx::query(&format!(
                        "SELECT l.language, l.mother_tongue, l.interpreter, l.id \
                         FROM participant_languages l WHERE l.participant_id = $1 AND {} \
                         ORDER BY l.id",
                        shown("sprak", "l")
                    ))
                    .bind(participant.0)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(StoredLanguage {
                            language: r.try_get(0)?,
                            mother_tongue: r.try_get(1)?,
                            interpreter: r.try_get(2)?,
                            id: r.try_get(3)?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                    Ok(StoredIntake {
                        needs,
                        measures,
                        languages,
                    })
                }

                async fn screenings(
                    &self,
                    participant: ParticipantId,
                    fields: &[&str],
                ) -> Result<Vec<StoredScreening>> {
                    if fields.is_empty() {
                        return Ok(Vec::new());
                    }
                    // Only the fields asked for leave the database.
                    let marks: Vec<String> =
                        (0..fields.len()).map(|i| format!("${}", i + 2)).collect();
                    let sql = format!(
                        "SELECT s.field, s.finding, s.note, {WHO}, s.recorded_at \
                         FROM screenings s JOIN users u ON u.id = s.recorded_by \
                         WHERE s.participant_id = $1 AND s.field IN ({}) \
                         AND s.id = (SELECT MAX(s2.id) FROM screenings s2 \
                         WHERE s2.participant_id = s.participant_id AND s2.field = s.field) \
                         ORDER BY s.id",
                        marks.join(", ")
                    );
                    let mut q = sqlx::query(&sql).bind(participant.0);
                    for f in fields {
                        q = q.bind(*f);
                    }
                    q.fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(|r| {
                            Ok(StoredScreening {
                                field: r.try_get(0)?,
                                finding: r.try_get(1)?,
                                note: r.try_get(2)?,
                                recorded_by: r.try_get(3)?,
                                recorded_at: r.try_get(4)?,
                            })
                        })
                        .collect()
                }

                async fn share_need(
                    &self,
                    participant: ParticipantId,
                    need: &NeedItem,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO need_items (participant_id, item, legal_basis, purpose, \
                         content, shared_by, shared_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(participant.0)
                    .bind(need.item.code)
                    .bind(need.basis.code)
                    .bind(need.purpose)
                    .bind(&need.content)
                    .bind(by.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn record_screening(
                    &self,
                    participant: ParticipantId,
                    screening: &[Screening],
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    for s in screening {
                        sqlx::query(
                            "INSERT INTO screenings (participant_id, field, finding, note, \
                             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(participant.0)
                        .bind(s.field.code())
                        .bind(s.finding.code())
                        .bind(s.note.as_deref())
                        .bind(by.0)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn record_measure(
                    &self,
                    participant: ParticipantId,
                    m: &EarlierMeasure,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO earlier_measures (participant_id, kind, description, \
                         from_date, to_date, recorded_by, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(participant.0)
                    .bind(m.kind.code())
                    .bind(&m.description)
                    .bind(m.from)
                    .bind(m.to)
                    .bind(by.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn record_language(
                    &self,
                    participant: ParticipantId,
                    l: &Language,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO participant_languages (participant_id, language, \
                         mother_tongue, interpreter, recorded_by, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(participant.0)
                    .bind(&l.language)
                    .bind(l.mother_tongue)
                    .bind(l.interpreter)
                    .bind(by.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn withdraw_intake(
                    &self,
                    participant: ParticipantId,
                    kind: Withdrawable,
                    record: i64,
                    reason: &str,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let table = match kind {
                        Withdrawable::Need => "need_items",
                        Withdrawable::Measure => "earlier_measures",
                        Withdrawable::Language => "participant_languages",
                    };
                    // Only a record of this participant, and only once.
                    let sql = format!(
                        "INSERT INTO intake_withdrawals (kind, record_id, participant_id, reason, \
                         withdrawn_by, withdrawn_at) \
                         SELECT $1, t.id, t.participant_id, $4, $5, $6 FROM {table} t \
                         WHERE t.id = $2 AND t.participant_id = $3 ON CONFLICT DO NOTHING"
                    );
                    let written = sqlx::query(&sql)
                        .bind(kind.code())
                        .bind(record)
                        .bind(participant.0)
                        .bind(reason)
                        .bind(by.0)
                        .bind(at)
                        .execute(&self.pool)
                        .await?
                        .rows_affected();
                    Ok(written == 1)
                }
            }
        };
    };
}

pub(crate) use impl_intake_store;
