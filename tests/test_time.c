/* Scene time v2: durations in frames: and per thinning rule, hold_start,
 * tween, a duration target, easing curves, several runs on one clock
 * (runs:, vary:), sweeps, beats, keyframes, schedules, variants, clips and
 * --set. Every expectation is written out by hand from the documented
 * rules (scene.h, trainer.h, trace.h, ease.h), not read back from the code:
 * a step's frames are round(T_end * fps) - round(T_start * fps), with T the
 * cumulative seconds of the steps shown before it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "diag_capture.h"
#include "ease.h"
#include "render.h"
#include "scene_util.h"

/* A loaded scene with every run simulated and its timeline built. */
struct fx {
    struct scene *s;
    struct trace *t;
    struct timeline tl;
    int ok;
};

static int fx_from_scene(struct fx *x, struct scene *s)
{
    memset(x, 0, sizeof *x);
    x->s = s;
    if (!s)
        return 0;
    x->t = calloc((size_t)s->nruns, sizeof(struct trace));
    if (scene_simulate(s, x->t) != 0 || timeline_build(s, x->t, &x->tl) != 0)
        return 0;
    x->ok = 1;
    return 1;
}

static int fx_load(struct fx *x, const char *yaml)
{
    return fx_from_scene(x, scene_from_text(yaml));
}

static void fx_free(struct fx *x)
{
    if (x->s && x->t)
        for (int i = 0; i < x->s->nruns; i++)
            trace_release(&x->t[i]);
    free(x->t);
    timeline_release(&x->tl);
    scene_free(x->s);
    memset(x, 0, sizeof *x);
}

/* Run r's record at frame i. */
static int rec_at(const struct fx *x, int i, int r)
{
    return timeline_rec(x->s, x->t, &x->tl.f[i], r, NULL);
}

/* How many frames show clock step k (kf < 0). */
static int frames_of_step(const struct fx *x, int k)
{
    int n = 0;
    for (int i = 0; i < x->tl.nframes; i++)
        n += x->tl.f[i].kf < 0 && x->tl.f[i].step == k;
    return n;
}

/* The first frame showing step k, or -1. */
static int first_frame_of_step(const struct fx *x, int k)
{
    for (int i = 0; i < x->tl.nframes; i++)
        if (x->tl.f[i].kf < 0 && x->tl.f[i].step == k)
            return i;
    return -1;
}

/* Loads YAML text with --set values, diagnostics captured into out. */
static struct scene *load_set_captured(const char *yaml, const struct scene_set *sets, int n,
                                       char *out, size_t outn)
{
    char path[] = "/tmp/mlanim-test-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    fputs(yaml, f);
    fclose(f);
    capture_start();
    struct scene *s = scene_load_set(path, sets, n);
    snprintf(out, outn, "%s", capture_text());
    capture_end();
    unlink(path);
    return s;
}

static struct scene *load_captured(const char *yaml, char *out, size_t outn)
{
    return load_set_captured(yaml, NULL, 0, out, outn);
}

/* ---- easing ----------------------------------------------------------------- */

static void easing_curves_take_their_cubic_values_at_quarters(void)
{
    static const double u[] = {0, 0.25, 0.5, 0.75, 1};
    /* linear: u; in: u^3; out: 1 - (1-u)^3; in-out: 4u^3 below 1/2,
     * 1 - (2 - 2u)^3 / 2 above. */
    static const double want[4][5] = {
        {0, 0.25, 0.5, 0.75, 1},
        {0, 0.015625, 0.125, 0.421875, 1},
        {0, 0.578125, 0.875, 0.984375, 1},
        {0, 0.0625, 0.5, 0.9375, 1},
    };
    static const int kinds[4] = {EASE_LINEAR, EASE_IN, EASE_OUT, EASE_IN_OUT};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 5; i++)
            CHECK_NEAR(ease_apply(kinds[k], u[i]), want[k][i], 1e-12);
    /* Outside [0, 1] the value is clamped, never extrapolated. */
    CHECK(ease_apply(EASE_IN_OUT, -0.5) == 0 && ease_apply(EASE_OUT, 1.5) == 1);
    CHECK_STR(ease_names[EASE_IN_OUT], "in-out");
    CHECK(ease_names[4] == NULL);
}

static void easing_curves_rise_monotonically_and_in_out_is_symmetric(void)
{
    int mono = 1, sym = 1, mirror = 1;
    for (int k = EASE_LINEAR; k <= EASE_IN_OUT; k++) {
        double prev = ease_apply(k, 0);
        for (int i = 1; i <= 1000; i++) {
            double v = ease_apply(k, i / 1000.0);
            mono &= v >= prev;
            prev = v;
        }
    }
    for (int i = 0; i <= 1000; i++) {
        double u = i / 1000.0;
        sym &= fabs(ease_apply(EASE_IN_OUT, u) + ease_apply(EASE_IN_OUT, 1 - u) - 1) < 1e-12;
        /* out is in turned around: out(u) = 1 - in(1 - u). */
        mirror &= fabs(ease_apply(EASE_OUT, u) - (1 - ease_apply(EASE_IN, 1 - u))) < 1e-12;
    }
    CHECK(mono);
    CHECK(sym);
    CHECK(mirror);
}

/* ---- per_step, hold_start, tween, duration ---------------------------------- */

#define PARABOLA "model: {kind: parabola, x0: 3}\n"

static void per_step_in_seconds_rounds_the_cumulative_time(void)
{
    /* 0.25 s at 10 fps is 2.5 frames: steps start at round(0.25 k * 10) =
     * 0, 3, 5, 8, 10 (halves round away from zero), so they last 3, 2, 3, 2
     * frames and no drift builds up. */
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 10}\n" PARABOLA
                "trainer: {kind: gd, learning_rate: 0.1, steps: 4}\n"
                "frames: {per_step: 0.25s, hold: 0}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    static const int start[] = {0, 3, 5, 8, 10};
    CHECK(x.tl.nframes == 13);      /* round(5 * 0.25 * 10) = 13 */
    for (int k = 0; k < 5; k++) {
        CHECK(first_frame_of_step(&x, k) == start[k]);
        CHECK_NEAR(x.tl.step_time[k], start[k] / 10.0, 1e-12);
    }
    CHECK(frames_of_step(&x, 4) == 3);
    CHECK(x.tl.last_step == 4 && x.tl.nselected == 5);
    fx_free(&x);
}

static void per_step_written_250ms_is_a_quarter_second(void)
{
    struct fx a, b;
    fx_load(&a, "id: t\n" PARABOLA "trainer: {kind: gd, steps: 3}\n"
                "frames: {per_step: 250ms, hold: 0}\npanels: [{kind: descent}]\n");
    fx_load(&b, "id: t\n" PARABOLA "trainer: {kind: gd, steps: 3}\n"
                "frames: {per_step: 0.25 s, hold: 0}\npanels: [{kind: descent}]\n");
    CHECK(a.ok && b.ok);
    if (a.ok && b.ok) {
        CHECK_NEAR(a.s->frames.per_step.seconds, 0.25, 1e-12);
        CHECK(a.s->frames.per_step.frames == 0);
        CHECK(a.tl.nframes == 20 && b.tl.nframes == 20);    /* 4 steps x 5 frames at 20 fps */
    }
    fx_free(&a);
    fx_free(&b);
}

static void per_step_bare_integer_counts_frames_at_any_fps(void)
{
    static const char *const fps[] = {"7", "12.5", "30000/1001"};
    for (int i = 0; i < 3; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml, "id: t\ncanvas: {fps: %s}\n" PARABOLA
                 "trainer: {kind: gd, steps: 5}\nframes: {per_step: 3, hold: 0}\n"
                 "panels: [{kind: descent}]\n", fps[i]);
        struct fx x;
        fx_load(&x, yaml);
        CHECK(x.ok);
        if (x.ok) {
            CHECK(x.s->frames.per_step.frames == 3);
            CHECK(x.tl.nframes == 18);
            int exact = 1;
            for (int k = 0; k <= 5; k++)
                exact &= frames_of_step(&x, k) == 3 && first_frame_of_step(&x, k) == 3 * k;
            CHECK(exact);
        }
        fx_free(&x);
    }
}

