/* gif_analysis: what the gif encoder kind learns before its first image,
 * and the palettes it builds from that. The renderer passes a sample of
 * the frames to analyze() (encode.h); each is counted into an exact colour
 * histogram, compared with the sample before it (which colours changed,
 * and how often: the change histogram; which pixels moved, and between
 * which samples; which colours an image of the change needs) and the
 * change is compressed roughly to estimate the file's size. When the first
 * frame arrives the global table is built from the histograms, ordered for
 * the change sets, and the first image may get a table of its own, a
 * rate-distortion choice weighed against that size estimate. All of this
 * happens once per file, before anything is written; what it leaves for
 * later (when each pixel changes, the error estimate) serves the choices
 * made on every image. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "encode/gif_internal.h"

/* Palette tuning, measured on the lessons (bench/encoders.sh): colours that
 * cover 1/KEEP_DIV of the pixels are kept exact (up to KEEP_PCT % of the
 * table); KMEANS_PASSES Lloyd passes at most. A colour's weight is divided
 * by 1 + RESENT_WEIGHT * (times sent / time shown). */
#define KEEP_DIV 128
#define KEEP_PCT 50
#define KMEANS_PASSES 10
#define RESENT_WEIGHT 1.0

/* The first image's own table: pixels that never move count STILL_WEIGHT
 * times in its histogram. Its choice values one dB at GIF_PCT_PER_DB % of
 * the file's bytes, the file's size estimated from the analysis (or taken
 * to be FILE_PER_FIRST times the first image without one). These values
 * were tuned on the lessons (bench/encoders.sh); see bench/README.md. */
#define STILL_WEIGHT 4
#define FILE_PER_FIRST 4.0

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
    struct gif_analysis *a = &p->analysis;
    int w = p->width, x0 = w, x1 = 0, y0 = -1, y1 = 0;
    for (int y = 0; y < p->height; y++) {
        const uint32_t *src = frame_row(f, y), *old = a->prev_sample + (size_t)y * w;
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
    uint8_t *sym = p->coder.val;    /* not in use before the first frame */
    size_t n = 0;
    for (int y = y0; y < y1; y++) {
        const uint32_t *src = frame_row(f, y), *old = a->prev_sample + (size_t)y * w;
        for (int x = x0; x < x1; x++)
            sym[n++] = src[x] == old[x] ? 255
                     : (uint8_t)(((src[x] & 0xffffff) * 0x9e3779b1u >> 24) % 255);
    }
    if (lzw_encode(&p->coder.lzw, sym, NULL, n, 8, LZW_CLEAR_WHEN_FULL, 255) < 0)
        return diag_fail("gif: out of memory for the analysis");
    a->pair_bytes += (double)p->coder.lzw.len;
    return 0;
}

/* Records the pixels that differ from the previous analyzed frame: their
 * colours into the change histogram and, as a set, for ordering the
 * palette. Then remembers this frame. */
