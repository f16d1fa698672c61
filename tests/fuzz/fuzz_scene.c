/* libFuzzer harness: scene script text -> validated scene, the path
 * `mlanim check` takes (scene_load: script_parse, every section checked
 * against the kinds' tables, data generated or read, templates checked).
 * Nothing is simulated or rendered and nothing is written but the input.
 *
 * scene_load takes a path (its messages and data files are relative to
 * it), so each input is written to SCRATCH/scenes/fuzz.yaml. The CSV files
 * of the invalid-script corpus are copied beside it first, so that seeds
 * from tests/invalid/ that load one reach the CSV reader. Rejecting an
 * input is the expected outcome: its messages go to /dev/null. A crash, a
 * sanitizer report, a leak or a timeout is a finding. */
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "diag.h"
#include "fuzz_util.h"
#include "scene.h"
#include "util.h"

static char *scene_path;

/* A copy of each CSV file of tests/invalid in dir, under the same name. */
static void copy_csv_files(const char *dir)
{
    glob_t g;
    if (glob(SOURCE_DIR "/tests/invalid/*.csv", 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        FILE *in = fopen(g.gl_pathv[i], "rb");
        if (!in)
            continue;
        struct sbuf b = {0};
        char chunk[4096];
        size_t got;
        while ((got = fread(chunk, 1, sizeof(chunk), in)) > 0)
            sbuf_add(&b, chunk, got);
        fclose(in);
        const char *base = strrchr(g.gl_pathv[i], '/') + 1;
        char *to = path_join(dir, base);
        fuzz_write(to, b.buf ? b.buf : "", b.len);
        free(to);
        sbuf_release(&b);
    }
    globfree(&g);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *dir = path_join(fuzz_scratch(), "scenes");
    if (mkdir(dir, 0700) != 0) {
        perror(dir);
        abort();
    }
    copy_csv_files(dir);
    scene_path = path_join(dir, "fuzz.yaml");
    free(dir);
    /* The set-up must let a good scene through, or every input would stop
     * at the same early error and the fuzzing would test nothing. */
    static const char good[] =
        "id: fuzz\nmodel: {kind: parabola, x0: 1, center: 10}\n"
        "trainer: {kind: gd, learning_rate: 0.1, steps: 10}\n"
        "panels: [{kind: descent, x_range: [0, 20], y_range: [-5, 105]}]\n";
    fuzz_write(scene_path, good, sizeof(good) - 1);
    struct scene *s = scene_load(scene_path);
    if (!s) {
        fprintf(stderr, "fuzz_scene: a valid scene does not load: the harness is broken\n");
        abort();
    }
    scene_free(s);
    fuzz_quiet_diag();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write(scene_path, data, size);
    diag_reset();
    struct scene *s = scene_load(scene_path);
    /* A scene that loads is complete and consistent (scene.h): what a
     * renderer would rely on first. A composite has clips instead of runs
     * and panels; scenes of beats and sweeps may have no trainer (and then
     * no model). */
    if (s && (!s->id || diag_error_count() != 0))
        abort();
    if (s && s->clips.n) {
        for (int i = 0; i < s->clips.n; i++)
            if (!s->clips.scenes || !s->clips.scenes[i])
                abort();
    } else if (s) {
        int clockless = !s->beats.n && !s->sweep.n;
        if (s->nruns < 1 || !s->runs || s->npanels < 1 || !s->panels)
            abort();
        for (int i = 0; i < s->nruns; i++)
            if (!s->runs[i].data || (clockless && (!s->runs[i].model || !s->runs[i].trainer)))
                abort();
    }
    scene_free(s);
    return 0;
}
