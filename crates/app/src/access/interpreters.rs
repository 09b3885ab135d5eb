//! Interpreter bookings (issue 14, item 4): the provider's staff and admins book an interpreter
//! themselves, without a Nav step, for a group's session or one participant's meeting; the
//! interpreter confirms, the assignment is held or cancelled with a reason. The same
//! interpreter is never booked twice at once. What held assignments cost is counted per
//! contract, group and participant (a session's cost shared by the participants marked present)
//! and exported as a CSV for Norwegian Excel. Nobody outside the provider sees a booking; a
//! participant named on the page is audited, a protected one masked unless assigned.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use effekt_domain::dates::{oslo_local, parse_civil_date, parse_clock};
use effekt_domain::ids::{ParticipantId, ProviderId};
use effekt_domain::interpreters::{
    self as rules, Booking, BookingError, BookingState, BookingStep, Mode, Qualification,
    TypedBooking,
};
use effekt_domain::money::Nok;
use effekt_store::interpreters::{CheckedBookings, NewBooking, Served, Serves, StoredBooking};
use serde::Serialize;

use super::groups::time_span;
use super::participants::unmasked;
use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::{AppError, FieldError};

/// How far ahead the booking form offers the provider's sessions.
const OFFERED_WEEKS: i64 = 12;

#[derive(Debug, Clone, Serialize)]
pub struct BookingView {
    pub id: i64,
    pub when: String,
    /// "Økt for Gruppe 1" or the participant's name (masked when the viewer may not see who).
    pub serves: String,
    /// The group's page or the participant's, when the viewer may open it.
    pub link: Option<String>,
    pub language: String,
    pub interpreter: String,
    pub mode: &'static str,
    pub qualification: String,
    pub cost: String,
    pub state: &'static str,
    pub cancel_reason: Option<String>,
    pub booked_by: String,
    pub may_confirm: bool,
    pub may_hold: bool,
    pub may_cancel: bool,
}

/// One row of a cost table: what held assignments cost and what is booked but not yet held.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CostRow {
    pub name: String,
    pub contract: String,
    pub held: String,
    pub booked: String,
    pub assignments: usize,
    #[serde(skip)]
    pub held_ore: i64,
    #[serde(skip)]
    pub booked_ore: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct InterpreterView {
    /// Requested or confirmed, by start.
    pub open: Vec<BookingView>,
    /// Held or cancelled, newest first.
    pub closed: Vec<BookingView>,
    /// The provider's sessions the form offers: (key, "Gruppe 1: 02.03.2026 kl. 09.00–10.30").
    pub sessions: Vec<(i64, String)>,
    pub per_contract: Vec<CostRow>,
    pub per_group: Vec<CostRow>,
    pub per_participant: Vec<CostRow>,
    /// Held session assignments nobody was marked present at: counted to group and contract.
    pub unshared: String,
}

/// The booking form as typed.
#[derive(Debug, Clone, Default)]
pub struct BookingInput {
    /// "okt:<key>" or "deltaker".
    pub serves: String,
    pub participant: String,
    pub date: String,
    pub time: String,
    pub minutes: String,
    pub language: String,
    pub interpreter: String,
    pub mode: String,
    pub qualification: String,
    pub cost: String,
}

fn kroner(ore: i64) -> String {
    Nok::from_ore(ore).to_string()
}

fn refused(e: BookingError) -> FieldError {
    FieldError::new(e.field(), e.to_string())
}

fn as_booking(b: &StoredBooking) -> Option<Booking> {
    Some(Booking {
        language: b.language.clone(),
        interpreter: b.interpreter.clone(),
        starts: b.starts,
        minutes: u16::try_from(b.minutes).ok()?,
        mode: Mode::from_code(&b.mode)?,
        qualification: Qualification::from_code(&b.qualification)?,
        cost: Nok::from_ore(b.cost_ore),
    })
}

/// A participant's name, or the mask when the viewer may not see who it is.
fn served_name(s: &Served) -> (String, bool) {
    if unmasked(s.protection, s.viewer_assigned) {
        (format!("{} {}", s.given_name, s.family_name), true)
    } else {
        let mask = s.protection.mask_nb().unwrap_or("Skjermet person");
        (mask.to_owned(), false)
    }
}

/// Sums per key: (name, contract, held øre, booked øre, assignments).
type Tally = BTreeMap<(String, i64), (String, String, i64, i64, usize)>;

fn add(t: &mut Tally, key: (String, i64), names: (&str, &str), held: i64, booked: i64) {
    let e = t
        .entry(key)
        .or_insert_with(|| (names.0.to_owned(), names.1.to_owned(), 0, 0, 0));
    e.2 += held;
    e.3 += booked;
    e.4 += 1;
}

