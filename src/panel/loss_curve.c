/* panel loss-curve: the loss recorded so far against the step, on fixed
 * axes that cover the whole run so the curve grows without the axes
 * jumping. A log axis shows the long tail of gradient descent. Written
 * `run: all`, it overlays every run of the scene (a learning rate each,
 * say), each in its own colour up to its own record, named in a legend. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

struct loss_curve_opts {
    const char *title, *x_label, *y_label;
    int log;
    uint32_t color;
    int grid;
};

static const struct param_spec loss_curve_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct loss_curve_opts, title),
     .def = "loss", .doc = "title template"},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct loss_curve_opts, x_label),
     .def = "step", .doc = "x axis label"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct loss_curve_opts, y_label),
     .doc = "y axis label (default: the model's name for its loss, e.g. MSE)"},
    {.name = "log", .type = PARAM_BOOL, .offset = offsetof(struct loss_curve_opts, log),
     .def = "true", .doc = "logarithmic loss axis"},
    {.name = "color", .type = PARAM_COLOR, .offset = offsetof(struct loss_curve_opts, color),
     .def = "#2ca02c", .doc = "colour of the curve"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct loss_curve_opts, grid),
     .def = "true", .doc = "light grid lines at the ticks"},
    {0},
};

static const char *const loss_curve_templates[] = {"title", NULL};

/* Widens [v->y0, v->y1] (*found says whether it holds anything yet) to
 * every drawable loss of t: the whole run, not just up to now, keeps the
 * axes still. */
static void loss_extent(const struct trace *t, int cl, int logaxis, struct viewport *v,
                        int *found)
{
    for (int r = 0; r < t->nrec; r++) {
        double y = trace_get(t, r, cl);
        if (!isfinite(y) || (logaxis && y <= 0))
            continue;
        if (!*found || y < v->y0) v->y0 = y;
        if (!*found || y > v->y1) v->y1 = y;
        *found = 1;
    }
}

/* Sets the y range from the extent found (log or padded linear). */
static void loss_range(struct viewport *v, int logaxis, int found)
{
    v->ylog = logaxis && found;
    if (!found) {
        v->y0 = 0;
        v->y1 = 1;
    } else if (v->ylog) {
        double l0 = log10(v->y0), l1 = log10(v->y1);
        if (l1 - l0 < 1e-9) { l0 -= 0.5; l1 += 0.5; }
        double pad = (l1 - l0) * 0.05;
        /* A diverging run's losses reach the top of the doubles: the
         * padded range must stay inside them. */
        v->y0 = pow(10, fmax(l0 - pad, -307));
        v->y1 = pow(10, fmin(l1 + pad, 308));
    } else {
        panel_pad_range(&v->y0, &v->y1, 0.05);
    }
}

/* The curve of t up to record rec and, when its loss there can be drawn,
 * the marker at its end; returns 0 when it cannot (diverged). */
static int loss_trail(cairo_t *cr, const struct viewport *v, const struct trace *t, int cl, int rec,
                      double width, uint32_t color)
{
    /* Steps are increasing record by record, so the polyline is just the
     * first rec+1 rows, thinned to 512 points, plus the current record
     * (one slot more) so the curve always ends at the marker. */
    int n = rec + 1;
    double xs[513], ys[513];
    int stride = n > 512 ? (n + 511) / 512 : 1, m = 0;
    for (int r = 0; r < n && m < 512; r += stride) {
        xs[m] = trace_get(t, r, 0);
        ys[m] = trace_get(t, r, cl);
        if (v->ylog && ys[m] <= 0)
            ys[m] = NAN;
        m++;
    }
    if (m && (int)xs[m - 1] != (int)trace_get(t, rec, 0)) {
        xs[m] = trace_get(t, rec, 0);
        ys[m] = trace_get(t, rec, cl);
        m++;
    }
    draw_polyline(cr, v, xs, ys, m, width, color, 0);
    double last = trace_get(t, rec, cl);
    if (!isfinite(last) || (v->ylog && last <= 0))
        return 0;
    double lx = trace_get(t, rec, 0);
    draw_scatter(cr, v, &lx, &last, 1, width * 2, color, 0);
    return 1;
}

