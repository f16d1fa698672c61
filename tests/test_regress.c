/* regress: properties of the polynomial fits that could fail (exact fits,
 * ridge at alpha 0, the LASSO's objective and grid, the CV choices, the
 * split, learning curves, the bias-variance decomposition, bad specs), and,
 * with --reference, a JSON dump of our fits on three fixed data sets that
 * tests/regress_reference.py recomputes with numpy and scikit-learn
 * (tests/e2e_regress_reference.sh runs both and compares). */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "diag_capture.h"
#include "regress.h"
#include "rng.h"

static double curve(double x)
{
    return 2 * x - 0.6 * x * x + 0.2 * x * x * x + 18 * sin(x);
}

/* n points of the widgets' curve at uniform x in [-3, 2] plus N(0, sd). */
static void make_points(uint64_t seed, int n, double sd, double *x, double *y)
{
    struct rng r;
    rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        x[i] = rng_range(&r, -3, 2);
        y[i] = curve(x[i]) + rng_normal(&r, 0, sd);
    }
}

static void r2_of_a_perfect_fit_is_one(void)
{
    double x[20], y[20];
    for (int i = 0; i < 20; i++) {
        x[i] = -2 + 0.2 * i;
        y[i] = 1.5 - 2 * x[i] + 0.5 * x[i] * x[i] * x[i];
    }
    struct regress_spec s;
    regress_spec_default(&s, REGRESS_LEAST_SQUARES, 3);
    struct regress_fit f;
    CHECK(regress_fit(&s, x, y, 20, &f) == 0);
    CHECK_NEAR(regress_score(&f, x, y, 20), 1, 1e-12);
    CHECK_NEAR(f.intercept, 1.5, 1e-10);
    CHECK_NEAR(f.coef[0], -2, 1e-10);
    CHECK_NEAR(f.coef[1], 0, 1e-10);
    CHECK_NEAR(f.coef[2], 0.5, 1e-10);
    CHECK(f.rank == 3);
    CHECK(f.rss < 1e-20);
}

static void r2_of_the_mean_is_zero_and_constant_targets_follow_sklearn(void)
{
    double y[4] = {1, 2, 3, 6}, m[4] = {3, 3, 3, 3}, c[4] = {2, 2, 2, 2};
    CHECK_NEAR(regress_r2(y, m, 4), 0, 1e-15);
    CHECK_NEAR(regress_r2(y, y, 4), 1, 1e-15);
    CHECK(regress_r2(y, c, 4) < 0);          /* worse than the mean */
    CHECK(regress_r2(c, c, 4) == 1.0);
    CHECK(regress_r2(c, m, 4) == 0.0);
    CHECK_NEAR(regress_mse(y, m, 4), (4 + 1 + 0 + 9) / 4.0, 1e-15);
}

static void ridge_with_zero_alpha_equals_least_squares(void)
{
    double x[30], y[30];
    make_points(3, 30, 1, x, y);
    for (int norm = 0; norm < 2; norm++) {
        struct regress_spec s;
        regress_spec_default(&s, REGRESS_LEAST_SQUARES, 5);
        s.normalize = norm;
        struct regress_fit a, b;
        CHECK(regress_fit(&s, x, y, 30, &a) == 0);
        s.method = REGRESS_RIDGE;
        s.alpha = 0;
        CHECK(regress_fit(&s, x, y, 30, &b) == 0);
        for (int j = 0; j < 5; j++)
            CHECK_NEAR(a.coef[j], b.coef[j], 1e-9 * (1 + fabs(a.coef[j])));
        CHECK_NEAR(a.intercept, b.intercept, 1e-9);
        /* and a tiny alpha is close to it, a large one shrinks the weights */
        s.alpha = 1e-9;
        CHECK(regress_fit(&s, x, y, 30, &b) == 0);
        CHECK_NEAR(a.coef[0], b.coef[0], 1e-4 * (1 + fabs(a.coef[0])));
        s.alpha = 1e6;
        CHECK(regress_fit(&s, x, y, 30, &b) == 0);
        double na = 0, nb = 0;
        for (int j = 0; j < 5; j++)
            na += a.coef_std[j] * a.coef_std[j], nb += b.coef_std[j] * b.coef_std[j];
        CHECK(nb < 1e-3 * na);
    }
}

/* The ridge solution satisfies its own optimality condition
 * X^T (y - X w) = alpha w on the scaled columns. */
