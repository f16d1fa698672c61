/* util: small pieces every module needs: checked allocation, an arena that
 * frees many allocations at once, growable string buffers, and paths.
 *
 * xmalloc and friends abort on out-of-memory: there is nothing sensible a
 * renderer can do without memory, and checking every small allocation would
 * bury the logic. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdarg.h>
#include "diag.h"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* An arena owns every block it hands out until arena_free(). */
struct arena {
    struct arena_block *head;
};
void *arena_alloc(struct arena *a, size_t n);       /* zeroed */
char *arena_strdup(struct arena *a, const char *s);
void arena_free(struct arena *a);                   /* leaves it empty, reusable */

/* A growable NUL-terminated string. */
struct sbuf {
    char *buf;
    size_t len, cap;
};
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) DIAG_PRINTF(2, 3);
void sbuf_release(struct sbuf *b);

/* The directory part of path ("." when there is none); caller frees. */
char *path_dirname(const char *path);
/* a/b joined with one slash; caller frees. */
char *path_join(const char *a, const char *b);
int path_exists(const char *path);
/* mkdir -p; reports and returns -1 on failure. */
int path_mkdirs(const char *path);

/* A temporary name beside final: "DIR/.NAME.tmp-PID"; caller frees. The
 * temporary lives in the same folder so that rename() is atomic. */
char *path_temp_for(const char *final);

/* A process-wide "stop soon" flag: SIGINT and SIGTERM set it (the setter
 * is async-signal-safe); long loops (training, drawing, encoding) poll it
 * and fail with a message once it is set. */
void interrupt_request(void);
int interrupt_requested(void);

/* Seconds on a monotonic clock, for progress and timings (never in output). */
double clock_seconds(void);

#endif
