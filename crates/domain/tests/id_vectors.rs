//! Published, real-world vectors for national ids and organisation numbers. Each row names
//! where it was published, so a disagreement with another validator can be traced.
//!
//! Sources:
//! - S1 Skatteetaten/folkeregisteret-api-dokumentasjon, src/om-tjenestene/nyttfnr2032.md
//! - S2 the same repository, src/test/"Test for konsumenter.md" (Tenor synthetic numbers)
//! - S4 navikt/fnrvalidator, tests/fnr.spec.ts
//! - S5 arthurdejong/python-stdnum, stdnum/no/fodselsnummer.py and its doctest
//! - S6 mikaello/norwegian-national-id-validator, __test__/
//! - S8 Altinn register PersonIdentifierTests.cs (2032-rule numbers)
//! - S9 fnrinfo.no worked example of the check digits
//! - O1 Informasjonsforvaltning/altinn-model-publisher, shortname_orgs.py (agency orgnr)
//! - O2 arthurdejong/python-stdnum, stdnum/no/orgnr.py and tests/test_no_mva.doctest
//! - O3 npm package `brreg` README (Brønnøysundregistrene)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use effekt_domain::national_id::{NationalId, NationalIdDefect, NationalIdKind};
use effekt_domain::orgnr::{InvalidOrgNr, OrgNr};

use NationalIdDefect::{FirstCheckDigit, InvalidDate, NotElevenDigits, SecondCheckDigit};
use NationalIdKind::*;

const VALID: &[(&str, NationalIdKind, &str)] = &[
    ("13097248022", Fnr, "S4 a valid one"),
    ("29029648784", Fnr, "S4 29 February 96"),
    ("29029600013", Fnr, "S6 29 February 1996"),
    ("29020075838", Fnr, "S4 year 00 is a leap year"),
    ("15021951940", Fnr, "S4 k2 = 11 becomes 0"),
    ("15108695088", Fnr, "S5"),
    ("26111593816", Fnr, "S5"),
    ("01010100131", Fnr, "S6"),
    ("31129956715", Fnr, "S9"),
    ("02013299997", Fnr, "S1 born 02.01.2032"),
    ("30108299920", Fnr, "S1 person 1"),
    (
        "30108299939",
        Fnr,
        "S1 person 2: k1 remainder 1, valid only under the 2032 rule",
    ),
    ("02013299903", Fnr, "S1/S8: k1 remainder 2 (2032 rule)"),
    ("02013299911", Fnr, "S8: k1 remainder 3 (2032 rule)"),
    ("30108299947", Fnr, "S8: k1 remainder 2 (2032 rule)"),
    ("30108299955", Fnr, "S8: k1 remainder 3 (2032 rule)"),
    ("53097248016", Dnr, "S4"),
    ("42059199212", Dnr, "S6"),
    ("67047000642", Dnr, "S6"),
    ("70108299914", Dnr, "S4"),
    ("42013299980", Dnr, "S8"),
    ("13527248013", Hnr, "S4"),
    ("01415612385", Hnr, "S6"),
    ("10915596784", Tnr, "S4"),
    ("17912099997", Tnr, "S2 17.11.2020"),
    ("29822099635", Tnr, "S2 synthetic leap day 29.02.2020"),
    ("21929774873", Tnr, "S2 21.12.1897"),
    ("03882049433", Tnr, "S8 Tenor test data"),
    ("68467038838", DnrAndHnr, "S4"),
    ("50846202355", DnrAndTnr, "S4"),
    ("57912075186", DnrAndTnr, "S2"),
    ("69822075096", DnrAndTnr, "S2 D-nummer for 29.02.2020"),
    ("66847800373", DnrAndTnr, "S8 Tenor D-nummer"),
];

#[test]
fn published_valid_numbers_have_their_kind() {
    for (number, kind, source) in VALID {
        let id = NationalId::parse(number).unwrap_or_else(|e| panic!("{number} ({source}): {e}"));
        assert_eq!(id.kind(), *kind, "{number} ({source})");
        assert_eq!(id.to_string(), *number);
    }
}

