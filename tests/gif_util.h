/* gif_util: reading GIFs back with giflib, for the tests that check our
 * GIF writer against an independent decoder. Functions are static inline
 * so a test that does not use one is not warned about it. */
#ifndef GIF_UTIL_H
#define GIF_UTIL_H

#include <stdio.h>

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

static inline void free_gif(GifFileType *gif)
{
    int err;
    if (gif)
        DGifCloseFile(gif, &err);
}

#endif
