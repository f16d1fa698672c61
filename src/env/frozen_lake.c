/* env frozen-lake: Gym's FrozenLake grid world, the board the Part IV lessons
 * (MLA ch8 random games, ch10 grid world, ch13 Q-table) walk across.
 *
 * The board is the `map` option as scripts write it, rows joined by '/'
 * ("SFFF/FHFH/FFFH/HFFG", Gym's 4x4), so a lesson can draw its own lake.
 * Gym's rules are kept where the lessons rely on them: actions 0 left,
 * 1 down, 2 right, 3 up; a move into the edge (or a wall W) stays put; the
 * goal pays 1 and every other step 0; a hole or the goal ends the episode;
 * on a slippery lake the agent goes the intended way or either
 * perpendicular way with 1/3 each. The lessons' lake is not slippery, so
 * that is the default. An episode also ends after max_steps steps, the
 * lessons' "at most 50 steps" cap.
 *
 * check() validates the map with located errors; every other function
 * re-reads the map defensively and treats a bad one as a single cell whose
 * episode is already over, so nothing can index outside the board. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include "env.h"

/* Rows and columns are capped so that board panels stay legible and the
 * cell count stays within ENV_MAX_CELLS. */
#define FROZEN_LAKE_MAX_SIDE 64

static const char frozen_lake_default_map[] = "SFFF/FHFH/FFFH/HFFG";
static const char frozen_lake_letters[] = "SFHGW";

struct frozen_lake_opts {
    const char *map;
    int slippery;
    int max_steps;
};

static const struct param_spec frozen_lake_params[] = {
    {.name = "map", .type = PARAM_STRING, .offset = offsetof(struct frozen_lake_opts, map),
     .def = frozen_lake_default_map,
     .doc = "the board's rows joined by '/': S start (one), F frozen, H hole, G goal, W wall"},
    {.name = "slippery", .type = PARAM_BOOL, .offset = offsetof(struct frozen_lake_opts, slippery),
     .def = "false",
     .doc = "the intended move with probability 1/3, each perpendicular one with 1/3"},
    {.name = "max_steps", .type = PARAM_INT, .offset = offsetof(struct frozen_lake_opts, max_steps),
     .def = "100", .ranged = 1, .lo = 1, .hi = 1000000,
     .doc = "an episode ends, with reward 0, after this many steps"},
    {0},
};

static const char *const frozen_lake_action_names[] = {"left", "down", "right", "up"};
/* Row and column deltas in Gym's action order. */
static const int frozen_lake_dr[4] = {0, 1, 0, -1};
static const int frozen_lake_dc[4] = {-1, 0, 1, 0};

/* The state remembers which map string its dimensions came from, so that a
 * step with other options re-reads the map instead of trusting stale sizes. */
struct frozen_lake_state {
    const char *map;
    int rows, cols;
    int pos;                    /* r * cols + c */
    int steps;
    int done;
};

/* Everything wrong with a map, so that check() can report each problem once
 * and the other functions can tell a usable map from a bad one. */
struct frozen_lake_scan {
    int rows, cols;             /* cols: the length of row 1 */
    int starts, goals;
    int start;                  /* cell index of the first S */
    int too_big;                /* scanning stopped at the size limit */
    long bad_at;                /* offset of the first letter outside SFHGW, or -1 */
    int bad_row, bad_col;       /* 1-based, for the message */
    int ragged_row;             /* 1-based row whose length differs from row 1, or 0 */
    int ragged_len;
    long ragged_at;             /* offset where that row starts */
};

static const char *frozen_lake_map(const struct frozen_lake_opts *o)
{
    return o && o->map ? o->map : frozen_lake_default_map;
}

/* Stops at the size limit, so the work is bounded however long the string. */
static void frozen_lake_scan_map(const char *map, struct frozen_lake_scan *s)
{
    memset(s, 0, sizeof(*s));
    s->bad_at = -1;
    s->start = -1;
    int row = 0, len = 0;
    for (long i = 0;; i++) {
        char ch = map[i];
        if (ch == '/' || ch == '\0') {
            if (row == 0) {
                s->cols = len;
            } else if (len != s->cols && !s->ragged_row) {
                s->ragged_row = row + 1;
                s->ragged_len = len;
                s->ragged_at = i - len;
            }
            row++;
            len = 0;
            if (ch == '\0')
                break;
            if (row == FROZEN_LAKE_MAX_SIDE) {
                s->too_big = 1;
                break;
            }
            continue;
        }
        /* A UTF-8 character is one (bad) cell, so that messages count
         * cells as the writer sees them. */
        if (((unsigned char)ch & 0xC0) == 0x80)
            continue;
        if (len == FROZEN_LAKE_MAX_SIDE) {
            s->too_big = 1;
            break;
        }
        if (!strchr(frozen_lake_letters, ch)) {
            if (s->bad_at < 0) {
                s->bad_at = i;
                s->bad_row = row + 1;
                s->bad_col = len + 1;
            }
        } else if (ch == 'S') {
            if (s->starts++ == 0)
                s->start = row * s->cols + len;
        } else if (ch == 'G') {
            s->goals++;
        }
        len++;
    }
    s->rows = row;
    if ((long)s->rows * s->cols > ENV_MAX_CELLS)
        s->too_big = 1;
}

