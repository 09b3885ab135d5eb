#!/usr/bin/env bash
# Load test of the providers' workspace (issue 13, "Performance"): with 100,000 participants in
# the store, a participant's plan page (referral, proposals, plan and milestones, outcomes), the
# provider's referral list (the participant list filtered to SØKT INN) and the provider's home
# (waiting referrals and Nav's unread answers as tasks) must hold an open-loop rate of 100
# requests/s for 30 s after a warm-up, with p99 under 50 ms, audit writes included — on SQLite
# and on PostgreSQL. Logged in as the demo's job specialist of the largest provider.
#
# Usage: bench/workspace-load.sh [sqlite|postgres|both]   (default both)
# Needs: oha (cargo install oha --locked), a PostgreSQL server for the postgres run. Sends
# traffic to 127.0.0.1 only. Environment: RATE (100) and those of bench/demo-server.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
rate="${RATE:-100}"
# shellcheck source=bench/demo-server.sh
source "$PWD/bench/demo-server.sh"

run_store() {
  create_demo "$1"
  start_server
  login jobbspesialist.stor
  # The participant whose proposal Nav answered (a task on the home): a plan with proposals.
  local participant
  participant=$(curl -fs -H "$cookie" "$base/hjem" | grep -o '/deltakere/[0-9]*#forslag' | head -1 | cut -d'#' -f1)
  [ -n "$participant" ] || { echo "no participant with proposals on the home" >&2; exit 1; }
  echo "   plan page: $participant"
  local target url
  for target in plan referrals home; do
    case $target in
      plan) url="$base$participant" ;;
      referrals) url="$base/deltakere?status=SOKT_INN" ;;
      home) url="$base/hjem" ;;
    esac
    # Warm-up at the measured rate and concurrency, so every pooled connection has its
    # statements prepared (a connection's first executions plan from cold caches).
    "$oha_bin" --no-tui -z 10s -q "$rate" -c 32 -H "$cookie" "$url" >/dev/null
    "$oha_bin" --no-tui --output-format json -z "$duration" -q "$rate" --latency-correction -c 32 -H "$cookie" "$url" >"$work/$target.json"
    summary "$1 open-loop $rate/s $target" "$work/$target.json"
  done
  stop_server
}

for_each_store "${1:-both}" run_store
