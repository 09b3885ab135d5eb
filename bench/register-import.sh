#!/usr/bin/env bash
# Register import throughput (issue 3): `effekt register import` of one generated snapshot into a
# fresh SQLite file and a fresh PostgreSQL database, same files, same run. Prints rows/s and MB/s
# (file bytes over write time, as the import reports them) and the whole command's wall time.
#
# Usage: bench/register-import.sh [PERSONS]   (default 1000000: ~15M rows, ~1 GB of CSV)
# PostgreSQL: EFFEKT_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432); skipped if down.
set -euo pipefail
cd "$(dirname "$0")/.."

persons="${1:-1000000}"
work="${BENCH_WORK:-$(mktemp -d)}"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
server="${EFFEKT_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"

cargo build --release --locked -p effekt >/dev/null
bin="$PWD/target/release/effekt"

echo "== generating $persons persons in $work"
"$bin" register generate --persons "$persons" --seed 1 --out "$work/reg" >/dev/null 2>&1
du -sh "$work/reg"

run() { # label, database
  local label="$1" db="$2"
  # In production an import acts as a named administrator: the first one is made here.
  printf 'bench-passord-2026\n' | "$bin" user create bench-admin --role administrator \
    --display-name "Benchmark" --database "$db" >/dev/null
  /usr/bin/time -f "%e %M" -o "$work/time.$label" "$bin" register import "$work/reg" --database "$db" --as bench-admin \
    > "$work/out.$label" 2> "$work/err.$label" || { cat "$work/err.$label" "$work/out.$label"; exit 1; }
  read -r secs kib < "$work/time.$label"
  echo "-- $label: $(cat "$work/out.$label")"
  echo "   whole command (read + validate + hash + write): ${secs} s, peak ${kib} KiB"
}

run sqlite "$work/import.db"
ls -l "$work/import.db" | awk '{printf "   SQLite file: %.0f MB\n", $5/1e6}'
# Importing the same files again is a no-op.
"$bin" register import "$work/reg" --database "$work/import.db" --as bench-admin 2>/dev/null

if psql "$server/postgres" -qAt -c 'SELECT 1' >/dev/null 2>&1; then
  psql "$server/postgres" -q -c 'DROP DATABASE IF EXISTS effekt_bench_import' -c 'CREATE DATABASE effekt_bench_import'
  run postgres "$server/effekt_bench_import"
  psql "$server/postgres" -q -c 'DROP DATABASE IF EXISTS effekt_bench_import'
else
  echo "-- postgres: not reachable at $server, skipped"
fi
