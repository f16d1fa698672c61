/* panel sort: a sorting quiz for a scene of beats ("Which kind of
 * learning?"). A row of bins (supervised, unsupervised, reinforcement, ...)
 * stands at the bottom; item k takes two beats. Beat 2k asks: its scenario
 * on a card and, when the item has a pretend learner's guess, "Sam picks
 * ..." with an arrow to that bin. Beat 2k+1 reveals: a chip with the
 * item's short name glides from the card into the right bin (where it
 * stays for the rest of the scene), the bin lights up, the guess is marked
 * right or wrong, and the card shows the reason. A counter keeps the score
 * of the guesses revealed so far.
 *
 * The items are a list of mappings, which a param table cannot describe:
 * `items` is an extra key, read by the check callback into a fixed array
 * in the options (strings borrowed from the script, which lives as long
 * as the scene). Bins are named, so an item says `bin: Supervised`. */
#include "sort.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "math/math.h"
#include "story.h"
#include "text.h"
#include "util.h"

#define SORT_GLIDE 0.9          /* seconds a chip takes to reach its bin */

struct sort_item {
    const char *scenario, *label, *reason;
    int bin, guess;             /* guess -1: none */
};

struct sort_opts {
    const char *title;
    const char *guesser;
    struct param_strings bins, hints;
    double size;
    uint32_t right_color, wrong_color;
    int nitems;                 /* filled by sort_check */
    struct sort_item items[SORT_MAX_ITEMS];
};

static const struct param_spec sort_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct sort_opts, title),
     .doc = "title template above the quiz"},
    {.name = "guesser", .type = PARAM_STRING, .offset = offsetof(struct sort_opts, guesser),
     .def = "The learner", .doc = "who makes the guesses, e.g. Sam: \"Sam picks ...\""},
    {.name = "bins", .type = PARAM_STRINGS, .offset = offsetof(struct sort_opts, bins),
     .required = 1, .doc = "the bins' names, 2 to 5, e.g. [Supervised, Unsupervised]"},
    {.name = "hints", .type = PARAM_STRINGS, .offset = offsetof(struct sort_opts, hints),
     .doc = "a short line under each bin's name, one per bin"},
    {.name = "size", .type = PARAM_DOUBLE, .offset = offsetof(struct sort_opts, size),
     .def = "17", .ranged = 1, .lo = 6, .hi = 100,
     .doc = "font size of the scenario in pixels (the rest is scaled from it)"},
    {.name = "right_color", .type = PARAM_COLOR, .offset = offsetof(struct sort_opts, right_color),
     .def = "#2ca02c", .doc = "colour of the right bin when it is revealed"},
    {.name = "wrong_color", .type = PARAM_COLOR, .offset = offsetof(struct sort_opts, wrong_color),
     .def = "#d62728", .doc = "colour that marks a wrong guess"},
    {0},
};

static const char *const sort_templates[] = {"title", NULL};

struct item_fields {
    const char *scenario, *label, *bin, *guess, *reason;
};

static const struct param_spec item_params[] = {
    {.name = "scenario", .type = PARAM_STRING, .offset = offsetof(struct item_fields, scenario),
     .required = 1, .doc = "the situation to sort"},
    {.name = "label", .type = PARAM_STRING, .offset = offsetof(struct item_fields, label),
     .required = 1, .doc = "its short name on the chip that goes into the bin"},
    {.name = "bin", .type = PARAM_STRING, .offset = offsetof(struct item_fields, bin),
     .required = 1, .doc = "the right bin, by name"},
    {.name = "guess", .type = PARAM_STRING, .offset = offsetof(struct item_fields, guess),
     .doc = "a pretend learner's pick, by name (scored)"},
    {.name = "reason", .type = PARAM_STRING, .offset = offsetof(struct item_fields, reason),
     .doc = "why it goes there, shown with the answer"},
    {0},
};

/* The index of a bin named by an item's key; -1 after reporting. */
static int bin_index(const struct sort_opts *opt, const struct snode *item, const char *key,
                     const char *name, const char *ctx)
{
    for (int b = 0; b < opt->bins.n; b++)
        if (strcmp(opt->bins.v[b], name) == 0)
            return b;
    const struct snode *at = snode_get(item, key);
    const char *s = diag_suggest(name, opt->bins.v, opt->bins.n);
    char list[512] = "";
    for (int b = 0; b < opt->bins.n; b++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s'%s'", b ? ", " : "", opt->bins.v[b]);
    }
    if (s)
        diag_error(at ? &at->loc : &item->loc, "'%s' in %s must name one of the bins %s (got "
                   "'%s'; did you mean '%s'?)", key, ctx, list, name, s);
    else
        diag_error(at ? &at->loc : &item->loc, "'%s' in %s must name one of the bins %s (got "
                   "'%s')", key, ctx, list, name);
    return -1;
}

