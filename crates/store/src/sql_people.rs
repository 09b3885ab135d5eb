//! Changes to a person, expanded per database by [`impl_people_store!`]: protection, a new
//! national id, and id changes that wait for a second Nav user. Each refreshes the list's sort
//! key and moves the store generation, since outcomes and payments are computed through a
//! person's ids.

/// Adds the person-changing methods to `$store`; the [`crate::Store`] implementation calls them.
macro_rules! impl_people_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::ids::{PersonKey, UserId};
            use effekt_domain::national_id::NationalId;
            use effekt_domain::participant::StatusHistory;
            use effekt_domain::person::{IdHistory, Protection};
            use sqlx::Row;

            use $crate::error::{corrupt, Result, StoreError};
            use $crate::model::IdChangeRequest;
            use $crate::sql_parts as s;

            impl $store {
                /// The person's national ids over time, oldest first.
                pub(crate) async fn id_history(&self, person: i64) -> Result<IdHistory> {
                    let rows = sqlx::query(
                        "SELECT national_id, valid_from FROM person_ids \
                         WHERE person_key = $1 ORDER BY valid_from, national_id",
                    )
                    .bind(person)
                    .fetch_all(&self.pool)
                    .await?;
                    let records = rows
                        .iter()
                        .map(|r| s::id_record(&r.try_get::<String, _>(0)?, r.try_get(1)?))
                        .collect::<Result<Vec<_>>>()?;
                    IdHistory::new(records).map_err(corrupt)
                }

                /// The participant's statuses over time, oldest first.
                pub(crate) async fn status_history(&self, participant: i64) -> Result<StatusHistory> {
                    let rows = sqlx::query(
                        "SELECT status, end_reason, description, valid_from, valid_to \
                         FROM participant_statuses WHERE participant_id = $1 ORDER BY seq",
                    )
                    .bind(participant)
                    .fetch_all(&self.pool)
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
                    StatusHistory::new(periods).map_err(corrupt)
                }

                pub(crate) async fn set_protection_sql(
                    &self,
                    person: PersonKey,
                    protection: Protection,
                ) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    let done = sqlx::query("UPDATE persons SET protection = $1 WHERE key = $2")
                        .bind(protection.code())
                        .bind(person.0)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict(format!("no person {person}")));
                    }
                    sqlx::query(s::REFRESH_SORT_KEY)
                        .bind(person.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }

                /// Adds `id` to the person's history inside `tx`: the person keeps its key, the
                /// search text and sort key follow, and the generation moves.
                async fn apply_id_change_in(
                    &self,
                    tx: &mut sqlx::Transaction<'_, $db>,
                    person: PersonKey,
                    id: &NationalId,
                    valid_from: NaiveDate,
                ) -> Result<()> {
                    let history = self
                        .id_history(person.0)
                        .await?
                        .with_change(id.clone(), valid_from)
                        .map_err(StoreError::IdHistory)?;
                    sqlx::query(
                        "INSERT INTO person_ids (person_key, national_id, kind, valid_from) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(person.0)
                    .bind(id.to_string())
                    .bind(id.kind().code())
                    .bind(valid_from)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::IdTaken,
                        _ => StoreError::Database(e),
                    })?;
                    let names: (String, String) = sqlx::query_as(
                        "SELECT family_name, given_name FROM persons WHERE key = $1",
                    )
                    .bind(person.0)
                    .fetch_one(&mut **tx)
                    .await?;
                    sqlx::query("UPDATE persons SET search_text = $1 WHERE key = $2")
                        .bind(s::search_text(&names.0, &names.1, &history))
                        .bind(person.0)
                        .execute(&mut **tx)
                        .await?;
                    sqlx::query(s::REFRESH_SORT_KEY)
                        .bind(person.0)
                        .execute(&mut **tx)
                        .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut **tx).await?;
                    Ok(())
                }

                pub(crate) async fn change_national_id_sql(
                    &self,
                    person: PersonKey,
                    id: &NationalId,
                    valid_from: NaiveDate,
                ) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    self.apply_id_change_in(&mut tx, person, id, valid_from).await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn person_holding_sql(
                    &self,
                    id: &NationalId,
                ) -> Result<Option<PersonKey>> {
                    let key: Option<i64> = sqlx::query_scalar(
                        "SELECT person_key FROM person_ids WHERE national_id = $1",
                    )
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(key.map(PersonKey))
                }

                pub(crate) async fn request_id_change_sql(
                    &self,
                    person: PersonKey,
                    id: &NationalId,
                    valid_from: NaiveDate,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<i64> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // One request at a time per person: the row lock serialises PostgreSQL
                    // (SQLite's write transaction already holds the database).
                    sqlx::query("UPDATE persons SET key = key WHERE key = $1")
                        .bind(person.0)
                        .execute(&mut *tx)
                        .await?;
                    let waiting: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM id_change_requests r WHERE r.person_key = $1 \
                         AND NOT EXISTS (SELECT 1 FROM id_change_decisions d WHERE d.request_id = r.id)",
                    )
                    .bind(person.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    if waiting > 0 {
                        return Err(StoreError::Conflict(format!(
                            "an id change for person {person} waits already"
                        )));
                    }
                    let request: i64 = sqlx::query_scalar(
                        "INSERT INTO id_change_requests (person_key, national_id, valid_from, \
                         requested_by, requested_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(person.0)
                    .bind(id.to_string())
                    .bind(valid_from)
                    .bind(by.0)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(request)
                }

                pub(crate) async fn id_change_requests_sql(
                    &self,
                    person: PersonKey,
                ) -> Result<Vec<IdChangeRequest>> {
                    let rows = sqlx::query(
                        "SELECT r.id, r.national_id, r.valid_from, r.requested_by, u.display_name, \
                         r.requested_at, d.confirmed, d.decided_by, d.decided_at \
                         FROM id_change_requests r JOIN users u ON u.id = r.requested_by \
                         LEFT JOIN id_change_decisions d ON d.request_id = r.id \
                         WHERE r.person_key = $1 ORDER BY r.id",
                    )
                    .bind(person.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let id: String = r.try_get(1)?;
                            let confirmed: Option<bool> = r.try_get(6)?;
                            let decided_by: Option<i64> = r.try_get(7)?;
                            let decided_at: Option<DateTime<Utc>> = r.try_get(8)?;
                            Ok(IdChangeRequest {
                                id: r.try_get(0)?,
                                person,
                                national_id: NationalId::parse(&id).map_err(corrupt)?,
                                valid_from: r.try_get(2)?,
                                requested_by: UserId(r.try_get(3)?),
                                requested_by_name: r.try_get(4)?,
                                requested_at: r.try_get(5)?,
                                decision: match (confirmed, decided_by, decided_at) {
                                    (Some(c), Some(by), Some(at)) => Some((c, UserId(by), at)),
                                    _ => None,
                                },
                            })
                        })
                        .collect()
                }

                pub(crate) async fn decide_id_change_sql(
                    &self,
                    request: &IdChangeRequest,
                    confirmed: bool,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    sqlx::query(
                        "INSERT INTO id_change_decisions (request_id, confirmed, decided_by, \
                         decided_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(request.id)
                    .bind(confirmed)
                    .bind(by.0)
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(
                            format!("id change {} is decided already", request.id),
                        ),
                        _ => StoreError::Database(e),
                    })?;
                    if confirmed {
                        self.apply_id_change_in(
                            &mut tx,
                            request.person,
                            &request.national_id,
                            request.valid_from,
                        )
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use impl_people_store;
