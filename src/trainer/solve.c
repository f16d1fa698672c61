/* trainer solve: fits a polynomial model in one step with its own solver
 * (least squares and ridge by QR, LASSO by coordinate descent, the CV
 * variants by k-fold search; src/regress.c) on a seeded train/test split
 * of the data, the way the regression widgets call train_test_split and
 * then fit. Record 0 is the model before the fit (the zero polynomial),
 * record 1 the fit with its scores: what a sweep over the degree or the
 * penalty shows at each value.
 *
 * The split is a permutation of the rows drawn from the dataset's own seed
 * (so it follows the scene's seed and is the same for every run on the
 * same data, whatever the degree or method): its first ceil(n *
 * test_fraction) rows are the test set, the rest the training set in
 * permutation order, as scikit-learn's train_test_split orders them (which
 * matters: cross-validation folds are contiguous blocks of that order).
 * Panels get the same split from solve_split(). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "regress.h"
#include "trainer.h"
#include "util.h"

struct solve_opts {
    double test_fraction;
};

static const struct param_spec solve_params[] = {
    {.name = "test_fraction", .type = PARAM_DOUBLE,
     .offset = offsetof(struct solve_opts, test_fraction), .def = "0", .ranged = 1, .lo = 0,
     .hi = 0.9,
     .doc = "share of the rows held out as the test set (ceil(n * fraction) rows; 0: fit "
            "on all rows, no test scores)"},
    {0},
};

/* method is the model's method as a number, in the order of its choices:
 * 0 least-squares, 1 ridge, 2 lasso, 3 ridge-cv, 4 lasso-cv. */
static const char *const solve_channels[] = {"degree", "method", "alpha", "r2_train", "r2_test",
                                             "mse_train", "mse_test", "n_train", "n_test",
                                             "rss", "penalty", "objective", "iterations", NULL};

static long long solve_max_steps(const void *o)
{
    (void)o;
    return 1;
}

extern const struct trainer_kind trainer_solve;
extern const struct model_kind model_polynomial;

/* The split as index lists (train, test: room for d->n each). */
static int split_rows(const struct solve_opts *opt, const struct dataset *d, int *train,
                      int *ntrain, int *test, int *ntest)
{
    if (opt->test_fraction == 0) {
        for (int i = 0; i < d->n; i++)
            train[i] = i;
        *ntrain = d->n;
        *ntest = 0;
        return 0;
    }
    struct rng r;
    rng_seed(&r, d->seed);
    return regress_split(&r, d->n, opt->test_fraction, train, ntrain, test, ntest);
}

int solve_split(const struct run *r, const struct dataset *d, unsigned char *is_test)
{
    if (r->trainer != &trainer_solve || d->n == 0)
        return -1;
    int *train = xmalloc(sizeof(int) * (size_t)d->n), *test = xmalloc(sizeof(int) * (size_t)d->n);
    int ntrain = 0, ntest = 0;
    int rc = split_rows(r->trainer_opts, d, train, &ntrain, test, &ntest);
    for (int i = 0; rc == 0 && i < d->n; i++)
        is_test[i] = 0;
    for (int i = 0; rc == 0 && i < ntest; i++)
        is_test[test[i]] = 1;
    free(train);
    free(test);
    return rc < 0 ? -1 : ntest;
}

/* The split must leave rows on both sides, and a cross-validating model
 * needs as many training rows as folds: refused where test_fraction is,
 * before anything runs (regress_split and solve_run would only fail). */
static int solve_check_data(const void *o, const struct snode *node, const struct dataset *d,
                            const struct run *r)
{
    const struct solve_opts *opt = o;
    const struct snode *v = snode_get(node, "test_fraction");
    const struct diag_loc *loc = v ? &v->loc : &node->loc;
    int n = d->n, ntest = opt->test_fraction > 0 ? (int)ceil(opt->test_fraction * n) : 0;
    if (n < 2) {
        diag_error(&node->loc, "trainer 'solve' needs at least 2 data rows, not %d", n);
        return -1;
    }
    if (ntest >= n) {
        diag_error(loc, "'test_fraction' in trainer 'solve': %g of %d data rows leaves no "
                   "training rows (ceil(n * fraction) = %d are the test set)",
                   opt->test_fraction, n, ntest);
        return -1;
    }
    if (r && r->model == &model_polynomial && r->model_opts) {
        struct regress_spec spec;
        polynomial_regress_spec(r->model_opts, &spec);
        if ((spec.method == REGRESS_RIDGE_CV || spec.method == REGRESS_LASSO_CV) &&
            spec.folds > n - ntest && spec.folds <= n) {
            diag_error(loc, "trainer 'solve': %d training rows cannot make %d folds (lower "
                       "test_fraction or the model's folds)", n - ntest, spec.folds);
            return -1;
        }
    }
    return 0;
}

