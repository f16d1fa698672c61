/* The loss surface of a line fit: the quadratic form from the data's moments
 * against the MSE summed point by point, its minimum against least squares,
 * the colour maps' ends, and the pixels the loss-surface panel paints (the
 * bottom of the bowl in the map's low colour, the rim in its high colour,
 * the colour bar running from one to the other), and the heat map cache
 * (computed once per data, window and pixel size; the bytes of a frame
 * drawn from it are those of a frame drawn afresh, on any thread). */
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "render.h"
#include "rng.h"
#include "scene_util.h"

static double direct_mse(const struct dataset *d, double w, double b)
{
    double s = 0;
    for (int i = 0; i < d->n; i++) {
        double e = w * d->x[i] + b - d->y[i];
        s += e * e;
    }
    return s / d->n;
}

static void quadratic_form_equals_the_direct_mse_at_random_points(void)
{
    struct scene *s = scene_load("scenes/gd-loss-surface.yaml");
    CHECK(s != NULL);
    if (!s) return;
    struct line_moments m;
    line_moments_of(&s->data, &m);
    struct rng r;
    rng_seed(&r, 99);
    for (int i = 0; i < 1000; i++) {
        double w = rng_range(&r, -50, 50), b = rng_range(&r, -50, 50);
        double want = direct_mse(&s->data, w, b);
        CHECK_NEAR(line_moments_mse(&m, w, b), want, 1e-10 * want);
    }
    /* And the model's own loss, which the trace records, agrees. */
    double theta[2] = {1.25, -0.5};
    CHECK_NEAR(s->runs[0].model->loss(s->runs[0].model_opts, theta, &s->data), line_moments_mse(&m, 1.25, -0.5),
               1e-10 * direct_mse(&s->data, 1.25, -0.5));
    scene_free(s);
}

static void moments_minimum_is_the_least_squares_fit(void)
{
    struct scene *s = scene_load("scenes/gd-loss-surface.yaml");
    CHECK(s != NULL);
    if (!s) return;
    const struct dataset *d = &s->data;
    double mx = 0, my = 0, sxy = 0, sxx = 0;
    for (int i = 0; i < d->n; i++) {
        mx += d->x[i] / d->n;
        my += d->y[i] / d->n;
    }
    for (int i = 0; i < d->n; i++) {
        sxy += (d->x[i] - mx) * (d->y[i] - my);
        sxx += (d->x[i] - mx) * (d->x[i] - mx);
    }
    struct line_moments m;
    line_moments_of(d, &m);
    double w, b, mse;
    CHECK(line_moments_minimum(&m, &w, &b, &mse) == 0);
    CHECK_NEAR(w, sxy / sxx, 1e-9);
    CHECK_NEAR(b, my - sxy / sxx * mx, 1e-9);
    CHECK_NEAR(mse, direct_mse(d, w, b), 1e-9);
    /* No other point is lower. */
    CHECK(direct_mse(d, w + 0.01, b) > mse && direct_mse(d, w, b - 0.01) > mse);
    /* The lesson's gliding run (the second of three) ends there. */
    CHECK(s->nruns == 3);
    struct trace ts[3];
    scene_simulate(s, ts);
    const struct trace *t = &ts[1];
    CHECK_STR(s->runs[1].label, "glide (0.06)");
    CHECK_NEAR(trace_value(t, t->nrec - 1, "w"), w, 0.02);
    CHECK_NEAR(trace_value(t, t->nrec - 1, "b"), b, 0.04);
    CHECK_STR(t->stop_reason, "converged");
    for (int i = 0; i < 3; i++)
        trace_release(&ts[i]);

    /* Every x the same: no single best line. */
    double xs[3] = {2, 2, 2}, ys[3] = {1, 2, 3};
    struct dataset flat = {.n = 3, .d = 1, .x = xs, .y = ys};
    line_moments_of(&flat, &m);
    CHECK(line_moments_minimum(&m, &w, &b, NULL) == -1);
    scene_free(s);
}

