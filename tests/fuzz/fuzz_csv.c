/* libFuzzer harness: bytes of a CSV file -> the csv data kind (header,
 * column lookup, numbers, classes, located errors), the way a scene's
 * `data: {kind: csv, ...}` section runs it.
 *
 * The kind reads a file it finds by name beside the script, so each input
 * is written to SCRATCH/fuzz.csv and the script's folder is SCRATCH. Which
 * columns to ask for is taken from the input's own header (read here with libcsv), so that
 * most inputs get past the header: a hash of the first line picks one to
 * three feature columns (as `x` or as a `features` list), whether to ask
 * for a target `y` and a class column `label`, and now and then a name that
 * is not in the header. The options are built as script nodes directly,
 * since header names may hold bytes that YAML cannot carry. Rejecting an
 * input is the expected outcome (messages go to /dev/null), but it must
 * report why; a dataset that loads must be what was asked for. */
#include <csv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "data.h"
#include "fuzz_util.h"
#include "param.h"
#include "rng.h"
#include "script.h"
#include "util.h"

extern const struct data_kind data_csv;

static char *csv_path;

/* The header row as libcsv reads it (non-strict: a header the reader will
 * refuse still names columns to ask for). */
struct header {
    char **names;
    int n, cap;
    int done;
};

static void on_field(void *s, size_t len, void *data)
{
    struct header *h = data;
    if (h->done || h->n == 64)
        return;
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 8;
        h->names = xrealloc(h->names, sizeof(char *) * (size_t)h->cap);
    }
    h->names[h->n++] = xstrdup(s ? (const char *)s : "");
    (void)len;
}

static void on_row(int c, void *data)
{
    ((struct header *)data)->done = 1;
    (void)c;
}

static void read_header(const uint8_t *data, size_t size, struct header *h)
{
    if (size >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
        data += 3;
        size -= 3;
    }
    const uint8_t *eol = data;
    while (eol < data + size && *eol != '\n' && *eol != '\r')
        eol++;
    /* Past the first line, in case a quoted header name spans lines. */
    size_t take = size < (size_t)(eol - data) + 4096 ? size : (size_t)(eol - data) + 4096;
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        abort();
    csv_parse(&p, data, take, on_field, on_row, h);
    csv_fini(&p, on_field, on_row, h);
    csv_free(&p);
}

static uint32_t first_line_hash(const uint8_t *data, size_t size)
{
    uint32_t x = 2166136261u;
    for (size_t i = 0; i < size && data[i] != '\n' && data[i] != '\r'; i++)
        x = (x ^ data[i]) * 16777619u;
    return x ^ (x >> 16);
}

/* Column names come from the input's header, so they are written as a
 * script would quote them: a plain empty value (or "null") would mean
 * "not given" (param.h), a quoted one is the name "". */
static struct snode scalar(const char *s)
{
    static const char script[] = "fuzz.yaml";
    return (struct snode){.type = SNODE_SCALAR, .loc = {script, 2, 7}, .str = (char *)s,
                          .plain = 0};
}

static int load(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    csv_path = path_join(fuzz_scratch(), "fuzz.csv");
    /* The set-up must let a good file through, or every input would stop
     * at the same early error and the fuzzing would test nothing. */
    static const char good[] = "u,v,w\n1,2,0\n3,4,1\n";
    if (load((const uint8_t *)good, sizeof(good) - 1) != 0) {
        fprintf(stderr, "fuzz_csv: a valid CSV file does not load: the harness is broken\n");
        abort();
    }
    fuzz_quiet_diag();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load(data, size);
    return 0;
}

/* One input through the kind; its return value. */
static int load(const uint8_t *data, size_t size)
{
    fuzz_write(csv_path, data, size);
    diag_reset();

    struct header h = {0};
    read_header(data, size, &h);
    uint32_t sel = first_line_hash(data, size);
    int ncol = h.n ? h.n : 1;
    const char *col0 = h.n ? h.names[0] : "x";
#define COLUMN(i) (h.n ? h.names[(i) % ncol] : col0)
    int k = 1 + (int)(sel % 3), start = (int)((sel >> 2) % (uint32_t)ncol);
    int as_list = k > 1 || (sel >> 4) & 1;
    int want_y = (sel >> 5) & 1, want_label = (sel >> 6) & 1;
    char typo[256];
    snprintf(typo, sizeof(typo), "%.200s_", COLUMN(start));

    /* kind, file, x | features, y, label: at most 5 keys. */
    char *keys[5];
    struct diag_loc key_locs[5];
    struct snode vals[5], items[3];
    struct snode *valp[5], *itemp[3];
    int n = 0;
#define ADD(key, node) (keys[n] = (key), key_locs[n] = (struct diag_loc){"fuzz.yaml", 2 + n, 1}, \
                        vals[n] = (node), valp[n] = &vals[n], n++)
    ADD("kind", scalar("csv"));
    ADD("file", scalar("fuzz.csv"));
    for (int i = 0; i < k; i++) {
        items[i] = scalar(COLUMN(start + i));
        itemp[i] = &items[i];
    }
    if (((sel >> 7) & 7) == 0)
        items[0] = scalar(typo);
    if (as_list)
        ADD("features", ((struct snode){.type = SNODE_SEQ, .loc = {"fuzz.yaml", 4, 11}, .n = k,
                                        .vals = itemp}));
    else
        ADD("x", items[0]);
    if (want_y)
        ADD("y", scalar(COLUMN(start + k)));
    if (want_label)
        ADD("label", scalar(COLUMN(ncol - 1)));
    struct snode map = {.type = SNODE_MAP, .loc = {"fuzz.yaml", 2, 1}, .n = n, .keys = keys,
                        .key_locs = key_locs, .vals = valp};

    static const char *const extra[] = {"kind", "features", NULL};
    struct arena ar = {0};
    void *opts = arena_alloc(&ar, data_csv.head.opts_size);
    if (param_apply(data_csv.head.params, opts, &map, "data 'csv'", extra, &map.loc, &ar) != 0)
        abort();    /* the options above are always well-formed */
    struct rng r;
    rng_seed(&r, 7);
    struct data_ctx ctx = {fuzz_scratch(), &map.loc, &map};
    struct dataset ds = {0};
    int rc = data_csv.make(opts, &r, &ctx, &ds);

    /* Failures report; a dataset that loads is complete and what was asked. */
    if (rc != 0 && diag_error_count() == 0)
        abort();
    if (rc == 0) {
        if (diag_error_count() != 0 || ds.n < 1 || ds.d != k || !ds.x || !ds.feature_names ||
            !ds.y != !want_y || !ds.label != !want_label)
            abort();
        if (ds.label) {
            if (ds.nclasses < 1 || ds.nclasses > DATA_MAX_CLASSES)
                abort();
            for (int i = 0; i < ds.n; i++)
                if (ds.label[i] < 0 || ds.label[i] >= ds.nclasses)
                    abort();
        }
    }
    dataset_release(&ds);
    arena_free(&ar);
    for (int i = 0; i < h.n; i++)
        free(h.names[i]);
    free(h.names);
    return rc;
}
