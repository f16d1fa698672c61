/* scene: validating a scene script into a scene, simulating it, and its
 * timeline (see scene.h). Every section is checked even after an earlier one
 * failed, so one run reports every problem. */
#include "scene.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "asset.h"
#include "encode.h"
#include "limit.h"
#include "scene_time.h"
#include "math/math.h"
#include "template.h"
#include "util.h"

static int check_formulas(const struct snode *n, int fields, const char *context, int panel);
static int template_index(const char *const *templates, const char *key);

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
                                       "outputs", "runs", "vary", "sweep", "variants", "schedule",
                                       "keyframes", "beats", "clips", "narration"};

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

/* One cell of the layout grid, in canvas pixels (0 or less when margin
 * and gaps take the whole canvas). */
static void cell_size(const struct scene *s, double *cw, double *ch)
{
    const struct layout_opts *l = &s->layout;
    *cw = (s->lw - 2 * l->margin - (l->cols - 1) * l->gap) / l->cols;
    *ch = (s->lh - 2 * l->margin - (l->rows - 1) * l->gap) / l->rows;
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
    long long frames = -1, pictures = 0, most_steps = 0, work = 0;
    int bounded = 0, unbounded = 0;
    for (int i = 0; i < s->nruns; i++) {
        const struct run *r = &s->runs[i];
        if (!r->trainer) {
            continue;
        }
        if (!r->trainer_opts || !r->trainer->max_steps || s->canvas.fps.num <= 0) {
            unbounded = 1;
            continue;
        }
        long long steps = r->trainer->max_steps(r->trainer_opts);
        if (steps > limit_get(LIMIT_STEPS)) {
            limit_error(tloc, LIMIT_STEPS, "the trainer may make %lld steps", steps);
            return;
        }
        /* A step costs a pass over the data: rows x features. */
        long long rows = r->data && r->data->n > 0 ? r->data->n : 1;
        long long cols = r->data && r->data->d > 1 ? r->data->d : 1;
        work += steps * rows * cols;
        if (work > limit_get(LIMIT_WORK)) {
            char fmt[200], of[64] = "";
            if (cols > 1)
                snprintf(of, sizeof of, " of %lld features", cols);
            snprintf(fmt, sizeof fmt, "%%lld steps on %lld rows%s%s is %.3g step-rows", rows, of,
                     s->nruns > 1 ? " (all runs together)" : "", (double)work);
            limit_error(tloc, LIMIT_WORK, fmt, steps);
            return;
        }
        if (steps > most_steps)
            most_steps = steps;
        bounded = 1;
    }
    if (unbounded || s->canvas.fps.num <= 0)
        return;
    if (s->clips.n) {
        double fps = (double)s->canvas.fps.num / s->canvas.fps.den, total = 0;
        for (int i = 0; i < s->clips.n; i++) {
            const struct scene *c = s->clips.scenes[i];
            long long steps = 0, pics;
            for (int k = 0; k < c->nruns; k++)
                if (c->runs[k].trainer && c->runs[k].trainer->max_steps &&
                    c->runs[k].trainer->max_steps(c->runs[k].trainer_opts) > steps)
                    steps = c->runs[k].trainer->max_steps(c->runs[k].trainer_opts);
            double d = timeline_bound(c, steps, &pics) / ((double)c->canvas.fps.num / c->canvas.fps.den);
            if (i == 0 || (s->clips.end == CLIPS_TRIM ? d < total : d > total))
                total = d;
        }
        frames = pictures = llround(total * fps) > 0 ? llround(total * fps) : 1;
    } else if (bounded || s->beats.n || s->sweep.n || s->nruns) {
        frames = timeline_bound(s, most_steps, &pictures);
    }
    if (frames < 0)
        return;
    s->cost_frames = frames;
    s->cost_work = work;
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
        if (s->panels[i].kind && s->panels[i].kind->draws_rows) {
            int r = s->panels[i].run >= 0 && s->panels[i].run < s->nruns ? s->panels[i].run : 0;
            long long n = s->nruns && s->runs[r].data ? s->runs[r].data->n : s->data.n;
            rows_drawn += s->panels[i].run == SCENE_RUN_ALL ? n * s->nruns : n;
        }
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
    if (data_failed) {
        /* What the data kind would provide (a run's own data section that
         * failed has its kind reported already; it may not have one). */
        if (s->data_kind)
            capset_add_all(&o->caps, s->data_kind->head.provides);
    } else
        dataset_capabilities(r->data ? r->data : &s->data, &o->caps);
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

/* run: 2 (from 1), a run's label, or all; the sweep's value when the
 * scene sweeps. -3 after reporting. */
static int panel_run(const struct scene *s, const struct snode *pn, const struct panel_kind *k)
{
    const struct snode *v = snode_get(pn, "run");
    if (!v)
        return s->sweep.n ? SCENE_RUN_SWEPT : 0;
    if (s->sweep.n) {
        diag_error(&v->loc, "in a sweep each frame shows the run of its value: panels take no 'run'");
        return -3;
    }
    if (v->type != SNODE_SCALAR) {
        diag_error(&v->loc, "'run' in a panel must be a run's number (from 1), its label, or 'all'");
        return -3;
    }
    if (strcmp(v->str, "all") == 0) {
        if (!k->all_runs) {
            diag_error(&v->loc, "panel '%s' draws one run: it cannot take 'run: all' (panels that "
                       "overlay every run: loss-curve)", k->head.name);
            return -3;
        }
        return SCENE_RUN_ALL;
    }
    int n;
    if (v->plain && param_parse_int(v->str, &n) == 0) {
        if (n < 1 || n > s->nruns) {
            diag_error(&v->loc, "'run: %d' names no run: the scene has %d (run 1 to %d)", n,
                       s->nruns, s->nruns);
            return -3;
        }
        return n - 1;
    }
    const char *labels[SCENE_MAX_RUNS];
    for (int i = 0; i < s->nruns; i++) {
        labels[i] = s->runs[i].label;
        if (strcmp(s->runs[i].label, v->str) == 0)
            return i;
    }
    const char *sug = diag_suggest(v->str, labels, s->nruns);
    diag_error(&v->loc, "no run is labelled '%s'%s%s%s", v->str, sug ? " (did you mean '" : "",
               sug ? sug : "", sug ? "'?)" : "");
    return -3;
}

static int load_panels(struct scene *s, const struct snode *sec, const struct diag_loc *where,
                       const struct offer *offers, const struct trace *probes)
{
    static const char *const extra[] = {"kind", "cell", "span", "run", "overlay", NULL};
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
        const char *keys[24];
        int nk = 0;
        for (; extra[nk]; nk++)
            keys[nk] = extra[nk];
        for (int e = 0; p->kind->head.extra_keys && p->kind->head.extra_keys[e] && nk < 23; e++)
            keys[nk++] = p->kind->head.extra_keys[e];
        keys[nk] = NULL;
        if (param_apply(p->kind->head.params, p->opts, pn, context, keys, &pn->loc, &s->arena) != 0)
            errors++;
        p->row = p->col = 0;
        p->rowspan = p->colspan = 1;
        const struct snode *ov = snode_get(pn, "overlay");
        if (ov && (ov->type != SNODE_SCALAR || !ov->plain || param_parse_bool(ov->str, &p->overlay))) {
            diag_error(&ov->loc, "'overlay' in a panel must be true or false");
            errors++;
        }
        int rc = load_cell(pn, "cell", &p->row, &p->col, 0);
        int sc = load_cell(pn, "span", &p->rowspan, &p->colspan, 1);
        if (p->overlay && rc == 1) {
            diag_error(&ov->loc, "an overlay panel needs a 'cell' to draw over");
            errors++;
            rc = -1;
        }
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
        } else if (!p->overlay && claim_cells(owner, s->panels, i, pn)) {
            errors++;
        }
        /* What the panel needs from its run (every run, for all). */
        p->run = panel_run(s, pn, p->kind);
        if (p->run == -3) {
            errors++;
            p->run = 0;
        }
        int r0 = p->run >= 0 ? p->run : 0, r1 = p->run >= 0 ? p->run + 1 : s->nruns;
        for (int r = r0; r < r1; r++) {
            int e = check_requires(&offers[r], context, p->kind->head.requires,
                                   snode_get(pn, "kind"), NULL);
            errors += e;
            if (e)
                break;      /* the same complaint for every run says nothing more */
        }
        /* A panel's check against a beats section that failed would only
         * repeat that error in other words. */
        if (p->kind->check && !(snode_get(s->root, "beats") && !s->beats.n)) {
            struct panel_check pc = {s->beats.n, s->runs[r0].data ? s->runs[r0].data : &s->data,
                                     &s->runs[r0], &probes[r0],
                                     0, 0, s->unit, s->theme};
            double cx, cy;
            scene_cell_rect(s, p, &cx, &cy, &pc.cell_w, &pc.cell_h);
            if (p->kind->check(p->opts, pn, &pc) != 0)
                errors++;
        }
        const struct trace *probe = &probes[r0];
        unsigned long long bad_template = 0;   /* by index in templates: reported already */
        for (int t = 0; probe->nchan && p->kind->templates && p->kind->templates[t]; t++) {
            const struct snode *tv = snode_get(pn, p->kind->templates[t]);
            if (!tv || tv->type == SNODE_MAP)
                continue;
            /* A template option, or a list of them (one per beat). */
            int nv = tv->type == SNODE_SEQ ? tv->n : 1;
            for (int k = 0; k < nv; k++) {
                const struct snode *one = tv->type == SNODE_SEQ ? tv->vals[k] : tv;
                if (one->type != SNODE_SCALAR)
                    continue;
                char ctx[128];
                snprintf(ctx, sizeof(ctx), "'%s' of panel '%s'", p->kind->templates[t],
                         p->kind->head.name);
                if (template_check(one->str, &one->loc, !one->plain, probe, ctx) != 0) {
                    errors++;
                    if (t < 64)
                        bad_template |= 1ull << t;
                }
            }
        }
        for (int k = 0; pn->type == SNODE_MAP && k < pn->n; k++) {
            int t = template_index(p->kind->templates, pn->keys[k]);
            if (t >= 0 && t < 64 && (bad_template >> t & 1))
                continue;       /* its brace error is told once, by the template check */
            char ctx[128];
            snprintf(ctx, sizeof(ctx), "'%s' of panel '%s'", pn->keys[k], p->kind->head.name);
            if (check_formulas(pn->vals[k], t >= 0, ctx, 1))
                errors++;
        }
    }
    return errors ? -1 : 0;
}

