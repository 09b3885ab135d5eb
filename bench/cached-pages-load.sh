#!/usr/bin/env bash
# Pages that judge or price a whole contract, under load (issue 9, item 5): with 100,000
# participants in the store, `/resultater`, `/investeringer` and the page of a computed
# statement must hold an open-loop rate of 20 requests/s for 30 s with p99 under 100 ms once
# warm, on SQLite and on PostgreSQL. Judged outcomes and the contract's pricing are worked out
# once per store generation; the first (cold) request of each page on a freshly started server
# pays for that and is reported too, as is the first request after the store generation moves
# (as every write of those inputs does), which must work everything out again.
#
# Usage: bench/cached-pages-load.sh [sqlite|postgres|both]   (default both)
# Needs: oha (cargo install oha --locked), a PostgreSQL server for the postgres run
# (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432). Sends traffic to
# 127.0.0.1 only. Environment: RATE (20) and those of bench/demo-server.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
stores="${1:-both}"
rate="${RATE:-20}"
# shellcheck source=bench/demo-server.sh
source "$PWD/bench/demo-server.sh"

csrf_of() { # page -> the form's CSRF token
  curl -fs -H "$cookie" "$base$1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1
}

seconds() { # url -> wall time of one request, in ms
  curl -fs -o /dev/null -w '%{time_total}' -H "$cookie" "$1" | python3 -c 'import sys; print(f"{float(sys.stdin.read())*1000:.0f} ms")'
}

run_store() {
  local store="$1"
  create_demo "$store"

  # The open period 2026Q3, computed once by the contract manager through the page.
  start_server
  login kontrakt.forvalter
  local token location statement
  token=$(csrf_of /utbetalinger)
  location=$(curl -fs -o /dev/null -w '%{redirect_url}' -H "$cookie" -d "csrf=$token&contract=1&period=2026Q3" "$base/utbetalinger/beregn")
  statement="${location##*/}"
  [ -n "$statement" ] || { echo "computing 2026Q3 failed"; exit 1; }
  echo "   computed 2026Q3 as statement $statement in the same run"
  stop_server

  local pages=("/resultater" "/investeringer" "/utbetalinger/$statement")
  # Cold: the first request of each page on a freshly started server (empty caches).
  for page in "${pages[@]}"; do
    start_server
    login kontrakt.forvalter
    echo "   cold $page: $(seconds "$base$page")"
    stop_server
  done

  start_server
  login kontrakt.forvalter
  for page in "${pages[@]}"; do
    # Warm: one request that waits for the page's work to be done, then a short warm-up.
    curl -fs -o /dev/null -H "$cookie" "$base$page"
    "$oha_bin" --no-tui -z 3s -q "$rate" -c 4 -H "$cookie" "$base$page" >/dev/null
    "$oha_bin" --no-tui --output-format json -z "$duration" -q "$rate" --latency-correction -c 8 -H "$cookie" "$base$page" >"$work/run.json"
    summary "$store open-loop $rate/s $page" "$work/run.json"
  done
  # A write that moves the store generation: the next request works the judgement out again,
  # once; the one after is served from the cache.
  bump_generation
  echo "   after a write, /resultater: $(seconds "$base/resultater"), then $(seconds "$base/resultater"), $(seconds "$base/resultater")"
  stop_server
}

# Moves the generation as every write of outcome and payment inputs does (an id change, an
# import, an amendment, a certified figure), without changing the data.
bump_generation() {
  if [ "$database" = "$work/bench.db" ]; then
    python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE store_generation SET value = value + 1'); c.commit()" "$database"
  else
    psql "$database" -qc "UPDATE store_generation SET value = value + 1" >/dev/null
  fi
}

for_each_store "$stores" run_store