/* Markup and formulas of one text of the item; 1 after reporting. */
static int text_error_at(const struct snode *t)
{
    struct text_error terr;
    struct math_error merr;
    if (!t || t->type != SNODE_SCALAR || math_text_check(t->str, 0, &merr) != 0 ||
        text_check(t->str, 0, &terr) == 0)
        return 0;
    struct diag_loc at = t->loc;
    int col = script_column(&t->loc, !t->plain, terr.pos);
    if (col)
        at.col = col;
    diag_error(&at, "%s", terr.msg);
    return 1;
}

/* The geometry of the quiz in a cell, measured without drawing. */
struct sort_geom {
    double fs, small, pad;
    double hy, hh;                  /* the header line */
    double cx, cy, cw, ch;          /* the card */
    double bx0, by, bw, bh, bgap;   /* the bins */
    double chip_h, chip_top;        /* chips: height; first one's offset below a bin's top */
    int slots;                      /* chips a bin holds */
};

static void sort_geom(const struct sort_opts *opt, double x, double w, double top, double bottom,
                      struct sort_geom *g)
{
    memset(g, 0, sizeof *g);
    g->fs = opt->size;
    g->small = fmax(6, g->fs * 0.8);
    g->pad = g->fs * 0.7;
    g->hh = g->small * 1.6;
    g->hy = top;
    double h = bottom - top - g->hh;
    g->cw = fmin(w * 0.78, g->fs * 34);
    g->cx = x + (w - g->cw) / 2;
    g->cy = top + g->hh + 2;
    g->ch = h * 0.47;
    g->by = g->cy + g->ch + h * 0.1;
    g->bh = bottom - g->by - 2;
    int nb = opt->bins.n > 0 ? opt->bins.n : 1;
    g->bgap = g->fs;
    g->bw = (w - 8 - g->bgap * (nb - 1)) / nb;
    g->bx0 = x + 4;
    g->chip_h = g->small * 1.5;
    g->chip_top = g->fs * 1.3 + (opt->hints.n ? g->small * 1.35 : 0) + g->pad * 0.9;
    g->slots = (int)floor((g->bh - g->chip_top - 4) / (g->chip_h + 4));
}

/* Item k's place among the chips of its bin (how many items before it
 * went into that bin). */
static int chip_slot(const struct sort_opts *opt, int k)
{
    int n = 0;
    for (int i = 0; i < k; i++)
        n += opt->items[i].bin == opt->items[k].bin;
    return n;
}

static struct text_style style(double size, int bold, int max_lines)
{
    return (struct text_style){.size = size, .bold = bold, .align = 0.5, .line_spacing = 1.3,
                               .max_lines = max_lines};
}

