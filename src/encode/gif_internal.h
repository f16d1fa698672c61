/* gif_internal: the state the files of the gif encoder kind share, private
 * to them (tests go through encoder_gif, gif_lzw.h and gif_writer.h).
 *
 * The state is grouped by lifetime, one sub-struct each:
 *  - analysis (gif_analysis.c): what analyze() learns from the sampled
 *    frames; most of it is dropped once the palettes are built, the record
 *    of when each pixel changes stays to the end;
 *  - palettes (gif_analysis.c builds them): the global table, the first
 *    image's own table when it has one, and the error estimate that the
 *    rate-distortion choices weigh their gains against;
 *  - dither (gif_dither.c): how pixels are mapped to a table;
 *  - canvas (gif_image.c): what the viewer shows, one entry per pixel;
 *  - coder (gif_image.c): the compressor, its work rows, the image waiting
 *    for its delay and a trial encoding;
 *  - ties (gif_ties.c): near-tie decisions on big images;
 *  - out (gif.c, gif_writer.c): the file and its timing.
 * gif_open allocates the per-pixel buffers of the images up front; the
 * analysis allocates its own with the first analyzed frame, and a few
 * caches are allocated on first use. Every pointer is NULL or owned, and
 * release() in gif.c frees them all, whatever state the encoder is in.
 *
 * Functions return 0 (or a count) and -1 on failure, reported once where it
 * is found (diag_fail), unless their comment says "not reported". */
#ifndef ENCODE_GIF_INTERNAL_H
#define ENCODE_GIF_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "encode.h"
#include "encode/gif_lzw.h"
#include "encode/gif_palette.h"
#include "encode/gif_writer.h"
#include "frame.h"

/* The renderer passes every picture to analyze() when there are fewer than
 * this many (see encode.h). */
#define GIF_ANALYZE_ALL ENCODE_ANALYZE_MAX

/* Rate-distortion choices (the first image's own table, near ties) value
 * one dB of PSNR at GIF_PCT_PER_DB % of the file's bytes. Tuned on the
 * lessons (bench/encoders.sh); see bench/README.md. */
#define GIF_PCT_PER_DB 1.75

/* The either-pixel variant and near ties are tried for images this big
 * (bytes) at least: on smaller ones they have not paid for their time. */
#define GIF_EITHER_MIN_BYTES 2000

/* Images of at least this many pixels run gif_encode's two passes at the
 * same time (below it, handing work to the lane costs more than it saves),
 * when the first is expected to fill the table (the second is of use only
 * then): when it would write at least this share of the codes that fill
 * it, at the pixels per code of the pass before. */
#define GIF_LANE_MIN_PX 16384
#define GIF_LANE_FILL_SHARE 0.75

/* At most this many change sets (one per pair of analyzed frames) and this
 * many colours in each; a fuller set counts as needing every colour. */
#define GIF_MAX_SETS 64
#define GIF_MAX_SET_COLORS 4096

/* The values of gif_opts.dither, in the order of gif_dithers. */
enum gif_dither_mode {
    GIF_DITHER_NONE,
    GIF_DITHER_ORDERED,
    GIF_DITHER_DIFFUSION,
};

/* The colours an image of the changes between two analyzed frames needs. */
struct gif_chg_set {
    uint32_t *rgb;              /* 0xRRGGBB each, in a content-fixed order */
    uint32_t n;
    int full;                   /* more than GIF_MAX_SET_COLORS: all needed */
};

/* What the analysis learns: every analyzed pixel (hist), the pixels that
 * changed between consecutive analyzed frames (shist: how often each
 * colour is sent) and, per pair, the set of colours an image would need.
 * gif_analysis_end frees what only the palettes need; chg and the counts
 * serve the rate-distortion choices of every image. */
struct gif_analysis {
    struct gif_hist hist, shist;
    uint32_t *prev_sample;      /* the last analyzed frame */
    uint8_t *moved;             /* pixels that may change: in each analyzed pair,
                                   each row from its first to its last changed
                                   pixel (what moved swept the pixels between) */
    uint32_t *chg;              /* per pixel, bit k set when it differs between
                                   analyzed samples k + 1 and k + 2 (numbered
                                   from 1); kept to the end */
    int sample_frame[GIF_ANALYZE_ALL + 1]; /* the frame index of each sample */
    struct gif_chg_set sets[GIF_MAX_SETS];
    int nsets, npairs, nsamples;
    double pair_bytes;          /* compressed size of the analyzed pairs' changes */
};

struct gif_palettes {
    struct gif_palette global;  /* every image but the first */
    struct gif_palette first;   /* the first image's own table, when split */
    int split;
    uint8_t first_to_global[256];   /* first slot -> equal global slot, or
                                       the transparent index */
    double d0;                  /* estimated squared error of the whole
                                   animation (0: unknown) */
};

