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

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::OnSite => "Oppmøte",
            Self::Remote => "Skjermtolking",
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
    /// The interpreter's name or number in the register, as the provider books them.
    pub interpreter: String,
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
    #[error("Skriv tolkens navn eller nummer i Nasjonalt tolkeregister.")]
    NoInterpreter,
    #[error("{0}")]
    InterpreterText(String),
    #[error("Tolken er allerede bestilt da: {0}.")]
    InterpreterTaken(String),
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
            Self::NoInterpreter | Self::InterpreterText(_) | Self::InterpreterTaken(_) => {
                "tolk_navn"
            }
            Self::Length => "tolk_varighet",
            Self::NoMode => "tolk_form",
            Self::NoQualification => "tolk_kategori",
            Self::Cost => "tolk_kostnad",
            Self::WrongState(_) => "tolk_status",
        }
    }
}

/// A booking as typed in the form; the time comes from the session or the form.
#[derive(Debug, Clone, Copy, Default)]
pub struct TypedBooking<'a> {
    pub language: &'a str,
    pub interpreter: &'a str,
    pub mode: &'a str,
    pub qualification: &'a str,
    pub cost: &'a str,
}

/// Checks a booking as typed.
pub fn booking(
    typed: TypedBooking<'_>,
    starts: NaiveDateTime,
    minutes: u16,
) -> Result<Booking, BookingError> {
    let language = match crate::free_text::shared(typed.language, true, 60) {
        Ok(Some(l)) => l,
        Ok(None) | Err(crate::free_text::SharedTextError::Missing) => {
            return Err(BookingError::NoLanguage)
        }
        Err(e) => return Err(BookingError::Text(e.to_string())),
    };
    let interpreter = match crate::free_text::shared(typed.interpreter, true, 100) {
        Ok(Some(i)) => i,
        Ok(None) | Err(crate::free_text::SharedTextError::Missing) => {
            return Err(BookingError::NoInterpreter)
        }
        Err(e) => return Err(BookingError::InterpreterText(e.to_string())),
    };
    let (mode, qualification, cost) = (typed.mode, typed.qualification, typed.cost);
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
        interpreter,
        starts,
        minutes,
        mode,
        qualification,
        cost,
    })
}

impl Booking {
    pub fn ends(&self) -> NaiveDateTime {
        self.starts + chrono::Duration::minutes(i64::from(self.minutes))
    }

    fn same_interpreter(&self, other: &Booking) -> bool {
        self.interpreter.to_lowercase() == other.interpreter.to_lowercase()
    }
}

/// The first clash of `new` with a booking not cancelled: the same interpreter (compared
/// without case) at a time they overlap. Back to back is not a clash. `label` names the other.
pub fn clash<'a>(
    new: &Booking,
    booked: impl IntoIterator<Item = (&'a Booking, &'a str)>,
) -> Result<(), BookingError> {
    for (other, label) in booked {
        if new.starts < other.ends() && other.starts < new.ends() && new.same_interpreter(other) {
            return Err(BookingError::InterpreterTaken(label.to_owned()));
        }
    }
    Ok(())
}

/// A booking's cost shared by the participants it served, in whole øre: equal parts, the øre
/// left over one each to the first participants in the order given, so the shares sum to the
/// cost exactly. No participants: no shares (the cost stays with the group).
pub fn shares<T: Copy>(cost: Nok, participants: &[T]) -> Vec<(T, Nok)> {
    let Ok(n) = i64::try_from(participants.len()) else {
        return Vec::new();
    };
    if n == 0 {
        return Vec::new();
    }
    let (each, left) = (cost.ore().div_euclid(n), cost.ore().rem_euclid(n));
    participants
        .iter()
        .zip(0..)
        .map(|(p, i)| (*p, Nok::from_ore(each + i64::from(i < left))))
        .collect()
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
    pub const ALL: [BookingState; 4] = [
        Self::Requested,
        Self::Confirmed,
        Self::Held,
        Self::Cancelled,
    ];

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Requested => "Bestilt, venter på bekreftelse",
            Self::Confirmed => "Bekreftet",
            Self::Held => "Gjennomført",
            Self::Cancelled => "Avbestilt",
        }
    }

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

