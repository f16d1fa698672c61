/* scene: validating a scene script into a scene, simulating it, and its
 * timeline (see scene.h). Every section is checked even after an earlier one
 * failed, so one run reports every problem. */
#include "scene.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "encode.h"
#include "template.h"
#include "util.h"

const char *const scene_presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                     "medium", "slow", "slower", "veryslow", "placebo", NULL};

const struct param_spec scene_canvas_params[] = {
    {.name = "width", .type = PARAM_INT, .offset = offsetof(struct canvas_opts, width),
     .def = "800", .ranged = 1, .lo = 16, .hi = 7680, .doc = "frame width in pixels"},
    {.name = "height", .type = PARAM_INT, .offset = offsetof(struct canvas_opts, height),
     .def = "450", .ranged = 1, .lo = 16, .hi = 4320, .doc = "frame height in pixels"},
    {.name = "fps", .type = PARAM_RATE, .offset = offsetof(struct canvas_opts, fps), .def = "20",
     .ranged = 1, .lo = 0, .hi = 120, .lo_open = 1, .doc = "frames per second: 20, 12.5 or \"30000/1001\""},
    {.name = "theme", .type = PARAM_ENUM, .offset = offsetof(struct canvas_opts, theme),
     .def = "light", .choices = theme_names, .doc = "colours and type sizes"},
    {.name = "background", .type = PARAM_COLOR, .offset = offsetof(struct canvas_opts, background),
     .doc = "overrides the theme's background, e.g. \"#ffffff\""},
    {0},
};

const struct param_spec scene_frames_params[] = {
    {.name = "every", .type = PARAM_INT, .offset = offsetof(struct frames_opts, every), .def = "1",
     .ranged = 1, .lo = 1, .hi = 1000000, .doc = "a frame every N recorded steps"},
    {.name = "last", .type = PARAM_INT, .offset = offsetof(struct frames_opts, last), .def = "1",
     .ranged = 1, .lo = 0, .hi = 1000000, .doc = "always show the last N recorded steps"},
    {.name = "per_step", .type = PARAM_INT, .offset = offsetof(struct frames_opts, per_step),
     .def = "1", .ranged = 1, .lo = 1, .hi = 1000, .doc = "frames each selected step is shown for"},
    {.name = "hold", .type = PARAM_DOUBLE, .offset = offsetof(struct frames_opts, hold), .def = "1",
     .ranged = 1, .lo = 0, .hi = 600, .doc = "seconds the final frame is held"},
    {0},
};

static const struct param_spec thin_rule_params[] = {
    {.name = "below", .type = PARAM_INT, .offset = offsetof(struct thin_rule, below), .def = "0",
     .ranged = 1, .lo = 0, .hi = 1e9, .doc = "the rule covers steps below this (0: all the rest)"},
    {.name = "every", .type = PARAM_INT, .offset = offsetof(struct thin_rule, every), .required = 1,
     .ranged = 1, .lo = 1, .hi = 1e9, .doc = "a frame every N steps"},
    {0},
};

const struct param_spec scene_layout_params[] = {
    {.name = "rows", .type = PARAM_INT, .offset = offsetof(struct layout_opts, rows), .def = "1",
     .ranged = 1, .lo = 1, .hi = 16, .doc = "rows of the panel grid"},
    {.name = "cols", .type = PARAM_INT, .offset = offsetof(struct layout_opts, cols), .def = "1",
     .ranged = 1, .lo = 1, .hi = 16, .doc = "columns of the panel grid"},
    {.name = "margin", .type = PARAM_DOUBLE, .offset = offsetof(struct layout_opts, margin),
     .def = "10", .ranged = 1, .lo = 0, .hi = 1000, .doc = "pixels around the grid"},
    {.name = "gap", .type = PARAM_DOUBLE, .offset = offsetof(struct layout_opts, gap), .def = "16",
     .ranged = 1, .lo = 0, .hi = 1000, .doc = "pixels between cells"},
    {0},
};

const char *const scene_dithers[] = {"none", "ordered", "diffusion", NULL};
const char *const scene_chromas[] = {"420", "444", NULL};

