/* timeline: from the scene's clock to the frames (see scene.h).
 *
 * Three clocks share one builder: training steps (thinned by the frames
 * rules), beats, and the values of a sweep. Each selected step lasts some
 * seconds; the frames of a step are those whose time falls in it, counted
 * from the rounded cumulative time so that no drift builds up and a step
 * given in frames gets exactly that many. Before the steps come the held
 * first picture and the keyframe phase (one record per frame), after them
 * the held last picture. */
#include "scene.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

static double fps_of(const struct scene *s)
{
    return (double)s->canvas.fps.num / s->canvas.fps.den;
}

/* Thinning rules count steps from frames.first: with first 1, {below: 10}
 * and {every: 40} pick steps 1-10 and 41, 81, ..., the source lessons'
 * "i < 10 or i % 40 == 0" where frame i shows step i + 1. */
static int rule_of(const struct frames_opts *f, long long step)
{
    step -= f->first;
    for (int i = 0; i < f->nrules; i++)
        if (!f->rules[i].below || step < f->rules[i].below)
            return i;
    return -1;
}

static int selected(const struct frames_opts *f, long long step)
{
    if (step < f->first)
        return 0;
    if (!f->nrules)
        return (step - f->first) % f->every == 0;
    int r = rule_of(f, step);
    return r >= 0 && (step - f->first) % f->rules[r].every == 0;
}

static double seconds_of(const struct param_duration *d, double fps)
{
    return d->frames ? d->frames / fps : d->seconds;
}

/* How long a selected step lasts, before any duration target. */
static double step_seconds(const struct scene *s, long long step)
{
    double fps = fps_of(s);
    if (s->beats.n)
        return s->beats.seconds[step < s->beats.n ? step : s->beats.n - 1];
    if (s->sweep.n)
        return s->sweep.seconds;
    const struct frames_opts *f = &s->frames;
    int r = f->nrules ? rule_of(f, step) : -1;
    if (r >= 0 && (f->rules[r].per_step.frames || f->rules[r].per_step.seconds > 0))
        return seconds_of(&f->rules[r].per_step, fps);
    return seconds_of(&f->per_step, fps);
}

static int shown(const struct scene *s, long long step, long long last)
{
    if (s->beats.n || s->sweep.n)
        return 1;
    /* Steps before frames.first are never shown, unless the run ends there. */
    if (step < s->frames.first && step != last)
        return 0;
    return selected(&s->frames, step) || step > last - s->frames.last || step == last;
}

struct builder {
    struct timeline *tl;        /* NULL: count only */
    long long n, pictures, cap;
    struct tl_frame prev;
    int have_prev;
};

static void emit(struct builder *b, const struct tl_frame *f, long long count)
{
    if (count <= 0)
        return;
    if (!b->have_prev || memcmp(&b->prev, f, sizeof *f) != 0)
        b->pictures++;
    b->prev = *f;
    b->have_prev = 1;
    if (b->tl) {
        if (b->n + count > b->cap) {
            b->cap = (b->n + count) * 2;
            b->tl->f = xrealloc(b->tl->f, sizeof(struct tl_frame) * (size_t)b->cap);
        }
        for (long long i = 0; i < count; i++)
            b->tl->f[b->n + i] = *f;
    }
    b->n += count;
}

/* The frames for a clock running from step 0 to last after kf_frames
 * keyframe frames. */
