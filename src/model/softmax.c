/* model softmax: one softmax layer, y_i = e^{x_i/T} / sum_j e^{x_j/T},
 * turning k scores x (logits) into probabilities that sum to one.
 *
 * Nothing trains it: it is the computation a lesson takes apart. Its
 * blocks are the scores and every intermediate value, so the trace holds
 * each number a frame shows: x (the scores), T, ex (e^{x_i/T}), sum
 * (their sum) and p (the probabilities); its "loss" is the sum too (the
 * normaliser). The probabilities come from x - max(x) (nn_softmax), so
 * they stay finite and sum to one even where e^{x/T} itself overflows and
 * is recorded as inf. The temperature T sharpens (T < 1) or flattens
 * (T > 1) the distribution; T = 1 is the plain softmax. */
#include <math.h>
#include <stddef.h>
#include "model.h"
#include "nn.h"

#define SOFTMAX_MAX 16

struct softmax_opts {
    struct param_numbers scores;
    double temperature;
};

static const struct param_spec softmax_params[] = {
    {.name = "scores", .type = PARAM_NUMBERS, .offset = offsetof(struct softmax_opts, scores),
     .def = "2.3,7.9,0.8,5.1", .ranged = 1, .lo = -1000, .hi = 1000,
     .doc = "the scores (logits) x_1 ... x_k, 2 to 16 of them"},
    {.name = "temperature", .type = PARAM_DOUBLE,
     .offset = offsetof(struct softmax_opts, temperature), .def = "1", .ranged = 1, .lo = 0,
     .hi = 1000, .lo_open = 1, .doc = "T in e^{x_i/T}: below 1 sharper, above 1 flatter"},
    {0},
};

/* k, always usable for naming channels (check() refuses a wrong count). */
static int nscores(const struct softmax_opts *o)
{
    return o->scores.n < 1 ? 1 : o->scores.n > SOFTMAX_MAX ? SOFTMAX_MAX : o->scores.n;
}

static int softmax_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    int k = nscores(o);
    b[0] = (struct model_block){"x", 1, k};
    b[1] = (struct model_block){"T", 1, 1};
    b[2] = (struct model_block){"ex", 1, k};
    b[3] = (struct model_block){"sum", 1, 1};
    b[4] = (struct model_block){"p", 1, k};
    return 5;
}

static void softmax_init(const void *opts, const struct dataset *d, double *theta)
{
    const struct softmax_opts *o = opts;
    int k = nscores(o);
    double *x = theta, *ex = theta + k + 1, *sum = ex + k, *p = sum + 1, z[SOFTMAX_MAX];
    theta[k] = o->temperature;
    *sum = 0;
    for (int i = 0; i < k; i++) {
        x[i] = i < o->scores.n ? o->scores.v[i] : 0;
        z[i] = x[i] / o->temperature;
        ex[i] = exp(z[i]);
        *sum += ex[i];
    }
    nn_softmax(z, k, p);
}

static double softmax_loss(const void *opts, const double *theta, const struct dataset *d)
{
    const struct softmax_opts *o = opts;
    int k = nscores(o);
    double s = 0;
    for (int i = 0; i < k; i++)
        s += exp(theta[i] / o->temperature);
    return s;
}

static int softmax_check(const void *opts, const struct snode *node, const struct dataset *d)
{
    const struct softmax_opts *o = opts;
    if (o->scores.n >= 2 && o->scores.n <= SOFTMAX_MAX)
        return 0;
    const struct snode *v = snode_get(node, "scores");
    diag_error(v ? &v->loc : node ? &node->loc : NULL, "'scores' in model 'softmax' must give "
               "2 to %d scores (got %d)", SOFTMAX_MAX, o->scores.n);
    return -1;
}

const struct model_kind model_softmax = {
    .head = {.name = "softmax",
             .summary = "one softmax layer y_i = e^{x_i/T} / sum_j e^{x_j/T} over given scores, "
                        "with every intermediate value as a channel",
             .params = softmax_params, .opts_size = sizeof(struct softmax_opts),
             .provides = (const char *const[]){"softmax", NULL}},
    .loss_label = "sum",
    .layout = softmax_layout,
    .init = softmax_init,
    .loss = softmax_loss,
    .check = softmax_check,
};
