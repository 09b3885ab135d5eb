//! One evaluation run (issue 15, items 2–5): a register snapshot, the participants in it and a
//! plan in; out come the counts analysed, matched and excluded with reasons, the propensity
//! model, balance before and after, the ATT on every outcome with analytic and bootstrap
//! intervals, the event study, time to employment, subgroup estimates where every cell holds
//! enough, and the figures the contract's cohort outcomes are paid from, per cohort.
//!
//! The steps, in order (docs/evaluation.md, "A run"):
//! 1. participants whose headline window is still open at the cut-off, or who lack a covariate,
//!    are excluded with that reason; the pool is every other register person who is nobody's
//!    participant, whose window is closed and whose covariates are complete;
//! 2. the propensity model on the plan's covariates over participants and pool;
//! 3. matching on the log-odds within the plan's exact-match cells (cells in order of their
//!    values), the caliper in standard deviations of the log-odds over everyone in the model;
//! 4. every estimate over the matched sets.
//!
//! Deterministic: the same register, participants and plan give the same numbers, bit for bit
//! (sums in fixed order; the bootstrap seeded by the plan).

mod person;
mod result;

pub use result::{
    BalanceRow, CohortFigure, EventStudy, ExclusionCount, ModelSummary, MonthRow, OutcomeEffect,
    RunResult, SubgroupRow, Survival,
};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use effekt_domain::register::{Register, RegisterPerson};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::covariates::{complete, design_of};
use super::matching::{nearest, Match, Rule, Scored};
use super::moments::mean_var;
use super::plan::{Counted, Measure, Plan, Subgroup, MIN_CELL};
use super::{balance, effects, event_study, logit, survival};
use person::{employment_rule, follow_up, monthly_employment, outcome_value, window_closed};

/// Fewer analysable participants than this: no run.
pub const MIN_PARTICIPANTS: usize = 10;
/// Fewer eligible pool persons than this: no run.
pub const MIN_POOL: usize = 50;

/// A participant as the run sees them: their person in the register and what the store knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Index into `register.persons`.
    pub person: usize,
    /// The first day with status DELTAR.
    pub index_date: NaiveDate,
    pub provider: String,
    /// The provider's participant group, if any.
    pub group: Option<String>,
}

/// Why a participant is not in the estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// No person in the register snapshot with any of the participant's national ids.
    NotInRegister,
    /// Never started (no index date).
    NotStarted,
    /// The headline outcome's window is open at the snapshot's cut-off.
    FollowUpOpen,
    /// A covariate has no value (an unknown education level).
    MissingCovariate,
    /// No pool person shares the exact-match attributes.
    NoExactMatch,
    /// No pool person within the caliper.
    OutsideCaliper,
}

impl Exclusion {
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::NotInRegister => "Ikke i registeruttrekket",
            Self::NotStarted => "Har ikke startet (ingen indeksdato)",
            Self::FollowUpOpen => "Oppfølgingstiden er ikke over ved uttrekkets dato",
            Self::MissingCovariate => "Mangler en kovariat (ukjent utdanningsnivå)",
            Self::NoExactMatch => "Ingen i sammenligningsgruppen med de samme kjennetegnene",
            Self::OutsideCaliper => "Ingen sammenligningsperson nær nok (utenfor caliper)",
        }
    }
}