const struct param_spec scene_outputs_params[] = {
    {.name = "poster", .type = PARAM_INT, .offset = offsetof(struct outputs_opts, poster),
     .def = "-1", .ranged = 1, .lo = -1, .hi = 1e9, .doc = "frame written as the PNG poster (-1: the last)"},
    {0},
};

const struct param_spec scene_gif_params[] = {
    {.name = "max_colors", .type = PARAM_INT, .offset = offsetof(struct gif_opts, max_colors),
     .def = "256", .ranged = 1, .lo = 2, .hi = 256, .doc = "palette size"},
    {.name = "dither", .type = PARAM_ENUM, .offset = offsetof(struct gif_opts, dither),
     .def = "none", .choices = scene_dithers,
     .doc = "none for flat plots; ordered or diffusion for photo-like content"},
    {.name = "max_kb", .type = PARAM_INT, .offset = offsetof(struct gif_opts, max_kb), .def = "0",
     .ranged = 1, .lo = 0, .hi = 1e7,
     .doc = "size budget in KiB (0: none): fewer colours, then fps, then scale until it fits"},
    {0},
};

const struct param_spec scene_mp4_params[] = {
    {.name = "crf", .type = PARAM_INT, .offset = offsetof(struct mp4_opts, crf), .def = "20",
     .ranged = 1, .lo = 0, .hi = 51, .doc = "quality: x264 constant rate factor, lower is better"},
    {.name = "preset", .type = PARAM_ENUM, .offset = offsetof(struct mp4_opts, preset),
     .def = "medium", .choices = scene_presets, .doc = "x264 speed/size preset"},
    {.name = "chroma", .type = PARAM_ENUM, .offset = offsetof(struct mp4_opts, chroma),
     .def = "420", .choices = scene_chromas,
     .doc = "420 plays everywhere; 444 keeps thin coloured lines sharp (fewer players)"},
    {0},
};

const struct param_spec scene_webm_params[] = {
    {.name = "crf", .type = PARAM_INT, .offset = offsetof(struct webm_opts, crf), .def = "32",
     .ranged = 1, .lo = 0, .hi = 63, .doc = "quality: VP9 constant quality level, lower is better"},
    {0},
};

static const char *const top_keys[] = {"id", "title", "caption", "canvas", "seed", "data",
                                       "model", "trainer", "frames", "layout", "panels",
                                       "outputs"};

static const struct snode *get_scalar(const struct snode *root, const char *key, int required,
                                      const struct diag_loc *where)
{
    const struct snode *v = snode_get(root, key);
    if (!v) {
        if (required)
            diag_error(where, "scene is missing required key '%s'", key);
        return NULL;
    }
    if (v->type != SNODE_SCALAR) {
        diag_error(&v->loc, "'%s' must be a single value, not a %s", key, snode_type_name(v->type));
        return NULL;
    }
    return v;
}

static int valid_id(const char *s)
{
    if (!*s || *s == '-')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

/* "kind: NAME" of a section; returns the kind's index or -1 after reporting. */
static int section_kind(const struct snode *sec, const char *section, const char *const *names, int n)
{
    const struct snode *k = snode_get(sec, "kind");
    if (!k) {
        diag_error(&sec->loc, "%s is missing required key 'kind'", section);
        return -1;
    }
    if (k->type != SNODE_SCALAR) {
        diag_error(&k->loc, "'kind' in %s must be a name, not a %s", section, snode_type_name(k->type));
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], k->str) == 0)
            return i;
    char list[512];
    size_t used = 0;
    list[0] = '\0';
    for (int i = 0; i < n && used < sizeof(list); i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);
    const char *s = diag_suggest(k->str, names, n);
    if (s)
        diag_error(&k->loc, "unknown %s kind '%s' (did you mean '%s'?); known kinds: %s", section,
                   k->str, s, list);
    else
        diag_error(&k->loc, "unknown %s kind '%s'; known kinds: %s", section, k->str, list);
    return -1;
}

static const char *const kind_extra[] = {"kind", NULL};

/* A section with a kind: data, model, trainer. Returns the options (arena)
 * or NULL after reporting. */
