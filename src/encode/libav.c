/* libav: the video writer the mp4 and webm kinds share (see libav.h for the
 * descriptor and the life cycle). Frames arrive as cairo ARGB32; where not
 * opaque they are composited over the scene background, or un-premultiplied
 * when the kind's pixel format keeps alpha; padded with the background when
 * the kind needs even sizes; converted to limited-range BT.709 YUV (yuv.c
 * for yuv420p and yuv444p, swscale where alpha is kept) and tagged as such,
 * 4:2:0 chroma sited at the centre; and encoded with pts = frame number in
 * a 1/fps time base. A picture equal to the one before it is not encoded
 * again: the one before lasts longer (a variable frame rate, which MP4 and
 * WebM store as each picture's duration). So a lesson's pauses cost the
 * encoder nothing; a player shows the same thing at the same times. Each
 * picture waits until the next different one (or the end) tells how long
 * it lasts, and its packets get that duration: the muxers need it for the
 * last picture, or the video would end where the final pause begins. A held
 * frame (frame.repeat) is not even converted. The output is meant to be
 * reproducible: the kind's fixed thread count and the bitexact flags on
 * encoder and muxer make the same frames give the same bytes on any machine
 * with the same libraries. */
#include "libav.h"

#include <stdarg.h>
#include <stdio.h>

#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/mem.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "diag.h"
#include "frame.h"
#include "yuv.h"

/* Prints "mlanim: error: KIND: WHAT: libav's wording" and returns -1. */
static int libav_fail(const char *kind, int err, const char *fmt, ...) DIAG_PRINTF(3, 4);

