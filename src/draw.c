/* draw: the cairo primitives every panel of a lesson is built from.
 *
 * Each frame of an animation is redrawn from scratch, and frames must be
 * byte-identical on every machine so that golden tests and cached renders
 * stay valid. So this file never asks fontconfig for anything: DejaVu Sans is
 * loaded from explicit files through FreeType, and every text draw pins the
 * font options (grey anti-aliasing, no hinting, unhinted metrics). On top of
 * that sit the pieces a plot needs: the data<->pixel mapping of a plot area,
 * "nice" tick values and their labels, matplotlib-like axes whose margins
 * follow from the measured label sizes, and marks (polylines, scatter,
 * arrows, boxes, text) that clip themselves so that one stray data value can
 * neither paint outside its panel nor poison the cairo context. */
#include "draw.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "diag.h"
#include "math/math.h"
#include "utf8.h"

/* M_PI is not in strict C11 with only POSIX features enabled. */
#define DRAW_PI 3.14159265358979323846

/* ---- themes ------------------------------------------------------------ */

static const struct theme theme_light = {
    .name = "light",
    .background = 0xFFFFFFFF,
    .text = 0xFF1A1A1A,
    .muted = 0xFF555555,
    .axis = 0xFF4D4D4D,
    .grid = 0xFFE5E5E5,
    .panel = 0xFFF3F4F6,
    .series = { 0xFF1F77B4, 0xFFD62728, 0xFF2CA02C, 0xFFFF7F0E, 0xFF9467BD, 0xFF7F7F7F },
    .font_size = 13,
    .title_size = 15,
    .line_width = 2,
};

static const struct theme theme_dark = {
    .name = "dark",
    .background = 0xFF1B1F27,
    .text = 0xFFE6E8EB,
    .muted = 0xFFA3ABB7,
    .axis = 0xFF8B94A1,
    .grid = 0xFF2F3541,
    .panel = 0xFF272D37,
    .series = { 0xFF4FA3E0, 0xFFF25C5A, 0xFF52C46B, 0xFFFFA13D, 0xFFB794E6, 0xFFA6A6A6 },
    .font_size = 13,
    .title_size = 15,
    .line_width = 2,
};

static const struct theme *const themes[] = { &theme_light, &theme_dark };

const char *const theme_names[] = { "light", "dark", NULL };

const struct theme *theme_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof themes / sizeof themes[0]; i++)
        if (strcmp(themes[i]->name, name) == 0)
            return themes[i];
    return NULL;
}

/* ---- fonts ------------------------------------------------------------- */

/* cairo may keep a font face (and so its FT_Face) alive in its caches long
 * after we drop our reference, and an FT_Face must not outlive its
 * FT_Library. So the library is reference-counted: one reference while the
 * fonts are loaded, one per FT_Face still alive, and the FT_Face is freed by
 * cairo's user-data destructor whenever cairo really lets go of the face.
 * That destructor can run inside cairo_font_face_destroy() while font_lock is
 * held, hence a second, inner lock for FreeType state only. */
static pthread_mutex_t font_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ft_lock = PTHREAD_MUTEX_INITIALIZER;
static FT_Library ft_lib;
static int ft_refs;
static cairo_font_face_t *font_faces[DRAW_NFACES];
/* Per face: 0 = not tried, 1 = loaded, -1 = failed and already reported: a
 * missing font is reported once, not once per label of every frame. The
 * text faces are loaded together by draw_fonts_init; the others (oblique,
 * math) on first use, so a scene without formulas never needs the math
 * font. */
static int face_state[DRAW_NFACES];
static int font_state;      /* of the library and the regular + bold faces */
static const cairo_user_data_key_t ft_face_key;

/* File names, looked for in MLANIM_FONT_DIR if it is set, else in the
 * directory each one's Debian package installs it to. */
static const struct {
    const char *file;
    const char *dir;        /* the Debian package's directory */
    const char *package;
} face_files[DRAW_NFACES] = {
    [DRAW_FACE_SANS] = {"DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core"},
    [DRAW_FACE_BOLD] = {"DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu",
                        "fonts-dejavu-core"},
    [DRAW_FACE_OBLIQUE] = {"DejaVuSans-Oblique.ttf", "/usr/share/fonts/truetype/dejavu",
                           "fonts-dejavu-extra"},
    [DRAW_FACE_BOLD_OBLIQUE] = {"DejaVuSans-BoldOblique.ttf", "/usr/share/fonts/truetype/dejavu",
                                "fonts-dejavu-extra"},
    [DRAW_FACE_MATH] = {"texgyredejavu-math.otf",
                        "/usr/share/texmf/fonts/opentype/public/tex-gyre-math",
                        "fonts-texgyre-math"},
};

int draw_face_path(int id, char *buf, size_t n)
{
    if (id < 0 || id >= DRAW_NFACES)
        return -1;
    /* Set, the variable is the only place looked in: a test or a packager
     * that names a directory gets exactly those files. */
    const char *dir = getenv("MLANIM_FONT_DIR");
    int given = dir && *dir;
    snprintf(buf, n, "%s/%s", given ? dir : face_files[id].dir, face_files[id].file);
    if (access(buf, R_OK) == 0)
        return 0;
    if (given)
        return diag_fail("cannot load font '%s'; set MLANIM_FONT_DIR to a directory with %s",
                         buf, face_files[id].file);
    return diag_fail("cannot load font '%s' (Debian package %s); install it or set "
                     "MLANIM_FONT_DIR to a directory that has %s",
                     buf, face_files[id].package, face_files[id].file);
}

/* Scaled fonts used so far, each with a reference of ours until
 * draw_fonts_release(). cairo 1.16 shares one scaled font between all
 * threads that draw the same face at the same size and transform, and
 * destroying it while another thread has its glyph cache frozen aborts
 * (cairo_scaled_font_destroy: "! scaled_font->cache_frozen"), which a
 * render hit now and then. Held here, a scaled font's count never falls
 * to zero while frames are drawn. */
static pthread_mutex_t pin_lock = PTHREAD_MUTEX_INITIALIZER;
static cairo_scaled_font_t **pinned;
static size_t npinned, pinned_cap;

static void pin_scaled_font(cairo_t *cr)
{
    cairo_scaled_font_t *sf = cairo_get_scaled_font(cr);
    if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS)
        return;
    pthread_mutex_lock(&pin_lock);
    size_t i = 0;
    while (i < npinned && pinned[i] != sf)
        i++;
    if (i == npinned) {
        if (npinned == pinned_cap) {
            size_t cap = pinned_cap ? 2 * pinned_cap : 16;
            cairo_scaled_font_t **grown = realloc(pinned, cap * sizeof *grown);
            if (!grown) {               /* unpinned: only the old risk */
                pthread_mutex_unlock(&pin_lock);
                return;
            }
            pinned = grown;
            pinned_cap = cap;
        }
        pinned[npinned++] = cairo_scaled_font_reference(sf);
    }
    pthread_mutex_unlock(&pin_lock);
}

static void unpin_scaled_fonts(void)
{
    pthread_mutex_lock(&pin_lock);
    for (size_t i = 0; i < npinned; i++)
        cairo_scaled_font_destroy(pinned[i]);
    free(pinned);
    pinned = NULL;
    npinned = pinned_cap = 0;
    pthread_mutex_unlock(&pin_lock);
}