static void the_same_script_at_twice_the_fps_lasts_as_long_with_twice_the_frames(void)
{
    static const char *fmt = "id: t\ncanvas: {fps: %d}\n" PARABOLA
        "trainer: {kind: gd, learning_rate: 0.1, steps: 30}\n"
        "frames:\n  thin:\n    - {below: 10, every: 1, per_step: 0.3s}\n"
        "    - {every: 5, per_step: 0.12s}\n  hold_start: 0.5\n  hold: 1.5\n"
        "panels: [{kind: descent}]\n";
    char y10[512], y20[512];
    snprintf(y10, sizeof y10, fmt, 10);
    snprintf(y20, sizeof y20, fmt, 20);
    struct fx a, b;
    fx_load(&a, y10);
    fx_load(&b, y20);
    CHECK(a.ok && b.ok);
    if (a.ok && b.ok) {
        /* Shown: 0..9 at 0.3 s, 10, 15, 20, 25, 30 at 0.12 s: 3.6 s, plus
         * 0.5 s before and 1.5 s after: 5.6 s = 56 / 112 frames. */
        CHECK(a.tl.nframes == 5 + 36 + 15);
        CHECK(b.tl.nframes == 10 + 72 + 30);
        CHECK(fabs(a.tl.nframes / 10.0 - b.tl.nframes / 20.0) <= 1 / 10.0);
        CHECK(abs(b.tl.nframes - 2 * a.tl.nframes) <= 1);
        /* Every step starts at the same time at both rates, within a frame. */
        int same = 1;
        for (int k = 0; k <= 30; k++) {
            int sa = isnan(a.tl.step_time[k]), sb = isnan(b.tl.step_time[k]);
            same &= sa == sb && (sa || fabs(a.tl.step_time[k] - b.tl.step_time[k]) <= 0.1);
        }
        CHECK(same);
        CHECK_NEAR(b.tl.step_time[10], 0.5 + 3.0, 1e-9);
        /* Step 11 is not shown: its time is the next shown step's (15). */
        CHECK(b.tl.step_time[11] == b.tl.step_time[15] && !isnan(b.tl.step_time[15]));
        CHECK(b.tl.nselected == 15 && a.tl.nselected == 15);
    }
    fx_free(&a);
    fx_free(&b);
}

static void hold_start_shows_the_first_picture_before_the_steps(void)
{
    /* 0.33 s at 10 fps: ceil(3.3) = 4 frames of step 0, then 2 frames per
     * step. */
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 10}\n" PARABOLA "trainer: {kind: gd, steps: 2}\n"
                "frames: {per_step: 2, hold_start: 0.33, hold: 0}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.tl.nframes == 4 + 6);
        CHECK(frames_of_step(&x, 0) == 4 + 2);
        CHECK(first_frame_of_step(&x, 1) == 6);
        CHECK_NEAR(x.tl.step_time[0], 0.4, 1e-12);  /* the step itself starts after the hold */
        CHECK(rec_at(&x, 0, 0) == 0 && rec_at(&x, 3, 0) == 0 && rec_at(&x, 6, 0) == 1);
        CHECK(x.tl.f[0].nsub == 1 && x.tl.f[0].sub == 0);
    }
    fx_free(&x);
}

static void tween_splits_each_step_into_pictures_arriving_from_the_one_before(void)
{
    /* tween 3: 4 pictures per step; 8 frames a step: sub = j * 4 / 8. The
     * steps shown are 0, 2, 4 (every 2). A step's frames glide from the
     * step before to it ((sub + 1) / 4 of the way), and its last picture
     * is the step itself (nsub 1). Step 0 comes from nowhere (no tween),
     * nor does the hold. */
    struct fx x;
    fx_load(&x, "id: t\n" PARABOLA "trainer: {kind: gd, steps: 4}\n"
                "frames: {every: 2, per_step: 8, tween: 3, hold: 0.1}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    CHECK(x.tl.nframes == 24 + 2);
    static const int sub[8] = {0, 0, 1, 1, 2, 2, 3, 3};
    int ok0 = 1, ok1 = 1, ok2 = 1;
    for (int j = 0; j < 8; j++) {
        const struct tl_frame *f = &x.tl.f[j], *g = &x.tl.f[8 + j], *h = &x.tl.f[16 + j];
        int last = sub[j] == 3;
        ok0 &= f->kf < 0 && f->step == 0 && f->from == 0 && f->sub == 0 && f->nsub == 1;
        ok1 &= g->step == 2 && g->from == (last ? 2 : 0) && g->sub == (last ? 0 : sub[j]) &&
               g->nsub == (last ? 1 : 4);
        ok2 &= h->step == 4 && h->from == (last ? 4 : 2) && h->sub == (last ? 0 : sub[j]) &&
               h->nsub == (last ? 1 : 4);
    }
    CHECK(ok0);
    CHECK(ok1);
    CHECK(ok2);
    const struct tl_frame *hold = &x.tl.f[25];
    CHECK(hold->step == 4 && hold->from == 4 && hold->sub == 0 && hold->nsub == 1);
    int from = -1;
    CHECK(timeline_rec(x.s, x.t, &x.tl.f[11], 0, &from) == 2 && from == 0);
    /* Equal tl_frames are one picture: 2 frames per sub-picture here. */
    CHECK(timeline_same(x.s, &x.tl, 8, 9) && !timeline_same(x.s, &x.tl, 9, 10));
    fx_free(&x);
}

static void tween_with_fewer_frames_than_pictures_still_spans_the_step(void)
{
    /* 2 frames for 4 pictures: sub 0 (j * 4 / 2), then the step itself:
     * a step's last frame always shows it exactly. Step 0 has no tween. */
    struct fx x;
    fx_load(&x, "id: t\n" PARABOLA "trainer: {kind: gd, steps: 1}\n"
                "frames: {per_step: 2, tween: 3, hold: 0}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.tl.nframes == 4);
        CHECK(x.tl.f[0].nsub == 1 && x.tl.f[1].nsub == 1);
        CHECK(x.tl.f[2].step == 1 && x.tl.f[2].sub == 0 && x.tl.f[2].nsub == 4);
        CHECK(x.tl.f[3].step == 1 && x.tl.f[3].from == 1 && x.tl.f[3].nsub == 1);
    }
    fx_free(&x);
}

static void duration_spreads_the_selected_steps_over_that_time(void)
{
    /* Steps 0..3 at 1 s (below 2) and 0.5 s: 3 s in all; duration 6 s
     * doubles each: 2, 2, 1, 1 s = 20, 20, 10, 10 frames at 10 fps. The
     * hold (0.5 s = 5 frames) comes on top. */
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 10}\n" PARABOLA "trainer: {kind: gd, steps: 3}\n"
                "frames:\n  thin: [{below: 2, every: 1, per_step: 1s}, {every: 1, per_step: 0.5s}]\n"
                "  duration: 6s\n  hold: 0.5\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.tl.nframes == 60 + 5);
        CHECK(frames_of_step(&x, 0) == 20 && frames_of_step(&x, 1) == 20);
        CHECK(frames_of_step(&x, 2) == 10 && frames_of_step(&x, 3) == 10 + 5);
        CHECK_NEAR(x.tl.step_time[2], 4.0, 1e-9);
        CHECK_NEAR(x.tl.step_time[3], 5.0, 1e-9);
    }
    fx_free(&x);
}

static void duration_with_many_steps_keeps_the_total_and_shows_the_last(void)
{
    /* 101 records in 2 s at 20 fps: 40 frames, whatever per_step says;
     * every frame covers about 2.5 steps, and the last frame is the last
     * record. */
    struct fx x;
    fx_load(&x, "id: t\n" PARABOLA "trainer: {kind: gd, learning_rate: 0.01, steps: 100}\n"
                "frames: {per_step: 1s, duration: 2, hold: 0}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.tl.nframes == 40);
        CHECK(rec_at(&x, x.tl.nframes - 1, 0) == 100);
        CHECK(rec_at(&x, 0, 0) == 0);
        int rising = 1;
        for (int i = 1; i < x.tl.nframes; i++)
            rising &= rec_at(&x, i, 0) > rec_at(&x, i - 1, 0);
        CHECK(rising);
    }
    fx_free(&x);
}

static void steps_shorter_than_a_frame_still_show_the_start_and_the_last_record(void)
{
    /* 0.02 s a step at 20 fps is 0.4 frames: most steps fall between
     * frames, but the first picture is the starting point and the last
     * one (and the hold) the final record (frames.last defaults to 1). */
    struct fx x;
    fx_load(&x, "id: t\n" PARABOLA "trainer: {kind: gd, learning_rate: 0.01, steps: 9}\n"
                "frames: {per_step: 0.02s, hold: 0.2}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.tl.nframes == 4 + 4);   /* round(10 * 0.4) + 0.2 s */
        CHECK(rec_at(&x, 0, 0) == 0);
        CHECK(rec_at(&x, x.tl.nframes - 1, 0) == 9);
        CHECK(x.tl.f[x.tl.nframes - 1].step == x.tl.last_step);
    }
    fx_free(&x);
}

