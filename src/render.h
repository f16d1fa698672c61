/* render: from a validated scene to finished files.
 *
 * simulate -> timeline -> frames -> encoders -> manifest. Frames are drawn
 * by worker threads into a small ring of surfaces (a bounded reorder window)
 * and handed to the encoders strictly in order, so output bytes do not
 * depend on the thread count and memory does not grow with the number of
 * frames. Every output is written under a temporary name beside its final
 * name and renamed only when all of the scene's outputs are complete; on
 * any failure the temporaries are removed and earlier outputs stay as they
 * were. */
#ifndef RENDER_H
#define RENDER_H

#include <cairo.h>
#include "scene.h"
#include "trace.h"

struct render_opts {
    const char *out_dir;        /* outputs go to OUT_DIR/<id>/ */
    int nformats;               /* 0: the script's formats */
    const char *formats[8];
    const char *trace_path;     /* write the trace as JSON here (NULL: no) */
    int jobs;                   /* drawing threads, >= 1 */
    double scale;               /* canvas scale factor (1: the script's size) */
    int progress;               /* 0 quiet, 1 one line per scene, 2 live bar */
};

/* 0 on success; -1 after reporting. */
int render_scene(const struct scene *s, const struct render_opts *o);

/* Asks running renders to stop (async-signal-safe: for SIGINT/SIGTERM
 * handlers). They fail as if an encoder had, removing their temporaries. */
void render_interrupt(void);
int render_interrupted(void);

/* Draws the frame showing record rec on surf (ARGB32, the canvas size times
 * scale). Fonts must be initialised. Exposed for tests. */
/* traces: one per run. */
void render_draw(const struct scene *s, const struct trace *traces, int rec, cairo_surface_t *surf);

/* Writes the trace as JSON (see docs/scenes.md for the layout). */
int render_write_trace(const struct scene *s, const struct trace *traces, const char *path);

#endif
