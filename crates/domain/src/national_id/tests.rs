use super::*;

fn kind(s: &str) -> NationalIdKind {
    NationalId::parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .kind()
}

fn defects(s: &str) -> Vec<NationalIdDefect> {
    NationalId::parse(s).unwrap_err().0
}

#[test]
fn not_eleven_digits() {
    for s in [
        "",
        "1234567890",
        "123456789012",
        "1309724802a",
        "13097 48022",
    ] {
        assert_eq!(defects(s), vec![NationalIdDefect::NotElevenDigits], "{s}");
    }
}

#[test]
fn generated_numbers_round_trip_through_parse() {
    for (date, k) in [
        ([0, 1, 0, 1, 9, 0], NationalIdKind::Fnr),
        ([4, 1, 0, 1, 9, 0], NationalIdKind::Dnr),
        ([0, 1, 4, 1, 9, 0], NationalIdKind::Hnr),
        ([0, 1, 8, 1, 9, 0], NationalIdKind::Tnr),
        ([4, 1, 8, 1, 9, 0], NationalIdKind::DnrAndTnr),
        ([4, 1, 4, 1, 9, 0], NationalIdKind::DnrAndHnr),
    ] {
        let id = (0..1000)
            .find_map(|i| NationalId::complete(date, i))
            .unwrap();
        assert_eq!(id.kind(), k);
        assert_eq!(NationalId::parse(&id.to_string()).unwrap(), id);
    }
}

#[test]
fn leap_days_follow_the_two_digit_year() {
    // 29 February exists when the two-digit year is divisible by 4, 00 included.
    for yy in [[0, 0], [0, 4], [9, 6], [2, 4]] {
        let date = [2, 9, 0, 2, yy[0], yy[1]];
        assert!(
            (0..1000).any(|i| NationalId::complete(date, i).is_some()),
            "{yy:?}"
        );
    }
    for yy in [[0, 1], [9, 9], [2, 3]] {
        let date = [2, 9, 0, 2, yy[0], yy[1]];
        assert!(
            (0..1000).all(|i| NationalId::complete(date, i).is_none()),
            "{yy:?}"
        );
    }
}

#[test]
fn production_refuses_synthetic_and_help_numbers() {
    let tnr = (0..1000)
        .find_map(|i| NationalId::complete([0, 1, 8, 1, 9, 0], i))
        .unwrap();
    let hnr = (0..1000)
        .find_map(|i| NationalId::complete([0, 1, 4, 1, 9, 0], i))
        .unwrap();
    let fnr = (0..1000)
        .find_map(|i| NationalId::complete([0, 1, 0, 1, 9, 0], i))
        .unwrap();
    assert!(tnr.accept_in(Mode::Demo).is_ok());
    assert!(tnr.accept_in(Mode::Test).is_ok());
    assert_eq!(
        tnr.accept_in(Mode::Production),
        Err(NationalIdRefusal::SyntheticInProduction(
            NationalIdKind::Tnr
        ))
    );
    assert_eq!(
        hnr.accept_in(Mode::Production),
        Err(NationalIdRefusal::HelpNumberInProduction(
            NationalIdKind::Hnr
        ))
    );
    assert!(fnr.accept_in(Mode::Production).is_ok());
}

#[test]
fn debug_output_never_contains_the_number() {
    let id = (0..1000)
        .find_map(|i| NationalId::complete([0, 1, 0, 1, 9, 0], i))
        .unwrap();
    assert!(!format!("{id:?}").contains(&id.to_string()[..6]));
}

#[test]
fn kind_codes_round_trip() {
    for k in [
        NationalIdKind::Fnr,
        NationalIdKind::Dnr,
        NationalIdKind::Hnr,
        NationalIdKind::Tnr,
        NationalIdKind::DnrAndHnr,
        NationalIdKind::DnrAndTnr,
    ] {
        assert_eq!(NationalIdKind::from_code(k.code()), Some(k));
    }
    let _ = kind;
}

#[test]
fn a_number_fits_the_birth_date_it_encodes_whatever_its_kind() {
    let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    // 13.09.72: a fødselsnummer, and its D-nummer (day + 40).
    let fnr = NationalId::parse("13097248022").unwrap();
    assert!(fnr.fits_birth_date(date(1972, 9, 13)));
    assert!(!fnr.fits_birth_date(date(1990, 9, 13)), "another year");
    assert!(!fnr.fits_birth_date(date(1972, 9, 14)), "another day");
    let dnr = NationalId::parse("53097248016").unwrap();
    assert!(dnr.fits_birth_date(date(1972, 9, 13)));
    // A synthetic test number (month + 80) of 17.11.20.
    let tnr = NationalId::parse("17912099997").unwrap();
    assert!(tnr.fits_birth_date(date(2020, 11, 17)));
}

#[test]
fn a_national_id_typed_as_pages_show_it_is_searched_as_stored() {
    assert_eq!(search_text("241095 12482"), "24109512482");
    assert_eq!(search_text(" 241095\u{a0}12482 "), "24109512482");
    assert_eq!(search_text("24109512482"), "24109512482");
    // Anything else is left alone: names, partial numbers, twelve digits.
    assert_eq!(search_text("Ali Ødegård"), "Ali Ødegård");
    assert_eq!(search_text("241095"), "241095");
    assert_eq!(search_text("241095 124821"), "241095 124821");
}