static void thin_rules_without_per_step_take_the_frames_one(void)
{
    /* Rule 1 gives 3 frames; rule 2 none, so frames.per_step: 0.1 s = 2
     * frames at 20 fps. Steps 0, 1 (rule 1), 2, 4, 6 (every 2). */
    struct fx x;
    fx_load(&x, "id: t\n" PARABOLA "trainer: {kind: gd, steps: 6}\n"
                "frames:\n  thin: [{below: 2, every: 1, per_step: 3}, {every: 2}]\n"
                "  per_step: 0.1s\n  hold: 0\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.tl.nframes == 3 + 3 + 2 * 3);
        CHECK(frames_of_step(&x, 1) == 3 && frames_of_step(&x, 2) == 2);
        CHECK(frames_of_step(&x, 3) == 0 && first_frame_of_step(&x, 6) == 10);
    }
    fx_free(&x);
}

static void keyframes_after_hold_start_begin_at_the_first_keyframe(void)
{
    /* hold_start shows keyframe record 0; the 10 keyframe frames follow. */
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 10}\nmodel: {kind: parabola, x0: 0}\n"
                "keyframes: [{at: 0s, x0: 1}, {at: 1s, x0: 2}]\n"
                "trainer: {kind: gd, steps: 1}\n"
                "frames: {hold_start: 0.5, per_step: 1, hold: 0}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.tl.nframes == 5 + 10 + 2);
        CHECK(x.tl.f[0].kf == 0 && x.tl.f[4].kf == 0 && x.tl.f[5].kf == 0 && x.tl.f[6].kf == 1);
        CHECK_NEAR(trace_value(&x.t[0], rec_at(&x, 0, 0), "x"), 1, 0);
        CHECK_NEAR(trace_value(&x.t[0], rec_at(&x, 15, 0), "x"), 2, 0);
    }
    fx_free(&x);
}

static void sweep_over_steps_shows_runs_of_different_lengths(void)
{
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 3}\ntrainer: {kind: gd, steps: 50}\n"
                "sweep: {path: trainer.steps, from: 1, to: 10, steps: 4, seconds: 0.1}\n"
                "frames: {hold: 0}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        static const int steps[] = {1, 4, 7, 10};
        for (int i = 0; i < 4; i++) {
            CHECK(x.t[i].nrec == steps[i] + 1);
            CHECK_NEAR(trace_value(&x.t[i], 0, "steps"), steps[i], 0);
        }
        CHECK_STR(x.s->runs[3].label, "steps=10");
        CHECK(x.tl.nframes == 8);
        CHECK(rec_at(&x, 7, 3) == 10);
    }
    fx_free(&x);
}

static void timeline_bound_counts_what_build_makes(void)
{
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 10}\n" PARABOLA "trainer: {kind: gd, steps: 12}\n"
                "frames: {every: 3, per_step: 0.25s, tween: 2, hold_start: 1, hold: 1}\n"
                "panels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        long long pics = 0;
        /* Shown 0, 3, 6, 9, 12: 1.25 s = 13 frames, plus 10 + 10. */
        CHECK(timeline_bound(x.s, 12, &pics) == 33);
        CHECK(x.tl.nframes == 33);
        long long distinct = 1;
        for (int i = 1; i < x.tl.nframes; i++)
            distinct += !timeline_same(x.s, &x.tl, i, i - 1);
        CHECK(pics == distinct);
    }
    fx_free(&x);
}

/* ---- several runs on one clock ---------------------------------------------- */

static void vary_runs_share_one_clock_and_a_stopped_run_holds_its_last_record(void)
{
    /* f(x) = (x - 10)^2 from 0. lr 0.5 lands on 10 in one update; at step
     * 2 the loss has not changed: converged, 3 records. lr 0.1 never
     * changes by <= 1e-9 in 6 steps: 7 records. The clock runs to 6. */
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 0, center: 10}\n"
                "trainer: {kind: gd, learning_rate: 0.3, steps: 6, tolerance: 1.0e-9}\n"
                "vary: {trainer.learning_rate: [0.5, 0.1]}\n"
                "frames: {per_step: 2, hold: 0}\nlayout: {cols: 2}\n"
                "panels: [{kind: descent, run: 1}, {kind: descent, run: learning_rate=0.1}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    CHECK(x.s->nruns == 2);
    CHECK_STR(x.s->runs[0].label, "learning_rate=0.5");
    CHECK_STR(x.s->runs[1].label, "learning_rate=0.1");
    CHECK(x.s->panels[0].run == 0 && x.s->panels[1].run == 1);
    CHECK(x.t[0].nrec == 3);
    CHECK_STR(x.t[0].stop_reason, "converged");
    CHECK(x.t[1].nrec == 7);
    CHECK(x.tl.last_step == 6);
    CHECK(x.tl.nframes == 7 * 2);
    int held = 1, moving = 1;
    for (int i = 0; i < x.tl.nframes; i++) {
        int step = x.tl.f[i].step;
        held &= rec_at(&x, i, 0) == (step < 2 ? step : 2);
        moving &= rec_at(&x, i, 1) == step;
    }
    CHECK(held);
    CHECK(moving);
    /* What each run shows: lr 0.1 moves x to 10 - 10 * 0.8^k. */
    CHECK_NEAR(trace_value(&x.t[1], 6, "x"), 10 - 10 * pow(0.8, 6), 1e-9);
    CHECK_NEAR(trace_value(&x.t[0], 2, "x"), 10, 1e-12);
    CHECK_NEAR(trace_value(&x.t[0], 0, "learning_rate"), 0.5, 0);
    CHECK_NEAR(trace_value(&x.t[1], 6, "learning_rate"), 0.1, 0);
    fx_free(&x);
}

static void the_frame_count_follows_the_longest_run_whichever_it_is(void)
{
    /* The longer run first this time. */
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 0, center: 10}\n"
                "trainer: {kind: gd, steps: 9, tolerance: 1.0e-9}\n"
                "vary: {trainer.learning_rate: [0.05, 0.5]}\n"
                "frames: {per_step: 1, hold: 0}\npanels: [{kind: loss-curve, run: all}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.t[0].nrec == 10 && x.t[1].nrec == 3);
        CHECK(x.tl.nframes == 10);
        CHECK(x.s->panels[0].run == SCENE_RUN_ALL);
        CHECK(rec_at(&x, 9, 1) == 2 && rec_at(&x, 9, 0) == 9);
    }
    fx_free(&x);
}

static void runs_merge_partial_sections_over_the_base(void)
{
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 3, center: 10}\n"
                "trainer: {kind: gd, learning_rate: 0.2, steps: 4}\n"
                "runs:\n  - {label: fast, trainer: {learning_rate: 0.4}}\n"
                "  - {label: far, model: {x0: -5}}\n  - {}\n"
                "layout: {cols: 3}\n"
                "panels: [{kind: descent, run: fast}, {kind: descent, run: far}, "
                "{kind: descent, run: 3}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    CHECK(x.s->nruns == 3);
    CHECK_STR(x.s->runs[0].label, "fast");
    CHECK_STR(x.s->runs[1].label, "far");
    CHECK_STR(x.s->runs[2].label, "run 3");
    /* fast: x0 3 (base), lr 0.4 (own), steps 4 (base). */
    CHECK_NEAR(trace_value(&x.t[0], 0, "x"), 3, 0);
    CHECK_NEAR(trace_value(&x.t[0], 0, "learning_rate"), 0.4, 0);
    CHECK(x.t[0].nrec == 5);
    /* far: x0 -5 (own), center 10 kept, lr 0.2 (base): x1 = -5 + 0.4 * 15. */
    CHECK_NEAR(trace_value(&x.t[1], 0, "x"), -5, 0);
    CHECK_NEAR(trace_value(&x.t[1], 1, "x"), 1, 1e-12);
    CHECK_NEAR(trace_value(&x.t[1], 0, "learning_rate"), 0.2, 0);
    CHECK_NEAR(trace_value(&x.t[2], 1, "x"), 3 + 0.4 * 7, 1e-12);
    CHECK(x.s->panels[2].run == 2);
    fx_free(&x);
}

