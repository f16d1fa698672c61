/* panel loss-curve: the loss recorded so far against the step, on fixed
 * axes that cover the whole run so the curve grows without the axes
 * jumping. A log axis shows the long tail of gradient descent. */
#include <math.h>
#include <stddef.h>
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

static void loss_curve_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct loss_curve_opts *opt = o;
    const struct trace *t = c->trace;
    int cl = trace_channel(t, "loss");
    struct viewport v = {0};
    v.x0 = trace_get(t, 0, 0);
    v.x1 = trace_get(t, t->nrec - 1, 0);
    if (v.x1 <= v.x0)
        v.x1 = v.x0 + 1;
    /* Range over the whole run (not just up to now) keeps the axes still. */
    int found = 0;
    for (int r = 0; r < t->nrec; r++) {
        double y = trace_get(t, r, cl);
        if (!isfinite(y) || (opt->log && y <= 0))
            continue;
        if (!found || y < v.y0) v.y0 = y;
        if (!found || y > v.y1) v.y1 = y;
        found = 1;
    }
    v.ylog = opt->log && found;
    if (!found) {
        v.y0 = 0;
        v.y1 = 1;
    } else if (v.ylog) {
        double l0 = log10(v.y0), l1 = log10(v.y1);
        if (l1 - l0 < 1e-9) { l0 -= 0.5; l1 += 0.5; }
        double pad = (l1 - l0) * 0.05;
        /* A diverging run's losses reach the top of the doubles: the
         * padded range must stay inside them. */
        v.y0 = pow(10, fmax(l0 - pad, -307));
        v.y1 = pow(10, fmin(l1 + pad, 308));
    } else {
        panel_pad_range(&v.y0, &v.y1, 0.05);
    }
    char title[256];
    panel_expand(c, opt->title, NULL, title, sizeof(title));
    struct axes_style st = {title[0] ? title : NULL, opt->x_label,
                            opt->y_label ? opt->y_label : c->run->model->loss_label, opt->grid};
    draw_axes(cr, c->th, c->x, c->y, c->w, c->h, &v, &st);

    /* Steps are increasing record by record, so the polyline is just the
     * first rec+1 rows, thinned to 512 points, plus the current record
     * (one slot more) so the curve always ends at the marker. */
    int n = c->rec + 1;
    double xs[513], ys[513];
    int stride = n > 512 ? (n + 511) / 512 : 1, m = 0;
    for (int r = 0; r < n && m < 512; r += stride) {
        xs[m] = trace_get(t, r, 0);
        ys[m] = trace_get(t, r, cl);
        if (v.ylog && ys[m] <= 0)
            ys[m] = NAN;
        m++;
    }
    if (m && (int)xs[m - 1] != (int)trace_get(t, c->rec, 0)) {
        xs[m] = trace_get(t, c->rec, 0);
        ys[m] = trace_get(t, c->rec, cl);
        m++;
    }
    draw_polyline(cr, &v, xs, ys, m, c->th->line_width, opt->color, 0);
    double last = trace_get(t, c->rec, cl);
    if (isfinite(last) && (!v.ylog || last > 0)) {
        double lx = trace_get(t, c->rec, 0);
        draw_scatter(cr, &v, &lx, &last, 1, c->th->line_width * 2, opt->color, 0);
    } else {
        panel_diverged_tag(cr, c, &v);
    }
}

const struct panel_kind panel_loss_curve = {
    .head = {.name = "loss-curve",
             .summary = "the loss so far against the step (log axis by default)",
             .params = loss_curve_params, .opts_size = sizeof(struct loss_curve_opts)},
    .templates = loss_curve_templates,
    .draw = loss_curve_draw,
};
