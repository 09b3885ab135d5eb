//! Persons: a stable internal key, an id history, and protection (adressebeskyttelse).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::PersonKey;
use crate::national_id::NationalId;

/// Address protection and shielding, as Nav's registers carry it. Only `None` is unmasked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Protection {
    #[default]
    None,
    /// Kode 6.
    StrengtFortrolig,
    /// Kode 6 for persons living abroad.
    StrengtFortroligUtland,
    /// Kode 7.
    Fortrolig,
    /// Shielded, e.g. a Nav employee.
    Skjermet,
}

impl Protection {
    pub const ALL: [Self; 5] = [
        Self::None,
        Self::StrengtFortrolig,
        Self::StrengtFortroligUtland,
        Self::Fortrolig,
        Self::Skjermet,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::StrengtFortrolig => "STRENGT_FORTROLIG",
            Self::StrengtFortroligUtland => "STRENGT_FORTROLIG_UTLAND",
            Self::Fortrolig => "FORTROLIG",
            Self::Skjermet => "SKJERMET",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn is_protected(self) -> bool {
        self != Self::None
    }

    /// What is shown in place of name, national id, address and phone.
    pub fn mask_nb(self) -> Option<&'static str> {
        match self {
            Self::None => None,
            Self::Skjermet => Some("Skjermet person"),
            _ => Some("Adressebeskyttet"),
        }
    }
}

/// One national id a person has held, from a date. The latest is the current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRecord {
    pub national_id: NationalId,
    pub valid_from: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdHistoryError {
    #[error("a person needs at least one national id")]
    Empty,
    #[error("id history must be in date order")]
    Unordered,
    #[error("the same national id appears twice in one history")]
    Repeated,
    #[error("a fødselsnummer cannot be replaced by a D-nummer")]
    BackToDNumber,
}

/// The national ids a person has held, oldest first. D-nummer → fødselsnummer is the usual
/// change; the person (and with it every enrolment, pseudonym and register link) keeps its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdHistory(Vec<IdRecord>);

impl IdHistory {
    pub fn new(records: Vec<IdRecord>) -> Result<Self, IdHistoryError> {
        if records.is_empty() {
            return Err(IdHistoryError::Empty);
        }
        for pair in records.windows(2) {
            if pair[1].valid_from < pair[0].valid_from {
                return Err(IdHistoryError::Unordered);
            }
            if !pair[0].national_id.kind().is_d_number() && pair[1].national_id.kind().is_d_number()
            {
                return Err(IdHistoryError::BackToDNumber);
            }
        }
        for (i, r) in records.iter().enumerate() {
            if records[..i].iter().any(|o| o.national_id == r.national_id) {
                return Err(IdHistoryError::Repeated);
            }
        }
        Ok(Self(records))
    }

    pub fn single(national_id: NationalId, valid_from: NaiveDate) -> Self {
        Self(vec![IdRecord {
            national_id,
            valid_from,
        }])
    }

    /// Adds a newer id (e.g. the fødselsnummer that replaces a D-nummer).
    pub fn with_change(
        &self,
        national_id: NationalId,
        valid_from: NaiveDate,
    ) -> Result<Self, IdHistoryError> {
        let mut records = self.0.clone();
        records.push(IdRecord {
            national_id,
            valid_from,
        });
        Self::new(records)
    }

    pub fn current(&self) -> &NationalId {
        // `new` guarantees at least one record; fall back to the first for the type checker.
        &self.0[self.0.len().saturating_sub(1)].national_id
    }

    pub fn records(&self) -> &[IdRecord] {
        &self.0
    }

    /// Whether this person has ever held `id`: register rows under an old D-nummer still match.
    pub fn has_held(&self, id: &NationalId) -> bool {
        self.0.iter().any(|r| &r.national_id == id)
    }
}

/// A person as effekt knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub key: PersonKey,
    pub ids: IdHistory,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub country_of_birth: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub protection: Protection,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn d_number_to_fodselsnummer_keeps_every_held_id() {
        let dnr = NationalId::parse("53097248016").unwrap();
        let fnr = NationalId::parse("13097248022").unwrap();
        let history = IdHistory::single(dnr.clone(), d("2024-03-01"));
        let moved = history.with_change(fnr.clone(), d("2025-06-15")).unwrap();
        assert_eq!(moved.current(), &fnr);
        assert!(
            moved.has_held(&dnr),
            "register rows under the old D-nummer must still match"
        );
        assert_eq!(moved.records().len(), 2);
        assert_eq!(
            moved.with_change(dnr, d("2025-07-01")),
            Err(IdHistoryError::BackToDNumber)
        );
        assert_eq!(
            history.with_change(fnr, d("2020-01-01")),
            Err(IdHistoryError::Unordered)
        );
    }

    #[test]
    fn masks_name_the_protection() {
        assert_eq!(Protection::None.mask_nb(), None);
        assert_eq!(
            Protection::StrengtFortrolig.mask_nb(),
            Some("Adressebeskyttet")
        );
        assert_eq!(
            Protection::StrengtFortroligUtland.mask_nb(),
            Some("Adressebeskyttet")
        );
        assert_eq!(Protection::Fortrolig.mask_nb(), Some("Adressebeskyttet"));
        assert_eq!(Protection::Skjermet.mask_nb(), Some("Skjermet person"));
    }
}
