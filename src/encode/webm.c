/* The webm encoder kind: VP9 (libvpx-vp9) in a WebM container, both through
 * libavcodec/libavformat. The encoder runs in constant quality mode (the
 * scene's webm crf, no bit rate target) at deadline "good". Frames arrive as
 * cairo ARGB32 and are converted with swscale to limited-range BT.709 YUV,
 * tagged as such. An opaque scene gives yuv420p, the frames composited over
 * the background where not opaque; a scene whose background has alpha < 255
 * gives yuva420p: the colour is un-premultiplied and the alpha plane is kept
 * (libvpx encodes it as a second VP9 stream that the muxer stores as Matroska
 * BlockAdditions, with the track's AlphaMode set, which is what browsers
 * read; FFmpeg's native vp9 decoder ignores it, the libvpx-vp9 one does
 * not). VP9 takes any size, so nothing is padded. The output is meant to be
 * reproducible: a fixed thread count, fixed tiling and row threading and the
 * bitexact flags make the same frames give the same bytes on any machine
 * with the same libraries. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>

#include "diag.h"
#include "encode.h"
#include "libav.h"
#include "frame.h"
#include "param.h"

static const struct param_spec webm_params[] = {
    {.name = "crf", .type = PARAM_INT, .offset = offsetof(struct webm_opts, crf), .def = "32",
     .ranged = 1, .lo = 0, .hi = 63, .doc = "quality: VP9 constant quality level, lower is better"},
    {0},
};

static int webm_crf(const struct enc_options *opt)
{
    return opt->kind_opts ? ((const struct webm_opts *)opt->kind_opts)->crf : 32;
}

/* Fixed, never "auto", so that the bytes cannot depend on the machine's
 * core count. Two threads keep a 2-core box busy; they work on the two tile
 * columns and, with row threading, on rows within them. (Row threading
 * gives other bytes with one thread than with several, though the same for
 * any count from 2 up: measured with libvpx 1.12.) */
#define WEBM_THREADS 2

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

/* One keyframe at least every this many seconds, as for mp4: lessons are
 * watched start to end, yet scrubbing never decodes more than this. */
#define WEBM_KEYINT_SECONDS 10

struct webm {
    AVFormatContext *fmt;       /* owns stream; fmt->pb is closed by us */
    AVStream *stream;
    AVCodecContext *codec;
    struct SwsContext *sws;
    AVFrame *picture;           /* the YUV frame handed to the encoder */
    AVPacket *packet;
    int alpha;                  /* yuva420p: keep the alpha channel */
    enum AVPixelFormat pix_fmt;
    uint32_t fill;              /* opaque background, native ARGB32 */
    uint32_t clear;             /* what fully transparent pixels become:
                                   the background's colour at alpha 0, so a
                                   player that ignores alpha shows it */
    uint32_t *staging;          /* composited/un-premultiplied copy */
    int64_t next_pts;
};


/* Frees everything; safe on a partly built encoder and idempotent. The file
 * is closed without a trailer (close() writes it before getting here). */
static void webm_release(struct webm *w)
{
    avcodec_free_context(&w->codec);
    if (w->fmt) {
        if (w->fmt->pb)
            avio_closep(&w->fmt->pb);
        avformat_free_context(w->fmt);
        w->fmt = NULL;
        w->stream = NULL;
    }
    sws_freeContext(w->sws);
    w->sws = NULL;
    av_frame_free(&w->picture);
    av_packet_free(&w->packet);
    av_freep(&w->staging);
}

