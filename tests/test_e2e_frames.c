/* The frames output: one PNG per frame, numbered from 0, holding exactly
 * the pictures the other encoders receive; a re-render replaces the whole
 * folder, so no frame of an older, longer render survives. */
#define _DEFAULT_SOURCE
#include <cairo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static char dir[] = "/tmp/mlanim-frames-XXXXXX";

static int render(const char *scene, const char *formats)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "'%s/mlanim' render -q --scale 0.5 -f %s -o '%s' '%s'", BINARY_DIR,
             formats, dir, scene);
    return system(cmd);
}

static int count_frames(const char *id)
{
    int n = 0;
    char path[512];
    for (;; n++) {
        snprintf(path, sizeof(path), "%s/%s/frames/%05d.png", dir, id, n);
        if (access(path, F_OK) != 0)
            return n;
    }
}

static int same_pixels(const char *a, const char *b)
{
    cairo_surface_t *sa = cairo_image_surface_create_from_png(a);
    cairo_surface_t *sb = cairo_image_surface_create_from_png(b);
    int ok = cairo_surface_status(sa) == CAIRO_STATUS_SUCCESS &&
             cairo_surface_status(sb) == CAIRO_STATUS_SUCCESS &&
             cairo_image_surface_get_width(sa) == cairo_image_surface_get_width(sb) &&
             cairo_image_surface_get_height(sa) == cairo_image_surface_get_height(sb);
    for (int y = 0; ok && y < cairo_image_surface_get_height(sa); y++)
        ok = memcmp(cairo_image_surface_get_data(sa) + y * cairo_image_surface_get_stride(sa),
                    cairo_image_surface_get_data(sb) + y * cairo_image_surface_get_stride(sb),
                    (size_t)cairo_image_surface_get_width(sa) * 4) == 0;
    cairo_surface_destroy(sa);
    cairo_surface_destroy(sb);
    return ok;
}

/* gd-1d-moderate paced slowly (three frames a step, a held end), so that
 * frames repeat: the lesson itself has one frame per step. */
static char paced[512];

static int write_paced(void)
{
    char cmd[2048];
    snprintf(paced, sizeof(paced), "%s/paced.yaml", dir);
    snprintf(cmd, sizeof(cmd),
             "sed -e 's/^frames: .*/frames: {every: 1, per_step: 0.3s, hold: 2}/' "
             "-e 's/^canvas: .*/canvas: {width: 800, height: 600, fps: 10}/' "
             "scenes/gd-1d-moderate.yaml > '%s' && grep -q '^frames: {every: 1, per_step: 0.3s' '%s'",
             paced, paced);
    return system(cmd);
}

static void frames_are_numbered_from_zero_one_per_frame(void)
{
    CHECK(write_paced() == 0);
    CHECK(render(paced, "frames,png") == 0);
    CHECK(count_frames("gd-1d-moderate") == 113);   /* 31 steps x 3 + 2 s at 10 fps */
    char path[512];
    snprintf(path, sizeof(path), "%s/gd-1d-moderate/frames/00113.png", dir);
    CHECK(access(path, F_OK) != 0);
}

static void last_frame_is_the_poster_pixel_for_pixel(void)
{
    char a[512], b[512];
    snprintf(a, sizeof(a), "%s/gd-1d-moderate/frames/00112.png", dir);
    snprintf(b, sizeof(b), "%s/gd-1d-moderate/gd-1d-moderate.png", dir);
    CHECK(same_pixels(a, b));
    snprintf(b, sizeof(b), "%s/gd-1d-moderate/frames/00000.png", dir);
    CHECK(!same_pixels(a, b));
}

static void repeated_frames_are_links_to_one_file(void)
{
    char a[512], b[512];
    struct stat sa, sb;
    /* Frames 0..2 show step 0 (three frames per step). */
    snprintf(a, sizeof(a), "%s/gd-1d-moderate/frames/00000.png", dir);
    snprintf(b, sizeof(b), "%s/gd-1d-moderate/frames/00002.png", dir);
    CHECK(stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino);
    snprintf(b, sizeof(b), "%s/gd-1d-moderate/frames/00003.png", dir);
    CHECK(stat(b, &sb) == 0 && sa.st_ino != sb.st_ino);
}

static void a_shorter_render_leaves_no_stale_frames(void)
{
    /* Same id, fewer frames: the folder is replaced as a whole. */
    char scene[512], cmd[1024];
    snprintf(scene, sizeof(scene), "%s/short.yaml", dir);
    snprintf(cmd, sizeof(cmd),
             "sed 's/^frames: .*/frames: {every: 1, per_step: 1, hold: 0}/' "
             "scenes/gd-1d-moderate.yaml > '%s'", scene);
    CHECK(system(cmd) == 0);
    CHECK(render(scene, "frames") == 0);
    CHECK(count_frames("gd-1d-moderate") == 31);
    /* And the lesson itself: the original's 30 frames, steps 1 to 30. */
    CHECK(render("scenes/gd-1d-moderate.yaml", "frames") == 0);
    CHECK(count_frames("gd-1d-moderate") == 30);
    snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/gd-1d-moderate' | grep '^\\.')\"", dir);
    CHECK(system(cmd) == 0);        /* no temporaries or backups left */
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    RUN(frames_are_numbered_from_zero_one_per_frame);
    RUN(last_frame_is_the_poster_pixel_for_pixel);
    RUN(repeated_frames_are_links_to_one_file);
    RUN(a_shorter_render_leaves_no_stale_frames);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return CHECK_SUMMARY();
}
