//! The demo's plans: milestones of participants of each provider in every state a provider
//! meets — verified by a colleague, waiting for one, and retracted — recorded by the
//! provider's own demo staff, so the participant pages, the homes and the next statement have
//! something to show. Written through the store's milestone append, as the page writes them.
//!
//! Every record is reached in 4. kvartal 2026, a period not yet over: the demo's paid history
//! and its open period (3. kvartal) are priced exactly as before milestones existed, and the
//! verified ones are paid by the first statement of the next period.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use effekt_domain::ids::UserId;
use effekt_domain::role::Role;
use effekt_engine::demo;
use effekt_store::model::EvidenceRecord;
use effekt_store::plan::PlanBundle;

use super::SeedError;
use crate::App;

/// How many started participants per provider get milestones.
const PER_PROVIDER: usize = 8;

/// One record of a demo plan: milestone, days into 4. kvartal 2026 it was reached, verified
/// how many days later (`None`: waiting), retracted.
type Step = (&'static str, u64, Option<u64>, bool);

/// The plans, taken in turn: each state appears with every provider.
const PLANS: [&[Step]; 4] = [
    &[
        ("kartlegging", 5, Some(3), false),
        ("plan-godkjent", 40, None, false),
    ],
    &[("kartlegging", 30, None, false)],
    &[
        ("kartlegging", 2, Some(2), false),
        ("plan-godkjent", 20, Some(5), false),
        ("digitalt-grunnkurs", 50, None, false),
    ],
    &[("kartlegging", 10, Some(4), true)],
];

fn name(u: &demo::DemoUser) -> String {
    format!("{} ({})", u.display_name, u.username)
}

pub(super) async fn seed(
    app: &App,
    demo: &demo::Demo,
    ids: &HashMap<String, UserId>,
) -> Result<(), SeedError> {
    let today = app.today();
    for provider in &demo.dataset.providers {
        let staff: Vec<&demo::DemoUser> = demo
            .users
            .iter()
            .filter(|u| matches!(u.role, Role::ProviderStaff | Role::ProviderAdmin))
            .filter(|u| u.scope == demo::DemoScope::Provider(provider.id))
            .collect();
        let (Some(recorder), Some(writer)) = (
            staff.first(),
            staff.first().and_then(|u| ids.get(&u.username)),
        ) else {
            continue;
        };
        // A colleague of the provider verifies; a provider with one account has Nav do it.
        let verifier = staff.get(1).copied().map(name).or_else(|| {
            demo.users
                .iter()
                .find(|u| u.role == Role::NavCaseOfficer)
                .map(name)
        });
        let Some(verifier) = verifier else { continue };
        let started = demo
            .dataset
            .participants
            .iter()
            .filter(|p| p.provider == provider.id)
            .filter_map(|p| p.statuses.index_date().map(|start| (p.id, start)))
            // Within a year of the start, so that a verified kartlegging pays.
            .filter(|(_, start)| (first_day(2025, 11)..first_day(2026, 10)).contains(start))
            .take(PER_PROVIDER);
        for (n, (participant, start)) in started.enumerate() {
            for (step, &(milestone, reached, verified, retracted)) in
                PLANS[n % PLANS.len()].iter().enumerate()
            {
                let Some(achieved_on) =
                    add(first_day(2026, 10), reached).filter(|d| *d <= today && *d >= start)
                else {
                    continue;
                };
                let mut record = EvidenceRecord {
                    participant,
                    record_id: format!("D-demo-{}-{step}", participant.0),
                    identifier: milestone.to_owned(),
                    achieved_on,
                    score: None,
                    recorded_by: name(recorder),
                    verified: None,
                    retracted: false,
                };
                let at = app.now();
                app.store
                    .append_milestone(&record, None, *writer, at)
                    .await?;
                if let Some(days) = verified
                    .and_then(|d| add(achieved_on, d))
                    .filter(|d| *d <= today)
                {
                    record.verified = Some((verifier.clone(), days));
                    write_next(app, &record, *writer).await?;
                }
                if retracted {
                    record.retracted = true;
                    write_next(app, &record, *writer).await?;
                }
            }
        }
    }
    Ok(())
}

/// Appends the next row of a record the seed is writing alone.
async fn write_next(app: &App, record: &EvidenceRecord, by: UserId) -> Result<(), SeedError> {
    let newest = app
        .store
        .milestones(record.participant)
        .await?
        .into_iter()
        .find(|m| m.record_id == record.record_id)
        .map(|m| m.row);
    app.store
        .append_milestone(record, newest, by, app.now())
        .await?;
    Ok(())
}

fn first_day(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

fn add(date: NaiveDate, days: u64) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(days))
}

