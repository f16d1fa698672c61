/* gif_palette: colour histograms and palettes for the gif encoder kind.
 *
 * A histogram counts exact 24-bit colours; past a fixed number of distinct
 * colours it drops low bits (photographic content cannot make it grow
 * without bound), so its memory is bounded whatever it is fed.
 *
 * A palette is built from a histogram: the most frequent colours are kept
 * exactly (flat fills, text, series colours: the pixels a viewer looks at),
 * the rest is split by a weighted median cut and polished by k-means (Lloyd)
 * passes, all in RGB, the space in which PSNR is measured. One slot of the
 * table may be reserved as the transparent index. Every step is
 * deterministic: ties are broken by colour value, never by hash order. */
#ifndef ENCODE_GIF_PALETTE_H
#define ENCODE_GIF_PALETTE_H

#include <stddef.h>
#include <stdint.h>

struct gif_hist {
    uint32_t *keys;     /* colour | GIF_HIST_USED; 0 marks an empty slot */
    uint64_t *counts;
    uint32_t cap;       /* number of slots, 1 << bits */
    int bits;
    uint32_t used;
    int shift;          /* low bits dropped from each channel */
};

#define GIF_HIST_USED 0x01000000u

/* Adds n pixels of colour rgb (0xRRGGBB). 0 or -1 (reported). */
int gif_hist_add(struct gif_hist *h, uint32_t rgb, uint64_t n);
void gif_hist_free(struct gif_hist *h);
/* The count of rgb (at the histogram's precision), 0 if absent. */
uint64_t gif_hist_get(const struct gif_hist *h, uint32_t rgb);

/* Colour -> index cache size (direct mapped, 1 << bits entries). */
#define GIF_CACHE_BITS 16

struct gif_palette {
    uint8_t rgb[256][3];
    int nslots;         /* table entries in use, the transparent one included */
    int transparent;    /* its index, -1 if none */
    uint32_t *cache_keys;   /* colour | GIF_HIST_USED, 0 when empty */
    uint8_t *cache_idx;
};

/* Tuning of the palette builder. */
struct gif_palette_opts {
    int max_colors;     /* table size limit, 2..256, transparent slot included */
    int transparent;    /* reserve a transparent slot */
    int keep_div;       /* colours covering >= 1/keep_div of pixels are exact */
    int keep_pct;       /* ... up to this share of the slots */
    int kmeans_passes;
};

/* Builds pal from h (which is left unchanged). The transparent slot, if
 * any, is the last one. 0 or -1 (out of memory, reported). */
int gif_palette_build(struct gif_palette *pal, const struct gif_hist *h,
                      const struct gif_palette_opts *o);

/* The index of the real colour nearest to rgb (exhaustive, RGB distance). */
int gif_palette_nearest(const struct gif_palette *pal, uint32_t rgb);

/* The same through the cache (allocated on first use). -1 when out of
 * memory (not reported). */
int gif_palette_index(struct gif_palette *pal, uint32_t rgb);

/* Squared RGB distance between rgb and slot i. */
int gif_palette_dist(const struct gif_palette *pal, int i, uint32_t rgb);

/* Renumbers the slots by weight, heaviest first (ties keep their order);
 * the cache is emptied. */
void gif_palette_reorder(struct gif_palette *pal, const uint64_t *weight);

/* Orders the slots so that as many images as possible need only the first
 * 2^k entries: sets[j] is a 256-bit set of the slots image j needs (4
 * words); freq[i] ranks the slots no set needs. */
void gif_palette_order_for_sets(struct gif_palette *pal, const uint64_t (*sets)[4],
                                int nsets, const uint64_t *freq);

void gif_palette_free(struct gif_palette *pal);

#endif
