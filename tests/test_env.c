/* Unit tests for env frozen-lake against rules worked out here, not read
 * from the module: every transition of Gym's 4x4 map from row and column
 * arithmetic and the map's letters, holes, the goal, edges and walls, known
 * winning paths, the max_steps cap, the 1/3 slip distribution and its
 * determinism for a seed, the board geometry, and the located errors of
 * check() for bad maps (captured by pointing diag at a memory stream). */
#include <stdlib.h>

#include "check.h"
#include "diag_capture.h"
#include "env.h"

#define LEFT 0
#define DOWN 1
#define RIGHT 2
#define UP 3

static const struct env_kind *const fl = &env_frozen_lake;

/* Gym's 4x4 map, written out here rather than taken from the module. */
static const char gym_rows[4][5] = {"SFFF", "FHFH", "FFFH", "HFFG"};

/* One environment: options, their arena and script, an rng and a state. */
struct lake {
    struct arena ar;
    struct script *sc;
    void *opts;
    struct rng rng;
    void *state;
};

static void lake_init(struct lake *l)
{
    memset(l, 0, sizeof(*l));
    l->opts = xcalloc(1, fl->head.opts_size);
    l->state = xcalloc(1, fl->state_size);
    rng_seed(&l->rng, 1);
}

static void lake_defaults(struct lake *l)
{
    lake_init(l);
    param_defaults(fl->head.params, l->opts, &l->ar);
}

/* Options from a YAML env section as a scene writes it; returns what
 * param_apply returned. */
static int lake_yaml(struct lake *l, const char *yaml)
{
    static const char *const extra[] = {"kind", NULL};
    lake_init(l);
    l->sc = script_parse("t.yaml", yaml, strlen(yaml));
    if (!l->sc || !l->sc->root)
        return -1;
    return param_apply(fl->head.params, l->opts, l->sc->root, "env 'frozen-lake'", extra,
                       &l->sc->root->loc, &l->ar);
}

static void lake_free(struct lake *l)
{
    free(l->opts);
    free(l->state);
    script_free(l->sc);
    arena_free(&l->ar);
}

static int lake_reset(struct lake *l)
{
    memset(l->state, 0, fl->state_size);
    fl->reset(l->opts, &l->rng, l->state);
    return fl->observe(l->opts, l->state, NULL);
}

static struct env_step lake_step(struct lake *l, int action)
{
    struct env_step st = {-1, -1};
    fl->step(l->opts, &l->rng, l->state, action, &st);
    return st;
}

static int lake_obs(const struct lake *l)
{
    return fl->observe(l->opts, l->state, NULL);
}

/* The cell Gym's rules lead to from s on the 4x4 map. */
static int gym_next(int s, int a)
{
    int r = s / 4, c = s % 4;
    if (a == LEFT && c > 0) c--;
    if (a == DOWN && r < 3) r++;
    if (a == RIGHT && c < 3) c++;
    if (a == UP && r > 0) r--;
    return r * 4 + c;
}

/* Row and column steps of each action, for the open-lake slip test. */
static int frozen_dr(int a)
{
    return a == DOWN ? 1 : a == UP ? -1 : 0;
}

static int frozen_dc(int a)
{
    return a == RIGHT ? 1 : a == LEFT ? -1 : 0;
}

static char gym_letter(int s)
{
    return gym_rows[s / 4][s % 4];
}

/* Walks from the start to state s over non-terminal cells (breadth first on
 * gym_next), leaving the path's actions in path[]; its length, or -1. */
static int gym_path_to(int target, int *path)
{
    int prev[16], prev_a[16], queue[16], head = 0, tail = 0;
    for (int i = 0; i < 16; i++)
        prev[i] = -2;
    prev[0] = -1;
    queue[tail++] = 0;
    while (head < tail) {
        int s = queue[head++];
        if (s == target)
            break;
        if (gym_letter(s) == 'H' || gym_letter(s) == 'G')
            continue;
        for (int a = 0; a < 4; a++) {
            int n = gym_next(s, a);
            if (prev[n] == -2) {
                prev[n] = s;
                prev_a[n] = a;
                queue[tail++] = n;
            }
        }
    }
    if (prev[target] == -2)
        return -1;
    int len = 0;
    for (int s = target; prev[s] >= 0; s = prev[s])
        len++;
    int i = len;
    for (int s = target; prev[s] >= 0; s = prev[s])
        path[--i] = prev_a[s];
    return len;
}

