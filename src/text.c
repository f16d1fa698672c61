/* text: wrapped rich text through pango, with a private font map (text.h).
 *
 * A string goes through three steps. First our markup is turned into what
 * pango lays out: plain UTF-8 (tags removed, "\$" and "\<" unescaped, bad
 * bytes replaced, each formula replaced by one U+FFFC object replacement
 * character) and a list of pango attributes (weight, style, font scale and
 * baseline shift for the tags; a shape attribute, the formula's box from
 * math_cached, on each U+FFFC). Pango markup is never parsed, so no input
 * can make pango fail. Then a PangoLayout wraps it; when max_lines cuts it,
 * pango ellipsizes the last line. Last, the lines are placed by us, TeX's
 * way (layout_place), and drawn one by one, each at our own alignment (any
 * fraction, not only pango's three); a shape renderer draws each formula
 * with math_draw on its line's baseline.
 *
 * Pango sees only our fonts: each font map gets its own fontconfig
 * configuration made from nothing (FcConfigCreate), holding exactly the
 * four DejaVu Sans files, so the machine's fonts.conf, its fonts and its
 * rendering preferences never reach a frame. Pango objects must not be
 * shared between threads, and frames are drawn on a pool of threads
 * (render.c), so font maps are pooled: a call borrows one that no other
 * thread holds and gives it back. The layout never looks at the cairo
 * context (its transform, its surface's font options), which is why
 * measuring without a context gives exactly the size drawing uses. */
#include "text.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

#include "diag.h"
#include "draw.h"
#include "math/math.h"
#include "utf8.h"
#include "util.h"

/* ---- font maps ---------------------------------------------------------- */

/* The faces pango may use (draw.h finds their files). */
static const int text_faces[] = {
    DRAW_FACE_SANS, DRAW_FACE_BOLD, DRAW_FACE_OBLIQUE, DRAW_FACE_BOLD_OBLIQUE,
};
#define TEXT_NFONTS (sizeof text_faces / sizeof text_faces[0])

struct text_engine {
    PangoFontMap *fm;
    PangoContext *ctx;
    struct text_engine *next;   /* in the pool of idle engines */
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct text_engine *pool;        /* idle engines */
/* 0 = not tried, 1 = loaded, -1 = failed and reported: a missing font is
 * reported once, not once per text of every frame. */
static int pool_state;

static void shape_draw(cairo_t *cr, PangoAttrShape *attr, gboolean do_path, gpointer data);

static void engine_free(struct text_engine *e)
{
    if (!e)
        return;
    if (e->ctx)
        g_object_unref(e->ctx);
    if (e->fm)
        g_object_unref(e->fm);
    free(e);
}

/* A font map over a configuration of our four files and nothing else, and
 * a context with every setting that could vary between machines pinned.
 * NULL after reporting. */
static struct text_engine *engine_new(void)
{
    FcConfig *fc = FcConfigCreate();
    if (!fc) {
        diag_fail("cannot create a fontconfig configuration: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < TEXT_NFONTS; i++) {
        char path[4096];
        if (draw_face_path(text_faces[i], path, sizeof path) != 0) {
            FcConfigDestroy(fc);
            return NULL;
        }
        /* fontconfig accepts a file it cannot read without a word */
        if (!FcConfigAppFontAddFile(fc, (const FcChar8 *)path)) {
            FcConfigDestroy(fc);
            diag_fail("cannot load font '%s' with fontconfig", path);
            return NULL;
        }
    }
    FcFontSet *set = FcConfigGetFonts(fc, FcSetApplication);
    if (!set || set->nfont < (int)TEXT_NFONTS) {
        FcConfigDestroy(fc);
        diag_fail("cannot load the DejaVu Sans fonts: fontconfig read %d of %d",
                  set ? set->nfont : 0, (int)TEXT_NFONTS);
        return NULL;
    }

    struct text_engine *e = xcalloc(1, sizeof *e);
    e->fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!e->fm) {
        FcConfigDestroy(fc);
        free(e);
        diag_fail("cannot create a pango font map for FreeType fonts");
        return NULL;
    }
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(e->fm), fc);    /* takes a reference */
    FcConfigDestroy(fc);
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(e->fm), 72);

    e->ctx = pango_font_map_create_context(e->fm);
    /* The same options as draw_font, so pango's glyphs are draw_text's. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_subpixel_order(fo, CAIRO_SUBPIXEL_ORDER_DEFAULT);
    pango_cairo_context_set_font_options(e->ctx, fo);
    cairo_font_options_destroy(fo);
    /* 72 dpi: a point is a pixel (sizes are set as absolute pixels anyway). */
    pango_cairo_context_set_resolution(e->ctx, 72);
    /* The default language comes from the locale and steers shaping. */
    pango_context_set_language(e->ctx, pango_language_from_string("en-us"));
    pango_context_set_base_dir(e->ctx, PANGO_DIRECTION_LTR);
    /* Fractional advances, as cairo_show_text places draw_text's glyphs. */
    pango_context_set_round_glyph_positions(e->ctx, FALSE);
    pango_cairo_context_set_shape_renderer(e->ctx, shape_draw, NULL, NULL);
    return e;
}

