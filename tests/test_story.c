/* The story kinds of the Data Workshop's first lesson: the subsets trainer
 * and the linear-features model (build-the-dataset), the sort panel
 * (which-learning), the loop panel (learning-loop), and the timeline's
 * rule that makes moving frames pictures of their own.
 *
 * The subsets trainer's held-out scores are checked two ways: against
 * numbers numpy gives for the same table (np.linalg.lstsq on each row
 * left out, written down below with the script that made them), and
 * against the closed form of leave-one-out for least squares, e_i / (1 -
 * h_ii) with the hat matrix of the full fit, computed here independently
 * of the trainer's refitting. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "diag_capture.h"
#include "panel/sort.h"
#include "pixel_util.h"
#include "render.h"
#include "scene_util.h"

/* The eight houses of assets/houses.csv (size, beds, shoe, price). */
static const char *const houses_yaml =
    "id: t\n"
    "data: {kind: csv, file: houses.csv, features: [size, beds, shoe], y: price}\n"
    "model: {kind: linear-features}\n"
    "trainer: {kind: subsets, subsets: [none, shoe, size, \"size, beds\", \"size, beds, shoe\"]}\n"
    "panels: [{kind: feature-table}]\n";

/* A file's bytes into a new file; 0 on success. */
static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    int ok = in && out;
    char buf[4096];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    return ok ? 0 : -1;
}

/* A scene loaded from a script in a project of its own (a temporary
 * folder with an assets/ folder holding the lessons' two CSV files and
 * the page's three houses alone), so data files are found as a lesson
 * finds them. */
static struct scene *load(const char *yaml)
{
    char dir[] = "/tmp/mlanim-story-XXXXXX";
    if (!mkdtemp(dir))
        return NULL;
    char assets[64], a[96], b[96], c[96], script[96];
    snprintf(assets, sizeof assets, "%s/assets", dir);
    snprintf(a, sizeof a, "%s/houses.csv", assets);
    snprintf(b, sizeof b, "%s/sold-house.csv", assets);
    snprintf(c, sizeof c, "%s/houses-3.csv", assets);
    snprintf(script, sizeof script, "%s/scene.yaml", dir);
    struct scene *s = NULL;
    FILE *f;
    if (mkdir(assets, 0700) == 0 && copy_file(SOURCE_DIR "/assets/houses.csv", a) == 0 &&
        copy_file(SOURCE_DIR "/assets/sold-house.csv", b) == 0 && (f = fopen(c, "w"))) {
        fputs("size,beds,shoe,price\n60,2,42,180\n95,3,38,270\n120,4,44,340\n", f);
        fclose(f);
        if ((f = fopen(script, "w"))) {
            fputs(yaml, f);
            fclose(f);
            s = scene_load(script);
        }
    }
    unlink(script);
    unlink(a);
    unlink(b);
    unlink(c);
    rmdir(assets);
    rmdir(dir);
    return s;
}

/* Leave-one-out RMSE by the hat matrix: fit once on all rows with the
 * intercept and the columns cols, e_loo_i = e_i / (1 - h_ii), h_ii =
 * x_i' (X'X)^-1 x_i. (X'X)^-1 by Gauss-Jordan. */
