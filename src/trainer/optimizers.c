/* trainers sgd, momentum, adam: mini-batch gradient descent with three
 * update rules, over the epoch loop they share (minibatch.h). The rules
 * and defaults are Keras': an experiment written for Keras reads the same
 * here.
 *
 *   sgd       theta -= lr g
 *   momentum  v = momentum v - lr g;  theta += v
 *   adam      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *             theta -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
 *
 * Adam's epsilon is added to sqrt(v) before the bias correction, as Keras
 * (and the Adam paper's "epsilon hat" form) do, so its first step is lr g
 * sqrt(1 - b2) / (sqrt(1 - b2) |g| + eps): very nearly lr in the sign of g. */
#include <math.h>
#include <stddef.h>
#include "minibatch.h"

#define OPT(field) offsetof(struct minibatch_opts, field)

/* The options every rule has; LR is the learning rate's spec, default d. */
#define LR(d) {.name = "learning_rate", .type = PARAM_DOUBLE, .offset = OPT(learning_rate), \
     .def = d, .ranged = 1, .lo = 0, .hi = 1e6, .lo_open = 1, .schedulable = 1, \
     .doc = "step size (schedulable)"}
#define COMMON \
    {.name = "batch_size", .type = PARAM_INT, .offset = OPT(batch_size), .def = "32", \
     .ranged = 1, .lo = 1, .hi = 1000000, \
     .doc = "rows per update; n or more: the whole data, one update an epoch"}, \
    {.name = "epochs", .type = PARAM_INT, .offset = OPT(epochs), .def = "100", .ranged = 1, \
     .lo = 1, .hi = 1000000, .doc = "passes over the data (one trace record each)"}, \
    {.name = "shuffle", .type = PARAM_BOOL, .offset = OPT(shuffle), .def = "true", \
     .doc = "shuffle the rows before each epoch, from the seed"}

static const struct param_spec sgd_params[] = {LR("0.01"), COMMON, {0}};

static const struct param_spec momentum_params[] = {
    LR("0.01"),
    {.name = "momentum", .type = PARAM_DOUBLE, .offset = OPT(momentum), .def = "0.9",
     .ranged = 1, .lo = 0, .hi = 1, .hi_open = 1, .schedulable = 1,
     .doc = "share of the previous step kept in the next (schedulable)"},
    COMMON, {0},
};

static const struct param_spec adam_params[] = {
    LR("0.001"),
    {.name = "beta1", .type = PARAM_DOUBLE, .offset = OPT(beta1), .def = "0.9", .ranged = 1,
     .lo = 0, .hi = 1, .hi_open = 1, .doc = "decay of the mean of the gradients"},
    {.name = "beta2", .type = PARAM_DOUBLE, .offset = OPT(beta2), .def = "0.999", .ranged = 1,
     .lo = 0, .hi = 1, .hi_open = 1, .doc = "decay of the mean of the squared gradients"},
    {.name = "epsilon", .type = PARAM_DOUBLE, .offset = OPT(epsilon), .def = "1e-7",
     .ranged = 1, .lo = 0, .hi = 1, .lo_open = 1,
     .doc = "added to sqrt(v): keeps the step finite where the gradient is 0"},
    COMMON, {0},
};

static void sgd_update(const struct minibatch_opts *o, double *theta, const double *g,
                       double *state, int np, long t)
{
    for (int i = 0; i < np; i++)
        theta[i] -= o->learning_rate * g[i];
}

static void momentum_update(const struct minibatch_opts *o, double *theta, const double *g,
                            double *v, int np, long t)
{
    for (int i = 0; i < np; i++) {
        v[i] = o->momentum * v[i] - o->learning_rate * g[i];
        theta[i] += v[i];
    }
}

static void adam_update(const struct minibatch_opts *o, double *theta, const double *g,
                        double *state, int np, long t)
{
    double *m = state, *v = state + np;
    double alpha = o->learning_rate * sqrt(1 - pow(o->beta2, (double)t)) /
                   (1 - pow(o->beta1, (double)t));
    for (int i = 0; i < np; i++) {
        m[i] = o->beta1 * m[i] + (1 - o->beta1) * g[i];
        v[i] = o->beta2 * v[i] + (1 - o->beta2) * g[i] * g[i];
        theta[i] -= alpha * m[i] / (sqrt(v[i]) + o->epsilon);
    }
}

static const struct minibatch_rule sgd_rule = {0, sgd_update};
static const struct minibatch_rule momentum_rule = {1, momentum_update};
static const struct minibatch_rule adam_rule = {2, adam_update};

static int sgd_run(const void *o, const struct run *r, const struct trainer_input *in,
                   struct trace *t)
{
    return minibatch_run(&sgd_rule, o, r, in, t);
}

static int momentum_run(const void *o, const struct run *r, const struct trainer_input *in,
                        struct trace *t)
{
    return minibatch_run(&momentum_rule, o, r, in, t);
}

static int adam_run(const void *o, const struct run *r, const struct trainer_input *in,
                    struct trace *t)
{
    return minibatch_run(&adam_rule, o, r, in, t);
}

#define HEAD(n, s, p) {.name = n, .summary = s, .params = p, \
     .opts_size = sizeof(struct minibatch_opts), \
     .requires = (const char *const[]){"gradient", NULL}}

const struct trainer_kind trainer_sgd = {
    .head = HEAD("sgd", "mini-batch stochastic gradient descent, one record per epoch",
                 sgd_params),
    .channels = minibatch_channels,
    .run = sgd_run,
    .max_steps = minibatch_max_steps,
};

const struct trainer_kind trainer_momentum = {
    .head = HEAD("momentum", "mini-batch gradient descent with momentum (Keras' SGD with "
                 "momentum), one record per epoch", momentum_params),
    .channels = minibatch_channels,
    .run = momentum_run,
    .max_steps = minibatch_max_steps,
};

const struct trainer_kind trainer_adam = {
    .head = HEAD("adam", "mini-batch Adam (Keras' defaults), one record per epoch", adam_params),
    .channels = minibatch_channels,
    .run = adam_run,
    .max_steps = minibatch_max_steps,
};