static int solve_run(const void *o, const struct run *run, const struct trainer_input *in,
                     struct trace *t)
{
    const struct solve_opts *opt = o;
    const struct dataset *d = in->data;
    const struct model_kind *m = run->model;
    int n = d->n, ntrain = 0, ntest = 0;
    if (n < 2)
        return diag_fail("trainer 'solve' needs at least 2 data rows, not %d", n);
    int *train = xmalloc(sizeof(int) * (size_t)n), *test = xmalloc(sizeof(int) * (size_t)n);
    double *x = xmalloc(sizeof(double) * (size_t)n), *y = xmalloc(sizeof(double) * (size_t)n);
    int rc = split_rows(opt, d, train, &ntrain, test, &ntest);
    /* Training rows first, then the test rows: x + ntrain is the test set. */
    for (int i = 0; rc == 0 && i < ntrain; i++)
        x[i] = d->x[train[i]], y[i] = d->y[train[i]];
    for (int i = 0; rc == 0 && i < ntest; i++)
        x[ntrain + i] = d->x[test[i]], y[ntrain + i] = d->y[test[i]];

    struct regress_spec spec;
    struct regress_fit f;
    polynomial_regress_spec(run->model_opts, &spec);
    if (rc == 0 && (spec.method == REGRESS_RIDGE_CV || spec.method == REGRESS_LASSO_CV) &&
        spec.folds > ntrain)
        rc = diag_fail("trainer 'solve': %d training rows cannot make %d folds (lower "
                       "test_fraction or the model's folds)", ntrain, spec.folds);
    if (rc == 0)
        rc = regress_fit(&spec, x, y, ntrain, &f);

    int deg = spec.degree;
    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");
    for (int rec = 0; rc == 0 && rec < 2; rec++) {
        double *row = trace_append(t);
        row[0] = rec;
        row[trace_offset(t, "degree")] = deg;
        row[trace_offset(t, "method")] = spec.method;
        row[trace_offset(t, "n_train")] = ntrain;
        row[trace_offset(t, "n_test")] = ntest;
        double *theta = row + c_theta;
        if (rec == 0) {
            m->init(run->model_opts, d, theta);
        } else {
            for (int j = 0; j < deg; j++)
                theta[j] = f.coef[j];
            theta[deg] = f.intercept;
            row[trace_offset(t, "alpha")] = f.alpha;
            row[trace_offset(t, "r2_train")] = regress_score(&f, x, y, ntrain);
            row[trace_offset(t, "mse_train")] = regress_fit_mse(&f, x, y, ntrain);
            if (ntest > 0) {
                row[trace_offset(t, "r2_test")] = regress_score(&f, x + ntrain, y + ntrain, ntest);
                row[trace_offset(t, "mse_test")] = regress_fit_mse(&f, x + ntrain, y + ntrain,
                                                                   ntest);
            }
            row[trace_offset(t, "rss")] = f.rss;
            row[trace_offset(t, "penalty")] = f.penalty;
            /* What the solver minimised (see regress.h). */
            int lasso = spec.method == REGRESS_LASSO || spec.method == REGRESS_LASSO_CV;
            row[trace_offset(t, "objective")] = (lasso ? f.rss / (2.0 * ntrain) : f.rss) + f.penalty;
            row[trace_offset(t, "iterations")] = f.n_iter;
        }
        /* The model's loss on the training rows. */
        double sum = 0;
        for (int i = 0; i < ntrain; i++) {
            double e = m->predict(run->model_opts, theta, x[i]) - y[i];
            sum += e * e;
        }
        row[c_loss] = sum / ntrain;
    }
    if (rc == 0)
        trace_stop(t, "converged", 1);
    free(train);
    free(test);
    free(x);
    free(y);
    return rc;
}

const struct trainer_kind trainer_solve = {
    .head = {.name = "solve",
             .summary = "fits a polynomial model in one step (QR least squares or ridge, lasso "
                        "by coordinate descent, CV) on a seeded train/test split; records R^2 "
                        "and MSE of both sets",
             .params = solve_params, .opts_size = sizeof(struct solve_opts),
             .provides = (const char *const[]){"train-test-split", NULL},
             .requires = (const char *const[]){"polynomial-fit", NULL}},
    .channels = solve_channels,
    .run = solve_run,
    .max_steps = solve_max_steps,
    .check_data = solve_check_data,
};
