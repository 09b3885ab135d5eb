use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn kr(s: &str) -> Nok {
    Nok::parse(s).unwrap()
}

#[test]
fn fixed_pays_the_amount_whatever_the_magnitude() {
    let s = Scale::Fixed {
        amount: kr("20000"),
    };
    assert_eq!(s.price(d("0")).unwrap(), kr("20000"));
    assert_eq!(s.price(d("73.5")).unwrap(), kr("20000"));
}

#[test]
fn linear_runs_from_floor_to_target_and_rounds_half_away_from_zero() {
    // A graduated cohort scale: nothing at 25 % employment, the maximum at 45 %.
    let s = Scale::Linear {
        max: kr("100000"),
        floor: d("25"),
        target: d("45"),
    };
    assert!(s.validate().is_ok());
    for (m, want) in [
        ("10", "0"),
        ("25", "0"),
        ("30", "25000"),
        ("35", "50000"),
        ("45", "100000"),
        ("60", "100000"),
        // 8.333333 / 20 × 100,000 = 41,666.665: the half øre rounds up.
        ("33.333333", "41666.67"),
    ] {
        assert_eq!(s.price(d(m)).unwrap(), kr(want), "m = {m}");
    }
}

#[test]
fn cumulative_tiers_pay_each_band_for_the_part_inside_it() {
    // Savings bands: 100 kr per unit up to 10, 50 kr up to 20, 10 kr from 20 up to 30.
    let s = Scale::TiersCumulative {
        bands: vec![
            Band {
                from: d("0"),
                rate: d("100"),
            },
            Band {
                from: d("10"),
                rate: d("50"),
            },
            Band {
                from: d("20"),
                rate: d("10"),
            },
        ],
        up_to: Some(d("30")),
    };
    assert!(s.validate().is_ok());
    assert_eq!(s.price(d("4")).unwrap(), kr("400"));
    assert_eq!(s.price(d("15")).unwrap(), kr("1250")); // 10 × 100 + 5 × 50
    assert_eq!(s.price(d("25")).unwrap(), kr("1550")); // 1000 + 500 + 5 × 10
    assert_eq!(s.price(d("99")).unwrap(), kr("1600")); // capped at 30
    assert_eq!(s.price(d("12.345")).unwrap(), kr("1117.25")); // 1000 + 2.345 × 50 = 1117.25
}

#[test]
fn highest_tier_pays_the_highest_threshold_reached() {
    let s = Scale::TiersHighest {
        tiers: vec![
            Tier {
                threshold: d("3"),
                amount: kr("5000"),
            },
            Tier {
                threshold: d("6"),
                amount: kr("12000"),
            },
            Tier {
                threshold: d("12"),
                amount: kr("30000"),
            },
        ],
    };
    assert!(s.validate().is_ok());
    assert_eq!(s.price(d("2.99")).unwrap(), Nok::ZERO);
    assert_eq!(s.price(d("3")).unwrap(), kr("5000"));
    assert_eq!(s.price(d("11")).unwrap(), kr("12000"));
    assert_eq!(s.price(d("12")).unwrap(), kr("30000"));
}

#[test]
fn bad_scales_say_what_is_wrong() {
    let linear = Scale::Linear {
        max: kr("1"),
        floor: d("45"),
        target: d("25"),
    };
    assert!(matches!(
        linear.validate(),
        Err(ScaleError::FloorNotBelowTarget { .. })
    ));
    let equal = Scale::Linear {
        max: kr("1"),
        floor: d("25"),
        target: d("25"),
    };
    assert!(equal.validate().is_err());
    let unordered = Scale::TiersHighest {
        tiers: vec![
            Tier {
                threshold: d("6"),
                amount: kr("1"),
            },
            Tier {
                threshold: d("3"),
                amount: kr("2"),
            },
        ],
    };
    assert_eq!(
        unordered.validate().unwrap_err().to_string(),
        "tier 2 starts at 3, not above the tier before it (6): tiers must be in increasing order without overlap"
    );
    let overlapping = Scale::TiersCumulative {
        bands: vec![
            Band {
                from: d("0"),
                rate: d("1"),
            },
            Band {
                from: d("0"),
                rate: d("2"),
            },
        ],
        up_to: None,
    };
    assert!(matches!(
        overlapping.validate(),
        Err(ScaleError::Unordered { .. })
    ));
    let negative = Scale::Fixed { amount: kr("-1") };
    assert_eq!(negative.validate(), Err(ScaleError::NegativeAmount));
    let rate = Scale::TiersCumulative {
        bands: vec![Band {
            from: d("0"),
            rate: d("-1"),
        }],
        up_to: None,
    };
    assert_eq!(rate.validate(), Err(ScaleError::NegativeRate));
    let end = Scale::TiersCumulative {
        bands: vec![Band {
            from: d("5"),
            rate: d("1"),
        }],
        up_to: Some(d("5")),
    };
    assert!(matches!(
        end.validate(),
        Err(ScaleError::EndBeforeStart { .. })
    ));
    assert_eq!(
        Scale::TiersHighest { tiers: vec![] }.validate(),
        Err(ScaleError::NoTiers)
    );
}

