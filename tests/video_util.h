/* video_util: test helpers the MP4 and WebM encoder tests share: synthetic
 * frames drawn with cairo, encoding held frames as the renderer hands them
 * over, reading files back, counting open descriptors.
 * Functions are static inline so a test that does not use one is not
 * warned about it. */
#ifndef VIDEO_UTIL_H
#define VIDEO_UTIL_H

#include <cairo.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "encode.h"
#include "frame.h"

typedef void (*draw_fn)(cairo_t *cr, int width, int height, int index);

/* Plot-like: white, a thin grid, a moving coloured disc, a label. */
static inline void draw_scene(cairo_t *cr, int width, int height, int index)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_width(cr, 1);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    for (int x = 0; x < width; x += 20) {
        cairo_move_to(cr, x + 0.5, 0);
        cairo_line_to(cr, x + 0.5, height);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.9, 0.3, 0.1);
    cairo_arc(cr, 10 + index * 3 % (width - 20), height / 2.0, height / 8.0, 0, 6.2832);
    cairo_fill(cr);
    char label[32];
    snprintf(label, sizeof label, "step %d", index);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 12);
    cairo_move_to(cr, 4, 14);
    cairo_show_text(cr, label);
}

/* Quadrants of pure red, green, blue and mid grey. */
static inline void draw_patches(cairo_t *cr, int width, int height, int index)
{
    static const double colours[4][3] = {
        {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {128 / 255.0, 128 / 255.0, 128 / 255.0},
    };
    for (int q = 0; q < 4; q++) {
        cairo_set_source_rgb(cr, colours[q][0], colours[q][1], colours[q][2]);
        cairo_rectangle(cr, (q % 2) * width / 2, (q / 2) * height / 2, width / 2, height / 2);
        cairo_fill(cr);
    }
}

/* Left half fully transparent, right half opaque blue. */
static inline void draw_half_transparent(cairo_t *cr, int width, int height, int index)
{
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    cairo_set_source_rgb(cr, 0, 0, 1);
    cairo_rectangle(cr, width / 2, 0, width - width / 2, height);
    cairo_fill(cr);
}

static inline struct frame surface_frame(cairo_surface_t *s, int index)
{
    cairo_surface_flush(s);
    return (struct frame){
        .px = (const uint32_t *)cairo_image_surface_get_data(s),
        .width = cairo_image_surface_get_width(s),
        .height = cairo_image_surface_get_height(s),
        .stride = cairo_image_surface_get_stride(s),
        .index = index,
    };
}

static inline void draw_into(cairo_surface_t *s, draw_fn draw, int index)
{
    cairo_t *cr = cairo_create(s);
    draw(cr, cairo_image_surface_get_width(s), cairo_image_surface_get_height(s), index);
    cairo_destroy(cr);
}

/* Encodes opt->nframes frames with `kind` where each drawn picture is held
 * for `hold` frames, the way the renderer hands over a held picture. With
 * flag_repeats the held frames carry frame.repeat and the surface is painted
 * over before each (the encoder must not look at it: it has the picture
 * already); without, every frame is the real picture and no flag is set.
 * Returns close()'s result, or -1 (after discard) if a call failed. */
static inline int encode_held(const struct encoder_kind *kind, const char *path,
                              const struct enc_options *opt, draw_fn draw, int hold,
                              int flag_repeats)
{
    struct encoder e = {.kind = kind, .opt = opt};
    e.priv = calloc(1, kind->priv_size);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                    opt->width, opt->height);
    int rc = e.priv ? kind->open(&e, path) : -1;
    for (int i = 0; rc == 0 && i < opt->nframes; i++) {
        int held = i % hold != 0;
        if (!held || !flag_repeats) {
            draw_into(s, draw, i / hold);
        } else {
            cairo_t *cr = cairo_create(s);
            cairo_set_source_rgb(cr, 1, 0, 1);
            cairo_paint(cr);
            cairo_destroy(cr);
        }
        struct frame f = surface_frame(s, i);
        f.repeat = held && flag_repeats;
        if (kind->add_frame(&e, &f) < 0) {
            kind->discard(&e);
            rc = -1;
        }
    }
    if (rc == 0)
        rc = kind->close(&e);
    cairo_surface_destroy(s);
    free(e.priv);
    return rc;
}

static inline unsigned char *read_whole(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    *size = -1;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (*size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc(*size ? *size : 1);
        if (buf && fread(buf, 1, *size, f) != (size_t)*size) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

/* Whether two files exist, are not empty and hold the same bytes. */
static inline int same_bytes(const char *a, const char *b)
{
    long size_a, size_b;
    unsigned char *bytes_a = read_whole(a, &size_a), *bytes_b = read_whole(b, &size_b);
    int same = bytes_a && bytes_b && size_a > 0 && size_a == size_b &&
               memcmp(bytes_a, bytes_b, size_a) == 0;
    free(bytes_a);
    free(bytes_b);
    return same;
}

static inline long file_size(const char *path)
{
    long size;
    free(read_whole(path, &size));
    return size;
}

static inline int open_fd_count(void)
{
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;
    if (!dir)
        return -1;
    while (readdir(dir))
        n++;
    closedir(dir);
    return n;
}

static inline int count_occurrences(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

#endif
