/* trainer subsets: which feature columns carry signal about the target?
 * Step k switches on the columns of subsets[k] (the others off), fits the
 * `linear-features` model to them by least squares (the weights of the
 * columns that are off stay 0), and scores the choice by how well it
 * predicts rows it has not seen: leave-one-out, each row in turn predicted
 * by the fit to all the others.
 *
 * The score is `signal` = 100 * (1 - loo / base) percent, where loo is the
 * root mean squared held-out error of the subset and base that of
 * guessing the average of the other rows (the subset with no columns), so
 * no columns score exactly 0, a perfect predictor 100, and columns that
 * only add noise pull the score down, below 0 when the fit does worse than
 * the average. Held-out error is what makes noise visible with a handful
 * of rows: on the rows it was fitted to, every extra column lowers the
 * error, useful or not.
 *
 * Channels: step, w (one weight per column), b, loss (the fit's MSE on all
 * rows), mask (bit j set when column j is on), nfeatures, loo, base,
 * signal. A subset whose fit has no single solution (a column that is a
 * combination of the others, on the rows of one of its fits) records NaN
 * and stops the run as "diverged". */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trainer.h"
#include "util.h"

/* Columns a subset can name: bits of the mask, which a double holds
 * exactly. */
#define SUBSETS_MAX_COLUMNS 30

struct subsets_opts {
    struct param_strings subsets;
};

static const struct param_spec subsets_params[] = {
    {.name = "subsets", .type = PARAM_STRINGS, .offset = offsetof(struct subsets_opts, subsets),
     .required = 1,
     .doc = "one subset of the data's columns per step, e.g. [none, size, \"size, beds\"]"},
    {0},
};

static const char *const subsets_channels[] = {"mask", "nfeatures", "loo", "base", "signal",
                                               NULL};

static long long subsets_max_steps(const void *o)
{
    return ((const struct subsets_opts *)o)->subsets.n - 1;
}

/* Column j's name: the data's, or x1, x2, ... when it has none. */
static void column_name(const struct dataset *d, int j, char *buf, size_t n)
{
    if (d->feature_names && d->feature_names[j])
        snprintf(buf, n, "%s", d->feature_names[j]);
    else
        snprintf(buf, n, "x%d", j + 1);
}

/* The mask of one subset, "size, beds" or "none". On a bad name, returns
 * -1 with the name (up to its comma) in bad; -2 for a name given twice. */
static int subset_mask(const char *s, const struct dataset *d, double *mask, int *count,
                       char *bad, size_t nbad)
{
    unsigned long bits = 0;
    *count = 0;
    if (strcmp(s, "none") == 0) {
        *mask = 0;
        return 0;
    }
    while (*s) {
        while (*s == ' ' || *s == ',')
            s++;
        const char *e = s;
        while (*e && *e != ',')
            e++;
        size_t len = (size_t)(e - s);
        while (len && s[len - 1] == ' ')
            len--;
        if (!len)
            break;
        int found = -1;
        char name[256];
        for (int j = 0; j < d->d && j < SUBSETS_MAX_COLUMNS && found < 0; j++) {
            column_name(d, j, name, sizeof name);
            if (strlen(name) == len && memcmp(name, s, len) == 0)
                found = j;
        }
        snprintf(bad, nbad, "%.*s", (int)(len < 200 ? len : 200), s);
        if (found < 0)
            return -1;
        if (bits & (1ul << found))
            return -2;
        bits |= 1ul << found;
        ++*count;
        s = e;
    }
    *mask = (double)bits;
    return 0;
}