static void vary_over_two_paths_labels_both_values(void)
{
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 3}\ntrainer: {kind: gd, steps: 2}\n"
                "vary: {trainer.learning_rate: [0.1, 0.2], model.x0: [1, 2]}\n"
                "panels: [{kind: loss-curve, run: all}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK_STR(x.s->runs[1].label, "learning_rate=0.2, x0=2");
        CHECK_NEAR(trace_value(&x.t[1], 0, "x"), 2, 0);
        /* Two values: no single constant channel. */
        CHECK(x.s->runs[1].value_name == NULL);
    }
    fx_free(&x);
}

static void vary_over_a_model_option_records_it_as_a_constant_channel(void)
{
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 3, center: 0}\ntrainer: {kind: gd, steps: 3}\n"
                "vary: {model.center: [4, -2.5]}\npanels: [{kind: descent, run: 2}]\n");
    CHECK(x.ok);
    if (x.ok) {
        int c0 = 1, c1 = 1;
        for (int k = 0; k < x.t[0].nrec; k++)
            c0 &= trace_value(&x.t[0], k, "center") == 4;
        for (int k = 0; k < x.t[1].nrec; k++)
            c1 &= trace_value(&x.t[1], k, "center") == -2.5;
        CHECK(x.t[0].nrec == 4 && c0 && c1);
        CHECK_STR(x.s->runs[1].label, "center=-2.5");
    }
    fx_free(&x);
}

static void list_values_of_vary_and_sweep_give_runs_labels_that_differ(void)
{
    /* Values may be lists (data.x_range): runs must still be told apart,
     * in legends and by run: <label>. */
    struct fx x;
    fx_load(&x, "id: t\ndata: {kind: line, n: 10}\nmodel: {kind: linear}\ntrainer: {kind: gd, steps: 2}\n"
                "vary: {data.x_range: [[0, 1], [0, 2]]}\npanels: [{kind: loss-curve, run: all}]\n");
    CHECK(x.ok);
    if (x.ok)
        CHECK(strcmp(x.s->runs[0].label, x.s->runs[1].label) != 0);
    fx_free(&x);
    fx_load(&x, "id: t\ndata: {kind: line, n: 10}\nmodel: {kind: linear}\ntrainer: {kind: gd, steps: 2}\n"
                "sweep: {path: data.x_range, values: [[0, 1], [0, 2]]}\npanels: [{kind: data-fit}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(strcmp(x.s->runs[0].label, x.s->runs[1].label) != 0);
        /* A constant channel named x_range, if there is one, holds a number. */
        double v = trace_value(&x.t[0], 0, "x_range");
        CHECK(trace_channel(&x.t[0], "x_range") < 0 || isfinite(v));
    }
    fx_free(&x);
}

/* ---- sweep ------------------------------------------------------------------ */

static void sweep_values_make_one_run_per_value_with_a_constant_channel(void)
{
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 10}\n"
                "data: {kind: line, n: 20, noise: 0}\nmodel: {kind: linear}\n"
                "trainer: {kind: gd, learning_rate: 0.01, steps: 5}\n"
                "sweep: {path: data.noise, values: [0, 0.5, 2], seconds: 0.5}\n"
                "frames: {hold: 1}\npanels: [{kind: data-fit}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    CHECK(x.s->sweep.n == 3 && x.s->nruns == 3);
    CHECK_STR(x.s->sweep.name, "noise");
    CHECK_STR(x.s->runs[0].label, "noise=0");
    CHECK_STR(x.s->runs[1].label, "noise=0.5");
    CHECK_STR(x.s->runs[2].label, "noise=2");
    static const double v[] = {0, 0.5, 2};
    for (int r = 0; r < 3; r++) {
        int constant = x.t[r].nrec == 6;
        for (int k = 0; k < x.t[r].nrec; k++)
            constant &= trace_value(&x.t[r], k, "noise") == v[r];
        CHECK(constant);
    }
    /* The runs really got different data: more noise, more loss at the end. */
    CHECK(trace_value(&x.t[0], 5, "loss") < trace_value(&x.t[2], 5, "loss"));
    /* The clock steps through the values: 5 frames each, then the hold. */
    CHECK(x.tl.last_step == 2);
    CHECK(x.tl.nframes == 15 + 10);
    CHECK(first_frame_of_step(&x, 1) == 5 && first_frame_of_step(&x, 2) == 10);
    CHECK(x.s->panels[0].run == SCENE_RUN_SWEPT);
    /* Each run shows its final record. */
    CHECK(rec_at(&x, 0, 0) == 5 && rec_at(&x, 7, 1) == 5);
    fx_free(&x);
}

static void sweep_from_to_steps_spaces_values_linearly(void)
{
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 0}\ntrainer: {kind: gd, steps: 2}\n"
                "sweep: {path: model.center, from: 1, to: 2, steps: 5}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    static const double v[] = {1, 1.25, 1.5, 1.75, 2};
    static const char *const lab[] = {"center=1", "center=1.25", "center=1.5", "center=1.75",
                                      "center=2"};
    CHECK(x.s->sweep.n == 5);
    for (int i = 0; i < 5 && i < x.s->sweep.n; i++) {
        CHECK_NEAR(x.s->sweep.values[i], v[i], 1e-12);
        CHECK_STR(x.s->runs[i].label, lab[i]);
        CHECK_NEAR(trace_value(&x.t[i], 0, "center"), v[i], 1e-12);
        /* The swept value reached the model: x1 = 0 - 0.01 * 2 (0 - c). */
        CHECK_NEAR(trace_value(&x.t[i], 1, "x"), 0.02 * v[i], 1e-12);
    }
    /* seconds defaults to 1: 20 frames per value at 20 fps, plus 1 s. */
    CHECK(x.tl.nframes == 5 * 20 + 20);
    fx_free(&x);
}

static void sweep_on_a_log_scale_multiplies_by_a_constant_ratio(void)
{
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 0, center: 1}\ntrainer: {kind: gd, steps: 2}\n"
                "sweep: {path: trainer.learning_rate, from: 0.001, to: 1, steps: 4, scale: log}\n"
                "panels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    static const double v[] = {0.001, 0.01, 0.1, 1};
    static const char *const lab[] = {"learning_rate=0.001", "learning_rate=0.01",
                                      "learning_rate=0.1", "learning_rate=1"};
    for (int i = 0; i < 4 && i < x.s->sweep.n; i++) {
        CHECK_NEAR(x.s->sweep.values[i], v[i], 1e-15);
        CHECK_STR(x.s->runs[i].label, lab[i]);
        CHECK_NEAR(trace_value(&x.t[i], 1, "learning_rate"), v[i], 1e-15);
        CHECK_NEAR(trace_value(&x.t[i], 1, "x"), 2 * v[i], 1e-12);
    }
    fx_free(&x);
}

/* ---- beats ------------------------------------------------------------------ */

static void beats_with_a_count_last_equally_and_record_step_and_beat(void)
{
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 10}\nbeats: {count: 3, seconds: 2}\nframes: {hold: 0.5}\n"
                "panels: [{kind: text, text: \"beat {beat}\"}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    CHECK(x.s->beats.n == 3 && x.s->nruns == 1);
    CHECK(x.s->runs[0].trainer == NULL && x.s->runs[0].model == NULL);
    CHECK(x.t[0].nrec == 3);
    for (int k = 0; k < 3; k++) {
        CHECK_NEAR(trace_value(&x.t[0], k, "step"), k, 0);
        CHECK_NEAR(trace_value(&x.t[0], k, "beat"), k, 0);
    }
    CHECK(x.tl.nframes == 60 + 5);
    CHECK(frames_of_step(&x, 0) == 20 && frames_of_step(&x, 2) == 25);
    CHECK(rec_at(&x, 39, 0) == 1 && rec_at(&x, 40, 0) == 2);
    fx_free(&x);
}

static void beats_with_a_list_of_seconds_last_each_its_own(void)
{
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 4}\nbeats: {seconds: [3, 2, 0.5s, 250ms]}\nframes: {hold: 0}\n"
                "panels: [{kind: text, text: \"{beat}\"}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    CHECK(x.s->beats.n == 4);
    /* 12, 8, 2, 1 frames at 4 fps; starts 0, 12, 20, 22. */
    CHECK(x.tl.nframes == 23);
    CHECK(frames_of_step(&x, 0) == 12 && frames_of_step(&x, 1) == 8);
    CHECK(frames_of_step(&x, 2) == 2 && frames_of_step(&x, 3) == 1);
    CHECK_NEAR(x.tl.step_time[1], 3, 1e-12);
    CHECK_NEAR(x.tl.step_time[3], 5.5, 1e-12);
    fx_free(&x);
}

