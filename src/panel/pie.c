/* panel pie: the shares of data columns (countries' GDPs, say) in the
 * step's data row as a pie, drawn from one data row per step like series
 * (in a scene of beats over rows, the beat's row). As matplotlib's
 * ax.pie(values, labels, autopct, startangle, explode): the slices run
 * counter-clockwise from start_angle, sorted ascending by default, each a
 * little exploded by its rank, the percentage inside (autopct "%1.1f%%")
 * and the series' name outside. A series keeps its colour whatever its
 * rank (matplotlib gives colours by position, so there a country changes
 * colour when it changes rank).
 *
 * Labels never overlap: each is placed at its usual distance along its
 * slice's middle and, if it would overlap one placed before, moved
 * outwards until it does not (a thin slice's percentage ends up outside).
 * The numbers are the row's: a pie does not glide. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "chart.h"
#include "util.h"

static const char *const pie_orders[] = {"ascending", "descending", "series", NULL};

struct pie_opts {
    struct param_strings series, colors;
    struct param_numbers explode;
    double start_angle;
    int order, decimals;
    double label_size;
    const char *title, *y_label;
};

static const struct param_spec pie_params[] = {
    {.name = "series", .type = PARAM_STRINGS, .offset = offsetof(struct pie_opts, series),
     .doc = "the data columns shared out (default: every column but the first, which usually "
            "names the row, e.g. year)"},
    {.name = "colors", .type = PARAM_STRINGS, .offset = offsetof(struct pie_opts, colors),
     .doc = "the colour of each series, one per series: it stays with the series whatever its "
            "rank (default: matplotlib's tab10, in the order of 'series')"},
    {.name = "order", .type = PARAM_ENUM, .offset = offsetof(struct pie_opts, order),
     .def = "ascending", .choices = pie_orders,
     .doc = "the order of the slices from start_angle: by share (smallest first, as the "
            "original's sort_values), largest first, or as in 'series'"},
    {.name = "start_angle", .type = PARAM_DOUBLE, .offset = offsetof(struct pie_opts, start_angle),
     .def = "-45", .ranged = 1, .lo = -360, .hi = 360,
     .doc = "where the first slice starts, in degrees counter-clockwise from the right "
            "(matplotlib's startangle)"},
    {.name = "explode", .type = PARAM_NUMBERS, .offset = offsetof(struct pie_opts, explode),
     .ranged = 1, .lo = 0, .hi = 0.5,
     .doc = "how far each slice is moved out, in radii, by its place in 'order' (default: "
            "0.01, 0.02, ... as the original's [0.01, ..., 0.05])"},
    {.name = "decimals", .type = PARAM_INT, .offset = offsetof(struct pie_opts, decimals),
     .def = "1", .ranged = 1, .lo = 0, .hi = 6,
     .doc = "decimals of the percentages (1: \"47.1%\", the original's %1.1f%%)"},
    {.name = "label_size", .type = PARAM_DOUBLE, .offset = offsetof(struct pie_opts, label_size),
     .def = "14", .ranged = 1, .lo = 4, .hi = 100,
     .doc = "size of the names and percentages (the original's fontsize 15 at 100 dpi)"},
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct pie_opts, title),
     .doc = "title template, above the pie"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct pie_opts, y_label),
     .doc = "side label template, up the left edge as matplotlib's ylabel, e.g. "
            "\"GDP Pie Chart in Year {year}\""},
    {0},
};

static const char *const pie_templates[] = {"title", "y_label", NULL};

static int pie_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    const struct pie_opts *opt = o;
    int n;
    int errors = chart_check("pie", node, pc->data, NULL, &opt->series, &opt->colors, 1, &n);
    if (opt->explode.n && n && opt->explode.n != n)
        errors += chart_count_error("pie", node, "explode", opt->explode.n, n);
    return errors ? -1 : 0;
}

static void pie_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct pie_opts *opt = o;
    const struct dataset *d = c->data;
    const struct theme *th = c->th;
    int cols[CHART_MAX];
    int n = chart_columns(&opt->series, d, 0, cols);
    if (n < 1)
        return;
    double v[CHART_MAX], explode[CHART_MAX];
    chart_row_values(d, panel_row(c, c->rec), cols, n, v);
    for (int k = 0; k < n; k++)
        explode[k] = k < opt->explode.n ? opt->explode.v[k] : 0.01 * (k + 1);
    struct pie_slice sl[CHART_MAX];
    int ns = pie_slices(v, n, opt->order, opt->start_angle * M_PI / 180, explode, sl);

    const double pad = 10;
    char title[512], side[512];
    panel_expand(c, opt->title, NULL, title, sizeof title);
    panel_expand(c, opt->y_label, NULL, side, sizeof side);
    double x = c->x + pad, y = c->y + pad, w = c->w - 2 * pad, h = c->h - 2 * pad;
    if (title[0]) {
        draw_font(cr, 1, th->title_size);
        draw_set_color(cr, th->text);
        draw_text(cr, c->x + c->w / 2, y, 0.5, 0, title);
        y += th->title_size * 1.17 + 10;
        h -= th->title_size * 1.17 + 10;
    }
    if (side[0]) {
        /* A quarter turn anticlockwise: the text runs up the left edge. */
        draw_font(cr, 1, th->title_size);
        double lh = th->title_size * 1.17;
        cairo_save(cr);
        cairo_translate(cr, x + lh / 2, y + h / 2);
        cairo_rotate(cr, -M_PI / 2);
        draw_set_color(cr, th->text);
        draw_text(cr, 0, 0, 0.5, 0.5, side);
        cairo_restore(cr);
        x += lh + 10;
        w -= lh + 10;
    }
    if (ns == 0 || w < 16 || h < 16) {
        draw_font(cr, 0, th->font_size);
        draw_set_color(cr, th->muted);
        draw_text(cr, x + w / 2, y + h / 2, 0.5, 0.5, "no positive values to share out");
        return;
    }

    /* The radius leaves room for the names beside the pie and a line of
     * text above and below it. */
    double fs = opt->label_size, lh = fs * 1.17, maxe = 0, namew = 0;
    draw_font(cr, 0, fs);
    for (int k = 0; k < ns; k++) {
        maxe = fmax(maxe, sl[k].explode);
        namew = fmax(namew, draw_text_width(cr, d->feature_names[cols[sl[k].series]]));
    }
    double radius = fmin((h / 2 - lh - 4) / (1.1 + maxe), (w / 2 - namew - 8) / (1.1 + maxe));
    if (radius < 8)
        radius = fmin(h, w) / 4;
    double cx = x + w / 2, cy = y + h / 2;

    for (int k = 0; k < ns; k++) {
        const struct pie_slice *s = &sl[k];
        double mid = (s->a0 + s->a1) / 2, ox, oy;
        pie_point(cx, cy, mid, radius * s->explode, &ox, &oy);
        /* cairo's angles grow clockwise on screen (y down). */
        cairo_new_path(cr);
        cairo_move_to(cr, ox, oy);
        if (s->share < 1)
            cairo_arc_negative(cr, ox, oy, radius, -s->a0, -s->a1);
        else
            cairo_arc(cr, ox, oy, radius, 0, 2 * M_PI);
        cairo_close_path(cr);
        draw_set_color(cr, chart_color(&opt->colors, s->series, chart_tab10, 10));
        cairo_fill(cr);
    }

    /* Percentages first (inside, at 0.6 radii as matplotlib's
     * pctdistance), then names (outside, at 1.1): each moved out past any
     * label placed before it. */
    struct chart_rect placed[2 * CHART_MAX];
    int np = 0;
    char pct[CHART_MAX][32];
    for (int k = 0; k < ns; k++) {
        snprintf(pct[k], sizeof pct[k], "%.*f%%", opt->decimals, 100 * sl[k].share);
        double tw = draw_text_width(cr, pct[k]);
        double r = pie_place_label(&sl[k], cx, cy, radius, 0.6, tw, lh, placed, np, &placed[np]);
        /* Inside, on the slice's colour, always dark (as matplotlib's);
         * pushed out of the pie, the theme's text colour. */
        draw_set_color(cr, r > 1 ? th->text : 0xFF1A1A1A);
        draw_text(cr, placed[np].x, placed[np].y + lh / 2, 0, 0.5, pct[k]);
        np++;
    }
    for (int k = 0; k < ns; k++) {
        const char *name = d->feature_names[cols[sl[k].series]];
        double tw = draw_text_width(cr, name);
        pie_place_label(&sl[k], cx, cy, radius, 1.1, tw, lh, placed, np, &placed[np]);
        draw_set_color(cr, th->text);
        draw_text(cr, placed[np].x, placed[np].y + lh / 2, 0, 0.5, name);
        np++;
    }
}

const struct panel_kind panel_pie = {
    .head = {.name = "pie",
             .summary = "shares of data columns in the step's data row as a pie: sorted, "
                        "slightly exploded, percentages inside and names outside",
             .params = pie_params, .opts_size = sizeof(struct pie_opts),
             .requires = (const char *const[]){"data", NULL}},
    .templates = pie_templates,
    .draw = pie_draw,
    .check = pie_check,
};
