/* render: from a validated scene to finished files.
 *
 * simulate -> timeline -> frames -> encoders -> manifest. Frames are drawn
 * by worker threads into a small ring of surfaces (a bounded reorder window)
 * and handed to the encoders strictly in order, so output bytes do not
 * depend on the thread count and memory does not grow with the number of
 * frames (the ring is sized from the thread count and the memory-mb limit).
 * Every output is written into a staging folder that replaces OUT/<id> in
 * one rename when all of them are complete (commit.h); on any failure the
 * staging folder is removed and earlier outputs stay as they were. */
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
    int trace_in_set;           /* and/or as OUT/<id>/<id>.trace.json, one of the scene's files */
    int jobs;                   /* drawing threads, >= 1 */
    double scale;               /* canvas scale factor (1: the script's size) */
    int progress;               /* 0 quiet, 1 one line per scene, 2 live bar */
};

/* 0 on success; -1 after reporting. Renders the scene and each of its
 * variants into OUT_DIR/<out_name>/, committed together. */
int render_scene(const struct scene *s, const struct render_opts *o);

/* A scene ready to draw: its runs simulated, its timeline built (and the
 * same for each clip of a composite), and a sweep's summary trace. */
struct stage {
    const struct scene *s;
    struct trace *traces;       /* one per run */
    struct timeline tl;
    struct stage *clips;        /* s->clips.n of them */
    struct trace sweep;         /* nrec = 0 outside sweeps */
};
int stage_prepare(struct stage *st, const struct scene *s);  /* 0, or -1 after reporting */
void stage_release(struct stage *st);
/* Draws frame `frame` of the stage's timeline on surf (the canvas size
 * times any scale). 0, or -1 after reporting a cairo error. */
int render_frame(const struct stage *st, int frame, cairo_surface_t *surf);

/* Draws the picture of clock step rec (every run at its record of that
 * step) on surf (ARGB32, the canvas size times scale), traces one per run. Fonts must be initialised. 0, or -1 after
 * reporting a cairo error (out of memory, a bad surface). Exposed for
 * tests. Interrupts (interrupt_request in util.h) stop a render between
 * frames and training between steps; it fails as if an encoder had. */
int render_draw(const struct scene *s, const struct trace *traces, int rec, cairo_surface_t *surf);

#endif