static int frozen_lake_scan_ok(const struct frozen_lake_scan *s)
{
    return !s->too_big && s->cols > 0 && !s->ragged_row && s->bad_at < 0 &&
           s->starts == 1 && s->goals >= 1;
}

/* The letter at (r, c) of a map that scanned clean with this many columns. */
static char frozen_lake_cell(const char *map, int cols, int r, int c)
{
    return map[(long)r * (cols + 1) + c];
}

/* ---- check ---- */

/* Where byte offset `at` of the map is in the script. Only a plain scalar
 * without spaces is the same text as the source on one line (a plain scalar
 * over several lines folds into spaces; quotes may hide escapes), so only
 * then is the column moved onto the offending letter. Columns count
 * characters, as libyaml's marks do. */
static struct diag_loc frozen_lake_loc(const struct snode *v, const char *map, long at)
{
    struct diag_loc loc = {0};
    if (!v)
        return loc;
    loc = v->loc;
    if (v->type != SNODE_SCALAR || !v->plain || v->str != map || at <= 0 || loc.col <= 0)
        return loc;
    for (const char *p = map; *p; p++)
        if (isspace((unsigned char)*p))
            return loc;
    for (long i = 0; i < at; i++)
        if (((unsigned char)map[i] & 0xC0) != 0x80)
            loc.col++;
    return loc;
}

static int frozen_lake_check(const void *opts, const struct snode *node)
{
    const char *map = frozen_lake_map(opts);
    const struct snode *v = node ? snode_get(node, "map") : NULL;
    if (!v)
        v = node;
    const char *ctx = "'map' in env 'frozen-lake'";
    struct frozen_lake_scan s;
    frozen_lake_scan_map(map, &s);
    if (frozen_lake_scan_ok(&s))
        return 0;

    struct diag_loc loc = frozen_lake_loc(v, map, 0);
    if (s.too_big) {
        diag_error(&loc, "%s is too big: at most %d rows of at most %d cells, %d cells in all",
                   ctx, FROZEN_LAKE_MAX_SIDE, FROZEN_LAKE_MAX_SIDE, ENV_MAX_CELLS);
        return -1;
    }
    if (!map[0]) {
        diag_error(&loc, "%s is empty; give rows of S, F, H, G and W joined by '/', such as \"%s\"",
                   ctx, frozen_lake_default_map);
        return -1;
    }
    if (s.bad_at >= 0) {
        struct diag_loc at = frozen_lake_loc(v, map, s.bad_at);
        const char *bad = map + s.bad_at;
        unsigned char ch = (unsigned char)*bad;
        int n = 1;
        while (n < 4 && ((unsigned char)bad[n] & 0xC0) == 0x80)
            n++;
        char shown[16];
        if (ch >= 0x80 && n > 1)
            snprintf(shown, sizeof(shown), "'%.*s'", n, bad);
        else if (isprint(ch) && ch != ' ')
            snprintf(shown, sizeof(shown), "'%c'", ch);
        else
            snprintf(shown, sizeof(shown), "byte 0x%02X", ch);
        diag_error(&at, "%s has %s at row %d, column %d; cells are S (start), F (frozen), "
                   "H (hole), G (goal) or W (wall)", ctx, shown, s.bad_row, s.bad_col);
    }
    if (s.cols == 0) {
        diag_error(&loc, "row 1 of %s is empty (a '/' at the start?)", ctx);
    } else if (s.ragged_row) {
        struct diag_loc at = frozen_lake_loc(v, map, s.ragged_at);
        if (s.ragged_len == 0)
            diag_error(&at, "row %d of %s is empty (a '/' at the end, or two in a row?)",
                       s.ragged_row, ctx);
        else
            diag_error(&at, "row %d of %s has %d cells, but row 1 has %d; all rows must be "
                       "as long", s.ragged_row, ctx, s.ragged_len, s.cols);
    }
    if (s.starts == 0)
        diag_error(&loc, "%s has no start S; it needs exactly one", ctx);
    else if (s.starts > 1)
        diag_error(&loc, "%s has %d starts S; it needs exactly one", ctx, s.starts);
    if (s.goals == 0)
        diag_error(&loc, "%s has no goal G; it needs at least one", ctx);
    return -1;
}

/* ---- the life cycle ---- */

