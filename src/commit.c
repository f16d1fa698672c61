/* commit: staging a scene's files and swapping them in at once (see
 * commit.h). The one step that makes the new set visible is a rename, so
 * there is no moment, whatever kills the process, at which OUT/ID mixes
 * two renders. Where the file system cannot exchange two names (old kernels,
 * some network file systems) the old set is first renamed aside: a kill in
 * that instant leaves no OUT/ID at all, never a torn one, and the next
 * render's sweep removes the aside copy. */
#define _GNU_SOURCE             /* renameat2 */
#include "commit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define STAGE_PREFIX ".mlanim-stage-"
#define LOCK_PREFIX ".mlanim-lock-"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Folders we remove may have been made read-only (a user's chmod on the
 * scene folder, now the old set): give them back their write bit first. */
static int unlock_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag == FTW_D && (st->st_mode & S_IRWXU) != S_IRWXU)
        chmod(path, st->st_mode | S_IRWXU);
    return 0;
}

/* rm -r, without following links. 0, or -1 if something is left. */
static int remove_tree(const char *path)
{
    if (!path_exists(path))
        return 0;
    nftw(path, unlock_entry, 16, FTW_PHYS);
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return path_exists(path) ? -1 : 0;
}

/* The PID in a leftover's name: ".mlanim-stage-PID-ID[.old]", or an older
 * version's ".NAME.tmp-PID[.bak]"; 0 if the name is neither. */
static long leftover_pid(const char *name)
{
    size_t np = strlen(STAGE_PREFIX);
    int stage = strncmp(name, STAGE_PREFIX, np) == 0;
    const char *digits = NULL;
    if (stage) {
        digits = name + np;
    } else if (name[0] == '.') {
        for (const char *t = strstr(name, ".tmp-"); t; t = strstr(t + 1, ".tmp-"))
            digits = t + 5;
    }
    if (!digits || *digits < '1' || *digits > '9')
        return 0;
    char *end;
    long pid = strtol(digits, &end, 10);
    if (stage ? *end != '-' : (*end && strcmp(end, ".bak") != 0))
        return 0;
    return pid;
}

/* Removes, in dir, the staging folders and temporaries of renders whose
 * process is gone. A live process's (another render running now) are left
 * alone. */
static void sweep(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        long pid = leftover_pid(e->d_name);
        if (pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char *p = path_join(dir, e->d_name);
        remove_tree(p);
        free(p);
    }
    closedir(d);
}

int commit_begin(struct commit *c, const char *out_dir, const char *id)
{
    memset(c, 0, sizeof *c);
    c->out_dir = xstrdup(out_dir);
    c->made_out_dir = !path_exists(out_dir);
    if (path_mkdirs(out_dir) != 0)
        return -1;
    c->final_dir = path_join(out_dir, id);
    struct sbuf b = {0};
    sbuf_printf(&b, "%s%ld-%s", STAGE_PREFIX, (long)getpid(), id);
    c->stage_dir = path_join(out_dir, b.buf);
    sbuf_release(&b);
    sbuf_printf(&b, "%s%s", LOCK_PREFIX, id);
    c->lock_path = path_join(out_dir, b.buf);
    sbuf_release(&b);

    sweep(out_dir);
    sweep(c->final_dir);        /* temporaries of earlier versions */
    struct stat st;
    if (stat(c->final_dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return diag_fail("cannot write the scene folder '%s': a file of that name is in the way",
                         c->final_dir);
    remove_tree(c->stage_dir);  /* our own PID's, from a process long gone */
    if (mkdir(c->stage_dir, 0777) != 0)
        return diag_fail("cannot create '%s': %s", c->stage_dir, strerror(errno));
    return 0;
}

char *commit_path(const struct commit *c, const char *name)
{
    return path_join(c->stage_dir, name);
}

const char *commit_side(struct commit *c, const char *final)
{
    if (c->nsides == (int)ARRAY_LEN(c->sides)) {
        diag_fail("internal error: too many files outside the scene folder");
        return NULL;
    }
    struct stat st;
    int exists = stat(final, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        diag_fail("cannot write '%s': it is a folder", final);
        return NULL;
    }
    struct commit_side *s = &c->sides[c->nsides++];
    s->final = xstrdup(final);
    s->direct = exists && !S_ISREG(st.st_mode);
    if (s->direct) {
        s->temp = xstrdup(final);
    } else {
        char *dir = path_dirname(final);
        sweep(dir);
        free(dir);
        s->temp = path_temp_for(final);
    }
    return s->temp;
}

/* Hard-links src (a file, or a flat folder of files) to dst. */
static int carry(const char *src, const char *dst, int is_dir)
{
    if (!is_dir)
        return link(src, dst) == 0 ? 0 : diag_fail("cannot keep '%s' in the new set: %s", src,
                                                   strerror(errno));
    if (mkdir(dst, 0777) != 0)
        return diag_fail("cannot create '%s': %s", dst, strerror(errno));
    DIR *d = opendir(src);
    if (!d)
        return diag_fail("cannot read '%s': %s", src, strerror(errno));
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *a = path_join(src, e->d_name), *z = path_join(dst, e->d_name);
        struct stat st;
        if (lstat(a, &st) == 0 && S_ISREG(st.st_mode) && link(a, z) != 0)
            rc = diag_fail("cannot keep '%s' in the new set: %s", a, strerror(errno));
        free(a);
        free(z);
    }
    closedir(d);
    return rc;
}

/* What the old set holds and the new one does not, except the manifest
 * (always remade) and hidden names (temporaries). */
static int carry_over(const struct commit *c)
{
    DIR *d = opendir(c->final_dir);
    if (!d)
        return errno == ENOENT ? 0 : diag_fail("cannot read '%s': %s", c->final_dir,
                                                strerror(errno));
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "manifest.json") == 0)
            continue;
        char *old = path_join(c->final_dir, e->d_name), *new = path_join(c->stage_dir, e->d_name);
        struct stat st;
        if (!path_exists(new) && lstat(old, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            rc = carry(old, new, S_ISDIR(st.st_mode));
        free(old);
        free(new);
    }
    closedir(d);
    return rc;
}

