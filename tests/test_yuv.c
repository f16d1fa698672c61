/* Tests for the ARGB32 to BT.709 YUV converter (src/encode/yuv.c) against
 * references it does not share code with: the BT.709 limited-range formula
 * in doubles (every colour of the cube in 4:4:4; 4:2:0 samples as the
 * average of their 2x2 square, edges repeated, on random pictures of odd
 * sizes), and swscale set up the way libav.c set it up before, on flat
 * colours (primaries, greys, both themes' colours). Also: source strides
 * with padding (never read), destination linesizes with padding (never
 * written), and the opacity answer, wherever the one translucent pixel is.
 * Speed is measured by bench/yuv.sh, not here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>
#include <libswscale/swscale.h>

#include "check.h"
#include "draw.h"
#include "encode/yuv.h"

#define KR 0.2126
#define KB 0.0722
#define KG (1 - KR - KB)

/* The formula, on a colour whose channels may be fractional (an average). */
static void bt709(double r, double g, double b, double out[3])
{
    double y = KR * r + KG * g + KB * b;
    out[0] = 16 + 219 * y / 255;
    out[1] = 128 + 224 * (b - y) / (2 * (1 - KB) * 255);
    out[2] = 128 + 224 * (r - y) / (2 * (1 - KR) * 255);
}

static uint32_t rng_state = 12345;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* A picture with its planes, each row padded, the padding filled with a
 * sentinel so that a write past the width shows. */
struct planes {
    int width, height, cw, ch;
    uint8_t *data[3];
    int linesize[3];
};

#define SENTINEL 0xA5
#define PLANE_PAD 7

static void planes_init(struct planes *p, enum yuv_layout layout, int width, int height)
{
    p->width = width;
    p->height = height;
    p->cw = layout == YUV_420 ? (width + 1) / 2 : width;
    p->ch = layout == YUV_420 ? (height + 1) / 2 : height;
    for (int c = 0; c < 3; c++) {
        int w = c ? p->cw : width, h = c ? p->ch : height;
        p->linesize[c] = w + PLANE_PAD;
        p->data[c] = malloc((size_t)p->linesize[c] * h);
        memset(p->data[c], SENTINEL, (size_t)p->linesize[c] * h);
    }
}

static void planes_free(struct planes *p)
{
    for (int c = 0; c < 3; c++)
        free(p->data[c]);
}

static int padding_intact(const struct planes *p)
{
    for (int c = 0; c < 3; c++) {
        int w = c ? p->cw : p->width, h = c ? p->ch : p->height;
        for (int y = 0; y < h; y++)
            for (int x = w; x < p->linesize[c]; x++)
                if (p->data[c][(size_t)y * p->linesize[c] + x] != SENTINEL)
                    return 0;
    }
    return 1;
}

static int convert(enum yuv_layout layout, const uint32_t *px, int stride, struct planes *p)
{
    struct yuv_converter *cv = yuv_new(layout, p->width, p->height);
    CHECK(cv != NULL);
    int opaque = cv ? yuv_convert(cv, px, stride, p->data, p->linesize) : -1;
    yuv_free(&cv);
    CHECK(cv == NULL);
    return opaque;
}

