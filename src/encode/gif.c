/* The "gif" encoder kind: an endlessly looping GIF89a animation, written
 * byte by byte here (image data by gif_lzw.c, palettes by gif_palette.c;
 * giflib only reads GIFs, in the tests).
 *
 * Palette. Built from exact colour histograms of the frames the renderer
 * passes to analyze() (or of the first frame when it passes none): lessons
 * are flat colours plus anti-aliased edges, so the frequent colours are
 * kept exactly and the blends in between are approximated, by a weighted
 * median cut polished by k-means in RGB (the space PSNR is measured in).
 * Colours that the analysis saw being sent again and again (a moving
 * marker, a line that is redrawn every frame) weigh less: their precision
 * costs bytes in every frame and is seen for one. When the animation has
 * more colours than a table holds and part of the picture never moves, the
 * first image may get a local table of its own, made for what stays; and
 * the pixels of big images may take a colour hardly farther than the
 * nearest when that compresses better, the more so the sooner they are
 * replaced. Both are rate-distortion choices (build_palettes, try_ties),
 * and the analysis tells how long each pixel stays shown. The global
 * table is ordered so that the images need
 * as few bits per pixel as they can: the LZW code size of each image
 * follows the highest index it uses.
 *
 * Frames. No dithering by default (it would make static areas shimmer and
 * defeat the frame differencing); ordered (Bayer) and error-diffusion
 * (Floyd-Steinberg) dithering are there for photo-like content, applied to
 * the changed pixels only, so that what does not change stays as it is.
 * Each frame is compared with the one before: only the rectangle that
 * changed is stored; a changed pixel whose new colour is not visibly
 * closer to the source than what is shown keeps what is shown; unchanged
 * pixels are written either transparent or as the colour already shown,
 * whichever compresses smaller (tried per image); and a frame that changes
 * nothing just lengthens the previous image's delay. The image waiting for
 * its delay to be known is the only thing buffered, so memory is a few
 * bytes per pixel whatever the number of frames. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "encode.h"
#include "encode/gif_lzw.h"
#include "encode/gif_palette.h"
#include "outfile.h"
#include "param.h"

const char *const gif_dithers[] = {"none", "ordered", "diffusion", NULL};

static const struct param_spec gif_params[] = {
    {.name = "max_colors", .type = PARAM_INT, .offset = offsetof(struct gif_opts, max_colors),
     .def = "256", .ranged = 1, .lo = 2, .hi = 256, .doc = "palette size"},
    {.name = "dither", .type = PARAM_ENUM, .offset = offsetof(struct gif_opts, dither),
     .def = "none", .choices = gif_dithers,
     .doc = "none for flat plots; ordered or diffusion for photo-like content"},
    {.name = "max_kb", .type = PARAM_INT, .offset = offsetof(struct gif_opts, max_kb), .def = "0",
     .ranged = 1, .lo = 0, .hi = 1e7,
     .doc = "size budget in KiB (0: none): fewer colours, then fps, then scale until it fits"},
    {0},
};

static const struct gif_opts gif_defaults = {.max_colors = 256};

/* Browsers show images with a delay under 2 cs at 10 cs, so nothing shorter
 * is written; 65535 cs is the largest delay the format can hold. */
#define MIN_DELAY_CS 2
#define MAX_DELAY_CS 65535

/* Palette tuning, measured on the lessons (bench/encoders.sh): colours that
 * cover 1/KEEP_DIV of the pixels are kept exact (up to KEEP_PCT % of the
 * table); KMEANS_PASSES Lloyd passes at most. A colour's weight is divided
 * by 1 + RESENT_WEIGHT * (times sent / time shown). */
#define KEEP_DIV 128
#define KEEP_PCT 50
#define KMEANS_PASSES 10
#define RESENT_WEIGHT 1.0

/* The first image's own table: pixels that never move count STILL_WEIGHT
 * times in its histogram. Rate-distortion choices (the first image's own
 * table, near ties) value one dB of PSNR at PCT_PER_DB % of the
 * file's bytes, the file's size estimated from the analysis (or taken to
 * be FILE_PER_FIRST times the first image without one). The renderer
 * passes every picture to analyze() when there are fewer than ANALYZE_ALL.
 * The linear exchange holds for small trades only: near ties never cost
 * more than MAX_TIE_LOSS_DB (estimated) in one image. These values were tuned on the
 * lessons (bench/encoders.sh); see bench/README.md. */
#define STILL_WEIGHT 4
#define PCT_PER_DB 1.75
#define FILE_PER_FIRST 4.0
#define ANALYZE_ALL ENCODE_ANALYZE_MAX
#define MAX_TIE_LOSS_DB 1.25

/* A changed pixel keeps the colour shown unless the new one is closer to
 * the source by more than this (squared RGB distance): flicker between two
 * nearly equal colours costs bytes for no visible gain. */
#define KEEP_SHOWN_SLACK 10

/* The either-pixel variant and near ties are tried for images this big
 * (bytes) at least: on smaller ones they have not paid for their time. */
#define EITHER_MIN_BYTES 2000

/* At most this many change sets (one per pair of analyzed frames) and this
 * many colours in each; a fuller set counts as needing every colour. */
#define MAX_SETS 64
#define MAX_SET_COLORS 4096

struct chg_set {
    uint32_t *rgb;
    uint32_t n;
    int full;
};

/* One encoded image: where it goes, its colour table (when local) and its
 * compressed data. */
struct image {
    int x, y, w, h;
    int min_bits;
    int lct_bits;           /* 0: uses the global table */
    const struct gif_palette *lct;
    int transparent;        /* index in the table it uses, -1 for none */
    uint8_t *data;          /* LZW code stream, without block framing */
    size_t len, cap;
};

struct gif_priv {
    FILE *fp;
    int discarding;     /* drop output: the file is being thrown away */

    int width, height;
    uint32_t background;    /* RGB shown where a pixel is fully transparent */
    int frames_in;          /* add_frame calls so far */
    int dither;
    int nframes_total;
    int run_sym;            /* transparent index while encoding frames, else -1 */
    int16_t *err;           /* error diffusion: two rows of 3 channels, 1/16 units */
    int amp;                /* ordered dithering amplitude for gpal */

    /* Analysis: every analyzed pixel (hist), the pixels that changed between
     * consecutive analyzed frames (shist: how often each colour is sent)
     * and, per pair, the set of colours an image would need. */
    struct gif_hist hist, shist;
    uint32_t *prev_sample;
    uint8_t *moved;         /* pixels that may change: in each analyzed pair,
                               each row from its first to its last changed
                               pixel (what moved swept the pixels between) */
    uint32_t *chg;          /* per pixel, bit k set when it differs between
                               analyzed samples k + 1 and k + 2 (numbered
                               from 1); kept to the end */
    int sample_frame[ANALYZE_ALL + 1]; /* the frame index of each sample */
    struct chg_set sets[MAX_SETS];
    int nsets, npairs, nsamples;
    double pair_bytes;      /* compressed size of the analyzed pairs' changes */