static int libav_fail(const char *kind, int err, const char *fmt, ...)
{
    char what[1024], text[AV_ERROR_MAX_STRING_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (av_strerror(err, text, sizeof text) < 0)
        snprintf(text, sizeof text, "error %d", err);
    return diag_fail("%s: %s: %s", kind, what, text);
}

/* How long the picture sent with this pts lasts, in ticks of the codec's
 * time base; 0 if it was not among the last LIBAV_SENT sent. */
static int64_t sent_duration(const struct libav_writer *v, int64_t pts)
{
    unsigned n = v->nsent < LIBAV_SENT ? v->nsent : LIBAV_SENT;
    for (unsigned k = 1; k <= n; k++) {
        const struct libav_sent *s = &v->sent[(v->nsent - k) % LIBAV_SENT];
        if (s->pts == pts)
            return s->duration;
    }
    return 0;
}

/* The decoding time of the packet that comes k-th out of the encoder: the
 * time of the picture shown k-th, `delay` pictures behind (the most an
 * encoder reorders: H.264 B-frames), the first ones a tick apart before
 * the first picture; so that in the MP4 a sample lasts until the next
 * one's decoding time, the durations are the pictures' own, a few pictures
 * late. (x264's own decoding times assume a constant frame rate.) -1 when
 * the picture is no longer remembered. */
static int decoding_time(const struct libav_writer *v, long k, int64_t *dts)
{
    long delay = v->codec->has_b_frames, i = k - delay;
    if (i < 0) {
        *dts = v->sent[0].pts + i;
        return 0;
    }
    if ((unsigned long)i >= v->nsent || v->nsent - (unsigned long)i > LIBAV_SENT)
        return -1;
    *dts = v->sent[i % LIBAV_SENT].pts;
    return 0;
}

/* Writes the held packet to the stream with this duration. */
static int write_held(struct libav_writer *v, int64_t duration)
{
    AVPacket *p = v->held;
    p->duration = duration;
    av_packet_rescale_ts(p, v->codec->time_base, v->stream->time_base);
    p->stream_index = v->stream->index;
    v->have_held = 0;
    int err = av_interleaved_write_frame(v->mux, p);
    av_packet_unref(p);
    return err < 0 ? libav_fail(v->kind, err, "cannot write to the file") : 0;
}

/* Pulls every packet the codec has ready and writes it to the stream with
 * its decoding time and the duration of its picture, one packet behind:
 * the last one is written by finish_packets. 0 or -1. */
static int write_packets(struct libav_writer *v)
{
    for (;;) {
        int err = avcodec_receive_packet(v->codec, v->packet);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
            return 0;
        if (err < 0)
            return libav_fail(v->kind, err, "encoding failed");
        AVPacket *p = v->packet;
        int64_t duration = sent_duration(v, p->pts), dts;
        if (duration <= 0 || decoding_time(v, v->npackets, &dts) < 0 || dts > p->pts ||
            (v->npackets > 0 && dts <= v->last_dts)) {
            av_packet_unref(p);
            return diag_fail("%s: the %s encoder returned its pictures out of the "
                             "expected order", v->kind, v->format->encoder);
        }
        p->dts = dts;
        if (v->have_held && write_held(v, v->held_duration) < 0) {
            av_packet_unref(p);
            return -1;
        }
        if (v->npackets++ == 0)
            v->first_dts = dts;
        v->last_dts = dts;
        av_packet_move_ref(v->held, p);
        v->held_duration = duration;
        v->have_held = 1;
    }
}

/* Writes the last packet. Its duration means two things to the MP4 muxer:
 * where its picture ends (the presentation ends at the latest such end)
 * and where the track ends (its decoding time plus the duration). The
 * closing ticks of the video are pictures of their own (finish_waiting),
 * so the two agree; the duration is the longest that keeps the first
 * exact, should they not. */
static int finish_packets(struct libav_writer *v)
{
    if (!v->have_held)
        return 0;
    int64_t end = v->next_pts;
    int64_t track = end - (v->held->dts - v->first_dts);
    int64_t duration = track < end - v->held->pts ? track : end - v->held->pts;
    return write_held(v, duration > v->held_duration ? duration : v->held_duration);
}

/* Frees everything; safe on a partly built writer and idempotent. The file
 * is closed without a trailer (close() writes it before getting here). */
static void release(struct libav_writer *v)
{
    avcodec_free_context(&v->codec);
    if (v->mux) {
        if (v->mux->pb)
            avio_closep(&v->mux->pb);
        avformat_free_context(v->mux);
        v->mux = NULL;
        v->stream = NULL;
    }
    yuv_free(&v->yuv);
    sws_freeContext(v->sws);
    v->sws = NULL;
    av_frame_free(&v->picture);
    av_frame_free(&v->waiting);
    av_packet_free(&v->packet);
    av_packet_free(&v->held);
    av_freep(&v->staging);
}

static const void *kind_opts(const struct libav_writer *v, const struct enc_options *opt)
{
    return opt->kind_opts ? opt->kind_opts : v->format->defaults;
}

/* Where the encoder's chroma samples sit: at the centre of their 2x2
 * square for every 4:2:0 format (yuv.c averages the square, swscale centres
 * its filter there by default); no siting for full-resolution chroma. */
static enum AVChromaLocation chroma_location(enum AVPixelFormat fmt)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fmt);
    return d->log2_chroma_w == 1 && d->log2_chroma_h == 1 ? AVCHROMA_LOC_CENTER
                                                          : AVCHROMA_LOC_UNSPECIFIED;
}

