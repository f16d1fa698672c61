/* scene: a validated scene script, and the timeline of its frames.
 *
 * scene_load reads a script, validates every section against the kinds'
 * tables and reports every problem it finds (located) before giving up, so
 * `mlanim check` shows all errors in one run. A loaded scene is complete and
 * consistent: kinds exist, values are in range, what every model, trainer
 * and panel requires is among what the run's data, environment, model and
 * trainer provide (capabilities, kind.h), templates name real trace
 * channels, data files were read. A scene has one or more runs (struct run
 * in trainer.h); a script with one model and one trainer has one run.
 *
 * The timeline maps frames to trace records: which recorded steps become
 * frames (every N, or thinning rules such as "every step below 10, then
 * every 40th, then the last 4"), how many frames each is shown for, and how
 * long the end is held. */
#ifndef SCENE_H
#define SCENE_H

#include <stdint.h>
#include "data.h"
#include "encode.h"
#include "env.h"
#include "draw.h"
#include "model.h"
#include "panel.h"
#include "param.h"
#include "script.h"
#include "trace.h"
#include "trainer.h"

#define SCENE_MAX_FORMATS 8
#define SCENE_MAX_RULES 8
#define SCENE_MAX_GRID 16       /* rows and columns of the layout */
#define SCENE_MAX_PANELS (SCENE_MAX_GRID * SCENE_MAX_GRID)

struct thin_rule {
    int below;                  /* applies to steps < below (0: all) */
    int every;
};

struct frames_opts {
    int every;                  /* a frame every N recorded steps */
    int nrules;
    struct thin_rule rules[SCENE_MAX_RULES];  /* replaces every when given */
    int last;                   /* always include the last N records */
    int per_step;               /* frames per selected record */
    double hold;                /* seconds to hold the final frame */
};

struct canvas_opts {
    int width, height;
    struct param_rate fps;
    int theme;                  /* index into theme_names */
    uint32_t background;        /* 0 = the theme's */
    int has_background;
};

#define SCENE_MAX_ENCODERS 16

struct outputs_opts {
    int nformats;
    const char *formats[SCENE_MAX_FORMATS];
    int poster;                 /* frame index, -1 = last */
    /* Each encoder kind's options (outputs.<name>), by its index in the
     * encoder table; defaults when the script gives none. */
    const void *kind_opts[SCENE_MAX_ENCODERS];
};

struct scene_panel {
    const struct panel_kind *kind;
    void *opts;
    int run;                    /* index into scene.runs */
    int row, col, rowspan, colspan;
};

struct layout_opts {
    int rows, cols;
    double margin, gap;
};

/* Where the values render may still complain about were written, taken at
 * validation time so that render never reads the script's nodes. A value
 * the script leaves out points at the file ({path, 0, 0}). */
struct scene_locs {
    struct diag_loc fps, poster, gif_max_kb;
};

struct scene {
    struct script *script;
    struct arena arena;
    char *dir;                  /* the script's folder */
    const char *path;
    const char *id, *title, *caption;
    long long seed;
    struct canvas_opts canvas;
    const struct theme *theme;
    uint32_t background;        /* resolved: canvas.background or the theme's */
    const struct data_kind *data_kind;  /* NULL: no data section */
    void *data_opts;
    struct dataset data;
    const struct env_kind *env;         /* NULL: no env section */
    void *env_opts;
    int nruns;                          /* >= 1 */
    struct run *runs;
    struct frames_opts frames;
    struct layout_opts layout;
    int npanels;
    struct scene_panel *panels;
    struct outputs_opts out;
    struct scene_locs locs;
};

/* NULL after reporting every error found. */
struct scene *scene_load(const char *path);
void scene_free(struct scene *s);           /* NULL is a no-op */

/* What the scene's runs learn from. */
void scene_input(const struct scene *s, struct trainer_input *in);
/* Simulates every run into traces[0..nruns); the traces are the caller's
 * to release whatever this returns. */
int scene_simulate(const struct scene *s, struct trace *traces);
/* The options of an encoder kind for this scene (defaults if not given). */
const void *scene_encoder_opts(const struct scene *s, const struct encoder_kind *k);

/* The timeline follows the first run's records (a shared clock for several
 * runs comes with the scene-time work). */
struct timeline {
    int nframes;
    int *rec;                   /* frame -> trace record */
    int nselected;              /* distinct records shown */
};
int timeline_build(const struct scene *s, const struct trace *traces, struct timeline *tl);
void timeline_release(struct timeline *tl);

/* The pixel rectangle of a panel's cell inside the canvas. */
void scene_cell_rect(const struct scene *s, const struct scene_panel *p,
                     double *x, double *y, double *w, double *h);

/* The spec tables of the scene's own sections, for `mlanim list`. */
extern const struct param_spec scene_canvas_params[];
extern const struct param_spec scene_frames_params[];
extern const struct param_spec scene_layout_params[];
extern const struct param_spec scene_outputs_params[];

#endif
