//! The demo contract's terms, written as a contract file and read by the same checker as
//! `effekt contract check`, so the demo can only hold terms a user could have imported. The
//! organisation numbers come from the generated dataset; the outcomes are the demo's outcome
//! definitions (docs/contracts.md: staged milestones with a minimum job size, a graduated price for
//! how much of a full-time job is held, benefits, education and language).

use std::fmt::Write;

use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::dataset::Dataset;

use super::catalogue::CONTRACT;
use super::DemoError;

/// Nav's own organisation number (Arbeids- og velferdsetaten).
const NAV_ORGNR: &str = "889640782";
/// A fictional evaluator (valid mod-11).
const EVALUATOR_ORGNR: &str = "910000039";

fn text(dataset: &Dataset) -> Result<String, DemoError> {
    let contract = dataset
        .contracts
        .iter()
        .find(|c| c.id == CONTRACT)
        .ok_or(DemoError::Inconsistent("the demo contract is missing"))?;
    let mut t = String::new();
    let w = |t: &mut String, s: String| {
        t.push_str(&s);
        t.push('\n');
    };
    w(&mut t, "[contract]".into());
    w(&mut t, format!("name = {:?}", contract.name));
    w(&mut t, format!("starts = {}", contract.starts));
    w(&mut t, format!("ends = {}", contract.ends));
    w(&mut t, "periods = \"quarterly\"\n".into());
    w(
        &mut t,
        format!("[[party]]\nrole = \"nav\"\nname = \"Nav Oslo\"\norgnr = \"{NAV_ORGNR}\"\n"),
    );
    for member in dataset.consortium.iter().filter(|m| m.contract == CONTRACT) {
        let provider = dataset
            .providers
            .iter()
            .find(|p| p.id == member.provider)
            .ok_or(DemoError::Inconsistent("a consortium member is missing"))?;
        w(
            &mut t,
            format!(
                "[[party]]\nrole = \"provider\"\nname = {:?}\norgnr = \"{}\"\nlead = {}\nsub_delivery = {:?}\n",
                provider.name, provider.orgnr, member.is_lead, member.sub_delivery
            ),
        );
    }
    for commitment in dataset
        .commitments
        .iter()
        .filter(|c| c.contract == CONTRACT)
    {
        let investor = dataset
            .investors
            .iter()
            .find(|i| i.id == commitment.investor)
            .ok_or(DemoError::Inconsistent("an investor is missing"))?;
        w(
            &mut t,
            format!(
                "[[party]]\nrole = \"investor\"\nname = {:?}\norgnr = \"{}\"\ncommitment = \"{}\"\n",
                investor.name,
                investor.orgnr,
                commitment.amount.to_decimal()
            ),
        );
    }
    w(
        &mut t,
        format!("[[party]]\nrole = \"evaluator\"\nname = \"Uavhengig evaluator AS\"\norgnr = \"{EVALUATOR_ORGNR}\"\n"),
    );
    // Both Nav offices of the demo (Grünerløkka and Søndre Nordstrand) are in Oslo.
    w(
        &mut t,
        "[[location]]\nmunicipality = \"0301\"\nname = \"Oslo\"\n".into(),
    );
    let _ = write!(t, "{OUTCOMES}");
    w(
        &mut t,
        "\n[investment]\nreturn_cap = \"0.30\"\nexcess = \"to_nav\"\n".into(),
    );
    for (i, commitment) in dataset
        .commitments
        .iter()
        .filter(|c| c.contract == CONTRACT)
        .enumerate()
    {
        let orgnr = dataset
            .investors
            .iter()
            .find(|x| x.id == commitment.investor)
            .map(|x| x.orgnr)
            .ok_or(DemoError::Inconsistent("an investor is missing"))?;
        for (date, kroner) in DRAWDOWNS.get(i).copied().unwrap_or_default() {
            w(
                &mut t,
                format!(
                    "[[drawdown]]\ninvestor = \"{orgnr}\"\ndate = {date}\namount = \"{kroner}\"\n"
                ),
            );
        }
    }
    Ok(t)
}

/// Capital drawn per investor (in the order of their commitments): (date, kroner).
const DRAWDOWNS: [&[(&str, u32)]; 2] = [
    &[
        ("2025-01-15", 2_000_000),
        ("2025-07-01", 1_500_000),
        ("2026-01-15", 1_500_000),
    ],
    &[
        ("2025-01-15", 1_000_000),
        ("2025-10-01", 1_000_000),
        ("2026-04-01", 1_000_000),
    ],
];

const OUTCOMES: &str = r#"
[[outcome]]
name = "Jobbstart (minst 50 %)"
kind = "job_start"
min_fte = "50"
months = 24
filter = { exclude_subsidised = true }
scale = { type = "fixed", amount = "30000" }

# Paid by how much of a full-time job is held on average over the six months.
[[outcome]]
name = "Varig arbeid i seks måneder"
kind = "sustained_employment"
min_fte = "50"
weeks = 26
months = 24
max_gap_days = 14
filter = { exclude_subsidised = true }
[outcome.scale]
type = "tiers_highest"
[[outcome.scale.tier]]
threshold = "50"
amount = "40000"
[[outcome.scale.tier]]
threshold = "80"
amount = "60000"

[[outcome]]
name = "Seks måneder uten ytelser"
kind = "months_without_benefits"
count = 6
months = 24
scale = { type = "fixed", amount = "40000" }

[[outcome]]
name = "Utdanning påbegynt"
kind = "education_start"
months = 24
scale = { type = "fixed", amount = "20000" }

[[outcome]]
name = "Norsk muntlig B1"
kind = "language_level_reached"
skill = "speaking"
level = "B1"
months = 24
evidence = "test_certificate"
scale = { type = "fixed", amount = "15000" }

# The plan's first milestone (effekt_domain::milestones), recorded on the participant page
# and verified there by a colleague.
[[outcome]]
name = "Kartlegging fullført"
kind = "milestone_verified"
milestone = "kartlegging"
months = 12
evidence = "provider_record"
scale = { type = "fixed", amount = "10000" }

[caps]
per_participant = "150000"
per_contract = "20000000"
"#;

/// The demo contract's terms, checked, with the contract file text they were read from.
pub fn contract_terms(dataset: &Dataset) -> Result<(ContractTerms, String), DemoError> {
    let text = text(dataset)?;
    let terms = crate::contract::check(&text).map_err(|problems| {
        DemoError::Terms(
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok((terms, text))
}

/// The demo's amendment: from 1 July 2026 a job start pays 35,000 instead of 30,000 (version 2,
/// agreed by Nav, the lead provider and both investors in June 2026).
pub fn amendment(first: &str) -> Result<(ContractTerms, String), DemoError> {
    changed(first, "30000", "35000")
}

/// The demo's pending proposal (version 3): from 1 January 2027 the oral Norwegian B1 test pays
/// 17,500 instead of 15,000, proposed by Nav and waiting for the lead provider and the
/// investors, so that their homes have a decision to make.
pub fn proposal(second: &str) -> Result<(ContractTerms, String), DemoError> {
    changed(second, "15000", "17500")
}

/// `text` with the first fixed price of `from` kroner set to `to`, checked.
fn changed(text: &str, from: &str, to: &str) -> Result<(ContractTerms, String), DemoError> {
    let text = text.replacen(
        &format!("scale = {{ type = \"fixed\", amount = \"{from}\" }}"),
        &format!("scale = {{ type = \"fixed\", amount = \"{to}\" }}"),
        1,
    );
    let terms = crate::contract::check(&text).map_err(|p| {
        DemoError::Terms(
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok((terms, text))
}
