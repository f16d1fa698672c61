/* data: the generated data kinds (moons, circles, spirals, gaussian-classes,
 * polynomial, grid) and the seeded train/test split. Each kind is built from
 * its own parameter table, from the defaults or from a small YAML mapping,
 * and checked against the shape it promises, worked out again here rather
 * than by calling the kind's own helpers. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "data.h"
#include "param.h"
#include "script.h"
#include "util.h"

#define TEST_PI 3.14159265358979323846

extern const struct data_kind data_moons, data_circles, data_spirals, data_gaussian_classes,
    data_polynomial, data_grid;

static const char *const data_extra[] = {"kind", NULL};

/* The messages of the last build_quietly. */
static char messages[2048];

/* Builds kind k into out with the seed, from the options in yaml (a
 * mapping) or, when yaml is NULL, from the table's defaults. Returns what
 * param_apply or make returned; out is empty after a failure. */
static int build(const struct data_kind *k, const char *yaml, uint64_t seed, struct dataset *out)
{
    struct arena ar = {0};
    struct diag_loc loc = {"test.yaml", 1, 1};
    void *opts = xcalloc(1, k->head.opts_size);
    struct script *sc = NULL;
    const struct snode *node = NULL;
    int rc = 0;
    memset(out, 0, sizeof(*out));
    if (yaml) {
        char context[64];
        snprintf(context, sizeof(context), "data '%s'", k->head.name);
        sc = script_parse("test.yaml", yaml, strlen(yaml));
        node = sc ? sc->root : NULL;
        rc = sc ? param_apply(k->head.params, opts, node, context, data_extra, &loc, &ar) : -1;
    } else {
        param_defaults(k->head.params, opts, &ar);
    }
    if (rc == 0) {
        struct rng r;
        rng_seed(&r, seed);
        struct data_ctx ctx = {.script_dir = ".", .loc = &loc, .node = node};
        rc = k->make(opts, &r, &ctx, out);
    }
    if (rc != 0)
        dataset_release(out);
    script_free(sc);
    free(opts);
    arena_free(&ar);
    return rc;
}

/* build, with the messages caught in `messages`; errors counts them. */
static int build_quietly(const struct data_kind *k, const char *yaml, struct dataset *out,
                         int *errors)
{
    FILE *f = tmpfile();
    int before = diag_error_count();
    diag_set_stream(f);
    int rc = build(k, yaml, 1, out);
    diag_set_stream(NULL);
    *errors = diag_error_count() - before;
    rewind(f);
    size_t n = fread(messages, 1, sizeof(messages) - 1, f);
    messages[n] = '\0';
    fclose(f);
    return rc;
}

static int count_label(const struct dataset *s, int c)
{
    int n = 0;
    for (int i = 0; i < s->n; i++)
        n += s->label[i] == c;
    return n;
}

static void class_mean(const struct dataset *s, int c, double *mx, double *my)
{
    double sx = 0, sy = 0;
    int n = 0;
    for (int i = 0; i < s->n; i++)
        if (s->label[i] == c) {
            sx += dataset_x(s, i, 0);
            sy += dataset_x(s, i, 1);
            n++;
        }
    *mx = sx / n;
    *my = sy / n;
}

static double radius(const struct dataset *s, int i)
{
    return hypot(dataset_x(s, i, 0), dataset_x(s, i, 1));
}

static int labels_in_range(const struct dataset *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->label[i] < 0 || s->label[i] >= s->nclasses)
            return 0;
    return 1;
}

static int has_cap(const struct dataset *s, const char *cap)
{
    struct capset caps = {0};
    dataset_capabilities(s, &caps);
    return capset_has(&caps, cap);
}

/* ---- moons ---------------------------------------------------------------- */

static void moons_default_is_200_labelled_points_in_the_plane(void)
{
    struct dataset s;
    char buf[16];
    CHECK(build(&data_moons, NULL, 1, &s) == 0);
    CHECK(s.n == 200 && s.d == 2);
    CHECK(s.y == NULL && s.label != NULL && s.img == NULL);
    CHECK(s.nclasses == 2 && labels_in_range(&s));
    CHECK(count_label(&s, 0) == 100 && count_label(&s, 1) == 100);
    CHECK_STR(dataset_class_name(&s, 0, buf, sizeof(buf)), "upper");
    CHECK_STR(dataset_class_name(&s, 1, buf, sizeof(buf)), "lower");
    CHECK(has_cap(&s, "points") && has_cap(&s, "labels") && !has_cap(&s, "data-1d"));
    dataset_release(&s);
}

