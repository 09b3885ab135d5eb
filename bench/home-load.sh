#!/usr/bin/env bash
# Load test of the homes (issue 12, "Performance"): with 100,000 participants in the demo, each
# role's home (/hjem) must hold an open-loop rate of 100 requests/s for 30 s after a warm-up
# with p99 under 50 ms, on SQLite and on PostgreSQL. The homes read no personal data, so no
# audit record is written per request. What the tasks are worked out from (terms, versions,
# statements, the newest snapshot) is read once per store and workflow generation and kept in
# the app's cache, so a request reads the session, the two generations and the viewer's
# organisation, and works its tasks out in memory.
#
# Usage: bench/home-load.sh [sqlite|postgres|both]   (default both)
# Needs: oha (cargo install oha --locked), a PostgreSQL server for the postgres run
# (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432). Sends traffic to
# 127.0.0.1 only. Environment: RATE (100) and those of bench/demo-server.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
rate="${RATE:-100}"
# shellcheck source=bench/demo-server.sh
source "$PWD/bench/demo-server.sh"
# One account of each kind of home: tasks to compute (the contract manager), to decide (the
# lead provider's admin, an investor), none (the evaluator), about participants (a case
# officer: a proposal to answer), and the administrator's (a failed import; its figures read
# the accounts on every request).
users="kontrakt.forvalter admin.stor investor.stiftelse veileder.grunerlokka evaluator administrator"

run_store() {
  create_demo "$1"
  start_server
  local user tasks
  for user in $users; do
    login "$user"
    tasks=$(curl -fs -H "$cookie" "$base/hjem" | grep -c '<tr class="task-' || true)
    "$oha_bin" --no-tui -z 5s -c 8 -H "$cookie" "$base/hjem" >/dev/null   # warm-up
    "$oha_bin" --no-tui --output-format json -z "$duration" -q "$rate" --latency-correction -c 16 -H "$cookie" "$base/hjem" >"$work/$user.json"
    summary "$1 $user ($tasks tasks) $rate/s" "$work/$user.json"
  done
  stop_server
}

for_each_store "${1:-both}" run_store
