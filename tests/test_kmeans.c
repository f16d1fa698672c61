/* k-means: the blobs dataset, the centroid model, the kmeans trainer and the
 * clusters panel, checked against the algorithm worked out here by hand
 * (means of the points assigned, nearest centroids), the lesson's worked
 * example, and the pixels the panel paints for each phase. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "render.h"
#include "scene_util.h"

static struct trace run(struct scene *s)
{
    struct trace t;
    scene_simulate(s, &t);
    return t;
}

static double at(const struct trace *t, int r, const char *name)
{
    return trace_value(t, r, name);
}

static void centroids_of(const struct trace *t, int r, double *c, int k)
{
    for (int j = 0; j < k; j++) {
        char nx[16], ny[16];
        snprintf(nx, sizeof(nx), "c%dx", j + 1);
        snprintf(ny, sizeof(ny), "c%dy", j + 1);
        c[2 * j] = at(t, r, nx);
        c[2 * j + 1] = at(t, r, ny);
    }
}

/* Nearest centroid, first on ties: written out again so the trainer's own
 * helper is not checking itself. */
static int nearest(const double *c, int k, double x, double y)
{
    int best = 0;
    double bd = INFINITY;
    for (int j = 0; j < k; j++) {
        double d = (x - c[2 * j]) * (x - c[2 * j]) + (y - c[2 * j + 1]) * (y - c[2 * j + 1]);
        if (d < bd) {
            bd = d;
            best = j;
        }
    }
    return best;
}

static const char *blobs_yaml(int seed, int k)
{
    static char buf[512];
    snprintf(buf, sizeof(buf),
             "id: t\nseed: %d\n"
             "data: {kind: blobs, count: 5, box: [-6, 6], spread: 1.5, n: 60}\n"
             "model: {kind: centroids, k: %d}\n"
             "trainer: {kind: kmeans, max_iter: 100}\n"
             "panels: [{kind: clusters}]\n", seed, k);
    return buf;
}

static void kmeans_inertia_never_increases(void)
{
    for (int seed = 0; seed < 12; seed++) {
        struct scene *s = scene_from_text(blobs_yaml(seed, 2 + seed % 6));
        CHECK(s != NULL);
        if (!s) continue;
        struct trace t = run(s);
        CHECK(t.nrec >= 4);
        for (int r = 1; r < t.nrec; r++) {
            double prev = at(&t, r - 1, "loss"), now = at(&t, r, "loss");
            CHECK(now <= prev + 1e-9 * prev);
        }
        trace_release(&t);
        scene_free(s);
    }
}

/* Every update moves each centroid to the mean of the points the assign
 * step before gave it, and the loss is their squared distance to it. */
static void kmeans_update_moves_centroids_to_the_means(void)
{
    struct scene *s = scene_from_text(blobs_yaml(3, 4));
    CHECK(s != NULL);
    if (!s) return;
    struct trace t = run(s);
    const struct dataset *d = &s->data;
    int k = 4, updates = 0;
    for (int r = 1; r < t.nrec; r++) {
        if (at(&t, r, "phase") != 2)
            continue;
        updates++;
        double before[8], after[8], sx[4] = {0}, sy[4] = {0}, sse = 0;
        int n[4] = {0};
        centroids_of(&t, r - 1, before, k);
        centroids_of(&t, r, after, k);
        for (int i = 0; i < d->n; i++) {
            int j = nearest(before, k, dataset_x(d, i, 0), dataset_x(d, i, 1));
            sx[j] += dataset_x(d, i, 0);
            sy[j] += dataset_x(d, i, 1);
            n[j]++;
        }
        for (int j = 0; j < k; j++) {
            double mx = n[j] ? sx[j] / n[j] : before[2 * j], my = n[j] ? sy[j] / n[j] : before[2 * j + 1];
            CHECK_NEAR(after[2 * j], mx, 1e-9);
            CHECK_NEAR(after[2 * j + 1], my, 1e-9);
        }
        for (int i = 0; i < d->n; i++) {
            int j = nearest(before, k, dataset_x(d, i, 0), dataset_x(d, i, 1));
            sse += (dataset_x(d, i, 0) - after[2 * j]) * (dataset_x(d, i, 0) - after[2 * j]) +
                   (dataset_x(d, i, 1) - after[2 * j + 1]) * (dataset_x(d, i, 1) - after[2 * j + 1]);
        }
        CHECK_NEAR(at(&t, r, "loss"), sse, 1e-9 * sse);
    }
    CHECK(updates >= 1);
    trace_release(&t);
    scene_free(s);
}