static void ridge_solution_is_stationary(void)
{
    enum { N = 25, P = 4 };
    double X[N * P], y[N], w[P];
    struct rng r;
    rng_seed(&r, 9);
    for (int i = 0; i < N * P; i++)
        X[i] = rng_normal(&r, 0, 1);
    for (int i = 0; i < N; i++)
        y[i] = rng_normal(&r, 0, 3);
    CHECK(regress_ridge_solve(X, y, N, P, 2.5, w) == 0);
    for (int j = 0; j < P; j++) {
        double g = 0;
        for (int i = 0; i < N; i++) {
            double res = y[i];
            for (int k = 0; k < P; k++)
                res -= X[k * N + i] * w[k];
            g += X[j * N + i] * res;
        }
        CHECK_NEAR(g, 2.5 * w[j], 1e-10);
    }
}

static void least_squares_of_dependent_columns_is_the_minimum_norm_one(void)
{
    /* two equal columns: any w1 + w2 = 2 fits y = 2 c; the smallest is (1, 1) */
    double X[12], y[6], w[2];
    int rank = 0;
    for (int i = 0; i < 6; i++) {
        X[i] = X[6 + i] = i - 2.5;
        y[i] = 2 * X[i];
    }
    CHECK(regress_lstsq(X, y, 6, 2, w, &rank) == 0);
    CHECK(rank == 1);
    CHECK_NEAR(w[0], 1, 1e-12);
    CHECK_NEAR(w[1], 1, 1e-12);
}

static double lasso_objective(const double *X, const double *y, int n, int p, double a,
                              const double *w)
{
    double rss = 0, l1 = 0;
    for (int i = 0; i < n; i++) {
        double res = y[i];
        for (int j = 0; j < p; j++)
            res -= X[j * n + i] * w[j];
        rss += res * res;
    }
    for (int j = 0; j < p; j++)
        l1 += fabs(w[j]);
    return rss / (2.0 * n) + a * l1;
}

static void lasso_objective_never_increases_over_sweeps(void)
{
    enum { N = 40, P = 6 };
    double X[N * P], y[N];
    struct rng r;
    rng_seed(&r, 21);
    for (int i = 0; i < N; i++) {
        double base = rng_normal(&r, 0, 1);
        for (int j = 0; j < P; j++)    /* correlated columns: CD needs many sweeps */
            X[j * N + i] = base + 0.3 * rng_normal(&r, 0, 1);
        y[i] = 3 * X[i] - 2 * X[N + i] + rng_normal(&r, 0, 0.5);
    }
    double prev = INFINITY, w[P];
    for (int k = 1; k <= 60; k++) {
        memset(w, 0, sizeof w);
        int it = 0;
        regress_lasso_cd(X, y, N, P, 0.01, w, k, 0, &it);
        CHECK(it == k);
        double obj = lasso_objective(X, y, N, P, 0.01, w);
        CHECK(obj <= prev + 1e-12);
        prev = obj;
    }
    /* and it converges with the default tolerance */
    memset(w, 0, sizeof w);
    CHECK(regress_lasso_cd(X, y, N, P, 0.01, w, 3000, 1e-4, NULL) == 1);
}

static void lasso_above_alpha_max_is_all_zero(void)
{
    double x[40], y[40];
    make_points(5, 40, 1, x, y);
    struct regress_spec s;
    regress_spec_default(&s, REGRESS_LASSO_CV, 4);
    struct regress_fit f;
    CHECK(regress_fit(&s, x, y, 40, &f) == 0);
    /* grid[0] is alpha_max: at it every weight is exactly zero ... */
    s.method = REGRESS_LASSO;
    s.alpha = f.grid[0];
    struct regress_fit g;
    CHECK(regress_fit(&s, x, y, 40, &g) == 0);
    for (int j = 0; j < 4; j++)
        CHECK(g.coef[j] == 0);
    double mean = 0;
    for (int i = 0; i < 40; i++)
        mean += y[i] / 40;
    CHECK_NEAR(g.intercept, mean, 1e-12);
    /* ... and just below it one is not */
    s.alpha = f.grid[0] * 0.9;
    CHECK(regress_fit(&s, x, y, 40, &g) == 0);
    int nonzero = 0;
    for (int j = 0; j < 4; j++)
        nonzero += g.coef[j] != 0;
    CHECK(nonzero >= 1);
}

