//! People of the demo's population register who are in no contract yet, so that a Nav case
//! officer has somebody to refer (issue 13), and two the demo refers itself ([`REFERRED`]).
//! Added after everything else is generated, so the rest of the demo — participants, register, payments — is exactly what it was. Their ids are
//! synthetic (month + 80) like every demo id; one the allocator happened to hand out already is
//! refused, so the demo cannot hold a number twice.

use chrono::NaiveDate;
use effekt_domain::dataset::Dataset;
use effekt_domain::ids::PersonKey;
use effekt_domain::national_id::NationalId;
use effekt_domain::person::{IdHistory, Person, Protection};

use super::DemoError;

/// The national ids of the people to refer, as the demo's start tells the case officer.
pub const REFERABLE: [&str; 2] = ["13927248187", "14927248035"];

/// People the demo refers itself (issue 13, the demo grows): the first waits for the
/// provider's answer, the second has been given a place.
pub const REFERRED: [&str; 2] = ["15927248074", "16927248003"];

pub(crate) fn persons(dataset: &mut Dataset) -> Result<(), DemoError> {
    let next = dataset.persons.iter().map(|p| p.key.0).max().unwrap_or(0);
    let people = [
        (
            "Halima",
            "Abdi",
            "Somalia",
            "Kalbakkveien 12, 0953 Oslo",
            "+47 4811 2233",
            13,
        ),
        (
            "Yonatan",
            "Haile",
            "Eritrea",
            "Trondheimsveien 230, 0570 Oslo",
            "+47 4811 4455",
            14,
        ),
        (
            "Fatuma",
            "Ali",
            "Somalia",
            "Tvetenveien 150, 0671 Oslo",
            "+47 4811 6677",
            15,
        ),
        (
            "Samuel",
            "Tesfay",
            "Eritrea",
            "Sandakerveien 64, 0477 Oslo",
            "+47 4811 8899",
            16,
        ),
    ];
    for (i, ((given, family, country, address, phone, day), id)) in people
        .into_iter()
        .zip(REFERABLE.into_iter().chain(REFERRED))
        .enumerate()
    {
        let id = NationalId::parse(id).map_err(|_| DemoError::Inconsistent("a referable id"))?;
        if dataset.persons.iter().any(|p| p.ids.has_held(&id)) {
            return Err(DemoError::Inconsistent("a referable id is taken"));
        }
        let born = NaiveDate::from_ymd_opt(1972, 12, day)
            .filter(|d| id.fits_birth_date(*d))
            .ok_or(DemoError::Inconsistent("a referable birth date"))?;
        let key = PersonKey(next + 1 + i64::try_from(i).unwrap_or(0));
        dataset.persons.push(Person {
            key,
            ids: IdHistory::single(id, born),
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            birth_date: born,
            country_of_birth: country.to_owned(),
            address: Some(address.to_owned()),
            phone: Some(phone.to_owned()),
            protection: Protection::None,
        });
    }
    Ok(())
}
