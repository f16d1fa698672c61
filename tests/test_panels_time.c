/* The panels of scene time: hud, series, cards, data, and loss-curve over
 * every run. The scene time that feeds them (clock steps, step times,
 * several runs, beats) comes from the renderer, so here each panel context
 * is built by hand, from hand-made traces, events and datasets, and each
 * panel's options go through the real param table and check callback,
 * read from a YAML mapping. Text is compared character for character where
 * the panel builds it (hud.h, cards.h); drawing is checked by colour class
 * and by where the marks fall relative to each other, never by exact
 * pixels or layout constants. Set MLANIM_TEST_PNG_DIR to keep the
 * pictures. */
#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "pixel_util.h"
#include "data.h"
#include "diag_capture.h"
#include "panel.h"
#include "panel/cards.h"
#include "panel/common.h"
#include "panel/hud.h"
#include "script.h"
#include "text.h"
#include "util.h"

/* ---- options, drawing and pixels ------------------------------------------ */

/* A panel's options as a scene would have them: the mapping through the
 * kind's param table, then its check. */
struct popts {
    const struct panel_kind *k;
    struct script *sc;
    struct arena ar;
    void *opts;
};

static int popts_load(struct popts *p, const char *yaml, const struct panel_check *pc)
{
    memset(p, 0, sizeof(*p));
    p->sc = script_parse("panel.yaml", yaml, strlen(yaml));
    CHECK(p->sc != NULL && p->sc->root != NULL);
    if (!p->sc || !p->sc->root)
        return -1;
    const struct snode *root = p->sc->root, *kind = snode_get(root, "kind");
    p->k = kind ? panel_find(kind->str) : NULL;
    CHECK(p->k != NULL);
    if (!p->k)
        return -1;
    p->opts = arena_alloc(&p->ar, p->k->head.opts_size ? p->k->head.opts_size : 1);
    const char *extra[16] = {"kind", "cell", "span", "run"};
    for (int i = 0; p->k->head.extra_keys && p->k->head.extra_keys[i] && i < 10; i++)
        extra[4 + i] = p->k->head.extra_keys[i];
    char context[64];
    snprintf(context, sizeof(context), "panel '%s'", p->k->head.name);
    if (param_apply(p->k->head.params, p->opts, root, context, extra, &root->loc, &p->ar) != 0)
        return -1;
    static const struct dataset none;
    struct panel_check def = {.nbeats = 0, .data = &none};
    return p->k->check ? p->k->check(p->opts, root, pc ? pc : &def) : 0;
}

static void popts_free(struct popts *p)
{
    script_free(p->sc);
    arena_free(&p->ar);
}

static const struct theme *light(void)
{
    return theme_find("light");
}

/* A context for a w x h cell at the origin, on the light theme. */
static struct panel_ctx ctx_for(const struct trace *t, const struct dataset *d, int rec, int w,
                                int h)
{
    struct panel_ctx c = {0};
    c.trace = t;
    c.data = d;
    c.rec = c.rec_from = rec;
    c.step = rec;
    c.nruns = 1;
    c.th = light();
    c.background = c.th->background;
    c.w = w;
    c.h = h;
    return c;
}

static void maybe_save(cairo_surface_t *s, const char *name)
{
    const char *dir = getenv("MLANIM_TEST_PNG_DIR");
    if (!dir || !*dir)
        return;
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.png", dir, name);
    cairo_surface_write_to_png(s, path);
}

/* Draws the panel on the frame's background and returns the picture. */
static cairo_surface_t *draw(const struct popts *p, const struct panel_ctx *c, const char *name)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)c->w, (int)c->h);
    cairo_t *cr = cairo_create(s);
    draw_set_color(cr, c->background);
    cairo_paint(cr);
    p->k->draw(p->opts, c, cr);
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    maybe_save(s, name);
    return s;
}

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    return surface_pixel(s, x, y);
}

/* The light theme's series colours and their blends with white down to
 * about half coverage. */
static int is_orange(uint32_t p)
{
    return ch_r(p) > 200 && ch_g(p) > 90 && ch_g(p) < 190 && ch_b(p) < 90;
}
static int is_purple(uint32_t p)
{
    return ch_b(p) > ch_r(p) + 20 && ch_r(p) > ch_g(p) + 25 && ch_b(p) > ch_g(p) + 60;
}
static int is_box(uint32_t p) { return close_to(p, 0xFFF3F4F6, 1); }  /* the theme's panel */

static struct box find(cairo_surface_t *s, int (*is)(uint32_t), int x0, int y0, int x1, int y1)
{
    return box_find(s, is, x0, y0, x1, y1);
}

static struct box find_all(cairo_surface_t *s, int (*is)(uint32_t))
{
    return find(s, is, 0, 0, cairo_image_surface_get_width(s), cairo_image_surface_get_height(s));
}

/* A trace of the named scalar channels ("step" first) and nrec records,
 * record r holding fill(r, channel index). */
