#!/usr/bin/env bash
# Logins under attack (issue 10, "Measured"): while 20 clients send failed logins — each for
# another username from another forwarded address, as a distributed guesser does, so none is
# throttled and every one costs a password hash — how long do a liveness check and a real
# login take? Compared with the same server at rest, in the same run. Argon2 runs off the
# async workers, so liveness should barely move.
#
# Usage: bench/login-under-attack.sh [NAME=BIN ...]   (default: now=this checkout's release
# build; give an earlier build too, e.g. before=/tmp/old/target/release/effekt, to measure
# before and after on the same machine in one run)
# Needs: oha (cargo install oha --locked), wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

oha_bin="${OHA:-$(command -v oha || echo /root/.local/oha/bin/oha)}"
[ -x "$oha_bin" ] || { echo "oha not found: cargo install oha --locked" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
# shellcheck source=bench/oha-summary.sh
source "$PWD/bench/oha-summary.sh"
work="$(mktemp -d)"
trap 'kill "${server:-0}" "${attack:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=18082
base="http://127.0.0.1:$port"

if [ $# -eq 0 ]; then
  cargo build --release --locked -p effekt >/dev/null
  set -- "now=$PWD/target/release/effekt"
fi

logins() { # label: five real logins from clean addresses, wall time of the POST each
  local times=() jar token
  for i in 1 2 3 4 5; do
    jar="$work/jar"; rm -f "$jar"
    token=$(curl -fs -c "$jar" "$base/logg-inn" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
    times+=("$(curl -s -o /dev/null -w '%{time_total}' -b "$jar" -H "X-Forwarded-For: 192.0.2.$i" \
      -d "csrf=$token&username=veileder.grunerlokka&password=effekt-demo-2026" "$base/logg-inn")")
  done
  python3 -c 'import sys; t=sorted(float(x)*1000 for x in sys.argv[2:]); print(f"{sys.argv[1]:<44} real login: median {t[len(t)//2]:.0f} ms, slowest {t[-1]:.0f} ms")' "$1" "${times[@]}"
}

for arg in "$@"; do
  label="${arg%%=*}"; bin="${arg#*=}"
  echo "== $label: $bin"
  rm -f "$work/demo.db"*
  "$bin" demo --no-serve --database "$work/demo.db" >/dev/null 2>&1
  EFFEKT_CLIENT_ADDRESS_HEADER=x-forwarded-for "$bin" demo --database "$work/demo.db" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fs "$base/internal/health/readiness" >/dev/null && break; sleep 0.1; done
  "$oha_bin" --no-tui --output-format json -z 10s -q 50 --latency-correction -c 4 "$base/internal/health/liveness" >"$work/rest.json"
  summary "$label at rest: liveness 50/s" "$work/rest.json"
  logins "$label at rest"
  # One real form pair, reused by every bad login (the pair is valid, the password is not).
  rm -f "$work/jar"
  token=$(curl -fs -c "$work/jar" "$base/logg-inn" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
  cookie=$(awk '$6 == "effekt_login_csrf" {print $7}' "$work/jar")
  LOGIN_COOKIE="$cookie" LOGIN_TOKEN="$token" wrk -t2 -c20 -d25s -s bench/bad-logins.lua "$base/logg-inn" >"$work/wrk.txt" 2>&1 &
  attack=$!
  sleep 3
  "$oha_bin" --no-tui --output-format json -z 15s -q 50 --latency-correction -c 4 "$base/internal/health/liveness" >"$work/attack.json"
  summary "$label under attack: liveness 50/s" "$work/attack.json"
  logins "$label under attack"
  wait "$attack" || true
  echo "$label bad logins: $(grep -E 'Requests/sec' "$work/wrk.txt" | awk '{print $2}') /s answered ($(grep -E 'requests in' "$work/wrk.txt" | awk '{print $1}') in 25 s)"
  kill "$server"; wait "$server" 2>/dev/null || true
done
