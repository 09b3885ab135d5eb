//! Register snapshots (docs/registers.md): reading and validating a folder of register files
//! into per-person timelines, and generating synthetic ones. A snapshot is read whole or not at
//! all: any invalid row makes the whole read fail, naming file, row and field.

mod generate;
mod read;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use effekt_domain::national_id::NationalId;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::outcomes::timeline::{
    BenefitSpell, BenefitType, Cefr, EducationSpell, EmploymentSpell, LanguageTest, Skill,
    Snapshot, Timeline,
};
use rust_decimal::Decimal;

pub use generate::{generate, GenerateError, GeneratedRegister, PLANTED_EFFECT};
use read::Reader;

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
        if self.field.is_empty() {
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

/// A person in the register: id, index date, matching attributes and timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterPerson {
    pub id: NationalId,
    pub index_date: NaiveDate,
    pub birth_year: i32,
    pub sex: String,
    pub country_group: String,
    pub arrival_year: Option<i32>,
    pub municipality: String,
    pub education_level: String,
    pub timeline: Timeline,
}

/// A whole snapshot, persons sorted by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    pub snapshot: Snapshot,
    pub persons: Vec<RegisterPerson>,
    /// Spell rows for persons not in the population file (kept out of every outcome).
    pub unmatched_rows: usize,
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
pub const LANGUAGE_COLUMNS: &[&str] = &["person_id", "date", "skill", "level"];

