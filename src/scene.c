/* scene: validating a scene script into a scene, simulating it, and its
 * timeline (see scene.h). Every section is checked even after an earlier one
 * failed, so one run reports every problem. */
#include "scene.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "encode.h"
#include "limit.h"
#include "template.h"
#include "util.h"

const struct param_spec scene_canvas_params[] = {
    {.name = "width", .type = PARAM_INT, .offset = offsetof(struct canvas_opts, width),
     .def = "800", .ranged = 1, .lo = 16, .hi = 7680, .doc = "frame width in pixels"},
    {.name = "height", .type = PARAM_INT, .offset = offsetof(struct canvas_opts, height),
     .def = "450", .ranged = 1, .lo = 16, .hi = 4320, .doc = "frame height in pixels"},
    {.name = "fps", .type = PARAM_RATE, .offset = offsetof(struct canvas_opts, fps), .def = "20",
     .ranged = 1, .lo = 0.1, .hi = 120, .doc = "frames per second: 20, 12.5 or \"30000/1001\""},
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
     .ranged = 1, .lo = 1, .hi = SCENE_MAX_GRID, .doc = "rows of the panel grid"},
    {.name = "cols", .type = PARAM_INT, .offset = offsetof(struct layout_opts, cols), .def = "1",
     .ranged = 1, .lo = 1, .hi = SCENE_MAX_GRID, .doc = "columns of the panel grid"},
    {.name = "margin", .type = PARAM_DOUBLE, .offset = offsetof(struct layout_opts, margin),
     .def = "10", .ranged = 1, .lo = 0, .hi = 1000, .doc = "pixels around the grid"},
    {.name = "gap", .type = PARAM_DOUBLE, .offset = offsetof(struct layout_opts, gap), .def = "16",
     .ranged = 1, .lo = 0, .hi = 1000, .doc = "pixels between cells"},
    {0},
};

const struct param_spec scene_outputs_params[] = {
    {.name = "poster", .type = PARAM_INT, .offset = offsetof(struct outputs_opts, poster),
     .def = "-1", .ranged = 1, .lo = -1, .hi = 1e9, .doc = "frame written as the PNG poster (-1: the last)"},
    {0},
};

