/* test_draw: the drawing primitives, checked by their numbers and pixels.
 *
 * The pure parts (viewport transforms, tick values and labels) are checked
 * exactly. The cairo parts are checked on small ARGB32 surfaces that start
 * fully transparent, so "untouched" is simply a zero pixel: marks must land
 * where the data says, stay inside their panel or plot area, and render
 * byte-identically twice in a row. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "check.h"
#include "diag.h"
#include "draw.h"
#include "math/math.h"

/* ---- helpers ------------------------------------------------------------ */

static cairo_surface_t *blank(int w, int h)
{
    return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
}

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    cairo_surface_flush(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    return ((const uint32_t *)(d + (size_t)y * stride))[x];
}

/* Bounding box of every touched pixel; 0 if the surface is empty. */
static int ink_box(cairo_surface_t *s, int *x0, int *y0, int *x1, int *y1)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int found = 0;
    *x0 = w;
    *y0 = h;
    *x1 = *y1 = -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (pixel(s, x, y)) {
                found = 1;
                if (x < *x0) *x0 = x;
                if (x > *x1) *x1 = x;
                if (y < *y0) *y0 = y;
                if (y > *y1) *y1 = y;
            }
    return found;
}

static int is_125_step(double step)
{
    double m = step / pow(10, floor(log10(step) + 1e-12));
    return fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9;
}

/* Everything a nice tick list promises, for any range. */
static void check_nice(double lo, double hi, int target)
{
    double t[64], step = 0;
    int n = ticks_nice(lo, hi, target, t, 64, &step);
    double a = fmin(lo, hi), b = fmax(lo, hi);
    CHECK(n >= 2);
    CHECK(abs(n - target) <= target / 2 + 1);
    CHECK(step > 0);
    CHECK(is_125_step(step));
    for (int i = 0; i < n; i++) {
        CHECK(t[i] >= a && t[i] <= b);
        CHECK_NEAR(t[i] / step, round(t[i] / step), 1e-9);
        if (i > 0)
            CHECK_NEAR(t[i] - t[i - 1], step, step * 1e-9);
    }
    /* Covering the range: no room for another tick at either end. */
    if (n > 0) {
        CHECK(t[0] - step < a);
        CHECK(t[n - 1] + step > b);
    }
}

/* ---- viewport ----------------------------------------------------------- */

static void linear_viewport_maps_range_onto_rectangle_and_back(void)
{
    struct viewport v = { .px = 100, .py = 50, .pw = 400, .ph = 300,
                          .x0 = -2, .x1 = 6, .y0 = 0, .y1 = 10 };
    CHECK_NEAR(vp_x(&v, -2), 100, 1e-12);
    CHECK_NEAR(vp_x(&v, 6), 500, 1e-12);
    CHECK_NEAR(vp_x(&v, 2), 300, 1e-12);
    CHECK_NEAR(vp_y(&v, 0), 350, 1e-12);
    CHECK_NEAR(vp_y(&v, 10), 50, 1e-12);
    CHECK_NEAR(vp_y(&v, 5), 200, 1e-12);
    const double xs[] = { -2, -0.37, 1.7, 6, 9.5 };
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        CHECK_NEAR(vp_data_x(&v, vp_x(&v, xs[i])), xs[i], 1e-12);
        CHECK_NEAR(vp_data_y(&v, vp_y(&v, xs[i])), xs[i], 1e-12);
    }
    CHECK_NEAR(vp_data_x(&v, 123.25), -2 + 23.25 / 50, 1e-12);
}

static void viewport_y_grows_upward(void)
{
    struct viewport v = { .px = 0, .py = 0, .pw = 10, .ph = 10,
                          .x0 = 0, .x1 = 1, .y0 = 0, .y1 = 1 };
    CHECK(vp_y(&v, 0.7) < vp_y(&v, 0.3));
    CHECK(vp_data_y(&v, 1) > vp_data_y(&v, 9));
}

