/* The chart panels (bar-race, pie, and series' opening): their layouts as
 * pure functions (ranks, the glide between two years, labels moved apart,
 * pie slices and their labels), then the panels drawn through the real
 * loader and renderer from a small CSV, checked by colour class. The data
 * are rows of assets/GDPs.csv (World Bank), so the cases are the lessons'
 * own: Japan passing Germany in 1972, China's thin slice beside the UK's. */
#include <cairo.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "diag_capture.h"
#include "panel/chart.h"
#include "pixel_util.h"
#include "render.h"

/* China, Germany, UK, Japan, USA (trillions of US$). */
static const double gdp1971[5] = {0.099800959, 0.249985, 0.148114, 0.240152, 1.16485};
static const double gdp1972[5] = {0.113688, 0.299802, 0.169965, 0.318031, 1.27911};
static const double gdp1970[5] = {0.092602973, 0.215838, 0.130672, 0.212609, 1.0733};
static const double gdp1987[5] = {0.272973, 1.29818, 0.745163, 2.53281, 4.85522};
static const double gdp2009[5] = {5.1017, 3.39779, 2.4258, 5.28949, 14.4489};
static const double gdp2019[5] = {14.2799, 3.88833, 2.87867, 5.14878, 21.4332};

/* ---- the bar race's layout -------------------------------------------------- */

static void ranks_put_the_largest_first_and_keep_ties_in_order(void)
{
    int r[5];
    chart_ranks(gdp2009, 5, r);
    /* USA, Japan, China, Germany, UK */
    CHECK(r[4] == 0 && r[3] == 1 && r[0] == 2 && r[1] == 3 && r[2] == 4);
    static const double tie[3] = {2, 5, 2};
    chart_ranks(tie, 3, r);
    CHECK(r[1] == 0 && r[0] == 1 && r[2] == 2);
    /* Not a number counts as nothing, never as the largest. */
    static const double nan3[3] = {1, NAN, 3};
    chart_ranks(nan3, 3, r);
    CHECK(r[2] == 0 && r[0] == 1 && r[1] == 2);
}

static void glide_runs_from_the_old_ranks_to_the_new_and_prints_the_new_values(void)
{
    struct bar_place p[5];
    bar_race_place(gdp1971, gdp1972, 5, 0, p);
    /* 1971: USA, Germany, Japan, UK, China from the top. */
    CHECK_NEAR(p[4].center, 0.5, 1e-12);
    CHECK_NEAR(p[1].center, 1.5, 1e-12);
    CHECK_NEAR(p[3].center, 2.5, 1e-12);
    CHECK_NEAR(p[1].value, gdp1971[1], 1e-12);
    bar_race_place(gdp1971, gdp1972, 5, 1, p);
    /* 1972: Japan has passed Germany. */
    CHECK_NEAR(p[3].center, 1.5, 1e-12);
    CHECK_NEAR(p[1].center, 2.5, 1e-12);
    CHECK(p[3].rank == 1 && p[1].rank == 2);
    bar_race_place(gdp1971, gdp1972, 5, 0.5, p);
    CHECK_NEAR(p[3].center, 2.0, 1e-12);
    CHECK_NEAR(p[3].value, (gdp1971[3] + gdp1972[3]) / 2, 1e-12);
    /* Whatever the motion, the value printed is the year's own. */
    for (int k = 0; k < 5; k++)
        CHECK(p[k].shown == gdp1972[k]);
    /* The bar that rises (Japan) is drawn over the one that falls. */
    CHECK(p[3].order > p[1].order);
}

static void crowded_labels_move_apart_and_never_overlap_through_a_swap(void)
{
    /* Slots of 90 px, labels 17 px apart at least, for every fraction of
     * the 1971 -> 1972 glide (Japan and Germany meet half way). */
    const double slot = 90, gap = 17;
    for (int i = 0; i <= 100; i++) {
        struct bar_place p[5];
        bar_race_place(gdp1971, gdp1972, 5, i / 100.0, p);
        double y[5];
        int order[5];
        for (int k = 0; k < 5; k++) {
            y[k] = p[k].center * slot;
            order[k] = p[k].order;
        }
        double before[5];
        memcpy(before, y, sizeof y);
        chart_spread_labels(y, order, 5, gap, gap / 2, 5 * slot - gap / 2);
        for (int a = 0; a < 5; a++)
            for (int b = a + 1; b < 5; b++)
                CHECK(fabs(y[a] - y[b]) >= gap - 1e-9);
        /* Labels that are not crowded stay at their bars. */
        CHECK(y[4] == before[4] && y[0] == before[0] && y[2] == before[2]);
        /* Where the two bars are level, the rising one's name is above. */
        if (i == 50)
            CHECK(y[3] < y[1]);
    }
    /* Three labels in one place: spread around it, in the drawing order. */
    double y[3] = {100, 100, 100};
    int order[3] = {0, 2, 1};
    chart_spread_labels(y, order, 3, 20, 0, 1000);
    CHECK_NEAR(y[1], 80, 1e-9);
    CHECK_NEAR(y[2], 100, 1e-9);
    CHECK_NEAR(y[0], 120, 1e-9);
}