static void *load_kinded(struct scene *s, const struct snode *sec, const char *section,
                         const char *const *names, int n, int *kind_index,
                         const struct param_spec *(*params_of)(int), size_t (*size_of)(int))
{
    if (sec->type != SNODE_MAP) {
        diag_error(&sec->loc, "'%s' must be a mapping with a 'kind', not a %s", section,
                   snode_type_name(sec->type));
        return NULL;
    }
    int k = section_kind(sec, section, names, n);
    if (k < 0)
        return NULL;
    *kind_index = k;
    void *opts = arena_alloc(&s->arena, size_of(k) ? size_of(k) : 1);
    char context[96];
    snprintf(context, sizeof(context), "%s '%s'", section, names[k]);
    if (param_apply(params_of(k), opts, sec, context, kind_extra, &sec->loc, &s->arena) != 0)
        return NULL;
    return opts;
}

static const char *data_names[16], *model_names[16], *trainer_names[16], *panel_names[32];
static int n_data, n_model, n_trainer, n_panel;

static void init_names(void)
{
    if (n_data)
        return;
    for (; data_kinds[n_data]; n_data++) data_names[n_data] = data_kinds[n_data]->name;
    for (; model_kinds[n_model]; n_model++) model_names[n_model] = model_kinds[n_model]->name;
    for (; trainer_kinds[n_trainer]; n_trainer++) trainer_names[n_trainer] = trainer_kinds[n_trainer]->name;
    for (; panel_kinds[n_panel]; n_panel++) panel_names[n_panel] = panel_kinds[n_panel]->name;
}

static const struct param_spec *data_params(int k) { return data_kinds[k]->params; }
static size_t data_size(int k) { return data_kinds[k]->opts_size; }
static const struct param_spec *model_params(int k) { return model_kinds[k]->params; }
static size_t model_size(int k) { return model_kinds[k]->opts_size; }
static const struct param_spec *trainer_params(int k) { return trainer_kinds[k]->params; }
static size_t trainer_size(int k) { return trainer_kinds[k]->opts_size; }

static int load_frames(struct scene *s, const struct snode *sec, const struct diag_loc *where)
{
    static const char *const extra[] = {"thin", NULL};
    int errors = param_apply(scene_frames_params, &s->frames, sec, "frames", extra, where,
                             &s->arena) != 0;
    const struct snode *thin = sec ? snode_get(sec, "thin") : NULL;
    if (!thin)
        return errors ? -1 : 0;
    if (snode_get(sec, "every")) {
        diag_error(&thin->loc, "'thin' and 'every' in frames exclude each other: use one");
        errors++;
    }
    if (thin->type != SNODE_SEQ || thin->n == 0) {
        diag_error(&thin->loc, "'thin' in frames must be a list of rules such as {below: 10, every: 1}");
        return -1;
    }
    if (thin->n > SCENE_MAX_RULES) {
        diag_error(&thin->loc, "'thin' in frames takes at most %d rules", SCENE_MAX_RULES);
        return -1;
    }
    int prev_below = 0;
    for (int i = 0; i < thin->n; i++) {
        struct thin_rule *r = &s->frames.rules[i];
        if (param_apply(thin_rule_params, r, thin->vals[i], "a thinning rule", NULL,
                        &thin->vals[i]->loc, &s->arena) != 0) {
            errors++;
            continue;
        }
        int last = i == thin->n - 1;
        if (!last && r->below <= prev_below) {
            diag_error(&thin->vals[i]->loc, "thinning rules must have increasing 'below' values, "
                       "and only the last may leave it out");
            errors++;
        }
        if (last && r->below) {
            diag_error(&thin->vals[i]->loc, "the last thinning rule must cover all remaining steps "
                       "(leave out 'below')");
            errors++;
        }
        prev_below = r->below;
    }
    s->frames.nrules = thin->n;
    return errors ? -1 : 0;
}