    int started;            /* palette built and header written */
    struct gif_palette gpal;    /* the global table: every image but the first */
    struct gif_palette fpal;    /* the first image's own table, when split */
    int split;
    double d0;                  /* estimated squared error of the whole
                                   animation (0: unknown) */
    uint8_t fpal_to_g[256];     /* fpal slot -> equal gpal slot, or T */

    uint32_t *prev_src;     /* previous frame, width pixels per row */
    uint32_t *canvas;       /* RGB on screen once pending is shown */
    uint8_t *cidx;          /* the canvas colour's gpal index, T if none */
    uint8_t *next;          /* this frame's gpal indices, T where unchanged */
    uint8_t *val, *alt;     /* the image being encoded, packed rows */
    uint8_t *hval;          /* val with one-colour runs kept opaque */

    /* Near ties: a cache of each colour's second choice (per palette),
     * and per image pixel the second colour, its cost (extra squared
     * error times the frames shown), a trial's symbols and choices and
     * the winner's choices. */
    uint32_t *tie_keys;
    uint16_t *tie_vals;
    const struct gif_palette *tie_pal;
    uint8_t *tsec, *twin, *twork, *tchosen;
    float *tcost;
    double d_added;         /* estimated squared error the ties added */
    int ties;               /* near ties in later images: on */

    struct lzw lzw;
    struct image pending;   /* image awaiting its delay */
    struct image trial;     /* a candidate encoding of the next image */
    int have_pending;
    int64_t cs_written;     /* sum of the delays written so far */
};

/* --- colour helpers ------------------------------------------------------ */

static inline int channel(uint32_t rgb, int ch)
{
    return (int)(rgb >> (16 - 8 * ch)) & 0xff;
}

static inline uint32_t slot_rgb(const struct gif_palette *pal, int i)
{
    return (uint32_t)pal->rgb[i][0] << 16 | (uint32_t)pal->rgb[i][1] << 8 | pal->rgb[i][2];
}

static inline int rgb_dist(uint32_t a, uint32_t b)
{
    int d = 0;
    for (int ch = 0; ch < 3; ch++) {
        int e = channel(a, ch) - channel(b, ch);
        d += e * e;
    }
    return d;
}

/* The straight (not premultiplied) RGB of a cairo pixel. Frames are opaque
 * in practice; the general case keeps odd scenes from turning dark. */
static inline uint32_t pixel_rgb(uint32_t px, uint32_t background)
{
    uint32_t a = px >> 24;
    if (a == 0xff)
        return px & 0xffffff;
    if (a == 0)
        return background;
    uint32_t rgb = 0;
    for (int ch = 0; ch < 3; ch++) {
        uint32_t v = (((px >> (16 - 8 * ch)) & 0xff) * 255 + a / 2) / a;
        rgb |= (v > 255 ? 255 : v) << (16 - 8 * ch);
    }
    return rgb;
}

static inline const uint32_t *frame_row(const struct frame *f, int y)
{
    return (const uint32_t *)((const unsigned char *)f->px + (long)y * f->stride);
}

/* How many frames pixel i, set by the image of frame fi, stays shown, as
 * the analysis saw it: until it next changes, else to the end. When the
 * analysis skipped pictures, a change between two samples is taken to
 * fall halfway, and one between samples around fi to be fi's own. */
static double pixel_life(const struct gif_priv *p, size_t i, int fi)
{
    uint32_t m = p->chg ? p->chg[i] : 0;
    int all = p->nsamples < ANALYZE_ALL;
    while (m) {
        int s = __builtin_ctz(m) + 1;
        m &= m - 1;
        int lo = p->sample_frame[s], hi = p->sample_frame[s + 1];
        if (hi <= fi)
            continue;
        if (all)
            return hi - fi;
        if (lo < fi)
            continue;
        return 0.5 * (lo + hi) - fi;
    }
    return p->nframes_total - fi;
}

/* Counts runs rather than pixels: flat backgrounds make one hash update
 * cover hundreds of pixels. */
static int hist_add_frame(struct gif_hist *h, const struct frame *f, uint32_t background)
{
    uint32_t run_px = frame_pixel(f, 0, 0);
    uint64_t run = 0;
    for (int y = 0; y < f->height; y++) {
        const uint32_t *row = frame_row(f, y);
        for (int x = 0; x < f->width; x++) {
            if (row[x] == run_px) {
                run++;
                continue;
            }
            if (gif_hist_add(h, pixel_rgb(run_px, background), run) < 0)
                return -1;
            run_px = row[x];
            run = 1;
        }
    }
    return gif_hist_add(h, pixel_rgb(run_px, background), run);
}

/* --- analysis ------------------------------------------------------------ */

/* Estimates what an image of the changes since the previous analyzed frame
 * will cost, before there is a palette: the changed rectangle with every
 * exact colour as a symbol of its own (hashed to 255 of them) and the
 * unchanged pixels transparent, compressed as the images will be. The
 * palette merges colours, so this errs on the large side. */
static int estimate_pair(struct gif_priv *p, const struct frame *f)
{
    int w = p->width, x0 = w, x1 = 0, y0 = -1, y1 = 0;
    for (int y = 0; y < p->height; y++) {
        const uint32_t *src = frame_row(f, y), *old = p->prev_sample + (size_t)y * w;
        if (memcmp(src, old, (size_t)w * sizeof *src) == 0)
            continue;
        if (y0 < 0)
            y0 = y;
        y1 = y + 1;
        for (int x = 0; x < w; x++)
            if (src[x] != old[x]) {
                if (x < x0)
                    x0 = x;
                if (x + 1 > x1)
                    x1 = x + 1;
            }
    }
    if (y0 < 0)
        return 0;
    uint8_t *sym = p->val;      /* not in use before the first frame */
    size_t n = 0;
    for (int y = y0; y < y1; y++) {
        const uint32_t *src = frame_row(f, y), *old = p->prev_sample + (size_t)y * w;
        for (int x = x0; x < x1; x++)
            sym[n++] = src[x] == old[x] ? 255
                     : (uint8_t)(((src[x] & 0xffffff) * 0x9e3779b1u >> 24) % 255);
    }
    if (lzw_encode(&p->lzw, sym, NULL, n, 8, LZW_CLEAR_WHEN_FULL, 255) < 0)
        return diag_fail("gif: out of memory for the analysis");
    p->pair_bytes += (double)p->lzw.len;
    return 0;
}

/* Records the pixels that differ from the previous analyzed frame: their
 * colours into the change histogram and, as a set, for ordering the
 * palette. Then remembers this frame. */
