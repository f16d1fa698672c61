/* trainer kmeans: Lloyd's algorithm on the centroid model.
 *
 * Each iteration is two steps, and each is recorded, so a lesson can show
 * them apart: assign (every point joins its nearest centroid) and update
 * (every centroid moves to the mean of its points; one left without points
 * stays where it is). Record 0 is the start. The loss is the k-means
 * objective for the record's assignment and centroids: the sum of squared
 * distances from each point to its own centroid (at the start, to the
 * nearest one). Neither step can increase it. Stops when an assign step
 * changes no point's cluster ("converged": the update that would follow
 * cannot move anything), or after max_iter iterations.
 *
 * Channels besides the centroids and the loss: iteration (0 at the start),
 * phase (0 start, 1 assign, 2 update), changed (points whose cluster the
 * assign step changed; all of them the first time), shift (how far the
 * update moved the furthest centroid) and k. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "trainer.h"
#include "util.h"

struct kmeans_opts {
    int max_iter;
};

static const struct param_spec kmeans_params[] = {
    {.name = "max_iter", .type = PARAM_INT, .offset = offsetof(struct kmeans_opts, max_iter),
     .def = "100", .ranged = 1, .lo = 1, .hi = 100000,
     .doc = "at most this many iterations (an assign step and an update step each)"},
    {0},
};

static const char *const kmeans_channels[] = {"iteration", "phase", "changed", "shift", "k", NULL};

enum { PHASE_START, PHASE_ASSIGN, PHASE_UPDATE };

struct kmeans_rec {
    struct trace *t;
    int np, c_loss, c_iter, c_phase, c_changed, c_shift, c_k;
    int k;
    int step;
};

static void record(struct kmeans_rec *kr, const double *theta, int iter, int phase, double loss,
                   double changed, double shift)
{
    double *row = trace_append(kr->t);
    row[0] = kr->step++;
    for (int i = 0; i < kr->np; i++)
        row[1 + i] = theta[i];
    row[kr->c_loss] = loss;
    row[kr->c_iter] = iter;
    row[kr->c_phase] = phase;
    row[kr->c_changed] = changed;
    row[kr->c_shift] = shift;
    row[kr->c_k] = kr->k;
}

/* Sum of squared distances from each point to centroid a[i]. */
static double objective(const double *theta, const int *a, const struct dataset *d)
{
    double sum = 0;
    for (int i = 0; i < d->n; i++) {
        double dx = d->x[i] - theta[2 * a[i]], dy = d->y[i] - theta[2 * a[i] + 1];
        sum += dx * dx + dy * dy;
    }
    return sum;
}

static int kmeans_run(const void *o, const struct model_kind *m, const void *mopts,
                      const struct dataset *d, struct trace *t)
{
    const struct kmeans_opts *opt = o;
    double theta[MODEL_MAX_PARAMS];
    struct kmeans_rec kr = {
        .t = t, .np = model_nparams(m, mopts), .c_loss = trace_channel(t, "loss"),
        .c_iter = trace_channel(t, "iteration"), .c_phase = trace_channel(t, "phase"),
        .c_changed = trace_channel(t, "changed"), .c_shift = trace_channel(t, "shift"),
        .c_k = trace_channel(t, "k"), .k = centroids_k(mopts),
    };
    int k = kr.k, n = d->n;
    if (m->init_data)
        m->init_data(mopts, d, theta);
    else
        m->init(mopts, theta);
    int *a = xmalloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        a[i] = -1;

    record(&kr, theta, 0, PHASE_START, m->loss(mopts, theta, d), NAN, NAN);
    t->stop_reason = "max_steps";
    for (int iter = 1; iter <= opt->max_iter; iter++) {
        int changed = 0;
        for (int i = 0; i < n; i++) {
            int j = centroids_nearest(theta, k, d->x[i], d->y[i], NULL);
            changed += j != a[i];
            a[i] = j;
        }
        record(&kr, theta, iter, PHASE_ASSIGN, objective(theta, a, d), changed, NAN);
        if (changed == 0) {
            t->stop_reason = "converged";
            break;
        }

        double sx[CENTROIDS_MAX] = {0}, sy[CENTROIDS_MAX] = {0}, shift = 0;
        int cnt[CENTROIDS_MAX] = {0};
        for (int i = 0; i < n; i++) {
            sx[a[i]] += d->x[i];
            sy[a[i]] += d->y[i];
            cnt[a[i]]++;
        }
        for (int j = 0; j < k; j++) {
            if (!cnt[j])
                continue;       /* an empty cluster keeps its centroid */
            double nx = sx[j] / cnt[j], ny = sy[j] / cnt[j];
            shift = fmax(shift, hypot(nx - theta[2 * j], ny - theta[2 * j + 1]));
            theta[2 * j] = nx;
            theta[2 * j + 1] = ny;
        }
        record(&kr, theta, iter, PHASE_UPDATE, objective(theta, a, d), NAN, shift);
    }
    free(a);
    return 0;
}

const struct trainer_kind trainer_kmeans = {
    .name = "kmeans",
    .summary = "Lloyd's k-means: assign points to the nearest centroid, move centroids to the means",
    .params = kmeans_params,
    .opts_size = sizeof(struct kmeans_opts),
    .channels = kmeans_channels,
    .model = "centroids",
    .run = kmeans_run,
};
