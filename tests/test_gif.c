/* Tests for the gif encoder kind: synthetic frames drawn with cairo are
 * encoded, then decoded with giflib's DGifSlurp and replayed onto a canvas
 * the way a browser does, to check the container (GIF89a, endless loop),
 * the timing (merged identical frames, delays that add up, 2 cs minimum),
 * the frame differencing (partial rectangles, transparent unchanged pixels)
 * and the colours (exact with few colours, close with anti-aliasing, a
 * bounded palette with many). Also: reproducible bytes and the failure
 * paths. The encoder's own LZW compressor is checked on its own (decoded
 * by giflib: exact indices, tables that fill up, small code sizes, either-
 * pixels), and so are the dither modes. Run under valgrind --leak-check=full
 * for the release paths. Speed and size against other tools are measured by
 * bench/encoders.sh, not here. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <gif_lib.h>

#include "check.h"
#include "diag.h"
#include "encode.h"
#include "encode/gif_lzw.h"
#include "frame.h"
#include "gif_util.h"

#define TAU 6.283185307179586

static char tmp_dir[] = "/tmp/mlanim-gif-XXXXXX";

static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmp_dir, name);
}

/* ---- drawing ---------------------------------------------------------- */

typedef void (*draw_fn)(cairo_t *cr, int width, int height, int index);

/* Frames 0-2 are one picture, 4-5 another, 7-11 a held ending: 12 frames
 * but only 6 distinct consecutive pictures. */
static const int hold_steps[12] = {0, 0, 0, 1, 2, 2, 3, 4, 5, 5, 5, 5};
enum { HOLD_FRAMES = 12, HOLD_PICTURES = 6 };

/* Four flat colours, no anti-aliasing: a static blue line and a red square
 * that moves by less than its size, so consecutive squares overlap. */
static void draw_flat(cairo_t *cr, int width, int height, int index)
{
    int step = hold_steps[index];
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.1, 0.2, 0.8);
    cairo_rectangle(cr, 0, height - 12, width, 3);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.9, 0.1, 0.1);
    cairo_rectangle(cr, 10 + 6 * step, 20, 20, 20);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.1, 0.6, 0.2);
    cairo_rectangle(cr, 100, 10 + 4 * step, 8, 8);
    cairo_fill(cr);
}

/* Anti-aliased: a moving red disc and a blue line whose end follows it. */
static void draw_smooth(cairo_t *cr, int width, int height, int index)
{
    int step = hold_steps[index % HOLD_FRAMES] + 6 * (index / HOLD_FRAMES);
    double cx = 20 + 7.3 * step, cy = height / 2.0;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.2, 0.3, 0.9);
    cairo_set_line_width(cr, 2.5);
    cairo_move_to(cr, 5, height - 5);
    cairo_line_to(cr, cx, cy);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.9, 0.15, 0.1);
    cairo_arc(cr, cx, cy, 12.4, 0, TAU);
    cairo_fill(cr);
}

/* Far more than 256 colours: a two-axis gradient under a moving disc. */
static void draw_gradient(cairo_t *cr, int width, int height, int index)
{
    for (int y = 0; y < height; y += 2)
        for (int x = 0; x < width; x += 2) {
            cairo_set_source_rgb(cr, x / (double)width, y / (double)height,
                                 0.5 + 0.5 * sin(x * 0.05));
            cairo_rectangle(cr, x, y, 2, 2);
            cairo_fill(cr);
        }
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_arc(cr, 20 + 9 * index, height / 2.0, 10, 0, TAU);
    cairo_fill(cr);
}

/* Every frame different: a square moving one pixel per frame. */
static void draw_every_frame(cairo_t *cr, int width, int height, int index)
{
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, index % (width - 4), 2, 4, 4);
    cairo_fill(cr);
}


/* Plot-like without text (font caches would show up in valgrind as
 * cairo's): a grid, a curve growing step by step, a marker on its tip and
 * a line that turns with the step, all anti-aliased. */
static void draw_curve(cairo_t *cr, int width, int height, int index)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_width(cr, 1);
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    for (int x = 20; x < width; x += 40) {
        cairo_move_to(cr, x + 0.5, 0);
        cairo_line_to(cr, x + 0.5, height);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.84, 0.15, 0.16);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, 10, height * (0.8 - 0.01 * index));
    cairo_line_to(cr, width / 2.0, height * (0.2 + 0.012 * index));
    cairo_stroke(cr);
    double px = 0, py = 0;
    cairo_set_source_rgb(cr, 0.17, 0.63, 0.17);
    for (int i = 0; i <= index; i++) {
        px = width / 2.0 + 8 * i;
        py = height * (0.15 + 0.7 * (1 - exp(-i / 6.0)));
        if (i == 0)
            cairo_move_to(cr, px, py);
        else
            cairo_line_to(cr, px, py);
    }
    cairo_stroke(cr);
    cairo_arc(cr, px, py, 4.5, 0, TAU);
    cairo_fill(cr);
}

/* Like the k-means lesson: a still strip of many colours at the top (so
 * the palette must approximate), and below it 320 anti-aliased dots on
 * four tinted regions whose borders move with the step, each dot taking
 * its region's colour: every step recolours dots and slivers of region,
 * which stay for a few frames. Four frames per step. */
static void draw_clusters(cairo_t *cr, int width, int height, int index)
{
    static const double tint[4][3] = {
        {1.0, 0.92, 0.85}, {0.87, 0.92, 0.97}, {0.98, 0.87, 0.87}, {0.88, 0.95, 0.88}};
    static const double ink[4][3] = {
        {1.0, 0.5, 0.05}, {0.12, 0.47, 0.71}, {0.84, 0.15, 0.16}, {0.17, 0.63, 0.17}};
    int step = index / 4;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    for (int x = 0; x < width; x += 2) {
        cairo_set_source_rgb(cr, 0.5 + 0.5 * sin(x * 0.07), x / (double)width,
                             0.5 + 0.5 * cos(x * 0.043));
        cairo_rectangle(cr, x, 0, 2, 16);
        cairo_fill(cr);
    }
    double border[3];
    for (int k = 0; k < 3; k++)
        border[k] = width * (k + 1) / 4.0 + (k - 1) * 9.7 * step;
    for (int k = 0; k < 4; k++) {
        double x0 = k ? border[k - 1] : 0, x1 = k < 3 ? border[k] : width;
        int kc = (k + step) % 4;
        cairo_set_source_rgb(cr, tint[kc][0], tint[kc][1], tint[kc][2]);
        cairo_move_to(cr, x0, 16);
        cairo_line_to(cr, x1, 16);
        cairo_line_to(cr, x1 + 25, height);
        cairo_line_to(cr, x0 + (k ? 25 : 0), height);
        cairo_fill(cr);
    }
    uint32_t r = 12345;
    for (int i = 0; i < 320; i++) {
        r = r * 1103515245u + 12345u;
        double x = (r >> 8) % (width * 16) / 16.0;
        r = r * 1103515245u + 12345u;
        double y = 22 + (r >> 8) % ((height - 28) * 16) / 16.0;
        double shear = 25 * (y - 16) / (height - 16);
        int k = 0;
        while (k < 3 && x > border[k] + shear)
            k++;
        k = (k + step) % 4;
        cairo_set_source_rgb(cr, ink[k][0], ink[k][1], ink[k][2]);
        cairo_arc(cr, x, y, 4.3, 0, TAU);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, ink[k][0] * 0.6, ink[k][1] * 0.6, ink[k][2] * 0.6);
        cairo_set_line_width(cr, 0.8);
        cairo_stroke(cr);
    }
}

