/* Tests of the kind tables, declared capabilities and runs: every kind is
 * found through the one lookup and listed by `mlanim list`; what kinds
 * declare matches what they implement; every panel is refused, in words,
 * for a model that lacks what it requires; and a scene with two runs
 * simulates and draws each run on its own. */
#include <cairo.h>
#include "check.h"
#include "render.h"
#include "scene_util.h"

static const enum kind_class all_classes[] = {KIND_DATA, KIND_ENV, KIND_MODEL, KIND_TRAINER,
                                              KIND_PANEL, KIND_ENCODER};

static void every_kind_is_found_by_name_in_a_sorted_table(void)
{
    for (size_t c = 0; c < sizeof(all_classes) / sizeof(*all_classes); c++) {
        const struct kind_head *const *t = kind_table(all_classes[c]);
        CHECK(t[0] != NULL);
        for (int i = 0; t[i]; i++) {
            CHECK(kind_find(all_classes[c], t[i]->name) == t[i]);
            CHECK(t[i]->summary && t[i]->summary[0]);
            if (i > 0)
                CHECK(strcmp(t[i - 1]->name, t[i]->name) < 0);
        }
        CHECK(kind_find(all_classes[c], "no-such-kind") == NULL);
    }
    CHECK(model_find("logistic") == &model_logistic);
    CHECK(panel_find("decision-boundary") != NULL);
    CHECK(env_find("frozen-lake") == &env_frozen_lake);
    CHECK(data_find("gaussian-classes") != NULL && data_find("moons") != NULL);
    CHECK(encoder_find("gif") == &encoder_gif);
}

static void every_declared_capability_is_in_the_table(void)
{
    for (size_t c = 0; c < sizeof(all_classes) / sizeof(*all_classes); c++)
        for (const struct kind_head *const *k = kind_table(all_classes[c]); *k; k++) {
            for (int i = 0; (*k)->provides && (*k)->provides[i]; i++) {
                if (!capability_find((*k)->provides[i]))
                    fprintf(stderr, "%s provides unknown '%s'\n", (*k)->name, (*k)->provides[i]);
                CHECK(capability_find((*k)->provides[i]) != NULL);
            }
            for (int i = 0; (*k)->requires && (*k)->requires[i]; i++) {
                if (!capability_find((*k)->requires[i]))
                    fprintf(stderr, "%s requires unknown '%s'\n", (*k)->name, (*k)->requires[i]);
                CHECK(capability_find((*k)->requires[i]) != NULL);
            }
        }
}

static int provides(const struct kind_head *k, const char *cap)
{
    for (int i = 0; k->provides && k->provides[i]; i++)
        if (strcmp(k->provides[i], cap) == 0)
            return 1;
    return 0;
}

/* A model that says it offers something has the function that delivers it,
 * and one that has the function says so. */
static void models_declare_exactly_the_functions_they_have(void)
{
    for (const struct kind_head *const *k = kind_table(KIND_MODEL); *k; k++) {
        const struct model_kind *m = (const struct model_kind *)*k;
        CHECK(m->layout && m->init && m->loss);
        CHECK(provides(*k, "gradient") == (m->grad != NULL));
        CHECK(provides(*k, "predict-1d") == (m->predict != NULL));
        CHECK(provides(*k, "objective-1d") == (m->objective != NULL));
        CHECK(provides(*k, "classify") == (m->classify != NULL));
    }
}

/* A scene in which model M is at home (its data and trainer), with one
 * panel of kind P. */
