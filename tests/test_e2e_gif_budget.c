/* gif.max_kb: the GIF is re-encoded with fewer colours, then fewer frames
 * per second, then a smaller size until it fits; the manifest says what was
 * done; a budget nothing can meet is an error that writes nothing. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static char dir[] = "/tmp/mlanim-budget-XXXXXX";

static int render_with_budget(int kb, const char *id)
{
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "sed 's/^id: gd-line/id: %s/; s/^  formats: \\[gif, mp4, png\\]/  formats: [gif]\\n"
             "  gif: {max_kb: %d}/' scenes/gd-line.yaml > '%s/%s.yaml' && "
             "'%s/mlanim' render --scale 0.5 -o '%s' '%s/%s.yaml' 2>'%s/%s.err'",
             id, kb, dir, id, BINARY_DIR, dir, dir, id, dir, id);
    return system(cmd);
}

static long size_of(const char *id)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s/%s.gif", dir, id, id);
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strstr(buf, needle) != NULL;
}

static void gif_over_budget_is_reencoded_to_fit(void)
{
    CHECK(render_with_budget(10000, "roomy") == 0);
    long full = size_of("roomy");
    CHECK(full > 60 * 1024);        /* the test needs a budget below this */
    CHECK(render_with_budget(60, "tight") == 0);
    long small = size_of("tight");
    CHECK(small > 0 && small <= 60 * 1024);
    char path[512];
    snprintf(path, sizeof(path), "%s/tight/manifest.json", dir);
    CHECK(file_has(path, "\"budget\": \""));
    snprintf(path, sizeof(path), "%s/roomy/manifest.json", dir);
    CHECK(!file_has(path, "\"budget\""));   /* untouched when it fits */
    snprintf(path, sizeof(path), "%s/tight.err", dir);
    CHECK(file_has(path, "GIF made smaller"));
}

static void impossible_budget_fails_and_writes_nothing(void)
{
    CHECK(render_with_budget(1, "tiny") != 0);
    char path[512];
    snprintf(path, sizeof(path), "%s/tiny", dir);
    CHECK(access(path, F_OK) != 0);
    snprintf(path, sizeof(path), "%s/tiny.err", dir);
    CHECK(file_has(path, "error: the GIF does not fit in 1 KiB"));
}

static void inexact_gif_frame_rate_is_warned_about(void)
{
    char cmd[2048], path[512];
    snprintf(cmd, sizeof(cmd),
             "sed 's/fps: 20/fps: 30/; s/^id: gd-line/id: fps30/' scenes/gd-line.yaml > '%s/fps30.yaml' && "
             "'%s/mlanim' render -f gif --scale 0.25 -o '%s' '%s/fps30.yaml' 2>'%s/fps30.err'",
             dir, BINARY_DIR, dir, dir, dir);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof(path), "%s/fps30.err", dir);
    CHECK(file_has(path, "warning: 30 fps cannot be shown exactly in a GIF"));
    /* -q silences everything but errors, warnings included. */
    snprintf(cmd, sizeof(cmd),
             "'%s/mlanim' render -q -f gif --scale 0.25 -o '%s' '%s/fps30.yaml' 2>'%s/fps30q.err'",
             BINARY_DIR, dir, dir, dir);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof(path), "%s/fps30q.err", dir);
    CHECK(!file_has(path, "warning"));
    /* 20 fps is 5 cs a frame: no warning. */
    snprintf(cmd, sizeof(cmd),
             "'%s/mlanim' render -f gif --scale 0.25 -o '%s' scenes/gd-line.yaml 2>'%s/fps20.err'",
             BINARY_DIR, dir, dir);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof(path), "%s/fps20.err", dir);
    CHECK(!file_has(path, "warning"));
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    RUN(gif_over_budget_is_reencoded_to_fit);
    RUN(impossible_budget_fails_and_writes_nothing);
    RUN(inexact_gif_frame_rate_is_warned_about);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return CHECK_SUMMARY();
}
