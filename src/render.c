/* render: the frame pipeline (see render.h): simulate, build the
 * timeline, draw frames on a pool of threads into a bounded ring, feed every
 * encoder in order, fit the GIF to its budget; then hand the finished files
 * to manifest.c (what was made) and commit.c (all at once, or not at all). */
#include "render.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commit.h"
#include "encode.h"
#include "limit.h"
#include "manifest.h"
#include "text.h"
#include "util.h"

/* ---- drawing a picture ------------------------------------------------------- */

/* "converged at step 30": why a run that stopped before the clock did
 * holds its last state. */
static void ended_tag(cairo_t *cr, const struct scene *s, const struct trace *t,
                      double x, double y, double w)
{
    const struct theme *th = s->theme;
    char msg[96];
    const char *why = t->stop_reason ? t->stop_reason : "";
    if (strcmp(why, "converged") == 0)
        snprintf(msg, sizeof msg, "converged at step %d", t->stop_step);
    else if (strcmp(why, "diverged") == 0)
        snprintf(msg, sizeof msg, "diverged at step %d", t->stop_step);
    else if (strcmp(why, "max_steps") == 0)
        snprintf(msg, sizeof msg, "not converged after %d steps", t->stop_step);
    else if (strcmp(why, "searched") == 0)
        snprintf(msg, sizeof msg, "all %d points tried", t->stop_step + 1);
    else
        snprintf(msg, sizeof msg, "stopped at step %d", t->stop_step);
    /* Centred just under the title row, where plots keep their top
     * margin: clear of the title and of boxes in the plot's corners. */
    draw_font(cr, 1, th->font_size * 0.9);
    double tw = draw_text_width(cr, msg), bh = th->font_size + 8;
    double bx = x + (w - tw - 14) / 2, by = y + th->title_size + 12;
    draw_box(cr, bx, by, tw + 14, bh, 4, (s->background & 0x00ffffffu) | 0xe8000000u, th->axis, 1);
    draw_set_color(cr, th->text);
    draw_text(cr, bx + 7, by + bh / 2, 0, 0.5, msg);
}

/* A run that simply came to its end (a scan's table, a scene's beats, a
 * learning curve's sizes, a set of retrainings) has nothing to say about
 * why. */
static int ended_plainly(const struct trace *t)
{
    return t->stop_reason && strcmp(t->stop_reason, "end") == 0;
}

/* The panels of a scene (not a composite) for one frame, in layout units. */
static int draw_panels(const struct stage *st, const struct tl_frame *f, double time, cairo_t *cr)
{
    const struct scene *s = st->s;
    int recs[SCENE_MAX_RUNS], froms[SCENE_MAX_RUNS];
    for (int r = 0; r < s->nruns && r < SCENE_MAX_RUNS; r++)
        recs[r] = timeline_rec(s, st->traces, f, r, &froms[r]);
    double *theta = NULL;
    int cap = 0;
    for (int i = 0; i < s->npanels; i++) {
        const struct scene_panel *p = &s->panels[i];
        int r = p->run >= 0 ? p->run : p->run == SCENE_RUN_SWEPT ? f->step : 0;
        if (r >= s->nruns)
            r = s->nruns - 1;
        const struct run *run = &s->runs[r];
        const struct trace *t = &st->traces[r];
        struct panel_ctx c = {.run = p->run == SCENE_RUN_ALL ? NULL : run, .trace = t,
                              .data = run->data ? run->data : &s->data, .rec = recs[r],
                              .rec_from = froms[r], .step = f->kf >= 0 ? 0 : f->step,
                              .nruns = s->nruns, .runs = s->runs, .traces = st->traces,
                              .recs = recs, .sweep = st->sweep.nrec ? &st->sweep : NULL,
                              .sweep_index = s->sweep.n ? f->step : 0, .time = time,
                              .step_time = st->tl.step_time,
                              .nstep_time = st->tl.step_time ? st->tl.last_step + 1 : 0,
                              .th = s->theme, .background = s->background};
        if (p->run == SCENE_RUN_SWEPT) {
            c.rec = t->nrec - 1;
            c.rec_from = c.rec;
        }
        /* A tween: the parameters on their way from the step before to
         * this one. */
        c.theta = trace_row(t, c.rec, TRACE_THETA_CHANNEL);
        if (f->nsub > 1 && c.rec_from != c.rec)
            c.frac = (double)(f->sub + 1) / f->nsub;
        /* Without a model (a scene of beats) there are no parameters to
         * move, but the frac still glides a chart's marks. */
        if (c.frac > 0 && run->model) {
            /* theta is the model's blocks one after the other in a record
             * (trainer_theta): np values from the first block's channel. */
            int np = model_nparams(run->model, run->model_opts, c.data);
            if (np > cap) {
                cap = np;
                theta = xrealloc(theta, sizeof(double) * (size_t)cap);
            }
            const double *a = trace_row(t, c.rec_from, TRACE_THETA_CHANNEL);
            const double *b = trace_row(t, c.rec, TRACE_THETA_CHANNEL);
            int finite = 1;
            for (int k = 0; k < np; k++) {
                theta[k] = a[k] + (b[k] - a[k]) * c.frac;
                finite &= isfinite(theta[k]) != 0;
            }
            if (finite) {
                c.theta = theta;
            } else {
                c.frac = 0;
                c.rec_from = c.rec;
            }
        }
        scene_cell_rect(s, p, &c.x, &c.y, &c.w, &c.h);
        /* A panel may not paint over its neighbours. */
        double g = s->layout.gap / 2;
        cairo_save(cr);
        cairo_rectangle(cr, c.x - g, c.y - g, c.w + 2 * g, c.h + 2 * g);
        cairo_clip(cr);
        p->kind->draw(p->opts, &c, cr);
        /* A run that stopped before the clock holds, and says why. */
        if (s->nruns > 1 && p->run >= 0 && f->kf < 0 && !s->sweep.n &&
            trace_get(t, t->nrec - 1, 0) <= f->step && !ended_plainly(t))
            ended_tag(cr, s, t, c.x, c.y, c.w);
        cairo_restore(cr);
    }
    free(theta);
    return 0;
}