static void make_trace(struct trace *t, const char *const *names, int nrec,
                       double (*fill)(int rec, int chan))
{
    memset(t, 0, sizeof(*t));
    int n = 0;
    while (names[n]) {
        CHECK(trace_channel_add(t, names[n]) == n);
        n++;
    }
    for (int r = 0; r < nrec; r++) {
        double *row = trace_append(t);
        for (int c = 0; c < n; c++)
            row[trace_offset(t, names[c])] = fill(r, c);
    }
}

/* ---- hud -------------------------------------------------------------------- */

static const char *const hud_channels[] = {"step", "epochs", "learning_rate", "sigma", "loss", NULL};

static double hud_fill(int rec, int chan)
{
    switch (chan) {
    case 0: return rec;
    case 1: return 90;
    case 2: return rec < 40 ? 0.1 : 0.125;
    case 3: return 8;
    default: return 1.0 / (rec + 1);
    }
}

static void hud_status_line_is_the_tools_format(void)
{
    struct trace t;
    make_trace(&t, hud_channels, 50, hud_fill);
    const char *show[] = {"epochs", "learning_rate", "sigma"};
    char buf[256];
    hud_status(&t, 41, show, 3, buf, sizeof(buf));
    CHECK_STR(buf, "Training Step: 41  |1| epochs: 90  |2| learning_rate: 0.125  |3| sigma: 8");
    hud_status(&t, 12, show, 3, buf, sizeof(buf));
    CHECK_STR(buf, "Training Step: 12  |1| epochs: 90  |2| learning_rate: 0.1  |3| sigma: 8");
    /* A name the trace has no channel of, and no names at all. */
    const char *odd[] = {"epochs", "alpha"};
    hud_status(&t, 41, odd, 2, buf, sizeof(buf));
    CHECK_STR(buf, "Training Step: 41  |1| epochs: 90  |2| alpha: ?");
    hud_status(&t, 7, NULL, 0, buf, sizeof(buf));
    CHECK_STR(buf, "Training Step: 7");
    /* A record the trace does not have, and a small buffer: cut, terminated. */
    hud_status(&t, 50, show, 1, buf, sizeof(buf));
    CHECK_STR(buf, "Training Step: ?  |1| epochs: ?");
    char small[12];
    hud_status(&t, 41, show, 3, small, sizeof(small));
    CHECK_STR(small, "Training St");
    trace_release(&t);
}

static void hud_change_message_is_written_as_the_tool_means_it(void)
{
    char buf[128];
    struct trace_event add = {40, "learning_rate", '+', 0.1, 0.1 + 5 * 0.005, 5};
    hud_change(&add, buf, sizeof(buf));
    CHECK_STR(buf, "[learning_rate: 0.1] + 0.005(x5)");
    struct trace_event down = {40, "epochs", '+', 90, 87, 3};
    hud_change(&down, buf, sizeof(buf));
    CHECK_STR(buf, "[epochs: 90] - 1(x3)");
    struct trace_event set = {40, "learning_rate", '=', 0.1, 0.05, 1};
    hud_change(&set, buf, sizeof(buf));
    CHECK_STR(buf, "[learning_rate: 0.1] = 0.05");
    struct trace_event one = {3, "epochs", '+', 90, 95, 1};
    hud_change(&one, buf, sizeof(buf));
    CHECK_STR(buf, "[epochs: 90] + 5(x1)");
}

/* Step s is first shown at 0.5 s: a clock of two steps a second. */
static double step_times[50];

static void hud_clock(struct panel_ctx *c, double time)
{
    for (int s = 0; s < 50; s++)
        step_times[s] = 0.5 * s;
    c->step_time = step_times;
    c->nstep_time = 50;
    c->time = time;
}

static void hud_message_shows_for_message_seconds_after_the_change(void)
{
    struct trace t;
    make_trace(&t, hud_channels, 50, hud_fill);
    struct trace_event e = {40, "learning_rate", '+', 0.1, 0.125, 5};
    trace_event_add(&t, &e);
    struct popts p;
    CHECK(popts_load(&p, "kind: hud\nshow: [epochs, learning_rate, sigma]\n", NULL) == 0);
    /* Step 40 is first shown at 20 s. */
    struct panel_ctx c = ctx_for(&t, NULL, 42, 640, 110);
    int idx[HUD_MAX_MESSAGES];
    const double times[] = {19.9, 20, 21, 22.99, 23, 30};
    const int shown[] = {0, 1, 1, 1, 0, 0};
    for (size_t i = 0; i < ARRAY_LEN(times); i++) {
        hud_clock(&c, times[i]);
        CHECK(hud_recent(&c, 3, idx, HUD_MAX_MESSAGES) == shown[i]);
    }
    /* The picture: the light box of the message one second after, none
     * once message_seconds have passed. */
    hud_clock(&c, 21);
    cairo_surface_t *on = draw(&p, &c, "hud-message");
    hud_clock(&c, 23.5);
    cairo_surface_t *off = draw(&p, &c, "hud-no-message");
    struct box b_on = find_all(on, is_box), b_off = find_all(off, is_box);
    CHECK(b_on.n > 500);
    CHECK(b_off.n == 0);
    /* Under the status line: nothing of the box is in the top third. */
    CHECK(b_on.y0 > 30);
    /* No clock (today's renderer) or a step the timeline skips: no message. */
    c.step_time = NULL;
    CHECK(hud_recent(&c, 3, idx, HUD_MAX_MESSAGES) == 0);
    hud_clock(&c, 21);
    step_times[40] = NAN;
    CHECK(hud_recent(&c, 3, idx, HUD_MAX_MESSAGES) == 0);
    hud_clock(&c, 21);
    c.nstep_time = 40;
    CHECK(hud_recent(&c, 3, idx, HUD_MAX_MESSAGES) == 0);
    cairo_surface_destroy(on);
    cairo_surface_destroy(off);
    popts_free(&p);
    trace_release(&t);
}

