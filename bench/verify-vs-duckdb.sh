#!/usr/bin/env bash
# Register benchmark (issue 3): effekt verify against DuckDB on the same files, same machine,
# same run, from CSV and from Parquet. Generates a synthetic register, shuffles every file's rows,
# converts the shuffled files to Parquet, runs both on each format, checks
# that every person's rows are identical (status, date, magnitude to 6 decimals), and prints
# wall time, peak memory and the ratios.
#
# Usage: bench/verify-vs-duckdb.sh [PERSONS]   (default 1000000: ~10M employment, ~3M benefit spells)
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

compare() { # format, register dir
  local fmt="$1" dir="$2"
  echo "== running ($fmt)"
  local effekt_line duck_line
  effekt_line=$(measure "effekt-$fmt" "$bin" verify --register "$dir" --definitions bench/definitions/benchmark.toml --out "$work/effekt-$fmt.csv")
  duck_line=$(measure "duckdb-$fmt" "$venv/bin/python" bench/duckdb/outcomes.py --register "$dir" --format "$fmt" --out "$work/duckdb-$fmt.csv" --threads 2)
  if ! cmp -s "$work/effekt-$fmt.csv" "$work/duckdb-$fmt.csv"; then
    echo "MISMATCH between effekt and DuckDB ($fmt):" >&2
    diff <(head -c 100000000 "$work/effekt-$fmt.csv") <(head -c 100000000 "$work/duckdb-$fmt.csv") | head -20 >&2
    exit 1
  fi
  echo "identical rows: $(($(wc -l < "$work/effekt-$fmt.csv") - 1))"
  grep -h "persons," "$work/log.effekt-$fmt" || true
  python3 - "$effekt_line" "$duck_line" <<'PY'
import sys
e = sys.argv[1].split(); d = sys.argv[2].split()
es, em, ds, dm = float(e[1]), int(e[2]), float(d[1]), int(d[2])
print(f"effekt  {es:8.2f} s  peak {em/1024:8.1f} MiB")
print(f"duckdb  {ds:8.2f} s  peak {dm/1024:8.1f} MiB")
print(f"speed-up (duckdb/effekt) {ds/es:.2f}x   memory (effekt/duckdb) {em/dm:.2f}")
PY
}

compare csv "$work/reg"
compare parquet "$work/reg-parquet"
# The two formats must give the same outcomes too.
cmp -s "$work/effekt-csv.csv" "$work/effekt-parquet.csv" || { echo "CSV and Parquet outcomes differ" >&2; exit 1; }
