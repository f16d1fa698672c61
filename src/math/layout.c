/* layout: math nodes to a box of positioned glyphs and rules.
 *
 * TeX's algorithm (The TeXbook, appendix G) with the parameters of an
 * OpenType MATH table in place of TeX's font dimensions, as XeTeX and
 * LuaTeX do it: four styles (display, text, script, scriptscript), cramped
 * or not; TeX's spacing between atom classes; fractions centred on the math
 * axis; superscripts and subscripts shifted by the font's constants and
 * kept apart by its minimum gaps; limits over and under large operators in
 * display style; delimiters and radicals picked from the font's size
 * variants or built from its glyph assembly when no variant is big enough.
 *
 * Units are em of the formula's base size; y grows upwards. */
#include "math/internal.h"
#include "math/font.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- boxes ---------------------------------------------------------------- */

struct box {
    double w, h, d;
    double italic;          /* italic correction of a single glyph */
    double accent;          /* top accent attachment (x) */
    int single;             /* one glyph of the math font: a character */
    struct math_item *it;
    int n, cap;
};

struct ctx {
    const struct mfont *f;
    int oom;
    double middle;          /* target size of \middle delimiters, 0 outside \left */
    int depth;
};

/* Styles: 0 display, 1 text, 2 script, 3 scriptscript; cramped flag. */
struct style {
    int level;
    int cramped;
};

static double style_scale(const struct ctx *c, struct style s)
{
    if (s.level == 2)
        return MC(c->f, SCRIPT_PERCENT_SCALE_DOWN);
    if (s.level == 3)
        return MC(c->f, SCRIPT_SCRIPT_PERCENT_SCALE_DOWN);
    return 1.0;
}

static struct style sup_style(struct style s)
{
    struct style t = {s.level < 2 ? 2 : 3, s.cramped};
    return t;
}

static struct style sub_style(struct style s)
{
    struct style t = {s.level < 2 ? 2 : 3, 1};
    return t;
}

static struct style num_style(struct style s)
{
    struct style t = {s.level == 0 ? 1 : s.level == 1 ? 2 : 3, s.cramped};
    return t;
}

static struct style den_style(struct style s)
{
    struct style t = {s.level == 0 ? 1 : s.level == 1 ? 2 : 3, 1};
    return t;
}

static struct style cramp(struct style s)
{
    s.cramped = 1;
    return s;
}

static void box_free(struct box *b)
{
    free(b->it);
    memset(b, 0, sizeof *b);
}

static struct math_item *box_item(struct ctx *c, struct box *b)
{
    if (b->n == b->cap) {
        int cap = b->cap ? 2 * b->cap : 8;
        struct math_item *it = realloc(b->it, (size_t)cap * sizeof *it);
        if (!it) {
            c->oom = 1;
            return NULL;
        }
        b->it = it;
        b->cap = cap;
    }
    struct math_item *m = &b->it[b->n++];
    memset(m, 0, sizeof *m);
    return m;
}

/* Moves src's items into dst shifted by (dx, dy); src is emptied. */
static void box_put(struct ctx *c, struct box *dst, struct box *src, double dx, double dy)
{
    for (int i = 0; i < src->n; i++) {
        struct math_item *m = box_item(c, dst);
        if (!m)
            break;
        *m = src->it[i];
        m->x += dx;
        m->y += dy;
    }
    box_free(src);
}

static void box_rule(struct ctx *c, struct box *b, double x, double y, double w, double h)
{
    struct math_item *m = box_item(c, b);
    if (m) {
        m->kind = MATH_RULE;
        m->x = x;
        m->y = y;
        m->w = w;
        m->h = h;
    }
}

static void box_glyph_at(struct ctx *c, struct box *b, int font, unsigned g, double scale,
                         double x, double y)
{
    struct math_item *m = box_item(c, b);
    if (m) {
        m->kind = MATH_GLYPH;
        m->font = (enum math_font_id)font;
        m->glyph = g;
        m->scale = scale;
        m->x = x;
        m->y = y;
    }
}

/* A box holding one glyph at scale. */
static struct box glyph_box(struct ctx *c, int font, unsigned g, double scale)
{
    struct box b = {0};
    struct mglyph m;
    mfont_metrics(c->f, font, g, &m);
    b.w = m.advance * scale;
    b.h = m.height * scale;
    b.d = m.depth * scale;
    b.italic = m.italic * scale;
    b.accent = m.accent * scale;
    b.single = font == MATH_FONT_MATH;
    box_glyph_at(c, &b, font, g, scale, 0, 0);
    return b;
}

/* ---- characters ---------------------------------------------------------- */

static uint32_t greek_italic(uint32_t cp)
{
    if (cp >= 0x03B1 && cp <= 0x03C9)
        return 0x1D6FC + (cp - 0x03B1);
    switch (cp) {
    case 0x03F5: return 0x1D716;    /* epsilon */
    case 0x03D1: return 0x1D717;    /* vartheta */
    case 0x03D5: return 0x1D719;    /* phi */
    case 0x03F1: return 0x1D71A;    /* varrho */
    case 0x03D6: return 0x1D71B;    /* varpi */
    case 0x2202: return 0x1D715;    /* partial */
    }
    return cp;
}

