/* The table of model kinds, sorted by name: one row per kind. */
#include "model.h"

extern const struct model_kind model_activation;
extern const struct model_kind model_linear_features;
extern const struct model_kind model_loss_function;
extern const struct model_kind model_mlp;
extern const struct model_kind model_parabola;
extern const struct model_kind model_polynomial;
extern const struct model_kind model_softmax;

/* One row per kind, sorted by name. */
const struct kind_head *const model_kinds[] = {
    &model_activation.head,
    &model_centroids.head,
    &model_linear.head,
    &model_linear_features.head,
    &model_logistic.head,
    &model_loss_function.head,
    &model_mlp.head,
    &model_parabola.head,
    &model_polynomial.head,
    &model_softmax.head,
    NULL,
};

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
