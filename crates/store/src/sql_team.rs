//! [`crate::team::TeamStore`] in SQL (migration 0032), expanded per database by
//! [`impl_team_store!`]. A current membership and its `staff_assignments` row are written in
//! one transaction, so "assigned" (which unmasks a protected person) means "on the team".

/// Implements [`crate::team::TeamStore`] for `$store`.
macro_rules! impl_team_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::ids::{ParticipantId, PersonKey, ProviderId, UserId};
            use effekt_domain::team::{Discipline, Position};
            use sqlx::Row;

            use $crate::error::{corrupt, Result};
            use $crate::sql_bulk::bulk;
            use $crate::sql_parts as s;
            use $crate::team::{
                CaseloadEntry, Guided, NewMembership, StaffMember, TeamMembership, TeamStore,
            };

            fn position(code: &str) -> Result<Position> {
                Position::from_code(code).ok_or_else(|| corrupt(format!("team position {code:?}")))
            }

            fn discipline(code: Option<String>) -> Result<Option<Discipline>> {
                code.map(|c| {
                    Discipline::from_code(&c).ok_or_else(|| corrupt(format!("discipline {c:?}")))
                })
                .transpose()
            }

            fn count(r: &<$db as sqlx::Database>::Row, i: usize) -> Result<u64> {
                u64::try_from(r.try_get::<i64, _>(i)?).map_err(corrupt)
            }

            #[async_trait]
            impl TeamStore for $store {
                async fn team(&self, participant: ParticipantId) -> Result<Vec<TeamMembership>> {
                    let rows = sqlx::query(
                        "SELECT m.id, m.participant_id, m.user_id, \
                         u.display_name || ' (' || u.username || ')', u.discipline, m.position, \
                         m.valid_from, m.valid_to, \
                         (SELECT a.display_name FROM users a WHERE a.id = m.added_by), \
                         (SELECT e.display_name FROM users e WHERE e.id = m.ended_by) \
                         FROM team_memberships m JOIN users u ON u.id = m.user_id \
                         WHERE m.participant_id = $1 ORDER BY m.valid_from, m.id",
                    )
                    .bind(participant.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(TeamMembership {
                                id: r.try_get(0)?,
                                participant: ParticipantId(r.try_get(1)?),
                                user: UserId(r.try_get(2)?),
                                name: r.try_get(3)?,
                                discipline: discipline(r.try_get(4)?)?,
                                position: position(&r.try_get::<String, _>(5)?)?,
                                from: r.try_get(6)?,
                                to: r.try_get(7)?,
                                added_by: r.try_get(8)?,
                                ended_by: r.try_get(9)?,
                            })
                        })
                        .collect()
                }

                async fn provider_staff(&self, provider: ProviderId) -> Result<Vec<StaffMember>> {
                    let rows = sqlx::query(
                        "SELECT u.id, u.display_name || ' (' || u.username || ')', u.discipline, \
                         COUNT(CASE WHEN m.position = 'HOVEDVEILEDER' THEN 1 END), \
                         COUNT(CASE WHEN m.position = 'MEDVEILEDER' THEN 1 END), \
                         COUNT(CASE WHEN m.position = 'MEDLEM' THEN 1 END) \
                         FROM users u LEFT JOIN team_memberships m \
                         ON m.user_id = u.id AND m.valid_to IS NULL \
                         WHERE u.provider_id = $1 AND u.role = 'PROVIDER_STAFF' AND u.active \
                         GROUP BY u.id, u.display_name, u.username, u.discipline \
                         ORDER BY u.display_name, u.id",
                    )
                    .bind(provider.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(StaffMember {
                                user: UserId(r.try_get(0)?),
                                name: r.try_get(1)?,
                                discipline: discipline(r.try_get(2)?)?,
                                main: count(r, 3)?,
                                co: count(r, 4)?,
                                member: count(r, 5)?,
                            })
                        })
                        .collect()
                }

                async fn caseload(
                    &self,
                    user: UserId,
                    viewer: UserId,
                ) -> Result<Vec<CaseloadEntry>> {
                    let rows = sqlx::query(
                        "SELECT pt.id, pt.person_key, pr.given_name, pr.family_name, \
                         pr.protection, pt.current_status, m.position, m.valid_from, \
                         EXISTS (SELECT 1 FROM staff_assignments sa WHERE sa.user_id = $2 \
                         AND sa.participant_id = pt.id) \
                         FROM team_memberships m JOIN participants pt ON pt.id = m.participant_id \
                         JOIN persons pr ON pr.key = pt.person_key \
                         WHERE m.user_id = $1 AND m.valid_to IS NULL \
                         ORDER BY pr.family_name, pr.given_name, pt.id",
                    )
                    .bind(user.0)
                    .bind(viewer.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(CaseloadEntry {
                                participant: ParticipantId(r.try_get(0)?),
                                person: PersonKey(r.try_get(1)?),
                                given_name: r.try_get(2)?,
                                family_name: r.try_get(3)?,
                                protection: s::protection(&r.try_get::<String, _>(4)?)?,
                                status: r.try_get(5)?,
                                position: position(&r.try_get::<String, _>(6)?)?,
                                from: r.try_get(7)?,
                                viewer_assigned: r.try_get(8)?,
                            })
                        })
                        .collect()
                }

                async fn join_team(
                    &self,
                    new: NewMembership,
                    checked: &[(UserId, Position)],
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<Option<i64>> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // Changes to one participant's team queue here (a row lock on PostgreSQL).
                    sqlx::query("UPDATE participants SET id = id WHERE id = $1")
                        .bind(new.participant.0)
                        .execute(&mut *tx)
                        .await?;
                    let rows = sqlx::query(
                        "SELECT user_id, position FROM team_memberships \
                         WHERE participant_id = $1 AND valid_to IS NULL",
                    )
                    .bind(new.participant.0)
                    .fetch_all(&mut *tx)
                    .await?;
                    let mut now = rows
                        .iter()
                        .map(|r| Ok((UserId(r.try_get(0)?), position(&r.try_get::<String, _>(1)?)?)))
                        .collect::<Result<Vec<_>>>()?;
                    let mut seen = checked.to_vec();
                    now.sort_unstable_by_key(|(u, _)| u.0);
                    seen.sort_unstable_by_key(|(u, _)| u.0);
                    if now != seen {
                        return Ok(None);
                    }
                    // Only while the member is still active staff of the participant's
                    // provider: a change of her account meanwhile writes nothing.
                    let id: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO team_memberships (participant_id, user_id, position, \
                         valid_from, added_by, added_at) SELECT $1, $2, $3, $4, $5, $6 \
                         WHERE EXISTS (SELECT 1 FROM users u JOIN participants pt ON pt.id = $1 \
                         WHERE u.id = $2 AND u.role = 'PROVIDER_STAFF' AND u.active \
                         AND u.provider_id = pt.provider_id) RETURNING id",
                    )
                    .bind(new.participant.0)
                    .bind(new.user.0)
                    .bind(new.position.code())
                    .bind(new.from)
                    .bind(by.0)
                    .bind(at)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(id) = id else {
                        return Ok(None);
                    };
                    sqlx::query(
                        "INSERT INTO staff_assignments (user_id, participant_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(new.user.0)
                    .bind(new.participant.0)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(Some(id))
                }

                async fn leave_team(
                    &self,
                    participant: ParticipantId,
                    user: UserId,
                    on: NaiveDate,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let ended = sqlx::query(
                        "UPDATE team_memberships SET valid_to = $3, ended_by = $4, ended_at = $5 \
                         WHERE participant_id = $1 AND user_id = $2 AND valid_to IS NULL \
                         AND valid_from <= $3",
                    )
                    .bind(participant.0)
                    .bind(user.0)
                    .bind(on)
                    .bind(by.0)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if ended == 0 {
                        return Ok(false);
                    }
                    sqlx::query(
                        "DELETE FROM staff_assignments WHERE user_id = $1 AND participant_id = $2",
                    )
                    .bind(user.0)
                    .bind(participant.0)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn insert_teams(&self, rows: &[NewMembership]) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    bulk!($db, tx, "INSERT INTO team_memberships (participant_id, user_id, position, valid_from) ", rows, |b, m| {
                        b.push_bind(m.participant.0).push_bind(m.user.0)
                            .push_bind(m.position.code()).push_bind(m.from);
                    });
                    for chunk in rows.chunks(500) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO staff_assignments (user_id, participant_id) ",
                        );
                        qb.push_values(chunk, |mut b, m| {
                            b.push_bind(m.user.0).push_bind(m.participant.0);
                        });
                        qb.push(" ON CONFLICT DO NOTHING");
                        qb.build().execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn guided(&self, user: UserId) -> Result<Vec<Guided>> {
                    let rows = sqlx::query(
                        "SELECT pt.id, c.name, pt.index_date, pt.person_key \
                         FROM team_memberships m JOIN participants pt ON pt.id = m.participant_id \
                         JOIN contracts c ON c.id = pt.contract_id \
                         WHERE m.user_id = $1 AND m.valid_to IS NULL \
                         AND m.position = 'HOVEDVEILEDER' \
                         AND pt.current_status NOT IN ('HAR_SLUTTET', 'FULLFORT', 'AVBRUTT', \
                         'IKKE_AKTUELL', 'FEILREGISTRERT') ORDER BY pt.id",
                    )
                    .bind(user.0)
                    .fetch_all(&self.pool)
                    .await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for r in &rows {
                        out.push(Guided {
                            participant: ParticipantId(r.try_get(0)?),
                            person: PersonKey(r.try_get(3)?),
                            contract_name: r.try_get(1)?,
                            started: r.try_get(2)?,
                            reached: Vec::new(),
                        });
                    }
                    let reached = sqlx::query(
                        "SELECT e.participant_id, e.identifier FROM provider_evidence e \
                         JOIN team_memberships m ON m.participant_id = e.participant_id \
                         WHERE m.user_id = $1 AND m.valid_to IS NULL \
                         AND m.position = 'HOVEDVEILEDER' AND e.score IS NULL \
                         AND NOT e.retracted AND e.id = (SELECT MAX(e2.id) \
                         FROM provider_evidence e2 WHERE e2.participant_id = e.participant_id \
                         AND e2.record_id = e.record_id)",
                    )
                    .bind(user.0)
                    .fetch_all(&self.pool)
                    .await?;
                    for r in &reached {
                        let id = ParticipantId(r.try_get(0)?);
                        if let Some(g) = out.iter_mut().find(|g| g.participant == id) {
                            g.reached.push(r.try_get(1)?);
                        }
                    }
                    Ok(out)
                }
            }
        };
    };
}

pub(crate) use impl_team_store;
