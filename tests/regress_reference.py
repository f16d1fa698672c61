#!/usr/bin/python3
"""Independent reference for src/regress.c: recomputes, with numpy and
scikit-learn, every fit that `test_regress --reference` printed (the JSON
file given as the only argument) and compares the numbers to 1e-6 relative.
Exits 1 on any difference, 2 if numpy or scikit-learn cannot be imported
(tools/install-deps installs python3-numpy and python3-sklearn): a missing
reference is a failure, never a skip.

How each of our methods is reproduced:
  lstsq     numpy.linalg.lstsq on the centred (scaled) columns; also
            LinearRegression() on the raw columns, which must agree when the
            design has full rank (scaling does not change least squares).
  ridge     Ridge(alpha, fit_intercept=False) on the centred (scaled)
            columns, coefficients mapped back.
  lasso     Lasso(alpha, fit_intercept=False, precompute=False) likewise.
  ridge_cv  RidgeCV(alphas, cv=5) itself for the "plain" fits; with
            normalize, by hand: KFold(5), in each fold the training rows
            centred and scaled on their own, Ridge per alpha, r2_score on the
            held-out rows, the best mean R^2, refit (what RidgeCV(cv=5,
            normalize=True) did through GridSearchCV before 1.2).
  lasso_cv  LassoCV(eps=0.01, n_alphas=20, max_iter=3000, cv=5) itself for
            the "plain" fits; with normalize, by hand: the grid from all rows
            (alpha_max = max|X^T y| / n on the centred, scaled columns,
            numpy.logspace down to eps * alpha_max), in each fold
            lasso_path on that fold's own centred, scaled rows along the
            grid, the mean held-out MSE, the least one, Lasso refit (what
            LassoCV(normalize=True) did before 1.2).

scikit-learn 1.2 removed `normalize`; "scaled" here is exactly what it did:
each centred column divided by its L2 norm sqrt(sum((x - mean)^2)), a column
whose variance is zero up to rounding left as it is, and coef = w / norm,
intercept = mean(y) - sum(mean(x_j) * coef_j).
"""
import json
import sys

try:
    import numpy as np
    import sklearn
    from sklearn.linear_model import (Lasso, LassoCV, LinearRegression, Ridge, RidgeCV,
                                      lasso_path)
    from sklearn.metrics import r2_score
    from sklearn.model_selection import KFold
except ImportError as e:  # a missing reference fails the test
    print(f"regress_reference: cannot import numpy/scikit-learn ({e}); "
          "run tools/install-deps", file=sys.stderr)
    sys.exit(2)

RTOL = 1e-6
RIDGE_ALPHAS = (0.001, 0.01, 0.1, 1)
failures = []
compared = 0


def close(a, b, scale):
    """Relative to the larger magnitude, with a floor at 1e-9 of the
    vector's scale so that coefficients at zero compare sensibly."""
    return abs(a - b) <= RTOL * max(abs(a), abs(b)) + 1e-9 * scale


def compare(where, ours, theirs):
    global compared
    ours = np.atleast_1d(np.asarray(ours, dtype=float))
    theirs = np.atleast_1d(np.asarray(theirs, dtype=float))
    if ours.shape != theirs.shape:
        failures.append(f"{where}: {ours.shape} values, reference {theirs.shape}")
        return
    scale = max(1.0, float(np.max(np.abs(theirs))) if theirs.size else 1.0)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        compared += 1
        if not close(a, b, scale):
            failures.append(f"{where}[{i}]: ours {a:.12g}, reference {b:.12g}")


def poly(x, d):
    # PolynomialFeatures(d, include_bias=False): x, x^2, ..., x^d
    return np.column_stack([x ** k for k in range(1, d + 1)])


def scaled(X, y, normalize):
    mean = X.mean(axis=0)
    Xc = X - mean
    scale = np.ones(X.shape[1])
    if normalize:
        n = X.shape[0]
        var = (Xc ** 2).sum(axis=0) / n
        eps = np.finfo(np.float64).eps
        constant = var <= n * eps * var + (n * mean * eps) ** 2
        scale = np.where(constant, 1.0, np.sqrt(var * n))
    return Xc / scale, y - y.mean(), mean, scale, y.mean()


def back(w, mean, scale, ymean):
    coef = w / scale
    return coef, ymean - mean @ coef


def predict(coef, b, X):
    return X @ coef + b


def fit_fixed(kind, alpha, X, y, normalize):
    Xs, yc, mean, scale, ym = scaled(X, y, normalize)
    if kind == "lstsq":
        w = np.linalg.lstsq(Xs, yc, rcond=None)[0]
    elif kind == "ridge":
        w = Ridge(alpha=alpha, fit_intercept=False).fit(Xs, yc).coef_
    else:
        w = Lasso(alpha=alpha, fit_intercept=False, precompute=False, max_iter=3000,
                  tol=1e-4).fit(Xs, yc).coef_
    return back(w, mean, scale, ym)