static uint32_t rgb(int r, int g, int b)
{
    return 0xFF000000u | (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
}

/* ---- tests ------------------------------------------------------------ */

/* All 2^24 colours, 4096 x 64 at a time: each within 0.51 of the formula
 * (yuv.c's claim, stricter than "within 1"), and the nearest code for all
 * but a few (yuv.c: 0.1 to 0.2 %, those within 0.006 of a half). */
static void yuv_444_every_colour_within_half_a_code_of_bt709(void)
{
    const int w = 4096, h = 64;
    uint32_t *px = malloc((size_t)w * h * sizeof *px);
    struct planes p;
    double worst = 0;
    long off_nearest = 0, total = 0;

    planes_init(&p, YUV_444, w, h);
    for (int chunk = 0; chunk < (1 << 24) / (w * h); chunk++) {
        for (int i = 0; i < w * h; i++)
            px[i] = 0xFF000000u | (uint32_t)(chunk * w * h + i);
        CHECK(convert(YUV_444, px, w * 4, &p) == 1);
        for (int i = 0; i < w * h; i++) {
            uint32_t c = px[i];
            double want[3];
            bt709(c >> 16 & 0xFF, c >> 8 & 0xFF, c & 0xFF, want);
            for (int k = 0; k < 3; k++) {
                int got = p.data[k][(size_t)(i / w) * p.linesize[k] + i % w];
                double err = fabs(got - want[k]);
                worst = err > worst ? err : worst;
                off_nearest += got != (int)floor(want[k] + 0.5);
                total++;
            }
        }
    }
    printf("every colour: worst %.4f codes from BT.709, %.3f %% not the nearest code\n",
           worst, 100.0 * off_nearest / total);
    CHECK(worst <= 0.51);
    CHECK(off_nearest * 200 < total);       /* under 0.5 % */
    CHECK(padding_intact(&p));
    planes_free(&p);
    free(px);
}

/* The 4:2:0 reference: chroma sample (i, j) averages columns 2i, 2i+1 over
 * rows 2j, 2j+1, coordinates clamped to the picture (edges repeated). */
static void reference_420(const uint32_t *px, int stride, int w, int h, int i, int j,
                          double out[3])
{
    double sum[3] = {0, 0, 0};
    for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
            int x = 2 * i + dx, y = 2 * j + dy;
            x = x >= w ? w - 1 : x;
            y = y >= h ? h - 1 : y;
            uint32_t c = px[(size_t)y * (stride / 4) + x];
            sum[0] += c >> 16 & 0xFF;
            sum[1] += c >> 8 & 0xFF;
            sum[2] += c & 0xFF;
        }
    bt709(sum[0] / 4, sum[1] / 4, sum[2] / 4, out);
}

/* Random pictures of many sizes (odd, smaller than a block, one block and
 * a bit), each row padded with transparent pixels that must not be read:
 * luma and chroma within 0.51 of the references, planes' padding never
 * written, the picture found opaque. */
static void yuv_420_and_444_match_the_references_at_odd_sizes_and_strides(void)
{
    static const int sizes[][2] = {{1, 1}, {1, 2}, {2, 1}, {3, 3}, {2, 2}, {5, 4}, {16, 2},
                                   {17, 3}, {31, 17}, {32, 32}, {33, 33}, {65, 3}, {100, 7},
                                   {161, 91}};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int w = sizes[s][0], h = sizes[s][1], stride = (w + 3) * 4;
        uint32_t *px = calloc((size_t)h * (w + 3), sizeof *px);   /* padding: 0, transparent */
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                px[(size_t)y * (w + 3) + x] = 0xFF000000u | (rng_next() & 0xFFFFFF);
        for (int layout = YUV_420; layout <= YUV_444; layout++) {
            struct planes p;
            double worst = 0;
            planes_init(&p, (enum yuv_layout)layout, w, h);
            CHECK(convert((enum yuv_layout)layout, px, stride, &p) == 1);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    uint32_t c = px[(size_t)y * (w + 3) + x];
                    double want[3];
                    bt709(c >> 16 & 0xFF, c >> 8 & 0xFF, c & 0xFF, want);
                    double err = fabs(p.data[0][(size_t)y * p.linesize[0] + x] - want[0]);
                    worst = err > worst ? err : worst;
                }
            for (int j = 0; j < p.ch; j++)
                for (int i = 0; i < p.cw; i++) {
                    double want[3];
                    if (layout == YUV_420) {
                        reference_420(px, stride, w, h, i, j, want);
                    } else {
                        uint32_t c = px[(size_t)j * (w + 3) + i];
                        bt709(c >> 16 & 0xFF, c >> 8 & 0xFF, c & 0xFF, want);
                    }
                    for (int k = 1; k < 3; k++) {
                        double err = fabs(p.data[k][(size_t)j * p.linesize[k] + i] - want[k]);
                        worst = err > worst ? err : worst;
                    }
                }
            if (worst > 0.51)
                printf("%dx%d %s: worst %.3f\n", w, h, layout == YUV_420 ? "420" : "444", worst);
            CHECK(worst <= 0.51);
            CHECK(padding_intact(&p));
            planes_free(&p);
        }
        free(px);
    }
}

