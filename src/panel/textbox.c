/* textbox: boxed multi-line labels in a plot and their arrows (see
 * textbox.h). Lines are drawn one by one because a line may hold a
 * formula that is taller than the font: each line's height grows by what
 * it reaches beyond a plain line, so boxes fit what they hold. */
#include "textbox.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A line's height: lh, or more where a formula in it is taller; *above is
 * from the line's top to its centre. */
static double line_height(cairo_t *cr, const char *line, double lh, double *above)
{
    double up, down;
    draw_text_reach(cr, line, &up, &down);
    *above = lh / 2 + up;
    return lh + up + down;
}

void textbox_layout(cairo_t *cr, struct textbox *b, const char *text, double pad, double extra)
{
    snprintf(b->buf, sizeof b->buf, "%s", text);
    b->n = 0;
    for (char *s = b->buf; b->n < TEXTBOX_MAX_LINES;) {
        b->line[b->n++] = s;
        char *nl = strchr(s, '\n');
        if (!nl)
            break;
        *nl = '\0';
        s = nl + 1;
    }
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    b->lh = fe.height;
    b->pad = pad;
    double w = 0, h = 0, above;
    for (int i = 0; i < b->n; i++) {
        w = fmax(w, draw_text_width(cr, b->line[i]));
        h += line_height(cr, b->line[i], b->lh, &above);
    }
    b->r = (struct textbox_rect){0, 0, w + extra + 2 * pad, h + 2 * pad};
}

int textbox_clear_of(const struct textbox_rect *b, double cx, double cy, double r)
{
    /* The circle's distance from the rectangle. */
    double dx = fmax(fmax(b->x - cx, 0), cx - (b->x + b->w));
    double dy = fmax(fmax(b->y - cy, 0), cy - (b->y + b->h));
    return hypot(dx, dy) >= r;
}

/* Moves b inside the plot area (as far as it fits). */
static void keep_inside(struct textbox_rect *b, const struct viewport *v)
{
    b->x = fmax(v->px + 2, fmin(b->x, v->px + v->pw - b->w - 2));
    b->y = fmax(v->py + 2, fmin(b->y, v->py + v->ph - b->h - 2));
}

void textbox_place(struct textbox *b, const struct viewport *v, const double at[2], double px,
                   double py, double clear)
{
    struct textbox_rect a = b->r;
    a.x = v->px + at[0] * v->pw;
    a.y = v->py + (1 - at[1]) * v->ph - a.h;
    keep_inside(&a, v);
    double mx = 2 * v->px + v->pw - a.x - a.w, my = 2 * v->py + v->ph - a.y - a.h;
    struct textbox_rect cand[6] = {a, a, a, a, a, a};
    cand[1].x = mx;
    cand[2].y = my;
    cand[3].x = mx;
    cand[3].y = my;
    cand[4].x = px - a.w / 2;
    cand[4].y = py - clear - a.h - 24;
    cand[5].x = px - a.w / 2;
    cand[5].y = py + clear + 24;
    b->r = a;
    for (int i = 0; i < 6; i++) {
        keep_inside(&cand[i], v);
        if (textbox_clear_of(&cand[i], px, py, clear)) {
            b->r = cand[i];
            return;
        }
    }
}

void textbox_draw(cairo_t *cr, const struct theme *th, const struct textbox *b, double text_x,
                  double radius, uint32_t fill, uint32_t edge, double edge_width)
{
    draw_box(cr, b->r.x, b->r.y, b->r.w, b->r.h, radius, fill, edge, edge_width);
    draw_set_color(cr, th->text);
    double y = b->r.y + b->pad;
    for (int i = 0; i < b->n; i++) {
        double above, h = line_height(cr, b->line[i], b->lh, &above);
        draw_text(cr, b->r.x + text_x, y + above, 0, 0.5, b->line[i]);
        y += h;
    }
}

void textbox_arrow(cairo_t *cr, const struct textbox_rect *b, double px, double py, double stop,
                   double width, uint32_t color)
{
    double cx = b->x + b->w / 2, cy = b->y + b->h / 2, dx = px - cx, dy = py - cy;
    double t = 1;
    if (fabs(dx) > 1e-9)
        t = fmin(t, b->w / 2 / fabs(dx));
    if (fabs(dy) > 1e-9)
        t = fmin(t, b->h / 2 / fabs(dy));
    double ex = cx + dx * t, ey = cy + dy * t;
    double len = hypot(px - ex, py - ey);
    if (len > stop + 6)
        draw_arrow(cr, ex, ey, px + (ex - px) * stop / len, py + (ey - py) * stop / len, width,
                   10, color);
}