static void ft_unref_locked(void)
{
    if (--ft_refs == 0) {
        FT_Done_FreeType(ft_lib);
        ft_lib = NULL;
    }
}

static void ft_face_release(void *data)
{
    pthread_mutex_lock(&ft_lock);
    FT_Done_Face((FT_Face)data);
    ft_unref_locked();
    pthread_mutex_unlock(&ft_lock);
}

static int load_face(int id, cairo_font_face_t **out)
{
    char path[4096];
    if (draw_face_path(id, path, sizeof path) != 0)
        return -1;

    FT_Face face = NULL;
    pthread_mutex_lock(&ft_lock);
    FT_Error err = FT_New_Face(ft_lib, path, 0, &face);
    if (!err)
        ft_refs++;
    pthread_mutex_unlock(&ft_lock);
    if (err)
        return diag_fail("cannot load font '%s' (FreeType error %d); "
                         "set MLANIM_FONT_DIR to a directory with %s",
                         path, (int)err, face_files[id].file);

    cairo_font_face_t *cf = cairo_ft_font_face_create_for_ft_face(face, 0);
    if (cairo_font_face_status(cf) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(cf);
        ft_face_release(face);
        return diag_fail("cannot use font '%s' with cairo", path);
    }
    if (cairo_font_face_set_user_data(cf, &ft_face_key, face, ft_face_release)
        != CAIRO_STATUS_SUCCESS) {
        /* Without the destructor attached, the face is still ours to free. */
        cairo_font_face_destroy(cf);
        ft_face_release(face);
        return diag_fail("cannot use font '%s' with cairo: out of memory", path);
    }
    *out = cf;
    return 0;
}

static void unload_faces(void)
{
    for (int i = 0; i < DRAW_NFACES; i++) {
        if (font_faces[i])
            cairo_font_face_destroy(font_faces[i]);
        font_faces[i] = NULL;
        face_state[i] = 0;
    }
}

static int load_fonts(void)
{
    pthread_mutex_lock(&ft_lock);
    /* A library kept alive by faces cairo still caches from before a
     * release is reused rather than leaked or replaced. */
    int ok = 1;
    if (!ft_lib)
        ok = FT_Init_FreeType(&ft_lib) == 0;
    if (ok)
        ft_refs++;
    else
        ft_lib = NULL;
    pthread_mutex_unlock(&ft_lock);
    if (!ok)
        return diag_fail("cannot initialise FreeType");

    int rc = 0;
    for (int i = DRAW_FACE_SANS; i <= DRAW_FACE_BOLD && rc == 0; i++) {
        rc = load_face(i, &font_faces[i]);
        face_state[i] = rc == 0 ? 1 : -1;
    }
    if (rc != 0)
        unload_faces();

    pthread_mutex_lock(&ft_lock);
    if (rc != 0)
        ft_unref_locked();
    pthread_mutex_unlock(&ft_lock);
    return rc;
}

int draw_fonts_init(void)
{
    pthread_mutex_lock(&font_lock);
    if (font_state == 0)
        font_state = load_fonts() == 0 ? 1 : -1;
    int rc = font_state > 0 ? 0 : -1;
    pthread_mutex_unlock(&font_lock);
    return rc;
}

cairo_font_face_t *draw_face(int id)
{
    if (id < 0 || id >= DRAW_NFACES || draw_fonts_init() != 0)
        return NULL;
    pthread_mutex_lock(&font_lock);
    if (face_state[id] == 0)
        face_state[id] = load_face(id, &font_faces[id]) == 0 ? 1 : -1;
    cairo_font_face_t *f = face_state[id] > 0 ? font_faces[id] : NULL;
    pthread_mutex_unlock(&font_lock);
    return f;
}

void draw_fonts_release(void)
{
    unpin_scaled_fonts();
    pthread_mutex_lock(&font_lock);
    if (font_state > 0) {
        unload_faces();
        pthread_mutex_lock(&ft_lock);
        ft_unref_locked();
        pthread_mutex_unlock(&ft_lock);
    }
    font_state = 0;
    pthread_mutex_unlock(&font_lock);
}

void draw_font_options(cairo_t *cr)
{
    /* Pinned so that neither the surface's defaults nor the machine's
     * settings can change a single glyph pixel. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_subpixel_order(fo, CAIRO_SUBPIXEL_ORDER_DEFAULT);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

void draw_pin_font(cairo_t *cr)
{
    pin_scaled_font(cr);
}

void draw_font(cairo_t *cr, int bold, double size)
{
    if (draw_fonts_init() == 0) {
        cairo_set_font_face(cr, font_faces[bold ? 1 : 0]);
    } else {
        /* Already reported; a readable if less reproducible frame beats an
         * empty one while the user fixes the font path. */
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    }
    cairo_set_font_size(cr, size);
    draw_font_options(cr);
}

void draw_set_color(cairo_t *cr, uint32_t argb)
{
    cairo_set_source_rgba(cr, ((argb >> 16) & 0xFF) / 255.0, ((argb >> 8) & 0xFF) / 255.0,
                          (argb & 0xFF) / 255.0, ((argb >> 24) & 0xFF) / 255.0);
}

/* ---- text -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one or is a
 * noncharacter: cairo rejects both. */
static int utf8_seq_len(const unsigned char *s)
{
    unsigned long cp;
    int n = utf8_decode(s, &cp);
    return n > 0 && !utf8_noncharacter(cp) ? n : 0;
}

/* An invalid string puts a cairo context into a permanent error state, which
 * would blank the rest of the frame over one bad byte in a script. So text is
 * checked first and, if needed, copied with '?' for each bad byte. Returns s
 * itself when it is fine; otherwise *heap is set when the copy was allocated
 * and must be freed by the caller. */
static const char *utf8_clean(const char *s, char *buf, size_t cap, char **heap)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = 0;
    int bad = 0;
    while (u[len]) {
        int n = utf8_seq_len(u + len);
        if (n == 0) {
            bad = 1;
            n = 1;
        }
        len += (size_t)n;
    }
    *heap = NULL;
    if (!bad)
        return s;
    char *out = buf;
    if (len + 1 > cap) {
        out = malloc(len + 1);
        if (!out)
            return "?";
        *heap = out;
    }
    size_t i = 0;
    while (u[i]) {
        int n = utf8_seq_len(u + i);
        if (n == 0) {
            out[i] = '?';
            n = 1;
        } else {
            memcpy(out + i, u + i, (size_t)n);
        }
        i += (size_t)n;
    }
    out[i] = '\0';
    return out;
}

/* Text with formulas: "$...$" segments laid out by the math module at the
 * current font size on the text's baseline, "\$" a literal dollar. Draws
 * when draw is set (at x, baseline); returns the width either way. */
