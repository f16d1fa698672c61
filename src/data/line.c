/* data line: points on y = slope*x + intercept plus Gaussian noise, at
 * random x in a range or at given x: one feature and a target. */
#include <math.h>
#include <stddef.h>
#include "data.h"

struct line_opts {
    int n;
    double slope, intercept, noise;
    struct param_numbers x_range;
    struct param_numbers x;     /* explicit x values; overrides n and x_range */
};

static const struct param_spec line_params[] = {
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct line_opts, n), .def = "100",
     .ranged = 1, .lo = 1, .hi = 100000, .doc = "number of points (ignored when x is given)"},
    {.name = "slope", .type = PARAM_DOUBLE, .offset = offsetof(struct line_opts, slope),
     .def = "1", .doc = "true slope"},
    {.name = "intercept", .type = PARAM_DOUBLE, .offset = offsetof(struct line_opts, intercept),
     .def = "0", .doc = "true intercept"},
    {.name = "noise", .type = PARAM_DOUBLE, .offset = offsetof(struct line_opts, noise),
     .def = "0", .ranged = 1, .lo = 0, .hi = INFINITY, .doc = "standard deviation of the Gaussian noise on y"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct line_opts, x_range),
     .def = "0,10", .count = 2, .doc = "x drawn uniformly from [lo, hi]"},
    {.name = "x", .type = PARAM_NUMBERS, .offset = offsetof(struct line_opts, x),
     .doc = "explicit x values, in order"},
    {0},
};

/* p[0] x + p[1]: the line without its noise. */
static double line_truth(const struct dataset *d, double x)
{
    return d->truth_p[0] * x + d->truth_p[1];
}

static int line_make(const void *o, struct rng *r, const struct data_ctx *ctx, struct dataset *d)
{
    const struct line_opts *opt = o;
    if (opt->x_range.v[1] < opt->x_range.v[0]) {
        const struct snode *v = snode_get(ctx->node, "x_range");
        diag_error(v ? &v->loc : ctx->loc, "'x_range' in data 'line' must be [lo, hi] with lo <= hi");
        return -1;
    }
    int n = opt->x.n ? opt->x.n : opt->n;
    dataset_alloc(d, n, 1, 1, 0);
    for (int i = 0; i < n; i++) {
        d->x[i] = opt->x.n ? opt->x.v[i] : rng_range(r, opt->x_range.v[0], opt->x_range.v[1]);
        double e = opt->noise > 0 ? rng_normal(r, 0, opt->noise) : 0;
        d->y[i] = opt->slope * d->x[i] + opt->intercept + e;
    }
    d->seed = rng_next(r);
    d->truth = line_truth;
    d->truth_p[0] = opt->slope;
    d->truth_p[1] = opt->intercept;
    return 0;
}

const struct data_kind data_line = {
    .head = {.name = "line", .summary = "points on y = slope*x + intercept plus Gaussian noise",
             .params = line_params, .opts_size = sizeof(struct line_opts),
             .provides = (const char *const[]){"data", "data-1d", "points", NULL}},
    .make = line_make,
};