static int sort_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    struct sort_opts *opt = (struct sort_opts *)o;
    opt->nitems = 0;
    if (opt->bins.n < 2 || opt->bins.n > SORT_MAX_BINS) {
        const struct snode *at = snode_get(node, "bins");
        diag_error(at ? &at->loc : &node->loc, "'bins' in panel 'sort' must list from 2 to %d "
                   "bins (got %d)", SORT_MAX_BINS, opt->bins.n);
        return -1;
    }
    /* Two bins of one name: an item could not say which it belongs in. */
    for (int i = 1; i < opt->bins.n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(opt->bins.v[i], opt->bins.v[j]) == 0) {
                const struct snode *at = snode_get(node, "bins");
                if (at && at->type == SNODE_SEQ && i < at->n)
                    at = at->vals[i];
                diag_error(at ? &at->loc : &node->loc, "bin '%s' of panel 'sort' is listed "
                           "twice", opt->bins.v[i]);
                return -1;
            }
    if (opt->hints.n && opt->hints.n != opt->bins.n) {
        diag_error(&snode_get(node, "hints")->loc, "'hints' in panel 'sort' must give one line "
                   "per bin: %d, not %d", opt->bins.n, opt->hints.n);
        return -1;
    }
    const struct snode *list = snode_get(node, "items");
    if (!list) {
        diag_error(&node->loc, "panel 'sort' is missing required key 'items' (a list of "
                   "{scenario, label, bin, guess, reason})");
        return -1;
    }
    if (list->type != SNODE_SEQ || list->n == 0) {
        diag_error(&list->loc, "'items' in panel 'sort' must be a list of items, each "
                   "{scenario: text, label: text, bin: name, guess: name, reason: text}");
        return -1;
    }
    if (list->n > SORT_MAX_ITEMS) {
        diag_error(&list->vals[SORT_MAX_ITEMS]->loc, "panel 'sort' takes at most %d items "
                   "(got %d)", SORT_MAX_ITEMS, list->n);
        return -1;
    }
    int errors = 0;
    struct arena ar = {0};
    for (int i = 0; i < list->n; i++) {
        const struct snode *in = list->vals[i];
        char ctx[64];
        snprintf(ctx, sizeof ctx, "item %d of panel 'sort'", i + 1);
        if (in->type != SNODE_MAP) {
            diag_error(&in->loc, "%s must be a mapping {scenario, label, bin, guess, reason}", ctx);
            errors++;
            continue;
        }
        struct item_fields f = {0};
        if (param_apply(item_params, &f, in, ctx, NULL, &in->loc, &ar) != 0) {
            errors++;
            continue;
        }
        int b = bin_index(opt, in, "bin", f.bin, ctx);
        int g = f.guess ? bin_index(opt, in, "guess", f.guess, ctx) : -1;
        if (b < 0 || (f.guess && g < 0)) {
            errors++;
            continue;
        }
        static const char *const keys[] = {"scenario", "label", "reason"};
        for (int k = 0; k < 3; k++)
            errors += text_error_at(snode_get(in, keys[k]));
        opt->items[i] = (struct sort_item){f.scenario, f.label, f.reason ? f.reason : "", b, g};
    }
    arena_free(&ar);    /* the strings are the script's */
    if (errors)
        return -1;
    opt->nitems = list->n;
    if (pc->nbeats != 2 * list->n) {
        diag_error(&list->loc, "panel 'sort' has %d item%s, which take %d beats (one to ask and "
                   "one to reveal each), but the scene has %d", list->n, list->n == 1 ? "" : "s",
                   2 * list->n, pc->nbeats);
        return -1;
    }
    if (!pc->th || pc->cell_w <= 0)
        return 0;
    /* Everything must fit: the card's texts, the bins' chips. */
    struct sort_geom g;
    double top = opt->title && *opt->title ? pc->th->title_size + 14 : 0;
    sort_geom(opt, 0, pc->cell_w, top, pc->cell_h, &g);
    for (int b = 0; b < opt->bins.n; b++) {
        int n = 0;
        for (int i = 0; i < opt->nitems; i++)
            n += opt->items[i].bin == b;
        if (n > g.slots) {
            diag_error(&snode_get(node, "bins")->loc, "bin '%s' of panel 'sort' gets %d items, "
                       "but it holds %d chips at this size (fewer items, a smaller 'size', or "
                       "more room)", opt->bins.v[b], n, g.slots > 0 ? g.slots : 0);
            return -1;
        }
    }
    for (int i = 0; i < opt->nitems; i++) {
        const struct sort_item *it = &opt->items[i];
        struct text_box sb, rb, lb;
        struct text_style st = style(g.fs, 1, 0), rs = style(g.small, 0, 0);
        text_measure(it->scenario, &st, g.cw - 2 * g.pad, 0, &sb);
        text_measure(it->reason, &rs, g.cw - 2 * g.pad, 0, &rb);
        struct text_style ls = style(g.small * 0.9, 1, 1);
        text_measure(it->label, &ls, g.bw - g.pad, 0, &lb);
        double need = g.pad + sb.height + g.small * 2 + rb.height + g.pad;
        const struct snode *in = list->vals[i];
        if (sb.overflow_x > 0.01 || need > g.ch) {
            const struct snode *at = snode_get(in, need > g.ch && rb.height > sb.height
                                               ? "reason" : "scenario");
            diag_error(at ? &at->loc : &in->loc, "item %d's scenario and reason do not fit its "
                       "card: %.0f pixels too much (shorten them, or give the panel more room)",
                       i + 1, fmax(sb.overflow_x, need - g.ch) * pc->unit);
            return -1;
        }
        if (!lb.fits) {
            diag_error(&snode_get(in, "label")->loc, "item %d's label is %.0f pixels wider than "
                       "its chip (shorten it)", i + 1, lb.overflow_x * pc->unit);
            return -1;
        }
    }
    return 0;
}

