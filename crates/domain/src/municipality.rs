//! Norwegian municipality numbers (kommunenummer): four digits, the first two the county's.
//! Contracts name where the programme is delivered by them, so that exports (INDIGO's delivery
//! locations) carry a code a reader can look up, not only a place name.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The county numbers in use since 1 January 2024 (Statistics Norway's classification 104),
/// with Svalbard (21) and Jan Mayen (22).
const COUNTIES: [&str; 17] = [
    "03", "11", "15", "18", "21", "22", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55",
    "56",
];

/// Why a string is not a municipality number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMunicipality {
    #[error("a municipality number (kommunenummer) has 4 digits")]
    NotFourDigits,
    #[error("no county has the number {0}{1} (the first two digits of a kommunenummer)")]
    UnknownCounty(char, char),
}

/// A municipality number whose county exists: `0301` (Oslo), `4601` (Bergen).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Municipality([u8; 4]);

impl Municipality {
    pub fn parse(text: &str) -> Result<Self, InvalidMunicipality> {
        let bytes: [u8; 4] = text
            .trim()
            .as_bytes()
            .try_into()
            .map_err(|_| InvalidMunicipality::NotFourDigits)?;
        if !bytes.iter().all(u8::is_ascii_digit) {
            return Err(InvalidMunicipality::NotFourDigits);
        }
        let county = [char::from(bytes[0]), char::from(bytes[1])];
        if !COUNTIES
            .iter()
            .any(|c| c.chars().eq(county.iter().copied()))
        {
            return Err(InvalidMunicipality::UnknownCounty(county[0], county[1]));
        }
        Ok(Self(bytes))
    }

    pub fn as_str(&self) -> &str {
        // Four ASCII digits, checked in `parse`.
        std::str::from_utf8(&self.0).unwrap_or("0000")
    }
}

impl TryFrom<String> for Municipality {
    type Error = InvalidMunicipality;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Municipality> for String {
    fn from(m: Municipality) -> Self {
        m.as_str().to_owned()
    }
}

impl fmt::Display for Municipality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Municipality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Municipality({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_municipality_numbers_parse_and_others_are_named() {
        for code in ["0301", "4601", "5001", "3101", "1103", "5601", "2100"] {
            assert_eq!(
                Municipality::parse(code).map(|m| m.to_string()),
                Ok(code.to_owned())
            );
        }
        assert_eq!(
            Municipality::parse("301"),
            Err(InvalidMunicipality::NotFourDigits)
        );
        assert_eq!(
            Municipality::parse("03O1"),
            Err(InvalidMunicipality::NotFourDigits)
        );
        // Hordaland (12) was merged into Vestland (46) in 2020.
        assert_eq!(
            Municipality::parse("1201"),
            Err(InvalidMunicipality::UnknownCounty('1', '2'))
        );
        assert!(serde_json::from_str::<Municipality>("\"9999\"").is_err());
    }
}