static int collect_changes(struct gif_priv *p, const struct frame *f)
{
    int w = p->width;
    int sample = p->nsamples;
    if (sample <= ANALYZE_ALL)
        p->sample_frame[sample] = f->index;
    size_t npx = (size_t)w * p->height;
    if (!p->prev_sample) {
        p->prev_sample = malloc(npx * sizeof *p->prev_sample);
        p->moved = calloc(npx, 1);
        p->chg = calloc(npx, sizeof *p->chg);
        if (!p->prev_sample || !p->moved || !p->chg)
            return diag_fail("gif: out of memory for the analysis");
    } else {
        /* Past MAX_SETS pairs, a slot is reused for the union. */
        struct chg_set *set = &p->sets[p->npairs % MAX_SETS];
        if (p->npairs < MAX_SETS)
            p->nsets++;
        p->npairs++;
        enum { HSIZE = 2 * MAX_SET_COLORS };
        uint32_t *keys = calloc(HSIZE, sizeof *keys);
        if (!keys)
            return diag_fail("gif: out of memory for the analysis");
        uint32_t n = 0;
        for (uint32_t i = 0; i < set->n; i++)
            for (uint32_t h = (set->rgb[i] * 0x9e3779b1u) >> 19;; h = (h + 1) & (HSIZE - 1))
                if (!keys[h]) {
                    keys[h] = set->rgb[i] | GIF_HIST_USED;
                    n++;
                    break;
                }
        for (int y = 0; y < p->height; y++) {
            const uint32_t *src = frame_row(f, y);
            const uint32_t *old = p->prev_sample + (size_t)y * w;
            if (memcmp(src, old, (size_t)w * sizeof *src) == 0)
                continue;
            uint32_t last = 0;
            int lo = 0, hi = w - 1;
            while (src[lo] == old[lo])
                lo++;
            while (src[hi] == old[hi])
                hi--;
            memset(p->moved + (size_t)y * w + lo, 1, (size_t)(hi - lo + 1));
            for (int x = 0; x < w; x++) {
                if (src[x] == old[x])
                    continue;
                p->moved[(size_t)y * w + x] = 1;
                if (sample >= 2 && sample <= ANALYZE_ALL)
                    p->chg[(size_t)y * w + x] |= 1u << (sample - 2);
                if (gif_hist_add(&p->shist, pixel_rgb(src[x], p->background), 1) < 0) {
                    free(keys);
                    return -1;
                }
                if (set->full || (x > 0 && src[x] == last))
                    continue;
                last = src[x];
                uint32_t rgb = pixel_rgb(src[x], p->background);
                for (uint32_t h = (rgb * 0x9e3779b1u) >> 19;; h = (h + 1) & (HSIZE - 1)) {
                    if (keys[h] == (rgb | GIF_HIST_USED))
                        break;
                    if (!keys[h]) {
                        keys[h] = rgb | GIF_HIST_USED;
                        if (++n >= MAX_SET_COLORS)
                            set->full = 1;
                        break;
                    }
                }
            }
        }
        free(set->rgb);
        set->rgb = NULL;
        set->n = 0;
        if (!set->full && n > 0) {
            set->rgb = malloc(n * sizeof *set->rgb);
            if (!set->rgb) {
                free(keys);
                return diag_fail("gif: out of memory for the analysis");
            }
            for (uint32_t h = 0; h < HSIZE; h++)    /* table order: fixed by content */
                if (keys[h])
                    set->rgb[set->n++] = keys[h] & 0xffffff;
        }
        free(keys);
        if (estimate_pair(p, f) < 0)
            return -1;
    }
    for (int y = 0; y < p->height; y++)
        memcpy(p->prev_sample + (size_t)y * w, frame_row(f, y),
               (size_t)w * sizeof *p->prev_sample);
    return 0;
}

static void free_analysis(struct gif_priv *p)
{
    for (int i = 0; i < MAX_SETS; i++) {
        free(p->sets[i].rgb);
        p->sets[i].rgb = NULL;
        p->sets[i].n = 0;
    }
    free(p->prev_sample);
    free(p->moved);
    p->prev_sample = NULL;
    p->moved = NULL;
    gif_hist_free(&p->hist);
    gif_hist_free(&p->shist);
}

static int encode_image(struct gif_priv *p, struct image *im, const uint8_t *val,
                        const uint8_t *alt, size_t n, int min_bits);
static int table_bits(int entries);

/* --- palettes ------------------------------------------------------------ */

static struct gif_palette_opts palette_opts(int max_colors, int transparent)
{
    return (struct gif_palette_opts){
        .max_colors = max_colors,
        .transparent = transparent,
        .keep_div = KEEP_DIV,
        .keep_pct = KEEP_PCT,
        .kmeans_passes = KMEANS_PASSES,
    };
}

/* Orders the global palette for the change sets seen in the analysis, so
 * that small images need short codes (see gif_palette_order_for_sets). */
static int order_global(struct gif_priv *p, const struct gif_hist *freq_hist)
{
    struct gif_palette *g = &p->gpal;
    uint64_t (*sets)[4] = calloc(MAX_SETS, sizeof *sets);
    if (!sets)
        return diag_fail("gif: out of memory for the palette");
    int nsets = 0;
    for (int j = 0; j < p->nsets; j++) {
        const struct chg_set *set = &p->sets[j];
        if (set->full || set->n == 0)
            continue;
        for (uint32_t i = 0; i < set->n; i++) {
            int k = gif_palette_index(g, set->rgb[i]);
            if (k < 0) {
                free(sets);
                return diag_fail("gif: out of memory for the palette");
            }
            sets[nsets][k >> 6] |= 1ull << (k & 63);
        }
        if (g->transparent >= 0)
            sets[nsets][g->transparent >> 6] |= 1ull << (g->transparent & 63);
        nsets++;
    }
    uint64_t freq[256] = {0};
    for (uint32_t i = 0; i < freq_hist->cap; i++)
        if (freq_hist->keys[i])
            freq[gif_palette_nearest(g, freq_hist->keys[i] & 0xffffff)] += freq_hist->counts[i];
    gif_palette_order_for_sets(g, (const uint64_t (*)[4])sets, nsets, freq);
    free(sets);
    return 0;
}

/* --- dithering ------------------------------------------------------------ */

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

/* The dither amplitude for a palette: the median distance from a colour to
 * its nearest neighbour, so that neighbouring colours mix and no more. */
static int dither_amplitude(const struct gif_palette *pal)
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

/* Error diffusion (Floyd-Steinberg) state of one frame: rows y and y + 1,
 * indexed x + 1 so that the neighbours of the edges need no test. */
static void diffuse_begin(struct gif_priv *p)
{
    memset(p->err, 0, 2 * 3 * ((size_t)p->width + 2) * sizeof *p->err);
}

static void diffuse_next_row(struct gif_priv *p)
{
    size_t row = 3 * ((size_t)p->width + 2);
    memcpy(p->err, p->err + row, row * sizeof *p->err);
    memset(p->err + row, 0, row * sizeof *p->err);
}

/* Maps the pixel at x of the current row to pal (dithered as asked) and
 * returns the index; with error diffusion, passes its error on. A pixel
 * that is not mapped (it keeps what is shown) must call diffuse_skip, so
 * that no error flows through it. */