/* ---- encoding ----------------------------------------------------------- */

struct clip {
    draw_fn draw;
    int width, height, nframes;
    int fps_num, fps_den;
    int max_colors;
    int analyze;        /* pass every frame to analyze() first */
    int dither;         /* gif_opts.dither */
    int delays;         /* gif_opts.delays */
};

static cairo_surface_t *render(const struct clip *c, int index)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                    c->width, c->height);
    cairo_t *cr = cairo_create(s);
    c->draw(cr, c->width, c->height, index);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static struct frame frame_of(cairo_surface_t *s, int index)
{
    return (struct frame){
        .px = (const uint32_t *)cairo_image_surface_get_data(s),
        .width = cairo_image_surface_get_width(s),
        .height = cairo_image_surface_get_height(s),
        .stride = cairo_image_surface_get_stride(s),
        .index = index,
    };
}

/* The options for c; go holds the GIF kind's own options they point to. */
static struct enc_options options_of(const struct clip *c, struct gif_opts *go)
{
    *go = (struct gif_opts){.max_colors = c->max_colors ? c->max_colors : 256, .dither = c->dither,
                            .delays = c->delays};
    return (struct enc_options){
        .width = c->width, .height = c->height,
        .fps_num = c->fps_num ? c->fps_num : 20,
        .fps_den = c->fps_den ? c->fps_den : 1,
        .nframes = c->nframes,
        .background = 0xFFFFFFFFu,
        .poster_frame = -1,
        .kind_opts = go,
    };
}

/* The renderer's sequence: open, analyze (optional), add_frame, close.
 * Returns close's result (or -1 at the first failing step, after discard);
 * *images gets images_written. */
static int encode_clip(const struct clip *c, const char *path, int *images)
{
    struct gif_opts go;
    struct enc_options opt = options_of(c, &go);
    struct encoder e = {.kind = &encoder_gif, .opt = &opt};
    e.priv = calloc(1, encoder_gif.priv_size);
    int rc = e.kind->open(&e, path);
    int opened = rc == 0;   /* a failed open releases what it took */
    if (rc == 0 && c->analyze)
        for (int i = 0; i < c->nframes && rc == 0; i++) {
            cairo_surface_t *s = render(c, i);
            struct frame f = frame_of(s, i);
            rc = e.kind->analyze(&e, &f);
            cairo_surface_destroy(s);
        }
    for (int i = 0; i < c->nframes && rc == 0; i++) {
        cairo_surface_t *s = render(c, i);
        struct frame f = frame_of(s, i);
        rc = e.kind->add_frame(&e, &f);
        cairo_surface_destroy(s);
    }
    if (rc == 0)
        rc = e.kind->close(&e);
    else if (opened)
        e.kind->discard(&e);
    if (images)
        *images = e.images_written;
    free(e.priv);
    return rc;
}

static GraphicsControlBlock gcb_of(GifFileType *gif, int image)
{
    GraphicsControlBlock gcb = {.DisposalMode = -1, .DelayTime = -1,
                                .TransparentColor = NO_TRANSPARENT_COLOR};
    DGifSavedExtensionToGCB(gif, image, &gcb);
    return gcb;
}

static long cs_at(const struct clip *c, int frame)
{
    /* round(100 * t) with halves rounded up, in integers so that exact
     * halves (common with 1001-denominators) are not at float's mercy. */
    struct gif_opts go;
    struct enc_options opt = options_of(c, &go);
    return (200L * frame * opt.fps_den + opt.fps_num) / (2L * opt.fps_num);
}

/* Replays the GIF as a viewer does (each image drawn over the canvas, the
 * transparent index leaving it alone) and compares the canvas shown at
 * each frame's start time with the source frame. Returns the PSNR over all
 * frames (INFINITY when identical); *mismatch counts differing pixels. */
static double replay_psnr(const struct clip *c, GifFileType *gif, long *mismatch)
{
    int w = c->width, h = c->height;
    uint32_t *canvas = calloc((size_t)w * h, sizeof *canvas);
    double sse = 0;
    long shown_until = 0;   /* end of the image on the canvas, in cs */
    int next_image = 0;
    *mismatch = 0;
    for (int i = 0; i < c->nframes; i++) {
        long t = cs_at(c, i);
        while (next_image < gif->ImageCount && (next_image == 0 || t >= shown_until)) {
            const SavedImage *im = &gif->SavedImages[next_image];
            GraphicsControlBlock gcb = gcb_of(gif, next_image);
            const GifImageDesc *d = &im->ImageDesc;
            /* An image's own colour table, when it has one, replaces the
             * global one for it. */
            const ColorMapObject *map = d->ColorMap ? d->ColorMap : gif->SColorMap;
            for (int y = 0; y < d->Height; y++)
                for (int x = 0; x < d->Width; x++) {
                    int idx = im->RasterBits[y * d->Width + x];
                    if (idx == gcb.TransparentColor)
                        continue;
                    GifColorType col = map->Colors[idx];
                    canvas[(d->Top + y) * w + d->Left + x] =
                        (uint32_t)col.Red << 16 | col.Green << 8 | col.Blue;
                }
            shown_until += gcb.DelayTime;
            next_image++;
        }
        cairo_surface_t *s = render(c, i);
        struct frame f = frame_of(s, i);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint32_t want = frame_pixel(&f, x, y) & 0xffffff;
                uint32_t got = canvas[y * w + x];
                if (want != got)
                    (*mismatch)++;
                for (int ch = 0; ch < 3; ch++) {
                    double d = (double)((want >> (8 * ch)) & 0xff) -
                               (double)((got >> (8 * ch)) & 0xff);
                    sse += d * d;
                }
            }
        cairo_surface_destroy(s);
    }
    free(canvas);
    if (sse == 0)
        return INFINITY;
    double mse = sse / (3.0 * w * h * c->nframes);
    return 10 * log10(255.0 * 255.0 / mse);
}

static long delay_total(GifFileType *gif, int *min_delay)
{
    long total = 0;
    *min_delay = INT32_MAX;
    for (int i = 0; i < gif->ImageCount; i++) {
        int d = gcb_of(gif, i).DelayTime;
        total += d;
        if (d < *min_delay)
            *min_delay = d;
    }
    return total;
}

