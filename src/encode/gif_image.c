/* gif_image: the images of the gif encoder kind, one frame at a time. The
 * first image holds every pixel, through the first image's own table when
 * the palettes are split. Each later frame is compared with the one
 * before: only the rectangle that changed is stored; a changed pixel whose
 * new colour is not visibly closer to the source than what is shown keeps
 * what is shown; the unchanged pixels inside the rectangle are written
 * transparent, or as the colour already shown, or either (the compressor
 * picks), whichever compresses smallest; and big images may take near ties
 * (gif_ties.c). The image made waits in coder.pending until the next
 * change tells its delay; the canvas is what the viewer will show once it
 * is, so that the next frame is compared with what is on screen rather
 * than with what was asked for. */
#include <string.h>

#include "diag.h"
#include "encode/gif_internal.h"

/* A changed pixel keeps the colour shown unless the new one is closer to
 * the source by more than this (squared RGB distance): flicker between two
 * nearly equal colours costs bytes for no visible gain. */
#define KEEP_SHOWN_SLACK 10

static void take_output(struct lzw *z, struct gif_image *im)
{
    uint8_t *data = im->data;
    size_t cap = im->cap;
    im->data = z->out;
    im->cap = z->cap;
    im->len = z->len;
    z->out = data;
    z->cap = cap;
}

/* One compression pass, as the lane runs it. */
struct lzw_pass {
    struct lzw *z;
    const uint8_t *val, *alt;
    size_t n;
    int min_bits, run_sym;
    enum lzw_clear clear;
    int rc;
};

static void lzw_pass_run(void *arg)
{
    struct lzw_pass *j = arg;
    j->rc = lzw_encode(j->z, j->val, j->alt, j->n, j->min_bits, j->clear, j->run_sym);
}

/* Whether the first pass over n pixels is likely to fill the table. */
static int likely_to_fill(const struct gif_coder *c, size_t n, int min_bits)
{
    if (c->px_per_code <= 0)
        return 1;
    double fill = LZW_MAX_CODES - ((1 << min_bits) + 2);
    return n / c->px_per_code >= GIF_LANE_FILL_SHARE * fill;
}

/* An image that fills the dictionary is also tried with adaptive clearing;
 * the smaller wins. Images big enough to fill it run the adaptive pass on
 * the lane at the same time when the first pass is likely to fill it
 * (whether it does is known only afterwards), else after the first pass
 * if it did: the result is the same either way, only the time differs.
 * Each pass records its choices in its own buffer, so the winner's need
 * not be encoded again. */
int gif_encode(struct gif_coder *c, struct gif_image *im, const uint8_t *val,
               const uint8_t *alt, size_t n, int min_bits)
{
    struct lzw *a = &c->lzw, *b = &c->lzw2;
    b->chosen = a->chosen ? c->chosen2 : NULL;
    struct lzw_pass second = {b, val, alt, n, min_bits, c->run_sym, LZW_CLEAR_ADAPTIVE, 0};
    int ran = n >= GIF_LANE_MIN_PX && likely_to_fill(c, n, min_bits) &&
              gif_lane_start(&c->lane, lzw_pass_run, &second);
    int rc = lzw_encode(a, val, alt, n, min_bits, LZW_CLEAR_WHEN_FULL, c->run_sym);
    if (rc == 0 && a->ncodes)
        c->px_per_code = (double)n / (double)a->ncodes;
    if (ran)
        gif_lane_wait(&c->lane);
    if (rc < 0 || (ran && second.rc < 0))
        return diag_fail("gif: out of memory for the compressed image");
    take_output(a, im);
    im->min_bits = min_bits;
    if (!a->filled)
        return 0;           /* the adaptive pass, if it ran, made the same */
    if (!ran) {
        lzw_pass_run(&second);
        if (second.rc < 0)
            return diag_fail("gif: out of memory for the compressed image");
    }
    if (b->len < im->len) {
        take_output(b, im);
        if (a->chosen)
            memcpy(a->chosen, c->chosen2, n);
    }
    return 0;
}

