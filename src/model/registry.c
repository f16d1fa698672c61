/* The table of model kinds, sorted by name. */
#include <string.h>
#include "model.h"

const struct model_kind *const model_kinds[] = {&model_centroids, &model_linear, &model_parabola,
                                                NULL};

const struct model_kind *model_find(const char *name)
{
    for (int i = 0; model_kinds[i]; i++)
        if (strcmp(model_kinds[i]->name, name) == 0)
            return model_kinds[i];
    return NULL;
}

int model_nparams(const struct model_kind *m, const void *opts)
{
    return m->active_params ? m->active_params(opts) : m->nparams;
}
