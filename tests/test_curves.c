/* The kinds of the model-selection lessons (pick-the-model, learning-curves,
 * bias-variance): trainers 'learning-curve' and 'bias-variance' against the
 * regression module's own functions fed the same samples, the properties
 * the lessons rest on (a line's curves meet high, a flexible model's gap
 * closes; the four dartboards land in their corners), and the panels
 * 'curves' and 'dartboard' by where they put their marks (by colour class,
 * as tests/test_panels.c does). */
#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "diag_capture.h"
#include "pixel_util.h"
#include "regress.h"
#include "render.h"
#include "scene_util.h"
#include "trainer/resample.h"

static double last(const struct trace *t, const char *name)
{
    return trace_value(t, t->nrec - 1, name);
}

/* ---- learning-curve ---------------------------------------------------------- */

static const char *lc_yaml(const char *average, int repeats, int degree)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             "id: lc\n"
             "seed: 4\n"
             "data: {kind: polynomial, n: 300, noise: 4}\n"
             "model: {kind: polynomial, degree: %d}\n"
             "trainer: {kind: learning-curve, sizes: [15, 20, 40, 80, 200], validation: 100,\n"
             "          repeats: %d, average: %s}\n"
             "panels: [{kind: curves, x: n, y: [mse_train, mse_val]}]\n",
             degree, repeats, average);
    return buf;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The trainer's errors are those regress_learning_curve gives on the same
 * shuffles (drawn here with resample.h from the data's seed, as documented),
 * combined by the mean or the median. */
static void learning_curve_is_the_modules_curve_averaged_over_the_shuffles(void)
{
    static const char *const averages[] = {"mean", "median"};
    for (int a = 0; a < 2; a++) {
        struct scene *s = scene_from_text(lc_yaml(averages[a], 3, 3));
        CHECK(s != NULL);
        if (!s)
            return;
        struct trace t;
        CHECK(scene_simulate(s, &t) == 0);
        const struct dataset *d = &s->data;
        int sizes[5] = {15, 20, 40, 80, 200}, nv = 100, maxn = 200;
        double tr[3][5], va[3][5];
        struct regress_spec spec;
        regress_spec_default(&spec, REGRESS_LEAST_SQUARES, 3);
        int *perm = malloc(sizeof(int) * (size_t)d->n);
        double xs[300], ys[300];
        struct rng r;
        rng_seed(&r, d->seed);
        resample_init(perm, d->n);
        for (int rep = 0; rep < 3; rep++) {
            resample_draw(&r, perm, d->n, nv + maxn);
            for (int i = 0; i < nv + maxn; i++) {
                xs[i] = d->x[perm[i]];
                ys[i] = d->y[perm[i]];
            }
            CHECK(regress_learning_curve(&spec, xs + nv, ys + nv, maxn, xs, ys, nv, sizes, 5,
                                         tr[rep], va[rep]) == 0);
        }
        free(perm);
        CHECK(t.nrec == 5);
        for (int k = 0; k < 5 && k < t.nrec; k++) {
            double a3[3] = {tr[0][k], tr[1][k], tr[2][k]}, b3[3] = {va[0][k], va[1][k], va[2][k]};
            double et, ev;
            if (a == 0) {
                et = (a3[0] + a3[1] + a3[2]) / 3;
                ev = (b3[0] + b3[1] + b3[2]) / 3;
            } else {
                qsort(a3, 3, sizeof(double), cmp_double);
                qsort(b3, 3, sizeof(double), cmp_double);
                et = a3[1];
                ev = b3[1];
            }
            CHECK(trace_value(&t, k, "n") == sizes[k]);
            CHECK_NEAR(trace_value(&t, k, "mse_train"), et, 1e-9 * (1 + et));
            CHECK_NEAR(trace_value(&t, k, "mse_val"), ev, 1e-9 * (1 + ev));
            CHECK_NEAR(trace_value(&t, k, "gap"), ev - et, 1e-9 * (1 + ev));
        }
        trace_release(&t);
        scene_free(s);
    }
}

/* What the lesson shows: a line's two errors end close together and high
 * (far above the noise variance of 4), a degree-10 polynomial's gap starts
 * wide and closes, and its errors end near the noise floor. */
static void learning_curve_of_a_line_meets_high_and_a_flexible_models_gap_closes(void)
{
    struct scene *s1 = scene_from_text(lc_yaml("median", 10, 1));
    struct scene *s10 = scene_from_text(lc_yaml("median", 10, 10));
    CHECK(s1 && s10);
    if (!s1 || !s10)
        return;
    struct trace a, b;
    CHECK(scene_simulate(s1, &a) == 0);
    CHECK(scene_simulate(s10, &b) == 0);
    double line_val = last(&a, "mse_val"), line_gap = last(&a, "gap");
    CHECK(line_val > 15);
    CHECK(fabs(line_gap) < 0.15 * line_val);
    double first_gap = trace_value(&b, 0, "gap"), last_gap = last(&b, "gap");
    CHECK(first_gap > 10 * fabs(last_gap));
    CHECK(last(&b, "mse_val") < 6);
    CHECK(last(&b, "mse_val") < line_val / 3);
    trace_release(&a);
    trace_release(&b);
    scene_free(s1);
    scene_free(s10);
}

static void learning_curve_refuses_sizes_out_of_order_and_too_little_data(void)
{
    capture_start();
    struct scene *s = scene_from_text(
        "id: lc\ndata: {kind: polynomial, n: 300}\nmodel: {kind: polynomial}\n"
        "trainer: {kind: learning-curve, sizes: [20, 10]}\n"
        "panels: [{kind: curves, y: [mse_val]}]\n");
        CHECK(s == NULL);
    CHECK(strstr(capture_text(), "must increase") != NULL);
    CHECK(strstr(capture_text(), ":4:") != NULL);
    capture_end();

    /* Too little data is refused at load, at 'validation', before anything
     * runs; so are more folds than the first size's rows. */
    capture_start();
    s = scene_from_text("id: lc\ndata: {kind: polynomial, n: 100}\nmodel: {kind: polynomial}\n"
                        "trainer: {kind: learning-curve, sizes: [10, 50], validation: 60}\n"
                        "panels: [{kind: curves, y: [mse_val]}]\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":4:62: error: trainer 'learning-curve' holds 60 rows out for "
                                 "validation and trains on up to 50: the data needs 110 rows") != NULL);
    capture_end();
    capture_start();
    s = scene_from_text("id: lc\ndata: {kind: polynomial, n: 300}\n"
                        "model: {kind: polynomial, method: ridge-cv}\n"
                        "trainer: {kind: learning-curve, sizes: [4, 50], validation: 60}\n"
                        "panels: [{kind: curves, y: [mse_val]}]\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":4:41: error: trainer 'learning-curve': 4 training rows cannot "
                                 "make 5 folds") != NULL);
    capture_end();
}