/* The code point a character is set with in a variant. */
static uint32_t styled(uint32_t cp, enum mvariant v)
{
    int lower = cp >= 'a' && cp <= 'z', upper = cp >= 'A' && cp <= 'Z';
    int digit = cp >= '0' && cp <= '9';
    switch (v) {
    case MV_NORMAL:
    case MV_ITALIC:
        if (lower)
            return cp == 'h' ? 0x210E : 0x1D44E + (cp - 'a');
        if (upper)
            return 0x1D434 + (cp - 'A');
        return v == MV_NORMAL ? greek_italic(cp) : cp;
    case MV_BOLD:
        if (lower)
            return 0x1D41A + (cp - 'a');
        if (upper)
            return 0x1D400 + (cp - 'A');
        if (digit)
            return 0x1D7CE + (cp - '0');
        if (cp >= 0x03B1 && cp <= 0x03C9)
            return 0x1D6C2 + (cp - 0x03B1);
        return cp;
    case MV_BB:
        if (upper) {
            switch (cp) {
            case 'C': return 0x2102;
            case 'H': return 0x210D;
            case 'N': return 0x2115;
            case 'P': return 0x2119;
            case 'Q': return 0x211A;
            case 'R': return 0x211D;
            case 'Z': return 0x2124;
            }
            return 0x1D538 + (cp - 'A');
        }
        if (lower)
            return 0x1D552 + (cp - 'a');
        if (digit)
            return 0x1D7D8 + (cp - '0');
        return cp;
    case MV_SANS:
        if (upper)
            return 0x1D5A0 + (cp - 'A');
        if (lower)
            return 0x1D5BA + (cp - 'a');
        if (digit)
            return 0x1D7E2 + (cp - '0');
        return cp;
    case MV_ROMAN:
        return cp;
    }
    return cp;
}

/* A character's glyph: the styled form in the math font, else the plain
 * one, else the text font; the font used in *font. */
static unsigned char_glyph(struct ctx *c, uint32_t cp, enum mvariant v, int *font)
{
    unsigned g = mfont_glyph(c->f, MATH_FONT_MATH, styled(cp, v));
    *font = MATH_FONT_MATH;
    if (!g)
        g = mfont_glyph(c->f, MATH_FONT_MATH, cp);
    if (!g) {
        g = mfont_glyph(c->f, MATH_FONT_TEXT, cp);
        *font = MATH_FONT_TEXT;
    }
    return g;
}

/* A run of text shaped with a face (font), at scale. */
static struct box text_box(struct ctx *c, int font, const char *text, double scale)
{
    struct box b = {0};
    size_t len = strlen(text);
    int cap = (int)len + 1;
    struct mshaped *sh = malloc((size_t)cap * sizeof *sh);
    if (!sh) {
        c->oom = 1;
        return b;
    }
    int n = mfont_shape(c->f, font, text, sh, cap);
    double x = 0;
    b.h = 0;
    for (int i = 0; i < n; i++) {
        struct mglyph m;
        mfont_metrics(c->f, font, sh[i].glyph, &m);
        box_glyph_at(c, &b, font, sh[i].glyph, scale, x + sh[i].dx * scale, sh[i].dy * scale);
        if (m.height * scale > b.h)
            b.h = m.height * scale;
        if (m.depth * scale > b.d)
            b.d = m.depth * scale;
        x += sh[i].advance * scale;
    }
    b.w = x;
    free(sh);
    return b;
}

/* ---- stretchy glyphs ---------------------------------------------------------- */

/* A glyph of the math font stretched vertically to at least size (em at
 * scale 1), from its variants or its assembly; its box as drawn with the
 * baseline where the font puts it. */
static struct box vertical_glyph(struct ctx *c, unsigned g, double size, double scale)
{
    unsigned vg[32];
    double vs[32];
    int nv = mfont_variants(c->f, g, 1, vg, vs, 32);
    for (int i = 0; i < nv; i++)
        if (vs[i] * scale >= size)
            return glyph_box(c, MATH_FONT_MATH, vg[i], scale);
    struct mpart parts[16];
    int np = mfont_assembly(c->f, g, 1, parts, 16);
    if (np == 0) {
        /* no assembly: the biggest variant there is */
        return glyph_box(c, MATH_FONT_MATH, nv ? vg[nv - 1] : g, scale);
    }
    double overlap = mfont_min_overlap(c->f, 1) * scale;
    int reps = 0;
    double total = 0;
    for (; reps <= 200; reps++) {
        total = 0;
        int count = 0;
        for (int i = 0; i < np; i++) {
            int k = parts[i].extender ? reps : 1;
            total += k * parts[i].full * scale;
            count += k;
        }
        total -= (count - 1) * overlap;
        if (total >= size)
            break;
    }
    struct box b = {0};
    double y = 0, w = 0;
    for (int i = 0; i < np; i++) {
        int k = parts[i].extender ? reps : 1;
        for (int j = 0; j < k; j++) {
            struct mglyph m;
            mfont_metrics(c->f, MATH_FONT_MATH, parts[i].glyph, &m);
            /* the part's ink starts at its depth below its origin */
            box_glyph_at(c, &b, MATH_FONT_MATH, parts[i].glyph, scale, 0, y + m.depth * scale);
            if (m.advance * scale > w)
                w = m.advance * scale;
            y += parts[i].full * scale - overlap;
        }
    }
    y += overlap;
    b.w = w;
    /* drawn from 0 up to y: as a glyph would be, centred later on the axis */
    b.h = y;
    b.d = 0;
    return b;
}

