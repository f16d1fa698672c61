/* The activation lessons from first principles: the activation model's
 * functions against values worked out by hand (and numpy's), the scan
 * trainer's inputs against np.linspace bit for bit, its checks, and the
 * curve-point panel's dot and label box where the trace puts them. Every
 * scene goes through the real loader, trainer and drawing. */
#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "diag_capture.h"
#include "render.h"
#include "scene_util.h"

static const char *act_yaml(const char *model, const char *trainer)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf),
             "id: t\ncanvas: {width: 600, height: 400}\n"
             "model: {kind: activation%s}\n"
             "trainer: {kind: scan%s}\n"
             "frames: {every: 1, hold: 0}\n"
             "panels: [{kind: curve-point}]\n", model, trainer);
    return buf;
}

/* f of the model a scene loaded with these model options. */
struct fn {
    struct scene *s;
};

static struct fn fn_open(const char *model)
{
    struct fn f = {scene_from_text(act_yaml(model, ""))};
    CHECK(f.s != NULL);
    return f;
}

static double fn_at(const struct fn *f, double x)
{
    if (!f->s)
        return NAN;
    const struct run *r = &f->s->runs[0];
    double theta[1] = {x};
    double y = r->model->objective(r->model_opts, x);
    /* The loss a trainer records is the same f. */
    CHECK(r->model->loss(r->model_opts, theta, &f->s->data) == y ||
          (isnan(y) && isnan(r->model->loss(r->model_opts, theta, &f->s->data))));
    return y;
}

static void relu_is_zero_on_the_left_and_x_on_the_right(void)
{
    struct fn f = fn_open("");          /* relu is the default */
    CHECK(fn_at(&f, -6) == 0);
    CHECK(fn_at(&f, -1e-300) == 0);
    CHECK(fn_at(&f, 0) == 0);
    CHECK(fn_at(&f, 0.4) == 0.4);
    CHECK(fn_at(&f, 3.5) == 3.5);
    CHECK(fn_at(&f, 6) == 6);
    CHECK(f.s && f.s->runs[0].model->minimum == NULL);
    CHECK(f.s && strcmp(f.s->runs[0].model->loss_label, "y") == 0);
    scene_free(f.s);
}

/* sigmoid(-6) and sigmoid(6) are numpy's 1/(1 + np.exp(-x)) (the lesson's
 * y(-6) = 0.00247, y(6) = 0.99753); sigmoid(0) is one half exactly; far out
 * it is 0 and 1, finite, and just inside underflow still positive. */
static void sigmoid_matches_hand_values_and_stays_finite(void)
{
    struct fn f = fn_open(", function: sigmoid");
    CHECK_NEAR(fn_at(&f, -6), 0.0024726231566347743, 1e-18);
    CHECK_NEAR(fn_at(&f, 6), 0.9975273768433653, 1e-16);
    CHECK(fn_at(&f, 0) == 0.5);
    CHECK_NEAR(fn_at(&f, 1), 0.7310585786300049, 1e-16);
    CHECK_NEAR(fn_at(&f, -6) + fn_at(&f, 6), 1, 1e-15);
    double lo = fn_at(&f, -800), hi = fn_at(&f, 800);
    CHECK(isfinite(lo) && lo == 0);
    CHECK(isfinite(hi) && hi == 1);
    CHECK(fn_at(&f, -720) > 0 && fn_at(&f, -720) < 1e-300);
    CHECK_NEAR(fn_at(&f, -40) / exp(-40), 1, 1e-14);
    CHECK(fn_at(&f, -INFINITY) == 0 && fn_at(&f, INFINITY) == 1);
    scene_free(f.s);
}

static void tanh_leaky_relu_and_identity_match_hand_values(void)
{
    struct fn t = fn_open(", function: tanh");
    CHECK(fn_at(&t, 0) == 0);
    CHECK_NEAR(fn_at(&t, 1), 0.7615941559557649, 1e-16);
    CHECK_NEAR(fn_at(&t, -2), -0.9640275800758169, 1e-16);
    CHECK(fn_at(&t, 800) == 1 && fn_at(&t, -800) == -1);
    scene_free(t.s);

    struct fn l = fn_open(", function: leaky-relu");
    CHECK_NEAR(fn_at(&l, -100), -1, 1e-12);          /* the default slope 0.01 */
    CHECK(fn_at(&l, 2) == 2);
    scene_free(l.s);
    struct fn l3 = fn_open(", function: leaky-relu, slope: 0.3");
    CHECK_NEAR(fn_at(&l3, -2), -0.6, 1e-15);
    CHECK(fn_at(&l3, 0) == 0 && fn_at(&l3, 5) == 5);
    scene_free(l3.s);

    struct fn i = fn_open(", function: identity");
    CHECK(fn_at(&i, -2.5) == -2.5 && fn_at(&i, 4) == 4);
    scene_free(i.s);
}

