/* panel curves: named scalar channels plotted against another channel,
 * growing record by record on axes fixed for the whole trace, so the
 * curves grow without the axes jumping. The trace is the panel's run
 * (`source: run`: a learning curve, one record per training-set size) or
 * a sweep's summary (`source: sweep`: one record per swept value, say the
 * train and validation error per polynomial degree).
 *
 * With `best: CHANNEL` the record with the least value of that channel
 * among those shown so far is marked (a dashed line and a label), and the
 * optional notes below_text / best_text / above_text say where the record
 * shown lies against the least value of the whole trace: every record was
 * computed before the first frame, so "this degree is below the best one"
 * is a fact about the trace, never a guess. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

#define CURVES_MAX 6
#define CURVES_POINTS 1024      /* records drawn per curve (thinned beyond) */

enum curves_source { CURVES_RUN, CURVES_SWEEP };
static const char *const curves_sources[] = {"run", "sweep", NULL};

struct curves_opts {
    int source;
    const char *x, *title, *x_label, *y_label;
    struct param_strings y, labels, colors;
    int log, x_log, markers, grid, legend;
    struct param_numbers x_range, y_range;
    const char *best, *best_label, *below_text, *best_text, *above_text, *note;
};

static const struct param_spec curves_params[] = {
    {.name = "source", .type = PARAM_ENUM, .offset = offsetof(struct curves_opts, source),
     .def = "run", .choices = curves_sources,
     .doc = "the records plotted: the run's trace, or a sweep's summary (one record per value)"},
    {.name = "x", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, x),
     .doc = "channel on the x axis (default: step for a run, the swept value for a sweep)"},
    {.name = "y", .type = PARAM_STRINGS, .offset = offsetof(struct curves_opts, y),
     .required = 1, .doc = "the scalar channels drawn as curves, e.g. [mse_train, mse_test]"},
    {.name = "labels", .type = PARAM_STRINGS, .offset = offsetof(struct curves_opts, labels),
     .doc = "legend label of each curve (default: the channel names)"},
    {.name = "colors", .type = PARAM_STRINGS, .offset = offsetof(struct curves_opts, colors),
     .doc = "colour of each curve (default: the theme's blue, orange, purple, ...)"},
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, title),
     .doc = "title template (the record shown)"},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, x_label),
     .doc = "x axis label (default: the x channel's name)"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, y_label),
     .doc = "y axis label"},
    {.name = "log", .type = PARAM_BOOL, .offset = offsetof(struct curves_opts, log),
     .def = "false", .doc = "logarithmic y axis (values <= 0 are not drawn)"},
    {.name = "x_log", .type = PARAM_BOOL, .offset = offsetof(struct curves_opts, x_log),
     .def = "false", .doc = "logarithmic x axis (records at x <= 0 are not drawn)"},
    {.name = "markers", .type = PARAM_BOOL, .offset = offsetof(struct curves_opts, markers),
     .def = "true", .doc = "a dot at every record"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct curves_opts, grid),
     .def = "true", .doc = "light grid lines at the ticks"},
    {.name = "legend", .type = PARAM_ENUM, .offset = offsetof(struct curves_opts, legend),
     .def = "upper-right", .choices = panel_legend_places, .doc = "where the legend goes"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct curves_opts, x_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the x axis (default: every record's)"},
    {.name = "y_range", .type = PARAM_NUMBERS, .offset = offsetof(struct curves_opts, y_range),
     .count = 2, .interval = 1,
     .doc = "[lo, hi] of the y axis (default: every record's, padded); values outside are clipped"},
    {.name = "best", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, best),
     .doc = "a channel whose least value so far is marked (e.g. the validation error)"},
    {.name = "best_label", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, best_label),
     .doc = "label of the mark, a template of the best record (e.g. \"best: degree {degree}\")"},
    {.name = "below_text", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, below_text),
     .doc = "note while the record shown has a smaller x than the trace's best record"},
    {.name = "best_text", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, best_text),
     .doc = "note while the record shown is the trace's best"},
    {.name = "above_text", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, above_text),
     .doc = "note while the record shown has a larger x than the trace's best record"},
    {.name = "note", .type = PARAM_STRING, .offset = offsetof(struct curves_opts, note),
     .doc = "a line under the axes (a template of the record shown), where no note of the best "
            "record applies"},
    {0},
};