#[test]
fn rounding_is_half_away_from_zero_in_both_directions() {
    assert_eq!(to_ore(d("0.005")), Ok(Nok::from_ore(1)));
    assert_eq!(to_ore(d("-0.005")), Ok(Nok::from_ore(-1)));
    assert_eq!(to_ore(d("0.0049")), Ok(Nok::ZERO));
}

/// Hundredths as decimals, so that the stepping oracle below is exact.
fn hundredths(max: i64) -> impl Strategy<Value = Decimal> {
    (0..=max).prop_map(|n| Decimal::new(n, 2))
}

proptest! {
    /// Cumulative tiers against an independent oracle: walk from 0 to m in steps of 0.01 and
    /// add the rate of the band each step lies in.
    #[test]
    fn cumulative_tiers_equal_a_step_by_step_sum(
        mut starts in prop::collection::btree_set(0i64..3000, 1..5),
        rates in prop::collection::vec(0i64..50_000, 5),
        up_to in prop::option::of(3001i64..4000),
        m in hundredths(4500),
    ) {
        let starts: Vec<i64> = std::mem::take(&mut starts).into_iter().collect();
        let bands: Vec<Band> = starts.iter().zip(&rates)
            .map(|(s, r)| Band { from: Decimal::new(*s, 2), rate: Decimal::new(*r, 2) })
            .collect();
        let scale = Scale::TiersCumulative { bands: bands.clone(), up_to: up_to.map(|u| Decimal::new(u, 2)) };
        prop_assert!(scale.validate().is_ok());
        let steps = i64::try_from((m * Decimal::ONE_HUNDRED).mantissa()).unwrap() / 10i64.pow(m.scale());
        let mut total = Decimal::ZERO;
        for step in 0..steps {
            let x = step; // the step covers [x, x + 1) hundredths
            if up_to.is_some_and(|u| x >= u) { break; }
            if let Some(i) = starts.iter().rposition(|s| *s <= x) {
                total += bands[i].rate / Decimal::ONE_HUNDRED;
            }
        }
        prop_assert_eq!(scale.price(m).unwrap(), to_ore(total).unwrap());
    }

    /// Linear: never below zero, never above the maximum, and never down as m goes up.
    #[test]
    fn linear_is_bounded_and_monotone(
        max in 0i64..10_000_000, floor in -5000i64..5000, width in 1i64..5000,
        a in -10_000i64..10_000, b in -10_000i64..10_000,
    ) {
        let s = Scale::Linear { max: Nok::from_ore(max), floor: Decimal::new(floor, 2), target: Decimal::new(floor + width, 2) };
        prop_assert!(s.validate().is_ok());
        let (lo, hi) = (a.min(b), a.max(b));
        let (p_lo, p_hi) = (s.price(Decimal::new(lo, 2)).unwrap(), s.price(Decimal::new(hi, 2)).unwrap());
        prop_assert!(Nok::ZERO <= p_lo && p_lo <= p_hi && p_hi <= Nok::from_ore(max));
    }

    /// Highest-reached with rising amounts never pays less for more.
    #[test]
    fn highest_reached_is_monotone(
        thresholds in prop::collection::btree_set(0i64..1000, 1..6),
        a in 0i64..1200, b in 0i64..1200,
    ) {
        let tiers: Vec<Tier> = thresholds.iter().enumerate()
            .map(|(i, t)| Tier { threshold: Decimal::new(*t, 1), amount: Nok::from_ore(1000 * (i as i64 + 1)) })
            .collect();
        let s = Scale::TiersHighest { tiers };
        prop_assert!(s.validate().is_ok());
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(s.price(Decimal::new(lo, 1)).unwrap() <= s.price(Decimal::new(hi, 1)).unwrap());
    }
}
