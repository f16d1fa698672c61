/* render: a laid-out formula to cairo or to SVG, and the layout cache. */
#include "math/internal.h"
#include "math/font.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

int math_fonts_init(void)
{
    return mfont_get() ? 0 : -1;
}

/* ---- cache ----------------------------------------------------------------- */

/* Open hashing over a fixed table; when it is full it is emptied whole
 * (the boxes freed at release time, not while a caller may hold one). A
 * lesson's formulas are few, and a templated one whose numbers change per
 * frame costs one layout per distinct text, which is what it must cost. */
#define CACHE_SLOTS 1024
#define CACHE_MAX 768

struct entry {
    char *src;
    size_t len;
    int display;
    struct math_box *box;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry cache[CACHE_SLOTS];
static int cache_used;
static struct math_box **retired;       /* boxes evicted, freed at release */
static size_t nretired, capretired;
static struct math_cache_stats stats;

static uint64_t hash(const char *s, size_t n, int display)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)display;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void cache_clear_locked(int keep_boxes)
{
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (!cache[i].src)
            continue;
        if (keep_boxes && cache[i].box) {
            if (nretired == capretired) {
                size_t cap = capretired ? 2 * capretired : 64;
                struct math_box **r = realloc(retired, cap * sizeof *r);
                if (r) {
                    retired = r;
                    capretired = cap;
                }
            }
            if (nretired < capretired)
                retired[nretired++] = cache[i].box;
            /* else: leaked rather than freed under a caller's feet */
        } else {
            math_box_free(cache[i].box);
        }
        free(cache[i].src);
        memset(&cache[i], 0, sizeof cache[i]);
    }
    cache_used = 0;
}

const struct math_box *math_cached(const char *src, size_t len, int display)
{
    uint64_t h = hash(src, len, display);
    pthread_mutex_lock(&cache_lock);
    size_t slot = h % CACHE_SLOTS;
    for (;;) {
        struct entry *e = &cache[slot];
        if (!e->src)
            break;
        if (e->len == len && e->display == display && memcmp(e->src, src, len) == 0) {
            stats.hits++;
            const struct math_box *b = e->box;
            pthread_mutex_unlock(&cache_lock);
            return b;
        }
        slot = (slot + 1) % CACHE_SLOTS;
    }
    stats.misses++;
    pthread_mutex_unlock(&cache_lock);

    /* laid out outside the lock: another thread may do the same formula at
     * once, and the second result is simply dropped */
    struct math_error err;
    struct math_box *b = math_layout(src, len, display, &err);

    pthread_mutex_lock(&cache_lock);
    if (cache_used >= CACHE_MAX)
        cache_clear_locked(1);
    slot = h % CACHE_SLOTS;
    while (cache[slot].src) {
        struct entry *e = &cache[slot];
        if (e->len == len && e->display == display && memcmp(e->src, src, len) == 0) {
            math_box_free(b);
            b = e->box;
            pthread_mutex_unlock(&cache_lock);
            return b;
        }
        slot = (slot + 1) % CACHE_SLOTS;
    }
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, src, len);
        copy[len] = '\0';
        cache[slot].src = copy;
        cache[slot].len = len;
        cache[slot].display = display;
        cache[slot].box = b;      /* NULL (an error) is cached too */
        cache_used++;
    } else if (b) {
        /* not cached: keep it alive until release like an evicted one */
        if (nretired < capretired)
            retired[nretired++] = b;
    }
    pthread_mutex_unlock(&cache_lock);
    return b;
}

void math_cache_stats(struct math_cache_stats *st)
{
    pthread_mutex_lock(&cache_lock);
    *st = stats;
    pthread_mutex_unlock(&cache_lock);
}

void math_fonts_release(void)
{
    pthread_mutex_lock(&cache_lock);
    cache_clear_locked(0);
    for (size_t i = 0; i < nretired; i++)
        math_box_free(retired[i]);
    free(retired);
    retired = NULL;
    nretired = capretired = 0;
    memset(&stats, 0, sizeof stats);
    pthread_mutex_unlock(&cache_lock);
    mfont_release();
}

/* ---- cairo ------------------------------------------------------------------- */

void math_draw(cairo_t *cr, const struct math_box *b, double size, double x, double y)
{
    if (!b || b->n == 0)
        return;
    cairo_save(cr);
    cairo_new_path(cr);
    int i = 0;
    while (i < b->n) {
        const struct math_item *m = &b->items[i];
        if (m->kind == MATH_RULE) {
            cairo_rectangle(cr, x + m->x * size, y - (m->y + m->h) * size, m->w * size,
                            m->h * size);
            cairo_fill(cr);
            i++;
            continue;
        }
        /* a run of glyphs in one face at one size: one show_glyphs */
        int j = i;
        cairo_glyph_t glyphs[64];
        int ng = 0;
        while (j < b->n && ng < 64 && b->items[j].kind == MATH_GLYPH &&
               b->items[j].font == m->font && b->items[j].scale == m->scale) {
            glyphs[ng].index = b->items[j].glyph;
            glyphs[ng].x = x + b->items[j].x * size;
            glyphs[ng].y = y - b->items[j].y * size;
            ng++;
            j++;
        }
        cairo_font_face_t *face = draw_face(mfont_face_id(m->font));
        if (face) {
            cairo_set_font_face(cr, face);
            cairo_set_font_size(cr, size * m->scale);
            draw_font_options(cr);
            draw_pin_font(cr);
            cairo_show_glyphs(cr, glyphs, ng);
        }
        i = j;
    }
    cairo_restore(cr);
}

