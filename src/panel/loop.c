/* panel loop: the learning loop as a flow diagram, data -> model ->
 * prediction -> error -> update -> (model again), one lap per training
 * step, for one example of the data (The Data Workshop's "learning loop").
 *
 * Each step of the run is a lap: a packet travels round the five stages
 * while the step is shown, and each stage's line appears as the packet
 * reaches it: the example (its target), the model's parameters at this
 * record, its prediction for the example, the error (how far and which
 * way), and the update the trainer made (the change of every parameter to
 * the next record; "training stops here" on the last). Beside the loop an
 * error bar, |error| against the first lap's, shrinks lap by lap, with
 * the earlier laps' errors as ticks. All numbers are the record's and the
 * next one's: the packet and the bar's glide are the only motion. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "story.h"
#include "text.h"

#define LOOP_STAGES 5

struct loop_opts {
    const char *title;
    int sample;
    struct param_strings stages;
    const char *target_label;
    const char *prefix, *suffix;
    int decimals;
    const char *note;
    int error_bar;
    double size;
    uint32_t packet_color, low_color, high_color;
};

static const struct param_spec loop_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct loop_opts, title),
     .doc = "title template above the loop"},
    {.name = "sample", .type = PARAM_INT, .offset = offsetof(struct loop_opts, sample),
     .def = "0", .ranged = 1, .lo = 0, .hi = 1e9, .doc = "the example the loop follows (a data "
     "row, from 0)"},
    {.name = "stages", .type = PARAM_STRINGS, .offset = offsetof(struct loop_opts, stages),
     .count = LOOP_STAGES, .def = "Data,Model,Prediction,Error,Update",
     .doc = "the five stages' names, in the loop's order"},
    {.name = "target_label", .type = PARAM_STRING,
     .offset = offsetof(struct loop_opts, target_label), .def = "target",
     .doc = "words before the example's target, e.g. \"sold for\""},
    {.name = "prefix", .type = PARAM_STRING, .offset = offsetof(struct loop_opts, prefix),
     .def = "", .doc = "written before every target, prediction and error, e.g. \"$\""},
    {.name = "suffix", .type = PARAM_STRING, .offset = offsetof(struct loop_opts, suffix),
     .def = "", .doc = "written after them, e.g. \"k\""},
    {.name = "decimals", .type = PARAM_INT, .offset = offsetof(struct loop_opts, decimals),
     .def = "1", .ranged = 1, .lo = 0, .hi = 8, .doc = "decimals of the numbers shown"},
    {.name = "note", .type = PARAM_STRING, .offset = offsetof(struct loop_opts, note),
     .doc = "template under the error bar (or the loop)"},
    {.name = "error_bar", .type = PARAM_BOOL, .offset = offsetof(struct loop_opts, error_bar),
     .def = "true", .doc = "draw the error bar beside the loop"},
    {.name = "size", .type = PARAM_DOUBLE, .offset = offsetof(struct loop_opts, size),
     .def = "13", .ranged = 1, .lo = 6, .hi = 100,
     .doc = "font size of the stages' lines in pixels (names and the bar are scaled from it)"},
    {.name = "packet_color", .type = PARAM_COLOR,
     .offset = offsetof(struct loop_opts, packet_color), .def = "#ff7f0e",
     .doc = "colour of the packet travelling round"},
    {.name = "low_color", .type = PARAM_COLOR, .offset = offsetof(struct loop_opts, low_color),
     .def = "#d62728", .doc = "colour of an error where the prediction is too low"},
    {.name = "high_color", .type = PARAM_COLOR, .offset = offsetof(struct loop_opts, high_color),
     .def = "#9467bd", .doc = "colour of an error where the prediction is too high"},
    {0},
};

static const char *const loop_templates[] = {"title", "note", NULL};

static int loop_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    const struct loop_opts *opt = o;
    if (pc->data && pc->data->n > 0 && opt->sample >= pc->data->n) {
        const struct snode *at = snode_get(node, "sample");
        diag_error(at ? &at->loc : &node->loc, "'sample' in panel 'loop' must be a row of the "
                   "data, from 0 to %d (got %d)", pc->data->n - 1, opt->sample);
        return -1;
    }
    return 0;
}

/* |v| with at most the panel's decimals, trailing zeros dropped: 300,
 * 10.8, 6.48. */
