/* panel feature-table: a small dataset as a table whose feature columns
 * are switched on and off, step by step, with a meter of how much signal
 * the columns that are on carry about the target ("Build the dataset").
 *
 * It draws what the `subsets` trainer recorded: the record's mask says
 * which columns are on (their cells in full colour under an ON switch; the
 * others greyed and struck through under OFF), `signal` fills the meter
 * and is printed beside it, the fitted weights give the formula line and
 * a note template explains the score (by default the held-out miss
 * against guessing the average). Within a step the switches slide and the
 * meter glides from the previous record's value (motion only: every
 * number printed is the record's). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "story.h"

#define FT_MAX_COLUMNS 8        /* feature columns drawn */
#define FT_MAX_ROWS 12          /* data rows drawn */

struct ft_opts {
    const char *title;
    struct param_strings columns;
    const char *target;
    const char *target_name;
    const char *meter_label;
    const char *note;
    int formula;
    int decimals;
    double size;
    uint32_t on_color, meter_color, bad_color;
};

static const struct param_spec ft_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct ft_opts, title),
     .doc = "title template above the table"},
    {.name = "columns", .type = PARAM_STRINGS, .offset = offsetof(struct ft_opts, columns),
     .doc = "header of each feature column, e.g. [\"size (m²)\", beds] (default: the data's "
            "column names)"},
    {.name = "target", .type = PARAM_STRING, .offset = offsetof(struct ft_opts, target),
     .def = "y", .doc = "header of the target column, e.g. \"price (k)\""},
    {.name = "target_name", .type = PARAM_STRING, .offset = offsetof(struct ft_opts, target_name),
     .def = "y", .doc = "the target's name in the fitted formula, e.g. price"},
    {.name = "meter_label", .type = PARAM_STRING, .offset = offsetof(struct ft_opts, meter_label),
     .def = "signal", .doc = "the word before the meter's percentage"},
    {.name = "note", .type = PARAM_STRING, .offset = offsetof(struct ft_opts, note),
     .def = "miss on a house held out: {loo:.1f}; guessing the average: {base:.1f}",
     .doc = "template under the meter that explains it"},
    {.name = "formula", .type = PARAM_BOOL, .offset = offsetof(struct ft_opts, formula),
     .def = "true", .doc = "show the least-squares fit of the columns that are on"},
    {.name = "decimals", .type = PARAM_INT, .offset = offsetof(struct ft_opts, decimals),
     .def = "0", .ranged = 1, .lo = 0, .hi = 6, .doc = "decimals of the table's values"},
    {.name = "size", .type = PARAM_DOUBLE, .offset = offsetof(struct ft_opts, size),
     .def = "14", .ranged = 1, .lo = 6, .hi = 100,
     .doc = "font size of the table in pixels (the meter is scaled from it)"},
    {.name = "on_color", .type = PARAM_COLOR, .offset = offsetof(struct ft_opts, on_color),
     .def = "#2ca02c", .doc = "colour of a switch that is on"},
    {.name = "meter_color", .type = PARAM_COLOR, .offset = offsetof(struct ft_opts, meter_color),
     .def = "#1f77b4", .doc = "fill of the meter"},
    {.name = "bad_color", .type = PARAM_COLOR, .offset = offsetof(struct ft_opts, bad_color),
     .def = "#d62728", .doc = "colour of a signal below zero (worse than the average)"},
    {0},
};

static const char *const ft_templates[] = {"title", "note", NULL};

static int ft_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    const struct ft_opts *opt = o;
    const struct dataset *d = pc->data;
    if (!d || d->n <= 0)
        return 0;
    if (d->d > FT_MAX_COLUMNS) {
        diag_error(&node->loc, "panel 'feature-table' draws at most %d feature columns; the data "
                   "has %d", FT_MAX_COLUMNS, d->d);
        return -1;
    }
    if (opt->columns.n && opt->columns.n != d->d) {
        const struct snode *at = snode_get(node, "columns");
        diag_error(at ? &at->loc : &node->loc, "'columns' in panel 'feature-table' must give one "
                   "header per feature column: the data has %d (got %d)", d->d, opt->columns.n);
        return -1;
    }
    if (d->n > FT_MAX_ROWS) {
        diag_error(&node->loc, "panel 'feature-table' draws at most %d rows; the data has %d "
                   "(it is a table to read, not a plot)", FT_MAX_ROWS, d->n);
        return -1;
    }
    return 0;
}

