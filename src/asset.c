/* asset: resolving a script's file names inside the project (see asset.h).
 * The containment test compares real paths, so "..", "." and symbolic links
 * anywhere on the way are all seen through, and the file is stat()ed, not
 * opened, so a FIFO is refused without waiting for a writer. */
#include "asset.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One folder up, spelled relative when dir is: "a/b" -> "a", "a" -> ".",
 * "." -> "..", "../x/.." -> "../x/../..". */
static char *path_up(const char *dir)
{
    const char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : dir;
    if (strcmp(base, "..") == 0 || (strcmp(base, ".") == 0 && base == dir))
        return path_join(dir, "..");
    return path_dirname(dir);
}

/* The project folder for a script in dir: the nearest one, upwards, with an
 * assets/ folder; else dir. *real gets its real path, *rel the same folder
 * spelled from dir (for messages). 0, or -1 if dir cannot be resolved. */
static int project_root(const char *dir, char **real, char **rel)
{
    char *start = realpath(dir, NULL);
    if (!start)
        return -1;
    char *p = xstrdup(start), *r = xstrdup(dir);
    for (;;) {
        char *assets = path_join(p, "assets");
        int found = is_dir(assets);
        free(assets);
        if (found) {
            free(start);
            *real = p;
            *rel = r;
            return 0;
        }
        char *slash = strrchr(p, '/');
        if (!slash || slash == p)
            break;
        *slash = '\0';
        char *up = path_up(r);
        free(r);
        r = up;
    }
    free(p);
    free(r);
    *real = start;
    *rel = xstrdup(dir);
    return 0;
}

/* Whether real path `path` is root or lies under it. */
static int inside(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return 1;
    return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *asset_file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a folder" : S_ISFIFO(m) ? "a named pipe (FIFO)" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

char *asset_resolve(const char *script_dir, const char *name, const struct diag_loc *at,
                    const char *what)
{
    if (!name[0]) {
        diag_error(at, "%s: the name is empty", what);
        return NULL;
    }
    if (name[0] == '/') {
        diag_error(at, "%s '%s': absolute paths are not allowed; name it relative to the script "
                   "or to the project's assets/ folder", what, name);
        return NULL;
    }
    char *root, *root_rel;
    if (project_root(script_dir, &root, &root_rel) != 0) {
        diag_error(at, "%s '%s': cannot resolve the script's folder '%s': %s", what, name,
                   script_dir, strerror(errno));
        return NULL;
    }
    /* Beside the script, then in assets/ ("assets/NAME" names it from the
     * project folder). */
    char *cand[2];
    cand[0] = path_join(script_dir, name);
    int prefixed = strncmp(name, "assets/", 7) == 0;
    char *assets_dir = prefixed ? xstrdup(root_rel) : path_join(root_rel, "assets");
    cand[1] = path_join(assets_dir, name);
    free(assets_dir);

    char *found = NULL;
    int refused = 0;
    for (int i = 0; i < 2 && !found && !refused; i++) {
        struct stat st;
        if (stat(cand[i], &st) != 0)
            continue;
        char *real = realpath(cand[i], NULL);
        if (!real || !inside(real, root)) {
            diag_error(at, "%s '%s' is outside the project folder '%s' (through '..' or a "
                       "symbolic link); keep the file inside it", what, name, root_rel);
            refused = 1;
        } else if (!S_ISREG(st.st_mode)) {
            diag_error(at, "%s '%s' is %s, not a regular file", what, cand[i],
                       asset_file_kind(st.st_mode));
            refused = 1;
        } else {
            found = cand[i];
            cand[i] = NULL;
        }
        free(real);
    }
    if (!found && !refused)
        diag_error(at, "%s '%s' not found (looked for '%s' and '%s')", what, name, cand[0],
                   cand[1]);
    if (found)
        asset_log_add(found);
    free(cand[0]);
    free(cand[1]);
    free(root);
    free(root_rel);
    return found;
}

/* ---- the log of files read -------------------------------------------------- */

static char **logged;
static int nlogged, caplogged;

void asset_log_add(const char *path)
{
    for (int i = 0; i < nlogged; i++)
        if (strcmp(logged[i], path) == 0)
            return;
    if (nlogged == caplogged) {
        caplogged = caplogged ? 2 * caplogged : 8;
        logged = xrealloc(logged, (size_t)caplogged * sizeof *logged);
    }
    logged[nlogged++] = xstrdup(path);
}

int asset_log_take(char ***paths)
{
    int n = nlogged;
    *paths = logged;
    logged = NULL;
    nlogged = caplogged = 0;
    return n;
}