static const char *const curves_templates[] = {"title", "best_label", "below_text", "best_text",
                                               "above_text", "note", NULL};

/* The records the panel plots and the one shown; NULL when a sweep is
 * asked for outside a sweep. */
static const struct trace *curves_trace(const struct curves_opts *opt, const struct panel_ctx *c,
                                        int *cur)
{
    const struct trace *t = opt->source == CURVES_SWEEP ? c->sweep : c->trace;
    int r = opt->source == CURVES_SWEEP ? c->sweep_index : c->rec;
    if (!t || t->nrec <= 0)
        return NULL;
    *cur = r < 0 ? 0 : r >= t->nrec ? t->nrec - 1 : r;
    return t;
}

static const char *curves_x_name(const struct curves_opts *opt)
{
    return opt->x ? opt->x : opt->source == CURVES_SWEEP ? "value" : "step";
}

/* The record of the least finite value of channel ch among 0..last; -1 if none. */
static int curves_argmin(const struct trace *t, int ch, int last)
{
    int best = -1;
    double bv = 0;
    for (int r = 0; r <= last && r < t->nrec; r++) {
        double v = trace_get(t, r, ch);
        if (isfinite(v) && (best < 0 || v < bv)) {
            best = r;
            bv = v;
        }
    }
    return best;
}

static void curves_range(const struct curves_opts *opt, const struct trace *t, int cx,
                         const int *cy, int ny, struct viewport *v)
{
    int fx = 0, fy = 0;
    for (int r = 0; r < t->nrec; r++) {
        double x = trace_get(t, r, cx);
        if (!isfinite(x) || (opt->x_log && x <= 0))
            continue;
        if (!fx || x < v->x0) v->x0 = x;
        if (!fx || x > v->x1) v->x1 = x;
        fx = 1;
        for (int k = 0; k < ny; k++) {
            double y = trace_get(t, r, cy[k]);
            if (!isfinite(y) || (opt->log && y <= 0))
                continue;
            if (!fy || y < v->y0) v->y0 = y;
            if (!fy || y > v->y1) v->y1 = y;
            fy = 1;
        }
    }
    v->xlog = opt->x_log && fx;
    if (opt->x_range.n == 2) {
        v->x0 = opt->x_range.v[0];
        v->x1 = opt->x_range.v[1];
        if (v->xlog && v->x0 <= 0)
            v->xlog = 0;        /* refused by check */
    } else if (!fx) {
        v->x0 = 0;
        v->x1 = 1;
    } else if (v->xlog) {
        double l0 = log10(v->x0), l1 = log10(v->x1);
        if (l1 - l0 < 1e-9) { l0 -= 0.5; l1 += 0.5; }
        double pad = (l1 - l0) * 0.04;
        v->x0 = pow(10, l0 - pad);
        v->x1 = pow(10, l1 + pad);
    } else {
        panel_pad_range(&v->x0, &v->x1, 0.04);
    }
    v->ylog = opt->log;
    if (opt->y_range.n == 2) {
        v->y0 = opt->y_range.v[0];
        v->y1 = opt->y_range.v[1];
        if (v->ylog && v->y0 <= 0)
            v->ylog = 0;        /* refused by check; never a log of zero here */
    } else if (!fy) {
        v->ylog = 0;
        v->y0 = 0;
        v->y1 = 1;
    } else if (v->ylog) {
        double l0 = log10(v->y0), l1 = log10(v->y1);
        if (l1 - l0 < 1e-9) { l0 -= 0.5; l1 += 0.5; }
        double pad = (l1 - l0) * 0.06;
        v->y0 = pow(10, fmax(l0 - pad, -307));
        v->y1 = pow(10, fmin(l1 + pad, 308));
    } else {
        panel_pad_range(&v->y0, &v->y1, 0.06);
    }
}