static int load_outputs(struct scene *s, const struct snode *sec, const struct diag_loc *where)
{
    static const char *const extra[] = {"formats", "gif", "mp4", "webm", NULL};
    int errors = param_apply(scene_outputs_params, &s->out, sec, "outputs", extra, where,
                             &s->arena) != 0;
    const struct diag_loc *at = sec ? &sec->loc : where;
    errors += param_apply(scene_gif_params, &s->out.gif, sec ? snode_get(sec, "gif") : NULL,
                          "outputs.gif", NULL, at, &s->arena) != 0;
    errors += param_apply(scene_mp4_params, &s->out.mp4, sec ? snode_get(sec, "mp4") : NULL,
                          "outputs.mp4", NULL, at, &s->arena) != 0;
    errors += param_apply(scene_webm_params, &s->out.webm, sec ? snode_get(sec, "webm") : NULL,
                          "outputs.webm", NULL, at, &s->arena) != 0;
    const struct snode *f = sec ? snode_get(sec, "formats") : NULL;
    if (!f) {
        static const char *const def[] = {"gif", "mp4", "png"};
        s->out.nformats = 3;
        for (int i = 0; i < 3; i++)
            s->out.formats[i] = def[i];
        return errors ? -1 : 0;
    }
    if (f->type != SNODE_SEQ || f->n == 0) {
        diag_error(&f->loc, "'formats' in outputs must be a list such as [gif, mp4, png]");
        return -1;
    }
    const char *names[16];
    char known[256];
    size_t used = 0;
    int nn = 0;
    known[0] = '\0';
    for (; encoder_kinds[nn] && nn < 16; nn++) {
        names[nn] = encoder_kinds[nn]->name;
        used += (size_t)snprintf(known + used, used < sizeof(known) ? sizeof(known) - used : 0,
                                 "%s%s", nn ? ", " : "", names[nn]);
    }
    for (int i = 0; i < f->n; i++) {
        const struct snode *it = f->vals[i];
        if (it->type != SNODE_SCALAR) {
            diag_error(&it->loc, "an output format must be a name such as gif, not a %s",
                       snode_type_name(it->type));
            errors++;
            continue;
        }
        if (!encoder_find(it->str)) {
            const char *sug = diag_suggest(it->str, names, nn);
            if (sug)
                diag_error(&it->loc, "unknown output format '%s' (did you mean '%s'?); known formats: %s",
                           it->str, sug, known);
            else
                diag_error(&it->loc, "unknown output format '%s'; known formats: %s", it->str, known);
            errors++;
            continue;
        }
        for (int j = 0; j < s->out.nformats; j++)
            if (strcmp(s->out.formats[j], it->str) == 0) {
                diag_error(&it->loc, "format '%s' is listed twice", it->str);
                errors++;
            }
        if (s->out.nformats < SCENE_MAX_FORMATS)
            s->out.formats[s->out.nformats++] = it->str;
    }
    return errors ? -1 : 0;
}

static int load_cell(const struct snode *p, const char *key, int *a, int *b, int min)
{
    const struct snode *v = snode_get(p, key);
    if (!v)
        return 1;
    double x, y;
    if (v->type != SNODE_SEQ || v->n != 2 || v->vals[0]->type != SNODE_SCALAR ||
        v->vals[1]->type != SNODE_SCALAR || param_parse_double(v->vals[0]->str, &x) != 0 ||
        param_parse_double(v->vals[1]->str, &y) != 0 || x != floor(x) || y != floor(y) ||
        x < min || y < min) {
        diag_error(&v->loc, "'%s' in a panel must be [row, column] with whole numbers >= %d", key, min);
        return -1;
    }
    *a = (int)x;
    *b = (int)y;
    return 0;
}