static char *scene_with(const char *model, const char *panel)
{
    static const struct {
        const char *model, *data, *trainer;
    } homes[] = {
        {"activation", "", "scan"},
        {"centroids", "data: {kind: blobs, n: 20}\n", "kmeans"},
        {"linear", "data: {kind: line, n: 20}\n", "gd"},
        {"linear-features", "data: {kind: line, n: 20}\n", "gd"},
        {"logistic", "data: {kind: gaussian-classes, n: 20}\n", "gd"},
        {"loss-function", "", "scan"},
        {"mlp", "data: {kind: function, n: 20}\n", "adam"},
        {"parabola", "", "gd"},
        {"polynomial", "data: {kind: polynomial, n: 20}\n", "solve"},
        /* no trainer: a scene of beats (its line where the data goes) */
        {"softmax", "beats: {count: 1, seconds: 1}\n", NULL},
    };
    for (size_t i = 0; i < sizeof(homes) / sizeof(*homes); i++)
        if (strcmp(homes[i].model, model) == 0) {
            char *out = malloc(1024);
            char trainer[64] = "";
            if (homes[i].trainer)
                snprintf(trainer, sizeof trainer, "trainer: {kind: %s}\n", homes[i].trainer);
            snprintf(out, 1024, "id: t\n%smodel: {kind: %s}\n%s"
                     "panels:\n  - kind: %s\n", homes[i].data, model, trainer, panel);
            return out;
        }
    return NULL;
}

/* For every (panel, model) pair: when the panel requires something that
 * only models provide and this model does not, loading fails with a
 * located message that names the panel, the capability in words and the
 * model; when the model provides all of it, the panel is accepted. */
static void every_panel_is_refused_for_a_model_that_lacks_what_it_needs(void)
{
    int refused = 0, accepted = 0;
    for (const struct kind_head *const *p = kind_table(KIND_PANEL); *p; p++)
        for (const struct kind_head *const *m = kind_table(KIND_MODEL); *m; m++) {
            char *yaml = scene_with((*m)->name, (*p)->name);
            CHECK(yaml != NULL);
            if (!yaml)
                continue;
            const char *missing = NULL;
            for (int i = 0; (*p)->requires && (*p)->requires[i]; i++) {
                const char *cap = (*p)->requires[i];
                int by_model = 0;
                for (const struct kind_head *const *o = kind_table(KIND_MODEL); *o; o++)
                    by_model |= provides(*o, cap);
                if (by_model && !provides(*m, cap) && !missing)
                    missing = cap;
            }
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            diag_set_stream(f);
            /* Each scene counts its own errors: the limit on errors shown
             * is per run of the tool, and this is many runs. */
            diag_reset();
            struct scene *s = scene_from_text(yaml);
            diag_set_stream(NULL);
            fclose(f);
            if (missing) {
                char want[512];
                /* The panel's kind is on line 5, or 6 after a data line. */
                int line = strncmp(yaml + 6, "data:", 5) == 0 ? 6 : 5;
                snprintf(want, sizeof(want), ":%d:11: error: panel '%s' needs %s (%s), which model "
                         "'%s' does not provide", line, (*p)->name,
                         capability_find(missing)->words, missing, (*m)->name);
                if (s || !strstr(buf, want))
                    fprintf(stderr, "panel %s, model %s: wanted \"%s\" in:\n%s", (*p)->name,
                            (*m)->name, want, buf);
                CHECK(s == NULL);
                CHECK(buf && strstr(buf, want) != NULL);
                refused++;
            } else if (s) {
                accepted++;
            }
            scene_free(s);
            free(buf);
            free(yaml);
        }
    /* Every model has a panel it can use and panels it cannot. */
    CHECK(refused >= 12);
    CHECK(accepted >= 8);
}

static void list_shows_every_kind_from_the_tables(void)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "%s/mlanim list", BINARY_DIR);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p)
        return;
    static char out[1 << 18];
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    CHECK(pclose(p) == 0);
    for (size_t c = 0; c < sizeof(all_classes) / sizeof(*all_classes); c++)
        for (const struct kind_head *const *k = kind_table(all_classes[c]); *k; k++) {
            char want[256];
            snprintf(want, sizeof(want), "\n%s %s: %s\n", kind_class_name(all_classes[c]),
                     (*k)->name, (*k)->summary);
            if (!strstr(out, want))
                fprintf(stderr, "missing from list: %s", want + 1);
            CHECK(strstr(out, want) != NULL);
        }
    CHECK(strstr(out, "    requires line-mse: ") != NULL);
    CHECK(strstr(out, "    provides classify: ") != NULL);
    CHECK(strstr(out, "(set as outputs.mp4 in a script)") != NULL);
}

