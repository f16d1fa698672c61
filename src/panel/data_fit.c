/* panel data-fit: the dataset as dots and the model's current prediction
 * as a line over them: the left half of the line-fitting lessons. */
#include <math.h>
#include <stddef.h>
#include "common.h"

struct data_fit_opts {
    const char *title, *x_label, *y_label;
    struct param_numbers x_range, y_range;
    uint32_t point_color, line_color;
    double point_size;
    int grid;
};

static const struct param_spec data_fit_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct data_fit_opts, title),
     .doc = "title template, e.g. \"step {step}: w={w:.2f}\""},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct data_fit_opts, x_label),
     .def = "x", .doc = "x axis label"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct data_fit_opts, y_label),
     .def = "y", .doc = "y axis label"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct data_fit_opts, x_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the x axis (default: the data's, padded)"},
    {.name = "y_range", .type = PARAM_NUMBERS, .offset = offsetof(struct data_fit_opts, y_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the y axis (default: the data's, padded)"},
    {.name = "point_color", .type = PARAM_COLOR, .offset = offsetof(struct data_fit_opts, point_color),
     .def = "#1f77b4", .doc = "colour of the data points"},
    {.name = "line_color", .type = PARAM_COLOR, .offset = offsetof(struct data_fit_opts, line_color),
     .def = "#d62728", .doc = "colour of the model's line"},
    {.name = "point_size", .type = PARAM_DOUBLE, .offset = offsetof(struct data_fit_opts, point_size),
     .def = "3.5", .ranged = 1, .lo = 0.5, .hi = 50, .doc = "radius of the data points in pixels"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct data_fit_opts, grid),
     .def = "true", .doc = "light grid lines at the ticks"},
    {0},
};

static const char *const data_fit_templates[] = {"title", NULL};

static double predict_at(double x, const void *ctx)
{
    const struct panel_ctx *c = ((const void *const *)ctx)[0];
    const double *theta = ((const void *const *)ctx)[1];
    return c->run->model->predict(c->run->model_opts, theta, x);
}

static void data_fit_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct data_fit_opts *opt = o;
    const struct dataset *d = c->data;
    struct viewport v = {0};
    if (opt->x_range.n == 2) {
        v.x0 = opt->x_range.v[0];
        v.x1 = opt->x_range.v[1];
    } else {
        panel_extent(d->x, d->n, &v.x0, &v.x1);
        panel_pad_range(&v.x0, &v.x1, 0.05);
    }
    if (opt->y_range.n == 2) {
        v.y0 = opt->y_range.v[0];
        v.y1 = opt->y_range.v[1];
    } else {
        panel_extent(d->y, d->n, &v.y0, &v.y1);
        panel_pad_range(&v.y0, &v.y1, 0.08);
    }
    char title[256];
    panel_expand(c, opt->title, NULL, title, sizeof(title));
    struct axes_style st = {title[0] ? title : NULL, opt->x_label, opt->y_label, opt->grid};
    draw_axes(cr, c->th, c->x, c->y, c->w, c->h, &v, &st);

    draw_scatter(cr, &v, d->x, d->y, d->n, opt->point_size, opt->point_color, 0);
    const double *theta = panel_theta(c);
    int finite = 1;
    for (int i = 0, np = panel_nparams(c); i < np; i++)
        finite &= isfinite(theta[i]) != 0;
    if (finite) {
        const void *ctx[2] = {c, theta};
        draw_function(cr, &v, predict_at, ctx, 200, c->th->line_width * 1.25, opt->line_color);
    } else {
        panel_diverged_tag(cr, c, &v);
    }
}

const struct panel_kind panel_data_fit = {
    .head = {.name = "data-fit",
             .summary = "the data as dots and the model's current prediction as a line",
             .params = data_fit_params, .opts_size = sizeof(struct data_fit_opts),
             .requires = (const char *const[]){"data-1d", "predict-1d", NULL}},
    .templates = data_fit_templates,
    .draw = data_fit_draw,
    .draws_rows = 1,
};