static void log_viewport_spaces_decades_evenly_and_inverts(void)
{
    struct viewport v = { .px = 100, .py = 0, .pw = 300, .ph = 400,
                          .x0 = 1, .x1 = 1000, .y0 = 0.01, .y1 = 100, .xlog = 1, .ylog = 1 };
    CHECK_NEAR(vp_x(&v, 1), 100, 1e-9);
    CHECK_NEAR(vp_x(&v, 10), 200, 1e-9);
    CHECK_NEAR(vp_x(&v, 100), 300, 1e-9);
    CHECK_NEAR(vp_y(&v, 1), 200, 1e-9);
    CHECK_NEAR(vp_y(&v, 100), 0, 1e-9);
    CHECK_NEAR(vp_data_x(&v, vp_x(&v, 37.5)), 37.5, 1e-9);
    CHECK_NEAR(vp_data_y(&v, vp_y(&v, 0.0421)), 0.0421, 1e-12);
    CHECK(!isfinite(vp_x(&v, 0)));
    CHECK(!isfinite(vp_y(&v, -3)));
}

/* ---- ticks -------------------------------------------------------------- */

static void nice_ticks_cover_range_with_125_steps(void)
{
    check_nice(0, 10, 5);
    check_nice(-5, 25, 6);
    check_nice(0.0012, 0.0047, 5);
    check_nice(-1, 1, 5);
    check_nice(3.7, 1234.5, 7);
    check_nice(-0.7, 0.7, 7);
    check_nice(1e6, 1e6 + 3, 6);
}

static void nice_ticks_on_0_to_10_are_the_even_numbers(void)
{
    double t[16], step = 0;
    int n = ticks_nice(0, 10, 5, t, 16, &step);
    CHECK(n == 6);
    CHECK(step == 2);
    for (int i = 0; i < n && i < 6; i++)
        CHECK(t[i] == 2.0 * i);
}

static void nice_ticks_are_exact_decimals(void)
{
    double t[16], step = 0;
    int n = ticks_nice(0.0012, 0.0047, 5, t, 16, &step);
    CHECK(n == 7);
    CHECK(step == 0.0005);
    CHECK(n > 0 && t[0] == 0.0015);
    CHECK(n > 6 && t[6] == 0.0045);
    n = ticks_nice(-0.7, 0.7, 7, t, 16, &step);
    int zero = 0;
    for (int i = 0; i < n; i++)
        if (t[i] == 0) {
            zero = 1;
            CHECK(!signbit(t[i]));
        }
    CHECK(zero);
}

static void nice_ticks_handle_degenerate_and_reversed_ranges(void)
{
    double t[16], u[16], step = 0, step2 = 0;
    int n = ticks_nice(1, 1, 5, t, 16, &step);
    CHECK(n == 1);
    CHECK(n == 1 && t[0] == 1);
    CHECK(step > 0);

    n = ticks_nice(25, -5, 6, t, 16, &step);
    int m = ticks_nice(-5, 25, 6, u, 16, &step2);
    CHECK(n == m);
    CHECK(step == step2);
    for (int i = 0; i < n && i < m; i++)
        CHECK(t[i] == u[i]);
    check_nice(10, 0, 5);
}

static void nice_ticks_reject_nan_and_respect_cap(void)
{
    double t[16], step = 1;
    CHECK(ticks_nice(NAN, 1, 5, t, 16, &step) == 0);
    CHECK(ticks_nice(0, NAN, 5, t, 16, &step) == 0);
    CHECK(ticks_nice(0, INFINITY, 5, t, 16, &step) == 0);
    int n = ticks_nice(0, 100, 50, t, 4, &step);
    CHECK(n >= 1 && n <= 4);
}

static void log_ticks_are_decades_when_there_are_three(void)
{
    double t[32];
    int n = ticks_log(1, 200, t, 32);
    CHECK(n == 3);
    CHECK(n == 3 && t[0] == 1 && t[1] == 10 && t[2] == 100);
    n = ticks_log(0.5, 5e4, t, 32);
    CHECK(n == 5);
    const double want[] = { 1, 10, 100, 1000, 1e4 };
    for (int i = 0; i < n && i < 5; i++)
        CHECK(t[i] == want[i]);
    n = ticks_log(5e4, 0.5, t, 32);
    CHECK(n == 5);
}

