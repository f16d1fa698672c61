/* Tests for the webm encoder kind: frames drawn with cairo are encoded, then
 * read back with libavformat/libavcodec the way a player would: codec, pixel
 * format, frame count, duration and BT.709 tags; the colours themselves; the
 * alpha channel of a scene with a transparent background (decoded with the
 * libvpx-vp9 decoder, since FFmpeg's native vp9 decoder ignores the alpha
 * stream); byte-for-byte reproducibility, held frames sent without a second
 * conversion included; and that the failure paths report
 * once and release everything (the fd count must not grow; run under
 * valgrind for memory). Speed is measured by bench/encoders.sh, not here. */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cairo.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>

#include "check.h"
#include "diag.h"
#include "encode.h"
#include "frame.h"
#include "video_util.h"

static char tmp_dir[] = "/tmp/mlanim-webm-XXXXXX";

static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmp_dir, name);
}

/* The WebM kind's own options that default_options points at; a test may
 * change them after calling it. */
static struct webm_opts webmo;

static struct enc_options default_options(int width, int height, int nframes)
{
    webmo.crf = 32;
    return (struct enc_options){
        .width = width, .height = height,
        .fps_num = 20, .fps_den = 1,
        .nframes = nframes,
        .background = 0xFFFFFFFFu,
        .kind_opts = &webmo,
    };
}

/* ---- drawing ---------------------------------------------------------- */





/* Three vertical bands over nothing: transparent, red at half alpha, opaque
 * blue; a small opaque square moves across the first band so that frames
 * differ and the alpha stream has motion to follow. */
static void draw_alpha_bands(cairo_t *cr, int width, int height, int index)
{
    int third = width / 3;
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    cairo_set_source_rgba(cr, 1, 0, 0, 0.5);
    cairo_rectangle(cr, third, 0, third, height);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 1);
    cairo_rectangle(cr, 2 * third, 0, width - 2 * third, height);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0.6, 0);
    cairo_rectangle(cr, index % (third - 8), 0, 8, 8);
    cairo_fill(cr);
}



/* The whole life cycle as the renderer drives it. Returns close()'s result
 * (or -1 if open/add_frame failed, after discarding). */
static int encode_file(const char *path, const struct enc_options *opt,
                       draw_fn draw, struct encoder *out)
{
    struct encoder e = {.kind = &encoder_webm, .opt = opt,
                        .width = opt->width, .height = opt->height};
    e.priv = calloc(1, encoder_webm.priv_size);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                    opt->width, opt->height);
    int rc = e.priv ? e.kind->open(&e, path) : -1;
    for (int i = 0; rc == 0 && i < opt->nframes; i++) {
        draw_into(s, draw, i);
        struct frame f = surface_frame(s, i);
        if (e.kind->add_frame(&e, &f) < 0) {
            e.kind->discard(&e);
            rc = -1;
        }
    }
    if (rc == 0)
        rc = e.kind->close(&e);
    cairo_surface_destroy(s);
    free(e.priv);
    e.priv = NULL;
    if (out)
        *out = e;
    return rc;
}

/* ---- reading back ----------------------------------------------------- */

struct decoded {
    enum AVCodecID codec_id;
    int pix_fmt;                /* the stream's, as the demuxer states it */
    int frame_fmt;              /* the decoded pictures' */
    int width, height;
    int frames;
    double duration;            /* seconds, as the container states it */
    int primaries, trc, space, range;
    int chroma_location;        /* the track's ChromaSiting, as AVChromaLocation */
    int alpha_mode;             /* the track's AlphaMode (0 when absent) */
    /* frame number `keep`: as RGB24 (BT.709 limited -> full), alpha plane */
    unsigned char *rgb;
    unsigned char *alpha;       /* NULL unless the picture has one */
};

static const unsigned char *rgb_at(const struct decoded *d, int x, int y)
{
    return d->rgb + ((size_t)y * d->width + x) * 3;
}

static void decoded_free(struct decoded *d)
{
    free(d->rgb);
    free(d->alpha);
    d->rgb = d->alpha = NULL;
}

