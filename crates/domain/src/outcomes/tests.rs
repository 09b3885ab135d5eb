//! The worked examples of docs/outcomes.md, and properties that hold for every timeline.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::timeline::*;
use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn orgnr(s: &str) -> OrgNr {
    OrgNr::parse(s).unwrap()
}

fn job(id: &str, start: &str, end: Option<&str>, fte: &str) -> EmploymentSpell {
    EmploymentSpell {
        id: id.into(),
        employer: orgnr("910000004"),
        start: d(start),
        end: end.map(d),
        fte: dec(fte),
        subsidised: false,
    }
}

fn snap(cutoff: &str) -> Snapshot {
    Snapshot {
        id: "snap-1".into(),
        cutoff: d(cutoff),
    }
}

fn sustained(weeks: u32, gap: u32, filter: EmploymentFilter) -> OutcomeKind {
    OutcomeKind::SustainedEmployment {
        min_fte: dec("50"),
        weeks,
        months: 12,
        max_gap_days: gap,
        filter,
    }
}

/// Example 1 of docs/outcomes.md.
fn example_one() -> Timeline {
    Timeline {
        employment: vec![
            job("A", "2024-01-10", Some("2024-01-15"), "100"),
            job("B", "2024-01-18", Some("2024-01-30"), "40"),
            job("C", "2024-01-18", Some("2024-01-25"), "20"),
        ],
        ..Timeline::default()
    }
}

#[test]
fn window_ends_the_day_before_i_plus_m_months_clamped() {
    assert_eq!(window_end(d("2024-01-31"), 1), Some(d("2024-02-28")));
    assert_eq!(window_end(d("2023-01-31"), 1), Some(d("2023-02-27")));
    assert_eq!(window_end(d("2024-01-01"), 24), Some(d("2025-12-31")));
}

#[test]
fn sustained_employment_bridges_short_gaps_and_averages_employed_days() {
    let o = evaluate(
        &sustained(2, 3, EmploymentFilter::default()),
        &example_one(),
        d("2024-01-01"),
        &snap("2025-06-30"),
    );
    assert_eq!(o.status, Status::Achieved);
    let a = &o.achievements[0];
    // Employed 10–15 (100 %) and 18–25 (60 %); 16–17 bridged; 26–30 has 40 % < 50 %.
    assert_eq!(a.date, d("2024-01-23"));
    assert_eq!(a.magnitude_text(), "80.000000");
    assert_eq!(a.evidence, vec!["A", "B", "C"]);
}

#[test]
fn a_gap_longer_than_g_splits_the_period() {
    let o = evaluate(
        &sustained(2, 1, EmploymentFilter::default()),
        &example_one(),
        d("2024-01-01"),
        &snap("2025-06-30"),
    );
    assert_eq!((o.status, o.achievements.len()), (Status::NotAchieved, 0));
    let pending = evaluate(
        &sustained(2, 1, EmploymentFilter::default()),
        &example_one(),
        d("2024-01-01"),
        &snap("2024-06-30"),
    );
    assert_eq!(pending.status, Status::Pending);
}

#[test]
fn no_day_after_the_cutoff_or_before_i_counts() {
    let t = Timeline {
        employment: vec![job("A", "2023-01-01", None, "100")],
        ..Timeline::default()
    };
    // Ten days between I and the cut-off: two weeks cannot be reached yet.
    let o = evaluate(
        &sustained(2, 0, EmploymentFilter::default()),
        &t,
        d("2024-01-01"),
        &snap("2024-01-10"),
    );
    assert_eq!(o.status, Status::Pending);
    // With enough days the period starts at I, not at the spell's start.
    let o = evaluate(
        &sustained(2, 0, EmploymentFilter::default()),
        &t,
        d("2024-01-01"),
        &snap("2024-03-01"),
    );
    assert_eq!(o.achievements[0].date, d("2024-01-14"));
}

