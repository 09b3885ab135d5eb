//! The participant's individual plan: a track, modules from a catalogue that uses Nav's content
//! codes where they exist and the programme's own otherwise, days per week and remote days from
//! a date, and the participant's approval — given in person, or recorded on their behalf with a
//! reason from a fixed list. Everyday learning tasks from a small library are assigned and
//! completed; levels with a reward follow from the tasks completed.
//!
//! A plan is versioned: a change is a new version, which needs its own approval. A version
//! without a module is not a plan.

use chrono::NaiveDate;

/// How long and how broad the programme is for this participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    Long,
    Short,
    Niche,
}

impl Track {
    pub const ALL: [Track; 3] = [Track::Long, Track::Short, Track::Niche];

    pub fn code(self) -> &'static str {
        match self {
            Track::Long => "LANGT",
            Track::Short => "KORT",
            Track::Niche => "NISJE",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Track::Long => "Langt løp (opptil tre år)",
            Track::Short => "Kort løp",
            Track::Niche => "Nisjeprogram",
        }
    }
}

/// One module of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleDef {
    /// Nav's content code (amt's `innholdskode`) where one exists, the programme's own otherwise.
    pub code: &'static str,
    pub label_nb: &'static str,
    /// The area the module belongs to, as the plan groups them.
    pub area_nb: &'static str,
    /// Whether `code` is one of Nav's content codes.
    pub nav_code: bool,
}

const fn nav(code: &'static str, label_nb: &'static str, area_nb: &'static str) -> ModuleDef {
    ModuleDef {
        code,
        label_nb,
        area_nb,
        nav_code: true,
    }
}

const fn own(code: &'static str, label_nb: &'static str, area_nb: &'static str) -> ModuleDef {
    ModuleDef {
        code,
        label_nb,
        area_nb,
        nav_code: false,
    }
}

const NORSK: &str = "Norsk";
const LIVSMESTRING: &str = "Livsmestring";
const ARBEID: &str = "Arbeid";

/// The module catalogue: Nav's content codes first, then the programme's own.
pub const MODULES: &[ModuleDef] = &[
    nav(
        "kartlegge-grunnleggende-ferdigheter",
        "Kartlegging av grunnleggende ferdigheter",
        ARBEID,
    ),
    nav("motivasjon", "Motivasjon og mestring", ARBEID),
    nav("jobbsoking", "Jobbsøking og CV", ARBEID),
    nav("arbeidspraksis", "Arbeidspraksis", ARBEID),
    nav(
        "oppfolging-arbeidsplassen",
        "Oppfølging på arbeidsplassen",
        ARBEID,
    ),
    own("norsk-lytte", "Norsk: lytte", NORSK),
    own("norsk-lese", "Norsk: lese", NORSK),
    own(
        "norsk-muntlig-produksjon",
        "Norsk: muntlig produksjon",
        NORSK,
    ),
    own(
        "norsk-muntlig-samhandling",
        "Norsk: muntlig samhandling",
        NORSK,
    ),
    own("norsk-skrive", "Norsk: skrive", NORSK),
    own(
        "livsmestring",
        "Livsmestring: bolig, økonomi og offentlige brev",
        LIVSMESTRING,
    ),
    own(
        "livsmestring-skole-barnehage",
        "Livsmestring: skole og barnehage",
        LIVSMESTRING,
    ),
    own(
        "livsmestring-nav",
        "Livsmestring: Nav og offentlige tjenester",
        LIVSMESTRING,
    ),
    own("helse", "Helse, også psykisk helse", LIVSMESTRING),
    own("arbeidslivskultur", "Arbeidslivskultur", ARBEID),
    own("sosialt-nettverk", "Sosialt nettverk", LIVSMESTRING),
    own("digitale-ferdigheter", "Digitale ferdigheter", LIVSMESTRING),
];

pub fn module(code: &str) -> Option<&'static ModuleDef> {
    MODULES.iter().find(|m| m.code == code)
}

/// Why the participant's approval was recorded by staff on their behalf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnBehalfReason {
    NoBankId,
    DigitalSkills,
    Language,
}

