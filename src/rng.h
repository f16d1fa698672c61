/* rng: the one source of randomness, seeded from the scene's seed.
 *
 * xoshiro256** seeded through splitmix64: fast, good quality, and the same
 * sequence on every machine, which the determinism invariant needs. Normal
 * variates use the Box-Muller transform (both values are used). */
#ifndef RNG_H
#define RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
    int have_spare;
    double spare;
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
double rng_uniform(struct rng *r);                  /* [0, 1) */
double rng_range(struct rng *r, double lo, double hi);
double rng_normal(struct rng *r, double mean, double sd);
/* perm[0..n) becomes a uniformly random permutation of 0..n-1 (Fisher-Yates
 * from the last position down, one rng_uniform per position). */
void rng_permutation(struct rng *r, int *perm, int n);

#endif
