/* outfile: the one place where encoders that write through stdio create and
 * finish their output file, so that every such failure is reported the same
 * way ("mlanim: error: gif: cannot create 'x.gif': Permission denied") and
 * a write error that stdio only remembers (buffered data, a full disk found
 * at fclose) is never mistaken for a complete file. */
#ifndef ENCODE_OUTFILE_H
#define ENCODE_OUTFILE_H

#include <stdio.h>

/* Creates (truncates) path for binary writing. On failure reports with the
 * kind's name as prefix and returns NULL. */
FILE *outfile_open(const char *path, const char *kind);

/* Flushes and closes fp; returns 0 only if every write and the close
 * succeeded, else reports once and returns -1. fp is closed either way. */
int outfile_close(FILE *fp, const char *kind);

/* Closes fp without checking anything: for discard and error paths, where
 * the file is going to be removed and a second report would be noise. */
void outfile_abandon(FILE *fp);

#endif
