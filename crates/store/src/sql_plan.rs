//! [`crate::plan::PlanStore`] in SQL (migration 0027), expanded per database by
//! [`impl_plan_store!`].

/// Implements [`crate::plan::PlanStore`] for `$store`.
macro_rules! impl_plan_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::ids::{ParticipantId, UserId};
            use effekt_domain::plan::{Approval, Plan};
            use sqlx::Row;

            use $crate::error::Result;
            use $crate::plan::{PlanBundle, PlanStore, StoredApproval, StoredLearningTask, StoredPlan};

            #[async_trait]
            impl PlanStore for $store {
                async fn plans(&self, participant: ParticipantId) -> Result<Vec<StoredPlan>> {
                    let rows = sqlx::query(
                        "SELECT p.id, p.version, p.track, p.days_per_week, p.remote_days, \
                         p.valid_from, w.display_name || ' (' || w.username || ')', p.written_at, \
                         a.how, a.reason, r.display_name || ' (' || r.username || ')', a.recorded_at \
                         FROM plans p JOIN users w ON w.id = p.written_by \
                         LEFT JOIN plan_approvals a ON a.plan_id = p.id \
                         LEFT JOIN users r ON r.id = a.recorded_by \
                         WHERE p.participant_id = $1 ORDER BY p.version DESC",
                    )
                    .bind(participant.0)
                    .fetch_all(&self.pool)
                    .await?;
                    let modules = sqlx::query(
                        "SELECT m.plan_id, m.module FROM plan_modules m \
                         JOIN plans p ON p.id = m.plan_id WHERE p.participant_id = $1 \
                         ORDER BY m.plan_id, m.module",
                    )
                    .bind(participant.0)
                    .fetch_all(&self.pool)
                    .await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for r in rows {
                        let id: i64 = r.try_get(0)?;
                        let how: Option<String> = r.try_get(8)?;
                        let approval = match how {
                            Some(how) => Some(StoredApproval {
                                how,
                                reason: r.try_get(9)?,
                                recorded_by: r.try_get(10)?,
                                recorded_at: r.try_get(11)?,
                            }),
                            None => None,
                        };
                        let mut mine = Vec::new();
                        for m in &modules {
                            if m.try_get::<i64, _>(0)? == id {
                                mine.push(m.try_get(1)?);
                            }
                        }
                        out.push(StoredPlan {
                            id,
                            version: r.try_get::<i32, _>(1)?.into(),
                            track: r.try_get(2)?,
                            modules: mine,
                            days_per_week: r.try_get::<i32, _>(3)?.into(),
                            remote_days: r.try_get::<i32, _>(4)?.into(),
                            valid_from: r.try_get(5)?,
                            written_by: r.try_get(6)?,
                            written_at: r.try_get(7)?,
                            approval,
                        });
                    }
                    Ok(out)
                }

                async fn write_plan(
                    &self,
                    participant: ParticipantId,
                    plan: &Plan,
                    newest: i64,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<Option<i64>> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let stored: Option<i32> = sqlx::query_scalar(
                        "SELECT MAX(version) FROM plans WHERE participant_id = $1",
                    )
                    .bind(participant.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    if i64::from(stored.unwrap_or(0)) != newest {
                        return Ok(None);
                    }
                    let version = i32::try_from(newest + 1).unwrap_or(i32::MAX);
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO plans (participant_id, version, track, days_per_week, \
                         remote_days, valid_from, written_by, written_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(participant.0)
                    .bind(version)
                    .bind(plan.track.code())
                    .bind(i32::from(plan.days_per_week))
                    .bind(i32::from(plan.remote_days))
                    .bind(plan.valid_from)
                    .bind(by.0)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    for m in &plan.modules {
                        sqlx::query("INSERT INTO plan_modules (plan_id, module) VALUES ($1, $2)")
                            .bind(id)
                            .bind(m.code)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(Some(id))
                }

                async fn approve_plan(
                    &self,
                    plan: i64,
                    approval: Approval,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let (how, reason) = match approval {
                        Approval::InPerson => ("SELV", None),
                        Approval::OnBehalf(r) => ("PA_VEGNE", Some(r.code())),
                    };
                    let done = sqlx::query(
                        "INSERT INTO plan_approvals (plan_id, how, reason, recorded_by, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (plan_id) DO NOTHING",
                    )
                    .bind(plan)
                    .bind(how)
                    .bind(reason)
                    .bind(by.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn learning_tasks(
                    &self,
                    participant: ParticipantId,
                ) -> Result<Vec<StoredLearningTask>> {
                    let rows = sqlx::query(
                        "SELECT t.id, t.task, t.assigned_on, \
                         a.display_name || ' (' || a.username || ')', c.completed_on, \
                         u.display_name || ' (' || u.username || ')' \
                         FROM learning_tasks t JOIN users a ON a.id = t.assigned_by \
                         LEFT JOIN learning_task_completions c ON c.task_id = t.id \
                         LEFT JOIN users u ON u.id = c.recorded_by \
                         WHERE t.participant_id = $1 ORDER BY t.id",
                    )
                    .bind(participant.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let on: Option<NaiveDate> = r.try_get(4)?;
                            let who: Option<String> = r.try_get(5)?;
                            Ok(StoredLearningTask {
                                id: r.try_get(0)?,
                                task: r.try_get(1)?,
                                assigned_on: r.try_get(2)?,
                                assigned_by: r.try_get(3)?,
                                completed: on.zip(who),
                            })
                        })
                        .collect()
                }

                async fn assign_learning_task(
                    &self,
                    participant: ParticipantId,
                    task: &str,
                    on: NaiveDate,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO learning_tasks (participant_id, task, assigned_on, \
                         assigned_by, assigned_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(participant.0)
                    .bind(task)
                    .bind(on)
                    .bind(by.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn complete_learning_task(
                    &self,
                    task: i64,
                    on: NaiveDate,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let done = sqlx::query(
                        "INSERT INTO learning_task_completions (task_id, completed_on, \
                         recorded_by, recorded_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (task_id) DO NOTHING",
                    )
                    .bind(task)
                    .bind(on)
                    .bind(by.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn insert_plans(
                    &self,
                    bundles: &[PlanBundle],
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    self.insert_plans_bulk(bundles, at).await
                }
            }
        };
    };
}

pub(crate) use impl_plan_store;