static int keep_frame(struct decoded *d, const AVFrame *fr)
{
    int w = fr->width, h = fr->height;
    d->rgb = malloc((size_t)w * h * 3);
    if (!d->rgb)
        return -1;
    if (fr->format == AV_PIX_FMT_YUVA420P) {
        d->alpha = malloc((size_t)w * h);
        if (!d->alpha)
            return -1;
        for (int y = 0; y < h; y++)
            memcpy(d->alpha + (size_t)y * w, fr->data[3] + (size_t)y * fr->linesize[3], w);
    }
    /* Colour only: the alpha plane, if any, is not part of the conversion
     * (yuva420p is read as its yuv420p planes). */
    int fmt = fr->format == AV_PIX_FMT_YUVA420P ? AV_PIX_FMT_YUV420P : fr->format;
    struct SwsContext *sws = sws_getContext(w, h, fmt, w, h, AV_PIX_FMT_RGB24,
                                            SWS_POINT | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                                            NULL, NULL, NULL);
    if (!sws)
        return -1;
    const int *bt709 = sws_getCoefficients(SWS_CS_ITU709);
    int rc = sws_setColorspaceDetails(sws, bt709, 0, bt709, 1, 0, 1 << 16, 1 << 16);
    uint8_t *dst[1] = {d->rgb};
    int dst_stride[1] = {w * 3};
    if (rc >= 0 && sws_scale(sws, (const uint8_t *const *)fr->data, fr->linesize, 0, h,
                             dst, dst_stride) != h)
        rc = -1;
    sws_freeContext(sws);
    return rc < 0 ? -1 : 0;
}

static int receive_frames(AVCodecContext *dec, AVFrame *fr, struct decoded *d, int keep)
{
    for (;;) {
        int err = avcodec_receive_frame(dec, fr);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
            return 0;
        if (err < 0)
            return -1;
        if (d->frames == 0)
            d->frame_fmt = fr->format;
        else if (fr->format != d->frame_fmt)
            d->frame_fmt = AV_PIX_FMT_NONE;
        if (d->frames == keep && keep_frame(d, fr) < 0)
            err = -1;
        d->frames++;
        av_frame_unref(fr);
        if (err < 0)
            return -1;
    }
}

/* Decodes every frame of path's video stream with the named decoder (NULL:
 * libavcodec's default for the codec) and keeps frame number `keep`. */
static int decode_file(const char *path, const char *decoder, int keep, struct decoded *d)
{
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    const AVCodec *codec = NULL;
    int rc = -1;

    memset(d, 0, sizeof *d);
    d->frame_fmt = AV_PIX_FMT_NONE;
    if (!pkt || !fr || avformat_open_input(&fmt, path, NULL, NULL) < 0)
        goto out;
    if (avformat_find_stream_info(fmt, NULL) < 0)
        goto out;
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (si < 0)
        goto out;
    if (decoder && !(codec = avcodec_find_decoder_by_name(decoder)))
        goto out;
    const AVStream *st = fmt->streams[si];
    const AVCodecParameters *par = st->codecpar;
    d->codec_id = par->codec_id;
    d->pix_fmt = par->format;
    d->width = par->width;
    d->height = par->height;
    d->primaries = par->color_primaries;
    d->trc = par->color_trc;
    d->space = par->color_space;
    d->range = par->color_range;
    d->chroma_location = par->chroma_location;
    const AVDictionaryEntry *am = av_dict_get(st->metadata, "alpha_mode", NULL, 0);
    d->alpha_mode = am ? atoi(am->value) : 0;
    d->duration = fmt->duration == AV_NOPTS_VALUE ? -1 : fmt->duration / (double)AV_TIME_BASE;
    dec = avcodec_alloc_context3(codec);
    if (!dec || avcodec_parameters_to_context(dec, par) < 0)
        goto out;
    dec->thread_count = 1;
    if (avcodec_open2(dec, codec, NULL) < 0)
        goto out;
    while (av_read_frame(fmt, pkt) >= 0) {
        int err = 0;
        if (pkt->stream_index == si)
            err = avcodec_send_packet(dec, pkt);
        av_packet_unref(pkt);
        if (err < 0 || receive_frames(dec, fr, d, keep) < 0)
            goto out;
    }
    if (avcodec_send_packet(dec, NULL) < 0 || receive_frames(dec, fr, d, keep) < 0)
        goto out;
    rc = 0;
out:
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    av_packet_free(&pkt);
    av_frame_free(&fr);
    return rc;
}


/* Everything written to a tmpfile() used as the diag stream, then closes it. */
static void read_messages(FILE *messages, char *text, size_t size)
{
    text[0] = '\0';
    if (!messages)
        return;
    rewind(messages);
    size_t n = fread(text, 1, size - 1, messages);
    text[n] = '\0';
    fclose(messages);
}


