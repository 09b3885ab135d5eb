//! The INDIGO export (GO Lab's data standard for impact bonds; schema in
//! `crates/engine/schemas/indigo/project.json`): a contract's terms and priced results as one
//! project, so that anyone can compare it with other outcomes contracts. Ids inside the file
//! resolve to each other: pricings, payments and results name outcome metrics by their ids, and
//! organisations are named by their Brønnøysund numbers (`NO-BRC-…`, as org-id.guide does).
//! It is open data, so a period's result for an outcome reached by fewer than five participants
//! is published without its count or amount (either would give the count away).

mod parties;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use effekt_domain::contract::cohort::COHORT_PREFIX;
use effekt_domain::contract::ledger::LineKind;
use effekt_domain::contract::scale::Scale;
use effekt_domain::contract::settlement::PricedLine;
use effekt_domain::contract::terms::{ContractTerms, PartyRole};
use effekt_domain::money::{MoneyOverflow, Nok};
use effekt_domain::suppression::MIN_CELL;
use serde_json::{json, Value};

/// The organisation reference INDIGO uses for a Norwegian organisation number.
fn org(orgnr: &str) -> Value {
    json!({ "value": format!("NO-BRC-{orgnr}") })
}

fn metric_id(i: usize) -> String {
    format!("outcome-metric-{}", i + 1)
}

fn number(n: Nok) -> Value {
    // Kroner with two decimals; INDIGO's numbers are plain JSON numbers.
    json!({ "value": n.ore() as f64 / 100.0 })
}

fn scale_in_words(scale: &Scale) -> String {
    match scale {
        Scale::Fixed { amount } => format!("{amount} per achievement"),
        Scale::Linear { max, floor, target } => {
            format!("linear: nothing at {floor}, rising to {max} at {target} and above")
        }
        Scale::TiersCumulative { bands, up_to } => {
            let bands: Vec<String> = bands
                .iter()
                .map(|b| format!("from {}: {} per unit", b.from, b.rate))
                .collect();
            let end = up_to.map(|u| format!(", up to {u}")).unwrap_or_default();
            format!("marginal bands ({}{end})", bands.join("; "))
        }
        Scale::TiersHighest { tiers } => {
            let tiers: Vec<String> = tiers
                .iter()
                .map(|t| format!("{}: {}", t.threshold, t.amount))
                .collect();
            format!("highest tier reached ({})", tiers.join("; "))
        }
    }
}

/// What the export rests on besides the terms: the contract's priced lines (participant and
/// cohort lines, cap lines included), the first days of the periods whose statements are paid
/// (their payments are `Actual`, every other period's `Planned`), and the certified size of
/// each cohort (`Kohort <cohort>` lines of a cohort under 5 are withheld like small cells).
#[derive(Debug, Default)]
pub struct Priced<'a> {
    pub lines: &'a [PricedLine],
    pub paid_periods: BTreeSet<NaiveDate>,
    pub cohort_sizes: BTreeMap<String, u32>,
    /// The number of participants the contract is for (its target cohort), when known.
    pub target_cohort: Option<u32>,
    /// Every version after the first, in order.
    pub history: Vec<Amendment>,
}

/// One agreed amendment, for the price history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amendment {
    pub version: u32,
    /// The first day it prices.
    pub from: NaiveDate,
    /// What it changed, in words (prices, requirements, caps).
    pub changes: Vec<String>,
    /// Why, as the proposer wrote it (none for versions imported from files).
    pub reason: Option<String>,
}