/// Why no run could be made; each says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    #[error("only {0} participant(s) can be analysed; an estimate needs at least {MIN_PARTICIPANTS} (wait for more follow-up or a newer snapshot)")]
    TooFewParticipants(usize),
    #[error(
        "only {0} person(s) in the register pool can be compared; a run needs at least {MIN_POOL}"
    )]
    TooFewPool(usize),
    #[error("the propensity model: {0}")]
    Model(#[from] logit::LogitError),
    #[error("the covariates: {0}")]
    Covariates(#[from] super::covariates::CovariateError),
    #[error("matching: {0}")]
    Matching(#[from] super::matching::MatchError),
    #[error("no participant found a comparison person within the caliper; widen the caliper, drop an exact-match attribute or review the covariates")]
    NoMatches,
    #[error("{outcome}: {error}")]
    Effect {
        outcome: String,
        error: effects::EffectError,
    },
    #[error("the event study: {0}")]
    EventStudy(#[from] event_study::EventStudyError),
}

/// One matched person's row of the microdata: propensity log-odds, covariates in the plan's
/// order, and each outcome in the plan's order (`None` while not judged).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub score: f64,
    pub covariates: Vec<f64>,
    pub outcomes: Vec<Option<f64>>,
}

/// A run's result and its matched sets, by register person index, with each matched person's
/// row (person-level: the caller keeps these only under pseudonyms, for the evaluator).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub result: RunResult,
    pub matches: Vec<Match>,
    pub persons: BTreeMap<i64, PersonRow>,
}

/// What the run needs to know about everyone: the register, the participants found in it, the
/// register persons who are anyone's participant (never in the pool), and the participants
/// already excluded before the run (not in the register, not started).
pub struct Input<'a> {
    pub register: &'a Register,
    pub participants: &'a [Participant],
    pub is_participant: &'a [bool],
    pub excluded_before: &'a [(Exclusion, usize)],
}

/// The participants of a register-files run (`effekt evaluate files`): the persons listed by
/// national id (e.g. `treated.csv` of `register generate`), each with the index date of the
/// population file and `provider`. Returns the participants, who is a participant, and how many
/// ids the register does not hold.
pub fn participants_by_id<'a>(
    register: &Register,
    ids: impl IntoIterator<Item = &'a str>,
    provider: &str,
) -> (Vec<Participant>, Vec<bool>, usize) {
    let mut is_participant = vec![false; register.persons.len()];
    let mut out = Vec::new();
    let mut missing = 0;
    for id in ids {
        let found = effekt_domain::national_id::NationalId::parse(id.trim())
            .ok()
            .and_then(|id| register.persons.binary_search_by(|p| p.id.cmp(&id)).ok());
        match found {
            Some(i) if !is_participant[i] => {
                is_participant[i] = true;
                out.push(Participant {
                    person: i,
                    index_date: register.persons[i].index_date,
                    provider: provider.to_owned(),
                    group: None,
                });
            }
            Some(_) => {}
            None => missing += 1,
        }
    }
    (out, is_participant, missing)
}

