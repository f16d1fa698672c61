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
#include "util.h"

int render_draw(const struct scene *s, const struct trace *traces, int rec, cairo_surface_t *surf)
{
    assert(s && traces && surf && rec >= 0);
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
    for (int i = 0; i < s->npanels; i++) {
        const struct scene_panel *p = &s->panels[i];
        struct panel_ctx c = {.run = &s->runs[p->run], .trace = &traces[p->run], .data = &s->data,
                              .rec = rec, .th = s->theme, .background = s->background};
        scene_cell_rect(s, p, &c.x, &c.y, &c.w, &c.h);
        /* A panel may not paint over its neighbours. */
        double g = s->layout.gap / 2;
        cairo_save(cr);
        cairo_rectangle(cr, c.x - g, c.y - g, c.w + 2 * g, c.h + 2 * g);
        cairo_clip(cr);
        p->kind->draw(p->opts, &c, cr);
        cairo_restore(cr);
    }
    /* cairo's status is sticky: one look at the end catches an error in
     * any panel's drawing, which would otherwise be a silently blank or
     * half-drawn frame. */
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surf);
    if (st != CAIRO_STATUS_SUCCESS)
        return diag_fail("%s: drawing the frame of step record %d failed: %s", s->id, rec,
                         cairo_status_to_string(st));
    return 0;
}

/* ---- the drawing pool ------------------------------------------------------ */

/* A unit is one distinct picture: a record shown for `count` frames in a row
 * (per_step and the held ending repeat a picture without redrawing it). */
struct unit {
    int first_frame, count, rec;
};