static void moons_labels_split_the_two_half_circles(void)
{
    struct dataset s;
    CHECK(build(&data_moons, "{n: 101, noise: 0}", 1, &s) == 0);
    CHECK(s.n == 101 && count_label(&s, 0) == 50 && count_label(&s, 1) == 51);
    double upper_min_y = INFINITY, lower_max_y = -INFINITY;
    double upper_max_x = -INFINITY, lower_min_x = INFINITY;
    for (int i = 0; i < s.n; i++) {
        double x = dataset_x(&s, i, 0), y = dataset_x(&s, i, 1);
        if (s.label[i] == 0) {
            /* The upper half of the unit circle. */
            CHECK_NEAR(x * x + y * y, 1, 1e-12);
            CHECK(y >= -1e-12);
            upper_min_y = fmin(upper_min_y, y);
            upper_max_x = fmax(upper_max_x, x);
        } else {
            /* The lower half of the unit circle around (1, 0.5). */
            CHECK_NEAR((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5), 1, 1e-12);
            CHECK(y <= 0.5 + 1e-12);
            lower_max_y = fmax(lower_max_y, y);
            lower_min_x = fmin(lower_min_x, x);
        }
    }
    /* Interleaving: each moon reaches into the other's hollow. */
    CHECK(lower_max_y > upper_min_y + 0.4);
    CHECK(lower_min_x < upper_max_x - 0.9);
    /* The ends of each half-circle are included. */
    CHECK_NEAR(dataset_x(&s, 0, 0), 1, 1e-12);
    CHECK_NEAR(dataset_x(&s, 49, 0), -1, 1e-12);
    CHECK_NEAR(dataset_x(&s, 50, 0), 0, 1e-12);
    CHECK_NEAR(dataset_x(&s, 100, 0), 2, 1e-12);
    dataset_release(&s);
}

static void moons_class_means_are_where_the_half_circles_put_them(void)
{
    struct dataset s;
    double mx, my;
    CHECK(build(&data_moons, "{n: 4000, noise: 0.1}", 7, &s) == 0);
    /* A half-circle's mean height is 2/pi. */
    class_mean(&s, 0, &mx, &my);
    CHECK_NEAR(mx, 0, 0.02);
    CHECK_NEAR(my, 2 / TEST_PI, 0.02);
    class_mean(&s, 1, &mx, &my);
    CHECK_NEAR(mx, 1, 0.02);
    CHECK_NEAR(my, 0.5 - 2 / TEST_PI, 0.02);
    dataset_release(&s);
}

/* ---- circles -------------------------------------------------------------- */

static void circles_inner_class_has_factor_times_the_outer_radius(void)
{
    struct dataset s;
    char buf[16];
    CHECK(build(&data_circles, "{n: 81, noise: 0, factor: 0.3}", 1, &s) == 0);
    CHECK(s.n == 81 && s.d == 2 && s.y == NULL && s.nclasses == 2 && labels_in_range(&s));
    CHECK(count_label(&s, 0) == 40 && count_label(&s, 1) == 41);
    CHECK_STR(dataset_class_name(&s, 0, buf, sizeof(buf)), "outer");
    CHECK_STR(dataset_class_name(&s, 1, buf, sizeof(buf)), "inner");
    for (int i = 0; i < s.n; i++)
        CHECK_NEAR(radius(&s, i), s.label[i] ? 0.3 : 1, 1e-12);
    /* Evenly spaced round the circle from angle 0, the start not repeated. */
    CHECK_NEAR(dataset_x(&s, 0, 0), 1, 1e-12);
    CHECK_NEAR(dataset_x(&s, 1, 0), cos(2 * TEST_PI / 40), 1e-12);
    CHECK_NEAR(dataset_x(&s, 39, 1), sin(-2 * TEST_PI / 40), 1e-12);
    dataset_release(&s);
}

static void circles_with_default_noise_keep_the_inner_class_inside(void)
{
    struct dataset s;
    CHECK(build(&data_circles, NULL, 3, &s) == 0);
    CHECK(s.n == 200 && count_label(&s, 0) == 100 && count_label(&s, 1) == 100);
    double inner_max = 0, outer_min = INFINITY, inner_sum = 0, outer_sum = 0;
    for (int i = 0; i < s.n; i++) {
        double rad = radius(&s, i);
        if (s.label[i]) {
            inner_max = fmax(inner_max, rad);
            inner_sum += rad;
        } else {
            outer_min = fmin(outer_min, rad);
            outer_sum += rad;
        }
    }
    CHECK(inner_max < outer_min);
    CHECK_NEAR(inner_sum / 100, 0.5, 0.03);
    CHECK_NEAR(outer_sum / 100, 1, 0.03);
    /* Noisy: not every point is on its circle. */
    CHECK(fabs(radius(&s, 0) - 1) > 1e-6);
    dataset_release(&s);
}

static void circles_refuse_a_factor_of_one(void)
{
    struct dataset s;
    int errors;
    CHECK(build_quietly(&data_circles, "{factor: 1}", &s, &errors) == -1);
    CHECK(errors == 1);
    CHECK(strstr(messages, "test.yaml:1:10: error: 'factor'") != NULL);
    CHECK(s.n == 0 && s.x == NULL);
    CHECK(build_quietly(&data_circles, "{factor: 0}", &s, &errors) == -1);
    CHECK(errors == 1);
}