static int map_pixel(struct gif_priv *p, struct gif_palette *pal, uint32_t rgb,
                     int x, int y, int amp)
{
    if (p->dither == 1)
        return gif_palette_index(pal, ordered_target(rgb, x, y, amp));
    if (p->dither != 2)
        return gif_palette_index(pal, rgb);
    int16_t *cur = p->err + 3 * ((size_t)x + 1);
    int16_t *nxt = cur + 3 * ((size_t)p->width + 2);
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

static inline void diffuse_skip(struct gif_priv *p, int x)
{
    if (p->dither == 2)
        memset(p->err + 3 * ((size_t)x + 1), 0, 3 * sizeof *p->err);
}

/* Maps frame f through pal into out; returns the largest index, and in
 * *err the squared error of the pixels times the frames each stays shown
 * (its error over the animation, as the first image). */
static int map_frame(struct gif_priv *p, struct gif_palette *pal,
                     const struct frame *f, uint8_t *out, double *err)
{
    int w = f->width, maxv = 0, amp = p->dither ? dither_amplitude(pal) : 0;
    double e = 0;
    diffuse_begin(p);
    for (int y = 0; y < f->height; y++) {
        const uint32_t *row = frame_row(f, y);
        uint32_t last = ~row[0], rgb = 0;
        int idx = 0, d = 0;
        for (int x = 0; x < w; x++) {
            if (row[x] != last || p->dither) {
                last = row[x];
                rgb = pixel_rgb(last, p->background);
                idx = map_pixel(p, pal, rgb, x, y, amp);
                if (idx < 0)
                    return diag_fail("gif: out of memory for the palette");
                d = gif_palette_dist(pal, idx, rgb);
                if (idx > maxv)
                    maxv = idx;
            }
            out[(size_t)y * w + x] = (uint8_t)idx;
            e += d * pixel_life(p, (size_t)y * w + x, 0);
        }
        diffuse_next_row(p);
    }
    *err = e;
    return maxv;
}

/* The whole file's size, estimated from a first image of f0 bytes and
 * the analyzed pairs (see estimate_pair). The renderer passes every
 * picture when there are few (fewer than ANALYZE_ALL of them): then the
 * analyzed frames are the images; else every frame is taken to be one. */
static double file_estimate(const struct gif_priv *p, double f0)
{
    if (p->npairs == 0)
        return FILE_PER_FIRST * f0;
    double images = p->nsamples < ANALYZE_ALL ? p->nsamples : p->nframes_total;
    /* A pair spans several images: its changes add up theirs, but the
     * part every image pays (rows of transparent pixels) only once; the
     * square root of the span has matched the lessons within 15 %. */
    double span = (images - 1) / p->npairs;
    return f0 + (images - 1) * p->pair_bytes / p->npairs / sqrt(span > 1 ? span : 1);
}

/* The first image's table: from the first frame's histogram, where pixels
 * that never move count sw times (they are seen for the whole animation,
 * the others only until they change). */
static int build_first_palette(struct gif_priv *p, struct gif_palette *pal,
                               const struct frame *f, int max_colors)
{
    struct gif_hist first = {0};
    struct gif_palette_opts fo = palette_opts(max_colors, 0);
    int rc = 0, sw = STILL_WEIGHT;
    for (int y = 0; y < f->height && rc == 0; y++) {
        const uint32_t *row = frame_row(f, y);
        const uint8_t *mv = p->moved ? p->moved + (size_t)y * f->width : NULL;
        uint32_t run_px = row[0];
        uint64_t run = 0;
        for (int x = 0; x < f->width && rc == 0; x++) {
            uint64_t wgt = mv && mv[x] ? 1 : (uint64_t)sw;
            if (row[x] == run_px) {
                run += wgt;
                continue;
            }
            rc = gif_hist_add(&first, pixel_rgb(run_px, p->background), run);
            run_px = row[x];
            run = wgt;
        }
        if (rc == 0)
            rc = gif_hist_add(&first, pixel_rgb(run_px, p->background), run);
    }
    if (rc == 0)
        rc = gif_palette_build(pal, &first, &fo);
    gif_hist_free(&first);
    return rc;
}

/* Builds the palettes from the analysis (or from the first frame alone when
 * there was none). When the animation has more colours than one table
 * holds and part of it never moves, the first image may get a table of its
 * own, made for the pixels that stay (the global table serves what
 * changes). Whether that pays is a rate-distortion choice made on the
 * first frame itself: the error it removes from the still pixels, over the
 * whole animation and relative to the animation's estimated error, against
 * the bytes it adds to the first image, relative to the estimated file
 * size, at PCT_PER_DB % per dB. */
static int build_palettes(struct gif_priv *p, const struct frame *f, int max_colors)
{
    if (p->hist.used == 0 && hist_add_frame(&p->hist, f, p->background) < 0)
        return -1;
    struct gif_palette_opts o = palette_opts(max_colors, 1);
    struct gif_hist *gh = &p->hist;
    struct gif_hist wh = {0};
    const double mu = RESENT_WEIGHT;
    if (p->shist.used > 0) {
        /* Colours sent again and again (moving things) weigh less: their
         * precision costs bytes every frame and is seen for one. */
        double scale = (double)p->nsamples / (p->npairs ? p->npairs : 1);
        for (uint32_t i = 0; i < gh->cap; i++)
            if (gh->keys[i]) {
                uint32_t c = gh->keys[i] & 0xffffff;
                double t = (double)gh->counts[i];
                double sent = (double)gif_hist_get(&p->shist, c) * scale;
                double wgt = t / (1 + mu * sent / t);
                if (gif_hist_add(&wh, c, (uint64_t)(wgt * 16 + 1)) < 0) {
                    gif_hist_free(&wh);
                    return -1;
                }
            }
        gh = &wh;
    }
    int rcb = gif_palette_build(&p->gpal, gh, &o) < 0 || order_global(p, gh) < 0;
    gif_hist_free(&wh);
    if (rcb)
        return -1;
    p->split = 0;
    p->d0 = 0;
    if (p->nsamples > 0) {
        double e_hist = 0;
        for (uint32_t i = 0; i < p->hist.cap; i++)
            if (p->hist.keys[i]) {
                uint32_t c = p->hist.keys[i] & 0xffffff;
                int k = gif_palette_index(&p->gpal, c);
                if (k < 0)
                    return diag_fail("gif: out of memory for the palette");
                e_hist += (double)p->hist.counts[i] * gif_palette_dist(&p->gpal, k, c);
            }
        p->d0 = e_hist * p->nframes_total / p->nsamples;
    }
    if (p->shist.used == 0 || !p->moved || p->d0 <= 0 ||
        p->hist.used <= (uint32_t)(max_colors - 1))
        return 0;

    double d0 = p->d0;
    size_t npx = (size_t)f->width * f->height;
    double eg;
    int maxv = map_frame(p, &p->gpal, f, p->val, &eg);
    if (maxv < 0 || encode_image(p, &p->trial, p->val, NULL, npx, lzw_min_bits(maxv)) < 0)
        return -1;
    double bytes_g = (double)p->trial.len;

    double best = 0;
    struct gif_palette cand = {0};
    for (int k = 0; k < 3; k++) {
        int colors = max_colors - k * max_colors / 4;
        if (colors < 16)
            break;
        double ef;
        if (build_first_palette(p, &cand, f, colors) < 0)
            return -1;
        maxv = map_frame(p, &cand, f, p->val, &ef);
        if (maxv < 0 || encode_image(p, &p->trial, p->val, NULL, npx, lzw_min_bits(maxv)) < 0) {
            gif_palette_free(&cand);
            return -1;
        }
        double bytes_f = (double)p->trial.len + (3 << table_bits(cand.nslots));
        double dd = eg - ef;
        double gain = dd < d0 ? 10 * log10(d0 / (d0 - dd)) : 10;
        double cost = 100 * (bytes_f - bytes_g) / file_estimate(p, bytes_g) / PCT_PER_DB;
        if (gain > 0 && gain - cost > best) {
            best = gain - cost;
            gif_palette_free(&p->fpal);
            p->fpal = cand;
            cand.cache_keys = NULL;
            cand.cache_idx = NULL;
            p->split = 1;
        }
        gif_palette_free(&cand);
    }
    if (!p->split)
        return 0;
    /* Pixels the first image sets may stay as they are in later images
     * only if the global table has their exact colour. */
    uint8_t T = (uint8_t)p->gpal.transparent;
    for (int i = 0; i < p->fpal.nslots; i++) {
        int g = gif_palette_index(&p->gpal, slot_rgb(&p->fpal, i));
        if (g < 0)
            return diag_fail("gif: out of memory for the palette");
        p->fpal_to_g[i] = slot_rgb(&p->gpal, g) == slot_rgb(&p->fpal, i) ? (uint8_t)g : T;
    }
    return 0;
}

/* --- output -------------------------------------------------------------- */

static void put(struct gif_priv *p, const void *buf, size_t len)
{
    if (!p->discarding && len)
        fwrite(buf, 1, len, p->fp);
}

/* A write error that stdio already knows about stops the encoding early;
 * one that shows only when the buffer is flushed is found by close. */
static int check_written(struct gif_priv *p)
{
    if (!p->discarding && ferror(p->fp))
        return diag_fail("gif: writing the file: %s",
                         errno ? strerror(errno) : "write error");
    return 0;
}

static int table_bits(int entries)
{
    int bits = 1;
    while ((1 << bits) < entries)
        bits++;
    return bits;
}

static void put_table(struct gif_priv *p, const struct gif_palette *pal, int bits)
{
    uint8_t buf[3 * 256];
    memset(buf, 0, sizeof buf);
    memcpy(buf, pal->rgb, 3 * (size_t)pal->nslots);
    put(p, buf, 3u << bits);
}

static int write_header(struct gif_priv *p)
{
    int bits = table_bits(p->gpal.nslots);
    uint8_t head[13] = {'G', 'I', 'F', '8', '9', 'a',
                        (uint8_t)p->width, (uint8_t)(p->width >> 8),
                        (uint8_t)p->height, (uint8_t)(p->height >> 8),
                        (uint8_t)(0x80 | 0x70 | (bits - 1)), 0, 0};
    put(p, head, sizeof head);
    put_table(p, &p->gpal, bits);
    /* NETSCAPE2.0 application extension, sub-block 1: loop count 0 =
     * forever. Browsers play a GIF once without it. */
    static const uint8_t loop[19] = {0x21, 0xff, 11, 'N', 'E', 'T', 'S', 'C',
                                     'A', 'P', 'E', '2', '.', '0', 3, 1, 0, 0, 0};
    put(p, loop, sizeof loop);
    return check_written(p);
}

static void put_image(struct gif_priv *p, const struct image *im, int delay)
{
    /* Graphic control extension: disposal 1 (leave the image in place),
     * and the transparent index if there is one. */
    uint8_t gce[8] = {0x21, 0xf9, 4, (uint8_t)(1 << 2 | (im->transparent >= 0)),
                      (uint8_t)delay, (uint8_t)(delay >> 8),
                      (uint8_t)(im->transparent >= 0 ? im->transparent : 0), 0};
    put(p, gce, sizeof gce);
    uint8_t desc[10] = {0x2c, (uint8_t)im->x, (uint8_t)(im->x >> 8),
                        (uint8_t)im->y, (uint8_t)(im->y >> 8),
                        (uint8_t)im->w, (uint8_t)(im->w >> 8),
                        (uint8_t)im->h, (uint8_t)(im->h >> 8),
                        (uint8_t)(im->lct_bits ? 0x80 | (im->lct_bits - 1) : 0)};
    put(p, desc, sizeof desc);
    if (im->lct_bits)
        put_table(p, im->lct, im->lct_bits);
    uint8_t min_bits = (uint8_t)im->min_bits;
    put(p, &min_bits, 1);
    for (size_t off = 0; off < im->len; off += 255) {
        uint8_t n = (uint8_t)(im->len - off < 255 ? im->len - off : 255);
        put(p, &n, 1);
        put(p, im->data + off, n);
    }
    static const uint8_t end = 0;
    put(p, &end, 1);
}

static void take_output(struct lzw *z, struct image *im)
{
    uint8_t *data = im->data;
    size_t cap = im->cap;
    im->data = z->out;
    im->cap = z->cap;
    im->len = z->len;
    z->out = data;
    z->cap = cap;
}

/* Compresses n pixels into im (which takes over the compressor's output
 * buffer, handing its own back for the next call). An image that fills
 * the dictionary is also tried with adaptive clearing; the smaller wins. */
static int encode_image(struct gif_priv *p, struct image *im, const uint8_t *val,
                        const uint8_t *alt, size_t n, int min_bits)
{
    if (lzw_encode(&p->lzw, val, alt, n, min_bits, LZW_CLEAR_WHEN_FULL, p->run_sym) < 0)
        return diag_fail("gif: out of memory for the compressed image");
    take_output(&p->lzw, im);
    im->min_bits = min_bits;
    if (p->lzw.filled) {
        if (lzw_encode(&p->lzw, val, alt, n, min_bits, LZW_CLEAR_ADAPTIVE, p->run_sym) < 0)
            return diag_fail("gif: out of memory for the compressed image");
        if (p->lzw.len < im->len)
            take_output(&p->lzw, im);
        else if (p->lzw.chosen &&   /* the choices made must be the winner's */
                 lzw_encode(&p->lzw, val, alt, n, min_bits, LZW_CLEAR_WHEN_FULL, p->run_sym) < 0)
            return diag_fail("gif: out of memory for the compressed image");
    }
    return 0;
}

/* Round(100 * t) for the start of frame i, t = i * fps_den / fps_num. */
static int64_t frame_start_cs(const struct enc_options *opt, int i)
{
    int64_t num = opt->fps_num, den = opt->fps_den;
    return (200 * (int64_t)i * den + num) / (2 * num);
}

/* Writes the pending image, shown until frame end starts. Rounding the
 * cumulative times (not each delay) keeps the total exact; a delay raised
 * to the 2 cs minimum is paid back by the next images. */
static int flush_pending(struct gif_priv *p, const struct enc_options *opt, int end)
{
    int64_t delay = frame_start_cs(opt, end) - p->cs_written;
    if (delay < MIN_DELAY_CS)
        delay = MIN_DELAY_CS;
    int64_t first = delay < MAX_DELAY_CS ? delay : MAX_DELAY_CS;
    put_image(p, &p->pending, (int)first);
    int images = 1;
    /* A still longer than 655 s continues through invisible 1x1 images. */
    for (int64_t left = delay - first; left > 0; left -= MAX_DELAY_CS) {
        uint8_t clear = (uint8_t)p->gpal.transparent;
        struct image *im = &p->trial;
        if (encode_image(p, im, &clear, NULL, 1, lzw_min_bits(clear)) < 0)
            return -1;
        im->x = im->y = 0;
        im->w = im->h = 1;
        im->lct_bits = 0;
        im->transparent = p->gpal.transparent;
        int64_t part = left < MAX_DELAY_CS ? left : MAX_DELAY_CS;
        put_image(p, im, (int)(part < MIN_DELAY_CS ? MIN_DELAY_CS : part));
        images++;
    }
    p->cs_written += delay;
    p->have_pending = 0;
    return check_written(p) < 0 ? -1 : images;
}

/* --- life cycle ---------------------------------------------------------- */

static void release(struct gif_priv *p)
{
    free_analysis(p);
    free(p->chg);
    p->chg = NULL;
    gif_palette_free(&p->gpal);
    gif_palette_free(&p->fpal);
    free(p->prev_src);
    free(p->canvas);
    free(p->cidx);
    free(p->next);
    free(p->val);
    free(p->alt);
    free(p->hval);
    free(p->tsec);
    free(p->twin);
    free(p->twork);
    free(p->tchosen);
    free(p->tcost);
    free(p->tie_keys);
    free(p->tie_vals);
    p->tsec = p->twin = p->twork = p->tchosen = NULL;
    p->tcost = NULL;
    p->tie_keys = NULL;
    p->tie_vals = NULL;
    free(p->pending.data);
    free(p->trial.data);
    free(p->err);
    p->err = NULL;
    lzw_free(&p->lzw);
    p->prev_src = p->canvas = NULL;
    p->cidx = p->next = p->val = p->alt = p->hval = NULL;
    p->pending.data = p->trial.data = NULL;
}

static int gif_max_colors(const struct enc_options *opt)
{
    return opt->kind_opts ? ((const struct gif_opts *)opt->kind_opts)->max_colors
                          : gif_defaults.max_colors;
}

static int gif_open(struct encoder *e, const char *path)
{
    struct gif_priv *p = e->priv;
    const struct enc_options *opt = e->opt;

    if (opt->width <= 0 || opt->height <= 0 || opt->width > 65535 ||
        opt->height > 65535)
        return diag_fail("gif: frame size %dx%d is outside 1..65535",
                         opt->width, opt->height);
    if (opt->fps_num <= 0 || opt->fps_den <= 0 || opt->nframes <= 0)
        return diag_fail("gif: invalid frame rate %d/%d or frame count %d",
                         opt->fps_num, opt->fps_den, opt->nframes);
    const struct gif_opts *go = opt->kind_opts ? opt->kind_opts : &gif_defaults;
    if (go->max_colors < 2 || go->max_colors > 256)
        return diag_fail("gif: max_colors %d is outside 2..256", go->max_colors);
    if (go->dither < 0 || go->dither > 2)
        return diag_fail("gif: dither %d is outside 0..2", go->dither);

    p->width = opt->width;
    p->height = opt->height;
    p->background = opt->background & 0xffffff;
    p->dither = go->dither;
    p->nframes_total = opt->nframes;
    p->run_sym = -1;
    size_t npx = (size_t)opt->width * (size_t)opt->height;
    p->prev_src = malloc(npx * sizeof *p->prev_src);
    p->canvas = malloc(npx * sizeof *p->canvas);
    p->cidx = malloc(npx);
    p->next = malloc(npx);
    p->val = malloc(npx);
    p->alt = malloc(npx);
    p->hval = malloc(npx);
    p->tsec = malloc(npx);
    p->twin = malloc(npx);
    p->twork = malloc(npx);
    p->tchosen = malloc(npx);
    p->tcost = malloc(npx * sizeof *p->tcost);
    p->err = calloc(2 * 3 * ((size_t)opt->width + 2), sizeof *p->err);
    if (!p->err ||!p->prev_src || !p->canvas || !p->cidx || !p->next || !p->val ||
        !p->alt || !p->hval || !p->tsec ||
        !p->twin || !p->twork || !p->tchosen || !p->tcost || lzw_init(&p->lzw) < 0) {
        release(p);
        return diag_fail("gif: out of memory for %dx%d frames", opt->width,
                         opt->height);
    }

    p->fp = outfile_open(path, "gif");
    if (!p->fp) {
        release(p);
        return -1;
    }
    return 0;
}

static int gif_analyze(struct encoder *e, const struct frame *f)
{
    struct gif_priv *p = e->priv;
    if (p->started)     /* too late to change the palette */
        return 0;
    if (f->width != p->width || f->height != p->height)
        return diag_fail("gif: frame %d is %dx%d, expected %dx%d", f->index,
                         f->width, f->height, p->width, p->height);
    if (hist_add_frame(&p->hist, f, p->background) < 0)
        return -1;
    p->nsamples++;
    return collect_changes(p, f);
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
        const uint32_t *old = p->prev_src + (size_t)y * w;
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

/* The colour of pal nearest to rgb after best (index best), if it is at
 * most slack farther from rgb; else best. */
static int near_tie(const struct gif_palette *pal, uint32_t rgb, int best, int slack)
{
    int db = gif_palette_dist(pal, best, rgb), bd = INT_MAX, second = best;
    for (int j = 0; j < pal->nslots; j++) {
        if (j == best || j == pal->transparent)
            continue;
        int d = gif_palette_dist(pal, j, rgb);
        if (d <= db + slack && d < bd) {
            bd = d;
            second = j;
        }
    }
    return second;
}

/* The colour of pal that is nearest to rgb after best, and how much
 * farther it is (squared distance, at most 255; else best itself), packed as
 * second | extra << 8; from a cache, since lessons repeat their colours.
 * -1 when out of memory. */
static int tie_lookup(struct gif_priv *p, const struct gif_palette *pal,
                      uint32_t rgb, int best)
{
    enum { CACHE = 1 << 12 };
    if (!p->tie_keys) {
        p->tie_keys = malloc(CACHE * sizeof *p->tie_keys);
        p->tie_vals = malloc(CACHE * sizeof *p->tie_vals);
        if (!p->tie_keys || !p->tie_vals)
            return diag_fail("gif: out of memory for the palette");
        p->tie_pal = NULL;
    }
    if (p->tie_pal != pal) {
        memset(p->tie_keys, 0, CACHE * sizeof *p->tie_keys);
        p->tie_pal = pal;
    }
    uint32_t slot = (rgb * 0x9e3779b1u) >> 20;
    if (p->tie_keys[slot] != (rgb | GIF_HIST_USED)) {
        int second = near_tie(pal, rgb, best, 255);
        int more = gif_palette_dist(pal, second, rgb) - gif_palette_dist(pal, best, rgb);
        p->tie_keys[slot] = rgb | GIF_HIST_USED;
        p->tie_vals[slot] = (uint16_t)(second | (more > 255 ? 255 : more) << 8);
    }
    return p->tie_vals[slot];
}

/* Near ties, a rate-distortion choice made on each big image: a pixel may
 * take its second nearest colour (p->tsec) when that is hardly farther
 * from the source, and the compressor then picks, pixel by pixel,
 * whichever extends its strings (on smooth gradients the band edges line
 * up from row to row: a heat map's first image shrinks by a fifth). How
 * much farther is decided slack by slack while it pays: the bytes saved
 * against the error added. A pixel's cost (p->tcost) is its extra squared
 * error times the frames it stays shown, so colours about to be replaced
 * may stray further than those that stay; the slack bounds that cost per
 * frame of the animation. Pixels without a tie have an infinite cost.
 * For a pixel without a tie, p->tsec holds the symbol it may take
 * besides val without any error (or val). *im holds the image's best
 * plain encoding; on success it holds the winner, p->twin its choice per
 * pixel, and the return is 1; 0 if no tie paid, -1 on error. */
static int try_ties(struct gif_priv *p, struct image *im, const uint8_t *val, size_t n)
{
    static const int slacks[] = {1, 2, 4, 8, 16, 32, 64};
    uint8_t *work = p->twork, *chosen = p->tchosen;
    const double base = (double)im->len, frames = p->nframes_total;
    const double d = p->d0 + p->d_added;
    double best = 0, best_added = 0;
    int won = 0;
    for (size_t k = 0; k < sizeof slacks / sizeof *slacks; k++) {
        double limit = slacks[k] * frames;
        int vm = 0, any = 0;
        for (size_t i = 0; i < n; i++) {
            int tie = p->tcost[i] <= limit;
            any |= tie;
            work[i] = tie || p->tcost[i] == INFINITY ? p->tsec[i] : val[i];
            if (work[i] > vm)
                vm = work[i];
            if (val[i] > vm)
                vm = val[i];
        }
        if (!any)
            continue;
        p->lzw.chosen = chosen;
        int rc = encode_image(p, &p->trial, val, work, n, lzw_min_bits(vm));
        p->lzw.chosen = NULL;
        if (rc < 0)
            return -1;
        double added = 0;
        for (size_t i = 0; i < n; i++)
            if (chosen[i] != val[i] && p->tcost[i] <= limit)
                added += p->tcost[i];
        double gain = 100 * (base - (double)p->trial.len) / file_estimate(p, base) / PCT_PER_DB;
        double loss = 10 * log10((d + added) / d);
        if (gain - loss <= best || loss > MAX_TIE_LOSS_DB)
            break;              /* more slack will not pay either */
        best = gain - loss;
        best_added = added;
        struct image t = *im;
        *im = p->trial;
        p->trial = t;
        memcpy(p->twin, chosen, n);
        won = 1;
    }
    p->d_added += best_added;
    return won;
}

/* Near ties in the first image (see try_ties); on success p->pending,
 * canvas and cidx hold the winner. */
static int first_image_ties(struct gif_priv *p, struct gif_palette *pal,
                            const struct frame *f)
{
    int w = p->width, h = p->height;
    size_t npx = (size_t)w * h;
    const uint8_t *val = p->val;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = frame_row(f, y);
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            int t = tie_lookup(p, pal, pixel_rgb(row[x], p->background), val[i]);
            if (t < 0)
                return -1;
            p->tsec[i] = (uint8_t)t;
            p->tcost[i] = (uint8_t)t == val[i] ? INFINITY
                        : (float)((t >> 8) * pixel_life(p, i, 0));
        }
    }
    int won = try_ties(p, &p->pending, val, npx);
    if (won <= 0)
        return won;
    for (size_t i = 0; i < npx; i++) {
        p->canvas[i] = slot_rgb(pal, p->twin[i]);
        p->cidx[i] = p->split ? p->fpal_to_g[p->twin[i]] : p->twin[i];
    }
    return 0;
}