static int open_codec(struct libav_writer *v, const struct enc_options *opt)
{
    const struct libav_format *lf = v->format;
    const AVCodec *encoder = avcodec_find_encoder_by_name(lf->encoder);
    int err;

    if (!encoder)
        return diag_fail("%s: this FFmpeg was built without the %s encoder", v->kind, lf->encoder);
    v->codec = avcodec_alloc_context3(encoder);
    if (!v->codec)
        return diag_fail("%s: out of memory", v->kind);

    AVCodecContext *c = v->codec;
    c->width = v->width;
    c->height = v->height;
    c->pix_fmt = v->pix_fmt;
    c->sample_aspect_ratio = (AVRational){1, 1};
    c->time_base = (AVRational){opt->fps_den, opt->fps_num};
    c->framerate = (AVRational){opt->fps_num, opt->fps_den};
    long keyint = (long)lf->keyint_seconds * opt->fps_num / opt->fps_den;
    c->gop_size = keyint < 1 ? 1 : keyint > 10000 ? 10000 : (int)keyint;
    c->thread_count = lf->threads;
    if (lf->thread_type)
        c->thread_type = lf->thread_type;
    c->flags |= AV_CODEC_FLAG_BITEXACT;
    /* Tagging alone is not enough: the conversion in open_converter really
     * uses BT.709 limited-range coefficients, so players that trust the tags
     * show the colours that were drawn. The encoder writes the tags into its
     * bitstream (libvpx: matrix and range into the VP9 header); the WebM
     * muxer also stores all four in the track's Colour element, and the
     * chroma siting too: 4:2:0 chroma centred on its 2x2 square, which is
     * what both conversions produce and what browsers assume anyway (x264
     * writes it into the VUI, where a missing one would mean "left"). */
    c->color_primaries = AVCOL_PRI_BT709;
    c->color_trc = AVCOL_TRC_BT709;
    c->colorspace = AVCOL_SPC_BT709;
    c->color_range = AVCOL_RANGE_MPEG;
    c->chroma_sample_location = chroma_location(v->pix_fmt);
    if (v->mux->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

    if ((err = lf->set_options(c, kind_opts(v, opt))) < 0)
        return libav_fail(v->kind, err, "cannot set %s options", lf->encoder);

    if ((err = avcodec_open2(c, encoder, NULL)) < 0) {
        char settings[256];
        lf->describe(settings, sizeof settings, kind_opts(v, opt));
        return libav_fail(v->kind, err, "cannot open the %s encoder (%s, %dx%d, %s)",
                          lf->encoder, settings, v->width, v->height,
                          av_get_pix_fmt_name(v->pix_fmt));
    }
    return 0;
}

static int open_stream(struct libav_writer *v)
{
    int err;

    v->stream = avformat_new_stream(v->mux, NULL);
    if (!v->stream)
        return diag_fail("%s: out of memory", v->kind);
    /* A hint only: the muxer picks its own time base when the header is
     * written (WebM stores times in milliseconds). */
    v->stream->time_base = v->codec->time_base;
    v->stream->avg_frame_rate = v->codec->framerate;
    v->stream->sample_aspect_ratio = v->codec->sample_aspect_ratio;
    /* With yuva420p as the stream's format the WebM muxer sets AlphaMode. */
    if ((err = avcodec_parameters_from_context(v->stream->codecpar, v->codec)) < 0)
        return libav_fail(v->kind, err, "cannot describe the video stream");
    return 0;
}

/* swscale, for the formats yuv.c does not write (yuva420p). */
static int open_scaler(struct libav_writer *v)
{
    /* AV_PIX_FMT_RGB32 is "0xAARRGGBB in a native-endian uint32_t", i.e.
     * exactly cairo's ARGB32, on either byte order; swscale carries its
     * alpha into the alpha plane of a format that has one (yuva420p) and
     * drops it otherwise. Only the chroma is resampled (2:1 with 4:2:0, not
     * at all with 4:4:4), so no luma detail is lost; accurate rounding keeps
     * flat colours exact and full-resolution chroma input avoids colour
     * fringes along thin lines. Bit-exact: without it swscale may take a
     * SIMD path or not depending on how a buffer happens to be aligned,
     * and the same frames gave MP4s that differed by a byte now and then. */
    v->sws = sws_getContext(v->width, v->height, AV_PIX_FMT_RGB32,
                            v->width, v->height, v->pix_fmt,
                            SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP | SWS_BITEXACT,
                            NULL, NULL, NULL);
    if (!v->sws)
        return diag_fail("%s: cannot set up the RGB to YUV conversion", v->kind);
    /* swscale defaults to BT.601 coefficients; the stream is tagged BT.709,
     * so the matrix has to match or every colour would shift. Source range
     * is full (RGB), destination limited (what video players expect). */
    const int *bt709 = sws_getCoefficients(SWS_CS_ITU709);
    if (sws_setColorspaceDetails(v->sws, bt709, 1, bt709, 0,
                                 0, 1 << 16, 1 << 16) < 0)
        return diag_fail("%s: swscale cannot convert to BT.709 YUV", v->kind);
    return 0;
}

/* A picture of the video's size and format, tagged BT.709 limited range;
 * NULL when out of memory. */
static AVFrame *alloc_picture(const struct libav_writer *v)
{
    AVFrame *p = av_frame_alloc();
    if (!p)
        return NULL;
    p->format = v->pix_fmt;
    p->width = v->width;
    p->height = v->height;
    p->color_primaries = AVCOL_PRI_BT709;
    p->color_trc = AVCOL_TRC_BT709;
    p->colorspace = AVCOL_SPC_BT709;
    p->color_range = AVCOL_RANGE_MPEG;
    p->chroma_location = chroma_location(v->pix_fmt);
    if (av_frame_get_buffer(p, 0) < 0)
        av_frame_free(&p);
    return p;
}

static int open_converter(struct libav_writer *v)
{
    if (v->pix_fmt == AV_PIX_FMT_YUV420P || v->pix_fmt == AV_PIX_FMT_YUV444P) {
        v->yuv = yuv_new(v->pix_fmt == AV_PIX_FMT_YUV420P ? YUV_420 : YUV_444,
                         v->width, v->height);
        if (!v->yuv)
            return diag_fail("%s: out of memory", v->kind);
    } else if (open_scaler(v) < 0) {
        return -1;
    }

    v->picture = alloc_picture(v);
    v->waiting = alloc_picture(v);
    v->packet = av_packet_alloc();
    v->held = av_packet_alloc();
    if (!v->picture || !v->waiting || !v->packet || !v->held)
        return diag_fail("%s: out of memory", v->kind);
    return 0;
}

static int open_all(struct libav_writer *v, const struct enc_options *opt, const char *path)
{
    const struct libav_format *lf = v->format;
    AVDictionary *mux_opts = NULL;
    int err;

    if (opt->width <= 0 || opt->height <= 0 || opt->fps_num <= 0 || opt->fps_den <= 0)
        return diag_fail("%s: invalid video size %dx%d or frame rate %d/%d", v->kind,
                         opt->width, opt->height, opt->fps_num, opt->fps_den);
    if (lf->check && lf->check(kind_opts(v, opt)) < 0)
        return -1;
    v->width = opt->width + (lf->even_size ? opt->width & 1 : 0);
    v->height = opt->height + (lf->even_size ? opt->height & 1 : 0);
    v->pix_fmt = lf->pix_fmt(kind_opts(v, opt), opt->transparent != 0);
    v->alpha = (av_pix_fmt_desc_get(v->pix_fmt)->flags & AV_PIX_FMT_FLAG_ALPHA) != 0;
    v->fill = 0xFF000000u | (opt->background & 0x00FFFFFFu);
    v->clear = opt->background & 0x00FFFFFFu;

    if ((err = avformat_alloc_output_context2(&v->mux, NULL, lf->muxer, path)) < 0)
        return libav_fail(v->kind, err, "cannot set up the %s muxer", lf->container);
    /* No library versions, creation dates or random UIDs in the file. */
    v->mux->flags |= AVFMT_FLAG_BITEXACT;

    if (open_codec(v, opt) < 0 || open_stream(v) < 0 || open_converter(v) < 0)
        return -1;

    if ((err = avio_open(&v->mux->pb, path, AVIO_FLAG_WRITE)) < 0)
        return libav_fail(v->kind, err, "cannot create '%s'", path);

    if (lf->muxer_options &&
        (err = av_dict_parse_string(&mux_opts, lf->muxer_options, "=", ":", 0)) < 0) {
        av_dict_free(&mux_opts);
        return libav_fail(v->kind, err, "cannot set muxer options");
    }
    err = avformat_write_header(v->mux, &mux_opts);
    av_dict_free(&mux_opts);
    if (err < 0)
        return libav_fail(v->kind, err, "cannot write the %s header", lf->container);
    return 0;
}

int libav_open(struct encoder *e, const char *path, const struct libav_format *format)
{
    struct libav_writer *v = e->priv;

    v->format = format;
    v->kind = e->kind->head.name;
    e->images_written = 0;
    if (open_all(v, e->opt, path) < 0) {
        /* The renderer removes its temporary file; deleting the path here
         * could destroy something that is not ours (a device, in tests). */
        release(v);
        return -1;
    }
    e->width = v->width;
    e->height = v->height;
    return 0;
}

/* The frame composited over the background (or un-premultiplied when alpha
 * is kept) and padded with the background (transparent when alpha is
 * kept), in v->staging: what the video needs when the frame is not opaque
 * or not of the video's size. */
static int stage(struct libav_writer *v, const struct frame *f)
{
    if (!v->staging) {
        v->staging = av_malloc((size_t)v->width * v->height * sizeof *v->staging);
        if (!v->staging)
            return diag_fail("%s: out of memory", v->kind);
    }
    uint32_t pad = v->alpha ? v->clear : v->fill;
    for (int y = 0; y < v->height; y++) {
        uint32_t *out = v->staging + (size_t)y * v->width;
        int x = 0;
        if (y < f->height) {
            const uint32_t *row = (const uint32_t *)((const unsigned char *)f->px + (long)y * f->stride);
            if (v->alpha)
                for (; x < f->width; x++)
                    out[x] = pixel_unpremultiply(row[x], v->clear);
            else
                for (; x < f->width; x++)
                    out[x] = pixel_over(row[x], v->fill);
        }
        for (; x < v->width; x++)
            out[x] = pad;
    }
    return 0;
}

/* Converts the frame into v->picture. */
static int convert(struct libav_writer *v, const struct frame *f)
{
    int padded = f->width != v->width || f->height != v->height, err;

    /* The encoder may still hold a reference to the previous picture (the
     * wrappers of x264 and libvpx hand it over and let go, so this is
     * normally a no-op). */
    if ((err = av_frame_make_writable(v->picture)) < 0)
        return libav_fail(v->kind, err, "cannot allocate a picture");
    if (v->yuv) {
        /* The usual case, an opaque frame of the video's size, is converted
         * straight from the frame; the converter tells whether it was
         * opaque, so nobody scans it first. When it was not, the picture
         * is redone from the composited copy (opaque by construction). */
        if (!padded && yuv_convert(v->yuv, f->px, f->stride, v->picture->data,
                                   v->picture->linesize))
            return 0;
        if (stage(v, f) < 0)
            return -1;
        yuv_convert(v->yuv, v->staging, v->width * (int)sizeof *v->staging,
                    v->picture->data, v->picture->linesize);
        return 0;
    }

    /* swscale: the frame itself when it already is what the video needs
     * (opaque and not padded: no copy), else the staging copy. */
    const uint8_t *pixels = (const uint8_t *)f->px;
    int stride = f->stride;
    if (padded || !frame_is_opaque(f)) {
        if (stage(v, f) < 0)
            return -1;
        pixels = (const uint8_t *)v->staging;
        stride = v->width * (int)sizeof *v->staging;
    }
    const uint8_t *const planes[1] = {pixels};
    const int strides[1] = {stride};
    if (sws_scale(v->sws, planes, strides, 0, v->height,
                  v->picture->data, v->picture->linesize) != v->height)
        return diag_fail("%s: RGB to YUV conversion failed", v->kind);
    return 0;
}

/* Whether two pictures of the video are the same, plane by plane (the
 * padding at the end of each line left out). */
static int same_picture(const struct libav_writer *v, const AVFrame *a, const AVFrame *b)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(v->pix_fmt);
    for (int p = 0; p < 4 && a->data[p]; p++) {
        int chroma = p == 1 || p == 2;
        int w = chroma ? AV_CEIL_RSHIFT(v->width, d->log2_chroma_w) : v->width;
        int h = chroma ? AV_CEIL_RSHIFT(v->height, d->log2_chroma_h) : v->height;
        for (int y = 0; y < h; y++)
            if (memcmp(a->data[p] + (ptrdiff_t)y * a->linesize[p],
                       b->data[p] + (ptrdiff_t)y * b->linesize[p], (size_t)w) != 0)
                return 0;
    }
    return 1;
}

