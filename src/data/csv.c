/* data csv: columns of a CSV file with a header row, parsed by libcsv.
 *
 * The header names the columns; the options pick the feature column (x) or
 * columns (features), an optional numeric target (y) and an optional class
 * column (label) whose distinct values become the classes. The file is read
 * whole, regular files only and at most the data-bytes limit, so that a FIFO or a
 * device named by mistake cannot hang `mlanim check` and a huge file cannot
 * exhaust memory. libcsv (strict mode) does the quoting rules but reports
 * neither lines nor columns, so the text is fed to it one piece at a time,
 * each piece ending on the next ',', CR or LF: libcsv only ends a field or
 * a row on such a byte, so every callback fires on the last byte fed and the
 * reader knows the offset where each field began. Lines and columns are
 * counted from those offsets only when a message needs them. Problems in the
 * file are located in the file (x.csv:4:4: error: ...), problems with a
 * name in the options at that option in the script. Header names and class
 * names must be UTF-8 text (they reach the legend and the JSON output), and
 * messages echo at most CSV_ECHO_CHARS characters of any cell. */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "asset.h"
#include "data.h"
#include "limit.h"
#include "util.h"
#include "utf8.h"

#define CSV_MAX_BYTES ((size_t)limit_get(LIMIT_DATA_BYTES))
/* Far above any real table, low enough that a file of nothing but commas
 * cannot make the header cost gigabytes. */
#define CSV_MAX_COLUMNS 65536
/* Header names listed in a "not in the header" message before "and N more". */
#define CSV_LIST_NAMES 24
/* Characters of a cell (or header name) a message echoes before "...": a
 * 10 MB cell must not make a 10 MB error line. */
#define CSV_ECHO_CHARS 40
/* Room for CSV_ECHO_CHARS characters of at most 4 bytes each ("\xFF" for a
 * byte that is not text), the "..." and the NUL. */
#define CSV_ECHO_BUF (4 * CSV_ECHO_CHARS + 4)

struct csv_opts {
    const char *file;
    const char *x, *y, *label;  /* column names, NULL when not given */
};

static const struct param_spec csv_params[] = {
    {.name = "file", .type = PARAM_STRING, .offset = offsetof(struct csv_opts, file),
     .required = 1, .doc = "CSV file with a header row, beside the script or in assets/"},
    {.name = "x", .type = PARAM_STRING, .offset = offsetof(struct csv_opts, x),
     .doc = "name of the feature column (for several: features: [NAME, ...] instead)"},
    {.name = "y", .type = PARAM_STRING, .offset = offsetof(struct csv_opts, y),
     .doc = "name of the numeric target column (optional)"},
    {.name = "label", .type = PARAM_STRING, .offset = offsetof(struct csv_opts, label),
     .doc = "name of the class column; its distinct values are the classes (optional)"},
    {0},
};

/* One column the options ask for. Several may name the same header column
 * (label and a feature, say), so each header column heads a list of them. */
struct csv_want {
    const char *name;
    const struct snode *node;   /* the option that names it, for errors */
    int col;                    /* header column, -1 until the header is read */
    int next;                   /* next want on the same column, or -1 */
};

struct csv_reader {
    const struct data_ctx *ctx;
    const char *path;           /* the file found, for locations */
    const char *text;           /* the file after any byte-order mark, NUL-terminated */
    size_t len;
    size_t at;                  /* offset of the byte the piece being fed ends on */
    size_t from;                /* offset just past the previous field's end */
    int field;                  /* index of the next field in its row */
    int header_done;
    int failed;                 /* reported an error: ignore the rest */

    char **names;               /* the header */
    int nnames, capnames;
    int *first;                 /* per header column: its first want, or -1 */

    struct csv_want *want;      /* d features, then y, then label */
    int nwant, d, wy, wl;       /* wy, wl: index in want, or -1 */
    int need;                   /* fields a row must have: 1 + the last wanted column */

    double *x, *y;              /* rows read so far, room for cap */
    int *lab;                   /* per row: class index by first appearance */
    int n, cap;
    char *cls[DATA_MAX_CLASSES];
    int ncls;
};


