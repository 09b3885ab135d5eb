//! Test support: a fresh, migrated database per test on either store.
//!
//! SQLite: a new file in the temp folder, removed when the test ends. PostgreSQL: a new
//! database cloned from a template that was migrated once (named after the migrations'
//! checksums, so a changed migration gets a new template), as crates.io does. The server is
//! `EFFEKT_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`). When it
//! cannot be reached the PostgreSQL half of a test is skipped, unless `EFFEKT_REQUIRE_POSTGRES=1`
//! (CI), where that is an error.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sha2_free_hash::checksum_name;
use sqlx::Connection;

use crate::{Backend, PgStore, SqliteStore, Store, StoreError};

mod sha2_free_hash {
    /// A short, stable name from the migrations' own checksums.
    pub fn checksum_name(migrator: &sqlx::migrate::Migrator) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for m in migrator.migrations.iter() {
            for b in m.checksum.iter().chain(m.version.to_le_bytes().iter()) {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("effekt_template_{h:016x}")
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

#[allow(clippy::disallowed_methods)] // test support: a unique name, not a business time
fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

enum Raw {
    Sqlite(Arc<SqliteStore>, PathBuf),
    Postgres(Arc<PgStore>),
}

/// A fresh store for one test.
pub struct TestStore {
    pub store: Arc<dyn Store>,
    raw: Raw,
}

impl TestStore {
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Runs raw SQL; tests use it to break things on purpose (e.g. make audit writes fail).
    pub async fn execute_raw(&self, sql: &str) -> Result<(), StoreError> {
        match &self.raw {
            Raw::Sqlite(s, _) => s.execute_raw(sql).await,
            Raw::Postgres(p) => p.execute_raw(sql).await,
        }
    }

    /// Every (table, column) of the schema, sorted; to prove both dialects define the same.
    pub async fn columns(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut cols: Vec<(String, String)> = match &self.raw {
            Raw::Sqlite(s, _) => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
                )
                .fetch_all(&s.pool)
                .await?
            }
            Raw::Postgres(p) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
                )
                .fetch_all(&p.pool)
                .await?
            }
        };
        cols.sort();
        Ok(cols)
    }

    /// One text value from raw SQL; for assertions on columns the store API does not expose.
    pub async fn scalar_text(&self, sql: &str) -> Result<String, StoreError> {
        Ok(match &self.raw {
            Raw::Sqlite(s, _) => sqlx::query_scalar(sql).fetch_one(&s.pool).await?,
            Raw::Postgres(p) => sqlx::query_scalar(sql).fetch_one(&p.pool).await?,
        })
    }

    /// PostgreSQL: another session's exclusive lock on the audit log, held until the returned
    /// transaction is dropped (`None` on SQLite, where one writer at a time is the rule and the
    /// busy timeout decides).
    pub async fn hold_audit_lock(
        &self,
    ) -> Result<Option<sqlx::Transaction<'static, sqlx::Postgres>>, StoreError> {
        match &self.raw {
            Raw::Sqlite(..) => Ok(None),
            Raw::Postgres(p) => {
                let mut tx = p.pool.begin().await?;
                sqlx::query("SET LOCAL lock_timeout = 0")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE")
                    .execute(&mut *tx)
                    .await?;
                Ok(Some(tx))
            }
        }
    }

    /// Makes every later audit write fail, in this store's dialect.
    pub async fn break_audit_writes(&self) -> Result<(), StoreError> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "CREATE TRIGGER audit_log_broken BEFORE INSERT ON audit_log \
                 BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END;"
            }
            Backend::Postgres => {
                "CREATE FUNCTION audit_broken() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'audit store unavailable'; END; $$; \
                 CREATE TRIGGER audit_log_broken BEFORE INSERT ON audit_log \
                 FOR EACH ROW EXECUTE FUNCTION audit_broken();"
            }
        };
        self.execute_raw(sql).await
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Raw::Sqlite(_, path) = &self.raw {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

/// A fresh SQLite store (file in the temp folder, migrated).
pub async fn sqlite() -> Result<TestStore, StoreError> {
    let path = std::env::temp_dir().join(format!("effekt_test_{}.db", unique_suffix()));
    let store = Arc::new(SqliteStore::open(&path).await?);
    Ok(TestStore {
        store: store.clone(),
        raw: Raw::Sqlite(store, path),
    })
}

/// A fresh SQLite store with only the first `n` migrations applied.
pub async fn sqlite_at_migration(n: usize) -> Result<(Arc<SqliteStore>, TestStore), StoreError> {
    let path = std::env::temp_dir().join(format!("effekt_test_{}.db", unique_suffix()));
    let store = Arc::new(SqliteStore::open_unmigrated(&path).await?);
    store.migrate_first(n).await?;
    Ok((
        store.clone(),
        TestStore {
            store: store.clone(),
            raw: Raw::Sqlite(store, path),
        },
    ))
}

fn admin_url() -> String {
    std::env::var("EFFEKT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn postgres_required() -> bool {
    std::env::var("EFFEKT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

fn database_url(admin: &str, name: &str) -> Result<String, StoreError> {
    let mut url = url::Url::parse(admin).map_err(|e| StoreError::InvalidUrl(e.to_string()))?;
    url.set_path(name);
    Ok(url.to_string())
}

/// Creates the migrated template once per set of migrations (under an advisory lock, since
/// test binaries run in parallel).
async fn ensure_template(admin: &mut sqlx::PgConnection) -> Result<String, StoreError> {
    let name = checksum_name(&crate::postgres::MIGRATOR);
    sqlx::query("SELECT pg_advisory_lock(72700101)")
        .execute(&mut *admin)
        .await?;
    let result = async {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(&name)
                .fetch_one(&mut *admin)
                .await?;
        if !exists {
            let building = format!("{name}_building");
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {building}"))
                .execute(&mut *admin)
                .await?;
            sqlx::raw_sql(&format!("CREATE DATABASE {building}"))
                .execute(&mut *admin)
                .await?;
            // One plain connection, closed explicitly: a pool may hand its connections back
            // (and keep them open) after `close` returns, which blocks the rename and clones.
            let mut conn =
                sqlx::PgConnection::connect(&database_url(&admin_url(), &building)?).await?;
            crate::postgres::MIGRATOR.run(&mut conn).await?;
            conn.close().await?;
            // The server may take a moment to notice the closed connections.
            let rename = format!("ALTER DATABASE {building} RENAME TO {name}");
            let mut tries = 0;
            while let Err(e) = sqlx::raw_sql(&rename).execute(&mut *admin).await {
                tries += 1;
                if tries > 100 {
                    return Err(e.into());
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
        Ok::<_, StoreError>(name)
    }
    .await;
    sqlx::query("SELECT pg_advisory_unlock(72700101)")
        .execute(&mut *admin)
        .await?;
    result
}

/// A fresh PostgreSQL database cloned from the migrated template; `None` when PostgreSQL is
/// unreachable and not required.
pub async fn postgres() -> Result<Option<TestStore>, StoreError> {
    let Some(name) = fresh_postgres_database(true).await? else {
        return Ok(None);
    };
    let store = Arc::new(PgStore::open(&database_url(&admin_url(), &name)?).await?);
    Ok(Some(TestStore {
        store: store.clone(),
        raw: Raw::Postgres(store),
    }))
}

/// A fresh, empty PostgreSQL database with only the first `n` migrations applied.
pub async fn postgres_at_migration(
    n: usize,
) -> Result<Option<(Arc<PgStore>, TestStore)>, StoreError> {
    let Some(name) = fresh_postgres_database(false).await? else {
        return Ok(None);
    };
    let store = Arc::new(PgStore::open_unmigrated(&database_url(&admin_url(), &name)?).await?);
    store.migrate_first(n).await?;
    Ok(Some((
        store.clone(),
        TestStore {
            store: store.clone(),
            raw: Raw::Postgres(store),
        },
    )))
}

async fn fresh_postgres_database(from_template: bool) -> Result<Option<String>, StoreError> {
    let mut admin = match sqlx::PgConnection::connect(&admin_url()).await {
        Ok(c) => c,
        Err(e) if !postgres_required() => {
            eprintln!("PostgreSQL unreachable ({e}); skipping the PostgreSQL half of this test");
            return Ok(None);
        }
        Err(e) => {
            return Err(StoreError::Connect(format!(
                "EFFEKT_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {e}"
            )))
        }
    };
    let name = format!("effekt_test_{}", unique_suffix());
    let sql = if from_template {
        let template = ensure_template(&mut admin).await?;
        format!("CREATE DATABASE {name} TEMPLATE {template}")
    } else {
        format!("CREATE DATABASE {name}")
    };
    sqlx::raw_sql(&sql).execute(&mut admin).await?;
    admin.close().await?;
    Ok(Some(name))
}

/// Defines one test per store: `NAME_sqlite` and `NAME_postgres`, each given a fresh
/// [`TestStore`].
#[macro_export]
macro_rules! both_stores {
    ($(#[$meta:meta])* async fn $name:ident($store:ident: TestStore) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $store = $crate::testing::sqlite().await.unwrap();
                $body
            }

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($store) = $crate::testing::postgres().await.unwrap() else {
                    return;
                };
                $body
            }
        }
    };
}
