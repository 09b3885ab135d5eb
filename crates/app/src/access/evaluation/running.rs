//! Making a run: the plan in force, a stored register snapshot and the contract's participants
//! in it, through the engine's run; stored with what it was made from, and the matched persons
//! kept only under pseudonyms for the evaluator's microdata.

use std::collections::HashMap;

use effekt_domain::ids::{ContractId, PersonKey};
use effekt_domain::pseudonym::readable;
use effekt_domain::register::Register;
use effekt_engine::evaluation::microdata::{Microdata, MicrodataRow};
use effekt_engine::evaluation::plan::{self, Plan};
use effekt_engine::evaluation::run::{self, Exclusion, Input, Participant, Run, RunError};
use effekt_store::evaluation::{EvaluationParticipant, NewRun, RunLabel};

use super::{figure_names, EvaluationAccess};
use crate::audit;
use crate::{App, AppError, Viewer};
use effekt_domain::contract::terms::ContractTerms;

/// A run's failure in the words the evaluator reads (the engine's own text after the colon).
fn run_error_nb(e: &RunError) -> String {
    let what = match e {
        RunError::TooFewParticipants(_) => "For få deltakere kan analyseres",
        RunError::TooFewPool(_) => "For få personer i sammenligningsgrunnlaget",
        RunError::Model(_) => "Propensitetsmodellen kan ikke estimeres",
        RunError::Covariates(_) => "En kovariat kan ikke beregnes",
        RunError::Matching(_) => "Matchingen kan ikke gjøres",
        RunError::NoMatches => "Ingen deltaker fikk en sammenligningsperson",
        RunError::Effect { .. } => "En effekt kan ikke estimeres",
        RunError::EventStudy(_) => "Hendelsesstudien kan ikke estimeres",
    };
    format!("{what}. Ingen kjøring er lagret. ({e})")
}

/// The participants in the register, as [`participants_in`] finds them.
struct InRegister {
    participants: Vec<Participant>,
    is_participant: Vec<bool>,
    excluded: Vec<(Exclusion, usize)>,
    /// A participant's register person → her person in effekt.
    keys: HashMap<usize, PersonKey>,
}

/// The participants as the engine takes them: each found in the register through any national
/// id their person has held (spells filed under an earlier id are joined to the person), who is
/// anybody's participant (never in the pool), and who was left out before the run.
fn participants_in(
    register: &mut Register,
    people: &[EvaluationParticipant],
    anyones: &[String],
) -> InRegister {
    let position = |register: &Register, id: &str| {
        effekt_domain::national_id::NationalId::parse(id)
            .ok()
            .and_then(|n| register.persons.binary_search_by(|p| p.id.cmp(&n)).ok())
    };
    let mut is_participant = vec![false; register.persons.len()];
    for id in anyones {
        if let Some(i) = position(register, id) {
            is_participant[i] = true;
        }
    }
    let (mut not_in_register, mut not_started) = (0, 0);
    let mut out = Vec::new();
    let mut keys = HashMap::new();
    for p in people {
        let found: Vec<usize> = p
            .national_ids
            .iter()
            .filter_map(|id| position(register, id))
            .collect();
        let Some(&first) = found.first() else {
            not_in_register += 1;
            continue;
        };
        let Some(index_date) = p.index_date else {
            not_started += 1;
            continue;
        };
        for &other in &found[1..] {
            let t = register.persons[other].timeline.clone();
            let into = &mut register.persons[first].timeline;
            into.employment.extend(t.employment);
            into.benefits.extend(t.benefits);
            into.education.extend(t.education);
            into.language_tests.extend(t.language_tests);
        }
        keys.insert(first, p.person);
        out.push(Participant {
            person: first,
            index_date,
            provider: p.provider.clone(),
            group: p.group.clone(),
        });
    }
    let excluded = vec![
        (Exclusion::NotInRegister, not_in_register),
        (Exclusion::NotStarted, not_started),
    ];
    InRegister {
        participants: out,
        is_participant,
        excluded,
        keys,
    }
}

impl EvaluationAccess {
    /// Runs the evaluation on a register snapshot (the newest when `None`) under the plan in
    /// force, and stores the run; returns its id, or why no run could be made (nothing stored).
    pub async fn run(
        &self,
        contract: ContractId,
        snapshot: Option<i64>,
        label: RunLabel,
    ) -> Result<Result<i64, String>, AppError> {
        let terms = self.evaluator(contract).await?;
        make_run(
            &self.app,
            &self.viewer,
            contract,
            &terms,
            snapshot,
            label,
            "evaluator",
        )
        .await
    }

    /// The run's matched persons under pseudonyms: the evaluator only, audited as a read of
    /// pseudonymised microdata of each participant in it (pool persons are nobody in effekt).
    pub async fn microdata(&self, run: i64) -> Result<Microdata, AppError> {
        let (record, _, _) = self.record(run).await?;
        self.evaluator(record.contract).await?;
        let Some(json) = self.app.store.evaluation_run_matches(run).await? else {
            return Err(AppError::NotFound);
        };
        let data: Microdata =
            serde_json::from_str(&json).map_err(|e| AppError::internal("stored microdata", e))?;
        let subjects: std::collections::BTreeSet<i64> =
            data.rows.iter().filter_map(|r| r.person).collect();
        audit::permit(
            &self.app,
            &self.viewer,
            subjects.into_iter().map(PersonKey),
            audit::Purpose::EvaluationPseudonymised,
        )
        .await?;
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "evaluation.microdata",
            format!("run:{run}"),
        );
        self.app.store.append_operation(&op).await?;
        Ok(data)
    }
}

