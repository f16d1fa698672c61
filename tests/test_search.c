/* Searches for a curve's minimum without a learning rate (the grid-search
 * and directional-search trainers), the loss-function model, and what the
 * descent panel says when a single run ends. The numbers are the source
 * lesson's, recomputed independently with numpy (linspace, argmin) and
 * by hand: the grid's best point is its point 1000, x = 10.005002501250624;
 * directional steps of 0.01 converge after 877 moves; a step of 8 jumps
 * between 9.2345 and 17.2345. */
#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "diag_capture.h"
#include "draw.h"
#include "render.h"
#include "scene_util.h"

/* The four runs of the lesson itself. */
static void gd_search_lesson_finds_the_sources_numbers(void)
{
    struct scene *s = scene_load("scenes/gd-search.yaml");
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(s->nruns == 4);
    struct trace t[4];
    CHECK(scene_simulate(s, t) == 0);
    /* Grid search: 2000 points, numpy's linspace and argmin. */
    CHECK(t[0].nrec == 2000);
    CHECK_STR(t[0].stop_reason, "searched");
    CHECK(trace_value(&t[0], 999, "x") == 9.994997498749374);
    CHECK(trace_value(&t[0], 1999, "x") == 20.0);
    CHECK(trace_value(&t[0], 1999, "best_x") == 10.005002501250624);
    CHECK_NEAR(trace_value(&t[0], 1999, "best_y"), 2.5025018762497603e-05, 1e-18);
    CHECK(trace_value(&t[0], 1999, "points") == 2000);
    int monotone = 1;
    for (int k = 1; k < t[0].nrec; k++)
        monotone &= trace_value(&t[0], k, "best_y") <= trace_value(&t[0], k - 1, "best_y");
    CHECK(monotone);
    CHECK(trace_value(&t[0], 100, "y") == trace_value(&t[0], 100, "loss"));
    /* Step 0.001: out of steps far from the minimum. */
    CHECK_STR(t[1].stop_reason, "max_steps");
    CHECK(t[1].stop_step == 2000);
    CHECK_NEAR(trace_value(&t[1], 2000, "x"), 3.2345, 1e-9);
    /* Step 0.01: converged after 877 moves, just past 10. */
    CHECK_STR(t[2].stop_reason, "converged");
    CHECK(t[2].stop_step == 877);
    CHECK_NEAR(trace_value(&t[2], 877, "x"), 10.0045, 1e-9);
    CHECK(fabs(trace_value(&t[2], 877, "dy")) <= 1e-4);
    CHECK(fabs(trace_value(&t[2], 876, "dy")) > 1e-4);
    /* Step 8: one jump over, then back and forth for all 2000 steps. */
    CHECK_STR(t[3].stop_reason, "max_steps");
    int bounces = 1;
    for (int k = 1; k <= 2000; k++)
        bounces &= fabs(trace_value(&t[3], k, "x") - (k % 2 ? 9.2345 : 17.2345)) < 1e-9;
    CHECK(bounces);
    CHECK(trace_value(&t[3], 5, "step_size") == 8);
    for (int r = 0; r < 4; r++)
        trace_release(&t[r]);
    scene_free(s);
}

/* Only the gradient's sign counts: every move is exactly one step long,
 * whatever the slope, and a start at the minimum stays there. */
static void directional_search_moves_by_the_sign_only(void)
{
    struct scene *s = scene_from_text(
        "id: t\nmodel: {kind: parabola, x0: 0, center: 10, scale: 50}\n"
        "trainer: {kind: directional-search, step: 0.5, steps: 30, tolerance: 0}\n"
        "panels: [{kind: descent}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    CHECK(scene_simulate(s, &t) == 0);
    CHECK(t.nrec == 31);
    int steady = 1;
    for (int k = 1; k <= 20; k++)
        steady &= fabs(trace_value(&t, k, "x") - trace_value(&t, k - 1, "x") - 0.5) < 1e-12;
    CHECK(steady);
    CHECK(trace_value(&t, 20, "x") == 10);
    CHECK(trace_value(&t, 30, "x") == 10);      /* sign(0) = 0: it stays */
    trace_release(&t);
    scene_free(s);
}

static void search_options_are_checked_where_they_are_written(void)
{
    capture_start();
    struct scene *s = scene_from_text(
        "id: t\nmodel: {kind: parabola}\n"
        "trainer: {kind: grid-search, from: 5, to: 5}\npanels: [{kind: descent}]\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":3:43: error: trainer 'grid-search' needs 'to' (5) more "
                                 "than 'from' (5)") != NULL);
    capture_end();
    capture_start();
    s = scene_from_text("id: t\nmodel: {kind: parabola}\n"
                        "trainer: {kind: directional-search, step: 0}\npanels: [{kind: descent}]\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":3:43: error: 'step' in trainer 'directional-search' must be "
                                 "> 0") != NULL);
    capture_end();
    /* A search needs a curve: not a line fit. */
    capture_start();
    s = scene_from_text("id: t\ndata: {kind: line, n: 5}\nmodel: {kind: linear}\n"
                        "trainer: {kind: grid-search}\npanels: [{kind: loss-curve}]\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "objective-1d") != NULL);
    capture_end();
}

