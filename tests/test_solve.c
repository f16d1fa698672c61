/* solve: the polynomial model, the solve trainer and the train-test panel
 * in scenes: the trace holds exactly the fit regress makes on the training
 * rows of the seeded split, the split is disjoint, sized as
 * train_test_split and shared by every value of a sweep, least squares'
 * training score never falls as the degree grows, bad fold counts are
 * refused, and the panel draws the rows of its own set. */
#define _DEFAULT_SOURCE
#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include "check.h"
#include "diag_capture.h"
#include "pixel_util.h"
#include "regress.h"
#include "render.h"
#include "scene_util.h"

static const char *scene_yaml(const char *model, const char *trainer, const char *extra)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "id: t\nseed: 3\ndata: {kind: polynomial, n: 40}\nmodel: {kind: polynomial, %s}\n"
             "trainer: {kind: solve, %s}\n%spanels:\n  - {kind: data-fit}\n",
             model, trainer, extra);
    return buf;
}

static void solve_records_regress_fit_on_the_training_rows(void)
{
    struct scene *s = scene_from_text(scene_yaml("degree: 4, method: ridge-cv",
                                                 "test_fraction: 0.25", ""));
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t[1];
    CHECK(scene_simulate(s, t) == 0);
    CHECK(t->nrec == 2);
    const struct dataset *d = &s->data;
    /* the split, as documented: regress_split seeded with the data's seed */
    int train[40], test[40], ntr, nte;
    struct rng r;
    rng_seed(&r, d->seed);
    CHECK(regress_split(&r, 40, 0.25, train, &ntr, test, &nte) == 0);
    CHECK(nte == 10 && ntr == 30);
    double x[40], y[40];
    for (int i = 0; i < ntr; i++)
        x[i] = d->x[train[i]], y[i] = d->y[train[i]];
    for (int i = 0; i < nte; i++)
        x[ntr + i] = d->x[test[i]], y[ntr + i] = d->y[test[i]];
    struct regress_spec spec;
    struct regress_fit f;
    regress_spec_default(&spec, REGRESS_RIDGE_CV, 4);
    CHECK(regress_fit(&spec, x, y, ntr, &f) == 0);
    int cw = trace_channel(t, "w");
    for (int j = 0; j < 4; j++) {
        CHECK(trace_at(t, 0, cw, j) == 0);
        CHECK(trace_at(t, 1, cw, j) == f.coef[j]);
    }
    CHECK(trace_value(t, 1, "b") == f.intercept);
    CHECK(trace_value(t, 1, "alpha") == f.alpha);
    CHECK(trace_value(t, 1, "method") == REGRESS_RIDGE_CV);
    CHECK(trace_value(t, 1, "degree") == 4);
    CHECK(trace_value(t, 1, "n_test") == 10 && trace_value(t, 1, "n_train") == 30);
    CHECK_NEAR(trace_value(t, 1, "r2_train"), regress_score(&f, x, y, ntr), 1e-15);
    CHECK_NEAR(trace_value(t, 1, "r2_test"), regress_score(&f, x + ntr, y + ntr, nte), 1e-15);
    CHECK_NEAR(trace_value(t, 1, "mse_test"), regress_fit_mse(&f, x + ntr, y + ntr, nte), 1e-12);
    CHECK_NEAR(trace_value(t, 1, "loss"), regress_fit_mse(&f, x, y, ntr), 1e-9);
    CHECK_NEAR(trace_value(t, 1, "objective"), f.rss + f.penalty, 1e-9);
    /* and the panel's view of the split is the same one */
    unsigned char is_test[40];
    CHECK(solve_split(&s->runs[0], d, is_test) == 10);
    for (int i = 0; i < nte; i++)
        CHECK(is_test[test[i]] == 1);
    for (int i = 0; i < ntr; i++)
        CHECK(is_test[train[i]] == 0);
    trace_release(t);
    scene_free(s);
}

static void without_a_test_fraction_every_row_trains_and_test_scores_are_nan(void)
{
    struct scene *s = scene_from_text(scene_yaml("degree: 2", "test_fraction: 0", ""));
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t[1];
    CHECK(scene_simulate(s, t) == 0);
    CHECK(trace_value(t, 1, "n_train") == 40 && trace_value(t, 1, "n_test") == 0);
    CHECK(isnan(trace_value(t, 1, "r2_test")));
    CHECK(trace_value(t, 1, "r2_train") > 0.8);
    CHECK(trace_value(t, 1, "alpha") == 0);
    unsigned char is_test[40];
    CHECK(solve_split(&s->runs[0], &s->data, is_test) == 0);
    trace_release(t);
    scene_free(s);
}

/* Least squares over nested models: each degree can do what the lower
 * ones did, so its training R^2 never falls; and the sweep's runs share
 * one split (the data's), so the test rows are the same at every degree. */