fn rows(t: Tally) -> Vec<CostRow> {
    t.into_values()
        .map(|(name, contract, held, booked, n)| CostRow {
            name,
            contract,
            held: kroner(held),
            booked: kroner(booked),
            assignments: n,
            held_ore: held,
            booked_ore: booked,
        })
        .collect()
}

/// The three cost tables and the held session cost nobody present shared.
pub(crate) struct Costs {
    pub per_contract: Vec<CostRow>,
    pub per_group: Vec<CostRow>,
    pub per_participant: Vec<CostRow>,
    pub unshared: i64,
}

/// Counts the bookings: held ones as cost, requested and confirmed ones as booked; a held
/// session's cost shared by the participants marked present (in the room or remote).
fn costs(bookings: &[StoredBooking], served: &[Served]) -> Costs {
    let (mut contracts, mut groups, mut people) = (Tally::new(), Tally::new(), Tally::new());
    let mut unshared = 0;
    for b in bookings {
        let (held, booked) = match b.state {
            BookingState::Held => (b.cost_ore, 0),
            BookingState::Requested | BookingState::Confirmed => (0, b.cost_ore),
            BookingState::Cancelled => continue,
        };
        let contract = b.contract_name.as_str();
        add(
            &mut contracts,
            (contract.to_owned(), b.contract.0),
            (contract, contract),
            held,
            booked,
        );
        if let Some((g, name)) = &b.group {
            add(
                &mut groups,
                (name.clone(), g.0),
                (name, contract),
                held,
                booked,
            );
        }
        if held == 0 {
            continue;
        }
        let present: Vec<&Served> = served.iter().filter(|s| s.booking == b.id).collect();
        let shares = rules::shares(Nok::from_ore(held), &present);
        if shares.is_empty() {
            unshared += held;
        }
        for (s, share) in shares {
            let (name, _) = served_name(s);
            add(
                &mut people,
                (name.clone(), s.participant.0),
                (&name, contract),
                share.ore(),
                0,
            );
        }
    }
    Costs {
        per_contract: rows(contracts),
        per_group: rows(groups),
        per_participant: rows(people),
        unshared,
    }
}

impl ParticipantAccess {
    fn booking_view(
        &self,
        b: &StoredBooking,
        served: &[Served],
        now: NaiveDateTime,
    ) -> BookingView {
        let (serves, link) = match (b.serves, &b.group) {
            (Serves::Session(_), Some((g, name))) => {
                (format!("Økt for {name}"), Some(format!("/grupper/{}", g.0)))
            }
            (Serves::Participant(p), _) => match served.iter().find(|s| s.booking == b.id) {
                Some(s) => {
                    let (name, open) = served_name(s);
                    (name, open.then(|| format!("/deltakere/{}", p.0)))
                }
                None => (format!("Deltaker {}", p.0), None),
            },
            (Serves::Session(o), None) => (format!("Økt {o}"), None),
        };
        BookingView {
            id: b.id,
            when: time_span(b.starts, b.minutes),
            serves,
            link,
            language: b.language.clone(),
            interpreter: b.interpreter.clone(),
            mode: Mode::from_code(&b.mode).map_or("", Mode::label_nb),
            qualification: b.qualification.clone(),
            cost: kroner(b.cost_ore),
            state: b.state.label_nb(),
            cancel_reason: b.cancel_reason.clone(),
            booked_by: b.booked_by_name.clone(),
            may_confirm: b.state == BookingState::Requested,
            may_hold: b.state == BookingState::Confirmed && b.starts <= now,
            may_cancel: matches!(b.state, BookingState::Requested | BookingState::Confirmed),
        }
    }

    /// The provider's bookings this viewer works with — a teacher: those of her groups and
    /// those she made — and the participants they name, audited when shown unmasked.
    async fn visible_bookings(
        &self,
        provider: ProviderId,
    ) -> Result<(Vec<StoredBooking>, Vec<Served>), AppError> {
        let mut bookings = self.app.store.provider_bookings(provider).await?;
        if let Some(taught) = self.taught_groups().await? {
            let me = self.viewer.user.id;
            bookings.retain(|b| match (&b.group, b.serves) {
                (Some((g, _)), _) => taught.contains(g),
                (None, Serves::Participant(_)) => b.booked_by == me,
                (None, Serves::Session(_)) => false,
            });
        }
        let mut served = self
            .app
            .store
            .booking_participants(provider, self.viewer.user.id)
            .await?;
        served.retain(|s| bookings.iter().any(|b| b.id == s.booking));
        let mut shown: Vec<_> = served
            .iter()
            .filter(|s| unmasked(s.protection, s.viewer_assigned))
            .map(|s| s.person)
            .collect();
        shown.sort_unstable_by_key(|p| p.0);
        shown.dedup();
        self.permit(shown, Purpose::InterpreterBooking).await?;
        Ok((bookings, served))
    }