/* Flat colours come out as swscale (set up as libav.c had it: bilinear,
 * accurate rounding, full chroma input, bit-exact, BT.709 limited) makes
 * them, within 1, in both layouts; and exactly the nearest code of the
 * formula. */
static void yuv_flat_colours_match_swscale(void)
{
    uint32_t colours[64];
    int n = 0;
    for (int c = 0; c < 8; c++)      /* black, the primaries and secondaries, white */
        colours[n++] = rgb(c & 4 ? 255 : 0, c & 2 ? 255 : 0, c & 1 ? 255 : 0);
    static const int greys[] = {1, 16, 17, 64, 127, 128, 200, 235, 254};
    for (size_t g = 0; g < sizeof greys / sizeof *greys; g++)
        colours[n++] = rgb(greys[g], greys[g], greys[g]);
    for (int t = 0; theme_names[t]; t++) {
        const struct theme *th = theme_find(theme_names[t]);
        CHECK(th != NULL);
        if (!th)
            continue;
        const uint32_t mine[] = {th->background, th->text, th->muted,
                                 th->axis, th->grid, th->panel};
        for (int k = 0; k < 6; k++)
            colours[n++] = mine[k];
        for (int k = 0; k < 6; k++)
            colours[n++] = th->series[k];
    }

    const int w = 34, h = 18;
    uint32_t *px = malloc((size_t)w * h * sizeof *px);
    const int *bt709_coefs = sws_getCoefficients(SWS_CS_ITU709);
    for (int layout = YUV_420; layout <= YUV_444; layout++) {
        enum AVPixelFormat fmt = layout == YUV_420 ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV444P;
        struct SwsContext *sws = sws_getContext(w, h, AV_PIX_FMT_RGB32, w, h, fmt,
                                                SWS_BILINEAR | SWS_ACCURATE_RND |
                                                    SWS_FULL_CHR_H_INP | SWS_BITEXACT,
                                                NULL, NULL, NULL);
        CHECK(sws != NULL);
        CHECK(sws && sws_setColorspaceDetails(sws, bt709_coefs, 1, bt709_coefs, 0, 0,
                                              1 << 16, 1 << 16) >= 0);
        AVFrame *ref = av_frame_alloc();
        ref->format = fmt;
        ref->width = w;
        ref->height = h;
        CHECK(av_frame_get_buffer(ref, 0) >= 0);
        struct planes p;
        planes_init(&p, (enum yuv_layout)layout, w, h);
        for (int c = 0; sws && c < n; c++) {
            uint32_t colour = 0xFF000000u | colours[c];
            for (int i = 0; i < w * h; i++)
                px[i] = colour;
            const uint8_t *src[1] = {(const uint8_t *)px};
            const int src_stride[1] = {w * 4};
            CHECK(sws_scale(sws, src, src_stride, 0, h, ref->data, ref->linesize) == h);
            CHECK(convert((enum yuv_layout)layout, px, w * 4, &p) == 1);
            double want[3];
            bt709(colour >> 16 & 0xFF, colour >> 8 & 0xFF, colour & 0xFF, want);
            for (int k = 0; k < 3; k++) {
                /* Every sample of the plane, edges included. */
                int pw = k ? p.cw : w, ph = k ? p.ch : h, same = 1, near = 1;
                for (int y = 0; y < ph; y++)
                    for (int x = 0; x < pw; x++) {
                        int ours = p.data[k][(size_t)y * p.linesize[k] + x];
                        int theirs = ref->data[k][(size_t)y * ref->linesize[k] + x];
                        near &= abs(ours - theirs) <= 1;
                        same &= ours == (int)floor(want[k] + 0.5);
                    }
                if (!near || !same)
                    printf("colour %06X plane %d: ours %d, swscale %d, formula %.3f\n",
                           colour & 0xFFFFFF, k, p.data[k][0], ref->data[k][0], want[k]);
                CHECK(near);
                CHECK(same);
            }
        }
        planes_free(&p);
        av_frame_free(&ref);
        sws_freeContext(sws);
    }
    free(px);
}