void sort_score(const void *o, int beat, char *buf, size_t size)
{
    const struct sort_opts *opt = o;
    int revealed = beat < 0 ? 0 : (beat + 1) / 2, guessed = 0, right = 0, any = 0;
    if (revealed > opt->nitems)
        revealed = opt->nitems;
    for (int i = 0; i < opt->nitems; i++) {
        any |= opt->items[i].guess >= 0;
        if (i < revealed && opt->items[i].guess >= 0) {
            guessed++;
            right += opt->items[i].guess == opt->items[i].bin;
        }
    }
    if (any)
        snprintf(buf, size, "score %d / %d", right, guessed);
    else
        snprintf(buf, size, "sorted %d of %d", revealed, opt->nitems);
}


/* Item k's chip, its top left at (x, y). */
static void draw_chip(cairo_t *cr, const struct sort_opts *opt, const struct sort_geom *g,
                      const struct theme *th, int k, double x, double y, double w, int fresh)
{
    const struct sort_item *it = &opt->items[k];
    uint32_t stroke = it->guess >= 0 && it->guess != it->bin ? opt->wrong_color : th->axis;
    draw_box(cr, x, y, w, g->chip_h, g->chip_h / 2,
             fresh ? draw_mix(th->background, opt->right_color, 0.25) : th->background, stroke,
             fresh ? 2 : 1);
    struct text_style ls = style(g->small * 0.9, 1, 1);
    ls.color = th->text;
    struct text_box b;
    text_measure(it->label, &ls, w - g->pad, 0, &b);
    text_draw(cr, it->label, &ls, x + g->pad / 2, y + (g->chip_h - b.height) / 2, w - g->pad, 0,
              NULL);
}

