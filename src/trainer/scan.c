/* trainer scan: no learning, a table of a curve. It walks the model's one
 * parameter x over n evenly spaced values from `from` to `to` and records
 * each with loss = f(x), the way a lesson plots an activation function on
 * np.linspace(from, to, n).
 *
 * Record k (k = 0 .. n-1) has step k and x = from + k * step, with step =
 * (to - from) / (n - 1), except the last, which is `to` exactly: numpy's
 * linspace, bit for bit, so the lesson's x values are the source's. The
 * walk ends "end" (it is a table, not a search that could fail to
 * converge); like every trainer it stops ("diverged") at the first value
 * the model cannot evaluate to a finite number. */
#include <math.h>
#include <stddef.h>
#include "trainer.h"
#include "util.h"

struct scan_opts {
    double from, to;
    int n;
};

static const struct param_spec scan_params[] = {
    {.name = "from", .type = PARAM_DOUBLE, .offset = offsetof(struct scan_opts, from),
     .def = "-6", .ranged = 1, .lo = -1e12, .hi = 1e12, .doc = "the first value of x"},
    {.name = "to", .type = PARAM_DOUBLE, .offset = offsetof(struct scan_opts, to),
     .def = "6", .ranged = 1, .lo = -1e12, .hi = 1e12,
     .doc = "the last value of x (reached exactly; more than from)"},
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct scan_opts, n), .def = "31",
     .ranged = 1, .lo = 2, .hi = 100000, .doc = "how many values, both ends included"},
    {0},
};

static long long scan_max_steps(const void *o)
{
    return ((const struct scan_opts *)o)->n - 1;
}

/* Value k of linspace(from, to, n), as numpy computes it. */
static double scan_value(const struct scan_opts *opt, int k)
{
    if (k == opt->n - 1)
        return opt->to;
    double delta = opt->to - opt->from, div = opt->n - 1, step = delta / div;
    /* numpy's fallback when the step underflows to 0. */
    return step != 0 ? k * step + opt->from : k / div * delta + opt->from;
}

static int scan_run(const void *o, const struct run *run, const struct trainer_input *in,
                    struct trace *t)
{
    const struct scan_opts *opt = o;
    const struct model_kind *m = run->model;
    const void *mopts = run->model_opts;
    const struct dataset *d = in->data;
    int np = model_nparams(m, mopts, d);
    if (np != 1)
        return diag_fail("trainer 'scan' walks a model's one parameter, but model '%s' has %d",
                         m->head.name, np);
    double theta[1];
    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");

    m->init(mopts, d, theta);
    trace_stop(t, "end", opt->n - 1);
    for (int k = 0; k < opt->n; k++) {
        theta[0] = scan_value(opt, k);
        double loss = m->loss(mopts, theta, d);
        double *row = trace_append(t);
        row[0] = k;
        row[c_theta] = theta[0];
        row[c_loss] = loss;
        if (!isfinite(loss)) {
            trace_stop(t, "diverged", k);
            break;
        }
        if (k < opt->n - 1 && interrupt_requested())
            return diag_fail("interrupted while scanning, at step %d", k);
    }
    return 0;
}

static int scan_check(const void *o, const struct snode *node)
{
    const struct scan_opts *opt = o;
    if (opt->to > opt->from)
        return 0;
    const struct snode *at = snode_get(node, "to");
    if (!at)
        at = snode_get(node, "from");
    diag_error(at ? &at->loc : &node->loc, "trainer 'scan' must go up: 'to' (%g) must be more "
               "than 'from' (%g)", opt->to, opt->from);
    return -1;
}

const struct trainer_kind trainer_scan = {
    .head = {.name = "scan",
             .summary = "walks x over n evenly spaced values from..to (linspace) and records "
                        "y = f(x); no learning",
             .params = scan_params, .opts_size = sizeof(struct scan_opts),
             .requires = (const char *const[]){"objective-1d", NULL}},
    .run = scan_run,
    .max_steps = scan_max_steps,
    .check = scan_check,
};
