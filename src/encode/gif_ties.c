/* gif_ties: near ties, a rate-distortion choice the gif encoder kind makes
 * on each big image. A pixel may take its second nearest colour when that
 * is hardly farther from the source, and the compressor then picks, pixel
 * by pixel, whichever extends its strings (on smooth gradients the band
 * edges line up from row to row: a heat map's first image shrinks by a
 * fifth). How much farther is decided slack by slack while it pays: the
 * bytes saved, relative to the file's estimated size, against the error
 * added, relative to the animation's estimated error, at GIF_PCT_PER_DB %
 * of the file per dB. A pixel's cost is its extra squared error times the
 * frames it stays shown (from the analysis), so colours about to be
 * replaced may stray further than those that stay; the slack bounds that
 * cost per frame of the animation. The decisions live for one image; what
 * carries over is the error they added, which later images weigh theirs
 * against, and a cache of each colour's second choice. Kept apart from the
 * image making because it is a policy laid over it: without it the images
 * are the same, only larger. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "encode/gif_internal.h"

/* The linear exchange of bytes for dB holds for small trades only: near
 * ties never cost more than MAX_TIE_LOSS_DB (estimated) in one image.
 * Tuned on the lessons (bench/encoders.sh); see bench/README.md. */
#define MAX_TIE_LOSS_DB 1.25