/* s for a message: at most CSV_ECHO_CHARS characters, then "..." if there
 * is more, cut between characters; a byte that is not UTF-8 text, or a
 * control character, is shown as \xNN so that the message stays text. */
static const char *csv_echo(const char *s, char buf[CSV_ECHO_BUF])
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0;
    int chars = 0;
    while (*u) {
        if (chars == CSV_ECHO_CHARS) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        unsigned long cp;
        int n = utf8_decode(u, &cp);
        if (n == 0 || cp < 0x20 || cp == 0x7F) {
            snprintf(buf + o, 5, "\\x%02X", *u);
            o += 4;
            n = 1;
        } else {
            memcpy(buf + o, u, (size_t)n);
            o += (size_t)n;
        }
        u += n;
        chars++;
    }
    buf[o] = '\0';
    return buf;
}

/* Line and column of a byte, counted on demand: errors are rare and stop
 * the reading, so one pass from the start costs less than tracking lines
 * for every field. CR LF, LF and a lone CR each end a line. */
static struct diag_loc csv_loc(const struct csv_reader *r, size_t off)
{
    int line = 1;
    size_t start = 0;
    for (size_t i = 0; i < off && i < r->len; i++)
        if (r->text[i] == '\n' || (r->text[i] == '\r' && r->text[i + 1] != '\n')) {
            line++;
            start = i + 1;
        }
    return (struct diag_loc){r->path, line, (int)(off - start) + 1};
}

/* Where the current field's text begins: past the spaces libcsv skips, and
 * at the start of a row also past the blank lines it skips. A quoted field
 * begins at its opening quote, as a quoted scalar does in the script. */
static size_t csv_field_start(const struct csv_reader *r)
{
    size_t i = r->from;
    while (i < r->len) {
        char c = r->text[i];
        if (c != ' ' && c != '\t' && (r->field > 0 || (c != '\r' && c != '\n')))
            break;
        i++;
    }
    return i;
}

/* param_parse_double refuses every ERANGE, but glibc's strtod also sets it
 * for results below DBL_MIN (subnormal numbers, or underflow to zero), and
 * those are still the nearest double to what the file says. Only overflow
 * is out of range. 0, -1 not a number, -2 out of range. */
static int csv_number(const char *s, double *out)
{
    if (param_parse_double(s, out) == 0)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno != ERANGE)
        return -1;
    for (const char *c = s; *c; c++)
        if (isalpha((unsigned char)*c) && *c != 'e' && *c != 'E')
            return -1;
    if (!(fabs(v) <= DBL_MIN))
        return -2;
    *out = v;
    return 0;
}

/* Spaces inside quotes are kept for names, but " 5 " is still the number 5. */
static char *csv_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static void csv_fail(struct csv_reader *r)
{
    r->failed = 1;
}

static void csv_store_number(struct csv_reader *r, int u, char *cell, size_t start)
{
    char *s = csv_trim(cell);
    double v;
    int rc = *s ? csv_number(s, &v) : -1;
    if (rc == 0) {
        if (u == r->wy)
            r->y[r->n] = v;
        else
            r->x[(size_t)r->n * (size_t)r->d + (size_t)u] = v;
        return;
    }
    struct diag_loc at = csv_loc(r, start);
    char echo[CSV_ECHO_BUF];
    if (!*s)
        diag_error(&at, "empty cell in column '%s': a number is needed", r->want[u].name);
    else if (rc == -2)
        diag_error(&at, "number out of range: '%s'", csv_echo(s, echo));
    else
        diag_error(&at, "not a number: '%s'", csv_echo(s, echo));
    csv_fail(r);
}

/* Refuses a header name or class name that is not text: it goes into
 * messages, the legend and the JSON of manifests and traces. 0, or -1 after
 * reporting at the cell. */
