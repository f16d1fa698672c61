/* The table of trainer kinds, sorted by name, the channel layout they
 * share, and simulating a run. */
#include <string.h>
#include "diag.h"
#include "trainer.h"

extern const struct trainer_kind trainer_gd, trainer_kmeans, trainer_scan;

const struct kind_head *const trainer_kinds[] = {&trainer_gd.head, &trainer_kmeans.head,
                                                 &trainer_scan.head, NULL};

const struct trainer_kind *trainer_find(const char *name)
{
    return (const struct trainer_kind *)kind_find(KIND_TRAINER, name);
}

int trainer_define_channels(struct trace *t, const struct run *r, const struct trainer_input *in)
{
    /* Every channel must be new: a name given twice would make two
     * writers share one place in the record. */
    int bad = trace_channel_add(t, "step") != 0;
    struct model_block b[MODEL_MAX_BLOCKS];
    int nb = r->model->layout(r->model_opts, in->data, b);
    for (int i = 0; i < nb; i++)
        bad |= trace_channel(t, b[i].name) >= 0 ||
               trace_channel_add_shaped(t, b[i].name, b[i].rows, b[i].cols) < 0;
    bad |= trace_channel(t, "loss") >= 0 || trace_channel_add(t, "loss") < 0;
    for (int i = 0; r->trainer->channels && r->trainer->channels[i]; i++)
        bad |= trace_channel(t, r->trainer->channels[i]) >= 0 ||
               trace_channel_add(t, r->trainer->channels[i]) < 0;
    return bad ? -1 : 0;
}

const double *trainer_theta(const struct trace *t, int rec)
{
    return trace_row(t, rec, TRACE_THETA_CHANNEL);
}

int run_simulate(const struct run *r, const struct trainer_input *in, struct trace *t)
{
    memset(t, 0, sizeof(*t));
    if (trainer_define_channels(t, r, in) != 0)
        return diag_fail("model '%s' with trainer '%s': two channels of the trace have one name",
                         r->model->head.name, r->trainer->head.name);
    return r->trainer->run(r->trainer_opts, r, in, t);
}