static void hud_shows_the_newest_three_messages_last(void)
{
    struct trace t;
    make_trace(&t, hud_channels, 50, hud_fill);
    struct trace_event es[] = {
        {10, "epochs", '+', 90, 95, 1},
        {30, "sigma", '=', 8, 6, 1},
        {30, "learning_rate", '+', 0.1, 0.11, 2},
        {31, "epochs", '+', 95, 85, 2},
    };
    for (size_t i = 0; i < ARRAY_LEN(es); i++)
        trace_event_add(&t, &es[i]);
    struct panel_ctx c = ctx_for(&t, NULL, 32, 640, 150);
    hud_clock(&c, 16.2);     /* step 30 at 15 s, 31 at 15.5 s; step 10 long ago */
    int idx[HUD_MAX_MESSAGES];
    CHECK(hud_recent(&c, 3, idx, HUD_MAX_MESSAGES) == 3);
    CHECK(idx[0] == 1 && idx[1] == 2 && idx[2] == 3);
    /* With a longer message time all four are recent: the oldest goes. */
    CHECK(hud_recent(&c, 20, idx, HUD_MAX_MESSAGES) == 3);
    CHECK(idx[0] == 1 && idx[2] == 3);
    CHECK(hud_recent(&c, 20, idx, 2) == 2);
    CHECK(idx[0] == 2 && idx[1] == 3);
    struct popts p;
    CHECK(popts_load(&p, "kind: hud\nshow: [epochs, learning_rate, sigma]\nsize: 18\n", NULL) == 0);
    cairo_surface_destroy(draw(&p, &c, "hud-three"));
    popts_free(&p);
    trace_release(&t);
}

static void hud_show_must_be_a_list_of_names(void)
{
    struct popts p;
    capture_start();
    CHECK(popts_load(&p, "kind: hud\nshow: learning_rate\n", NULL) != 0);
    CHECK(strstr(capture_text(), "panel.yaml:2:7: error: 'show' in panel 'hud' must be a list "
                                 "of strings, not 'learning_rate'") != NULL);
    capture_end();
    popts_free(&p);
    capture_start();
    CHECK(popts_load(&p, "kind: hud\nshow: [epochs, {a: 1}]\n", NULL) != 0);
    CHECK(strstr(capture_text(), "panel.yaml:2:16: error: 'show' in panel 'hud' must be a list "
                                 "of strings; item 2 is a mapping") != NULL);
    capture_end();
    popts_free(&p);
}

/* ---- series ----------------------------------------------------------------- */

/* Ten years, 1970..1979; "up" rises 0..9, "down" falls 9..0. */
static void series_data(struct dataset *d)
{
    memset(d, 0, sizeof(*d));
    dataset_alloc(d, 10, 3, 0, 0);
    const char *names[] = {"year", "up", "down"};
    d->feature_names = xcalloc(3, sizeof(char *));
    for (int j = 0; j < 3; j++)
        d->feature_names[j] = xstrdup(names[j]);
    for (int i = 0; i < 10; i++) {
        d->x[i * 3] = 1970 + i;
        d->x[i * 3 + 1] = i;
        d->x[i * 3 + 2] = 9 - i;
    }
}

static const char *const series_channels[] = {"step", "year", "up", "down", NULL};

static double series_fill(int rec, int chan)
{
    return chan == 0 ? rec : chan == 1 ? 1970 + rec : chan == 2 ? rec : 9 - rec;
}

