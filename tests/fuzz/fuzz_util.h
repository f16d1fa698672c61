/* Shared by the libFuzzer harnesses: a private scratch folder per process,
 * and writing an input there as a file, for the loaders that take a path
 * (scene_load, the csv data kind). The folder is removed at exit. Functions
 * are static inline so a harness that does not use one is not warned. The
 * harnesses are run by tools/fuzz (see tests/fuzz/CMakeLists.txt). */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "diag.h"
#include "util.h"

static char fuzz_dir[64];

/* Removes the files in the scratch folder (not recursive: the harnesses
 * only make plain files and one level of folders), then the folder. */
static inline void fuzz_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = path_join(dir, e->d_name);
            if (unlink(p) != 0)
                fuzz_remove_tree(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static inline void fuzz_cleanup(void)
{
    if (fuzz_dir[0])
        fuzz_remove_tree(fuzz_dir);
}

/* Creates the scratch folder (once) and returns it. */
static inline const char *fuzz_scratch(void)
{
    if (!fuzz_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/mlanim-fuzz-XXXXXX",
                 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
        if (!mkdtemp(fuzz_dir)) {
            perror("mkdtemp");
            abort();
        }
        atexit(fuzz_cleanup);
    }
    return fuzz_dir;
}

/* Writes data to path, replacing it; aborts if it cannot (that is a broken
 * fuzzing set-up, not a finding). */
static inline void fuzz_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

/* diag output is expected (most inputs are invalid): send it nowhere. */
static inline void fuzz_quiet_diag(void)
{
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    if (!null) {
        perror("/dev/null");
        abort();
    }
    diag_set_stream(null);
}

#endif