static int collect_changes(struct gif_priv *p, const struct frame *f)
{
    struct gif_analysis *a = &p->analysis;
    int w = p->width;
    int sample = a->nsamples;
    if (sample <= GIF_ANALYZE_ALL)
        a->sample_frame[sample] = f->index;
    size_t npx = (size_t)w * p->height;
    if (!a->prev_sample) {
        a->prev_sample = malloc(npx * sizeof *a->prev_sample);
        a->moved = calloc(npx, 1);
        a->chg = calloc(npx, sizeof *a->chg);
        if (!a->prev_sample || !a->moved || !a->chg)
            return diag_fail("gif: out of memory for the analysis");
    } else {
        /* Past GIF_MAX_SETS pairs, a slot is reused for the union. */
        struct gif_chg_set *set = &a->sets[a->npairs % GIF_MAX_SETS];
        if (a->npairs < GIF_MAX_SETS)
            a->nsets++;
        a->npairs++;
        enum { HSIZE = 2 * GIF_MAX_SET_COLORS };
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
            const uint32_t *old = a->prev_sample + (size_t)y * w;
            if (memcmp(src, old, (size_t)w * sizeof *src) == 0)
                continue;
            uint32_t last = 0;
            int lo = 0, hi = w - 1;
            while (src[lo] == old[lo])
                lo++;
            while (src[hi] == old[hi])
                hi--;
            memset(a->moved + (size_t)y * w + lo, 1, (size_t)(hi - lo + 1));
            for (int x = 0; x < w; x++) {
                if (src[x] == old[x])
                    continue;
                a->moved[(size_t)y * w + x] = 1;
                if (sample >= 2 && sample <= GIF_ANALYZE_ALL)
                    a->chg[(size_t)y * w + x] |= 1u << (sample - 2);
                if (gif_hist_add(&a->shist, pixel_rgb(src[x], p->background), 1) < 0) {
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
                        if (++n >= GIF_MAX_SET_COLORS)
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
        memcpy(a->prev_sample + (size_t)y * w, frame_row(f, y),
               (size_t)w * sizeof *a->prev_sample);
    return 0;
}

int gif_analysis_add(struct gif_priv *p, const struct frame *f)
{
    if (hist_add_frame(&p->analysis.hist, f, p->background) < 0)
        return -1;
    p->analysis.nsamples++;
    return collect_changes(p, f);
}

void gif_analysis_end(struct gif_analysis *a)
{
    for (int i = 0; i < GIF_MAX_SETS; i++) {
        free(a->sets[i].rgb);
        a->sets[i].rgb = NULL;
        a->sets[i].n = 0;
    }
    free(a->prev_sample);
    free(a->moved);
    a->prev_sample = NULL;
    a->moved = NULL;
    gif_hist_free(&a->hist);
    gif_hist_free(&a->shist);
}

void gif_analysis_free(struct gif_analysis *a)
{
    gif_analysis_end(a);
    free(a->chg);
    a->chg = NULL;
}

/* The whole file's size, estimated from a first image of f0 bytes and
 * the analyzed pairs (see estimate_pair). The renderer passes every
 * picture when there are few (fewer than GIF_ANALYZE_ALL of them): then
 * the analyzed frames are the images; else every frame is taken to be
 * one. */
double gif_file_estimate(const struct gif_priv *p, double f0)
{
    const struct gif_analysis *a = &p->analysis;
    if (a->npairs == 0)
        return FILE_PER_FIRST * f0;
    double images = a->nsamples < GIF_ANALYZE_ALL ? a->nsamples : p->nframes;
    /* A pair spans several images: its changes add up theirs, but the
     * part every image pays (rows of transparent pixels) only once; the
     * square root of the span has matched the lessons within 15 %. */
    double span = (images - 1) / a->npairs;
    return f0 + (images - 1) * a->pair_bytes / a->npairs / sqrt(span > 1 ? span : 1);
}

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
    const struct gif_analysis *a = &p->analysis;
    struct gif_palette *g = &p->pal.global;
    uint64_t (*sets)[4] = calloc(GIF_MAX_SETS, sizeof *sets);
    if (!sets)
        return diag_fail("gif: out of memory for the palette");
    int nsets = 0;
    for (int j = 0; j < a->nsets; j++) {
        const struct gif_chg_set *set = &a->sets[j];
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

/* The first image's table: from the first frame's histogram, where pixels
 * that never move count sw times (they are seen for the whole animation,
 * the others only until they change). */
static int build_first_palette(struct gif_priv *p, struct gif_palette *pal,
                               const struct frame *f, int max_colors)
{
    const uint8_t *moved = p->analysis.moved;
    struct gif_hist first = {0};
    struct gif_palette_opts fo = palette_opts(max_colors, 0);
    int rc = 0, sw = STILL_WEIGHT;
    for (int y = 0; y < f->height && rc == 0; y++) {
        const uint32_t *row = frame_row(f, y);
        const uint8_t *mv = moved ? moved + (size_t)y * f->width : NULL;
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

/* The global table, from the histogram with the colours sent again and
 * again weighing less, ordered for the change sets. */
static int build_global(struct gif_priv *p, int max_colors)
{
    struct gif_analysis *a = &p->analysis;
    struct gif_palette_opts o = palette_opts(max_colors, 1);
    struct gif_hist *gh = &a->hist;
    struct gif_hist wh = {0};
    const double mu = RESENT_WEIGHT;
    if (a->shist.used > 0) {
        /* Colours sent again and again (moving things) weigh less: their
         * precision costs bytes every frame and is seen for one. */
        double scale = (double)a->nsamples / (a->npairs ? a->npairs : 1);
        for (uint32_t i = 0; i < gh->cap; i++)
            if (gh->keys[i]) {
                uint32_t c = gh->keys[i] & 0xffffff;
                double t = (double)gh->counts[i];
                double sent = (double)gif_hist_get(&a->shist, c) * scale;
                double wgt = t / (1 + mu * sent / t);
                if (gif_hist_add(&wh, c, (uint64_t)(wgt * 16 + 1)) < 0) {
                    gif_hist_free(&wh);
                    return -1;
                }
            }
        gh = &wh;
    }
    int rcb = gif_palette_build(&p->pal.global, gh, &o) < 0 || order_global(p, gh) < 0;
    gif_hist_free(&wh);
    return rcb ? -1 : 0;
}

/* Builds the palettes from the analysis (or from the first frame alone when
 * there was none). When the animation has more colours than one table
 * holds and part of it never moves, the first image may get a table of its
 * own, made for the pixels that stay (the global table serves what
 * changes). Whether that pays is a rate-distortion choice made on the
 * first frame itself: the error it removes from the still pixels, over the
 * whole animation and relative to the animation's estimated error, against
 * the bytes it adds to the first image, relative to the estimated file
 * size, at GIF_PCT_PER_DB % per dB. */
int gif_build_palettes(struct gif_priv *p, const struct frame *f, int max_colors)
{
    struct gif_analysis *a = &p->analysis;
    struct gif_palettes *pl = &p->pal;
    struct gif_coder *c = &p->coder;
    if (a->hist.used == 0 && hist_add_frame(&a->hist, f, p->background) < 0)
        return -1;
    if (build_global(p, max_colors) < 0)
        return -1;
    pl->split = 0;
    pl->d0 = 0;
    if (a->nsamples > 0) {
        double e_hist = 0;
        for (uint32_t i = 0; i < a->hist.cap; i++)
            if (a->hist.keys[i]) {
                uint32_t col = a->hist.keys[i] & 0xffffff;
                int k = gif_palette_index(&pl->global, col);
                if (k < 0)
                    return diag_fail("gif: out of memory for the palette");
                e_hist += (double)a->hist.counts[i] * gif_palette_dist(&pl->global, k, col);
            }
        pl->d0 = e_hist * p->nframes / a->nsamples;
    }
    if (a->shist.used == 0 || !a->moved || pl->d0 <= 0 ||
        a->hist.used <= (uint32_t)(max_colors - 1))
        return 0;

    double d0 = pl->d0;
    size_t npx = (size_t)f->width * f->height;
    double eg;
    int maxv = gif_map_frame(p, &pl->global, f, c->val, &eg);
    if (maxv < 0 || gif_encode(c, &c->trial, c->val, NULL, npx, lzw_min_bits(maxv)) < 0)
        return -1;
    double bytes_g = (double)c->trial.len;

    double best = 0;
    struct gif_palette cand = {0};
    for (int k = 0; k < 3; k++) {
        int colors = max_colors - k * max_colors / 4;
        if (colors < 16)
            break;
        double ef;
        if (build_first_palette(p, &cand, f, colors) < 0)
            return -1;
        maxv = gif_map_frame(p, &cand, f, c->val, &ef);
        if (maxv < 0 || gif_encode(c, &c->trial, c->val, NULL, npx, lzw_min_bits(maxv)) < 0) {
            gif_palette_free(&cand);
            return -1;
        }
        double bytes_f = (double)c->trial.len + (3 << gif_table_bits(cand.nslots));
        double dd = eg - ef;
        double gain = dd < d0 ? 10 * log10(d0 / (d0 - dd)) : 10;
        double cost = 100 * (bytes_f - bytes_g) / gif_file_estimate(p, bytes_g) / GIF_PCT_PER_DB;
        if (gain > 0 && gain - cost > best) {
            best = gain - cost;
            gif_palette_free(&pl->first);
            pl->first = cand;
            cand.cache_keys = NULL;
            cand.cache_idx = NULL;
            pl->split = 1;
        }
        gif_palette_free(&cand);
    }
    if (!pl->split)
        return 0;
    /* Pixels the first image sets may stay as they are in later images
     * only if the global table has their exact colour. */
    uint8_t T = (uint8_t)pl->global.transparent;
    for (int i = 0; i < pl->first.nslots; i++) {
        int g = gif_palette_index(&pl->global, slot_rgb(&pl->first, i));
        if (g < 0)
            return diag_fail("gif: out of memory for the palette");
        pl->first_to_global[i] = slot_rgb(&pl->global, g) == slot_rgb(&pl->first, i) ? (uint8_t)g : T;
    }
    return 0;
}
