//! Each role's tasks on a fixed clock: what the home offers is exactly what the step would
//! accept, and deadlines count from the day a step became possible.

use chrono::TimeZone;

use super::*;
use crate::contract::amendment::Decision;
use crate::contract::terms::{ContractTerms, PartyRole, PeriodLength};
use crate::money::Nok;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(d: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day(d).and_hms_opt(10, 0, 0).unwrap())
}

const MANAGER: UserId = UserId(1);
const EVALUATOR: UserId = UserId(2);
const OFFICER: UserId = UserId(3);
const SECOND_OFFICER: UserId = UserId(4);

fn computed() -> Statement {
    Statement::compute(
        "2026Q1",
        Nok::ZERO,
        MANAGER,
        Role::NavContractManager,
        at("2026-04-10"),
    )
    .unwrap()
}

fn step(s: &mut Statement, step: Step, by: UserId, role: Role, on: &str) {
    s.take(step, by, role, at(on)).unwrap();
}

#[test]
fn each_step_is_offered_to_whoever_may_take_it_and_to_no_one_else() {
    let now = at("2026-04-20");
    let mut s = computed();
    // Computed: the evaluator verifies; no Nav user can act yet.
    assert_eq!(
        statement_task(&s, EVALUATOR, Role::Evaluator, now),
        Some(TaskKind::VerifyStatement)
    );
    assert_eq!(statement_task(&s, OFFICER, Role::NavCaseOfficer, now), None);
    assert_eq!(
        statement_task(&s, MANAGER, Role::NavContractManager, now),
        None
    );
    assert_eq!(statement_task(&s, UserId(9), Role::Investor, now), None);

    step(
        &mut s,
        Step::Verify,
        EVALUATOR,
        Role::Evaluator,
        "2026-04-12",
    );
    // Verified: two Nav users other than the one who computed it approve.
    assert_eq!(statement_task(&s, EVALUATOR, Role::Evaluator, now), None);
    assert_eq!(
        statement_task(&s, OFFICER, Role::NavCaseOfficer, now),
        Some(TaskKind::ApproveStatement)
    );
    assert_eq!(
        statement_task(&s, MANAGER, Role::NavContractManager, now),
        None,
        "own computation"
    );

    step(
        &mut s,
        Step::Approve,
        OFFICER,
        Role::NavCaseOfficer,
        "2026-04-13",
    );
    assert_eq!(
        statement_task(&s, OFFICER, Role::NavCaseOfficer, now),
        None,
        "approved already"
    );
    assert_eq!(
        statement_task(&s, SECOND_OFFICER, Role::NavCaseOfficer, now),
        Some(TaskKind::ApproveStatement)
    );
    step(
        &mut s,
        Step::Approve,
        SECOND_OFFICER,
        Role::NavCaseOfficer,
        "2026-04-14",
    );
    // Approved: the contract manager records the payment, within 30 days of the approval.
    assert_eq!(
        statement_task(&s, MANAGER, Role::NavContractManager, now),
        Some(TaskKind::PayStatement)
    );
    assert_eq!(
        statement_task(&s, SECOND_OFFICER, Role::NavCaseOfficer, now),
        None
    );
    let deadlines = Deadlines::default();
    assert_eq!(
        payment_due(&s, deadlines, day("2026-05-14")),
        Some(Due {
            by: day("2026-05-14"),
            overdue: false
        })
    );
    assert!(
        payment_due(&s, deadlines, day("2026-05-15"))
            .unwrap()
            .overdue
    );

    step(
        &mut s,
        Step::Pay,
        MANAGER,
        Role::NavContractManager,
        "2026-04-30",
    );
    for (who, role) in [
        (MANAGER, Role::NavContractManager),
        (EVALUATOR, Role::Evaluator),
        (OFFICER, Role::NavCaseOfficer),
    ] {
        assert_eq!(
            statement_task(&s, who, role, now),
            None,
            "paid: nothing left"
        );
    }
    assert_eq!(payment_due(&s, deadlines, day("2026-06-30")), None);
}

fn terms() -> ContractTerms {
    ContractTerms {
        locations: Vec::new(),
        name: "t".into(),
        starts: day("2026-01-01"),
        ends: day("2026-12-31"),
        periods: PeriodLength::Quarterly,
        parties: Vec::new(),
        outcomes: Vec::new(),
        cohort_outcomes: Vec::new(),
        caps: Default::default(),
        investment: None,
    }
}

struct Filing(Statement, i64);

impl Filed for Filing {
    fn id(&self) -> i64 {
        self.1
    }
    fn period(&self) -> &str {
        &self.0.period
    }
    fn period_start(&self) -> NaiveDate {
        day("2026-01-01")
    }
    fn stage(&self) -> Stage {
        self.0.stage()
    }
    fn total(&self) -> Nok {
        Nok::ZERO
    }
    fn paid_at(&self) -> Option<DateTime<Utc>> {
        None
    }
}