static void log_ticks_add_2_and_5_when_decades_are_few(void)
{
    double t[32];
    int n = ticks_log(1, 50, t, 32);
    const double want[] = { 1, 2, 5, 10, 20, 50 };
    CHECK(n == 6);
    for (int i = 0; i < n && i < 6; i++)
        CHECK_NEAR(t[i], want[i], 1e-12);
    n = ticks_log(0.03, 0.3, t, 32);
    CHECK(n == 3);
    CHECK(n == 3 && fabs(t[0] - 0.05) < 1e-15 && fabs(t[1] - 0.1) < 1e-15
          && fabs(t[2] - 0.2) < 1e-15);
    CHECK(ticks_log(0, 10, t, 32) == 0);
    CHECK(ticks_log(-1, 10, t, 32) == 0);
    CHECK(ticks_log(NAN, 10, t, 32) == 0);
}

static void tick_labels_use_the_decimals_the_step_needs(void)
{
    char b[64];
    ticks_format(0.5, 0.5, 0, b, sizeof b);
    CHECK_STR(b, "0.5");
    ticks_format(10, 5, 0, b, sizeof b);
    CHECK_STR(b, "10");
    ticks_format(-1e-17, 2, 0, b, sizeof b);
    CHECK_STR(b, "0");
    ticks_format(-0.0, 1, 0, b, sizeof b);
    CHECK_STR(b, "0");
    ticks_format(-2.5, 0.5, 0, b, sizeof b);
    CHECK_STR(b, "-2.5");
    ticks_format(1.0, 0.5, 0, b, sizeof b);
    CHECK_STR(b, "1.0");
    ticks_format(0.0015, 0.0005, 0, b, sizeof b);
    CHECK_STR(b, "0.0015");
    ticks_format(0.3, 0.1, 0, b, sizeof b);
    CHECK_STR(b, "0.3");
    ticks_format(0.002, 0.001, 0, b, sizeof b);
    CHECK_STR(b, "0.002");
    ticks_format(-0.00001, 0.1, 0, b, sizeof b);
    CHECK_STR(b, "0.0");
}

static void tick_labels_use_exponents_for_huge_and_tiny_steps(void)
{
    char b[64];
    ticks_format(2e6, 5e5, 0, b, sizeof b);
    CHECK_STR(b, "2e6");
    ticks_format(1.5e6, 5e5, 0, b, sizeof b);
    CHECK_STR(b, "1.5e6");
    ticks_format(1.25e8, 5e6, 0, b, sizeof b);
    CHECK_STR(b, "1.25e8");
    ticks_format(0, 5e5, 0, b, sizeof b);
    CHECK_STR(b, "0");
    ticks_format(-3e-7, 1e-7, 0, b, sizeof b);
    CHECK_STR(b, "-3e-7");
    /* Small steps on values far from zero stay in fixed notation. */
    ticks_format(1.0000005, 5e-7, 0, b, sizeof b);
    CHECK_STR(b, "1.0000005");
}

static void log_tick_labels_switch_to_exponents_outside_0_01_to_1000(void)
{
    char b[64];
    ticks_format(1, 0, 1, b, sizeof b);
    CHECK_STR(b, "1");
    ticks_format(1000, 0, 1, b, sizeof b);
    CHECK_STR(b, "1000");
    ticks_format(1e4, 0, 1, b, sizeof b);
    CHECK_STR(b, "1e4");
    ticks_format(0.01, 0, 1, b, sizeof b);
    CHECK_STR(b, "0.01");
    ticks_format(0.001, 0, 1, b, sizeof b);
    CHECK_STR(b, "1e-3");
    ticks_format(20, 0, 1, b, sizeof b);
    CHECK_STR(b, "20");
    ticks_format(0.05, 0, 1, b, sizeof b);
    CHECK_STR(b, "0.05");
    ticks_format(5e6, 0, 1, b, sizeof b);
    CHECK_STR(b, "5e6");
}

/* ---- themes and fonts --------------------------------------------------- */