/* ---- spirals -------------------------------------------------------------- */

static void spirals_have_n_points_on_each_arm(void)
{
    struct dataset s;
    char buf[16];
    CHECK(build(&data_spirals, "{n: 30, classes: 5}", 1, &s) == 0);
    CHECK(s.n == 150 && s.d == 2 && s.y == NULL && s.nclasses == 5 && labels_in_range(&s));
    for (int c = 0; c < 5; c++)
        CHECK(count_label(&s, c) == 30);
    CHECK_STR(dataset_class_name(&s, 4, buf, sizeof(buf)), "4");
    dataset_release(&s);
    CHECK(build(&data_spirals, NULL, 1, &s) == 0);
    CHECK(s.n == 200 && s.nclasses == 2);
    dataset_release(&s);
}

static void spirals_radius_grows_with_angle(void)
{
    struct dataset s;
    const int n = 40;
    const double turns = 2;
    CHECK(build(&data_spirals, "{n: 40, classes: 3, turns: 2, noise: 0}", 1, &s) == 0);
    for (int k = 0; k < 3; k++) {
        /* Follow the arm, unwrapping the angle; it must be 2 pi turns times
         * the radius plus the arm's rotation. */
        int first = k * n;
        double theta = atan2(dataset_x(&s, first, 1), dataset_x(&s, first, 0));
        double start = 2 * TEST_PI * k / 3 + 2 * TEST_PI * turns / n;
        CHECK_NEAR(remainder(theta - start, 2 * TEST_PI), 0, 1e-9);
        theta = start;
        for (int i = first; i < first + n; i++) {
            CHECK(s.label[i] == k);
            if (i > first) {
                double a = atan2(dataset_x(&s, i, 1), dataset_x(&s, i, 0));
                double b = atan2(dataset_x(&s, i - 1, 1), dataset_x(&s, i - 1, 0));
                double step = remainder(a - b, 2 * TEST_PI);
                CHECK(step > 0);
                theta += step;
                CHECK(radius(&s, i) > radius(&s, i - 1));
            }
            CHECK_NEAR(radius(&s, i), (theta - 2 * TEST_PI * k / 3) / (2 * TEST_PI * turns), 1e-9);
        }
        CHECK_NEAR(radius(&s, first + n - 1), 1, 1e-12);
    }
    dataset_release(&s);
}

static void spirals_arms_are_the_first_arm_rotated(void)
{
    struct dataset s;
    CHECK(build(&data_spirals, "{n: 25, classes: 4, noise: 0}", 1, &s) == 0);
    for (int k = 1; k < 4; k++) {
        double a = 2 * TEST_PI * k / 4, c = cos(a), sn = sin(a);
        for (int i = 0; i < 25; i++) {
            double x0 = dataset_x(&s, i, 0), y0 = dataset_x(&s, i, 1);
            CHECK_NEAR(dataset_x(&s, k * 25 + i, 0), c * x0 - sn * y0, 1e-12);
            CHECK_NEAR(dataset_x(&s, k * 25 + i, 1), sn * x0 + c * y0, 1e-12);
        }
    }
    dataset_release(&s);
}

/* ---- gaussian-classes ----------------------------------------------------- */

static void gaussian_classes_default_is_two_classes_at_minus_two_and_two(void)
{
    struct dataset s;
    double mx, my;
    CHECK(build(&data_gaussian_classes, NULL, 1, &s) == 0);
    CHECK(s.n == 200 && s.d == 2 && s.y == NULL && s.nclasses == 2 && labels_in_range(&s));
    CHECK(count_label(&s, 0) == 100 && count_label(&s, 1) == 100);
    CHECK(s.class_names == NULL);
    class_mean(&s, 0, &mx, &my);
    CHECK(mx < -1.5 && my < -1.5);
    class_mean(&s, 1, &mx, &my);
    CHECK(mx > 1.5 && my > 1.5);
    dataset_release(&s);
}

static void gaussian_classes_means_are_near_the_given_centres(void)
{
    static const double cx[] = {-3, 3, 0}, cy[] = {0, 0, 4};
    struct dataset s;
    CHECK(build(&data_gaussian_classes, "{centers: [-3, 0, 3, 0, 0, 4], spread: 0.5, n: 3000}",
                 5, &s) == 0);
    CHECK(s.n == 9000 && s.nclasses == 3 && labels_in_range(&s));
    for (int c = 0; c < 3; c++) {
        double mx, my, ss = 0;
        CHECK(count_label(&s, c) == 3000);
        class_mean(&s, c, &mx, &my);
        CHECK_NEAR(mx, cx[c], 0.05);
        CHECK_NEAR(my, cy[c], 0.05);
        for (int i = 0; i < s.n; i++)
            if (s.label[i] == c)
                ss += pow(dataset_x(&s, i, 0) - cx[c], 2) + pow(dataset_x(&s, i, 1) - cy[c], 2);
        CHECK_NEAR(sqrt(ss / (2 * 3000)), 0.5, 0.03);
    }
    dataset_release(&s);
}