static void sort_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct sort_opts *opt = o;
    const struct theme *th = c->th;
    if (opt->nitems <= 0)
        return;
    int beat = c->step < 0 ? 0 : c->step;
    int k = beat / 2, reveal = beat % 2;
    if (k >= opt->nitems) {
        k = opt->nitems - 1;
        reveal = 1;
    }
    const struct sort_item *it = &opt->items[k];
    double top = panel_title(c, cr, opt->title);
    struct sort_geom g;
    sort_geom(opt, c->x, c->w, top, c->y + c->h, &g);
    double age = story_step_age(c, 1, NULL);
    double glide = reveal ? story_ease(age / SORT_GLIDE) : 0;
    char text[1024];

    /* The header: which item, and the score. */
    draw_font(cr, 1, g.small);
    draw_set_color(cr, th->muted);
    snprintf(text, sizeof text, "Scenario %d of %d", k + 1, opt->nitems);
    draw_text(cr, g.cx, g.hy + g.hh / 2, 0, 0.5, text);
    sort_score(opt, reveal ? 2 * k + 1 : 2 * k, text, sizeof text);
    draw_set_color(cr, th->text);
    draw_text(cr, g.cx + g.cw, g.hy + g.hh / 2, 1, 0.5, text);

    /* The bins, the right one lit once its chip has landed. */
    int lit = reveal && glide >= 1;
    for (int b = 0; b < opt->bins.n; b++) {
        double bx = g.bx0 + b * (g.bw + g.bgap);
        int right = reveal && b == it->bin, wrong = reveal && b == it->guess && b != it->bin;
        int picked = !reveal && b == it->guess;
        uint32_t fill = right && lit ? draw_mix(th->panel, opt->right_color, 0.22) : th->panel;
        uint32_t stroke = right ? opt->right_color : wrong ? opt->wrong_color
                        : picked ? th->series[0] : th->grid;
        draw_box(cr, bx, g.by, g.bw, g.bh, 10, fill, stroke, right || wrong || picked ? 3 : 1.5);
        draw_font(cr, 1, g.fs);
        draw_set_color(cr, th->text);
        draw_text(cr, bx + g.bw / 2, g.by + g.pad * 0.6 + g.fs * 0.6, 0.5, 0.5, opt->bins.v[b]);
        if (opt->hints.n) {
            draw_font(cr, 0, g.small * 0.85);
            draw_set_color(cr, th->muted);
            draw_text(cr, bx + g.bw / 2, g.by + g.pad * 0.6 + g.fs * 1.3 + g.small * 0.55, 0.5,
                      0.5, opt->hints.v[b]);
        }
    }
    /* The chips already sorted: every item revealed before this beat. */
    for (int i = 0; i < k + (reveal ? 1 : 0); i++) {
        if (i == k && glide < 1)
            continue;           /* still on its way, drawn below */
        double bx = g.bx0 + opt->items[i].bin * (g.bw + g.bgap);
        draw_chip(cr, opt, &g, th, i, bx + g.pad / 2,
                  g.by + g.chip_top + chip_slot(opt, i) * (g.chip_h + 4), g.bw - g.pad, i == k);
    }

    /* The card. */
    draw_box(cr, g.cx, g.cy, g.cw, g.ch, 10, th->background, th->axis, 1.5);
    struct text_style st = style(g.fs, 1, 0);
    st.color = th->text;
    struct text_box sb;
    text_measure(it->scenario, &st, g.cw - 2 * g.pad, 0, &sb);
    struct text_style rs = style(g.small, 0, 0);
    struct text_box rb = {0};
    if (reveal && it->reason[0])
        text_measure(it->reason, &rs, g.cw - 2 * g.pad, 0, &rb);
    double block = sb.height + g.small * 2 + rb.height;
    double y = g.cy + fmax(g.pad, (g.ch - block) / 2);
    text_draw(cr, it->scenario, &st, g.cx + g.pad, y, g.cw - 2 * g.pad, 0, NULL);
    y += sb.height + g.small * 0.4;
    double vy = y + g.small * 0.8;          /* the verdict line's middle */
    if (!reveal) {
        if (it->guess >= 0) {
            snprintf(text, sizeof text, "%s picks \xe2\x80\x9c%s\xe2\x80\x9d", opt->guesser,
                     opt->bins.v[it->guess]);
            draw_font(cr, 1, g.small);
            draw_set_color(cr, th->series[0]);
            draw_text(cr, g.cx + g.cw / 2, vy, 0.5, 0.5, text);
            /* An arrow from the card down to the bin picked. */
            double tx = g.bx0 + it->guess * (g.bw + g.bgap) + g.bw / 2;
            draw_arrow(cr, g.cx + g.cw / 2, g.cy + g.ch + 2, tx, g.by - 4, 2.5, 10,
                       th->series[0]);
        }
    } else {
        if (it->guess >= 0) {
            int ok = it->guess == it->bin;
            snprintf(text, sizeof text, "%s %s picked \xe2\x80\x9c%s\xe2\x80\x9d: %s",
                     ok ? "\xe2\x9c\x93" : "\xe2\x9c\x97", opt->guesser, opt->bins.v[it->guess],
                     ok ? "right" : "wrong");
            draw_font(cr, 1, g.small);
            draw_set_color(cr, ok ? opt->right_color : opt->wrong_color);
            draw_text(cr, g.cx + g.cw / 2, vy, 0.5, 0.5, text);
        }
        if (rb.height > 0) {
            rs.color = th->text;
            text_draw(cr, it->reason, &rs, g.cx + g.pad, y + g.small * 1.6, g.cw - 2 * g.pad, 0,
                      NULL);
        }
        /* The chip on its way from under the card into its slot. */
        if (glide < 1) {
            double w0 = fmin(g.bw - g.pad, g.cw * 0.4), w1 = g.bw - g.pad;
            double x0 = g.cx + (g.cw - w0) / 2, y0 = g.cy + g.ch - g.chip_h / 2;
            double x1 = g.bx0 + it->bin * (g.bw + g.bgap) + g.pad / 2;
            double y1 = g.by + g.chip_top + chip_slot(opt, k) * (g.chip_h + 4);
            draw_chip(cr, opt, &g, th, k, x0 + (x1 - x0) * glide, y0 + (y1 - y0) * glide,
                      w0 + (w1 - w0) * glide, 1);
        }
    }
}

const struct panel_kind panel_sort = {
    .head = {.name = "sort",
             .summary = "a sorting quiz for a scene of beats, two beats an item: a scenario on a "
                        "card (and a guess), then its chip glides into the right bin with the "
                        "reason; a score counter. bins: [names]; items: [{scenario, label, bin, "
                        "guess, reason}] (bins by name; guess optional, scored)",
             .params = sort_params, .opts_size = sizeof(struct sort_opts),
             .extra_keys = (const char *const[]){"items", NULL}},
    .templates = sort_templates,
    .draw = sort_draw,
    .check = sort_check,
    .moves_for = SORT_GLIDE,
};