#[test]
fn filters_leave_out_own_employers_and_subsidised_jobs() {
    let mut own = job("OWN", "2024-01-01", None, "100");
    own.employer = orgnr("910000012");
    let mut subsidised = job("SUB", "2024-01-01", None, "100");
    subsidised.subsidised = true;
    let t = Timeline {
        employment: vec![own, subsidised],
        ..Timeline::default()
    };
    let all = evaluate(
        &sustained(2, 0, EmploymentFilter::default()),
        &t,
        d("2024-01-01"),
        &snap("2025-06-30"),
    );
    assert_eq!(
        all.achievements[0].magnitude_text(),
        "200.000000",
        "not capped at 100"
    );
    let filter = EmploymentFilter {
        exclude_employers: vec![orgnr("910000012")],
        exclude_subsidised: true,
    };
    let none = evaluate(
        &sustained(2, 0, filter),
        &t,
        d("2024-01-01"),
        &snap("2025-06-30"),
    );
    assert_eq!(none.status, Status::NotAchieved);
}

#[test]
fn job_start_running_on_i_is_achieved_on_i() {
    let t = Timeline {
        employment: vec![
            job("A", "2023-06-01", None, "50"),
            job("B", "2024-02-01", None, "30"),
        ],
        ..Timeline::default()
    };
    let kind = OutcomeKind::JobStart {
        min_fte: dec("50"),
        months: 6,
        filter: EmploymentFilter::default(),
    };
    let o = evaluate(&kind, &t, d("2024-01-01"), &snap("2025-01-01"));
    assert_eq!(
        (
            o.achievements[0].date,
            o.achievements[0].magnitude_text().as_str()
        ),
        (d("2024-01-01"), "50.000000")
    );
    let higher = OutcomeKind::JobStart {
        min_fte: dec("80"),
        months: 6,
        filter: EmploymentFilter::default(),
    };
    let o = evaluate(&higher, &t, d("2024-01-01"), &snap("2025-01-01"));
    assert_eq!(
        (
            o.achievements[0].date,
            o.achievements[0].magnitude_text().as_str()
        ),
        (d("2024-02-01"), "80.000000")
    );
}

fn dagpenger_until_march() -> Timeline {
    Timeline {
        benefits: vec![BenefitSpell {
            id: "D1".into(),
            kind: BenefitType::Dagpenger,
            start: d("2024-01-01"),
            end: Some(d("2024-03-10")),
        }],
        ..Timeline::default()
    }
}

#[test]
fn months_without_benefits_count_from_the_month_after_i() {
    let kind = OutcomeKind::MonthsWithoutBenefits {
        count: 3,
        months: 24,
        benefit_types: vec![],
    };
    let o = evaluate(
        &kind,
        &dagpenger_until_march(),
        d("2024-01-15"),
        &snap("2025-06-30"),
    );
    let a = &o.achievements[0];
    assert_eq!(a.date, d("2024-06-30"));
    assert_eq!(a.evidence, vec!["snap-1", "2024-02/2024-06"]);
    // Counting only AAP, dagpenger does not matter.
    let aap = OutcomeKind::MonthsWithoutBenefits {
        count: 3,
        months: 24,
        benefit_types: vec![BenefitType::Aap],
    };
    assert_eq!(
        evaluate(
            &aap,
            &dagpenger_until_march(),
            d("2024-01-15"),
            &snap("2025-06-30")
        )
        .achievements[0]
            .date,
        d("2024-04-30")
    );
}

#[test]
fn every_free_month_in_the_window_is_its_own_achievement() {
    // Window 2024-01-15 .. 2024-05-14: February, March and April are judged, May is not.
    let kind = OutcomeKind::BenefitFreeMonth {
        months: 4,
        benefit_types: vec![],
    };
    let o = evaluate(
        &kind,
        &dagpenger_until_march(),
        d("2024-01-15"),
        &snap("2025-06-30"),
    );
    let dates: Vec<NaiveDate> = o.achievements.iter().map(|a| a.date).collect();
    assert_eq!(dates, vec![d("2024-04-30")]);
    assert_eq!(o.achievements[0].magnitude_text(), "1.000000");
}

