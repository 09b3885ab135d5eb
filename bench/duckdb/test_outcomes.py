#!/usr/bin/env python3
"""Tests of outcomes.py: `python3 test_outcomes.py` (needs the duckdb package).

Each test writes a tiny register folder to a temp dir, runs outcomes.py on it as the benchmark
does (a subprocess with CLI flags) and asserts the output rows. Covered:

* every worked example of docs/outcomes.md for sustained employment and months without
  benefits (Example 1 with G = 3 / G = 1 / the earlier cut-off; dagpenger until March with N = 3,
  and with T = {aap}), and the window's month-end clamping;
* spells before I and open or long spells past the cut-off; two 30 % jobs summing to 60 %;
  magnitudes above 100, rounding half away from zero, d on a bridged gap day;
* Parquet input (fte as DECIMAL and as DOUBLE, person id as text or integer) giving the same
  output as CSV;
* random timelines against a day-by-day Python reading of docs/outcomes.md (the oracle), to
  check that the set-based SQL agrees with the definition.
"""

from __future__ import annotations

import calendar
import csv
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "outcomes.py"
HEADER = ["person_id", "outcome", "status", "date", "magnitude"]
SE, MWB = "sustained_employment", "months_without_benefits"

# Person ids keep their leading zeros: one starting with 0 checks they survive as text.
P1, P2, P3, P4 = "01010012345", "02029054321", "15057811111", "31129922222"

COLS = {
    "snapshot": ["snapshot_id", "cutoff"],
    "employment": ["spell_id", "person_id", "employer_orgnr", "start", "end", "fte_percent",
                   "monthly_wage", "subsidised"],
    "benefits": ["spell_id", "person_id", "type", "start", "end", "monthly_amount"],
    "population": ["person_id", "birth_year", "sex", "country_group", "arrival_year",
                   "municipality", "education_level", "index_date"],
}


def job(pid, start, end, fte, sid=None):
    """An employment row; end None is an open spell (empty field)."""
    return {"spell_id": sid or f"E-{pid}-{start}-{fte}", "person_id": pid,
            "employer_orgnr": "910000004", "start": start, "end": end or "",
            "fte_percent": str(fte), "monthly_wage": "40000", "subsidised": "false"}


def benefit(pid, kind, start, end, sid=None):
    return {"spell_id": sid or f"B-{pid}-{start}-{kind}", "person_id": pid, "type": kind,
            "start": start, "end": end or "", "monthly_amount": "10000"}


def person(pid, index_date):
    return {"person_id": pid, "birth_year": "1990", "sex": "F", "country_group": "x",
            "arrival_year": "2015", "municipality": "0301", "education_level": "3",
            "index_date": index_date}


def write_register(folder: Path, cutoff, people, jobs=(), benefits=()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "snapshot": [{"snapshot_id": "snap-1", "cutoff": cutoff}],
        "employment": list(jobs),
        "benefits": list(benefits),
        "population": list(people),
    }
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=COLS[name], lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    return folder


def run(folder: Path, fmt="csv", **params) -> dict:
    """Runs outcomes.py; returns {(person_id, outcome): (status, date, magnitude)} after
    checking the header and the sort order."""
    out = folder / f"out-{fmt}-{abs(hash(tuple(sorted(params.items()))))}.csv"
    cmd = [sys.executable, str(SCRIPT), "--register", str(folder), "--format", fmt,
           "--out", str(out), "--threads", "2"]
    for key, value in params.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == HEADER, rows[0]
    keys = [(r[0], r[1]) for r in rows[1:]]
    assert keys == sorted(keys), "rows sorted by person id, then outcome"
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows[1:]}


ACHIEVED = "achieved"
NOT = ("not_achieved", "", "")
PENDING = ("pending", "", "")


def example_one(tmp: Path, cutoff: str) -> Path:
    """docs/outcomes.md Example 1: I = 2024-01-01; A 10..15 at 100 %, B 18..30 at 40 %,
    C 18..25 at 20 % (January 2024)."""
    return write_register(tmp / f"example1-{cutoff}", cutoff, [person(P1, "2024-01-01")], [
        job(P1, "2024-01-10", "2024-01-15", 100, "A"),
        job(P1, "2024-01-18", "2024-01-30", 40, "B"),
        job(P1, "2024-01-18", "2024-01-25", 20, "C"),
    ])


