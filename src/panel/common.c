/* Helpers shared by the panel kinds (see common.h). */
#include "common.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "template.h"
#include "util.h"

const double *panel_theta(const struct panel_ctx *c)
{
    return c->theta ? c->theta : trainer_theta(c->trace, c->rec);
}

int panel_nparams(const struct panel_ctx *c)
{
    return model_nparams(c->run->model, c->run->model_opts, c->data);
}

int panel_extent(const double *v, int n, double *lo, double *hi)
{
    int found = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (!found || v[i] < *lo) *lo = v[i];
        if (!found || v[i] > *hi) *hi = v[i];
        found = 1;
    }
    return found;
}

void panel_pad_range(double *lo, double *hi, double frac)
{
    if (!(*hi > *lo)) {
        double m = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1;
        *lo -= m;
        *hi += m;
        return;
    }
    double d = (*hi - *lo) * frac;
    *lo -= d;
    *hi += d;
}

void panel_expand(const struct panel_ctx *c, const char *tmpl, const char *fallback, char *buf,
                size_t n)
{
    if (tmpl)
        template_expand(tmpl, c->trace, c->rec, buf, n);
    else
        snprintf(buf, n, "%s", fallback ? fallback : "");
}

int panel_row(const struct panel_ctx *c, int rec)
{
    const struct run *r = c->run ? c->run : c->runs;
    int first = r && r->nbeats && r->beat_rows ? r->beat_first_row : 0;
    double step = c->trace && rec >= 0 && rec < c->trace->nrec ? trace_get(c->trace, rec, 0)
                                                             : c->step;
    return first + (isfinite(step) && step >= 0 ? (int)step : 0);
}

void panel_diverged_tag(cairo_t *cr, const struct panel_ctx *c, const struct viewport *v)
{
    const struct theme *th = c->th;
    draw_font(cr, 1, th->font_size);
    char msg[96];
    const struct trace *t = c->trace;
    if (t->stop_reason && strcmp(t->stop_reason, "diverged") == 0)
        snprintf(msg, sizeof(msg), "diverged at step %d", t->stop_step);
    else
        snprintf(msg, sizeof(msg), "diverged: no finite values");
    double w = draw_text_width(cr, msg);
    draw_box(cr, v->px + 8, v->py + 8, w + 16, th->font_size + 12, 4, 0xfffde8e8, th->series[1], 1);
    draw_set_color(cr, th->series[1]);
    draw_text(cr, v->px + 16, v->py + 14 + th->font_size / 2, 0, 0.5, msg);
}

double panel_title(const struct panel_ctx *c, cairo_t *cr, const char *tmpl)
{
    char text[4096];
    panel_expand(c, tmpl, NULL, text, sizeof(text));
    if (!text[0])
        return c->y;
    draw_font(cr, 1, c->th->title_size);
    draw_set_color(cr, c->th->text);
    draw_text(cr, c->x + c->w / 2, c->y + 4, 0.5, 0, text);
    return c->y + c->th->title_size + 14;
}

const char *const panel_legend_places[] = {"upper-left", "upper-right", "lower-left",
                                           "lower-right", "none", NULL};

void panel_legend(cairo_t *cr, const struct theme *th, const struct viewport *v, int place,
                  const struct panel_legend_item *items, int n, double line_width)
{
    if (place == PANEL_LEGEND_NONE || n <= 0)
        return;
    draw_font(cr, 0, th->font_size);
    double pad = 8, sample = 30, gap = 8, row = th->font_size * 1.5, textw = 0;
    /* a row as tall as its label's formula needs, at least the usual one */
    double up[PANEL_LEGEND_MAX], down[PANEL_LEGEND_MAX], extra = 0;
    if (n > PANEL_LEGEND_MAX)
        n = PANEL_LEGEND_MAX;
    for (int i = 0; i < n; i++) {
        const char *label = items[i].label ? items[i].label : "";
        textw = fmax(textw, draw_text_width(cr, label));
        draw_text_reach(cr, label, &up[i], &down[i]);
        extra += up[i] + down[i];
    }
    double w = pad + sample + gap + textw + pad,
           h = pad + row * n + pad - (row - th->font_size) + extra;
    int right = place == PANEL_LEGEND_UPPER_RIGHT || place == PANEL_LEGEND_LOWER_RIGHT;
    int lower = place == PANEL_LEGEND_LOWER_LEFT || place == PANEL_LEGEND_LOWER_RIGHT;
    double x = right ? v->px + v->pw - 10 - w : v->px + 10;
    double y = lower ? v->py + v->ph - 10 - h : v->py + 10;
    /* Mostly opaque, as matplotlib's: the lines it covers still show a little. */
    draw_box(cr, x, y, w, h, 4, (th->background & 0x00ffffffu) | 0xd9000000u, th->grid, 1);
    double cy = y + pad + th->font_size / 2;
    for (int i = 0; i < n; i++) {
        cy += up[i];
        if (i)
            cy += row;
        draw_line(cr, x + pad, cy, x + pad + sample, cy, line_width, items[i].color, items[i].dash);
        draw_set_color(cr, th->text);
        draw_text(cr, x + pad + sample + gap, cy, 0, 0.5, items[i].label ? items[i].label : "");
        cy += down[i];
    }
}