/* Formulas in the text options of a panel (any string, nested in lists
 * and maps too) and in the scene's title, caption and narration: every
 * $...$ must parse, the error at its column. fields: the option is a
 * value template (its value fields count as numbers). */
static int check_formulas(const struct snode *n, int fields, const char *context, int panel)
{
    if (!n)
        return 0;
    if (n->type == SNODE_SCALAR) {
        /* what a panel shows is a few lines: a longer text is a mistake
         * (and would not fit its buffers once its values are in) */
        size_t len = strlen(n->str);
        if (panel && len > SCENE_MAX_TEXT) {
            diag_error(&n->loc, "%s: a text of %zu bytes; a panel's text is at most %d (a few "
                       "lines: put the rest in the scene's caption or narration)", context, len,
                       SCENE_MAX_TEXT);
            return 1;
        }
        if (!math_text_has(n->str))
            return 0;
        struct math_error err;
        if (math_text_check(n->str, fields ? MATH_FIELDS : 0, &err) == 0)
            return 0;
        struct diag_loc at = n->loc;
        int col = script_column(&n->loc, !n->plain, err.pos);
        if (col)
            at.col = col;
        diag_error(&at, "%s: %s", context, err.msg);
        return 1;
    }
    int errors = 0;
    for (int i = 0; i < n->n; i++)
        errors += check_formulas(n->vals[i], fields, context, panel);
    return errors;
}

/* The index of key among a kind's template options, or -1. */
static int template_index(const char *const *templates, const char *key)
{
    for (int t = 0; templates && templates[t]; t++)
        if (strcmp(templates[t], key) == 0)
            return t;
    return -1;
}

/* ---- runs ------------------------------------------------------------------- */

/* The data, model and trainer sections of one run. */
struct run_src {
    const char *label;
    const struct snode *data, *model, *trainer;
    const char *value_name;
    double value;
};

/* A value in flow style, as a label or a file name writes it: "0.1",
 * "[0, 2]", "{a: 1}" (at most n bytes with the NUL). */
