/* trainer learning-curve: the training and validation error of a
 * polynomial model as its training set grows, the diagnosis "does more data
 * help?". The scene's data is the population: each repeat shuffles its rows
 * (from the data's seed), holds the first `validation` rows out and trains
 * on the first sizes[k] of the rest, growing, through regress_learning_curve
 * (src/regress.h). Record k is size sizes[k]: the errors averaged over the
 * repeats (the mean, or the median, which a few exploding fits of a
 * flexible model on a handful of points cannot drag up by orders of
 * magnitude), and as the model's parameters the fit of the first repeat at
 * that size, so a data-fit panel can show one of the curves measured.
 *
 * The shuffles depend only on the data and its seed, never on the model:
 * two runs on the same data (a stiff and a flexible model, say) are
 * measured on exactly the same splits. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "regress.h"
#include "resample.h"
#include "trainer.h"
#include "util.h"

#define LC_MAX_SIZES 64         /* param's NUMBERS hold at most 64 values */

enum lc_average { LC_MEAN, LC_MEDIAN };
static const char *const lc_averages[] = {"mean", "median", NULL};

struct lc_opts {
    struct param_numbers sizes;
    int validation, repeats, average;
};

static const struct param_spec lc_params[] = {
    {.name = "sizes", .type = PARAM_NUMBERS, .offset = offsetof(struct lc_opts, sizes),
     .def = "10,20,30,40,50,75,100", .ranged = 1, .lo = 2, .hi = 1000000,
     .doc = "training-set sizes, whole numbers in increasing order (one record each)"},
    {.name = "validation", .type = PARAM_INT, .offset = offsetof(struct lc_opts, validation),
     .def = "100", .ranged = 1, .lo = 1, .hi = 1000000,
     .doc = "rows held out to measure the validation error (the rest are drawn for training)"},
    {.name = "repeats", .type = PARAM_INT, .offset = offsetof(struct lc_opts, repeats),
     .def = "10", .ranged = 1, .lo = 1, .hi = 500,
     .doc = "shuffles of the data the errors are averaged over"},
    {.name = "average", .type = PARAM_ENUM, .offset = offsetof(struct lc_opts, average),
     .def = "mean", .choices = lc_averages,
     .doc = "how the repeats' errors are combined: mean (scikit-learn's) or median"},
    {0},
};

static const char *const lc_channels[] = {"n", "mse_train", "mse_val", "gap", "n_val",
                                          "repeats", "degree", NULL};

static long long lc_max_steps(const void *o)
{
    const struct lc_opts *opt = o;
    return opt->sizes.n > 0 ? opt->sizes.n - 1 : 0;
}

