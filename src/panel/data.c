/* panel data: the dataset alone, as dots, with the curve it was drawn
 * around when the data kind knows it (dataset.truth): the "here is the
 * data" picture of scenes without a model, such as poly-data, where a
 * sweep of the noise shows the points leaving the true curve. */
#include <math.h>
#include <stddef.h>
#include "common.h"

#define DATA_TRUTH_POINTS 400

struct data_opts {
    const char *title, *x_label, *y_label;
    struct param_numbers x_range, y_range;
    uint32_t point_color, edge_color, truth_color;
    double point_size;
    int truth, grid;
};

static const struct param_spec data_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct data_opts, title),
     .doc = "title template, e.g. \"noise {value}\""},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct data_opts, x_label),
     .def = "x", .doc = "x axis label"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct data_opts, y_label),
     .def = "y", .doc = "y axis label"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct data_opts, x_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the x axis (default: the data's, padded)"},
    {.name = "y_range", .type = PARAM_NUMBERS, .offset = offsetof(struct data_opts, y_range),
     .count = 2, .interval = 1,
     .doc = "[lo, hi] of the y axis (default: the data's and the curve's, padded)"},
    {.name = "point_color", .type = PARAM_COLOR, .offset = offsetof(struct data_opts, point_color),
     .def = "#ffd700", .doc = "fill of the data points"},
    {.name = "edge_color", .type = PARAM_COLOR, .offset = offsetof(struct data_opts, edge_color),
     .def = "black", .doc = "edge of the data points (transparent: none)"},
    {.name = "point_size", .type = PARAM_DOUBLE, .offset = offsetof(struct data_opts, point_size),
     .def = "5", .ranged = 1, .lo = 0.5, .hi = 50, .doc = "radius of the data points in pixels"},
    {.name = "truth", .type = PARAM_BOOL, .offset = offsetof(struct data_opts, truth),
     .def = "true", .doc = "draw the curve the data was drawn around, when the data kind has one"},
    {.name = "truth_color", .type = PARAM_COLOR, .offset = offsetof(struct data_opts, truth_color),
     .def = "black", .doc = "colour of that curve"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct data_opts, grid),
     .def = "true", .doc = "light grid lines at the ticks"},
    {0},
};

static const char *const data_templates[] = {"title", NULL};

static void data_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct data_opts *opt = o;
    const struct dataset *d = c->data;
    int truth = opt->truth && d->truth && d->n > 0;
    /* The curve is drawn over the x the kind drew the data from (else the
     * x the data covers), sampled finely enough for 18 sin x to look
     * smooth. */
    double lo = 0, hi = 1, xs[DATA_TRUTH_POINTS], ys[DATA_TRUTH_POINTS];
    panel_extent(d->x, d->n, &lo, &hi);
    if (d->truth_hi > d->truth_lo) {
        lo = d->truth_lo;
        hi = d->truth_hi;
    }
    if (truth)
        for (int i = 0; i < DATA_TRUTH_POINTS; i++) {
            xs[i] = i == DATA_TRUTH_POINTS - 1 ? hi : lo + (hi - lo) * i / (DATA_TRUTH_POINTS - 1);
            ys[i] = d->truth(d, xs[i]);
        }
    struct viewport v = {0};
    if (opt->x_range.n == 2) {
        v.x0 = opt->x_range.v[0];
        v.x1 = opt->x_range.v[1];
    } else {
        v.x0 = lo;
        v.x1 = hi;
        panel_pad_range(&v.x0, &v.x1, 0.05);
    }
    if (opt->y_range.n == 2) {
        v.y0 = opt->y_range.v[0];
        v.y1 = opt->y_range.v[1];
    } else {
        double a = 0, b = 1, ta, tb;
        int found = panel_extent(d->y, d->n, &a, &b);
        if (truth && panel_extent(ys, DATA_TRUTH_POINTS, &ta, &tb)) {
            a = found ? fmin(a, ta) : ta;
            b = found ? fmax(b, tb) : tb;
        }
        v.y0 = a;
        v.y1 = b;
        panel_pad_range(&v.y0, &v.y1, 0.08);
    }
    char title[256];
    panel_expand(c, opt->title, NULL, title, sizeof(title));
    struct axes_style st = {title[0] ? title : NULL, opt->x_label, opt->y_label, opt->grid};
    draw_axes(cr, c->th, c->x, c->y, c->w, c->h, &v, &st);
    if (truth)
        draw_polyline(cr, &v, xs, ys, DATA_TRUTH_POINTS, c->th->line_width, opt->truth_color,
                      DRAW_SOLID);
    draw_scatter(cr, &v, d->x, d->y, d->n, opt->point_size, opt->point_color, opt->edge_color);
}

const struct panel_kind panel_data = {
    .head = {.name = "data",
             .summary = "the data as dots, with the curve it was drawn around when the data "
                        "kind has one (no model needed)",
             .params = data_params, .opts_size = sizeof(struct data_opts),
             .requires = (const char *const[]){"data-1d", NULL}},
    .templates = data_templates,
    .draw = data_draw,
    .draws_rows = 1,
};