static size_t flow_text(const struct snode *v, char *buf, size_t n)
{
    size_t used = 0;
#define PUT(...) (used += (size_t)snprintf(buf + used, used < n ? n - used : 0, __VA_ARGS__))
    if (v->type == SNODE_SCALAR) {
        PUT("%s", v->str);
    } else {
        PUT("%s", v->type == SNODE_SEQ ? "[" : "{");
        for (int i = 0; i < v->n && used < n; i++) {
            PUT("%s", i ? ", " : "");
            if (v->type == SNODE_MAP)
                PUT("%s: ", v->keys[i]);
            used += flow_text(v->vals[i], buf + (used < n ? used : n), used < n ? n - used : 0);
        }
        PUT("%s", v->type == SNODE_SEQ ? "]" : "}");
    }
#undef PUT
    if (n)
        buf[used < n ? used : n - 1] = '\0';
    return used;
}

/* The same in the scene's arena. */
static const char *value_text_in(struct scene *s, const struct snode *v)
{
    if (v->type == SNODE_SCALAR)
        return v->str;
    char buf[256];
    flow_text(v, buf, sizeof buf);
    return arena_strdup(&s->arena, buf);
}

/* root with path set to value, as the sections of a run. */
static int run_from_path(struct scene *s, const struct snode *root, const char *path,
                         const struct snode *value, const struct diag_loc *at, struct run_src *rs)
{
    const struct snode *r = snode_with(s->script, root, path, value, at);
    if (!r)
        return -1;
    rs->data = snode_get(r, "data");
    rs->model = snode_get(r, "model");
    rs->trainer = snode_get(r, "trainer");
    return 0;
}

static int path_ok(const struct snode *root, const char *path, const struct diag_loc *at,
                   const char *what)
{
    static const char *const sections[] = {"data", "model", "trainer"};
    for (size_t i = 0; i < ARRAY_LEN(sections); i++) {
        size_t n = strlen(sections[i]);
        if (strncmp(path, sections[i], n) != 0 || path[n] != '.')
            continue;
        if (snode_get(root, sections[i]))
            return 1;
        diag_error(at, "%s changes '%s', but the scene has no '%s' section", what, path,
                   sections[i]);
        return 0;
    }
    diag_error(at, "%s changes values of the data, model or trainer (such as "
               "trainer.learning_rate), not '%s'", what, path);
    return 0;
}

/* runs: [{label, data, model, trainer}], vary: {path: [values]}, or the
 * sweep's values; one run when none is given. Returns the number of runs
 * (into srcs, arena), or -1 after reporting. */
static int run_sources(struct scene *s, const struct snode *root, const struct snode **sweep_vals,
                       struct run_src **out)
{
    const struct snode *runs = snode_get(root, "runs"), *vary = snode_get(root, "vary");
    const struct snode *sweep = snode_get(root, "sweep");
    struct run_src base = {"", snode_get(root, "data"), snode_get(root, "model"),
                           snode_get(root, "trainer"), NULL, 0};
    int given = !!runs + !!vary + !!sweep;
    if (given > 1) {
        const struct snode *second = sweep && (runs || vary) ? sweep : vary;
        diag_error(&second->loc, "'runs', 'vary' and 'sweep' exclude each other: use one");
        return -1;
    }
    struct run_src *rs;
    if (runs) {
        if (runs->type != SNODE_SEQ || runs->n == 0) {
            diag_error(&runs->loc, "'runs' must be a list of runs such as {label: large, "
                       "trainer: {learning_rate: 0.95}}");
            return -1;
        }
        if (runs->n > SCENE_MAX_RUNS) {
            diag_error(&runs->loc, "%d runs are more than %d", runs->n, SCENE_MAX_RUNS);
            return -1;
        }
        rs = arena_alloc(&s->arena, sizeof(*rs) * (size_t)runs->n);
        int errors = 0;
        for (int i = 0; i < runs->n; i++) {
            const struct snode *e = runs->vals[i];
            rs[i] = base;
            char *label = arena_alloc(&s->arena, 16);
            snprintf(label, 16, "run %d", i + 1);
            rs[i].label = label;
            if (e->type != SNODE_MAP) {
                diag_error(&e->loc, "a run must be a mapping such as {label: large, trainer: "
                           "{learning_rate: 0.95}}");
                errors++;
                continue;
            }
            static const char *const keys[] = {"label", "data", "model", "trainer"};
            for (int k = 0; k < e->n; k++) {
                int known = 0;
                for (size_t j = 0; j < ARRAY_LEN(keys); j++)
                    known |= strcmp(keys[j], e->keys[k]) == 0;
                if (!known) {
                    const char *sug = diag_suggest(e->keys[k], keys, (int)ARRAY_LEN(keys));
                    diag_error(&e->key_locs[k], "unknown key '%s' in a run (a run has label, data, "
                               "model, trainer)%s%s%s", e->keys[k], sug ? "; did you mean '" : "",
                               sug ? sug : "", sug ? "'?" : "");
                    errors++;
                }
            }
            const struct snode *l = snode_get(e, "label");
            if (l) {
                if (l->type != SNODE_SCALAR || !l->str[0]) {
                    diag_error(&l->loc, "'label' of a run must be a short text");
                    errors++;
                } else {
                    rs[i].label = l->str;
                    for (int j = 0; j < i; j++)
                        if (strcmp(rs[j].label, l->str) == 0) {
                            diag_error(&l->loc, "two runs are labelled '%s'", l->str);
                            errors++;
                        }
                }
            }
            const struct snode *d = snode_get(e, "data"), *m = snode_get(e, "model");
            const struct snode *t = snode_get(e, "trainer");
            if (d) rs[i].data = snode_merge(s->script, base.data, d);
            if (m) rs[i].model = snode_merge(s->script, base.model, m);
            if (t) rs[i].trainer = snode_merge(s->script, base.trainer, t);
        }
        *out = rs;
        return errors ? -1 : runs->n;
    }
    if (vary) {
        if (vary->type != SNODE_MAP || vary->n == 0) {
            diag_error(&vary->loc, "'vary' must map paths to lists of values, such as "
                       "{trainer.learning_rate: [0.95, 0.1, 0.0003]}");
            return -1;
        }
        int n = -1, errors = 0;
        for (int k = 0; k < vary->n; k++) {
            const struct snode *l = vary->vals[k];
            if (!path_ok(root, vary->keys[k], &vary->key_locs[k], "vary")) {
                errors++;
                continue;
            }
            if (l->type != SNODE_SEQ || l->n == 0) {
                diag_error(&l->loc, "'%s' in vary must be a list of values", vary->keys[k]);
                errors++;
                continue;
            }
            if (n >= 0 && l->n != n) {
                diag_error(&l->loc, "every list in vary must have the same length: this one has "
                           "%d values, the first %d (run i takes value i of each)", l->n, n);
                errors++;
            }
            if (n < 0)
                n = l->n;
        }
        if (errors || n < 0)
            return -1;
        if (n > SCENE_MAX_RUNS) {
            diag_error(&vary->loc, "%d runs are more than %d", n, SCENE_MAX_RUNS);
            return -1;
        }
        rs = arena_alloc(&s->arena, sizeof(*rs) * (size_t)n);
        for (int i = 0; i < n; i++) {
            const struct snode *r = root;
            char label[256] = "";
            size_t used = 0;
            for (int k = 0; k < vary->n; k++) {
                const char *dot = strrchr(vary->keys[k], '.');
                r = snode_with(s->script, r, vary->keys[k], vary->vals[k]->vals[i], &vary->key_locs[k]);
                if (!r)
                    return -1;
                if (used < sizeof label)
                    used += (size_t)snprintf(label + used, sizeof label - used, "%s%s=%s",
                                             k ? ", " : "", dot ? dot + 1 : vary->keys[k],
                                             value_text_in(s, vary->vals[k]->vals[i]));
            }
            for (int j = 0; j < i; j++)
                if (strcmp(rs[j].label, label) == 0) {
                    diag_error(&vary->vals[0]->vals[i]->loc, "runs %d and %d of vary would be "
                               "the same (%s): each value once", j + 1, i + 1, label);
                    return -1;
                }
            rs[i] = base;
            rs[i].label = arena_strdup(&s->arena, label);
            rs[i].data = snode_get(r, "data");
            rs[i].model = snode_get(r, "model");
            rs[i].trainer = snode_get(r, "trainer");
            if (vary->n == 1) {
                const char *dot = strrchr(vary->keys[0], '.');
                rs[i].value_name = dot ? dot + 1 : vary->keys[0];
                const struct snode *v = vary->vals[0]->vals[i];
                if (v->type != SNODE_SCALAR || param_parse_double(v->str, &rs[i].value) != 0)
                    rs[i].value_name = NULL;
            }
        }
        *out = rs;
        return n;
    }
    if (sweep) {
        if (scene_load_sweep(s, sweep, &sweep_vals) != 0)
            return -1;
        const struct snode *pv = snode_get(sweep, "path");
        if (!path_ok(root, s->sweep.path, pv ? &pv->loc : &sweep->loc, "a sweep"))
            return -1;
        int n = s->sweep.n;
        if (n > SCENE_MAX_RUNS) {
            diag_error(&sweep->loc, "%d values are more than %d", n, SCENE_MAX_RUNS);
            return -1;
        }
        /* The value is a channel when every value is a number. */
        int numbers = 1;
        for (int i = 0; i < n; i++)
            numbers &= !isnan(s->sweep.values[i]);
        rs = arena_alloc(&s->arena, sizeof(*rs) * (size_t)n);
        for (int i = 0; i < n; i++) {
            rs[i] = base;
            if (run_from_path(s, root, s->sweep.path, sweep_vals[i], &sweep_vals[i]->loc, &rs[i]))
                return -1;
            char label[128];
            snprintf(label, sizeof label, "%s=%s", s->sweep.name, value_text_in(s, sweep_vals[i]));
            rs[i].label = arena_strdup(&s->arena, label);
            rs[i].value_name = numbers ? s->sweep.name : NULL;
            rs[i].value = s->sweep.values[i];
        }
        *out = rs;
        return n;
    }
    rs = arena_alloc(&s->arena, sizeof(*rs));
    *rs = base;
    *out = rs;
    return 1;
}

