/* text: wrapped rich text, laid out by pango with the project's own fonts.
 *
 * Panels that show sentences (quiz cards, text panels) hand a
 * string, a style and a width here and get it wrapped at word boundaries,
 * with light markup and inline formulas:
 *
 *   <b>...</b> <i>...</i> <sub>...</sub> <sup>...</sup>
 *       bold, italic (DejaVu Sans Oblique), subscript, superscript; they
 *       nest. These eight exact, lower-case tags are the only markup:
 *       every other character shows as written, so "a < b & c" and
 *       "<br>" are plain text. "\<" shows "<" (so "\<b>" shows "<b>").
 *   $...$
 *       a formula (math.h), laid out by the math module and set into the
 *       line on the text's baseline as one unbreakable box; "\$" shows a
 *       dollar sign. A formula the math module rejects shows its source,
 *       dollars included, as plain text.
 *   a newline starts a new line ("\n\n" leaves an empty one).
 *
 * Markup that does not balance is drawn leniently and reported strictly:
 * drawing ignores a closing tag with no open tag of its name and lets an
 * unclosed tag run to the end of the text (it never fails over markup),
 * while text_check reports the first such problem with its byte offset,
 * so the scene validator can point at it.
 *
 * Fonts: pango sees only DejaVu Sans (regular, bold, oblique, bold
 * oblique) from the directory in MLANIM_FONT_DIR, or else
 * /usr/share/fonts/truetype/dejavu, through a private fontconfig
 * configuration: never the machine's fonts or settings. Font options are
 * those of draw_font (grey anti-aliasing, no hinting, unhinted metrics),
 * sizes are pixels, the language is fixed, so the same text gives the
 * same pixels on every machine and every run, and measuring gives exactly
 * the size drawing uses. Frames are drawn on several threads: each call
 * borrows a pango font map that no other thread uses meanwhile (a pool,
 * grown to the number of threads that draw at once). */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <cairo.h>

/* Loads the four font files into the first font map, once; thread-safe.
 * -1 after reporting (once) if a file is missing. text_measure and
 * text_draw call it themselves. */
int text_init(void);
/* Frees every font map (the scaled fonts that drawing pins, see
 * draw_pin_scaled_font, go with draw_fonts_release). No thread may be
 * measuring or drawing text meanwhile. text_init may be called again
 * afterwards. */
void text_release(void);

struct text_style {
    double size;            /* font size in pixels (> 0) */
    int bold;               /* the whole text bold (<b> is then a no-op) */
    uint32_t color;         /* 0xAARRGGBB; drawing only */
    /* Where each line sits: 0 left, 0.5 centred, 1 right, within the
     * width; with no width (<= 0) it is the anchor at x (0.5: centred on
     * x), as for draw_text. */
    double align;
    /* Baseline-to-baseline pitch as a multiple of size; 0 (or anything
     * below 1.164) is the font's own, 1.164. Lines with a formula that
     * reaches further up or down than the font grow by what it needs
     * (subscripts and superscripts do not count). The leading is split
     * above the first line and below the last, so a block of n plain
     * lines is n * line_spacing * size high. */
    double line_spacing;
    /* At most this many lines (0: no limit); when text is left over the
     * last line shown ends with an ellipsis. */
    int max_lines;
};

/* What a layout took, and whether it fits. Sizes in pixels. */
struct text_box {
    double width;           /* of the widest line shown */
    double height;          /* of the lines shown */
    int lines;              /* lines shown */
    int lines_needed;       /* lines the whole text takes at this width */
    double first_baseline;  /* from the top of the box */
    /* Fit: overflow_x is how much the widest line is wider than the
     * width (a word longer than a line is not broken: it overflows);
     * overflow_y how much the whole text, all lines_needed of them, is
     * taller than its room: max_height when given, and the lines shown
     * when max_lines cut it (the smaller). fits: both are zero (within
     * 0.01 px). */
    double overflow_x, overflow_y;
    int fits;
};

/* Lays text (UTF-8; a bad byte shows as '?') out wrapped to width
 * (<= 0: only newlines break lines) and fills *out. max_height > 0 is the
 * room it has, for overflow_y only: it never cuts the text (max_lines
 * does). Needs no cairo context. Returns 0, or -1 when the fonts cannot
 * be loaded (already reported; *out is then zero). */
int text_measure(const char *text, const struct text_style *st, double width,
                 double max_height, struct text_box *out);
/* The same layout drawn in cr with its box's top left at (x, y) (in cr's
 * user space, whatever its transform) in st->color. Text that does not fit
 * max_height is drawn anyway, running past it. out may be NULL. Leaves
 * cr's source and path as they were. */
int text_draw(cairo_t *cr, const char *text, const struct text_style *st, double x, double y,
              double width, double max_height, struct text_box *out);

struct text_error {
    size_t pos;             /* byte offset into the text */
    char msg[200];
};
/* Checks text's markup (a closing tag must close the innermost open tag;
 * every tag must be closed) and its formulas (math_text_check, with
 * flags as for math_check: MATH_FIELDS for a value template). Reports the
 * problem that comes first in the text. Returns 0, or -1 with *err set. */
int text_check(const char *text, int flags, struct text_error *err);

/* The font families pango can choose from, comma-separated into buf (for
 * tests: only "DejaVu Sans"). Returns how many, or -1 when the fonts cannot
 * be loaded. */
int text_families(char *buf, size_t n);

#endif
