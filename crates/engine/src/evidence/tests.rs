use super::*;

const HEADER: &str =
    "record_id;national_id;identifier;date;score;recorded_by;verified_by;verified_on;action\n";
const PERSON: &str = "13097248022";

fn file(rows: &[&str]) -> String {
    format!("\u{feff}{HEADER}{}\n", rows.join("\n"))
}

#[test]
fn a_good_file_reads_whole() {
    let rows = parse(&file(&[
        &format!("M-1;{PERSON};kartlegging;15.03.2026;;Kari Veileder;Per Evaluator;2026-03-20;"),
        &format!("S-1;{PERSON};mestring;2026-04-01;3,5;Kari Veileder;;;record"),
        "M-1;13527248013;kartlegging;2026-03-15;;Kari Veileder;Per Evaluator;2026-03-20;retract",
    ]))
    .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].date, NaiveDate::from_ymd_opt(2026, 3, 15).unwrap());
    assert_eq!(
        rows[0].verified,
        Some((
            "Per Evaluator".to_owned(),
            NaiveDate::from_ymd_opt(2026, 3, 20).unwrap()
        ))
    );
    assert_eq!(rows[1].score, Some("3.5".parse().unwrap()));
    assert_eq!(rows[1].verified, None, "recorded, not yet verified");
    assert!(rows[2].retracted);
    // Commas work as well as semicolons.
    let comma = file(&[&format!(
        "M-1,{PERSON},kartlegging,2026-03-15,,Kari,Per,2026-03-20,"
    )])
    .replace(';', ",");
    assert_eq!(parse(&comma).unwrap().len(), 1);
}

#[test]
fn every_bad_field_is_named_by_line_and_column_and_nothing_is_returned() {
    let problems = parse(&file(&[
        &format!("M-1;{PERSON};kartlegging;2026-03-15;;Kari;Per;2026-03-20;"),
        "M-2;123;\u{200B};2026-13-01;mye;;Kari;;delete",
        &format!("M-3;{PERSON};kartlegging;2026-03-15;;Kari;kari;2026-03-10;"),
        &format!("M-1;{PERSON};kartlegging;2026-03-15;;Kari;Per;2026-03-20;"),
    ]))
    .unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for expected in [
        "line 3, national_id:",
        "line 3, identifier: name the milestone or the instrument",
        "line 3, date: \"2026-13-01\" is not a date",
        "line 3, score: \"mye\" is not a number",
        "line 3, recorded_by: name who recorded it",
        "line 3, verified_on: give the day it was verified",
        "line 3, action: \"delete\" is not record or retract",
        "line 4, verified_by: kari recorded it; another person verifies it",
        "line 4, verified_on: 2026-03-10 is before the record's date",
        "line 5, record_id: \"M-1\" is in this file twice",
    ] {
        assert!(
            text.iter().any(|t| t.starts_with(expected)),
            "{expected}: {text:#?}"
        );
    }
}

#[test]
fn a_file_with_other_columns_or_no_rows_is_refused() {
    let p = parse("record;person\nM-1;x\n").unwrap_err();
    assert!(
        p[0].to_string()
            .starts_with("line 1, header: expected the columns record_id;national_id"),
        "{p:?}"
    );
    let p = parse(HEADER).unwrap_err();
    assert!(p[0].message.contains("no rows"), "{p:?}");
}