static const char *const top_keys[] = {"id", "title", "caption", "canvas", "seed", "data",
                                       "env", "model", "trainer", "frames", "layout", "panels",
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
    if (!*s || *s == '-' || (long long)strlen(s) > limit_get(LIMIT_ID_BYTES))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

/* "kind: NAME" of a section; returns the kind or NULL after reporting. */
static const struct kind_head *section_kind(const struct snode *sec, const char *section,
                                            enum kind_class cls)
{
    const char *names[64];
    int n = kind_names(cls, names, 64);
    const struct snode *k = snode_get(sec, "kind");
    if (!k) {
        diag_error(&sec->loc, "%s is missing required key 'kind'", section);
        return NULL;
    }
    if (k->type != SNODE_SCALAR) {
        diag_error(&k->loc, "'kind' in %s must be a name, not a %s", section, snode_type_name(k->type));
        return NULL;
    }
    const struct kind_head *found = kind_find(cls, k->str);
    if (found)
        return found;
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
    return NULL;
}

/* A section with a kind: data, env, model, trainer. Returns the options
 * (arena) or NULL after reporting; *kind gets the kind whenever it
 * resolves, even if its options have errors. */
static void *load_kinded(struct scene *s, const struct snode *sec, const char *section,
                         enum kind_class cls, const struct kind_head **kind)
{
    *kind = NULL;
    if (sec->type != SNODE_MAP) {
        diag_error(&sec->loc, "'%s' must be a mapping with a 'kind', not a %s", section,
                   snode_type_name(sec->type));
        return NULL;
    }
    const struct kind_head *k = section_kind(sec, section, cls);
    if (!k)
        return NULL;
    *kind = k;
    void *opts = arena_alloc(&s->arena, k->opts_size ? k->opts_size : 1);
    char context[96];
    snprintf(context, sizeof(context), "%s '%s'", section, k->name);
    const char *extra[16] = {"kind"};
    for (int i = 0; k->extra_keys && k->extra_keys[i] && i < 14; i++)
        extra[i + 1] = k->extra_keys[i];
    if (param_apply(k->params, opts, sec, context, extra, &sec->loc, &s->arena) != 0)
        return NULL;
    return opts;
}

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

static int selected(const struct frames_opts *f, long long step);

/* One cell of the layout grid, in canvas pixels (0 or less when margin
 * and gaps take the whole canvas). */
static void cell_size(const struct scene *s, double *cw, double *ch)
{
    const struct layout_opts *l = &s->layout;
    *cw = (s->canvas.width - 2 * l->margin - (l->cols - 1) * l->gap) / l->cols;
    *ch = (s->canvas.height - 2 * l->margin - (l->rows - 1) * l->gap) / l->rows;
}

/* The most frames a timeline can have when the run records nrec steps
 * (record k is step k): the same selection timeline_build makes, counted
 * without the trace. */
static long long timeline_bound(const struct scene *s, long long nrec, long long *pictures)
{
    const struct frames_opts *f = &s->frames;
    long long sel = 0;
    for (long long r = 0; r < nrec; r++)
        sel += selected(f, r) || r >= nrec - f->last || r == nrec - 1;
    double hold = ceil(f->hold * s->canvas.fps.num / s->canvas.fps.den - 1e-9);
    *pictures = sel;            /* distinct pictures: repeats are not redrawn */
    return sel * f->per_step + (long long)hold;
}

static void limit_error(const struct diag_loc *at, enum limit_id id, const char *fmt, long long v)
{
    char what[256];
    snprintf(what, sizeof what, fmt, v);
    diag_error(at, "%s, more than %lld (limit %s; raise it with --limit %s=N)", what,
               limit_get(id), limit_name(id), limit_name(id));
}

/* What the scene can cost at most, bounded before anything runs: training
 * steps and steps x rows per run, frames, pixels x frames; and a poster
 * frame past the end. A trainer may stop early, so the frame count here is
 * the most the timeline can hold. */
static void check_budget(struct scene *s, const struct snode *root)
{
    const struct snode *tsec = snode_get(root, "trainer"), *fsec = snode_get(root, "frames");
    const struct diag_loc *tloc = tsec ? &tsec->loc : &root->loc;
    const struct diag_loc *floc = fsec ? &fsec->loc : &root->loc;
    long long frames = -1, pictures = 0;
    for (int i = 0; i < s->nruns; i++) {
        const struct run *r = &s->runs[i];
        if (!r->trainer || !r->trainer_opts || !r->trainer->max_steps || s->canvas.fps.num <= 0)
            continue;
        long long steps = r->trainer->max_steps(r->trainer_opts);
        if (steps > limit_get(LIMIT_STEPS)) {
            limit_error(tloc, LIMIT_STEPS, "the trainer may make %lld steps", steps);
            continue;
        }
        long long rows = s->data.n > 0 ? s->data.n : 1;
        if (steps > limit_get(LIMIT_WORK) / rows) {
            char fmt[128];
            snprintf(fmt, sizeof fmt, "%%lld steps on %d rows is %.3g step-rows", s->data.n,
                     (double)steps * (double)rows);
            limit_error(tloc, LIMIT_WORK, fmt, steps);
            continue;
        }
        long long pics;
        long long n = timeline_bound(s, steps + 1, &pics);
        if (n > frames)
            frames = n;
        if (pics > pictures)
            pictures = pics;
    }
    if (frames < 0)
        return;
    if (frames > limit_get(LIMIT_FRAMES)) {
        limit_error(floc, LIMIT_FRAMES, "the scene may make %lld frames (steps shown x "
                    "per_step, plus the hold)", frames);
        return;
    }
    const struct snode *csec = snode_get(root, "canvas");
    long long px = (long long)s->canvas.width * s->canvas.height;
    if (px > limit_get(LIMIT_PIXELS)) {
        char fmt[96];
        snprintf(fmt, sizeof fmt, "a %dx%d frame is %%lld pixels", s->canvas.width,
                 s->canvas.height);
        limit_error(csec ? &csec->loc : &root->loc, LIMIT_PIXELS, fmt, px);
        return;
    }
    if (px > 0 && frames > limit_get(LIMIT_PIXEL_FRAMES) * 1000000 / px) {
        char fmt[128];
        snprintf(fmt, sizeof fmt, "%%lld frames of %dx%d are %.0f megapixels", s->canvas.width,
                 s->canvas.height, (double)frames * (double)px / 1e6);
        limit_error(csec ? &csec->loc : &root->loc, LIMIT_PIXEL_FRAMES, fmt, frames);
    }
    long long rows_drawn = 0;
    for (int i = 0; i < s->npanels; i++)
        if (s->panels[i].kind && s->panels[i].kind->draws_rows)
            rows_drawn += s->data.n;
    if (rows_drawn > 0 && pictures > limit_get(LIMIT_POINTS_DRAWN) / rows_drawn) {
        char fmt[160];
        snprintf(fmt, sizeof fmt, "drawing %lld data points in each of %%lld pictures is %.3g "
                 "points", rows_drawn, (double)rows_drawn * (double)pictures);
        const struct snode *dsec = snode_get(root, "data");
        limit_error(dsec ? &dsec->loc : &root->loc, LIMIT_POINTS_DRAWN, fmt, pictures);
    }
    const struct snode *osec = snode_get(root, "outputs");
    const struct snode *pv = osec ? snode_get(osec, "poster") : NULL;
    if (pv && s->out.poster >= frames)
        diag_error(&pv->loc, "poster frame %d is past the end: the scene has at most %lld frames "
                   "(0 to %lld)", s->out.poster, frames, frames - 1);
}

static int load_outputs(struct scene *s, const struct snode *sec, const struct diag_loc *where)
{
    const struct kind_head *const *encs = kind_table(KIND_ENCODER);
    const char *extra[SCENE_MAX_ENCODERS + 2];
    int ne = 0;
    extra[ne++] = "formats";
    for (int i = 0; encs[i] && i < SCENE_MAX_ENCODERS; i++)
        if (encs[i]->params)
            extra[ne++] = encs[i]->name;
    extra[ne] = NULL;
    int errors = param_apply(scene_outputs_params, &s->out, sec, "outputs", extra, where,
                             &s->arena) != 0;
    const struct diag_loc *at = sec ? &sec->loc : where;
    const struct snode *pv = sec ? snode_get(sec, "poster") : NULL;
    const struct snode *gv = sec ? snode_get(sec, "gif") : NULL;
    const struct snode *kb = gv ? snode_get(gv, "max_kb") : NULL;
    s->locs.poster = pv ? pv->loc : (struct diag_loc){s->path, 0, 0};
    s->locs.gif_max_kb = kb ? kb->loc : (struct diag_loc){s->path, 0, 0};
    /* Every encoder's options, given or default: outputs.<name>. */
    for (int i = 0; encs[i] && i < SCENE_MAX_ENCODERS; i++) {
        if (!encs[i]->params)
            continue;
        void *opts = arena_alloc(&s->arena, encs[i]->opts_size ? encs[i]->opts_size : 1);
        char context[64];
        snprintf(context, sizeof(context), "outputs.%s", encs[i]->name);
        errors += param_apply(encs[i]->params, opts, sec ? snode_get(sec, encs[i]->name) : NULL,
                              context, NULL, at, &s->arena) != 0;
        s->out.kind_opts[i] = opts;
    }
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
    const char *names[SCENE_MAX_ENCODERS];
    char known[256];
    size_t used = 0;
    int nn = kind_names(KIND_ENCODER, names, SCENE_MAX_ENCODERS);
    known[0] = '\0';
    for (int i = 0; i < nn; i++)
        used += (size_t)snprintf(known + used, used < sizeof(known) ? sizeof(known) - used : 0,
                                 "%s%s", i ? ", " : "", names[i]);
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

const void *scene_encoder_opts(const struct scene *s, const struct encoder_kind *k)
{
    const struct kind_head *const *encs = kind_table(KIND_ENCODER);
    for (int i = 0; encs[i] && i < SCENE_MAX_ENCODERS; i++)
        if (encs[i] == &k->head)
            return s->out.kind_opts[i];
    return NULL;
}

static int load_cell(const struct snode *p, const char *key, int *a, int *b, int min)
{
    const struct snode *v = snode_get(p, key);
    if (!v)
        return 1;
    /* Parsed as int (range-checked), never through double: 1e300 or 2^32
     * must be refused, not converted with undefined behaviour. The bound
     * keeps row + span far from overflow; the layout check does the rest. */
    int x, y;
    if (v->type != SNODE_SEQ || v->n != 2 || v->vals[0]->type != SNODE_SCALAR ||
        v->vals[1]->type != SNODE_SCALAR || !v->vals[0]->plain || !v->vals[1]->plain ||
        param_parse_int(v->vals[0]->str, &x) != 0 || param_parse_int(v->vals[1]->str, &y) != 0 ||
        x < min || y < min || x > SCENE_MAX_GRID || y > SCENE_MAX_GRID) {
        diag_error(&v->loc, "'%s' in a panel must be [row, column] with whole numbers from %d to %d",
                   key, min, SCENE_MAX_GRID);
        return -1;
    }
    *a = x;
    *b = y;
    return 0;
}

/* What a run offers to the kinds that require something: the capabilities
 * of its data, environment, model and trainer. A section that is missing
 * or failed to load has already been reported; what it would provide is
 * not complained about a second time. */
struct offer {
    const struct scene *s;
    const struct run *r;
    struct capset caps;
    int data_failed;
};

static void offer_build(struct offer *o, const struct scene *s, const struct run *r, int data_failed)
{
    memset(o, 0, sizeof(*o));
    o->s = s;
    o->r = r;
    o->data_failed = data_failed;
    if (data_failed)
        capset_add_all(&o->caps, s->data_kind->head.provides);
    else
        dataset_capabilities(&s->data, &o->caps);
    if (s->env)
        capset_add_all(&o->caps, s->env->head.provides);
    if (r->model)
        capset_add_all(&o->caps, r->model->head.provides);
    if (r->trainer)
        capset_add_all(&o->caps, r->trainer->head.provides);
}

/* The class whose kinds provide cap (data, env, model, trainer), for
 * saying which section falls short. */
static enum kind_class provider_class(const char *cap)
{
    static const enum kind_class order[] = {KIND_DATA, KIND_ENV, KIND_MODEL, KIND_TRAINER};
    for (size_t c = 0; c < ARRAY_LEN(order); c++)
        for (const struct kind_head *const *k = kind_table(order[c]); *k; k++)
            for (int i = 0; (*k)->provides && (*k)->provides[i]; i++)
                if (strcmp((*k)->provides[i], cap) == 0)
                    return order[c];
    return KIND_MODEL;
}

/* Reports each capability in requires that the run does not offer, at the
 * 'kind' of the section that requires it; returns the number reported. */
static int check_requires(const struct offer *o, const char *who, const char *const *requires,
                          const struct snode *at, const char *hint)
{
    int errors = 0;
    for (int i = 0; requires && requires[i]; i++) {
        const char *cap = requires[i];
        if (capset_has(&o->caps, cap))
            continue;
        const struct capability *c = capability_find(cap);
        char need[256], prov[512];
        snprintf(need, sizeof(need), "%s needs %s (%s)", who, c ? c->words : cap, cap);
        capability_providers(cap, prov, sizeof(prov));
        const struct kind_head *have = NULL;
        const char *section = "";
        switch (provider_class(cap)) {
        case KIND_DATA:
            if (o->data_failed)
                continue;
            section = "data";
            have = o->s->data_kind ? &o->s->data_kind->head : NULL;
            break;
        case KIND_ENV:
            section = "env";
            have = o->s->env ? &o->s->env->head : NULL;
            break;
        case KIND_TRAINER:
            if (!o->r->trainer)
                continue;
            section = "trainer";
            have = &o->r->trainer->head;
            break;
        default:
            if (!o->r->model)
                continue;
            section = "model";
            have = &o->r->model->head;
            break;
        }
        if (!have)
            diag_error(&at->loc, "%s, but the scene has no '%s' section%s%s%s%s", need, section,
                       prov[0] ? " (kinds that provide it: " : "", prov, prov[0] ? ")" : "",
                       hint ? hint : "");
        else
            diag_error(&at->loc, "%s, which %s '%s' does not provide%s%s%s%s", need, section,
                       have->name, prov[0] ? " (kinds that do: " : "", prov, prov[0] ? ")" : "",
                       hint ? hint : "");
        errors++;
    }
    return errors;
}

/* "; use trainer 'kmeans'" when other trainers can train what the run's
 * data and model offer, for a trainer that cannot. */
static void trainer_hint(const struct offer *o, const struct run *r, char *buf, size_t n)
{
    /* What the run offers without its trainer. */
    struct run bare = *r;
    bare.trainer = NULL;
    struct offer without;
    offer_build(&without, o->s, &bare, o->data_failed);
    const struct capset *base = &without.caps;
    size_t used = 0;
    buf[0] = '\0';
    for (const struct kind_head *const *k = kind_table(KIND_TRAINER); *k; k++) {
        if (*k == &r->trainer->head)
            continue;
        int ok = 1;
        for (int i = 0; (*k)->requires && (*k)->requires[i]; i++)
            ok &= capset_has(base, (*k)->requires[i]);
        if (ok && used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s'%s'",
                                     used ? ", " : "; use trainer ", (*k)->name);
    }
}

/* Whether a panel's cells are free; panels outside the layout are left to
 * the layout check. */
static int cells_free(int owner[SCENE_MAX_GRID][SCENE_MAX_GRID], const struct layout_opts *l,
                      int row, int col, int rows, int cols)
{
    if (row + rows > l->rows || col + cols > l->cols)
        return 0;
    for (int r = row; r < row + rows; r++)
        for (int c = col; c < col + cols; c++)
            if (owner[r][c] >= 0)
                return 0;
    return 1;
}

/* The first cell, row by row, where the panel's span fits among the
 * panels placed so far; the first cell when none does (the layout check
 * then says why). */
static void next_free_cell(int owner[SCENE_MAX_GRID][SCENE_MAX_GRID], const struct layout_opts *l,
                           struct scene_panel *p)
{
    for (int r = 0; r < l->rows; r++)
        for (int c = 0; c < l->cols; c++)
            if (cells_free(owner, l, r, c, p->rowspan, p->colspan)) {
                p->row = r;
                p->col = c;
                return;
            }
    /* Nowhere: past the last row, so the layout check reports it. */
    p->row = l->rows;
    p->col = 0;
}

/* Marks panel i's cells as its own; 1 after reporting an overlap. */
static int claim_cells(int owner[SCENE_MAX_GRID][SCENE_MAX_GRID], const struct scene_panel *panels,
                       int i, const struct snode *pn)
{
    const struct scene_panel *p = &panels[i];
    for (int r = p->row; r < p->row + p->rowspan && r < SCENE_MAX_GRID; r++)
        for (int c = p->col; c < p->col + p->colspan && c < SCENE_MAX_GRID; c++) {
            int o = owner[r][c];
            if (o >= 0) {
                const struct snode *at = snode_get(pn, "cell") ? snode_get(pn, "cell") : pn;
                diag_error(&at->loc, "panel '%s' at row %d, column %d overlaps panel %d ('%s'), "
                           "which covers that cell", p->kind->head.name, r, c, o + 1,
                           panels[o].kind->head.name);
                return 1;
            }
        }
    for (int r = p->row; r < p->row + p->rowspan && r < SCENE_MAX_GRID; r++)
        for (int c = p->col; c < p->col + p->colspan && c < SCENE_MAX_GRID; c++)
            owner[r][c] = i;
    return 0;
}

static int load_panels(struct scene *s, const struct snode *sec, const struct diag_loc *where,
                       const struct offer *offers, const struct trace *probes)
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
    if (sec->n > SCENE_MAX_PANELS) {
        diag_error(&sec->loc, "%d panels are more than the %d cells of the largest layout",
                   sec->n, SCENE_MAX_PANELS);
        return -1;
    }
    int errors = 0;
    int owner[SCENE_MAX_GRID][SCENE_MAX_GRID];
    for (int r = 0; r < SCENE_MAX_GRID; r++)
        for (int c = 0; c < SCENE_MAX_GRID; c++)
            owner[r][c] = -1;
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
        p->kind = (const struct panel_kind *)section_kind(pn, "panel", KIND_PANEL);
        if (!p->kind) {
            errors++;
            continue;
        }
        p->opts = arena_alloc(&s->arena, p->kind->head.opts_size ? p->kind->head.opts_size : 1);
        char context[96];
        snprintf(context, sizeof(context), "panel '%s'", p->kind->head.name);
        if (param_apply(p->kind->head.params, p->opts, pn, context, extra, &pn->loc, &s->arena) != 0)
            errors++;
        p->row = p->col = 0;
        p->rowspan = p->colspan = 1;
        int rc = load_cell(pn, "cell", &p->row, &p->col, 0);
        int sc = load_cell(pn, "span", &p->rowspan, &p->colspan, 1);
        if (rc == 1 && sc >= 0)
            next_free_cell(owner, &s->layout, p);   /* no 'cell': the next one free */
        if (rc < 0 || sc < 0) {
            errors++;
        } else if (p->row + p->rowspan > s->layout.rows || p->col + p->colspan > s->layout.cols) {
            const struct snode *cell = snode_get(pn, "cell"), *span = snode_get(pn, "span");
            const struct snode *at = cell ? cell : span ? span : snode_get(pn, "kind");
            char spantext[48] = "";
            if (span)
                snprintf(spantext, sizeof(spantext), " spanning %dx%d", p->rowspan, p->colspan);
            diag_error(&at->loc, "panel '%s' at row %d, column %d%s falls outside the %dx%d layout%s",
                       p->kind->head.name, p->row, p->col, spantext, s->layout.rows, s->layout.cols,
                       snode_get(s->script->root, "layout") ? ""
                           : " (add e.g. 'layout: {rows: 1, cols: 2}')");
            errors++;
        } else if (claim_cells(owner, s->panels, i, pn)) {
            errors++;
        }
        /* What the panel needs from its run. */
        p->run = 0;
        errors += check_requires(&offers[p->run], context, p->kind->head.requires,
                                 snode_get(pn, "kind"), NULL);
        const struct trace *probe = &probes[p->run];
        for (int t = 0; probe->nchan && p->kind->templates && p->kind->templates[t]; t++) {
            const struct snode *tv = snode_get(pn, p->kind->templates[t]);
            if (!tv || tv->type != SNODE_SCALAR)
                continue;
            char ctx[128];
            snprintf(ctx, sizeof(ctx), "'%s' of panel '%s'", p->kind->templates[t], p->kind->head.name);
            if (template_check(tv->str, &tv->loc, !tv->plain, probe, ctx) != 0)
                errors++;
        }
    }
    return errors ? -1 : 0;
}

