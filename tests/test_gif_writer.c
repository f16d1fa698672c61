/* Tests for gif_writer, the GIF89a bitstream of the gif encoder kind, on
 * its own: a small animation is written to memory through the write
 * callback and decoded by giflib through its read callback (DGifOpen), to
 * check the screen, the global and local tables, each image's place,
 * delay, transparency and pixel indices, the loop extension, and the
 * framing of the image data in 255-byte sub-blocks. The same images
 * written through the stdio wrapper give the same bytes. A callback that
 * fails, at whatever byte, makes every later call fail without calling it
 * again (the writer allocates nothing, so there is nothing to leak; run
 * under valgrind --leak-check=full to see). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>

#include "check.h"
#include "encode/gif_lzw.h"
#include "encode/gif_writer.h"
#include "gif_util.h"

/* ---- memory callbacks ----------------------------------------------------- */

/* A growing buffer; fail_at, when >= 0, is the byte count past which a
 * write fails (with errno ENOSPC), as a disk that fills up. */
struct sink {
    unsigned char *data;
    size_t len, cap;
    long fail_at;
    int calls, calls_after_failure, failed;
};

static int sink_write(void *ctx, const void *buf, size_t len)
{
    struct sink *s = ctx;
    s->calls++;
    if (s->failed)
        s->calls_after_failure++;
    if (s->fail_at >= 0 && s->len + len > (size_t)s->fail_at) {
        s->failed = 1;
        errno = ENOSPC;
        return -1;
    }
    if (s->len + len > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        while (cap < s->len + len)
            cap *= 2;
        unsigned char *p = realloc(s->data, cap);
        if (!p)
            return -1;
        s->data = p;
        s->cap = cap;
    }
    memcpy(s->data + s->len, buf, len);
    s->len += len;
    return 0;
}

/* ---- a small animation ---------------------------------------------------- */

enum { W = 64, H = 40, NIMAGES = 3 };

static uint32_t lcg_state = 1;

static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

/* Three images of indices px[k]: the whole screen in five colours of the
 * global table (slot 5 transparent); a 4x3 checker with a 2-colour local
 * table and no transparency; 8-bit noise (thousands of bytes, so many
 * sub-blocks) with a 256-colour local table, transparent index 200. */
struct anim {
    struct gif_palette global, local2, local256;
    struct gif_image im[NIMAGES];
    uint8_t *px[NIMAGES];
    int delay[NIMAGES];
};

static int encode_indices(struct lzw *z, struct gif_image *im, const uint8_t *px)
{
    int maxv = 0;
    for (int i = 0; i < im->w * im->h; i++)
        if (px[i] > maxv)
            maxv = px[i];
    im->min_bits = lzw_min_bits(maxv);
    if (lzw_encode(z, px, NULL, (size_t)im->w * im->h, im->min_bits,
                   LZW_CLEAR_WHEN_FULL, -1) < 0)
        return -1;
    im->data = malloc(z->len);
    if (!im->data)
        return -1;
    memcpy(im->data, z->out, z->len);
    im->len = im->cap = z->len;
    return 0;
}

static void free_anim(struct anim *a)
{
    for (int k = 0; k < NIMAGES; k++) {
        free(a->im[k].data);
        free(a->px[k]);
    }
}

static int make_anim(struct anim *a)
{
    memset(a, 0, sizeof *a);
    static const uint8_t cols[5][3] = {
        {255, 255, 255}, {200, 30, 40}, {20, 90, 200}, {30, 160, 60}, {0, 0, 0}};
    memcpy(a->global.rgb, cols, sizeof cols);
    a->global.nslots = 6;                   /* 5 colours + transparent: 8 entries */
    a->global.transparent = 5;
    a->local2.rgb[0][0] = 255;
    a->local2.rgb[1][2] = 255;
    a->local2.nslots = 2;
    a->local2.transparent = -1;
    for (int i = 0; i < 256; i++) {
        a->local256.rgb[i][0] = (uint8_t)i;
        a->local256.rgb[i][1] = (uint8_t)(255 - i);
        a->local256.rgb[i][2] = (uint8_t)(i * 7);
    }
    a->local256.nslots = 256;
    a->local256.transparent = 200;

    a->im[0] = (struct gif_image){.x = 0, .y = 0, .w = W, .h = H,
                                  .transparent = 5};
    a->im[1] = (struct gif_image){.x = 3, .y = 2, .w = 4, .h = 3, .lct_bits = 1,
                                  .lct = &a->local2, .transparent = -1};
    a->im[2] = (struct gif_image){.x = 2, .y = 1, .w = 60, .h = 36, .lct_bits = 8,
                                  .lct = &a->local256, .transparent = 200};
    a->delay[0] = 7;
    a->delay[1] = 300;
    a->delay[2] = 65535;

    struct lzw z;
    if (lzw_init(&z) < 0)
        return -1;
    int rc = 0;
    lcg_state = 1;
    for (int k = 0; k < NIMAGES && rc == 0; k++) {
        struct gif_image *im = &a->im[k];
        a->px[k] = malloc((size_t)im->w * im->h);
        if (!a->px[k]) {
            rc = -1;
            break;
        }
        for (int y = 0; y < im->h; y++)
            for (int x = 0; x < im->w; x++) {
                int v = k == 0 ? (x / 3 + y) % 5 : k == 1 ? (x + y) % 2 : (int)(lcg() % 256);
                a->px[k][y * im->w + x] = (uint8_t)v;
            }
        rc = encode_indices(&z, im, a->px[k]);
    }
    lzw_free(&z);
    return rc;
}

