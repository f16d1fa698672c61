/* data polynomial: the curve of the interactive regression widgets (WID in
 * ORIGINALS.md, poly-data), y = 2x - 0.6x^2 + 0.2x^3 + 18 sin x, sampled
 * as the original does and with its noise: one feature and a target, for
 * fitting polynomials of growing degree. */
#include <math.h>
#include <stddef.h>
#include "data.h"

struct polynomial_opts {
    int n;
    struct param_numbers x_range;
    double noise;                   /* magnitude */
    double noise_mean, noise_sd;
};

/* The defaults are the widgets' own: N 50, x_min -3, x_max 2,
 * noise_magnitude 2, noise_mean 0, noise_sd 0.5. */
static const struct param_spec polynomial_params[] = {
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct polynomial_opts, n), .def = "50",
     .ranged = 1, .lo = 1, .hi = 100000, .doc = "number of points"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct polynomial_opts, x_range),
     .def = "-3,2", .count = 2, .ranged = 1, .lo = -1e6, .hi = 1e6,
     .doc = "x drawn, with replacement, from 5n evenly spaced values over [lo, hi]"},
    {.name = "noise", .type = PARAM_DOUBLE, .offset = offsetof(struct polynomial_opts, noise),
     .def = "2", .ranged = 1, .lo = 0, .hi = 1e6,
     .doc = "noise magnitude: y gets noise * N(noise_mean, noise_sd) added"},
    {.name = "noise_mean", .type = PARAM_DOUBLE,
     .offset = offsetof(struct polynomial_opts, noise_mean), .def = "0", .ranged = 1,
     .lo = -1e6, .hi = 1e6,
     .doc = "mean of the normal variate the noise scales"},
    {.name = "noise_sd", .type = PARAM_DOUBLE, .offset = offsetof(struct polynomial_opts, noise_sd),
     .def = "0.5", .ranged = 1, .lo = 0, .hi = 1e6,
     .doc = "standard deviation of the normal variate the noise scales"},
    {0},
};

static double polynomial_curve(double x)
{
    return 2 * x - 0.6 * x * x + 0.2 * x * x * x + 18 * sin(x);
}

/* The same curve from the dataset's copy of its coefficients, for panels:
 * p[0] x + p[1] x^2 + p[2] x^3 + p[3] sin x. */
static double polynomial_truth(const struct dataset *d, double x)
{
    const double *p = d->truth_p;
    return p[0] * x + p[1] * x * x + p[2] * x * x * x + p[3] * sin(x);
}

static int polynomial_make(const void *o, struct rng *r, const struct data_ctx *ctx,
                           struct dataset *d)
{
    const struct polynomial_opts *opt = o;
    double lo = opt->x_range.v[0], hi = opt->x_range.v[1];
    if (hi < lo) {
        const struct snode *v = snode_get(ctx->node, "x_range");
        diag_error(v ? &v->loc : ctx->loc,
                   "'x_range' in data 'polynomial' must be [lo, hi] with lo <= hi");
        return -1;
    }
    /* The original draws np.random.choice(linspace(lo, hi, 5N), N): repeats
     * are possible and the points come in the order drawn. */
    int m = 5 * opt->n;
    double step = (hi - lo) / (m - 1);
    dataset_alloc(d, opt->n, 1, 1, 0);
    for (int i = 0; i < opt->n; i++) {
        int j = (int)(rng_uniform(r) * m);
        if (j >= m)
            j = m - 1;
        /* numpy's linspace ends exactly on hi. */
        double x = j == m - 1 ? hi : lo + j * step;
        /* Drawn even when the magnitude is 0, so that turning the noise up
         * or down moves the points vertically and nothing else. */
        double e = rng_normal(r, opt->noise_mean, opt->noise_sd);
        d->x[i] = x;
        d->y[i] = polynomial_curve(x) + opt->noise * e;
    }
    d->seed = rng_next(r);
    d->truth = polynomial_truth;
    d->truth_p[0] = 2;
    d->truth_p[1] = -0.6;
    d->truth_p[2] = 0.2;
    d->truth_p[3] = 18;
    d->truth_lo = lo;       /* the widgets draw the curve on linspace(x_min, x_max) */
    d->truth_hi = hi;
    return 0;
}

const struct data_kind data_polynomial = {
    .head = {.name = "polynomial",
             .summary = "y = 2x - 0.6x^2 + 0.2x^3 + 18 sin x plus scaled normal noise (the regression widgets' data)",
             .params = polynomial_params, .opts_size = sizeof(struct polynomial_opts),
             .provides = (const char *const[]){"data", "data-1d", "points", NULL}},
    .make = polynomial_make,
};
