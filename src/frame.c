/* frame: pixel helpers the encoders share (see frame.h). */
#include "frame.h"

int frame_is_opaque(const struct frame *f)
{
    for (int y = 0; y < f->height; y++) {
        const uint32_t *row = (const uint32_t *)((const unsigned char *)f->px + (long)y * f->stride);
        uint32_t all = 0xFFFFFFFFu;
        for (int x = 0; x < f->width; x++)
            all &= row[x];
        if ((all >> 24) != 0xFF)
            return 0;
    }
    return 1;
}

/* cairo premultiplies colour by alpha, so compositing over an opaque
 * background is src + bg * (1 - alpha) per channel. */
uint32_t pixel_over(uint32_t px, uint32_t bg)
{
    uint32_t a = px >> 24;
    if (a == 255)
        return px;
    uint32_t out = 0xFF000000u;
    for (int shift = 0; shift < 24; shift += 8) {
        uint32_t s = (px >> shift) & 0xFF;
        uint32_t b = (bg >> shift) & 0xFF;
        uint32_t v = s + (b * (255 - a) + 127) / 255;
        out |= (v > 255 ? 255 : v) << shift;
    }
    return out;
}

/* Each channel times 255 / alpha, rounded. Fully transparent pixels have no
 * colour of their own and take `clear`. */
uint32_t pixel_unpremultiply(uint32_t px, uint32_t clear)
{
    uint32_t a = px >> 24;
    if (a == 255)
        return px;
    if (a == 0)
        return clear;
    uint32_t out = a << 24;
    for (int shift = 0; shift < 24; shift += 8) {
        uint32_t v = (((px >> shift) & 0xFF) * 255 + a / 2) / a;
        out |= (v > 255 ? 255 : v) << shift;
    }
    return out;
}
