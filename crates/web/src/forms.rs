//! Form input parsed into domain values, with a Norwegian message per field for whatever does
//! not parse. Nothing is stored unless every field parses.

use std::collections::HashMap;

use chrono::NaiveDate;
use effekt_domain::dates::parse_civil_date;
use effekt_domain::mode::Mode;
use effekt_domain::national_id::{NationalId, NationalIdRefusal};

pub use effekt_app::FieldError;

/// The raw text of the "new national id" form, kept to re-show it after an error.
#[derive(Debug, Clone, Default)]
pub struct IdChangeInput {
    pub national_id: String,
    pub valid_from: String,
}

impl IdChangeInput {
    pub fn from_form(form: &HashMap<String, String>) -> Self {
        let get = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        Self {
            national_id: get("fodselsnummer"),
            valid_from: get("gyldig_fra"),
        }
    }

    /// Parses both fields; every problem is reported, each next to its field.
    pub fn parse(
        &self,
        mode: Mode,
        today: NaiveDate,
    ) -> Result<(NationalId, NaiveDate), Vec<FieldError>> {
        let mut errors = Vec::new();
        let id = match NationalId::parse(&self.national_id) {
            Ok(id) => match id.accept_in(mode) {
                Ok(()) => Some(id),
                Err(NationalIdRefusal::SyntheticInProduction(_)) => {
                    errors.push(FieldError::new(
                        "fodselsnummer",
                        "Syntetiske testnumre kan ikke brukes her.",
                    ));
                    None
                }
                Err(NationalIdRefusal::HelpNumberInProduction(_)) => {
                    errors.push(FieldError::new(
                        "fodselsnummer",
                        "Et H-nummer kan ikke brukes som en persons ident.",
                    ));
                    None
                }
            },
            Err(invalid) => {
                let mut messages: Vec<&str> = invalid.0.iter().map(|d| d.message_nb()).collect();
                messages.dedup();
                errors.push(FieldError::new("fodselsnummer", messages.join(" ")));
                None
            }
        };
        let date = match parse_civil_date(&self.valid_from) {
            Ok(d) if d > today => {
                errors.push(FieldError::new(
                    "gyldig_fra",
                    "Datoen kan ikke være fram i tid.",
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(FieldError::new("gyldig_fra", e.message_nb()));
                None
            }
        };
        match (id, date) {
            (Some(id), Some(date)) if errors.is_empty() => Ok((id, date)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(id: &str, date: &str) -> IdChangeInput {
        IdChangeInput {
            national_id: id.into(),
            valid_from: date.into(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn every_field_gets_its_own_norwegian_message() {
        let errors = input("1234", "31.02.2026")
            .parse(Mode::Demo, today())
            .unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("fodselsnummer", "Fødselsnummeret må ha 11 siffer."),
                FieldError::new("gyldig_fra", "Skriv en gyldig dato som dd.mm.åååå."),
            ]
        );
        let errors = input("13097248023", "01.12.2026")
            .parse(Mode::Demo, today())
            .unwrap_err();
        assert_eq!(
            errors[0].message,
            "Kontrollsifrene i fødselsnummeret stemmer ikke."
        );
        assert_eq!(errors[1].message, "Datoen kan ikke være fram i tid.");
    }

    #[test]
    fn production_refuses_synthetic_numbers() {
        let errors = input("17912099997", "01.11.2026")
            .parse(Mode::Production, today())
            .unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "fodselsnummer",
                "Syntetiske testnumre kan ikke brukes her."
            )]
        );
        assert!(input("17912099997", "01.11.2026")
            .parse(Mode::Demo, today())
            .is_ok());
        assert!(input("13097248022", "2026-11-01")
            .parse(Mode::Production, today())
            .is_ok());
    }
}
