//! The import log in SQL (migration 0023), expanded per database by [`impl_import_store!`]:
//! one row per attempt to import, written with the workflow generation increased so the homes
//! list a failure at once, and read newest first, or the newest attempt per kind and scope
//! (what the homes' tasks are worked out from, however many attempts came after).

/// Adds the import-log methods to `$store`; the [`crate::Store`] implementation calls them.
macro_rules! impl_import_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use effekt_domain::imports::{ImportKind, ImportResult, ImportRun};
            use sqlx::Row;

            use $crate::error::{corrupt, Result};
            use $crate::model::NewImportRun;
            use $crate::sql_parts as s;

            const COLUMNS: &str = "id, kind, scope, source, at, actor_name, result, problem_count, problems";

            fn run_from_row(r: &<$db as sqlx::Database>::Row) -> Result<ImportRun> {
                let kind: String = r.try_get(1)?;
                let result: String = r.try_get(6)?;
                let problems: String = r.try_get(8)?;
                Ok(ImportRun {
                    id: r.try_get(0)?,
                    kind: ImportKind::from_code(&kind)
                        .ok_or_else(|| corrupt(format!("import kind {kind:?}")))?,
                    scope: r.try_get(2)?,
                    source: r.try_get(3)?,
                    at: r.try_get(4)?,
                    actor_name: r.try_get(5)?,
                    result: ImportResult::from_code(&result)
                        .ok_or_else(|| corrupt(format!("import result {result:?}")))?,
                    problem_count: u64::try_from(r.try_get::<i64, _>(7)?).unwrap_or(0),
                    problems: problems
                        .lines()
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect(),
                })
            }

            impl $store {
                pub(crate) async fn record_import_sql(&self, run: &NewImportRun) -> Result<i64> {
                    let mut tx = self.pool.begin().await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO import_runs (kind, scope, source, at, actor_id, actor_name, \
                         result, problem_count, problems) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    )
                    .bind(run.kind.code())
                    .bind(&run.scope)
                    .bind(&run.source)
                    .bind(run.at)
                    .bind(run.actor.map(|a| a.0))
                    .bind(&run.actor_name)
                    .bind(run.result.code())
                    .bind(i64::try_from(run.problem_count).unwrap_or(i64::MAX))
                    .bind(run.problems.join("\n"))
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(s::BUMP_WORKFLOW).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                pub(crate) async fn import_runs_sql(&self, limit: u32) -> Result<Vec<ImportRun>> {
                    let rows = sqlx::query(&format!(
                        "SELECT {COLUMNS} FROM import_runs ORDER BY id DESC LIMIT $1"
                    ))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(run_from_row).collect()
                }

                pub(crate) async fn latest_import_runs_sql(&self) -> Result<Vec<ImportRun>> {
                    let rows = sqlx::query(&format!(
                        "SELECT {COLUMNS} FROM import_runs WHERE id IN \
                         (SELECT MAX(id) FROM import_runs GROUP BY kind, scope) ORDER BY id DESC"
                    ))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(run_from_row).collect()
                }
            }
        };
    };
}

pub(crate) use impl_import_store;