#[test]
fn language_level_counts_steps_from_the_latest_result_before_i() {
    let test = |id: &str, date: &str, level| LanguageTest {
        id: id.into(),
        date: d(date),
        skill: Skill::Speaking,
        level,
    };
    let t = Timeline {
        language_tests: vec![
            test("T0", "2023-12-01", Cefr::A1),
            test("T1", "2024-05-01", Cefr::A2),
            test("T2", "2024-09-01", Cefr::B1),
        ],
        ..Timeline::default()
    };
    let kind = OutcomeKind::LanguageLevelReached {
        skill: Skill::Speaking,
        level: Cefr::A2,
        months: 12,
    };
    let o = evaluate(&kind, &t, d("2024-01-01"), &snap("2025-06-30"));
    assert_eq!(
        (o.achievements[0].date, o.achievements[0].magnitude),
        (d("2024-05-01"), Decimal::ONE)
    );
    let fresh = Timeline {
        language_tests: t.language_tests[2..].to_vec(),
        ..Timeline::default()
    };
    let kind = OutcomeKind::LanguageLevelReached {
        skill: Skill::Speaking,
        level: Cefr::B1,
        months: 12,
    };
    assert_eq!(
        evaluate(&kind, &fresh, d("2024-01-01"), &snap("2025-06-30")).achievements[0].magnitude,
        Decimal::from(3)
    );
}

#[test]
fn milestones_and_soft_scores_need_verification() {
    let event = |id: &str, date: &str, kind: &str, score: Option<&str>, verified| RecordedEvent {
        id: id.into(),
        date: d(date),
        kind: kind.into(),
        score: score.map(dec),
        verified,
    };
    let t = Timeline {
        events: vec![
            event("M1", "2024-02-01", "kartlegging", None, false),
            event("M2", "2024-03-01", "kartlegging", None, true),
            event("S0", "2023-12-15", "mestring", Some("2.5"), true),
            event("S1", "2024-04-01", "mestring", Some("3.0"), true),
            event("S2", "2024-06-01", "mestring", Some("3.75"), true),
        ],
        ..Timeline::default()
    };
    let m = OutcomeKind::MilestoneVerified {
        milestone: "kartlegging".into(),
        months: 12,
    };
    assert_eq!(
        evaluate(&m, &t, d("2024-01-01"), &snap("2025-06-30")).achievements[0].date,
        d("2024-03-01")
    );
    let s = OutcomeKind::SoftScoreGain {
        instrument: "mestring".into(),
        min_gain: dec("1"),
        months: 12,
    };
    let a = &evaluate(&s, &t, d("2024-01-01"), &snap("2025-06-30")).achievements[0];
    assert_eq!(
        (a.date, a.magnitude_text().as_str()),
        (d("2024-06-01"), "1.250000")
    );
}

#[test]
fn magnitudes_are_written_with_six_decimals_half_away_from_zero() {
    assert_eq!(format_magnitude(dec("2") / dec("3")), "0.666667");
    assert_eq!(format_magnitude(dec("0.0000005")), "0.000001");
    assert_eq!(format_magnitude(dec("-0.0000005")), "-0.000001");
    assert_eq!(format_magnitude(dec("80")), "80.000000");
}