/* A delimiter of at least size, centred on the axis. cp 0: the null
 * delimiter, only its space. */
static struct box delimiter(struct ctx *c, uint32_t cp, double size, double scale)
{
    if (cp == 0) {
        struct box b = {0};
        b.w = 0.12 * scale;
        return b;
    }
    int font;
    unsigned g = char_glyph(c, cp, MV_ROMAN, &font);
    struct box b;
    if (font != MATH_FONT_MATH || !g)
        b = glyph_box(c, font, g, scale);
    else
        b = vertical_glyph(c, g, size, scale);
    double axis = MC(c->f, AXIS_HEIGHT) * scale;
    double shift = axis - (b.h - b.d) / 2;
    for (int i = 0; i < b.n; i++)
        b.it[i].y += shift;
    b.h += shift;
    b.d -= shift;
    b.single = 0;
    return b;
}

/* ---- the layout ---------------------------------------------------------------- */

static struct box lay(struct ctx *c, const struct mnode *n, struct style s, enum mclass *cls);
static struct box lay_list(struct ctx *c, const struct mnode *list, struct style s);

static struct box lay_group(struct ctx *c, const struct mnode *n, struct style s)
{
    if (!n) {
        struct box b = {0};
        return b;
    }
    if (n->kind == MN_LIST)
        return lay_list(c, n, s);
    enum mclass cls;
    return lay(c, n, s, &cls);
}

/* An hlist from boxes laid side by side: heights and depths are maxima. */
static void hjoin(struct ctx *c, struct box *dst, struct box *src, double gap)
{
    double x = dst->w + gap;
    if (src->h > dst->h)
        dst->h = src->h;
    if (src->d > dst->d)
        dst->d = src->d;
    dst->w = x + src->w;
    box_put(c, dst, src, x, 0);
}

static struct box lay_frac(struct ctx *c, const struct mnode *n, struct style s)
{
    struct style fs = s;
    if (n->style == 0)
        fs.level = 0;
    else if (n->style == 1 && fs.level == 0)
        fs.level = 1;
    double sc = style_scale(c, fs);
    int disp = fs.level == 0;
    struct box num = lay_group(c, n->a[0], num_style(fs));
    struct box den = lay_group(c, n->a[1], den_style(fs));
    double axis = MC(c->f, AXIS_HEIGHT) * sc;
    double t = n->rule ? MC(c->f, FRACTION_RULE_THICKNESS) * sc : 0;
    double up, down;
    if (n->rule) {
        up = (disp ? MC(c->f, FRACTION_NUMERATOR_DISPLAY_STYLE_SHIFT_UP)
                   : MC(c->f, FRACTION_NUMERATOR_SHIFT_UP)) * sc;
        down = (disp ? MC(c->f, FRACTION_DENOMINATOR_DISPLAY_STYLE_SHIFT_DOWN)
                     : MC(c->f, FRACTION_DENOMINATOR_SHIFT_DOWN)) * sc;
        double ngap = (disp ? MC(c->f, FRACTION_NUM_DISPLAY_STYLE_GAP_MIN)
                            : MC(c->f, FRACTION_NUMERATOR_GAP_MIN)) * sc;
        double dgap = (disp ? MC(c->f, FRACTION_DENOM_DISPLAY_STYLE_GAP_MIN)
                            : MC(c->f, FRACTION_DENOMINATOR_GAP_MIN)) * sc;
        double g1 = (up - num.d) - (axis + t / 2);
        if (g1 < ngap)
            up += ngap - g1;
        double g2 = (axis - t / 2) - (den.h - down);
        if (g2 < dgap)
            down += dgap - g2;
    } else {
        up = (disp ? MC(c->f, STACK_TOP_DISPLAY_STYLE_SHIFT_UP) : MC(c->f, STACK_TOP_SHIFT_UP)) * sc;
        down = (disp ? MC(c->f, STACK_BOTTOM_DISPLAY_STYLE_SHIFT_DOWN)
                     : MC(c->f, STACK_BOTTOM_SHIFT_DOWN)) * sc;
        double gap = (disp ? MC(c->f, STACK_DISPLAY_STYLE_GAP_MIN) : MC(c->f, STACK_GAP_MIN)) * sc;
        double g = (up - num.d) - (den.h - down);
        if (g < gap) {
            up += (gap - g) / 2;
            down += (gap - g) / 2;
        }
    }
    double pad = 0.12 * sc;     /* TeX's \nulldelimiterspace on each side */
    double w = (num.w > den.w ? num.w : den.w);
    struct box b = {0};
    b.w = w + 2 * pad;
    b.h = up + num.h;
    b.d = down + den.d;
    double nw = num.w, dw = den.w;
    box_put(c, &b, &num, pad + (w - nw) / 2, up);
    box_put(c, &b, &den, pad + (w - dw) / 2, -down);
    if (n->rule)
        box_rule(c, &b, pad, axis - t / 2, w, t);
    if (!n->rule) {
        /* \binom: in parentheses */
        double size = 2 * (b.h - axis > b.d + axis ? b.h - axis : b.d + axis);
        struct box l = delimiter(c, '(', size, sc), r = delimiter(c, ')', size, sc);
        struct box out = {0};
        hjoin(c, &out, &l, 0);
        hjoin(c, &out, &b, 0);
        hjoin(c, &out, &r, 0);
        return out;
    }
    return b;
}

