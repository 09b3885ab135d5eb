#!/usr/bin/env python3
"""Produces tests/fixtures/matching/: treated and pool persons with propensity scores (log-odds,
rounded to two decimals so that ties occur) and the pairs the documented greedy rule gives
(crates/engine/src/evaluation/matching.rs), written by this plain, independent implementation
of the rule: treated highest score first (ties: lower key), for each the free comparison
persons nearest first (ties: lower key), up to `ratio` within the caliper. Run by hand when the
case changes (Python 3 only); the output is committed and read by the engine's tests."""
import csv
import os
import random

here = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "matching")
rng = random.Random(20261206)
treated = [(k, round(rng.gauss(-0.5, 0.8), 2)) for k in range(1, 301)]
pool = [(k, round(rng.gauss(-1.5, 1.0), 2)) for k in range(1001, 4001)]

def match(treated, pool, ratio, caliper, with_replacement):
    used = set()
    out = []
    for key, score in sorted(treated, key=lambda t: (-t[1], t[0])):
        free = [c for c in pool if with_replacement or c[0] not in used]
        free.sort(key=lambda c: (abs(c[1] - score), c[0]))
        chosen = [c for c in free if abs(c[1] - score) <= caliper][:ratio]
        if not with_replacement:
            used.update(c[0] for c in chosen)
        out.append((key, [c[0] for c in chosen]))
    return out

for name, people in (("treated.csv", treated), ("pool.csv", pool)):
    with open(os.path.join(here, name), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "score"])
        w.writerows((k, repr(s)) for k, s in people)
for name, ratio, caliper, replace in (("pairs-1to2-without.csv", 2, 0.05, False),
                                      ("pairs-1to1-with.csv", 1, 0.02, True),
                                      ("pairs-1to3-without.csv", 3, 0.2, False)):
    with open(os.path.join(here, name), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["order", "treated", "controls"])
        for i, (key, controls) in enumerate(match(treated, pool, ratio, caliper, replace)):
            w.writerow([i, key, " ".join(map(str, controls))])
