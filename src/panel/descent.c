/* panel descent: a search for the minimum of a curve y = f(x), the picture
 * of the one-dimensional lessons: the curve, dashed guides to its minimum,
 * the path taken so far (green arrows, or the points tried), the current
 * point, a box with the learning rate and a "Step k, x=..." callout.
 *
 * The source lessons put the callout at a fixed place in the axes with a
 * magenta arrow to the point (callout_at) and the learning-rate box low on
 * the right (info_at); without those the callout rides beside the point
 * and the box sits in the upper corner. A trainer that records the best
 * point so far (best_x, best_y: grid search) gets it marked, and the
 * callout can point at it. A single run says, on its last record, whether
 * it converged or stopped at its step limit (several runs get the
 * renderer's tag instead). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "textbox.h"

enum { PATH_ARROWS, PATH_POINTS, PATH_NONE };
static const char *const path_kinds[] = {"arrows", "points", "none", NULL};
enum { TO_POINT, TO_BEST };
static const char *const callout_targets[] = {"point", "best", NULL};

struct descent_opts {
    const char *title, *x_label, *y_label, *callout, *info, *legend;
    struct param_numbers x_range, y_range, callout_at, info_at;
    uint32_t curve_color, path_color, point_color, guide_color, callout_color, best_color;
    double point_radius, callout_size, info_size;
    int grid, max_arrows, legend_loc, path, callout_to, status;
};

static const struct param_spec descent_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct descent_opts, title),
     .doc = "title template"},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct descent_opts, x_label),
     .def = "x", .doc = "x axis label"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct descent_opts, y_label),
     .def = "y", .doc = "y axis label"},
    {.name = "callout", .type = PARAM_STRING, .offset = offsetof(struct descent_opts, callout),
     .def = "Step {step}, x={x:.4f}", .doc = "template of the label beside the current point"},
    {.name = "info", .type = PARAM_STRING, .offset = offsetof(struct descent_opts, info),
     .def = "learning rate = {lr}", .doc = "template of the box in the upper corner"},
    {.name = "callout_at", .type = PARAM_NUMBERS, .offset = offsetof(struct descent_opts, callout_at),
     .count = 2, .ranged = 1, .lo = 0, .hi = 1,
     .doc = "[ax, ay]: the callout's lower left corner in fractions of the plot, with an arrow to "
            "the point (default: beside the point)"},
    {.name = "callout_to", .type = PARAM_ENUM, .offset = offsetof(struct descent_opts, callout_to),
     .def = "point", .choices = callout_targets,
     .doc = "what the callout's arrow points at: the current point, or the best so far"},
    {.name = "callout_size", .type = PARAM_DOUBLE, .offset = offsetof(struct descent_opts, callout_size),
     .def = "0", .ranged = 1, .lo = 0, .hi = 200, .doc = "font size of the callout in pixels (0: the theme's)"},
    {.name = "info_at", .type = PARAM_NUMBERS, .offset = offsetof(struct descent_opts, info_at),
     .count = 2, .ranged = 1, .lo = 0, .hi = 1,
     .doc = "[ax, ay]: the info box's lower left corner in fractions of the plot (default: upper right)"},
    {.name = "info_size", .type = PARAM_DOUBLE, .offset = offsetof(struct descent_opts, info_size),
     .def = "0", .ranged = 1, .lo = 0, .hi = 200, .doc = "font size of the info box in pixels (0: the theme's)"},
    {.name = "legend", .type = PARAM_STRING, .offset = offsetof(struct descent_opts, legend),
     .doc = "text naming the curve, e.g. '$y=(x-10)^2$' (default: no legend)"},
    {.name = "legend_loc", .type = PARAM_ENUM, .offset = offsetof(struct descent_opts, legend_loc),
     .def = "upper-right", .choices = panel_legend_places, .doc = "the corner of the plot the legend sits in"},
    {.name = "path", .type = PARAM_ENUM, .offset = offsetof(struct descent_opts, path),
     .def = "arrows", .choices = path_kinds,
     .doc = "the path so far: arrows from step to step, the points tried, or none"},
    {.name = "status", .type = PARAM_BOOL, .offset = offsetof(struct descent_opts, status),
     .def = "true", .doc = "a single run's last record says why it stopped (converged, step limit)"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct descent_opts, x_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the x axis (default: around the path and the minimum)"},
    {.name = "y_range", .type = PARAM_NUMBERS, .offset = offsetof(struct descent_opts, y_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the y axis (default: the curve over the x range)"},
    {.name = "curve_color", .type = PARAM_COLOR, .offset = offsetof(struct descent_opts, curve_color),
     .def = "#1f77b4", .doc = "colour of the curve"},
    {.name = "path_color", .type = PARAM_COLOR, .offset = offsetof(struct descent_opts, path_color),
     .def = "#2ca02c", .doc = "colour of the path arrows"},
    {.name = "point_color", .type = PARAM_COLOR, .offset = offsetof(struct descent_opts, point_color),
     .def = "#d62728", .doc = "colour of the current point"},
    {.name = "guide_color", .type = PARAM_COLOR, .offset = offsetof(struct descent_opts, guide_color),
     .def = "#d62728", .doc = "colour of the dashed guides to the minimum"},
    {.name = "callout_color", .type = PARAM_COLOR, .offset = offsetof(struct descent_opts, callout_color),
     .def = "#ff00ff", .doc = "colour of the callout's edge and arrow"},
    {.name = "best_color", .type = PARAM_COLOR, .offset = offsetof(struct descent_opts, best_color),
     .def = "#2ca02c", .doc = "colour of the best point so far (trainers that record best_x, best_y)"},
    {.name = "point_radius", .type = PARAM_DOUBLE, .offset = offsetof(struct descent_opts, point_radius),
     .def = "8", .ranged = 1, .lo = 1, .hi = 50, .doc = "radius of the current point in pixels"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct descent_opts, grid),
     .def = "true", .doc = "light grid lines at the ticks"},
    {.name = "max_arrows", .type = PARAM_INT, .offset = offsetof(struct descent_opts, max_arrows),
     .def = "60", .ranged = 1, .lo = 0, .hi = 256, .doc = "arrows drawn at most (the latest ones)"},
    {0},
};

static const char *const descent_templates[] = {"title", "callout", "info", NULL};

static double objective_at(double x, const void *ctx)
{
    const struct run *s = ctx;
    return s->model->objective(s->model_opts, x);
}

static void descent_ranges(const struct descent_opts *opt, const struct panel_ctx *c,
                           struct viewport *v)
{
    const struct run *s = c->run;
    const struct trace *t = c->trace;
    int cx = TRACE_THETA_CHANNEL;
    if (opt->x_range.n == 2) {
        v->x0 = opt->x_range.v[0];
        v->x1 = opt->x_range.v[1];
    } else {
        /* The whole path (all records, so the axes never move) and the
         * minimum, mirrored so the parabola shows both arms. */
        double lo = NAN, hi = NAN, m = s->model->minimum ? s->model->minimum(s->model_opts) : NAN;
        for (int r = 0; r < t->nrec; r++) {
            double x = trace_get(t, r, cx);
            if (!isfinite(x) || fabs(x) > 1e12)
                continue;
            if (!(x >= lo)) lo = x;
            if (!(x <= hi)) hi = x;
        }
        if (isfinite(m)) {
            double reach = fmax(fabs(lo - m), fabs(hi - m));
            if (!isfinite(reach) || reach == 0)
                reach = 1;
            lo = m - reach;
            hi = m + reach;
        }
        v->x0 = lo;
        v->x1 = hi;
        panel_pad_range(&v->x0, &v->x1, 0.12);
    }
    if (opt->y_range.n == 2) {
        v->y0 = opt->y_range.v[0];
        v->y1 = opt->y_range.v[1];
    } else {
        double lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i <= 100; i++) {
            double y = objective_at(v->x0 + (v->x1 - v->x0) * i / 100.0, s);
            if (isfinite(y)) {
                lo = fmin(lo, y);
                hi = fmax(hi, y);
            }
        }
        v->y0 = lo;
        v->y1 = hi;
        panel_pad_range(&v->y0, &v->y1, 0.08);
    }
}