static int alpha_at(const struct decoded *d, int x, int y)
{
    return d->alpha[(size_t)y * d->width + x];
}

/* ---- tests ------------------------------------------------------------ */

static void webm_decodes_as_vp9_yuv420p(void)
{
    char path[256];
    tmp_path(path, sizeof path, "scene.webm");
    struct enc_options opt = default_options(160, 90, 30);
    struct encoder e;

    CHECK(encode_file(path, &opt, draw_scene, &e) == 0);
    CHECK(e.images_written == 30);
    CHECK(e.width == 160 && e.height == 90);
    struct decoded d;
    CHECK(decode_file(path, NULL, -1, &d) == 0);
    CHECK(d.codec_id == AV_CODEC_ID_VP9);
    CHECK(d.pix_fmt == AV_PIX_FMT_YUV420P);
    CHECK(d.frame_fmt == AV_PIX_FMT_YUV420P);
    CHECK(d.width == 160 && d.height == 90);
    CHECK(d.frames == 30);
    CHECK_NEAR(d.duration, 30 / 20.0, 0.5 / 20);
    CHECK(d.primaries == AVCOL_PRI_BT709);
    CHECK(d.trc == AVCOL_TRC_BT709);
    CHECK(d.space == AVCOL_SPC_BT709);
    CHECK(d.range == AVCOL_RANGE_MPEG);
    /* Chroma where the conversion put it: centred on its 2x2 square. */
    CHECK(d.chroma_location == AVCHROMA_LOC_CENTER);
    CHECK(d.alpha_mode == 0);
    decoded_free(&d);
    unlink(path);
}

static void webm_keeps_fractional_frame_rate(void)
{
    char path[256];
    tmp_path(path, sizeof path, "ntsc.webm");
    struct enc_options opt = default_options(64, 48, 45);
    opt.fps_num = 30000;
    opt.fps_den = 1001;

    CHECK(encode_file(path, &opt, draw_scene, NULL) == 0);
    struct decoded d;
    CHECK(decode_file(path, NULL, -1, &d) == 0);
    CHECK(d.frames == 45);
    /* WebM counts in milliseconds: allow that rounding on top. */
    CHECK_NEAR(d.duration, 45 * 1001 / 30000.0, 0.5 * 1001 / 30000 + 0.002);
    decoded_free(&d);
    unlink(path);
}

static void webm_reproduces_flat_colours_in_bt709(void)
{
    char path[256];
    tmp_path(path, sizeof path, "patches.webm");
    struct enc_options opt = default_options(128, 96, 5);
    static const int expect[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {128, 128, 128}};

    webmo.crf = 20;
    CHECK(encode_file(path, &opt, draw_patches, NULL) == 0);
    struct decoded d;
    CHECK(decode_file(path, NULL, 0, &d) == 0);
    CHECK(d.rgb != NULL);
    for (int q = 0; d.rgb && q < 4; q++) {
        /* The middle of each quadrant, away from the edges where chroma
         * subsampling and the codec blur the boundary. */
        const unsigned char *px = rgb_at(&d, (q % 2) * 64 + 32, (q / 2) * 48 + 24);
        for (int c = 0; c < 3; c++)
            CHECK_NEAR(px[c], expect[q][c], 6);
    }
    decoded_free(&d);
    unlink(path);
}

static void webm_keeps_odd_size_without_padding(void)
{
    char path[256];
    tmp_path(path, sizeof path, "odd.webm");
    struct enc_options opt = default_options(101, 57, 4);
    struct encoder e;

    CHECK(encode_file(path, &opt, draw_patches, &e) == 0);
    CHECK(e.width == 101 && e.height == 57);
    struct decoded d;
    CHECK(decode_file(path, NULL, 1, &d) == 0);
    CHECK(d.width == 101 && d.height == 57);
    /* Four frames of one still picture: the picture, and its last tick
     * again (so that the video ends on a picture's time). */
    CHECK(d.frames == 2);
    if (d.rgb) {
        /* The bottom-right corner is the grey quadrant, not padding. */
        const unsigned char *px = rgb_at(&d, 99, 55);
        CHECK_NEAR(px[0], 128, 8);
        CHECK_NEAR(px[1], 128, 8);
        CHECK_NEAR(px[2], 128, 8);
    }
    decoded_free(&d);
    unlink(path);
}