static int load_panels(struct scene *s, const struct snode *sec, const struct diag_loc *where,
                       const char *const *channels, int nchannels)
{
    static const char *const extra[] = {"kind", "cell", "span", NULL};
    if (!sec) {
        diag_error(where, "scene is missing required key 'panels' (a list of panels to draw)");
        return -1;
    }
    if (sec->type != SNODE_SEQ || sec->n == 0) {
        diag_error(&sec->loc, "'panels' must be a list of panels, each with a 'kind'");
        return -1;
    }
    int errors = 0;
    s->npanels = sec->n;
    s->panels = arena_alloc(&s->arena, sizeof(struct scene_panel) * (size_t)sec->n);
    for (int i = 0; i < sec->n; i++) {
        const struct snode *pn = sec->vals[i];
        struct scene_panel *p = &s->panels[i];
        if (pn->type != SNODE_MAP) {
            diag_error(&pn->loc, "a panel must be a mapping with a 'kind'");
            errors++;
            continue;
        }
        int k = section_kind(pn, "panel", panel_names, n_panel);
        if (k < 0) {
            errors++;
            continue;
        }
        p->kind = panel_kinds[k];
        p->opts = arena_alloc(&s->arena, p->kind->opts_size ? p->kind->opts_size : 1);
        char context[96];
        snprintf(context, sizeof(context), "panel '%s'", p->kind->name);
        if (param_apply(p->kind->params, p->opts, pn, context, extra, &pn->loc, &s->arena) != 0)
            errors++;
        p->row = i / s->layout.cols;
        p->col = i % s->layout.cols;
        p->rowspan = p->colspan = 1;
        int rc = load_cell(pn, "cell", &p->row, &p->col, 0);
        int sc = load_cell(pn, "span", &p->rowspan, &p->colspan, 1);
        if (rc < 0 || sc < 0) {
            errors++;
        } else if (p->row + p->rowspan > s->layout.rows || p->col + p->colspan > s->layout.cols) {
            const struct snode *cell = snode_get(pn, "cell"), *span = snode_get(pn, "span");
            const struct snode *at = cell ? cell : span ? span : snode_get(pn, "kind");
            char spantext[48] = "";
            if (span)
                snprintf(spantext, sizeof(spantext), " spanning %dx%d", p->rowspan, p->colspan);
            diag_error(&at->loc, "panel '%s' at row %d, column %d%s falls outside the %dx%d layout%s",
                       p->kind->name, p->row, p->col, spantext, s->layout.rows, s->layout.cols,
                       snode_get(s->script->root, "layout") ? ""
                           : " (add e.g. 'layout: {rows: 1, cols: 2}')");
            errors++;
        }
        /* What the panel needs from the rest of the scene. */
        unsigned needs = p->kind->needs;
        struct { unsigned bit; int ok; const char *what; } checks[] = {
            {PANEL_NEEDS_DATA, s->data_kind != NULL, "the scene has no 'data' section"},
            {PANEL_NEEDS_PREDICT, s->model && s->model->predict, NULL},
            {PANEL_NEEDS_OBJECTIVE, s->model && s->model->objective, NULL},
            {PANEL_NEEDS_LINE, s->model && s->model->nparams == 2 && s->model->predict, NULL},
            {PANEL_NEEDS_CENTROIDS, s->model == &model_centroids, NULL},
        };
        for (size_t c = 0; c < ARRAY_LEN(checks); c++) {
            if (!(needs & checks[c].bit) || checks[c].ok)
                continue;
            if (checks[c].bit != PANEL_NEEDS_DATA && !s->model)
                continue;   /* the model section already reported */
            const struct snode *kn = snode_get(pn, "kind");
            if (checks[c].what)
                diag_error(&kn->loc, "panel '%s' needs %s, but %s", p->kind->name,
                           panel_need_text(checks[c].bit), checks[c].what);
            else
                diag_error(&kn->loc, "panel '%s' needs %s, which model '%s' does not provide",
                           p->kind->name, panel_need_text(checks[c].bit), s->model->name);
            errors++;
        }
        for (int t = 0; channels && p->kind->templates && p->kind->templates[t]; t++) {
            const struct snode *tv = snode_get(pn, p->kind->templates[t]);
            if (!tv || tv->type != SNODE_SCALAR)
                continue;
            char ctx[128];
            snprintf(ctx, sizeof(ctx), "'%s' of panel '%s'", p->kind->templates[t], p->kind->name);
            if (template_check(tv->str, &tv->loc, !tv->plain, channels, nchannels, ctx) != 0)
                errors++;
        }
    }
    return errors ? -1 : 0;
}

