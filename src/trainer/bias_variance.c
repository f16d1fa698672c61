/* trainer bias-variance: retrains a polynomial model again and again on
 * fresh samples of the same population and throws a dart for each: the
 * dart is the retrained model's error against the noiseless curve at two
 * query points, (f^(a) - f(a), f^(b) - f(b)), so the bullseye is a
 * perfect prediction at both and every dart's distance from it is that
 * model's error. The scene's data is the population (a large sample of a
 * generator that knows its curve, such as data 'polynomial'); each
 * retraining draws `sample` of its rows without replacement.
 *
 * Record k holds the k-th dart and the statistics of darts 1..k, the
 * population moments over the darts (divided by k, as regress_bias_variance
 * divides by its rounds), summed over the two query points:
 *   bias2    = |mean dart|^2       how far off-centre the darts land on average
 *   variance = mean |dart - mean|^2    how much they scatter
 *   mse      = mean |dart|^2 = bias2 + variance   (exactly, up to rounding)
 * Record 0 is the board before the first dart (no statistics: NaN).
 *
 * Samples come from the data's seed, not the model's options, so runs on
 * the same data with the same `sample` see the same samples: four boards
 * differ only by what they were told to differ by. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "regress.h"
#include "resample.h"
#include "trainer.h"
#include "util.h"

struct bv_opts {
    int rounds, sample;
    struct param_numbers query;
};

static const struct param_spec bv_params[] = {
    {.name = "rounds", .type = PARAM_INT, .offset = offsetof(struct bv_opts, rounds),
     .def = "30", .ranged = 1, .lo = 1, .hi = 10000,
     .doc = "retrainings on fresh samples: one dart (and one record) each"},
    {.name = "sample", .type = PARAM_INT, .offset = offsetof(struct bv_opts, sample),
     .def = "20", .ranged = 1, .lo = 2, .hi = 1000000,
     .doc = "rows of the data each retraining is fitted to (drawn without replacement)"},
    {.name = "query", .type = PARAM_NUMBERS, .offset = offsetof(struct bv_opts, query),
     .def = "-1.5,1", .count = 2, .ranged = 1, .lo = -1e12, .hi = 1e12,
     .doc = "the two x values a dart's coordinates are the errors at"},
    {0},
};

static const char *const bv_channels[] = {"dart", "err_a", "err_b", "pred_a", "pred_b",
                                          "truth_a", "truth_b", "query_a", "query_b",
                                          "mean_a", "mean_b", "bias2", "variance", "mse",
                                          "distance", "sample", "degree", NULL};

static long long bv_max_steps(const void *o)
{
    return ((const struct bv_opts *)o)->rounds;
}

static int bv_check(const void *o, const struct snode *node)
{
    const struct bv_opts *opt = o;
    if (opt->query.n == 2 && opt->query.v[0] == opt->query.v[1]) {
        const struct snode *v = snode_get(node, "query");
        diag_error(v ? &v->loc : &node->loc, "the two 'query' points of trainer "
                   "'bias-variance' must differ (both are %g)", opt->query.v[0]);
        return -1;
    }
    return 0;
}

extern const struct model_kind model_polynomial;

/* What bv_run would refuse about the data and the model, located before
 * anything runs. */
static int bv_check_data(const void *o, const struct snode *node, const struct dataset *d,
                         const struct run *r)
{
    const struct bv_opts *opt = o;
    const struct snode *v = snode_get(node, "sample");
    const struct diag_loc *at = v ? &v->loc : &node->loc;
    if (!d->truth) {
        diag_error(&node->loc, "trainer 'bias-variance' measures errors against the curve the "
                   "data was drawn around: it needs data that knows that curve (such as "
                   "'polynomial' or 'line')");
        return -1;
    }
    if (opt->sample > d->n) {
        diag_error(at, "trainer 'bias-variance' draws samples of %d rows from data of %d: "
                   "raise the data's n or lower 'sample'", opt->sample, d->n);
        return -1;
    }
    if (r && r->model == &model_polynomial && r->model_opts) {
        struct regress_spec spec;
        polynomial_regress_spec(r->model_opts, &spec);
        if ((spec.method == REGRESS_RIDGE_CV || spec.method == REGRESS_LASSO_CV) &&
            spec.folds > opt->sample) {
            diag_error(at, "trainer 'bias-variance': samples of %d rows cannot make %d folds",
                       opt->sample, spec.folds);
            return -1;
        }
    }
    return 0;
}