int text_init(void)
{
    pthread_mutex_lock(&pool_lock);
    if (pool_state == 0) {
        struct text_engine *e = engine_new();
        pool_state = e ? 1 : -1;
        if (e) {
            e->next = pool;
            pool = e;
        }
    }
    int rc = pool_state > 0 ? 0 : -1;
    pthread_mutex_unlock(&pool_lock);
    return rc;
}

void text_release(void)
{
    pthread_mutex_lock(&pool_lock);
    while (pool) {
        struct text_engine *e = pool;
        pool = e->next;
        engine_free(e);
    }
    pool_state = 0;
    pthread_mutex_unlock(&pool_lock);
}

/* An engine for this thread alone until engine_put; NULL when the fonts
 * cannot be loaded (reported). */
static struct text_engine *engine_get(void)
{
    if (text_init() != 0)
        return NULL;
    pthread_mutex_lock(&pool_lock);
    struct text_engine *e = pool;
    if (e)
        pool = e->next;
    pthread_mutex_unlock(&pool_lock);
    /* Made outside the lock: loading four fonts takes a moment, and the
     * other threads need not wait for it. */
    return e ? e : engine_new();
}

static void engine_put(struct text_engine *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&pool_lock);
    e->next = pool;
    pool = e;
    pthread_mutex_unlock(&pool_lock);
}

int text_families(char *buf, size_t n)
{
    struct text_engine *e = engine_get();
    if (!e)
        return -1;
    /* What the font map's configuration holds, system and application
     * fonts both: pango's own family list adds the generic aliases (Sans,
     * Serif, Monospace, System-ui), which name no font of their own. */
    FcConfig *fc = pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(e->fm));
    char names[TEXT_NFONTS * 4][64];
    int nn = 0;
    for (int k = 0; k < 2 && fc; k++) {
        FcFontSet *set = FcConfigGetFonts(fc, k == 0 ? FcSetSystem : FcSetApplication);
        for (int i = 0; set && i < set->nfont; i++) {
            FcChar8 *fam = NULL;
            if (FcPatternGetString(set->fonts[i], FC_FAMILY, 0, &fam) != FcResultMatch)
                fam = (FcChar8 *)"?";
            int j = 0;
            while (j < nn && strcmp(names[j], (const char *)fam) != 0)
                j++;
            if (j == nn && nn < (int)(sizeof names / sizeof names[0]))
                snprintf(names[nn++], sizeof names[0], "%s", (const char *)fam);
        }
    }
    size_t at = 0;
    if (n)
        buf[0] = '\0';
    for (int i = 0; i < nn && n; i++) {
        int w = snprintf(buf + at, n - at, "%s%s", i ? "," : "", names[i]);
        if (w < 0 || (size_t)w >= n - at)
            break;
        at += (size_t)w;
    }
    engine_put(e);
    return nn;
}

/* ---- markup ------------------------------------------------------------- */

enum text_tag { TAG_B, TAG_I, TAG_SUB, TAG_SUP, TAG_N };
static const char *const tag_names[TAG_N] = {"b", "i", "sub", "sup"};