int gif_first_image(struct gif_priv *p, const struct frame *f)
{
    int w = p->width, h = p->height;
    struct gif_palettes *pl = &p->pal;
    struct gif_canvas *cv = &p->canvas;
    struct gif_palette *pal = pl->split ? &pl->first : &pl->global;
    uint8_t *val = p->coder.val;
    double err;
    int maxv = gif_map_frame(p, pal, f, val, &err);
    if (maxv < 0)
        return -1;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            cv->rgb[i] = slot_rgb(pal, val[i]);
            cv->idx[i] = pl->split ? pl->first_to_global[val[i]] : val[i];
        }
        memcpy(cv->prev_src + (size_t)y * w, frame_row(f, y), (size_t)w * sizeof *cv->prev_src);
    }
    struct gif_image *im = &p->coder.pending;
    if (gif_encode(&p->coder, im, val, NULL, (size_t)w * h, lzw_min_bits(maxv)) < 0)
        return -1;
    int ties = p->dither.mode == GIF_DITHER_NONE && pl->d0 > 0;
    if (ties && gif_ties_first(p, pal, f) < 0)
        return -1;
    p->ties.on = ties;
    im->x = im->y = 0;
    im->w = w;
    im->h = h;
    if (pl->split) {
        im->lct = &pl->first;
        im->lct_bits = gif_table_bits(pl->first.nslots);
        im->transparent = -1;
    } else {
        im->lct = NULL;
        im->lct_bits = 0;
        im->transparent = pl->global.transparent;
    }
    return 0;
}

/* The bounding box [x0,x1) x [y0,y1) of the pixels that differ from the
 * previous frame; returns 0 when there are none. Whole rows are compared
 * with memcmp first, since most rows of a lesson do not change. */
static int changed_box(const struct gif_priv *p, const struct frame *f,
                       int *x0, int *y0, int *x1, int *y1)
{
    int w = p->width;
    *x0 = w;
    *x1 = 0;
    *y0 = -1;
    for (int y = 0; y < p->height; y++) {
        const uint32_t *src = frame_row(f, y);
        const uint32_t *old = p->canvas.prev_src + (size_t)y * w;
        if (memcmp(src, old, (size_t)w * sizeof *src) == 0)
            continue;
        if (*y0 < 0)
            *y0 = y;
        *y1 = y + 1;
        int l = 0;
        while (l < *x0 && src[l] == old[l])
            l++;
        *x0 = l;
        int r = w;
        while (r > *x1 && src[r - 1] == old[r - 1])
            r--;
        *x1 = r;
    }
    return *y0 >= 0;
}

/* Maps the changed pixels to palette indices; a pixel whose new colour is
 * no closer than what the canvas already shows stays as it is. The frame
 * becomes the previous one as it goes. */
int gif_map_changes(struct gif_priv *p, const struct frame *f, int box[4])
{
    int x0, y0, x1, y1;
    if (!changed_box(p, f, &x0, &y0, &x1, &y1))
        return 0;

    int w = p->width;
    struct gif_dither *dt = &p->dither;
    struct gif_canvas *cv = &p->canvas;
    struct gif_palette *g = &p->pal.global;
    int dithered = dt->mode != GIF_DITHER_NONE;
    const uint8_t T = (uint8_t)g->transparent;
    int hyst = dithered ? -1 : KEEP_SHOWN_SLACK;
    int tx0 = x1, tx1 = x0, ty0 = -1, ty1 = 0;
    if (dt->mode == GIF_DITHER_ORDERED && !dt->amp)
        dt->amp = gif_dither_amplitude(g);
    gif_dither_begin(dt);
    for (int y = y0; y < y1; y++) {
        const uint32_t *src = frame_row(f, y);
        uint32_t *old = cv->prev_src + (size_t)y * w;
        const uint32_t *shown = cv->rgb + (size_t)y * w;
        uint8_t *nrow = cv->next + (size_t)y * w;
        int l = -1, r = -1;
        uint32_t last_px = ~src[x0];
        int idx = 0;
        uint32_t rgb = 0;
        for (int x = x0; x < x1; x++) {
            nrow[x] = T;
            if (src[x] == old[x]) {
                gif_dither_skip(dt, x);
                continue;
            }
            if (src[x] != last_px || dithered) {
                last_px = src[x];
                rgb = pixel_rgb(last_px, p->background);
                idx = gif_map_pixel(dt, g, rgb, x, y, dt->amp);
                if (idx < 0)
                    return diag_fail("gif: out of memory for the palette");
            }
            uint32_t c = slot_rgb(g, idx);
            if (c == shown[x] ||
                (hyst >= 0 && rgb_dist(shown[x], rgb) <= rgb_dist(c, rgb) + hyst))
                continue;
            nrow[x] = (uint8_t)idx;
            if (l < 0)
                l = x;
            r = x;
        }
        memcpy(old + x0, src + x0, (size_t)(x1 - x0) * sizeof *src);
        gif_dither_next_row(dt);
        if (l >= 0) {
            if (ty0 < 0)
                ty0 = y;
            ty1 = y + 1;
            if (l < tx0)
                tx0 = l;
            if (r + 1 > tx1)
                tx1 = r + 1;
        }
    }
    if (ty0 < 0)        /* changed colours, same picture: nothing to show */
        return 0;
    box[0] = tx0;
    box[1] = ty0;
    box[2] = tx1 - tx0;
    box[3] = ty1 - ty0;
    return 1;
}

