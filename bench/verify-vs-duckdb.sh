#!/usr/bin/env bash
# Register benchmark (issue 3): effekt verify against DuckDB on the same files, same machine,
# same run, from CSV and from Parquet. Generates a synthetic register, shuffles every file's rows,
# converts the shuffled files to Parquet, runs both on each format, checks
# that every person's rows are identical (status, date, magnitude to 6 decimals), and prints
# wall time, peak memory and the ratios.
#
# Usage: bench/verify-vs-duckdb.sh [PERSONS]   (default 1000000: ~10M employment, ~3M benefit spells)
# BENCH_RUNS (default 3): runs per peer and format, alternating; medians are compared, since
# these machines share their cores with others and single runs vary by up to a fifth.
# Needs: python3 with the packages in bench/duckdb/requirements.txt (installed into a venv here).
set -euo pipefail
cd "$(dirname "$0")/.."

persons="${1:-1000000}"
work="${BENCH_WORK:-$(mktemp -d)}"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT

venv="$PWD/target/bench-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r bench/duckdb/requirements.txt
fi
cargo build --release --locked -p effekt >/dev/null
bin="$PWD/target/release/effekt"

echo "== generating $persons persons in $work"
"$bin" register generate --persons "$persons" --seed 1 --out "$work/ordered"
mkdir -p "$work/reg"
for f in "$work"/ordered/*.csv; do
  # Shuffled rows (header kept), the same order every run.
  { head -n 1 "$f"; tail -n +2 "$f" | shuf --random-source=<(yes); } > "$work/reg/$(basename "$f")"
done
du -sh "$work/reg"

measure() { # label, command...: prints "label seconds peak_kib"
  local label="$1"; shift
  # The files were just written: flush them first, so that neither peer is timed while the
  # kernel writes the other's (or the generator's) pages back to disk.
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.$label" "$@" > "$work/log.$label" 2>&1 || { cat "$work/log.$label"; exit 1; }
  read -r secs kib < "$work/time.$label"
  echo "$label $secs $kib"
}

echo "== converting the shuffled files to Parquet (effekt register convert; not timed)"
"$bin" register convert "$work/reg" --out "$work/reg-parquet"
du -sh "$work/reg-parquet"

runs="${BENCH_RUNS:-3}"

compare() { # format, register dir
  local fmt="$1" dir="$2" e_lines="" d_lines=""
  echo "== running ($fmt), $runs runs each, alternating"
  for i in $(seq "$runs"); do
    e_lines+="$(measure "effekt-$fmt" "$bin" verify --register "$dir" --definitions bench/definitions/benchmark.toml --out "$work/effekt-$fmt.csv")"$'\n'
    grep -h "persons," "$work/log.effekt-$fmt" || true
    d_lines+="$(measure "duckdb-$fmt" "$venv/bin/python" bench/duckdb/outcomes.py --register "$dir" --format "$fmt" --out "$work/duckdb-$fmt.csv" --threads 2)"$'\n'
    if ! cmp -s "$work/effekt-$fmt.csv" "$work/duckdb-$fmt.csv"; then
      echo "MISMATCH between effekt and DuckDB ($fmt):" >&2
      diff <(head -c 100000000 "$work/effekt-$fmt.csv") <(head -c 100000000 "$work/duckdb-$fmt.csv") | head -20 >&2
      exit 1
    fi
  done
  echo "identical rows: $(($(wc -l < "$work/effekt-$fmt.csv") - 1))"
  python3 - "$e_lines" "$d_lines" <<'PY'
import statistics, sys
def parse(text):
    rows = [l.split() for l in text.strip().splitlines()]
    return [float(r[1]) for r in rows], [int(r[2]) for r in rows]
et, em = parse(sys.argv[1]); dt, dm = parse(sys.argv[2])
es, ds = statistics.median(et), statistics.median(dt)
print("effekt  runs " + " ".join(f"{t:.2f}" for t in et) + f"  median {es:.2f} s  peak {max(em)/1024:.1f} MiB")
print("duckdb  runs " + " ".join(f"{t:.2f}" for t in dt) + f"  median {ds:.2f} s  peak {max(dm)/1024:.1f} MiB")
print(f"speed-up (duckdb/effekt, medians) {ds/es:.2f}x   memory (effekt/duckdb, peaks) {max(em)/max(dm):.2f}")
PY
}

compare csv "$work/reg"
compare parquet "$work/reg-parquet"
# The two formats must give the same outcomes too.
cmp -s "$work/effekt-csv.csv" "$work/effekt-parquet.csv" || { echo "CSV and Parquet outcomes differ" >&2; exit 1; }
