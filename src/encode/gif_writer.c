/* gif_writer: the GIF89a bitstream (see gif_writer.h). Every block is laid
 * out here byte by byte, little-endian as the format wants, and handed to
 * the write callback; nothing is buffered, so the callback sees the blocks
 * in file order and a failure stops the writing at the first block that
 * could not be written. Kept apart from the encoder so that the container
 * can be checked on its own, written to memory and read back by giflib,
 * without frames, palettes or files. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "encode/gif_writer.h"

void gif_writer_init(struct gif_writer *w,
                     int (*write)(void *ctx, const void *buf, size_t len), void *ctx)
{
    *w = (struct gif_writer){.write = write, .ctx = ctx};
}

int gif_writer_status(const struct gif_writer *w)
{
    return w->status;
}

int gif_writer_stdio(void *ctx, const void *buf, size_t len)
{
    FILE *fp = ctx;
    /* The count alone is not the whole story: glibc reports a failed
     * flush of data that all fit in the buffer as a full write, and
     * ferror stays set once any write failed. */
    return fwrite(buf, 1, len, fp) == len && !ferror(fp) ? 0 : -1;
}

int gif_table_bits(int entries)
{
    int bits = 1;
    while ((1 << bits) < entries)
        bits++;
    return bits;
}

static void put(struct gif_writer *w, const void *buf, size_t len)
{
    if (w->status < 0 || len == 0)
        return;
    errno = 0;      /* so that errnum is the failed write's, or 0 */
    if (w->write(w->ctx, buf, len) != 0) {
        w->status = -1;
        w->errnum = errno;
    }
}

static void put_table(struct gif_writer *w, const struct gif_palette *pal, int bits)
{
    assert(bits >= 1 && bits <= 8 && pal->nslots <= 1 << bits);
    uint8_t buf[3 * 256];
    memset(buf, 0, sizeof buf);
    memcpy(buf, pal->rgb, 3 * (size_t)pal->nslots);
    put(w, buf, 3u << bits);
}

int gif_writer_header(struct gif_writer *w, int width, int height,
                      const struct gif_palette *gct)
{
    assert(width >= 1 && width <= 65535 && height >= 1 && height <= 65535);
    assert(gct->nslots >= 1 && gct->nslots <= 256);
    w->width = width;
    w->height = height;
    int bits = gif_table_bits(gct->nslots);
    /* Global table present, 8 bits of colour resolution, not sorted. */
    uint8_t head[13] = {'G', 'I', 'F', '8', '9', 'a',
                        (uint8_t)width, (uint8_t)(width >> 8),
                        (uint8_t)height, (uint8_t)(height >> 8),
                        (uint8_t)(0x80 | 0x70 | (bits - 1)), 0, 0};
    put(w, head, sizeof head);
    put_table(w, gct, bits);
    /* NETSCAPE2.0 application extension, sub-block 1: loop count 0 =
     * forever. */
    static const uint8_t loop[19] = {0x21, 0xff, 11, 'N', 'E', 'T', 'S', 'C',
                                     'A', 'P', 'E', '2', '.', '0', 3, 1, 0, 0, 0};
    put(w, loop, sizeof loop);
    return w->status;
}

int gif_writer_image(struct gif_writer *w, const struct gif_image *im, int delay_cs)
{
    assert(delay_cs >= 0 && delay_cs <= 65535);
    assert(im->x >= 0 && im->y >= 0 && im->w >= 1 && im->h >= 1);
    assert(im->x + im->w <= w->width && im->y + im->h <= w->height);
    assert(im->min_bits >= 2 && im->min_bits <= 8);
    assert(im->lct_bits >= 0 && im->lct_bits <= 8 && (!im->lct_bits || im->lct));
    /* Graphic control extension: disposal 1 (leave the image in place),
     * and the transparent index if there is one. */
    uint8_t gce[8] = {0x21, 0xf9, 4, (uint8_t)(1 << 2 | (im->transparent >= 0)),
                      (uint8_t)delay_cs, (uint8_t)(delay_cs >> 8),
                      (uint8_t)(im->transparent >= 0 ? im->transparent : 0), 0};
    put(w, gce, sizeof gce);
    uint8_t desc[10] = {0x2c, (uint8_t)im->x, (uint8_t)(im->x >> 8),
                        (uint8_t)im->y, (uint8_t)(im->y >> 8),
                        (uint8_t)im->w, (uint8_t)(im->w >> 8),
                        (uint8_t)im->h, (uint8_t)(im->h >> 8),
                        (uint8_t)(im->lct_bits ? 0x80 | (im->lct_bits - 1) : 0)};
    put(w, desc, sizeof desc);
    if (im->lct_bits)
        put_table(w, im->lct, im->lct_bits);
    uint8_t min_bits = (uint8_t)im->min_bits;
    put(w, &min_bits, 1);
    for (size_t off = 0; off < im->len; off += 255) {
        uint8_t n = (uint8_t)(im->len - off < 255 ? im->len - off : 255);
        put(w, &n, 1);
        put(w, im->data + off, n);
    }
    static const uint8_t end = 0;   /* the empty sub-block ends the data */
    put(w, &end, 1);
    return w->status;
}

int gif_writer_trailer(struct gif_writer *w)
{
    static const uint8_t trailer = 0x3b;
    put(w, &trailer, 1);
    return w->status;
}
