/* panel descent: gradient descent on a curve y = f(x), the picture of the
 * one-dimensional lessons: the curve, dashed guides to its minimum, green
 * arrows along the path taken so far, the current point, a box with the
 * learning rate and a "Step k, x=..." callout. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include "common.h"

struct descent_opts {
    const char *title, *x_label, *y_label, *callout, *info;
    struct param_numbers x_range, y_range;
    uint32_t curve_color, path_color, point_color;
    int grid, max_arrows;
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

    draw_function(cr, &v, objective_at, s, 300, th->line_width, opt->curve_color);

    /* Dashed guides from the axes to the minimum. */
    if (s->model->minimum) {
        double mx = s->model->minimum(s->model_opts), my = objective_at(mx, s);
        double px = vp_x(&v, mx), py = vp_y(&v, my);
        draw_line(cr, px, v.py + v.ph, px, py, 1.2, th->muted, 1);
        draw_line(cr, v.px, py, px, py, 1.2, th->muted, 1);
    }

    /* Path: an arrow per step taken so far. Steps too small to see (a tiny
     * learning rate, or the end of a converging run) are merged until they
     * cover about 18 pixels, so every rate shows where it went. Only the
     * latest max_arrows are drawn. */
    int cx = TRACE_THETA_CHANNEL, cy = trace_channel(t, "loss");
    double sx[256], sy[256], ex[256], ey[256];
    int na = 0, head = 0, anchor = 0;
    for (int r = 1; r <= c->rec; r++) {
        double x0 = trace_get(t, anchor, cx), y0 = trace_get(t, anchor, cy);
        double x1 = trace_get(t, r, cx), y1 = trace_get(t, r, cy);
        if (!isfinite(x0 + y0 + x1 + y1))
            break;
        double px0 = vp_x(&v, x0), py0 = vp_y(&v, y0), px1 = vp_x(&v, x1), py1 = vp_y(&v, y1);
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
    cairo_save(cr);
    vp_clip(cr, &v);
    int from = na > opt->max_arrows ? na - opt->max_arrows : 0;
    for (int i = from; i < na; i++) {
        int k = (head + i) % 256;
        if (hypot(ex[k] - sx[k], ey[k] - sy[k]) >= 1.5)
            draw_arrow(cr, sx[k], sy[k], ex[k], ey[k], 1.6, 9, opt->path_color);
    }
    cairo_restore(cr);

    double x = trace_get(t, c->rec, cx), y = trace_get(t, c->rec, cy);
    if (isfinite(x) && isfinite(y)) {
        double px = vp_x(&v, x), py = vp_y(&v, y);
        draw_scatter(cr, &v, &x, &y, 1, 6, opt->point_color, th->background);
        /* Callout on the side of the point with more room. */
        panel_expand(c, opt->callout, NULL, text, sizeof(text));
        if (text[0]) {
            draw_font(cr, 1, th->font_size);
            double tw = draw_text_width(cr, text), up, down;
            /* as tall as a formula in it needs */
            draw_text_reach(cr, text, &up, &down);
            double bh = th->font_size + 10 + up + down;
            int right = px < v.px + v.pw / 2;
            double bx = right ? px + 14 : px - 14 - tw - 12;
            double by = py - 34 - (bh - (th->font_size + 10));
            if (by < v.py + 4) by = py + 14;
            if (bx < v.px + 2) bx = v.px + 2;
            if (bx + tw + 12 > v.px + v.pw) bx = v.px + v.pw - tw - 12;
            draw_box(cr, bx, by, tw + 12, bh, 4, th->background, opt->point_color, 1.2);
            draw_set_color(cr, th->text);
            draw_text(cr, bx + 6, by + 5 + th->font_size / 2 + up, 0, 0.5, text);
        }
    } else {
        panel_diverged_tag(cr, c, &v);
    }

    panel_expand(c, opt->info, NULL, text, sizeof(text));
    if (text[0]) {
        draw_font(cr, 0, th->font_size);
        double tw = draw_text_width(cr, text), up, down;
        draw_text_reach(cr, text, &up, &down);
        double bh = th->font_size + 12 + up + down;
        double bx = v.px + v.pw - tw - 22, by = v.py + 10;
        draw_box(cr, bx, by, tw + 14, bh, 4, th->panel, th->axis, 1);
        draw_set_color(cr, th->text);
        draw_text(cr, bx + 7, by + 6 + th->font_size / 2 + up, 0, 0.5, text);
    }
}

const struct panel_kind panel_descent = {
    .head = {.name = "descent",
             .summary = "gradient descent on a curve: path arrows, the current point, guides to the minimum",
             .params = descent_params, .opts_size = sizeof(struct descent_opts),
             .requires = (const char *const[]){"objective-1d", NULL}},
    .templates = descent_templates,
    .draw = descent_draw,
};
