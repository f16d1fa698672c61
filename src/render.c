/* render: the frame pipeline and the scene's outputs (see render.h). */
#include "render.h"

#include <errno.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include "encode.h"
#include "json.h"
#include "util.h"

static volatile sig_atomic_t interrupted;

void render_interrupt(void)
{
    interrupted = 1;
}

int render_interrupted(void)
{
    return interrupted != 0;
}

void render_draw(const struct scene *s, const struct trace *traces, int rec, cairo_surface_t *surf)
{
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
    cairo_destroy(cr);
    cairo_surface_flush(surf);
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
        if (p->stop || p->next >= p->nunits)
            break;
        int u = p->next++;
        pthread_mutex_unlock(&p->mu);
        render_draw(p->s, p->t, p->units[u].rec, p->slots[u % p->window]);
        pthread_mutex_lock(&p->mu);
        p->ready[u % p->window] = u;
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
    const char *final_path, *temp_path;     /* owned by the pending set */
    char budget_note[160];      /* what the size budget changed, if anything */
    int opened;
    long long bytes;
    char sha256[65];
};

static int sha_add_file(struct AVSHA *sha, const char *path, long long *bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_fail("cannot read back '%s': %s", path, strerror(errno));
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        av_sha_update(sha, buf, n);
        *bytes += (long long)n;
    }
    int bad = ferror(f);
    fclose(f);
    return bad ? diag_fail("cannot read back '%s'", path) : 0;
}

/* SHA-256 and size of an output: a file, or for a folder of frames the
 * files 00000.png ... in order, as if concatenated. */
static int output_digest(const char *path, int nfiles, char out[65], long long *bytes)
{
    struct AVSHA *sha = av_sha_alloc();
    if (!sha)
        return diag_fail("out of memory");
    av_sha_init(sha, 256);
    *bytes = 0;
    int rc = 0;
    if (nfiles < 0) {
        rc = sha_add_file(sha, path, bytes);
    } else {
        for (int i = 0; i < nfiles && !rc; i++) {
            char name[32];
            snprintf(name, sizeof(name), "%05d.png", i);
            char *f = path_join(path, name);
            rc = sha_add_file(sha, f, bytes);
            free(f);
        }
    }
    unsigned char digest[32];
    av_sha_final(sha, digest);
    av_free(sha);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    return rc;
}

/* A channel's value at rec: a number, or an array (row by row for a table). */
static void write_channel(struct json *j, const struct trace *t, int rec, int c)
{
    const struct trace_channel *ch = &t->chan[c];
    const double *v = trace_row(t, rec, c);
    if (ch->rows * ch->cols == 1) {
        json_number(j, ch->name, v[0]);
        return;
    }
    json_array_inline(j, ch->name);
    for (int r = 0; r < ch->rows; r++) {
        if (ch->rows > 1)
            json_array_inline(j, NULL);
        for (int k = 0; k < ch->cols; k++)
            json_number(j, NULL, v[r * ch->cols + k]);
        if (ch->rows > 1)
            json_end(j);
    }
    json_end(j);
}

/* JSON has no inf or NaN: those values are written as null, and the
 * record says what each was ("inf", "-inf", "nan"; for a vector, of its
 * first non-finite value). Nothing is written when all are finite. */
static void write_nonfinite(struct json *j, const struct trace *t, int rec)
{
    int open = 0;
    for (int c = 0; c < t->nchan; c++) {
        const double *v = trace_row(t, rec, c);
        for (int i = 0; i < trace_size(t, c); i++) {
            if (isfinite(v[i]))
                continue;
            if (!open)
                json_object(j, "nonfinite");
            open = 1;
            json_string(j, t->chan[c].name, isnan(v[i]) ? "nan" : v[i] > 0 ? "inf" : "-inf");
            break;
        }
    }
    if (open)
        json_end(j);
}

static void write_final_values(struct json *j, const struct trace *t)
{
    json_object(j, "final");
    for (int c = 0; c < t->nchan; c++)
        write_channel(j, t, t->nrec - 1, c);
    json_end(j);
}

