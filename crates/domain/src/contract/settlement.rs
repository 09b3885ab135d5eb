//! Settling a period (issue 4, §5): what the open period's statement must hold, given the
//! ledger as priced now and the lines already on approved statements. Approved lines are never
//! edited: when a late register snapshot or an amendment changes what an earlier period should
//! have paid, the difference is booked as an adjustment line in the first open period.
//!
//! A line is identified across recomputations by its [`LineKey`] (participant, outcome, date,
//! kind and occurrence), not by evidence: a new snapshot changes the evidence of the same
//! achievement.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ledger::{AchievementInput, InForce, Ledger, LineKind};
use crate::money::{MoneyOverflow, Nok};

/// What makes two lines the same line in two computations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LineKey {
    pub date: NaiveDate,
    pub outcome: String,
    pub participant: String,
    pub kind: LineKind,
    /// The n-th line (from 0) with the same date, outcome, participant and kind.
    pub occurrence: u32,
}

/// A ledger line with its key and what it was priced from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub key: LineKey,
    /// The first day of the payment period the achievement falls in.
    pub period: NaiveDate,
    pub amount: Nok,
    pub version: u32,
    /// Position in the achievements priced.
    pub achievement: usize,
}

/// A line already on an approved (or paid) statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookedLine {
    pub key: LineKey,
    pub amount: Nok,
}

/// A line for the open period's statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledLine {
    pub key: LineKey,
    pub amount: Nok,
    /// Corrects what earlier statements booked for this key.
    pub adjustment: bool,
    /// The version and achievement that priced it; `None` for an adjustment whose line is gone
    /// (the achievement no longer holds).
    pub priced: Option<(u32, usize)>,
}

/// The ledger's lines with their keys. `versions` are those the ledger was computed with.
pub fn keyed(
    versions: &[InForce<'_>],
    ledger: &Ledger,
    input: &[AchievementInput],
) -> Vec<PricedLine> {
    let mut seen: BTreeMap<LineKey, u32> = BTreeMap::new();
    let mut out = Vec::with_capacity(ledger.lines.len());
    for line in &ledger.lines {
        let Some(a) = input.get(line.achievement) else {
            continue;
        };
        let outcome = versions
            .iter()
            .find(|v| v.version == line.version)
            .and_then(|v| v.terms.outcomes.get(a.outcome))
            .map(|o| o.definition.name.clone())
            .unwrap_or_default();
        let mut key = LineKey {
            date: a.date,
            outcome,
            participant: a.participant.clone(),
            kind: line.kind,
            occurrence: 0,
        };
        let n = seen.entry(key.clone()).or_insert(0);
        key.occurrence = *n;
        *n += 1;
        out.push(PricedLine {
            key,
            period: line.period,
            amount: line.amount,
            version: line.version,
            achievement: line.achievement,
        });
    }
    out
}

/// The lines of the statement for the period starting `open`: the period's own lines not yet
/// booked, in ledger order, then an adjustment for every earlier line whose booked total
/// differs from what it is priced at now (a line no longer priced is reversed), by key.
/// After booking the result, every key of a period up to `open` has booked exactly its price.
pub fn settle(
    priced: &[PricedLine],
    booked: &[BookedLine],
    open: NaiveDate,
) -> Result<Vec<SettledLine>, MoneyOverflow> {
    let mut already: BTreeMap<&LineKey, Nok> = BTreeMap::new();
    for b in booked {
        let sum = already.entry(&b.key).or_insert(Nok::ZERO);
        *sum = sum.plus(b.amount)?;
    }
    let mut out = Vec::new();
    let mut now: BTreeMap<&LineKey, &PricedLine> = BTreeMap::new();
    for p in priced.iter().filter(|p| p.period <= open) {
        if p.period == open && !already.contains_key(&p.key) {
            out.push(SettledLine {
                key: p.key.clone(),
                amount: p.amount,
                adjustment: false,
                priced: Some((p.version, p.achievement)),
            });
        } else {
            now.insert(&p.key, p);
        }
    }
    let mut keys: Vec<&LineKey> = now.keys().copied().collect();
    keys.extend(already.keys().copied().filter(|k| !now.contains_key(k)));
    keys.sort();
    for key in keys {
        let line = now.get(key);
        let target = line.map(|p| p.amount).unwrap_or(Nok::ZERO);
        let paid = already.get(key).copied().unwrap_or(Nok::ZERO);
        if target != paid {
            out.push(SettledLine {
                key: key.clone(),
                amount: target.minus(paid)?,
                adjustment: true,
                priced: line.map(|p| (p.version, p.achievement)),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