static int csv_check_text(struct csv_reader *r, const char *cell, size_t start, const char *what)
{
    for (const unsigned char *u = (const unsigned char *)cell; *u;) {
        unsigned long cp;
        int n = utf8_decode(u, &cp);
        if (n > 0 && !utf8_noncharacter(cp)) {
            u += n;
            continue;
        }
        struct diag_loc at = csv_loc(r, start);
        if (n == 0)
            diag_error(&at, "invalid UTF-8 in %s (byte 0x%02X): the CSV file must be UTF-8 "
                       "text", what, *u);
        else
            diag_error(&at, "the character U+%04lX in %s is a Unicode noncharacter, not "
                       "text: remove it", cp, what);
        csv_fail(r);
        return -1;
    }
    return 0;
}

static void csv_store_label(struct csv_reader *r, const char *cell, size_t start)
{
    int c = 0;
    while (c < r->ncls && strcmp(r->cls[c], cell) != 0)
        c++;
    if (c == r->ncls) {
        struct diag_loc at = csv_loc(r, start);
        if (!*cell) {
            diag_error(&at, "empty cell in the class column '%s'", r->want[r->wl].name);
            csv_fail(r);
            return;
        }
        if (csv_check_text(r, cell, start, "a class name") != 0)
            return;
        if (r->ncls == DATA_MAX_CLASSES) {
            char echo[CSV_ECHO_BUF];
            diag_error(&at, "column '%s' has more than %d different values ('%s' is one too "
                       "many); a class column can have at most %d classes", r->want[r->wl].name,
                       DATA_MAX_CLASSES, csv_echo(cell, echo), DATA_MAX_CLASSES);
            csv_fail(r);
            return;
        }
        r->cls[r->ncls++] = xstrdup(cell);
    }
    r->lab[r->n] = c;
}

/* "a, b, c", or the first CSV_LIST_NAMES and how many more. */
static void csv_header_list(const struct csv_reader *r, struct sbuf *b)
{
    int shown = r->nnames <= CSV_LIST_NAMES ? r->nnames : CSV_LIST_NAMES;
    if (shown < r->nnames)
        sbuf_printf(b, "it has %d columns: ", r->nnames);
    else
        sbuf_puts(b, "it has: ");
    char echo[CSV_ECHO_BUF];
    for (int i = 0; i < shown; i++)
        sbuf_printf(b, "%s%s", i ? ", " : "", csv_echo(r->names[i], echo));
    if (shown < r->nnames)
        sbuf_printf(b, " and %d more", r->nnames - shown);
}

/* Finds every wanted column in the header just read, reporting each one
 * that is missing or ambiguous at the option that names it. */
static void csv_resolve(struct csv_reader *r)
{
    r->first = xmalloc(sizeof(int) * (size_t)(r->nnames ? r->nnames : 1));
    for (int j = 0; j < r->nnames; j++)
        r->first[j] = -1;
    for (int u = 0; u < r->nwant; u++) {
        struct csv_want *w = &r->want[u];
        const struct diag_loc *loc = w->node ? &w->node->loc : r->ctx->loc;
        int found = -1, again = -1;
        for (int j = 0; j < r->nnames; j++)
            if (strcmp(r->names[j], w->name) == 0) {
                if (found < 0)
                    found = j;
                else if (again < 0)
                    again = j;
            }
        if (found < 0) {
            struct sbuf list = {0};
            csv_header_list(r, &list);
            const char *s = diag_suggest(w->name, (const char *const *)r->names, r->nnames);
            char echo[CSV_ECHO_BUF];
            if (s)
                diag_error(loc, "column '%s' is not in the header of '%s' (did you mean '%s'? %s)",
                           w->name, r->path, csv_echo(s, echo), list.buf);
            else
                diag_error(loc, "column '%s' is not in the header of '%s' (%s)", w->name,
                           r->path, list.buf);
            sbuf_release(&list);
            csv_fail(r);
            continue;
        }
        if (again >= 0) {
            diag_error(loc, "column '%s' appears more than once in the header of '%s' "
                       "(columns %d and %d): rename one", w->name, r->path, found + 1, again + 1);
            csv_fail(r);
            continue;
        }
        w->col = found;
        w->next = r->first[found];
        r->first[found] = u;
        if (found + 1 > r->need)
            r->need = found + 1;
    }
}

