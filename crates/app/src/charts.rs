//! The data behind effekt's charts, built from figures a page already shows to its viewer
//! (after suppression and the statements' publication rule), never from the raw ones: a chart
//! cannot reveal what its table hides. Drawing is the web face's job (`effekt_web::charts`).

use chrono::NaiveDate;
use effekt_domain::contract::periods;
use effekt_domain::contract::returns::{self, CashFlow};
use effekt_domain::contract::terms::Caps;
use effekt_domain::dates::date_nb;
use effekt_domain::money::{MoneyOverflow, Nok};
use effekt_domain::suppression::Cell;

use crate::views::{ChartView, SeriesView};

fn kroner(n: Nok) -> f64 {
    n.ore() as f64 / 100.0
}

fn series(name: &str, style: &str, values: Vec<Option<f64>>) -> SeriesView {
    SeriesView {
        name: name.to_owned(),
        style: style.to_owned(),
        values,
    }
}

/// Each period's amount (as the viewer sees it; `None` where withheld) and the running sum
/// against the contract's caps. The running sum stops at the first withheld period: carried
/// on, it would give the withheld amount away by difference.
pub fn payments(contract: (i64, &str), caps: &Caps, shown: &[(&str, Option<Nok>)]) -> ChartView {
    let (contract_id, contract) = contract;
    let mut running = Some(Nok::ZERO);
    let mut sums = Vec::new();
    for (_, amount) in shown {
        running = running.zip(*amount).and_then(|(s, a)| s.checked_add(a));
        sums.push(running.map(kroner));
    }
    let mut limits = Vec::new();
    if let Some(cap) = caps.per_contract {
        limits.push(("Tak for kontrakten".to_owned(), kroner(cap)));
    }
    if let Some(cap) = caps.per_period {
        limits.push(("Tak per periode".to_owned(), kroner(cap)));
    }
    ChartView {
        id: format!("utbetalinger-{contract_id}"),
        title: format!("Utbetalinger per periode mot taket: {contract}"),
        description: "Søyler: beløpet for hver periode. Linje: summen så langt, sammenlignet \
                      med kontraktens tak. Perioder der beløpet ikke vises deg, er tomme, og \
                      summen stopper der."
            .to_owned(),
        unit: "kr".to_owned(),
        x_title: "Periode".to_owned(),
        x_labels: shown.iter().map(|(p, _)| periods::words_nb(p)).collect(),
        x_days: None,
        series: vec![
            series(
                "Beløp i perioden",
                "bars",
                shown.iter().map(|(_, a)| a.map(kroner)).collect(),
            ),
            series("Sum så langt", "line", sums),
        ],
        limits,
    }
}

/// An investor's (or all investors') money in and out over time, and the XIRR of the flows so
/// far at each date: actual up to `today`, then as projected. The projected lines start at the
/// last actual point so the two join.
pub fn investor_path(
    contract_id: i64,
    who: &str,
    flows: &[CashFlow],
    today: NaiveDate,
) -> Result<Vec<ChartView>, MoneyOverflow> {
    let path = returns::path(flows)?;
    let Some(first) = path.first().map(|p| p.date) else {
        return Ok(Vec::new());
    };
    let last_actual = path.iter().rposition(|p| p.date <= today);
    let split = |value: &dyn Fn(&returns::PathPoint) -> Option<f64>| {
        let actual = path
            .iter()
            .enumerate()
            .map(|(i, p)| last_actual.filter(|l| i <= *l).and(value(p)))
            .collect::<Vec<_>>();
        let projected = path
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (last_actual.is_none_or(|l| i >= l))
                    .then(|| value(p))
                    .flatten()
            })
            .collect::<Vec<_>>();
        (actual, projected)
    };
    let x_labels: Vec<String> = path.iter().map(|p| date_nb(p.date)).collect();
    let x_days = Some(path.iter().map(|p| (p.date - first).num_days()).collect());
    let (paid, paid_ahead) = split(&|p| Some(kroner(p.paid_in)));
    let (got, got_ahead) = split(&|p| Some(kroner(p.received)));
    let (rate, rate_ahead) = split(&|p| p.xirr.map(|r| r * 100.0));
    let today_words = date_nb(today);
    let mut charts = vec![ChartView {
        id: format!("penger-{contract_id}"),
        title: format!("Innbetalt og mottatt over tid: {who}"),
        description: format!(
            "Heltrukne linjer: innbetalt kapital og mottatte utbetalinger til og med \
                 {today_words}. Stiplede linjer: anslag til kontraktens slutt med dagens takt."
        ),
        unit: "kr".to_owned(),
        x_title: "Dato".to_owned(),
        x_labels: x_labels.clone(),
        x_days: x_days.clone(),
        series: vec![
            series("Innbetalt", "step", paid),
            series("Innbetalt, anslag", "step_dashed", paid_ahead),
            series("Mottatt", "step", got),
            series("Mottatt, anslag", "step_dashed", got_ahead),
        ],
        limits: Vec::new(),
    }];
    // Until money has come back there is no rate to draw: the table above says "–".
    if rate.iter().chain(&rate_ahead).any(Option::is_some) {
        charts.push(ChartView {
            id: format!("xirr-{contract_id}"),
            title: format!("Avkastning (XIRR) over tid: {who}"),
            description: format!(
                "Årlig avkastning av pengestrømmene så langt, for hver dato med en \
                 pengestrøm: faktisk til og med {today_words}, deretter anslått. Ingen verdi \
                 før penger har gått begge veier."
            ),
            unit: "prosent".to_owned(),
            x_title: "Dato".to_owned(),
            x_labels,
            x_days,
            series: vec![
                series("XIRR", "line", rate),
                series("XIRR, anslag", "dashed", rate_ahead),
            ],
            limits: Vec::new(),
        });
    }
    Ok(charts)
}

