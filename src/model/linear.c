/* model linear: y = w*x + b with mean squared error, the model of the
 * line-fitting lessons and of the single neuron with identity activation.
 *
 * Sums are plain (so results are the textbook's to the last bit) unless
 * they overflow; then the mean is taken with scaled terms, so a loss or
 * gradient that a double can hold is represented and a diverging run is
 * recorded to its last finite step. */
#include <math.h>
#include <stddef.h>
#include "model.h"

struct linear_opts {
    double w, b;
};

static const struct param_spec linear_params[] = {
    {.name = "w", .type = PARAM_DOUBLE, .offset = offsetof(struct linear_opts, w), .def = "0",
     .doc = "initial weight (slope)"},
    {.name = "b", .type = PARAM_DOUBLE, .offset = offsetof(struct linear_opts, b), .def = "0",
     .doc = "initial bias (intercept)"},
    {0},
};

static int linear_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    b[0] = (struct model_block){"w", 1, 1};
    b[1] = (struct model_block){"b", 1, 1};
    return 2;
}

static void linear_init(const void *o, const struct dataset *d, double *theta)
{
    const struct linear_opts *opt = o;
    theta[0] = opt->w;
    theta[1] = opt->b;
}

static double linear_loss(const void *o, const double *theta, const struct dataset *d)
{
    double sum = 0;
    for (int i = 0; i < d->n; i++) {
        double e = theta[0] * d->x[i] + theta[1] - d->y[i];
        sum += e * e;
    }
    if (isfinite(sum))
        return sum / d->n;
    struct sqmean m = {0};
    for (int i = 0; i < d->n; i++)
        sqmean_add(&m, theta[0] * d->x[i] + theta[1] - d->y[i]);
    return sqmean_value(&m);
}

/* d/dw mean((w x + b - y)^2) = 2 mean(e x); d/db = 2 mean(e). */
static void linear_grad(const void *o, const double *theta, const struct dataset *d, double *g)
{
    double gw = 0, gb = 0;
    for (int i = 0; i < d->n; i++) {
        double e = theta[0] * d->x[i] + theta[1] - d->y[i];
        gw += e * d->x[i];
        gb += e;
    }
    if (isfinite(gw) && isfinite(gb)) {
        g[0] = 2 * gw / d->n;
        g[1] = 2 * gb / d->n;
        return;
    }
    /* The sums overflowed: add the terms already divided by n. */
    gw = gb = 0;
    for (int i = 0; i < d->n; i++) {
        double e = theta[0] * d->x[i] + theta[1] - d->y[i];
        gw += e / d->n * d->x[i];
        gb += e / d->n;
    }
    g[0] = 2 * gw;
    g[1] = 2 * gb;
}

static double linear_predict(const void *o, const double *theta, double x)
{
    return theta[0] * x + theta[1];
}

const struct model_kind model_linear = {
    .head = {.name = "linear",
             .summary = "y = w*x + b, mean squared error (also: one neuron, identity activation)",
             .params = linear_params, .opts_size = sizeof(struct linear_opts),
             .provides = (const char *const[]){"gradient", "predict-1d", "line-mse", "neuron-1d", NULL},
             .requires = (const char *const[]){"data-1d", NULL}},
    .loss_label = "MSE",
    .layout = linear_layout,
    .init = linear_init,
    .loss = linear_loss,
    .grad = linear_grad,
    .predict = linear_predict,
};
