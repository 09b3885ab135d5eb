//! Accounts, sessions, login throttling and the audit log in SQL, expanded per database by
//! [`impl_account_store!`]: who may log in, who is logged in, and what they read.

/// Adds the account, session and audit methods to `$store`; the [`crate::Store`]
/// implementation calls them.
macro_rules! impl_account_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use effekt_domain::ids::*;
            use effekt_domain::role::Role;
            use effekt_domain::team::Discipline;
            use sqlx::Row;

            use $crate::error::{corrupt, Result, StoreError};
            use $crate::model::*;
            use $crate::sql_bulk::bulk;
            use $crate::sql_parts as s;

            fn user_from_row(row: &<$db as sqlx::Database>::Row) -> Result<UserRecord> {
                let role_code: String = row.try_get("role")?;
                let role = Role::from_code(&role_code)
                    .ok_or_else(|| corrupt(format!("role {role_code:?}")))?;
                Ok(UserRecord {
                    id: UserId(row.try_get("id")?),
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    password_hash: row.try_get("password_hash")?,
                    role,
                    scope: s::user_scope(
                        role,
                        row.try_get("nav_office_id")?,
                        row.try_get("provider_id")?,
                        row.try_get("investor_id")?,
                    ),
                    active: row.try_get("active")?,
                    discipline: row
                        .try_get::<Option<String>, _>("discipline")?
                        .map(|c| {
                            Discipline::from_code(&c)
                                .ok_or_else(|| corrupt(format!("discipline {c:?}")))
                        })
                        .transpose()?,
                })
            }

            const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, \
                 nav_office_id, provider_id, investor_id, active, discipline";

            impl $store {
                async fn insert_user(
                    tx: &mut sqlx::Transaction<'_, $db>,
                    user: &NewUser,
                ) -> Result<UserId> {
                    let (office, provider, investor) = s::scope_columns(user.scope);
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO users (username, display_name, password_hash, role, \
                         nav_office_id, provider_id, investor_id, active, discipline) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    )
                    .bind(&user.username)
                    .bind(&user.display_name)
                    .bind(&user.password_hash)
                    .bind(user.role.code())
                    .bind(office)
                    .bind(provider)
                    .bind(investor)
                    .bind(true)
                    .bind(user.discipline.map(Discipline::code))
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => {
                            StoreError::Conflict(format!("user {:?} exists", user.username))
                        }
                        _ => StoreError::Database(e),
                    })?;
                    Ok(UserId(id))
                }

                async fn insert_password_link(
                    tx: &mut sqlx::Transaction<'_, $db>,
                    user: UserId,
                    token_hash: &str,
                    now: DateTime<Utc>,
                    expires_at: DateTime<Utc>,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO password_links (token_hash, user_id, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(token_hash)
                    .bind(user.0)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&mut **tx)
                    .await?;
                    Ok(())
                }

                pub(crate) async fn create_user_sql(&self, user: &NewUser) -> Result<UserId> {
                    let mut tx = self.pool.begin().await?;
                    let id = Self::insert_user(&mut tx, user).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                pub(crate) async fn user_by_username_sql(&self, username: &str) -> Result<Option<UserRecord>> {
                    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"))
                        .bind(username)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(user_from_row).transpose()
                }

                pub(crate) async fn user_by_id_sql(&self, id: UserId) -> Result<Option<UserRecord>> {
                    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(user_from_row).transpose()
                }

                pub(crate) async fn users_sql(&self) -> Result<Vec<UserRecord>> {
                    let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter().map(user_from_row).collect()
                }

                pub(crate) async fn accounts_sql(
                    &self,
                    now: DateTime<Utc>,
                    since: DateTime<Utc>,
                ) -> Result<Vec<AccountRow>> {
                    let rows = sqlx::query(&format!(
                        "SELECT {USER_COLUMNS}, \
                         (SELECT COUNT(*) FROM sessions s WHERE s.user_id = users.id \
                          AND s.expires_at > $1) AS open_sessions, \
                         (SELECT COUNT(*) FROM login_failures f WHERE f.username = users.username \
                          AND f.at >= $2) AS recent_failures \
                         FROM users ORDER BY id"
                    ))
                    .bind(now)
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|row| {
                            let count = |name: &str| -> Result<u64> {
                                u64::try_from(row.try_get::<i64, _>(name)?).map_err(corrupt)
                            };
                            Ok(AccountRow {
                                user: user_from_row(row)?,
                                sessions: count("open_sessions")?,
                                recent_failures: count("recent_failures")?,
                            })
                        })
                        .collect()
                }

                pub(crate) async fn set_user_active_logged_sql(
                    &self,
                    user: UserId,
                    active: bool,
                    op: &OperationRecord,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin().await?;
                    let changed = sqlx::query("UPDATE users SET active = $2 WHERE id = $1")
                        .bind(user.0)
                        .bind(active)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if changed == 0 {
                        return Ok(false);
                    }
                    if !active {
                        // Deactivation wins over a session still open, and over a password
                        // link not yet used (activating again does not revive it).
                        for sql in [
                            "DELETE FROM sessions WHERE user_id = $1",
                            "DELETE FROM password_links WHERE user_id = $1 AND used_at IS NULL",
                        ] {
                            sqlx::query(sql).bind(user.0).execute(&mut *tx).await?;
                        }
                    }
                    Self::append_operation_in(&mut tx, op).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                pub(crate) async fn end_sessions_logged_sql(
                    &self,
                    user: UserId,
                    op: &OperationRecord,
                ) -> Result<u64> {
                    let mut tx = self.pool.begin().await?;
                    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user.0)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    Self::append_operation_in(&mut tx, op).await?;
                    tx.commit().await?;
                    Ok(ended)
                }

                pub(crate) async fn unlock_logged_sql(
                    &self,
                    username: &str,
                    op: &OperationRecord,
                ) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    sqlx::query("DELETE FROM login_failures WHERE username = $1")
                        .bind(username)
                        .execute(&mut *tx)
                        .await?;
                    Self::append_operation_in(&mut tx, op).await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn create_password_link_logged_sql(
                    &self,
                    user: UserId,
                    token_hash: &str,
                    now: DateTime<Utc>,
                    expires_at: DateTime<Utc>,
                    op: &OperationRecord,
                ) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    Self::insert_password_link(&mut tx, user, token_hash, now, expires_at).await?;
                    Self::append_operation_in(&mut tx, op).await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn password_link_user_sql(
                    &self,
                    token_hash: &str,
                    now: DateTime<Utc>,
                ) -> Result<Option<UserRecord>> {
                    let row = sqlx::query(&format!(
                        "SELECT {USER_COLUMNS} FROM users WHERE active AND id = \
                         (SELECT user_id FROM password_links WHERE token_hash = $1 \
                          AND used_at IS NULL AND expires_at > $2)"
                    ))
                    .bind(token_hash)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?;
                    row.as_ref().map(user_from_row).transpose()
                }

                pub(crate) async fn use_password_link_sql(
                    &self,
                    token_hash: &str,
                    now: DateTime<Utc>,
                    password_hash: &str,
                    op: &OperationRecord,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // Spent here, once: a second use finds nothing to spend.
                    let user: Option<i64> = sqlx::query_scalar(
                        "UPDATE password_links SET used_at = $2 WHERE token_hash = $1 \
                         AND used_at IS NULL AND expires_at > $2 \
                         AND user_id IN (SELECT id FROM users WHERE active) RETURNING user_id",
                    )
                    .bind(token_hash)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(user) = user else {
                        return Ok(false);
                    };
                    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                        .bind(user)
                        .bind(password_hash)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "DELETE FROM login_failures WHERE username = \
                         (SELECT username FROM users WHERE id = $1)",
                    )
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
                    Self::append_operation_in(&mut tx, op).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                pub(crate) async fn create_session_sql(
                    &self,
                    token_hash: &str,
                    user: UserId,
                    csrf_token: &str,
                    now: DateTime<Utc>,
                    expires_at: DateTime<Utc>,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(token_hash)
                    .bind(user.0)
                    .bind(csrf_token)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                pub(crate) async fn session_sql(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>> {
                    let row = sqlx::query(
                        "SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    let record = SessionRecord {
                        user_id: UserId(row.try_get(0)?),
                        csrf_token: row.try_get(1)?,
                        expires_at: row.try_get(2)?,
                    };
                    Ok((record.expires_at > now).then_some(record))
                }

                pub(crate) async fn delete_session_sql(&self, token_hash: &str) -> Result<()> {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                pub(crate) async fn record_login_failure_sql(
                    &self,
                    username: &str,
                    client: &str,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    sqlx::query("INSERT INTO login_failures (username, client, at) VALUES ($1, $2, $3)")
                        .bind(username)
                        .bind(client)
                        .bind(at)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                pub(crate) async fn login_failures_since_sql(
                    &self,
                    username: &str,
                    client: &str,
                    since: DateTime<Utc>,
                ) -> Result<LoginFailures> {
                    // Compared in Rust: SQLite keeps timestamps as text of varying precision.
                    let rows: Vec<(String, String, DateTime<Utc>)> = sqlx::query_as(
                        "SELECT username, client, at FROM login_failures \
                         WHERE username = $1 OR client = $2",
                    )
                    .bind(username)
                    .bind(client)
                    .fetch_all(&self.pool)
                    .await?;
                    let mut f = LoginFailures::default();
                    for (u, c, at) in rows.iter().filter(|r| r.2 >= since) {
                        let _ = at;
                        if u == username {
                            f.for_username += 1;
                            if c == client {
                                f.for_username_from_client += 1;
                            }
                        }
                        if c == client {
                            f.from_client += 1;
                        }
                    }
                    Ok(f)
                }

                pub(crate) async fn save_search_sql(
                    &self,
                    token: &str,
                    user: UserId,
                    text: &str,
                    at: DateTime<Utc>,
                    expired_before: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    sqlx::query("DELETE FROM searches WHERE created_at < $1")
                        .bind(expired_before)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO searches (token, user_id, text, created_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(token)
                    .bind(user.0)
                    .bind(text)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn search_sql(
                    &self,
                    token: &str,
                    user: UserId,
                    since: DateTime<Utc>,
                ) -> Result<Option<String>> {
                    let row: Option<(String, DateTime<Utc>)> = sqlx::query_as(
                        "SELECT text, created_at FROM searches WHERE token = $1 AND user_id = $2",
                    )
                    .bind(token)
                    .bind(user.0)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(row.filter(|(_, at)| *at >= since).map(|(t, _)| t))
                }

                pub(crate) async fn clear_login_failures_sql(&self, username: &str) -> Result<()> {
                    sqlx::query("DELETE FROM login_failures WHERE username = $1")
                        .bind(username)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                pub(crate) async fn append_audit_sql(&self, records: &[AuditRecord]) -> Result<()> {
                    if records.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self.pool.begin().await?;
                    bulk!($db, tx, "INSERT INTO audit_log (at, actor_id, actor_name, subject_key, purpose, decision, request_id, channel, os_user) ", records, |b, r| {
                        b.push_bind(r.at).push_bind(r.actor.0).push_bind(r.actor_name.as_str())
                            .push_bind(r.subject.0).push_bind(r.purpose.as_str())
                            .push_bind(r.decision.code()).push_bind(r.request_id.as_str())
                            .push_bind(r.channel.code()).push_bind(r.channel.os_user());
                    });
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn append_operation_in(
                    tx: &mut sqlx::Transaction<'_, $db>,
                    op: &OperationRecord,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO operations (at, actor_id, actor_name, action, subject, channel, os_user) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(op.at)
                    .bind(op.actor.map(|a| a.0))
                    .bind(&op.actor_name)
                    .bind(&op.action)
                    .bind(&op.subject)
                    .bind(op.channel.code())
                    .bind(op.channel.os_user())
                    .execute(&mut **tx)
                    .await?;
                    Ok(())
                }

                pub(crate) async fn append_operation_sql(&self, op: &OperationRecord) -> Result<()> {
                    let mut tx = self.pool.begin().await?;
                    Self::append_operation_in(&mut tx, op).await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn operations_sql(&self) -> Result<Vec<OperationRecord>> {
                    let rows = sqlx::query(
                        "SELECT at, actor_id, actor_name, action, subject, channel, os_user \
                         FROM operations ORDER BY id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(OperationRecord {
                                at: r.try_get(0)?,
                                actor: r.try_get::<Option<i64>, _>(1)?.map(UserId),
                                actor_name: r.try_get(2)?,
                                action: r.try_get(3)?,
                                subject: r.try_get(4)?,
                                channel: Channel::from_columns(&r.try_get::<String, _>(5)?, r.try_get(6)?),
                            })
                        })
                        .collect()
                }

                pub(crate) async fn create_user_logged_sql(
                    &self,
                    user: &NewUser,
                    op: &OperationRecord,
                ) -> Result<UserId> {
                    let mut tx = self.pool.begin().await?;
                    let id = Self::insert_user(&mut tx, user).await?;
                    Self::append_operation_in(&mut tx, op).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                pub(crate) async fn audit_records_sql(&self) -> Result<Vec<AuditExportRow>> {
                    // The whole log, oldest first: the audit viewer's query without a filter.
                    let mut rows = self.audit_page_sql(&AuditQuery::default(), u32::MAX).await?;
                    rows.reverse();
                    Ok(rows)
                }
            }
        };
    };
}

pub(crate) use impl_account_store;