/// Participants who reached at least one outcome, per cohort, one line per provider, from
/// the suppressed cells of the progress table (`reached[cohort][provider]`): a hidden cell is
/// a gap.
pub fn progress(
    contract_id: i64,
    cohorts: &[String],
    providers: &[String],
    reached: &[Vec<Cell>],
) -> ChartView {
    let value = |c: &Cell| match c {
        Cell::Shown(n) => Some(*n as f64),
        _ => None,
    };
    ChartView {
        id: format!("resultater-{contract_id}"),
        title: "Deltakere som har nådd minst ett resultatmål, per kull og leverandør".to_owned(),
        description: "Én linje per leverandør: antall deltakere i hvert kull (halvåret de \
                      startet) som har nådd minst ett av kontraktens resultatmål. Tall under 5 \
                      og tall som ville avsløre dem, er skjult og vises som brudd i linjen."
            .to_owned(),
        unit: "antall".to_owned(),
        x_title: "Kull".to_owned(),
        x_labels: cohorts.iter().map(|c| periods::words_nb(c)).collect(),
        x_days: None,
        series: providers
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let values = reached
                    .iter()
                    .map(|row| row.get(i).and_then(value))
                    .collect();
                series(name, "line", values)
            })
            .collect(),
        limits: Vec::new(),
    }
}

