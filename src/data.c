/* data: dataset kinds: `line` (y = slope*x + intercept plus Gaussian noise,
 * at random or given x), `blobs` (2-D Gaussian clusters: x and y are the two
 * coordinates) and `csv` (two columns of a CSV file with a header). */
#include "data.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

void dataset_release(struct dataset *d)
{
    free(d->x);
    free(d->y);
    d->x = d->y = NULL;
    d->n = 0;
    d->seed = 0;
}

char *data_find_asset(const char *script_dir, const char *name, char *tried, size_t ntried)
{
    char *cand[2];
    int n = 0;
    if (name[0] == '/') {
        cand[n++] = xstrdup(name);
    } else {
        cand[n++] = path_join(script_dir, name);
        /* scenes/ sits beside assets/ in the project: ../assets/NAME, or
         * ../NAME when the script already says "assets/...". */
        char *up = strcmp(script_dir, ".") == 0 ? xstrdup("..") : path_dirname(script_dir);
        char *base = strncmp(name, "assets/", 7) == 0 ? xstrdup(up) : path_join(up, "assets");
        cand[n++] = path_join(base, name);
        free(up);
        free(base);
    }
    char *found = NULL;
    size_t used = 0;
    if (ntried)
        tried[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!found && path_exists(cand[i])) {
            found = cand[i];
            continue;
        }
        if (used < ntried)
            used += (size_t)snprintf(tried + used, ntried - used, "%s'%s'", i ? " and " : "", cand[i]);
        free(cand[i]);
    }
    return found;
}

/* ---- line ---------------------------------------------------------------- */

struct line_opts {
    int n;
    double slope, intercept, noise;
    struct param_numbers x_range;
    struct param_numbers x;     /* explicit x values; overrides n and x_range */
};

static const struct param_spec line_params[] = {
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct line_opts, n), .def = "100",
     .ranged = 1, .lo = 1, .hi = 100000, .doc = "number of points (ignored when x is given)"},
    {.name = "slope", .type = PARAM_DOUBLE, .offset = offsetof(struct line_opts, slope),
     .def = "1", .doc = "true slope"},
    {.name = "intercept", .type = PARAM_DOUBLE, .offset = offsetof(struct line_opts, intercept),
     .def = "0", .doc = "true intercept"},
    {.name = "noise", .type = PARAM_DOUBLE, .offset = offsetof(struct line_opts, noise),
     .def = "0", .ranged = 1, .lo = 0, .hi = INFINITY, .doc = "standard deviation of the Gaussian noise on y"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct line_opts, x_range),
     .def = "0,10", .count = 2, .doc = "x drawn uniformly from [lo, hi]"},
    {.name = "x", .type = PARAM_NUMBERS, .offset = offsetof(struct line_opts, x),
     .doc = "explicit x values, in order"},
    {0},
};

static int line_make(const void *o, struct rng *r, const struct data_ctx *ctx, struct dataset *d)
{
    const struct line_opts *opt = o;
    if (opt->x_range.v[1] < opt->x_range.v[0]) {
        const struct snode *v = snode_get(ctx->node, "x_range");
        diag_error(v ? &v->loc : ctx->loc, "'x_range' in data 'line' must be [lo, hi] with lo <= hi");
        return -1;
    }
    int n = opt->x.n ? opt->x.n : opt->n;
    d->n = n;
    d->x = xmalloc(sizeof(double) * (size_t)n);
    d->y = xmalloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++) {
        d->x[i] = opt->x.n ? opt->x.v[i] : rng_range(r, opt->x_range.v[0], opt->x_range.v[1]);
        double e = opt->noise > 0 ? rng_normal(r, 0, opt->noise) : 0;
        d->y[i] = opt->slope * d->x[i] + opt->intercept + e;
    }
    d->seed = rng_next(r);
    return 0;
}

/* ---- blobs --------------------------------------------------------------- */

#define BLOBS_MAX 16

struct blobs_opts {
    struct param_numbers centers;   /* x1, y1, x2, y2, ... */
    int count;
    struct param_numbers box;
    double spread;
    int n;
};

