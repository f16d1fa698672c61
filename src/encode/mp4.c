/* The mp4 encoder kind: H.264 (libx264) in an MP4 container written through
 * libavformat. Frames arrive as cairo ARGB32; they are composited over the
 * scene background where not opaque, padded to even dimensions with that
 * background (4:2:0 needs them), converted to limited-range BT.709 YUV with
 * swscale and encoded at constant frame rate (pts = frame number in a 1/fps
 * time base). The YUV is 4:2:0 (yuv420p, plays everywhere) unless the scene
 * opts into 4:4:4 (yuv444p, x264 then picks the High 4:4:4 Predictive
 * profile), which keeps full-resolution colour so 1-pixel coloured lines
 * stay their colour instead of bleeding into the background. The output is
 * meant to be reproducible: a fixed x264 thread count and the bitexact flags
 * make the same frames give the same bytes on any machine with the same
 * libraries, and +faststart puts the index first so the file starts playing
 * before it has fully downloaded. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
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

const char *const mp4_presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                   "medium", "slow", "slower", "veryslow", "placebo", NULL};
const char *const mp4_chromas[] = {"420", "444", NULL};

static const struct param_spec mp4_params[] = {
    {.name = "crf", .type = PARAM_INT, .offset = offsetof(struct mp4_opts, crf), .def = "20",
     .ranged = 1, .lo = 0, .hi = 51, .doc = "quality: x264 constant rate factor, lower is better"},
    {.name = "preset", .type = PARAM_ENUM, .offset = offsetof(struct mp4_opts, preset),
     .def = "medium", .choices = mp4_presets, .doc = "x264 speed/size preset"},
    {.name = "chroma", .type = PARAM_ENUM, .offset = offsetof(struct mp4_opts, chroma),
     .def = "420", .choices = mp4_chromas,
     .doc = "420 plays everywhere; 444 keeps thin coloured lines sharp (fewer players)"},
    {0},
};

static const struct mp4_opts mp4_defaults = {.crf = 20, .preset = 5};

static const struct mp4_opts *mp4_opts_of(const struct enc_options *opt)
{
    return opt->kind_opts ? opt->kind_opts : &mp4_defaults;
}

/* A fixed count, never "auto": x264's output depends on its thread count,
 * so letting it follow the number of cores would make the bytes depend on
 * the machine. Two frame threads keep a 2-core box busy. */
#define MP4_THREADS 2

/* One keyframe at least every this many seconds: lessons are mostly
 * watched start to end, so keyframes are spent on size rather than seeking,
 * yet a player scrubbing the timeline never decodes more than this much to
 * show any point (scene cuts still get their own keyframes). */
#define MP4_KEYINT_SECONDS 10

struct mp4 {
    AVFormatContext *fmt;       /* owns stream; fmt->pb is closed by us */
    AVStream *stream;
    AVCodecContext *codec;
    struct SwsContext *sws;
    AVFrame *picture;           /* the YUV frame handed to the encoder */
    enum AVPixelFormat pix_fmt; /* yuv420p, or yuv444p when opted into */
    AVPacket *packet;
    int width, height;          /* of the video: the frame's, rounded up to even */
    uint32_t fill;              /* opaque background, native ARGB32 */
    uint32_t *staging;          /* padded/composited copy, only when needed */
    int64_t next_pts;
};


/* Frees everything; safe on a partly built encoder and idempotent. The file
 * is closed without a trailer (close() writes it before getting here). */
static void mp4_release(struct mp4 *m)
{
    avcodec_free_context(&m->codec);
    if (m->fmt) {
        if (m->fmt->pb)
            avio_closep(&m->fmt->pb);
        avformat_free_context(m->fmt);
        m->fmt = NULL;
        m->stream = NULL;
    }
    sws_freeContext(m->sws);
    m->sws = NULL;
    av_frame_free(&m->picture);
    av_packet_free(&m->packet);
    av_freep(&m->staging);
}

