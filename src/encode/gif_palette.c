/* gif_palette: histograms and palettes for the gif encoder (see
 * gif_palette.h). */
#include "encode/gif_palette.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Past this many distinct colours the histogram drops one more low bit per
 * channel; flat-shaded lessons stay far below it and keep exact colours. */
#define HIST_MAX_COLORS (1u << 18)

static inline int channel(uint32_t rgb, int ch)
{
    return (int)(rgb >> (16 - 8 * ch)) & 0xff;
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
    uint32_t want = key | GIF_HIST_USED;
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
static int hist_rebuild(struct gif_hist *h, int bits, int shift)
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

int gif_hist_add(struct gif_hist *h, uint32_t rgb, uint64_t n)
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

uint64_t gif_hist_get(const struct gif_hist *h, uint32_t rgb)
{
    if (!h->cap)
        return 0;
    uint32_t want = (rgb & hist_mask(h->shift)) | GIF_HIST_USED;
    for (uint32_t i = hash_rgb(want & 0xffffff, h->bits);; i = (i + 1) & (h->cap - 1)) {
        if (h->keys[i] == want)
            return h->counts[i];
        if (h->keys[i] == 0)
            return 0;
    }
}

void gif_hist_free(struct gif_hist *h)
{
    free(h->keys);
    free(h->counts);
    memset(h, 0, sizeof *h);
}

/* --- nearest colour ------------------------------------------------------ */

int gif_palette_dist(const struct gif_palette *pal, int i, uint32_t rgb)
{
    int dr = channel(rgb, 0) - pal->rgb[i][0];
    int dg = channel(rgb, 1) - pal->rgb[i][1];
    int db = channel(rgb, 2) - pal->rgb[i][2];
    return dr * dr + dg * dg + db * db;
}

int gif_palette_nearest(const struct gif_palette *pal, uint32_t rgb)
{
    int r = channel(rgb, 0), g = channel(rgb, 1), b = channel(rgb, 2);
    int best = 0, best_d = INT_MAX;
    for (int i = 0; i < pal->nslots; i++) {
        if (i == pal->transparent)
            continue;
        int dr = r - pal->rgb[i][0], dg = g - pal->rgb[i][1], db = b - pal->rgb[i][2];
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

int gif_palette_index(struct gif_palette *pal, uint32_t rgb)
{
    if (!pal->cache_keys) {
        pal->cache_keys = calloc((size_t)1 << GIF_CACHE_BITS, sizeof *pal->cache_keys);
        pal->cache_idx = malloc((size_t)1 << GIF_CACHE_BITS);
        if (!pal->cache_keys || !pal->cache_idx) {
            gif_palette_free(pal);
            return -1;
        }
    }
    uint32_t slot = hash_rgb(rgb, GIF_CACHE_BITS);
    if (pal->cache_keys[slot] != (rgb | GIF_HIST_USED)) {
        pal->cache_keys[slot] = rgb | GIF_HIST_USED;
        pal->cache_idx[slot] = (uint8_t)gif_palette_nearest(pal, rgb);
    }
    return pal->cache_idx[slot];
}

void gif_palette_free(struct gif_palette *pal)
{
    free(pal->cache_keys);
    free(pal->cache_idx);
    pal->cache_keys = NULL;
    pal->cache_idx = NULL;
}

/* --- building ------------------------------------------------------------ */

struct color_count {
    uint32_t rgb;
    uint64_t count;
};

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
    if (want <= 0 || n == 0)
        return 0;
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

/* One Lloyd iteration: each movable colour (index >= fixed) moves to the
 * mean of the histogram colours nearest to it. The exact colours before
 * fixed stay put so that they keep matching their pixels exactly. Returns
 * whether anything moved. */
static int kmeans_pass(struct gif_palette *pal, const struct color_count *c,
                       uint32_t n, int fixed)
{
    uint64_t w[256] = {0}, s[256][3];
    memset(s, 0, sizeof s);
    for (uint32_t i = 0; i < n; i++) {
        int k = gif_palette_nearest(pal, c[i].rgb);
        w[k] += c[i].count;
        for (int ch = 0; ch < 3; ch++)
            s[k][ch] += c[i].count * (uint64_t)channel(c[i].rgb, ch);
    }
    int moved = 0;
    for (int k = fixed; k < pal->nslots; k++) {
        if (k == pal->transparent || !w[k])
            continue;
        for (int ch = 0; ch < 3; ch++) {
            uint8_t v = (uint8_t)((s[k][ch] + w[k] / 2) / w[k]);
            moved |= v != pal->rgb[k][ch];
            pal->rgb[k][ch] = v;
        }
    }
    return moved;
}

int gif_palette_build(struct gif_palette *pal, const struct gif_hist *h,
                      const struct gif_palette_opts *o)
{
    gif_palette_free(pal);
    memset(pal->rgb, 0, sizeof pal->rgb);
    uint32_t n = 0;
    struct color_count *c = malloc(((size_t)h->used + 1) * sizeof *c);
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
    if (n == 0) {               /* nothing seen: black will do */
        c[0] = (struct color_count){0, 1};
        n = total = 1;
    }
    qsort(c, n, sizeof *c, by_count_then_rgb);

    int slots = o->max_colors - (o->transparent ? 1 : 0);
    int ncolors;
    pal->transparent = -1;
    if (n <= (uint32_t)slots) {
        for (uint32_t i = 0; i < n; i++)
            for (int ch = 0; ch < 3; ch++)
                pal->rgb[i][ch] = (uint8_t)channel(c[i].rgb, ch);
        ncolors = (int)n;
        pal->nslots = ncolors;
    } else {
        /* The scene's flat colours are kept exactly. */
        int keep = 0, keep_max = slots * o->keep_pct / 100;
        if (keep_max > slots - 1)
            keep_max = slots - 1;
        while (keep < keep_max && c[keep].count * (uint64_t)o->keep_div >= total)
            keep++;
        for (int i = 0; i < keep; i++)
            for (int ch = 0; ch < 3; ch++)
                pal->rgb[i][ch] = (uint8_t)channel(c[i].rgb, ch);
        int got = median_cut(c + keep, n - (uint32_t)keep, slots - keep,
                             pal->rgb + keep);
        if (got < 0) {
            free(c);
            return -1;
        }
        ncolors = keep + got;
        pal->nslots = ncolors;
        for (int pass = 0; pass < o->kmeans_passes; pass++)
            if (!kmeans_pass(pal, c, n, keep))
                break;
    }
    free(c);
    if (o->transparent) {
        pal->transparent = ncolors;
        pal->nslots = ncolors + 1;
    }
    if (pal->nslots < 2)        /* a table has at least two entries */
        pal->nslots = 2;
    return 0;
}

/* --- ordering ------------------------------------------------------------ */

void gif_palette_reorder(struct gif_palette *pal, const uint64_t *weight)
{
    int ord[256], m = pal->nslots;
    for (int i = 0; i < m; i++)
        ord[i] = i;
    for (int i = 1; i < m; i++)     /* insertion sort: stable */
        for (int j = i; j > 0 && weight[ord[j]] > weight[ord[j - 1]]; j--) {
            int t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    uint8_t rgb[256][3];
    memset(rgb, 0, sizeof rgb);
    int t = -1;
    for (int i = 0; i < m; i++) {
        if (ord[i] == pal->transparent)
            t = i;
        memcpy(rgb[i], pal->rgb[ord[i]], 3);
    }
    memcpy(pal->rgb, rgb, sizeof rgb);
    pal->transparent = t;
    if (pal->cache_keys)
        memset(pal->cache_keys, 0, ((size_t)1 << GIF_CACHE_BITS) * sizeof *pal->cache_keys);
}

static int in_set(const uint64_t *set, int i)
{
    return (int)((set[i >> 6] >> (i & 63)) & 1);
}

/* Repeatedly the slot wanted by the fewest still-intact sets goes to the
 * back (among equals the least frequent), and the sets needing it stop
 * counting: the front ends up holding the colours that let the most sets
 * fit the smallest power of two. */
void gif_palette_order_for_sets(struct gif_palette *pal, const uint64_t (*sets)[4],
                                int nsets, const uint64_t *freq)
{
    int m = pal->nslots;
    int64_t pen[256] = {0};
    int left[256];
    char *active = malloc(nsets > 0 ? (size_t)nsets : 1);
    if (!active)
        return;                 /* ordering is an optimisation only */
    for (int j = 0; j < nsets; j++) {
        active[j] = 1;
        for (int c = 0; c < m; c++)
            pen[c] += in_set(sets[j], c);
    }
    for (int c = 0; c < m; c++)
        left[c] = 1;
    uint64_t weight[256];
    for (int pos = m - 1; pos >= 0; pos--) {
        int pick = -1;
        for (int c = 0; c < m; c++) {
            if (!left[c])
                continue;
            if (pick < 0 || pen[c] < pen[pick] ||
                (pen[c] == pen[pick] && freq[c] < freq[pick]) ||
                (pen[c] == pen[pick] && freq[c] == freq[pick] && c > pick))
                pick = c;
        }
        left[pick] = 0;
        weight[pick] = (uint64_t)(m - pos);
        for (int j = 0; j < nsets; j++) {
            if (!active[j] || !in_set(sets[j], pick))
                continue;
            active[j] = 0;
            for (int c = 0; c < m; c++)
                pen[c] -= in_set(sets[j], c);
        }
    }
    free(active);
    gif_palette_reorder(pal, weight);
}