static int read_file(const char *path, unsigned char **data, long *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    fseek(fp, 0, SEEK_END);
    *size = ftell(fp);
    rewind(fp);
    *data = malloc(*size ? (size_t)*size : 1);
    long got = (long)fread(*data, 1, (size_t)*size, fp);
    fclose(fp);
    return got == *size ? 0 : -1;
}

/* ---- tests -------------------------------------------------------------- */

static void gif_header_is_gif89a_looping_forever(void)
{
    struct clip c = {.draw = draw_flat, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES, .analyze = 1};
    char path[256];
    tmp_path(path, sizeof path, "header.gif");
    CHECK(encode_clip(&c, path, NULL) == 0);

    unsigned char *data = NULL;
    long size = 0;
    CHECK(read_file(path, &data, &size) == 0);
    CHECK(size > 13 && memcmp(data, "GIF89a", 6) == 0);
    CHECK(size > 0 && data[size - 1] == ';');   /* trailer */
    free(data);

    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    CHECK(gif->SWidth == 160 && gif->SHeight == 90);
    CHECK(gif->SColorMap != NULL);
    /* The loop extension precedes the first image, so DGifSlurp files it
     * with that image: "NETSCAPE2.0", then sub-block {1, count lo, hi}. */
    int found = 0;
    const SavedImage *im = &gif->SavedImages[0];
    for (int i = 0; i + 1 < im->ExtensionBlockCount; i++) {
        const ExtensionBlock *b = &im->ExtensionBlocks[i];
        if (b->Function == APPLICATION_EXT_FUNC_CODE && b->ByteCount == 11 &&
            memcmp(b->Bytes, "NETSCAPE2.0", 11) == 0) {
            const ExtensionBlock *sub = b + 1;
            CHECK(sub->Function == CONTINUE_EXT_FUNC_CODE);
            CHECK(sub->ByteCount == 3);
            if (sub->ByteCount == 3) {
                CHECK(sub->Bytes[0] == 1);
                CHECK(sub->Bytes[1] == 0 && sub->Bytes[2] == 0);
            }
            found = 1;
        }
    }
    CHECK(found);
    free_gif(gif);
}

static void gif_merges_identical_consecutive_frames(void)
{
    struct clip c = {.draw = draw_flat, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES, .analyze = 1};
    char path[256];
    tmp_path(path, sizeof path, "merge.gif");
    int images = -1;
    CHECK(encode_clip(&c, path, &images) == 0);
    CHECK(images == HOLD_PICTURES);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    CHECK(gif->ImageCount == HOLD_PICTURES);
    /* 20 fps: the held pictures last 3, 1, 2, 1, 1 and 4 frames of 5 cs. */
    static const int expect[HOLD_PICTURES] = {15, 5, 10, 5, 5, 20};
    for (int i = 0; i < gif->ImageCount && i < HOLD_PICTURES; i++)
        CHECK(gcb_of(gif, i).DelayTime == expect[i]);
    free_gif(gif);
}

static void gif_delays_sum_to_duration(void)
{
    /* NTSC-like 30000/1001 fps: frame starts fall between centiseconds, so
     * per-frame rounding would drift; cumulative rounding must not. */
    struct clip c = {.draw = draw_smooth, .width = 160, .height = 90,
                     .nframes = 3 * HOLD_FRAMES, .fps_num = 30000, .fps_den = 1001};
    char path[256];
    tmp_path(path, sizeof path, "delays.gif");
    CHECK(encode_clip(&c, path, NULL) == 0);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    int min_delay;
    CHECK(delay_total(gif, &min_delay) == cs_at(&c, c.nframes));
    CHECK(min_delay >= 2);
    /* Each image starts at the rounded start time of its first frame. */
    long t = 0;
    int frame = 0;
    for (int i = 0; i < gif->ImageCount; i++) {
        CHECK(t == cs_at(&c, frame));
        t += gcb_of(gif, i).DelayTime;
        frame++;
        while (frame < c.nframes && cs_at(&c, frame) < t)
            frame++;
    }
    free_gif(gif);
}

/* At 6 fps exact timing alternates 17 and 16 cs to keep the total; even
 * delays give every image 17 cs, as the source lessons' GIFs have. */
static void gif_even_delays_are_all_the_rounded_frame_time(void)
{
    for (int even = 0; even < 2; even++) {
        struct clip c = {.draw = draw_every_frame, .width = 64, .height = 48, .nframes = 12,
                         .fps_num = 6, .fps_den = 1, .delays = even};
        char path[256];
        tmp_path(path, sizeof path, even ? "even.gif" : "exact.gif");
        CHECK(encode_clip(&c, path, NULL) == 0);
        GifFileType *gif = load_gif(path);
        CHECK(gif != NULL);
        if (!gif)
            continue;
        CHECK(gif->ImageCount == 12);
        int n16 = 0, n17 = 0, min_delay;
        for (int i = 0; i < gif->ImageCount; i++) {
            int d = gcb_of(gif, i).DelayTime;
            n16 += d == 16;
            n17 += d == 17;
        }
        CHECK(n16 + n17 == gif->ImageCount);
        if (even) {
            CHECK(n17 == 12);
            CHECK(delay_total(gif, &min_delay) == 204);
        } else {
            CHECK(n16 > 0 && n17 > 0);
            CHECK(delay_total(gif, &min_delay) == 200);
        }
        free_gif(gif);
    }
}

static void gif_short_delays_are_raised_and_paid_back(void)
{
    /* 60 fps and a new picture every frame: 1.67 cs each cannot be shown,
     * so every delay is at least 2 cs (the total necessarily grows). */
    struct clip c = {.draw = draw_every_frame, .width = 64, .height = 8,
                     .nframes = 30, .fps_num = 60, .fps_den = 1};
    char path[256];
    tmp_path(path, sizeof path, "fast.gif");
    CHECK(encode_clip(&c, path, NULL) == 0);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (gif) {
        int min_delay;
        CHECK(gif->ImageCount == 30);
        CHECK(delay_total(gif, &min_delay) == 60);
        CHECK(min_delay == 2);
        free_gif(gif);
    }

    /* 60 fps with held pictures: the raised short delays are taken back
     * from the longer ones, so the total stays exact. */
    struct clip held = {.draw = draw_smooth, .width = 160, .height = 90,
                        .nframes = 2 * HOLD_FRAMES, .fps_num = 60, .fps_den = 1};
    tmp_path(path, sizeof path, "fast-held.gif");
    CHECK(encode_clip(&held, path, NULL) == 0);
    gif = load_gif(path);
    CHECK(gif != NULL);
    if (gif) {
        int min_delay;
        CHECK(gif->ImageCount == 2 * HOLD_PICTURES);
        CHECK(delay_total(gif, &min_delay) == cs_at(&held, held.nframes));
        CHECK(min_delay >= 2);
        free_gif(gif);
    }
}

