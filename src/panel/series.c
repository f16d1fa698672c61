/* panel series: a line chart of several data columns against one (GDP by
 * year, say) that grows one data row per clock step: the frame of step s
 * draws rows 0..s, so in a scene of beats each beat adds a row (from
 * beats' first_row on: a race that opens with two years drawn). The axes
 * cover the whole data from the first frame (or the ranges given), so
 * they never jump as the lines grow. Columns are named by the data
 * (feature_names); the names are checked against it when the scene is
 * validated, so a typo is a located error, not an empty chart. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chart.h"
#include "util.h"

#define SERIES_MAX CHART_MAX

struct series_opts {
    const char *x;
    struct param_strings series, styles, colors;
    struct param_numbers x_range, y_range;
    const char *title, *x_label, *y_label;
    int legend;
    double line_width;
    int grid;
};

static const struct param_spec series_params[] = {
    {.name = "x", .type = PARAM_STRING, .offset = offsetof(struct series_opts, x),
     .doc = "the data column of the x axis, e.g. year (default: the first column)"},
    {.name = "series", .type = PARAM_STRINGS, .offset = offsetof(struct series_opts, series),
     .doc = "the data columns drawn as lines, in order (default: every column but x)"},
    {.name = "styles", .type = PARAM_STRINGS, .offset = offsetof(struct series_opts, styles),
     .choices = draw_dash_names,
     .doc = "the line pattern of each series, one per series (default: all solid)"},
    {.name = "colors", .type = PARAM_STRINGS, .offset = offsetof(struct series_opts, colors),
     .doc = "the colour of each series, one per series, e.g. \"#1f77b4\" (default: the "
            "theme's series colours)"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct series_opts, x_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the x axis (default: the whole data's, padded)"},
    {.name = "y_range", .type = PARAM_NUMBERS, .offset = offsetof(struct series_opts, y_range),
     .count = 2, .interval = 1,
     .doc = "[lo, hi] of the y axis (default: every series' whole extent, padded)"},
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct series_opts, title),
     .doc = "title template, e.g. \"GDPs till Year {year}\" (in a scene of beats the row's "
            "columns are channels)"},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct series_opts, x_label),
     .doc = "x axis label (default: the x column's name)"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct series_opts, y_label),
     .doc = "y axis label"},
    {.name = "legend", .type = PARAM_ENUM, .offset = offsetof(struct series_opts, legend),
     .def = "upper-left", .choices = panel_legend_places,
     .doc = "where the legend naming the series goes in the plot"},
    {.name = "line_width", .type = PARAM_DOUBLE, .offset = offsetof(struct series_opts, line_width),
     .ranged = 1, .lo = 0, .lo_open = 1, .hi = 50,
     .doc = "width of the lines in pixels (default: the theme's)"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct series_opts, grid),
     .def = "true", .doc = "light grid lines at the ticks"},
    {0},
};

static const char *const series_templates[] = {"title", NULL};

static int series_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    const struct series_opts *opt = o;
    const struct dataset *d = pc->data;
    int nseries;
    int errors = chart_check("series", node, d, opt->x, &opt->series, &opt->colors, 1, &nseries);
    if (opt->styles.n && nseries >= 1 && opt->styles.n != nseries)
        errors += chart_count_error("series", node, "styles", opt->styles.n, nseries);
    return errors ? -1 : 0;
}

static void series_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct series_opts *opt = o;
    const struct dataset *d = c->data;
    const struct theme *th = c->th;
    if (!d || d->n <= 0 || d->d < 1)
        return;
    int xcol = opt->x ? chart_column(d, opt->x) : 0, cols[SERIES_MAX];
    if (xcol < 0)
        return;
    int ns = chart_columns(&opt->series, d, xcol, cols);

    /* Axes over the whole data, whatever the step, so they never jump. */
    struct viewport v = {0};
    if (opt->x_range.n == 2) {
        v.x0 = opt->x_range.v[0];
        v.x1 = opt->x_range.v[1];
    } else {
        int found = 0;
        for (int i = 0; i < d->n; i++) {
            double x = dataset_x(d, i, xcol);
            if (!isfinite(x))
                continue;
            if (!found || x < v.x0) v.x0 = x;
            if (!found || x > v.x1) v.x1 = x;
            found = 1;
        }
        panel_pad_range(&v.x0, &v.x1, 0.04);
    }
    if (opt->y_range.n == 2) {
        v.y0 = opt->y_range.v[0];
        v.y1 = opt->y_range.v[1];
    } else {
        int found = 0;
        for (int k = 0; k < ns; k++)
            for (int i = 0; i < d->n; i++) {
                double y = dataset_x(d, i, cols[k]);
                if (!isfinite(y))
                    continue;
                if (!found || y < v.y0) v.y0 = y;
                if (!found || y > v.y1) v.y1 = y;
                found = 1;
            }
        panel_pad_range(&v.y0, &v.y1, 0.05);
    }
    char title[256];
    panel_expand(c, opt->title, NULL, title, sizeof(title));
    const char *xl = opt->x_label ? opt->x_label
                   : d->feature_names && d->feature_names[xcol] ? d->feature_names[xcol] : NULL;
    struct axes_style st = {title[0] ? title : NULL, xl, opt->y_label, opt->grid};
    draw_axes(cr, th, c->x, c->y, c->w, c->h, &v, &st);

    /* Rows 0..row (the record's: beats may start at a later row), and
     * while tweening from the step before a part of the way from its row,
     * so the lines grow smoothly and the step's last picture ends at its
     * row exactly. */
    int row = panel_row(c, c->rec);
    if (row > d->n - 1)
        row = d->n - 1;
    double reach = row;
    if (c->frac > 0 && c->frac < 1 && c->rec_from != c->rec) {
        int from = panel_row(c, c->rec_from);
        if (from < row)
            reach = from + (row - from) * c->frac;
    }
    int last = (int)floor(reach);
    double glide = reach - last;
    double lw = opt->line_width > 0 ? opt->line_width : th->line_width;
    struct panel_legend_item items[SERIES_MAX];
    double *xs = xmalloc(sizeof(double) * (size_t)(d->n + 1));
    double *ys = xmalloc(sizeof(double) * (size_t)(d->n + 1));
    for (int k = 0; k < ns; k++) {
        uint32_t color = chart_color(&opt->colors, k, th->series, 6);
        int dash = DRAW_SOLID;
        for (int s = 0; k < opt->styles.n && draw_dash_names[s]; s++)
            if (strcmp(draw_dash_names[s], opt->styles.v[k]) == 0)
                dash = s;
        items[k] = (struct panel_legend_item){d->feature_names ? d->feature_names[cols[k]] : "?",
                                              color, dash};
        int m = 0;
        for (int i = 0; i <= last; i++) {
            xs[m] = dataset_x(d, i, xcol);
            ys[m++] = dataset_x(d, i, cols[k]);
        }
        if (glide > 0 && last >= 0 && last + 1 < d->n) {
            double x0 = dataset_x(d, last, xcol), y0 = dataset_x(d, last, cols[k]);
            xs[m] = x0 + (dataset_x(d, last + 1, xcol) - x0) * glide;
            ys[m++] = y0 + (dataset_x(d, last + 1, cols[k]) - y0) * glide;
        }
        draw_polyline(cr, &v, xs, ys, m, lw, color, dash);
    }
    free(xs);
    free(ys);
    panel_legend(cr, th, &v, opt->legend, items, ns, lw);
}

const struct panel_kind panel_series = {
    .head = {.name = "series",
             .summary = "data columns as lines against one column, growing a data row per step "
                        "(a line race)",
             .params = series_params, .opts_size = sizeof(struct series_opts),
             .requires = (const char *const[]){"data", NULL}},
    .templates = series_templates,
    .draw = series_draw,
    .draws_rows = 1,
    .check = series_check,
};
