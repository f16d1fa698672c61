/* The webm encoder kind: VP9 (libvpx-vp9) in a WebM container; the writing
 * is libav.c's, this file is what is VP9's: the options table and the
 * descriptor. The encoder runs in constant quality mode (the scene's webm
 * crf, no bit rate target) at deadline "good". An opaque scene gives
 * yuv420p, the frames composited over the background where not opaque; a
 * scene whose background has alpha < 255 gives yuva420p: the colour is
 * un-premultiplied and the alpha plane is kept (libvpx encodes it as a
 * second VP9 stream that the muxer stores as Matroska BlockAdditions, with
 * the track's AlphaMode set, which is what browsers read; FFmpeg's native
 * vp9 decoder ignores it, the libvpx-vp9 one does not). VP9 takes any size,
 * so nothing is padded. A fixed thread count and fixed tiling and row
 * threading keep the output reproducible. */
#include <stddef.h>
#include <stdio.h>

#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <libavutil/pixfmt.h>

#include "diag.h"
#include "encode.h"
#include "libav.h"
#include "param.h"

static const struct param_spec webm_params[] = {
    {.name = "crf", .type = PARAM_INT, .offset = offsetof(struct webm_opts, crf), .def = "32",
     .ranged = 1, .lo = 0, .hi = 63, .doc = "quality: VP9 constant quality level, lower is better"},
    {0},
};

static const struct webm_opts webm_defaults = {.crf = 32};

/* log2 of the tile columns. VP9 tiles are at least 256 pixels wide, so
 * libvpx lowers this on narrow frames (by the frame width alone, which is
 * deterministic); 800 pixels and up get two columns, one per thread. */
#define WEBM_TILE_COLUMNS_LOG2 1

/* libvpx's speed/quality knob at deadline "good" (0 slowest .. 5 fastest),
 * chosen by measurement rather than by its name: on plot frames (200 of
 * 800x450, two threads, libvpx 1.12) 3, 4 and 5 all cost about 5 s of CPU
 * and 3 parallelises best (about 3.0 s wall against 3.8 s for 5) while
 * giving the smallest file of the three (-9% against 5) at a higher SSIM;
 * 2 is 10% smaller again but 10-15% slower. "realtime" would be ten times
 * faster for a file 15% larger. */
#define WEBM_CPU_USED 3

static int webm_check(const void *opts)
{
    const struct webm_opts *wo = opts;
    if (wo->crf < 0 || wo->crf > 63)
        return diag_fail("webm: crf %d is outside 0..63", wo->crf);
    return 0;
}

static enum AVPixelFormat webm_pix_fmt(const void *opts, int transparent)
{
    return transparent ? AV_PIX_FMT_YUVA420P : AV_PIX_FMT_YUV420P;
}

static int webm_set_options(AVCodecContext *c, const void *opts)
{
    const struct webm_opts *wo = opts;
    int err;

    /* No bit rate: with crf alone libvpx-vp9 runs in constant quality
     * ("Q") mode rather than constrained quality. */
    c->bit_rate = 0;
    if ((err = av_opt_set_int(c->priv_data, "crf", wo->crf, 0)) < 0 ||
        (err = av_opt_set(c->priv_data, "deadline", "good", 0)) < 0 ||
        (err = av_opt_set_int(c->priv_data, "cpu-used", WEBM_CPU_USED, 0)) < 0 ||
        /* Everything that decides how work is split is pinned, so the
         * split, and with it the bitstream, never follows the machine. */
        (err = av_opt_set_int(c->priv_data, "tile-columns", WEBM_TILE_COLUMNS_LOG2, 0)) < 0 ||
        (err = av_opt_set_int(c->priv_data, "tile-rows", 0, 0)) < 0 ||
        (err = av_opt_set_int(c->priv_data, "row-mt", 1, 0)) < 0 ||
        (err = av_opt_set_int(c->priv_data, "frame-parallel", 0, 0)) < 0)
        return err;
    return 0;
}

static void webm_describe(char *buf, size_t size, const void *opts)
{
    const struct webm_opts *wo = opts;
    snprintf(buf, size, "crf %d", wo->crf);
}

static const struct libav_format webm_format = {
    .muxer = "webm",
    .container = "WebM",
    .encoder = "libvpx-vp9",
    .codec = "VP9",
    .defaults = &webm_defaults,
    /* Stored at the frame size: VP9 needs no padding. */
    .even_size = 0,
    /* Two threads keep a 2-core box busy; they work on the two tile columns
     * and, with row threading, on rows within them. (Row threading gives
     * other bytes with one thread than with several, though the same for
     * any count from 2 up: measured with libvpx 1.12.) libvpx threads by
     * itself, so the thread type stays libavcodec's default. */
    .threads = 2,
    .thread_type = 0,
    .keyint_seconds = 10,
    .muxer_options = NULL,
    .check = webm_check,
    .pix_fmt = webm_pix_fmt,
    .set_options = webm_set_options,
    .describe = webm_describe,
};

static int webm_open(struct encoder *e, const char *path)
{
    return libav_open(e, path, &webm_format);
}

const struct encoder_kind encoder_webm = {
    .head = {.name = "webm",
             .summary = "VP9 video in WebM (libvpx, BT.709), keeps transparency for the web",
             .params = webm_params, .opts_size = sizeof(struct webm_opts)},
    .ext = "webm",
    .priv_size = sizeof(struct libav_writer),
    .open = webm_open,
    .analyze = NULL,
    .add_frame = libav_add_frame,
    .close = libav_close,
    .discard = libav_discard,
};
