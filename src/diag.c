/* diag: compiler-style error, warning and note messages, the error counter
 * that lets `check` report every problem in one run before refusing to go on,
 * and the edit-distance suggester behind "did you mean ...?". Messages may
 * come from render threads, so printing and counting share one mutex; that
 * also keeps each message on its own line when threads report at once. */
#include "diag.h"
#include "limit.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The same SGR codes gcc uses, so the output looks familiar. */
#define SGR_BOLD    "\033[1m"
#define SGR_RED     "\033[1;31m"
#define SGR_MAGENTA "\033[1;35m"
#define SGR_CYAN    "\033[1;36m"
#define SGR_RESET   "\033[0m"

struct diag_kind {
    const char *word;
    const char *colour;
};

static const struct diag_kind diag_kind_error = { "error", SGR_RED };
static const struct diag_kind diag_kind_warning = { "warning", SGR_MAGENTA };
static const struct diag_kind diag_kind_note = { "note", SGR_CYAN };

static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *diag_stream;       /* NULL means stderr: stderr is not a constant */
static int diag_errors;
static int diag_quiet;          /* warnings (and their notes) not shown */
static int diag_last_shown = 1; /* a note follows the message it explains */

/* Decided per message rather than once, because tests and the CLI switch
 * streams and NO_COLOR may be set after start-up. An empty NO_COLOR does not
 * count, as the no-color.org convention says. */
static int diag_use_colour(FILE *f)
{
    const char *no_colour = getenv("NO_COLOR");
    if (no_colour && no_colour[0])
        return 0;
    int fd = fileno(f);
    return fd >= 0 && isatty(fd);
}

/* Writes text with every control character spelled out: C0 bytes and DEL
 * as \xNN; the C1 controls (U+0080..U+009F, which some terminals obey as
 * escapes) and the bidirectional controls (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069, which reorder what the reader sees) as
 * \uNNNN. Messages quote keys, values and file contents from scripts, and a
 * script must not be able to clear the terminal, set its title, forge a
 * "file:1:1: error:" line of its own or disguise one. */
void diag_put(FILE *f, const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            fprintf(f, "\\x%02X", *c);
        } else if (*c == 0xC2 && c[1] >= 0x80 && c[1] <= 0x9F) {
            fprintf(f, "\\u%04X", c[1]);
            c++;
        } else if (*c == 0xD8 && c[1] == 0x9C) {
            fputs("\\u061C", f);
            c++;
        } else if (*c == 0xE2 && ((c[1] == 0x80 && (c[2] == 0x8E || c[2] == 0x8F ||
                                                     (c[2] >= 0xAA && c[2] <= 0xAE))) ||
                                  (c[1] == 0x81 && c[2] >= 0xA6 && c[2] <= 0xA9))) {
            fprintf(f, "\\u%04X", 0x2000 | (c[1] & 0x3F) << 6 | (c[2] & 0x3F));
            c += 2;
        } else {
            fputc(*c, f);
        }
    }
}

/* Callers hold diag_lock. */
static void diag_print(FILE *f, const struct diag_kind *kind,
                       const struct diag_loc *loc, const char *fmt, va_list ap)
{
    int colour = diag_use_colour(f);
    const char *bold = colour ? SGR_BOLD : "";
    const char *hue = colour ? kind->colour : "";
    const char *reset = colour ? SGR_RESET : "";

    fputs(bold, f);
    if (!loc || !loc->file) {
        fputs("mlanim:", f);
    } else {
        diag_put(f, loc->file);
        if (loc->line > 0 && loc->col > 0)
            fprintf(f, ":%d:%d:", loc->line, loc->col);
        else if (loc->line > 0)
            fprintf(f, ":%d:", loc->line);
        else
            fputc(':', f);
    }
    fprintf(f, "%s %s%s:%s ", reset, hue, kind->word, reset);
    char small[512];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    char *text = small;
    if (n >= (int)sizeof small && (text = malloc((size_t)n + 1)) != NULL)
        vsnprintf(text, (size_t)n + 1, fmt, ap);
    diag_put(f, text ? text : small);
    if (text != small)
        free(text);
    fputc('\n', f);
    fflush(f);
}

/* Errors and warnings already said while a script is validated, by a hash
 * of where and what: the runs of a scene are validated from the same
 * sections, and a mistake in a section they share is one mistake, said
 * once. */
#define DIAG_SEEN 4096
static uint64_t diag_seen[DIAG_SEEN];
static int diag_dedupe;     /* on while a script is validated */