static void gif_stores_only_changed_rectangles(void)
{
    struct clip c = {.draw = draw_flat, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES, .analyze = 1};
    char path[256];
    tmp_path(path, sizeof path, "rects.gif");
    CHECK(encode_clip(&c, path, NULL) == 0);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    CHECK(gif->ImageCount == HOLD_PICTURES);
    for (int i = 0; i < gif->ImageCount; i++) {
        const SavedImage *im = &gif->SavedImages[i];
        const GifImageDesc *d = &im->ImageDesc;
        GraphicsControlBlock gcb = gcb_of(gif, i);
        CHECK(gcb.DisposalMode == DISPOSE_DO_NOT);
        CHECK(gcb.TransparentColor != NO_TRANSPARENT_COLOR);
        CHECK(d->Left >= 0 && d->Top >= 0 && d->Width > 0 && d->Height > 0);
        CHECK(d->Left + d->Width <= gif->SWidth);
        CHECK(d->Top + d->Height <= gif->SHeight);
        if (i == 0) {
            CHECK(d->Width == gif->SWidth && d->Height == gif->SHeight);
            continue;
        }
        /* The square moves 6 px and the small one 4 px: both changes fit
         * in a strip well inside the frame, and the overlap of old and new
         * square positions is unchanged, hence transparent. */
        CHECK((long)d->Width * d->Height < 160L * 90 / 4);
        CHECK(d->Top >= 10 && d->Top + d->Height <= 40);
        long transparent = 0;
        for (long k = 0; k < (long)d->Width * d->Height; k++)
            transparent += im->RasterBits[k] == gcb.TransparentColor;
        CHECK(transparent > 0);
    }
    free_gif(gif);
}

static void gif_round_trip_is_exact_with_few_colours(void)
{
    struct clip c = {.draw = draw_flat, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES, .analyze = 1};
    char path[256];
    tmp_path(path, sizeof path, "exact.gif");
    CHECK(encode_clip(&c, path, NULL) == 0);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    long mismatch = -1;
    replay_psnr(&c, gif, &mismatch);
    CHECK(mismatch == 0);
    /* Four colours plus the transparent slot: an 8-entry table. */
    CHECK(gif->SColorMap->ColorCount == 8);
    free_gif(gif);
}

static void gif_round_trip_is_close_with_antialiasing(void)
{
    struct clip c = {.draw = draw_smooth, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES, .analyze = 1};
    char path[256];
    tmp_path(path, sizeof path, "smooth.gif");
    CHECK(encode_clip(&c, path, NULL) == 0);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    long mismatch;
    double psnr = replay_psnr(&c, gif, &mismatch);
    CHECK(psnr > 35);
    free_gif(gif);
}

static void gif_palette_respects_max_colors_with_many_colours(void)
{
    struct clip c = {.draw = draw_gradient, .width = 160, .height = 90,
                     .nframes = 6, .max_colors = 64, .analyze = 1};
    char path[256];
    tmp_path(path, sizeof path, "gradient.gif");
    CHECK(encode_clip(&c, path, NULL) == 0);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    CHECK(gif->SColorMap->ColorCount == 64);
    /* 63 colours for a gradient spanning three axes: banded, not broken
     * (about 26 dB; converged k-means reaches only 26.2). */
    long mismatch;
    double psnr = replay_psnr(&c, gif, &mismatch);
    CHECK(psnr > 24);
    /* The disc's flat white is frequent enough to be kept exactly. */
    int white = 0;
    for (int i = 0; i < gif->SColorMap->ColorCount; i++) {
        GifColorType col = gif->SColorMap->Colors[i];
        white |= col.Red == 255 && col.Green == 255 && col.Blue == 255;
    }
    CHECK(white);
    free_gif(gif);

    /* And with the full palette the same content is much closer. */
    c.max_colors = 256;
    CHECK(encode_clip(&c, path, NULL) == 0);
    gif = load_gif(path);
    CHECK(gif != NULL);
    if (gif) {
        CHECK(gif->SColorMap->ColorCount == 256);
        CHECK(replay_psnr(&c, gif, &mismatch) > psnr + 3);
        free_gif(gif);
    }
}

static void gif_builds_palette_from_first_frame_without_analyze(void)
{
    struct clip c = {.draw = draw_flat, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES, .analyze = 0};
    char path[256];
    tmp_path(path, sizeof path, "noanalyze.gif");
    int images = -1;
    CHECK(encode_clip(&c, path, &images) == 0);
    CHECK(images == HOLD_PICTURES);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    long mismatch = -1;
    replay_psnr(&c, gif, &mismatch);
    CHECK(mismatch == 0);   /* every colour is already in frame 0 */
    free_gif(gif);
}

static void gif_maps_transparent_pixels_to_background(void)
{
    enum { W = 16, H = 4 };
    uint32_t px[W * H];
    for (int i = 0; i < W * H; i++)
        px[i] = i < W ? 0x00000000u : 0x80400000u;  /* clear; half-alpha red */
    struct enc_options opt = {.width = W, .height = H, .fps_num = 10,
                              .fps_den = 1, .nframes = 1,
                              .background = 0xFF00FF00u};
    struct encoder e = {.kind = &encoder_gif, .opt = &opt};
    e.priv = calloc(1, encoder_gif.priv_size);
    char path[256];
    tmp_path(path, sizeof path, "alpha.gif");
    struct frame f = {.px = px, .width = W, .height = H, .stride = W * 4};
    CHECK(encoder_gif.open(&e, path) == 0);
    CHECK(encoder_gif.add_frame(&e, &f) == 0);
    CHECK(encoder_gif.close(&e) == 0);
    free(e.priv);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    CHECK(gif->ImageCount == 1);
    CHECK(gcb_of(gif, 0).DelayTime == 10);
    const GifColorType *cols = gif->SColorMap->Colors;
    GifColorType top = cols[gif->SavedImages[0].RasterBits[0]];
    GifColorType low = cols[gif->SavedImages[0].RasterBits[W]];
    CHECK(top.Red == 0 && top.Green == 255 && top.Blue == 0);
    /* 0x40 at alpha 0x80 un-premultiplies to 0x80. */
    CHECK(low.Red == 0x80 && low.Green == 0 && low.Blue == 0);
    free_gif(gif);
}

static void gif_two_colour_palette_merges_what_it_cannot_show(void)
{
    /* One real colour and the transparent slot: every frame maps to the
     * same picture, so one image lasts the whole clip. */
    struct clip c = {.draw = draw_flat, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES, .max_colors = 2, .analyze = 1};
    char path[256];
    tmp_path(path, sizeof path, "two.gif");
    int images = -1;
    CHECK(encode_clip(&c, path, &images) == 0);
    CHECK(images == 1);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    CHECK(gif->SColorMap->ColorCount == 2);
    CHECK(gif->ImageCount == 1);
    CHECK(gif->ImageCount == 1 && gcb_of(gif, 0).DelayTime == cs_at(&c, c.nframes));
    free_gif(gif);
}