static double rich_line(cairo_t *cr, const char *t, int draw, double x, double baseline)
{
    cairo_matrix_t fm;
    cairo_get_font_matrix(cr, &fm);
    double size = fm.yy;
    double w = 0;
    size_t pos = 0;
    struct math_segment seg;
    while (math_text_next(t, &pos, &seg)) {
        /* an unclosed '$' (validation refuses one in a script; a label
         * from a data file may hold one) is a dollar sign */
        const struct math_box *b = seg.math && seg.closed && seg.len
                                       ? math_cached(t + seg.start, seg.len, seg.display) : NULL;
        if (b) {
            if (draw) {
                math_draw(cr, b, size, x + w, baseline);
            }
            w += b->width * size;
            continue;
        }
        /* plain text, with "\$" unescaped; a formula that failed (only text
         * no script validated can hold one) shows as written */
        char buf[512];
        size_t k = 0;
        for (int d = 0; seg.math && d <= seg.display && k + 1 < sizeof buf; d++)
            buf[k++] = '$';
        for (size_t i = seg.start; i < seg.start + seg.len && k + 2 < sizeof buf; i++) {
            if (!seg.math && t[i] == '\\' && t[i + 1] == '$')
                i++;
            buf[k++] = t[i];
        }
        for (int d = 0; seg.math && seg.closed && d <= seg.display && k + 1 < sizeof buf; d++)
            buf[k++] = '$';
        buf[k] = '\0';
        if (!k)
            continue;
        cairo_text_extents_t te;
        cairo_text_extents(cr, buf, &te);
        if (draw) {
            cairo_move_to(cr, x + w, baseline);
            cairo_show_text(cr, buf);
            cairo_new_path(cr);
        }
        w += te.x_advance;
    }
    return w;
}

void draw_text_reach(cairo_t *cr, const char *s, double *up, double *down)
{
    pin_scaled_font(cr);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double half = (fe.ascent + fe.descent) / 2, bo = fe.ascent - half;
    *up = *down = 0;
    if (!s || !math_text_has(s))
        return;
    cairo_matrix_t fm;
    cairo_get_font_matrix(cr, &fm);
    size_t pos = 0;
    struct math_segment seg;
    while (math_text_next(s, &pos, &seg)) {
        const struct math_box *b = seg.math && seg.closed && seg.len
                                       ? math_cached(s + seg.start, seg.len, seg.display) : NULL;
        if (!b)
            continue;
        *up = fmax(*up, b->ascent * fm.yy - bo - half);
        *down = fmax(*down, bo + b->descent * fm.yy - half);
    }
}

double draw_text_width(cairo_t *cr, const char *s)
{
    if (!s || !*s)
        return 0;
    char buf[256], *heap;
    const char *t = utf8_clean(s, buf, sizeof buf, &heap);
    pin_scaled_font(cr);
    double w;
    if (math_text_has(t)) {
        w = rich_line(cr, t, 0, 0, 0);
    } else {
        cairo_text_extents_t te;
        cairo_text_extents(cr, t, &te);
        w = te.x_advance;
    }
    free(heap);
    return w;
}

double draw_text(cairo_t *cr, double x, double y, double ax, double ay, const char *s)
{
    if (!s || !*s)
        return 0;
    char buf[256], *heap;
    const char *t = utf8_clean(s, buf, sizeof buf, &heap);
    /* The advance and the font's ascent+descent, not the ink box: "1" and
     * "-1.0", or "a" and "Ag", must line up when given the same anchor. */
    pin_scaled_font(cr);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double top = y - ay * (fe.ascent + fe.descent);
    double w;
    if (math_text_has(t)) {
        w = rich_line(cr, t, 0, 0, 0);
        rich_line(cr, t, 1, x - ax * w, top + fe.ascent);
    } else {
        cairo_text_extents_t te;
        cairo_text_extents(cr, t, &te);
        w = te.x_advance;
        cairo_move_to(cr, x - ax * w, top + fe.ascent);
        cairo_show_text(cr, t);
        /* show_text leaves a current point; a caller's next line_to must
         * not silently connect to the end of the text. */
        cairo_new_path(cr);
    }
    free(heap);
    return w;
}

/* ---- viewport ---------------------------------------------------------- */

/* Position of a value along an axis as a fraction of the range, 0 at lo.
 * A zero-width range maps everything to the middle rather than dividing by
 * zero. Non-positive values on a log axis give NaN, which breaks lines. */
static double axis_frac(double val, double lo, double hi, int logaxis)
{
    if (logaxis) {
        val = log10(val);
        lo = log10(lo);
        hi = log10(hi);
    }
    if (hi == lo)
        return 0.5;
    return (val - lo) / (hi - lo);
}

static double axis_value(double t, double lo, double hi, int logaxis)
{
    if (logaxis)
        return pow(10.0, log10(lo) + t * (log10(hi) - log10(lo)));
    return lo + t * (hi - lo);
}

double vp_x(const struct viewport *v, double x)
{
    return v->px + axis_frac(x, v->x0, v->x1, v->xlog) * v->pw;
}

double vp_y(const struct viewport *v, double y)
{
    return v->py + (1.0 - axis_frac(y, v->y0, v->y1, v->ylog)) * v->ph;
}

double vp_data_x(const struct viewport *v, double px)
{
    double t = v->pw != 0 ? (px - v->px) / v->pw : 0.5;
    return axis_value(t, v->x0, v->x1, v->xlog);
}

double vp_data_y(const struct viewport *v, double py)
{
    double t = v->ph != 0 ? 1.0 - (py - v->py) / v->ph : 0.5;
    return axis_value(t, v->y0, v->y1, v->ylog);
}

void vp_clip(cairo_t *cr, const struct viewport *v)
{
    cairo_rectangle(cr, v->px, v->py, v->pw, v->ph);
    cairo_clip(cr);
}

/* ---- ticks ------------------------------------------------------------- */

/* 10^e as the correctly rounded double: powers up to 1e22 are exact, and
 * dividing by one is more accurate than pow(10, -e) for negative e. */
static double pow10i(int e)
{
    if (e >= 0)
        return pow(10.0, e);
    return 1.0 / pow(10.0, -e);
}

/* m * 10^e computed so that 0.1, 0.2, 0.3 ... come out as the same doubles
 * as the literals, which keeps labels and range checks honest. */
static double scaled(double m, int e)
{
    return e >= 0 ? m * pow10i(e) : m / pow10i(-e);
}

