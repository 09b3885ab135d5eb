#!/usr/bin/env bash
# Propensity benchmark (issue 15): the propensity model and 1:1 caliper matching of 5,000
# participants against a 1,000,000-person pool on 12 covariates — effekt against statsmodels +
# scikit-learn on the same data, same machine, same run. Checks the matched pairs are
# identical and prints each peer's time (the fit and the matching, not reading the file) and
# the ratio.
#
# Usage: bench/propensity-vs-statsmodels.sh [TREATED] [POOL]   (default 5000 1000000)
# BENCH_RUNS (default 3): runs per peer, alternating; medians are compared.
# Needs: python3 with bench/evaluation/requirements.txt (installed into a venv here).
set -euo pipefail
cd "$(dirname "$0")/.."

treated="${1:-5000}"
pool="${2:-1000000}"
covariates=12
work="${BENCH_WORK:-$(mktemp -d)}"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT

venv="$PWD/target/bench-venv-evaluation"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r bench/evaluation/requirements.txt
fi
cargo build --release --locked -p effekt-engine --example propensity_match >/dev/null
bin="$PWD/target/release/examples/propensity_match"

echo "== $treated treated, $pool in the pool, $covariates covariates"
"$venv/bin/python" bench/evaluation/peer.py make "$treated" "$pool" "$covariates" "$work/design.f64"

runs="${BENCH_RUNS:-3}"
e_times=() p_times=()
for i in $(seq "$runs"); do
  line="$("$bin" "$work/design.f64" "$covariates" "$work/effekt.csv")"
  echo "$line"
  e_times+=("$(sed -E 's/.*total ([0-9.]+) s.*/\1/' <<<"$line")")
  line="$("$venv/bin/python" bench/evaluation/peer.py match "$work/design.f64" "$covariates" "$work/peer.csv")"
  echo "$line"
  p_times+=("$(sed -E 's/.*total ([0-9.]+) s.*/\1/' <<<"$line")")
  if ! cmp -s "$work/effekt.csv" "$work/peer.csv"; then
    echo "MISMATCH: the matched pairs differ" >&2
    diff <(sort "$work/effekt.csv") <(sort "$work/peer.csv") | head -20 >&2
    exit 1
  fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
e="$(median "${e_times[@]}")"
p="$(median "${p_times[@]}")"
pairs=$(($(wc -l < "$work/effekt.csv") - 1))
echo "== identical pairs: $pairs"
awk -v e="$e" -v p="$p" 'BEGIN { printf "median effekt %.3f s, statsmodels + scikit-learn %.3f s: %.1fx (target >= 10x)\n", e, p, p / e }'
