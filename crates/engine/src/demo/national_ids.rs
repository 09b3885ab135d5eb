//! Synthetic national ids for the demo: unique across the whole dataset (id histories
//! included), each encoding its holder's birth date.
//!
//! Ids are Skatteetaten's synthetic test numbers (month + 80), so they can never be a real
//! person's number; D-numbers add 40 to the day as usual. The individual number follows the
//! century convention (000–499 for 1900–1999, 500–999 from 2000), and when one birth date's
//! numbers run out the allocator moves on to the next date in the allowed range.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use effekt_domain::national_id::NationalId;

use super::random::{between, shift, Rng};
use super::DemoError;

/// Random probes before scanning a date's whole individual-number space.
const PROBES: usize = 12;

/// The ids a person gets: a synthetic fødselsnummer and, for some, an earlier D-nummer.
pub(crate) struct Allocated {
    pub birth_date: NaiveDate,
    pub tnr: NationalId,
    pub dnr: Option<NationalId>,
}

/// Hands out unique synthetic ids; O(1) per id.
#[derive(Default)]
pub(crate) struct IdAllocator {
    used: HashSet<NationalId>,
    /// Date parts whose individual-number space is exhausted.
    full: HashSet<[u8; 6]>,
}

/// `ddmmyy` with the synthetic month offset, and +40 on the day for a D-number.
fn date_part(date: NaiveDate, d_number: bool) -> Option<[u8; 6]> {
    let day = u8::try_from(date.day()).ok()? + if d_number { 40 } else { 0 };
    let month = u8::try_from(date.month()).ok()? + 80;
    let year = u8::try_from(date.year().rem_euclid(100)).ok()?;
    Some([
        day / 10,
        day % 10,
        month / 10,
        month % 10,
        year / 10,
        year % 10,
    ])
}

impl IdAllocator {
    /// Ids for a person born on `wanted`, or on the nearest later free date in `from..=to`
    /// (wrapping around). Errors only when every date in the range is exhausted.
    pub(crate) fn allocate(
        &mut self,
        rng: &mut Rng,
        wanted: NaiveDate,
        (from, to): (NaiveDate, NaiveDate),
        with_d_number: bool,
    ) -> Result<Allocated, DemoError> {
        let days = (to - from).num_days() + 1;
        if days <= 0 {
            return Err(DemoError::IdSpaceExhausted);
        }
        let offset = (wanted - from).num_days().clamp(0, days - 1);
        for step in 0..days {
            let date = shift(from, (offset + step) % days)?;
            let Some(tnr) = self.take(rng, date, false) else {
                continue;
            };
            if !with_d_number {
                return Ok(Allocated {
                    birth_date: date,
                    tnr,
                    dnr: None,
                });
            }
            match self.take(rng, date, true) {
                Some(dnr) => {
                    return Ok(Allocated {
                        birth_date: date,
                        tnr,
                        dnr: Some(dnr),
                    });
                }
                None => {
                    self.used.remove(&tnr);
                }
            }
        }
        Err(DemoError::IdSpaceExhausted)
    }

    /// A fresh id on `date`, or `None` when that date's numbers are all taken.
    fn take(&mut self, rng: &mut Rng, date: NaiveDate, d_number: bool) -> Option<NationalId> {
        let part = date_part(date, d_number)?;
        if self.full.contains(&part) {
            return None;
        }
        let (lo, hi): (u16, u16) = if date.year() < 2000 {
            (0, 499)
        } else {
            (500, 999)
        };
        let width = hi - lo + 1;
        for _ in 0..PROBES {
            let individual = u16::try_from(between(rng, lo.into(), hi.into())).ok()?;
            if let Some(id) = self.claim(part, individual) {
                return Some(id);
            }
        }
        let start = u16::try_from(between(rng, 0, i64::from(width) - 1)).ok()?;
        for k in 0..width {
            if let Some(id) = self.claim(part, lo + (start + k) % width) {
                return Some(id);
            }
        }
        self.full.insert(part);
        None
    }

    fn claim(&mut self, part: [u8; 6], individual: u16) -> Option<NationalId> {
        let id = NationalId::complete(part, individual)?;
        self.used.insert(id.clone()).then_some(id)
    }
}
