/* model: what is being learned, as descriptors.
 *
 * A model kind has parameters theta (named: they become trace channels), a
 * loss over the dataset and its gradient, and optionally a prediction y(x)
 * (for data plots) or a 1-D objective f(x) (for lessons that descend a
 * curve). Options (initial values, shape) come from the kind's param table.
 * Trainers only see this interface, so one gradient descent serves them all. */
#ifndef MODEL_H
#define MODEL_H

#include "data.h"
#include "param.h"

#define MODEL_MAX_PARAMS 8

struct model_kind {
    const char *name;
    const char *summary;
    const struct param_spec *params;
    size_t opts_size;
    int nparams;
    const char *const *param_names;     /* trace channel per parameter */
    int needs_data;
    const char *loss_label;             /* how frames name the loss: "MSE", "y" */
    void (*init)(const void *opts, double *theta);
    double (*loss)(const void *opts, const double *theta, const struct dataset *d);
    void (*grad)(const void *opts, const double *theta, const struct dataset *d, double *g);
    double (*predict)(const void *opts, const double *theta, double x);    /* may be NULL */
    double (*objective)(const void *opts, double x);                       /* may be NULL */
    double (*minimum)(const void *opts);       /* argmin of objective; NULL if unknown */
};

extern const struct model_kind *const model_kinds[];   /* sorted, NULL-terminated */
const struct model_kind *model_find(const char *name);

extern const struct model_kind model_linear;
extern const struct model_kind model_parabola;

#endif
