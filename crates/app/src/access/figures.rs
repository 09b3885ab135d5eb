//! The few figures each role watches, at the top of its home: for whoever reads a contract's
//! statements, what has been paid so far (as the statements page shows that viewer the totals:
//! the whole, a provider's own share, or — for investors and the facilitator — the sum of the
//! paid statements whose totals are published, naming the periods left out; a sum of published
//! totals holds no hidden amount),
//! how much of the contract's cap that is, the newest paid period and the statements still in
//! progress; for the administrator the newest register snapshot, the imports that wait and the
//! locked accounts. Nothing here counts people.
//!
//! Worked out from the homes' cached inputs and kept per kind of viewer under the same
//! generations, so a home request does not read statement lines.

use effekt_domain::contract::periods;
use effekt_domain::contract::statement::Stage;
use effekt_domain::dates::date_nb;
use effekt_domain::money::Nok;
use effekt_domain::orgnr::OrgNr;

use super::home::Workflow;
use super::statements::Sight;
use super::{AdminAccess, StatementAccess};
use crate::views::{KeyFigure, KeyFigures};
use crate::{accounts, policy, AppError};

fn figure(label: &str, value: String, note: Option<String>) -> KeyFigure {
    KeyFigure {
        label: label.to_owned(),
        value,
        note,
    }
}

/// `part` of `whole` as Norwegians write a share, one decimal: `23,4 %`.
fn share_nb(part: Nok, whole: Nok) -> Option<String> {
    (whole.ore() > 0).then(|| {
        let share = part.ore() as f64 / whole.ore() as f64 * 100.0;
        format!("{share:.1} %").replace('.', ",")
    })
}

impl StatementAccess {
    /// Per contract whose statements the viewer reads: paid so far, against the cap, the
    /// newest paid period, and the statements in progress.
    pub(crate) async fn figures(
        &self,
        work: &Workflow,
        own: Option<OrgNr>,
    ) -> Result<Vec<KeyFigures>, AppError> {
        let role = self.viewer.user.role;
        let own_share = matches!(self.sight, Sight::OwnShare(_));
        let mut groups = Vec::new();
        for c in work.contracts() {
            if !policy::reads_contract(role, own, &c.terms) {
                continue;
            }
            let current = periods::current(&c.statements);
            let paid: Vec<_> = current
                .iter()
                .copied()
                .filter(|s| s.rules().stage() == Stage::Paid)
                .collect();
            let shown = self.shown_totals(&paid).await?;
            // The sum of what may be shown; the periods left out are named. A sum of published
            // totals holds no hidden amount (the investors' page sums the same statements).
            let sum = Nok::sum(shown.iter().flatten().copied())?;
            let withheld: Vec<String> = paid
                .iter()
                .zip(&shown)
                .filter(|(_, t)| t.is_none())
                .map(|(s, _)| periods::words_nb(&s.period))
                .collect();
            let whole = withheld.is_empty();
            let mut figures = vec![figure(
                match (own_share, whole) {
                    (true, _) => "Utbetalt for egne deltakere",
                    (false, true) => "Utbetalt hittil",
                    (false, false) => "Utbetalt hittil, uten skjulte perioder",
                },
                sum.to_string(),
                (!whole).then(|| {
                    format!(
                        "Uten {}: et resultatmål gjaldt færre enn 5 deltakere.",
                        withheld.join(", ")
                    )
                }),
            )];
            let sum = whole.then_some(sum);
            // A provider's own share says nothing about the contract's cap.
            if let (false, Some(sum), Some(cap)) = (own_share, sum, c.terms.caps.per_contract) {
                if let Some(share) = share_nb(sum, cap) {
                    figures.push(figure(
                        "Av taket for kontrakten",
                        share,
                        Some(format!("Taket er {cap}.")),
                    ));
                }
            }
            let newest = paid.iter().max_by_key(|s| s.period_start);
            figures.push(figure(
                "Siste utbetalte periode",
                newest.map_or_else(|| "Ingen ennå".to_owned(), |s| periods::words_nb(&s.period)),
                None,
            ));
            let in_progress = current
                .iter()
                .filter(|s| {
                    matches!(
                        s.rules().stage(),
                        Stage::Computed | Stage::Verified | Stage::Approved | Stage::SentBack
                    )
                })
                .count();
            figures.push(figure(
                "Oppgjør under behandling",
                in_progress.to_string(),
                None,
            ));
            groups.push(KeyFigures {
                title: c.row.name.clone(),
                figures,
            });
        }
        Ok(groups)
    }
}

impl AdminAccess {
    /// The newest register snapshot, the imports that wait, and the accounts locked now.
    pub(crate) async fn figures(&self, work: &Workflow) -> Result<KeyFigures, AppError> {
        let now = self.app.now();
        let since = now - chrono::Duration::minutes(accounts::THROTTLE_MINUTES);
        let rows = self.app.store.accounts(now, since).await?;
        let locked = rows
            .iter()
            .filter(|a| accounts::is_locked(a.recent_failures))
            .count();
        let active = rows.iter().filter(|a| a.user.active).count();
        let waiting = crate::access::ImportLogAccess::new(self.app.clone(), &self.viewer)
            .waiting(work)
            .len();
        Ok(KeyFigures {
            title: "Drift".to_owned(),
            figures: vec![
                figure(
                    "Registerdata til og med",
                    work.snapshot()
                        .map_or_else(|| "Ingen".to_owned(), |s| date_nb(s.cutoff)),
                    work.snapshot()
                        .map(|s| format!("Nyeste uttrekk: {}", s.key)),
                ),
                figure("Importer som venter", waiting.to_string(), None),
                figure("Aktive kontoer", active.to_string(), None),
                figure("Låste kontoer nå", locked.to_string(), None),
            ],
        })
    }
}