/* ---- diag capture ---- */


/* The options are valid as far as the param table goes, check() fails with
 * `errors` errors, and diag printed exactly `expected`. */
static int check_fails_with(const char *yaml, int errors, const char *expected)
{
    struct lake l;
    capture_start();
    int applied = lake_yaml(&l, yaml);
    int rc = applied == 0 ? fl->check(l.opts, l.sc->root) : 0;
    int ok = applied == 0 && rc == -1 && diag_error_count() == errors &&
             strcmp(capture_text(), expected) == 0;
    if (!ok)
        fprintf(stderr, "for:\n%sgot (%d errors, rc %d):\n%s", yaml, diag_error_count(), rc,
                capture_text());
    capture_end();
    lake_free(&l);
    return ok;
}

/* ---- tests ---- */

static void head_names_the_kind_and_provides_env_and_board(void)
{
    CHECK_STR(fl->head.name, "frozen-lake");
    CHECK(fl->head.summary && fl->head.summary[0]);
    CHECK(fl->head.opts_size > 0);
    CHECK(fl->state_size > 0);
    const char *const *p = fl->head.provides;
    CHECK(p && p[0] && p[1] && !p[2]);
    if (p && p[0] && p[1]) {
        CHECK_STR(p[0], "env");
        CHECK_STR(p[1], "board");
    }
    CHECK(capability_find("env") != NULL);
    CHECK(capability_find("board") != NULL);
    CHECK(fl->check != NULL && fl->geometry != NULL);
}

static void defaults_are_gym_4x4_with_four_named_actions(void)
{
    struct lake l;
    lake_defaults(&l);
    CHECK(fl->nstates(l.opts) == 16);
    CHECK(fl->nactions(l.opts) == 4);
    CHECK(fl->nobs == 1);
    CHECK_STR(fl->action_names[0], "left");
    CHECK_STR(fl->action_names[1], "down");
    CHECK_STR(fl->action_names[2], "right");
    CHECK_STR(fl->action_names[3], "up");
    CHECK(fl->check(l.opts, NULL) == 0);
    lake_free(&l);
}

static void reset_puts_the_agent_on_start_and_observe_gives_the_state(void)
{
    struct lake l;
    lake_defaults(&l);
    CHECK(lake_reset(&l) == 0);
    double obs[1] = {-5};
    CHECK(fl->observe(l.opts, l.state, obs) == 0);
    CHECK(obs[0] == 0);
    lake_step(&l, RIGHT);
    CHECK(fl->observe(l.opts, l.state, obs) == 1);
    CHECK(obs[0] == 1);
    /* A random start would need the rng; the lake's start is fixed. */
    lake_step(&l, DOWN);
    CHECK(lake_reset(&l) == 0);
    lake_free(&l);
}

static void every_transition_of_the_default_map_follows_gym(void)
{
    struct lake l;
    lake_defaults(&l);
    void *saved = xcalloc(1, fl->state_size);
    for (int s = 0; s < 16; s++) {
        int path[16];
        int len = gym_path_to(s, path);
        CHECK(len >= 0);
        lake_reset(&l);
        for (int i = 0; i < len; i++) {
            struct env_step st = lake_step(&l, path[i]);
            CHECK(st.done == (i == len - 1 && (gym_letter(s) == 'H' || gym_letter(s) == 'G')));
        }
        CHECK(lake_obs(&l) == s);
        memcpy(saved, l.state, fl->state_size);
        for (int a = 0; a < 4; a++) {
            memcpy(l.state, saved, fl->state_size);
            struct env_step st = lake_step(&l, a);
            if (gym_letter(s) == 'H' || gym_letter(s) == 'G') {
                /* The episode is over: nothing moves, nothing is paid. */
                CHECK(lake_obs(&l) == s);
                CHECK(st.done == 1);
                CHECK(st.reward == 0);
                continue;
            }
            int n = gym_next(s, a);
            char letter = gym_letter(n);
            if (lake_obs(&l) != n)
                fprintf(stderr, "state %d action %d: got %d, expected %d\n", s, a, lake_obs(&l), n);
            CHECK(lake_obs(&l) == n);
            CHECK(st.reward == (letter == 'G' ? 1 : 0));
            CHECK(st.done == (letter == 'H' || letter == 'G'));
        }
    }
    free(saved);
    lake_free(&l);
}

