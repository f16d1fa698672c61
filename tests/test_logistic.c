/* Unit tests for model logistic: its gradient against central finite
 * differences of its own loss; its fit, reached by plain gradient descent on
 * that gradient, against Newton's method (IRLS) written out here from the
 * textbook formulas on a small data set whose classes overlap (so the
 * optimum is finite and unique); the loss against values worked out by hand;
 * class probabilities that stay finite and sum to one however confident the
 * model; and the located errors its check reports. */
#include <stdlib.h>

#include "check.h"
#include "model.h"
#include "rng.h"

/* Declared where the kinds are registered (src/model/registry.c), not in
 * model.h. */
extern const struct model_kind model_logistic;

/* ---- helpers ---- */

static void make_data(struct dataset *d, int n, int dim, const double *x, const int *label)
{
    *d = (struct dataset){0};
    dataset_alloc(d, n, dim, 0, 1);
    dataset_set_classes(d, 2, NULL);
    for (int i = 0; i < n * dim; i++)
        d->x[i] = x[i];
    for (int i = 0; i < n; i++)
        d->label[i] = label[i];
}

struct opts_holder {
    struct arena ar;
    struct script *script;
    void *opts;
};

/* Options from a YAML mapping under "model:" (NULL: the defaults). */
static void opts_from(struct opts_holder *h, const char *yaml)
{
    h->ar = (struct arena){0};
    h->script = NULL;
    h->opts = arena_alloc(&h->ar, model_logistic.head.opts_size);
    param_defaults(model_logistic.head.params, h->opts, &h->ar);
    if (!yaml)
        return;
    h->script = script_parse("t.yaml", yaml, strlen(yaml));
    CHECK(h->script != NULL);
    if (!h->script)
        return;
    static const char *const extra[] = {"kind", NULL};
    int rc = param_apply(model_logistic.head.params, h->opts, snode_get(h->script->root, "model"),
                         "model 'logistic'", extra, NULL, &h->ar);
    CHECK(rc == 0);
}

static void opts_release(struct opts_holder *h)
{
    script_free(h->script);
    arena_free(&h->ar);
}

static const struct snode *model_node(const struct opts_holder *h)
{
    return h->script ? snode_get(h->script->root, "model") : NULL;
}

/* Twelve hand-placed points in the plane. Class 1 has a point, (1.2, 1.2),
 * inside the convex hull of class 0, and class 0 one, (2.5, 2.6), among
 * class 1: no line separates them, so the cross-entropy has a finite
 * minimum. */
static const double overlap_x[] = {
    0.5, 1.0,   1.0, 0.2,   1.5, 1.5,   2.0, 0.8,   2.5, 2.6,   0.8, 2.2,
    2.2, 2.0,   3.0, 1.2,   3.5, 3.0,   1.2, 1.2,   2.8, 3.4,   4.0, 2.2,
};
static const int overlap_label[] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};

/* ---- an independent reference: Newton's method (IRLS) ----
 * theta = (w1, w2, b). gradient = X'(p - y)/n + lambda (w, 0),
 * Hessian = X' S X / n + lambda diag(1, 1, 0) with S = diag(p (1 - p)). */
static double ref_sigmoid(double z)
{
    return 1 / (1 + exp(-z));
}

static int solve3(double a[3][3], double *r, double *out)
{
    for (int c = 0; c < 3; c++) {
        int piv = c;
        for (int i = c + 1; i < 3; i++)
            if (fabs(a[i][c]) > fabs(a[piv][c]))
                piv = i;
        if (fabs(a[piv][c]) < 1e-300)
            return -1;
        for (int j = 0; j < 3; j++) {
            double t = a[c][j];
            a[c][j] = a[piv][j];
            a[piv][j] = t;
        }
        double t = r[c];
        r[c] = r[piv];
        r[piv] = t;
        for (int i = c + 1; i < 3; i++) {
            double f = a[i][c] / a[c][c];
            for (int j = c; j < 3; j++)
                a[i][j] -= f * a[c][j];
            r[i] -= f * r[c];
        }
    }
    for (int i = 2; i >= 0; i--) {
        double s = r[i];
        for (int j = i + 1; j < 3; j++)
            s -= a[i][j] * out[j];
        out[i] = s / a[i][i];
    }
    return 0;
}

