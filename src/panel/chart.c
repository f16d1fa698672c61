/* What the chart panels share (see chart.h): named columns, series colours,
 * and the layouts of the bar race and the pie. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "util.h"

const uint32_t chart_dark2[8] = {0xFF1B9E77, 0xFFD95F02, 0xFF7570B3, 0xFFE7298A,
                                 0xFF66A61E, 0xFFE6AB02, 0xFFA6761D, 0xFF666666};
const uint32_t chart_tab10[10] = {0xFF1F77B4, 0xFFFF7F0E, 0xFF2CA02C, 0xFFD62728, 0xFF9467BD,
                                  0xFF8C564B, 0xFFE377C2, 0xFF7F7F7F, 0xFFBCBD22, 0xFF17BECF};

int chart_column(const struct dataset *d, const char *name)
{
    for (int j = 0; d->feature_names && name && j < d->d; j++)
        if (d->feature_names[j] && strcmp(d->feature_names[j], name) == 0)
            return j;
    return -1;
}

int chart_columns(const struct param_strings *series, const struct dataset *d, int skip,
                  int *cols)
{
    int n = 0;
    if (!d || d->n <= 0 || d->d < 1)
        return 0;
    if (series->n) {
        for (int i = 0; i < series->n && n < CHART_MAX; i++) {
            int j = chart_column(d, series->v[i]);
            if (j >= 0)
                cols[n++] = j;
        }
    } else {
        for (int j = 0; j < d->d && n < CHART_MAX; j++)
            if (j != skip)
                cols[n++] = j;
    }
    return n;
}

void chart_row_values(const struct dataset *d, int i, const int *cols, int n, double *v)
{
    i = i > d->n - 1 ? d->n - 1 : i < 0 ? 0 : i;
    for (int k = 0; k < n; k++)
        v[k] = dataset_x(d, i, cols[k]);
}

static void unknown_column(const char *kind, const struct snode *at, const char *what,
                           const char *name, const struct dataset *d)
{
    const char *cand[256];
    char names[512];
    size_t used = 0;
    int nc = 0;
    names[0] = '\0';
    for (int j = 0; j < d->d && nc < (int)ARRAY_LEN(cand); j++) {
        if (!d->feature_names[j])
            continue;
        cand[nc++] = d->feature_names[j];
        if (used < sizeof(names))
            used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "",
                                     d->feature_names[j]);
    }
    const char *s = diag_suggest(name, cand, nc);
    if (s)
        diag_error(&at->loc, "%s '%s' of panel '%s' is not a column of the data (did you "
                   "mean '%s'?)", what, name, kind, s);
    else
        diag_error(&at->loc, "%s '%s' of panel '%s' is not a column of the data (its "
                   "columns: %s)", what, name, kind, names);
}

int chart_count_error(const char *kind, const struct snode *node, const char *key, int got,
                      int want)
{
    const struct snode *v = snode_get(node, key);
    diag_error(v ? &v->loc : &node->loc, "'%s' of panel '%s' has %d item%s for %d series: "
               "give one per series, in the order of 'series'", key, kind, got,
               got == 1 ? "" : "s", want);
    return 1;
}

int chart_check(const char *kind, const struct snode *node, const struct dataset *d,
                const char *x, const struct param_strings *series,
                const struct param_strings *colors, int defaults_less, int *nseries)
{
    *nseries = 0;
    if (!d || d->n <= 0 || d->d < 1 || !d->feature_names) {
        diag_error(&node->loc, "panel '%s' draws columns of the data by name: it needs data "
                   "with named columns, such as data 'csv' with 'features: [year, ...]'", kind);
        return 1;
    }
    int errors = 0;
    if (x && chart_column(d, x) < 0) {
        unknown_column(kind, snode_get(node, "x"), "x column", x, d);
        errors++;
    }
    const struct snode *sv = snode_get(node, "series");
    for (int i = 0; i < series->n; i++)
        if (chart_column(d, series->v[i]) < 0) {
            unknown_column(kind, sv && sv->type == SNODE_SEQ && i < sv->n ? sv->vals[i] : node,
                           "series", series->v[i], d);
            errors++;
        } else {
            /* The same column twice is two bars (or slices, or lines) that
             * always move together: a slip, not a chart. */
            for (int k = 0; k < i; k++)
                if (chart_column(d, series->v[k]) == chart_column(d, series->v[i])) {
                    diag_error(&(sv && sv->type == SNODE_SEQ && i < sv->n ? sv->vals[i] : node)->loc,
                               "series '%s' of panel '%s' is listed twice", series->v[i], kind);
                    errors++;
                    break;
                }
        }
    int n = series->n ? series->n : d->d - defaults_less;
    if (n < 1) {
        diag_error(&node->loc, "panel '%s' has no column to draw: the data's only column "
                   "is the x axis", kind);
        errors++;
    } else if (n > CHART_MAX) {
        diag_error(sv ? &sv->loc : &node->loc, "panel '%s' draws at most %d series (got %d)%s",
                   kind, CHART_MAX, n, sv ? "" : ": list the columns to draw in 'series'");
        errors++;
    } else {
        *nseries = n;
    }
    if (colors->n && *nseries && colors->n != *nseries)
        errors += chart_count_error(kind, node, "colors", colors->n, *nseries);
    const struct snode *cv = snode_get(node, "colors");
    for (int i = 0; i < colors->n; i++) {
        uint32_t col;
        if (param_parse_color(colors->v[i], &col) != 0) {
            const struct snode *at = cv && cv->type == SNODE_SEQ && i < cv->n ? cv->vals[i] : node;
            diag_error(&at->loc, "item %d of 'colors' in panel '%s' must be a colour such "
                       "as \"#1f77b4\", not '%s'", i + 1, kind, colors->v[i]);
            errors++;
        }
    }
    return errors;
}