/// An individual plan for every started participant of each provider, written by the
/// provider's staff in one bulk write (at 100,000 participants the per-row path would take
/// minutes): a first version the participant approved (in person, or on their behalf for
/// every other one), for some a newer version waiting for approval, and learning tasks given
/// and completed so that levels show.
pub(super) async fn individual_all(
    app: &App,
    demo: &demo::Demo,
    ids: &HashMap<String, UserId>,
) -> Result<(), SeedError> {
    let today = app.today();
    let mut bundles = Vec::new();
    for provider in &demo.dataset.providers {
        let Some(staff) = demo
            .users
            .iter()
            .find(|u| {
                u.role == Role::ProviderStaff && u.scope == demo::DemoScope::Provider(provider.id)
            })
            .and_then(|u| ids.get(&u.username).copied())
        else {
            continue;
        };
        let started = demo
            .dataset
            .participants
            .iter()
            .filter(|p| p.provider == provider.id)
            .filter_map(|p| p.statuses.index_date().map(|start| (p.id, start)));
        for (n, (participant, start)) in started.enumerate() {
            bundles.push(individual(participant, start, staff, n, today)?);
        }
    }
    app.store.insert_plans(&bundles, app.now()).await?;
    Ok(())
}

/// The `n`th started participant's plan, as of `today`.
fn individual(
    participant: effekt_domain::ids::ParticipantId,
    start: NaiveDate,
    staff: UserId,
    n: usize,
    today: NaiveDate,
) -> Result<PlanBundle, SeedError> {
    use effekt_domain::plan::{self as rules, Approval, OnBehalfReason};
    let invalid = |e: rules::PlanError| SeedError::App(crate::AppError::internal("demo plan", e));
    let modules: Vec<String> = [
        "kartlegge-grunnleggende-ferdigheter",
        "norsk-muntlig-samhandling",
        "norsk-lese",
        "livsmestring",
        "digitale-ferdigheter",
        "arbeidslivskultur",
    ]
    .iter()
    .take(3 + n % 4)
    .map(|m| (*m).to_owned())
    .collect();
    let track = ["LANGT", "KORT", "NISJE"][n % 3];
    let mut versions =
        vec![rules::plan(track, &modules, "5", "0", start, Some(start)).map_err(invalid)?];
    if n % 3 == 1 {
        // Fewer days, one of them at home, from a month ago: waits for the participant.
        let from = today
            .checked_sub_days(Days::new(30))
            .filter(|d| *d >= start)
            .unwrap_or(start);
        versions.push(rules::plan(track, &modules, "3", "1", from, Some(start)).map_err(invalid)?);
    }
    let approval = if n % 2 == 0 {
        Approval::InPerson
    } else {
        Approval::OnBehalf(OnBehalfReason::ALL[n % 3])
    };
    let given = today
        .checked_sub_days(Days::new(40))
        .filter(|d| *d >= start)
        .unwrap_or(start);
    let count = 2 + n % 5;
    let tasks = rules::LEARNING_TASKS
        .iter()
        .take(count)
        .enumerate()
        .map(|(k, task)| {
            // All but the last two given are completed, a few days apart.
            let done = (k + 2 < count)
                .then(|| add(given, 3 * (k as u64 + 1)))
                .flatten()
                .map(|on| on.min(today));
            (task.code, given, done)
        })
        .collect();
    Ok(PlanBundle {
        participant,
        versions,
        approval: Some(approval),
        tasks,
        by: staff,
    })
}