static void beats_refuse_the_pacing_of_steps(void)
{
    /* A beat lasts its own seconds: duration and per_step, which pace
     * training steps, are errors rather than silently ignored. */
    struct fx x;
    fx_load(&x, "id: t\nbeats: {count: 2, seconds: 1}\nframes: {duration: 10s, hold: 0}\n"
                "panels: [{kind: text, text: \"{beat}\"}]\n");
    CHECK(!x.ok);
    fx_free(&x);
    fx_load(&x, "id: t\nbeats: {count: 2, seconds: 1}\nframes: {per_step: 2, hold: 0}\n"
                "panels: [{kind: text, text: \"{beat}\"}]\n");
    CHECK(!x.ok);
    fx_free(&x);
    fx_load(&x, "id: t\nbeats: {count: 2, seconds: 1}\nframes: {hold: 0}\n"
                "panels: [{kind: text, text: \"{beat}\"}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.tl.nframes == 40);
        CHECK(x.tl.f[0].nsub == 1);
    }
    fx_free(&x);
}

static void beats_glide_from_the_beat_before_when_tweened(void)
{
    /* tween 3 at 20 fps, 1 s a beat: 20 frames a beat in 4 pictures, the
     * first three gliding from the beat before, the last the beat itself.
     * The first beat comes from nowhere and does not glide. */
    struct fx x;
    fx_load(&x, "id: t\nbeats: {count: 3, seconds: 1}\nframes: {tween: 3, hold: 0}\n"
                "panels: [{kind: text, text: \"{beat}\"}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.tl.nframes == 60);
        CHECK(x.tl.f[0].nsub == 1 && x.tl.f[19].nsub == 1);
        CHECK(x.tl.f[20].step == 1 && x.tl.f[20].from == 0 && x.tl.f[20].nsub == 4 &&
              x.tl.f[20].sub == 0);
        CHECK(x.tl.f[34].sub == 2 && x.tl.f[34].nsub == 4);
        CHECK(x.tl.f[39].step == 1 && x.tl.f[39].nsub == 1);
        CHECK(x.tl.f[40].from == 1 && x.tl.f[40].nsub == 4);
    }
    fx_free(&x);
}

static void beats_frames_show_their_own_beat_even_with_keyframes(void)
{
    /* A scene of beats with a model and keyframes: refusing it is fine;
     * if it loads, each beat's frames must show that beat's record, and
     * the model's parameters must be numbers, not NaN. */
    char msg[2048];
    struct fx x;
    fx_from_scene(&x, load_captured("id: t\ncanvas: {fps: 10}\nmodel: {kind: parabola, x0: 1}\n"
                                    "keyframes: [{at: 0s, x0: 0}, {at: 1s, x0: 5}]\n"
                                    "beats: {count: 3, seconds: 1}\nframes: {hold: 0}\n"
                                    "panels: [{kind: text, text: \"beat {beat} x {x}\"}]\n",
                                    msg, sizeof msg));
    if (x.s) {
        CHECK(x.ok);
        int own = 1, finite = 1;
        for (int i = 0; x.ok && i < x.tl.nframes; i++) {
            int rec = rec_at(&x, i, 0);
            if (x.tl.f[i].kf < 0)
                own &= trace_value(&x.t[0], rec, "beat") == x.tl.f[i].step;
            finite &= isfinite(trace_value(&x.t[0], rec, "x"));
        }
        CHECK(own);
        CHECK(finite);
    }
    fx_free(&x);
}

static void beats_with_a_model_record_its_parameters_or_are_refused(void)
{
    char msg[2048];
    struct fx x;
    fx_from_scene(&x, load_captured("id: t\nmodel: {kind: parabola, x0: 1.5}\n"
                                    "beats: {count: 2, seconds: 1}\n"
                                    "panels: [{kind: text, text: \"x = {x}\"}]\n", msg, sizeof msg));
    if (x.s) {
        CHECK(x.ok);
        /* {x} was accepted: it must show the model's x, not NaN. */
        CHECK_NEAR(trace_value(&x.t[0], 0, "x"), 1.5, 0);
        CHECK_NEAR(trace_value(&x.t[0], 1, "x"), 1.5, 0);
    }
    fx_free(&x);
}

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static struct scene *load_in_dir(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return scene_load(path);
}

static void beats_over_csv_rows_put_each_row_in_its_record(void)
{
    write_file("rows.csv", "month,sales,rain\n1,10.5,3\n2,12,0\n3,9.25,7\n");
    write_file("rows.yaml",
               "id: t\ndata: {kind: csv, file: rows.csv, features: [month, rain], y: sales}\n"
               "beats: {rows: true, seconds: 0.5}\nframes: {hold: 0}\n"
               "panels: [{kind: text, text: \"{month} {rain} {y}\"}]\n");
    struct fx x;
    fx_from_scene(&x, load_in_dir("rows.yaml"));
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    CHECK(x.s->beats.n == 3 && x.s->beats.rows == 1);
    CHECK(x.t[0].nrec == 3);
    static const double month[] = {1, 2, 3}, rain[] = {3, 0, 7}, sales[] = {10.5, 12, 9.25};
    for (int k = 0; k < 3 && k < x.t[0].nrec; k++) {
        CHECK_NEAR(trace_value(&x.t[0], k, "beat"), k, 0);
        CHECK_NEAR(trace_value(&x.t[0], k, "month"), month[k], 0);
        CHECK_NEAR(trace_value(&x.t[0], k, "rain"), rain[k], 0);
        CHECK_NEAR(trace_value(&x.t[0], k, "y"), sales[k], 0);
    }
    CHECK(x.tl.nframes == 30);      /* 3 x 0.5 s at 20 fps */
    fx_free(&x);
}

static void beats_over_a_range_of_rows_start_at_first_row(void)
{
    write_file("range.csv", "year,v\n1970,1\n1971,2\n1972,3\n1973,4\n");
    write_file("range.yaml",
               "id: t\ndata: {kind: csv, file: range.csv, features: [year, v]}\n"
               "beats: {rows: true, first_row: 1, last_row: 2, seconds: 1}\nframes: {hold: 0}\n"
               "panels: [{kind: text, text: \"{year}\"}]\n");
    struct fx x;
    fx_from_scene(&x, load_in_dir("range.yaml"));
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.s->beats.n == 2 && x.t[0].nrec == 2);
        CHECK_NEAR(trace_value(&x.t[0], 0, "year"), 1971, 0);
        CHECK_NEAR(trace_value(&x.t[0], 1, "year"), 1972, 0);
        CHECK_NEAR(trace_value(&x.t[0], 1, "beat"), 1, 0);
        CHECK(x.s->runs[0].beat_first_row == 1);
    }
    fx_free(&x);
    /* Past the data, backwards, or without rows: located errors. */
    static const char *const bad[] = {"{rows: true, last_row: 4, seconds: 1}",
                                      "{rows: true, first_row: 3, last_row: 2, seconds: 1}",
                                      "{count: 2, first_row: 1, seconds: 1}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml, "id: t\ndata: {kind: csv, file: range.csv, features: [year, v]}\n"
                 "beats: %s\npanels: [{kind: text, text: \"{beat}\"}]\n", bad[i]);
        write_file("range-bad.yaml", yaml);
        char path[256];
        snprintf(path, sizeof path, "%s/range-bad.yaml", tmpdir);
        capture_start();
        struct scene *s = scene_load(path);
        CHECK(s == NULL);
        CHECK(strstr(capture_text(), "range-bad.yaml:3:") != NULL);
        capture_end();
        scene_free(s);
    }
}