static int irls(const double *x, const int *y, int n, double lambda, double *theta)
{
    theta[0] = theta[1] = theta[2] = 0;
    for (int it = 0; it < 100; it++) {
        double g[3] = {0}, h[3][3] = {{0}};
        for (int i = 0; i < n; i++) {
            double row[3] = {x[2 * i], x[2 * i + 1], 1};
            double p = ref_sigmoid(theta[0] * row[0] + theta[1] * row[1] + theta[2]);
            for (int a = 0; a < 3; a++) {
                g[a] += (p - y[i]) * row[a] / n;
                for (int b = 0; b < 3; b++)
                    h[a][b] += p * (1 - p) * row[a] * row[b] / n;
            }
        }
        for (int a = 0; a < 2; a++) {
            g[a] += lambda * theta[a];
            h[a][a] += lambda;
        }
        double step[3];
        if (solve3(h, g, step) != 0)
            return -1;
        double size = 0;
        for (int a = 0; a < 3; a++) {
            theta[a] -= step[a];
            size = fmax(size, fabs(step[a]));
        }
        if (size < 1e-15)
            return it;
    }
    return 100;
}

/* ---- tests ---- */

static void layout_is_w_of_d_then_b_and_survives_missing_data(void)
{
    struct opts_holder h;
    opts_from(&h, NULL);
    struct dataset d;
    make_data(&d, 12, 2, overlap_x, overlap_label);
    struct model_block b[MODEL_MAX_BLOCKS];
    CHECK(model_logistic.layout(h.opts, &d, b) == 2);
    CHECK_STR(b[0].name, "w");
    CHECK(b[0].rows == 1 && b[0].cols == 2);
    CHECK_STR(b[1].name, "b");
    CHECK(b[1].rows == 1 && b[1].cols == 1);
    struct dataset empty = {0};
    CHECK(model_logistic.layout(h.opts, &empty, b) == 2);
    CHECK(b[0].cols == 1 && b[1].cols == 1);
    dataset_release(&d);
    opts_release(&h);
}

static void init_takes_w_and_b_from_the_options(void)
{
    struct dataset d;
    make_data(&d, 12, 2, overlap_x, overlap_label);
    struct opts_holder h;
    double theta[3] = {9, 9, 9};
    opts_from(&h, NULL);
    model_logistic.init(h.opts, &d, theta);
    CHECK(theta[0] == 0 && theta[1] == 0 && theta[2] == 0);
    opts_release(&h);
    opts_from(&h, "model: {kind: logistic, w: [1.5, -2], b: 0.25, l2: 0.5}\n");
    model_logistic.init(h.opts, &d, theta);
    CHECK(theta[0] == 1.5 && theta[1] == -2 && theta[2] == 0.25);
    CHECK(model_logistic.check(h.opts, model_node(&h), &d) == 0);
    opts_release(&h);
    dataset_release(&d);
}

static void gradient_matches_central_differences(void)
{
    /* Three features, eight rows, both classes. */
    static const double x[] = {
        0.3, -1.2, 2.0,   1.1, 0.4, -0.7,   -0.5, 0.9, 0.1,   2.2, -0.3, 1.4,
        -1.6, -0.8, 0.6,  0.7, 1.9, -1.1,   0.0, -0.2, -2.3,  1.3, 1.0, 0.9,
    };
    static const int y[] = {1, 0, 0, 1, 0, 1, 0, 1};
    struct dataset d;
    make_data(&d, 8, 3, x, y);
    const char *yamls[] = {NULL, "model: {kind: logistic, l2: 0.7}\n"};
    struct rng r;
    rng_seed(&r, 20240611);
    for (int o = 0; o < 2; o++) {
        struct opts_holder h;
        opts_from(&h, yamls[o]);
        for (int trial = 0; trial < 10; trial++) {
            double theta[4], g[4], t2[4];
            for (int j = 0; j < 4; j++)
                theta[j] = rng_range(&r, -3, 3);
            model_logistic.grad(h.opts, theta, &d, g);
            for (int j = 0; j < 4; j++) {
                const double step = 1e-5;
                for (int k = 0; k < 4; k++)
                    t2[k] = theta[k];
                t2[j] = theta[j] + step;
                double up = model_logistic.loss(h.opts, t2, &d);
                t2[j] = theta[j] - step;
                double down = model_logistic.loss(h.opts, t2, &d);
                double fd = (up - down) / (2 * step);
                CHECK_NEAR(g[j], fd, 1e-6 * fmax(1, fabs(fd)));
            }
        }
        opts_release(&h);
    }
    dataset_release(&d);
}

/* Gradient descent written here, on the model's gradient, until the
 * gradient vanishes; returns the steps taken. */
static int descend(const void *opts, const struct dataset *d, double *theta, double lr)
{
    double g[3];
    theta[0] = theta[1] = theta[2] = 0;
    for (int step = 1; step <= 2000000; step++) {
        model_logistic.grad(opts, theta, d, g);
        for (int j = 0; j < 3; j++)
            theta[j] -= lr * g[j];
        if (fmax(fabs(g[0]), fmax(fabs(g[1]), fabs(g[2]))) < 1e-13)
            return step;
    }
    return -1;
}

