//! Interpreter bookings made by the provider, without a Nav step (issue 14): language, time,
//! length, on site or remote, the interpreter's qualification category in the national
//! interpreter register (Nasjonalt tolkeregister, IMDi) and the cost. The booking's state
//! machine lives here: requested, confirmed by the interpreter, held, or cancelled with a reason.

use chrono::NaiveDateTime;

use crate::money::Nok;

/// The register's published qualification categories (IMDi, in force since 2020), A highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Qualification {
    A,
    B,
    C,
    D,
    E,
}

impl Qualification {
    pub const ALL: [Qualification; 5] = [Self::A, Self::B, Self::C, Self::D, Self::E];

    pub fn code(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
            Self::E => "E",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.code() == code)
    }

    /// As the register describes the category.
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::A => "Kategori A: statsautorisasjon og bachelorgrad",
            Self::B => "Kategori B: bachelorgrad, eller statsautorisasjon og grunnemne",
            Self::C => "Kategori C: statsautorisasjon",
            Self::D => "Kategori D: grunnemne i tolking i offentlig sektor",
            Self::E => "Kategori E: tospråktest og kurs i tolkens ansvarsområde",
        }
    }
}

/// Where the interpreter works from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    OnSite,
    Remote,
}

impl Mode {
    pub fn code(self) -> &'static str {
        match self {
            Self::OnSite => "OPPMOTE",
            Self::Remote => "SKJERM",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::OnSite, Self::Remote]
            .into_iter()
            .find(|m| m.code() == code)
    }
}

/// A booking as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub language: String,
    pub starts: NaiveDateTime,
    pub minutes: u16,
    pub mode: Mode,
    pub qualification: Qualification,
    pub cost: Nok,
}

/// Why a booking or a step on it is refused; `field()` names the form field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    #[error("Skriv språket.")]
    NoLanguage,
    #[error("{0}")]
    Text(String),
    #[error("Oppdraget må vare mellom 15 minutter og 8 timer.")]
    Length,
    #[error("Velg oppmøte eller skjermtolking.")]
    NoMode,
    #[error("Velg tolkens kategori i Nasjonalt tolkeregister.")]
    NoQualification,
    #[error("Skriv kostnaden i kroner, for eksempel 1 250,00.")]
    Cost,
    #[error("{0}")]
    WrongState(&'static str),
}

impl BookingError {
    pub fn field(&self) -> &'static str {
        match self {
            Self::NoLanguage | Self::Text(_) => "tolk_sprak",
            Self::Length => "tolk_varighet",
            Self::NoMode => "tolk_form",
            Self::NoQualification => "tolk_kategori",
            Self::Cost => "tolk_kostnad",
            Self::WrongState(_) => "tolk_status",
        }
    }
}

/// Checks a booking as typed.
pub fn booking(
    language: &str,
    starts: NaiveDateTime,
    minutes: u16,
    mode: &str,
    qualification: &str,
    cost: &str,
) -> Result<Booking, BookingError> {
    let language = match crate::free_text::shared(language, true, 60) {
        Ok(Some(l)) => l,
        Ok(None) | Err(crate::free_text::SharedTextError::Missing) => {
            return Err(BookingError::NoLanguage)
        }
        Err(e) => return Err(BookingError::Text(e.to_string())),
    };
    if !(15..=480).contains(&minutes) {
        return Err(BookingError::Length);
    }
    let mode = Mode::from_code(mode.trim()).ok_or(BookingError::NoMode)?;
    let qualification =
        Qualification::from_code(qualification.trim()).ok_or(BookingError::NoQualification)?;
    let cost = Nok::parse(cost).map_err(|_| BookingError::Cost)?;
    if cost.ore() < 0 {
        return Err(BookingError::Cost);
    }
    Ok(Booking {
        language,
        starts,
        minutes,
        mode,
        qualification,
        cost,
    })
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingState {
    /// Asked for; waits for the interpreter's confirmation (a task for the booker).
    Requested,
    Confirmed,
    /// The assignment took place; its cost counts.
    Held,
    Cancelled,
}

impl BookingState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Requested => "BESTILT",
            Self::Confirmed => "BEKREFTET",
            Self::Held => "GJENNOMFORT",
            Self::Cancelled => "AVBESTILT",
        }
    }
}