/* ---- the pie's layout ------------------------------------------------------- */

static void pie_slices_run_counterclockwise_from_the_start_sorted_ascending(void)
{
    struct pie_slice s[5];
    static const double explode[5] = {0.01, 0.02, 0.03, 0.04, 0.05};
    double start = -45 * M_PI / 180;
    int n = pie_slices(gdp2009, 5, 0, start, explode, s);
    CHECK(n == 5);
    /* UK, Germany, China, Japan, USA: the original's sort_values(). */
    static const int want[5] = {2, 1, 0, 3, 4};
    static const char *const pct[5] = {"7.9", "11.1", "16.6", "17.3", "47.1"};
    double total = 0;
    for (int k = 0; k < n; k++) {
        CHECK(s[k].series == want[k]);
        CHECK_NEAR(s[k].explode, explode[k], 0);
        CHECK_NEAR(s[k].a1 - s[k].a0, s[k].share * 2 * M_PI, 1e-12);
        if (k)
            CHECK_NEAR(s[k].a0, s[k - 1].a1, 1e-12);
        char buf[16];
        snprintf(buf, sizeof buf, "%.1f", 100 * s[k].share);
        CHECK_STR(buf, pct[k]);
        total += s[k].share;
    }
    CHECK_NEAR(s[0].a0, start, 1e-12);
    CHECK_NEAR(total, 1, 1e-12);
    CHECK_NEAR(s[4].a1, start + 2 * M_PI, 1e-9);
    /* Descending, and nothing to share. */
    CHECK(pie_slices(gdp2009, 5, 1, 0, NULL, s) == 5 && s[0].series == 4 && s[4].series == 2);
    static const double none[2] = {0, NAN};
    CHECK(pie_slices(none, 2, 0, 0, NULL, s) == 0);
}

static void bar_race_values_past_1e15_are_not_a_wall_of_digits(void)
{
    char buf[96];
    bar_race_value_text(buf, sizeof buf, "$", 2, 1.5, "T");
    CHECK_STR(buf, "$1.50T");
    bar_race_value_text(buf, sizeof buf, NULL, 2, 1e308, NULL);
    CHECK_STR(buf, "1e+308");
    bar_race_value_text(buf, sizeof buf, NULL, 12, -2.5e20, " t");
    CHECK_STR(buf, "-2.5e+20 t");
    bar_race_value_text(buf, sizeof buf, NULL, 2, NAN, NULL);
    CHECK_STR(buf, "n/a");
}

static void pie_slices_share_out_values_whose_sum_overflows(void)
{
    /* Five values near the largest double: their sum is inf, their shares
     * are still a fifth each, not "nothing to share". */
    static const double huge[5] = {1e308, 1e308, 1e308, 1e308, 1e308};
    struct pie_slice s[5];
    CHECK(pie_slices(huge, 5, 0, 0, NULL, s) == 5);
    for (int k = 0; k < 5; k++)
        CHECK_NEAR(s[k].share, 0.2, 1e-12);
    CHECK_NEAR(s[4].a1, 2 * M_PI, 1e-9);
    static const double mixed[3] = {DBL_MAX, DBL_MAX, 0};
    CHECK(pie_slices(mixed, 3, 0, 0, NULL, s) == 2);
    CHECK_NEAR(s[0].share, 0.5, 1e-12);
}