fn merge(results: Vec<Result<(), RegisterError>>) -> Result<(), RegisterError> {
    let mut errors = Vec::new();
    let mut more = 0;
    for r in results {
        match r {
            Ok(()) => {}
            Err(RegisterError::Io(e)) => return Err(RegisterError::Io(e)),
            Err(RegisterError::Invalid { errors: e, more: m }) => {
                for err in e {
                    if errors.len() < MAX_REPORTED {
                        errors.push(err);
                    } else {
                        more += 1;
                    }
                }
                more += m;
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RegisterError::Invalid { errors, more })
    }
}

fn year(r: &mut Reader, rec: &csv::StringRecord, i: usize, field: &str) -> Option<i32> {
    use rust_decimal::prelude::ToPrimitive;
    r.decimal(rec, i, field, Decimal::from(1850), Decimal::from(2100))
        .and_then(|d| d.trunc().to_i32())
}

fn read_snapshot(dir: &Path) -> Result<Snapshot, RegisterError> {
    let mut r = Reader::open(dir, "snapshot.csv", SNAPSHOT_COLUMNS)?;
    let mut snapshot = None;
    while let Some(rec) = r.next_row() {
        let id = r.text(&rec, 0, "snapshot_id");
        let cutoff = r.date(&rec, 1, "cutoff");
        if snapshot.is_some() {
            r.error("", "a snapshot has exactly one row");
        }
        if let (Some(id), Some(cutoff)) = (id, cutoff) {
            snapshot = Some(Snapshot { id, cutoff });
        }
    }
    if snapshot.is_none() && r.errors.is_empty() {
        r.error("", "no snapshot row");
    }
    let file = r.file.clone();
    r.finish()?;
    snapshot.ok_or_else(|| RegisterError::Invalid {
        errors: vec![RowError {
            file,
            row: 2,
            field: String::new(),
            message: "no snapshot row".into(),
        }],
        more: 0,
    })
}

fn read_population(dir: &Path) -> (Vec<RegisterPerson>, Result<(), RegisterError>) {
    let mut persons = Vec::new();
    let mut r = match Reader::open(dir, "population.csv", POPULATION_COLUMNS) {
        Ok(r) => r,
        Err(e) => return (persons, Err(e)),
    };
    let mut seen = HashSet::new();
    while let Some(rec) = r.next_row() {
        let id = r.person(&rec, 0);
        let birth_year = year(&mut r, &rec, 1, "birth_year");
        let arrival_year = match rec.get(4).map(str::trim) {
            None | Some("") => Some(None),
            Some(_) => year(&mut r, &rec, 4, "arrival_year").map(Some),
        };
        let index_date = r.date(&rec, 7, "index_date");
        let text = |i: usize| rec.get(i).unwrap_or_default().trim().to_owned();
        if let (Some(id), Some(birth_year), Some(arrival_year), Some(index_date)) =
            (id, birth_year, arrival_year, index_date)
        {
            if !seen.insert(id.clone()) {
                r.error("person_id", "the person appears twice");
                continue;
            }
            persons.push(RegisterPerson {
                id,
                index_date,
                birth_year,
                sex: text(2),
                country_group: text(3),
                arrival_year,
                municipality: text(5),
                education_level: text(6),
                timeline: Timeline::default(),
            });
        }
    }
    (persons, r.finish())
}

/// Reads and validates a register folder: all of it, or an error listing what is wrong.
pub fn read_dir(dir: &Path) -> Result<Register, RegisterError> {
    let snapshot = read_snapshot(dir);
    let (mut persons, population) = read_population(dir);
    persons.sort_by(|a, b| a.id.cmp(&b.id));
    let index: HashMap<NationalId, usize> = persons
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    let mut unmatched = 0;
    let mut place = |id: &NationalId| {
        let slot = index.get(id).copied();
        if slot.is_none() {
            unmatched += 1;
        }
        slot
    };
    let mut timelines: Vec<Timeline> = vec![Timeline::default(); persons.len()];
    let employment = read_employment(dir, &mut |id, s| {
        if let Some(i) = place(id) {
            timelines[i].employment.push(s);
        }
    });
    let benefits = read_benefits(dir, &mut |id, s| {
        if let Some(i) = place(id) {
            timelines[i].benefits.push(s);
        }
    });
    let education = read_education(dir, &mut |id, s| {
        if let Some(i) = place(id) {
            timelines[i].education.push(s);
        }
    });
    let language = read_language(dir, &mut |id, t| {
        if let Some(i) = place(id) {
            timelines[i].language_tests.push(t);
        }
    });
    merge(vec![
        snapshot.as_ref().map(|_| ()).map_err(clone_error),
        population,
        employment,
        benefits,
        education,
        language,
    ])?;
    for (p, t) in persons.iter_mut().zip(timelines) {
        p.timeline = t;
    }
    Ok(Register {
        snapshot: snapshot?,
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

fn unique(r: &mut Reader, seen: &mut HashSet<String>, id: Option<String>) -> Option<String> {
    let id = id?;
    if seen.insert(id.clone()) {
        Some(id)
    } else {
        r.error("spell_id", format!("{id} appears twice"));
        None
    }
}

fn read_employment(
    dir: &Path,
    sink: &mut dyn FnMut(&NationalId, EmploymentSpell),
) -> Result<(), RegisterError> {
    let mut r = Reader::open(dir, "employment.csv", EMPLOYMENT_COLUMNS)?;
    let mut seen = HashSet::new();
    while let Some(rec) = r.next_row() {
        let raw_id = r.text(&rec, 0, "spell_id");
        let id = unique(&mut r, &mut seen, raw_id);
        let person = r.person(&rec, 1);
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
        let start = r.date(&rec, 3, "start");
        let end = r.end_date(&rec, 4);
        let fte = r.decimal(&rec, 5, "fte_percent", Decimal::ZERO, Decimal::ONE_HUNDRED);
        let wage = r.decimal(&rec, 6, "monthly_wage", Decimal::ZERO, Decimal::MAX);
        let subsidised = match rec.get(7).map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            other => {
                r.error(
                    "subsidised",
                    format!("{:?} is not true or false", other.unwrap_or_default()),
                );
                None
            }
        };
        if let (
            Some(id),
            Some(person),
            Some(employer),
            Some(start),
            Ok(end),
            Some(fte),
            Some(_),
            Some(subsidised),
        ) = (id, person, employer, start, end, fte, wage, subsidised)
        {
            if r.check_order(start, end) {
                sink(
                    &person,
                    EmploymentSpell {
                        id,
                        employer,
                        start,
                        end,
                        fte,
                        subsidised,
                    },
                );
            }
        }
    }
    r.finish()
}

fn read_benefits(
    dir: &Path,
    sink: &mut dyn FnMut(&NationalId, BenefitSpell),
) -> Result<(), RegisterError> {
    let mut r = Reader::open(dir, "benefits.csv", BENEFIT_COLUMNS)?;
    let mut seen = HashSet::new();
    while let Some(rec) = r.next_row() {
        let raw_id = r.text(&rec, 0, "spell_id");
        let id = unique(&mut r, &mut seen, raw_id);
        let person = r.person(&rec, 1);
        let raw_kind = rec.get(2).unwrap_or_default().trim().to_owned();
        let kind = BenefitType::from_code(&raw_kind);
        if kind.is_none() {
            r.error("type", format!("unknown benefit type {raw_kind:?}"));
        }
        let start = r.date(&rec, 3, "start");
        let end = r.end_date(&rec, 4);
        let amount = r.decimal(&rec, 5, "monthly_amount", Decimal::ZERO, Decimal::MAX);
        if let (Some(id), Some(person), Some(kind), Some(start), Ok(end), Some(_)) =
            (id, person, kind, start, end, amount)
        {
            if r.check_order(start, end) {
                sink(
                    &person,
                    BenefitSpell {
                        id,
                        kind,
                        start,
                        end,
                    },
                );
            }
        }
    }
    r.finish()
}

fn read_education(
    dir: &Path,
    sink: &mut dyn FnMut(&NationalId, EducationSpell),
) -> Result<(), RegisterError> {
    let mut r = Reader::open(dir, "education.csv", EDUCATION_COLUMNS)?;
    let mut seen = HashSet::new();
    while let Some(rec) = r.next_row() {
        let raw_id = r.text(&rec, 0, "spell_id");
        let id = unique(&mut r, &mut seen, raw_id);
        let person = r.person(&rec, 1);
        let start = r.date(&rec, 2, "start");
        let end = r.end_date(&rec, 3);
        if let (Some(id), Some(person), Some(start), Ok(end)) = (id, person, start, end) {
            if r.check_order(start, end) {
                sink(&person, EducationSpell { id, start, end });
            }
        }
    }
    r.finish()
}

fn read_language(
    dir: &Path,
    sink: &mut dyn FnMut(&NationalId, LanguageTest),
) -> Result<(), RegisterError> {
    let mut r = Reader::open(dir, "language_tests.csv", LANGUAGE_COLUMNS)?;
    while let Some(rec) = r.next_row() {
        let person = r.person(&rec, 0);
        let date = r.date(&rec, 1, "date");
        let skill = match rec.get(2).unwrap_or_default().trim() {
            "listening" => Some(Skill::Listening),
            "reading" => Some(Skill::Reading),
            "writing" => Some(Skill::Writing),
            "speaking" => Some(Skill::Speaking),
            other => {
                r.error("skill", format!("unknown skill {other:?}"));
                None
            }
        };
        let level = match rec
            .get(3)
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase()
            .as_str()
        {
            "PRE-A1" => Some(Cefr::PreA1),
            "A1" => Some(Cefr::A1),
            "A2" => Some(Cefr::A2),
            "B1" => Some(Cefr::B1),
            "B2" => Some(Cefr::B2),
            "C1" => Some(Cefr::C1),
            "C2" => Some(Cefr::C2),
            other => {
                r.error("level", format!("unknown CEFR level {other:?}"));
                None
            }
        };
        if let (Some(person), Some(date), Some(skill), Some(level)) = (person, date, skill, level) {
            let id = format!("{}:{}:{}", r.file, r.row, date);
            sink(
                &person,
                LanguageTest {
                    id,
                    date,
                    skill,
                    level,
                },
            );
        }
    }
    r.finish()
}

#[cfg(test)]
mod tests;