/* A copy of the waiting picture in v->picture: a held frame among the
 * first ticks, which are pictures of their own. */
static int copy_waiting(struct libav_writer *v)
{
    int err = av_frame_make_writable(v->picture);
    if (err < 0)
        return libav_fail(v->kind, err, "cannot allocate a picture");
    if ((err = av_frame_copy(v->picture, v->waiting)) < 0)
        return libav_fail(v->kind, err, "cannot copy a picture");
    return 0;
}

/* Sends the waiting picture, which lasts until end (a pts), to the encoder
 * and writes what it has ready. */
static int send_waiting(struct libav_writer *v, int64_t end)
{
    struct libav_sent *s = &v->sent[v->nsent++ % LIBAV_SENT];
    s->pts = v->waiting_pts;
    s->duration = end - v->waiting_pts;
    v->waiting->pts = v->waiting_pts;
    int err = avcodec_send_frame(v->codec, v->waiting);
    if (err < 0)
        return libav_fail(v->kind, err, "%s encoding failed", v->format->codec);
    return write_packets(v);
}

/* How many of the first and the last ticks of a video are pictures of
 * their own: one more than the encoder reorders. */
static int64_t tail_ticks(const struct libav_writer *v)
{
    return v->codec->has_b_frames + 1;
}

/* Sends the last picture. Its last ticks are sent as copies of it, one
 * tick each, one more than the encoder reorders: then the last decoding
 * time is a tick before the end, so the track (decoding times plus the
 * last duration) and the presentation (picture times plus durations) end
 * together, at the end of the video. Tools that drop the last picture's
 * duration (FFmpeg 5.1's command line does) keep the closing pause too. */