void gif_ties_free(struct gif_ties *t)
{
    free(t->sec);
    free(t->win);
    free(t->work);
    free(t->chosen);
    free(t->cost);
    free(t->keys);
    free(t->vals);
    t->sec = t->win = t->work = t->chosen = NULL;
    t->cost = NULL;
    t->keys = NULL;
    t->vals = NULL;
    t->pal = NULL;
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
static int tie_lookup(struct gif_ties *t, const struct gif_palette *pal,
                      uint32_t rgb, int best)
{
    enum { CACHE = 1 << 12 };
    if (!t->keys) {
        t->keys = malloc(CACHE * sizeof *t->keys);
        t->vals = malloc(CACHE * sizeof *t->vals);
        if (!t->keys || !t->vals)
            return diag_fail("gif: out of memory for the palette");
        t->pal = NULL;
    }
    if (t->pal != pal) {
        memset(t->keys, 0, CACHE * sizeof *t->keys);
        t->pal = pal;
    }
    uint32_t slot = (rgb * 0x9e3779b1u) >> 20;
    if (t->keys[slot] != (rgb | GIF_HIST_USED)) {
        int second = near_tie(pal, rgb, best, 255);
        int more = gif_palette_dist(pal, second, rgb) - gif_palette_dist(pal, best, rgb);
        t->keys[slot] = rgb | GIF_HIST_USED;
        t->vals[slot] = (uint16_t)(second | (more > 255 ? 255 : more) << 8);
    }
    return t->vals[slot];
}

/* Tries the slacks on the n pixels of val: ties.cost holds each pixel's
 * cost (infinite without a tie) and ties.sec its second symbol, for a
 * pixel without a tie the symbol it may take besides val without any
 * error (or val). *im holds the image's best plain encoding; on success it
 * holds the winner, ties.win its choice per pixel, and the return is 1; 0
 * if no tie paid, -1 on error. */
static int try_ties(struct gif_priv *p, struct gif_image *im, const uint8_t *val, size_t n)
{
    static const int slacks[] = {1, 2, 4, 8, 16, 32, 64};
    struct gif_ties *t = &p->ties;
    struct gif_coder *c = &p->coder;
    uint8_t *work = t->work, *chosen = t->chosen;
    const double base = (double)im->len, frames = p->nframes;
    const double d = p->pal.d0 + t->d_added;
    double best = 0, best_added = 0;
    int won = 0;
    enum { NSLACK = sizeof slacks / sizeof *slacks };
    /* How many pixels each slack lets take their tie: a slack that adds
     * none to the last one tried would encode the same again. */
    size_t ties_at[NSLACK] = {0};
    for (size_t i = 0; i < n; i++) {
        float cost = t->cost[i];
        for (int k = NSLACK - 1; k >= 0 && cost <= slacks[k] * frames; k--)
            ties_at[k]++;
    }
    size_t tried = 0;
    long last_gain = 0;
    for (size_t k = 0; k < NSLACK; k++) {
        double limit = slacks[k] * frames;
        if (!ties_at[k])
            continue;
        if (ties_at[k] == tried)
            break;              /* the same trial as the last, which won */
        /* Each slack gains less than the one before: once a trial saved
         * less than the next would cost, stop. */
        if (won && (double)last_gain < GIF_TRIAL_MIN_GAIN * (double)n)
            break;
        tried = ties_at[k];
        int vm = 0;
        for (size_t i = 0; i < n; i++) {
            int tie = t->cost[i] <= limit;
            work[i] = tie || t->cost[i] == INFINITY ? t->sec[i] : val[i];
            if (work[i] > vm)
                vm = work[i];
            if (val[i] > vm)
                vm = val[i];
        }
        c->lzw.chosen = chosen;
        int rc = gif_encode(c, &c->trial, val, work, n, lzw_min_bits(vm));
        c->lzw.chosen = NULL;
        if (rc < 0)
            return -1;
        double added = 0;
        for (size_t i = 0; i < n; i++)
            if (chosen[i] != val[i] && t->cost[i] <= limit)
                added += t->cost[i];
        double gain = 100 * (base - (double)c->trial.len) / gif_file_estimate(p, base) / GIF_PCT_PER_DB;
        double loss = 10 * log10((d + added) / d);
        if (gain - loss <= best || loss > MAX_TIE_LOSS_DB)
            break;              /* more slack will not pay either */
        best = gain - loss;
        best_added = added;
        last_gain = (long)im->len - (long)c->trial.len;
        struct gif_image tmp = *im;
        *im = c->trial;
        c->trial = tmp;
        memcpy(t->win, chosen, n);
        won = 1;
    }
    t->d_added += best_added;
    return won;
}

int gif_ties_first(struct gif_priv *p, struct gif_palette *pal, const struct frame *f)
{
    struct gif_ties *t = &p->ties;
    struct gif_canvas *cv = &p->canvas;
    int w = p->width, h = p->height;
    size_t npx = (size_t)w * h;
    const uint8_t *val = p->coder.val;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = frame_row(f, y);
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            int s = tie_lookup(t, pal, pixel_rgb(row[x], p->background), val[i]);
            if (s < 0)
                return -1;
            t->sec[i] = (uint8_t)s;
            t->cost[i] = (uint8_t)s == val[i] ? INFINITY
                       : (float)((s >> 8) * gif_pixel_life(p, i, 0));
        }
    }
    int won = try_ties(p, &p->coder.pending, val, npx);
    if (won <= 0)
        return won;
    for (size_t i = 0; i < npx; i++) {
        cv->rgb[i] = slot_rgb(pal, t->win[i]);
        cv->idx[i] = p->pal.split ? p->pal.first_to_global[t->win[i]] : t->win[i];
    }
    return 0;
}

int gif_ties_next(struct gif_priv *p, struct gif_image *im, const int box[4], int fi,
                  const uint8_t *win_d, const uint8_t *win_a)
{
    struct gif_ties *t = &p->ties;
    int w = p->width, x0 = box[0], y0 = box[1], iw = box[2], ih = box[3];
    const uint8_t *val = p->coder.val;
    struct gif_palette *g = &p->pal.global;
    const uint8_t T = (uint8_t)g->transparent;
    for (int y = y0, i = 0; y < y0 + ih; y++)
        for (int x = x0; x < x0 + iw; x++, i++) {
            size_t px = (size_t)y * w + x;
            int s = val[i] == T ? val[i]
                  : tie_lookup(t, g, pixel_rgb(p->canvas.prev_src[px], p->background), val[i]);
            if (s < 0)
                return -1;
            if ((uint8_t)s == val[i]) {     /* unchanged, or no tie */
                t->sec[i] = win_a ? win_a[i] : win_d[i];
                t->cost[i] = INFINITY;
            } else {
                t->sec[i] = (uint8_t)s;
                t->cost[i] = (float)((s >> 8) * gif_pixel_life(p, px, fi));
            }
        }
    return try_ties(p, im, win_d, (size_t)iw * ih);
}
