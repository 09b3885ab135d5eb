//! A register snapshot as read and validated (docs/registers.md): persons with their matching
//! attributes and timelines, sorted by national id. Reading files lives in the engine; storing
//! snapshots in the store; this module only says what a snapshot is.

use chrono::NaiveDate;
/// Short attribute values (codes, group names), held inline without an allocation each.
pub use compact_str::CompactString as Attribute;

use crate::national_id::NationalId;
use crate::outcomes::timeline::{Snapshot, Timeline};

/// A person in the register: id, index date, matching attributes and timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterPerson {
    pub id: NationalId,
    pub index_date: NaiveDate,
    pub birth_year: i32,
    pub sex: Attribute,
    pub country_group: Attribute,
    pub arrival_year: Option<i32>,
    pub municipality: Attribute,
    pub education_level: Attribute,
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