/* Writes the manifest to path (a temporary name; the commit moves it). */
static int write_manifest(const struct scene *s, const struct trace *traces, const struct timeline *tl,
                          const struct enc_options *eo, struct output *outs, int nout,
                          const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return diag_fail("cannot write '%s': %s", path, strerror(errno));
    double duration = (double)tl->nframes * eo->fps_den / eo->fps_num;
    struct json j;
    json_init(&j, f);
    json_object(&j, NULL);
    json_string(&j, "id", s->id);
    json_string(&j, "title", s->title);
    json_string(&j, "caption", s->caption);
    json_string(&j, "generator", "mlanim " MLANIM_VERSION);
    json_int(&j, "width", eo->width);
    json_int(&j, "height", eo->height);
    json_number(&j, "fps", (double)eo->fps_num / eo->fps_den);
    json_int(&j, "frames", tl->nframes);
    json_number(&j, "duration", duration);
    /* The first run at the top level, as for a scene with one run; every
     * run in "runs". */
    const struct trace *t = &traces[0];
    json_int(&j, "steps", (long long)trace_get(t, t->nrec - 1, 0));
    json_string(&j, "stop_reason", t->stop_reason ? t->stop_reason : "");
    write_final_values(&j, t);
    json_array(&j, "runs");
    for (int r = 0; r < s->nruns; r++) {
        json_object(&j, NULL);
        json_string(&j, "label", s->runs[r].label);
        json_int(&j, "steps", (long long)trace_get(&traces[r], traces[r].nrec - 1, 0));
        json_string(&j, "stop_reason", traces[r].stop_reason ? traces[r].stop_reason : "");
        json_int(&j, "stop_step", traces[r].stop_step);
        json_end(&j);
    }
    json_end(&j);
    json_array(&j, "outputs");
    for (int i = 0; i < nout; i++) {
        const struct output *o = &outs[i];
        const char *base = strrchr(o->final_path, '/');
        json_object(&j, NULL);
        json_string(&j, "format", o->kind->head.name);
        json_string(&j, o->kind->folder ? "folder" : "file", base ? base + 1 : o->final_path);
        json_int(&j, "bytes", o->bytes);
        json_int(&j, "width", o->enc.width);
        json_int(&j, "height", o->enc.height);
        json_int(&j, "frames", o->kind->still ? 1 : o->eo.nframes);
        json_number(&j, "fps", (double)o->eo.fps_num / o->eo.fps_den);
        json_number(&j, "duration", o->kind->still ? 0
                                    : (double)o->eo.nframes * o->eo.fps_den / o->eo.fps_num);
        if (o->budget_note[0])
            json_string(&j, "budget", o->budget_note);
        json_string(&j, "sha256", o->sha256);
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    return json_close(&j, path);
}

/* Row i of the data: a number for one feature, else an array. */
static void write_features(struct json *j, const struct dataset *d)
{
    json_array_inline(j, "x");
    for (int i = 0; i < d->n; i++) {
        if (d->d == 1) {
            json_number(j, NULL, d->x[i]);
            continue;
        }
        json_array_inline(j, NULL);
        for (int k = 0; k < d->d; k++)
            json_number(j, NULL, dataset_x(d, i, k));
        json_end(j);
    }
    json_end(j);
}

static void write_run(struct json *j, const struct scene *s, const struct run *run,
                      const struct trace *t)
{
    const struct dataset *d = &s->data;
    json_object(j, NULL);
    json_string(j, "label", run->label);
    json_string(j, "model", run->model->head.name);
    json_string(j, "trainer", run->trainer->head.name);
    json_string(j, "stop_reason", t->stop_reason ? t->stop_reason : "");
    json_int(j, "stop_step", t->stop_step);
    json_array(j, "channels");
    for (int c = 0; c < t->nchan; c++) {
        const struct trace_channel *ch = &t->chan[c];
        json_object(j, NULL);
        json_string(j, "name", ch->name);
        json_array_inline(j, "shape");
        if (ch->rows > 1)
            json_int(j, NULL, ch->rows);
        if (ch->rows * ch->cols > 1)
            json_int(j, NULL, ch->cols);
        json_end(j);
        json_end(j);
    }
    json_end(j);
    /* Small 1-D datasets: each record also lists the prediction and
     * squared error for every sample, as the table panel shows them. */
    int per_sample = run->model->predict && d->n > 0 && d->n <= 32 && d->d == 1 && d->y;
    json_array(j, "records");
    for (int r = 0; r < t->nrec; r++) {
        json_object(j, NULL);
        for (int c = 0; c < t->nchan; c++)
            write_channel(j, t, r, c);
        if (per_sample) {
            const double *theta = trainer_theta(t, r);
            json_array_inline(j, "yhat");
            for (int i = 0; i < d->n; i++)
                json_number(j, NULL, run->model->predict(run->model_opts, theta, d->x[i]));
            json_end(j);
            json_array_inline(j, "sqerr");
            for (int i = 0; i < d->n; i++) {
                double e = d->y[i] - run->model->predict(run->model_opts, theta, d->x[i]);
                json_number(j, NULL, e * e);
            }
            json_end(j);
        }
        write_nonfinite(j, t, r);
        json_end(j);
    }
    json_end(j);
    json_end(j);
}

int render_write_trace(const struct scene *s, const struct trace *traces, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return diag_fail("cannot write trace '%s': %s", path, strerror(errno));
    const struct dataset *d = &s->data;
    struct json j;
    json_init(&j, f);
    json_object(&j, NULL);
    json_int(&j, "schema", 2);
    json_string(&j, "scene", s->id);
    if (d->n > 0) {
        json_object(&j, "data");
        json_int(&j, "n", d->n);
        json_int(&j, "d", d->d);
        write_features(&j, d);
        if (d->y) {
            json_array_inline(&j, "y");
            for (int i = 0; i < d->n; i++)
                json_number(&j, NULL, d->y[i]);
            json_end(&j);
        }
        if (d->label) {
            json_array_inline(&j, "label");
            for (int i = 0; i < d->n; i++)
                json_int(&j, NULL, d->label[i]);
            json_end(&j);
            json_array_inline(&j, "classes");
            for (int c = 0; c < d->nclasses; c++) {
                char buf[16];
                json_string(&j, NULL, dataset_class_name(d, c, buf, sizeof(buf)));
            }
            json_end(&j);
        }
        json_end(&j);
    }
    json_array(&j, "runs");
    for (int r = 0; r < s->nruns; r++)
        write_run(&j, s, &s->runs[r], &traces[r]);
    json_end(&j);
    json_end(&j);
    return json_close(&j, path);
}

/* ---- committing -------------------------------------------------------------
 * Every file of a scene (outputs, manifest, trace) is first complete under a
 * temporary name. Commit moves them all into place; if any move fails, the
 * ones already moved are put back from backups, so the folder holds either
 * all the new files or all the old ones. */

struct pending {
    char *temp, *final, *backup;
    int had_old, moved;
    int direct;                 /* a device or pipe: written in place */
    int folder;                 /* a folder of files (the frames kind) */
};

/* Removes a flat folder this render made (a temporary or a backup of the
 * frames output) with the files in it. */
static void remove_folder(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        char *f = path_join(path, ent->d_name);
        unlink(f);
        free(f);
    }
    closedir(d);
    rmdir(path);
}