/* Whether column j is on in record rec (its mask's bit j). */
static int column_on(const struct trace *t, int rec, int j)
{
    double m = trace_value(t, rec, "mask");
    return isfinite(m) && m >= 0 && (((unsigned long)m >> j) & 1u);
}


/* v with three significant digits, never in e notation (weights of a
 * table's units). */
static void format3(double v, char *buf, size_t n)
{
    double a = fabs(v);
    int dec = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    snprintf(buf, n, "%.*f", dec, v);
}

/* "1.96 × size + 23.4 × beds + 12.8": the fit of record rec on the
 * columns that are on (only the average when none is). */
static void formula_text(const struct ft_opts *opt, const struct panel_ctx *c, char *buf,
                         size_t n)
{
    const struct dataset *d = c->data;
    const double *th = trainer_theta(c->trace, c->rec);
    size_t used = (size_t)snprintf(buf, n, "best fit: %s \xe2\x89\x88 ", opt->target_name);
    int terms = 0;
    for (int j = 0; j < d->d && used < n; j++) {
        if (!column_on(c->trace, c->rec, j))
            continue;
        char v[32];
        format3(fabs(th[j]), v, sizeof v);
        const char *name = d->feature_names ? d->feature_names[j] : "x";
        used += (size_t)snprintf(buf + used, n - used, "%s%s \xc3\x97 %s",
                                 terms ? (th[j] < 0 ? " \xe2\x88\x92 " : " + ")
                                       : (th[j] < 0 ? "\xe2\x88\x92" : ""), v, name);
        terms++;
    }
    if (used < n) {
        char v[32];
        double b = th[d->d];
        format3(terms ? fabs(b) : b, v, sizeof v);
        snprintf(buf + used, n - used, "%s%s%s", terms ? (b < 0 ? " \xe2\x88\x92 " : " + ") : "",
                 v, terms ? "" : " (the average)");
    }
}

