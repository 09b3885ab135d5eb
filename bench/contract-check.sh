#!/usr/bin/env bash
# `effekt contract check` on big files (issue 11, "Linear time"): a rate card with N
# outcomes (every kind of participant outcome, each with its own scale and cap), checked by
# the release binary; prints the time per size and the time per 1,000 outcomes, which stays
# flat when the check is linear. Target: 100,000 outcomes in under 5 s.
#
# Usage: bench/contract-check.sh [N ...]   (default 8000 32000 100000)
# Environment: EFFEKT_BIN (a release binary to use instead of building this checkout's).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${EFFEKT_BIN:-}" ]; then
  bin="$EFFEKT_BIN"
else
  cargo build --release --locked -p effekt >/dev/null
  bin="$PWD/target/release/effekt"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- 8000 32000 100000

write_contract() { # N FILE
  python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
kinds = [
    'kind = "job_start"\nmin_fte = "50"\nmonths = 24',
    'kind = "sustained_employment"\nmin_fte = "50"\nweeks = 26\nmonths = 36\nmax_gap_days = 14',
    'kind = "education_start"\nmonths = 24',
    'kind = "language_level_reached"\nskill = "speaking"\nlevel = "B1"\nmonths = 24',
    'kind = "months_without_benefits"\ncount = 6\nmonths = 24',
    'kind = "milestone_verified"\nmilestone = "kartlegging"\nmonths = 12',
]
scales = [
    'scale = { type = "fixed", amount = "15000" }',
    'scale = { type = "linear", max = "30000", floor = "20", target = "80" }',
]
with open(path, "w", encoding="utf-8") as f:
    f.write('[contract]\nname = "Stort resultatkort"\nstarts = 2026-01-01\nends = 2030-12-31\n\n')
    for role, name, orgnr in [("nav", "Nav Oslo", "889640782"),
                              ("provider", "Arbeidsinkludering Oslo AS", "910000004"),
                              ("investor", "Stiftelsen Sosial Investering", "910000020")]:
        f.write(f'[[party]]\nrole = "{role}"\nname = "{name}"\norgnr = "{orgnr}"\n\n')
    for i in range(n):
        f.write(f'[[outcome]]\nname = "Resultat nr. {i + 1} – måned"\n{kinds[i % len(kinds)]}\n'
                f'{scales[i % len(scales)]}\ncap = "{1000000 + i}"\n\n')
PY
}

printf '%-10s %-10s %-10s %s\n' outcomes MB seconds 'ms per 1,000'
for n in "$@"; do
  file="$work/contract-$n.toml"
  write_contract "$n" "$file"
  mb=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 1e6:.1f}')" "$file")
  start=$(date +%s.%N)
  "$bin" contract check "$file" >"$work/out.txt" || { cat "$work/out.txt"; exit 1; }
  end=$(date +%s.%N)
  python3 - "$n" "$mb" "$start" "$end" <<'PY'
import sys
n, mb, start, end = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
s = end - start
print(f"{n:<10} {mb:<10} {s:<10.2f} {s * 1e6 / n:.1f}")
PY
done
