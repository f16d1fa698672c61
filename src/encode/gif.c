/* The "gif" encoder kind: an endlessly looping GIF89a animation with one
 * global palette. The palette comes from an exact colour histogram of the
 * frames the renderer passes to analyze() (or of the first frame when it
 * passes none): lessons are flat colours plus anti-aliased edges, so the
 * frequent colours (background, text, series) are kept exactly and only the
 * blends in between are approximated, by a weighted median cut polished with
 * a few k-means passes. Every frame is mapped to its nearest palette colours
 * without dithering (dithering would make static areas shimmer and defeat
 * the frame differencing) and compared with the canvas the viewer already
 * shows: only the rectangle that changed is stored, unchanged pixels inside
 * it become transparent, and a frame that changes nothing just lengthens the
 * previous image's delay. The image waiting for its delay to be known is the
 * only thing buffered, so memory is a few bytes per pixel whatever the
 * number of frames. */
#include <errno.h>
#include <gif_lib.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "encode.h"
#include "outfile.h"

/* Past this many distinct colours the histogram drops one more low bit per
 * channel, so that photographic content cannot make it grow without bound;
 * flat-shaded lessons stay far below it and keep their colours exact. */
#define HIST_MAX_COLORS (1u << 18)
#define HIST_USED 0x01000000u   /* marks an occupied slot: 0 is black */

/* Direct-mapped cache of colour -> palette index. It only speeds up the
 * nearest-colour search, so collisions cost time, never correctness, and
 * its size is fixed whatever the content. */
#define CACHE_BITS 16

/* Browsers show images with a delay under 2 cs at 10 cs, so nothing shorter
 * is written; 65535 cs is the largest delay the format can hold. */
#define MIN_DELAY_CS 2
#define MAX_DELAY_CS 65535

struct hist {
    uint32_t *keys;     /* colour | HIST_USED; 0 marks an empty slot */
    uint64_t *counts;
    uint32_t cap;       /* number of slots, 1 << bits */
    int bits;
    uint32_t used;
    int shift;          /* low bits dropped from each channel */
};

struct color_count {
    uint32_t rgb;
    uint64_t count;
};

struct gif_priv {
    FILE *fp;
    GifFileType *gif;
    int write_failed;   /* set by the output callback: giflib ignores */
    int write_errno;    /* the result of some of its own writes */
    int discarding;     /* drop output: the file is being thrown away */

    int width, height;
    uint32_t background;    /* RGB shown where a pixel is fully transparent */
    int frames_in;          /* add_frame calls so far */

    struct hist hist;

    int started;        /* palette built and header written */
    int ncolors;        /* real colours; the transparent slot comes after */
    int transparent;
    uint8_t pal[256][3];

    uint32_t *cache_keys;   /* colour | HIST_USED, 0 when empty */
    uint8_t *cache_idx;

    uint32_t *prev_src;     /* previous frame, width pixels per row */
    uint8_t *canvas;        /* indices on screen once pending is shown */
    uint8_t *next;          /* this frame's indices inside the changed box */
    uint8_t *pending;       /* image awaiting its delay, packed rows */
    int pend_x, pend_y, pend_w, pend_h;
    int have_pending;
    int64_t cs_written;     /* sum of the delays written so far */
};

/* --- colour helpers ------------------------------------------------------ */

