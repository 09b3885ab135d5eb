//! From participants' timelines to the ledger's input: every achievement of every outcome the
//! contract pays for, judged by the same outcome functions as everywhere else and under the
//! version in force on its date, with the register snapshot added to its evidence so that every
//! krone can be traced to its data.

use chrono::NaiveDate;

use super::ledger::{in_force_on, AchievementInput, InForce};
use crate::outcomes::evaluate;
use crate::outcomes::timeline::{Snapshot, Timeline};

/// One participant as the ledger sees them: a pseudonym, the index date and the timeline.
pub struct Participant<'a> {
    pub pseudonym: String,
    pub index_date: NaiveDate,
    pub timeline: &'a Timeline,
}

/// Every achievement of every outcome of the version in force on its date, in participant,
/// version and outcome order. Each `outcome` is a position in that version's outcomes.
pub fn achievements(
    versions: &[InForce<'_>],
    participants: &[Participant],
    snapshot: &Snapshot,
) -> Vec<AchievementInput> {
    let mut out = Vec::new();
    for p in participants {
        for (v, version) in versions.iter().enumerate() {
            for (i, outcome) in version.terms.outcomes.iter().enumerate() {
                let judged = evaluate(&outcome.definition.kind, p.timeline, p.index_date, snapshot);
                for a in judged.achievements {
                    if versions.len() > 1 && in_force_on(versions, a.date) != v {
                        continue;
                    }
                    let mut evidence = a.evidence;
                    if !evidence.contains(&snapshot.id) {
                        evidence.push(snapshot.id.clone());
                    }
                    out.push(AchievementInput {
                        participant: p.pseudonym.clone(),
                        outcome: i,
                        date: a.date,
                        magnitude: a.magnitude,
                        evidence,
                    });
                }
            }
        }
    }
    out
}