static void kmeans_stops_when_an_assign_step_changes_nothing(void)
{
    struct scene *s = scene_from_text(blobs_yaml(5, 3));
    CHECK(s != NULL);
    if (!s) return;
    struct trace t = run(s);
    int last = t.nrec - 1;
    CHECK_STR(t.stop_reason, "converged");
    CHECK(at(&t, last, "phase") == 1);
    CHECK(at(&t, last, "changed") == 0);
    for (int r = 1; r < last; r++)
        if (at(&t, r, "phase") == 1)
            CHECK(at(&t, r, "changed") > 0);
    /* Records alternate: start, assign, update, assign, ... */
    for (int r = 0; r < t.nrec; r++) {
        CHECK(at(&t, r, "step") == r);
        CHECK(at(&t, r, "phase") == (r == 0 ? 0 : r % 2 ? 1 : 2));
        CHECK(at(&t, r, "iteration") == (r + 1) / 2);
    }
    trace_release(&t);
    scene_free(s);

    /* With too few iterations allowed it stops after the last update. */
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%s", blobs_yaml(5, 3));
    memcpy(strstr(yaml, "max_iter: 100"), "max_iter: 1  ", 13);
    s = scene_from_text(yaml);
    CHECK(s != NULL);
    if (!s) return;
    t = run(s);
    CHECK_STR(t.stop_reason, "max_steps");
    CHECK(t.nrec == 3);
    CHECK(at(&t, 2, "phase") == 2);
    trace_release(&t);
    scene_free(s);
}

static void kmeans_1d_worked_example_converges_to_2_and_10_with_inertia_4(void)
{
    struct scene *s = scene_load("scenes/kmeans-1d.yaml");
    CHECK(s != NULL);
    if (!s) return;
    struct trace t = run(s);
    CHECK_STR(t.stop_reason, "converged");
    CHECK(t.nrec == 4);     /* start, assign, update, assign (nothing changed) */
    CHECK_NEAR(at(&t, 0, "c1x"), 2, 0);
    CHECK_NEAR(at(&t, 0, "c2x"), 4, 0);
    CHECK_NEAR(at(&t, 1, "loss"), 1 + 0 + 1 + 25 + 36 + 49, 1e-12);
    CHECK_NEAR(at(&t, 1, "changed"), 6, 0);
    CHECK_NEAR(at(&t, 2, "c1x"), 2, 1e-12);
    CHECK_NEAR(at(&t, 2, "c2x"), 10, 1e-12);
    CHECK_NEAR(at(&t, 2, "shift"), 6, 1e-12);
    CHECK_NEAR(at(&t, 2, "loss"), 4, 1e-12);
    CHECK_NEAR(at(&t, 3, "changed"), 0, 0);
    CHECK_NEAR(at(&t, 3, "loss"), 4, 1e-12);
    /* One update: iteration 1's. */
    int updates = 0;
    for (int r = 0; r < t.nrec; r++)
        updates += at(&t, r, "phase") == 2;
    CHECK(updates == 1);
    /* Centroids past k are not there. */
    CHECK(isnan(at(&t, 3, "c3x")));
    CHECK(at(&t, 3, "k") == 2);
    trace_release(&t);
    scene_free(s);
}