/* Makes a dataset from a data section; 0, or -1 after reporting. */
static int make_data(struct scene *s, const struct snode *sec, struct dataset *d,
                     const struct data_kind **kind, void **opts)
{
    const struct kind_head *kh;
    *opts = load_kinded(s, sec, "data", KIND_DATA, &kh);
    *kind = kh ? (const struct data_kind *)kh : data_find("line");
    if (!*opts)
        return -1;
    struct rng r;
    rng_seed(&r, (uint64_t)s->seed);
    struct data_ctx ctx = {s->dir, &sec->loc, sec};
    if ((*kind)->make(*opts, &r, &ctx, d) != 0) {
        dataset_release(d);
        return -1;
    }
    if (d->n > limit_get(LIMIT_DATA_ROWS)) {
        diag_error(&sec->loc, "the data has %d rows, more than %lld (limit %s; raise it with "
                   "--limit %s=N)", d->n, limit_get(LIMIT_DATA_ROWS), limit_name(LIMIT_DATA_ROWS),
                   limit_name(LIMIT_DATA_ROWS));
        dataset_release(d);
        return -1;
    }
    return 0;
}

/* ---- names of outputs ------------------------------------------------------- */

/* "learning_rate=0.1" for a path and value: the path's last part, and the
 * value with every byte a file name should not hold written %XX. */
static void suffix_part(char *buf, size_t n, const char *path, const char *value, int full)
{
    const char *dot = strrchr(path, '.');
    size_t used = (size_t)snprintf(buf, n, "%s=", full || !dot ? path : dot + 1);
    for (const unsigned char *c = (const unsigned char *)value; *c && used + 4 < n; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            *c == '.' || *c == '-' || *c == '_' || *c == '+')
            buf[used++] = (char)*c;
        else
            used += (size_t)snprintf(buf + used, n - used, "%%%02X", *c);
    }
    buf[used < n ? used : n - 1] = '\0';
}

/* ---- the scene -------------------------------------------------------------- */

static struct scene *scene_build(struct script *sc, const struct snode *root, const char *dir,
                                 int owns, int variant, const char *name_suffix);

/* clips: {scenes: [file.yaml | {inline scene}], cols, end: hold|trim, gap} */
static const char *const clip_ends[] = {"hold", "trim", NULL};
struct clips_raw {
    int cols, end;
    double gap;
};
const struct param_spec scene_clips_params[] = {
    {.name = "cols", .type = PARAM_INT, .offset = offsetof(struct clips_raw, cols), .def = "0",
     .ranged = 1, .lo = 0, .hi = SCENE_MAX_CLIPS, .doc = "clips per row (0: all in one row)"},
    {.name = "end", .type = PARAM_ENUM, .offset = offsetof(struct clips_raw, end), .def = "hold",
     .choices = clip_ends, .doc = "hold: the shorter clips hold their last frame; trim: end with the shortest"},
    {.name = "gap", .type = PARAM_DOUBLE, .offset = offsetof(struct clips_raw, gap), .def = "0",
     .ranged = 1, .lo = 0, .hi = 1000, .doc = "pixels between clips"},
    {0},
};

