/* outfile: create and finish the output file of a stdio-based encoder (see
 * outfile.h). Kept apart so the GIF and PNG kinds share one notion of "the
 * file was written completely": stdio buffers data, so a failed write can
 * surface at any later point up to fclose, and only ferror plus the result
 * of fclose tell the whole story. */
#include <errno.h>
#include <string.h>

#include "diag.h"
#include "outfile.h"

FILE *outfile_open(const char *path, const char *kind)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        diag_fail("%s: cannot create '%s': %s", kind, path, strerror(errno));
    return fp;
}

int outfile_close(FILE *fp, const char *kind)
{
    /* fflush first so that errno describes the failure we report; a stale
     * errno from earlier calls must not be blamed for it. */
    errno = 0;
    int failed = fflush(fp) != 0 || ferror(fp);
    int saved = errno;
    if (fclose(fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed)
        return diag_fail("%s: writing the output file failed: %s", kind,
                         saved ? strerror(saved) : "I/O error");
    return 0;
}

void outfile_abandon(FILE *fp)
{
    if (fp)
        fclose(fp);
}
