#!/usr/bin/env python3
"""DuckDB peer of `effekt verify` for two outcome kinds, for the benchmark.

    python3 outcomes.py --register DIR --format csv|parquet --out FILE.csv [--threads 2]

Computes, for every person in population.csv (index date I = index_date), the outcomes

* sustained_employment     (F = --min-fte, W = --weeks, M = --months, G = --max-gap)
* months_without_benefits  (N = --benefit-count, M = --benefit-months, T = --benefit-types)

with the semantics of docs/outcomes.md, and writes them in the format of `effekt verify`
(docs/registers.md): `person_id,outcome,status,date,magnitude`, sorted by person id, then outcome.

Everything is set-based SQL. Spells are never expanded into days: the summed FTE only changes at
a spell's start and the day after its end, so a sweep over those boundaries gives the constant-FTE
segments of each person's window exactly. Benefits are judged per calendar month (at most M per
person), which is small and also never touches days.
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb

# FTE is handled as integer units of 1/10,000 percent (the DECIMAL(9,4) scale), so sums,
# comparisons with F and the mean's numerator are exact integers, as with Rust's Decimal.
FTE_SCALE = 10_000

BENEFIT_TYPES = ("dagpenger", "aap", "sosialhjelp", "introduksjonsstonad", "kvalifiseringsstonad")

# Header of each input file, in order (docs/registers.md). Checked so that a wrong file fails
# loudly instead of silently producing nonsense.
COLUMNS = {
    "snapshot": ["snapshot_id", "cutoff"],
    "employment": [
        "spell_id", "person_id", "employer_orgnr", "start", "end",
        "fte_percent", "monthly_wage", "subsidised",
    ],
    "benefits": ["spell_id", "person_id", "type", "start", "end", "monthly_amount"],
    "population": [
        "person_id", "birth_year", "sex", "country_group", "arrival_year",
        "municipality", "education_level", "index_date",
    ],
}


def sql_string(text: str) -> str:
    """A SQL string literal (paths are interpolated into table-function calls)."""
    return "'" + text.replace("'", "''") + "'"


def raw_relation(con: duckdb.DuckDBPyConnection, register: Path, name: str, fmt: str) -> str:
    """A SQL expression reading one register file with its columns untyped or as stored.

    CSV is read with every column as VARCHAR: DuckDB must not guess types (an 11-digit person id
    with a leading zero would become an integer). Parquet keeps its stored types; load() casts
    them."""
    path = register / f"{name}.{fmt}"
    if not path.is_file():
        sys.exit(f"outcomes.py: missing register file {path}")
    if fmt == "csv":
        columns = ", ".join(f"{sql_string(c)}: 'VARCHAR'" for c in COLUMNS[name])
        rel = (
            f"read_csv({sql_string(str(path))}, header = true, delim = ',', quote = '\"', "
            f"escape = '\"', auto_detect = false, columns = {{{columns}}})"
        )
        # With auto_detect off DuckDB takes our column names and skips the header row; check that
        # the header really is the expected one.
        with path.open(encoding="utf-8-sig") as f:
            header = f.readline().rstrip("\r\n").split(",")
        if header != COLUMNS[name]:
            sys.exit(f"outcomes.py: {path}: header {header} is not {COLUMNS[name]}")
    else:
        rel = f"read_parquet({sql_string(str(path))})"
        names = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]
        if names != COLUMNS[name]:
            sys.exit(f"outcomes.py: {path}: columns {names} are not {COLUMNS[name]}")
    return rel


def person_id_expr(con: duckdb.DuckDBPyConnection, rel: str) -> str:
    """person_id as 11-digit text. A Parquet writer may have stored it as an integer, which loses
    leading zeros; only then pad it back."""
    types = {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()}
    if types["person_id"] in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
                              "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"):
        return "lpad(CAST(person_id AS VARCHAR), 11, '0')"
    return "CAST(person_id AS VARCHAR)"


def load(con: duckdb.DuckDBPyConnection, register: Path, fmt: str) -> None:
    """Typed tables: snapshot, population(person_id, i), employment, benefits."""
    # An empty field is NULL for CSV; NULLIF also maps a quoted empty string ("") to NULL so an
    # open spell never fails the DATE cast.
    def date(col: str) -> str:
        return f"CAST(NULLIF(CAST({col} AS VARCHAR), '') AS DATE)"

    rel = {n: raw_relation(con, register, n, fmt) for n in COLUMNS}
    pid = {n: person_id_expr(con, rel[n]) for n in ("employment", "benefits", "population")}

    con.execute(f"""
        CREATE TEMP TABLE snapshot AS
        SELECT CAST(snapshot_id AS VARCHAR) AS snapshot_id, {date('cutoff')} AS cutoff
        FROM {rel['snapshot']}""")
    if con.execute("SELECT count(*) FROM snapshot").fetchone()[0] != 1:
        sys.exit("outcomes.py: snapshot file must have exactly one row")

    con.execute(f"""
        CREATE TEMP TABLE population AS
        SELECT {pid['population']} AS person_id, {date('index_date')} AS i
        FROM {rel['population']}""")

    # No employment filters are applied, so employer and subsidised are not needed. FTE goes
    # through DECIMAL(9,4) whatever its stored type (text, DECIMAL or DOUBLE), then to integer
    # units; the decimal multiplication is exact.
    con.execute(f"""
        CREATE TEMP TABLE employment AS
        SELECT {pid['employment']} AS person_id,
               {date('start')} AS start_day,
               {date('"end"')} AS end_day,
               CAST(CAST(CAST(fte_percent AS VARCHAR) AS DECIMAL(9,4)) * {FTE_SCALE} AS BIGINT)
                   AS fte
        FROM {rel['employment']}""")

    con.execute(f"""
        CREATE TEMP TABLE benefits AS
        SELECT {pid['benefits']} AS person_id, CAST(type AS VARCHAR) AS type,
               {date('start')} AS start_day, {date('"end"')} AS end_day
        FROM {rel['benefits']}""")


def sustained_employment_sql(min_fte_units: int, weeks: int, months: int, max_gap: int) -> str:
    """One row per person with an achievement: person_id, day, magnitude (text, 6 decimals)."""
    need = max(weeks * 7, 1)  # as in Rust: W = 0 still needs one employed day
    return f"""
    WITH person AS (
        SELECT p.person_id, p.i, s.cutoff,
               -- I + M months clamps to the month's last day (DuckDB, like chrono).
               least(CAST(p.i + to_months({months}) AS DATE) - 1, s.cutoff) AS last_day
        FROM population p, snapshot s
    ),
    -- Spells clipped to the judged days [I, min(window end, cut-off)]; an open end runs through
    -- the cut-off. Spells with nothing left (or cut-off before I) drop out here.
    clipped AS (
        SELECT e.person_id, e.fte,
               greatest(e.start_day, p.i) AS s,
               least(coalesce(e.end_day, p.cutoff), p.last_day) AS e
        FROM employment e JOIN person p USING (person_id)
        WHERE greatest(e.start_day, p.i) <= least(coalesce(e.end_day, p.cutoff), p.last_day)
    ),
    -- +FTE on the first day, -FTE on the day after the last: the only days the sum changes.
    changes AS (
        SELECT person_id, day, sum(delta) AS delta
        FROM (SELECT person_id, s AS day, fte AS delta FROM clipped
              UNION ALL
              SELECT person_id, e + 1, -fte FROM clipped)
        GROUP BY person_id, day
    ),
    -- Constant-FTE segments [start, next change - 1]. The last change of a person brings the
    -- sum back to 0 and opens no segment.
    segments AS (
        SELECT person_id, day AS seg_start,
               lead(day) OVER w - 1 AS seg_end,
               sum(delta) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS level
        FROM changes
        WINDOW w AS (PARTITION BY person_id ORDER BY day)
    ),
    -- Employed segments; level > 0 mirrors the Rust code (a day covered by no spell is never
    -- employed, even with F = 0).
    employed AS (
        SELECT *, lag(seg_end) OVER (PARTITION BY person_id ORDER BY seg_start) AS prev_end
        FROM segments
        WHERE seg_end IS NOT NULL AND level > 0 AND level >= {min_fte_units}
    ),
    -- Gaps and islands: more than G non-employed days since the previous employed segment
    -- start a new period.
    numbered AS (
        SELECT *, sum(CASE WHEN prev_end IS NULL OR seg_start - prev_end - 1 > {max_gap}
                           THEN 1 ELSE 0 END)
                  OVER (PARTITION BY person_id ORDER BY seg_start
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS period
        FROM employed
    ),
    -- The earliest period lasting at least 7W days, achieved on its 7W-th day.
    achieved AS (
        SELECT person_id, period, min(seg_start) + {need - 1} AS day
        FROM numbered
        GROUP BY person_id, period
        HAVING max(seg_end) - min(seg_start) + 1 >= {need}
        QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY min(seg_start)) = 1
    ),
    -- Mean summed FTE over the period's employed days up to and including that day, as an
    -- exact ratio of integers: total (FTE units x days) / days.
    totals AS (
        SELECT a.person_id, a.day,
               sum(CAST(n.level AS HUGEINT) * (least(n.seg_end, a.day) - n.seg_start + 1))
                   AS total,
               sum(least(n.seg_end, a.day) - n.seg_start + 1) AS days
        FROM achieved a
        JOIN numbered n ON n.person_id = a.person_id AND n.period = a.period
                       AND n.seg_start <= a.day
        GROUP BY a.person_id, a.day
    ),
    -- Round total / (days * 10^4) to 6 decimals, half away from zero, in integers: units of
    -- 10^-6 are total * 100 / days; adding days / 2 before the floor division rounds halves up
    -- (everything is positive, so that is away from zero).
    rounded AS (
        SELECT person_id, day,
               (CAST(total AS HUGEINT) * {2 * 1_000_000 // FTE_SCALE} + days) // (2 * days) AS micro
        FROM totals
    )
    SELECT person_id, day,
           CAST(micro // 1000000 AS VARCHAR) || '.' || lpad(CAST(micro % 1000000 AS VARCHAR), 6, '0')
               AS magnitude
    FROM rounded
    """


def months_without_benefits_sql(count: int, months: int, types: list[str] | None) -> str:
    """One row per person with an achievement: person_id, day, magnitude (text, 6 decimals)."""
    need = max(count, 1)  # as in Rust: N = 0 still needs one free month
    type_filter = (
        "AND b.type IN (" + ", ".join(sql_string(t) for t in types) + ")" if types else ""
    )
    return f"""
    WITH person AS (
        SELECT p.person_id, p.i, s.cutoff,
               least(CAST(p.i + to_months({months}) AS DATE) - 1, s.cutoff) AS last_day
        FROM population p, snapshot s
    ),
    -- Calendar months from the one after I's month; judged only when the whole month lies in
    -- [.., min(window end, cut-off)]. Month k >= M never fits the window, so k < M suffices:
    -- at most M - 1 rows per person, never days.
    months AS (
        SELECT person_id, k, cutoff, month_first,
               CAST(month_first + INTERVAL 1 MONTH AS DATE) - 1 AS month_last
        FROM (SELECT p.person_id, p.cutoff, p.last_day, r.k,
                     CAST(date_trunc('month', p.i) + to_months(CAST(r.k AS INTEGER)) AS DATE)
                         AS month_first
              FROM person p, range(1, {max(months, 1)}) r(k))
        WHERE CAST(month_first + INTERVAL 1 MONTH AS DATE) - 1 <= last_day
    ),
    -- A month is not free when any benefit spell (of a type in T) overlaps any of its days;
    -- an open spell runs through the cut-off.
    busy AS (
        SELECT DISTINCT m.person_id, m.k
        FROM months m
        JOIN benefits b ON b.person_id = m.person_id
                       AND b.start_day <= m.month_last
                       AND coalesce(b.end_day, m.cutoff) >= m.month_first
                       {type_filter}
    ),
    free AS (
        SELECT m.* FROM months m ANTI JOIN busy USING (person_id, k)
    ),
    -- Gaps and islands over month numbers: consecutive free months share k - row_number().
    runs AS (
        SELECT person_id, k, k - row_number() OVER (PARTITION BY person_id ORDER BY k) AS run
        FROM free
    ),
    -- The N-th month of the earliest run of at least N free months.
    hit AS (
        SELECT person_id, min(k) + {need - 1} AS k
        FROM runs
        GROUP BY person_id, run
        HAVING count(*) >= {need}
        QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY min(k)) = 1
    )
    SELECT h.person_id, m.month_last AS day, '{need}.000000' AS magnitude
    FROM hit h JOIN months m USING (person_id, k)
    """


def status_sql(outcome: str, months: int, achievements: str) -> str:
    """Every person gets a row: achieved with date and magnitude, otherwise not_achieved when
    the window ended on or before the cut-off, otherwise pending."""
    return f"""
    SELECT p.person_id, '{outcome}' AS outcome,
           CASE WHEN a.person_id IS NOT NULL THEN 'achieved'
                WHEN CAST(p.i + to_months({months}) AS DATE) - 1 <= s.cutoff THEN 'not_achieved'
                ELSE 'pending' END AS status,
           strftime(a.day, '%Y-%m-%d') AS date,
           a.magnitude
    FROM population p CROSS JOIN snapshot s
    LEFT JOIN ({achievements}) a USING (person_id)
    """


def fte_units(text: str) -> int:
    """--min-fte as FTE units; refuses more decimals than DECIMAL(9,4) holds."""
    try:
        value = Decimal(text) * FTE_SCALE
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a decimal: {text}")
    if value != value.to_integral_value():
        raise argparse.ArgumentTypeError(f"at most 4 decimals: {text}")
    return int(value)


def non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {text}")
    return value


def benefit_types(text: str) -> list[str]:
    types = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in types if t not in BENEFIT_TYPES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown benefit type(s) {unknown}; one of {BENEFIT_TYPES}")
    return types


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--register", required=True, type=Path, help="register snapshot folder")
    ap.add_argument("--format", required=True, choices=("csv", "parquet"))
    ap.add_argument("--out", required=True, type=Path, help="output CSV")
    ap.add_argument("--threads", type=int, default=2)
    # Benchmark parameters by default; overridable to reproduce the docs' worked examples.
    ap.add_argument("--min-fte", type=fte_units, default=fte_units("50"), help="F, percent")
    ap.add_argument("--weeks", type=non_negative, default=26, help="W")
    ap.add_argument("--months", type=non_negative, default=24, help="M for sustained employment")
    ap.add_argument("--max-gap", type=non_negative, default=14, help="G, days")
    ap.add_argument("--benefit-count", type=non_negative, default=6, help="N")
    ap.add_argument("--benefit-months", type=non_negative, default=24,
                    help="M for months without benefits")
    ap.add_argument("--benefit-types", type=benefit_types, default=None,
                    help="T, comma-separated (default: all types)")
    args = ap.parse_args()

    started = time.perf_counter()
    con = duckdb.connect()  # in memory; default memory limit
    con.execute(f"SET threads = {int(args.threads)}")
    load(con, args.register, args.format)

    employment = sustained_employment_sql(args.min_fte, args.weeks, args.months, args.max_gap)
    benefits = months_without_benefits_sql(
        args.benefit_count, args.benefit_months, args.benefit_types)
    query = f"""
        {status_sql('sustained_employment', args.months, employment)}
        UNION ALL
        {status_sql('months_without_benefits', args.benefit_months, benefits)}
        ORDER BY person_id, outcome
    """
    # COPY keeps the ORDER BY (insertion order is preserved by default) and writes NULL as an
    # empty field, which is what `effekt verify` writes for date and magnitude when not achieved.
    rows = con.execute(
        f"COPY ({query}) TO {sql_string(str(args.out))} (FORMAT csv, HEADER true)").fetchone()[0]
    print(f"outcomes.py: {rows} rows in {time.perf_counter() - started:.3f} s "
          f"(duckdb {duckdb.__version__}, threads {args.threads})", file=sys.stderr)


if __name__ == "__main__":
    main()