/* Clips being loaded: a clip's own clips are refused before they are
 * loaded, so A clipping B clipping A cannot recurse. */
static int clip_depth;

static int load_clips(struct scene *s, const struct snode *sec)
{
    static const char *const extra[] = {"scenes", NULL};
    struct clips_raw raw;
    if (clip_depth > 0) {
        diag_error(&sec->loc, "a clip cannot itself have clips");
        return -1;
    }
    if (sec->type != SNODE_MAP) {
        diag_error(&sec->loc, "'clips' must be a mapping such as {scenes: [a.yaml, b.yaml], end: hold}");
        return -1;
    }
    if (param_apply(scene_clips_params, &raw, sec, "clips", extra, &sec->loc, &s->arena) != 0)
        return -1;
    const struct snode *list = snode_get(sec, "scenes");
    if (!list || list->type != SNODE_SEQ || list->n == 0) {
        diag_error(list ? &list->loc : &sec->loc, "clips needs 'scenes': a list of scene files "
                   "or inline scenes");
        return -1;
    }
    if (list->n > SCENE_MAX_CLIPS) {
        diag_error(&list->loc, "%d clips are more than %d", list->n, SCENE_MAX_CLIPS);
        return -1;
    }
    struct clips_opts *c = &s->clips;
    c->scenes = arena_alloc(&s->arena, sizeof(struct scene *) * (size_t)list->n);
    int errors = 0;
    for (int i = 0; i < list->n; i++) {
        const struct snode *e = list->vals[i];
        struct scene *cs = NULL;
        if (e->type == SNODE_SCALAR) {
            char *path = asset_resolve(s->dir, e->str, &e->loc, "scene");
            if (path) {
                if (strcmp(path, s->path) == 0) {
                    diag_error(&e->loc, "a scene cannot be a clip of itself");
                } else {
                    clip_depth++;
                    cs = scene_load(path);
                    clip_depth--;
                }
                free(path);
            }
        } else if (e->type == SNODE_MAP && snode_get(e, "variants")) {
            diag_error(&snode_get(e, "variants")->loc, "a clip cannot itself have clips or "
                       "variants");
        } else if (e->type == SNODE_MAP) {
            clip_depth++;
            cs = scene_build(s->script, e, s->dir, 0, 1, NULL);
            clip_depth--;
        } else {
            diag_error(&e->loc, "a clip is a scene file name or an inline scene mapping");
        }
        if (!cs) {
            errors++;
            continue;
        }
        if (cs->clips.n || cs->nvariants) {
            diag_error(&e->loc, "a clip cannot itself have clips or variants");
            scene_free(cs);
            errors++;
            continue;
        }
        c->scenes[c->n++] = cs;
    }
    if (errors)
        return -1;
    c->cols = raw.cols ? raw.cols : c->n;
    c->end = raw.end;
    c->gap = raw.gap;
    /* Equal heights: each clip scaled to the canvas height's share of its
     * row; rows centred. The canvas is as given (its height sets the scale). */
    int rows = (c->n + c->cols - 1) / c->cols;
    double gap = c->gap, rowh = (s->canvas.height - gap * (rows - 1)) / rows;
    c->x = arena_alloc(&s->arena, sizeof(double) * (size_t)c->n);
    c->y = arena_alloc(&s->arena, sizeof(double) * (size_t)c->n);
    c->w = arena_alloc(&s->arena, sizeof(double) * (size_t)c->n);
    c->h = arena_alloc(&s->arena, sizeof(double) * (size_t)c->n);
    for (int r = 0; r < rows; r++) {
        double total = 0;
        int first = r * c->cols, last = first + c->cols < c->n ? first + c->cols : c->n;
        for (int i = first; i < last; i++)
            total += rowh * c->scenes[i]->canvas.width / c->scenes[i]->canvas.height;
        total += gap * (last - first - 1);
        double k = total > s->canvas.width ? s->canvas.width / total : 1;
        double x = (s->canvas.width - total * k) / 2;
        for (int i = first; i < last; i++) {
            c->h[i] = rowh * k;
            c->w[i] = c->h[i] * c->scenes[i]->canvas.width / c->scenes[i]->canvas.height;
            c->x[i] = x;
            c->y[i] = r * (rowh + gap) + (rowh - c->h[i]) / 2;
            x += c->w[i] + gap * k;
        }
    }
    return 0;
}

