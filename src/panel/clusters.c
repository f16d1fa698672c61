/* panel clusters: k-means in the plane. The data points coloured by the
 * cluster they belong to, the centroids as large markers with the trails of
 * where they have been, the cells of the plane nearest to each centroid as a
 * light tint, and a line saying which step of the algorithm this is.
 *
 * Assignments are not in the trace; they follow from the recorded centroids
 * and the phase, the way the kmeans trainer made them: at an assign step
 * each point belongs to the centroid nearest to it; at an update step the
 * centroids have just moved, but the points still belong where the assign
 * step before put them (the nearest of the previous record's centroids); at
 * the start nothing is assigned yet. centroids_nearest is the very function
 * the trainer uses, so the colours are the trainer's own assignment. */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "common.h"

struct clusters_opts {
    const char *title, *x_label, *y_label;
    const char *start_text, *assign_text, *update_text, *done_text;
    struct param_numbers x_range, y_range;
    int equal, regions, trails, grid;
    double point_size, centroid_size;
};

static const struct param_spec clusters_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct clusters_opts, title),
     .def = "iteration {iteration}: inertia = {loss:.1f}", .doc = "title template"},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct clusters_opts, x_label),
     .def = "x", .doc = "x axis label"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct clusters_opts, y_label),
     .def = "y", .doc = "y axis label"},
    {.name = "start_text", .type = PARAM_STRING, .offset = offsetof(struct clusters_opts, start_text),
     .def = "start: {k} centroids, no point assigned yet",
     .doc = "status line at the start (a template)"},
    {.name = "assign_text", .type = PARAM_STRING, .offset = offsetof(struct clusters_opts, assign_text),
     .def = "assign: each point joins its nearest centroid ({changed} changed)",
     .doc = "status line after an assign step"},
    {.name = "update_text", .type = PARAM_STRING, .offset = offsetof(struct clusters_opts, update_text),
     .def = "update: each centroid moves to the mean of its points",
     .doc = "status line after an update step"},
    {.name = "done_text", .type = PARAM_STRING, .offset = offsetof(struct clusters_opts, done_text),
     .def = "converged: no point changed cluster",
     .doc = "status line at the end of a run that converged"},
    {.name = "x_range", .type = PARAM_NUMBERS, .offset = offsetof(struct clusters_opts, x_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the x axis (default: the data and centroids, padded)"},
    {.name = "y_range", .type = PARAM_NUMBERS, .offset = offsetof(struct clusters_opts, y_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of the y axis (default: the data and centroids, padded)"},
    {.name = "equal", .type = PARAM_BOOL, .offset = offsetof(struct clusters_opts, equal),
     .def = "true", .doc = "same scale on both axes, so distances look like distances"},
    {.name = "regions", .type = PARAM_BOOL, .offset = offsetof(struct clusters_opts, regions),
     .def = "true", .doc = "tint the part of the plane nearest to each centroid"},
    {.name = "trails", .type = PARAM_BOOL, .offset = offsetof(struct clusters_opts, trails),
     .def = "true", .doc = "draw where each centroid has been"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct clusters_opts, grid),
     .def = "false", .doc = "light grid lines at the ticks"},
    {.name = "point_size", .type = PARAM_DOUBLE, .offset = offsetof(struct clusters_opts, point_size),
     .def = "3.5", .ranged = 1, .lo = 0.5, .hi = 50, .doc = "radius of the data points in pixels"},
    {.name = "centroid_size", .type = PARAM_DOUBLE,
     .offset = offsetof(struct clusters_opts, centroid_size), .def = "9", .ranged = 1, .lo = 2,
     .hi = 60, .doc = "radius of the centroid markers in pixels"},
    {0},
};

static const char *const clusters_templates[] = {"title", "start_text", "assign_text",
                                                 "update_text", "done_text", NULL};

/* Eight clearly different hues (matplotlib's tab10 without grey and olive,
 * which read as "unassigned" and "muddy"), one per centroid. */
static const uint32_t cluster_colors[CENTROIDS_MAX] = {
    0xFF1F77B4, 0xFFFF7F0E, 0xFF2CA02C, 0xFFD62728,
    0xFF9467BD, 0xFF8C564B, 0xFFE377C2, 0xFF17BECF,
};

enum { PHASE_START, PHASE_ASSIGN, PHASE_UPDATE };

static uint32_t mix(uint32_t c, uint32_t to, double f)
{
    uint32_t out = 0xFF000000u;
    for (int sh = 0; sh <= 16; sh += 8) {
        double a = (c >> sh) & 0xFF, b = (to >> sh) & 0xFF;
        out |= (uint32_t)lround(a + (b - a) * f) << sh;
    }
    return out;
}

/* The centroids of record rec (x, y pairs) and how many there are. */
static int centroids_at(const struct trace *t, int rec, double *theta)
{
    double kv = trace_value(t, rec, "k");
    if (!(kv >= 1 && kv <= CENTROIDS_MAX))
        return 0;       /* also NaN: not a k-means trace */
    int k = (int)kv;
    int c1 = trace_channel(t, "c1x");
    for (int i = 0; i < 2 * k; i++)
        theta[i] = trace_get(t, rec, c1 + i);
    return k;
}

/* The ranges: given, or everything the run ever shows (all records, so the
 * axes stay still), then widened on one axis to make the scales equal. */
static void ranges(const struct clusters_opts *opt, const struct panel_ctx *c, struct viewport *v)
{
    const struct dataset *d = c->data;
    const struct trace *t = c->trace;
    double xlo = 0, xhi = 1, ylo = 0, yhi = 1;
    int found = 0;
    for (int i = 0; i < d->n; i++) {
        double px, py;
        dataset_point(d, i, &px, &py);
        if (!isfinite(px) || !isfinite(py))
            continue;
        if (!found || px < xlo) xlo = px;
        if (!found || px > xhi) xhi = px;
        if (!found || py < ylo) ylo = py;
        if (!found || py > yhi) yhi = py;
        found = 1;
    }
    double th[2 * CENTROIDS_MAX];
    for (int r = 0; r < t->nrec; r++) {
        int k = centroids_at(t, r, th);
        for (int j = 0; j < k; j++) {
            if (isfinite(th[2 * j])) { xlo = fmin(xlo, th[2 * j]); xhi = fmax(xhi, th[2 * j]); }
            if (isfinite(th[2 * j + 1])) { ylo = fmin(ylo, th[2 * j + 1]); yhi = fmax(yhi, th[2 * j + 1]); }
        }
    }
    panel_pad_range(&xlo, &xhi, 0.06);
    panel_pad_range(&ylo, &yhi, 0.06);
    v->x0 = opt->x_range.n == 2 ? opt->x_range.v[0] : xlo;
    v->x1 = opt->x_range.n == 2 ? opt->x_range.v[1] : xhi;
    v->y0 = opt->y_range.n == 2 ? opt->y_range.v[0] : ylo;
    v->y1 = opt->y_range.n == 2 ? opt->y_range.v[1] : yhi;
}

/* Whether every point and every centroid ever recorded lies on one
 * horizontal line (numbers on a line, k-means in 1-D): then the y axis
 * measures nothing and has no scale. */
static int flat_view(const struct panel_ctx *c)
{
    const struct dataset *d = c->data;
    const struct trace *t = c->trace;
    double y0 = NAN;
    for (int i = 0; i < d->n; i++) {
        double px, py;
        dataset_point(d, i, &px, &py);
        if (!isfinite(py))
            continue;
        if (isnan(y0))
            y0 = py;
        else if (py != y0)
            return 0;
    }
    double th[2 * CENTROIDS_MAX];
    for (int r = 0; r < t->nrec; r++) {
        int k = centroids_at(t, r, th);
        for (int j = 0; j < k; j++)
            if (isfinite(th[2 * j + 1]) && th[2 * j + 1] != y0)
                return 0;
    }
    return !isnan(y0);
}

/* Widens one range (about its middle) so a data unit is as long on screen
 * on both axes. */
static void equalize(struct viewport *v)
{
    double ux = (v->x1 - v->x0) / v->pw, uy = (v->y1 - v->y0) / v->ph;
    if (!(ux > 0) || !(uy > 0))
        return;
    if (ux > uy) {
        double m = (v->y0 + v->y1) / 2, half = ux * v->ph / 2;
        v->y0 = m - half;
        v->y1 = m + half;
    } else {
        double m = (v->x0 + v->x1) / 2, half = uy * v->pw / 2;
        v->x0 = m - half;
        v->x1 = m + half;
    }
}

/* The nearest-centroid cells, a pale tint per cluster, at device resolution. */
static void paint_regions(cairo_t *cr, const struct viewport *v, const double *theta, int k,
                          uint32_t background)
{
    cairo_surface_t *img = draw_viewport_surface(cr, v);
    if (!img)
        return;
    int W = cairo_image_surface_get_width(img), H = cairo_image_surface_get_height(img);
    uint32_t tint[CENTROIDS_MAX];
    for (int j = 0; j < k; j++)
        tint[j] = mix(cluster_colors[j], background, 0.86);
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int py = 0; py < H; py++) {
        uint32_t *row = (uint32_t *)(data + (size_t)py * (size_t)stride);
        double y = v->y1 - (py + 0.5) / H * (v->y1 - v->y0);
        for (int px = 0; px < W; px++) {
            double x = v->x0 + (px + 0.5) / W * (v->x1 - v->x0);
            row[px] = tint[centroids_nearest(theta, k, x, y, NULL)];
        }
    }
    draw_viewport_image(cr, v, img);
    cairo_surface_destroy(img);
}

/* Each centroid's positions up to rec: a line through them with a dot at
 * every place it stopped. Positions change only at update steps. */
static void draw_trails(cairo_t *cr, const struct viewport *v, const struct trace *t, int rec, int k)
{
    int n = rec + 1, c1 = trace_channel(t, "c1x");
    double *xs = malloc(sizeof(double) * 2 * (size_t)n);
    if (!xs)
        return;
    double *ys = xs + n;
    for (int j = 0; j < k; j++) {
        int m = 0;
        for (int r = 0; r < n; r++) {
            double x = trace_get(t, r, c1 + 2 * j), y = trace_get(t, r, c1 + 2 * j + 1);
            if (m && x == xs[m - 1] && y == ys[m - 1])
                continue;
            xs[m] = x;
            ys[m] = y;
            m++;
        }
        uint32_t col = mix(cluster_colors[j], 0xFF000000, 0.25);
        draw_polyline(cr, v, xs, ys, m, 2, col, 0);
        for (int i = 0; i + 1 < m; i++)
            draw_scatter(cr, v, &xs[i], &ys[i], 1, 3, col, 0);
    }
    free(xs);
}

static void draw_centroid(cairo_t *cr, double x, double y, double r, uint32_t color, uint32_t ink)
{
    /* A big disc with a white ring and a dark rim: it stands out from the
     * points of its own colour and from the tint around it. */
    draw_circle(cr, x, y, r + 1.5, ink, 0, 0);
    draw_circle(cr, x, y, r, 0xFFFFFFFF, 0, 0);
    draw_circle(cr, x, y, r - 2.5, color, 0, 0);
}

/* The status line: a box centred under the plot, in the band the axes left
 * free at the bottom of the cell, so it never hides a point. Long text is
 * set smaller (down to 80 %) and then cut at the cell's edge. */
static double status_height(const struct theme *th)
{
    return th->font_size + 12 + 8;
}

static void draw_status(cairo_t *cr, const struct panel_ctx *c, const struct viewport *v,
                        const char *text)
{
    const struct theme *th = c->th;
    if (!text[0])
        return;
    double fs = th->font_size, maxw = c->w - 20;
    draw_font(cr, 0, fs);
    double tw = draw_text_width(cr, text);
    if (tw + 14 > maxw) {
        fs = fmax(fs * 0.8, fs * (maxw - 14) / tw);
        draw_font(cr, 0, fs);
        tw = fmin(draw_text_width(cr, text), maxw - 14);
    }
    double bh = th->font_size + 12, bw = tw + 14;
    double bx = v->px + v->pw / 2 - bw / 2;
    bx = fmax(c->x + 10, fmin(bx, c->x + c->w - 10 - bw));
    double by = c->y + c->h - bh - 2;
    draw_box(cr, bx, by, bw, bh, 4, th->panel, th->axis, 1);
    draw_set_color(cr, th->text);
    cairo_save(cr);
    cairo_rectangle(cr, bx, by, bw, bh);
    cairo_clip(cr);
    draw_text(cr, bx + 7, by + bh / 2, 0, 0.5, text);
    cairo_restore(cr);
}

static void clusters_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct clusters_opts *opt = o;
    const struct trace *t = c->trace;
    const struct theme *th = c->th;
    const struct dataset *d = c->data;
    double theta[2 * CENTROIDS_MAX], owner[2 * CENTROIDS_MAX];
    int k = centroids_at(t, c->rec, theta);
    double ph = trace_value(t, c->rec, "phase");
    int phase = isfinite(ph) ? (int)ph : PHASE_START;

    struct viewport v = {0};
    ranges(opt, c, &v);
    char title[256];
    /* Without centroids the default title's values do not exist. */
    /* Validation guarantees a centroid model trained by kmeans. */
    assert(k > 0);
    panel_expand(c, opt->title, NULL, title, sizeof(title));
    int flat = flat_view(c);
    struct axes_style st = {title[0] ? title : NULL, opt->x_label, flat ? NULL : opt->y_label,
                            opt->grid};
    int flags = flat ? DRAW_AXES_NO_YSCALE : 0;
    double axes_h = c->h - status_height(th);
    if (opt->equal) {
        /* The plot area depends on the tick labels, which depend on the
         * ranges: lay out once without drawing, equalise, then draw. */
        cairo_push_group(cr);
        draw_axes_flags(cr, th, c->x, c->y, c->w, axes_h, &v, &st, flags);
        cairo_pattern_destroy(cairo_pop_group(cr));
        equalize(&v);
    }
    draw_axes_flags(cr, th, c->x, c->y, c->w, axes_h, &v, &st, flags);

    /* Whose points are whose: see the file comment. */
    int assigned = phase != PHASE_START && c->rec > 0;
    if (phase == PHASE_UPDATE)
        centroids_at(t, c->rec - 1, owner);
    else
        for (int i = 0; i < 2 * k; i++)
            owner[i] = theta[i];
    if (opt->regions && assigned)
        paint_regions(cr, &v, theta, k, c->background);

    /* Points one cluster at a time, so each is one cairo path per colour. */
    double *px = malloc(sizeof(double) * 2 * (size_t)(d->n > 0 ? d->n : 1));
    if (px) {
        double *py = px + d->n;
        for (int j = 0; j < (assigned ? k : 1); j++) {
            int m = 0;
            for (int i = 0; i < d->n; i++) {
                double x, y;
                dataset_point(d, i, &x, &y);
                if (!assigned || centroids_nearest(owner, k, x, y, NULL) == j) {
                    px[m] = x;
                    py[m] = y;
                    m++;
                }
            }
            uint32_t fill = assigned ? cluster_colors[j] : th->series[5];
            draw_scatter(cr, &v, px, py, m, opt->point_size, fill, mix(fill, 0xFF000000, 0.3));
        }
        free(px);
    }
    /* Trails over the points: where the centroids went is the story. */
    if (opt->trails)
        draw_trails(cr, &v, t, c->rec, k);

    cairo_save(cr);
    vp_clip(cr, &v);
    for (int j = 0; j < k; j++) {
        if (!isfinite(theta[2 * j]) || !isfinite(theta[2 * j + 1]))
            continue;
        draw_centroid(cr, vp_x(&v, theta[2 * j]), vp_y(&v, theta[2 * j + 1]), opt->centroid_size,
                      cluster_colors[j], th->text);
    }
    cairo_restore(cr);

    const char *tmpl = phase == PHASE_START ? opt->start_text
                       : phase == PHASE_UPDATE ? opt->update_text : opt->assign_text;
    /* An assign step that changed nothing is where the trainer stopped. */
    if (phase == PHASE_ASSIGN && trace_value(t, c->rec, "changed") == 0)
        tmpl = opt->done_text;
    char text[4096];
    panel_expand(c, tmpl, NULL, text, sizeof(text));
    draw_status(cr, c, &v, text);
}

const struct panel_kind panel_clusters = {
    .head = {.name = "clusters",
             .summary = "k-means: points coloured by cluster, centroids with trails, the step's phase",
             .params = clusters_params, .opts_size = sizeof(struct clusters_opts),
             .requires = (const char *const[]){"points", "centroids", "kmeans-steps", NULL}},
    .templates = clusters_templates,
    .draw = clusters_draw,
    .draws_rows = 1,
};