static const char *two_rate_yaml(const char *lr)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf),
             "id: t\nseed: 5\ncanvas: {width: 320, height: 180}\n"
             "data: {kind: line, n: 30, slope: 2, intercept: 1, noise: 1}\n"
             "model: {kind: linear}\ntrainer: {kind: gd, learning_rate: %s, steps: 40}\n"
             "panels:\n  - kind: data-fit\n    title: \"w={w:.3f}\"\n", lr);
    return buf;
}

static int same_pixels(cairo_surface_t *a, cairo_surface_t *b)
{
    int h = cairo_image_surface_get_height(a), stride = cairo_image_surface_get_stride(a);
    return memcmp(cairo_image_surface_get_data(a), cairo_image_surface_get_data(b),
                  (size_t)stride * (size_t)h) == 0;
}

/* Two runs in one scene, built here (the script syntax for several runs
 * comes later): the same model with two learning rates. Each run has its
 * own trace, equal to that of a scene with only that run, and a panel that
 * picks run 1 draws exactly what the one-run scene draws. */
static void two_runs_simulate_and_draw_apart(void)
{
    struct scene *a = scene_from_text(two_rate_yaml("0.02"));
    struct scene *b = scene_from_text(two_rate_yaml("0.002"));
    CHECK(a && b);
    if (!a || !b) {
        scene_free(a);
        scene_free(b);
        return;
    }
    CHECK(a->nruns == 1 && strcmp(a->runs[0].label, "") == 0);
    struct run *runs = arena_alloc(&a->arena, 2 * sizeof(struct run));
    runs[0] = a->runs[0];
    runs[1] = b->runs[0];       /* b's options outlive the test's use of a */
    runs[0].label = "lr 0.02";
    runs[1].label = "lr 0.002";
    a->runs = runs;
    a->nruns = 2;

    struct trace ta[2], tb[1];
    CHECK(scene_simulate(a, ta) == 0);
    CHECK(scene_simulate(b, tb) == 0);
    CHECK(ta[0].nrec == 41 && ta[1].nrec == 41);
    CHECK(trace_value(&ta[0], 40, "w") != trace_value(&ta[1], 40, "w"));
    int same = ta[1].nrec == tb[0].nrec && ta[1].width == tb[0].width;
    for (int r = 0; same && r < ta[1].nrec; r++)
        same = memcmp(trace_row(&ta[1], r, 0), trace_row(&tb[0], r, 0),
                      sizeof(double) * (size_t)ta[1].width) == 0;
    CHECK(same);

    CHECK(draw_fonts_init() == 0);
    cairo_surface_t *sa = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 320, 180);
    cairo_surface_t *sb = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 320, 180);
    render_draw(b, tb, 20, sb);
    a->panels[0].run = 1;
    render_draw(a, ta, 20, sa);
    CHECK(same_pixels(sa, sb));
    a->panels[0].run = 0;
    render_draw(a, ta, 20, sa);
    CHECK(!same_pixels(sa, sb));
    cairo_surface_destroy(sa);
    cairo_surface_destroy(sb);
    for (int i = 0; i < 2; i++)
        trace_release(&ta[i]);
    trace_release(&tb[0]);
    scene_free(a);
    scene_free(b);
}

int main(void)
{
    RUN(every_kind_is_found_by_name_in_a_sorted_table);
    RUN(every_declared_capability_is_in_the_table);
    RUN(models_declare_exactly_the_functions_they_have);
    RUN(every_panel_is_refused_for_a_model_that_lacks_what_it_needs);
    RUN(list_shows_every_kind_from_the_tables);
    RUN(two_runs_simulate_and_draw_apart);
    draw_fonts_release();
    return CHECK_SUMMARY();
}
