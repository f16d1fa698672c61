/* The table of trainer kinds, sorted by name, the channel layout they
 * share, and simulating a run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "trainer.h"
#include "ease.h"
#include "util.h"

extern const struct trainer_kind trainer_adam;
extern const struct trainer_kind trainer_bias_variance;
extern const struct trainer_kind trainer_directional_search;
extern const struct trainer_kind trainer_gd;
extern const struct trainer_kind trainer_grid_search;
extern const struct trainer_kind trainer_kmeans;
extern const struct trainer_kind trainer_learning_curve;
extern const struct trainer_kind trainer_momentum;
extern const struct trainer_kind trainer_scan;
extern const struct trainer_kind trainer_sgd;
extern const struct trainer_kind trainer_solve;
extern const struct trainer_kind trainer_subsets;

/* One row per kind, sorted by name. */
const struct kind_head *const trainer_kinds[] = {
    &trainer_adam.head,
    &trainer_bias_variance.head,
    &trainer_directional_search.head,
    &trainer_gd.head,
    &trainer_grid_search.head,
    &trainer_kmeans.head,
    &trainer_learning_curve.head,
    &trainer_momentum.head,
    &trainer_scan.head,
    &trainer_sgd.head,
    &trainer_solve.head,
    &trainer_subsets.head,
    NULL,
};

const struct trainer_kind *trainer_find(const char *name)
{
    return (const struct trainer_kind *)kind_find(KIND_TRAINER, name);
}

/* A data column's name as a template can write it: a letter or '_',
 * then letters, digits and '_'. */
static int channel_name_ok(const char *n)
{
    if (!n || !((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || *n == '_'))
        return 0;
    for (; *n; n++)
        if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9') ||
              *n == '_'))
            return 0;
    return 1;
}

int trainer_define_channels(struct trace *t, const struct run *r, const struct trainer_input *in)
{
    /* Every channel must be new: a name given twice would make two
     * writers share one place in the record. */
    int bad = trace_channel_add(t, "step") != 0;
    if (r->model) {
        struct model_block b[MODEL_MAX_BLOCKS];
        int nb = r->model->layout(r->model_opts, in->data, b);
        for (int i = 0; i < nb; i++)
            bad |= trace_channel(t, b[i].name) >= 0 ||
                   trace_channel_add_shaped(t, b[i].name, b[i].rows, b[i].cols) < 0;
        bad |= trace_channel(t, "loss") >= 0 || trace_channel_add(t, "loss") < 0;
    }
    for (int i = 0; r->trainer && r->trainer->channels && r->trainer->channels[i]; i++)
        bad |= trace_channel(t, r->trainer->channels[i]) >= 0 ||
               trace_channel_add(t, r->trainer->channels[i]) < 0;
    if (r->nbeats)
        bad |= trace_channel(t, "beat") >= 0 || trace_channel_add(t, "beat") < 0;
    /* The beat's data row, under the columns' names (those a template can
     * name and no other channel has). */
    if (r->nbeats && r->beat_rows && in->data->feature_names)
        for (int j = 0; j < in->data->d; j++)
            if (channel_name_ok(in->data->feature_names[j]) &&
                trace_channel(t, in->data->feature_names[j]) < 0)
                trace_channel_add(t, in->data->feature_names[j]);
    if (r->nbeats && r->beat_rows && in->data->y && trace_channel(t, "y") < 0)
        trace_channel_add(t, "y");
    if (r->value_name && trace_channel(t, r->value_name) < 0)
        trace_channel_add(t, r->value_name);
    return bad ? -1 : 0;
}

const double *trainer_theta(const struct trace *t, int rec)
{
    return trace_row(t, rec, TRACE_THETA_CHANNEL);
}

/* The value of option key k at time t along the keyframes: the option's
 * value before the first keyframe that sets it, eased between the two
 * keyframes around t that set it, the last one's after. */
static double keyframe_value(const struct run *r, const struct param_spec *p, double t)
{
    double v = *(const double *)((const char *)r->kf_base_opts + p->offset);
    double prev_at = 0;
    int have_prev = 0;
    for (int i = 0; i < r->nkf; i++) {
        const struct keyframe *k = &r->kf[i];
        for (int j = 0; j < k->nkeys; j++) {
            if (k->spec[j] != p)
                continue;
            if (k->at <= t || !have_prev) {
                if (k->at <= t) {
                    v = k->value[j];
                    prev_at = k->at;
                    have_prev = 1;
                    break;
                }
                /* Set for the first time later: hold the base until then. */
                return v;
            }
            double u = (t - prev_at) / (k->at - prev_at);
            return v + (k->value[j] - v) * ease_apply(k->ease, u);
        }
    }
    return v;
}

