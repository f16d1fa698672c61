/* panel text: a line of text, usually a template of trace values, for
 * headlines and HUD lines; or, in a scene of beats, one text per beat
 * (texts: [...], each a template). */
#include <stddef.h>
#include <stdio.h>
#include "common.h"
#include "draw.h"
#include "template.h"

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

/* A line that is wider than its cell even with every value field at one
 * character ("?") can only be cut off: refused, saying by how much. */
static int text_fits(const struct text_opts *opt, const struct snode *at, const char *tmpl,
                     const struct panel_check *pc)
{
    if (!tmpl || pc->cell_w <= 0 || draw_fonts_init() != 0)
        return 0;
    char buf[512];
    template_expand(tmpl, pc->probe, 0, buf, sizeof buf);
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(sf);
    draw_font(cr, opt->bold, opt->size);
    double w = draw_text_width(cr, buf);
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
    if (w <= pc->cell_w + 0.5)
        return 0;
    diag_error(&at->loc, "this text is %.0f pixels wide at size %g, but its cell is %.0f: "
               "%.0f pixels too wide (shorten it, lower 'size' or give the panel more columns)",
               w * pc->unit, opt->size, pc->cell_w * pc->unit, (w - pc->cell_w) * pc->unit);
    return -1;
}

/* texts: a list of templates, one per beat, checked against the beats. */
static int text_check(void *o, const struct snode *node, const struct panel_check *pc)
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

static void text_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct text_opts *opt = o;
    char buf[512];
    const char *tmpl = opt->ntexts ? opt->texts[c->step < opt->ntexts ? c->step : opt->ntexts - 1]
                                   : opt->text;
    /* The keyframe phase comes first in the trace: its records are the
     * run's first kf_records. */
    if (opt->keyframes_text && c->run && c->rec < c->run->kf_records)
        tmpl = opt->keyframes_text;
    panel_expand(c, tmpl, NULL, buf, sizeof(buf));
    draw_font(cr, opt->bold, opt->size);
    draw_set_color(cr, opt->color ? opt->color : c->th->text);
    double ax = opt->align * 0.5;
    draw_text(cr, c->x + c->w * ax, c->y + c->h / 2, ax, 0.5, buf);
}

const struct panel_kind panel_text = {
    .head = {.name = "text",
             .summary = "a line of text, e.g. a template of trace values",
             .params = text_params, .opts_size = sizeof(struct text_opts),
             .extra_keys = (const char *const[]){"texts", NULL}},
    .templates = text_templates,
    .draw = text_draw,
    .check = text_check,
};