/* libcsv's field callback: the field ended on the byte at r->at. */
static void csv_on_field(void *s, size_t n, void *data)
{
    struct csv_reader *r = data;
    if (r->failed)
        return;
    size_t start = csv_field_start(r);
    int j = r->field++;
    r->from = r->at + 1;
    static char none[1];
    char *cell = s ? s : none;  /* NULL only if the parser never had any text */
    (void)n;                    /* CSV_APPEND_NULL ends the cell, and the text has no NUL */
    if (!r->header_done) {
        if (r->nnames == CSV_MAX_COLUMNS) {
            struct diag_loc at = csv_loc(r, start);
            diag_error(&at, "the header has more than %d columns", CSV_MAX_COLUMNS);
            csv_fail(r);
            return;
        }
        if (r->nnames == r->capnames) {
            r->capnames = r->capnames ? 2 * r->capnames : 16;
            r->names = xrealloc(r->names, sizeof(char *) * (size_t)r->capnames);
        }
        if (csv_check_text(r, cell, start, "a column name") != 0)
            return;
        r->names[r->nnames++] = xstrdup(cell);
        return;
    }
    if (j == 0 && r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->x = xrealloc(r->x, sizeof(double) * (size_t)r->cap * (size_t)r->d);
        if (r->wy >= 0)
            r->y = xrealloc(r->y, sizeof(double) * (size_t)r->cap);
        if (r->wl >= 0)
            r->lab = xrealloc(r->lab, sizeof(int) * (size_t)r->cap);
    }
    if (j >= r->nnames)
        return;     /* cells past the header's end are ignored, as before */
    for (int u = r->first[j]; u >= 0 && !r->failed; u = r->want[u].next) {
        if (u == r->wl)
            csv_store_label(r, cell, start);
        else
            csv_store_number(r, u, cell, start);
    }
}

/* libcsv's row callback: the row ended on the byte at r->at (r->len at the
 * end of a file without a final newline). */
static void csv_on_row(int c, void *data)
{
    struct csv_reader *r = data;
    (void)c;
    if (r->failed)
        return;
    int nf = r->field;
    r->field = 0;
    r->from = r->at + 1;
    if (!r->header_done) {
        r->header_done = 1;
        csv_resolve(r);
        return;
    }
    if (nf < r->need) {
        int missing = r->need - 1;
        for (int u = 0; u < r->nwant; u++)
            if (r->want[u].col >= nf && r->want[u].col < missing)
                missing = r->want[u].col;
        struct diag_loc at = csv_loc(r, r->at);
        char echo[CSV_ECHO_BUF];
        diag_error(&at, "row has %d field%s, but column '%s' is field %d", nf, nf == 1 ? "" : "s",
                   csv_echo(r->names[missing], echo), missing + 1);
        csv_fail(r);
        return;
    }
    if (r->n >= limit_get(LIMIT_DATA_ROWS)) {
        struct diag_loc at = csv_loc(r, r->at);
        diag_error(&at, "more than %lld data rows (limit %s; raise it with --limit %s=N)",
                   limit_get(LIMIT_DATA_ROWS), limit_name(LIMIT_DATA_ROWS),
                   limit_name(LIMIT_DATA_ROWS));
        csv_fail(r);
        return;
    }
    r->n++;
}

/* A printable form of the byte at off, for messages. */
static const char *csv_byte(const struct csv_reader *r, size_t off, char *buf, size_t n)
{
    unsigned char c = (unsigned char)r->text[off];
    if (c == '\r' || c == '\n')
        snprintf(buf, n, "end of line");
    else if (isprint(c))
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02x", c);
    return buf;
}

/* Feeds the text to libcsv piece by piece (see the top of the file). 0, or
 * -1 after reporting. */