static void colormaps_run_from_their_low_to_their_high_colour(void)
{
    CHECK(draw_colormap(DRAW_CMAP_VIRIDIS, 0) == 0xFF440154);
    CHECK(draw_colormap(DRAW_CMAP_VIRIDIS, 1) == 0xFFFDE725);
    CHECK(draw_colormap(DRAW_CMAP_VIRIDIS, 0.5) == 0xFF21908C);
    CHECK(draw_colormap(DRAW_CMAP_MAGMA, 0) == 0xFF000004);
    CHECK(draw_colormap(DRAW_CMAP_MAGMA, 1) == 0xFFFCFDBF);
    CHECK(draw_colormap(DRAW_CMAP_JET, 0) == 0xFF000080);
    CHECK(draw_colormap(DRAW_CMAP_JET, 1) == 0xFF800000);
    CHECK(draw_colormap(DRAW_CMAP_GRAY, 1) == 0xFFFFFFFF);
    /* Clamped outside [0, 1]; NaN is transparent. */
    CHECK(draw_colormap(DRAW_CMAP_VIRIDIS, -3) == 0xFF440154);
    CHECK(draw_colormap(DRAW_CMAP_VIRIDIS, 7) == 0xFFFDE725);
    CHECK(draw_colormap(DRAW_CMAP_VIRIDIS, NAN) == 0);
    /* viridis gets lighter all the way up. */
    double prev = -1;
    for (int i = 0; i <= 100; i++) {
        uint32_t c = draw_colormap(DRAW_CMAP_VIRIDIS, i / 100.0);
        double lum = 0.2126 * ((c >> 16) & 0xFF) + 0.7152 * ((c >> 8) & 0xFF) + 0.0722 * (c & 0xFF);
        CHECK(lum > prev - 0.5);
        prev = lum;
    }
}

/* ---- the panel's pixels ------------------------------------------------------ */

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    return ((const uint32_t *)(d + (size_t)y * (size_t)cairo_image_surface_get_stride(s)))[x];
}

static int close_to(uint32_t a, uint32_t b, int tol)
{
    for (int sh = 0; sh <= 16; sh += 8)
        if (abs((int)((a >> sh) & 0xFF) - (int)((b >> sh) & 0xFF)) > tol)
            return 0;
    return 1;
}

/* Colour-map pixels are clearly coloured; text, axes and background are
 * grey or white. */
static int saturated(uint32_t p)
{
    int r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
    int lo = r < g ? (r < b ? r : b) : (g < b ? g : b), hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
    return hi - lo > 40;
}

static const char *surface_yaml(const char *cmap, int colorbar)
{
    static char buf[1024];
    /* Noise-free data from y = 2x + 1: the bottom of the bowl is (2, 1),
     * the middle of the window. The ball starts in a corner. */
    snprintf(buf, sizeof(buf),
             "id: t\ncanvas: {width: 480, height: 400}\n"
             "data: {kind: line, x: [-1, 0, 1, 2, 3], slope: 2, intercept: 1}\n"
             "model: {kind: linear, w: -0.5, b: 4.5}\n"
             "trainer: {kind: gd, learning_rate: 0.05, steps: 3}\n"
             "panels: [{kind: loss-surface, w_range: [-1, 5], b_range: [-3, 5], colormap: %s,\n"
             "          colorbar: %s, minimum: false, contours: 0}]\n",
             cmap, colorbar ? "true" : "false");
    return buf;
}

/* Bounding box of the saturated pixels. */
static void ink(cairo_surface_t *surf, int *x0, int *y0, int *x1, int *y1)
{
    int w = cairo_image_surface_get_width(surf), h = cairo_image_surface_get_height(surf);
    *x0 = w;
    *y0 = h;
    *x1 = *y1 = -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (saturated(pixel(surf, x, y))) {
                if (x < *x0) *x0 = x;
                if (x > *x1) *x1 = x;
                if (y < *y0) *y0 = y;
                if (y > *y1) *y1 = y;
            }
}

