/* text: wrapped rich text through pango (text.h). Wrapping and line
 * limits, markup and its check, escapes, formulas set into the line, the
 * private font map (checked against a hostile fontconfig configuration set
 * up before anything starts), determinism across runs and threads, and
 * that measuring gives what drawing uses. Formulas go through math.h; in a
 * tree where the math module is still a stub they are grey boxes, and the
 * tests only rely on math_cached's box. */
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "diag_capture.h"
#include "draw.h"
#include "math/math.h"
#include "pixel_util.h"
#include "text.h"

static const struct text_style body = {.size = 16, .color = 0xff000000};

static struct text_box measure(const char *s, const struct text_style *st, double width)
{
    struct text_box b;
    CHECK(text_measure(s, st, width, 0, &b) == 0);
    return b;
}

static double width_of(const char *s, const struct text_style *st)
{
    return measure(s, st, 0).width;
}

/* The width of plain text with draw.c's font: cairo's toy API. */
static double toy_width(const char *s, int bold, double size)
{
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4);
    cairo_t *cr = cairo_create(sf);
    draw_font(cr, bold, size);
    /* cairo's own advance: draw_text_width would read "$1 or $" as a
     * formula */
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    double w = te.x_advance;
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
    return w;
}

static cairo_surface_t *render(const char *s, const struct text_style *st, double width, int w,
                               int h, struct text_box *b)
{
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(sf);
    CHECK(text_draw(cr, s, st, 10, 10, width, 0, b) == 0);
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_flush(sf);
    return sf;
}

static int same_pixels(cairo_surface_t *a, cairo_surface_t *b)
{
    int h = cairo_image_surface_get_height(a);
    size_t n = (size_t)cairo_image_surface_get_stride(a) * (size_t)h;
    return cairo_image_surface_get_height(b) == h &&
           cairo_image_surface_get_stride(b) == cairo_image_surface_get_stride(a) &&
           memcmp(cairo_image_surface_get_data(a), cairo_image_surface_get_data(b), n) == 0;
}

static int same_box(const struct text_box *a, const struct text_box *b)
{
    return a->width == b->width && a->height == b->height && a->lines == b->lines &&
           a->lines_needed == b->lines_needed && a->first_baseline == b->first_baseline &&
           a->overflow_x == b->overflow_x && a->overflow_y == b->overflow_y && a->fits == b->fits;
}

static int is_ink(uint32_t p) { return (p >> 24) != 0; }

static struct box ink(cairo_surface_t *s)
{
    return box_find(s, is_ink, 0, 0, cairo_image_surface_get_width(s),
                    cairo_image_surface_get_height(s));
}

static const char *const long_text =
    "Recognising a face in a photo, or predicting tomorrow's sales from years of history: "
    "too fuzzy for hand-written rules, so a machine learns them from examples.";

/* ---- wrapping ------------------------------------------------------------ */

static void a_narrower_width_wraps_to_more_lines_none_wider_than_it(void)
{
    struct text_box wide = measure(long_text, &body, 400), narrow = measure(long_text, &body, 150);
    CHECK(wide.lines >= 2);
    CHECK(narrow.lines > wide.lines);
    CHECK(wide.width <= 400 && narrow.width <= 150);
    CHECK(narrow.width > 100);      /* it does fill the lines */
    CHECK(wide.fits && narrow.fits);
    CHECK(wide.overflow_x == 0 && narrow.overflow_y == 0);
    CHECK(narrow.lines == narrow.lines_needed);
    /* Unwrapped, it is one line, as wide as its words. */
    struct text_box one = measure(long_text, &body, 0);
    CHECK(one.lines == 1);
    CHECK(one.width > 4 * 150);
    /* And what is drawn stays inside the width (a pixel for antialiasing). */
    cairo_surface_t *s = render(long_text, &body, 150, 200, 300, NULL);
    struct box k = ink(s);
    CHECK(k.n > 0 && k.x0 >= 10 - 1 && k.x1 <= 10 + 150 + 1);
    cairo_surface_destroy(s);
}