static void gif_long_stills_continue_through_filler_images(void)
{
    /* One frame per 1000 s: 100000 cs does not fit the 16-bit delay, so
     * each picture is followed by an invisible 1x1 image for the rest. */
    struct clip c = {.draw = draw_every_frame, .width = 64, .height = 8,
                     .nframes = 2, .fps_num = 1, .fps_den = 1000};
    char path[256];
    tmp_path(path, sizeof path, "long.gif");
    int images = -1;
    CHECK(encode_clip(&c, path, &images) == 0);
    CHECK(images == 4);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    int min_delay;
    CHECK(gif->ImageCount == 4);
    CHECK(delay_total(gif, &min_delay) == 200000);
    for (int i = 0; i < gif->ImageCount; i++)
        CHECK(gcb_of(gif, i).DelayTime <= 65535);
    long mismatch = -1;
    replay_psnr(&c, gif, &mismatch);
    CHECK(mismatch == 0);
    free_gif(gif);
}

static void gif_output_is_deterministic(void)
{
    struct clip c = {.draw = draw_gradient, .width = 160, .height = 90,
                     .nframes = 4, .max_colors = 128, .analyze = 1};
    char a[256], b[256];
    tmp_path(a, sizeof a, "det-a.gif");
    tmp_path(b, sizeof b, "det-b.gif");
    CHECK(encode_clip(&c, a, NULL) == 0);
    CHECK(encode_clip(&c, b, NULL) == 0);
    unsigned char *da = NULL, *db = NULL;
    long sa = 0, sb = 0;
    CHECK(read_file(a, &da, &sa) == 0);
    CHECK(read_file(b, &db, &sb) == 0);
    CHECK(sa > 0 && sa == sb);
    CHECK(sa == sb && memcmp(da, db, (size_t)sa) == 0);
    free(da);
    free(db);
}

static void gif_open_fails_on_unwritable_path(void)
{
    struct clip c = {.draw = draw_flat, .width = 16, .height = 16, .nframes = 1};
    struct gif_opts go;
    struct enc_options opt = options_of(&c, &go);
    struct encoder e = {.kind = &encoder_gif, .opt = &opt};
    e.priv = calloc(1, encoder_gif.priv_size);
    int errors = diag_error_count();
    CHECK(encoder_gif.open(&e, "/nonexistent-mlanim-dir/x.gif") == -1);
    CHECK(diag_error_count() == errors + 1);   /* reported once */
    free(e.priv);
}

static void gif_close_reports_a_full_disk(void)
{
    struct clip c = {.draw = draw_smooth, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES};
    int errors = diag_error_count();
    CHECK(encode_clip(&c, "/dev/full", NULL) == -1);
    CHECK(diag_error_count() == errors + 1);
}

static void gif_close_fails_when_frames_are_missing(void)
{
    struct clip c = {.draw = draw_flat, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES};
    struct gif_opts go;
    struct enc_options opt = options_of(&c, &go);
    struct encoder e = {.kind = &encoder_gif, .opt = &opt};
    e.priv = calloc(1, encoder_gif.priv_size);
    char path[256];
    tmp_path(path, sizeof path, "short.gif");
    CHECK(encoder_gif.open(&e, path) == 0);
    cairo_surface_t *s = render(&c, 0);
    struct frame f = frame_of(s, 0);
    CHECK(encoder_gif.add_frame(&e, &f) == 0);
    cairo_surface_destroy(s);
    int errors = diag_error_count();
    CHECK(encoder_gif.close(&e) == -1);
    CHECK(diag_error_count() == errors + 1);
    free(e.priv);
}

static void gif_discard_leaves_file_unfinished(void)
{
    struct clip c = {.draw = draw_smooth, .width = 160, .height = 90,
                     .nframes = HOLD_FRAMES};
    struct gif_opts go;
    struct enc_options opt = options_of(&c, &go);
    struct encoder e = {.kind = &encoder_gif, .opt = &opt};
    e.priv = calloc(1, encoder_gif.priv_size);
    char path[256];
    tmp_path(path, sizeof path, "discard.gif");
    CHECK(encoder_gif.open(&e, path) == 0);
    for (int i = 0; i < 5; i++) {
        cairo_surface_t *s = render(&c, i);
        struct frame f = frame_of(s, i);
        CHECK(encoder_gif.add_frame(&e, &f) == 0);
        cairo_surface_destroy(s);
    }
    encoder_gif.discard(&e);
    free(e.priv);
    unsigned char *data = NULL;
    long size = 0;
    CHECK(read_file(path, &data, &size) == 0);
    CHECK(size == 0 || data[size - 1] != ';');  /* no trailer written */
    free(data);
}

/* ---- the LZW compressor on its own ------------------------------------ */

static uint32_t lcg_state;

static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

/* Writes a one-image GIF holding the code stream z made of w x h pixels,
 * with a grey global table of 1 << min_bits entries. */
static int write_stream_gif(const char *path, const struct lzw *z, int w, int h,
                            int min_bits)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    int bits = min_bits < 1 ? 1 : min_bits;
    unsigned char head[13] = {'G', 'I', 'F', '8', '9', 'a', (unsigned char)w,
                              (unsigned char)(w >> 8), (unsigned char)h,
                              (unsigned char)(h >> 8),
                              (unsigned char)(0x80 | 0x70 | (bits - 1)), 0, 0};
    fwrite(head, 1, sizeof head, fp);
    for (int i = 0; i < 1 << bits; i++) {
        unsigned char rgb[3] = {(unsigned char)i, (unsigned char)i, (unsigned char)i};
        fwrite(rgb, 1, 3, fp);
    }
    unsigned char desc[11] = {0x2c, 0, 0, 0, 0, (unsigned char)w, (unsigned char)(w >> 8),
                              (unsigned char)h, (unsigned char)(h >> 8), 0,
                              (unsigned char)min_bits};
    fwrite(desc, 1, sizeof desc, fp);
    for (size_t off = 0; off < z->len; off += 255) {
        unsigned char n = (unsigned char)(z->len - off < 255 ? z->len - off : 255);
        fputc(n, fp);
        fwrite(z->out + off, 1, n, fp);
    }
    fputc(0, fp);
    fputc(0x3b, fp);
    return fclose(fp) == 0 ? 0 : -1;
}

/* Compresses w x h pixels, has giflib decode them, and returns how many
 * decoded pixels are neither val[i] nor (with alt) alt[i]: 0 is a pass;
 * -1 when something failed on the way. *bytes gets the stream's size. */
