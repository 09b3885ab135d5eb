"""The propensity benchmark's data and its peer (issue 15): statsmodels for the propensity model
and scikit-learn for the nearest neighbours, under the same rule as effekt's matching
(docs/evaluation.md, "Matching"): treated persons highest score first (ties by key), each
takes the nearest comparison person not yet used (ties to the lower key), within the caliper.

  peer.py make TREATED POOL COVARIATES DESIGN   writes the design (f64 little-endian, row-major:
                                                 treated flag, then the covariates), seeded
  peer.py match DESIGN COVARIATES PAIRS.csv     fits, matches, writes the pairs, prints the times
"""
import sys
import time

import numpy as np


def make(treated, pool, k, path):
    rng = np.random.default_rng(20261206)
    n = treated + pool
    x = np.empty((n, k))
    for j in range(k):
        if j % 3 == 2:
            x[:, j] = rng.integers(0, 2, n)            # a flag
        elif j % 3 == 1:
            x[:, j] = rng.integers(0, 37, n)           # months with employment or benefits
        else:
            x[:, j] = rng.normal(0, 1, n)              # a standardised measure
    beta = np.linspace(-0.6, 0.6, k) / np.array([1 if j % 3 != 1 else 12 for j in range(k)])
    eta = x @ beta
    # The intercept that gives about `treated` treated persons; then exactly that many, drawn
    # by the propensity (so selection is on the covariates).
    p = 1 / (1 + np.exp(-(eta - np.quantile(eta, 1 - 3 * treated / n))))
    chosen = rng.choice(n, size=treated, replace=False, p=p / p.sum())
    y = np.zeros(n)
    y[chosen] = 1
    np.hstack([y[:, None], x]).astype("<f8").tofile(path)


def match(path, k, out):
    import statsmodels.api as sm
    from sklearn.neighbors import NearestNeighbors

    data = np.fromfile(path, dtype="<f8").reshape(-1, k + 1)
    y, x = data[:, 0], data[:, 1:]
    started = time.perf_counter()
    fit = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(method="newton", disp=0, tol=1e-10, maxiter=100)
    fitted = time.perf_counter()
    score = sm.add_constant(x, has_constant="add") @ fit.params
    caliper = 0.2 * score.std(ddof=1)
    keys = np.arange(len(y))
    t_keys, p_keys = keys[y > 0.5], keys[y <= 0.5]
    pool_scores = score[p_keys].reshape(-1, 1)
    nn = NearestNeighbors(n_neighbors=1).fit(pool_scores)
    order = sorted(t_keys, key=lambda key: (-score[key], key))
    used = np.zeros(len(p_keys), dtype=bool)
    pairs = []
    want = 8
    dist, idx = nn.kneighbors(score[order].reshape(-1, 1), n_neighbors=want)
    for row, t in enumerate(order):
        k_now, d, i = want, dist[row], idx[row]
        while True:
            cand = sorted((abs(score[t] - pool_scores[j, 0]), p_keys[j], j) for j in i if not used[j])
            # Enough candidates when the nearest free one is nearer than the farthest looked at.
            if cand and (cand[0][0] < d[-1] or k_now >= len(p_keys)):
                break
            if d[-1] > caliper or k_now >= len(p_keys):
                cand = [c for c in cand]
                break
            k_now = min(2 * k_now, len(p_keys))
            d, i = nn.kneighbors([[score[t]]], n_neighbors=k_now)
            d, i = d[0], i[0]
        if cand and cand[0][0] <= caliper:
            used[cand[0][2]] = True
            pairs.append((t, cand[0][1]))
    total = time.perf_counter()
    # For the record: statsmodels from effekt's starting point (the intercept at the log-odds
    # of the share treated) instead of zeros; not part of the timed total above.
    share = y.mean()
    start = np.zeros(k + 1)
    start[0] = np.log(share / (1 - share))
    again = time.perf_counter()
    same = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(method="newton", disp=0, tol=1e-10, maxiter=100, start_params=start)
    same_start = time.perf_counter() - again
    with open(out, "w") as f:
        f.write("treated,control\n")
        for t, c in pairs:
            f.write(f"{t},{c}\n")
    print(f"statsmodels + scikit-learn: fit {fitted - started:.3f} s ({fit.mle_retvals['iterations']} Newton steps), "
          f"matching {total - fitted:.3f} s, total {total - started:.3f} s; "
          f"(from effekt's start: fit {same_start:.3f} s, {same.mle_retvals['iterations']} steps)")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        match(sys.argv[2], int(sys.argv[3]), sys.argv[4])