static void a_word_longer_than_the_line_overflows_by_its_excess(void)
{
    struct text_box b = measure("Supercalifragilisticexpialidocious word", &body, 80);
    CHECK(b.lines == 2);
    CHECK(!b.fits);
    CHECK(b.overflow_x > 100);
    CHECK_NEAR(b.overflow_x, b.width - 80, 1e-9);
    CHECK(b.overflow_y == 0);
}

static void newlines_break_lines_and_a_blank_line_stays(void)
{
    CHECK(measure("a b\nc\n\nd", &body, 1000).lines == 4);
    CHECK(measure("a b c d", &body, 1000).lines == 1);
}

static void line_spacing_sets_the_pitch_of_plain_lines(void)
{
    struct text_style st = body;
    st.line_spacing = 1.35;
    struct text_box b = measure(long_text, &st, 150);
    CHECK(b.lines > 3);
    CHECK_NEAR(b.height, b.lines * 1.35 * 16, 0.01);
    /* The font's own pitch without it: 1.164 em for DejaVu Sans. */
    struct text_box n = measure(long_text, &body, 150);
    CHECK(n.lines == b.lines);
    CHECK_NEAR(n.height / n.lines, 1.164 * 16, 0.05);
    /* A superscript in one line of many barely moves the others. */
    char sup[512];
    snprintf(sup, sizeof sup, "x<sup>2</sup> %s", long_text);
    struct text_box s = measure(sup, &st, 150);
    CHECK(s.lines == b.lines);
    CHECK(s.height - b.height < 1);
}

static void max_lines_cuts_with_an_ellipsis_and_reports_the_rest(void)
{
    struct text_style st = body;
    st.line_spacing = 1.35;
    struct text_box all = measure(long_text, &st, 150);
    st.max_lines = 3;
    struct text_box cut = measure(long_text, &st, 150);
    CHECK(cut.lines == 3);
    CHECK(cut.lines_needed == all.lines);
    CHECK_NEAR(cut.height, 3 * 1.35 * 16, 0.01);
    CHECK(!cut.fits);
    CHECK_NEAR(cut.overflow_y, all.height - cut.height, 0.01);
    CHECK(cut.width <= 150);
    /* Cut where a paragraph ends, too (pango leaves those alone). */
    struct text_box p = measure("one\ntwo\nthree\nfour\nfive", &st, 150);
    CHECK(p.lines == 3 && p.lines_needed == 5);
    /* The ellipsis is drawn: the third line is wider than "three" alone. */
    struct text_box three = measure("three", &body, 0);
    cairo_surface_t *s = render("one\ntwo\nthree\nfour\nfive", &st, 0, 200, 100, NULL);
    struct box line3 = box_find(s, is_ink, 0, 10 + (int)(2 * 21.6) + 2, 200, 10 + (int)(3 * 21.6));
    CHECK(line3.n > 0 && line3.x1 - line3.x0 > three.width + 8);
    cairo_surface_destroy(s);
    /* A text that fits is not cut. */
    struct text_box ok = measure("one\ntwo", &st, 150);
    CHECK(ok.lines == 2 && ok.fits);
}

static void max_height_measures_the_overflow_without_cutting(void)
{
    struct text_box b;
    CHECK(text_measure(long_text, &body, 150, 40, &b) == 0);
    struct text_box all = measure(long_text, &body, 150);
    CHECK(b.lines == all.lines);
    CHECK(!b.fits);
    CHECK_NEAR(b.overflow_y, all.height - 40, 0.01);
    CHECK(text_measure(long_text, &body, 150, all.height + 1, &b) == 0 && b.fits);
}

static void lines_align_within_the_width_or_on_the_anchor(void)
{
    struct text_style st = body;
    double tw = width_of("centre", &body);
    st.align = 0.5;
    cairo_surface_t *s = render("centre", &st, 300, 400, 60, NULL);
    struct box k = ink(s);
    CHECK(fabs((k.x0 + k.x1) / 2.0 - (10 + 150)) < 2);
    cairo_surface_destroy(s);
    st.align = 1;
    s = render("right", &st, 300, 400, 60, NULL);
    k = ink(s);
    CHECK(k.x1 <= 310 && k.x1 > 310 - 4);
    cairo_surface_destroy(s);
    /* No width: align anchors at x, as draw_text does. */
    st.align = 0.5;
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 60);
    cairo_t *cr = cairo_create(sf);
    CHECK(text_draw(cr, "centre", &st, 200, 10, 0, 0, NULL) == 0);
    cairo_destroy(cr);
    cairo_surface_flush(sf);
    k = ink(sf);
    CHECK(fabs((k.x0 + k.x1) / 2.0 - 200) < 2);
    CHECK(k.x1 - k.x0 < tw + 2);
    cairo_surface_destroy(sf);
}