/* Runs that each give a whole trainer need none at the top; one run that
 * gives none still does. */
static void runs_with_their_own_trainers_need_no_scene_trainer(void)
{
    const char *ok =
        "id: t\nmodel: {kind: parabola, x0: 1}\nruns:\n"
        "  - {label: a, trainer: {kind: grid-search, n: 11}}\n"
        "  - {label: b, trainer: {kind: gd, learning_rate: 0.1, steps: 5}}\n"
        "layout: {rows: 1, cols: 2}\n"
        "panels: [{kind: descent, run: a}, {kind: descent, run: b}]\n";
    struct scene *s = scene_from_text(ok);
    CHECK(s != NULL);
    if (s) {
        CHECK(s->nruns == 2);
        CHECK(strcmp(s->runs[0].trainer->head.name, "grid-search") == 0);
        CHECK(strcmp(s->runs[1].trainer->head.name, "gd") == 0);
        scene_free(s);
    }
    capture_start();
    s = scene_from_text("id: t\nmodel: {kind: parabola, x0: 1}\nruns:\n"
                        "  - {label: a, trainer: {kind: grid-search, n: 11}}\n"
                        "  - {label: b, model: {x0: 2}}\n"
                        "panels: [{kind: descent, run: a}]\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "missing required key 'trainer'") != NULL);
    capture_end();
}

/* ---- loss-function --------------------------------------------------------- */

static double loss_at(const char *model, double p, int *ok)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml, "id: t\nmodel: {kind: loss-function, %s}\n"
             "trainer: {kind: scan, from: %.17g, to: %.17g, n: 2}\n"
             "panels: [{kind: curve-point}]\n", model, p, p + 1e-300 + fabs(p) * 1e-15);
    struct scene *s = scene_from_text(yaml);
    *ok = s != NULL;
    if (!s)
        return NAN;
    struct trace t;
    scene_simulate(s, &t);
    double y = trace_value(&t, 0, "loss");
    trace_release(&t);
    scene_free(s);
    return y;
}

static void loss_function_curves_follow_their_formulas(void)
{
    int ok;
    CHECK_NEAR(loss_at("function: mse, target: 1", 4, &ok), 9, 1e-12);
    CHECK(ok);
    CHECK_NEAR(loss_at("function: mse, target: 1", -1, &ok), 4, 1e-12);
    CHECK_NEAR(loss_at("function: mae, target: 1", -1, &ok), 2, 1e-12);
    CHECK_NEAR(loss_at("function: bce, target: 0", 0.98, &ok), 3.912023005428145, 1e-12);
    CHECK_NEAR(loss_at("function: bce, target: 1", 0.98, &ok), 0.020202707317519466, 1e-12);
    CHECK_NEAR(loss_at("function: bce, target: 0.5", 0.5, &ok), log(2), 1e-12);
    /* 0 log 0 is 0: a right and certain answer costs nothing. */
    CHECK(loss_at("function: bce, target: 0", 0, &ok) == 0);
    /* A scan whose first value the model cannot evaluate stops there. */
    struct scene *s = scene_from_text(
        "id: t\nmodel: {kind: loss-function, function: bce, target: 0}\n"
        "trainer: {kind: scan, from: 0.5, to: 1, n: 3}\npanels: [{kind: curve-point}]\n");
    CHECK(s != NULL);
    if (s) {
        struct trace t;
        scene_simulate(s, &t);
        CHECK(t.nrec == 3);
        CHECK(isinf(trace_value(&t, 2, "loss")));
        CHECK_STR(t.stop_reason, "diverged");
        trace_release(&t);
        scene_free(s);
    }
}

/* gd follows the model's gradient to the target (a soft label: for 0 or 1
 * the minimum is at the edge, where the gradient does not vanish). */