static uint32_t curves_color(const struct curves_opts *opt, const struct theme *th, int k)
{
    uint32_t col;
    if (k < opt->colors.n && param_parse_color(opt->colors.v[k], &col) == 0)
        return col;
    /* Blue, orange, purple first: told apart also by readers who confuse
     * red and green. */
    static const int order[6] = {0, 3, 4, 1, 2, 5};
    return th->series[order[k % 6]];
}

static void curves_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct curves_opts *opt = o;
    const struct theme *th = c->th;
    int cur = 0;
    const struct trace *t = curves_trace(opt, c, &cur);
    char title[512];
    panel_expand(c, opt->title, NULL, title, sizeof(title));
    int cx = t ? trace_channel(t, curves_x_name(opt)) : -1;
    int cy[CURVES_MAX], ny = 0;
    for (int k = 0; t && k < opt->y.n && ny < CURVES_MAX; k++)
        if ((cy[ny] = trace_channel(t, opt->y.v[k])) >= 0)
            ny++;
    if (!t || cx < 0 || ny == 0) {
        /* Check refuses names the trace lacks; a sweep panel outside a sweep
         * is the one case left. */
        struct viewport v = {.x0 = 0, .x1 = 1, .y0 = 0, .y1 = 1};
        struct axes_style st = {title[0] ? title : NULL, NULL, NULL, 0};
        draw_axes(cr, th, c->x, c->y, c->w, c->h, &v, &st);
        draw_font(cr, 0, th->font_size);
        draw_set_color(cr, th->muted);
        draw_text(cr, v.px + v.pw / 2, v.py + v.ph / 2, 0.5, 0.5,
                  opt->source == CURVES_SWEEP ? "no sweep to plot" : "nothing to plot");
        return;
    }

    /* The note, if any, takes a strip under the axes so it never covers a curve. */
    int cb = opt->best ? trace_channel(t, opt->best) : -1;
    char note[512] = "";
    if (cb >= 0) {
        int g = curves_argmin(t, cb, t->nrec - 1);
        if (g >= 0) {
            double xg = trace_get(t, g, cx), xc = trace_get(t, cur, cx);
            const char *tmpl = cur == g ? opt->best_text : xc < xg ? opt->below_text
                                                         : xc > xg ? opt->above_text
                                                                   : opt->best_text;
            if (tmpl) {
                struct panel_ctx tc = *c;
                tc.trace = t;
                tc.rec = cur;
                panel_expand(&tc, tmpl, NULL, note, sizeof(note));
            }
        }
    }
    if (!note[0] && opt->note) {
        struct panel_ctx tc = *c;
        tc.trace = t;
        tc.rec = cur;
        panel_expand(&tc, opt->note, NULL, note, sizeof(note));
    }
    double note_h = note[0] ? th->font_size * 2.4 : 0;

    struct viewport v = {0};
    curves_range(opt, t, cx, cy, ny, &v);
    struct axes_style st = {title[0] ? title : NULL,
                            opt->x_label ? opt->x_label : curves_x_name(opt), opt->y_label,
                            opt->grid};
    draw_axes(cr, th, c->x, c->y, c->w, c->h - note_h, &v, &st);

    double lw = th->line_width * 1.25;
    struct panel_legend_item items[CURVES_MAX];
    for (int k = 0; k < ny; k++) {
        uint32_t col = curves_color(opt, th, k);
        double xs[CURVES_POINTS + 1], ys[CURVES_POINTS + 1];
        int n = cur + 1, stride = n > CURVES_POINTS ? (n + CURVES_POINTS - 1) / CURVES_POINTS : 1;
        int m = 0;
        for (int r = 0; r < n && m < CURVES_POINTS; r += stride) {
            xs[m] = trace_get(t, r, cx);
            ys[m] = trace_get(t, r, cy[k]);
            if ((v.ylog && ys[m] <= 0) || (v.xlog && xs[m] <= 0))
                ys[m] = NAN;
            m++;
        }
        if (m && xs[m - 1] != trace_get(t, cur, cx)) {
            xs[m] = trace_get(t, cur, cx);
            ys[m] = trace_get(t, cur, cy[k]);
            if ((v.ylog && ys[m] <= 0) || (v.xlog && xs[m] <= 0))
                ys[m] = NAN;
            m++;
        }
        cairo_save(cr);
        vp_clip(cr, &v);
        draw_polyline(cr, &v, xs, ys, m, lw, col, 0);
        if (opt->markers)
            draw_scatter(cr, &v, xs, ys, m, lw * 1.6, col, 0);
        /* The record shown: a larger dot with a ring. */
        draw_scatter(cr, &v, &xs[m - 1], &ys[m - 1], 1, lw * 2.8, col, th->background);
        cairo_restore(cr);
        items[k] = (struct panel_legend_item){k < opt->labels.n ? opt->labels.v[k] : opt->y.v[k],
                                              col, DRAW_SOLID};
    }

    /* The best so far: a dashed line at its x and a label beside it. */
    int b = cb >= 0 ? curves_argmin(t, cb, cur) : -1;
    if (b >= 0) {
        double bx = trace_get(t, b, cx), by = trace_get(t, b, cb);
        double px = v.xlog && bx <= 0 ? NAN : vp_x(&v, bx);
        if (px >= v.px - 0.5 && px <= v.px + v.pw + 0.5) {
            draw_line(cr, px, v.py, px, v.py + v.ph, th->line_width, th->series[2], 1);
            if (!v.ylog || by > 0) {
                cairo_save(cr);
                vp_clip(cr, &v);
                draw_circle(cr, px, vp_y(&v, by), lw * 4.2, 0, th->series[2], th->line_width * 1.5);
                cairo_restore(cr);
            }
            if (opt->best_label) {
                struct panel_ctx tc = *c;
                tc.trace = t;
                tc.rec = b;
                char label[256];
                panel_expand(&tc, opt->best_label, NULL, label, sizeof(label));
                draw_font(cr, 1, th->font_size);
                double w = draw_text_width(cr, label), pad = 5, bh = th->font_size + 2 * pad;
                /* Right of the line, or left of it when it would leave the plot. */
                double lx = px + 6;
                if (lx + w + 2 * pad > v.px + v.pw)
                    lx = px - 6 - w - 2 * pad;
                double ly = v.py + v.ph - bh - 6;
                draw_box(cr, lx, ly, w + 2 * pad, bh, 4, th->background, th->series[2], 1);
                draw_set_color(cr, th->series[2]);
                draw_text(cr, lx + pad, ly + bh / 2, 0, 0.5, label);
            }
        }
    }
    panel_legend(cr, th, &v, opt->legend, items, ny, lw);

    if (note[0]) {
        draw_font(cr, 1, th->font_size * 1.1);
        draw_set_color(cr, th->text);
        draw_text(cr, c->x + c->w / 2, c->y + c->h - note_h / 2, 0.5, 0.5, note);
    }
}