struct scene *scene_load(const char *path)
{
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
            diag_error(&v->loc, "'id' must be lower-case letters, digits and '-', at most %lld "
                       "characters (got '%.120s%s')", limit_get(LIMIT_ID_BYTES), v->str,
                       strlen(v->str) > 120 ? "..." : "");
        s->id = v->str;
    }
    s->title = (v = get_scalar(root, "title", 0, NULL)) ? v->str : s->id;
    s->caption = (v = get_scalar(root, "caption", 0, NULL)) ? v->str : "";
    if ((v = get_scalar(root, "seed", 0, NULL))) {
        int seed;
        if (!v->plain || param_parse_int(v->str, &seed) != 0 || seed < 0)
            diag_error(&v->loc, "'seed' must be a whole number from 0 to 2147483647, not '%s'",
                       v->str);
        else
            s->seed = seed;
    }

    const struct snode *canvas = snode_get(root, "canvas");
    if (param_apply(scene_canvas_params, &s->canvas, canvas, "canvas", NULL, &root->loc,
                    &s->arena) == 0) {
        s->canvas.has_background = canvas && snode_get(canvas, "background") != NULL;
    }
    const struct snode *fps = canvas ? snode_get(canvas, "fps") : NULL;
    s->locs.fps = fps ? fps->loc : (struct diag_loc){s->path, 0, 0};
    s->theme = theme_find(theme_names[s->canvas.theme]);
    s->background = s->canvas.has_background ? s->canvas.background : s->theme->background;

    /* A section whose kind resolves keeps that kind even when its options
     * have errors, so later checks (templates, what kinds require) still
     * run and report their own problems. The scene is discarded anyway. */
    const struct snode *sec;
    const struct kind_head *kh;
    int data_failed = 0;
    if ((sec = snode_get(root, "data"))) {
        s->data_opts = load_kinded(s, sec, "data", KIND_DATA, &kh);
        /* Even a data section that failed counts as present: kinds that
         * require data should not add a second, false complaint. */
        s->data_kind = kh ? (const struct data_kind *)kh : data_find("line");
        data_failed = 1;
        if (s->data_opts) {
            struct rng r;
            rng_seed(&r, (uint64_t)s->seed);
            struct data_ctx ctx = {s->dir, &sec->loc, sec};
            if (s->data_kind->make(s->data_opts, &r, &ctx, &s->data) == 0)
                data_failed = 0;
            else
                dataset_release(&s->data);
            if (!data_failed && s->data.n > limit_get(LIMIT_DATA_ROWS)) {
                diag_error(&sec->loc, "the data has %d rows, more than %lld (limit %s; raise it "
                           "with --limit %s=N)", s->data.n, limit_get(LIMIT_DATA_ROWS),
                           limit_name(LIMIT_DATA_ROWS), limit_name(LIMIT_DATA_ROWS));
                dataset_release(&s->data);
                data_failed = 1;
            }
        }
    }
    if ((sec = snode_get(root, "env"))) {
        s->env_opts = load_kinded(s, sec, "env", KIND_ENV, &kh);
        s->env = (const struct env_kind *)kh;
        if (s->env && s->env_opts && s->env->check)
            s->env->check(s->env_opts, sec);
    }

    /* One run: the model and trainer sections. */
    s->nruns = 1;
    s->runs = arena_alloc(&s->arena, sizeof(struct run));
    struct run *run = &s->runs[0];
    run->label = "";
    if ((sec = snode_get(root, "model"))) {
        run->model_opts = load_kinded(s, sec, "model", KIND_MODEL, &kh);
        run->model = (const struct model_kind *)kh;
    } else {
        diag_error(&root->loc, "scene is missing required key 'model'");
    }
    if ((sec = snode_get(root, "trainer"))) {
        run->trainer_opts = load_kinded(s, sec, "trainer", KIND_TRAINER, &kh);
        run->trainer = (const struct trainer_kind *)kh;
    } else {
        diag_error(&root->loc, "scene is missing required key 'trainer'");
    }
    /* What the model and trainer require of each other and of the data,
     * then the model's checks of its options against each other and the
     * data, and the trainer's of its own (a bad value never reaches a
     * trainer). */
    struct offer *offers = arena_alloc(&s->arena, sizeof(struct offer) * (size_t)s->nruns);
    for (int i = 0; i < s->nruns; i++) {
        struct run *r = &s->runs[i];
        offer_build(&offers[i], s, r, data_failed);
        char who[96];
        if (r->model) {
            snprintf(who, sizeof(who), "model '%s'", r->model->head.name);
            check_requires(&offers[i], who, r->model->head.requires,
                           snode_get(snode_get(root, "model"), "kind"), NULL);
        }
        if (r->trainer) {
            snprintf(who, sizeof(who), "trainer '%s'", r->trainer->head.name);
            char hint[160];
            trainer_hint(&offers[i], r, hint, sizeof(hint));
            check_requires(&offers[i], who, r->trainer->head.requires,
                           snode_get(snode_get(root, "trainer"), "kind"), hint);
        }
        if (r->model && r->model_opts && r->model->check)
            r->model->check(r->model_opts, snode_get(root, "model"), &s->data);
        if (r->trainer && r->trainer_opts && r->trainer->check)
            r->trainer->check(r->trainer_opts, snode_get(root, "trainer"));
    }
    int frames_ok = load_frames(s, snode_get(root, "frames"), &root->loc) == 0;
    param_apply(scene_layout_params, &s->layout, snode_get(root, "layout"), "layout", NULL,
                &root->loc, &s->arena);
    if (s->layout.rows < 1) s->layout.rows = 1;
    if (s->layout.cols < 1) s->layout.cols = 1;
    {
        double cw, ch;
        cell_size(s, &cw, &ch);
        const struct snode *lsec = snode_get(root, "layout");
        if (s->canvas.width > 0 && s->canvas.height > 0 && (cw <= 0 || ch <= 0))
            diag_error(lsec ? &lsec->loc : &root->loc, "the layout's margin and gaps take more "
                       "than the %dx%d canvas: no room is left for the panels",
                       s->canvas.width, s->canvas.height);
        else if (s->canvas.width > 0 && s->canvas.height > 0 && (cw < 16 || ch < 16))
            diag_error(lsec ? &lsec->loc : &root->loc, "the layout leaves cells of %.0fx%.0f "
                       "pixels on the %dx%d canvas; each needs at least 16x16 (fewer rows or "
                       "columns, or a smaller margin or gap)", cw, ch, s->canvas.width,
                       s->canvas.height);
    }

    /* Templates can only be checked when we know what the traces record. */
    struct trace *probes = xcalloc((size_t)s->nruns, sizeof(struct trace));
    struct trainer_input in;
    scene_input(s, &in);
    /* Not when the data failed: the channels' shapes follow the data (one
     * weight per feature), and a second error about {w[1]} would mislead. */
    for (int i = 0; i < s->nruns && !data_failed; i++)
        if (s->runs[i].model && s->runs[i].model_opts && s->runs[i].trainer)
            trainer_define_channels(&probes[i], &s->runs[i], &in);
    load_panels(s, snode_get(root, "panels"), &root->loc, offers, probes);
    for (int i = 0; i < s->nruns; i++)
        trace_release(&probes[i]);
    free(probes);
    load_outputs(s, snode_get(root, "outputs"), &root->loc);
    if (frames_ok)
        check_budget(s, root);

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

