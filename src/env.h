/* env: environments an agent acts in (Part IV: learning to act).
 *
 * An env kind is a descriptor like every other kind: a head, and the
 * reset / step / observe life cycle over a state the caller owns
 * (state_size bytes, zeroed before reset). Discrete environments number
 * their states 0..nstates-1 and observe returns the current one; every
 * environment has nactions actions 0..nactions-1 with names for frames.
 * Grid worlds also describe their board (geometry) for the board panel.
 * Randomness (a slippery lake, a random start) comes from the rng the
 * caller passes, so it follows the scene's seed. */
#ifndef ENV_H
#define ENV_H

#include <stddef.h>
#include "kind.h"
#include "rng.h"

#define ENV_MAX_CELLS 4096

/* What a step did. */
struct env_step {
    double reward;
    int done;                   /* the episode ended (goal, hole, time out) */
};

/* A board of rows x cols cells, row 0 at the top; cells[r * cols + c] is
 * one letter: 'S' start, 'F' free, 'H' hole, 'G' goal, 'W' wall. */
struct env_geometry {
    int rows, cols;
    char cells[ENV_MAX_CELLS + 1];      /* NUL-terminated; the caller's storage */
};

struct env_kind {
    struct kind_head head;
    size_t state_size;
    int (*nstates)(const void *opts);           /* 0: the state is not discrete */
    int (*nactions)(const void *opts);
    const char *const *action_names;            /* nactions names */
    void (*reset)(const void *opts, struct rng *r, void *state);
    void (*step)(const void *opts, struct rng *r, void *state, int action, struct env_step *out);
    /* The current discrete state (or -1), and, if obs is not NULL, the
     * observation vector (nobs values). */
    int (*observe)(const void *opts, const void *state, double *obs);
    int nobs;
    /* The board; NULL for environments that are not grids. 0 or -1. */
    int (*geometry)(const void *opts, struct env_geometry *g);
    /* Checks between options a param table cannot express (a map whose
     * rows differ in length); located errors under node. May be NULL. */
    int (*check)(const void *opts, const struct snode *node);
};

const struct env_kind *env_find(const char *name);

extern const struct env_kind env_frozen_lake;

#endif
