/* limit: the table of resource bounds, their defaults and the --limit
 * parser. The defaults are set so that every bundled lesson and anything
 * like it fits with a wide margin (the largest bundled lesson uses under a
 * tenth of each), while what a script at the limits asks for takes minutes
 * and a bounded amount of memory, never hours or all of it: rendering runs
 * at roughly 100 megapixels a second on two cores, so the megapixel-frames
 * default is about two minutes of work (a minute and a half of 1080p video
 * at 30 fps). */
#include "limit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

struct limit {
    const char *name;
    long long def;
    const char *doc;
    long long max;              /* what --limit may set, 0: any (a hard bound) */
};

static const struct limit limit_table[LIMIT_COUNT] = {
    [LIMIT_SCRIPT_BYTES] = {"script-bytes", 1 << 20, "size of a scene script file", 0},
    [LIMIT_YAML_NODES] = {"yaml-nodes", 100000,
                          "values in a script, counting each use of an alias in full", 0},
    /* Reading recurses once per level: past a few thousand the stack, not
     * the limit, would stop it. */
    [LIMIT_YAML_DEPTH] = {"yaml-depth", 64, "nesting of mappings and sequences", 1000},
    [LIMIT_STRING_BYTES] = {"string-bytes", 16384, "length of one value (a title, a text card)", 0},
    [LIMIT_ID_BYTES] = {"id-bytes", 100, "length of a scene id (it names the output files)",
                        200},   /* id plus ".manifest" or ".webm" within NAME_MAX */
    [LIMIT_ERRORS] = {"errors", 100, "errors printed before the rest are only counted", 0},
    [LIMIT_DATA_BYTES] = {"data-bytes", 64LL << 20, "size of a data file", 0},
    [LIMIT_DATA_ROWS] = {"data-rows", 200000, "rows of a dataset, generated or read", 0},
    [LIMIT_STEPS] = {"steps", 1000000, "training steps of one run", 0},
    [LIMIT_WORK] = {"work", 200000000, "training steps x data rows x features, all runs and variants together", 0},
    [LIMIT_FRAMES] = {"frames", 20000, "frames of one scene", 0},
    [LIMIT_PIXELS] = {"pixels", 7680LL * 4320, "pixels of one frame (8K)", 0},
    [LIMIT_PIXEL_FRAMES] = {"megapixel-frames", 10000,
                            "frame pixels x frames of one scene, in millions", 0},
    [LIMIT_POINTS_DRAWN] = {"points-drawn", 20000000,
                            "data rows x pictures drawn, for panels that draw every row", 0},
    [LIMIT_MEMORY_MB] = {"memory-mb", 512, "memory for frames being drawn and encoded", 0},
};

static long long limit_value[LIMIT_COUNT];
static int limit_overridden[LIMIT_COUNT];

long long limit_get(enum limit_id id)
{
    return limit_overridden[id] ? limit_value[id] : limit_table[id].def;
}

const char *limit_name(enum limit_id id)
{
    return limit_table[id].name;
}

int limit_set(const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    size_t len = eq ? (size_t)(eq - assignment) : strlen(assignment);
    const char *names[LIMIT_COUNT];
    for (int i = 0; i < LIMIT_COUNT; i++) {
        names[i] = limit_table[i].name;
        if (strlen(names[i]) == len && strncmp(names[i], assignment, len) == 0) {
            if (!eq)
                return diag_fail("--limit %s: give a value, e.g. --limit %s=%lld", names[i],
                                 names[i], limit_table[i].def * 2);
            char *end;
            errno = 0;
            long long v = strtoll(eq + 1, &end, 10);
            if (errno || end == eq + 1 || *end || v < 1)
                return diag_fail("--limit %s: '%s' is not a whole number >= 1", names[i], eq + 1);
            if (limit_table[i].max && v > limit_table[i].max)
                return diag_fail("--limit %s: at most %lld", names[i], limit_table[i].max);
            limit_value[i] = v;
            limit_overridden[i] = 1;
            return 0;
        }
    }
    char *name = xmalloc(len + 1);
    memcpy(name, assignment, len);
    name[len] = '\0';
    const char *hint = diag_suggest(name, names, LIMIT_COUNT);
    if (hint)
        diag_fail("--limit: no limit named '%s' (did you mean '%s'? see `mlanim list limits`)",
                  name, hint);
    else
        diag_fail("--limit: no limit named '%s' (see `mlanim list limits`)", name);
    free(name);
    return -1;
}

void limits_print(FILE *out)
{
    fprintf(out, "limits (raise one with --limit NAME=VALUE):\n");
    for (int i = 0; i < LIMIT_COUNT; i++)
        fprintf(out, "  %-18s %12lld  %s%s\n", limit_table[i].name, limit_get((enum limit_id)i),
                limit_table[i].doc, limit_overridden[i] ? " (set by --limit)" : "");
}