static void loss_surface_paints_the_bottom_of_the_bowl_in_the_low_colour(void)
{
    CHECK(draw_fonts_init() == 0);
    const char *maps[] = {"viridis", "magma"};
    const int ids[] = {DRAW_CMAP_VIRIDIS, DRAW_CMAP_MAGMA};
    for (int k = 0; k < 2; k++) {
        struct scene *s = scene_from_text(surface_yaml(maps[k], 0));
        CHECK(s != NULL);
        if (!s) continue;
        struct trace t;
        scene_simulate(s, &t);
        cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 480, 400);
        render_draw(s, &t, 0, surf);
        cairo_surface_flush(surf);
        int x0, y0, x1, y1;
        ink(surf, &x0, &y0, &x1, &y1);
        CHECK(x1 - x0 > 250 && y1 - y0 > 250);
        /* The middle of the heat map is (w, b) = (2, 1), where MSE = 0. */
        uint32_t low = draw_colormap(ids[k], 0), high = draw_colormap(ids[k], 1);
        int cx = (x0 + x1 + 1) / 2, cy = (y0 + y1 + 1) / 2;
        CHECK(close_to(pixel(surf, cx, cy), low, 6));
        /* The highest MSE in the window is at a corner. */
        int corners[4][2] = {{x0 + 2, y0 + 2}, {x1 - 2, y0 + 2}, {x0 + 2, y1 - 2}, {x1 - 2, y1 - 2}};
        int found = 0;
        for (int c = 0; c < 4; c++)
            found |= close_to(pixel(surf, corners[c][0], corners[c][1]), high, 16);
        CHECK(found);
        cairo_surface_destroy(surf);
        trace_release(&t);
        scene_free(s);
    }
}

static void loss_surface_colour_bar_runs_from_low_to_high(void)
{
    struct scene *s = scene_from_text(surface_yaml("viridis", 1));
    CHECK(s != NULL);
    if (!s) return;
    struct trace t;
    scene_simulate(s, &t);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 480, 400);
    render_draw(s, &t, t.nrec - 1, surf);
    cairo_surface_flush(surf);
    int x0, y0, x1, y1;
    ink(surf, &x0, &y0, &x1, &y1);
    /* The bar is the rightmost coloured column block; look a few pixels in
     * from its outline. */
    int bx = x1 - 4, top = -1, bottom = -1;
    for (int y = 0; y < 400; y++)
        if (saturated(pixel(surf, bx, y))) {
            if (top < 0) top = y;
            bottom = y;
        }
    CHECK(bottom - top > 250);
    CHECK(close_to(pixel(surf, bx, top + 3), draw_colormap(DRAW_CMAP_VIRIDIS, 1), 12));
    CHECK(close_to(pixel(surf, bx, bottom - 3), draw_colormap(DRAW_CMAP_VIRIDIS, 0), 12));
    /* And there is a gap between the heat map and the bar. */
    int gap = 0;
    for (int x = bx; x > x0 && !gap; x--)
        gap = !saturated(pixel(surf, x, (top + bottom) / 2));
    CHECK(gap);
    cairo_surface_destroy(surf);
    trace_release(&t);
    scene_free(s);
}

static void diverging_descent_is_drawn_not_fatal(void)
{
    struct scene *s = scene_from_text(
        "id: t\ncanvas: {width: 320, height: 240}\n"
        "data: {kind: line, x: [0, 5, 10], slope: 2, intercept: 1}\n"
        "model: {kind: linear}\n"
        "trainer: {kind: gd, learning_rate: 5, steps: 2000}\n"
        "panels: [{kind: loss-surface}]\n");
    CHECK(s != NULL);
    if (!s) return;
    struct trace t;
    scene_simulate(s, &t);
    CHECK_STR(t.stop_reason, "diverged");
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 320, 240);
    for (int r = 0; r < t.nrec; r += t.nrec / 7 + 1)
        render_draw(s, &t, r, surf);
    render_draw(s, &t, t.nrec - 1, surf);
    CHECK(cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surf);
    trace_release(&t);
    scene_free(s);
}

/* A copy of a drawn frame's pixels, compared bytewise. The scenes below
 * draw contours (the default 8) over the heat map, so the kept layer is
 * exercised too. */
static unsigned char *frame_bytes(const struct scene *s, const struct trace *t, int rec, int w,
                                  int h)
{
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    CHECK(render_draw(s, t, rec, surf) == 0);
    cairo_surface_flush(surf);
    size_t n = (size_t)cairo_image_surface_get_stride(surf) * (size_t)h;
    unsigned char *copy = malloc(n);
    if (copy)
        memcpy(copy, cairo_image_surface_get_data(surf), n);
    cairo_surface_destroy(surf);
    return copy;
}

