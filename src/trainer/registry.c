/* The table of trainer kinds, sorted by name, and the channel layout they
 * share. */
#include <string.h>
#include "trainer.h"

extern const struct trainer_kind trainer_gd;

const struct trainer_kind *const trainer_kinds[] = {&trainer_gd, NULL};

const struct trainer_kind *trainer_find(const char *name)
{
    for (int i = 0; trainer_kinds[i]; i++)
        if (strcmp(trainer_kinds[i]->name, name) == 0)
            return trainer_kinds[i];
    return NULL;
}

void trainer_define_channels(struct trace *t, const struct trainer_kind *tk,
                             const struct model_kind *m)
{
    trace_channel_add(t, "step");
    for (int i = 0; i < m->nparams; i++)
        trace_channel_add(t, m->param_names[i]);
    trace_channel_add(t, "loss");
    for (int i = 0; tk->channels[i]; i++)
        trace_channel_add(t, tk->channels[i]);
}
