//! The ledger fold (issue 4, §2 and §5): verified achievements priced under the contract's terms,
//! in a fixed order, with every cap that bites shown as its own line. The same input always
//! gives the same lines; nothing here reads a clock or a store.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::terms::{ContractTerms, PeriodLength};
use crate::money::{MoneyOverflow, Nok};

/// One verified achievement to price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AchievementInput {
    /// The participant's pseudonym for this contract.
    pub participant: String,
    /// The outcome's position in the contract (0-based).
    pub outcome: usize,
    pub date: NaiveDate,
    pub magnitude: Decimal,
    pub evidence: Vec<String>,
}

/// A payment period, aligned to the calendar: `2026-07`, `2026Q3`, `2026H2` or `2026`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub label: String,
}

impl PeriodLength {
    fn months(self) -> u32 {
        match self {
            Self::Monthly => 1,
            Self::Quarterly => 3,
            Self::HalfYearly => 6,
            Self::Yearly => 12,
        }
    }

    /// The first day of the period holding `date`.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        let first_month = (date.month() - 1) / self.months() * self.months() + 1;
        NaiveDate::from_ymd_opt(date.year(), first_month, 1).unwrap_or(date)
    }

    /// The period a label names (`2026-07`, `2026Q3`, `2026H2` or `2026`, whichever this
    /// length uses); `None` for any other text.
    pub fn parse_label(self, label: &str) -> Option<Period> {
        let label = label.trim();
        let (year, rest) = label.split_at_checked(4)?;
        let year: i32 = year.parse().ok()?;
        let month = match (self, rest) {
            (Self::Yearly, "") => 1,
            (Self::HalfYearly, "H1") => 1,
            (Self::HalfYearly, "H2") => 7,
            (Self::Quarterly, q) if q.len() == 2 && q.starts_with('Q') => {
                let n: u32 = q[1..].parse().ok().filter(|n| (1..=4).contains(n))?;
                (n - 1) * 3 + 1
            }
            (Self::Monthly, m) if m.len() == 3 && m.starts_with('-') => {
                m[1..].parse().ok().filter(|n| (1..=12).contains(n))?
            }
            _ => return None,
        };
        let period = self.period_of(NaiveDate::from_ymd_opt(year, month, 1)?);
        (period.label == label).then_some(period)
    }

    /// The period holding `date`.
    pub fn period_of(self, date: NaiveDate) -> Period {
        let start = self.start_of(date);
        let (year, month) = (start.year(), start.month());
        let end = start
            .checked_add_months(chrono::Months::new(self.months()))
            .and_then(|d| d.pred_opt())
            .unwrap_or(date);
        let label = match self {
            Self::Monthly => format!("{year}-{month:02}"),
            Self::Quarterly => format!("{year}Q{}", (month - 1) / 3 + 1),
            Self::HalfYearly => format!("{year}H{}", (month - 1) / 6 + 1),
            Self::Yearly => format!("{year}"),
        };
        Period { start, end, label }
    }
}

/// Which cap reduced a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapKind {
    Outcome,
    Participant,
    Period,
    Contract,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// The scale's price for the achievement.
    Payment,
    /// A reduction (negative amount) because this cap would otherwise be exceeded.
    Cap(CapKind),
}

/// One ledger line. It refers to its achievement by position in the input (participant,
/// outcome, date, magnitude and evidence are there), so that pricing a whole contract copies
/// no text; statements join the two. A position past the achievements is a contract-level
/// line: `achievement - achievements.len()` is its place in the [`ContractLevelInput`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub achievement: usize,
    /// The first day of the payment period.
    pub period: NaiveDate,
    pub kind: LineKind,
    pub amount: Nok,
    /// The contract version that priced it.
    pub version: u32,
}

/// The lines, in the order they were priced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub lines: Vec<Line>,
    /// Achievements dated outside the contract, not priced.
    pub outside_contract: usize,
    /// Achievements beyond the times their outcome may be paid per participant.
    pub over_payment_limit: usize,
    /// A running sum went beyond what øre in 64 bits hold: the ledger is not to be paid from
    /// (the caller refuses it; amounts are never wrapped or saturated into a total).
    #[serde(default)]
    pub overflowed: bool,
}

