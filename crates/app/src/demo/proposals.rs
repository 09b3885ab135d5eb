//! The demo's proposals to Nav: for the first provider, one waiting for the case officer of
//! the participant's office (a task on that home), one approved and not yet read at the
//! provider (a task there), one rejected with a reason and read, and an ended participation.
//! Written through the store as the pages write them, each change worked out by the domain's
//! rules against the participation as it stands.

use std::collections::HashMap;

use chrono::{Days, Duration, NaiveDate};
use effekt_domain::ids::UserId;
use effekt_domain::participant::{EndReason, ParticipantStatus};
use effekt_domain::proposals::{self as rules, Amount, Change, ProposalStatus};
use effekt_domain::role::Role;
use effekt_engine::demo::{self, DemoScope};
use effekt_store::workspace::{NewProposal, ProposalAnswer};

use super::SeedError;
use crate::App;

/// What happens to each proposal: waiting, approved (unread), rejected (read), approved (read).
enum Fate {
    Waits,
    Approved { read: bool },
    Rejected(&'static str),
}

pub(super) async fn seed(
    app: &App,
    demo: &demo::Demo,
    ids: &HashMap<String, UserId>,
) -> Result<(), SeedError> {
    let Some(provider) = demo.dataset.providers.first() else {
        return Ok(());
    };
    let user = |pred: &dyn Fn(&demo::DemoUser) -> bool| {
        demo.users
            .iter()
            .find(|u| pred(u))
            .and_then(|u| ids.get(&u.username).copied())
    };
    let Some(staff) =
        user(&|u| u.role == Role::ProviderStaff && u.scope == DemoScope::Provider(provider.id))
    else {
        return Ok(());
    };
    let today = app.today();
    let month = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or(today);
    let plan: [(Change, Option<&str>, Fate); 4] = [
        (
            Change::Extend {
                end: today + Days::new(180),
            },
            Some("Trenger mer tid til arbeidspraksis"),
            Fate::Waits,
        ),
        (
            Change::Amount(Amount {
                percent: 60,
                days_per_week: Some(3),
                valid_from: month,
            }),
            Some("Har fått deltidsjobb to dager i uka"),
            Fate::Approved { read: false },
        ),
        (
            Change::EndDate {
                end: today + Days::new(60),
            },
            None,
            Fate::Rejected("Sluttdato avtales i oppfølgingsmøtet i januar"),
        ),
        (
            Change::End {
                end: today - Duration::days(10),
                ended: rules::ended(Some(EndReason::FattJobb), "").map_err(invalid)?,
            },
            Some("Fast stilling fra 1. desember"),
            Fate::Approved { read: true },
        ),
    ];
    let office = demo.dataset.nav_offices.first().map(|o| o.id);
    let candidates = demo
        .dataset
        .participants
        .iter()
        .filter(|p| p.provider == provider.id && Some(p.nav_office) == office)
        .filter(|p| p.statuses.current().status == ParticipantStatus::Deltar)
        // Shown to the provider's staff: nobody whose address is protected.
        .filter(|p| {
            demo.dataset
                .persons
                .iter()
                .any(|x| x.key == p.person && !x.protection.is_protected())
        })
        .filter(|p| p.statuses.current().valid_from < today - Duration::days(30))
        .rev();
    for (p, (change, justification, fate)) in candidates.zip(plan) {
        let Some(officer) = user(&|u| {
            u.role == Role::NavCaseOfficer && u.scope == DemoScope::NavOffice(p.nav_office)
        }) else {
            continue;
        };
        let Some(current) = app.store.participation(p.id).await? else {
            continue;
        };
        let Ok(changed) = rules::apply(&change, &current, today) else {
            continue;
        };
        let new = NewProposal {
            participant: p.id,
            change,
            justification: justification.map(str::to_owned),
        };
        let proposal = app.store.propose(&new, staff, app.now()).await?;
        let (status, reason, apply) = match fate {
            Fate::Waits => continue,
            Fate::Approved { .. } => (ProposalStatus::Approved, None, Some((&current, &changed))),
            Fate::Rejected(why) => (ProposalStatus::Rejected, Some(why), None),
        };
        let answer = ProposalAnswer {
            proposal,
            participant: p.id,
            status,
            reason,
            apply,
        };
        app.store
            .answer_proposal(&answer, officer, app.now())
            .await?;
        if !matches!(fate, Fate::Approved { read: false }) {
            app.store
                .mark_answer_read(proposal, staff, app.now())
                .await?;
        }
    }
    Ok(())
}

fn invalid(_: rules::ProposalError) -> SeedError {
    SeedError::Generate(demo::DemoError::Inconsistent("a demo end reason"))
}
