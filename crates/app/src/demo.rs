//! The demo world in a store: the engine's synthetic people, contract, register snapshot and
//! accounts, and a history made through the same rules and ledger as the pages: six paid
//! quarterly statements and an agreed amendment. `effekt demo` and the load benchmarks use it.

mod evaluation;
mod intake;
mod plans;
mod proposals;
mod referrals;
mod team;
mod term;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use effekt_domain::contract::amendment::{self, Decision, PartyDecision, PartyKey};
use effekt_domain::contract::periods;
use effekt_domain::contract::statement::{Statement, Step, StepError};
use effekt_domain::contract::terms::PartyRole;
use effekt_domain::ids::{ContractId, UserId};
use effekt_domain::money::Nok;
use effekt_domain::role::Role;
use effekt_engine::demo::{self, DemoScope, AMENDMENT_FROM, PROPOSAL_FROM};
use effekt_store::model::{NewUser, Proposal, UserScope};
use effekt_store::{Store, StoreError};

/// Why the demo's pending proposal is made.
const PROPOSAL_REASON: &str = "Muntlig B1 tar lengre tid enn beregnet for deltakere med kort skolegang; prisen foreslås hevet fra 15 000 til 17 500 kr fra 1. januar 2027.";

/// Why the demo's amendment was made, as the contract manager wrote it.
const AMENDMENT_REASON: &str = "Jobbstart gir flest varige resultater i evalueringen så langt; prisen heves fra 30 000 til 35 000 kr fra 1. juli 2026 for å styrke innsatsen mot arbeidsgivere.";

use crate::ledger::LedgerError;
use crate::{App, AppError};

pub use effekt_engine::demo::{DEFAULT_PARTICIPANTS, DEFAULT_SEED, DEMO_PASSWORD};
pub use evaluation::demo_plan;