uint32_t chart_color(const struct param_strings *colors, int k, const uint32_t *palette, int n)
{
    uint32_t c = palette[k % n];
    if (k < colors->n)
        param_parse_color(colors->v[k], &c);
    return c;
}

int chart_rects_overlap(const struct chart_rect *a, const struct chart_rect *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

/* ---- the bar race ---------------------------------------------------------- */

static double finite_or_0(double v)
{
    return isfinite(v) ? v : 0;
}

void chart_ranks(const double *values, int n, int *rank)
{
    /* Rank = how many come before: larger values, or equal ones earlier
     * in the series' order (a stable sort, descending). n is small. */
    for (int i = 0; i < n; i++) {
        double vi = finite_or_0(values[i]);
        int r = 0;
        for (int j = 0; j < n; j++) {
            double vj = finite_or_0(values[j]);
            r += vj > vi || (vj == vi && j < i);
        }
        rank[i] = r;
    }
}

void bar_race_place(const double *a, const double *b, int n, double e, struct bar_place *out)
{
    int ra[CHART_MAX], rb[CHART_MAX];
    if (n > CHART_MAX)
        n = CHART_MAX;
    chart_ranks(a, n, ra);
    chart_ranks(b, n, rb);
    e = e < 0 ? 0 : e > 1 ? 1 : e;
    for (int i = 0; i < n; i++) {
        double va = finite_or_0(a[i]), vb = finite_or_0(b[i]);
        out[i].center = 0.5 + ra[i] + (rb[i] - ra[i]) * e;
        out[i].value = va + (vb - va) * e;
        out[i].shown = b[i];
        out[i].rank = rb[i];
    }
    /* Bars that pass one another: the one that rises is drawn over the
     * one that falls (it is the news); then the higher rank over the
     * lower. Order = how many are drawn before. */
    for (int i = 0; i < n; i++) {
        int o = 0;
        for (int j = 0; j < n; j++) {
            if (j == i)
                continue;
            int ri = ra[i] - rb[i], rj = ra[j] - rb[j];    /* > 0: rising */
            int before = rj < ri || (rj == ri && rb[j] > rb[i]);
            o += before;
        }
        out[i].order = o;
    }
}

void chart_spread_labels(double *y, const int *order, int n, double gap, double lo, double hi)
{
    if (n > CHART_MAX)
        n = CHART_MAX;
    /* Top to bottom by wanted place; at a tie the one drawn later (the
     * rising bar, on top) goes above. */
    int s[CHART_MAX];
    double want[CHART_MAX];
    for (int i = 0; i < n; i++) {
        s[i] = i;
        want[i] = y[i];
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            int a = s[j - 1], b = s[j];
            if (want[b] < want[a] || (want[b] == want[a] && order[b] > order[a])) {
                s[j - 1] = b;
                s[j] = a;
            } else {
                break;
            }
        }
    /* Groups of labels that touch, each centred on its labels' wish:
     * merge neighbours that overlap until none do (at most n merges). */
    int start[CHART_MAX], len[CHART_MAX], ng = n;
    double top[CHART_MAX];
    for (int g = 0; g < n; g++) {
        start[g] = g;
        len[g] = 1;
        top[g] = want[s[g]];
    }
    for (int changed = 1; changed;) {
        changed = 0;
        for (int g = 0; g + 1 < ng; g++) {
            if (top[g] + len[g] * gap <= top[g + 1] + 1e-9)
                continue;
            len[g] += len[g + 1];
            double sum = 0;
            for (int k = 0; k < len[g]; k++)
                sum += want[s[start[g] + k]] - k * gap;
            top[g] = sum / len[g];
            for (int h = g + 1; h + 1 < ng; h++) {
                start[h] = start[h + 1];
                len[h] = len[h + 1];
                top[h] = top[h + 1];
            }
            ng--;
            changed = 1;
            break;
        }
    }
    for (int g = 0; g < ng; g++) {
        double t = top[g], span = (len[g] - 1) * gap;
        if (hi - lo >= span) {
            t = fmax(t, lo);
            t = fmin(t, hi - span);
        }
        for (int k = 0; k < len[g]; k++)
            y[s[start[g] + k]] = t + k * gap;
    }
}

void bar_race_value_text(char *buf, size_t n, const char *prefix, int decimals, double v,
                         const char *suffix)
{
    const char *p = prefix ? prefix : "", *s = suffix ? suffix : "";
    if (!isfinite(v))
        snprintf(buf, n, "%s", "n/a");
    else if (fabs(v) >= 1e15)     /* as templates write it: 1e+308, not 309 digits */
        snprintf(buf, n, "%s%.4g%s", p, v, s);
    else
        snprintf(buf, n, "%s%.*f%s", p, decimals, v, s);
}

/* ---- the pie --------------------------------------------------------------- */

int pie_slices(const double *values, int n, int order, double start, const double *explode,
               struct pie_slice *out)
{
    if (n > CHART_MAX)
        n = CHART_MAX;
    double total = 0, most = 0, v[CHART_MAX];
    for (int i = 0; i < n; i++) {
        v[i] = isfinite(values[i]) && values[i] > 0 ? values[i] : 0;
        total += v[i];
        most = fmax(most, v[i]);
    }
    /* Values near the largest double overflow their sum, not their shares:
     * the same shares of the values over the largest of them. */
    if (!isfinite(total)) {
        total = 0;
        for (int i = 0; i < n; i++)
            total += v[i] /= most;
    }
    if (!(total > 0) || !isfinite(total))
        return 0;
    /* The order of the slices: a stable sort of the indices. */
    int idx[CHART_MAX];
    for (int i = 0; i < n; i++)
        idx[i] = i;
    for (int i = 1; i < n && order != 2; i++)
        for (int j = i; j > 0; j--) {
            double x = v[idx[j - 1]], y = v[idx[j]];
            if (order == 0 ? x > y : x < y) {
                int t = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = t;
            } else {
                break;
            }
        }
    double a = start;
    int m = 0;
    for (int k = 0; k < n; k++) {
        int i = idx[k];
        double share = v[i] / total;
        double a1 = a + share * 2 * M_PI;
        if (share > 0)
            out[m++] = (struct pie_slice){i, share, a, a1, explode ? explode[k] : 0};
        a = a1;
    }
    return m;
}

void pie_point(double cx, double cy, double a, double r, double *x, double *y)
{
    *x = cx + r * cos(a);
    *y = cy - r * sin(a);
}

/* Whether the box lies inside the slice (centred at ox, oy), so that its
 * text is read on the slice's own colour. */
static int box_in_slice(const struct chart_rect *b, const struct pie_slice *s, double ox,
                        double oy, double radius)
{
    for (int k = 0; k < 4; k++) {
        double px = b->x + (k & 1 ? b->w : 0), py = b->y + (k & 2 ? b->h : 0);
        double dx = px - ox, dy = oy - py;
        if (hypot(dx, dy) > radius * 0.97)
            return 0;
        /* The corner's angle, brought into [a0, a0 + 2 pi). */
        double a = atan2(dy, dx);
        while (a < s->a0)
            a += 2 * M_PI;
        while (a >= s->a0 + 2 * M_PI)
            a -= 2 * M_PI;
        if (a > s->a1)
            return 0;
    }
    return 1;
}

/* Whether the box keeps clear of the disc of the pie (centred at ox, oy). */
static int box_off_pie(const struct chart_rect *b, double ox, double oy, double radius)
{
    double nx = fmin(fmax(ox, b->x), b->x + b->w), ny = fmin(fmax(oy, b->y), b->y + b->h);
    return hypot(nx - ox, ny - oy) >= radius * 1.03;
}

double pie_place_label(const struct pie_slice *s, double cx, double cy, double radius, double r0,
                       double w, double h, const struct chart_rect *placed, int np,
                       struct chart_rect *out)
{
    double mid = (s->a0 + s->a1) / 2;
    /* The slice's own centre, moved out with it. */
    double ox, oy;
    pie_point(cx, cy, mid, radius * s->explode, &ox, &oy);
    double r = r0;
    for (int tries = 0; tries < 40; tries++, r += 0.08) {
        double px, py;
        pie_point(ox, oy, mid, radius * r, &px, &py);
        struct chart_rect b = {px - w / 2, py - h / 2, w, h};
        if (r > 1) {
            /* Outside: away from the pie, as matplotlib aligns them. */
            double c = cos(mid);
            b.x = c > 1e-9 ? px : c < -1e-9 ? px - w : px - w / 2;
        }
        int clear = r < 1 ? box_in_slice(&b, s, ox, oy, radius) : box_off_pie(&b, ox, oy, radius);
        for (int i = 0; i < np && clear; i++)
            if (chart_rects_overlap(&b, &placed[i]))
                clear = 0;
        *out = b;
        if (clear)
            break;
    }
    return r;
}