static void falling_into_a_hole_ends_the_episode_with_reward_0(void)
{
    struct lake l;
    lake_defaults(&l);
    lake_reset(&l);
    struct env_step st = lake_step(&l, DOWN);    /* 4 */
    CHECK(!st.done);
    st = lake_step(&l, RIGHT);                   /* 5 is a hole */
    CHECK(lake_obs(&l) == 5);
    CHECK(st.done == 1);
    CHECK(st.reward == 0);
    st = lake_step(&l, RIGHT);
    CHECK(lake_obs(&l) == 5);
    CHECK(st.done == 1 && st.reward == 0);
    lake_free(&l);
}

static void edges_keep_the_agent_in_place_without_ending(void)
{
    struct lake l;
    lake_defaults(&l);
    lake_reset(&l);
    struct env_step st = lake_step(&l, LEFT);
    CHECK(lake_obs(&l) == 0 && !st.done && st.reward == 0);
    st = lake_step(&l, UP);
    CHECK(lake_obs(&l) == 0 && !st.done);
    lake_step(&l, RIGHT);
    lake_step(&l, RIGHT);
    lake_step(&l, RIGHT);
    CHECK(lake_obs(&l) == 3);
    st = lake_step(&l, RIGHT);
    CHECK(lake_obs(&l) == 3 && !st.done);
    st = lake_step(&l, UP);
    CHECK(lake_obs(&l) == 3 && !st.done);
    lake_free(&l);
}

/* Walks actions from a reset, checking the states visited and that only the
 * last step ends the episode, paying `reward`. */
static int walk(struct lake *l, const int *actions, const int *states, int n, double reward)
{
    int ok = lake_reset(l) == states[0];
    for (int i = 0; i < n; i++) {
        struct env_step st = lake_step(l, actions[i]);
        ok = ok && lake_obs(l) == states[i + 1];
        ok = ok && st.done == (i == n - 1);
        ok = ok && st.reward == (i == n - 1 ? reward : 0);
    }
    return ok;
}

static void known_winning_paths_reach_the_goal_with_reward_1(void)
{
    struct lake l;
    lake_defaults(&l);
    /* S(0,0) v (1,0) v (2,0) > (2,1) > (2,2) v (3,2) > (3,3) G */
    static const int a1[] = {DOWN, DOWN, RIGHT, RIGHT, DOWN, RIGHT};
    static const int s1[] = {0, 4, 8, 9, 10, 14, 15};
    CHECK(walk(&l, a1, s1, 6, 1));
    /* The lessons' greedy path: down, down, right, down, right, right. */
    static const int a2[] = {DOWN, DOWN, RIGHT, DOWN, RIGHT, RIGHT};
    static const int s2[] = {0, 4, 8, 9, 13, 14, 15};
    CHECK(walk(&l, a2, s2, 6, 1));
    lake_free(&l);
}

static void max_steps_ends_an_episode_with_reward_0(void)
{
    struct lake l;
    CHECK(lake_yaml(&l, "kind: frozen-lake\nmax_steps: 3\n") == 0);
    lake_reset(&l);
    CHECK(!lake_step(&l, LEFT).done);
    CHECK(!lake_step(&l, LEFT).done);
    struct env_step st = lake_step(&l, LEFT);
    CHECK(st.done == 1 && st.reward == 0);
    CHECK(lake_step(&l, RIGHT).done == 1);
    CHECK(lake_obs(&l) == 0);
    lake_free(&l);

    lake_defaults(&l);
    lake_reset(&l);
    int ended_at = 0;
    for (int i = 1; i <= 200 && !ended_at; i++)
        if (lake_step(&l, UP).done)
            ended_at = i;
    CHECK(ended_at == 100);
    lake_free(&l);
}