/* ---- SVG ----------------------------------------------------------------------- */

struct svg_pen {
    FILE *f;
    double x0, y0, k;       /* glyph units -> SVG: (x0 + gx * k, y0 - gy * k) */
};

static void svg_pt(struct svg_pen *p, char op, float x, float y)
{
    fprintf(p->f, "%c%.2f %.2f", op, p->x0 + x * p->k, p->y0 - y * p->k);
}

static void svg_move(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y,
                     void *user)
{
    svg_pt(data, 'M', x, y);
}

static void svg_line(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y,
                     void *user)
{
    svg_pt(data, 'L', x, y);
}

static void svg_quad(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float cx, float cy,
                     float x, float y, void *user)
{
    struct svg_pen *p = data;
    svg_pt(p, 'Q', cx, cy);
    fprintf(p->f, " %.2f %.2f", p->x0 + x * p->k, p->y0 - y * p->k);
}

static void svg_cubic(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float c1x,
                      float c1y, float c2x, float c2y, float x, float y, void *user)
{
    struct svg_pen *p = data;
    svg_pt(p, 'C', c1x, c1y);
    fprintf(p->f, " %.2f %.2f %.2f %.2f", p->x0 + c2x * p->k, p->y0 - c2y * p->k,
            p->x0 + x * p->k, p->y0 - y * p->k);
}

static void svg_close(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, void *user)
{
    fputc('Z', ((struct svg_pen *)data)->f);
}

static void xml_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

int math_svg_write(FILE *f, const struct math_box *b, double size, double margin,
                   const char *color, const char *label, int inline_svg)
{
    const struct mfont *font = mfont_get();
    if (!font || !b)
        return -1;
    double w = (b->width + 2 * margin) * size, h = (b->ascent + b->descent + 2 * margin) * size;
    if (!inline_svg)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fputs("<svg xmlns=\"http://www.w3.org/2000/svg\"", f);
    if (inline_svg)
        fprintf(f, " width=\"%.3fem\" height=\"%.3fem\" style=\"vertical-align:%.3fem\"",
                w / size, h / size, -(b->descent + margin));
    else
        fprintf(f, " width=\"%.2f\" height=\"%.2f\"", w, h);
    fprintf(f, " viewBox=\"0 0 %.2f %.2f\" role=\"img\"", w, h);
    if (label) {
        fputs(" aria-label=\"", f);
        xml_escape(f, label);
        fputs("\"", f);
    }
    fputs(">", f);
    if (label) {
        fputs("<title>", f);
        xml_escape(f, label);
        fputs("</title>", f);
    }
    fprintf(f, "<path fill=\"%s\" d=\"", color ? color : "currentColor");

    hb_draw_funcs_t *df = hb_draw_funcs_create();
    hb_draw_funcs_set_move_to_func(df, svg_move, NULL, NULL);
    hb_draw_funcs_set_line_to_func(df, svg_line, NULL, NULL);
    hb_draw_funcs_set_quadratic_to_func(df, svg_quad, NULL, NULL);
    hb_draw_funcs_set_cubic_to_func(df, svg_cubic, NULL, NULL);
    hb_draw_funcs_set_close_path_func(df, svg_close, NULL, NULL);
    double ox = margin * size, oy = (margin + b->ascent) * size;
    for (int i = 0; i < b->n; i++) {
        const struct math_item *m = &b->items[i];
        if (m->kind == MATH_RULE) {
            double x0 = ox + m->x * size, y0 = oy - (m->y + m->h) * size;
            fprintf(f, "M%.2f %.2fH%.2fV%.2fH%.2fZ", x0, y0, x0 + m->w * size,
                    y0 + m->h * size, x0);
            continue;
        }
        struct svg_pen pen = {f, ox + m->x * size, oy - m->y * size,
                              size * m->scale / font->upem[m->font]};
        mfont_outline(font, m->font, m->glyph, df, &pen);
    }
    hb_draw_funcs_destroy(df);
    fputs("\"/></svg>", f);
    if (!inline_svg)
        fputc('\n', f);
    return ferror(f) ? -1 : 0;
}

void math_list_commands(FILE *f)
{
    for (size_t i = 0; i < msym_count; i++) {
        char utf8[8] = "";
        uint32_t cp = msym_table[i].cp;
        int n = 0;
        if (cp < 0x80) {
            utf8[n++] = (char)cp;
        } else if (cp < 0x800) {
            utf8[n++] = (char)(0xC0 | (cp >> 6));
            utf8[n++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            utf8[n++] = (char)(0xE0 | (cp >> 12));
            utf8[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            utf8[n++] = (char)(0x80 | (cp & 0x3F));
        }
        utf8[n] = '\0';
        fprintf(f, "\\%-16s %s\n", msym_table[i].name, utf8);
    }
}