/* Whether s starts one of our tags: its length, kind and direction. */
static size_t tag_at(const char *s, int *kind, int *closing)
{
    if (s[0] != '<')
        return 0;
    size_t i = 1;
    *closing = s[1] == '/';
    i += (size_t)*closing;
    for (int k = 0; k < TAG_N; k++) {
        size_t l = strlen(tag_names[k]);
        if (strncmp(s + i, tag_names[k], l) == 0 && s[i + l] == '>') {
            *kind = k;
            return i + l + 1;
        }
    }
    return 0;
}

/* Reads the escape at s ("\$" or "\<"): its length, 0 if there is none. */
static size_t escape_at(const char *s)
{
    return s[0] == '\\' && (s[1] == '$' || s[1] == '<') ? 2 : 0;
}

/* A formula set into the text: what the shape attribute points to. */
struct text_formula {
    const struct math_box *box;
    double size;
};

/* Our markup converted: the text pango lays out and its attributes. */
struct rich {
    char *s;
    size_t len, cap;
    PangoAttrList *attrs;
    struct text_formula *formulas;  /* the shape attributes point here */
    int nformulas;
    int has_newline;
};

struct open_tag {
    int kind;
    size_t at;                      /* output offset (drawing) or source offset (check) */
};

static void rich_put(struct rich *r, const char *p, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        r->cap = (r->len + n + 1) * 2;
        r->s = xrealloc(r->s, r->cap);
    }
    memcpy(r->s + r->len, p, n);
    r->len += n;
    r->s[r->len] = '\0';
}

static void attr_add(PangoAttrList *l, PangoAttribute *a, size_t start, size_t end)
{
    a->start_index = (guint)start;
    a->end_index = end == (size_t)-1 ? PANGO_ATTR_INDEX_TO_TEXT_END : (guint)end;
    pango_attr_list_insert(l, a);
}

static void tag_attrs(PangoAttrList *l, int kind, size_t start, size_t end)
{
    switch (kind) {
    case TAG_B:
        attr_add(l, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, end);
        break;
    case TAG_I:
        attr_add(l, pango_attr_style_new(PANGO_STYLE_ITALIC), start, end);
        break;
    case TAG_SUB:
    case TAG_SUP:
        /* What pango's own <sub> and <sup> markup do (pango 1.50). */
        attr_add(l, pango_attr_font_scale_new(kind == TAG_SUB ? PANGO_FONT_SCALE_SUBSCRIPT
                                                              : PANGO_FONT_SCALE_SUPERSCRIPT),
                 start, end);
        attr_add(l, pango_attr_baseline_shift_new(kind == TAG_SUB ? PANGO_BASELINE_SHIFT_SUBSCRIPT
                                                                  : PANGO_BASELINE_SHIFT_SUPERSCRIPT),
                 start, end);
        break;
    }
}

/* Copies the character at s (n bytes left) into r, or '?' for a byte that
 * does not start one. Returns the bytes read. */
static size_t rich_char(struct rich *r, const char *s, size_t n)
{
    unsigned long cp;
    int u = utf8_decode((const unsigned char *)s, &cp);
    if (u <= 0 || (size_t)u > n) {
        rich_put(r, "?", 1);
        return 1;
    }
    r->has_newline |= s[0] == '\n' || s[0] == '\r' || cp == 0x2029;   /* paragraph ends */
    rich_put(r, s, (size_t)u);
    return (size_t)u;
}

static void rich_raw(struct rich *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n;)
        i += rich_char(r, s + i, n - i);
}

/* Plain text (a segment without formulas) into r: tags become attributes,
 * escapes their character, a byte that is not UTF-8 a '?'. */
