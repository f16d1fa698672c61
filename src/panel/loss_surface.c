/* panel loss-surface: the mean squared error of a line over the (w, b)
 * plane as a heat map, with gradient descent as a ball rolling downhill and
 * the trail it left: the picture behind "gradient descent walks down the
 * loss surface".
 *
 * The MSE of y = w x + b is a quadratic form in (w, b) with five moments of
 * the data as coefficients (line_moments in model.h), so each pixel costs a
 * few multiplications whatever the size of the dataset, and the heat map is
 * computed afresh for every frame at the plot's device resolution. The same
 * form gives the contour lines exactly (ellipses around the least-squares
 * fit) and the colour range (the least and greatest MSE inside the window).
 * The bowl of a line fit is steep along one direction and flat along the
 * other, so the colour follows log(MSE) by default: a linear scale would
 * paint everything but a thin valley in the top colour. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "common.h"

struct loss_surface_opts {
    const char *title, *x_label, *y_label, *colorbar_label;
    struct param_numbers w_range, b_range;
    int colormap, log, contours, colorbar, minimum;
    uint32_t contour_color, ball_color, trail_color;
    double ball_size;
};

static const struct param_spec loss_surface_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct loss_surface_opts, title),
     .def = "step {step}: w={w:.2f} b={b:.2f} MSE={loss:.2f}", .doc = "title template"},
    {.name = "x_label", .type = PARAM_STRING, .offset = offsetof(struct loss_surface_opts, x_label),
     .def = "w (slope)", .doc = "horizontal axis label"},
    {.name = "y_label", .type = PARAM_STRING, .offset = offsetof(struct loss_surface_opts, y_label),
     .def = "b (intercept)", .doc = "vertical axis label"},
    {.name = "w_range", .type = PARAM_NUMBERS, .offset = offsetof(struct loss_surface_opts, w_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of w shown (default: the whole path and the minimum)"},
    {.name = "b_range", .type = PARAM_NUMBERS, .offset = offsetof(struct loss_surface_opts, b_range),
     .count = 2, .interval = 1, .doc = "[lo, hi] of b shown (default: the whole path and the minimum)"},
    {.name = "colormap", .type = PARAM_ENUM, .offset = offsetof(struct loss_surface_opts, colormap),
     .def = "viridis", .choices = draw_colormap_names, .doc = "colours from low to high loss"},
    {.name = "log", .type = PARAM_BOOL, .offset = offsetof(struct loss_surface_opts, log),
     .def = "true", .doc = "colour by log(MSE): shows the floor of a steep bowl"},
    {.name = "contours", .type = PARAM_INT, .offset = offsetof(struct loss_surface_opts, contours),
     .def = "8", .ranged = 1, .lo = 0, .hi = 50,
     .doc = "contour lines at evenly spaced colours (0: none)"},
    {.name = "contour_color", .type = PARAM_COLOR,
     .offset = offsetof(struct loss_surface_opts, contour_color), .def = "#ffffff59",
     .doc = "colour of the contour lines (#rrggbbaa for transparency)"},
    {.name = "colorbar", .type = PARAM_BOOL, .offset = offsetof(struct loss_surface_opts, colorbar),
     .def = "true", .doc = "a colour bar with the MSE values on the right"},
    {.name = "colorbar_label", .type = PARAM_STRING,
     .offset = offsetof(struct loss_surface_opts, colorbar_label),
     .doc = "label over the colour bar (default: the model's loss name, MSE)"},
    {.name = "minimum", .type = PARAM_BOOL, .offset = offsetof(struct loss_surface_opts, minimum),
     .def = "true", .doc = "mark the least-squares fit, where the bowl bottoms out"},
    {.name = "ball_color", .type = PARAM_COLOR, .offset = offsetof(struct loss_surface_opts, ball_color),
     .def = "#ff5533", .doc = "colour of the ball (the current w, b)"},
    {.name = "trail_color", .type = PARAM_COLOR, .offset = offsetof(struct loss_surface_opts, trail_color),
     .def = "#ffffff", .doc = "colour of the path taken so far"},
    {.name = "ball_size", .type = PARAM_DOUBLE, .offset = offsetof(struct loss_surface_opts, ball_size),
     .def = "7", .ranged = 1, .lo = 2, .hi = 40, .doc = "radius of the ball in pixels"},
    {0},
};

static const char *const loss_surface_templates[] = {"title", NULL};

/* The colour scale: MSE -> [0, 1]. On a log scale values below floor share
 * the lowest colour, so a perfect fit (MSE 0) does not stretch the scale
 * over endless decades. */
struct cscale {
    int log;
    double lo, hi;              /* linear: the range; log: floor .. hi */
};

