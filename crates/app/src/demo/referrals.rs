//! The demo's referrals: the case officer of an office serving the first contract refers two
//! people of the register ([`demo::REFERRED`]) to the first provider — one still waits for the
//! provider's answer (a task on its homes), one has been given a place and waits to start —
//! and keeps a draft for the second referable person ([`demo::REFERABLE`]), gone through with
//! him and waiting to be sent (a task on the officer's homes). Written through the store as
//! the referral form and the answer write them.

use std::collections::HashMap;

use effekt_domain::ids::UserId;
use effekt_domain::national_id::NationalId;
use effekt_domain::referral_drafts::DraftState;
use effekt_domain::referrals::{self as rules, ReferralAnswer};
use effekt_domain::role::Role;
use effekt_engine::demo::{self, DemoScope};
use effekt_store::referral_drafts::{DraftSaved, NewReferralDraft};
use effekt_store::workspace::NewReferral;

use super::SeedError;
use crate::{App, AppError};

pub(super) async fn seed(
    app: &App,
    demo: &demo::Demo,
    ids: &HashMap<String, UserId>,
) -> Result<(), SeedError> {
    let (Some(contract), Some(provider)) = (
        demo.dataset.contracts.first(),
        demo.dataset.providers.first(),
    ) else {
        return Ok(());
    };
    let Some((_, office)) = demo
        .dataset
        .contract_offices
        .iter()
        .find(|(c, _)| *c == contract.id)
    else {
        return Ok(());
    };
    let Some(officer) = demo
        .users
        .iter()
        .find(|u| u.role == Role::NavCaseOfficer && u.scope == DemoScope::NavOffice(*office))
        .and_then(|u| ids.get(&u.username).copied())
    else {
        return Ok(());
    };
    let staff = demo
        .users
        .iter()
        .find(|u| u.role == Role::ProviderStaff && u.scope == DemoScope::Provider(provider.id))
        .and_then(|u| ids.get(&u.username).copied())
        .unwrap_or(officer);
    let invalid = |what: &'static str| {
        SeedError::App(AppError::internal(what, std::io::Error::other("demo")))
    };
    let today = app.today();
    for (n, number) in demo::REFERRED.iter().enumerate() {
        let id = NationalId::parse(number).map_err(|_| invalid("a referred demo id"))?;
        let Some(person) = app.store.person_holding(&id).await? else {
            return Err(invalid("a referred demo person"));
        };
        let participation = rules::sent(today)
            .map_err(|e| SeedError::App(AppError::internal("demo referral", e)))?;
        let referral = NewReferral {
            person,
            contract: contract.id,
            provider: provider.id,
            office: *office,
            participation,
            answer_due: rules::answer_due(today),
        };
        let Some(participant) = app.store.refer(&referral, officer, app.now()).await? else {
            continue;
        };
        if n == 1 {
            let current = app
                .store
                .participation(participant)
                .await?
                .ok_or_else(|| invalid("a referred demo participation"))?;
            let accepted = rules::answer(&current, &ReferralAnswer::Accept, today)
                .map_err(|e| SeedError::App(AppError::internal("demo referral answer", e)))?;
            app.store
                .change_participation(participant, &current, &accepted, staff, app.now())
                .await?;
        }
    }
    // The draft: the second referable person, to the first provider, gone through with him.
    let id = NationalId::parse(demo::REFERABLE[1]).map_err(|_| invalid("a referable demo id"))?;
    let Some(person) = app.store.person_holding(&id).await? else {
        return Err(invalid("a referable demo person"));
    };
    let draft = NewReferralDraft {
        person,
        contract: contract.id,
        provider: provider.id,
        office: *office,
    };
    if let DraftSaved::Saved(draft) = app
        .store
        .save_referral_draft(&draft, officer, app.now())
        .await?
    {
        app.store
            .step_referral_draft(draft, 0, DraftState::UtkastTilPamelding, officer, app.now())
            .await?;
    }
    Ok(())
}