/* ---- markup -------------------------------------------------------------- */

static void bold_is_wider_than_regular_and_italic_looks_different(void)
{
    double reg = width_of("Hello world", &body), bold = width_of("<b>Hello world</b>", &body);
    CHECK(bold > reg + 2);
    struct text_style bst = body;
    bst.bold = 1;
    CHECK_NEAR(width_of("Hello world", &bst), bold, 1e-9);
    cairo_surface_t *a = render("Hello", &body, 0, 100, 40, NULL);
    cairo_surface_t *b = render("<i>Hello</i>", &body, 0, 100, 40, NULL);
    CHECK(!same_pixels(a, b));
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    /* sub and sup: smaller, so narrower, and off the baseline. */
    CHECK(width_of("x<sub>2</sub>", &body) < width_of("x2", &body));
    CHECK(width_of("x<sup>2</sup>", &body) < width_of("x2", &body));
    a = render("x<sub>i</sub>", &body, 0, 100, 60, NULL);
    b = render("x<sup>i</sup>", &body, 0, 100, 60, NULL);
    CHECK(ink(a).y1 > ink(b).y1);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
}

static void other_angle_brackets_and_ampersands_show_as_written(void)
{
    /* As wide as cairo's toy text of the same characters (no kerning
     * there: within a pixel), so nothing was swallowed as markup. */
    static const char *const plain[] = {"a < b & c", "x <b y", "<br> &amp; <B>", "</i", "1<2>0"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        CHECK_NEAR(width_of(plain[i], &body), toy_width(plain[i], 0, 16), 1.0);
    /* "\<" is a literal "<": "\<b>" shows the tag's text. */
    CHECK_NEAR(width_of("\\<b>x\\</b>", &body), toy_width("<b>x</b>", 0, 16), 1.0);
    /* Tags themselves take no room. */
    CHECK_NEAR(width_of("<i></i>abc<b></b>", &body), width_of("abc", &body), 1e-9);
}

static void unbalanced_tags_draw_leniently(void)
{
    /* A stray closing tag is dropped; an unclosed one runs to the end. */
    CHECK_NEAR(width_of("a </b>b", &body), width_of("a b", &body), 1e-9);
    CHECK_NEAR(width_of("a <b>b c", &body), width_of("a <b>b c</b>", &body), 1e-9);
    /* Overlapping tags still apply. */
    CHECK_NEAR(width_of("<b>a<i>b</b>c</i>", &body), width_of("<b>a<i>b</i></b><i>c</i>", &body),
               1e-9);
}

static void text_check_locates_unbalanced_tags(void)
{
    struct text_error e;
    CHECK(text_check("ok <b>bold</b>, <i>it <sub>2</sub></i> a < b & c \\<b>", 0, &e) == 0);
    CHECK(text_check("", 0, &e) == 0);

    CHECK(text_check("a </b> c", 0, &e) == -1);
    CHECK(e.pos == 2);
    CHECK(strstr(e.msg, "'</b>' closes nothing") != NULL);

    CHECK(text_check("x <sup>y", 0, &e) == -1);
    CHECK(e.pos == 2);
    CHECK(strstr(e.msg, "'<sup>' is never closed") != NULL);

    CHECK(text_check("<b><i>z</b></i>", 0, &e) == -1);
    CHECK(e.pos == 7);
    CHECK(strstr(e.msg, "'<i>'") != NULL && strstr(e.msg, "at byte 3") != NULL);

    /* Offsets count the bytes before, formulas included; tags inside a
     * formula are TeX's business, not markup. */
    CHECK(text_check("$x$ <sub>2", 0, &e) == -1);
    CHECK(e.pos == 4);
    CHECK(text_check("$a</b>$ fine", 0, &e) == 0);

    /* The first problem in the text wins, markup or formula. */
    CHECK(text_check("a </b> $x", 0, &e) == -1);
    CHECK(e.pos == 2);
    CHECK(text_check("$x </b>", 0, &e) == -1);
    CHECK(e.pos == 0);
    CHECK(strstr(e.msg, "unclosed '$'") != NULL);
}

/* ---- escapes and formulas ------------------------------------------------- */

static void a_backslash_dollar_shows_a_dollar(void)
{
    CHECK_NEAR(width_of("costs \\$5", &body), toy_width("costs $5", 0, 16), 1.0);
    CHECK(width_of("costs \\$5", &body) > width_of("costs 5", &body) + 5);
    /* Two of them are text, not a formula between them. */
    CHECK_NEAR(width_of("\\$1 or \\$2", &body), toy_width("$1 or $2", 0, 16), 1.0);
}

static void a_formula_is_set_into_the_line_as_its_box(void)
{
    const struct math_box *mb = math_cached("xyz", 3, 0);
    CHECK(mb != NULL);
    if (!mb)
        return;
    /* The text around it, plus the formula's own width. */
    double w = width_of("a $xyz$ b", &body);
    CHECK_NEAR(w, width_of("a  b", &body) + mb->width * 16, 0.05);
    /* A line holds it: as tall as the text or the formula, whichever
     * reaches further above and below the baseline. */
    struct text_box plain = measure("a b", &body, 0);
    double asc = plain.first_baseline, desc = plain.height - plain.first_baseline;
    CHECK_NEAR(measure("a $xyz$ b", &body, 0).height,
               fmax(asc, mb->ascent * 16) + fmax(desc, mb->descent * 16), 0.01);
    /* It is one unit: it never breaks inside, and the text wraps around it. */
    struct text_box b = measure("one two $xyz$ three four", &body, width_of("one two", &body) + 1);
    CHECK(b.lines >= 2 && b.fits);
    /* Drawn: ink where the formula's box is (the text's colour source). */
    cairo_surface_t *s = render("$xyz$", &body, 0, 100, 60, NULL);
    struct box k = ink(s);
    CHECK(k.n > 0);
    CHECK(k.x0 >= 9 && k.x1 <= 10 + mb->width * 16 + 1);
    cairo_surface_destroy(s);
}

/* ---- fonts, determinism, measuring ---------------------------------------- */

static void hello_is_as_wide_as_draw_text_makes_it(void)
{
    struct text_style st = {.size = 13};
    CHECK_NEAR(width_of("Hello", &st), toy_width("Hello", 0, 13), 0.05);
    st.bold = 1;
    CHECK_NEAR(width_of("Hello", &st), toy_width("Hello", 1, 13), 0.05);
}

/* One letter, baseline on a whole pixel: pango's glyph must be draw_text's
 * bit for bit, which holds only if the font file and every font option
 * (anti-aliasing, hinting, metrics) are the same, whatever the machine's
 * fontconfig says (main points it at a hostile configuration). */
static void a_letter_is_draw_texts_pixel_for_pixel(void)
{
    for (int bold = 0; bold < 2; bold++) {
        cairo_surface_t *a = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 60, 40);
        cairo_surface_t *b = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 60, 40);
        cairo_t *ca = cairo_create(a), *cb = cairo_create(b);
        draw_font(ca, bold, 20);
        draw_set_color(ca, 0xff000000);
        cairo_font_extents_t fe;
        cairo_font_extents(ca, &fe);
        draw_text(ca, 10, 30 - fe.ascent, 0, 0, "Rg");
        struct text_style st = {.size = 20, .bold = bold, .color = 0xff000000};
        struct text_box bx = measure("Rg", &st, 0);
        CHECK_NEAR(bx.first_baseline, fe.ascent, 1e-3);
        CHECK(text_draw(cb, "Rg", &st, 10, 30 - bx.first_baseline, 0, 0, NULL) == 0);
        cairo_destroy(ca);
        cairo_destroy(cb);
        cairo_surface_flush(a);
        cairo_surface_flush(b);
        CHECK(ink(a).n > 50);
        CHECK(same_pixels(a, b));
        cairo_surface_destroy(a);
        cairo_surface_destroy(b);
    }
}