static int csv_parse_text(struct csv_reader *r)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return diag_fail("cannot start the CSV parser");
    /* xrealloc gives up on out-of-memory like every other allocation, and
     * larger blocks keep a long field from growing 128 bytes at a time. */
    csv_set_realloc_func(&p, xrealloc);
    csv_set_blk_size(&p, 4096);
    size_t pos = 0;
    while (pos < r->len && !r->failed) {
        size_t k = strcspn(r->text + pos, ",\r\n");
        size_t piece = pos + k < r->len ? k + 1 : k;
        r->at = pos + piece - 1;
        size_t used = csv_parse(&p, r->text + pos, piece, csv_on_field, csv_on_row, r);
        if (used < piece && !r->failed) {
            size_t off = pos + used;
            struct diag_loc at = csv_loc(r, off);
            char what[32];
            if (csv_error(&p) != CSV_EPARSE)
                diag_error(&at, "cannot parse the CSV text: %s", csv_strerror(csv_error(&p)));
            else if (r->text[csv_field_start(r)] != '"')
                diag_error(&at, "'\"' inside a field that does not start with one (quote the "
                           "whole field and write an inner quote twice: \"a \"\"b\"\" c\")");
            else
                diag_error(&at, "unexpected %s after the closing quote of a field (a '\"' "
                           "inside a quoted field is written twice: \"\")",
                           csv_byte(r, off, what, sizeof(what)));
            csv_fail(r);
        }
        pos += piece;
    }
    if (!r->failed) {
        r->at = r->len;
        if (csv_fini(&p, csv_on_field, csv_on_row, r) != 0 && !r->failed) {
            struct diag_loc at = csv_loc(r, csv_field_start(r));
            diag_error(&at, "quoted field is never closed: no '\"' matches the one here");
            csv_fail(r);
        }
    }
    csv_free(&p);
    return r->failed ? -1 : 0;
}


static void csv_too_large(const char *path, const struct diag_loc *at, unsigned long long bytes)
{
    diag_error(at, "data file '%s' is too large: %llu bytes (limit %s: %lld; raise it with "
               "--limit %s=N)", path, bytes, limit_name(LIMIT_DATA_BYTES),
               limit_get(LIMIT_DATA_BYTES), limit_name(LIMIT_DATA_BYTES));
}

/* The whole file, NUL-terminated, its length in *len; NULL after reporting
 * at `at` (the script's `file`). asset_resolve has checked that path names
 * a regular file inside the project; it is checked again on the open
 * descriptor, in case the name changed in between, and O_NONBLOCK keeps
 * the open from waiting if it is a FIFO by then. */
static char *csv_slurp(const char *path, const struct diag_loc *at, size_t *len)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        diag_error(at, "cannot read data file '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag_error(at, "data file '%s' is %s, not a regular file", path, asset_file_kind(st.st_mode));
        close(fd);
        return NULL;
    }
    if ((unsigned long long)st.st_size > CSV_MAX_BYTES) {
        csv_too_large(path, at, (unsigned long long)st.st_size);
        close(fd);
        return NULL;
    }
    /* One byte more than the size, so that the read seeing the end needs
     * no growth; a file that grows while read is still held to the limit. */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            cap = cap > CSV_MAX_BYTES / 2 ? CSV_MAX_BYTES + 1 : 2 * cap;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            diag_error(at, "cannot read data file '%s': %s", path, strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > CSV_MAX_BYTES) {
            csv_too_large(path, at, (unsigned long long)n);
            free(buf);
            close(fd);
            return NULL;
        }
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

struct csv_item {
    const char *name;
    int i;
};

/* By name, then by place in the list. */
static int csv_cmp_item(const void *a, const void *b)
{
    const struct csv_item *p = a, *q = b;
    int c = strcmp(p->name, q->name);
    return c ? c : (p->i > q->i) - (p->i < q->i);
}

/* Reports each name that `features` (a list of scalars) lists more than
 * once, at its second appearance, in the order of the list; 1 if any.
 * Sorted, so that a long list costs n log n, not n squared. */