struct gif_dither {
    enum gif_dither_mode mode;
    int width;                  /* of the frames */
    int amp;                    /* ordered: amplitude for the global table,
                                   0 until the first later image needs it */
    int16_t *err;               /* diffusion: two rows of 3 channels, 1/16 units */
};

/* The picture on screen, as the viewer has it once the pending image is
 * shown, and the frame it stands for. */
struct gif_canvas {
    uint32_t *prev_src;         /* previous frame, width pixels per row */
    uint32_t *rgb;              /* RGB on screen */
    uint8_t *idx;               /* the on-screen colour's global index, the
                                   transparent index if it has none */
    uint8_t *next;              /* this frame's global indices, transparent
                                   where unchanged */
};

/* A search that must pay for itself (the either variant): tried on every
 * image it may help while it wins; after a trial that did not, the next 1, 2, 4 ... up to GIF_SEARCH_MAX_WAIT such
 * images go without it. Lessons are consistent, so a search that does not
 * pay on one image seldom pays on the next; the retries follow the
 * content when it changes. */
#define GIF_SEARCH_MAX_WAIT 8

/* A trial encoding must be expected to save at least this many bytes per
 * pixel it encodes (100 bytes per megapixel): the search's cost grows with
 * the image's area, and so does what it must buy. Tuned on the lessons
 * (bench/encoders.sh); see bench/README.md. */
#define GIF_TRIAL_MIN_GAIN 1e-4

struct gif_search {
    int wait, backoff;
};

static inline int gif_search_due(struct gif_search *s)
{
    if (s->wait > 0) {
        s->wait--;
        return 0;
    }
    return 1;
}

static inline void gif_search_result(struct gif_search *s, int won)
{
    if (won) {
        s->backoff = 0;
        return;
    }
    s->backoff = s->backoff ? 2 * s->backoff : 1;
    if (s->backoff > GIF_SEARCH_MAX_WAIT)
        s->backoff = GIF_SEARCH_MAX_WAIT;
    s->wait = s->backoff;
}

/* A helper thread (gif_lane.c): fn(arg) runs on it between a start that
 * returned 1 and the wait after it. */
struct gif_lane {
    int up, failed;             /* thread running; could not be started */
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void (*fn)(void *);
    void *arg;
    int busy, quit;
};

struct gif_coder {
    struct lzw lzw;
    struct lzw lzw2;            /* the second pass of gif_encode, on the lane */
    uint8_t *chosen2;           /* its choices per pixel, when lzw.chosen is set */
    struct gif_lane lane;
    struct gif_search either;   /* the either variant's record */
    double px_per_code;         /* of the last first pass; 0 before any */
    int run_sym;                /* transparent index while encoding frames, else -1 */
    uint8_t *val, *alt;         /* the image being encoded, packed rows */
    uint8_t *hval;              /* val with one-colour runs kept opaque */
    struct gif_image pending;   /* image awaiting its delay */
    struct gif_image trial;     /* a candidate encoding of the next image */
    int have_pending;
};

/* Near ties: a cache of each colour's second choice (for one palette at a
 * time) and per image pixel the second colour, its cost (extra squared
 * error times the frames shown), a trial's symbols and choices and the
 * winner's choices. */
struct gif_ties {
    int on;                     /* near ties in later images */

    double d_added;             /* estimated squared error the ties added */
    uint32_t *keys;
    uint16_t *vals;
    const struct gif_palette *pal;  /* the palette the cache is for */
    uint8_t *sec, *win, *work, *chosen;
    float *cost;
};

struct gif_output {
    FILE *fp;
    struct gif_writer w;        /* writes to fp */
    int64_t cs_written;         /* sum of the delays written so far */
};

struct gif_priv {
    int width, height;
    uint32_t background;        /* RGB shown where a pixel is fully transparent */
    int nframes;                /* announced in the options */
    int frames_in;              /* add_frame calls so far */
    int started;                /* palette built and header written */
    struct gif_analysis analysis;
    struct gif_palettes pal;
    struct gif_dither dither;
    struct gif_canvas canvas;
    struct gif_coder coder;
    struct gif_ties ties;
    struct gif_output out;
};

/* --- colour and frame helpers -------------------------------------------- */

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
 * fall halfway, and one between samples around fi to be fi's own. Inline:
 * it is asked for every pixel of the images that weigh their errors. */
static inline double gif_pixel_life(const struct gif_priv *p, size_t i, int fi)
{
    const struct gif_analysis *a = &p->analysis;
    uint32_t m = a->chg ? a->chg[i] : 0;
    int all = a->nsamples < GIF_ANALYZE_ALL;
    while (m) {
        int s = __builtin_ctz(m) + 1;
        m &= m - 1;
        int lo = a->sample_frame[s], hi = a->sample_frame[s + 1];
        if (hi <= fi)
            continue;
        if (all)
            return hi - fi;
        if (lo < fi)
            continue;
        return 0.5 * (lo + hi) - fi;
    }
    return p->nframes - fi;
}