/// Why the demo world could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("demo data: {0}")]
    Generate(#[from] effekt_engine::demo::DemoError),
    #[error("demo statement: {0}")]
    Statement(StepError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    App(#[from] AppError),
}

fn scope(s: DemoScope) -> UserScope {
    match s {
        DemoScope::None => UserScope::None,
        DemoScope::NavOffice(o) => UserScope::NavOffice(o),
        DemoScope::Provider(p) => UserScope::Provider(p),
        DemoScope::Investor(i) => UserScope::Investor(i),
    }
}

/// Fills an empty store with the demo world and its accounts.
pub async fn seed(app: &App, seed: u64, participants: usize) -> Result<(), SeedError> {
    let store = &app.store;
    let demo = demo::generate(seed, participants)?;
    store.insert_dataset(&demo.dataset).await?;
    for contract in &demo.dataset.contracts {
        store
            .add_contract_version(
                Some(contract.id),
                &demo.terms,
                Some(&demo.terms_source),
                contract.target_cohort,
                app.now(),
            )
            .await?;
    }
    // Generated, not read from files: the seed and size identify its content.
    let content = format!("demo:{seed}:{participants}");
    store
        .import_register(&demo.register, &content, app.now(), &|_| {})
        .await?;
    let mut ids = HashMap::new();
    for u in &demo.users {
        let hash = crate::accounts::hash_password(&u.password).await?;
        let id = store
            .create_user(&NewUser {
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                password_hash: hash,
                role: u.role,
                scope: scope(u.scope),
                discipline: team::discipline(&u.username, u.role),
            })
            .await?;
        ids.insert(u.username.clone(), id);
    }
    for (username, participant) in &demo.assignments {
        if let Some(id) = ids.get(username) {
            store.assign_staff(*id, *participant).await?;
        }
    }
    let by_role = |role: Role| -> Vec<UserId> {
        demo.users
            .iter()
            .filter(|u| u.role == role)
            .filter_map(|u| ids.get(&u.username).copied())
            .collect()
    };
    let (managers, evaluators, officers) = (
        by_role(Role::NavContractManager),
        by_role(Role::Evaluator),
        by_role(Role::NavCaseOfficer),
    );
    if let (Some(&manager), Some(&evaluator), [first, second, ..]) =
        (managers.first(), evaluators.first(), officers.as_slice())
    {
        for contract in &demo.dataset.contracts {
            let staff = [manager, evaluator, *first, *second];
            paid_statements(app, contract.id, staff).await?;
            agreed_amendment(store, contract.id, &demo, &ids).await?;
        }
    }
    import_history(app, &demo, &ids).await?;
    plans::seed(app, &demo, &ids).await?;
    proposals::seed(app, &demo, &ids).await?;
    intake::seed(app, &demo, &ids).await?;
    plans::individual_all(app, &demo, &ids).await?;
    referrals::seed(app, &demo, &ids).await?;
    term::seed(app, &demo.dataset).await?;
    team::seed(app, &demo, &ids).await?;
    evaluation::seed(app, &demo, &ids).await?;
    Ok(())
}

/// A demo user acting through the use cases while the demo is seeded, as the command line
/// does; `None` when there is no such account.
async fn seed_viewer(app: &App, user: UserId) -> Result<Option<crate::Viewer>, SeedError> {
    Ok(app.store.user_by_id(user).await?.map(|user| crate::Viewer {
        user,
        request_id: "demo-seed".to_owned(),
        channel: effekt_store::model::Channel::Cli {
            os_user: "demo".to_owned(),
        },
        session: None,
    }))
}

/// The demo's import log, made through the same use cases as the command line: the register
/// snapshot it was seeded with, and a provider file the administrator tried last night that
/// was refused (a record verified by the person who recorded it, and a date that does not
/// exist), so the administrator's home has a failed import to put right.
async fn import_history(
    app: &App,
    demo: &demo::Demo,
    ids: &HashMap<String, UserId>,
) -> Result<(), SeedError> {
    let admin = demo
        .users
        .iter()
        .find(|u| u.role == Role::Administrator)
        .and_then(|u| ids.get(&u.username));
    let (Some(&admin), Some(contract), Some(person)) = (
        admin,
        demo.dataset.contracts.first(),
        demo.dataset.persons.first(),
    ) else {
        return Ok(());
    };
    let Some(viewer) = seed_viewer(app, admin).await? else {
        return Ok(());
    };
    let register = crate::access::imports::Attempt {
        kind: effekt_domain::imports::ImportKind::Register,
        scope: String::new(),
        source: std::path::Path::new("registeruttrekk-demo"),
    };
    app.log_import(
        &viewer,
        &register,
        effekt_domain::imports::ImportResult::Applied,
        &[],
        0,
    )
    .await;
    let id = person.ids.current();
    let file = format!(
        "record_id;national_id;identifier;date;score;recorded_by;verified_by;verified_on;action\n\
         M-101;{id};kartlegging;2026-11-02;;Kari Veileder;Kari Veileder;2026-11-03;\n\
         M-102;{id};kartlegging;2026-11-31;;Kari Veileder;Per Jobbspesialist;2026-12-01;\n"
    );
    // Refused by design: what matters is the log row it leaves.
    let _refused = viewer
        .administration(app)?
        .import_evidence_text(
            contract.id,
            std::path::Path::new("leverandor-milepaeler-november.csv"),
            &file,
        )
        .await?;
    Ok(())
}

/// The demo's amendment history: version 2 (a job start pays 35,000 from 1 July 2026),
/// proposed by the contract manager on 15 June 2026 and agreed over the following days by
/// every party whose answer the domain's rules require.
async fn agreed_amendment(
    store: &Arc<dyn Store>,
    contract: ContractId,
    demo: &demo::Demo,
    ids: &HashMap<String, UserId>,
) -> Result<(), SeedError> {
    let (terms, text) = &demo.amendment;
    let current = &demo.terms;
    let statements = store.statements(contract).await?;
    let open = periods::open_period(current, &statements).map(|p| p.start);
    let required = amendment::required(current, amendment::is_retroactive(AMENDMENT_FROM, open));
    let orgnr_of = |scope: DemoScope| match scope {
        DemoScope::Provider(p) => demo
            .dataset
            .providers
            .iter()
            .find(|x| x.id == p)
            .map(|x| x.orgnr),
        DemoScope::Investor(i) => demo
            .dataset
            .investors
            .iter()
            .find(|x| x.id == i)
            .map(|x| x.orgnr),
        _ => None,
    };
    // Who acts for each party: Nav's contract manager, a provider's admin, an investor's user.
    let actor = |key: &PartyKey| {
        demo.users
            .iter()
            .find(|u| match key.role {
                PartyRole::Nav => u.role == Role::NavContractManager,
                PartyRole::Evaluator => u.role == Role::Evaluator,
                PartyRole::Provider => {
                    u.role == Role::ProviderAdmin && orgnr_of(u.scope) == Some(key.orgnr)
                }
                PartyRole::Investor => {
                    u.role == Role::Investor && orgnr_of(u.scope) == Some(key.orgnr)
                }
            })
            .and_then(|u| ids.get(&u.username).copied())
    };
    // Nav proposes; the others answer in the contract's order.
    let mut order = required.clone();
    order.sort_by_key(|k| k.role != PartyRole::Nav);
    let Some(actors) = order
        .iter()
        .map(|k| actor(k).map(|u| (*k, u)))
        .collect::<Option<Vec<_>>>()
    else {
        return Ok(());
    };
    let at = |day: u32| {
        NaiveDate::from_ymd_opt(2026, 6, day)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .map(|d| d.and_utc())
            .unwrap_or_default()
    };
    let mut decisions = Vec::new();
    for (n, (party, by)) in actors.into_iter().enumerate() {
        let decision = PartyDecision {
            party,
            by,
            decision: Decision::Approve,
            at: at(15 + n as u32),
        };
        if n == 0 {
            let proposal = Proposal {
                terms,
                source: Some(text),
                effective_from: AMENDMENT_FROM,
                decision,
                reason: Some(AMENDMENT_REASON),
            };
            store.propose_contract_version(contract, &proposal).await?;
        } else {
            let before = decisions.len();
            let mut after = decisions.clone();
            after.push(decision);
            let becomes = amendment::state(&required, &after);
            store
                .decide_contract_version(contract, 2, &decision, None, before, becomes)
                .await?;
        }
        decisions.push(decision);
    }
    // Version 3, proposed by Nav on 20 November 2026 and still waiting for the others.
    if let Some(nav) = decisions.first() {
        let (terms, text) = &demo.proposal;
        let proposal = Proposal {
            terms,
            source: Some(text),
            effective_from: PROPOSAL_FROM,
            decision: PartyDecision {
                at: NaiveDate::from_ymd_opt(2026, 11, 20)
                    .and_then(|d| d.and_hms_opt(9, 0, 0))
                    .map(|d| d.and_utc())
                    .unwrap_or_default(),
                ..*nav
            },
            reason: Some(PROPOSAL_REASON),
        };
        store.propose_contract_version(contract, &proposal).await?;
    }
    Ok(())
}

/// The demo's payment history: every period that ended before 1 July 2026 computed by the
/// contract manager ten days after it ended, verified by the evaluator, approved by the two
/// case officers and paid, through the same rules and ledger as the pages. The next period is
/// left open, to be computed in the demo.
async fn paid_statements(
    app: &App,
    contract: ContractId,
    [manager, evaluator, first, second]: [UserId; 4],
) -> Result<(), SeedError> {
    let store = &app.store;
    let pricing = app.pricing(contract).await?;
    let Some(last) = NaiveDate::from_ymd_opt(2026, 6, 30) else {
        return Ok(());
    };
    loop {
        let statements = store.statements(contract).await?;
        let Some(period) = pricing.open_period(&statements) else {
            return Ok(());
        };
        if period.end > last {
            return Ok(());
        }
        let at = |days: u64| {
            let day = period
                .end
                .checked_add_days(Days::new(days))
                .unwrap_or(period.end);
            day.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc()
        };
        let refused = SeedError::Statement;
        let mut rules = Statement::compute(
            &period.label,
            Nok::ZERO,
            manager,
            Role::NavContractManager,
            at(10),
        )
        .map_err(refused)?;
        let booked = crate::ledger::booked_lines(store.as_ref(), &statements).await?;
        let new = pricing.statement(&period, &booked, rules.events[0])?;
        let id = store.add_statement(&new, None).await?;
        for (step, by, role, days) in [
            (Step::Verify, evaluator, Role::Evaluator, 14),
            (Step::Approve, first, Role::NavCaseOfficer, 17),
            (Step::Approve, second, Role::NavCaseOfficer, 18),
            (Step::Pay, manager, Role::NavContractManager, 25),
        ] {
            let before = rules.events.len();
            rules.take(step, by, role, at(days)).map_err(refused)?;
            if let Some(event) = rules.events.get(before) {
                // The demo's payments carry a day and a voucher id, as real ones do.
                let reference = format!("BILAG-{}-{id}", period.label);
                let paid = (step == Step::Pay).then(|| (at(days).date_naive(), reference.as_str()));
                store
                    .add_payment_event(id, before, event, paid, None)
                    .await?;
            }
        }
    }
}

/// Whether the store holds no contract yet (a fresh database, ready for the demo world).
pub async fn is_empty(app: &App) -> Result<bool, StoreError> {
    app.store.is_empty().await
}

/// A demo account as the demo's start output lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccountLine {
    pub username: String,
    pub role: &'static str,
    /// The organisation the account acts for; empty for roles tied to none.
    pub organisation: String,
    /// One thing worth trying with it, in Norwegian.
    pub try_this: &'static str,
}

/// Every account with its role, its organisation (named from the demo world of `seed`, whose
/// organisations do not depend on the number of participants) and one thing to try.
pub async fn account_lines(app: &App, seed: u64) -> Result<Vec<DemoAccountLine>, SeedError> {
    let world = effekt_engine::demo::generate(seed, 1)?;
    let data = &world.dataset;
    let organisation = |scope: &UserScope| match scope {
        UserScope::None => String::new(),
        UserScope::NavOffice(o) => data
            .nav_offices
            .iter()
            .find(|x| x.id == *o)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        UserScope::Provider(p) => data
            .providers
            .iter()
            .find(|x| x.id == *p)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        UserScope::Investor(i) => data
            .investors
            .iter()
            .find(|x| x.id == *i)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
    };
    Ok(app
        .store
        .users()
        .await?
        .into_iter()
        // The large demo's further teachers ("laerer.stor.2", …) are not listed.
        .filter(|u| {
            !(u.username.starts_with("laerer.")
                && u.username.rsplit('.').next().is_some_and(|n| n.parse::<u32>().is_ok()))
        })
        .map(|u| DemoAccountLine {
            organisation: organisation(&u.scope),
            role: u.role.label_nb(),
            try_this: match u.username.split('.').next().unwrap_or_default() {
                "laerer" => "ta oppmøte for gruppen fra forsiden; bekreft tolken under Grupper og oppmøte → Tolkebestillinger",
                "koordinator" => "se saksmengden til hver ansatt under Team; legg spesialpedagogen til i teamet til en deltaker",
                "spesialpedagog" => "se lese- og skrivevansker i kartleggingen til deltakerne i teamene dine (Team); en lærer ser den ikke",
                "helse" => "se helsebehov, hørsel og syn i kartleggingen til deltakerne i teamene dine (Team)",
                _ => try_with(u.role),
            },
            username: u.username,
        })
        .collect())
}

/// One thing each role can do in the demo, to start from.
fn try_with(role: Role) -> &'static str {
    match role {
        Role::NavCaseOfficer => {
            "svar på forslaget på forsiden; henvis Halima Abdi (139272 48187) under Deltakere → Ny henvisning"
        }
        Role::NavContractManager => {
            "beregn den åpne perioden under Utbetalinger; se kontrakten og versjonene"
        }
        Role::ProviderStaff => {
            "svar på en henvisning og les svaret fra Nav på forsiden; skriv en individuell plan, registrer et delmål og send et forslag"
        }
        Role::ProviderAdmin => {
            "ta stilling til en foreslått endring; opprett en konto for en ny ansatt under Brukere"
        }
        Role::Investor => "se investeringer: trekk, inntekter og fordeling",
        Role::Evaluator => {
            "verifiser et beregnet oppgjør; se de pseudonymiserte dataene under Evaluering"
        }
        Role::Facilitator => "se resultater på tvers av leverandørene, med små tall skjult",
        Role::Administrator => {
            "se den avviste importen på forsiden; opprett en konto og lag passordlenken; se revisjonsloggen"
        }
        Role::PrivacyOfficer => {
            "søk i revisjonsloggen på et fødselsnummer: hvem har sett denne personen"
        }
    }
}
