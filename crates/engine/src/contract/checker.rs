//! Collecting problems with their place in the file: key paths, the lines they are on (from a
//! span-keeping parse), and the value parsers every section shares.

use chrono::NaiveDate;
use effekt_domain::money::Nok;
use rust_decimal::Decimal;

use super::Problem;

/// A key path into the file, for messages and for finding the line.
#[derive(Clone)]
pub(super) enum Step {
    Key(&'static str),
    Index(usize),
}

pub(super) fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{}]", i + 1)),
        }
    }
    out
}

/// Finds lines for key paths in the text, through a span-keeping parse.
pub(super) struct Lines<'a> {
    text: &'a str,
    doc: Option<toml_edit::ImDocument<&'a str>>,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            doc: toml_edit::ImDocument::parse(text).ok(),
        }
    }

    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.text
            .as_bytes()
            .iter()
            .take(offset)
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    /// The line of the deepest part of `path` that exists in the file.
    pub(super) fn line(&self, path: &[Step]) -> usize {
        let Some(doc) = &self.doc else { return 1 };
        let mut item: &toml_edit::Item = doc.as_item();
        let mut span = None;
        for step in path {
            let next = match step {
                Step::Key(k) => item.get(*k),
                Step::Index(i) => match item {
                    toml_edit::Item::ArrayOfTables(a) => a.get(*i).map(|_| &item[*i]),
                    _ => item.get(*i),
                },
            };
            match next {
                Some(n) => {
                    item = n;
                    let here = match item {
                        toml_edit::Item::Table(t) => t.span(),
                        toml_edit::Item::Value(v) => v.span(),
                        toml_edit::Item::ArrayOfTables(a) => a.span(),
                        toml_edit::Item::None => None,
                    };
                    span = here.or(span);
                }
                None => break,
            }
        }
        span.map_or(1, |s| self.line_of(s.start))
    }
}

pub(super) struct Checker<'a> {
    pub(super) lines: Lines<'a>,
    pub(super) problems: Vec<Problem>,
}

impl Checker<'_> {
    pub(super) fn problem(&mut self, path: &[Step], message: impl Into<String>) {
        self.problems.push(Problem {
            line: self.lines.line(path),
            key: path_text(path),
            message: message.into(),
        });
    }

    /// A decimal that is 0 or more (a threshold, a rate, a size).
    pub(super) fn non_negative(&mut self, path: &[Step], text: &str) -> Option<Decimal> {
        let d = self.decimal(path, text)?;
        if d < Decimal::ZERO {
            self.problem(
                path,
                format!("{text} is below 0; write the threshold as 0 or more"),
            );
            return None;
        }
        Some(d)
    }

    pub(super) fn decimal(&mut self, path: &[Step], text: &str) -> Option<Decimal> {
        match text.trim().replace(',', ".").parse::<Decimal>() {
            Ok(d) => Some(d),
            Err(_) => {
                self.problem(path, format!("{text:?} is not a number"));
                None
            }
        }
    }

    /// An amount in kroner, not negative and not above [`Nok::CONTRACT_LIMIT`].
    pub(super) fn amount(&mut self, path: &[Step], text: &str) -> Option<Nok> {
        match Nok::parse(text) {
            Ok(n) if n.ore() < 0 => {
                self.problem(
                    path,
                    format!("{text} is negative; amounts are never below 0"),
                );
                None
            }
            Ok(n) if n > Nok::CONTRACT_LIMIT => {
                self.problem(
                    path,
                    format!(
                        "{text} is more than any contract pays (at most {})",
                        Nok::CONTRACT_LIMIT
                    ),
                );
                None
            }
            Err(effekt_domain::money::InvalidAmount::OutOfRange) => {
                self.problem(
                    path,
                    format!(
                        "{text} is more than any contract pays (at most {})",
                        Nok::CONTRACT_LIMIT
                    ),
                );
                None
            }
            Ok(n) => Some(n),
            Err(e) => {
                self.problem(path, format!("{text:?} is not an amount in kroner: {e}"));
                None
            }
        }
    }

    pub(super) fn date(
        &mut self,
        path: &[Step],
        value: &toml::value::Datetime,
    ) -> Option<NaiveDate> {
        match (value.date, value.time) {
            (Some(d), None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        }
        .or_else(|| {
            self.problem(
                path,
                format!("{value} is not a date (write it as 2026-01-01)"),
            );
            None
        })
    }
}

pub(super) fn scale_path(base: &[Step], extra: &[Step]) -> Vec<Step> {
    base.iter().chain(extra).cloned().collect()
}
