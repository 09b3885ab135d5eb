#!/usr/bin/env bash
# Full evaluation run benchmark (issue 15): a whole run (plan, propensity model, matching,
# effects on two outcomes with a bootstrap of 1,000 over matched sets, event study, time to
# employment, subgroups) on a generated register of PERSONS, from register files
# (`effekt evaluate files`) and from the snapshot stored in SQLite and PostgreSQL (read back
# with the store's `load_register`, as `effekt evaluate run` does). Target: under 60 s each.
#
# Usage: bench/evaluation-run.sh [PERSONS]   (default 1000000)
# DATABASE_URL_PG (default postgres://postgres@127.0.0.1:5432/effekt_bench_evaluation); set
# SKIP_PG=1 to leave PostgreSQL out.
set -euo pipefail
cd "$(dirname "$0")/.."

persons="${1:-1000000}"
work="${BENCH_WORK:-$(mktemp -d)}"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
# One build for both, so that neither rebuilds the other with other features.
cargo build --release --locked -p effekt --bin effekt --example evaluate_stored >/dev/null
bin="$PWD/target/release/effekt"
stored="$PWD/target/release/examples/evaluate_stored"
defs=bench/definitions/benchmark.toml
plan=bench/evaluation/plan.toml

echo "== generating $persons persons in $work"
"$bin" register generate --persons "$persons" --seed 1 --out "$work/reg" >/dev/null 2>&1
sync

echo "== from register files"
/usr/bin/time -f "wall %e s, peak %M KiB" "$bin" evaluate files --register "$work/reg" \
  --participants "$work/reg/treated.csv" --definitions "$defs" --plan "$plan" --out "$work/files.json"

echo "== from the snapshot stored in SQLite"
import() { # database: the first administrator, then the snapshot (as in bench/register-import.sh)
  printf 'bench-passord-2026\n' | "$bin" user create bench-admin --role administrator \
    --display-name "Benchmark" --database "$1" >/dev/null
  "$bin" register import "$work/reg" --database "$1" --as bench-admin >/dev/null 2>&1
}
import "$work/bench.db"
/usr/bin/time -f "wall %e s, peak %M KiB" "$stored" "$work/bench.db" "$work/reg/treated.csv" "$defs" "$plan"

if [ -z "${SKIP_PG:-}" ]; then
  echo "== from the snapshot stored in PostgreSQL"
  pg="${DATABASE_URL_PG:-postgres://postgres@127.0.0.1:5432/effekt_bench_evaluation}"
  psql "${pg%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${pg##*/}" -c "CREATE DATABASE ${pg##*/}" >/dev/null
  import "$pg"
  /usr/bin/time -f "wall %e s, peak %M KiB" "$stored" "$pg" "$work/reg/treated.csv" "$defs" "$plan"
fi