static void lasso_cv_chooses_one_of_its_twenty_alphas(void)
{
    double x[45], y[45];
    make_points(7, 45, 1, x, y);
    struct regress_spec s;
    regress_spec_default(&s, REGRESS_LASSO_CV, 6);
    struct regress_fit f;
    CHECK(regress_fit(&s, x, y, 45, &f) == 0);
    CHECK(f.n_grid == 20);
    CHECK(f.alpha_index >= 0 && f.alpha_index < 20);
    CHECK(f.alpha == f.grid[f.alpha_index]);
    CHECK_NEAR(f.grid[19] / f.grid[0], 0.01, 1e-12);
    for (int a = 1; a < 20; a++) {
        CHECK(f.grid[a] < f.grid[a - 1]);
        CHECK(f.grid_score[a] >= f.grid_score[f.alpha_index]);
    }
    CHECK(f.converged);
}

static void ridge_cv_chooses_the_best_mean_r2(void)
{
    double x[50], y[50];
    make_points(11, 50, 2, x, y);
    struct regress_spec s;
    regress_spec_default(&s, REGRESS_RIDGE_CV, 9);
    struct regress_fit f;
    CHECK(regress_fit(&s, x, y, 50, &f) == 0);
    CHECK(f.n_grid == 4);
    CHECK(f.alpha_index >= 0 && f.alpha_index < 4);
    CHECK(f.alpha == s.alphas[f.alpha_index]);
    for (int a = 0; a < 4; a++)
        CHECK(f.grid_score[a] <= f.grid_score[f.alpha_index]);
    CHECK(f.grid_score[f.alpha_index] <= 1);
}

static void split_sizes_cover_every_index_once_and_repeat_with_the_seed(void)
{
    int tr[50], te[50], tr2[50], te2[50], ntr, nte, ntr2, nte2;
    struct rng r;
    rng_seed(&r, 55);
    CHECK(regress_split(&r, 50, 0.1, tr, &ntr, te, &nte) == 0);
    CHECK(nte == 5 && ntr == 45);
    int seen[50] = {0};
    for (int i = 0; i < ntr; i++)
        seen[tr[i]]++;
    for (int i = 0; i < nte; i++)
        seen[te[i]]++;
    for (int i = 0; i < 50; i++)
        CHECK(seen[i] == 1);
    rng_seed(&r, 55);
    CHECK(regress_split(&r, 50, 0.1, tr2, &ntr2, te2, &nte2) == 0);
    CHECK(memcmp(tr, tr2, sizeof(int) * 45) == 0 && memcmp(te, te2, sizeof(int) * 5) == 0);
    rng_seed(&r, 56);
    CHECK(regress_split(&r, 50, 0.1, tr2, &ntr2, te2, &nte2) == 0);
    CHECK(memcmp(te, te2, sizeof(int) * 5) != 0);
    /* ceil, as train_test_split: 0.25 of 50 is 12.5 -> 13 */
    CHECK(regress_split(&r, 50, 0.25, tr, &ntr, te, &nte) == 0);
    CHECK(nte == 13 && ntr == 37);
    capture_start();
    CHECK(regress_split(&r, 50, 0, tr, &ntr, te, &nte) < 0);
    CHECK(regress_split(&r, 1, 0.5, tr, &ntr, te, &nte) < 0);
    capture_end();
}

static void learning_curve_interpolates_small_sets_and_generalises_worse(void)
{
    double x[80], y[80];
    make_points(13, 80, 2, x, y);
    struct regress_spec s;
    regress_spec_default(&s, REGRESS_LEAST_SQUARES, 3);
    int sizes[4] = {4, 10, 30, 60};
    double tr[4], va[4];
    CHECK(regress_learning_curve(&s, x, y, 60, x + 60, y + 60, 20, sizes, 4, tr, va) == 0);
    CHECK(tr[0] < 1e-16);                   /* 4 points, 4 parameters: exact */
    CHECK(va[0] > va[3]);                   /* more data, a better model */
    CHECK(tr[3] < va[0]);
    for (int k = 1; k < 4; k++)
        CHECK(tr[k] > 0);
    /* the largest size equals a plain fit */
    struct regress_fit f;
    CHECK(regress_fit(&s, x, y, 60, &f) == 0);
    CHECK_NEAR(va[3], regress_fit_mse(&f, x + 60, y + 60, 20), 1e-12);
}

struct gen {
    double sd;
};

static int gen_sample(void *ctx, struct rng *r, double *x, double *y, int n)
{
    const struct gen *g = ctx;
    for (int i = 0; i < n; i++) {
        x[i] = rng_range(r, -3, 2);
        y[i] = curve(x[i]) + rng_normal(r, 0, g->sd);
    }
    return 0;
}

