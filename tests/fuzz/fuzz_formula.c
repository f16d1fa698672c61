/* libFuzzer harness: text with $...$ formulas -> the math module.
 *
 * Invariants, any break aborts:
 *   - math_text_check reports an offset inside the text and a message;
 *   - every formula of a text that checks lays out (display and inline)
 *     with finite, bounded metrics and items, draws onto a small cairo
 *     surface without putting the context in an error state, and writes as
 *     SVG;
 *   - the same text parsed as a value template: when template_check and
 *     math_text_check(MATH_FIELDS) accept it, its expansion (numbers in
 *     place of the fields) is a text math_text_check accepts without
 *     fields, so frames never meet a formula the validator did not see. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include "diag.h"
#include "draw.h"
#include "fuzz_util.h"
#include "math/math.h"
#include "template.h"
#include "trace.h"
#include "util.h"

static struct trace tr;
static cairo_surface_t *surface;
static cairo_t *cr;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_diag();
    trace_channel_add(&tr, "step");
    trace_channel_add(&tr, "w");
    trace_channel_add(&tr, "b");
    trace_channel_add_shaped(&tr, "p", 1, 3);
    double *row = trace_append(&tr);
    static const double vals[] = {3, -0.25, 1e300, 0.5, NAN, -INFINITY};
    for (int i = 0; i < tr.width; i++)
        row[i] = vals[i % 6];
    if (draw_fonts_init() != 0 || math_fonts_init() != 0)
        abort();
    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 32);
    cr = cairo_create(surface);
    return 0;
}

static void check_box(const struct math_box *b)
{
    if (!(isfinite(b->width) && isfinite(b->ascent) && isfinite(b->descent)))
        abort();
    if (fabs(b->width) > 1e6 || fabs(b->ascent) > 1e6 || fabs(b->descent) > 1e6)
        abort();
    for (int i = 0; i < b->n; i++) {
        const struct math_item *m = &b->items[i];
        if (!(isfinite(m->x) && isfinite(m->y) && isfinite(m->w) && isfinite(m->h) &&
              isfinite(m->scale)))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    size_t len = strlen(text);

    struct math_error err;
    if (math_text_check(text, 0, &err) != 0) {
        if (err.pos > len || !err.msg[0])
            abort();
    } else {
        size_t pos = 0;
        struct math_segment seg;
        while (math_text_next(text, &pos, &seg)) {
            if (!seg.math)
                continue;
            for (int display = 0; display < 2; display++) {
                struct math_box *b = math_layout(text + seg.start, seg.len, display, &err);
                if (!b)
                    abort();    /* checked, so it must lay out */
                check_box(b);
                math_draw(cr, b, 12, 2, 20);
                FILE *f = tmpfile();
                if (f) {
                    if (math_svg_write(f, b, 12, 0.1, "#000000", text, 1) != 0)
                        abort();
                    fclose(f);
                }
                math_box_free(b);
            }
        }
        draw_font(cr, 0, 12);
        draw_text(cr, 0, 16, 0, 0.5, text);
        if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
            abort();
    }

    struct diag_loc at = {"fuzz.yaml", 3, 10};
    diag_reset();
    if (template_check(text, &at, 0, &tr, "panel 'text'") == 0 &&
        math_text_check(text, MATH_FIELDS, &err) == 0) {
        char buf[8192];
        template_expand(text, &tr, 0, buf, sizeof buf);
        if (strlen(buf) + 1 < sizeof buf && math_text_check(buf, 0, &err) != 0)
            abort();
    }
    diag_reset();
    free(text);
    return 0;
}
