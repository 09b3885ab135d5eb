//! A contract's payment periods against its stored statements: which statement of a period
//! counts, which period is open, what a period's label names, and whether a period may be
//! computed now. The statement pages, the contract page, the investors' page and
//! `effekt ledger compute` all decide through these functions, so they cannot disagree.

use chrono::{DateTime, NaiveDate, Utc};

use super::ledger::Period;
use super::statement::{Stage, Statement, StepError};
use super::terms::ContractTerms;
use crate::ids::UserId;
use crate::money::Nok;
use crate::role::Role;

/// A statement as it was filed: what the period rules need to know of it.
pub trait Filed {
    fn id(&self) -> i64;
    /// The period's label, e.g. `2026Q3`.
    fn period(&self) -> &str;
    fn period_start(&self) -> NaiveDate;
    fn stage(&self) -> Stage;
    fn total(&self) -> Nok;
    /// When the payment was recorded, once it is paid.
    fn paid_at(&self) -> Option<DateTime<Utc>>;
}

impl<T: Filed> Filed for &T {
    fn id(&self) -> i64 {
        (**self).id()
    }
    fn period(&self) -> &str {
        (**self).period()
    }
    fn period_start(&self) -> NaiveDate {
        (**self).period_start()
    }
    fn stage(&self) -> Stage {
        (**self).stage()
    }
    fn total(&self) -> Nok {
        (**self).total()
    }
    fn paid_at(&self) -> Option<DateTime<Utc>> {
        (**self).paid_at()
    }
}

/// The statement of each period that is not withdrawn (the newest, if there are several), by
/// period start.
pub fn current<S: Filed>(statements: &[S]) -> Vec<&S> {
    let mut out: Vec<&S> = Vec::new();
    for s in statements {
        if s.stage() == Stage::Withdrawn {
            continue;
        }
        match out.iter_mut().find(|c| c.period() == s.period()) {
            Some(c) if c.id() < s.id() => *c = s,
            Some(_) => {}
            None => out.push(s),
        }
    }
    out.sort_by_key(|s| s.period_start());
    out
}

/// Every period of the contract, from the one holding its start to the one holding its end.
pub fn all(terms: &ContractTerms) -> Vec<Period> {
    let mut out = Vec::new();
    let mut period = terms.periods.period_of(terms.starts);
    while period.start <= terms.ends {
        let next = period.end.succ_opt();
        out.push(period);
        match next {
            Some(day) => period = terms.periods.period_of(day),
            None => break,
        }
    }
    out
}

/// The first period whose statement is not yet approved: the only one that may be computed,
/// and the one adjustments are booked in. `None` when every period is approved.
pub fn open_period<S: Filed>(terms: &ContractTerms, statements: &[S]) -> Option<Period> {
    let current = current(statements);
    all(terms).into_iter().find(|period| {
        !current
            .iter()
            .any(|s| s.period() == period.label && s.stage().is_booked())
    })
}

/// Why a label names no period of a contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("{label:?} is not a period of this contract: it is paid {periods}; name a period like {example}")]
    NotAPeriod {
        label: String,
        periods: &'static str,
        example: String,
    },
    #[error("{label} is outside the contract ({starts} to {ends})")]
    Outside {
        label: String,
        starts: NaiveDate,
        ends: NaiveDate,
    },
}

/// The period a label names, if the contract is paid in such periods and it overlaps the
/// contract.
pub fn parse_period(terms: &ContractTerms, label: &str) -> Result<Period, PeriodError> {
    let Some(period) = terms.periods.parse_label(label) else {
        return Err(PeriodError::NotAPeriod {
            label: label.to_owned(),
            periods: terms.periods.code(),
            example: terms.periods.period_of(terms.starts).label,
        });
    };
    if period.end < terms.starts || period.start > terms.ends {
        return Err(PeriodError::Outside {
            label: period.label,
            starts: terms.starts,
            ends: terms.ends,
        });
    }
    Ok(period)
}

/// Why a period may not be computed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComputeRefusal {
    /// Only a Nav contract manager computes statements.
    WrongRole,
    /// Every period of the contract is approved.
    AllApproved,
    /// Only the open period may be computed; `approved` when the wanted one lies before it.
    NotOpen {
        open: Period,
        wanted: Period,
        approved: bool,
    },
    /// The period has not ended yet.
    NotOver(Period),
    /// No register snapshot is stored.
    NoSnapshot,
    /// The newest snapshot ends before the period does.
    SnapshotTooShort {
        period: Period,
        snapshot: String,
        cutoff: NaiveDate,
    },
}

/// The newest register snapshot, as far as computing needs it.
#[derive(Debug, Clone, Copy)]
pub struct Cover<'a> {
    pub key: &'a str,
    pub cutoff: NaiveDate,
}

/// Whether `by` (with `role`) may compute `wanted` at `at` (in Oslo, `today`): it must be the
/// open period, over, and covered by the newest snapshot. Gives the computation, ready to be
/// filed with its lines.
pub fn may_compute(
    open: Option<&Period>,
    wanted: &Period,
    snapshot: Option<Cover<'_>>,
    today: NaiveDate,
    by: UserId,
    role: Role,
    at: DateTime<Utc>,
) -> Result<Statement, ComputeRefusal> {
    if role != Role::NavContractManager {
        return Err(ComputeRefusal::WrongRole);
    }
    let Some(open) = open else {
        return Err(ComputeRefusal::AllApproved);
    };
    if open != wanted {
        return Err(ComputeRefusal::NotOpen {
            open: open.clone(),
            wanted: wanted.clone(),
            approved: open.start > wanted.start,
        });
    }
    if wanted.end >= today {
        return Err(ComputeRefusal::NotOver(wanted.clone()));
    }
    match snapshot {
        None => return Err(ComputeRefusal::NoSnapshot),
        Some(s) if s.cutoff < wanted.end => {
            return Err(ComputeRefusal::SnapshotTooShort {
                period: wanted.clone(),
                snapshot: s.key.to_owned(),
                cutoff: s.cutoff,
            })
        }
        Some(_) => {}
    }
    Statement::compute(&wanted.label, Nok::ZERO, by, role, at)
        .map_err(|_: StepError| ComputeRefusal::WrongRole)
}

/// A period's label in the words Norwegian users read: `2026Q3` is "3. kvartal 2026", `2026H2`
/// "2. halvår 2026", `2026-08` "august 2026", `2026` "2026". Anything else is given back as is.
pub fn words_nb(label: &str) -> String {
    const MONTHS: [&str; 12] = [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ];
    let year = label
        .get(..4)
        .filter(|y| y.chars().all(|c| c.is_ascii_digit()));
    let rest = label.get(4..).unwrap_or_default();
    let Some(year) = year else {
        return label.to_owned();
    };
    let number = |s: &str| s.parse::<usize>().ok();
    match (rest.chars().next(), rest.get(1..).and_then(number)) {
        (None, _) => year.to_owned(),
        (Some('Q'), Some(q @ 1..=4)) if rest.len() == 2 => format!("{q}. kvartal {year}"),
        (Some('H'), Some(h @ 1..=2)) if rest.len() == 2 => format!("{h}. halvår {year}"),
        (Some('-'), Some(m @ 1..=12)) if rest.len() == 3 => {
            format!("{} {year}", MONTHS.get(m - 1).copied().unwrap_or_default())
        }
        _ => label.to_owned(),
    }
}

#[cfg(test)]
mod tests;