def test_example_one(tmp: Path):
    ex = dict(min_fte=50, weeks=2, months=12)
    # G = 3: the 2-day gap 16..17 is bridged; period 10..25 (16 days), d = 10 + 13 = 23;
    # mean (6 x 100 + 6 x 60) / 12 = 80.
    got = run(example_one(tmp, "2025-06-30"), max_gap=3, **ex)
    assert got[(P1, SE)] == (ACHIEVED, "2024-01-23", "80.000000"), got
    # G = 1 splits it into 6 + 8 days: not achieved, the window ended 2024-12-31 <= cut-off.
    got = run(example_one(tmp, "2025-06-30"), max_gap=1, **ex)
    assert got[(P1, SE)] == NOT, got
    # ... and pending with the cut-off 2024-06-30, before the window's end.
    got = run(example_one(tmp, "2024-06-30"), max_gap=1, **ex)
    assert got[(P1, SE)] == PENDING, got


def test_months_without_benefits_example(tmp: Path):
    """I = 2024-01-15, dagpenger 2024-01-01..2024-03-10, N = 3: Feb and Mar are not free,
    Apr-Jun are: 2024-06-30. With T = {aap}: Feb-Apr are free, 2024-04-30."""
    folder = write_register(tmp / "mwb", "2025-06-30", [person(P1, "2024-01-15")],
                            benefits=[benefit(P1, "dagpenger", "2024-01-01", "2024-03-10")])
    got = run(folder, benefit_count=3, benefit_months=24)
    assert got[(P1, MWB)] == (ACHIEVED, "2024-06-30", "3.000000"), got
    got = run(folder, benefit_count=3, benefit_months=24, benefit_types="aap")
    assert got[(P1, MWB)] == (ACHIEVED, "2024-04-30", "3.000000"), got
    # The benchmark's N = 6: Apr-Sep 2024.
    got = run(folder)
    assert got[(P1, MWB)] == (ACHIEVED, "2024-09-30", "6.000000"), got
    # M = 4: the window ends 2024-05-14, so Feb-Apr are judged (May is not): only one free
    # month, and the window ended before the cut-off.
    got = run(folder, benefit_count=1, benefit_months=4)
    assert got[(P1, MWB)] == (ACHIEVED, "2024-04-30", "1.000000"), got
    got = run(folder, benefit_count=2, benefit_months=4)
    assert got[(P1, MWB)] == NOT, got


def test_window_clamps_to_month_end(tmp: Path):
    """I = 2024-01-31, M = 1: window ends 2024-02-28; in 2023 it ends 2023-02-27."""
    people = [person(P1, "2024-01-31"), person(P2, "2023-01-31")]
    one = dict(months=1, benefit_months=1)
    for cutoff, p1, p2 in [
        ("2024-02-28", NOT, NOT),        # both windows ended on or before the cut-off
        ("2024-02-27", PENDING, NOT),    # 2024's window ends the day after the cut-off
        ("2023-02-27", PENDING, NOT),    # cut-off before P1's I: pending, nothing counts
        ("2023-02-26", PENDING, PENDING),
    ]:
        got = run(write_register(tmp / f"clamp-{cutoff}", cutoff, people), **one)
        assert (got[(P1, SE)], got[(P2, SE)]) == (p1, p2), (cutoff, got)
        assert (got[(P1, MWB)], got[(P2, MWB)]) == (p1, p2), (cutoff, got)
    # A full-time job from I: the window holds 29 days in 2024 and 28 in 2023, so four weeks
    # are reached on 2024-02-27 and on the window's last day, 2023-02-27; five weeks never.
    jobs = [job(P1, "2024-01-31", None, 100), job(P2, "2023-01-31", None, 100)]
    folder = write_register(tmp / "clamp-jobs", "2025-01-01", people, jobs)
    got = run(folder, weeks=4, **one)
    assert got[(P1, SE)] == (ACHIEVED, "2024-02-27", "100.000000"), got
    assert got[(P2, SE)] == (ACHIEVED, "2023-02-27", "100.000000"), got
    got = run(folder, weeks=5, **one)
    assert got[(P1, SE)] == NOT and got[(P2, SE)] == NOT, got