/* Every run of the scene on one pair of axes (run: all). */
static void loss_curve_draw_all(const struct loss_curve_opts *opt, const struct panel_ctx *c,
                                cairo_t *cr)
{
    enum { MAX_RUNS = 16 };
    int nr = c->nruns < MAX_RUNS ? c->nruns : MAX_RUNS;
    struct viewport v = {0};
    int found = 0, have_x = 0;
    const char *loss_label = NULL;
    for (int i = 0; i < nr; i++) {
        const struct trace *t = &c->traces[i];
        int cl = trace_channel(t, "loss");
        if (cl < 0 || t->nrec <= 0)
            continue;
        double a = trace_get(t, 0, 0), b = trace_get(t, t->nrec - 1, 0);
        if (!have_x || a < v.x0) v.x0 = a;
        if (!have_x || b > v.x1) v.x1 = b;
        have_x = 1;
        loss_extent(t, cl, opt->log, &v, &found);
        if (!loss_label && c->runs[i].model)
            loss_label = c->runs[i].model->loss_label;
    }
    if (v.x1 <= v.x0)
        v.x1 = v.x0 + 1;
    loss_range(&v, opt->log, found);
    /* The title's values come from the panel's trace; with every run and
     * none of its own, from the first run's. */
    struct panel_ctx tc = *c;
    if (!tc.trace) {
        tc.trace = &c->traces[0];
        tc.rec = c->recs ? c->recs[0] : 0;
    }
    char title[256];
    panel_expand(&tc, opt->title, NULL, title, sizeof(title));
    struct axes_style st = {title[0] ? title : NULL, opt->x_label,
                            opt->y_label ? opt->y_label : loss_label, opt->grid};
    draw_axes(cr, c->th, c->x, c->y, c->w, c->h, &v, &st);

    struct panel_legend_item items[MAX_RUNS];
    char labels[MAX_RUNS][96];
    int ni = 0;
    for (int i = 0; i < nr; i++) {
        const struct trace *t = &c->traces[i];
        int cl = trace_channel(t, "loss");
        if (cl < 0 || t->nrec <= 0)
            continue;
        int rec = c->recs ? c->recs[i] : t->nrec - 1;
        if (rec < 0)
            rec = 0;
        if (rec >= t->nrec)
            rec = t->nrec - 1;
        /* Blue, orange, purple first: told apart also by readers who
         * confuse red and green. */
        static const int order[6] = {0, 3, 4, 1, 2, 5};
        uint32_t color = c->th->series[order[i % 6]];
        const char *name = c->runs[i].label && c->runs[i].label[0] ? c->runs[i].label : NULL;
        char fallback[16];
        snprintf(fallback, sizeof(fallback), "run %d", i + 1);
        /* A diverged run says so in the legend: one tag per run would pile
         * up in the corner. */
        if (!loss_trail(cr, &v, t, cl, rec, c->th->line_width, color)) {
            if (t->stop_reason && strcmp(t->stop_reason, "diverged") == 0)
                snprintf(labels[ni], sizeof(labels[ni]), "%s (diverged at step %d)",
                         name ? name : fallback, t->stop_step);
            else
                snprintf(labels[ni], sizeof(labels[ni]), "%s (diverged)", name ? name : fallback);
        } else {
            snprintf(labels[ni], sizeof(labels[ni]), "%s", name ? name : fallback);
        }
        items[ni] = (struct panel_legend_item){labels[ni], color, DRAW_SOLID};
        ni++;
    }
    panel_legend(cr, c->th, &v, PANEL_LEGEND_UPPER_RIGHT, items, ni, c->th->line_width);
}

static void loss_curve_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct loss_curve_opts *opt = o;
    /* run: all gives the panel no run of its own, and every run. */
    if (!c->run && c->runs && c->traces && c->nruns >= 1) {
        loss_curve_draw_all(opt, c, cr);
        return;
    }
    const struct trace *t = c->trace;
    int cl = trace_channel(t, "loss");
    struct viewport v = {0};
    v.x0 = trace_get(t, 0, 0);
    v.x1 = trace_get(t, t->nrec - 1, 0);
    if (v.x1 <= v.x0)
        v.x1 = v.x0 + 1;
    int found = 0;
    loss_extent(t, cl, opt->log, &v, &found);
    loss_range(&v, opt->log, found);
    char title[256];
    panel_expand(c, opt->title, NULL, title, sizeof(title));
    const char *loss_label = c->run->model ? c->run->model->loss_label : NULL;
    struct axes_style st = {title[0] ? title : NULL, opt->x_label,
                            opt->y_label ? opt->y_label : loss_label, opt->grid};
    draw_axes(cr, c->th, c->x, c->y, c->w, c->h, &v, &st);
    if (!loss_trail(cr, &v, t, cl, c->rec, c->th->line_width, opt->color))
        panel_diverged_tag(cr, c, &v);
}

const struct panel_kind panel_loss_curve = {
    .head = {.name = "loss-curve",
             .summary = "the loss so far against the step (log axis by default)",
             .params = loss_curve_params, .opts_size = sizeof(struct loss_curve_opts)},
    .templates = loss_curve_templates,
    .draw = loss_curve_draw,
    .all_runs = 1,
};