fn microdata(
    run: &Run,
    register: &Register,
    participants: &[Participant],
    plan: &Plan,
    pseudonym: impl Fn(usize) -> (String, Option<i64>),
) -> Microdata {
    let by_person: HashMap<usize, &Participant> =
        participants.iter().map(|p| (p.person, p)).collect();
    let mut rows = Vec::new();
    for (set, m) in run.matches.iter().enumerate() {
        let k = m.controls.len() as f64;
        let members =
            std::iter::once((m.treated, 1.0)).chain(m.controls.iter().map(|c| (*c, 1.0 / k)));
        for (key, weight) in members {
            let Ok(i) = usize::try_from(key) else {
                continue;
            };
            let Some(row) = run.persons.get(&key) else {
                continue;
            };
            let participant = by_person.get(&i).filter(|_| key == m.treated);
            let index =
                participant.map_or_else(|| register.persons[i].index_date, |p| p.index_date);
            let (pseudonym, person) = pseudonym(i);
            rows.push(MicrodataRow {
                set: set + 1,
                pseudonym,
                person: person.filter(|_| participant.is_some()),
                participant: participant.is_some(),
                weight,
                index_month: index.format("%Y-%m").to_string(),
                cohort: participant.map(|p| chrono::Datelike::year(&p.index_date).to_string()),
                provider: participant.map(|p| p.provider.clone()),
                score: row.score,
                covariates: row.covariates.clone(),
                outcomes: row.outcomes.clone(),
            });
        }
    }
    Microdata {
        covariates: plan
            .covariates
            .iter()
            .map(|c| c.label_nb(plan.history_months))
            .collect(),
        outcomes: plan.outcomes().map(|d| d.name.clone()).collect(),
        rows,
    }
}

/// Makes and stores a run of `contract` as `viewer` (whose right to was checked by the caller):
/// the evaluator's, or an interim run when a register snapshot lands (`trigger`, recorded in the
/// run's settings).
pub(crate) async fn make_run(
    app: &App,
    viewer: &Viewer,
    contract: ContractId,
    terms: &ContractTerms,
    snapshot: Option<i64>,
    label: RunLabel,
    trigger: &'static str,
) -> Result<Result<i64, String>, AppError> {
    let Some(registered) = app.store.evaluation_plans(contract).await?.pop() else {
        return Ok(Err(
            "Registrer en evalueringsplan før den første kjøringen.".to_owned(),
        ));
    };
    let definitions: Vec<_> = terms
        .outcomes
        .iter()
        .map(|o| o.definition.clone())
        .collect();
    let plan: Plan = match plan::parse(&registered.text, &definitions, &figure_names(terms)) {
        Ok(p) => p,
        Err(problems) => {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            return Ok(Err(format!(
                "Planen passer ikke lenger med kontraktens vilkår: {}. Registrer en ny versjon.",
                list.join("; ")
            )));
        }
    };
    let snapshots = app.store.register_snapshots().await?;
    let chosen = match snapshot {
        Some(id) => snapshots.iter().find(|s| s.id == id),
        None => snapshots.iter().max_by_key(|s| s.id),
    };
    let Some(chosen) = chosen.cloned() else {
        return Ok(Err(match snapshot {
            Some(_) => "Det finnes ikke noe slikt registeruttrekk.".to_owned(),
            None => "Importer et registeruttrekk før den første kjøringen.".to_owned(),
        }));
    };
    let Some(mut register) = app.store.load_register(chosen.id).await? else {
        return Ok(Err("Det finnes ikke noe slikt registeruttrekk.".to_owned()));
    };
    let (people, anyones) = app.store.evaluation_participants(contract).await?;
    let key = app
        .pseudonyms()
        .map_err(|e| AppError::internal("pseudonyms", e))?
        .clone();
    let plan_for_run = plan.clone();
    let made = tokio::task::spawn_blocking(move || {
        let InRegister {
            participants,
            is_participant,
            excluded,
            keys,
        } = participants_in(&mut register, &people, &anyones);
        let made = run::run(
            &Input {
                register: &register,
                participants: &participants,
                is_participant: &is_participant,
                excluded_before: &excluded,
            },
            &plan_for_run,
        );
        made.map(|r| {
            let micro = microdata(&r, &register, &participants, &plan_for_run, |k| match keys
                .get(&k)
            {
                Some(person) => (readable(&key.pseudonym(contract, *person)), Some(person.0)),
                None => (
                    key.pool_pseudonym(contract, &register.persons[k].id.as_string()),
                    None,
                ),
            });
            (r, micro)
        })
    })
    .await
    .map_err(|e| AppError::internal("evaluation run", e))?;
    let (made, micro) = match made {
        Ok(m) => m,
        Err(e) => return Ok(Err(run_error_nb(&e))),
    };
    let result = serde_json::to_string(&made.result)
        .map_err(|e| AppError::internal("evaluation result", e))?;
    let matches = serde_json::to_string(&micro).map_err(|e| AppError::internal("microdata", e))?;
    let settings = serde_json::json!({
        "history_months": plan.history_months,
        "caliper": plan.caliper,
        "ratio": plan.ratio,
        "replacement": plan.replacement,
        "exact": plan.exact,
        "bootstrap": plan.bootstrap,
        "seed": plan.seed,
        "trigger": trigger,
    })
    .to_string();
    let now = app.now();
    let id = app
        .store
        .store_evaluation_run(&NewRun {
            contract,
            plan_version: registered.version,
            snapshot: chosen.id,
            effekt_version: env!("CARGO_PKG_VERSION"),
            settings: &settings,
            label,
            result: &result,
            matches: &matches,
            by: viewer.user.id,
            at: now,
        })
        .await?;
    let op = audit::operation(
        app,
        viewer,
        "evaluation.run",
        format!("contract:{} run:{id} snapshot:{}", contract.0, chosen.key),
    );
    app.store.append_operation(&op).await?;
    Ok(Ok(id))
}