static void loss_function_gradient_leads_gd_to_the_target(void)
{
    struct scene *s = scene_from_text(
        "id: t\nmodel: {kind: loss-function, function: bce, target: 0.5, pred: 0.2}\n"
        "trainer: {kind: gd, learning_rate: 0.01, steps: 3000}\npanels: [{kind: descent}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t;
    scene_simulate(s, &t);
    double p0 = trace_value(&t, 0, "pred"), p1 = trace_value(&t, t.nrec - 1, "pred");
    CHECK(p0 == 0.2);
    CHECK_NEAR(p1, 0.5, 1e-6);
    /* |dL/dp| = |p - y| / (p (1 - p)) = 0.3 / 0.16 */
    CHECK_NEAR(trace_value(&t, 0, "grad"), 1.875, 1e-12);
    trace_release(&t);
    scene_free(s);
}

static void loss_function_bce_wants_a_label_and_a_probability(void)
{
    capture_start();
    struct scene *s = scene_from_text(
        "id: t\nmodel: {kind: loss-function, function: bce, target: 2}\n"
        "trainer: {kind: scan, from: 0.1, to: 0.9}\npanels: [{kind: curve-point}]\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":2:53: error: 'target' of model 'loss-function' with "
                                 "function bce is a label from 0 to 1 (got 2)") != NULL);
    capture_end();
    capture_start();
    s = scene_from_text(
        "id: t\nmodel: {kind: loss-function, function: bce, target: 1, pred: 1}\n"
        "trainer: {kind: scan, from: 0.1, to: 0.9}\npanels: [{kind: curve-point}]\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "'pred' of model 'loss-function' with function bce is a "
                                 "probability above 0 and below 1 (got 1)") != NULL);
    capture_end();
}

/* ---- the descent panel's last word ------------------------------------------- */

static uint32_t px_at(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    return ((const uint32_t *)(d + (size_t)y * (size_t)cairo_image_surface_get_stride(s)))[x];
}

/* Dark text pixels: the callout's and the title's (#1a1a1a); ticks are
 * lighter. */
static int dark_pixels(cairo_surface_t *s)
{
    int n = 0, w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t p = px_at(s, x, y);
            n += ((p >> 16) & 255) < 60 && ((p >> 8) & 255) < 60 && (p & 255) < 60;
        }
    return n;
}

/* On a single run's last record the callout gains a line saying why it
 * stopped (converged here); not before, and not with status: false. */
static int descent_text(const char *status, int rec_from_end)
{
    char yaml[768];
    snprintf(yaml, sizeof yaml,
             "id: t\ncanvas: {width: 400, height: 300}\n"
             "model: {kind: parabola, x0: 1.2345, center: 10}\n"
             "trainer: {kind: gd, learning_rate: 0.1, steps: 2000, tolerance: 1.0e-4}\n"
             "panels: [{kind: descent, x_label: '', y_label: '', grid: false, info: '',"
             " callout: 'Step', callout_at: [0.1, 0.8], x_range: [0, 20], y_range: [-10, 100]%s}]\n",
             status);
    struct scene *s = scene_from_text(yaml);
    CHECK(s != NULL);
    if (!s)
        return -1;
    struct trace t;
    scene_simulate(s, &t);
    CHECK(t.nrec == 31);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 300);
    CHECK(render_draw(s, &t, t.nrec - 1 - rec_from_end, surf) == 0);
    int n = dark_pixels(surf);
    const char *dir = getenv("MLANIM_TEST_PNG_DIR");
    if (dir && *dir) {
        char path[512];
        snprintf(path, sizeof path, "%s/descent-%d-%d.png", dir, (int)strlen(status), rec_from_end);
        cairo_surface_write_to_png(surf, path);
    }
    cairo_surface_destroy(surf);
    trace_release(&t);
    scene_free(s);
    return n;
}

static void descent_says_why_a_single_run_stopped_on_its_last_record(void)
{
    CHECK(draw_fonts_init() == 0);
    int last = descent_text("", 0), before = descent_text("", 1);
    int quiet = descent_text(", status: false", 0);
    CHECK(before > 0 && quiet > 0);
    CHECK(quiet == before);                 /* "Step" only, on both */
    CHECK(last > 2 * before);               /* plus "converged", longer than "Step" */
}

int main(void)
{
    RUN(gd_search_lesson_finds_the_sources_numbers);
    RUN(directional_search_moves_by_the_sign_only);
    RUN(search_options_are_checked_where_they_are_written);
    RUN(runs_with_their_own_trainers_need_no_scene_trainer);
    RUN(loss_function_curves_follow_their_formulas);
    RUN(loss_function_gradient_leads_gd_to_the_target);
    RUN(loss_function_bce_wants_a_label_and_a_probability);
    RUN(descent_says_why_a_single_run_stopped_on_its_last_record);
    return CHECK_SUMMARY();
}