static void rich_plain(struct rich *r, const char *s, size_t n, struct open_tag **open, int *nopen,
                       int *capopen)
{
    size_t i = 0;
    while (i < n) {
        int kind, closing;
        size_t l;
        if ((l = escape_at(s + i)) != 0 && i + 1 < n) {
            rich_put(r, s + i + 1, 1);
            i += l;
            continue;
        }
        if ((l = tag_at(s + i, &kind, &closing)) != 0 && i + l <= n) {
            if (!closing) {
                if (*nopen == *capopen) {
                    *capopen = *capopen ? 2 * *capopen : 8;
                    *open = xrealloc(*open, (size_t)*capopen * sizeof **open);
                }
                (*open)[(*nopen)++] = (struct open_tag){kind, r->len};
            } else {
                /* Closes the innermost tag of its name; one that closes
                 * nothing is dropped. */
                int k = *nopen - 1;
                while (k >= 0 && (*open)[k].kind != kind)
                    k--;
                if (k >= 0) {
                    tag_attrs(r->attrs, kind, (*open)[k].at, r->len);
                    memmove(*open + k, *open + k + 1, (size_t)(*nopen - k - 1) * sizeof **open);
                    (*nopen)--;
                }
            }
            i += l;
            continue;
        }
        i += rich_char(r, s + i, n - i);
    }
}

static void rich_free(struct rich *r)
{
    free(r->s);
    free(r->formulas);
    if (r->attrs)
        pango_attr_list_unref(r->attrs);
    memset(r, 0, sizeof *r);
}

/* Converts text; size scales the formulas' boxes (em) to pixels. */
static void rich_build(struct rich *r, const char *text, double size)
{
    memset(r, 0, sizeof *r);
    r->attrs = pango_attr_list_new();
    rich_put(r, "", 0);
    size_t pos = 0;
    struct math_segment seg;
    int nf = 0;
    while (math_text_next(text, &pos, &seg))
        nf += seg.math;
    r->formulas = nf ? xcalloc((size_t)nf, sizeof *r->formulas) : NULL;

    struct open_tag *open = NULL;
    int nopen = 0, capopen = 0;
    pos = 0;
    while (math_text_next(text, &pos, &seg)) {
        const char *src = text + seg.start;
        if (!seg.math) {
            rich_plain(r, src, seg.len, &open, &nopen, &capopen);
            continue;
        }
        const struct math_box *b = seg.closed && seg.len
                                       ? math_cached(src, seg.len, seg.display) : NULL;
        if (!b) {
            /* A formula the math module rejects, or an unclosed one: its
             * source as written, dollars and all, so the author sees what
             * is wrong. Markup inside it is TeX, not ours: copied as is. */
            rich_put(r, "$$", 1 + (size_t)seg.display);
            rich_raw(r, src, seg.len);
            if (seg.closed)
                rich_put(r, "$$", 1 + (size_t)seg.display);
            continue;
        }
        struct text_formula *f = &r->formulas[r->nformulas++];
        f->box = b;
        f->size = size;
        PangoRectangle rect = {
            .x = 0,
            .y = (int)lround(-b->ascent * size * PANGO_SCALE),
            .width = (int)lround(b->width * size * PANGO_SCALE),
            .height = (int)lround((b->ascent + b->descent) * size * PANGO_SCALE),
        };
        size_t at = r->len;
        rich_put(r, "\xEF\xBF\xBC", 3);         /* U+FFFC */
        attr_add(r->attrs, pango_attr_shape_new_with_data(&rect, &rect, f, NULL, NULL), at,
                 r->len);
    }
    /* An unclosed tag runs to the end. */
    for (int k = 0; k < nopen; k++)
        tag_attrs(r->attrs, open[k].kind, open[k].at, (size_t)-1);
    free(open);
}

/* Draws a formula's box at the current point, which pango puts at the left
 * end of the shape's baseline; the source colour is the text's. */
static void shape_draw(cairo_t *cr, PangoAttrShape *attr, gboolean do_path, gpointer data)
{
    (void)data;
    const struct text_formula *f = attr->data;
    if (do_path || !f || !f->box || !cairo_has_current_point(cr))
        return;
    double x, y;
    cairo_get_current_point(cr, &x, &y);
    cairo_new_path(cr);
    math_draw(cr, f->box, f->size, x, y);
}

