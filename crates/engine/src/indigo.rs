//! The INDIGO export (GO Lab's data standard for impact bonds; schema in
//! `crates/engine/schemas/indigo/project.json`): a contract's terms and priced results as one
//! project, so that anyone can compare it with other outcomes contracts. Ids inside the file
//! resolve to each other: pricings, payments and results name outcome metrics by their ids, and
//! organisations are named by their Brønnøysund numbers (`NO-BRC-…`, as org-id.guide does).
//! It is open data, so a period's result for an outcome reached by fewer than five participants
//! is published without its count or amount (either would give the count away).

use std::collections::BTreeMap;

use effekt_domain::contract::ledger::{AchievementInput, Ledger, LineKind};
use effekt_domain::contract::scale::Scale;
use effekt_domain::contract::terms::{ContractTerms, PartyRole};
use effekt_domain::money::Nok;
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

/// The project: terms, and from the ledger the payments and results per period and outcome.
pub fn project(
    contract_id: i64,
    terms: &ContractTerms,
    ledger: &Ledger,
    input: &[AchievementInput],
) -> Value {
    let nav = terms.parties.iter().find(|p| p.role == PartyRole::Nav);
    let lead = terms
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Provider && p.lead);
    let metrics: Vec<Value> = terms
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
    let pricings: Vec<Value> = terms
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
            p
        })
        .collect();
    // Per period and outcome: what was paid (net of cap lines) and how many participants.
    let mut paid: BTreeMap<(chrono::NaiveDate, usize), (Nok, std::collections::BTreeSet<&str>)> =
        BTreeMap::new();
    for line in &ledger.lines {
        let Some(a) = input.get(line.achievement) else {
            continue;
        };
        let entry = paid
            .entry((line.period, a.outcome))
            .or_insert_with(|| (Nok::ZERO, Default::default()));
        entry.0 = entry.0 + line.amount;
        if line.kind == LineKind::Payment {
            entry.1.insert(a.participant.as_str());
        }
    }
    let period = |start: chrono::NaiveDate| {
        let p = terms.periods.period_of(start);
        json!({ "start_date": { "value": p.start.to_string() }, "end_date": { "value": p.end.to_string() } })
    };
    let small = |n: usize| (n as u64) < MIN_CELL;
    let payments: Vec<Value> = paid
        .iter()
        .map(|((start, outcome), (amount, who))| {
            let mut p = json!({
                "outcome_metric_id": { "value": metric_id(*outcome) },
                "period": period(*start),
                "type": { "value": "Actual" },
                "money": { "currency": { "value": "NOK" } },
            });
            if small(who.len()) {
                p["notes"] = json!("amount withheld: fewer than 5 participants");
            } else {
                p["money"]["amount"] = number(*amount);
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
        .map(|((start, outcome), (_, who))| {
            let mut r = json!({
                "outcome_metric_id": { "value": metric_id(*outcome) },
                "result_level": { "value": "Outcome level" },
                "result_type": { "value": if terms.periods.period_of(*start).end >= terms.ends { "Final" } else { "Interim" } },
                "period": period(*start),
            });
            if small(who.len()) {
                r["outcomes_achieved"] = json!({ "value": "<5" });
            } else {
                r["number_with_positive_social_outcomes"] = json!({ "value": who.len() });
                r["outcomes_achieved"] = json!({ "value": who.len().to_string() });
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
    json!({
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
    })
}
