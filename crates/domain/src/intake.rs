//! Intake (inntak): what Nav shares with the provider at the start, and what the provider
//! records when the participant arrives — earlier measures and practice periods, languages and
//! the need for an interpreter, and the screening.
//!
//! Between Nav and a citizen consent is not the legal basis (the citizen depends on Nav, so it
//! cannot be freely given): every need item Nav shares is stored with the law that allows it
//! and the purpose it serves, chosen from fixed lists, and an item whose information is
//! special-category data (GDPR art. 9) needs a basis that covers such data. The screening's
//! fields are health and functioning data: each is shown, and audited, field by field.

use chrono::NaiveDate;

use crate::free_text;

/// A law that allows Nav to process and share a need item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegalBasis {
    pub code: &'static str,
    pub label_nb: &'static str,
    /// Whether it also allows special-category data (GDPR art. 9 nr. 2).
    pub covers_special_category: bool,
}

/// The bases Nav's case officers choose from. Consent is deliberately not among them.
pub const LEGAL_BASES: &[LegalBasis] = &[
    LegalBasis {
        code: "nav-loven-4a",
        label_nb: "NAV-loven § 4 a (personopplysninger, også helse, når det er nødvendig for \
                   etatens oppgaver) – personvernforordningen art. 6 nr. 1 e og art. 9 nr. 2 b",
        covers_special_category: true,
    },
    LegalBasis {
        code: "nav-loven-14a",
        label_nb: "NAV-loven § 14 a (vurdering av behov for bistand) – personvernforordningen \
                   art. 6 nr. 1 e",
        covers_special_category: false,
    },
    LegalBasis {
        code: "arbeidsmarkedsloven-12",
        label_nb: "Arbeidsmarkedsloven § 12 (arbeidsmarkedstiltak) – personvernforordningen \
                   art. 6 nr. 1 e",
        covers_special_category: false,
    },
];

/// Why an item is shared: the fixed purposes of sharing with a provider.
pub const PURPOSES: &[(&str, &str)] = &[
    (
        "tilrettelegge-oppstart",
        "Tilrettelegge oppstart og første samtale",
    ),
    ("tilpasse-plan", "Tilpasse den individuelle planen"),
    (
        "tilrettelegge-arbeidspraksis",
        "Tilrettelegge arbeidspraksis",
    ),
    ("bestille-tolk", "Bestille tolk"),
];

/// One kind of information Nav may share at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedItemDef {
    pub code: &'static str,
    pub label_nb: &'static str,
    /// Health or other special-category information (GDPR art. 9).
    pub special_category: bool,
}

/// The fixed list of need items.
pub const NEED_ITEMS: &[NeedItemDef] = &[
    NeedItemDef {
        code: "innsatsbehov",
        label_nb: "Innsatsgruppe og behov for bistand (§ 14 a-vedtak)",
        special_category: false,
    },
    NeedItemDef {
        code: "utdanning-arbeid",
        label_nb: "Utdanning og arbeidserfaring",
        special_category: false,
    },
    NeedItemDef {
        code: "tidligere-tiltak",
        label_nb: "Tidligere tiltak og arbeidspraksis",
        special_category: false,
    },
    NeedItemDef {
        code: "sprak-tolk",
        label_nb: "Språk og behov for tolk",
        special_category: false,
    },
    NeedItemDef {
        code: "omsorg",
        label_nb: "Omsorgsansvar, barnehage og skole",
        special_category: false,
    },
    NeedItemDef {
        code: "helse",
        label_nb: "Helseopplysninger som har betydning for tiltaket",
        special_category: true,
    },
];

pub fn need_item(code: &str) -> Option<&'static NeedItemDef> {
    NEED_ITEMS.iter().find(|i| i.code == code)
}

pub fn legal_basis(code: &str) -> Option<&'static LegalBasis> {
    LEGAL_BASES.iter().find(|b| b.code == code)
}

pub fn purpose_label(code: &str) -> Option<&'static str> {
    PURPOSES.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// A need item as Nav shares it: valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedItem {
    pub item: &'static NeedItemDef,
    pub basis: &'static LegalBasis,
    pub purpose: &'static str,
    pub content: String,
}