int ticks_nice(double lo, double hi, int target, double *out, int cap, double *step)
{
    if (step)
        *step = 0;
    if (!isfinite(lo) || !isfinite(hi) || !out || cap <= 0)
        return 0;
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (target < 1)
        target = 1;
    double span = hi - lo;
    if (!isfinite(span))
        return 0;

    /* Equal (or equal up to rounding) ends: the only value inside the range
     * is the range itself; the step only tells the formatter its scale. */
    double mag = fmax(fabs(lo), fabs(hi));
    if (span <= mag * 1e-12 || span < 1e-300) {
        out[0] = lo == 0 ? 0.0 : lo;
        if (step)
            *step = mag > 0 ? pow10i((int)floor(log10(mag))) : 1.0;
        return 1;
    }

    static const double mants[3] = { 1, 2, 5 };
    int kb = (int)floor(log10(span / target));
    double best_score = INFINITY, best_m = 0, best_s = 0;
    int best_k = 0;
    for (int k = kb - 1; k <= kb + 3; k++) {
        for (int j = 0; j < 3; j++) {
            double s = scaled(mants[j], k);
            if (!(s > 0) || !isfinite(s))
                continue;
            double i0 = ceil(lo / s - 1e-9), i1 = floor(hi / s + 1e-9);
            double cnt = i1 - i0 + 1;
            if (cnt < 1 || cnt > cap)
                continue;
            /* Closeness as a ratio: 7 ticks for a target of 5 reads better
             * than 3, though both are 2 away. */
            double score = fabs(log(cnt / target));
            if (score < best_score - 1e-12 || (fabs(score - best_score) <= 1e-12 && s > best_s)) {
                best_score = score;
                best_m = mants[j];
                best_k = k;
                best_s = s;
            }
        }
    }
    if (best_s == 0)
        return 0;

    double i0 = ceil(lo / best_s - 1e-9), i1 = floor(hi / best_s + 1e-9);
    int n = 0;
    for (double i = i0; i <= i1 && n < cap; i++) {
        double val = scaled(i * best_m, best_k);
        /* Multiples computed from the index never accumulate error, but a
         * value can still land an ulp past an end that is itself a tick. */
        if (fabs(val) < best_s * 1e-9)
            val = 0.0;
        if (val < lo) {
            if (lo - val > best_s * 1e-9)
                continue;
            val = lo;
        }
        if (val > hi) {
            if (val - hi > best_s * 1e-9)
                continue;
            val = hi;
        }
        out[n++] = val;
    }
    if (step)
        *step = best_s;
    return n;
}

int ticks_log(double lo, double hi, double *out, int cap)
{
    if (!isfinite(lo) || !isfinite(hi) || !(lo > 0) || !(hi > 0) || !out || cap <= 0)
        return 0;
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    double llo = log10(lo), lhi = log10(hi);
    int e_first = (int)ceil(llo - 1e-9), e_last = (int)floor(lhi + 1e-9);
    double tol = 1e-9;
    int n = 0;
    if (e_last - e_first + 1 >= 3) {
        for (int e = e_first; e <= e_last && n < cap; e++)
            out[n++] = pow10i(e);
        return n;
    }
    static const double mants[3] = { 1, 2, 5 };
    for (int e = (int)floor(llo) - 1; e <= e_last && n < cap; e++) {
        for (int j = 0; j < 3 && n < cap; j++) {
            double val = scaled(mants[j], e);
            if (val >= lo * (1 - tol) && val <= hi * (1 + tol))
                out[n++] = val;
        }
    }
    return n;
}

/* Copy src to buf with a leading '-' removed when every digit is zero: a
 * value that rounds to zero is shown as "0", never "-0" or "-0.00". */
static void put_number(char *buf, size_t n, const char *src)
{
    if (src[0] == '-' && strspn(src + 1, "0.") == strlen(src + 1))
        src++;
    snprintf(buf, n, "%s", src);
}

/* "2.5e-7": for values a fixed number of decimals cannot show sensibly.
 * The mantissa keeps as many digits as the step needs, so neighbouring
 * ticks never collapse to the same label. */
static void format_sci(double v, double step, char *buf, size_t n)
{
    int e = (int)floor(log10(fabs(v)) + 1e-9);
    int es = (int)floor(log10(step) + 1e-9);
    int sig = e - es + 1;
    sig = sig < 1 ? 1 : sig > 15 ? 15 : sig;
    double m = v / pow10i(e);
    double scale = pow10i(sig - 1);
    m = round(m * scale) / scale;
    if (fabs(m) >= 10) {        /* 9.99e6 rounding up to 1e7 */
        m /= 10;
        e++;
    }
    char out[80];
    snprintf(out, sizeof out, "%.*ge%d", sig, m, e);
    put_number(buf, n, out);
}

static void format_linear(double v, double step, char *buf, size_t n)
{
    char tmp[400];
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
        return;
    }
    if (!(step > 0) || !isfinite(step)) {
        snprintf(tmp, sizeof tmp, "%g", v);
        put_number(buf, n, tmp);
        return;
    }
    /* The epsilon keeps log10(0.001) = -2.9999999999999996 from asking for
     * a fourth decimal. */
    int decimals = (int)-floor(log10(step) + 1e-9);
    if (decimals < 0)
        decimals = 0;
    /* Past these scales fixed notation turns into a row of zeros that
     * crowds the axis ("2000000", "0.0000003"); the exponent reads better. */
    if (v != 0 && (step >= 1e5 || (decimals > 6 && fabs(v) < 1e-3) || fabs(v) >= 1e12)) {
        format_sci(v, step, buf, n);
        return;
    }
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    put_number(buf, n, tmp);
}

void ticks_format(double v, double step, int logaxis, char *buf, size_t n)
{
    if (!buf || n == 0)
        return;
    if (logaxis && isfinite(v) && v > 0) {
        int e = (int)floor(log10(v) + 1e-9);
        double m = v / pow10i(e);
        double mr = round(m);
        /* 1, 2 and 5 times a power of ten get the compact log style; any
         * other value on a log axis is labelled like a linear one. */
        if (fabs(m - mr) < 1e-6 && mr >= 1 && mr <= 9) {
            if (e >= -2 && e <= 3)
                snprintf(buf, n, "%.*f", e < 0 ? -e : 0, scaled(mr, e));
            else if (mr == 1)
                snprintf(buf, n, "1e%d", e);
            else
                snprintf(buf, n, "%de%d", (int)mr, e);
            return;
        }
    }
    format_linear(v, step, buf, n);
}

/* ---- axes -------------------------------------------------------------- */

#define AXIS_MAX_TICKS 64

struct tick {
    double val;
    double pos;         /* pixel coordinate, snapped to a pixel centre */
    double w;           /* label width */
    char label[48];
    int shown;
};

struct axis_ticks {
    struct tick t[AXIS_MAX_TICKS];
    int n;
    int decades_only;   /* log axis with only powers of ten: draw minor ticks */
    int logaxis;
};

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void axis_ticks_make(struct axis_ticks *at, double lo, double hi, int logaxis, int target)
{
    double vals[AXIS_MAX_TICKS], step = 0;
    int n = 0;
    at->decades_only = 0;
    at->logaxis = logaxis;
    double dlo = fmin(lo, hi), dhi = fmax(lo, hi);
    if (logaxis && dlo > 0 && log10(dhi) - log10(dlo) > 24) {
        /* Decade ticks would merge into a bar: step through the exponents
         * with nice strides (every 5th, 10th ... power) instead. */
        double ev[AXIS_MAX_TICKS], estep = 0;
        int ne = ticks_nice(log10(dlo), log10(dhi), target, ev, AXIS_MAX_TICKS, &estep);
        for (int i = 0; i < ne; i++)
            vals[n++] = pow10i((int)lround(ev[i]));
    } else if (logaxis) {
        n = ticks_log(lo, hi, vals, AXIS_MAX_TICKS);
        at->decades_only = 1;
        for (int i = 0; i < n; i++) {
            double m = vals[i] / pow10i((int)floor(log10(vals[i]) + 1e-9));
            if (fabs(m - 1) > 1e-6)
                at->decades_only = 0;
        }
        /* A log axis spanning less than one "nice" interval (3 to 4, say)
         * still deserves labels: fall back to linear steps. */
        if (n < 2) {
            n = ticks_nice(lo, hi, target, vals, AXIS_MAX_TICKS, &step);
            at->decades_only = 0;
        }
    } else {
        n = ticks_nice(lo, hi, target, vals, AXIS_MAX_TICKS, &step);
    }
    at->n = n;
    for (int i = 0; i < n; i++) {
        at->t[i].val = vals[i];
        at->t[i].shown = 1;
        char *lab = at->t[i].label;
        ticks_format(vals[i], step, logaxis, lab, sizeof at->t[i].label - 2);
        /* Typeset a true minus sign (U+2212), as a hyphen looks too short
         * and thin next to digits. */
        if (lab[0] == '-') {
            char minus[sizeof at->t[i].label];
            snprintf(minus, sizeof minus, "\xE2\x88\x92%s", lab + 1);
            memcpy(lab, minus, sizeof minus);
        }
    }
}