struct pool {
    const struct scene *s;
    const struct trace *t;      /* one per run */
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
        int bad = render_draw(p->s, p->t, p->units[u].rec, p->slots[u % p->window]) != 0;
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
    char name[160];             /* file (or folder) name in the scene folder */
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

static void units_build(const struct timeline *tl, struct unit **out, int *n)
{
    struct unit *u = xmalloc(sizeof(*u) * (size_t)(tl->nframes ? tl->nframes : 1));
    int k = 0;
    for (int f = 0; f < tl->nframes; f++) {
        if (k && u[k - 1].rec == tl->rec[f]) {
            u[k - 1].count++;
            continue;
        }
        u[k++] = (struct unit){f, 1, tl->rec[f]};
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
                          cairo_image_surface_get_stride(surf), 0};
        for (int k = 0; k < p->units[u].count && !job->rc; k++) {
            f.index = p->units[u].first_frame + k;
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

static int encode_all(struct pool *p, struct output *outs, int nout, struct progress *pr)
{
    int rc = 0;
    /* Analysis pass: a sample of pictures (evenly spaced, ends included)
     * for encoders that look before they write, e.g. a GIF palette. */
    int want = 0;
    for (int i = 0; i < nout; i++)
        want |= outs[i].kind->analyze != NULL;
    if (want) {
        int nsample = p->nunits < ENCODE_ANALYZE_MAX ? p->nunits : ENCODE_ANALYZE_MAX;
        cairo_surface_t *surf = frame_surface(p->width, p->height);
        if (!surf)
            return -1;
        for (int k = 0; k < nsample && !rc; k++) {
            int u = nsample == 1 ? 0 : (int)((long long)k * (p->nunits - 1) / (nsample - 1));
            rc = render_draw(p->s, p->t, p->units[u].rec, surf);
            struct frame f = {(const uint32_t *)cairo_image_surface_get_data(surf), p->width,
                              p->height, cairo_image_surface_get_stride(surf), p->units[u].first_frame};
            for (int i = 0; i < nout && !rc; i++)
                if (outs[i].kind->analyze)
                    rc = outs[i].kind->analyze(&outs[i].enc, &f);
        }
        cairo_surface_destroy(surf);
    }
    if (rc)
        return rc;

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
        rc = diag_fail("%s: interrupted; earlier outputs are left as they were", p->s->id);
    if (!rc && p->failed)
        rc = -1;                /* a frame could not be drawn: reported there */
    if (!rc)
        progress_update(pr, pr->total);
    return rc;
}

/* One pass of the pipeline: open the given outputs (each with its own
 * options, on its temporary path), draw the timeline's frames on `jobs`
 * threads, feed every output, and close them (or discard all on failure). */
static int run_pass(const struct scene *s, const struct trace *t, const struct timeline *tl,
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
    units_build(tl, &units, &nunits);
    struct pool p = {.s = s, .t = t, .units = units, .nunits = nunits, .width = w, .height = h};
    /* Two frames in flight per drawing thread keep every thread busy, but
     * not past the memory limit: an 8K frame is 133 MB, so -j 8 at 8K gets
     * a smaller window (and the threads take turns) instead of 2 GB. */
    long long frame_bytes = 4LL * w * h, budget = limit_get(LIMIT_MEMORY_MB) << 20;
    long long fit = budget / (frame_bytes > 0 ? frame_bytes : 1);
    p.window = jobs * 2 < fit ? jobs * 2 : fit < 2 ? 2 : (int)fit;
    if (jobs > p.window)
        jobs = p.window;
    p.slots = xcalloc((size_t)p.window, sizeof(*p.slots));
    p.ready = xmalloc(sizeof(int) * (size_t)p.window);
    for (int i = 0; i < p.window; i++) {
        p.ready[i] = -1;
        if (!rc && !(p.slots[i] = frame_surface(w, h)))
            rc = -1;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t threads[64];
    int nthreads = 0;
    if (!rc) {
        for (; nthreads < jobs && nthreads < 64; nthreads++)
            if (pthread_create(&threads[nthreads], NULL, pool_worker, &p) != 0)
                break;
        if (nthreads == 0)
            rc = diag_fail("cannot start a drawing thread");
        else
            rc = encode_all(&p, outs, nout, pr);
        pthread_mutex_lock(&p.mu);
        p.stop = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        for (int i = 0; i < nthreads; i++)
            pthread_join(threads[i], NULL);
    }
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
    for (int i = 0; i < p.window; i++)
        if (p.slots[i])
            cairo_surface_destroy(p.slots[i]);
    free(p.slots);
    free(p.ready);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
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
static long long gif_trial_pass(const struct scene *s, const struct trace *t,
                                const struct timeline *tl, struct output *gif,
                                const struct enc_options *base, struct gif_opts *opts,
                                const struct gif_trial *tr, int jobs)
{
    /* Fewer frames: keep every stride-th, shown stride times longer. */
    struct timeline thin = {0};
    thin.nframes = (tl->nframes + tr->stride - 1) / tr->stride;
    thin.rec = xmalloc(sizeof(int) * (size_t)thin.nframes);
    for (int f = 0; f < thin.nframes; f++)
        thin.rec[f] = tl->rec[f * tr->stride];
    gif->eo = *base;
    opts->max_colors = tr->colors;
    gif->eo.kind_opts = opts;
    gif->eo.fps_den = base->fps_den * tr->stride;
    gif->eo.nframes = thin.nframes;
    gif->eo.width = (int)lround(base->width * tr->scale);
    gif->eo.height = (int)lround(base->height * tr->scale);
    struct progress quiet = {0};
    int rc = run_pass(s, t, &thin, gif, 1, jobs, &quiet);
    free(thin.rec);
    return rc ? -1 : file_size(gif->path);
}

/* gif.max_kb: re-encode the GIF alone with fewer colours, then a lower
 * frame rate (every other frame, each shown twice as long), then a smaller
 * size, until it fits; say what was done. The harshest setting is tried
 * first, so a budget nothing can meet costs one extra pass, not 35; then
 * the mildest setting that fits is found by bisection (the sizes fall along
 * the list), about six passes. -1 (reported) if nothing fits. */
static int fit_gif_budget(const struct scene *s, const struct trace *t, const struct timeline *tl,
                          struct output *gif, int jobs, int verbose)
{
    const struct gif_opts *go = scene_encoder_opts(s, &encoder_gif);
    long long budget = (long long)go->max_kb * 1024, first = file_size(gif->path);
    if (first <= budget)
        return 0;
    struct gif_trial trials[64];
    int n = gif_trials(go->max_colors, trials);
    const struct enc_options base = gif->eo;
    struct gif_opts trial = *go;
    long long size = gif_trial_pass(s, t, tl, gif, &base, &trial, &trials[n - 1], jobs);
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
        long long m = gif_trial_pass(s, t, tl, gif, &base, &trial, &trials[mid], jobs);
        last = mid;
        if (m < 0)
            return -1;
        if (m <= budget)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (last != hi && gif_trial_pass(s, t, tl, gif, &base, &trial, &trials[hi], jobs) < 0)
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
    else if ((100LL * r->den) % r->num != 0)
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

int render_scene(const struct scene *s, const struct render_opts *o)
{
    double t0 = clock_seconds();
    if (draw_fonts_init() != 0)
        return -1;
    struct trace *t = xcalloc((size_t)s->nruns, sizeof(struct trace));
    struct timeline tl;
    if (scene_simulate(s, t) != 0 || timeline_build(s, t, &tl) != 0) {
        for (int i = 0; i < s->nruns; i++)
            trace_release(&t[i]);
        free(t);
        return -1;
    }
    struct enc_options eo = {
        .width = (int)lround(s->canvas.width * o->scale),
        .height = (int)lround(s->canvas.height * o->scale),
        .fps_num = s->canvas.fps.num,
        .fps_den = s->canvas.fps.den,
        .nframes = tl.nframes,
        .background = s->background,
        .transparent = (s->background >> 24) != 0xff,
        .poster_frame = s->out.poster < 0 ? tl.nframes - 1 : s->out.poster,
    };
    int rc = check_scaled(s, o, &eo);

    int nout = o->nformats ? o->nformats : s->out.nformats;
    struct output outs[SCENE_MAX_FORMATS] = {0};
    struct output *gif = NULL;
    struct commit cm = {0};
    if (!rc)
        rc = commit_begin(&cm, o->out_dir, s->id);
    for (int i = 0; i < nout && !rc; i++) {
        struct output *out = &outs[i];
        out->kind = encoder_find(o->nformats ? o->formats[i] : s->out.formats[i]);
        out->eo = eo;
        out->eo.kind_opts = scene_encoder_opts(s, out->kind);
        if (out->kind == &encoder_gif)
            gif = out;
        if (out->kind->folder)
            snprintf(out->name, sizeof(out->name), "%s", out->kind->ext);
        else
            snprintf(out->name, sizeof(out->name), "%s.%s", s->id, out->kind->ext);
        out->path = commit_path(&cm, out->name);
        out->shown = path_join(cm.final_dir, out->name);
        if (out->kind->folder && mkdir(out->path, 0777) != 0)
            rc = diag_fail("cannot create the folder '%s': %s", out->path, strerror(errno));
    }
    if (!rc && gif)
        warn_gif_timing(s);

    int jobs = o->jobs < 1 ? 1 : o->jobs;
    struct progress pr = {o->progress, s->id, tl.nframes, clock_seconds(), 0};
    if (!rc)
        rc = run_pass(s, t, &tl, outs, nout, jobs, &pr);
    if (!rc && gif && ((const struct gif_opts *)scene_encoder_opts(s, &encoder_gif))->max_kb > 0)
        rc = fit_gif_budget(s, t, &tl, gif, jobs, o->progress != 0);

    struct manifest_output listed[SCENE_MAX_FORMATS];
    for (int i = 0; i < nout && !rc; i++) {
        struct output *out = &outs[i];
        listed[i] = (struct manifest_output){out->kind, out->name, out->enc.width,
                                             out->enc.height, &out->eo, out->budget_note, 0, ""};
        rc = manifest_digest(out->path, out->kind->folder ? out->eo.nframes : -1,
                             listed[i].sha256, &listed[i].bytes);
        out->bytes = listed[i].bytes;
    }
    if (!rc) {
        char *manifest = commit_path(&cm, "manifest.json");
        rc = manifest_write(s, t, &tl, &eo, listed, nout, manifest);
        free(manifest);
    }
    if (!rc && o->trace_path) {
        const char *tp = commit_side(&cm, o->trace_path);
        rc = tp ? manifest_write_trace(s, t, tp) : -1;
    }
    if (!rc && interrupt_requested())
        rc = diag_fail("%s: interrupted; earlier outputs are left as they were", s->id);
    if (!rc)
        rc = commit_finish(&cm);
    if (rc)
        commit_abort(&cm);

    if (!rc && o->progress) {
        double el = clock_seconds() - t0;
        fprintf(stderr, "%s: %d frames (%.1f s at %g fps) in %.2f s ->", s->id, tl.nframes,
                (double)tl.nframes * eo.fps_den / eo.fps_num, (double)eo.fps_num / eo.fps_den, el);
        for (int i = 0; i < nout; i++) {
            fputc(' ', stderr);
            diag_put(stderr, outs[i].shown);
            fprintf(stderr, " (%.0f KB)", outs[i].bytes / 1024.0);
        }
        fprintf(stderr, "\n");
    }

    for (int i = 0; i < nout; i++) {
        free(outs[i].path);
        free(outs[i].shown);
    }
    commit_release(&cm);
    timeline_release(&tl);
    for (int i = 0; i < s->nruns; i++)
        trace_release(&t[i]);
    free(t);
    return rc;
}