/* ---- bias-variance ----------------------------------------------------------- */

static const char *bv_yaml(int degree, int sample, int rounds, const char *panel)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             "id: bv\n"
             "canvas: {width: 400, height: 300}\n"
             "seed: 5\n"
             "data: {kind: polynomial, n: 2000, noise: 6}\n"
             "model: {kind: polynomial, degree: %d}\n"
             "trainer: {kind: bias-variance, rounds: %d, sample: %d, query: [-1.5, 1]}\n"
             "panels: [%s]\n",
             degree, rounds, sample, panel ? panel : "{kind: dartboard}");
    return buf;
}

/* mse = bias2 + variance at every record, and the statistics are those of
 * the darts recorded so far. */
static void bias_variance_splits_each_records_mse_into_bias2_and_variance(void)
{
    struct scene *s = scene_from_text(bv_yaml(2, 10, 25, NULL));
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    CHECK(scene_simulate(s, &t) == 0);
    CHECK(t.nrec == 26);
    CHECK(isnan(trace_value(&t, 0, "bias2")));
    double sa = 0, sb = 0;
    for (int k = 1; k < t.nrec; k++) {
        double ea = trace_value(&t, k, "err_a"), eb = trace_value(&t, k, "err_b");
        CHECK_NEAR(ea, trace_value(&t, k, "pred_a") - trace_value(&t, k, "truth_a"), 1e-12);
        sa += ea;
        sb += eb;
        double ma = sa / k, mb = sb / k, var = 0, mse = 0;
        for (int j = 1; j <= k; j++) {
            double xa = trace_value(&t, j, "err_a"), xb = trace_value(&t, j, "err_b");
            var += (xa - ma) * (xa - ma) + (xb - mb) * (xb - mb);
            mse += xa * xa + xb * xb;
        }
        var /= k;
        mse /= k;
        double b2 = trace_value(&t, k, "bias2"), v = trace_value(&t, k, "variance");
        CHECK_NEAR(b2, ma * ma + mb * mb, 1e-9 * (1 + mse));
        CHECK_NEAR(v, var, 1e-9 * (1 + mse));
        CHECK_NEAR(trace_value(&t, k, "mse"), mse, 1e-9 * (1 + mse));
        CHECK_NEAR(b2 + v, mse, 1e-9 * (1 + mse));
    }
    trace_release(&t);
    scene_free(s);
}

