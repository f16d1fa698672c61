/* panel cards: quiz cards for a scene of beats ("Rules or Learn?"). Card k
 * takes two beats: beat 2k asks (its scenario and answers, "Scenario k+1
 * of N"), beat 2k+1 reveals the right answer in green with the reason,
 * and, when the card has a pretend learner's guess, marks it right or
 * wrong. A counter keeps the score of the guesses revealed so far.
 *
 * The cards are a list of mappings, which a param table cannot describe:
 * `cards` is an extra key of the kind, read by the check callback (the one
 * hook that sees the panel's mapping) into a fixed array in the options,
 * its strings borrowed from the script, which lives as long as the scene. */
#include "cards.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "math/math.h"
#include "text.h"
#include "util.h"

struct card {
    const char *scenario, *reason;
    int nanswers;
    const char *answers[CARDS_MAX_ANSWERS];
    int right;
    int guess;                  /* -1: none */
};

struct cards_opts {
    const char *title;
    const char *guesser;
    double size;
    uint32_t right_color, wrong_color;
    int ncards;                 /* filled by cards_check */
    struct card cards[CARDS_MAX];
};

static const struct param_spec cards_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct cards_opts, title),
     .doc = "title template above the card, e.g. \"Rules or Learn?\""},
    {.name = "guesser", .type = PARAM_STRING, .offset = offsetof(struct cards_opts, guesser),
     .def = "The learner", .doc = "who makes the guesses, e.g. Sam: \"Sam picks ...\""},
    {.name = "size", .type = PARAM_DOUBLE, .offset = offsetof(struct cards_opts, size),
     .def = "20", .ranged = 1, .lo = 6, .hi = 200,
     .doc = "font size of the scenario in pixels (the rest is scaled from it)"},
    {.name = "right_color", .type = PARAM_COLOR, .offset = offsetof(struct cards_opts, right_color),
     .def = "#2ca02c", .doc = "fill of the right answer when it is revealed"},
    {.name = "wrong_color", .type = PARAM_COLOR, .offset = offsetof(struct cards_opts, wrong_color),
     .def = "#d62728", .doc = "colour that marks a wrong guess"},
    {0},
};

static const char *const cards_templates[] = {"title", NULL};

/* One card's mapping: {scenario, answers, right, reason, guess}. */
struct card_fields {
    const char *scenario, *reason;
    struct param_strings answers;
    int right, guess;
};

static const struct param_spec card_params[] = {
    {.name = "scenario", .type = PARAM_STRING, .offset = offsetof(struct card_fields, scenario),
     .required = 1, .doc = "the question"},
    {.name = "answers", .type = PARAM_STRINGS, .offset = offsetof(struct card_fields, answers),
     .required = 1, .doc = "the choices, two or more"},
    {.name = "right", .type = PARAM_INT, .offset = offsetof(struct card_fields, right),
     .required = 1, .doc = "index of the right answer, from 0"},
    {.name = "reason", .type = PARAM_STRING, .offset = offsetof(struct card_fields, reason),
     .doc = "why it is right, shown with the answer"},
    {.name = "guess", .type = PARAM_INT, .offset = offsetof(struct card_fields, guess),
     .doc = "a pretend learner's pick (index from 0), scored"},
    {0},
};

/* An index option of a card within its answers; 1 after reporting. */
static int index_error(const struct snode *card, const char *key, int v, int n, const char *ctx)
{
    if (v >= 0 && v < n)
        return 0;
    const struct snode *at = snode_get(card, key);
    diag_error(at ? &at->loc : &card->loc, "'%s' in %s must be the index of one of its %d "
               "answers, from 0 to %d (got %d)", key, ctx, n, n - 1, v);
    return 1;
}