/* Writes the animation; returns the first failing call's result (0 when
 * all succeeded) and in *first_failure the step that failed (-1: none;
 * 0 header, 1..NIMAGES an image, NIMAGES + 1 the trailer). Every step is
 * taken whatever happened before, as the encoder may do. */
static int write_anim(struct gif_writer *w, const struct anim *a, int *first_failure)
{
    int rcs[NIMAGES + 2];
    rcs[0] = gif_writer_header(w, W, H, &a->global);
    for (int k = 0; k < NIMAGES; k++)
        rcs[1 + k] = gif_writer_image(w, &a->im[k], a->delay[k]);
    rcs[NIMAGES + 1] = gif_writer_trailer(w);
    *first_failure = -1;
    for (int i = 0; i < NIMAGES + 2; i++)
        if (rcs[i] != 0) {
            *first_failure = i;
            /* Sticky: once a step fails, every later one does too. */
            for (int j = i; j < NIMAGES + 2; j++)
                CHECK(rcs[j] == -1);
            return rcs[i];
        }
    return 0;
}

static GraphicsControlBlock gcb_of(GifFileType *gif, int image)
{
    GraphicsControlBlock gcb = {.DisposalMode = -1, .DelayTime = -1,
                                .TransparentColor = NO_TRANSPARENT_COLOR};
    DGifSavedExtensionToGCB(gif, image, &gcb);
    return gcb;
}

static int same_colours(const ColorMapObject *map, const struct gif_palette *pal)
{
    for (int i = 0; i < map->ColorCount; i++) {
        int r = i < pal->nslots ? pal->rgb[i][0] : 0;
        int g = i < pal->nslots ? pal->rgb[i][1] : 0;
        int b = i < pal->nslots ? pal->rgb[i][2] : 0;
        if (map->Colors[i].Red != r || map->Colors[i].Green != g || map->Colors[i].Blue != b)
            return 0;
    }
    return 1;
}

/* ---- tests ---------------------------------------------------------------- */

