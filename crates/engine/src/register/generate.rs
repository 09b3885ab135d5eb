//! `effekt register generate`: a synthetic, national-scale register with realistic rates and a
//! planted programme effect, deterministic for a seed.
//!
//! The planted effect: a treated group (about 6 % of persons, listed in `treated.csv`, which is
//! not part of the register format) gets, with probability [`PLANTED_EFFECT`], one extra job of
//! 50–100 % starting 1–6 months after the index date and lasting 8–24 months. Everyone else
//! draws from the same base rates. About 63 % reach six months without benefits; the planted
//! job does not change benefits.
//!
//! Selection on observables (issue 15, item 7): who is treated depends on covariates the pool
//! has too — the months employed in the 24 before the index date, age at the index date and
//! education level ([`treatment_log_odds`]): the programme takes in the less employed, the
//! younger and the less educated, who reach employment less often anyway, so a naive comparison
//! of the treated with the pool understates the effect, while a comparison matched on those
//! covariates recovers it. Given them, treatment is a coin toss, so they are all the selection.
//!
//! The counterfactual: `counterfactual.csv` lists every treated person with the spell id of the
//! job the programme gave them (empty when it gave none). Their outcome without the programme
//! is the register's outcome with that spell left out, so the true effect on the treated of the
//! sample is known exactly (docs/registers.md).

use std::io::Write;
use std::path::Path;

use chrono::{Days, Months, NaiveDate};
use effekt_domain::national_id::NationalId;
use effekt_domain::orgnr::OrgNr;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Extra probability of a qualifying job for the treated group.
pub const PLANTED_EFFECT: f64 = 0.15;
/// The log-odds of being treated: fewer months employed in the 24 before the index date, a
/// younger age at the index date and less education make treatment likelier. About 6 % are
/// treated over the generator's population.
pub fn treatment_log_odds(employed_months: u32, age: i32, education_level: usize) -> f64 {
    -0.6 - 0.22 * f64::from(employed_months)
        - 0.03 * f64::from(age - 40)
        - 0.4 * education_level as f64
}

const CUTOFF: &str = "2026-06-30";
const EMPLOYERS: usize = 5_000;
const BENEFITS: [&str; 5] = [
    "dagpenger",
    "aap",
    "sosialhjelp",
    "introduksjonsstonad",
    "kvalifiseringsstonad",
];

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("cannot write {0}: {1}")]
    Write(String, String),
    #[error("--persons must be between 1 and 10000000")]
    Size,
    #[error("ran out of synthetic national ids")]
    Ids,
}

/// What was written, for the CLI to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedRegister {
    pub persons: usize,
    pub treated: usize,
    pub employment_spells: usize,
    pub benefit_spells: usize,
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap_or_default()
}

fn plus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

fn minus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(d)
}

/// Valid organisation numbers, deterministically: 9-digit numbers from 900 000 000 upwards.
fn employers() -> Vec<OrgNr> {
    (900_000_000u32..)
        .filter_map(|n| OrgNr::parse(&n.to_string()).ok())
        .take(EMPLOYERS)
        .collect()
}

/// Synthetic national ids (month + 80), unique: birth dates in turn, individual numbers counting up.
struct Ids {
    dates: Vec<NaiveDate>,
    next_individual: Vec<u16>,
    turn: usize,
}

impl Ids {
    fn new() -> Self {
        let mut dates = Vec::new();
        let mut d = day("1960-01-01");
        while d <= day("2005-12-31") {
            dates.push(d);
            d = plus_days(d, 1);
        }
        let n = dates.len();
        Self {
            dates,
            next_individual: vec![0; n],
            turn: 0,
        }
    }

