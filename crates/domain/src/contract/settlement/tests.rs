use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::contract::ledger::compute_in_force;
use crate::contract::scale::Scale;
use crate::contract::terms::{Caps, ContractOutcome, ContractTerms, EvidenceSource, PeriodLength};
use crate::outcomes::{Definition, OutcomeKind};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn kr(n: i64) -> Nok {
    Nok::from_ore(n * 100)
}

/// Quarterly 2026–2027; outcome `o{i}` pays `prices[i]` kroner, once per participant; an
/// optional per-participant cap.
fn terms(prices: &[i64], per_participant: Option<i64>) -> ContractTerms {
    ContractTerms {
        locations: Vec::new(),
        name: "t".into(),
        starts: day("2026-01-01"),
        ends: day("2027-12-31"),
        periods: PeriodLength::Quarterly,
        parties: Vec::new(),
        outcomes: prices
            .iter()
            .enumerate()
            .map(|(i, p)| ContractOutcome {
                definition: Definition {
                    name: format!("o{i}"),
                    kind: OutcomeKind::EducationStart { months: 24 },
                },
                evidence: EvidenceSource::Register,
                max_payments: 1,
                cap: None,
                scale: Scale::Fixed { amount: kr(*p) },
            })
            .collect(),
        cohort_outcomes: Vec::new(),
        investment: None,
        caps: Caps {
            per_participant: per_participant.map(kr),
            ..Caps::default()
        },
    }
}

fn achieved(participant: &str, outcome: usize, date: &str) -> AchievementInput {
    AchievementInput {
        participant: participant.into(),
        outcome,
        date: day(date),
        magnitude: Decimal::ONE,
        evidence: vec![format!("{participant}-{date}")],
    }
}