fn key(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

fn index(k: i64) -> usize {
    usize::try_from(k).unwrap_or(usize::MAX)
}

/// Makes one run.
pub fn run(input: &Input<'_>, plan: &Plan) -> Result<Run, RunError> {
    let register = input.register;
    let snapshot = &register.snapshot;
    let covariates = plan.model_covariates();
    let mut exclusions: BTreeMap<Exclusion, usize> = BTreeMap::new();
    for (reason, n) in input.excluded_before {
        *exclusions.entry(*reason).or_default() += n;
    }

    // 1. Who is analysed: participants with their own index date, and the pool.
    let mut treated: Vec<(usize, RegisterPerson, &Participant)> = Vec::new();
    for p in input.participants {
        let Some(person) = register.persons.get(p.person) else {
            *exclusions.entry(Exclusion::NotInRegister).or_default() += 1;
            continue;
        };
        let mut person = person.clone();
        person.index_date = p.index_date;
        if !window_closed(&plan.headline.kind, p.index_date, snapshot) {
            *exclusions.entry(Exclusion::FollowUpOpen).or_default() += 1;
        } else if !complete(&person, &covariates) {
            *exclusions.entry(Exclusion::MissingCovariate).or_default() += 1;
        } else {
            treated.push((p.person, person, p));
        }
    }
    treated.sort_by_key(|t| t.0);
    if treated.len() < MIN_PARTICIPANTS {
        return Err(RunError::TooFewParticipants(treated.len()));
    }
    let pool: Vec<usize> = {
        use rayon::prelude::*;
        (0..register.persons.len())
            .into_par_iter()
            .filter(|i| {
                let p = &register.persons[*i];
                !input.is_participant.get(*i).copied().unwrap_or(false)
                    && window_closed(&plan.headline.kind, p.index_date, snapshot)
                    && complete(p, &covariates)
            })
            .collect()
    };
    if pool.len() < MIN_POOL {
        return Err(RunError::TooFewPool(pool.len()));
    }
    let person = |k: i64| -> &RegisterPerson {
        let i = index(k);
        match treated.binary_search_by_key(&i, |t| t.0) {
            Ok(t) => &treated[t].1,
            Err(_) => &register.persons[i],
        }
    };

    // 2. The propensity model, participants' rows first.
    let rows: Vec<&RegisterPerson> = treated
        .iter()
        .map(|t| &t.1)
        .chain(pool.iter().map(|i| &register.persons[*i]))
        .collect();
    let x = design_of(&rows, &covariates)?;
    let y: Vec<bool> = (0..rows.len()).map(|r| r < treated.len()).collect();
    let fit = logit::fit(&x, covariates.len(), &y)?;
    let scores: Vec<f64> = {
        use rayon::prelude::*;
        x.par_chunks(covariates.len())
            .map(|r| fit.log_odds(r))
            .collect()
    };
    let caliper = plan.caliper * mean_var(&scores).1.sqrt();

    // 3. Matching within exact-match cells.
    let cell = |p: &RegisterPerson| -> Vec<String> {
        plan.exact
            .iter()
            .map(|a| {
                use super::plan::ExactAttribute as A;
                match a {
                    A::Sex => p.sex.to_string(),
                    A::CountryGroup => p.country_group.to_string(),
                    A::Municipality => p.municipality.to_string(),
                    A::EducationLevel => p.education_level.to_string(),
                }
            })
            .collect()
    };
    type Cells = BTreeMap<Vec<String>, (Vec<Scored>, Vec<Scored>)>;
    let mut cells: Cells = BTreeMap::new();
    for (r, (&score, p)) in scores.iter().zip(&rows).enumerate() {
        let (k, is_treated) = if r < treated.len() {
            (key(treated[r].0), true)
        } else {
            (key(pool[r - treated.len()]), false)
        };
        let entry = cells.entry(cell(p)).or_default();
        let s = Scored { key: k, score };
        if is_treated {
            entry.0.push(s);
        } else {
            entry.1.push(s);
        }
    }
    let rule = Rule {
        ratio: plan.ratio,
        caliper,
        with_replacement: plan.replacement,
    };
    let mut matches = Vec::new();
    for (t, c) in cells.values().filter(|(t, _)| !t.is_empty()) {
        if c.is_empty() {
            *exclusions.entry(Exclusion::NoExactMatch).or_default() += t.len();
            continue;
        }
        for m in nearest(t, c, rule)? {
            if m.controls.is_empty() {
                *exclusions.entry(Exclusion::OutsideCaliper).or_default() += 1;
            } else {
                matches.push(m);
            }
        }
    }
    if matches.is_empty() {
        return Err(RunError::NoMatches);
    }
    matches.sort_by_key(|m| m.treated);
    let controls: BTreeSet<i64> = matches.iter().flat_map(|m| m.controls.clone()).collect();
    let row_of = |k: i64| -> Option<usize> {
        let i = index(k);
        match treated.binary_search_by_key(&i, |t| t.0) {
            Ok(t) => Some(t),
            Err(_) => pool.binary_search(&i).ok().map(|p| p + treated.len()),
        }
    };

    // Balance, over the unmatched groups and the matched sets.
    let mut balance_rows = Vec::new();
    for (j, name) in plan.covariates.iter().enumerate() {
        let column = |from: usize, to: usize, keyed: &dyn Fn(usize) -> i64| -> BTreeMap<i64, f64> {
            (from..to)
                .map(|r| (keyed(r), x[r * covariates.len() + j]))
                .collect()
        };
        let t = column(0, treated.len(), &|r| key(treated[r].0));
        let c = column(treated.len(), rows.len(), &|r| key(pool[r - treated.len()]));
        if let Some(b) = balance::covariate(&t, &c, &matches) {
            balance_rows.push(BalanceRow {
                covariate: name.label_nb(plan.history_months),
                before: b.before,
                after: b.after,
                flagged: b.flagged,
            });
        }
    }

    // 4. Effects on every outcome, over the sets in which everybody's outcome is judged.
    let participant_of = |k: i64| -> Option<&Participant> {
        let i = index(k);
        treated
            .binary_search_by_key(&i, |t| t.0)
            .ok()
            .map(|t| treated[t].2)
    };
    let mut effects_out = Vec::new();
    let mut values_by_outcome = Vec::new();
    for (n, def) in plan.outcomes().enumerate() {
        let value = |k: i64| {
            let p = person(k);
            outcome_value(&def.kind, &p.timeline, p.index_date, snapshot)
        };
        let mut values: BTreeMap<i64, f64> = BTreeMap::new();
        let mut sets = Vec::new();
        for m in &matches {
            let all: Option<Vec<(i64, f64)>> = std::iter::once(m.treated)
                .chain(m.controls.iter().copied())
                .map(|k| value(k).map(|v| (k, v)))
                .collect();
            if let Some(all) = all {
                values.extend(all);
                sets.push(m.clone());
            }
        }
        let e = effects::att(&sets, &values).map_err(|error| RunError::Effect {
            outcome: def.name.clone(),
            error,
        })?;
        let (bootstrap_low, bootstrap_high) =
            effects::bootstrap(&sets, &values, plan.bootstrap, plan.seed).map_err(|error| {
                RunError::Effect {
                    outcome: def.name.clone(),
                    error,
                }
            })?;
        let treated_mean = sets.iter().map(|m| values[&m.treated]).sum::<f64>() / sets.len() as f64;
        effects_out.push(OutcomeEffect {
            outcome: def.name.clone(),
            headline: n == 0,
            treated_mean,
            comparison_mean: treated_mean - e.att,
            att: e.att,
            standard_error: e.standard_error,
            low: e.low,
            high: e.high,
            bootstrap_low,
            bootstrap_high,
            sets: e.treated,
        });
        values_by_outcome.push((def.name.clone(), sets, values));
    }

    // The event study on monthly employment.
    let series: BTreeMap<i64, [Option<f64>; event_study::LEN]> = matches
        .iter()
        .flat_map(|m| std::iter::once(m.treated).chain(m.controls.iter().copied()))
        .map(|k| {
            let p = person(k);
            (k, monthly_employment(&p.timeline, p.index_date, snapshot))
        })
        .collect();
    let es = event_study::estimate(&matches, &series)?;

    // Time to employment over the headline's window.
    let (min_fte, filter) = employment_rule(&plan.headline.kind);
    let follow = |k: i64| {
        let p = person(k);
        follow_up(
            &p.timeline,
            p.index_date,
            snapshot,
            min_fte,
            plan.headline.kind.months(),
            &filter,
        )
    };
    let t_follow: Vec<survival::FollowUp> = matches.iter().map(|m| follow(m.treated)).collect();
    let c_follow: Vec<survival::FollowUp> = matches
        .iter()
        .flat_map(|m| m.controls.iter().map(|k| follow(*k)))
        .collect();
    let lr = survival::log_rank(&t_follow, &c_follow);

    // Subgroups and the cohort figures, over the headline's judged sets.
    let (_, headline_sets, headline_values) = &values_by_outcome[0];
    let mut subgroups = Vec::new();
    for cut in &plan.subgroups {
        let mut by: BTreeMap<String, Vec<Match>> = BTreeMap::new();
        for m in headline_sets {
            if let Some(p) = participant_of(m.treated) {
                by.entry(subgroup_value(*cut, p))
                    .or_default()
                    .push(m.clone());
            }
        }
        for (value, sets) in by {
            let distinct: BTreeSet<i64> = sets.iter().flat_map(|m| m.controls.clone()).collect();
            let effect = (sets.len() >= MIN_CELL && distinct.len() >= MIN_CELL)
                .then(|| effects::att(&sets, headline_values).ok())
                .flatten()
                .map(|e| (e.att, e.low, e.high));
            subgroups.push(SubgroupRow {
                cut: *cut,
                value,
                sets: sets.len(),
                effect,
            });
        }
    }
    let mut figures = Vec::new();
    for rule in &plan.figures {
        let Some((_, sets, values)) = values_by_outcome.iter().find(|o| o.0 == rule.outcome) else {
            continue;
        };
        let mut by: BTreeMap<String, Vec<&Match>> = BTreeMap::new();
        for m in sets {
            if let Some(p) = participant_of(m.treated) {
                by.entry(subgroup_value(Subgroup::Cohort, p))
                    .or_default()
                    .push(m);
            }
        }
        for (cohort, sets) in by {
            figures.push(cohort_figure(rule, cohort, &sets, values));
        }
    }

    let exclusions = exclusions
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(reason, count)| ExclusionCount { reason, count })
        .collect();
    let mut terms = vec!["Konstant".to_owned()];
    terms.extend(
        plan.covariates
            .iter()
            .map(|c| c.label_nb(plan.history_months)),
    );
    let result = RunResult {
        snapshot: snapshot.id.clone(),
        cutoff: snapshot.cutoff,
        participants: input.participants.len()
            + input.excluded_before.iter().map(|e| e.1).sum::<usize>(),
        analysed: treated.len(),
        matched: matches.len(),
        pool: pool.len(),
        comparison_persons: controls.len(),
        exclusions,
        model: ModelSummary {
            terms,
            coefficients: fit.coefficients.clone(),
            standard_errors: fit.standard_errors.clone(),
            log_likelihood: fit.log_likelihood,
            iterations: fit.iterations,
            caliper,
        },
        balance: balance_rows,
        effects: effects_out,
        event_study: EventStudy {
            months: es
                .months
                .iter()
                .map(|m| MonthRow {
                    month: m.month,
                    estimate: m.estimate,
                    low: m.low,
                    high: m.high,
                    sets: m.sets,
                })
                .collect(),
            did: es.did,
            did_low: es.did_low,
            did_high: es.did_high,
        },
        survival: Survival {
            participants: survival::kaplan_meier(&t_follow),
            comparison: survival::kaplan_meier(&c_follow),
            log_rank_statistic: lr.map(|l| l.statistic),
            log_rank_p: lr.map(|l| l.p_value),
        },
        subgroups,
        figures,
    };
    let mut persons = BTreeMap::new();
    for k in matches
        .iter()
        .flat_map(|m| std::iter::once(m.treated).chain(m.controls.iter().copied()))
    {
        let Some(r) = row_of(k) else { continue };
        let p = person(k);
        persons.entry(k).or_insert_with(|| PersonRow {
            score: scores[r],
            covariates: x[r * covariates.len()..(r + 1) * covariates.len()].to_vec(),
            outcomes: plan
                .outcomes()
                .map(|d| outcome_value(&d.kind, &p.timeline, p.index_date, snapshot))
                .collect(),
        });
    }
    Ok(Run {
        result,
        matches,
        persons,
    })
}