static void gaussian_classes_without_spread_sit_on_their_centres(void)
{
    struct dataset s;
    CHECK(build(&data_gaussian_classes, "{centers: [1, 2], spread: 0, n: 3}", 1, &s) == 0);
    CHECK(s.n == 3 && s.nclasses == 1);
    for (int i = 0; i < 3; i++)
        CHECK(dataset_x(&s, i, 0) == 1 && dataset_x(&s, i, 1) == 2 && s.label[i] == 0);
    dataset_release(&s);
}

static void gaussian_classes_take_their_names_from_a_comma_list(void)
{
    struct dataset s;
    char buf[16];
    CHECK(build(&data_gaussian_classes, "{centers: [0, 0, 1, 1, 2, 2], names: 'cat, dog ,bird'}",
                 1, &s) == 0);
    CHECK(s.nclasses == 3);
    CHECK_STR(dataset_class_name(&s, 0, buf, sizeof(buf)), "cat");
    CHECK_STR(dataset_class_name(&s, 1, buf, sizeof(buf)), "dog");
    CHECK_STR(dataset_class_name(&s, 2, buf, sizeof(buf)), "bird");
    dataset_release(&s);
}

static void gaussian_classes_refuse_an_odd_count_of_coordinates(void)
{
    struct dataset s;
    int errors;
    CHECK(build_quietly(&data_gaussian_classes, "{centers: [1, 2, 3]}", &s, &errors) == -1);
    CHECK(errors == 1);
    CHECK(strstr(messages, "test.yaml:1:11: error: 'centers'") != NULL);
    CHECK(s.n == 0 && s.x == NULL && s.label == NULL);
    CHECK(build_quietly(&data_gaussian_classes, "{centers: []}", &s, &errors) == -1);
    CHECK(errors == 1);
}

static void gaussian_classes_refuse_names_that_do_not_match_the_centres(void)
{
    struct dataset s;
    int errors;
    CHECK(build_quietly(&data_gaussian_classes, "{names: 'a, b, c'}", &s, &errors) == -1);
    CHECK(errors == 1);
    CHECK(strstr(messages, "test.yaml:1:9: error: 'names'") != NULL);
    CHECK(build_quietly(&data_gaussian_classes, "{names: 'a,'}", &s, &errors) == -1);
    CHECK(errors == 1);
    CHECK(build_quietly(&data_gaussian_classes, "{names: ' , b'}", &s, &errors) == -1);
    CHECK(errors == 1);
    CHECK(s.n == 0 && s.class_names == NULL);
}

/* ---- polynomial ----------------------------------------------------------- */

static double curve(double x)
{
    return 2 * x - 0.6 * pow(x, 2) + 0.2 * pow(x, 3) + 18 * sin(x);
}

static void polynomial_default_is_the_widget_sample(void)
{
    struct dataset s;
    CHECK(build(&data_polynomial, NULL, 1, &s) == 0);
    CHECK(s.n == 50 && s.d == 1 && s.y != NULL && s.label == NULL);
    CHECK(has_cap(&s, "data-1d") && has_cap(&s, "points") && !has_cap(&s, "labels"));
    int off_curve = 0;
    for (int i = 0; i < s.n; i++) {
        CHECK(s.x[i] >= -3 && s.x[i] <= 2);
        off_curve += fabs(s.y[i] - curve(s.x[i])) > 1e-6;
    }
    /* The default noise is on. */
    CHECK(off_curve == s.n);
    dataset_release(&s);
}

static void polynomial_without_noise_lies_on_the_curve(void)
{
    struct dataset s;
    CHECK(build(&data_polynomial, "{n: 500, noise: 0, x_range: [-5, 5]}", 2, &s) == 0);
    CHECK(s.n == 500);
    for (int i = 0; i < s.n; i++)
        CHECK_NEAR(s.y[i], curve(s.x[i]), 1e-12);
    dataset_release(&s);
}

static void polynomial_x_are_drawn_with_replacement_from_5n_even_steps(void)
{
    struct dataset s;
    const int m = 5 * 50;
    const double lo = -3, hi = 2, step = (hi - lo) / (m - 1);
    CHECK(build(&data_polynomial, NULL, 4, &s) == 0);
    int repeats = 0;
    for (int i = 0; i < s.n; i++) {
        double j = (s.x[i] - lo) / step;
        CHECK(j > -1e-9 && j < m - 1 + 1e-9);
        CHECK_NEAR(j, floor(j + 0.5), 1e-9);
        for (int k = 0; k < i; k++)
            repeats += s.x[k] == s.x[i];
    }
    /* 50 draws from 250 values repeat about five times. */
    CHECK(repeats > 0);
    dataset_release(&s);
}

