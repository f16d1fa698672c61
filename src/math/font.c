/* font: the math font and the text faces, read through HarfBuzz.
 *
 * Metrics only: glyph ids, advances, ink boxes, the MATH table's constants,
 * italic corrections, accent attachment points, and the size variants and
 * assemblies of stretchy glyphs. All in em (font units / units per em).
 * Drawing uses cairo faces of the same files (draw.h), so glyph ids agree. */
#include "math/font.h"

#include <pthread.h>
#include <stdlib.h>

#include "diag.h"
#include "draw.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct mfont font;
static int state;               /* 0 not tried, 1 loaded, -1 failed (reported) */

static const int face_of[MATH_NFONTS] = {
    [MATH_FONT_MATH] = DRAW_FACE_MATH, [MATH_FONT_TEXT] = DRAW_FACE_SANS,
    [MATH_FONT_TEXT_BOLD] = DRAW_FACE_BOLD, [MATH_FONT_TEXT_ITALIC] = DRAW_FACE_OBLIQUE,
};

int mfont_face_id(int f)
{
    return face_of[f];
}

static void unload(void)
{
    for (int i = 0; i < MATH_NFONTS; i++) {
        if (font.hb[i])
            hb_font_destroy(font.hb[i]);
        font.hb[i] = NULL;
    }
}

static int load(void)
{
    for (int i = 0; i < MATH_NFONTS; i++) {
        char path[4096];
        if (draw_face_path(face_of[i], path, sizeof path) != 0) {
            unload();
            return -1;
        }
        hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
        if (!blob) {
            unload();
            return diag_fail("cannot read font '%s'", path);
        }
        hb_face_t *face = hb_face_create(blob, 0);
        hb_blob_destroy(blob);
        unsigned upem = hb_face_get_upem(face);
        if (i == MATH_FONT_MATH && !hb_ot_math_has_data(face)) {
            hb_face_destroy(face);
            unload();
            return diag_fail("font '%s' has no OpenType MATH table", path);
        }
        font.hb[i] = hb_font_create(face);
        hb_face_destroy(face);
        hb_font_set_scale(font.hb[i], (int)upem, (int)upem);
        font.upem[i] = upem ? upem : 1000;
    }
    for (int c = 0; c <= HB_OT_MATH_CONSTANT_RADICAL_DEGREE_BOTTOM_RAISE_PERCENT; c++) {
        hb_position_t v = hb_ot_math_get_constant(font.hb[MATH_FONT_MATH],
                                                  (hb_ot_math_constant_t)c);
        /* the three percentages are plain numbers, the rest lengths */
        if (c == HB_OT_MATH_CONSTANT_SCRIPT_PERCENT_SCALE_DOWN ||
            c == HB_OT_MATH_CONSTANT_SCRIPT_SCRIPT_PERCENT_SCALE_DOWN ||
            c == HB_OT_MATH_CONSTANT_RADICAL_DEGREE_BOTTOM_RAISE_PERCENT)
            font.c[c] = v / 100.0;
        else
            font.c[c] = v / font.upem[MATH_FONT_MATH];
    }
    if (font.c[HB_OT_MATH_CONSTANT_SCRIPT_PERCENT_SCALE_DOWN] <= 0)
        font.c[HB_OT_MATH_CONSTANT_SCRIPT_PERCENT_SCALE_DOWN] = 0.7;
    if (font.c[HB_OT_MATH_CONSTANT_SCRIPT_SCRIPT_PERCENT_SCALE_DOWN] <= 0)
        font.c[HB_OT_MATH_CONSTANT_SCRIPT_SCRIPT_PERCENT_SCALE_DOWN] = 0.5;
    return 0;
}

const struct mfont *mfont_get(void)
{
    pthread_mutex_lock(&lock);
    if (state == 0)
        state = load() == 0 ? 1 : -1;
    const struct mfont *f = state > 0 ? &font : NULL;
    pthread_mutex_unlock(&lock);
    return f;
}

void mfont_release(void)
{
    pthread_mutex_lock(&lock);
    unload();
    state = 0;
    pthread_mutex_unlock(&lock);
}