int text_check(const char *text, int flags, struct text_error *err)
{
    struct text_error mk = {.pos = (size_t)-1};
    struct open_tag stack[64];
    int n = 0;
    size_t pos = 0;
    struct math_segment seg;
    while (mk.pos == (size_t)-1 && math_text_next(text, &pos, &seg)) {
        if (seg.math)
            continue;
        for (size_t i = seg.start; i < seg.start + seg.len && mk.pos == (size_t)-1;) {
            int kind, closing;
            size_t l;
            if ((l = escape_at(text + i)) != 0) {
                i += l;
                continue;
            }
            if ((l = tag_at(text + i, &kind, &closing)) == 0) {
                i++;
                continue;
            }
            const char *name = tag_names[kind];
            if (!closing) {
                if (n == (int)(sizeof stack / sizeof stack[0])) {
                    mk.pos = i;
                    snprintf(mk.msg, sizeof mk.msg, "tags nest deeper than %d", n);
                } else {
                    stack[n++] = (struct open_tag){kind, i};
                }
            } else if (n > 0 && stack[n - 1].kind == kind) {
                n--;
            } else {
                int k = n - 1;
                while (k >= 0 && stack[k].kind != kind)
                    k--;
                mk.pos = i;
                if (k < 0)
                    snprintf(mk.msg, sizeof mk.msg, "'</%s>' closes nothing: no '<%s>' is open "
                             "(a literal '<' is written \\<)", name, name);
                else
                    snprintf(mk.msg, sizeof mk.msg, "'</%s>' closes '<%s>' (at byte %zu) while "
                             "'<%s>' opened inside it (at byte %zu) is still open: close "
                             "'</%s>' first", name, name, stack[k].at,
                             tag_names[stack[n - 1].kind], stack[n - 1].at,
                             tag_names[stack[n - 1].kind]);
            }
            i += l;
        }
    }
    if (mk.pos == (size_t)-1 && n > 0) {
        mk.pos = stack[n - 1].at;
        snprintf(mk.msg, sizeof mk.msg, "'<%s>' is never closed (add '</%s>' where it ends)",
                 tag_names[stack[n - 1].kind], tag_names[stack[n - 1].kind]);
    }
    struct math_error me;
    int merr = math_text_check(text, flags, &me) != 0;
    if (merr && me.pos < mk.pos) {
        err->pos = me.pos;
        snprintf(err->msg, sizeof err->msg, "%s", me.msg);
        return -1;
    }
    if (mk.pos != (size_t)-1) {
        *err = mk;
        return -1;
    }
    return 0;
}

/* ---- layout ------------------------------------------------------------- */

/* The base font's ascent and descent, in pixels: the least every line
 * reserves. */
struct text_metrics {
    double ascent, descent, pitch;      /* pitch: baseline to baseline */
};

static PangoLayout *layout_new(struct text_engine *e, const struct rich *r,
                               const struct text_style *st, double size, double width,
                               struct text_metrics *tm)
{
    PangoLayout *l = pango_layout_new(e->ctx);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family_static(fd, "DejaVu Sans");
    pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_layout_set_font_description(l, fd);
    /* The font's own metrics (cached by pango per font), not the
     * context's, which shapes a sample text on every call. */
    tm->ascent = 0.928 * size;          /* DejaVu Sans, should the font not load */
    tm->descent = 0.236 * size;
    PangoFont *font = pango_context_load_font(e->ctx, fd);
    if (font) {
        PangoFontMetrics *m = pango_font_get_metrics(font, pango_context_get_language(e->ctx));
        tm->ascent = (double)pango_font_metrics_get_ascent(m) / PANGO_SCALE;
        tm->descent = (double)pango_font_metrics_get_descent(m) / PANGO_SCALE;
        pango_font_metrics_unref(m);
        g_object_unref(font);
    }
    pango_font_description_free(fd);
    tm->pitch = fmax(st->line_spacing * size, tm->ascent + tm->descent);
    pango_layout_set_auto_dir(l, FALSE);
    pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
    if (width > 0) {
        pango_layout_set_width(l, (int)fmin(width * PANGO_SCALE, 1e9));
        /* A word longer than the line overflows rather than being cut in
         * two: that is what overflow_x reports. */
        pango_layout_set_wrap(l, PANGO_WRAP_WORD);
    }
    pango_layout_set_text(l, r->s, (int)r->len);
    pango_layout_set_attributes(l, r->attrs);
    return l;
}

/* Where a line goes: its baseline from the top of the box, its width, and
 * the x of its logical box from the line's origin. */