/* A channel a curve names must be a scalar of the trace (the sweep's
 * summary holds the run's scalars and the swept value). */
static int curves_channel_ok(const struct curves_opts *opt, const struct panel_check *pc,
                             const char *name, const struct snode *at, const char *key)
{
    const struct trace *p = pc->probe;
    if (!p || p->nchan == 0)
        return 0;
    if (opt->source == CURVES_SWEEP && strcmp(name, "value") == 0)
        return 0;
    int ch = trace_channel(p, name);
    if (ch >= 0 && trace_size(p, ch) == 1)
        return 0;
    char names[1024] = "";
    size_t len = 0;
    for (int i = 0; i < p->nchan && len + 64 < sizeof names; i++)
        if (trace_size(p, i) == 1)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
                                    p->chan[i].name);
    if (ch >= 0)
        diag_error(&at->loc, "'%s' of panel 'curves' names '%s', a channel of %d values: a curve "
                   "draws one value per record (the trace's scalars: %s)", key, name,
                   trace_size(p, ch), names);
    else
        diag_error(&at->loc, "'%s' of panel 'curves' names '%s', which is not a channel of the "
                   "trace (its scalars: %s)", key, name, names);
    return -1;
}

static const struct snode *item_node(const struct snode *node, const char *key, int i)
{
    const struct snode *v = snode_get(node, key);
    if (v && v->type == SNODE_SEQ && i < v->n)
        return v->vals[i];
    return v ? v : node;
}