static int cards_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    /* The options are the scene's, allocated writable; they are const here
     * only because check is otherwise a pure look. */
    struct cards_opts *opt = (struct cards_opts *)o;
    opt->ncards = 0;
    const struct snode *list = snode_get(node, "cards");
    if (!list) {
        diag_error(&node->loc, "panel 'cards' is missing required key 'cards' (a list of "
                   "{scenario, answers, right, reason})");
        return -1;
    }
    if (list->type != SNODE_SEQ || list->n == 0) {
        diag_error(&list->loc, "'cards' in panel 'cards' must be a list of cards, each "
                   "{scenario: text, answers: [text, text], right: index, reason: text}");
        return -1;
    }
    if (list->n > CARDS_MAX) {
        diag_error(&list->vals[CARDS_MAX]->loc, "panel 'cards' takes at most %d cards (got %d)",
                   CARDS_MAX, list->n);
        return -1;
    }
    int errors = 0;
    struct arena ar = {0};
    for (int i = 0; i < list->n; i++) {
        const struct snode *cn = list->vals[i];
        char ctx[64];
        snprintf(ctx, sizeof(ctx), "card %d of panel 'cards'", i + 1);
        if (cn->type != SNODE_MAP) {
            diag_error(&cn->loc, "%s must be a mapping {scenario, answers, right, reason}", ctx);
            errors++;
            continue;
        }
        struct card_fields f = {.guess = -1};
        if (param_apply(card_params, &f, cn, ctx, NULL, &cn->loc, &ar) != 0) {
            errors++;
            continue;
        }
        if (f.answers.n < 2 || f.answers.n > CARDS_MAX_ANSWERS) {
            diag_error(&snode_get(cn, "answers")->loc, "'answers' in %s must list from 2 to %d "
                       "answers (got %d)", ctx, CARDS_MAX_ANSWERS, f.answers.n);
            errors++;
            continue;
        }
        int bad = index_error(cn, "right", f.right, f.answers.n, ctx);
        if (snode_get(cn, "guess"))
            bad += index_error(cn, "guess", f.guess, f.answers.n, ctx);
        if (bad) {
            errors += bad;
            continue;
        }
        struct card *k = &opt->cards[i];
        k->scenario = f.scenario;
        k->reason = f.reason ? f.reason : "";
        k->nanswers = f.answers.n;
        for (int a = 0; a < f.answers.n; a++)
            k->answers[a] = f.answers.v[a];
        k->right = f.right;
        k->guess = f.guess;
    }
    arena_free(&ar);    /* the answers' array; the strings are the script's */
    if (errors)
        return -1;
    opt->ncards = list->n;
    if (pc->nbeats != 2 * list->n) {
        char have[48];
        if (pc->nbeats > 0)
            snprintf(have, sizeof(have), "the scene has %d", pc->nbeats);
        else
            snprintf(have, sizeof(have), "the scene has none");
        diag_error(&list->loc, "panel 'cards' has %d card%s, which take %d beats (one to ask and "
                   "one to reveal each), but %s", list->n, list->n == 1 ? "" : "s",
                   2 * list->n, have);
        return -1;
    }
    /* Markup and formulas of every text, then whether each card fits. */
    for (int i = 0; i < list->n; i++) {
        const struct snode *cn = list->vals[i];
        /* every text of the card: its markup (a formula's error is the
         * scene's to tell, scene.c) */
        const struct snode *texts[2 + CARDS_MAX_ANSWERS];
        int nt = 0;
        texts[nt++] = snode_get(cn, "scenario");
        texts[nt++] = snode_get(cn, "reason");
        const struct snode *ans = snode_get(cn, "answers");
        for (int a = 0; ans && ans->type == SNODE_SEQ && a < ans->n && nt < 2 + CARDS_MAX_ANSWERS; a++)
            texts[nt++] = ans->vals[a];
        for (int k = 0; k < nt; k++) {
            const struct snode *t = texts[k];
            struct text_error terr;
            struct math_error merr;
            if (t && t->type == SNODE_SCALAR && math_text_check(t->str, 0, &merr) == 0 &&
                text_check(t->str, 0, &terr) != 0) {
                struct diag_loc at = t->loc;
                int col = script_column(&t->loc, !t->plain, terr.pos);
                if (col)
                    at.col = col;
                diag_error(&at, "%s", terr.msg);
                errors++;
            }
        }
    }
    if (errors)
        return -1;
    struct cards_fit fit;
    if (pc->th && pc->cell_w > 0 &&
        cards_fit(opt, pc->th, opt->title && *opt->title, pc->cell_w, pc->cell_h, &fit) != 0) {
        const struct snode *cn = list->vals[fit.card];
        const struct snode *at = strcmp(fit.what, "card") == 0 ? cn
                                 : strcmp(fit.what, "answer") == 0
                                     ? snode_get(cn, "answers")->vals[fit.answer]
                                     : snode_get(cn, fit.what);
        diag_error(at ? &at->loc : &cn->loc, "card %d's %s does not fit its card: %.0f pixels too "
                   "much (shorten it, or give the panel more room)", fit.card + 1,
                   fit.what, fit.overflow * pc->unit);
        return -1;
    }
    return 0;
}

void cards_score(const void *o, int beat, char *buf, size_t size)
{
    const struct cards_opts *opt = o;
    int revealed = beat < 0 ? 0 : (beat + 1) / 2, guessed = 0, right = 0, any = 0;
    if (revealed > opt->ncards)
        revealed = opt->ncards;
    for (int i = 0; i < opt->ncards; i++) {
        const struct card *k = &opt->cards[i];
        any |= k->guess >= 0;
        if (i < revealed && k->guess >= 0) {
            guessed++;
            right += k->guess == k->right;
        }
    }
    if (any)
        snprintf(buf, size, "score %d / %d", right, guessed);
    else
        snprintf(buf, size, "answered %d of %d", revealed, opt->ncards);
}