/* variants: {path: [values]}: one complete scene per value. */
static int load_variants(struct scene *s, const struct snode *sec, const char *name_suffix)
{
    if (sec->type != SNODE_MAP || sec->n != 1 || sec->vals[0]->type != SNODE_SEQ ||
        sec->vals[0]->n == 0) {
        diag_error(&sec->loc, "'variants' must map one path to a list of values, such as "
                   "{trainer.learning_rate: [0.01, 0.1, 0.5]}");
        return -1;
    }
    const char *path = sec->keys[0];
    const struct snode *list = sec->vals[0];
    if (!path_ok(s->root, path, &sec->key_locs[0], "variants"))
        return -1;
    if (list->n > SCENE_MAX_VARIANTS) {
        diag_error(&list->loc, "%d variants are more than %d", list->n, SCENE_MAX_VARIANTS);
        return -1;
    }
    s->variants = arena_alloc(&s->arena, sizeof(struct variant) * (size_t)list->n);
    int errors = 0;
    /* The limits hold for the scene and its variants together: each is a
     * render of its own. */
    long long total_frames = s->cost_frames, total_work = s->cost_work;
    for (int i = 0; i < list->n; i++) {
        const struct snode *v = list->vals[i];
        struct variant *var = &s->variants[s->nvariants];
        char part[256], suffix[600];
        const char *vt = value_text_in(s, v);
        suffix_part(part, sizeof part, path, vt, 0);
        int len = snprintf(suffix, sizeof suffix, "%s%s%s", name_suffix ? name_suffix : "",
                           name_suffix ? "," : "", part);
        if (strlen(s->id) + 1 + (size_t)len > SCENE_MAX_NAME || strlen(part) + 1 >= sizeof part) {
            diag_error(&v->loc, "this variant's files would be named with %zu bytes, more than "
                       "%d: use a shorter value", strlen(s->id) + 1 + (size_t)len, SCENE_MAX_NAME);
            errors++;
            continue;
        }
        for (int j = 0; j < s->nvariants; j++)
            if (strcmp(s->variants[j].value, vt) == 0) {
                diag_error(&v->loc, "the variant '%s' is listed twice", vt);
                errors++;
            }
        const struct snode *r = snode_with(s->script, s->root, path, v, &v->loc);
        struct scene *vs = r ? scene_build(s->script, r, s->dir, 0, 1, suffix) : NULL;
        if (!vs) {
            errors++;
            continue;
        }
        total_frames += vs->cost_frames;
        total_work += vs->cost_work;
        var->suffix = vs->out_name + strlen(s->id) + 1;
        var->path = path;
        var->value = vt;
        var->scene = vs;
        s->nvariants++;
    }
    long long px = (long long)s->canvas.width * s->canvas.height;
    if (!errors && total_frames > limit_get(LIMIT_FRAMES)) {
        limit_error(&sec->loc, LIMIT_FRAMES, "the scene and its variants may make %lld frames "
                    "in all", total_frames);
        errors++;
    } else if (!errors && total_work > limit_get(LIMIT_WORK)) {
        limit_error(&sec->loc, LIMIT_WORK, "the scene and its variants may make %lld "
                    "step-rows in all", total_work);
        errors++;
    } else if (!errors && px > 0 &&
               total_frames > limit_get(LIMIT_PIXEL_FRAMES) * 1000000 / px) {
        limit_error(&sec->loc, LIMIT_PIXEL_FRAMES, "the scene and its variants may make %lld "
                    "frames of their size in all", total_frames);
        errors++;
    }
    return errors ? -1 : 0;
}

