/* manifest: what a render made, written down for the book and for tools.
 *
 * manifest.json (one per scene folder) names the scene, its timing, each
 * run's end (steps, why it stopped, final values) and every output file with
 * its size and SHA-256, so a reader can trust that the files beside it are
 * the ones described. The trace (--trace FILE, schema 2 in docs/scenes.md)
 * holds every recorded step of every run, and the data.
 *
 * Both writers take a path (a temporary or staged name: the commit moves it
 * into place) and report their own errors. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include "encode.h"
#include "scene.h"
#include "trace.h"

/* One finished output, as the manifest lists it. */
struct manifest_output {
    const struct encoder_kind *kind;
    const char *name;           /* file or folder name inside the scene folder */
    int width, height;          /* as encoded */
    const struct enc_options *eo;   /* frames and rate as encoded */
    const char *budget_note;    /* what a size budget changed, or "" */
    long long bytes;
    char sha256[65];
};

/* SHA-256 and size of an output: a file, or for a folder of nfiles frames
 * (nfiles >= 0) the files 00000.png ... in order, as if concatenated. */
int manifest_digest(const char *path, int nfiles, char out[65], long long *bytes);

/* A variant's outputs: one complete animation per value (scene.h). */
struct manifest_variant {
    const char *path, *value;   /* "trainer.learning_rate", "0.1" */
    const char *suffix;         /* "learning_rate=0.1", in its file names */
    const struct manifest_output *outs;
    int nout;
};

int manifest_write(const struct scene *s, const struct trace *traces, const struct timeline *tl,
                   const struct enc_options *eo, const struct manifest_output *outs, int nout,
                   const struct manifest_variant *vars, int nvars, const char *source_key,
                   const char *path);

/* The source key of a render: SHA-256 of everything its outputs follow
 * from: the mlanim executable itself, the bytes of every file the scene
 * read (s->inputs: its script, data files, clips' scripts), the output
 * name (which carries --set values), the formats asked for and the scale.
 * Two renders with the same key make the same bytes, so `mlanim book`
 * skips a lesson whose manifest has the key it would render with. 0, or -1
 * after reporting (a file that cannot be read). */
int manifest_source_key(const struct scene *s, const char *const *formats, int nformats,
                        double scale, int trace, char out[65]);

/* The trace as JSON: one run's channels and records each, and the data. */
int manifest_write_trace(const struct scene *s, const struct trace *traces, const char *path);

#endif