/* Tries several ways to write the unchanged pixels and near ties for the
 * changed ones. */
int gif_next_image(struct gif_priv *p, const int box[4], int fi)
{
    int w = p->width, x0 = box[0], y0 = box[1], iw = box[2], ih = box[3];
    struct gif_coder *c = &p->coder;
    struct gif_canvas *cv = &p->canvas;
    const struct gif_palette *g = &p->pal.global;
    size_t n = (size_t)iw * ih;
    uint8_t *val = c->val, *alt = c->alt;
    const uint8_t T = (uint8_t)g->transparent;
    /* The largest symbol of each candidate sets its code size; found on
     * the way rather than in a pass of its own. */
    uint8_t max_val = 0, max_alt = 0, max_hv = 0;
    for (int y = y0; y < y0 + ih; y++) {
        const uint8_t *nrow = cv->next + (size_t)y * w;
        const uint8_t *crow = cv->idx + (size_t)y * w;
        for (int x = x0; x < x0 + iw; x++) {
            uint8_t v = nrow[x];
            uint8_t a = v == T ? crow[x] : v;   /* unchanged: transparent or as shown */
            *val++ = v;
            *alt++ = a;
            max_val = v > max_val ? v : max_val;
            max_alt = a > max_alt ? a : max_alt;
        }
    }
    val = c->val;
    alt = c->alt;

    /* Runs of unchanged pixels of one colour stay opaque, runs over several
     * colours become transparent (they would break the strings anyway). */
    uint8_t *hv = c->hval;
    for (size_t i = 0; i < n;) {
        if (val[i] != T) {
            hv[i] = val[i];
            max_hv = val[i] > max_hv ? val[i] : max_hv;
            i++;
            continue;
        }
        size_t e = i + 1;
        int one = 1;
        while (e < n && val[e] == T) {
            one &= alt[e] == alt[i];
            e++;
        }
        uint8_t r = one ? alt[i] : T;
        memset(hv + i, r, e - i);
        max_hv = r > max_hv ? r : max_hv;
        i = e;
    }

    /* Candidates: transparent only, one-colour runs opaque, and for the
     * big images (where it has been seen to pay for its time) the either
     * choice per pixel (transparent or as shown) left to the compressor,
     * while it keeps winning (c->either: in most lessons it never does,
     * and it is the costliest of the three). The smallest wins. */
    c->run_sym = T;
    struct gif_image *im = &c->pending;
    const uint8_t *win_d = val, *win_a = NULL;
    for (int v = 0; v < 3; v++) {
        if (v == 2 && (im->len < GIF_EITHER_MIN_BYTES || !gif_search_due(&c->either)))
            break;
        struct gif_image *dst = v ? &c->trial : im;
        const uint8_t *d = v == 1 ? hv : val;
        const uint8_t *a = v == 2 ? alt : NULL;
        int vm = v == 1 ? max_hv : v == 2 && max_alt > max_val ? max_alt : max_val;
        if (gif_encode(c, dst, d, a, n, lzw_min_bits(vm)) < 0)
            return -1;
        if (v == 2)
            gif_search_result(&c->either, dst->len < im->len);
        if (v && dst->len < im->len) {
            struct gif_image t = *im;
            *im = *dst;
            *dst = t;
            win_d = d;
            win_a = a;
        }
    }
    /* Near ties in the changed pixels of big images, on top of the winner:
     * its unchanged pixels as they were (with their either choice, if it
     * had one). */
    int won = 0;
    if (p->ties.on && im->len >= GIF_EITHER_MIN_BYTES) {
        won = gif_ties_next(p, im, box, fi, win_d, win_a);
        if (won < 0)
            return -1;
    }
    /* The changed pixels go on the canvas. */
    for (int y = y0, i = 0; y < y0 + ih; y++) {
        uint8_t *crow = cv->idx + (size_t)y * w;
        uint32_t *rgbrow = cv->rgb + (size_t)y * w;
        for (int x = x0; x < x0 + iw; x++, i++)
            if (val[i] != T) {
                uint8_t v = won ? p->ties.win[i] : val[i];
                crow[x] = v;
                rgbrow[x] = slot_rgb(g, v);
            }
    }
    c->run_sym = -1;
    im->x = x0;
    im->y = y0;
    im->w = iw;
    im->h = ih;
    im->lct = NULL;
    im->lct_bits = 0;
    im->transparent = T;
    return 0;
}
