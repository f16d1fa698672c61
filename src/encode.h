/* encode: encoder kinds turn the stream of frames into one output file.
 *
 * Life cycle (the renderer drives it; mux.c's shape):
 *     open(path) -> [analyze(f) ...] -> add_frame(f) x nframes -> close()
 * or, after any failure once open succeeded, discard() instead of close().
 * open creates the file (the renderer passes a temporary name and renames it
 * once every output of the scene is complete); close finishes and closes it
 * and returns 0 only if the file is complete; discard releases everything
 * without finishing, and the renderer removes the file. If open fails it
 * releases what it took itself. An encoder never deletes or renames files:
 * the path may name something that is not ours to remove (a device such as
 * /dev/full in tests), and the renderer already cleans up its temporaries. Files are opened only in open and closed only
 * in close/discard. priv is allocated (zeroed, kind->priv_size bytes) and
 * freed by the renderer.
 *
 * analyze is optional (NULL: not needed). When present, the renderer calls it
 * after open and before the first add_frame with a sample of the frames
 * (evenly spaced, the first and last included; all of them when there are
 * few), e.g. so the GIF encoder can build its palette from a colour
 * histogram while memory stays independent of the number of frames.
 *
 * The sample is every picture when there are at most ENCODE_ANALYZE_MAX
 * distinct ones, else ENCODE_ANALYZE_MAX of them.
 *
 * Every frame lasts 1/fps; a held ending arrives as repeated frames, and an
 * encoder may merge identical frames if its format allows. */
#ifndef ENCODE_H
#define ENCODE_H

#include <stdint.h>
#include "frame.h"
#include "kind.h"

#define ENCODE_ANALYZE_MAX 32

struct enc_options {
    int width, height;          /* of every frame */
    int fps_num, fps_den;       /* frame rate as a fraction, e.g. 20/1 */
    int nframes;                /* how many add_frame calls will come */
    uint32_t background;        /* 0xAARRGGBB, e.g. for padding */
    int transparent;            /* background alpha < 255: keep alpha where
                                   the format can (WebM), else composite */
    int poster_frame;           /* the frame a still kind writes */
    /* The kind's own options, filled from its head.params (outputs.<name>
     * in a script); NULL for a kind without options. */
    const void *kind_opts;
};

/* The options of the kinds that have them (outputs.gif, outputs.mp4,
 * outputs.webm), public so that tests and the GIF size budget can set
 * them; each table is in the kind's file. */
struct gif_opts {
    int max_colors;             /* 2..256 */
    int dither;                 /* index into gif_dithers: none, ordered, diffusion */
    int max_kb;                 /* size budget, 0 = none (the renderer applies it) */
    int delays;                 /* index into gif_delays: exact, even */
};
extern const char *const gif_dithers[];
extern const char *const gif_delays[];
/* Seconds the GIF of these options plays: the clock's time, or with even
 * delays nframes times the frame time rounded to whole centiseconds. */
double gif_duration(const struct enc_options *opt);

struct mp4_opts {
    int crf;                    /* 0..51 */
    int preset;                 /* index into mp4_presets */
    int chroma;                 /* index into mp4_chromas: 420 or 444 */
    int tune;                   /* index into mp4_tunes; 0 is animation */
};
extern const char *const mp4_presets[];     /* x264 presets, NULL-terminated */
extern const char *const mp4_chromas[];
extern const char *const mp4_tunes[];       /* x264 tunings, and none */

struct webm_opts {
    int crf;                    /* 0..63 */
};

struct encoder;

struct encoder_kind {
    struct kind_head head;      /* head.name: "gif", as in --format and the script */
    const char *ext;            /* file extension without the dot */
    int still;                  /* writes one picture, not the animation */
    int folder;                 /* writes a folder named ext (OUT/<id>/frames/)
                                   instead of the file OUT/<id>/<id>.ext; open
                                   receives a fresh empty folder to fill */
    size_t priv_size;
    int (*open)(struct encoder *e, const char *path);
    int (*analyze)(struct encoder *e, const struct frame *f);
    int (*add_frame)(struct encoder *e, const struct frame *f);
    int (*close)(struct encoder *e);
    void (*discard)(struct encoder *e);
};

struct encoder {
    const struct encoder_kind *kind;
    const struct enc_options *opt;  /* borrowed; outlives the encoder */
    void *priv;
    int images_written;         /* set by the kind: pictures actually stored
                                   (a GIF merges identical frames) */
    int width, height;          /* of the stored pictures: the renderer sets
                                   the frame size before open; a kind that
                                   pads (H.264 needs even sizes) updates it */
};

const struct encoder_kind *encoder_find(const char *name);

extern const struct encoder_kind encoder_frames;
extern const struct encoder_kind encoder_gif;
extern const struct encoder_kind encoder_mp4;
extern const struct encoder_kind encoder_png;
extern const struct encoder_kind encoder_webm;

#endif
