/* asset: where a file a script names (a data file, later an image or a
 * font) is looked for, and the rule that keeps it inside the project.
 *
 * A name is relative: it is looked for beside the script, then in the
 * project's assets/ folder ("assets/x.csv" may also be written). The project
 * is the nearest folder, from the script's own upwards, that holds an
 * assets/ folder; without one it is the script's folder. Refused with a
 * located error: absolute names, names whose real path (after "..", and
 * after symbolic links) leaves the project, and anything that is not a
 * regular file (a FIFO, a device, a folder). A scene published with the book
 * can thus never read, or quote in an error, a file from elsewhere on the
 * machine.
 *
 * Ownership: the returned path is the caller's to free. It is the path as
 * looked for (relative to the working folder when the script's is), so that
 * messages located in the file read "assets/x.csv:3:5: ...". */
#ifndef ASSET_H
#define ASSET_H

#include <sys/types.h>
#include "diag.h"

/* NULL after reporting at `at`; what names the file in messages ("data
 * file"). */
char *asset_resolve(const char *script_dir, const char *name, const struct diag_loc *at,
                    const char *what);

/* "a folder", "a named pipe (FIFO)", "a character device", ...: what a
 * file that is not a regular one is, for messages. */
const char *asset_file_kind(mode_t m);

/* Every file resolved (and each script a scene loads, which scene_load adds)
 * is logged, so that what a render read can be hashed: scene_load takes the
 * log into the scene (scene.inputs). The log is the process's; scenes are
 * loaded one at a time. asset_log_take hands over the paths (the caller
 * frees them and the array) and empties the log. */
void asset_log_add(const char *path);
int asset_log_take(char ***paths);

#endif
