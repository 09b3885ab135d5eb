//! Milestones (delmål) of a participant's plan: the catalogue with the stable identifiers that
//! contract outcomes of kind `milestone_verified` name, what evidence each needs and which roles
//! may verify it, and the life of one milestone record — recorded, then verified by somebody
//! else, or retracted — with every refusal worded for the person who tried.
//!
//! A record lives in the provider evidence of issue 11 (append-only, newest row per record
//! counts), so a milestone recorded on the participant page and one imported from a provider's
//! file are the same thing and are priced the same way.

use chrono::NaiveDate;

use crate::role::Role;

/// One milestone of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MilestoneDef {
    /// Stable identifier: what a contract outcome names and what evidence files carry. Never
    /// renamed; a changed milestone gets a new identifier.
    pub id: &'static str,
    pub label_nb: &'static str,
    /// The module of the plan it belongs to (Nav's content code where one exists).
    pub module: &'static str,
    /// What must exist before it may be verified, as the verifier is told.
    pub evidence_nb: &'static str,
    /// The roles that may verify it (never the person who recorded it).
    pub verifiers: &'static [Role],
    /// When it is due, counted in days from the start (the index date).
    pub due_days: u16,
}

const STAFF: &[Role] = &[Role::ProviderStaff, Role::ProviderAdmin];
const STAFF_OR_NAV: &[Role] = &[
    Role::ProviderStaff,
    Role::ProviderAdmin,
    Role::NavCaseOfficer,
];

/// The catalogue, in the order a plan usually meets them.
pub const CATALOGUE: &[MilestoneDef] = &[
    MilestoneDef {
        id: "kartlegging",
        label_nb: "Kartlegging fullført",
        module: "kartlegge-grunnleggende-ferdigheter",
        evidence_nb: "Kartleggingsrapport gjennomgått med deltakeren",
        verifiers: STAFF_OR_NAV,
        due_days: 60,
    },
    MilestoneDef {
        id: "plan-godkjent",
        label_nb: "Individuell plan godkjent",
        module: "motivasjon",
        evidence_nb: "Planen godkjent av deltakeren (selv eller med begrunnelse)",
        verifiers: STAFF_OR_NAV,
        due_days: 90,
    },
    MilestoneDef {
        id: "digitalt-grunnkurs",
        label_nb: "Digitalt grunnkurs fullført",
        module: "digitale-ferdigheter",
        evidence_nb: "Kursbevis eller logg fra kursmodulen",
        verifiers: STAFF,
        due_days: 180,
    },
    MilestoneDef {
        id: "livsmestring-bolig-okonomi",
        label_nb: "Livsmestring: bolig og økonomi",
        module: "livsmestring",
        evidence_nb: "Sjekklisten for bolig, budsjett og offentlige brev gjennomgått",
        verifiers: STAFF,
        due_days: 240,
    },
    MilestoneDef {
        id: "cv-og-jobbmal",
        label_nb: "CV og jobbmål ferdig",
        module: "jobbsoking",
        evidence_nb: "CV og jobbmål lagret og gjennomgått",
        verifiers: STAFF_OR_NAV,
        due_days: 270,
    },
    MilestoneDef {
        id: "arbeidspraksis-startet",
        label_nb: "Arbeidspraksis startet",
        module: "arbeidspraksis",
        evidence_nb: "Praksisavtale signert av arbeidsgiveren",
        verifiers: STAFF_OR_NAV,
        due_days: 365,
    },
];

/// A provider-assessed language level (`cefr-vurdert-<skill>`, the level as the record's
/// score): recorded and verified like a milestone, by two people of the provider (a teacher
/// assesses, a colleague confirms), but not part of the plan's list.
pub const ASSESSED_LANGUAGE_LEVEL: MilestoneDef = MilestoneDef {
    id: "cefr-vurdert",
    label_nb: "Vurdert språknivå",
    module: "norsk-muntlig-samhandling",
    evidence_nb: "Vurdering etter nivåbeskrivelsene i læreplanen i norsk for voksne innvandrere",
    verifiers: STAFF,
    due_days: 365,
};

/// The catalogue's milestone with this identifier, or the assessed language level's rules
/// for a `cefr-vurdert-*` identifier.
pub fn find(id: &str) -> Option<&'static MilestoneDef> {
    if crate::outcomes::assessed_language_skill(id).is_some() {
        return Some(&ASSESSED_LANGUAGE_LEVEL);
    }
    CATALOGUE.iter().find(|m| m.id == id)
}

/// The roles that may verify, as a reader sees them ("Tiltaksleverandør, Nav-veileder").
pub fn verifiers_nb(def: &MilestoneDef) -> String {
    def.verifiers
        .iter()
        .map(|r| r.label_nb())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a milestone record stands (the newest stored row of the record).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneState {
    /// Recorded, waiting for somebody else to verify it; not priced.
    Recorded,
    /// Verified by a second person in an allowed role; priced by outcomes that name it.
    Verified,
    /// Withdrawn; a payment already made is reversed in the next open period.
    Retracted,
}

impl MilestoneState {
    pub fn of(verified: bool, retracted: bool) -> Self {
        match (retracted, verified) {
            (true, _) => Self::Retracted,
            (false, true) => Self::Verified,
            (false, false) => Self::Recorded,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::Verified => "verified",
            Self::Retracted => "retracted",
        }
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Recorded => "Venter på verifisering",
            Self::Verified => "Verifisert",
            Self::Retracted => "Trukket tilbake",
        }
    }
}

