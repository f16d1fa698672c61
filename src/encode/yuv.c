/* yuv: the ARGB32 to BT.709 limited-range YUV conversion of the video
 * encoders (see yuv.h for what it computes and where 4:2:0 chroma sits).
 *
 * Everything is 16-bit unsigned arithmetic, because that is what vectorises
 * well on every x86-64 (SSE2 has an 8-lane 16-bit "multiply, keep the high
 * half", and no 32-bit multiply at all: with 32-bit lanes gcc spelled each
 * product as shifts and adds and the code was slower than swscale). A
 * channel c becomes c * 256, each product keeps its high 16 bits against a
 * coefficient in 1/65536ths, so the terms are in 1/256ths of a code value;
 * their sum (the luma's at most 60160, a chroma at most 61440) fits 16 bits,
 * and the subtracted chroma terms may wrap in between: the sum is exact
 * modulo 65536 and its true value is in range. Dropping each product's low
 * bits loses less than 1/256 per term; the rounding offsets are centred on
 * that loss (chosen by trying all 2^24 colours against the formula in
 * doubles, tests/test_yuv.c checks it): every colour is within 0.51 of the
 * exact value, and gets its nearest code but for 0.16 % of the values,
 * those within 0.0065 of a half.
 *
 * 4:2:0 chroma is computed from the RGB sums of its four pixels, 1020 at
 * most per channel: times 64 that is the average times 256 again, exactly,
 * and goes through the same formula, rounded once. A flat area therefore
 * gets the same chroma as in 4:4:4.
 *
 * The loops run over blocks of a fixed number of pixels, with restrict
 * pointers and no branches inside, because that is what gcc's -O2
 * vectoriser (the "very cheap" cost model) takes: a loop whose trip count is
 * a multiple of the vector length and needs no alias checks. The rest of a
 * row is copied into a block of its own, padded with its last pixel, and
 * converted by the same code. */
#include "yuv.h"

#include <stdlib.h>
#include <string.h>

#define YUV_KR 0.2126
#define YUV_KB 0.0722
#define YUV_KG (1 - YUV_KR - YUV_KB)
/* Limited range: luma spans 219 codes, chroma 224, for 255 of RGB. */
#define YUV_LUMA_SCALE (219.0 / 255)
#define YUV_CHROMA_SCALE (224.0 / 255)
/* A coefficient (0 < x < 1) in 1/65536ths. */
#define YUV_FIX(x) ((uint16_t)((x) * 65536 + 0.5))

/* Luma, and the magnitudes of the chroma coefficients (their signs are in
 * the formulas below). */
static const uint16_t y_r = YUV_FIX(YUV_LUMA_SCALE * YUV_KR);
static const uint16_t y_g = YUV_FIX(YUV_LUMA_SCALE * YUV_KG);
static const uint16_t y_b = YUV_FIX(YUV_LUMA_SCALE * YUV_KB);
static const uint16_t u_r = YUV_FIX(YUV_CHROMA_SCALE * YUV_KR / (2 * (1 - YUV_KB)));
static const uint16_t u_g = YUV_FIX(YUV_CHROMA_SCALE * YUV_KG / (2 * (1 - YUV_KB)));
static const uint16_t u_b = YUV_FIX(YUV_CHROMA_SCALE / 2);
static const uint16_t v_r = YUV_FIX(YUV_CHROMA_SCALE / 2);
static const uint16_t v_g = YUV_FIX(YUV_CHROMA_SCALE * YUV_KG / (2 * (1 - YUV_KR)));
static const uint16_t v_b = YUV_FIX(YUV_CHROMA_SCALE * YUV_KB / (2 * (1 - YUV_KR)));

/* 16 and 128 in 1/256ths, plus a half (128) to round, adjusted for the
 * truncated products: three added ones lose 1.5/256 on average (+1), one
 * added and two subtracted gain 0.5/256 (-1). */
#define YUV_Y_OFFSET ((16 << 8) + 128 + 1)
#define YUV_C_OFFSET ((128 << 8) + 128 - 1)

/* Pixels per block: 16 is a whole number of vectors for every vector width
 * gcc uses here (16 bytes of output, 32 of 16-bit lanes, 64 of input). */
#define YUV_BLOCK 16

struct yuv_converter {
    enum yuv_layout layout;
    int width, height;
    uint8_t *spare_row;         /* 4:2:0 with an odd height: where the luma of
                                   the missing last row goes */
};

static inline uint16_t mul_high(uint16_t a, uint16_t b)
{
    return (uint16_t)(((uint32_t)a * b) >> 16);
}

