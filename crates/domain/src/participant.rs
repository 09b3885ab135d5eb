//! Participants (deltakere): a person's enrolment in a contract, with Nav's status model (amt).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{
    ContractId, GroupId, HouseholdId, NavOfficeId, ParticipantId, PersonKey, ProviderId,
};

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal, $nb:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// Nav's code, as stored and exchanged.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)* }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)* _ => None }
            }

            /// The Norwegian label shown in the UI.
            pub fn label_nb(self) -> &'static str {
                match self { $(Self::$variant => $nb,)* }
            }
        }
    };
}

code_enum!(
    /// Participant status (amt's DeltakerStatus).
    ParticipantStatus {
        SoktInn = "SOKT_INN", "Søkt inn";
        Vurderes = "VURDERES", "Vurderes";
        Venteliste = "VENTELISTE", "Venteliste";
        VenterPaOppstart = "VENTER_PA_OPPSTART", "Venter på oppstart";
        Deltar = "DELTAR", "Deltar";
        HarSluttet = "HAR_SLUTTET", "Har sluttet";
        Fullfort = "FULLFORT", "Fullført";
        Avbrutt = "AVBRUTT", "Avbrutt";
        IkkeAktuell = "IKKE_AKTUELL", "Ikke aktuell";
        Feilregistrert = "FEILREGISTRERT", "Feilregistrert";
    }
);

code_enum!(
    /// Why a participation ended (amt's DeltakerStatus.Aarsak).
    EndReason {
        Syk = "SYK", "Syk";
        FattJobb = "FATT_JOBB", "Fått jobb";
        TrengerAnnenStotte = "TRENGER_ANNEN_STOTTE", "Trenger annen støtte";
        FikkIkkePlass = "FIKK_IKKE_PLASS", "Fikk ikke plass";
        IkkeMott = "IKKE_MOTT", "Møter ikke opp";
        Utdanning = "UTDANNING", "Utdanning";
        AvlystKontrakt = "AVLYST_KONTRAKT", "Avlyst kontrakt";
        KravIkkeOppfylt = "KRAV_IKKE_OPPFYLT", "Krav for deltakelse er ikke oppfylt";
        KursFullt = "KURS_FULLT", "Tiltaket er fullt";
        SamarbeidetAvbrutt = "SAMARBEIDET_MED_ARRANGOREN_ER_AVBRUTT", "Samarbeidet med leverandøren er avbrutt";
        Annet = "ANNET", "Annet";
    }
);

impl ParticipantStatus {
    /// Statuses that close a participation and carry an end reason.
    pub fn is_ended(self) -> bool {
        matches!(
            self,
            Self::HarSluttet | Self::Fullfort | Self::Avbrutt | Self::IkkeAktuell
        )
    }

    /// Whether an end reason is required with this status (FULLFORT needs none).
    pub fn requires_reason(self) -> bool {
        matches!(self, Self::HarSluttet | Self::Avbrutt | Self::IkkeAktuell)
    }
}

/// The reason a participation ended; free text exists only with ANNET.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ended {
    pub reason: EndReason,
    pub description: Option<String>,
}