/* An opaque scene whose frames have see-through pixels anyway (nothing drawn
 * there): yuv420p, composited over the background. */
static void webm_composites_transparency_over_opaque_background(void)
{
    char path[256];
    tmp_path(path, sizeof path, "composite.webm");
    struct enc_options opt = default_options(64, 32, 3);
    opt.background = 0xFFC86432u;   /* 200, 100, 50 */
    webmo.crf = 10;

    CHECK(encode_file(path, &opt, draw_half_transparent, NULL) == 0);
    struct decoded d;
    CHECK(decode_file(path, NULL, 1, &d) == 0);
    CHECK(d.pix_fmt == AV_PIX_FMT_YUV420P);
    CHECK(d.alpha_mode == 0);
    CHECK(d.rgb != NULL);
    if (d.rgb) {
        const unsigned char *left = rgb_at(&d, 12, 16), *right = rgb_at(&d, 52, 16);
        CHECK_NEAR(left[0], 200, 6);
        CHECK_NEAR(left[1], 100, 6);
        CHECK_NEAR(left[2], 50, 6);
        CHECK_NEAR(right[0], 0, 6);
        CHECK_NEAR(right[1], 0, 6);
        CHECK_NEAR(right[2], 255, 6);
    }
    decoded_free(&d);
    unlink(path);
}

/* A transparent background: yuva420p in, AlphaMode on the track, and the
 * libvpx-vp9 decoder gives back the alpha and the un-premultiplied colour. */
static void webm_keeps_alpha_of_transparent_background(void)
{
    char path[256];
    tmp_path(path, sizeof path, "alpha.webm");
    struct enc_options opt = default_options(192, 64, 12);
    opt.background = 0x00FFFFFFu;   /* transparent white */
    opt.transparent = 1;
    webmo.crf = 16;
    struct encoder e;

    CHECK(encode_file(path, &opt, draw_alpha_bands, &e) == 0);
    CHECK(e.images_written == 12);
    struct decoded d;
    CHECK(decode_file(path, "libvpx-vp9", 7, &d) == 0);
    CHECK(d.codec_id == AV_CODEC_ID_VP9);
    CHECK(d.alpha_mode == 1);
    CHECK(d.frames == 12);
    CHECK(d.frame_fmt == AV_PIX_FMT_YUVA420P);
    CHECK(d.chroma_location == AVCHROMA_LOC_CENTER);
    CHECK(d.space == AVCOL_SPC_BT709);
    CHECK(d.range == AVCOL_RANGE_MPEG);
    CHECK(d.alpha != NULL);
    if (d.alpha && d.rgb) {
        CHECK_NEAR(alpha_at(&d, 32, 40), 0, 4);         /* transparent band */
        CHECK_NEAR(alpha_at(&d, 96, 32), 128, 6);       /* red at half alpha */
        CHECK_NEAR(alpha_at(&d, 160, 32), 255, 4);      /* opaque blue */
        CHECK_NEAR(alpha_at(&d, 7 + 4, 4), 255, 8);     /* the square, frame 7 */
        /* Straight (not premultiplied) colour: the half-alpha band is full
         * red, not the dark red cairo stores. */
        const unsigned char *red = rgb_at(&d, 96, 32), *blue = rgb_at(&d, 160, 32);
        CHECK_NEAR(red[0], 255, 8);
        CHECK_NEAR(red[1], 0, 8);
        CHECK_NEAR(red[2], 0, 8);
        CHECK_NEAR(blue[0], 0, 8);
        CHECK_NEAR(blue[1], 0, 8);
        CHECK_NEAR(blue[2], 255, 8);
        /* Where nothing was drawn the colour is the background's, so a
         * player that ignores alpha shows the background, not black. */
        const unsigned char *clear = rgb_at(&d, 32, 40);
        CHECK_NEAR(clear[0], 255, 8);
        CHECK_NEAR(clear[1], 255, 8);
        CHECK_NEAR(clear[2], 255, 8);
    }
    decoded_free(&d);

    /* Players without alpha support still get a plain VP9 stream. */
    CHECK(decode_file(path, NULL, -1, &d) == 0);
    CHECK(d.frames == 12);
    CHECK(d.pix_fmt == AV_PIX_FMT_YUV420P);
    decoded_free(&d);
    unlink(path);
}

