/* math: TeX-subset formulas, laid out with an OpenType MATH font.
 *
 * Authors write formulas in TeX ("\hat y = wx + b", "\frac{1}{n}\sum_{i=1}^n
 * (\hat y_i - y_i)^2"); mlanim lays them out itself, following the TeX and
 * OpenType MATH model, with TeX Gyre DejaVu Math: no LaTeX installation.
 *
 * Three stages, each its own file:
 *   parse.c    TeX source -> a tree of math nodes (no fonts, no cairo), with
 *              the byte offset of every error, so a script's error points at
 *              the character;
 *   layout.c   nodes -> a box: glyphs and rules positioned in em units (the
 *              font size is 1), using the font's MATH table through HarfBuzz
 *              (constants, italic corrections, accent attachment, glyph
 *              variants and assemblies for stretchy delimiters and radicals);
 *   render.c   a box -> cairo (frames, PNG) or SVG (the book), and a cache so
 *              a formula whose text does not change is laid out once.
 * The same box draws to every target, so frames and book look alike.
 *
 * The subset: letters (italic), digits, + - = < > ( ) [ ] | , ; : ! ' and
 * any Unicode character; ^ and _ (nested); { } groups; \frac \dfrac \tfrac
 * \binom \sqrt[n]{}; \sum \prod \int \oint \bigcup \bigcap with limits
 * (\limits \nolimits); accents \hat \bar \tilde \vec \dot \ddot \check
 * \breve \acute \grave \widehat \widetilde \overline \underline; Greek;
 * operators, relations and arrows (see symbols.c, `mlanim formula --list`);
 * functions \log \exp \ln \sin \cos \tan \max \min \arg \sup \inf \lim \det
 * \operatorname{}; \text{} \mathrm{} \mathit{} \mathbf{} \mathbb{} \mathsf{};
 * \left \middle \right with any delimiter, \bigl \bigr \Bigl \Bigr \biggl
 * \biggr \Biggl \Biggr (and \big \Big \bigg \Bigg \bigm ...); spaces \, \: \>
 * \; \! \quad \qquad ~ \  ; \displaystyle \textstyle; environments cases,
 * matrix, pmatrix, bmatrix, Bmatrix, vmatrix, Vmatrix with & and \\.
 * Anything else is an error naming it: nothing is silently dropped. */
#ifndef MATH_H
#define MATH_H

#include <stddef.h>
#include <stdio.h>
#include <cairo.h>

/* ---- parsing (no fonts) ------------------------------------------------ */

struct math_error {
    size_t pos;                 /* byte offset into the source */
    char msg[200];
};

/* Flags for math_check. */
enum {
    /* The source is a value template (template.h): a brace that does not
     * open a TeX group (see math_brace_is_group) is a value field such as
     * {w:.2f}, taken as a number. */
    MATH_FIELDS = 1,
};

/* Parses src[0..len) and reports the first error. Returns 0, or -1 with
 * *err filled in. */
int math_check(const char *src, size_t len, int flags, struct math_error *err);

/* Inside a formula of a value template, whether the '{' at src[i] opens a
 * TeX group (it directly follows a command such as \frac, or ^, _, {, } or
 * ]) rather than a value field (after anything else: "= {w:.2f}x"). Used by
 * the parser and by template.c, so both split a string the same way. */
int math_brace_is_group(const char *src, size_t i);

/* ---- inline formulas in text -------------------------------------------- */

/* Text drawn in a frame may hold formulas between $...$ (text style, as
 * inside a sentence) or $$...$$ (display style: limits above and below
 * \sum, full-size fractions); "\$" is a literal dollar sign. A segment of
 * such text: plain (with "\$" still escaped) or a formula (without its
 * dollars). */
struct math_segment {
    int math;
    int display;                /* $$...$$ */
    int closed;                 /* a formula: its closing dollars are there */
    size_t start, len;          /* into the text */
};

/* The next segment of text from *pos (0 at first); 0 at the end. An
 * unclosed $ makes the rest of the text a formula (math_text_check reports
 * it when the script is validated). */
int math_text_next(const char *text, size_t *pos, struct math_segment *seg);

/* Whether text has any formula or "\$" at all (cheap). */
int math_text_has(const char *text);

/* Checks every formula in text: an unclosed $ and parse errors, with
 * err->pos an offset into text. flags as for math_check. */
int math_text_check(const char *text, int flags, struct math_error *err);

/* ---- layout ------------------------------------------------------------- */

enum math_font_id { MATH_FONT_MATH, MATH_FONT_TEXT, MATH_FONT_TEXT_BOLD, MATH_FONT_TEXT_ITALIC,
                    MATH_NFONTS };

enum math_item_kind { MATH_GLYPH, MATH_RULE };

/* Positions in em (1 = the font size), x to the right and y UP from the
 * box's origin, which is at the left end of its baseline. */
struct math_item {
    enum math_item_kind kind;
    enum math_font_id font;     /* GLYPH */
    unsigned glyph;             /* GLYPH: glyph id in that font */
    double x, y;                /* GLYPH: its origin; RULE: bottom left corner */
    double scale;               /* GLYPH: font size relative to the box's */
    double w, h;                /* RULE: size */
};

struct math_box {
    double width, ascent, descent;  /* em; descent is positive below the baseline */
    int n;
    struct math_item *items;
};

/* Loads the math font (texgyredejavu-math.otf from MLANIM_FONT_DIR, else
 * Debian's fonts-texgyre-math path) and the DejaVu Sans text faces, once;
 * thread-safe. -1 after reporting if a file is missing or has no MATH table. */
int math_fonts_init(void);
void math_fonts_release(void);

/* Lays out src in display style (display = 1: limits above and below \sum,
 * big fractions) or inline text style. NULL with *err filled in on a parse
 * error or when the fonts cannot be loaded (err->pos is then 0). */
struct math_box *math_layout(const char *src, size_t len, int display, struct math_error *err);
void math_box_free(struct math_box *b);

/* The laid-out box of a formula, laid out once per (source, display) and
 * kept until math_fonts_release (bounded: the oldest entries are dropped
 * when it is full). NULL on error. The box stays valid until release.
 * Thread-safe. */
const struct math_box *math_cached(const char *src, size_t len, int display);

/* Counters of math_cached, for tests and benchmarks. */
struct math_cache_stats {
    long hits, misses;
};
void math_cache_stats(struct math_cache_stats *st);

/* ---- drawing ------------------------------------------------------------ */

/* Draws b at size pixels per em with its baseline's left end at (x, y) in
 * cr's user space, in cr's current source colour. */
void math_draw(cairo_t *cr, const struct math_box *b, double size, double x, double y);

/* Writes b as a standalone SVG document (size pixels per em; margin in em
 * around the box; colour as #rrggbb or "currentColor") to f. label is the
 * accessible text (the TeX source), escaped here. inline_svg = 1 omits the
 * XML declaration and sizes the image in em with a vertical-align, so it
 * sits on the baseline of the surrounding HTML text. Returns 0 or -1. */
int math_svg_write(FILE *f, const struct math_box *b, double size, double margin,
                   const char *color, const char *label, int inline_svg);

/* The symbol tables, for `mlanim formula --list`: one command per line. */
void math_list_commands(FILE *f);

#endif