static struct scene *scene_build(struct script *sc, const struct snode *root, const char *dir,
                                 int owns, int variant, const char *name_suffix)
{
    int before = diag_error_count();
    struct scene *s = xcalloc(1, sizeof(*s));
    s->script = sc;
    s->owns_script = owns;
    s->root = root;
    s->path = sc->path;
    s->dir = xstrdup(dir);
    struct diag_loc top = {sc->path, 1, 1};
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
    s->out_name = s->id;
    if (s->id && name_suffix && *name_suffix) {
        size_t n = strlen(s->id) + strlen(name_suffix) + 2;
        char *name = arena_alloc(&s->arena, n);
        snprintf(name, n, "%s@%s", s->id, name_suffix);
        s->out_name = name;
    }
    s->title = (v = get_scalar(root, "title", 0, NULL)) ? v->str : s->id;
    s->caption = (v = get_scalar(root, "caption", 0, NULL)) ? v->str : "";
    /* narration: a text, or a list of texts (the book's captions, in
     * order over the timeline) */
    const struct snode *narr = snode_get(root, "narration");
    if (narr && narr->type == SNODE_SEQ) {
        for (int k = 0; k < narr->n; k++)
            if (narr->vals[k]->type != SNODE_SCALAR)
                diag_error(&narr->vals[k]->loc, "each of 'narration' must be a text (one caption)");
    } else {
        (void)get_scalar(root, "narration", 0, NULL);
    }
    /* the book typesets their formulas as the frames do */
    for (int k = 0; k < 3; k++) {
        static const char *const keys[] = {"title", "caption", "narration"};
        char ctx[32];
        snprintf(ctx, sizeof ctx, "the scene's %s", keys[k]);
        check_formulas(snode_get(root, keys[k]), 0, ctx, 0);    /* reports; counted by diag */
    }
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
    if (s->canvas.width > 0 && s->canvas.height > 0) {
        double kw = s->canvas.width / 800.0, kh = s->canvas.height / 450.0;
        /* Never below 1: a small canvas keeps readable type (--scale
         * shrinks everything alike when a small copy is wanted). */
        s->unit = kw < kh ? kw : kh;
        if (s->unit < 1)
            s->unit = 1;
        s->lw = s->canvas.width / s->unit;
        s->lh = s->canvas.height / s->unit;
    } else {
        s->unit = 1;
        s->lw = s->lh = 16;
    }

    /* A composite is its clips and nothing else of its own but outputs. */
    const struct snode *clips = snode_get(root, "clips");
    if (clips) {
        static const char *const allowed[] = {"id", "title", "caption", "canvas", "clips",
                                              "outputs", "narration", "seed"};
        for (int i = 0; i < root->n; i++) {
            int ok = 0;
            for (size_t k = 0; k < ARRAY_LEN(allowed); k++)
                ok |= strcmp(allowed[k], root->keys[i]) == 0;
            if (!ok)
                diag_error(&root->key_locs[i], "a scene of clips has only id, title, caption, "
                           "canvas, clips and outputs: '%s' belongs in the clips' own scenes",
                           root->keys[i]);
        }
        if (diag_error_count() == before)
            load_clips(s, clips);
        load_outputs(s, snode_get(root, "outputs"), &root->loc);
        if (diag_error_count() == before)
            check_budget(s, root);
        if (diag_error_count() > before) {
            scene_free(s);
            return NULL;
        }
        return s;
    }

    /* A section whose kind resolves keeps that kind even when its options
     * have errors, so later checks (templates, what kinds require) still
     * run and report their own problems. The scene is discarded anyway. */
    const struct snode *sec;
    int data_failed = 0;
    const struct snode *data_sec = snode_get(root, "data");
    if (data_sec)
        data_failed = make_data(s, data_sec, &s->data, &s->data_kind, &s->data_opts) != 0;
    if ((sec = snode_get(root, "env"))) {
        const struct kind_head *kh;
        s->env_opts = load_kinded(s, sec, "env", KIND_ENV, &kh);
        s->env = (const struct env_kind *)kh;
        if (s->env && s->env_opts && s->env->check)
            s->env->check(s->env_opts, sec);
    }
    int frames_ok = scene_load_frames(s, snode_get(root, "frames"), &root->loc) == 0;
    const struct snode *beats = snode_get(root, "beats");
    if (beats && snode_get(root, "sweep"))
        diag_error(&snode_get(root, "sweep")->loc, "'beats' and 'sweep' exclude each other: a "
                   "scene's clock is its beats or its swept values");
    else if (beats)
        scene_load_beats(s, beats, data_failed ? -1 : s->data.n);
    /* A beat or a swept value lasts its own seconds: pacing for steps
     * would be silently ignored. A beat may glide from the one before
     * (tween: a chart's bars move to their new places); a swept value is
     * a fresh run, with nothing to glide from. */
    const struct snode *fsec = snode_get(root, "frames");
    if (fsec && (beats || snode_get(root, "sweep")))
        for (int i = 0; i < fsec->n; i++) {
            static const char *const steps_only[] = {"tween", "duration", "per_step", "thin",
                                                     "every", "last"};
            for (size_t k = beats ? 1 : 0; k < ARRAY_LEN(steps_only); k++)
                if (strcmp(fsec->keys[i], steps_only[k]) == 0)
                    diag_error(&fsec->key_locs[i], "'%s' in frames paces training steps; a "
                               "scene of %s sets its own times (%s)", fsec->keys[i],
                               beats ? "beats" : "a sweep",
                               beats ? "beats: {seconds: ...}" : "sweep: {seconds: ...}");
        }

    /* The runs: their sections, then their data, model and trainer. */
    struct run_src *srcs = NULL;
    const struct snode **sweep_vals = NULL;
    int nruns = run_sources(s, root, sweep_vals, &srcs);
    if (nruns < 1) {
        scene_free(s);
        return NULL;
    }
    s->nruns = nruns;
    s->runs = arena_alloc(&s->arena, sizeof(struct run) * (size_t)nruns);
    s->run_data = xcalloc((size_t)nruns, sizeof(struct dataset));
    struct offer *offers = arena_alloc(&s->arena, sizeof(struct offer) * (size_t)nruns);
    const struct snode *model_sec = snode_get(root, "model"), *trainer_sec = snode_get(root, "trainer");
    if (!beats && !model_sec && !snode_get(root, "sweep"))
        diag_error(&root->loc, "scene is missing required key 'model'");
    /* Runs that each give their own trainer (of different kinds, say) need
     * none at the top. */
    int runs_train = snode_get(root, "runs") != NULL;
    for (int i = 0; i < nruns && runs_train; i++)
        runs_train = srcs[i].trainer != NULL;
    if (!beats && !trainer_sec && !runs_train && !snode_get(root, "sweep"))
        diag_error(&root->loc, "scene is missing required key 'trainer' (a scene of beats "
                   "needs none: see 'beats')");
    if (beats && trainer_sec)
        diag_error(&trainer_sec->loc, "a scene of beats has no trainer: its clock is the beats");
    for (int i = 0; i < nruns; i++) {
        struct run *r = &s->runs[i];
        const struct run_src *src = &srcs[i];
        int failed = data_failed;
        memset(r, 0, sizeof(*r));
        r->label = src->label;
        r->value_name = src->value_name;
        r->value = src->value;
        r->data = &s->data;
        if (src->data && src->data != data_sec) {
            const struct data_kind *dk;
            void *dopts;
            failed = make_data(s, src->data, &s->run_data[i], &dk, &dopts) != 0;
            r->data = &s->run_data[i];
            s->nrun_data = i + 1;
        }
        const struct kind_head *kh;
        if (src->model) {
            r->model_opts = load_kinded(s, src->model, "model", KIND_MODEL, &kh);
            r->model = (const struct model_kind *)kh;
        }
        if (src->trainer) {
            r->trainer_opts = load_kinded(s, src->trainer, "trainer", KIND_TRAINER, &kh);
            r->trainer = (const struct trainer_kind *)kh;
        }
        if (beats) {
            r->nbeats = s->beats.n;
            r->beat_rows = s->beats.rows;
            r->beat_first_row = s->beats.first_row;
        }
        /* What the model and trainer require of each other and of the
         * data, then the model's checks of its options against each
         * other and the data (a bad value never reaches a trainer). */
        offer_build(&offers[i], s, r, failed);
        char who[96];
        if (r->model) {
            snprintf(who, sizeof(who), "model '%s'", r->model->head.name);
            check_requires(&offers[i], who, r->model->head.requires, snode_get(src->model, "kind"),
                           NULL);
        }
        if (r->trainer) {
            snprintf(who, sizeof(who), "trainer '%s'", r->trainer->head.name);
            char hint[160];
            trainer_hint(&offers[i], r, hint, sizeof(hint));
            check_requires(&offers[i], who, r->trainer->head.requires,
                           snode_get(src->trainer, "kind"), hint);
        }
        if (r->model && r->model_opts && r->model->check)
            r->model->check(r->model_opts, src->model, failed ? &(struct dataset){0} : r->data);
        if (r->trainer && r->trainer_opts && r->trainer->check)
            r->trainer->check(r->trainer_opts, src->trainer);
        if (r->trainer && r->trainer_opts && r->trainer->check_data && !failed)
            r->trainer->check_data(r->trainer_opts, src->trainer, r->data, r);
        if ((sec = snode_get(root, "schedule")) && r->trainer && r->trainer_opts)
            scene_load_schedule(s, sec, r);
        else if (sec && !r->trainer && i == 0)
            diag_error(&sec->loc, "a schedule changes a trainer's options, but the scene has no trainer");
        if ((sec = snode_get(root, "keyframes")) && !r->trainer) {
            if (i == 0)
                diag_error(&sec->loc, "keyframes move the model before a trainer takes over from "
                           "where they end: the scene needs a 'trainer'");
        } else if (sec && r->model && r->model_opts) {
            scene_load_keyframes(s, sec, r);
        }
        else if (sec && !r->model && i == 0)
            diag_error(&sec->loc, "keyframes move a model's options, but the scene has no model");
        /* A mistake in a section the runs share is reported for each run
         * alike, and diag says it once. */
    }
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
                       "columns, or a smaller margin or gap)", cw * s->unit, ch * s->unit,
                       s->canvas.width, s->canvas.height);
    }

    /* Templates can only be checked when we know what the traces record. */
    struct trace *probes = xcalloc((size_t)s->nruns, sizeof(struct trace));
    /* Not when the data failed: the channels' shapes follow the data (one
     * weight per feature), and a second error about {w[1]} would mislead. */
    for (int i = 0; i < s->nruns && !data_failed; i++) {
        const struct run *r = &s->runs[i];
        if ((r->model && !r->model_opts) ||
            (!r->trainer && !r->nbeats && !s->sweep.n) || (r->data != &s->data && !r->data->n &&
                                                           srcs[i].data != data_sec))
            continue;
        struct trainer_input in;
        scene_run_input(s, i, &in);
        trainer_define_channels(&probes[i], r, &in);
    }
    load_panels(s, snode_get(root, "panels"), &root->loc, offers, probes);
    for (int i = 0; i < s->nruns; i++)
        trace_release(&probes[i]);
    free(probes);
    load_outputs(s, snode_get(root, "outputs"), &root->loc);
    if (frames_ok && diag_error_count() == before)
        check_budget(s, root);
    if ((sec = snode_get(root, "variants"))) {
        if (variant)
            ;   /* a variant's own variants are the parent's: not again */
        else if (diag_error_count() == before)
            load_variants(s, sec, name_suffix);
    }

    if (diag_error_count() > before) {
        scene_free(s);
        return NULL;
    }
    return s;
}