static void the_font_map_holds_only_dejavu_sans(void)
{
    char fams[256];
    CHECK(text_families(fams, sizeof fams) == 1);
    CHECK_STR(fams, "DejaVu Sans");
    /* Meanwhile the machine's configuration (main's) maps DejaVu Sans to
     * DejaVu Serif: had pango used it, the letters would differ. */
    FcPattern *p = FcNameParse((const FcChar8 *)"DejaVu Sans");
    FcConfigSubstitute(NULL, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, p, &res);
    FcChar8 *fam = NULL;
    CHECK(m && FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch);
    CHECK(fam && strcmp((const char *)fam, "DejaVu Serif") == 0);
    if (m)
        FcPatternDestroy(m);
    FcPatternDestroy(p);
}

static const char *const rich_text =
    "A <b>bold</b> claim, an <i>italic</i> aside, x<sub>i</sub> and e<sup>2</sup>, "
    "a formula $wx + b$, a price of \\$5 and a < b & c, wrapped over a few lines.";

static cairo_surface_t *render_rich(void)
{
    struct text_style st = {.size = 15, .color = 0xff1f77b4, .align = 0.5, .line_spacing = 1.4};
    return render(rich_text, &st, 220, 260, 200, NULL);
}

static void the_same_text_gives_the_same_pixels(void)
{
    cairo_surface_t *a = render_rich(), *b = render_rich();
    CHECK(ink(a).n > 500);
    CHECK(same_pixels(a, b));
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    /* After a release, with new font maps, too. */
    a = render_rich();
    text_release();
    b = render_rich();
    CHECK(same_pixels(a, b));
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
}