def test_spells_before_i_and_past_the_cutoff(tmp: Path):
    """Days before I and after the cut-off never count (tests.rs: no_day_after_the_cutoff...)."""
    people = [person(P1, "2024-01-01"), person(P2, "2024-01-01")]
    jobs = [job(P1, "2023-01-01", None, 100),             # open, running long before I
            job(P2, "2023-06-01", "2026-12-31", 100)]     # closed, but ends after the cut-off
    bens = [benefit(P1, "aap", "2023-06-01", None),       # open benefit: no month is free
            benefit(P2, "sosialhjelp", "2023-06-01", "2024-04-01")]  # touches April 1st
    w2 = dict(weeks=2, max_gap=0)
    # Ten days between I and the cut-off: two weeks cannot be reached yet.
    got = run(write_register(tmp / "cut-early", "2024-01-10", people, jobs, bens), **w2)
    assert got[(P1, SE)] == PENDING and got[(P2, SE)] == PENDING, got
    # With enough days the period starts at I, not at the spell's start.
    folder = write_register(tmp / "cut-late", "2024-03-01", people, jobs, bens)
    got = run(folder, **w2)
    assert got[(P1, SE)] == (ACHIEVED, "2024-01-14", "100.000000"), got
    assert got[(P2, SE)] == (ACHIEVED, "2024-01-14", "100.000000"), got
    # Benchmark defaults: 7 x 26 = 182 days from I end 2024-06-30; the cut-off 2024-03-01 is
    # too early.
    got = run(folder)
    assert got[(P1, SE)] == PENDING and got[(P2, SE)] == PENDING, got
    folder = write_register(tmp / "cut-2026", "2026-06-30", people, jobs, bens)
    got = run(folder)
    assert got[(P1, SE)] == (ACHIEVED, "2024-06-30", "100.000000"), got
    assert got[(P2, SE)] == (ACHIEVED, "2024-06-30", "100.000000"), got
    # The open benefit covers every month through the cut-off: not achieved (window ended
    # 2025-12-31). The other one ends on April 1st, so April is not free: May-Oct 2024.
    assert got[(P1, MWB)] == NOT, got
    assert got[(P2, MWB)] == (ACHIEVED, "2024-10-31", "6.000000"), got


def test_summed_fte(tmp: Path):
    """Two 30 % jobs make 60 % >= 50; one alone does not. Two full-time jobs: 200, not capped."""
    people = [person(P1, "2024-01-01"), person(P2, "2024-01-01"), person(P3, "2024-01-01")]
    jobs = [job(P1, "2024-01-01", "2024-12-31", 30), job(P1, "2024-01-01", "2024-12-31", 30),
            job(P2, "2024-01-01", "2024-12-31", 30),
            job(P3, "2024-01-01", None, 100), job(P3, "2024-01-01", None, 100)]
    got = run(write_register(tmp / "summed", "2026-01-31", people, jobs))
    # 7 x 26 = 182 days from 2024-01-01 (leap year): 2024-06-30.
    assert got[(P1, SE)] == (ACHIEVED, "2024-06-30", "60.000000"), got
    assert got[(P2, SE)] == NOT, got
    assert got[(P3, SE)] == (ACHIEVED, "2024-06-30", "200.000000"), got
    # Nobody has benefits: the first six months after January 2024, Feb-Jul.
    assert all(got[(p, MWB)] == (ACHIEVED, "2024-07-31", "6.000000") for p in (P1, P2, P3))


def test_magnitude_rounding_and_bridged_day(tmp: Path):
    people = [person(P1, "2024-03-01"), person(P2, "2024-03-01"), person(P4, "2024-03-01")]
    jobs = [
        # P1: days 1-7 at 50.0000, bridged gap 8-13, then 50.0001 from day 14. W = 2 puts d on
        # day 14: 8 employed days, mean 50.0000125, half away from zero -> 50.000013.
        job(P1, "2024-03-01", "2024-03-07", "50.0000"),
        job(P1, "2024-03-14", "2024-03-31", "50.0001"),
        # P2: 50, 50, 100 over three days then a bridged gap through d (day 14):
        # 200 / 3 = 66.666667, and d falls on a non-employed day.
        job(P2, "2024-03-01", "2024-03-03", 50), job(P2, "2024-03-03", "2024-03-03", 50),
        job(P2, "2024-03-15", "2024-03-20", 100),
        # P4: 33.3333 % three times is 99.9999 %, exactly.
        job(P4, "2024-03-01", None, "33.3333"), job(P4, "2024-03-01", None, "33.3333"),
        job(P4, "2024-03-01", None, "33.3333"),
    ]
    got = run(write_register(tmp / "rounding", "2025-12-31", people, jobs),
              weeks=2, max_gap=11, months=12)
    assert got[(P1, SE)] == (ACHIEVED, "2024-03-14", "50.000013"), got
    assert got[(P2, SE)] == (ACHIEVED, "2024-03-14", "66.666667"), got
    assert got[(P4, SE)] == (ACHIEVED, "2024-03-14", "99.999900"), got
    # F = 99.9999 still holds for P4, F = 100 does not.
    got = run(tmp / "rounding", weeks=2, max_gap=11, months=12, min_fte="99.9999")
    assert got[(P4, SE)][0] == ACHIEVED, got
    got = run(tmp / "rounding", weeks=2, max_gap=11, months=12, min_fte="100")
    assert got[(P4, SE)] == NOT, got