void scene_input(const struct scene *s, struct trainer_input *in)
{
    in->data = &s->data;
    in->env = s->env;
    in->env_opts = s->env_opts;
    in->seed = s->data.seed ? s->data.seed : (uint64_t)s->seed;
}

int scene_simulate(const struct scene *s, struct trace *traces)
{
    struct trainer_input in;
    scene_input(s, &in);
    for (int i = 0; i < s->nruns; i++)
        memset(&traces[i], 0, sizeof(traces[i]));
    for (int i = 0; i < s->nruns; i++)
        if (run_simulate(&s->runs[i], &in, &traces[i]) != 0)
            return -1;
    return 0;
}

static int selected(const struct frames_opts *f, long long step)
{
    if (!f->nrules)
        return step % f->every == 0;
    for (int i = 0; i < f->nrules; i++)
        if (!f->rules[i].below || step < f->rules[i].below)
            return step % f->rules[i].every == 0;
    return 0;
}

int timeline_build(const struct scene *s, const struct trace *traces, struct timeline *tl)
{
    const struct trace *t = &traces[0];
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
    double cw, ch;
    cell_size(s, &cw, &ch);
    *x = l->margin + p->col * (cw + l->gap);
    *y = l->margin + p->row * (ch + l->gap);
    *w = cw * p->colspan + l->gap * (p->colspan - 1);
    *h = ch * p->rowspan + l->gap * (p->rowspan - 1);
}
