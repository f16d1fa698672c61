/* commit: a scene's outputs appear all at once, or not at all.
 *
 * A render writes every file of a scene (outputs, poster, frames folder,
 * manifest) into a staging folder beside the scene's folder,
 * OUT/.mlanim-stage-PID-ID, and commit_finish() swaps the staging folder for
 * OUT/ID in one rename (renameat2 RENAME_EXCHANGE), so that at every
 * instant, even if the process is killed with SIGKILL, OUT/ID is either the
 * complete old set or the complete new one and the manifest's sizes and
 * hashes always describe the files beside it. Files of the old set that this
 * render did not remake (an MP4 when only `-f gif` was asked for) are carried
 * into the new set by hard links. A lock file, OUT/.mlanim-lock-ID, makes
 * concurrent renders of one scene commit one after the other.
 *
 * A file outside the set (the --trace FILE) is written under a temporary
 * name beside it and renamed after the swap; a device or pipe there
 * (/dev/stdout) is written directly.
 *
 * Leftovers of renders that were killed (their staging folders and
 * temporaries, named with a PID that no longer runs) are removed by the
 * next commit_begin() in the same output folder.
 *
 * Life cycle: commit_begin -> commit_path / commit_side ... -> commit_finish
 * or commit_abort; commit_release in every case. */
#ifndef COMMIT_H
#define COMMIT_H

struct commit_side {
    char *final, *temp;
    int direct;                 /* a device or pipe: written in place */
};

struct commit {
    char *out_dir;              /* OUT */
    char *final_dir;            /* OUT/ID */
    char *stage_dir;            /* OUT/.mlanim-stage-PID-ID */
    char *lock_path;            /* OUT/.mlanim-lock-ID */
    int made_out_dir;
    struct commit_side sides[2];
    int nsides;
};

/* Creates OUT (and parents) if needed, sweeps dead renders' leftovers and
 * makes the staging folder. 0, or -1 after reporting. */
int commit_begin(struct commit *c, const char *out_dir, const char *id);

/* OUT/.mlanim-stage-PID-ID/NAME, where the render writes NAME; caller frees. */
char *commit_path(const struct commit *c, const char *name);

/* A file outside the set: returns the path to write it to (the caller does
 * not free it), or NULL after reporting (a folder in the way). */
const char *commit_side(struct commit *c, const char *final);

/* Carries over what the old set has and the new one lacks, swaps the sets,
 * removes the old one, then moves the side files into place. 0, or -1
 * after reporting, with the old set in place. */
int commit_finish(struct commit *c);

/* Removes everything staged; the old set stays as it was. */
void commit_abort(struct commit *c);

/* Frees the commit's memory (after finish or abort). */
void commit_release(struct commit *c);

#endif
