/* Tests for the mp4 encoder kind: frames drawn with cairo are encoded, then
 * read back with libavformat/libavcodec to check what a player would see:
 * stream parameters and colour tags, the colours themselves, even-size
 * padding, 4:4:4 keeping thin coloured lines their colour, the faststart
 * layout, byte-for-byte reproducibility (held frames sent without a second
 * conversion included), and that the
 * failure paths release everything (the fd count must not grow; run under
 * valgrind for memory). Speed is measured by bench/encoders.sh, not here. */
#include <dirent.h>
#include <math.h>
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
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>

#include "check.h"
#include "diag.h"
#include "encode.h"
#include "encode/libav.h"
#include "frame.h"
#include "limit.h"
#include "video_util.h"

static char tmp_dir[] = "/tmp/mlanim-mp4-XXXXXX";

static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmp_dir, name);
}

/* The MP4 kind's own options that default_options points at; a test may
 * change them after calling it. */
static struct mp4_opts mp4o;

static struct enc_options default_options(int width, int height, int nframes)
{
    mp4o = (struct mp4_opts){.crf = 18, .preset = 5 /* medium */, .chroma = 0};
    return (struct enc_options){
        .width = width, .height = height,
        .fps_num = 20, .fps_den = 1,
        .nframes = nframes,
        .background = 0xFFFFFFFFu,
        .kind_opts = &mp4o,
    };
}

/* ---- drawing ---------------------------------------------------------- */




/* A dark frame edge to edge, so padding copied from the edge would show. */
static void draw_navy(cairo_t *cr, int width, int height, int index)
{
    cairo_set_source_rgb(cr, 32 / 255.0, 48 / 255.0, 96 / 255.0);
    cairo_paint(cr);
}


/* White, with 1-pixel pure red lines: two vertical (one on an even, one on
 * an odd column, so either side of a 4:2:0 chroma pair) and one horizontal. */
static void draw_thin_red_lines(cairo_t *cr, int width, int height, int index)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 1, 0, 0);
    cairo_rectangle(cr, 20, 0, 1, height);
    cairo_rectangle(cr, 41, 0, 1, height);
    cairo_rectangle(cr, 0, 33, width, 1);
    cairo_fill(cr);
}



/* The whole life cycle as the renderer drives it. Returns close()'s result
 * (or -1 if open/add_frame failed, after discarding). */
static int encode_file(const char *path, const struct enc_options *opt,
                       draw_fn draw, int *images_written)
{
    struct encoder e = {.kind = &encoder_mp4, .opt = opt};
    e.priv = calloc(1, encoder_mp4.priv_size);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                    opt->width, opt->height);
    int rc = e.priv ? e.kind->open(&e, path) : -1;
    for (int i = 0; rc == 0 && i < opt->nframes; i++) {
        draw_into(s, draw, i);
        struct frame f = surface_frame(s, i);
        if (e.kind->add_frame(&e, &f) < 0) {
            e.kind->discard(&e);
            rc = -1;
            goto done;
        }
    }
    if (rc == 0)
        rc = e.kind->close(&e);
done:
    if (images_written)
        *images_written = e.images_written;
    cairo_surface_destroy(s);
    free(e.priv);
    return rc;
}

/* ---- reading back ----------------------------------------------------- */

struct decoded {
    enum AVCodecID codec_id;
    int pix_fmt;
    int width, height;
    int frames;                 /* decoded pictures */
    double times[512];          /* the first ones' times, seconds */
    double time_base;           /* of the stream, seconds */
    double stream_duration;     /* seconds, as the stream states it */
    double duration;            /* seconds, as the container states it */
    int primaries, trc, space, range;
    int chroma_location;        /* from the VUI, as AVChromaLocation */
    int profile;                /* FF_PROFILE_H264_* */
    /* frame number `keep`: as RGB24 (BT.709 limited -> full) and its luma */
    unsigned char *rgb;
    unsigned char *luma;
};

static const unsigned char *rgb_at(const struct decoded *d, int x, int y)
{
    return d->rgb + ((size_t)y * d->width + x) * 3;
}

static void decoded_free(struct decoded *d)
{
    free(d->rgb);
    free(d->luma);
    d->rgb = d->luma = NULL;
}

