/* libav: the one video writer behind the FFmpeg-based encoder kinds (mp4,
 * webm). It turns cairo ARGB32 frames into limited-range BT.709 YUV (yuv.c
 * for yuv420p and yuv444p, swscale for formats with alpha), encodes them at
 * constant frame rate with a libavcodec encoder and muxes them with
 * libavformat; a picture equal to the one before (a held frame,
 * frame.repeat, or any other) is not encoded again, the one before lasts
 * longer (see libav.c); what differs between the kinds (codec,
 * container, pixel format, codec options, padding, threads, keyframes) is a
 * const struct libav_format each kind's file defines next to its options
 * table.
 *
 * A kind is its descriptor plus the life cycle of encode.h:
 *     static int mp4_open(struct encoder *e, const char *path)
 *     {
 *         return libav_open(e, path, &mp4_format);
 *     }
 *     ... .priv_size = sizeof(struct libav_writer), .open = mp4_open,
 *         .add_frame = libav_add_frame, .close = libav_close,
 *         .discard = libav_discard ...
 * e->priv is a zeroed struct libav_writer (the renderer allocates and frees
 * it); the writer owns every libav object it creates in it and releases them
 * in close/discard, or in open itself when open fails. Messages are prefixed
 * with the kind's name (e->kind->head.name). */
#ifndef ENCODE_LIBAV_H
#define ENCODE_LIBAV_H

#include <stddef.h>
#include <stdint.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixfmt.h>

#include "encode.h"

struct yuv_converter;

/* Pictures whose durations are remembered: more than any encoder's delay
 * (x264's lookahead is at most 250, plus B-frames and threads). */
#define LIBAV_SENT 1024

/* What makes one video kind: fields are plain data where they can be, hooks
 * where the kind's own options decide. opts in every hook is the kind's
 * options struct (enc_options.kind_opts, or defaults when that is NULL),
 * never NULL. */
struct libav_format {
    const char *muxer;          /* libavformat's name: "mp4" */
    const char *container;      /* in messages: "MP4" */
    const char *encoder;        /* libavcodec's name: "libx264" */
    const char *codec;          /* in messages: "H.264" */
    const void *defaults;       /* the kind's options when the scene gives none */
    int even_size;              /* pad the picture to even width and height
                                   with the background colour */
    /* A fixed count, never 0 ("auto"): the bitstream may depend on the
     * thread count, and must not depend on the machine's cores. */
    int threads;
    int thread_type;            /* FF_THREAD_*; 0 leaves libavcodec's default */
    /* At least one keyframe every this many seconds' worth of pictures (the
     * frame rate times this, clamped to 1..10000): lessons are mostly
     * watched start to end, so keyframes are spent on size rather than
     * seeking, yet a player scrubbing the timeline never decodes more than
     * this many pictures to show any point. A picture held over a pause
     * counts once, so a pause lengthens the interval in seconds. */
    int keyint_seconds;
    /* Options for avformat_write_header as "key=value:key=value", or NULL. */
    const char *muxer_options;

    /* Optional (NULL: nothing to check). Called first in open, before any
     * file or libav object exists: reports what is wrong and returns -1. */
    int (*check)(const void *opts);
    /* The encoder's input format. When it has an alpha plane, transparency
     * is kept (colour un-premultiplied) instead of composited over the
     * background. transparent: enc_options.transparent. */
    enum AVPixelFormat (*pix_fmt)(const void *opts, int transparent);
    /* Sets the encoder's private options (and any AVCodecContext field the
     * writer leaves alone) before avcodec_open2; 0 or a libav error code. */
    int (*set_options)(AVCodecContext *c, const void *opts);
    /* The settings for a message, e.g. "crf 32". */
    void (*describe)(char *buf, size_t size, const void *opts);
};

/* One video being written; private to libav.c, declared here only so that a
 * kind can give its size as priv_size. */
struct libav_writer {
    const struct libav_format *format;
    const char *kind;           /* the kind's name, for messages */
    AVFormatContext *mux;       /* owns stream; mux->pb is closed by us */
    AVStream *stream;
    AVCodecContext *codec;
    struct yuv_converter *yuv;  /* the conversion for yuv420p and yuv444p */
    struct SwsContext *sws;     /* swscale's for any other format */
    AVFrame *picture;           /* where a frame is converted */
    AVFrame *waiting;           /* the last different picture, not yet sent:
                                   how long it lasts is not known yet */
    int have_waiting;
    int64_t waiting_pts;
    /* The duration of each picture sent, for its packets (which come back
     * after at most the encoder's delay, a few dozen pictures). */
    struct libav_sent {
        int64_t pts, duration;
    } sent[LIBAV_SENT];
    unsigned nsent;
    AVPacket *held;             /* the last packet received, not yet written */
    int have_held;
    int64_t held_duration;
    int64_t first_dts, last_dts;    /* of the first and the last packet */
    long npackets;
    AVPacket *packet;
    enum AVPixelFormat pix_fmt;
    int alpha;                  /* pix_fmt has alpha: keep the alpha channel */
    int width, height;          /* of the video: the frame's, padded if asked */
    uint32_t fill;              /* opaque background, native ARGB32 */
    uint32_t clear;             /* what fully transparent pixels become when
                                   alpha is kept: the background's colour at
                                   alpha 0, so a player that ignores alpha
                                   shows it */
    uint32_t *staging;          /* padded/composited/un-premultiplied copy,
                                   only when needed */
    int64_t next_pts;
};

/* The encoder_kind functions (see encode.h for the life cycle). open also
 * sets e->width/height to the stored (possibly padded) size. */
int libav_open(struct encoder *e, const char *path, const struct libav_format *format);
int libav_add_frame(struct encoder *e, const struct frame *f);
int libav_close(struct encoder *e);
void libav_discard(struct encoder *e);

#endif