static int swap_in(const struct commit *c)
{
    if (!path_exists(c->final_dir))
        return rename(c->stage_dir, c->final_dir) == 0
                   ? 0 : diag_fail("cannot move '%s' into place: %s", c->final_dir, strerror(errno));
    if (renameat2(AT_FDCWD, c->stage_dir, AT_FDCWD, c->final_dir, RENAME_EXCHANGE) == 0) {
        if (remove_tree(c->stage_dir) != 0)     /* now the old set */
            diag_warning(NULL, "the earlier outputs could not all be removed from '%s'",
                         c->stage_dir);
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return diag_fail("cannot move '%s' into place: %s", c->final_dir, strerror(errno));
    /* No exchange here: move the old set aside under a name the sweep
     * knows, then the new one in. */
    struct sbuf b = {0};
    sbuf_printf(&b, "%s.old", c->stage_dir);
    int rc = 0;
    if (rename(c->final_dir, b.buf) != 0) {
        rc = diag_fail("cannot move the old '%s' aside: %s", c->final_dir, strerror(errno));
    } else if (rename(c->stage_dir, c->final_dir) != 0) {
        rc = diag_fail("cannot move '%s' into place: %s", c->final_dir, strerror(errno));
        rename(b.buf, c->final_dir);
    } else {
        remove_tree(b.buf);
    }
    sbuf_release(&b);
    return rc;
}

int commit_finish(struct commit *c)
{
    int fd = open(c->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return diag_fail("cannot create the lock file '%s': %s", c->lock_path, strerror(errno));
    while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
        ;
    int rc = carry_over(c);
    if (!rc)
        rc = swap_in(c);
    flock(fd, LOCK_UN);
    close(fd);
    if (rc)
        return rc;
    for (int i = 0; i < c->nsides; i++) {
        struct commit_side *s = &c->sides[i];
        if (!s->direct && rename(s->temp, s->final) != 0)
            rc = diag_fail("the scene's files are in place, but '%s' could not be moved into "
                           "place: %s", s->final, strerror(errno));
    }
    return rc;
}

void commit_abort(struct commit *c)
{
    if (c->stage_dir)
        remove_tree(c->stage_dir);
    for (int i = 0; i < c->nsides; i++)
        if (!c->sides[i].direct)
            unlink(c->sides[i].temp);
    if (c->made_out_dir && c->out_dir)
        rmdir(c->out_dir);      /* only if empty: never more than we made */
}

void commit_release(struct commit *c)
{
    for (int i = 0; i < c->nsides; i++) {
        free(c->sides[i].final);
        free(c->sides[i].temp);
    }
    free(c->out_dir);
    free(c->final_dir);
    free(c->stage_dir);
    free(c->lock_path);
    memset(c, 0, sizeof *c);
}
