/* draw: the cairo primitives every panel is built from.
 *
 * Themes (colours, sizes), explicit fonts, the data->pixel transform of a
 * plot area, "nice" tick values, axes, and marks (scatter, polylines, arrows,
 * boxes, text). Everything here is deterministic: fonts are loaded from
 * explicit files with fixed font options (no hinting, grey anti-aliasing),
 * never from whatever the system's font configuration prefers.
 *
 * Colours are 0xAARRGGBB. Sizes are in pixels. */
#ifndef DRAW_H
#define DRAW_H

#include <stdint.h>
#include <stddef.h>
#include <cairo.h>

struct theme {
    const char *name;
    uint32_t background;
    uint32_t text;          /* titles, labels */
    uint32_t muted;         /* tick labels, secondary text */
    uint32_t axis;          /* axis lines and ticks */
    uint32_t grid;          /* grid lines */
    uint32_t panel;         /* boxes, table header fill */
    uint32_t series[6];     /* data colours: blue, red, green, orange, purple, grey */
    double font_size;       /* body text, tick labels */
    double title_size;
    double line_width;
};

/* NULL if there is no theme of that name. */
const struct theme *theme_find(const char *name);
extern const char *const theme_names[];   /* NULL-terminated: "light", "dark" */

/* Fonts: DejaVu Sans regular and bold, from the file named by the environment
 * variable MLANIM_FONT_DIR or else /usr/share/fonts/truetype/dejavu. Loaded
 * once (thread-safe); -1 after reporting if the files are missing. */
int draw_fonts_init(void);
void draw_fonts_release(void);
/* Select a font on cr: bold 0/1, size in pixels. */
void draw_font(cairo_t *cr, int bold, double size);

/* The font faces by file: the two above, DejaVu Sans Oblique and Bold
 * Oblique (pango's italics, text.h), and the math
 * font TeX Gyre DejaVu Math (formulas). A face other than the first two is
 * loaded on first use; NULL after reporting (once) if its file is missing.
 * draw_face_path finds a face's file: MLANIM_FONT_DIR, then the directory
 * its Debian package installs to (0, or -1 after reporting). */
enum { DRAW_FACE_SANS, DRAW_FACE_BOLD, DRAW_FACE_OBLIQUE, DRAW_FACE_BOLD_OBLIQUE, DRAW_FACE_MATH,
       DRAW_NFACES };
cairo_font_face_t *draw_face(int id);
int draw_face_path(int id, char *buf, size_t n);
/* The fixed font options every text draw uses (grey anti-aliasing, no
 * hinting), and the pin that keeps the current scaled font alive until
 * draw_fonts_release (see draw.c). */
void draw_font_options(cairo_t *cr);
void draw_pin_font(cairo_t *cr);

void draw_set_color(cairo_t *cr, uint32_t argb);

/* Text anchored at (x, y): ax, ay are fractions of the text's box, 0 = left /
 * top, 0.5 = centre, 1 = right / bottom (ay uses the font's ascent and
 * descent, so lines of different text align). UTF-8. Returns the width. */
double draw_text(cairo_t *cr, double x, double y, double ax, double ay, const char *s);
double draw_text_width(cairo_t *cr, const char *s);
/* How much further than a plain line of the font (its ascent + descent)
 * text reaches above and below, where a formula in it is taller: 0 and 0
 * for plain text. A box around the text grows by that. */
void draw_text_reach(cairo_t *cr, const char *s, double *up, double *down);

/* A plot area: a pixel rectangle and the data ranges it shows. */
struct viewport {
    double px, py, pw, ph;      /* pixel rectangle, (px, py) top left */
    double x0, x1, y0, y1;      /* data range shown; y grows upwards */
    int xlog, ylog;             /* log10 axes (ranges must be > 0) */
};

double vp_x(const struct viewport *v, double x);       /* data -> pixel */
double vp_y(const struct viewport *v, double y);
double vp_data_x(const struct viewport *v, double px); /* pixel -> data */
double vp_data_y(const struct viewport *v, double py);
void vp_clip(cairo_t *cr, const struct viewport *v);   /* clip to the area */

/* Up to cap tick values inside [lo, hi] spaced by 1, 2 or 5 times a power of
 * ten, aiming at about target ticks. *step gets the spacing. Returns count. */
int ticks_nice(double lo, double hi, int target, double *out, int cap, double *step);
/* Ticks for a log axis: the powers of ten inside [lo, hi]; when there are
 * fewer than three, also 2x and 5x. Returns count. */
int ticks_log(double lo, double hi, double *out, int cap);
/* A tick label: as many decimals as step needs, "-0" printed as "0", and
 * powers of ten on log axes as 1, 10, 100, 1000, then 1e4 ... */