/* Registers final; -1 (reported) if it is a folder. A device or a pipe
 * (--trace /dev/stdout) cannot be replaced atomically, and renaming over it
 * would destroy it, so it is written directly. */
static int pending_add(struct pending *p, int *n, const char *final, int folder)
{
    struct stat st;
    int exists = stat(final, &st) == 0;
    if (folder) {
        if (exists && !S_ISDIR(st.st_mode))
            return diag_fail("cannot write the folder '%s': a file of that name is in the way", final);
        p[*n] = (struct pending){path_temp_for(final), xstrdup(final), NULL, 0, 0, 0, 1};
        struct sbuf b = {0};
        sbuf_printf(&b, "%s.bak", p[*n].temp);
        p[*n].backup = b.buf;
        (*n)++;
        if (mkdir(p[*n - 1].temp, 0777) != 0)
            return diag_fail("cannot create the folder '%s': %s", p[*n - 1].temp, strerror(errno));
        return 0;
    }
    if (exists && S_ISDIR(st.st_mode))
        return diag_fail("cannot write '%s': it is a folder", final);
    int direct = exists && !S_ISREG(st.st_mode);
    p[*n] = (struct pending){direct ? xstrdup(final) : path_temp_for(final), xstrdup(final), NULL,
                             0, 0, direct, 0};
    struct sbuf b = {0};
    sbuf_printf(&b, "%s.bak", p[*n].temp);
    p[*n].backup = b.buf;
    (*n)++;
    return 0;
}

