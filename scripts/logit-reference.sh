#!/usr/bin/env bash
# Produces tests/fixtures/logit/{data.csv,reference.csv}: a propensity-score-like data set (fixed
# seed) and statsmodels' maximum-likelihood logistic regression of it (coefficients and
# standard errors, intercept first), as an independent oracle for effekt's propensity model
# (issue 15). Run by hand when the case changes (needs `pip install statsmodels numpy`); the
# output is committed and read by crates/engine/src/evaluation/logit/tests.rs.
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/logit"
python3 - <<'PY'
import csv
import numpy as np
import statsmodels.api as sm

rng = np.random.default_rng(20261206)
n = 3000
age = rng.integers(20, 60, n).astype(float)
employed_months = rng.integers(0, 25, n).astype(float)      # of the 24 months before
benefit_months = rng.integers(0, 37, n).astype(float)       # of the 36 months before
education = rng.integers(0, 4, n).astype(float)             # 0 none … 3 higher
woman = (rng.random(n) < 0.5).astype(float)
x = np.column_stack([age, employed_months, benefit_months, education, woman])
eta = -1.2 - 0.02 * (age - 40) - 0.08 * employed_months + 0.04 * benefit_months - 0.3 * education + 0.2 * woman
y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
with open("data.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["treated", "age", "employed_months", "benefit_months", "education", "woman"])
    for i in range(n):
        w.writerow([y[i], *[repr(float(v)) for v in x[i]]])
fit = sm.Logit(y, sm.add_constant(x)).fit(method="newton", tol=1e-12, maxiter=100, disp=False)
with open("reference.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["parameter", "coefficient", "standard_error"])
    for name, b, se in zip(["const", "age", "employed_months", "benefit_months", "education", "woman"], fit.params, fit.bse):
        w.writerow([name, repr(float(b)), repr(float(se))])
    w.writerow(["log_likelihood", repr(float(fit.llf)), ""])
print(fit.summary())
PY