static struct box lay_sqrt(struct ctx *c, const struct mnode *n, struct style s)
{
    double sc = style_scale(c, s);
    int disp = s.level == 0;
    struct box body = lay_group(c, n->a[0], cramp(s));
    double gap = (disp ? MC(c->f, RADICAL_DISPLAY_STYLE_VERTICAL_GAP)
                       : MC(c->f, RADICAL_VERTICAL_GAP)) * sc;
    double t = MC(c->f, RADICAL_RULE_THICKNESS) * sc;
    double extra = MC(c->f, RADICAL_EXTRA_ASCENDER) * sc;
    double target = body.h + body.d + gap + t;
    int font;
    unsigned g = char_glyph(c, 0x221A, MV_ROMAN, &font);
    struct box rad = vertical_glyph(c, g, target, sc);
    double total = rad.h + rad.d;
    if (total > target)
        gap += (total - target) / 2;
    /* the radical's top meets the rule's top */
    double rule_y = body.h + gap;
    double shift = rule_y + t - rad.h;
    struct box b = {0};
    double x = 0;
    if (n->a[1]) {
        struct style ds = {3, 1};
        struct box deg = lay_group(c, n->a[1], ds);
        double before = MC(c->f, RADICAL_KERN_BEFORE_DEGREE) * sc;
        double after = MC(c->f, RADICAL_KERN_AFTER_DEGREE) * sc;
        double raise = MC(c->f, RADICAL_DEGREE_BOTTOM_RAISE_PERCENT) * total;
        double dy = -(rad.d - shift) + raise + deg.d;
        double dw = deg.w;
        if (dy + deg.h > b.h)
            b.h = dy + deg.h;
        box_put(c, &b, &deg, before, dy);
        x = before + dw + after;
        if (x < 0)
            x = 0;
    }
    double rw = rad.w;
    double rd = rad.d - shift;
    box_put(c, &b, &rad, x, shift);
    x += rw;
    double bw = body.w;
    box_put(c, &b, &body, x, 0);
    box_rule(c, &b, x, rule_y, bw, t);
    b.w = x + bw;
    if (rule_y + t + extra > b.h)
        b.h = rule_y + t + extra;
    b.d = rd > body.d ? rd : body.d;
    return b;
}

static struct box lay_accent(struct ctx *c, const struct mnode *n, struct style s)
{
    double sc = style_scale(c, s);
    struct box base = lay_group(c, n->a[0], cramp(s));
    if (n->cp == 0) {
        /* \overline and \underline: rules */
        struct box b = {0};
        b.w = base.w;
        if (n->under) {
            double gap = MC(c->f, UNDERBAR_VERTICAL_GAP) * sc;
            double t = MC(c->f, UNDERBAR_RULE_THICKNESS) * sc;
            double extra = MC(c->f, UNDERBAR_EXTRA_DESCENDER) * sc;
            b.h = base.h;
            b.d = base.d + gap + t + extra;
            box_rule(c, &b, 0, -(base.d + gap + t), base.w, t);
        } else {
            double gap = MC(c->f, OVERBAR_VERTICAL_GAP) * sc;
            double t = MC(c->f, OVERBAR_RULE_THICKNESS) * sc;
            double extra = MC(c->f, OVERBAR_EXTRA_ASCENDER) * sc;
            b.h = base.h + gap + t + extra;
            b.d = base.d;
            box_rule(c, &b, 0, base.h + gap, base.w, t);
        }
        box_put(c, &b, &base, 0, 0);
        return b;
    }
    int font;
    unsigned g = char_glyph(c, n->cp, MV_ROMAN, &font);
    unsigned pick = g;
    if (font == MATH_FONT_MATH) {
        /* the narrowest variant at least as wide as the base (or the
         * widest), for a wide accent; the plain glyph otherwise */
        unsigned vg[32];
        double vs[32];
        int nv = n->wide ? mfont_variants(c->f, g, 0, vg, vs, 32) : 0;
        for (int i = 0; i < nv; i++) {
            pick = vg[i];
            if (vs[i] * sc >= base.w * 0.9)
                break;
        }
    }
    struct box acc = glyph_box(c, font, pick, sc);
    double base_attach = base.single ? base.accent : base.w / 2;
    double acc_attach = acc.accent;
    double abh = MC(c->f, ACCENT_BASE_HEIGHT) * sc;
    double dy = base.h > abh ? base.h - abh : 0;
    struct box b = {0};
    double dx = base_attach - acc_attach;
    double shift = dx < 0 ? -dx : 0;
    b.h = base.h > dy + acc.h ? base.h : dy + acc.h;
    b.d = base.d;
    double bw = base.w, aw = acc.w;
    b.italic = base.italic;
    b.single = 0;
    box_put(c, &b, &base, shift, 0);
    box_put(c, &b, &acc, shift + dx, dy);
    b.w = shift + bw;
    if (shift + dx + aw > b.w && n->wide)
        b.w = shift + dx + aw;
    return b;
}

