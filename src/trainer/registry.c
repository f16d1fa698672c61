/* The table of trainer kinds, sorted by name, which trainer can adjust which
 * model, and the channel layout they share. */
#include <string.h>
#include "trainer.h"

extern const struct trainer_kind trainer_gd, trainer_kmeans;

const struct trainer_kind *const trainer_kinds[] = {&trainer_gd, &trainer_kmeans, NULL};

const struct trainer_kind *trainer_find(const char *name)
{
    for (int i = 0; trainer_kinds[i]; i++)
        if (strcmp(trainer_kinds[i]->name, name) == 0)
            return trainer_kinds[i];
    return NULL;
}

int trainer_check_model(const struct trainer_kind *tk, const struct snode *tnode,
                        const struct model_kind *m)
{
    const struct snode *at = snode_get(tnode, "kind");
    if (tk->model && strcmp(tk->model, m->name) != 0) {
        diag_error(&at->loc, "trainer '%s' works only with model '%s', not '%s'", tk->name,
                   tk->model, m->name);
        return -1;
    }
    if (!tk->model && !m->grad) {
        /* Name the trainer made for this model, if there is one. */
        const char *other = NULL;
        for (int i = 0; trainer_kinds[i]; i++)
            if (trainer_kinds[i]->model && strcmp(trainer_kinds[i]->model, m->name) == 0)
                other = trainer_kinds[i]->name;
        if (other)
            diag_error(&at->loc, "trainer '%s' follows a gradient, which model '%s' does not have "
                       "(use trainer '%s')", tk->name, m->name, other);
        else
            diag_error(&at->loc, "trainer '%s' follows a gradient, which model '%s' does not have",
                       tk->name, m->name);
        return -1;
    }
    return 0;
}

void trainer_define_channels(struct trace *t, const struct trainer_kind *tk,
                             const struct model_kind *m, const void *mopts)
{
    trace_channel_add(t, "step");
    int np = mopts ? model_nparams(m, mopts) : m->nparams;
    for (int i = 0; i < np; i++)
        trace_channel_add(t, m->param_names[i]);
    trace_channel_add(t, "loss");
    for (int i = 0; tk->channels[i]; i++)
        trace_channel_add(t, tk->channels[i]);
}