/* Index of the tick at 0 (or 1 on a log axis) if there is one, so that
 * thinned labels keep the origin; otherwise the first. */
static int axis_anchor(const struct axis_ticks *at, int logaxis)
{
    for (int i = 0; i < at->n; i++)
        if (at->t[i].val == (logaxis ? 1 : 0))
            return i;
    return 0;
}

static void axis_thin(struct axis_ticks *at, int stride)
{
    int a = axis_anchor(at, at->logaxis);
    for (int i = 0; i < at->n; i++)
        at->t[i].shown = ((i - a) % stride + stride) % stride == 0;
}

/* Horizontal labels: thin until neighbours keep a clear gap. */
static void axis_thin_x(struct axis_ticks *at, double min_gap)
{
    for (int stride = 1; stride <= at->n; stride++) {
        axis_thin(at, stride);
        int ok = 1;
        double prev_right = -INFINITY;
        for (int i = 0; i < at->n && ok; i++) {
            if (!at->t[i].shown)
                continue;
            double left = at->t[i].pos - at->t[i].w / 2;
            if (left - prev_right < min_gap)
                ok = 0;
            prev_right = at->t[i].pos + at->t[i].w / 2;
        }
        if (ok)
            return;
    }
}

/* Vertical labels: every label is one line high, so only spacing matters. */
static void axis_thin_y(struct axis_ticks *at, double line_h)
{
    double min_sp = INFINITY;
    for (int i = 1; i < at->n; i++)
        min_sp = fmin(min_sp, fabs(at->t[i].pos - at->t[i - 1].pos));
    int stride = 1;
    while (stride < at->n && min_sp * stride < line_h)
        stride++;
    axis_thin(at, stride);
}

/* Draws s centred-ish at (x, y) within max_w pixels: first shrinks the font
 * down to 80 %, then cuts the text with an ellipsis, so a long title never
 * runs out of its panel. */
static void draw_text_fit(cairo_t *cr, double x, double y, double ax, double ay, const char *s,
                          int bold, double size, double max_w)
{
    draw_font(cr, bold, size);
    double w = draw_text_width(cr, s);
    if (w > max_w && max_w > 0) {
        /* a formula is never cut: text with one shrinks to fit whole */
        double sz = math_text_has(s) ? size * max_w / w : fmax(size * 0.8, size * max_w / w);
        draw_font(cr, bold, sz);
        w = draw_text_width(cr, s);
    }
    if (w <= max_w || max_w <= 0) {
        draw_text(cr, x, y, ax, ay, s);
        return;
    }
    char buf[512];
    size_t len = strlen(s);
    if (len > sizeof buf - 4)
        len = sizeof buf - 4;
    while (len > 0) {
        /* Cut on a character boundary so the ellipsis follows whole
         * characters. */
        do
            len--;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80);
        memcpy(buf, s, len);
        memcpy(buf + len, "\xE2\x80\xA6", 4);
        if (draw_text_width(cr, buf) <= max_w)
            break;
    }
    draw_text(cr, x, y, ax, ay, len > 0 ? buf : "\xE2\x80\xA6");
}

/* Text centred on cx like matplotlib's titles and labels (over the plot,
 * not the panel), but pulled back inside [lo, hi] when the plot is off-centre
 * and the text is long. */
static void draw_centred_fit(cairo_t *cr, double cx, double y, double ay, const char *s,
                             int bold, double size, double lo, double hi)
{
    double max_w = hi - lo;
    draw_font(cr, bold, size);
    double tw = fmin(draw_text_width(cr, s), max_w);
    cx = fmin(cx, hi - tw / 2);
    cx = fmax(cx, lo + tw / 2);
    draw_text_fit(cr, cx, y, 0.5, ay, s, bold, size, max_w);
}

static double font_line_height(cairo_t *cr, int bold, double size)
{
    cairo_font_extents_t fe;
    draw_font(cr, bold, size);
    pin_scaled_font(cr);
    cairo_font_extents(cr, &fe);
    return fe.ascent + fe.descent;
}

/* A 1 px line lands on whole pixels only when centred on a pixel centre. */
static double snap(double p, double lo, double hi)
{
    double s = floor(p) + 0.5;
    if (s < lo + 0.5)
        s = lo + 0.5;
    if (s > hi - 0.5)
        s = hi - 0.5;
    return s;
}

static void stroke_segment(cairo_t *cr, double x0, double y0, double x1, double y1)
{
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
}

/* Minor ticks at 2..9 times each power of ten, as log paper has them. */
static void draw_log_minor(cairo_t *cr, const struct viewport *v, int is_y, double len)
{
    double lo = is_y ? v->y0 : v->x0, hi = is_y ? v->y1 : v->x1;
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (!(lo > 0) || !(hi > 0))
        return;
    int e0 = (int)floor(log10(lo)), e1 = (int)floor(log10(hi));
    if (e1 - e0 > 10)
        return;         /* the marks would merge into a solid bar */
    for (int e = e0; e <= e1; e++) {
        for (int m = 2; m <= 9; m++) {
            double val = scaled(m, e);
            if (val < lo || val > hi)
                continue;
            if (is_y) {
                double p = snap(vp_y(v, val), v->py, v->py + v->ph);
                stroke_segment(cr, v->px - len, p, v->px, p);
            } else {
                double p = snap(vp_x(v, val), v->px, v->px + v->pw);
                stroke_segment(cr, p, v->py + v->ph, p, v->py + v->ph + len);
            }
        }
    }
}

void draw_axes(cairo_t *cr, const struct theme *th, double x, double y, double w, double h,
               struct viewport *v, const struct axes_style *st)
{
    draw_axes_flags(cr, th, x, y, w, h, v, st, 0);
}

void draw_axes_flags(cairo_t *cr, const struct theme *th, double x, double y, double w, double h,
                     struct viewport *v, const struct axes_style *st, int flags)
{
    static const struct axes_style no_style;
    if (!st)
        st = &no_style;
    if (!th)
        th = &theme_light;
    const char *title = st->title && *st->title ? st->title : NULL;
    const char *xlabel = st->xlabel && *st->xlabel ? st->xlabel : NULL;
    const char *ylabel = st->ylabel && *st->ylabel ? st->ylabel : NULL;