static int csv_features_repeated(const struct snode *fn)
{
    int n = fn->n, any = 0;
    struct csv_item *order = xmalloc(sizeof(*order) * (size_t)n);
    char *second = xcalloc((size_t)n, 1);
    for (int i = 0; i < n; i++)
        order[i] = (struct csv_item){fn->vals[i]->str, i};
    qsort(order, (size_t)n, sizeof(*order), csv_cmp_item);
    for (int k = 1; k < n; k++)
        if (strcmp(order[k].name, order[k - 1].name) == 0 &&
            (k == 1 || strcmp(order[k - 1].name, order[k - 2].name) != 0))
            second[order[k].i] = any = 1;
    for (int i = 0; i < n; i++)
        if (second[i])
            diag_error(&fn->vals[i]->loc, "column '%s' is listed twice in 'features'",
                       fn->vals[i]->str);
    free(order);
    free(second);
    return any;
}

/* What the options ask for, checked before the file is read: x or
 * features (a YAML list of names, read here from the node since the
 * parameter table has no list-of-strings type), then y and label. */
static int csv_wants(const struct csv_opts *opt, const struct data_ctx *ctx, struct csv_reader *r)
{
    const struct snode *fn = snode_get(ctx->node, "features");
    if (!opt->x && !fn) {
        diag_error(ctx->loc, "data 'csv' needs its feature column: give 'x: NAME', or "
                   "'features: [NAME, ...]' for several");
        return -1;
    }
    if (opt->x && fn) {
        diag_error(&fn->loc, "data 'csv' takes 'x' (one feature column) or 'features' "
                   "(a list of them), not both");
        return -1;
    }
    int d = 1;
    if (fn) {
        if (fn->type != SNODE_SEQ) {
            diag_error(&fn->loc, "'features' in data 'csv' must be a list of column names "
                       "such as [a, b], not %s", fn->type == SNODE_MAP ? "a mapping" : "a single value");
            return -1;
        }
        if (fn->n == 0) {
            diag_error(&fn->loc, "'features' in data 'csv' must name at least one column");
            return -1;
        }
        int bad = 0;
        for (int i = 0; i < fn->n; i++)
            if (fn->vals[i]->type != SNODE_SCALAR) {
                diag_error(&fn->vals[i]->loc, "'features' in data 'csv' must be a list of "
                           "column names; item %d is %s", i + 1,
                           fn->vals[i]->type == SNODE_MAP ? "a mapping" : "a list");
                bad = 1;
            }
        if (bad || csv_features_repeated(fn))
            return -1;
        d = fn->n;
    }
    r->d = d;
    r->nwant = d + (opt->y != NULL) + (opt->label != NULL);
    r->want = xcalloc((size_t)r->nwant, sizeof(*r->want));
    for (int u = 0; u < d; u++) {
        r->want[u].node = fn ? fn->vals[u] : snode_get(ctx->node, "x");
        r->want[u].name = fn ? fn->vals[u]->str : opt->x;
    }
    r->wy = r->wl = -1;
    int u = d;
    if (opt->y) {
        r->wy = u++;
        r->want[r->wy] = (struct csv_want){opt->y, snode_get(ctx->node, "y"), -1, -1};
    }
    if (opt->label) {
        r->wl = u++;
        r->want[r->wl] = (struct csv_want){opt->label, snode_get(ctx->node, "label"), -1, -1};
    }
    for (u = 0; u < r->nwant; u++)
        r->want[u].col = r->want[u].next = -1;
    return 0;
}

struct csv_class_value {
    int value, c;
};

static int csv_cmp_class(const void *a, const void *b)
{
    const struct csv_class_value *p = a, *q = b;
    return p->value != q->value ? (p->value < q->value ? -1 : 1) : p->c - q->c;
}

/* Classes are numbered by first appearance; when every class value is an
 * integer they are renumbered in numeric order instead (so "0", "1", "2"
 * stay classes 0, 1, 2 whatever row comes first), spellings of one value
 * ("2", "02") becoming one class named as first written. */
