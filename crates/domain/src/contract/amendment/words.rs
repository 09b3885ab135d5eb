//! The difference between two versions of a contract's terms in plain Norwegian, one sentence
//! per change, so that every party can see what it is asked to agree to.

use rust_decimal::Decimal;

use crate::contract::scale::Scale;
use crate::contract::terms::{ContractOutcome, ContractTerms, Party, PartyRole};
use crate::money::Nok;
use crate::outcomes::timeline::{BenefitType, Skill};
use crate::outcomes::{EmploymentFilter, OutcomeKind};

fn date(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A decimal exactly, in Norwegian writing (`37,25`).
pub fn number(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

fn money(n: Option<Nok>) -> String {
    n.map_or_else(|| "ingen grense".to_owned(), |n| n.to_string())
}

fn role_nb(role: PartyRole) -> &'static str {
    match role {
        PartyRole::Nav => "Nav",
        PartyRole::Provider => "leverandør",
        PartyRole::Investor => "investor",
        PartyRole::Evaluator => "evaluator",
    }
}

fn skill_nb(skill: Skill) -> &'static str {
    match skill {
        Skill::Listening => "lytting",
        Skill::Reading => "lesing",
        Skill::Writing => "skriving",
        Skill::Speaking => "muntlig",
    }
}

fn filter_nb(f: &EmploymentFilter) -> String {
    let mut parts = Vec::new();
    if f.exclude_subsidised {
        parts.push("uten lønnstilskudd".to_owned());
    }
    if !f.exclude_employers.is_empty() {
        let list: Vec<String> = f
            .exclude_employers
            .iter()
            .map(ToString::to_string)
            .collect();
        parts.push(format!("ikke hos {}", list.join(", ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn benefits_nb(types: &[BenefitType]) -> String {
    if types.is_empty() {
        "ytelser".to_owned()
    } else {
        types
            .iter()
            .map(|t| t.code())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a participant must achieve, in words.
pub fn kind_nb(kind: &OutcomeKind) -> String {
    match kind {
        OutcomeKind::SustainedEmployment {
            min_fte,
            weeks,
            months,
            max_gap_days,
            filter,
        } => format!(
            "arbeid i minst {} % stilling i {weeks} uker (opphold på inntil {max_gap_days} dager teller med){} innen {months} måneder",
            number(*min_fte),
            filter_nb(filter)
        ),
        OutcomeKind::JobStart {
            min_fte,
            months,
            filter,
        } => format!(
            "jobbstart i minst {} % stilling{} innen {months} måneder",
            number(*min_fte),
            filter_nb(filter)
        ),
        OutcomeKind::MonthsWithoutBenefits {
            count,
            months,
            benefit_types,
        } => format!(
            "{count} måneder på rad uten {} innen {months} måneder",
            benefits_nb(benefit_types)
        ),
        OutcomeKind::BenefitFreeMonth {
            months,
            benefit_types,
        } => format!(
            "hver måned uten {} innen {months} måneder",
            benefits_nb(benefit_types)
        ),
        OutcomeKind::EducationStart { months } => {
            format!("påbegynt utdanning innen {months} måneder")
        }
        OutcomeKind::LanguageLevelReached {
            skill,
            level,
            months,
        } => format!(
            "norsk {} på nivå {} eller høyere innen {months} måneder",
            skill_nb(*skill),
            level.code()
        ),
        OutcomeKind::LanguageLevelAssessed {
            skill,
            level,
            months,
        } => format!(
            "norsk {} vurdert av leverandøren til nivå {} eller høyere innen {months} måneder",
            skill_nb(*skill),
            level.code()
        ),
        OutcomeKind::MilestoneVerified { milestone, months } => {
            format!("verifisert milepæl «{milestone}» innen {months} måneder")
        }
        OutcomeKind::SoftScoreGain {
            instrument,
            min_gain,
            months,
        } => format!(
            "minst {} poeng framgang på {instrument} innen {months} måneder",
            number(*min_gain)
        ),
    }
}

/// A payment scale, in words.
pub fn scale_nb(scale: &Scale) -> String {
    match scale {
        Scale::Fixed { amount } => format!("fast {amount}"),
        Scale::Linear { max, floor, target } => format!(
            "lineært fra 0 ved {} til {max} ved {}",
            number(*floor),
            number(*target)
        ),
        Scale::TiersCumulative { bands, up_to } => {
            let parts: Vec<String> = bands
                .iter()
                .map(|b| format!("{} per enhet fra {}", number(b.rate), number(b.from)))
                .collect();
            let end = up_to.map_or_else(String::new, |u| format!(", til {}", number(u)));
            format!("trinnvis: {}{end}", parts.join("; "))
        }
        Scale::TiersHighest { tiers } => {
            let parts: Vec<String> = tiers
                .iter()
                .map(|t| format!("{} fra {}", t.amount, number(t.threshold)))
                .collect();
            format!("høyeste trinn nådd: {}", parts.join("; "))
        }
    }
}

fn outcome_changes(
    name: &str,
    old: &ContractOutcome,
    new: &ContractOutcome,
    out: &mut Vec<String>,
) {
    if old.definition.kind != new.definition.kind {
        out.push(format!(
            "Resultatmålet «{name}» får nytt krav: {} (var: {}).",
            kind_nb(&new.definition.kind),
            kind_nb(&old.definition.kind)
        ));
    }
    if old.scale != new.scale {
        out.push(format!(
            "Resultatmålet «{name}» får ny pris: {} (var: {}).",
            scale_nb(&new.scale),
            scale_nb(&old.scale)
        ));
    }
    if old.max_payments != new.max_payments {
        out.push(format!(
            "Resultatmålet «{name}» kan betales {} ganger per deltaker (var: {}).",
            new.max_payments, old.max_payments
        ));
    }
    if old.cap != new.cap {
        out.push(format!(
            "Taket for resultatmålet «{name}» blir {} (var: {}).",
            money(new.cap),
            money(old.cap)
        ));
    }
    if old.evidence != new.evidence {
        out.push(format!(
            "Resultatmålet «{name}» dokumenteres med {} (var: {}).",
            new.evidence.code(),
            old.evidence.code()
        ));
    }
}

fn party_nb(p: &Party) -> String {
    format!("{} {} ({})", role_nb(p.role), p.name, p.orgnr)
}

fn party_changes(old: &ContractTerms, new: &ContractTerms, out: &mut Vec<String>) {
    for p in &new.parties {
        match old
            .parties
            .iter()
            .find(|o| o.role == p.role && o.orgnr == p.orgnr)
        {
            None => out.push(format!("Ny part: {}.", party_nb(p))),
            Some(o) => {
                if o.name != p.name {
                    out.push(format!("{} heter nå {}.", o.name, p.name));
                }
                if o.commitment != p.commitment {
                    out.push(format!(
                        "Tilsagnet fra {} blir {} (var: {}).",
                        p.name,
                        money(p.commitment),
                        money(o.commitment)
                    ));
                }
                if o.lead != p.lead {
                    out.push(if p.lead {
                        format!("{} blir hovedleverandør.", p.name)
                    } else {
                        format!("{} er ikke lenger hovedleverandør.", p.name)
                    });
                }
                if o.sub_delivery != p.sub_delivery {
                    out.push(format!(
                        "{} leverer nå: {}.",
                        p.name,
                        p.sub_delivery
                            .as_deref()
                            .unwrap_or("ingen egen delleveranse")
                    ));
                }
            }
        }
    }
    for o in &old.parties {
        if !new
            .parties
            .iter()
            .any(|p| p.role == o.role && p.orgnr == o.orgnr)
        {
            out.push(format!("{} går ut av kontrakten.", party_nb(o)));
        }
    }
}

fn location_nb(l: &crate::contract::terms::DeliveryLocation, parties: &[Party]) -> String {
    let by = l
        .provider
        .and_then(|o| parties.iter().find(|p| p.orgnr == o))
        .map(|p| format!(", levert av {}", p.name))
        .unwrap_or_default();
    format!("{} (kommunenummer {}){by}", l.name, l.municipality)
}

fn location_changes(old: &ContractTerms, new: &ContractTerms, out: &mut Vec<String>) {
    for l in new.locations.iter().filter(|l| !old.locations.contains(l)) {
        out.push(format!(
            "Nytt leveringssted: {}.",
            location_nb(l, &new.parties)
        ));
    }
    for l in old.locations.iter().filter(|l| !new.locations.contains(l)) {
        out.push(format!(
            "Leveres ikke lenger i {}.",
            location_nb(l, &old.parties)
        ));
    }
}

fn waterfall_nb(w: &crate::contract::returns::Waterfall) -> String {
    let excess = match w.excess {
        crate::contract::returns::Excess::ToNav => "overskudd tilbake til Nav",
        crate::contract::returns::Excess::Reinvested => "overskudd reinvesteres",
    };
    format!(
        "avkastning opp til {} % av kapitalen, {excess}",
        number(w.return_cap * Decimal::ONE_HUNDRED)
    )
}

fn drawdowns_nb(i: &crate::contract::investors::Investment) -> String {
    match Nok::sum(i.drawdowns.iter().map(|d| d.amount)) {
        Ok(total) => format!("{} trekk, til sammen {total}", i.drawdowns.len()),
        Err(too_big) => format!("{} trekk: {too_big}", i.drawdowns.len()),
    }
}

fn investment_changes(old: &ContractTerms, new: &ContractTerms, out: &mut Vec<String>) {
    match (&old.investment, &new.investment) {
        (None, Some(n)) => out.push(format!(
            "Investeringsvilkår legges til: {}; {}.",
            waterfall_nb(&n.waterfall),
            drawdowns_nb(n)
        )),
        (Some(_), None) => out.push("Investeringsvilkårene fjernes.".to_owned()),
        (Some(o), Some(n)) => {
            if o.waterfall != n.waterfall {
                out.push(format!(
                    "Fordelingen blir: {} (var: {}).",
                    waterfall_nb(&n.waterfall),
                    waterfall_nb(&o.waterfall)
                ));
            }
            if o.drawdowns != n.drawdowns {
                out.push(format!(
                    "Trekkplanen blir {} (var: {}).",
                    drawdowns_nb(n),
                    drawdowns_nb(o)
                ));
            }
        }
        (None, None) => {}
    }
}

/// Every change from `old` to `new`, one sentence each; empty when the terms are the same.
pub fn differences(old: &ContractTerms, new: &ContractTerms) -> Vec<String> {
    let mut out = Vec::new();
    if old.name != new.name {
        out.push(format!(
            "Kontrakten får navnet «{}» (var: «{}»).",
            new.name, old.name
        ));
    }
    if old.ends != new.ends {
        out.push(format!(
            "Sluttdatoen blir {} (var: {}).",
            date(new.ends),
            date(old.ends)
        ));
    }
    party_changes(old, new, &mut out);
    for o in &new.outcomes {
        let name = o.definition.name.as_str();
        match old.outcomes.iter().find(|x| x.definition.name == name) {
            Some(before) => outcome_changes(name, before, o, &mut out),
            None => out.push(format!(
                "Nytt resultatmål «{name}»: {}, {}.",
                kind_nb(&o.definition.kind),
                scale_nb(&o.scale)
            )),
        }
    }
    for o in &old.outcomes {
        if !new
            .outcomes
            .iter()
            .any(|x| x.definition.name == o.definition.name)
        {
            out.push(format!("Resultatmålet «{}» fjernes.", o.definition.name));
        }
    }
    let order = |t: &ContractTerms| -> Vec<String> {
        t.outcomes
            .iter()
            .map(|o| o.definition.name.clone())
            .filter(|n| {
                old.outcomes.iter().any(|x| x.definition.name == *n)
                    && new.outcomes.iter().any(|x| x.definition.name == *n)
            })
            .collect()
    };
    if order(old) != order(new) {
        out.push(format!(
            "Rekkefølgen på resultatmålene (den takene brukes i) blir: {}.",
            order(new).join(", ")
        ));
    }
    let caps = [
        (
            "per deltaker",
            old.caps.per_participant,
            new.caps.per_participant,
        ),
        ("per periode", old.caps.per_period, new.caps.per_period),
        (
            "for hele kontrakten",
            old.caps.per_contract,
            new.caps.per_contract,
        ),
    ];
    for (what, before, after) in caps {
        if before != after {
            out.push(format!(
                "Taket {what} blir {} (var: {}).",
                money(after),
                money(before)
            ));
        }
    }
    investment_changes(old, new, &mut out);
    location_changes(old, new, &mut out);
    if old.cohort_outcomes != new.cohort_outcomes {
        out.push("Resultatmålene for hele kohorter endres.".to_owned());
    }
    out
}
