/* trainer: how a model's parameters are adjusted, step by step.
 *
 * A trainer kind runs the whole "initialize, adjust, repeat" loop for a model
 * and records one trace row per step: row k is the state after k updates
 * (row 0 is the initial state). Channels: "step", the model's parameters,
 * "loss", then the trainer's own (listed in channels). A trainer never
 * stops on NaN/inf by crashing: it records the divergence and stops with
 * stop_reason "diverged". */
#ifndef TRAINER_H
#define TRAINER_H

#include "data.h"
#include "model.h"
#include "trace.h"

struct trainer_kind {
    const char *name;
    const char *summary;
    const struct param_spec *params;
    size_t opts_size;
    const char *const *channels;        /* extra channels, NULL-terminated */
    /* The one model kind this trainer works with; NULL: any model with a
     * gradient. */
    const char *model;
    int (*run)(const void *opts, const struct model_kind *m, const void *mopts,
               const struct dataset *d, struct trace *t);
};

extern const struct trainer_kind *const trainer_kinds[];    /* sorted, NULL-terminated */
const struct trainer_kind *trainer_find(const char *name);

/* Whether trainer tk can adjust model m: m is the kind tk is made for, or
 * tk follows gradients and m has one. Reported at the 'kind' of tnode (the
 * trainer section); returns 0, or -1 after reporting. */
int trainer_check_model(const struct trainer_kind *tk, const struct snode *tnode,
                        const struct model_kind *m);

/* Sets up the channels of a trace for (trainer, model) in the documented
 * order; used by the trainer and by validation (which names exist). */
void trainer_define_channels(struct trace *t, const struct trainer_kind *tk,
                             const struct model_kind *m, const void *mopts);

#endif
