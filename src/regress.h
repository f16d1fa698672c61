/* regress: polynomial regression, the mathematics of the regression lessons.
 *
 * One feature x is expanded into the columns x, x^2, ..., x^degree (degree
 * 1..REGRESS_MAX_DEGREE) and fitted with an intercept, the way scikit-learn's
 * PolynomialFeatures + LinearRegression / Ridge / Lasso / RidgeCV / LassoCV
 * (fit_intercept=True) do. Every fit centres each column on its mean and the
 * target on its mean (which is how the intercept is handled; the constant
 * column PolynomialFeatures adds is zero once centred and never matters).
 * With `normalize` set, each centred column is also divided by its L2 norm
 * before fitting and the coefficients are mapped back afterwards: this is
 * scikit-learn's `normalize=True` before 1.2 (the originals' setting), and
 * the penalties of ridge and LASSO then apply to those scaled columns.
 *
 * The solvers are LAPACK's (no hand-written factorisations):
 *   least squares  dgelsy: QR with column pivoting, rank revealing with
 *                  rcond = eps * max(n, p) (numpy.linalg.lstsq's default),
 *                  the minimum-norm solution when the columns are dependent.
 *                  Never the normal equations, which square the condition
 *                  number of a polynomial design matrix.
 *   ridge          minimises ||y - Xw||^2 + alpha ||w||^2 as the least-squares
 *                  problem [X; sqrt(alpha) I] w = [y; 0] solved by dgels (QR):
 *                  the same stability argument, and the stacked matrix has
 *                  full column rank for any alpha > 0. alpha = 0 is least
 *                  squares.
 *   LASSO          minimises (1/2n)||y - Xw||^2 + alpha ||w||_1 by cyclic
 *                  coordinate descent exactly as scikit-learn's
 *                  enet_coordinate_descent (0.x-1.2): sweeps over the
 *                  columns in order; after a sweep whose largest update is
 *                  below tol relative to the largest weight, the duality gap
 *                  is checked against tol * ||y||^2; at most max_iter sweeps.
 * Cross-validation is KFold(folds) without shuffling (scikit-learn's cv=5):
 * contiguous blocks of the rows as given, the first n % folds one row larger.
 *   LASSO_CV  LassoCV: the alpha grid from all rows (alpha_max = max|X^T y|/n
 *             on the centred, scaled columns; lasso_n_alphas values
 *             log-spaced down to lasso_eps * alpha_max), each fold fitted
 *             along the whole grid with warm starts, scored by the mean
 *             squared error on the held-out block; the alpha with the least
 *             mean MSE over the folds, refitted from zero on all rows.
 *   RIDGE_CV  RidgeCV(alphas, cv=folds) in scikit-learn 1.2 is a
 *             GridSearchCV over Ridge whose default scoring is the
 *             estimator's own score, R^2 (not MSE): each alpha's mean held-out
 *             R^2 over the folds, the largest wins (the first on ties),
 *             refitted on all rows.
 * In every fold the centring and scaling come from that fold's training rows,
 * as scikit-learn refits its preprocessing per fold.
 *
 * Everything is plain values: struct regress_fit holds fixed-size arrays and
 * owns nothing, so it can be copied, stored in traces, and needs no free.
 * Functions return 0 on success and -1 after reporting once with diag_fail
 * (bad sizes, a LAPACK failure); they never return NaN coefficients without
 * failing. */
#ifndef REGRESS_H
#define REGRESS_H

struct rng;

#define REGRESS_MAX_DEGREE 12
#define REGRESS_MAX_ALPHAS 100

enum regress_method {
    REGRESS_LEAST_SQUARES,      /* LinearRegression */
    REGRESS_RIDGE,              /* Ridge(alpha) */
    REGRESS_LASSO,              /* Lasso(alpha) */
    REGRESS_RIDGE_CV,           /* RidgeCV(alphas, cv=folds), scored by R^2 */
    REGRESS_LASSO_CV,           /* LassoCV(eps, n_alphas, cv=folds), scored by MSE */
};

struct regress_spec {
    int degree;                 /* 1..REGRESS_MAX_DEGREE */
    enum regress_method method;
    int normalize;              /* 1: scikit-learn < 1.2's normalize=True */
    double alpha;               /* RIDGE, LASSO: the penalty (>= 0) */
    int n_alphas;               /* RIDGE_CV: the grid ... */
    double alphas[REGRESS_MAX_ALPHAS];
    int lasso_n_alphas;         /* LASSO_CV: grid length (2..REGRESS_MAX_ALPHAS) */
    double lasso_eps;           /* LASSO_CV: smallest alpha / alpha_max (0, 1) */
    int folds;                  /* CV: 2..n */
    int max_iter;               /* LASSO: coordinate-descent sweeps */
    double tol;                 /* LASSO: tolerance, as scikit-learn's tol */
};

/* The originals' settings for `method` at `degree`: normalize on, RidgeCV's
 * alphas (0.001, 0.01, 0.1, 1), LassoCV's eps 0.01 and 20 alphas, 5 folds,
 * max_iter 3000, tol 1e-4, alpha 1 (scikit-learn's default) for the fixed-
 * alpha methods. */
