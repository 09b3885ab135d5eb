//! The effect evaluation of a contract (issue 15; docs/evaluation.md): the plan registered
//! before results, runs on register snapshots, publication and figures certified from a run.
//!
//! Who sees what:
//! - the contract's evaluator (the user acting for its evaluator party): everything, and is the
//!   only one who registers the plan, runs, publishes and certifies; the matched persons only
//!   under pseudonyms (the microdata export);
//! - Nav's contract manager: the plan and every run, interim ones too, as aggregates with small
//!   cells suppressed;
//! - everyone else who reads the contract: published runs only, suppressed the same way;
//! - the administrator and the privacy officer: nothing (no contract grant).
//!
//! Every plan version, run, publication and certification is an audited change.

mod running;

pub(crate) use running::make_run;

use chrono::Datelike;
use effekt_domain::contract::amendment::PartyKey;
use effekt_domain::contract::cohort::CertifiedFigure;
use effekt_domain::contract::terms::{ContractTerms, PartyRole};
use effekt_domain::dates::{date_nb, oslo_date, oslo_time};
use effekt_domain::ids::ContractId;
use effekt_domain::role::Role;
use effekt_domain::suppression::suppress;
use effekt_engine::evaluation::plan::{self, register_judges};
use effekt_engine::evaluation::run::RunResult;
use effekt_store::evaluation::{FigureSource, RunLabel, RunRecord};

use crate::audit;
use crate::views::evaluation::{
    CountRow, EvaluationView, FigureRowView, PlanVersionView, RunSummaryView, RunView,
};
use crate::{policy, App, AppError, Viewer};

/// A plan to start from when none is registered.
pub const EXAMPLE_PLAN: &str = include_str!("../../../../examples/evaluation/plan.toml");

/// The longest plan file accepted.
pub const MAX_PLAN: usize = 64 * 1024;

/// Reading and running the evaluation of a contract.
pub struct EvaluationAccess {
    pub(super) app: App,
    pub(super) viewer: Viewer,
}

/// How much of the evaluation the viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sight {
    Evaluator,
    Interim,
    Published,
}

fn percent(v: f64) -> String {
    format!("{:.1}", 100.0 * v)
        .replace('.', ",")
        .replace('-', "−")
}

/// The headline of a run, in words: "Varig arbeid: +10,9 prosentpoeng (8,2 til 14,5)".
pub fn headline_nb(result: &RunResult) -> String {
    result
        .effects
        .first()
        .map(|e| {
            let sign = if e.att > 0.0 { "+" } else { "" };
            format!(
                "{}: {sign}{} prosentpoeng ({} til {})",
                e.outcome,
                percent(e.att),
                percent(e.low),
                percent(e.high)
            )
        })
        .unwrap_or_default()
}

fn decimal_nb(d: rust_decimal::Decimal) -> String {
    d.normalize()
        .to_string()
        .replace('.', ",")
        .replace('-', "−")
}

impl EvaluationAccess {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    /// The contract's terms and what the viewer sees; not found for those who do not read it.
    async fn sight(&self, contract: ContractId) -> Result<(ContractTerms, Sight), AppError> {
        if !self.viewer.reads_contract(&self.app, contract).await? {
            return Err(AppError::NotFound);
        }
        let Some((_, terms)) = self.app.store.contract_terms(contract).await? else {
            return Err(AppError::NotFound);
        };
        let own = self.viewer.organisation(&self.app).await?;
        let party: Option<PartyKey> = policy::acts_for(self.viewer.user.role, own, &terms);
        let sight = if party.is_some_and(|k| k.role == PartyRole::Evaluator) {
            Sight::Evaluator
        } else if self.viewer.user.role == Role::NavContractManager {
            Sight::Interim
        } else {
            Sight::Published
        };
        Ok((terms, sight))
    }

    async fn evaluator(&self, contract: ContractId) -> Result<ContractTerms, AppError> {
        match self.sight(contract).await? {
            (terms, Sight::Evaluator) => Ok(terms),
            _ => Err(AppError::Refused(
                "Bare den uavhengige evaluatoren i kontrakten registrerer plan, kjører og publiserer evalueringen."
                    .to_owned(),
            )),
        }
    }