static void build(const struct scene *s, long long last, int kf_frames, struct builder *b)
{
    const struct frames_opts *f = &s->frames;
    double fps = fps_of(s);
    int tween = s->sweep.n ? 0 : f->tween;
    /* The held first picture is the first step shown. */
    int step0 = s->beats.n || s->sweep.n ? 0 : (int)(f->first < last ? f->first : last);
    struct tl_frame first = {kf_frames > 0 ? 0 : -1, kf_frames > 0 ? 0 : step0,
                             kf_frames > 0 ? 0 : step0, 0, 1};     /* kf, step, from, sub, nsub */
    emit(b, &first, (long long)ceil(f->hold_start.seconds * fps - 1e-9));
    for (int j = 0; j < kf_frames; j++) {
        struct tl_frame k = {j, 0, 0, 0, 1};
        emit(b, &k, 1);
    }
    double total = 0;
    if (f->duration.seconds > 0 && !s->beats.n && !s->sweep.n)
        for (long long k = 0; k <= last; k++)
            if (shown(s, k, last))
                total += step_seconds(s, k);
    double scale = f->duration.seconds > 0 && total > 0 ? f->duration.seconds / total : 1;
    long long base = b->n;
    double t = 0;
    /* Frames a step lasts: from the rounded running total (a tie rounds
     * up, whatever the sum's last bits), so nothing drifts. Steps shorter
     * than a frame fall between frames, but the first and the last step
     * shown always get one, taken from their neighbour: the total stays
     * and the start and the end are always seen. */
    long long first_shown = -1, last_shown = -1;
    double total_t = 0;
    for (long long k = 0; k <= last; k++)
        if (shown(s, k, last)) {
            if (first_shown < 0)
                first_shown = k;
            last_shown = k;
            total_t += step_seconds(s, k) * scale;
        }
    long long final_end = llround(total_t * fps + 1e-6);
    int debt = 0, pending_last = 0;
    long long from = -1;        /* the step shown before: a tween comes from it */
    struct tl_frame lastf = first;
    for (long long k = 0; k <= last; k++) {
        if (!shown(s, k, last))
            continue;
        long long start = llround(t * fps + 1e-6);
        t += step_seconds(s, k) * scale;
        long long end = llround(t * fps + 1e-6), nfr = end - start;
        if (k == first_shown && nfr == 0 && final_end > 1) {
            nfr = 1;            /* the start: one frame, owed by the next step */
            debt = 1;
        } else if (debt && nfr > 0) {
            nfr--;
            start++;
            debt = 0;
        }
        if (k != last_shown && nfr > 0 && end == final_end) {
            nfr--;              /* the last frame goes to the last step */
            pending_last = 1;
        }
        if (k == last_shown && nfr == 0 && pending_last)
            nfr = 1;
        if (b->tl && k < b->tl->last_step + 1 && nfr > 0)
            b->tl->step_time[k] = (double)(base + start) / fps;
        /* A tween arrives: the step's frames glide from the step before
         * to this one, whose values the titles show, and its last
         * picture is the step itself. */
        int nsub = tween && from >= 0 ? tween + 1 : 1;
        if (!b->tl) {
            /* Counting (validation): the frames, and at most this many
             * pictures, without a call per frame. */
            if (nfr > 0) {
                b->n += nfr;
                long long pics = nfr < nsub ? nfr : nsub;
                /* A step held from the start is the picture already shown. */
                if (nsub == 1 && b->have_prev && b->prev.kf < 0 && b->prev.step == k &&
                    b->prev.nsub == 1)
                    pics--;
                b->pictures += pics;
                lastf = (struct tl_frame){-1, (int)k, (int)k, 0, 1};
                b->prev = lastf;        /* the hold is the same picture */
                b->have_prev = 1;
                from = k;
            }
            continue;
        }
        for (long long j = 0; j < nfr; j++) {
            int sub = nsub > 1 ? (int)(j * nsub / nfr) : 0;
            int glide = nsub > 1 && sub < nsub - 1 && j < nfr - 1;
            struct tl_frame fr = {-1, (int)k, glide ? (int)from : (int)k, glide ? sub : 0,
                                  glide ? nsub : 1};
            emit(b, &fr, 1);
            lastf = fr;
        }
        if (nfr > 0 && b->tl)
            b->tl->nselected++;
        if (nfr > 0)
            from = k;
    }
    /* The hold shows the final picture itself, not a tween. */
    struct tl_frame hold = lastf;
    hold.sub = 0;
    hold.nsub = 1;
    hold.from = hold.step;
    emit(b, &hold, (long long)ceil(f->hold.seconds * fps - 1e-9));
}

/* Keyframe records of the runs (all runs have the same number). */
static int kf_frames_of(const struct scene *s)
{
    return s->nruns ? s->runs[0].kf_records : 0;
}

long long timeline_bound(const struct scene *s, long long max_steps, long long *pictures)
{
    struct builder b = {0};
    long long last = s->beats.n ? s->beats.n - 1 : s->sweep.n ? s->sweep.n - 1 : max_steps;
    build(s, last, kf_frames_of(s), &b);
    *pictures = b.pictures;
    return b.n;
}