/* One frame of a stage, in the stage's canvas pixels (the caller scaled
 * cr to them). Composites draw each clip in its place and scale. */
static void draw_stage(const struct stage *st, int frame, const struct tl_frame *only, cairo_t *cr)
{
    const struct scene *s = st->s;
    if (s->clips.n) {
        const struct clips_opts *c = &s->clips;
        for (int k = 0; k < c->n; k++) {
            const struct stage *cs = &st->clips[k];
            cairo_save(cr);
            cairo_translate(cr, c->x[k], c->y[k]);
            cairo_scale(cr, c->w[k] / cs->s->canvas.width, c->h[k] / cs->s->canvas.height);
            cairo_rectangle(cr, 0, 0, cs->s->canvas.width, cs->s->canvas.height);
            cairo_clip(cr);
            draw_set_color(cr, cs->s->background);
            cairo_paint(cr);
            draw_stage(cs, st->tl.clip_frame[(size_t)frame * c->n + k], NULL, cr);
            cairo_restore(cr);
        }
        return;
    }
    const struct tl_frame *f = only ? only : &st->tl.f[frame];
    double fps = (double)s->canvas.fps.num / s->canvas.fps.den;
    cairo_save(cr);
    cairo_scale(cr, s->unit, s->unit);
    draw_panels(st, f, only ? 0 : frame / fps, cr);
    cairo_restore(cr);
}

static int paint_frame(const struct stage *st, int frame, const struct tl_frame *only,
                       cairo_surface_t *surf, const char *what)
{
    const struct scene *s = st->s;
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
        return diag_fail("%s: no surface to draw on: %s", s->id,
                         cairo_status_to_string(cairo_surface_status(surf)));
    cairo_t *cr = cairo_create(surf);
    int sw = cairo_image_surface_get_width(surf), sh = cairo_image_surface_get_height(surf);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    draw_set_color(cr, s->background);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    cairo_scale(cr, (double)sw / s->canvas.width, (double)sh / s->canvas.height);
    draw_stage(st, frame, only, cr);
    /* cairo's status is sticky: one look at the end catches an error in
     * any panel's drawing, which would otherwise be a silently blank or
     * half-drawn frame. */
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(surf);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surf);
    if (status != CAIRO_STATUS_SUCCESS)
        return diag_fail("%s: drawing %s failed: %s", s->id, what, cairo_status_to_string(status));
    return 0;
}

int render_frame(const struct stage *st, int frame, cairo_surface_t *surf)
{
    assert(st && surf && frame >= 0 && frame < st->tl.nframes);
    char what[48];
    snprintf(what, sizeof what, "frame %d", frame);
    return paint_frame(st, frame, NULL, surf, what);
}

int render_draw(const struct scene *s, const struct trace *traces, int rec, cairo_surface_t *surf)
{
    assert(s && traces && surf && rec >= 0);
    struct stage st = {.s = s, .traces = (struct trace *)traces};
    int step = (int)trace_get(&traces[0], rec, 0);
    struct tl_frame f = {-1, step, step, 0, 1};
    char what[64];
    snprintf(what, sizeof what, "the frame of step record %d", rec);
    return paint_frame(&st, 0, &f, surf, what);
}

/* ---- preparing a stage ------------------------------------------------------- */

/* A sweep's summary: one record per value, with the value and each run's
 * final scalar channels (those of the first run, by name). */
static void sweep_summary(const struct stage *st, struct trace *sum)
{
    const struct scene *s = st->s;
    memset(sum, 0, sizeof *sum);
    trace_channel_add(sum, "step");
    trace_channel_add(sum, "value");
    if (trace_channel(sum, s->sweep.name) < 0)
        trace_channel_add(sum, s->sweep.name);
    const struct trace *t0 = &st->traces[0];
    for (int c = 1; c < t0->nchan; c++)
        if (trace_size(t0, c) == 1 && trace_channel(sum, t0->chan[c].name) < 0)
            trace_channel_add(sum, t0->chan[c].name);
    for (int r = 0; r < s->nruns; r++) {
        const struct trace *t = &st->traces[r];
        double *row = trace_append(sum);
        row[0] = r;
        row[trace_offset(sum, "value")] = s->sweep.values[r];
        row[trace_offset(sum, s->sweep.name)] = s->sweep.values[r];
        for (int c = 3; c < sum->nchan; c++) {
            int k = trace_channel(t, sum->chan[c].name);
            if (k >= 0 && trace_size(t, k) == 1)
                row[sum->chan[c].offset] = trace_get(t, t->nrec - 1, k);
        }
    }
}

