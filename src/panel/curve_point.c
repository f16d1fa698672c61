/* panel curve-point: a curve y = f(x) and one point moving along it, the
 * picture of the activation lessons: the model's curve over fixed axes, a
 * legend naming it, a dot at the record's (x, y) and a label box with the
 * values, joined to the dot by an arrow.
 *
 * x is the model's one parameter and y the record's loss (the model's f at
 * x), both from the trace. The box sits where the script puts it, in
 * fractions of the plot area (matplotlib's "axes fraction"), but never over
 * the dot: when it would cover it, it moves to the mirrored place on the
 * other side of the plot (left-right, then top-bottom, then both), and as a
 * last resort right above or below the dot. */
#include <math.h>
#include <stddef.h>
#include <string.h>
#include "textbox.h"

enum { LEGEND_UPPER_LEFT, LEGEND_UPPER_RIGHT, LEGEND_LOWER_LEFT, LEGEND_LOWER_RIGHT };

static const char *const legend_locs[] = {"upper-left", "upper-right", "lower-left",
                                          "lower-right", NULL};

struct curve_point_opts {
    const char *title, *x_label, *y_label, *legend, *label;
    int legend_loc;
    struct param_numbers x_range, y_range, label_at;
    uint32_t curve_color, point_color, arrow_color;
    double point_radius;
    int grid;
};

static const struct param_spec curve_point_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct curve_point_opts, title),
     .doc = "title template (default: none)"},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct curve_point_opts, x_label),
     .def = "x", .doc = "x axis label"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct curve_point_opts, y_label),
     .def = "y", .doc = "y axis label"},
    {.name = "legend", .type = PARAM_STRING, .offset = offsetof(struct curve_point_opts, legend),
     .doc = "plain text naming the curve, e.g. \"ReLU(x) = max(0, x)\" (default: no legend)"},
    {.name = "legend_loc", .type = PARAM_ENUM, .offset = offsetof(struct curve_point_opts, legend_loc),
     .def = "upper-left", .choices = legend_locs, .doc = "the corner of the plot the legend sits in"},
    {.name = "label", .type = PARAM_STRING, .offset = offsetof(struct curve_point_opts, label),
     .def = "value of x: {x:.2f}\nvalue of y: {loss:.2f}",
     .doc = "template of the box joined to the point; a newline starts a line (\"\": no box)"},
    {.name = "label_at", .type = PARAM_NUMBERS, .offset = offsetof(struct curve_point_opts, label_at),
     .def = "0.2,0.6", .count = 2, .ranged = 1, .lo = 0, .hi = 1,
     .doc = "[ax, ay]: the box's lower left corner in fractions of the plot (0, 0 lower left)"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct curve_point_opts, x_range),
     .def = "-6,6", .count = 2, .interval = 1, .doc = "[lo, hi] of the x axis"},
    {.name = "y_range", .type = PARAM_NUMBERS, .offset = offsetof(struct curve_point_opts, y_range),
     .def = "-1,6.5", .count = 2, .interval = 1, .doc = "[lo, hi] of the y axis"},
    {.name = "curve_color", .type = PARAM_COLOR, .offset = offsetof(struct curve_point_opts, curve_color),
     .def = "#1f77b4", .doc = "colour of the curve"},
    {.name = "point_color", .type = PARAM_COLOR, .offset = offsetof(struct curve_point_opts, point_color),
     .def = "#d62728", .doc = "colour of the point"},
    {.name = "arrow_color", .type = PARAM_COLOR, .offset = offsetof(struct curve_point_opts, arrow_color),
     .def = "#2ca02c", .doc = "colour of the arrow from the box to the point"},
    {.name = "point_radius", .type = PARAM_DOUBLE, .offset = offsetof(struct curve_point_opts, point_radius),
     .def = "8", .ranged = 1, .lo = 1, .hi = 50, .doc = "radius of the point in pixels"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct curve_point_opts, grid),
     .def = "true", .doc = "light grid lines at the ticks"},
    {0},
};