static void pie_labels_never_overlap_even_for_thin_slices(void)
{
    /* As the panel places them: percentages from 0.6 radii, then names
     * from 1.1, each pushed out past those before; sizes as DejaVu at 14
     * px about gives them. */
    static const char *const names[5] = {"China", "Germany", "UK", "Japan", "USA"};
    const double *years[] = {gdp1970, gdp1987, gdp2009, gdp2019};
    const double radius = 200, cx = 600, cy = 400, lh = 17;
    for (size_t y = 0; y < sizeof years / sizeof years[0]; y++) {
        struct pie_slice s[5];
        int n = pie_slices(years[y], 5, 0, -M_PI / 4, NULL, s);
        struct chart_rect placed[10];
        int np = 0;
        for (int k = 0; k < n; k++, np++)
            pie_place_label(&s[k], cx, cy, radius, 0.6, 42, lh, placed, np, &placed[np]);
        for (int k = 0; k < n; k++, np++)
            pie_place_label(&s[k], cx, cy, radius, 1.1, 9.0 * strlen(names[s[k].series]), lh,
                            placed, np, &placed[np]);
        for (int a = 0; a < np; a++)
            for (int b = a + 1; b < np; b++)
                CHECK(!chart_rects_overlap(&placed[a], &placed[b]));
        /* A name is outside the pie: its box keeps clear of the disc. */
        for (int k = n; k < np; k++) {
            double nx = fmin(fmax(cx, placed[k].x), placed[k].x + placed[k].w);
            double ny = fmin(fmax(cy, placed[k].y), placed[k].y + placed[k].h);
            CHECK(hypot(nx - cx, ny - cy) > radius);
        }
    }
    /* 1987: China's 2.8% does not fit in its slice, so it goes outside. */
    struct pie_slice s[5];
    pie_slices(gdp1987, 5, 0, -M_PI / 4, NULL, s);
    CHECK(s[0].series == 0 && s[0].share < 0.03);
    struct chart_rect r;
    CHECK(pie_place_label(&s[0], cx, cy, radius, 0.6, 42, lh, NULL, 0, &r) > 1);
    /* USA's wide slice keeps its percentage at 0.6 radii. */
    CHECK_NEAR(pie_place_label(&s[4], cx, cy, radius, 0.6, 42, lh, NULL, 0, &r), 0.6, 1e-12);
}

/* ---- the panels, drawn ------------------------------------------------------ */

static char dir[64];

static struct scene *load_scene(const char *yaml)
{
    char path[128];
    snprintf(path, sizeof path, "%s/charts.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    /* Three series whose order changes: a passes b in the second row. */
    fputs("year,a,b,c\n2000,1,3,5\n2001,4,3,6\n2002,5,3,7\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/charts.yaml", dir);
    f = fopen(path, "w");
    if (!f)
        return NULL;
    fputs(yaml, f);
    fclose(f);
    return scene_load(path);
}

static const char *const race_yaml =
    "id: t\ncanvas: {width: 800, height: 450, fps: 20}\n"
    "data: {kind: csv, file: charts.csv, features: [year, a, b, c]}\n"
    "beats: {rows: true, seconds: 0.2}\nframes: {tween: 3, hold: 0}\n"
    "panels:\n  - kind: bar-race\n    colors: [\"#d62728\", \"#1f77b4\", \"#2ca02c\"]\n"
    "    x_range: [0, 8]\n    title: \"Year {year}\"\n";

/* The y centre of the bars of a colour class, in a band just right of
 * the value axis' 0 where every bar is (values of 1 and more of 8). */
static double bar_y(cairo_surface_t *surf, int (*is)(uint32_t))
{
    return box_find(surf, is, 50, 0, 90, 450).cy;
}

static void bar_race_puts_the_largest_on_top_in_its_own_colour(void)
{
    struct scene *s = load_scene(race_yaml);
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t[1];
    CHECK(scene_simulate(s, t) == 0);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 800, 450);
    CHECK(render_draw(s, t, 0, surf) == 0);
    /* 2000: c (green) 5 > b (blue) 3 > a (red) 1. */
    double g0 = bar_y(surf, is_green), b0 = bar_y(surf, is_blue), r0 = bar_y(surf, is_red);
    CHECK(g0 < b0 && b0 < r0);
    /* Longer bars for larger values: green reaches furthest right. */
    CHECK(box_find(surf, is_green, 0, 0, 800, 450).x1 > box_find(surf, is_blue, 0, 0, 800, 450).x1);
    CHECK(render_draw(s, t, 1, surf) == 0);
    /* 2001: a (red) 4 has passed b (blue) 3, and keeps its colour. */
    double b1 = bar_y(surf, is_blue), r1 = bar_y(surf, is_red);
    CHECK(r1 < b1);
    CHECK_NEAR(r1, b0, 2);
    CHECK_NEAR(b1, r0, 2);
    cairo_surface_destroy(surf);
    trace_release(t);
    scene_free(s);
}