static int keep_frame(struct decoded *d, const AVFrame *fr)
{
    int w = fr->width, h = fr->height;
    d->luma = malloc((size_t)w * h);
    d->rgb = malloc((size_t)w * h * 3);
    if (!d->luma || !d->rgb)
        return -1;
    for (int y = 0; y < h; y++)
        memcpy(d->luma + (size_t)y * w, fr->data[0] + (size_t)y * fr->linesize[0], w);
    struct SwsContext *sws = sws_getContext(w, h, fr->format, w, h, AV_PIX_FMT_RGB24,
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
        if (d->frames == keep && keep_frame(d, fr) < 0)
            err = -1;
        if (d->frames < (int)(sizeof d->times / sizeof *d->times))
            d->times[d->frames] = fr->best_effort_timestamp * d->time_base;
        d->frames++;
        av_frame_unref(fr);
        if (err < 0)
            return -1;
    }
}

static int decode_file(const char *path, int keep, struct decoded *d)
{
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    const AVCodec *codec = NULL;
    int rc = -1;

    memset(d, 0, sizeof *d);
    if (!pkt || !fr || avformat_open_input(&fmt, path, NULL, NULL) < 0)
        goto out;
    if (avformat_find_stream_info(fmt, NULL) < 0)
        goto out;
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (si < 0)
        goto out;
    const AVCodecParameters *par = fmt->streams[si]->codecpar;
    d->codec_id = par->codec_id;
    d->pix_fmt = par->format;
    d->width = par->width;
    d->height = par->height;
    d->primaries = par->color_primaries;
    d->trc = par->color_trc;
    d->space = par->color_space;
    d->range = par->color_range;
    d->chroma_location = par->chroma_location;
    d->profile = par->profile;
    d->duration = fmt->duration == AV_NOPTS_VALUE ? -1 : fmt->duration / (double)AV_TIME_BASE;
    d->time_base = av_q2d(fmt->streams[si]->time_base);
    d->stream_duration = fmt->streams[si]->duration == AV_NOPTS_VALUE
                             ? -1 : fmt->streams[si]->duration * d->time_base;
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






/* BT.709 limited-range luma of an RGB colour. */
static double bt709_luma(int r, int g, int b)
{
    return 16 + 219 * (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/* ---- tests ------------------------------------------------------------ */

static void mp4_decodes_as_h264_yuv420p(void)
{
    char path[256];
    tmp_path(path, sizeof path, "scene.mp4");
    struct enc_options opt = default_options(160, 90, 30);
    int images = -1;

    CHECK(encode_file(path, &opt, draw_scene, &images) == 0);
    CHECK(images == 30);
    struct decoded d;
    CHECK(decode_file(path, -1, &d) == 0);
    CHECK(d.codec_id == AV_CODEC_ID_H264);
    CHECK(d.pix_fmt == AV_PIX_FMT_YUV420P);
    CHECK(d.width == 160 && d.height == 90);
    CHECK(d.frames == 30);
    CHECK_NEAR(d.duration, 30 / 20.0, 0.5 / 20);
    CHECK(d.primaries == AVCOL_PRI_BT709);
    CHECK(d.trc == AVCOL_TRC_BT709);
    CHECK(d.space == AVCOL_SPC_BT709);
    CHECK(d.range == AVCOL_RANGE_MPEG);
    /* Chroma where the conversion put it, centred on its 2x2 square (the
     * VUI says so; without it H.264 would mean "left"). */
    CHECK(d.chroma_location == AVCHROMA_LOC_CENTER);
    decoded_free(&d);
    unlink(path);
}

static void mp4_keeps_fractional_frame_rate(void)
{
    char path[256];
    tmp_path(path, sizeof path, "ntsc.mp4");
    struct enc_options opt = default_options(64, 48, 45);
    opt.fps_num = 30000;
    opt.fps_den = 1001;

    CHECK(encode_file(path, &opt, draw_scene, NULL) == 0);
    struct decoded d;
    CHECK(decode_file(path, -1, &d) == 0);
    CHECK(d.frames == 45);
    CHECK_NEAR(d.duration, 45 * 1001 / 30000.0, 0.5 * 1001 / 30000);
    decoded_free(&d);
    unlink(path);
}

static void mp4_reproduces_flat_colours_in_bt709(void)
{
    char path[256];
    tmp_path(path, sizeof path, "patches.mp4");
    struct enc_options opt = default_options(128, 128, 5);
    static const int want[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {128, 128, 128}};

    CHECK(encode_file(path, &opt, draw_patches, NULL) == 0);
    struct decoded d;
    CHECK(decode_file(path, 2, &d) == 0);
    CHECK(d.rgb != NULL);
    for (int q = 0; d.rgb && q < 4; q++) {
        const unsigned char *px = rgb_at(&d, 32 + (q % 2) * 64, 32 + (q / 2) * 64);
        for (int c = 0; c < 3; c++)
            CHECK_NEAR(px[c], want[q][c], 6);
    }
    decoded_free(&d);
    unlink(path);
}

static void mp4_pads_odd_size_with_background(void)
{
    char path[256];
    tmp_path(path, sizeof path, "odd.mp4");
    struct enc_options opt = default_options(101, 61, 4);
    opt.background = 0xFFF0E0C0u;   /* light beige: 240, 224, 192 */
    double bg_luma = bt709_luma(240, 224, 192);

    CHECK(encode_file(path, &opt, draw_navy, NULL) == 0);
    struct decoded d;
    CHECK(decode_file(path, 1, &d) == 0);
    CHECK(d.width == 102 && d.height == 62);
    CHECK(d.frames == 4);
    CHECK(d.luma != NULL);
    if (d.luma && d.width == 102 && d.height == 62) {
        /* The drawn area keeps its colour (nothing was scaled)... */
        CHECK_NEAR(d.luma[30 * 102 + 50], bt709_luma(32, 48, 96), 4);
        CHECK_NEAR(d.luma[30 * 102 + 100], bt709_luma(32, 48, 96), 10);
        /* ...and the added column and row are the background. */
        for (int y = 0; y < 62; y += 10)
            CHECK_NEAR(d.luma[y * 102 + 101], bg_luma, 10);
        for (int x = 0; x < 102; x += 10)
            CHECK_NEAR(d.luma[61 * 102 + x], bg_luma, 10);
        CHECK_NEAR(d.luma[61 * 102 + 101], bg_luma, 10);
    }
    decoded_free(&d);
    unlink(path);
}

static void mp4_composites_transparency_over_background(void)
{
    char path[256];
    tmp_path(path, sizeof path, "alpha.mp4");
    struct enc_options opt = default_options(64, 32, 3);
    opt.background = 0xFFC86432u;   /* 200, 100, 50 */

    CHECK(encode_file(path, &opt, draw_half_transparent, NULL) == 0);
    struct decoded d;
    CHECK(decode_file(path, 1, &d) == 0);
    CHECK(d.rgb != NULL);
    if (d.rgb) {
        const unsigned char *left = rgb_at(&d, 16, 16), *right = rgb_at(&d, 48, 16);
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

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Mean distance (sum over R, G, B) from pure red along the red lines of
 * draw_thin_red_lines, where they do not cross. */
static double red_line_error(const struct decoded *d)
{
    double sum = 0;
    int n = 0;
    for (int i = 4; i < d->height - 4; i++) {
        if (i >= 31 && i <= 35)
            continue;
        const int xs[2] = {20, 41};
        for (int k = 0; k < 2; k++) {
            const unsigned char *px = rgb_at(d, xs[k], i);
            sum += abs(px[0] - 255) + px[1] + px[2];
            n++;
        }
    }
    for (int x = 4; x < d->width - 4; x++) {
        if (x >= 18 && x <= 22)
            continue;
        if (x >= 39 && x <= 43)
            continue;
        const unsigned char *px = rgb_at(d, x, 33);
        sum += abs(px[0] - 255) + px[1] + px[2];
        n++;
    }
    return n ? sum / n : 1e9;
}

/* chroma 444: yuv444p in the stream (High 4:4:4 Predictive), and a 1-pixel
 * red line on white decodes red, where 4:2:0 averages its colour with the
 * white next to it. */
static void mp4_chroma444_keeps_thin_red_lines_red(void)
{
    char p420[256], p444[256];
    tmp_path(p420, sizeof p420, "lines-420.mp4");
    tmp_path(p444, sizeof p444, "lines-444.mp4");
    struct enc_options opt = default_options(96, 64, 3);
    struct decoded d420, d444;

    CHECK(encode_file(p420, &opt, draw_thin_red_lines, NULL) == 0);
    mp4o.chroma = 1;      /* 444 */
    CHECK(encode_file(p444, &opt, draw_thin_red_lines, NULL) == 0);
    CHECK(decode_file(p420, 1, &d420) == 0);
    CHECK(decode_file(p444, 1, &d444) == 0);
    CHECK(d420.pix_fmt == AV_PIX_FMT_YUV420P);
    CHECK(d444.pix_fmt == AV_PIX_FMT_YUV444P);
    CHECK(d444.profile == FF_PROFILE_H264_HIGH_444_PREDICTIVE);
    CHECK(d444.frames == 3);
    CHECK(d444.primaries == AVCOL_PRI_BT709);
    CHECK(d444.space == AVCOL_SPC_BT709);
    CHECK(d444.range == AVCOL_RANGE_MPEG);
    CHECK(d420.rgb && d444.rgb);
    if (d420.rgb && d444.rgb) {
        double e420 = red_line_error(&d420), e444 = red_line_error(&d444);
        printf("thin red lines: mean |RGB - red| %.1f with 4:2:0, %.1f with 4:4:4\n",
               e420, e444);
        CHECK(e444 < 40);
        CHECK(e444 * 3 < e420);
        /* The white around the lines stays white either way. */
        const unsigned char *white = rgb_at(&d444, 70, 10);
        CHECK_NEAR(white[0], 255, 6);
        CHECK_NEAR(white[1], 255, 6);
        CHECK_NEAR(white[2], 255, 6);
    }
    decoded_free(&d420);
    decoded_free(&d444);
    unlink(p420);
    unlink(p444);
}

static void mp4_puts_moov_before_mdat(void)
{
    char path[256];
    tmp_path(path, sizeof path, "faststart.mp4");
    struct enc_options opt = default_options(96, 64, 10);
    long size, moov = -1, mdat = -1;

    CHECK(encode_file(path, &opt, draw_scene, NULL) == 0);
    unsigned char *buf = read_whole(path, &size);
    CHECK(buf != NULL);
    /* Walk the top-level boxes: 32-bit size and type, size 1 meaning a
     * 64-bit size follows, size 0 meaning "to the end of the file". */
    for (long pos = 0; buf && pos + 8 <= size;) {
        uint64_t box = be32(buf + pos);
        if (box == 1 && pos + 16 <= size)
            box = (uint64_t)be32(buf + pos + 8) << 32 | be32(buf + pos + 12);
        else if (box == 0)
            box = size - pos;
        if (memcmp(buf + pos + 4, "moov", 4) == 0 && moov < 0)
            moov = pos;
        if (memcmp(buf + pos + 4, "mdat", 4) == 0 && mdat < 0)
            mdat = pos;
        if (box < 8)
            break;
        pos += (long)box;
    }
    CHECK(moov >= 0);
    CHECK(mdat >= 0);
    CHECK(moov < mdat);
    free(buf);
    unlink(path);
}

static void mp4_same_frames_give_same_bytes(void)
{
    char a[256], b[256];
    tmp_path(a, sizeof a, "same-a.mp4");
    tmp_path(b, sizeof b, "same-b.mp4");
    struct enc_options opt = default_options(320, 180, 40);

    CHECK(encode_file(a, &opt, draw_scene, NULL) == 0);
    CHECK(encode_file(b, &opt, draw_scene, NULL) == 0);
    CHECK(same_bytes(a, b));
    unlink(a);
    unlink(b);
}

/* Whether the pictures of a video of `frames` frames at `fps` whose picture
 * changes every `hold` frames are shown at the right times: a picture at
 * each change, lasting until the next (held frames are not pictures of
 * their own) but for the first and the last few ticks (at most 3: one
 * more than x264 reorders), which are; no picture off the scene's clock;
 * and the video lasts exactly its frames. */
static int held_timing_ok(const struct decoded *d, int frames, int hold, double fps)
{
    int changes = (frames + hold - 1) / hold, seen = 0, last = -1;
    if (d->frames < changes || d->frames >= frames ||
        fabs(d->duration - frames / fps) > 1e-3 ||
        fabs(d->stream_duration - frames / fps) > 1e-3)
        return 0;
    for (int k = 0; k < d->frames; k++) {
        double t = d->times[k] * fps;
        int tick = (int)lround(t);
        if (fabs(t - tick) > 1e-3 || tick <= last || tick >= frames)
            return 0;
        if (tick % hold == 0)
            seen++;
        else if (tick >= 3 && tick < frames - 3)
            return 0;
        last = tick;
    }
    return seen == changes && last == frames - 1;
}

/* A held frame (frame.repeat) is not converted again, and a picture equal
 * to the one before is not encoded again: the one before lasts longer. The
 * file is byte for byte the one made from the same frames without the
 * flag: in 4:2:0 and 4:4:4, and at an odd size (padded, through the staging
 * copy). The surface is scribbled over before each held frame, so a file
 * that matched without the shortcut being taken is impossible. */
static void mp4_held_frames_give_the_same_bytes_as_converted_ones(void)
{
    char a[256], b[256];
    tmp_path(a, sizeof a, "held-a.mp4");
    tmp_path(b, sizeof b, "held-b.mp4");
    static const int cases[][3] = {{160, 90, 0}, {160, 90, 1}, {101, 61, 0}};
    for (int c = 0; c < 3; c++) {
        struct enc_options opt = default_options(cases[c][0], cases[c][1], 24);
        mp4o.chroma = cases[c][2];
        CHECK(encode_held(&encoder_mp4, a, &opt, draw_scene, 3, 1) == 0);
        CHECK(encode_held(&encoder_mp4, b, &opt, draw_scene, 3, 0) == 0);
        CHECK(same_bytes(a, b));
        struct decoded d;
        CHECK(decode_file(a, -1, &d) == 0);
        CHECK(held_timing_ok(&d, 24, 3, 20));
        decoded_free(&d);
    }
    unlink(a);
    unlink(b);
}

static void mp4_higher_crf_gives_smaller_file(void)
{
    char fine[256], coarse[256];
    tmp_path(fine, sizeof fine, "crf10.mp4");
    tmp_path(coarse, sizeof coarse, "crf40.mp4");
    struct enc_options opt = default_options(160, 90, 10);

    mp4o.crf = 10;
    CHECK(encode_file(fine, &opt, draw_scene, NULL) == 0);
    mp4o.crf = 40;
    CHECK(encode_file(coarse, &opt, draw_scene, NULL) == 0);
    long size_fine = file_size(fine), size_coarse = file_size(coarse);
    CHECK(size_coarse > 0);
    CHECK(size_coarse * 2 < size_fine);
    unlink(fine);
    unlink(coarse);
}

static void mp4_rejects_unknown_preset_before_creating_the_file(void)
{
    char path[256];
    tmp_path(path, sizeof path, "preset.mp4");
    struct enc_options opt = default_options(64, 48, 2);
    mp4o.preset = 99;       /* no such preset */
    int fds = open_fd_count();

    CHECK(encode_file(path, &opt, draw_scene, NULL) == -1);
    CHECK(access(path, F_OK) != 0);
    CHECK(open_fd_count() == fds);
}

static void mp4_rejects_unknown_tune_before_creating_the_file(void)
{
    char path[256];
    tmp_path(path, sizeof path, "tune.mp4");
    struct enc_options opt = default_options(64, 48, 2);
    mp4o.tune = 99;         /* no such tuning */
    int fds = open_fd_count();

    CHECK(encode_file(path, &opt, draw_scene, NULL) == -1);
    CHECK(access(path, F_OK) != 0);
    CHECK(open_fd_count() == fds);
}

/* x264's rc-lookahead as the mp4 kind set it when opening a video of this
 * size at this preset: -1 when left to x264 (its preset's own). */
static long long lookahead_set(int preset, int width, int height)
{
    char path[256];
    tmp_path(path, sizeof path, "lookahead.mp4");
    struct enc_options opt = default_options(width, height, 2);
    mp4o.preset = preset;
    struct encoder e = {.kind = &encoder_mp4, .opt = &opt};
    e.priv = calloc(1, encoder_mp4.priv_size);
    int64_t v = -2;

    if (e.kind->open(&e, path) == 0) {
        struct libav_writer *w = e.priv;
        if (av_opt_get_int(w->codec->priv_data, "rc-lookahead", 0, &v) < 0)
            v = -3;
        e.kind->discard(&e);
    }
    free(e.priv);
    unlink(path);
    return v;
}

/* The memory guard shortens the lookahead of frames too large for the
 * memory-mb budget, and never lengthens what a fast preset keeps of its
 * own (veryfast: 10 frames), which would cost memory instead of saving it. */
static void mp4_memory_guard_only_shortens_the_lookahead(void)
{
    /* 1080p 4:2:0 is 3 MB a frame: 128 MB holds 43, 16 of them kept aside. */
    CHECK(limit_set("memory-mb=128") == 0);
    CHECK(lookahead_set(5 /* medium: 40 */, 1920, 1080) == 27);
    CHECK(lookahead_set(4 /* fast: 30 */, 1920, 1080) == 27);
    CHECK(lookahead_set(3 /* faster: 20 */, 1920, 1080) == -1);
    CHECK(lookahead_set(2 /* veryfast: 10 */, 1920, 1080) == -1);
    CHECK(limit_set("memory-mb=512") == 0);   /* the default */
    CHECK(lookahead_set(5, 1920, 1080) == -1);
}

static void mp4_open_fails_in_missing_directory(void)
{
    char path[256];
    tmp_path(path, sizeof path, "no/such/dir/x.mp4");
    struct enc_options opt = default_options(64, 48, 2);
    struct encoder e = {.kind = &encoder_mp4, .opt = &opt};
    e.priv = calloc(1, encoder_mp4.priv_size);
    FILE *messages = tmpfile();
    int fds = open_fd_count();

    diag_set_stream(messages);
    CHECK(e.kind->open(&e, path) == -1);
    diag_set_stream(NULL);
    CHECK(open_fd_count() == fds);
    /* Reported once, naming the file. */
    char text[2048] = "";
    if (messages) {
        rewind(messages);
        size_t n = fread(text, 1, sizeof text - 1, messages);
        text[n] = '\0';
        fclose(messages);
    }
    CHECK(count_occurrences(text, "error:") == 1);
    CHECK(strstr(text, path) != NULL);
    free(e.priv);
}

static void mp4_discard_after_some_frames_releases_everything(void)
{
    char path[256];
    tmp_path(path, sizeof path, "discard.mp4");
    struct enc_options opt = default_options(96, 64, 10);
    struct encoder e = {.kind = &encoder_mp4, .opt = &opt};
    e.priv = calloc(1, encoder_mp4.priv_size);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 96, 64);
    int fds = open_fd_count();

    CHECK(e.kind->open(&e, path) == 0);
    CHECK(open_fd_count() == fds + 1);
    for (int i = 0; i < 3; i++) {
        draw_into(s, draw_scene, i);
        struct frame f = surface_frame(s, i);
        CHECK(e.kind->add_frame(&e, &f) == 0);
    }
    CHECK(e.images_written == 3);
    e.kind->discard(&e);
    CHECK(open_fd_count() == fds);
    cairo_surface_destroy(s);
    free(e.priv);
    unlink(path);
}

/* A file size limit makes writes fail the way a full disk does (the muxer
 * buffers, so the failure may only surface when the file is finished). */
static void mp4_close_fails_when_the_file_cannot_grow(void)
{
    char path[256];
    tmp_path(path, sizeof path, "full.mp4");
    struct enc_options opt = default_options(320, 180, 40);
    struct rlimit saved, limited;
    FILE *messages = tmpfile();
    int fds = open_fd_count();

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
    char text[2048] = "";
    if (messages) {
        rewind(messages);
        size_t n = fread(text, 1, sizeof text - 1, messages);
        text[n] = '\0';
        fclose(messages);
    }
    CHECK(count_occurrences(text, "error:") == 1);
    CHECK(strstr(text, "mp4:") != NULL);
    unlink(path);
}

static void mp4_rejects_frame_of_wrong_size(void)
{
    char path[256];
    tmp_path(path, sizeof path, "wrongsize.mp4");
    struct enc_options opt = default_options(96, 64, 2);
    struct encoder e = {.kind = &encoder_mp4, .opt = &opt};
    e.priv = calloc(1, encoder_mp4.priv_size);
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
    if (messages)
        fclose(messages);
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
    /* x264's statistics and the muxer's progress notes are not test output. */
    av_log_set_level(AV_LOG_ERROR);

    RUN(mp4_decodes_as_h264_yuv420p);
    RUN(mp4_keeps_fractional_frame_rate);
    RUN(mp4_reproduces_flat_colours_in_bt709);
    RUN(mp4_pads_odd_size_with_background);
    RUN(mp4_composites_transparency_over_background);
    RUN(mp4_chroma444_keeps_thin_red_lines_red);
    RUN(mp4_puts_moov_before_mdat);
    RUN(mp4_same_frames_give_same_bytes);
    RUN(mp4_held_frames_give_the_same_bytes_as_converted_ones);
    RUN(mp4_higher_crf_gives_smaller_file);
    RUN(mp4_rejects_unknown_preset_before_creating_the_file);
    RUN(mp4_rejects_unknown_tune_before_creating_the_file);
    RUN(mp4_memory_guard_only_shortens_the_lookahead);
    RUN(mp4_open_fails_in_missing_directory);
    RUN(mp4_discard_after_some_frames_releases_everything);
    RUN(mp4_close_fails_when_the_file_cannot_grow);
    RUN(mp4_rejects_frame_of_wrong_size);

    if (rmdir(tmp_dir) != 0)
        perror(tmp_dir);
    /* Drop cairo's font caches so valgrind shows only real leaks. */
    cairo_debug_reset_static_data();
    return CHECK_SUMMARY();
}
