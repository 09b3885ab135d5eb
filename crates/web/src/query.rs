//! Parsing of list parameters shared by the pages and the API. Bad values are refused with a
//! Norwegian message naming the parameter, never silently replaced.

use std::collections::HashMap;

use effekt_domain::ids::GroupId;
use effekt_domain::participant::ParticipantStatus;
use effekt_store::model::{ParticipantQuery, SortDirection, SortKey};

pub const PER_PAGE: u32 = 25;
const MAX_SEARCH: usize = 100;

/// `sok`, `status`, `gruppe`, `sorter` (navn, status, oppstart, gruppe), `retning`
/// (stigende, synkende), `side`.
pub fn participant_query(params: &HashMap<String, String>) -> Result<ParticipantQuery, String> {
    let get = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let search = get("sok").map(str::to_owned);
    if search
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SEARCH)
    {
        return Err(format!("Søket kan ikke være lengre enn {MAX_SEARCH} tegn."));
    }
    if search
        .as_deref()
        .is_some_and(|s| s.chars().any(char::is_numeric))
    {
        return Err(
            "Søk med tall (som fødselsnummer og D-nummer) sendes fra søkeskjemaet, ikke i adressen."
                .to_owned(),
        );
    }
    let status = match get("status") {
        None => None,
        Some(code) => Some(
            ParticipantStatus::from_code(code).ok_or_else(|| format!("Ukjent status: {code}."))?,
        ),
    };
    let group = match get("gruppe") {
        None => None,
        Some(g) => Some(GroupId(
            g.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| "Gruppe må være et gyldig gruppenummer.".to_owned())?,
        )),
    };
    let sort = match get("sorter") {
        None | Some("navn") => SortKey::Name,
        Some("status") => SortKey::Status,
        Some("oppstart") => SortKey::StartDate,
        Some("gruppe") => SortKey::Group,
        Some(other) => return Err(format!("Kan ikke sortere på «{other}».")),
    };
    let direction = match get("retning") {
        None | Some("stigende") => SortDirection::Ascending,
        Some("synkende") => SortDirection::Descending,
        Some(other) => return Err(format!("Ukjent sorteringsretning: «{other}».")),
    };
    let page = match get("side") {
        None => 1,
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or_else(|| "Side må være et tall fra 1 og oppover.".to_owned())?,
    };
    Ok(ParticipantQuery {
        search,
        status,
        group,
        sort,
        direction,
        page,
        per_page: PER_PAGE,
    })
}

pub fn sort_code(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Name => "navn",
        SortKey::Status => "status",
        SortKey::StartDate => "oppstart",
        SortKey::Group => "gruppe",
    }
}

/// The query string for `q` with some values replaced (for sort and page links); a search
/// kept under `token` is named by the token, never by its text.
pub fn link(
    path: &str,
    q: &ParticipantQuery,
    token: Option<&str>,
    sort: SortKey,
    direction: SortDirection,
    page: u32,
) -> String {
    let mut parts = Vec::new();
    let enc = |s: &str| url_encode(s);
    match (token, &q.search) {
        (Some(t), _) => parts.push(format!("s={}", enc(t))),
        (None, Some(s)) => parts.push(format!("sok={}", enc(s))),
        (None, None) => {}
    }
    if let Some(s) = q.status {
        parts.push(format!("status={}", s.code()));
    }
    if let Some(g) = q.group {
        parts.push(format!("gruppe={}", g.0));
    }
    parts.push(format!("sorter={}", sort_code(sort)));
    parts.push(format!(
        "retning={}",
        match direction {
            SortDirection::Ascending => "stigende",
            SortDirection::Descending => "synkende",
        }
    ));
    if page > 1 {
        parts.push(format!("side={page}"));
    }
    format!("{path}?{}", parts.join("&"))
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn good_parameters_parse_and_bad_ones_are_named() {
        let q = participant_query(&params(&[
            ("sok", " Ali "),
            ("status", "DELTAR"),
            ("side", "2"),
        ]))
        .unwrap();
        assert_eq!(q.search.as_deref(), Some("Ali"));
        assert_eq!(q.status, Some(ParticipantStatus::Deltar));
        assert_eq!(q.page, 2);
        assert!(participant_query(&params(&[("status", "GLAD")]))
            .unwrap_err()
            .contains("GLAD"));
        assert!(participant_query(&params(&[("side", "0")])).is_err());
        assert!(participant_query(&params(&[("side", "x")])).is_err());
        assert!(participant_query(&params(&[("gruppe", "-1")])).is_err());
        assert!(participant_query(&params(&[("sorter", "lønn")])).is_err());
        assert!(participant_query(&params(&[("sok", &"a".repeat(101))])).is_err());
    }

    #[test]
    fn links_keep_filters_and_encode_search() {
        let q = participant_query(&params(&[("sok", "Øst & vest"), ("status", "DELTAR")])).unwrap();
        let l = link(
            "/deltakere",
            &q,
            None,
            SortKey::Status,
            SortDirection::Descending,
            3,
        );
        assert_eq!(
            l,
            "/deltakere?sok=%C3%98st+%26+vest&status=DELTAR&sorter=status&retning=synkende&side=3"
        );
        // A kept search is named by its token.
        let l = link(
            "/deltakere",
            &q,
            Some("abc"),
            SortKey::Name,
            SortDirection::Ascending,
            1,
        );
        assert!(
            l.starts_with("/deltakere?s=abc&status=DELTAR") && !l.contains("sok="),
            "{l}"
        );
    }

    #[test]
    fn a_national_id_is_refused_in_the_address() {
        for id in [
            "13097248022",
            "130972",
            "fnr 130972 48022",
            "13097-24802-2",
            "١٣٠٩٧٢",
        ] {
            assert!(
                participant_query(&params(&[("sok", id)]))
                    .unwrap_err()
                    .contains("søkeskjemaet"),
                "{id}"
            );
        }
        assert!(participant_query(&params(&[("sok", "Ali Ødegård")])).is_ok());
    }
}