/* Why a single run ended, on its last record ("" while it runs); short,
 * as a line of the callout (the callout's step is the step it ended at). */
static void status_line(const struct panel_ctx *c, char *buf, size_t n)
{
    const struct trace *t = c->trace;
    buf[0] = '\0';
    if (c->nruns > 1 || c->rec != t->nrec - 1 || !t->stop_reason)
        return;
    if (strcmp(t->stop_reason, "converged") == 0)
        snprintf(buf, n, "converged");
    else if (strcmp(t->stop_reason, "max_steps") == 0)
        snprintf(buf, n, "step limit reached");
    else if (strcmp(t->stop_reason, "searched") == 0)
        snprintf(buf, n, "all points tried");
}

/* Arrows from step to step. Steps too small to see (a tiny learning rate,
 * or the end of a converging run) are merged until they cover about 18
 * pixels, so every rate shows where it went. Only the latest max_arrows
 * are drawn. */
static void draw_path_arrows(const struct descent_opts *opt, const struct panel_ctx *c,
                             const struct viewport *v, cairo_t *cr)
{
    const struct trace *t = c->trace;
    int cx = TRACE_THETA_CHANNEL, cy = trace_channel(t, "loss");
    double sx[256], sy[256], ex[256], ey[256];
    int na = 0, head = 0, anchor = 0;
    for (int r = 1; r <= c->rec; r++) {
        double x0 = trace_get(t, anchor, cx), y0 = trace_get(t, anchor, cy);
        double x1 = trace_get(t, r, cx), y1 = trace_get(t, r, cy);
        if (!isfinite(x0 + y0 + x1 + y1))
            break;
        double px0 = vp_x(v, x0), py0 = vp_y(v, y0), px1 = vp_x(v, x1), py1 = vp_y(v, y1);
        if (hypot(px1 - px0, py1 - py0) < 18 && r < c->rec)
            continue;
        /* A ring of the latest arrows. */
        int slot = (head + na) % 256;
        if (na == 256)
            head = (head + 1) % 256;
        else
            na++;
        sx[slot] = px0; sy[slot] = py0; ex[slot] = px1; ey[slot] = py1;
        anchor = r;
    }
    int from = na > opt->max_arrows ? na - opt->max_arrows : 0;
    for (int i = from; i < na; i++) {
        int k = (head + i) % 256;
        if (hypot(ex[k] - sx[k], ey[k] - sy[k]) >= 1.5)
            draw_arrow(cr, sx[k], sy[k], ex[k], ey[k], 1.6, 9, opt->path_color);
    }
}

