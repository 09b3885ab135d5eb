//! [`crate::interpreters::InterpreterStore`] in SQL (migration 0031), expanded per database
//! by [`impl_interpreter_store!`].

/// Implements [`crate::interpreters::InterpreterStore`] for `$store`.
macro_rules! impl_interpreter_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDateTime, Utc};
            use effekt_domain::ids::{
                ContractId, GroupId, ParticipantId, PersonKey, ProviderId, UserId,
            };
            use effekt_domain::interpreters::BookingState;
            use sqlx::Row;

            use $crate::error::{Result, StoreError};
            use $crate::interpreters::{
                CheckedBookings, InterpreterStore, NewBooking, Served, Serves, StoredBooking,
            };
            use $crate::sql_parts as s;

            const BOOKING: &str = "SELECT b.id, b.provider_id, b.contract_id, c.name, \
                 b.session_id, b.participant_id, g.id, g.name, b.language, b.interpreter, \
                 b.starts_at, b.minutes, b.mode, b.qualification, b.cost_ore, st.state, \
                 st.reason, b.booked_by, u.display_name || ' (' || u.username || ')', b.booked_at \
                 FROM interpreter_bookings b JOIN contracts c ON c.id = b.contract_id \
                 JOIN users u ON u.id = b.booked_by \
                 LEFT JOIN group_sessions o ON o.id = b.session_id \
                 LEFT JOIN participant_groups g ON g.id = o.group_id \
                 LEFT JOIN interpreter_booking_steps st ON st.id = (SELECT MAX(z.id) \
                 FROM interpreter_booking_steps z WHERE z.booking_id = b.id)";

            fn booking(r: &<$db as sqlx::Database>::Row) -> Result<StoredBooking> {
                let session: Option<i64> = r.try_get(4)?;
                let participant: Option<i64> = r.try_get(5)?;
                let serves = match (session, participant) {
                    (Some(o), _) => Serves::Session(o),
                    (None, Some(p)) => Serves::Participant(ParticipantId(p)),
                    (None, None) => {
                        return Err(StoreError::Corrupt("a booking serves nobody".into()))
                    }
                };
                let group: Option<i64> = r.try_get(6)?;
                let group_name: Option<String> = r.try_get(7)?;
                let state: Option<String> = r.try_get(15)?;
                let state = match state {
                    None => BookingState::Requested,
                    Some(code) => BookingState::from_code(&code).ok_or_else(|| {
                        StoreError::Corrupt(format!("booking state {code}"))
                    })?,
                };
                Ok(StoredBooking {
                    id: r.try_get(0)?,
                    provider: ProviderId(r.try_get(1)?),
                    contract: ContractId(r.try_get(2)?),
                    contract_name: r.try_get(3)?,
                    serves,
                    group: group.map(GroupId).zip(group_name),
                    language: r.try_get(8)?,
                    interpreter: r.try_get(9)?,
                    starts: r.try_get(10)?,
                    minutes: r.try_get(11)?,
                    mode: r.try_get(12)?,
                    qualification: r.try_get(13)?,
                    cost_ore: r.try_get(14)?,
                    state,
                    cancel_reason: r.try_get(16)?,
                    booked_by: UserId(r.try_get(17)?),
                    booked_by_name: r.try_get(18)?,
                    booked_at: r.try_get(19)?,
                })
            }

            #[async_trait]
            impl InterpreterStore for $store {
                async fn provider_bookings(
                    &self,
                    provider: ProviderId,
                ) -> Result<Vec<StoredBooking>> {
                    let sql =
                        format!("{BOOKING} WHERE b.provider_id = $1 ORDER BY b.starts_at, b.id");
                    sqlx::query(&sql)
                        .bind(provider.0)
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(booking)
                        .collect()
                }

                async fn interpreter_booking(&self, id: i64) -> Result<Option<StoredBooking>> {
                    let sql = format!("{BOOKING} WHERE b.id = $1");
                    sqlx::query(&sql)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .as_ref()
                        .map(booking)
                        .transpose()
                }

                async fn bookings_between(
                    &self,
                    provider: ProviderId,
                    from: NaiveDateTime,
                    to: NaiveDateTime,
                ) -> Result<Vec<StoredBooking>> {
                    let sql = format!(
                        "{BOOKING} WHERE b.provider_id = $1 AND b.starts_at >= $2 \
                         AND b.starts_at < $3 AND (st.state IS NULL OR st.state <> 'AVBESTILT') \
                         ORDER BY b.starts_at, b.id"
                    );
                    sqlx::query(&sql)
                        .bind(provider.0)
                        .bind(from)
                        .bind(to)
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(booking)
                        .collect()
                }

                async fn requested_bookings(
                    &self,
                    booked_by: UserId,
                    from: NaiveDateTime,
                ) -> Result<Vec<StoredBooking>> {
                    let sql = format!(
                        "{BOOKING} WHERE b.booked_by = $1 AND b.starts_at >= $2 \
                         AND st.state IS NULL ORDER BY b.starts_at, b.id"
                    );
                    sqlx::query(&sql)
                        .bind(booked_by.0)
                        .bind(from)
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(booking)
                        .collect()
                }

                async fn book_interpreter(
                    &self,
                    new: &NewBooking,
                    checked: &CheckedBookings,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<Option<i64>> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // Bookers of one provider queue here (a row lock on PostgreSQL).
                    sqlx::query("UPDATE providers SET id = id WHERE id = $1")
                        .bind(checked.provider.0)
                        .execute(&mut *tx)
                        .await?;
                    let now: Vec<i64> = sqlx::query_scalar(
                        "SELECT b.id FROM interpreter_bookings b WHERE b.provider_id = $1 \
                         AND b.starts_at >= $2 AND b.starts_at < $3 AND NOT EXISTS \
                         (SELECT 1 FROM interpreter_booking_steps z WHERE z.booking_id = b.id \
                          AND z.state = 'AVBESTILT') ORDER BY b.id",
                    )
                    .bind(checked.provider.0)
                    .bind(checked.from)
                    .bind(checked.to)
                    .fetch_all(&mut *tx)
                    .await?;
                    let mut seen = checked.bookings.clone();
                    seen.sort_unstable();
                    if now != seen {
                        return Ok(None);
                    }
                    let (session, participant) = match new.serves {
                        Serves::Session(o) => (Some(o), None),
                        Serves::Participant(p) => (None, Some(p.0)),
                    };
                    let b = &new.booking;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO interpreter_bookings (provider_id, contract_id, session_id, \
                         participant_id, language, interpreter, starts_at, minutes, mode, \
                         qualification, cost_ore, booked_by, booked_at) VALUES \
                         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                    )
                    .bind(new.provider.0)
                    .bind(new.contract.0)
                    .bind(session)
                    .bind(participant)
                    .bind(&b.language)
                    .bind(&b.interpreter)
                    .bind(b.starts)
                    .bind(i32::from(b.minutes))
                    .bind(b.mode.code())
                    .bind(b.qualification.code())
                    .bind(b.cost.ore())
                    .bind(by.0)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(Some(id))
                }

                async fn step_booking(
                    &self,
                    id: i64,
                    from: BookingState,
                    to: BookingState,
                    reason: Option<&str>,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    // Steps on one provider's bookings queue here (a row lock on PostgreSQL).
                    sqlx::query(
                        "UPDATE providers SET id = id WHERE id = \
                         (SELECT provider_id FROM interpreter_bookings WHERE id = $1)",
                    )
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    let written = sqlx::query(
                        "INSERT INTO interpreter_booking_steps (booking_id, state, reason, \
                         taken_by, taken_at) SELECT $1, $2, $3, $4, $5 WHERE COALESCE((SELECT \
                         z.state FROM interpreter_booking_steps z WHERE z.booking_id = $1 \
                         ORDER BY z.id DESC LIMIT 1), 'BESTILT') = $6",
                    )
                    .bind(id)
                    .bind(to.code())
                    .bind(reason)
                    .bind(by.0)
                    .bind(at)
                    .bind(from.code())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    tx.commit().await?;
                    Ok(written == 1)
                }

                async fn booking_participants(
                    &self,
                    provider: ProviderId,
                    viewer: UserId,
                ) -> Result<Vec<Served>> {
                    const PERSON: &str = "pt.id, pt.person_key, pr.given_name, \
                         pr.family_name, pr.protection, EXISTS (SELECT 1 FROM staff_assignments \
                         sa WHERE sa.user_id = $2 AND sa.participant_id = pt.id)";
                    let sql = format!(
                        "SELECT b.id, {PERSON} FROM interpreter_bookings b \
                         JOIN participants pt ON pt.id = b.participant_id \
                         JOIN persons pr ON pr.key = pt.person_key WHERE b.provider_id = $1 \
                         UNION ALL \
                         SELECT b.id, {PERSON} FROM interpreter_bookings b \
                         JOIN attendance_marks a ON a.session_id = b.session_id \
                         JOIN participants pt ON pt.id = a.participant_id \
                         JOIN persons pr ON pr.key = pt.person_key WHERE b.provider_id = $1 \
                         AND a.presence IN ('TILSTEDE', 'DIGITALT') AND a.id = (SELECT MAX(z.id) \
                         FROM attendance_marks z WHERE z.session_id = a.session_id \
                         AND z.participant_id = a.participant_id) ORDER BY 1, 2"
                    );
                    let rows = sqlx::query(&sql)
                        .bind(provider.0)
                        .bind(viewer.0)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter()
                        .map(|r| {
                            let protection: String = r.try_get(5)?;
                            Ok(Served {
                                booking: r.try_get(0)?,
                                participant: ParticipantId(r.try_get(1)?),
                                person: PersonKey(r.try_get(2)?),
                                given_name: r.try_get(3)?,
                                family_name: r.try_get(4)?,
                                protection: s::protection(&protection)?,
                                viewer_assigned: r.try_get(6)?,
                            })
                        })
                        .collect()
                }
            }
        };
    };
}

pub(crate) use impl_interpreter_store;
