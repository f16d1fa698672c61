/* panel hud: the status line the evolution-strategies tool prints every
 * step ("Training Step: 41  |1| epochs: 90  |2| learning_rate: 0.1"), and
 * under it, for a few seconds after a schedule changed a trainer option,
 * the tool's change message ("[learning_rate: 0.1] + 0.005(x5)"). The
 * values come from the trace (the option's own channel shows what the
 * trainer used at that record), the changes from the trace's events, and
 * "a few seconds" from the frame's time, so the message lasts as long
 * whatever the frame rate. Unlike the original, a decrease reads "-". */
#include "hud.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "template.h"

struct hud_opts {
    struct param_strings show;
    double message_seconds;
    double size;
    uint32_t color;
};

static const struct param_spec hud_params[] = {
    {.name = "show", .type = PARAM_STRINGS, .offset = offsetof(struct hud_opts, show),
     .doc = "trace channels listed after the step, numbered |1|, |2|, ... (e.g. [epochs, "
            "learning_rate]), each a value the run records"},
    {.name = "message_seconds", .type = PARAM_DOUBLE,
     .offset = offsetof(struct hud_opts, message_seconds), .def = "3", .ranged = 1, .lo = 0,
     .hi = 3600, .doc = "seconds a schedule's change message stays after the change is shown"},
    {.name = "size", .type = PARAM_DOUBLE, .offset = offsetof(struct hud_opts, size), .def = "16",
     .ranged = 1, .lo = 4, .hi = 400,
     .doc = "font size in pixels (smaller when the line is wider than the cell)"},
    {.name = "color", .type = PARAM_COLOR, .offset = offsetof(struct hud_opts, color),
     .doc = "text colour (default: the theme's)"},
    {0},
};

/* Appends to buf at *o, keeping it terminated and never past size. */
static void put(char *buf, size_t size, size_t *o, const char *s)
{
    int k = snprintf(buf + *o, size - *o, "%s", s);
    if (k > 0)
        *o += (size_t)k < size - *o ? (size_t)k : size - *o - 1;
}

void hud_status(const struct trace *t, int rec, const char *const *names, int n, char *buf,
                size_t size)
{
    if (!size)
        return;
    size_t o = 0;
    char val[64], field[160];
    int have = t && rec >= 0 && rec < t->nrec;
    buf[0] = '\0';
    if (have && trace_channel(t, "step") >= 0)
        template_format_value(trace_value(t, rec, "step"), val, sizeof(val));
    else
        snprintf(val, sizeof(val), "?");
    snprintf(field, sizeof(field), "Training Step: %s", val);
    put(buf, size, &o, field);
    for (int i = 0; i < n; i++) {
        if (have && names[i] && trace_channel(t, names[i]) >= 0)
            template_format_value(trace_value(t, rec, names[i]), val, sizeof(val));
        else
            snprintf(val, sizeof(val), "?");
        snprintf(field, sizeof(field), "  |%d| %s: %s", i + 1, names[i] ? names[i] : "?", val);
        put(buf, size, &o, field);
    }
}

void hud_change(const struct trace_event *e, char *buf, size_t size)
{
    char before[64], change[64];
    template_format_value(e->before, before, sizeof(before));
    if (e->op == '=') {
        template_format_value(e->after, change, sizeof(change));
        snprintf(buf, size, "[%s: %s] = %s", e->name, before, change);
        return;
    }
    /* As the source tool writes it: the increment, and how many of it
     * (the value before the change first). */
    double d = e->after - e->before;
    template_format_value(fabs(d) / (e->times > 0 ? e->times : 1), change, sizeof(change));
    snprintf(buf, size, "[%s: %s] %c %s(x%d)", e->name, before, d < 0 ? '-' : '+', change,
             e->times);
}