/* Lays the --set values over the script's tree: each value is YAML,
 * located at "command line". */
static const struct snode *apply_sets(struct script *sc, const struct snode *root,
                                      const struct scene_set *sets, int nsets,
                                      struct script ***aux, int *naux)
{
    static const struct diag_loc cmd = {"command line", 0, 0};
    for (int i = 0; i < nsets && root; i++) {
        const char *path = sets[i].path, *value = sets[i].value;
        if (!path[0] || strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != strlen(path) ||
            path[strlen(path) - 1] == '.' || strstr(path, "..")) {
            diag_error(&cmd, "--set %s=%s: '%s' is not a path such as trainer.learning_rate",
                       path, value, path);
            return NULL;
        }
        struct script *vs = script_parse("command line", value, strlen(value));
        if (!vs)
            return NULL;
        *aux = xrealloc(*aux, sizeof(**aux) * (size_t)(*naux + 1));
        (*aux)[(*naux)++] = vs;
        struct snode *v = vs->root ? vs->root : snode_new_scalar(vs, "", 1, &cmd);
        snode_relocate(v, &cmd);
        root = snode_with(sc, root, path, v, &cmd);
    }
    return root;
}

struct scene *scene_load_set(const char *path, const struct scene_set *sets, int nsets)
{
    int outer = clip_depth == 0;
    if (outer) {
        /* what this scene reads, from its own script on (scene.inputs) */
        char **old;
        int nold = asset_log_take(&old);
        for (int i = 0; i < nold; i++)
            free(old[i]);
        free(old);
        asset_log_add(path);
    }
    struct script *sc = script_load(path);
    if (!sc)
        return NULL;
    if (outer)
        diag_dedupe_begin();    /* shared sections' mistakes said once per script */
    char *dir = path_dirname(path);
    struct script **aux = NULL;
    int naux = 0;
    const struct snode *root = apply_sets(sc, sc->root, sets, nsets, &aux, &naux);
    struct scene *s = NULL;
    if (root || !sc->root) {
        char suffix[600] = "";
        size_t used = 0;
        for (int i = 0; i < nsets; i++) {
            /* The whole path: a one-off name must not meet another's
             * (title=hi and panels.1.title=hi are different renders). */
            char part[256];
            int full = 1;
            /* The value as written, without YAML's quotes. */
            char value[256];
            size_t len = strlen(sets[i].value);
            if (len >= 2 && (sets[i].value[0] == '"' || sets[i].value[0] == '\'') &&
                sets[i].value[len - 1] == sets[i].value[0])
                snprintf(value, sizeof value, "%.*s", (int)(len - 2), sets[i].value + 1);
            else
                snprintf(value, sizeof value, "%s", sets[i].value);
            suffix_part(part, sizeof part, sets[i].path, value, full);
            if (used < sizeof suffix)
                used += (size_t)snprintf(suffix + used, sizeof suffix - used, "%s%s",
                                         i ? "," : "", part);
        }
        const struct snode *idn = root && root->type == SNODE_MAP ? snode_get(root, "id") : NULL;
        size_t idlen = idn && idn->type == SNODE_SCALAR ? strlen(idn->str) : 0;
        if (nsets && (used >= sizeof suffix || idlen + 1 + used > SCENE_MAX_NAME)) {
            diag_error(&(struct diag_loc){"command line", 0, 0}, "the values set make an output "
                       "name of %zu bytes, more than %d: set fewer or shorter values, or put "
                       "them in a copy of the script", idlen + 1 + used, SCENE_MAX_NAME);
            script_free(sc);
            sc = NULL;
        } else {
            s = scene_build(sc, root, dir, 1, 0, nsets ? suffix : NULL);
            sc = NULL;      /* the scene owns it now, or freed it */
        }
    }
    if (s) {
        s->aux = aux;
        s->naux = naux;
        if (outer)
            s->ninputs = asset_log_take(&s->inputs);
    } else {
        for (int i = 0; i < naux; i++)
            script_free(aux[i]);
        free(aux);
    }
    script_free(sc);
    free(dir);
    if (outer)
        diag_dedupe_end();
    return s;
}

struct scene *scene_load(const char *path)
{
    return scene_load_set(path, NULL, 0);
}

void scene_free(struct scene *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->ninputs; i++)
        free(s->inputs[i]);
    free(s->inputs);
    for (int i = 0; i < s->nvariants; i++)
        scene_free(s->variants[i].scene);
    for (int i = 0; i < s->clips.n; i++)
        scene_free(s->clips.scenes[i]);
    dataset_release(&s->data);
    for (int i = 0; i < s->nrun_data; i++)
        dataset_release(&s->run_data[i]);
    free(s->run_data);
    arena_free(&s->arena);
    if (s->owns_script)
        script_free(s->script);
    for (int i = 0; i < s->naux; i++)
        script_free(s->aux[i]);
    free(s->aux);
    free(s->dir);
    free(s);
}

void scene_run_input(const struct scene *s, int run, struct trainer_input *in)
{
    const struct dataset *d = s->nruns && s->runs[run].data ? s->runs[run].data : &s->data;
    in->data = d;
    in->env = s->env;
    in->env_opts = s->env_opts;
    in->seed = d->seed ? d->seed : (uint64_t)s->seed;
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
    for (int i = 0; i < s->nruns; i++)
        memset(&traces[i], 0, sizeof(traces[i]));
    for (int i = 0; i < s->nruns; i++) {
        struct trainer_input in;
        scene_run_input(s, i, &in);
        if (run_simulate(&s->runs[i], &in, &traces[i]) != 0)
            return -1;
    }
    return 0;
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