static void nearest_centroid_ties_go_to_the_first(void)
{
    double c[4] = {2, 0, 4, 0}, d2;
    CHECK(centroids_nearest(c, 2, 3, 0, &d2) == 0);
    CHECK_NEAR(d2, 1, 0);
    CHECK(centroids_nearest(c, 2, 3.0001, 0, NULL) == 1);
}

static void blobs_are_deterministic_for_a_seed(void)
{
    struct scene *a = scene_from_text(blobs_yaml(11, 3));
    struct scene *b = scene_from_text(blobs_yaml(11, 3));
    struct scene *c = scene_from_text(blobs_yaml(12, 3));
    CHECK(a && b && c);
    if (a && b && c) {
        CHECK(a->data.n == 300 && b->data.n == 300 && c->data.n == 300);
        CHECK(a->data.d == 2 && a->data.y == NULL);
        CHECK(memcmp(a->data.x, b->data.x, sizeof(double) * 600) == 0);
        CHECK(memcmp(a->data.x, c->data.x, sizeof(double) * 600) != 0);
        /* The starting centroids follow the seed too. */
        struct trace ta = run(a), tb = run(b), tc = run(c);
        CHECK(at(&ta, 0, "c1x") == at(&tb, 0, "c1x") && at(&ta, 0, "c3y") == at(&tb, 0, "c3y"));
        CHECK(at(&ta, 0, "c1x") != at(&tc, 0, "c1x"));
        trace_release(&ta);
        trace_release(&tb);
        trace_release(&tc);
    }
    scene_free(a);
    scene_free(b);
    scene_free(c);
}

static void blobs_gather_around_their_given_centres(void)
{
    struct scene *s = scene_load("scenes/kmeans.yaml");
    CHECK(s != NULL);
    if (!s) return;
    const double centres[] = {-4, 3, 3, 4, 0, -3, 5, -2};
    CHECK(s->data.n == 300);
    for (int j = 0; j < 4; j++) {
        double mx = 0, my = 0, var = 0;
        for (int i = 75 * j; i < 75 * (j + 1); i++) {
            mx += dataset_x(&s->data, i, 0) / 75;
            my += dataset_x(&s->data, i, 1) / 75;
        }
        for (int i = 75 * j; i < 75 * (j + 1); i++)
            var += ((dataset_x(&s->data, i, 0) - mx) * (dataset_x(&s->data, i, 0) - mx) + (dataset_x(&s->data, i, 1) - my) * (dataset_x(&s->data, i, 1) - my)) / 150;
        /* The mean of 75 draws with sd 1.2 is within 0.14 * 4 of the centre. */
        CHECK_NEAR(mx, centres[2 * j], 0.56);
        CHECK_NEAR(my, centres[2 * j + 1], 0.56);
        CHECK_NEAR(sqrt(var), 1.2, 0.25);
    }
    scene_free(s);
}

static void random_initial_centroids_are_distinct_data_points(void)
{
    struct scene *s = scene_from_text(blobs_yaml(7, 8));
    CHECK(s != NULL);
    if (!s) return;
    struct trace t = run(s);
    double c[16];
    centroids_of(&t, 0, c, 8);
    for (int j = 0; j < 8; j++) {
        int found = 0;
        for (int i = 0; i < s->data.n; i++)
            found |= dataset_x(&s->data, i, 0) == c[2 * j] && dataset_x(&s->data, i, 1) == c[2 * j + 1];
        CHECK(found);
        for (int m = 0; m < j; m++)
            CHECK(c[2 * m] != c[2 * j] || c[2 * m + 1] != c[2 * j + 1]);
    }
    trace_release(&t);
    scene_free(s);
}

/* ---- invalid combinations ------------------------------------------------- */

/* The messages scene_from_text's loader prints, or NULL if it loaded. */
static char *load_errors(const char *yaml)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diag_set_stream(f);
    struct scene *s = scene_from_text(yaml);
    diag_set_stream(NULL);
    fclose(f);
    if (s) {
        scene_free(s);
        free(buf);
        return NULL;
    }
    return buf;
}

