/* panel train-test: one side of a train/test split fit, as the regression
 * widgets draw it: the test (or the training) rows' x against their actual
 * y (blue) and against the model's prediction for them (yellow), with a
 * legend, and optionally the fitted curve and the curve the data was drawn
 * around. Which rows are which comes from trainer 'solve' (solve_split),
 * the split it fitted on; the predictions from the model's recorded
 * parameters. Both panels of a lesson share axes by default (the whole
 * data's extent), so the two sets are drawn to one scale. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "common.h"
#include "util.h"

#define TRAIN_TEST_CURVE_POINTS 400

struct train_test_opts {
    int set;
    const char *title, *x_label, *y_label, *actual_label, *predicted_label;
    struct param_numbers x_range, y_range;
    uint32_t actual_color, predicted_color, edge_color, curve_color, truth_color;
    double point_size;
    int predicted, curve, truth, legend, grid;
};

static const char *const train_test_sets[] = {"test", "train", NULL};

static const struct param_spec train_test_params[] = {
    {.name = "set", .type = PARAM_ENUM, .offset = offsetof(struct train_test_opts, set),
     .def = "test", .choices = train_test_sets, .doc = "which rows: the test set or the training set"},
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct train_test_opts, title),
     .doc = "title template, e.g. \"Test set performance: Test score {r2_test:.3f}\""},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct train_test_opts, x_label),
     .def = "x", .doc = "x axis label"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct train_test_opts, y_label),
     .def = "y", .doc = "y axis label"},
    {.name = "actual_label", .type = PARAM_STRING,
     .offset = offsetof(struct train_test_opts, actual_label),
     .doc = "legend of the actual values (default \"Actual test values\" or \"Actual training "
            "values\")"},
    {.name = "predicted_label", .type = PARAM_STRING,
     .offset = offsetof(struct train_test_opts, predicted_label), .def = "Predicted values",
     .doc = "legend of the predictions"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct train_test_opts, x_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the x axis (default: all the data's, padded)"},
    {.name = "y_range", .type = PARAM_NUMBERS, .offset = offsetof(struct train_test_opts, y_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the y axis (default: all the data's, padded)"},
    {.name = "actual_color", .type = PARAM_COLOR,
     .offset = offsetof(struct train_test_opts, actual_color), .def = "#1f77b4",
     .doc = "fill of the actual values"},
    {.name = "predicted_color", .type = PARAM_COLOR,
     .offset = offsetof(struct train_test_opts, predicted_color), .def = "#ffd700",
     .doc = "fill of the predicted values"},
    {.name = "edge_color", .type = PARAM_COLOR,
     .offset = offsetof(struct train_test_opts, edge_color), .def = "#333333",
     .doc = "edge of the predicted values (transparent: none)"},
    {.name = "point_size", .type = PARAM_DOUBLE,
     .offset = offsetof(struct train_test_opts, point_size), .def = "5", .ranged = 1, .lo = 0.5,
     .hi = 50, .doc = "radius of the points in pixels"},
    {.name = "predicted", .type = PARAM_BOOL, .offset = offsetof(struct train_test_opts, predicted),
     .def = "true", .doc = "draw the predictions at the rows' x (false: only the actual values)"},
    {.name = "curve", .type = PARAM_BOOL, .offset = offsetof(struct train_test_opts, curve),
     .def = "false", .doc = "also draw the fitted polynomial as a line across the plot"},
    {.name = "curve_color", .type = PARAM_COLOR,
     .offset = offsetof(struct train_test_opts, curve_color), .def = "#e377c2",
     .doc = "colour of the fitted curve"},
    {.name = "truth", .type = PARAM_BOOL, .offset = offsetof(struct train_test_opts, truth),
     .def = "false", .doc = "also draw the curve the data was drawn around (when the data kind has one)"},
    {.name = "truth_color", .type = PARAM_COLOR,
     .offset = offsetof(struct train_test_opts, truth_color), .def = "#7f7f7f",
     .doc = "colour of that curve"},
    {.name = "legend", .type = PARAM_ENUM, .offset = offsetof(struct train_test_opts, legend),
     .def = "upper-left", .choices = panel_legend_places, .doc = "where the legend goes"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct train_test_opts, grid),
     .def = "true", .doc = "light grid lines at the ticks"},
    {0},
};

static const char *const train_test_templates[] = {"title", NULL};

struct curve_ctx {
    const struct panel_ctx *c;
    const double *theta;
};

static double curve_at(double x, const void *p)
{
    const struct curve_ctx *k = p;
    return k->c->run->model->predict(k->c->run->model_opts, k->theta, x);
}

static double truth_at(double x, const void *p)
{
    const struct dataset *d = p;
    return d->truth(d, x);
}

static void train_test_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct train_test_opts *opt = o;
    const struct dataset *d = c->data;
    int n = d->n, want_test = opt->set == 0;
    struct viewport v = {0};
    if (opt->x_range.n == 2) {
        v.x0 = opt->x_range.v[0];
        v.x1 = opt->x_range.v[1];
    } else {
        panel_extent(d->x, n, &v.x0, &v.x1);
        panel_pad_range(&v.x0, &v.x1, 0.05);
    }
    if (opt->y_range.n == 2) {
        v.y0 = opt->y_range.v[0];
        v.y1 = opt->y_range.v[1];
    } else {
        panel_extent(d->y, n, &v.y0, &v.y1);
        panel_pad_range(&v.y0, &v.y1, 0.1);
    }
    char title[256];
    panel_expand(c, opt->title, NULL, title, sizeof(title));
    struct axes_style st = {title[0] ? title : NULL, opt->x_label, opt->y_label, opt->grid};
    draw_axes(cr, c->th, c->x, c->y, c->w, c->h, &v, &st);
    if (n == 0)
        return;

    unsigned char *is_test = xmalloc((size_t)n);
    double *xs = xmalloc(sizeof(double) * (size_t)n), *ys = xmalloc(sizeof(double) * (size_t)n);
    double *ps = xmalloc(sizeof(double) * (size_t)n);
    int ntest = solve_split(c->run, d, is_test), m = 0;
    const double *theta = panel_theta(c);
    int finite = 1;
    for (int i = 0, np = panel_nparams(c); i < np; i++)
        finite &= isfinite(theta[i]) != 0;
    /* Without a test set every row is training (and the test side is empty). */
    for (int i = 0; ntest >= 0 && i < n; i++)
        if ((ntest > 0 && is_test[i]) == want_test) {
            xs[m] = d->x[i];
            ys[m] = d->y[i];
            ps[m] = finite ? c->run->model->predict(c->run->model_opts, theta, d->x[i]) : NAN;
            m++;
        }
    if (opt->truth && d->truth) {
        /* Only over the x the data was drawn from, as panel 'data' does. */
        double lo = d->truth_hi > d->truth_lo ? d->truth_lo : v.x0;
        double hi = d->truth_hi > d->truth_lo ? d->truth_hi : v.x1;
        double cx[TRAIN_TEST_CURVE_POINTS], cy[TRAIN_TEST_CURVE_POINTS];
        for (int i = 0; i < TRAIN_TEST_CURVE_POINTS; i++) {
            cx[i] = i == TRAIN_TEST_CURVE_POINTS - 1 ? hi
                                                     : lo + (hi - lo) * i / (TRAIN_TEST_CURVE_POINTS - 1);
            cy[i] = truth_at(cx[i], d);
        }
        draw_polyline(cr, &v, cx, cy, TRAIN_TEST_CURVE_POINTS, c->th->line_width,
                      opt->truth_color, DRAW_SOLID);
    }
    if (opt->curve && finite) {
        struct curve_ctx k = {c, theta};
        draw_function(cr, &v, curve_at, &k, TRAIN_TEST_CURVE_POINTS, c->th->line_width * 1.25,
                      opt->curve_color);
    }
    draw_scatter(cr, &v, xs, ys, m, opt->point_size, opt->actual_color, 0);
    if (opt->predicted)
        draw_scatter(cr, &v, xs, ps, m, opt->point_size, opt->predicted_color, opt->edge_color);

    struct panel_legend_item items[4];
    int ni = 0;
    const char *actual = opt->actual_label ? opt->actual_label
                         : want_test       ? "Actual test values"
                                           : "Actual training values";
    items[ni++] = (struct panel_legend_item){actual, opt->actual_color, DRAW_SOLID};
    if (opt->predicted)
        items[ni++] = (struct panel_legend_item){opt->predicted_label, opt->predicted_color,
                                                 DRAW_SOLID};
    if (opt->curve)
        items[ni++] = (struct panel_legend_item){"Fitted curve", opt->curve_color, DRAW_SOLID};
    if (opt->truth && d->truth)
        items[ni++] = (struct panel_legend_item){"True curve", opt->truth_color, DRAW_SOLID};
    panel_legend(cr, c->th, &v, opt->legend, items, ni, c->th->line_width * 2.5);
    if (!finite)
        panel_diverged_tag(cr, c, &v);
    free(is_test);
    free(xs);
    free(ys);
    free(ps);
}

const struct panel_kind panel_train_test = {
    .head = {.name = "train-test",
             .summary = "the test or training rows of a split fit: x against actual (blue) and "
                        "predicted (yellow) y, with a legend",
             .params = train_test_params, .opts_size = sizeof(struct train_test_opts),
             .requires = (const char *const[]){"data-1d", "predict-1d", "train-test-split", NULL}},
    .templates = train_test_templates,
    .draw = train_test_draw,
    .draws_rows = 1,
};
