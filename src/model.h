/* model: what is being learned, as descriptors.
 *
 * A model kind has parameters theta (named: they become trace channels), a
 * loss over the dataset and its gradient, and optionally a prediction y(x)
 * (for data plots) or a 1-D objective f(x) (for lessons that descend a
 * curve). Options (initial values, shape) come from the kind's param table.
 * Trainers only see this interface, so one gradient descent serves them all. */
#ifndef MODEL_H
#define MODEL_H

#include "data.h"
#include "param.h"

/* Enough for the centroid model's 8 centroids (x and y each). */
#define MODEL_MAX_PARAMS 16

struct model_kind {
    const char *name;
    const char *summary;
    const struct param_spec *params;
    size_t opts_size;
    int nparams;
    const char *const *param_names;     /* trace channel per parameter */
    int needs_data;
    const char *loss_label;             /* how frames name the loss: "MSE", "y" */
    void (*init)(const void *opts, double *theta);
    /* Starting values that depend on the data (e.g. centroids picked from
     * it); trainers call this instead of init when it is set. May be NULL. */
    void (*init_data)(const void *opts, const struct dataset *d, double *theta);
    double (*loss)(const void *opts, const double *theta, const struct dataset *d);
    /* NULL for models no gradient trainer can learn (see trainer_check_model). */
    void (*grad)(const void *opts, const double *theta, const struct dataset *d, double *g);
    double (*predict)(const void *opts, const double *theta, double x);    /* may be NULL */
    double (*objective)(const void *opts, double x);                       /* may be NULL */
    double (*minimum)(const void *opts);       /* argmin of objective; NULL if unknown */
    /* Checks between options (and the dataset) that a param table cannot
     * express; reports located errors under node (the model mapping) and
     * returns -1, or 0. May be NULL. d->n is 0 if the data failed to load. */
    int (*check)(const void *opts, const struct snode *node, const struct dataset *d);
    /* How many of the nparams a scene's options use (k-means with k = 3
     * uses 6 of 16), so the trace has no channels that are always empty.
     * NULL: all of them. */
    int (*active_params)(const void *opts);
};

/* The parameters in use with these options: the first model_nparams(). */
int model_nparams(const struct model_kind *m, const void *opts);

extern const struct model_kind *const model_kinds[];   /* sorted, NULL-terminated */
const struct model_kind *model_find(const char *name);

extern const struct model_kind model_centroids;
extern const struct model_kind model_linear;
extern const struct model_kind model_parabola;

/* ---- the centroid model (k-means) ----
 * Parameters c1x, c1y, c2x, ... for CENTROIDS_MAX centroids; those past the
 * scene's k are NaN. Shared by the kmeans trainer and the clusters panel so
 * both assign points the same way. */
#define CENTROIDS_MAX 8

/* k of a centroid model's options. */
int centroids_k(const void *opts);
/* Index of the centroid nearest to (x, y) among the k in theta (x, y pairs);
 * ties go to the lowest index. *d2 (may be NULL) gets the squared distance. */
int centroids_nearest(const double *theta, int k, double x, double y, double *d2);

/* ---- mean squared error of a line from the data's moments ----
 * MSE(w, b) = mean((w x + b - y)^2) is a quadratic form in (w, b):
 *   w^2 xx + 2 w b x + b^2 - 2 w xy - 2 b y + yy
 * with xx = mean(x^2), x = mean(x), xy = mean(x y), y = mean(y), yy = mean(y^2).
 * Five numbers describe the whole loss surface, so a heat map costs a few
 * multiplications per pixel whatever the size of the dataset. */
struct line_moments {
    double xx, x, xy, y, yy;
};

void line_moments_of(const struct dataset *d, struct line_moments *m);
double line_moments_mse(const struct line_moments *m, double w, double b);
/* The least-squares (w, b) and its MSE; -1 when x does not vary (every b on
 * a line of the (w, b) plane fits equally well: no single minimum). */
int line_moments_minimum(const struct line_moments *m, double *w, double *b, double *mse);

#endif