static long lzw_round_trip(const uint8_t *val, const uint8_t *alt, int w, int h,
                           int min_bits, enum lzw_clear clear, int run_sym,
                           size_t *bytes)
{
    struct lzw z;
    if (lzw_init(&z) < 0)
        return -1;
    long wrong = -1;
    char path[256];
    tmp_path(path, sizeof path, "lzw.gif");
    if (lzw_encode(&z, val, alt, (size_t)w * h, min_bits, clear, run_sym) == 0 &&
        write_stream_gif(path, &z, w, h, min_bits) == 0) {
        if (bytes)
            *bytes = z.len;
        GifFileType *gif = load_gif(path);
        if (gif && gif->ImageCount == 1) {
            const GifByteType *px = gif->SavedImages[0].RasterBits;
            wrong = 0;
            for (long i = 0; i < (long)w * h; i++)
                wrong += px[i] != val[i] && (!alt || px[i] != alt[i]);
        }
        free_gif(gif);
    }
    lzw_free(&z);
    return wrong;
}

static void lzw_round_trip_is_exact_on_random_data(void)
{
    enum { W = 300, H = 200 };
    uint8_t *val = malloc(W * H);
    /* 8-bit noise fills the 4096-code table many times over: both ways of
     * dealing with a full table must decode exactly. */
    lcg_state = 1;
    for (int i = 0; i < W * H; i++)
        val[i] = (uint8_t)lcg();
    size_t full = 0, adaptive = 0;
    CHECK(lzw_round_trip(val, NULL, W, H, 8, LZW_CLEAR_WHEN_FULL, -1, &full) == 0);
    CHECK(lzw_round_trip(val, NULL, W, H, 8, LZW_CLEAR_ADAPTIVE, -1, &adaptive) == 0);
    CHECK(full > (size_t)W * H);        /* noise does not compress */
    /* Few symbols, small codes: 2- and 4-bit data. */
    for (int bits = 2; bits <= 4; bits += 2) {
        for (int i = 0; i < W * H; i++)
            val[i] = (uint8_t)(lcg() % (1u << bits));
        CHECK(lzw_round_trip(val, NULL, W, H, bits, LZW_CLEAR_WHEN_FULL, -1, NULL) == 0);
        CHECK(lzw_round_trip(val, NULL, W, H, bits, LZW_CLEAR_ADAPTIVE, -1, NULL) == 0);
    }
    /* Noise that turns into runs halfway: the adaptive table decides when
     * to clear (or not) with the content changing under it. */
    for (int i = 0; i < W * H; i++)
        val[i] = i < W * H / 2 ? (uint8_t)lcg() : (uint8_t)(i / 97 % 3);
    CHECK(lzw_round_trip(val, NULL, W, H, 8, LZW_CLEAR_ADAPTIVE, -1, NULL) == 0);
    CHECK(lzw_round_trip(val, NULL, W, H, 8, LZW_CLEAR_WHEN_FULL, -1, NULL) == 0);
    free(val);
}

static void lzw_round_trip_is_exact_on_flat_and_tiny_data(void)
{
    enum { W = 400, H = 300 };
    uint8_t *val = malloc(W * H);
    memset(val, 5, W * H);
    size_t flat = 0;
    CHECK(lzw_round_trip(val, NULL, W, H, 3, LZW_CLEAR_WHEN_FULL, -1, &flat) == 0);
    /* One run of 120000 pixels takes about sqrt(2 * 120000) codes. */
    CHECK(flat > 0 && flat < 1200);
    CHECK(lzw_round_trip(val, NULL, W, H, 3, LZW_CLEAR_ADAPTIVE, 5, NULL) == 0);
    uint8_t one = 3;
    CHECK(lzw_round_trip(&one, NULL, 1, 1, 2, LZW_CLEAR_WHEN_FULL, -1, NULL) == 0);
    CHECK(lzw_round_trip(&one, NULL, 1, 1, 2, LZW_CLEAR_WHEN_FULL, 3, NULL) == 0);
    uint8_t two[2] = {0, 255};
    CHECK(lzw_round_trip(two, NULL, 2, 1, 8, LZW_CLEAR_WHEN_FULL, 0, NULL) == 0);
    CHECK(lzw_min_bits(0) == 2 && lzw_min_bits(3) == 2 && lzw_min_bits(4) == 3 &&
          lzw_min_bits(127) == 7 && lzw_min_bits(128) == 8 && lzw_min_bits(255) == 8);
    free(val);
}

/* Frames of an animation: runs of the transparent index broken by a
 * diagonal edge of a few colours and by scattered noise, the content run
 * alignment is made for. */
static void lzw_run_alignment_round_trips_and_pays(void)
{
    enum { W = 560, H = 350, T = 0 };
    uint8_t *val = malloc(W * H);
    lcg_state = 7;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int edge = 60 + y * 11 / 8;
            uint8_t v = T;
            if (x >= edge && x < edge + 4)
                v = (uint8_t)(1 + (x - edge + y) % 5);
            else if (lcg() % 997 == 0)
                v = (uint8_t)(1 + lcg() % 200);
            val[y * W + x] = v;
        }
    size_t plain = 0, aligned = 0;
    CHECK(lzw_round_trip(val, NULL, W, H, 8, LZW_CLEAR_WHEN_FULL, -1, &plain) == 0);
    CHECK(lzw_round_trip(val, NULL, W, H, 8, LZW_CLEAR_WHEN_FULL, T, &aligned) == 0);
    CHECK(lzw_round_trip(val, NULL, W, H, 8, LZW_CLEAR_ADAPTIVE, T, NULL) == 0);
    CHECK(aligned > 0 && aligned < plain);
    /* Long enough to fill the table: the run bookkeeping is reset by the
     * clear codes. */
    for (int i = 0; i < W * H; i++)
        if (lcg() % 5 == 0)
            val[i] = (uint8_t)(lcg() % 256);
    CHECK(lzw_round_trip(val, NULL, W, H, 8, LZW_CLEAR_WHEN_FULL, T, NULL) == 0);
    CHECK(lzw_round_trip(val, NULL, W, H, 8, LZW_CLEAR_ADAPTIVE, T, NULL) == 0);
    free(val);
}

/* giflib's own encoder (EGifPutLine) writes plain data the textbook way,
 * one dictionary lookup per pixel; ours jumps over runs of one symbol.
 * On run-heavy data that fills the table many times, with several run
 * symbols and runs longer than the strings learned so far, both streams
 * must be the same bytes. */
struct membuf {
    uint8_t *data;
    size_t len, cap;
};

static int membuf_write(GifFileType *gif, const GifByteType *b, int n)
{
    struct membuf *m = gif->UserData;
    if (m->len + (size_t)n > m->cap) {
        m->cap = (m->len + (size_t)n) * 2;
        m->data = realloc(m->data, m->cap);
    }
    memcpy(m->data + m->len, b, (size_t)n);
    m->len += (size_t)n;
    return n;
}