static void webm_same_frames_give_same_bytes(void)
{
    char a[256], b[256];
    tmp_path(a, sizeof a, "same-a.webm");
    tmp_path(b, sizeof b, "same-b.webm");
    struct enc_options opt = default_options(320, 180, 40);

    CHECK(encode_file(a, &opt, draw_scene, NULL) == 0);
    CHECK(encode_file(b, &opt, draw_scene, NULL) == 0);
    CHECK(same_bytes(a, b));

    /* With alpha, two encoders run side by side: still reproducible. */
    opt.background = 0x00FFFFFFu;
    opt.transparent = 1;
    CHECK(encode_file(a, &opt, draw_alpha_bands, NULL) == 0);
    CHECK(encode_file(b, &opt, draw_alpha_bands, NULL) == 0);
    CHECK(same_bytes(a, b));
    unlink(a);
    unlink(b);
}

/* A held frame (frame.repeat) is sent as the picture already converted, and
 * the file is byte for byte the one made by converting every frame again:
 * opaque (yuv.c's conversion, at an odd size too) and with alpha kept
 * (swscale's). The surface is scribbled over before each held frame, so a
 * match without the shortcut being taken is impossible. */
static void webm_held_frames_give_the_same_bytes_as_converted_ones(void)
{
    char a[256], b[256];
    tmp_path(a, sizeof a, "held-a.webm");
    tmp_path(b, sizeof b, "held-b.webm");
    for (int c = 0; c < 3; c++) {
        struct enc_options opt = default_options(c == 1 ? 97 : 96, c == 1 ? 55 : 64, 15);
        if (c == 2) {
            opt.transparent = 1;
            opt.background = 0x00FFFFFFu;
        }
        draw_fn draw = c == 2 ? draw_alpha_bands : draw_scene;
        CHECK(encode_held(&encoder_webm, a, &opt, draw, 3, 1) == 0);
        CHECK(encode_held(&encoder_webm, b, &opt, draw, 3, 0) == 0);
        CHECK(same_bytes(a, b));
    }
    unlink(a);
    unlink(b);
}

static void webm_higher_crf_gives_smaller_file(void)
{
    char fine[256], coarse[256];
    tmp_path(fine, sizeof fine, "crf10.webm");
    tmp_path(coarse, sizeof coarse, "crf55.webm");
    struct enc_options opt = default_options(160, 90, 10);

    webmo.crf = 10;
    CHECK(encode_file(fine, &opt, draw_scene, NULL) == 0);
    webmo.crf = 55;
    CHECK(encode_file(coarse, &opt, draw_scene, NULL) == 0);
    long size_fine = file_size(fine), size_coarse = file_size(coarse);
    CHECK(size_coarse > 0);
    CHECK(size_coarse * 2 < size_fine);
    unlink(fine);
    unlink(coarse);
}

static void webm_rejects_crf_out_of_range_before_creating_the_file(void)
{
    char path[256];
    tmp_path(path, sizeof path, "crf.webm");
    struct enc_options opt = default_options(64, 48, 2);
    webmo.crf = 64;
    FILE *messages = tmpfile();
    int fds = open_fd_count();

    diag_set_stream(messages);
    CHECK(encode_file(path, &opt, draw_scene, NULL) == -1);
    diag_set_stream(NULL);
    CHECK(access(path, F_OK) != 0);
    CHECK(open_fd_count() == fds);
    char text[2048];
    read_messages(messages, text, sizeof text);
    CHECK(count_occurrences(text, "error:") == 1);
    CHECK(strstr(text, "crf 64") != NULL);
}

static void webm_open_fails_in_missing_directory(void)
{
    char path[256];
    tmp_path(path, sizeof path, "no/such/dir/x.webm");
    struct enc_options opt = default_options(64, 48, 2);
    struct encoder e = {.kind = &encoder_webm, .opt = &opt};
    e.priv = calloc(1, encoder_webm.priv_size);
    FILE *messages = tmpfile();
    int fds = open_fd_count();

    diag_set_stream(messages);
    CHECK(e.kind->open(&e, path) == -1);
    diag_set_stream(NULL);
    CHECK(open_fd_count() == fds);
    /* Reported once, naming the file. */
    char text[2048];
    read_messages(messages, text, sizeof text);
    CHECK(count_occurrences(text, "error:") == 1);
    CHECK(strstr(text, "webm:") != NULL);
    CHECK(strstr(text, path) != NULL);
    free(e.priv);
}

