/* model centroids: k points in the plane, the parameters k-means adjusts.
 *
 * Each centroid is two parameters (c1x, c1y, c2x, ...), so the trace records
 * where every centroid is at every step and the clusters panel can redraw
 * the assignment from them; the layout has the scene's k centroids. The
 * data are points in the plane (two features, or x and y: dataset_point).
 * The starting centroids are given, or k
 * distinct data points picked with the dataset's seed (so with the scene's
 * seed). Its "loss" is the inertia: the sum over points of the squared
 * distance to the nearest centroid. There is no gradient: only the kmeans
 * trainer moves it. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "model.h"
#include "rng.h"

struct centroids_opts {
    int k;
    struct param_numbers init;
};

static const struct param_spec centroids_params[] = {
    {.name = "k", .type = PARAM_INT, .offset = offsetof(struct centroids_opts, k), .def = "3",
     .ranged = 1, .lo = 1, .hi = CENTROIDS_MAX, .doc = "number of centroids"},
    {.name = "init", .type = PARAM_NUMBERS, .offset = offsetof(struct centroids_opts, init),
     .doc = "starting centroids [x1, y1, x2, y2, ...], or k x values for 1-D data "
            "(default: k data points picked with the seed)"},
    {0},
};

static const char *const centroids_names[2 * CENTROIDS_MAX] = {
    "c1x", "c1y", "c2x", "c2y", "c3x", "c3y", "c4x", "c4y",
    "c5x", "c5y", "c6x", "c6y", "c7x", "c7y", "c8x", "c8y",
};

int centroids_k(const void *opts)
{
    return ((const struct centroids_opts *)opts)->k;
}

int centroids_nearest(const double *theta, int k, double x, double y, double *d2)
{
    int best = 0;
    double bd = INFINITY;
    for (int j = 0; j < k; j++) {
        double dx = x - theta[2 * j], dy = y - theta[2 * j + 1], dd = dx * dx + dy * dy;
        if (dd < bd) {
            bd = dd;
            best = j;
        }
    }
    if (d2)
        *d2 = bd;
    return best;
}

static int centroids_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    int k = centroids_k(o);
    for (int i = 0; i < 2 * k; i++)
        b[i] = (struct model_block){centroids_names[i], 1, 1};
    return 2 * k;
}

/* The given centroids; NaN where they come from the data. */
static void centroids_given(const void *o, double *theta)
{
    const struct centroids_opts *opt = o;
    for (int i = 0; i < 2 * opt->k; i++)
        theta[i] = NAN;
    int pairs = opt->init.n == 2 * opt->k;
    for (int j = 0; opt->init.n && j < opt->k; j++) {
        theta[2 * j] = opt->init.v[pairs ? 2 * j : j];
        theta[2 * j + 1] = pairs ? opt->init.v[2 * j + 1] : 0;
    }
}

/* Without given centroids: k distinct points of the data, chosen by a
 * partial Fisher-Yates shuffle of the indices. */
static void centroids_init(const void *o, const struct dataset *d, double *theta)
{
    const struct centroids_opts *opt = o;
    centroids_given(o, theta);
    if (opt->init.n || d->n < opt->k)
        return;
    struct rng r;
    rng_seed(&r, d->seed);
    int *idx = malloc(sizeof(int) * (size_t)d->n);
    if (!idx)
        return;
    for (int i = 0; i < d->n; i++)
        idx[i] = i;
    for (int j = 0; j < opt->k; j++) {
        int pick = j + (int)(rng_next(&r) % (uint64_t)(d->n - j));
        int t = idx[j];
        idx[j] = idx[pick];
        idx[pick] = t;
        dataset_point(d, idx[j], &theta[2 * j], &theta[2 * j + 1]);
    }
    free(idx);
}

/* Inertia: squared distance of every point to its nearest centroid. */
static double centroids_loss(const void *o, const double *theta, const struct dataset *d)
{
    int k = centroids_k(o);
    double sum = 0, d2;
    for (int i = 0; i < d->n; i++) {
        double px, py;
        dataset_point(d, i, &px, &py);
        centroids_nearest(theta, k, px, py, &d2);
        sum += d2;
    }
    return sum;
}

static int centroids_check(const void *o, const struct snode *node, const struct dataset *d)
{
    const struct centroids_opts *opt = o;
    if (opt->init.n && opt->init.n != 2 * opt->k && opt->init.n != opt->k) {
        const struct snode *v = snode_get(node, "init");
        diag_error(&v->loc, "'init' in model 'centroids' must give k = %d centroids as x, y pairs "
                   "(%d numbers) or, for 1-D data, %d x values (got %d)", opt->k, 2 * opt->k,
                   opt->k, opt->init.n);
        return -1;
    }
    if (opt->init.n == opt->k && d->n > 0 && d->d >= 2) {
        /* k numbers are k x values: only for 1-D data (for k = 2 on points
         * in the plane, [0, 1] would otherwise silently mean x = 0 and 1). */
        const struct snode *v = snode_get(node, "init");
        diag_error(&v->loc, "'init' in model 'centroids' must give k = %d centroids as x, y pairs "
                   "(%d numbers) for data in the plane (got %d)", opt->k, 2 * opt->k, opt->init.n);
        return -1;
    }
    if (!opt->init.n && d->n > 0 && d->n < opt->k) {
        const struct snode *v = snode_get(node, "k");
        diag_error(v ? &v->loc : &node->loc, "model 'centroids' picks its k = %d starting centroids "
                   "from the data, which has only %d point%s (give 'init' or a smaller k)", opt->k,
                   d->n, d->n == 1 ? "" : "s");
        return -1;
    }
    return 0;
}

const struct model_kind model_centroids = {
    .head = {.name = "centroids",
             .summary = "k centroids in the plane (c1x, c1y, ...), inertia as the loss; for kmeans",
             .params = centroids_params, .opts_size = sizeof(struct centroids_opts),
             .provides = (const char *const[]){"centroids", NULL},
             .requires = (const char *const[]){"points", NULL}},
    .loss_label = "inertia",
    .layout = centroids_layout,
    .init = centroids_init,
    .loss = centroids_loss,
    .check = centroids_check,
};
