//! The deterministic demo world: one effektkontrakt ("Jobbvei Oslo") with Nav offices, a
//! provider consortium, investors, participants with realistic status and id histories,
//! households, groups, one login per role and staff assignments.
//!
//! This module owns what demo data looks like. [`generate`] is a pure function of its seed and
//! size: it never reads the clock (the demo's "today" is [`DEMO_TODAY`]) and draws only from
//! ChaCha8 streams, so the same arguments give the same [`Demo`] on every platform. All national
//! ids are synthetic test numbers (month + 80), unique across the whole dataset.

mod catalogue;
mod groups;
mod names;
mod national_ids;
mod people;
mod places;
mod pool;
mod random;
mod referable;
mod register;
mod statuses;
mod terms;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use effekt_domain::dataset::Dataset;
use effekt_domain::ids::{InvestorId, NavOfficeId, ParticipantId, ProviderId};
use effekt_domain::organisation::ContractError;
use effekt_domain::outcomes::Definition;
use effekt_domain::participant::StatusError;
use effekt_domain::person::IdHistoryError;
use effekt_domain::register::Register;
use effekt_domain::role::Role;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 2026;
/// Participants generated when no number is given.
pub const DEFAULT_PARTICIPANTS: usize = 150;
/// The most participants [`generate`] accepts.
pub const MAX_PARTICIPANTS: usize = 2_000_000;
/// The password of every demo user (demo mode only).
pub const DEMO_PASSWORD: &str = "effekt-demo-2026";
/// The demo's "today": no generated date lies after it.
pub const DEMO_TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 27) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// What a demo user's access is limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoScope {
    /// Not tied to one organisation (contract manager, evaluator, facilitator, administrator).
    None,
    NavOffice(NavOfficeId),
    Provider(ProviderId),
    Investor(InvestorId),
}

/// A login for the demo; the password is [`DEMO_PASSWORD`] in clear (hash it before storing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    /// Lower-case ASCII, e.g. "veileder.grunerlokka".
    pub username: String,
    pub password: String,
    /// Norwegian full name shown in the UI.
    pub display_name: String,
    pub role: Role,
    pub scope: DemoScope,
}

pub use referable::{REFERABLE, REFERRED};
pub use register::{outcome_definitions, DEMO_CUTOFF};

/// A whole demo: the dataset to insert, the users to create, staff assignments, the register
/// snapshot the participants' outcomes are judged from and the outcomes the contract pays for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demo {
    pub dataset: Dataset,
    pub users: Vec<DemoUser>,
    /// (username, participant) pairs: staff assigned to a participant (always includes, for
    /// each protected person, one provider-staff user of that participant's provider, and the
    /// Nav case officer of that participant's office). Sorted, without duplicates.
    pub assignments: Vec<(String, ParticipantId)>,
    pub register: Register,
    pub outcomes: Vec<Definition>,
    /// The contract's terms (its outcomes are `outcomes`, priced).
    pub terms: effekt_domain::contract::terms::ContractTerms,
    /// The contract file text the terms were read from.
    pub terms_source: String,
    /// Version 2 of the terms and its text, in force from [`AMENDMENT_FROM`].
    pub amendment: (effekt_domain::contract::terms::ContractTerms, String),
    /// Version 3, proposed to take effect on [`PROPOSAL_FROM`] and not yet decided.
    pub proposal: (effekt_domain::contract::terms::ContractTerms, String),
}

/// The day the demo's pending proposal (version 3) would take effect.
pub const PROPOSAL_FROM: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2027, 1, 1) {
    Some(date) => date,
    None => chrono::NaiveDate::MIN,
};

/// The day the demo's amendment (version 2) takes effect.
pub const AMENDMENT_FROM: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2026, 7, 1) {
    Some(date) => date,
    None => chrono::NaiveDate::MIN,
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemoError {
    #[error("a demo needs at least one participant")]
    NoParticipants,
    #[error("at most {max} participants can be generated, not {requested}")]
    TooManyParticipants { requested: usize, max: usize },
    #[error("no free synthetic national id left for the requested birth dates")]
    IdSpaceExhausted,
    #[error("a generated date is out of range")]
    DateOutOfRange,
    #[error("generated an invalid status history: {0}")]
    Status(#[from] StatusError),
    #[error("generated an invalid id history: {0}")]
    IdHistory(#[from] IdHistoryError),
    #[error("generated an invalid contract: {0}")]
    Contract(#[from] ContractError),
    #[error("the demo contract's terms do not pass the checker: {0}")]
    Terms(String),
    #[error("demo generator inconsistency: {0}")]
    Inconsistent(&'static str),
}

/// Independent random streams, so that e.g. organisation numbers do not change with the
/// number of participants.
const STREAM_ORGANISATIONS: u64 = 1;
const STREAM_PEOPLE: u64 = 2;
const STREAM_ASSIGNMENTS: u64 = 3;
const STREAM_REGISTER: u64 = 4;
const STREAM_POOL: u64 = 5;

fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Generates the demo world for `seed` with `participants` participants (1 to
/// [`MAX_PARTICIPANTS`]). The same arguments always give the same demo.
pub fn generate(seed: u64, participants: usize) -> Result<Demo, DemoError> {
    if participants == 0 {
        return Err(DemoError::NoParticipants);
    }
    if participants > MAX_PARTICIPANTS {
        return Err(DemoError::TooManyParticipants {
            requested: participants,
            max: MAX_PARTICIPANTS,
        });
    }
    let target_cohort =
        u32::try_from(participants).map_err(|_| DemoError::TooManyParticipants {
            requested: participants,
            max: MAX_PARTICIPANTS,
        })?;
    let mut dataset = Dataset::default();
    catalogue::organisations(
        &mut stream(seed, STREAM_ORGANISATIONS),
        &mut dataset,
        target_cohort,
    )?;
    people::people(&mut stream(seed, STREAM_PEOPLE), &mut dataset, participants)?;
    groups::groups(&mut dataset);
    let assignments = groups::assignments(&mut stream(seed, STREAM_ASSIGNMENTS), &dataset);
    let mut register = register::register(&mut stream(seed, STREAM_REGISTER), &dataset)?;
    referable::persons(&mut dataset)?;
    pool::add(&mut stream(seed, STREAM_POOL), &dataset, &mut register)?;
    let (terms, terms_source) = terms::contract_terms(&dataset)?;
    let amendment = terms::amendment(&terms_source)?;
    let proposal = terms::proposal(&amendment.1)?;
    Ok(Demo {
        amendment,
        proposal,
        terms,
        terms_source,
        dataset,
        users: catalogue::users(),
        assignments,
        register,
        outcomes: outcome_definitions(),
    })
}
