/* manifest: the manifest.json and trace JSON writers (see manifest.h).
 * Numbers go through json.c, which writes the shortest text that reads back
 * to the same double, so the files are reproducible byte for byte. */
#include "manifest.h"

#include <errno.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "util.h"

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

int manifest_digest(const char *path, int nfiles, char out[65], long long *bytes)
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

int manifest_source_key(const struct scene *s, const char *const *formats, int nformats,
                        double scale, int trace, char out[65])
{
    /* the program: its own bytes, so a rebuilt mlanim re-renders */
    static char exe_digest[65];
    static int have_exe;
    if (!have_exe) {
        long long n;
        if (manifest_digest("/proc/self/exe", -1, exe_digest, &n) != 0)
            return -1;
        have_exe = 1;
    }
    struct AVSHA *sha = av_sha_alloc();
    if (!sha)
        return diag_fail("out of memory");
    av_sha_init(sha, 256);
    char head[512];
    int hl = snprintf(head, sizeof head, "mlanim source key 1\nexe %s\nname %s\nscale %.17g\n"
                      "trace %d\nformats", exe_digest, s->out_name, scale, trace);
    av_sha_update(sha, (const uint8_t *)head, (unsigned)hl);
    for (int i = 0; i < nformats; i++) {
        av_sha_update(sha, (const uint8_t *)" ", 1);
        av_sha_update(sha, (const uint8_t *)formats[i], (unsigned)strlen(formats[i]));
    }
    int rc = 0;
    for (int i = 0; i < s->ninputs && !rc; i++) {
        char digest[65];
        long long n;
        rc = manifest_digest(s->inputs[i], -1, digest, &n);
        if (!rc) {
            char line[96];
            int ll = snprintf(line, sizeof line, "\ninput %s %lld", digest, n);
            av_sha_update(sha, (const uint8_t *)line, (unsigned)ll);
        }
    }
    unsigned char d[32];
    av_sha_final(sha, d);
    av_free(sha);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
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

static void write_outputs(struct json *j, const struct manifest_output *outs, int nout)
{
    json_array(j, "outputs");
    for (int i = 0; i < nout; i++) {
        const struct manifest_output *o = &outs[i];
        json_object(j, NULL);
        json_string(j, "format", o->kind->head.name);
        json_string(j, o->kind->folder ? "folder" : "file", o->name);
        json_int(j, "bytes", o->bytes);
        json_int(j, "width", o->width);
        json_int(j, "height", o->height);
        json_int(j, "frames", o->kind->still ? 1 : o->eo->nframes);
        json_number(j, "fps", (double)o->eo->fps_num / o->eo->fps_den);
        /* A GIF plays in whole centiseconds: with even delays it runs a
         * little off the clock, and says how long. */
        double seconds = o->kind == &encoder_gif && o->eo->kind_opts &&
                                 ((const struct gif_opts *)o->eo->kind_opts)->delays
                             ? gif_duration(o->eo)
                             : (double)o->eo->nframes * o->eo->fps_den / o->eo->fps_num;
        json_number(j, "duration", o->kind->still ? 0 : seconds);
        if (o->budget_note && o->budget_note[0])
            json_string(j, "budget", o->budget_note);
        json_string(j, "sha256", o->sha256);
        json_end(j);
    }
    json_end(j);
}

int manifest_write(const struct scene *s, const struct trace *traces, const struct timeline *tl,
                   const struct enc_options *eo, const struct manifest_output *outs, int nout,
                   const struct manifest_variant *vars, int nvars, const char *source_key,
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
    if (source_key)
        json_string(&j, "source_key", source_key);
    json_int(&j, "width", eo->width);
    json_int(&j, "height", eo->height);
    json_number(&j, "fps", (double)eo->fps_num / eo->fps_den);
    json_int(&j, "frames", tl->nframes);
    json_number(&j, "duration", duration);
    if (s->clips.n) {
        /* A composite: its clips are scenes of their own. */
        json_array(&j, "clips");
        for (int c = 0; c < s->clips.n; c++) {
            json_object(&j, NULL);
            json_string(&j, "id", s->clips.scenes[c]->id);
            json_string(&j, "title", s->clips.scenes[c]->title);
            json_end(&j);
        }
        json_end(&j);
    } else {
        /* The first run at the top level, as for a scene with one run;
         * every run in "runs". */
        const struct trace *t = &traces[0];
        json_int(&j, "steps", (long long)trace_get(t, t->nrec - 1, 0));
        json_string(&j, "stop_reason", t->stop_reason ? t->stop_reason : "");
        write_final_values(&j, t);
        json_array(&j, "runs");
        for (int r = 0; r < s->nruns; r++) {
            json_object(&j, NULL);
            json_string(&j, "label", s->runs[r].label);
            if (s->runs[r].value_name)
                json_number(&j, s->runs[r].value_name, s->runs[r].value);
            json_int(&j, "steps", (long long)trace_get(&traces[r], traces[r].nrec - 1, 0));
            json_string(&j, "stop_reason", traces[r].stop_reason ? traces[r].stop_reason : "");
            json_int(&j, "stop_step", traces[r].stop_step);
            json_end(&j);
        }
        json_end(&j);
    }
    write_outputs(&j, outs, nout);
    if (nvars) {
        json_array(&j, "variants");
        for (int v = 0; v < nvars; v++) {
            json_object(&j, NULL);
            json_string(&j, "path", vars[v].path);
            json_string(&j, "value", vars[v].value);
            json_string(&j, "name", vars[v].suffix);
            write_outputs(&j, vars[v].outs, vars[v].nout);
            json_end(&j);
        }
        json_end(&j);
    }
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
    const struct dataset *d = run->data ? run->data : &s->data;
    json_object(j, NULL);
    json_string(j, "label", run->label);
    json_string(j, "model", run->model ? run->model->head.name : "");
    json_string(j, "trainer", run->trainer ? run->trainer->head.name : "");
    json_string(j, "stop_reason", t->stop_reason ? t->stop_reason : "");
    json_int(j, "stop_step", t->stop_step);
    if (run->kf_records)
        json_int(j, "keyframe_records", run->kf_records);
    if (t->nevents) {
        /* What a schedule changed, where it took effect. */
        json_array(j, "events");
        for (int e = 0; e < t->nevents; e++) {
            const struct trace_event *ev = &t->events[e];
            json_object(j, NULL);
            json_int(j, "step", ev->step);
            json_string(j, "name", ev->name);
            json_string(j, "op", ev->op == '=' ? "set" : "add");
            json_number(j, "before", ev->before);
            json_number(j, "after", ev->after);
            json_int(j, "times", ev->times);
            json_end(j);
        }
        json_end(j);
    }
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
    int per_sample = run->model && run->model->predict && d->n > 0 && d->n <= 32 && d->d == 1 && d->y;
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

int manifest_write_trace(const struct scene *s, const struct trace *traces, const char *path)
{
    if (s->clips.n)
        return diag_fail("%s: a scene of clips has no trace of its own: trace each clip's "
                         "scene instead", s->id);
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
