/* Test helper: load a scene from YAML text (written to a temporary file so
 * the real loader, with its file:line:col messages, is what runs). */
#ifndef SCENE_UTIL_H
#define SCENE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scene.h"

static struct scene *scene_from_text(const char *yaml)
{
    char path[] = "/tmp/mlanim-test-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    fputs(yaml, f);
    fclose(f);
    struct scene *s = scene_load(path);
    unlink(path);
    return s;
}

#endif