static void reaching_the_goal_on_the_last_allowed_step_still_pays(void)
{
    struct lake l;
    CHECK(lake_yaml(&l, "kind: frozen-lake\nmax_steps: 6\n") == 0);
    static const int a[] = {DOWN, DOWN, RIGHT, RIGHT, DOWN, RIGHT};
    static const int s[] = {0, 4, 8, 9, 10, 14, 15};
    CHECK(walk(&l, a, s, 6, 1));
    lake_free(&l);
}

static void walls_block_moves_on_a_custom_map(void)
{
    struct lake l;
    /* S F H
     * F W G */
    CHECK(lake_yaml(&l, "kind: frozen-lake\nmap: SFH/FWG\n") == 0);
    CHECK(fl->check(l.opts, l.sc->root) == 0);
    CHECK(fl->nstates(l.opts) == 6);
    CHECK(lake_reset(&l) == 0);
    lake_step(&l, DOWN);
    CHECK(lake_obs(&l) == 3);
    struct env_step st = lake_step(&l, RIGHT);  /* into the wall */
    CHECK(lake_obs(&l) == 3 && !st.done);
    lake_step(&l, UP);
    lake_step(&l, RIGHT);
    CHECK(lake_obs(&l) == 1);
    st = lake_step(&l, DOWN);                   /* the wall again */
    CHECK(lake_obs(&l) == 1 && !st.done);
    st = lake_step(&l, RIGHT);
    CHECK(lake_obs(&l) == 2 && st.done && st.reward == 0);
    lake_free(&l);
}

static void non_slippery_steps_leave_the_rng_alone(void)
{
    struct lake l;
    lake_defaults(&l);
    lake_reset(&l);
    struct rng before = l.rng;
    lake_step(&l, RIGHT);
    lake_step(&l, DOWN);
    CHECK(memcmp(&before.s, &l.rng.s, sizeof(before.s)) == 0);
    lake_free(&l);
}

/* From the middle of an open 5x5 lake each action, repeated many times,
 * must land on the intended cell or a perpendicular one, about 1/3 each,
 * and never on the opposite cell. */
static void slippery_moves_go_intended_or_perpendicular_a_third_each(void)
{
    struct lake l;
    CHECK(lake_yaml(&l, "kind: frozen-lake\nslippery: true\n"
                        "map: FFFFF/FFFFF/FFSFF/FFFFF/FFFFG\n") == 0);
    rng_seed(&l.rng, 2024);
    const int n = 30000;
    for (int a = 0; a < 4; a++) {
        int counts[25] = {0};
        for (int i = 0; i < n; i++) {
            CHECK(lake_reset(&l) == 12);
            struct env_step st = lake_step(&l, a);
            int s = lake_obs(&l);
            if (s >= 0 && s < 25)
                counts[s]++;
            CHECK(!st.done);
        }
        int intended = 12 + 5 * frozen_dr(a) + frozen_dc(a);
        int perp1 = 12 + 5 * frozen_dr((a + 1) % 4) + frozen_dc((a + 1) % 4);
        int perp2 = 12 + 5 * frozen_dr((a + 3) % 4) + frozen_dc((a + 3) % 4);
        CHECK(counts[intended] + counts[perp1] + counts[perp2] == n);
        CHECK_NEAR((double)counts[intended] / n, 1.0 / 3, 0.02);
        CHECK_NEAR((double)counts[perp1] / n, 1.0 / 3, 0.02);
        CHECK_NEAR((double)counts[perp2] / n, 1.0 / 3, 0.02);
    }
    lake_free(&l);
}

/* A run of random actions on the slippery default lake: the states, rewards
 * and ends, hashed. */