int hud_recent(const struct panel_ctx *c, double seconds, int *idx, int max)
{
    const struct trace *t = c->trace;
    int n = 0;
    if (!t || !c->step_time || max <= 0)
        return 0;
    for (int i = 0; i < t->nevents; i++) {
        int s = t->events[i].step;
        if (s < 0 || s >= c->nstep_time || !isfinite(c->step_time[s]))
            continue;
        double age = c->time - c->step_time[s];
        if (!(age >= 0 && age < seconds))
            continue;
        /* In the order they happened: keep the newest max, oldest first. */
        if (n == max) {
            memmove(idx, idx + 1, sizeof(int) * (size_t)(max - 1));
            n--;
        }
        idx[n++] = i;
    }
    return n;
}

static void hud_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct hud_opts *opt = o;
    const struct theme *th = c->th;
    char line[1024];
    hud_status(c->trace, c->rec, opt->show.v, opt->show.n, line, sizeof(line));
    double pad = 10, size = opt->size;
    draw_font(cr, 0, size);
    double w = draw_text_width(cr, line);
    if (w > c->w - 2 * pad && w > 0) {
        size = fmax(4, size * (c->w - 2 * pad) / w);
        draw_font(cr, 0, size);
    }
    double lh = size * 1.45, x = c->x + pad, y = c->y + pad;
    draw_set_color(cr, opt->color ? opt->color : th->text);
    draw_text(cr, x, y + lh / 2, 0, 0.5, line);

    int idx[HUD_MAX_MESSAGES];
    int n = hud_recent(c, opt->message_seconds, idx, HUD_MAX_MESSAGES);
    if (!n)
        return;
    char msg[HUD_MAX_MESSAGES][256];
    double mw = 0;
    for (int i = 0; i < n; i++) {
        hud_change(&c->trace->events[idx[i]], msg[i], sizeof(msg[i]));
        mw = fmax(mw, draw_text_width(cr, msg[i]));
    }
    double by = y + lh + size * 0.4, bpad = size * 0.45;
    draw_box(cr, x - bpad, by, mw + 2 * bpad, lh * n + bpad, 4, th->panel, th->grid, 1);
    draw_set_color(cr, opt->color ? opt->color : th->text);
    for (int i = 0; i < n; i++)
        draw_text(cr, x, by + bpad / 2 + lh * i + lh / 2, 0, 0.5, msg[i]);
}

/* Every name in show must be a scalar channel of the run's trace. */
static int hud_check(void *o, const struct snode *node, const struct panel_check *pc)
{
    const struct hud_opts *opt = o;
    const struct trace *t = pc->probe;
    const struct snode *list = snode_get(node, "show");
    if (!t || !t->nchan || !list || list->type != SNODE_SEQ)
        return 0;
    int errors = 0;
    const char *names[64];
    int nn = 0;
    for (int c = 0; c < t->nchan && nn < 64; c++)
        if (trace_size(t, c) == 1)
            names[nn++] = t->chan[c].name;
    for (int i = 0; i < opt->show.n && i < list->n; i++) {
        int c = trace_channel(t, opt->show.v[i]);
        if (c >= 0 && trace_size(t, c) == 1)
            continue;
        char known[512] = "";
        size_t used = 0;
        for (int k = 0; k < nn && used < sizeof known; k++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", k ? ", " : "",
                                     names[k]);
        const char *sug = diag_suggest(opt->show.v[i], names, nn);
        diag_error(&list->vals[i]->loc, "'%s' in 'show' of panel 'hud' is not a value the run "
                   "records%s%s%s; it records: %s", opt->show.v[i], sug ? " (did you mean '" : "",
                   sug ? sug : "", sug ? "'?)" : "", known);
        errors++;
    }
    return errors ? -1 : 0;
}

const struct panel_kind panel_hud = {
    .head = {.name = "hud",
             .summary = "the status line \"Training Step: k  |1| name: value ...\" and, for a "
                        "few seconds after a schedule changes an option, its change message",
             .params = hud_params, .opts_size = sizeof(struct hud_opts)},
    .draw = hud_draw,
    .check = hud_check,
};