struct text_line {
    PangoLayoutLine *line;
    double base, width, x;
};

/* How far the line's formulas reach above and below its baseline, into
 * *asc and *desc where that is further. Only formulas count: text of the
 * base size has the base font's extent, and a subscript or superscript,
 * whose logical box pango shifts by a good part of an em, pokes into the
 * leading as it does in print rather than pushing its line away from the
 * others. */
static void line_formulas(PangoLayoutLine *line, double *asc, double *desc)
{
    for (GSList *rn = line->runs; rn; rn = rn->next) {
        PangoItem *item = ((PangoGlyphItem *)rn->data)->item;
        for (GSList *a = item->analysis.extra_attrs; a; a = a->next) {
            PangoAttribute *at = a->data;
            if (at->klass->type != PANGO_ATTR_SHAPE)
                continue;
            const PangoRectangle *r = &((PangoAttrShape *)at)->logical_rect;
            *asc = fmax(*asc, (double)-r->y / PANGO_SCALE);
            *desc = fmax(*desc, (double)(r->y + r->height) / PANGO_SCALE);
        }
    }
}

/* Places the first `lines` lines of l as TeX does: baselines a pitch apart
 * unless a line's formulas reach further than that, when the gap is just
 * what the two lines need; the leading (pitch less the font's height) is
 * split above the first line and below the last. pango's own line heights
 * are not used: its line-height attributes grow each run's box around the
 * run's centre, and a line with a superscript came out taller than the
 * others. Fills *b's size and, if out is not NULL, out[0 .. b->lines). */
static void layout_place(PangoLayout *l, int lines, const struct text_metrics *tm,
                         struct text_line *out, struct text_box *b)
{
    double lead = (tm->pitch - tm->ascent - tm->descent) / 2;
    double base = 0, prev_desc = 0, w = 0;
    int i = 0;
    for (GSList *ln = pango_layout_get_lines_readonly(l); ln && i < lines; ln = ln->next, i++) {
        PangoLayoutLine *line = ln->data;
        PangoRectangle lr;
        pango_layout_line_get_extents(line, NULL, &lr);
        double asc = tm->ascent, desc = tm->descent;
        line_formulas(line, &asc, &desc);
        base = i == 0 ? lead + asc : base + fmax(tm->pitch, prev_desc + asc);
        prev_desc = desc;
        double lw = (double)lr.width / PANGO_SCALE;
        w = fmax(w, lw);
        if (i == 0)
            b->first_baseline = base;
        if (out)
            out[i] = (struct text_line){line, base, lw, (double)lr.x / PANGO_SCALE};
    }
    b->lines = i;
    b->width = w;
    b->height = i ? base + prev_desc + lead : 0;
}

/* Cuts l to max_lines with an ellipsis. Returns the lines it then shows. */
static int layout_cut(PangoLayout *l, struct rich *r, int max_lines)
{
    if (!r->has_newline) {
        /* One paragraph: pango counts the lines itself. */
        pango_layout_set_height(l, -max_lines);
    } else {
        /* Paragraphs (a negative height counts lines per paragraph): a
         * height that holds the first max_lines lines and half of one
         * more, the middle of the range in which pango stops there. */
        PangoLayoutIter *it = pango_layout_get_iter(l);
        int y0 = 0, y1 = 0;
        for (int i = 0; i < max_lines; i++) {
            pango_layout_iter_get_line_yrange(it, &y0, &y1);
            if (!pango_layout_iter_next_line(it))
                break;
        }
        pango_layout_iter_free(it);
        pango_layout_set_height(l, y1 + (y1 - y0) / 2);
    }
    /* After the height: with the default height, -1, ellipsizing would
     * make every paragraph one line. */
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    int n = pango_layout_get_line_count(l);
    if (n > max_lines)
        n = max_lines;
    if (!pango_layout_is_ellipsized(l) && n > 0) {
        /* Cut where a paragraph ends, pango ends the last line shown
         * without an ellipsis. The text is cut there and given one; pango
         * shortens that line further if the ellipsis does not fit. */
        PangoLayoutLine *last = pango_layout_get_line_readonly(l, n - 1);
        r->len = (size_t)(last->start_index + last->length);
        while (r->len > 0 && (r->s[r->len - 1] == ' ' || r->s[r->len - 1] == '\n' ||
                              r->s[r->len - 1] == '\r'))
            r->len--;
        rich_put(r, "\xE2\x80\xA6", 3);          /* U+2026 */
        pango_layout_set_text(l, r->s, (int)r->len);
        n = pango_layout_get_line_count(l);
        if (n > max_lines)
            n = max_lines;
    }
    return n;
}

