//! The import log's rules: what kinds of import effekt makes, how each attempt ended, which
//! failures still wait for someone (a task on the home of whoever owns that kind), and what of
//! a problem's text may be kept. An import is applied whole or not at all, so a refused one
//! leaves nothing behind but its row in the log.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// A register snapshot (`effekt register import`): the administrator's.
    Register,
    /// Provider evidence for one contract (`effekt evidence import`): the administrator's.
    Evidence,
    /// A contract file (`effekt contract import`): Nav's contract manager's.
    Contract,
}

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [Self::Register, Self::Evidence, Self::Contract];

    pub fn code(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Evidence => "evidence",
            Self::Contract => "contract",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Register => "Registeruttrekk",
            Self::Evidence => "Leverandørens dokumentasjon",
            Self::Contract => "Kontraktsfil",
        }
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportResult {
    /// Stored.
    Applied,
    /// The same content was there already; nothing changed.
    Unchanged,
    /// Its content was refused (the problems say where); nothing was stored.
    Refused,
    /// The store failed; nothing was stored.
    Failed,
}

impl ImportResult {
    pub const ALL: [ImportResult; 4] =
        [Self::Applied, Self::Unchanged, Self::Refused, Self::Failed];

    pub fn code(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Unchanged => "unchanged",
            Self::Refused => "refused",
            Self::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Applied => "Importert",
            Self::Unchanged => "Uendret (fantes fra før)",
            Self::Refused => "Avvist",
            Self::Failed => "Feilet",
        }
    }

    /// Whether the content is in the store after this attempt.
    pub fn succeeded(self) -> bool {
        matches!(self, Self::Applied | Self::Unchanged)
    }
}

/// One attempt, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRun {
    pub id: i64,
    pub kind: ImportKind,
    /// What a later success must cover to settle a failure ([`scope_of_contract`]).
    pub scope: String,
    pub source: String,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub result: ImportResult,
    pub problem_count: u64,
    /// The first [`KEPT_PROBLEMS`] problems, as the operator saw them.
    pub problems: Vec<String>,
}

impl ImportRun {
    /// The command that runs this attempt again, as the log page tells whoever fixes it.
    pub fn command(&self) -> String {
        let contract = match (self.kind, contract_of(&self.scope)) {
            (_, Some(id)) => format!(" --contract {id}"),
            (ImportKind::Contract, None) => " --target-cohort N".to_owned(),
            _ => String::new(),
        };
        let verb = match self.kind {
            ImportKind::Register => "register",
            ImportKind::Evidence => "evidence",
            ImportKind::Contract => "contract",
        };
        // Quoted for the shell when the name holds anything but the usual file-name letters.
        let plain = |c: char| c.is_alphanumeric() || "._-".contains(c);
        let source = if self.source.chars().all(plain) {
            self.source.clone()
        } else {
            format!("'{}'", self.source.replace('\'', "'\\''"))
        };
        // Whoever runs it again acts as themselves.
        format!("effekt {verb} import {source}{contract} --as BRUKERNAVN")
    }
}

/// How many problems the log keeps per attempt; the rest are only counted.
pub const KEPT_PROBLEMS: usize = 20;

/// The scope of an import about contract `id` (evidence, a contract's first terms).
pub fn scope_of_contract(id: i64) -> String {
    format!("contract:{id}")
}

/// The scope of a contract file that defines a new contract.
pub const NEW_CONTRACT_SCOPE: &str = "new";

/// The failures that still wait: per kind and scope, the newest attempt when it did not
/// succeed (an older failure is settled by any later attempt, which says more). A contract
/// file for contract N waits only while `awaiting_terms(N)`: once N has terms, or when there
/// is no such contract, no later import of that scope can succeed, so it waits for nobody.
/// Newest first.
pub fn unsettled<'a>(
    runs: &'a [ImportRun],
    awaiting_terms: &dyn Fn(i64) -> bool,
) -> Vec<&'a ImportRun> {
    let mut newest: std::collections::HashMap<(ImportKind, &str), &ImportRun> =
        std::collections::HashMap::new();
    for run in runs {
        let slot = newest.entry((run.kind, run.scope.as_str())).or_insert(run);
        if run.id > slot.id {
            *slot = run;
        }
    }
    let mut open: Vec<&ImportRun> = newest
        .into_values()
        .filter(|r| !r.result.succeeded())
        .filter(|r| match (r.kind, contract_of(&r.scope)) {
            (ImportKind::Contract, Some(id)) => awaiting_terms(id),
            _ => true,
        })
        .collect();
    open.sort_by_key(|r| std::cmp::Reverse(r.id));
    open
}

/// The contract a scope names (`contract:N`).
pub fn contract_of(scope: &str) -> Option<i64> {
    scope.strip_prefix("contract:")?.parse().ok()
}