static double press_rmse(const struct dataset *d, const int *cols, int k)
{
    int p = k + 1;
    double a[4][8] = {{0}};
    for (int i = 0; i < d->n; i++) {
        double x[4] = {1};
        for (int j = 0; j < k; j++)
            x[j + 1] = dataset_x(d, i, cols[j]);
        for (int r = 0; r < p; r++)
            for (int c = 0; c < p; c++)
                a[r][c] += x[r] * x[c];
    }
    for (int r = 0; r < p; r++)
        a[r][p + r] = 1;
    for (int c = 0; c < p; c++) {
        int piv = c;
        for (int r = c + 1; r < p; r++)
            if (fabs(a[r][c]) > fabs(a[piv][c]))
                piv = r;
        for (int j = 0; j < 2 * p; j++) {
            double t = a[c][j];
            a[c][j] = a[piv][j];
            a[piv][j] = t;
        }
        double f = a[c][c];
        for (int j = 0; j < 2 * p; j++)
            a[c][j] /= f;
        for (int r = 0; r < p; r++)
            if (r != c) {
                double g = a[r][c];
                for (int j = 0; j < 2 * p; j++)
                    a[r][j] -= g * a[c][j];
            }
    }
    double beta[4] = {0}, xty[4] = {0};
    for (int i = 0; i < d->n; i++) {
        double x[4] = {1};
        for (int j = 0; j < k; j++)
            x[j + 1] = dataset_x(d, i, cols[j]);
        for (int r = 0; r < p; r++)
            xty[r] += x[r] * d->y[i];
    }
    for (int r = 0; r < p; r++)
        for (int c = 0; c < p; c++)
            beta[r] += a[r][p + c] * xty[c];
    double sum = 0;
    for (int i = 0; i < d->n; i++) {
        double x[4] = {1}, e = -d->y[i], h = 0;
        for (int j = 0; j < k; j++)
            x[j + 1] = dataset_x(d, i, cols[j]);
        for (int r = 0; r < p; r++) {
            e += beta[r] * x[r];
            for (int c = 0; c < p; c++)
                h += x[r] * a[r][p + c] * x[c];
        }
        double el = e / (1 - h);
        sum += el * el;
    }
    return sqrt(sum / d->n);
}

static void subsets_signal_is_held_out_error_against_the_average(void)
{
    struct scene *s = load(houses_yaml);
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    CHECK(scene_simulate(s, &t) == 0);
    CHECK(t.nrec == 5);
    /* numpy (tools: np.linalg.lstsq per row left out) on the same table */
    const double loo[] = {69.66025423732074, 76.81158100954752, 15.502556400081728,
                          7.2935750042191385, 15.211465265832905};
    const double signal[] = {0, -10.266007281373701, 77.74547829345106, 89.52978985782745,
                             78.16335092029666};
    const double mask[] = {0, 4, 1, 3, 7};
    for (int k = 0; k < 5; k++) {
        CHECK_NEAR(trace_value(&t, k, "loo"), loo[k], 1e-9);
        CHECK_NEAR(trace_value(&t, k, "signal"), signal[k], 1e-9);
        CHECK_NEAR(trace_value(&t, k, "mask"), mask[k], 0);
        CHECK_NEAR(trace_value(&t, k, "base"), loo[0], 1e-9);
    }
    /* the closed form of leave-one-out, for every subset */
    const int sets[5][3] = {{0}, {2}, {0}, {0, 1}, {0, 1, 2}};
    const int nset[5] = {0, 1, 1, 2, 3};
    for (int k = 0; k < 5; k++)
        CHECK_NEAR(trace_value(&t, k, "loo"), press_rmse(&s->data, sets[k], nset[k]), 1e-9);
    CHECK_NEAR(trace_value(&t, 3, "nfeatures"), 2, 0);
    CHECK_STR(t.stop_reason, "max_steps");
    trace_release(&t);
    scene_free(s);
}

static void subsets_fit_is_least_squares_and_off_columns_weigh_nothing(void)
{
    struct scene *s = load(houses_yaml);
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    CHECK(scene_simulate(s, &t) == 0);
    /* Record 3 (size, beds): the gradient of the MSE vanishes there, and
     * the shoe weight is 0; record 0 is the average alone. */
    const double *th = trainer_theta(&t, 3);
    CHECK_NEAR(th[2], 0, 0);
    double g[4];
    s->runs[0].model->grad(s->runs[0].model_opts, th, &s->data, g);
    for (int j = 0; j < 4; j++)
        if (j != 2)
            CHECK_NEAR(g[j], 0, 1e-8);
    double mean = 0;
    for (int i = 0; i < s->data.n; i++)
        mean += s->data.y[i] / s->data.n;
    th = trainer_theta(&t, 0);
    CHECK_NEAR(th[0] + th[1] + th[2], 0, 0);
    CHECK_NEAR(th[3], mean, 1e-9);
    /* more columns never raise the error on the rows fitted, however
     * much they lower the held-out score */
    CHECK(trace_value(&t, 4, "loss") <= trace_value(&t, 3, "loss") + 1e-9);
    CHECK(trace_value(&t, 4, "signal") < trace_value(&t, 3, "signal"));
    trace_release(&t);
    scene_free(s);
}