static int diag_said_before(const struct diag_kind *kind, const struct diag_loc *loc,
                            const char *fmt, va_list ap)
{
    if (!diag_dedupe || !loc || !loc->file || kind == &diag_kind_note)
        return 0;
    char text[512];
    va_list copy;
    va_copy(copy, ap);
    vsnprintf(text, sizeof text, fmt, copy);
    va_end(copy);
    uint64_t h = 1469598103934665603ull;
    for (const char *c = loc->file; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    h = (h ^ (uint64_t)(unsigned)loc->line) * 1099511628211ull;
    h = (h ^ (uint64_t)(unsigned)loc->col) * 1099511628211ull;
    h = (h ^ (uint64_t)(kind == &diag_kind_error)) * 1099511628211ull;
    for (const char *c = text; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    if (!h)
        h = 1;
    for (size_t i = h % DIAG_SEEN, k = 0; k < DIAG_SEEN; k++, i = (i + 1) % DIAG_SEEN) {
        if (diag_seen[i] == h)
            return 1;
        if (!diag_seen[i]) {
            diag_seen[i] = h;
            return 0;
        }
    }
    return 0;       /* full: say it again rather than lose it */
}

void diag_dedupe_begin(void)
{
    pthread_mutex_lock(&diag_lock);
    memset(diag_seen, 0, sizeof diag_seen);
    diag_dedupe = 1;
    pthread_mutex_unlock(&diag_lock);
}

void diag_dedupe_end(void)
{
    pthread_mutex_lock(&diag_lock);
    diag_dedupe = 0;
    pthread_mutex_unlock(&diag_lock);
}

static void diag_emit(const struct diag_kind *kind, const struct diag_loc *loc,
                      const char *fmt, va_list ap)
{
    pthread_mutex_lock(&diag_lock);
    if (diag_said_before(kind, loc, fmt, ap)) {
        pthread_mutex_unlock(&diag_lock);
        return;
    }
    FILE *f = diag_stream ? diag_stream : stderr;
    /* Past the error limit, errors are counted and nothing more is printed
     * (their notes included): a script with 100,000 unknown keys gets a
     * page of messages, not 100,000 lines. */
    long long cap = limit_get(LIMIT_ERRORS);
    if (kind == &diag_kind_error)
        diag_errors++;
    int show = diag_errors <= cap;
    if (kind == &diag_kind_warning)
        show = show && !diag_quiet;
    else if (kind == &diag_kind_note)
        show = show && diag_last_shown;
    if (kind != &diag_kind_note)
        diag_last_shown = show;
    if (show) {
        diag_print(f, kind, loc, fmt, ap);
    } else if (kind == &diag_kind_error && diag_errors == cap + 1) {
        fprintf(f, "mlanim: note: more than %lld errors; the rest are counted but not shown "
                "(--limit errors=N shows more)\n", cap);
        fflush(f);
    }
    pthread_mutex_unlock(&diag_lock);
}

void diag_error(const struct diag_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_emit(&diag_kind_error, loc, fmt, ap);
    va_end(ap);
}

void diag_warning(const struct diag_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_emit(&diag_kind_warning, loc, fmt, ap);
    va_end(ap);
}

void diag_note(const struct diag_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_emit(&diag_kind_note, loc, fmt, ap);
    va_end(ap);
}

int diag_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_emit(&diag_kind_error, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int diag_error_count(void)
{
    pthread_mutex_lock(&diag_lock);
    int n = diag_errors;
    pthread_mutex_unlock(&diag_lock);
    return n;
}

void diag_reset(void)
{
    pthread_mutex_lock(&diag_lock);
    diag_errors = 0;
    pthread_mutex_unlock(&diag_lock);
}

void diag_set_quiet(int quiet)
{
    pthread_mutex_lock(&diag_lock);
    diag_quiet = quiet;
    pthread_mutex_unlock(&diag_lock);
}

void diag_set_stream(FILE *f)
{
    pthread_mutex_lock(&diag_lock);
    diag_stream = f;
    pthread_mutex_unlock(&diag_lock);
}

/* Edit distance ignoring case, since "Learning_Rate" for "learning_rate"
 * is the same typo as any other, and counting a swap of two neighbouring
 * letters as one edit ("optimal string alignment"), since "stpes" for
 * "steps" is one slip of the fingers. rows holds 3 * (strlen(b) + 1) ints:
 * the current row and the two before it. */
static size_t diag_distance(const char *a, const char *b, size_t *rows)
{
    size_t nb = strlen(b);
    size_t *prev2 = rows, *prev = rows + nb + 1, *cur = rows + 2 * (nb + 1);
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        int ca = tolower((unsigned char)a[i - 1]);
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            int cb = tolower((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}

const char *diag_suggest(const char *word, const char *const *candidates, int n)
{
    if (!word || !candidates)
        return NULL;
    size_t len = strlen(word);
    size_t limit = len / 3 > 1 ? len / 3 : 1;

    size_t longest = 0;
    for (int i = 0; i < n; i++)
        if (candidates[i] && strlen(candidates[i]) > longest)
            longest = strlen(candidates[i]);
    size_t *row = malloc(3 * (longest + 1) * sizeof *row);
    if (!row)
        return NULL;    /* a missing hint is not worth an error of its own */

    const char *best = NULL;
    size_t best_dist = limit + 1;
    for (int i = 0; i < n; i++) {
        const char *c = candidates[i];
        if (!c)
            continue;
        /* The length gap is a lower bound on the distance; skipping on it
         * keeps long candidate lists cheap. */
        size_t clen = strlen(c);
        size_t gap = clen > len ? clen - len : len - clen;
        if (gap >= best_dist)
            continue;
        size_t d = diag_distance(word, c, row);
        if (d < best_dist) {
            best = c;
            best_dist = d;
        }
    }
    free(row);
    return best;
}