/* Does out have "LINE:COL: error: MSG" (the file name is a temporary)? */
static int has_error(const char *out, int line, int col, const char *msg)
{
    char want[512];
    snprintf(want, sizeof(want), ":%d:%d: error: %s", line, col, msg);
    return out && strstr(out, want) != NULL;
}

static void kmeans_with_a_linear_model_is_a_located_error(void)
{
    char *out = load_errors(
        "id: t\n"
        "data: {kind: line, n: 10}\n"
        "model: {kind: linear}\n"
        "trainer: {kind: kmeans}\n"
        "panels: [{kind: loss-curve}]\n");
    CHECK(has_error(out, 4, 17, "trainer 'kmeans' needs a model of k centroids in the plane "
                                "(centroids), which model 'linear' does not provide (kinds that "
                                "do: model 'centroids'); use trainer 'adam', 'gd', "
                                "'momentum', 'sgd'"));
    free(out);
}

static void gd_with_the_centroid_model_is_a_located_error(void)
{
    char *out = load_errors(
        "id: t\n"
        "data: {kind: blobs}\n"
        "model: {kind: centroids, k: 3}\n"
        "trainer:\n"
        "  kind: gd\n"
        "panels: [{kind: clusters}]\n");
    CHECK(has_error(out, 5, 9, "trainer 'gd' needs a model with a gradient to follow (gradient), "
                               "which model 'centroids' does not provide"));
    CHECK(out && strstr(out, "; use trainer 'kmeans'") != NULL);
    free(out);
}

static void centroid_init_of_the_wrong_length_is_a_located_error(void)
{
    char *out = load_errors(
        "id: t\n"
        "data: {kind: blobs}\n"
        "model: {kind: centroids, k: 3, init: [1, 2, 3, 4]}\n"
        "trainer: {kind: kmeans}\n"
        "panels: [{kind: clusters}]\n");
    CHECK(has_error(out, 3, 38, "'init' in model 'centroids' must give k = 3 centroids as x, y "
                                "pairs (6 numbers) or, for 1-D data, 3 x values (got 4)"));
    free(out);
}

static void more_centroids_than_points_is_a_located_error(void)
{
    char *out = load_errors(
        "id: t\n"
        "data: {kind: line, x: [1, 2]}\n"
        "model: {kind: centroids, k: 3}\n"
        "trainer: {kind: kmeans}\n"
        "panels: [{kind: clusters}]\n");
    CHECK(has_error(out, 3, 29, "model 'centroids' picks its k = 3 starting centroids from the "
                                "data, which has only 2 points"));
    free(out);
}

static void blob_centres_must_be_pairs(void)
{
    char *out = load_errors(
        "id: t\n"
        "data: {kind: blobs, centers: [1, 2, 3]}\n"
        "model: {kind: centroids, k: 2}\n"
        "trainer: {kind: kmeans}\n"
        "panels: [{kind: clusters}]\n");
    CHECK(has_error(out, 2, 30, "'centers' in data 'blobs' must be x, y pairs"));
    free(out);
}

/* ---- the clusters panel ---------------------------------------------------- */

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

/* The region tint: light and clearly coloured (text and axes are grey). */
static int is_tint(uint32_t p)
{
    int r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
    int lo = r < g ? (r < b ? r : b) : (g < b ? g : b), hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
    return lo >= 200 && hi - lo >= 12;
}

/* At an update step the centroids have moved but the points keep the
 * colours the assign step gave them; the next assign step recolours them.
 * Points 0, 2, 5, 9, 10 with centroids at 0 and 2: the assign step gives
 * 2, 5, 9 and 10 to the second (orange); the update moves it to 6.5, so 2
 * is now nearer the first but stays orange until the next assign. */
