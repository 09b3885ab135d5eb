use super::*;

fn fixture(name: &str) -> csv::Reader<std::fs::File> {
    let path = format!(
        "{}/../../tests/fixtures/matching/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn people(name: &str) -> Vec<Scored> {
    fixture(name)
        .records()
        .map(|r| {
            let r = r.unwrap();
            Scored {
                key: r[0].parse().unwrap(),
                score: r[1].parse().unwrap(),
            }
        })
        .collect()
}

fn reference(name: &str) -> Vec<Match> {
    fixture(name)
        .records()
        .map(|r| {
            let r = r.unwrap();
            Match {
                treated: r[1].parse().unwrap(),
                controls: r[2]
                    .split_whitespace()
                    .map(|k| k.parse().unwrap())
                    .collect(),
            }
        })
        .collect()
}

#[test]
fn the_pairs_are_the_reference_implementations_exactly() {
    let (treated, pool) = (people("treated.csv"), people("pool.csv"));
    for (file, ratio, caliper, with_replacement) in [
        ("pairs-1to2-without.csv", 2, 0.05, false),
        ("pairs-1to1-with.csv", 1, 0.02, true),
        ("pairs-1to3-without.csv", 3, 0.2, false),
    ] {
        let rule = Rule {
            ratio,
            caliper,
            with_replacement,
        };
        let ours = nearest(&treated, &pool, rule).unwrap();
        let theirs = reference(file);
        assert_eq!(ours.len(), theirs.len(), "{file}");
        for (a, b) in ours.iter().zip(&theirs) {
            assert_eq!(a, b, "{file}");
        }
        // The case exercises what it should: some unmatched, some short of the ratio.
        assert!(ours.iter().any(|m| m.controls.is_empty()), "{file}");
        assert!(ours.iter().any(|m| m.controls.len() == ratio), "{file}");
    }
}

#[test]
fn ties_go_to_the_lower_key_and_a_person_is_used_once() {
    let pool = [
        Scored { key: 9, score: 0.5 },
        Scored { key: 5, score: 0.5 },
        Scored { key: 7, score: 0.7 },
        Scored { key: 3, score: 0.3 },
    ];
    let treated = [Scored { key: 2, score: 0.5 }, Scored { key: 1, score: 0.5 }];
    let rule = Rule {
        ratio: 1,
        caliper: 0.1,
        with_replacement: false,
    };
    let m = nearest(&treated, &pool, rule).unwrap();
    // Treated 1 first (equal scores: lower key), gets 5 (equal distance: lower key); 2 gets 9.
    assert_eq!(
        m,
        vec![
            Match {
                treated: 1,
                controls: vec![5]
            },
            Match {
                treated: 2,
                controls: vec![9]
            }
        ]
    );
    // Equal distances on both sides (exact in binary): the lower key first, below or above.
    let sides = [
        Scored {
            key: 7,
            score: 0.25,
        },
        Scored {
            key: 3,
            score: 0.75,
        },
    ];
    let m = nearest(
        &[Scored { key: 1, score: 0.5 }],
        &sides,
        Rule {
            ratio: 2,
            caliper: 0.25,
            with_replacement: true,
        },
    )
    .unwrap();
    assert_eq!(m[0].controls, vec![3, 7]);
}

#[test]
fn a_bad_rule_or_score_is_refused() {
    let one = [Scored { key: 1, score: 0.0 }];
    let rule = Rule {
        ratio: 1,
        caliper: 0.1,
        with_replacement: false,
    };
    assert_eq!(
        nearest(&one, &one, Rule { ratio: 0, ..rule }),
        Err(MatchError::Ratio)
    );
    assert_eq!(
        nearest(
            &one,
            &one,
            Rule {
                caliper: 0.0,
                ..rule
            }
        ),
        Err(MatchError::Caliper)
    );
    let nan = [Scored {
        key: 4,
        score: f64::NAN,
    }];
    assert_eq!(nearest(&one, &nan, rule), Err(MatchError::NotFinite(4)));
}