def to_parquet(src: Path, dst: Path, fte_type: str, int_ids: bool) -> Path:
    """Copies a CSV register to Parquet with DuckDB: dates as DATE, fte as fte_type."""
    dst.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    pid = "CAST(person_id AS BIGINT)" if int_ids else "person_id"
    select = {
        "snapshot": "snapshot_id, CAST(cutoff AS DATE) AS cutoff",
        "employment": f"spell_id, {pid} AS person_id, employer_orgnr, CAST(start AS DATE) AS start, "
                      f"CAST(NULLIF(\"end\", '') AS DATE) AS \"end\", "
                      f"CAST(fte_percent AS {fte_type}) AS fte_percent, "
                      "CAST(monthly_wage AS DECIMAL(12,2)) AS monthly_wage, "
                      "CAST(subsidised AS BOOLEAN) AS subsidised",
        "benefits": f"spell_id, {pid} AS person_id, type, CAST(start AS DATE) AS start, "
                    f"CAST(NULLIF(\"end\", '') AS DATE) AS \"end\", "
                    "CAST(monthly_amount AS DECIMAL(12,2)) AS monthly_amount",
        "population": f"{pid} AS person_id, birth_year, sex, country_group, arrival_year, "
                      "municipality, education_level, CAST(index_date AS DATE) AS index_date",
    }
    for name, cols in select.items():
        con.execute(f"COPY (SELECT {cols} FROM read_csv('{src / (name + '.csv')}', "
                    f"all_varchar = true)) TO '{dst / (name + '.parquet')}' (FORMAT parquet)")
    return dst


def test_parquet_matches_csv(tmp: Path):
    src = write_register(tmp / "pq-src", "2024-12-31",
                         [person(P1, "2024-01-01"), person(P2, "2024-02-15"),
                          person(P4, "2024-03-01")],
                         [job(P1, "2024-01-10", "2024-01-15", 100),
                          job(P1, "2024-01-18", "2024-01-30", 40),
                          job(P1, "2024-01-18", "2024-01-25", 20),
                          job(P2, "2023-01-01", None, "33.3333"),
                          job(P2, "2024-03-01", "2024-09-30", "33.3333"),
                          job(P4, "2024-03-01", None, "12.5"), job(P4, "2024-04-01", None, 40)],
                         [benefit(P1, "dagpenger", "2024-01-01", "2024-03-10"),
                          benefit(P2, "aap", "2024-06-01", None)])
    params = dict(weeks=2, max_gap=3, months=12, benefit_count=3)
    expected = run(src, **params)
    assert expected[(P1, SE)] == (ACHIEVED, "2024-01-23", "80.000000"), expected
    for fte_type, int_ids in [("DECIMAL(7,4)", False), ("DECIMAL(9,4)", True), ("DOUBLE", False)]:
        folder = to_parquet(src, tmp / f"pq-{fte_type}-{int_ids}", fte_type, int_ids)
        assert run(folder, "parquet", **params) == expected, (fte_type, int_ids)


# --- Day-by-day oracle: a literal reading of docs/outcomes.md, for random timelines -----------

def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def oracle(i, cutoff, jobs, bens, p) -> dict:
    window_end = add_months(i, p["months"]) - timedelta(days=1)
    last = min(window_end, cutoff)
    need = max(7 * p["weeks"], 1)
    # Every judged day with its summed FTE, employed or not.
    sums, day = [], i
    while day <= last:
        s = sum((f for (a, b, f) in jobs if a <= day <= (b or cutoff)), Decimal(0))
        sums.append((day, s, s >= p["min_fte"] and s > 0))
        day += timedelta(days=1)
    se = None
    employed = [(d, s) for d, s, e in sums if e]
    start = 0
    for k in range(len(employed)):
        closes = k + 1 == len(employed) or \
            (employed[k + 1][0] - employed[k][0]).days - 1 > p["max_gap"]
        if not closes:
            continue
        first, end = employed[start][0], employed[k][0]
        if (end - first).days + 1 >= need:
            hit = first + timedelta(days=need - 1)
            counted = [s for d, s in employed[start:k + 1] if d <= hit]
            mean = (sum(counted) / len(counted)).quantize(Decimal("0.000001"), ROUND_HALF_UP)
            se = (ACHIEVED, hit.isoformat(), f"{mean:.6f}")
            break
        start = k + 1
    se = se or (NOT if window_end <= cutoff else PENDING)

    bwindow = add_months(i, p["benefit_months"]) - timedelta(days=1)
    blast = min(bwindow, cutoff)
    n = max(p["benefit_count"], 1)
    mwb, run_len = None, 0
    first = add_months(i.replace(day=1), 1)
    while (end := add_months(first, 1) - timedelta(days=1)) <= blast:
        busy = any(a <= end and (b or cutoff) >= first and (not p["types"] or t in p["types"])
                   for (t, a, b) in bens)
        run_len = 0 if busy else run_len + 1
        if run_len == n:
            mwb = (ACHIEVED, end.isoformat(), f"{n}.000000")
            break
        first = add_months(first, 1)
    mwb = mwb or (NOT if bwindow <= cutoff else PENDING)
    return {SE: se, MWB: mwb}


