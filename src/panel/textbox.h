/* textbox: boxed lines of text placed in a plot, and the arrow from a box
 * to the point it annotates (matplotlib's annotate with a bbox), shared by
 * the panels that label a point: curve-point and descent. Internal to
 * src/panel/. */
#ifndef PANEL_TEXTBOX_H
#define PANEL_TEXTBOX_H

#include "common.h"

#define TEXTBOX_MAX_LINES 8

struct textbox_rect {
    double x, y, w, h;
};

/* Text split at its newlines (into its own copy) and measured for the
 * font selected on cr when textbox_layout ran. */
struct textbox {
    char buf[4096];
    char *line[TEXTBOX_MAX_LINES];
    int n;
    double lh, pad;             /* the font's line height, the padding */
    struct textbox_rect r;      /* size in w, h; x, y once placed */
};

/* Splits and measures text with the current font: pad around it, extra
 * width left free before the text (a legend's line sample). */
void textbox_layout(cairo_t *cr, struct textbox *b, const char *text, double pad, double extra);
/* Places b with its lower left corner at `at` (fractions of the plot area,
 * 0, 0 its lower left), kept inside the area; if that covers the circle
 * (px, py, clear), mirrored left-right, then top-bottom, then both, and
 * as a last resort right above or below it. */
void textbox_place(struct textbox *b, const struct viewport *v, const double at[2], double px,
                   double py, double clear);
/* Whether the placed box keeps clear of the circle (cx, cy, r). */
int textbox_clear_of(const struct textbox_rect *b, double cx, double cy, double r);
/* The box (corner radius, fill, edge colour and width) and its lines,
 * text_x pixels in from its left edge. */
void textbox_draw(cairo_t *cr, const struct theme *th, const struct textbox *b, double text_x,
                  double radius, uint32_t fill, uint32_t edge, double edge_width);
/* An arrow from where the ray from the box's centre towards (px, py)
 * leaves the box, stopping `stop` pixels short of the point. */
void textbox_arrow(cairo_t *cr, const struct textbox_rect *b, double px, double py, double stop,
                   double width, uint32_t color);

#endif
