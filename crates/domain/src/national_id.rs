//! Norwegian national identity numbers: fødselsnummer, D-nummer, H-nummer and synthetic
//! test numbers, validated by construction.
//!
//! Rules (Skatteetaten, with the "2032" rule applied to every number whatever its birth date):
//! - 11 digits `d1..d11`; `d1d2` day, `d3d4` month, `d5d6` two-digit year, `d7d8d9` individual
//!   number, `d10` = k1, `d11` = k2.
//! - k1 is valid when `(3,7,6,1,8,9,4,5,2,1)·(d1..d9,k1) mod 11` is 0, 1, 2 or 3.
//! - k2 = `11 − ((5,4,3,2,7,6,5,4,3,2)·(d1..d9,k1) mod 11)`; 11 becomes 0, 10 is invalid.
//! - D-nummer: day + 40. H-nummer: month + 40. Synthetic (Skatteetaten/Tenor): month + 80.
//! - The date must exist. The century is never derived from the individual number, so
//!   29 February is accepted whenever the two-digit year is divisible by 4 (00 included).

use std::fmt;

use chrono::NaiveDate;

use serde::{Deserialize, Serialize};

use crate::mode::Mode;

/// The kind of a national id, as printed by `effekt id check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NationalIdKind {
    /// Fødselsnummer.
    Fnr,
    /// D-nummer (day + 40), for people without a fødselsnummer.
    Dnr,
    /// H-nummer (month + 40), a health-sector help number.
    Hnr,
    /// Synthetic test number (month + 80).
    Tnr,
    /// D-nummer with an H-nummer month.
    DnrAndHnr,
    /// Synthetic D-nummer.
    DnrAndTnr,
}

impl NationalIdKind {
    /// The stable short name (`fnr`, `dnr`, `hnr`, `tnr`, `dnr-and-hnr`, `dnr-and-tnr`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Fnr => "fnr",
            Self::Dnr => "dnr",
            Self::Hnr => "hnr",
            Self::Tnr => "tnr",
            Self::DnrAndHnr => "dnr-and-hnr",
            Self::DnrAndTnr => "dnr-and-tnr",
        }
    }

    /// Parses the short name back; used by the stores.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Fnr,
            Self::Dnr,
            Self::Hnr,
            Self::Tnr,
            Self::DnrAndHnr,
            Self::DnrAndTnr,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    /// Synthetic numbers exist only in test data and must never meet production.
    pub fn is_synthetic(self) -> bool {
        matches!(self, Self::Tnr | Self::DnrAndTnr)
    }

    /// H-numbers are help numbers for health services, never a person's identity.
    pub fn is_help_number(self) -> bool {
        matches!(self, Self::Hnr | Self::DnrAndHnr)
    }

    /// A D-nummer (synthetic or not) that a person may later replace by a fødselsnummer.
    pub fn is_d_number(self) -> bool {
        matches!(self, Self::Dnr | Self::DnrAndHnr | Self::DnrAndTnr)
    }
}

impl fmt::Display for NationalIdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One reason a string is not a national id. A number can have several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum NationalIdDefect {
    #[error("not 11 digits")]
    NotElevenDigits,
    #[error("first check digit (k1) does not match")]
    FirstCheckDigit,
    #[error("second check digit (k2) does not match")]
    SecondCheckDigit,
    #[error("invalid date")]
    InvalidDate,
}

impl NationalIdDefect {
    /// The Norwegian message shown next to a form field.
    pub fn message_nb(self) -> &'static str {
        match self {
            Self::NotElevenDigits => "Fødselsnummeret må ha 11 siffer.",
            Self::FirstCheckDigit | Self::SecondCheckDigit => {
                "Kontrollsifrene i fødselsnummeret stemmer ikke."
            }
            Self::InvalidDate => "Fødselsnummeret inneholder en dato som ikke finnes.",
        }
    }
}

/// Every defect found in a candidate national id (never empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid national id: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidNationalId(pub Vec<NationalIdDefect>);

/// Why a well-formed national id is refused under the current [`Mode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdRefusal {
    #[error("{0} is a synthetic test number, not accepted in production")]
    SyntheticInProduction(NationalIdKind),
    #[error("{0} is an H-number, not accepted as a person's id in production")]
    HelpNumberInProduction(NationalIdKind),
}

/// A structurally valid Norwegian national id (any kind). Whether it is acceptable as a
/// person's id depends on the [`Mode`]; see [`NationalId::accept_in`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalId([u8; 11]);

const K1_WEIGHTS: [u32; 10] = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

fn weighted(digits: &[u8], weights: &[u32]) -> u32 {
    digits
        .iter()
        .zip(weights)
        .map(|(d, w)| u32::from(*d) * w)
        .sum()
}

/// The k2 a number with these first ten digits must have, or `None` when none can.
fn expected_k2(first_ten: &[u8]) -> Option<u8> {
    match 11 - weighted(first_ten, &K2_WEIGHTS) % 11 {
        11 => Some(0),
        10 => None,
        k => u8::try_from(k).ok(),
    }
}

fn k1_is_valid(first_ten: &[u8]) -> bool {
    weighted(first_ten, &K1_WEIGHTS) % 11 <= 3
}

