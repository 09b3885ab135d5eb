//! The bulk write of a term of sessions with their attendance (the demo at 100,000
//! participants), expanded per database by [`impl_bulk_term!`]: keys given in the
//! transaction, multi-row inserts in batches, the key sequences moved on after (PostgreSQL),
//! all or nothing.

/// Adds `insert_term_bulk` to `$store`.
macro_rules! impl_bulk_term {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};

            use $crate::error::Result;
            use $crate::groups::TermSession;
            use $crate::sql_bulk::bulk;

            impl $store {
                pub(crate) async fn insert_term_bulk(
                    &self,
                    term: &[TermSession],
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    Self::before_bulk_insert(&mut tx).await?;
                    let mut id: i64 =
                        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM group_sessions")
                            .fetch_one(&mut *tx)
                            .await?;
                    let mut mark: i64 =
                        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM attendance_marks")
                            .fetch_one(&mut *tx)
                            .await?;
                    let (mut sessions, mut marks) = (Vec::new(), Vec::new());
                    for s in term {
                        id += 1;
                        sessions.push((id, s));
                        for m in &s.marks {
                            mark += 1;
                            marks.push((mark, id, s, m));
                        }
                    }
                    bulk!($db, tx, "INSERT INTO group_sessions (id, group_id, series, starts_at, minutes, room, teacher_id, module, created_by, created_at) ", sessions, |q, x| {
                        let (id, s) = x;
                        q.push_bind(*id).push_bind(s.group.0).push_bind(s.series.as_str())
                            .push_bind(s.starts).push_bind(i32::from(s.minutes))
                            .push_bind(s.room.as_deref()).push_bind(s.teacher.0)
                            .push_bind(s.module).push_bind(s.teacher.0).push_bind(at);
                    });
                    bulk!($db, tx, "INSERT INTO attendance_marks (id, session_id, participant_id, presence, absence_reason, hours, correction, recorded_by, recorded_at) ", marks, |q, x| {
                        let (id, session, s, m) = x;
                        q.push_bind(*id).push_bind(*session).push_bind(m.participant.0)
                            .push_bind(m.presence).push_bind(m.reason).push_bind(m.hours.as_str())
                            .push_bind(None::<String>).push_bind(s.teacher.0).push_bind(at);
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

pub(crate) use impl_bulk_term;
