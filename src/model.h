/* model: what is being learned, as descriptors.
 *
 * A model kind has parameters theta, laid out as named blocks (a scalar
 * such as "b", a vector such as the weights "w" of d features, a matrix);
 * each block becomes one trace channel of the same shape, and theta is the
 * blocks one after the other. The layout may depend on the options and the
 * data (k centroids, d features). A model has a loss over the dataset and,
 * if a gradient trainer can learn it, its gradient. What else it offers is
 * declared in head.provides, and each offer has its function:
 *
 *   "gradient"      grad
 *   "predict-1d"    predict         y from one x, for data plots
 *   "line-mse"      (linear only)   the loss is the MSE of w x + b: the
 *                                   loss surface is computed from moments
 *   "objective-1d"  objective, minimum   a curve f(x) that is descended
 *   "centroids"     (centroids)     k points in the plane
 *   "classify"      classify        class probabilities from d features
 *
 * head.requires names what it needs from the data ("data-1d", "labels").
 * Options (initial values, shape) come from the kind's param table.
 * Trainers only see this interface, so one gradient descent serves them all. */
#ifndef MODEL_H
#define MODEL_H

#include "data.h"
#include "kind.h"
#include "param.h"

struct model_block {
    const char *name;           /* static, or a name the kind owns */
    int rows, cols;             /* 1 x 1: a scalar */
};

#define MODEL_MAX_BLOCKS 64

struct model_kind {
    struct kind_head head;
    const char *loss_label;             /* how frames name the loss: "MSE", "y" */
    /* The parameter blocks for these options and this data, into
     * b[0..MODEL_MAX_BLOCKS); returns how many. d may be empty (n = 0, d = 0)
     * when the data failed to load: the layout must still be usable. */
    int (*layout)(const void *opts, const struct dataset *d, struct model_block *b);
    /* Starting values (may depend on the data, e.g. centroids picked from it). */
    void (*init)(const void *opts, const struct dataset *d, double *theta);
    double (*loss)(const void *opts, const double *theta, const struct dataset *d);
    void (*grad)(const void *opts, const double *theta, const struct dataset *d, double *g);
    double (*predict)(const void *opts, const double *theta, double x);
    double (*objective)(const void *opts, double x);
    double (*minimum)(const void *opts);       /* argmin of objective; NULL if unknown */
    /* P(class c | x) for c in 0..d->nclasses-1 into p, from the d features x. */
    void (*classify)(const void *opts, const double *theta, const struct dataset *d,
                     const double *x, double *p);
    /* Checks between options (and the dataset) that a param table cannot
     * express; reports located errors under node (the model mapping) and
     * returns -1, or 0. May be NULL. d->n is 0 if the data failed to load. */
    int (*check)(const void *opts, const struct snode *node, const struct dataset *d);
};

const struct model_kind *model_find(const char *name);
/* The number of parameters (the size of theta) for these options and data. */
int model_nparams(const struct model_kind *m, const void *opts, const struct dataset *d);

extern const struct model_kind model_centroids;
extern const struct model_kind model_linear;
extern const struct model_kind model_logistic;

/* ---- the centroid model (k-means) ----
 * Parameters c1x, c1y, c2x, ... for the scene's k centroids. Shared by the
 * kmeans trainer and the clusters panel so both assign points the same
 * way. */
#define CENTROIDS_MAX 8

/* k of a centroid model's options. */
int centroids_k(const void *opts);
/* Index of the centroid nearest to (x, y) among the k in theta (x, y pairs);
 * ties go to the lowest index. *d2 (may be NULL) gets the squared distance. */
int centroids_nearest(const double *theta, int k, double x, double y, double *d2);

/* ---- the polynomial regression model (trainer 'solve' fits it) ----
 * The fit its options describe, for regress_fit (regress.h). */
struct regress_spec;
void polynomial_regress_spec(const void *opts, struct regress_spec *s);

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

/* ---- numbers that stay finite ----
 * sqrt(sum v[i]^2) and mean(v[i]^2) computed with a running scale, so that
 * a result a double can hold is not lost to an overflowing sum (the plain
 * sum of squares overflows once a component passes about 1e154). Callers
 * take the plain sum first and come here only when it is not finite, so
 * ordinary runs keep their exact bits. */
double model_norm2(const double *v, int n);
/* Accumulates mean of squares: start with {0}, add values, read the mean. */
struct sqmean {
    double scale, sum;          /* mean = scale^2 * sum / n */
    long n;
};
void sqmean_add(struct sqmean *m, double v);
double sqmean_value(const struct sqmean *m);

#endif
