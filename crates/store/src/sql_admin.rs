//! What administration reads and changes besides logins, expanded per database by
//! [`impl_admin_store!`]: the organisations an account can belong to, an account's name, role
//! and scope, an account's open sessions one by one, and the audit log read page by page with
//! filters (the audit viewer).

/// Adds the administration methods to `$store`; the [`crate::Store`] implementation calls them.
macro_rules! impl_admin_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use effekt_domain::ids::*;
            use sqlx::Row;

            use $crate::error::{corrupt, Result};
            use $crate::model::*;
            use $crate::sql_parts as s;

            impl $store {
                pub(crate) async fn organisations_sql(&self) -> Result<Vec<Organisation>> {
                    let rows = sqlx::query(
                        "SELECT 'office' AS kind, id, name FROM nav_offices \
                         UNION ALL SELECT 'provider', id, name FROM providers \
                         UNION ALL SELECT 'investor', id, name FROM investors \
                         ORDER BY 1, 3",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let kind: String = r.try_get(0)?;
                            let id: i64 = r.try_get(1)?;
                            let scope = match kind.as_str() {
                                "office" => UserScope::NavOffice(NavOfficeId(id)),
                                "provider" => UserScope::Provider(ProviderId(id)),
                                "investor" => UserScope::Investor(InvestorId(id)),
                                other => return Err(corrupt(format!("organisation kind {other:?}"))),
                            };
                            Ok(Organisation { scope, name: r.try_get(2)? })
                        })
                        .collect()
                }

                pub(crate) async fn create_user_with_link_logged_sql(
                    &self,
                    user: &NewUser,
                    link: &NewPasswordLink,
                    ops: &[OperationRecord],
                ) -> Result<UserId> {
                    let mut tx = self.pool.begin().await?;
                    let id = Self::insert_user(&mut tx, user).await?;
                    Self::insert_password_link(&mut tx, id, &link.token_hash, link.created_at, link.expires_at)
                        .await?;
                    for op in ops {
                        Self::append_operation_in(&mut tx, op).await?;
                    }
                    tx.commit().await?;
                    Ok(id)
                }

                pub(crate) async fn update_user_logged_sql(
                    &self,
                    user: UserId,
                    display_name: &str,
                    rights: &AccountRights,
                    op: &OperationRecord,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin().await?;
                    type Rights = (String, Option<i64>, Option<i64>, Option<i64>, Option<String>);
                    let before: Option<Rights> =
                        sqlx::query_as(
                            "SELECT role, nav_office_id, provider_id, investor_id, discipline \
                             FROM users WHERE id = $1",
                        )
                        .bind(user.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let Some(before) = before else {
                        return Ok(false);
                    };
                    let role = rights.role;
                    let (office, provider, investor) = s::scope_columns(rights.scope);
                    sqlx::query(
                        "UPDATE users SET display_name = $2, role = $3, nav_office_id = $4, \
                         provider_id = $5, investor_id = $6, discipline = $7 WHERE id = $1",
                    )
                    .bind(user.0)
                    .bind(display_name)
                    .bind(role.code())
                    .bind(office)
                    .bind(provider)
                    .bind(investor)
                    .bind(rights.discipline.map(effekt_domain::team::Discipline::code))
                    .execute(&mut *tx)
                    .await?;
                    let discipline = rights.discipline.map(|d| d.code().to_owned());
                    if before != (role.code().to_owned(), office, provider, investor, discipline) {
                        // New rights begin with a new login: no session keeps the old ones, no
                        // password link made under the old ones is left to use, and no
                        // assignment or team membership (which unmask protected persons and,
                        // with the discipline, open screening fields) follows the person.
                        for sql in [
                            "DELETE FROM sessions WHERE user_id = $1",
                            "DELETE FROM password_links WHERE user_id = $1 AND used_at IS NULL",
                            "DELETE FROM staff_assignments WHERE user_id = $1",
                        ] {
                            sqlx::query(sql).bind(user.0).execute(&mut *tx).await?;
                        }
                        let day = effekt_domain::dates::oslo_local(op.at).date();
                        sqlx::query(
                            "UPDATE team_memberships SET valid_to = CASE WHEN valid_from > $2 \
                             THEN valid_from ELSE $2 END, ended_by = $3, ended_at = $4 \
                             WHERE user_id = $1 AND valid_to IS NULL",
                        )
                        .bind(user.0)
                        .bind(day)
                        .bind(op.actor.map(|a| a.0))
                        .bind(op.at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Self::append_operation_in(&mut tx, op).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                pub(crate) async fn open_sessions_sql(
                    &self,
                    user: UserId,
                    now: chrono::DateTime<chrono::Utc>,
                ) -> Result<Vec<OpenSession>> {
                    let rows = sqlx::query(
                        "SELECT token_hash, created_at, expires_at FROM sessions \
                         WHERE user_id = $1 AND expires_at > $2 \
                         ORDER BY created_at DESC, token_hash",
                    )
                    .bind(user.0)
                    .bind(now)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(OpenSession {
                                token_hash: r.try_get(0)?,
                                created_at: r.try_get(1)?,
                                expires_at: r.try_get(2)?,
                            })
                        })
                        .collect()
                }

                pub(crate) async fn end_session_logged_sql(
                    &self,
                    user: UserId,
                    reference: &str,
                    op: &OperationRecord,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin().await?;
                    let ended = sqlx::query(
                        "DELETE FROM sessions WHERE user_id = $1 AND substr(token_hash, 1, $3) = $2",
                    )
                    .bind(user.0)
                    .bind(reference)
                    .bind(i32::try_from(reference.len()).unwrap_or(i32::MAX))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if ended == 0 {
                        // Nothing was ended: nothing is recorded either.
                        return Ok(false);
                    }
                    Self::append_operation_in(&mut tx, op).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                pub(crate) async fn audit_page_sql(
                    &self,
                    query: &AuditQuery,
                    limit: u32,
                ) -> Result<Vec<AuditExportRow>> {
                    let rows = sqlx::query(
                        "SELECT a.id, a.at, a.actor_id, a.actor_name, a.subject_key, a.purpose, \
                         a.decision, a.request_id, a.channel, a.os_user, \
                         (SELECT pi.national_id FROM person_ids pi WHERE pi.person_key = a.subject_key \
                          ORDER BY pi.valid_from DESC, pi.national_id DESC LIMIT 1) \
                         FROM audit_log a \
                         WHERE ($1 IS NULL OR a.actor_name = $1) \
                         AND ($2 IS NULL OR a.subject_key = $2) \
                         AND ($3 IS NULL OR a.at >= $3) \
                         AND ($4 IS NULL OR a.at < $4) \
                         AND ($6 IS NULL OR a.purpose = $6) \
                         AND ($6 IS NOT NULL OR $7 = FALSE OR a.purpose <> 'audit.review') \
                         ORDER BY a.id DESC LIMIT $5",
                    )
                    .bind(query.actor.as_deref())
                    .bind(query.subject.map(|p| p.0))
                    .bind(query.from)
                    .bind(query.until)
                    .bind(i64::from(limit))
                    .bind(query.purpose.as_deref())
                    .bind(query.without_reviews)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let decision: String = r.try_get(6)?;
                            Ok(AuditExportRow {
                                id: r.try_get(0)?,
                                record: AuditRecord {
                                    at: r.try_get(1)?,
                                    actor: UserId(r.try_get(2)?),
                                    actor_name: r.try_get(3)?,
                                    subject: PersonKey(r.try_get(4)?),
                                    purpose: r.try_get(5)?,
                                    decision: match decision.as_str() {
                                        "PERMIT" => Decision::Permit,
                                        "DENY" => Decision::Deny,
                                        other => return Err(corrupt(format!("decision {other:?}"))),
                                    },
                                    request_id: r.try_get(7)?,
                                    channel: Channel::from_columns(
                                        &r.try_get::<String, _>(8)?,
                                        r.try_get(9)?,
                                    ),
                                },
                                subject_national_id: r.try_get(10)?,
                            })
                        })
                        .collect()
                }
            }
        };
    };
}

pub(crate) use impl_admin_store;