static int open_codec(struct webm *w, const struct enc_options *opt)
{
    const AVCodec *vp9 = avcodec_find_encoder_by_name("libvpx-vp9");
    int err;

    if (!vp9)
        return diag_fail("webm: this FFmpeg was built without the libvpx-vp9 encoder");
    w->codec = avcodec_alloc_context3(vp9);
    if (!w->codec)
        return diag_fail("webm: out of memory");

    AVCodecContext *c = w->codec;
    c->width = opt->width;
    c->height = opt->height;
    c->pix_fmt = w->pix_fmt;
    c->sample_aspect_ratio = (AVRational){1, 1};
    c->time_base = (AVRational){opt->fps_den, opt->fps_num};
    c->framerate = (AVRational){opt->fps_num, opt->fps_den};
    long keyint = (long)WEBM_KEYINT_SECONDS * opt->fps_num / opt->fps_den;
    c->gop_size = keyint < 1 ? 1 : keyint > 10000 ? 10000 : (int)keyint;
    /* No bit rate: with crf alone libvpx-vp9 runs in constant quality
     * ("Q") mode rather than constrained quality. */
    c->bit_rate = 0;
    c->thread_count = WEBM_THREADS;
    c->flags |= AV_CODEC_FLAG_BITEXACT;
    /* The conversion below really uses BT.709 limited-range coefficients;
     * libvpx writes matrix and range into the VP9 header, the muxer all
     * four into the track's Colour element. */
    c->color_primaries = AVCOL_PRI_BT709;
    c->color_trc = AVCOL_TRC_BT709;
    c->colorspace = AVCOL_SPC_BT709;
    c->color_range = AVCOL_RANGE_MPEG;
    if (w->fmt->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

    if ((err = av_opt_set_int(c->priv_data, "crf", webm_crf(opt), 0)) < 0 ||
        (err = av_opt_set(c->priv_data, "deadline", "good", 0)) < 0 ||
        (err = av_opt_set_int(c->priv_data, "cpu-used", WEBM_CPU_USED, 0)) < 0 ||
        /* Everything that decides how work is split is pinned, so the
         * split, and with it the bitstream, never follows the machine. */
        (err = av_opt_set_int(c->priv_data, "tile-columns", WEBM_TILE_COLUMNS_LOG2, 0)) < 0 ||
        (err = av_opt_set_int(c->priv_data, "tile-rows", 0, 0)) < 0 ||
        (err = av_opt_set_int(c->priv_data, "row-mt", 1, 0)) < 0 ||
        (err = av_opt_set_int(c->priv_data, "frame-parallel", 0, 0)) < 0)
        return libav_fail("webm", err, "cannot set libvpx-vp9 options");

    if ((err = avcodec_open2(c, vp9, NULL)) < 0)
        return libav_fail("webm", err, "cannot open the libvpx-vp9 encoder (crf %d, %dx%d, %s)",
                       webm_crf(opt), opt->width, opt->height,
                       av_get_pix_fmt_name(w->pix_fmt));
    return 0;
}

static int open_stream(struct webm *w)
{
    int err;

    w->stream = avformat_new_stream(w->fmt, NULL);
    if (!w->stream)
        return diag_fail("webm: out of memory");
    /* A hint only: WebM stores times in milliseconds, and the muxer picks
     * its own time base when the header is written. */
    w->stream->time_base = w->codec->time_base;
    w->stream->avg_frame_rate = w->codec->framerate;
    w->stream->sample_aspect_ratio = w->codec->sample_aspect_ratio;
    /* With yuva420p as the stream's format the muxer sets AlphaMode. */
    if ((err = avcodec_parameters_from_context(w->stream->codecpar, w->codec)) < 0)
        return libav_fail("webm", err, "cannot describe the video stream");
    return 0;
}

static int open_scaler(struct webm *w, const struct enc_options *opt)
{
    /* AV_PIX_FMT_RGB32 is cairo's ARGB32 on either byte order; swscale
     * carries its alpha into the yuva420p alpha plane and drops it for
     * yuv420p. Same flags as mp4: exact flat colours, no fringes. */
    w->sws = sws_getContext(opt->width, opt->height, AV_PIX_FMT_RGB32,
                            opt->width, opt->height, w->pix_fmt,
                            SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP,
                            NULL, NULL, NULL);
    if (!w->sws)
        return diag_fail("webm: cannot set up the RGB to YUV conversion");
    /* swscale defaults to BT.601; full-range RGB in, limited-range out. */
    const int *bt709 = sws_getCoefficients(SWS_CS_ITU709);
    if (sws_setColorspaceDetails(w->sws, bt709, 1, bt709, 0,
                                 0, 1 << 16, 1 << 16) < 0)
        return diag_fail("webm: swscale cannot convert to BT.709 YUV");

    w->picture = av_frame_alloc();
    w->packet = av_packet_alloc();
    if (!w->picture || !w->packet)
        return diag_fail("webm: out of memory");
    w->picture->format = w->pix_fmt;
    w->picture->width = opt->width;
    w->picture->height = opt->height;
    w->picture->color_primaries = AVCOL_PRI_BT709;
    w->picture->color_trc = AVCOL_TRC_BT709;
    w->picture->colorspace = AVCOL_SPC_BT709;
    w->picture->color_range = AVCOL_RANGE_MPEG;
    int err = av_frame_get_buffer(w->picture, 0);
    if (err < 0)
        return libav_fail("webm", err, "cannot allocate a picture");
    return 0;
}

static int open_all(struct webm *w, const struct enc_options *opt, const char *path)
{
    int err;

    if (opt->width <= 0 || opt->height <= 0 || opt->fps_num <= 0 || opt->fps_den <= 0)
        return diag_fail("webm: invalid video size %dx%d or frame rate %d/%d",
                         opt->width, opt->height, opt->fps_num, opt->fps_den);
    if (webm_crf(opt) < 0 || webm_crf(opt) > 63)
        return diag_fail("webm: crf %d is outside 0..63", webm_crf(opt));
    w->alpha = opt->transparent != 0;
    w->pix_fmt = w->alpha ? AV_PIX_FMT_YUVA420P : AV_PIX_FMT_YUV420P;
    w->fill = 0xFF000000u | (opt->background & 0x00FFFFFFu);
    w->clear = opt->background & 0x00FFFFFFu;

    if ((err = avformat_alloc_output_context2(&w->fmt, NULL, "webm", path)) < 0)
        return libav_fail("webm", err, "cannot set up the WebM muxer");
    /* No library versions, dates or random UIDs in the file. */
    w->fmt->flags |= AVFMT_FLAG_BITEXACT;

    if (open_codec(w, opt) < 0 || open_stream(w) < 0 || open_scaler(w, opt) < 0)
        return -1;

    if ((err = avio_open(&w->fmt->pb, path, AVIO_FLAG_WRITE)) < 0)
        return libav_fail("webm", err, "cannot create '%s'", path);
    if ((err = avformat_write_header(w->fmt, NULL)) < 0)
        return libav_fail("webm", err, "cannot write the WebM header");
    return 0;
}

static int webm_open(struct encoder *e, const char *path)
{
    struct webm *w = e->priv;

    e->images_written = 0;
    if (open_all(w, e->opt, path) < 0) {
        /* Never remove the path: the renderer owns its temporaries, and the
         * path may name something that is not ours (a device, in tests). */
        webm_release(w);
        return -1;
    }
    /* Stored at the frame size: VP9 needs no padding. */
    e->width = e->opt->width;
    e->height = e->opt->height;
    return 0;
}





/* The pixels to convert: the frame itself when it is already what the video
 * needs (opaque, the usual case: no copy), else a copy that is composited
 * over the background (yuv420p) or un-premultiplied (yuva420p). */
static int source_pixels(struct webm *w, const struct frame *f,
                         const uint8_t **pixels, int *stride)
{
    if (frame_is_opaque(f)) {
        *pixels = (const uint8_t *)f->px;
        *stride = f->stride;
        return 0;
    }
    if (!w->staging) {
        w->staging = av_malloc((size_t)f->width * f->height * sizeof *w->staging);
        if (!w->staging)
            return diag_fail("webm: out of memory");
    }
    for (int y = 0; y < f->height; y++) {
        const uint32_t *row = (const uint32_t *)((const unsigned char *)f->px + (long)y * f->stride);
        uint32_t *out = w->staging + (size_t)y * f->width;
        if (w->alpha)
            for (int x = 0; x < f->width; x++)
                out[x] = pixel_unpremultiply(row[x], w->clear);
        else
            for (int x = 0; x < f->width; x++)
                out[x] = pixel_over(row[x], w->fill);
    }
    *pixels = (const uint8_t *)w->staging;
    *stride = f->width * (int)sizeof *w->staging;
    return 0;
}

static int webm_add_frame(struct encoder *e, const struct frame *f)
{
    struct webm *w = e->priv;
    const uint8_t *pixels = NULL;
    int stride = 0, err;

    if (f->width != e->opt->width || f->height != e->opt->height)
        return diag_fail("webm: frame is %dx%d, the video %dx%d",
                         f->width, f->height, e->opt->width, e->opt->height);
    if (source_pixels(w, f, &pixels, &stride) < 0)
        return -1;
    /* The encoder may still hold a reference to the previous picture. */
    if ((err = av_frame_make_writable(w->picture)) < 0)
        return libav_fail("webm", err, "cannot allocate a picture");
    const uint8_t *const planes[1] = {pixels};
    const int strides[1] = {stride};
    if (sws_scale(w->sws, planes, strides, 0, f->height,
                  w->picture->data, w->picture->linesize) != f->height)
        return diag_fail("webm: RGB to YUV conversion failed");
    w->picture->pts = w->next_pts++;
    if ((err = avcodec_send_frame(w->codec, w->picture)) < 0)
        return libav_fail("webm", err, "VP9 encoding failed");
    if (libav_write_packets("webm", w->codec, w->packet, w->fmt, w->stream) < 0)
        return -1;
    e->images_written++;
    return 0;
}

static int webm_close(struct encoder *e)
{
    struct webm *w = e->priv;
    int err, rc = 0;

    /* A NULL frame drains the pictures libvpx holds back for its lookahead
     * (lag-in-frames); the trailer then writes the cues and the duration. */
    if ((err = avcodec_send_frame(w->codec, NULL)) < 0)
        rc = libav_fail("webm", err, "VP9 encoding failed");
    else if (libav_write_packets("webm", w->codec, w->packet, w->fmt, w->stream) < 0)
        rc = -1;
    else if ((err = av_write_trailer(w->fmt)) < 0)
        rc = libav_fail("webm", err, "cannot finish the WebM file");
    if ((err = avio_closep(&w->fmt->pb)) < 0 && rc == 0)
        rc = libav_fail("webm", err, "cannot close the WebM file");
    webm_release(w);
    return rc;
}

static void webm_discard(struct encoder *e)
{
    webm_release(e->priv);
}

const struct encoder_kind encoder_webm = {
    .head = {.name = "webm",
             .summary = "VP9 video in WebM (libvpx, BT.709), keeps transparency for the web",
             .params = webm_params, .opts_size = sizeof(struct webm_opts)},
    .ext = "webm",
    .priv_size = sizeof(struct webm),
    .open = webm_open,
    .analyze = NULL,
    .add_frame = webm_add_frame,
    .close = webm_close,
    .discard = webm_discard,
};