struct thread_job {
    cairo_surface_t *out[20];
};

static void *draw_many(void *arg)
{
    struct thread_job *j = arg;
    for (int i = 0; i < 20; i++)
        j->out[i] = render_rich();
    return NULL;
}

/* Frames are drawn on a pool of threads (render.c): text drawn on four at
 * once comes out as it does on one. */
static void threads_draw_the_same_pixels_as_one(void)
{
    cairo_surface_t *want = render_rich();
    struct thread_job jobs[4];
    pthread_t t[4];
    int started = 0;
    for (int i = 0; i < 4; i++)
        started += pthread_create(&t[i], NULL, draw_many, &jobs[i]) == 0;
    CHECK(started == 4);
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    int same = 0;
    for (int i = 0; i < started; i++)
        for (int k = 0; k < 20; k++) {
            same += same_pixels(want, jobs[i].out[k]);
            cairo_surface_destroy(jobs[i].out[k]);
        }
    CHECK(same == 4 * 20);
    cairo_surface_destroy(want);
}

static void measuring_gives_the_box_drawing_uses(void)
{
    struct text_style st = {.size = 15, .color = 0xff000000, .align = 0.5, .line_spacing = 1.4,
                            .max_lines = 2};
    struct text_box m, d;
    CHECK(text_measure(rich_text, &st, 220, 50, &m) == 0);
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 200);
    cairo_t *cr = cairo_create(sf);
    /* A transform on the context changes nothing of the layout. */
    cairo_scale(cr, 0.5, 0.5);
    CHECK(text_draw(cr, rich_text, &st, 20, 20, 220, 50, &d) == 0);
    cairo_destroy(cr);
    cairo_surface_flush(sf);
    CHECK(same_box(&m, &d));
    CHECK(m.lines == 2 && m.lines_needed > 2);
    /* The ink is inside the box (the half-scale one), give or take a pixel. */
    struct box k = ink(sf);
    CHECK(k.n > 0);
    CHECK(k.x0 >= 10 - 1 && k.x1 <= 10 + 110 + 1);
    CHECK(k.y0 >= 10 - 1 && k.y1 <= 10 + m.height / 2 + 1);
    cairo_surface_destroy(sf);
}

