//! Putting each spell on its person's timeline. Files list spells in any order, so this is a
//! scatter of millions of rows, done in two parallel steps that both stay within the caches.
//! The persons, sorted by id, are cut into [`RANGES`] ranges of consecutive ids. While a chunk
//! is parsed, each spell goes to the bucket of its id's range (a search among the ranges' first
//! ids, which fit in the first-level cache). Then one thread per range finds each spell's person
//! by binary search within that range's ids (a few hundred kilobytes) and moves the spell onto
//! the person's timeline. Ranges are small, so the writes stay local, and no two threads touch
//! the same timeline. A lookup among all persons at once would miss the caches on every row.

use effekt_domain::national_id::NationalId;
use effekt_domain::outcomes::timeline::Timeline;
use effekt_domain::register::RegisterPerson;
use rayon::prelude::*;

/// How many ranges the persons are cut into.
const RANGES: usize = 64;

/// Sends spells to their persons, who are given by their sorted numeric keys.
pub(super) struct Router<'a> {
    keys: &'a [u64],
    /// Persons per range.
    per: usize,
    /// The first key of each range.
    bounds: Vec<u64>,
}

/// One chunk's spells by person range, each with its person's key.
pub(super) struct Buckets<T> {
    ranges: Vec<Vec<(u64, T)>>,
}

impl<'a> Router<'a> {
    /// `keys` are the persons' `NationalId::as_u64`, sorted.
    pub(super) fn new(keys: &'a [u64]) -> Self {
        let per = keys.len().div_ceil(RANGES).max(1);
        Self {
            keys,
            per,
            bounds: keys.iter().step_by(per).copied().collect(),
        }
    }

    fn ranges(&self) -> usize {
        self.bounds.len().max(1)
    }

    /// Empty buckets for a chunk of about `rows` rows.
    pub(super) fn buckets<T>(&self, rows: usize) -> Buckets<T> {
        let n = self.ranges();
        let each = rows / n + rows / (n * 8) + 8;
        Buckets {
            ranges: (0..n).map(|_| Vec::with_capacity(each)).collect(),
        }
    }

    pub(super) fn route<T>(&self, buckets: &mut Buckets<T>, person: &NationalId, value: T) {
        let key = person.as_u64();
        // The last range whose first key is at most `key` (a key below every range goes to the
        // first, where it is found to have no person).
        let range = self.bounds.partition_point(|b| *b <= key).saturating_sub(1);
        if let Some(bucket) = buckets.ranges.get_mut(range) {
            bucket.push((key, value));
        }
    }

    /// Moves every chunk's spells onto the persons' timelines (one person per key, in key
    /// order) with `field` choosing the list; returns how many spells had no person.
    pub(super) fn place<T: Send>(
        &self,
        persons: &mut [RegisterPerson],
        parts: Vec<Buckets<T>>,
        field: fn(&mut Timeline) -> &mut Vec<T>,
    ) -> usize {
        let mut by_range: Vec<Vec<Vec<(u64, T)>>> =
            (0..self.ranges()).map(|_| Vec::new()).collect();
        for part in parts {
            for (r, bucket) in part.ranges.into_iter().enumerate() {
                if let Some(list) = by_range.get_mut(r) {
                    list.push(bucket);
                }
            }
        }
        let per = self.per;
        let keys = self.keys;
        if persons.is_empty() {
            return by_range.iter().flatten().map(Vec::len).sum();
        }
        persons
            .par_chunks_mut(per)
            .zip(keys.par_chunks(per))
            .zip(by_range.into_par_iter())
            .map(|((slice, keys), lists)| {
                let mut unmatched = 0;
                let owners: Vec<Option<usize>> = lists
                    .iter()
                    .flatten()
                    .map(|(key, _)| keys.binary_search(key).ok())
                    .collect();
                let mut counts = vec![0usize; slice.len()];
                for i in owners.iter().flatten() {
                    if let Some(c) = counts.get_mut(*i) {
                        *c += 1;
                    }
                }
                for (t, n) in slice.iter_mut().zip(&counts) {
                    field(&mut t.timeline).reserve_exact(*n);
                }
                for ((_, value), owner) in lists.into_iter().flatten().zip(owners) {
                    match owner.and_then(|i| slice.get_mut(i)) {
                        Some(t) => field(&mut t.timeline).push(value),
                        None => unmatched += 1,
                    }
                }
                unmatched
            })
            .sum()
    }
}