/// The charts of an evaluation run (issue 15): covariate balance before and after matching,
/// the event study of monthly employment around the index date, and time to employment. Every
/// point is an aggregate over the matched sets the run shows; none is a count of people.
pub fn evaluation(run: i64, r: &effekt_engine::evaluation::run::RunResult) -> Vec<ChartView> {
    use effekt_engine::evaluation::balance::FLAG;
    let pct = |v: f64| Some(100.0 * v);
    let balance = ChartView {
        id: format!("balanse-{run}"),
        title: "Balanse før og etter matching (standardisert forskjell)".to_owned(),
        description: "For hver kovariat: forskjellen mellom deltakerne og sammenligningsgruppen                       i standardavvik, før og etter matching. Innenfor ±0,1 regnes som balansert."
            .to_owned(),
        unit: "desimal".to_owned(),
        x_title: "Kovariat".to_owned(),
        // Short labels under the bars ("Måneder i arbeid"); the table beside has them whole.
        x_labels: r
            .balance
            .iter()
            .map(|b| {
                b.covariate
                    .split(" (")
                    .next()
                    .unwrap_or(&b.covariate)
                    .to_owned()
            })
            .collect(),
        x_days: None,
        series: vec![
            series("Før matching", "bars", r.balance.iter().map(|b| Some(b.before)).collect()),
            series("Etter matching", "bars", r.balance.iter().map(|b| Some(b.after)).collect()),
        ],
        limits: vec![
            ("Grense +0,1".to_owned(), FLAG),
            ("Grense −0,1".to_owned(), -FLAG),
        ],
    };
    let months = &r.event_study.months;
    let event = ChartView {
        id: format!("hendelsesstudie-{run}"),
        title: "Forskjell i andel i arbeid, måned for måned rundt oppstart".to_owned(),
        description: "Hendelsesstudie: forskjellen mellom deltakerne og sammenligningsgruppen i                       andel av måneden i arbeid, fra 24 måneder før til 24 måneder etter                       indeksdatoen, målt mot måneden før (−1), med 95 % konfidensintervall."
            .to_owned(),
        unit: "prosent".to_owned(),
        x_title: "Måned fra indeksdato".to_owned(),
        x_labels: months.iter().map(|m| m.month.to_string().replace('-', "−")).collect(),
        x_days: None,
        series: vec![
            series("Effekt", "line", months.iter().map(|m| pct(m.estimate)).collect()),
            series("Effekt, nedre grense", "dashed", months.iter().map(|m| pct(m.low)).collect()),
            series("Effekt, øvre grense", "dashed", months.iter().map(|m| pct(m.high)).collect()),
        ],
        limits: Vec::new(),
    };
    // Both curves on the months either has a point, each carried forward (a step curve).
    let mut at: Vec<u32> = r
        .survival
        .participants
        .iter()
        .chain(&r.survival.comparison)
        .map(|p| p.0)
        .collect();
    at.sort_unstable();
    at.dedup();
    let step = |curve: &[(u32, f64)]| -> Vec<Option<f64>> {
        at.iter()
            .map(|m| {
                curve
                    .iter()
                    .take_while(|p| p.0 <= *m)
                    .last()
                    .map(|p| 100.0 * p.1)
            })
            .collect()
    };
    let survival = ChartView {
        id: format!("tid-til-arbeid-{run}"),
        title: "Andel som ennå ikke er i arbeid (Kaplan–Meier)".to_owned(),
        description: "Tid til første jobb etter indeksdatoen for deltakerne og den matchede                       sammenligningsgruppen, i hele måneder."
            .to_owned(),
        unit: "prosent".to_owned(),
        x_title: "Måneder etter indeksdato".to_owned(),
        x_labels: at.iter().map(ToString::to_string).collect(),
        x_days: Some(at.iter().map(|m| i64::from(*m)).collect()),
        series: vec![
            series("Deltakere", "step", step(&r.survival.participants)),
            series("Sammenligningsgruppe", "step-dashed", step(&r.survival.comparison)),
        ],
        limits: Vec::new(),
    };
    vec![balance, event, survival]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nok(kroner: i64) -> Option<Nok> {
        Nok::from_kroner(kroner)
    }

    #[test]
    fn the_running_sum_stops_at_the_first_withheld_period() {
        let caps = Caps {
            per_participant: None,
            per_period: None,
            per_contract: nok(6_000_000),
        };
        let c = payments(
            (1, "Ny start"),
            &caps,
            &[
                ("2025Q1", nok(1_000_000)),
                ("2025Q2", nok(2_000_000)),
                ("2025Q3", None),
                ("2025Q4", nok(500_000)),
            ],
        );
        assert_eq!(c.x_labels[0], "1. kvartal 2025");
        assert_eq!(c.series[0].values, [Some(1e6), Some(2e6), None, Some(5e5)]);
        // Carried past the hole, the sum less the shown amounts would be the hidden one.
        assert_eq!(c.series[1].values, [Some(1e6), Some(3e6), None, None]);
        assert_eq!(c.limits, [("Tak for kontrakten".to_owned(), 6e6)]);
    }

    #[test]
    fn a_suppressed_cell_is_never_plotted() {
        let c = progress(
            1,
            &["2025H1".into(), "2025H2".into()],
            &["Stor".into(), "Liten".into()],
            &[
                vec![Cell::Shown(12), Cell::Small],
                vec![Cell::Hidden, Cell::Shown(7)],
            ],
        );
        assert_eq!(c.x_labels, ["1. halvår 2025", "2. halvår 2025"]);
        assert_eq!(c.series[0].values, [Some(12.0), None]);
        assert_eq!(c.series[1].values, [None, Some(7.0)]);
    }

    #[test]
    fn the_investor_path_is_actual_to_today_then_projected_joined_at_today() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let flow = |date: &str, kroner: i64| CashFlow {
            date: d(date),
            amount: Nok::from_kroner(kroner).unwrap(),
        };
        let flows = [
            flow("2025-01-01", -1000),
            flow("2025-10-01", 300),
            flow("2026-10-01", 500),
            flow("2027-10-01", 900),
        ];
        let charts = investor_path(1, "Stiftelsen", &flows, d("2026-12-03")).unwrap();
        let money = &charts[0];
        assert_eq!(money.x_days, Some(vec![0, 273, 638, 1003]));
        let received = &money.series[2].values;
        let ahead = &money.series[3].values;
        assert_eq!(received, &[Some(0.0), Some(300.0), Some(800.0), None]);
        assert_eq!(ahead, &[None, None, Some(800.0), Some(1700.0)]);
        let rate = &charts[1].series[0].values;
        assert_eq!(rate[0], None);
        assert!(rate[2].unwrap() < 0.0 && charts[1].series[1].values[3].unwrap() > 0.0);
    }
}
