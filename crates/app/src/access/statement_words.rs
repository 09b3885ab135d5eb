//! The words and shapes of statements on the page: line kinds, refusals, summaries and lines
//! as views. Norwegian, as the users read them.

use effekt_domain::contract::ledger::LineKind;
use effekt_domain::contract::periods::ComputeRefusal;
use effekt_domain::contract::statement::StepError;
use effekt_domain::dates::oslo_date;
use effekt_domain::money::Nok;
use effekt_store::model::{StatementLineRecord, StatementRecord};
use effekt_store::StoreError;

use crate::ledger::LedgerError;
use crate::views::{LineView, StatementSummary};
use crate::AppError;

pub(super) fn kind_nb(kind: LineKind, adjustment: bool) -> String {
    let base = crate::statement_file::kind_words(kind);
    if adjustment {
        format!("Justering: {}", base.to_lowercase())
    } else {
        base.to_owned()
    }
}

/// Why a step was refused, in the words of the page.
pub(super) fn refusal_nb(e: StepError) -> String {
    match e {
        StepError::WrongRole(_) => "Din rolle kan ikke ta dette steget.".into(),
        StepError::NotNext(stage) => format!(
            "Oppgjøret er «{}», så dette steget er ikke det neste.",
            stage.label_nb()
        ),
        StepError::OwnComputation => {
            "Du beregnet dette oppgjøret og kan derfor ikke godkjenne det.".into()
        }
        StepError::OwnVerification => {
            "Du verifiserte dette oppgjøret og kan derfor ikke godkjenne det.".into()
        }
        StepError::SecondApprovalBySameUser => {
            "Du har allerede godkjent. En annen Nav-bruker må gi den andre godkjenningen.".into()
        }
    }
}

/// Why a period cannot be computed now, in the words of the page.
pub(super) fn compute_refusal_nb(e: &ComputeRefusal) -> String {
    match e {
        ComputeRefusal::WrongRole => "Bare Nav-kontraktsforvalteren beregner oppgjør.".to_owned(),
        ComputeRefusal::AllApproved => "Alle periodene i kontrakten er godkjent.".to_owned(),
        ComputeRefusal::NotOpen {
            open,
            wanted,
            approved,
        } => format!(
            "Bare den første åpne perioden ({}) kan beregnes; {} er {}.",
            open.label,
            wanted.label,
            if *approved {
                "allerede godkjent"
            } else {
                "ikke åpen ennå"
            }
        ),
        ComputeRefusal::NotOver(p) => format!(
            "Perioden {} er ikke over ennå (slutter {}).",
            p.label,
            p.end.format("%d.%m.%Y")
        ),
        ComputeRefusal::NoSnapshot => "Det finnes ikke noe registeruttrekk ennå.".to_owned(),
        ComputeRefusal::SnapshotTooShort {
            snapshot, cutoff, ..
        } => format!(
            "Registeruttrekket {snapshot} går bare til {}; det må dekke hele perioden.",
            cutoff.format("%d.%m.%Y")
        ),
    }
}

pub(super) fn ledger_error(e: LedgerError) -> AppError {
    let message = match e {
        LedgerError::Store(e) => return e.into(),
        LedgerError::Key(e) => return AppError::internal("pseudonyms", e),
        e @ LedgerError::Interrupted(_) => return AppError::internal("pricing", e),
        LedgerError::NoTerms(_) => "Kontrakten har ingen vilkår ennå.".to_owned(),
        LedgerError::NoSnapshot => "Det finnes ikke noe registeruttrekk ennå.".to_owned(),
        LedgerError::Period(_) => "Perioden finnes ikke i kontrakten.".to_owned(),
        LedgerError::Overflow(_) => {
            "Betalingene summerer seg til mer enn effekt kan regne eksakt; ingenting er beregnet. \
             Kontroller beløpene i kontrakten."
                .to_owned()
        }
    };
    AppError::Refused(message)
}

pub(super) fn conflict_or(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(m) => {
            tracing::info!(conflict = %m, "statement changed meanwhile");
            AppError::Refused("Noen andre endret oppgjøret samtidig. Last siden på nytt.".into())
        }
        e => e.into(),
    }
}

pub(super) fn summary(s: &StatementRecord, shown_total: Option<Nok>) -> StatementSummary {
    let stage = s.rules().stage();
    let computed = s.events.first();
    StatementSummary {
        id: s.id,
        period: s.period.clone(),
        stage: stage.code().to_owned(),
        stage_label: stage.label_nb().to_owned(),
        total: shown_total.map(|t| t.to_string()),
        computed_by: computed.map(|e| e.user_name.clone()).unwrap_or_default(),
        computed_on: computed.map(|e| oslo_date(e.event.at)),
    }
}

pub(super) fn line_view(l: &StatementLineRecord) -> LineView {
    LineView {
        participant: l.participant.clone(),
        outcome: l.outcome.clone(),
        date: l.date,
        // A magnitude of 1 is a result reached, not an amount of anything.
        magnitude: l
            .magnitude
            .filter(|m| *m != rust_decimal::Decimal::ONE)
            .map(super::number_nb),
        kind: l.kind.code().to_owned(),
        kind_label: kind_nb(l.kind, l.adjustment),
        adjustment: l.adjustment,
        amount: l.amount.to_string(),
        evidence: l.evidence.clone(),
        version: l.version,
    }
}
