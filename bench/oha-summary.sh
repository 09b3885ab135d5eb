#!/usr/bin/env bash
# Sourced by the load benchmarks: `summary NAME FILE` prints one line for an `oha
# --output-format json` result: the rate held, p50 and p99 in ms, and the share of answers that
# succeeded (2xx, or a 303 after a form was taken).
summary() {
  python3 - "$1" "$2" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
s, p = d["summary"], d["latencyPercentiles"]
codes = d.get("statusCodeDistribution", {})
ok = sum(v for k, v in codes.items() if k.startswith("2") or k == "303")
total = sum(codes.values()) or 1
print(f"{name:<44} rps {s['requestsPerSec']:8.1f}  p50 {p['p50']*1000:7.2f} ms  p99 {p['p99']*1000:7.2f} ms  ok {ok}/{total}")
PY
}
