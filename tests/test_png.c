/* Tests for the png encoder kind (the poster): the stored picture is decoded
 * with cairo and compared pixel by pixel with the frame that was asked for
 * (poster_frame, or the last frame when it is out of range), the bytes are
 * reproducible, transparency survives, and the failure paths report once:
 * an unwritable path, a poster frame that never arrives, a full disk. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>

#include "check.h"
#include "diag.h"
#include "encode.h"
#include "frame.h"

#define TAU 6.283185307179586

enum { W = 96, H = 64, NFRAMES = 10 };

static char tmp_dir[] = "/tmp/mlanim-png-XXXXXX";

static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmp_dir, name);
}

/* Each frame differs from every other: the disc moves and its colour
 * depends on the index, so a wrong poster cannot match by accident. */
static cairo_surface_t *render(int index, int opaque)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
    cairo_t *cr = cairo_create(s);
    if (opaque) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    cairo_set_source_rgb(cr, 0.1 * index, 0.3, 1 - 0.1 * index);
    cairo_arc(cr, 10 + 7 * index, H / 2.0, 9.5, 0, TAU);
    cairo_fill(cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static struct frame frame_of(cairo_surface_t *s, int index)
{
    return (struct frame){
        .px = (const uint32_t *)cairo_image_surface_get_data(s),
        .width = W, .height = H,
        .stride = cairo_image_surface_get_stride(s),
        .index = index,
    };
}

static struct enc_options options(int poster)
{
    return (struct enc_options){
        .width = W, .height = H, .fps_num = 20, .fps_den = 1,
        .nframes = NFRAMES, .background = 0xFFFFFFFFu,
        .poster_frame = poster,
    };
}

/* Runs the life cycle over frames [0, nframes); returns close's result. */
static int encode(const struct enc_options *opt, const char *path, int nframes,
                  int opaque, int *images)
{
    struct encoder e = {.kind = &encoder_png, .opt = opt};
    e.priv = calloc(1, encoder_png.priv_size);
    int rc = encoder_png.open(&e, path);
    int opened = rc == 0;   /* a failed open releases what it took */
    for (int i = 0; i < nframes && rc == 0; i++) {
        cairo_surface_t *s = render(i, opaque);
        struct frame f = frame_of(s, i);
        rc = encoder_png.add_frame(&e, &f);
        cairo_surface_destroy(s);
    }
    if (rc == 0)
        rc = encoder_png.close(&e);
    else if (opened)
        encoder_png.discard(&e);
    if (images)
        *images = e.images_written;
    free(e.priv);
    return rc;
}

/* Number of pixels of the PNG at path that differ from frame index. With
 * opaque frames only the colour is compared (the PNG has no alpha). */
static long diff_with_frame(const char *path, int index, int opaque)
{
    cairo_surface_t *png = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "%s: %s\n", path,
                cairo_status_to_string(cairo_surface_status(png)));
        cairo_surface_destroy(png);
        return -1;
    }
    cairo_surface_t *src = render(index, opaque);
    struct frame a = frame_of(src, index);
    struct frame b = frame_of(png, index);
    long diff = -1;
    if (cairo_image_surface_get_width(png) == W &&
        cairo_image_surface_get_height(png) == H) {
        uint32_t mask = opaque ? 0x00ffffffu : 0xffffffffu;
        diff = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                diff += (frame_pixel(&a, x, y) & mask) != (frame_pixel(&b, x, y) & mask);
    }
    cairo_surface_destroy(src);
    cairo_surface_destroy(png);
    return diff;
}

static void png_poster_is_the_requested_frame(void)
{
    struct enc_options opt = options(3);
    char path[256];
    tmp_path(path, sizeof path, "poster3.png");
    int images = -1;
    CHECK(encode(&opt, path, NFRAMES, 1, &images) == 0);
    CHECK(images == 1);
    CHECK(diff_with_frame(path, 3, 1) == 0);
    CHECK(diff_with_frame(path, 4, 1) > 0);     /* the check can tell frames apart */
}

static void png_poster_defaults_to_last_frame(void)
{
    char path[256];
    tmp_path(path, sizeof path, "poster-last.png");
    struct enc_options opt = options(-1);
    CHECK(encode(&opt, path, NFRAMES, 1, NULL) == 0);
    CHECK(diff_with_frame(path, NFRAMES - 1, 1) == 0);

    opt = options(NFRAMES);     /* out of range counts as "last" too */
    CHECK(encode(&opt, path, NFRAMES, 1, NULL) == 0);
    CHECK(diff_with_frame(path, NFRAMES - 1, 1) == 0);
}

