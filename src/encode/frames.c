/* The "frames" encoder kind: every frame the other encoders receive, as
 * lossless PNG files 00000.png, 00001.png, ... in a folder, so any other
 * tool (ffmpeg, gifsicle, an image diff) can be run on exactly the same
 * pictures. A frame identical to the one before (a held ending, several
 * frames per step) is stored as a hard link to it instead of being
 * compressed again. */
#include <cairo.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "encode.h"
#include "outfile.h"

struct frames_priv {
    char *dir;
    int next;               /* index of the next frame expected */
    uint32_t *prev;         /* the previous frame's pixels, tightly packed */
    int have_prev;
};

static int frames_open(struct encoder *e, const char *path)
{
    struct frames_priv *p = e->priv;
    const struct enc_options *opt = e->opt;
    if (opt->width <= 0 || opt->height <= 0)
        return diag_fail("frames: invalid frame size %dx%d", opt->width, opt->height);
    size_t n = strlen(path) + 1;
    p->dir = malloc(n);
    p->prev = malloc((size_t)opt->width * (size_t)opt->height * 4);
    if (!p->dir || !p->prev) {
        free(p->dir);
        free(p->prev);
        return diag_fail("frames: out of memory");
    }
    memcpy(p->dir, path, n);
    return 0;
}

static void frame_name(const struct frames_priv *p, int index, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%05d.png", p->dir, index);
}

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

static int same_as_prev(const struct frames_priv *p, const struct frame *f)
{
    if (!p->have_prev)
        return 0;
    for (int y = 0; y < f->height; y++)
        if (memcmp(p->prev + (size_t)y * (size_t)f->width,
                   (const unsigned char *)f->px + (size_t)y * (size_t)f->stride,
                   (size_t)f->width * 4) != 0)
            return 0;
    return 1;
}

static int frames_add_frame(struct encoder *e, const struct frame *f)
{
    struct frames_priv *p = e->priv;
    char name[4096];
    frame_name(p, p->next, name, sizeof(name));
    if (same_as_prev(p, f)) {
        char prev[4096];
        frame_name(p, p->next - 1, prev, sizeof(prev));
        if (link(prev, name) != 0)
            return diag_fail("frames: cannot link '%s': %s", name, strerror(errno));
    } else {
        /* cairo wants a mutable pointer; it only reads. */
        cairo_surface_t *surf = cairo_image_surface_create_for_data(
            (unsigned char *)f->px, CAIRO_FORMAT_ARGB32, f->width, f->height, f->stride);
        FILE *fp = outfile_open(name, "frames");
        if (!fp) {
            cairo_surface_destroy(surf);
            return -1;
        }
        cairo_status_t st = cairo_surface_write_to_png_stream(surf, write_cb, fp);
        cairo_surface_destroy(surf);
        if (outfile_close(fp, "frames") != 0)
            return -1;
        if (st != CAIRO_STATUS_SUCCESS)
            return diag_fail("frames: cannot write '%s': %s", name, cairo_status_to_string(st));
        for (int y = 0; y < f->height; y++)
            memcpy(p->prev + (size_t)y * (size_t)f->width,
                   (const unsigned char *)f->px + (size_t)y * (size_t)f->stride,
                   (size_t)f->width * 4);
        p->have_prev = 1;
        e->images_written++;
    }
    p->next++;
    return 0;
}

static void frames_release(struct frames_priv *p)
{
    free(p->dir);
    free(p->prev);
    p->dir = NULL;
    p->prev = NULL;
}

static int frames_close(struct encoder *e)
{
    struct frames_priv *p = e->priv;
    int n = p->next;
    frames_release(p);
    if (n != e->opt->nframes)
        return diag_fail("frames: %d of %d frames arrived", n, e->opt->nframes);
    return 0;
}

static void frames_discard(struct encoder *e)
{
    frames_release(e->priv);
}

const struct encoder_kind encoder_frames = {
    .head = {.name = "frames",
             .summary = "every frame as a lossless PNG file in OUT/<id>/frames/ (00000.png, ...)"},
    .ext = "frames",
    .folder = 1,
    .priv_size = sizeof(struct frames_priv),
    .open = frames_open,
    .add_frame = frames_add_frame,
    .close = frames_close,
    .discard = frames_discard,
};
