/* regress: polynomial least squares, ridge and LASSO fits, their
 * cross-validated variants, scores, the train/test split, learning curves
 * and the bias-variance estimate (see regress.h for the mathematics and how
 * each piece follows scikit-learn). Dense algebra is LAPACK's (dgelsy,
 * dgels); only the coordinate descent of the LASSO is written here, because
 * LAPACK has none, and it follows scikit-learn's update order and stopping
 * rule so that the two agree to rounding on the same data. */
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "regress.h"
#include "rng.h"

void regress_spec_default(struct regress_spec *s, enum regress_method method, int degree)
{
    static const double ridge_alphas[] = {0.001, 0.01, 0.1, 1};
    memset(s, 0, sizeof *s);
    s->degree = degree;
    s->method = method;
    s->normalize = 1;
    s->alpha = 1;
    s->n_alphas = 4;
    memcpy(s->alphas, ridge_alphas, sizeof ridge_alphas);
    s->lasso_n_alphas = 20;
    s->lasso_eps = 0.01;
    s->folds = 5;
    s->max_iter = 3000;
    s->tol = 1e-4;
}

double regress_r2(const double *y, const double *yhat, int n)
{
    double mean = 0, ss_res = 0, ss_tot = 0;
    for (int i = 0; i < n; i++)
        mean += y[i];
    mean /= n;
    for (int i = 0; i < n; i++) {
        ss_res += (y[i] - yhat[i]) * (y[i] - yhat[i]);
        ss_tot += (y[i] - mean) * (y[i] - mean);
    }
    if (ss_tot == 0)
        return ss_res == 0 ? 1.0 : 0.0;
    return 1 - ss_res / ss_tot;
}

double regress_mse(const double *y, const double *yhat, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += (y[i] - yhat[i]) * (y[i] - yhat[i]);
    return s / n;
}

double regress_predict(const struct regress_fit *f, double x)
{
    double v = f->intercept, p = 1;
    for (int j = 0; j < f->degree; j++) {
        p *= x;
        v += f->coef[j] * p;
    }
    return v;
}

double regress_score(const struct regress_fit *f, const double *x, const double *y, int n)
{
    double mean = 0, ss_res = 0, ss_tot = 0;
    for (int i = 0; i < n; i++)
        mean += y[i];
    mean /= n;
    for (int i = 0; i < n; i++) {
        double r = y[i] - regress_predict(f, x[i]);
        ss_res += r * r;
        ss_tot += (y[i] - mean) * (y[i] - mean);
    }
    if (ss_tot == 0)
        return ss_res == 0 ? 1.0 : 0.0;
    return 1 - ss_res / ss_tot;
}

double regress_fit_mse(const struct regress_fit *f, const double *x, const double *y, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) {
        double r = y[i] - regress_predict(f, x[i]);
        s += r * r;
    }
    return s / n;
}

/* ---- the dense layer ---------------------------------------------------- */

int regress_lstsq(const double *X, const double *y, int n, int p, double *w, int *rank)
{
    if (n < 1 || p < 1)
        return diag_fail("regress: least squares needs at least one row and column");
    int ldb = n > p ? n : p;
    double *a = malloc(sizeof *a * (size_t)n * p);
    double *b = calloc((size_t)ldb, sizeof *b);
    lapack_int *jpvt = calloc((size_t)p, sizeof *jpvt);
    if (!a || !b || !jpvt) {
        free(a), free(b), free(jpvt);
        return diag_fail("regress: out of memory");
    }
    memcpy(a, X, sizeof *a * (size_t)n * p);
    memcpy(b, y, sizeof *b * (size_t)n);
    lapack_int r = 0;
    lapack_int info = LAPACKE_dgelsy(LAPACK_COL_MAJOR, n, p, 1, a, n, b, ldb, jpvt,
                                     DBL_EPSILON * ldb, &r);
    if (info == 0)
        memcpy(w, b, sizeof *w * (size_t)p);
    free(a), free(b), free(jpvt);
    if (info != 0)
        return diag_fail("regress: LAPACK dgelsy failed (info %d)", (int)info);
    if (rank)
        *rank = (int)r;
    return 0;
}

