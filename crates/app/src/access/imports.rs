//! The import log: every attempt to import (a register snapshot, provider evidence, a
//! contract file) is kept with how it ended, by whoever ran it, so a refused or failed import
//! — which stores nothing else — is seen and retried. Each kind belongs to the grant that may
//! import it: register snapshots and evidence to the administrator, contract files to Nav's
//! contract manager; a viewer sees the attempts and the waiting failures of their kinds only.

use std::path::Path;

use effekt_domain::dates::oslo_time;
use effekt_domain::imports::{self, ImportKind, ImportResult, ImportRun, KEPT_PROBLEMS};
use effekt_store::model::NewImportRun;

use super::home::Workflow;
use crate::policy::{self, Grant};
use crate::views::TaskView;
use crate::{App, AppError, Viewer};

/// How many attempts the log page and the homes look at.
pub(crate) const RECENT_IMPORTS: u32 = 200;

/// The grant that may make (and so sees) imports of `kind`.
pub fn owner(kind: ImportKind) -> Grant {
    match kind {
        ImportKind::Register | ImportKind::Evidence => Grant::Administration,
        ImportKind::Contract => Grant::DefineContracts,
    }
}

/// One attempt as the log page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRunView {
    pub id: i64,
    pub kind: String,
    pub source: String,
    /// Europe/Oslo.
    pub at: String,
    pub actor: String,
    /// `applied`, `unchanged`, `refused` or `failed`.
    pub result: String,
    pub result_label: String,
    pub succeeded: bool,
    /// Still a task: the newest attempt of its kind and scope, and not a success.
    pub waiting: bool,
    /// Grouped the Norwegian way.
    pub problem_count: String,
    pub problems: Vec<String>,
    /// Problems counted but not kept.
    pub more: u64,
    /// How to run it again.
    pub command: String,
}

/// The import log of the viewer's kinds.
pub struct ImportLogAccess {
    app: App,
    kinds: Vec<ImportKind>,
}

impl ImportLogAccess {
    pub(crate) fn new(app: App, viewer: &Viewer) -> Self {
        let kinds = ImportKind::ALL
            .into_iter()
            .filter(|k| policy::has(viewer.user.role, owner(*k)))
            .collect();
        Self { app, kinds }
    }

    /// The viewer's kinds among `runs`.
    fn mine(&self, runs: &[ImportRun]) -> Vec<ImportRun> {
        runs.iter()
            .filter(|r| self.kinds.contains(&r.kind))
            .cloned()
            .collect()
    }

    /// The newest attempts of the viewer's kinds, newest first.
    pub async fn runs(&self) -> Result<Vec<ImportRunView>, AppError> {
        let runs = self.mine(&self.app.store.import_runs(RECENT_IMPORTS).await?);
        let (work, _) = self.app.workflow().await?;
        let waiting: Vec<i64> = self.waiting(&work).iter().map(|r| r.id).collect();
        Ok(runs
            .iter()
            .map(|r| ImportRunView {
                id: r.id,
                kind: r.kind.label_nb().to_owned(),
                source: r.source.clone(),
                at: oslo_time(r.at),
                actor: r.actor_name.clone(),
                result: r.result.code().to_owned(),
                result_label: r.result.label_nb().to_owned(),
                succeeded: r.result.succeeded(),
                waiting: waiting.contains(&r.id),
                problem_count: effekt_domain::money::grouped(
                    i64::try_from(r.problem_count).unwrap_or(i64::MAX),
                ),
                more: r.problem_count.saturating_sub(r.problems.len() as u64),
                problems: r.problems.clone(),
                command: r.command(),
            })
            .collect())
    }

    /// The failures of the viewer's kinds that still wait (`imports::unsettled`), newest
    /// first, from the newest attempt of each kind and scope.
    pub(crate) fn waiting(&self, work: &Workflow) -> Vec<ImportRun> {
        let runs = self.mine(work.imports());
        imports::unsettled(&runs, &|id| work.awaits_terms(id))
            .into_iter()
            .cloned()
            .collect()
    }

    /// The failures that wait, as home tasks: the contract's name where the import was for one.
    pub(crate) fn tasks(&self, work: &Workflow) -> Vec<TaskView> {
        self.waiting(work)
            .into_iter()
            .map(|r| {
                let kind = effekt_domain::tasks::TaskKind::RetryImport;
                let problems = match r.problem_count {
                    0 => String::new(),
                    1 => ", 1 feil".to_owned(),
                    n => format!(
                        ", {} feil",
                        effekt_domain::money::grouped(i64::try_from(n).unwrap_or(i64::MAX))
                    ),
                };
                let contract = imports::contract_of(&r.scope)
                    .and_then(|id| work.contract_name(id))
                    .unwrap_or("–")
                    .to_owned();
                TaskView {
                    kind: kind.code().to_owned(),
                    label: kind.label_nb().to_owned(),
                    contract,
                    subject: format!(
                        "{} «{}» {} {}{problems}",
                        r.kind.label_nb(),
                        r.source,
                        r.result.label_nb().to_lowercase(),
                        oslo_time(r.at)
                    ),
                    href: format!("/importer#import-{}", r.id),
                    due: None,
                    overdue: false,
                }
            })
            .collect()
    }
}

/// One attempt to record: what, about what, from which file, and how it ended.
pub(crate) struct Attempt<'a> {
    pub kind: ImportKind,
    pub scope: String,
    /// The file or folder, of which only the last part is kept.
    pub source: &'a Path,
}

impl App {
    /// Keeps an attempt in the import log. `problems` are as the operator saw them; the log
    /// keeps the first [`KEPT_PROBLEMS`] (without any that may hold a national id, and with
    /// the file's path cut to its name) and counts `problem_count`. A log that cannot be
    /// written changes nothing about the import it reports (applied stays applied, refused
    /// keeps its problems): it is traced, and the operator still sees the outcome.
    pub(crate) async fn log_import(
        &self,
        viewer: &Viewer,
        attempt: &Attempt<'_>,
        result: ImportResult,
        problems: &[String],
        problem_count: usize,
    ) {
        let path = attempt.source.display().to_string();
        let source = attempt
            .source
            .file_name()
            .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
        let run = NewImportRun {
            kind: attempt.kind,
            scope: attempt.scope.clone(),
            source: imports::kept_problem(&source),
            at: self.now(),
            actor: Some(viewer.user.id),
            actor_name: viewer.user.username.clone(),
            result,
            problem_count: problem_count.max(problems.len()) as u64,
            problems: problems
                .iter()
                .take(KEPT_PROBLEMS)
                .map(|p| imports::kept_problem(&p.replace(&path, &source)))
                .collect(),
        };
        if let Err(e) = self.store.record_import(&run).await {
            tracing::error!(error = %e, kind = attempt.kind.code(), "the import could not be logged");
        }
    }
}