static void series_draws_only_the_rows_up_to_the_step(void)
{
    struct dataset d;
    series_data(&d);
    struct trace t;
    make_trace(&t, series_channels, 10, series_fill);
    struct panel_check pc = {.nbeats = 20, .data = &d};
    struct popts p;
    CHECK(popts_load(&p, "kind: series\nx: year\nseries: [up]\ncolors: ['#1f77b4']\n"
                         "x_range: [1970, 1979]\ny_range: [0, 9]\nlegend: none\n"
                         "title: \"till {year}\"\n", &pc) == 0);
    struct panel_ctx c = ctx_for(&t, &d, 4, 400, 300);
    cairo_surface_t *early = draw(&p, &c, "series-step4");
    c.rec = c.rec_from = c.step = 9;
    cairo_surface_t *late = draw(&p, &c, "series-step9");
    /* 1974 is 4/9 of the way across the plot: in the right third of the
     * picture (1976 and later) the early frame has no line at all. */
    struct box e_right = find(early, is_blue, 280, 0, 400, 300);
    struct box l_right = find(late, is_blue, 280, 0, 400, 300);
    struct box e_left = find(early, is_blue, 0, 0, 200, 300);
    CHECK(e_right.n == 0);
    CHECK(l_right.n > 50);
    CHECK(e_left.n > 50);
    /* "up" rises: the late frame's line is higher on the right. */
    struct box l_left = find(late, is_blue, 0, 0, 200, 300);
    CHECK(l_right.cy < l_left.cy - 40);
    /* The early frame is the late one's beginning: where it drew, the late
     * one drew too. */
    CHECK(e_left.n <= l_left.n + 5);
    cairo_surface_destroy(early);
    cairo_surface_destroy(late);
    popts_free(&p);
    trace_release(&t);
    dataset_release(&d);
}

/* Every series in its own colour and pattern; the default colours are the
 * theme's, in order; the legend names them. */
static void series_draws_each_series_in_its_style_and_colour(void)
{
    struct dataset d;
    series_data(&d);
    struct trace t;
    make_trace(&t, series_channels, 10, series_fill);
    struct panel_check pc = {.nbeats = 10, .data = &d};
    struct popts p;
    CHECK(popts_load(&p, "kind: series\nx: year\nstyles: [solid, dashed]\n"
                         "x_range: [1968, 1981]\ny_range: [-1, 10]\n"
                         "title: \"Values till Year {year}\"\ny_label: value\n", &pc) == 0);
    struct panel_ctx c = ctx_for(&t, &d, 9, 480, 320);
    cairo_surface_t *s = draw(&p, &c, "series-styles");
    struct box up = find_all(s, is_blue), down = find_all(s, is_red);
    CHECK(up.n > 100);
    CHECK(down.n > 50);
    /* The dashed line has fewer inked pixels than the solid one along the
     * same length (each crosses the plot once). */
    CHECK(down.n < up.n);
    cairo_surface_destroy(s);
    popts_free(&p);
    trace_release(&t);
    dataset_release(&d);
}

static void series_check_names_columns_and_counts_located(void)
{
    struct dataset d;
    series_data(&d);
    struct panel_check pc = {.nbeats = 10, .data = &d};
    struct popts p;
    capture_start();
    CHECK(popts_load(&p, "kind: series\nx: yaer\nseries: [up, dwn]\n", &pc) != 0);
    CHECK(strstr(capture_text(), "panel.yaml:2:4: error: x column 'yaer' of panel 'series' is "
                                 "not a column of the data (did you mean 'year'?)") != NULL);
    CHECK(strstr(capture_text(), "panel.yaml:3:14: error: series 'dwn' of panel 'series' is not "
                                 "a column of the data (did you mean 'down'?)") != NULL);
    capture_end();
    popts_free(&p);

    capture_start();
    CHECK(popts_load(&p, "kind: series\nx: year\nstyles: [solid]\ncolors: [red, '#00ff00']\n",
                     &pc) != 0);
    CHECK(strstr(capture_text(), "panel.yaml:3:9: error: 'styles' of panel 'series' has 1 item "
                                 "for 2 series") != NULL);
    CHECK(strstr(capture_text(), "panel.yaml:4:10: error: item 1 of 'colors' in panel 'series' "
                                 "must be a colour") != NULL);
    capture_end();
    popts_free(&p);

    capture_start();
    CHECK(popts_load(&p, "kind: series\nstyles: [solid, dahsed]\n", &pc) != 0);
    CHECK(strstr(capture_text(), "panel.yaml:2:17: error: item 2 of 'styles' in panel 'series' "
                                 "must be one of solid, dashed, dotted, dashdot (got 'dahsed'; "
                                 "did you mean 'dashed'?)") != NULL);
    capture_end();
    popts_free(&p);

    /* Data without named columns. */
    static const struct dataset none;
    struct panel_check nodata = {.nbeats = 10, .data = &none};
    capture_start();
    CHECK(popts_load(&p, "kind: series\n", &nodata) != 0);
    CHECK(strstr(capture_text(), "panel.yaml:1:1: error: panel 'series' draws columns of the data "
                                 "by name") != NULL);
    capture_end();
    popts_free(&p);
    CHECK(popts_load(&p, "kind: series\nx: year\nseries: [down, up]\nstyles: [dotted, dashdot]\n",
                     &pc) == 0);
    popts_free(&p);
    dataset_release(&d);
}

/* ---- cards ------------------------------------------------------------------ */

/* The cards of the lesson rules-or-learn (the Data Workshop's game; the
 * pretend learner's guesses are the test's). */
