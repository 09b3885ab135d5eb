//! Contract files (docs/contracts.md): TOML read into [`ContractTerms`], with every problem
//! reported at once, each with its line and key, so that an author can fix a file in one go.
//! Nothing is built unless the whole file is right.

use std::collections::HashSet;
use std::fmt;

use effekt_domain::contract::names;
use effekt_domain::contract::scale::{Band, Scale, Tier};
use effekt_domain::contract::terms::{
    Caps, ContractOutcome, ContractTerms, EvidenceSource, Party, PartyRole, PeriodLength,
};
use effekt_domain::orgnr::OrgNr;
use effekt_domain::outcomes::{Definition, OutcomeKind};

mod checker;
mod cohorts;
mod file;
mod investment;
mod locations;

use checker::{scale_path, Checker, Lines, Step};
use file::{CapsEntry, File, OutcomeEntry, PartyEntry, ScaleEntry};

/// One problem in a contract file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based; the line of the key (or of its table when the key is missing).
    pub line: usize,
    /// Where in the file, e.g. `outcome[2].scale.tier[1].threshold`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(f, "line {}: {}: {}", self.line, self.key, self.message)
        }
    }
}

/// Reads and checks a contract file; every problem is listed, in line order.
pub fn check(text: &str) -> Result<ContractTerms, Vec<Problem>> {
    let lines = Lines::new(text);
    let file: File = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let line = e.span().map_or(1, |s| lines.line_of(s.start));
            return Err(vec![Problem {
                line,
                key: String::new(),
                message: e.message().trim().to_owned(),
            }]);
        }
    };
    let mut c = Checker {
        lines,
        problems: Vec::new(),
    };
    let k = Step::Key;

    let starts = c.date(&[k("contract"), k("starts")], &file.contract.starts);
    let ends = c.date(&[k("contract"), k("ends")], &file.contract.ends);
    if let (Some(s), Some(e)) = (starts, ends) {
        if e <= s {
            c.problem(
                &[k("contract"), k("ends")],
                format!("the contract ends ({e}) before it starts ({s})"),
            );
        }
    }
    if file.contract.name.trim().is_empty() {
        c.problem(&[k("contract"), k("name")], "a contract needs a name");
    }
    let periods = match file.contract.periods.as_deref() {
        None => Some(PeriodLength::Quarterly),
        Some(p) => PeriodLength::from_code(p).or_else(|| {
            c.problem(
                &[k("contract"), k("periods")],
                format!("{p:?} is not monthly, quarterly, half_yearly or yearly"),
            );
            None
        }),
    };

    let parties = check_parties(&mut c, &file.party);
    let outcomes = check_outcomes(&mut c, &file.outcome, file.cohort_outcome.is_empty());
    let cohort_outcomes =
        cohorts::check_cohort_outcomes(&mut c, &file.cohort_outcome, &file.outcome);
    let caps = check_caps(&mut c, &file.caps, &outcomes);
    let investment = investment::check_investment(
        &mut c,
        file.investment.as_ref(),
        &file.drawdown,
        &parties,
        starts.zip(ends),
    );
    let locations = locations::check_locations(&mut c, &file.location, &parties);

    if !c.problems.is_empty() {
        c.problems.sort_by_key(|p| p.line);
        return Err(c.problems);
    }
    match (starts, ends, periods) {
        (Some(starts), Some(ends), Some(periods)) => Ok(ContractTerms {
            locations,
            name: file.contract.name.trim().to_owned(),
            starts,
            ends,
            periods,
            parties,
            outcomes: outcomes.into_iter().flatten().collect(),
            cohort_outcomes,
            investment,
            caps,
        }),
        _ => Err(vec![Problem {
            line: 1,
            key: "contract".into(),
            message: "the contract section is incomplete".into(),
        }]),
    }
}