#[test]
fn definitions_read_from_toml_like_data_refuse_unknown_keys() {
    let ok: OutcomeKind =
        serde_json::from_str(r#"{"kind":"job_start","min_fte":"50","months":24}"#).unwrap();
    assert!(matches!(ok, OutcomeKind::JobStart { .. }));
    assert!(serde_json::from_str::<OutcomeKind>(
        r#"{"kind":"job_start","min_fte":"50","months":24,"typo":1}"#
    )
    .is_err());
}

fn arb_timeline() -> impl Strategy<Value = Timeline> {
    let spell =
        (0i64..400, 0i64..200, prop::bool::ANY, 1u32..=100).prop_map(|(start, len, open, fte)| {
            let base = d("2024-01-01");
            EmploymentSpell {
                id: format!("S{start}-{len}").into(),
                employer: orgnr("910000004"),
                start: base + chrono::Duration::days(start - 100),
                end: (!open).then(|| base + chrono::Duration::days(start - 100 + len)),
                fte: Decimal::from(fte),
                subsidised: false,
            }
        });
    prop::collection::vec(spell, 0..6).prop_map(|employment| Timeline {
        employment,
        ..Timeline::default()
    })
}

/// The days-by-day reading of the rules, as an independent oracle for the segment sweep.
fn sustained_by_days(
    t: &Timeline,
    index: NaiveDate,
    last: NaiveDate,
    cutoff: NaiveDate,
    f: Decimal,
    weeks: i64,
    gap: i64,
) -> Option<(NaiveDate, Decimal)> {
    let mut day = index;
    let mut employed: Vec<(NaiveDate, Decimal)> = Vec::new();
    while day <= last {
        let sum: Decimal = t
            .employment
            .iter()
            .filter(|s| s.start <= day && s.end.unwrap_or(cutoff).min(cutoff) >= day)
            .map(|s| s.fte)
            .sum();
        if sum >= f && sum > Decimal::ZERO {
            employed.push((day, sum));
        }
        day = day.succ_opt().unwrap();
    }
    let mut start = 0;
    for i in 0..employed.len() {
        let closes = employed
            .get(i + 1)
            .is_none_or(|n| (n.0 - employed[i].0).num_days() - 1 > gap);
        if closes {
            let first = employed[start].0;
            if (employed[i].0 - first).num_days() + 1 >= weeks * 7 {
                let target = first + chrono::Duration::days(weeks * 7 - 1);
                let days: Vec<Decimal> = employed[start..=i]
                    .iter()
                    .filter(|e| e.0 <= target)
                    .map(|e| e.1)
                    .collect();
                return Some((
                    target,
                    days.iter().sum::<Decimal>() / Decimal::from(days.len()),
                ));
            }
            start = i + 1;
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn sustained_employment_agrees_with_a_day_by_day_reading(t in arb_timeline(), weeks in 1u32..6, gap in 0u32..20, cutoff_days in 0i64..500) {
        let index = d("2024-01-01");
        let snapshot = Snapshot { id: "s".into(), cutoff: index + chrono::Duration::days(cutoff_days) };
        let kind = OutcomeKind::SustainedEmployment { min_fte: dec("50"), weeks, months: 12, max_gap_days: gap, filter: EmploymentFilter::default() };
        let o = evaluate(&kind, &t, index, &snapshot);
        let last = window_end(index, 12).unwrap().min(snapshot.cutoff);
        let oracle = sustained_by_days(&t, index, last, snapshot.cutoff, dec("50"), i64::from(weeks), i64::from(gap));
        let got = o.achievements.first().map(|a| (a.date, format_magnitude(a.magnitude)));
        prop_assert_eq!(got, oracle.map(|(day, m)| (day, format_magnitude(m))));
        for a in &o.achievements {
            prop_assert!(index <= a.date && a.date <= last);
        }
        if o.achievements.is_empty() {
            let expected = if window_end(index, 12).unwrap() <= snapshot.cutoff { Status::NotAchieved } else { Status::Pending };
            prop_assert_eq!(o.status, expected);
        }
    }
}

#[test]
fn impossible_parameters_are_named_by_key() {
    let keys = |k: OutcomeKind| k.problems().into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    let job = |min_fte: &str, months| OutcomeKind::JobStart {
        min_fte: dec(min_fte),
        months,
        filter: EmploymentFilter::default(),
    };
    assert!(keys(job("50", 24)).is_empty());
    assert_eq!(keys(job("-1", 24)), ["min_fte"]);
    assert_eq!(keys(job("100.01", 24)), ["min_fte"]);
    assert_eq!(keys(job("50", 0)), ["months"]);
    assert_eq!(keys(job("50", MAX_WINDOW_MONTHS + 1)), ["months"]);
    let sustained = |weeks, months| OutcomeKind::SustainedEmployment {
        min_fte: dec("50"),
        weeks,
        months,
        max_gap_days: 14,
        filter: EmploymentFilter::default(),
    };
    // 26 weeks fit in 6 months of 31 days (186 days ≥ 182); 27 do not.
    assert!(keys(sustained(26, 6)).is_empty());
    assert_eq!(keys(sustained(27, 6)), ["weeks"]);
    assert_eq!(keys(sustained(0, 6)), ["weeks"]);
    let without = |count, months| OutcomeKind::MonthsWithoutBenefits {
        count,
        months,
        benefit_types: Vec::new(),
    };
    assert!(keys(without(6, 6)).is_empty());
    assert_eq!(keys(without(7, 6)), ["count"]);
    assert_eq!(keys(without(0, 6)), ["count"]);
    let soft = OutcomeKind::SoftScoreGain {
        instrument: " ".into(),
        min_gain: dec("-2"),
        months: 12,
    };
    assert_eq!(keys(soft), ["instrument", "min_gain"]);
    let milestone = OutcomeKind::MilestoneVerified {
        milestone: String::new(),
        months: 12,
    };
    assert_eq!(keys(milestone), ["milestone"]);
}

#[test]
fn assessed_levels_are_their_own_kind_verified_and_apart_from_register_tests() {
    let id = super::assessed_language_identifier(Skill::Reading);
    assert_eq!(super::assessed_language_skill(&id), Some(Skill::Reading));
    let event = |rid: &str, date: &str, kind: &str, step: i64, verified| RecordedEvent {
        id: rid.into(),
        date: d(date),
        kind: kind.into(),
        score: Some(Decimal::from(step)),
        verified,
    };
    let t = Timeline {
        // A register test at B1 in reading: not the provider's assessment.
        language_tests: vec![LanguageTest {
            id: "T1".into(),
            date: d("2024-02-01"),
            skill: Skill::Reading,
            level: Cefr::B1,
        }],
        events: vec![
            event("V0", "2023-11-01", &id, 1, true), // A1 before the start: the baseline
            event("V1", "2024-03-01", &id, 3, false), // B1, not verified
            event("V2", "2024-05-01", &id, 3, true), // B1, verified
            event("V3", "2024-04-01", "cefr-vurdert-writing", 4, true),
        ],
        ..Timeline::default()
    };
    let kind = OutcomeKind::LanguageLevelAssessed {
        skill: Skill::Reading,
        level: Cefr::B1,
        months: 12,
    };
    let a = &evaluate(&kind, &t, d("2024-01-01"), &snap("2025-06-30")).achievements[0];
    assert_eq!((a.date, a.magnitude), (d("2024-05-01"), Decimal::from(2)));
    assert_eq!(a.evidence, vec!["V2".to_owned()]);
    // Without assessments the register test does not count for this kind.
    let tests_only = Timeline {
        events: Vec::new(),
        ..t.clone()
    };
    assert!(
        evaluate(&kind, &tests_only, d("2024-01-01"), &snap("2025-06-30"))
            .achievements
            .is_empty()
    );
    // And the register kind does not count the assessments.
    let register = OutcomeKind::LanguageLevelReached {
        skill: Skill::Reading,
        level: Cefr::B1,
        months: 12,
    };
    let a = &evaluate(&register, &t, d("2024-01-01"), &snap("2025-06-30")).achievements[0];
    assert_eq!(a.evidence, vec!["T1".to_owned()]);
}
