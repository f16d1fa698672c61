/* data function: a named function of one variable, y = f(x), sampled at n
 * points over a range (evenly, as np.linspace does, or uniformly at
 * random), with optional Gaussian noise on y: one feature and a target,
 * for curves that a model bends to fit (sin x for a neural network). */
#include <math.h>
#include <stddef.h>
#include "data.h"

enum { FN_SIN, FN_COS, FN_TANH, FN_ABS, FN_SQUARE, FN_CUBE, FN_STEP };

static const char *const function_names[] = {"sin", "cos", "tanh", "abs", "square", "cube",
                                             "step", NULL};
static const char *const function_spacings[] = {"even", "random", NULL};

struct function_opts {
    int function;
    int n;
    struct param_numbers x_range;
    int spacing;
    double noise;
};

static const struct param_spec function_params[] = {
    {.name = "function", .type = PARAM_ENUM, .offset = offsetof(struct function_opts, function),
     .def = "sin", .choices = function_names,
     .doc = "sin x, cos x, tanh x, |x|, x^2, x^3, or step (0 below 0, 1 from 0)"},
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct function_opts, n), .def = "100",
     .ranged = 1, .lo = 2, .hi = 100000, .doc = "number of points"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct function_opts, x_range),
     .def = "-5,5", .count = 2, .interval = 1, .ranged = 1, .lo = -1e6, .hi = 1e6,
     .doc = "[lo, hi] of x (within +-1e6, so that x^3 and the fits stay finite)"},
    {.name = "spacing", .type = PARAM_ENUM, .offset = offsetof(struct function_opts, spacing),
     .def = "even", .choices = function_spacings,
     .doc = "even: np.linspace(lo, hi, n), both ends included; random: uniform in [lo, hi)"},
    {.name = "noise", .type = PARAM_DOUBLE, .offset = offsetof(struct function_opts, noise),
     .def = "0", .ranged = 1, .lo = 0, .hi = 1e6,
     .doc = "standard deviation of the Gaussian noise added to y"},
    {0},
};

/* truth_p[0] holds which function, so panels draw the curve without the
 * noise. */
static double function_truth(const struct dataset *d, double x)
{
    switch ((int)d->truth_p[0]) {
    case FN_SIN: return sin(x);
    case FN_COS: return cos(x);
    case FN_TANH: return tanh(x);
    case FN_ABS: return fabs(x);
    case FN_SQUARE: return x * x;
    case FN_CUBE: return x * x * x;
    default: return x < 0 ? 0 : 1;
    }
}

static int function_make(const void *o, struct rng *r, const struct data_ctx *ctx,
                         struct dataset *d)
{
    const struct function_opts *opt = o;
    double lo = opt->x_range.v[0], hi = opt->x_range.v[1];
    dataset_alloc(d, opt->n, 1, 1, 0);
    d->truth = function_truth;
    d->truth_p[0] = opt->function;
    d->truth_lo = lo;
    d->truth_hi = hi;
    double step = (hi - lo) / (opt->n - 1);
    for (int i = 0; i < opt->n; i++) {
        /* numpy's linspace: lo + i * step, and hi itself at the end. */
        double x = opt->spacing == 1 ? rng_range(r, lo, hi) : i == opt->n - 1 ? hi : lo + i * step;
        d->x[i] = x;
        d->y[i] = function_truth(d, x) + (opt->noise > 0 ? rng_normal(r, 0, opt->noise) : 0);
    }
    d->seed = rng_next(r);
    return 0;
}

const struct data_kind data_function = {
    .head = {.name = "function",
             .summary = "y = f(x) for a named function (sin, cos, tanh, abs, square, cube, step) "
                        "at n even or random x, plus optional Gaussian noise",
             .params = function_params, .opts_size = sizeof(struct function_opts),
             .provides = (const char *const[]){"data", "data-1d", "points", NULL}},
    .make = function_make,
};
