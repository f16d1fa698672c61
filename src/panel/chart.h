/* chart: what the data-driven chart panels share (series: the line race,
 * bar-race, pie). They draw columns of the data named in the script, one
 * data row per step, with a colour per series that stays with the series
 * whatever its rank. Here: finding and checking the named columns (typos
 * are located errors with a suggestion), the colour of a series, the
 * palettes, and the pure layout functions of the bar race and the pie, so
 * that tests can check where bars and labels go (labels never overlap)
 * without reading pixels. Internal to src/panel/. */
#ifndef PANEL_CHART_H
#define PANEL_CHART_H

#include "common.h"

#define CHART_MAX 32            /* series a chart draws */

/* The column called name, or -1. */
int chart_column(const struct dataset *d, const char *name);
/* The columns of series (names that are not columns left out), or, when
 * none are named, every column but skip (-1: none skipped). Returns how
 * many went into cols[0..CHART_MAX): 0 when there is no data to draw (d
 * NULL, no rows or no columns). */
int chart_columns(const struct param_strings *series, const struct dataset *d, int skip,
                  int *cols);
/* The values of the n columns cols of data row i (clamped to the rows)
 * into v. */
void chart_row_values(const struct dataset *d, int i, const int *cols, int n, double *v);

/* Validation shared by the kinds: the data has named columns; x (may be
 * NULL) and every name in series are columns; the number of series is 1 to
 * CHART_MAX (given, or the data's columns less `defaults_less`); colors,
 * when given, are one per series and each a colour. Reports located errors
 * naming panel `kind`; returns how many. *nseries gets the count (0 when
 * unknown). */
int chart_check(const char *kind, const struct snode *node, const struct dataset *d,
                const char *x, const struct param_strings *series,
                const struct param_strings *colors, int defaults_less, int *nseries);
/* A list option given with a count other than the series': one error. */
int chart_count_error(const char *kind, const struct snode *node, const char *key, int got,
                      int want);

/* Colour of series k: colors' item k when given, else palette[k % n]. */
uint32_t chart_color(const struct param_strings *colors, int k, const uint32_t *palette, int n);
extern const uint32_t chart_dark2[8];     /* ColorBrewer Dark2, matplotlib's order */
extern const uint32_t chart_tab10[10];    /* matplotlib's default cycle */

/* A label's box, in pixels. */
struct chart_rect {
    double x, y, w, h;
};
int chart_rects_overlap(const struct chart_rect *a, const struct chart_rect *b);

/* ---- the bar race's layout ----------------------------------------------- */

/* One bar on its way from its rank at the step before (from) to its rank
 * now (to), at eased fraction e; rank 0 is the top (the largest). */
struct bar_place {
    double center;              /* y of the bar's middle, in slots from the top (0.5: first) */
    double value;               /* the length drawn (interpolated) */
    double shown;               /* the value printed: the row's, never interpolated */
    int rank;                   /* rank now */
    int order;                  /* drawing order: 0 first, under the others */
};
/* Ranks of values (0: the largest; ties keep the series' order). */
/* A bar's printed value: prefix, the value with `decimals` decimals, suffix;
 * past 1e15 in %.4g (a wall of digits otherwise), "n/a" when not finite. */
void bar_race_value_text(char *buf, size_t n, const char *prefix, int decimals, double v,
                         const char *suffix);

void chart_ranks(const double *values, int n, int *rank);
/* Places n bars for values a (the step before) and b (now) at eased
 * fraction e in [0, 1]. A non-finite value counts as 0 (drawn empty). */
void bar_race_place(const double *a, const double *b, int n, double e, struct bar_place *out);
/* Moves labels (centres y[0..n), in pixels) apart so that no two are
 * closer than gap, each group of crowded labels centred where its labels
 * want to be and kept inside [lo, hi] when it fits; ties go by order
 * (the later drawn above). y is updated. */
void chart_spread_labels(double *y, const int *order, int n, double gap, double lo, double hi);
/* ---- the pie's layout ---------------------------------------------------- */

struct pie_slice {
    int series;                 /* which series (index into the panel's series) */
    double share;               /* of the total, 0..1 */
    double a0, a1;              /* angles, radians, counter-clockwise from east */
    double explode;             /* offset of the slice along its middle, in radii */
};
/* Slices of values in ascending (order 0), descending (1) or the series'
 * order (2), from start (radians) counter-clockwise, exploded by
 * explode[rank in that order] radii (explode may be NULL). Non-finite and
 * negative values count as 0. Returns the number of slices (those with a
 * share > 0), or 0 if the total is not positive. */
int pie_slices(const double *values, int n, int order, double start, const double *explode,
               struct pie_slice *out);
/* The point at angle a and distance r (in pixels) from (cx, cy), y down. */
void pie_point(double cx, double cy, double a, double r, double *x, double *y);
/* Label boxes: a box of size w x h for slice k, anchored at distance
 * r0 (radii) along the slice's middle, pushed outwards in steps of 0.08
 * radii until it overlaps none of the boxes placed before (placed[0..np))
 * and, inside the pie (distance < 1), lies wholly in its slice, or,
 * outside, clear of the pie; outside it is aligned away from the pie,
 * inside centred. Gives the distance used (radii). */
double pie_place_label(const struct pie_slice *s, double cx, double cy, double radius, double r0,
                       double w, double h, const struct chart_rect *placed, int np,
                       struct chart_rect *out);

#endif