/* The largest variant at least min tall (display operators). */
static struct box large_op(struct ctx *c, const struct mnode *n, struct style s)
{
    double sc = style_scale(c, s);
    int font;
    unsigned g = char_glyph(c, n->cp, MV_ROMAN, &font);
    struct box b;
    if (s.level == 0 && font == MATH_FONT_MATH) {
        double min = MC(c->f, DISPLAY_OPERATOR_MIN_HEIGHT) * sc;
        /* This font's minimum (4/3 em) leaves a display integral barely
         * taller than the fraction beside it; TeX's is 2.2 em. */
        if (n->cp >= 0x222B && n->cp <= 0x2233 && min < 2.0 * sc)
            min = 2.0 * sc;
        unsigned vg[32];
        double vs[32];
        int nv = mfont_variants(c->f, g, 1, vg, vs, 32);
        unsigned pick = g;
        for (int i = 0; i < nv; i++) {
            pick = vg[i];
            if (vs[i] * sc >= min)
                break;
        }
        b = glyph_box(c, font, pick, sc);
    } else {
        b = glyph_box(c, font, g, sc);
    }
    double axis = MC(c->f, AXIS_HEIGHT) * sc;
    double shift = axis - (b.h - b.d) / 2;
    for (int i = 0; i < b.n; i++)
        b.it[i].y += shift;
    b.h += shift;
    b.d -= shift;
    b.single = 0;
    return b;
}

static struct box func_box(struct ctx *c, const struct mnode *n, struct style s)
{
    struct box b = text_box(c, MATH_FONT_MATH, n->text, style_scale(c, s));
    b.single = 0;
    return b;
}

static int has_limits(const struct mnode *op, struct style s)
{
    if (!op || (op->kind != MN_LARGEOP && op->kind != MN_FUNC))
        return 0;
    return op->limits == 1 || (op->limits == -1 && s.level == 0);
}

static struct box lay_limits(struct ctx *c, struct box *op, const struct mnode *n, struct style s)
{
    double sc = style_scale(c, s);
    struct box up = {0}, lo = {0};
    int has_up = n->a[1] != NULL, has_lo = n->a[2] != NULL;
    if (has_up)
        up = lay_group(c, n->a[1], sup_style(s));
    if (has_lo)
        lo = lay_group(c, n->a[2], sub_style(s));
    double w = op->w;
    if (up.w > w)
        w = up.w;
    if (lo.w > w)
        w = lo.w;
    double ic = op->italic;
    struct box b = {0};
    b.w = w;
    b.h = op->h;
    b.d = op->d;
    if (has_up) {
        double gap = MC(c->f, UPPER_LIMIT_GAP_MIN) * sc;
        double rise = MC(c->f, UPPER_LIMIT_BASELINE_RISE_MIN) * sc;
        double y = op->h + (gap + up.d > rise ? gap + up.d : rise);
        double uw = up.w;
        b.h = y + up.h;
        box_put(c, &b, &up, (w - uw) / 2 + ic / 2, y);
    }
    if (has_lo) {
        double gap = MC(c->f, LOWER_LIMIT_GAP_MIN) * sc;
        double drop = MC(c->f, LOWER_LIMIT_BASELINE_DROP_MIN) * sc;
        double y = op->d + (gap + lo.h > drop ? gap + lo.h : drop);
        double lw = lo.w;
        b.d = y + lo.d;
        box_put(c, &b, &lo, (w - lw) / 2 - ic / 2, -y);
    }
    double ow = op->w;
    box_put(c, &b, op, (w - ow) / 2, 0);
    return b;
}

static struct box lay_scripts(struct ctx *c, const struct mnode *n, struct style s, enum mclass *cls)
{
    double sc = style_scale(c, s);
    struct box nuc = {0};
    *cls = MC_ORD;
    const struct mnode *nn = n->a[0];
    if (nn) {
        if (nn->kind == MN_LARGEOP)
            nuc = large_op(c, nn, s), *cls = MC_OP;
        else if (nn->kind == MN_FUNC)
            nuc = func_box(c, nn, s), *cls = MC_OP;
        else if (nn->kind == MN_LIST)
            nuc = lay_list(c, nn, s);
        else
            nuc = lay(c, nn, s, cls);
    }
    if (has_limits(nn, s))
        return lay_limits(c, &nuc, n, s);