static void polynomial_noise_is_the_magnitude_times_a_normal_variate(void)
{
    struct dataset s;
    CHECK(build(&data_polynomial, "{n: 20000, noise: 2, noise_mean: 0.5, noise_sd: 0.5}", 3,
                 &s) == 0);
    double sum = 0, ss = 0;
    for (int i = 0; i < s.n; i++)
        sum += s.y[i] - curve(s.x[i]);
    double mean = sum / s.n;
    for (int i = 0; i < s.n; i++)
        ss += pow(s.y[i] - curve(s.x[i]) - mean, 2);
    /* 2 * N(0.5, 0.5) is N(1, 1). */
    CHECK_NEAR(mean, 1, 0.03);
    CHECK_NEAR(sqrt(ss / (s.n - 1)), 1, 0.03);
    dataset_release(&s);
}

static void polynomial_noise_moves_points_only_vertically(void)
{
    struct dataset a, b;
    CHECK(build(&data_polynomial, "{noise: 0}", 9, &a) == 0);
    CHECK(build(&data_polynomial, "{noise: 4}", 9, &b) == 0);
    CHECK(memcmp(a.x, b.x, sizeof(double) * (size_t)a.n) == 0);
    CHECK(memcmp(a.y, b.y, sizeof(double) * (size_t)a.n) != 0);
    CHECK(a.seed == b.seed);
    dataset_release(&a);
    dataset_release(&b);
}

static void polynomial_refuses_a_reversed_range(void)
{
    struct dataset s;
    int errors;
    CHECK(build_quietly(&data_polynomial, "{x_range: [2, -3]}", &s, &errors) == -1);
    CHECK(errors == 1);
    CHECK(strstr(messages, "test.yaml:1:11: error: 'x_range'") != NULL);
}

/* ---- grid ----------------------------------------------------------------- */

static void grid_points_are_the_lattice_exactly(void)
{
    static const double xs[] = {-1, 0, 1, 2}, ys[] = {0, 0.5, 1};
    struct dataset s;
    CHECK(build(&data_grid, "{x_range: [-1, 2], y_range: [0, 1], nx: 4, ny: 3}", 1, &s) == 0);
    CHECK(s.n == 12 && s.d == 2);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) {
            CHECK(dataset_x(&s, r * 4 + c, 0) == xs[c]);
            CHECK(dataset_x(&s, r * 4 + c, 1) == ys[r]);
        }
    dataset_release(&s);
}

static void grid_spacing_is_even_and_ends_are_exact(void)
{
    struct dataset s;
    /* 0.3 + 6 * ((0.9 - 0.3) / 6) is not 0.9 in doubles: the end is set. */
    CHECK(build(&data_grid, "{x_range: [0.3, 0.9], y_range: [-0.3, 0.2], nx: 7, ny: 11}", 1,
                 &s) == 0);
    CHECK(s.n == 77);
    CHECK(dataset_x(&s, 0, 0) == 0.3 && dataset_x(&s, 0, 1) == -0.3);
    CHECK(dataset_x(&s, 76, 0) == 0.9 && dataset_x(&s, 76, 1) == 0.2);
    for (int i = 0; i < s.n; i++) {
        CHECK_NEAR(dataset_x(&s, i, 0), 0.3 + 0.1 * (i % 7), 1e-15);
        CHECK_NEAR(dataset_x(&s, i, 1), -0.3 + 0.05 * (i / 7), 1e-15);
    }
    dataset_release(&s);
}

static void grid_default_is_50_by_50_over_minus_5_to_5_unlabelled(void)
{
    struct dataset s;
    CHECK(build(&data_grid, NULL, 1, &s) == 0);
    CHECK(s.n == 2500 && s.d == 2 && s.y == NULL && s.label == NULL && s.nclasses == 0);
    CHECK(dataset_x(&s, 0, 0) == -5 && dataset_x(&s, 0, 1) == -5);
    CHECK(dataset_x(&s, 49, 0) == 5 && dataset_x(&s, 49, 1) == -5);
    CHECK(dataset_x(&s, 2499, 0) == 5 && dataset_x(&s, 2499, 1) == 5);
    CHECK(has_cap(&s, "points") && !has_cap(&s, "labels"));
    dataset_release(&s);
}

static void grid_refuses_an_empty_range(void)
{
    struct dataset s;
    int errors;
    CHECK(build_quietly(&data_grid, "{y_range: [1, 1]}", &s, &errors) == -1);
    CHECK(errors == 1);
    CHECK(strstr(messages, "test.yaml:1:11: error: 'y_range'") != NULL);
    CHECK(build_quietly(&data_grid, "{nx: 1}", &s, &errors) == -1);
    CHECK(errors == 1);
}

/* ---- every kind ----------------------------------------------------------- */

static const struct data_kind *const kinds[] = {
    &data_moons, &data_circles, &data_spirals, &data_gaussian_classes, &data_polynomial,
    &data_grid,
};

