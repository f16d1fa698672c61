/* panel loss-surface: the mean squared error of a line over the (w, b)
 * plane as a heat map, with gradient descent as a ball rolling downhill and
 * the trail it left: the picture behind "gradient descent walks down the
 * loss surface".
 *
 * The MSE of y = w x + b is a quadratic form in (w, b) with five moments of
 * the data as coefficients (line_moments in model.h), so each pixel costs a
 * few multiplications whatever the size of the dataset, and the heat map is
 * computed at the plot's device resolution, once per scene: it depends on
 * the data, the window and the pixel size, never on the step, so it is
 * kept (heat_get), and so are the plot area's pixels once the contours and
 * the outline are drawn over it (the static layer, layer_apply), which
 * later frames copy instead of drawing; outputs keep every byte. The same
 * form gives the contour lines exactly (ellipses around the least-squares
 * fit) and the colour range (the least and greatest MSE inside the window).
 * The bowl of a line fit is steep along one direction and flat along the
 * other, so the colour follows log(MSE) by default: a linear scale would
 * paint everything but a thin valley in the top colour. */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
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

static void fill_heatmap(cairo_surface_t *img, const struct viewport *v,
                         const struct line_moments *m, const struct cscale *s, int map)
{
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
    cairo_surface_mark_dirty(img);
}

/* ---- the heat map cache ----
 * The image is a function of what heat_key holds and nothing else, so an
 * image found under an equal key (compared bit for bit: a NaN key simply
 * never matches) is the one this frame would compute, and the output keeps
 * its bytes. Frames are drawn on several threads at once: the table is
 * guarded by a mutex, an image is computed outside it (two threads may
 * compute the same one; the second copy is dropped), and a caller holds a
 * reference of its own, so an entry evicted meanwhile stays alive until it
 * is painted. Each use wraps the shared pixels in a surface of its own, so
 * that no cairo object is shared between threads; the pixels are only
 * read once published. Bounded by slots and by bytes (a 4K heat map is
 * about 12 MB); an image over the byte bound is computed for every frame
 * as before. */
struct heat_key {
    int W, H, map, log;
    double x0, x1, y0, y1, lo, hi;
    struct line_moments m;
};

#define HEAT_SLOTS 8
#define HEAT_MAX_BYTES ((size_t)64 << 20)

static pthread_mutex_t heat_lock = PTHREAD_MUTEX_INITIALIZER;
static struct heat_entry {
    struct heat_key key;
    cairo_surface_t *img;       /* NULL: a free slot */
    size_t bytes;
} heat[HEAT_SLOTS];
static size_t heat_bytes;
static int heat_next;           /* the slot evicted next (round robin) */
static long heat_computed;      /* images computed since release, for the tests */

static struct heat_entry *heat_find_locked(const struct heat_key *k)
{
    for (int i = 0; i < HEAT_SLOTS; i++)
        if (heat[i].img && memcmp(&heat[i].key, k, sizeof *k) == 0)
            return &heat[i];
    return NULL;
}

static void heat_drop_locked(struct heat_entry *e)
{
    cairo_surface_destroy(e->img);      /* a painter may still hold a reference */
    heat_bytes -= e->bytes;
    e->img = NULL;
    e->bytes = 0;
}

/* The heat map for key k, with a reference for the caller; NULL when it
 * cannot be made (no memory). */
static cairo_surface_t *heat_get(const struct heat_key *k, const struct viewport *v,
                                 const struct line_moments *m, const struct cscale *s)
{
    pthread_mutex_lock(&heat_lock);
    struct heat_entry *e = heat_find_locked(k);
    cairo_surface_t *img = e ? cairo_surface_reference(e->img) : NULL;
    pthread_mutex_unlock(&heat_lock);
    if (img)
        return img;

    img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, k->W, k->H);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    fill_heatmap(img, v, m, s, k->map);
    size_t bytes = (size_t)cairo_image_surface_get_stride(img) * (size_t)k->H;

    pthread_mutex_lock(&heat_lock);
    heat_computed++;
    e = heat_find_locked(k);
    if (e) {                            /* another thread was quicker */
        cairo_surface_destroy(img);
        img = cairo_surface_reference(e->img);
    } else if (bytes <= HEAT_MAX_BYTES) {
        int slot = -1;
        for (int i = 0; i < HEAT_SLOTS && slot < 0; i++)
            if (!heat[i].img)
                slot = i;
        while (slot < 0 || heat_bytes + bytes > HEAT_MAX_BYTES) {
            if (heat[heat_next].img)
                heat_drop_locked(&heat[heat_next]);
            if (slot < 0)
                slot = heat_next;
            heat_next = (heat_next + 1) % HEAT_SLOTS;
        }
        heat[slot].key = *k;
        heat[slot].img = cairo_surface_reference(img);
        heat[slot].bytes = bytes;
        heat_bytes += bytes;
    }
    pthread_mutex_unlock(&heat_lock);
    return img;
}