static unsigned long slippery_run(unsigned long seed)
{
    struct lake l;
    lake_yaml(&l, "kind: frozen-lake\nslippery: true\n");
    rng_seed(&l.rng, seed);
    struct rng actions;
    rng_seed(&actions, 99);
    unsigned long h = 5381;
    lake_reset(&l);
    for (int i = 0; i < 2000; i++) {
        struct env_step st = lake_step(&l, (int)(rng_next(&actions) % 4));
        h = h * 33 + (unsigned long)lake_obs(&l) * 4 + (unsigned long)st.done * 2 +
            (st.reward > 0);
        if (st.done)
            lake_reset(&l);
    }
    lake_free(&l);
    return h;
}

static void slippery_runs_are_deterministic_for_a_seed(void)
{
    CHECK(slippery_run(7) == slippery_run(7));
    CHECK(slippery_run(7) != slippery_run(8));
}

static void geometry_gives_rows_cols_and_cells_without_slashes(void)
{
    struct lake l;
    lake_defaults(&l);
    struct env_geometry g = {0};
    CHECK(fl->geometry(l.opts, &g) == 0);
    CHECK(g.rows == 4 && g.cols == 4);
    CHECK_STR(g.cells, "SFFFFHFHFFFHHFFG");
    for (int s = 0; s < 16; s++)
        CHECK(g.cells[s] == gym_letter(s));
    lake_free(&l);

    CHECK(lake_yaml(&l, "kind: frozen-lake\nmap: SFH/FWG\n") == 0);
    CHECK(fl->geometry(l.opts, &g) == 0);
    CHECK(g.rows == 2 && g.cols == 3);
    CHECK_STR(g.cells, "SFHFWG");
    lake_free(&l);
}

static void check_accepts_good_maps(void)
{
    struct lake l;
    capture_start();
    CHECK(lake_yaml(&l, "kind: frozen-lake\nmap: SFFF/FHFH/FFFH/HFFG\n") == 0);
    CHECK(fl->check(l.opts, l.sc->root) == 0);
    lake_free(&l);
    CHECK(lake_yaml(&l, "kind: frozen-lake\nmap: SG\n") == 0);
    CHECK(fl->check(l.opts, l.sc->root) == 0);
    lake_free(&l);
    CHECK(lake_yaml(&l, "kind: frozen-lake\n") == 0);
    CHECK(fl->check(l.opts, l.sc->root) == 0);
    lake_free(&l);
    CHECK(diag_error_count() == 0);
    CHECK_STR(capture_text(), "");
    capture_end();
}

static void check_points_at_a_bad_letter(void)
{
    CHECK(check_fails_with("kind: frozen-lake\nmap: SFX/FHG\n", 1,
                           "t.yaml:2:8: error: 'map' in env 'frozen-lake' has 'X' at row 1, "
                           "column 3; cells are S (start), F (frozen), H (hole), G (goal) or W "
                           "(wall)\n"));
    CHECK(check_fails_with("kind: frozen-lake\nmap: SFF/FhG\n", 1,
                           "t.yaml:2:11: error: 'map' in env 'frozen-lake' has 'h' at row 2, "
                           "column 2; cells are S (start), F (frozen), H (hole), G (goal) or W "
                           "(wall)\n"));
    /* A UTF-8 character is one cell and one column. */
    CHECK(check_fails_with("kind: frozen-lake\nmap: SF\xc3\xa9/FFG\n", 1,
                           "t.yaml:2:8: error: 'map' in env 'frozen-lake' has '\xc3\xa9' at row "
                           "1, column 3; cells are S (start), F (frozen), H (hole), G (goal) or W "
                           "(wall)\n"));
    CHECK(check_fails_with("kind: frozen-lake\nmap: \xc3\xa9SF/FG\n", 2,
                           "t.yaml:2:6: error: 'map' in env 'frozen-lake' has '\xc3\xa9' at row "
                           "1, column 1; cells are S (start), F (frozen), H (hole), G (goal) or W "
                           "(wall)\n"
                           "t.yaml:2:10: error: row 2 of 'map' in env 'frozen-lake' has 2 cells, "
                           "but row 1 has 3; all rows must be as long\n"));
    /* Quoted text may differ from the source, so the value itself is shown. */
    CHECK(check_fails_with("kind: frozen-lake\nmap: \"SFX/FHG\"\n", 1,
                           "t.yaml:2:6: error: 'map' in env 'frozen-lake' has 'X' at row 1, "
                           "column 3; cells are S (start), F (frozen), H (hole), G (goal) or W "
                           "(wall)\n"));
}