static int commit_all(struct pending *p, int n)
{
    int i, rc = 0;
    for (i = 0; i < n && !rc; i++) {
        if (p[i].direct)
            continue;
        /* A hard link keeps the old file reachable without copying it; a
         * folder is moved aside (it cannot be replaced by rename while it
         * holds files). */
        p[i].had_old = path_exists(p[i].final);
        if (p[i].had_old &&
            (p[i].folder ? rename(p[i].final, p[i].backup) : link(p[i].final, p[i].backup)) != 0)
            rc = diag_fail("cannot keep a backup of '%s': %s", p[i].final, strerror(errno));
    }
    for (i = 0; i < n && !rc; i++) {
        if (p[i].direct)
            continue;
        if (rename(p[i].temp, p[i].final) != 0)
            rc = diag_fail("cannot move '%s' into place: %s", p[i].final, strerror(errno));
        else
            p[i].moved = 1;
    }
    for (i = 0; i < n; i++) {
        if (rc && p[i].moved) {
            if (p[i].folder)
                remove_folder(p[i].final);
            else if (!p[i].had_old)
                unlink(p[i].final);
            p[i].moved = 0;
        }
        if (rc && p[i].had_old) {
            rename(p[i].backup, p[i].final);    /* put the old one back */
        } else if (p[i].had_old) {
            if (p[i].folder)
                remove_folder(p[i].backup);
            else
                unlink(p[i].backup);
        }
    }
    return rc;
}