/* The sampler regress_bias_variance calls: `sample` rows of the pool,
 * drawn the way the trainer draws them. */
struct pool {
    const struct dataset *d;
    int *perm;
};

static int pool_sample(void *ctx, struct rng *r, double *x, double *y, int n)
{
    struct pool *p = ctx;
    resample_draw(r, p->perm, p->d->n, n);
    for (int i = 0; i < n; i++) {
        x[i] = p->d->x[p->perm[i]];
        y[i] = p->d->y[p->perm[i]];
    }
    return 0;
}

static double pool_truth(void *ctx, double x)
{
    const struct pool *p = ctx;
    return p->d->truth(p->d, x);
}

/* The last record's bias2 and variance are regress_bias_variance's, summed
 * over the two query points, on the same samples. */
static void bias_variance_agrees_with_the_regression_modules_decomposition(void)
{
    struct scene *s = scene_from_text(bv_yaml(3, 15, 40, NULL));
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    CHECK(scene_simulate(s, &t) == 0);
    struct regress_spec spec;
    regress_spec_default(&spec, REGRESS_LEAST_SQUARES, 3);
    struct pool p = {&s->data, malloc(sizeof(int) * (size_t)s->data.n)};
    resample_init(p.perm, s->data.n);
    struct rng r;
    rng_seed(&r, s->data.seed);
    double xq[2] = {-1.5, 1}, mean[2], bias2[2], var[2];
    CHECK(regress_bias_variance(&spec, pool_sample, pool_truth, &p, &r, 15, 40, xq, 2, mean,
                                bias2, var) == 0);
    free(p.perm);
    CHECK_NEAR(last(&t, "bias2"), bias2[0] + bias2[1], 1e-8 * (1 + last(&t, "mse")));
    CHECK_NEAR(last(&t, "variance"), var[0] + var[1], 1e-8 * (1 + last(&t, "mse")));
    CHECK_NEAR(last(&t, "mean_a"), mean[0] - s->data.truth(&s->data, -1.5), 1e-9);
    trace_release(&t);
    scene_free(s);
}

/* The lesson's four corners: a line is biased whatever its sample, a
 * degree-5 curve is not; a small sample scatters, a large one does not. */
static void bias_variance_lands_the_four_models_in_their_corners(void)
{
    int deg[4] = {1, 1, 5, 4}, n[4] = {200, 6, 200, 12};
    double b2[4], v[4];
    for (int i = 0; i < 4; i++) {
        struct scene *s = scene_from_text(bv_yaml(deg[i], n[i], 30, NULL));
        CHECK(s != NULL);
        if (!s)
            return;
        struct trace t;
        CHECK(scene_simulate(s, &t) == 0);
        b2[i] = last(&t, "bias2");
        v[i] = last(&t, "variance");
        trace_release(&t);
        scene_free(s);
    }
    CHECK(b2[0] > 20 && b2[1] > 20);        /* high bias */
    CHECK(b2[2] < 1 && b2[3] < 3);          /* low bias */
    CHECK(v[0] < 2 && v[2] < 2);            /* low variance */
    CHECK(v[1] > 5 * v[0] && v[3] > 5 * v[2] && v[1] > 5 && v[3] > 5);
}

/* ---- panels -------------------------------------------------------------------- */

static int is_dart(uint32_t p) { return is_blue(p); }