static void heats_release(void)
{
    pthread_mutex_lock(&heat_lock);
    for (int i = 0; i < HEAT_SLOTS; i++)
        if (heat[i].img)
            heat_drop_locked(&heat[i]);
    heat_next = 0;
    heat_computed = 0;
    pthread_mutex_unlock(&heat_lock);
}


long loss_surface_heatmaps_computed(void)
{
    pthread_mutex_lock(&heat_lock);
    long n = heat_computed;
    pthread_mutex_unlock(&heat_lock);
    return n;
}

/* The heat map's key; -1 when the area has no pixels to paint. */
static int heat_key_make(cairo_t *cr, const struct viewport *v, const struct line_moments *m,
                         const struct cscale *s, int map, struct heat_key *out)
{
    struct heat_key k;
    memset(&k, 0, sizeof k);            /* padding too: keys are compared by memcmp */
    if (draw_viewport_pixels(cr, v, &k.W, &k.H) != 0)
        return -1;
    k.map = map;
    k.log = s->log;
    k.x0 = v->x0;
    k.x1 = v->x1;
    k.y0 = v->y0;
    k.y1 = v->y1;
    k.lo = s->lo;
    k.hi = s->hi;
    k.m = *m;
    *out = k;
    return 0;
}

/* The heat map over the plot area, one pixel per device pixel. */
static void paint_heatmap(cairo_t *cr, const struct viewport *v, const struct line_moments *m,
                          const struct cscale *s, const struct heat_key *hk)
{
    struct heat_key k = *hk;
    cairo_surface_t *shared = heat_get(&k, v, m, s);
    if (!shared)
        return;
    cairo_surface_t *own = cairo_image_surface_create_for_data(
        cairo_image_surface_get_data(shared), CAIRO_FORMAT_ARGB32, k.W, k.H,
        cairo_image_surface_get_stride(shared));
    /* The wrapper keeps the pixels' owner alive for as long as it lives,
     * should cairo ever hold on to a source past the paint. */
    static const cairo_user_data_key_t owner_key;
    if (cairo_surface_status(own) == CAIRO_STATUS_SUCCESS &&
        cairo_surface_set_user_data(own, &owner_key, shared,
                                    (cairo_destroy_func_t)cairo_surface_destroy) ==
            CAIRO_STATUS_SUCCESS)
        draw_viewport_image(cr, v, own);
    else
        cairo_surface_destroy(shared);
    cairo_surface_destroy(own);
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

/* ---- the static layer ----
 * The heat map, its contours and the plot's outline are the same in every
 * frame of a scene: 8 contour ellipses cost more than the rest of the
 * panel together (perf: three quarters of the panel's time once the heat
 * map is kept). So the pixels of the plot area are kept too, as the frame
 * had them just before (pre) and just after (post) those three were drawn.
 * A frame whose plot area holds exactly the pre pixels (compared byte for
 * byte: the axes, grid and background under it are static in practice,
 * but this is checked, never assumed) and whose inputs are equal (layer_key,
 * which includes the device transform, so the sub-pixel position of every
 * edge) gets the post pixels copied in: drawing is a function of what is
 * under it and of those inputs, so these are the bytes it would draw.
 * Anything else is drawn as before. Shared between threads like the heat
 * maps: a mutex over the table, references held by users (a kept layer is
 * one image surface, pre above post, so cairo's reference count does the
 * bookkeeping). The layer covers the plot area in device pixels plus one
 * pixel of margin; everything the three draw is clipped to the area. */
struct layer_key {
    struct heat_key heat;
    double matrix[6];           /* user to device */
    double px, py, pw, ph;
    int contours, x0, y0, w, h; /* the device rectangle kept */
    uint32_t contour_color, axis;
};

#define LAYER_SLOTS 16
#define LAYER_MAX_BYTES ((size_t)96 << 20)

static pthread_mutex_t layer_lock = PTHREAD_MUTEX_INITIALIZER;
static struct layer_entry {
    struct layer_key key;
    cairo_surface_t *img;       /* w x 2h: pre rows, then post rows; NULL: free */
    size_t bytes;
} layers[LAYER_SLOTS];
static size_t layer_bytes;
static int layer_next;
static long layer_hits;         /* frames served from a kept layer, for the tests */

/* The frame's pixels under cr, when they can be read and written directly
 * (an ARGB32 image without device offset, an axis-aligned transform); NULL
 * otherwise: then the layer is simply drawn. */
static cairo_surface_t *layer_target(cairo_t *cr)
{
    cairo_surface_t *t = cairo_get_group_target(cr);
    double dx, dy;
    cairo_surface_get_device_offset(t, &dx, &dy);
    cairo_matrix_t mt;
    cairo_get_matrix(cr, &mt);
    if (cairo_surface_get_type(t) != CAIRO_SURFACE_TYPE_IMAGE ||
        cairo_image_surface_get_format(t) != CAIRO_FORMAT_ARGB32 || dx != 0 || dy != 0 ||
        mt.xy != 0 || mt.yx != 0)
        return NULL;
    return t;
}

/* 0 and the key (rectangle included), or -1 when the area cannot be kept. */
static int layer_key_make(cairo_t *cr, cairo_surface_t *t, const struct viewport *v,
                          const struct heat_key *hk, int contours, uint32_t contour_color,
                          uint32_t axis, struct layer_key *k)
{
    memset(k, 0, sizeof *k);            /* padding too: compared by memcmp */
    k->heat = *hk;
    cairo_matrix_t mt;
    cairo_get_matrix(cr, &mt);
    k->matrix[0] = mt.xx;
    k->matrix[1] = mt.yx;
    k->matrix[2] = mt.xy;
    k->matrix[3] = mt.yy;
    k->matrix[4] = mt.x0;
    k->matrix[5] = mt.y0;
    k->px = v->px;
    k->py = v->py;
    k->pw = v->pw;
    k->ph = v->ph;
    k->contours = contours;
    k->contour_color = contour_color;
    k->axis = axis;
    double ax = v->px, ay = v->py, bx = v->px + v->pw, by = v->py + v->ph;
    cairo_user_to_device(cr, &ax, &ay);
    cairo_user_to_device(cr, &bx, &by);
    double x0 = floor(fmin(ax, bx)) - 1, x1 = ceil(fmax(ax, bx)) + 1;
    double y0 = floor(fmin(ay, by)) - 1, y1 = ceil(fmax(ay, by)) + 1;
    int sw = cairo_image_surface_get_width(t), sh = cairo_image_surface_get_height(t);
    x0 = fmax(x0, 0);
    y0 = fmax(y0, 0);
    x1 = fmin(x1, sw);
    y1 = fmin(y1, sh);
    if (!(x1 > x0 && y1 > y0))
        return -1;
    k->x0 = (int)x0;
    k->y0 = (int)y0;
    k->w = (int)(x1 - x0);
    k->h = (int)(y1 - y0);
    return 0;
}

static struct layer_entry *layer_find_locked(const struct layer_key *k)
{
    for (int i = 0; i < LAYER_SLOTS; i++)
        if (layers[i].img && memcmp(&layers[i].key, k, sizeof *k) == 0)
            return &layers[i];
    return NULL;
}

static void layer_drop_locked(struct layer_entry *e)
{
    cairo_surface_destroy(e->img);
    layer_bytes -= e->bytes;
    e->img = NULL;
    e->bytes = 0;
}

/* Row y of the rectangle of k in surface s (x0, y0 its origin). */
static unsigned char *rect_row(cairo_surface_t *s, int x0, int y0, int y)
{
    return cairo_image_surface_get_data(s) + (size_t)(y0 + y) * (size_t)cairo_image_surface_get_stride(s) +
           (size_t)x0 * 4;
}

/* Copies the kept post pixels into the frame if its pre pixels are the
 * kept ones: 1 when it did (the layer is drawn), else 0. */
static int layer_apply(cairo_surface_t *t, const struct layer_key *k)
{
    pthread_mutex_lock(&layer_lock);
    struct layer_entry *e = layer_find_locked(k);
    cairo_surface_t *img = e ? cairo_surface_reference(e->img) : NULL;
    pthread_mutex_unlock(&layer_lock);
    if (!img)
        return 0;
    size_t n = (size_t)k->w * 4;
    int same = 1;
    cairo_surface_flush(t);
    for (int y = 0; y < k->h && same; y++)
        same = memcmp(rect_row(t, k->x0, k->y0, y), rect_row(img, 0, 0, y), n) == 0;
    if (same) {
        for (int y = 0; y < k->h; y++)
            memcpy(rect_row(t, k->x0, k->y0, y), rect_row(img, 0, k->h, y), n);
        cairo_surface_mark_dirty_rectangle(t, k->x0, k->y0, k->w, k->h);
        pthread_mutex_lock(&layer_lock);
        layer_hits++;
        pthread_mutex_unlock(&layer_lock);
    }
    cairo_surface_destroy(img);
    return same;
}

/* A new layer with the frame's pre pixels (post to come); NULL if it is
 * too big to keep or there is no memory. */
static cairo_surface_t *layer_begin(cairo_surface_t *t, const struct layer_key *k)
{
    if ((size_t)k->w * 4 * 2 * (size_t)k->h > LAYER_MAX_BYTES)
        return NULL;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, k->w, 2 * k->h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    cairo_surface_flush(t);
    cairo_surface_flush(img);
    for (int y = 0; y < k->h; y++)
        memcpy(rect_row(img, 0, 0, y), rect_row(t, k->x0, k->y0, y), (size_t)k->w * 4);
    return img;
}

/* Adds the post pixels and keeps the layer (unless another thread kept an
 * equal one first); releases the caller's reference either way. */
static void layer_end(cairo_surface_t *t, const struct layer_key *k, cairo_surface_t *img)
{
    cairo_surface_flush(t);
    for (int y = 0; y < k->h; y++)
        memcpy(rect_row(img, 0, k->h, y), rect_row(t, k->x0, k->y0, y), (size_t)k->w * 4);
    cairo_surface_mark_dirty(img);
    size_t bytes = (size_t)cairo_image_surface_get_stride(img) * 2 * (size_t)k->h;
    pthread_mutex_lock(&layer_lock);
    if (!layer_find_locked(k)) {
        int slot = -1;
        for (int i = 0; i < LAYER_SLOTS && slot < 0; i++)
            if (!layers[i].img)
                slot = i;
        while (slot < 0 || layer_bytes + bytes > LAYER_MAX_BYTES) {
            if (layers[layer_next].img)
                layer_drop_locked(&layers[layer_next]);
            if (slot < 0)
                slot = layer_next;
            layer_next = (layer_next + 1) % LAYER_SLOTS;
        }
        layers[slot].key = *k;
        layers[slot].img = cairo_surface_reference(img);
        layers[slot].bytes = bytes;
        layer_bytes += bytes;
    }
    pthread_mutex_unlock(&layer_lock);
    cairo_surface_destroy(img);
}

long loss_surface_layer_hits(void)
{
    pthread_mutex_lock(&layer_lock);
    long n = layer_hits;
    pthread_mutex_unlock(&layer_lock);
    return n;
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

    /* The static layer: kept pixels when the frame is ready for them,
     * else drawn (and kept when it can be). */
    struct heat_key hk;
    struct layer_key lk;
    int have_heat = heat_key_make(cr, &v, &m, &s, opt->colormap, &hk) == 0;
    cairo_surface_t *target = layer_target(cr), *layer = NULL;
    int keyed = have_heat && target &&
                layer_key_make(cr, target, &v, &hk, opt->contours, opt->contour_color, th->axis,
                               &lk) == 0;
    if (!keyed || !layer_apply(target, &lk)) {
        if (keyed)
            layer = layer_begin(target, &lk);
        if (have_heat)
            paint_heatmap(cr, &v, &m, &s, &hk);
        draw_contours(cr, &v, &m, &s, opt->contours, opt->contour_color);
        draw_box(cr, v.px + 0.5, v.py + 0.5, v.pw - 1, v.ph - 1, 0, 0, th->axis, 1);
        if (layer)
            layer_end(target, &lk, layer);
    }
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

static void layers_release(void)
{
    pthread_mutex_lock(&layer_lock);
    for (int i = 0; i < LAYER_SLOTS; i++)
        if (layers[i].img)
            layer_drop_locked(&layers[i]);
    layer_next = 0;
    layer_hits = 0;
    pthread_mutex_unlock(&layer_lock);
}

static void loss_surface_release(void)
{
    layers_release();
    heats_release();
}

const struct panel_kind panel_loss_surface = {
    .head = {.name = "loss-surface",
             .summary = "the MSE of a line over (w, b) as a heat map; gradient descent as a rolling ball",
             .params = loss_surface_params, .opts_size = sizeof(struct loss_surface_opts),
             .requires = (const char *const[]){"data-1d", "line-mse", NULL}},
    .templates = loss_surface_templates,
    .draw = loss_surface_draw,
    .release = loss_surface_release,
};
