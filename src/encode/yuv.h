/* yuv: cairo ARGB32 pictures to limited-range BT.709 YUV, the conversion
 * the video encoders need for every picture, in plain fixed-point C that the
 * compiler vectorises (swscale's generic C path, the one its bit-exact flag
 * keeps us on, cost as much as a third of x264's time).
 *
 * What it computes, for opaque pixels (alpha 255; colour then is straight):
 *     Y = 16 + 219 (0.2126 R + 0.7152 G + 0.0722 B) / 255
 *     U = 128 + 224 (B - Y') / (1.8556 * 255),  V = 128 + 224 (R - Y') / (1.5748 * 255)
 * (Y' the unscaled luma), rounded in 16-bit fixed point: every value is
 * within 0.51 of that formula, and the nearest code unless it lies within
 * 0.0065 of a half (0.16 % of all colours' values). Flat colours get the
 * same codes in either layout.
 *
 * YUV_420 chroma is sited at the centre of each 2x2 square of pixels and is
 * their average (edges repeated: ceil(w/2) x ceil(h/2) samples, so odd sizes
 * are fine). H.264's default would be "left" (horizontally on the even
 * column); centred is what libav.c tags instead, because it is what
 * players tend to do anyway: FFmpeg's scaler assumes it unless told
 * otherwise, and a browser upsampling the chroma plane as a texture puts
 * each sample at the centre of its square. Against [1 2 1] left siting it
 * scored 0.5 to 2.3 dB higher PSNR as FFmpeg shows the video
 * (bench/README.md, "yuv.sh"), and swscale, used before, centred its chroma
 * too.
 *
 * The same pixels give the same bytes on any machine: integer arithmetic
 * only, nothing depends on alignment or on which instructions ran. */
#ifndef ENCODE_YUV_H
#define ENCODE_YUV_H

#include <stdint.h>

enum yuv_layout {
    YUV_420,            /* yuv420p: chroma at half width and half height */
    YUV_444,            /* yuv444p: chroma at full resolution */
};

struct yuv_converter;

/* A converter for pictures of this size; NULL when out of memory (not
 * reported: the caller knows what for). width, height >= 1. */
struct yuv_converter *yuv_new(enum yuv_layout layout, int width, int height);
/* Frees it and NULLs the pointer; NULL is a no-op. */
void yuv_free(struct yuv_converter **cv);

/* Converts one picture: src is width x height ARGB32 pixels, src_stride
 * bytes between rows (a multiple of 4, any padding ignored); planes[0..2]
 * are Y, U, V with their linesizes. Returns 1 when every pixel had alpha
 * 255, which is when the planes are the conversion above, and 0 otherwise
 * (the planes are then written but meaningless: composite the picture over
 * an opaque background and convert that). The check costs next to nothing,
 * so a caller need not scan the picture first. */
int yuv_convert(struct yuv_converter *cv, const uint32_t *src, int src_stride,
                uint8_t *const planes[3], const int linesizes[3]);

#endif