int regress_ridge_solve(const double *X, const double *y, int n, int p, double alpha, double *w)
{
    if (!(alpha >= 0) || !isfinite(alpha))
        return diag_fail("regress: ridge alpha must be finite and >= 0, not %g", alpha);
    if (alpha == 0)
        return regress_lstsq(X, y, n, p, w, NULL);
    /* [X; sqrt(alpha) I] w = [y; 0]: its least-squares solution minimises
     * ||y - Xw||^2 + alpha ||w||^2, and QR on it keeps X's conditioning
     * instead of squaring it as X^T X + alpha I would. */
    int m = n + p;
    double *a = calloc((size_t)m * p, sizeof *a);
    double *b = calloc((size_t)m, sizeof *b);
    if (!a || !b) {
        free(a), free(b);
        return diag_fail("regress: out of memory");
    }
    double s = sqrt(alpha);
    for (int j = 0; j < p; j++) {
        memcpy(a + (size_t)j * m, X + (size_t)j * n, sizeof *a * (size_t)n);
        a[(size_t)j * m + n + j] = s;
    }
    memcpy(b, y, sizeof *b * (size_t)n);
    lapack_int info = LAPACKE_dgels(LAPACK_COL_MAJOR, 'N', m, p, 1, a, m, b, m);
    if (info == 0)
        memcpy(w, b, sizeof *w * (size_t)p);
    free(a), free(b);
    if (info != 0)
        return diag_fail("regress: LAPACK dgels failed (info %d)", (int)info);
    return 0;
}