    /// The contract's evaluation page.
    pub async fn page(&self, contract: ContractId) -> Result<EvaluationView, AppError> {
        let (terms, sight) = self.sight(contract).await?;
        let plans = self.app.store.evaluation_plans(contract).await?;
        let runs = self.app.store.evaluation_runs(contract).await?;
        let deviation_required = !runs.is_empty();
        let runs = runs
            .into_iter()
            .filter(|r| sight != Sight::Published || r.published_at.is_some())
            .map(|r| {
                let result: Option<RunResult> = serde_json::from_str(&r.result).ok();
                RunSummaryView {
                    id: r.id,
                    label: r.label.label_nb().to_owned(),
                    published: r.published_at.is_some(),
                    plan_version: r.plan_version,
                    snapshot: r.snapshot_key.clone(),
                    run_at: oslo_time(r.run_at),
                    run_by: r.run_by.clone(),
                    headline: result.as_ref().map(headline_nb).unwrap_or_default(),
                }
            })
            .collect();
        let snapshots = if sight == Sight::Evaluator {
            let mut s = self.app.store.register_snapshots().await?;
            s.sort_by_key(|s| std::cmp::Reverse(s.id));
            s.into_iter()
                .map(|s| (s.id, format!("{} (uttrekk {})", s.key, date_nb(s.cutoff))))
                .collect()
        } else {
            Vec::new()
        };
        let plan_text = plans
            .last()
            .map_or_else(|| EXAMPLE_PLAN.to_owned(), |p| p.text.clone());
        Ok(EvaluationView {
            contract: contract.0,
            contract_name: terms.name.clone(),
            plans: plans
                .into_iter()
                .rev()
                .map(|p| PlanVersionView {
                    version: p.version,
                    text: p.text,
                    deviation: p.deviation,
                    registered_by: p.registered_by,
                    registered_at: oslo_time(p.registered_at),
                })
                .collect(),
            runs,
            evaluator: sight == Sight::Evaluator,
            sees_interim: sight != Sight::Published,
            snapshots,
            outcome_names: terms
                .outcomes
                .iter()
                .filter(|o| register_judges(&o.definition.kind))
                .map(|o| o.definition.name.clone())
                .collect(),
            figure_names: figure_names(&terms),
            plan_text,
            deviation_required,
        })
    }

