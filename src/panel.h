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
    /* Tweening (frames.tween): the picture is frac of the way from record
     * rec_from (the step shown before) to rec, the step this frame belongs
     * to (frac 0, rec_from == rec: no tween). theta holds the parameters
     * to draw, interpolated when tweening, rec's otherwise; panels that
     * move marks read it through panel_theta. Values printed as text are
     * rec's, the step being taken: the trace is exact, only motion glides. */
    int rec_from;
    double frac;
    const double *theta;
    /* The scene's clock: the step shown (the beat in a scene of beats, the
     * value index in a sweep). A run that stopped earlier shows its last
     * record. */
    int step;
    /* Every run of the scene, for panels that overlay them all (run: all):
     * runs[i] with traces[i] shows record recs[i]. nruns is 1 in a scene
     * of one run. */
    int nruns;
    const struct run *runs;
    const struct trace *traces;
    const int *recs;
    /* A sweep's summary (NULL outside sweeps): one record per value, in
     * the order swept, with the swept value as a channel named after the
     * option (and "value"), and each run's final scalar channels; index
     * is the value shown. */
    const struct trace *sweep;
    int sweep_index;
    /* Time: the frame's, in seconds from the start, and when each clock
     * step is first shown (step_time[s] for s in 0..nstep_time-1; a step
     * the timeline skips has the time of the next one shown, NaN after the
     * last), so a panel can show a message "for three seconds after step
     * 40" whatever the frame rate. */
    double time;
    const double *step_time;
    int nstep_time;
    const struct theme *th;
    uint32_t background;            /* the frame's, 0xAARRGGBB */
    double x, y, w, h;              /* the cell, in canvas pixels */
};

/* What a panel's check may look at. */
struct panel_check {
    int nbeats;                     /* beats of the scene; 0 when it has none */
    const struct dataset *data;     /* the data of the panel's run (n = 0 when none) */
    const struct run *run;
    /* The channels the run's trace will have (no records); nchan = 0 when
     * they are not known (the data failed). */
    const struct trace *probe;
    /* The panel's cell, in the scene's layout units (1 unit = unit canvas
     * pixels), for a kind that refuses text that cannot fit. */
    double cell_w, cell_h, unit;
    const struct theme *th;         /* the scene's theme (sizes of its text) */
};

struct panel_kind {
    struct kind_head head;
    const char *const *templates;   /* option names holding templates; NULL-terminated or NULL */
    void (*draw)(const void *opts, const struct panel_ctx *c, cairo_t *cr);
    int draws_rows;     /* draws every data row in every frame: its cost is rows x frames,
                           bounded by the points-drawn limit */
    int all_runs;       /* accepts run: all and draws every run (a legend names them) */
    /* Seconds after a step (or beat) is first shown during which the panel
     * moves marks by the frame's time (a card gliding, a packet going
     * round; INFINITY: all the step): those frames are pictures of their
     * own, not one picture drawn once for the frames of a step. 0: none. */
    double moves_for;
    /* Checks that need the scene's shape (options against the number of
     * beats, say); reports located errors under node and returns -1, or 0.
     * May be NULL. */
    int (*check)(void *opts, const struct snode *node, const struct panel_check *pc);
    /* Frees what the kind keeps from one frame to the next (a cache of
     * layers that do not change between frames, kept for the process:
     * every scene rendered may reuse it). NULL: it keeps nothing. */
    void (*release)(void);
};


const struct panel_kind *panel_find(const char *name);
/* Calls every kind's release. No thread may be drawing meanwhile; drawing
 * may start again afterwards (the caches fill again). */
void panel_release(void);
/* Heat maps the loss-surface panel computed since the last panel_release:
 * its cache at work, for the tests. */
long loss_surface_heatmaps_computed(void);
/* Frames whose static layer (heat map, contours, outline) the panel copied
 * from the kept pixels since the last panel_release, for the tests. */
long loss_surface_layer_hits(void);

#endif