static int finish_waiting(struct libav_writer *v)
{
    int64_t end = v->next_pts;
    int64_t copies = tail_ticks(v);
    if (copies > end - v->waiting_pts)
        copies = end - v->waiting_pts;
    if (end - copies > v->waiting_pts && send_waiting(v, end - copies) < 0)
        return -1;
    for (int64_t t = end - copies; t < end; t++) {
        v->waiting_pts = t;
        if (send_waiting(v, t + 1) < 0)
            return -1;
    }
    return 0;
}

int libav_add_frame(struct encoder *e, const struct frame *f)
{
    struct libav_writer *v = e->priv;

    if (f->width != e->opt->width || f->height != e->opt->height)
        return diag_fail("%s: frame is %dx%d, the video %dx%d", v->kind,
                         f->width, f->height, e->opt->width, e->opt->height);
    /* A held frame, or one whose picture is the same as the waiting one,
     * only makes the waiting picture last longer. Otherwise the waiting
     * picture now knows its duration and goes to the encoder, and this one
     * waits. The same frames give the same bytes whether or not they were
     * flagged as held. The first ticks are pictures of their own, as many
     * as the last ones (finish_waiting): FFmpeg guesses a video's frame
     * rate from its first pictures' spacing, and converts it at that rate
     * by default; a video opening on a pause would get a rate too low. */
    int64_t pts = v->next_pts++;
    int head = pts < tail_ticks(v);
    if (f->repeat && v->have_waiting && !head)
        return 0;
    if ((f->repeat && v->have_waiting ? copy_waiting(v) : convert(v, f)) < 0)
        return -1;
    if (v->have_waiting) {
        if (!head && same_picture(v, v->picture, v->waiting))
            return 0;
        if (send_waiting(v, pts) < 0)
            return -1;
    }
    AVFrame *t = v->waiting;
    v->waiting = v->picture;
    v->picture = t;
    v->waiting_pts = pts;
    v->have_waiting = 1;
    e->images_written++;
    return 0;
}

int libav_close(struct encoder *e)
{
    struct libav_writer *v = e->priv;
    const struct libav_format *lf = v->format;
    int err, rc = 0;

    /* A NULL frame drains the pictures the encoder holds back (x264 for
     * lookahead and B-frames, libvpx for its lag-in-frames); the trailer then
     * writes the index (MP4: the moov, which faststart moves in front of the
     * media data; WebM: the cues and the duration). */
    if (v->have_waiting && finish_waiting(v) < 0)
        rc = -1;
    else if ((err = avcodec_send_frame(v->codec, NULL)) < 0)
        rc = libav_fail(v->kind, err, "%s encoding failed", lf->codec);
    else if (write_packets(v) < 0 || finish_packets(v) < 0)
        rc = -1;
    else if ((err = av_write_trailer(v->mux)) < 0)
        rc = libav_fail(v->kind, err, "cannot finish the %s file", lf->container);
    if ((err = avio_closep(&v->mux->pb)) < 0 && rc == 0)
        rc = libav_fail(v->kind, err, "cannot close the %s file", lf->container);
    release(v);
    return rc;
}

void libav_discard(struct encoder *e)
{
    release(e->priv);
}