static void png_opaque_poster_has_no_alpha_channel(void)
{
    char path[256];
    tmp_path(path, sizeof path, "rgb.png");
    struct enc_options opt = options(0);
    CHECK(encode(&opt, path, NFRAMES, 1, NULL) == 0);
    FILE *fp = fopen(path, "rb");
    unsigned char head[26] = {0};
    CHECK(fp && fread(head, 1, sizeof head, fp) == sizeof head);
    if (fp)
        fclose(fp);
    CHECK(memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0);
    CHECK(memcmp(head + 12, "IHDR", 4) == 0);
    CHECK(head[25] == 2);       /* colour type 2: truecolour, no alpha */
}

static void png_keeps_transparency(void)
{
    char path[256];
    tmp_path(path, sizeof path, "alpha.png");
    struct enc_options opt = options(2);
    CHECK(encode(&opt, path, NFRAMES, 0, NULL) == 0);
    CHECK(diff_with_frame(path, 2, 0) == 0);
}

static void png_output_is_deterministic(void)
{
    char a[256], b[256];
    tmp_path(a, sizeof a, "det-a.png");
    tmp_path(b, sizeof b, "det-b.png");
    struct enc_options opt = options(5);
    CHECK(encode(&opt, a, NFRAMES, 1, NULL) == 0);
    CHECK(encode(&opt, b, NFRAMES, 1, NULL) == 0);
    unsigned char bufa[65536], bufb[65536];
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    size_t na = fa ? fread(bufa, 1, sizeof bufa, fa) : 0;
    size_t nb = fb ? fread(bufb, 1, sizeof bufb, fb) : 0;
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    CHECK(na > 0 && na < sizeof bufa);
    CHECK(na == nb && memcmp(bufa, bufb, na) == 0);
}

static void png_open_fails_on_unwritable_path(void)
{
    struct enc_options opt = options(-1);
    struct encoder e = {.kind = &encoder_png, .opt = &opt};
    e.priv = calloc(1, encoder_png.priv_size);
    int errors = diag_error_count();
    CHECK(encoder_png.open(&e, "/nonexistent-mlanim-dir/x.png") == -1);
    CHECK(diag_error_count() == errors + 1);
    free(e.priv);
}

static void png_close_fails_without_the_poster_frame(void)
{
    char path[256];
    tmp_path(path, sizeof path, "missing.png");
    struct enc_options opt = options(-1);
    int errors = diag_error_count();
    /* The last frame (9) never comes. */
    CHECK(encode(&opt, path, NFRAMES - 1, 1, NULL) == -1);
    CHECK(diag_error_count() == errors + 1);
}

static void png_reports_a_full_disk(void)
{
    struct enc_options opt = options(0);
    int errors = diag_error_count();
    CHECK(encode(&opt, "/dev/full", NFRAMES, 1, NULL) == -1);
    CHECK(diag_error_count() == errors + 1);
}

static void png_discard_after_some_frames_leaves_no_poster(void)
{
    char path[256];
    tmp_path(path, sizeof path, "discard.png");
    struct enc_options opt = options(-1);
    struct encoder e = {.kind = &encoder_png, .opt = &opt};
    e.priv = calloc(1, encoder_png.priv_size);
    CHECK(encoder_png.open(&e, path) == 0);
    for (int i = 0; i < 3; i++) {
        cairo_surface_t *s = render(i, 1);
        struct frame f = frame_of(s, i);
        CHECK(encoder_png.add_frame(&e, &f) == 0);
        cairo_surface_destroy(s);
    }
    CHECK(e.images_written == 0);
    encoder_png.discard(&e);
    free(e.priv);
    FILE *fp = fopen(path, "rb");
    CHECK(fp != NULL);
    if (fp) {
        CHECK(fgetc(fp) == EOF);    /* nothing was written */
        fclose(fp);
    }
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
    RUN(png_poster_is_the_requested_frame);
    RUN(png_poster_defaults_to_last_frame);
    RUN(png_opaque_poster_has_no_alpha_channel);
    RUN(png_keeps_transparency);
    RUN(png_output_is_deterministic);
    RUN(png_open_fails_on_unwritable_path);
    RUN(png_close_fails_without_the_poster_frame);
    RUN(png_reports_a_full_disk);
    RUN(png_discard_after_some_frames_leaves_no_poster);
    remove_tmp_dir();
    return CHECK_SUMMARY();
}
