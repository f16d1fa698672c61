/* The time sections of a scene script (see scene_time.h). */
#include "scene_time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ease.h"
#include "limit.h"
#include "util.h"

const struct param_spec scene_frames_params[] = {
    {.name = "every", .type = PARAM_INT, .offset = offsetof(struct frames_opts, every), .def = "1",
     .ranged = 1, .lo = 1, .hi = 1000000, .doc = "a frame every N recorded steps"},
    {.name = "first", .type = PARAM_INT, .offset = offsetof(struct frames_opts, first), .def = "0",
     .ranged = 1, .lo = 0, .hi = 1000000,
     .doc = "the first step shown (1: never the starting point); thinning rules count from it"},
    {.name = "last", .type = PARAM_INT, .offset = offsetof(struct frames_opts, last), .def = "1",
     .ranged = 1, .lo = 0, .hi = 1000000, .doc = "always show the last N recorded steps"},
    {.name = "per_step", .type = PARAM_DURATION, .offset = offsetof(struct frames_opts, per_step),
     .def = "0.05s", .frames_unit = 1, .ranged = 1, .lo = 0.001, .hi = 600,
     .doc = "how long each selected step is shown: a time (0.25s) or a number of frames"},
    {.name = "hold", .type = PARAM_DURATION, .offset = offsetof(struct frames_opts, hold),
     .def = "1", .ranged = 1, .lo = 0, .hi = 600, .doc = "how long the final frame is held"},
    {.name = "hold_start", .type = PARAM_DURATION,
     .offset = offsetof(struct frames_opts, hold_start), .def = "0", .ranged = 1, .lo = 0,
     .hi = 600, .doc = "how long the first frame is held"},
    {.name = "tween", .type = PARAM_INT, .offset = offsetof(struct frames_opts, tween), .def = "0",
     .ranged = 1, .lo = 0, .hi = 100,
     .doc = "in-between pictures inside each step: marks glide to the next step"},
    {.name = "duration", .type = PARAM_DURATION, .offset = offsetof(struct frames_opts, duration),
     .def = "0", .ranged = 1, .lo = 0, .hi = 3600,
     .doc = "seconds the selected steps take in all (0: per_step decides)"},
    {0},
};

static const struct param_spec thin_rule_params[] = {
    {.name = "below", .type = PARAM_INT, .offset = offsetof(struct thin_rule, below), .def = "0",
     .ranged = 1, .lo = 0, .hi = 1e9, .doc = "the rule covers steps below this (0: all the rest)"},
    {.name = "every", .type = PARAM_INT, .offset = offsetof(struct thin_rule, every), .required = 1,
     .ranged = 1, .lo = 1, .hi = 1e9, .doc = "a frame every N steps"},
    {.name = "per_step", .type = PARAM_DURATION, .offset = offsetof(struct thin_rule, per_step),
     .frames_unit = 1, .ranged = 1, .lo = 0.001, .hi = 600,
     .doc = "how long each step of this rule is shown (default: frames.per_step)"},
    {0},
};