static cairo_surface_t *draw_rec(struct scene *s, struct trace *t, int rec)
{
    cairo_surface_t *surf =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, s->canvas.width, s->canvas.height);
    CHECK(render_draw(s, t, rec, surf) == 0);
    return surf;
}

/* No dart before the first retraining; then the newest dart is where its
 * errors put it: in the direction (err_a, err_b) from the bullseye (up is
 * a positive error at b), at a distance that halves when the board's
 * radius doubles. */
static void dartboard_puts_each_dart_at_its_errors_from_the_bullseye(void)
{
    CHECK(draw_fonts_init() == 0);
    double dist[2];
    for (int k = 0; k < 2; k++) {
        struct scene *s = scene_from_text(
            bv_yaml(1, 200, 3, k ? "{kind: dartboard, radius: 24}" : "{kind: dartboard, radius: 12}"));
        CHECK(s != NULL);
        if (!s)
            return;
        struct trace t;
        CHECK(scene_simulate(s, &t) == 0);
        cairo_surface_t *s0 = draw_rec(s, &t, 0), *s1 = draw_rec(s, &t, 1);
        if (getenv("CURVES_DUMP"))
            cairo_surface_write_to_png(s1, k ? "/tmp/x/dart1.png" : "/tmp/x/dart0.png");
        int w = s->canvas.width, h = s->canvas.height;
        CHECK(box_find(s0, is_dart, 0, 0, w, h).n == 0);
        struct box bull = box_find(s0, is_red, 0, 0, w, h);
        struct box dart = box_find(s1, is_dart, 0, 0, w, h);
        CHECK(bull.n > 0 && dart.n > 0);
        double ea = trace_value(&t, 1, "err_a"), eb = trace_value(&t, 1, "err_b");
        double dx = dart.cx - bull.cx, dy = dart.cy - bull.cy;
        double angle = atan2(-dy, dx), want = atan2(eb, ea);
        double diff = fabs(remainder(angle - want, 2 * M_PI));
        CHECK(diff < 0.08);
        if (diff >= 0.08)
            fprintf(stderr, "dart at (%g, %g) from the bull, errors (%g, %g)\n", dx, dy, ea, eb);
        dist[k] = hypot(dx, dy);
        cairo_surface_destroy(s0);
        cairo_surface_destroy(s1);
        trace_release(&t);
        scene_free(s);
    }
    CHECK(dist[0] > 20);
    CHECK_NEAR(dist[1] / dist[0], 0.5, 0.06);
}

/* The column holding the most pixels of a class (a vertical line), or -1. */
static int densest_column(cairo_surface_t *s, int (*is)(uint32_t), int w, int h)
{
    int best = -1, bn = 0;
    for (int x = 0; x < w; x++) {
        int n = 0;
        for (int y = 0; y < h; y++)
            n += is(surface_pixel(s, x, y)) != 0;
        if (n > bn) {
            bn = n;
            best = x;
        }
    }
    return bn >= 20 ? best : -1;
}

static const char pick_yaml[] =
    "id: pick\n"
    "canvas: {width: 640, height: 400, fps: 1}\n"
    "seed: 11\n"
    "data: {kind: polynomial, n: 40, noise: 6}\n"
    "model: {kind: polynomial}\n"
    "trainer: {kind: solve, test_fraction: 0.3}\n"
    "sweep: {path: model.degree, from: 1, to: 8, steps: 8, seconds: 1}\n"
    "frames: {hold: 0}\n"
    "panels:\n"
    "  - {kind: curves, source: sweep, x: degree, y: [mse_test], log: true, legend: none,\n"
    "     x_range: [0.5, 8.5], best: mse_test, below_text: under, best_text: just right,\n"
    "     above_text: over}\n";

/* A sweep's curve grows one value per step; the dashed best line stands at
 * the least validation error so far (at the first value first, at the
 * trace's least at the end), and the note under the axes follows where the
 * value shown lies against that least. */
