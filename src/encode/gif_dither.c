/* gif_dither: how the gif encoder kind maps source pixels to palette
 * indices: the nearest colour (the default: lessons are flat colours, and
 * dithering would make static areas shimmer and defeat the frame
 * differencing), ordered (Bayer) dithering, or error diffusion
 * (Floyd-Steinberg), both for photo-like content. The state is one pass
 * over one frame (the diffusion rows), used by the first image, by the
 * trial mappings of the palette choice and by each later frame's changed
 * pixels, of which it maps only those it is given, so that what does not
 * change stays as it is. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "encode/gif_internal.h"

/* Ordered dithering adds the same position-dependent offset to the three
 * channels: a pixel's result depends only on its colour and place, so what
 * does not change in the picture does not change in the GIF either. */
static const uint8_t bayer8[8][8] = {
    {0, 32, 8, 40, 2, 34, 10, 42},   {48, 16, 56, 24, 50, 18, 58, 26},
    {12, 44, 4, 36, 14, 46, 6, 38},  {60, 28, 52, 20, 62, 30, 54, 22},
    {3, 35, 11, 43, 1, 33, 9, 41},   {51, 19, 59, 27, 49, 17, 57, 25},
    {15, 47, 7, 39, 13, 45, 5, 37},  {63, 31, 55, 23, 61, 29, 53, 21},
};

static inline int clamp255(int v)
{
    return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* Error diffusion rows: rows y and y + 1, indexed x + 1 so that the
 * neighbours of the edges need no test. */
static size_t err_row(const struct gif_dither *d)
{
    return 3 * ((size_t)d->width + 2);
}

int gif_dither_init(struct gif_dither *d, enum gif_dither_mode mode, int width)
{
    d->mode = mode;
    d->width = width;
    d->amp = 0;
    d->err = calloc(2 * err_row(d), sizeof *d->err);
    return d->err ? 0 : -1;
}

void gif_dither_free(struct gif_dither *d)
{
    free(d->err);
    d->err = NULL;
}

/* The median distance from a colour to its nearest neighbour, so that
 * neighbouring colours mix and no more. */
int gif_dither_amplitude(const struct gif_palette *pal)
{
    int d[256], n = 0;
    for (int i = 0; i < pal->nslots; i++) {
        if (i == pal->transparent)
            continue;
        int best = INT_MAX;
        for (int j = 0; j < pal->nslots; j++)
            if (j != i && j != pal->transparent) {
                int e = gif_palette_dist(pal, j, slot_rgb(pal, i));
                if (e < best)
                    best = e;
            }
        d[n++] = best == INT_MAX ? 0 : best;
    }
    for (int i = 1; i < n; i++)         /* insertion sort: n <= 256 */
        for (int j = i; j > 0 && d[j] < d[j - 1]; j--) {
            int t = d[j];
            d[j] = d[j - 1];
            d[j - 1] = t;
        }
    int med = n ? d[n / 2] : 0, amp = 0;
    while ((amp + 1) * (amp + 1) <= med)
        amp++;
    return amp < 4 ? 4 : amp > 64 ? 64 : amp;
}

static inline uint32_t ordered_target(uint32_t rgb, int x, int y, int amp)
{
    int t = (2 * bayer8[y & 7][x & 7] + 1 - 64) * amp / 128;
    uint32_t out = 0;
    for (int ch = 0; ch < 3; ch++)
        out |= (uint32_t)clamp255(channel(rgb, ch) + t) << (16 - 8 * ch);
    return out;
}

void gif_dither_begin(struct gif_dither *d)
{
    memset(d->err, 0, 2 * err_row(d) * sizeof *d->err);
}

void gif_dither_next_row(struct gif_dither *d)
{
    size_t row = err_row(d);
    memcpy(d->err, d->err + row, row * sizeof *d->err);
    memset(d->err + row, 0, row * sizeof *d->err);
}

int gif_map_pixel(struct gif_dither *d, struct gif_palette *pal, uint32_t rgb,
                  int x, int y, int amp)
{
    if (d->mode == GIF_DITHER_ORDERED)
        return gif_palette_index(pal, ordered_target(rgb, x, y, amp));
    if (d->mode != GIF_DITHER_DIFFUSION)
        return gif_palette_index(pal, rgb);
    int16_t *cur = d->err + 3 * ((size_t)x + 1);
    int16_t *nxt = cur + err_row(d);
    uint32_t want = 0;
    int v[3];
    for (int ch = 0; ch < 3; ch++) {
        v[ch] = clamp255(channel(rgb, ch) + (cur[ch] + 8 * (cur[ch] > 0 ? 1 : -1)) / 16);
        want |= (uint32_t)v[ch] << (16 - 8 * ch);
    }
    int idx = gif_palette_index(pal, want);
    if (idx < 0)
        return idx;
    for (int ch = 0; ch < 3; ch++) {
        int e = v[ch] - pal->rgb[idx][ch];     /* in whole units */
        cur[3 + ch] += (int16_t)(7 * e);
        nxt[-3 + ch] += (int16_t)(3 * e);
        nxt[ch] += (int16_t)(5 * e);
        nxt[3 + ch] += (int16_t)(1 * e);
    }
    return idx;
}

int gif_map_frame(struct gif_priv *p, struct gif_palette *pal,
                  const struct frame *f, uint8_t *out, double *err)
{
    struct gif_dither *dt = &p->dither;
    int dithered = dt->mode != GIF_DITHER_NONE;
    int w = f->width, maxv = 0, amp = dithered ? gif_dither_amplitude(pal) : 0;
    double e = 0;
    gif_dither_begin(dt);
    for (int y = 0; y < f->height; y++) {
        const uint32_t *row = frame_row(f, y);
        uint32_t last = ~row[0], rgb = 0;
        int idx = 0, d = 0;
        for (int x = 0; x < w; x++) {
            if (row[x] != last || dithered) {
                last = row[x];
                rgb = pixel_rgb(last, p->background);
                idx = gif_map_pixel(dt, pal, rgb, x, y, amp);
                if (idx < 0)
                    return diag_fail("gif: out of memory for the palette");
                d = gif_palette_dist(pal, idx, rgb);
                if (idx > maxv)
                    maxv = idx;
            }
            out[(size_t)y * w + x] = (uint8_t)idx;
            e += d * gif_pixel_life(p, (size_t)y * w + x, 0);
        }
        gif_dither_next_row(dt);
    }
    *err = e;
    return maxv;
}
