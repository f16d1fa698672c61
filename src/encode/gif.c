/* The "gif" encoder kind: an endlessly looping GIF89a animation, written
 * by our own code (giflib only reads GIFs, in the tests). This file is the
 * kind's glue: its options, the life cycle the renderer drives (open,
 * analyze, add_frame, close, discard), the timing of the images and the
 * file. The work is done, by lifetime, in
 *  - gif_analysis.c: the analysis of the sampled frames, and the palettes
 *    built from it before the first image;
 *  - gif_dither.c: source pixels to palette indices;
 *  - gif_image.c: each frame's image, made of what changed;
 *  - gif_ties.c: near ties, a rate-distortion choice on big images;
 *  - gif_writer.c: the GIF89a bitstream, through a write callback;
 *  - gif_lzw.c, gif_palette.c: the compressor and the palette builder;
 * with the state they share in gif_internal.h.
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
 * replaced. Both are rate-distortion choices (gif_build_palettes, near
 * ties), and the analysis tells how long each pixel stays shown. The
 * global table is ordered so that the images need as few bits per pixel
 * as they can: the LZW code size of each image follows the highest index
 * it uses.
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
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "encode.h"
#include "encode/gif_internal.h"
#include "outfile.h"
#include "param.h"

const char *const gif_dithers[] = {"none", "ordered", "diffusion", NULL};
const char *const gif_delays[] = {"exact", "even", NULL};

static const struct param_spec gif_params[] = {
    {.name = "max_colors", .type = PARAM_INT, .offset = offsetof(struct gif_opts, max_colors),
     .def = "256", .ranged = 1, .lo = 2, .hi = 256, .doc = "palette size"},
    {.name = "dither", .type = PARAM_ENUM, .offset = offsetof(struct gif_opts, dither),
     .def = "none", .choices = gif_dithers,
     .doc = "none for flat plots; ordered or diffusion for photo-like content"},
    {.name = "delays", .type = PARAM_ENUM, .offset = offsetof(struct gif_opts, delays),
     .def = "exact", .choices = gif_delays,
     .doc = "exact: delays follow the clock (6 fps: 17, 16, 17 cs ...); even: every frame the "
            "frame time rounded to whole cs (6 fps: 17 cs each, as imageio writes; drifts)"},
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

/* --- output -------------------------------------------------------------- */

/* A write error that stdio already knows about stops the encoding early;
 * one that shows only when the buffer is flushed is found by close. */
static int check_written(const struct gif_priv *p)
{
    const struct gif_writer *w = &p->out.w;
    if (gif_writer_status(w) < 0)
        return diag_fail("gif: writing the file: %s",
                         w->errnum ? strerror(w->errnum) : "write error");
    return 0;
}

/* Round(100 * t) for the start of frame i, t = i * fps_den / fps_num; with
 * even delays, i times the rounded frame time instead (every frame alike,
 * as the source lessons' GIFs, at the cost of drifting from the clock). */
static int64_t frame_start_cs(const struct enc_options *opt, int i)
{
    int64_t num = opt->fps_num, den = opt->fps_den;
    const struct gif_opts *go = opt->kind_opts;
    if (go && go->delays == 1)
        return (int64_t)i * ((200 * den + num) / (2 * num));
    return (200 * (int64_t)i * den + num) / (2 * num);
}

double gif_duration(const struct enc_options *opt)
{
    /* The last frame ends where a frame after it would start. */
    return (double)frame_start_cs(opt, opt->nframes) / 100;
}

/* Writes the pending image, shown until frame end starts; returns the
 * number of images written. Rounding the cumulative times (not each delay)
 * keeps the total exact; a delay raised to the 2 cs minimum is paid back by
 * the next images. */
static int flush_pending(struct gif_priv *p, const struct enc_options *opt, int end)
{
    struct gif_output *out = &p->out;
    struct gif_coder *c = &p->coder;
    int64_t delay = frame_start_cs(opt, end) - out->cs_written;
    if (delay < MIN_DELAY_CS)
        delay = MIN_DELAY_CS;
    int64_t first = delay < MAX_DELAY_CS ? delay : MAX_DELAY_CS;
    gif_writer_image(&out->w, &c->pending, (int)first);
    int images = 1;
    /* A still longer than 655 s continues through invisible 1x1 images. */
    for (int64_t left = delay - first; left > 0; left -= MAX_DELAY_CS) {
        uint8_t clear = (uint8_t)p->pal.global.transparent;
        struct gif_image *im = &c->trial;
        if (gif_encode(c, im, &clear, NULL, 1, lzw_min_bits(clear)) < 0)
            return -1;
        im->x = im->y = 0;
        im->w = im->h = 1;
        im->lct_bits = 0;
        im->transparent = p->pal.global.transparent;
        int64_t part = left < MAX_DELAY_CS ? left : MAX_DELAY_CS;
        gif_writer_image(&out->w, im, (int)(part < MIN_DELAY_CS ? MIN_DELAY_CS : part));
        images++;
    }
    out->cs_written += delay;
    c->have_pending = 0;
    return check_written(p) < 0 ? -1 : images;
}

/* --- life cycle ---------------------------------------------------------- */