static void check_reports_ragged_and_empty_rows(void)
{
    CHECK(check_fails_with("kind: frozen-lake\nmap: SFF/FG\n", 1,
                           "t.yaml:2:10: error: row 2 of 'map' in env 'frozen-lake' has 2 cells, "
                           "but row 1 has 3; all rows must be as long\n"));
    CHECK(check_fails_with("kind: frozen-lake\nmap: SFG//FFF\n", 1,
                           "t.yaml:2:10: error: row 2 of 'map' in env 'frozen-lake' is empty "
                           "(a '/' at the end, or two in a row?)\n"));
    CHECK(check_fails_with("kind: frozen-lake\nmap: SFG/\n", 1,
                           "t.yaml:2:10: error: row 2 of 'map' in env 'frozen-lake' is empty "
                           "(a '/' at the end, or two in a row?)\n"));
    CHECK(check_fails_with("kind: frozen-lake\nmap: \"\"\n", 1,
                           "t.yaml:2:6: error: 'map' in env 'frozen-lake' is empty; give rows of "
                           "S, F, H, G and W joined by '/', such as \"SFFF/FHFH/FFFH/HFFG\"\n"));
}

static void check_reports_start_and_goal_counts(void)
{
    CHECK(check_fails_with("kind: frozen-lake\nmap: SFS/FFG\n", 1,
                           "t.yaml:2:6: error: 'map' in env 'frozen-lake' has 2 starts S; it "
                           "needs exactly one\n"));
    CHECK(check_fails_with("kind: frozen-lake\nmap: FFF/FFG\n", 1,
                           "t.yaml:2:6: error: 'map' in env 'frozen-lake' has no start S; it "
                           "needs exactly one\n"));
    CHECK(check_fails_with("kind: frozen-lake\nmap: SFF/FFH\n", 1,
                           "t.yaml:2:6: error: 'map' in env 'frozen-lake' has no goal G; it "
                           "needs at least one\n"));
    /* Independent problems are all reported in one run. */
    CHECK(check_fails_with("kind: frozen-lake\nmap: FXF/FF\n", 4,
                           "t.yaml:2:7: error: 'map' in env 'frozen-lake' has 'X' at row 1, "
                           "column 2; cells are S (start), F (frozen), H (hole), G (goal) or W "
                           "(wall)\n"
                           "t.yaml:2:10: error: row 2 of 'map' in env 'frozen-lake' has 2 cells, "
                           "but row 1 has 3; all rows must be as long\n"
                           "t.yaml:2:6: error: 'map' in env 'frozen-lake' has no start S; it "
                           "needs exactly one\n"
                           "t.yaml:2:6: error: 'map' in env 'frozen-lake' has no goal G; it "
                           "needs at least one\n"));
}