/// Why a milestone could not be recorded, verified or retracted; the texts are shown as they
/// are, next to the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MilestoneError {
    #[error("Velg et delmål fra listen.")]
    Unknown,
    #[error("Deltakeren har ikke startet ennå; delmål registreres fra startdatoen.")]
    NotStarted,
    #[error("Datoen kan ikke være før deltakeren startet ({0}).")]
    BeforeStart(String),
    #[error("Datoen kan ikke være etter i dag.")]
    InFuture,
    #[error("Delmålet er allerede verifisert.")]
    AlreadyVerified,
    #[error("Delmålet er trukket tilbake og kan ikke endres.")]
    Retracted,
    #[error(
        "Den som registrerte delmålet, kan ikke også verifisere det. Be en kollega om å gjøre det."
    )]
    OwnRecord,
    #[error("Rollen din kan ikke verifisere dette delmålet. Det kan verifiseres av: {0}.")]
    RoleNotAllowed(String),
}

/// Checks a new record: a catalogue milestone, reached between the start and today.
pub fn check_record(
    id: &str,
    achieved_on: NaiveDate,
    start: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<&'static MilestoneDef, MilestoneError> {
    let def = find(id).ok_or(MilestoneError::Unknown)?;
    let start = start.ok_or(MilestoneError::NotStarted)?;
    if achieved_on < start {
        return Err(MilestoneError::BeforeStart(
            start.format("%d.%m.%Y").to_string(),
        ));
    }
    if achieved_on > today {
        return Err(MilestoneError::InFuture);
    }
    Ok(def)
}

/// Checks a verification: the record waits, the verifier is not its recorder, and holds a
/// role the milestone allows. `recorded_by` and `verifier` are the names as stored.
pub fn check_verify(
    def: &MilestoneDef,
    state: MilestoneState,
    recorded_by: &str,
    verifier: &str,
    role: Role,
) -> Result<(), MilestoneError> {
    match state {
        MilestoneState::Verified => return Err(MilestoneError::AlreadyVerified),
        MilestoneState::Retracted => return Err(MilestoneError::Retracted),
        MilestoneState::Recorded => {}
    }
    if recorded_by.trim() == verifier.trim() {
        return Err(MilestoneError::OwnRecord);
    }
    if !def.verifiers.contains(&role) {
        return Err(MilestoneError::RoleNotAllowed(verifiers_nb(def)));
    }
    Ok(())
}

/// Checks a retraction: anything not already retracted may be withdrawn (a paid one is
/// reversed by the next statement).
pub fn check_retract(state: MilestoneState) -> Result<(), MilestoneError> {
    match state {
        MilestoneState::Retracted => Err(MilestoneError::Retracted),
        MilestoneState::Recorded | MilestoneState::Verified => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn identifiers_are_unique_and_have_verifiers() {
        for (i, m) in CATALOGUE.iter().enumerate() {
            assert!(!m.verifiers.is_empty(), "{}", m.id);
            assert!(
                CATALOGUE[i + 1..].iter().all(|o| o.id != m.id),
                "{} twice",
                m.id
            );
            assert!(m.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        }
        assert_eq!(find("kartlegging").map(|m| m.due_days), Some(60));
        assert!(find("Kartlegging").is_none());
    }

    #[test]
    fn a_record_falls_between_the_start_and_today() {
        let today = d("2026-12-04");
        let start = Some(d("2026-01-15"));
        assert!(check_record("kartlegging", d("2026-03-01"), start, today).is_ok());
        assert_eq!(
            check_record("finnes-ikke", d("2026-03-01"), start, today),
            Err(MilestoneError::Unknown)
        );
        assert_eq!(
            check_record("kartlegging", d("2026-03-01"), None, today),
            Err(MilestoneError::NotStarted)
        );
        assert_eq!(
            check_record("kartlegging", d("2026-01-14"), start, today),
            Err(MilestoneError::BeforeStart("15.01.2026".into()))
        );
        assert_eq!(
            check_record("kartlegging", d("2026-12-05"), start, today),
            Err(MilestoneError::InFuture)
        );
    }

    #[test]
    fn only_somebody_else_in_an_allowed_role_verifies_a_waiting_record() {
        let kartlegging = find("kartlegging").unwrap();
        let digital = find("digitalt-grunnkurs").unwrap();
        let waiting = MilestoneState::Recorded;
        assert_eq!(
            check_verify(
                kartlegging,
                waiting,
                "Kari (ansatt.a)",
                "Kari (ansatt.a)",
                Role::ProviderStaff
            ),
            Err(MilestoneError::OwnRecord)
        );
        assert!(check_verify(
            kartlegging,
            waiting,
            "Kari (ansatt.a)",
            "Ola (veileder1)",
            Role::NavCaseOfficer
        )
        .is_ok());
        assert_eq!(
            check_verify(
                digital,
                waiting,
                "Kari (ansatt.a)",
                "Ola (veileder1)",
                Role::NavCaseOfficer
            ),
            Err(MilestoneError::RoleNotAllowed(
                "Tiltaksleverandør, Leverandøradmin".into()
            ))
        );
        assert_eq!(
            check_verify(
                kartlegging,
                MilestoneState::Verified,
                "a",
                "b",
                Role::ProviderStaff
            ),
            Err(MilestoneError::AlreadyVerified)
        );
        assert_eq!(
            check_verify(
                kartlegging,
                MilestoneState::Retracted,
                "a",
                "b",
                Role::ProviderStaff
            ),
            Err(MilestoneError::Retracted)
        );
        assert_eq!(
            check_retract(MilestoneState::Retracted),
            Err(MilestoneError::Retracted)
        );
        assert!(check_retract(MilestoneState::Verified).is_ok());
    }

    #[test]
    fn state_follows_the_newest_row() {
        assert_eq!(MilestoneState::of(false, false), MilestoneState::Recorded);
        assert_eq!(MilestoneState::of(true, false), MilestoneState::Verified);
        assert_eq!(MilestoneState::of(true, true), MilestoneState::Retracted);
    }
}
