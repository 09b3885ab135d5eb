//! Contract terms in SQL, expanded per database by [`impl_contract_store!`]: each import of a
//! contract file is a new version; the newest version's outcome definitions are what the product
//! judges participants by.

/// Adds the contract-version methods to `$store`; the [`crate::Store`] implementation calls them.
macro_rules! impl_contract_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use effekt_domain::contract::terms::ContractTerms;
            use effekt_domain::ids::ContractId;
            use sqlx::Row;

            use $crate::error::{corrupt, Result, StoreError};

            impl $store {
                pub(crate) async fn add_contract_version_sql(
                    &self,
                    contract: Option<ContractId>,
                    terms: &ContractTerms,
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
                        "INSERT INTO contract_versions (contract_id, version, terms, imported_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id.0)
                    .bind(version)
                    .bind(json)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM contract_outcomes WHERE contract_id = $1")
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?;
                    for (seq, o) in terms.outcomes.iter().enumerate() {
                        let definition = serde_json::to_string(&o.definition).map_err(corrupt)?;
                        sqlx::query(
                            "INSERT INTO contract_outcomes (contract_id, seq, name, definition) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(id.0)
                        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
                        .bind(o.definition.name.as_str())
                        .bind(definition)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok((id, u32::try_from(version).map_err(corrupt)?))
                }

                pub(crate) async fn contract_terms_sql(
                    &self,
                    contract: ContractId,
                ) -> Result<Option<(u32, ContractTerms)>> {
                    let row = sqlx::query(
                        "SELECT version, terms FROM contract_versions WHERE contract_id = $1 \
                         ORDER BY version DESC LIMIT 1",
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
            }
        };
    };
}

pub(crate) use impl_contract_store;