def random_day(rng, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def test_random_timelines_match_day_by_day_oracle(tmp: Path):
    rng = random.Random(20240101)
    ftes = ["10", "20", "25", "30", "33.3333", "40", "49.9999", "50", "60", "75", "100"]
    kinds = ["dagpenger", "aap", "sosialhjelp", "introduksjonsstonad", "kvalifiseringsstonad"]
    param_sets = [
        dict(min_fte="50", weeks=26, months=24, max_gap=14, benefit_count=6, benefit_months=24,
             types=None),
        dict(min_fte="50", weeks=2, months=6, max_gap=3, benefit_count=2, benefit_months=6,
             types=None),
        dict(min_fte="60", weeks=4, months=12, max_gap=0, benefit_count=3, benefit_months=13,
             types="aap,dagpenger"),
        # F = 0: a day covered by no spell is still not employed (as in the Rust code), so
        # gaps between spells are not filled.
        dict(min_fte="0", weeks=1, months=6, max_gap=0, benefit_count=1, benefit_months=3,
             types="sosialhjelp"),
        # W = 0 and N = 0 behave as 1 (one employed day, one free month), as in the Rust code.
        dict(min_fte="20", weeks=0, months=3, max_gap=30, benefit_count=0, benefit_months=2,
             types=None),
    ]
    for run_no, p in enumerate(param_sets):
        cutoff = random_day(rng, date(2024, 6, 1), date(2026, 6, 30))
        people, jobs, bens, truth = [], [], [], {}
        for n in range(150):
            pid = f"{n:011d}"  # leading zeros on purpose
            i = random_day(rng, date(2023, 1, 1), date(2025, 12, 31))
            people.append(person(pid, i.isoformat()))
            pj, pb = [], []
            for _ in range(rng.randint(0, 6)):
                a = random_day(rng, i - timedelta(days=200), i + timedelta(days=500))
                b = None if rng.random() < 0.2 else a + timedelta(days=rng.choice(
                    [0, 1, 2, rng.randint(3, 30), rng.randint(30, 400)]))
                f = rng.choice(ftes)
                pj.append((a, b, Decimal(f)))
                jobs.append(job(pid, a.isoformat(), b and b.isoformat(), f, f"E{n}-{len(pj)}"))
            for _ in range(rng.randint(0, 3)):
                a = random_day(rng, i - timedelta(days=200), i + timedelta(days=700))
                b = None if rng.random() < 0.2 else a + timedelta(days=rng.randint(0, 120))
                t = rng.choice(kinds)
                pb.append((t, a, b))
                bens.append(benefit(pid, t, a.isoformat(), b and b.isoformat(), f"B{n}-{len(pb)}"))
            op = dict(p, min_fte=Decimal(p["min_fte"]),
                      types=set(p["types"].split(",")) if p["types"] else None)
            for outcome, row in oracle(i, cutoff, pj, pb, op).items():
                truth[(pid, outcome)] = row
        folder = write_register(tmp / f"random-{run_no}", cutoff.isoformat(), people, jobs, bens)
        flags = {k: v for k, v in p.items() if k != "types"}
        if p["types"]:
            flags["benefit_types"] = p["types"]
        got = run(folder, **flags)
        wrong = {k: (got.get(k), v) for k, v in truth.items() if got.get(k) != v}
        assert not wrong, (p, cutoff, dict(list(wrong.items())[:5]))
        assert len(got) == len(truth)
        achieved = sum(1 for v in truth.values() if v[0] == ACHIEVED)
        print(f"  random set {run_no}: {len(truth)} rows agree, {achieved} achieved")


def main():
    tests = [(name, fn) for name, fn in globals().items() if name.startswith("test_")]
    with tempfile.TemporaryDirectory(prefix="effekt-duckdb-") as tmp:
        for name, fn in tests:
            fn(Path(tmp) / name)
            print(f"ok {name}")
    print(f"{len(tests)} tests passed (duckdb {duckdb.__version__})")


if __name__ == "__main__":
    main()
