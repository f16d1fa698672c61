/* trainer directional-search: the source's "directional grid search" on a
 * curve y = f(x): from the model's starting x, move a fixed `step` against
 * the sign of the gradient, x <- x - step * sign(f'(x)). Only the
 * gradient's direction is used, never its size, so the walk neither slows
 * down nor speeds up: a step too small runs out of steps, one too large
 * jumps over the minimum and back for ever (8 from 1.2345 on (x-10)^2:
 * 9.2345, 17.2345, 9.2345, ...).
 *
 * It stops as gd does: when |y_k - y_{k-1}| <= tolerance (converged), after
 * `steps` moves (max_steps), or at a value that is not finite (diverged).
 * Record k is the point after k moves; channels y (= loss), dy (the change
 * from the record before), grad (f'(x)) and step_size. */
#include <math.h>
#include <stddef.h>
#include "trainer.h"
#include "util.h"

struct directional_opts {
    double step;
    int steps;
    double tolerance;
};

static const struct param_spec directional_params[] = {
    {.name = "step", .type = PARAM_DOUBLE, .offset = offsetof(struct directional_opts, step),
     .def = "0.01", .ranged = 1, .lo = 0, .hi = 1e6, .lo_open = 1,
     .doc = "how far x moves each time, against the gradient's sign"},
    {.name = "steps", .type = PARAM_INT, .offset = offsetof(struct directional_opts, steps),
     .def = "2000", .ranged = 1, .lo = 1, .hi = 1000000, .doc = "maximum number of moves"},
    {.name = "tolerance", .type = PARAM_DOUBLE, .offset = offsetof(struct directional_opts, tolerance),
     .def = "0.0001", .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "stop when |change of y| <= tolerance (0: never stop early)"},
    {0},
};

static const char *const directional_channels[] = {"y", "dy", "grad", "step_size", NULL};

static long long directional_max_steps(const void *o)
{
    return ((const struct directional_opts *)o)->steps;
}

static int directional_run(const void *o, const struct run *run, const struct trainer_input *in,
                           struct trace *t)
{
    const struct directional_opts *opt = o;
    const struct model_kind *m = run->model;
    const void *mopts = run->model_opts;
    const struct dataset *d = in->data;
    int np = model_nparams(m, mopts, d);
    if (np != 1)
        return diag_fail("trainer 'directional-search' moves a model's one parameter, but model "
                         "'%s' has %d", m->head.name, np);
    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");
    int c_y = trace_offset(t, "y"), c_dy = trace_offset(t, "dy"), c_g = trace_offset(t, "grad");
    int c_s = trace_offset(t, "step_size");
    double x[1], g[1], prev = NAN;

    m->init(mopts, d, x);
    trace_stop(t, "max_steps", opt->steps);
    for (int k = 0; k <= opt->steps; k++) {
        double y = m->loss(mopts, x, d);
        m->grad(mopts, x, d, g);
        double *row = trace_append(t);
        row[0] = k;
        row[c_theta] = x[0];
        row[c_loss] = row[c_y] = y;
        row[c_dy] = k ? y - prev : NAN;
        row[c_g] = g[0];
        row[c_s] = opt->step;
        if (!isfinite(y) || !isfinite(g[0])) {
            trace_stop(t, "diverged", k);
            break;
        }
        if (opt->tolerance > 0 && k > 0 && fabs(y - prev) <= opt->tolerance) {
            trace_stop(t, "converged", k);
            break;
        }
        if (k == opt->steps)
            break;
        if (interrupt_requested())
            return diag_fail("interrupted while searching, at step %d", k);
        /* sign(0) = 0: at a flat point the walk stays, and stops there. */
        x[0] -= opt->step * (double)((g[0] > 0) - (g[0] < 0));
        prev = y;
    }
    return 0;
}

const struct trainer_kind trainer_directional_search = {
    .head = {.name = "directional-search",
             .summary = "moves x a fixed step against the sign of the gradient until y stops "
                        "changing (the source's directional grid search)",
             .params = directional_params, .opts_size = sizeof(struct directional_opts),
             .requires = (const char *const[]){"gradient", "objective-1d", NULL}},
    .channels = directional_channels,
    .run = directional_run,
    .max_steps = directional_max_steps,
};