static void least_squares_training_score_never_falls_with_the_degree(void)
{
    struct scene *s = scene_from_text(scene_yaml(
        "degree: 1", "test_fraction: 0.2", "sweep: {path: model.degree, from: 1, to: 10, steps: 10}\n"));
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(s->nruns == 10);
    struct trace t[10];
    CHECK(scene_simulate(s, t) == 0);
    unsigned char first[40], other[40];
    struct trainer_input in;
    scene_run_input(s, 0, &in);
    CHECK(solve_split(&s->runs[0], in.data, first) == 8);
    for (int k = 0; k < 10; k++) {
        CHECK(trace_value(&t[k], 1, "degree") == k + 1);
        if (k > 0)
            CHECK(trace_value(&t[k], 1, "r2_train") >= trace_value(&t[k - 1], 1, "r2_train") - 1e-12);
        scene_run_input(s, k, &in);
        CHECK(solve_split(&s->runs[k], in.data, other) == 8);
        CHECK(memcmp(first, other, 40) == 0);
    }
    CHECK(trace_value(&t[9], 1, "r2_train") > trace_value(&t[0], 1, "r2_train"));
    for (int k = 0; k < 10; k++)
        trace_release(&t[k]);
    scene_free(s);
}

static void folds_the_rows_cannot_make_are_refused(void)
{
    capture_start();
    /* at load, against the data's rows, located at 'folds' */
    struct scene *s = scene_from_text(
        "id: t\ndata: {kind: polynomial, n: 4}\nmodel: {kind: polynomial, method: lasso-cv, folds: 5}\n"
        "trainer: {kind: solve}\npanels:\n  - {kind: data-fit}\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":3:52: error: model 'polynomial' cannot cross-validate 5 folds "
                                 "of 4 data rows") != NULL);
    /* when the split leaves too few training rows: refused at load too,
     * at 'test_fraction' (it used to fail only when the trainer ran) */
    s = scene_from_text(scene_yaml("method: ridge-cv, folds: 25", "test_fraction: 0.5", ""));
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "error: trainer 'solve': 20 training rows cannot make 25 folds")
          != NULL);
    /* a test fraction that leaves no training rows at all */
    s = scene_from_text("id: t\ndata: {kind: polynomial, n: 5}\nmodel: {kind: polynomial}\n"
                        "trainer: {kind: solve, test_fraction: 0.9}\npanels:\n  - {kind: data-fit}\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":4:39: error: 'test_fraction' in trainer 'solve': 0.9 of 5 data "
                                 "rows leaves no training rows") != NULL);
    /* a method the model does not know, with the choices */
    s = scene_from_text(scene_yaml("method: elastic-net", "", ""));
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "least-squares") != NULL);
    capture_end();
}

static int is_yellow(uint32_t p) { return ch_r(p) > 200 && ch_g(p) > 170 && ch_b(p) < 90; }

/* Blue and yellow pixels the train-test panel draws for one set. */
static void panel_ink(const char *set, const char *predicted, long *blue, long *yellow)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "id: t\nseed: 5\ncanvas: {width: 400, height: 300}\n"
             "data: {kind: polynomial, n: 20}\nmodel: {kind: polynomial, degree: 3}\n"
             "trainer: {kind: solve, test_fraction: 0.2}\npanels:\n"
             "  - {kind: train-test, set: %s, predicted: %s, legend: none, grid: false,"
             " y_range: [-40, 40]}\n", set, predicted);
    struct scene *s = scene_from_text(yaml);
    CHECK(s != NULL);
    *blue = *yellow = 0;
    if (!s)
        return;
    struct trace t[1];
    CHECK(scene_simulate(s, t) == 0);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 300);
    CHECK(render_draw(s, t, 1, surf) == 0);
    cairo_surface_flush(surf);
    *blue = box_find(surf, is_blue, 0, 0, 400, 300).n;
    *yellow = box_find(surf, is_yellow, 0, 0, 400, 300).n;
    cairo_surface_destroy(surf);
    trace_release(t);
    scene_free(s);
}

static void train_test_panel_draws_the_rows_of_its_own_set(void)
{
    long tb, ty, rb, ry, nb, ny;
    panel_ink("test", "true", &tb, &ty);
    panel_ink("train", "true", &rb, &ry);
    panel_ink("train", "false", &nb, &ny);
    /* 4 test rows against 16 training rows */
    CHECK(tb > 0 && rb > 2 * tb);
    CHECK(ty > 0 && ry > 2 * ty);
    /* without the predictions no yellow, and more of the blue shows */
    CHECK(ny == 0);
    CHECK(nb >= rb);
}

int main(void)
{
    RUN(solve_records_regress_fit_on_the_training_rows);
    RUN(without_a_test_fraction_every_row_trains_and_test_scores_are_nan);
    RUN(least_squares_training_score_never_falls_with_the_degree);
    RUN(folds_the_rows_cannot_make_are_refused);
    RUN(train_test_panel_draws_the_rows_of_its_own_set);
    return CHECK_SUMMARY();
}
