//! `[[location]]`: where the programme is delivered. Each names a municipality by its number
//! (kommunenummer) and the place's name, and in a consortium may name the provider delivering
//! there; the same place is not listed twice for the same provider.

use effekt_domain::contract::names;
use effekt_domain::contract::terms::{DeliveryLocation, Party, PartyRole};
use effekt_domain::municipality::Municipality;
use effekt_domain::orgnr::OrgNr;

use super::checker::{Checker, Step};
use super::file::LocationEntry;

pub(super) fn check_locations(
    c: &mut Checker,
    entries: &[LocationEntry],
    parties: &[Party],
) -> Vec<DeliveryLocation> {
    let k = Step::Key;
    let mut out: Vec<DeliveryLocation> = Vec::new();
    for (i, l) in entries.iter().enumerate() {
        let at = |key| vec![k("location"), Step::Index(i), k(key)];
        let municipality = match Municipality::parse(&l.municipality) {
            Ok(m) => Some(m),
            Err(e) => {
                c.problem(&at("municipality"), format!("{:?}: {e}", l.municipality));
                None
            }
        };
        let name = names::normalise(&l.name);
        if name.is_empty() {
            c.problem(&at("name"), "a location needs the place's name");
        }
        let provider = match l.provider.as_deref().map(OrgNr::parse) {
            None => Some(None),
            Some(Ok(o))
                if parties
                    .iter()
                    .any(|p| p.role == PartyRole::Provider && p.orgnr == o) =>
            {
                Some(Some(o))
            }
            Some(Ok(o)) => {
                c.problem(&at("provider"), format!("{o} is not a provider party"));
                None
            }
            Some(Err(e)) => {
                c.problem(&at("provider"), format!("{:?}: {e}", l.provider));
                None
            }
        };
        let (Some(municipality), Some(provider)) = (municipality, provider) else {
            continue;
        };
        if out
            .iter()
            .any(|o| o.municipality == municipality && o.provider == provider)
        {
            c.problem(
                &at("municipality"),
                format!("{municipality} is already listed for the same provider"),
            );
            continue;
        }
        if !name.is_empty() {
            out.push(DeliveryLocation {
                municipality,
                name,
                provider,
            });
        }
    }
    out
}
