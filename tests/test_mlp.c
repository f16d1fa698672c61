/* Unit tests for the neural network kinds: model mlp (backpropagation
 * against central finite differences of its own loss, for every hidden
 * activation and every output/loss), the mini-batch trainers sgd, momentum
 * and adam (adam's first step worked out by hand, sgd over the whole data
 * equal to gd bit for bit, losses that fall, determinism from the seed),
 * model softmax (probabilities that sum to one, even where e^x overflows),
 * data function, and the located errors their checks report. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "check.h"
#include "diag_capture.h"
#include "scene_util.h"

static struct scene *load(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct scene *load(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return scene_from_text(buf);
}

/* ---- gradients ---- */

static const char *const data_for_output[] = {
    /* identity: a target y over one feature */
    "data: {kind: function, function: sin, n: 15, x_range: [-2, 2], noise: 0.1}\n",
    /* sigmoid: two classes */
    "data: {kind: moons, n: 12, noise: 0.2}\n",
    /* softmax: three classes */
    "data: {kind: spirals, n: 8, classes: 3, noise: 0.1}\n",
};
static const char *const outputs[] = {"identity", "sigmoid", "softmax"};
static const char *const hiddens[] = {"identity", "relu", "sigmoid", "tanh"};

/* Max over components of |g - fd|, relative to the largest |g|. */
static double grad_error(const struct run *r, const struct dataset *d, double *theta, int np)
{
    double *g = calloc((size_t)np, sizeof(double));
    r->model->grad(r->model_opts, theta, d, g);
    double err = 0, scale = 0;
    for (int i = 0; i < np; i++) {
        double keep = theta[i], h = 1e-5 * fmax(1, fabs(keep));
        theta[i] = keep + h;
        double up = r->model->loss(r->model_opts, theta, d);
        theta[i] = keep - h;
        double down = r->model->loss(r->model_opts, theta, d);
        theta[i] = keep;
        double fd = (up - down) / (2 * h);
        err = fmax(err, fabs(g[i] - fd));
        scale = fmax(scale, fabs(g[i]));
    }
    free(g);
    return scale > 0 ? err / scale : err;
}

static void mlp_gradient_matches_central_differences_for_every_activation_and_loss(void)
{
    for (int o = 0; o < 3; o++)
        for (int h = 0; h < 4; h++) {
            int k = o == 2 ? 3 : 1;
            struct scene *s = load("id: t\nseed: 3\n%s"
                                   "model: {kind: mlp, layers: [%d, 5, 4, %d], hidden: %s, "
                                   "output: %s}\n"
                                   "trainer: {kind: sgd, epochs: 1}\n"
                                   "panels: [{kind: loss-curve}]\n",
                                   data_for_output[o], o ? 2 : 1, k, hiddens[h], outputs[o]);
            CHECK(s != NULL);
            if (!s)
                continue;
            const struct run *r = &s->runs[0];
            int np = model_nparams(r->model, r->model_opts, &s->data);
            CHECK(np == (o ? 2 : 1) * 5 + 5 + 5 * 4 + 4 + 4 * k + k);
            double *theta = calloc((size_t)np, sizeof(double));
            r->model->init(r->model_opts, &s->data, theta);
            /* Biases off zero, so every unit's kink (ReLU at 0) is away
             * from the points and the loss is smooth where we look. */
            for (int i = 0; i < np; i++)
                theta[i] += 0.1 * sin(3.7 * i + 1);
            double e = grad_error(r, &s->data, theta, np);
            if (!(e < 1e-6))
                fprintf(stderr, "hidden %s, output %s: relative error %g\n", hiddens[h],
                        outputs[o], e);
            CHECK(e < 1e-6);
            free(theta);
            scene_free(s);
        }
}

