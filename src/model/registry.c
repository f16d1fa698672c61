/* The table of model kinds, sorted by name. */
#include "model.h"

extern const struct model_kind model_activation, model_logistic, model_loss_function,
    model_parabola;

const struct kind_head *const model_kinds[] = {&model_activation.head, &model_centroids.head,
                                               &model_linear.head, &model_logistic.head,
                                               &model_loss_function.head, &model_parabola.head,
                                               NULL};

const struct model_kind *model_find(const char *name)
{
    return (const struct model_kind *)kind_find(KIND_MODEL, name);
}

int model_nparams(const struct model_kind *m, const void *opts, const struct dataset *d)
{
    struct model_block b[MODEL_MAX_BLOCKS];
    int nb = m->layout(opts, d, b), n = 0;
    for (int i = 0; i < nb; i++)
        n += b[i].rows * b[i].cols;
    return n;
}