fn subgroup_value(cut: Subgroup, p: &Participant) -> String {
    match cut {
        Subgroup::Cohort => p.index_date.year().to_string(),
        Subgroup::Provider => p.provider.clone(),
        Subgroup::Group => p.group.clone().unwrap_or_else(|| "uten gruppe".to_owned()),
    }
}

fn decimal(v: f64) -> Option<Decimal> {
    Decimal::from_f64(v).map(|d| d.round_dp(2))
}

/// One cohort's figure from its matched sets (docs/evaluation.md, "Figures").
fn cohort_figure(
    rule: &super::plan::FigureRule,
    cohort: String,
    sets: &[&Match],
    values: &BTreeMap<i64, f64>,
) -> CohortFigure {
    let counted = |v: f64| match rule.count {
        Counted::Achieved => f64::from(u8::from(v > 0.0)),
        Counted::NotAchieved => f64::from(u8::from(v <= 0.0)),
    };
    let mut events = 0.0;
    let mut comparison_events = 0.0;
    for m in sets {
        events += counted(values[&m.treated]);
        let k = m.controls.len() as f64;
        comparison_events += m.controls.iter().map(|c| counted(values[c])).sum::<f64>() / k;
    }
    let n = sets.len() as f64;
    let (t, c) = (events / n, comparison_events / n);
    let per = f64::from(rule.per);
    let (value, comparison, problem) = match rule.measure {
        Measure::Rate => (decimal(t * per), decimal(c * per), None),
        Measure::Reduction if c > 0.0 => (decimal(100.0 * (c - t) / c), None, None),
        Measure::Reduction => (
            None,
            None,
            Some(
                "nobody in the comparison group is counted, so there is no reduction to compute"
                    .to_owned(),
            ),
        ),
    };
    CohortFigure {
        figure: rule.name.clone(),
        cohort,
        size: sets.len(),
        value,
        comparison,
        events,
        comparison_events,
        problem,
    }
}

#[cfg(test)]
mod tests;