static void csv_order_classes(struct csv_reader *r, struct dataset *d)
{
    struct csv_class_value order[DATA_MAX_CLASSES];
    int map[DATA_MAX_CLASSES], all_int = 1, nc = 0;
    const char *names[DATA_MAX_CLASSES];
    for (int c = 0; c < r->ncls; c++) {
        order[c].c = c;
        all_int &= param_parse_int(r->cls[c], &order[c].value) == 0;
    }
    if (all_int)
        qsort(order, (size_t)r->ncls, sizeof(order[0]), csv_cmp_class);
    for (int i = 0; i < r->ncls; i++) {
        if (i == 0 || !all_int || order[i].value != order[i - 1].value)
            names[nc++] = r->cls[order[i].c];
        map[order[i].c] = nc - 1;
    }
    for (int i = 0; i < r->n; i++)
        r->lab[i] = map[r->lab[i]];
    dataset_set_classes(d, nc, names);
}

static void csv_release(struct csv_reader *r)
{
    for (int j = 0; j < r->nnames; j++)
        free(r->names[j]);
    free(r->names);
    free(r->first);
    free(r->want);
    free(r->x);
    free(r->y);
    free(r->lab);
    for (int c = 0; c < r->ncls; c++)
        free(r->cls[c]);
    memset(r, 0, sizeof(*r));
}

/* Reads the file's text into r; 0, or -1 after reporting. */
static int csv_read(struct csv_reader *r, const char *path, const char *buf, size_t len)
{
    struct diag_loc top = {path, 1, 1};
    const unsigned char *u = (const unsigned char *)buf;
    if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
        diag_error(&top, "the data file is UTF-16 text; save it as UTF-8 (CSV UTF-8)");
        return -1;
    }
    /* Spreadsheet programs write a UTF-8 byte-order mark; it is not part of
     * the first column's name, nor of any column count. */
    if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
        buf += 3;
        len -= 3;
    }
    r->path = path;
    r->text = buf;
    r->len = len;
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        struct diag_loc at = csv_loc(r, (size_t)(nul - buf));
        diag_error(&at, "NUL byte in the data file: a CSV file is text (is this a "
                   "spreadsheet or a UTF-16 file?)");
        return -1;
    }
    if (csv_parse_text(r) != 0)
        return -1;
    if (!r->header_done) {
        diag_error(&top, "empty CSV file: a header row is needed");
        return -1;
    }
    return 0;
}

static int csv_make(const void *o, struct rng *rng, const struct data_ctx *ctx, struct dataset *d)
{
    const struct csv_opts *opt = o;
    struct csv_reader r = {.ctx = ctx};
    if (csv_wants(opt, ctx, &r) != 0) {
        csv_release(&r);
        return -1;
    }
    const struct snode *fnode = snode_get(ctx->node, "file");
    const struct diag_loc *floc = fnode ? &fnode->loc : ctx->loc;
    char *path = asset_resolve(ctx->script_dir, opt->file, floc, "data file");
    if (!path) {
        csv_release(&r);
        return -1;
    }
    size_t len = 0;
    char *buf = csv_slurp(path, floc, &len);
    int rc = buf ? csv_read(&r, path, buf, len) : -1;
    if (rc == 0 && r.n == 0) {
        diag_error(floc, "data file '%s' has no rows", path);
        rc = -1;
    }
    if (rc == 0) {
        if (r.lab)
            csv_order_classes(&r, d);
        d->n = r.n;
        d->d = r.d;
        d->x = r.x;
        d->y = r.y;
        d->label = r.lab;
        r.x = r.y = NULL;
        r.lab = NULL;
        d->feature_names = xcalloc((size_t)r.d, sizeof(char *));
        for (int j = 0; j < r.d; j++)
            d->feature_names[j] = xstrdup(r.want[j].name);
        d->seed = rng_next(rng);
    }
    csv_release(&r);
    free(buf);
    free(path);
    return rc;
}

const struct data_kind data_csv = {
    .head = {.name = "csv",
             .summary = "numeric columns of a CSV file with a header row: features, an "
                        "optional target and an optional class column",
             .params = csv_params,
             .opts_size = sizeof(struct csv_opts),
             .provides = (const char *const[]){"data", "data-1d", "points", "labels", NULL},
             .extra_keys = (const char *const[]){"features", NULL}},
    .make = csv_make,
};
