/* trainer gd: plain (batch) gradient descent, theta -= lr * grad(loss).
 *
 * Stops after `steps` updates, or earlier when the loss changes by no more
 * than `tolerance` in one update (|dloss| <= tolerance, the source lessons'
 * rule), or when the loss stops being finite (divergence). */
#include <math.h>
#include <stddef.h>
#include "trainer.h"

struct gd_opts {
    double learning_rate;
    int steps;
    double tolerance;
};

static const struct param_spec gd_params[] = {
    {.name = "learning_rate", .type = PARAM_DOUBLE, .offset = offsetof(struct gd_opts, learning_rate),
     .def = "0.01", .ranged = 1, .lo = 0, .hi = 1e6, .lo_open = 1, .doc = "step size lr in theta -= lr * gradient"},
    {.name = "steps", .type = PARAM_INT, .offset = offsetof(struct gd_opts, steps), .def = "100",
     .ranged = 1, .lo = 1, .hi = 1000000, .doc = "maximum number of updates"},
    {.name = "tolerance", .type = PARAM_DOUBLE, .offset = offsetof(struct gd_opts, tolerance),
     .def = "0", .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "stop when |change of loss| <= tolerance (0: never stop early)"},
    {0},
};

static const char *const gd_channels[] = {"dloss", "grad", "lr", NULL};

static int gd_run(const void *o, const struct model_kind *m, const void *mopts,
                  const struct dataset *d, struct trace *t)
{
    const struct gd_opts *opt = o;
    double theta[MODEL_MAX_PARAMS], g[MODEL_MAX_PARAMS];
    int np = model_nparams(m, mopts);
    int c_loss = trace_channel(t, "loss"), c_dloss = trace_channel(t, "dloss");
    int c_grad = trace_channel(t, "grad"), c_lr = trace_channel(t, "lr");

    m->init(mopts, theta);
    double prev = NAN;
    t->stop_reason = "max_steps";
    for (int k = 0; k <= opt->steps; k++) {
        double loss = m->loss(mopts, theta, d);
        m->grad(mopts, theta, d, g);
        double gn = 0;
        for (int i = 0; i < np; i++)
            gn += g[i] * g[i];
        double *row = trace_append(t);
        row[0] = k;
        for (int i = 0; i < np; i++)
            row[1 + i] = theta[i];
        row[c_loss] = loss;
        row[c_dloss] = k ? loss - prev : NAN;
        row[c_grad] = sqrt(gn);
        row[c_lr] = opt->learning_rate;
        if (!isfinite(loss) || !isfinite(gn)) {
            t->stop_reason = "diverged";
            break;
        }
        if (opt->tolerance > 0 && k > 0 && fabs(loss - prev) <= opt->tolerance) {
            t->stop_reason = "converged";
            break;
        }
        if (k == opt->steps)
            break;
        for (int i = 0; i < np; i++)
            theta[i] -= opt->learning_rate * g[i];
        prev = loss;
    }
    return 0;
}

const struct trainer_kind trainer_gd = {
    .name = "gd",
    .summary = "batch gradient descent with a fixed learning rate",
    .params = gd_params,
    .opts_size = sizeof(struct gd_opts),
    .channels = gd_channels,
    .run = gd_run,
};