    const double pad = 10;          /* panel edge to outermost text */
    const double tick_len = 5, minor_len = 3;
    const double tick_gap = 4;      /* tick mark to its label */
    const double label_gap = 6;     /* tick labels to the axis label */
    const double title_gap = 10;    /* title to the plot area */
    const double fs = th->font_size;

    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    cairo_new_path(cr);

    double lh = font_line_height(cr, 0, fs);
    double tlh = title ? font_line_height(cr, 1, th->title_size) : 0;

    /* Vertical layout first: it does not depend on any label width. The top
     * y tick label is centred on the top edge, so half a line must fit above
     * it even without a title. */
    double top = y + pad + (title ? tlh + title_gap : 0);
    top = fmax(top, y + 4 + lh / 2);
    double bottom = y + h - pad - (xlabel ? lh + label_gap : 0) - lh - tick_gap - tick_len;
    top = round(top);
    bottom = round(bottom);
    if (bottom - top < 1)
        bottom = top + 1;
    v->py = top;
    v->ph = bottom - top;

    struct axis_ticks yt_buf, xt_buf;   /* ~5 KB each: fine on the stack */
    struct axis_ticks *yt = &yt_buf, *xt = &xt_buf;

    draw_font(cr, 0, fs);
    axis_ticks_make(yt, v->y0, v->y1, v->ylog, clampi((int)lround(v->ph / 50), 2, 9));
    if (flags & DRAW_AXES_NO_YSCALE)
        yt->n = 0;
    double max_yw = 0;
    for (int i = 0; i < yt->n; i++) {
        yt->t[i].w = draw_text_width(cr, yt->t[i].label);
        max_yw = fmax(max_yw, yt->t[i].w);
    }

    double left = x + pad + (ylabel ? lh + label_gap : 0) + max_yw + tick_gap + tick_len;
    double pw = x + w - pad - left;
    axis_ticks_make(xt, v->x0, v->x1, v->xlog, clampi((int)lround(pw / 65), 2, 9));
    /* x labels are centred on their ticks and may hang past either end of
     * the plot: move the plot's edges in until every label fits inside the
     * panel (on the left, the y labels usually leave room already). */
    double right = x + w - pad;
    for (int i = 0; i < xt->n; i++) {
        xt->t[i].w = draw_text_width(cr, xt->t[i].label);
        double t = axis_frac(xt->t[i].val, v->x0, v->x1, v->xlog);
        if (isfinite(t))
            left = fmax(left, x + pad / 2 + xt->t[i].w / 2 - t * pw);
    }
    left = round(left);
    pw = right - left;
    for (int i = 0; i < xt->n; i++) {
        double t = axis_frac(xt->t[i].val, v->x0, v->x1, v->xlog);
        if (t > 0 && isfinite(t))
            pw = fmin(pw, (x + w - pad / 2 - xt->t[i].w / 2 - left) / t);
    }
    pw = floor(pw);
    if (pw < 1)
        pw = 1;
    v->px = left;
    v->pw = pw;

    for (int i = 0; i < xt->n; i++)
        xt->t[i].pos = snap(vp_x(v, xt->t[i].val), v->px, v->px + v->pw);
    for (int i = 0; i < yt->n; i++)
        yt->t[i].pos = snap(vp_y(v, yt->t[i].val), v->py, v->py + v->ph);
    axis_thin_x(xt, 8);
    axis_thin_y(yt, lh + 2);

    double pr = v->px + v->pw, pb = v->py + v->ph;
    cairo_set_line_width(cr, 1);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_dash(cr, NULL, 0, 0);

    if (st->grid) {
        draw_set_color(cr, th->grid);
        for (int i = 0; i < xt->n; i++)
            if (xt->t[i].pos > v->px + 1)   /* the spine covers the first */
                stroke_segment(cr, xt->t[i].pos, v->py, xt->t[i].pos, pb);
        for (int i = 0; i < yt->n; i++)
            if (yt->t[i].pos < pb - 1)
                stroke_segment(cr, v->px, yt->t[i].pos, pr, yt->t[i].pos);
    }

    /* Left and bottom spines only, as one path so the corner is mitred. */
    draw_set_color(cr, th->axis);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_move_to(cr, v->px + 0.5, v->py);
    cairo_line_to(cr, v->px + 0.5, pb - 0.5);
    cairo_line_to(cr, pr, pb - 0.5);
    cairo_stroke(cr);

    for (int i = 0; i < xt->n; i++)
        stroke_segment(cr, xt->t[i].pos, pb, xt->t[i].pos, pb + tick_len);
    for (int i = 0; i < yt->n; i++)
        stroke_segment(cr, v->px - tick_len, yt->t[i].pos, v->px, yt->t[i].pos);
    if (v->xlog && xt->decades_only)
        draw_log_minor(cr, v, 0, minor_len);
    if (v->ylog && yt->decades_only)
        draw_log_minor(cr, v, 1, minor_len);

    draw_font(cr, 0, fs);
    draw_set_color(cr, th->muted);
    for (int i = 0; i < xt->n; i++)
        if (xt->t[i].shown)
            draw_text(cr, xt->t[i].pos, pb + tick_len + tick_gap, 0.5, 0, xt->t[i].label);
    for (int i = 0; i < yt->n; i++)
        if (yt->t[i].shown)
            draw_text(cr, v->px - tick_len - tick_gap, yt->t[i].pos, 1, 0.5, yt->t[i].label);

    draw_set_color(cr, th->text);
    if (xlabel)
        draw_centred_fit(cr, v->px + v->pw / 2, y + h - pad, 1, xlabel, 0, fs,
                         x + pad, x + w - pad);
    if (ylabel) {
        /* Rotated a quarter turn anticlockwise, the text's x axis runs up
         * the panel, so panel y = -u. */
        cairo_save(cr);
        cairo_translate(cr, x + pad + lh / 2, 0);
        cairo_rotate(cr, -DRAW_PI / 2);
        draw_centred_fit(cr, -(v->py + v->ph / 2), 0, 0.5, ylabel, 0, fs,
                         -(y + h - pad), -(y + pad));
        cairo_restore(cr);
    }
    if (title)
        draw_centred_fit(cr, v->px + v->pw / 2, y + pad, 0, title, 1, th->title_size,
                         x + pad, x + w - pad);

    cairo_restore(cr);
}

/* ---- marks in data coordinates ---------------------------------------- */

/* Streams points into a cairo path, breaking at non-finite values and
 * clipping each segment to a rectangle a little larger than the plot area.
 * The geometric clip matters beyond looks: cairo stores coordinates in 24.8
 * fixed point, so a point at 1e12 pixels would wrap around and draw a
 * segment across the plot instead of off it. */
struct pen {
    cairo_t *cr;
    const struct viewport *v;
    double r[4];            /* xmin, ymin, xmax, ymax */
    int have_prev, open;
    double prev_x, prev_y;  /* last finite point, pixels, unclipped */
    double end_x, end_y;    /* where the path currently ends */
};

static void pen_init(struct pen *p, cairo_t *cr, const struct viewport *v, double margin)
{
    p->cr = cr;
    p->v = v;
    p->r[0] = v->px - margin;
    p->r[1] = v->py - margin;
    p->r[2] = v->px + v->pw + margin;
    p->r[3] = v->py + v->ph + margin;
    p->have_prev = p->open = 0;
    p->prev_x = p->prev_y = p->end_x = p->end_y = 0;
    cairo_new_path(cr);
}