/// Why a need item cannot be shared, worded for the case officer; `field` names the form field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("Velg en opplysning fra listen.")]
    UnknownItem,
    #[error("Velg rettsgrunnlaget for å dele opplysningen. Samtykke er ikke grunnlag mellom Nav og en bruker.")]
    NoLegalBasis,
    #[error("Helseopplysninger krever et rettsgrunnlag som dekker særlige kategorier (art. 9).")]
    BasisDoesNotCoverSpecial,
    #[error("Velg formålet med å dele opplysningen.")]
    NoPurpose,
    #[error("{0}")]
    Text(String),
    #[error("Velg en verdi fra listen.")]
    UnknownValue,
    #[error("Datoen kan ikke være etter i dag.")]
    InTheFuture,
    #[error("Sluttdatoen kan ikke være før startdatoen.")]
    EndsBeforeStart,
}

impl IntakeError {
    /// The form field the refusal belongs beside.
    pub fn field(&self) -> &'static str {
        match self {
            IntakeError::UnknownItem => "opplysning",
            IntakeError::NoLegalBasis | IntakeError::BasisDoesNotCoverSpecial => "rettsgrunnlag",
            IntakeError::NoPurpose => "formal",
            IntakeError::Text(_) => "innhold",
            IntakeError::UnknownValue => "vurdering",
            IntakeError::InTheFuture | IntakeError::EndsBeforeStart => "tiltak_fra",
        }
    }
}

/// Required text: not empty, not too long, and no national id in it (the person is the
/// record's subject already; a number in the text would escape the masking).
fn text(value: &str, max: usize) -> Result<String, IntakeError> {
    match free_text::shared(value, true, max) {
        Ok(Some(text)) => Ok(text),
        Ok(None) | Err(free_text::SharedTextError::Missing) => {
            Err(IntakeError::Text("Fyll ut feltet.".to_owned()))
        }
        Err(e) => Err(IntakeError::Text(e.to_string())),
    }
}

/// Checks a need item as typed on the form.
pub fn need(
    item: &str,
    basis: &str,
    purpose: &str,
    content: &str,
) -> Result<NeedItem, IntakeError> {
    let item = need_item(item.trim()).ok_or(IntakeError::UnknownItem)?;
    let basis = legal_basis(basis.trim()).ok_or(IntakeError::NoLegalBasis)?;
    if item.special_category && !basis.covers_special_category {
        return Err(IntakeError::BasisDoesNotCoverSpecial);
    }
    let purpose = PURPOSES
        .iter()
        .find(|(c, _)| *c == purpose.trim())
        .map(|(c, _)| *c)
        .ok_or(IntakeError::NoPurpose)?;
    let content = text(content, 2000)?;
    Ok(NeedItem {
        item,
        basis,
        purpose,
        content,
    })
}

/// A field of the screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreeningField {
    /// Reading and writing in the mother tongue (hidden illiteracy).
    MotherTongueLiteracy,
    ReadingWritingDifficulties,
    Hearing,
    Vision,
    DigitalSkills,
    HealthNeeds,
}

impl ScreeningField {
    pub const ALL: [ScreeningField; 6] = [
        ScreeningField::MotherTongueLiteracy,
        ScreeningField::ReadingWritingDifficulties,
        ScreeningField::Hearing,
        ScreeningField::Vision,
        ScreeningField::DigitalSkills,
        ScreeningField::HealthNeeds,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ScreeningField::MotherTongueLiteracy => "lese-skrive-morsmal",
            ScreeningField::ReadingWritingDifficulties => "lese-skrivevansker",
            ScreeningField::Hearing => "horsel",
            ScreeningField::Vision => "syn",
            ScreeningField::DigitalSkills => "digitale-ferdigheter",
            ScreeningField::HealthNeeds => "helsebehov",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            ScreeningField::MotherTongueLiteracy => "Lese- og skriveferdighet på morsmålet",
            ScreeningField::ReadingWritingDifficulties => "Lese- og skrivevansker",
            ScreeningField::Hearing => "Hørsel",
            ScreeningField::Vision => "Syn",
            ScreeningField::DigitalSkills => "Digitale ferdigheter",
            ScreeningField::HealthNeeds => "Helsebehov",
        }
    }
}

