/* build: bring every lesson up to date, then write the site (see book.h).
 *
 * A lesson is up to date when OUT/<id>/manifest.json carries the source
 * key it would be rendered with now (manifest.h: the program's own bytes,
 * the script, every file it reads, the formats) and every file it lists is
 * there. The others are rendered by child processes, `mlanim render` on one
 * script each, up to -j at a time: a lesson's render is isolated (its own
 * memory, threads and commit), and a render killed halfway leaves its
 * previous outputs, as render promises. The site is written into a staging
 * folder and swapped in whole (commit.h), so a failed or killed build
 * leaves the previous site usable, and a lesson dropped from the table of
 * contents leaves the site with it. */
#include "book/book.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commit.h"
#include "manifest.h"

extern char **environ;

/* Whether OUT/<id> holds the outputs of key, all of them. */
static int fresh(const char *out_dir, const char *id, const char *key)
{
    char *dir = path_join(out_dir, id);
    char *path = path_join(dir, "manifest.json");
    json_error_t err;
    json_t *m = json_load_file(path, 0, &err);
    int ok = 0;
    if (m) {
        const char *k = json_string_value(json_object_get(m, "source_key"));
        ok = k && strcmp(k, key) == 0;
        json_t *outs = json_object_get(m, "outputs");
        size_t i;
        json_t *o;
        json_array_foreach(outs, i, o) {
            const char *f = json_string_value(json_object_get(o, "file"));
            char *fp = f ? path_join(dir, f) : NULL;
            if (!fp || access(fp, R_OK) != 0)
                ok = 0;
            free(fp);
        }
        json_decref(m);
    }
    free(path);
    free(dir);
    return ok;
}

struct child {
    pid_t pid;
    int lesson;
};

static int spawn_render(const char *exe, const char *out_dir, int threads, const char *script,
                        pid_t *pid)
{
    char jobs[16];
    snprintf(jobs, sizeof jobs, "%d", threads);
    char *argv[] = {"mlanim", "render", "-q", "-f", "trace", "-j", jobs, "-o",
                    (char *)out_dir, (char *)script, NULL};
    int rc = posix_spawn(pid, exe, NULL, NULL, argv, environ);
    if (rc != 0)
        return diag_fail("cannot start '%s render': %s", exe, strerror(rc));
    return 0;
}

static void progress(const struct book_options *o, int done, int total, const char *what,
                     const char *id)
{
    if (o->progress == 2) {
        fprintf(stderr, "\r\033[Kmlanim book: [%d/%d] %s %s", done, total, what, id);
        fflush(stderr);
    } else if (o->progress == 1 && strcmp(what, "rendered") == 0) {
        fprintf(stderr, "mlanim book: [%d/%d] rendered %s\n", done, total, id);
    }
}

int book_build(struct book *b, const struct book_options *o)
{
    double t0 = clock_seconds();
    /* the keys, and which lessons need a render */
    int *stale = xcalloc((size_t)b->nlessons + 1, sizeof *stale);
    int nstale = 0;
    for (int i = 0; i < b->nlessons; i++) {
        struct book_lesson *l = &b->lessons[i];
        const struct scene *s = l->scene;
        if (manifest_source_key(s, s->out.formats, s->out.nformats, 1.0, 1, l->key) != 0) {
            free(stale);
            return -1;
        }
        if (o->force || !fresh(o->out_dir, s->out_name, l->key))
            stale[nstale++] = i;
    }

    /* the renders, up to jobs at once, each with its share of the cores */
    int rc = 0;
    if (nstale) {
        char exe[4096];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) {
            free(stale);
            return diag_fail("cannot find the mlanim program (/proc/self/exe)");
        }
        exe[n] = '\0';
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        int jobs = o->jobs < nstale ? o->jobs : nstale;
        int threads = cpus > jobs ? (int)(cpus / jobs) : 1;
        struct child *kids = xcalloc((size_t)jobs, sizeof *kids);
        int next = 0, running = 0, done = 0, failed = 0, told = 0;
        while ((next < nstale && !interrupt_requested() && !failed) || running) {
            /* Interrupted: the renders are told too (a Ctrl-C at a terminal
             * reaches them anyway, a kill or a CI timeout only this process),
             * and clean up; a second signal each is harmless. */
            if (interrupt_requested() && !told) {
                for (int k = 0; k < jobs; k++)
                    if (kids[k].pid)
                        kill(kids[k].pid, SIGINT);
                told = 1;
            }
            while (running < jobs && next < nstale && !interrupt_requested() && !failed) {
                struct book_lesson *l = &b->lessons[stale[next]];
                pid_t pid;
                if (spawn_render(exe, o->out_dir, threads, l->script, &pid) != 0) {
                    failed++;
                    break;
                }
                for (int k = 0; k < jobs; k++)
                    if (!kids[k].pid) {
                        kids[k] = (struct child){pid, stale[next]};
                        break;
                    }
                running++;
                next++;
                progress(o, done, nstale, "rendering", l->id);
            }
            if (!running)
                break;
            int status;
            pid_t pid = waitpid(-1, &status, 0);
            if (pid < 0) {
                if (errno == EINTR)
                    continue;       /* a signal: the loop tells the renders */
                break;
            }
            for (int k = 0; k < jobs; k++) {
                if (kids[k].pid != pid)
                    continue;
                kids[k].pid = 0;
                running--;
                done++;
                const char *id = b->lessons[kids[k].lesson].id;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                    progress(o, done, nstale, "rendered", id);
                } else {
                    if (o->progress == 2)
                        fputc('\n', stderr);
                    diag_fail("lesson '%s' failed to render (its errors are above); the "
                              "previous site is left as it was", id);
                    failed++;
                }
            }
        }
        if (o->progress == 2)
            fputc('\n', stderr);
        free(kids);
        if (interrupt_requested())
            rc = diag_fail("interrupted; the previous site is left as it was");
        else if (failed)
            rc = -1;
    }
    free(stale);
    if (rc)
        return rc;

    /* the site, all at once */
    struct commit cm = {0};
    rc = commit_begin(&cm, o->out_dir, "book");
    if (!rc) {
        rc = book_write_site(b, o->out_dir, cm.stage_dir);
        if (!rc && interrupt_requested())
            rc = diag_fail("interrupted; the previous site is left as it was");
        if (!rc)
            rc = commit_finish(&cm);
        if (rc)
            commit_abort(&cm);
    }
    commit_release(&cm);
    if (!rc && o->progress) {
        char *site = path_join(o->out_dir, "book");
        fprintf(stderr, "mlanim book: %d lesson%s, %d rendered, %d up to date, in %.2f s -> "
                "%s/index.html\n", b->nlessons, b->nlessons == 1 ? "" : "s", nstale,
                b->nlessons - nstale, clock_seconds() - t0, site);
        free(site);
    }
    return rc;
}