static const char rules_or_learn[] =
    "kind: cards\n"
    "title: Rules or Learn?\n"
    "cards:\n"
    "  - scenario: Is this number even?\n"
    "    answers: [Rules, Learn]\n"
    "    right: 0\n"
    "    guess: 0\n"
    "    reason: \"A one-line rule is perfect and exact: n is even when n % 2 == 0.\"\n"
    "  - scenario: Is this email spam?\n"
    "    answers: [Rules, Learn]\n"
    "    right: 1\n"
    "    guess: 0\n"
    "    reason: Too many fuzzy patterns to write by hand; learn them from thousands of "
    "labelled emails.\n"
    "  - scenario: Convert a temperature from Celsius to Fahrenheit.\n"
    "    answers: [Rules, Learn]\n"
    "    right: 0\n"
    "    reason: \"A known formula, F = 1.8 C + 32: just write it down.\"\n"
    "  - scenario: Recognise a face in a photo.\n"
    "    answers: [Rules, Learn]\n"
    "    right: 1\n"
    "    guess: 1\n"
    "    reason: Light, angle, glasses, a smile... no one can write that rule, but labelled "
    "photos show it.\n"
    "  - scenario: Predict tomorrow's sales.\n"
    "    answers: [Rules, Learn]\n"
    "    right: 1\n"
    "    guess: 1\n"
    "    reason: \"A fuzzy pattern with years of examples. Rule of thumb: if you can write the "
    "exact rule, do. If the pattern is fuzzy and you have lots of examples, learn it.\"\n";

static void cards_reveal_the_right_answer_in_green_only_on_the_reveal_beat(void)
{
    struct panel_check pc = {.nbeats = 10, .data = NULL};
    struct popts p;
    CHECK(popts_load(&p, rules_or_learn, &pc) == 0);
    struct panel_ctx c = ctx_for(NULL, NULL, 0, 640, 400);
    /* The right answers: Rules (left), Learn (right), ... */
    const int right[5] = {0, 1, 0, 1, 1};
    for (int beat = 0; beat < 10; beat++) {
        c.step = c.rec = c.rec_from = beat;
        char name[32];
        snprintf(name, sizeof(name), "cards-beat%d", beat);
        cairo_surface_t *s = draw(&p, &c, name);
        struct box g = find_all(s, is_green);
        if (beat % 2 == 0) {
            /* Asking: no green anywhere. */
            CHECK(g.n == 0);
        } else {
            /* Revealing: a filled box of it, on the side of the right answer. */
            CHECK(g.n > 2000);
            CHECK(right[beat / 2] ? g.cx > 320 : g.cx < 320);
        }
        cairo_surface_destroy(s);
    }
    /* Card 2's wrong guess is marked in red; card 1's right guess is not. */
    c.step = c.rec = c.rec_from = 3;
    cairo_surface_t *s = draw(&p, &c, "cards-wrong-guess");
    CHECK(find_all(s, is_red).n > 100);
    cairo_surface_destroy(s);
    c.step = c.rec = c.rec_from = 1;
    s = draw(&p, &c, "cards-right-guess");
    CHECK(find_all(s, is_red).n == 0);
    cairo_surface_destroy(s);
    popts_free(&p);
}

static void cards_score_counts_revealed_guesses(void)
{
    struct panel_check pc = {.nbeats = 10, .data = NULL};
    struct popts p;
    CHECK(popts_load(&p, rules_or_learn, &pc) == 0);
    /* Guesses on cards 1, 2, 4 and 5; only card 2's is wrong. */
    static const char *const want[] = {"score 0 / 0", "score 1 / 1", "score 1 / 1",
                                       "score 1 / 2", "score 1 / 2", "score 1 / 2",
                                       "score 1 / 2", "score 2 / 3", "score 2 / 3",
                                       "score 3 / 4"};
    char buf[64];
    for (int beat = 0; beat < 10; beat++) {
        cards_score(p.opts, beat, buf, sizeof(buf));
        CHECK_STR(buf, want[beat]);
    }
    popts_free(&p);
    /* Without guesses: how many have been answered. */
    CHECK(popts_load(&p, "kind: cards\ncards:\n"
                         "  - {scenario: a, answers: [x, y], right: 0}\n"
                         "  - {scenario: b, answers: [x, y, z], right: 2, reason: because}\n",
                     &(struct panel_check){.nbeats = 4, .data = NULL}) == 0);
    static const char *const counted[] = {"answered 0 of 2", "answered 1 of 2",
                                          "answered 1 of 2", "answered 2 of 2"};
    for (int beat = 0; beat < 4; beat++) {
        cards_score(p.opts, beat, buf, sizeof(buf));
        CHECK_STR(buf, counted[beat]);
    }
    popts_free(&p);
}