fn check_parties(c: &mut Checker, entries: &[PartyEntry]) -> Vec<Party> {
    let k = Step::Key;
    let mut parties = Vec::new();
    for (i, p) in entries.iter().enumerate() {
        let at = |key| vec![k("party"), Step::Index(i), k(key)];
        let role = PartyRole::from_code(&p.role);
        if role.is_none() {
            c.problem(
                &at("role"),
                format!("{:?} is not nav, provider, investor or evaluator", p.role),
            );
        }
        let orgnr = match OrgNr::parse(&p.orgnr) {
            Ok(o) => Some(o),
            Err(e) => {
                c.problem(&at("orgnr"), format!("{:?}: {e}", p.orgnr));
                None
            }
        };
        let commitment = p
            .commitment
            .as_deref()
            .and_then(|t| c.amount(&at("commitment"), t));
        if p.commitment.is_some() && role != Some(PartyRole::Investor) {
            c.problem(&at("commitment"), "only investors commit capital");
        }
        if p.lead && role != Some(PartyRole::Provider) {
            c.problem(&at("lead"), "only a provider can lead the consortium");
        }
        if p.name.trim().is_empty() {
            c.problem(&at("name"), "a party needs a name");
        }
        if let (Some(role), Some(orgnr)) = (role, orgnr) {
            if parties
                .iter()
                .any(|q: &Party| q.orgnr == orgnr && q.role == role)
            {
                c.problem(
                    &at("orgnr"),
                    format!("{orgnr} is already a {} party", role.code()),
                );
            }
            parties.push(Party {
                role,
                name: p.name.trim().to_owned(),
                orgnr,
                lead: p.lead,
                sub_delivery: p.sub_delivery.clone(),
                commitment,
            });
        }
    }
    for role in [PartyRole::Nav, PartyRole::Provider, PartyRole::Investor] {
        if !entries.iter().any(|p| p.role == role.code()) {
            c.problem(
                &[k("party")],
                format!("the contract has no {} party", role.code()),
            );
        }
    }
    let providers: Vec<&Party> = parties
        .iter()
        .filter(|p| p.role == PartyRole::Provider)
        .collect();
    let leads = providers.iter().filter(|p| p.lead).count();
    if providers.len() > 1 && leads != 1 {
        c.problem(
            &[k("party")],
            format!(
                "a consortium of {} providers needs exactly one lead (lead = true), not {leads}",
                providers.len()
            ),
        );
    }
    if providers.len() == 1 {
        for p in parties.iter_mut().filter(|p| p.role == PartyRole::Provider) {
            p.lead = true;
        }
    }
    parties
}

fn check_scale(c: &mut Checker, base: &[Step], entry: &ScaleEntry) -> Option<Scale> {
    let k = Step::Key;
    let at = |extra: &[Step]| scale_path(base, extra);
    let scale = match entry {
        ScaleEntry::Fixed { amount } => Scale::Fixed {
            amount: c.amount(&at(&[k("amount")]), amount)?,
        },
        ScaleEntry::Linear { max, floor, target } => {
            let max = c.amount(&at(&[k("max")]), max);
            let floor = c.decimal(&at(&[k("floor")]), floor);
            let target = c.decimal(&at(&[k("target")]), target);
            Scale::Linear {
                max: max?,
                floor: floor?,
                target: target?,
            }
        }
        ScaleEntry::TiersCumulative { band, up_to } => {
            let mut bands = Vec::new();
            for (i, b) in band.iter().enumerate() {
                let from = c.decimal(&at(&[k("band"), Step::Index(i), k("from")]), &b.from);
                let rate = c.decimal(&at(&[k("band"), Step::Index(i), k("rate")]), &b.rate);
                bands.push(Band {
                    from: from?,
                    rate: rate?,
                });
            }
            let up_to = match up_to {
                Some(u) => Some(c.decimal(&at(&[k("up_to")]), u)?),
                None => None,
            };
            Scale::TiersCumulative { bands, up_to }
        }
        ScaleEntry::TiersHighest { tier } => {
            let mut tiers = Vec::new();
            for (i, t) in tier.iter().enumerate() {
                let threshold = c.decimal(
                    &at(&[k("tier"), Step::Index(i), k("threshold")]),
                    &t.threshold,
                );
                let amount = c.amount(&at(&[k("tier"), Step::Index(i), k("amount")]), &t.amount);
                tiers.push(Tier {
                    threshold: threshold?,
                    amount: amount?,
                });
            }
            Scale::TiersHighest { tiers }
        }
    };
    if let Err(e) = scale.validate() {
        use effekt_domain::contract::scale::ScaleError;
        let list = match entry {
            ScaleEntry::TiersCumulative { .. } => ("band", "from"),
            _ => ("tier", "threshold"),
        };
        let path = match &e {
            ScaleError::Unordered { index, .. } => {
                at(&[k(list.0), Step::Index(index.saturating_sub(1)), k(list.1)])
            }
            ScaleError::FloorNotBelowTarget { .. } => at(&[k("floor")]),
            ScaleError::EndBeforeStart { .. } => at(&[k("up_to")]),
            _ => base.to_vec(),
        };
        c.problem(&path, e.to_string());
        return None;
    }
    Some(scale)
}