impl BookingStep {
    /// As the form sends it.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "bekreft" => Some(Self::Confirm),
            "gjennomfort" => Some(Self::Hold),
            "avbestill" => Some(Self::Cancel),
            _ => None,
        }
    }
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

    fn typed<'a>(
        language: &'a str,
        mode: &'a str,
        qualification: &'a str,
        cost: &'a str,
    ) -> TypedBooking<'a> {
        TypedBooking {
            language,
            interpreter: "Tolk 4711",
            mode,
            qualification,
            cost,
        }
    }

    fn book(t: TypedBooking<'_>, minutes: u16) -> Result<Booking, BookingError> {
        booking(t, at(), minutes)
    }

    #[test]
    fn a_booking_needs_a_language_an_interpreter_a_register_category_and_a_cost() {
        let b = book(typed(" Tigrinja ", "OPPMOTE", "B", "1 250,00"), 90).unwrap();
        assert_eq!(b.language, "Tigrinja");
        assert_eq!(b.interpreter, "Tolk 4711");
        assert_eq!(b.qualification, Qualification::B);
        assert_eq!(b.cost.ore(), 125_000);
        let e = |t, m| book(t, m).unwrap_err();
        assert_eq!(
            e(typed("", "OPPMOTE", "B", "100"), 90),
            BookingError::NoLanguage
        );
        let nobody = TypedBooking {
            interpreter: " ",
            ..typed("Dari", "OPPMOTE", "B", "100")
        };
        assert_eq!(e(nobody, 90), BookingError::NoInterpreter);
        assert_eq!(
            e(typed("Dari", "OPPMOTE", "B", "100"), 5),
            BookingError::Length
        );
        assert_eq!(
            e(typed("Dari", "TELEFON", "B", "100"), 60),
            BookingError::NoMode
        );
        assert_eq!(
            e(typed("Dari", "SKJERM", "", "100"), 60),
            BookingError::NoQualification
        );
        assert_eq!(
            e(typed("Dari", "SKJERM", "F", "100"), 60),
            BookingError::NoQualification
        );
        assert_eq!(
            e(typed("Dari", "SKJERM", "E", "mye"), 60),
            BookingError::Cost
        );
        assert_eq!(
            e(typed("Dari", "SKJERM", "E", "-10"), 60),
            BookingError::Cost
        );
        assert_eq!(BookingError::NoQualification.field(), "tolk_kategori");
        for q in Qualification::ALL {
            assert_eq!(Qualification::from_code(q.code()), Some(q));
            assert!(q.label_nb().starts_with(&format!("Kategori {}", q.code())));
        }
    }

    #[test]
    fn the_same_interpreter_cannot_be_in_two_places_at_once() {
        let first = book(typed("Dari", "OPPMOTE", "B", "900"), 90).unwrap();
        let later = |minutes: i64, who: &str| Booking {
            starts: at() + chrono::Duration::minutes(minutes),
            interpreter: who.to_owned(),
            ..first.clone()
        };
        let taken = [(&first, "02.03.2026 kl. 09.00")];
        assert_eq!(
            clash(&later(60, "tolk 4711"), taken),
            Err(BookingError::InterpreterTaken(
                "02.03.2026 kl. 09.00".into()
            )),
            "overlapping, the name compared without case"
        );
        assert_eq!(
            clash(&later(90, "Tolk 4711"), taken),
            Ok(()),
            "back to back"
        );
        assert_eq!(
            clash(&later(60, "Tolk 9000"), taken),
            Ok(()),
            "another interpreter"
        );
    }

    #[test]
    fn a_cost_is_shared_to_the_ore_and_the_shares_sum_to_the_cost() {
        let s = shares(Nok::from_ore(100_000), &[1, 2, 3]);
        assert_eq!(
            s.iter().map(|(_, n)| n.ore()).collect::<Vec<_>>(),
            [33_334, 33_333, 33_333]
        );
        assert!(shares::<i64>(Nok::from_ore(100), &[]).is_empty());
        for n in 1..=11_usize {
            let who: Vec<usize> = (0..n).collect();
            let cost = Nok::from_ore(123_457);
            let total: i64 = shares(cost, &who).iter().map(|(_, s)| s.ore()).sum();
            assert_eq!(total, cost.ore(), "{n} participants");
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
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(s));
        }
        assert_eq!(BookingStep::from_code("bekreft"), Some(B::Confirm));
        assert_eq!(BookingStep::from_code("slett"), None);
    }
}
