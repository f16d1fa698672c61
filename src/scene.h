/* scene: a validated scene script, and the timeline of its frames.
 *
 * scene_load reads a script, validates every section against the kinds'
 * tables and reports every problem it finds (located) before giving up, so
 * `mlanim check` shows all errors in one run. A loaded scene is complete and
 * consistent: kinds exist, values are in range, panels get what they need,
 * templates name real trace channels, data files were read.
 *
 * The timeline maps frames to trace records: which recorded steps become
 * frames (every N, or thinning rules such as "every step below 10, then
 * every 40th, then the last 4"), how many frames each is shown for, and how
 * long the end is held. */
#ifndef SCENE_H
#define SCENE_H

#include <stdint.h>
#include "data.h"
#include "draw.h"
#include "model.h"
#include "panel.h"
#include "param.h"
#include "script.h"
#include "trace.h"
#include "trainer.h"

#define SCENE_MAX_FORMATS 8
#define SCENE_MAX_RULES 8

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

struct gif_opts {
    int max_colors;
    int dither;                 /* index into scene_dithers */
    int max_kb;                 /* size budget, 0 = none */
};

struct mp4_opts {
    int crf;
    int preset;                 /* index into scene_presets */
    int chroma;                 /* index into scene_chromas: 420 or 444 */
};

struct webm_opts {
    int crf;
};

struct outputs_opts {
    int nformats;
    const char *formats[SCENE_MAX_FORMATS];
    int poster;                 /* frame index, -1 = last */
    struct gif_opts gif;
    struct mp4_opts mp4;
    struct webm_opts webm;
};

struct scene_panel {
    const struct panel_kind *kind;
    void *opts;
    int row, col, rowspan, colspan;
};

struct layout_opts {
    int rows, cols;
    double margin, gap;
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
    const struct data_kind *data_kind;
    void *data_opts;
    struct dataset data;
    const struct model_kind *model;
    void *model_opts;
    const struct trainer_kind *trainer;
    void *trainer_opts;
    struct frames_opts frames;
    struct layout_opts layout;
    int npanels;
    struct scene_panel *panels;
    struct outputs_opts out;
};

extern const char *const scene_presets[];   /* x264 presets, NULL-terminated */
extern const char *const scene_dithers[];   /* none, ordered, diffusion */
extern const char *const scene_chromas[];   /* 420, 444 */

/* NULL after reporting every error found. */
struct scene *scene_load(const char *path);
void scene_free(struct scene *s);           /* NULL is a no-op */

/* Runs the trainer; the trace is the caller's to release. */
int scene_simulate(const struct scene *s, struct trace *t);

struct timeline {
    int nframes;
    int *rec;                   /* frame -> trace record */
    int nselected;              /* distinct records shown */
};
int timeline_build(const struct scene *s, const struct trace *t, struct timeline *tl);
void timeline_release(struct timeline *tl);

/* The pixel rectangle of a panel's cell inside the canvas. */
void scene_cell_rect(const struct scene *s, const struct scene_panel *p,
                     double *x, double *y, double *w, double *h);

/* The spec tables of the scene's own sections, for `mlanim list`. */
extern const struct param_spec scene_canvas_params[];
extern const struct param_spec scene_frames_params[];
extern const struct param_spec scene_layout_params[];
extern const struct param_spec scene_outputs_params[];
extern const struct param_spec scene_gif_params[];
extern const struct param_spec scene_mp4_params[];
extern const struct param_spec scene_webm_params[];

#endif
