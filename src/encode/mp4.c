/* The mp4 encoder kind: H.264 (libx264) in an MP4 container; the writing is
 * libav.c's, this file is what is H.264's: the options table and the
 * descriptor. The YUV is 4:2:0 (yuv420p, plays everywhere) unless the scene
 * opts into 4:4:4 (yuv444p, x264 then picks the High 4:4:4 Predictive
 * profile), which keeps full-resolution colour so 1-pixel coloured lines
 * stay their colour instead of bleeding into the background. Frames are
 * composited over the scene background where not opaque (MP4 keeps no
 * alpha) and padded to even dimensions with it (4:2:0 needs them). A fixed
 * x264 thread count keeps the output reproducible, and +faststart puts the
 * index first so the file starts playing before it has fully downloaded. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <libavutil/pixfmt.h>

#include "diag.h"
#include "encode.h"
#include "libav.h"
#include "limit.h"
#include "param.h"

const char *const mp4_presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                   "medium", "slow", "slower", "veryslow", "placebo", NULL};
const char *const mp4_chromas[] = {"420", "444", NULL};
/* animation first, so that a zeroed mp4_opts means it. */
const char *const mp4_tunes[] = {"animation", "stillimage", "film", "none", NULL};

static const struct param_spec mp4_params[] = {
    {.name = "crf", .type = PARAM_INT, .offset = offsetof(struct mp4_opts, crf), .def = "25",
     .ranged = 1, .lo = 0, .hi = 51,
     .doc = "quality: x264 constant rate factor, lower is better (and larger)"},
    {.name = "preset", .type = PARAM_ENUM, .offset = offsetof(struct mp4_opts, preset),
     .def = "fast", .choices = mp4_presets,
     .doc = "x264 speed/size preset; slower ones give a little more quality per byte"},
    {.name = "tune", .type = PARAM_ENUM, .offset = offsetof(struct mp4_opts, tune),
     .def = "animation", .choices = mp4_tunes,
     .doc = "x264 tuning; animation suits flat colours and thin lines"},
    {.name = "chroma", .type = PARAM_ENUM, .offset = offsetof(struct mp4_opts, chroma),
     .def = "420", .choices = mp4_chromas,
     .doc = "420 plays everywhere; 444 keeps thin coloured lines sharp (fewer players)"},
    {0},
};

/* fast, crf 25: chosen by bench/mp4_point.sh (bench/README.md has the
 * table and the reasoning): on gd-line it is smaller than matplotlib's MP4
 * (medium, crf 23) and loses less to the encoder than it does, 26 % smaller
 * than the old medium crf 20, and on the longest lesson measured cheaper
 * than medium; veryfast is cheaper still but loses more than matplotlib at
 * any CRF that makes it as small. */
static const struct mp4_opts mp4_defaults = {.crf = 25, .preset = 4, .tune = 0};

static int mp4_check(const void *opts)
{
    const struct mp4_opts *mo = opts;
    if (mo->preset < 0 || mo->preset >= (int)(sizeof(mp4_presets) / sizeof(*mp4_presets)) - 1)
        return diag_fail("mp4: preset %d is not one of x264's", mo->preset);
    if (mo->tune < 0 || mo->tune >= (int)(sizeof(mp4_tunes) / sizeof(*mp4_tunes)) - 1)
        return diag_fail("mp4: tune %d is not one of x264's", mo->tune);
    return 0;
}

static enum AVPixelFormat mp4_pix_fmt(const void *opts, int transparent)
{
    const struct mp4_opts *mo = opts;
    return mo->chroma == 1 ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P;
}

/* x264's own lookahead (frames) at each preset, in mp4_presets' order: the
 * memory guard only ever shortens it, never lengthens what a fast preset
 * keeps (ultrafast and superfast keep none). */
static const int mp4_lookahead[] = {0, 0, 10, 20, 30, 40, 50, 60, 60, 60};
_Static_assert(sizeof mp4_lookahead / sizeof *mp4_lookahead ==
                   sizeof mp4_presets / sizeof *mp4_presets - 1,
               "one lookahead per preset");

static int mp4_set_options(AVCodecContext *c, const void *opts)
{
    const struct mp4_opts *mo = opts;
    int err;

    /* Flat colours and thin sharp lines: x264's animation tuning (more
     * references, stronger deblocking, less psy noise) fits plots much
     * better than its film defaults. "none" leaves x264's defaults. */
    if ((err = av_opt_set(c->priv_data, "preset", mp4_presets[mo->preset], 0)) < 0 ||
        (strcmp(mp4_tunes[mo->tune], "none") != 0 &&
         (err = av_opt_set(c->priv_data, "tune", mp4_tunes[mo->tune], 0)) < 0) ||
        (err = av_opt_set_double(c->priv_data, "crf", mo->crf, 0)) < 0)
        return err;
    /* x264 keeps its lookahead (up to 60 frames, by preset) and, for each
     * reference and B-frame, the picture with its interpolated planes: at
     * 8K that is gigabytes. Frames too large for the memory-mb budget get a
     * shorter lookahead, and when even that does not fit, one reference and
     * no B-frames (1.5 GB at 8K instead of 7). Lesson sizes (1080p and
     * below) keep x264's own settings, and their bytes. */
    long long frame = (long long)c->width * c->height * (mo->chroma == 1 ? 3 : 3 / 2.0);
    long long fit = (limit_get(LIMIT_MEMORY_MB) << 20) / (frame > 0 ? frame : 1) - 16;
    if (fit < mp4_lookahead[mo->preset] &&
        (err = av_opt_set_int(c->priv_data, "rc-lookahead", fit < 0 ? 0 : fit, 0)) < 0)
        return err;
    if (fit < 8 && (err = av_opt_set(c->priv_data, "x264-params", "ref=1:bframes=0", 0)) < 0)
        return err;
    return 0;
}

static void mp4_describe(char *buf, size_t size, const void *opts)
{
    const struct mp4_opts *mo = opts;
    snprintf(buf, size, "preset '%s', tune %s, crf %d", mp4_presets[mo->preset],
             mp4_tunes[mo->tune], mo->crf);
}

static const struct libav_format mp4_format = {
    .muxer = "mp4",
    .container = "MP4",
    .encoder = "libx264",
    .codec = "H.264",
    .defaults = &mp4_defaults,
    /* H.264 with 4:2:0 needs even sizes: the stored picture is padded
     * (4:4:4 too, so the stored size never depends on the chroma option). */
    .even_size = 1,
    /* x264's output depends on its thread count. Two frame threads keep a
     * 2-core box busy. */
    .threads = 2,
    .thread_type = FF_THREAD_FRAME,
    /* Scene cuts still get keyframes of their own (x264's scenecut). */
    .keyint_seconds = 10,
    .muxer_options = "movflags=+faststart",
    .check = mp4_check,
    .pix_fmt = mp4_pix_fmt,
    .set_options = mp4_set_options,
    .describe = mp4_describe,
};

static int mp4_open(struct encoder *e, const char *path)
{
    return libav_open(e, path, &mp4_format);
}

const struct encoder_kind encoder_mp4 = {
    .head = {.name = "mp4",
             .summary = "H.264 video in MP4 (libx264, BT.709), small and sharp for long scenes",
             .params = mp4_params, .opts_size = sizeof(struct mp4_opts)},
    .ext = "mp4",
    .priv_size = sizeof(struct libav_writer),
    .open = mp4_open,
    .analyze = NULL,
    .add_frame = libav_add_frame,
    .close = libav_close,
    .discard = libav_discard,
};
