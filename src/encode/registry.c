/* The table of encoder kinds: adding a format is one file and one row. */
#include "encode.h"

const struct kind_head *const encoder_kinds[] = {
    &encoder_frames.head,
    &encoder_gif.head,
    &encoder_mp4.head,
    &encoder_png.head,
    &encoder_webm.head,
    NULL,
};

const struct encoder_kind *encoder_find(const char *name)
{
    return (const struct encoder_kind *)kind_find(KIND_ENCODER, name);
}
