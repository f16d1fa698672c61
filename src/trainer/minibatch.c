/* minibatch: the shared epoch loop of the mini-batch trainers (see
 * minibatch.h): shuffling, batching, recording, stopping. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "minibatch.h"
#include "rng.h"
#include "util.h"

const char *const minibatch_channels[] = {"epoch", "updates", "grad", "lr", "learning_rate",
                                          NULL};

long long minibatch_max_steps(const void *o)
{
    return ((const struct minibatch_opts *)o)->epochs;
}

static double norm(const double *g, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += g[i] * g[i];
    return isfinite(sum) ? sqrt(sum) : model_norm2(g, n);
}

static int all_finite(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* A batch: rows idx[0..nb) of d copied into b's own buffers (which hold
 * batch_size rows), so any model's gradient over "the data" is the
 * batch's. */
static void gather(const struct dataset *d, const int *idx, int nb, struct dataset *b)
{
    b->n = nb;
    for (int r = 0; r < nb; r++) {
        memcpy(&b->x[(size_t)r * (size_t)d->d], &d->x[(size_t)idx[r] * (size_t)d->d],
               sizeof(double) * (size_t)d->d);
        if (d->y)
            b->y[r] = d->y[idx[r]];
        if (d->label)
            b->label[r] = d->label[idx[r]];
    }
}

int minibatch_run(const struct minibatch_rule *rule, const void *o, const struct run *run,
                  const struct trainer_input *in, struct trace *t)
{
    /* A working copy: a schedule may change the learning rate. */
    struct minibatch_opts cur = *(const struct minibatch_opts *)o;
    const struct model_kind *m = run->model;
    const void *mopts = run->model_opts;
    const struct dataset *d = in->data;
    int np = model_nparams(m, mopts, d), n = d->n;
    int bs = cur.batch_size < n ? cur.batch_size : n;
    int whole = bs >= n;
    double *theta = xcalloc((size_t)np, sizeof(double)), *g = xcalloc((size_t)np, sizeof(double));
    double *state = xcalloc((size_t)np * (size_t)(rule->state ? rule->state : 1), sizeof(double));
    int *perm = xcalloc((size_t)(n ? n : 1), sizeof(int));
    struct dataset batch = *d;
    if (!whole) {
        batch.x = xcalloc((size_t)bs * (size_t)d->d, sizeof(double));
        batch.y = d->y ? xcalloc((size_t)bs, sizeof(double)) : NULL;
        batch.label = d->label ? xcalloc((size_t)bs, sizeof(int)) : NULL;
        batch.img = NULL;
    }
    int c_theta = t->chan[TRACE_THETA_CHANNEL].offset, c_loss = trace_offset(t, "loss");
    int c_epoch = trace_offset(t, "epoch"), c_upd = trace_offset(t, "updates");
    int c_grad = trace_offset(t, "grad"), c_lr = trace_offset(t, "lr");
    int c_rate = trace_offset(t, "learning_rate");
    struct rng r;
    /* Its own stream: the model's initial weights come from the data's
     * seed too, and the order of the batches must not depend on them. */
    rng_seed(&r, in->seed ^ 0x6261746368657321ull);
    for (int i = 0; i < n; i++)
        perm[i] = i;

    m->init(mopts, d, theta);
    long updates = 0;
    int rc = 0;
    /* A fixed number of epochs and no convergence test (Keras' fit):
     * running them all is the plan, not a failure to converge. */
    trace_stop(t, "end", cur.epochs);
    for (int k = 0; k <= cur.epochs; k++) {
        run_schedule_apply(run, k, &cur, t);
        double loss = m->loss(mopts, theta, d);
        m->grad(mopts, theta, d, g);
        double gn = norm(g, np);
        double *row = trace_append(t);
        row[0] = k;
        for (int i = 0; i < np; i++)
            row[c_theta + i] = theta[i];
        row[c_loss] = loss;
        row[c_epoch] = k;
        row[c_upd] = (double)updates;
        row[c_grad] = gn;
        row[c_lr] = row[c_rate] = cur.learning_rate;
        if (!isfinite(loss) || !isfinite(gn) || !all_finite(theta, np)) {
            trace_stop(t, "diverged", k);
            break;
        }
        if (k == cur.epochs)
            break;
        if (interrupt_requested()) {
            rc = diag_fail("interrupted while training, at epoch %d", k);
            break;
        }
        if (!whole && cur.shuffle)
            for (int i = n - 1; i > 0; i--) {
                int j = (int)(rng_next(&r) % (uint64_t)(i + 1));
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
        /* A model without data (a curve to descend) takes one update an
         * epoch, from its whole (empty) "data". */
        for (int start = 0; start < (n ? n : 1); start += (bs ? bs : 1)) {
            if (!whole)
                gather(d, perm + start, n - start < bs ? n - start : bs, &batch);
            m->grad(mopts, theta, whole ? d : &batch, g);
            rule->update(&cur, theta, g, state, np, ++updates);
            /* The record after this epoch says so. */
            if (!all_finite(theta, np))
                break;
        }
    }
    if (!whole) {
        free(batch.x);
        free(batch.y);
        free(batch.label);
    }
    free(perm);
    free(state);
    free(theta);
    free(g);
    return rc;
}