/* The first image: every pixel, through the first image's own table when
 * split (else the global one). */
static int make_first_image(struct gif_priv *p, const struct frame *f)
{
    int w = p->width, h = p->height;
    struct gif_palette *pal = p->split ? &p->fpal : &p->gpal;
    uint8_t *val = p->val;
    double err;
    int maxv = map_frame(p, pal, f, val, &err);
    if (maxv < 0)
        return -1;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            p->canvas[i] = slot_rgb(pal, val[i]);
            p->cidx[i] = p->split ? p->fpal_to_g[val[i]] : val[i];
        }
        memcpy(p->prev_src + (size_t)y * w, frame_row(f, y), (size_t)w * sizeof *p->prev_src);
    }
    struct image *im = &p->pending;
    if (encode_image(p, im, val, NULL, (size_t)w * h, lzw_min_bits(maxv)) < 0)
        return -1;
    if (!p->dither && p->d0 > 0 && first_image_ties(p, pal, f) < 0)
        return -1;
    p->ties = !p->dither && p->d0 > 0;
    im->x = im->y = 0;
    im->w = w;
    im->h = h;
    if (p->split) {
        im->lct = &p->fpal;
        im->lct_bits = table_bits(p->fpal.nslots);
        im->transparent = -1;
    } else {
        im->lct = NULL;
        im->lct_bits = 0;
        im->transparent = p->gpal.transparent;
    }
    return 0;
}

