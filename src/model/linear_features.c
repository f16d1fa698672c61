/* model linear-features: y = w . x + b over all of the data's d feature
 * columns, with mean squared error: the multi-feature sibling of `linear`
 * (which is one x). It is the model of the feature lessons: the `subsets`
 * trainer fits it by least squares on chosen columns (the others' weights
 * stay 0) and scores each choice by its held-out error; it has a gradient,
 * so `gd` can train it too.
 *
 * Sums are plain, as in `linear`, unless they overflow; then the mean is
 * taken with scaled terms so a diverging run is recorded to its last
 * finite step. */
#include <math.h>
#include <stddef.h>
#include "model.h"

struct linear_features_opts {
    struct param_numbers w;
    double b;
};

static const struct param_spec linear_features_params[] = {
    {.name = "w", .type = PARAM_NUMBERS, .offset = offsetof(struct linear_features_opts, w),
     .doc = "initial weights, one per feature (default: all 0)"},
    {.name = "b", .type = PARAM_DOUBLE, .offset = offsetof(struct linear_features_opts, b),
     .def = "0", .doc = "initial bias (intercept)"},
    {0},
};

/* One weight per feature; 1 when the data failed to load, so the layout
 * (and the channels templates are checked against) still exists. */
static int nweights(const struct dataset *d)
{
    return d && d->d >= 1 ? d->d : 1;
}

static int linear_features_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    (void)o;
    b[0] = (struct model_block){.name = "w", .rows = 1, .cols = nweights(d)};
    b[1] = (struct model_block){.name = "b", .rows = 1, .cols = 1};
    return 2;
}

static void linear_features_init(const void *o, const struct dataset *d, double *theta)
{
    const struct linear_features_opts *opt = o;
    int n = nweights(d);
    /* check() refuses a w of another length whenever the data loaded. */
    for (int j = 0; j < n; j++)
        theta[j] = j < opt->w.n ? opt->w.v[j] : 0;
    theta[n] = opt->b;
}

/* The residual w . x_i + b - y_i of row i. */
static double residual(const double *theta, const struct dataset *d, int i)
{
    double e = theta[d->d] - d->y[i];
    for (int j = 0; j < d->d; j++)
        e += theta[j] * dataset_x(d, i, j);
    return e;
}

static double linear_features_loss(const void *o, const double *theta, const struct dataset *d)
{
    (void)o;
    if (d->n <= 0 || !d->y)
        return NAN;
    double sum = 0;
    for (int i = 0; i < d->n; i++) {
        double e = residual(theta, d, i);
        sum += e * e;
    }
    if (isfinite(sum))
        return sum / d->n;
    struct sqmean m = {0};
    for (int i = 0; i < d->n; i++)
        sqmean_add(&m, residual(theta, d, i));
    return sqmean_value(&m);
}

/* d/dw_j mean(e^2) = 2 mean(e x_j); d/db = 2 mean(e). */
static void linear_features_grad(const void *o, const double *theta, const struct dataset *d,
                                 double *g)
{
    (void)o;
    int p = d->d;
    for (int j = 0; j <= p; j++)
        g[j] = 0;
    if (d->n <= 0 || !d->y)
        return;
    for (int i = 0; i < d->n; i++) {
        double e = residual(theta, d, i) / d->n;    /* divided first: no overflow of the sum */
        for (int j = 0; j < p; j++)
            g[j] += 2 * e * dataset_x(d, i, j);
        g[p] += 2 * e;
    }
}

static int linear_features_check(const void *o, const struct snode *node, const struct dataset *d)
{
    const struct linear_features_opts *opt = o;
    int errors = 0;
    if (d->n > 0 && !d->y) {
        const struct snode *v = snode_get(node, "kind");
        diag_error(v ? &v->loc : node ? &node->loc : NULL,
                   "model 'linear-features' predicts a target: the data needs a 'y' column");
        errors++;
    }
    if (opt->w.n && d->n > 0 && opt->w.n != d->d) {
        const struct snode *v = snode_get(node, "w");
        diag_error(v ? &v->loc : node ? &node->loc : NULL,
                   "'w' in model 'linear-features' must give one initial weight per feature: "
                   "the data has %d feature%s (got %d number%s)",
                   d->d, d->d == 1 ? "" : "s", opt->w.n, opt->w.n == 1 ? "" : "s");
        errors++;
    }
    return errors ? -1 : 0;
}

const struct model_kind model_linear_features = {
    .head = {.name = "linear-features",
             .summary = "y = w . x + b over all the data's feature columns, mean squared error",
             .params = linear_features_params,
             .opts_size = sizeof(struct linear_features_opts),
             .provides = (const char *const[]){"gradient", "linear-features", NULL},
             .requires = (const char *const[]){"data", NULL}},
    .loss_label = "MSE",
    .layout = linear_features_layout,
    .init = linear_features_init,
    .loss = linear_features_loss,
    .grad = linear_features_grad,
    .check = linear_features_check,
};