int timeline_build(const struct scene *s, const struct trace *traces, struct timeline *tl)
{
    memset(tl, 0, sizeof(*tl));
    int kf = kf_frames_of(s);
    long long last = 0;
    if (s->beats.n) {
        last = s->beats.n - 1;
    } else if (s->sweep.n) {
        last = s->sweep.n - 1;
    } else {
        for (int r = 0; r < s->nruns; r++) {
            const struct trace *t = &traces[r];
            if (t->nrec <= kf)
                return diag_fail("scene '%s': the trainer recorded nothing", s->id);
            long long step = (long long)trace_get(t, t->nrec - 1, 0);
            if (step > last)
                last = step;
        }
    }
    tl->last_step = (int)last;
    tl->step_time = xmalloc(sizeof(double) * (size_t)(last + 1));
    for (long long k = 0; k <= last; k++)
        tl->step_time[k] = NAN;
    struct builder b = {tl, 0, 0, 0, {0}, 0};
    build(s, last, kf, &b);
    tl->nframes = (int)b.n;
    /* A step the timeline skips is "shown" with the next one shown: a
     * change made at a skipped step appears from there. */
    double next = NAN;
    for (long long k = last; k >= 0; k--) {
        if (isnan(tl->step_time[k]))
            tl->step_time[k] = next;
        next = tl->step_time[k];
    }
    return 0;
}

int timeline_compose(const struct scene *s, const struct timeline *clips, struct timeline *tl)
{
    memset(tl, 0, sizeof(*tl));
    const struct clips_opts *c = &s->clips;
    double fps = fps_of(s), total = 0;
    for (int i = 0; i < c->n; i++) {
        double d = clips[i].nframes / fps_of(c->scenes[i]);
        if (i == 0 || (c->end == CLIPS_TRIM ? d < total : d > total))
            total = d;
    }
    long long n = llround(total * fps);
    if (n < 1)
        n = 1;
    tl->nframes = (int)n;
    tl->f = xcalloc((size_t)n, sizeof(struct tl_frame));
    tl->clip_frame = xmalloc(sizeof(int) * (size_t)n * (size_t)c->n);
    for (long long i = 0; i < n; i++) {
        tl->f[i] = (struct tl_frame){-1, (int)i, (int)i, 0, 1};
        for (int k = 0; k < c->n; k++) {
            /* The clip's frame at this time, in exact integer arithmetic:
             * floor(i / fps * fps_k). */
            const struct param_rate *a = &s->canvas.fps, *b = &c->scenes[k]->canvas.fps;
            long long j = (long long)((__int128)i * a->den * b->num / ((__int128)a->num * b->den));
            if (j >= clips[k].nframes)
                j = clips[k].nframes - 1;
            tl->clip_frame[i * c->n + k] = (int)j;
        }
    }
    tl->nselected = (int)n;
    return 0;
}

void timeline_release(struct timeline *tl)
{
    free(tl->f);
    free(tl->step_time);
    free(tl->clip_frame);
    memset(tl, 0, sizeof(*tl));
}

int timeline_same(const struct scene *s, const struct timeline *tl, int a, int b)
{
    if (s->clips.n) {
        int n = s->clips.n;
        return memcmp(&tl->clip_frame[(size_t)a * n], &tl->clip_frame[(size_t)b * n],
                      sizeof(int) * (size_t)n) == 0;
    }
    if (memcmp(&tl->f[a], &tl->f[b], sizeof(struct tl_frame)) != 0)
        return 0;
    /* A panel that moves with the time inside a step makes the frames of
     * the step's first moves_for seconds pictures of their own. */
    double moving = 0;
    for (int i = 0; i < s->npanels; i++)
        if (s->panels[i].kind && s->panels[i].kind->moves_for > moving)
            moving = s->panels[i].kind->moves_for;
    int k = tl->f[b].step;
    if (moving <= 0 || tl->f[b].kf >= 0 || !tl->step_time || k < 0 || k > tl->last_step)
        return 1;
    double age = b / fps_of(s) - tl->step_time[k];
    return !(age < moving + 1e-9);
}

/* The record of a run for a clock step: trainers record every step from
 * 0, after the keyframe records; a run that stopped earlier holds its last. */
static int rec_of_step(const struct scene *s, const struct trace *t, int step)
{
    int kf = kf_frames_of(s);
    if (s->sweep.n)
        return t->nrec - 1;
    int r = kf + step;
    if (r > t->nrec - 1)
        r = t->nrec - 1;
    /* Records need not be one per step (a trainer may record fewer): find
     * the last whose step is at most the clock's. */
    while (r > kf && trace_get(t, r, 0) > step)
        r--;
    return r;
}

int timeline_rec(const struct scene *s, const struct trace *traces, const struct tl_frame *f,
                 int r, int *from)
{
    const struct trace *t = &traces[r];
    if (f->kf >= 0) {
        int k = f->kf < t->nrec ? f->kf : t->nrec - 1;
        if (from)
            *from = k;
        return k;
    }
    int rec = rec_of_step(s, t, f->step);
    if (from)
        *from = rec_of_step(s, t, f->from);
    return rec;
}
