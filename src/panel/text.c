/* panel text: a line of text, usually a template of trace values, for
 * headlines and HUD lines. */
#include <stddef.h>
#include "common.h"

struct text_opts {
    const char *text;
    double size;
    int bold, align;
    uint32_t color;
};

static const char *const aligns[] = {"left", "center", "right", NULL};

static const struct param_spec text_params[] = {
    {.name = "text", .type = PARAM_STRING, .offset = offsetof(struct text_opts, text),
     .required = 1, .doc = "the text: a template such as \"epoch {step}\""},
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

static const char *const text_templates[] = {"text", NULL};

static void text_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct text_opts *opt = o;
    char buf[512];
    panel_expand(c, opt->text, NULL, buf, sizeof(buf));
    draw_font(cr, opt->bold, opt->size);
    draw_set_color(cr, opt->color ? opt->color : c->th->text);
    double ax = opt->align * 0.5;
    draw_text(cr, c->x + c->w * ax, c->y + c->h / 2, ax, 0.5, buf);
}

const struct panel_kind panel_text = {
    .head = {.name = "text",
             .summary = "a line of text, e.g. a template of trace values",
             .params = text_params, .opts_size = sizeof(struct text_opts)},
    .templates = text_templates,
    .draw = text_draw,
};