static int same_bytes(const struct dataset *a, const struct dataset *b)
{
    size_t n = (size_t)a->n;
    if (a->n != b->n || a->d != b->d || a->nclasses != b->nclasses || a->seed != b->seed)
        return 0;
    if (memcmp(a->x, b->x, sizeof(double) * n * (size_t)a->d) != 0)
        return 0;
    if (!a->y != !b->y || (a->y && memcmp(a->y, b->y, sizeof(double) * n) != 0))
        return 0;
    return !a->label == !b->label && (!a->label || memcmp(a->label, b->label, sizeof(int) * n) == 0);
}

static void every_kind_gives_the_same_bytes_for_the_same_seed(void)
{
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        struct dataset a, b;
        CHECK(build(kinds[k], NULL, 42, &a) == 0);
        CHECK(build(kinds[k], NULL, 42, &b) == 0);
        if (!same_bytes(&a, &b))
            fprintf(stderr, "  kind '%s' differs\n", kinds[k]->head.name);
        CHECK(same_bytes(&a, &b));
        dataset_release(&a);
        dataset_release(&b);
    }
}

static void every_kind_changes_with_the_seed(void)
{
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        struct dataset a, b;
        CHECK(build(kinds[k], NULL, 42, &a) == 0);
        CHECK(build(kinds[k], NULL, 43, &b) == 0);
        /* The data's own seed always follows the scene's; the points do too
         * except for the lattice, which nothing random touches. */
        CHECK(a.seed != b.seed);
        int same_x = memcmp(a.x, b.x, sizeof(double) * (size_t)a.n * (size_t)a.d) == 0;
        CHECK(same_x == (kinds[k] == &data_grid));
        dataset_release(&a);
        dataset_release(&b);
    }
}

static void every_kind_says_it_provides_data_and_points(void)
{
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        const struct kind_head *h = &kinds[k]->head;
        struct capset declared = {0}, actual = {0};
        struct dataset s;
        capset_add_all(&declared, h->provides);
        CHECK(build(kinds[k], NULL, 1, &s) == 0);
        dataset_capabilities(&s, &actual);
        /* What the descriptor promises is what its default data provides. */
        CHECK(declared.n == actual.n);
        for (int i = 0; i < declared.n; i++)
            CHECK(capset_has(&actual, declared.names[i]));
        CHECK(capset_has(&declared, "data") && capset_has(&declared, "points"));
        CHECK(h->summary && h->summary[0] && h->opts_size > 0);
        dataset_release(&s);
    }
}

/* ---- dataset_split -------------------------------------------------------- */

#define ROWS 100

/* Rows that say who they are: x = (i, -i), y = 10 i, label i % 3 (with one
 * class rarer than the others when skew is set), an image whose bytes are
 * i, names for the classes and features. */
static void numbered(struct dataset *s, int n, int skew)
{
    static const char *const names[] = {"a", "b", "c"};
    memset(s, 0, sizeof(*s));
    dataset_alloc(s, n, 2, 1, 1);
    dataset_set_classes(s, 3, names);
    s->feature_names = xcalloc(2, sizeof(char *));
    s->feature_names[0] = xstrdup("first");
    s->feature_names[1] = xstrdup("second");
    s->img_w = 2;
    s->img_h = 3;
    s->img_channels = 1;
    s->img = xmalloc((size_t)n * 6);
    for (int i = 0; i < n; i++) {
        s->x[2 * i] = i;
        s->x[2 * i + 1] = -i;
        s->y[i] = 10.0 * i;
        s->label[i] = skew ? (i < n * 6 / 10 ? 0 : i < n * 9 / 10 ? 1 : 2) : i % 3;
        memset(s->img + 6 * (size_t)i, i & 0xff, 6);
    }
    s->seed = 77;
}

/* The original row of each part's row (its x), checked to be a whole row. */
static void rows_of(const struct dataset *part, int *rows)
{
    for (int k = 0; k < part->n; k++) {
        int i = (int)dataset_x(part, k, 0);
        rows[k] = i;
        CHECK(dataset_x(part, k, 1) == -i);
    }
}

static void split_sizes_follow_the_test_fraction(void)
{
    struct dataset s, train, test;
    numbered(&s, ROWS, 0);
    CHECK(dataset_split(&s, 0.25, 1, 0, &train, &test) == 0);
    CHECK(test.n == 25 && train.n == 75 && test.d == 2 && train.d == 2);
    dataset_release(&train);
    dataset_release(&test);
    /* round(7 * 0.1) = 1, round(7 * 0.5) = 4 (halves round up). */
    dataset_release(&s);
    numbered(&s, 7, 0);
    CHECK(dataset_split(&s, 0.1, 1, 0, &train, &test) == 0);
    CHECK(test.n == 1 && train.n == 6);
    dataset_release(&train);
    dataset_release(&test);
    CHECK(dataset_split(&s, 0.5, 1, 0, &train, &test) == 0);
    CHECK(test.n == 4 && train.n == 3);
    dataset_release(&train);
    dataset_release(&test);
    dataset_release(&s);
}