static void mlp_initial_weights_are_glorot_uniform_and_biases_zero(void)
{
    struct scene *s = load("id: t\nseed: 1\ndata: {kind: function, n: 50}\n"
                           "model: {kind: mlp, layers: [1, 30, 20, 1]}\n"
                           "trainer: {kind: adam, epochs: 1}\npanels: [{kind: data-fit}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    const struct run *r = &s->runs[0];
    int np = model_nparams(r->model, r->model_opts, &s->data);
    double *theta = calloc((size_t)np, sizeof(double));
    r->model->init(r->model_opts, &s->data, theta);
    /* W1 (1x30), b1, W2 (30x20), b2, W3 (20x1), b3 */
    double lim1 = sqrt(6.0 / 31), lim2 = sqrt(6.0 / 50), max1 = 0, max2 = 0;
    for (int i = 0; i < 30; i++)
        max1 = fmax(max1, fabs(theta[i]));
    for (int i = 0; i < 30; i++)
        CHECK(theta[30 + i] == 0);
    for (int i = 0; i < 600; i++)
        max2 = fmax(max2, fabs(theta[60 + i]));
    CHECK(max1 <= lim1 && max1 > 0.8 * lim1);
    CHECK(max2 <= lim2 && max2 > 0.9 * lim2);
    free(theta);
    scene_free(s);
}

/* ---- trainers ---- */

static struct trace simulate(struct scene *s)
{
    struct trace t;
    scene_simulate(s, &t);
    return t;
}

static void adam_first_step_equals_the_hand_computed_step(void)
{
    struct scene *s = load("id: t\nseed: 2\n"
                           "data: {kind: line, x: [0, 1, 2, 3], slope: 2, intercept: 1}\n"
                           "model: {kind: linear, w: 0.5, b: -1}\n"
                           "trainer: {kind: adam, learning_rate: 0.1, batch_size: 4, epochs: 1}\n"
                           "panels: [{kind: data-fit}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t = simulate(s);
    /* MSE gradient at w = 0.5, b = -1 on y = 2x + 1 at x = 0..3: the
     * residuals w x + b - y are -2, -3.5, -5, -6.5, so dw = 2 mean(r x)
     * = -16.5 and db = 2 mean(r) = -8.5. Adam's first step is
     * lr sqrt(1 - b2) / (1 - b1) * (1 - b1) g / (sqrt((1 - b2) g^2) + eps). */
    double g[2] = {-16.5, -8.5}, start[2] = {0.5, -1};
    const char *names[2] = {"w", "b"};
    for (int i = 0; i < 2; i++) {
        double step = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) * (1 - 0.9) * g[i] /
                      (sqrt((1 - 0.999) * g[i] * g[i]) + 1e-7);
        CHECK_NEAR(trace_value(&t, 1, names[i]), start[i] - step, 1e-15);
    }
    CHECK(trace_value(&t, 1, "updates") == 1);
    trace_release(&t);
    scene_free(s);
}

static void sgd_over_the_whole_data_equals_gd_bit_for_bit(void)
{
    const char *fmt = "id: t\nseed: 7\n"
                      "data: {kind: line, n: 40, slope: 2, intercept: 1, noise: 1}\n"
                      "model: {kind: linear, w: 0, b: 0}\n"
                      "trainer: %s\npanels: [{kind: data-fit}]\n";
    struct scene *a = load(fmt, "{kind: gd, learning_rate: 0.01, steps: 25}");
    struct scene *b = load(fmt, "{kind: sgd, learning_rate: 0.01, batch_size: 40, epochs: 25}");
    CHECK(a && b);
    if (a && b) {
        struct trace ta = simulate(a), tb = simulate(b);
        CHECK(ta.nrec == 26 && tb.nrec == 26);
        for (int k = 0; k < 26 && k < ta.nrec && k < tb.nrec; k++) {
            CHECK(trace_value(&ta, k, "w") == trace_value(&tb, k, "w"));
            CHECK(trace_value(&ta, k, "b") == trace_value(&tb, k, "b"));
            CHECK(trace_value(&ta, k, "loss") == trace_value(&tb, k, "loss"));
        }
        trace_release(&ta);
        trace_release(&tb);
    }
    scene_free(a);
    scene_free(b);
}

static void every_minibatch_trainer_lowers_the_loss_of_a_small_network(void)
{
    const char *trainers[] = {"{kind: sgd, learning_rate: 0.05, batch_size: 8, epochs: 60}",
                              "{kind: momentum, learning_rate: 0.01, batch_size: 8, epochs: 60}",
                              "{kind: adam, learning_rate: 0.01, batch_size: 8, epochs: 60}"};
    for (int i = 0; i < 3; i++) {
        struct scene *s = load("id: t\nseed: 4\ndata: {kind: function, function: sin, n: 64, "
                               "x_range: [-3, 3]}\n"
                               "model: {kind: mlp, layers: [1, 10, 1], hidden: tanh}\n"
                               "trainer: %s\npanels: [{kind: data-fit}]\n", trainers[i]);
        CHECK(s != NULL);
        if (!s)
            continue;
        struct trace t = simulate(s);
        CHECK(t.nrec == 61);
        CHECK_STR(t.stop_reason, "end");
        double first = trace_value(&t, 0, "loss"), end = trace_value(&t, t.nrec - 1, "loss");
        if (!(end < 0.25 * first))
            fprintf(stderr, "%s: loss %g -> %g\n", trainers[i], first, end);
        CHECK(end < 0.25 * first);
        /* 64 rows in batches of 8: eight updates an epoch. */
        CHECK(trace_value(&t, t.nrec - 1, "updates") == 60 * 8);
        trace_release(&t);
        scene_free(s);
    }
}

static void minibatch_training_follows_the_seed_and_only_the_seed(void)
{
    const char *fmt = "id: t\nseed: %d\ndata: {kind: function, n: 50}\n"
                      "model: {kind: mlp, layers: [1, 6, 1]}\n"
                      "trainer: {kind: adam, learning_rate: 0.01, batch_size: 7, epochs: 5%s}\n"
                      "panels: [{kind: data-fit}]\n";
    struct scene *a = load(fmt, 5, ""), *b = load(fmt, 5, ""), *c = load(fmt, 6, "");
    struct scene *u = load(fmt, 5, ", shuffle: false");
    CHECK(a && b && c && u);
    if (a && b && c && u) {
        struct trace ta = simulate(a), tb = simulate(b), tc = simulate(c), tu = simulate(u);
        int same = ta.nrec == tb.nrec, other = 0, unshuffled = 0;
        for (int k = 0; k < ta.nrec && k < tb.nrec; k++)
            same &= memcmp(trace_row(&ta, k, 0), trace_row(&tb, k, 0),
                           sizeof(double) * (size_t)ta.width) == 0;
        other = trace_value(&ta, 5, "loss") != trace_value(&tc, 5, "loss");
        /* Same seed, same start (row 0), but batches in order: another path. */
        unshuffled = trace_value(&ta, 0, "loss") == trace_value(&tu, 0, "loss") &&
                     trace_value(&ta, 5, "loss") != trace_value(&tu, 5, "loss");
        CHECK(same);
        CHECK(other);
        CHECK(unshuffled);
        trace_release(&ta);
        trace_release(&tb);
        trace_release(&tc);
        trace_release(&tu);
    }
    scene_free(a);
    scene_free(b);
    scene_free(c);
    scene_free(u);
}

static void a_diverging_network_stops_with_diverged_and_never_crashes(void)
{
    struct scene *s = load("id: t\nseed: 1\ndata: {kind: function, function: cube, n: 40, "
                           "x_range: [-100, 100]}\n"
                           "model: {kind: mlp, layers: [1, 4, 1], hidden: identity}\n"
                           "trainer: {kind: sgd, learning_rate: 10, batch_size: 4, "
                           "epochs: 50}\npanels: [{kind: data-fit}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t = simulate(s);
    CHECK_STR(t.stop_reason, "diverged");
    CHECK(t.nrec < 51);
    CHECK(!isfinite(trace_value(&t, t.nrec - 1, "loss")));
    trace_release(&t);
    scene_free(s);
}

static void a_model_without_data_takes_one_update_an_epoch(void)
{
    /* y = (x - 10)^2 from x = 1: momentum's first steps, by hand:
     * g = 2(x - 10); v = 0.9 v - 0.01 g; x += v. */
    struct scene *s = load("id: t\nmodel: {kind: parabola, x0: 1, center: 10, scale: 1}\n"
                           "trainer: {kind: momentum, learning_rate: 0.01, epochs: 3}\n"
                           "panels: [{kind: descent}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t = simulate(s);
    double x = 1, v = 0;
    for (int k = 1; k <= 3; k++) {
        v = 0.9 * v - 0.01 * 2 * (x - 10);
        x += v;
        CHECK_NEAR(trace_value(&t, k, "x"), x, 1e-15);
        CHECK(trace_value(&t, k, "updates") == k);
    }
    trace_release(&t);
    scene_free(s);
}

/* ---- softmax ---- */

static void softmax_records_scores_exponentials_sum_and_probabilities(void)
{
    struct scene *s = load("id: t\nmodel: {kind: softmax, scores: [2.3, 7.9, 0.8, 5.1]}\n"
                           "beats: {count: 2, seconds: 1}\n"
                           "panels: [{kind: softmax}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t = simulate(s);
    CHECK(t.nrec == 2);
    const double *ex = trace_row(&t, 0, trace_channel(&t, "ex"));
    const double *p = trace_row(&t, 0, trace_channel(&t, "p"));
    double x[4] = {2.3, 7.9, 0.8, 5.1}, sum = 0, ps = 0;
    for (int i = 0; i < 4; i++)
        sum += exp(x[i]);
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(ex[i], exp(x[i]), 1e-12 * exp(x[i]));
        CHECK_NEAR(p[i], exp(x[i]) / sum, 1e-15);
        ps += p[i];
    }
    CHECK_NEAR(ps, 1, 1e-15);
    CHECK_NEAR(trace_value(&t, 0, "sum"), sum, 1e-12 * sum);
    CHECK_NEAR(p[1], 0.93867, 5e-6);   /* the lesson's: e^7.9 / 2873.50 */
    trace_release(&t);
    scene_free(s);
}

static void softmax_stays_finite_where_the_exponentials_overflow(void)
{
    struct scene *s = load("id: t\nmodel: {kind: softmax, scores: [800, 799, -800], "
                           "temperature: 1}\nbeats: {count: 1, seconds: 1}\n"
                           "panels: [{kind: softmax}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    struct trace t = simulate(s);
    const double *ex = trace_row(&t, 0, trace_channel(&t, "ex"));
    const double *p = trace_row(&t, 0, trace_channel(&t, "p"));
    CHECK(isinf(ex[0]));
    CHECK_NEAR(p[0], 1 / (1 + exp(-1)), 1e-15);
    CHECK_NEAR(p[1], exp(-1) / (1 + exp(-1)), 1e-15);
    CHECK(p[2] == 0);
    trace_release(&t);
    scene_free(s);
}

static void softmax_temperature_flattens_the_distribution(void)
{
    const char *fmt = "id: t\nmodel: {kind: softmax, scores: [1, 2, 3], temperature: %g}\n"
                      "beats: {count: 1, seconds: 1}\npanels: [{kind: softmax}]\n";
    struct scene *a = load(fmt, 1.0), *b = load(fmt, 4.0);
    CHECK(a && b);
    if (a && b) {
        struct trace ta = simulate(a), tb = simulate(b);
        double pa = trace_row(&ta, 0, trace_channel(&ta, "p"))[2];
        double pb = trace_row(&tb, 0, trace_channel(&tb, "p"))[2];
        CHECK_NEAR(pb, exp(0.75) / (exp(0.25) + exp(0.5) + exp(0.75)), 1e-15);
        CHECK(pb < pa);
        trace_release(&ta);
        trace_release(&tb);
    }
    scene_free(a);
    scene_free(b);
}

/* ---- data function ---- */

static void function_data_is_numpy_linspace_of_the_function(void)
{
    struct scene *s = load("id: t\ndata: {kind: function, function: sin, n: 1000, "
                           "x_range: [-5, 5]}\nmodel: {kind: mlp, layers: [1, 2, 1]}\n"
                           "trainer: {kind: sgd, epochs: 1}\npanels: [{kind: data}]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    const struct dataset *d = &s->data;
    CHECK(d->n == 1000 && d->d == 1);
    CHECK(d->x[0] == -5 && d->x[999] == 5);
    CHECK(d->x[500] == -5 + 500 * (10.0 / 999));
    CHECK(d->y[123] == sin(d->x[123]));
    CHECK(d->truth && d->truth(d, 1.0) == sin(1.0));
    scene_free(s);
}

/* ---- located errors ---- */

static void check_errors(const char *yaml, const char *want)
{
    capture_start();
    struct scene *s = scene_from_text(yaml);
    const char *text = capture_text();
    CHECK(s == NULL);
    if (!strstr(text, want))
        fprintf(stderr, "wanted \"%s\" in:\n%s\n", want, text);
    CHECK(strstr(text, want) != NULL);
    scene_free(s);
    capture_end();
}

static void mlp_validation_errors_are_located(void)
{
    const char *head = "id: t\ndata: {kind: function, n: 20}\n";
    char buf[1024];
    snprintf(buf, sizeof buf, "%smodel: {kind: mlp, layers: [2, 4, 1]}\n"
             "trainer: {kind: adam}\npanels: [{kind: data-fit}]\n", head);
    check_errors(buf, ":3:28: error: the first of 'layers' in model 'mlp' is the input: the "
                 "data has 1 feature (got 2)");
    snprintf(buf, sizeof buf, "%smodel: {kind: mlp, layers: [1, 2.5, 1]}\n"
             "trainer: {kind: adam}\npanels: [{kind: data-fit}]\n", head);
    check_errors(buf, ":3:32: error: 'layers' in model 'mlp' counts units: item 2 must be a "
                 "whole number (got 2.5)");
    snprintf(buf, sizeof buf, "%smodel: {kind: mlp, layers: [1, 0, 1]}\n"
             "trainer: {kind: adam}\npanels: [{kind: data-fit}]\n", head);
    check_errors(buf, ":3:32: error:");
    snprintf(buf, sizeof buf, "%smodel: {kind: mlp, layers: [1, 100, 100, 1]}\n"
             "trainer: {kind: adam}\npanels: [{kind: data-fit}]\n", head);
    check_errors(buf, ":3:28: error: model 'mlp' with layers of these sizes has 10401 "
                 "parameters, more than 10000");
    snprintf(buf, sizeof buf, "%smodel: {kind: mlp, layers: [1, 4, 1], output: softmax}\n"
             "trainer: {kind: adam}\npanels: [{kind: data-fit}]\n", head);
    check_errors(buf, ":3:47: error: model 'mlp' with output softmax learns class labels, and "
                 "the data has none");
    snprintf(buf, sizeof buf, "%smodel: {kind: mlp, layers: [1, 4, 2]}\n"
             "trainer: {kind: adam}\npanels: [{kind: data-fit}]\n", head);
    check_errors(buf, ":3:28: error: model 'mlp' with output identity has one output unit");
    snprintf(buf, sizeof buf, "%smodel: {kind: mlp}\n"
             "trainer: {kind: adam, beta1: 1}\npanels: [{kind: data-fit}]\n", head);
    check_errors(buf, ":4:30: error:");
    snprintf(buf, sizeof buf, "%smodel: {kind: mlp}\n"
             "trainer: {kind: sgd, batch_size: 0}\npanels: [{kind: data-fit}]\n", head);
    check_errors(buf, ":4:34: error:");
    check_errors("id: t\nmodel: {kind: softmax, scores: [1]}\nbeats: {count: 1, seconds: 1}\n"
                 "panels: [{kind: softmax}]\n",
                 ":2:32: error: 'scores' in model 'softmax' must give 2 to 16 scores (got 1)");
    check_errors("id: t\nmodel: {kind: linear}\nbeats: {count: 1, seconds: 1}\n"
                 "panels: [{kind: softmax}]\n",
                 "panel 'softmax' needs a softmax layer");
}

int main(void)
{
    RUN(mlp_gradient_matches_central_differences_for_every_activation_and_loss);
    RUN(mlp_initial_weights_are_glorot_uniform_and_biases_zero);
    RUN(adam_first_step_equals_the_hand_computed_step);
    RUN(sgd_over_the_whole_data_equals_gd_bit_for_bit);
    RUN(every_minibatch_trainer_lowers_the_loss_of_a_small_network);
    RUN(minibatch_training_follows_the_seed_and_only_the_seed);
    RUN(a_diverging_network_stops_with_diverged_and_never_crashes);
    RUN(a_model_without_data_takes_one_update_an_epoch);
    RUN(softmax_records_scores_exponentials_sum_and_probabilities);
    RUN(softmax_stays_finite_where_the_exponentials_overflow);
    RUN(softmax_temperature_flattens_the_distribution);
    RUN(function_data_is_numpy_linspace_of_the_function);
    RUN(mlp_validation_errors_are_located);
    return CHECK_SUMMARY();
}
