//! The provider's interdisciplinary team (issue 14, item 3): each staff member's discipline, a
//! participant's team over time — one main veileder, up to three co-veiledere (as amt's
//! arrangør side allows) and other members — and which discipline needs which screening field.
//! What a discipline may read is decided here, once; the app applies it to team members only.

use chrono::NaiveDate;

use crate::intake::ScreeningField;

/// A provider staff member's discipline in the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Discipline {
    /// Leads the team: assigns teams and caseloads, sees every participant of the provider, and
    /// no special-category field.
    Coordinator,
    Veileder,
    /// Job specialist (IPS/supported employment): the employer side.
    JobSpecialist,
    /// Special-education teacher: reading and writing difficulties, hearing and vision.
    SpecialEducation,
    /// Norwegian and basic-skills teacher: sees her groups' participants, their plan and
    /// attendance only.
    Teacher,
    /// Health worker: health needs, hearing and vision.
    Health,
}

impl Discipline {
    pub const ALL: [Discipline; 6] = [
        Self::Coordinator,
        Self::Veileder,
        Self::JobSpecialist,
        Self::SpecialEducation,
        Self::Teacher,
        Self::Health,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Coordinator => "KOORDINATOR",
            Self::Veileder => "VEILEDER",
            Self::JobSpecialist => "JOBBSPESIALIST",
            Self::SpecialEducation => "SPESIALPEDAGOG",
            Self::Teacher => "LAERER",
            Self::Health => "HELSE",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Coordinator => "Koordinator",
            Self::Veileder => "Veileder",
            Self::JobSpecialist => "Jobbspesialist",
            Self::SpecialEducation => "Spesialpedagog",
            Self::Teacher => "Lærer",
            Self::Health => "Helse",
        }
    }

    /// Whether the discipline may be a participant's main or co-veileder.
    pub fn may_guide(self) -> bool {
        matches!(
            self,
            Self::Veileder | Self::JobSpecialist | Self::Coordinator
        )
    }

    /// Whether team members of this discipline read the special-category need items Nav
    /// shares (health): those who plan the programme around them.
    pub fn reads_special_needs(self) -> bool {
        matches!(self, Self::Veileder | Self::JobSpecialist | Self::Health)
    }

    /// Whether the discipline may change participants' teams (besides the provider's admin).
    pub fn manages_teams(self) -> bool {
        self == Self::Coordinator
    }
}

impl ScreeningField {
    /// The disciplines whose team members need the field. Nobody outside the participant's
    /// team reads any of them, whatever the discipline.
    pub fn readers(self) -> &'static [Discipline] {
        use Discipline as D;
        match self {
            ScreeningField::MotherTongueLiteracy => &[
                D::Veileder,
                D::JobSpecialist,
                D::Teacher,
                D::SpecialEducation,
            ],
            ScreeningField::ReadingWritingDifficulties => &[D::SpecialEducation],
            ScreeningField::Hearing | ScreeningField::Vision => &[D::SpecialEducation, D::Health],
            ScreeningField::DigitalSkills => &[D::Veileder, D::JobSpecialist, D::Teacher],
            ScreeningField::HealthNeeds => &[D::Health],
        }
    }

    pub fn may_read(self, discipline: Discipline) -> bool {
        self.readers().contains(&discipline)
    }
}

/// A member's place in a participant's team (amt: veileder, medveileder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Position {
    MainVeileder,
    CoVeileder,
    Member,
}

impl Position {
    pub const ALL: [Position; 3] = [Self::MainVeileder, Self::CoVeileder, Self::Member];

    pub fn code(self) -> &'static str {
        match self {
            Self::MainVeileder => "HOVEDVEILEDER",
            Self::CoVeileder => "MEDVEILEDER",
            Self::Member => "MEDLEM",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::MainVeileder => "Hovedveileder",
            Self::CoVeileder => "Medveileder",
            Self::Member => "Teammedlem",
        }
    }
}

/// At most this many co-veiledere at once (amt's limit).
pub const MAX_CO_VEILEDERE: usize = 3;

/// A current member of a participant's team, as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentMember {
    pub user: i64,
    pub position: Position,
    pub from: NaiveDate,
}

/// Why a change to a team is refused; each names the form field it belongs beside.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TeamError {
    #[error("Velg en ansatt hos leverandøren.")]
    NoStaffMember,
    #[error("Den ansatte har ingen fagrolle ennå. Leverandøradmin setter den under Brukere.")]
    NoDiscipline,
    #[error("Bare veiledere, jobbspesialister og koordinatorer kan være hovedveileder eller medveileder.")]
    MayNotGuide,
    #[error("Deltakeren har allerede en hovedveileder. Avslutt den først.")]
    MainTaken,
    #[error("Deltakeren har allerede tre medveiledere.")]
    TooManyCo,
    #[error("Den ansatte er allerede i deltakerens team.")]
    AlreadyMember,
    #[error("Velg en plass i teamet.")]
    NoPosition,
    #[error("Skriv en dato som 01.09.2026.")]
    BadDate,
    #[error("Datoen kan ikke være før den ansatte kom inn i teamet.")]
    EndsBeforeStart,
    /// A place in the team opens the record at once, so it cannot be dated ahead.
    #[error("Datoen kan ikke være fram i tid.")]
    Future,
    #[error("Den ansatte er ikke i deltakerens team.")]
    NotMember,
}

