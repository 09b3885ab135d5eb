//! `[[cohort_outcome]]` tables: outcomes paid per cohort from figures the evaluator certifies.

use std::collections::HashSet;

use effekt_domain::contract::cohort::{ConditionalExtra, PerUnit, SavingsShare, Trigger};
use effekt_domain::contract::figure_unit::FigureUnit;
use effekt_domain::contract::names;
use effekt_domain::contract::terms::{CohortMechanism, CohortOutcome};
use rust_decimal::Decimal;

use super::check_scale;
use super::checker::{scale_path, Checker, Step};
use super::file::{CohortEntry, OutcomeEntry, PerUnitEntry};

pub(super) fn check_cohort_outcomes(
    c: &mut Checker,
    entries: &[CohortEntry],
    outcomes: &[OutcomeEntry],
) -> Vec<CohortOutcome> {
    let k = Step::Key;
    let mut out = Vec::new();
    // Every name as it looks, participant outcomes' first; sets keep a big file linear.
    let mut taken: HashSet<String> = outcomes.iter().map(|o| names::normalise(&o.name)).collect();
    let cohort_names: HashSet<String> = entries.iter().map(|e| names::normalise(&e.name)).collect();
    for (i, e) in entries.iter().enumerate() {
        let base = vec![k("cohort_outcome"), Step::Index(i)];
        let at = |key| scale_path(&base, &[k(key)]);
        let name = names::normalise(&e.name);
        if name.is_empty() {
            c.problem(
                &at("name"),
                "an outcome needs a name (with visible characters)",
            );
        } else if !taken.insert(name.clone()) {
            c.problem(
                &at("name"),
                format!("the outcome name {:?} is used twice", e.name),
            );
        }
        if e.figure.trim().is_empty() {
            c.problem(&at("figure"), "name the figure the evaluator certifies");
        }
        let unused = |c: &mut Checker, key: &'static str, present: bool| {
            if present {
                c.problem(
                    &at(key),
                    format!("the {} mechanism takes no {key}", e.mechanism),
                );
            }
        };
        let mechanism = match e.mechanism.as_str() {
            "graduated" => {
                unused(c, "trigger", e.trigger.is_some());
                unused(c, "per_unit", e.per_unit.is_some());
                unused(c, "cap", e.cap.is_some());
                unused(c, "extra", e.extra.is_some());
                match &e.scale {
                    Some(s) => check_scale(c, &at("scale"), s)
                        .map(|scale| CohortMechanism::Graduated { scale }),
                    None => {
                        c.problem(&at("scale"), "a graduated cohort outcome needs a scale");
                        None
                    }
                }
            }
            "trigger" => {
                unused(c, "scale", e.scale.is_some());
                unused(c, "per_unit", e.per_unit.is_some());
                unused(c, "cap", e.cap.is_some());
                unused(c, "extra", e.extra.is_some());
                match &e.trigger {
                    Some(t) => {
                        let tp = |key| scale_path(&base, &[k("trigger"), k(key)]);
                        // A reduction below 0 is a cohort doing worse than its comparison:
                        // never a result to pay for.
                        let threshold = c.non_negative(&tp("threshold"), &t.threshold);
                        let per = c.amount(&tp("per_participant"), &t.per_participant);
                        let pooled = c.non_negative(&tp("pooled_threshold"), &t.pooled_threshold);
                        match (threshold, per, pooled) {
                            (Some(threshold), Some(per_participant), Some(pooled_threshold)) => {
                                Some(CohortMechanism::Trigger {
                                    trigger: Trigger {
                                        threshold,
                                        per_participant,
                                        pooled_threshold,
                                    },
                                })
                            }
                            _ => None,
                        }
                    }
                    None => {
                        c.problem(
                            &at("trigger"),
                            "a trigger needs threshold, per_participant and pooled_threshold",
                        );
                        None
                    }
                }
            }
            "per_unit" => {
                unused(c, "scale", e.scale.is_some());
                unused(c, "trigger", e.trigger.is_some());
                unused(c, "cap", e.cap.is_some());
                unused(c, "extra", e.extra.is_some());
                match &e.per_unit {
                    Some(u) => check_per_unit(c, &base, u),
                    None => {
                        c.problem(
                            &at("per_unit"),
                            "per_unit needs price, threshold and pooled_threshold",
                        );
                        None
                    }
                }
            }
            "savings_share" => {
                unused(c, "trigger", e.trigger.is_some());
                unused(c, "per_unit", e.per_unit.is_some());
                let scale = match &e.scale {
                    Some(s) => check_scale(c, &at("scale"), s),
                    None => {
                        c.problem(
                            &at("scale"),
                            "a savings share needs a scale (the share, or bands)",
                        );
                        None
                    }
                };
                let cap = match e.cap.as_deref() {
                    Some(t) => c.amount(&at("cap"), t).map(Some),
                    None => Some(None),
                };
                let extra = match &e.extra {
                    None => Some((None, None)),
                    Some(x) => {
                        let xp = |key| scale_path(&base, &[k("extra"), k(key)]);
                        let known = cohort_names.contains(&names::normalise(&x.when));
                        if e.cap.is_none() {
                            c.problem(
                                &xp("amount"),
                                "the extra is paid out of what the scale prices above the cap: \
                                 give the cohort outcome a cap",
                            );
                        }
                        if !known {
                            c.problem(
                                &xp("when"),
                                format!("{:?} is no cohort outcome of this contract", x.when),
                            );
                        }
                        let at_least = c.non_negative(&xp("at_least"), &x.at_least);
                        let amount = c.amount(&xp("amount"), &x.amount);
                        match (known, at_least, amount) {
                            (true, Some(at_least), Some(amount)) => Some((
                                Some(ConditionalExtra { at_least, amount }),
                                Some(names::normalise(&x.when)),
                            )),
                            _ => None,
                        }
                    }
                };
                match (scale, cap, extra) {
                    (Some(scale), Some(cap), Some((extra, extra_when))) => {
                        Some(CohortMechanism::SavingsShare {
                            share: SavingsShare { scale, cap, extra },
                            extra_when,
                        })
                    }
                    _ => None,
                }
            }
            other => {
                c.problem(
                    &at("mechanism"),
                    format!("{other:?} is not graduated, trigger, per_unit or savings_share"),
                );
                None
            }
        };
        let unit = match e.unit.as_deref().map(|u| (u, FigureUnit::from_code(u))) {
            None => Some(None),
            Some((_, Some(unit))) => Some(Some(unit)),
            Some((other, None)) => {
                c.problem(
                    &at("unit"),
                    format!("{other:?} is not percent, rate or kroner"),
                );
                None
            }
        };
        if let (Some(mechanism), Some(unit)) = (mechanism, unit) {
            if let Some(u) = unit.filter(|u| !mechanism.reads(*u)) {
                c.problem(
                    &at("unit"),
                    format!(
                        "the {} mechanism does not read figures in {} (it reads {})",
                        e.mechanism,
                        u.code(),
                        mechanism.default_unit().code()
                    ),
                );
                continue;
            }
            out.push(CohortOutcome {
                name,
                figure: e.figure.trim().to_owned(),
                mechanism,
                unit,
            });
        }
    }
    out
}

