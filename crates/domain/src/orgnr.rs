//! Norwegian organisation numbers (Enhetsregisteret): 9 digits, mod-11 check digit.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not an organisation number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidOrgNr {
    #[error("not 9 digits")]
    NotNineDigits,
    #[error("check digit does not match")]
    CheckDigit,
}

impl InvalidOrgNr {
    /// The Norwegian message shown next to a form field.
    pub fn message_nb(self) -> &'static str {
        match self {
            Self::NotNineDigits => "Organisasjonsnummeret må ha 9 siffer.",
            Self::CheckDigit => "Kontrollsifferet i organisasjonsnummeret stemmer ikke.",
        }
    }
}

/// A valid organisation number: nine ASCII digits, held inline (registers hold millions).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgNr([u8; 9]);

const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

impl OrgNr {
    /// Parses 9 digits (surrounding spaces allowed) and checks the check digit:
    /// `11 − (Σ weights·digits mod 11)`, 11 becomes 0, 10 is never valid.
    pub fn parse(input: &str) -> Result<Self, InvalidOrgNr> {
        let s = input.trim();
        let b = s.as_bytes();
        if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
            return Err(InvalidOrgNr::NotNineDigits);
        }
        let sum: u32 = b
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return Err(InvalidOrgNr::CheckDigit),
            c => c,
        };
        if u32::from(b[8] - b'0') == check {
            let mut digits = [0u8; 9];
            digits.copy_from_slice(b);
            Ok(Self(digits))
        } else {
            Err(InvalidOrgNr::CheckDigit)
        }
    }

    pub fn as_str(&self) -> &str {
        // Built only from nine ASCII digits, so always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for OrgNr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for OrgNr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgNr({})", self.as_str())
    }
}

impl TryFrom<String> for OrgNr {
    type Error = InvalidOrgNr;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgNr> for String {
    fn from(value: OrgNr) -> Self {
        value.as_str().to_owned()
    }
}
