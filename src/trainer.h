/* trainer: how a model's parameters are adjusted, step by step, and the run
 * that holds a model and its trainer.
 *
 * A run is one model (kind and options) with one trainer (kind and
 * options), and a label for legends. A scene has one or more runs; each is
 * simulated into its own trace. A trainer kind runs the whole "initialize,
 * adjust, repeat" loop for its run and records one trace row per step: row
 * k is the state after k updates (row 0 is the initial state). Channels:
 * "step", the model's parameter blocks (theta, in order), "loss", then the
 * trainer's own (channels). What a trainer needs from the model and the
 * input ("gradient", "centroids", ...) is its head.requires.
 *
 * A trainer never crashes on NaN/inf: it records every finite step, the
 * first non-finite one, and stops with stop_reason "diverged". */
#ifndef TRAINER_H
#define TRAINER_H

#include "data.h"
#include "env.h"
#include "kind.h"
#include "model.h"
#include "trace.h"

/* What a run learns from: a dataset, or an environment to act in. */
struct trainer_input {
    const struct dataset *data;         /* never NULL; n = 0 when the scene has none */
    const struct env_kind *env;         /* NULL when the scene has none */
    const void *env_opts;
    uint64_t seed;                      /* for the trainer's own random choices */
};

struct trainer_kind;

/* One change of a schedule (scene.h): before the update that leaves
 * record `at`, set the option to value, or add value to it `times` times. */
struct sched_change {
    int at;
    char op;                            /* '=' or '+' */
    const struct param_spec *spec;      /* the trainer option (schedulable) */
    double value;
    int times;
};

/* A keyframe: model options moved along the timeline (scene.h). */
#define KEYFRAME_MAX_KEYS 8
struct keyframe {
    double at;                          /* seconds from the start */
    int ease;                           /* easing into this keyframe (ease.h) */
    int nkeys;
    const struct param_spec *spec[KEYFRAME_MAX_KEYS];   /* model options */
    double value[KEYFRAME_MAX_KEYS];
};

struct run {
    const char *label;                  /* for legends; "" for the only run */
    const struct dataset *data;         /* what it learns from (n = 0: none) */
    const struct model_kind *model;     /* NULL in a scene without a model */
    const void *model_opts;
    const struct trainer_kind *trainer; /* NULL in a scene without a trainer */
    const void *trainer_opts;
    int nsched;
    const struct sched_change *sched;   /* in the order they apply */
    /* Keyframes: before training, kf_records records (one per frame of the
     * keyframe phase, at kf_fps) show the model with its options moved
     * along the keyframes; the trainer then starts from the last one. */
    int nkf;
    const struct keyframe *kf;
    const void *kf_base_opts;           /* the model's options before the keyframes */
    int kf_records;
    double kf_fps;
    /* A sweep's or a vary's value, recorded as a constant channel (NULL
     * name: none). */
    const char *value_name;
    double value;
    /* A scene of beats: one record per beat (nbeats > 0, no trainer); with
     * beat_rows, each record also holds the data row of its beat in
     * channels named after the data's columns: beat k holds row
     * beat_first_row + k. */
    int nbeats;
    int beat_rows;
    int beat_first_row;
};

struct trainer_kind {
    struct kind_head head;
    const char *const *channels;        /* extra scalar channels, NULL-terminated */
    int (*run)(const void *opts, const struct run *r, const struct trainer_input *in,
               struct trace *t);
    /* The most updates run() may make with these options (records are one
     * more), so that validation can bound the frames and the work before
     * anything runs. */
    long long (*max_steps)(const void *opts);
    /* Checks between options that a param table cannot express (scan's
     * to > from); reports located errors under node (the trainer mapping)
     * and returns -1, or 0. May be NULL. */
    int (*check)(const void *opts, const struct snode *node);
    /* Checks of options against the run's data (column names a trainer
     * option picks, say): the same contract, called only when the data
     * loaded; r is the run, for options of its model the check depends on
     * (solve's folds against its training rows). May be NULL. */
    int (*check_data)(const void *opts, const struct snode *node, const struct dataset *d,
                      const struct run *r);
};

const struct trainer_kind *trainer_find(const char *name);

/* Sets up the channels of a trace for a run on this input in the documented
 * order; used by the trainer and by validation (which names exist). -1 when
 * a name would be used twice (the trace is then unusable). */
int trainer_define_channels(struct trace *t, const struct run *r, const struct trainer_input *in);
/* Channel index of the first parameter block (theta starts there). */
#define TRACE_THETA_CHANNEL 1
/* theta at record rec: the parameter blocks, one after the other. */
const double *trainer_theta(const struct trace *t, int rec);

/* Simulates a run: defines the channels, then the trainer fills them. The
 * trace is the caller's to release whatever this returns. */
int run_simulate(const struct run *r, const struct trainer_input *in, struct trace *t);

/* For trainers: applies the changes scheduled for record `step` to opts
 * (the trainer's own working copy of its options), recording each as an
 * event in t. Call it before the update that leaves record `step`. */
void run_schedule_apply(const struct run *r, int step, void *opts, struct trace *t);

/* ---- trainer 'solve' ----
 * The train/test split solve fits run r with (r->trainer must be solve's):
 * is_test[i] (room for d->n) becomes 1 for the test rows and 0 for the
 * training rows. Returns the number of test rows (0 when test_fraction is
 * 0: everything is training), or -1. */
int solve_split(const struct run *r, const struct dataset *d, unsigned char *is_test);

#endif