static double cscale_t(const struct cscale *s, double v)
{
    if (s->log)
        return log(fmax(v, s->lo) / s->lo) / log(s->hi / s->lo);
    return (v - s->lo) / (s->hi - s->lo);
}

static double cscale_value(const struct cscale *s, double t)
{
    return s->log ? s->lo * pow(s->hi / s->lo, t) : s->lo + t * (s->hi - s->lo);
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Least and greatest MSE over the window. A convex function peaks at a
 * corner; its least value is the free minimum if that lies inside, else on
 * an edge, where it is a parabola in one variable: the coefficient of b^2 is
 * 1 and of w^2 is mean(x^2). */
static void mse_extent(const struct line_moments *m, const struct viewport *v, double *lo,
                       double *hi)
{
    double ws[2] = {v->x0, v->x1}, bs[2] = {v->y0, v->y1};
    *hi = -INFINITY;
    *lo = INFINITY;
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++)
            *hi = fmax(*hi, line_moments_mse(m, ws[i], bs[j]));
        double b = clampd(m->y - ws[i] * m->x, v->y0, v->y1);
        *lo = fmin(*lo, line_moments_mse(m, ws[i], b));
        double w = m->xx > 0 ? clampd((m->xy - bs[i] * m->x) / m->xx, v->x0, v->x1) : ws[0];
        *lo = fmin(*lo, line_moments_mse(m, w, bs[i]));
    }
    double w, b, mse;
    if (line_moments_minimum(m, &w, &b, &mse) == 0 && w >= v->x0 && w <= v->x1 && b >= v->y0 &&
        b <= v->y1)
        *lo = fmin(*lo, mse);
}

static void cscale_make(struct cscale *s, int logscale, double lo, double hi)
{
    s->log = logscale;
    if (logscale) {
        s->lo = fmax(lo, hi * 1e-4);
        if (!(s->lo > 0))
            s->lo = 1e-12;
        s->hi = hi > s->lo * 1.0001 ? hi : s->lo * 10;
    } else {
        s->lo = lo;
        s->hi = hi > lo ? hi : lo + 1;
    }
}

/* The window: the given ranges, or the whole path (every record, so the
 * view never moves) and the minimum, padded. */
static void window(const struct loss_surface_opts *opt, const struct panel_ctx *c,
                   const struct line_moments *m, struct viewport *v)
{
    const struct trace *t = c->trace;
    int cw = trace_channel(t, "w"), cb = trace_channel(t, "b");
    double wlo = NAN, whi = NAN, blo = NAN, bhi = NAN, mw, mb;
    if (line_moments_minimum(m, &mw, &mb, NULL) == 0) {
        wlo = whi = mw;
        blo = bhi = mb;
    }
    for (int r = 0; r < t->nrec; r++) {
        double w = trace_get(t, r, cw), b = trace_get(t, r, cb);
        if (!isfinite(w) || !isfinite(b) || fabs(w) > 1e12 || fabs(b) > 1e12)
            continue;
        if (!(w >= wlo)) wlo = w;
        if (!(w <= whi)) whi = w;
        if (!(b >= blo)) blo = b;
        if (!(b <= bhi)) bhi = b;
    }
    if (!isfinite(wlo)) { wlo = -1; whi = 1; }
    if (!isfinite(blo)) { blo = -1; bhi = 1; }
    panel_pad_range(&wlo, &whi, 0.15);
    panel_pad_range(&blo, &bhi, 0.15);
    v->x0 = opt->w_range.n == 2 ? opt->w_range.v[0] : wlo;
    v->x1 = opt->w_range.n == 2 ? opt->w_range.v[1] : whi;
    v->y0 = opt->b_range.n == 2 ? opt->b_range.v[0] : blo;
    v->y1 = opt->b_range.n == 2 ? opt->b_range.v[1] : bhi;
    if (!(v->x1 > v->x0))
        panel_pad_range(&v->x0, &v->x1, 0.1);
    if (!(v->y1 > v->y0))
        panel_pad_range(&v->y0, &v->y1, 0.1);
}

/* The heat map at the device's resolution (the frame may be drawn scaled),
 * one MSE evaluation per pixel centre. Colours come from a table of 1024
 * steps of the scale (finer than the eye or an 8-bit channel can tell), so
 * a pixel costs the quadratic form and a logarithm. */
#define LUT_SIZE 1024