static void curves_grow_with_the_sweep_and_mark_the_least_value(void)
{
    CHECK(draw_fonts_init() == 0);
    struct scene *s = scene_from_text(pick_yaml);
    CHECK(s != NULL);
    if (!s)
        return;
    struct stage st;
    CHECK(stage_prepare(&st, s) == 0);
    int w = s->canvas.width, h = s->canvas.height;
    CHECK(st.sweep.nrec == 8);
    CHECK(st.tl.nframes == 8);
    int cm = trace_channel(&st.sweep, "mse_test"), g = 0;
    for (int r = 1; r < st.sweep.nrec; r++)
        if (trace_get(&st.sweep, r, cm) < trace_get(&st.sweep, g, cm))
            g = r;
    CHECK(g > 0 && g < 7);  /* the lesson's premise: the best is inside */
    cairo_surface_t *f[8];
    for (int i = 0; i < 8; i++) {
        f[i] = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
        CHECK(render_frame(&st, i, f[i]) == 0);
    }
    /* The curve reaches further right each value. */
    for (int i = 1; i < 8; i++)
        CHECK(box_find(f[i], is_blue, 0, 0, w, h).x1 > box_find(f[i - 1], is_blue, 0, 0, w, h).x1);
    /* At the first value the line is at its dot; r is the dot's radius. */
    int line0 = densest_column(f[0], is_green, w, h);
    struct box dot0 = box_find(f[0], is_blue, 0, 0, w, h);
    double r = dot0.x1 - line0;
    CHECK(line0 >= 0 && r > 1 && r < 15);
    /* At the last value it is at the best value's dot, drawn as the
     * current one when the sweep showed it. */
    int line_end = densest_column(f[7], is_green, w, h);
    double best_x = box_find(f[g], is_blue, 0, 0, w, h).x1 - r;
    CHECK(line_end >= 0 && fabs(line_end - best_x) <= 2);
    /* The note strip (under the axes) is one text before the best, another
     * after it: identical between two values on the same side. */
    int y0 = h - 30;
    int below = g >= 2, above = g <= 5;
    if (below) {
        int same = 1;
        for (int y = y0; y < h && same; y++)
            for (int x = 0; x < w && same; x++)
                same = surface_pixel(f[0], x, y) == surface_pixel(f[1], x, y);
        CHECK(same);
    }
    if (above) {
        int same = 1;
        for (int y = y0; y < h && same; y++)
            for (int x = 0; x < w && same; x++)
                same = surface_pixel(f[6], x, y) == surface_pixel(f[7], x, y);
        CHECK(same);
    }
    int differ = 0;
    for (int y = y0; y < h && !differ; y++)
        for (int x = 0; x < w && !differ; x++)
            differ = surface_pixel(f[0], x, y) != surface_pixel(f[7], x, y);
    CHECK(differ);
    for (int i = 0; i < 8; i++)
        cairo_surface_destroy(f[i]);
    stage_release(&st);
    scene_free(s);
}

static void curves_refuse_a_channel_the_trace_lacks(void)
{
    capture_start();
    struct scene *s = scene_from_text(
        "id: c\ndata: {kind: polynomial, n: 300}\nmodel: {kind: polynomial}\n"
        "trainer: {kind: learning-curve, sizes: [20, 40]}\n"
        "panels:\n  - {kind: curves, x: n, y: [mse_train, mse_valid], labels: [a]}\n");
        CHECK(s == NULL);
    CHECK(strstr(capture_text(), "'mse_valid'") != NULL);
    CHECK(strstr(capture_text(), "mse_val") != NULL);     /* the channels it has */
    CHECK(strstr(capture_text(), "'labels'") != NULL);
    CHECK(strstr(capture_text(), ":6:") != NULL);
    capture_end();
}

int main(void)
{
    RUN(learning_curve_is_the_modules_curve_averaged_over_the_shuffles);
    RUN(learning_curve_of_a_line_meets_high_and_a_flexible_models_gap_closes);
    RUN(learning_curve_refuses_sizes_out_of_order_and_too_little_data);
    RUN(bias_variance_splits_each_records_mse_into_bias2_and_variance);
    RUN(bias_variance_agrees_with_the_regression_modules_decomposition);
    RUN(bias_variance_lands_the_four_models_in_their_corners);
    RUN(dartboard_puts_each_dart_at_its_errors_from_the_bullseye);
    RUN(curves_grow_with_the_sweep_and_mark_the_least_value);
    RUN(curves_refuse_a_channel_the_trace_lacks);
    draw_fonts_release();
    return CHECK_SUMMARY();
}
