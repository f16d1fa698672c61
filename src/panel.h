/* panel: one view of a run's state, drawn into a cell of the frame.
 *
 * A panel kind is a descriptor: its head (options table; head.requires
 * names what it needs from the run: "data-1d", "predict-1d", "line-mse",
 * ...), which of its string options are value templates (checked against
 * the trace's channels at validation time), and a draw function. A panel
 * receives the run it draws (model and options), that run's trace and
 * input, the record to show, and the theme: never the whole scene. Drawing
 * is a pure function of those, so frames can be drawn in any order on any
 * thread. */
#ifndef PANEL_H
#define PANEL_H

#include <cairo.h>
#include <stdint.h>
#include "data.h"
#include "draw.h"
#include "kind.h"
#include "trace.h"
#include "trainer.h"

struct panel_ctx {
    const struct run *run;          /* the run this panel draws */
    const struct trace *trace;      /* its trace */
    const struct dataset *data;     /* its input data (n = 0 when none) */
    int rec;                        /* the record this frame shows */
    const struct theme *th;
    uint32_t background;            /* the frame's, 0xAARRGGBB */
    double x, y, w, h;              /* the cell, in canvas pixels */
};

struct panel_kind {
    struct kind_head head;
    const char *const *templates;   /* option names holding templates; NULL-terminated or NULL */
    void (*draw)(const void *opts, const struct panel_ctx *c, cairo_t *cr);
    int draws_rows;     /* draws every data row in every frame: its cost is rows x frames,
                           bounded by the points-drawn limit */
};

const struct panel_kind *panel_find(const char *name);

#endif
