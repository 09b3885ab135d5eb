//! The evaluation plan (issue 15, item 1): what the evaluator registers before any result is
//! shown — the headline and secondary outcomes (the contract's own outcome definitions, judged
//! from the register), the matching covariates and history window, the matching rule, exact-match
//! attributes, subgroup cuts, the bootstrap, and how each figure the contract's cohort outcomes
//! are paid from is computed. A plan file is TOML; every problem comes back with its key.

use effekt_domain::outcomes::{Definition, OutcomeKind};
use serde::{Deserialize, Serialize};

use super::covariates::Covariate;

/// Matched sets per subgroup cell (and persons per published count) below which a figure is not
/// shown: the suppression threshold of the publication layer.
pub const MIN_CELL: usize = 5;

/// A covariate as the plan names it; the history ones count months in the plan's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CovariateName {
    Age,
    Woman,
    Education,
    EmployedMonths,
    BenefitMonths,
}

impl CovariateName {
    pub fn covariate(self, history_months: u32) -> Covariate {
        match self {
            Self::Age => Covariate::Age,
            Self::Woman => Covariate::Woman,
            Self::Education => Covariate::EducationLevel,
            Self::EmployedMonths => Covariate::EmployedMonths(history_months),
            Self::BenefitMonths => Covariate::BenefitMonths(history_months),
        }
    }

    pub fn label_nb(self, history_months: u32) -> String {
        match self {
            Self::Age => "Alder".to_owned(),
            Self::Woman => "Kvinne".to_owned(),
            Self::Education => "Utdanningsnivå".to_owned(),
            Self::EmployedMonths => format!("Måneder i arbeid (siste {history_months})"),
            Self::BenefitMonths => format!("Måneder med ytelse (siste {history_months})"),
        }
    }
}

/// A population attribute comparison persons must share exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExactAttribute {
    Sex,
    CountryGroup,
    Municipality,
    EducationLevel,
}

impl ExactAttribute {
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Sex => "kjønn",
            Self::CountryGroup => "landgruppe",
            Self::Municipality => "kommune",
            Self::EducationLevel => "utdanningsnivå",
        }
    }
}

/// A subgroup cut of the headline estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subgroup {
    /// The participant's cohort: the year of the index date.
    Cohort,
    /// The participant's provider.
    Provider,
    /// The participant's group (the provider's participant group; those without one are
    /// "uten gruppe").
    Group,
}

impl Subgroup {
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Cohort => "Kohort",
            Self::Provider => "Leverandør",
            Self::Group => "Gruppe",
        }
    }
}

/// How a certified figure is computed from one outcome in one cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The share counted, × `per` (percent by default), with the comparison group's beside it.
    Rate,
    /// How much smaller, in percent, the cohort's share counted is than the comparison's:
    /// 100 × (comparison − cohort) / comparison (a figure that is already a difference).
    Reduction,
}

/// Which persons a figure counts: those with the outcome, or those without it (e.g. still on
/// benefits when the outcome is months without benefits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    #[default]
    Achieved,
    NotAchieved,
}

/// One figure the run produces per cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureRule {
    /// The figure's name in the contract's cohort outcomes.
    pub name: String,
    /// The contract outcome it is computed from.
    pub outcome: String,
    pub measure: Measure,
    #[serde(default)]
    pub count: Counted,
    /// Per how many persons a rate is given (100: percent).
    #[serde(default = "hundred")]
    pub per: u32,
}

fn hundred() -> u32 {
    100
}

/// A checked plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub headline: Definition,
    pub secondary: Vec<Definition>,
    pub history_months: u32,
    /// Every outcome judged within this many months after the index date instead of the
    /// contract's window (an interim reading before the contract's windows have closed).
    pub window_months: Option<u32>,
    pub covariates: Vec<CovariateName>,
    pub exact: Vec<ExactAttribute>,
    /// In standard deviations of the propensity log-odds.
    pub caliper: f64,
    pub ratio: usize,
    pub replacement: bool,
    pub subgroups: Vec<Subgroup>,
    pub bootstrap: usize,
    pub seed: u64,
    pub figures: Vec<FigureRule>,
}

