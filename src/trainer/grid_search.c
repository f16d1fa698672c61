/* trainer grid-search: the minimum of a curve y = f(x) found by trying
 * every point of a grid, the first search of the source's chapter 2
 * (2000 points of np.linspace(0, 20)). No gradient is used.
 *
 * Record k (k = 0 .. n-1) is grid point k, x = linspace(from, to, n)[k]
 * exactly as numpy computes it, with y = f(x) and the best point among
 * records 0..k (best_x, best_y; the first of equal values wins, as
 * np.argmin), so an animation can show the search sweeping the grid and
 * its answer improving. `points` counts the points tried (k + 1). The run
 * ends "searched" after the last point; a value the model cannot evaluate
 * stops it early ("diverged"). */
#include <math.h>
#include <stddef.h>
#include "trainer.h"
#include "util.h"

struct grid_search_opts {
    double from, to;
    int n;
};

static const struct param_spec grid_search_params[] = {
    {.name = "from", .type = PARAM_DOUBLE, .offset = offsetof(struct grid_search_opts, from),
     .def = "0", .ranged = 1, .lo = -1e12, .hi = 1e12, .doc = "the first grid point"},
    {.name = "to", .type = PARAM_DOUBLE, .offset = offsetof(struct grid_search_opts, to),
     .def = "20", .ranged = 1, .lo = -1e12, .hi = 1e12,
     .doc = "the last grid point (reached exactly; more than from)"},
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct grid_search_opts, n), .def = "2000",
     .ranged = 1, .lo = 2, .hi = 1000000, .doc = "how many grid points, both ends included"},
    {0},
};

static const char *const grid_search_channels[] = {"y", "best_x", "best_y", "points", NULL};

static long long grid_search_max_steps(const void *o)
{
    return ((const struct grid_search_opts *)o)->n - 1;
}

/* Point k of linspace(from, to, n), as numpy computes it. */
static double grid_point(const struct grid_search_opts *opt, int k)
{
    if (k == opt->n - 1)
        return opt->to;
    double delta = opt->to - opt->from, div = opt->n - 1, step = delta / div;
    return step != 0 ? k * step + opt->from : k / div * delta + opt->from;
}

static int grid_search_run(const void *o, const struct run *run, const struct trainer_input *in,
                           struct trace *t)
{
    const struct grid_search_opts *opt = o;
    const struct model_kind *m = run->model;
    const void *mopts = run->model_opts;
    const struct dataset *d = in->data;
    int np = model_nparams(m, mopts, d);
    if (np != 1)
        return diag_fail("trainer 'grid-search' searches a model's one parameter, but model '%s' "
                         "has %d", m->head.name, np);
    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");
    int c_y = trace_offset(t, "y"), c_bx = trace_offset(t, "best_x");
    int c_by = trace_offset(t, "best_y"), c_n = trace_offset(t, "points");
    double best_x = NAN, best_y = INFINITY;

    /* Not "max_steps": trying every point is the search, not a limit. */
    trace_stop(t, "searched", opt->n - 1);
    for (int k = 0; k < opt->n; k++) {
        double theta[1] = {grid_point(opt, k)};
        double y = m->loss(mopts, theta, d);
        if (y < best_y) {
            best_y = y;
            best_x = theta[0];
        }
        double *row = trace_append(t);
        row[0] = k;
        row[c_theta] = theta[0];
        row[c_loss] = row[c_y] = y;
        row[c_bx] = best_x;
        row[c_by] = isfinite(best_y) ? best_y : NAN;
        row[c_n] = k + 1;
        if (!isfinite(y)) {
            trace_stop(t, "diverged", k);
            break;
        }
        if (k < opt->n - 1 && interrupt_requested())
            return diag_fail("interrupted while searching, at step %d", k);
    }
    return 0;
}

static int grid_search_check(const void *o, const struct snode *node)
{
    const struct grid_search_opts *opt = o;
    if (opt->to > opt->from)
        return 0;
    const struct snode *at = snode_get(node, "to");
    if (!at)
        at = snode_get(node, "from");
    diag_error(at ? &at->loc : &node->loc, "trainer 'grid-search' needs 'to' (%g) more than "
               "'from' (%g)", opt->to, opt->from);
    return -1;
}

const struct trainer_kind trainer_grid_search = {
    .head = {.name = "grid-search",
             .summary = "tries every point of a grid linspace(from, to, n) and keeps the lowest "
                        "y = f(x); no gradient",
             .params = grid_search_params, .opts_size = sizeof(struct grid_search_opts),
             .requires = (const char *const[]){"objective-1d", NULL}},
    .channels = grid_search_channels,
    .run = grid_search_run,
    .max_steps = grid_search_max_steps,
    .check = grid_search_check,
};