/* np.linspace(-6, 6, 31): x_k = -6 + k * 0.4 in doubles (0.4 being 12/30
 * rounded, as numpy's step is), the last exactly 6. Record k is step k, and
 * the loss is f(x) at every record. */
static void scan_walks_linspace_exactly_and_records_f_of_x(void)
{
    const char *fns[] = {"", ", function: sigmoid"};
    for (int f = 0; f < 2; f++) {
        struct scene *s = scene_from_text(act_yaml(fns[f], ""));
        CHECK(s != NULL);
        if (!s)
            continue;
        struct trace t;
        CHECK(scene_simulate(s, &t) == 0);
        CHECK(t.nrec == 31);
        CHECK_STR(t.stop_reason, "end");
        CHECK(t.stop_step == 30);
        CHECK(trace_channel(&t, "x") == TRACE_THETA_CHANNEL);
        for (int k = 0; k < t.nrec; k++) {
            double x = trace_value(&t, k, "x"), y = trace_value(&t, k, "loss");
            double want = k == 30 ? 6.0 : -6.0 + k * 0.4;
            CHECK(trace_value(&t, k, "step") == k);
            CHECK(x == want);
            double fx = f == 0 ? (x > 0 ? x : 0) : 1 / (1 + exp(-x));
            CHECK(y == fx);
        }
        CHECK(trace_value(&t, 0, "x") == -6);
        CHECK(trace_value(&t, 15, "x") == 0);
        CHECK(trace_value(&t, 30, "x") == 6);
        trace_release(&t);
        scene_free(s);
    }
}

/* An awkward range: the last value is `to` itself even where k * step
 * rounds elsewhere, the values rise, and n = 2 gives just the two ends. */
static void scan_ends_exactly_at_to(void)
{
    struct scene *s = scene_from_text(act_yaml(", function: identity",
                                               ", from: -1, to: 2.3, n: 7"));
    CHECK(s != NULL);
    if (s) {
        struct trace t;
        CHECK(scene_simulate(s, &t) == 0);
        CHECK(t.nrec == 7);
        double step = (2.3 - -1.0) / 6;
        for (int k = 0; k < t.nrec; k++) {
            double x = trace_value(&t, k, "x");
            CHECK(x == (k == 6 ? 2.3 : k * step + -1.0));
            CHECK(trace_value(&t, k, "loss") == x);
            if (k)
                CHECK(x > trace_value(&t, k - 1, "x"));
        }
        CHECK(s->runs[0].trainer->max_steps(s->runs[0].trainer_opts) == 6);
        trace_release(&t);
        scene_free(s);
    }
    s = scene_from_text(act_yaml("", ", from: 1, to: 3, n: 2"));
    CHECK(s != NULL);
    if (s) {
        struct trace t;
        CHECK(scene_simulate(s, &t) == 0);
        CHECK(t.nrec == 2 && trace_value(&t, 0, "x") == 1 && trace_value(&t, 1, "x") == 3);
        trace_release(&t);
        scene_free(s);
    }
}

/* A script whose scan does not go up is refused where 'to' is written. */
static void scan_refuses_a_range_that_does_not_go_up(void)
{
    capture_start();
    struct scene *s = scene_from_text(act_yaml("", ", from: 2, to: 2"));
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":4:36: error: trainer 'scan' must go up: 'to' (2) must be "
                                 "more than 'from' (2)") != NULL);
    capture_end();
    scene_free(s);

    capture_start();
    s = scene_from_text(act_yaml("", ", from: 7"));
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), ":4:29: error: trainer 'scan' must go up: 'to' (6) must be "
                                 "more than 'from' (7)") != NULL);
    capture_end();
    scene_free(s);

    capture_start();
    s = scene_from_text(act_yaml("", ", n: 1"));
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "error:") && strstr(capture_text(), "'n'"));
    capture_end();
    scene_free(s);
}

/* An activation has no gradient: gd is refused with a pointer to scan; a
 * slope for another function is a warning, not silence. */
