/* Content checks of the decision-boundary panel and the logistic lesson:
 * the shading follows the model's probability (class 1's colour where the
 * model says class 1, class 0's where it says class 0), and the lesson's
 * model starts badly placed and ends classifying most points correctly. */
#include <cairo.h>
#include <math.h>
#include "check.h"
#include "render.h"
#include <stdlib.h>
#include "scene.h"

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    return *(const uint32_t *)(d + (size_t)y * (size_t)cairo_image_surface_get_stride(s) + 4 * (size_t)x);
}

static int red(uint32_t p) { return (p >> 16) & 255; }
static int blue(uint32_t p) { return p & 255; }

/* Probability of class 1 at (x1, x2) for the record's theta. */
static double p1(const struct scene *s, const struct trace *t, int rec, double x1, double x2)
{
    const double *theta = trainer_theta(t, rec);
    double x[2] = {x1, x2}, p[2];
    s->runs[0].model->classify(s->runs[0].model_opts, theta, &s->data, x, p);
    return p[1];
}

static void shading_follows_the_probability_of_the_model(void)
{
    struct scene *s = scene_load("scenes/logistic-boundary.yaml");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t[1];
    CHECK(scene_simulate(s, t) == 0);
    CHECK(draw_fonts_init() == 0);
    int w = s->canvas.width, h = s->canvas.height;
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    int last = t->nrec - 1;
    render_draw(s, t, last, surf);
    /* The panel's plot area spans x1 in [-5, 5], x2 in [-4.5, 4.5] (the
     * script's ranges) inside the left three fifths of the canvas; find it
     * by probing data points far from the boundary on both sides, through
     * the model: where p1 > 0.99 the pixel leans red, where p1 < 0.01 blue. */
    double xs[2][2] = {{-4.0, -3.5}, {4.0, 3.0}};
    for (int k = 0; k < 2; k++) {
        double p = p1(s, t, last, xs[k][0], xs[k][1]);
        CHECK(k == 0 ? p < 0.01 : p > 0.99);
    }
    /* Scan a row through the middle of the plot: left of the boundary the
     * shading is bluish, right of it reddish, and the colour changes side
     * once (the boundary of a logistic model is one straight line). */
    int y = h / 2, changes = 0, prev = -1, blues = 0, reds = 0;
    for (int x = (int)(w * 0.1); x < (int)(w * 0.55); x++) {
        uint32_t px = pixel(surf, x, y);
        int r = red(px), b = blue(px);
        if (abs(r - b) < 40)
            continue;       /* near the boundary, a point or a grid line */
        int side = r > b;
        blues += !side;
        reds += side;
        if (prev >= 0 && side != prev)
            changes++;
        prev = side;
    }
    CHECK(blues > 50 && reds > 50);
    CHECK(changes <= 3);    /* the boundary, plus a marker or two on the row */
    cairo_surface_destroy(surf);
    trace_release(t);
    scene_free(s);
}

/* What the caption promises, counted here from the model's probabilities:
 * the line starts in the wrong place and ends between the classes. */
static void final_model_classifies_most_points_correctly(void)
{
    struct scene *s = scene_load("scenes/logistic-boundary.yaml");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t[1];
    CHECK(scene_simulate(s, t) == 0);
    int right0 = 0, right_last = 0;
    for (int i = 0; i < s->data.n; i++) {
        double a = dataset_x(&s->data, i, 0), b = dataset_x(&s->data, i, 1);
        right0 += (p1(s, t, 0, a, b) > 0.5) == (s->data.label[i] == 1);
        right_last += (p1(s, t, t->nrec - 1, a, b) > 0.5) == (s->data.label[i] == 1);
    }
    CHECK(right0 < 0.7 * s->data.n);            /* it starts badly placed */
    CHECK(right_last > 0.9 * s->data.n);        /* and ends between the classes */
    /* The loss falls at every step of gradient descent at this rate. */
    int rises = 0;
    for (int r = 1; r < t->nrec; r++)
        rises += trace_value(t, r, "loss") > trace_value(t, r - 1, "loss");
    CHECK(rises == 0);
    trace_release(t);
    scene_free(s);
}

int main(void)
{
    RUN(shading_follows_the_probability_of_the_model);
    RUN(final_model_classifies_most_points_correctly);
    draw_fonts_release();
    return CHECK_SUMMARY();
}