static void paint_heatmap(cairo_t *cr, const struct viewport *v, const struct line_moments *m,
                          const struct cscale *s, int map)
{
    cairo_surface_t *img = draw_viewport_surface(cr, v);
    if (!img)
        return;
    int W = cairo_image_surface_get_width(img), H = cairo_image_surface_get_height(img);
    uint32_t lut[LUT_SIZE];
    for (int i = 0; i < LUT_SIZE; i++)
        lut[i] = draw_colormap(map, (double)i / (LUT_SIZE - 1));
    double span = s->log ? log(s->hi / s->lo) : s->hi - s->lo;
    double scale = (LUT_SIZE - 1) / span;
    if (!isfinite(scale))
        scale = 0;              /* data so extreme the moments overflow: one colour */
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int j = 0; j < H; j++) {
        uint32_t *row = (uint32_t *)(data + (size_t)j * (size_t)stride);
        double b = v->y1 - (j + 0.5) / H * (v->y1 - v->y0);
        for (int i = 0; i < W; i++) {
            double w = v->x0 + (i + 0.5) / W * (v->x1 - v->x0);
            double mse = line_moments_mse(m, w, b);
            double u = (s->log ? log(fmax(mse, s->lo) / s->lo) : mse - s->lo) * scale + 0.5;
            /* NaN (an overflowed MSE) takes the low end: converting it to
             * int would be undefined and index anywhere. */
            row[i] = lut[!(u > 0) ? 0 : u >= LUT_SIZE - 1 ? LUT_SIZE - 1 : (int)u];
        }
    }
    draw_viewport_image(cr, v, img);
    cairo_surface_destroy(img);
}

/* Level sets of m0 + d' A d (d = (w, b) - minimum, A = [xx x; x 1]) are
 * ellipses along A's eigenvectors with half-axes sqrt((L - m0) / lambda). */
static void draw_contours(cairo_t *cr, const struct viewport *v, const struct line_moments *m,
                          const struct cscale *s, int n, uint32_t color)
{
    double mw, mb, m0;
    if (n <= 0 || line_moments_minimum(m, &mw, &mb, &m0) != 0)
        return;
    double a = m->xx, bb = m->x, dd = 1;
    double mean = (a + dd) / 2, rad = sqrt((a - dd) * (a - dd) / 4 + bb * bb);
    double l1 = mean + rad, l2 = mean - rad;
    if (!(l2 > 0))
        return;
    /* Eigenvector of l1; the other is perpendicular. */
    double ux = bb, uy = l1 - a;
    if (hypot(ux, uy) < 1e-12 * (1 + fabs(a))) {
        ux = 1;
        uy = 0;
    }
    double un = hypot(ux, uy);
    ux /= un;
    uy /= un;
    enum { SEG = 240 };
    double xs[SEG + 1], ys[SEG + 1];
    for (int i = 1; i <= n; i++) {
        double level = cscale_value(s, (double)i / (n + 1));
        if (!(level > m0))
            continue;
        double r1 = sqrt((level - m0) / l1), r2 = sqrt((level - m0) / l2);
        for (int k = 0; k <= SEG; k++) {
            double ph = 2 * 3.14159265358979323846 * k / SEG, p = r1 * cos(ph), q = r2 * sin(ph);
            xs[k] = mw + p * ux - q * uy;
            ys[k] = mb + p * uy + q * ux;
        }
        draw_polyline(cr, v, xs, ys, SEG + 1, 1, color, 0);
    }
}

static uint32_t mix(uint32_t c, uint32_t to, double f)
{
    uint32_t out = c & 0xFF000000u;
    for (int sh = 0; sh <= 16; sh += 8) {
        double a = (c >> sh) & 0xFF, b = (to >> sh) & 0xFF;
        out |= (uint32_t)lround(a + (b - a) * f) << sh;
    }
    return out;
}

/* A ball lit from the upper left, so it reads as a ball on a surface. */
static void draw_ball(cairo_t *cr, double x, double y, double r, uint32_t color)
{
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_arc(cr, x + r * 0.25, y + r * 0.35, r, 0, 2 * 3.14159265358979323846);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.35);
    cairo_fill(cr);
    cairo_pattern_t *g = cairo_pattern_create_radial(x - r * 0.35, y - r * 0.35, r * 0.1, x, y, r);
    uint32_t hi = mix(color, 0xFFFFFFFF, 0.65), lo = mix(color, 0xFF000000, 0.35);
    cairo_pattern_add_color_stop_rgb(g, 0, ((hi >> 16) & 0xFF) / 255.0, ((hi >> 8) & 0xFF) / 255.0,
                                     (hi & 0xFF) / 255.0);
    cairo_pattern_add_color_stop_rgb(g, 0.45, ((color >> 16) & 0xFF) / 255.0,
                                     ((color >> 8) & 0xFF) / 255.0, (color & 0xFF) / 255.0);
    cairo_pattern_add_color_stop_rgb(g, 1, ((lo >> 16) & 0xFF) / 255.0, ((lo >> 8) & 0xFF) / 255.0,
                                     (lo & 0xFF) / 255.0);
    cairo_arc(cr, x, y, r, 0, 2 * 3.14159265358979323846);
    cairo_set_source(cr, g);
    cairo_fill_preserve(cr);
    cairo_pattern_destroy(g);
    draw_set_color(cr, mix(color, 0xFF000000, 0.6));
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* The path so far as a line, with a dot at each step that is not crowded by
 * the previous dot: the spacing shows the ball slowing down. */