static void cards_check_wants_two_beats_a_card_and_answers_in_range(void)
{
    struct popts p;
    capture_start();
    CHECK(popts_load(&p, rules_or_learn, &(struct panel_check){.nbeats = 7, .data = NULL}) != 0);
    CHECK(strstr(capture_text(), "panel.yaml:4:3: error: panel 'cards' has 5 cards, which take "
                                 "10 beats (one to ask and one to reveal each), but the scene "
                                 "has 7") != NULL);
    capture_end();
    popts_free(&p);
    capture_start();
    CHECK(popts_load(&p, rules_or_learn, &(struct panel_check){.nbeats = 0, .data = NULL}) != 0);
    CHECK(strstr(capture_text(), "but the scene has none") != NULL);
    capture_end();
    popts_free(&p);

    capture_start();
    CHECK(popts_load(&p, "kind: cards\ncards:\n"
                         "  - {scenario: a, answers: [x, y], right: 2}\n"
                         "  - {scenario: b, answers: [x, y], right: 0, guess: -1}\n"
                         "  - {scenario: c, answers: [x], right: 0}\n"
                         "  - {scenario: d, answers: [x, y], rigth: 0}\n",
                     &(struct panel_check){.nbeats = 8, .data = NULL}) != 0);
    const char *out = capture_text();
    CHECK(strstr(out, "panel.yaml:3:43: error: 'right' in card 1 of panel 'cards' must be the "
                      "index of one of its 2 answers, from 0 to 1 (got 2)") != NULL);
    CHECK(strstr(out, "panel.yaml:4:53: error: 'guess' in card 2 of panel 'cards'") != NULL);
    CHECK(strstr(out, "panel.yaml:5:28: error: 'answers' in card 3 of panel 'cards' must list "
                      "from 2 to 6 answers (got 1)") != NULL);
    CHECK(strstr(out, "panel.yaml:6:36: error: unknown key 'rigth' in card 4 of panel 'cards' "
                      "(did you mean 'right'?)") != NULL);
    capture_end();
    popts_free(&p);

    capture_start();
    CHECK(popts_load(&p, "kind: cards\n", &(struct panel_check){.nbeats = 2, .data = NULL}) != 0);
    CHECK(strstr(capture_text(), "panel.yaml:1:1: error: panel 'cards' is missing required key "
                                 "'cards'") != NULL);
    capture_end();
    popts_free(&p);
}

/* The validator's question: do the cards fit the cell? The lesson's do at
 * 640x400; a long scenario in a small cell is cut at five lines, which
 * cards_fit names with the card and the height cut. */
static void cards_fit_names_the_text_that_overflows(void)
{
    const struct theme *th = theme_find("light");
    struct panel_check pc = {.nbeats = 10};
    struct popts p;
    CHECK(popts_load(&p, rules_or_learn, &pc) == 0);
    struct cards_fit fit;
    CHECK(cards_fit(p.opts, th, 1, 640, 400, &fit) == 0);
    CHECK(fit.card == -1 && fit.overflow == 0);
    /* Too short for the content: it runs past the card. */
    CHECK(cards_fit(p.opts, th, 1, 640, 150, &fit) == -1);
    CHECK(fit.overflow > 0);
    popts_free(&p);

    CHECK(popts_load(&p, "kind: cards\ncards:\n"
                         "  - {scenario: a, answers: [x, y], right: 0}\n"
                         "  - {scenario: \"Recognising a face in a photo, or predicting "
                         "tomorrow's sales from years of history, with the weather, the weekday "
                         "and the holidays mixed in: too fuzzy for hand-written rules, so a "
                         "machine learns them from examples.\", answers: [x, y], right: 1}\n",
                     &(struct panel_check){.nbeats = 4}) == 0);
    CHECK(cards_fit(p.opts, th, 1, 360, 1000, &fit) == -1);
    CHECK(fit.card == 1);
    CHECK_STR(fit.what, "scenario");
    /* At least a line of 20 px * 1.35 was cut. */
    CHECK(fit.overflow >= 27 - 0.01);
    /* Wide enough, it fits. */
    CHECK(cards_fit(p.opts, th, 1, 1400, 1000, &fit) == 0);
    popts_free(&p);
}

/* ---- data ------------------------------------------------------------------- */

extern const struct data_kind data_polynomial, data_line;

static int make_data(const struct data_kind *k, const char *yaml, struct dataset *out)
{
    struct arena ar = {0};
    struct diag_loc loc = {"data.yaml", 1, 1};
    void *opts = xcalloc(1, k->head.opts_size);
    struct script *sc = script_parse("data.yaml", yaml, strlen(yaml));
    memset(out, 0, sizeof(*out));
    static const char *const extra[] = {"kind", NULL};
    int rc = sc ? param_apply(k->head.params, opts, sc->root, "data", extra, &loc, &ar) : -1;
    if (rc == 0) {
        struct rng r;
        rng_seed(&r, 7);
        struct data_ctx ctx = {.script_dir = ".", .loc = &loc, .node = sc->root};
        rc = k->make(opts, &r, &ctx, out);
    }
    script_free(sc);
    free(opts);
    arena_free(&ar);
    return rc;
}