static void ft_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct ft_opts *opt = o;
    const struct theme *th = c->th;
    const struct dataset *d = c->data;
    if (!d || d->n <= 0 || d->d <= 0 || !d->y)
        return;
    double top = panel_title(c, cr, opt->title);
    int nc = d->d < FT_MAX_COLUMNS ? d->d : FT_MAX_COLUMNS;
    int nr = d->n < FT_MAX_ROWS ? d->n : FT_MAX_ROWS;
    double fs = opt->size, rh = fs * 1.75, sw_h = fs * 1.3;
    double age = story_step_age(c, 1, NULL);
    double u = story_ease(age / 0.6);            /* switches slide in 0.6 s */
    int prev = c->rec > 0 ? c->rec - 1 : c->rec;

    /* Columns: the features, then the target, each as wide as its header
     * needs (at least 5 em), centred in the cell. */
    char head[FT_MAX_COLUMNS + 1][256];
    double cw[FT_MAX_COLUMNS + 1], total = 0;
    draw_font(cr, 1, fs);
    for (int j = 0; j <= nc; j++) {
        if (j < nc)
            snprintf(head[j], sizeof head[j], "%s", opt->columns.n ? opt->columns.v[j]
                     : d->feature_names ? d->feature_names[j] : "x");
        else
            snprintf(head[j], sizeof head[j], "%s", opt->target);
        cw[j] = fmax(fs * 5, draw_text_width(cr, head[j]) + fs * 1.6);
        total += cw[j];
    }
    double gap = fs * 0.6;
    total += gap;               /* the target stands apart */
    if (total > c->w - 8) {     /* squeeze evenly rather than run out of the cell */
        double k = (c->w - 8) / total;
        for (int j = 0; j <= nc; j++)
            cw[j] *= k;
        gap *= k;
        total = c->w - 8;
    }
    double table_h = rh * (nr + 1) + sw_h + fs * 0.8;
    double mfs = fs * 1.35;
    /* The whole block (switches, table, meter, note, formula) centred in
     * the room under the title. */
    double content_h = table_h + fs * 0.9 + mfs * 1.4 + fs * 0.4 + fs * 3;
    double room = c->y + c->h - top;
    top += room > content_h ? (room - content_h) / 2 : 0;
    double x0 = c->x + (c->w - total) / 2, y = top + 4;
    double cx[FT_MAX_COLUMNS + 1], x = x0;
    for (int j = 0; j <= nc; j++) {
        if (j == nc)
            x += gap;
        cx[j] = x;
        x += cw[j];
    }

    /* The switches row. */
    for (int j = 0; j < nc; j++) {
        int on = column_on(c->trace, c->rec, j), was = column_on(c->trace, prev, j);
        double p = was == on ? on : (on ? u : 1 - u);      /* 0 off .. 1 on */
        double w = fs * 3.6, h = sw_h, sx = cx[j] + (cw[j] - w) / 2, sy = y;
        uint32_t fill = draw_mix(th->grid, opt->on_color, p);
        draw_box(cr, sx, sy, w, h, h / 2, fill, draw_mix(th->axis, opt->on_color, p), 1);
        draw_circle(cr, sx + h / 2 + p * (w - h), sy + h / 2, h / 2 - 2, 0xffffffffu, th->axis, 1);
        if (p == 0 || p == 1) {     /* the word once the knob has come to rest */
            draw_font(cr, 1, fs * 0.7);
            draw_set_color(cr, p > 0.5 ? 0xffffffffu : th->muted);
            draw_text(cr, p > 0.5 ? sx + (w - h) / 2 : sx + h + (w - h) / 2, sy + h / 2, 0.5,
                      0.5, p > 0.5 ? "ON" : "OFF");
        }
    }
    draw_font(cr, 1, fs * 0.7);
    draw_set_color(cr, th->muted);
    draw_text(cr, cx[nc] + cw[nc] / 2, y + sw_h / 2, 0.5, 0.5, "to predict");
    y += sw_h + fs * 0.8;

    /* Header and rows. */
    double ty = y;
    draw_box(cr, cx[0], ty, cx[nc - 1] + cw[nc - 1] - cx[0], rh, 4, th->panel, th->grid, 1);
    draw_box(cr, cx[nc], ty, cw[nc], rh, 4, draw_mix(th->panel, opt->meter_color, 0.18), th->grid, 1);
    for (int j = 0; j <= nc; j++) {
        int on = j == nc || column_on(c->trace, c->rec, j);
        int was = j == nc || column_on(c->trace, prev, j);
        double p = was == on ? on : (on ? u : 1 - u);
        uint32_t col = draw_mix(draw_mix(th->background, th->muted, 0.55), th->text, p);
        draw_font(cr, 1, fs);
        draw_set_color(cr, col);
        draw_text(cr, cx[j] + cw[j] / 2, ty + rh / 2, 0.5, 0.5, head[j]);
        for (int i = 0; i < nr; i++) {
            double ry = ty + rh * (i + 1);
            if (j == 0 && i % 2 == 1)
                draw_box(cr, cx[0], ry, cx[nc] + cw[nc] - cx[0], rh, 0, th->panel, 0, 0);
            char v[64];
            snprintf(v, sizeof v, "%.*f", opt->decimals, j < nc ? dataset_x(d, i, j) : d->y[i]);
            draw_font(cr, j == nc, fs);
            draw_set_color(cr, col);
            draw_text(cr, cx[j] + cw[j] / 2, ry + rh / 2, 0.5, 0.5, v);
        }
        if (j < nc && p < 1) {  /* struck through while off, the line drawn as it turns off */
            double reach = ty + rh + (1 - p) * rh * nr, lx = cx[j] + cw[j] / 2;
            for (int i = 0; i < nr; i++) {
                double ry = ty + rh * (i + 1) + rh / 2;
                if (ry > reach)
                    break;
                draw_line(cr, lx - fs * 1.3, ry, lx + fs * 1.3, ry, 1.5,
                          draw_mix(th->background, th->muted, 0.7), 0);
            }
        }
    }
    if (nr < d->n) {
        draw_font(cr, 0, fs * 0.8);
        draw_set_color(cr, th->muted);
        draw_text(cr, c->x + c->w / 2, ty + rh * (nr + 1) + fs * 0.5, 0.5, 0.5, "\xe2\x80\xa6");
    }
    y = top + 4 + table_h + fs * 0.9;

    /* The meter: its word and value, then the bar. */
    double sig = trace_value(c->trace, c->rec, "signal");
    double from = trace_value(c->trace, prev, "signal");
    double mu = story_ease(age / 1.0);
    double shown = isfinite(sig) && isfinite(from) ? from + (sig - from) * mu : sig;
    char text[512];
    if (isfinite(sig))
        snprintf(text, sizeof text, "%s %s%.0f%%", opt->meter_label,
                 sig < -0.5 ? "\xe2\x88\x92" : "", fabs(sig) < 0.5 ? 0 : fabs(sig));
    else
        snprintf(text, sizeof text, "%s: no single fit", opt->meter_label);
    draw_font(cr, 1, mfs);
    double label_w = draw_text_width(cr, text);
    double bx0 = cx[0], bx1 = cx[nc] + cw[nc];
    double lw = fmax(label_w, fs * 9);
    draw_set_color(cr, isfinite(sig) && sig < 0 ? opt->bad_color : th->text);
    draw_text(cr, bx0, y + mfs * 0.7, 0, 0.5, text);
    double bx = bx0 + lw + fs, bw = bx1 - bx, bh = mfs * 1.1, by = y + mfs * 0.7 - bh / 2;
    if (bw > fs * 4) {
        draw_box(cr, bx, by, bw, bh, bh / 2, th->panel, th->axis, 1);
        double f = isfinite(shown) ? fmin(1, fmax(0, shown / 100)) : 0;
        if (f > 0)
            draw_box(cr, bx, by, fmax(bh, bw * f), bh, bh / 2, opt->meter_color, 0, 0);
        /* Quarter marks, so 25/50/75 % read without a number. */
        for (int q = 1; q < 4; q++)
            draw_line(cr, bx + bw * q / 4, by + bh, bx + bw * q / 4, by + bh + fs * 0.3, 1,
                      th->axis, 0);
    }
    y += mfs * 1.4 + fs * 0.4;
    draw_font(cr, 0, fs);
    draw_set_color(cr, th->muted);
    panel_expand(c, opt->note, NULL, text, sizeof text);
    if (text[0]) {
        draw_text(cr, bx0, y + fs * 0.6, 0, 0.5, text);
        y += fs * 1.5;
    }
    if (opt->formula && isfinite(sig)) {
        formula_text(opt, c, text, sizeof text);
        draw_set_color(cr, th->text);
        draw_text(cr, bx0, y + fs * 0.6, 0, 0.5, text);
    }
}

const struct panel_kind panel_feature_table = {
    .head = {.name = "feature-table",
             .summary = "a small dataset as a table whose feature columns switch on and off "
                        "step by step (the subsets trainer), a signal meter with its value, "
                        "a note and the fitted formula",
             .params = ft_params, .opts_size = sizeof(struct ft_opts),
             .requires = (const char *const[]){"feature-subsets", NULL}},
    .templates = ft_templates,
    .draw = ft_draw,
    .moves_for = 1.0,           /* the switches' 0.6 s and the meter's 1 s */
    .check = ft_check,
};