impl OnBehalfReason {
    pub const ALL: [OnBehalfReason; 3] = [
        OnBehalfReason::NoBankId,
        OnBehalfReason::DigitalSkills,
        OnBehalfReason::Language,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OnBehalfReason::NoBankId => "MANGLER_BANKID",
            OnBehalfReason::DigitalSkills => "DIGITALE_FERDIGHETER",
            OnBehalfReason::Language => "SPRAK",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            OnBehalfReason::NoBankId => "Har ikke BankID",
            OnBehalfReason::DigitalSkills => "Mangler digitale ferdigheter",
            OnBehalfReason::Language => "Språk",
        }
    }
}

/// How the participant approved a plan version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    InPerson,
    OnBehalf(OnBehalfReason),
}

impl Approval {
    pub fn label_nb(self) -> String {
        match self {
            Approval::InPerson => "Godkjent av deltakeren i samtale".to_owned(),
            Approval::OnBehalf(r) => format!("Registrert på vegne av deltakeren: {}", r.label_nb()),
        }
    }
}

/// A plan version as staff write it: valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub track: Track,
    pub modules: Vec<&'static ModuleDef>,
    pub days_per_week: u8,
    pub remote_days: u8,
    pub valid_from: NaiveDate,
}

/// Why a plan, an approval or a learning task is refused; `field()` names the form field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("Velg et løp.")]
    NoTrack,
    #[error("Velg minst én modul. En plan uten modul er ingen plan.")]
    NoModule,
    #[error("Modulen finnes ikke i katalogen.")]
    UnknownModule,
    #[error("Dager per uke må være et helt tall fra 1 til 5.")]
    Days,
    #[error("Hjemmedager kan ikke være flere enn dagene per uke.")]
    RemoteDays,
    #[error("Planen kan ikke gjelde fra før deltakeren startet.")]
    BeforeStart,
    #[error("Deltakeren har ikke startet ennå. Registrer oppstart først.")]
    NotStarted,
    #[error("Velg hvordan deltakeren godkjente planen.")]
    NoApproval,
    #[error("Velg hvorfor godkjenningen registreres på vegne av deltakeren.")]
    NoReason,
    #[error("Denne versjonen av planen er allerede godkjent.")]
    AlreadyApproved,
    #[error("Planen er endret siden du åpnet den. Godkjenn den nyeste versjonen.")]
    NotNewest,
    #[error("Velg en oppgave fra biblioteket.")]
    UnknownTask,
    #[error("Oppgaven er allerede fullført.")]
    AlreadyCompleted,
    #[error("Datoen kan ikke være fram i tid eller før oppgaven ble gitt.")]
    CompletedOn,
}

impl PlanError {
    pub fn field(&self) -> &'static str {
        match self {
            PlanError::NoTrack => "lop",
            PlanError::NoModule | PlanError::UnknownModule => "moduler",
            PlanError::Days => "dager_per_uke",
            PlanError::RemoteDays => "hjemmedager",
            PlanError::BeforeStart | PlanError::NotStarted => "gjelder_fra",
            PlanError::NoApproval | PlanError::AlreadyApproved | PlanError::NotNewest => {
                "godkjenning"
            }
            PlanError::NoReason => "godkjenning_arsak",
            PlanError::UnknownTask => "oppgave",
            PlanError::AlreadyCompleted | PlanError::CompletedOn => "fullfort_dato",
        }
    }
}