static void data_kinds_know_their_true_curve_and_splits_keep_it(void)
{
    struct dataset d, train, test;
    CHECK(make_data(&data_polynomial, "n: 80\nnoise: 0\n", &d) == 0);
    CHECK(d.truth != NULL);
    for (int i = 0; i < d.n; i++) {
        double x = d.x[i];
        CHECK_NEAR(d.truth(&d, x), 2 * x - 0.6 * x * x + 0.2 * x * x * x + 18 * sin(x), 1e-12);
        CHECK_NEAR(d.truth(&d, x), d.y[i], 1e-12);
    }
    CHECK(dataset_split(&d, 0.25, 3, 0, &train, &test) == 0);
    CHECK(train.truth == d.truth && test.truth == d.truth);
    CHECK(memcmp(train.truth_p, d.truth_p, sizeof(d.truth_p)) == 0);
    CHECK_NEAR(test.truth(&test, 1.5), d.truth(&d, 1.5), 0);
    dataset_release(&train);
    dataset_release(&test);
    dataset_release(&d);

    CHECK(make_data(&data_line, "n: 30\nslope: -1.5\nintercept: 4\nnoise: 2\n", &d) == 0);
    CHECK(d.truth != NULL);
    CHECK_NEAR(d.truth(&d, 2), 1, 1e-12);
    CHECK_NEAR(d.truth(&d, -2), 7, 1e-12);
    dataset_release(&d);
}

/* The true curve of a line is a straight line of the truth colour, drawn
 * only when asked, and the dots sit on it when there is no noise. */
static void data_panel_draws_the_true_curve_and_the_dots(void)
{
    struct dataset d;
    CHECK(make_data(&data_line, "x: [0, 2, 4, 6, 8, 10]\nslope: 2\nintercept: 1\n", &d) == 0);
    struct popts p;
    CHECK(popts_load(&p, "kind: data\ntruth_color: '#d62728'\npoint_color: '#1f77b4'\n"
                         "grid: false\n", NULL) == 0);
    struct panel_ctx c = ctx_for(NULL, &d, 0, 400, 300);
    cairo_surface_t *s = draw(&p, &c, "data-line");
    struct box curve = find_all(s, is_red), dots = find_all(s, is_blue);
    CHECK(curve.n > 200);
    CHECK(dots.n > 6 * 30);
    /* Straight: the mean row of the red pixels at three columns lies on a
     * line; it rises to the right. */
    double col[3] = {curve.x0 + 20, (curve.x0 + curve.x1) / 2.0, curve.x1 - 20}, row[3];
    for (int k = 0; k < 3; k++) {
        struct box b = find(s, is_red, (int)col[k], 0, (int)col[k] + 1, 300);
        row[k] = b.n ? b.cy : NAN;
    }
    CHECK(row[0] > row[2] + 100);
    CHECK_NEAR(row[1], (row[0] + row[2]) / 2, 1.5);
    /* The dots lie along the curve: their centroid is on it too. */
    CHECK_NEAR(dots.cy, curve.cy, 3);
    CHECK_NEAR(dots.cx, curve.cx, 3);
    cairo_surface_destroy(s);
    popts_free(&p);
    CHECK(popts_load(&p, "kind: data\ntruth: false\ntruth_color: '#d62728'\n", NULL) == 0);
    s = draw(&p, &c, "data-line-no-truth");
    CHECK(find_all(s, is_red).n == 0);
    cairo_surface_destroy(s);
    popts_free(&p);
    dataset_release(&d);
}

/* poly-data as the source draws it: the curve in black, yellow dots with
 * black edges (kept as a picture to look at). */
static void data_panel_draws_poly_data(void)
{
    struct dataset d;
    CHECK(make_data(&data_polynomial, "n: 50\n", &d) == 0);
    struct popts p;
    CHECK(popts_load(&p, "kind: data\ntitle: poly-data\n", NULL) == 0);
    struct panel_ctx c = ctx_for(NULL, &d, 0, 640, 400);
    cairo_surface_t *s = draw(&p, &c, "data-poly");
    /* #ffd700 and its blends with white. */
    long gold = 0;
    for (int y = 0; y < 400; y++)
        for (int x = 0; x < 640; x++) {
            uint32_t px = pixel(s, x, y);
            gold += ch_r(px) > 230 && ch_g(px) > 190 && ch_b(px) < 60;
        }
    CHECK(gold > 50 * 20);
    cairo_surface_destroy(s);
    popts_free(&p);
    dataset_release(&d);
}

/* ---- loss-curve over every run ---------------------------------------------- */

static int loss_run;

static double loss_fill(int rec, int chan)
{
    return chan == 0 ? rec : 100 * exp(-rec * (0.25 + 0.15 * loss_run));
}

static const char *const loss_channels[] = {"step", "loss", NULL};

