/* data moons: two interleaving half-circles, scikit-learn's make_moons: a
 * classic set no straight line separates, for classifiers that must bend
 * their boundary. Two features, a label, no target. */
#include <math.h>
#include <stddef.h>
#include "data.h"

/* M_PI is not in strict C11. */
#define MOONS_PI 3.14159265358979323846

struct moons_opts {
    int n;
    double noise;
};

static const struct param_spec moons_params[] = {
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct moons_opts, n), .def = "200",
     .ranged = 1, .lo = 2, .hi = 100000,
     .doc = "number of points in all (the lower moon gets the odd one)"},
    {.name = "noise", .type = PARAM_DOUBLE, .offset = offsetof(struct moons_opts, noise),
     .def = "0.1", .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "standard deviation of the Gaussian noise on both coordinates"},
    {0},
};

/* The angle of point i of m spaced evenly over [0, pi], ends included, as
 * sklearn's linspace does; a moon of one point sits at its start. */
static double moons_angle(int i, int m)
{
    return m > 1 ? MOONS_PI * i / (m - 1) : 0;
}

static int moons_make(const void *o, struct rng *r, const struct data_ctx *ctx, struct dataset *d)
{
    const struct moons_opts *opt = o;
    static const char *const names[] = {"upper", "lower"};
    int n_upper = opt->n / 2, n_lower = opt->n - n_upper;
    dataset_alloc(d, opt->n, 2, 0, 1);
    dataset_set_classes(d, 2, names);
    /* Moon by moon, evenly spaced like sklearn but not shuffled, so the rows
     * read as the two curves; trainers and splits do their own shuffling. */
    for (int i = 0; i < opt->n; i++) {
        int lower = i >= n_upper;
        double t = lower ? moons_angle(i - n_upper, n_lower) : moons_angle(i, n_upper);
        double px = lower ? 1 - cos(t) : cos(t);
        double py = lower ? 0.5 - sin(t) : sin(t);
        d->x[2 * i] = opt->noise > 0 ? px + rng_normal(r, 0, opt->noise) : px;
        d->x[2 * i + 1] = opt->noise > 0 ? py + rng_normal(r, 0, opt->noise) : py;
        d->label[i] = lower;
    }
    d->seed = rng_next(r);
    return 0;
}

const struct data_kind data_moons = {
    .head = {.name = "moons",
             .summary = "two interleaving half-circles, one class each (like sklearn's make_moons)",
             .params = moons_params, .opts_size = sizeof(struct moons_opts),
             .provides = (const char *const[]){"data", "points", "labels", NULL}},
    .make = moons_make,
};