static const char *const curve_point_templates[] = {"title", "label", NULL};

static double objective_at(double x, const void *ctx)
{
    const struct run *s = ctx;
    return s->model->objective(s->model_opts, x);
}

static void draw_legend(cairo_t *cr, const struct curve_point_opts *opt, const struct theme *th,
                        const struct viewport *v)
{
    struct textbox b;
    draw_font(cr, 0, th->font_size);
    const double pad = 8, sample = 28, gap = 8;
    textbox_layout(cr, &b, opt->legend, pad, sample + gap);
    int right = opt->legend_loc == LEGEND_UPPER_RIGHT || opt->legend_loc == LEGEND_LOWER_RIGHT;
    int lower = opt->legend_loc == LEGEND_LOWER_LEFT || opt->legend_loc == LEGEND_LOWER_RIGHT;
    b.r.x = right ? v->px + v->pw - 10 - b.r.w : v->px + 10;
    b.r.y = lower ? v->py + v->ph - 10 - b.r.h : v->py + 10;
    double up, down;
    draw_text_reach(cr, b.line[0], &up, &down);
    double sy = b.r.y + pad + b.lh / 2 + up;
    textbox_draw(cr, th, &b, pad + sample + gap, 4, th->background, th->axis, 1);
    draw_line(cr, b.r.x + pad, sy, b.r.x + pad + sample, sy, th->line_width, opt->curve_color, 0);
}

static void curve_point_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct curve_point_opts *opt = o;
    const struct run *s = c->run;
    const struct trace *t = c->trace;
    const struct theme *th = c->th;
    struct viewport v = {.x0 = opt->x_range.v[0], .x1 = opt->x_range.v[1],
                         .y0 = opt->y_range.v[0], .y1 = opt->y_range.v[1]};
    char text[4096];
    panel_expand(c, opt->title, NULL, text, sizeof(text));
    struct axes_style st = {text[0] ? text : NULL, opt->x_label, opt->y_label, opt->grid};
    draw_axes(cr, th, c->x, c->y, c->w, c->h, &v, &st);

    /* An odd count puts a sample on the middle of the axis: x = 0, ReLU's
     * corner, on the default range. */
    draw_function(cr, &v, objective_at, s, 401, th->line_width, opt->curve_color);
    if (opt->legend && opt->legend[0])
        draw_legend(cr, opt, th, &v);

    double x = trace_get(t, c->rec, TRACE_THETA_CHANNEL), y = trace_value(t, c->rec, "loss");
    if (!isfinite(x) || !isfinite(y)) {
        panel_diverged_tag(cr, c, &v);
        return;
    }
    double px = vp_x(&v, x), py = vp_y(&v, y), r = opt->point_radius;
    /* Drawn unclipped, so a point at the end of the range shows whole; one
     * beyond the axes is not drawn at all. */
    int shown = px >= v.px - r && px <= v.px + v.pw + r && py >= v.py - r && py <= v.py + v.ph + r;

    panel_expand(c, opt->label, NULL, text, sizeof(text));
    if (text[0]) {
        struct textbox b;
        draw_font(cr, 0, th->font_size);
        textbox_layout(cr, &b, text, 8, 0);
        textbox_place(&b, &v, opt->label_at.v, px, py, r + 6);
        textbox_draw(cr, th, &b, b.pad, 5, th->background, opt->arrow_color, 1.2);
        if (shown)
            textbox_arrow(cr, &b.r, px, py, r + 3, 1.6, opt->arrow_color);
    }
    if (shown)
        draw_circle(cr, px, py, r, opt->point_color, 0, 0);
}

const struct panel_kind panel_curve_point = {
    .head = {.name = "curve-point",
             .summary = "a curve y = f(x) with a legend, and the current (x, y) as a dot with a "
                        "labelled arrow",
             .params = curve_point_params, .opts_size = sizeof(struct curve_point_opts),
             .requires = (const char *const[]){"objective-1d", NULL}},
    .templates = curve_point_templates,
    .draw = curve_point_draw,
};
