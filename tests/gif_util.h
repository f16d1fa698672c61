/* gif_util: reading GIFs back with giflib, for the tests that check our
 * GIF writer against an independent decoder: from a file, or from memory
 * through giflib's read callback. Functions are static inline so a test
 * that does not use one is not warned about it. */
#ifndef GIF_UTIL_H
#define GIF_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <gif_lib.h>

/* The whole file decoded into memory, or NULL (reported on stderr). */
static inline GifFileType *load_gif(const char *path)
{
    int err = 0;
    GifFileType *gif = DGifOpenFileName(path, &err);
    if (!gif) {
        fprintf(stderr, "  DGifOpenFileName %s: %s\n", path, GifErrorString(err));
        return NULL;
    }
    if (DGifSlurp(gif) != GIF_OK) {
        fprintf(stderr, "  DGifSlurp %s: %s\n", path, GifErrorString(gif->Error));
        DGifCloseFile(gif, &err);
        return NULL;
    }
    return gif;
}

/* A GIF in memory, read by giflib through gif_mem_read; pos is how far
 * it has read. */
struct gif_mem {
    const unsigned char *data;
    size_t len, pos;
};

static inline int gif_mem_read(GifFileType *gif, GifByteType *buf, int n)
{
    struct gif_mem *m = gif->UserData;
    size_t left = m->len - m->pos;
    size_t k = n < 0 ? 0 : (size_t)n < left ? (size_t)n : left;
    if (k)
        memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (int)k;
}

/* The GIF in m decoded with DGifOpen(m, gif_mem_read), or NULL (reported
 * on stderr). m must outlive the result. */
static inline GifFileType *load_gif_memory(struct gif_mem *m)
{
    int err = 0;
    m->pos = 0;
    GifFileType *gif = DGifOpen(m, gif_mem_read, &err);
    if (!gif) {
        fprintf(stderr, "  DGifOpen: %s\n", GifErrorString(err));
        return NULL;
    }
    if (DGifSlurp(gif) != GIF_OK) {
        fprintf(stderr, "  DGifSlurp: %s\n", GifErrorString(gif->Error));
        DGifCloseFile(gif, &err);
        return NULL;
    }
    return gif;
}

static inline void free_gif(GifFileType *gif)
{
    int err;
    if (gif)
        DGifCloseFile(gif, &err);
}

#endif
