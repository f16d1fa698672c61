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
#define SCENE_MAX_RUNS 64       /* runs: vary: and sweep: values */
#define SCENE_MAX_VARIANTS 64
#define SCENE_MAX_CLIPS 16
/* The longest out_name: with the staging folder's prefix and a file's
 * extension it stays well inside a file name's 255 bytes. */
#define SCENE_MAX_NAME 180

struct thin_rule {
    int below;                  /* applies to steps < below (0: all) */
    int every;
    struct param_duration per_step;     /* seconds == 0 && frames == 0: the frames' */
};

struct frames_opts {
    int every;                  /* a frame every N recorded steps */
    int nrules;
    struct thin_rule rules[SCENE_MAX_RULES];  /* replaces every when given */
    int last;                   /* always include the last N records */
    int first;                  /* the first step shown; thinning counts from it */
    struct param_duration per_step;   /* how long each selected step is shown */
    struct param_duration hold;       /* how long the final frame is held */
    struct param_duration hold_start; /* how long the first frame is held */
    int tween;                  /* in-between pictures drawn inside each step */
    struct param_duration duration;   /* seconds > 0: the selected steps take that long */
};

/* A scene of beats (no trainer): beat k lasts seconds[k]. */
struct beats_opts {
    int n;
    double *seconds;
    int rows;                   /* one beat per data row */
    int first_row;              /* with rows: beat k shows data row first_row + k */
};