static void clusters_panel_colours_points_as_the_phase_assigns_them(void)
{
    CHECK(draw_fonts_init() == 0);
    struct scene *s = scene_from_text(
        "id: t\n"
        "canvas: {width: 400, height: 300}\n"
        "data: {kind: line, x: [0, 2, 5, 9, 10], slope: 0}\n"
        "model: {kind: centroids, k: 2, init: [0, 2]}\n"
        "trainer: {kind: kmeans}\n"
        "panels: [{kind: clusters, x_range: [-1, 11], y_range: [-1, 1], equal: false,\n"
        "          trails: false, point_size: 6, centroid_size: 5}]\n");
    CHECK(s != NULL);
    if (!s) return;
    struct trace t = run(s);
    CHECK(t.nrec >= 4);
    CHECK(at(&t, 2, "phase") == 2 && at(&t, 3, "phase") == 1);
    CHECK_NEAR(at(&t, 2, "c2x"), 6.5, 1e-12);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 300);
    /* The plot area: where the region tint is at the first assign (the axes
     * stay where they are for the whole run). */
    render_draw(s, &t, 1, surf);
    cairo_surface_flush(surf);
    int x0 = 400, x1 = -1, y0 = 300, y1 = -1;
    for (int y = 0; y < 300; y++)
        for (int x = 0; x < 400; x++)
            if (is_tint(pixel(surf, x, y))) {
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
            }
    CHECK(x1 - x0 > 200 && y1 - y0 > 100);
    double pw = x1 + 1 - x0;
    int py = (int)(y0 + (y1 + 1 - y0) / 2.0);
    int p2 = (int)(x0 + (2 + 1) / 12.0 * pw), p5 = (int)(x0 + (5 + 1) / 12.0 * pw);
    int p9 = (int)(x0 + (9 + 1) / 12.0 * pw);
    const uint32_t blue = 0xFF1F77B4, orange = 0xFFFF7F0E, grey = s->theme->series[5];
    /* Record: expected colour of the points at x = 2, 5 and 9 (0: not
     * checked; at the start the second centroid's marker covers x = 2). */
    struct { int rec; uint32_t at2, at5, at9; } want[] = {
        {0, 0, grey, grey}, {1, orange, orange, orange}, {2, orange, orange, orange},
        {3, blue, orange, orange},
    };
    for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
        render_draw(s, &t, want[w].rec, surf);
        cairo_surface_flush(surf);
        if (want[w].at2)
            CHECK(close_to(pixel(surf, p2, py), want[w].at2, 8));
        CHECK(close_to(pixel(surf, p5, py), want[w].at5, 8));
        CHECK(close_to(pixel(surf, p9, py), want[w].at9, 8));
    }
    /* Nothing is assigned at the start, so no region is tinted (a few
     * anti-aliased edges of the markers may look like tint). */
    render_draw(s, &t, 0, surf);
    cairo_surface_flush(surf);
    int tinted = 0;
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
            tinted += is_tint(pixel(surf, x, y));
    CHECK(tinted < 100);
    CHECK((x1 - x0) * (y1 - y0) > 20000);
    cairo_surface_destroy(surf);
    trace_release(&t);
    scene_free(s);
}

int main(void)
{
    RUN(kmeans_inertia_never_increases);
    RUN(kmeans_update_moves_centroids_to_the_means);
    RUN(kmeans_stops_when_an_assign_step_changes_nothing);
    RUN(kmeans_1d_worked_example_converges_to_2_and_10_with_inertia_4);
    RUN(nearest_centroid_ties_go_to_the_first);
    RUN(blobs_are_deterministic_for_a_seed);
    RUN(blobs_gather_around_their_given_centres);
    RUN(random_initial_centroids_are_distinct_data_points);
    RUN(kmeans_with_a_linear_model_is_a_located_error);
    RUN(gd_with_the_centroid_model_is_a_located_error);
    RUN(centroid_init_of_the_wrong_length_is_a_located_error);
    RUN(more_centroids_than_points_is_a_located_error);
    RUN(blob_centres_must_be_pairs);
    RUN(clusters_panel_colours_points_as_the_phase_assigns_them);
    draw_fonts_release();
    return CHECK_SUMMARY();
}