/* giflib's LZW stream of w x h pixels (its sub-blocks joined), or -1. */
static long giflib_stream(const uint8_t *val, int w, int h, int bits, uint8_t **out)
{
    struct membuf m = {0};
    int err = 0;
    GifFileType *gif = EGifOpen(&m, membuf_write, &err);
    if (!gif)
        return -1;
    ColorMapObject *map = GifMakeMapObject(1 << bits, NULL);
    long len = -1;
    if (map && EGifPutScreenDesc(gif, w, h, bits, 0, map) == GIF_OK &&
        EGifPutImageDesc(gif, 0, 0, w, h, false, NULL) == GIF_OK) {
        int ok = 1;
        for (int y = 0; y < h && ok; y++)
            ok = EGifPutLine(gif, (GifPixelType *)val + (size_t)y * w, w) == GIF_OK;
        if (ok && EGifCloseFile(gif, &err) == GIF_OK) {
            gif = NULL;
            /* header 6 + screen 7 + table 3 << bits, image descriptor 10,
             * code size 1, then sub-blocks */
            size_t at = 6 + 7 + 3 * ((size_t)1 << bits) + 10 + 1;
            *out = malloc(m.len);
            len = 0;
            while (at < m.len && m.data[at]) {
                memcpy(*out + len, m.data + at + 1, m.data[at]);
                len += m.data[at];
                at += 1 + (size_t)m.data[at];
            }
        }
    }
    if (gif)
        EGifCloseFile(gif, &err);
    GifFreeMapObject(map);
    free(m.data);
    return len;
}

static void lzw_matches_giflib_byte_for_byte_on_runs(void)
{
    enum { W = 640, H = 480 };
    uint8_t *val = malloc(W * H);
    lcg_state = 5;
    /* Runs of a few symbols, mostly short, some up to a row and a half,
     * with a few noisy pixels between them. */
    for (int i = 0; i < W * H;) {
        uint8_t s = (uint8_t)(lcg() % 6);
        int r = 1 + (int)(lcg() % (lcg() % 4 ? 40 : W * 3 / 2));
        for (int k = 0; k < r && i < W * H; k++)
            val[i++] = s;
        for (int k = (int)(lcg() % 4); k > 0 && i < W * H; k--)
            val[i++] = (uint8_t)(lcg() % 64);
    }
    for (int bits = 6; bits <= 8; bits++) {
        uint8_t *ref = NULL;
        long n = giflib_stream(val, W, H, bits, &ref);
        struct lzw z;
        CHECK(n > 0 && lzw_init(&z) == 0);
        CHECK(lzw_encode(&z, val, NULL, (size_t)W * H, bits, LZW_CLEAR_WHEN_FULL, -1) == 0);
        CHECK(z.filled);
        CHECK(n > 0 && (long)z.len == n && memcmp(z.out, ref, (size_t)n) == 0);
        lzw_free(&z);
        free(ref);
    }
    free(val);
}

static void lzw_either_pixels_decode_to_one_of_the_two(void)
{
    enum { W = 320, H = 240 };
    uint8_t *val = malloc(W * H), *alt = malloc(W * H);
    lcg_state = 11;
    /* A picture over a striped canvas: where the picture is "unchanged" a
     * pixel may be the transparent index 15 or the canvas colour. */
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int i = y * W + x;
            uint8_t canvas = (uint8_t)((x / 7 + y / 5) % 4);
            if ((x - y) % 23 == 0 || lcg() % 50 == 0) {
                val[i] = alt[i] = (uint8_t)(4 + lcg() % 11);
            } else {
                val[i] = 15;
                alt[i] = canvas;
            }
        }
    CHECK(lzw_round_trip(val, alt, W, H, 4, LZW_CLEAR_WHEN_FULL, -1, NULL) == 0);
    CHECK(lzw_round_trip(val, alt, W, H, 4, LZW_CLEAR_ADAPTIVE, 15, NULL) == 0);
    /* With every pixel free, the walk stays bounded and still decodes. */
    for (int i = 0; i < W * H; i++) {
        val[i] = (uint8_t)(lcg() % 16);
        alt[i] = (uint8_t)(lcg() % 16);
    }
    CHECK(lzw_round_trip(val, alt, W, H, 4, LZW_CLEAR_WHEN_FULL, -1, NULL) == 0);
    free(val);
    free(alt);
}

/* ---- dithering ---------------------------------------------------------- */

/* Decodes the GIF of clip c; checks that every index is inside the table it
 * refers to and that later images stay small (static parts do not
 * shimmer); returns the PSNR. */
static double check_dithered(const struct clip *c, const char *path)
{
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return 0;
    for (int i = 0; i < gif->ImageCount; i++) {
        const SavedImage *im = &gif->SavedImages[i];
        const GifImageDesc *d = &im->ImageDesc;
        const ColorMapObject *map = d->ColorMap ? d->ColorMap : gif->SColorMap;
        long outside = 0;
        for (long k = 0; k < (long)d->Width * d->Height; k++)
            outside += im->RasterBits[k] >= map->ColorCount;
        CHECK(outside == 0);
        if (i > 0) {
            CHECK((long)d->Width * d->Height < (long)c->width * c->height / 3);
        }
    }
    long mismatch;
    double psnr = replay_psnr(c, gif, &mismatch);
    free_gif(gif);
    return psnr;
}

static void gif_dither_modes_make_valid_different_gifs(void)
{
    struct clip c = {.draw = draw_gradient, .width = 160, .height = 90,
                     .nframes = 6, .max_colors = 32, .analyze = 1};
    char none[256], path[256];
    tmp_path(none, sizeof none, "dither-none.gif");
    CHECK(encode_clip(&c, none, NULL) == 0);
    double psnr_none = check_dithered(&c, none);
    unsigned char *dn = NULL;
    long sn = 0;
    CHECK(read_file(none, &dn, &sn) == 0);
    for (int mode = 1; mode <= 2; mode++) {
        c.dither = mode;
        tmp_path(path, sizeof path, mode == 1 ? "dither-ordered.gif" : "dither-diffusion.gif");
        CHECK(encode_clip(&c, path, NULL) == 0);
        double psnr = check_dithered(&c, path);
        /* Dithering trades some PSNR (noise) for smooth gradients: not far
         * below the undithered result, never broken. */
        CHECK(psnr > 16 && psnr > psnr_none - 6);
        unsigned char *dd = NULL;
        long sd = 0;
        CHECK(read_file(path, &dd, &sd) == 0);
        CHECK(sd != sn || memcmp(dd, dn, (size_t)sn) != 0);
        /* Deterministic: the same frames give the same bytes. */
        char again[256];
        tmp_path(again, sizeof again, "dither-again.gif");
        CHECK(encode_clip(&c, again, NULL) == 0);
        unsigned char *da = NULL;
        long sa = 0;
        CHECK(read_file(again, &da, &sa) == 0);
        CHECK(sa == sd && memcmp(da, dd, (size_t)sd) == 0);
        free(da);
        free(dd);
    }
    free(dn);
}

