/* limit: the bounds that keep a script from costing more than it should.
 *
 * Every resource a script can make mlanim spend (bytes read, YAML nodes after
 * aliases, string length, nesting, data rows, training steps, frames, pixels
 * drawn, memory for frames in flight) has one row here: a name, a default and
 * a one-line doc. `check` compares the scene against them and reports a
 * located error naming the limit and how to raise it, so a hostile or
 * mistaken script is refused in milliseconds instead of running out of
 * memory or for hours. The defaults are far above what a lesson needs; a
 * user who needs more raises one on the command line (`--limit frames=50000`),
 * never from the script itself, since the point is to bound what a script
 * may ask for.
 *
 * The values are process-wide and set once, by main, before any script is
 * read; readers never lock. */
#ifndef LIMIT_H
#define LIMIT_H

#include <stdio.h>

enum limit_id {
    LIMIT_SCRIPT_BYTES,     /* size of a scene script file */
    LIMIT_YAML_NODES,       /* nodes of a script, aliases expanded */
    LIMIT_YAML_DEPTH,       /* nesting of mappings and sequences */
    LIMIT_STRING_BYTES,     /* one scalar (a title, a text card) */
    LIMIT_ID_BYTES,         /* a scene id, hence its output file names */
    LIMIT_ERRORS,           /* errors printed before the rest are counted only */
    LIMIT_DATA_BYTES,       /* size of a data file */
    LIMIT_DATA_ROWS,        /* rows of a dataset, generated or read */
    LIMIT_STEPS,            /* training steps of one run */
    LIMIT_WORK,             /* steps x rows of one run */
    LIMIT_FRAMES,           /* frames of one scene */
    LIMIT_PIXELS,           /* pixels of one frame */
    LIMIT_PIXEL_FRAMES,     /* pixels x frames of one scene (megapixels) */
    LIMIT_POINTS_DRAWN,     /* data rows x pictures, for panels that draw every row */
    LIMIT_MEMORY_MB,        /* frames in flight while rendering */
    LIMIT_COUNT
};

/* The current value (the default unless --limit raised or lowered it). */
long long limit_get(enum limit_id id);
const char *limit_name(enum limit_id id);

/* "name=value" from the command line: 0, or -1 after reporting an unknown
 * name or a value that is not a positive integer. */
int limit_set(const char *assignment);

/* The reference table for `mlanim list limits`. */
void limits_print(FILE *out);

#endif