static void activation_is_refused_by_gd_and_warns_about_a_stray_slope(void)
{
    capture_start();
    struct scene *s = scene_from_text("id: t\nmodel: {kind: activation}\ntrainer: {kind: gd}\n"
                                      "panels: [{kind: curve-point}]\n");
    CHECK(s == NULL);
    CHECK(strstr(capture_text(), "which model 'activation' does not provide") != NULL);
    CHECK(strstr(capture_text(), "use trainer 'grid-search', 'scan'") != NULL);
    capture_end();
    scene_free(s);

    capture_start();
    s = scene_from_text(act_yaml(", function: sigmoid, slope: 0.2", ""));
    CHECK(s != NULL);
    CHECK(strstr(capture_text(), ":3:53: warning: 'slope' in model 'activation' only applies "
                                 "to function leaky-relu, not sigmoid") != NULL);
    capture_end();
    scene_free(s);
}

/* ---- the curve-point panel ------------------------------------------------ */

static uint32_t pixel(cairo_surface_t *surf, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(surf);
    return ((const uint32_t *)(d + (size_t)y * (size_t)cairo_image_surface_get_stride(surf)))[x];
}

static int ch(uint32_t p, int shift) { return (p >> shift) & 255; }
/* The point's red (#d62728) and its blends with white. */
static int is_red(uint32_t p) { return ch(p, 16) > ch(p, 8) + 70 && ch(p, 16) > ch(p, 0) + 70; }
/* The label's text (#1a1a1a) at full coverage: nothing else in a plot
 * without a title or axis labels is this dark (ticks and spines are #555
 * and #4d4d4d). */
static int is_text(uint32_t p) { return ch(p, 16) < 60 && ch(p, 8) < 60 && ch(p, 0) < 60; }

struct blob {
    int n, x0, y0, x1, y1;
    double cx, cy;
};

static struct blob find(cairo_surface_t *surf, int (*is)(uint32_t))
{
    int w = cairo_image_surface_get_width(surf), h = cairo_image_surface_get_height(surf);
    struct blob b = {0, w, h, -1, -1, 0, 0};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (is(pixel(surf, x, y))) {
                b.n++;
                b.cx += x;
                b.cy += y;
                if (x < b.x0) b.x0 = x;
                if (x > b.x1) b.x1 = x;
                if (y < b.y0) b.y0 = y;
                if (y > b.y1) b.y1 = y;
            }
    if (b.n) {
        b.cx /= b.n;
        b.cy /= b.n;
    }
    return b;
}

struct panel_shot {
    struct scene *s;
    struct trace t;
    cairo_surface_t *surf;
};

static int panel_open(struct panel_shot *p, const char *panel)
{
    static char yaml[1024];
    snprintf(yaml, sizeof(yaml),
             "id: t\ncanvas: {width: 600, height: 400}\n"
             "model: {kind: activation}\ntrainer: {kind: scan}\n"
             "panels: [{kind: curve-point, x_label: \"\", y_label: \"\", grid: false%s}]\n",
             panel);
    memset(p, 0, sizeof(*p));
    p->s = scene_from_text(yaml);
    CHECK(p->s != NULL);
    if (!p->s)
        return -1;
    CHECK(scene_simulate(p->s, &p->t) == 0);
    p->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 600, 400);
    return 0;
}

static void panel_close(struct panel_shot *p)
{
    if (p->surf)
        cairo_surface_destroy(p->surf);
    if (p->s) {
        trace_release(&p->t);
        scene_free(p->s);
    }
}

/* The dot's centre at record rec, and the label's text box. */
static void panel_shoot(struct panel_shot *p, int rec, struct blob *dot, struct blob *text)
{
    CHECK(render_draw(p->s, &p->t, rec, p->surf) == 0);
    *dot = find(p->surf, is_red);
    *text = find(p->surf, is_text);
}

/* The dot is at the record's (x, y = f(x)): the dots at x = -6 (y = 0) and
 * x = 6 (y = 6) fix the pixel scale, and the one at x = 2 (record 20) lands
 * where that scale puts (2, 2); the label's text is one box beside it, at
 * label_at [0.2, 0.6] of the plot, and shows different values. */