static void pending_release(struct pending *p, int n)
{
    for (int i = 0; i < n; i++) {
        if (p[i].folder && !p[i].moved)
            remove_folder(p[i].temp);   /* no-op once moved */
        else if (!p[i].direct)
            unlink(p[i].temp);      /* no-op once moved */
        free(p[i].temp);
        free(p[i].final);
        free(p[i].backup);
    }
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
        if (interrupted) {
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
        cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, p->width, p->height);
        for (int k = 0; k < nsample && !rc; k++) {
            int u = nsample == 1 ? 0 : (int)((long long)k * (p->nunits - 1) / (nsample - 1));
            render_draw(p->s, p->t, p->units[u].rec, surf);
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
    if (interrupted)
        rc = diag_fail("%s: interrupted; earlier outputs are left as they were", p->s->id);
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
        if (outs[opened].kind->open(&outs[opened].enc, outs[opened].temp_path) != 0) {
            rc = -1;
            break;
        }

    struct unit *units = NULL;
    int nunits = 0;
    units_build(tl, &units, &nunits);
    struct pool p = {.s = s, .t = t, .units = units, .nunits = nunits, .width = w, .height = h};
    p.window = jobs * 2;
    p.slots = xcalloc((size_t)p.window, sizeof(*p.slots));
    p.ready = xmalloc(sizeof(int) * (size_t)p.window);
    for (int i = 0; i < p.window; i++) {
        p.slots[i] = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
        p.ready[i] = -1;
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
            if (out->kind->close(&out->enc) != 0)
                rc = -1;
        } else {
            out->kind->discard(&out->enc);
        }
    }
    for (int i = 0; i < nout; i++) {
        free(outs[i].enc.priv);
        outs[i].enc.priv = NULL;
    }
    for (int i = 0; i < p.window; i++)
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

/* gif.max_kb: re-encode the GIF alone, lowering first its colours, then its
 * frame rate (every other frame, each shown twice as long), then its size,
 * until it fits; say what was done. -1 (reported) if nothing fits. */
static int fit_gif_budget(const struct scene *s, const struct trace *t, const struct timeline *tl,
                          struct output *gif, int jobs)
{
    const struct gif_opts *go = scene_encoder_opts(s, &encoder_gif);
    long long budget = (long long)go->max_kb * 1024, first = file_size(gif->temp_path);
    if (first <= budget)
        return 0;
    static const int colors[] = {256, 128, 64, 32};
    static const int strides[] = {1, 2, 4};
    static const double scales[] = {1.0, 0.75, 0.5};
    const struct enc_options base = gif->eo;
    struct gif_opts trial = *go;
    long long size = first;
    for (size_t sc = 0; sc < ARRAY_LEN(scales); sc++)
        for (size_t st = 0; st < ARRAY_LEN(strides); st++)
            for (size_t co = 0; co < ARRAY_LEN(colors); co++) {
                if (colors[co] > go->max_colors || (sc == 0 && st == 0 && co == 0))
                    continue;
                /* Fewer frames: keep every stride-th, shown stride times longer. */
                struct timeline thin = {0};
                thin.nframes = (tl->nframes + strides[st] - 1) / strides[st];
                thin.rec = xmalloc(sizeof(int) * (size_t)thin.nframes);
                for (int f = 0; f < thin.nframes; f++)
                    thin.rec[f] = tl->rec[f * strides[st]];
                gif->eo = base;
                trial.max_colors = colors[co];
                gif->eo.kind_opts = &trial;
                gif->eo.fps_den = base.fps_den * strides[st];
                gif->eo.nframes = thin.nframes;
                gif->eo.width = (int)lround(base.width * scales[sc]);
                gif->eo.height = (int)lround(base.height * scales[sc]);
                struct progress quiet = {0};
                int rc = run_pass(s, t, &thin, gif, 1, jobs, &quiet);
                free(thin.rec);
                if (rc)
                    return -1;
                size = file_size(gif->temp_path);
                if (size <= budget) {
                    snprintf(gif->budget_note, sizeof(gif->budget_note),
                             "%d colours, %g fps, %dx%d to fit %d KiB (%.0f KiB at full settings)",
                             colors[co], (double)gif->eo.fps_num / gif->eo.fps_den, gif->eo.width,
                             gif->eo.height, go->max_kb, first / 1024.0);
                    fprintf(stderr, "mlanim: %s: GIF made smaller: %s\n", s->id, gif->budget_note);
                    return 0;
                }
            }
    const struct snode *out = snode_get(s->script->root, "outputs");
    const struct snode *g = out ? snode_get(out, "gif") : NULL;
    const struct snode *mk = g ? snode_get(g, "max_kb") : NULL;
    struct diag_loc none = {s->path, 0, 0};
    diag_error(mk ? &mk->loc : &none, "the GIF does not fit in %d KiB: %.0f KiB at full settings, "
               "%.0f KiB with 32 colours, a quarter of the frames and half the size",
               go->max_kb, first / 1024.0, size / 1024.0);
    return -1;
}

/* GIF delays are whole centiseconds, and browsers slow delays under 2 cs
 * down: say so when the scene's frame rate cannot be shown exactly. */
static void warn_gif_timing(const struct scene *s)
{
    const struct param_rate *r = &s->canvas.fps;
    const struct snode *canvas = snode_get(s->script->root, "canvas");
    const struct snode *fps = canvas ? snode_get(canvas, "fps") : NULL;
    struct diag_loc none = {s->path, 0, 0};
    const struct diag_loc *at = fps ? &fps->loc : &none;
    if ((double)r->num / r->den > 50)
        diag_warning(at, "%g fps is faster than GIF can show (browsers slow frames under 2 cs "
                     "to 10 cs); the GIF merges frames to keep the total time",
                     (double)r->num / r->den);
    else if ((100LL * r->den) % r->num != 0)
        diag_warning(at, "%g fps cannot be shown exactly in a GIF (delays are whole "
                     "centiseconds): frames last %lld or %lld cs, and the total time stays exact",
                     (double)r->num / r->den, 100LL * r->den / r->num, 100LL * r->den / r->num + 1);
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
    int rc = 0;
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
    if (eo.width < 16 || eo.height < 16) {
        rc = diag_fail("scene '%s': --scale %g makes the frames %dx%d, below 16x16", s->id, o->scale,
                       eo.width, eo.height);
    }
    if (!rc && eo.poster_frame >= tl.nframes) {
        const struct snode *out = snode_get(s->script->root, "outputs");
        const struct snode *pv = out ? snode_get(out, "poster") : NULL;
        struct diag_loc none = {s->path, 0, 0};
        diag_error(pv ? &pv->loc : &none, "poster frame %d is past the last frame (%d)",
                   eo.poster_frame, tl.nframes - 1);
        rc = -1;
    }

    char *dir = path_join(o->out_dir, s->id);
    int nout = o->nformats ? o->nformats : s->out.nformats;
    struct output outs[SCENE_MAX_FORMATS] = {0};
    struct output *gif = NULL;
    struct pending pend[SCENE_MAX_FORMATS + 2];
    int npend = 0;
    int made_dir = !path_exists(dir);
    if (!rc && path_mkdirs(dir) != 0)
        rc = -1;
    for (int i = 0; i < nout && !rc; i++) {
        struct output *out = &outs[i];
        out->kind = encoder_find(o->nformats ? o->formats[i] : s->out.formats[i]);
        out->eo = eo;
        out->eo.kind_opts = scene_encoder_opts(s, out->kind);
        if (out->kind == &encoder_gif)
            gif = out;
        char name[512];
        if (out->kind->folder)
            snprintf(name, sizeof(name), "%s", out->kind->ext);
        else
            snprintf(name, sizeof(name), "%s.%s", s->id, out->kind->ext);
        char *final = path_join(dir, name);
        rc = pending_add(pend, &npend, final, out->kind->folder);
        free(final);
        if (rc)
            break;
        out->final_path = pend[npend - 1].final;
        out->temp_path = pend[npend - 1].temp;
    }
    if (!rc && gif)
        warn_gif_timing(s);

    int jobs = o->jobs < 1 ? 1 : o->jobs;
    struct progress pr = {o->progress, s->id, tl.nframes, clock_seconds(), 0};
    if (!rc)
        rc = run_pass(s, t, &tl, outs, nout, jobs, &pr);
    if (!rc && gif && ((const struct gif_opts *)scene_encoder_opts(s, &encoder_gif))->max_kb > 0)
        rc = fit_gif_budget(s, t, &tl, gif, jobs);

    for (int i = 0; i < nout && !rc; i++)
        if (output_digest(outs[i].temp_path, outs[i].kind->folder ? outs[i].eo.nframes : -1,
                          outs[i].sha256, &outs[i].bytes) != 0)
            rc = -1;
    if (!rc) {
        char *manifest = path_join(dir, "manifest.json");
        rc = pending_add(pend, &npend, manifest, 0);
        free(manifest);
        if (!rc)
            rc = write_manifest(s, t, &tl, &eo, outs, nout, pend[npend - 1].temp);
    }
    if (!rc && o->trace_path) {
        rc = pending_add(pend, &npend, o->trace_path, 0);
        if (!rc)
            rc = render_write_trace(s, t, pend[npend - 1].temp);
    }
    if (!rc)
        rc = commit_all(pend, npend);

    if (!rc && o->progress) {
        double el = clock_seconds() - t0;
        fprintf(stderr, "%s: %d frames (%.1f s at %g fps) in %.2f s ->", s->id, tl.nframes,
                (double)tl.nframes * eo.fps_den / eo.fps_num, (double)eo.fps_num / eo.fps_den, el);
        for (int i = 0; i < nout; i++)
            fprintf(stderr, " %s (%.0f KB)", outs[i].final_path, outs[i].bytes / 1024.0);
        fprintf(stderr, "\n");
    }

    pending_release(pend, npend);
    if (rc && made_dir)
        rmdir(dir);             /* only if empty: never more than we made */
    free(dir);
    timeline_release(&tl);
    for (int i = 0; i < s->nruns; i++)
        trace_release(&t[i]);
    free(t);
    return rc;
}