static void writer_output_decodes_from_memory_with_giflib(void)
{
    struct anim a;
    CHECK(make_anim(&a) == 0);
    struct sink s = {.fail_at = -1};
    struct gif_writer w;
    gif_writer_init(&w, sink_write, &s);
    int failed_step;
    CHECK(write_anim(&w, &a, &failed_step) == 0);
    CHECK(failed_step == -1);
    CHECK(gif_writer_status(&w) == 0);
    CHECK(s.len > 13 && memcmp(s.data, "GIF89a", 6) == 0);
    CHECK(s.len > 0 && s.data[s.len - 1] == 0x3b);

    struct gif_mem m = {.data = s.data, .len = s.len};
    GifFileType *gif = load_gif_memory(&m);
    CHECK(gif != NULL);
    if (gif) {
        CHECK(m.pos == s.len);          /* giflib read it all, trailer included */
        CHECK(gif->SWidth == W && gif->SHeight == H);
        CHECK(gif->SColorMap != NULL);
        if (gif->SColorMap) {
            CHECK(gif->SColorMap->ColorCount == 8);     /* 6 slots, padded */
            CHECK(same_colours(gif->SColorMap, &a.global));
        }
        CHECK(gif->ImageCount == NIMAGES);
        for (int k = 0; k < gif->ImageCount && k < NIMAGES; k++) {
            const SavedImage *si = &gif->SavedImages[k];
            const GifImageDesc *d = &si->ImageDesc;
            const struct gif_image *im = &a.im[k];
            CHECK(d->Left == im->x && d->Top == im->y);
            CHECK(d->Width == im->w && d->Height == im->h);
            CHECK(!d->Interlace);
            CHECK((d->ColorMap != NULL) == (im->lct_bits != 0));
            if (d->ColorMap && im->lct) {
                CHECK(d->ColorMap->ColorCount == 1 << im->lct_bits);
                CHECK(same_colours(d->ColorMap, im->lct));
            }
            GraphicsControlBlock gcb = gcb_of(gif, k);
            CHECK(gcb.DelayTime == a.delay[k]);
            CHECK(gcb.DisposalMode == DISPOSE_DO_NOT);
            CHECK(gcb.TransparentColor ==
                  (im->transparent >= 0 ? im->transparent : NO_TRANSPARENT_COLOR));
            long wrong = 0;
            for (int i = 0; i < im->w * im->h; i++)
                wrong += si->RasterBits[i] != a.px[k][i];
            CHECK(wrong == 0);
        }
        /* The loop extension comes with the first image: NETSCAPE2.0, then
         * the sub-block {1, 0, 0}: loop forever. */
        int loops = 0;
        const SavedImage *first = &gif->SavedImages[0];
        for (int i = 0; i + 1 < first->ExtensionBlockCount; i++) {
            const ExtensionBlock *b = &first->ExtensionBlocks[i];
            if (b->Function == APPLICATION_EXT_FUNC_CODE && b->ByteCount == 11 &&
                memcmp(b->Bytes, "NETSCAPE2.0", 11) == 0)
                loops = b[1].ByteCount == 3 && b[1].Bytes[0] == 1 &&
                        b[1].Bytes[1] == 0 && b[1].Bytes[2] == 0;
        }
        CHECK(loops);
        free_gif(gif);
    }
    CHECK(a.im[2].len > 3 * 255);   /* the noise image spans several sub-blocks */
    free(s.data);
    free_anim(&a);
}

static void writer_to_file_writes_the_same_bytes_as_to_memory(void)
{
    struct anim a;
    CHECK(make_anim(&a) == 0);
    struct sink s = {.fail_at = -1};
    struct gif_writer w;
    gif_writer_init(&w, sink_write, &s);
    int failed_step;
    CHECK(write_anim(&w, &a, &failed_step) == 0);

    FILE *fp = tmpfile();
    CHECK(fp != NULL);
    if (fp) {
        gif_writer_init(&w, gif_writer_stdio, fp);
        CHECK(write_anim(&w, &a, &failed_step) == 0);
        CHECK(fflush(fp) == 0);
        long size = ftell(fp);
        CHECK(size == (long)s.len);
        unsigned char *back = malloc(s.len ? s.len : 1);
        rewind(fp);
        CHECK(back && fread(back, 1, s.len, fp) == s.len);
        CHECK(back && memcmp(back, s.data, s.len) == 0);
        free(back);
        fclose(fp);
    }
    free(s.data);
    free_anim(&a);
}

static void writer_frames_image_data_in_255_byte_sub_blocks(void)
{
    /* The writer does not look into the data: 256 bytes are one full
     * sub-block, one of 1 byte and the empty terminator. */
    uint8_t data[256];
    for (int i = 0; i < 256; i++)
        data[i] = (uint8_t)(i ^ 0x5a);
    struct gif_palette pal = {.nslots = 2, .transparent = -1};
    struct gif_image im = {.x = 1, .y = 2, .w = 3, .h = 4, .min_bits = 2,
                           .transparent = 1, .data = data, .len = sizeof data};
    struct sink s = {.fail_at = -1};
    struct gif_writer w;
    gif_writer_init(&w, sink_write, &s);
    CHECK(gif_writer_header(&w, 8, 8, &pal) == 0);
    size_t start = s.len;
    CHECK(start == 13 + 3 * 2 + 19);       /* header, 2-entry table, loop */
    CHECK(gif_writer_image(&w, &im, 258) == 0);
    const unsigned char *b = s.data + start;
    static const unsigned char gce[8] = {0x21, 0xf9, 4, 0x05, 2, 1, 1, 0};
    static const unsigned char desc[10] = {0x2c, 1, 0, 2, 0, 3, 0, 4, 0, 0};
    CHECK(s.len == start + 8 + 10 + 1 + (1 + 255) + (1 + 1) + 1);
    if (s.len == start + 8 + 10 + 1 + (1 + 255) + (1 + 1) + 1) {
        CHECK(memcmp(b, gce, 8) == 0);
        CHECK(memcmp(b + 8, desc, 10) == 0);
        CHECK(b[18] == 2);                  /* minimum code size */
        CHECK(b[19] == 255 && memcmp(b + 20, data, 255) == 0);
        CHECK(b[275] == 1 && b[276] == data[255]);
        CHECK(b[277] == 0);
    }
    /* No data at all: only the terminator follows the code size. */
    im.len = 0;
    size_t before = s.len;
    CHECK(gif_writer_image(&w, &im, 0) == 0);
    CHECK(s.len == before + 8 + 10 + 1 + 1 && s.data[s.len - 1] == 0);
    free(s.data);
}

