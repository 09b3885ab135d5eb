//! `[[cohort_outcome]]` tables: outcomes paid per cohort from figures the evaluator certifies.

use effekt_domain::contract::cohort::{ConditionalExtra, SavingsShare, Trigger};
use effekt_domain::contract::terms::{CohortMechanism, CohortOutcome};

use super::check_scale;
use super::checker::{scale_path, Checker, Step};
use super::file::{CohortEntry, OutcomeEntry};

pub(super) fn check_cohort_outcomes(
    c: &mut Checker,
    entries: &[CohortEntry],
    outcomes: &[OutcomeEntry],
) -> Vec<CohortOutcome> {
    let k = Step::Key;
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let base = vec![k("cohort_outcome"), Step::Index(i)];
        let at = |key| scale_path(&base, &[k(key)]);
        let taken = outcomes.iter().any(|o| o.name.trim() == e.name.trim())
            || entries[..i].iter().any(|o| o.name.trim() == e.name.trim());
        if e.name.trim().is_empty() {
            c.problem(&at("name"), "an outcome needs a name");
        } else if taken {
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
                unused(c, "cap", e.cap.is_some());
                unused(c, "extra", e.extra.is_some());
                match &e.trigger {
                    Some(t) => {
                        let tp = |key| scale_path(&base, &[k("trigger"), k(key)]);
                        let threshold = c.decimal(&tp("threshold"), &t.threshold);
                        let per = c.amount(&tp("per_participant"), &t.per_participant);
                        let pooled = c.decimal(&tp("pooled_threshold"), &t.pooled_threshold);
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
            "savings_share" => {
                unused(c, "trigger", e.trigger.is_some());
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
                        let known = entries.iter().any(|o| o.name.trim() == x.when.trim());
                        if !known {
                            c.problem(
                                &xp("when"),
                                format!("{:?} is no cohort outcome of this contract", x.when),
                            );
                        }
                        let at_least = c.decimal(&xp("at_least"), &x.at_least);
                        let amount = c.amount(&xp("amount"), &x.amount);
                        match (known, at_least, amount) {
                            (true, Some(at_least), Some(amount)) => Some((
                                Some(ConditionalExtra { at_least, amount }),
                                Some(x.when.trim().to_owned()),
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
                    format!("{other:?} is not graduated, trigger or savings_share"),
                );
                None
            }
        };
        if let Some(mechanism) = mechanism {
            out.push(CohortOutcome {
                name: e.name.trim().to_owned(),
                figure: e.figure.trim().to_owned(),
                mechanism,
            });
        }
    }
    out
}
