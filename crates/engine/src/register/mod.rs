//! Register snapshots (docs/registers.md): reading and validating a folder of register files
//! into per-person timelines, and generating synthetic ones. A snapshot is read whole or not at
//! all: any invalid row makes the whole read fail, naming file, row and field.

mod generate;
mod parquet;
mod place;
mod read;

use std::fmt;
use std::path::Path;

use effekt_domain::national_id::NationalId;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::outcomes::timeline::{
    BenefitSpell, BenefitType, Cefr, EducationSpell, EmploymentSpell, LanguageTest, Skill,
    Snapshot, Timeline,
};
use rust_decimal::Decimal;

pub use effekt_domain::register::{Register, RegisterPerson};
pub use generate::{
    generate, generate_as, GenerateError, GeneratedRegister, OutputFormat, PLANTED_EFFECT,
};
pub use parquet::csv_to_parquet;
use parquet::ParquetSource;
use place::{Buckets, Router};
use rayon::prelude::*;
use read::{Reader, Row, Source, Value};

/// The files of a snapshot by name without extension, in the order they are hashed. Each is
/// `<stem>.csv` or `<stem>.parquet`.
pub const STEMS: [&str; 6] = [
    "snapshot",
    "population",
    "employment",
    "benefits",
    "education",
    "language_tests",
];

/// The file holding `stem` in `dir`: the Parquet file when there is one, else the CSV file
/// (which may not exist; reading it then says so). Both at once is refused when reading.
pub fn file_of(dir: &Path, stem: &str) -> std::path::PathBuf {
    let parquet = dir.join(format!("{stem}.parquet"));
    if parquet.exists() {
        parquet
    } else {
        dir.join(format!("{stem}.csv"))
    }
}

/// SHA-256 over a snapshot's files (each file's name and the SHA-256 of its bytes, in [`STEMS`]
/// order), as hex. The same files give the same hash, so importing them again is recognised.
pub fn content_hash(dir: &Path) -> Result<String, RegisterError> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let files: Vec<std::path::PathBuf> = STEMS.iter().map(|s| file_of(dir, s)).collect();
    let digests: Vec<Result<Vec<u8>, RegisterError>> = files
        .par_iter()
        .map(|path| {
            let io = |e: std::io::Error| RegisterError::Io(format!("{}: {e}", path.display()));
            let mut file = std::fs::File::open(path).map_err(io)?;
            let mut hasher = Sha256::new();
            let mut buffer = vec![0u8; 1 << 20];
            loop {
                let n = file.read(&mut buffer).map_err(io)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buffer[..n]);
            }
            Ok(hasher.finalize().to_vec())
        })
        .collect();
    let mut all = Sha256::new();
    for (path, digest) in files.iter().zip(digests) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        all.update(name.unwrap_or_default().as_bytes());
        all.update(digest?);
    }
    Ok(all.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// How many row errors are listed before the rest are only counted.
pub const MAX_REPORTED: usize = 20;

/// One invalid value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    /// The line in the file; the header is row 1.
    pub row: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.row == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else if self.field.is_empty() {
            write!(f, "{} row {}: {}", self.file, self.row, self.message)
        } else {
            write!(
                f,
                "{} row {}, {}: {}",
                self.file, self.row, self.field, self.message
            )
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("{0}")]
    Io(String),
    #[error("{}{}", errors.iter().map(|e| format!("{e}\n")).collect::<String>(), if *more > 0 { format!("… and {more} more errors\n") } else { String::new() })]
    Invalid { errors: Vec<RowError>, more: usize },
}

pub const SNAPSHOT_COLUMNS: &[&str] = &["snapshot_id", "cutoff"];
pub const POPULATION_COLUMNS: &[&str] = &[
    "person_id",
    "birth_year",
    "sex",
    "country_group",
    "arrival_year",
    "municipality",
    "education_level",
    "index_date",
];
pub const EMPLOYMENT_COLUMNS: &[&str] = &[
    "spell_id",
    "person_id",
    "employer_orgnr",
    "start",
    "end",
    "fte_percent",
    "monthly_wage",
    "subsidised",
];
pub const BENEFIT_COLUMNS: &[&str] = &[
    "spell_id",
    "person_id",
    "type",
    "start",
    "end",
    "monthly_amount",
];
pub const EDUCATION_COLUMNS: &[&str] = &["spell_id", "person_id", "start", "end"];
/// The columns of the file `stem`, in order.
pub fn columns_of(stem: &str) -> &'static [&'static str] {
    match stem {
        "snapshot" => SNAPSHOT_COLUMNS,
        "population" => POPULATION_COLUMNS,
        "employment" => EMPLOYMENT_COLUMNS,
        "benefits" => BENEFIT_COLUMNS,
        "education" => EDUCATION_COLUMNS,
        "language_tests" => LANGUAGE_COLUMNS,
        _ => &[],
    }
}