/* The card's styles, all scaled from the size option: the scenario and
 * the answers bold at the size, the reason regular and smaller. */
static struct text_style card_style(double size, int bold, double spacing, int max_lines)
{
    return (struct text_style){.size = size, .bold = bold, .align = 0.5,
                               .line_spacing = spacing, .max_lines = max_lines};
}

/* Where everything of card k goes in a cell at (x, y) of w x h whose
 * content starts at top (below the title), measured without drawing; the
 * layout is the same on both beats (the reveal's room is kept on the
 * question's), so nothing moves when the answer shows. */
struct card_geom {
    double fs, small, pad, hh;              /* sizes; the header's height */
    double x, w, cy, ch;                    /* the card's box */
    double ix, iw, lh, slh;                 /* its inner column; line pitches */
    int cols, rows;
    double gap, bw, bh;                     /* the answer boxes */
    struct text_style scen_st, ans_st, reason_st;
    struct text_box scen, ans[CARDS_MAX_ANSWERS], reason;
    double need, y0;                        /* the content's height; where it starts */
    int drawn;                              /* 0: the cell is too small for a card */
};

static void card_geom(const struct cards_opts *opt, const struct card *cd, double x, double w,
                      double top, double bottom, struct card_geom *g)
{
    memset(g, 0, sizeof *g);
    g->fs = opt->size;
    g->small = fmax(6, g->fs * 0.75);
    g->pad = g->fs * 0.8;
    g->x = x + g->pad * 0.5;
    g->w = w - g->pad;
    g->hh = g->small * 1.6;
    g->cy = top + g->hh + 4;
    g->ch = bottom - g->pad * 0.5 - g->cy;
    g->drawn = g->ch >= g->fs * 3;
    g->iw = g->w - 2 * g->pad;
    g->ix = g->x + g->pad;
    g->lh = g->fs * 1.35;
    g->slh = g->small * 1.4;
    g->cols = cd->nanswers <= 3 ? cd->nanswers : 2;
    g->rows = (cd->nanswers + g->cols - 1) / g->cols;
    g->gap = g->pad;
    g->bw = (g->iw - g->gap * (g->cols - 1)) / g->cols;
    g->scen_st = card_style(g->fs, 1, 1.35, 5);
    g->ans_st = card_style(g->fs, 1, 1.35, 3);
    g->reason_st = card_style(g->small, 0, 1.4, 4);
    text_measure(cd->scenario, &g->scen_st, g->iw, 0, &g->scen);
    double ah = g->lh;
    for (int a = 0; a < cd->nanswers; a++) {
        text_measure(cd->answers[a], &g->ans_st, g->bw - g->pad, 0, &g->ans[a]);
        ah = fmax(ah, g->ans[a].height);
    }
    if (cd->reason[0])
        text_measure(cd->reason, &g->reason_st, g->iw, 0, &g->reason);
    int verdict = cd->guess >= 0;
    g->bh = ah + g->pad;
    g->need = g->scen.height + g->pad + g->rows * g->bh + (g->rows - 1) * g->gap * 0.6 + g->pad
            + (verdict ? g->slh : 0) + g->reason.height;
    g->y0 = g->cy + fmax(g->pad, (g->ch - g->need) / 2);
}

/* A text's overflow into *fit when it is the worst so far. */
static void fit_note(struct cards_fit *fit, int card, const char *what, int answer,
                     const struct text_box *b)
{
    double o = fmax(b->overflow_x, b->overflow_y);
    if (o > fit->overflow) {
        *fit = (struct cards_fit){.card = card, .what = what, .answer = answer, .overflow = o};
    }
}

int cards_fit(const void *o, const struct theme *th, int titled, double w, double h,
              struct cards_fit *fit)
{
    const struct cards_opts *opt = o;
    *fit = (struct cards_fit){.card = -1, .answer = -1};
    double top = titled ? th->title_size + 14 : 0;
    for (int k = 0; k < opt->ncards; k++) {
        const struct card *cd = &opt->cards[k];
        struct card_geom g;
        card_geom(opt, cd, 0, w, top, h, &g);
        if (!g.drawn) {
            fit_note(fit, k, "card", -1, &(struct text_box){.overflow_y = g.fs * 3 - g.ch});
            continue;
        }
        fit_note(fit, k, "scenario", -1, &g.scen);
        for (int a = 0; a < cd->nanswers; a++)
            fit_note(fit, k, "answer", a, &g.ans[a]);
        fit_note(fit, k, "reason", -1, &g.reason);
        /* All of it, from a pad below the card's top: past its bottom? */
        fit_note(fit, k, "card", -1, &(struct text_box){.overflow_y = g.need + g.pad - g.ch});
    }
    return fit->card >= 0 ? -1 : 0;
}

