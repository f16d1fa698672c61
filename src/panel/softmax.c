/* panel softmax: a softmax layer taken apart, left to right: the scores
 * x_i as bars, their exponentials e^{x_i}, and the probabilities y_i =
 * e^{x_i} / sum_j e^{x_j} as bars on a fixed 0..1 axis, then one stacked
 * bar of the shares that fills exactly one.
 *
 * In a scene of beats each beat shows a stage (stages: [1, 2, 3, 4] by
 * default, one per beat): 1 the scores, 2 adds the exponentials, 3 the sum
 * and the division into probabilities, 4 the percentages and the stacked
 * bar that sums to one. The bars a stage brings in grow to their values over
 * the first SOFTMAX_GROW seconds of its beat (moves_for), while the values
 * printed are the final ones throughout. Every number drawn is the
 * record's (the softmax model's channels x, T, ex, sum and p). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include "common.h"
#include "story.h"

#define SOFTMAX_PANEL_MAX_BEATS 64
#define SOFTMAX_PANEL_MAX 16

struct softmax_panel_opts {
    const char *title;
    struct param_numbers stages;
    struct param_strings names;
    int decimals;
};

static const struct param_spec softmax_panel_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct softmax_panel_opts, title),
     .doc = "title template"},
    {.name = "stages", .type = PARAM_NUMBERS,
     .offset = offsetof(struct softmax_panel_opts, stages), .ranged = 1, .lo = 1, .hi = 4,
     .doc = "the stage each beat shows, 1 scores, 2 + e^x, 3 + sum and probabilities, "
            "4 + percentages and the bar that sums to one (default: beat k shows k + 1)"},
    {.name = "names", .type = PARAM_STRINGS, .offset = offsetof(struct softmax_panel_opts, names),
     .doc = "class names written under the probabilities (default: none)"},
    {.name = "decimals", .type = PARAM_INT, .offset = offsetof(struct softmax_panel_opts, decimals),
     .def = "2", .ranged = 1, .lo = 0, .hi = 6,
     .doc = "decimals of the scores and exponentials (probabilities get one more)"},
    {0},
};

static const char *const softmax_panel_templates[] = {"title", NULL};

static int stage_of(const struct softmax_panel_opts *o, int beat)
{
    if (beat < 0)
        return 0;
    if (o->stages.n)
        return (int)o->stages.v[beat < o->stages.n ? beat : o->stages.n - 1];
    return beat + 1 > 4 ? 4 : beat + 1;
}

/* One group of bars: values v[0..k) over [lo, hi] in the box (x, y, w, h),
 * each with its value above (or below, for a
 * negative one) and its label under the axis. */
struct group {
    const double *v;
    int k;
    double lo, hi;
    const char *head;           /* heading, may hold a formula */
    double grow;                /* how far the bars have grown to their values, 0..1 */
    char labels[SOFTMAX_PANEL_MAX][48];
    char values[SOFTMAX_PANEL_MAX][32];
};

static void draw_group(cairo_t *cr, const struct theme *th, const struct group *gr, double x,
                       double y, double w, double h)
{
    double fs = th->font_size;
    draw_font(cr, 1, fs * 1.15);
    draw_set_color(cr, th->text);
    draw_text(cr, x + w / 2, y, 0.5, 0, gr->head);
    double top = y + fs * 3.2, bottom = y + h - fs * 2.4;
    double span = gr->hi - gr->lo, slot = w / gr->k, bw = slot * 0.62;
    double y0 = bottom - (0 - gr->lo) / span * (bottom - top);   /* the zero line */
    draw_line(cr, x, y0, x + w, y0, th->line_width * 0.6, th->axis, 0);
    for (int i = 0; i < gr->k; i++) {
        double v = gr->v[i], cx = x + slot * (i + 0.5);
        double vv = isfinite(v) ? fmin(fmax(v, gr->lo), gr->hi) : v > 0 ? gr->hi : gr->lo;
        double yv = y0 - gr->grow * vv / span * (bottom - top);
        uint32_t col = th->series[i % 6];
        if (fabs(yv - y0) > 0.5)
            draw_box(cr, cx - bw / 2, fmin(yv, y0), bw, fabs(yv - y0), 0, col, 0, 0);
        draw_font(cr, 0, fs);
        draw_set_color(cr, th->text);
        draw_text(cr, cx, v >= 0 ? yv - fs * 0.3 : yv + fs * 0.3, 0.5, v >= 0 ? 1 : 0,
                      gr->values[i]);
        draw_set_color(cr, th->muted);
        draw_text(cr, cx, bottom + fs * 0.5, 0.5, 0, gr->labels[i]);
    }
}

/* Seconds the bars a beat brings in take to grow to their values. */
#define SOFTMAX_GROW 1.2

/* How far the bars of stage s have grown, when the beat shown brings in
 * the stages after prev up to stage and the beat's growth is at g. */
static double grown(int s, int prev, int stage, double g)
{
    return s > prev && s <= stage ? g : 1.0;
}

