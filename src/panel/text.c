/* panel text: a line of text, usually a template of trace values, for
 * headlines and HUD lines; or, in a scene of beats, one text per beat
 * (texts: [...], each a template). Text longer than the cell is wide wraps
 * (text.h: with <b>, <i>, <sub>, <sup> and $formulas$), and the block is
 * centred vertically in the cell. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "math/math.h"
#include "template.h"
#include "text.h"

#define TEXT_MAX_BEATS 256

struct text_opts {
    const char *text;
    const char *keyframes_text;
    int ntexts;
    const char *texts[TEXT_MAX_BEATS];  /* the script's strings, one per beat */
    double size;
    int bold, align;
    uint32_t color;
};

static const char *const aligns[] = {"left", "center", "right", NULL};

static const struct param_spec text_params[] = {
    {.name = "text", .type = PARAM_STRING, .offset = offsetof(struct text_opts, text),
     .doc = "the text: a template such as \"epoch {step}\" (or texts: one per beat)"},
    {.name = "keyframes_text", .type = PARAM_STRING,
     .offset = offsetof(struct text_opts, keyframes_text),
     .doc = "the text while keyframes move the model, before training (default: text)"},
    {.name = "size", .type = PARAM_DOUBLE, .offset = offsetof(struct text_opts, size), .def = "16",
     .ranged = 1, .lo = 4, .hi = 400, .doc = "font size in pixels"},
    {.name = "bold", .type = PARAM_BOOL, .offset = offsetof(struct text_opts, bold), .def = "false",
     .doc = "bold type"},
    {.name = "align", .type = PARAM_ENUM, .offset = offsetof(struct text_opts, align),
     .def = "center", .choices = aligns, .doc = "horizontal alignment in the cell"},
    {.name = "color", .type = PARAM_COLOR, .offset = offsetof(struct text_opts, color),
     .doc = "text colour (default: the theme's)"},
    {0},
};

static const char *const text_templates[] = {"text", "texts", "keyframes_text", NULL};

/* Text that cannot fit its cell even wrapped, with every value field at
 * one character ("?"), can only run out of it: refused, saying by how
 * much. Its markup and formulas are checked here too. */
static int text_fits(const struct text_opts *opt, const struct snode *at, const char *tmpl,
                     const struct panel_check *pc)
{
    if (!tmpl || pc->cell_w <= 0)
        return 0;
    /* a formula's error is the scene's to tell (scene.c); markup's is ours */
    struct math_error merr;
    if (math_text_check(tmpl, MATH_FIELDS, &merr) != 0)
        return -1;
    struct text_error terr;
    if (text_check(tmpl, MATH_FIELDS, &terr) != 0) {
        struct diag_loc loc = at->loc;
        int col = script_column(&at->loc, !at->plain, terr.pos);
        if (col)
            loc.col = col;
        diag_error(&loc, "%s", terr.msg);
        return -1;
    }
    char buf[4096];
    template_expand(tmpl, pc->probe, 0, buf, sizeof buf);
    struct text_style st = {.size = opt->size, .bold = opt->bold};
    struct text_box b;
    if (text_measure(buf, &st, pc->cell_w, pc->cell_h, &b) != 0 || b.fits)
        return 0;
    double u = pc->unit;
    if (b.overflow_x > 0.01)
        diag_error(&at->loc, "a word or formula of this text is %.0f pixels wider than its cell "
                   "(%.0f) and cannot wrap (shorten it, lower 'size' or give the panel more "
                   "columns)",
                   b.overflow_x * u, pc->cell_w * u);
    else
        diag_error(&at->loc, "this text takes %d line%s, %.0f pixels at size %g, but its cell is "
                   "%.0f high: %.0f pixels too tall (shorten it, lower 'size' or give the "
                   "panel more room)", b.lines_needed, b.lines_needed == 1 ? "" : "s",
                   (pc->cell_h + b.overflow_y) * u, opt->size,
                   pc->cell_h * u, b.overflow_y * u);
    return -1;
}

/* texts: a list of templates, one per beat, checked against the beats. */
static int text_panel_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    struct text_opts *opt = (struct text_opts *)o;
    const struct snode *l = snode_get(node, "texts"), *t = snode_get(node, "text");
    if (!l) {
        if (t && !opt->text) {
            diag_error(&t->loc, "'text' in panel 'text' needs a value, not null");
            return -1;
        }
        if (!t) {
            diag_error(&node->loc, "panel 'text' needs 'text' (or, in a scene of beats, 'texts': "
                       "one per beat)");
            return -1;
        }
        int rc = text_fits(opt, t, opt->text, pc);
        const struct snode *kt = snode_get(node, "keyframes_text");
        if (kt && text_fits(opt, kt, opt->keyframes_text, pc) != 0)
            rc = -1;
        return rc;
    }
    if (t) {
        diag_error(&l->loc, "'text' and 'texts' in panel 'text' exclude each other: use one");
        return -1;
    }
    if (!pc->nbeats) {
        diag_error(&l->loc, "'texts' gives one text per beat, but the scene has no 'beats'");
        return -1;
    }
    if (l->type != SNODE_SEQ || l->n != pc->nbeats) {
        diag_error(&l->loc, "'texts' must list one text per beat: %d, not %d", pc->nbeats,
                   l->type == SNODE_SEQ ? l->n : 1);
        return -1;
    }
    if (l->n > TEXT_MAX_BEATS) {
        diag_error(&l->loc, "'texts' takes at most %d texts", TEXT_MAX_BEATS);
        return -1;
    }
    for (int i = 0; i < l->n; i++) {
        if (l->vals[i]->type != SNODE_SCALAR) {
            diag_error(&l->vals[i]->loc, "each of 'texts' must be a text");
            return -1;
        }
        opt->texts[i] = l->vals[i]->str;
    }
    opt->ntexts = l->n;
    int rc = 0;
    for (int i = 0; i < l->n; i++)
        if (text_fits(opt, l->vals[i], opt->texts[i], pc) != 0)
            rc = -1;
    return rc;
}

static void text_panel_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct text_opts *opt = o;
    char buf[4096];
    const char *tmpl = opt->ntexts ? opt->texts[c->step < opt->ntexts ? c->step : opt->ntexts - 1]
                                   : opt->text;
    /* The keyframe phase comes first in the trace: its records are the
     * run's first kf_records. */
    if (opt->keyframes_text && c->run && c->rec < c->run->kf_records)
        tmpl = opt->keyframes_text;
    panel_expand(c, tmpl, NULL, buf, sizeof(buf));
    struct text_style st = {.size = opt->size, .bold = opt->bold,
                            .color = opt->color ? opt->color : c->th->text,
                            .align = opt->align * 0.5};
    /* Centred on the cell's middle like one line of draw_text (ay 0.5):
     * a taller block runs past the cell evenly above and below. */
    struct text_box b;
    if (text_measure(buf, &st, c->w, c->h, &b) == 0)
        text_draw(cr, buf, &st, c->x, c->y + (c->h - b.height) / 2, c->w, c->h, NULL);
}

const struct panel_kind panel_text = {
    .head = {.name = "text",
             .summary = "text, e.g. a template of trace values, wrapped to the cell; "
                        "<b> <i> <sub> <sup> markup and $formulas$ (\\$ for a dollar)",
             .params = text_params, .opts_size = sizeof(struct text_opts),
             .extra_keys = (const char *const[]){"texts", NULL}},
    .templates = text_templates,
    .draw = text_panel_draw,
    .check = text_panel_check,
};
