/* diag: every user-facing error and warning goes through here.
 *
 * Script errors carry a location and read like a compiler's:
 *     scenes/x.yaml:12:9: error: unknown key 'lerning_rate' in trainer 'gd' (did you mean 'learning_rate'?)
 * Errors are counted so that `check` can report all of them in one run and
 * the caller can refuse to go on once any was reported. Other failures (I/O,
 * codec) use diag_fail(), which prints "mlanim: error: ..." and returns -1 so
 * that `return diag_fail(...)` is the one idiom for "report once and fail".
 * Output goes to stderr unless diag_set_stream() redirects it (tests). */
#ifndef DIAG_H
#define DIAG_H

#include <stdio.h>

/* A position in a script. line and col are 1-based; file NULL means "no
 * location" (the message is then prefixed with "mlanim: "). The file string
 * is borrowed: it must outlive every message that uses it. */
struct diag_loc {
    const char *file;
    int line;
    int col;
};

#if defined(__GNUC__)
#define DIAG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DIAG_PRINTF(a, b)
#endif

void diag_error(const struct diag_loc *loc, const char *fmt, ...) DIAG_PRINTF(2, 3);
void diag_warning(const struct diag_loc *loc, const char *fmt, ...) DIAG_PRINTF(2, 3);
void diag_note(const struct diag_loc *loc, const char *fmt, ...) DIAG_PRINTF(2, 3);
int diag_fail(const char *fmt, ...) DIAG_PRINTF(1, 2);

int diag_error_count(void);
void diag_reset(void);
void diag_set_stream(FILE *f);
/* Writes text to f with control and bidirectional-control characters
 * spelled out (\x1B, \u202E), as every message does: for the few lines
 * that print a path or an argument outside a message. */
void diag_put(FILE *f, const char *text);
/* Quiet: warnings (and notes on them) are not printed; errors always are.
 * Past the `errors` limit (limit.h) errors are counted, not printed. */
void diag_set_quiet(int quiet);

/* The candidate closest to word by edit distance, if close enough to be a
 * plausible typo (distance <= max(1, strlen(word) / 3)); else NULL. */
const char *diag_suggest(const char *word, const char *const *candidates, int n);

/* Between begin and end (scene_load, around one script), an error or
 * warning said once (same place, same words) is not said again. */
void diag_dedupe_begin(void);
void diag_dedupe_end(void);

#endif
