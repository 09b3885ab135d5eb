//! The individual plan on the participant page: its versions (track, modules, days per week,
//! remote days, from when), the participant's approval of the newest version as staff record
//! it, and the everyday learning tasks with the level and reward they lead to.
//!
//! Who: the provider's staff and admins write the plan, record the approval and assign and
//! complete tasks; Nav's case officer of the office reads it. Nobody reads or changes the plan
//! of a person masked for them; no other role sees it.

use chrono::NaiveDate;
use effekt_domain::dates::{oslo_time, parse_civil_date};
use effekt_domain::ids::ParticipantId;
use effekt_domain::plan::{self as rules, Approval, OnBehalfReason, PlanError, Track};
use effekt_domain::role::Role;
use effekt_store::model::ParticipantDetail;
use serde::Serialize;

use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::{AppError, FieldError};

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    /// The newest version, if any.
    pub current: Option<PlanVersionView>,
    /// Earlier versions, newest first.
    pub earlier: Vec<PlanVersionView>,
    pub tasks: Vec<LearningTaskView>,
    pub completed: usize,
    pub level: Option<String>,
    /// The next level's reward and how many more tasks it needs.
    pub next_level: Option<(String, usize)>,
    pub started: bool,
    pub may_write: bool,
    /// Writes versions and records approval (a teacher only teaching the group does not).
    pub may_author: bool,
    /// What the plan form offers as the date a new version applies from: today.
    pub default_from: NaiveDate,
    /// Attendance at group sessions per month: ("mm.åååå", "87 %").
    pub attendance: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanVersionView {
    pub id: i64,
    pub version: i64,
    pub track: String,
    pub track_code: String,
    pub modules: Vec<String>,
    pub module_codes: Vec<String>,
    pub days_per_week: i64,
    pub remote_days: i64,
    pub valid_from: NaiveDate,
    pub written: String,
    /// How and by whom the participant's approval was recorded; `None`: waits for it.
    pub approval: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LearningTaskView {
    pub id: i64,
    pub label: String,
    pub assigned_on: NaiveDate,
    pub assigned_by: String,
    pub completed: Option<String>,
}

/// The plan form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanInput {
    pub track: String,
    pub modules: Vec<String>,
    pub days_per_week: String,
    pub remote_days: String,
    pub valid_from: String,
}

fn refused(e: &PlanError) -> FieldError {
    FieldError::new(e.field(), e.to_string())
}

fn version_view(p: effekt_store::plan::StoredPlan) -> PlanVersionView {
    let approval = p.approval.map(|a| {
        let how = match (
            a.how.as_str(),
            a.reason.as_deref().and_then(OnBehalfReason::from_code),
        ) {
            ("PA_VEGNE", Some(r)) => Approval::OnBehalf(r),
            _ => Approval::InPerson,
        };
        format!(
            "{} – {}, {}",
            how.label_nb(),
            a.recorded_by,
            oslo_time(a.recorded_at)
        )
    });
    PlanVersionView {
        id: p.id,
        version: p.version,
        track: Track::from_code(&p.track)
            .map_or_else(|| p.track.clone(), |t| t.label_nb().to_owned()),
        track_code: p.track,
        modules: p
            .modules
            .iter()
            .map(|m| rules::module(m).map_or_else(|| m.clone(), |d| d.label_nb.to_owned()))
            .collect(),
        module_codes: p.modules,
        days_per_week: p.days_per_week,
        remote_days: p.remote_days,
        valid_from: p.valid_from,
        written: format!("{}, {}", p.written_by, oslo_time(p.written_at)),
        approval,
    }
}

impl ParticipantAccess {
    /// The participant's plan; `None` for roles that do not see plans. Audited.
    pub async fn plan(&self, id: ParticipantId) -> Result<Option<PlanView>, AppError> {
        let role = self.viewer.user.role;
        if !(role.is_provider() || role == Role::NavCaseOfficer) {
            return Ok(None);
        }
        let d = self.unmasked_in_scope(id, Purpose::ParticipantPlan).await?;
        let versions = self.app.store.plans(id).await?;
        let stored_tasks = self.app.store.learning_tasks(id).await?;
        let attended = self.app.store.attended_sessions(id).await?;
        self.permit_purposes(d.person, &[Purpose::ParticipantPlan, Purpose::Attendance])
            .await?;
        let mut versions = versions.into_iter().map(version_view);
        let current = versions.next();
        let tasks: Vec<LearningTaskView> = stored_tasks
            .into_iter()
            .map(|t| LearningTaskView {
                id: t.id,
                label: rules::learning_task(&t.task)
                    .map_or_else(|| t.task.clone(), |d| d.label_nb.to_owned()),
                assigned_on: t.assigned_on,
                assigned_by: t.assigned_by,
                completed: t
                    .completed
                    .map(|(on, who)| format!("{}, {who}", on.format("%d.%m.%Y"))),
            })
            .collect();
        let completed = tasks.iter().filter(|t| t.completed.is_some()).count();
        let (reached, next) = rules::level(completed);
        Ok(Some(PlanView {
            current,
            earlier: versions.collect(),
            completed,
            level: reached.map(|l| format!("Nivå {}: {}", l.number, l.reward_nb)),
            next_level: next.map(|l| {
                (
                    format!("Nivå {}: {}", l.number, l.reward_nb),
                    l.tasks - completed,
                )
            }),
            tasks,
            started: d.statuses.index_date().is_some(),
            may_write: role.is_provider(),
            may_author: role.is_provider() && super::team::sees_whole_record(&self.viewer.user, &d),
            default_from: self.app.today(),
            attendance: super::attendance::monthly_rates(&attended),
        }))
    }