static void beats_over_generated_rows_hold_each_rows_target(void)
{
    /* line data with x given and no noise: y = 2x + 1 exactly. */
    struct fx x;
    fx_load(&x, "id: t\ndata: {kind: line, x: [0, 1, 4], slope: 2, intercept: 1, noise: 0}\n"
                "beats: {rows: true, seconds: [1, 2, 3]}\nframes: {hold: 0}\n"
                "panels: [{kind: text, text: \"{y}\"}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    CHECK(x.s->beats.n == 3);
    static const double y[] = {1, 3, 9};
    for (int k = 0; k < 3 && k < x.t[0].nrec; k++)
        CHECK_NEAR(trace_value(&x.t[0], k, "y"), y[k], 1e-12);
    CHECK(x.tl.nframes == 120);
    fx_free(&x);
}

/* ---- keyframes -------------------------------------------------------------- */

#define KF_DATA "data: {kind: line, x: [0, 1, 2, 3], slope: 2, intercept: 1, noise: 0}\n"

static void keyframes_make_one_record_per_frame_along_the_easing(void)
{
    /* 2 s at 10 fps: 20 keyframe records, record f at f / 10 s. w eases
     * in-out from 0.5 to 2.5; b is only set at 0 and holds 8. Then gd
     * starts from w 2.5, b 8. */
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 10}\n" KF_DATA "model: {kind: linear, w: 0, b: 0}\n"
                "keyframes: [{at: 0s, w: 0.5, b: 8}, {at: 2s, w: 2.5, ease: in-out}]\n"
                "trainer: {kind: gd, learning_rate: 0.01, steps: 3}\n"
                "frames: {per_step: 2, hold: 0}\npanels: [{kind: data-fit}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    const struct run *r = &x.s->runs[0];
    CHECK(r->kf_records == 20);
    CHECK(x.t[0].nrec == 20 + 4);
    int ok = 1;
    for (int f = 0; f < 20; f++) {
        double u = f / 20.0;
        double e = u < 0.5 ? 4 * u * u * u : 1 - pow(-2 * u + 2, 3) / 2;
        ok &= fabs(trace_value(&x.t[0], f, "w") - (0.5 + 2 * e)) < 1e-12;
        ok &= trace_value(&x.t[0], f, "b") == 8;
        ok &= trace_value(&x.t[0], f, "step") == 0;
    }
    CHECK(ok);
    CHECK_NEAR(trace_value(&x.t[0], 5, "w"), 0.625, 1e-12);    /* u = 0.25 */
    CHECK_NEAR(trace_value(&x.t[0], 15, "w"), 2.375, 1e-12);   /* u = 0.75 */
    /* The loss follows the moved line: MSE of w x + b against 2x + 1. */
    double w = 0.625, b = 8, mse = 0;
    for (int i = 0; i < 4; i++)
        mse += pow(w * i + b - (2 * i + 1), 2);
    mse /= 4;
    CHECK_NEAR(trace_value(&x.t[0], 5, "loss"), mse, 1e-9 * mse);
    /* The trainer's first record holds the last keyframe's values. */
    CHECK_NEAR(trace_value(&x.t[0], 20, "w"), 2.5, 0);
    CHECK_NEAR(trace_value(&x.t[0], 20, "b"), 8, 0);
    CHECK_NEAR(trace_value(&x.t[0], 20, "step"), 0, 0);
    CHECK_NEAR(trace_value(&x.t[0], 23, "step"), 3, 0);
    /* Frames: the 20 keyframe frames, then 4 steps x 2. */
    CHECK(x.tl.nframes == 20 + 8);
    int kf = 1;
    for (int i = 0; i < 20; i++)
        kf &= x.tl.f[i].kf == i && rec_at(&x, i, 0) == i;
    CHECK(kf);
    CHECK(x.tl.f[20].kf < 0 && x.tl.f[20].step == 0 && rec_at(&x, 20, 0) == 20);
    CHECK(rec_at(&x, 27, 0) == 23);
    fx_free(&x);
}

static void keyframes_ease_an_option_across_keyframes_that_leave_it_out(void)
{
    /* b is set at 0 s and 6 s only: between, it eases (in-out, the 6 s
     * keyframe's) over the whole 6 s; w moves 0.5 -> 3 (1..3 s) -> 2.5. */
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 4}\n" KF_DATA "model: {kind: linear}\n"
                "keyframes:\n  - {at: 0s, w: 0.5, b: 8}\n  - {at: 1s, w: 0.5}\n"
                "  - {at: 3s, w: 3, ease: in-out}\n  - {at: 6s, w: 2.5, b: 0, ease: out}\n"
                "trainer: {kind: gd, steps: 1}\npanels: [{kind: data-fit}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    CHECK(x.s->runs[0].kf_records == 24);
    /* t = 3 s is record 12: u = 0.5 along b's 0..6 s, out: 1 - 0.5^3. */
    CHECK_NEAR(trace_value(&x.t[0], 12, "b"), 8 - 8 * 0.875, 1e-12);
    CHECK_NEAR(trace_value(&x.t[0], 12, "w"), 3, 1e-12);
    /* t = 0.5 s: w held at 0.5 (keyframes 0 and 1 agree). */
    CHECK_NEAR(trace_value(&x.t[0], 2, "w"), 0.5, 1e-12);
    /* t = 2 s (record 8): half-way from 1 s to 3 s, in-out: 0.5. */
    CHECK_NEAR(trace_value(&x.t[0], 8, "w"), 1.75, 1e-12);
    /* t = 4.5 s (record 18): u = 0.5 from 3 s to 6 s, out: 0.875. */
    CHECK_NEAR(trace_value(&x.t[0], 18, "w"), 3 - 0.5 * 0.875, 1e-12);
    CHECK_NEAR(trace_value(&x.t[0], 24, "w"), 2.5, 0);
    CHECK_NEAR(trace_value(&x.t[0], 24, "b"), 0, 0);
    fx_free(&x);
}

static void keyframe_records_are_one_per_frame_at_the_scene_fps(void)
{
    /* round(last_at * fps): 1.25 s at 12.5 fps = 15.625 -> 16. */
    struct fx x;
    fx_load(&x, "id: t\ncanvas: {fps: 12.5}\nmodel: {kind: parabola, x0: 0}\n"
                "keyframes: [{at: 0s, x0: 0}, {at: 1250ms, x0: 5}]\n"
                "trainer: {kind: gd, steps: 2}\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.s->runs[0].kf_records == 16);
        CHECK(x.t[0].nrec == 16 + 3);
        /* linear: record 5 at 0.4 s is 0.32 of the way. */
        CHECK_NEAR(trace_value(&x.t[0], 5, "x"), 5 * 0.4 / 1.25, 1e-12);
        CHECK_NEAR(trace_value(&x.t[0], 16, "x"), 5, 0);
    }
    fx_free(&x);
}

/* ---- schedule --------------------------------------------------------------- */

static void schedule_sets_and_adds_the_learning_rate_at_the_records_given(void)
{
    /* lr 0.1; at 2 set 0.05; at 5 add 0.01 three times: 0.08. Record k's
     * channel shows the rate of the update that leaves record k. */
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 0, center: 10}\n"
                "trainer: {kind: gd, learning_rate: 0.1, steps: 8}\n"
                "schedule:\n  - {at: 2, set: {learning_rate: 0.05}}\n"
                "  - {at: 5, add: {learning_rate: 0.01}, times: 3}\n"
                "panels: [{kind: descent, info: \"lr {learning_rate}\"}]\n");
    CHECK(x.ok);
    if (!x.ok) { fx_free(&x); return; }
    static const double lr[9] = {0.1, 0.1, 0.05, 0.05, 0.05, 0.08, 0.08, 0.08, 0.08};
    CHECK(x.t[0].nrec == 9);
    double xv = 0;
    for (int k = 0; k < 9 && k < x.t[0].nrec; k++) {
        CHECK_NEAR(trace_value(&x.t[0], k, "learning_rate"), lr[k], 1e-15);
        CHECK_NEAR(trace_value(&x.t[0], k, "lr"), lr[k], 1e-15);
        CHECK_NEAR(trace_value(&x.t[0], k, "x"), xv, 1e-12);
        xv -= lr[k] * 2 * (xv - 10);
    }
    CHECK(x.t[0].nevents == 2);
    if (x.t[0].nevents == 2) {
        const struct trace_event *a = &x.t[0].events[0], *b = &x.t[0].events[1];
        CHECK(a->step == 2 && a->op == '=' && a->times == 1);
        CHECK_STR(a->name, "learning_rate");
        CHECK_NEAR(a->before, 0.1, 0);
        CHECK_NEAR(a->after, 0.05, 0);
        CHECK(b->step == 5 && b->op == '+' && b->times == 3);
        CHECK_NEAR(b->before, 0.05, 0);
        CHECK_NEAR(b->after, 0.08, 1e-15);
    }
    fx_free(&x);
}

static void schedule_at_zero_changes_the_first_update(void)
{
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 0, center: 10}\n"
                "trainer: {kind: gd, learning_rate: 0.1, steps: 2}\n"
                "schedule: [{at: 0, set: {learning_rate: 0.5}}]\npanels: [{kind: descent}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK_NEAR(trace_value(&x.t[0], 0, "learning_rate"), 0.5, 0);
        CHECK_NEAR(trace_value(&x.t[0], 1, "x"), 10, 1e-12);
        CHECK(x.t[0].nevents == 1 && x.t[0].events[0].step == 0);
    }
    fx_free(&x);
}

