//! Small, portable random helpers over the demo's ChaCha8 stream, plus date arithmetic.
//!
//! Every draw goes through `u32`/`i64` ranges (never `usize`), so a seed gives the same demo
//! on 32- and 64-bit platforms.

use chrono::{NaiveDate, TimeDelta};
use rand::Rng as _;
use rand_chacha::ChaCha8Rng;

use super::DemoError;

pub(crate) type Rng = ChaCha8Rng;

/// A uniformly chosen index below `len` (0 when `len` is 0).
pub(crate) fn index(rng: &mut Rng, len: usize) -> usize {
    match u32::try_from(len) {
        Ok(0) => 0,
        Ok(n) => rng.random_range(0..n) as usize,
        Err(_) => rng.random_range(0..u64::try_from(len).unwrap_or(u64::MAX)) as usize,
    }
}

/// A uniformly chosen element, `None` only for an empty slice.
pub(crate) fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        return None;
    }
    items.get(index(rng, items.len()))
}

/// Like [`pick`] for the static name and street tables, which are never empty.
pub(crate) fn pick_str(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    pick(rng, items).copied().unwrap_or("")
}

/// True with probability `percent`/100.
pub(crate) fn chance(rng: &mut Rng, percent: u32) -> bool {
    rng.random_range(0..100u32) < percent
}

/// An index into `weights`, chosen with probability proportional to its weight.
pub(crate) fn weighted(rng: &mut Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut roll = rng.random_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    weights.len().saturating_sub(1)
}

/// An integer in `lo..=hi` (`lo` when the range is empty).
pub(crate) fn between(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// Fisher–Yates with portable index draws.
pub(crate) fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = index(rng, i + 1);
        items.swap(i, j);
    }
}

/// A calendar date; the demo's constants are all valid, so an error here is a bug.
pub(crate) fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, DemoError> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DemoError::DateOutOfRange)
}

/// `date` moved by `days` (negative moves back).
pub(crate) fn shift(date: NaiveDate, days: i64) -> Result<NaiveDate, DemoError> {
    TimeDelta::try_days(days)
        .and_then(|delta| date.checked_add_signed(delta))
        .ok_or(DemoError::DateOutOfRange)
}

/// A uniformly chosen day in `from..=to` (`from` when the range is empty).
pub(crate) fn day_between(
    rng: &mut Rng,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<NaiveDate, DemoError> {
    let span = (to - from).num_days();
    shift(from, between(rng, 0, span))
}
