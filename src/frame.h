/* frame: one drawn picture as handed from the renderer to the encoders.
 *
 * Pixels are cairo's CAIRO_FORMAT_ARGB32: one uint32_t per pixel, native
 * endian, alpha in the top byte, colour premultiplied by alpha. Scenes with
 * an opaque background give alpha 255 everywhere. The encoder borrows the
 * buffer only for the duration of the call. */
#ifndef FRAME_H
#define FRAME_H

#include <stdint.h>

struct frame {
    const uint32_t *px;
    int width, height;
    int stride;         /* bytes between rows (a multiple of 4) */
    int index;          /* 0-based position in the animation */
    int repeat;         /* 1: the same picture as the previous call's (a held
                           frame), so an encoder may reuse what it made of it */
};

static inline uint32_t frame_pixel(const struct frame *f, int x, int y)
{
    return ((const uint32_t *)((const unsigned char *)f->px + (long)y * f->stride))[x];
}

/* 1 when every pixel has alpha 255 (the usual case: no compositing). */
int frame_is_opaque(const struct frame *f);
/* A premultiplied pixel composited over an opaque background colour. */
uint32_t pixel_over(uint32_t px, uint32_t bg);
/* Premultiplied to straight alpha; fully transparent pixels become clear. */
uint32_t pixel_unpremultiply(uint32_t px, uint32_t clear);

#endif