int stage_prepare(struct stage *st, const struct scene *s)
{
    memset(st, 0, sizeof *st);
    st->s = s;
    if (s->clips.n) {
        st->clips = xcalloc((size_t)s->clips.n, sizeof(struct stage));
        struct timeline *tls = xcalloc((size_t)s->clips.n, sizeof(struct timeline));
        int rc = 0;
        for (int k = 0; k < s->clips.n && !rc; k++) {
            rc = stage_prepare(&st->clips[k], s->clips.scenes[k]);
            tls[k] = st->clips[k].tl;
        }
        if (!rc)
            rc = timeline_compose(s, tls, &st->tl);
        free(tls);
        return rc;
    }
    st->traces = xcalloc((size_t)s->nruns, sizeof(struct trace));
    if (scene_simulate(s, st->traces) != 0 || timeline_build(s, st->traces, &st->tl) != 0)
        return -1;
    if (s->sweep.n)
        sweep_summary(st, &st->sweep);
    return 0;
}

void stage_release(struct stage *st)
{
    const struct scene *s = st->s;
    if (!s)
        return;
    if (st->clips)
        for (int k = 0; k < s->clips.n; k++)
            stage_release(&st->clips[k]);
    free(st->clips);
    if (st->traces)
        for (int i = 0; i < s->nruns; i++)
            trace_release(&st->traces[i]);
    free(st->traces);
    trace_release(&st->sweep);
    timeline_release(&st->tl);
    memset(st, 0, sizeof *st);
}

/* ---- the drawing pool ------------------------------------------------------ */

/* A unit is one distinct picture: a record shown for `count` frames in a row
 * (per_step and the held ending repeat a picture without redrawing it). */
struct unit {
    int first_frame, count;     /* output frames */
    int src;                    /* the stage's frame drawn for them */
};

#define POOL_MAX_THREADS 64

struct pool {
    const struct stage *st;
    const struct unit *units;
    int nunits;
    int width, height;
    int window;                 /* slots in the ring */
    cairo_surface_t **slots;
    int *ready;                 /* unit drawn in each slot, -1 if none */
    int next;                   /* next unit to draw */
    int consumed;               /* units every encoder is done with */
    int stop;
    int nout;
    int pos[SCENE_MAX_FORMATS]; /* units each encoder is done with */
    int failed;                 /* an encoder failed: everyone stops */
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static void *pool_worker(void *arg)
{
    struct pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->next < p->nunits && p->next >= p->consumed + p->window)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop || p->failed || p->next >= p->nunits)
            break;
        int u = p->next++;
        pthread_mutex_unlock(&p->mu);
        int bad = render_frame(p->st, p->units[u].src, p->slots[u % p->window]) != 0;
        pthread_mutex_lock(&p->mu);
        p->ready[u % p->window] = u;
        p->failed |= bad;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* The surface of unit u once drawn; NULL if the render is failing. */
static cairo_surface_t *pool_wait(struct pool *p, int u)
{
    pthread_mutex_lock(&p->mu);
    while (p->ready[u % p->window] != u && !p->failed)
        pthread_cond_wait(&p->cv, &p->mu);
    cairo_surface_t *surf = p->failed ? NULL : p->slots[u % p->window];
    pthread_mutex_unlock(&p->mu);
    return surf;
}

/* Encoder i is done with unit u; the slot is free once every encoder is. */
static void pool_release(struct pool *p, int i, int u)
{
    pthread_mutex_lock(&p->mu);
    p->pos[i] = u + 1;
    int low = p->pos[0];
    for (int k = 1; k < p->nout; k++)
        if (p->pos[k] < low)
            low = p->pos[k];
    p->consumed = low;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Sets up the ring for units (window slots of w x h) and starts up to jobs
 * drawing threads; 0, or -1 (reported) with nothing left running. Two
 * frames in flight per drawing thread keep every thread busy, but not past
 * the memory limit: an 8K frame is 133 MB, so -j 8 at 8K gets a smaller
 * window (and the threads take turns) instead of 2 GB. */
static cairo_surface_t *frame_surface(int w, int h);

static int pool_start(struct pool *p, const struct stage *st, const struct unit *units,
                      int nunits, int w, int h, int jobs, pthread_t *threads, int *nthreads)
{
    *p = (struct pool){.st = st, .units = units, .nunits = nunits, .width = w, .height = h};
    long long frame_bytes = 4LL * w * h, budget = limit_get(LIMIT_MEMORY_MB) << 20;
    long long fit = budget / (frame_bytes > 0 ? frame_bytes : 1);
    p->window = jobs * 2 < fit ? jobs * 2 : fit < 2 ? 2 : (int)fit;
    if (jobs > p->window)
        jobs = p->window;
    p->slots = xcalloc((size_t)p->window, sizeof(*p->slots));
    p->ready = xmalloc(sizeof(int) * (size_t)p->window);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    *nthreads = 0;
    for (int i = 0; i < p->window; i++) {
        p->ready[i] = -1;
        if (!(p->slots[i] = frame_surface(w, h)))
            return -1;
    }
    for (; *nthreads < jobs && *nthreads < POOL_MAX_THREADS; (*nthreads)++)
        if (pthread_create(&threads[*nthreads], NULL, pool_worker, p) != 0)
            break;
    if (*nthreads == 0)
        return diag_fail("cannot start a drawing thread");
    return 0;
}

/* Stops the drawing threads and frees the ring. */
static void pool_finish(struct pool *p, pthread_t *threads, int nthreads)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < p->window; i++)
        if (p->slots[i])
            cairo_surface_destroy(p->slots[i]);
    free(p->slots);
    free(p->ready);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
}

