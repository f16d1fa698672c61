/* libav: helpers shared by the mp4 and webm encoders (see libav.h). */
#include "libav.h"

#include <stdarg.h>
#include <stdio.h>

int libav_fail(const char *kind, int err, const char *fmt, ...)
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

int libav_write_packets(const char *kind, AVCodecContext *codec, AVPacket *packet,
                        AVFormatContext *fmt, AVStream *stream)
{
    for (;;) {
        int err = avcodec_receive_packet(codec, packet);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
            return 0;
        if (err < 0)
            return libav_fail(kind, err, "encoding failed");
        /* At a constant frame rate every picture lasts one tick; should a
         * libavcodec version leave the duration unset, the muxer could end
         * the video a frame early. */
        if (packet->duration <= 0)
            packet->duration = 1;
        av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
        packet->stream_index = stream->index;
        err = av_interleaved_write_frame(fmt, packet);
        av_packet_unref(packet);
        if (err < 0)
            return libav_fail(kind, err, "cannot write to the file");
    }
}