/* The path up to record rec, and on to (tw, tb) while a tween glides
 * there (tw NaN: no tween). */
static void draw_trail(cairo_t *cr, const struct viewport *v, const struct trace *t, int rec,
                       double tw, double tb, uint32_t color)
{
    int cw = trace_channel(t, "w"), cb = trace_channel(t, "b");
    int n = rec + 1, m = n + (isfinite(tw) ? 1 : 0);
    double *xs = malloc(sizeof(double) * 2 * (size_t)m);
    if (!xs)
        return;
    double *ys = xs + m;
    for (int r = 0; r < n; r++) {
        xs[r] = trace_get(t, r, cw);
        ys[r] = trace_get(t, r, cb);
    }
    if (m > n) {
        xs[n] = tw;
        ys[n] = tb;
    }
    draw_polyline(cr, v, xs, ys, m, 1.8, color, 0);
    double lx = NAN, ly = NAN;
    cairo_save(cr);
    vp_clip(cr, v);
    for (int r = 0; r < n; r++) {
        double px = vp_x(v, xs[r]), py = vp_y(v, ys[r]);
        if (!isfinite(px) || !isfinite(py) || fabs(px) > 1e6 || fabs(py) > 1e6)
            continue;
        if (isfinite(lx) && hypot(px - lx, py - ly) < 9)
            continue;
        draw_circle(cr, px, py, r == 0 ? 4 : 2.2, r == 0 ? 0 : color, color, r == 0 ? 1.5 : 0);
        lx = px;
        ly = py;
    }
    cairo_restore(cr);
    free(xs);
}

static void draw_minimum(cairo_t *cr, const struct viewport *v, const struct line_moments *m)
{
    double w, b;
    if (line_moments_minimum(m, &w, &b, NULL) != 0 || w < v->x0 || w > v->x1 || b < v->y0 ||
        b > v->y1)
        return;
    double x = vp_x(v, w), y = vp_y(v, b), a = 5;
    /* White on a dark outline: visible on every colour of every map. */
    for (int pass = 0; pass < 2; pass++) {
        uint32_t col = pass ? 0xFFFFFFFF : 0xB0000000;
        double lw = pass ? 1.8 : 3.6;
        draw_line(cr, x - a, y - a, x + a, y + a, lw, col, 0);
        draw_line(cr, x - a, y + a, x + a, y - a, lw, col, 0);
    }
}

/* Width the colour bar strip needs: bar, ticks and the widest label. */
struct cbar {
    double vals[16];
    char labels[16][24];
    int n;
    double label_w;
};

static void cbar_ticks(cairo_t *cr, const struct theme *th, const struct cscale *s, struct cbar *cb)
{
    double step = 0;
    if (s->log) {
        cb->n = ticks_log(s->lo, s->hi, cb->vals, 16);
        if (cb->n < 2)
            cb->n = ticks_nice(s->lo, s->hi, 5, cb->vals, 16, &step);
    } else {
        cb->n = ticks_nice(s->lo, s->hi, 5, cb->vals, 16, &step);
    }
    draw_font(cr, 0, th->font_size);
    cb->label_w = 0;
    for (int i = 0; i < cb->n; i++) {
        ticks_format(cb->vals[i], step, s->log && step == 0, cb->labels[i], sizeof(cb->labels[i]));
        cb->label_w = fmax(cb->label_w, draw_text_width(cr, cb->labels[i]));
    }
}