/* Encodes the rectangle (x0, y0, iw, ih) of p->next, the changes of frame
 * fi, over the canvas into p->pending, trying several ways to write the
 * unchanged pixels and near ties for the changed ones, and puts it on the
 * canvas. */
static int make_image(struct gif_priv *p, int x0, int y0, int iw, int ih, int fi)
{
    int w = p->width;
    size_t n = (size_t)iw * ih;
    uint8_t *val = p->val, *alt = p->alt;
    const uint8_t T = (uint8_t)p->gpal.transparent;
    for (int y = y0; y < y0 + ih; y++) {
        const uint8_t *nrow = p->next + (size_t)y * w;
        const uint8_t *crow = p->cidx + (size_t)y * w;
        for (int x = x0; x < x0 + iw; x++) {
            uint8_t v = nrow[x];
            if (v == T) {           /* unchanged: transparent or as shown */
                *val++ = T;
                *alt++ = crow[x];
            } else {
                *val++ = v;
                *alt++ = v;
            }
        }
    }
    val = p->val;
    alt = p->alt;

    /* Runs of unchanged pixels of one colour stay opaque, runs over several
     * colours become transparent (they would break the strings anyway). */
    uint8_t *hv = p->hval;
    for (size_t i = 0; i < n;) {
        if (val[i] != T) {
            hv[i] = val[i];
            i++;
            continue;
        }
        size_t e = i + 1;
        int one = 1;
        while (e < n && val[e] == T) {
            one &= alt[e] == alt[i];
            e++;
        }
        for (size_t k = i; k < e; k++)
            hv[k] = one ? alt[k] : T;
        i = e;
    }

    /* Candidates: transparent only, one-colour runs opaque, and for the
     * big images (where it has been seen to pay for its time) the either
     * choice per pixel (transparent or as shown) left to the compressor.
     * The smallest wins. */
    p->run_sym = T;
    struct image *im = &p->pending;
    const uint8_t *win_d = val, *win_a = NULL;
    for (int v = 0; v < 3; v++) {
        if (v == 2 && im->len < EITHER_MIN_BYTES)
            break;
        struct image *dst = v ? &p->trial : im;
        const uint8_t *d = v == 1 ? hv : val;
        const uint8_t *a = v == 2 ? alt : NULL;
        int vm = 0;
        for (size_t i = 0; i < n; i++) {
            if (d[i] > vm)
                vm = d[i];
            if (a && a[i] > vm)
                vm = a[i];
        }
        if (encode_image(p, dst, d, a, n, lzw_min_bits(vm)) < 0)
            return -1;
        if (v && dst->len < im->len) {
            struct image t = *im;
            *im = *dst;
            *dst = t;
            win_d = d;
            win_a = a;
        }
    }
    /* Near ties in the changed pixels of big images (see try_ties), on
     * top of the winner: its unchanged pixels as they were (with their
     * either choice, if it had one). */
    int won = 0;
    if (p->ties && im->len >= EITHER_MIN_BYTES) {
        for (int y = y0, i = 0; y < y0 + ih; y++)
            for (int x = x0; x < x0 + iw; x++, i++) {
                size_t px = (size_t)y * w + x;
                int t = val[i] == T ? val[i]
                      : tie_lookup(p, &p->gpal, pixel_rgb(p->prev_src[px], p->background), val[i]);
                if (t < 0)
                    return -1;
                if ((uint8_t)t == val[i]) {     /* unchanged, or no tie */
                    p->tsec[i] = win_a ? win_a[i] : win_d[i];
                    p->tcost[i] = INFINITY;
                } else {
                    p->tsec[i] = (uint8_t)t;
                    p->tcost[i] = (float)((t >> 8) * pixel_life(p, px, fi));
                }
            }
        won = try_ties(p, im, win_d, n);
        if (won < 0)
            return -1;
    }
    /* The changed pixels go on the canvas. */
    for (int y = y0, i = 0; y < y0 + ih; y++) {
        uint8_t *crow = p->cidx + (size_t)y * w;
        uint32_t *rgbrow = p->canvas + (size_t)y * w;
        for (int x = x0; x < x0 + iw; x++, i++)
            if (val[i] != T) {
                uint8_t v = won ? p->twin[i] : val[i];
                crow[x] = v;
                rgbrow[x] = slot_rgb(&p->gpal, v);
            }
    }
    p->run_sym = -1;
    im->x = x0;
    im->y = y0;
    im->w = iw;
    im->h = ih;
    im->lct = NULL;
    im->lct_bits = 0;
    im->transparent = T;
    return 0;
}