static double luma(uint32_t c)
{
    return 0.299 * ((c >> 16) & 0xFF) + 0.587 * ((c >> 8) & 0xFF) + 0.114 * (c & 0xFF);
}

static void themes_are_found_by_name_and_contrast(void)
{
    int count = 0;
    for (int i = 0; theme_names[i]; i++, count++) {
        const struct theme *th = theme_find(theme_names[i]);
        CHECK(th != NULL);
        if (!th)
            continue;
        CHECK_STR(th->name, theme_names[i]);
        CHECK(fabs(luma(th->text) - luma(th->background)) > 150);
        CHECK(fabs(luma(th->muted) - luma(th->background)) > 90);
        CHECK(th->font_size > 8 && th->title_size >= th->font_size);
        for (int j = 0; j < 6; j++)
            CHECK((th->series[j] >> 24) == 0xFF);
    }
    CHECK(count == 2);
    CHECK(theme_find("neon") == NULL);
    CHECK(theme_find(NULL) == NULL);
    CHECK(luma(theme_find("dark")->background) < luma(theme_find("light")->background));
}

static void fonts_load_and_measure_text_consistently(void)
{
    CHECK(draw_fonts_init() == 0);
    CHECK(draw_fonts_init() == 0);
    cairo_surface_t *s = blank(10, 10);
    cairo_t *cr = cairo_create(s);
    draw_font(cr, 0, 13);
    double w1 = draw_text_width(cr, "Hello");
    double w2 = draw_text_width(cr, "Hello");
    CHECK(w1 > 0);
    CHECK(w1 == w2);
    draw_font(cr, 1, 13);
    CHECK(draw_text_width(cr, "Hello") > w1);
    draw_font(cr, 0, 26);
    CHECK_NEAR(draw_text_width(cr, "Hello"), 2 * w1, 1e-6);
    CHECK(draw_text_width(cr, "") == 0);
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void missing_font_dir_is_reported_with_its_path(void)
{
    char saved[1024] = "";
    const char *orig = getenv("MLANIM_FONT_DIR");
    if (orig)
        snprintf(saved, sizeof saved, "%s", orig);
    draw_fonts_release();
    setenv("MLANIM_FONT_DIR", "/nonexistent-mlanim-fonts", 1);
    FILE *log = tmpfile();
    CHECK(log != NULL);
    if (log)
        diag_set_stream(log);
    CHECK(draw_fonts_init() == -1);
    CHECK(draw_fonts_init() == -1);
    diag_set_stream(stderr);
    if (log) {
        char text[1024] = "";
        rewind(log);
        size_t got = fread(text, 1, sizeof text - 1, log);
        text[got] = '\0';
        CHECK(strstr(text, "/nonexistent-mlanim-fonts/DejaVuSans.ttf") != NULL);
        /* Reported once, on one line, not once per call. */
        int lines = 0;
        for (char *c = text; *c; c++)
            lines += *c == '\n';
        CHECK(lines == 1);
        fclose(log);
    }
    draw_fonts_release();
    if (orig)
        setenv("MLANIM_FONT_DIR", saved, 1);
    else
        unsetenv("MLANIM_FONT_DIR");
    CHECK(draw_fonts_init() == 0);
}

static void *init_fonts_thread(void *arg)
{
    *(int *)arg = draw_fonts_init();
    return NULL;
}

static void fonts_init_is_safe_from_several_threads(void)
{
    draw_fonts_release();
    pthread_t th[6];
    int rc[6];
    for (int i = 0; i < 6; i++) {
        rc[i] = 99;
        CHECK(pthread_create(&th[i], NULL, init_fonts_thread, &rc[i]) == 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        CHECK(rc[i] == 0);
    }
}

static void text_anchors_use_advance_and_font_box(void)
{
    cairo_surface_t *s = blank(200, 100);
    cairo_t *cr = cairo_create(s);
    draw_font(cr, 0, 20);
    draw_set_color(cr, 0xFF000000);
    double w = draw_text(cr, 100, 50, 0.5, 0.5, "Hello");
    CHECK(w > 0);
    int x0, y0, x1, y1;
    CHECK(ink_box(s, &x0, &y0, &x1, &y1));
    CHECK(fabs((x0 + x1 + 1) / 2.0 - 100) <= 2);
    CHECK(fabs((y0 + y1 + 1) / 2.0 - 50) <= 4);

    /* Top-anchored text starts at or below its anchor and ends within the
     * font's line box, whatever the letters. */
    cairo_surface_t *t = blank(200, 100);
    cairo_t *ct = cairo_create(t);
    draw_font(ct, 0, 20);
    cairo_font_extents_t fe;
    cairo_font_extents(ct, &fe);
    draw_set_color(ct, 0xFF000000);
    draw_text(ct, 10, 30, 0, 0, "Agjy");
    CHECK(ink_box(t, &x0, &y0, &x1, &y1));
    CHECK(y0 >= 29 && y1 <= 30 + fe.ascent + fe.descent + 1);
    CHECK(x0 >= 9);

    /* Bad UTF-8 from a script must not put the context into an error state. */
    CHECK(draw_text(ct, 10, 70, 0, 0, "bad \xFF byte") > 0);
    CHECK(cairo_status(ct) == CAIRO_STATUS_SUCCESS);
    cairo_destroy(ct);
    cairo_surface_destroy(t);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* ---- marks -------------------------------------------------------------- */

static double half(double x, const void *ctx)
{
    (void)x;
    (void)ctx;
    return 0.5;
}

static void function_is_drawn_at_its_value(void)
{
    cairo_surface_t *s = blank(200, 100);
    cairo_t *cr = cairo_create(s);
    struct viewport v = { .px = 0, .py = 0, .pw = 200, .ph = 100,
                          .x0 = 0, .x1 = 1, .y0 = 0, .y1 = 1 };
    draw_function(cr, &v, half, NULL, 50, 2, 0xFF2CA02C);
    CHECK(pixel(s, 100, 49) == 0xFF2CA02C);
    CHECK(pixel(s, 100, 50) == 0xFF2CA02C);
    CHECK(pixel(s, 100, 45) == 0);
    CHECK(pixel(s, 100, 55) == 0);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void scatter_and_polyline_stay_inside_the_plot_area(void)
{
    cairo_surface_t *s = blank(300, 200);
    cairo_t *cr = cairo_create(s);
    struct viewport v = { .px = 50, .py = 50, .pw = 200, .ph = 100,
                          .x0 = 0, .x1 = 1, .y0 = 0, .y1 = 1 };
    const double xs[] = { 0, 0.5, 1, 1.5, 0.3 };
    const double ys[] = { 0, 0.5, 1, 1e12, -1e300 };
    draw_scatter(cr, &v, xs, ys, 5, 6, 0xFF1F77B4, 0xFFFFFFFF);
    draw_polyline(cr, &v, xs, ys, 5, 3, 0xFFD62728, 1);
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    int x0, y0, x1, y1;
    CHECK(ink_box(s, &x0, &y0, &x1, &y1));
    CHECK(x0 >= 50 && y0 >= 50 && x1 < 250 && y1 < 150);
    CHECK(pixel(s, 150, 100) != 0);     /* the middle point */
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* Runs of mostly covered pixels along row y: their count, and the
 * shortest and longest but for the last (where the line may end inside a
 * dash). */
static int ink_runs(cairo_surface_t *s, int y, int *shortest, int *longest)
{
    int w = cairo_image_surface_get_width(s), n = 0, len = 0, prev = 0;
    *shortest = w;
    *longest = 0;
    for (int x = 0; x <= w; x++) {
        int on = x < w && (pixel(s, x, y) >> 24) > 127;
        if (on) {
            len++;
        } else if (len) {
            if (n && prev < *shortest) *shortest = prev;
            if (n && prev > *longest) *longest = prev;
            prev = len;
            n++;
            len = 0;
        }
    }
    if (n == 1)
        *shortest = *longest = prev;
    return n;
}

/* Each pattern along a straight line of width 4: solid is one stroke,
 * dashed 3 widths on and 2 off, dotted round dots a width across, dash-dot
 * both in turn. */
static void line_patterns_leave_the_gaps_they_promise(void)
{
    int counts[4], shortest[4], longest[4];
    for (int dash = DRAW_SOLID; dash <= DRAW_DASHDOT; dash++) {
        cairo_surface_t *s = blank(400, 40);
        cairo_t *cr = cairo_create(s);
        struct viewport v = { .px = 0, .py = 0, .pw = 400, .ph = 40,
                              .x0 = 0, .x1 = 400, .y0 = 0, .y1 = 40 };
        const double xs[] = { 20, 200, 380 }, ys[] = { 20, 20, 20 };
        draw_polyline(cr, &v, xs, ys, 3, 4, 0xFF000000, dash);
        CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
        counts[dash] = ink_runs(s, 20, &shortest[dash], &longest[dash]);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
    }
    CHECK(counts[DRAW_SOLID] == 1 && longest[DRAW_SOLID] >= 360);
    CHECK(counts[DRAW_DASHED] >= 15 && counts[DRAW_DASHED] <= 20);
    CHECK(shortest[DRAW_DASHED] >= 10 && longest[DRAW_DASHED] <= 14);
    CHECK(counts[DRAW_DOTTED] >= 32 && counts[DRAW_DOTTED] <= 40);
    CHECK(shortest[DRAW_DOTTED] >= 2 && longest[DRAW_DOTTED] <= 6);
    CHECK(counts[DRAW_DASHDOT] >= 20 && counts[DRAW_DASHDOT] <= 26);
    CHECK(shortest[DRAW_DASHDOT] <= 6 && longest[DRAW_DASHDOT] >= 14);
    CHECK(strcmp(draw_dash_names[DRAW_DOTTED], "dotted") == 0 && !draw_dash_names[4]);
}

static void arrow_draws_a_head_even_when_shorter_than_it(void)
{
    cairo_surface_t *s = blank(100, 60);
    cairo_t *cr = cairo_create(s);
    draw_arrow(cr, 10, 30, 14, 30, 2, 12, 0xFF000000);
    int x0, y0, x1, y1;
    CHECK(ink_box(s, &x0, &y0, &x1, &y1));
    CHECK(x0 >= 9 && x1 <= 14);
    cairo_destroy(cr);
    cairo_surface_destroy(s);

    s = blank(100, 60);
    cr = cairo_create(s);
    draw_arrow(cr, 10, 30, 90, 30, 2, 12, 0xFF000000);
    CHECK(ink_box(s, &x0, &y0, &x1, &y1));
    CHECK(x0 >= 9 && x1 <= 90);
    CHECK(y1 - y0 >= 8);                /* the head is wider than the shaft */
    CHECK(pixel(s, 40, 30) == 0xFF000000);
    CHECK(pixel(s, 40, 27) == 0);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void boxes_fill_stroke_and_round_corners(void)
{
    cairo_surface_t *s = blank(100, 100);
    cairo_t *cr = cairo_create(s);
    draw_box(cr, 10, 10, 40, 30, 0, 0xFF0000FF, 0, 0);
    CHECK(pixel(s, 10, 10) == 0xFF0000FF);
    draw_box(cr, 10, 50, 40, 30, 10, 0xFF00FF00, 0, 0);
    CHECK(pixel(s, 10, 50) == 0);
    CHECK(pixel(s, 30, 65) == 0xFF00FF00);
    draw_box(cr, 60, 10, 30, 30, 4, 0, 0xFFFF0000, 2);
    CHECK(pixel(s, 75, 25) == 0);
    CHECK(pixel(s, 75, 10) != 0);
    draw_circle(cr, 75, 70, 10, 0xFF123456, 0, 0);
    CHECK(pixel(s, 75, 70) == 0xFF123456);
    CHECK(pixel(s, 66, 61) == 0);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* ---- axes --------------------------------------------------------------- */

enum { PANEL_X = 30, PANEL_Y = 20, PANEL_W = 520, PANEL_H = 400 };
#define N_PTS 200

static cairo_surface_t *render_sample(struct viewport *v, double *gap_x)
{
    cairo_surface_t *s = blank(800, 450);
    cairo_t *cr = cairo_create(s);
    const struct theme *th = theme_find("light");
    *v = (struct viewport){ .x0 = 0, .x1 = 10, .y0 = -1.5, .y1 = 1.5 };
    struct axes_style st = { .title = "step 12: w=1.23 b=0.45 MSE=3.21",
                             .xlabel = "x", .ylabel = "y", .grid = 1 };
    draw_axes(cr, th, PANEL_X, PANEL_Y, PANEL_W, PANEL_H, v, &st);
    double xs[N_PTS], ys[N_PTS];
    for (int i = 0; i < N_PTS; i++) {
        xs[i] = 10.0 * i / (N_PTS - 1);
        ys[i] = sin(xs[i]);
    }
    ys[100] = NAN;
    ys[101] = INFINITY;
    *gap_x = vp_x(v, xs[100]);
    draw_polyline(cr, v, xs, ys, N_PTS, 2, th->series[1], 0);
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static void axes_and_line_render_inside_their_panel(void)
{
    struct viewport v;
    double gap_x;
    cairo_surface_t *s = render_sample(&v, &gap_x);
    uint32_t red = theme_find("light")->series[1];

    CHECK(v.px > PANEL_X + 20 && v.py > PANEL_Y + 15);
    CHECK(v.px + v.pw <= PANEL_X + PANEL_W && v.py + v.ph < PANEL_Y + PANEL_H - 30);
    CHECK(v.pw > 350 && v.ph > 250);

    int line_px = 0;
    for (int y = (int)v.py; y < (int)(v.py + v.ph); y++)
        for (int x = (int)v.px; x < (int)(v.px + v.pw); x++)
            line_px += pixel(s, x, y) == red;
    CHECK(line_px > 300);

    int outside = 0;
    for (int y = 0; y < 450; y++)
        for (int x = 0; x < 800; x++)
            if ((x < PANEL_X || x >= PANEL_X + PANEL_W || y < PANEL_Y || y >= PANEL_Y + PANEL_H)
                && pixel(s, x, y) != 0)
                outside++;
    CHECK(outside == 0);

    /* The NaN breaks the line instead of bridging it. */
    int in_gap = 0;
    for (int y = (int)v.py; y < (int)(v.py + v.ph); y++)
        in_gap += pixel(s, (int)gap_x, y) == red;
    CHECK(in_gap == 0);

    /* Tick labels left of the plot and the title above it were drawn. */
    int left_ink = 0, title_ink = 0;
    for (int y = (int)v.py; y < (int)(v.py + v.ph); y++)
        for (int x = PANEL_X; x < (int)v.px - 6; x++)
            left_ink += pixel(s, x, y) != 0;
    for (int y = PANEL_Y; y < (int)v.py; y++)
        for (int x = PANEL_X; x < PANEL_X + PANEL_W; x++)
            title_ink += pixel(s, x, y) != 0;
    CHECK(left_ink > 100);
    CHECK(title_ink > 200);
    cairo_surface_destroy(s);
}

static void rendering_is_deterministic(void)
{
    struct viewport v1, v2;
    double g1, g2;
    cairo_surface_t *a = render_sample(&v1, &g1);
    cairo_surface_t *b = render_sample(&v2, &g2);
    size_t bytes = (size_t)cairo_image_surface_get_stride(a) * 450;
    CHECK(memcmp(cairo_image_surface_get_data(a), cairo_image_surface_get_data(b), bytes) == 0);
    CHECK(memcmp(&v1, &v2, sizeof v1) == 0);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
}

static void long_title_is_fitted_inside_the_panel_padding(void)
{
    cairo_surface_t *s = blank(260, 200);
    cairo_t *cr = cairo_create(s);
    struct viewport v = { .x0 = 1, .x1 = 1e5, .y0 = 0.001, .y1 = 10, .xlog = 1, .ylog = 1 };
    struct axes_style st = { .title = "a very long title that cannot possibly fit in here",
                             .xlabel = "epoch", .ylabel = "loss" };
    draw_axes(cr, theme_find("dark"), 0, 0, 260, 200, &v, &st);
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    int edge_ink = 0;
    for (int y = 0; y < (int)v.py; y++)
        for (int x = 0; x < 6; x++)
            edge_ink += pixel(s, x, y) != 0 || pixel(s, 259 - x, y) != 0;
    CHECK(edge_ink == 0);
    CHECK(v.pw > 100 && v.ph > 80);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* Text with $...$: the formula is laid out by the math module (its box's
 * width at the font size, not the width of the TeX source), sits on the
 * text's baseline, and "\$" is a dollar sign. */
static void text_with_formulas_uses_the_math_layout(void)
{
    CHECK(draw_fonts_init() == 0);
    cairo_surface_t *s = blank(400, 80);
    cairo_t *cr = cairo_create(s);
    draw_font(cr, 0, 20);
    const char *tex = "\\frac{1}{n}\\sum_i x_i";
    struct math_error err;
    struct math_box *b = math_layout(tex, strlen(tex), 0, &err);
    CHECK(b != NULL);
    char text[128];
    snprintf(text, sizeof text, "L $%s$", tex);
    double lw = draw_text_width(cr, "L ");
    if (b)
        CHECK_NEAR(draw_text_width(cr, text), lw + b->width * 20, 1e-9);
    snprintf(text, sizeof text, "L %s", tex);
    double raw = draw_text_width(cr, text);
    CHECK(raw > lw + (b ? b->width : 0) * 20 * 1.5);
    /* "\$5" is "$5" as plain text */
    cairo_text_extents_t te;
    cairo_text_extents(cr, "cost $5", &te);
    CHECK_NEAR(draw_text_width(cr, "cost \\$5"), te.x_advance, 1e-9);
    /* drawn: ink above and below the baseline (numerator, denominator) */
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_text(cr, 10, 40, 0, 0.5, "$\\frac{1}{n}$");
    int x0, y0, x1, y1;
    CHECK(ink_box(s, &x0, &y0, &x1, &y1));
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double baseline = 40 - 0.5 * (fe.ascent + fe.descent) + fe.ascent;
    CHECK(y0 < baseline - 10);          /* the 1 well above the baseline */
    CHECK(y1 > baseline);               /* the n below the axis, under the baseline */
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    math_box_free(b);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

int main(void)
{
    RUN(linear_viewport_maps_range_onto_rectangle_and_back);
    RUN(viewport_y_grows_upward);
    RUN(log_viewport_spaces_decades_evenly_and_inverts);
    RUN(nice_ticks_cover_range_with_125_steps);
    RUN(nice_ticks_on_0_to_10_are_the_even_numbers);
    RUN(nice_ticks_are_exact_decimals);
    RUN(nice_ticks_handle_degenerate_and_reversed_ranges);
    RUN(nice_ticks_reject_nan_and_respect_cap);
    RUN(log_ticks_are_decades_when_there_are_three);
    RUN(log_ticks_add_2_and_5_when_decades_are_few);
    RUN(tick_labels_use_the_decimals_the_step_needs);
    RUN(tick_labels_use_exponents_for_huge_and_tiny_steps);
    RUN(log_tick_labels_switch_to_exponents_outside_0_01_to_1000);
    RUN(themes_are_found_by_name_and_contrast);
    RUN(fonts_load_and_measure_text_consistently);
    RUN(missing_font_dir_is_reported_with_its_path);
    RUN(fonts_init_is_safe_from_several_threads);
    RUN(text_anchors_use_advance_and_font_box);
    RUN(function_is_drawn_at_its_value);
    RUN(scatter_and_polyline_stay_inside_the_plot_area);
    RUN(line_patterns_leave_the_gaps_they_promise);
    RUN(arrow_draws_a_head_even_when_shorter_than_it);
    RUN(boxes_fill_stroke_and_round_corners);
    RUN(axes_and_line_render_inside_their_panel);
    RUN(rendering_is_deterministic);
    RUN(long_title_is_fitted_inside_the_panel_padding);
    RUN(text_with_formulas_uses_the_math_layout);
    math_fonts_release();
    draw_fonts_release();
    return CHECK_SUMMARY();
}
