/* Helpers the panel kinds share: the model's parameters at a record, data
 * ranges, and the "nothing to show" label for diverged values. Internal to
 * src/panel/. */
#ifndef PANEL_COMMON_H
#define PANEL_COMMON_H

#include "panel.h"
#include "model.h"

/* The model parameters to draw, in the model's order: c->theta when the
 * frame gives them (interpolated while tweening), else those recorded at
 * c->rec. */
const double *panel_theta(const struct panel_ctx *c);
/* How many there are. */
int panel_nparams(const struct panel_ctx *c);
/* Min and max of the finite values among v[0..n); 0 if there are none. */
int panel_extent(const double *v, int n, double *lo, double *hi);
/* Widen [lo, hi] by frac on each side (and make an empty range usable). */
void panel_pad_range(double *lo, double *hi, double frac);
/* The expanded template, or fallback when the template is NULL. */
void panel_expand(const struct panel_ctx *c, const char *tmpl, const char *fallback, char *buf,
                size_t n);
/* Draws the expanded title template centred at the top of the cell (if it
 * expands to anything) and returns the y where the panel's content starts. */
double panel_title(const struct panel_ctx *c, cairo_t *cr, const char *tmpl);
/* The data row a record shows, for panels that draw a row per step (a
 * chart race): in a scene of beats over rows, the beat's row (beats:
 * first_row + k); otherwise the record's step. May be past the data:
 * callers clamp. */
int panel_row(const struct panel_ctx *c, int rec);
/* A red "diverged at step k" tag in the plot area's top left corner. */
void panel_diverged_tag(cairo_t *cr, const struct panel_ctx *c, const struct viewport *v);

/* Where a legend goes in the plot area: the `legend` option's choices, by
 * enum value. */
enum panel_legend_place {
    PANEL_LEGEND_UPPER_LEFT, PANEL_LEGEND_UPPER_RIGHT, PANEL_LEGEND_LOWER_LEFT,
    PANEL_LEGEND_LOWER_RIGHT, PANEL_LEGEND_NONE,
};
extern const char *const panel_legend_places[];    /* NULL-terminated */
struct panel_legend_item {
    const char *label;
    uint32_t color;
    int dash;                   /* enum draw_dash */
};
/* A boxed legend in a corner of the plot area: a line sample in each
 * item's colour and pattern, then its label, one item a line. */
#define PANEL_LEGEND_MAX 16     /* items a legend shows */
void panel_legend(cairo_t *cr, const struct theme *th, const struct viewport *v, int place,
                  const struct panel_legend_item *items, int n, double line_width);

#endif