static void linear_features_gradient_matches_finite_differences(void)
{
    struct scene *s = load(houses_yaml);
    CHECK(s != NULL);
    if (!s)
        return;
    const struct model_kind *m = s->runs[0].model;
    double th[4] = {1.5, -3, 0.25, 7}, g[4];
    m->grad(s->runs[0].model_opts, th, &s->data, g);
    for (int j = 0; j < 4; j++) {
        double a[4], b[4], h = 1e-5;
        memcpy(a, th, sizeof a);
        memcpy(b, th, sizeof b);
        a[j] += h;
        b[j] -= h;
        double fd = (m->loss(NULL, a, &s->data) - m->loss(NULL, b, &s->data)) / (2 * h);
        CHECK_NEAR(g[j], fd, 1e-4 * (1 + fabs(fd)));
    }
    scene_free(s);
}

/* A script with one line replaced; the caller frees it. */
static char *with(const char *from, const char *to)
{
    const char *at = strstr(houses_yaml, from);
    size_t n = strlen(houses_yaml) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - houses_yaml), houses_yaml, to, at + strlen(from));
    return out;
}

static void subsets_refuses_unknown_columns_where_they_are_written(void)
{
    char *y = with("\"size, beds\", \"size, beds, shoe\"", "\"size, bedz\"");
    capture_start();
    struct scene *s = load(y);
    CHECK(s == NULL);
    const char *msg = capture_text();
    CHECK(strstr(msg, ":4:54: error: subset 4 of trainer 'subsets' names 'bedz', which is not "
                      "a column of the data (its columns: size, beds, shoe; or 'none')") != NULL);
    capture_end();
    free(y);
    y = with("\"size, beds\", \"size, beds, shoe\"", "\"size, size\"");
    capture_start();
    s = load(y);
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "names 'size' twice") != NULL);
    capture_end();
    free(y);
    /* A model without one weight per column is the wrong model. */
    y = with("model: {kind: linear-features}", "model: {kind: linear}");
    capture_start();
    s = load(y);
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "trainer 'subsets' needs") != NULL);
    capture_end();
    free(y);
}

static void subsets_needs_rows_to_hold_out(void)
{
    /* the page's three houses alone: a column and an intercept fitted to
     * two of them leave nothing to test the fit on */
    char *y = with("houses.csv", "houses-3.csv");
    capture_start();
    struct scene *s = load(y);
    CHECK(s == NULL);
    const char *msg = capture_text();
    CHECK(strstr(msg, "subset 2 of trainer 'subsets' switches on 1 column: testing it on "
                      "held-out rows needs at least 4 rows, and the data has 3") != NULL);
    CHECK(strstr(msg, "subset 4 of trainer 'subsets' switches on 2 columns") != NULL);
    CHECK(strstr(msg, "subset 1 of") == NULL);      /* none: the average of two rows */
    capture_end();
    free(y);
}

/* ---- sort ---- */

static const char *const quiz =
    "id: q\n"
    "canvas: {width: 1280, height: 720, fps: 10}\n"
    "beats: {count: 6, seconds: 3}\n"
    "panels:\n"
    "  - kind: sort\n"
    "    bins: [Supervised, Unsupervised, Reinforcement]\n"
    "    items:\n"
    "      - {scenario: Flashcards., label: cards, bin: Supervised, guess: Supervised}\n"
    "      - {scenario: Laundry., label: laundry, bin: Unsupervised, guess: Supervised}\n"
    "      - {scenario: Dog treats., label: dog, bin: Reinforcement, guess: Reinforcement}\n";

static void sort_score_counts_revealed_guesses(void)
{
    struct scene *s = scene_from_text(quiz);
    CHECK(s != NULL);
    if (!s)
        return;
    const char *want[] = {"score 0 / 0", "score 1 / 1", "score 1 / 1", "score 1 / 2",
                          "score 1 / 2", "score 2 / 3", "score 2 / 3"};
    char buf[64];
    for (int beat = 0; beat < 7; beat++) {
        sort_score(s->panels[0].opts, beat, buf, sizeof buf);
        CHECK_STR(buf, want[beat]);
    }
    scene_free(s);
}

