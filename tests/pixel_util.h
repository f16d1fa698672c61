/* Reading what a panel drew: pixels of an ARGB32 surface, colour classes
 * and the box a class of pixels covers. For tests that look for marks by
 * colour rather than compare whole images. */
#ifndef PIXEL_UTIL_H
#define PIXEL_UTIL_H

#include <cairo.h>
#include <stdint.h>
#include <stdlib.h>

static inline uint32_t surface_pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    return ((const uint32_t *)(d + (size_t)y * (size_t)cairo_image_surface_get_stride(s)))[x];
}

static inline int ch_r(uint32_t p) { return (p >> 16) & 255; }
static inline int ch_g(uint32_t p) { return (p >> 8) & 255; }
static inline int ch_b(uint32_t p) { return p & 255; }

static inline int close_to(uint32_t a, uint32_t b, int tol)
{
    return abs(ch_r(a) - ch_r(b)) <= tol && abs(ch_g(a) - ch_g(b)) <= tol
        && abs(ch_b(a) - ch_b(b)) <= tol;
}

/* The light theme's series colours, and blends of them with white down to
 * about half coverage: #d62728 red, #1f77b4 blue, #2ca02c green. */
static inline int is_red(uint32_t p) { return ch_r(p) > ch_g(p) + 70 && ch_r(p) > ch_b(p) + 70; }
static inline int is_blue(uint32_t p) { return ch_b(p) > ch_r(p) + 60 && ch_b(p) > ch_g(p) + 20; }
static inline int is_green(uint32_t p) { return ch_g(p) > ch_r(p) + 60 && ch_g(p) > ch_b(p) + 60; }

struct box {
    int x0, y0, x1, y1;     /* inclusive; x1 < x0 when empty */
    long n;                 /* pixels counted */
    double cx, cy;          /* their centroid */
};

/* Pixels of a class inside [x0, x1) x [y0, y1) of s. */
static inline struct box box_find(cairo_surface_t *s, int (*is)(uint32_t), int x0, int y0, int x1,
                                  int y1)
{
    struct box b = {x1, y1, x0 - 1, y0 - 1, 0, 0, 0};
    double sx = 0, sy = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            if (is(surface_pixel(s, x, y))) {
                if (x < b.x0) b.x0 = x;
                if (x > b.x1) b.x1 = x;
                if (y < b.y0) b.y0 = y;
                if (y > b.y1) b.y1 = y;
                sx += x;
                sy += y;
                b.n++;
            }
    if (b.n) {
        b.cx = sx / b.n;
        b.cy = sy / b.n;
    }
    return b;
}

#endif