#[test]
fn published_invalid_numbers_name_every_reason() {
    let cases: &[(&str, &[NationalIdDefect], &str)] = &[
        ("1234567890", &[NotElevenDigits], "S4"),
        ("123456789101", &[NotElevenDigits], "S4"),
        ("1234567891A", &[NotElevenDigits], "S4"),
        ("42485176432123", &[NotElevenDigits], "S5"),
        // k1 remainder 1 passes under the 2032 rule; k2 is what fails.
        (
            "13097248032",
            &[SecondCheckDigit],
            "S4 'checksum 1 is invalid'",
        ),
        ("13097248023", &[SecondCheckDigit], "S4"),
        (
            "15108695077",
            &[FirstCheckDigit, SecondCheckDigit],
            "S5 k1 remainder 10",
        ),
        (
            "26111593817",
            &[SecondCheckDigit],
            "S5 only the last digit changed",
        ),
        (
            "30108299918",
            &[FirstCheckDigit, SecondCheckDigit],
            "S8 invalid checksum",
        ),
        (
            "02013299987",
            &[FirstCheckDigit, SecondCheckDigit],
            "S4 new standard still rejects",
        ),
        (
            "02013299996",
            &[SecondCheckDigit],
            "S4 invalid k2 with new standard",
        ),
        (
            "29029900157",
            &[InvalidDate],
            "S6 nobody is born 29 February 1999",
        ),
        (
            "01535612303",
            &[InvalidDate],
            "S6 H-nummer month 53 is month 13",
        ),
        ("19575770838", &[InvalidDate], "S5 H-nummer month 57"),
        (
            "00000000000",
            &[InvalidDate],
            "check digits pass, day 0 does not",
        ),
        (
            "81234567802",
            &[InvalidDate],
            "S6 FH-number: day 81 is no date here",
        ),
        // Derived (no published example): valid check digits, 30 February.
        ("30029099959", &[InvalidDate], "derived 30.02.90"),
        ("30020099905", &[InvalidDate], "derived 30.02.00"),
    ];
    for (number, expected, source) in cases {
        let got = NationalId::parse(number).expect_err(number).0;
        assert_eq!(&got, expected, "{number} ({source})");
    }
    // Checksum and date wrong together: both reasons are reported.
    let both = NationalId::parse("32127248022").unwrap_err().0;
    assert!(both.contains(&InvalidDate), "S4 day 32: {both:?}");
    assert!(both
        .iter()
        .any(|d| matches!(d, FirstCheckDigit | SecondCheckDigit)));
}

#[test]
fn the_2032_rule_holds_for_d_numbers_too() {
    // Derived from S1's 301082 999 with day + 40: k1 remainder 1.
    assert_eq!(NationalId::parse("70108299922").unwrap().kind(), Dnr);
}

#[test]
fn published_organisation_numbers() {
    for (orgnr, source) in [
        ("889640782", "O1 Nav"),
        ("974760673", "O1/O3 Brønnøysundregistrene"),
        ("974761076", "O1 Skatteetaten"),
        ("984661185", "O1 Posten Norge"),
        ("971524960", "O1 Stortinget"),
        ("971526920", "O1 SSB"),
        ("988077917", "O2"),
        ("965920358", "O2"),
        ("980430596", "O2"),
        ("998772680", "O2"),
    ] {
        assert_eq!(
            OrgNr::parse(orgnr).map(|o| o.to_string()),
            Ok(orgnr.to_owned()),
            "{source}"
        );
    }
    assert_eq!(
        OrgNr::parse("988077918"),
        Err(InvalidOrgNr::CheckDigit),
        "O2"
    );
    assert_eq!(OrgNr::parse("123456789"), Err(InvalidOrgNr::CheckDigit));
    assert_eq!(
        OrgNr::parse("010101000"),
        Err(InvalidOrgNr::CheckDigit),
        "check digit 10"
    );
    assert_eq!(OrgNr::parse("12345678"), Err(InvalidOrgNr::NotNineDigits));
    assert_eq!(OrgNr::parse("98807791a"), Err(InvalidOrgNr::NotNineDigits));
}