impl TeamError {
    pub fn field(&self) -> &'static str {
        match self {
            Self::NoStaffMember | Self::NoDiscipline | Self::AlreadyMember | Self::NotMember => {
                "ansatt"
            }
            Self::MayNotGuide | Self::MainTaken | Self::TooManyCo | Self::NoPosition => "plass",
            Self::BadDate | Self::EndsBeforeStart | Self::Future => "fra",
        }
    }
}

/// Whether `user` of `discipline` may join the team at `position`, given its current members.
pub fn join(
    current: &[CurrentMember],
    user: i64,
    discipline: Option<Discipline>,
    position: Position,
) -> Result<(), TeamError> {
    let discipline = discipline.ok_or(TeamError::NoDiscipline)?;
    if current.iter().any(|m| m.user == user) {
        return Err(TeamError::AlreadyMember);
    }
    match position {
        Position::MainVeileder | Position::CoVeileder if !discipline.may_guide() => {
            Err(TeamError::MayNotGuide)
        }
        Position::MainVeileder if current.iter().any(|m| m.position == Position::MainVeileder) => {
            Err(TeamError::MainTaken)
        }
        Position::CoVeileder
            if current
                .iter()
                .filter(|m| m.position == Position::CoVeileder)
                .count()
                >= MAX_CO_VEILEDERE =>
        {
            Err(TeamError::TooManyCo)
        }
        _ => Ok(()),
    }
}

/// Whether `user` may leave the team on `on` (the day after their last day).
pub fn leave(current: &[CurrentMember], user: i64, on: NaiveDate) -> Result<(), TeamError> {
    let m = current
        .iter()
        .find(|m| m.user == user)
        .ok_or(TeamError::NotMember)?;
    if on < m.from {
        return Err(TeamError::EndsBeforeStart);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn member(user: i64, position: Position) -> CurrentMember {
        CurrentMember {
            user,
            position,
            from: d("2026-09-01"),
        }
    }

    #[test]
    fn one_main_veileder_and_three_co_at_most() {
        let team = [member(1, Position::MainVeileder)];
        assert_eq!(
            join(&team, 2, Some(Discipline::Veileder), Position::MainVeileder),
            Err(TeamError::MainTaken)
        );
        let mut team = vec![member(1, Position::MainVeileder)];
        for u in 2..5 {
            assert_eq!(
                join(&team, u, Some(Discipline::Veileder), Position::CoVeileder),
                Ok(())
            );
            team.push(member(u, Position::CoVeileder));
        }
        assert_eq!(
            join(
                &team,
                9,
                Some(Discipline::JobSpecialist),
                Position::CoVeileder
            ),
            Err(TeamError::TooManyCo)
        );
        assert_eq!(
            join(&team, 9, Some(Discipline::Health), Position::Member),
            Ok(())
        );
    }

    #[test]
    fn only_guiding_disciplines_guide_and_nobody_joins_twice() {
        assert_eq!(
            join(&[], 1, Some(Discipline::Teacher), Position::MainVeileder),
            Err(TeamError::MayNotGuide)
        );
        assert_eq!(
            join(&[], 1, None, Position::Member),
            Err(TeamError::NoDiscipline)
        );
        let team = [member(1, Position::Member)];
        assert_eq!(
            join(&team, 1, Some(Discipline::Veileder), Position::CoVeileder),
            Err(TeamError::AlreadyMember)
        );
    }

    #[test]
    fn leaving_needs_membership_and_a_day_after_joining() {
        let team = [member(1, Position::Member)];
        assert_eq!(leave(&team, 2, d("2026-10-01")), Err(TeamError::NotMember));
        assert_eq!(
            leave(&team, 1, d("2026-08-31")),
            Err(TeamError::EndsBeforeStart)
        );
        assert_eq!(leave(&team, 1, d("2026-09-01")), Ok(()));
    }

    #[test]
    fn the_reading_screening_is_the_special_education_teachers_not_the_teachers() {
        let f = ScreeningField::ReadingWritingDifficulties;
        assert!(f.may_read(Discipline::SpecialEducation));
        assert!(!f.may_read(Discipline::Teacher));
        assert!(ScreeningField::HealthNeeds.may_read(Discipline::Health));
        for f in ScreeningField::ALL {
            assert!(!f.may_read(Discipline::Coordinator), "{f:?}");
        }
    }
}
