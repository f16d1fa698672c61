/* data gaussian-classes: labelled 2-D Gaussian blobs, one class per given
 * centre, for classifiers whose classes overlap by a chosen spread. Two
 * features, a label, no target. (Unlabelled blobs for k-means are the blobs
 * kind.) */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "data.h"
#include "util.h"

struct gaussian_classes_opts {
    struct param_numbers centers;   /* x1, y1, x2, y2, ... */
    double spread;
    int n;
    const char *names;              /* "a, b, ..." or NULL */
};

static const struct param_spec gaussian_classes_params[] = {
    {.name = "centers", .type = PARAM_NUMBERS,
     .offset = offsetof(struct gaussian_classes_opts, centers), .def = "-2,-2,2,2",
     .doc = "class centres as x, y pairs: [x1, y1, x2, y2, ...], one class each"},
    {.name = "spread", .type = PARAM_DOUBLE, .offset = offsetof(struct gaussian_classes_opts, spread),
     .def = "1", .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "standard deviation of each class around its centre (both axes)"},
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct gaussian_classes_opts, n),
     .def = "100", .ranged = 1, .lo = 1, .hi = 100000, .doc = "points per class"},
    {.name = "names", .type = PARAM_STRING, .offset = offsetof(struct gaussian_classes_opts, names),
     .doc = "class names, comma-separated, one per centre (default 0, 1, ...)"},
    {0},
};

static const struct diag_loc *gaussian_classes_at(const struct data_ctx *ctx, const char *key)
{
    const struct snode *v = snode_get(ctx->node, key);
    return v ? &v->loc : ctx->loc;
}

/* Splits text at commas into names[0..] (pointers into text, which it
 * edits), trimming blanks; the count, or -1 if one is empty or there are
 * more than max. */
static int gaussian_classes_names(char *text, char **names, int max)
{
    int n = 0;
    for (char *s = text;;) {
        char *comma = strchr(s, ',');
        char *end = comma ? comma : s + strlen(s);
        while (*s == ' ' || *s == '\t')
            s++;
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end == s || n == max)
            return -1;
        *end = '\0';
        names[n++] = s;
        if (!comma)
            return n;
        s = comma + 1;
    }
}

static int gaussian_classes_make(const void *o, struct rng *r, const struct data_ctx *ctx,
                                 struct dataset *d)
{
    const struct gaussian_classes_opts *opt = o;
    const struct param_numbers *c = &opt->centers;
    if (c->n % 2 != 0 || c->n < 2 || c->n > 2 * DATA_MAX_CLASSES) {
        diag_error(gaussian_classes_at(ctx, "centers"), "'centers' in data 'gaussian-classes' "
                   "must be x, y pairs: an even count of 2 to %d numbers (got %d)",
                   2 * DATA_MAX_CLASSES, c->n);
        return -1;
    }
    int k = c->n / 2;
    char *text = NULL;
    char *names[DATA_MAX_CLASSES];
    if (opt->names) {
        text = xstrdup(opt->names);
        int got = gaussian_classes_names(text, names, DATA_MAX_CLASSES);
        if (got != k) {
            diag_error(gaussian_classes_at(ctx, "names"), "'names' in data 'gaussian-classes' "
                       "must be %d non-empty names separated by commas, one per centre "
                       "(got '%s')", k, opt->names);
            free(text);
            return -1;
        }
    }
    dataset_alloc(d, k * opt->n, 2, 0, 1);
    dataset_set_classes(d, k, text ? (const char *const *)names : NULL);
    free(text);
    /* Class by class: point i belongs to class i / n; draws alternate x, y
     * as the blobs kind's do. */
    for (int i = 0; i < d->n; i++) {
        int j = i / opt->n;
        double cx = c->v[2 * j], cy = c->v[2 * j + 1];
        d->x[2 * i] = opt->spread > 0 ? rng_normal(r, cx, opt->spread) : cx;
        d->x[2 * i + 1] = opt->spread > 0 ? rng_normal(r, cy, opt->spread) : cy;
        d->label[i] = j;
    }
    d->seed = rng_next(r);
    return 0;
}

const struct data_kind data_gaussian_classes = {
    .head = {.name = "gaussian-classes",
             .summary = "labelled 2-D Gaussian blobs, one class per given centre",
             .params = gaussian_classes_params, .opts_size = sizeof(struct gaussian_classes_opts),
             .provides = (const char *const[]){"data", "points", "labels", NULL}},
    .make = gaussian_classes_make,
};