    /// The bookings page: open and closed bookings, the sessions to book for, and the costs.
    pub async fn interpreter_page(&self) -> Result<InterpreterView, AppError> {
        let provider = self.group_provider()?;
        let (bookings, served) = self.visible_bookings(provider).await?;
        let now = oslo_local(self.app.now());
        let mut upcoming = self
            .app
            .store
            .provider_sessions_between(provider, now, now + Duration::weeks(OFFERED_WEEKS))
            .await?;
        if let Some(taught) = self.taught_groups().await? {
            upcoming.retain(|s| taught.contains(&s.group));
        }
        let groups = self
            .app
            .store
            .provider_groups(provider, self.app.today())
            .await?;
        let sessions = upcoming
            .iter()
            .map(|s| {
                let group = groups
                    .iter()
                    .find(|(g, _)| g.id == s.group)
                    .map_or_else(String::new, |(g, _)| g.name.clone());
                (s.id, format!("{group}: {}", time_span(s.starts, s.minutes)))
            })
            .collect();
        let (mut open, mut closed) = (Vec::new(), Vec::new());
        for b in &bookings {
            let view = self.booking_view(b, &served, now);
            match b.state {
                BookingState::Requested | BookingState::Confirmed => open.push(view),
                BookingState::Held | BookingState::Cancelled => closed.push(view),
            }
        }
        closed.reverse();
        let c = costs(&bookings, &served);
        Ok(InterpreterView {
            open,
            closed,
            sessions,
            per_contract: c.per_contract,
            per_group: c.per_group,
            per_participant: c.per_participant,
            unshared: kroner(c.unshared),
        })
    }

    /// The costs as a CSV for Norwegian Excel: one row per contract, group and participant.
    pub async fn interpreter_costs_csv(&self) -> Result<Vec<u8>, AppError> {
        let provider = self.group_provider()?;
        let (bookings, served) = self.visible_bookings(provider).await?;
        let c = costs(&bookings, &served);
        let mut lines = Vec::new();
        for (level, rows) in [
            ("Kontrakt", &c.per_contract),
            ("Gruppe", &c.per_group),
            ("Deltaker", &c.per_participant),
        ] {
            for r in rows {
                lines.push([
                    level.to_owned(),
                    r.name.clone(),
                    r.contract.clone(),
                    crate::statement_file::kroner_cell(r.held_ore),
                    crate::statement_file::kroner_cell(r.booked_ore),
                    r.assignments.to_string(),
                ]);
            }
        }
        crate::statement_file::excel_table(
            &[
                "Nivå",
                "Navn",
                "Kontrakt",
                "Gjennomført (kr)",
                "Bestilt, ikke gjennomført (kr)",
                "Oppdrag",
            ],
            &lines,
            &[1, 2],
        )
        .map_err(|e| AppError::internal("the interpreter costs", e))
    }

