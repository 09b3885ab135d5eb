//! From participants' timelines to the ledger's input: every achievement of every outcome the
//! contract pays for, judged by the same outcome functions as everywhere else, with the
//! register snapshot added to its evidence so that every krone can be traced to its data.

use chrono::NaiveDate;
use effekt_domain::contract::ledger::AchievementInput;
use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::outcomes::evaluate;
use effekt_domain::outcomes::timeline::{Snapshot, Timeline};

/// One participant as the ledger sees them: a pseudonym, the index date and the timeline.
pub struct Participant<'a> {
    pub pseudonym: String,
    pub index_date: NaiveDate,
    pub timeline: &'a Timeline,
}

/// Every achievement of every contract outcome, in participant then outcome order.
pub fn achievements(
    terms: &ContractTerms,
    participants: &[Participant],
    snapshot: &Snapshot,
) -> Vec<AchievementInput> {
    let mut out = Vec::new();
    for p in participants {
        for (i, outcome) in terms.outcomes.iter().enumerate() {
            let judged = evaluate(&outcome.definition.kind, p.timeline, p.index_date, snapshot);
            for a in judged.achievements {
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
    out
}
