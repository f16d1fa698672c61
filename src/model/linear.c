/* model linear: y = w*x + b with mean squared error, the model of the
 * line-fitting lessons and of the single neuron with identity activation. */
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

static const char *const linear_names[] = {"w", "b"};

static void linear_init(const void *o, double *theta)
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
    return sum / d->n;
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
    g[0] = 2 * gw / d->n;
    g[1] = 2 * gb / d->n;
}

static double linear_predict(const void *o, const double *theta, double x)
{
    return theta[0] * x + theta[1];
}

const struct model_kind model_linear = {
    .name = "linear",
    .summary = "y = w*x + b, mean squared error (also: one neuron, identity activation)",
    .params = linear_params,
    .opts_size = sizeof(struct linear_opts),
    .nparams = 2,
    .param_names = linear_names,
    .needs_data = 1,
    .loss_label = "MSE",
    .init = linear_init,
    .loss = linear_loss,
    .grad = linear_grad,
    .predict = linear_predict,
};
