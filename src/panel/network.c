/* panel network: a single neuron drawn as a diagram, input node X and a
 * bias node feeding the output node through edges labelled with the current
 * weight and bias, with lines of text (epoch, loss) under it: the footer
 * is a template whose newlines start lines, as the source's
 * "epoch=...\nloss=..." block. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include "textbox.h"

struct network_opts {
    const char *title, *input_label, *output_label, *weight_label, *bias_label, *footer;
    uint32_t node_color, edge_color, footer_color;
    double footer_size;
};

static const struct param_spec network_params[] = {
    {.name = "title", .type = PARAM_STRING, .offset = offsetof(struct network_opts, title),
     .def = "epoch {step}", .doc = "title template"},
    {.name = "input_label", .type = PARAM_STRING, .offset = offsetof(struct network_opts, input_label),
     .def = "X", .doc = "text in the input node"},
    {.name = "output_label", .type = PARAM_STRING, .offset = offsetof(struct network_opts, output_label),
     .def = "Ŷ", .doc = "text in the output node"},
    {.name = "weight_label", .type = PARAM_STRING, .offset = offsetof(struct network_opts, weight_label),
     .def = "w = {w:.4f}", .doc = "template on the input edge"},
    {.name = "bias_label", .type = PARAM_STRING, .offset = offsetof(struct network_opts, bias_label),
     .def = "b = {b:.4f}", .doc = "template on the bias edge"},
    {.name = "footer", .type = PARAM_STRING, .offset = offsetof(struct network_opts, footer),
     .def = "loss = {loss:.4f}", .doc = "template under the diagram; a newline starts a line"},
    {.name = "footer_color", .type = PARAM_COLOR, .offset = offsetof(struct network_opts, footer_color),
     .doc = "colour of the footer's text (default: the theme's)"},
    {.name = "footer_size", .type = PARAM_DOUBLE, .offset = offsetof(struct network_opts, footer_size),
     .def = "0", .ranged = 1, .lo = 0, .hi = 200,
     .doc = "font size of the footer in pixels (0: a little over the theme's)"},
    {.name = "node_color", .type = PARAM_COLOR, .offset = offsetof(struct network_opts, node_color),
     .def = "#1f77b4", .doc = "colour of the nodes"},
    {.name = "edge_color", .type = PARAM_COLOR, .offset = offsetof(struct network_opts, edge_color),
     .def = "#7f7f7f", .doc = "colour of the edges"},
    {0},
};

static const char *const network_templates[] = {"title", "weight_label", "bias_label", "footer", NULL};

static void node(cairo_t *cr, const struct theme *th, double x, double y, double r, uint32_t color,
                 const char *label, double size)
{
    draw_circle(cr, x, y, r, (color & 0x00ffffff) | 0x22000000, color, 2.5);
    draw_font(cr, 1, size);
    draw_set_color(cr, th->text);
    draw_text(cr, x, y, 0.5, 0.5, label);
}

/* An edge between two circles, with a label riding above its middle. */
static void edge(cairo_t *cr, const struct theme *th, double x0, double y0, double r0, double x1,
                 double y1, double r1, uint32_t color, const char *label)
{
    double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);
    double ux = dx / len, uy = dy / len;
    draw_arrow(cr, x0 + ux * r0, y0 + uy * r0, x1 - ux * (r1 + 3), y1 - uy * (r1 + 3), 2, 11, color);
    double mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
    draw_font(cr, 1, th->font_size * 1.05);
    double tw = draw_text_width(cr, label), bh = th->font_size + 10;
    draw_box(cr, mx - tw / 2 - 6, my - bh - 6, tw + 12, bh, 4, th->background, color, 1);
    draw_set_color(cr, th->text);
    draw_text(cr, mx, my - 6 - bh / 2, 0.5, 0.5, label);
}

static void network_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct network_opts *opt = o;
    const struct theme *th = c->th;
    char text[4096];
    double top = panel_title(c, cr, opt->title);
    /* The diagram and its footer form one block, centred in what is left
     * under the title, so a tall cell does not leave a hole between them. */
    struct textbox foot;
    panel_expand(c, opt->footer, NULL, text, sizeof(text));
    draw_font(cr, 1, opt->footer_size > 0 ? opt->footer_size : th->font_size * 1.1);
    textbox_layout(cr, &foot, text, 8, 16);
    double footer_h = text[0] ? fmax(th->font_size * 2.6, foot.r.h + th->font_size * 0.6) : 0;
    double avail = c->y + c->h - top;
    double dh = fmin(avail - footer_h, c->w * 0.62);
    double r = fmin(c->w * 0.09, dh * 0.17);
    if (r < 10) r = 10;
    double y0 = top + (avail - dh - footer_h) / 2;
    double in_x = c->x + c->w * 0.16, out_x = c->x + c->w * 0.80;
    double in_y = y0 + dh * 0.66, bias_y = y0 + dh * 0.24, bias_x = c->x + c->w * 0.30;

    panel_expand(c, opt->weight_label, NULL, text, sizeof(text));
    edge(cr, th, in_x, in_y, r, out_x, in_y, r * 1.15, opt->edge_color, text);
    panel_expand(c, opt->bias_label, NULL, text, sizeof(text));
    edge(cr, th, bias_x, bias_y, r * 0.6, out_x, in_y, r * 1.15, opt->edge_color, text);
    node(cr, th, in_x, in_y, r, opt->node_color, opt->input_label, th->title_size);
    node(cr, th, bias_x, bias_y, r * 0.6, th->muted, "1", th->font_size);
    node(cr, th, out_x, in_y, r * 1.15, opt->node_color, opt->output_label, th->title_size);
    draw_font(cr, 0, th->font_size * 0.9);
    draw_set_color(cr, th->muted);
    draw_text(cr, in_x, in_y + r + 6, 0.5, 0, "input");
    draw_text(cr, bias_x, bias_y - r * 0.6 - 4, 0.5, 1, "bias");
    draw_text(cr, out_x, in_y + r * 1.15 + 6, 0.5, 0, "Ŷ = w·X + b");

    if (foot.buf[0]) {
        foot.r.x = c->x + c->w / 2 - foot.r.w / 2;
        foot.r.y = y0 + dh + (footer_h - foot.r.h) / 2;
        draw_font(cr, 1, opt->footer_size > 0 ? opt->footer_size : th->font_size * 1.1);
        struct theme tt = *th;
        if (opt->footer_color)
            tt.text = opt->footer_color;
        textbox_draw(cr, &tt, &foot, foot.pad + 8, 5, th->panel, 0, 0);
    }
}

const struct panel_kind panel_network = {
    .head = {.name = "network",
             .summary = "one neuron as a diagram: input, bias and output nodes with w and b on the edges",
             .params = network_params, .opts_size = sizeof(struct network_opts),
             .requires = (const char *const[]){"neuron-1d", NULL}},
    .templates = network_templates,
    .draw = network_draw,
};
