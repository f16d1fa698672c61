/* panel: one view of a snapshot, drawn into a cell of the frame.
 *
 * A panel kind is a descriptor: its options table, what it needs from the
 * scene (a dataset, a model that predicts y(x), a 1-D objective), which of
 * its string options are value templates (checked against the trace's
 * channels at validation time), and a draw function. Drawing is a pure
 * function of (options, trace, record): frames can be drawn in any order on
 * any thread. */
#ifndef PANEL_H
#define PANEL_H

#include <cairo.h>
#include "draw.h"
#include "param.h"
#include "trace.h"

struct scene;

enum {
    PANEL_NEEDS_DATA = 1 << 0,      /* the scene has a dataset */
    PANEL_NEEDS_PREDICT = 1 << 1,   /* the model predicts y from x */
    PANEL_NEEDS_OBJECTIVE = 1 << 2, /* the model is a 1-D objective f(x) */
    PANEL_NEEDS_LINE = 1 << 3,      /* the model has a weight "w" and bias "b" */
    PANEL_NEEDS_CENTROIDS = 1 << 4, /* the model is a set of centroids */
    PANEL_NEEDS_LAST = PANEL_NEEDS_CENTROIDS,
};

struct panel_ctx {
    const struct scene *scene;
    const struct trace *trace;
    int rec;                        /* the record this frame shows */
    const struct theme *th;
    double x, y, w, h;              /* the cell, in canvas pixels */
};

struct panel_kind {
    const char *name;
    const char *summary;
    const struct param_spec *params;
    size_t opts_size;
    unsigned needs;
    const char *const *templates;   /* option names holding templates; NULL-terminated or NULL */
    void (*draw)(const void *opts, const struct panel_ctx *c, cairo_t *cr);
};

extern const struct panel_kind *const panel_kinds[];   /* sorted, NULL-terminated */
const struct panel_kind *panel_find(const char *name);

/* What a needs bit means, for messages and `list`. */
const char *panel_need_text(unsigned bit);

#endif