struct scene *scene_load(const char *path)
{
    init_names();
    int before = diag_error_count();
    struct script *sc = script_load(path);
    if (!sc)
        return NULL;
    struct scene *s = xcalloc(1, sizeof(*s));
    s->script = sc;
    s->path = sc->path;
    s->dir = path_dirname(path);
    struct diag_loc top = {sc->path, 1, 1};
    const struct snode *root = sc->root;
    if (!root) {
        diag_error(&top, "the scene script is empty");
        scene_free(s);
        return NULL;
    }
    if (root->type != SNODE_MAP) {
        diag_error(&root->loc, "a scene script must be a mapping of keys (id, title, model, ...)");
        scene_free(s);
        return NULL;
    }
    for (int i = 0; i < root->n; i++) {
        int known = 0;
        for (size_t k = 0; k < ARRAY_LEN(top_keys); k++)
            known |= strcmp(top_keys[k], root->keys[i]) == 0;
        if (!known) {
            const char *sug = diag_suggest(root->keys[i], top_keys, (int)ARRAY_LEN(top_keys));
            if (sug)
                diag_error(&root->key_locs[i], "unknown key '%s' in scene (did you mean '%s'?)",
                           root->keys[i], sug);
            else
                diag_error(&root->key_locs[i], "unknown key '%s' in scene", root->keys[i]);
        }
    }

    const struct snode *v;
    if ((v = get_scalar(root, "id", 1, &root->loc))) {
        if (!valid_id(v->str))
            diag_error(&v->loc, "'id' must be lower-case letters, digits and '-' (got '%s')", v->str);
        s->id = v->str;
    }
    s->title = (v = get_scalar(root, "title", 0, NULL)) ? v->str : s->id;
    s->caption = (v = get_scalar(root, "caption", 0, NULL)) ? v->str : "";
    if ((v = get_scalar(root, "seed", 0, NULL))) {
        int seed;
        if (!v->plain || param_parse_int(v->str, &seed) != 0 || seed < 0)
            diag_error(&v->loc, "'seed' must be a whole number >= 0, not '%s'", v->str);
        else
            s->seed = seed;
    }

    const struct snode *canvas = snode_get(root, "canvas");
    if (param_apply(scene_canvas_params, &s->canvas, canvas, "canvas", NULL, &root->loc,
                    &s->arena) == 0) {
        s->canvas.has_background = canvas && snode_get(canvas, "background") != NULL;
    }
    s->theme = theme_find(theme_names[s->canvas.theme]);
    s->background = s->canvas.has_background ? s->canvas.background : s->theme->background;

    /* A section whose kind resolves keeps that kind even when its options
     * have errors, so later checks (templates, what panels need) still run
     * and report their own problems. The scene is discarded anyway. */
    const struct snode *sec;
    int k;
    if ((sec = snode_get(root, "data"))) {
        k = -1;
        s->data_opts = load_kinded(s, sec, "data", data_names, n_data, &k, data_params, data_size);
        /* Even a data section that failed counts as present: panels that
         * need data should not add a second, false complaint. */
        s->data_kind = k >= 0 ? data_kinds[k] : data_kinds[0];
        if (s->data_opts) {
            struct rng r;
            rng_seed(&r, (uint64_t)s->seed);
            struct data_ctx ctx = {s->dir, &sec->loc, sec};
            s->data_kind->make(s->data_opts, &r, &ctx, &s->data);
        }
    }
    if ((sec = snode_get(root, "model"))) {
        k = -1;
        s->model_opts = load_kinded(s, sec, "model", model_names, n_model, &k, model_params, model_size);
        if (k >= 0)
            s->model = model_kinds[k];
        if (s->model && s->model->needs_data && !snode_get(root, "data"))
            diag_error(&snode_get(sec, "kind")->loc, "model '%s' learns from data: add a 'data' section",
                       s->model->name);
    } else {
        diag_error(&root->loc, "scene is missing required key 'model'");
    }
    if ((sec = snode_get(root, "trainer"))) {
        k = -1;
        s->trainer_opts = load_kinded(s, sec, "trainer", trainer_names, n_trainer, &k,
                                      trainer_params, trainer_size);
        if (k >= 0)
            s->trainer = trainer_kinds[k];
    } else {
        diag_error(&root->loc, "scene is missing required key 'trainer'");
    }
    /* Which trainer can adjust which model, and the model's checks of its
     * options against each other and the data (a bad value never reaches a
     * trainer). */
    if (s->model && s->model_opts && s->model->check)
        s->model->check(s->model_opts, snode_get(root, "model"), &s->data);
    if (s->model && s->trainer)
        trainer_check_model(s->trainer, snode_get(root, "trainer"), s->model);
    load_frames(s, snode_get(root, "frames"), &root->loc);
    param_apply(scene_layout_params, &s->layout, snode_get(root, "layout"), "layout", NULL,
                &root->loc, &s->arena);
    if (s->layout.rows < 1) s->layout.rows = 1;
    if (s->layout.cols < 1) s->layout.cols = 1;

