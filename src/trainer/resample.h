/* resample: random subsets of a dataset's rows, for the trainers that
 * refit a model on many samples of one population (learning-curve,
 * bias-variance). Internal to src/trainer/.
 *
 * A pool is a permutation of the row indices 0..n-1 that is reshuffled in
 * place: resample_draw moves a uniformly random k-subset, in random order,
 * to the front (a partial Fisher-Yates shuffle), whatever order the last
 * draw left. Every index comes from the rng given, so samples follow the
 * scene's seed. */
#ifndef TRAINER_RESAMPLE_H
#define TRAINER_RESAMPLE_H

#include "rng.h"

static inline void resample_init(int *perm, int n)
{
    for (int i = 0; i < n; i++)
        perm[i] = i;
}

/* perm[0..k) becomes a random k-subset of perm[0..n) (k <= n). */
static inline void resample_draw(struct rng *r, int *perm, int n, int k)
{
    for (int i = 0; i < k && i < n - 1; i++) {
        int j = i + (int)(rng_uniform(r) * (n - i));
        if (j >= n)
            j = n - 1;
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
    }
}

#endif