static double dot(const double *a, const double *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

int regress_lasso_cd(const double *X, const double *y, int n, int p, double alpha, double *w,
                     int max_iter, double tol, int *n_iter)
{
    if (n < 1 || p < 1 || p > REGRESS_MAX_DEGREE * 8 || max_iter < 1)
        return -1;
    double *R = malloc(sizeof *R * (size_t)n);
    if (!R)
        return -1;
    double norm2[REGRESS_MAX_DEGREE * 8], xta;
    /* The objective times n: (1/2)||R||^2 + l1 ||w||_1, scikit-learn's form. */
    double l1 = alpha * n;
    double d_w_tol = tol, gap_tol = tol * dot(y, y, n);
    memcpy(R, y, sizeof *R * (size_t)n);
    for (int j = 0; j < p; j++) {
        const double *c = X + (size_t)j * n;
        norm2[j] = dot(c, c, n);
        if (w[j] != 0)
            for (int i = 0; i < n; i++)
                R[i] -= w[j] * c[i];
    }
    int it, done = 0;
    for (it = 0; it < max_iter && !done; it++) {
        double w_max = 0, d_w_max = 0;
        for (int j = 0; j < p; j++) {
            if (norm2[j] == 0)
                continue;
            const double *c = X + (size_t)j * n;
            double w_old = w[j];
            if (w_old != 0)
                for (int i = 0; i < n; i++)
                    R[i] += w_old * c[i];
            double t = dot(c, R, n);
            double mag = fabs(t) - l1;
            w[j] = mag > 0 ? (t > 0 ? mag : -mag) / norm2[j] : 0;
            if (w[j] != 0)
                for (int i = 0; i < n; i++)
                    R[i] -= w[j] * c[i];
            double d = fabs(w[j] - w_old);
            if (d > d_w_max)
                d_w_max = d;
            if (fabs(w[j]) > w_max)
                w_max = fabs(w[j]);
        }
        /* The cheap test first (the largest update, relative), then the
         * duality gap as the real criterion, as scikit-learn does. */
        if (w_max == 0 || d_w_max / w_max < d_w_tol || it == max_iter - 1) {
            double dual_norm = 0, l1_norm = 0;
            for (int j = 0; j < p; j++) {
                xta = dot(X + (size_t)j * n, R, n);
                if (fabs(xta) > dual_norm)
                    dual_norm = fabs(xta);
                l1_norm += fabs(w[j]);
            }
            double r2 = dot(R, R, n), cst = 1, gap;
            if (dual_norm > l1) {
                cst = l1 / dual_norm;
                gap = 0.5 * (r2 + r2 * cst * cst);
            } else {
                gap = r2;
            }
            gap += l1 * l1_norm - cst * dot(R, y, n);
            if (gap < gap_tol)
                done = 1;
        }
    }
    free(R);
    if (n_iter)
        *n_iter = it;
    return done;
}

/* ---- design matrices ----------------------------------------------------- */

/* A centred (and scaled) design on the rows idx[0..m) (all rows when idx is
 * NULL): X is m x degree column-major, yc the centred target. */
struct design {
    int m, p;
    double *X, *yc;
    double y_mean;
    double mean[REGRESS_MAX_DEGREE], scale[REGRESS_MAX_DEGREE];
};

static void design_free(struct design *d)
{
    free(d->X);
    free(d->yc);
    d->X = d->yc = NULL;
}

static int design_make(struct design *d, const double *x, const double *y, const int *idx, int m,
                       int degree, int normalize)
{
    d->m = m;
    d->p = degree;
    d->X = malloc(sizeof *d->X * (size_t)m * degree);
    d->yc = malloc(sizeof *d->yc * (size_t)m);
    if (!d->X || !d->yc) {
        design_free(d);
        return diag_fail("regress: out of memory");
    }
    d->y_mean = 0;
    for (int i = 0; i < m; i++) {
        int r = idx ? idx[i] : i;
        double v = 1;
        /* x^j by repeated products, as PolynomialFeatures builds them. */
        for (int j = 0; j < degree; j++) {
            v *= x[r];
            d->X[(size_t)j * m + i] = v;
        }
        d->y_mean += y[r];
    }
    d->y_mean /= m;
    for (int i = 0; i < m; i++)
        d->yc[i] = y[idx ? idx[i] : i] - d->y_mean;
    for (int j = 0; j < degree; j++) {
        double *c = d->X + (size_t)j * m, mean = 0, ss = 0;
        for (int i = 0; i < m; i++)
            mean += c[i];
        mean /= m;
        for (int i = 0; i < m; i++) {
            c[i] -= mean;
            ss += c[i] * c[i];
        }
        double s = 1;
        if (normalize) {
            /* scikit-learn's test for a constant column, on the variance: a
             * column that is constant up to rounding is left unscaled. */
            double var = ss / m;
            double bound = m * DBL_EPSILON * var + (m * mean * DBL_EPSILON) * (m * mean * DBL_EPSILON);
            s = var <= bound ? 1 : sqrt(ss);
            for (int i = 0; i < m; i++)
                c[i] /= s;
        }
        d->mean[j] = mean;
        d->scale[j] = s;
    }
    return 0;
}

/* Maps the scaled solution w back to the data's units. */
static void design_finish(const struct design *d, const double *w, struct regress_fit *f)
{
    f->degree = d->p;
    f->intercept = d->y_mean;
    for (int j = 0; j < d->p; j++) {
        f->coef_std[j] = w[j];
        f->coef[j] = w[j] / d->scale[j];
        f->x_mean[j] = d->mean[j];
        f->x_scale[j] = d->scale[j];
        f->intercept -= d->mean[j] * f->coef[j];
    }
    for (int j = d->p; j < REGRESS_MAX_DEGREE; j++)
        f->coef[j] = f->coef_std[j] = f->x_mean[j] = 0, f->x_scale[j] = 1;
    double rss = 0;
    for (int i = 0; i < d->m; i++) {
        double r = d->yc[i];
        for (int j = 0; j < d->p; j++)
            r -= d->X[(size_t)j * d->m + i] * w[j];
        rss += r * r;
    }
    f->rss = rss;
}

/* One fit with a fixed alpha (least squares, ridge or LASSO) on rows idx. */
static int fit_fixed(const struct regress_spec *s, enum regress_method method, double alpha,
                     const double *x, const double *y, const int *idx, int m,
                     struct regress_fit *f)
{
    struct design d;
    if (design_make(&d, x, y, idx, m, s->degree, s->normalize) < 0)
        return -1;
    double w[REGRESS_MAX_DEGREE] = {0};
    int rc = 0;
    f->rank = d.p;
    f->n_iter = 0;
    f->converged = 1;
    if (method == REGRESS_LEAST_SQUARES) {
        rc = regress_lstsq(d.X, d.yc, m, d.p, w, &f->rank);
        alpha = 0;
    } else if (method == REGRESS_RIDGE) {
        rc = regress_ridge_solve(d.X, d.yc, m, d.p, alpha, w);
    } else {
        int c = regress_lasso_cd(d.X, d.yc, m, d.p, alpha, w, s->max_iter, s->tol, &f->n_iter);
        if (c < 0)
            rc = diag_fail("regress: coordinate descent failed");
        f->converged = c == 1;
    }
    if (rc == 0) {
        design_finish(&d, w, f);
        f->alpha = alpha;
        double pen = 0;
        for (int j = 0; j < d.p; j++)
            pen += method == REGRESS_LASSO ? fabs(w[j]) : w[j] * w[j];
        f->penalty = alpha * pen;
        for (int j = 0; j < d.p; j++)
            if (!isfinite(f->coef[j]))
                rc = diag_fail("regress: the fit is not finite");
    }
    design_free(&d);
    return rc;
}

/* KFold without shuffling: block k is [*lo, *lo + size). */
static void fold_block(int n, int folds, int k, int *lo, int *size)
{
    int base = n / folds, extra = n % folds;
    *lo = k * base + (k < extra ? k : extra);
    *size = base + (k < extra);
}

/* The training rows of fold k (all rows outside its block), in order. */
static int fold_train(int n, int folds, int k, int *idx)
{
    int lo, size, m = 0;
    fold_block(n, folds, k, &lo, &size);
    for (int i = 0; i < n; i++)
        if (i < lo || i >= lo + size)
            idx[m++] = i;
    return m;
}

static int lasso_grid(const struct regress_spec *s, const double *x, const double *y, int n,
                      double *grid)
{
    struct design d;
    if (design_make(&d, x, y, NULL, n, s->degree, s->normalize) < 0)
        return -1;
    double amax = 0;
    for (int j = 0; j < d.p; j++) {
        double v = fabs(dot(d.X + (size_t)j * n, d.yc, n));
        if (v > amax)
            amax = v;
    }
    amax /= n;
    design_free(&d);
    int k = s->lasso_n_alphas;
    if (amax <= 1e-15) {           /* numpy's float resolution: y is constant */
        for (int i = 0; i < k; i++)
            grid[i] = 1e-15;
        return 0;
    }
    /* numpy.logspace(log10(eps * amax), log10(amax), k)[::-1]. */
    double lo = log10(amax * s->lasso_eps), hi = log10(amax), step = (hi - lo) / (k - 1);
    for (int i = 0; i < k; i++) {
        int e = k - 1 - i;
        grid[i] = pow(10, e == k - 1 ? hi : lo + e * step);
    }
    return 0;
}

static int fit_lasso_cv(const struct regress_spec *s, const double *x, const double *y, int n,
                        struct regress_fit *f)
{
    int k = s->lasso_n_alphas;
    double grid[REGRESS_MAX_ALPHAS], score[REGRESS_MAX_ALPHAS] = {0};
    if (lasso_grid(s, x, y, n, grid) < 0)
        return -1;
    int *idx = malloc(sizeof *idx * (size_t)n);
    if (!idx)
        return diag_fail("regress: out of memory");
    for (int fold = 0; fold < s->folds; fold++) {
        int lo, size, m = fold_train(n, s->folds, fold, idx);
        fold_block(n, s->folds, fold, &lo, &size);
        struct design d;
        if (design_make(&d, x, y, idx, m, s->degree, s->normalize) < 0) {
            free(idx);
            return -1;
        }
        /* Down the grid with warm starts, as enet_path. */
        double w[REGRESS_MAX_DEGREE] = {0};
        for (int a = 0; a < k; a++) {
            if (regress_lasso_cd(d.X, d.yc, m, d.p, grid[a], w, s->max_iter, s->tol, NULL) < 0) {
                design_free(&d);
                free(idx);
                return diag_fail("regress: coordinate descent failed");
            }
            struct regress_fit g;
            design_finish(&d, w, &g);
            score[a] += regress_fit_mse(&g, x + lo, y + lo, size) / s->folds;
        }
        design_free(&d);
    }
    free(idx);
    int best = 0;
    for (int a = 1; a < k; a++)
        if (score[a] < score[best])
            best = a;
    if (fit_fixed(s, REGRESS_LASSO, grid[best], x, y, NULL, n, f) < 0)
        return -1;
    f->alpha_index = best;
    f->n_grid = k;
    memcpy(f->grid, grid, sizeof *grid * (size_t)k);
    memcpy(f->grid_score, score, sizeof *score * (size_t)k);
    return 0;
}

static int fit_ridge_cv(const struct regress_spec *s, const double *x, const double *y, int n,
                        struct regress_fit *f)
{
    int k = s->n_alphas;
    double score[REGRESS_MAX_ALPHAS] = {0};
    int *idx = malloc(sizeof *idx * (size_t)n);
    if (!idx)
        return diag_fail("regress: out of memory");
    for (int fold = 0; fold < s->folds; fold++) {
        int lo, size, m = fold_train(n, s->folds, fold, idx);
        fold_block(n, s->folds, fold, &lo, &size);
        for (int a = 0; a < k; a++) {
            struct regress_fit g;
            if (fit_fixed(s, REGRESS_RIDGE, s->alphas[a], x, y, idx, m, &g) < 0) {
                free(idx);
                return -1;
            }
            score[a] += regress_score(&g, x + lo, y + lo, size) / s->folds;
        }
    }
    free(idx);
    int best = 0;
    for (int a = 1; a < k; a++)
        if (score[a] > score[best])
            best = a;
    if (fit_fixed(s, REGRESS_RIDGE, s->alphas[best], x, y, NULL, n, f) < 0)
        return -1;
    f->alpha_index = best;
    f->n_grid = k;
    memcpy(f->grid, s->alphas, sizeof *s->alphas * (size_t)k);
    memcpy(f->grid_score, score, sizeof *score * (size_t)k);
    return 0;
}

static int spec_check(const struct regress_spec *s, int n)
{
    if (s->degree < 1 || s->degree > REGRESS_MAX_DEGREE)
        return diag_fail("regress: degree must be 1..%d, not %d", REGRESS_MAX_DEGREE, s->degree);
    if (n < 2)
        return diag_fail("regress: a fit needs at least 2 points, not %d", n);
    switch (s->method) {
    case REGRESS_LEAST_SQUARES:
        return 0;
    case REGRESS_RIDGE:
    case REGRESS_LASSO:
        if (!(s->alpha >= 0) || !isfinite(s->alpha))
            return diag_fail("regress: alpha must be finite and >= 0, not %g", s->alpha);
        if (s->method == REGRESS_LASSO && (s->max_iter < 1 || !(s->tol >= 0)))
            return diag_fail("regress: LASSO needs max_iter >= 1 and tol >= 0");
        return 0;
    case REGRESS_RIDGE_CV:
    case REGRESS_LASSO_CV:
        break;
    default:
        return diag_fail("regress: unknown method %d", (int)s->method);
    }
    if (s->folds < 2 || s->folds > n)
        return diag_fail("regress: cross-validation needs 2..%d folds for %d points, not %d", n,
                         n, s->folds);
    if (s->method == REGRESS_RIDGE_CV) {
        if (s->n_alphas < 1 || s->n_alphas > REGRESS_MAX_ALPHAS)
            return diag_fail("regress: RidgeCV needs 1..%d alphas", REGRESS_MAX_ALPHAS);
        for (int a = 0; a < s->n_alphas; a++)
            if (!(s->alphas[a] >= 0) || !isfinite(s->alphas[a]))
                return diag_fail("regress: RidgeCV alphas must be finite and >= 0");
        return 0;
    }
    if (s->lasso_n_alphas < 2 || s->lasso_n_alphas > REGRESS_MAX_ALPHAS)
        return diag_fail("regress: LassoCV needs 2..%d alphas", REGRESS_MAX_ALPHAS);
    if (!(s->lasso_eps > 0 && s->lasso_eps < 1))
        return diag_fail("regress: LassoCV eps must be in (0, 1), not %g", s->lasso_eps);
    if (s->max_iter < 1 || !(s->tol >= 0))
        return diag_fail("regress: LASSO needs max_iter >= 1 and tol >= 0");
    return 0;
}

int regress_fit(const struct regress_spec *spec, const double *x, const double *y, int n,
                struct regress_fit *out)
{
    if (spec_check(spec, n) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return diag_fail("regress: point %d is not finite", i);
    memset(out, 0, sizeof *out);
    out->alpha_index = -1;
    switch (spec->method) {
    case REGRESS_RIDGE_CV:
        return fit_ridge_cv(spec, x, y, n, out);
    case REGRESS_LASSO_CV:
        return fit_lasso_cv(spec, x, y, n, out);
    default:
        return fit_fixed(spec, spec->method, spec->alpha, x, y, NULL, n, out);
    }
}

/* ---- splits, learning curves, bias and variance -------------------------- */

int regress_split(struct rng *r, int n, double test_fraction, int *train, int *n_train,
                  int *test, int *n_test)
{
    if (!(test_fraction > 0 && test_fraction < 1))
        return diag_fail("regress: test fraction must be in (0, 1), not %g", test_fraction);
    int nt = (int)ceil(test_fraction * n);
    if (nt < 1 || nt >= n)
        return diag_fail("regress: a test fraction of %g of %d points leaves an empty part",
                         test_fraction, n);
    int *perm = malloc(sizeof *perm * (size_t)n);
    if (!perm)
        return diag_fail("regress: out of memory");
    rng_permutation(r, perm, n);
    memcpy(test, perm, sizeof *test * (size_t)nt);
    memcpy(train, perm + nt, sizeof *train * (size_t)(n - nt));
    *n_test = nt;
    *n_train = n - nt;
    free(perm);
    return 0;
}

int regress_learning_curve(const struct regress_spec *spec, const double *x_train,
                           const double *y_train, int n_train, const double *x_val,
                           const double *y_val, int n_val, const int *sizes, int n_sizes,
                           double *train_mse, double *val_mse)
{
    if (n_val < 1)
        return diag_fail("regress: a learning curve needs validation points");
    for (int k = 0; k < n_sizes; k++) {
        int m = sizes[k];
        if (m < 2 || m > n_train)
            return diag_fail("regress: learning-curve size %d is outside 2..%d", m, n_train);
        struct regress_fit f;
        if (regress_fit(spec, x_train, y_train, m, &f) < 0)
            return -1;
        train_mse[k] = regress_fit_mse(&f, x_train, y_train, m);
        val_mse[k] = regress_fit_mse(&f, x_val, y_val, n_val);
    }
    return 0;
}

int regress_bias_variance(const struct regress_spec *spec, regress_sampler sample,
                          regress_truth truth, void *ctx, struct rng *r, int n, int rounds,
                          const double *xq, int nq, double *mean, double *bias2,
                          double *variance)
{
    if (rounds < 2 || n < 2 || nq < 1)
        return diag_fail("regress: bias-variance needs >= 2 rounds of >= 2 points and a query");
    double *x = malloc(sizeof *x * (size_t)n), *y = malloc(sizeof *y * (size_t)n);
    double *pred = malloc(sizeof *pred * (size_t)rounds * nq);
    int rc = 0;
    if (!x || !y || !pred)
        rc = diag_fail("regress: out of memory");
    for (int k = 0; rc == 0 && k < rounds; k++) {
        struct regress_fit f;
        if (sample(ctx, r, x, y, n) < 0 || regress_fit(spec, x, y, n, &f) < 0)
            rc = -1;
        for (int q = 0; rc == 0 && q < nq; q++)
            pred[(size_t)k * nq + q] = regress_predict(&f, xq[q]);
    }
    for (int q = 0; rc == 0 && q < nq; q++) {
        double m = 0, v = 0;
        for (int k = 0; k < rounds; k++)
            m += pred[(size_t)k * nq + q];
        m /= rounds;
        for (int k = 0; k < rounds; k++) {
            double d = pred[(size_t)k * nq + q] - m;
            v += d * d;
        }
        double b = m - truth(ctx, xq[q]);
        mean[q] = m;
        bias2[q] = b * b;
        variance[q] = v / rounds;
    }
    free(x), free(y), free(pred);
    return rc;
}