    /* Templates can only be checked when we know what the trace records. */
    struct trace probe = {0};
    if (s->model && s->trainer)
        trainer_define_channels(&probe, s->trainer, s->model, s->model_opts);
    load_panels(s, snode_get(root, "panels"), &root->loc, probe.nchan ? probe.names : NULL,
                probe.nchan);
    trace_release(&probe);
    load_outputs(s, snode_get(root, "outputs"), &root->loc);

    if (diag_error_count() > before) {
        scene_free(s);
        return NULL;
    }
    return s;
}

void scene_free(struct scene *s)
{
    if (!s)
        return;
    dataset_release(&s->data);
    arena_free(&s->arena);
    script_free(s->script);
    free(s->dir);
    free(s);
}

int scene_simulate(const struct scene *s, struct trace *t)
{
    memset(t, 0, sizeof(*t));
    trainer_define_channels(t, s->trainer, s->model, s->model_opts);
    return s->trainer->run(s->trainer_opts, s->model, s->model_opts, &s->data, t);
}

static int selected(const struct frames_opts *f, int step)
{
    if (!f->nrules)
        return step % f->every == 0;
    for (int i = 0; i < f->nrules; i++)
        if (!f->rules[i].below || step < f->rules[i].below)
            return step % f->rules[i].every == 0;
    return 0;
}

int timeline_build(const struct scene *s, const struct trace *t, struct timeline *tl)
{
    const struct frames_opts *f = &s->frames;
    memset(tl, 0, sizeof(*tl));
    if (t->nrec == 0)
        return diag_fail("scene '%s': the trainer recorded nothing", s->id);
    int fps_hold = (int)ceil(f->hold * s->canvas.fps.num / s->canvas.fps.den - 1e-9);
    int cap = 0, n = 0;
    for (int r = 0; r < t->nrec; r++) {
        int step = (int)trace_get(t, r, 0);
        if (!(selected(f, step) || r >= t->nrec - f->last || r == t->nrec - 1))
            continue;
        int reps = f->per_step + (r == t->nrec - 1 ? fps_hold : 0);
        if (n + reps > cap) {
            cap = (n + reps) * 2;
            tl->rec = xrealloc(tl->rec, sizeof(int) * (size_t)cap);
        }
        for (int i = 0; i < reps; i++)
            tl->rec[n++] = r;
        tl->nselected++;
    }
    tl->nframes = n;
    return 0;
}

void timeline_release(struct timeline *tl)
{
    free(tl->rec);
    memset(tl, 0, sizeof(*tl));
}

void scene_cell_rect(const struct scene *s, const struct scene_panel *p,
                     double *x, double *y, double *w, double *h)
{
    const struct layout_opts *l = &s->layout;
    double cw = (s->canvas.width - 2 * l->margin - (l->cols - 1) * l->gap) / l->cols;
    double ch = (s->canvas.height - 2 * l->margin - (l->rows - 1) * l->gap) / l->rows;
    *x = l->margin + p->col * (cw + l->gap);
    *y = l->margin + p->row * (ch + l->gap);
    *w = cw * p->colspan + l->gap * (p->colspan - 1);
    *h = ch * p->rowspan + l->gap * (p->rowspan - 1);
}
