/* panel dartboard: the darts of trainer 'bias-variance' on a target. A
 * dart is one retrained model's errors at the two query points, drawn at
 * (error at a, error at b) from the bullseye (no error at either), so its
 * distance from the centre is how wrong that model was. Darts appear one
 * per record, the newest ringed; from the second on, a cross marks their
 * mean and a dashed line from the bullseye to it is the bias (its length
 * squared is bias2); the scatter around the cross is the variance. A dart
 * beyond the board is drawn on the rim, hollow, and counted, so no
 * retraining is hidden. Everything drawn is a recorded channel. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include "common.h"
#include "text.h"

struct dartboard_opts {
    const char *title, *footer, *start_text;
    double radius;
    int rings, axes_labels;
    uint32_t dart_color, ring_color, bull_color;
    double dart_size;
};

static const struct param_spec dartboard_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct dartboard_opts, title),
     .doc = "title template, e.g. \"degree {degree}, {sample} points\""},
    {.name = "footer", .type = PARAM_STRING, .offset = offsetof(struct dartboard_opts, footer),
     .def = "bias² = {bias2:.2f}\nvariance = {variance:.2f}\nbias² + variance = {mse:.2f}\ndarts: {dart}",
     .doc = "text under the board once darts have landed (a template; a newline starts a line)"},
    {.name = "start_text", .type = PARAM_STRING,
     .offset = offsetof(struct dartboard_opts, start_text), .def = "throwing...",
     .doc = "text under the board before the first dart"},
    {.name = "radius", .type = PARAM_DOUBLE, .offset = offsetof(struct dartboard_opts, radius),
     .def = "10", .ranged = 1, .lo = 0, .hi = 1e12, .lo_open = 1,
     .doc = "the board's radius in the data's units of error (every board of a lesson alike)"},
    {.name = "rings", .type = PARAM_INT, .offset = offsetof(struct dartboard_opts, rings),
     .def = "4", .ranged = 1, .lo = 1, .hi = 20, .doc = "rings, evenly spaced out to the radius"},
    {.name = "axes_labels", .type = PARAM_BOOL,
     .offset = offsetof(struct dartboard_opts, axes_labels), .def = "true",
     .doc = "name the board's axes: the error at each query point"},
    {.name = "dart_color", .type = PARAM_COLOR,
     .offset = offsetof(struct dartboard_opts, dart_color), .def = "#1f77b4",
     .doc = "fill of the darts"},
    {.name = "ring_color", .type = PARAM_COLOR,
     .offset = offsetof(struct dartboard_opts, ring_color), .def = "#e8e8e8",
     .doc = "fill of every other ring"},
    {.name = "bull_color", .type = PARAM_COLOR,
     .offset = offsetof(struct dartboard_opts, bull_color), .def = "#d62728",
     .doc = "the bullseye"},
    {.name = "dart_size", .type = PARAM_DOUBLE, .offset = offsetof(struct dartboard_opts, dart_size),
     .def = "4", .ranged = 1, .lo = 0.5, .hi = 30, .doc = "radius of a dart in pixels"},
    {0},
};

static const char *const dartboard_templates[] = {"title", "footer", "start_text", NULL};

static void dartboard_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct dartboard_opts *opt = o;
    const struct theme *th = c->th;
    const struct trace *t = c->trace;
    int cea = trace_channel(t, "err_a"), ceb = trace_channel(t, "err_b"),
        cma = trace_channel(t, "mean_a"), cmb = trace_channel(t, "mean_b"),
        cqa = trace_channel(t, "query_a"), cqb = trace_channel(t, "query_b"),
        cdart = trace_channel(t, "dart");
    double top = panel_title(c, cr, opt->title);
    int rec = c->rec < 0 ? 0 : c->rec >= t->nrec ? t->nrec - 1 : c->rec;
    int ndarts = cdart >= 0 ? (int)trace_get(t, rec, cdart) : 0;
    if (ndarts < 0 || cea < 0 || ceb < 0)
        ndarts = 0;

    /* The text (the statistics, or the start text) goes beside the board
     * in a wide cell and under it in a tall one; the board takes the rest.
     * The room is kept for the longest text, so the board does not move
     * when the first dart lands. */
    char foot[1024];
    panel_expand(c, ndarts > 0 ? opt->footer : opt->start_text, NULL, foot, sizeof foot);
    struct text_style fs = {.size = th->font_size, .color = th->text, .align = 0};
    double label_h = opt->axes_labels ? th->font_size * 1.6 : 0;
    double room_h = c->y + c->h - top - 4;
    int side = c->w >= 1.45 * room_h;
    double rpx, cx, cy, tx, ty, tw;
    struct text_box fb = {0};
    if (side) {
        double d = fmin(room_h - label_h, c->w * 0.58 - label_h);
        rpx = d / 2;
        if (rpx < 8)
            rpx = 8;
        double left = c->x + c->w * 0.02 + label_h;
        cx = left + rpx;
        cy = top + (room_h - label_h) / 2;
        tx = cx + rpx + 18;
        tw = c->x + c->w - tx - 4;
        if (foot[0])
            text_measure(foot, &fs, tw, 0, &fb);
        ty = cy - fb.height / 2;
    } else {
        fs.align = 0.5;
        tw = c->w;
        if (foot[0])
            text_measure(foot, &fs, tw, 0, &fb);
        /* The tallest the text gets: the start text, or the footer at the
         * last record, and the two muted lines of the scale note. */
        double most = fb.height;
        char other[1024];
        struct panel_ctx lc = *c;
        lc.rec = t->nrec - 1;
        panel_expand(&lc, opt->footer, NULL, other, sizeof other);
        struct text_box ob = {0};
        if (other[0] && text_measure(other, &fs, tw, 0, &ob) == 0 && ob.height > most)
            most = ob.height;
        panel_expand(c, opt->start_text, NULL, other, sizeof other);
        if (other[0] && text_measure(other, &fs, tw, 0, &ob) == 0 && ob.height > most)
            most = ob.height;
        double foot_h = most + 2 * 1.164 * th->font_size * 0.9 + 14;
        double d = fmin(room_h - foot_h - label_h, c->w - 2 * label_h - 8);
        rpx = d / 2;
        if (rpx < 8)
            rpx = 8;
        cx = c->x + c->w / 2;
        cy = top + 2 + rpx;
        tx = c->x;
        ty = cy + rpx + label_h + 6;
    }
    double scale = rpx / opt->radius;   /* pixels per unit of error */

    /* The board: rings alternating fill from the outside in, a crosshair,
     * the bullseye. */
    for (int k = opt->rings; k >= 1; k--) {
        double rr = rpx * k / opt->rings;
        uint32_t fill = (opt->rings - k) % 2 == 0 ? opt->ring_color : th->background;
        draw_circle(cr, cx, cy, rr, fill, th->grid, 1);
    }
    draw_circle(cr, cx, cy, rpx, 0, th->axis, 1.5);
    draw_line(cr, cx - rpx, cy, cx + rpx, cy, 0.8, th->grid, 0);
    draw_line(cr, cx, cy - rpx, cx, cy + rpx, 0.8, th->grid, 0);
    draw_circle(cr, cx, cy, fmax(rpx / (opt->rings * 3.0), 3), opt->bull_color, 0, 0);

    if (opt->axes_labels && cqa >= 0 && cqb >= 0) {
        char la[96], lb[96];
        snprintf(la, sizeof la, "error at x = %g", trace_get(t, rec, cqa));
        snprintf(lb, sizeof lb, "error at x = %g", trace_get(t, rec, cqb));
        draw_font(cr, 0, th->font_size * 0.9);
        draw_set_color(cr, th->muted);
        draw_text(cr, cx, cy + rpx + 4, 0.5, 0, la);
        cairo_save(cr);
        cairo_translate(cr, cx - rpx - 6, cy);
        cairo_rotate(cr, -M_PI / 2);
        draw_text(cr, 0, 0, 0.5, 1, lb);
        cairo_restore(cr);
    }

    /* The darts, oldest first, so the newest lands on top. */
    int off = 0;
    for (int r = 1; r <= rec; r++) {
        double ea = trace_get(t, r, cea), eb = trace_get(t, r, ceb);
        if (!isfinite(ea) || !isfinite(eb)) {
            off++;
            continue;
        }
        double dx = ea * scale, dy = -eb * scale, dist = hypot(dx, dy);
        int outside = dist > rpx;
        if (outside) {
            dx *= rpx / dist;
            dy *= rpx / dist;
            off++;
        }
        double size = opt->dart_size * (r == rec ? 1.5 : 1);
        if (outside)
            draw_circle(cr, cx + dx, cy + dy, size, th->background, opt->dart_color, 2);
        else
            draw_circle(cr, cx + dx, cy + dy, size, opt->dart_color, 0xff202020, 1);
        if (r == rec)
            draw_circle(cr, cx + dx, cy + dy, size + 4, 0, th->series[3], 2);
    }

    /* The mean of the darts and the bias it is away from the centre. */
    if (ndarts >= 2 && cma >= 0 && cmb >= 0) {
        double ma = trace_get(t, rec, cma), mb = trace_get(t, rec, cmb);
        if (isfinite(ma) && isfinite(mb)) {
            double mx = ma * scale, my = -mb * scale, md = hypot(mx, my);
            if (md > rpx) {
                mx *= rpx / md;
                my *= rpx / md;
            }
            if (md > 2)
                draw_line(cr, cx, cy, cx + mx, cy + my, 2, th->text, 1);
            double s = 7;
            draw_line(cr, cx + mx - s, cy + my - s, cx + mx + s, cy + my + s, 3.5, th->background, 0);
            draw_line(cr, cx + mx - s, cy + my + s, cx + mx + s, cy + my - s, 3.5, th->background, 0);
            draw_line(cr, cx + mx - s, cy + my - s, cx + mx + s, cy + my + s, 2, th->text, 0);
            draw_line(cr, cx + mx - s, cy + my + s, cx + mx + s, cy + my - s, 2, th->text, 0);
        }
    }

    if (foot[0])
        text_draw(cr, foot, &fs, tx, ty, tw, 0, NULL);
    /* The board's scale, and the darts beyond its rim counted, so none is
     * hidden. */
    char msg[128];
    int len = snprintf(msg, sizeof msg, "rings %g apart", opt->radius / opt->rings);
    if (off > 0)
        snprintf(msg + len, sizeof msg - (size_t)len, "\n%d dart%s beyond the rim", off,
                 off == 1 ? "" : "s");
    struct text_style ms = {.size = th->font_size * 0.9, .color = th->muted, .align = fs.align};
    text_draw(cr, msg, &ms, tx, ty + fb.height + 6, tw, 0, NULL);
}

const struct panel_kind panel_dartboard = {
    .head = {.name = "dartboard",
             .summary = "the darts of trainer 'bias-variance' (each retraining's errors at two "
                        "points) on a target, their mean, bias^2 and variance",
             .params = dartboard_params, .opts_size = sizeof(struct dartboard_opts),
             .requires = (const char *const[]){"darts", NULL}},
    .templates = dartboard_templates,
    .draw = dartboard_draw,
};