static int subsets_check_data(const void *o, const struct snode *node, const struct dataset *d,
                              const struct run *r)
{
    (void)r;
    const struct subsets_opts *opt = o;
    const struct snode *list = snode_get(node, "subsets");
    int errors = 0;
    char names[1024] = "";
    for (int j = 0; j < d->d && j < SUBSETS_MAX_COLUMNS; j++) {
        char name[256];
        column_name(d, j, name, sizeof name);
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", j ? ", " : "", name);
    }
    if (d->d > SUBSETS_MAX_COLUMNS) {
        diag_error(&node->loc, "trainer 'subsets' can switch at most %d columns; the data has %d",
                   SUBSETS_MAX_COLUMNS, d->d);
        return -1;
    }
    for (int k = 0; k < opt->subsets.n; k++) {
        const struct snode *at = list && list->type == SNODE_SEQ && k < list->n ? list->vals[k]
                                                                                : node;
        double mask;
        int count;
        char bad[256];
        int rc = subset_mask(opt->subsets.v[k], d, &mask, &count, bad, sizeof bad);
        if (rc == -1) {
            diag_error(&at->loc, "subset %d of trainer 'subsets' names '%s', which is not a "
                       "column of the data (its columns: %s; or 'none')", k + 1, bad, names);
            errors++;
        } else if (rc == -2) {
            diag_error(&at->loc, "subset %d of trainer 'subsets' names '%s' twice", k + 1, bad);
            errors++;
        } else if (d->n < count + 3) {
            /* Each held-out fit has n - 1 rows for count + 1 unknowns, and
             * needs one more for the fit to be tested by anything. */
            diag_error(&at->loc, "subset %d of trainer 'subsets' switches on %d column%s: "
                       "testing it on held-out rows needs at least %d rows, and the data has %d",
                       k + 1, count, count == 1 ? "" : "s", count + 3, d->n);
            errors++;
        }
    }
    if (!d->y) {
        diag_error(&node->loc, "trainer 'subsets' scores columns by how well they predict the "
                   "target: the data needs a 'y' column");
        errors++;
    }
    return errors ? -1 : 0;
}

/* Least squares with an intercept on the columns cols[0..k) of the rows
 * other than `skip` (-1: all rows): w[0..k) and *b. The columns are
 * centred, so the normal equations are those of the slopes alone, solved
 * by Gaussian elimination with partial pivoting. Returns -1 when they
 * have no single solution (a pivot vanishes relative to its column). */
static int fit(const struct dataset *d, const int *cols, int k, int skip, double *w, double *b)
{
    double mx[SUBSETS_MAX_COLUMNS] = {0}, my = 0;
    double a[SUBSETS_MAX_COLUMNS][SUBSETS_MAX_COLUMNS + 1];
    int m = 0;
    for (int i = 0; i < d->n; i++) {
        if (i == skip)
            continue;
        m++;
        my += d->y[i];
        for (int j = 0; j < k; j++)
            mx[j] += dataset_x(d, i, cols[j]);
    }
    my /= m;
    for (int j = 0; j < k; j++)
        mx[j] /= m;
    memset(a, 0, sizeof a);
    for (int i = 0; i < d->n; i++) {
        if (i == skip)
            continue;
        double dy = d->y[i] - my, dx[SUBSETS_MAX_COLUMNS];
        for (int j = 0; j < k; j++)
            dx[j] = dataset_x(d, i, cols[j]) - mx[j];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++)
                a[r][c] += dx[r] * dx[c];
            a[r][k] += dx[r] * dy;
        }
    }
    double scale[SUBSETS_MAX_COLUMNS];
    for (int r = 0; r < k; r++)
        scale[r] = a[r][r];
    for (int c = 0; c < k; c++) {
        int p = c;
        for (int r = c + 1; r < k; r++)
            if (fabs(a[r][c]) > fabs(a[p][c]))
                p = r;
        if (!(fabs(a[p][c]) > 1e-10 * fmax(scale[c], 1e-300)))
            return -1;
        if (p != c)
            for (int j = 0; j <= k; j++) {
                double t = a[c][j];
                a[c][j] = a[p][j];
                a[p][j] = t;
            }
        for (int r = c + 1; r < k; r++) {
            double f = a[r][c] / a[c][c];
            for (int j = c; j <= k; j++)
                a[r][j] -= f * a[c][j];
        }
    }
    for (int r = k - 1; r >= 0; r--) {
        double s = a[r][k];
        for (int j = r + 1; j < k; j++)
            s -= a[r][j] * w[j];
        w[r] = s / a[r][r];
    }
    *b = my;
    for (int j = 0; j < k; j++)
        *b -= w[j] * mx[j];
    return 0;
}