static void split_parts_are_disjoint_cover_the_rows_and_keep_their_order(void)
{
    struct dataset s, train, test;
    int seen[ROWS] = {0}, rows[ROWS];
    numbered(&s, ROWS, 0);
    CHECK(dataset_split(&s, 0.3, 5, 0, &train, &test) == 0);
    const struct dataset *parts[] = {&train, &test};
    for (int p = 0; p < 2; p++) {
        rows_of(parts[p], rows);
        for (int k = 0; k < parts[p]->n; k++) {
            CHECK(rows[k] >= 0 && rows[k] < ROWS);
            seen[rows[k]]++;
            if (k > 0)
                CHECK(rows[k] > rows[k - 1]);
        }
    }
    for (int i = 0; i < ROWS; i++)
        CHECK(seen[i] == 1);
    /* Shuffled: the test rows are not simply the first or last ones. */
    rows_of(&test, rows);
    CHECK(rows[0] != 0 || rows[test.n - 1] != test.n - 1);
    CHECK(rows[0] != ROWS - test.n);
    dataset_release(&train);
    dataset_release(&test);
    dataset_release(&s);
}

static void split_parts_carry_targets_labels_names_and_images(void)
{
    struct dataset s, train, test;
    int rows[ROWS];
    char buf[16];
    numbered(&s, ROWS, 0);
    CHECK(dataset_split(&s, 0.2, 9, 0, &train, &test) == 0);
    const struct dataset *parts[] = {&train, &test};
    for (int p = 0; p < 2; p++) {
        const struct dataset *q = parts[p];
        rows_of(q, rows);
        CHECK(q->y && q->label && q->img && q->class_names && q->feature_names);
        CHECK(q->nclasses == 3 && q->img_w == 2 && q->img_h == 3 && q->img_channels == 1);
        CHECK_STR(dataset_class_name(q, 2, buf, sizeof(buf)), "c");
        CHECK_STR(q->feature_names[0], "first");
        CHECK_STR(q->feature_names[1], "second");
        /* Copies, not the source's own strings. */
        CHECK(q->class_names[0] != s.class_names[0] && q->feature_names[0] != s.feature_names[0]);
        CHECK(q->seed == s.seed);
        for (int k = 0; k < q->n; k++) {
            CHECK(q->y[k] == 10.0 * rows[k]);
            CHECK(q->label[k] == rows[k] % 3);
            CHECK(q->img[6 * k] == rows[k] && q->img[6 * k + 5] == rows[k]);
        }
    }
    dataset_release(&train);
    dataset_release(&test);
    dataset_release(&s);
}

static void split_stratified_keeps_each_class_proportion(void)
{
    struct dataset s, train, test;
    numbered(&s, ROWS, 1);      /* classes of 60, 30 and 10 rows */
    CHECK(dataset_split(&s, 0.3, 3, 1, &train, &test) == 0);
    CHECK(test.n == 30 && train.n == 70);
    CHECK(count_label(&test, 0) == 18 && count_label(&test, 1) == 9 && count_label(&test, 2) == 3);
    CHECK(count_label(&train, 0) == 42 && count_label(&train, 1) == 21 && count_label(&train, 2) == 7);
    dataset_release(&train);
    dataset_release(&test);
    /* Shares that do not divide evenly: each class within one row of its
     * share, and the test set as large as unstratified. */
    for (uint64_t seed = 1; seed <= 20; seed++) {
        CHECK(dataset_split(&s, 0.15, seed, 1, &train, &test) == 0);
        CHECK(test.n == 15);
        CHECK(fabs(count_label(&test, 0) - 9.0) <= 1);
        CHECK(fabs(count_label(&test, 1) - 4.5) <= 1);
        CHECK(fabs(count_label(&test, 2) - 1.5) <= 1);
        dataset_release(&train);
        dataset_release(&test);
    }
    dataset_release(&s);
}

static void split_unstratified_does_not_look_at_the_classes(void)
{
    struct dataset s, train, test;
    int stratified_every_time = 1;
    numbered(&s, ROWS, 1);
    for (uint64_t seed = 1; seed <= 20; seed++) {
        CHECK(dataset_split(&s, 0.3, seed, 0, &train, &test) == 0);
        CHECK(test.n == 30);
        stratified_every_time &= count_label(&test, 0) == 18 && count_label(&test, 2) == 3;
        dataset_release(&train);
        dataset_release(&test);
    }
    CHECK(!stratified_every_time);
    dataset_release(&s);
}

static void split_stratify_without_labels_is_a_plain_split(void)
{
    struct dataset s, a_train, a_test, b_train, b_test;
    CHECK(build(&data_grid, "{nx: 10, ny: 10}", 1, &s) == 0);
    CHECK(dataset_split(&s, 0.2, 8, 1, &a_train, &a_test) == 0);
    CHECK(dataset_split(&s, 0.2, 8, 0, &b_train, &b_test) == 0);
    CHECK(a_test.n == 20 && a_test.label == NULL && a_test.y == NULL && a_test.img == NULL);
    CHECK(same_bytes(&a_test, &b_test) && same_bytes(&a_train, &b_train));
    dataset_release(&a_train);
    dataset_release(&a_test);
    dataset_release(&b_train);
    dataset_release(&b_test);
    dataset_release(&s);
}

