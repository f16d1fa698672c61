/* data: the datasets a lesson learns from.
 *
 * Each data kind (generator or loader) is a descriptor with a parameter
 * table; `make` builds the dataset from validated options and the scene's
 * random stream. Loaders resolve files relative to the script's folder and
 * then the project's assets/ folder, and report problems located in the
 * data file itself (assets/x.csv:5:3: error: ...). */
#ifndef DATA_H
#define DATA_H

#include <stdint.h>
#include "diag.h"
#include "param.h"
#include "rng.h"

struct dataset {
    int n;
    double *x, *y;              /* owned; n values each */
    /* Drawn from the scene's random stream right after the data, for later
     * random choices about this data (e.g. which points become the first
     * k-means centroids), so those follow the scene's seed too. */
    uint64_t seed;
};

struct data_ctx {
    const char *script_dir;     /* folder of the scene script */
    const struct diag_loc *loc; /* where the data section is, for errors */
    const struct snode *node;   /* the data mapping */
};

struct data_kind {
    const char *name;
    const char *summary;
    const struct param_spec *params;
    size_t opts_size;
    /* 0, or -1 after reporting. */
    int (*make)(const void *opts, struct rng *r, const struct data_ctx *ctx, struct dataset *out);
};

extern const struct data_kind *const data_kinds[];  /* sorted, NULL-terminated */
const struct data_kind *data_find(const char *name);
void dataset_release(struct dataset *d);

/* Resolve an asset path as described above; NULL if not found (caller
 * reports, with the places looked in written to tried). Caller frees. */
char *data_find_asset(const char *script_dir, const char *name, char *tried, size_t ntried);

#endif