/// Checks a plan as typed: track, module codes, days per week, remote days and the date it
/// applies from (not before the start).
pub fn plan(
    track: &str,
    modules: &[String],
    days_per_week: &str,
    remote_days: &str,
    valid_from: NaiveDate,
    start: Option<NaiveDate>,
) -> Result<Plan, PlanError> {
    let track = Track::from_code(track.trim()).ok_or(PlanError::NoTrack)?;
    let mut chosen = Vec::new();
    for code in modules {
        let m = module(code.trim()).ok_or(PlanError::UnknownModule)?;
        if !chosen.contains(&m) {
            chosen.push(m);
        }
    }
    if chosen.is_empty() {
        return Err(PlanError::NoModule);
    }
    let days: u8 = days_per_week.trim().parse().map_err(|_| PlanError::Days)?;
    if !(1..=5).contains(&days) {
        return Err(PlanError::Days);
    }
    let remote: u8 = if remote_days.trim().is_empty() {
        0
    } else {
        remote_days
            .trim()
            .parse()
            .map_err(|_| PlanError::RemoteDays)?
    };
    if remote > days {
        return Err(PlanError::RemoteDays);
    }
    let start = start.ok_or(PlanError::NotStarted)?;
    if valid_from < start {
        return Err(PlanError::BeforeStart);
    }
    Ok(Plan {
        track,
        modules: chosen,
        days_per_week: days,
        remote_days: remote,
        valid_from,
    })
}

/// Checks an approval of plan version `version`, the newest being `newest`, not yet approved.
pub fn approve(
    how: &str,
    reason: &str,
    version: i64,
    newest: i64,
    already: bool,
) -> Result<Approval, PlanError> {
    if version != newest {
        return Err(PlanError::NotNewest);
    }
    if already {
        return Err(PlanError::AlreadyApproved);
    }
    match how.trim() {
        "SELV" => Ok(Approval::InPerson),
        "PA_VEGNE" => OnBehalfReason::from_code(reason.trim())
            .map(Approval::OnBehalf)
            .ok_or(PlanError::NoReason),
        _ => Err(PlanError::NoApproval),
    }
}

/// One everyday learning task of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LearningTaskDef {
    pub code: &'static str,
    pub label_nb: &'static str,
    pub module: &'static str,
}

pub const LEARNING_TASKS: &[LearningTaskDef] = &[
    LearningTaskDef {
        code: "nav-skjema",
        label_nb: "Fyll ut et skjema på nav.no",
        module: "livsmestring-nav",
    },
    LearningTaskDef {
        code: "butikk-kart",
        label_nb: "Finn en butikk på kartet og gå dit",
        module: "digitale-ferdigheter",
    },
    LearningTaskDef {
        code: "digital-modul",
        label_nb: "Fullfør en digital kursmodul",
        module: "digitale-ferdigheter",
    },
    LearningTaskDef {
        code: "offentlig-brev",
        label_nb: "Les og svar på et brev fra det offentlige",
        module: "livsmestring",
    },
    LearningTaskDef {
        code: "budsjett",
        label_nb: "Sett opp et månedsbudsjett",
        module: "livsmestring",
    },
    LearningTaskDef {
        code: "ringe-lege",
        label_nb: "Bestill time hos fastlegen selv",
        module: "helse",
    },
    LearningTaskDef {
        code: "foreldremote",
        label_nb: "Delta på et foreldremøte eller en samtale i barnehagen",
        module: "livsmestring-skole-barnehage",
    },
    LearningTaskDef {
        code: "stillingsannonse",
        label_nb: "Finn tre stillingsannonser som passer",
        module: "jobbsoking",
    },
];

pub fn learning_task(code: &str) -> Option<&'static LearningTaskDef> {
    LEARNING_TASKS.iter().find(|t| t.code == code)
}

/// Checks the date a task was completed: not before it was given, not in the future.
pub fn complete(
    already: bool,
    assigned_on: NaiveDate,
    completed_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), PlanError> {
    if already {
        return Err(PlanError::AlreadyCompleted);
    }
    if completed_on < assigned_on || completed_on > today {
        return Err(PlanError::CompletedOn);
    }
    Ok(())
}

/// A level and its reward, reached with this many completed learning tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    pub number: u8,
    pub tasks: usize,
    pub reward_nb: &'static str,
}

pub const LEVELS: &[Level] = &[
    Level {
        number: 1,
        tasks: 2,
        reward_nb: "Diplom for første nivå",
    },
    Level {
        number: 2,
        tasks: 5,
        reward_nb: "Kinobillett",
    },
    Level {
        number: 3,
        tasks: 8,
        reward_nb: "Gavekort på bokhandel (300 kr)",
    },
];