static inline int channel(uint32_t rgb, int ch)
{
    return (int)(rgb >> (16 - 8 * ch)) & 0xff;
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

static inline uint32_t hash_rgb(uint32_t rgb, int bits)
{
    return (rgb * 0x9e3779b1u) >> (32 - bits);
}

/* --- histogram ----------------------------------------------------------- */

/* Adds n to the slot of key (already masked to the current precision) in
 * a table of 1 << bits slots. There is room: callers keep it half empty. */
static void hist_put(uint32_t *keys, uint64_t *counts, int bits,
                     uint32_t key, uint64_t n, uint32_t *used)
{
    uint32_t cap = 1u << bits;
    uint32_t want = key | HIST_USED;
    for (uint32_t i = hash_rgb(key, bits);; i = (i + 1) & (cap - 1)) {
        if (keys[i] == want) {
            counts[i] += n;
            return;
        }
        if (keys[i] == 0) {
            keys[i] = want;
            counts[i] = n;
            (*used)++;
            return;
        }
    }
}

static uint32_t hist_mask(int shift)
{
    uint32_t m = (0xffu << shift) & 0xffu;
    return m << 16 | m << 8 | m;
}

/* Rebuilds the table with 1 << bits slots, dropping shift low bits per
 * channel (merging the colours that then coincide). */
static int hist_rebuild(struct hist *h, int bits, int shift)
{
    uint32_t cap = 1u << bits;
    uint32_t *keys = calloc(cap, sizeof *keys);
    uint64_t *counts = calloc(cap, sizeof *counts);
    if (!keys || !counts) {
        free(keys);
        free(counts);
        return diag_fail("gif: out of memory for the colour histogram");
    }
    uint32_t used = 0, mask = hist_mask(shift);
    for (uint32_t i = 0; i < h->cap; i++)
        if (h->keys[i])
            hist_put(keys, counts, bits, h->keys[i] & mask, h->counts[i], &used);
    free(h->keys);
    free(h->counts);
    h->keys = keys;
    h->counts = counts;
    h->cap = cap;
    h->bits = bits;
    h->used = used;
    h->shift = shift;
    return 0;
}

static int hist_add(struct hist *h, uint32_t rgb, uint64_t n)
{
    if ((h->used + 1) * 2 > h->cap &&
        hist_rebuild(h, h->cap ? h->bits + 1 : 12, h->shift) < 0)
        return -1;
    hist_put(h->keys, h->counts, h->bits, rgb & hist_mask(h->shift), n, &h->used);
    while (h->used > HIST_MAX_COLORS)
        if (hist_rebuild(h, h->bits, h->shift + 1) < 0)
            return -1;
    return 0;
}

/* Counts runs rather than pixels: flat backgrounds make one hash update
 * cover hundreds of pixels. */
static int hist_add_frame(struct gif_priv *p, const struct frame *f)
{
    uint32_t run_px = frame_pixel(f, 0, 0);
    uint64_t run = 0;
    for (int y = 0; y < f->height; y++) {
        const uint32_t *row = (const uint32_t *)((const unsigned char *)f->px +
                                                 (long)y * f->stride);
        for (int x = 0; x < f->width; x++) {
            if (row[x] == run_px) {
                run++;
                continue;
            }
            if (hist_add(&p->hist, pixel_rgb(run_px, p->background), run) < 0)
                return -1;
            run_px = row[x];
            run = 1;
        }
    }
    return hist_add(&p->hist, pixel_rgb(run_px, p->background), run);
}

static void hist_free(struct hist *h)
{
    free(h->keys);
    free(h->counts);
    memset(h, 0, sizeof *h);
}

/* --- palette ------------------------------------------------------------- */

static int nearest(const struct gif_priv *p, uint32_t rgb)
{
    int r = channel(rgb, 0), g = channel(rgb, 1), b = channel(rgb, 2);
    int best = 0, best_d = INT_MAX;
    for (int i = 0; i < p->ncolors; i++) {
        int dr = r - p->pal[i][0], dg = g - p->pal[i][1], db = b - p->pal[i][2];
        int d = dr * dr + dg * dg + db * db;
        if (d < best_d) {
            best_d = d;
            best = i;
            if (d == 0)
                break;
        }
    }
    return best;
}

/* Most frequent first; equal counts by colour so that the palette never
 * depends on the histogram's hash order. */
static int by_count_then_rgb(const void *a, const void *b)
{
    const struct color_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return (x->rgb > y->rgb) - (x->rgb < y->rgb);
}

struct box {
    uint32_t lo, hi;    /* entries [lo, hi) of the colour array */
    double err;         /* weighted squared error of its mean; < 0: atomic */
    int axis;           /* channel with the widest weighted spread */
};

static void box_measure(const struct color_count *c, struct box *b)
{
    double w = 0, s[3] = {0, 0, 0}, q[3] = {0, 0, 0};
    for (uint32_t i = b->lo; i < b->hi; i++) {
        double n = (double)c[i].count;
        w += n;
        for (int ch = 0; ch < 3; ch++) {
            double v = channel(c[i].rgb, ch);
            s[ch] += n * v;
            q[ch] += n * v * v;
        }
    }
    b->err = 0;
    b->axis = 0;
    double widest = -1;
    for (int ch = 0; ch < 3; ch++) {
        double var = q[ch] - s[ch] * s[ch] / w;
        b->err += var;
        if (var > widest) {
            widest = var;
            b->axis = ch;
        }
    }
    if (b->hi - b->lo < 2)
        b->err = -1;
}

/* Stable counting sort of a box along one channel: O(n), and stability
 * keeps the result independent of anything but the input order. */
static void box_sort(struct color_count *c, struct color_count *tmp,
                     const struct box *b)
{
    uint32_t start[257] = {0};
    for (uint32_t i = b->lo; i < b->hi; i++)
        start[channel(c[i].rgb, b->axis) + 1]++;
    for (int v = 0; v < 256; v++)
        start[v + 1] += start[v];
    for (uint32_t i = b->lo; i < b->hi; i++)
        tmp[start[channel(c[i].rgb, b->axis)]++] = c[i];
    memcpy(c + b->lo, tmp, (b->hi - b->lo) * sizeof *c);
}

static void box_mean(const struct color_count *c, const struct box *b,
                     uint8_t out[3])
{
    uint64_t w = 0, s[3] = {0, 0, 0};
    for (uint32_t i = b->lo; i < b->hi; i++) {
        w += c[i].count;
        for (int ch = 0; ch < 3; ch++)
            s[ch] += c[i].count * (uint64_t)channel(c[i].rgb, ch);
    }
    for (int ch = 0; ch < 3; ch++)
        out[ch] = (uint8_t)((s[ch] + w / 2) / w);
}

/* Splits the n colours into at most want boxes, always splitting the box
 * with the largest squared error at its weighted median, and writes the
 * boxes' weighted means to out. Returns the number of colours written. */
static int median_cut(struct color_count *c, uint32_t n, int want,
                      uint8_t (*out)[3])
{
    struct box boxes[256];
    struct color_count *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return diag_fail("gif: out of memory for the palette");
    int nbox = 1;
    boxes[0] = (struct box){.lo = 0, .hi = n};
    box_measure(c, &boxes[0]);
    while (nbox < want) {
        int pick = -1;
        for (int i = 0; i < nbox; i++)
            if (boxes[i].err > 0 && (pick < 0 || boxes[i].err > boxes[pick].err))
                pick = i;
        if (pick < 0)
            break;
        struct box *b = &boxes[pick];
        box_sort(c, tmp, b);
        uint64_t total = 0, cum = 0;
        for (uint32_t i = b->lo; i < b->hi; i++)
            total += c[i].count;
        uint32_t split = b->lo + 1;
        for (uint32_t i = b->lo; i < b->hi - 1; i++) {
            cum += c[i].count;
            split = i + 1;
            if (cum * 2 >= total)
                break;
        }
        boxes[nbox] = (struct box){.lo = split, .hi = b->hi};
        b->hi = split;
        box_measure(c, b);
        box_measure(c, &boxes[nbox]);
        nbox++;
    }
    free(tmp);
    for (int i = 0; i < nbox; i++)
        box_mean(c, &boxes[i], out[i]);
    return nbox;
}

/* Lloyd iterations: each movable colour (index >= fixed) moves to the mean
 * of the histogram colours nearest to it. The exact colours before fixed
 * stay put so that they keep matching their pixels exactly. */
static void kmeans_pass(struct gif_priv *p, const struct color_count *c,
                        uint32_t n, int fixed)
{
    uint64_t w[256] = {0}, s[256][3];
    memset(s, 0, sizeof s);
    for (uint32_t i = 0; i < n; i++) {
        int k = nearest(p, c[i].rgb);
        w[k] += c[i].count;
        for (int ch = 0; ch < 3; ch++)
            s[k][ch] += c[i].count * (uint64_t)channel(c[i].rgb, ch);
    }
    for (int k = fixed; k < p->ncolors; k++)
        if (w[k])
            for (int ch = 0; ch < 3; ch++)
                p->pal[k][ch] = (uint8_t)((s[k][ch] + w[k] / 2) / w[k]);
}

static int build_palette(struct gif_priv *p, int max_colors)
{
    struct hist *h = &p->hist;
    uint32_t n = 0;
    struct color_count *c = malloc((size_t)h->used * sizeof *c);
    if (!c)
        return diag_fail("gif: out of memory for the palette");
    /* A coarsened colour stands for the middle of the cell it covers. */
    uint32_t half = h->shift ? 1u << (h->shift - 1) : 0;
    uint32_t centre = half << 16 | half << 8 | half;
    uint64_t total = 0;
    for (uint32_t i = 0; i < h->cap; i++)
        if (h->keys[i]) {
            c[n].rgb = (h->keys[i] & 0xffffff) | centre;
            c[n].count = h->counts[i];
            total += c[n].count;
            n++;
        }
    hist_free(h);
    qsort(c, n, sizeof *c, by_count_then_rgb);

    int slots = max_colors - 1;     /* one index is the transparent one */
    if (n <= (uint32_t)slots) {
        for (uint32_t i = 0; i < n; i++)
            for (int ch = 0; ch < 3; ch++)
                p->pal[i][ch] = (uint8_t)channel(c[i].rgb, ch);
        p->ncolors = (int)n;
    } else {
        /* Colours covering at least 1/1024 of the pixels are the scene's
         * flat colours: keep them exact, up to half of the palette. */
        int keep = 0;
        while (keep < slots / 2 && c[keep].count * 1024 >= total)
            keep++;
        for (int i = 0; i < keep; i++)
            for (int ch = 0; ch < 3; ch++)
                p->pal[i][ch] = (uint8_t)channel(c[i].rgb, ch);
        int got = median_cut(c + keep, n - (uint32_t)keep, slots - keep,
                             p->pal + keep);
        if (got < 0) {
            free(c);
            return -1;
        }
        p->ncolors = keep + got;
        for (int pass = 0; pass < 2; pass++)
            kmeans_pass(p, c, n, keep);
    }
    free(c);
    p->transparent = p->ncolors;
    return 0;
}

static inline uint8_t palette_index(struct gif_priv *p, uint32_t rgb)
{
    uint32_t slot = hash_rgb(rgb, CACHE_BITS);
    if (p->cache_keys[slot] != (rgb | HIST_USED)) {
        p->cache_keys[slot] = rgb | HIST_USED;
        p->cache_idx[slot] = (uint8_t)nearest(p, rgb);
    }
    return p->cache_idx[slot];
}

/* --- output -------------------------------------------------------------- */

static int gif_write_cb(GifFileType *gif, const GifByteType *buf, int len)
{
    struct gif_priv *p = gif->UserData;
    if (p->discarding)
        return len;
    if (len > 0 && fwrite(buf, 1, (size_t)len, p->fp) != (size_t)len) {
        if (!p->write_failed)
            p->write_errno = errno;
        p->write_failed = 1;
        return 0;
    }
    return len;
}

/* Reports a failed giflib call, preferring the underlying I/O error. */
static int gif_fail(struct gif_priv *p, const char *what)
{
    if (p->write_failed)
        return diag_fail("gif: %s: %s", what,
                         p->write_errno ? strerror(p->write_errno) : "write error");
    return diag_fail("gif: %s: %s", what, GifErrorString(p->gif->Error));
}

static int write_header(struct gif_priv *p)
{
    int bits = 1;
    while ((1 << bits) < p->ncolors + 1)
        bits++;
    ColorMapObject *map = GifMakeMapObject(1 << bits, NULL);
    if (!map)
        return diag_fail("gif: out of memory for the colour table");
    for (int i = 0; i < p->ncolors; i++) {
        map->Colors[i].Red = p->pal[i][0];
        map->Colors[i].Green = p->pal[i][1];
        map->Colors[i].Blue = p->pal[i][2];
    }
    EGifSetGifVersion(p->gif, true);
    int rc = EGifPutScreenDesc(p->gif, p->width, p->height, 8, 0, map);
    GifFreeMapObject(map);
    if (rc == GIF_ERROR)
        return gif_fail(p, "writing the header");

    /* NETSCAPE2.0 application extension, sub-block 1: loop count 0 =
     * forever. Browsers play a GIF once without it. */
    static const GifByteType loop[3] = {1, 0, 0};
    if (EGifPutExtensionLeader(p->gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(p->gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
        EGifPutExtensionBlock(p->gif, 3, loop) == GIF_ERROR ||
        EGifPutExtensionTrailer(p->gif) == GIF_ERROR)
        return gif_fail(p, "writing the loop extension");
    return p->write_failed ? gif_fail(p, "writing the header") : 0;
}

static int put_image(struct gif_priv *p, int x, int y, int w, int h,
                     GifPixelType *px, int delay)
{
    GraphicsControlBlock gcb = {
        .DisposalMode = DISPOSE_DO_NOT,
        .UserInputFlag = false,
        .DelayTime = delay,
        .TransparentColor = p->transparent,
    };
    GifByteType ext[4];
    size_t len = EGifGCBToExtension(&gcb, ext);
    if (EGifPutExtension(p->gif, GRAPHICS_EXT_FUNC_CODE, (int)len, ext) == GIF_ERROR ||
        EGifPutImageDesc(p->gif, x, y, w, h, false, NULL) == GIF_ERROR)
        return gif_fail(p, "writing an image");
    for (int r = 0; r < h; r++)
        if (EGifPutLine(p->gif, px + (size_t)r * w, w) == GIF_ERROR)
            return gif_fail(p, "writing an image");
    return p->write_failed ? gif_fail(p, "writing an image") : 0;
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
    if (put_image(p, p->pend_x, p->pend_y, p->pend_w, p->pend_h, p->pending,
                  (int)first) < 0)
        return -1;
    int images = 1;
    /* A still longer than 655 s continues through invisible 1x1 images. */
    for (int64_t left = delay - first; left > 0; left -= MAX_DELAY_CS) {
        GifPixelType clear = (GifPixelType)p->transparent;
        int64_t part = left < MAX_DELAY_CS ? left : MAX_DELAY_CS;
        if (put_image(p, 0, 0, 1, 1, &clear,
                      (int)(part < MIN_DELAY_CS ? MIN_DELAY_CS : part)) < 0)
            return -1;
        images++;
    }
    p->cs_written += delay;
    p->have_pending = 0;
    return images;
}

/* --- life cycle ---------------------------------------------------------- */

static void release(struct gif_priv *p)
{
    hist_free(&p->hist);
    free(p->cache_keys);
    free(p->cache_idx);
    free(p->prev_src);
    free(p->canvas);
    free(p->next);
    free(p->pending);
    p->cache_keys = NULL;
    p->cache_idx = NULL;
    p->prev_src = NULL;
    p->canvas = p->next = p->pending = NULL;
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
    if (opt->gif_max_colors < 2 || opt->gif_max_colors > 256)
        return diag_fail("gif: gif_max_colors %d is outside 2..256",
                         opt->gif_max_colors);

    p->width = opt->width;
    p->height = opt->height;
    p->background = opt->background & 0xffffff;
    size_t npx = (size_t)opt->width * (size_t)opt->height;
    p->cache_keys = calloc((size_t)1 << CACHE_BITS, sizeof *p->cache_keys);
    p->cache_idx = calloc((size_t)1 << CACHE_BITS, 1);
    p->prev_src = malloc(npx * sizeof *p->prev_src);
    p->canvas = calloc(npx, 1);     /* read (not used) by the first frame */
    p->next = malloc(npx);
    p->pending = malloc(npx);
    if (!p->cache_keys || !p->cache_idx || !p->prev_src || !p->canvas ||
        !p->next || !p->pending) {
        release(p);
        return diag_fail("gif: out of memory for %dx%d frames", opt->width,
                         opt->height);
    }

    p->fp = outfile_open(path, "gif");
    if (!p->fp) {
        release(p);
        return -1;
    }
    int err = 0;
    p->gif = EGifOpen(p, gif_write_cb, &err);
    if (!p->gif) {
        outfile_abandon(p->fp);
        p->fp = NULL;
        release(p);
        return diag_fail("gif: %s", GifErrorString(err));
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
    return hist_add_frame(p, f);
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
        const uint32_t *src = (const uint32_t *)((const unsigned char *)f->px +
                                                 (long)y * f->stride);
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

    int first = !p->started;
    if (first) {
        if (p->hist.used == 0 && hist_add_frame(p, f) < 0)
            return -1;
        if (build_palette(p, opt->gif_max_colors) < 0 || write_header(p) < 0)
            return -1;
        p->started = 1;
    }

    int x0, y0, x1, y1;
    if (first) {
        x0 = y0 = 0;
        x1 = w;
        y1 = p->height;
    } else if (!changed_box(p, f, &x0, &y0, &x1, &y1)) {
        p->frames_in++;
        return 0;
    }

    /* Map the changed box to palette indices and narrow it to where the
     * indices differ from the canvas (nearby colours may share an index). */
    int tx0 = x1, tx1 = x0, ty0 = -1, ty1 = 0;
    for (int y = y0; y < y1; y++) {
        const uint32_t *src = (const uint32_t *)((const unsigned char *)f->px +
                                                 (long)y * f->stride);
        uint8_t *nrow = p->next + (size_t)y * w;
        const uint8_t *crow = p->canvas + (size_t)y * w;
        uint32_t last_px = ~src[x0];
        uint8_t idx = 0;
        int l = -1, r = -1;
        for (int x = x0; x < x1; x++) {
            if (src[x] != last_px) {
                last_px = src[x];
                idx = palette_index(p, pixel_rgb(last_px, p->background));
            }
            nrow[x] = idx;
            if (idx != crow[x]) {
                if (l < 0)
                    l = x;
                r = x;
            }
        }
        memcpy(p->prev_src + (size_t)y * w + x0, src + x0,
               (size_t)(x1 - x0) * sizeof *src);
        if (l >= 0 || first) {
            if (first) {
                l = x0;
                r = x1 - 1;
            }
            if (ty0 < 0)
                ty0 = y;
            ty1 = y + 1;
            if (l < tx0)
                tx0 = l;
            if (r + 1 > tx1)
                tx1 = r + 1;
        }
    }
    if (ty0 < 0) {      /* changed colours, same indices: nothing to show */
        p->frames_in++;
        return 0;
    }

    if (p->have_pending) {
        int images = flush_pending(p, opt, p->frames_in);
        if (images < 0)
            return -1;
        e->images_written += images;
    }

    /* The new pending image: changed pixels carry their index, unchanged
     * ones are transparent so the canvas shows through (and compresses to
     * long runs). The first image has nothing to show through. */
    GifPixelType *out = p->pending;
    for (int y = ty0; y < ty1; y++) {
        const uint8_t *nrow = p->next + (size_t)y * w;
        uint8_t *crow = p->canvas + (size_t)y * w;
        for (int x = tx0; x < tx1; x++) {
            *out++ = (first || nrow[x] != crow[x]) ? nrow[x]
                                                   : (GifPixelType)p->transparent;
            crow[x] = nrow[x];
        }
    }
    p->pend_x = tx0;
    p->pend_y = ty0;
    p->pend_w = tx1 - tx0;
    p->pend_h = ty1 - ty0;
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
    if (rc < 0)
        p->discarding = 1;

    /* EGifCloseFile writes the trailer and frees giflib's state either way;
     * it does not check that write, so the callback's flag decides. */
    int err = 0;
    if (EGifCloseFile(p->gif, &err) == GIF_ERROR && rc == 0)
        rc = diag_fail("gif: finishing the file: %s", GifErrorString(err));
    p->gif = NULL;
    if (rc == 0 && p->write_failed)
        rc = diag_fail("gif: finishing the file: %s",
                       p->write_errno ? strerror(p->write_errno) : "write error");

    if (rc == 0)
        rc = outfile_close(p->fp, "gif");
    else
        outfile_abandon(p->fp);
    p->fp = NULL;
    release(p);
    return rc;
}

static void gif_discard(struct encoder *e)
{
    struct gif_priv *p = e->priv;
    p->discarding = 1;
    if (p->gif)
        EGifCloseFile(p->gif, NULL);
    p->gif = NULL;
    outfile_abandon(p->fp);
    p->fp = NULL;
    release(p);
}

const struct encoder_kind encoder_gif = {
    .name = "gif",
    .ext = "gif",
    .summary = "looping GIF animation: exact-colour palette, changed rectangles only",
    .priv_size = sizeof(struct gif_priv),
    .open = gif_open,
    .analyze = gif_analyze,
    .add_frame = gif_add_frame,
    .close = gif_close,
    .discard = gif_discard,
};
