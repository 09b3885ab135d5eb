#!/usr/bin/env bash
# Load test of the staff's week (issue 14, "Performance"): with 100,000 participants in the
# store (the demo's groups with a term of sessions and taken attendance), a teacher's home
# (today's sessions, attendance not taken, bookings to confirm, with the rest of her tasks) and
# a group's attendance form must hold an open-loop rate of 100 requests/s for 30 s after a
# warm-up, with p99 under 50 ms, audit writes included — on SQLite and on PostgreSQL. Also
# measured: taking the attendance of the whole group (one transaction per form; here each a
# correction with a reason, so every request writes a full set of marks), the main veileder's
# home with her participants' next milestones, and the coordinator's caseload page.
#
# Usage: bench/week-load.sh [sqlite|postgres|both]   (default both)
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
  login laerer.stor
  # The session the demo left without attendance: the teacher's "Ta oppmøte" task.
  local form
  form=$(curl -fs -H "$cookie" "$base/hjem" | grep -o '/grupper/[0-9]*/okter/[0-9]*' | head -1)
  [ -n "$form" ] || { echo "no session waiting for attendance on the teacher's home" >&2; exit 1; }
  echo "   attendance form: $form"
  local page csrf body
  page=$(curl -fs -H "$cookie" "$base$form")
  csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
  local marks="csrf=$csrf" p
  for p in $(grep -o 'name="oppmote-[0-9]*"' <<<"$page" | grep -o '[0-9]*'); do
    marks="$marks&oppmote-$p=TILSTEDE"
  done
  echo "   members on the form: $(grep -o 'oppmote-[0-9]*=' <<<"$marks" | wc -l)"
  # Taken once, so each measured form is a correction with a reason.
  curl -fs -o /dev/null -H "$cookie" -H "Origin: $base" -d "$marks" "$base$form"
  body="$marks&korrigering=M%C3%A5lt+under+last"
  local target url
  for target in home attendance-form take-attendance; do
    local extra=()
    case $target in
      home) url="$base/hjem" ;;
      attendance-form) url="$base$form" ;;
      take-attendance)
        url="$base$form"
        extra=(-m POST -T application/x-www-form-urlencoded -H "Origin: $base" -d "$body" --redirect 0)
        ;;
    esac
    "$oha_bin" --no-tui -z 10s -q "$rate" -c 32 -H "$cookie" "${extra[@]}" "$url" >/dev/null
    "$oha_bin" --no-tui --output-format json -z "$duration" -q "$rate" --latency-correction -c 32 -H "$cookie" "${extra[@]}" "$url" >"$work/$target.json"
    summary "$1 open-loop $rate/s $target" "$work/$target.json"
  done
  # Every POST a whole form: the marks written are the members times the requests answered.
  if [ "$1" = sqlite ]; then
    marks=$(sqlite3 "$database" "SELECT COUNT(*) FROM attendance_marks WHERE correction = 'Målt under last'")
  else
    marks=$(psql "$database" -tAc "SELECT COUNT(*) FROM attendance_marks WHERE correction = 'Målt under last'")
  fi
  echo "   marks written as corrections: $marks"
  # The main veileder's home: the next milestone of each participant she guides besides the
  # rest of her tasks (issue 14, item 5), and the coordinator's caseload page.
  login jobbspesialist.stor
  echo "   milestone tasks on the veileder's home: $(curl -fs -H "$cookie" "$base/hjem" | grep -c 'Følg opp delmålet' || true)"
  for target in veileder-home caseloads; do
    case $target in
      veileder-home) url="$base/hjem" ;;
      caseloads) login koordinator.stor; url="$base/team" ;;
    esac
    "$oha_bin" --no-tui -z 10s -q "$rate" -c 32 -H "$cookie" "$url" >/dev/null
    "$oha_bin" --no-tui --output-format json -z "$duration" -q "$rate" --latency-correction -c 32 -H "$cookie" "$url" >"$work/$target.json"
    summary "$1 open-loop $rate/s $target" "$work/$target.json"
  done
  stop_server
}

for_each_store "${1:-both}" run_store