/* The keyframe phase: one record per frame, the model's options moved
 * along the keyframes, its parameters and loss computed from them. */
static void keyframe_records(const struct run *r, const struct trainer_input *in, struct trace *t)
{
    size_t size = r->model->head.opts_size;
    void *opts = xmalloc(size ? size : 1);
    int np = model_nparams(r->model, r->model_opts, in->data);
    double *theta = xcalloc((size_t)np, sizeof(double));
    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");
    for (int f = 0; f < r->kf_records; f++) {
        double time = f / r->kf_fps;
        memcpy(opts, r->kf_base_opts, size);
        for (int i = 0; i < r->nkf; i++)
            for (int j = 0; j < r->kf[i].nkeys; j++) {
                const struct param_spec *p = r->kf[i].spec[j];
                *(double *)((char *)opts + p->offset) = keyframe_value(r, p, time);
            }
        r->model->init(opts, in->data, theta);
        double *row = trace_append(t);
        row[0] = 0;
        for (int i = 0; i < np; i++)
            row[c_theta + i] = theta[i];
        row[c_loss] = r->model->loss(opts, theta, in->data);
    }
    free(theta);
    free(opts);
}

/* The model's starting parameters and loss into a record (for runs
 * without a trainer). */
static void initial_state(const struct run *r, const struct trainer_input *in, struct trace *t,
                          double *row)
{
    if (!r->model)
        return;
    int np = model_nparams(r->model, r->model_opts, in->data);
    double *theta = xcalloc((size_t)np, sizeof(double));
    r->model->init(r->model_opts, in->data, theta);
    for (int i = 0; i < np; i++)
        row[t->chan[TRACE_THETA_CHANNEL].offset + i] = theta[i];
    row[trace_offset(t, "loss")] = r->model->loss(r->model_opts, theta, in->data);
    free(theta);
}

/* A scene of beats: one record per beat, holding the beat's data row (and
 * the model's state, which no trainer changes). */
static void beat_records(const struct run *r, const struct trainer_input *in, struct trace *t)
{
    const struct dataset *d = in->data;
    int c_beat = trace_offset(t, "beat");
    for (int k = 0; k < r->nbeats; k++) {
        double *row = trace_append(t);
        row[0] = k;
        row[c_beat] = k;
        initial_state(r, in, t, row);
        int i = r->beat_first_row + k;
        if (!r->beat_rows || i < 0 || i >= d->n)
            continue;
        for (int j = 0; d->feature_names && j < d->d; j++) {
            int c = trace_channel(t, d->feature_names[j]);
            if (c >= 0 && t->chan[c].rows * t->chan[c].cols == 1)
                row[t->chan[c].offset] = dataset_x(d, i, j);
        }
        int cy = trace_offset(t, "y");
        if (cy >= 0 && d->y)
            row[cy] = d->y[i];
    }
    trace_stop(t, "end", r->nbeats - 1);
}

int run_simulate(const struct run *r, const struct trainer_input *in, struct trace *t)
{
    memset(t, 0, sizeof(*t));
    if (trainer_define_channels(t, r, in) != 0)
        return diag_fail("the trace of run '%s' would have two channels of one name", r->label);
    int rc = 0;
    if (r->trainer) {
        if (r->nkf && r->model)
            keyframe_records(r, in, t);
        rc = r->trainer->run(r->trainer_opts, r, in, t);
    } else if (r->nbeats) {
        beat_records(r, in, t);
    } else {
        /* Nothing moves: one record of the initial state. */
        double *row = trace_append(t);
        row[0] = 0;
        initial_state(r, in, t, row);
        trace_stop(t, "end", 0);
    }
    /* The run's value, where nothing else recorded that channel (a vary
     * over the learning rate leaves gd's own channel, which a schedule
     * may change, as gd wrote it). */
    int cv = r->value_name ? trace_offset(t, r->value_name) : -1;
    for (int i = 0; cv >= 0 && i < t->nrec; i++) {
        double *v = &t->v[(size_t)i * (size_t)t->width + (size_t)cv];
        if (isnan(*v))
            *v = r->value;
    }
    return rc;
}

void run_schedule_apply(const struct run *r, int step, void *opts, struct trace *t)
{
    /* The changes are in order of step: the first at this step by
     * bisection, so a long schedule costs nothing on the other steps. */
    int lo = 0, hi = r->nsched;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (r->sched[mid].at < step)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo; i < r->nsched && r->sched[i].at == step; i++) {
        const struct sched_change *c = &r->sched[i];
        double *v = (double *)((char *)opts + c->spec->offset);
        struct trace_event e = {step, c->spec->name, c->op, *v, 0, c->times};
        if (c->op == '=')
            *v = c->value;
        else
            *v += c->value * c->times;
        e.after = *v;
        trace_event_add(t, &e);
    }
}
