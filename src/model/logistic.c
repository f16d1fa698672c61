/* model logistic: binary logistic regression on the d features of the data,
 * P(y = 1 | x) = sigma(w . x + b), learned by minimising the mean binary
 * cross-entropy, optionally plus an L2 penalty lambda/2 |w|^2 (the bias is
 * not penalised, as in scikit-learn and most textbooks).
 *
 * Everything is written so that a confident model stays finite: the
 * cross-entropy of one row is softplus(z) - y z with softplus(z) =
 * max(z, 0) + log1p(exp(-|z|)), which never takes log(0) and grows linearly
 * (not to inf) when a prediction is confidently wrong; sigma and 1 - sigma
 * are each computed from exp(-|z|), so neither is the other subtracted from
 * one and p[0] + p[1] = 1 to rounding even at |z| = 800. */
#include <math.h>
#include <stddef.h>
#include "model.h"

struct logistic_opts {
    struct param_numbers w;
    double b;
    double l2;
};

static const struct param_spec logistic_params[] = {
    {.name = "w", .type = PARAM_NUMBERS, .offset = offsetof(struct logistic_opts, w),
     .doc = "initial weights, one per feature of the data (default: all 0)"},
    {.name = "b", .type = PARAM_DOUBLE, .offset = offsetof(struct logistic_opts, b), .def = "0",
     .doc = "initial bias"},
    {.name = "l2", .type = PARAM_DOUBLE, .offset = offsetof(struct logistic_opts, l2), .def = "0",
     .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "L2 penalty lambda: the loss adds lambda/2 * |w|^2 (not on b)"},
    {0},
};

/* Weights per feature; 1 when the data failed to load, so the layout (and
 * the trace channels validation checks templates against) still exists. */
static int nweights(const struct dataset *d)
{
    return d && d->d >= 1 ? d->d : 1;
}

static int logistic_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    b[0] = (struct model_block){.name = "w", .rows = 1, .cols = nweights(d)};
    b[1] = (struct model_block){.name = "b", .rows = 1, .cols = 1};
    return 2;
}

static void logistic_init(const void *o, const struct dataset *d, double *theta)
{
    const struct logistic_opts *opt = o;
    int n = nweights(d);
    /* check() refuses a w of another length whenever the data loaded. */
    for (int j = 0; j < n; j++)
        theta[j] = j < opt->w.n ? opt->w.v[j] : 0;
    theta[n] = opt->b;
}

/* z = w . x + b for the d features at x. */
static double logit(const double *theta, int d, const double *x)
{
    double z = theta[d];
    for (int j = 0; j < d; j++)
        z += theta[j] * x[j];
    return z;
}

/* sigma(z) and 1 - sigma(z), both from e = exp(-|z|) in (0, 1]. */
static void sigmoid_pair(double z, double *p0, double *p1)
{
    double e = exp(-fabs(z)), big = 1 / (1 + e), small = e / (1 + e);
    *p1 = z >= 0 ? big : small;
    *p0 = z >= 0 ? small : big;
}

static double softplus(double z)
{
    return fmax(z, 0) + log1p(exp(-fabs(z)));
}

static double penalty(const struct logistic_opts *opt, const double *theta, int d)
{
    if (!(opt->l2 > 0))
        return 0;
    double s = 0;
    for (int j = 0; j < d; j++)
        s += theta[j] * theta[j];
    return 0.5 * opt->l2 * s;
}

static double logistic_loss(const void *o, const double *theta, const struct dataset *d)
{
    const struct logistic_opts *opt = o;
    if (d->n > 0 && !d->label)
        return NAN;             /* validation requires labels; never a crash */
    double sum = 0;
    for (int i = 0; i < d->n; i++) {
        double z = logit(theta, d->d, &d->x[(size_t)i * (size_t)d->d]);
        sum += softplus(z) - (d->label[i] == 1 ? z : 0);
    }
    return (d->n > 0 ? sum / d->n : 0) + penalty(opt, theta, d->d);
}

/* d/dw_j = mean((sigma(z) - y) x_j) + lambda w_j, d/db = mean(sigma(z) - y). */
static void logistic_grad(const void *o, const double *theta, const struct dataset *d, double *g)
{
    const struct logistic_opts *opt = o;
    int m = d->d;
    for (int j = 0; j <= m; j++)
        g[j] = 0;
    if (d->n > 0 && !d->label) {
        for (int j = 0; j <= m; j++)
            g[j] = NAN;
        return;
    }
    for (int i = 0; i < d->n; i++) {
        const double *x = &d->x[(size_t)i * (size_t)m];
        double p0, p1;
        sigmoid_pair(logit(theta, m, x), &p0, &p1);
        /* sigma - y is -p0 for y = 1: no cancellation near p1 = 1. */
        double r = d->label[i] == 1 ? -p0 : p1;
        for (int j = 0; j < m; j++)
            g[j] += r * x[j];
        g[m] += r;
    }
    for (int j = 0; d->n > 0 && j <= m; j++)
        g[j] /= d->n;
    for (int j = 0; j < m; j++)
        g[j] += opt->l2 * theta[j];
}

static void logistic_classify(const void *o, const double *theta, const struct dataset *d,
                              const double *x, double *p)
{
    sigmoid_pair(logit(theta, d->d, x), &p[0], &p[1]);
}

static int logistic_check(const void *o, const struct snode *node, const struct dataset *d)
{
    const struct logistic_opts *opt = o;
    int errors = 0;
    if (opt->w.n && d->n > 0 && opt->w.n != d->d) {
        const struct snode *v = snode_get(node, "w");
        diag_error(v ? &v->loc : node ? &node->loc : NULL,
                   "'w' in model 'logistic' must give one initial weight per feature: the data "
                   "has %d feature%s (got %d number%s)",
                   d->d, d->d == 1 ? "" : "s", opt->w.n, opt->w.n == 1 ? "" : "s");
        errors++;
    }
    /* Data without labels is refused by the capability check ("labels"). */
    if (d->n > 0 && d->label && d->nclasses != 2) {
        const struct snode *v = snode_get(node, "kind");
        diag_error(v ? &v->loc : node ? &node->loc : NULL,
                   "model 'logistic' is a binary classifier: it needs labels of two classes "
                   "(0 and 1), and the data has %d classes", d->nclasses);
        errors++;
    }
    return errors ? -1 : 0;
}

const struct model_kind model_logistic = {
    .head = {.name = "logistic",
             .summary = "binary logistic regression P(y=1|x) = sigma(w.x + b), cross-entropy "
                        "(optional L2 penalty)",
             .params = logistic_params, .opts_size = sizeof(struct logistic_opts),
             .provides = (const char *const[]){"gradient", "classify", NULL},
             .requires = (const char *const[]){"labels", NULL}},
    .loss_label = "cross-entropy",
    .layout = logistic_layout,
    .init = logistic_init,
    .loss = logistic_loss,
    .grad = logistic_grad,
    .classify = logistic_classify,
    .check = logistic_check,
};