/* --- gif_analysis.c: the analysis and the palettes ------------------------ */

/* Adds an analyzed frame (of the encoder's size) to the analysis. */
int gif_analysis_add(struct gif_priv *p, const struct frame *f);
/* Frees what only the palettes need; gif_analysis_free frees it all. Both
 * may be called again. */
void gif_analysis_end(struct gif_analysis *a);
void gif_analysis_free(struct gif_analysis *a);
/* Builds p->pal from the analysis, or from f alone without one, and
 * decides whether the first image, of f, gets a table of its own. */
int gif_build_palettes(struct gif_priv *p, const struct frame *f, int max_colors);
/* The whole file's size, estimated from a first image of f0 bytes. */
double gif_file_estimate(const struct gif_priv *p, double f0);

/* --- gif_dither.c: pixels to palette indices ------------------------------- */

/* Allocates the diffusion rows for frames width pixels wide (in every
 * mode; they are small). -1 when out of memory (not reported). */
int gif_dither_init(struct gif_dither *d, enum gif_dither_mode mode, int width);
void gif_dither_free(struct gif_dither *d);
/* The ordered dither amplitude for pal. */
int gif_dither_amplitude(const struct gif_palette *pal);
/* Error diffusion runs row by row: begin at a frame's first row, next_row
 * after each row, and skip for each pixel of a row that is not mapped (it
 * keeps what is shown), so that no error flows through it. */
void gif_dither_begin(struct gif_dither *d);
void gif_dither_next_row(struct gif_dither *d);
static inline void gif_dither_skip(struct gif_dither *d, int x)
{
    if (d->mode == GIF_DITHER_DIFFUSION)
        memset(d->err + 3 * ((size_t)x + 1), 0, 3 * sizeof *d->err);
}
/* The index of pal for rgb at (x, y) of the current row, dithered as the
 * mode asks (amp: the ordered amplitude); -1 when out of memory (not
 * reported). */
int gif_map_pixel(struct gif_dither *d, struct gif_palette *pal, uint32_t rgb,
                  int x, int y, int amp);
/* Maps frame f through pal into out; returns the largest index, and in
 * *err the squared error of the pixels times the frames each stays shown
 * (its error over the animation, as the first image). */
int gif_map_frame(struct gif_priv *p, struct gif_palette *pal,
                  const struct frame *f, uint8_t *out, double *err);

/* --- gif_lane.c: the helper thread ----------------------------------------- */

/* Runs fn(arg) on the lane's thread (started on first use) and returns 1;
 * 0 when there is no thread, and the caller runs it itself. */
int gif_lane_start(struct gif_lane *l, void (*fn)(void *), void *arg);
/* Waits for the function started last to return. */
void gif_lane_wait(struct gif_lane *l);
/* Stops the thread, if any; the lane may be started again. */
void gif_lane_stop(struct gif_lane *l);

/* --- gif_image.c: the images ----------------------------------------------- */

/* Compresses n pixels into im (which takes over the compressor's output
 * buffer, handing its own back for the next call). */
int gif_encode(struct gif_coder *c, struct gif_image *im, const uint8_t *val,
               const uint8_t *alt, size_t n, int min_bits);
/* The first image, of every pixel of f, into coder.pending. */
int gif_first_image(struct gif_priv *p, const struct frame *f);
/* Maps the pixels of f that changed since the previous frame to
 * canvas.next and sets box to the rectangle {x, y, w, h} that needs a new
 * image. Returns 1, 0 when nothing needs showing, or -1. */
int gif_map_changes(struct gif_priv *p, const struct frame *f, int box[4]);
/* The image of the rectangle box of canvas.next, the changes of frame fi,
 * into coder.pending; puts them on the canvas. */
int gif_next_image(struct gif_priv *p, const int box[4], int fi);

/* --- gif_ties.c: near ties ------------------------------------------------- */

void gif_ties_free(struct gif_ties *t);
/* Near ties in the first image, mapped through pal to coder.val and
 * encoded in coder.pending; on success the winner replaces it and the
 * canvas. 0 or -1. */
int gif_ties_first(struct gif_priv *p, struct gif_palette *pal, const struct frame *f);
/* Near ties in the changed pixels of a later image over the rectangle box
 * (coder.val holds its symbols), on top of the winning variant (win_d, and
 * win_a if it was the either choice) now in *im. Returns 1 when a tie won
 * (im holds it, ties.win its symbols), 0 when none paid, -1. */
int gif_ties_next(struct gif_priv *p, struct gif_image *im, const int box[4], int fi,
                  const uint8_t *win_d, const uint8_t *win_a);

#endif
