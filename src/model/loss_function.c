/* model loss-function: the loss of one prediction as a function of that
 * prediction, L(p) for a fixed target y, the curve a lesson on loss
 * functions draws: squared error (y - p)^2 (mse), absolute error |y - p|
 * (mae), or binary cross-entropy -[y log p + (1 - y) log(1 - p)] (bce),
 * where p is a probability and y a label in [0, 1].
 *
 * The parameter is the prediction (one scalar block "pred") and the "loss"
 * is L(pred), so the scan trainer walks the prediction away from the
 * target and the trace holds the curve point by point. Cross-entropy is
 * +inf where a certain prediction is wrong (p = 0 for y = 1, p = 1 for
 * y = 0) and NaN outside [0, 1]; the curve shows that as the wall it is,
 * and a trainer stops there as diverged. Every loss is smallest at p = y.
 * The gradient is given, so gd can follow one prediction downhill. */
#include <math.h>
#include <stddef.h>
#include "model.h"

enum { LOSS_MSE, LOSS_MAE, LOSS_BCE };

static const char *const loss_functions[] = {"mse", "mae", "bce", NULL};

struct loss_function_opts {
    int function;
    double target, pred;
};

static const struct param_spec loss_function_params[] = {
    {.name = "function", .type = PARAM_ENUM, .offset = offsetof(struct loss_function_opts, function),
     .def = "mse", .choices = loss_functions,
     .doc = "mse (y - p)^2, mae |y - p|, or bce -[y log p + (1-y) log(1-p)]"},
    {.name = "target", .type = PARAM_DOUBLE, .offset = offsetof(struct loss_function_opts, target),
     .def = "1", .ranged = 1, .lo = -1e12, .hi = 1e12,
     .doc = "the true value y (bce: a label from 0 to 1)"},
    {.name = "pred", .type = PARAM_DOUBLE, .offset = offsetof(struct loss_function_opts, pred),
     .def = "0.5", .ranged = 1, .lo = -1e12, .hi = 1e12,
     .doc = "the starting prediction p (for trainers that start from the model)"},
    {0},
};

/* y log p with 0 log 0 = 0, the limit the formula means. */
static double xlogy(double y, double p)
{
    return y == 0 ? 0 : y * log(p);
}

static double loss_function_objective(const void *o, double p)
{
    const struct loss_function_opts *l = o;
    double y = l->target;
    switch (l->function) {
    case LOSS_MSE:
        return (y - p) * (y - p);
    case LOSS_MAE:
        return fabs(y - p);
    default:
        if (!(p >= 0 && p <= 1))
            return NAN;
        /* log1p(-p): exact for p near 0, where 1 - p rounds. */
        return -(xlogy(y, p) + (y == 1 ? 0 : (1 - y) * log1p(-p)));
    }
}

static int loss_function_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    b[0] = (struct model_block){"pred", 1, 1};
    return 1;
}

static void loss_function_init(const void *o, const struct dataset *d, double *theta)
{
    theta[0] = ((const struct loss_function_opts *)o)->pred;
}

static double loss_function_loss(const void *o, const double *theta, const struct dataset *d)
{
    return loss_function_objective(o, theta[0]);
}

static void loss_function_grad(const void *o, const double *theta, const struct dataset *d,
                               double *g)
{
    const struct loss_function_opts *l = o;
    double y = l->target, p = theta[0];
    switch (l->function) {
    case LOSS_MSE:
        g[0] = -2 * (y - p);
        break;
    case LOSS_MAE:
        g[0] = (double)((p > y) - (p < y));
        break;
    default:
        g[0] = p > 0 && p < 1 ? (p - y) / (p * (1 - p)) : NAN;
    }
}

static double loss_function_minimum(const void *o)
{
    return ((const struct loss_function_opts *)o)->target;
}

/* Cross-entropy compares probabilities with labels: outside [0, 1] it has
 * no meaning. */
static int loss_function_check(const void *o, const struct snode *node, const struct dataset *d)
{
    const struct loss_function_opts *l = o;
    if (l->function != LOSS_BCE)
        return 0;
    const struct snode *t = snode_get(node, "target"), *p = snode_get(node, "pred");
    if (!(l->target >= 0 && l->target <= 1)) {
        diag_error(t ? &t->loc : &node->loc, "'target' of model 'loss-function' with function "
                   "bce is a label from 0 to 1 (got %g)", l->target);
        return -1;
    }
    if (!(l->pred > 0 && l->pred < 1)) {
        diag_error(p ? &p->loc : &node->loc, "'pred' of model 'loss-function' with function bce "
                   "is a probability above 0 and below 1 (got %g)", l->pred);
        return -1;
    }
    return 0;
}

const struct model_kind model_loss_function = {
    .head = {.name = "loss-function",
             .summary = "the loss of one prediction p for a target y, as a curve L(p): squared "
                        "error, absolute error or binary cross-entropy",
             .params = loss_function_params, .opts_size = sizeof(struct loss_function_opts),
             .provides = (const char *const[]){"gradient", "objective-1d", NULL}},
    .loss_label = "L",
    .layout = loss_function_layout,
    .init = loss_function_init,
    .loss = loss_function_loss,
    .grad = loss_function_grad,
    .objective = loss_function_objective,
    .minimum = loss_function_minimum,
    .check = loss_function_check,
};