static int gif_add_frame(struct encoder *e, const struct frame *f)
{
    struct gif_priv *p = e->priv;
    const struct enc_options *opt = e->opt;
    int w = p->width;

    if (f->width != p->width || f->height != p->height)
        return diag_fail("gif: frame %d is %dx%d, expected %dx%d", f->index,
                         f->width, f->height, p->width, p->height);
    if (p->frames_in >= opt->nframes)
        return diag_fail("gif: more than the announced %d frames", opt->nframes);

    if (!p->started) {
        if (build_palettes(p, f, gif_max_colors(opt)) < 0 ||
            write_header(p) < 0 || make_first_image(p, f) < 0)
            return -1;
        free_analysis(p);
        p->started = 1;
        p->have_pending = 1;
        p->frames_in++;
        return 0;
    }

    int x0, y0, x1, y1;
    if (!changed_box(p, f, &x0, &y0, &x1, &y1)) {
        p->frames_in++;
        return 0;
    }

    /* Map the changed pixels to palette indices; a pixel whose new colour
     * is no closer than what the canvas already shows stays as it is. */
    const uint8_t T = (uint8_t)p->gpal.transparent;
    int hyst = p->dither ? -1 : KEEP_SHOWN_SLACK;
    int tx0 = x1, tx1 = x0, ty0 = -1, ty1 = 0;
    if (p->dither == 1 && !p->amp)
        p->amp = dither_amplitude(&p->gpal);
    diffuse_begin(p);
    for (int y = y0; y < y1; y++) {
        const uint32_t *src = frame_row(f, y);
        uint32_t *old = p->prev_src + (size_t)y * w;
        const uint32_t *shown = p->canvas + (size_t)y * w;
        uint8_t *nrow = p->next + (size_t)y * w;
        int l = -1, r = -1;
        uint32_t last_px = ~src[x0];
        int idx = 0;
        uint32_t rgb = 0;
        for (int x = x0; x < x1; x++) {
            nrow[x] = T;
            if (src[x] == old[x]) {
                diffuse_skip(p, x);
                continue;
            }
            if (src[x] != last_px || p->dither) {
                last_px = src[x];
                rgb = pixel_rgb(last_px, p->background);
                idx = map_pixel(p, &p->gpal, rgb, x, y, p->amp);
                if (idx < 0)
                    return diag_fail("gif: out of memory for the palette");
            }
            uint32_t c = slot_rgb(&p->gpal, idx);
            if (c == shown[x] ||
                (hyst >= 0 && rgb_dist(shown[x], rgb) <= rgb_dist(c, rgb) + hyst))
                continue;
            nrow[x] = (uint8_t)idx;
            if (l < 0)
                l = x;
            r = x;
        }
        memcpy(old + x0, src + x0, (size_t)(x1 - x0) * sizeof *src);
        diffuse_next_row(p);
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
    if (ty0 < 0) {      /* changed colours, same picture: nothing to show */
        p->frames_in++;
        return 0;
    }

    if (p->have_pending) {
        int images = flush_pending(p, opt, p->frames_in);
        if (images < 0)
            return -1;
        e->images_written += images;
    }
    if (make_image(p, tx0, ty0, tx1 - tx0, ty1 - ty0, f->index) < 0)
        return -1;
    p->have_pending = 1;
    p->frames_in++;
    return 0;
}

static int gif_close(struct encoder *e)
{
    struct gif_priv *p = e->priv;
    int rc = 0;

    if (p->frames_in < e->opt->nframes) {
        rc = diag_fail("gif: only %d of %d frames arrived", p->frames_in,
                       e->opt->nframes);
    } else if (p->have_pending) {
        int images = flush_pending(p, e->opt, p->frames_in);
        if (images < 0)
            rc = -1;
        else
            e->images_written += images;
    }
    if (rc == 0) {
        static const uint8_t trailer = 0x3b;
        put(p, &trailer, 1);
        rc = outfile_close(p->fp, "gif");
    } else {
        outfile_abandon(p->fp);
    }
    p->fp = NULL;
    release(p);
    return rc;
}

static void gif_discard(struct encoder *e)
{
    struct gif_priv *p = e->priv;
    p->discarding = 1;
    outfile_abandon(p->fp);
    p->fp = NULL;
    release(p);
}

const struct encoder_kind encoder_gif = {
    .head = {.name = "gif",
             .summary = "looping GIF animation: exact-colour palette, changed rectangles only",
             .params = gif_params, .opts_size = sizeof(struct gif_opts)},
    .ext = "gif",
    .priv_size = sizeof(struct gif_priv),
    .open = gif_open,
    .analyze = gif_analyze,
    .add_frame = gif_add_frame,
    .close = gif_close,
    .discard = gif_discard,
};