/* Liang-Barsky: trims (ax,ay)-(bx,by) to r; 0 if nothing is left. */
static int clip_segment(const double r[4], double *ax, double *ay, double *bx, double *by)
{
    double dx = *bx - *ax, dy = *by - *ay;
    double t0 = 0, t1 = 1;
    double pq[4][2] = {
        { -dx, *ax - r[0] }, { dx, r[2] - *ax }, { -dy, *ay - r[1] }, { dy, r[3] - *ay },
    };
    for (int i = 0; i < 4; i++) {
        double pp = pq[i][0], q = pq[i][1];
        if (pp == 0) {
            if (q < 0)
                return 0;
            continue;
        }
        double t = q / pp;
        if (pp < 0) {
            if (t > t1)
                return 0;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return 0;
            if (t < t1)
                t1 = t;
        }
    }
    double x0 = *ax, y0 = *ay;
    if (t1 < 1) {
        *bx = x0 + t1 * dx;
        *by = y0 + t1 * dy;
    }
    if (t0 > 0) {
        *ax = x0 + t0 * dx;
        *ay = y0 + t0 * dy;
    }
    return 1;
}

static void pen_add(struct pen *p, double x, double y)
{
    double X = vp_x(p->v, x), Y = vp_y(p->v, y);
    if (!isfinite(X) || !isfinite(Y)) {
        p->have_prev = 0;
        p->open = 0;
        return;
    }
    if (p->have_prev) {
        double ax = p->prev_x, ay = p->prev_y, bx = X, by = Y;
        if (clip_segment(p->r, &ax, &ay, &bx, &by)) {
            /* An unclipped start is bit-identical to the previous end, so
             * the path continues and gets a proper join. */
            if (!p->open || ax != p->end_x || ay != p->end_y)
                cairo_move_to(p->cr, ax, ay);
            cairo_line_to(p->cr, bx, by);
            p->end_x = bx;
            p->end_y = by;
            p->open = 1;
        } else {
            p->open = 0;
        }
    }
    p->prev_x = X;
    p->prev_y = Y;
    p->have_prev = 1;
}

const char *const draw_dash_names[] = { "solid", "dashed", "dotted", "dashdot", NULL };

/* Round caps stretch every dash by a width, so the pattern is shortened by
 * that much to make the visible dashes 3 widths on, 2 off; a dot is a dash
 * of (almost) no length, which its caps make round and one width across.
 * Not exactly 0: cairo drops a zero-length dash that is not the first of
 * its pattern. Any other non-zero value is the old flag's "dashed". */
static void set_line_style(cairo_t *cr, double width, uint32_t color, int dashed)
{
    draw_set_color(cr, color);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    if (dashed == DRAW_DOTTED) {
        double d[2] = { 0.001 * width, 2.5 * width };
        cairo_set_dash(cr, d, 2, 0);
    } else if (dashed == DRAW_DASHDOT) {
        double d[4] = { 3 * width, 2.5 * width, 0.001 * width, 2.5 * width };
        cairo_set_dash(cr, d, 4, 0);
    } else if (dashed) {
        double d[2] = { 2 * width, 3 * width };
        cairo_set_dash(cr, d, 2, 0);
    } else {
        cairo_set_dash(cr, NULL, 0, 0);
    }
}