pub const LANGUAGE_COLUMNS: &[&str] = &["test_id", "person_id", "date", "skill", "level"];

fn merge(results: Vec<Result<(), RegisterError>>) -> Result<(), RegisterError> {
    let mut errors = Vec::new();
    let mut more = 0;
    for r in results {
        match r {
            Ok(()) => {}
            Err(RegisterError::Io(e)) => return Err(RegisterError::Io(e)),
            Err(RegisterError::Invalid { errors: e, more: m }) => {
                errors.extend(e);
                more += m;
            }
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    if errors.len() > MAX_REPORTED {
        more += errors.len() - MAX_REPORTED;
        errors.truncate(MAX_REPORTED);
    }
    Err(RegisterError::Invalid { errors, more })
}

/// Keys that appeared on an earlier row, as errors on `field`. Only hashes are kept while
/// reading; rows whose hashes collide are read again to compare the keys exactly.
fn duplicates(
    file: &str,
    first_fields: impl Fn(
        &std::collections::BTreeSet<usize>,
    ) -> std::collections::HashMap<usize, String>,
    field: &str,
    keys: &mut [(u64, usize)],
) -> Vec<RowError> {
    keys.par_sort_unstable();
    let runs: Vec<&[(u64, usize)]> = keys
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .collect();
    if runs.is_empty() {
        return Vec::new();
    }
    let rows: std::collections::BTreeSet<usize> = runs
        .iter()
        .flat_map(|run| run.iter().map(|(_, row)| *row))
        .collect();
    let text = first_fields(&rows);
    let mut errors = Vec::new();
    for run in runs {
        let mut seen: Vec<&str> = Vec::new();
        for (_, row) in run {
            let key = text.get(row).map(String::as_str).unwrap_or_default();
            if seen.contains(&key) {
                errors.push(RowError {
                    file: file.to_owned(),
                    row: *row,
                    field: field.to_owned(),
                    message: format!("{key} appears twice"),
                });
            } else {
                seen.push(key);
            }
        }
    }
    errors
}

/// A register file in either format.
enum Format {
    Csv(Source),
    Parquet(ParquetSource),
}

fn open_file(dir: &Path, stem: &str, columns: &[&str]) -> Result<Format, RegisterError> {
    let csv = format!("{stem}.csv");
    let parquet = format!("{stem}.parquet");
    match (dir.join(&csv).exists(), dir.join(&parquet).exists()) {
        (true, true) => Err(RegisterError::Invalid {
            errors: vec![RowError {
                file: parquet,
                row: 0,
                field: String::new(),
                message: format!("both {csv} and {stem}.parquet are present; keep one"),
            }],
            more: 0,
        }),
        (false, true) => Ok(Format::Parquet(ParquetSource::open(
            dir, &parquet, columns,
        )?)),
        _ => Ok(Format::Csv(Source::open(dir, &csv, columns)?)),
    }
}

/// Reads a file's rows in parallel (newline-aligned chunks of a CSV file, row groups of a
/// Parquet file) with `parse`, which returns the row's value or `None` when it reported an
/// error. Each chunk collects its values in a part made by `part` (given the chunk's row count)
/// with `push` (given the row number); the parts come back in file order. Any error fails the
/// whole file; errors are in row order, then column order.
fn read_rows<T, P: Send>(
    dir: &Path,
    stem: &str,
    columns: &[&str],
    unique_field: Option<&str>,
    parse: impl Fn(&mut Reader, &Row) -> Option<T> + Sync,
    part: impl Fn(usize) -> P + Sync,
    push: impl Fn(&mut P, usize, T) + Sync,
) -> Result<Vec<P>, RegisterError> {
    let format = open_file(dir, stem, columns)?;
    type Part<P> = (P, Vec<RowError>, usize, Vec<(u64, usize)>);
    let parts: Vec<Part<P>> = match &format {
        Format::Csv(source) => source
            .chunks(rayon::current_num_threads() * 4)
            .par_iter()
            .map(|(first, text, lines)| {
                let mut r = source.reader(*first, text);
                let mut out = part(*lines);
                r.each_row(|r, row| {
                    if let Some(v) = parse(r, row) {
                        push(&mut out, r.row, v);
                    }
                });
                let (errors, more, keys) = r.into_parts();
                (out, errors, more, keys)
            })
            .collect(),
        Format::Parquet(source) => source
            .groups()
            .par_iter()
            .map(|(group, first)| {
                let mut r = Reader::detached(&source.file, columns.len());
                let mut out = part(source.group_rows(*group));
                source.read_group(*group, *first, &mut r, |r, rec| {
                    if let Some(v) = parse(r, rec) {
                        push(&mut out, r.row, v);
                    }
                });
                let (errors, more, keys) = r.into_parts();
                (out, errors, more, keys)
            })
            .collect(),
    };
    let mut rows = Vec::with_capacity(parts.len());
    let mut errors = Vec::new();
    let mut more = 0;
    let mut keys = Vec::new();
    for (out, errs, m, k) in parts {
        rows.push(out);
        errors.extend(errs);
        more += m;
        keys.extend(k);
    }
    if let Some(field) = unique_field {
        errors.extend(match &format {
            Format::Csv(s) => duplicates(&s.file, |r| s.first_fields(r), field, &mut keys),
            Format::Parquet(s) => duplicates(&s.file, |r| s.first_fields(r), field, &mut keys),
        });
    }
    if errors.is_empty() && more == 0 {
        return Ok(rows);
    }
    let column = |f: &str| columns.iter().position(|c| *c == f).unwrap_or(0);
    errors.sort_by_key(|e| (e.row, column(&e.field)));
    if errors.len() > MAX_REPORTED {
        more += errors.len() - MAX_REPORTED;
        errors.truncate(MAX_REPORTED);
    }
    Err(RegisterError::Invalid { errors, more })
}

/// A small file's values with their row numbers, in file order.
fn read_list<T: Send>(
    dir: &Path,
    stem: &str,
    columns: &[&str],
    unique_field: Option<&str>,
    parse: impl Fn(&mut Reader, &Row) -> Option<T> + Sync,
) -> Result<Vec<(usize, T)>, RegisterError> {
    let parts = read_rows(
        dir,
        stem,
        columns,
        unique_field,
        parse,
        Vec::with_capacity,
        |out: &mut Vec<(usize, T)>, row, v| out.push((row, v)),
    )?;
    Ok(parts.into_iter().flatten().collect())
}

/// A file of spells, each routed to its person's range as it is read.
fn read_spells<T: Send>(
    dir: &Path,
    stem: &str,
    columns: &[&str],
    unique_field: &str,
    router: &Router<'_>,
    parse: impl Fn(&mut Reader, &Row) -> Option<(NationalId, T)> + Sync,
) -> Result<Vec<Buckets<T>>, RegisterError> {
    read_rows(
        dir,
        stem,
        columns,
        Some(unique_field),
        parse,
        |rows| router.buckets(rows),
        |out, _, (person, value)| router.route(out, &person, value),
    )
}

fn year(r: &mut Reader, rec: &Row, i: usize, field: &str) -> Option<i32> {
    use rust_decimal::prelude::ToPrimitive;
    r.decimal(rec, i, field, Decimal::from(1850), Decimal::from(2100))
        .and_then(|d| d.trunc().to_i32())
}

fn read_snapshot(dir: &Path) -> Result<Snapshot, RegisterError> {
    let rows = read_list(dir, "snapshot", SNAPSHOT_COLUMNS, None, |r, rec| {
        let id = r.text(rec, 0, "snapshot_id");
        let cutoff = r.date(rec, 1, "cutoff");
        Some(Snapshot {
            id: id?,
            cutoff: cutoff?,
        })
    })?;
    let fail = |row: usize, message: &str| RegisterError::Invalid {
        errors: vec![RowError {
            file: file_of(dir, "snapshot")
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            row,
            field: String::new(),
            message: message.into(),
        }],
        more: 0,
    };
    match rows.as_slice() {
        [(_, snapshot)] => Ok(snapshot.clone()),
        [] => Err(fail(0, "the file has no snapshot row")),
        [_, (row, _), ..] => Err(fail(*row, "a snapshot has exactly one row")),
    }
}

fn read_population(dir: &Path) -> Result<Vec<RegisterPerson>, RegisterError> {
    let rows = read_list(
        dir,
        "population",
        POPULATION_COLUMNS,
        Some("person_id"),
        |r, rec| {
            let id = r.person(rec, 0);
            if let Some(id) = &id {
                r.unique(&id.to_string());
            }
            let birth_year = year(r, rec, 1, "birth_year");
            let arrival_year = match rec.get(4).map(str::trim) {
                None | Some("") => Some(None),
                Some(_) => year(r, rec, 4, "arrival_year").map(Some),
            };
            let index_date = r.date(rec, 7, "index_date");
            let text = |i: usize| rec.get(i).unwrap_or_default().trim().into();
            let id = id?;
            Some(RegisterPerson {
                id,
                index_date: index_date?,
                birth_year: birth_year?,
                sex: text(2),
                country_group: text(3),
                arrival_year: arrival_year?,
                municipality: text(5),
                education_level: text(6),
                timeline: Timeline::default(),
            })
        },
    )?;
    Ok(rows.into_iter().map(|(_, p)| p).collect())
}

/// Reads and validates a register folder: all of it, or an error listing what is wrong.
pub fn read_dir(dir: &Path) -> Result<Register, RegisterError> {
    let snapshot = read_snapshot(dir);
    let mut population = read_population(dir);
    if let Ok(persons) = &mut population {
        persons.par_sort_by_cached_key(|p| p.id.as_u64());
    }
    // Persons sorted by id have sorted numeric keys: a binary search finds a spell's owner, in
    // parallel and without hashing. An invalid population leaves no owners; the spell files
    // are still read, so that all their errors are reported too.
    let keys: Vec<u64> = population
        .as_ref()
        .map(|persons| persons.iter().map(|p| p.id.as_u64()).collect())
        .unwrap_or_default();
    let router = Router::new(&keys);
    let employment = read_employment(dir, &router);
    let benefits = read_benefits(dir, &router);
    let education = read_education(dir, &router);
    let language = read_language(dir, &router);
    merge(vec![
        snapshot.as_ref().map(|_| ()).map_err(clone_error),
        population.as_ref().map(|_| ()).map_err(clone_error),
        employment.as_ref().map(|_| ()).map_err(clone_error),
        benefits.as_ref().map(|_| ()).map_err(clone_error),
        education.as_ref().map(|_| ()).map_err(clone_error),
        language.as_ref().map(|_| ()).map_err(clone_error),
    ])?;
    let (snapshot, mut persons) = (snapshot?, population?);
    let unmatched = router.place(&mut persons, employment?, |t| &mut t.employment)
        + router.place(&mut persons, benefits?, |t| &mut t.benefits)
        + router.place(&mut persons, education?, |t| &mut t.education)
        + router.place(&mut persons, language?, |t| &mut t.language_tests);
    Ok(Register {
        snapshot,
        persons,
        unmatched_rows: unmatched,
    })
}

fn clone_error(e: &RegisterError) -> RegisterError {
    match e {
        RegisterError::Io(s) => RegisterError::Io(s.clone()),
        RegisterError::Invalid { errors, more } => RegisterError::Invalid {
            errors: errors.clone(),
            more: *more,
        },
    }
}

type Rows<T> = Result<Vec<Buckets<T>>, RegisterError>;

fn read_employment(dir: &Path, router: &Router<'_>) -> Rows<EmploymentSpell> {
    read_spells(
        dir,
        "employment",
        EMPLOYMENT_COLUMNS,
        "spell_id",
        router,
        |r, rec| {
            let id = r.spell_id(rec, 0);
            let person = r.person(rec, 1);
            let employer = match OrgNr::parse(rec.get(2).unwrap_or_default()) {
                Ok(o) => Some(o),
                Err(e) => {
                    r.error(
                        "employer_orgnr",
                        format!("{:?}: {e}", rec.get(2).unwrap_or_default()),
                    );
                    None
                }
            };
            let start = r.date(rec, 3, "start");
            let end = r.end_date(rec, 4);
            let fte = r.decimal(rec, 5, "fte_percent", Decimal::ZERO, Decimal::ONE_HUNDRED);
            let wage = r.decimal(rec, 6, "monthly_wage", Decimal::ZERO, Decimal::MAX);
            let subsidised = match (rec.value(7), rec.get(7).map(str::trim)) {
                (Some(Value::Bool(b)), _) => Some(b),
                (_, Some(v)) if v.eq_ignore_ascii_case("true") => Some(true),
                (_, Some(v)) if v.eq_ignore_ascii_case("false") => Some(false),
                (_, other) => {
                    r.error(
                        "subsidised",
                        format!("{:?} is not true or false", other.unwrap_or_default()),
                    );
                    None
                }
            };
            let (id, person, employer, start, end, fte, _, subsidised) = (
                id?,
                person?,
                employer?,
                start?,
                end.ok()?,
                fte?,
                wage?,
                subsidised?,
            );
            if !r.check_order(start, end) {
                return None;
            }
            Some((
                person,
                EmploymentSpell {
                    id,
                    employer,
                    start,
                    end,
                    fte,
                    subsidised,
                },
            ))
        },
    )
}

fn read_benefits(dir: &Path, router: &Router<'_>) -> Rows<BenefitSpell> {
    read_spells(
        dir,
        "benefits",
        BENEFIT_COLUMNS,
        "spell_id",
        router,
        |r, rec| {
            let id = r.spell_id(rec, 0);
            let person = r.person(rec, 1);
            let raw_kind = rec.get(2).unwrap_or_default().trim();
            let kind = BenefitType::from_code(raw_kind);
            if kind.is_none() {
                r.error("type", format!("unknown benefit type {raw_kind:?}"));
            }
            let start = r.date(rec, 3, "start");
            let end = r.end_date(rec, 4);
            let amount = r.decimal(rec, 5, "monthly_amount", Decimal::ZERO, Decimal::MAX);
            let (id, person, kind, start, end, _) =
                (id?, person?, kind?, start?, end.ok()?, amount?);
            if !r.check_order(start, end) {
                return None;
            }
            Some((
                person,
                BenefitSpell {
                    id,
                    kind,
                    start,
                    end,
                },
            ))
        },
    )
}

fn read_education(dir: &Path, router: &Router<'_>) -> Rows<EducationSpell> {
    read_spells(
        dir,
        "education",
        EDUCATION_COLUMNS,
        "spell_id",
        router,
        |r, rec| {
            let id = r.spell_id(rec, 0);
            let person = r.person(rec, 1);
            let start = r.date(rec, 2, "start");
            let end = r.end_date(rec, 3);
            let (id, person, start, end) = (id?, person?, start?, end.ok()?);
            if !r.check_order(start, end) {
                return None;
            }
            Some((person, EducationSpell { id, start, end }))
        },
    )
}

fn read_language(dir: &Path, router: &Router<'_>) -> Rows<LanguageTest> {
    read_spells(
        dir,
        "language_tests",
        LANGUAGE_COLUMNS,
        "test_id",
        router,
        |r, rec| {
            let id = r.unique_id(rec, 0, "test_id");
            let person = r.person(rec, 1);
            let date = r.date(rec, 2, "date");
            let raw_skill = rec.get(3).unwrap_or_default().trim();
            let skill = Skill::from_code(raw_skill);
            if skill.is_none() {
                r.error("skill", format!("unknown skill {raw_skill:?}"));
            }
            let raw_level = rec.get(4).unwrap_or_default().trim();
            let level = Cefr::from_code(raw_level);
            if level.is_none() {
                r.error("level", format!("unknown CEFR level {raw_level:?}"));
            }
            let (id, person, date, skill, level) = (id?, person?, date?, skill?, level?);
            Some((
                person,
                LanguageTest {
                    id,
                    date,
                    skill,
                    level,
                },
            ))
        },
    )
}

#[cfg(test)]
mod tests;
