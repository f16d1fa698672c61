/* capability: the names kinds use to say what they provide and require,
 * with their meaning in words for messages and `mlanim list` (see kind.h). */
#include <string.h>
#include "kind.h"

const struct capability capabilities[] = {
    {"board", "an environment that is a grid of cells"},
    {"centroids", "a model of k centroids in the plane"},
    {"classify", "a model that gives class probabilities for a point"},
    {"darts", "retrainings on fresh samples, each a dart: its errors at two query points"},
    {"data", "a dataset"},
    {"data-1d", "data with one feature x and a target y"},
    {"env", "an environment to act in"},
    {"feature-subsets", "a trace of least-squares fits on chosen feature columns, each scored by its "
     "held-out (leave-one-out) error"},
    {"gradient", "a model with a gradient to follow"},
    {"images", "data with an image per row"},
    {"kmeans-steps", "a trace of k-means assign and update steps"},
    {"labels", "data with class labels (two or more classes)"},
    {"line-mse", "a model that is a line y = w x + b with mean squared error"},
    {"linear-features", "a model y = w . x + b over all the data's feature columns"},
    {"neuron-1d", "a model that is one neuron y = w x + b (a weight w and a bias b)"},
    {"objective-1d", "a model that is a curve y = f(x) to descend"},
    {"points", "data that are points in the plane (two features, or x and y)"},
    {"polynomial-fit", "a polynomial regression model fitted in one solve"},
    {"predict-1d", "a model that predicts y from x"},
    {"softmax", "a softmax layer: scores x, temperature T, exponentials ex, their sum and "
                "probabilities p"},
    {"train-test-split", "a fit on the training part of a train/test split of the data"},
    {0},
};

const struct capability *capability_find(const char *name)
{
    for (int i = 0; capabilities[i].name; i++)
        if (strcmp(capabilities[i].name, name) == 0)
            return &capabilities[i];
    return NULL;
}

void capset_add(struct capset *s, const char *name)
{
    if (capset_has(s, name) || s->n == CAPSET_MAX)
        return;
    s->names[s->n++] = name;
}

void capset_add_all(struct capset *s, const char *const *names)
{
    for (int i = 0; names && names[i]; i++)
        capset_add(s, names[i]);
}

int capset_has(const struct capset *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return 1;
    return 0;
}