static const struct param_spec blobs_params[] = {
    {.name = "centers", .type = PARAM_NUMBERS, .offset = offsetof(struct blobs_opts, centers),
     .doc = "blob centres as x, y pairs: [x1, y1, x2, y2, ...] (default: count random ones)"},
    {.name = "count", .type = PARAM_INT, .offset = offsetof(struct blobs_opts, count), .def = "3",
     .ranged = 1, .lo = 1, .hi = BLOBS_MAX, .doc = "number of random centres (ignored when centers is given)"},
    {.name = "box", .type = PARAM_NUMBERS, .offset = offsetof(struct blobs_opts, box),
     .def = "-10,10", .count = 2, .doc = "random centres are uniform in [lo, hi] on both axes"},
    {.name = "spread", .type = PARAM_DOUBLE, .offset = offsetof(struct blobs_opts, spread),
     .def = "1", .ranged = 1, .lo = 0, .hi = INFINITY,
     .doc = "standard deviation of each blob around its centre (both axes)"},
    {.name = "n", .type = PARAM_INT, .offset = offsetof(struct blobs_opts, n), .def = "100",
     .ranged = 1, .lo = 1, .hi = 100000, .doc = "points per blob"},
    {0},
};

static int blobs_make(const void *o, struct rng *r, const struct data_ctx *ctx, struct dataset *d)
{
    const struct blobs_opts *opt = o;
    const struct param_numbers *c = &opt->centers;
    if (c->n % 2 != 0 || c->n > 2 * BLOBS_MAX) {
        const struct snode *v = snode_get(ctx->node, "centers");
        diag_error(v ? &v->loc : ctx->loc, "'centers' in data 'blobs' must be x, y pairs: an even "
                   "count of at most %d numbers (got %d)", 2 * BLOBS_MAX, c->n);
        return -1;
    }
    if (opt->box.v[1] < opt->box.v[0]) {
        const struct snode *v = snode_get(ctx->node, "box");
        diag_error(v ? &v->loc : ctx->loc, "'box' in data 'blobs' must be [lo, hi] with lo <= hi");
        return -1;
    }
    int nblobs = c->n ? c->n / 2 : opt->count;
    double cx[BLOBS_MAX], cy[BLOBS_MAX];
    for (int j = 0; j < nblobs; j++) {
        cx[j] = c->n ? c->v[2 * j] : rng_range(r, opt->box.v[0], opt->box.v[1]);
        cy[j] = c->n ? c->v[2 * j + 1] : rng_range(r, opt->box.v[0], opt->box.v[1]);
    }
    d->n = nblobs * opt->n;
    d->x = xmalloc(sizeof(double) * (size_t)d->n);
    d->y = xmalloc(sizeof(double) * (size_t)d->n);
    /* Blob by blob: point i belongs to blob i / n. */
    for (int i = 0; i < d->n; i++) {
        int j = i / opt->n;
        d->x[i] = opt->spread > 0 ? rng_normal(r, cx[j], opt->spread) : cx[j];
        d->y[i] = opt->spread > 0 ? rng_normal(r, cy[j], opt->spread) : cy[j];
    }
    d->seed = rng_next(r);
    return 0;
}

/* ---- csv ----------------------------------------------------------------- */

struct csv_opts {
    const char *file;
    const char *x, *y;          /* column names */
};

static const struct param_spec csv_params[] = {
    {.name = "file", .type = PARAM_STRING, .offset = offsetof(struct csv_opts, file),
     .required = 1, .doc = "CSV file with a header row, beside the script or in assets/"},
    {.name = "x", .type = PARAM_STRING, .offset = offsetof(struct csv_opts, x), .required = 1,
     .doc = "name of the x column"},
    {.name = "y", .type = PARAM_STRING, .offset = offsetof(struct csv_opts, y), .required = 1,
     .doc = "name of the y column"},
    {0},
};

/* Splits line in place at commas; returns the number of fields. */
static int csv_split(char *line, char **fields, int *cols, int cap)
{
    int n = 0;
    char *s = line;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (n < cap) {
            fields[n] = s;
            cols[n] = (int)(s - line) + 1;
        }
        n++;
        char *comma = strchr(s, ',');
        char *end = comma ? comma : s + strlen(s);
        while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
            end--;
        if (!comma) {
            *end = '\0';
            break;
        }
        *end = '\0';
        s = comma + 1;
    }
    return n;
}

