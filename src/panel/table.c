/* panel table: each sample's X, Y, the model's prediction Ŷ and the squared
 * error (Y - Ŷ)², with their mean as the last row, so the loss on screen can
 * be checked by hand. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "template.h"

struct table_opts {
    const char *title, *x_header, *y_header;
    int decimals;
};

static const struct param_spec table_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct table_opts, title),
     .doc = "title template"},
    {.name = "x_header", .type = PARAM_STRING, .offset = offsetof(struct table_opts, x_header),
     .def = "X", .doc = "header of the input column"},
    {.name = "y_header", .type = PARAM_STRING, .offset = offsetof(struct table_opts, y_header),
     .def = "Y", .doc = "header of the target column"},
    {.name = "decimals", .type = PARAM_INT, .offset = offsetof(struct table_opts, decimals),
     .def = "2", .ranged = 1, .lo = 0, .hi = 8,
     .doc = "decimals of the predictions (X and Y show at most as many, without trailing zeros)"},
    {0},
};

static const char *const table_templates[] = {"title", NULL};

/* v with `decimals` decimals; trim: without the trailing zeros (the data's
 * X and Y, often whole numbers, read as written: -40, not -40.000). */
static void cell(char *buf, size_t n, double v, int decimals, int trim)
{
    if (!isfinite(v))
        template_format_value(v, buf, n);
    else
        snprintf(buf, n, "%.*f", decimals, v);
    if (trim && isfinite(v) && strchr(buf, '.')) {
        size_t l = strlen(buf);
        while (l > 0 && buf[l - 1] == '0')
            buf[--l] = '\0';
        if (l > 0 && buf[l - 1] == '.')
            buf[--l] = '\0';
    }
    if (buf[0] == '-' && strspn(buf, "-0.") == strlen(buf))
        memmove(buf, buf + 1, strlen(buf));
}

/* Squared errors span from thousands to thousandths over a run: keep about
 * three significant digits without exponents. */
static void cell_err(char *buf, size_t n, double v)
{
    if (!isfinite(v))
        template_format_value(v, buf, n);
    else if (v >= 1000)
        snprintf(buf, n, "%.0f", v);
    else if (v >= 1)
        snprintf(buf, n, "%.2f", v);
    else
        snprintf(buf, n, "%.4f", v);
}

static void table_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct table_opts *opt = o;
    const struct theme *th = c->th;
    const struct run *s = c->run;
    const struct dataset *d = c->data;
    char text[4096];
    double top = panel_title(c, cr, opt->title);
    const double *theta = panel_theta(c);

    int rows = d->n + 2;        /* header, samples, mean */
    double rh = fmin((c->y + c->h - top) / rows, th->font_size * 1.9);
    int shown = d->n;
    if (rh < th->font_size * 1.25) {
        rh = th->font_size * 1.25;
        shown = (int)((c->y + c->h - top) / rh) - 3;    /* room for "..." */
        if (shown < 1) shown = 1;
    }
    const char *headers[4] = {opt->x_header, opt->y_header, "Ŷ", "(Y−Ŷ)²"};
    double colw = c->w / 4;
    draw_box(cr, c->x, top, c->w, rh, 0, th->panel, 0, 0);
    draw_font(cr, 1, th->font_size);
    draw_set_color(cr, th->text);
    for (int k = 0; k < 4; k++)
        draw_text(cr, c->x + colw * (k + 1) - 10, top + rh / 2, 1, 0.5, headers[k]);

    double sum = 0;
    int finite = 1;
    for (int i = 0; i < d->n; i++) {
        double yh = s->model->predict(s->model_opts, theta, d->x[i]);
        double e2 = (d->y[i] - yh) * (d->y[i] - yh);
        sum += e2;
        finite &= isfinite(e2) != 0;
        if (i >= shown)
            continue;
        double ry = top + rh * (i + 1);
        if (i % 2)
            draw_box(cr, c->x, ry, c->w, rh, 0, (th->panel & 0x00ffffff) | 0x80000000, 0, 0);
        double vals[4] = {d->x[i], d->y[i], yh, e2};
        draw_font(cr, 0, th->font_size);
        for (int k = 0; k < 4; k++) {
            if (k == 3)
                cell_err(text, sizeof(text), vals[k]);
            else
                cell(text, sizeof(text), vals[k], opt->decimals, k < 2);
            draw_set_color(cr, k >= 2 ? th->series[k == 2 ? 0 : 1] : th->text);
            draw_text(cr, c->x + colw * (k + 1) - 10, ry + rh / 2, 1, 0.5, text);
        }
    }
    double ry = top + rh * (shown + 1);
    if (shown < d->n) {
        draw_set_color(cr, th->muted);
        draw_text(cr, c->x + c->w / 2, ry + rh / 2, 0.5, 0.5, "…");
        ry += rh;
    }
    draw_line(cr, c->x, ry, c->x + c->w, ry, 1, th->axis, 0);
    draw_font(cr, 1, th->font_size);
    draw_set_color(cr, th->text);
    draw_text(cr, c->x + colw * 3 - 10, ry + rh / 2, 1, 0.5, "mean");
    cell_err(text, sizeof(text), finite ? sum / d->n : INFINITY);
    draw_set_color(cr, th->series[1]);
    draw_text(cr, c->x + colw * 4 - 10, ry + rh / 2, 1, 0.5, text);
}

const struct panel_kind panel_table = {
    .head = {.name = "table",
             .summary = "each sample's X, Y, prediction and squared error, and their mean",
             .params = table_params, .opts_size = sizeof(struct table_opts),
             .requires = (const char *const[]){"data-1d", "predict-1d", NULL}},
    .templates = table_templates,
    .draw = table_draw,
};
