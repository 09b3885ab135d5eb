#!/usr/bin/env python3
"""Produces tests/fixtures/survival/: months to employment for a participant group and a
matched comparison group (whole months, ties and censoring included, fixed seed), and
lifelines' Kaplan-Meier survival of each group at every event time plus the log-rank test
statistic between them — the independent oracle for effekt's time-to-employment curves
(issue 15). Run by hand when the case changes (`pip install lifelines`); the output is
committed and read by crates/engine/src/evaluation/survival.rs's tests."""
import csv
import os
import numpy as np
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test

here = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "survival")
rng = np.random.default_rng(20261206)

def group(n, scale):
    months = np.ceil(rng.exponential(scale, n)).astype(int)
    follow = rng.integers(6, 37, n)          # months of follow-up each person has
    event = months <= follow
    return np.minimum(months, follow), event

tp, ep = group(400, 14.0)
tc, ec = group(800, 20.0)
with open(os.path.join(here, "times.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["group", "months", "employed"])
    for g, t, e in (("participant", tp, ep), ("comparison", tc, ec)):
        for a, b in zip(t, e):
            w.writerow([g, int(a), int(b)])
with open(os.path.join(here, "kaplan-meier.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["group", "month", "survival"])
    for g, t, e in (("participant", tp, ep), ("comparison", tc, ec)):
        km = KaplanMeierFitter().fit(t, e)
        for month, s in km.survival_function_.iloc[:, 0].items():
            w.writerow([g, int(month), repr(float(s))])
result = logrank_test(tp, tc, event_observed_A=ep, event_observed_B=ec)
with open(os.path.join(here, "log-rank.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["statistic", "p_value"])
    w.writerow([repr(float(result.test_statistic)), repr(float(result.p_value))])
print(result.test_statistic, result.p_value)