/// What a screening found for one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    NoSigns,
    SomeDifficulty,
    NeedsFollowUp,
    NotScreened,
}

impl Finding {
    pub const ALL: [Finding; 4] = [
        Finding::NoSigns,
        Finding::SomeDifficulty,
        Finding::NeedsFollowUp,
        Finding::NotScreened,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Finding::NoSigns => "INGEN_TEGN",
            Finding::SomeDifficulty => "NOE_VANSKER",
            Finding::NeedsFollowUp => "TRENGER_OPPFOLGING",
            Finding::NotScreened => "IKKE_KARTLAGT",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Finding::NoSigns => "Ingen tegn til vansker",
            Finding::SomeDifficulty => "Noen vansker",
            Finding::NeedsFollowUp => "Trenger oppfølging eller utredning",
            Finding::NotScreened => "Ikke kartlagt",
        }
    }
}

/// One field's screening as recorded: valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screening {
    pub field: ScreeningField,
    pub finding: Finding,
    pub note: Option<String>,
}

pub fn screening(field: &str, finding: &str, note: &str) -> Result<Screening, IntakeError> {
    let field = ScreeningField::from_code(field.trim()).ok_or(IntakeError::UnknownValue)?;
    let finding = Finding::from_code(finding.trim()).ok_or(IntakeError::UnknownValue)?;
    let note = optional_text(note, 1000)?;
    Ok(Screening {
        field,
        finding,
        note,
    })
}

fn optional_text(value: &str, max: usize) -> Result<Option<String>, IntakeError> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        text(value, max).map(Some)
    }
}

/// An earlier measure or practice period, as the participant and Nav tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureKind {
    Measure,
    Practice,
}

impl MeasureKind {
    pub fn code(self) -> &'static str {
        match self {
            MeasureKind::Measure => "TILTAK",
            MeasureKind::Practice => "PRAKSIS",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "TILTAK" => Some(MeasureKind::Measure),
            "PRAKSIS" => Some(MeasureKind::Practice),
            _ => None,
        }
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            MeasureKind::Measure => "Tiltak",
            MeasureKind::Practice => "Arbeidspraksis",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierMeasure {
    pub kind: MeasureKind,
    pub description: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// From this many earlier practice periods on, the intake warns before another is planned.
pub const PRACTICE_PERIODS_WARNING: usize = 3;

pub fn earlier_measure(
    kind: &str,
    description: &str,
    from: NaiveDate,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<EarlierMeasure, IntakeError> {
    let kind = MeasureKind::from_code(kind.trim()).ok_or(IntakeError::UnknownValue)?;
    let description = text(description, 300)?;
    if from > today || to.is_some_and(|t| t > today) {
        return Err(IntakeError::InTheFuture);
    }
    if to.is_some_and(|t| t < from) {
        return Err(IntakeError::EndsBeforeStart);
    }
    Ok(EarlierMeasure {
        kind,
        description,
        from,
        to,
    })
}

/// A language the participant speaks, and whether an interpreter is needed in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    pub language: String,
    pub mother_tongue: bool,
    pub interpreter: bool,
}

pub fn language(
    name: &str,
    mother_tongue: bool,
    interpreter: bool,
) -> Result<Language, IntakeError> {
    Ok(Language {
        language: text(name, 60)?,
        mother_tongue,
        interpreter,
    })
}

/// What of the intake can be withdrawn: a need item Nav shared, an earlier measure or a
/// language the provider recorded. The record stays (append-only) but is no longer shown or
/// counted; a correction is a withdrawal and a new record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawable {
    Need,
    Measure,
    Language,
}

impl Withdrawable {
    pub const ALL: [Withdrawable; 3] = [Self::Need, Self::Measure, Self::Language];