static void softmax_panel_draw(const void *opts, const struct panel_ctx *c, cairo_t *cr)
{
    const struct softmax_panel_opts *o = opts;
    const struct theme *th = c->th;
    const struct trace *t = c->trace;
    int cx = trace_channel(t, "x"), ce = trace_channel(t, "ex"), cs = trace_channel(t, "sum"),
        cp = trace_channel(t, "p"), ct = trace_channel(t, "T");
    if (cx < 0 || ce < 0 || cs < 0 || cp < 0 || ct < 0 || c->rec < 0 || c->rec >= t->nrec)
        return;
    int k = t->chan[cx].rows * t->chan[cx].cols;
    if (k > SOFTMAX_PANEL_MAX)
        k = SOFTMAX_PANEL_MAX;
    const double *x = trace_row(t, c->rec, cx), *ex = trace_row(t, c->rec, ce);
    const double *p = trace_row(t, c->rec, cp);
    double sum = trace_row(t, c->rec, cs)[0], temp = trace_row(t, c->rec, ct)[0];
    /* e^{x_i}, or e^{x_i/T} when a temperature other than 1 divides the
     * scores */
    char tdiv[32] = "";
    if (temp != 1)
        snprintf(tdiv, sizeof tdiv, "/T");

    int stage = stage_of(o, c->step);
    /* The bars a beat brings in grow to their values over its first
     * SOFTMAX_GROW seconds (the values printed are the final ones
     * throughout); those of earlier stages stand. */
    int prev = c->step > 0 ? stage_of(o, c->step - 1) : 0;
    double g = story_ease(story_step_age(c, 1, NULL) / SOFTMAX_GROW);
    double ytop = panel_title(c, cr, o->title);
    double fs = th->font_size, pad = fs * 1.2;
    double x0 = c->x + pad, w = c->w - 2 * pad;
    double gap = w * 0.11, colw = (w - 2 * gap) / 3;
    /* The same room at every stage, so no bar moves when the stacked bar
     * below comes in. */
    double h = c->y + c->h - ytop - fs * 4.8;
    if (h < fs * 8)
        h = fs * 8;

    struct group local[3];
    struct group *gx = &local[0], *ge = &local[1], *gp = &local[2];
    double lo = 0, hi = 0, emax = 0;
    for (int i = 0; i < k; i++) {
        if (isfinite(x[i])) {
            lo = fmin(lo, x[i]);
            hi = fmax(hi, x[i]);
        }
        if (isfinite(ex[i]))
            emax = fmax(emax, ex[i]);
    }
    if (hi - lo <= 0)
        hi = lo + 1;
    *gx = (struct group){x, k, lo - 0.08 * (hi - lo) * (lo < 0), hi, "scores $x_i$", grown(1, prev, stage, g), {{0}}, {{0}}};
    char ehead[64];
    if (temp != 1)
        snprintf(ehead, sizeof ehead, "$e^{x_i/T}$, T = %g", temp);
    else
        snprintf(ehead, sizeof ehead, "exponentials $e^{x_i}$");
    *ge = (struct group){ex, k, 0, emax > 0 ? emax : 1, ehead, grown(2, prev, stage, g), {{0}}, {{0}}};
    *gp = (struct group){p, k, 0, 1, "probabilities $y_i$", grown(3, prev, stage, g), {{0}}, {{0}}};
    for (int i = 0; i < k; i++) {
        snprintf(gx->labels[i], sizeof gx->labels[i], "$x_{%d}$", i + 1);
        snprintf(ge->labels[i], sizeof ge->labels[i], "$e^{x_{%d}%s}$", i + 1, tdiv);
        if (i < o->names.n)
            snprintf(gp->labels[i], sizeof gp->labels[i], "$y_{%d}$ %s", i + 1, o->names.v[i]);
        else
            snprintf(gp->labels[i], sizeof gp->labels[i], "$y_{%d}$", i + 1);
        snprintf(gx->values[i], sizeof gx->values[i], "%.*f", o->decimals, x[i]);
        snprintf(ge->values[i], sizeof ge->values[i], "%.*f", o->decimals, ex[i]);
        if (stage >= 4)
            snprintf(gp->values[i], sizeof gp->values[i], "%.1f%%", 100 * p[i]);
        else
            snprintf(gp->values[i], sizeof gp->values[i], "%.*f", o->decimals + 1, p[i]);
    }
    double gy = ytop + fs * 0.4;
    draw_group(cr, th, gx, x0, gy, colw, h);
    double mid = gy + h * 0.5, ax0, ax1;
    if (stage >= 2) {
        ax0 = x0 + colw + gap * 0.12;
        ax1 = x0 + colw + gap * 0.88;
        draw_arrow(cr, ax0, mid, ax1, mid, th->line_width * 1.4, fs * 0.7,
                   th->text);
        draw_font(cr, 0, fs);
        draw_set_color(cr, th->text);
        char lab[32];
        snprintf(lab, sizeof lab, "$e^{x%s}$", tdiv);
        draw_text(cr, (ax0 + ax1) / 2, mid - fs * 0.5, 0.5, 1, lab);
        draw_group(cr, th, ge, x0 + colw + gap, gy, colw, h);
    }
    if (stage >= 3) {
        char buf[96];
        ax0 = x0 + 2 * colw + gap * 1.12;
        ax1 = x0 + 2 * colw + gap * 1.88;
        draw_arrow(cr, ax0, mid, ax1, mid, th->line_width * 1.4, fs * 0.7,
                   th->text);
        draw_font(cr, 0, fs);
        draw_set_color(cr, th->text);
        snprintf(buf, sizeof buf, "÷ $\\sum_j e^{x_j%s}$", tdiv);
        draw_text(cr, (ax0 + ax1) / 2, mid - fs * 0.5, 0.5, 1, buf);
        snprintf(buf, sizeof buf, "= %.*f", o->decimals, sum);
        draw_text(cr, (ax0 + ax1) / 2, mid + fs * 0.5, 0.5, 0, buf);
        draw_group(cr, th, gp, x0 + 2 * (colw + gap), gy, colw, h);
        /* The probabilities' scale, 0 to 1 (the most any can be), as a
         * short axis at the group's left: a line across would run through
         * the value of a bar near 1. */
        double top = gy + fs * 3.2, bot = gy + h - fs * 2.4, px = x0 + 2 * (colw + gap);
        draw_line(cr, px, top, px, bot, th->line_width * 0.6, th->axis, 0);
        draw_line(cr, px - fs * 0.3, top, px, top, th->line_width * 0.6, th->axis, 0);
        draw_set_color(cr, th->muted);
        draw_text(cr, px - fs * 0.45, top, 1, 0.5, "1");
        draw_text(cr, px - fs * 0.45, bot, 1, 0.5, "0");
    }
    if (stage >= 4) {
        /* The shares side by side in one bar of the whole width: they fill
         * it exactly because they sum to one. */
        double by = gy + h + fs * 0.6, bh = fs * 1.6, acc = 0, ps = 0;
        for (int i = 0; i < k; i++) {
            double wi = w * p[i] * grown(4, prev, stage, g);
            if (wi > 0.2)
                draw_box(cr, x0 + acc, by, wi, bh, 0, th->series[i % 6], 0, 0);
            if (wi > fs * 3.5) {
                char buf[48];
                snprintf(buf, sizeof buf, "$y_{%d}$ %.1f%%", i + 1, 100 * p[i]);
                draw_font(cr, 1, fs * 0.9);
                draw_set_color(cr, 0xffffffff);
                draw_text(cr, x0 + acc + wi / 2, by + bh / 2, 0.5, 0.5, buf);
            }
            acc += wi;
            ps += p[i];
        }
        draw_box(cr, x0, by, w, bh, 0, 0, th->axis, th->line_width * 0.6);
        char buf[160];
        int n = snprintf(buf, sizeof buf, "$");
        for (int i = 0; i < k && n < (int)sizeof buf - 40; i++)
            n += snprintf(buf + n, sizeof buf - (size_t)n, "%sy_{%d}", i ? " + " : "", i + 1);
        snprintf(buf + n, sizeof buf - (size_t)n, " = %.3f$ = %.1f%%", ps, 100 * ps);
        draw_font(cr, 0, fs * 1.1);
        draw_set_color(cr, th->text);
        draw_text(cr, x0 + w / 2, by + bh + fs * 0.5, 0.5, 0, buf);
    }
}