static void webm_discard_after_some_frames_releases_everything(void)
{
    char path[256];
    tmp_path(path, sizeof path, "discard.webm");
    struct enc_options opt = default_options(96, 64, 10);
    opt.background = 0x00FFFFFFu;
    opt.transparent = 1;        /* the alpha encoder and staging too */
    struct encoder e = {.kind = &encoder_webm, .opt = &opt};
    e.priv = calloc(1, encoder_webm.priv_size);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 96, 64);
    int fds = open_fd_count();

    CHECK(e.kind->open(&e, path) == 0);
    CHECK(open_fd_count() == fds + 1);
    for (int i = 0; i < 3; i++) {
        draw_into(s, draw_alpha_bands, i);
        struct frame f = surface_frame(s, i);
        CHECK(e.kind->add_frame(&e, &f) == 0);
    }
    CHECK(e.images_written == 3);
    e.kind->discard(&e);
    CHECK(open_fd_count() == fds);
    /* The file is the renderer's to remove, not the encoder's. */
    CHECK(access(path, F_OK) == 0);
    cairo_surface_destroy(s);
    free(e.priv);
    unlink(path);
}

/* A file size limit makes writes fail the way a full disk does (the muxer
 * buffers, so the failure may only surface when the file is finished). */
static void webm_close_fails_when_the_file_cannot_grow(void)
{
    char path[256];
    tmp_path(path, sizeof path, "full.webm");
    struct enc_options opt = default_options(320, 180, 40);
    struct rlimit saved, limited;
    FILE *messages = tmpfile();
    int fds = open_fd_count();

    webmo.crf = 4;           /* big frames: far past the limit */
    CHECK(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    limited = saved;
    limited.rlim_cur = 1024;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &limited) == 0);
    diag_set_stream(messages);
    int rc = encode_file(path, &opt, draw_scene, NULL);
    diag_set_stream(NULL);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, old_handler);

    CHECK(rc == -1);
    CHECK(open_fd_count() == fds);
    char text[2048];
    read_messages(messages, text, sizeof text);
    CHECK(count_occurrences(text, "error:") == 1);
    CHECK(strstr(text, "webm:") != NULL);
    unlink(path);
}

static void webm_rejects_frame_of_wrong_size(void)
{
    char path[256];
    tmp_path(path, sizeof path, "wrongsize.webm");
    struct enc_options opt = default_options(96, 64, 2);
    struct encoder e = {.kind = &encoder_webm, .opt = &opt};
    e.priv = calloc(1, encoder_webm.priv_size);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 64);
    FILE *messages = tmpfile();

    CHECK(e.kind->open(&e, path) == 0);
    draw_into(s, draw_scene, 0);
    struct frame f = surface_frame(s, 0);
    diag_set_stream(messages);
    CHECK(e.kind->add_frame(&e, &f) == -1);
    diag_set_stream(NULL);
    CHECK(e.images_written == 0);
    e.kind->discard(&e);
    char text[2048];
    read_messages(messages, text, sizeof text);
    CHECK(count_occurrences(text, "error:") == 1);
    CHECK(strstr(text, "64x64") != NULL);
    cairo_surface_destroy(s);
    free(e.priv);
    unlink(path);
}

int main(void)
{
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 1;
    }
    /* libvpx's version banner and the muxer's notes are not test output. */
    av_log_set_level(AV_LOG_ERROR);

    RUN(webm_decodes_as_vp9_yuv420p);
    RUN(webm_keeps_fractional_frame_rate);
    RUN(webm_reproduces_flat_colours_in_bt709);
    RUN(webm_keeps_odd_size_without_padding);
    RUN(webm_composites_transparency_over_opaque_background);
    RUN(webm_keeps_alpha_of_transparent_background);
    RUN(webm_same_frames_give_same_bytes);
    RUN(webm_held_frames_give_the_same_bytes_as_converted_ones);
    RUN(webm_higher_crf_gives_smaller_file);
    RUN(webm_rejects_crf_out_of_range_before_creating_the_file);
    RUN(webm_open_fails_in_missing_directory);
    RUN(webm_discard_after_some_frames_releases_everything);
    RUN(webm_close_fails_when_the_file_cannot_grow);
    RUN(webm_rejects_frame_of_wrong_size);

    if (rmdir(tmp_dir) != 0)
        perror(tmp_dir);
    /* Drop cairo's font caches so valgrind shows only real leaks. */
    cairo_debug_reset_static_data();
    return CHECK_SUMMARY();
}
