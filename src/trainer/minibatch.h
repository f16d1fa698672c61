/* minibatch: the epoch loop that the mini-batch trainers (sgd, momentum,
 * adam) share; each of them is an update rule. Internal to src/trainer/.
 *
 * An epoch visits every row of the data once, in mini-batches of
 * batch_size rows, in an order shuffled afresh each epoch from the run's
 * seed (Keras' fit: shuffle=True); after each batch the rule updates theta
 * from that batch's mean gradient. With batch_size >= n every batch is the
 * whole data set, unshuffled, so an epoch is one step of batch gradient
 * descent, bit for bit. Record k is the state after k epochs (row 0 the
 * start): step, the model's parameters, the loss on the whole data, then
 * the channels below. Stops after `epochs`, or with "diverged" at the first
 * record whose loss or parameters are not finite. */
#ifndef TRAINER_MINIBATCH_H
#define TRAINER_MINIBATCH_H

#include "trainer.h"

/* One options struct for every rule, so the loop reads the shared ones at
 * fixed places; each kind's table lists the ones it uses. */
struct minibatch_opts {
    double learning_rate;
    int batch_size;
    int epochs;
    int shuffle;
    double momentum;            /* momentum */
    double beta1, beta2, epsilon;   /* adam */
};

struct minibatch_rule {
    int state;                  /* numbers of state per parameter (velocity, moments) */
    /* theta from the batch gradient g, with the rule's state (zero at the
     * start); t counts updates from 1. */
    void (*update)(const struct minibatch_opts *o, double *theta, const double *g, double *state,
                   int np, long t);
};

/* "epoch" (= step), "updates" (batches so far), "grad" (norm of the
 * whole data's gradient at the record), "lr" and "learning_rate". */
extern const char *const minibatch_channels[];

int minibatch_run(const struct minibatch_rule *rule, const void *opts, const struct run *run,
                  const struct trainer_input *in, struct trace *t);
long long minibatch_max_steps(const void *opts);

#endif