def ridge_cv_by_hand(X, y):
    scores = np.zeros(len(RIDGE_ALPHAS))
    for tr, te in KFold(5).split(X):
        for a, alpha in enumerate(RIDGE_ALPHAS):
            coef, b = fit_fixed("ridge", alpha, X[tr], y[tr], True)
            scores[a] += r2_score(y[te], predict(coef, b, X[te])) / 5
    best = int(np.argmax(scores))
    return best, RIDGE_ALPHAS[best], scores, fit_fixed("ridge", RIDGE_ALPHAS[best], X, y, True)


def lasso_cv_by_hand(X, y):
    Xs, yc, _, _, _ = scaled(X, y, True)
    amax = np.max(np.abs(Xs.T @ yc)) / len(y)
    grid = np.logspace(np.log10(amax * 0.01), np.log10(amax), num=20)[::-1]
    mse = np.zeros(20)
    for tr, te in KFold(5).split(X):
        Fs, fc, mean, scale, ym = scaled(X[tr], y[tr], True)
        _, coefs, _ = lasso_path(Fs, fc, alphas=grid, max_iter=3000, tol=1e-4)
        for a in range(20):
            coef, b = back(coefs[:, a], mean, scale, ym)
            mse[a] += np.mean((predict(coef, b, X[te]) - y[te]) ** 2) / 5
    best = int(np.argmin(mse))
    return best, grid, mse, fit_fixed("lasso", grid[best], X, y, True)


def check_fit(where, ours, coef, b, X, y, Xt, yt):
    compare(where + ".coef", ours["coef"], coef)
    compare(where + ".intercept", ours["intercept"], b)
    compare(where + ".r2_train", ours["r2_train"], r2_score(y, predict(coef, b, X)))
    compare(where + ".r2_test", ours["r2_test"], r2_score(yt, predict(coef, b, Xt)))
    compare(where + ".mse_test", ours["mse_test"], np.mean((predict(coef, b, Xt) - yt) ** 2))


def main():
    with open(sys.argv[1]) as f:
        sets = json.load(f)["sets"]
    for s in sets:
        d = s["degree"]
        x, y = np.array(s["x"]), np.array(s["y"])
        X, Xt, yt = poly(x, d), poly(np.array(s["x_test"]), d), np.array(s["y_test"])
        for mode, normalize, alpha in (("normalize", True, 0.05), ("plain", False, 0.5)):
            ours = s[mode]
            w = f"{s['name']}.{mode}"
            for kind in ("lstsq", "ridge", "lasso"):
                coef, b = fit_fixed(kind, alpha, X, y, normalize)
                check_fit(f"{w}.{kind}", ours[kind], coef, b, X, y, Xt, yt)
            lr = LinearRegression().fit(X, y)
            compare(f"{w}.lstsq.coef(LinearRegression)", ours["lstsq"]["coef"], lr.coef_)
            if normalize:
                best, alpha_, scores, (coef, b) = ridge_cv_by_hand(X, y)
            else:
                m = RidgeCV(alphas=RIDGE_ALPHAS, cv=5).fit(X, y)
                alpha_, coef, b = m.alpha_, m.coef_, m.intercept_
                best, scores = RIDGE_ALPHAS.index(alpha_), None
                compare(f"{w}.ridge_cv.best_score", ours["ridge_cv"]["grid_score"][best],
                        m.best_score_)
            if scores is not None:
                compare(f"{w}.ridge_cv.grid_score", ours["ridge_cv"]["grid_score"], scores)
            compare(f"{w}.ridge_cv.alpha", ours["ridge_cv"]["alpha"], alpha_)
            check_fit(f"{w}.ridge_cv", ours["ridge_cv"], coef, b, X, y, Xt, yt)
            if normalize:
                best, grid, mse, (coef, b) = lasso_cv_by_hand(X, y)
                alpha_ = grid[best]
            else:
                m = LassoCV(eps=0.01, n_alphas=20, max_iter=3000, cv=5).fit(X, y)
                grid, mse, alpha_ = m.alphas_, m.mse_path_.mean(axis=1), m.alpha_
                coef, b = m.coef_, m.intercept_
            compare(f"{w}.lasso_cv.grid", ours["lasso_cv"]["grid"], grid)
            compare(f"{w}.lasso_cv.mse", ours["lasso_cv"]["grid_score"], mse)
            compare(f"{w}.lasso_cv.alpha", ours["lasso_cv"]["alpha"], alpha_)
            check_fit(f"{w}.lasso_cv", ours["lasso_cv"], coef, b, X, y, Xt, yt)
    for line in failures:
        print("regress_reference: " + line, file=sys.stderr)
    print(f"regress_reference: scikit-learn {sklearn.__version__}, numpy {np.__version__}: "
          f"{compared} values compared, {len(failures)} differ by more than {RTOL:g}")
    return 1 if failures or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
