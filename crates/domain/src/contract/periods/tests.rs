use chrono::TimeZone;

use super::*;
use crate::contract::statement::{Event, Step};
use crate::contract::terms::PeriodLength;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn terms() -> ContractTerms {
    ContractTerms {
        locations: Vec::new(),
        name: "t".into(),
        starts: day("2026-02-15"),
        ends: day("2026-12-31"),
        periods: PeriodLength::Quarterly,
        parties: Vec::new(),
        outcomes: Vec::new(),
        cohort_outcomes: Vec::new(),
        caps: Default::default(),
        investment: None,
    }
}

struct Filing {
    id: i64,
    period: &'static str,
    start: &'static str,
    stage: Stage,
}

impl Filed for Filing {
    fn id(&self) -> i64 {
        self.id
    }
    fn period(&self) -> &str {
        self.period
    }
    fn period_start(&self) -> NaiveDate {
        day(self.start)
    }
    fn stage(&self) -> Stage {
        self.stage
    }
    fn total(&self) -> Nok {
        Nok::ZERO
    }
    fn paid_at(&self) -> Option<DateTime<Utc>> {
        None
    }
}

fn filing(id: i64, period: &'static str, start: &'static str, stage: Stage) -> Filing {
    Filing {
        id,
        period,
        start,
        stage,
    }
}

#[test]
fn the_newest_statement_of_a_period_counts_and_withdrawn_ones_never() {
    let filed = [
        filing(3, "2026Q2", "2026-04-01", Stage::Computed),
        filing(1, "2026Q1", "2026-01-01", Stage::Withdrawn),
        filing(2, "2026Q1", "2026-01-01", Stage::Paid),
        filing(4, "2026Q2", "2026-04-01", Stage::Withdrawn),
    ];
    let ids: Vec<i64> = current(&filed).iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![2, 3]);
}

#[test]
fn the_open_period_is_the_first_not_booked_and_none_after_the_last() {
    let t = terms();
    let labels: Vec<String> = all(&t).into_iter().map(|p| p.label).collect();
    assert_eq!(labels, ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]);
    let none: [Filing; 0] = [];
    assert_eq!(open_period(&t, &none).unwrap().label, "2026Q1");
    let filed = [
        filing(1, "2026Q1", "2026-01-01", Stage::Approved),
        filing(2, "2026Q2", "2026-04-01", Stage::Verified),
    ];
    assert_eq!(open_period(&t, &filed).unwrap().label, "2026Q2");
    let booked = [
        filing(1, "2026Q1", "2026-01-01", Stage::Paid),
        filing(2, "2026Q2", "2026-04-01", Stage::Paid),
        filing(3, "2026Q3", "2026-07-01", Stage::Approved),
        filing(4, "2026Q4", "2026-10-01", Stage::Approved),
    ];
    assert_eq!(open_period(&t, &booked), None);
}

#[test]
fn labels_must_name_a_period_of_the_contract() {
    let t = terms();
    assert_eq!(parse_period(&t, "2026Q3").unwrap().start, day("2026-07-01"));
    assert!(matches!(
        parse_period(&t, "2026-07"),
        Err(PeriodError::NotAPeriod { ref example, .. }) if example == "2026Q1"
    ));
    let e = parse_period(&t, "2031Q1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "2031Q1 is outside the contract (2026-02-15 to 2026-12-31)"
    );
}

fn at(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day(s).and_hms_opt(9, 0, 0).unwrap())
}

#[test]
fn computing_needs_the_manager_the_open_period_its_end_and_a_covering_snapshot() {
    let t = terms();
    let q2 = parse_period(&t, "2026Q2").unwrap();
    let q3 = parse_period(&t, "2026Q3").unwrap();
    let cover = |cutoff: &str| {
        Some(Cover {
            key: "s",
            cutoff: day(cutoff),
        })
    };
    let me = UserId(1);
    let manager = Role::NavContractManager;
    let ok = may_compute(
        Some(&q2),
        &q2,
        cover("2026-06-30"),
        day("2026-07-01"),
        me,
        manager,
        at("2026-07-01"),
    )
    .unwrap();
    assert_eq!(
        ok.events,
        vec![Event {
            step: Step::Compute,
            by: me,
            role: manager,
            at: at("2026-07-01")
        }]
    );
    let refused = |open: Option<&Period>, wanted: &Period, snap, today: &str, role| {
        may_compute(open, wanted, snap, day(today), me, role, at(today)).unwrap_err()
    };
    assert_eq!(
        refused(
            Some(&q2),
            &q2,
            cover("2026-06-30"),
            "2026-07-01",
            Role::NavCaseOfficer
        ),
        ComputeRefusal::WrongRole
    );
    assert_eq!(
        refused(None, &q2, cover("2026-06-30"), "2026-07-01", manager),
        ComputeRefusal::AllApproved
    );
    assert!(matches!(
        refused(Some(&q3), &q2, cover("2026-12-31"), "2026-10-01", manager),
        ComputeRefusal::NotOpen { approved: true, .. }
    ));
    assert!(matches!(
        refused(Some(&q2), &q3, cover("2026-12-31"), "2026-10-01", manager),
        ComputeRefusal::NotOpen {
            approved: false,
            ..
        }
    ));
    // The last day of the period is not over yet.
    assert_eq!(
        refused(Some(&q2), &q2, cover("2026-06-30"), "2026-06-30", manager),
        ComputeRefusal::NotOver(q2.clone())
    );
    assert_eq!(
        refused(Some(&q2), &q2, None, "2026-07-01", manager),
        ComputeRefusal::NoSnapshot
    );
    assert!(matches!(
        refused(Some(&q2), &q2, cover("2026-06-29"), "2026-07-01", manager),
        ComputeRefusal::SnapshotTooShort { .. }
    ));
}

#[test]
fn periods_in_the_words_norwegian_users_read() {
    for (label, words) in [
        ("2026Q3", "3. kvartal 2026"),
        ("2026Q1", "1. kvartal 2026"),
        ("2026H2", "2. halvår 2026"),
        ("2026-08", "august 2026"),
        ("2026-12", "desember 2026"),
        ("2026", "2026"),
        ("2026Q5", "2026Q5"),
        ("2026-13", "2026-13"),
        ("kvartal", "kvartal"),
        ("", ""),
    ] {
        assert_eq!(words_nb(label), words, "{label}");
    }
}
