/* The "png" encoder kind: writes the poster, one still picture of the
 * animation, as a PNG file. It stores exactly one frame, the one whose index
 * is opt->poster_frame (the last frame when that is out of range, so that a
 * lesson's poster shows its final state by default). Frames are only
 * borrowed during add_frame, so the chosen one is compressed on the spot
 * with cairo's PNG writer instead of being copied for later. */
#include <cairo.h>
#include <errno.h>
#include <string.h>

#include "diag.h"
#include "encode.h"
#include "outfile.h"

struct png_priv {
    FILE *fp;
    int target;         /* frame index to store */
    int written;        /* the target frame has been stored */
};

static int png_open(struct encoder *e, const char *path)
{
    struct png_priv *p = e->priv;
    const struct enc_options *opt = e->opt;

    if (opt->width <= 0 || opt->height <= 0 || opt->nframes <= 0)
        return diag_fail("png: invalid frame size %dx%d or frame count %d",
                         opt->width, opt->height, opt->nframes);
    p->target = opt->poster_frame;
    if (p->target < 0 || p->target >= opt->nframes)
        p->target = opt->nframes - 1;
    p->written = 0;
    p->fp = outfile_open(path, "png");
    return p->fp ? 0 : -1;
}

static cairo_status_t png_write_cb(void *closure, const unsigned char *data,
                                   unsigned int length)
{
    FILE *fp = closure;
    return fwrite(data, 1, length, fp) == length ? CAIRO_STATUS_SUCCESS
                                                 : CAIRO_STATUS_WRITE_ERROR;
}


static int png_add_frame(struct encoder *e, const struct frame *f)
{
    struct png_priv *p = e->priv;

    if (f->index != p->target)
        return 0;
    if (p->written)
        return diag_fail("png: frame %d arrived twice", f->index);
    if (f->width != e->opt->width || f->height != e->opt->height)
        return diag_fail("png: frame %d is %dx%d, expected %dx%d", f->index,
                         f->width, f->height, e->opt->width, e->opt->height);

    cairo_format_t fmt = frame_is_opaque(f) ? CAIRO_FORMAT_RGB24
                                            : CAIRO_FORMAT_ARGB32;
    /* cairo wants a mutable pointer but only reads the pixels when writing a
     * PNG, so borrowing the renderer's const buffer is safe. */
    cairo_surface_t *s = cairo_image_surface_create_for_data(
        (unsigned char *)(uintptr_t)f->px, fmt, f->width, f->height, f->stride);
    cairo_status_t st = cairo_surface_status(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(s, png_write_cb, p->fp);
    cairo_surface_destroy(s);
    if (st == CAIRO_STATUS_WRITE_ERROR)
        return diag_fail("png: writing the poster failed: %s", strerror(errno));
    if (st != CAIRO_STATUS_SUCCESS)
        return diag_fail("png: encoding the poster failed: %s",
                         cairo_status_to_string(st));
    p->written = 1;
    e->images_written = 1;
    return 0;
}

static int png_close(struct encoder *e)
{
    struct png_priv *p = e->priv;
    FILE *fp = p->fp;

    p->fp = NULL;
    if (!p->written) {
        outfile_abandon(fp);
        return diag_fail("png: poster frame %d never arrived", p->target);
    }
    return outfile_close(fp, "png");
}

static void png_discard(struct encoder *e)
{
    struct png_priv *p = e->priv;
    outfile_abandon(p->fp);
    p->fp = NULL;
}

const struct encoder_kind encoder_png = {
    .head = {.name = "png",
             .summary = "poster: one frame (the last unless outputs.poster names one) as a PNG image"},
    .ext = "png",
    .still = 1,
    .priv_size = sizeof(struct png_priv),
    .open = png_open,
    .analyze = NULL,
    .add_frame = png_add_frame,
    .close = png_close,
    .discard = png_discard,
};