int scene_load_frames(struct scene *s, const struct snode *sec, const struct diag_loc *where)
{
    static const char *const extra[] = {"thin", NULL};
    int errors = param_apply(scene_frames_params, &s->frames, sec, "frames", extra, where,
                             &s->arena) != 0;
    /* duration is a struct; the opts keep seconds only. */
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

/* ---- beats ------------------------------------------------------------------ */

struct beats_raw {
    int count, rows, first_row, last_row;
};

const struct param_spec scene_beats_params[] = {
    {.name = "count", .type = PARAM_INT, .offset = offsetof(struct beats_raw, count),
     .ranged = 1, .lo = 1, .hi = 100000, .doc = "number of beats (or a list of seconds, or rows)"},
    {.name = "rows", .type = PARAM_BOOL, .offset = offsetof(struct beats_raw, rows), .def = "false",
     .doc = "one beat per data row; each beat's record holds the row's values"},
    {.name = "first_row", .type = PARAM_INT, .offset = offsetof(struct beats_raw, first_row),
     .def = "0", .ranged = 1, .lo = 0, .hi = 1e9,
     .doc = "with rows: the data row of the first beat, counted from 0"},
    {.name = "last_row", .type = PARAM_INT, .offset = offsetof(struct beats_raw, last_row),
     .ranged = 1, .lo = 0, .hi = 1e9,
     .doc = "with rows: the data row of the last beat, counted from 0 (default: the last row)"},
    {0},
};

static int one_seconds(const struct snode *v, double *out)
{
    double x;
    if (v->type != SNODE_SCALAR || param_parse_duration(v->str, &x) < 0 ||
        (!v->plain && param_parse_duration(v->str, &x) == 0) || !(x >= 0.001) || x > 600) {
        diag_error(&v->loc, "a beat lasts a time from 0.001 to 600 seconds, such as 2 or 2s "
                   "(got %s)", v->type == SNODE_SCALAR ? v->str : snode_type_name(v->type));
        return -1;
    }
    *out = x;
    return 0;
}

int scene_load_beats(struct scene *s, const struct snode *sec, int data_rows)
{
    if (sec->type != SNODE_MAP) {
        diag_error(&sec->loc, "'beats' must be a mapping such as {count: 5, seconds: 2} or "
                   "{rows: true, seconds: 0.2}");
        return -1;
    }
    static const char *const extra[] = {"seconds", NULL};
    struct beats_raw raw = {0, 0, 0, 0};
    int errors = param_apply(scene_beats_params, &raw, sec, "beats", extra, &sec->loc,
                             &s->arena) != 0;
    const struct snode *cnt = snode_get(sec, "count"), *rows = snode_get(sec, "rows");
    const struct snode *secs = snode_get(sec, "seconds");
    const struct snode *first = snode_get(sec, "first_row"), *lastr = snode_get(sec, "last_row");
    if (errors)
        return -1;
    if (!raw.rows && (first || lastr)) {
        diag_error(first ? &first->loc : &lastr->loc, "'%s' in beats picks data rows: it needs "
                   "'rows: true'", first ? "first_row" : "last_row");
        return -1;
    }
    int n = 0;
    if (cnt && raw.rows) {
        diag_error(&rows->loc, "'count' and 'rows: true' in beats exclude each other: use one");
        return -1;
    }
    if (raw.rows) {
        if (data_rows < 0)
            return -1;          /* the data failed: reported there */
        if (data_rows == 0) {
            diag_error(&rows->loc, "'rows: true' in beats needs a 'data' section");
            return -1;
        }
        /* A range of rows (the years a chart covers), each row once. */
        int last = lastr ? raw.last_row : data_rows - 1;
        if (last > data_rows - 1) {
            diag_error(&lastr->loc, "'last_row' in beats is %d, but the data's rows are 0 to %d",
                       last, data_rows - 1);
            return -1;
        }
        if (raw.first_row > last) {
            diag_error(&first->loc, "'first_row' in beats is %d, after the last row shown (%d)",
                       raw.first_row, last);
            return -1;
        }
        n = last - raw.first_row + 1;
    } else if (cnt) {
        n = raw.count;
    }
    if (!secs) {
        diag_error(&sec->loc, "beats is missing required key 'seconds' (how long each beat lasts: "
                   "2, or a list such as [3, 2, 3])");
        return -1;
    }
    if (secs->type == SNODE_SEQ) {
        if (secs->n == 0) {
            diag_error(&secs->loc, "'seconds' in beats must not be an empty list");
            return -1;
        }
        if (n && n != secs->n) {
            diag_error(&secs->loc, "'seconds' in beats lists %d beats, but there are %d (%s)",
                       secs->n, n, raw.rows ? "one per data row" : "count");
            return -1;
        }
        n = secs->n;
    } else if (!n) {
        diag_error(&sec->loc, "beats needs 'count', 'rows: true', or a list of 'seconds' to say "
                   "how many beats there are");
        return -1;
    }
    if (n > limit_get(LIMIT_FRAMES)) {
        diag_error(&sec->loc, "%d beats are more than the frames limit (%lld)", n,
                   limit_get(LIMIT_FRAMES));
        return -1;
    }
    s->beats.n = n;
    s->beats.rows = raw.rows;
    s->beats.first_row = raw.rows ? raw.first_row : 0;
    s->beats.seconds = arena_alloc(&s->arena, sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++) {
        const struct snode *v = secs->type == SNODE_SEQ ? secs->vals[i] : secs;
        if (one_seconds(v, &s->beats.seconds[i]) != 0) {
            errors++;
            if (secs->type != SNODE_SEQ)
                break;
        }
    }
    if (errors)
        s->beats.n = 0;
    return errors ? -1 : 0;
}

/* ---- sweep ------------------------------------------------------------------ */

struct sweep_raw {
    const char *path;
    double from, to;
    int steps, scale;
    struct param_duration seconds;
};

static const char *const sweep_scales[] = {"linear", "log", NULL};

const struct param_spec scene_sweep_params[] = {
    {.name = "path", .type = PARAM_STRING, .offset = offsetof(struct sweep_raw, path),
     .required = 1, .doc = "the option swept, e.g. data.noise or model.degree"},
    {.name = "from", .type = PARAM_DOUBLE, .offset = offsetof(struct sweep_raw, from),
     .doc = "first value (with to and steps, instead of values)"},
    {.name = "to", .type = PARAM_DOUBLE, .offset = offsetof(struct sweep_raw, to),
     .doc = "last value"},
    {.name = "steps", .type = PARAM_INT, .offset = offsetof(struct sweep_raw, steps),
     .ranged = 1, .lo = 2, .hi = SCENE_MAX_RUNS, .doc = "number of values from 'from' to 'to'"},
    {.name = "scale", .type = PARAM_ENUM, .offset = offsetof(struct sweep_raw, scale),
     .def = "linear", .choices = sweep_scales, .doc = "spacing of from/to/steps: linear or log"},
    {.name = "seconds", .type = PARAM_DURATION, .offset = offsetof(struct sweep_raw, seconds),
     .def = "1", .ranged = 1, .lo = 0.001, .hi = 600, .doc = "how long each value is shown"},
    {0},
};

/* Which sections a sweep, vary or variant may change inside a run. */
static int run_path(const char *path)
{
    return strncmp(path, "data.", 5) == 0 || strncmp(path, "model.", 6) == 0 ||
           strncmp(path, "trainer.", 8) == 0;
}

int scene_load_sweep(struct scene *s, const struct snode *sec, const struct snode ***values)
{
    static const char *const extra[] = {"values", NULL};
    struct sweep_raw raw;
    memset(&raw, 0, sizeof raw);
    if (sec->type != SNODE_MAP) {
        diag_error(&sec->loc, "'sweep' must be a mapping such as {path: data.noise, values: [0, 1, 2]}");
        return -1;
    }
    if (param_apply(scene_sweep_params, &raw, sec, "sweep", extra, &sec->loc, &s->arena) != 0)
        return -1;
    const struct snode *pv = snode_get(sec, "path"), *vals = snode_get(sec, "values");
    if (!run_path(raw.path)) {
        diag_error(&pv->loc, "a sweep changes a value of the data, model or trainer "
                   "(data.noise, model.degree, trainer.learning_rate), not '%s'", raw.path);
        return -1;
    }
    int ranged = snode_get(sec, "from") || snode_get(sec, "to") || snode_get(sec, "steps");
    if (vals && ranged) {
        diag_error(&vals->loc, "'values' and from/to/steps in sweep exclude each other: use one");
        return -1;
    }
    int n;
    const struct snode **out;
    if (vals) {
        if (vals->type != SNODE_SEQ || vals->n == 0) {
            diag_error(&vals->loc, "'values' in sweep must be a list such as [0, 1, 2]");
            return -1;
        }
        n = vals->n;
        out = arena_alloc(&s->arena, sizeof(*out) * (size_t)n);
        for (int i = 0; i < n; i++)
            out[i] = vals->vals[i];
    } else {
        if (!snode_get(sec, "from") || !snode_get(sec, "to") || !snode_get(sec, "steps")) {
            diag_error(&sec->loc, "sweep needs 'values: [...]', or 'from', 'to' and 'steps'");
            return -1;
        }
        if (raw.scale == 1 && (!(raw.from > 0) || !(raw.to > 0))) {
            diag_error(&sec->loc, "a log sweep needs 'from' and 'to' above 0");
            return -1;
        }
        n = raw.steps;
        out = arena_alloc(&s->arena, sizeof(*out) * (size_t)n);
        for (int i = 0; i < n; i++) {
            double u = (double)i / (n - 1), v;
            if (raw.scale == 1)
                v = exp(log(raw.from) * (1 - u) + log(raw.to) * u);
            else
                v = raw.from * (1 - u) + raw.to * u;    /* no overflow of to - from */
            if (i == n - 1)
                v = raw.to;
            char text[40];
            snprintf(text, sizeof text, "%.15g", v);
            out[i] = snode_new_scalar(s->script, text, 1, &sec->loc);
        }
    }
    const char *dot = strrchr(raw.path, '.');
    s->sweep.path = raw.path;
    s->sweep.name = dot ? dot + 1 : raw.path;
    s->sweep.n = n;
    s->sweep.seconds = raw.seconds.seconds;
    s->sweep.values = arena_alloc(&s->arena, sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++)
        if (out[i]->type != SNODE_SCALAR || param_parse_double(out[i]->str, &s->sweep.values[i]))
            s->sweep.values[i] = NAN;   /* not a number: the option's check says what it wants */
    *values = out;
    return 0;
}

/* ---- schedule --------------------------------------------------------------- */

static const struct param_spec *trainer_option(const struct run *r, const struct snode *map, int i)
{
    const struct param_spec *p = param_find(r->trainer->head.params, map->keys[i]);
    if (!p) {
        diag_error(&map->key_locs[i], "trainer '%s' has no option '%s' to schedule",
                   r->trainer->head.name, map->keys[i]);
        return NULL;
    }
    if (!p->schedulable || p->type != PARAM_DOUBLE) {
        char list[256] = "";
        size_t used = 0;
        for (const struct param_spec *q = r->trainer->head.params; q && q->name; q++)
            if (q->schedulable && used < sizeof list)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                                         q->name);
        diag_error(&map->key_locs[i], "'%s' of trainer '%s' cannot change during training "
                   "(schedulable: %s)", map->keys[i], r->trainer->head.name, used ? list : "none");
        return NULL;
    }
    return p;
}

