//! The demo's evaluation (issue 15): the evaluator registers the example plan, judged over 12
//! months (the contract's 24-month windows have not closed for anyone in the demo yet), runs it
//! on the demo snapshot as an interim run, and publishes it — through the same use cases as the
//! pages, so the evaluation page, the report and the publication are there to look at.

use std::collections::HashMap;

use effekt_domain::ids::UserId;
use effekt_domain::role::Role;
use effekt_engine::demo::Demo;
use effekt_store::evaluation::RunLabel;

use super::SeedError;
use crate::access::evaluation::EXAMPLE_PLAN;
use crate::App;

/// The demo's plan: the example, judged within 12 months.
pub fn demo_plan() -> String {
    EXAMPLE_PLAN.replace(
        "history_months = 24 ",
        "window_months = 12                           # utfallene vurderes innen 12 måneder (foreløpig)\nhistory_months = 24 ",
    )
}

pub(super) async fn seed(
    app: &App,
    demo: &Demo,
    ids: &HashMap<String, UserId>,
) -> Result<(), SeedError> {
    let evaluator = demo
        .users
        .iter()
        .find(|u| u.role == Role::Evaluator)
        .and_then(|u| ids.get(&u.username));
    let (Some(&evaluator), Some(contract)) = (evaluator, demo.dataset.contracts.first()) else {
        return Ok(());
    };
    let Some(viewer) = super::seed_viewer(app, evaluator).await? else {
        return Ok(());
    };
    let access = viewer.evaluation(app)?;
    if let Err(problems) = access.register_plan(contract.id, &demo_plan(), "").await? {
        return Err(
            crate::AppError::Refused(format!("the demo's evaluation plan: {problems:?}")).into(),
        );
    }
    // A demo too small to analyse has a plan and no run: what the page says then is the demo.
    if let Ok(run) = access.run(contract.id, None, RunLabel::Interim).await? {
        access.publish(run).await?;
    }
    Ok(())
}
