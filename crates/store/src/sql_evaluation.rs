//! [`crate::evaluation::EvaluationStore`] in SQL (migration 0033), expanded per database by
//! [`impl_evaluation_store!`]. A plan's next version is numbered inside the inserting
//! transaction, so two evaluators registering at once get two versions, never one twice.

/// Implements [`crate::evaluation::EvaluationStore`] for `$store`.
macro_rules! impl_evaluation_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use std::str::FromStr;

            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::contract::cohort::CertifiedFigure;
            use effekt_domain::ids::{ContractId, ParticipantId, PersonKey, UserId};
            use effekt_domain::national_id::NationalId;
            use effekt_domain::orgnr::OrgNr;
            use effekt_domain::outcomes::timeline::{
                BenefitSpell, BenefitType, Cefr, EducationSpell, EmploymentSpell, LanguageTest,
                Skill, Snapshot, SpellId, Timeline,
            };
            use effekt_domain::register::{Register, RegisterPerson};
            use futures_util::TryStreamExt;
            use rust_decimal::Decimal;
            use sqlx::Row;

            use $crate::error::{corrupt, Result};
            use $crate::evaluation::{
                EvaluationParticipant, EvaluationStore, FigureSource, NewRun, PlanRecord,
                Provenance, RunLabel, RunRecord,
            };
            use $crate::sql_parts as s;

            const RUN_COLUMNS: &str = "r.id, r.contract_id, r.plan_version, r.snapshot_id, \
                 rs.snapshot_key, r.effekt_version, r.settings, r.label, r.result, \
                 u.display_name, r.run_at, p.display_name, r.published_at";

            fn run_from_row(r: &<$db as sqlx::Database>::Row) -> Result<RunRecord> {
                let label: String = r.try_get(7)?;
                Ok(RunRecord {
                    id: r.try_get(0)?,
                    contract: ContractId(r.try_get(1)?),
                    plan_version: u32::try_from(r.try_get::<i64, _>(2)?).map_err(corrupt)?,
                    snapshot: r.try_get(3)?,
                    snapshot_key: r.try_get(4)?,
                    effekt_version: r.try_get(5)?,
                    settings: r.try_get(6)?,
                    label: RunLabel::from_code(&label)
                        .ok_or_else(|| corrupt(format!("run label {label:?}")))?,
                    result: r.try_get(8)?,
                    run_by: r.try_get(9)?,
                    run_at: r.try_get(10)?,
                    published_by: r.try_get(11)?,
                    published_at: r.try_get(12)?,
                })
            }

            /// Where a spell row's person is among `keys` (sorted): the row after the last
            /// one found when rows come in the same order, else a search.
            fn owner(keys: &[String], cursor: &mut usize, id: &str) -> Option<usize> {
                if keys.get(*cursor).is_some_and(|k| k == id) {
                    return Some(*cursor);
                }
                if keys.get(*cursor + 1).is_some_and(|k| k == id) {
                    *cursor += 1;
                    return Some(*cursor);
                }
                let found = keys.binary_search_by(|k| k.as_str().cmp(id)).ok()?;
                *cursor = found;
                Some(found)
            }


            /// Concurrent readers of a snapshot's spells.
            const READERS: usize = 4;

            #[derive(Clone, Copy)]
            enum Table {
                Employment,
                Benefits,
                Education,
                Language,
            }

            enum Spell {
                Employment(EmploymentSpell),
                Benefit(BenefitSpell),
                Education(EducationSpell),
                Language(LanguageTest),
            }

            /// `parts` ranges of person ids [from, to) over the sorted `keys`; the last open.
            fn ranges(keys: &[String], parts: usize) -> Vec<(String, Option<String>)> {
                let cuts: Vec<String> = (1..parts)
                    .filter_map(|p| keys.get(keys.len() * p / parts).cloned())
                    .collect();
                let mut out = Vec::new();
                let mut from = String::new();
                for cut in cuts {
                    if cut > from {
                        out.push((from, Some(cut.clone())));
                        from = cut;
                    }
                }
                out.push((from, None));
                out
            }

            /// One table's spells of the persons in [from, to), each with its person's place
            /// among `keys`, and how many rows named no person of the population.
            async fn read_spells(
                pool: sqlx::Pool<$db>,
                snapshot: i64,
                keys: std::sync::Arc<Vec<String>>,
                table: Table,
                from: String,
                to: Option<String>,
            ) -> Result<(Vec<(usize, Spell)>, usize)> {
                let (columns, name) = match table {
                    Table::Employment => (
                        "person_id, spell_id, employer_orgnr, start_date, end_date, fte_percent, subsidised",
                        "register_employment",
                    ),
                    Table::Benefits => (
                        "person_id, spell_id, kind, start_date, end_date",
                        "register_benefits",
                    ),
                    Table::Education => (
                        "person_id, spell_id, start_date, end_date",
                        "register_education",
                    ),
                    Table::Language => (
                        "person_id, test_id, test_date, skill, level",
                        "register_language_tests",
                    ),
                };
                let upper = if to.is_some() { " AND person_id < $3" } else { "" };
                let sql = format!(
                    "SELECT {columns} FROM {name} WHERE snapshot_id = $1 \
                     AND person_id >= $2{upper} ORDER BY person_id"
                );
                let mut query = sqlx::query(&sql).bind(snapshot).bind(from);
                if let Some(to) = to {
                    query = query.bind(to);
                }
                let mut rows = query.fetch(&pool);
                let (mut out, mut unmatched, mut cursor) = (Vec::new(), 0usize, 0usize);
                while let Some(r) = rows.try_next().await? {
                    let id: String = r.try_get(0)?;
                    let Some(i) = owner(&keys, &mut cursor, &id) else {
                        unmatched += 1;
                        continue;
                    };
                    let spell_id = SpellId::from(r.try_get::<String, _>(1)?);
                    let spell = match table {
                        Table::Employment => {
                            let employer: String = r.try_get(2)?;
                            let fte: String = r.try_get(5)?;
                            Spell::Employment(EmploymentSpell {
                                id: spell_id,
                                employer: OrgNr::parse(&employer).map_err(corrupt)?,
                                start: r.try_get(3)?,
                                end: r.try_get::<Option<NaiveDate>, _>(4)?,
                                fte: Decimal::from_str(&fte).map_err(corrupt)?,
                                subsidised: r.try_get(6)?,
                            })
                        }
                        Table::Benefits => {
                            let kind: String = r.try_get(2)?;
                            Spell::Benefit(BenefitSpell {
                                id: spell_id,
                                kind: BenefitType::from_code(&kind)
                                    .ok_or_else(|| corrupt(format!("benefit type {kind:?}")))?,
                                start: r.try_get(3)?,
                                end: r.try_get::<Option<NaiveDate>, _>(4)?,
                            })
                        }
                        Table::Education => Spell::Education(EducationSpell {
                            id: spell_id,
                            start: r.try_get(2)?,
                            end: r.try_get::<Option<NaiveDate>, _>(3)?,
                        }),
                        Table::Language => {
                            let skill: String = r.try_get(3)?;
                            let level: String = r.try_get(4)?;
                            Spell::Language(LanguageTest {
                                id: spell_id,
                                date: r.try_get(2)?,
                                skill: Skill::from_code(&skill)
                                    .ok_or_else(|| corrupt(format!("skill {skill:?}")))?,
                                level: Cefr::from_code(&level)
                                    .ok_or_else(|| corrupt(format!("CEFR level {level:?}")))?,
                            })
                        }
                    };
                    out.push((i, spell));
                }
                Ok((out, unmatched))
            }

            #[async_trait]
            impl EvaluationStore for $store {
                async fn register_evaluation_plan(
                    &self,
                    contract: ContractId,
                    text: &str,
                    deviation: Option<&str>,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<u32> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let version: i64 = sqlx::query_scalar(
                        "SELECT COALESCE(MAX(version), 0) + 1 FROM evaluation_plans \
                         WHERE contract_id = $1",
                    )
                    .bind(contract.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO evaluation_plans (contract_id, version, plan, deviation, \
                         registered_by, registered_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(contract.0)
                    .bind(version)
                    .bind(text)
                    .bind(deviation)
                    .bind(by.0)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    u32::try_from(version).map_err(corrupt)
                }

                async fn evaluation_plans(&self, contract: ContractId) -> Result<Vec<PlanRecord>> {
                    let rows = sqlx::query(
                        "SELECT p.version, p.plan, p.deviation, u.display_name, p.registered_at \
                         FROM evaluation_plans p JOIN users u ON u.id = p.registered_by \
                         WHERE p.contract_id = $1 ORDER BY p.version",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(PlanRecord {
                                version: u32::try_from(r.try_get::<i64, _>(0)?)
                                    .map_err(corrupt)?,
                                text: r.try_get(1)?,
                                deviation: r.try_get(2)?,
                                registered_by: r.try_get(3)?,
                                registered_at: r.try_get(4)?,
                            })
                        })
                        .collect()
                }

                async fn store_evaluation_run(&self, run: &NewRun<'_>) -> Result<i64> {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO evaluation_runs (contract_id, plan_version, snapshot_id, \
                         effekt_version, settings, label, result, matches, run_by, run_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    )
                    .bind(run.contract.0)
                    .bind(i64::from(run.plan_version))
                    .bind(run.snapshot)
                    .bind(run.effekt_version)
                    .bind(run.settings)
                    .bind(run.label.code())
                    .bind(run.result)
                    .bind(run.matches)
                    .bind(run.by.0)
                    .bind(run.at)
                    .fetch_one(&self.pool)
                    .await?;
                    Ok(id)
                }

                async fn evaluation_runs(&self, contract: ContractId) -> Result<Vec<RunRecord>> {
                    let rows = sqlx::query(&format!(
                        "SELECT {RUN_COLUMNS} FROM evaluation_runs r \
                         JOIN register_snapshots rs ON rs.id = r.snapshot_id \
                         JOIN users u ON u.id = r.run_by \
                         LEFT JOIN users p ON p.id = r.published_by \
                         WHERE r.contract_id = $1 ORDER BY r.id DESC"
                    ))
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(run_from_row).collect()
                }

                async fn evaluation_run(&self, id: i64) -> Result<Option<RunRecord>> {
                    let row = sqlx::query(&format!(
                        "SELECT {RUN_COLUMNS} FROM evaluation_runs r \
                         JOIN register_snapshots rs ON rs.id = r.snapshot_id \
                         JOIN users u ON u.id = r.run_by \
                         LEFT JOIN users p ON p.id = r.published_by WHERE r.id = $1"
                    ))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                    row.as_ref().map(run_from_row).transpose()
                }

                async fn evaluation_run_matches(&self, id: i64) -> Result<Option<String>> {
                    Ok(
                        sqlx::query_scalar("SELECT matches FROM evaluation_runs WHERE id = $1")
                            .bind(id)
                            .fetch_optional(&self.pool)
                            .await?,
                    )
                }

                async fn publish_evaluation_run(
                    &self,
                    id: i64,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let done = sqlx::query(
                        "UPDATE evaluation_runs SET published_by = $1, published_at = $2 \
                         WHERE id = $3 AND published_at IS NULL",
                    )
                    .bind(by.0)
                    .bind(at)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn load_register(&self, snapshot: i64) -> Result<Option<Register>> {
                    let head = sqlx::query(
                        "SELECT snapshot_key, cutoff FROM register_snapshots WHERE id = $1",
                    )
                    .bind(snapshot)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(head) = head else {
                        return Ok(None);
                    };
                    let snap = Snapshot {
                        id: head.try_get(0)?,
                        cutoff: head.try_get(1)?,
                    };
                    let mut keys: Vec<String> = Vec::new();
                    let mut persons: Vec<RegisterPerson> = Vec::new();
                    {
                        let mut rows = sqlx::query(
                            "SELECT person_id, birth_year, sex, country_group, arrival_year, \
                             municipality, education_level, index_date FROM register_persons \
                             WHERE snapshot_id = $1 ORDER BY person_id",
                        )
                        .bind(snapshot)
                        .fetch(&self.pool);
                        while let Some(r) = rows.try_next().await? {
                            let id: String = r.try_get(0)?;
                            let arrival: Option<i64> = r.try_get(4)?;
                            persons.push(RegisterPerson {
                                id: NationalId::parse(&id).map_err(corrupt)?,
                                birth_year: i32::try_from(r.try_get::<i64, _>(1)?)
                                    .map_err(corrupt)?,
                                sex: r.try_get::<String, _>(2)?.into(),
                                country_group: r.try_get::<String, _>(3)?.into(),
                                arrival_year: arrival
                                    .map(i32::try_from)
                                    .transpose()
                                    .map_err(corrupt)?,
                                municipality: r.try_get::<String, _>(5)?.into(),
                                education_level: r.try_get::<String, _>(6)?.into(),
                                index_date: r.try_get(7)?,
                                timeline: Timeline::default(),
                            });
                            keys.push(id);
                        }
                    }
                    // The database's order of text may not be Rust's; the owner search needs
                    // Rust's.
                    if !keys.is_sorted() {
                        let mut both: Vec<(String, RegisterPerson)> =
                            keys.into_iter().zip(persons).collect();
                        both.sort_by(|a, b| a.0.cmp(&b.0));
                        (keys, persons) = both.into_iter().unzip();
                    }
                    // The spells in parallel tasks, each over a range of persons (the rows of a
                    // range are contiguous in the clustered key): decoding rows is the cost.
                    let keys = std::sync::Arc::new(keys);
                    let bounds = ranges(&keys, READERS);
                    let mut tasks = Vec::new();
                    // One task per range, its tables one after the other: no more connections
                    // held at once than there are ranges.
                    for (from, to) in bounds {
                        let (pool, keys) = (self.pool.clone(), keys.clone());
                        tasks.push(tokio::spawn(async move {
                            let mut all = Vec::new();
                            let mut missing = 0;
                            for table in
                                [Table::Employment, Table::Benefits, Table::Education, Table::Language]
                            {
                                let (spells, m) = read_spells(
                                    pool.clone(),
                                    snapshot,
                                    keys.clone(),
                                    table,
                                    from.clone(),
                                    to.clone(),
                                )
                                .await?;
                                all.extend(spells);
                                missing += m;
                            }
                            Ok::<_, $crate::error::StoreError>((all, missing))
                        }));
                    }
                    let mut unmatched = 0usize;
                    for task in tasks {
                        let (spells, missing) = task.await.map_err(corrupt)??;
                        unmatched += missing;
                        for (i, spell) in spells {
                            let t = &mut persons[i].timeline;
                            match spell {
                                Spell::Employment(e) => t.employment.push(e),
                                Spell::Benefit(b) => t.benefits.push(b),
                                Spell::Education(e) => t.education.push(e),
                                Spell::Language(l) => t.language_tests.push(l),
                            }
                        }
                    }
                    persons.sort_by(|a, b| a.id.cmp(&b.id));
                    Ok(Some(Register {
                        snapshot: snap,
                        persons,
                        unmatched_rows: unmatched,
                    }))
                }

                async fn evaluation_participants(
                    &self,
                    contract: ContractId,
                ) -> Result<(Vec<EvaluationParticipant>, Vec<String>)> {
                    let rows = sqlx::query(
                        "SELECT pt.id, pt.person_key, pt.index_date, pv.name, i.national_id, g.name \
                         FROM participants pt JOIN providers pv ON pv.id = pt.provider_id \
                         LEFT JOIN participant_groups g ON g.id = pt.group_id \
                         LEFT JOIN person_ids i ON i.person_key = pt.person_key \
                         WHERE pt.contract_id = $1 ORDER BY pt.id, i.valid_from, i.national_id",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    let mut out: Vec<EvaluationParticipant> = Vec::new();
                    for r in &rows {
                        let id = ParticipantId(r.try_get(0)?);
                        let national: Option<String> = r.try_get(4)?;
                        if out.last().is_none_or(|p| p.participant != id) {
                            out.push(EvaluationParticipant {
                                participant: id,
                                person: PersonKey(r.try_get(1)?),
                                index_date: r.try_get(2)?,
                                provider: r.try_get(3)?,
                                group: r.try_get(5)?,
                                national_ids: Vec::new(),
                            });
                        }
                        if let (Some(n), Some(last)) = (national, out.last_mut()) {
                            last.national_ids.push(n);
                        }
                    }
                    let everyone: Vec<String> = sqlx::query_scalar(
                        "SELECT DISTINCT i.national_id FROM person_ids i \
                         JOIN participants pt ON pt.person_key = i.person_key",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    Ok((out, everyone))
                }

                async fn certify_figure_from(
                    &self,
                    contract: ContractId,
                    figure: &str,
                    certified: &CertifiedFigure,
                    source: FigureSource<'_>,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let (run, reason) = match source {
                        FigureSource::Run(id) => (Some(id), None),
                        FigureSource::Typed(reason) => (None, Some(reason)),
                    };
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO certified_figures (contract_id, figure, cohort, cohort_size, \
                         value, certified_by, certified_at, comparison, run_id, typed_reason) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(contract.0)
                    .bind(figure)
                    .bind(&certified.cohort)
                    .bind(i64::from(certified.cohort_size))
                    .bind(certified.value.to_string())
                    .bind(by.0)
                    .bind(at)
                    .bind(certified.comparison.map(|c| c.to_string()))
                    .bind(run)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(s::BUMP_GENERATION).execute(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn figure_provenance(&self, contract: ContractId) -> Result<Vec<Provenance>> {
                    let rows = sqlx::query(
                        "SELECT run_id, typed_reason FROM certified_figures \
                         WHERE contract_id = $1 ORDER BY certified_at, id",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(Provenance {
                                run: r.try_get(0)?,
                                typed_reason: r.try_get(1)?,
                            })
                        })
                        .collect()
                }
            }
        };
    };
}

pub(crate) use impl_evaluation_store;