static void split_is_the_same_for_a_seed_and_changes_with_it(void)
{
    struct dataset s, a_train, a_test, b_train, b_test, c_train, c_test;
    numbered(&s, ROWS, 0);
    CHECK(dataset_split(&s, 0.3, 11, 1, &a_train, &a_test) == 0);
    CHECK(dataset_split(&s, 0.3, 11, 1, &b_train, &b_test) == 0);
    CHECK(dataset_split(&s, 0.3, 12, 1, &c_train, &c_test) == 0);
    CHECK(same_bytes(&a_test, &b_test) && same_bytes(&a_train, &b_train));
    CHECK(a_test.n == c_test.n && !same_bytes(&a_test, &c_test));
    CHECK(memcmp(a_test.img, b_test.img, (size_t)a_test.n * 6) == 0);
    dataset_release(&a_train);
    dataset_release(&a_test);
    dataset_release(&b_train);
    dataset_release(&b_test);
    dataset_release(&c_train);
    dataset_release(&c_test);
    dataset_release(&s);
}

static void split_refuses_when_a_part_would_be_empty(void)
{
    static const double fractions[] = {0, 1, 0.004, 0.996, -0.5, 1.5, NAN};
    struct dataset s, train, test;
    numbered(&s, ROWS, 0);
    for (size_t f = 0; f < ARRAY_LEN(fractions); f++) {
        CHECK(dataset_split(&s, fractions[f], 1, 0, &train, &test) == -1);
        CHECK(train.n == 0 && test.n == 0 && train.x == NULL && test.x == NULL);
        CHECK(train.class_names == NULL && test.img == NULL);
        CHECK(dataset_split(&s, fractions[f], 1, 1, &train, &test) == -1);
        CHECK(train.n == 0 && test.n == 0 && train.x == NULL && test.x == NULL);
        /* Releasing what a refusal leaves is fine. */
        dataset_release(&train);
        dataset_release(&test);
    }
    dataset_release(&s);
    numbered(&s, 1, 0);
    CHECK(dataset_split(&s, 0.5, 1, 0, &train, &test) == -1);
    CHECK(train.n == 0 && test.n == 0);
    dataset_release(&s);
}

int main(void)
{
    RUN(moons_default_is_200_labelled_points_in_the_plane);
    RUN(moons_labels_split_the_two_half_circles);
    RUN(moons_class_means_are_where_the_half_circles_put_them);
    RUN(circles_inner_class_has_factor_times_the_outer_radius);
    RUN(circles_with_default_noise_keep_the_inner_class_inside);
    RUN(circles_refuse_a_factor_of_one);
    RUN(spirals_have_n_points_on_each_arm);
    RUN(spirals_radius_grows_with_angle);
    RUN(spirals_arms_are_the_first_arm_rotated);
    RUN(gaussian_classes_default_is_two_classes_at_minus_two_and_two);
    RUN(gaussian_classes_means_are_near_the_given_centres);
    RUN(gaussian_classes_without_spread_sit_on_their_centres);
    RUN(gaussian_classes_take_their_names_from_a_comma_list);
    RUN(gaussian_classes_refuse_an_odd_count_of_coordinates);
    RUN(gaussian_classes_refuse_names_that_do_not_match_the_centres);
    RUN(polynomial_default_is_the_widget_sample);
    RUN(polynomial_without_noise_lies_on_the_curve);
    RUN(polynomial_x_are_drawn_with_replacement_from_5n_even_steps);
    RUN(polynomial_noise_is_the_magnitude_times_a_normal_variate);
    RUN(polynomial_noise_moves_points_only_vertically);
    RUN(polynomial_refuses_a_reversed_range);
    RUN(grid_points_are_the_lattice_exactly);
    RUN(grid_spacing_is_even_and_ends_are_exact);
    RUN(grid_default_is_50_by_50_over_minus_5_to_5_unlabelled);
    RUN(grid_refuses_an_empty_range);
    RUN(every_kind_gives_the_same_bytes_for_the_same_seed);
    RUN(every_kind_changes_with_the_seed);
    RUN(every_kind_says_it_provides_data_and_points);
    RUN(split_sizes_follow_the_test_fraction);
    RUN(split_parts_are_disjoint_cover_the_rows_and_keep_their_order);
    RUN(split_parts_carry_targets_labels_names_and_images);
    RUN(split_stratified_keeps_each_class_proportion);
    RUN(split_unstratified_does_not_look_at_the_classes);
    RUN(split_stratify_without_labels_is_a_plain_split);
    RUN(split_is_the_same_for_a_seed_and_changes_with_it);
    RUN(split_refuses_when_a_part_would_be_empty);
    return CHECK_SUMMARY();
}
