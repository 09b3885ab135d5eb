use std::path::PathBuf;

use super::*;
use crate::verify::{parse_definitions, verify};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("effekt-register-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const PERSON: &str = "13097248022";

/// A small valid register; `replace` swaps whole files.
fn register(name: &str, replace: &[(&str, &str)]) -> PathBuf {
    let dir = temp_dir(name);
    let files = [
        ("snapshot.csv", "snapshot_id,cutoff\ns1,2025-06-30\n".to_owned()),
        ("population.csv", format!("person_id,birth_year,sex,country_group,arrival_year,municipality,education_level,index_date\n{PERSON},1972,m,afrika,2015,0301,grunnskole,2024-01-01\n")),
        ("employment.csv", format!("spell_id,person_id,employer_orgnr,start,end,fte_percent,monthly_wage,subsidised\nE1,{PERSON},910000004,2024-01-10,2024-01-15,100,40000,false\nE2,{PERSON},910000004,2024-01-18,,60,30000,false\n")),
        ("benefits.csv", format!("spell_id,person_id,type,start,end,monthly_amount\nB1,{PERSON},dagpenger,2023-11-01,2024-01-31,15000\n")),
        ("education.csv", "spell_id,person_id,start,end\n".to_owned()),
        ("language_tests.csv", format!("test_id,person_id,date,skill,level\nT1,{PERSON},2024-03-01,speaking,B1\n")),
    ];
    for (file, content) in files {
        let content = replace
            .iter()
            .find(|(f, _)| *f == file)
            .map_or(content, |(_, c)| (*c).to_owned());
        std::fs::write(dir.join(file), content).unwrap();
    }
    dir
}

fn errors(dir: &Path) -> Vec<RowError> {
    match read_dir(dir) {
        Err(RegisterError::Invalid { errors, .. }) => errors,
        other => panic!("expected row errors, got {other:?}"),
    }
}

#[test]
fn a_valid_register_becomes_timelines() {
    let r = read_dir(&register("valid", &[])).unwrap();
    assert_eq!(r.snapshot.cutoff, "2025-06-30".parse().unwrap());
    assert_eq!(r.persons.len(), 1);
    let t = &r.persons[0].timeline;
    assert_eq!(
        (t.employment.len(), t.benefits.len(), t.language_tests.len()),
        (2, 1, 1)
    );
    assert_eq!(t.employment[1].end, None);
}

#[test]
fn semicolons_norwegian_dates_decimal_commas_and_a_bom_are_accepted() {
    let employment = format!("\u{feff}spell_id;person_id;employer_orgnr;start;end;fte_percent;monthly_wage;subsidised\nE1;{PERSON};910000004;10.01.2024;15.01.2024;37,5;40000,50;true\n");
    let r = read_dir(&register("norwegian", &[("employment.csv", &employment)])).unwrap();
    let spell = &r.persons[0].timeline.employment[0];
    assert_eq!(
        (spell.fte.to_string().as_str(), spell.subsidised),
        ("37.5", true)
    );
}

#[test]
fn every_bad_value_is_named_by_file_row_and_field() {
    let employment = format!(
        "spell_id,person_id,employer_orgnr,start,end,fte_percent,monthly_wage,subsidised\n\
         E1,12345678901,910000004,2024-01-10,2024-01-15,100,40000,false\n\
         E2,{PERSON},123456789,2024-01-10,2024-01-05,120,40000,maybe\n\
         E2,{PERSON},910000004,2024-02-30,,50,1,false\n"
    );
    let errs = errors(&register(
        "bad-employment",
        &[("employment.csv", &employment)],
    ));
    let named: Vec<(usize, &str)> = errs.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(
        named,
        vec![
            (2, "person_id"),
            (3, "employer_orgnr"),
            (3, "fte_percent"),
            (3, "subsidised"),
            (4, "spell_id"),
            (4, "start")
        ]
    );
    assert!(errs.iter().all(|e| e.file == "employment.csv"));
    // End before start is found once the other fields of a row are valid.
    let employment = format!("spell_id,person_id,employer_orgnr,start,end,fte_percent,monthly_wage,subsidised\nE1,{PERSON},910000004,2024-01-10,2024-01-05,50,1,false\n");
    let errs = errors(&register(
        "end-before-start",
        &[("employment.csv", &employment)],
    ));
    assert_eq!((errs[0].row, errs[0].field.as_str()), (2, "end"));
}

#[test]
fn unknown_benefit_types_truncated_rows_and_mixed_delimiters_are_refused() {
    let benefits = format!("spell_id,person_id,type,start,end,monthly_amount\nB1,{PERSON},lotto,2024-01-01,,1\nB2;{PERSON};aap;2024-01-01;;1\nB3,{PERSON},aap\n");
    let errs = errors(&register("bad-benefits", &[("benefits.csv", &benefits)]));
    assert_eq!(errs[0].field, "type");
    assert!(
        errs[0]
            .to_string()
            .starts_with("benefits.csv row 2, type: unknown benefit type"),
        "{}",
        errs[0]
    );
    assert!(
        errs[1].message.contains("expected 6 fields, found 1"),
        "{}",
        errs[1]
    );
    assert_eq!(errs[2].row, 4);
    assert!(errs[2].message.contains("found 3"));
}

#[test]
fn a_wrong_encoding_or_header_is_refused_before_any_row() {
    let dir = register("latin1", &[]);
    let mut bytes = b"test_id,person_id,date,skill,level\nT1,".to_vec();
    bytes.extend_from_slice(PERSON.as_bytes());
    bytes.extend_from_slice(b",2024-03-01,speaking,B\xf8\n");
    std::fs::write(dir.join("language_tests.csv"), bytes).unwrap();
    let errs = errors(&dir);
    assert_eq!(
        (errs[0].file.as_str(), errs[0].row),
        ("language_tests.csv", 2)
    );
    assert!(errs[0].message.contains("not UTF-8"));
    let errs = errors(&register(
        "header",
        &[("education.csv", "spell_id,person,start,end\n")],
    ));
    assert!(errs[0].message.contains("expected the columns"));
}

#[test]
fn generated_registers_are_deterministic_valid_and_verifiable() {
    let a = temp_dir("gen-a");
    let b = temp_dir("gen-b");
    let stats = generate(300, 9, &a).unwrap();
    generate(300, 9, &b).unwrap();
    for f in [
        "population.csv",
        "employment.csv",
        "benefits.csv",
        "treated.csv",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    assert!(stats.employment_spells >= 300 * 5 && stats.benefit_spells >= 300);
    let register = read_dir(&a).unwrap();
    assert_eq!(register.persons.len(), 300);
    let defs = parse_definitions(
        r#"
        [[outcome]]
        name = "sustained_employment"
        kind = "sustained_employment"
        min_fte = "50"
        weeks = 26
        months = 24
        max_gap_days = 14

        [[outcome]]
        name = "months_without_benefits"
        kind = "months_without_benefits"
        count = 6
        months = 24
        "#,
    )
    .unwrap();
    let rows = verify(&register, &defs);
    assert_eq!(rows.len(), 600);
    assert!(rows.iter().any(|r| r.status == "achieved"));
    assert!(rows
        .windows(2)
        .all(|w| (&w[0].person_id, &w[0].outcome) <= (&w[1].person_id, &w[1].outcome)));
}

#[test]
fn definitions_are_checked() {
    assert!(parse_definitions("").is_err());
    assert!(parse_definitions(
        "[[outcome]]\nname = \"a\"\nkind = \"job_start\"\nmin_fte = \"50\"\nmonths = 6\ntypo = 1\n"
    )
    .is_err());
    let twice = "[[outcome]]\nname = \"a\"\nkind = \"education_start\"\nmonths = 6\n[[outcome]]\nname = \"a\"\nkind = \"education_start\"\nmonths = 6\n";
    assert!(parse_definitions(twice)
        .unwrap_err()
        .to_string()
        .contains("used twice"));
}

#[test]
fn rows_read_in_parallel_chunks_keep_their_row_numbers() {
    let mut employment = String::from(
        "spell_id,person_id,employer_orgnr,start,end,fte_percent,monthly_wage,subsidised\n",
    );
    for i in 0..6000 {
        let id = if i == 4000 {
            "E10".to_owned()
        } else {
            format!("E{i}")
        };
        let start = if i == 3000 {
            "2024-13-01"
        } else {
            "2024-01-10"
        };
        employment.push_str(&format!(
            "{id},{PERSON},910000004,{start},2024-02-15,50,40000,false\n"
        ));
    }
    assert!(
        employment.len() > 3 * (1 << 16),
        "the file must span several chunks"
    );
    let errs = errors(&register("chunks", &[("employment.csv", &employment)]));
    let named: Vec<(usize, &str)> = errs.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(named, vec![(3002, "start"), (4002, "spell_id")]);
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just(PERSON.to_owned()),
            Just("910000004".to_owned()),
            Just("2024-01-10".to_owned()),
            Just("31.02.2024".to_owned()),
            Just("50".to_owned()),
            Just("1,5".to_owned()),
            Just("true".to_owned()),
            Just("\"quoted, field\"".to_owned()),
            Just("dagpenger".to_owned()),
            Just("speaking".to_owned()),
            Just("B1".to_owned()),
            Just("1985".to_owned()),
            Just("E1".to_owned()),
            "[ -~æøåÆØÅ;,\"]{0,12}",
        ]
    }

    /// The six files, as (file stem, columns).
    fn any_file() -> impl Strategy<Value = &'static str> {
        prop::sample::select(STEMS.to_vec())
    }

    /// Whatever a file holds, reading gives either a register or errors that each name this
    /// file (or another file of the folder) and a row that exists.
    fn check(dir: &Path, lines: usize) -> Result<(), TestCaseError> {
        match read_dir(dir) {
            Ok(r) => prop_assert!(r.persons.len() <= 1),
            Err(RegisterError::Invalid { errors, .. }) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(e.row <= lines + 1, "{e}");
                    prop_assert!(!e.message.is_empty(), "{e}");
                }
            }
            Err(RegisterError::Io(e)) => prop_assert!(false, "{e}"),
        }
        Ok(())
    }

    /// Cases per fuzz test: 256, or `EFFEKT_FUZZ_CASES` for a long run.
    fn cases() -> u32 {
        std::env::var("EFFEKT_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]

        /// Any of the six files, CSV: reading never panics, and every error names a real row.
        #[test]
        fn every_file_parser_never_panics_and_names_real_rows(
            stem in any_file(),
            rows in prop::collection::vec(prop::collection::vec(field(), 0..10), 0..30),
            semicolon in any::<bool>(),
        ) {
            let d = if semicolon { ";" } else { "," };
            let mut text = columns_of(stem).join(d);
            text.push('\n');
            for row in &rows {
                text.push_str(&row.join(d));
                text.push('\n');
            }
            let file = format!("{stem}.csv");
            let dir = register(&format!("fuzz-any-{stem}-{}", rows.len()), &[(&file, &text)]);
            check(&dir, text.lines().count())?;
        }

        /// The same for Parquet files whose columns are all text: the typed-value paths and
        /// the text paths meet the same parsers.
        #[test]
        fn parquet_rows_never_panic_and_name_real_rows(
            stem in any_file(),
            rows in prop::collection::vec(prop::collection::vec(field(), 0..10), 0..30),
        ) {
            let dir = as_parquet(&register(&format!("fuzz-pq-src-{stem}-{}", rows.len()), &[]), &format!("fuzz-pq-{stem}-{}", rows.len()));
            let columns = columns_of(stem);
            let width = columns.len();
            write_text_parquet(&dir.join(format!("{stem}.parquet")), columns, &rows.iter().map(|r| {
                (0..width).map(|i| r.get(i).cloned().unwrap_or_default()).collect()
            }).collect::<Vec<Vec<String>>>());
            check(&dir, rows.len())?;
        }

        /// Whatever the rows hold, reading never panics, and every error names a real row.
        #[test]
        fn the_row_parser_never_panics_and_names_real_rows(
            rows in prop::collection::vec(prop::collection::vec(field(), 0..10), 0..40),
            semicolon in any::<bool>(),
        ) {
            let d = if semicolon { ";" } else { "," };
            let mut text = EMPLOYMENT_COLUMNS.join(d);
            text.push('\n');
            for row in &rows {
                text.push_str(&row.join(d));
                text.push('\n');
            }
            let dir = register(&format!("fuzz-{}", rows.len()), &[("employment.csv", &text)]);
            let lines = text.lines().count();
            match read_dir(&dir) {
                Ok(r) => prop_assert!(r.persons.len() == 1),
                Err(RegisterError::Invalid { errors, .. }) => {
                    prop_assert!(!errors.is_empty());
                    for e in errors {
                        prop_assert!(e.row >= 1 && e.row <= lines + 1, "{e}");
                    }
                }
                Err(RegisterError::Io(e)) => prop_assert!(false, "{e}"),
            }
        }
    }
}