/* The channels of a native-endian 0xAARRGGBB pixel, times 256. */
static inline uint16_t red256(uint32_t p)
{
    return (uint16_t)(p >> 8 & 0xFF00);
}

static inline uint16_t green256(uint32_t p)
{
    return (uint16_t)(p & 0xFF00);
}

static inline uint16_t blue256(uint32_t p)
{
    return (uint16_t)(p << 8 & 0xFF00);
}

/* From channels times 256 (0 .. 65280) to codes. */
static inline uint8_t luma(uint16_t r, uint16_t g, uint16_t b)
{
    return (uint8_t)((uint16_t)(mul_high(r, y_r) + mul_high(g, y_g) + mul_high(b, y_b) +
                                YUV_Y_OFFSET) >> 8);
}

static inline uint8_t chroma_u(uint16_t r, uint16_t g, uint16_t b)
{
    return (uint8_t)((uint16_t)(mul_high(b, u_b) - mul_high(r, u_r) - mul_high(g, u_g) +
                                YUV_C_OFFSET) >> 8);
}

static inline uint8_t chroma_v(uint16_t r, uint16_t g, uint16_t b)
{
    return (uint8_t)((uint16_t)(mul_high(r, v_r) - mul_high(g, v_g) - mul_high(b, v_b) +
                                YUV_C_OFFSET) >> 8);
}

/* lanes[] collects the AND of the pixels: its top byte stays 255 while
 * every one was opaque. */

/* ---- 4:4:4 ------------------------------------------------------------ */

static void block_444(const uint32_t *restrict src, uint8_t *restrict y, uint8_t *restrict u,
                      uint8_t *restrict v, uint32_t *restrict lanes)
{
    for (int k = 0; k < YUV_BLOCK; k++) {
        uint32_t p = src[k];
        uint16_t r = red256(p), g = green256(p), b = blue256(p);
        lanes[k] &= p;
        y[k] = luma(r, g, b);
        u[k] = chroma_u(r, g, b);
        v[k] = chroma_v(r, g, b);
    }
}

static void row_444(const uint32_t *src, int width, uint8_t *y, uint8_t *u, uint8_t *v,
                    uint32_t *lanes)
{
    int x = 0;
    for (; x + YUV_BLOCK <= width; x += YUV_BLOCK)
        block_444(src + x, y + x, u + x, v + x, lanes);
    if (x < width) {
        uint32_t in[YUV_BLOCK];
        uint8_t out[3][YUV_BLOCK];
        int n = width - x;
        for (int k = 0; k < YUV_BLOCK; k++)
            in[k] = src[x + (k < n ? k : n - 1)];
        block_444(in, out[0], out[1], out[2], lanes);
        memcpy(y + x, out[0], (size_t)n);
        memcpy(u + x, out[1], (size_t)n);
        memcpy(v + x, out[2], (size_t)n);
    }
}

/* ---- 4:2:0 ------------------------------------------------------------ */

/* Luma alone, for the two rows of a pair. */
static void block_luma(const uint32_t *restrict src, uint8_t *restrict y)
{
    for (int k = 0; k < YUV_BLOCK; k++) {
        uint32_t p = src[k];
        y[k] = luma(red256(p), green256(p), blue256(p));
    }
}

static void row_luma(const uint32_t *src, int width, uint8_t *y)
{
    int x = 0;
    for (; x + YUV_BLOCK <= width; x += YUV_BLOCK)
        block_luma(src + x, y + x);
    if (x < width) {
        uint32_t in[YUV_BLOCK];
        uint8_t out[YUV_BLOCK];
        int n = width - x;
        for (int k = 0; k < YUV_BLOCK; k++)
            in[k] = src[x + (k < n ? k : n - 1)];
        block_luma(in, out);
        memcpy(y + x, out, (size_t)n);
    }
}

/* Two channels of a pixel in the 16-bit halves of a word: R and B, or
 * (shifted down first) A and G. Sums of up to 257 pixels cannot carry from
 * one half into the other. */
#define YUV_PAIR_MASK 0x00FF00FFu

/* YUV_BLOCK chroma samples of a row pair, each the four pixels of its 2x2
 * square summed, R and B in one word, A and G in another: the columns come
 * as even/odd pairs, which the vectoriser takes apart with two shuffles. */