impl LineKind {
    /// `payment` or `cap:outcome|participant|period|contract`, as statements print it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Payment => "payment",
            Self::Cap(CapKind::Outcome) => "cap:outcome",
            Self::Cap(CapKind::Participant) => "cap:participant",
            Self::Cap(CapKind::Period) => "cap:period",
            Self::Cap(CapKind::Contract) => "cap:contract",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Payment,
            Self::Cap(CapKind::Outcome),
            Self::Cap(CapKind::Participant),
            Self::Cap(CapKind::Period),
            Self::Cap(CapKind::Contract),
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

impl Ledger {
    /// What is payable in the period starting `period` (payments less cap lines).
    pub fn period_total(&self, period: NaiveDate) -> Result<Nok, MoneyOverflow> {
        Nok::sum(
            self.lines
                .iter()
                .filter(|l| l.period == period)
                .map(|l| l.amount),
        )
    }

    pub fn total(&self) -> Result<Nok, MoneyOverflow> {
        Nok::sum(self.lines.iter().map(|l| l.amount))
    }
}

/// What is left under `cap` after `paid` (none: no such cap).
fn room(cap: Option<Nok>, paid: Nok) -> Result<Option<Nok>, MoneyOverflow> {
    cap.map(|c| {
        if paid >= c {
            Ok(Nok::ZERO)
        } else {
            c.minus(paid)
        }
    })
    .transpose()
}

/// One version of the contract's terms and the day from which it prices achievements.
#[derive(Debug, Clone, Copy)]
pub struct InForce<'a> {
    pub version: u32,
    /// The first achievement date this version prices (the first version: the contract start).
    pub from: NaiveDate,
    pub terms: &'a ContractTerms,
}

/// The position in `versions` (sorted by `from`) of the version in force on `date`; dates before
/// the first version belong to it.
pub fn in_force_on(versions: &[InForce<'_>], date: NaiveDate) -> usize {
    versions
        .iter()
        .rposition(|v| v.from <= date)
        .unwrap_or_default()
}

/// Which version prices which days: taken in version order, each version replaces every
/// earlier one from its effective date on (a later version effective earlier than an older one
/// overrides it entirely from then), and the result is ordered by date. Each entry is (version,
/// first day it prices, terms).
pub fn schedule(
    mut in_force: Vec<(u32, NaiveDate, ContractTerms)>,
) -> Vec<(u32, NaiveDate, ContractTerms)> {
    in_force.sort_by_key(|v| v.0);
    let mut out: Vec<(u32, NaiveDate, ContractTerms)> = Vec::new();
    for v in in_force {
        out.retain(|(_, from, _)| *from < v.1);
        out.push(v);
    }
    out.sort_by_key(|v| v.1);
    out
}

/// A contract-level (cohort) payment, already priced by its mechanism, that the per-period and
/// per-contract caps bind like any participant's payment: it takes its turn by date, after the
/// participant lines of the same day, in the order given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractLevelInput {
    pub date: NaiveDate,
    /// The first day of its payment period.
    pub period: NaiveDate,
    pub amount: Nok,
    pub version: u32,
}

/// Prices `achievements` under `terms` alone; see [`compute_in_force`].
pub fn compute(terms: &ContractTerms, achievements: &[AchievementInput]) -> Ledger {
    compute_in_force(
        &[InForce {
            version: 1,
            from: terms.starts,
            terms,
        }],
        achievements,
    )
}