static void sort_names_a_bin_that_does_not_exist(void)
{
    char *y = xstrdup(quiz);
    char *at = strstr(y, "bin: Unsupervised");
    memcpy(at, "bin: Unsupervisd ", 17);
    capture_start();
    struct scene *s = scene_from_text(y);
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":9:51: error: 'bin' in item 2 of panel 'sort' must name one of "
                                 "the bins 'Supervised', 'Unsupervised', 'Reinforcement' (got "
                                 "'Unsupervisd'; did you mean 'Unsupervised'?)") != NULL);
    capture_end();
    free(y);
    /* a bin named twice: refused at the second, not as items naming
     * neither of two identical bins */
    y = xstrdup(quiz);
    at = strstr(y, "[Supervised, Unsupervised,");
    memcpy(at, "[Supervised,   Supervised,", 26);
    capture_start();
    s = scene_from_text(y);
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":6:26: error: bin 'Supervised' of panel 'sort' is listed twice")
          != NULL);
    capture_end();
    free(y);
    /* two beats an item */
    y = xstrdup(quiz);
    memcpy(strstr(y, "count: 6"), "count: 5", 8);
    capture_start();
    s = scene_from_text(y);
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "panel 'sort' has 3 items, which take 6 beats") != NULL);
    capture_end();
    free(y);
}

/* The glide: frames in a beat's first SORT_GLIDE (0.9) s are pictures of
 * their own, the rest of the beat is one picture. */
static void moving_frames_are_pictures_of_their_own(void)
{
    struct scene *s = scene_from_text(quiz);
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    struct timeline tl;
    CHECK(scene_simulate(s, &t) == 0);
    CHECK(timeline_build(s, &t, &tl) == 0);
    /* beat 1 runs from frame 30 to 59 at 10 fps */
    CHECK(!timeline_same(s, &tl, 30, 31));
    CHECK(!timeline_same(s, &tl, 38, 39));
    CHECK(timeline_same(s, &tl, 39, 40));
    CHECK(timeline_same(s, &tl, 40, 59));
    CHECK(!timeline_same(s, &tl, 59, 60));
    timeline_release(&tl);
    trace_release(&t);
    scene_free(s);
}

/* ---- pictures ---- */

/* Pixels of exactly colour argb in the picture of step record rec, and
 * the mean x of them into *cx (may be NULL). */
static long count_color(const struct scene *s, const struct trace *t, int rec, uint32_t argb,
                        double *cx)
{
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, s->canvas.width,
                                                       s->canvas.height);
    CHECK(render_draw(s, t, rec, surf) == 0);
    long n = 0;
    double sx = 0;
    for (int y = 0; y < s->canvas.height; y++)
        for (int x = 0; x < s->canvas.width; x++)
            if (surface_pixel(surf, x, y) == argb) {
                n++;
                sx += x;
            }
    cairo_surface_destroy(surf);
    if (cx)
        *cx = n ? sx / n : -1;
    return n;
}

/* The meter's fill grows with the signal: its area at 89.5 % against 77.7 %
 * (the same bar, so the ratio of areas is about that of the values), and
 * none below zero. */
static void feature_table_meter_fill_follows_the_signal(void)
{
    struct scene *s = load(houses_yaml);
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    CHECK(scene_simulate(s, &t) == 0);
    CHECK(draw_fonts_init() == 0);
    uint32_t blue = 0xff1f77b4;
    long below = count_color(s, &t, 1, blue, NULL), at78 = count_color(s, &t, 2, blue, NULL);
    long at90 = count_color(s, &t, 3, blue, NULL);
    CHECK(below == 0);
    CHECK(at78 > 1000);
    CHECK_NEAR((double)at90 / at78, 89.53 / 77.75, 0.04);
    trace_release(&t);
    scene_free(s);
}

/* A revealed item lights its own bin, wherever the guess pointed. */
static void sort_lights_the_right_bin(void)
{
    struct scene *s = scene_from_text(quiz);
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    CHECK(scene_simulate(s, &t) == 0);
    CHECK(draw_fonts_init() == 0);
    /* the lit fill: the theme's panel colour 22 % of the way to green */
    uint32_t lit = 0xffc7e2ca;
    double cx;
    CHECK(count_color(s, &t, 0, lit, &cx) == 0);                /* asking: nothing lit */
    CHECK(count_color(s, &t, 1, lit, &cx) > 5000 && cx < 1280 / 3.0);
    CHECK(count_color(s, &t, 3, lit, &cx) > 5000 && cx > 1280 / 3.0 && cx < 2 * 1280 / 3.0);
    CHECK(count_color(s, &t, 5, lit, &cx) > 5000 && cx > 2 * 1280 / 3.0);
    trace_release(&t);
    scene_free(s);
}