/// `per_unit = { price, per, threshold, pooled_threshold, better }`.
fn check_per_unit(c: &mut Checker, base: &[Step], u: &PerUnitEntry) -> Option<CohortMechanism> {
    let at = |key| scale_path(base, &[Step::Key("per_unit"), Step::Key(key)]);
    let price = c.amount(&at("price"), &u.price);
    let per = match u.per.as_deref() {
        None => Some(Decimal::ONE_HUNDRED),
        Some(t) => c.non_negative(&at("per"), t).and_then(|p| {
            if p.is_zero() {
                c.problem(&at("per"), "rates are per 1 or more persons, not per 0");
                None
            } else {
                Some(p)
            }
        }),
    };
    let threshold = c.non_negative(&at("threshold"), &u.threshold);
    let pooled_threshold = c.non_negative(&at("pooled_threshold"), &u.pooled_threshold);
    let lower_is_better = match u.better.as_deref() {
        None | Some("lower") => Some(true),
        Some("higher") => Some(false),
        Some(other) => {
            c.problem(&at("better"), format!("{other:?} is not lower or higher"));
            None
        }
    };
    Some(CohortMechanism::PerUnit {
        per_unit: PerUnit {
            price: price?,
            per: per?,
            threshold: threshold?,
            pooled_threshold: pooled_threshold?,
            lower_is_better: lower_is_better?,
        },
    })
}
