/* trainer gd: plain (batch) gradient descent, theta -= lr * grad(loss).
 *
 * Stops after `steps` updates, or earlier when the loss changes by no more
 * than `tolerance` in one update (|dloss| <= tolerance, the source lessons'
 * rule), or when the loss stops being finite (divergence). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "trainer.h"
#include "util.h"

struct gd_opts {
    double learning_rate;
    int steps;
    double tolerance;
};

static const struct param_spec gd_params[] = {
    {.name = "learning_rate", .type = PARAM_DOUBLE, .offset = offsetof(struct gd_opts, learning_rate),
     .def = "0.01", .ranged = 1, .lo = 0, .hi = 1e6, .lo_open = 1, .schedulable = 1,
     .doc = "step size lr in theta -= lr * gradient (schedulable)"},
    {.name = "steps", .type = PARAM_INT, .offset = offsetof(struct gd_opts, steps), .def = "100",
     .ranged = 1, .lo = 1, .hi = 1000000, .doc = "maximum number of updates"},
    {.name = "tolerance", .type = PARAM_DOUBLE, .offset = offsetof(struct gd_opts, tolerance),
     .def = "0", .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "stop when |change of loss| <= tolerance (0: never stop early)"},
    {0},
};

/* "lr" and "learning_rate" are the same value: the short name for titles,
 * the option's name for the hud of a schedule. */
static const char *const gd_channels[] = {"dloss", "grad", "lr", "learning_rate", NULL};

/* |g|: the plain sum of squares, or the scaled one once that overflows. */
static double grad_norm(const double *g, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += g[i] * g[i];
    return isfinite(sum) ? sqrt(sum) : model_norm2(g, n);
}

static long long gd_max_steps(const void *o)
{
    return ((const struct gd_opts *)o)->steps;
}

static int gd_run(const void *o, const struct run *run, const struct trainer_input *in,
                  struct trace *t)
{
    /* A working copy: a schedule may change the learning rate. */
    struct gd_opts cur = *(const struct gd_opts *)o;
    const struct gd_opts *opt = &cur;
    const struct model_kind *m = run->model;
    const void *mopts = run->model_opts;
    const struct dataset *d = in->data;
    int np = model_nparams(m, mopts, d);
    double *theta = xcalloc((size_t)np, sizeof(double)), *g = xcalloc((size_t)np, sizeof(double));
    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");
    int c_dloss = trace_offset(t, "dloss"), c_grad = trace_offset(t, "grad");
    int c_lr = trace_offset(t, "lr"), c_rate = trace_offset(t, "learning_rate");

    m->init(mopts, d, theta);
    double prev = NAN;
    trace_stop(t, "max_steps", opt->steps);
    for (int k = 0; k <= opt->steps; k++) {
        run_schedule_apply(run, k, &cur, t);
        double loss = m->loss(mopts, theta, d);
        m->grad(mopts, theta, d, g);
        double gn = grad_norm(g, np);
        double *row = trace_append(t);
        row[0] = k;
        for (int i = 0; i < np; i++)
            row[c_theta + i] = theta[i];
        row[c_loss] = loss;
        row[c_dloss] = k ? loss - prev : NAN;
        row[c_grad] = gn;
        row[c_lr] = row[c_rate] = opt->learning_rate;
        if (!isfinite(loss) || !isfinite(gn)) {
            trace_stop(t, "diverged", k);
            break;
        }
        if (opt->tolerance > 0 && k > 0 && fabs(loss - prev) <= opt->tolerance) {
            trace_stop(t, "converged", k);
            break;
        }
        if (k == opt->steps)
            break;
        if (interrupt_requested()) {
            free(theta);
            free(g);
            return diag_fail("interrupted while training, at step %d", k);
        }
        for (int i = 0; i < np; i++)
            theta[i] -= opt->learning_rate * g[i];
        prev = loss;
    }
    free(theta);
    free(g);
    return 0;
}

const struct trainer_kind trainer_gd = {
    .head = {.name = "gd", .summary = "batch gradient descent with a fixed learning rate",
             .params = gd_params, .opts_size = sizeof(struct gd_opts),
             .requires = (const char *const[]){"gradient", NULL}},
    .channels = gd_channels,
    .run = gd_run,
    .max_steps = gd_max_steps,
};