    /// As stored and in the page's paths.
    pub fn code(self) -> &'static str {
        match self {
            Self::Need => "behov",
            Self::Measure => "tidligere-tiltak",
            Self::Language => "sprak",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.code() == code)
    }
}

/// Why a record is withdrawn: required, as any text of the intake (no national id in it).
pub fn withdrawal_reason(reason: &str) -> Result<String, IntakeError> {
    text(reason, 500)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_withdrawal_needs_a_reason_without_a_national_id() {
        for w in Withdrawable::ALL {
            assert_eq!(Withdrawable::from_code(w.code()), Some(w));
        }
        assert_eq!(
            Withdrawable::from_code("kartlegging"),
            None,
            "the screening's newest row counts"
        );
        assert!(matches!(withdrawal_reason("  "), Err(IntakeError::Text(_))));
        assert!(matches!(
            withdrawal_reason("Feil person: 13527248013"),
            Err(IntakeError::Text(_))
        ));
        assert_eq!(
            withdrawal_reason(" Delt ved en feil ").unwrap(),
            "Delt ved en feil"
        );
    }

    #[test]
    fn a_need_item_needs_a_legal_basis_and_a_purpose() {
        assert_eq!(
            need(
                "innsatsbehov",
                "",
                "tilpasse-plan",
                "Trenger tett oppfølging"
            ),
            Err(IntakeError::NoLegalBasis)
        );
        assert_eq!(
            need("innsatsbehov", "samtykke", "tilpasse-plan", "x"),
            Err(IntakeError::NoLegalBasis)
        );
        assert_eq!(
            need("innsatsbehov", "nav-loven-14a", "", "x"),
            Err(IntakeError::NoPurpose)
        );
        assert_eq!(
            need("nope", "nav-loven-14a", "tilpasse-plan", "x"),
            Err(IntakeError::UnknownItem)
        );
        let ok = need(
            "innsatsbehov",
            "nav-loven-14a",
            "tilpasse-plan",
            " Trenger tett oppfølging ",
        )
        .unwrap();
        assert_eq!(ok.content, "Trenger tett oppfølging");
        assert_eq!(IntakeError::NoLegalBasis.field(), "rettsgrunnlag");
    }

    #[test]
    fn health_needs_a_basis_that_covers_special_categories() {
        assert_eq!(
            need("helse", "arbeidsmarkedsloven-12", "tilpasse-plan", "x"),
            Err(IntakeError::BasisDoesNotCoverSpecial)
        );
        assert!(need(
            "helse",
            "nav-loven-4a",
            "tilpasse-plan",
            "Tåler ikke lange økter"
        )
        .is_ok());
    }

    #[test]
    fn screening_fields_have_codes_and_findings_are_checked() {
        for field in ScreeningField::ALL {
            assert_eq!(ScreeningField::from_code(field.code()), Some(field));
            // Every field has a discipline that needs it (crate::team).
            assert!(!field.readers().is_empty(), "{field:?}");
        }
        assert_eq!(
            screening("horsel", "HEMMELIG", ""),
            Err(IntakeError::UnknownValue)
        );
        assert_eq!(screening("horsel", "NOE_VANSKER", " ").unwrap().note, None);
    }

    #[test]
    fn an_earlier_measure_lies_in_the_past_and_ends_after_it_starts() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-12-04");
        assert_eq!(
            earlier_measure("PRAKSIS", "Butikk", d("2027-01-01"), None, today),
            Err(IntakeError::InTheFuture)
        );
        assert_eq!(
            earlier_measure(
                "PRAKSIS",
                "Butikk",
                d("2025-03-01"),
                Some(d("2025-01-01")),
                today
            ),
            Err(IntakeError::EndsBeforeStart)
        );
        assert_eq!(
            earlier_measure("KURS", "Butikk", d("2025-03-01"), None, today),
            Err(IntakeError::UnknownValue)
        );
        assert!(earlier_measure(
            "PRAKSIS",
            "Butikk",
            d("2025-03-01"),
            Some(d("2025-06-01")),
            today
        )
        .is_ok());
    }
}