    /// Registers a new version of the plan. Problems in the file come back with their key; a
    /// plan changed after a run exists needs a reason (a deviation).
    pub async fn register_plan(
        &self,
        contract: ContractId,
        text: &str,
        reason: &str,
    ) -> Result<Result<u32, Vec<(String, String)>>, AppError> {
        let terms = self.evaluator(contract).await?;
        if text.len() > MAX_PLAN {
            return Ok(Err(vec![(
                "plan".to_owned(),
                format!("Planen er for lang (høyst {} kB).", MAX_PLAN / 1024),
            )]));
        }
        let definitions: Vec<_> = terms
            .outcomes
            .iter()
            .map(|o| o.definition.clone())
            .collect();
        if let Err(problems) = plan::parse(text, &definitions, &figure_names(&terms)) {
            return Ok(Err(problems
                .into_iter()
                .map(|p| (p.key, p.message))
                .collect()));
        }
        let runs = self.app.store.evaluation_runs(contract).await?;
        let deviation = if runs.is_empty() {
            None
        } else {
            match super::required_text(
                reason,
                2000,
                "begrunnelse",
                "Det finnes kjøringer på planen: skriv hvorfor den endres (et avvik fra planen).",
            ) {
                Ok(r) => Some(r),
                Err(e) => return Ok(Err(vec![(e.field.to_owned(), e.message)])),
            }
        };
        let now = self.app.now();
        let version = self
            .app
            .store
            .register_evaluation_plan(
                contract,
                text,
                deviation.as_deref(),
                self.viewer.user.id,
                now,
            )
            .await?;
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "evaluation.plan",
            format!("contract:{} plan:{version}", contract.0),
        );
        self.app.store.append_operation(&op).await?;
        Ok(Ok(version))
    }

    async fn record(&self, run: i64) -> Result<(RunRecord, ContractTerms, Sight), AppError> {
        let Some(record) = self.app.store.evaluation_run(run).await? else {
            return Err(AppError::NotFound);
        };
        let (terms, sight) = self.sight(record.contract).await?;
        if sight == Sight::Published && record.published_at.is_none() {
            return Err(AppError::NotFound);
        }
        Ok((record, terms, sight))
    }

    /// One run, as the viewer may see it.
    pub async fn run_view(&self, run: i64) -> Result<RunView, AppError> {
        let (record, terms, sight) = self.record(run).await?;
        let result: RunResult = serde_json::from_str(&record.result)
            .map_err(|e| AppError::internal("stored evaluation run", e))?;
        let plan_text = self
            .app
            .store
            .evaluation_plans(record.contract)
            .await?
            .into_iter()
            .find(|p| p.version == record.plan_version)
            .map(|p| p.text)
            .unwrap_or_default();
        let evaluator = sight == Sight::Evaluator;
        Ok(RunView {
            id: record.id,
            contract: record.contract.0,
            contract_name: terms.name,
            label: record.label.label_nb().to_owned(),
            final_run: record.label == RunLabel::Final,
            published: record.published_at.map(|at| {
                format!(
                    "{} av {}",
                    oslo_time(at),
                    record.published_by.clone().unwrap_or_default()
                )
            }),
            plan_version: record.plan_version,
            plan_text,
            snapshot: record.snapshot_key.clone(),
            effekt_version: record.effekt_version.clone(),
            settings: record.settings.clone(),
            run_by: record.run_by.clone(),
            run_at: oslo_time(record.run_at),
            quarter: quarter_nb(result.cutoff),
            counts: counts(&result, evaluator),
            figures: figures(&result, evaluator),
            subgroup_cells: subgroup_cells(&result, evaluator),
            result,
            evaluator,
            can_publish: evaluator && record.published_at.is_none(),
        })
    }

    /// Publishes a run to everyone who reads the contract.
    pub async fn publish(&self, run: i64) -> Result<(), AppError> {
        let (record, _, _) = self.record(run).await?;
        self.evaluator(record.contract).await?;
        if !self
            .app
            .store
            .publish_evaluation_run(run, self.viewer.user.id, self.app.now())
            .await?
        {
            return Err(AppError::Refused(
                "Kjøringen er publisert allerede.".to_owned(),
            ));
        }
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "evaluation.publish",
            format!("run:{run}"),
        );
        self.app.store.append_operation(&op).await?;
        Ok(())
    }

    /// Certifies one cohort figure as the run computed it; the certified figure links to the
    /// run.
    pub async fn certify_from_run(
        &self,
        run: i64,
        figure: &str,
        cohort: &str,
    ) -> Result<(), AppError> {
        let (record, terms, _) = self.record(run).await?;
        self.evaluator(record.contract).await?;
        let result: RunResult = serde_json::from_str(&record.result)
            .map_err(|e| AppError::internal("stored evaluation run", e))?;
        let Some(f) = result
            .figures
            .iter()
            .find(|f| f.figure == figure && f.cohort == cohort)
        else {
            return Err(AppError::Refused(
                "Kjøringen har ikke dette tallet.".to_owned(),
            ));
        };
        let Some(value) = f.value else {
            return Err(AppError::Refused(format!(
                "Kjøringen har ingen verdi for {figure} i kohort {cohort}: {}",
                f.problem.clone().unwrap_or_default()
            )));
        };
        let readers: Vec<_> = terms
            .cohort_outcomes
            .iter()
            .filter(|o| o.figure == figure)
            .collect();
        if readers.iter().any(|o| o.mechanism.needs_comparison()) && f.comparison.is_none() {
            return Err(AppError::Refused(format!(
                "Kontrakten betaler {figure} mot sammenligningsgruppens verdi, men planen regner det som en forskjell; registrer en plan med measure = \"rate\" for tallet."
            )));
        }
        for v in std::iter::once(value).chain(f.comparison) {
            if let Some(why) = readers.iter().find_map(|m| m.accepts(v).err()) {
                return Err(AppError::Refused(why));
            }
        }
        let size = u32::try_from(f.size).map_err(|e| AppError::internal("cohort size", e))?;
        let now = self.app.now();
        let certified = CertifiedFigure {
            cohort: cohort.to_owned(),
            cohort_size: size,
            value,
            comparison: f.comparison,
            certified_by: self.viewer.user.display_name.clone(),
            certified_on: oslo_date(now),
        };
        self.app
            .store
            .certify_figure_from(
                record.contract,
                figure,
                &certified,
                FigureSource::Run(run),
                self.viewer.user.id,
                now,
            )
            .await?;
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "evaluation.certify",
            format!("run:{run} figure:{figure} cohort:{cohort}"),
        );
        self.app.store.append_operation(&op).await?;
        Ok(())
    }
}