#[test]
fn the_open_period_is_to_compute_once_over_and_covered_and_overdue_after_fourteen_days() {
    let t = terms();
    let none: Vec<Filing> = Vec::new();
    let cover = |cutoff: &str| {
        Some(Cover {
            key: "s",
            cutoff: day(cutoff),
        })
    };
    let task = |statements: &[Filing], snapshot, today: &str, role| {
        compute_task(
            &t,
            statements,
            snapshot,
            Deadlines::default(),
            day(today),
            MANAGER,
            role,
            at(today),
        )
    };
    // Not over yet; over but the snapshot stops before its end; no snapshot.
    assert!(task(
        &none,
        cover("2026-06-30"),
        "2026-03-31",
        Role::NavContractManager
    )
    .is_none());
    assert!(task(
        &none,
        cover("2026-03-15"),
        "2026-04-10",
        Role::NavContractManager
    )
    .is_none());
    assert!(task(&none, None, "2026-04-10", Role::NavContractManager).is_none());
    // Covered from its end: due 14 days after the end.
    let (period, due, kind) = task(
        &none,
        cover("2026-03-31"),
        "2026-04-10",
        Role::NavContractManager,
    )
    .unwrap();
    assert_eq!(
        (period.label.as_str(), kind),
        ("2026Q1", TaskKind::ComputePeriod)
    );
    assert_eq!(
        due,
        Due {
            by: day("2026-04-14"),
            overdue: false
        }
    );
    assert!(
        task(
            &none,
            cover("2026-03-31"),
            "2026-04-15",
            Role::NavContractManager
        )
        .unwrap()
        .1
        .overdue
    );
    // A snapshot reaching further does not move the deadline: it counts from the end.
    let (_, due, _) = task(
        &none,
        cover("2026-09-30"),
        "2026-04-25",
        Role::NavContractManager,
    )
    .unwrap();
    assert_eq!(
        due,
        Due {
            by: day("2026-04-14"),
            overdue: true
        }
    );
    // Only the contract manager computes; a drafted period is no longer to compute.
    assert!(task(
        &none,
        cover("2026-03-31"),
        "2026-04-10",
        Role::NavCaseOfficer
    )
    .is_none());
    let drafted = [Filing(computed(), 1)];
    assert!(task(
        &drafted,
        cover("2026-03-31"),
        "2026-04-20",
        Role::NavContractManager
    )
    .is_none());
    // Sent back by the evaluator: to compute again, still due from the period's end.
    let mut back = computed();
    back.take(Step::SendBack, EVALUATOR, Role::Evaluator, at("2026-04-12"))
        .unwrap();
    let (period, due, kind) = task(
        &[Filing(back, 1)],
        cover("2026-03-31"),
        "2026-04-20",
        Role::NavContractManager,
    )
    .unwrap();
    assert_eq!(
        (period.label.as_str(), kind),
        ("2026Q1", TaskKind::RecomputePeriod)
    );
    assert!(due.overdue);
}

#[test]
fn an_amendment_waits_for_each_required_party_until_it_has_answered() {
    let nav = PartyKey {
        role: PartyRole::Nav,
        orgnr: crate::orgnr::OrgNr::parse("889640782").unwrap(),
    };
    let lead = PartyKey {
        role: PartyRole::Provider,
        orgnr: crate::orgnr::OrgNr::parse("910000004").unwrap(),
    };
    let other = PartyKey {
        role: PartyRole::Provider,
        orgnr: crate::orgnr::OrgNr::parse("910000012").unwrap(),
    };
    let required = [nav, lead];
    let proposed = [PartyDecision {
        party: nav,
        by: MANAGER,
        decision: Decision::Approve,
        at: at("2026-06-15"),
    }];
    assert!(
        !amendment_task(&required, &proposed, VersionState::Proposed, nav),
        "proposing was agreeing"
    );
    assert!(amendment_task(
        &required,
        &proposed,
        VersionState::Proposed,
        lead
    ));
    assert!(
        !amendment_task(&required, &proposed, VersionState::Proposed, other),
        "told, not asked"
    );
    assert!(!amendment_task(
        &required,
        &proposed,
        VersionState::Rejected,
        lead
    ));
}

#[test]
fn a_step_taken_by_someone_else_meanwhile_removes_the_task() {
    let mut s = computed();
    let now = at("2026-04-20");
    assert!(statement_task(&s, EVALUATOR, Role::Evaluator, now).is_some());
    step(
        &mut s,
        Step::Withdraw,
        MANAGER,
        Role::NavContractManager,
        "2026-04-15",
    );
    assert_eq!(
        statement_task(&s, EVALUATOR, Role::Evaluator, now),
        None,
        "withdrawn"
    );
}

#[test]
fn attendance_is_due_two_days_after_the_session_and_a_booking_confirmed_the_day_before() {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let d = attendance_due(day("2026-03-02"), day("2026-03-04"));
    assert_eq!((d.by, d.overdue), (day("2026-03-04"), false));
    assert!(attendance_due(day("2026-03-02"), day("2026-03-05")).overdue);
    let c = confirmation_due(day("2026-03-02"), day("2026-03-01"));
    assert_eq!((c.by, c.overdue), (day("2026-03-01"), false));
    assert!(confirmation_due(day("2026-03-02"), day("2026-03-02")).overdue);
}

#[test]
fn the_next_milestone_shows_two_weeks_ahead_and_stays_when_overdue() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let start = d("2026-09-01");
    // Kartlegging is due 60 days after the start: 31.10.2026.
    assert_eq!(next_milestone(start, &[], d("2026-10-16")), None);
    let (m, due) = next_milestone(start, &[], d("2026-10-17")).unwrap();
    assert_eq!(
        (m.id, due.by, due.overdue),
        ("kartlegging", d("2026-10-31"), false)
    );
    let (_, due) = next_milestone(start, &[], d("2026-11-20")).unwrap();
    assert!(due.overdue);
    // Once reached, the next one (plan approved, 90 days) takes its place.
    let (m, due) = next_milestone(start, &["kartlegging".into()], d("2026-11-20")).unwrap();
    assert_eq!((m.id, due.by), ("plan-godkjent", d("2026-11-30")));
    let all: Vec<String> = crate::milestones::CATALOGUE
        .iter()
        .map(|m| m.id.to_owned())
        .collect();
    assert_eq!(next_milestone(start, &all, d("2027-12-01")), None);
}
