/* data circles: a small circle inside a large one, scikit-learn's
 * make_circles: one class inside the other, which no line separates but a
 * feature such as the radius does. Two features, a label, no target. */
#include <math.h>
#include <stddef.h>
#include "data.h"

/* M_PI is not in strict C11. */
#define CIRCLES_PI 3.14159265358979323846

struct circles_opts {
    int n;
    double noise;
    double factor;
};

static const struct param_spec circles_params[] = {
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct circles_opts, n), .def = "200",
     .ranged = 1, .lo = 2, .hi = 100000,
     .doc = "number of points in all (the inner circle gets the odd one)"},
    {.name = "noise", .type = PARAM_DOUBLE, .offset = offsetof(struct circles_opts, noise),
     .def = "0.05", .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "standard deviation of the Gaussian noise on both coordinates"},
    {.name = "factor", .type = PARAM_DOUBLE, .offset = offsetof(struct circles_opts, factor),
     .def = "0.5", .ranged = 1, .lo = 0, .lo_open = 1, .hi = 1, .hi_open = 1,
     .doc = "radius of the inner circle over that of the outer one"},
    {0},
};

static int circles_make(const void *o, struct rng *r, const struct data_ctx *ctx,
                        struct dataset *d)
{
    const struct circles_opts *opt = o;
    /* The table's bounds are inclusive at the top; equal radii would make
     * the two classes the same circle. */
    static const char *const names[] = {"outer", "inner"};
    int n_outer = opt->n / 2, n_inner = opt->n - n_outer;
    dataset_alloc(d, opt->n, 2, 0, 1);
    dataset_set_classes(d, 2, names);
    /* Circle by circle, angles evenly spaced without repeating the start
     * (sklearn's endpoint=False), not shuffled. */
    for (int i = 0; i < opt->n; i++) {
        int inner = i >= n_outer;
        double t = inner ? 2 * CIRCLES_PI * (i - n_outer) / n_inner : 2 * CIRCLES_PI * i / n_outer;
        double rad = inner ? opt->factor : 1;
        double px = rad * cos(t), py = rad * sin(t);
        d->x[2 * i] = opt->noise > 0 ? px + rng_normal(r, 0, opt->noise) : px;
        d->x[2 * i + 1] = opt->noise > 0 ? py + rng_normal(r, 0, opt->noise) : py;
        d->label[i] = inner;
    }
    d->seed = rng_next(r);
    return 0;
}

const struct data_kind data_circles = {
    .head = {.name = "circles",
             .summary = "a small circle inside a large one, one class each (like sklearn's make_circles)",
             .params = circles_params, .opts_size = sizeof(struct circles_opts),
             .provides = (const char *const[]){"data", "points", "labels", NULL}},
    .make = circles_make,
};