/// One status, valid from a date (inclusive) to the next status's start (exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPeriod {
    pub status: ParticipantStatus,
    pub ended: Option<Ended>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("a participant needs at least one status")]
    Empty,
    #[error("status {0} must not have an end reason")]
    ReasonNotAllowed(&'static str),
    #[error("status {0} needs an end reason")]
    ReasonMissing(&'static str),
    #[error("free text is only allowed with end reason ANNET")]
    DescriptionNotAllowed,
    #[error("end reason ANNET needs a description (1–200 characters)")]
    DescriptionMissing,
    #[error("a status must end after it starts")]
    EmptyPeriod,
    #[error("statuses must follow each other without gaps or overlaps")]
    NotContiguous,
    #[error("only the latest status may be open-ended")]
    OpenBeforeEnd,
}

const MAX_DESCRIPTION: usize = 200;

impl StatusPeriod {
    fn validate(&self) -> Result<(), StatusError> {
        match (&self.ended, self.status.is_ended()) {
            (Some(_), false) => return Err(StatusError::ReasonNotAllowed(self.status.code())),
            (None, true) if self.status.requires_reason() => {
                return Err(StatusError::ReasonMissing(self.status.code()))
            }
            _ => {}
        }
        if let Some(ended) = &self.ended {
            let text = ended.description.as_deref().map(str::trim).unwrap_or("");
            match (ended.reason == EndReason::Annet, text.is_empty()) {
                (true, true) => return Err(StatusError::DescriptionMissing),
                (true, false) if text.chars().count() > MAX_DESCRIPTION => {
                    return Err(StatusError::DescriptionMissing)
                }
                (false, false) => return Err(StatusError::DescriptionNotAllowed),
                _ => {}
            }
        }
        if let Some(to) = self.valid_to {
            if to <= self.valid_from {
                return Err(StatusError::EmptyPeriod);
            }
        }
        Ok(())
    }
}

/// A participant's status history: contiguous periods, oldest first, only the last open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusHistory(Vec<StatusPeriod>);

impl StatusHistory {
    pub fn new(periods: Vec<StatusPeriod>) -> Result<Self, StatusError> {
        if periods.is_empty() {
            return Err(StatusError::Empty);
        }
        for p in &periods {
            p.validate()?;
        }
        for pair in periods.windows(2) {
            match pair[0].valid_to {
                None => return Err(StatusError::OpenBeforeEnd),
                Some(to) if to != pair[1].valid_from => return Err(StatusError::NotContiguous),
                Some(_) => {}
            }
        }
        Ok(Self(periods))
    }

    pub fn periods(&self) -> &[StatusPeriod] {
        &self.0
    }

    /// The status in force now (the latest period).
    pub fn current(&self) -> &StatusPeriod {
        &self.0[self.0.len().saturating_sub(1)]
    }

    /// The status in force on `date`, if the history covers it.
    pub fn on(&self, date: NaiveDate) -> Option<&StatusPeriod> {
        self.0
            .iter()
            .find(|p| p.valid_from <= date && p.valid_to.is_none_or(|to| date < to))
    }

    /// The index date I: the first day with status DELTAR.
    pub fn index_date(&self) -> Option<NaiveDate> {
        self.0
            .iter()
            .find(|p| p.status == ParticipantStatus::Deltar)
            .map(|p| p.valid_from)
    }
}

/// An enrolment of a person in a contract, delivered by one provider, followed by one Nav office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub id: ParticipantId,
    pub person: PersonKey,
    pub contract: ContractId,
    pub provider: ProviderId,
    pub nav_office: NavOfficeId,
    pub group: Option<GroupId>,
    pub household: Option<HouseholdId>,
    pub statuses: StatusHistory,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn period(status: ParticipantStatus, from: &str, to: Option<&str>) -> StatusPeriod {
        StatusPeriod {
            status,
            ended: None,
            valid_from: d(from),
            valid_to: to.map(d),
        }
    }

    #[test]
    fn index_date_is_first_day_of_deltar() {
        let h = StatusHistory::new(vec![
            period(
                ParticipantStatus::VenterPaOppstart,
                "2025-01-01",
                Some("2025-01-15"),
            ),
            period(ParticipantStatus::Deltar, "2025-01-15", None),
        ])
        .unwrap();
        assert_eq!(h.index_date(), Some(d("2025-01-15")));
        assert_eq!(
            h.on(d("2025-01-14")).unwrap().status,
            ParticipantStatus::VenterPaOppstart
        );
        assert_eq!(h.current().status, ParticipantStatus::Deltar);
    }

    #[test]
    fn gaps_and_open_middles_are_refused() {
        let gap = StatusHistory::new(vec![
            period(
                ParticipantStatus::VenterPaOppstart,
                "2025-01-01",
                Some("2025-01-10"),
            ),
            period(ParticipantStatus::Deltar, "2025-01-15", None),
        ]);
        assert_eq!(gap, Err(StatusError::NotContiguous));
        let open = StatusHistory::new(vec![
            period(ParticipantStatus::VenterPaOppstart, "2025-01-01", None),
            period(ParticipantStatus::Deltar, "2025-01-15", None),
        ]);
        assert_eq!(open, Err(StatusError::OpenBeforeEnd));
    }

    #[test]
    fn free_text_only_with_annet() {
        let mut p = period(ParticipantStatus::HarSluttet, "2025-01-01", None);
        assert_eq!(p.validate(), Err(StatusError::ReasonMissing("HAR_SLUTTET")));
        p.ended = Some(Ended {
            reason: EndReason::FattJobb,
            description: Some("x".into()),
        });
        assert_eq!(p.validate(), Err(StatusError::DescriptionNotAllowed));
        p.ended = Some(Ended {
            reason: EndReason::Annet,
            description: None,
        });
        assert_eq!(p.validate(), Err(StatusError::DescriptionMissing));
        p.ended = Some(Ended {
            reason: EndReason::Annet,
            description: Some("Flyttet".into()),
        });
        assert_eq!(p.validate(), Ok(()));
        let mut deltar = period(ParticipantStatus::Deltar, "2025-01-01", None);
        deltar.ended = Some(Ended {
            reason: EndReason::Syk,
            description: None,
        });
        assert_eq!(
            deltar.validate(),
            Err(StatusError::ReasonNotAllowed("DELTAR"))
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in ParticipantStatus::ALL {
            assert_eq!(ParticipantStatus::from_code(s.code()), Some(*s));
        }
        for r in EndReason::ALL {
            assert_eq!(EndReason::from_code(r.code()), Some(*r));
        }
    }
}