static int open_codec(struct mp4 *m, const struct enc_options *opt)
{
    const AVCodec *x264 = avcodec_find_encoder_by_name("libx264");
    const struct mp4_opts *mo = mp4_opts_of(opt);
    if (mo->preset < 0 || mo->preset >= (int)(sizeof(mp4_presets) / sizeof(*mp4_presets)) - 1)
        return diag_fail("mp4: preset %d is not one of x264's", mo->preset);
    const char *preset = mp4_presets[mo->preset];
    int err;

    if (!x264)
        return diag_fail("mp4: this FFmpeg was built without the libx264 encoder");
    m->codec = avcodec_alloc_context3(x264);
    if (!m->codec)
        return diag_fail("mp4: out of memory");

    AVCodecContext *c = m->codec;
    c->width = m->width;
    c->height = m->height;
    c->pix_fmt = m->pix_fmt;
    c->sample_aspect_ratio = (AVRational){1, 1};
    c->time_base = (AVRational){opt->fps_den, opt->fps_num};
    c->framerate = (AVRational){opt->fps_num, opt->fps_den};
    long keyint = (long)MP4_KEYINT_SECONDS * opt->fps_num / opt->fps_den;
    c->gop_size = keyint < 1 ? 1 : keyint > 10000 ? 10000 : (int)keyint;
    c->thread_count = MP4_THREADS;
    c->thread_type = FF_THREAD_FRAME;
    c->flags |= AV_CODEC_FLAG_BITEXACT;
    /* Tagging alone is not enough: the conversion below really uses BT.709
     * limited-range coefficients, so players that trust the tags show the
     * colours that were drawn. */
    c->color_primaries = AVCOL_PRI_BT709;
    c->color_trc = AVCOL_TRC_BT709;
    c->colorspace = AVCOL_SPC_BT709;
    c->color_range = AVCOL_RANGE_MPEG;
    if (m->fmt->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

    if ((err = av_opt_set(c->priv_data, "preset", preset, 0)) < 0 ||
        /* Flat colours and thin sharp lines: x264's animation tuning
         * (more references, stronger deblocking, less psy noise) fits
         * plots much better than its film defaults. */
        (err = av_opt_set(c->priv_data, "tune", "animation", 0)) < 0 ||
        (err = av_opt_set_double(c->priv_data, "crf", mo->crf, 0)) < 0)
        return libav_fail("mp4", err, "cannot set libx264 options");

    if ((err = avcodec_open2(c, x264, NULL)) < 0)
        return libav_fail("mp4", err, "cannot open the libx264 encoder (preset '%s', crf %d, %dx%d, %s)",
                       preset, mo->crf, m->width, m->height, av_get_pix_fmt_name(m->pix_fmt));
    return 0;
}

static int open_stream(struct mp4 *m)
{
    int err;

    m->stream = avformat_new_stream(m->fmt, NULL);
    if (!m->stream)
        return diag_fail("mp4: out of memory");
    m->stream->time_base = m->codec->time_base;
    m->stream->avg_frame_rate = m->codec->framerate;
    m->stream->sample_aspect_ratio = m->codec->sample_aspect_ratio;
    if ((err = avcodec_parameters_from_context(m->stream->codecpar, m->codec)) < 0)
        return libav_fail("mp4", err, "cannot describe the video stream");
    return 0;
}

static int open_scaler(struct mp4 *m)
{
    /* AV_PIX_FMT_RGB32 is "0xAARRGGBB in a native-endian uint32_t", i.e.
     * exactly cairo's ARGB32, on either byte order. Only the chroma is
     * resampled (2:1 with 4:2:0, not at all with 4:4:4), so no luma detail
     * is lost; accurate rounding keeps flat colours exact and full-resolution
     * chroma input avoids colour fringes along thin lines. */
    m->sws = sws_getContext(m->width, m->height, AV_PIX_FMT_RGB32,
                            m->width, m->height, m->pix_fmt,
                            SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP,
                            NULL, NULL, NULL);
    if (!m->sws)
        return diag_fail("mp4: cannot set up the RGB to YUV conversion");
    /* swscale defaults to BT.601 coefficients; the stream is tagged BT.709,
     * so the matrix has to match or every colour would shift. Source range
     * is full (RGB), destination limited (what H.264 players expect). */
    const int *bt709 = sws_getCoefficients(SWS_CS_ITU709);
    if (sws_setColorspaceDetails(m->sws, bt709, 1, bt709, 0,
                                 0, 1 << 16, 1 << 16) < 0)
        return diag_fail("mp4: swscale cannot convert to BT.709 YUV");

    m->picture = av_frame_alloc();
    m->packet = av_packet_alloc();
    if (!m->picture || !m->packet)
        return diag_fail("mp4: out of memory");
    m->picture->format = m->pix_fmt;
    m->picture->width = m->width;
    m->picture->height = m->height;
    m->picture->color_primaries = AVCOL_PRI_BT709;
    m->picture->color_trc = AVCOL_TRC_BT709;
    m->picture->colorspace = AVCOL_SPC_BT709;
    m->picture->color_range = AVCOL_RANGE_MPEG;
    int err = av_frame_get_buffer(m->picture, 0);
    if (err < 0)
        return libav_fail("mp4", err, "cannot allocate a picture");
    return 0;
}

static int open_all(struct mp4 *m, const struct enc_options *opt, const char *path)
{
    AVDictionary *mux_opts = NULL;
    int err;

    if (opt->width <= 0 || opt->height <= 0 || opt->fps_num <= 0 || opt->fps_den <= 0)
        return diag_fail("mp4: invalid video size %dx%d or frame rate %d/%d",
                         opt->width, opt->height, opt->fps_num, opt->fps_den);
    m->width = opt->width + (opt->width & 1);
    m->height = opt->height + (opt->height & 1);
    m->fill = 0xFF000000u | (opt->background & 0x00FFFFFFu);
    m->pix_fmt = mp4_opts_of(opt)->chroma == 1 ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P;

    if ((err = avformat_alloc_output_context2(&m->fmt, NULL, "mp4", path)) < 0)
        return libav_fail("mp4", err, "cannot set up the MP4 muxer");
    /* No library version strings or creation times in the file. */
    m->fmt->flags |= AVFMT_FLAG_BITEXACT;

    if (open_codec(m, opt) < 0 || open_stream(m) < 0 || open_scaler(m) < 0)
        return -1;

    if ((err = avio_open(&m->fmt->pb, path, AVIO_FLAG_WRITE)) < 0)
        return libav_fail("mp4", err, "cannot create '%s'", path);

    if ((err = av_dict_set(&mux_opts, "movflags", "+faststart", 0)) < 0)
        return libav_fail("mp4", err, "cannot set muxer options");
    err = avformat_write_header(m->fmt, &mux_opts);
    av_dict_free(&mux_opts);
    if (err < 0)
        return libav_fail("mp4", err, "cannot write the MP4 header");
    return 0;
}

static int mp4_open(struct encoder *e, const char *path)
{
    struct mp4 *m = e->priv;

    e->images_written = 0;
    if (open_all(m, e->opt, path) < 0) {
        /* The renderer removes its temporary file; deleting the path here
         * could destroy something that is not ours (a device, in tests). */
        mp4_release(m);
        return -1;
    }
    /* H.264 with 4:2:0 needs even sizes: the stored picture is padded
     * (4:4:4 too, so the stored size never depends on the chroma option). */
    e->width = m->width;
    e->height = m->height;
    return 0;
}




/* The pixels to convert: the frame itself when it already is what the video
 * needs (the usual case, no copy), else a padded, composited copy. */
static int source_pixels(struct mp4 *m, const struct frame *f,
                         const uint8_t **pixels, int *stride)
{
    int padded = f->width != m->width || f->height != m->height;

    if (!padded && frame_is_opaque(f)) {
        *pixels = (const uint8_t *)f->px;
        *stride = f->stride;
        return 0;
    }
    if (!m->staging) {
        m->staging = av_malloc((size_t)m->width * m->height * sizeof *m->staging);
        if (!m->staging)
            return diag_fail("mp4: out of memory");
    }
    for (int y = 0; y < m->height; y++) {
        uint32_t *out = m->staging + (size_t)y * m->width;
        int x = 0;
        if (y < f->height) {
            const uint32_t *row = (const uint32_t *)((const unsigned char *)f->px + (long)y * f->stride);
            for (; x < f->width; x++)
                out[x] = pixel_over(row[x], m->fill);
        }
        for (; x < m->width; x++)
            out[x] = m->fill;
    }
    *pixels = (const uint8_t *)m->staging;
    *stride = m->width * (int)sizeof *m->staging;
    return 0;
}

static int mp4_add_frame(struct encoder *e, const struct frame *f)
{
    struct mp4 *m = e->priv;
    const uint8_t *pixels = NULL;
    int stride = 0, err;

    if (f->width != e->opt->width || f->height != e->opt->height)
        return diag_fail("mp4: frame is %dx%d, the video %dx%d",
                         f->width, f->height, e->opt->width, e->opt->height);
    if (source_pixels(m, f, &pixels, &stride) < 0)
        return -1;
    /* The encoder may still hold a reference to the previous picture. */
    if ((err = av_frame_make_writable(m->picture)) < 0)
        return libav_fail("mp4", err, "cannot allocate a picture");
    const uint8_t *const planes[1] = {pixels};
    const int strides[1] = {stride};
    if (sws_scale(m->sws, planes, strides, 0, m->height,
                  m->picture->data, m->picture->linesize) != m->height)
        return diag_fail("mp4: RGB to YUV conversion failed");
    m->picture->pts = m->next_pts++;
    if ((err = avcodec_send_frame(m->codec, m->picture)) < 0)
        return libav_fail("mp4", err, "H.264 encoding failed");
    if (libav_write_packets("mp4", m->codec, m->packet, m->fmt, m->stream) < 0)
        return -1;
    e->images_written++;
    return 0;
}

static int mp4_close(struct encoder *e)
{
    struct mp4 *m = e->priv;
    int err, rc = 0;

    /* A NULL frame drains the pictures x264 holds back for lookahead and
     * B-frames; the trailer then writes the index (and, for faststart,
     * moves it in front of the media data). */
    if ((err = avcodec_send_frame(m->codec, NULL)) < 0)
        rc = libav_fail("mp4", err, "H.264 encoding failed");
    else if (libav_write_packets("mp4", m->codec, m->packet, m->fmt, m->stream) < 0)
        rc = -1;
    else if ((err = av_write_trailer(m->fmt)) < 0)
        rc = libav_fail("mp4", err, "cannot finish the MP4 file");
    if ((err = avio_closep(&m->fmt->pb)) < 0 && rc == 0)
        rc = libav_fail("mp4", err, "cannot close the MP4 file");
    mp4_release(m);
    return rc;
}

static void mp4_discard(struct encoder *e)
{
    mp4_release(e->priv);
}

const struct encoder_kind encoder_mp4 = {
    .head = {.name = "mp4",
             .summary = "H.264 video in MP4 (libx264, BT.709), small and sharp for long scenes",
             .params = mp4_params, .opts_size = sizeof(struct mp4_opts)},
    .ext = "mp4",
    .priv_size = sizeof(struct mp4),
    .open = mp4_open,
    .analyze = NULL,
    .add_frame = mp4_add_frame,
    .close = mp4_close,
    .discard = mp4_discard,
};