static void cards_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct cards_opts *opt = o;
    const struct theme *th = c->th;
    if (opt->ncards <= 0)
        return;
    int beat = c->step < 0 ? 0 : c->step;
    int k = beat / 2, reveal = beat % 2;
    if (k >= opt->ncards) {     /* past the last card: it stays revealed */
        k = opt->ncards - 1;
        reveal = 1;
    }
    const struct card *cd = &opt->cards[k];
    double top = panel_title(c, cr, opt->title);
    struct card_geom g;
    card_geom(opt, cd, c->x, c->w, top, c->y + c->h, &g);
    double x = g.x, w = g.w, small = g.small, pad = g.pad;
    char text[4096];

    /* The header: which card, and the score. */
    draw_font(cr, 1, small);
    draw_set_color(cr, th->muted);
    snprintf(text, sizeof(text), "Scenario %d of %d", k + 1, opt->ncards);
    draw_text(cr, x + 4, top + g.hh / 2, 0, 0.5, text);
    cards_score(opt, reveal ? 2 * k + 1 : 2 * k, text, sizeof(text));
    draw_set_color(cr, th->text);
    draw_text(cr, x + w - 4, top + g.hh / 2, 1, 0.5, text);

    if (!g.drawn)
        return;
    draw_box(cr, x, g.cy, w, g.ch, 10, th->panel, th->grid, 1);

    double ix = g.ix, iw = g.iw, slh = g.slh, y = g.y0;
    int verdict = cd->guess >= 0;
    struct text_style st = g.scen_st;
    st.color = th->text;
    text_draw(cr, cd->scenario, &st, ix, y, iw, 0, NULL);
    y += g.scen.height + pad;

    for (int a = 0; a < cd->nanswers; a++) {
        double bx = ix + (a % g.cols) * (g.bw + g.gap), by = y + (a / g.cols) * (g.bh + g.gap * 0.6);
        int is_right = reveal && a == cd->right;
        int wrong_pick = reveal && a == cd->guess && a != cd->right;
        int picked = !reveal && a == cd->guess;     /* the guess, before the answer */
        uint32_t fill = is_right ? opt->right_color : th->background;
        uint32_t stroke = is_right ? opt->right_color : wrong_pick ? opt->wrong_color
                        : picked ? th->series[0] : th->axis;
        draw_box(cr, bx, by, g.bw, g.bh, 8, fill, stroke, wrong_pick || picked ? 3 : 1.5);
        st = g.ans_st;
        st.color = is_right ? 0xffffffffu : reveal ? th->muted : th->text;
        text_draw(cr, cd->answers[a], &st, bx + pad / 2, by + (g.bh - g.ans[a].height) / 2,
                  g.bw - pad, 0, NULL);
    }
    y += g.rows * g.bh + (g.rows - 1) * g.gap * 0.6 + pad;
    if (!reveal) {
        if (verdict) {      /* the guess, said before the answer shows */
            draw_font(cr, 1, small);
            snprintf(text, sizeof(text), "%s picks \xe2\x80\x9c%s\xe2\x80\x9d",
                     opt->guesser, cd->answers[cd->guess]);
            draw_set_color(cr, th->series[0]);
            draw_text(cr, ix + iw / 2, y + slh / 2, 0.5, 0.5, text);
        }
        return;
    }
    draw_font(cr, 1, small);
    if (verdict) {
        int ok = cd->guess == cd->right;
        snprintf(text, sizeof(text), "%s %s picked \xe2\x80\x9c%s\xe2\x80\x9d: %s",
                 ok ? "\xe2\x9c\x93" : "\xe2\x9c\x97", opt->guesser, cd->answers[cd->guess],
                 ok ? "right" : "wrong");
        draw_set_color(cr, ok ? opt->right_color : opt->wrong_color);
        draw_text(cr, ix + iw / 2, y + slh / 2, 0.5, 0.5, text);
        y += slh;
    }
    if (cd->reason[0]) {
        st = g.reason_st;
        st.color = th->text;
        text_draw(cr, cd->reason, &st, ix, y, iw, 0, NULL);
    }
}

const struct panel_kind panel_cards = {
    .head = {.name = "cards",
             .summary = "quiz cards for a scene of beats, two beats a card: a scenario and its "
                        "answers, then the right one revealed with the reason; a score counter. "
                        "cards: [{scenario: text, answers: [text, ...], right: index, reason: "
                        "text, guess: index}] (indices from 0; guess, optional, is scored)",
             .params = cards_params, .opts_size = sizeof(struct cards_opts),
             .extra_keys = (const char *const[]){"cards", NULL}},
    .templates = cards_templates,
    .draw = cards_draw,
    .check = cards_check,
};