/// The highest level reached with `completed` tasks, and the next one with the tasks it needs.
pub fn level(completed: usize) -> (Option<&'static Level>, Option<&'static Level>) {
    let reached = LEVELS.iter().rev().find(|l| completed >= l.tasks);
    let next = LEVELS.iter().find(|l| completed < l.tasks);
    (reached, next)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_plan_needs_a_module() {
        let start = Some(d("2026-03-01"));
        let on = d("2026-04-01");
        assert_eq!(
            plan("LANGT", &[], "5", "0", on, start),
            Err(PlanError::NoModule)
        );
        assert_eq!(PlanError::NoModule.field(), "moduler");
        assert_eq!(
            plan("LANGT", &["tull".into()], "5", "0", on, start),
            Err(PlanError::UnknownModule)
        );
        assert_eq!(
            plan("", &["motivasjon".into()], "5", "0", on, start),
            Err(PlanError::NoTrack)
        );
        let p = plan(
            "LANGT",
            &[
                "motivasjon".into(),
                "norsk-lese".into(),
                "motivasjon".into(),
            ],
            "3",
            "1",
            on,
            start,
        )
        .unwrap();
        assert_eq!(p.modules.len(), 2, "a module once");
        assert_eq!((p.days_per_week, p.remote_days), (3, 1));
    }

    #[test]
    fn days_remote_days_and_the_date_are_checked() {
        let start = Some(d("2026-03-01"));
        let m = ["motivasjon".to_owned()];
        assert_eq!(
            plan("KORT", &m, "6", "0", d("2026-04-01"), start),
            Err(PlanError::Days)
        );
        assert_eq!(
            plan("KORT", &m, "0", "0", d("2026-04-01"), start),
            Err(PlanError::Days)
        );
        assert_eq!(
            plan("KORT", &m, "2", "3", d("2026-04-01"), start),
            Err(PlanError::RemoteDays)
        );
        assert_eq!(
            plan("KORT", &m, "2", "0", d("2026-02-01"), start),
            Err(PlanError::BeforeStart)
        );
        assert_eq!(
            plan("KORT", &m, "2", "0", d("2026-04-01"), None),
            Err(PlanError::NotStarted)
        );
    }

    #[test]
    fn approval_is_of_the_newest_version_once_with_a_reason_on_behalf() {
        assert_eq!(approve("SELV", "", 1, 1, false), Ok(Approval::InPerson));
        assert_eq!(
            approve("PA_VEGNE", "", 1, 1, false),
            Err(PlanError::NoReason)
        );
        assert_eq!(
            approve("PA_VEGNE", "SPRAK", 1, 1, false),
            Ok(Approval::OnBehalf(OnBehalfReason::Language))
        );
        assert_eq!(approve("SELV", "", 1, 2, false), Err(PlanError::NotNewest));
        assert_eq!(
            approve("SELV", "", 2, 2, true),
            Err(PlanError::AlreadyApproved)
        );
        assert_eq!(approve("", "", 2, 2, false), Err(PlanError::NoApproval));
    }

    #[test]
    fn levels_follow_completed_tasks() {
        assert_eq!(level(0).0, None);
        assert_eq!(level(0).1.map(|l| l.number), Some(1));
        assert_eq!(level(5).0.map(|l| l.number), Some(2));
        assert_eq!(level(8).0.map(|l| l.number), Some(3));
        assert_eq!(level(8).1, None);
    }

    #[test]
    fn catalogues_hold_together() {
        for t in LEARNING_TASKS {
            assert!(module(t.module).is_some(), "{}", t.code);
        }
        for m in crate::milestones::CATALOGUE {
            assert!(
                module(m.module).is_some(),
                "milestone {} names module {}",
                m.id,
                m.module
            );
        }
        let today = d("2026-12-04");
        assert_eq!(
            complete(false, today, d("2026-12-05"), today),
            Err(PlanError::CompletedOn)
        );
        assert_eq!(
            complete(false, today, d("2026-12-03"), today),
            Err(PlanError::CompletedOn)
        );
        assert_eq!(
            complete(true, today, today, today),
            Err(PlanError::AlreadyCompleted)
        );
    }
}