static void bar_race_tween_pictures_lie_between_the_years(void)
{
    struct scene *s = load_scene(race_yaml);
    CHECK(s != NULL);
    if (!s)
        return;
    struct stage st;
    CHECK(stage_prepare(&st, s) == 0);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 800, 450);
    /* 4 frames a year: frames 4..7 are 2001, 4..6 on the way from 2000. */
    CHECK(st.tl.f[5].step == 1 && st.tl.f[5].nsub == 4 && st.tl.f[7].nsub == 1);
    double ry[8];
    for (int i = 3; i <= 7; i++) {
        CHECK(render_frame(&st, i, surf) == 0);
        ry[i] = bar_y(surf, is_red);
    }
    /* The red bar rises steadily from its 2000 place to its 2001 place. */
    CHECK(ry[3] > ry[4] && ry[4] > ry[5] && ry[5] > ry[6] && ry[6] > ry[7]);
    CHECK_NEAR(ry[5], (ry[3] + ry[7]) / 2, 3);
    cairo_surface_destroy(surf);
    stage_release(&st);
    scene_free(s);
}

static void series_with_a_first_row_opens_with_two_rows_drawn(void)
{
    struct scene *s = load_scene(
        "id: t\ndata: {kind: csv, file: charts.csv, features: [year, a, b, c]}\n"
        "beats: {rows: true, first_row: 1, seconds: 0.2}\nframes: {hold: 0}\n"
        "panels:\n  - kind: series\n    x: year\n    series: [a]\n    colors: [\"#1f77b4\"]\n"
        "    x_range: [2000, 2002]\n    y_range: [0, 8]\n    legend: none\n"
        "    title: \"till {year}\"\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t[1];
    CHECK(scene_simulate(s, t) == 0);
    CHECK(t[0].nrec == 2);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 800, 450);
    CHECK(render_draw(s, t, 0, surf) == 0);
    /* The line from 2000 to 2001 spans half the x axis, not a point. */
    struct box line = box_find(surf, is_blue, 0, 0, 800, 450);
    CHECK(line.n > 0 && line.x1 - line.x0 > 250);
    CHECK(render_draw(s, t, 1, surf) == 0);
    CHECK(box_find(surf, is_blue, 0, 0, 800, 450).x1 - line.x0 > 500);
    cairo_surface_destroy(surf);
    trace_release(t);
    scene_free(s);
}

static void chart_panels_report_a_misspelt_column_where_it_is(void)
{
    static const char *const kinds[] = {"bar-race", "pie"};
    for (int i = 0; i < 2; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 "id: t\ndata: {kind: csv, file: charts.csv, features: [year, a, b, c]}\n"
                 "beats: {rows: true, seconds: 0.2}\n"
                 "panels:\n  - kind: %s\n    series: [a, bb]\n", kinds[i]);
        capture_start();
        struct scene *s = load_scene(yaml);
        CHECK(s == NULL);
        CHECK(strstr(capture_text(), "charts.yaml:6:") != NULL);
        CHECK(strstr(capture_text(), "did you mean 'b'?") != NULL);
        capture_end();
        scene_free(s);
    }
    /* One colour too few, and explode of the wrong length. */
    capture_start();
    struct scene *s = load_scene(
        "id: t\ndata: {kind: csv, file: charts.csv, features: [year, a, b, c]}\n"
        "beats: {rows: true, seconds: 0.2}\n"
        "panels:\n  - {kind: pie, colors: [\"#000000\", \"#ffffff\"], explode: [0.1]}\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "'colors' of panel 'pie' has 2 items for 3 series") != NULL);
    CHECK(strstr(capture_text(), "'explode' of panel 'pie' has 1 item for 3 series") != NULL);
    capture_end();
    scene_free(s);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mlanim-charts-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RUN(ranks_put_the_largest_first_and_keep_ties_in_order);
    RUN(glide_runs_from_the_old_ranks_to_the_new_and_prints_the_new_values);
    RUN(crowded_labels_move_apart_and_never_overlap_through_a_swap);
    RUN(pie_slices_run_counterclockwise_from_the_start_sorted_ascending);
    RUN(bar_race_values_past_1e15_are_not_a_wall_of_digits);
    RUN(pie_slices_share_out_values_whose_sum_overflows);
    RUN(pie_labels_never_overlap_even_for_thin_slices);
    RUN(bar_race_puts_the_largest_on_top_in_its_own_colour);
    RUN(bar_race_tween_pictures_lie_between_the_years);
    RUN(series_with_a_first_row_opens_with_two_rows_drawn);
    RUN(chart_panels_report_a_misspelt_column_where_it_is);
    char path[128];
    snprintf(path, sizeof path, "%s/charts.csv", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/charts.yaml", dir);
    unlink(path);
    rmdir(dir);
    draw_fonts_release();
    return CHECK_SUMMARY();
}