static int bv_run(const void *o, const struct run *run, const struct trainer_input *in,
                  struct trace *t)
{
    const struct bv_opts *opt = o;
    const struct dataset *d = in->data;
    const struct model_kind *m = run->model;
    if (!d->truth)
        return diag_fail("trainer 'bias-variance' measures errors against the curve the data "
                         "was drawn around: it needs data that knows that curve (such as "
                         "'polynomial' or 'line')");
    if (opt->sample > d->n)
        return diag_fail("trainer 'bias-variance' draws samples of %d rows from data of %d: "
                         "raise the data's n or lower 'sample'", opt->sample, d->n);
    struct regress_spec spec;
    polynomial_regress_spec(run->model_opts, &spec);
    if ((spec.method == REGRESS_RIDGE_CV || spec.method == REGRESS_LASSO_CV) &&
        spec.folds > opt->sample)
        return diag_fail("trainer 'bias-variance': samples of %d rows cannot make %d folds",
                         opt->sample, spec.folds);

    double qa = opt->query.v[0], qb = opt->query.v[1];
    double fa = d->truth(d, qa), fb = d->truth(d, qb);
    int *perm = xmalloc(sizeof(int) * (size_t)d->n);
    double *xs = xmalloc(sizeof(double) * (size_t)opt->sample);
    double *ys = xmalloc(sizeof(double) * (size_t)opt->sample);
    struct rng r;
    rng_seed(&r, in->seed);
    resample_init(perm, d->n);

    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");
    int c_dart = trace_offset(t, "dart"), c_ea = trace_offset(t, "err_a"),
        c_eb = trace_offset(t, "err_b"), c_pa = trace_offset(t, "pred_a"),
        c_pb = trace_offset(t, "pred_b"), c_ma = trace_offset(t, "mean_a"),
        c_mb = trace_offset(t, "mean_b"), c_b2 = trace_offset(t, "bias2"),
        c_var = trace_offset(t, "variance"), c_mse = trace_offset(t, "mse"),
        c_dist = trace_offset(t, "distance");
    /* Welford's running mean and sum of squared deviations, per point: the
     * variance of scattered darts far from the centre loses nothing to
     * cancellation. */
    double ma = 0, mb = 0, sa = 0, sb = 0, sq = 0;
    int rc = 0;
    trace_stop(t, "end", opt->rounds);
    for (int k = 0; k <= opt->rounds; k++) {
        double *row = trace_append(t);
        row[0] = k;
        row[c_dart] = k;
        row[trace_offset(t, "truth_a")] = fa;
        row[trace_offset(t, "truth_b")] = fb;
        row[trace_offset(t, "query_a")] = qa;
        row[trace_offset(t, "query_b")] = qb;
        row[trace_offset(t, "sample")] = opt->sample;
        row[trace_offset(t, "degree")] = spec.degree;
        double *theta = row + c_theta;
        if (k == 0) {
            m->init(run->model_opts, d, theta);
            row[c_loss] = NAN;
            continue;
        }
        resample_draw(&r, perm, d->n, opt->sample);
        for (int i = 0; i < opt->sample; i++) {
            xs[i] = d->x[perm[i]];
            ys[i] = d->y[perm[i]];
        }
        struct regress_fit f;
        if (regress_fit(&spec, xs, ys, opt->sample, &f) != 0) {
            rc = -1;
            break;
        }
        for (int j = 0; j < spec.degree; j++)
            theta[j] = f.coef[j];
        theta[spec.degree] = f.intercept;
        double pa = regress_predict(&f, qa), pb = regress_predict(&f, qb);
        double ea = pa - fa, eb = pb - fb;
        row[c_loss] = regress_fit_mse(&f, xs, ys, opt->sample);
        row[c_pa] = pa;
        row[c_pb] = pb;
        row[c_ea] = ea;
        row[c_eb] = eb;
        row[c_dist] = sqrt(ea * ea + eb * eb);
        double da = ea - ma, db = eb - mb;
        ma += da / k;
        mb += db / k;
        sa += da * (ea - ma);
        sb += db * (eb - mb);
        sq += ea * ea + eb * eb;
        row[c_ma] = ma;
        row[c_mb] = mb;
        row[c_b2] = ma * ma + mb * mb;
        row[c_var] = (sa + sb) / k;
        row[c_mse] = sq / k;
        if (!isfinite(row[c_dist]) || !isfinite(row[c_mse])) {
            trace_stop(t, "diverged", k);
            break;
        }
        if (k < opt->rounds && interrupt_requested()) {
            rc = diag_fail("interrupted while retraining, at dart %d", k);
            break;
        }
    }
    free(perm);
    free(xs);
    free(ys);
    return rc;
}

const struct trainer_kind trainer_bias_variance = {
    .head = {.name = "bias-variance",
             .summary = "retrains a polynomial model on fresh samples of the data: each fit a "
                        "dart (its errors at two query points), with bias^2 and variance",
             .params = bv_params, .opts_size = sizeof(struct bv_opts),
             .provides = (const char *const[]){"darts", NULL},
             .requires = (const char *const[]){"polynomial-fit", NULL}},
    .channels = bv_channels,
    .run = bv_run,
    .max_steps = bv_max_steps,
    .check = bv_check,
    .check_data = bv_check_data,
};
