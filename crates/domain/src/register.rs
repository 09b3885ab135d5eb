//! A register snapshot as read and validated (docs/registers.md): persons with their matching
//! attributes and timelines, sorted by national id. Reading files lives in the engine; storing
//! snapshots in the store; this module only says what a snapshot is.

use chrono::NaiveDate;

use crate::national_id::NationalId;
use crate::outcomes::timeline::{Snapshot, Timeline};

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

impl Register {
    /// Rows the snapshot holds: persons plus every spell and test.
    pub fn row_count(&self) -> u64 {
        let spells: usize = self
            .persons
            .iter()
            .map(|p| {
                let t = &p.timeline;
                t.employment.len() + t.benefits.len() + t.education.len() + t.language_tests.len()
            })
            .sum();
        u64::try_from(self.persons.len() + spells).unwrap_or(u64::MAX)
    }
}