/* A sweep: one fresh run per value of one option. */
struct sweep_opts {
    const char *path;           /* "data.noise" */
    const char *name;           /* its last part, "noise": the channel */
    int n;
    double *values;
    double seconds;             /* each value is shown this long */
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

#define SCENE_RUN_ALL (-1)     /* scene_panel.run: every run */
#define SCENE_RUN_SWEPT (-2)   /* scene_panel.run: the sweep's value shown */

struct scene_panel {
    const struct panel_kind *kind;
    void *opts;
    int run;                    /* index into scene.runs, or SCENE_RUN_* */
    int overlay;                /* may share cells with other panels */
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

/* One value of --set: path=value, the value written in YAML. */
struct scene_set {
    const char *path;
    const char *value;
};

/* A composite of whole scenes side by side (clips:). */
#define CLIPS_HOLD 0            /* the shorter ones hold their last frame */
#define CLIPS_TRIM 1            /* the composite ends with the shortest */
struct clips_opts {
    int n;
    struct scene **scenes;      /* owned */
    int cols;                   /* clips per row */
    int end;                    /* CLIPS_HOLD or CLIPS_TRIM */
    double gap;                 /* pixels between clips */
    double *x, *y, *w, *h;      /* each clip's place in the canvas, in pixels */
};

/* One complete animation per value (variants:). */
struct variant {
    const char *suffix;         /* "learning_rate=0.1": names its files */
    const char *path;           /* "trainer.learning_rate" */
    const char *value;          /* "0.1", as written */
    struct scene *scene;        /* owned */
};

struct scene {
    struct script *script;
    int owns_script;            /* variants and inline clips share their parent's */
    const struct snode *root;   /* the tree validated (the script's, with --set applied) */
    struct arena arena;
    char *dir;                  /* the script's folder */
    const char *path;
    const char *id, *title, *caption;
    /* What the outputs are called: the id, or with --set the id and the
     * values set ("gd-line@learning_rate=0.5"), so that a one-off render
     * never replaces the script's own outputs. */
    const char *out_name;
    long long seed;
    struct canvas_opts canvas;
    const struct theme *theme;
    uint32_t background;        /* resolved: canvas.background or the theme's */
    /* Panels are laid out on a canvas of lw x lh units, drawn at unit
     * pixels each: unit = min(width / 800, height / 450) but at least 1, so text and lines
     * on a 1920x1080 canvas look as on the 800x450 one, scaled up. */
    double unit, lw, lh;
    const struct data_kind *data_kind;  /* NULL: no data section */
    void *data_opts;
    struct dataset data;
    const struct env_kind *env;         /* NULL: no env section */
    void *env_opts;
    int nruns;                          /* >= 1 */
    struct run *runs;
    int nrun_data;
    struct dataset *run_data;           /* datasets of runs that change the data */
    struct frames_opts frames;
    struct beats_opts beats;            /* n = 0: not a scene of beats */
    struct sweep_opts sweep;            /* n = 0: no sweep */
    struct clips_opts clips;            /* n = 0: not a composite */
    int nvariants;
    struct variant *variants;
    int naux;
    struct script **aux;                /* the --set values' own parses */
    /* The files the scene read: its script first, then data files and
     * clips' scripts (asset.h), for the source key of its outputs. */
    char **inputs;
    int ninputs;
    struct layout_opts layout;
    int npanels;
    struct scene_panel *panels;
    struct outputs_opts out;
    struct scene_locs locs;
    /* What check_budget found the scene may cost (0 when unknown), for the
     * total of a scene and its variants. */
    long long cost_frames, cost_work;
};

/* NULL after reporting every error found. */
/* Bytes of one text a panel draws (a title, a label, a card's reason). */
#define SCENE_MAX_TEXT 300

struct scene *scene_load(const char *path);
/* The same with --set values laid over the script (NULL, 0: none). */
struct scene *scene_load_set(const char *path, const struct scene_set *sets, int nsets);
void scene_free(struct scene *s);           /* NULL is a no-op */

/* What the scene's runs learn from: the scene's data (scene_input), or
 * run r's own when a sweep or vary changes it. */
void scene_input(const struct scene *s, struct trainer_input *in);
void scene_run_input(const struct scene *s, int run, struct trainer_input *in);
/* Simulates every run into traces[0..nruns); the traces are the caller's
 * to release whatever this returns. */
int scene_simulate(const struct scene *s, struct trace *traces);
/* The options of an encoder kind for this scene (defaults if not given). */
const void *scene_encoder_opts(const struct scene *s, const struct encoder_kind *k);

/* The timeline: what each frame shows. Frame i is at i / fps seconds.
 * Times are seconds, so the frame rate changes smoothness, never speed:
 * each selected step (or beat, or swept value) holds the frames that fall
 * in its time. A picture is the same for frames whose tl_frame is equal,
 * and is drawn once. */
struct tl_frame {
    int kf;                     /* >= 0: keyframe record kf (before training) */
    int step;                   /* else: the clock's step (beat, sweep value) */
    /* A tween arrives at step: picture sub of nsub (0 of 1: none) is
     * (sub + 1) / nsub of the way from step `from` (the one shown before)
     * to step; the step's last picture is the step itself (nsub 1). */
    int from;
    int sub, nsub;
};

struct timeline {
    int nframes;
    struct tl_frame *f;
    int nselected;              /* distinct steps shown */
    int last_step;              /* the clock's last step */
    double *step_time;          /* seconds when each step 0..last_step is first shown (a
                                   skipped step: when the next shown one is) */
    /* A composite: the frame each clip shows, nframes x clips.n. */
    int *clip_frame;
};
int timeline_build(const struct scene *s, const struct trace *traces, struct timeline *tl);
/* A composite's frames from its clips' timelines (clips[i] for clip i). */
int timeline_compose(const struct scene *s, const struct timeline *clips, struct timeline *tl);
/* The most frames (and distinct pictures) the timeline can have when every
 * run makes max_steps updates: for validation. -1 when unknown. */
long long timeline_bound(const struct scene *s, long long max_steps, long long *pictures);
void timeline_release(struct timeline *tl);
/* Whether frames a and b show the same picture. */
int timeline_same(const struct scene *s, const struct timeline *tl, int a, int b);
/* The record of run r shown at frame f, and the one its tween comes from
 * (*from may be NULL). */
int timeline_rec(const struct scene *s, const struct trace *traces, const struct tl_frame *f,
                 int r, int *from);

/* The pixel rectangle of a panel's cell inside the canvas. */
void scene_cell_rect(const struct scene *s, const struct scene_panel *p,
                     double *x, double *y, double *w, double *h);

/* The spec tables of the scene's own sections, for `mlanim list`. */
extern const struct param_spec scene_canvas_params[];
extern const struct param_spec scene_frames_params[];
extern const struct param_spec scene_layout_params[];
extern const struct param_spec scene_outputs_params[];
extern const struct param_spec scene_beats_params[];
extern const struct param_spec scene_sweep_params[];
extern const struct param_spec scene_clips_params[];

#endif