/* Where chroma sits: a 1-pixel red column on white lands in one sample
 * with weight 1/2, the sample of its 2x2 square, whether the column is the
 * square's left or right one (centred siting; "left" siting would spread
 * an odd column over two samples with 1/4 each). */
static void yuv_420_chroma_is_centred_on_its_square(void)
{
    const int w = 16, h = 4;
    uint32_t px[16 * 4];
    double white[3], red[3];
    bt709(255, 255, 255, white);
    bt709(255, 0, 0, red);
    for (int column = 6; column <= 7; column++) {
        for (int i = 0; i < w * h; i++)
            px[i] = i % w == column ? rgb(255, 0, 0) : rgb(255, 255, 255);
        struct planes p;
        planes_init(&p, YUV_420, w, h);
        CHECK(convert(YUV_420, px, w * 4, &p) == 1);
        /* U and V move linearly with the weight of red. */
        for (int i = 2; i <= 4; i++) {
            double weight = i == 3 ? 0.5 : 0;
            for (int row = 0; row < 2; row++) {
                CHECK_NEAR(p.data[1][row * p.linesize[1] + i],
                           white[1] + weight * (red[1] - white[1]), 0.51);
                CHECK_NEAR(p.data[2][row * p.linesize[2] + i],
                           white[2] + weight * (red[2] - white[2]), 0.51);
            }
        }
        planes_free(&p);
    }
}

/* One pixel with alpha 254 makes the answer 0, wherever it is: first,
 * last, in a block's tail, on an odd height's unpaired last row. */
static void yuv_reports_a_single_translucent_pixel(void)
{
    static const int sizes[][2] = {{1, 1}, {7, 5}, {40, 9}, {33, 33}};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        uint32_t *px = malloc((size_t)w * h * sizeof *px);
        const int spots[][2] = {{0, 0}, {w - 1, h - 1}, {w / 2, h / 2}, {w - 1, 0}, {0, h - 1}};
        for (int layout = YUV_420; layout <= YUV_444; layout++) {
            struct planes p;
            planes_init(&p, (enum yuv_layout)layout, w, h);
            for (int i = 0; i < w * h; i++)
                px[i] = rgb(10, 200, 30);
            CHECK(convert((enum yuv_layout)layout, px, w * 4, &p) == 1);
            for (int k = 0; k < 5; k++) {
                uint32_t *at = &px[(size_t)spots[k][1] * w + spots[k][0]];
                *at = 0xFE000000u | (*at & 0xFFFFFF);
                CHECK(convert((enum yuv_layout)layout, px, w * 4, &p) == 0);
                *at |= 0xFF000000u;
            }
            CHECK(convert((enum yuv_layout)layout, px, w * 4, &p) == 1);
            planes_free(&p);
        }
        free(px);
    }
}

int main(void)
{
    RUN(yuv_444_every_colour_within_half_a_code_of_bt709);
    RUN(yuv_420_and_444_match_the_references_at_odd_sizes_and_strides);
    RUN(yuv_flat_colours_match_swscale);
    RUN(yuv_420_chroma_is_centred_on_its_square);
    RUN(yuv_reports_a_single_translucent_pixel);
    return CHECK_SUMMARY();
}