fn priced(versions: &[InForce<'_>], input: &[AchievementInput]) -> Vec<PricedLine> {
    keyed(versions, &compute_in_force(versions, input), input)
}

fn book(booked: &mut Vec<BookedLine>, lines: &[SettledLine]) {
    booked.extend(lines.iter().map(|l| BookedLine {
        key: l.key.clone(),
        amount: l.amount,
    }));
}

fn summary(lines: &[SettledLine]) -> Vec<(String, String, bool, Nok)> {
    lines
        .iter()
        .map(|l| {
            (
                l.key.participant.clone(),
                l.key.kind.code().to_owned(),
                l.adjustment,
                l.amount,
            )
        })
        .collect()
}

#[test]
fn late_results_amendments_and_reversals_become_adjustments_in_the_open_period() {
    let v1 = terms(&[10_000], None);
    let one = [InForce {
        version: 1,
        from: v1.starts,
        terms: &v1,
    }];
    let (q1, q2) = (day("2026-01-01"), day("2026-04-01"));
    // Q1 is settled and approved with what the first snapshot showed.
    let first = vec![
        achieved("A", 0, "2026-02-01"),
        achieved("C", 0, "2026-03-01"),
    ];
    let mut booked = Vec::new();
    let q1_lines = settle(&priced(&one, &first), &booked, q1).unwrap();
    assert_eq!(
        summary(&q1_lines),
        vec![
            ("A".into(), "payment".into(), false, kr(10_000)),
            ("C".into(), "payment".into(), false, kr(10_000)),
        ]
    );
    book(&mut booked, &q1_lines);
    // A late snapshot: B also achieved in Q1, C's achievement no longer holds, D achieves in Q2.
    let late = vec![
        achieved("A", 0, "2026-02-01"),
        achieved("B", 0, "2026-03-15"),
        achieved("D", 0, "2026-05-01"),
    ];
    // And an amendment, agreed by every party, raises the price from 1 March.
    let v2 = terms(&[12_000], None);
    let both = [
        one[0],
        InForce {
            version: 2,
            from: day("2026-03-01"),
            terms: &v2,
        },
    ];
    let q2_lines = settle(&priced(&both, &late), &booked, q2).unwrap();
    assert_eq!(
        summary(&q2_lines),
        vec![
            ("D".into(), "payment".into(), false, kr(12_000)),
            // Adjustments by date. C: booked 10,000 in Q1, no longer achieved: reversed.
            ("C".into(), "payment".into(), true, kr(-10_000)),
            // B: never booked, priced under v2 (15 March is after 1 March).
            ("B".into(), "payment".into(), true, kr(12_000)),
        ]
    );
    assert_eq!(q2_lines[1].priced, None);
    assert_eq!(q2_lines[2].priced, Some((2, 1)));
    // A (1 February, before the amendment) is unchanged: no line.
    book(&mut booked, &q2_lines);
    // Nothing changed since: the next period has no adjustments, and Q2 settles to nothing new.
    assert!(settle(&priced(&both, &late), &booked, q2)
        .unwrap()
        .is_empty());
    assert!(settle(&priced(&both, &late), &booked, day("2026-07-01"))
        .unwrap()
        .is_empty());
}

#[test]
fn a_cap_that_bites_later_is_settled_as_its_own_cap_line() {
    // Two outcomes of 30,000 and 40,000 and a 50,000 cap per participant.
    let t = terms(&[30_000, 40_000], Some(50_000));
    let v = [InForce {
        version: 1,
        from: t.starts,
        terms: &t,
    }];
    let mut booked = Vec::new();
    let q1 = settle(
        &priced(&v, &[achieved("A", 1, "2026-02-01")]),
        &booked,
        day("2026-01-01"),
    )
    .unwrap();
    book(&mut booked, &q1);
    // A late result in Q1 comes first in the fold: now o0 is paid in full and o1 is capped.
    let input = [
        achieved("A", 0, "2026-01-15"),
        achieved("A", 1, "2026-02-01"),
    ];
    let q2 = settle(&priced(&v, &input), &booked, day("2026-04-01")).unwrap();
    assert_eq!(
        summary(&q2),
        vec![
            ("A".into(), "payment".into(), true, kr(30_000)),
            ("A".into(), "cap:participant".into(), true, kr(-20_000)),
        ]
    );
    let total: Nok = booked
        .iter()
        .map(|b| b.amount)
        .chain(q2.iter().map(|l| l.amount))
        .try_fold(Nok::ZERO, |s, a| s.plus(a))
        .unwrap();
    assert_eq!(total, kr(50_000), "the cap holds across periods");
}

fn achievements() -> impl Strategy<Value = Vec<AchievementInput>> {
    prop::collection::vec((0usize..6, 0usize..3, 0i64..540), 0..40).prop_map(|v| {
        v.into_iter()
            .map(|(p, o, d)| AchievementInput {
                participant: format!("p{p}"),
                outcome: o,
                date: day("2026-01-01") + chrono::Days::new(d as u64),
                magnitude: Decimal::ONE,
                evidence: Vec::new(),
            })
            .collect()
    })
}

proptest! {
    /// Period by period, under changing input and an amendment: approved lines are only ever
    /// added to, and after each period every key up to it has booked exactly its price now.
    #[test]
    fn booked_lines_always_add_up_to_the_price_now(
        first in achievements(),
        later in achievements(),
        switch in 0usize..6,
        amendment_day in 0i64..540,
        new_prices in prop::collection::vec(1i64..50_000, 3),
        cap in prop::option::of(10_000i64..80_000),
    ) {
        let v1 = terms(&[10_000, 20_000, 30_000], cap);
        let v2 = terms(&new_prices, cap);
        let amended = [
            InForce { version: 1, from: v1.starts, terms: &v1 },
            InForce {
                version: 2,
                from: day("2026-01-01") + chrono::Days::new(amendment_day as u64),
                terms: &v2,
            },
        ];
        let mut booked: Vec<BookedLine> = Vec::new();
        let quarters: Vec<NaiveDate> = (0..6)
            .map(|q| day("2026-01-01").checked_add_months(chrono::Months::new(3 * q)).unwrap())
            .collect();
        for (q, open) in quarters.iter().enumerate() {
            let (versions, input) = if q < switch {
                (&amended[..1], &first)
            } else {
                (&amended[..], &later)
            };
            let now = priced(versions, input);
            let before = booked.clone();
            let lines = settle(&now, &booked, *open).unwrap();
            book(&mut booked, &lines);
            prop_assert_eq!(&booked[..before.len()], &before[..]);
            let mut want: BTreeMap<LineKey, Nok> = BTreeMap::new();
            for p in now.iter().filter(|p| p.period <= *open) {
                want.insert(p.key.clone(), p.amount);
            }
            let mut got: BTreeMap<LineKey, Nok> = BTreeMap::new();
            for b in &booked {
                let s = got.entry(b.key.clone()).or_insert(Nok::ZERO);
                *s = s.plus(b.amount).unwrap();
            }
            got.retain(|_, v| *v != Nok::ZERO);
            want.retain(|_, v| *v != Nok::ZERO);
            prop_assert_eq!(got, want);
            prop_assert!(settle(&now, &booked, *open).unwrap().is_empty(), "settling twice adds nothing");
        }
    }
}