    /// Books an interpreter for a session of the provider's groups or a participant's meeting.
    pub async fn book_interpreter(
        &self,
        input: &BookingInput,
    ) -> Result<Result<i64, FieldError>, AppError> {
        let provider = self.group_provider()?;
        let now = oslo_local(self.app.now());
        let serves = input.serves.trim();
        let (serves, contract, starts, minutes) = if let Some(key) = serves.strip_prefix("okt:") {
            let session = match key.parse::<i64>() {
                Ok(k) => self.app.store.group_session(k).await?,
                Err(_) => None,
            };
            let group = match &session {
                Some(s) => self.app.store.group(s.group).await?,
                None => None,
            };
            // A teacher books for the sessions of her own groups only.
            let taught = self.taught_groups().await?;
            let (Some(s), Some(g)) = (
                session,
                group.filter(|g| {
                    g.provider == provider && taught.as_ref().is_none_or(|t| t.contains(&g.id))
                }),
            ) else {
                return Ok(Err(FieldError::new("gjelder", "Velg en økt fra listen.")));
            };
            if s.cancelled.is_some() {
                return Ok(Err(FieldError::new("gjelder", "Økta er avlyst.")));
            }
            let minutes = u16::try_from(s.minutes).unwrap_or(0);
            (Serves::Session(s.id), g.contract, s.starts, minutes)
        } else if serves == "deltaker" {
            let Ok(key) = input.participant.trim().parse::<i64>().map(ParticipantId) else {
                return Ok(Err(FieldError::new(
                    "deltaker",
                    "Skriv deltakerens nummer i listen.",
                )));
            };
            let Some(d) = self
                .in_scope(key)
                .await?
                .filter(|d| unmasked(d.protection, d.viewer_assigned))
            else {
                audit::deny(&self.app, &self.viewer, key, Purpose::InterpreterBooking).await?;
                return Ok(Err(FieldError::new(
                    "deltaker",
                    "Fant ingen deltaker med det nummeret hos dere.",
                )));
            };
            let date = match parse_civil_date(&input.date) {
                Ok(d) => d,
                Err(e) => return Ok(Err(FieldError::new("dato", e.message_nb()))),
            };
            let Some(time) = parse_clock(&input.time) else {
                return Ok(Err(FieldError::new(
                    "klokkeslett",
                    "Skriv klokkeslettet som tt:mm.",
                )));
            };
            let Ok(minutes) = input.minutes.trim().parse::<u16>() else {
                return Ok(Err(refused(BookingError::Length)));
            };
            (
                Serves::Participant(key),
                d.contract,
                date.and_time(time),
                minutes,
            )
        } else {
            return Ok(Err(FieldError::new(
                "gjelder",
                "Velg en økt, eller en samtale med én deltaker.",
            )));
        };
        if starts <= now {
            return Ok(Err(FieldError::new(
                if matches!(serves, Serves::Session(_)) {
                    "gjelder"
                } else {
                    "dato"
                },
                "Tidspunktet har passert; en tolk bestilles før oppdraget.",
            )));
        }
        let typed = TypedBooking {
            language: &input.language,
            interpreter: &input.interpreter,
            mode: &input.mode,
            qualification: &input.qualification,
            cost: &input.cost,
        };
        let booking = match rules::booking(typed, starts, minutes) {
            Ok(b) => b,
            Err(e) => return Ok(Err(refused(e))),
        };
        let window = Duration::hours(8);
        let (from, to) = (starts - window, starts + window);
        let booked = self.app.store.bookings_between(provider, from, to).await?;
        let checked = CheckedBookings {
            provider,
            from,
            to,
            bookings: booked.iter().map(|b| b.id).collect(),
        };
        let others: Vec<(Booking, String)> = booked
            .iter()
            .filter_map(|b| as_booking(b).map(|x| (x, time_span(b.starts, b.minutes))))
            .collect();
        if let Err(e) = rules::clash(&booking, others.iter().map(|(b, l)| (b, l.as_str()))) {
            return Ok(Err(refused(e)));
        }
        let new = NewBooking {
            provider,
            contract,
            serves,
            booking,
        };
        let (by, at) = (self.viewer.user.id, self.app.now());
        let Some(id) = self
            .app
            .store
            .book_interpreter(&new, &checked, by, at)
            .await?
        else {
            return Ok(Err(FieldError::new(
                "tolk_navn",
                "Noen bestilte eller avbestilte en tolk samtidig. Se på listen og prøv igjen.",
            )));
        };
        self.log_booking("interpreter.book", id).await?;
        Ok(Ok(id))
    }

    /// Takes a step on one of the provider's bookings: confirmed by the interpreter, held (once
    /// begun), or cancelled with a reason.
    pub async fn step_booking(
        &self,
        id: i64,
        step: &str,
        reason: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let provider = self.group_provider()?;
        let taught = self.taught_groups().await?;
        let me = self.viewer.user.id;
        let b = match self.app.store.interpreter_booking(id).await? {
            // A teacher steps the bookings of her groups and her own only.
            Some(b)
                if b.provider == provider
                    && taught.as_ref().is_none_or(|t| match &b.group {
                        Some((g, _)) => t.contains(g),
                        None => b.booked_by == me,
                    }) =>
            {
                b
            }
            _ => return Err(AppError::NotFound),
        };
        let Some(step) = BookingStep::from_code(step.trim()) else {
            return Ok(Err(FieldError::new("tolk_status", "Ukjent handling.")));
        };
        let to = match rules::step(b.state, step) {
            Ok(to) => to,
            Err(e) => return Ok(Err(refused(e))),
        };
        if step == BookingStep::Hold && b.starts > oslo_local(self.app.now()) {
            return Ok(Err(FieldError::new(
                "tolk_status",
                "Oppdraget har ikke begynt ennå.",
            )));
        }
        let reason = if step == BookingStep::Cancel {
            let missing = "Skriv hvorfor tolken avbestilles.";
            match super::required_text(reason, 500, "avbestilling", missing) {
                Ok(r) => Some(r),
                Err(e) => return Ok(Err(e)),
            }
        } else {
            None
        };
        let (by, at) = (self.viewer.user.id, self.app.now());
        if !self
            .app
            .store
            .step_booking(id, b.state, to, reason.as_deref(), by, at)
            .await?
        {
            return Ok(Err(FieldError::new(
                "tolk_status",
                "Bestillingen ble endret av en annen i mellomtiden. Se på den igjen.",
            )));
        }
        self.log_booking(&format!("interpreter.{}", to.code().to_lowercase()), id)
            .await?;
        Ok(Ok(()))
    }

    async fn log_booking(&self, action: &str, id: i64) -> Result<(), AppError> {
        let op = audit::operation(&self.app, &self.viewer, action, format!("booking:{id}"));
        Ok(self.app.store.append_operation(&op).await?)
    }
}