    /// Writes a new version of the plan (provider staff).
    pub async fn write_plan(
        &self,
        id: ParticipantId,
        input: &PlanInput,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self.plan_author(id).await?;
        let valid_from = match parse_civil_date(&input.valid_from) {
            Ok(date) => date,
            Err(e) => return Ok(Err(FieldError::new("gjelder_fra", e.message_nb()))),
        };
        let plan = match rules::plan(
            &input.track,
            &input.modules,
            &input.days_per_week,
            &input.remote_days,
            valid_from,
            d.statuses.index_date(),
        ) {
            Ok(plan) => plan,
            Err(e) => return Ok(Err(refused(&e))),
        };
        let newest = self
            .app
            .store
            .plans(id)
            .await?
            .first()
            .map_or(0, |p| p.version);
        self.permit([d.person], Purpose::ParticipantPlan).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        match self.app.store.write_plan(id, &plan, newest, by, at).await? {
            Some(_) => {
                self.log_change(&d, "plan.write", &format!("version:{}", newest + 1))
                    .await?;
                Ok(Ok(()))
            }
            None => Ok(Err(refused(&PlanError::NotNewest))),
        }
    }

    /// Records the participant's approval of the newest plan version (provider staff).
    pub async fn approve_plan(
        &self,
        id: ParticipantId,
        version: &str,
        how: &str,
        reason: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self.plan_author(id).await?;
        let versions = self.app.store.plans(id).await?;
        let Some(newest) = versions.first() else {
            return Err(AppError::NotFound);
        };
        let version: i64 = version.trim().parse().map_err(|_| AppError::NotFound)?;
        let Some(chosen) = versions.iter().find(|p| p.version == version) else {
            return Err(AppError::NotFound);
        };
        let approval = match rules::approve(
            how,
            reason,
            version,
            newest.version,
            chosen.approval.is_some(),
        ) {
            Ok(a) => a,
            Err(e) => return Ok(Err(refused(&e))),
        };
        self.permit([d.person], Purpose::ParticipantPlan).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        if self
            .app
            .store
            .approve_plan(chosen.id, approval, by, at)
            .await?
        {
            self.log_change(&d, "plan.approve", &format!("version:{version}"))
                .await?;
            Ok(Ok(()))
        } else {
            Ok(Err(refused(&PlanError::AlreadyApproved)))
        }
    }

    /// Gives the participant a learning task from the library (provider staff).
    pub async fn assign_learning_task(
        &self,
        id: ParticipantId,
        task: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self.plan_writer(id).await?;
        let Some(def) = rules::learning_task(task.trim()) else {
            return Ok(Err(refused(&PlanError::UnknownTask)));
        };
        self.permit([d.person], Purpose::ParticipantPlan).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        self.app
            .store
            .assign_learning_task(id, def.code, self.app.today(), by, at)
            .await?;
        self.log_change(&d, "plan.task-assign", def.code).await?;
        Ok(Ok(()))
    }

    /// Records a learning task completed on a date (provider staff).
    pub async fn complete_learning_task(
        &self,
        id: ParticipantId,
        task: i64,
        completed_on: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self.plan_writer(id).await?;
        let found = self
            .app
            .store
            .learning_tasks(id)
            .await?
            .into_iter()
            .find(|t| t.id == task)
            .ok_or(AppError::NotFound)?;
        let on = match parse_civil_date(completed_on) {
            Ok(on) => on,
            Err(e) => return Ok(Err(FieldError::new("fullfort_dato", e.message_nb()))),
        };
        let today = self.app.today();
        if let Err(e) = rules::complete(found.completed.is_some(), found.assigned_on, on, today) {
            return Ok(Err(refused(&e)));
        }
        self.permit([d.person], Purpose::ParticipantPlan).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        if self
            .app
            .store
            .complete_learning_task(task, on, by, at)
            .await?
        {
            self.log_change(&d, "plan.task-complete", &found.task)
                .await?;
            Ok(Ok(()))
        } else {
            Ok(Err(refused(&PlanError::AlreadyCompleted)))
        }
    }

    /// The participant, for the provider's staff and admins; others refused and audited.
    async fn plan_writer(
        &self,
        id: ParticipantId,
    ) -> Result<std::sync::Arc<ParticipantDetail>, AppError> {
        if !self.viewer.user.role.is_provider() {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantPlan).await?;
            return Err(AppError::Forbidden);
        }
        self.unmasked_in_scope(id, Purpose::ParticipantPlan).await
    }

    /// The plan's own writer (versions and approval): the plan writer, except a teacher who
    /// only teaches the participant's group — she gives and completes learning tasks only.
    async fn plan_author(
        &self,
        id: ParticipantId,
    ) -> Result<std::sync::Arc<ParticipantDetail>, AppError> {
        let d = self.plan_writer(id).await?;
        if !super::team::sees_whole_record(&self.viewer.user, &d) {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantPlan).await?;
            return Err(AppError::Forbidden);
        }
        Ok(d)
    }
}
