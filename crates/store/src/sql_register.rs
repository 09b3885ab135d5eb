//! Register snapshots and contract outcome definitions in SQL, expanded per database by
//! [`impl_register_store!`]: importing a validated snapshot in one transaction (all of it or
//! nothing), listing the versions, and reading participants' register timelines through every
//! national id their person has held.

/// Adds the register methods to `$store` (a struct with a `pool: sqlx::Pool<$db>` field); the
/// [`crate::Store`] implementation calls them.
macro_rules! impl_register_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use std::collections::HashMap;
            use std::str::FromStr;

            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::ids::{ContractId, ParticipantId, PersonKey, ProviderId};
            use effekt_domain::orgnr::OrgNr;
            use effekt_domain::outcomes::timeline::{
                BenefitSpell, BenefitType, Cefr, EducationSpell, EmploymentSpell, LanguageTest,
                RecordedEvent, Skill, SpellId, Timeline,
            };
            use effekt_domain::outcomes::Definition;
            use effekt_domain::register::Register;
            use rust_decimal::Decimal;
            use sqlx::Row;

            use $crate::error::{corrupt, Result, StoreError};
            use $crate::model::{
                ImportOutcome, ParticipantScope, ParticipantTimeline, SnapshotRecord,
            };
            use $crate::sql_parts::{self as s, Param};

            /// Rows per multi-row INSERT: as many as fit in SQLite's 32,766 bound parameters.
            const fn batch(columns: usize) -> usize {
                30_000 / columns
            }

            const SNAPSHOT_COLUMNS: &str =
                "id, snapshot_key, cutoff, content_hash, person_count, row_count, imported_at";

            fn snapshot_from_row(row: &<$db as sqlx::Database>::Row) -> Result<SnapshotRecord> {
                let count = |i: usize| -> Result<u64> {
                    u64::try_from(row.try_get::<i64, _>(i)?).map_err(corrupt)
                };
                Ok(SnapshotRecord {
                    id: row.try_get(0)?,
                    key: row.try_get(1)?,
                    cutoff: row.try_get(2)?,
                    content_hash: row.try_get(3)?,
                    person_count: count(4)?,
                    row_count: count(5)?,
                    imported_at: row.try_get(6)?,
                })
            }

            fn count(n: usize) -> i64 {
                i64::try_from(n).unwrap_or(i64::MAX)
            }

            fn bind<'q>(
                mut q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
                params: &[Param],
            ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
                for p in params {
                    q = match p {
                        Param::I64(v) => q.bind(*v),
                        Param::Text(t) => q.bind(t.clone()),
                    };
                }
                q
            }

            /// `$1` is the snapshot; the scope is `$2` and an optional participant `$3`.
            fn participant_filter(
                scope: ParticipantScope,
                only: Option<ParticipantId>,
            ) -> (String, Vec<Param>) {
                let (clause, param) = s::scope_clause(scope, 2);
                match only {
                    Some(id) => (
                        format!("{clause} AND pt.id = $3"),
                        vec![param, Param::I64(id.0)],
                    ),
                    None => (clause, vec![param]),
                }
            }

            /// Every spell row of `table` for the participants in the filter, found through
            /// every national id of their person.
            fn spells_sql(columns: &str, table: &str, filter: &str) -> String {
                format!(
                    "SELECT pt.id, {columns} FROM participants pt \
                     JOIN person_ids i ON i.person_key = pt.person_key \
                     JOIN {table} r ON r.snapshot_id = $1 AND r.person_id = i.national_id \
                     WHERE {filter}"
                )
            }

            fn push_person<'a>(
                b: &mut sqlx::query_builder::Separated<'_, 'a, $db, &'static str>,
                snapshot: i64,
                person_id: &'a str,
                p: &'a effekt_domain::register::RegisterPerson,
            ) {
                b.push_bind(snapshot)
                    .push_bind(person_id)
                    .push_bind(i64::from(p.birth_year))
                    .push_bind(p.sex.as_str())
                    .push_bind(p.country_group.as_str())
                    .push_bind(p.arrival_year.map(i64::from))
                    .push_bind(p.municipality.as_str())
                    .push_bind(p.education_level.as_str())
                    .push_bind(p.index_date);
            }

            /// Rows of COPY text sent at a time.
            const COPY_CHUNK: usize = 8 << 20;

            /// One text field in COPY text format, tab-terminated (the last one newline).
            fn copy_field(out: &mut String, value: &str, last: bool) {
                for c in value.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\t' => out.push_str("\\t"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        c => out.push(c),
                    }
                }
                out.push(if last { '\n' } else { '\t' });
            }

            fn copy_opt(out: &mut String, value: Option<&str>, last: bool) {
                match value {
                    Some(v) => copy_field(out, v, last),
                    None => {
                        out.push_str("\\N");
                        out.push(if last { '\n' } else { '\t' });
                    }
                }
            }

            fn date_opt(row: &<$db as sqlx::Database>::Row, i: usize) -> Result<Option<NaiveDate>> {
                Ok(row.try_get(i)?)
            }

            impl $store {
                pub(crate) async fn register_snapshots_sql(&self) -> Result<Vec<SnapshotRecord>> {
                    let rows = sqlx::query(&format!(
                        "SELECT {SNAPSHOT_COLUMNS} FROM register_snapshots \
                         ORDER BY cutoff DESC, id DESC"
                    ))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(snapshot_from_row).collect()
                }

                pub(crate) async fn import_register_sql(
                    &self,
                    register: &Register,
                    content_hash: &str,
                    now: DateTime<Utc>,
                    progress: &(dyn Fn(u64) + Send + Sync),
                ) -> Result<ImportOutcome> {
                    // It reads before it writes: on SQLite the write lock is taken up front, or
                    // another writer in between would make the upgrade fail at once.
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    Self::before_bulk_insert(&mut tx).await?;
                    let key = register.snapshot.id.as_str();
                    let existing = sqlx::query(&format!(
                        "SELECT {SNAPSHOT_COLUMNS} FROM register_snapshots WHERE snapshot_key = $1"
                    ))
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some(row) = existing {
                        let record = snapshot_from_row(&row)?;
                        if record.content_hash == content_hash {
                            return Ok(ImportOutcome::Unchanged(record));
                        }
                        return Err(StoreError::Conflict(format!(
                            "the snapshot {key:?} was imported on {} from other files; \
                             a changed snapshot needs a new snapshot_id",
                            record.imported_at.format("%Y-%m-%d %H:%M UTC")
                        )));
                    }
                    let rows = register.row_count();
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO register_snapshots \
                         (snapshot_key, cutoff, content_hash, person_count, row_count, imported_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(key)
                    .bind(register.snapshot.cutoff)
                    .bind(content_hash)
                    .bind(count(register.persons.len()))
                    .bind(i64::try_from(rows).unwrap_or(i64::MAX))
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    let ids: Vec<String> =
                        register.persons.iter().map(|p| p.id.to_string()).collect();
                    let mut done = 0u64;
                    let mut advance = |n: usize| {
                        done += u64::try_from(n).unwrap_or(0);
                        progress(done);
                    };

                    // Rows are gathered person by person (in id order, so the clustered keys
                    // grow) and written when a batch is full. Plain loops, not iterator
                    // adaptors: closures held across an await break the future's `Send`.
                    macro_rules! flush {
                        ($head:expr, $buffer:ident, |$b:ident, $x:ident| $body:block) => {{
                            let mut qb = sqlx::QueryBuilder::<$db>::new($head);
                            qb.push_values(&$buffer, |mut $b, $x| $body);
                            qb.build().execute(&mut *tx).await?;
                            advance($buffer.len());
                            $buffer.clear();
                        }};
                    }
                    macro_rules! insert_spells {
                        ($head:expr, $copy:expr, $columns:expr, $field:ident,
                         |$b:ident, $x:ident| $body:block, |$out:ident, $y:ident| $text:block) => {{
                            if Self::COPY {
                                let mut text = String::with_capacity(COPY_CHUNK + (1 << 16));
                                let mut rows = 0usize;
                                for (pid, p) in ids.iter().zip(register.persons.iter()) {
                                    for spell in p.timeline.$field.iter() {
                                        {
                                            let $out = &mut text;
                                            let $y = (pid, spell);
                                            $text
                                        }
                                        rows += 1;
                                        if text.len() >= COPY_CHUNK {
                                            Self::copy_rows(&mut tx, $copy, &text).await?;
                                            advance(rows);
                                            rows = 0;
                                            text.clear();
                                        }
                                    }
                                }
                                if !text.is_empty() {
                                    Self::copy_rows(&mut tx, $copy, &text).await?;
                                    advance(rows);
                                }
                            } else {
                                let size = batch($columns);
                                let mut buffer = Vec::with_capacity(size);
                                for (pid, p) in ids.iter().zip(register.persons.iter()) {
                                    for spell in p.timeline.$field.iter() {
                                        buffer.push((pid, spell));
                                        if buffer.len() == size {
                                            flush!($head, buffer, |$b, $x| $body);
                                        }
                                    }
                                }
                                if !buffer.is_empty() {
                                    flush!($head, buffer, |$b, $x| $body);
                                }
                            }
                        }};
                    }

                    let snapshot = id.to_string();
                    if Self::COPY {
                        let mut text = String::with_capacity(COPY_CHUNK + (1 << 16));
                        let mut rows = 0usize;
                        const COPY_PERSONS: &str = "COPY register_persons (snapshot_id, person_id, \
                             birth_year, sex, country_group, arrival_year, municipality, \
                             education_level, index_date) FROM STDIN";
                        for (pid, p) in ids.iter().zip(register.persons.iter()) {
                            copy_field(&mut text, &snapshot, false);
                            copy_field(&mut text, pid, false);
                            copy_field(&mut text, &p.birth_year.to_string(), false);
                            copy_field(&mut text, &p.sex, false);
                            copy_field(&mut text, &p.country_group, false);
                            copy_opt(&mut text, p.arrival_year.map(|y| y.to_string()).as_deref(), false);
                            copy_field(&mut text, &p.municipality, false);
                            copy_field(&mut text, &p.education_level, false);
                            copy_field(&mut text, &p.index_date.to_string(), true);
                            rows += 1;
                            if text.len() >= COPY_CHUNK {
                                Self::copy_rows(&mut tx, COPY_PERSONS, &text).await?;
                                advance(rows);
                                rows = 0;
                                text.clear();
                            }
                        }
                        if !text.is_empty() {
                            Self::copy_rows(&mut tx, COPY_PERSONS, &text).await?;
                            advance(rows);
                        }
                    } else {
                        const PERSONS: &str = "INSERT INTO register_persons (snapshot_id, person_id, \
                             birth_year, sex, country_group, arrival_year, municipality, \
                             education_level, index_date) ";
                        let size = batch(9);
                        let mut buffer = Vec::with_capacity(size);
                        for x in ids.iter().zip(register.persons.iter()) {
                            buffer.push(x);
                            if buffer.len() == size {
                                flush!(PERSONS, buffer, |b, x| { push_person(&mut b, id, x.0, x.1); });
                            }
                        }
                        if !buffer.is_empty() {
                            flush!(PERSONS, buffer, |b, x| { push_person(&mut b, id, x.0, x.1); });
                        }
                    }
                    insert_spells!(
                        "INSERT INTO register_employment (snapshot_id, person_id, spell_id, \
                         employer_orgnr, start_date, end_date, fte_percent, subsidised) ",
                        "COPY register_employment (snapshot_id, person_id, spell_id, \
                         employer_orgnr, start_date, end_date, fte_percent, subsidised) FROM STDIN",
                        8,
                        employment,
                        |b, x| {
                            let (pid, e) = x;
                            b.push_bind(id).push_bind(pid.as_str()).push_bind(e.id.as_str())
                                .push_bind(e.employer.as_str()).push_bind(e.start).push_bind(e.end)
                                .push_bind(e.fte.normalize().to_string()).push_bind(e.subsidised);
                        },
                        |out, y| {
                            let (pid, e) = y;
                            copy_field(out, &snapshot, false);
                            copy_field(out, pid, false);
                            copy_field(out, &e.id, false);
                            copy_field(out, e.employer.as_str(), false);
                            copy_field(out, &e.start.to_string(), false);
                            copy_opt(out, e.end.map(|d| d.to_string()).as_deref(), false);
                            copy_field(out, &e.fte.normalize().to_string(), false);
                            copy_field(out, if e.subsidised { "t" } else { "f" }, true);
                        }
                    );
                    insert_spells!(
                        "INSERT INTO register_benefits (snapshot_id, person_id, spell_id, kind, \
                         start_date, end_date) ",
                        "COPY register_benefits (snapshot_id, person_id, spell_id, kind, \
                         start_date, end_date) FROM STDIN",
                        6,
                        benefits,
                        |b, x| {
                            let (pid, e) = x;
                            b.push_bind(id).push_bind(pid.as_str()).push_bind(e.id.as_str())
                                .push_bind(e.kind.code()).push_bind(e.start).push_bind(e.end);
                        },
                        |out, y| {
                            let (pid, e) = y;
                            copy_field(out, &snapshot, false);
                            copy_field(out, pid, false);
                            copy_field(out, &e.id, false);
                            copy_field(out, e.kind.code(), false);
                            copy_field(out, &e.start.to_string(), false);
                            copy_opt(out, e.end.map(|d| d.to_string()).as_deref(), true);
                        }
                    );
                    insert_spells!(
                        "INSERT INTO register_education (snapshot_id, person_id, spell_id, \
                         start_date, end_date) ",
                        "COPY register_education (snapshot_id, person_id, spell_id, \
                         start_date, end_date) FROM STDIN",
                        5,
                        education,
                        |b, x| {
                            let (pid, e) = x;
                            b.push_bind(id).push_bind(pid.as_str()).push_bind(e.id.as_str())
                                .push_bind(e.start).push_bind(e.end);
                        },
                        |out, y| {
                            let (pid, e) = y;
                            copy_field(out, &snapshot, false);
                            copy_field(out, pid, false);
                            copy_field(out, &e.id, false);
                            copy_field(out, &e.start.to_string(), false);
                            copy_opt(out, e.end.map(|d| d.to_string()).as_deref(), true);
                        }
                    );
                    insert_spells!(
                        "INSERT INTO register_language_tests (snapshot_id, person_id, test_id, \
                         test_date, skill, level) ",
                        "COPY register_language_tests (snapshot_id, person_id, test_id, \
                         test_date, skill, level) FROM STDIN",
                        6,
                        language_tests,
                        |b, x| {
                            let (pid, t) = x;
                            b.push_bind(id).push_bind(pid.as_str()).push_bind(t.id.as_str())
                                .push_bind(t.date).push_bind(t.skill.code()).push_bind(t.level.code());
                        },
                        |out, y| {
                            let (pid, t) = y;
                            copy_field(out, &snapshot, false);
                            copy_field(out, pid, false);
                            copy_field(out, &t.id, false);
                            copy_field(out, &t.date.to_string(), false);
                            copy_field(out, t.skill.code(), false);
                            copy_field(out, t.level.code(), true);
                        }
                    );
                    Self::after_bulk_insert(&mut tx).await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    self.after_bulk_commit().await?;
                    let row = sqlx::query(&format!(
                        "SELECT {SNAPSHOT_COLUMNS} FROM register_snapshots WHERE id = $1"
                    ))
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
                    Ok(ImportOutcome::Imported(snapshot_from_row(&row)?))
                }

                pub(crate) async fn participant_timelines_sql(
                    &self,
                    scope: ParticipantScope,
                    only: Option<ParticipantId>,
                    snapshot: i64,
                ) -> Result<Vec<ParticipantTimeline>> {
                    let (filter, params) = participant_filter(scope, only);
                    let snapshot_param = [Param::I64(snapshot)];
                    let all: Vec<Param> = snapshot_param.into_iter().chain(params).collect();
                    let base = format!(
                        "SELECT pt.id, pt.person_key, pt.contract_id, pt.provider_id, pv.name, \
                         pt.index_date, EXISTS (SELECT 1 FROM person_ids i \
                         JOIN register_persons rp ON rp.snapshot_id = $1 AND rp.person_id = i.national_id \
                         WHERE i.person_key = pt.person_key) \
                         FROM participants pt JOIN providers pv ON pv.id = pt.provider_id \
                         WHERE {filter} ORDER BY pt.id"
                    );
                    let rows = bind(sqlx::query(&base), &all).fetch_all(&self.pool).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    let mut position = HashMap::with_capacity(rows.len());
                    for r in &rows {
                        let participant: i64 = r.try_get(0)?;
                        position.insert(participant, out.len());
                        out.push(ParticipantTimeline {
                            participant: ParticipantId(participant),
                            person: PersonKey(r.try_get(1)?),
                            contract: ContractId(r.try_get(2)?),
                            provider: ProviderId(r.try_get(3)?),
                            provider_name: r.try_get(4)?,
                            index_date: date_opt(r, 5)?,
                            in_register: r.try_get(6)?,
                            timeline: Timeline::default(),
                        });
                    }
                    let slot = |r: &<$db as sqlx::Database>::Row| -> Result<Option<usize>> {
                        Ok(position.get(&r.try_get::<i64, _>(0)?).copied())
                    };
                    let spell_id = |r: &<$db as sqlx::Database>::Row| -> Result<SpellId> {
                        Ok(SpellId::from(r.try_get::<String, _>(1)?))
                    };

                    let sql = spells_sql(
                        "r.spell_id, r.employer_orgnr, r.start_date, r.end_date, r.fte_percent, r.subsidised",
                        "register_employment",
                        &filter,
                    );
                    for r in bind(sqlx::query(&sql), &all).fetch_all(&self.pool).await? {
                        let Some(i) = slot(&r)? else { continue };
                        let employer: String = r.try_get(2)?;
                        let fte: String = r.try_get(5)?;
                        let spell = EmploymentSpell {
                            id: spell_id(&r)?,
                            employer: OrgNr::parse(&employer).map_err(corrupt)?,
                            start: r.try_get(3)?,
                            end: date_opt(&r, 4)?,
                            fte: Decimal::from_str(&fte).map_err(corrupt)?,
                            subsidised: r.try_get(6)?,
                        };
                        out[i].timeline.employment.push(spell);
                    }
                    let sql = spells_sql(
                        "r.spell_id, r.kind, r.start_date, r.end_date",
                        "register_benefits",
                        &filter,
                    );
                    for r in bind(sqlx::query(&sql), &all).fetch_all(&self.pool).await? {
                        let Some(i) = slot(&r)? else { continue };
                        let kind: String = r.try_get(2)?;
                        let spell = BenefitSpell {
                            id: spell_id(&r)?,
                            kind: BenefitType::from_code(&kind)
                                .ok_or_else(|| corrupt(format!("benefit type {kind:?}")))?,
                            start: r.try_get(3)?,
                            end: date_opt(&r, 4)?,
                        };
                        out[i].timeline.benefits.push(spell);
                    }
                    let sql = spells_sql(
                        "r.spell_id, r.start_date, r.end_date",
                        "register_education",
                        &filter,
                    );
                    for r in bind(sqlx::query(&sql), &all).fetch_all(&self.pool).await? {
                        let Some(i) = slot(&r)? else { continue };
                        let spell = EducationSpell {
                            id: spell_id(&r)?,
                            start: r.try_get(2)?,
                            end: date_opt(&r, 3)?,
                        };
                        out[i].timeline.education.push(spell);
                    }
                    let sql = spells_sql(
                        "r.test_id, r.test_date, r.skill, r.level",
                        "register_language_tests",
                        &filter,
                    );
                    for r in bind(sqlx::query(&sql), &all).fetch_all(&self.pool).await? {
                        let Some(i) = slot(&r)? else { continue };
                        let skill: String = r.try_get(3)?;
                        let level: String = r.try_get(4)?;
                        let test = LanguageTest {
                            id: spell_id(&r)?,
                            date: r.try_get(2)?,
                            skill: Skill::from_code(&skill)
                                .ok_or_else(|| corrupt(format!("skill {skill:?}")))?,
                            level: Cefr::from_code(&level)
                                .ok_or_else(|| corrupt(format!("CEFR level {level:?}")))?,
                        };
                        out[i].timeline.language_tests.push(test);
                    }
                    // Provider evidence: the newest row of each record, unless withdrawn.
                    let sql = format!(
                        "SELECT pt.id, e.record_id, e.identifier, e.achieved_on, e.score, \
                         (e.verified_by IS NOT NULL) FROM participants pt \
                         JOIN provider_evidence e ON e.participant_id = pt.id \
                         WHERE {filter} AND $1 IS NOT NULL AND NOT e.retracted AND e.id = \
                         (SELECT MAX(e2.id) FROM provider_evidence e2 \
                          WHERE e2.participant_id = e.participant_id AND e2.record_id = e.record_id)"
                    );
                    for r in bind(sqlx::query(&sql), &all).fetch_all(&self.pool).await? {
                        let Some(i) = slot(&r)? else { continue };
                        let score: Option<String> = r.try_get(4)?;
                        out[i].timeline.events.push(RecordedEvent {
                            id: r.try_get(1)?,
                            kind: r.try_get(2)?,
                            date: r.try_get(3)?,
                            score: score
                                .map(|s| Decimal::from_str(&s))
                                .transpose()
                                .map_err(corrupt)?,
                            verified: r.try_get(5)?,
                        });
                    }
                    Ok(out)
                }

                pub(crate) async fn set_contract_outcomes_sql(
                    &self,
                    contract: ContractId,
                    definitions: &[Definition],
                ) -> Result<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    sqlx::query("DELETE FROM contract_outcomes WHERE contract_id = $1")
                        .bind(contract.0)
                        .execute(&mut *tx)
                        .await?;
                    for (seq, d) in definitions.iter().enumerate() {
                        let json = serde_json::to_string(d).map_err(corrupt)?;
                        sqlx::query(
                            "INSERT INTO contract_outcomes (contract_id, seq, name, definition) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(contract.0)
                        .bind(count(seq))
                        .bind(d.name.as_str())
                        .bind(json)
                        .execute(&mut *tx)
                        .await?;
                    }
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }

                pub(crate) async fn contract_outcomes_sql(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<Definition>> {
                    let rows = sqlx::query(
                        "SELECT definition FROM contract_outcomes WHERE contract_id = $1 ORDER BY seq",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let json: String = r.try_get(0)?;
                            serde_json::from_str(&json).map_err(corrupt)
                        })
                        .collect()
                }
            }
        };
    };
}

pub(crate) use impl_register_store;
