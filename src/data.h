/* data: the datasets a lesson learns from.
 *
 * A dataset has n rows of d feature columns (x, row-major: x[i*d + j]), and
 * optionally a numeric target y (regression), an integer class label with
 * class names (classification), and a fixed-size grey or RGB image per row
 * (image lessons). Which of these a dataset has decides the capabilities it
 * provides to a run (dataset_capabilities): "data-1d" (one feature and a
 * target y), "data-2d" (two features: points in the plane), "labels",
 * "images".
 *
 * Each data kind (generator or loader) is a descriptor in src/data/ with a
 * parameter table; `make` builds the dataset from validated options and the
 * scene's random stream. Loaders resolve files relative to the script's
 * folder and then the project's assets/ folder, and report problems located
 * in the data file itself (assets/x.csv:5:3: error: ...). */
#ifndef DATA_H
#define DATA_H

#include <assert.h>

#include <stdint.h>
#include "diag.h"
#include "kind.h"
#include "param.h"
#include "rng.h"

#define DATA_MAX_CLASSES 64

struct dataset {
    int n;                      /* rows */
    int d;                      /* feature columns */
    double *x;                  /* n*d, row-major; owned */
    double *y;                  /* n targets, or NULL; owned */
    int *label;                 /* n labels in 0..nclasses-1, or NULL; owned */
    int nclasses;
    char **class_names;         /* nclasses names, or NULL (then "0", "1", ...); owned */
    char **feature_names;       /* d names, or NULL; owned */
    /* Images, one per row: img_w x img_h pixels of img_channels (1 grey,
     * 3 RGB) bytes, row after row; NULL when the data has none. */
    int img_w, img_h, img_channels;
    unsigned char *img;         /* n * img_w * img_h * img_channels; owned */
    /* Drawn from the scene's random stream right after the data, for later
     * random choices about this data (e.g. which points become the first
     * k-means centroids), so those follow the scene's seed too. */
    uint64_t seed;
    /* The curve the targets were drawn around, without the noise: y =
     * truth(d, x), its parameters in truth_p (a static function set by the
     * data kind). NULL when the kind knows none (files, classes). Splits
     * keep it. */
    double (*truth)(const struct dataset *d, double x);
    double truth_p[4];
    double truth_lo, truth_hi;  /* the x it was drawn from (lo < hi), or 0, 0 */
};

/* Feature j of row i. */
static inline double dataset_x(const struct dataset *s, int i, int j)
{
    assert(i >= 0 && i < s->n && j >= 0 && j < s->d);
    return s->x[(size_t)i * (size_t)s->d + (size_t)j];
}

/* Row i as a point in the plane: its two features, or its one feature and
 * its target (0 without one). For data that provides "points". */
static inline void dataset_point(const struct dataset *s, int i, double *px, double *py)
{
    if (s->d >= 2) {
        *px = s->x[(size_t)i * (size_t)s->d];
        *py = s->x[(size_t)i * (size_t)s->d + 1];
    } else {
        *px = s->x[i];
        *py = s->y ? s->y[i] : 0;
    }
}

/* Allocates x (n*d) and, as asked, y and label, all zeroed; sets n and d. */
void dataset_alloc(struct dataset *s, int n, int d, int with_y, int with_label);
/* Gives the dataset nclasses classes named names[0..] (copied; NULL names
 * them "0", "1", ...). */
void dataset_set_classes(struct dataset *s, int nclasses, const char *const *names);
/* The name of class c ("0" ... when the data has no names). */
const char *dataset_class_name(const struct dataset *s, int c, char *buf, size_t n);
void dataset_release(struct dataset *s);    /* leaves it empty; releasing twice is fine */
/* What this dataset provides (see above) added to caps. */
void dataset_capabilities(const struct dataset *s, struct capset *caps);

/* A seeded train/test split: a random permutation of the rows (from seed),
 * the first round(n * test_fraction) of it become the test set, the rest
 * the training set, each keeping the original order of its rows. Both are
 * complete datasets (features, target, labels, class names, images) owned
 * by the caller. With labels and stratify set, each class is split in the
 * same proportion. Returns 0, or -1 when either part would be empty. */
int dataset_split(const struct dataset *s, double test_fraction, uint64_t seed, int stratify,
                  struct dataset *train, struct dataset *test);

struct data_ctx {
    const char *script_dir;     /* folder of the scene script */
    const struct diag_loc *loc; /* where the data section is, for errors */
    const struct snode *node;   /* the data mapping */
};

struct data_kind {
    struct kind_head head;      /* head.provides: what it can provide */
    /* 0, or -1 after reporting. out is zeroed on entry and released by the
     * caller whatever make returns. */
    int (*make)(const void *opts, struct rng *r, const struct data_ctx *ctx, struct dataset *out);
};

const struct data_kind *data_find(const char *name);

#endif