/// What the log may keep of a problem's text: the text, unless it looks as if it holds a
/// national id (a value echoed from the file), then only that the message was left out. The
/// log is read on a page, and a refused file may have carried anything.
pub fn kept_problem(text: &str) -> String {
    let text = text.trim();
    // Nine or more digits together may be a national id mistyped by a digit or two.
    let long_number = text
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 9);
    if long_number || crate::free_text::holds_national_id(text) {
        "(meldingen er utelatt fordi den kan inneholde et fødselsnummer; se utskriften fra kommandoen)"
            .to_owned()
    } else {
        text.chars().take(500).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: i64, kind: ImportKind, scope: &str, result: ImportResult) -> ImportRun {
        ImportRun {
            id,
            kind,
            scope: scope.to_owned(),
            source: "fil".to_owned(),
            at: DateTime::<Utc>::default(),
            actor_name: "admin".to_owned(),
            result,
            problem_count: 0,
            problems: Vec::new(),
        }
    }

    #[test]
    fn a_failure_waits_until_a_later_attempt_of_its_kind_and_scope_succeeds() {
        use ImportKind::*;
        use ImportResult::*;
        let runs = [
            run(1, Register, "", Refused),
            run(2, Evidence, "contract:1", Refused),
            run(3, Evidence, "contract:2", Applied),
            run(4, Register, "", Applied),
            run(5, Evidence, "contract:1", Failed),
            run(6, Contract, "new", Refused),
            run(7, Evidence, "contract:2", Refused),
        ];
        let open: Vec<i64> = unsettled(&runs, &|_| true).iter().map(|r| r.id).collect();
        // The register was imported after its failure; evidence for contract 1 failed twice
        // (only the newest waits); contract 2's newest attempt failed after a success.
        assert_eq!(open, [7, 6, 5]);
        let fixed = [
            run(1, Contract, "new", Refused),
            run(2, Contract, "new", Unchanged),
        ];
        assert!(unsettled(&fixed, &|_| true).is_empty());
        // A success for another contract settles nothing.
        let other = [
            run(1, Evidence, "contract:1", Refused),
            run(2, Evidence, "contract:3", Applied),
        ];
        assert_eq!(unsettled(&other, &|_| true).len(), 1);
        // Terms for a contract that has them (or does not exist) can never be imported: such a
        // failure waits for nobody; one for a contract still without terms does.
        let refused = [
            run(1, Contract, "contract:1", Refused),
            run(2, Contract, "contract:7", Failed),
        ];
        let open: Vec<i64> = unsettled(&refused, &|id| id == 7)
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(open, [2]);
    }

    #[test]
    fn a_problem_that_may_echo_a_national_id_is_not_kept() {
        assert_eq!(
            kept_problem("population.csv row 3, birth_year: not a year "),
            "population.csv row 3, birth_year: not a year"
        );
        assert!(kept_problem("row 4: national_id 24109512482 unknown").starts_with("(meldingen"));
        assert!(kept_problem("row 4: 241095 12482").starts_with("(meldingen"));
        // A mistyped id of ten or twelve digits too.
        assert!(kept_problem("person_id \"2410951248\" unknown").starts_with("(meldingen"));
        assert!(kept_problem("person_id 241095124821 unknown").starts_with("(meldingen"));
        assert_eq!(
            kept_problem("line 3, date: \"2026-11-31\""),
            "line 3, date: \"2026-11-31\""
        );
        assert_eq!(kept_problem(&"x".repeat(900)).len(), 500);
    }

    #[test]
    fn the_command_runs_the_same_import_again() {
        let mut r = run(1, ImportKind::Evidence, "contract:3", ImportResult::Refused);
        assert_eq!(
            r.command(),
            "effekt evidence import fil --contract 3 --as BRUKERNAVN"
        );
        r.kind = ImportKind::Register;
        r.scope = String::new();
        assert_eq!(r.command(), "effekt register import fil --as BRUKERNAVN");
        r.kind = ImportKind::Contract;
        r.scope = NEW_CONTRACT_SCOPE.to_owned();
        assert_eq!(
            r.command(),
            "effekt contract import fil --target-cohort N --as BRUKERNAVN"
        );
        r.source = "Ola's fil.toml".to_owned();
        r.scope = "contract:2".to_owned();
        assert_eq!(
            r.command(),
            "effekt contract import 'Ola'\\''s fil.toml' --contract 2 --as BRUKERNAVN"
        );
    }

    #[test]
    fn codes_round_trip() {
        for k in ImportKind::ALL {
            assert_eq!(ImportKind::from_code(k.code()), Some(k));
        }
        for r in ImportResult::ALL {
            assert_eq!(ImportResult::from_code(r.code()), Some(r));
        }
        assert_eq!(ImportKind::from_code("x"), None);
    }
}