/* The points tried so far (a grid search's), one dot per pixel column at
 * most, so the cost stays with the plot's width. */
static void draw_path_points(const struct descent_opts *opt, const struct panel_ctx *c,
                             const struct viewport *v, cairo_t *cr)
{
    const struct trace *t = c->trace;
    int cy = trace_channel(t, "loss");
    double last_px = -INFINITY, last_py = -INFINITY;
    for (int r = 0; r <= c->rec; r++) {
        double x = trace_get(t, r, TRACE_THETA_CHANNEL), y = trace_get(t, r, cy);
        if (!isfinite(x) || !isfinite(y))
            continue;
        double px = vp_x(v, x), py = vp_y(v, y);
        if (fabs(px - last_px) < 3 && fabs(py - last_py) < 3)
            continue;
        draw_circle(cr, px, py, 2.2, opt->path_color, 0, 0);
        last_px = px;
        last_py = py;
    }
}

/* The old callout: beside the point, on the side with more room. */
static void draw_side_callout(const struct descent_opts *opt, const struct theme *th,
                              const struct viewport *v, double px, double py, const char *text,
                              cairo_t *cr)
{
    struct textbox b;
    draw_font(cr, 1, opt->callout_size > 0 ? opt->callout_size : th->font_size);
    textbox_layout(cr, &b, text, 6, 0);
    int right = px < v->px + v->pw / 2;
    b.r.x = right ? px + 14 : px - 14 - b.r.w;
    b.r.y = py - 24 - b.r.h;
    if (b.r.y < v->py + 4) b.r.y = py + 14;
    if (b.r.x < v->px + 2) b.r.x = v->px + 2;
    if (b.r.x + b.r.w > v->px + v->pw) b.r.x = v->px + v->pw - b.r.w;
    textbox_draw(cr, th, &b, b.pad, 4, th->background, opt->point_color, 1.2);
}