/// Prices `achievements`, each under the version in force on its date (its `outcome` is a
/// position in that version's outcomes; outcomes are the same outcome across versions when
/// they have the same name): sorted by date, then the outcome's place in the contract, then
/// pseudonym (then magnitude and evidence, so that no input order matters); each outcome paid
/// at most `max_payments` times per participant; when a payment would take a cap past its
/// limit, the payment line is followed by a cap line that brings it down to what is left (the
/// smallest room wins; ties go to the outcome cap, then participant, period and contract).
pub fn compute_in_force(versions: &[InForce<'_>], achievements: &[AchievementInput]) -> Ledger {
    compute_with_contract_lines(versions, achievements, &[])
}

/// [`compute_in_force`] with contract-level lines taking their turn among the participant
/// lines by date: the per-period and per-contract caps bind them the same way, with the same
/// cap lines (an outcome's or a participant's cap does not apply to a cohort).
pub fn compute_with_contract_lines(
    versions: &[InForce<'_>],
    achievements: &[AchievementInput],
    contract_lines: &[ContractLevelInput],
) -> Ledger {
    // Pseudonyms as numbers in their own sort order: the sort and the running totals then
    // compare and index integers, not text. Only the distinct names are sorted.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let who_first: Vec<usize> = achievements
        .iter()
        .map(|a| {
            let next = ids.len();
            *ids.entry(a.participant.as_str()).or_insert(next)
        })
        .collect();
    let mut names: Vec<(&str, usize)> = ids.into_iter().collect();
    names.sort_unstable();
    let mut rank = vec![0usize; names.len()];
    for (r, (_, first)) in names.iter().enumerate() {
        if let Some(slot) = rank.get_mut(*first) {
            *slot = r;
        }
    }
    // Outcomes across versions, by name: `global[v][o]` is version v's outcome o.
    let mut outcome_names: Vec<&str> = Vec::new();
    let global: Vec<Vec<usize>> = versions
        .iter()
        .map(|v| {
            v.terms
                .outcomes
                .iter()
                .map(|o| {
                    let name = o.definition.name.as_str();
                    match outcome_names.iter().position(|n| *n == name) {
                        Some(g) => g,
                        None => {
                            outcome_names.push(name);
                            outcome_names.len() - 1
                        }
                    }
                })
                .collect()
        })
        .collect();
    // Date, outcome and participant packed into one integer, so that the sort compares one
    // number; magnitude, evidence and position only break its rare ties.
    let mut order: Vec<(u128, usize)> = achievements
        .iter()
        .zip(&who_first)
        .enumerate()
        .map(|(i, (a, first))| {
            let day = u128::from(u32::try_from(a.date.num_days_from_ce()).unwrap_or(0));
            let outcome = u128::from(u32::try_from(a.outcome).unwrap_or(u32::MAX));
            let who = rank.get(*first).copied().unwrap_or(0) as u128;
            ((day << 96) | (outcome << 64) | who, i)
        })
        .collect();
    // After every participant outcome of the same day, in their own order.
    order.extend(contract_lines.iter().enumerate().map(|(j, c)| {
        let day = u128::from(u32::try_from(c.date.num_days_from_ce()).unwrap_or(0));
        (
            (day << 96) | (u128::from(u32::MAX) << 64) | j as u128,
            achievements.len() + j,
        )
    }));
    order.sort_unstable_by(|x, y| {
        x.0.cmp(&y.0).then_with(|| {
            let (ex, ey) = (achievements.get(x.1), achievements.get(y.1));
            ex.map(|a| a.magnitude)
                .cmp(&ey.map(|a| a.magnitude))
                .then_with(|| ex.map(|a| &a.evidence).cmp(&ey.map(|a| &a.evidence)))
                .then(x.1.cmp(&y.1))
        })
    });
    let outcomes = outcome_names.len();
    let mut ledger = Ledger {
        lines: Vec::with_capacity(achievements.len()),
        ..Ledger::default()
    };
    let mut times = vec![0u32; names.len() * outcomes];
    let mut by_participant = vec![Nok::ZERO; names.len()];
    let mut by_outcome = vec![Nok::ZERO; outcomes];
    let mut by_period: Vec<(NaiveDate, Nok)> = Vec::new();
    let mut total = Nok::ZERO;
    let mut current = 0;
    for (key, index) in order {
        let Some(a) = achievements.get(index) else {
            let Some(c) = index
                .checked_sub(achievements.len())
                .and_then(|j| contract_lines.get(j))
            else {
                continue;
            };
            if c.amount <= Nok::ZERO {
                continue;
            }
            let slot = match by_period.iter().position(|(s, _)| *s == c.period) {
                Some(i) => i,
                None => {
                    by_period.push((c.period, Nok::ZERO));
                    by_period.len() - 1
                }
            };
            let period_paid = by_period.get(slot).map(|x| x.1).unwrap_or_default();
            let (per_period, per_contract) = versions
                .get(in_force_on(versions, c.date))
                .map(|v| (v.terms.caps.per_period, v.terms.caps.per_contract))
                .unwrap_or_default();
            let (Ok(period_room), Ok(contract_room)) =
                (room(per_period, period_paid), room(per_contract, total))
            else {
                ledger.overflowed = true;
                continue;
            };
            let rooms = [
                (CapKind::Period, period_room),
                (CapKind::Contract, contract_room),
            ];
            let Ok(allowed) =
                push_capped(&mut ledger, &rooms, index, c.period, c.amount, c.version)
            else {
                ledger.overflowed = true;
                continue;
            };
            let mut fits = accumulate(&mut total, allowed);
            if let Some(x) = by_period.get_mut(slot) {
                fits &= accumulate(&mut x.1, allowed);
            }
            ledger.overflowed |= !fits;
            continue;
        };
        let (date, o, magnitude) = (a.date, a.outcome, a.magnitude);
        let p = (key & u128::from(u64::MAX)) as usize;
        // Dates ascend, so the version in force only moves forward.
        while versions.get(current + 1).is_some_and(|v| v.from <= date) {
            current += 1;
        }
        let Some(version) = versions.get(current) else {
            continue;
        };
        let terms = version.terms;
        let (Some(outcome), Some(&g)) = (
            terms.outcomes.get(o),
            global.get(current).and_then(|g| g.get(o)),
        ) else {
            continue;
        };
        if date < terms.starts || date > terms.ends {
            ledger.outside_contract += 1;
            continue;
        }
        let Ok(price) = outcome.scale.price(magnitude) else {
            ledger.overflowed = true;
            continue;
        };
        if price == Nok::ZERO {
            continue;
        }
        let Some(count) = times.get_mut(p * outcomes + g) else {
            continue;
        };
        if *count >= outcome.max_payments {
            ledger.over_payment_limit += 1;
            continue;
        }
        *count += 1;
        let period = terms.periods.start_of(date);
        let slot = match by_period.iter().position(|(s, _)| *s == period) {
            Some(i) => i,
            None => {
                by_period.push((period, Nok::ZERO));
                by_period.len() - 1
            }
        };
        let get = |v: &[Nok], i: usize| v.get(i).copied().unwrap_or_default();
        let rooms = (|| {
            Ok::<_, MoneyOverflow>([
                (CapKind::Outcome, room(outcome.cap, get(&by_outcome, g))?),
                (
                    CapKind::Participant,
                    room(terms.caps.per_participant, get(&by_participant, p))?,
                ),
                (
                    CapKind::Period,
                    room(
                        terms.caps.per_period,
                        by_period.get(slot).map(|x| x.1).unwrap_or_default(),
                    )?,
                ),
                (CapKind::Contract, room(terms.caps.per_contract, total)?),
            ])
        })();
        let Ok(allowed) = rooms.and_then(|rooms| {
            push_capped(&mut ledger, &rooms, index, period, price, version.version)
        }) else {
            ledger.overflowed = true;
            continue;
        };
        let mut fits = accumulate(&mut total, allowed);
        for sum in [
            by_outcome.get_mut(g),
            by_participant.get_mut(p),
            by_period.get_mut(slot).map(|x| &mut x.1),
        ]
        .into_iter()
        .flatten()
        {
            fits &= accumulate(sum, allowed);
        }
        ledger.overflowed |= !fits;
    }
    ledger
}

/// Adds `amount` to `sum` unless the sum would leave the range of øre in 64 bits; says whether
/// it did.
fn accumulate(sum: &mut Nok, amount: Nok) -> bool {
    match sum.checked_add(amount) {
        Some(s) => {
            *sum = s;
            true
        }
        None => false,
    }
}

/// Pushes a payment line, and after it a cap line when a room is smaller than the price (the
/// smallest room wins; ties go to the cap listed first); returns what is allowed.
fn push_capped(
    ledger: &mut Ledger,
    rooms: &[(CapKind, Option<Nok>)],
    achievement: usize,
    period: NaiveDate,
    price: Nok,
    version: u32,
) -> Result<Nok, MoneyOverflow> {
    let binding = rooms
        .iter()
        .filter_map(|(kind, r)| r.map(|r| (r, *kind)))
        .filter(|(r, _)| *r < price)
        .min_by_key(|(r, _)| *r);
    let line = |kind, amount| Line {
        achievement,
        period,
        kind,
        amount,
        version,
    };
    let cut = binding
        .map(|(left, kind)| Ok::<_, MoneyOverflow>((left, kind, left.minus(price)?)))
        .transpose()?;
    ledger.lines.push(line(LineKind::Payment, price));
    match cut {
        Some((left, kind, cut)) => {
            ledger.lines.push(line(LineKind::Cap(kind), cut));
            Ok(left)
        }
        None => Ok(price),
    }
}

#[cfg(test)]
mod tests;