/* The scaled fonts a layout draws with stay pinned (draw_pin_font): each
 * run's font installed on cr, as pango's renderer installs it, so the one
 * pinned is the one cairo draws with at cr's transform. */
static void layout_pin(PangoLayout *l, int lines, cairo_t *cr)
{
    PangoFont *seen[16];
    int nseen = 0, i = 0;
    for (GSList *ln = pango_layout_get_lines_readonly(l); ln && i < lines; ln = ln->next, i++) {
        for (GSList *rn = ((PangoLayoutLine *)ln->data)->runs; rn; rn = rn->next) {
            PangoFont *f = ((PangoGlyphItem *)rn->data)->item->analysis.font;
            if (!f || !PANGO_IS_CAIRO_FONT(f))
                continue;
            int k = 0;
            while (k < nseen && seen[k] != f)
                k++;
            if (k < nseen)
                continue;
            if (nseen < (int)(sizeof seen / sizeof seen[0]))
                seen[nseen++] = f;
            cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(f));
            if (!sf)
                continue;
            cairo_save(cr);
            cairo_set_scaled_font(cr, sf);
            draw_pin_font(cr);
            cairo_restore(cr);
        }
    }
}

static int text_run(cairo_t *cr, const char *text, const struct text_style *st, double x,
                    double y, double width, double max_height, struct text_box *out)
{
    struct text_box b = {0};
    if (out)
        *out = b;
    struct text_engine *e = engine_get();
    if (!e)
        return -1;
    double size = st->size;
    if (!(size >= 0.5))
        size = 0.5;
    if (size > 4000)
        size = 4000;
    struct rich r;
    rich_build(&r, text ? text : "", size);
    struct text_metrics tm;
    PangoLayout *l = layout_new(e, &r, st, size, width, &tm);

    int needed = pango_layout_get_line_count(l);
    layout_place(l, needed, &tm, NULL, &b);
    double need_h = b.height, room = max_height > 0 ? max_height : INFINITY;
    int shown = needed;
    if (st->max_lines > 0 && needed > st->max_lines) {
        shown = layout_cut(l, &r, st->max_lines);
        layout_place(l, shown, &tm, NULL, &b);
        room = fmin(room, b.height);
    }
    b.lines_needed = needed;
    b.overflow_x = width > 0 ? fmax(0, b.width - width) : 0;
    b.overflow_y = fmax(0, need_h - room);
    b.fits = b.overflow_x < 0.01 && b.overflow_y < 0.01;
    if (cr && shown > 0) {
        layout_pin(l, shown, cr);
        struct text_line *pl = xcalloc((size_t)shown, sizeof *pl);
        layout_place(l, shown, &tm, pl, &b);
        cairo_save(cr);
        cairo_new_path(cr);
        draw_set_color(cr, st->color);
        for (int i = 0; i < b.lines; i++) {
            double lx = width > 0 ? x + (width - pl[i].width) * st->align
                                  : x - pl[i].width * st->align;
            cairo_move_to(cr, lx - pl[i].x, y + pl[i].base);
            pango_cairo_show_layout_line(cr, pl[i].line);
        }
        cairo_restore(cr);
        cairo_new_path(cr);
        free(pl);
    }
    g_object_unref(l);
    rich_free(&r);
    engine_put(e);
    if (out)
        *out = b;
    return 0;
}

int text_measure(const char *text, const struct text_style *st, double width, double max_height,
                 struct text_box *out)
{
    return text_run(NULL, text, st, 0, 0, width, max_height, out);
}

int text_draw(cairo_t *cr, const char *text, const struct text_style *st, double x, double y,
              double width, double max_height, struct text_box *out)
{
    return text_run(cr, text, st, x, y, width, max_height, out);
}
