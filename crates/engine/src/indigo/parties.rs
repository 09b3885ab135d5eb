//! The INDIGO sections about who does and pays what: service provisions (each provider and
//! consortium member), Nav's outcome payment commitment and the caps, the investors' return
//! cap, the drawdowns as transactions, the evaluator as validator, the target cohort, and the
//! price history of every amendment. All of it is contract data the parties agreed; none of
//! it is about a person.

use effekt_domain::contract::terms::{ContractTerms, PartyRole};
use serde_json::{json, Map, Value};

use super::{number, org, Priced};

/// The evaluator's organisation reference, for results' `outcomes_validator_organisation_ids`.
pub(super) fn validator(terms: &ContractTerms) -> Option<Value> {
    let ids: Vec<String> = terms
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Evaluator)
        .map(|p| format!("NO-BRC-{}", p.orgnr.as_str()))
        .collect();
    (!ids.is_empty()).then(|| json!({ "value": ids.join(",") }))
}

/// How the price of each outcome changed, amendment by amendment, for `outcome_pricings`.
pub(super) fn price_history(priced: &Priced<'_>) -> Option<Value> {
    let lines: Vec<String> = priced
        .history
        .iter()
        .filter(|a| !a.changes.is_empty())
        .map(|a| {
            let why = a
                .reason
                .as_deref()
                .map(|r| format!(" Reason: {r}"))
                .unwrap_or_default();
            format!(
                "version {}, from {}: {}{why}",
                a.version,
                a.from,
                a.changes.join(" ")
            )
        })
        .collect();
    (!lines.is_empty()).then(|| json!({ "value": lines.join(" | ") }))
}

/// The top-level sections this module fills, to merge into the project.
pub(super) fn sections(
    terms: &ContractTerms,
    priced: &Priced<'_>,
) -> Result<Map<String, Value>, effekt_domain::money::MoneyOverflow> {
    let mut out = Map::new();
    let lead = terms
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Provider && p.lead);
    let provisions: Vec<Value> = terms
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Provider)
        .enumerate()
        .map(|(i, p)| {
            let mut v = json!({
                "id": format!("service-provision-{}", i + 1),
                "organisation_id": org(p.orgnr.as_str()),
                "notes": if p.lead { "lead provider: receives the outcome payments" } else { "consortium member: paid through the lead provider" },
            });
            if let Some(part) = p.sub_delivery.as_deref().filter(|s| !s.trim().is_empty()) {
                v["intervention"] = json!({ "value": part });
            }
            v
        })
        .collect();
    out.insert("service_provisions".into(), Value::Array(provisions));
    if !terms.locations.is_empty() {
        out.insert("delivery_locations".into(), delivery_locations(terms));
    }

    let nav = terms.parties.iter().find(|p| p.role == PartyRole::Nav);
    if let Some(nav) = nav {
        let mut commitment = json!({
            "organisation_id": org(nav.orgnr.as_str()),
            "organisation_role_category": { "value": "Government/Public Sector/Public Bank" },
        });
        if let Some(cap) = terms.caps.per_contract {
            commitment["maximum_potential_outcome_payment"] =
                json!({ "currency": { "value": "NOK" }, "amount": number(cap) });
        }
        let mut caps = Vec::new();
        if let Some(c) = terms.caps.per_period {
            caps.push(format!("at most {c} per payment period"));
        }
        if let Some(c) = terms.caps.per_participant {
            caps.push(format!("at most {c} per participant"));
        }
        if !caps.is_empty() {
            commitment["notes"] = json!(caps.join("; "));
        }
        out.insert(
            "outcome_payment_commitments".into(),
            Value::Array(vec![commitment]),
        );
    }

    let committed: Vec<_> = terms.parties.iter().filter_map(|p| p.commitment).collect();
    let mut finance = Map::new();
    if !committed.is_empty() {
        let total = effekt_domain::money::Nok::sum(committed.iter().copied())?;
        finance.insert(
            "total_investment_commitment".into(),
            json!({ "currency": { "value": "NOK" }, "amount": { "exact": number(total) } }),
        );
    }
    if let Some(cap) = terms.caps.per_contract {
        finance.insert(
            "maximum_potential_outcome_payment_v2".into(),
            json!({ "currency": { "value": "NOK" }, "amount": { "exact": number(cap) } }),
        );
    }
    if let Some(investment) = &terms.investment {
        let percent = (investment.waterfall.return_cap * rust_decimal::Decimal::ONE_HUNDRED)
            .normalize()
            .to_string();
        finance.insert(
            "maximum_potential_return".into(),
            json!({ "value": format!("{percent} % of the capital drawn, above the capital") }),
        );
        finance.insert(
            "maximum_potential_return_type".into(),
            json!({ "value": "Capped return on capital (waterfall: capital first, then the return, the rest to Nav or reinvested)" }),
        );
        let investors: Vec<&str> = terms
            .parties
            .iter()
            .filter(|p| p.role == PartyRole::Investor)
            .map(|p| p.orgnr.as_str())
            .collect();
        let transactions: Vec<Value> = investment
            .drawdowns
            .iter()
            .map(|d| {
                let mut t = json!({
                    "date": { "value": d.date.to_string() },
                    "sending_organisation_id": org(d.investor.as_str()),
                    "transaction_type": { "value": "Equity" },
                    "money": { "currency": { "value": "NOK" }, "amount": number(d.amount) },
                    "notes": "drawdown of committed capital, as scheduled in the contract",
                });
                if let Some(i) = investors.iter().position(|o| *o == d.investor.as_str()) {
                    t["investment_id"] = json!({ "value": format!("investment-{}", i + 1) });
                }
                if let Some(lead) = lead {
                    t["receiving_organisation_id"] = org(lead.orgnr.as_str());
                }
                t
            })
            .collect();
        out.insert("transactions".into(), Value::Array(transactions));
    }
    if !finance.is_empty() {
        out.insert("overall_project_finance".into(), Value::Object(finance));
    }
    if let Some(target) = priced.target_cohort.filter(|t| *t > 0) {
        out.insert(
            "service_and_beneficiaries".into(),
            json!({ "targeted_number_service_users_or_beneficiaries_total": { "value": target } }),
        );
    }
    out.insert(
        "jurisdiction".into(),
        json!({ "jurisdiction": { "value": "NO" } }),
    );
    Ok(out)
}

/// The contract's delivery locations: the municipality by name and number, in Norway, tied to
/// the service provision of the provider delivering there (none: the whole consortium).
fn delivery_locations(terms: &ContractTerms) -> Value {
    let provision_of = |orgnr| {
        terms
            .parties
            .iter()
            .filter(|p| p.role == PartyRole::Provider)
            .position(|p| p.orgnr == orgnr)
            .map(|i| format!("service-provision-{}", i + 1))
    };
    Value::Array(
        terms
            .locations
            .iter()
            .map(|l| {
                let mut v = json!({
                    "location_name": { "value": l.name },
                    "location_country": { "value": "NO" },
                    "adminstrative_geography_name": { "value": l.name },
                    "adminstrative_geography_code_type": { "value": "kommunenummer (SSB)" },
                    "adminstrative_geography_code": { "value": l.municipality.as_str() },
                });
                if let Some(id) = l.provider.and_then(provision_of) {
                    v["service_provision_id"] = json!({ "value": id });
                }
                v
            })
            .collect(),
    )
}
