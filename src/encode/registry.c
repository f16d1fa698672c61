/* The table of encoder kinds: adding a format is one file and one row. */
#include <string.h>
#include "encode.h"

const struct encoder_kind *const encoder_kinds[] = {
    &encoder_frames,
    &encoder_gif,
    &encoder_mp4,
    &encoder_png,
    &encoder_webm,
    NULL,
};

const struct encoder_kind *encoder_find(const char *name)
{
    for (int i = 0; encoder_kinds[i]; i++)
        if (strcmp(encoder_kinds[i]->name, name) == 0)
            return encoder_kinds[i];
    return NULL;
}
