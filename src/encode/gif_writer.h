/* gif_writer: the GIF89a bitstream of the gif encoder kind: the header
 * with its global colour table and the endless-loop extension, then per
 * image a graphic control extension, an image descriptor, an optional
 * local colour table and the LZW data in 255-byte sub-blocks, and the
 * trailer. It knows nothing of frames, palettes being built or timing: it
 * writes what it is given, in the order it is given.
 *
 * Every byte goes through a write callback, as in stb_image_write, so the
 * encoder writes to a file (gif_writer_stdio, a thin wrapper over stdio)
 * and the tests write the same bytes to memory. The callback returns 0, or
 * non-zero when the write failed; the failure is sticky (as cairo's
 * status): the writer calls it no more and every later call returns -1.
 * The writer reports nothing and allocates nothing: the caller checks
 * gif_writer_status where it can say what failed, and nothing needs to be
 * released, whether the writing succeeded or not.
 *
 * Life cycle:
 *     gif_writer_init -> gif_writer_header -> gif_writer_image x n
 *                     -> gif_writer_trailer
 * The images are borrowed for the call only. */
#ifndef ENCODE_GIF_WRITER_H
#define ENCODE_GIF_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "encode/gif_palette.h"

/* One encoded image: where it goes, its colour table (when local) and its
 * compressed data. */
struct gif_image {
    int x, y, w, h;             /* inside the logical screen */
    int min_bits;               /* LZW minimum code size, 2..8 */
    int lct_bits;               /* local table of 1 << lct_bits entries, 1..8;
                                   0: the image uses the global table */
    const struct gif_palette *lct;  /* the local table, when lct_bits */
    int transparent;            /* index in the table it uses, -1 for none */
    uint8_t *data;              /* LZW code stream (gif_lzw.h), without the
                                   minimum-code-size byte and block framing */
    size_t len;                 /* bytes of data */
    size_t cap;                 /* allocated size of data, for its owner (the
                                   writer only reads data) */
};

struct gif_writer {
    int (*write)(void *ctx, const void *buf, size_t len);
    void *ctx;                  /* passed to write, borrowed */
    int status;                 /* 0, or -1 since a write failed */
    int errnum;                 /* errno as the failed write left it, 0 if
                                   it did not set one */
    int width, height;          /* the logical screen, from the header */
};

/* Sets up w to write through write(ctx, buf, len). */
void gif_writer_init(struct gif_writer *w,
                     int (*write)(void *ctx, const void *buf, size_t len), void *ctx);

/* "GIF89a", the logical screen width x height (1..65535) with the global
 * colour table gct (its nslots entries, padded with black to a power of
 * two), and the NETSCAPE2.0 extension that loops forever (browsers play a
 * GIF once without it). Returns the status, 0 or -1. */
int gif_writer_header(struct gif_writer *w, int width, int height,
                      const struct gif_palette *gct);

/* One image shown for delay_cs (0..65535) centiseconds, then left in place
 * (disposal 1) for the next to draw over. Returns the status, 0 or -1. */
int gif_writer_image(struct gif_writer *w, const struct gif_image *im, int delay_cs);

/* The trailer byte that ends the file. Returns the status, 0 or -1. */
int gif_writer_trailer(struct gif_writer *w);

/* 0 while every write succeeded, else -1 (and w->errnum says why). */
int gif_writer_status(const struct gif_writer *w);

/* The write callback for a FILE * ctx: fails when stdio reports an error,
 * including one that an earlier buffered write left behind. */
int gif_writer_stdio(void *ctx, const void *buf, size_t len);

/* The size field of a colour table of entries colours (1..256): the table
 * holds 1 << bits entries, bits >= 1. */
int gif_table_bits(int entries);

#endif
