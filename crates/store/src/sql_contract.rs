//! Contract terms in SQL, expanded per database by [`impl_contract_store!`]: each import of a
//! contract file is a new version in force; amendments are proposed versions that come into
//! force when the parties have approved them (the rules are the domain's; this keeps the
//! record). The newest version in force's outcome definitions are what the product judges
//! participants by.

/// Adds the contract-version methods to `$store`; the [`crate::Store`] implementation calls them.
macro_rules! impl_contract_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use effekt_domain::contract::terms::ContractTerms;
            use effekt_domain::contract::amendment::{Decision, PartyDecision, PartyKey, VersionState};
            use effekt_domain::contract::terms::PartyRole;
            use effekt_domain::ids::{ContractId, UserId};
            use effekt_domain::orgnr::OrgNr;

            use $crate::model::{ContractVersionRecord, Proposal};
            use sqlx::Row;

            use $crate::error::{corrupt, Result, StoreError};
            use $crate::sql_parts as s;

            /// Serialises changes per contract (a row lock in PostgreSQL; SQLite's write
            /// transaction already holds the database).
            async fn lock_contract(
                tx: &mut sqlx::Transaction<'_, $db>,
                contract: ContractId,
            ) -> Result<()> {
                sqlx::query("UPDATE contracts SET id = id WHERE id = $1")
                    .bind(contract.0)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            async fn insert_decision(
                tx: &mut sqlx::Transaction<'_, $db>,
                contract: ContractId,
                version: i64,
                d: &PartyDecision,
                reason: Option<&str>,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO contract_version_decisions (contract_id, version, party_role, \
                     party_orgnr, user_id, decision, at, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(contract.0)
                .bind(version)
                .bind(d.party.role.code())
                .bind(d.party.orgnr.to_string())
                .bind(d.by.0)
                .bind(d.decision.code())
                .bind(d.at)
                .bind(reason)
                .execute(&mut **tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(
                        "this party has already decided".into(),
                    ),
                    e => e.into(),
                })?;
                sqlx::query(s::BUMP_WORKFLOW).execute(&mut **tx).await?;
                Ok(())
            }

            /// Makes `terms`' outcomes the contract's outcome definitions, inside `tx`.
            async fn set_outcomes_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                contract: ContractId,
                terms: &ContractTerms,
            ) -> Result<()> {
                sqlx::query("DELETE FROM contract_outcomes WHERE contract_id = $1")
                    .bind(contract.0)
                    .execute(&mut **tx)
                    .await?;
                for (seq, o) in terms.outcomes.iter().enumerate() {
                    let definition = serde_json::to_string(&o.definition).map_err(corrupt)?;
                    sqlx::query(
                        "INSERT INTO contract_outcomes (contract_id, seq, name, definition) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(contract.0)
                    .bind(i64::try_from(seq).unwrap_or(i64::MAX))
                    .bind(o.definition.name.as_str())
                    .bind(definition)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            impl $store {
                pub(crate) async fn add_contract_version_sql(
                    &self,
                    contract: Option<ContractId>,
                    terms: &ContractTerms,
                    source: Option<&str>,
                    target_cohort: u32,
                    now: DateTime<Utc>,
                ) -> Result<(ContractId, u32)> {
                    let json = serde_json::to_string(terms).map_err(corrupt)?;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let id = match contract {
                        Some(id) => {
                            let found: Option<i64> =
                                sqlx::query_scalar("SELECT id FROM contracts WHERE id = $1")
                                    .bind(id.0)
                                    .fetch_optional(&mut *tx)
                                    .await?;
                            if found.is_none() {
                                return Err(StoreError::Conflict(format!(
                                    "there is no contract {}",
                                    id.0
                                )));
                            }
                            sqlx::query(
                                "UPDATE contracts SET name = $2, starts = $3, ends = $4 WHERE id = $1",
                            )
                            .bind(id.0)
                            .bind(terms.name.as_str())
                            .bind(terms.starts)
                            .bind(terms.ends)
                            .execute(&mut *tx)
                            .await?;
                            id
                        }
                        None => ContractId(
                            sqlx::query_scalar(
                                "INSERT INTO contracts (name, starts, ends, target_cohort) \
                                 VALUES ($1, $2, $3, $4) RETURNING id",
                            )
                            .bind(terms.name.as_str())
                            .bind(terms.starts)
                            .bind(terms.ends)
                            .bind(i64::from(target_cohort.max(1)))
                            .fetch_one(&mut *tx)
                            .await?,
                        ),
                    };
                    let latest: Option<i64> = sqlx::query_scalar(
                        "SELECT MAX(version) FROM contract_versions WHERE contract_id = $1",
                    )
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    let version = latest.unwrap_or(0) + 1;
                    sqlx::query(
                        "INSERT INTO contract_versions (contract_id, version, terms, imported_at, \
                         state, source) VALUES ($1, $2, $3, $4, 'in_force', $5)",
                    )
                    .bind(id.0)
                    .bind(version)
                    .bind(json)
                    .bind(now)
                    .bind(source)
                    .execute(&mut *tx)
                    .await?;
                    set_outcomes_in(&mut tx, id, terms).await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok((id, u32::try_from(version).map_err(corrupt)?))
                }

                pub(crate) async fn contract_terms_sql(
                    &self,
                    contract: ContractId,
                ) -> Result<Option<(u32, ContractTerms)>> {
                    let row = sqlx::query(
                        "SELECT version, terms FROM contract_versions WHERE contract_id = $1 \
                         AND state = 'in_force' ORDER BY version DESC LIMIT 1",
                    )
                    .bind(contract.0)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    let version = u32::try_from(row.try_get::<i64, _>(0)?).map_err(corrupt)?;
                    let json: String = row.try_get(1)?;
                    let terms = serde_json::from_str(&json).map_err(corrupt)?;
                    Ok(Some((version, terms)))
                }

                pub(crate) async fn contract_versions_sql(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<ContractVersionRecord>> {
                    let rows = sqlx::query(
                        "SELECT v.version, v.terms, v.effective_from, v.state, u.display_name, \
                         v.imported_at, v.source, v.proposed_by, wu.display_name, w.at, w.reason \
                         FROM contract_versions v \
                         LEFT JOIN users u ON u.id = v.proposed_by \
                         LEFT JOIN contract_version_withdrawals w \
                           ON w.contract_id = v.contract_id AND w.version = v.version \
                         LEFT JOIN users wu ON wu.id = w.user_id \
                         WHERE v.contract_id = $1 ORDER BY v.version",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for row in rows {
                        let version: i64 = row.try_get(0)?;
                        let json: String = row.try_get(1)?;
                        let state: String = row.try_get(3)?;
                        out.push(ContractVersionRecord {
                            version: u32::try_from(version).map_err(corrupt)?,
                            terms: serde_json::from_str(&json).map_err(corrupt)?,
                            effective_from: row.try_get(2)?,
                            state: VersionState::from_code(&state)
                                .ok_or_else(|| corrupt(format!("version state {state:?}")))?,
                            proposed_by: row.try_get(4)?,
                            proposer: row.try_get::<Option<i64>, _>(7)?.map(UserId),
                            withdrawal: match row.try_get::<Option<String>, _>(8)? {
                                Some(who) => Some((who, row.try_get(9)?, row.try_get(10)?)),
                                None => None,
                            },
                            stored_at: row.try_get(5)?,
                            source: row.try_get(6)?,
                            decisions: Vec::new(),
                        });
                    }
                    let decisions = sqlx::query(
                        "SELECT d.version, d.party_role, d.party_orgnr, d.user_id, d.decision, d.at, \
                         u.display_name, d.reason FROM contract_version_decisions d \
                         JOIN users u ON u.id = d.user_id WHERE d.contract_id = $1 \
                         ORDER BY d.at, d.party_role, d.party_orgnr",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    for row in decisions {
                        let version: i64 = row.try_get(0)?;
                        let role: String = row.try_get(1)?;
                        let orgnr: String = row.try_get(2)?;
                        let decision: String = row.try_get(4)?;
                        let record = (
                            PartyDecision {
                                party: PartyKey {
                                    role: PartyRole::from_code(&role)
                                        .ok_or_else(|| corrupt(format!("party role {role:?}")))?,
                                    orgnr: OrgNr::parse(&orgnr).map_err(corrupt)?,
                                },
                                by: UserId(row.try_get(3)?),
                                decision: Decision::from_code(&decision)
                                    .ok_or_else(|| corrupt(format!("decision {decision:?}")))?,
                                at: row.try_get(5)?,
                            },
                            row.try_get::<String, _>(6)?,
                            row.try_get::<Option<String>, _>(7)?,
                        );
                        if let Some(v) = out.iter_mut().find(|v| i64::from(v.version) == version) {
                            v.decisions.push(record);
                        }
                    }
                    Ok(out)
                }

                pub(crate) async fn organisation_number_sql(
                    &self,
                    scope: $crate::model::UserScope,
                ) -> Result<Option<String>> {
                    let (table, id) = match scope {
                        $crate::model::UserScope::Provider(p) => ("providers", p.0),
                        $crate::model::UserScope::Investor(i) => ("investors", i.0),
                        _ => return Ok(None),
                    };
                    Ok(sqlx::query_scalar(&format!("SELECT orgnr FROM {table} WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?)
                }

                pub(crate) async fn certify_figure_sql(
                    &self,
                    contract: ContractId,
                    figure: &str,
                    certified: &effekt_domain::contract::cohort::CertifiedFigure,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO certified_figures (contract_id, figure, cohort, cohort_size, \
                         value, certified_by, certified_at, comparison) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(contract.0)
                    .bind(figure)
                    .bind(&certified.cohort)
                    .bind(i64::from(certified.cohort_size))
                    .bind(certified.value.to_string())
                    .bind(by.0)
                    .bind(at)
                    .bind(certified.comparison.map(|c| c.to_string()))
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn certified_figures_sql(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<(effekt_domain::contract::cohort::NamedFigure, DateTime<Utc>)>> {
                    let rows = sqlx::query(
                        "SELECT f.figure, f.cohort, f.cohort_size, f.value, u.display_name, \
                         f.certified_at, f.comparison FROM certified_figures f \
                         JOIN users u ON u.id = f.certified_by \
                         WHERE f.contract_id = $1 ORDER BY f.certified_at, f.id",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|row| {
                            let size: i64 = row.try_get(2)?;
                            let value: String = row.try_get(3)?;
                            let at: DateTime<Utc> = row.try_get(5)?;
                            let comparison: Option<String> = row.try_get(6)?;
                            Ok((
                                effekt_domain::contract::cohort::NamedFigure {
                                    figure: row.try_get(0)?,
                                    certified: effekt_domain::contract::cohort::CertifiedFigure {
                                        comparison: comparison
                                            .map(|c| c.parse())
                                            .transpose()
                                            .map_err(corrupt)?,
                                        cohort: row.try_get(1)?,
                                        cohort_size: u32::try_from(size).map_err(corrupt)?,
                                        value: value.parse().map_err(corrupt)?,
                                        certified_by: row.try_get(4)?,
                                        certified_on: effekt_domain::dates::oslo_date(at),
                                    },
                                },
                                at,
                            ))
                        })
                        .collect()
                }

                pub(crate) async fn propose_contract_version_sql(
                    &self,
                    contract: ContractId,
                    proposal: &Proposal<'_>,
                ) -> Result<u32> {
                    let json = serde_json::to_string(proposal.terms).map_err(corrupt)?;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    lock_contract(&mut tx, contract).await?;
                    let pending: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM contract_versions WHERE contract_id = $1 \
                         AND state = 'proposed'",
                    )
                    .bind(contract.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    if pending > 0 {
                        return Err(StoreError::Conflict(
                            "another amendment is waiting for the parties' decisions".into(),
                        ));
                    }
                    let latest: Option<i64> = sqlx::query_scalar(
                        "SELECT MAX(version) FROM contract_versions WHERE contract_id = $1",
                    )
                    .bind(contract.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    let version = latest.unwrap_or(0) + 1;
                    sqlx::query(
                        "INSERT INTO contract_versions (contract_id, version, terms, imported_at, \
                         state, effective_from, proposed_by, source) \
                         VALUES ($1, $2, $3, $4, 'proposed', $5, $6, $7)",
                    )
                    .bind(contract.0)
                    .bind(version)
                    .bind(json)
                    .bind(proposal.decision.at)
                    .bind(proposal.effective_from)
                    .bind(proposal.decision.by.0)
                    .bind(proposal.source)
                    .execute(&mut *tx)
                    .await?;
                    insert_decision(&mut tx, contract, version, &proposal.decision, proposal.reason)
                        .await?;
                    tx.commit().await?;
                    u32::try_from(version).map_err(corrupt)
                }

                pub(crate) async fn withdraw_contract_version_sql(
                    &self,
                    contract: ContractId,
                    version: u32,
                    by: UserId,
                    at: DateTime<Utc>,
                    reason: &str,
                ) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    lock_contract(&mut tx, contract).await?;
                    let state: Option<String> = sqlx::query_scalar(
                        "SELECT state FROM contract_versions WHERE contract_id = $1 AND version = $2",
                    )
                    .bind(contract.0)
                    .bind(i64::from(version))
                    .fetch_optional(&mut *tx)
                    .await?;
                    if state.as_deref() != Some("proposed") {
                        return Err(StoreError::Conflict(
                            "the proposal changed meanwhile; reload".into(),
                        ));
                    }
                    sqlx::query(
                        "INSERT INTO contract_version_withdrawals (contract_id, version, user_id, \
                         at, reason) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(contract.0)
                    .bind(i64::from(version))
                    .bind(by.0)
                    .bind(at)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE contract_versions SET state = 'withdrawn' \
                         WHERE contract_id = $1 AND version = $2",
                    )
                    .bind(contract.0)
                    .bind(i64::from(version))
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(s::BUMP_WORKFLOW).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn decide_contract_version_sql(
                    &self,
                    contract: ContractId,
                    version: u32,
                    decision: &PartyDecision,
                    reason: Option<&str>,
                    decided_before: usize,
                    becomes: VersionState,
                ) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    lock_contract(&mut tx, contract).await?;
                    let row = sqlx::query(
                        "SELECT v.state, v.terms, (SELECT COUNT(*) FROM contract_version_decisions d \
                         WHERE d.contract_id = v.contract_id AND d.version = v.version) \
                         FROM contract_versions v WHERE v.contract_id = $1 AND v.version = $2",
                    )
                    .bind(contract.0)
                    .bind(i64::from(version))
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(row) = row else {
                        return Err(StoreError::Conflict(format!("there is no version {version}")));
                    };
                    let state: String = row.try_get(0)?;
                    let count: i64 = row.try_get(2)?;
                    if state != "proposed" || usize::try_from(count).ok() != Some(decided_before) {
                        return Err(StoreError::Conflict(
                            "the proposal changed meanwhile; reload and decide again".into(),
                        ));
                    }
                    insert_decision(&mut tx, contract, i64::from(version), decision, reason).await?;
                    if becomes != VersionState::Proposed {
                        sqlx::query(
                            "UPDATE contract_versions SET state = $3 \
                             WHERE contract_id = $1 AND version = $2",
                        )
                        .bind(contract.0)
                        .bind(i64::from(version))
                        .bind(becomes.code())
                        .execute(&mut *tx)
                        .await?;
                    }
                    if becomes == VersionState::InForce {
                        let json: String = row.try_get(1)?;
                        let terms: ContractTerms = serde_json::from_str(&json).map_err(corrupt)?;
                        sqlx::query(
                            "UPDATE contracts SET name = $2, ends = $3 WHERE id = $1",
                        )
                        .bind(contract.0)
                        .bind(terms.name.as_str())
                        .bind(terms.ends)
                        .execute(&mut *tx)
                        .await?;
                        set_outcomes_in(&mut tx, contract, &terms).await?;
                    }
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use impl_contract_store;
