//! The evaluation pages (issue 15): a contract's evaluation (plan, runs, the forms the
//! evaluator uses) and one run as a page that prints as the quarterly report.

use askama::Template;
use effekt_app::views::evaluation::{EvaluationView, RunView};
use effekt_app::views::ChartView;

use super::Chrome;

fn number(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
        .replace('.', ",")
        .replace('-', "−")
}

/// A share as percent, "37,5 %".
fn percent(v: f64) -> String {
    format!("{}\u{a0}%", number(100.0 * v, 1))
}

/// Percentage points with a sign and the interval: "+10,9 (8,2 til 14,5)".
fn points(att: f64, low: f64, high: f64) -> (String, String) {
    let sign = if att > 0.0 { "+" } else { "" };
    (
        format!("{sign}{}", number(100.0 * att, 1)),
        format!("{} til {}", number(100.0 * low, 1), number(100.0 * high, 1)),
    )
}

#[derive(Template)]
#[template(path = "evaluation_contract.html")]
pub struct ContractEvaluationPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub v: EvaluationView,
    /// The plan as typed, and the reason.
    pub plan_text: String,
    pub reason: String,
    /// Problems with the plan: (key, message).
    pub errors: Vec<(String, String)>,
    /// Why the last run or registration was refused, when not about one field.
    pub error: Option<String>,
}

impl ContractEvaluationPage {
    pub fn new(chrome: Chrome, csrf_token: &str, v: EvaluationView) -> Self {
        Self {
            chrome,
            csrf_token: csrf_token.to_owned(),
            plan_text: v.plan_text.clone(),
            reason: String::new(),
            errors: Vec::new(),
            error: None,
            v,
        }
    }
}

/// One outcome's estimate as the tables show it.
pub struct EffectRow {
    pub outcome: String,
    pub headline: bool,
    pub treated: String,
    pub comparison: String,
    pub att: String,
    pub interval: String,
    pub bootstrap: String,
    pub sets: String,
}

pub struct SubgroupRowView {
    pub cut: String,
    pub value: String,
    pub sets: String,
    pub att: String,
    pub interval: String,
}

pub struct BalanceRowView {
    pub covariate: String,
    pub before: String,
    pub after: String,
    pub flagged: bool,
}

pub struct ModelRow {
    pub term: String,
    pub coefficient: String,
    pub standard_error: String,
}

#[derive(Template)]
#[template(path = "evaluation_run.html")]
pub struct RunPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub r: RunView,
    pub effects: Vec<EffectRow>,
    pub balance: Vec<BalanceRowView>,
    pub model: Vec<ModelRow>,
    pub subgroups: Vec<SubgroupRowView>,
    pub charts: Vec<ChartView>,
    pub did: (String, String),
    pub log_rank: Option<(String, String)>,
    pub caliper: String,
    pub error: Option<String>,
}

impl RunPage {
    pub fn new(chrome: Chrome, csrf_token: &str, r: RunView, error: Option<String>) -> Self {
        let res = &r.result;
        let effects = res
            .effects
            .iter()
            .map(|e| {
                let (att, interval) = points(e.att, e.low, e.high);
                let (_, bootstrap) = points(e.att, e.bootstrap_low, e.bootstrap_high);
                EffectRow {
                    outcome: e.outcome.clone(),
                    headline: e.headline,
                    treated: percent(e.treated_mean),
                    comparison: percent(e.comparison_mean),
                    att,
                    interval,
                    bootstrap,
                    sets: effekt_domain::money::grouped(i64::try_from(e.sets).unwrap_or(0)),
                }
            })
            .collect();
        let balance = res
            .balance
            .iter()
            .map(|b| BalanceRowView {
                covariate: b.covariate.clone(),
                before: number(b.before, 3),
                after: number(b.after, 3),
                flagged: b.flagged,
            })
            .collect();
        let model = res
            .model
            .terms
            .iter()
            .zip(&res.model.coefficients)
            .zip(&res.model.standard_errors)
            .map(|((t, c), s)| ModelRow {
                term: t.clone(),
                coefficient: number(*c, 4),
                standard_error: number(*s, 4),
            })
            .collect();
        let subgroups = res
            .subgroups
            .iter()
            .zip(&r.subgroup_cells)
            .map(|(s, (sets, shown))| {
                let (att, interval) = match (s.effect, shown) {
                    (Some((a, l, h)), true) => points(a, l, h),
                    _ => ("–".to_owned(), "færre enn 5 i en celle".to_owned()),
                };
                SubgroupRowView {
                    cut: s.cut.label_nb().to_owned(),
                    value: s.value.clone(),
                    sets: sets.clone(),
                    att,
                    interval,
                }
            })
            .collect();
        let es = &res.event_study;
        let log_rank = res
            .survival
            .log_rank_statistic
            .zip(res.survival.log_rank_p)
            .map(|(s, p)| (number(s, 2), number(p, 4)));
        Self {
            chrome,
            csrf_token: csrf_token.to_owned(),
            effects,
            balance,
            model,
            subgroups,
            charts: effekt_app::charts::evaluation(r.id, res),
            did: points(es.did, es.did_low, es.did_high),
            log_rank,
            caliper: number(res.model.caliper, 3),
            error,
            r,
        }
    }
}