void ticks_format(double v, double step, int logaxis, char *buf, size_t n);

/* Axes for a plot inside the pixel rectangle (x, y, w, h): reserves margins
 * for the title, tick labels and axis labels (any may be NULL), sets
 * v->px..ph to the remaining plot area (v's data ranges and log flags must be
 * set by the caller), then draws the frame, grid, ticks, labels and title. */
struct axes_style {
    const char *title;
    const char *xlabel;
    const char *ylabel;
    int grid;                   /* light grid lines at the ticks */
};
void draw_axes(cairo_t *cr, const struct theme *th, double x, double y, double w, double h,
               struct viewport *v, const struct axes_style *st);
/* The same with flags: DRAW_AXES_NO_YSCALE leaves out the y ticks, their
 * labels and grid lines (a view along one line, where y measures nothing). */
enum { DRAW_AXES_NO_YSCALE = 1 };
void draw_axes_flags(cairo_t *cr, const struct theme *th, double x, double y, double w, double h,
                     struct viewport *v, const struct axes_style *st, int flags);

/* Line patterns, for the `dashed` argument of draw_polyline and draw_line:
 * 0 and 1 are the solid and dashed of the flag it started as; dotted is
 * round dots a width across, dash-dot alternates the two (matplotlib's
 * '-', '--', ':' and '-.'). */
enum draw_dash { DRAW_SOLID, DRAW_DASHED, DRAW_DOTTED, DRAW_DASHDOT };
extern const char *const draw_dash_names[];   /* by enum value, NULL-terminated:
                                                 "solid", "dashed", "dotted", "dashdot" */

/* Marks in data coordinates. Points outside the area are clipped; NaN or
 * infinite values break a polyline rather than crash. */
void draw_scatter(cairo_t *cr, const struct viewport *v, const double *xs, const double *ys,
                  int n, double radius, uint32_t fill, uint32_t edge);
void draw_polyline(cairo_t *cr, const struct viewport *v, const double *xs, const double *ys,
                   int n, double width, uint32_t color, int dashed);
/* A function y = f(x) sampled at n points across the viewport's x range. */
void draw_function(cairo_t *cr, const struct viewport *v, double (*f)(double x, const void *ctx),
                   const void *ctx, int n, double width, uint32_t color);

/* Colour maps for heat maps and colour bars: t in [0, 1] (clamped) to an
 * opaque colour. viridis and magma are perceptually uniform (equal steps of t
 * look like equal steps of colour, and they stay readable in grey); jet is
 * the classic rainbow the source lessons use; gray runs black to white. */
enum draw_colormap { DRAW_CMAP_VIRIDIS, DRAW_CMAP_MAGMA, DRAW_CMAP_JET, DRAW_CMAP_GRAY };
extern const char *const draw_colormap_names[];     /* by enum value, NULL-terminated */
/* NaN gives transparent (0). */
uint32_t draw_colormap(int map, double t);
/* The colour a fraction u of the way from a to b, every channel (alpha
 * too) rounded to the nearest step. */
uint32_t draw_mix(uint32_t a, uint32_t b, double u);

/* An image surface with one pixel per device pixel of the plot area (so
 * --scale keeps heat maps sharp), for the caller to fill and hand to
 * draw_viewport_image; NULL if the area is empty or absurdly large.
 * draw_viewport_pixels gives that surface's size without making it (-1
 * where draw_viewport_surface would answer NULL for the size), so a
 * caller can look a computed image up by its size first. */
cairo_surface_t *draw_viewport_surface(cairo_t *cr, const struct viewport *v);
int draw_viewport_pixels(cairo_t *cr, const struct viewport *v, int *w, int *h);

/* Paints img (whose pixels were just written: it is marked dirty here) over
 * the plot area, stretched to fill it, without smoothing, so a heat map
 * computed at the area's device resolution lands pixel for pixel. */
void draw_viewport_image(cairo_t *cr, const struct viewport *v, cairo_surface_t *img);

/* Marks in pixels. */
void draw_line(cairo_t *cr, double x0, double y0, double x1, double y1, double width,
               uint32_t color, int dashed);
void draw_arrow(cairo_t *cr, double x0, double y0, double x1, double y1, double width,
                double head, uint32_t color);
void draw_box(cairo_t *cr, double x, double y, double w, double h, double radius,
              uint32_t fill, uint32_t stroke, double stroke_width);
void draw_circle(cairo_t *cr, double cx, double cy, double r, uint32_t fill, uint32_t stroke,
                 double stroke_width);

#endif
