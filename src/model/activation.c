/* model activation: one activation function y = f(x) of a neural network
 * (ReLU, sigmoid, tanh, leaky ReLU, identity), as a curve to be scanned.
 *
 * The parameter is the input x (one scalar block "x") and the "loss" is the
 * output y = f(x), so a trace of x and loss is a table of the function. An
 * activation has no single minimum to point at (ReLU is 0 for every x <= 0,
 * sigmoid and tanh only approach theirs, identity has none), so `minimum`
 * is NULL, and it has no gradient: a trainer such as scan sets x itself. */
#include <math.h>
#include <stddef.h>
#include "model.h"
#include "nn.h"

enum { ACT_RELU, ACT_SIGMOID, ACT_TANH, ACT_LEAKY_RELU, ACT_IDENTITY };

static const char *const activation_functions[] = {"relu", "sigmoid", "tanh", "leaky-relu",
                                                   "identity", NULL};

struct activation_opts {
    int function;
    double slope;
};

static const struct param_spec activation_params[] = {
    {.name = "function", .type = PARAM_ENUM, .offset = offsetof(struct activation_opts, function),
     .def = "relu", .choices = activation_functions,
     .doc = "max(0, x), 1/(1 + e^-x), tanh x, x or slope*x, or x"},
    {.name = "slope", .type = PARAM_DOUBLE, .offset = offsetof(struct activation_opts, slope),
     .def = "0.01", .ranged = 1, .lo = 0, .hi = 1,
     .doc = "leaky-relu: the slope for x < 0 (0 is plain ReLU)"},
    {0},
};

static double activation_objective(const void *o, double x)
{
    const struct activation_opts *p = o;
    switch (p->function) {
    case ACT_RELU:
        return x > 0 ? x : 0;
    case ACT_SIGMOID:
        return nn_sigmoid(x);   /* overflow-free: nn.h */
    case ACT_TANH:
        return tanh(x);
    case ACT_LEAKY_RELU:
        return x > 0 ? x : p->slope * x;
    default:
        return x;
    }
}

static int activation_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    b[0] = (struct model_block){"x", 1, 1};
    return 1;
}

/* The trainer that walks x (scan) puts its first input here itself; 0 is a
 * defined start for any other. */
static void activation_init(const void *o, const struct dataset *d, double *theta)
{
    theta[0] = 0;
}

static double activation_loss(const void *o, const double *theta, const struct dataset *d)
{
    return activation_objective(o, theta[0]);
}

/* A slope given for another function would silently do nothing. */
static int activation_check(const void *o, const struct snode *node, const struct dataset *d)
{
    const struct activation_opts *p = o;
    const struct snode *slope = snode_get(node, "slope");
    if (slope && p->function != ACT_LEAKY_RELU)
        diag_warning(&slope->loc, "'slope' in model 'activation' only applies to function "
                     "leaky-relu, not %s", activation_functions[p->function]);
    return 0;
}

const struct model_kind model_activation = {
    .head = {.name = "activation",
             .summary = "an activation function y = f(x) (relu, sigmoid, tanh, leaky-relu, "
                        "identity) of the input x",
             .params = activation_params, .opts_size = sizeof(struct activation_opts),
             .provides = (const char *const[]){"objective-1d", NULL}},
    .loss_label = "y",
    .layout = activation_layout,
    .init = activation_init,
    .loss = activation_loss,
    .objective = activation_objective,
    .check = activation_check,
};
