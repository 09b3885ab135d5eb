//! [`crate::groups::GroupStore`] in SQL (migration 0030), expanded per database by
//! [`impl_group_store!`].

/// Implements [`crate::groups::GroupStore`] for `$store`.
macro_rules! impl_group_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
            use effekt_domain::groups::{Mark, Place, Presence};
            use effekt_domain::ids::{
                ContractId, GroupId, ParticipantId, PersonKey, ProviderId, UserId,
            };
            use sqlx::Row;

            use $crate::error::Result;
            use $crate::groups::{
                AttendedSession, CheckedWindow, GroupRecord, GroupStore, NewMembership, NewSession, StoredMark, StoredMember,
                StoredSession, TeacherSession,
            };
            use $crate::sql_parts as s;

            const GROUP: &str = "SELECT g.id, g.name, g.contract_id, c.name, g.provider_id \
                 FROM participant_groups g JOIN contracts c ON c.id = g.contract_id";

            const SESSION: &str = "SELECT o.id, o.group_id, o.starts_at, o.minutes, o.room, \
                 o.teacher_id, u.display_name || ' (' || u.username || ')', o.module, x.reason, \
                 (SELECT COUNT(DISTINCT a.participant_id) FROM attendance_marks a \
                  WHERE a.session_id = o.id) \
                 FROM group_sessions o JOIN users u ON u.id = o.teacher_id \
                 LEFT JOIN session_cancellations x ON x.session_id = o.id";

            fn group(r: &<$db as sqlx::Database>::Row) -> Result<GroupRecord> {
                Ok(GroupRecord {
                    id: GroupId(r.try_get(0)?),
                    name: r.try_get(1)?,
                    contract: ContractId(r.try_get(2)?),
                    contract_name: r.try_get(3)?,
                    provider: ProviderId(r.try_get(4)?),
                })
            }

            fn session(r: &<$db as sqlx::Database>::Row) -> Result<StoredSession> {
                session_at(r, 0)
            }

            /// The session in the row's columns from `at` on.
            fn session_at(r: &<$db as sqlx::Database>::Row, at: usize) -> Result<StoredSession> {
                Ok(StoredSession {
                    id: r.try_get(at)?,
                    group: GroupId(r.try_get(at + 1)?),
                    starts: r.try_get(at + 2)?,
                    minutes: r.try_get(at + 3)?,
                    room: r.try_get(at + 4)?,
                    teacher: UserId(r.try_get(at + 5)?),
                    teacher_name: r.try_get(at + 6)?,
                    module: r.try_get(at + 7)?,
                    cancelled: r.try_get(at + 8)?,
                    marked: r.try_get(at + 9)?,
                })
            }

            #[async_trait]
            impl GroupStore for $store {
                async fn group(&self, id: GroupId) -> Result<Option<GroupRecord>> {
                    let sql = format!("{GROUP} WHERE g.id = $1");
                    sqlx::query(&sql)
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?
                        .as_ref()
                        .map(group)
                        .transpose()
                }

                async fn provider_groups(
                    &self,
                    provider: ProviderId,
                    today: NaiveDate,
                ) -> Result<Vec<(GroupRecord, i64)>> {
                    let sql = format!(
                        "SELECT g.id, g.name, g.contract_id, c.name, g.provider_id, \
                         (SELECT COUNT(*) FROM group_memberships m WHERE m.group_id = g.id \
                          AND m.valid_from <= $2 AND (m.valid_to IS NULL OR m.valid_to > $2)) \
                         FROM participant_groups g JOIN contracts c ON c.id = g.contract_id \
                         WHERE g.provider_id = $1 ORDER BY g.name, g.id"
                    );
                    sqlx::query(&sql)
                        .bind(provider.0)
                        .bind(today)
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(|r| Ok((group(r)?, r.try_get(5)?)))
                        .collect()
                }

                async fn group_members(
                    &self,
                    id: GroupId,
                    viewer: UserId,
                ) -> Result<Vec<StoredMember>> {
                    let rows = sqlx::query(
                        "SELECT m.participant_id, pt.person_key, pr.given_name, pr.family_name, \
                         pr.protection, m.valid_from, m.valid_to, m.override_reason, \
                         EXISTS (SELECT 1 FROM staff_assignments sa WHERE sa.user_id = $2 \
                                 AND sa.participant_id = m.participant_id), \
                         (SELECT MIN(st.valid_from) FROM participant_statuses st \
                          WHERE st.participant_id = m.participant_id AND st.status IN \
                          ('HAR_SLUTTET', 'FULLFORT', 'AVBRUTT', 'IKKE_AKTUELL', 'FEILREGISTRERT')) \
                         FROM group_memberships m JOIN participants pt ON pt.id = m.participant_id \
                         JOIN persons pr ON pr.key = pt.person_key \
                         WHERE m.group_id = $1 ORDER BY m.valid_from, m.id",
                    )
                    .bind(id.0)
                    .bind(viewer.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let protection: String = r.try_get(4)?;
                            let from: NaiveDate = r.try_get(5)?;
                            let to: Option<NaiveDate> = r.try_get(6)?;
                            // Ended on or before joining: the membership never ran (to = from).
                            let ended: Option<NaiveDate> =
                                r.try_get::<Option<NaiveDate>, _>(9)?.map(|e| e.max(from));
                            let to = match (to, ended) {
                                (Some(t), Some(e)) => Some(t.min(e)),
                                (t, e) => t.or(e),
                            };
                            Ok(StoredMember {
                                participant: ParticipantId(r.try_get(0)?),
                                person: PersonKey(r.try_get(1)?),
                                given_name: r.try_get(2)?,
                                family_name: r.try_get(3)?,
                                protection: s::protection(&protection)?,
                                from,
                                to,
                                override_reason: r.try_get(7)?,
                                viewer_assigned: r.try_get(8)?,
                            })
                        })
                        .collect()
                }

                async fn join_group(
                    &self,
                    m: &NewMembership,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let (group, participant, from) = (m.group, m.participant, m.from);
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // Writers of one group queue here (a row lock on PostgreSQL).
                    sqlx::query("UPDATE participant_groups SET id = id WHERE id = $1")
                        .bind(group.0)
                        .execute(&mut *tx)
                        .await?;
                    let count: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM group_memberships WHERE group_id = $1",
                    )
                    .bind(group.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    if usize::try_from(count).ok() != Some(m.checked) {
                        return Ok(false);
                    }
                    // A participant is in one group at a time: the one before ends that day.
                    sqlx::query(
                        "UPDATE group_memberships SET valid_to = $2 WHERE participant_id = $1 \
                         AND valid_to IS NULL AND valid_from < $2",
                    )
                    .bind(participant.0)
                    .bind(from)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO group_memberships (group_id, participant_id, valid_from, \
                         valid_to, override_reason, added_by, added_at) \
                         VALUES ($1, $2, $3, NULL, $4, $5, $6)",
                    )
                    .bind(group.0)
                    .bind(participant.0)
                    .bind(from)
                    .bind(m.override_reason.as_deref())
                    .bind(by.0)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("UPDATE participants SET group_id = $2 WHERE id = $1")
                        .bind(participant.0)
                        .bind(group.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn leave_group(&self, l: &$crate::groups::Leaving) -> Result<bool> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // Writers of one group queue here (a row lock on PostgreSQL).
                    sqlx::query("UPDATE participant_groups SET id = id WHERE id = $1")
                        .bind(l.group.0)
                        .execute(&mut *tx)
                        .await?;
                    let count: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM group_memberships WHERE group_id = $1",
                    )
                    .bind(l.group.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    if usize::try_from(count).ok() != Some(l.checked) {
                        return Ok(false);
                    }
                    let ended = sqlx::query(
                        "UPDATE group_memberships SET valid_to = $3 WHERE group_id = $1 \
                         AND participant_id = $2 AND valid_to IS NULL AND valid_from < $3",
                    )
                    .bind(l.group.0)
                    .bind(l.participant.0)
                    .bind(l.on)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if ended != 1 {
                        return Ok(false);
                    }
                    sqlx::query(
                        "UPDATE participants SET group_id = NULL WHERE id = $1 AND group_id = $2",
                    )
                    .bind(l.participant.0)
                    .bind(l.group.0)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn provider_teachers(
                    &self,
                    provider: ProviderId,
                ) -> Result<Vec<(UserId, String)>> {
                    let rows = sqlx::query(
                        "SELECT id, display_name || ' (' || username || ')' FROM users \
                         WHERE provider_id = $1 AND active \
                         AND role IN ('PROVIDER_STAFF', 'PROVIDER_ADMIN') \
                         ORDER BY display_name, id",
                    )
                    .bind(provider.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| Ok((UserId(r.try_get(0)?), r.try_get(1)?)))
                        .collect()
                }

                async fn group_sessions(&self, group: GroupId) -> Result<Vec<StoredSession>> {
                    let sql = format!("{SESSION} WHERE o.group_id = $1 ORDER BY o.starts_at, o.id");
                    sqlx::query(&sql)
                        .bind(group.0)
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(session)
                        .collect()
                }

                async fn group_session(&self, id: i64) -> Result<Option<StoredSession>> {
                    let sql = format!("{SESSION} WHERE o.id = $1");
                    sqlx::query(&sql)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .as_ref()
                        .map(session)
                        .transpose()
                }

                async fn provider_sessions_between(
                    &self,
                    provider: ProviderId,
                    from: NaiveDateTime,
                    to: NaiveDateTime,
                ) -> Result<Vec<StoredSession>> {
                    let sql = format!(
                        "{SESSION} JOIN participant_groups g ON g.id = o.group_id \
                         WHERE g.provider_id = $1 AND o.starts_at >= $2 AND o.starts_at < $3 \
                         AND x.reason IS NULL ORDER BY o.starts_at, o.id"
                    );
                    sqlx::query(&sql)
                        .bind(provider.0)
                        .bind(from)
                        .bind(to)
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(session)
                        .collect()
                }

                async fn plan_sessions(
                    &self,
                    group: GroupId,
                    checked: &CheckedWindow,
                    sessions: &[NewSession],
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<Option<Vec<i64>>> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // Planners of one provider queue here (a row lock on PostgreSQL; SQLite's
                    // write transaction already stands alone), then the window is read again.
                    sqlx::query("UPDATE providers SET id = id WHERE id = $1")
                        .bind(checked.provider.0)
                        .execute(&mut *tx)
                        .await?;
                    let now: Vec<i64> = sqlx::query_scalar(
                        "SELECT o.id FROM group_sessions o JOIN participant_groups g \
                         ON g.id = o.group_id WHERE g.provider_id = $1 AND o.starts_at >= $2 \
                         AND o.starts_at < $3 AND NOT EXISTS (SELECT 1 FROM session_cancellations x \
                         WHERE x.session_id = o.id) ORDER BY o.id",
                    )
                    .bind(checked.provider.0)
                    .bind(checked.from)
                    .bind(checked.to)
                    .fetch_all(&mut *tx)
                    .await?;
                    let mut seen = checked.sessions.clone();
                    seen.sort_unstable();
                    if now != seen {
                        return Ok(None);
                    }
                    let mut ids = Vec::with_capacity(sessions.len());
                    for n in sessions {
                        let room = match &n.session.place {
                            Place::Room(room) => Some(room.as_str()),
                            Place::Remote => None,
                        };
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO group_sessions (group_id, series, starts_at, minutes, \
                             room, teacher_id, module, created_by, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                        )
                        .bind(group.0)
                        .bind(n.series.as_deref())
                        .bind(n.session.starts)
                        .bind(i32::from(n.session.minutes))
                        .bind(room)
                        .bind(n.session.teacher.0)
                        .bind(n.session.module.code)
                        .bind(by.0)
                        .bind(at)
                        .fetch_one(&mut *tx)
                        .await?;
                        ids.push(id);
                    }
                    tx.commit().await?;
                    Ok(Some(ids))
                }

                async fn cancel_session(
                    &self,
                    session: i64,
                    reason: &str,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let written = sqlx::query(
                        "INSERT INTO session_cancellations (session_id, reason, cancelled_by, \
                         cancelled_at) SELECT $1, $2, $3, $4 WHERE NOT EXISTS \
                         (SELECT 1 FROM attendance_marks a WHERE a.session_id = $1) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(session)
                    .bind(reason)
                    .bind(by.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                    Ok(written == 1)
                }

                async fn attendance(&self, session: i64) -> Result<Vec<StoredMark>> {
                    let rows = sqlx::query(
                        "SELECT a.participant_id, a.presence, a.absence_reason, a.hours, \
                         a.correction, u.display_name || ' (' || u.username || ')', a.recorded_at \
                         FROM attendance_marks a JOIN users u ON u.id = a.recorded_by \
                         WHERE a.session_id = $1 AND a.id = (SELECT MAX(b.id) FROM attendance_marks b \
                         WHERE b.session_id = a.session_id AND b.participant_id = a.participant_id) \
                         ORDER BY a.participant_id",
                    )
                    .bind(session)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(StoredMark {
                                participant: ParticipantId(r.try_get(0)?),
                                presence: r.try_get(1)?,
                                absence_reason: r.try_get(2)?,
                                hours: r.try_get(3)?,
                                correction: r.try_get(4)?,
                                recorded_by: r.try_get(5)?,
                                recorded_at: r.try_get(6)?,
                            })
                        })
                        .collect()
                }

                async fn take_attendance(
                    &self,
                    session: i64,
                    marks: &[Mark],
                    correction: Option<&str>,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let cancelled: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM session_cancellations WHERE session_id = $1",
                    )
                    .bind(session)
                    .fetch_one(&mut *tx)
                    .await?;
                    if cancelled > 0 {
                        return Ok(false);
                    }
                    for m in marks {
                        let reason = match &m.presence {
                            Presence::Absent(r) => Some(r.code()),
                            _ => None,
                        };
                        sqlx::query(
                            "INSERT INTO attendance_marks (session_id, participant_id, presence, \
                             absence_reason, hours, correction, recorded_by, recorded_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        )
                        .bind(session)
                        .bind(m.participant.0)
                        .bind(m.presence.code())
                        .bind(reason)
                        .bind(m.hours.normalize().to_string())
                        .bind(correction)
                        .bind(by.0)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(true)
                }

                async fn teacher_sessions(
                    &self,
                    teacher: UserId,
                    from: NaiveDateTime,
                    to: NaiveDateTime,
                ) -> Result<Vec<TeacherSession>> {
                    let sql = format!(
                        "{SESSION} JOIN participant_groups g ON g.id = o.group_id \
                         JOIN contracts c ON c.id = g.contract_id WHERE o.teacher_id = $1 AND o.starts_at >= $2 AND o.starts_at < $3 \
                         ORDER BY o.starts_at, o.id"
                    );
                    let sql = sql.replacen("SELECT o.id,", "SELECT g.name, c.name, o.id,", 1);
                    sqlx::query(&sql)
                        .bind(teacher.0)
                        .bind(from)
                        .bind(to)
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(|r| {
                            Ok(TeacherSession {
                                session: session_at(r, 2)?,
                                group_name: r.try_get(0)?,
                                contract_name: r.try_get(1)?,
                            })
                        })
                        .collect()
                }

                async fn attendance_by_group(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<$crate::groups::GroupAttendance>> {
                    // Hours are exact decimals as text ('2.5'); whole minutes sum exactly.
                    let rows = sqlx::query(
                        "WITH newest AS (SELECT MAX(id) AS id FROM attendance_marks \
                         GROUP BY session_id, participant_id) \
                         SELECT g.provider_id, g.id, COUNT(DISTINCT a.participant_id), \
                         CAST(SUM(CAST(ROUND(CAST(a.hours AS NUMERIC) * 60) AS BIGINT)) AS BIGINT), \
                         CAST(SUM(o.minutes) AS BIGINT) \
                         FROM newest n JOIN attendance_marks a ON a.id = n.id \
                         JOIN group_sessions o ON o.id = a.session_id \
                         JOIN participant_groups g ON g.id = o.group_id \
                         WHERE g.contract_id = $1 GROUP BY g.provider_id, g.id \
                         ORDER BY g.provider_id, g.id",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok($crate::groups::GroupAttendance {
                                provider: ProviderId(r.try_get(0)?),
                                group: GroupId(r.try_get(1)?),
                                participants: r.try_get(2)?,
                                attended_minutes: r.try_get(3)?,
                                planned_minutes: r.try_get(4)?,
                            })
                        })
                        .collect()
                }

                async fn newest_mark(&self) -> Result<i64> {
                    Ok(sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM attendance_marks")
                        .fetch_one(&self.pool)
                        .await?)
                }

                async fn insert_term(
                    &self,
                    term: &[$crate::groups::TermSession],
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    self.insert_term_bulk(term, at).await
                }

                async fn attended_sessions(
                    &self,
                    participant: ParticipantId,
                ) -> Result<Vec<AttendedSession>> {
                    let rows = sqlx::query(
                        "SELECT o.starts_at, o.minutes, a.hours FROM attendance_marks a \
                         JOIN group_sessions o ON o.id = a.session_id \
                         WHERE a.participant_id = $1 AND a.id = (SELECT MAX(b.id) \
                         FROM attendance_marks b WHERE b.session_id = a.session_id \
                         AND b.participant_id = a.participant_id) ORDER BY o.starts_at",
                    )
                    .bind(participant.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(AttendedSession {
                                starts: r.try_get(0)?,
                                minutes: r.try_get(1)?,
                                hours: r.try_get(2)?,
                            })
                        })
                        .collect()
                }
            }
        };
    };
}

pub(crate) use impl_group_store;