    int single = nuc.single;
    double italic = nuc.italic;
    struct box sup = {0}, sub = {0};
    int has_sup = n->a[1] != NULL, has_sub = n->a[2] != NULL;
    /* typed primes alone (x', f'') are set at the nucleus's size and
     * height: the font draws U+2032 already raised and small (x^{\prime}
     * stays a script, as in unicode-math) */
    int primes = has_sup && n->a[1]->kind == MN_LIST && n->a[1]->nkids > 0;
    for (int k = 0; primes && k < n->a[1]->nkids; k++)
        primes = n->a[1]->kids[k]->kind == MN_CHAR && n->a[1]->kids[k]->typed_prime;
    if (has_sup)
        sup = lay_group(c, n->a[1], primes ? s : sup_style(s));
    if (has_sub)
        sub = lay_group(c, n->a[2], sub_style(s));
    /* scripts of a box hang from its top and bottom; of a glyph, from
     * the baseline */
    double up = 0, down = 0;
    if (!single) {
        struct style ss = sup_style(s);
        double ssc = style_scale(c, ss);
        up = nuc.h - MC(c->f, SUPERSCRIPT_BASELINE_DROP_MAX) * ssc;
        down = nuc.d + MC(c->f, SUBSCRIPT_BASELINE_DROP_MIN) * ssc;
    }
    if (has_sup) {
        double u = (s.cramped ? MC(c->f, SUPERSCRIPT_SHIFT_UP_CRAMPED)
                              : MC(c->f, SUPERSCRIPT_SHIFT_UP)) * sc;
        if (u > up)
            up = u;
        u = sup.d + MC(c->f, SUPERSCRIPT_BOTTOM_MIN) * sc;
        if (u > up)
            up = u;
    }
    if (has_sub) {
        double d = MC(c->f, SUBSCRIPT_SHIFT_DOWN) * sc;
        if (d > down)
            down = d;
        if (!has_sup) {
            d = sub.h - MC(c->f, SUBSCRIPT_TOP_MAX) * sc;
            if (d > down)
                down = d;
        }
    }
    if (primes)
        up = 0;
    if (has_sup && has_sub && !primes) {
        double gap = (up - sup.d) - (sub.h - down);
        double min = MC(c->f, SUB_SUPERSCRIPT_GAP_MIN) * sc;
        if (gap < min) {
            down += min - gap;
            double bottom_max = MC(c->f, SUPERSCRIPT_BOTTOM_MAX_WITH_SUBSCRIPT) * sc;
            double delta = bottom_max - (up - sup.d);
            if (delta > 0) {
                up += delta;
                down -= delta;
            }
        }
    }
    struct box b = {0};
    double nw = nuc.w;
    b.h = nuc.h;
    b.d = nuc.d;
    int op = nn && nn->kind == MN_LARGEOP;
    box_put(c, &b, &nuc, 0, 0);
    double space = MC(c->f, SPACE_AFTER_SCRIPT) * sc;
    double w = nw;
    if (has_sup) {
        /* an operator's italic correction moves its subscript left instead */
        double x = nw + (op ? 0 : italic);
        if (op)
            x = nw;
        if (up + sup.h > b.h)
            b.h = up + sup.h;
        double sw = sup.w;
        box_put(c, &b, &sup, x, up);
        if (x + sw > w)
            w = x + sw;
    }
    if (has_sub) {
        double x = nw - (op ? italic : 0);
        if (down + sub.d > b.d)
            b.d = down + sub.d;
        double sw = sub.w;
        box_put(c, &b, &sub, x, -down);
        if (x + sw > w)
            w = x + sw;
    }
    b.w = w + space;
    return b;
}

static struct box lay_fenced(struct ctx *c, const struct mnode *n, struct style s)
{
    double sc = style_scale(c, s);
    double axis = MC(c->f, AXIS_HEIGHT) * sc;
    double saved = c->middle;
    c->middle = 0;
    struct box body = lay_group(c, n->a[0], s);
    double delta = body.h - axis > body.d + axis ? body.h - axis : body.d + axis;
    /* TeX: \delimiterfactor 901, \delimitershortfall 5pt */
    double size = 2 * delta * 0.901;
    if (2 * delta - 0.5 * sc > size)
        size = 2 * delta - 0.5 * sc;
    int has_middle = 0;
    for (int i = 0; n->a[0] && i < n->a[0]->nkids; i++)
        if (n->a[0]->kids[i]->kind == MN_DELIM && n->a[0]->kids[i]->size == 0)
            has_middle = 1;
    if (has_middle) {
        box_free(&body);
        c->middle = size;
        body = lay_group(c, n->a[0], s);
    }
    c->middle = saved;
    struct box l = delimiter(c, n->cp, size, sc), r = delimiter(c, n->cp2, size, sc);
    struct box b = {0};
    hjoin(c, &b, &l, 0);
    hjoin(c, &b, &body, 0);
    hjoin(c, &b, &r, 0);
    return b;
}

static struct box lay_big(struct ctx *c, const struct mnode *n, struct style s)
{
    double sc = style_scale(c, s);
    if (n->size == 0)
        return delimiter(c, n->cp, c->middle > 0 ? c->middle : 0, sc);
    /* \big \Big \bigg \Bigg: 1.2, 1.8, 2.4 and 3 em tall, as in LaTeX,
     * whatever the delimiter (a bar is shorter than a parenthesis in this
     * font, and must grow as much); the delimiter is then the smallest
     * variant (or the assembly) at least that tall. */
    static const double em[5] = {0, 1.2, 1.8, 2.4, 3.0};
    double size = n->cp ? em[n->size] * sc : 0;
    return delimiter(c, n->cp, size, sc);
}