static int softmax_panel_check(void *opts, const struct snode *node, const struct panel_check *pc)
{
    const struct softmax_panel_opts *o = opts;
    const struct snode *v = snode_get(node, "stages");
    if (o->stages.n && !pc->nbeats) {
        diag_error(&v->loc, "'stages' in panel 'softmax' gives the stage of each beat, but the "
                   "scene has no 'beats'");
        return -1;
    }
    if (o->stages.n && o->stages.n != pc->nbeats) {
        diag_error(&v->loc, "'stages' in panel 'softmax' gives one stage per beat: the scene "
                   "has %d beats (got %d)", pc->nbeats, o->stages.n);
        return -1;
    }
    for (int i = 0; i < o->stages.n; i++)
        if (o->stages.v[i] != floor(o->stages.v[i])) {
            diag_error(v->type == SNODE_SEQ && i < v->n ? &v->vals[i]->loc : &v->loc,
                       "'stages' in panel 'softmax': item %d must be a whole number 1 to 4 "
                       "(got %g)", i + 1, o->stages.v[i]);
            return -1;
        }
    return 0;
}

const struct panel_kind panel_softmax = {
    .head = {.name = "softmax",
             .summary = "a softmax layer taken apart: scores, exponentials, probabilities as "
                        "bars, stage by stage per beat, and the shares that sum to one",
             .params = softmax_panel_params, .opts_size = sizeof(struct softmax_panel_opts),
             .requires = (const char *const[]){"softmax", NULL}},
    .templates = softmax_panel_templates,
    .draw = softmax_panel_draw,
    .check = softmax_panel_check,
    .moves_for = SOFTMAX_GROW,
};