impl Plan {
    /// The headline outcome first, then the secondary ones.
    pub fn outcomes(&self) -> impl Iterator<Item = &Definition> {
        std::iter::once(&self.headline).chain(&self.secondary)
    }

    /// The covariates of the propensity model, in the plan's order.
    pub fn model_covariates(&self) -> Vec<Covariate> {
        self.covariates
            .iter()
            .map(|c| c.covariate(self.history_months))
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    headline: String,
    #[serde(default)]
    secondary: Vec<String>,
    history_months: u32,
    #[serde(default)]
    window_months: Option<u32>,
    covariates: Vec<CovariateName>,
    #[serde(default)]
    exact: Vec<ExactAttribute>,
    caliper: f64,
    ratio: usize,
    replacement: bool,
    #[serde(default)]
    subgroups: Vec<Subgroup>,
    bootstrap: usize,
    seed: u64,
    #[serde(default, rename = "figure")]
    figures: Vec<FigureRule>,
}

/// One problem with a plan: the key it is about and what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProblem {
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Whether the register alone can judge an outcome for a person in the comparison pool: the
/// provider's own records (milestones, assessments, soft scores) exist for participants only.
pub fn register_judges(kind: &OutcomeKind) -> bool {
    !matches!(
        kind,
        OutcomeKind::LanguageLevelAssessed { .. }
            | OutcomeKind::MilestoneVerified { .. }
            | OutcomeKind::SoftScoreGain { .. }
    )
}

fn problem(key: &str, message: String) -> PlanProblem {
    PlanProblem {
        key: key.to_owned(),
        message,
    }
}

/// The contract outcome named `name`, when the register can judge it.
fn judged(
    outcomes: &[Definition],
    key: &str,
    name: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<Definition> {
    let Some(d) = outcomes.iter().find(|d| d.name == name) else {
        problems.push(problem(
            key,
            format!("the contract has no outcome named {name:?}"),
        ));
        return None;
    };
    if !register_judges(&d.kind) {
        problems.push(problem(
            key,
            format!("{name:?} is judged from the provider's own records, which the comparison pool does not have; choose an outcome the register judges (employment, benefits, education, language tests)"),
        ));
        return None;
    }
    Some(d.clone())
}

/// The definition judged within `months` instead of its own window, when the plan says so.
fn windowed(mut d: Definition, months: Option<u32>) -> Definition {
    if let Some(m) = months {
        match &mut d.kind {
            OutcomeKind::SustainedEmployment { months, .. }
            | OutcomeKind::JobStart { months, .. }
            | OutcomeKind::MonthsWithoutBenefits { months, .. }
            | OutcomeKind::BenefitFreeMonth { months, .. }
            | OutcomeKind::EducationStart { months }
            | OutcomeKind::LanguageLevelReached { months, .. }
            | OutcomeKind::LanguageLevelAssessed { months, .. }
            | OutcomeKind::MilestoneVerified { months, .. }
            | OutcomeKind::SoftScoreGain { months, .. } => *months = m,
        }
    }
    d
}

/// Reads and checks a plan file against the contract's outcome definitions and the figures its
/// cohort outcomes are paid from. Every problem is listed, each with its key.
pub fn parse(
    text: &str,
    outcomes: &[Definition],
    cohort_figures: &[String],
) -> Result<Plan, Vec<PlanProblem>> {
    let file: PlanFile = toml::from_str(text).map_err(|e| {
        let key = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].lines().count().max(1);
                format!("linje {line}")
            })
            .unwrap_or_else(|| "fil".to_owned());
        vec![problem(&key, e.message().to_owned())]
    })?;
    let mut problems = Vec::new();
    let headline = judged(outcomes, "headline", &file.headline, &mut problems);
    let mut secondary = Vec::new();
    for (i, name) in file.secondary.iter().enumerate() {
        if *name == file.headline || file.secondary[..i].contains(name) {
            problems.push(problem(
                &format!("secondary[{i}]"),
                format!("{name:?} is named twice"),
            ));
        } else if let Some(d) = judged(outcomes, &format!("secondary[{i}]"), name, &mut problems) {
            secondary.push(d);
        }
    }
    if !(24..=36).contains(&file.history_months) {
        problems.push(problem(
            "history_months",
            format!(
                "the history before the index date is 24 to 36 months, not {}",
                file.history_months
            ),
        ));
    }
    if file
        .window_months
        .is_some_and(|m| !(1..=effekt_domain::outcomes::MAX_WINDOW_MONTHS).contains(&m))
    {
        problems.push(problem(
            "window_months",
            format!(
                "a window is 1 to {} months",
                effekt_domain::outcomes::MAX_WINDOW_MONTHS
            ),
        ));
    }
    if file.covariates.is_empty() {
        problems.push(problem(
            "covariates",
            "name at least one covariate".to_owned(),
        ));
    }
    for (i, c) in file.covariates.iter().enumerate() {
        if file.covariates[..i].contains(c) {
            problems.push(problem(
                &format!("covariates[{i}]"),
                "a covariate is named twice".to_owned(),
            ));
        }
    }
    for (i, a) in file.exact.iter().enumerate() {
        if file.exact[..i].contains(a) {
            problems.push(problem(
                &format!("exact[{i}]"),
                "an attribute is named twice".to_owned(),
            ));
        }
    }
    if !(file.caliper.is_finite() && file.caliper > 0.0 && file.caliper <= 1.0) {
        problems.push(problem(
            "caliper",
            "the caliper is above 0 and at most 1 standard deviation of the log-odds (0.2 is usual)"
                .to_owned(),
        ));
    }
    if !(1..=10).contains(&file.ratio) {
        problems.push(problem(
            "ratio",
            format!(
                "1 to 10 comparison persons per participant, not {}",
                file.ratio
            ),
        ));
    }
    if !(100..=10_000).contains(&file.bootstrap) {
        problems.push(problem(
            "bootstrap",
            format!(
                "100 to 10000 bootstrap replications, not {}",
                file.bootstrap
            ),
        ));
    }
    for (i, s) in file.subgroups.iter().enumerate() {
        if file.subgroups[..i].contains(s) {
            problems.push(problem(
                &format!("subgroups[{i}]"),
                "a subgroup is named twice".to_owned(),
            ));
        }
    }
    let mut figures = Vec::new();
    for (i, f) in file.figures.iter().enumerate() {
        let key = format!("figure[{i}]");
        if !cohort_figures.contains(&f.name) {
            problems.push(problem(
                &format!("{key}.name"),
                format!(
                    "the contract's cohort outcomes are paid from no figure named {:?}",
                    f.name
                ),
            ));
        } else if file.figures[..i].iter().any(|g| g.name == f.name) {
            problems.push(problem(
                &format!("{key}.name"),
                "a figure is computed once".to_owned(),
            ));
        }
        if !(1..=100_000).contains(&f.per) {
            problems.push(problem(
                &format!("{key}.per"),
                "per is 1 to 100000 persons".to_owned(),
            ));
        }
        let named_in_plan = f.outcome == file.headline || file.secondary.contains(&f.outcome);
        if !named_in_plan {
            problems.push(problem(
                &format!("{key}.outcome"),
                format!(
                    "{:?} is not the headline or a secondary outcome of this plan",
                    f.outcome
                ),
            ));
        }
        figures.push(f.clone());
    }
    match (headline, problems.is_empty()) {
        (Some(headline), true) => Ok(Plan {
            headline: windowed(headline, file.window_months),
            secondary: secondary
                .into_iter()
                .map(|d| windowed(d, file.window_months))
                .collect(),
            history_months: file.history_months,
            window_months: file.window_months,
            covariates: file.covariates,
            exact: file.exact,
            caliper: file.caliper,
            ratio: file.ratio,
            replacement: file.replacement,
            subgroups: file.subgroups,
            bootstrap: file.bootstrap,
            seed: file.seed,
            figures,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests;