static int curves_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    struct curves_opts *opt = o;
    int errors = 0;
    if (opt->y.n > CURVES_MAX) {
        diag_error(&snode_get(node, "y")->loc, "panel 'curves' draws at most %d curves (got %d)",
                   CURVES_MAX, opt->y.n);
        errors++;
    }
    for (int i = 0; i < opt->y.n; i++)
        errors += curves_channel_ok(opt, pc, opt->y.v[i], item_node(node, "y", i), "y") != 0;
    if (opt->x)
        errors += curves_channel_ok(opt, pc, opt->x, snode_get(node, "x"), "x") != 0;
    if (opt->best)
        errors += curves_channel_ok(opt, pc, opt->best, snode_get(node, "best"), "best") != 0;
    if (!opt->best) {
        static const char *const need_best[] = {"best_label", "below_text", "best_text",
                                                "above_text", NULL};
        for (int i = 0; need_best[i]; i++) {
            const struct snode *v = snode_get(node, need_best[i]);
            if (v) {
                diag_error(&v->loc, "'%s' of panel 'curves' describes the best record: give "
                           "'best: CHANNEL' too", need_best[i]);
                errors++;
            }
        }
    }
    if (opt->labels.n && opt->labels.n != opt->y.n) {
        diag_error(&snode_get(node, "labels")->loc, "'labels' of panel 'curves' has %d items "
                   "for %d curves: give one per channel of 'y'", opt->labels.n, opt->y.n);
        errors++;
    }
    if (opt->colors.n && opt->colors.n != opt->y.n) {
        diag_error(&snode_get(node, "colors")->loc, "'colors' of panel 'curves' has %d items "
                   "for %d curves: give one per channel of 'y'", opt->colors.n, opt->y.n);
        errors++;
    }
    for (int i = 0; i < opt->colors.n; i++) {
        uint32_t col;
        if (param_parse_color(opt->colors.v[i], &col) != 0) {
            diag_error(&item_node(node, "colors", i)->loc, "item %d of 'colors' in panel "
                       "'curves' must be a colour such as \"#1f77b4\", not '%s'", i + 1,
                       opt->colors.v[i]);
            errors++;
        }
    }
    if (opt->x_log && opt->x_range.n == 2 && opt->x_range.v[0] <= 0) {
        diag_error(&snode_get(node, "x_range")->loc, "'x_range' of panel 'curves' must start "
                   "above 0 on a log axis (x_log: true), not at %g", opt->x_range.v[0]);
        errors++;
    }
    if (opt->log && opt->y_range.n == 2 && opt->y_range.v[0] <= 0) {
        diag_error(&snode_get(node, "y_range")->loc, "'y_range' of panel 'curves' must start "
                   "above 0 on a log axis (log: true), not at %g", opt->y_range.v[0]);
        errors++;
    }
    return errors ? -1 : 0;
}

const struct panel_kind panel_curves = {
    .head = {.name = "curves",
             .summary = "scalar channels against another, growing record by record (of the run, "
                        "or of a sweep's summary), the least value of one marked",
             .params = curves_params, .opts_size = sizeof(struct curves_opts)},
    .templates = curves_templates,
    .draw = curves_draw,
    .check = curves_check,
};