/// The figures the contract's cohort outcomes are paid from, each once, in contract order.
pub(crate) fn figure_names(terms: &ContractTerms) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for o in &terms.cohort_outcomes {
        if !names.contains(&o.figure) {
            names.push(o.figure.clone());
        }
    }
    names
}

/// "3. kvartal 2026" for the quarter a day falls in.
pub fn quarter_nb(day: chrono::NaiveDate) -> String {
    format!("{}. kvartal {}", day.month0() / 3 + 1, day.year())
}

/// Matched and each reason for exclusion, adding up to the participants: suppressed (with
/// secondary suppression) for all but the evaluator, so no difference of shown counts gives a
/// hidden one away.
fn counts(result: &RunResult, evaluator: bool) -> Vec<CountRow> {
    let mut rows: Vec<(String, u64)> =
        vec![("Matchet og analysert".to_owned(), result.matched as u64)];
    rows.extend(
        result
            .exclusions
            .iter()
            .map(|e| (e.reason.label_nb().to_owned(), e.count as u64)),
    );
    let total = ("Deltakere i alt".to_owned(), result.participants as u64);
    if evaluator {
        return std::iter::once(total)
            .chain(rows)
            .map(|(label, n)| CountRow {
                label,
                count: effekt_domain::money::grouped(i64::try_from(n).unwrap_or(i64::MAX)),
            })
            .collect();
    }
    let table = suppress(&rows.iter().map(|r| vec![r.1]).collect::<Vec<_>>());
    std::iter::once(CountRow {
        label: total.0,
        count: table.total.display(),
    })
    .chain(
        rows.into_iter()
            .zip(&table.cells)
            .map(|((label, _), cells)| CountRow {
                label,
                count: cells.first().map(|c| c.display()).unwrap_or_default(),
            }),
    )
    .collect()
}

/// Each subgroup row's count and whether its estimate shows: everything for the evaluator;
/// for others each cut's counts are suppressed as one table, so no cell hidden in a cut can be
/// had as the headline's sets less the cells shown.
fn subgroup_cells(result: &RunResult, evaluator: bool) -> Vec<(String, bool)> {
    if evaluator {
        return result
            .subgroups
            .iter()
            .map(|s| (s.sets.to_string(), s.effect.is_some()))
            .collect();
    }
    let mut out = vec![(String::new(), false); result.subgroups.len()];
    let mut cuts: Vec<_> = result.subgroups.iter().map(|s| s.cut).collect();
    cuts.dedup();
    for cut in cuts {
        let rows: Vec<usize> = (0..result.subgroups.len())
            .filter(|i| result.subgroups[*i].cut == cut)
            .collect();
        let table = suppress(
            &rows
                .iter()
                .map(|i| vec![result.subgroups[*i].sets as u64])
                .collect::<Vec<_>>(),
        );
        for (i, cells) in rows.iter().zip(&table.cells) {
            let cell = cells.first().copied();
            out[*i] = (
                cell.map(|c| c.display()).unwrap_or_default(),
                cell.is_some_and(|c| c.is_shown()) && result.subgroups[*i].effect.is_some(),
            );
        }
    }
    out
}

/// Each figure per cohort; for all but the evaluator the cohorts' sizes are suppressed as one
/// table per figure, and a value is shown only where its size is.
fn figures(result: &RunResult, evaluator: bool) -> Vec<FigureRowView> {
    let mut out = Vec::new();
    let mut names: Vec<&str> = result.figures.iter().map(|f| f.figure.as_str()).collect();
    names.dedup();
    for name in names {
        let rows: Vec<_> = result.figures.iter().filter(|f| f.figure == name).collect();
        let table = suppress(&rows.iter().map(|f| vec![f.size as u64]).collect::<Vec<_>>());
        for (f, cells) in rows.iter().zip(&table.cells) {
            let cell = cells.first().copied();
            let shown = evaluator || cell.is_some_and(|c| c.is_shown());
            let text = |d: Option<rust_decimal::Decimal>| match (shown, d) {
                (true, Some(d)) => decimal_nb(d),
                _ => "–".to_owned(),
            };
            out.push(FigureRowView {
                figure: f.figure.clone(),
                cohort: f.cohort.clone(),
                size: if evaluator {
                    f.size.to_string()
                } else {
                    cell.map(|c| c.display()).unwrap_or_default()
                },
                value: text(f.value),
                comparison: text(f.comparison),
                problem: f.problem.clone(),
                certifiable: evaluator && f.value.is_some(),
            });
        }
    }
    out
}