/* ---- progress -------------------------------------------------------------- */

struct progress {
    int mode;
    const char *id;
    int total;
    double start, last_print;
};

static void progress_update(struct progress *pr, int done)
{
    if (pr->mode != 2)
        return;
    double now = clock_seconds();
    if (done < pr->total && now - pr->last_print < 0.1)
        return;
    pr->last_print = now;
    double el = now - pr->start, fps = el > 0 ? done / el : 0;
    double eta = fps > 0 ? (pr->total - done) / fps : 0;
    int width = 28, fill = pr->total ? done * width / pr->total : width;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r\033[K%-20s [%s] %d/%d frames  %.0f fps  ETA %.1fs", pr->id, bar, done,
            pr->total, fps, eta);
    fflush(stderr);
}

static void progress_end(struct progress *pr)
{
    if (pr->mode == 2)
        fprintf(stderr, "\r\033[K");
}

/* ---- outputs --------------------------------------------------------------- */

struct output {
    const struct encoder_kind *kind;
    struct encoder enc;
    struct enc_options eo;      /* this output's settings (the GIF's may be
                                   lowered to fit its size budget) */
    char name[256];             /* file (or folder) name in the scene folder (an id of
                                   up to 200 bytes, or an out_name of SCENE_MAX_NAME) */
    char *path;                 /* where it is written: in the staging folder */
    char *shown;                /* its final path, for messages */
    char budget_note[160];      /* what the size budget changed, if anything */
    long long bytes;
    char sha256[65];
};

/* Encoders name what failed (a write, the codec); this names the file, as
 * the user will look for it. */
static void file_note(const struct output *out)
{
    diag_note(NULL, "while writing '%s'", out->shown);
}

/* A frame surface, or NULL after reporting: cairo returns an "error
 * surface" rather than NULL when memory runs out, and drawing on it or
 * reading its data would crash far from here. */
static cairo_surface_t *frame_surface(int w, int h)
{
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS)
        return surf;
    diag_fail("cannot make a %dx%d frame: %s", w, h,
              cairo_status_to_string(cairo_surface_status(surf)));
    cairo_surface_destroy(surf);
    return NULL;
}

/* Output frame f shows the stage's frame map[f] (map NULL: f itself);
 * frames in a row that show the same picture are one unit. */
static void units_build(const struct stage *st, const int *map, int nframes, struct unit **out,
                        int *n)
{
    struct unit *u = xmalloc(sizeof(*u) * (size_t)(nframes ? nframes : 1));
    int k = 0;
    for (int f = 0; f < nframes; f++) {
        int src = map ? map[f] : f;
        if (k && timeline_same(st->s, &st->tl, u[k - 1].src, src)) {
            u[k - 1].count++;
            continue;
        }
        u[k++] = (struct unit){f, 1, src};
    }
    *out = u;
    *n = k;
}

/* One thread per output: each encoder takes every unit in order, so its
 * bytes are the same as if it ran alone, while the GIF and the MP4 encoder
 * work at the same time. */
struct encode_job {
    struct pool *p;
    struct output *out;
    int index;
    int rc;
};

