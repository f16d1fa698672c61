/* Streaming: rendering 40 times more frames must not need more memory.
 * Runs the CLI on the same lesson with ~50 and ~2000 frames and compares
 * the peak resident size of the two processes (getrusage via wait4). */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static const char *scene_text(int every)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf),
             "id: mem\nmodel: {kind: parabola, x0: 1.2345, center: 10}\n"
             "trainer: {kind: gd, learning_rate: 0.001, steps: 2000}\n"
             "frames: {every: %d, hold: 0}\n"
             "panels: [{kind: descent, x_range: [0, 20], y_range: [-5, 105]}]\n"
             "outputs: {formats: [gif, mp4]}\n", every);
    return buf;
}

/* Peak RSS in KB of `mlanim render` on a scene; -1 on failure. */
static long peak_kb(const char *dir, int every)
{
    char path[512], out[512];
    snprintf(path, sizeof(path), "%s/mem-%d.yaml", dir, every);
    snprintf(out, sizeof(out), "%s/out", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(scene_text(every), f);
    fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        execl(BINARY_DIR "/mlanim", "mlanim", "render", "-q", "--scale", "0.5", "-o", out, path,
              (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return -1;
    return ru.ru_maxrss;
}

static void memory_does_not_grow_with_frame_count(void)
{
    char dir[] = "/tmp/mlanim-mem-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    long few = peak_kb(dir, 40);        /* 51 frames */
    long many = peak_kb(dir, 1);        /* 2001 frames */
    fprintf(stderr, "peak RSS: %ld KB for 51 frames, %ld KB for 2001 frames\n", few, many);
    CHECK(few > 0 && many > 0);
    /* Holding even a tenth of 2001 frames of 400x225 ARGB would add
     * 70 MB; allow 10% (x264's lookahead and allocator noise). Under
     * AddressSanitizer (tools/test-sanitize) the allocator keeps more
     * around even with its quarantine off (tests/CMakeLists.txt): about 8%
     * measured, so allow 20% there; 70 MB is still far past either. */
#if defined(__SANITIZE_ADDRESS__)
    CHECK(many < few + few / 5);
#else
    CHECK(many < few + few / 10);
#endif
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    RUN(memory_does_not_grow_with_frame_count);
    return CHECK_SUMMARY();
}