/* A map too big for the board: 65 columns, or 65 rows. */
static void check_rejects_boards_over_64_a_side(void)
{
    static const char msg[] = "t.yaml:2:6: error: 'map' in env 'frozen-lake' is too big: at most "
                              "64 rows of at most 64 cells, 4096 cells in all\n";
    char yaml[8192];
    int n = snprintf(yaml, sizeof(yaml), "kind: frozen-lake\nmap: SG");
    for (int i = 0; i < 63; i++)
        yaml[n++] = 'F';
    yaml[n++] = '\n';
    yaml[n] = '\0';
    CHECK(check_fails_with(yaml, 1, msg));

    n = snprintf(yaml, sizeof(yaml), "kind: frozen-lake\nmap: SG");
    for (int i = 0; i < 64; i++)
        n += snprintf(yaml + n, sizeof(yaml) - n, "/FF");
    n += snprintf(yaml + n, sizeof(yaml) - n, "\n");
    CHECK(check_fails_with(yaml, 1, msg));

    /* 64 x 64 is the largest board there is. */
    struct lake l;
    n = snprintf(yaml, sizeof(yaml), "kind: frozen-lake\nmap: ");
    for (int r = 0; r < 64; r++) {
        for (int c = 0; c < 64; c++)
            yaml[n++] = r == 0 && c == 0 ? 'S' : r == 63 && c == 63 ? 'G' : 'F';
        yaml[n++] = r < 63 ? '/' : '\n';
    }
    yaml[n] = '\0';
    CHECK(lake_yaml(&l, yaml) == 0);
    CHECK(fl->check(l.opts, l.sc->root) == 0);
    CHECK(fl->nstates(l.opts) == 4096);
    struct env_geometry g;
    CHECK(fl->geometry(l.opts, &g) == 0 && g.rows == 64 && g.cols == 64);
    CHECK(g.cells[0] == 'S' && g.cells[4095] == 'G' && strlen(g.cells) == 4096);
    lake_free(&l);
}

/* Unchecked bad options play as one cell whose episode is over. */
static void bad_maps_never_crash_the_other_functions(void)
{
    static const char *const bad[] = {
        "map: SFX/FHG\n", "map: SFF/FG\n", "map: \"\"\n", "map: /\n", "map: FFF/FFG\n",
        "map: SS/GG\n",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        struct lake l;
        CHECK(lake_yaml(&l, bad[i]) == 0);
        CHECK(fl->nstates(l.opts) == 1);
        CHECK(lake_reset(&l) == 0);
        for (int a = -1; a < 5; a++) {
            struct env_step st = lake_step(&l, a);
            CHECK(st.done == 1 && st.reward == 0);
            CHECK(lake_obs(&l) == 0);
        }
        struct env_geometry g = {0};
        CHECK(fl->geometry(l.opts, &g) == -1);
        lake_free(&l);
    }
}

static void out_of_range_actions_go_nowhere(void)
{
    struct lake l;
    lake_defaults(&l);
    lake_reset(&l);
    lake_step(&l, DOWN);
    struct env_step st = lake_step(&l, 4);
    CHECK(lake_obs(&l) == 4 && !st.done);
    st = lake_step(&l, -1);
    CHECK(lake_obs(&l) == 4 && !st.done);
    lake_free(&l);
}

int main(void)
{
    RUN(head_names_the_kind_and_provides_env_and_board);
    RUN(defaults_are_gym_4x4_with_four_named_actions);
    RUN(reset_puts_the_agent_on_start_and_observe_gives_the_state);
    RUN(every_transition_of_the_default_map_follows_gym);
    RUN(falling_into_a_hole_ends_the_episode_with_reward_0);
    RUN(edges_keep_the_agent_in_place_without_ending);
    RUN(known_winning_paths_reach_the_goal_with_reward_1);
    RUN(max_steps_ends_an_episode_with_reward_0);
    RUN(reaching_the_goal_on_the_last_allowed_step_still_pays);
    RUN(walls_block_moves_on_a_custom_map);
    RUN(non_slippery_steps_leave_the_rng_alone);
    RUN(slippery_moves_go_intended_or_perpendicular_a_third_each);
    RUN(slippery_runs_are_deterministic_for_a_seed);
    RUN(geometry_gives_rows_cols_and_cells_without_slashes);
    RUN(check_accepts_good_maps);
    RUN(check_points_at_a_bad_letter);
    RUN(check_reports_ragged_and_empty_rows);
    RUN(check_reports_start_and_goal_counts);
    RUN(check_rejects_boards_over_64_a_side);
    RUN(bad_maps_never_crash_the_other_functions);
    RUN(out_of_range_actions_go_nowhere);
    return CHECK_SUMMARY();
}