static struct box lay_array(struct ctx *c, const struct mnode *n, struct style s)
{
    double sc = style_scale(c, s);
    int rows = n->rows, cols = n->cols;
    struct style cs = {s.level == 0 ? 1 : s.level, s.cramped};
    if (n->env == ME_CASES)
        cs.level = s.level < 2 ? 1 : s.level;
    struct box *cell = calloc((size_t)rows * (size_t)cols + 1, sizeof *cell);
    double *colw = calloc((size_t)cols + 1, sizeof *colw);
    double *rowh = calloc((size_t)rows + 1, sizeof *rowh);
    double *rowd = calloc((size_t)rows + 1, sizeof *rowd);
    struct box b = {0};
    if (!cell || !colw || !rowh || !rowd) {
        c->oom = 1;
        free(cell), free(colw), free(rowh), free(rowd);
        return b;
    }
    for (int i = 0; i < rows; i++) {
        rowh[i] = 0.7 * 1.2 * sc;       /* TeX's array strut: .7 and .3 of the baselineskip */
        rowd[i] = 0.3 * 1.2 * sc;
        for (int j = 0; j < cols; j++) {
            int k = i * cols + j;
            if (k < n->nkids)
                cell[k] = lay_group(c, n->kids[k], cs);
            if (cell[k].w > colw[j])
                colw[j] = cell[k].w;
            if (cell[k].h > rowh[i])
                rowh[i] = cell[k].h;
            if (cell[k].d > rowd[i])
                rowd[i] = cell[k].d;
        }
    }
    double colsep = n->env == ME_CASES ? 1.0 * sc : 1.0 * sc;
    double rowgap = 0.15 * sc;
    double total = 0;
    for (int i = 0; i < rows; i++)
        total += rowh[i] + rowd[i] + (i ? rowgap : 0);
    double axis = MC(c->f, AXIS_HEIGHT) * sc;
    double top = axis + total / 2;
    double y = top, width = 0;
    for (int j = 0; j < cols; j++)
        width += colw[j] + (j ? colsep : 0);
    double pad = n->env == ME_CASES ? 0 : 0.2 * sc;
    for (int i = 0; i < rows; i++) {
        y -= rowh[i];
        double x = pad;
        for (int j = 0; j < cols; j++) {
            struct box *cb = &cell[i * cols + j];
            double cw = cb->w;
            double dx = n->env == ME_CASES ? 0 : (colw[j] - cw) / 2;
            box_put(c, &b, cb, x + dx, y);
            x += colw[j] + colsep;
        }
        y -= rowd[i] + rowgap;
    }
    b.w = width + 2 * pad;
    b.h = top;
    b.d = total - top;
    free(cell), free(colw), free(rowh), free(rowd);
    uint32_t l = 0, r = 0;
    switch (n->env) {
    case ME_CASES: l = '{'; break;
    case ME_MATRIX: break;
    case ME_PMATRIX: l = '('; r = ')'; break;
    case ME_BMATRIX: l = '['; r = ']'; break;
    case ME_BBMATRIX: l = '{'; r = '}'; break;
    case ME_VMATRIX: l = r = '|'; break;
    case ME_VVMATRIX: l = r = 0x2016; break;
    }
    if (n->env == ME_MATRIX)
        return b;
    double delta = b.h - axis > b.d + axis ? b.h - axis : b.d + axis;
    double size = 2 * delta * 0.901;
    struct box lb = delimiter(c, l, size, sc), rb = delimiter(c, r, size, sc);
    struct box out = {0};
    hjoin(c, &out, &lb, n->env == ME_CASES ? 0 : 0);
    hjoin(c, &out, &b, n->env == ME_CASES ? 0.2 * sc : 0);
    if (n->env != ME_CASES)
        hjoin(c, &out, &rb, 0);
    else
        box_free(&rb);
    return out;
}

/* One node (not a list); its class in *cls. */
static struct box lay(struct ctx *c, const struct mnode *n, struct style s, enum mclass *cls)
{
    double sc = style_scale(c, s);
    struct box b = {0};
    *cls = MC_ORD;
    if (++c->depth > 200) {
        c->depth--;
        return b;
    }
    switch (n->kind) {
    case MN_CHAR: {
        int font;
        unsigned g = char_glyph(c, n->cp, n->variant, &font);
        b = glyph_box(c, font, g, sc);
        *cls = n->cls;
        break;
    }
    case MN_FIELD:
        b = text_box(c, MATH_FONT_MATH, "0.00", sc);
        break;
    case MN_LIST:
        b = lay_list(c, n, s);
        break;
    case MN_SCRIPTS:
        b = lay_scripts(c, n, s, cls);
        break;
    case MN_FRAC:
        b = lay_frac(c, n, s);
        *cls = MC_INNER;
        break;
    case MN_SQRT:
        b = lay_sqrt(c, n, s);
        break;
    case MN_ACCENT:
        b = lay_accent(c, n, s);
        break;
    case MN_FENCED:
        b = lay_fenced(c, n, s);
        *cls = MC_INNER;
        break;
    case MN_DELIM:
        b = lay_big(c, n, s);
        *cls = n->cls;
        break;
    case MN_LARGEOP:
        b = large_op(c, n, s);
        *cls = MC_OP;
        break;
    case MN_FUNC:
        b = func_box(c, n, s);
        *cls = MC_OP;
        break;
    case MN_TEXT:
        b = text_box(c, n->font, n->text, sc);
        break;
    case MN_SPACE:
        b.w = n->em * sc;
        break;
    case MN_ARRAY:
        b = lay_array(c, n, s);
        *cls = MC_INNER;
        break;
    case MN_STYLE:
        break;
    }
    c->depth--;
    return b;
}