static int same_bytes(const unsigned char *a, const unsigned char *b, int w, int h)
{
    return a && b && memcmp(a, b, (size_t)w * 4 * (size_t)h) == 0;
}

static const char *contour_yaml(double slope, int colorbar)
{
    static char buf[768];
    snprintf(buf, sizeof buf,
             "id: t\ncanvas: {width: 480, height: 400}\n"
             "data: {kind: line, x: [-1, 0, 1, 2, 3], slope: %g, intercept: 1}\n"
             "model: {kind: linear, w: -0.5, b: 4.5}\n"
             "trainer: {kind: gd, learning_rate: 0.05, steps: 12}\n"
             "panels: [{kind: loss-surface, w_range: [-1, 5], b_range: [-3, 5], colorbar: %s}]\n",
             slope, colorbar ? "true" : "false");
    return buf;
}

static void heat_map_is_computed_once_per_size_and_draws_the_same_bytes(void)
{
    struct scene *s = scene_from_text(contour_yaml(2, 1));
    CHECK(s != NULL);
    if (!s) return;
    struct trace t;
    scene_simulate(s, &t);
    int last = t.nrec - 1;
    panel_release();
    CHECK(loss_surface_heatmaps_computed() == 0);
    unsigned char *fresh = frame_bytes(s, &t, last, 480, 400);
    CHECK(loss_surface_heatmaps_computed() == 1);
    /* Every step of the run, then the last again: no new heat map, and the
     * last frame's bytes are those drawn when the cache was empty. */
    CHECK(loss_surface_layer_hits() == 0);
    for (int r = 0; r < t.nrec; r++)
        free(frame_bytes(s, &t, r, 480, 400));
    CHECK(loss_surface_heatmaps_computed() == 1);
    /* ... and the contours and outline came from the kept layer too. */
    CHECK(loss_surface_layer_hits() == t.nrec);
    unsigned char *cached = frame_bytes(s, &t, last, 480, 400);
    CHECK(same_bytes(fresh, cached, 480, 400));
    /* Twice the size has twice the device pixels: a heat map of its own. */
    unsigned char *big = frame_bytes(s, &t, last, 960, 800);
    CHECK(loss_surface_heatmaps_computed() == 2);
    free(big);
    /* Released, it is computed again, to the same bytes. */
    panel_release();
    unsigned char *again = frame_bytes(s, &t, last, 480, 400);
    CHECK(loss_surface_heatmaps_computed() == 1);
    CHECK(same_bytes(fresh, again, 480, 400));
    free(fresh);
    free(cached);
    free(again);
    trace_release(&t);
    scene_free(s);
}

/* Other data, other surface: the cache is keyed by the data's moments, so a
 * second scene of the same size never shows the first one's heat map (no
 * colour bar: its labels would change the plot's width, a key too). */
static void heat_map_of_other_data_is_not_reused(void)
{
    struct scene *a = scene_from_text(contour_yaml(2, 0));
    struct scene *b = scene_from_text(contour_yaml(-1, 0));
    CHECK(a != NULL && b != NULL);
    if (!a || !b) {
        scene_free(a);
        scene_free(b);
        return;
    }
    struct trace ta, tb;
    scene_simulate(a, &ta);
    scene_simulate(b, &tb);
    panel_release();
    unsigned char *b_alone = frame_bytes(b, &tb, 0, 480, 400);
    panel_release();
    free(frame_bytes(a, &ta, 0, 480, 400));
    unsigned char *b_after_a = frame_bytes(b, &tb, 0, 480, 400);
    CHECK(loss_surface_heatmaps_computed() == 2);
    CHECK(same_bytes(b_alone, b_after_a, 480, 400));
    free(b_alone);
    free(b_after_a);
    trace_release(&ta);
    trace_release(&tb);
    scene_free(a);
    scene_free(b);
}

/* The render pool draws frames of one scene on several threads at once,
 * all wanting the same heat map while it is not cached yet. */
struct drawer {
    const struct scene *s;
    const struct trace *t;
    pthread_barrier_t *start;
    int rec;
    unsigned char *bytes;
};

static void *draw_on_a_thread(void *arg)
{
    struct drawer *d = arg;
    pthread_barrier_wait(d->start);
    d->bytes = frame_bytes(d->s, d->t, d->rec, 480, 400);
    return NULL;
}