static int csv_make(const void *o, struct rng *r, const struct data_ctx *ctx, struct dataset *d)
{
    const struct csv_opts *opt = o;
    const struct snode *fnode = snode_get(ctx->node, "file");
    char tried[1024];
    char *path = data_find_asset(ctx->script_dir, opt->file, tried, sizeof(tried));
    if (!path) {
        diag_error(&fnode->loc, "data file '%s' not found (looked for %s)", opt->file, tried);
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        diag_error(&fnode->loc, "cannot read data file '%s': %s", path, strerror(errno));
        free(path);
        return -1;
    }
    char line[4096];
    char *fields[64];
    int cols[64], xi = -1, yi = -1, lineno = 0, cap = 0, errors = 0;
    struct diag_loc at = {path, 1, 1};
    if (!fgets(line, sizeof(line), f)) {
        diag_error(&at, "empty CSV file: a header row is needed");
        errors++;
    } else {
        lineno = 1;
        int nf = csv_split(line, fields, cols, 64);
        for (int i = 0; i < nf && i < 64; i++) {
            if (strcmp(fields[i], opt->x) == 0) xi = i;
            if (strcmp(fields[i], opt->y) == 0) yi = i;
        }
        if (xi < 0 || yi < 0) {
            const struct snode *col = snode_get(ctx->node, xi < 0 ? "x" : "y");
            diag_error(&col->loc, "column '%s' is not in the header of '%s'",
                       xi < 0 ? opt->x : opt->y, path);
            errors++;
        }
    }
    while (!errors && fgets(line, sizeof(line), f)) {
        lineno++;
        if (line[strspn(line, " \t\r\n")] == '\0')
            continue;
        int nf = csv_split(line, fields, cols, 64);
        int need = xi > yi ? xi : yi;
        if (nf <= need) {
            at.line = lineno;
            at.col = 1;
            diag_error(&at, "expected at least %d fields, found %d", need + 1, nf);
            errors++;
            break;
        }
        double xv, yv;
        int bad = param_parse_double(fields[xi], &xv) != 0 ? xi
                  : param_parse_double(fields[yi], &yv) != 0 ? yi : -1;
        if (bad >= 0) {
            at.line = lineno;
            at.col = cols[bad];
            diag_error(&at, "not a number: '%s'", fields[bad]);
            errors++;
            break;
        }
        if (d->n == cap) {
            cap = cap ? cap * 2 : 64;
            d->x = xrealloc(d->x, sizeof(double) * (size_t)cap);
            d->y = xrealloc(d->y, sizeof(double) * (size_t)cap);
        }
        d->x[d->n] = xv;
        d->y[d->n] = yv;
        d->n++;
    }
    d->seed = rng_next(r);
    if (!errors && d->n == 0) {
        diag_error(&fnode->loc, "data file '%s' has no rows", path);
        errors++;
    }
    fclose(f);
    free(path);
    if (errors) {
        dataset_release(d);
        return -1;
    }
    return 0;
}

static const struct data_kind data_blobs = {
    .name = "blobs",
    .summary = "2-D Gaussian blobs around given or random centres (x, y = the two coordinates)",
    .params = blobs_params,
    .opts_size = sizeof(struct blobs_opts),
    .make = blobs_make,
};

static const struct data_kind data_csv = {
    .name = "csv",
    .summary = "two numeric columns of a CSV file (header row names them)",
    .params = csv_params,
    .opts_size = sizeof(struct csv_opts),
    .make = csv_make,
};

static const struct data_kind data_line = {
    .name = "line",
    .summary = "points on y = slope*x + intercept plus Gaussian noise",
    .params = line_params,
    .opts_size = sizeof(struct line_opts),
    .make = line_make,
};

const struct data_kind *const data_kinds[] = {&data_blobs, &data_csv, &data_line, NULL};

const struct data_kind *data_find(const char *name)
{
    for (int i = 0; data_kinds[i]; i++)
        if (strcmp(data_kinds[i]->name, name) == 0)
            return data_kinds[i];
    return NULL;
}