/* ---- loop ---- */

static void loop_refuses_a_sample_the_data_lacks(void)
{
    const char *y =
        "id: l\n"
        "data: {kind: line, x: [1], slope: 300}\n"
        "model: {kind: linear, w: 250}\n"
        "trainer: {kind: gd, learning_rate: 0.1, steps: 3}\n"
        "panels: [{kind: loop, sample: 1}]\n";
    capture_start();
    struct scene *s = scene_from_text(y);
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "'sample' in panel 'loop' must be a row of the data, from 0 to "
                                 "0 (got 1)") != NULL);
    capture_end();
}

/* The lesson's laps: on one example with w x + b, gradient descent shrinks
 * the error by 1 - 2 lr (x^2 + 1) each lap, so it never reaches zero. */
static void loop_laps_shrink_the_error_by_one_factor(void)
{
    struct scene *s = load("id: l\n"
                           "data: {kind: csv, file: sold-house.csv, x: size_100m2, y: price_k}\n"
                           "model: {kind: linear, w: 250, b: 0}\n"
                           "trainer: {kind: gd, learning_rate: 0.1, steps: 6}\n"
                           "panels: [{kind: loop}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    CHECK(scene_simulate(s, &t) == 0);
    double e = -50;
    for (int k = 0; k < t.nrec; k++) {
        const double *th = trainer_theta(&t, k);
        CHECK_NEAR(th[0] * 1 + th[1] - 300, e, 1e-9);
        CHECK(fabs(th[0] + th[1] - 300) > 0);
        e *= 0.6;
    }
    trace_release(&t);
    scene_free(s);
}

/* A learning rate that makes the error explode: its numbers are written as
 * 5.12e+34, not as walls of digits that run off the canvas; so the picture's
 * left and right edges stay the background. */
static void loop_diverging_numbers_stay_inside_the_panel(void)
{
    struct scene *s = load("id: l\n"
                           "canvas: {width: 1280, height: 720}\n"
                           "data: {kind: csv, file: sold-house.csv, x: size_100m2, y: price_k}\n"
                           "model: {kind: linear, w: 250, b: 0}\n"
                           "trainer: {kind: gd, learning_rate: 1000000, steps: 5}\n"
                           "panels: [{kind: loop, prefix: \"$\", suffix: k}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    CHECK(scene_simulate(s, &t) == 0);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1280, 720);
    CHECK(render_draw(s, &t, t.nrec - 1, surf) == 0);
    uint32_t bg = surface_pixel(surf, 0, 0);
    long ink = 0;
    for (int y = 0; y < 720; y++)
        for (int x = 0; x < 4; x++)
            ink += !close_to(surface_pixel(surf, x, y), bg, 8) +
                   !close_to(surface_pixel(surf, 1279 - x, y), bg, 8);
    CHECK(ink == 0);
    cairo_surface_destroy(surf);
    trace_release(&t);
    scene_free(s);
}

int main(void)
{
    RUN(subsets_signal_is_held_out_error_against_the_average);
    RUN(subsets_fit_is_least_squares_and_off_columns_weigh_nothing);
    RUN(linear_features_gradient_matches_finite_differences);
    RUN(subsets_refuses_unknown_columns_where_they_are_written);
    RUN(subsets_needs_rows_to_hold_out);
    RUN(sort_score_counts_revealed_guesses);
    RUN(sort_names_a_bin_that_does_not_exist);
    RUN(moving_frames_are_pictures_of_their_own);
    RUN(feature_table_meter_fill_follows_the_signal);
    RUN(sort_lights_the_right_bin);
    RUN(loop_refuses_a_sample_the_data_lacks);
    RUN(loop_laps_shrink_the_error_by_one_factor);
    RUN(loop_diverging_numbers_stay_inside_the_panel);
    return CHECK_SUMMARY();
}
