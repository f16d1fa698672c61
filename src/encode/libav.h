/* libav: what the FFmpeg-based encoders (mp4, webm) share: reporting a
 * libav error code in words, and moving finished packets to the muxer. */
#ifndef ENCODE_LIBAV_H
#define ENCODE_LIBAV_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include "diag.h"

/* Prints "mlanim: error: KIND: WHAT: libav's wording" and returns -1. */
int libav_fail(const char *kind, int err, const char *fmt, ...) DIAG_PRINTF(3, 4);

/* Pulls every packet the codec has ready and writes it to the stream.
 * Every picture lasts one tick of the codec's time base. 0 or -1. */
int libav_write_packets(const char *kind, AVCodecContext *codec, AVPacket *packet,
                        AVFormatContext *fmt, AVStream *stream);

#endif
