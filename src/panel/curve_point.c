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
#include "common.h"

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

#define CP_MAX_LINES 8

struct rect {
    double x, y, w, h;
};

static double objective_at(double x, const void *ctx)
{
    const struct run *s = ctx;
    return s->model->objective(s->model_opts, x);
}

/* Splits text at its newlines in place: up to max lines into line[]. */
static int split_lines(char *text, char **line, int max)
{
    int n = 0;
    for (char *s = text; n < max;) {
        line[n++] = s;
        char *nl = strchr(s, '\n');
        if (!nl)
            break;
        *nl = '\0';
        s = nl + 1;
    }
    return n;
}

/* A box of text lines, padded, for the current font. */
/* A line's height: lh, or more where a formula in it is taller. */
static double line_height(cairo_t *cr, const char *line, double lh, double *above)
{
    double up, down;
    draw_text_reach(cr, line, &up, &down);
    *above = lh / 2 + up;               /* from the line's top to its centre */
    return lh + up + down;
}

static struct rect text_box(cairo_t *cr, char **line, int n, double lh, double pad, double extra)
{
    double w = 0, h = 0, above;
    for (int i = 0; i < n; i++) {
        w = fmax(w, draw_text_width(cr, line[i]));
        h += line_height(cr, line[i], lh, &above);
    }
    return (struct rect){0, 0, w + extra + 2 * pad, h + 2 * pad};
}

static void draw_lines(cairo_t *cr, const struct theme *th, double x, double y, char **line, int n,
                       double lh)
{
    draw_set_color(cr, th->text);
    for (int i = 0; i < n; i++) {
        double above, h = line_height(cr, line[i], lh, &above);
        draw_text(cr, x, y + above, 0, 0.5, line[i]);
        y += h;
    }
}

static int overlaps(const struct rect *b, double cx, double cy, double r)
{
    /* The circle's distance from the rectangle. */
    double dx = fmax(fmax(b->x - cx, 0), cx - (b->x + b->w));
    double dy = fmax(fmax(b->y - cy, 0), cy - (b->y + b->h));
    return hypot(dx, dy) < r;
}

/* Moves b inside the plot area (as far as it fits). */
static void keep_inside(struct rect *b, const struct viewport *v)
{
    b->x = fmax(v->px + 2, fmin(b->x, v->px + v->pw - b->w - 2));
    b->y = fmax(v->py + 2, fmin(b->y, v->py + v->ph - b->h - 2));
}

/* Where the label box goes: at label_at, or mirrored, or beside the dot
 * (px, py), whichever first keeps clear of the dot by `clear` pixels. */
static struct rect place_label(const struct curve_point_opts *opt, const struct viewport *v,
                               struct rect b, double px, double py, double clear)
{
    struct rect at = b;
    at.x = v->px + opt->label_at.v[0] * v->pw;
    at.y = v->py + (1 - opt->label_at.v[1]) * v->ph - b.h;
    keep_inside(&at, v);
    double mx = 2 * v->px + v->pw - at.x - at.w, my = 2 * v->py + v->ph - at.y - at.h;
    struct rect cand[6] = {at, at, at, at, at, at};
    cand[1].x = mx;
    cand[2].y = my;
    cand[3].x = mx;
    cand[3].y = my;
    cand[4].x = px - b.w / 2;
    cand[4].y = py - clear - b.h - 24;
    cand[5].x = px - b.w / 2;
    cand[5].y = py + clear + 24;
    for (int i = 0; i < 6; i++) {
        keep_inside(&cand[i], v);
        if (!overlaps(&cand[i], px, py, clear))
            return cand[i];
    }
    return at;
}

/* Where the ray from the centre of b towards (x, y) leaves b. */
static void box_exit(const struct rect *b, double x, double y, double *ex, double *ey)
{
    double cx = b->x + b->w / 2, cy = b->y + b->h / 2, dx = x - cx, dy = y - cy;
    double t = 1;
    if (fabs(dx) > 1e-9)
        t = fmin(t, b->w / 2 / fabs(dx));
    if (fabs(dy) > 1e-9)
        t = fmin(t, b->h / 2 / fabs(dy));
    *ex = cx + dx * t;
    *ey = cy + dy * t;
}

static void draw_legend(cairo_t *cr, const struct curve_point_opts *opt, const struct theme *th,
                        const struct viewport *v)
{
    char text[4096], *line[CP_MAX_LINES];
    snprintf(text, sizeof(text), "%s", opt->legend);
    draw_font(cr, 0, th->font_size);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    const double pad = 8, sample = 28, gap = 8, lh = fe.height;
    int n = split_lines(text, line, CP_MAX_LINES);
    struct rect b = text_box(cr, line, n, lh, pad, sample + gap);
    int right = opt->legend_loc == LEGEND_UPPER_RIGHT || opt->legend_loc == LEGEND_LOWER_RIGHT;
    int lower = opt->legend_loc == LEGEND_LOWER_LEFT || opt->legend_loc == LEGEND_LOWER_RIGHT;
    b.x = right ? v->px + v->pw - 10 - b.w : v->px + 10;
    b.y = lower ? v->py + v->ph - 10 - b.h : v->py + 10;
    draw_box(cr, b.x, b.y, b.w, b.h, 4, th->background, th->axis, 1);
    double above;
    line_height(cr, line[0], lh, &above);
    double sy = b.y + pad + above;
    draw_line(cr, b.x + pad, sy, b.x + pad + sample, sy, th->line_width, opt->curve_color, 0);
    draw_lines(cr, th, b.x + pad + sample + gap, b.y + pad, line, n, lh);
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

    char *line[CP_MAX_LINES];
    panel_expand(c, opt->label, NULL, text, sizeof(text));
    if (text[0]) {
        draw_font(cr, 0, th->font_size);
        cairo_font_extents_t fe;
        cairo_font_extents(cr, &fe);
        const double pad = 8, lh = fe.height;
        int n = split_lines(text, line, CP_MAX_LINES);
        struct rect b = place_label(opt, &v, text_box(cr, line, n, lh, pad, 0), px, py, r + 6);
        draw_box(cr, b.x, b.y, b.w, b.h, 5, th->background, opt->arrow_color, 1.2);
        draw_lines(cr, th, b.x + pad, b.y + pad, line, n, lh);
        if (shown) {
            double ex, ey;
            box_exit(&b, px, py, &ex, &ey);
            double len = hypot(px - ex, py - ey), stop = r + 3;
            if (len > stop + 6)
                draw_arrow(cr, ex, ey, px + (ex - px) * stop / len, py + (ey - py) * stop / len,
                           1.6, 10, opt->arrow_color);
        }
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
