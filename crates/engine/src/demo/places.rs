//! Where the demo's participants live: street addresses in the two Nav offices' districts
//! (Grünerløkka and Søndre Nordstrand in Oslo), and fictional Norwegian mobile numbers.

use super::random::{between, chance, pick, Rng};

/// A street and its postcode.
type Street = (&'static str, &'static str);

/// Streets in bydel Grünerløkka and nearby (Nav Grünerløkka).
const GRUNERLOKKA: &[Street] = &[
    ("Tøyengata", "0578"),
    ("Trondheimsveien", "0560"),
    ("Thorvald Meyers gate", "0555"),
    ("Markveien", "0554"),
    ("Sofienberggata", "0558"),
    ("Seilduksgata", "0553"),
    ("Helgesens gate", "0553"),
    ("Toftes gate", "0556"),
    ("Københavngata", "0566"),
    ("Sannergata", "0557"),
    ("Fossveien", "0551"),
    ("Dælenenggata", "0567"),
    ("Nordkappgata", "0566"),
    ("Rathkes gate", "0558"),
    ("Christian Michelsens gate", "0568"),
    ("Hasleveien", "0571"),
];

/// Streets in bydel Søndre Nordstrand (Nav Søndre Nordstrand).
const SONDRE_NORDSTRAND: &[Street] = &[
    ("Holmliaveien", "1253"),
    ("Hallagerbakken", "1256"),
    ("Stenbråtlia", "1254"),
    ("Ravnåsveien", "1254"),
    ("Kornmoenga", "1255"),
    ("Helga Vaneks vei", "1281"),
    ("Mortensrudveien", "1283"),
    ("Seterbråtveien", "1283"),
    ("Bjørnerudveien", "1266"),
    ("Nedre Prinsdals vei", "1263"),
    ("Hauketoveien", "1266"),
    ("Lofsrudveien", "1281"),
];

/// A street address in the district of office `office` (0 = Grünerløkka, else Søndre
/// Nordstrand), formatted as the registers print it, e.g. "Tøyengata 12 B, 0578 Oslo".
pub(crate) fn address(rng: &mut Rng, office: usize) -> String {
    let streets = if office == 0 {
        GRUNERLOKKA
    } else {
        SONDRE_NORDSTRAND
    };
    let (street, postcode) = pick(rng, streets).copied().unwrap_or(("Tøyengata", "0578"));
    let number = between(rng, 1, 120);
    let entrance = if chance(rng, 35) {
        match between(rng, 0, 3) {
            0 => " A",
            1 => " B",
            2 => " C",
            _ => " D",
        }
    } else {
        ""
    };
    format!("{street} {number}{entrance}, {postcode} Oslo")
}

/// A fictional mobile number in Norwegian format, "+47 4xx xx xxx" or "+47 9xx xx xxx".
pub(crate) fn phone(rng: &mut Rng) -> String {
    let lead = if chance(rng, 55) { 4 } else { 9 };
    let a = between(rng, 0, 99);
    let b = between(rng, 0, 99);
    let c = between(rng, 0, 999);
    format!("+47 {lead}{a:02} {b:02} {c:03}")
}