static void draw_colorbar(cairo_t *cr, const struct theme *th, const struct cscale *s,
                          const struct cbar *cb, int map, double x, double y, double w, double h,
                          const char *label)
{
    double sx = 1, sy = 1;
    cairo_user_to_device_distance(cr, &sx, &sy);
    int H = (int)ceil(h * fabs(sy) - 1e-6);
    if (H < 1 || H > 16384)
        return;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, H);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return;                 /* no memory for a 1-pixel strip: no bar, never a crash */
    }
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int j = 0; j < H; j++)
        *(uint32_t *)(data + (size_t)j * (size_t)stride) = draw_colormap(map, 1 - (j + 0.5) / H);
    cairo_surface_mark_dirty(img);
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, w, h / H);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    draw_box(cr, x + 0.5, y + 0.5, w - 1, h - 1, 0, 0, th->axis, 1);

    draw_font(cr, 0, th->font_size);
    for (int i = 0; i < cb->n; i++) {
        double t = cscale_t(s, cb->vals[i]);
        if (t < -1e-9 || t > 1 + 1e-9)
            continue;
        double py = floor(y + h - t * h) + 0.5;
        draw_line(cr, x + w, py, x + w + 4, py, 1, th->axis, 0);
        draw_set_color(cr, th->muted);
        draw_text(cr, x + w + 7, py, 0, 0.5, cb->labels[i]);
    }
    if (label && *label) {
        draw_set_color(cr, th->text);
        draw_text(cr, x + w / 2, y - 6, 0.5, 1, label);
    }
}

static void loss_surface_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct loss_surface_opts *opt = o;
    const struct trace *t = c->trace;
    const struct theme *th = c->th;
    struct line_moments m;
    line_moments_of(c->data, &m);
    struct viewport v = {0};
    window(opt, c, &m, &v);
    double lo, hi;
    mse_extent(&m, &v, &lo, &hi);
    struct cscale s;
    cscale_make(&s, opt->log, lo, hi);

    const double bar_w = 14, bar_gap = 14;
    struct cbar cb = {0};
    double strip = 0;
    if (opt->colorbar) {
        cbar_ticks(cr, th, &s, &cb);
        strip = bar_gap + bar_w + 7 + cb.label_w + 4;
    }
    char title[256];
    panel_expand(c, opt->title, NULL, title, sizeof(title));
    struct axes_style st = {title[0] ? title : NULL, opt->x_label, opt->y_label, 0};
    draw_axes(cr, th, c->x, c->y, c->w - strip, c->h, &v, &st);

    paint_heatmap(cr, &v, &m, &s, opt->colormap);
    draw_contours(cr, &v, &m, &s, opt->contours, opt->contour_color);
    draw_box(cr, v.px + 0.5, v.py + 0.5, v.pw - 1, v.ph - 1, 0, 0, th->axis, 1);
    if (opt->colorbar)
        draw_colorbar(cr, th, &s, &cb, opt->colormap, v.px + v.pw + bar_gap, v.py, bar_w, v.ph,
                      opt->colorbar_label ? opt->colorbar_label : c->run->model->loss_label);
    if (opt->minimum)
        draw_minimum(cr, &v, &m);

    /* While a tween glides from the step before, the ball is on its way
     * and the trail ends at it. */
    double w = trace_value(t, c->rec, "w"), b = trace_value(t, c->rec, "b");
    int gliding = c->frac > 0 && c->rec_from != c->rec && c->theta;
    if (gliding) {
        /* theta is the parameter blocks in order: w's and b's places in it. */
        w = c->theta[trace_offset(t, "w") - t->chan[TRACE_THETA_CHANNEL].offset];
        b = c->theta[trace_offset(t, "b") - t->chan[TRACE_THETA_CHANNEL].offset];
    }
    draw_trail(cr, &v, t, gliding ? c->rec_from : c->rec, gliding ? w : NAN, b,
               opt->trail_color);
    if (!isfinite(w) || !isfinite(b)) {
        panel_diverged_tag(cr, c, &v);
        return;
    }
    double px = vp_x(&v, w), py = vp_y(&v, b), r = opt->ball_size;
    double cx = clampd(px, v.px + r, v.px + v.pw - r), cy = clampd(py, v.py + r, v.py + v.ph - r);
    cairo_save(cr);
    vp_clip(cr, &v);
    if (cx != px || cy != py) {
        /* Off the map: the ball waits at the edge, pointing where it went. */
        double dx = px - cx, dy = py - cy, len = hypot(dx, dy);
        draw_arrow(cr, cx, cy, cx + dx / len * (r + 10), cy + dy / len * (r + 10), 2, 8,
                   opt->ball_color);
    }
    draw_ball(cr, cx, cy, r, opt->ball_color);
    cairo_restore(cr);
}

const struct panel_kind panel_loss_surface = {
    .head = {.name = "loss-surface",
             .summary = "the MSE of a line over (w, b) as a heat map; gradient descent as a rolling ball",
             .params = loss_surface_params, .opts_size = sizeof(struct loss_surface_opts),
             .requires = (const char *const[]){"data-1d", "line-mse", NULL}},
    .templates = loss_surface_templates,
    .draw = loss_surface_draw,
};