static double gen_truth(void *ctx, double x)
{
    (void)ctx;
    return curve(x);
}

/* E[(y - f(x))^2] over fresh training sets and fresh noise equals
 * bias^2 + variance + sd^2, measured independently by Monte Carlo. */
static void bias_squared_plus_variance_plus_noise_is_the_expected_error(void)
{
    struct gen g = {1.5};
    struct regress_spec s;
    double xq[3] = {-2, 0, 1}, mean[3], b2[3], var[3];
    for (int degree = 1; degree <= 5; degree += 4) {
        regress_spec_default(&s, REGRESS_LEAST_SQUARES, degree);
        struct rng r;
        rng_seed(&r, 100 + degree);
        CHECK(regress_bias_variance(&s, gen_sample, gen_truth, &g, &r, 40, 4000, xq, 3, mean,
                                    b2, var) == 0);
        /* independent check: new training sets and new noisy targets */
        struct rng r2;
        rng_seed(&r2, 999);
        double err[3] = {0}, xs[40], ys[40];
        int rounds = 4000;
        for (int k = 0; k < rounds; k++) {
            struct regress_fit f;
            gen_sample(&g, &r2, xs, ys, 40);
            CHECK(regress_fit(&s, xs, ys, 40, &f) == 0);
            for (int q = 0; q < 3; q++) {
                double t = curve(xq[q]) + rng_normal(&r2, 0, g.sd) - regress_predict(&f, xq[q]);
                err[q] += t * t / rounds;
            }
        }
        for (int q = 0; q < 3; q++) {
            double want = b2[q] + var[q] + g.sd * g.sd;
            CHECK_NEAR(err[q], want, 0.08 * want);
            CHECK(var[q] > 0);
        }
    }
    /* a straight line through the curve's bends is biased; degree 5 hardly */
    regress_spec_default(&s, REGRESS_LEAST_SQUARES, 1);
    struct rng r;
    rng_seed(&r, 3);
    CHECK(regress_bias_variance(&s, gen_sample, gen_truth, &g, &r, 30, 200, xq, 3, mean, b2,
                                var) == 0);
    double b_line = b2[0] + b2[1] + b2[2];
    regress_spec_default(&s, REGRESS_LEAST_SQUARES, 5);
    CHECK(regress_bias_variance(&s, gen_sample, gen_truth, &g, &r, 30, 200, xq, 3, mean, b2,
                                var) == 0);
    CHECK(b2[0] + b2[1] + b2[2] < 0.2 * b_line);
}

static void bad_specs_are_refused(void)
{
    double x[10], y[10];
    make_points(1, 10, 1, x, y);
    struct regress_spec s;
    struct regress_fit f;
    capture_start();
    regress_spec_default(&s, REGRESS_LEAST_SQUARES, 13);
    CHECK(regress_fit(&s, x, y, 10, &f) < 0);
    regress_spec_default(&s, REGRESS_LASSO_CV, 2);
    s.folds = 11;
    CHECK(regress_fit(&s, x, y, 10, &f) < 0);
    regress_spec_default(&s, REGRESS_RIDGE, 2);
    s.alpha = -1;
    CHECK(regress_fit(&s, x, y, 10, &f) < 0);
    s.alpha = NAN;
    CHECK(regress_fit(&s, x, y, 10, &f) < 0);
    regress_spec_default(&s, REGRESS_LASSO_CV, 2);
    s.lasso_eps = 1;
    CHECK(regress_fit(&s, x, y, 10, &f) < 0);
    regress_spec_default(&s, REGRESS_LEAST_SQUARES, 2);
    y[3] = INFINITY;
    CHECK(regress_fit(&s, x, y, 10, &f) < 0);
    CHECK(strstr(capture_text(), "degree must be 1..12, not 13") != NULL);
    CHECK(strstr(capture_text(), "2..10 folds for 10 points, not 11") != NULL);
    CHECK(strstr(capture_text(), "point 3 is not finite") != NULL);
    capture_end();
}

/* ---- --reference: our numbers for tests/regress_reference.py ------------- */

static void print_array(const char *name, const double *v, int n, const char *end)
{
    printf("\"%s\": [", name);
    for (int i = 0; i < n; i++)
        printf("%s%.17g", i ? ", " : "", v[i]);
    printf("]%s", end);
}