static void number(const struct loop_opts *opt, double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "nan" : "inf");
        return;
    }
    /* Past 1e15 (a diverging run) fixed notation is a wall of digits that
     * runs out of the boxes: 5.12e+33, as templates write it. */
    if (fabs(v) >= 1e15) {
        snprintf(buf, n, "%.4g", fabs(v));
        return;
    }
    snprintf(buf, n, "%.*f", opt->decimals, fabs(v));
    if (strchr(buf, '.')) {
        size_t len = strlen(buf);
        while (len && buf[len - 1] == '0')
            buf[--len] = 0;
        if (len && buf[len - 1] == '.')
            buf[--len] = 0;
    }
    if (strcmp(buf, "0") == 0 && v != 0)    /* too small for the decimals: say so */
        snprintf(buf, n, "%.1e", fabs(v));
}

/* "$300k": v with the panel's prefix and suffix. */
static void money(const struct loop_opts *opt, double v, char *buf, size_t n)
{
    char num[64];
    number(opt, v, num, sizeof num);
    snprintf(buf, n, "%s%s%s%s", v < 0 ? "\xe2\x88\x92" : "", opt->prefix, num, opt->suffix);
}

/* The model's prediction for the example at record rec, and its error. */
static double prediction(const struct panel_ctx *c, const struct loop_opts *opt, int rec)
{
    const struct run *r = c->run;
    if (!r || !r->model || !r->model->predict || rec < 0 || rec >= c->trace->nrec)
        return NAN;
    return r->model->predict(r->model_opts, trainer_theta(c->trace, rec),
                             dataset_x(c->data, opt->sample, 0));
}

/* Stage i's centre on the loop: on a circle, clockwise from the top. */
static void stage_at(double cx, double cy, double rx, double ry, double a, double *x, double *y)
{
    *x = cx + rx * sin(a);
    *y = cy - ry * cos(a);
}

/* Where the segment from (x0, y0) towards (x1, y1) leaves the box of
 * half sizes hw x hh centred at (x0, y0). */
static void edge_point(double x0, double y0, double x1, double y1, double hw, double hh,
                       double *x, double *y)
{
    double dx = x1 - x0, dy = y1 - y0;
    double t = fmin(fabs(dx) > 1e-9 ? hw / fabs(dx) : INFINITY,
                    fabs(dy) > 1e-9 ? hh / fabs(dy) : INFINITY);
    if (!(t < 1))
        t = 0.5;
    *x = x0 + dx * t;
    *y = y0 + dy * t;
}

/* The parameters' line: "w = 250.0, b = 0.0". */
static void params_line(const struct panel_ctx *c, const struct loop_opts *opt, int rec,
                        const double *delta, char *buf, size_t n)
{
    const struct run *r = c->run;
    struct model_block b[MODEL_MAX_BLOCKS];
    int nb = r->model->layout(r->model_opts, c->data, b), k = 0;
    size_t used = 0;
    buf[0] = 0;
    const double *th = trainer_theta(c->trace, rec);
    for (int i = 0; i < nb && used < n; i++)
        for (int j = 0; j < b[i].rows * b[i].cols && used < n; j++, k++) {
            char name[64];
            if (b[i].rows * b[i].cols > 1)
                snprintf(name, sizeof name, "%s%d", b[i].name, j + 1);
            else
                snprintf(name, sizeof name, "%s", b[i].name);
            double v = delta ? delta[k] : th[k];
            char num[64];
            number(opt, v, num, sizeof num);
            used += (size_t)snprintf(buf + used, n - used, "%s%s %s%s", used ? ", " : "", name,
                                     delta ? (v < 0 ? "\xe2\x88\x92" : "+")
                                           : (v < 0 ? "= \xe2\x88\x92" : "= "), num);
        }
}

