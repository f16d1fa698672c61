/* data spirals: interleaved spiral arms, one class per arm, rotated from one
 * another by a full turn over the number of classes: a set whose boundary
 * winds, for showing what a deep enough classifier can bend around. Two
 * features, a label, no target. */
#include <math.h>
#include <stddef.h>
#include "data.h"

/* M_PI is not in strict C11. */
#define SPIRALS_PI 3.14159265358979323846

struct spirals_opts {
    int n;
    int classes;
    double turns;
    double noise;
};

static const struct param_spec spirals_params[] = {
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct spirals_opts, n), .def = "100",
     .ranged = 1, .lo = 1, .hi = 100000, .doc = "points per arm (per class)"},
    {.name = "classes", .type = PARAM_INT, .offset = offsetof(struct spirals_opts, classes),
     .def = "2", .ranged = 1, .lo = 2, .hi = 8, .doc = "number of arms, one class each"},
    {.name = "turns", .type = PARAM_DOUBLE, .offset = offsetof(struct spirals_opts, turns),
     .def = "1.5", .ranged = 1, .lo = 0, .lo_open = 1, .hi = 10,
     .doc = "how many times each arm winds round the centre"},
    {.name = "noise", .type = PARAM_DOUBLE, .offset = offsetof(struct spirals_opts, noise),
     .def = "0.05", .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "standard deviation of the Gaussian noise on both coordinates"},
    {0},
};

static int spirals_make(const void *o, struct rng *r, const struct data_ctx *ctx,
                        struct dataset *d)
{
    const struct spirals_opts *opt = o;
    dataset_alloc(d, opt->classes * opt->n, 2, 0, 1);
    dataset_set_classes(d, opt->classes, NULL);
    /* Arm by arm: point i belongs to arm i / n. Along an arm the radius grows
     * in even steps from 1/n to 1 with the angle (an Archimedean spiral), so
     * no point sits at the centre, where the arms would share it. */
    for (int i = 0; i < d->n; i++) {
        int k = i / opt->n;
        double s = (double)(i % opt->n + 1) / opt->n;
        double t = 2 * SPIRALS_PI * (opt->turns * s + (double)k / opt->classes);
        double px = s * cos(t), py = s * sin(t);
        d->x[2 * i] = opt->noise > 0 ? px + rng_normal(r, 0, opt->noise) : px;
        d->x[2 * i + 1] = opt->noise > 0 ? py + rng_normal(r, 0, opt->noise) : py;
        d->label[i] = k;
    }
    d->seed = rng_next(r);
    return 0;
}

const struct data_kind data_spirals = {
    .head = {.name = "spirals",
             .summary = "interleaved spiral arms of radius 1, one class per arm",
             .params = spirals_params, .opts_size = sizeof(struct spirals_opts),
             .provides = (const char *const[]){"data", "points", "labels", NULL}},
    .make = spirals_make,
};