static void print_fit(const char *name, const struct regress_spec *s, const double *x,
                      const double *y, int n, const double *xt, const double *yt, int nt)
{
    struct regress_fit f;
    if (regress_fit(s, x, y, n, &f) < 0)
        exit(1);
    printf("    \"%s\": {", name);
    print_array("coef", f.coef, f.degree, ", ");
    printf("\"intercept\": %.17g, \"alpha\": %.17g, \"alpha_index\": %d, ", f.intercept, f.alpha,
           f.alpha_index);
    print_array("grid", f.grid, f.n_grid, ", ");
    print_array("grid_score", f.grid_score, f.n_grid, ", ");
    printf("\"r2_train\": %.17g, \"r2_test\": %.17g, \"mse_test\": %.17g}",
           regress_score(&f, x, y, n), regress_score(&f, xt, yt, nt),
           regress_fit_mse(&f, xt, yt, nt));
}

static int reference(void)
{
    /* three sets: the widgets' curve with noise at degree 3 and 6, and a
     * small hand-written one at degree 2 */
    static const double hx[14] = {-1.9, -1.4, -1.1, -0.6, -0.2, 0.1, 0.4, 0.8, 1.3, 1.7,
                                  -1.0, 0.0, 0.9, 1.5};
    static const double hy[14] = {4.1, 2.2, 1.9, 0.3, 0.6, -0.2, 0.4, 1.1, 2.9, 4.6,
                                  1.4, 0.1, 1.0, 3.6};
    double ax[50], ay[50], bx[40], by[40];
    make_points(2026, 50, 1.0, ax, ay);
    make_points(77, 40, 3.0, bx, by);
    struct {
        const char *name;
        const double *x, *y;
        int n, n_test, degree;
    } sets[3] = {
        {"curve-degree-3", ax, ay, 50, 10, 3},
        {"curve-degree-6", bx, by, 40, 8, 6},
        {"hand-degree-2", hx, hy, 14, 4, 2},
    };
    printf("{\"sets\": [\n");
    for (int k = 0; k < 3; k++) {
        int n = sets[k].n - sets[k].n_test;
        const double *x = sets[k].x, *y = sets[k].y, *xt = x + n, *yt = y + n;
        printf("  {\"name\": \"%s\", \"degree\": %d, ", sets[k].name, sets[k].degree);
        print_array("x", x, n, ", ");
        print_array("y", y, n, ", ");
        print_array("x_test", xt, sets[k].n_test, ", ");
        print_array("y_test", yt, sets[k].n_test, ",\n");
        for (int norm = 1; norm >= 0; norm--) {
            static const enum regress_method m[5] = {REGRESS_LEAST_SQUARES, REGRESS_RIDGE,
                                                     REGRESS_LASSO, REGRESS_RIDGE_CV,
                                                     REGRESS_LASSO_CV};
            static const char *names[5] = {"lstsq", "ridge", "lasso", "ridge_cv", "lasso_cv"};
            printf("   \"%s\": {\n", norm ? "normalize" : "plain");
            for (int j = 0; j < 5; j++) {
                struct regress_spec s;
                regress_spec_default(&s, m[j], sets[k].degree);
                s.normalize = norm;
                s.alpha = norm ? 0.05 : 0.5;
                print_fit(names[j], &s, x, y, n, xt, yt, sets[k].n_test);
                printf("%s\n", j < 4 ? "," : "");
            }
            printf("   }%s\n", norm ? "," : "");
        }
        printf("  }%s\n", k < 2 ? "," : "");
    }
    printf("]}\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--reference") == 0)
        return reference();
    RUN(r2_of_a_perfect_fit_is_one);
    RUN(r2_of_the_mean_is_zero_and_constant_targets_follow_sklearn);
    RUN(ridge_with_zero_alpha_equals_least_squares);
    RUN(ridge_solution_is_stationary);
    RUN(least_squares_of_dependent_columns_is_the_minimum_norm_one);
    RUN(lasso_objective_never_increases_over_sweeps);
    RUN(lasso_above_alpha_max_is_all_zero);
    RUN(lasso_cv_chooses_one_of_its_twenty_alphas);
    RUN(ridge_cv_chooses_the_best_mean_r2);
    RUN(split_sizes_cover_every_index_once_and_repeat_with_the_seed);
    RUN(learning_curve_interpolates_small_sets_and_generalises_worse);
    RUN(bias_squared_plus_variance_plus_noise_is_the_expected_error);
    RUN(bad_specs_are_refused);
    return CHECK_SUMMARY();
}