static void curve_point_puts_the_dot_at_the_records_x_and_y(void)
{
    struct panel_shot p;
    if (panel_open(&p, ""))
        return;
    CHECK(draw_fonts_init() == 0);
    struct blob d0, d30, d20, t0, t30, t20;
    panel_shoot(&p, 0, &d0, &t0);
    panel_shoot(&p, 30, &d30, &t30);
    panel_shoot(&p, 20, &d20, &t20);
    CHECK(d0.n > 100 && d30.n > 100 && d20.n > 100);
    CHECK(d20.x1 - d20.x0 <= 20 && d20.y1 - d20.y0 <= 20);      /* one disc of radius 8 */
    double sx = (d30.cx - d0.cx) / 12, sy = (d30.cy - d0.cy) / 6;
    CHECK(sx > 30 && sy < -30);
    CHECK_NEAR(d20.cx, d0.cx + 8 * sx, 1.5);
    CHECK_NEAR(d20.cy, d0.cy + 2 * sy, 1.5);
    /* The box's lower left corner at 20 % across, 60 % up: its text starts
     * a padding to the right and ends a padding above. */
    double left = d0.cx + 0.2 * 12 * sx, bottom = d0.cy + (-1 + 0.6 * 7.5 - 0) * sy;
    CHECK(t0.n > 50);
    CHECK(t0.x0 > left && t0.x0 < left + 14);
    CHECK(t0.y1 < bottom && t0.y1 > bottom - 16);
    CHECK(t0.y1 - t0.y0 > 20);                                  /* two lines */
    CHECK(t0.n != t30.n || t0.cx != t30.cx);
    panel_close(&p);
}

/* Distance from (cx, cy) to the rectangle of the text grown by the box's
 * padding. */
static double box_distance(const struct blob *text, double pad, double cx, double cy)
{
    double dx = fmax(fmax(text->x0 - pad - cx, 0), cx - (text->x1 + pad));
    double dy = fmax(fmax(text->y0 - pad - cy, 0), cy - (text->y1 + pad));
    return hypot(dx, dy);
}

/* A label placed right over the path of the dot (near y = 0 in the middle
 * of the plot) moves out of the dot's way whenever the dot comes under it,
 * and stays where it was put otherwise. */
static void curve_point_label_never_covers_the_dot(void)
{
    struct panel_shot p;
    if (panel_open(&p, ", label_at: [0.45, 0.08]"))
        return;
    CHECK(draw_fonts_init() == 0);
    struct blob ref, tref;
    panel_shoot(&p, 0, &ref, &tref);
    int moved = 0;
    for (int rec = 0; rec < p.t.nrec; rec++) {
        struct blob d, t;
        panel_shoot(&p, rec, &d, &t);
        CHECK(d.n > 100 && t.n > 50);
        double gap = box_distance(&t, 8, d.cx, d.cy);
        if (gap < 8)
            fprintf(stderr, "record %d: the label box is %.1f px from the dot\n", rec, gap);
        CHECK(gap >= 8);
        moved += fabs(t.cy - tref.cy) > 50;
    }
    CHECK(moved >= 3 && moved < p.t.nrec - 10);
    panel_close(&p);
}

/* Interrupted before it starts, a scan records its first value and fails
 * with a message. Last: the flag cannot be cleared. */
static void scan_stops_when_interrupted(void)
{
    struct scene *s = scene_from_text(act_yaml("", ""));
    CHECK(s != NULL);
    if (!s)
        return;
    interrupt_request();
    capture_start();
    struct trace t;
    CHECK(scene_simulate(s, &t) == -1);
    CHECK(strstr(capture_text(), "interrupted while scanning, at step 0") != NULL);
    capture_end();
    CHECK(t.nrec == 1 && trace_value(&t, 0, "x") == -6);
    trace_release(&t);
    scene_free(s);
}

int main(void)
{
    RUN(relu_is_zero_on_the_left_and_x_on_the_right);
    RUN(sigmoid_matches_hand_values_and_stays_finite);
    RUN(tanh_leaky_relu_and_identity_match_hand_values);
    RUN(scan_walks_linspace_exactly_and_records_f_of_x);
    RUN(scan_ends_exactly_at_to);
    RUN(scan_refuses_a_range_that_does_not_go_up);
    RUN(activation_is_refused_by_gd_and_warns_about_a_stray_slope);
    RUN(curve_point_puts_the_dot_at_the_records_x_and_y);
    RUN(curve_point_label_never_covers_the_dot);
    RUN(scan_stops_when_interrupted);
    draw_fonts_release();
    return CHECK_SUMMARY();
}
