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
    int np, theta, c_loss, c_iter, c_phase, c_changed, c_shift, c_k;
    int k;
    int step;
};

static void record(struct kmeans_rec *kr, const double *theta, int iter, int phase, double loss,
                   double changed, double shift)
{
    double *row = trace_append(kr->t);
    row[0] = kr->step++;
    for (int i = 0; i < kr->np; i++)
        row[kr->theta + i] = theta[i];
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
        double px, py;
        dataset_point(d, i, &px, &py);
        double dx = px - theta[2 * a[i]], dy = py - theta[2 * a[i] + 1];
        sum += dx * dx + dy * dy;
    }
    return sum;
}

static int kmeans_run(const void *o, const struct run *run, const struct trainer_input *in,
                      struct trace *t)
{
    const struct kmeans_opts *opt = o;
    const struct model_kind *m = run->model;
    const void *mopts = run->model_opts;
    const struct dataset *d = in->data;
    double theta[2 * CENTROIDS_MAX];
    struct kmeans_rec kr = {
        .t = t, .np = model_nparams(m, mopts, d),
        .theta = t->chan[TRACE_THETA_CHANNEL].offset, .c_loss = trace_offset(t, "loss"),
        .c_iter = trace_offset(t, "iteration"), .c_phase = trace_offset(t, "phase"),
        .c_changed = trace_offset(t, "changed"), .c_shift = trace_offset(t, "shift"),
        .c_k = trace_offset(t, "k"), .k = centroids_k(mopts),
    };
    int k = kr.k, n = d->n;
    m->init(mopts, d, theta);
    int *a = xmalloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        a[i] = -1;

    record(&kr, theta, 0, PHASE_START, m->loss(mopts, theta, d), NAN, NAN);
    trace_stop(t, "max_steps", 0);
    for (int iter = 1; iter <= opt->max_iter; iter++) {
        if (interrupt_requested()) {
            free(a);
            return diag_fail("interrupted while training, at iteration %d", iter);
        }
        int changed = 0;
        for (int i = 0; i < n; i++) {
            double px, py;
            dataset_point(d, i, &px, &py);
            int j = centroids_nearest(theta, k, px, py, NULL);
            changed += j != a[i];
            a[i] = j;
        }
        record(&kr, theta, iter, PHASE_ASSIGN, objective(theta, a, d), changed, NAN);
        if (changed == 0) {
            trace_stop(t, "converged", kr.step - 1);
            break;
        }

        double sx[CENTROIDS_MAX] = {0}, sy[CENTROIDS_MAX] = {0}, shift = 0;
        int cnt[CENTROIDS_MAX] = {0};
        for (int i = 0; i < n; i++) {
            double px, py;
            dataset_point(d, i, &px, &py);
            sx[a[i]] += px;
            sy[a[i]] += py;
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
        if (iter == opt->max_iter)
            trace_stop(t, "max_steps", kr.step - 1);
    }
    free(a);
    return 0;
}

/* An assign and an update step per iteration. */
static long long kmeans_max_steps(const void *o)
{
    return 2LL * ((const struct kmeans_opts *)o)->max_iter;
}

const struct trainer_kind trainer_kmeans = {
    .head = {.name = "kmeans",
             .summary = "Lloyd's k-means: assign points to the nearest centroid, move centroids to the means",
             .params = kmeans_params, .opts_size = sizeof(struct kmeans_opts),
             .provides = (const char *const[]){"kmeans-steps", NULL},
             .requires = (const char *const[]){"centroids", NULL}},
    .channels = kmeans_channels,
    .run = kmeans_run,
    .max_steps = kmeans_max_steps,
};
