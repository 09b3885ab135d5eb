use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::contract::returns::Excess;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn kr(n: i64) -> Nok {
    Nok::from_kroner(n).unwrap()
}

fn org(s: &str) -> OrgNr {
    OrgNr::parse(s).unwrap()
}

fn investment(cap: &str, drawdowns: Vec<Drawdown>) -> Investment {
    Investment {
        waterfall: Waterfall {
            return_cap: cap.parse().unwrap(),
            excess: Excess::ToNav,
        },
        drawdowns,
    }
}

#[test]
fn one_investor_ten_percent_over_one_year() {
    let a = org("910000020");
    let inv = investment(
        "0.30",
        vec![Drawdown {
            investor: a,
            date: day("2025-01-01"),
            amount: kr(1_000_000),
        }],
    );
    let r = report(
        &inv,
        &[a],
        &[Income {
            date: day("2026-01-01"),
            amount: kr(1_100_000),
        }],
        None,
    )
    .unwrap();
    let p = &r.positions[0];
    assert_eq!(p.received, kr(1_100_000));
    // 365 days (2025 is not a leap year): (1.1)^(365/365) − 1 = 10 %.
    assert!((p.xirr.unwrap() - 0.10).abs() < 1e-9, "{:?}", p.xirr);
    assert_eq!(p.multiple, Some(Decimal::new(11, 1)));
    assert_eq!(r.distribution.capital_returned, kr(1_000_000));
    assert_eq!(r.distribution.return_paid, kr(100_000));
}

#[test]
fn two_investors_share_by_capital_drawn_and_the_excess_goes_to_nav() {
    let (a, b) = (org("910000020"), org("910000047"));
    let inv = investment(
        "0.30",
        vec![
            Drawdown {
                investor: a,
                date: day("2025-01-01"),
                amount: kr(600_000),
            },
            Drawdown {
                investor: b,
                date: day("2025-01-01"),
                amount: kr(400_000),
            },
        ],
    );
    let income = [
        Income {
            date: day("2025-07-01"),
            amount: kr(500_000),
        },
        Income {
            date: day("2026-01-01"),
            amount: kr(1_000_000),
        },
    ];
    let r = report(&inv, &[a, b], &income, None).unwrap();
    // 1,500,000 in: 1,000,000 capital back, 300,000 return (30 % cap), 200,000 back to Nav.
    assert_eq!(r.distribution.return_paid, kr(300_000));
    assert_eq!(r.distribution.excess_to_nav, kr(200_000));
    assert_eq!(r.positions[0].received, kr(780_000));
    assert_eq!(r.positions[1].received, kr(520_000));
    // The first payment all goes to capital: 300,000 and 200,000.
    assert_eq!(
        r.positions[0].flows[1],
        CashFlow {
            date: day("2025-07-01"),
            amount: kr(300_000)
        }
    );
    // Actual to the end of 2025: only the first payment; nothing earned yet.
    let mid = report(&inv, &[a, b], &income, Some(day("2025-12-31"))).unwrap();
    assert_eq!(mid.income, kr(500_000));
    assert_eq!(mid.positions[1].received, kr(200_000));
    assert_eq!(mid.distribution.investor_loss, kr(500_000));
}

#[test]
fn the_run_rate_repeats_the_mean_of_recent_periods() {
    let paid = [
        Income {
            date: day("2025-04-25"),
            amount: kr(100),
        },
        Income {
            date: day("2025-07-25"),
            amount: kr(300),
        },
        Income {
            date: day("2025-10-25"),
            amount: kr(500),
        },
    ];
    let ahead = run_rate(&paid, 2, &[day("2025-12-31"), day("2026-03-31")], 25).unwrap();
    assert_eq!(
        ahead,
        vec![
            Income {
                date: day("2026-01-25"),
                amount: kr(400)
            },
            Income {
                date: day("2026-04-25"),
                amount: kr(400)
            },
        ]
    );
    assert!(run_rate(&[], 4, &[day("2025-12-31")], 25)
        .unwrap()
        .is_empty());
}