static void writer_stops_cleanly_when_the_callback_fails(void)
{
    struct anim a;
    CHECK(make_anim(&a) == 0);
    struct sink full = {.fail_at = -1};
    struct gif_writer w;
    gif_writer_init(&w, sink_write, &full);
    int failed_step;
    CHECK(write_anim(&w, &a, &failed_step) == 0);
    long total = (long)full.len;
    free(full.data);

    /* The disk fills up after every possible byte count. */
    long bad = 0;
    int steps_seen[NIMAGES + 2] = {0};
    for (long at = 0; at < total; at++) {
        struct sink s = {.fail_at = at};
        gif_writer_init(&w, sink_write, &s);
        int rc = write_anim(&w, &a, &failed_step);
        int ok = rc == -1 && gif_writer_status(&w) == -1 &&
                 w.errnum == ENOSPC && s.failed && s.calls_after_failure == 0 &&
                 (long)s.len <= at && failed_step >= 0;
        bad += !ok;
        if (failed_step >= 0)
            steps_seen[failed_step] = 1;
        free(s.data);
    }
    CHECK(bad == 0);
    for (int i = 0; i < NIMAGES + 2; i++)
        CHECK(steps_seen[i]);           /* every step was made to fail */

    /* Failing at the first byte: the callback is called once, no more. */
    struct sink s = {.fail_at = 0};
    gif_writer_init(&w, sink_write, &s);
    CHECK(gif_writer_header(&w, W, H, &a.global) == -1);
    CHECK(s.calls == 1);
    CHECK(gif_writer_image(&w, &a.im[0], 1) == -1);
    CHECK(gif_writer_trailer(&w) == -1);
    CHECK(s.calls == 1 && s.len == 0);
    free(s.data);
    free_anim(&a);
}

static int positive_failure(void *ctx, const void *buf, size_t len)
{
    (void)buf;
    (void)len;
    ++*(int *)ctx;
    return 1;
}

static void writer_treats_any_non_zero_result_as_failure(void)
{
    struct gif_palette pal = {.nslots = 2, .transparent = -1};
    int calls = 0;
    struct gif_writer w;
    gif_writer_init(&w, positive_failure, &calls);
    CHECK(gif_writer_header(&w, 1, 1, &pal) == -1);
    CHECK(gif_writer_trailer(&w) == -1);
    CHECK(calls == 1);
    CHECK(w.errnum == 0);               /* the callback set no errno */
}

static void writer_stdio_fails_on_a_full_disk(void)
{
    FILE *fp = fopen("/dev/full", "wb");
    CHECK(fp != NULL);
    if (!fp)
        return;
    /* A 256-byte buffer holds the header (56 bytes); the first image
     * overflows it, the flush fails, and the failure shows at that image,
     * not only when the file is closed. */
    static char buf[256];
    setvbuf(fp, buf, _IOFBF, sizeof buf);
    struct anim a;
    CHECK(make_anim(&a) == 0);
    CHECK(a.im[0].len > sizeof buf);
    struct gif_writer w;
    gif_writer_init(&w, gif_writer_stdio, fp);
    int failed_step;
    CHECK(write_anim(&w, &a, &failed_step) == -1);
    CHECK(failed_step == 1);
    CHECK(w.errnum == ENOSPC);
    fclose(fp);
    free_anim(&a);
}

static void table_bits_cover_the_entries(void)
{
    CHECK(gif_table_bits(1) == 1 && gif_table_bits(2) == 1);
    CHECK(gif_table_bits(3) == 2 && gif_table_bits(4) == 2);
    CHECK(gif_table_bits(5) == 3 && gif_table_bits(8) == 3);
    CHECK(gif_table_bits(129) == 8 && gif_table_bits(256) == 8);
}

int main(void)
{
    RUN(writer_output_decodes_from_memory_with_giflib);
    RUN(writer_to_file_writes_the_same_bytes_as_to_memory);
    RUN(writer_frames_image_data_in_255_byte_sub_blocks);
    RUN(writer_stops_cleanly_when_the_callback_fails);
    RUN(writer_treats_any_non_zero_result_as_failure);
    RUN(writer_stdio_fails_on_a_full_disk);
    RUN(table_bits_cover_the_entries);
    return CHECK_SUMMARY();
}