static void gif_rejects_an_unknown_dither_mode(void)
{
    struct clip c = {.draw = draw_flat, .width = 16, .height = 16, .nframes = 1,
                     .dither = 3};
    struct gif_opts go;
    struct enc_options opt = options_of(&c, &go);
    struct encoder e = {.kind = &encoder_gif, .opt = &opt};
    e.priv = calloc(1, encoder_gif.priv_size);
    char path[256];
    tmp_path(path, sizeof path, "bad-dither.gif");
    int errors = diag_error_count();
    CHECK(encoder_gif.open(&e, path) == -1);
    CHECK(diag_error_count() == errors + 1);
    free(e.priv);
}

static void gif_plot_output_is_deterministic(void)
{
    /* Plot-like frames with the analysis: palette split and ordering,
     * variants and run alignment all decided the same way twice. */
    struct clip c = {.draw = draw_curve, .width = 400, .height = 225,
                     .nframes = 24, .analyze = 1};
    char a[256], b[256];
    tmp_path(a, sizeof a, "plot-a.gif");
    tmp_path(b, sizeof b, "plot-b.gif");
    CHECK(encode_clip(&c, a, NULL) == 0);
    CHECK(encode_clip(&c, b, NULL) == 0);
    unsigned char *da = NULL, *db = NULL;
    long sa = 0, sb = 0;
    CHECK(read_file(a, &da, &sa) == 0);
    CHECK(read_file(b, &db, &sb) == 0);
    CHECK(sa > 0 && sa == sb && memcmp(da, db, (size_t)sa) == 0);
    free(da);
    free(db);
    GifFileType *gif = load_gif(a);
    CHECK(gif != NULL);
    if (gif) {
        long mismatch;
        CHECK(replay_psnr(&c, gif, &mismatch) > 35);
        free_gif(gif);
    }
}

static int dist2(GifColorType c, uint32_t rgb)
{
    int dr = c.Red - (int)(rgb >> 16 & 0xff), dg = c.Green - (int)(rgb >> 8 & 0xff),
        db = c.Blue - (int)(rgb & 0xff);
    return dr * dr + dg * dg + db * db;
}

static void gif_near_ties_stay_close_to_the_nearest_colour(void)
{
    /* Near ties (gif_ties.c): a pixel may be written in a colour a
     * little farther from its source than the nearest in its table, the
     * more so the sooner it is replaced. Every pixel an image writes must
     * be within the largest extra (255, squared RGB distance) of the
     * nearest, and pixels that never change within the largest slack
     * (64), since they are shown for the whole animation. The clip must
     * use ties for the test to mean anything: some pixels are farther
     * than the hysteresis alone allows (10). */
    enum { W = 480, H = 270, N = 32 };
    struct clip c = {.draw = draw_clusters, .width = W, .height = H,
                     .nframes = N, .fps_num = 10, .analyze = 1};
    char path[256];
    tmp_path(path, sizeof path, "ties.gif");
    CHECK(encode_clip(&c, path, NULL) == 0);
    GifFileType *gif = load_gif(path);
    CHECK(gif != NULL);
    if (!gif)
        return;
    CHECK(gif->ImageCount == N / 4);
    /* Which pixels ever change. */
    cairo_surface_t *first = render(&c, 0);
    struct frame f0 = frame_of(first, 0);
    uint8_t *still = malloc(W * H);
    memset(still, 1, W * H);
    for (int i = 4; i < N; i += 4) {
        cairo_surface_t *s = render(&c, i);
        struct frame f = frame_of(s, i);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                if (frame_pixel(&f, x, y) != frame_pixel(&f0, x, y))
                    still[y * W + x] = 0;
        cairo_surface_destroy(s);
    }
    long farther[2] = {0, 0}, worst_moving = 0, worst_still = 0;
    for (int k = 0; k < gif->ImageCount; k++) {
        const SavedImage *im = &gif->SavedImages[k];
        const GifImageDesc *d = &im->ImageDesc;
        const ColorMapObject *map = d->ColorMap ? d->ColorMap : gif->SColorMap;
        int t = gcb_of(gif, k).TransparentColor;
        cairo_surface_t *s = render(&c, 4 * k);
        struct frame f = frame_of(s, 4 * k);
        for (int y = 0; y < d->Height; y++)
            for (int x = 0; x < d->Width; x++) {
                int idx = im->RasterBits[y * d->Width + x];
                if (idx == t)
                    continue;
                int px = d->Left + x, py = d->Top + y;
                uint32_t src = frame_pixel(&f, px, py) & 0xffffff;
                int best = INT32_MAX;
                for (int j = 0; j < map->ColorCount; j++)
                    if (j != t && dist2(map->Colors[j], src) < best)
                        best = dist2(map->Colors[j], src);
                long extra = dist2(map->Colors[idx], src) - best;
                farther[k > 0] += extra > 10;
                if (still[py * W + px] && extra > worst_still)
                    worst_still = extra;
                if (!still[py * W + px] && extra > worst_moving)
                    worst_moving = extra;
            }
        cairo_surface_destroy(s);
    }
    CHECK(farther[0] > 0 && farther[1] > 0);    /* first and later images */
    CHECK(worst_moving <= 255);
    CHECK(worst_still <= 64);
    long mismatch;
    CHECK(replay_psnr(&c, gif, &mismatch) > 35);
    cairo_surface_destroy(first);
    free(still);
    free_gif(gif);
}

static void remove_tmp_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp_dir);
}

int main(void)
{
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(gif_header_is_gif89a_looping_forever);
    RUN(gif_merges_identical_consecutive_frames);
    RUN(gif_delays_sum_to_duration);
    RUN(gif_short_delays_are_raised_and_paid_back);
    RUN(gif_even_delays_are_all_the_rounded_frame_time);
    RUN(gif_stores_only_changed_rectangles);
    RUN(gif_round_trip_is_exact_with_few_colours);
    RUN(gif_round_trip_is_close_with_antialiasing);
    RUN(gif_palette_respects_max_colors_with_many_colours);
    RUN(gif_builds_palette_from_first_frame_without_analyze);
    RUN(gif_maps_transparent_pixels_to_background);
    RUN(gif_two_colour_palette_merges_what_it_cannot_show);
    RUN(gif_long_stills_continue_through_filler_images);
    RUN(gif_output_is_deterministic);
    RUN(gif_open_fails_on_unwritable_path);
    RUN(gif_close_reports_a_full_disk);
    RUN(gif_close_fails_when_frames_are_missing);
    RUN(gif_discard_leaves_file_unfinished);
    RUN(lzw_round_trip_is_exact_on_random_data);
    RUN(lzw_round_trip_is_exact_on_flat_and_tiny_data);
    RUN(lzw_run_alignment_round_trips_and_pays);
    RUN(lzw_matches_giflib_byte_for_byte_on_runs);
    RUN(lzw_either_pixels_decode_to_one_of_the_two);
    RUN(gif_dither_modes_make_valid_different_gifs);
    RUN(gif_rejects_an_unknown_dither_mode);
    RUN(gif_plot_output_is_deterministic);
    RUN(gif_near_ties_stay_close_to_the_nearest_colour);
    remove_tmp_dir();
    return CHECK_SUMMARY();
}
