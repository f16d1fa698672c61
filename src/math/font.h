/* The math module's view of its fonts (font.c): metrics in em. */
#ifndef MATH_FONT_H
#define MATH_FONT_H

#include <stdint.h>
#include <hb.h>
#include <hb-ot.h>
#include "math/math.h"

struct mfont {
    hb_font_t *hb[MATH_NFONTS];
    double upem[MATH_NFONTS];
    /* MATH constants by hb_ot_math_constant_t: lengths in em, the three
     * percentages as fractions */
    double c[HB_OT_MATH_CONSTANT_RADICAL_DEGREE_BOTTOM_RAISE_PERCENT + 1];
};

struct mglyph {
    double advance, height, depth;  /* height above, depth below the baseline */
    double ink_left, ink_right;
    double italic;                  /* italic correction */
    double accent;                  /* top accent attachment, from the origin */
};

struct mpart {
    unsigned glyph;
    double start, end, full;        /* connector lengths and advance */
    int extender;
};

struct mshaped {
    unsigned glyph;
    double dx, dy, advance;
};

/* The loaded fonts, or NULL after reporting. Thread-safe. */
const struct mfont *mfont_get(void);
void mfont_release(void);
/* The draw.h face id of a math_font_id. */
int mfont_face_id(int which);

unsigned mfont_glyph(const struct mfont *f, int which, uint32_t cp);   /* 0 if missing */
void mfont_metrics(const struct mfont *f, int which, unsigned glyph, struct mglyph *m);
/* Size variants of a math glyph, smallest first (the glyph itself is the
 * first): their ids and heights (vertical) or widths. Returns the count. */
int mfont_variants(const struct mfont *f, unsigned glyph, int vertical, unsigned *glyphs,
                   double *sizes, int cap);
/* The parts of a glyph's assembly, bottom to top or left to right; 0 if it
 * has none. */
int mfont_assembly(const struct mfont *f, unsigned glyph, int vertical, struct mpart *parts,
                   int cap);
double mfont_min_overlap(const struct mfont *f, int vertical);
/* Shapes UTF-8 text with a text face (HarfBuzz: kerning, ligatures). */
int mfont_shape(const struct mfont *f, int which, const char *text, struct mshaped *out, int cap);
/* The outline of a glyph through HarfBuzz's draw callbacks (for SVG). */
int mfont_outline(const struct mfont *f, int which, unsigned glyph, hb_draw_funcs_t *funcs,
                  void *data);

#define MC(f, name) ((f)->c[HB_OT_MATH_CONSTANT_##name])

#endif