static int frozen_lake_nstates(const void *opts)
{
    struct frozen_lake_scan s;
    frozen_lake_scan_map(frozen_lake_map(opts), &s);
    /* A bad map plays as one cell, so a table sized from this still fits. */
    return frozen_lake_scan_ok(&s) ? s.rows * s.cols : 1;
}

static int frozen_lake_nactions(const void *opts)
{
    return 4;
}

/* A bad map leaves a one-cell board whose episode is already over. */
static void frozen_lake_reset(const void *opts, struct rng *r, void *state)
{
    struct frozen_lake_state *st = state;
    const char *map = frozen_lake_map(opts);
    struct frozen_lake_scan s;
    frozen_lake_scan_map(map, &s);
    memset(st, 0, sizeof(*st));
    st->map = map;
    if (frozen_lake_scan_ok(&s)) {
        st->rows = s.rows;
        st->cols = s.cols;
        st->pos = s.start;
    } else {
        st->rows = st->cols = 1;
        st->done = 1;
    }
}

/* Gym's slip: one of a-1, a, a+1 (mod 4) with 1/3 each; in Gym's action
 * order those are the perpendicular moves and the intended one. */
static int frozen_lake_slip(struct rng *r, int action)
{
    int k = (int)(rng_uniform(r) * 3);
    if (k > 2)
        k = 2;
    return (action + 3 + k) % 4;
}

static void frozen_lake_step(const void *opts, struct rng *r, void *state, int action,
                             struct env_step *out)
{
    const struct frozen_lake_opts *o = opts;
    struct frozen_lake_state *st = state;
    const char *map = frozen_lake_map(o);
    out->reward = 0;
    out->done = 1;
    if (st->done || st->rows <= 0 || st->cols <= 0)
        return;
    if (st->map != map) {
        /* Other options than at reset: go on only if the cell is still on
         * the board. */
        struct frozen_lake_scan s;
        frozen_lake_scan_map(map, &s);
        int r0 = st->pos / st->cols, c0 = st->pos % st->cols;
        if (!frozen_lake_scan_ok(&s) || st->pos < 0 || r0 >= s.rows || c0 >= s.cols) {
            st->done = 1;
            return;
        }
        st->map = map;
        st->rows = s.rows;
        st->cols = s.cols;
        st->pos = r0 * s.cols + c0;
    }

    int row = st->pos / st->cols, col = st->pos % st->cols;
    /* An action outside 0..3 is a step that goes nowhere. */
    if (action >= 0 && action < 4) {
        int a = o && o->slippery && r ? frozen_lake_slip(r, action) : action;
        int nr = row + frozen_lake_dr[a], nc = col + frozen_lake_dc[a];
        if (nr >= 0 && nr < st->rows && nc >= 0 && nc < st->cols &&
            frozen_lake_cell(map, st->cols, nr, nc) != 'W') {
            row = nr;
            col = nc;
        }
    }
    st->pos = row * st->cols + col;
    st->steps++;

    char cell = frozen_lake_cell(map, st->cols, row, col);
    int max_steps = o && o->max_steps > 0 ? o->max_steps : 100;
    if (cell == 'G')
        out->reward = 1;
    out->done = cell == 'G' || cell == 'H' || st->steps >= max_steps;
    st->done = out->done;
}

static int frozen_lake_observe(const void *opts, const void *state, double *obs)
{
    const struct frozen_lake_state *st = state;
    int s = st->rows > 0 && st->cols > 0 ? st->pos : -1;
    if (obs)
        obs[0] = s;
    return s;
}

/* The board without the '/' separators, into the caller's geometry. */
static int frozen_lake_geometry(const void *opts, struct env_geometry *g)
{
    char *cells = g->cells;
    const char *map = frozen_lake_map(opts);
    struct frozen_lake_scan s;
    frozen_lake_scan_map(map, &s);
    if (!frozen_lake_scan_ok(&s))
        return -1;
    for (int r = 0; r < s.rows; r++)
        memcpy(cells + (long)r * s.cols, map + (long)r * (s.cols + 1), (size_t)s.cols);
    cells[s.rows * s.cols] = '\0';
    g->rows = s.rows;
    g->cols = s.cols;
    return 0;
}

const struct env_kind env_frozen_lake = {
    .head = {
        .name = "frozen-lake",
        .summary = "Gym's Frozen Lake: walk a grid from S to the goal G without falling into a hole H",
        .params = frozen_lake_params,
        .opts_size = sizeof(struct frozen_lake_opts),
        .provides = (const char *const[]){"env", "board", NULL},
    },
    .state_size = sizeof(struct frozen_lake_state),
    .nstates = frozen_lake_nstates,
    .nactions = frozen_lake_nactions,
    .action_names = frozen_lake_action_names,
    .reset = frozen_lake_reset,
    .step = frozen_lake_step,
    .observe = frozen_lake_observe,
    .nobs = 1,
    .geometry = frozen_lake_geometry,
    .check = frozen_lake_check,
};