static void bad_utf8_shows_a_question_mark(void)
{
    CHECK_NEAR(width_of("a\xff b", &body), width_of("a? b", &body), 1e-9);
    CHECK_NEAR(width_of("<b>\xc3</b>", &body), width_of("<b>?</b>", &body), 1e-9);
}

static void missing_fonts_are_reported_once_and_fail(void)
{
    const char *orig = getenv("MLANIM_FONT_DIR");
    char *saved = orig ? strdup(orig) : NULL;
    text_release();
    setenv("MLANIM_FONT_DIR", "/nonexistent-mlanim-fonts", 1);
    capture_start();
    struct text_box b = {.lines = 7};
    CHECK(text_init() == -1);
    CHECK(text_measure("x", &body, 0, 0, &b) == -1);
    CHECK(b.lines == 0);
    const char *out = capture_text();
    const char *hit = strstr(out, "cannot load font '/nonexistent-mlanim-fonts/DejaVuSans.ttf'");
    CHECK(hit != NULL);
    CHECK(hit && strstr(hit + 1, "cannot load font") == NULL);
    capture_end();
    text_release();
    if (saved)
        setenv("MLANIM_FONT_DIR", saved, 1);
    else
        unsetenv("MLANIM_FONT_DIR");
    free(saved);
    CHECK(text_init() == 0);
}

/* A fontconfig configuration for the whole process that would change every
 * letter if pango used it: DejaVu Sans becomes DejaVu Serif, with full
 * hinting and no anti-aliasing. Set before anything reads fontconfig. */
static void hostile_fontconfig(void)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/test_text_fonts.conf", BINARY_DIR);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fprintf(f, "<?xml version=\"1.0\"?>\n<fontconfig>\n"
               "  <dir>/usr/share/fonts/truetype/dejavu</dir>\n"
               "  <cachedir>%s/test_text_fc_cache</cachedir>\n"
               "  <match target=\"pattern\"><edit name=\"family\" mode=\"assign\" "
               "binding=\"strong\"><string>DejaVu Serif</string></edit></match>\n"
               "  <match target=\"font\">\n"
               "    <edit name=\"antialias\" mode=\"assign\"><bool>false</bool></edit>\n"
               "    <edit name=\"hinting\" mode=\"assign\"><bool>true</bool></edit>\n"
               "    <edit name=\"hintstyle\" mode=\"assign\"><const>hintfull</const></edit>\n"
               "  </match>\n</fontconfig>\n", BINARY_DIR);
    fclose(f);
    setenv("FONTCONFIG_FILE", path, 1);
}

int main(void)
{
    hostile_fontconfig();
    if (draw_fonts_init() != 0 || text_init() != 0)
        return 1;
    RUN(a_narrower_width_wraps_to_more_lines_none_wider_than_it);
    RUN(a_word_longer_than_the_line_overflows_by_its_excess);
    RUN(newlines_break_lines_and_a_blank_line_stays);
    RUN(line_spacing_sets_the_pitch_of_plain_lines);
    RUN(max_lines_cuts_with_an_ellipsis_and_reports_the_rest);
    RUN(max_height_measures_the_overflow_without_cutting);
    RUN(lines_align_within_the_width_or_on_the_anchor);
    RUN(bold_is_wider_than_regular_and_italic_looks_different);
    RUN(other_angle_brackets_and_ampersands_show_as_written);
    RUN(unbalanced_tags_draw_leniently);
    RUN(text_check_locates_unbalanced_tags);
    RUN(a_backslash_dollar_shows_a_dollar);
    RUN(a_formula_is_set_into_the_line_as_its_box);
    RUN(hello_is_as_wide_as_draw_text_makes_it);
    RUN(a_letter_is_draw_texts_pixel_for_pixel);
    RUN(the_font_map_holds_only_dejavu_sans);
    RUN(the_same_text_gives_the_same_pixels);
    RUN(threads_draw_the_same_pixels_as_one);
    RUN(measuring_gives_the_box_drawing_uses);
    RUN(bad_utf8_shows_a_question_mark);
    RUN(missing_fonts_are_reported_once_and_fail);
    text_release();
    draw_fonts_release();
    math_fonts_release();
    return CHECK_SUMMARY();
}
