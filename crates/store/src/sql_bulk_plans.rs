//! The bulk write of many participants' plans (the demo at 100,000 participants), expanded
//! per database by [`impl_bulk_plans!`]: keys given in the transaction, multi-row inserts in
//! batches, the key sequences moved on after (PostgreSQL), all or nothing.

/// Adds `insert_plans_bulk` to `$store`.
macro_rules! impl_bulk_plans {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::plan::Approval;

            use $crate::error::Result;
            use $crate::plan::PlanBundle;
            use $crate::sql_bulk::bulk;

            impl $store {
                pub(crate) async fn insert_plans_bulk(
                    &self,
                    bundles: &[PlanBundle],
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    Self::before_bulk_insert(&mut tx).await?;
                    let mut plan: i64 =
                        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM plans")
                            .fetch_one(&mut *tx)
                            .await?;
                    let mut task: i64 =
                        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM learning_tasks")
                            .fetch_one(&mut *tx)
                            .await?;
                    let (mut plans, mut modules, mut approvals) = (Vec::new(), Vec::new(), Vec::new());
                    let (mut tasks, mut completions) = (Vec::new(), Vec::new());
                    for b in bundles {
                        for (n, v) in b.versions.iter().enumerate() {
                            plan += 1;
                            let version = i32::try_from(n + 1).unwrap_or(i32::MAX);
                            plans.push((plan, b, version, v));
                            modules.extend(v.modules.iter().map(|m| (plan, m.code)));
                            if n == 0 {
                                if let Some(a) = b.approval {
                                    approvals.push((plan, a, b.by));
                                }
                            }
                        }
                        for (code, given, done) in &b.tasks {
                            task += 1;
                            tasks.push((task, b, *code, *given));
                            if let Some(on) = done {
                                completions.push((task, *on, b.by));
                            }
                        }
                    }
                    bulk!($db, tx, "INSERT INTO plans (id, participant_id, version, track, days_per_week, remote_days, valid_from, written_by, written_at) ", plans, |q, p| {
                        let (id, b, version, v) = p;
                        q.push_bind(*id).push_bind(b.participant.0).push_bind(*version)
                            .push_bind(v.track.code()).push_bind(i32::from(v.days_per_week))
                            .push_bind(i32::from(v.remote_days)).push_bind(v.valid_from)
                            .push_bind(b.by.0).push_bind(at);
                    });
                    bulk!($db, tx, "INSERT INTO plan_modules (plan_id, module) ", modules, |q, m| {
                        q.push_bind(m.0).push_bind(m.1);
                    });
                    bulk!($db, tx, "INSERT INTO plan_approvals (plan_id, how, reason, recorded_by, recorded_at) ", approvals, |q, a| {
                        let (how, reason) = match a.1 {
                            Approval::InPerson => ("SELV", None),
                            Approval::OnBehalf(r) => ("PA_VEGNE", Some(r.code())),
                        };
                        q.push_bind(a.0).push_bind(how).push_bind(reason).push_bind(a.2 .0).push_bind(at);
                    });
                    bulk!($db, tx, "INSERT INTO learning_tasks (id, participant_id, task, assigned_on, assigned_by, assigned_at) ", tasks, |q, t| {
                        let (id, b, code, given) = t;
                        q.push_bind(*id).push_bind(b.participant.0).push_bind(*code)
                            .push_bind(*given).push_bind(b.by.0).push_bind(at);
                    });
                    bulk!($db, tx, "INSERT INTO learning_task_completions (task_id, completed_on, recorded_by, recorded_at) ", completions, |q, c| {
                        let (id, on, by): &(i64, NaiveDate, effekt_domain::ids::UserId) = c;
                        q.push_bind(*id).push_bind(*on).push_bind(by.0).push_bind(at);
                    });
                    Self::after_bulk_insert(&mut tx).await?;
                    tx.commit().await?;
                    self.after_bulk_commit().await?;
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use impl_bulk_plans;
