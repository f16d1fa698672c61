/* panel bar-race: horizontal bars of data columns (a country's GDP, say)
 * for the data row of the step, sorted with the largest on top, each
 * series in a colour of its own whatever its rank, its name at the left
 * and its value at the bar's end. It is drawn from one data row per step,
 * like series (in a scene of beats over rows, the beat's row).
 *
 * When the scene tweens (frames: tween), the pictures inside a step glide
 * from the step before: each bar moves from its old rank to its new one
 * and its length from the old value to the new, eased, so a country that
 * overtakes another is seen passing it. The numbers printed (values, and
 * the templates of title and x label) are always the step's own row: only
 * the motion is interpolated. Bars that pass each other overlap for a
 * moment, the rising one drawn on top; their names and values never
 * overlap: labels that crowd are moved apart (chart_spread_labels). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "chart.h"
#include "ease.h"
#include "util.h"

struct bar_race_opts {
    struct param_strings series, colors;
    struct param_numbers x_range;
    const char *title, *x_label;
    int values, decimals;
    const char *prefix, *suffix;
    double bar_height;
    int ease;
    int grid;
};

static const struct param_spec bar_race_params[] = {
    {.name = "series", .type = PARAM_STRINGS, .offset = offsetof(struct bar_race_opts, series),
     .doc = "the data columns drawn as bars (default: every column but the first, which "
            "usually names the row, e.g. year)"},
    {.name = "colors", .type = PARAM_STRINGS, .offset = offsetof(struct bar_race_opts, colors),
     .doc = "the colour of each series, one per series: it stays with the series whatever its "
            "rank (default: ColorBrewer's Dark2, in the order of 'series')"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct bar_race_opts, x_range),
     .count = 2, .interval = 1,
     .doc = "[lo, hi] of the value axis (default: 0 to the largest value of any row, padded)"},
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct bar_race_opts, title),
     .doc = "title template, e.g. \"GDP Ranking in Year {year}\""},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct bar_race_opts, x_label),
     .doc = "value axis label template, e.g. \"GDP in Year {year}\""},
    {.name = "values", .type = PARAM_BOOL, .offset = offsetof(struct bar_race_opts, values),
     .def = "true", .doc = "print each bar's value at its end"},
    {.name = "decimals", .type = PARAM_INT, .offset = offsetof(struct bar_race_opts, decimals),
     .def = "2", .ranged = 1, .lo = 0, .hi = 12, .doc = "decimals of the printed values"},
    {.name = "prefix", .type = PARAM_STRING, .offset = offsetof(struct bar_race_opts, prefix),
     .doc = "text before each printed value, e.g. \"$\""},
    {.name = "suffix", .type = PARAM_STRING, .offset = offsetof(struct bar_race_opts, suffix),
     .doc = "text after each printed value: its unit, e.g. \" trillion\""},
    {.name = "bar_height", .type = PARAM_DOUBLE,
     .offset = offsetof(struct bar_race_opts, bar_height), .def = "0.8", .ranged = 1, .lo = 0.05,
     .hi = 1, .doc = "height of a bar, as a fraction of the space per bar (matplotlib's 0.8)"},
    {.name = "ease", .type = PARAM_ENUM, .offset = offsetof(struct bar_race_opts, ease),
     .def = "linear", .choices = ease_names,
     .doc = "how the bars move between steps when the scene tweens (linear: a race that "
            "keeps moving; in-out: a stop at every step)"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct bar_race_opts, grid),
     .def = "false", .doc = "light grid lines at the value ticks"},
    {0},
};

static const char *const bar_race_templates[] = {"title", "x_label", NULL};

static int bar_race_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    const struct bar_race_opts *opt = o;
    int n;
    return chart_check("bar-race", node, pc->data, NULL, &opt->series, &opt->colors, 1, &n)
         ? -1 : 0;
}

static void bar_race_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct bar_race_opts *opt = o;
    const struct dataset *d = c->data;
    const struct theme *th = c->th;
    int cols[CHART_MAX];
    int n = chart_columns(&opt->series, d, 0, cols);
    if (n < 1)
        return;

    /* The value axis covers every row from the first frame: it never jumps. */
    double x0 = 0, x1 = 0;
    if (opt->x_range.n == 2) {
        x0 = opt->x_range.v[0];
        x1 = opt->x_range.v[1];
    } else {
        for (int i = 0; i < d->n; i++)
            for (int k = 0; k < n; k++) {
                double v = dataset_x(d, i, cols[k]);
                if (isfinite(v)) {
                    x0 = fmin(x0, v);
                    x1 = fmax(x1, v);
                }
            }
        if (!(x1 > x0))
            x1 = x0 + 1;
        double pad = (x1 - x0) * 0.08;
        x1 += x1 > 0 ? pad : 0;
        x0 -= x0 < 0 ? pad : 0;
    }

    /* The row now and the row glided from. */
    double a[CHART_MAX], b[CHART_MAX];
    chart_row_values(d, panel_row(c, c->rec), cols, n, b);
    double e = 1;
    if (c->frac > 0 && c->frac < 1 && c->rec_from != c->rec) {
        chart_row_values(d, panel_row(c, c->rec_from), cols, n, a);
        e = ease_apply(opt->ease, c->frac);
    } else {
        memcpy(a, b, sizeof(double) * (size_t)n);
    }
    struct bar_place place[CHART_MAX];
    bar_race_place(a, b, n, e, place);

    char title[512], xlabel[512];
    panel_expand(c, opt->title, NULL, title, sizeof title);
    panel_expand(c, opt->x_label, NULL, xlabel, sizeof xlabel);

    /* Layout: title, plot, value ticks and label, as draw_axes spaces
     * them; the names of the series take the place of y tick labels. */
    const double pad = 10, tick_len = 5, tick_gap = 4, label_gap = 6, title_gap = 10;
    const double fs = th->font_size;
    double lh = fs * 1.17, tlh = th->title_size * 1.17;
    draw_font(cr, 0, fs);
    double namew = 0;
    for (int k = 0; k < n; k++)
        namew = fmax(namew, draw_text_width(cr, d->feature_names[cols[k]]));
    double tick_v[32], step = 0;
    struct viewport v = {.x0 = x0, .x1 = x1, .y0 = 0, .y1 = 1};
    v.px = round(c->x + pad + namew + tick_gap + tick_len);
    double right = c->x + c->w - pad;
    /* The last tick label hangs half its width past its tick. */
    int nt = ticks_nice(x0, x1, 6, tick_v, 32, &step);
    char tl[64];
    if (nt > 0) {
        ticks_format(tick_v[nt - 1], step, 0, tl, sizeof tl);
        double hang = draw_text_width(cr, tl) / 2;
        double t = (tick_v[nt - 1] - x0) / (x1 - x0);
        double pw = right - v.px;
        if (v.px + t * pw + hang > c->x + c->w - pad / 2)
            right -= v.px + t * pw + hang - (c->x + c->w - pad / 2);
    }
    v.pw = fmax(1, floor(right - v.px));
    v.py = round(c->y + pad + (title[0] ? tlh + title_gap : 0));
    double bottom = round(c->y + c->h - pad - (xlabel[0] ? lh + label_gap : 0) - lh - tick_gap -
                          tick_len);
    v.ph = fmax(1, bottom - v.py);
    double pr = v.px + v.pw, pb = v.py + v.ph;

    if (title[0]) {
        draw_font(cr, 1, th->title_size);
        draw_set_color(cr, th->text);
        draw_text(cr, v.px + v.pw / 2, c->y + pad, 0.5, 0, title);
    }
    /* Value ticks, grid, spines. */
    draw_font(cr, 0, fs);
    for (int i = 0; i < nt; i++) {
        double px = round(vp_x(&v, tick_v[i])) + 0.5;
        if (opt->grid && px > v.px + 1)
            draw_line(cr, px, v.py, px, pb, 1, th->grid, DRAW_SOLID);
        draw_line(cr, px, pb, px, pb + tick_len, 1, th->axis, DRAW_SOLID);
        ticks_format(tick_v[i], step, 0, tl, sizeof tl);
        draw_set_color(cr, th->muted);
        draw_text(cr, px, pb + tick_len + tick_gap, 0.5, 0, tl);
    }
    if (xlabel[0]) {
        draw_set_color(cr, th->text);
        draw_text(cr, v.px + v.pw / 2, pb + tick_len + tick_gap + lh + label_gap, 0.5, 0, xlabel);
    }

    /* Bars, in drawing order (the rising one last, on top). */
    double slot = v.ph / n, bh = slot * opt->bar_height;
    double base = fmin(fmax(0, x0), x1);
    double bx = vp_x(&v, base);
    struct chart_rect names[CHART_MAX], vals[CHART_MAX];
    char vtext[CHART_MAX][96];
    int inside[CHART_MAX], order[CHART_MAX];
    for (int k = 0; k < n; k++) {
        double cy = v.py + place[k].center * slot;
        double ex = vp_x(&v, fmin(fmax(place[k].value, x0), x1));
        const char *name = d->feature_names[cols[k]];
        double w = draw_text_width(cr, name);
        names[k] = (struct chart_rect){v.px - tick_len - tick_gap - w, cy - lh / 2, w, lh};
        order[k] = place[k].order;
        bar_race_value_text(vtext[k], sizeof vtext[k], opt->prefix, opt->decimals,
                            place[k].shown, opt->suffix);
        double vw = draw_text_width(cr, vtext[k]);
        /* Past a bar's end, or inside it where the plot ends first. */
        int neg = place[k].value < base;
        double tx = neg ? ex - 6 - vw : ex + 6;
        inside[k] = neg ? tx < v.px : tx + vw > pr;
        if (inside[k])
            tx = neg ? ex + 6 : ex - 6 - vw;
        vals[k] = (struct chart_rect){tx, cy - lh / 2, vw, lh};
    }
    /* Where bars pass each other their names and values move apart, so
     * that all stay readable. */
    double name_y[CHART_MAX], val_y[CHART_MAX];
    for (int k = 0; k < n; k++)
        name_y[k] = val_y[k] = names[k].y + lh / 2;
    chart_spread_labels(name_y, order, n, lh + 2, v.py + lh / 2, pb - lh / 2);
    chart_spread_labels(val_y, order, n, lh + 2, v.py + lh / 2, pb - lh / 2);

    cairo_save(cr);
    cairo_rectangle(cr, v.px, v.py, v.pw, v.ph);
    cairo_clip(cr);
    for (int at = 0; at < n; at++)
        for (int k = 0; k < n; k++) {
            if (order[k] != at)
                continue;
            double cy = v.py + place[k].center * slot;
            double ex = vp_x(&v, fmin(fmax(place[k].value, x0), x1));
            uint32_t col = chart_color(&opt->colors, k, chart_dark2, 8);
            draw_box(cr, fmin(bx, ex), cy - bh / 2, fabs(ex - bx), bh, 0, col, 0, 0);
            if (opt->values) {
                draw_set_color(cr, inside[k] ? 0xFFFFFFFF : th->text);
                draw_text(cr, vals[k].x, val_y[k], 0, 0.5, vtext[k]);
            }
        }
    cairo_restore(cr);
    for (int k = 0; k < n; k++) {
        double cy = v.py + place[k].center * slot;
        draw_line(cr, v.px - tick_len, round(cy) + 0.5, v.px, round(cy) + 0.5, 1, th->axis,
                  DRAW_SOLID);
        draw_set_color(cr, th->text);
        draw_text(cr, names[k].x + names[k].w, name_y[k], 1, 0.5, d->feature_names[cols[k]]);
    }
    /* Left and bottom spines, over the bars' base. */
    draw_line(cr, v.px + 0.5, v.py, v.px + 0.5, pb, 1, th->axis, DRAW_SOLID);
    draw_line(cr, v.px, pb - 0.5, pr, pb - 0.5, 1, th->axis, DRAW_SOLID);
}

const struct panel_kind panel_bar_race = {
    .head = {.name = "bar-race",
             .summary = "data columns as horizontal bars for the step's data row, largest on "
                        "top, gliding to their new ranks (a bar chart race)",
             .params = bar_race_params, .opts_size = sizeof(struct bar_race_opts),
             .requires = (const char *const[]){"data", NULL}},
    .templates = bar_race_templates,
    .draw = bar_race_draw,
    .check = bar_race_check,
};