int scene_load_schedule(struct scene *s, const struct snode *sec, struct run *r)
{
    if (sec->type != SNODE_SEQ || sec->n == 0) {
        diag_error(&sec->loc, "'schedule' must be a list of changes such as "
                   "{at: 40, set: {learning_rate: 0.05}}");
        return -1;
    }
    if (!r->trainer || !r->trainer_opts)
        return r->trainer ? -1 : (diag_error(&sec->loc, "a schedule changes a trainer's options, "
                                             "but the scene has no trainer"), -1);
    int errors = 0, n = 0, prev_at = -1;
    long long steps = r->trainer->max_steps ? r->trainer->max_steps(r->trainer_opts) : -1;
    struct sched_change *ch = arena_alloc(&s->arena, sizeof(*ch) * (size_t)sec->n * 8);
    /* The option values as the schedule leaves them, for range checks. */
    double cur[64];
    const struct param_spec *specs = r->trainer->head.params;
    for (int i = 0; specs && specs[i].name && i < 64; i++)
        cur[i] = specs[i].type == PARAM_DOUBLE
                     ? *(const double *)((const char *)r->trainer_opts + specs[i].offset) : 0;
    for (int i = 0; i < sec->n; i++) {
        const struct snode *e = sec->vals[i];
        if (e->type != SNODE_MAP) {
            diag_error(&e->loc, "a schedule change must be a mapping such as "
                       "{at: 40, set: {learning_rate: 0.05}}");
            errors++;
            continue;
        }
        static const char *const keys[] = {"at", "set", "add", "times"};
        for (int k = 0; k < e->n; k++) {
            int known = 0;
            for (size_t j = 0; j < ARRAY_LEN(keys); j++)
                known |= strcmp(e->keys[k], keys[j]) == 0;
            if (!known) {
                const char *sug = diag_suggest(e->keys[k], keys, (int)ARRAY_LEN(keys));
                diag_error(&e->key_locs[k], "unknown key '%s' in a schedule change%s%s%s", e->keys[k],
                           sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
                errors++;
            }
        }
        const struct snode *at = snode_get(e, "at"), *set = snode_get(e, "set");
        const struct snode *add = snode_get(e, "add"), *times = snode_get(e, "times");
        int a = 0, t = 1;
        if (!at) {
            diag_error(&e->loc, "a schedule change needs 'at' (the step it takes effect at)");
            errors++;
            continue;
        }
        if (at->type != SNODE_SCALAR || !at->plain || param_parse_int(at->str, &a) != 0 || a < 0) {
            diag_error(&at->loc, "'at' in a schedule change must be a step, a whole number from 0");
            errors++;
            continue;
        }
        if (steps >= 0 && a > steps) {
            diag_error(&at->loc, "the change at step %d comes after the trainer's last step (%lld)",
                       a, steps);
            errors++;
        }
        if (a < prev_at) {
            diag_error(&at->loc, "schedule changes must be in order of 'at' (step %d comes after "
                       "step %d)", a, prev_at);
            errors++;
        }
        prev_at = a;
        if (set && add) {
            diag_error(&add->loc, "a schedule change either sets or adds: give 'set' or 'add', "
                       "not both");
            errors++;
            continue;
        }
        if (!set && !add) {
            diag_error(&e->loc, "a schedule change needs 'set' or 'add' (which options change, "
                       "and how)");
            errors++;
            continue;
        }
        if (times) {
            if (!add) {
                diag_error(&times->loc, "'times' goes with 'add' (so many increments at once)");
                errors++;
            } else if (times->type != SNODE_SCALAR || !times->plain ||
                       param_parse_int(times->str, &t) != 0 || t < 1 || t > 1000000) {
                diag_error(&times->loc, "'times' in a schedule change must be a whole number from 1");
                errors++;
                t = 1;
            }
        }
        const struct snode *m = set ? set : add;
        if (m->type != SNODE_MAP || m->n == 0) {
            diag_error(&m->loc, "'%s' in a schedule change must map options to values, such as "
                       "{learning_rate: 0.05}", set ? "set" : "add");
            errors++;
            continue;
        }
        for (int k = 0; k < m->n && n < sec->n * 8; k++) {
            const struct param_spec *p = trainer_option(r, m, k);
            double v;
            if (!p) {
                errors++;
                continue;
            }
            const struct snode *vn = m->vals[k];
            if (vn->type != SNODE_SCALAR || !vn->plain || param_parse_double(vn->str, &v) != 0) {
                diag_error(&vn->loc, "the value for '%s' in a schedule change must be a number",
                           p->name);
                errors++;
                continue;
            }
            int pi = (int)(p - specs);
            double after = set ? v : cur[pi] + v * t;      /* as run_schedule_apply */
            if (!param_in_range(p, after) || !isfinite(after)) {
                char range[96];
                param_describe_range(p, range, sizeof range);
                diag_error(&vn->loc, "this change makes '%s' %.6g at step %d; it must be %s",
                           p->name, after, a, range);
                errors++;
                continue;
            }
            cur[pi] = after;
            ch[n++] = (struct sched_change){a, set ? '=' : '+', p, v, set ? 1 : t};
        }
    }
    r->nsched = n;
    r->sched = ch;
    return errors ? -1 : 0;
}

/* ---- keyframes -------------------------------------------------------------- */

int scene_load_keyframes(struct scene *s, const struct snode *sec, struct run *r)
{
    if (sec->type != SNODE_SEQ || sec->n < 2) {
        diag_error(&sec->loc, "'keyframes' must be a list of at least two keyframes such as "
                   "{at: 0s, w: 0.5} and {at: 3s, w: 2.5, ease: in-out}");
        return -1;
    }
    if (!r->model || !r->model_opts)
        return r->model ? -1 : (diag_error(&sec->loc, "keyframes move a model's options, but the "
                                           "scene has no model"), -1);
    const struct param_spec *specs = r->model->head.params;
    int errors = 0;
    struct keyframe *kf = arena_alloc(&s->arena, sizeof(*kf) * (size_t)sec->n);
    double prev = -1;
    for (int i = 0; i < sec->n; i++) {
        const struct snode *e = sec->vals[i];
        struct keyframe *k = &kf[i];
        memset(k, 0, sizeof *k);
        if (e->type != SNODE_MAP) {
            diag_error(&e->loc, "a keyframe must be a mapping such as {at: 3s, w: 2.5}");
            errors++;
            continue;
        }
        const struct snode *at = snode_get(e, "at");
        if (!at) {
            diag_error(&e->loc, "a keyframe needs 'at' (its time, such as 3s)");
            errors++;
        } else if (at->type != SNODE_SCALAR || !at->plain ||
                   param_parse_duration(at->str, &k->at) < 0 || k->at > 3600) {
            diag_error(&at->loc, "'at' in a keyframe must be a time from 0s to 3600s such as 0s, "
                       "2.5s or 500ms, not '%s'", at->type == SNODE_SCALAR ? at->str
                                                     : snode_type_name(at->type));
            errors++;
        } else if (k->at == prev) {
            diag_error(&at->loc, "two keyframes at %gs: each keyframe needs a later time than "
                       "the one before", k->at);
            errors++;
        } else if (k->at < prev) {
            diag_error(&at->loc, "keyframes must be in order of time: %gs comes after %gs",
                       k->at, prev);
            errors++;
        } else if (i == 0 && k->at != 0) {
            diag_error(&at->loc, "the first keyframe must be at 0s (where the scene starts)");
            errors++;
        }
        if (at && k->at > prev)
            prev = k->at;
        for (int j = 0; j < e->n; j++) {
            const char *key = e->keys[j];
            if (strcmp(key, "at") == 0)
                continue;
            if (strcmp(key, "ease") == 0) {
                const struct snode *v = e->vals[j];
                int found = -1;
                for (int q = 0; v->type == SNODE_SCALAR && ease_names[q]; q++)
                    if (strcmp(ease_names[q], v->str) == 0)
                        found = q;
                if (found < 0) {
                    diag_error(&v->loc, "'ease' in a keyframe must be one of linear, in, out, "
                               "in-out");
                    errors++;
                } else {
                    k->ease = found;
                }
                continue;
            }
            const struct param_spec *p = param_find(specs, key);
            if (!p || p->type != PARAM_DOUBLE) {
                char list[256] = "";
                size_t used = 0;
                for (const struct param_spec *q = specs; q && q->name; q++)
                    if (q->type == PARAM_DOUBLE && used < sizeof list)
                        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                                 used ? ", " : "", q->name);
                diag_error(&e->key_locs[j], "model '%s' has no number option '%s' a keyframe can "
                           "move (it has: %s; and 'at', 'ease')", r->model->head.name, key,
                           used ? list : "none");
                errors++;
                continue;
            }
            if (k->nkeys == KEYFRAME_MAX_KEYS) {
                diag_error(&e->key_locs[j], "a keyframe moves at most %d options", KEYFRAME_MAX_KEYS);
                errors++;
                continue;
            }
            double v;
            char ctx[96];
            snprintf(ctx, sizeof ctx, "a keyframe of model '%s'", r->model->head.name);
            if (param_apply_one(p, &v, e->vals[j], ctx) != 0) {
                errors++;
                continue;
            }
            k->spec[k->nkeys] = p;
            k->value[k->nkeys++] = v;
        }
    }
    if (errors)
        return -1;
    double fps = (double)s->canvas.fps.num / s->canvas.fps.den;
    long long frames = llround(kf[sec->n - 1].at * fps);
    if (frames > limit_get(LIMIT_FRAMES)) {
        diag_error(&sec->loc, "the keyframes last %lld frames, more than %lld (limit %s)", frames,
                   limit_get(LIMIT_FRAMES), limit_name(LIMIT_FRAMES));
        return -1;
    }
    /* The trainer starts where the keyframes end: the last value each
     * option was given. */
    void *opts = arena_alloc(&s->arena, r->model->head.opts_size);
    memcpy(opts, r->model_opts, r->model->head.opts_size);
    r->kf_base_opts = r->model_opts;
    for (int i = 0; i < sec->n; i++)
        for (int j = 0; j < kf[i].nkeys; j++)
            *(double *)((char *)opts + kf[i].spec[j]->offset) = kf[i].value[j];
    r->model_opts = opts;
    r->nkf = sec->n;
    r->kf = kf;
    r->kf_records = (int)frames;
    r->kf_fps = fps;
    return 0;
}
