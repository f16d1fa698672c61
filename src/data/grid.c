/* data grid: the points of a regular lattice over a rectangle, ends
 * included: the places where a probability map or a decision boundary is
 * evaluated. Two features, no target, no labels, nothing random. */
#include <stddef.h>
#include "data.h"

struct grid_opts {
    struct param_numbers x_range, y_range;
    int nx, ny;
};

static const struct param_spec grid_params[] = {
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct grid_opts, x_range),
     .def = "-5,5", .count = 2, .doc = "first and last column of the lattice: [lo, hi]"},
    {.name = "y_range", .type = PARAM_NUMBERS, .offset = offsetof(struct grid_opts, y_range),
     .def = "-5,5", .count = 2, .doc = "first and last row of the lattice: [lo, hi]"},
    {.name = "nx", .type = PARAM_INT, .offset = offsetof(struct grid_opts, nx), .def = "50",
     .ranged = 1, .lo = 2, .hi = 1000, .doc = "points per row (columns of the lattice)"},
    {.name = "ny", .type = PARAM_INT, .offset = offsetof(struct grid_opts, ny), .def = "50",
     .ranged = 1, .lo = 2, .hi = 1000, .doc = "rows of the lattice"},
    {0},
};

/* Point j of m from lo to hi as numpy's linspace places it: lo + j * step,
 * the last exactly hi, so a lattice whose step is exact (0.5, 1, 2) has
 * exact points, ends included. */
static double grid_at(double lo, double hi, int j, int m)
{
    return j == m - 1 ? hi : lo + j * ((hi - lo) / (m - 1));
}

static int grid_make(const void *o, struct rng *r, const struct data_ctx *ctx, struct dataset *d)
{
    const struct grid_opts *opt = o;
    static const char *const keys[] = {"x_range", "y_range"};
    const struct param_numbers *ranges[] = {&opt->x_range, &opt->y_range};
    for (int a = 0; a < 2; a++)
        if (!(ranges[a]->v[0] < ranges[a]->v[1])) {
            const struct snode *v = snode_get(ctx->node, keys[a]);
            diag_error(v ? &v->loc : ctx->loc,
                       "'%s' in data 'grid' must be [lo, hi] with lo < hi", keys[a]);
            return -1;
        }
    dataset_alloc(d, opt->nx * opt->ny, 2, 0, 0);
    /* Row by row from the bottom, x varying fastest: point i is column
     * i % nx of row i / nx. */
    for (int i = 0; i < d->n; i++) {
        d->x[2 * i] = grid_at(opt->x_range.v[0], opt->x_range.v[1], i % opt->nx, opt->nx);
        d->x[2 * i + 1] = grid_at(opt->y_range.v[0], opt->y_range.v[1], i / opt->nx, opt->ny);
    }
    /* Nothing above is random, but later choices about the data still
     * follow the scene's seed. */
    d->seed = rng_next(r);
    return 0;
}

const struct data_kind data_grid = {
    .head = {.name = "grid",
             .summary = "the points of a regular nx by ny lattice over a rectangle",
             .params = grid_params, .opts_size = sizeof(struct grid_opts),
             .provides = (const char *const[]){"data", "points", NULL}},
    .make = grid_make,
};