static void *encode_worker(void *arg)
{
    struct encode_job *job = arg;
    struct pool *p = job->p;
    struct output *out = job->out;
    for (int u = 0; u < p->nunits && !job->rc; u++) {
        if (interrupt_requested()) {
            job->rc = -1;       /* reported once, by the caller */
            break;
        }
        cairo_surface_t *surf = pool_wait(p, u);
        if (!surf)
            break;
        struct frame f = {(const uint32_t *)cairo_image_surface_get_data(surf), p->width, p->height,
                          cairo_image_surface_get_stride(surf), 0, 0};
        for (int k = 0; k < p->units[u].count && !job->rc; k++) {
            f.index = p->units[u].first_frame + k;
            f.repeat = k > 0;
            job->rc = out->kind->add_frame(&out->enc, &f);
        }
        pool_release(p, job->index, u);
    }
    if (job->rc) {
        if (!interrupt_requested())
            file_note(out);
        pthread_mutex_lock(&p->mu);
        p->failed = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

/* Analysis pass: a sample of pictures (evenly spaced, ends included) for
 * encoders that look before they write, e.g. a GIF palette, drawn by the
 * pool's threads and analysed in order. */
static int analyze_all(const struct pool *main, struct output *outs, int nout, int jobs)
{
    int want = 0;
    for (int i = 0; i < nout; i++)
        want |= outs[i].kind->analyze != NULL;
    if (!want)
        return 0;
    int nsample = main->nunits < ENCODE_ANALYZE_MAX ? main->nunits : ENCODE_ANALYZE_MAX;
    struct unit *sample = xmalloc(sizeof(*sample) * (size_t)nsample);
    for (int k = 0; k < nsample; k++)
        sample[k] = main->units[nsample == 1 ? 0 : (int)((long long)k * (main->nunits - 1) /
                                                           (nsample - 1))];
    struct pool p;
    pthread_t threads[POOL_MAX_THREADS];
    int nthreads = 0;
    int rc = pool_start(&p, main->st, sample, nsample, main->width, main->height, jobs, threads,
                        &nthreads);
    p.nout = 1;
    for (int k = 0; k < nsample && !rc; k++) {
        cairo_surface_t *surf = pool_wait(&p, k);
        if (!surf) {
            rc = -1;            /* a frame could not be drawn: reported there */
            break;
        }
        struct frame f = {(const uint32_t *)cairo_image_surface_get_data(surf), p.width,
                          p.height, cairo_image_surface_get_stride(surf), sample[k].first_frame, 0};
        for (int i = 0; i < nout && !rc; i++)
            if (outs[i].kind->analyze)
                rc = outs[i].kind->analyze(&outs[i].enc, &f);
        pool_release(&p, 0, k);
    }
    if (rc) {
        pthread_mutex_lock(&p.mu);
        p.failed = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
    }
    pool_finish(&p, threads, nthreads);
    free(sample);
    return rc;
}

static int encode_all(struct pool *p, struct output *outs, int nout, struct progress *pr)
{
    int rc = 0;

    struct encode_job jobs[SCENE_MAX_FORMATS];
    pthread_t threads[SCENE_MAX_FORMATS];
    int started = 0;
    p->nout = nout;
    for (int i = 0; i < nout; i++) {
        jobs[i] = (struct encode_job){p, &outs[i], i, 0};
        if (pthread_create(&threads[i], NULL, encode_worker, &jobs[i]) != 0) {
            rc = diag_fail("cannot start an encoding thread");
            pthread_mutex_lock(&p->mu);
            p->failed = 1;
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->mu);
            break;
        }
        started++;
    }
    /* Progress follows the slowest encoder. */
    pthread_mutex_lock(&p->mu);
    while (!p->failed && p->consumed < p->nunits) {
        int done = p->consumed ? p->units[p->consumed - 1].first_frame + p->units[p->consumed - 1].count : 0;
        pthread_mutex_unlock(&p->mu);
        progress_update(pr, done);
        pthread_mutex_lock(&p->mu);
        if (!p->failed && p->consumed < p->nunits)
            pthread_cond_wait(&p->cv, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        if (jobs[i].rc)
            rc = jobs[i].rc;
    }
    if (interrupt_requested())
        rc = diag_fail("%s: interrupted; earlier outputs are left as they were", p->st->s->id);
    if (!rc && p->failed)
        rc = -1;                /* a frame could not be drawn: reported there */
    if (!rc)
        progress_update(pr, pr->total);
    return rc;
}

/* One pass of the pipeline: open the given outputs (each with its own
 * options, on its temporary path), draw the timeline's frames on `jobs`
 * threads, feed every output, and close them (or discard all on failure). */
static int run_pass(const struct stage *st, const int *map, int nframes,
                    struct output *outs, int nout, int jobs, struct progress *pr)
{
    int rc = 0, w = outs[0].eo.width, h = outs[0].eo.height;
    for (int i = 0; i < nout; i++) {
        struct output *out = &outs[i];
        out->enc.kind = out->kind;
        out->enc.opt = &out->eo;
        out->enc.width = out->eo.width;
        out->enc.height = out->eo.height;
        out->enc.images_written = 0;
        out->enc.priv = xcalloc(1, out->kind->priv_size ? out->kind->priv_size : 1);
    }
    int opened = 0;
    for (; opened < nout; opened++)
        if (outs[opened].kind->open(&outs[opened].enc, outs[opened].path) != 0) {
            file_note(&outs[opened]);
            rc = -1;
            break;
        }

    struct unit *units = NULL;
    int nunits = 0;
    units_build(st, map, nframes, &units, &nunits);
    struct pool p;
    pthread_t threads[POOL_MAX_THREADS];
    int nthreads = 0;
    /* The sample is drawn and analysed before the ring of the main pass
     * takes its memory. */
    struct pool sampled = {.st = st, .units = units, .nunits = nunits, .width = w, .height = h};
    if (!rc)
        rc = analyze_all(&sampled, outs, nout, jobs);
    int started = !rc;
    if (started && (rc = pool_start(&p, st, units, nunits, w, h, jobs, threads, &nthreads)) == 0)
        rc = encode_all(&p, outs, nout, pr);
    if (started)
        pool_finish(&p, threads, nthreads);
    progress_end(pr);

    /* Finish every output; any failure discards them all. */
    for (int i = 0; i < opened; i++) {
        struct output *out = &outs[i];
        if (!rc) {
            if (out->kind->close(&out->enc) != 0) {
                file_note(out);
                rc = -1;
            }
        } else {
            out->kind->discard(&out->enc);
        }
    }
    for (int i = 0; i < nout; i++) {
        free(outs[i].enc.priv);
        outs[i].enc.priv = NULL;
    }
    free(units);
    return rc;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* The trial settings fit_gif_budget tries, from the mildest to the
 * harshest; each next one makes the file smaller in practice. */
struct gif_trial {
    int colors, stride;
    double scale;
};

static int gif_trials(int max_colors, struct gif_trial *out)
{
    static const int colors[] = {256, 128, 64, 32};
    static const int strides[] = {1, 2, 4};
    static const double scales[] = {1.0, 0.75, 0.5};
    int n = 0;
    for (size_t sc = 0; sc < ARRAY_LEN(scales); sc++)
        for (size_t st = 0; st < ARRAY_LEN(strides); st++)
            for (size_t co = 0; co < ARRAY_LEN(colors); co++) {
                if (colors[co] > max_colors || (sc == 0 && st == 0 && co == 0))
                    continue;
                out[n++] = (struct gif_trial){colors[co], strides[st], scales[sc]};
            }
    return n;
}

/* Encodes the GIF alone with one trial's settings; its size, or -1. */
static long long gif_trial_pass(const struct stage *st, struct output *gif,
                                const struct enc_options *base, struct gif_opts *opts,
                                const struct gif_trial *tr, int jobs)
{
    /* Fewer frames: keep every stride-th, shown stride times longer. */
    int nthin = (st->tl.nframes + tr->stride - 1) / tr->stride;
    int *thin = xmalloc(sizeof(int) * (size_t)nthin);
    for (int f = 0; f < nthin; f++)
        thin[f] = f * tr->stride;
    gif->eo = *base;
    opts->max_colors = tr->colors;
    gif->eo.kind_opts = opts;
    gif->eo.fps_den = base->fps_den * tr->stride;
    gif->eo.nframes = nthin;
    gif->eo.width = (int)lround(base->width * tr->scale);
    gif->eo.height = (int)lround(base->height * tr->scale);
    struct progress quiet = {0};
    int rc = run_pass(st, thin, nthin, gif, 1, jobs, &quiet);
    free(thin);
    return rc ? -1 : file_size(gif->path);
}

/* gif.max_kb: re-encode the GIF alone with fewer colours, then a lower
 * frame rate (every other frame, each shown twice as long), then a smaller
 * size, until it fits; say what was done. The harshest setting is tried
 * first, so a budget nothing can meet costs one extra pass, not 35; then
 * the mildest setting that fits is found by bisection (the sizes fall along
 * the list), about six passes. -1 (reported) if nothing fits. */
static int fit_gif_budget_trials(const struct stage *st, struct output *gif, int jobs,
                                 int verbose);

/* The trial passes point the GIF's options at a copy on the stack; once
 * they are done they point back at the scene's (which the manifest reads
 * later: the trials change only the colours, frame rate and size, and
 * those are in eo itself). */
static int fit_gif_budget(const struct stage *st, struct output *gif, int jobs, int verbose)
{
    int rc = fit_gif_budget_trials(st, gif, jobs, verbose);
    gif->eo.kind_opts = scene_encoder_opts(st->s, &encoder_gif);
    return rc;
}

static int fit_gif_budget_trials(const struct stage *st, struct output *gif, int jobs,
                                 int verbose)
{
    const struct scene *s = st->s;
    const struct gif_opts *go = scene_encoder_opts(s, &encoder_gif);
    long long budget = (long long)go->max_kb * 1024, first = file_size(gif->path);
    if (first <= budget)
        return 0;
    struct gif_trial trials[64];
    int n = gif_trials(go->max_colors, trials);
    const struct enc_options base = gif->eo;
    struct gif_opts trial = *go;
    long long size = gif_trial_pass(st, gif, &base, &trial, &trials[n - 1], jobs);
    int last = n - 1;           /* the trial the GIF on disk was made with */
    if (size < 0)
        return -1;
    if (size > budget) {
        diag_error(&s->locs.gif_max_kb, "the GIF does not fit in %d KiB: %.0f KiB at full "
                   "settings, %.0f KiB with 32 colours, a quarter of the frames and half the size",
                   go->max_kb, first / 1024.0, size / 1024.0);
        return -1;
    }
    int lo = 0, hi = n - 1;         /* trials[hi] fits */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        long long m = gif_trial_pass(st, gif, &base, &trial, &trials[mid], jobs);
        last = mid;
        if (m < 0)
            return -1;
        if (m <= budget)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (last != hi && gif_trial_pass(st, gif, &base, &trial, &trials[hi], jobs) < 0)
        return -1;
    snprintf(gif->budget_note, sizeof(gif->budget_note),
             "%d colours, %g fps, %dx%d to fit %d KiB (%.0f KiB at full settings)",
             trials[hi].colors, (double)gif->eo.fps_num / gif->eo.fps_den, gif->eo.width,
             gif->eo.height, go->max_kb, first / 1024.0);
    if (verbose)
        fprintf(stderr, "mlanim: %s: GIF made smaller: %s\n", s->id, gif->budget_note);
    return 0;
}

/* GIF delays are whole centiseconds, and browsers slow delays under 2 cs
 * down: say so when the scene's frame rate cannot be shown exactly. */
static void warn_gif_timing(const struct scene *s)
{
    const struct param_rate *r = &s->canvas.fps;
    const struct diag_loc *at = &s->locs.fps;
    if ((double)r->num / r->den > 50)
        diag_warning(at, "%g fps is faster than GIF can show (browsers slow frames under 2 cs "
                     "to 10 cs); the GIF merges frames to keep the total time",
                     (double)r->num / r->den);
    else if ((100LL * r->den) % r->num != 0 &&
             ((const struct gif_opts *)scene_encoder_opts(s, &encoder_gif))->delays == 0)
        diag_warning(at, "%g fps cannot be shown exactly in a GIF (delays are whole "
                     "centiseconds): frames last %lld or %lld cs, and the total time stays exact",
                     (double)r->num / r->den, 100LL * r->den / r->num, 100LL * r->den / r->num + 1);
}

/* What --scale makes of the frames, held to the same limits check applies
 * to the script's own size. */
static int check_scaled(const struct scene *s, const struct render_opts *o,
                        const struct enc_options *eo)
{
    if (eo->width < 16 || eo->height < 16)
        return diag_fail("scene '%s': --scale %g makes the frames %dx%d, below 16x16", s->id,
                         o->scale, eo->width, eo->height);
    long long px = (long long)eo->width * eo->height;
    if (px > limit_get(LIMIT_PIXELS))
        return diag_fail("scene '%s': --scale %g makes the frames %dx%d, more than %lld pixels "
                         "(limit %s)", s->id, o->scale, eo->width, eo->height,
                         limit_get(LIMIT_PIXELS), limit_name(LIMIT_PIXELS));
    if ((double)px * eo->nframes / 1e6 > (double)limit_get(LIMIT_PIXEL_FRAMES))
        return diag_fail("scene '%s': %d frames of %dx%d are %.0f megapixels, more than %lld "
                         "(limit %s; raise it with --limit %s=N)", s->id, eo->nframes, eo->width,
                         eo->height, (double)px * eo->nframes / 1e6,
                         limit_get(LIMIT_PIXEL_FRAMES), limit_name(LIMIT_PIXEL_FRAMES),
                         limit_name(LIMIT_PIXEL_FRAMES));
    if (eo->poster_frame >= eo->nframes) {
        diag_error(&s->locs.poster, "poster frame %d is past the last frame (%d)",
                   eo->poster_frame, eo->nframes - 1);
        return -1;
    }
    return 0;
}

/* What one scene (the base or a variant) made, for the manifest. */
struct made {
    const struct scene *s;
    struct stage st;
    struct enc_options eo;
    int nout;
    struct output outs[SCENE_MAX_FORMATS];
    struct manifest_output listed[SCENE_MAX_FORMATS];
};

/* Renders one scene's outputs into the commit's staging folder, named
 * after the scene's out_name. */
static int render_one(const struct scene *s, const struct render_opts *o, struct commit *cm,
                      struct made *m)
{
    m->s = s;
    if (stage_prepare(&m->st, s) != 0)
        return -1;
    const struct timeline *tl = &m->st.tl;
    struct enc_options eo = {
        .width = (int)lround(s->canvas.width * o->scale),
        .height = (int)lround(s->canvas.height * o->scale),
        .fps_num = s->canvas.fps.num,
        .fps_den = s->canvas.fps.den,
        .nframes = tl->nframes,
        .background = s->background,
        .transparent = (s->background >> 24) != 0xff,
        .poster_frame = s->out.poster < 0 ? tl->nframes - 1 : s->out.poster,
    };
    m->eo = eo;
    int rc = check_scaled(s, o, &eo);
    int nout = o->nformats ? o->nformats : s->out.nformats;
    m->nout = nout;
    struct output *outs = m->outs, *gif = NULL;
    for (int i = 0; i < nout && !rc; i++) {
        struct output *out = &outs[i];
        out->kind = encoder_find(o->nformats ? o->formats[i] : s->out.formats[i]);
        out->eo = eo;
        out->eo.kind_opts = scene_encoder_opts(s, out->kind);
        if (out->kind == &encoder_gif)
            gif = out;
        const char *at = strchr(s->out_name, '@');
        if (out->kind->folder)
            snprintf(out->name, sizeof(out->name), "%s%s", out->kind->ext, at ? at : "");
        else
            snprintf(out->name, sizeof(out->name), "%s.%s", s->out_name, out->kind->ext);
        out->path = commit_path(cm, out->name);
        out->shown = path_join(cm->final_dir, out->name);
        if (out->kind->folder && mkdir(out->path, 0777) != 0)
            rc = diag_fail("cannot create the folder '%s': %s", out->path, strerror(errno));
    }
    if (!rc && gif)
        warn_gif_timing(s);
    int jobs = o->jobs < 1 ? 1 : o->jobs;
    struct progress pr = {o->progress, s->out_name, tl->nframes, clock_seconds(), 0};
    if (!rc)
        rc = run_pass(&m->st, NULL, tl->nframes, outs, nout, jobs, &pr);
    if (!rc && gif && ((const struct gif_opts *)scene_encoder_opts(s, &encoder_gif))->max_kb > 0)
        rc = fit_gif_budget(&m->st, gif, jobs, o->progress != 0);
    for (int i = 0; i < nout && !rc; i++) {
        struct output *out = &outs[i];
        m->listed[i] = (struct manifest_output){out->kind, out->name, out->enc.width,
                                                out->enc.height, &out->eo, out->budget_note, 0, ""};
        rc = manifest_digest(out->path, out->kind->folder ? out->eo.nframes : -1,
                             m->listed[i].sha256, &m->listed[i].bytes);
        out->bytes = m->listed[i].bytes;
    }
    return rc;
}

static void made_release(struct made *m)
{
    for (int i = 0; i < m->nout; i++) {
        free(m->outs[i].path);
        free(m->outs[i].shown);
    }
    stage_release(&m->st);
}

int render_scene(const struct scene *s, const struct render_opts *o)
{
    double t0 = clock_seconds();
    if (draw_fonts_init() != 0 || text_init() != 0)
        return -1;
    int nmade = 1 + s->nvariants;
    struct made *made = xcalloc((size_t)nmade, sizeof(struct made));
    struct commit cm = {0};
    int rc = commit_begin(&cm, o->out_dir, s->out_name);
    for (int i = 0; i < nmade && !rc; i++)
        rc = render_one(i ? s->variants[i - 1].scene : s, o, &cm, &made[i]);
    if (!rc) {
        struct manifest_variant vars[SCENE_MAX_VARIANTS];
        for (int i = 0; i < s->nvariants; i++)
            vars[i] = (struct manifest_variant){s->variants[i].path, s->variants[i].value,
                                                s->variants[i].suffix, made[i + 1].listed,
                                                made[i + 1].nout};
        const char *fmts[16];
        int nf = o->nformats ? o->nformats : s->out.nformats;
        for (int i = 0; i < nf && i < 16; i++)
            fmts[i] = o->nformats ? o->formats[i] : s->out.formats[i];
        char key[65];
        rc = manifest_source_key(s, fmts, nf < 16 ? nf : 16, o->scale, o->trace_in_set, key);
        char *manifest = commit_path(&cm, "manifest.json");
        if (!rc)
            rc = manifest_write(s, made[0].st.traces, &made[0].st.tl, &made[0].eo,
                                made[0].listed, made[0].nout, vars, s->nvariants, key, manifest);
        free(manifest);
    }
    if (!rc && o->trace_path) {
        const char *tp = commit_side(&cm, o->trace_path);
        rc = tp ? manifest_write_trace(s, made[0].st.traces, tp) : -1;
    }
    if (!rc && o->trace_in_set && !s->clips.n) {
        /* the trace as one of the scene's files: OUT/<id>/<id>.trace.json
         * (a composite has none of its own: its clips are scenes) */
        char name[SCENE_MAX_NAME + 16];
        snprintf(name, sizeof name, "%s.trace.json", s->out_name);
        char *tp = commit_path(&cm, name);
        rc = manifest_write_trace(s, made[0].st.traces, tp);
        free(tp);
    }
    if (!rc && interrupt_requested())
        rc = diag_fail("%s: interrupted; earlier outputs are left as they were", s->id);
    if (!rc)
        rc = commit_finish(&cm);
    if (rc)
        commit_abort(&cm);

    if (!rc && o->progress) {
        double el = clock_seconds() - t0;
        const struct made *m = &made[0];
        fprintf(stderr, "%s: %d frames (%.1f s at %g fps)%s in %.2f s ->", s->out_name,
                m->st.tl.nframes, (double)m->st.tl.nframes * m->eo.fps_den / m->eo.fps_num,
                (double)m->eo.fps_num / m->eo.fps_den, s->nvariants ? " and its variants" : "", el);
        for (int k = 0; k < nmade; k++)
            for (int i = 0; i < made[k].nout; i++) {
                fputc(' ', stderr);
                diag_put(stderr, made[k].outs[i].shown);
                fprintf(stderr, " (%.0f KB)", made[k].outs[i].bytes / 1024.0);
            }
        fprintf(stderr, "\n");
    }
    for (int i = 0; i < nmade; i++)
        made_release(&made[i]);
    free(made);
    commit_release(&cm);
    return rc;
}