static void loop_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct loop_opts *opt = o;
    const struct theme *th = c->th;
    const struct dataset *d = c->data;
    if (!d || d->n <= opt->sample || !d->y || !c->run || !c->run->model)
        return;
    double top = panel_title(c, cr, opt->title);
    int rec = c->rec, last = rec + 1 >= c->trace->nrec;
    double len, age = story_step_age(c, 4, &len);
    /* The lap: the packet leaves Data at 0 and is back at 0.92, so the
     * step ends with the picture complete. */
    double p = fmin(1, age / (len * 0.92));
    double fs = opt->size, nfs = fs * 1.25;

    /* The loop on the left, the error bar on the right. */
    double bar_w = opt->error_bar ? fmin(c->w * 0.26, fs * 15) : 0;
    double lw = c->w - bar_w, h = c->y + c->h - top;
    double bw = fmin(lw * 0.27, fs * 11.5), bh = nfs * 1.3 + fs * 3.5;
    /* Centres on an ellipse from the top stage (at -ry) to the bottom two
     * (at cos 36 deg * ry), filling the room. */
    double ry = (h - bh - 8) / (1 + cos(M_PI / 5)), rx = (lw - bw) / 2 - 6;
    double cx = c->x + lw / 2, cy = top + bh / 2 + 4 + ry;
    double ang[LOOP_STAGES];
    for (int i = 0; i < LOOP_STAGES; i++)
        ang[i] = 2 * M_PI * i / LOOP_STAGES;

    /* Arrows between the stages: straight, from one box's edge to the
     * next's, so the loop reads as a ring of steps. */
    double sxs[LOOP_STAGES], sys[LOOP_STAGES];
    for (int i = 0; i < LOOP_STAGES; i++)
        stage_at(cx, cy, rx, ry, ang[i], &sxs[i], &sys[i]);
    double ax0[LOOP_STAGES], ay0[LOOP_STAGES], ax1[LOOP_STAGES], ay1[LOOP_STAGES];
    for (int i = 0; i < LOOP_STAGES; i++) {
        int j = (i + 1) % LOOP_STAGES;
        edge_point(sxs[i], sys[i], sxs[j], sys[j], bw / 2 + 5, bh / 2 + 5, &ax0[i], &ay0[i]);
        edge_point(sxs[j], sys[j], sxs[i], sys[i], bw / 2 + 7, bh / 2 + 7, &ax1[i], &ay1[i]);
        draw_arrow(cr, ax0[i], ay0[i], ax1[i], ay1[i], 2, 10, th->axis);
    }

    /* The lap in the middle. */
    char text[512];
    snprintf(text, sizeof text, "lap %d", rec + 1);
    draw_font(cr, 1, nfs * 1.3);
    draw_set_color(cr, th->text);
    draw_text(cr, cx, cy - nfs * 0.45, 0.5, 0.5, text);
    draw_font(cr, 0, fs * 0.9);
    draw_set_color(cr, th->muted);
    draw_text(cr, cx, cy + nfs * 0.75, 0.5, 0.5, "one round of training");

    /* The stages. */
    double y = d->y[opt->sample], yhat = prediction(c, opt, rec), e = yhat - y;
    double delta[64];
    int np = panel_nparams(c);
    if (np > 64)
        np = 64;
    if (!last) {
        const double *a = trainer_theta(c->trace, rec), *b = trainer_theta(c->trace, rec + 1);
        for (int k = 0; k < np; k++)
            delta[k] = b[k] - a[k];
    }
    int at = (int)floor(p * LOOP_STAGES);       /* the stage the packet has reached */
    for (int i = 0; i < LOOP_STAGES; i++) {
        double sx, sy;
        stage_at(cx, cy, rx, ry, ang[i], &sx, &sy);
        int here = at == i || (p >= 1 && i == 0);
        int shown = i <= at;
        draw_box(cr, sx - bw / 2, sy - bh / 2, bw, bh, 10, here ? th->background : th->panel,
                 here ? opt->packet_color : th->axis, here ? 3 : 1.2);
        draw_font(cr, 1, nfs);
        draw_set_color(cr, th->text);
        draw_text(cr, sx, sy - bh / 2 + nfs * 0.95, 0.5, 0.5, opt->stages.v[i]);
        char l1[256] = "", l2[256] = "";
        uint32_t col = th->text;
        char v[160];
        switch (i) {
        case 0:
            money(opt, y, v, sizeof v);
            snprintf(l1, sizeof l1, "%s", opt->target_label);
            snprintf(l2, sizeof l2, "%s", v);
            break;
        case 1:
            params_line(c, opt, rec, NULL, l1, sizeof l1);
            break;
        case 2:
            money(opt, yhat, v, sizeof v);
            snprintf(l1, sizeof l1, "guess %s", v);
            break;
        case 3:
            money(opt, fabs(e), v, sizeof v);
            snprintf(l1, sizeof l1, "%s %s", v, e < 0 ? "too low" : e > 0 ? "too high" : "off");
            col = e < 0 ? opt->low_color : opt->high_color;
            break;
        default:
            if (last) {
                snprintf(l1, sizeof l1, "training stops here");
            } else {
                snprintf(l1, sizeof l1, "nudge %s", e < 0 ? "up" : "down");
                params_line(c, opt, rec, delta, l2, sizeof l2);
            }
            break;
        }
        if (!shown)
            continue;
        draw_font(cr, i == 3, fs);
        draw_set_color(cr, col);
        double ly = sy - bh / 2 + nfs * 1.3 + fs * 0.95;
        draw_text(cr, sx, ly, 0.5, 0.5, l1);
        if (l2[0]) {
            draw_font(cr, 0, fs);
            draw_set_color(cr, i == 0 ? th->text : th->muted);
            draw_text(cr, sx, ly + fs * 1.35, 0.5, 0.5, l2);
        }
    }

    /* The packet: it waits at a stage for the first 30% of the segment
     * (its line is being read), then travels the arrow to the next. */
    if (p < 1) {
        double seg = p * LOOP_STAGES, f = seg - floor(seg);
        int i = (int)floor(seg);
        double u = story_ease(f < 0.3 ? 0 : (f - 0.3) / 0.65);
        if (u > 0 && u < 1)
            draw_circle(cr, ax0[i] + (ax1[i] - ax0[i]) * u, ay0[i] + (ay1[i] - ay0[i]) * u,
                        fs * 0.55, opt->packet_color, 0xffffffffu, 2);
    }

    if (!opt->error_bar)
        return;
    /* The error bar: |error| of this lap against the first lap's, the
     * earlier laps as ticks, gliding from the last lap's in 0.6 s. Under
     * it the error, how it compares with the lap before, and the note. */
    double e0 = fabs(prediction(c, opt, 0) - y);
    double x0 = c->x + lw + bar_w * 0.3, tw = bar_w * 0.4;
    char note[512] = "";
    struct text_style st = {.size = fs * 0.9, .align = 0.5, .line_spacing = 1.3,
                            .color = th->muted};
    struct text_box nb = {0};
    if (opt->note) {
        panel_expand(c, opt->note, NULL, note, sizeof note);
        text_measure(note, &st, bar_w, 0, &nb);
    }
    double ty = top + nfs * 2.2, th_ = c->y + c->h - ty - nfs * 1.6 - fs * 1.6 - nb.height - 6;
    draw_font(cr, 1, nfs);
    draw_set_color(cr, th->text);
    draw_text(cr, x0 + tw / 2, top + nfs * 0.9, 0.5, 0.5, opt->stages.v[3]);
    draw_box(cr, x0, ty, tw, th_, 6, th->panel, th->axis, 1);
    /* The bar learns this lap's error when the packet reaches Error
     * (stage 3); until then it holds the last lap's (none before lap 1). */
    double prev = rec > 0 ? fabs(prediction(c, opt, rec - 1) - y) : 0;
    double t_err = len * 0.92 * 3 / LOOP_STAGES;
    int known = at >= 3;
    double shown = prev + (fabs(e) - prev) * story_ease((age - t_err) / 0.6);
    double frac = e0 > 0 && isfinite(shown) ? fmin(1, shown / e0) : 0;
    if (frac > 0)
        draw_box(cr, x0, ty + th_ * (1 - frac), tw, th_ * frac, 6,
                 e < 0 ? opt->low_color : opt->high_color, 0, 0);
    for (int k = 0; k < rec && e0 > 0; k++) {
        double fk = fmin(1, fabs(prediction(c, opt, k) - y) / e0);
        double yk = ty + th_ * (1 - fk);
        draw_line(cr, x0 + tw, yk, x0 + tw + fs * 0.9, yk, 1.5, th->muted, 0);
    }
    char v[160];
    if (known || rec > 0)
        money(opt, known ? fabs(e) : prev, v, sizeof v);
    else
        snprintf(v, sizeof v, "?");
    double vy = ty + th_ + nfs * 0.9;
    draw_font(cr, 1, nfs);
    draw_set_color(cr, th->text);
    draw_text(cr, x0 + tw / 2, vy, 0.5, 0.5, v);
    if (known && rec > 0 && prev > 0 && isfinite(e)) {
        /* the share of the last lap's error this lap removed */
        /* ... or, when the error grew (too large a learning rate), how
         * much it grew by: "-399999800% less" reads as a glitch. */
        double grew = 100 * (fabs(e) / prev - 1);
        if (grew <= 0)
            snprintf(v, sizeof v, "%.0f%% less than lap %d", 100 * (1 - fabs(e) / prev), rec);
        else
            snprintf(v, sizeof v, grew < 1e6 ? "%.0f%% more than lap %d" : "%.3g%% more than lap %d",
                     grew, rec);
        draw_font(cr, 0, fs * 0.9);
        draw_set_color(cr, th->muted);
        draw_text(cr, x0 + tw / 2, vy + nfs * 0.75 + fs * 0.4, 0.5, 0.5, v);
    }
    if (note[0])
        text_draw(cr, note, &st, c->x + lw, vy + nfs * 0.75 + fs * 1.3, bar_w, 0, NULL);
}

const struct panel_kind panel_loop = {
    .head = {.name = "loop",
             .summary = "the learning loop data -> model -> prediction -> error -> update for "
                        "one example, a lap per step: a packet travels round, each stage shows "
                        "its number, and an error bar shrinks lap by lap",
             .params = loop_params, .opts_size = sizeof(struct loop_opts),
             .requires = (const char *const[]){"data-1d", "predict-1d", NULL}},
    .templates = loop_templates,
    .draw = loop_draw,
    .check = loop_check,
    .moves_for = INFINITY,
};