static void heat_map_cache_draws_the_same_bytes_on_concurrent_threads(void)
{
    struct scene *s = scene_from_text(contour_yaml(2, 1));
    CHECK(s != NULL);
    if (!s) return;
    struct trace t;
    scene_simulate(s, &t);
    enum { N = 4 };
    unsigned char *serial[N];
    for (int i = 0; i < N; i++) {
        panel_release();
        serial[i] = frame_bytes(s, &t, i * (t.nrec - 1) / (N - 1), 480, 400);
    }
    for (int round = 0; round < 3; round++) {
        panel_release();
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, N);
        pthread_t th[N];
        struct drawer d[N];
        for (int i = 0; i < N; i++) {
            d[i] = (struct drawer){s, &t, &start, i * (t.nrec - 1) / (N - 1), NULL};
            CHECK(pthread_create(&th[i], NULL, draw_on_a_thread, &d[i]) == 0);
        }
        for (int i = 0; i < N; i++)
            pthread_join(th[i], NULL);
        pthread_barrier_destroy(&start);
        long made = loss_surface_heatmaps_computed();
        CHECK(made >= 1 && made <= N);
        for (int i = 0; i < N; i++) {
            CHECK(same_bytes(serial[i], d[i].bytes, 480, 400));
            free(d[i].bytes);
        }
    }
    for (int i = 0; i < N; i++)
        free(serial[i]);
    trace_release(&t);
    scene_free(s);
}

static void loss_surface_needs_a_line_model(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diag_set_stream(f);
    struct scene *s = scene_from_text(
        "id: t\n"
        "model: {kind: parabola}\n"
        "trainer: {kind: gd}\n"
        "panels:\n"
        "  - kind: loss-surface\n");
    diag_set_stream(NULL);
    fclose(f);
    CHECK(s == NULL);
    scene_free(s);
    CHECK(buf && strstr(buf, ":5:11: error: panel 'loss-surface' needs data with one feature x "
                             "and a target y (data-1d), but the scene has no 'data' section") != NULL);
    CHECK(buf && strstr(buf, ":5:11: error: panel 'loss-surface' needs a model that is a line "
                             "y = w x + b with mean squared error (line-mse), which model "
                             "'parabola' does not provide (kinds that do: model 'linear')") != NULL);
    free(buf);
}

/* A 1-D logistic model has two parameters (w, b) and a loss over the data,
 * but its loss is cross-entropy: the MSE surface of a line would be a lie
 * under its label. Refused at the panel, in words. */
static void loss_surface_refuses_a_logistic_model(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diag_set_stream(f);
    struct scene *s = scene_from_text(
        "id: t\n"
        "data: {kind: gaussian-classes, centers: [-2, 0, 2, 0]}\n"
        "model: {kind: logistic}\n"
        "trainer: {kind: gd}\n"
        "panels:\n"
        "  - kind: loss-surface\n");
    diag_set_stream(NULL);
    fclose(f);
    CHECK(s == NULL);
    scene_free(s);
    CHECK(buf && strstr(buf, ":6:11: error: panel 'loss-surface' needs a model that is a line "
                             "y = w x + b with mean squared error (line-mse), which model "
                             "'logistic' does not provide (kinds that do: model 'linear')") != NULL);
    free(buf);
}

int main(void)
{
    RUN(quadratic_form_equals_the_direct_mse_at_random_points);
    RUN(moments_minimum_is_the_least_squares_fit);
    RUN(colormaps_run_from_their_low_to_their_high_colour);
    RUN(loss_surface_paints_the_bottom_of_the_bowl_in_the_low_colour);
    RUN(loss_surface_colour_bar_runs_from_low_to_high);
    RUN(diverging_descent_is_drawn_not_fatal);
    RUN(heat_map_is_computed_once_per_size_and_draws_the_same_bytes);
    RUN(heat_map_of_other_data_is_not_reused);
    RUN(heat_map_cache_draws_the_same_bytes_on_concurrent_threads);
    RUN(loss_surface_needs_a_line_model);
    RUN(loss_surface_refuses_a_logistic_model);
    panel_release();
    draw_fonts_release();
    return CHECK_SUMMARY();
}