fn days_in_month(month: u8, two_digit_year: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if two_digit_year % 4 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Splits day and month into their real values and the kind their offsets encode.
fn kind_and_date(day: u8, month: u8) -> (NationalIdKind, u8, u8) {
    let (is_dnr, day) = if day > 40 {
        (true, day - 40)
    } else {
        (false, day)
    };
    let (month_kind, month) = match month {
        81..=92 => (Some(NationalIdKind::Tnr), month - 80),
        41..=52 => (Some(NationalIdKind::Hnr), month - 40),
        m => (None, m),
    };
    let kind = match (is_dnr, month_kind) {
        (false, None) => NationalIdKind::Fnr,
        (true, None) => NationalIdKind::Dnr,
        (false, Some(k)) => k,
        (true, Some(NationalIdKind::Tnr)) => NationalIdKind::DnrAndTnr,
        (true, Some(_)) => NationalIdKind::DnrAndHnr,
    };
    (kind, day, month)
}

impl NationalId {
    /// Parses an 11-digit string, reporting every defect at once.
    pub fn parse(input: &str) -> Result<Self, InvalidNationalId> {
        let trimmed = input.trim();
        let bytes = trimmed.as_bytes();
        if bytes.len() != 11 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(InvalidNationalId(vec![NationalIdDefect::NotElevenDigits]));
        }
        let mut d = [0u8; 11];
        for (slot, b) in d.iter_mut().zip(bytes) {
            *slot = b - b'0';
        }
        let mut defects = Vec::new();
        if !k1_is_valid(&d[..10]) {
            defects.push(NationalIdDefect::FirstCheckDigit);
        }
        if expected_k2(&d[..10]) != Some(d[10]) {
            defects.push(NationalIdDefect::SecondCheckDigit);
        }
        let (_, day, month) = kind_and_date(d[0] * 10 + d[1], d[2] * 10 + d[3]);
        let year = d[4] * 10 + d[5];
        if day == 0 || day > days_in_month(month, year) {
            defects.push(NationalIdDefect::InvalidDate);
        }
        if defects.is_empty() {
            Ok(Self(d))
        } else {
            Err(InvalidNationalId(defects))
        }
    }

    /// Builds a valid id from a date part (`ddmmyy` with offsets already applied) and an
    /// individual number, choosing check digits. Returns `None` when no valid k1/k2 exists
    /// for this combination (then try another individual number). Used for synthetic data.
    pub fn complete(date_part: [u8; 6], individual: u16) -> Option<Self> {
        if individual > 999 || date_part.iter().any(|d| *d > 9) {
            return None;
        }
        let mut d = [0u8; 11];
        d[..6].copy_from_slice(&date_part);
        // `individual` is at most 999, so each digit fits in a u8.
        d[6] = u8::try_from(individual / 100).ok()?;
        d[7] = u8::try_from(individual / 10 % 10).ok()?;
        d[8] = u8::try_from(individual % 10).ok()?;
        // Classic k1 (remainder 0) first, so generated numbers are valid under both rules.
        let k1 = (0u8..=9).find(|k1| {
            d[9] = *k1;
            weighted(&d[..10], &K1_WEIGHTS) % 11 == 0
        })?;
        d[9] = k1;
        d[10] = expected_k2(&d[..10])?;
        let digits: String = d.iter().map(|x| char::from(b'0' + x)).collect();
        Self::parse(&digits).ok()
    }

    /// The kind this number encodes.
    pub fn kind(&self) -> NationalIdKind {
        kind_and_date(self.0[0] * 10 + self.0[1], self.0[2] * 10 + self.0[3]).0
    }

    /// Day, month and two-digit year with the D/H/synthetic offsets removed.
    pub fn birth_date_parts(&self) -> (u8, u8, u8) {
        let (_, day, month) = kind_and_date(self.0[0] * 10 + self.0[1], self.0[2] * 10 + self.0[3]);
        (day, month, self.0[4] * 10 + self.0[5])
    }

    /// Whether the number encodes `birth` (day, month and the year's last two digits; the
    /// D-, H- and synthetic offsets removed). A new number for a person that does not fit
    /// their date of birth may be someone else's, and needs a second look.
    pub fn fits_birth_date(&self, birth: NaiveDate) -> bool {
        use chrono::Datelike;
        let (day, month, yy) = self.birth_date_parts();
        u32::from(day) == birth.day()
            && u32::from(month) == birth.month()
            && i32::from(yy) == birth.year().rem_euclid(100)
    }

    /// Checks that this number may identify a person in `mode`.
    pub fn accept_in(&self, mode: Mode) -> Result<(), NationalIdRefusal> {
        let kind = self.kind();
        if mode == Mode::Production {
            if kind.is_synthetic() {
                return Err(NationalIdRefusal::SyntheticInProduction(kind));
            }
            if kind.is_help_number() {
                return Err(NationalIdRefusal::HelpNumberInProduction(kind));
            }
        }
        Ok(())
    }

    /// The 11 digits as a number: a compact key that sorts like the text.
    pub fn as_u64(&self) -> u64 {
        self.0.iter().fold(0u64, |acc, d| acc * 10 + u64::from(*d))
    }

    /// The 11 digits.
    pub fn as_string(&self) -> String {
        self.0.iter().map(|x| char::from(b'0' + x)).collect()
    }
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// Never prints the number itself: ids end up in logs through `{:?}`.
impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "NationalId({}, ******{:02})",
            self.kind(),
            self.0[9] * 10 + self.0[10]
        )
    }
}

impl TryFrom<String> for NationalId {
    type Error = InvalidNationalId;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NationalId> for String {
    fn from(value: NationalId) -> Self {
        value.as_string()
    }
}

/// A search as typed: eleven digits written the way pages show them ("241095 12482", with any
/// spaces) are searched as the eleven digits the store holds; any other text is left as it is.
pub fn search_text(typed: &str) -> String {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 11 && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits
    } else {
        typed.to_owned()
    }
}

#[cfg(test)]
mod tests;