unsigned mfont_glyph(const struct mfont *f, int which, uint32_t cp)
{
    hb_codepoint_t g = 0;
    if (!hb_font_get_nominal_glyph(f->hb[which], cp, &g))
        return 0;
    return g;
}

void mfont_metrics(const struct mfont *f, int which, unsigned glyph, struct mglyph *m)
{
    double u = f->upem[which];
    hb_glyph_extents_t e = {0};
    hb_font_get_glyph_extents(f->hb[which], glyph, &e);
    m->advance = hb_font_get_glyph_h_advance(f->hb[which], glyph) / u;
    m->height = e.y_bearing / u;
    m->depth = -(e.y_bearing + e.height) / u;
    m->ink_left = e.x_bearing / u;
    m->ink_right = (e.x_bearing + e.width) / u;
    m->italic = 0;
    m->accent = m->advance / 2;
    if (which == MATH_FONT_MATH) {
        m->italic = hb_ot_math_get_glyph_italics_correction(f->hb[which], glyph) / u;
        hb_position_t a = hb_ot_math_get_glyph_top_accent_attachment(f->hb[which], glyph);
        m->accent = a / u;
    }
}

int mfont_variants(const struct mfont *f, unsigned glyph, int vertical, unsigned *glyphs,
                   double *sizes, int cap)
{
    hb_ot_math_glyph_variant_t v[32];
    unsigned n = 32;
    hb_ot_math_get_glyph_variants(f->hb[MATH_FONT_MATH], glyph,
                                  vertical ? HB_DIRECTION_BTT : HB_DIRECTION_LTR, 0, &n, v);
    int k = 0;
    for (unsigned i = 0; i < n && k < cap; i++, k++) {
        glyphs[k] = v[i].glyph;
        sizes[k] = v[i].advance / f->upem[MATH_FONT_MATH];
    }
    return k;
}

int mfont_assembly(const struct mfont *f, unsigned glyph, int vertical, struct mpart *parts,
                   int cap)
{
    hb_ot_math_glyph_part_t p[16];
    unsigned n = 16;
    hb_position_t italic;
    hb_ot_math_get_glyph_assembly(f->hb[MATH_FONT_MATH], glyph,
                                  vertical ? HB_DIRECTION_BTT : HB_DIRECTION_LTR, 0, &n, p,
                                  &italic);
    double u = f->upem[MATH_FONT_MATH];
    int k = 0;
    for (unsigned i = 0; i < n && k < cap; i++, k++) {
        parts[k].glyph = p[i].glyph;
        parts[k].start = p[i].start_connector_length / u;
        parts[k].end = p[i].end_connector_length / u;
        parts[k].full = p[i].full_advance / u;
        parts[k].extender = (p[i].flags & HB_OT_MATH_GLYPH_PART_FLAG_EXTENDER) != 0;
    }
    return k;
}

double mfont_min_overlap(const struct mfont *f, int vertical)
{
    return hb_ot_math_get_min_connector_overlap(f->hb[MATH_FONT_MATH],
                                                vertical ? HB_DIRECTION_BTT : HB_DIRECTION_LTR) /
           f->upem[MATH_FONT_MATH];
}

int mfont_shape(const struct mfont *f, int which, const char *text, struct mshaped *out,
                int cap)
{
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, text, -1, 0, -1);
    hb_buffer_guess_segment_properties(buf);
    hb_shape(f->hb[which], buf, NULL, 0);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    double u = f->upem[which];
    int k = 0;
    for (unsigned i = 0; i < n && k < cap; i++, k++) {
        out[k].glyph = info[i].codepoint;
        out[k].dx = pos[i].x_offset / u;
        out[k].dy = pos[i].y_offset / u;
        out[k].advance = pos[i].x_advance / u;
    }
    hb_buffer_destroy(buf);
    return k;
}

int mfont_outline(const struct mfont *f, int which, unsigned glyph, hb_draw_funcs_t *funcs,
                  void *data)
{
    hb_font_get_glyph_shape(f->hb[which], glyph, funcs, data);
    return 0;
}
