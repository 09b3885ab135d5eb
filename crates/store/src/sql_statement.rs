//! Payment statements in SQL, expanded per database by [`impl_statement_store!`]. All three
//! tables are append-only (the migration's triggers): a draft computed again is withdrawn by an
//! event, and a step is an event whose number makes concurrent duplicates fail.

/// Adds the statement methods to `$store`; the [`crate::Store`] implementation calls them.
macro_rules! impl_statement_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::NaiveDate;
            use effekt_domain::contract::ledger::LineKind;
            use effekt_domain::contract::statement::{Event, Step};
            use effekt_domain::ids::{ContractId, PersonKey, ProviderId, UserId};
            use effekt_domain::money::Nok;
            use effekt_domain::role::Role;
            use sqlx::Row;

            use $crate::error::{corrupt, Result, StoreError};
            use $crate::sql_parts as s;
            use $crate::model::{
                LinesHead, NewStatement, OutcomeTotal, StatementEventRecord, StatementLineRecord,
                StatementRecord,
            };

            const STATEMENT_COLUMNS: &str = "id, contract_id, period, period_start, versions, \
                 snapshot, total_ore, computed_at";

            fn statement_row(row: &<$db as sqlx::Database>::Row) -> Result<StatementRecord> {
                Ok(StatementRecord {
                    id: row.try_get(0)?,
                    contract: ContractId(row.try_get(1)?),
                    period: row.try_get(2)?,
                    period_start: row.try_get(3)?,
                    versions: row.try_get(4)?,
                    snapshot: row.try_get(5)?,
                    total: Nok::from_ore(row.try_get(6)?),
                    computed_at: row.try_get(7)?,
                    events: Vec::new(),
                })
            }

            /// The columns [`line_from_row`] reads, after the statement id.
            const LINE_COLUMNS: &str = "statement_id, participant, person_key, provider_id, \
                 outcome, achievement_date, occurrence, kind, adjustment, magnitude, amount_ore, \
                 evidence, contract_version";

            fn line_from_row(row: &<$db as sqlx::Database>::Row) -> Result<StatementLineRecord> {
                let kind: String = row.try_get(7)?;
                let magnitude: Option<String> = row.try_get(9)?;
                let occurrence: i64 = row.try_get(6)?;
                let version: Option<i64> = row.try_get(12)?;
                Ok(StatementLineRecord {
                    participant: row.try_get(1)?,
                    person: row.try_get::<Option<i64>, _>(2)?.map(PersonKey),
                    provider: row.try_get::<Option<i64>, _>(3)?.map(ProviderId),
                    outcome: row.try_get(4)?,
                    date: row.try_get::<NaiveDate, _>(5)?,
                    occurrence: u32::try_from(occurrence).map_err(corrupt)?,
                    kind: LineKind::from_code(&kind)
                        .ok_or_else(|| corrupt(format!("line kind {kind:?}")))?,
                    adjustment: row.try_get(8)?,
                    magnitude: magnitude
                        .map(|m| m.parse().map_err(corrupt))
                        .transpose()?,
                    amount: Nok::from_ore(row.try_get(10)?),
                    evidence: row.try_get(11)?,
                    version: version
                        .map(|v| u32::try_from(v).map_err(corrupt))
                        .transpose()?,
                })
            }

            fn seq(n: usize) -> i64 {
                i64::try_from(n).unwrap_or(i64::MAX)
            }

            impl $store {
                /// Adds the events of `all` from one query; `which` selects them (`$1` is
                /// `key`): by contract, or by statement.
                async fn with_events(
                    &self,
                    mut all: Vec<StatementRecord>,
                    which: &str,
                    key: i64,
                ) -> Result<Vec<StatementRecord>> {
                    let rows = sqlx::query(&format!(
                        "SELECT e.statement_id, e.step, e.user_id, e.role, e.at, u.display_name, \
                         e.reason FROM statement_events e JOIN users u ON u.id = e.user_id \
                         JOIN statements s ON s.id = e.statement_id \
                         WHERE {which} = $1 ORDER BY e.statement_id, e.seq"
                    ))
                    .bind(key)
                    .fetch_all(&self.pool)
                    .await?;
                    for row in rows {
                        let id: i64 = row.try_get(0)?;
                        let step: String = row.try_get(1)?;
                        let role: String = row.try_get(3)?;
                        let Some(s) = all.iter_mut().find(|s| s.id == id) else {
                            continue;
                        };
                        s.events.push(StatementEventRecord {
                            event: Event {
                                step: Step::from_code(&step)
                                    .ok_or_else(|| corrupt(format!("step {step:?}")))?,
                                by: UserId(row.try_get(2)?),
                                role: Role::from_code(&role)
                                    .ok_or_else(|| corrupt(format!("role {role:?}")))?,
                                at: row.try_get(4)?,
                            },
                            user_name: row.try_get(5)?,
                            reason: row.try_get(6)?,
                        });
                    }
                    Ok(all)
                }

                pub(crate) async fn statements_sql(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<StatementRecord>> {
                    let rows = sqlx::query(&format!(
                        "SELECT {STATEMENT_COLUMNS} FROM statements WHERE contract_id = $1 \
                         ORDER BY period_start, id"
                    ))
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    let all = rows.iter().map(statement_row).collect::<Result<Vec<_>>>()?;
                    self.with_events(all, "s.contract_id", contract.0).await
                }

                pub(crate) async fn statement_sql(&self, id: i64) -> Result<Option<StatementRecord>> {
                    let row = sqlx::query(&format!(
                        "SELECT {STATEMENT_COLUMNS} FROM statements WHERE id = $1"
                    ))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    Ok(self
                        .with_events(vec![statement_row(&row)?], "s.id", id)
                        .await?
                        .pop())
                }

                pub(crate) async fn statement_lines_sql(
                    &self,
                    statements: &[i64],
                    provider: Option<ProviderId>,
                ) -> Result<Vec<(i64, StatementLineRecord)>> {
                    if statements.is_empty() {
                        return Ok(Vec::new());
                    }
                    // One query for all of them; `$1` is the provider, `$2…` the statements.
                    let list: Vec<String> =
                        (0..statements.len()).map(|i| format!("${}", i + 2)).collect();
                    let sql = format!(
                        "SELECT {LINE_COLUMNS} FROM statement_lines \
                         WHERE statement_id IN ({}) AND ($1 IS NULL OR provider_id = $1) \
                         ORDER BY statement_id, seq",
                        list.join(", ")
                    );
                    let mut query = sqlx::query(&sql).bind(provider.map(|p| p.0));
                    for id in statements {
                        query = query.bind(*id);
                    }
                    let rows = query.fetch_all(&self.pool).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for row in &rows {
                        out.push((row.try_get::<i64, _>(0)?, line_from_row(row)?));
                    }
                    // In the order the statements were asked for.
                    out.sort_by_key(|(id, _)| statements.iter().position(|s| s == id));
                    Ok(out)
                }

                pub(crate) async fn statement_lines_head_sql(
                    &self,
                    statement: i64,
                    provider: Option<ProviderId>,
                    limit: usize,
                ) -> Result<LinesHead> {
                    let provider = provider.map(|p| p.0);
                    let rows = sqlx::query(&format!(
                        "SELECT {LINE_COLUMNS} FROM statement_lines \
                         WHERE statement_id = $1 AND ($2 IS NULL OR provider_id = $2) \
                         ORDER BY seq LIMIT $3"
                    ))
                    .bind(statement)
                    .bind(provider)
                    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                    .fetch_all(&self.pool)
                    .await?;
                    // Cast back: PostgreSQL sums BIGINT as NUMERIC.
                    let (count, sum): (i64, Option<i64>) = sqlx::query_as(
                        "SELECT COUNT(*), CAST(SUM(amount_ore) AS BIGINT) FROM statement_lines \
                         WHERE statement_id = $1 AND ($2 IS NULL OR provider_id = $2)",
                    )
                    .bind(statement)
                    .bind(provider)
                    .fetch_one(&self.pool)
                    .await?;
                    Ok(LinesHead {
                        lines: rows.iter().map(line_from_row).collect::<Result<_>>()?,
                        count: u64::try_from(count).map_err(corrupt)?,
                        total: Nok::from_ore(sum.unwrap_or(0)),
                    })
                }

                pub(crate) async fn statement_outcome_totals_sql(
                    &self,
                    statements: &[i64],
                    provider: Option<ProviderId>,
                ) -> Result<Vec<OutcomeTotal>> {
                    if statements.is_empty() {
                        return Ok(Vec::new());
                    }
                    let list: Vec<String> =
                        (0..statements.len()).map(|i| format!("${}", i + 2)).collect();
                    // Outcomes in the order their first line stands on the statement.
                    let sql = format!(
                        "SELECT statement_id, outcome, COUNT(DISTINCT participant), \
                         CAST(SUM(amount_ore) AS BIGINT), MIN(seq) AS first FROM statement_lines \
                         WHERE statement_id IN ({}) AND ($1 IS NULL OR provider_id = $1) \
                         GROUP BY statement_id, outcome ORDER BY statement_id, first",
                        list.join(", ")
                    );
                    let mut query = sqlx::query(&sql).bind(provider.map(|p| p.0));
                    for id in statements {
                        query = query.bind(*id);
                    }
                    let rows = query.fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| {
                            Ok(OutcomeTotal {
                                statement: r.try_get(0)?,
                                outcome: r.try_get(1)?,
                                participants: u64::try_from(r.try_get::<i64, _>(2)?)
                                    .map_err(corrupt)?,
                                amount: Nok::from_ore(r.try_get::<Option<i64>, _>(3)?.unwrap_or(0)),
                            })
                        })
                        .collect()
                }

                /// The statement of `period` that is not withdrawn, inside `tx`.
                async fn current_in(
                    tx: &mut sqlx::Transaction<'_, $db>,
                    contract: ContractId,
                    period: &str,
                ) -> Result<Option<i64>> {
                    Ok(sqlx::query_scalar(
                        "SELECT s.id FROM statements s WHERE s.contract_id = $1 AND s.period = $2 \
                         AND NOT EXISTS (SELECT 1 FROM statement_events e \
                                         WHERE e.statement_id = s.id AND e.step = 'withdraw') \
                         ORDER BY s.id DESC LIMIT 1",
                    )
                    .bind(contract.0)
                    .bind(period)
                    .fetch_optional(&mut **tx)
                    .await?)
                }

                pub(crate) async fn add_statement_sql(
                    &self,
                    new: &NewStatement,
                    replaces: Option<(i64, usize)>,
                ) -> Result<i64> {
                    let changed = || {
                        StoreError::Conflict(format!(
                            "the statement for {} changed meanwhile; reload and try again",
                            new.period
                        ))
                    };
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // Serialises statements per contract (a row lock in PostgreSQL; SQLite's
                    // write transaction already holds the database).
                    sqlx::query("UPDATE contracts SET id = id WHERE id = $1")
                        .bind(new.contract.0)
                        .execute(&mut *tx)
                        .await?;
                    let current = Self::current_in(&mut tx, new.contract, &new.period).await?;
                    if current != replaces.map(|r| r.0) {
                        return Err(changed());
                    }
                    if let Some((old, seen)) = replaces {
                        // The draft must still be as the caller saw it (not approved since).
                        let taken: i64 = sqlx::query_scalar(
                            "SELECT COUNT(*) FROM statement_events WHERE statement_id = $1",
                        )
                        .bind(old)
                        .fetch_one(&mut *tx)
                        .await?;
                        if usize::try_from(taken).ok() != Some(seen) {
                            return Err(changed());
                        }
                        insert_event(&mut tx, old, taken, &Event {
                            step: Step::Withdraw,
                            ..new.computed
                        }, new.replaces_because.as_deref())
                        .await
                        .map_err(|e| match e {
                            StoreError::Database(sqlx::Error::Database(d))
                                if d.is_unique_violation() =>
                            {
                                changed()
                            }
                            e => e,
                        })?;
                    }
                    let total = Nok::sum(new.lines.iter().map(|l| l.amount))?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO statements (contract_id, period, period_start, versions, \
                         snapshot, total_ore, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         RETURNING id",
                    )
                    .bind(new.contract.0)
                    .bind(&new.period)
                    .bind(new.period_start)
                    .bind(&new.versions)
                    .bind(&new.snapshot)
                    .bind(total.ore())
                    .bind(new.computed.at)
                    .fetch_one(&mut *tx)
                    .await?;
                    for (n, l) in new.lines.iter().enumerate() {
                        sqlx::query(
                            "INSERT INTO statement_lines (statement_id, seq, participant, person_key, \
                             provider_id, outcome, achievement_date, occurrence, kind, adjustment, \
                             magnitude, amount_ore, evidence, contract_version) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                        )
                        .bind(id)
                        .bind(seq(n))
                        .bind(&l.participant)
                        .bind(l.person.map(|p| p.0))
                        .bind(l.provider.map(|p| p.0))
                        .bind(&l.outcome)
                        .bind(l.date)
                        .bind(i64::from(l.occurrence))
                        .bind(l.kind.code())
                        .bind(l.adjustment)
                        .bind(l.magnitude.map(|m| m.to_string()))
                        .bind(l.amount.ore())
                        .bind(&l.evidence)
                        .bind(l.version.map(i64::from))
                        .execute(&mut *tx)
                        .await?;
                    }
                    insert_event(&mut tx, id, 0, &new.computed, None).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                pub(crate) async fn statement_payment_sql(
                    &self,
                    statement: i64,
                ) -> Result<Option<(chrono::NaiveDate, String)>> {
                    let row = sqlx::query(
                        "SELECT paid_on, reference FROM statement_payments WHERE statement_id = $1",
                    )
                    .bind(statement)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(match row {
                        Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
                        None => None,
                    })
                }

                pub(crate) async fn add_statement_event_sql(
                    &self,
                    statement: i64,
                    taken_before: usize,
                    event: &Event,
                    payment: Option<(chrono::NaiveDate, &str)>,
                    comment: Option<&str>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    if let Some((paid_on, reference)) = payment {
                        sqlx::query(
                            "INSERT INTO statement_payments (statement_id, paid_on, reference) \
                             VALUES ($1, $2, $3)",
                        )
                        .bind(statement)
                        .bind(paid_on)
                        .bind(reference)
                        .execute(&mut *tx)
                        .await?;
                    }
                    insert_event(&mut tx, statement, seq(taken_before), event, comment)
                        .await
                        .map_err(|e| match e {
                            StoreError::Database(sqlx::Error::Database(d))
                                if d.is_unique_violation() =>
                            {
                                StoreError::Conflict(
                                    "someone else took a step on this statement meanwhile; reload"
                                        .into(),
                                )
                            }
                            e => e,
                        })?;
                    tx.commit().await?;
                    Ok(())
                }
            }

            async fn insert_event(
                tx: &mut sqlx::Transaction<'_, $db>,
                statement: i64,
                seq: i64,
                event: &Event,
                reason: Option<&str>,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO statement_events (statement_id, seq, step, user_id, role, at, \
                     reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(statement)
                .bind(seq)
                .bind(event.step.code())
                .bind(event.by.0)
                .bind(event.role.code())
                .bind(event.at)
                .bind(reason)
                .execute(&mut **tx)
                .await?;
                sqlx::query(s::BUMP_WORKFLOW).execute(&mut **tx).await?;
                Ok(())
            }
        };
    };
}

pub(crate) use impl_statement_store;