/// The project: terms, and from the priced lines the payments and results per period and
/// outcome. Without a register snapshot there are no lines, and the terms are still published.
/// Refused when a period's payments add up beyond what øre hold.
pub fn project(
    contract_id: i64,
    terms: &ContractTerms,
    priced: &Priced<'_>,
) -> Result<Value, MoneyOverflow> {
    let nav = terms.parties.iter().find(|p| p.role == PartyRole::Nav);
    let lead = terms
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Provider && p.lead);
    // Participant outcomes first, then cohort outcomes, in contract order.
    let names: Vec<&str> = terms
        .outcomes
        .iter()
        .map(|o| o.definition.name.as_str())
        .chain(terms.cohort_outcomes.iter().map(|o| o.name.as_str()))
        .collect();
    let metric_of = |name: &str| names.iter().position(|n| *n == name);
    let mut metrics: Vec<Value> = terms
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            json!({
                "id": metric_id(i),
                "definition": { "value": o.definition.name },
                "outcome_validation_method": { "value": o.evidence.code() },
                "data_source_for_outcome_validation": { "value": match o.evidence {
                    effekt_domain::contract::terms::EvidenceSource::Register => "Norwegian administrative registers (register snapshot)",
                    effekt_domain::contract::terms::EvidenceSource::TestCertificate => "Test certificates",
                    effekt_domain::contract::terms::EvidenceSource::ProviderRecord => "Provider records verified by the independent evaluator",
                }},
                "policy_sector": { "value": "Employment and training" },
                "notes": serde_json::to_string(&o.definition.kind).unwrap_or_default(),
            })
        })
        .collect();
    metrics.extend(terms.cohort_outcomes.iter().enumerate().map(|(i, o)| {
        json!({
            "id": metric_id(terms.outcomes.len() + i),
            "definition": { "value": o.name },
            "outcome_validation_method": { "value": "cohort figure certified by the independent evaluator" },
            "data_source_for_outcome_validation": { "value": format!("Certified cohort figure: {}", o.figure) },
            "policy_sector": { "value": "Employment and training" },
            "notes": serde_json::to_string(&o.mechanism).unwrap_or_default(),
        })
    }));
    let mut pricings: Vec<Value> = terms
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut p = json!({
                "outcome_metric_id": { "value": metric_id(i) },
                "currency": { "value": "NOK" },
                "price_description": { "value": format!("{}; paid at most {} time(s) per participant", scale_in_words(&o.scale), o.max_payments) },
            });
            if let Scale::Fixed { amount } = o.scale {
                p["price_per_unit"] = json!({ "amount": number(amount) });
            }
            if let Some(cap) = o.cap {
                p["maximum_price_if_all_targets_achieved"] =
                    json!({ "amount": { "value": cap.to_decimal().to_string() } });
            }
            if let Some(history) = parties::price_history(priced) {
                p["contracted_increases_to_outcome_pricing"] = history;
            }
            p
        })
        .collect();
    pricings.extend(terms.cohort_outcomes.iter().enumerate().map(|(i, o)| {
        let mut p = json!({
            "outcome_metric_id": { "value": metric_id(terms.outcomes.len() + i) },
            "currency": { "value": "NOK" },
            "price_description": { "value": format!("per cohort: {}", serde_json::to_string(&o.mechanism).unwrap_or_default()) },
        });
        if let Some(history) = parties::price_history(priced) {
            p["contracted_increases_to_outcome_pricing"] = history;
        }
        p
    }));
    // Per period and outcome: what is payable (net of cap lines) and who reached it; a
    // cohort line counts its cohort's certified size.
    let mut paid: BTreeMap<(NaiveDate, usize), (Nok, BTreeSet<&str>, u64)> = BTreeMap::new();
    for line in priced.lines {
        let Some(outcome) = metric_of(&line.key.outcome) else {
            continue;
        };
        let entry = paid
            .entry((line.period, outcome))
            .or_insert_with(|| (Nok::ZERO, BTreeSet::new(), 0));
        entry.0 = entry.0.plus(line.amount)?;
        if line.key.kind == LineKind::Payment {
            match line.key.participant.strip_prefix(COHORT_PREFIX) {
                Some(cohort) => {
                    entry.2 += u64::from(priced.cohort_sizes.get(cohort).copied().unwrap_or(0));
                }
                None => {
                    entry.1.insert(line.key.participant.as_str());
                }
            }
        }
    }
    let period = |start: NaiveDate| {
        let p = terms.periods.period_of(start);
        json!({ "start_date": { "value": p.start.to_string() }, "end_date": { "value": p.end.to_string() } })
    };
    let reached = |who: &BTreeSet<&str>, cohorts: u64| who.len() as u64 + cohorts;
    let small = |n: u64| n < MIN_CELL;
    let payments: Vec<Value> = paid
        .iter()
        .map(|((start, outcome), (amount, who, cohorts))| {
            let actual = priced.paid_periods.contains(start);
            let mut p = json!({
                "outcome_metric_id": { "value": metric_id(*outcome) },
                "period": period(*start),
                "type": { "value": if actual { "Actual" } else { "Planned" } },
                "money": { "currency": { "value": "NOK" } },
            });
            if small(reached(who, *cohorts)) {
                p["notes"] = json!("amount withheld: fewer than 5 participants");
            } else {
                p["money"]["amount"] = number(*amount);
            }
            if !actual {
                p["notes"] = json!(match p["notes"].as_str() {
                    Some(n) =>
                        format!("{n}; not yet paid (planned: the period's statement is not paid)"),
                    None => "not yet paid (planned: the period's statement is not paid)".to_owned(),
                });
            }
            if let Some(nav) = nav {
                p["payer_organisation_id"] = org(nav.orgnr.as_str());
            }
            if let Some(lead) = lead {
                p["recipient_organisation_id"] = org(lead.orgnr.as_str());
            }
            p
        })
        .collect();
    let results: Vec<Value> = paid
        .iter()
        .map(|((start, outcome), (_, who, cohorts))| {
            let mut r = json!({
                "outcome_metric_id": { "value": metric_id(*outcome) },
                "result_level": { "value": "Outcome level" },
                "result_type": { "value": if terms.periods.period_of(*start).end >= terms.ends { "Final" } else { "Interim" } },
                "period": period(*start),
            });
            if let Some(v) = parties::validator(terms) {
                r["outcomes_validator_organisation_ids"] = v;
            }
            let n = reached(who, *cohorts);
            if small(n) {
                r["outcomes_achieved"] = json!({ "value": "<5" });
            } else {
                r["number_with_positive_social_outcomes"] = json!({ "value": n });
                r["outcomes_achieved"] = json!({ "value": n.to_string() });
            }
            r
        })
        .collect();
    let investments: Vec<Value> = terms
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Investor)
        .enumerate()
        .map(|(i, p)| {
            let mut v = json!({
                "id": format!("investment-{}", i + 1),
                "organisation_id": org(p.orgnr.as_str()),
            });
            if let Some(c) = p.commitment {
                v["investment_commitment"] =
                    json!({ "currency": { "value": "NOK" }, "amount": number(c) });
            }
            v
        })
        .collect();
    let mut project = json!({
        "name": { "value": terms.name },
        "status": "PUBLIC",
        "notes": { "value": format!("Exported by effekt from contract {contract_id}") },
        "dates": {
            "start_date_of_service_provision": { "value": terms.starts.to_string() },
            "anticipated_end_date_of_service_provision": { "value": terms.ends.to_string() },
        },
        "outcome_metrics": metrics,
        "outcome_pricings": pricings,
        "outcome_payments": payments,
        "investments": investments,
        "results": results,
    });
    if let Some(sections) = project.as_object_mut() {
        sections.extend(parties::sections(terms, priced)?);
    }
    Ok(project)
}