static void schedule_applies_to_every_run_of_a_vary(void)
{
    /* vary sets each run's starting rate; the schedule then changes it.
     * The learning_rate channel must show the scheduled value, not the
     * run's constant. */
    struct fx x;
    fx_load(&x, "id: t\nmodel: {kind: parabola, x0: 0, center: 10}\n"
                "trainer: {kind: gd, steps: 4}\n"
                "vary: {trainer.learning_rate: [0.1, 0.2]}\n"
                "schedule: [{at: 2, add: {learning_rate: 0.05}}]\n"
                "panels: [{kind: loss-curve, run: all}]\n");
    CHECK(x.ok);
    if (x.ok) {
        CHECK(x.t[0].nevents == 1 && x.t[1].nevents == 1);
        CHECK_NEAR(trace_value(&x.t[0], 1, "learning_rate"), 0.1, 1e-15);
        CHECK_NEAR(trace_value(&x.t[0], 3, "learning_rate"), 0.15, 1e-15);
        CHECK_NEAR(trace_value(&x.t[1], 3, "learning_rate"), 0.25, 1e-15);
        CHECK_NEAR(trace_value(&x.t[1], 3, "lr"), 0.25, 1e-15);
    }
    fx_free(&x);
}

/* ---- variants --------------------------------------------------------------- */

static void variants_make_one_scene_per_value_named_by_suffix(void)
{
    struct scene *s = scene_from_text(
        "id: vt\nmodel: {kind: parabola, x0: 0, center: 10}\n"
        "trainer: {kind: gd, learning_rate: 0.3, steps: 3}\n"
        "variants: {trainer.learning_rate: [0.01, 0.1, 1e-3]}\npanels: [{kind: descent}]\n");
    CHECK(s != NULL);
    if (!s) return;
    CHECK(s->nvariants == 3);
    CHECK_STR(s->out_name, "vt");
    static const char *const suffix[] = {"learning_rate=0.01", "learning_rate=0.1",
                                         "learning_rate=1e-3"};
    static const double lr[] = {0.01, 0.1, 1e-3};
    for (int i = 0; i < 3 && i < s->nvariants; i++) {
        const struct variant *v = &s->variants[i];
        CHECK_STR(v->suffix, suffix[i]);
        CHECK_STR(v->path, "trainer.learning_rate");
        char name[64];
        snprintf(name, sizeof name, "vt@%s", suffix[i]);
        CHECK_STR(v->scene->out_name, name);
        CHECK(v->scene->nvariants == 0);
        struct trace t[1];
        CHECK(scene_simulate(v->scene, t) == 0);
        CHECK_NEAR(trace_value(&t[0], 0, "learning_rate"), lr[i], 0);
        CHECK_NEAR(trace_value(&t[0], 1, "x"), 20 * lr[i], 1e-12);
        trace_release(&t[0]);
    }
    /* The base scene keeps its own rate. */
    struct trace t[1];
    scene_simulate(s, t);
    CHECK_NEAR(trace_value(&t[0], 0, "learning_rate"), 0.3, 0);
    trace_release(&t[0]);
    scene_free(s);
}

static void variant_names_escape_what_a_file_name_should_not_hold(void)
{
    struct scene *s = scene_from_text(
        "id: vt\ndata: {kind: line, n: 10}\nmodel: {kind: linear}\ntrainer: {kind: gd, steps: 2}\n"
        "variants: {data.x_range: [[0, 5], [-1, 1]]}\npanels: [{kind: data-fit}]\n");
    CHECK(s != NULL);
    if (!s) return;
    CHECK(s->nvariants == 2);
    /* A list's value as written is not a scalar: the suffixes must still
     * differ, name the value, and hold only safe bytes. */
    if (s->nvariants == 2) {
        CHECK(strcmp(s->variants[0].suffix, s->variants[1].suffix) != 0);
        CHECK(strchr(s->variants[0].suffix, '/') == NULL);
        CHECK(strchr(s->variants[0].suffix, ' ') == NULL);
    }
    scene_free(s);
}

static void variants_under_set_carry_both_suffixes(void)
{
    char path[] = "/tmp/mlanim-test-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("id: vt\nmodel: {kind: parabola}\ntrainer: {kind: gd, steps: 3}\n"
          "variants: {trainer.learning_rate: [0.01, 0.1]}\npanels: [{kind: descent}]\n", f);
    fclose(f);
    struct scene_set set = {"trainer.steps", "5"};
    struct scene *s = scene_load_set(path, &set, 1);
    unlink(path);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_STR(s->out_name, "vt@trainer.steps=5");
    CHECK(s->nvariants == 2);
    if (s->nvariants == 2) {
        CHECK_STR(s->variants[1].scene->out_name, "vt@trainer.steps=5,learning_rate=0.1");
        struct trace t[1];
        scene_simulate(s->variants[1].scene, t);
        CHECK(t[0].nrec == 6);      /* the --set reached the variant */
        trace_release(&t[0]);
    }
    scene_free(s);
}

/* ---- --set ------------------------------------------------------------------ */

#define SET_SCENE "id: st\ndata: {kind: line, n: 10}\nmodel: {kind: linear}\n" \
                  "trainer: {kind: gd, learning_rate: 0.01, steps: 3}\npanels: [{kind: data-fit}]\n"

static void set_overrides_a_value_and_names_the_outputs_after_it(void)
{
    char msg[2048];
    struct scene_set set = {"trainer.learning_rate", "0.5"};
    struct scene *s = load_set_captured(SET_SCENE, &set, 1, msg, sizeof msg);
    CHECK(s != NULL);
    CHECK_STR(msg, "");
    if (!s) return;
    CHECK_STR(s->out_name, "st@trainer.learning_rate=0.5");
    CHECK_STR(s->id, "st");
    struct trace t[1];
    scene_simulate(s, t);
    CHECK_NEAR(trace_value(&t[0], 0, "learning_rate"), 0.5, 0);
    trace_release(&t[0]);
    scene_free(s);
}

static void set_names_join_the_values_with_their_whole_paths(void)
{
    char msg[2048];
    struct scene_set sets[] = {{"data.n", "12"}, {"canvas.fps", "10"}, {"model.w", "1.5"}};
    struct scene *s = load_set_captured(SET_SCENE, sets, 3, msg, sizeof msg);
    CHECK(s != NULL);
    if (!s) { fprintf(stderr, "%s", msg); return; }
    CHECK_STR(s->out_name, "st@data.n=12,canvas.fps=10,model.w=1.5");
    CHECK(s->data.n == 12 && s->canvas.fps.num == 10);
    scene_free(s);
    struct scene_set same[] = {{"panels.1.title", "a"}, {"panels.2.title", "b"}};
    s = load_set_captured("id: st\nmodel: {kind: parabola}\ntrainer: {kind: gd}\n"
                          "layout: {cols: 2}\npanels: [{kind: descent}, {kind: loss-curve}]\n",
                          same, 2, msg, sizeof msg);
    CHECK(s != NULL);
    if (s)
        CHECK_STR(s->out_name, "st@panels.1.title=a,panels.2.title=b");
    scene_free(s);
}

static void set_of_an_unknown_key_is_an_error_located_at_the_command_line(void)
{
    char msg[2048];
    struct scene_set set = {"trainer.learnig_rate", "0.5"};
    struct scene *s = load_set_captured(SET_SCENE, &set, 1, msg, sizeof msg);
    CHECK(s == NULL);
    CHECK(strncmp(msg, "command line: error:", 20) == 0);
    CHECK(strstr(msg, "learnig_rate") != NULL);
    CHECK(strstr(msg, "learning_rate") != NULL);    /* the suggestion */
    scene_free(s);
}