static void descent_reaches_the_newton_optimum(void)
{
    struct dataset d;
    make_data(&d, 12, 2, overlap_x, overlap_label);
    const char *yamls[] = {NULL, "model: {kind: logistic, l2: 0.1}\n"};
    const double lambdas[] = {0, 0.1};
    for (int o = 0; o < 2; o++) {
        struct opts_holder h;
        opts_from(&h, yamls[o]);
        double ref[3], gd[3];
        int its = irls(overlap_x, overlap_label, 12, lambdas[o], ref);
        CHECK(its >= 1 && its < 100);
        int steps = descend(h.opts, &d, gd, 0.2);
        CHECK(steps > 0);
        for (int j = 0; j < 3; j++) {
            CHECK(isfinite(ref[j]));
            CHECK_NEAR(gd[j], ref[j], 1e-6);
        }
        /* A real fit, not the start: the classes pull w towards +x1, +x2. */
        CHECK(ref[0] > 0.1 && ref[1] > 0.1);
        /* The optimum is a minimum of the model's loss too. */
        double at = model_logistic.loss(h.opts, gd, &d);
        for (int j = 0; j < 3; j++) {
            double t2[3] = {gd[0], gd[1], gd[2]};
            t2[j] += 1e-3;
            CHECK(model_logistic.loss(h.opts, t2, &d) > at);
            t2[j] -= 2e-3;
            CHECK(model_logistic.loss(h.opts, t2, &d) > at);
        }
        opts_release(&h);
    }
    dataset_release(&d);
}

static void loss_matches_hand_computed_values(void)
{
    /* x = 1, 2 with labels 1, 0; w = ln 3, b = -ln 3: z = 0 and ln 3, so
     * sigma = 1/2 and 3/4 and the cross-entropy is
     * (-ln(1/2) - ln(1 - 3/4)) / 2 = (ln 2 + ln 4) / 2 = 1.5 ln 2. */
    static const double x[] = {1, 2};
    static const int y[] = {1, 0};
    struct dataset d;
    make_data(&d, 2, 1, x, y);
    double theta[2] = {log(3), -log(3)};
    struct opts_holder h;
    opts_from(&h, NULL);
    CHECK_NEAR(model_logistic.loss(h.opts, theta, &d), 1.5 * log(2), 1e-14);
    opts_release(&h);
    /* l2 = 2 adds 2/2 * (ln 3)^2; b is not penalised. */
    opts_from(&h, "model: {kind: logistic, l2: 2}\n");
    CHECK_NEAR(model_logistic.loss(h.opts, theta, &d), 1.5 * log(2) + log(3) * log(3), 1e-14);
    theta[1] = 5;   /* b changes the data term only: z = ln 3 + 5, 2 ln 3 + 5 */
    double z1 = log(3) + 5, z2 = 2 * log(3) + 5;
    double expect = (log(1 + exp(-z1)) + log(1 + exp(z2))) / 2 + log(3) * log(3);
    CHECK_NEAR(model_logistic.loss(h.opts, theta, &d), expect, 1e-13);
    opts_release(&h);
    dataset_release(&d);
}

static void classify_sums_to_one_and_stays_finite_when_confident(void)
{
    static const double x[] = {1, -1};
    static const int y[] = {0, 1};          /* both confidently wrong below */
    struct dataset d;
    make_data(&d, 2, 1, x, y);
    struct opts_holder h;
    opts_from(&h, NULL);
    double p[DATA_MAX_CLASSES];
    static const double zs[] = {-800, -40, -3, -0.5, 0, 0.5, 3, 40, 800};
    for (size_t k = 0; k < sizeof(zs) / sizeof(zs[0]); k++) {
        double theta[2] = {zs[k], 0}, one = 1;
        model_logistic.classify(h.opts, theta, &d, &one, p);
        CHECK(isfinite(p[0]) && isfinite(p[1]));
        CHECK(p[0] >= 0 && p[0] <= 1 && p[1] >= 0 && p[1] <= 1);
        CHECK_NEAR(p[0] + p[1], 1, 1e-15);
        CHECK_NEAR(p[1], 1 / (1 + exp(-zs[k])), 1e-15);
        /* Each from exp(-|z|), not 1 minus the other: the small one keeps
         * its relative accuracy (e^-40 is not rounded to 0). */
        double r0 = 1 / (1 + exp(zs[k])), r1 = 1 / (1 + exp(-zs[k]));
        CHECK(fabs(p[0] - r0) <= 1e-14 * r0);
        CHECK(fabs(p[1] - r1) <= 1e-14 * r1);
    }
    double theta[2] = {800, 0}, one = 1;
    model_logistic.classify(h.opts, theta, &d, &one, p);
    CHECK(p[1] == 1 && p[0] == 0);
    theta[0] = -800;
    model_logistic.classify(h.opts, theta, &d, &one, p);
    CHECK(p[1] == 0 && p[0] == 1);
    /* z = 800 on a row labelled 0 and z = -800 on a row labelled 1: each
     * costs 800 nats, not inf; the gradient is (sigma - y) x = 1 * 1 and
     * -1 * -1 averaged: 1 for w, 0 for b. */
    theta[0] = 800;
    double loss = model_logistic.loss(h.opts, theta, &d), g[2];
    CHECK(isfinite(loss));
    CHECK_NEAR(loss, 800, 1e-9);
    model_logistic.grad(h.opts, theta, &d, g);
    CHECK_NEAR(g[0], 1, 1e-15);
    CHECK_NEAR(g[1], 0, 1e-15);
    /* Confidently right: the loss is e^-800, which is 0 in doubles, never
     * NaN. */
    theta[0] = -800;
    loss = model_logistic.loss(h.opts, theta, &d);
    CHECK(loss >= 0 && loss < 1e-300);
    opts_release(&h);
    dataset_release(&d);
}