#[test]
fn the_true_effect_is_known_and_a_naive_comparison_understates_it() {
    let dir = temp_dir("planted");
    generate(20_000, 5, &dir).unwrap();
    let register = read_dir(&dir).unwrap();
    let lines = |name: &str| -> Vec<String> {
        std::fs::read_to_string(dir.join(name))
            .unwrap()
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect()
    };
    let treated: std::collections::HashSet<String> = lines("treated.csv").into_iter().collect();
    // Every treated person, with the spell the programme gave them (or none).
    let programme: std::collections::HashMap<String, String> = lines("counterfactual.csv")
        .into_iter()
        .map(|l| {
            let (person, spell) = l.split_once(',').unwrap();
            (person.to_owned(), spell.to_owned())
        })
        .collect();
    assert_eq!(programme.len(), treated.len());
    assert!(programme.keys().all(|p| treated.contains(p)));
    let share = treated.len() as f64 / 20_000.0;
    assert!((0.03..0.08).contains(&share), "treated share {share}");
    let defs = parse_definitions(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../bench/definitions/benchmark.toml"
        ))
        .unwrap(),
    )
    .unwrap();
    let achieved = |register: &Register| -> std::collections::HashMap<String, bool> {
        verify(register, &defs)
            .into_iter()
            .filter(|r| r.outcome == "sustained_employment")
            .map(|r| (r.person_id, r.status == "achieved"))
            .collect()
    };
    let with = achieved(&register);
    // Without the programme: the same register, each treated person's programme job left out.
    let mut without_programme = register.clone();
    for p in &mut without_programme.persons {
        if let Some(spell) = programme.get(&p.id.to_string()).filter(|s| !s.is_empty()) {
            p.timeline.employment.retain(|e| e.id.as_str() != spell);
        }
    }
    let without = achieved(&without_programme);
    let rate = |values: &mut dyn Iterator<Item = bool>| {
        let v: Vec<bool> = values.collect();
        v.iter().filter(|a| **a).count() as f64 / v.len() as f64
    };
    let true_att =
        rate(&mut treated.iter().map(|p| with[p])) - rate(&mut treated.iter().map(|p| without[p]));
    let naive = rate(&mut treated.iter().map(|p| with[p]))
        - rate(
            &mut with
                .iter()
                .filter(|(p, _)| !treated.contains(*p))
                .map(|(_, a)| *a),
        );
    let control = rate(
        &mut with
            .iter()
            .filter(|(p, _)| !treated.contains(*p))
            .map(|(_, a)| *a),
    );
    // Realistic for the target group: about one in five reaches sustained employment.
    assert!((0.12..0.32).contains(&control), "control {control}");
    // The planted extra job (probability 0.15) lifts the treated by roughly 10 points …
    assert!((0.05..0.16).contains(&true_att), "true ATT {true_att}");
    // … which the naive comparison understates: the treated were chosen among the less employed.
    assert!(
        naive < true_att - 0.03,
        "naive {naive} vs true {true_att}, share {share}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The same register as Parquet: every file of `dir` converted, the CSV files removed.
fn as_parquet(dir: &Path, name: &str) -> PathBuf {
    let out = temp_dir(name);
    for stem in STEMS {
        csv_to_parquet(dir, &out, stem).unwrap();
    }
    out
}

#[test]
fn parquet_and_csv_give_the_same_register_and_the_same_outcomes() {
    let csv = temp_dir("pq-csv");
    generate(2_000, 5, &csv).unwrap();
    let parquet = as_parquet(&csv, "pq-parquet");
    assert!(!parquet.join("employment.csv").exists());
    let from_csv = read_dir(&csv).unwrap();
    let from_parquet = read_dir(&parquet).unwrap();
    assert_eq!(from_csv, from_parquet);
    // Many row groups read in parallel keep every row (the converter writes 1M-row groups, so
    // this also checks a file of one group).
    assert_eq!(from_parquet.persons.len(), 2_000);
    let defs =
        parse_definitions(include_str!("../../../../bench/definitions/benchmark.toml")).unwrap();
    assert_eq!(verify(&from_csv, &defs), verify(&from_parquet, &defs));
    // The snapshot hash follows the files: the same content in another format is another file.
    assert_ne!(content_hash(&csv).unwrap(), content_hash(&parquet).unwrap());
}

#[test]
fn bad_parquet_files_are_named_with_row_and_field() {
    // A value that fails validation: rows are counted from 1 (Parquet has no header row).
    let employment = format!("spell_id,person_id,employer_orgnr,start,end,fte_percent,monthly_wage,subsidised\nE1,{PERSON},910000004,2024-01-10,2024-01-15,100,40000,false\nE2,12345678901,910000004,2024-01-18,,60,30000,false\n");
    let dir = as_parquet(
        &register("pq-bad-src", &[("employment.csv", &employment)]),
        "pq-bad",
    );
    let errs = errors(&dir);
    assert_eq!(
        (errs[0].file.as_str(), errs[0].row, errs[0].field.as_str()),
        ("employment.parquet", 2, "person_id")
    );
    assert!(
        errs[0]
            .to_string()
            .starts_with("employment.parquet row 2, person_id:"),
        "{}",
        errs[0]
    );

    // A truncated file, other columns, and a file in both formats.
    let bytes = std::fs::read(dir.join("benefits.parquet")).unwrap();
    std::fs::write(dir.join("benefits.parquet"), &bytes[..bytes.len() / 2]).unwrap();
    let errs = errors(&dir);
    let benefits = errs.iter().find(|e| e.file == "benefits.parquet").unwrap();
    assert!(
        benefits.message.contains("not a readable Parquet file"),
        "{benefits}"
    );
    let other = as_parquet(&register("pq-cols-src", &[]), "pq-cols");
    write_wrong_columns(&other.join("education.parquet"));
    assert!(errors(&other)[0].message.contains("expected the columns"));
    std::fs::write(
        other.join("snapshot.csv"),
        "snapshot_id,cutoff\ns1,2025-06-30\n",
    )
    .unwrap();
    let both = errors(&other);
    assert!(
        both.iter()
            .any(|e| e.message.contains("both snapshot.csv and snapshot.parquet")),
        "{both:?}"
    );
}

/// A Parquet file with columns that are not the register's.
fn write_wrong_columns(path: &Path) {
    use std::sync::Arc;
    let schema = Arc::new(arrow_schema::Schema::new(vec![
        arrow_schema::Field::new("spell_id", arrow_schema::DataType::Utf8, false),
        arrow_schema::Field::new("person", arrow_schema::DataType::Utf8, false),
    ]));
    let batch = arrow_array::RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(arrow_array::StringArray::from(vec!["U1"])),
            Arc::new(arrow_array::StringArray::from(vec![PERSON])),
        ],
    )
    .unwrap();
    let mut w =
        ::parquet::arrow::ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None)
            .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn converting_keeps_every_decimal_or_refuses_with_row_and_column() {
    // 49.9999999995 % rounded to two decimals is 50 %, which would reach a 50 % job start
    // from Parquet but not from the CSV it came from.
    let employment = format!("spell_id,person_id,employer_orgnr,start,end,fte_percent,monthly_wage,subsidised\nE1,{PERSON},910000004,2024-01-10,,49.9999999995,40000.125,false\nE2,{PERSON},910000012,2024-05-02,,33.335,1234.5678,false\n");
    let csv = register("pq-exact", &[("employment.csv", &employment)]);
    let parquet = as_parquet(&csv, "pq-exact-out");
    let (from_csv, from_parquet) = (read_dir(&csv).unwrap(), read_dir(&parquet).unwrap());
    assert_eq!(from_csv, from_parquet);
    let defs = parse_definitions(
        "[[outcome]]\nname = \"Jobb 50\"\nkind = \"job_start\"\nmin_fte = \"50\"\nmonths = 24\n\n\
         [[outcome]]\nname = \"Jobb 49,9999999995\"\nkind = \"job_start\"\nmin_fte = \"49.9999999995\"\nmonths = 24\n",
    )
    .unwrap();
    let (a, b) = (verify(&from_csv, &defs), verify(&from_parquet, &defs));
    assert_eq!(a, b);
    let status = |rows: &[crate::verify::VerifyRow], outcome: &str| {
        rows.iter()
            .find(|r| r.outcome == outcome)
            .map(|r| (r.status, r.date.clone()))
    };
    // Exactly at its threshold from 10 January; 50 % reached only when the second job adds up.
    assert_eq!(
        status(&b, "Jobb 49,9999999995").map(|s| s.1),
        Some("2024-01-10".to_owned())
    );
    assert_eq!(
        status(&b, "Jobb 50").map(|s| s.1),
        Some("2024-05-02".to_owned())
    );

    // An eleventh decimal cannot be kept: refused with its row and column, nothing written.
    let employment = format!("spell_id,person_id,employer_orgnr,start,end,fte_percent,monthly_wage,subsidised\nE1,{PERSON},910000004,2024-01-10,,100,40000,false\nE2,{PERSON},910000012,2024-05-02,,33.33333333333,1000,false\n");
    let csv = register("pq-too-fine", &[("employment.csv", &employment)]);
    let out = temp_dir("pq-too-fine-out");
    let err = csv_to_parquet(&csv, &out, "employment").unwrap_err();
    assert!(
        err.contains(
            "row 3, fte_percent: \"33.33333333333\" is not a number with at most 10 decimals"
        ),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "no file, whole or half"
    );
}

#[test]
fn converting_refuses_a_csv_with_other_columns() {
    let dir = register(
        "pq-conv",
        &[("education.csv", "spell_id,person,start,end\n")],
    );
    let out = temp_dir("pq-conv-out");
    let err = csv_to_parquet(&dir, &out, "education").unwrap_err();
    assert!(
        err.contains("expected the columns spell_id,person_id,start,end"),
        "{err}"
    );
}

/// A Parquet file with the given columns, all text.
fn write_text_parquet(path: &Path, columns: &[&str], rows: &[Vec<String>]) {
    use std::sync::Arc;
    let schema = Arc::new(arrow_schema::Schema::new(
        columns
            .iter()
            .map(|c| arrow_schema::Field::new(*c, arrow_schema::DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let arrays: Vec<arrow_array::ArrayRef> = (0..columns.len())
        .map(|i| {
            Arc::new(arrow_array::StringArray::from(
                rows.iter().map(|r| r[i].as_str()).collect::<Vec<_>>(),
            )) as arrow_array::ArrayRef
        })
        .collect();
    let batch = arrow_array::RecordBatch::try_new(schema.clone(), arrays).unwrap();
    let mut w =
        ::parquet::arrow::ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None)
            .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}
