/* param: table-driven parameter specs.
 *
 * A kind (dataset, model, trainer, panel) describes its options as a table of
 * param_spec rows: name, type, where the value lives in the kind's options
 * struct, default, range and a one-line doc. The same table validates a
 * script's mapping (unknown keys with "did you mean", wrong types, ranges,
 * missing required keys, all located), fills in defaults, and prints the
 * reference shown by `mlanim list`. A value that fails validation never
 * reaches the code that uses it. */
#ifndef PARAM_H
#define PARAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "script.h"
#include "util.h"

enum param_type {
    PARAM_INT,      /* int */
    PARAM_DOUBLE,   /* double */
    PARAM_BOOL,     /* int, 0 or 1 */
    PARAM_STRING,   /* const char *, borrowed from the script (NULL if unset) */
    PARAM_ENUM,     /* int, index into choices */
    PARAM_COLOR,    /* uint32_t 0xAARRGGBB */
    PARAM_NUMBERS,  /* struct param_numbers */
    PARAM_RATE,     /* struct param_rate: 20, 12.5 or "30000/1001" */
    PARAM_DURATION, /* struct param_duration: 2, "2s", "1.5 s", "250ms" */
    PARAM_STRINGS,  /* struct param_strings: a list of strings [a, b, ...] */
};

struct param_rate {
    int num, den;
};
#define PARAM_RATE_MAX_DEN 100000   /* written rates: num/den with den at most this */

/* A length of time: seconds, or (specs with frames_unit, where a bare
 * number counts frames) a whole number of frames at the scene's rate. */
struct param_duration {
    double seconds;             /* when frames is 0 */
    int frames;                 /* > 0: given in frames */
};

struct param_numbers {
    int n;
    double *v;      /* owned by the arena given to param_apply */
};

/* A list of non-empty scalars (column names, channel names, colours): the
 * strings are borrowed from the script (or, for a default, copied into the
 * arena), the array is owned by the arena given to param_apply. With
 * choices, every item must be one of them. */
struct param_strings {
    int n;
    const char **v;
};

struct param_spec {
    const char *name;
    enum param_type type;
    size_t offset;              /* of the value in the options struct */
    const char *def;            /* default, in script syntax; NULL = none */
    int required;               /* a script must give it */
    int ranged;                 /* numbers: check lo .. hi */
    double lo, hi;              /* inclusive bounds ... */
    int lo_open;                /* ... except lo itself when set (x > lo) */
    int hi_open;                /* ... and hi itself when set (x < hi) */
    int count;                  /* NUMBERS, STRINGS: exact count (0 = any, >= 1) */
    int interval;               /* NUMBERS of count 2: an axis [lo, hi], lo < hi */
    const char *const *choices; /* ENUM, STRINGS (each item): NULL-terminated */
    int frames_unit;            /* DURATION: a bare number counts frames, not seconds */
    int schedulable;            /* a trainer option a schedule may change during training */
    const char *doc;            /* one line */
};

/* Validate map against specs and store every value (given or default) into
 * obj. extra lists keys the caller handles itself (e.g. "kind"), NULL-
 * terminated, may be NULL. context names the owner in messages ("trainer
 * 'gd'"); where locates "missing key" errors when map is NULL. Returns 0, or
 * -1 after reporting every problem found. */
int param_apply(const struct param_spec *specs, void *obj, const struct snode *map,
                const char *context, const char *const *extra, const struct diag_loc *where,
                struct arena *ar);

/* Defaults only (as if the mapping were empty; required values stay zero). */
void param_defaults(const struct param_spec *specs, void *obj, struct arena *ar);

/* "number", "integer", "one of light|dark", ... and "0 < x <= 10"-style range. */
void param_describe_type(const struct param_spec *p, char *buf, size_t n);
void param_describe_range(const struct param_spec *p, char *buf, size_t n);
/* The reference table for one kind, one parameter per line. */
void param_print(FILE *out, const struct param_spec *specs, const char *indent);

/* Whether v is inside p's range (always, for specs without one). */
int param_in_range(const struct param_spec *p, double v);
/* The spec named name in a table, or NULL. */
const struct param_spec *param_find(const struct param_spec *specs, const char *name);
/* One value for one spec (a scalar node), stored at dst: 0, or -1 after
 * reporting at the node. */
int param_apply_one(const struct param_spec *p, void *dst, const struct snode *v,
                    const char *context);

/* Scalar conversions shared with scene.c: 0 on success. */
int param_parse_color(const char *s, uint32_t *out);
int param_parse_double(const char *s, double *out);
int param_parse_int(const char *s, int *out);
int param_parse_bool(const char *s, int *out);
int param_parse_rate(const char *s, struct param_rate *out);
/* "2", "2s", "1.5 s", "250ms" (not negative): seconds into *seconds; returns
 * 1 when a unit was written, 0 for a bare number, -1 if not a time. */
int param_parse_duration(const char *s, double *seconds);

#endif