/// What staff do with a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingStep {
    Confirm,
    Hold,
    Cancel,
}

/// The state a step leads to, or why not.
pub fn step(from: BookingState, step: BookingStep) -> Result<BookingState, BookingError> {
    use BookingState as S;
    match (from, step) {
        (S::Requested, BookingStep::Confirm) => Ok(S::Confirmed),
        (S::Confirmed, BookingStep::Hold) => Ok(S::Held),
        (S::Requested | S::Confirmed, BookingStep::Cancel) => Ok(S::Cancelled),
        (S::Requested, BookingStep::Hold) => Err(BookingError::WrongState(
            "Bestillingen er ikke bekreftet av tolken ennå.",
        )),
        (S::Confirmed, BookingStep::Confirm) => Err(BookingError::WrongState(
            "Bestillingen er allerede bekreftet.",
        )),
        (S::Held, _) => Err(BookingError::WrongState("Oppdraget er gjennomført.")),
        (S::Cancelled, _) => Err(BookingError::WrongState("Bestillingen er avbestilt.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-03-02 09:00", "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_booking_needs_a_language_a_register_category_and_a_cost() {
        let b = booking(" Tigrinja ", at(), 90, "OPPMOTE", "B", "1 250,00").unwrap();
        assert_eq!(b.language, "Tigrinja");
        assert_eq!(b.qualification, Qualification::B);
        assert_eq!(b.cost.ore(), 125_000);
        assert_eq!(
            booking("", at(), 90, "OPPMOTE", "B", "100"),
            Err(BookingError::NoLanguage)
        );
        assert_eq!(
            booking("Dari", at(), 5, "OPPMOTE", "B", "100"),
            Err(BookingError::Length)
        );
        assert_eq!(
            booking("Dari", at(), 60, "TELEFON", "B", "100"),
            Err(BookingError::NoMode)
        );
        assert_eq!(
            booking("Dari", at(), 60, "SKJERM", "", "100"),
            Err(BookingError::NoQualification)
        );
        assert_eq!(
            booking("Dari", at(), 60, "SKJERM", "F", "100"),
            Err(BookingError::NoQualification)
        );
        assert_eq!(
            booking("Dari", at(), 60, "SKJERM", "E", "mye"),
            Err(BookingError::Cost)
        );
        assert_eq!(
            booking("Dari", at(), 60, "SKJERM", "E", "-10"),
            Err(BookingError::Cost)
        );
        for q in Qualification::ALL {
            assert_eq!(Qualification::from_code(q.code()), Some(q));
            assert!(q.label_nb().starts_with(&format!("Kategori {}", q.code())));
        }
    }

    #[test]
    fn a_booking_is_confirmed_then_held_or_cancelled_and_then_closed() {
        use BookingState as S;
        use BookingStep as B;
        assert_eq!(step(S::Requested, B::Confirm), Ok(S::Confirmed));
        assert_eq!(step(S::Confirmed, B::Hold), Ok(S::Held));
        assert_eq!(step(S::Requested, B::Cancel), Ok(S::Cancelled));
        assert_eq!(step(S::Confirmed, B::Cancel), Ok(S::Cancelled));
        assert!(step(S::Requested, B::Hold).is_err());
        assert!(step(S::Confirmed, B::Confirm).is_err());
        for s in [B::Confirm, B::Hold, B::Cancel] {
            assert!(step(S::Held, s).is_err());
            assert!(step(S::Cancelled, s).is_err());
        }
    }
}
