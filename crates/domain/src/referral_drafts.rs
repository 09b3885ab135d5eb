//! Nav's draft of a referral (amt's `KLADD` and `UTKAST_TIL_PAMELDING`) before it is sent, and
//! its end when the case officer drops it (`AVBRUTT_UTKAST`). A draft is Nav's own work: it is
//! not a participation, so no provider, contract figure or export sees it until it is sent
//! (then it becomes the referral's `SOKT_INN`).

/// Where a draft stands; its newest step says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DraftState {
    /// Written by the case officer, not shown to anybody else.
    Kladd,
    /// Shown to the person to look over (amt shares it digitally; until the participant's
    /// own login exists the officer records that it was gone through with the person).
    UtkastTilPamelding,
    /// Sent: the referral exists and the provider answers it.
    Sendt,
    /// Dropped before it was sent.
    AvbruttUtkast,
}

impl DraftState {
    pub const ALL: [DraftState; 4] = [
        Self::Kladd,
        Self::UtkastTilPamelding,
        Self::Sendt,
        Self::AvbruttUtkast,
    ];

    /// amt's code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Kladd => "KLADD",
            Self::UtkastTilPamelding => "UTKAST_TIL_PAMELDING",
            Self::Sendt => "SENDT",
            Self::AvbruttUtkast => "AVBRUTT_UTKAST",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Kladd => "Kladd",
            Self::UtkastTilPamelding => "Utkast gått gjennom med personen",
            Self::Sendt => "Sendt",
            Self::AvbruttUtkast => "Avbrutt utkast",
        }
    }

    /// Whether the draft can still be shared, sent or dropped.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Kladd | Self::UtkastTilPamelding)
    }
}

/// What the case officer does with an open draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftStep {
    /// Go through the draft with the person.
    Share,
    /// Send it to the provider as a referral.
    Send,
    /// Drop it.
    Cancel,
}

impl DraftStep {
    /// The form's value.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "del" => Some(Self::Share),
            "send" => Some(Self::Send),
            "avbryt" => Some(Self::Cancel),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Share => "del",
            Self::Send => "send",
            Self::Cancel => "avbryt",
        }
    }
}

/// The state a step leads to, or why it may not be taken (in Norwegian, for the page).
pub fn step(from: DraftState, step: DraftStep) -> Result<DraftState, &'static str> {
    match (from, step) {
        (DraftState::Sendt, _) => Err("Henvisningen er allerede sendt."),
        (DraftState::AvbruttUtkast, _) => Err("Utkastet er avbrutt og kan ikke brukes igjen."),
        (DraftState::UtkastTilPamelding, DraftStep::Share) => {
            Err("Utkastet er allerede gått gjennom med personen.")
        }
        (_, DraftStep::Share) => Ok(DraftState::UtkastTilPamelding),
        (_, DraftStep::Send) => Ok(DraftState::Sendt),
        (_, DraftStep::Cancel) => Ok(DraftState::AvbruttUtkast),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_shared_once_then_sent_or_dropped_and_then_closed() {
        use DraftState::*;
        use DraftStep::*;
        assert_eq!(step(Kladd, Share), Ok(UtkastTilPamelding));
        assert_eq!(step(Kladd, Send), Ok(Sendt));
        assert_eq!(step(Kladd, Cancel), Ok(AvbruttUtkast));
        assert_eq!(step(UtkastTilPamelding, Send), Ok(Sendt));
        assert_eq!(step(UtkastTilPamelding, Cancel), Ok(AvbruttUtkast));
        assert!(step(UtkastTilPamelding, Share).is_err());
        for s in [Share, Send, Cancel] {
            assert!(step(Sendt, s).is_err());
            assert!(step(AvbruttUtkast, s).is_err());
        }
        for s in DraftState::ALL {
            assert_eq!(DraftState::from_code(s.code()), Some(s));
            assert_eq!(s.is_open(), matches!(s, Kladd | UtkastTilPamelding));
        }
        for s in [Share, Send, Cancel] {
            assert_eq!(DraftStep::from_code(s.code()), Some(s));
        }
    }
}
