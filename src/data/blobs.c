/* data blobs: unlabelled 2-D Gaussian clusters around given or random
 * centres, for k-means: two features, no target. (Labelled blobs are the
 * gaussian-classes kind.) */
#include <math.h>
#include <stddef.h>
#include "data.h"

#define BLOBS_MAX 16

struct blobs_opts {
    struct param_numbers centers;   /* x1, y1, x2, y2, ... */
    int count;
    struct param_numbers box;
    double spread;
    int n;
};

static const struct param_spec blobs_params[] = {
    {.name = "centers", .type = PARAM_NUMBERS, .offset = offsetof(struct blobs_opts, centers),
     .doc = "blob centres as x, y pairs: [x1, y1, x2, y2, ...] (default: count random ones)"},
    {.name = "count", .type = PARAM_INT, .offset = offsetof(struct blobs_opts, count), .def = "3",
     .ranged = 1, .lo = 1, .hi = BLOBS_MAX, .doc = "number of random centres (ignored when centers is given)"},
    {.name = "box", .type = PARAM_NUMBERS, .offset = offsetof(struct blobs_opts, box),
     .def = "-10,10", .count = 2, .doc = "random centres are uniform in [lo, hi] on both axes"},
    {.name = "spread", .type = PARAM_DOUBLE, .offset = offsetof(struct blobs_opts, spread),
     .def = "1", .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "standard deviation of each blob around its centre (both axes)"},
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct blobs_opts, n), .def = "100",
     .ranged = 1, .lo = 1, .hi = 100000, .doc = "points per blob"},
    {0},
};

static int blobs_make(const void *o, struct rng *r, const struct data_ctx *ctx, struct dataset *d)
{
    const struct blobs_opts *opt = o;
    const struct param_numbers *c = &opt->centers;
    if (c->n % 2 != 0 || c->n > 2 * BLOBS_MAX) {
        const struct snode *v = snode_get(ctx->node, "centers");
        diag_error(v ? &v->loc : ctx->loc, "'centers' in data 'blobs' must be x, y pairs: an even "
                   "count of at most %d numbers (got %d)", 2 * BLOBS_MAX, c->n);
        return -1;
    }
    if (opt->box.v[1] < opt->box.v[0]) {
        const struct snode *v = snode_get(ctx->node, "box");
        diag_error(v ? &v->loc : ctx->loc, "'box' in data 'blobs' must be [lo, hi] with lo <= hi");
        return -1;
    }
    int nblobs = c->n ? c->n / 2 : opt->count;
    double cx[BLOBS_MAX], cy[BLOBS_MAX];
    for (int j = 0; j < nblobs; j++) {
        cx[j] = c->n ? c->v[2 * j] : rng_range(r, opt->box.v[0], opt->box.v[1]);
        cy[j] = c->n ? c->v[2 * j + 1] : rng_range(r, opt->box.v[0], opt->box.v[1]);
    }
    dataset_alloc(d, nblobs * opt->n, 2, 0, 0);
    /* Blob by blob: point i belongs to blob i / n. The draws alternate x, y
     * as they always have, so a seed gives the same points as before. */
    for (int i = 0; i < d->n; i++) {
        int j = i / opt->n;
        d->x[2 * i] = opt->spread > 0 ? rng_normal(r, cx[j], opt->spread) : cx[j];
        d->x[2 * i + 1] = opt->spread > 0 ? rng_normal(r, cy[j], opt->spread) : cy[j];
    }
    d->seed = rng_next(r);
    return 0;
}

const struct data_kind data_blobs = {
    .head = {.name = "blobs",
             .summary = "unlabelled 2-D Gaussian blobs around given or random centres",
             .params = blobs_params, .opts_size = sizeof(struct blobs_opts),
             .provides = (const char *const[]){"data", "points", NULL}},
    .make = blobs_make,
};