proptest! {
    /// Whatever the drawdowns and payments, investors receive exactly what the waterfall gives
    /// them, no distribution is negative, and nobody receives before drawing.
    #[test]
    fn investors_receive_exactly_their_waterfall_share(
        draws in prop::collection::vec((0usize..3, 0i64..700, 1i64..5_000_000), 1..8),
        pays in prop::collection::vec((0i64..900, 1i64..4_000_000), 0..10),
        cap in 0u32..80,
    ) {
        let orgs = [org("910000020"), org("910000047"), org("910000004")];
        let start = day("2025-01-01");
        let inv = investment(
            &format!("0.{cap:02}"),
            draws.iter().map(|(i, d, a)| Drawdown {
                investor: orgs[*i],
                date: start + chrono::Days::new(*d as u64),
                amount: Nok::from_ore(*a * 100),
            }).collect(),
        );
        let income: Vec<Income> = pays.iter().map(|(d, a)| Income {
            date: start + chrono::Days::new(*d as u64),
            amount: Nok::from_ore(*a * 100),
        }).collect();
        let r = report(&inv, &orgs, &income, None).unwrap();
        let received = Nok::sum(r.positions.iter().map(|p| p.received)).unwrap();
        prop_assert_eq!(received, r.received);
        let d = &r.distribution;
        // Never more than the waterfall gives them; exactly that once every drawdown came
        // before the last payment (later capital is not yet matched by income).
        prop_assert!(received <= d.capital_returned.plus(d.return_paid).unwrap());
        let last_payment = income.iter().map(|i| i.date).max();
        if last_payment.is_some_and(|last| inv.drawdowns.iter().all(|x| x.date <= last)) {
            prop_assert_eq!(received, d.capital_returned.plus(d.return_paid).unwrap());
        }
        for p in &r.positions {
            let before: Vec<&CashFlow> = p.flows.iter().filter(|f| f.amount > Nok::ZERO).collect();
            let first = p.flows.iter().filter(|f| f.amount < Nok::ZERO).map(|f| f.date).min();
            prop_assert!(before.iter().all(|f| first.is_some_and(|d| f.date >= d)), "paid before drawing");
            if p.drawn == Nok::ZERO {
                prop_assert_eq!(p.received, Nok::ZERO);
            }
        }
    }
}

struct Paid {
    id: i64,
    period: &'static str,
    start: &'static str,
    stage: super::super::statement::Stage,
    total: Nok,
    paid_at: Option<&'static str>,
}

impl super::super::periods::Filed for Paid {
    fn id(&self) -> i64 {
        self.id
    }
    fn period(&self) -> &str {
        self.period
    }
    fn period_start(&self) -> NaiveDate {
        day(self.start)
    }
    fn stage(&self) -> super::super::statement::Stage {
        self.stage
    }
    fn total(&self) -> Nok {
        self.total
    }
    fn paid_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.paid_at.map(|s| s.parse().unwrap())
    }
}

#[test]
fn the_outlook_runs_paid_income_to_today_and_the_run_rate_to_the_end() {
    use super::super::statement::Stage;
    use super::super::terms::{ContractTerms, PeriodLength};
    let a = org("910000020");
    let inv = investment(
        "0.30",
        vec![Drawdown {
            investor: a,
            date: day("2026-01-01"),
            amount: kr(1_000_000),
        }],
    );
    let terms = ContractTerms {
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
    };
    let statements = [
        // Paid late in the evening of 24 April UTC: 25 April in Oslo.
        Paid {
            id: 1,
            period: "2026Q1",
            start: "2026-01-01",
            stage: Stage::Paid,
            total: kr(200_000),
            paid_at: Some("2026-04-24T22:30:00Z"),
        },
        Paid {
            id: 2,
            period: "2026Q2",
            start: "2026-04-01",
            stage: Stage::Paid,
            total: kr(400_000),
            paid_at: Some("2026-07-25T08:00:00Z"),
        },
        // Approved, not paid: not income yet.
        Paid {
            id: 3,
            period: "2026Q3",
            start: "2026-07-01",
            stage: Stage::Approved,
            total: kr(999_000),
            paid_at: None,
        },
    ];
    let all: Vec<&Paid> = statements.iter().collect();
    assert_eq!(
        paid_income(&all),
        vec![
            Income {
                date: day("2026-04-25"),
                amount: kr(200_000)
            },
            Income {
                date: day("2026-07-25"),
                amount: kr(400_000)
            }
        ]
    );
    assert_eq!(
        periods_ahead(&terms, &statements),
        vec![day("2026-09-30"), day("2026-12-31")]
    );
    let o = outlook(
        &terms,
        &inv,
        &[a],
        &all,
        &statements,
        day("2026-08-01"),
        4,
        25,
    )
    .unwrap();
    // The run rate is the mean of the two paid periods; two periods are projected at it.
    assert_eq!(o.run_rate, Some(kr(300_000)));
    assert_eq!(o.actual.income, kr(600_000));
    assert_eq!(o.projected.income, kr(1_200_000));
    let all = o.projected.figures(None).unwrap();
    let one = o.projected.figures(Some(0)).unwrap();
    assert_eq!((all.drawn, all.received), (one.drawn, one.received));
    assert_eq!(all.received, kr(1_200_000));
    assert!(o.projected.figures(Some(1)).is_none());
    // A period whose total may not be published is left out of the income, not projected
    // in its place: 2026Q2's total is withheld, so income is 2026Q1's alone.
    let published: Vec<&Paid> = statements.iter().filter(|s| s.id != 2).collect();
    let o = outlook(
        &terms,
        &inv,
        &[a],
        &published,
        &statements,
        day("2026-08-01"),
        4,
        25,
    )
    .unwrap();
    assert_eq!(o.actual.income, kr(200_000));
    assert_eq!(o.run_rate, Some(kr(200_000)));
    assert_eq!(
        o.projected.income,
        kr(600_000),
        "Q1, then Q3 and Q4 at the run rate"
    );
}
