/* Helpers shared by the panel kinds (see common.h). */
#include "common.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "template.h"

const double *panel_theta(const struct panel_ctx *c)
{
    return trainer_theta(c->trace, c->rec);
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
    char text[256];
    panel_expand(c, tmpl, NULL, text, sizeof(text));
    if (!text[0])
        return c->y;
    draw_font(cr, 1, c->th->title_size);
    draw_set_color(cr, c->th->text);
    draw_text(cr, c->x + c->w / 2, c->y + 4, 0.5, 0, text);
    return c->y + c->th->title_size + 14;
}