static void loss_curve_overlays_every_run_in_its_colour(void)
{
    struct trace t[3];
    const int nrec[3] = {40, 20, 30};
    for (loss_run = 0; loss_run < 3; loss_run++)
        make_trace(&t[loss_run], loss_channels, nrec[loss_run], loss_fill);
    struct run runs[3] = {{.label = "lr 0.1"}, {.label = "lr 0.3"}, {.label = "lr 0.5"}};
    trace_stop(&t[1], "converged", 19);
    int recs[3] = {10, 19, 25};
    struct popts p;
    CHECK(popts_load(&p, "kind: loss-curve\n", NULL) == 0);
    CHECK(p.k->all_runs == 1);
    struct panel_ctx c = ctx_for(NULL, NULL, 0, 480, 320);
    c.nruns = 3;
    c.runs = runs;
    c.traces = t;
    c.recs = recs;
    cairo_surface_t *s = draw(&p, &c, "loss-all");
    /* Blue, orange, purple: runs told apart without red against green. */
    struct box b = find_all(s, is_blue), o = find_all(s, is_orange), u = find_all(s, is_purple);
    CHECK(b.n > 50 && o.n > 50 && u.n > 50);
    CHECK(find_all(s, is_green).n == 0);
    /* Each run only up to its record: run 1 further along than run 0 grows
     * run 0's curve only. */
    recs[0] = 39;
    cairo_surface_t *s2 = draw(&p, &c, "loss-all-later");
    CHECK(find_all(s2, is_blue).n > b.n + 50);
    CHECK(labs(find_all(s2, is_orange).n - o.n) < 5);
    cairo_surface_destroy(s);
    cairo_surface_destroy(s2);
    /* With a run of its own the panel draws that one, in its colour (the
     * default green), however many runs the scene has. */
    c.run = &runs[0];
    c.trace = &t[0];
    c.rec = 10;
    s = draw(&p, &c, "loss-one");
    CHECK(find_all(s, is_green).n > 50);
    CHECK(find_all(s, is_blue).n == 0 && find_all(s, is_red).n == 0);
    cairo_surface_destroy(s);
    popts_free(&p);
    for (int i = 0; i < 3; i++)
        trace_release(&t[i]);
}

/* A diverged run's curve stops at its last finite loss; the others draw. */
static void loss_curve_overlay_survives_a_diverged_run(void)
{
    struct trace t[2];
    loss_run = 0;
    make_trace(&t[0], loss_channels, 20, loss_fill);
    make_trace(&t[1], loss_channels, 8, loss_fill);
    t[1].v[7 * t[1].width + trace_offset(&t[1], "loss")] = INFINITY;
    trace_stop(&t[1], "diverged", 7);
    struct run runs[2] = {{.label = "small"}, {.label = "large"}};
    int recs[2] = {19, 7};
    struct popts p;
    CHECK(popts_load(&p, "kind: loss-curve\n", NULL) == 0);
    struct panel_ctx c = ctx_for(NULL, NULL, 0, 480, 320);
    c.nruns = 2;
    c.runs = runs;
    c.traces = t;
    c.recs = recs;
    cairo_surface_t *s = draw(&p, &c, "loss-diverged");
    CHECK(find_all(s, is_blue).n > 50 && find_all(s, is_red).n > 20);
    cairo_surface_destroy(s);
    popts_free(&p);
    trace_release(&t[0]);
    trace_release(&t[1]);
}

/* ---- shared helpers ----------------------------------------------------------- */

static void panel_theta_prefers_the_frames_parameters(void)
{
    static const char *const ch[] = {"step", "w", "loss", NULL};
    struct trace t;
    loss_run = 0;
    make_trace(&t, ch, 3, loss_fill);
    struct panel_ctx c = ctx_for(&t, NULL, 2, 10, 10);
    CHECK(panel_theta(&c) == trainer_theta(&t, 2));
    double theta[1] = {42};
    c.theta = theta;
    CHECK(panel_theta(&c) == theta);
    trace_release(&t);
}

int main(void)
{
    if (draw_fonts_init() != 0)
        return 1;
    RUN(hud_status_line_is_the_tools_format);
    RUN(hud_change_message_is_written_as_the_tool_means_it);
    RUN(hud_message_shows_for_message_seconds_after_the_change);
    RUN(hud_shows_the_newest_three_messages_last);
    RUN(hud_show_must_be_a_list_of_names);
    RUN(series_draws_only_the_rows_up_to_the_step);
    RUN(series_draws_each_series_in_its_style_and_colour);
    RUN(series_check_names_columns_and_counts_located);
    RUN(cards_reveal_the_right_answer_in_green_only_on_the_reveal_beat);
    RUN(cards_score_counts_revealed_guesses);
    RUN(cards_check_wants_two_beats_a_card_and_answers_in_range);
    RUN(cards_fit_names_the_text_that_overflows);
    RUN(data_kinds_know_their_true_curve_and_splits_keep_it);
    RUN(data_panel_draws_the_true_curve_and_the_dots);
    RUN(data_panel_draws_poly_data);
    RUN(loss_curve_overlays_every_run_in_its_colour);
    RUN(loss_curve_overlay_survives_a_diverged_run);
    RUN(panel_theta_prefers_the_frames_parameters);
    text_release();
    draw_fonts_release();
    return CHECK_SUMMARY();
}