fn check_outcomes(
    c: &mut Checker,
    entries: &[OutcomeEntry],
    no_cohort_outcomes: bool,
) -> Vec<Option<ContractOutcome>> {
    let k = Step::Key;
    if entries.is_empty() && no_cohort_outcomes {
        c.problem(
            &[],
            "the contract pays for no outcome ([[outcome]] or [[cohort_outcome]])",
        );
    }
    // Names as they look (NFC, invisible characters gone), in a set: a check of 100,000
    // outcomes stays linear.
    let mut names: HashSet<String> = HashSet::with_capacity(entries.len());
    let mut out = Vec::new();
    for (i, o) in entries.iter().enumerate() {
        let base = vec![k("outcome"), Step::Index(i)];
        let at = |key| scale_path(&base, &[k(key)]);
        let name = names::normalise(&o.name);
        if name.is_empty() {
            c.problem(
                &at("name"),
                "an outcome needs a name (with visible characters)",
            );
        } else if !names.insert(name.clone()) {
            c.problem(
                &at("name"),
                format!("the outcome name {:?} is used twice", o.name),
            );
        }
        let kind: Option<OutcomeKind> = match toml::Value::Table(o.kind.clone()).try_into() {
            Ok(kind) => {
                let kind: OutcomeKind = kind;
                let problems = kind.problems();
                for &(key, ref message) in &problems {
                    c.problem(&at(key), message.clone());
                }
                problems.is_empty().then_some(kind)
            }
            Err(e) => {
                let path = if o.kind.contains_key("kind") {
                    at("kind")
                } else {
                    base.clone()
                };
                c.problem(&path, e.message().trim().to_owned());
                None
            }
        };
        let evidence = match o.evidence.as_deref() {
            None => Some(EvidenceSource::Register),
            Some(e) => EvidenceSource::from_code(e).or_else(|| {
                c.problem(
                    &at("evidence"),
                    format!("{e:?} is not register, test_certificate or provider_record"),
                );
                None
            }),
        };
        let max_payments = match o.max_payments {
            None => Some(1),
            Some(n) => u32::try_from(n).ok().filter(|n| *n >= 1).or_else(|| {
                c.problem(
                    &at("max_payments"),
                    format!("{n}: an outcome is paid at least once"),
                );
                None
            }),
        };
        let cap = match o.cap.as_deref() {
            Some(t) => c.amount(&at("cap"), t).map(Some),
            None => Some(None),
        };
        let scale = check_scale(c, &at("scale"), &o.scale);
        out.push(match (kind, evidence, max_payments, cap, scale) {
            (Some(kind), Some(evidence), Some(max_payments), Some(cap), Some(scale)) => {
                Some(ContractOutcome {
                    definition: Definition { name, kind },
                    evidence,
                    max_payments,
                    cap,
                    scale,
                })
            }
            _ => None,
        });
    }
    out
}

fn check_caps(c: &mut Checker, entry: &CapsEntry, outcomes: &[Option<ContractOutcome>]) -> Caps {
    let k = Step::Key;
    let amount = |c: &mut Checker, key, text: &Option<String>| {
        let path = [k("caps"), k(key)];
        let value = text.as_deref().and_then(|t| c.amount(&path, t));
        if value.is_some_and(|v| v.ore() == 0) {
            c.problem(
                &path,
                "a cap of 0 would pay nothing; leave the cap out instead",
            );
        }
        value
    };
    let caps = Caps {
        per_participant: amount(c, "per_participant", &entry.per_participant),
        per_period: amount(c, "per_period", &entry.per_period),
        per_contract: amount(c, "per_contract", &entry.per_contract),
    };
    if let Some(total) = caps.per_contract {
        for (key, cap) in [
            ("per_participant", caps.per_participant),
            ("per_period", caps.per_period),
        ] {
            if cap.is_some_and(|cap| cap > total) {
                c.problem(
                    &[k("caps"), k(key)],
                    format!("contradicts caps.per_contract: {} is more than the whole contract may pay ({total})", cap.unwrap_or_default()),
                );
            }
        }
        for (i, o) in outcomes.iter().enumerate() {
            if let Some(cap) = o.as_ref().and_then(|o| o.cap).filter(|cap| *cap > total) {
                c.problem(
                    &[k("outcome"), Step::Index(i), k("cap")],
                    format!("contradicts caps.per_contract: {cap} is more than the whole contract may pay ({total})"),
                );
            }
        }
    }
    caps
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bounds;