static void block_chroma(const uint32_t *restrict top, const uint32_t *restrict bottom,
                         uint8_t *restrict u, uint8_t *restrict v, uint32_t *restrict lanes)
{
    for (int k = 0; k < YUV_BLOCK; k++) {
        uint32_t p0 = top[2 * k], p1 = top[2 * k + 1];
        uint32_t q0 = bottom[2 * k], q1 = bottom[2 * k + 1];
        lanes[k] &= p0 & p1 & q0 & q1;
        uint32_t rb = (p0 & YUV_PAIR_MASK) + (p1 & YUV_PAIR_MASK) + (q0 & YUV_PAIR_MASK) +
                      (q1 & YUV_PAIR_MASK);
        uint32_t ag = (p0 >> 8 & YUV_PAIR_MASK) + (p1 >> 8 & YUV_PAIR_MASK) +
                      (q0 >> 8 & YUV_PAIR_MASK) + (q1 >> 8 & YUV_PAIR_MASK);
        /* 4 pixels of at most 255: times 64 is the average times 256. */
        uint16_t r = (uint16_t)((rb >> 16) << 6), g = (uint16_t)((ag & 0xFFFF) << 6);
        uint16_t b = (uint16_t)((rb & 0xFFFF) << 6);
        u[k] = chroma_u(r, g, b);
        v[k] = chroma_v(r, g, b);
    }
}

static void rows_420(int width, const uint32_t *top, const uint32_t *bottom, uint8_t *y_top,
                     uint8_t *y_bottom, uint8_t *u, uint8_t *v, uint32_t *lanes)
{
    int x = 0;

    row_luma(top, width, y_top);
    row_luma(bottom, width, y_bottom);
    for (; x + 2 * YUV_BLOCK <= width; x += 2 * YUV_BLOCK)
        block_chroma(top + x, bottom + x, u + x / 2, v + x / 2, lanes);
    if (x < width) {
        /* The rest, padded with its last column: with an odd width the
         * last chroma sample covers that column alone (its pair is itself
         * again, which leaves the average as it is). */
        uint32_t in[2][2 * YUV_BLOCK];
        uint8_t out[2][YUV_BLOCK];
        int n = width - x;
        for (int k = 0; k < 2 * YUV_BLOCK; k++) {
            in[0][k] = top[x + (k < n ? k : n - 1)];
            in[1][k] = bottom[x + (k < n ? k : n - 1)];
        }
        block_chroma(in[0], in[1], out[0], out[1], lanes);
        memcpy(u + x / 2, out[0], (size_t)(n + 1) / 2);
        memcpy(v + x / 2, out[1], (size_t)(n + 1) / 2);
    }
}

/* ---- the converter ------------------------------------------------------ */

struct yuv_converter *yuv_new(enum yuv_layout layout, int width, int height)
{
    struct yuv_converter *cv = calloc(1, sizeof *cv);
    if (!cv)
        return NULL;
    cv->layout = layout;
    cv->width = width;
    cv->height = height;
    if (layout == YUV_420 && (height & 1)) {
        cv->spare_row = malloc((size_t)width);
        if (!cv->spare_row)
            yuv_free(&cv);
    }
    return cv;
}

void yuv_free(struct yuv_converter **cv)
{
    if (!*cv)
        return;
    free((*cv)->spare_row);
    free(*cv);
    *cv = NULL;
}

static const uint32_t *src_row(const uint32_t *src, int stride, int y)
{
    return (const uint32_t *)((const unsigned char *)src + (long)y * stride);
}

int yuv_convert(struct yuv_converter *cv, const uint32_t *src, int src_stride,
                uint8_t *const planes[3], const int linesizes[3])
{
    uint32_t lanes[YUV_BLOCK], all = 0xFFFFFFFFu;

    for (int k = 0; k < YUV_BLOCK; k++)
        lanes[k] = 0xFFFFFFFFu;

    if (cv->layout == YUV_444) {
        for (int y = 0; y < cv->height; y++)
            row_444(src_row(src, src_stride, y), cv->width,
                    planes[0] + (long)y * linesizes[0], planes[1] + (long)y * linesizes[1],
                    planes[2] + (long)y * linesizes[2], lanes);
    } else {
        for (int y = 0; y < cv->height; y += 2) {
            /* An odd height's last row pairs with itself: its chroma is
             * its own, and the second luma row goes to the spare. */
            int last = y + 1 >= cv->height;
            rows_420(cv->width, src_row(src, src_stride, y),
                     src_row(src, src_stride, last ? y : y + 1),
                     planes[0] + (long)y * linesizes[0],
                     last ? cv->spare_row : planes[0] + (long)(y + 1) * linesizes[0],
                     planes[1] + (long)(y / 2) * linesizes[1],
                     planes[2] + (long)(y / 2) * linesizes[2], lanes);
        }
    }
    for (int k = 0; k < YUV_BLOCK; k++)
        all &= lanes[k];
    return (all >> 24) == 0xFF;
}