static void descent_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct descent_opts *opt = o;
    const struct run *s = c->run;
    const struct trace *t = c->trace;
    const struct theme *th = c->th;
    struct viewport v = {0};
    descent_ranges(opt, c, &v);
    char text[4096];
    panel_expand(c, opt->title, NULL, text, sizeof(text));
    struct axes_style st = {text[0] ? text : NULL, opt->x_label, opt->y_label, opt->grid};
    draw_axes(cr, th, c->x, c->y, c->w, c->h, &v, &st);

    cairo_save(cr);
    vp_clip(cr, &v);
    draw_function(cr, &v, objective_at, s, 300, th->line_width, opt->curve_color);
    /* Dashed guides from the axes to the minimum. */
    if (s->model->minimum) {
        double mx = s->model->minimum(s->model_opts), my = objective_at(mx, s);
        double px = vp_x(&v, mx), py = vp_y(&v, my);
        draw_line(cr, px, v.py + v.ph, px, py, 1.5, opt->guide_color, 1);
        draw_line(cr, v.px, py, px, py, 1.5, opt->guide_color, 1);
    }
    if (opt->path == PATH_ARROWS)
        draw_path_arrows(opt, c, &v, cr);
    else if (opt->path == PATH_POINTS)
        draw_path_points(opt, c, &v, cr);
    cairo_restore(cr);

    if (opt->legend && opt->legend[0]) {
        struct panel_legend_item item = {opt->legend, opt->curve_color, DRAW_SOLID};
        panel_legend(cr, th, &v, opt->legend_loc, &item, 1, th->line_width);
    }

    /* The best point so far, for trainers that record it. */
    int cbx = trace_channel(t, "best_x"), cby = trace_channel(t, "best_y");
    double bx = cbx >= 0 ? trace_get(t, c->rec, cbx) : NAN;
    double by = cby >= 0 ? trace_get(t, c->rec, cby) : NAN;
    double bpx = vp_x(&v, bx), bpy = vp_y(&v, by), r = opt->point_radius;
    int best = isfinite(bx) && isfinite(by);

    double x = trace_get(t, c->rec, TRACE_THETA_CHANNEL), y = trace_value(t, c->rec, "loss");
    int have = isfinite(x) && isfinite(y);
    double px = have ? vp_x(&v, x) : 0, py = have ? vp_y(&v, y) : 0;
    if (have) {
        cairo_save(cr);
        vp_clip(cr, &v);
        draw_circle(cr, px, py, r, opt->point_color, 0, 0);
        if (best)
            draw_circle(cr, bpx, bpy, r + 3, 0, opt->best_color, 3);
        cairo_restore(cr);
    } else {
        panel_diverged_tag(cr, c, &v);
    }

    char status[96];
    status_line(c, status, sizeof status);
    panel_expand(c, opt->callout, NULL, text, sizeof(text));
    if (status[0] && opt->status) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof(text) - used, "%s%s", used ? "\n" : "", status);
    }
    /* What the callout points at, and where the info box must not go. */
    double tx = opt->callout_to == TO_BEST && best ? bpx : px;
    double ty = opt->callout_to == TO_BEST && best ? bpy : py;
    if (text[0] && (have || best)) {
        if (opt->callout_at.n == 2) {
            struct textbox b;
            draw_font(cr, 0, opt->callout_size > 0 ? opt->callout_size : th->font_size);
            textbox_layout(cr, &b, text, 8, 0);
            textbox_place(&b, &v, opt->callout_at.v, tx, ty, r + 6);
            textbox_draw(cr, th, &b, b.pad, 6, th->panel, opt->callout_color, 1.2);
            textbox_arrow(cr, &b.r, tx, ty, r + 3, 1.6, opt->callout_color);
        } else if (have) {
            draw_side_callout(opt, th, &v, px, py, text, cr);
        }
    }

    panel_expand(c, opt->info, NULL, text, sizeof(text));
    if (text[0]) {
        struct textbox b;
        draw_font(cr, 0, opt->info_size > 0 ? opt->info_size : th->font_size);
        textbox_layout(cr, &b, text, 7, 0);
        if (opt->info_at.n == 2) {
            textbox_place(&b, &v, opt->info_at.v, px, py, have ? r + 4 : 0);
        } else {
            b.r.x = v.px + v.pw - b.r.w - 8;
            b.r.y = v.py + 10;
        }
        textbox_draw(cr, th, &b, b.pad, 6, th->panel, th->axis, 1);
    }
}

const struct panel_kind panel_descent = {
    .head = {.name = "descent",
             .summary = "a search for a curve's minimum: the path so far, the current (and best) point, "
                        "guides to the minimum, a callout and an info box",
             .params = descent_params, .opts_size = sizeof(struct descent_opts),
             .requires = (const char *const[]){"objective-1d", NULL}},
    .templates = descent_templates,
    .draw = descent_draw,
};