/* Runs check on the options of yaml against d; returns what it printed
 * (static buffer) and sets *rc. */
static const char *check_output(const char *yaml, const struct dataset *d, int *rc)
{
    static char text[1024];
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) {
        *rc = 0;
        return "";
    }
    struct opts_holder h;
    opts_from(&h, yaml);
    diag_set_stream(f);
    diag_reset();
    *rc = model_logistic.check(h.opts, model_node(&h), d);
    int errors = diag_error_count();
    diag_set_stream(NULL);
    rewind(f);
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    opts_release(&h);
    if (*rc != 0 && errors != 1)
        *rc = 99;       /* exactly one error per refusal */
    return text;
}

static void check_refuses_three_classes_at_the_kind(void)
{
    struct dataset d;
    static const int y3[] = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
    make_data(&d, 12, 2, overlap_x, y3);
    dataset_set_classes(&d, 3, NULL);
    int rc;
    const char *out = check_output("model: {kind: logistic}\n", &d, &rc);
    CHECK(rc == -1);
    CHECK(strncmp(out, "t.yaml:1:15: error: ", 20) == 0);
    CHECK(strstr(out, "two classes") != NULL);
    CHECK(strstr(out, "has 3 classes") != NULL);
    dataset_release(&d);
}

static void check_refuses_a_w_of_the_wrong_length_at_w(void)
{
    struct dataset d;
    make_data(&d, 12, 2, overlap_x, overlap_label);
    int rc;
    const char *out = check_output("model: {kind: logistic, w: [1, 2, 3]}\n", &d, &rc);
    CHECK(rc == -1);
    CHECK(strncmp(out, "t.yaml:1:28: error: ", 20) == 0);
    CHECK(strstr(out, "'w'") != NULL);
    CHECK(strstr(out, "has 2 features (got 3 numbers)") != NULL);
    /* The right length passes; so does any length when the data failed to
     * load (nothing to compare with, and nothing else to report). */
    out = check_output("model: {kind: logistic, w: [1, 2]}\n", &d, &rc);
    CHECK(rc == 0 && out[0] == '\0');
    struct dataset empty = {0};
    out = check_output("model: {kind: logistic, w: [1, 2, 3]}\n", &empty, &rc);
    CHECK(rc == 0 && out[0] == '\0');
    dataset_release(&d);
}

static void descriptor_declares_its_capabilities(void)
{
    const struct kind_head *h = &model_logistic.head;
    CHECK_STR(h->name, "logistic");
    CHECK(h->provides && h->requires);
    CHECK_STR(h->provides[0], "gradient");
    CHECK_STR(h->provides[1], "classify");
    CHECK(h->provides[2] == NULL);
    CHECK_STR(h->requires[0], "labels");
    CHECK(h->requires[1] == NULL);
    CHECK_STR(model_logistic.loss_label, "cross-entropy");
    CHECK(model_logistic.grad && model_logistic.classify && model_logistic.check);
}

int main(void)
{
    RUN(layout_is_w_of_d_then_b_and_survives_missing_data);
    RUN(init_takes_w_and_b_from_the_options);
    RUN(gradient_matches_central_differences);
    RUN(descent_reaches_the_newton_optimum);
    RUN(loss_matches_hand_computed_values);
    RUN(classify_sums_to_one_and_stays_finite_when_confident);
    RUN(check_refuses_three_classes_at_the_kind);
    RUN(check_refuses_a_w_of_the_wrong_length_at_w);
    RUN(descriptor_declares_its_capabilities);
    return CHECK_SUMMARY();
}