/* Root mean squared leave-one-out error of a least-squares fit on cols
 * (k = 0: the average of the other rows); NaN when a fit has no single
 * solution. */
static double loo_rmse(const struct dataset *d, const int *cols, int k)
{
    double sum = 0, w[SUBSETS_MAX_COLUMNS], b;
    for (int i = 0; i < d->n; i++) {
        if (fit(d, cols, k, i, w, &b) != 0)
            return NAN;
        double e = b - d->y[i];
        for (int j = 0; j < k; j++)
            e += w[j] * dataset_x(d, i, cols[j]);
        sum += e * e;
    }
    return sqrt(sum / d->n);
}

static int subsets_run(const void *o, const struct run *run, const struct trainer_input *in,
                       struct trace *t)
{
    const struct subsets_opts *opt = o;
    const struct model_kind *m = run->model;
    const void *mopts = run->model_opts;
    const struct dataset *d = in->data;
    int np = model_nparams(m, mopts, d);
    if (np != d->d + 1 || d->d > SUBSETS_MAX_COLUMNS || !d->y)
        return diag_fail("trainer 'subsets' fits one weight per column and a bias, but model "
                         "'%s' has %d parameters for %d columns", m->head.name, np, d->d);
    double *theta = xcalloc((size_t)np, sizeof(double));
    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");
    int c_mask = trace_offset(t, "mask"), c_nf = trace_offset(t, "nfeatures");
    int c_loo = trace_offset(t, "loo"), c_base = trace_offset(t, "base");
    int c_signal = trace_offset(t, "signal");
    double base = loo_rmse(d, NULL, 0);
    trace_stop(t, "max_steps", opt->subsets.n - 1);
    for (int k = 0; k < opt->subsets.n; k++) {
        double mask;
        int count, cols[SUBSETS_MAX_COLUMNS], nc = 0;
        char bad[256];
        if (subset_mask(opt->subsets.v[k], d, &mask, &count, bad, sizeof bad) != 0) {
            free(theta);    /* check_data refused it: only a caller skipping it gets here */
            return diag_fail("trainer 'subsets': subset %d names '%s', not a column", k + 1, bad);
        }
        for (int j = 0; j < d->d; j++)
            if ((unsigned long)mask & (1ul << j))
                cols[nc++] = j;
        double w[SUBSETS_MAX_COLUMNS], b;
        for (int j = 0; j < np; j++)
            theta[j] = 0;
        int ok = fit(d, cols, nc, -1, w, &b) == 0;
        for (int j = 0; j < nc; j++)
            theta[cols[j]] = ok ? w[j] : NAN;
        theta[d->d] = ok ? b : NAN;
        double loo = ok ? loo_rmse(d, cols, nc) : NAN;
        double *row = trace_append(t);
        row[0] = k;
        for (int j = 0; j < np; j++)
            row[c_theta + j] = theta[j];
        row[c_loss] = m->loss(mopts, theta, d);
        row[c_mask] = mask;
        row[c_nf] = nc;
        row[c_loo] = loo;
        row[c_base] = base;
        row[c_signal] = base > 0 ? 100 * (1 - loo / base) : NAN;
        if (!isfinite(row[c_signal]) || !isfinite(row[c_loss])) {
            trace_stop(t, "diverged", k);
            break;
        }
    }
    free(theta);
    return 0;
}

const struct trainer_kind trainer_subsets = {
    .head = {.name = "subsets",
             .summary = "one step per subset of the data's columns: a least-squares fit on "
                        "them, scored by its leave-one-out error against guessing the average "
                        "(signal %)",
             .params = subsets_params, .opts_size = sizeof(struct subsets_opts),
             .provides = (const char *const[]){"feature-subsets", NULL},
             .requires = (const char *const[]){"linear-features", NULL}},
    .channels = subsets_channels,
    .run = subsets_run,
    .max_steps = subsets_max_steps,
    .check_data = subsets_check_data,
};