void regress_spec_default(struct regress_spec *s, enum regress_method method, int degree);

struct regress_fit {
    int degree;
    double intercept;
    double coef[REGRESS_MAX_DEGREE];     /* of x, x^2, ... in the data's units */
    double coef_std[REGRESS_MAX_DEGREE]; /* of the centred (scaled) columns: what is penalised */
    double x_mean[REGRESS_MAX_DEGREE];   /* column means ... */
    double x_scale[REGRESS_MAX_DEGREE];  /* ... and divisors (1 without normalize) */
    double alpha;               /* the penalty used (chosen by CV); 0 for least squares */
    int alpha_index;            /* CV: the chosen grid entry; otherwise -1 */
    int n_grid;                 /* CV: the grid and its mean fold scores */
    double grid[REGRESS_MAX_ALPHAS];
    double grid_score[REGRESS_MAX_ALPHAS];  /* LASSO_CV: mean MSE; RIDGE_CV: mean R^2 */
    int n_iter;                 /* LASSO: sweeps of the final fit */
    int converged;              /* LASSO: the final fit met tol; others 1 */
    int rank;                   /* least squares: numerical rank of the design */
    double rss;                 /* sum of squared training residuals */
    double penalty;             /* alpha * sum coef_std^2 (ridge), alpha * sum |coef_std| (LASSO) */
};

/* Fits `spec` to the n points (x[i], y[i]). Fails on degree, alpha, fold or
 * grid values out of range, fewer than 2 points, non-finite input, or a
 * LAPACK error; `out` is then unspecified. */
int regress_fit(const struct regress_spec *spec, const double *x, const double *y, int n,
                struct regress_fit *out);
double regress_predict(const struct regress_fit *f, double x);
/* R^2 and MSE of the fit on n points (n >= 1). */
double regress_score(const struct regress_fit *f, const double *x, const double *y, int n);
double regress_fit_mse(const struct regress_fit *f, const double *x, const double *y, int n);

/* Coefficient of determination 1 - SS_res / SS_tot, scikit-learn's r2_score:
 * when y is constant it is 1 for a perfect prediction and 0 otherwise. */
double regress_r2(const double *y, const double *yhat, int n);
double regress_mse(const double *y, const double *yhat, int n);

/* Splits 0..n-1 into a test set of ceil(test_fraction * n) indices and a
 * training set of the rest (train_test_split's sizes), from a permutation
 * drawn with `r`: test gets the permutation's head, train its tail, both in
 * permutation order. train and test need room for n ints. test_fraction in
 * (0, 1); both parts must be non-empty. */
int regress_split(struct rng *r, int n, double test_fraction, int *train, int *n_train,
                  int *test, int *n_test);

/* The dense layer the fits use, on column-major n x p matrices (n rows,
 * column j at X + j * n). X is not modified; w has room for p values.
 * regress_lstsq: min ||y - Xw||, minimum norm, rank returned in *rank
 * (may be NULL). regress_ridge_solve: min ||y - Xw||^2 + alpha ||w||^2.
 * regress_lasso_cd: min (1/2n)||y - Xw||^2 + alpha ||w||_1 starting from the
 * w given (a warm start; zeros for a cold one); returns 1 if the duality gap
 * fell below tol * ||y||^2, 0 if max_iter sweeps ran out, -1 on bad sizes;
 * *n_iter (may be NULL) gets the sweeps done. tol = 0 never stops early. */
int regress_lstsq(const double *X, const double *y, int n, int p, double *w, int *rank);
int regress_ridge_solve(const double *X, const double *y, int n, int p, double alpha, double *w);
int regress_lasso_cd(const double *X, const double *y, int n, int p, double alpha, double *w,
                     int max_iter, double tol, int *n_iter);

/* Learning curve: for each sizes[k] (2..n_train), fits `spec` on the first
 * sizes[k] training points and stores its MSE on them in train_mse[k] and
 * on the n_val validation points in val_mse[k]. Pass the training points
 * already shuffled if the order should not matter. */
int regress_learning_curve(const struct regress_spec *spec, const double *x_train,
                           const double *y_train, int n_train, const double *x_val,
                           const double *y_val, int n_val, const int *sizes, int n_sizes,
                           double *train_mse, double *val_mse);

/* Draws n fresh (x, y) points of a data generator with r; returns 0 or -1. */
typedef int (*regress_sampler)(void *ctx, struct rng *r, double *x, double *y, int n);
/* The noiseless target at x. */
typedef double (*regress_truth)(void *ctx, double x);

/* Bias and variance: fits `spec` to `rounds` (>= 2) fresh samples of n
 * points each and, at each of the nq query points, stores the mean
 * prediction, its squared bias against truth(xq) and the variance of the
 * predictions (over rounds, divided by rounds). The expected squared error
 * of a new noisy point at xq is bias2 + variance + the noise variance. */
int regress_bias_variance(const struct regress_spec *spec, regress_sampler sample,
                          regress_truth truth, void *ctx, struct rng *r, int n, int rounds,
                          const double *xq, int nq, double *mean, double *bias2,
                          double *variance);

#endif