static void release(struct gif_priv *p)
{
    gif_analysis_free(&p->analysis);
    gif_palette_free(&p->pal.global);
    gif_palette_free(&p->pal.first);
    gif_dither_free(&p->dither);
    struct gif_canvas *cv = &p->canvas;
    free(cv->prev_src);
    free(cv->rgb);
    free(cv->idx);
    free(cv->next);
    cv->prev_src = cv->rgb = NULL;
    cv->idx = cv->next = NULL;
    struct gif_coder *c = &p->coder;
    free(c->val);
    free(c->alt);
    free(c->hval);
    free(c->pending.data);
    free(c->trial.data);
    c->val = c->alt = c->hval = NULL;
    c->pending.data = c->trial.data = NULL;
    gif_lane_stop(&c->lane);
    lzw_free(&c->lzw);
    lzw_free(&c->lzw2);
    free(c->chosen2);
    c->chosen2 = NULL;
    gif_ties_free(&p->ties);
}

static int gif_max_colors(const struct enc_options *opt)
{
    return opt->kind_opts ? ((const struct gif_opts *)opt->kind_opts)->max_colors
                          : gif_defaults.max_colors;
}

/* The per-pixel buffers of the images, asked for at the start so that a
 * frame too big for memory fails at open. -1 (not reported). */
static int alloc_buffers(struct gif_priv *p, enum gif_dither_mode dither)
{
    size_t npx = (size_t)p->width * (size_t)p->height;
    struct gif_canvas *cv = &p->canvas;
    struct gif_coder *c = &p->coder;
    struct gif_ties *t = &p->ties;
    cv->prev_src = malloc(npx * sizeof *cv->prev_src);
    cv->rgb = malloc(npx * sizeof *cv->rgb);
    cv->idx = malloc(npx);
    cv->next = malloc(npx);
    c->val = malloc(npx);
    c->alt = malloc(npx);
    c->hval = malloc(npx);
    c->chosen2 = malloc(npx);
    t->sec = malloc(npx);
    t->win = malloc(npx);
    t->work = malloc(npx);
    t->chosen = malloc(npx);
    t->cost = malloc(npx * sizeof *t->cost);
    int dither_rc = gif_dither_init(&p->dither, dither, p->width);
    if (dither_rc < 0 || !cv->prev_src || !cv->rgb || !cv->idx || !cv->next ||
        !c->val || !c->alt || !c->hval || !t->sec || !t->win || !t->work ||
        !t->chosen || !t->cost || !c->chosen2 || lzw_init(&c->lzw) < 0 ||
        lzw_init(&c->lzw2) < 0)
        return -1;
    return 0;
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
    p->nframes = opt->nframes;
    p->coder.run_sym = -1;
    if (alloc_buffers(p, (enum gif_dither_mode)go->dither) < 0) {
        release(p);
        return diag_fail("gif: out of memory for %dx%d frames", opt->width,
                         opt->height);
    }

    p->out.fp = outfile_open(path, "gif");
    if (!p->out.fp) {
        release(p);
        return -1;
    }
    gif_writer_init(&p->out.w, gif_writer_stdio, p->out.fp);
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
    return gif_analysis_add(p, f);
}

static int gif_add_frame(struct encoder *e, const struct frame *f)
{
    struct gif_priv *p = e->priv;
    const struct enc_options *opt = e->opt;

    if (f->width != p->width || f->height != p->height)
        return diag_fail("gif: frame %d is %dx%d, expected %dx%d", f->index,
                         f->width, f->height, p->width, p->height);
    if (p->frames_in >= opt->nframes)
        return diag_fail("gif: more than the announced %d frames", opt->nframes);

    if (!p->started) {
        if (gif_build_palettes(p, f, gif_max_colors(opt)) < 0)
            return -1;
        gif_writer_header(&p->out.w, p->width, p->height, &p->pal.global);
        if (check_written(p) < 0 || gif_first_image(p, f) < 0)
            return -1;
        gif_analysis_end(&p->analysis);
        p->started = 1;
        p->coder.have_pending = 1;
        p->frames_in++;
        return 0;
    }

    int box[4];
    int changed = gif_map_changes(p, f, box);
    if (changed <= 0) {
        if (changed < 0)
            return -1;
        p->frames_in++;
        return 0;
    }
    if (p->coder.have_pending) {
        int images = flush_pending(p, opt, p->frames_in);
        if (images < 0)
            return -1;
        e->images_written += images;
    }
    if (gif_next_image(p, box, f->index) < 0)
        return -1;
    p->coder.have_pending = 1;
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
    } else if (p->coder.have_pending) {
        int images = flush_pending(p, e->opt, p->frames_in);
        if (images < 0)
            rc = -1;
        else
            e->images_written += images;
    }
    if (rc == 0) {
        gif_writer_trailer(&p->out.w);
        /* stdio's own account first: it also knows what the final flush
         * and the close did. */
        rc = outfile_close(p->out.fp, "gif");
        if (rc == 0)
            rc = check_written(p);
    } else {
        outfile_abandon(p->out.fp);
    }
    p->out.fp = NULL;
    release(p);
    return rc;
}

static void gif_discard(struct encoder *e)
{
    struct gif_priv *p = e->priv;
    outfile_abandon(p->out.fp);
    p->out.fp = NULL;
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