    fn next(&mut self) -> Option<(NationalId, NaiveDate)> {
        use chrono::Datelike;
        for _ in 0..self.dates.len() {
            let i = self.turn % self.dates.len();
            self.turn += 1;
            let birth = self.dates[i];
            let digits = |n: u32| [(n / 10) as u8, (n % 10) as u8];
            let [d1, d2] = digits(birth.day());
            let [m1, m2] = digits(birth.month() + 80);
            let [y1, y2] = digits(u32::try_from(birth.year().rem_euclid(100)).ok()?);
            while self.next_individual[i] < 1000 {
                let individual = self.next_individual[i];
                self.next_individual[i] += 1;
                if let Some(id) = NationalId::complete([d1, d2, m1, m2, y1, y2], individual) {
                    return Some((id, birth));
                }
            }
        }
        None
    }
}

fn writer(
    dir: &Path,
    name: &str,
    header: &[&str],
) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>, GenerateError> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path)
        .map_err(|e| GenerateError::Write(path.display().to_string(), e.to_string()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    w.write_record(header)
        .map_err(|e| GenerateError::Write(name.into(), e.to_string()))?;
    Ok(w)
}

/// Which files `register generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Parquet,
    /// CSV in `out/csv`, Parquet in `out/parquet`: the same register in both formats.
    Both,
}

/// Writes a register of `persons` persons to `out` in `format`. Parquet is converted from the
/// CSV the same seed gives, so both formats hold exactly the same rows.
pub fn generate_as(
    persons: usize,
    seed: u64,
    out: &Path,
    format: OutputFormat,
) -> Result<GeneratedRegister, GenerateError> {
    let convert = |from: &Path, to: &Path| -> Result<(), GenerateError> {
        std::fs::create_dir_all(to)
            .map_err(|e| GenerateError::Write(to.display().to_string(), e.to_string()))?;
        for stem in super::STEMS {
            super::csv_to_parquet(from, to, stem)
                .map_err(|e| GenerateError::Write(format!("{stem}.parquet"), e))?;
        }
        Ok(())
    };
    let copy = |name: &str, from: &Path, to: &Path| {
        std::fs::copy(from.join(name), to.join(name))
            .map(|_| ())
            .map_err(|e| GenerateError::Write(name.into(), e.to_string()))
    };
    match format {
        OutputFormat::Csv => generate(persons, seed, out),
        OutputFormat::Parquet => {
            let staging = out.join(".csv-staging");
            let stats = generate(persons, seed, &staging)?;
            convert(&staging, out)?;
            copy("treated.csv", &staging, out)?;
            copy("counterfactual.csv", &staging, out)?;
            copy("README.txt", &staging, out)?;
            std::fs::remove_dir_all(&staging)
                .map_err(|e| GenerateError::Write(staging.display().to_string(), e.to_string()))?;
            Ok(stats)
        }
        OutputFormat::Both => {
            let csv = out.join("csv");
            let stats = generate(persons, seed, &csv)?;
            let parquet = out.join("parquet");
            convert(&csv, &parquet)?;
            copy("treated.csv", &csv, &parquet)?;
            copy("counterfactual.csv", &csv, &parquet)?;
            copy("README.txt", &csv, &parquet)?;
            Ok(stats)
        }
    }
}

