/* model parabola: minimise f(x) = scale*(x - center)^2 + offset over x, the
 * one-dimensional gradient descent lessons. The "loss" is f itself. */
#include <math.h>
#include <stddef.h>
#include "model.h"

struct parabola_opts {
    double x0, center, scale, offset;
};

static const struct param_spec parabola_params[] = {
    {.name = "x0", .type = PARAM_DOUBLE, .offset = offsetof(struct parabola_opts, x0),
     .def = "0", .doc = "starting point"},
    {.name = "center", .type = PARAM_DOUBLE, .offset = offsetof(struct parabola_opts, center),
     .def = "0", .doc = "where the minimum is"},
    {.name = "scale", .type = PARAM_DOUBLE, .offset = offsetof(struct parabola_opts, scale),
     .def = "1", .ranged = 1, .lo = 0, .hi = INFINITY, .lo_open = 1, .doc = "curvature a in a*(x-c)^2"},
    {.name = "offset", .type = PARAM_DOUBLE, .offset = offsetof(struct parabola_opts, offset),
     .def = "0", .doc = "value at the minimum"},
    {0},
};

static int parabola_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    b[0] = (struct model_block){"x", 1, 1};
    return 1;
}

static void parabola_init(const void *o, const struct dataset *d, double *theta)
{
    theta[0] = ((const struct parabola_opts *)o)->x0;
}

static double parabola_objective(const void *o, double x)
{
    const struct parabola_opts *p = o;
    return p->scale * (x - p->center) * (x - p->center) + p->offset;
}

static double parabola_loss(const void *o, const double *theta, const struct dataset *d)
{
    return parabola_objective(o, theta[0]);
}

static void parabola_grad(const void *o, const double *theta, const struct dataset *d, double *g)
{
    const struct parabola_opts *p = o;
    g[0] = 2 * p->scale * (theta[0] - p->center);
}

static double parabola_minimum(const void *o)
{
    return ((const struct parabola_opts *)o)->center;
}

const struct model_kind model_parabola = {
    .head = {.name = "parabola",
             .summary = "the curve y = scale*(x - center)^2 + offset, descended in x",
             .params = parabola_params, .opts_size = sizeof(struct parabola_opts),
             .provides = (const char *const[]){"gradient", "objective-1d", NULL}},
    .loss_label = "y",
    .layout = parabola_layout,
    .init = parabola_init,
    .loss = parabola_loss,
    .grad = parabola_grad,
    .objective = parabola_objective,
    .minimum = parabola_minimum,
};
