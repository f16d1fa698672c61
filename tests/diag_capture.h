/* Test helper: capture what diag prints, to check messages and their
 * file:line:col. One capture at a time. */
#ifndef DIAG_CAPTURE_H
#define DIAG_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include "diag.h"

static FILE *capture_file;
static char *capture_buf;
static size_t capture_len;

static void capture_start(void)
{
    capture_buf = NULL;
    capture_len = 0;
    capture_file = open_memstream(&capture_buf, &capture_len);
    diag_set_stream(capture_file);
    diag_reset();
}

/* Everything diag printed since capture_start, valid until capture_end. */
static const char *capture_text(void)
{
    fflush(capture_file);
    return capture_buf ? capture_buf : "";
}

static void capture_end(void)
{
    diag_set_stream(NULL);
    fclose(capture_file);
    free(capture_buf);
}

#endif