static int lc_check(const void *o, const struct snode *node)
{
    const struct lc_opts *opt = o;
    const struct snode *v = snode_get(node, "sizes");
    const struct diag_loc *at = v ? &v->loc : &node->loc;
    for (int k = 0; k < opt->sizes.n; k++) {
        double s = opt->sizes.v[k];
        const struct diag_loc *item = v && v->type == SNODE_SEQ && k < v->n ? &v->vals[k]->loc : at;
        if (s != floor(s)) {
            diag_error(item, "item %d of 'sizes' in trainer 'learning-curve' must be a whole "
                       "number of rows, not %g", k + 1, s);
            return -1;
        }
        if (k > 0 && s <= opt->sizes.v[k - 1]) {
            diag_error(item, "'sizes' of trainer 'learning-curve' must increase: %g follows %g",
                       s, opt->sizes.v[k - 1]);
            return -1;
        }
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    /* NaN last, so a median of mostly finite values is finite. */
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

/* The mean or median of v[0..n) (v is reordered). */
static double lc_combine(int average, double *v, int n)
{
    if (average == LC_MEAN) {
        double s = 0;
        for (int i = 0; i < n; i++)
            s += v[i];
        return s / n;
    }
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

extern const struct model_kind model_polynomial;

/* What lc_run would refuse about the data and the model, located before
 * anything runs: enough rows for the validation set and the largest
 * training set, and as many rows in the smallest as a CV model's folds. */
static int lc_check_data(const void *o, const struct snode *node, const struct dataset *d,
                         const struct run *r)
{
    const struct lc_opts *opt = o;
    int ns = opt->sizes.n, nv = opt->validation;
    if (ns < 1 || ns > LC_MAX_SIZES)
        return 0;       /* the param table and lc_check report it */
    const struct snode *sv = snode_get(node, "sizes"), *vv = snode_get(node, "validation");
    int maxn = (int)opt->sizes.v[ns - 1];
    if ((long long)d->n < (long long)nv + maxn) {
        diag_error(vv ? &vv->loc : sv ? &sv->loc : &node->loc,
                   "trainer 'learning-curve' holds %d rows out for validation and trains on up "
                   "to %d: the data needs %lld rows, not %d (raise the data's n, or lower "
                   "'validation' or 'sizes')", nv, maxn, (long long)nv + maxn, d->n);
        return -1;
    }
    if (r && r->model == &model_polynomial && r->model_opts) {
        struct regress_spec spec;
        polynomial_regress_spec(r->model_opts, &spec);
        if ((spec.method == REGRESS_RIDGE_CV || spec.method == REGRESS_LASSO_CV) &&
            spec.folds > (int)opt->sizes.v[0]) {
            const struct diag_loc *at = sv ? &sv->loc : &node->loc;
            if (sv && sv->type == SNODE_SEQ && sv->n > 0)
                at = &sv->vals[0]->loc;
            diag_error(at, "trainer 'learning-curve': %g training rows cannot make %d folds "
                       "(raise the first of 'sizes' or lower the model's folds)",
                       opt->sizes.v[0], spec.folds);
            return -1;
        }
    }
    return 0;
}

static int lc_run(const void *o, const struct run *run, const struct trainer_input *in,
                  struct trace *t)
{
    const struct lc_opts *opt = o;
    const struct dataset *d = in->data;
    int ns = opt->sizes.n, nv = opt->validation, reps = opt->repeats;
    if (ns < 1 || ns > LC_MAX_SIZES)
        return diag_fail("trainer 'learning-curve' needs 1 to %d sizes, not %d", LC_MAX_SIZES, ns);
    int maxn = (int)opt->sizes.v[ns - 1];
    if (d->n < nv + maxn)
        return diag_fail("trainer 'learning-curve' holds %d rows out for validation and trains "
                         "on up to %d: the data needs %d rows, not %d (raise the data's n, or "
                         "lower 'validation' or 'sizes')", nv, maxn, nv + maxn, d->n);
    struct regress_spec spec;
    polynomial_regress_spec(run->model_opts, &spec);
    if ((spec.method == REGRESS_RIDGE_CV || spec.method == REGRESS_LASSO_CV) &&
        spec.folds > (int)opt->sizes.v[0])
        return diag_fail("trainer 'learning-curve': %g training rows cannot make %d folds (raise "
                         "the first of 'sizes' or lower the model's folds)", opt->sizes.v[0],
                         spec.folds);

    int sizes[LC_MAX_SIZES];
    for (int k = 0; k < ns; k++)
        sizes[k] = (int)opt->sizes.v[k];
    size_t nr = (size_t)reps * (size_t)ns;
    double *trm = xmalloc(sizeof(double) * nr), *vam = xmalloc(sizeof(double) * nr);
    double *xs = xmalloc(sizeof(double) * (size_t)(nv + maxn));
    double *ys = xmalloc(sizeof(double) * (size_t)(nv + maxn));
    double *first = xmalloc(sizeof(double) * 2 * (size_t)maxn);   /* repeat 0's training rows */
    double *tmp = xmalloc(sizeof(double) * (size_t)reps);
    int *perm = xmalloc(sizeof(int) * (size_t)d->n);
    struct rng r;
    rng_seed(&r, in->seed);
    resample_init(perm, d->n);
    int rc = 0;
    for (int rep = 0; rc == 0 && rep < reps; rep++) {
        resample_draw(&r, perm, d->n, nv + maxn);
        /* Validation rows first, then the training rows in drawn order. */
        for (int i = 0; i < nv + maxn; i++) {
            xs[i] = d->x[perm[i]];
            ys[i] = d->y[perm[i]];
        }
        if (rep == 0) {
            memcpy(first, xs + nv, sizeof(double) * (size_t)maxn);
            memcpy(first + maxn, ys + nv, sizeof(double) * (size_t)maxn);
        }
        rc = regress_learning_curve(&spec, xs + nv, ys + nv, maxn, xs, ys, nv, sizes, ns,
                                    trm + (size_t)rep * ns, vam + (size_t)rep * ns);
        if (rc == 0 && rep + 1 < reps && interrupt_requested())
            rc = diag_fail("interrupted while measuring a learning curve, at repeat %d", rep);
    }

    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");
    for (int k = 0; rc == 0 && k < ns; k++) {
        struct regress_fit f;
        if (regress_fit(&spec, first, first + maxn, sizes[k], &f) != 0) {
            rc = -1;
            break;
        }
        double *row = trace_append(t);
        row[0] = k;
        double *theta = row + c_theta;
        for (int j = 0; j < spec.degree; j++)
            theta[j] = f.coef[j];
        theta[spec.degree] = f.intercept;
        row[c_loss] = regress_fit_mse(&f, first, first + maxn, sizes[k]);
        for (int rep = 0; rep < reps; rep++)
            tmp[rep] = trm[(size_t)rep * ns + k];
        double tr = lc_combine(opt->average, tmp, reps);
        for (int rep = 0; rep < reps; rep++)
            tmp[rep] = vam[(size_t)rep * ns + k];
        double va = lc_combine(opt->average, tmp, reps);
        row[trace_offset(t, "n")] = sizes[k];
        row[trace_offset(t, "mse_train")] = tr;
        row[trace_offset(t, "mse_val")] = va;
        row[trace_offset(t, "gap")] = va - tr;
        row[trace_offset(t, "n_val")] = nv;
        row[trace_offset(t, "repeats")] = reps;
        row[trace_offset(t, "degree")] = spec.degree;
    }
    if (rc == 0)
        trace_stop(t, "end", ns - 1);
    free(trm);
    free(vam);
    free(xs);
    free(ys);
    free(first);
    free(tmp);
    free(perm);
    return rc;
}

const struct trainer_kind trainer_learning_curve = {
    .head = {.name = "learning-curve",
             .summary = "training and validation error of a polynomial model as the training set "
                        "grows, averaged over shuffles of the data",
             .params = lc_params, .opts_size = sizeof(struct lc_opts),
             .requires = (const char *const[]){"polynomial-fit", NULL}},
    .channels = lc_channels,
    .run = lc_run,
    .max_steps = lc_max_steps,
    .check = lc_check,
    .check_data = lc_check_data,
};