static void set_with_a_bad_path_or_value_is_refused_at_the_command_line(void)
{
    static const struct scene_set bad[] = {
        {"trainer..learning_rate", "0.5"}, {"trainer.", "0.5"}, {"trainer/lr", "1"},
        {".trainer", "1"}, {"trainer.learning_rate", "-1"}, {"trainer.learning_rate", "[1, 2]"},
        {"trainer.learning_rate", "{a: 1"}, {"panels.9.title", "x"}, {"id.x", "1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char msg[2048];
        struct scene *s = load_set_captured(SET_SCENE, &bad[i], 1, msg, sizeof msg);
        CHECK(s == NULL);
        if (strncmp(msg, "command line", 12) != 0 || !strstr(msg, "error:")) {
            fprintf(stderr, "    --set %s=%s said: %s", bad[i].path, bad[i].value, msg);
            CHECK(!"the message is located at the command line");
        }
        scene_free(s);
    }
}

static void set_takes_a_yaml_list_for_a_list_option(void)
{
    char msg[2048];
    struct scene_set set = {"data.x_range", "[0, 5]"};
    struct scene *s = load_set_captured(SET_SCENE, &set, 1, msg, sizeof msg);
    CHECK(s != NULL);
    CHECK_STR(msg, "");
    if (!s) return;
    double lo = 1e9, hi = -1e9;
    for (int i = 0; i < s->data.n; i++) {
        lo = fmin(lo, s->data.x[i]);
        hi = fmax(hi, s->data.x[i]);
    }
    CHECK(lo >= 0 && hi <= 5 && hi > 1);
    /* The name escapes what a file name should not hold. */
    CHECK(strchr(s->out_name, ' ') == NULL && strchr(s->out_name, '[') == NULL);
    CHECK(strncmp(s->out_name, "st@data.x_range=", 16) == 0);
    scene_free(s);
}

static void set_of_a_panel_item_by_number_reaches_that_panel(void)
{
    char msg[2048];
    struct scene_set set = {"panels.1.title", "\"w is {w:.1f}\""};
    struct scene *s = load_set_captured(SET_SCENE, &set, 1, msg, sizeof msg);
    CHECK(s != NULL);
    scene_free(s);
    struct scene_set bad = {"panels.1.title", "\"{nope}\""};
    s = load_set_captured(SET_SCENE, &bad, 1, msg, sizeof msg);
    CHECK(s == NULL);
    CHECK(strncmp(msg, "command line: error:", 20) == 0);
    CHECK(strstr(msg, "nope") != NULL);
    scene_free(s);
}

/* ---- clips ------------------------------------------------------------------ */

#define CLIP(id, fps, steps) \
    "    - {id: " id ", canvas: {width: 400, height: 300, fps: " fps "}, " \
    "model: {kind: parabola, x0: 3}, trainer: {kind: gd, steps: " steps "}, " \
    "frames: {per_step: 1, hold: 0}, panels: [{kind: descent}]}\n"

static void clips_hold_runs_as_long_as_the_longest_clip(void)
{
    struct scene *s = scene_from_text(
        "id: c\ncanvas: {width: 800, height: 300, fps: 20}\nclips:\n  end: hold\n  scenes:\n"
        CLIP("a", "10", "9") CLIP("b", "20", "39"));
    CHECK(s != NULL);
    if (!s) return;
    CHECK(s->clips.n == 2 && s->clips.end == CLIPS_HOLD);
    struct stage st;
    CHECK(stage_prepare(&st, s) == 0);
    /* a: 10 frames at 10 fps = 1 s; b: 40 frames at 20 fps = 2 s. */
    CHECK(st.clips[0].tl.nframes == 10 && st.clips[1].tl.nframes == 40);
    CHECK(st.tl.nframes == 40);
    int ok = 1;
    for (int i = 0; i < st.tl.nframes; i++) {
        int a = i / 2 < 10 ? i / 2 : 9;
        ok &= st.tl.clip_frame[i * 2] == a && st.tl.clip_frame[i * 2 + 1] == i;
    }
    CHECK(ok);
    /* Two clips side by side, both 400x300: each its own half. */
    CHECK_NEAR(s->clips.w[0], 400, 1e-9);
    CHECK_NEAR(s->clips.x[1], 400, 1e-9);
    CHECK(timeline_same(s, &st.tl, 38, 39) == 0);
    CHECK(timeline_same(s, &st.tl, 0, 1) == 0);     /* b moves every frame */
    stage_release(&st);
    scene_free(s);
}

static void clips_trim_ends_with_the_shortest_clip(void)
{
    struct scene *s = scene_from_text(
        "id: c\ncanvas: {width: 800, height: 300, fps: 20}\nclips:\n  end: trim\n  gap: 10\n"
        "  scenes:\n" CLIP("a", "10", "9") CLIP("b", "20", "39"));
    CHECK(s != NULL);
    if (!s) return;
    struct stage st;
    CHECK(stage_prepare(&st, s) == 0);
    CHECK(st.tl.nframes == 20);
    CHECK(st.tl.clip_frame[19 * 2] == 9 && st.tl.clip_frame[19 * 2 + 1] == 19);
    /* The gap shrinks both to fit: 810 px wide scaled into 800. */
    CHECK(s->clips.x[1] > s->clips.x[0] + s->clips.w[0]);
    CHECK(s->clips.x[1] + s->clips.w[1] <= 800 + 1e-9);
    stage_release(&st);
    scene_free(s);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_time.XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(easing_curves_take_their_cubic_values_at_quarters);
    RUN(easing_curves_rise_monotonically_and_in_out_is_symmetric);
    RUN(per_step_in_seconds_rounds_the_cumulative_time);
    RUN(per_step_written_250ms_is_a_quarter_second);
    RUN(per_step_bare_integer_counts_frames_at_any_fps);
    RUN(the_same_script_at_twice_the_fps_lasts_as_long_with_twice_the_frames);
    RUN(hold_start_shows_the_first_picture_before_the_steps);
    RUN(tween_splits_each_step_into_pictures_arriving_from_the_one_before);
    RUN(tween_with_fewer_frames_than_pictures_still_spans_the_step);
    RUN(duration_spreads_the_selected_steps_over_that_time);
    RUN(duration_with_many_steps_keeps_the_total_and_shows_the_last);
    RUN(steps_shorter_than_a_frame_still_show_the_start_and_the_last_record);
    RUN(thin_rules_without_per_step_take_the_frames_one);
    RUN(timeline_bound_counts_what_build_makes);
    RUN(keyframes_after_hold_start_begin_at_the_first_keyframe);
    RUN(sweep_over_steps_shows_runs_of_different_lengths);
    RUN(vary_runs_share_one_clock_and_a_stopped_run_holds_its_last_record);
    RUN(the_frame_count_follows_the_longest_run_whichever_it_is);
    RUN(runs_merge_partial_sections_over_the_base);
    RUN(vary_over_two_paths_labels_both_values);
    RUN(vary_over_a_model_option_records_it_as_a_constant_channel);
    RUN(list_values_of_vary_and_sweep_give_runs_labels_that_differ);
    RUN(sweep_values_make_one_run_per_value_with_a_constant_channel);
    RUN(sweep_from_to_steps_spaces_values_linearly);
    RUN(sweep_on_a_log_scale_multiplies_by_a_constant_ratio);
    RUN(beats_with_a_count_last_equally_and_record_step_and_beat);
    RUN(beats_with_a_list_of_seconds_last_each_its_own);
    RUN(beats_refuse_the_pacing_of_steps);
    RUN(beats_glide_from_the_beat_before_when_tweened);
    RUN(beats_frames_show_their_own_beat_even_with_keyframes);
    RUN(beats_with_a_model_record_its_parameters_or_are_refused);
    RUN(beats_over_csv_rows_put_each_row_in_its_record);
    RUN(beats_over_a_range_of_rows_start_at_first_row);
    RUN(beats_over_generated_rows_hold_each_rows_target);
    RUN(keyframes_make_one_record_per_frame_along_the_easing);
    RUN(keyframes_ease_an_option_across_keyframes_that_leave_it_out);
    RUN(keyframe_records_are_one_per_frame_at_the_scene_fps);
    RUN(schedule_sets_and_adds_the_learning_rate_at_the_records_given);
    RUN(schedule_at_zero_changes_the_first_update);
    RUN(schedule_applies_to_every_run_of_a_vary);
    RUN(variants_make_one_scene_per_value_named_by_suffix);
    RUN(variant_names_escape_what_a_file_name_should_not_hold);
    RUN(variants_under_set_carry_both_suffixes);
    RUN(set_overrides_a_value_and_names_the_outputs_after_it);
    RUN(set_names_join_the_values_with_their_whole_paths);
    RUN(set_of_an_unknown_key_is_an_error_located_at_the_command_line);
    RUN(set_with_a_bad_path_or_value_is_refused_at_the_command_line);
    RUN(set_takes_a_yaml_list_for_a_list_option);
    RUN(set_of_a_panel_item_by_number_reaches_that_panel);
    RUN(clips_hold_runs_as_long_as_the_longest_clip);
    RUN(clips_trim_ends_with_the_shortest_clip);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return CHECK_SUMMARY();
}