/* TeX's spacing between atoms (The TeXbook, chapter 18): 0 none, 1 thin,
 * 2 medium, 3 thick; negative: only in display and text styles. */
static const signed char spacing[8][8] = {
    /*          ord op  bin rel open close punct inner */
    /* ord   */ {0, 1, -2, -3, 0, 0, 0, -1},
    /* op    */ {1, 1, 0, -3, 0, 0, 0, -1},
    /* bin   */ {-2, -2, 0, 0, -2, 0, 0, -2},
    /* rel   */ {-3, -3, 0, 0, -3, 0, 0, -3},
    /* open  */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* close */ {0, 1, -2, -3, 0, 0, 0, -1},
    /* punct */ {-1, -1, 0, -1, -1, -1, -1, -1},
    /* inner */ {-1, 1, -2, -3, -1, 0, -1, -1},
};

static struct box lay_list(struct ctx *c, const struct mnode *list, struct style s)
{
    struct box out = {0};
    int n = list->nkids;
    if (n == 0)
        return out;
    struct box *boxes = calloc((size_t)n, sizeof *boxes);
    enum mclass *cls = calloc((size_t)n, sizeof *cls);
    struct style *sty = calloc((size_t)n, sizeof *sty);
    int *skip = calloc((size_t)n, sizeof *skip);
    if (!boxes || !cls || !sty || !skip) {
        c->oom = 1;
        free(boxes), free(cls), free(sty), free(skip);
        return out;
    }
    struct style cur = s;
    for (int i = 0; i < n; i++) {
        const struct mnode *k = list->kids[i];
        if (k->kind == MN_STYLE) {
            cur.level = k->style == 0 ? 0 : (cur.level == 0 ? 1 : cur.level);
            skip[i] = 1;
            continue;
        }
        sty[i] = cur;
        boxes[i] = lay(c, k, cur, &cls[i]);
        if (k->kind == MN_SPACE)
            skip[i] = 2;        /* no class of its own: spacing looks through it */
    }
    /* A Bin with nothing to operate on is an Ord (TeX rules 5 and 6). */
    int prev = -1;
    for (int i = 0; i < n; i++) {
        if (skip[i])
            continue;
        if (cls[i] == MC_BIN) {
            if (prev < 0 || cls[prev] == MC_BIN || cls[prev] == MC_OP || cls[prev] == MC_REL ||
                cls[prev] == MC_OPEN || cls[prev] == MC_PUNCT)
                cls[i] = MC_ORD;
        }
        if ((cls[i] == MC_REL || cls[i] == MC_CLOSE || cls[i] == MC_PUNCT) && prev >= 0 &&
            cls[prev] == MC_BIN)
            cls[prev] = MC_ORD;
        prev = i;
    }
    if (prev >= 0 && cls[prev] == MC_BIN)
        cls[prev] = MC_ORD;
    prev = -1;
    for (int i = 0; i < n; i++) {
        if (skip[i] == 1)
            continue;
        double gap = 0;
        if (skip[i] == 0) {
            if (prev >= 0) {
                int sp = spacing[cls[prev]][cls[i]];
                int tight = sty[i].level >= 2;
                if (sp < 0)
                    sp = tight ? 0 : -sp;
                static const double mu[4] = {0, 3, 4, 5};
                gap = mu[sp] / 18.0 * style_scale(c, sty[i]);
            }
            prev = i;
        }
        hjoin(c, &out, &boxes[i], gap);
    }
    free(boxes), free(cls), free(sty), free(skip);
    return out;
}

struct math_box *math_layout(const char *src, size_t len, int display, struct math_error *err)
{
    const struct mfont *f = mfont_get();
    if (!f) {
        err->pos = 0;
        snprintf(err->msg, sizeof err->msg, "the math font could not be loaded");
        return NULL;
    }
    struct mnode *root = mnode_parse(src, len, 0, err);
    if (!root)
        return NULL;
    struct ctx c = {.f = f};
    struct style s = {display ? 0 : 1, 0};
    struct box b = lay_list(&c, root, s);
    mnode_free(root);
    struct math_box *out = malloc(sizeof *out);
    if (c.oom || !out) {
        free(out);
        box_free(&b);
        err->pos = 0;
        snprintf(err->msg, sizeof err->msg, "out of memory laying out a formula");
        return NULL;
    }
    out->width = b.w;
    out->ascent = b.h;
    out->descent = b.d;
    out->n = b.n;
    out->items = b.it;
    return out;
}

void math_box_free(struct math_box *b)
{
    if (!b)
        return;
    free(b->items);
    free(b);
}