/// Writes a register of `persons` persons to `out` (created if needed), as CSV.
pub fn generate(persons: usize, seed: u64, out: &Path) -> Result<GeneratedRegister, GenerateError> {
    if persons == 0 || persons > 10_000_000 {
        return Err(GenerateError::Size);
    }
    std::fs::create_dir_all(out)
        .map_err(|e| GenerateError::Write(out.display().to_string(), e.to_string()))?;
    let w_err = |name: &str| {
        let name = name.to_owned();
        move |e: csv::Error| GenerateError::Write(name.clone(), e.to_string())
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let orgs = employers();
    let mut ids = Ids::new();
    let cutoff = day(CUTOFF);
    let mut snapshot = writer(out, "snapshot.csv", super::SNAPSHOT_COLUMNS)?;
    snapshot
        .write_record([format!("synthetic-{seed}-{persons}"), CUTOFF.to_owned()])
        .map_err(w_err("snapshot.csv"))?;
    snapshot
        .flush()
        .map_err(|e| GenerateError::Write("snapshot.csv".into(), e.to_string()))?;
    let mut population = writer(out, "population.csv", super::POPULATION_COLUMNS)?;
    let mut employment = writer(out, "employment.csv", super::EMPLOYMENT_COLUMNS)?;
    let mut benefits = writer(out, "benefits.csv", super::BENEFIT_COLUMNS)?;
    let mut education = writer(out, "education.csv", super::EDUCATION_COLUMNS)?;
    let mut language = writer(out, "language_tests.csv", super::LANGUAGE_COLUMNS)?;
    let mut treated = writer(out, "treated.csv", &["person_id"])?;
    let mut counterfactual = writer(
        out,
        "counterfactual.csv",
        &["person_id", "programme_spell_id"],
    )?;
    let mut stats = GeneratedRegister {
        persons,
        treated: 0,
        employment_spells: 0,
        benefit_spells: 0,
    };
    let groups = [
        "vest-europa",
        "ost-europa",
        "afrika",
        "asia",
        "midtosten",
        "norge",
    ];
    let sexes = ["k", "m"];
    let (mut e_seq, mut b_seq, mut s_seq, mut t_seq) = (0u64, 0u64, 0u64, 0u64);
    for _ in 0..persons {
        let (id, birth) = ids.next().ok_or(GenerateError::Ids)?;
        let id_text = id.to_string();
        let index = plus_days(day("2022-01-01"), rng.random_range(0..1095));
        // Drawn here, decided once the covariates are known (selection on observables).
        let treatment_draw: f64 = rng.random();
        let arrival = if rng.random_bool(0.8) {
            rng.random_range(1990..2024).to_string()
        } else {
            String::new()
        };
        use chrono::Datelike;
        let sex = sexes[rng.random_range(0..2)];
        let group = groups[rng.random_range(0..groups.len())];
        let municipality = format!("{:04}", 301 + rng.random_range(0..50) * 2);
        let education_level = rng.random_range(0..3);
        population
            .write_record([
                id_text.as_str(),
                &birth.year().to_string(),
                sex,
                group,
                &arrival,
                &municipality,
                ["grunnskole", "videregaende", "hoyere"][education_level],
                &index.to_string(),
            ])
            .map_err(w_err("population.csv"))?;
        // About ten employment spells per person, spread around the index date.
        let n_jobs = rng.random_range(5..16);
        let mut jobs: Vec<(NaiveDate, Option<NaiveDate>, u32, bool)> = (0..n_jobs)
            .map(|_| {
                let start = plus_days(minus_days(index, 1500), rng.random_range(0..2400));
                // Mostly short, part-time work (temporary jobs, extra shifts); one spell in
                // six is a longer position. This keeps sustained employment near the low rates
                // seen in the target group rather than near the general population's.
                let len = if rng.random_bool(0.17) {
                    rng.random_range(120..700)
                } else {
                    rng.random_range(7..90)
                };
                let end = plus_days(start, len);
                let open = end > cutoff && rng.random_bool(0.7);
                let fte = [10, 20, 20, 30, 40, 50, 60, 80, 100][rng.random_range(0..9)];
                (start, (!open).then_some(end), fte, rng.random_bool(0.05))
            })
            .collect();
        let age = index.year() - birth.year();
        let spans: Vec<_> = jobs
            .iter()
            .map(|(start, end, _, _)| (*start, *end))
            .collect();
        let employed = crate::evaluation::covariates::months_with(index, 24, &spans);
        let log_odds = treatment_log_odds(employed, age, education_level);
        let is_treated = treatment_draw < 1.0 / (1.0 + (-log_odds).exp());
        if is_treated {
            stats.treated += 1;
            treated
                .write_record([id_text.as_str()])
                .map_err(w_err("treated.csv"))?;
        }
        let planted_from = jobs.len();
        if is_treated && rng.random_bool(PLANTED_EFFECT) {
            let start = index
                .checked_add_months(Months::new(rng.random_range(1..7)))
                .unwrap_or(index);
            let end = start
                .checked_add_months(Months::new(rng.random_range(8..25)))
                .unwrap_or(start);
            jobs.push((
                start,
                Some(end),
                [50, 60, 80, 100][rng.random_range(0..4)],
                false,
            ));
        }
        let mut programme_spell = String::new();
        for (i, (start, end, fte, subsidised)) in jobs.into_iter().enumerate() {
            e_seq += 1;
            if i == planted_from {
                programme_spell = format!("E{e_seq}");
            }
            stats.employment_spells += 1;
            let employer = orgs[rng.random_range(0..orgs.len())].to_string();
            employment
                .write_record([
                    format!("E{e_seq}"),
                    id_text.clone(),
                    employer,
                    start.to_string(),
                    end.map(|e| e.to_string()).unwrap_or_default(),
                    fte.to_string(),
                    (fte * rng.random_range(300..600)).to_string(),
                    subsidised.to_string(),
                ])
                .map_err(w_err("employment.csv"))?;
        }
        if is_treated {
            counterfactual
                .write_record([id_text.as_str(), programme_spell.as_str()])
                .map_err(w_err("counterfactual.csv"))?;
        }
        // About three benefit spells per person.
        for _ in 0..rng.random_range(1..6) {
            b_seq += 1;
            stats.benefit_spells += 1;
            let start = plus_days(minus_days(index, 900), rng.random_range(0..1500));
            let end = plus_days(start, rng.random_range(60..700));
            benefits
                .write_record([
                    format!("B{b_seq}"),
                    id_text.clone(),
                    BENEFITS[rng.random_range(0..BENEFITS.len())].to_owned(),
                    start.to_string(),
                    if end > cutoff {
                        String::new()
                    } else {
                        end.to_string()
                    },
                    rng.random_range(5_000..25_000).to_string(),
                ])
                .map_err(w_err("benefits.csv"))?;
        }
        if rng.random_bool(0.1) {
            s_seq += 1;
            let start = plus_days(index, rng.random_range(0..700));
            education
                .write_record([
                    format!("U{s_seq}"),
                    id_text.clone(),
                    start.to_string(),
                    String::new(),
                ])
                .map_err(w_err("education.csv"))?;
        }
        if rng.random_bool(0.3) {
            t_seq += 1;
            let date = plus_days(minus_days(index, 200), rng.random_range(0..900));
            let level = ["A1", "A2", "B1", "B2"][rng.random_range(0..4)];
            language
                .write_record([
                    format!("T{t_seq}").as_str(),
                    id_text.as_str(),
                    &date.to_string(),
                    "speaking",
                    level,
                ])
                .map_err(w_err("language_tests.csv"))?;
        }
    }
    for (name, w) in [
        ("population.csv", &mut population),
        ("employment.csv", &mut employment),
        ("benefits.csv", &mut benefits),
        ("education.csv", &mut education),
        ("language_tests.csv", &mut language),
        ("treated.csv", &mut treated),
        ("counterfactual.csv", &mut counterfactual),
    ] {
        w.flush()
            .map_err(|e| GenerateError::Write(name.into(), e.to_string()))?;
    }
    let mut readme = std::fs::File::create(out.join("README.txt"))
        .map_err(|e| GenerateError::Write("README.txt".into(), e.to_string()))?;
    writeln!(
        readme,
        "Synthetic register, seed {seed}, {persons} persons. treated.csv lists the treated group ({} persons), \
         chosen by months employed in the 24 before the index date, age and education; each got an extra job \
         of 50-100 % 1-6 months after the index date with probability {PLANTED_EFFECT}. counterfactual.csv \
         names that job's spell id per treated person (empty: none): without it, their outcome without the programme.",
        stats.treated
    )
    .map_err(|e| GenerateError::Write("README.txt".into(), e.to_string()))?;
    Ok(stats)
}