void draw_polyline(cairo_t *cr, const struct viewport *v, const double *xs, const double *ys,
                   int n, double width, uint32_t color, int dashed)
{
    if (!xs || !ys || n < 2 || !(width > 0))
        return;
    cairo_save(cr);
    cairo_new_path(cr);
    vp_clip(cr, v);
    set_line_style(cr, width, color, dashed);
    struct pen p;
    pen_init(&p, cr, v, width + 4);
    for (int i = 0; i < n; i++)
        pen_add(&p, xs[i], ys[i]);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void draw_function(cairo_t *cr, const struct viewport *v, double (*f)(double x, const void *ctx),
                   const void *ctx, int n, double width, uint32_t color)
{
    if (!f || !(width > 0))
        return;
    if (n < 2)
        n = 2;
    cairo_save(cr);
    cairo_new_path(cr);
    vp_clip(cr, v);
    set_line_style(cr, width, color, 0);
    struct pen p;
    pen_init(&p, cr, v, width + 4);
    /* Evenly spaced in pixels, which on a log axis means evenly spaced in
     * log x; the ends are the exact range so f sees x0 and x1 themselves. */
    for (int i = 0; i < n; i++) {
        double xv = i == 0 ? v->x0
                  : i == n - 1 ? v->x1
                  : vp_data_x(v, v->px + v->pw * i / (n - 1));
        pen_add(&p, xv, f(xv, ctx));
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

void draw_scatter(cairo_t *cr, const struct viewport *v, const double *xs, const double *ys,
                  int n, double radius, uint32_t fill, uint32_t edge)
{
    if (!xs || !ys || n <= 0 || !(radius > 0))
        return;
    int has_edge = (edge >> 24) != 0;
    double ew = fmax(1.0, radius * 0.25);
    double m = radius + ew;
    cairo_save(cr);
    cairo_new_path(cr);
    vp_clip(cr, v);
    cairo_set_line_width(cr, ew);
    cairo_set_dash(cr, NULL, 0, 0);
    for (int i = 0; i < n; i++) {
        double X = vp_x(v, xs[i]), Y = vp_y(v, ys[i]);
        /* Also keeps far-away points out of cairo's fixed-point range. */
        if (!isfinite(X) || !isfinite(Y) || X < v->px - m || X > v->px + v->pw + m
            || Y < v->py - m || Y > v->py + v->ph + m)
            continue;
        cairo_new_sub_path(cr);
        cairo_arc(cr, X, Y, radius, 0, 2 * DRAW_PI);
        draw_set_color(cr, fill);
        if (has_edge) {
            cairo_fill_preserve(cr);
            draw_set_color(cr, edge);
            cairo_stroke(cr);
        } else {
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
}

/* ---- colour maps ---------------------------------------------------------- */

const char *const draw_colormap_names[] = { "viridis", "magma", "jet", "gray", NULL };

/* viridis and magma sampled at 11 evenly spaced points (the values matplotlib
 * and R's viridisLite publish); between them the channels are interpolated
 * linearly, which keeps them within a shade of the full 256-entry tables. */
static const uint32_t cmap_viridis[11] = {
    0x440154, 0x482576, 0x414487, 0x35608D, 0x2A788E, 0x21908C,
    0x22A884, 0x43BF71, 0x7AD151, 0xBBDF27, 0xFDE725,
};
static const uint32_t cmap_magma[11] = {
    0x000004, 0x140E36, 0x3B0F70, 0x641A80, 0x8C2981, 0xB73779,
    0xDE4968, 0xF7705C, 0xFE9F6D, 0xFECF92, 0xFCFDBF,
};

static uint32_t cmap_table(const uint32_t *tab, int n, double t)
{
    double f = t * (n - 1);
    int i = (int)floor(f);
    if (i >= n - 1)
        i = n - 2;
    double u = f - i;
    uint32_t a = tab[i], b = tab[i + 1], out = 0xFF000000u;
    for (int sh = 0; sh <= 16; sh += 8) {
        double ca = (a >> sh) & 0xFF, cb = (b >> sh) & 0xFF;
        out |= (uint32_t)lround(ca + (cb - ca) * u) << sh;
    }
    return out;
}

/* matplotlib's jet: piecewise linear ramps per channel. */
static double jet_channel(const double (*pts)[2], int n, double t)
{
    for (int i = 1; i < n; i++)
        if (t <= pts[i][0])
            return pts[i - 1][1] + (pts[i][1] - pts[i - 1][1]) * (t - pts[i - 1][0])
                   / (pts[i][0] - pts[i - 1][0]);
    return pts[n - 1][1];
}

static uint32_t cmap_jet(double t)
{
    static const double r[][2] = { {0, 0}, {0.35, 0}, {0.66, 1}, {0.89, 1}, {1, 0.5} };
    static const double g[][2] = { {0, 0}, {0.125, 0}, {0.375, 1}, {0.64, 1}, {0.91, 0}, {1, 0} };
    static const double b[][2] = { {0, 0.5}, {0.11, 1}, {0.34, 1}, {0.65, 0}, {1, 0} };
    uint32_t R = (uint32_t)lround(255 * jet_channel(r, 5, t));
    uint32_t G = (uint32_t)lround(255 * jet_channel(g, 6, t));
    uint32_t B = (uint32_t)lround(255 * jet_channel(b, 5, t));
    return 0xFF000000u | R << 16 | G << 8 | B;
}

uint32_t draw_colormap(int map, double t)
{
    if (isnan(t))
        return 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    switch (map) {
    case DRAW_CMAP_MAGMA:
        return cmap_table(cmap_magma, 11, t);
    case DRAW_CMAP_JET:
        return cmap_jet(t);
    case DRAW_CMAP_GRAY: {
        uint32_t v = (uint32_t)lround(255 * t);
        return 0xFF000000u | v << 16 | v << 8 | v;
    }
    default:
        return cmap_table(cmap_viridis, 11, t);
    }
}

/* ---- marks in pixels ---------------------------------------------------- */

void draw_line(cairo_t *cr, double x0, double y0, double x1, double y1, double width,
               uint32_t color, int dashed)
{
    if (!(width > 0))
        return;
    cairo_save(cr);
    cairo_new_path(cr);
    set_line_style(cr, width, color, dashed);
    stroke_segment(cr, x0, y0, x1, y1);
    cairo_restore(cr);
}

void draw_arrow(cairo_t *cr, double x0, double y0, double x1, double y1, double width,
                double head, uint32_t color)
{
    double dx = x1 - x0, dy = y1 - y0;
    double len = hypot(dx, dy);
    if (!(len > 1e-9) || !isfinite(len))
        return;
    double ux = dx / len, uy = dy / len;
    if (!(head > 0))
        head = 0;
    /* A head longer than the arrow itself is scaled down to fit, keeping
     * its shape, and no shaft is drawn. */
    double hl = fmin(head, len);
    double hw = hl * 0.45;     /* half the width of the head's base */

    cairo_save(cr);
    cairo_new_path(cr);
    draw_set_color(cr, color);
    if (len > hl && width > 0) {
        /* The butt-capped shaft ends inside the head so that its square end
         * never shows beside the tip. */
        double end = len - hl * 0.6;
        cairo_set_line_width(cr, width);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_set_dash(cr, NULL, 0, 0);
        stroke_segment(cr, x0, y0, x0 + ux * end, y0 + uy * end);
    }
    if (hl > 0) {
        double bx = x1 - ux * hl, by = y1 - uy * hl;
        cairo_move_to(cr, x1, y1);
        cairo_line_to(cr, bx - uy * hw, by + ux * hw);
        cairo_line_to(cr, bx + uy * hw, by - ux * hw);
        cairo_close_path(cr);
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

void draw_box(cairo_t *cr, double x, double y, double w, double h, double radius,
              uint32_t fill, uint32_t stroke, double stroke_width)
{
    if (!(w > 0) || !(h > 0))
        return;
    double r = fmin(fmax(radius, 0), fmin(w, h) / 2);
    cairo_save(cr);
    cairo_new_path(cr);
    if (r > 0) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, x + w - r, y + r, r, -DRAW_PI / 2, 0);
        cairo_arc(cr, x + w - r, y + h - r, r, 0, DRAW_PI / 2);
        cairo_arc(cr, x + r, y + h - r, r, DRAW_PI / 2, DRAW_PI);
        cairo_arc(cr, x + r, y + r, r, DRAW_PI, 3 * DRAW_PI / 2);
        cairo_close_path(cr);
    } else {
        cairo_rectangle(cr, x, y, w, h);
    }
    if (fill >> 24) {
        draw_set_color(cr, fill);
        cairo_fill_preserve(cr);
    }
    if (stroke_width > 0) {
        draw_set_color(cr, stroke);
        cairo_set_line_width(cr, stroke_width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
    cairo_restore(cr);
}

void draw_circle(cairo_t *cr, double cx, double cy, double r, uint32_t fill, uint32_t stroke,
                 double stroke_width)
{
    if (!(r > 0))
        return;
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_arc(cr, cx, cy, r, 0, 2 * DRAW_PI);
    if (fill >> 24) {
        draw_set_color(cr, fill);
        cairo_fill_preserve(cr);
    }
    if (stroke_width > 0) {
        draw_set_color(cr, stroke);
        cairo_set_line_width(cr, stroke_width);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
    cairo_restore(cr);
}

void draw_viewport_image(cairo_t *cr, const struct viewport *v, cairo_surface_t *img)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    cairo_surface_mark_dirty(img);
    cairo_save(cr);
    cairo_rectangle(cr, v->px, v->py, v->pw, v->ph);
    cairo_clip(cr);
    cairo_translate(cr, v->px, v->py);
    cairo_scale(cr, v->pw / w, v->ph / h);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);
}

int draw_viewport_pixels(cairo_t *cr, const struct viewport *v, int *w, int *h)
{
    double sx = 1, sy = 1;
    cairo_user_to_device_distance(cr, &sx, &sy);
    double fw = ceil(v->pw * fabs(sx) - 1e-6), fh = ceil(v->ph * fabs(sy) - 1e-6);
    /* compared as doubles: a NaN or huge area must not reach an int */
    if (!(fw >= 1 && fh >= 1 && fw <= 16384 && fh <= 16384))
        return -1;
    *w = (int)fw;
    *h = (int)fh;
    return 0;
}

cairo_surface_t *draw_viewport_surface(cairo_t *cr, const struct viewport *v)
{
    int w, h;
    if (draw_viewport_pixels(cr, v, &w, &h) != 0)
        return NULL;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    return img;
}

uint32_t draw_mix(uint32_t a, uint32_t b, double u)
{
    uint32_t out = 0;
    for (int s = 0; s < 32; s += 8) {
        double ca = (a >> s) & 0xff, cb = (b >> s) & 0xff;
        out |= (uint32_t)lround(ca + (cb - ca) * u) << s;
    }
    return out;
}
