/* yuv_bench: the RGB to YUV conversion of the video encoders, swscale's path
 * (set up the way src/encode/libav.c set it up before src/encode/yuv.c:
 * bilinear, accurate rounding, full chroma input, bit-exact, BT.709 limited
 * range) against ours, on the same frames. Built and run by bench/yuv.sh;
 * see bench/README.md.
 *
 * usage: yuv_bench ROUNDS FRAME.png...
 * For each layout (4:2:0, 4:4:4), each round converts every frame with
 * swscale, then with ours, then the other way round on the next round (so
 * neither always runs on a warm cache), timing each pass with the thread's
 * CPU clock. Prints one Markdown row per layout: median CPU ms per frame of
 * each, their ratio, and how far ours is from swscale on these frames (the
 * largest luma difference, the mean chroma difference). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>

#include "encode/yuv.h"

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static struct SwsContext *old_scaler(int w, int h, enum AVPixelFormat fmt)
{
    struct SwsContext *s = sws_getContext(w, h, AV_PIX_FMT_RGB32, w, h, fmt,
                                          SWS_BILINEAR | SWS_ACCURATE_RND |
                                              SWS_FULL_CHR_H_INP | SWS_BITEXACT,
                                          NULL, NULL, NULL);
    const int *bt709 = sws_getCoefficients(SWS_CS_ITU709);
    if (s && sws_setColorspaceDetails(s, bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16) < 0) {
        sws_freeContext(s);
        s = NULL;
    }
    return s;
}

static AVFrame *picture(int w, int h, enum AVPixelFormat fmt)
{
    AVFrame *f = av_frame_alloc();
    if (!f)
        return NULL;
    f->format = fmt;
    f->width = w;
    f->height = h;
    if (av_frame_get_buffer(f, 0) < 0)
        av_frame_free(&f);
    return f;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: yuv_bench ROUNDS FRAME.png...\n");
        return 2;
    }
    int rounds = atoi(argv[1]), n = argc - 2;
    cairo_surface_t **frames = calloc((size_t)n, sizeof *frames);
    if (rounds < 1 || !frames)
        return 2;
    for (int i = 0; i < n; i++) {
        cairo_surface_t *png = cairo_image_surface_create_from_png(argv[i + 2]);
        if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS) {
            fprintf(stderr, "yuv_bench: cannot read %s\n", argv[i + 2]);
            return 1;
        }
        /* As the renderer hands them over: ARGB32 (PNGs without alpha load
         * as RGB24, whose padding byte is not 255). */
        int w = cairo_image_surface_get_width(png), h = cairo_image_surface_get_height(png);
        frames[i] = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
        cairo_t *cr = cairo_create(frames[i]);
        cairo_set_source_surface(cr, png, 0, 0);
        cairo_paint(cr);
        cairo_destroy(cr);
        cairo_surface_destroy(png);
        cairo_surface_flush(frames[i]);
    }
    int w = cairo_image_surface_get_width(frames[0]);
    int h = cairo_image_surface_get_height(frames[0]);

    static const struct {
        const char *name;
        enum AVPixelFormat fmt;
        enum yuv_layout layout;
    } layouts[] = {{"4:2:0", AV_PIX_FMT_YUV420P, YUV_420}, {"4:4:4", AV_PIX_FMT_YUV444P, YUV_444}};
    for (size_t l = 0; l < sizeof layouts / sizeof *layouts; l++) {
        struct SwsContext *sws = old_scaler(w, h, layouts[l].fmt);
        struct yuv_converter *cv = yuv_new(layouts[l].layout, w, h);
        AVFrame *a = picture(w, h, layouts[l].fmt), *b = picture(w, h, layouts[l].fmt);
        double *t_sws = calloc((size_t)rounds, sizeof *t_sws);
        double *t_ours = calloc((size_t)rounds, sizeof *t_ours);
        if (!sws || !cv || !a || !b || !t_sws || !t_ours) {
            fprintf(stderr, "yuv_bench: cannot set up the %s conversions\n", layouts[l].name);
            return 1;
        }
        int max_dy = 0;
        double sum_dc = 0;
        long count_dc = 0;
        for (int r = 0; r < rounds; r++) {
            for (int pass = 0; pass < 2; pass++) {
                int ours = (pass + r) & 1;
                double t0 = cpu_ms();
                for (int i = 0; i < n; i++) {
                    const uint8_t *src = cairo_image_surface_get_data(frames[i]);
                    int stride = cairo_image_surface_get_stride(frames[i]);
                    if (ours) {
                        if (!yuv_convert(cv, (const uint32_t *)src, stride, b->data, b->linesize))
                            fprintf(stderr, "yuv_bench: frame %d is not opaque\n", i);
                    } else {
                        sws_scale(sws, &src, &stride, 0, h, a->data, a->linesize);
                    }
                }
                (ours ? t_ours : t_sws)[r] = (cpu_ms() - t0) / n;
            }
            if (r == 0) {
                /* Both pictures now hold the last frame. */
                int cw = layouts[l].layout == YUV_420 ? (w + 1) / 2 : w;
                int ch = layouts[l].layout == YUV_420 ? (h + 1) / 2 : h;
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        int d = abs(a->data[0][y * a->linesize[0] + x] -
                                    b->data[0][y * b->linesize[0] + x]);
                        max_dy = d > max_dy ? d : max_dy;
                    }
                for (int p = 1; p < 3; p++)
                    for (int y = 0; y < ch; y++)
                        for (int x = 0; x < cw; x++, count_dc++)
                            sum_dc += abs(a->data[p][y * a->linesize[p] + x] -
                                          b->data[p][y * b->linesize[p] + x]);
            }
        }
        qsort(t_sws, (size_t)rounds, sizeof *t_sws, cmp_double);
        qsort(t_ours, (size_t)rounds, sizeof *t_ours, cmp_double);
        double ms_sws = t_sws[rounds / 2], ms_ours = t_ours[rounds / 2];
        printf("| %dx%d | %s | %.3f | %.3f | %.1fx | %d | %.2f |\n", w, h, layouts[l].name,
               ms_sws, ms_ours, ms_ours > 0 ? ms_sws / ms_ours : 0, max_dy,
               count_dc ? sum_dc / count_dc : 0);
        free(t_sws);
        free(t_ours);
        av_frame_free(&a);
        av_frame_free(&b);
        yuv_free(&cv);
        sws_freeContext(sws);
    }
    for (int i = 0; i < n; i++)
        cairo_surface_destroy(frames[i]);
    free(frames);
    return 0;
}
