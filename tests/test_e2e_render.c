/* End-to-end tests of `mlanim render`: the built CLI (BINARY_DIR/mlanim) is
 * run with system() on the bundled lessons (every scenes/NAME.yaml) at half size,
 * into a private mkdtemp folder under /tmp, and what it writes is read back
 * with the libraries a viewer would use: giflib for the GIF, libavformat and
 * libavcodec for the MP4 (every frame decoded), cairo for the PNG poster.
 * manifest.json and the --trace JSON are parsed minimally (strstr/sscanf)
 * and checked against the files and against a recomputation from the
 * trace's own data. Also: byte-identical output whatever -j, the exit codes
 * of the command line, and that a rejected script leaves an earlier render
 * untouched. The temp folder is kept (and named) when a test fails. */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>
#include <gif_lib.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>

#include "check.h"
#include "gif_util.h"

#define MLANIM BINARY_DIR "/mlanim"
#define SCALE 0.5
#define MAX_SCENES 64

static char root[] = "/tmp/mlanim-e2e-XXXXXX";

/* ---- small helpers ------------------------------------------------------ */

/* snprintf that the compiler does not second-guess: paths here are short,
 * and a truncated one would only make a check fail. */
static void strf(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void strf(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(out, size, fmt, ap) >= (int)size)
        fprintf(stderr, "  truncated: %s\n", out);
    va_end(ap);
}

static char *read_all(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (size)
        *size = (long)n;
    return buf;
}

static int write_all(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int bad = fwrite(text, 1, n, f) != n;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (long)st.st_size : -1;
}

/* 1 if both files exist and hold the same bytes. */
static int same_bytes(const char *a, const char *b)
{
    long na, nb;
    char *da = read_all(a, &na), *db = read_all(b, &nb);
    int same = da && db && na == nb && memcmp(da, db, (size_t)na) == 0;
    free(da);
    free(db);
    return same;
}

/* Runs `mlanim ARGS` (a printf format; quote paths with '...') with stdout
 * and stderr captured in root/last.out and root/last.err. Returns the exit
 * status, or -1 if the command did not exit normally. */
static int mlanim(const char *fmt, ...)
{
    char args[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    strf(cmd, sizeof cmd, "'%s' %s >'%s/last.out' 2>'%s/last.err'", MLANIM, args, root, root);
    int st = system(cmd);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *last_output(const char *which)
{
    char path[PATH_MAX];
    strf(path, sizeof path, "%s/last.%s", root, which);
    char *s = read_all(path, NULL);
    return s ? s : calloc(1, 1);
}

static void show_stderr(const char *what)
{
    char *err = last_output("err");
    fprintf(stderr, "  (%s) mlanim stderr:\n%s", what, err);
    free(err);
}

/* Names in dir starting with '.', other than . and ..; -1 if unreadable. */
static int count_hidden(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            fprintf(stderr, "  stray file %s/%s\n", dir, e->d_name);
            n++;
        }
    closedir(d);
    return n;
}

/* ---- minimal JSON reading ----------------------------------------------- */

/* The value after "key": at or after from (and before to, if given). */
static const char *json_at(const char *from, const char *to, const char *key)
{
    if (!from)
        return NULL;
    char pat[128];
    strf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(from, pat);
    if (!p || (to && p >= to))
        return NULL;
    p += strlen(pat);
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static int json_num(const char *from, const char *to, const char *key, double *out)
{
    const char *p = json_at(from, to, key);
    return p && sscanf(p, "%lf", out) == 1 ? 0 : -1;
}

/* Copies the string value (no escapes expected) into out. */
static int json_str(const char *from, const char *to, const char *key, char *out, size_t size)
{
    const char *p = json_at(from, to, key);
    if (!p || *p != '"')
        return -1;
    const char *end = strchr(p + 1, '"');
    if (!end || (size_t)(end - p - 1) >= size)
        return -1;
    memcpy(out, p + 1, (size_t)(end - p - 1));
    out[end - p - 1] = '\0';
    return 0;
}

/* The manifest's entry in "outputs" for a format: [*begin, *end). */
static int manifest_output(const char *manifest, const char *format, const char **begin,
                           const char **end)
{
    const char *outs = json_at(manifest, NULL, "outputs");
    char pat[64];
    strf(pat, sizeof pat, "\"format\": \"%s\"", format);
    const char *p = outs ? strstr(outs, pat) : NULL;
    if (!p)
        return -1;
    *begin = p;
    *end = strchr(p, '}');
    return *end ? 0 : -1;
}

/* Reads a JSON array of numbers starting at p ('['); returns the count
 * (at most cap) or -1. */
static int json_numbers(const char *p, double *out, int cap)
{
    if (!p || *p != '[')
        return -1;
    p++;
    int n = 0;
    for (;;) {
        while (*p == ' ' || *p == '\n')
            p++;
        if (*p == ']')
            return n;
        char *end;
        double v = strtod(p, &end);
        if (end == p || n == cap)
            return -1;
        out[n++] = v;
        p = end;
        while (*p == ' ' || *p == '\n')
            p++;
        if (*p == ',')
            p++;
        else if (*p != ']')
            return -1;
    }
}

/* ---- the rendered lessons ----------------------------------------------- */

struct rendered {
    char yaml[PATH_MAX];
    char name[128];         /* file name without .yaml */
    char id[128];           /* the folder the render made */
    char dir[PATH_MAX];     /* OUT/<id> */
    int rc;
    int canvas_w, canvas_h;
    char *manifest;
};

static struct rendered scenes[MAX_SCENES];
static int nscenes = -1;

/* The scene's canvas size: the numbers after width: and height: in the
 * canvas mapping (flow or block style); 800x450 when not given. */
static void parse_canvas(const char *yaml, int *w, int *h)
{
    *w = 800;
    *h = 450;
    const char *c = strstr(yaml, "\ncanvas:");
    if (!c)
        return;
    c += 8;
    while (*c == ' ')
        c++;
    const char *end;
    if (*c == '{') {
        end = strchr(c, '}');
    } else {        /* block: until a line that is not indented */
        end = c;
        while ((end = strchr(end, '\n')) && (end[1] == ' ' || end[1] == '\n' || end[1] == '#'))
            end++;
    }
    const char *p = strstr(c, "width:");
    if (p && (!end || p < end))
        sscanf(p + 6, "%d", w);
    p = strstr(c, "height:");
    if (p && (!end || p < end))
        sscanf(p + 7, "%d", h);
}

/* The one sub-folder of dir (the scene id); -1 unless there is exactly one. */
static int only_subdir(const char *dir, char *out, size_t size)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            strf(out, size, "%s", e->d_name);
            n++;
        }
    closedir(d);
    return n == 1 ? 0 : -1;
}

/* Renders every scenes/NAME.yaml once (each into its own folder), the first
 * time a test asks. */
static void render_all(void)
{
    if (nscenes >= 0)
        return;
    nscenes = 0;
    glob_t g;
    if (glob(SOURCE_DIR "/scenes/*.yaml", 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc && nscenes < MAX_SCENES; i++) {
        struct rendered *r = &scenes[nscenes++];
        strf(r->yaml, sizeof r->yaml, "%s", g.gl_pathv[i]);
        const char *base = strrchr(r->yaml, '/') + 1;
        strf(r->name, sizeof r->name, "%.*s", (int)(strlen(base) - 5), base);
        char *text = read_all(r->yaml, NULL);
        parse_canvas(text ? text : "", &r->canvas_w, &r->canvas_h);
        free(text);
        char out[PATH_MAX];
        strf(out, sizeof out, "%s/all/%s", root, r->name);
        r->rc = mlanim("render -q --scale %g -o '%s' '%s'", SCALE, out, r->yaml);
        if (r->rc != 0)
            show_stderr(r->name);
        if (only_subdir(out, r->id, sizeof r->id) != 0)
            r->id[0] = '\0';
        strf(r->dir, sizeof r->dir, "%s/%s", out, r->id);
        char path[PATH_MAX];
        strf(path, sizeof path, "%s/manifest.json", r->dir);
        r->manifest = read_all(path, NULL);
    }
    globfree(&g);
}

static void output_path(const struct rendered *r, const char *ext, char *out, size_t size)
{
    strf(out, size, "%s/%s.%s", r->dir, r->id, ext);
}

static int expected_w(const struct rendered *r)
{
    return (int)lround(r->canvas_w * SCALE);
}

static int expected_h(const struct rendered *r)
{
    return (int)lround(r->canvas_h * SCALE);
}

static double manifest_value(const struct rendered *r, const char *key)
{
    double v = NAN;
    json_num(r->manifest, NULL, key, &v);   /* top level: comes before "final" */
    return v;
}

/* ---- every scene renders ----------------------------------------------- */

static void every_bundled_scene_renders_with_status_0(void)
{
    render_all();
    CHECK(nscenes >= 5);
    static const char *const lessons[] = {"gd-line", "gd-1d-moderate", "gd-1d-large",
                                          "gd-1d-small", "neuron-celsius", "gd-learning-rates",
                                          "gd-loss-surface", "activations", "poly-data",
                                          "fit-the-line", "rules-or-learn", "charts-line-race",
                                          "gd-search", "loss-functions"};
    for (size_t k = 0; k < sizeof lessons / sizeof *lessons; k++) {
        int found = 0;
        for (int i = 0; i < nscenes; i++)
            found |= strcmp(scenes[i].id, lessons[k]) == 0;
        if (!found)
            fprintf(stderr, "  lesson %s not rendered\n", lessons[k]);
        CHECK(found);
    }
    for (int i = 0; i < nscenes; i++) {
        const struct rendered *r = &scenes[i];
        CHECK(r->rc == 0);
        CHECK(r->id[0] != '\0');
        CHECK(r->manifest != NULL);
        char path[PATH_MAX];
        const char *exts[] = {"gif", "mp4", "png"};
        for (int k = 0; k < 3; k++) {
            output_path(r, exts[k], path, sizeof path);
            if (file_size(path) <= 0)
                fprintf(stderr, "  %s: missing or empty\n", path);
            CHECK(file_size(path) > 0);
        }
        CHECK(count_hidden(r->dir) == 0);
    }
}

static void manifest_reports_half_canvas_and_consistent_timing_for_every_scene(void)
{
    render_all();
    for (int i = 0; i < nscenes; i++) {
        const struct rendered *r = &scenes[i];
        if (!r->manifest)
            continue;
        char id[128] = "";
        CHECK(json_str(r->manifest, NULL, "id", id, sizeof id) == 0);
        CHECK_STR(id, r->id);
        CHECK_NEAR(manifest_value(r, "width"), expected_w(r), 0);
        CHECK_NEAR(manifest_value(r, "height"), expected_h(r), 0);
        double frames = manifest_value(r, "frames"), fps = manifest_value(r, "fps");
        CHECK(frames >= 2);
        CHECK(fps > 0);
        CHECK_NEAR(manifest_value(r, "duration"), frames / fps, 1e-6);
    }
}

/* The rendered scene with this id, or NULL. */
static const struct rendered *scene_named(const char *id)
{
    render_all();
    for (int i = 0; i < nscenes; i++)
        if (strcmp(scenes[i].id, id) == 0 && scenes[i].manifest)
            return &scenes[i];
    fprintf(stderr, "  %s was not rendered\n", id);
    return NULL;
}

/* How many times pat occurs in text. */
static int count_of(const char *text, const char *pat)
{
    int n = 0;
    for (const char *p = text; p && (p = strstr(p, pat)); p += strlen(pat))
        n++;
    return n;
}

/* The scene-time lessons, through what their manifests say. */
static void scene_time_lessons_show_what_they_are_about(void)
{
    const struct rendered *r = scene_named("gd-learning-rates");
    if (r) {
        /* Three runs on one clock: the large and moderate rates converge
         * (at 58 and 30 steps: the gd-1d lessons' own counts), the small
         * one runs out of steps. */
        const char *runs = json_at(r->manifest, NULL, "runs");
        CHECK(count_of(runs, "\"label\"") == 3);
        const char *a = strstr(runs ? runs : "", "learning_rate=0.95");
        const char *b = strstr(runs ? runs : "", "learning_rate=0.1\"");
        const char *c = strstr(runs ? runs : "", "learning_rate=0.0003");
        double sa = -1, sb = -1, sc = -1;
        CHECK(a && b && c);
        json_num(a, NULL, "steps", &sa);
        json_num(b, NULL, "steps", &sb);
        json_num(c, NULL, "steps", &sc);
        CHECK_NEAR(sa, 58, 0);
        CHECK_NEAR(sb, 30, 0);
        CHECK_NEAR(sc, 2000, 0);
    }
    if ((r = scene_named("gd-loss-surface"))) {
        const char *runs = json_at(r->manifest, NULL, "runs");
        CHECK(count_of(runs, "\"label\"") == 3);
        CHECK(strstr(runs ? runs : "", "crawl (0.01)") && strstr(runs ? runs : "", "glide (0.06)") &&
              strstr(runs ? runs : "", "overshoot (0.32)"));
    }
    if ((r = scene_named("poly-data"))) {
        /* One run per noise magnitude, 0 to 5, each 1.5 s, plus a 1 s hold. */
        const char *runs = json_at(r->manifest, NULL, "runs");
        CHECK(count_of(runs, "\"noise\":") == 6);
        double fps = manifest_value(r, "fps");
        CHECK_NEAR(manifest_value(r, "frames"), (6 * 1.5 + 1) * fps, 0);
    }
    if ((r = scene_named("activations"))) {
        /* Two clips; the composite lasts as long as they do (31 steps of
         * 1/6 s), at its own rate. */
        const char *clips = json_at(r->manifest, NULL, "clips");
        CHECK(clips && strstr(clips, "activations-relu") && strstr(clips, "activations-sigmoid"));
        CHECK_NEAR(manifest_value(r, "duration"), 31 * 0.1667, 0.21);
    }
    if ((r = scene_named("charts-line-race"))) {
        /* A beat per row from the second: 1971..2020, 50 years of 0.2 s
         * (the first frame already draws 1970 to 1971), and the 2 s hold. */
        CHECK_NEAR(manifest_value(r, "duration"), 50 * 0.2 + 2, 0.11);
        const char *fin = json_at(r->manifest, NULL, "final");
        double year = 0, usa = 0;
        CHECK(json_num(fin, NULL, "year", &year) == 0 && json_num(fin, NULL, "USA", &usa) == 0);
        CHECK_NEAR(year, 2020, 0);
        CHECK_NEAR(usa, 20.953, 1e-3);
    }
    /* The other charts: the original's year ranges (1970..2019, or
     * 1971..2019 side by side), 0.2 s a year and a 2 s hold, ending in
     * 2019. The bar race has 4 frames a year (3 of them gliding). */
    static const struct {
        const char *id;
        int years;
    } charts[] = {{"charts-bar-race", 50}, {"charts-pie", 50}, {"charts-combined", 49},
                  {"charts-combined-pie", 49}};
    for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
        if (!(r = scene_named(charts[i].id)))
            continue;
        CHECK_NEAR(manifest_value(r, "duration"), charts[i].years * 0.2 + 2, 0.11);
        const char *fin = json_at(r->manifest, NULL, "final");
        double year = 0;
        CHECK(json_num(fin, NULL, "year", &year) == 0);
        CHECK_NEAR(year, 2019, 0);
    }
    if ((r = scene_named("charts-bar-race")))
        CHECK_NEAR(manifest_value(r, "frames"), (50 * 0.2 + 2) * 20, 0);
    if ((r = scene_named("rules-or-learn")))    /* 5 x (2.5 s guess + answer), the hold */
        CHECK_NEAR(manifest_value(r, "duration"), 5 * 2.5 + 5 + 5 + 6 + 5 + 5 + 2, 0.11);
    if ((r = scene_named("fit-the-line"))) {
        /* Six seconds of keyframes, then gradient descent to the fit. */
        const char *fin = json_at(r->manifest, NULL, "final");
        double w = 0;
        CHECK(json_num(fin, NULL, "w", &w) == 0);
        CHECK(w > 1.5 && w < 2.5);
        CHECK(manifest_value(r, "duration") > 6);
    }
}

/* ---- GIF ------------------------------------------------------------------ */

/* The NETSCAPE2.0 loop count among blocks, or -1 if there is none. */
static int loop_count_in(const ExtensionBlock *b, int n)
{
    for (int i = 0; i + 1 < n; i++)
        if (b[i].Function == APPLICATION_EXT_FUNC_CODE && b[i].ByteCount == 11 &&
            memcmp(b[i].Bytes, "NETSCAPE2.0", 11) == 0 &&
            b[i + 1].Function == CONTINUE_EXT_FUNC_CODE && b[i + 1].ByteCount == 3 &&
            b[i + 1].Bytes[0] == 1)
            return b[i + 1].Bytes[1] | b[i + 1].Bytes[2] << 8;
    return -1;
}

static void gif_is_gif89a_with_half_size_screen_for_every_scene(void)
{
    render_all();
    for (int i = 0; i < nscenes; i++) {
        const struct rendered *r = &scenes[i];
        char path[PATH_MAX];
        output_path(r, "gif", path, sizeof path);
        long n = 0;
        char *bytes = read_all(path, &n);
        CHECK(bytes && n > 13 && memcmp(bytes, "GIF89a", 6) == 0);
        CHECK(bytes && n > 0 && bytes[n - 1] == ';');
        free(bytes);
        GifFileType *gif = load_gif(path);
        CHECK(gif != NULL);
        if (!gif)
            continue;
        CHECK_NEAR(gif->SWidth, expected_w(r), 0);
        CHECK_NEAR(gif->SHeight, expected_h(r), 0);
        free_gif(gif);
    }
}

static void gif_loops_forever_for_every_scene(void)
{
    render_all();
    for (int i = 0; i < nscenes; i++) {
        char path[PATH_MAX];
        output_path(&scenes[i], "gif", path, sizeof path);
        GifFileType *gif = load_gif(path);
        CHECK(gif != NULL);
        if (!gif)
            continue;
        /* DGifSlurp files an extension with the image after it; one after
         * the last image lands in the file's own list. */
        int loops = loop_count_in(gif->ExtensionBlocks, gif->ExtensionBlockCount);
        for (int k = 0; k < gif->ImageCount && loops < 0; k++)
            loops = loop_count_in(gif->SavedImages[k].ExtensionBlocks,
                                  gif->SavedImages[k].ExtensionBlockCount);
        if (loops != 0)
            fprintf(stderr, "  %s: loop count %d (-1: no NETSCAPE2.0 block)\n", path, loops);
        CHECK(loops == 0);
        free_gif(gif);
    }
}

static void gif_images_lie_inside_the_screen_for_every_scene(void)
{
    render_all();
    for (int i = 0; i < nscenes; i++) {
        const struct rendered *r = &scenes[i];
        char path[PATH_MAX];
        output_path(r, "gif", path, sizeof path);
        GifFileType *gif = load_gif(path);
        CHECK(gif != NULL);
        if (!gif)
            continue;
        CHECK(gif->ImageCount >= 2);
        /* Unchanged frames only lengthen a delay: never more images than frames. */
        CHECK(gif->ImageCount <= manifest_value(r, "frames"));
        int outside = 0;
        for (int k = 0; k < gif->ImageCount; k++) {
            const GifImageDesc *d = &gif->SavedImages[k].ImageDesc;
            if (d->Left < 0 || d->Top < 0 || d->Width <= 0 || d->Height <= 0 ||
                d->Left + d->Width > gif->SWidth || d->Top + d->Height > gif->SHeight) {
                fprintf(stderr, "  %s image %d: %dx%d at %d,%d outside %dx%d\n", path, k,
                        d->Width, d->Height, d->Left, d->Top, gif->SWidth, gif->SHeight);
                outside++;
            }
        }
        CHECK(outside == 0);
        /* The first image is the whole picture. */
        const GifImageDesc *first = &gif->SavedImages[0].ImageDesc;
        CHECK(first->Left == 0 && first->Top == 0 && first->Width == gif->SWidth &&
              first->Height == gif->SHeight);
        free_gif(gif);
    }
}

static void gif_delays_sum_to_duration_for_every_scene(void)
{
    render_all();
    for (int i = 0; i < nscenes; i++) {
        const struct rendered *r = &scenes[i];
        char path[PATH_MAX];
        output_path(r, "gif", path, sizeof path);
        GifFileType *gif = load_gif(path);
        CHECK(gif != NULL);
        if (!gif)
            continue;
        long sum = 0;
        int missing = 0, short_delays = 0;
        for (int k = 0; k < gif->ImageCount; k++) {
            GraphicsControlBlock gcb = {.DelayTime = -1};
            if (DGifSavedExtensionToGCB(gif, k, &gcb) != GIF_OK) {
                missing++;
                continue;
            }
            short_delays += gcb.DelayTime < 2;
            sum += gcb.DelayTime;
        }
        CHECK(missing == 0);
        CHECK(short_delays == 0);
        /* The GIF's own duration: the scene's, or, with even delays
         * (outputs.gif.delays), its frames times the rounded frame time. */
        const char *b = NULL, *e = NULL;
        double gif_s = -1;
        CHECK(manifest_output(r->manifest, "gif", &b, &e) == 0);
        if (b)
            json_num(b, e, "duration", &gif_s);
        CHECK_NEAR(sum, gif_s * 100, 1);
        double scene_s = manifest_value(r, "duration");
        CHECK(fabs(gif_s - scene_s) <= 0.03 * scene_s + 0.01);
        free_gif(gif);
    }
}

/* ---- MP4 ------------------------------------------------------------------ */

struct video {
    enum AVCodecID codec;
    int pix_fmt, width, height;
    double fps;             /* the stream's frame rate as FFmpeg guesses it */
    double duration;        /* seconds: the stream's, else the container's */
    int frames;             /* decoded pictures (a picture held over several
                               frames of the scene is one) */
    int bad_frames;         /* pictures of another size or format */
    double first, last;     /* the first and the last picture's time, seconds */
    int disordered;         /* pictures whose time is not after the one before */
};

static int decode_video(const char *path, struct video *v)
{
    memset(v, 0, sizeof *v);
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    const AVCodec *codec = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    int rc = -1;
    if (!pkt || !fr || avformat_open_input(&fmt, path, NULL, NULL) < 0)
        goto out;
    if (avformat_find_stream_info(fmt, NULL) < 0)
        goto out;
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (si < 0)
        goto out;
    const AVStream *st = fmt->streams[si];
    const AVCodecParameters *par = st->codecpar;
    v->codec = par->codec_id;
    v->pix_fmt = par->format;
    v->width = par->width;
    v->height = par->height;
    v->fps = st->r_frame_rate.den ? av_q2d(st->r_frame_rate) : 0;
    if (st->duration != AV_NOPTS_VALUE)
        v->duration = st->duration * av_q2d(st->time_base);
    else if (fmt->duration != AV_NOPTS_VALUE)
        v->duration = fmt->duration / (double)AV_TIME_BASE;
    else
        v->duration = -1;
    dec = avcodec_alloc_context3(codec);
    if (!dec || avcodec_parameters_to_context(dec, par) < 0)
        goto out;
    dec->thread_count = 1;
    if (avcodec_open2(dec, codec, NULL) < 0)
        goto out;
    int flushing = 0;
    for (;;) {
        if (!flushing) {
            int got = av_read_frame(fmt, pkt);
            if (got < 0) {
                flushing = 1;
                if (avcodec_send_packet(dec, NULL) < 0)
                    goto out;
            } else {
                int err = pkt->stream_index == si ? avcodec_send_packet(dec, pkt) : 0;
                av_packet_unref(pkt);
                if (err < 0)
                    goto out;
            }
        }
        int err;
        while ((err = avcodec_receive_frame(dec, fr)) == 0) {
            double t = fr->best_effort_timestamp * av_q2d(st->time_base);
            if (v->frames == 0)
                v->first = t;
            else
                v->disordered += t <= v->last;
            v->last = t;
            v->frames++;
            v->bad_frames += fr->width != v->width || fr->height != v->height ||
                             fr->format != v->pix_fmt;
            av_frame_unref(fr);
        }
        if (err == AVERROR_EOF)
            break;
        if (err != AVERROR(EAGAIN))
            goto out;
    }
    rc = 0;
out:
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    av_packet_free(&pkt);
    av_frame_free(&fr);
    return rc;
}

static void mp4_is_h264_yuv420p_at_even_half_size_for_every_scene(void)
{
    render_all();
    for (int i = 0; i < nscenes; i++) {
        const struct rendered *r = &scenes[i];
        char path[PATH_MAX];
        output_path(r, "mp4", path, sizeof path);
        struct video v;
        CHECK(decode_video(path, &v) == 0);
        CHECK(v.codec == AV_CODEC_ID_H264);
        CHECK(v.pix_fmt == AV_PIX_FMT_YUV420P);
        /* 4:2:0 needs even sides: odd ones are padded up by one. */
        int ew = expected_w(r) + (expected_w(r) & 1), eh = expected_h(r) + (expected_h(r) & 1);
        CHECK_NEAR(v.width, ew, 0);
        CHECK_NEAR(v.height, eh, 0);
        CHECK(v.bad_frames == 0);
    }
}

static void mp4_decodes_to_the_manifest_frames_and_duration_for_every_scene(void)
{
    render_all();
    for (int i = 0; i < nscenes; i++) {
        const struct rendered *r = &scenes[i];
        char path[PATH_MAX];
        output_path(r, "mp4", path, sizeof path);
        struct video v;
        CHECK(decode_video(path, &v) == 0);
        double frames = manifest_value(r, "frames"), fps = manifest_value(r, "fps");
        /* Pauses are single pictures that last longer; the first and the
         * last frames are pictures of their own, so the video ends on a
         * picture and FFmpeg finds the scene's frame rate (its guess from
         * the first pictures is what it converts at by default). */
        CHECK(v.frames >= 1 && v.frames <= frames);
        CHECK(v.disordered == 0);
        CHECK_NEAR(v.fps, fps, 1e-3);
        CHECK_NEAR(v.first, 0, 1e-6);
        CHECK_NEAR(v.last, (frames - 1) / fps, 1e-3);
        CHECK_NEAR(v.duration, frames / fps, 1e-3);
    }
}

/* ---- PNG ------------------------------------------------------------------ */

static void png_poster_has_half_canvas_size_for_every_scene(void)
{
    render_all();
    for (int i = 0; i < nscenes; i++) {
        const struct rendered *r = &scenes[i];
        char path[PATH_MAX];
        output_path(r, "png", path, sizeof path);
        cairo_surface_t *s = cairo_image_surface_create_from_png(path);
        CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
        if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
            CHECK_NEAR(cairo_image_surface_get_width(s), expected_w(r), 0);
            CHECK_NEAR(cairo_image_surface_get_height(s), expected_h(r), 0);
        }
        cairo_surface_destroy(s);
    }
}

/* ---- manifest vs files --------------------------------------------------- */

static int sha256_hex(const char *path, char out[65])
{
    long n;
    char *data = read_all(path, &n);
    struct AVSHA *sha = av_sha_alloc();
    if (!data || !sha) {
        free(data);
        av_free(sha);
        return -1;
    }
    unsigned char digest[32];
    av_sha_init(sha, 256);
    av_sha_update(sha, (const uint8_t *)data, (size_t)n);
    av_sha_final(sha, digest);
    av_free(sha);
    free(data);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

static void manifest_bytes_and_sha256_match_the_files_for_every_scene(void)
{
    render_all();
    const char *formats[] = {"gif", "mp4", "png"};
    for (int i = 0; i < nscenes; i++) {
        const struct rendered *r = &scenes[i];
        if (!r->manifest) {
            CHECK(r->manifest != NULL);
            continue;
        }
        for (int k = 0; k < 3; k++) {
            const char *b = NULL, *e = NULL;
            CHECK(manifest_output(r->manifest, formats[k], &b, &e) == 0);
            if (!b)
                continue;
            char file[256] = "", want_name[256], path[PATH_MAX];
            strf(want_name, sizeof want_name, "%s.%s", r->id, formats[k]);
            CHECK(json_str(b, e, "file", file, sizeof file) == 0);
            CHECK_STR(file, want_name);
            output_path(r, formats[k], path, sizeof path);
            double bytes = -1;
            CHECK(json_num(b, e, "bytes", &bytes) == 0);
            CHECK_NEAR(bytes, file_size(path), 0);
            char sha[80] = "", actual[65] = "";
            CHECK(json_str(b, e, "sha256", sha, sizeof sha) == 0);
            CHECK(strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64);
            CHECK(sha256_hex(path, actual) == 0);
            CHECK_STR(sha, actual);
        }
    }
}

/* ---- determinism ------------------------------------------------------- */

/* Compares every file of a/<id> with b/<id>; returns the files compared,
 * or -1 on any difference or a different set of files. */
static int compare_trees(const char *a, const char *b, const char *id)
{
    char da[PATH_MAX], db[PATH_MAX];
    strf(da, sizeof da, "%s/%s", a, id);
    strf(db, sizeof db, "%s/%s", b, id);
    int na = 0, nb = 0, bad = 0;
    for (int pass = 0; pass < 2; pass++) {
        DIR *d = opendir(pass ? db : da);
        if (!d)
            return -1;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if (pass) {
                nb++;
                continue;
            }
            na++;
            char pa[PATH_MAX], pb[PATH_MAX];
            strf(pa, sizeof pa, "%s/%s", da, e->d_name);
            strf(pb, sizeof pb, "%s/%s", db, e->d_name);
            if (!same_bytes(pa, pb)) {
                fprintf(stderr, "  %s differs from %s\n", pa, pb);
                bad = 1;
            }
        }
        closedir(d);
    }
    return bad || na != nb ? -1 : na;
}

static void output_bytes_do_not_depend_on_jobs(void)
{
    char a[PATH_MAX], b[PATH_MAX];
    strf(a, sizeof a, "%s/jobs1", root);
    strf(b, sizeof b, "%s/jobs4", root);
    const char *scripts = "'" SOURCE_DIR "/scenes/gd-line.yaml' '" SOURCE_DIR "/scenes/gd-1d-small.yaml'";
    CHECK(mlanim("render -q --scale %g -j 1 -o '%s' %s", SCALE, a, scripts) == 0);
    CHECK(mlanim("render -q --scale %g -j 4 -o '%s' %s", SCALE, b, scripts) == 0);
    /* gif, mp4, png and manifest.json each */
    CHECK(compare_trees(a, b, "gd-line") == 4);
    CHECK(compare_trees(a, b, "gd-1d-small") == 4);
}

/* ---- trace ---------------------------------------------------------------- */

#define MAX_POINTS 4096

struct trace_run {
    int rc;
    char *json;
    char *manifest;
};

static struct trace_run trace_run;

/* Renders gd-line with --trace once, the first time a test asks. */
static const struct trace_run *gd_line_trace(void)
{
    static int done;
    if (done)
        return &trace_run;
    done = 1;
    char out[PATH_MAX], path[PATH_MAX];
    strf(out, sizeof out, "%s/trace", root);
    strf(path, sizeof path, "%s/trace/gd-line.trace.json", root);
    trace_run.rc = mlanim("render -q --scale %g -f png --trace '%s' -o '%s' '%s'", SCALE, path, out,
                          SOURCE_DIR "/scenes/gd-line.yaml");
    if (trace_run.rc != 0)
        show_stderr("trace");
    trace_run.json = read_all(path, NULL);
    strf(path, sizeof path, "%s/trace/gd-line/manifest.json", root);
    trace_run.manifest = read_all(path, NULL);
    return &trace_run;
}

/* The first run's records array's objects, in order: starts[i] points at
 * record i's '{' (objects nested in a record, such as "nonfinite", are not
 * records). */
static int trace_records(const char *json, const char **starts, int cap)
{
    const char *p = json_at(json, NULL, "records");
    if (!p || *p != '[')
        return -1;
    int n = 0, depth = 0;
    for (const char *q = p; *q && n < cap; q++) {
        if (*q == '"') {                /* skip strings */
            for (q++; *q && *q != '"'; q++)
                if (*q == '\\' && q[1])
                    q++;
            continue;
        }
        if (*q == '[' || *q == '{') {
            if (depth == 1 && *q == '{')
                starts[n++] = q;
            depth++;
        } else if (*q == ']' || *q == '}') {
            if (--depth == 0)
                break;
        }
    }
    return n;
}

static void trace_records_steps_0_to_200_with_the_model_channels(void)
{
    const struct trace_run *t = gd_line_trace();
    CHECK(t->rc == 0);
    CHECK(t->json != NULL);
    if (!t->json)
        return;
    double schema = 0;
    CHECK(json_num(t->json, NULL, "schema", &schema) == 0 && schema == 2);
    const char *ch = json_at(t->json, NULL, "channels");
    const char *ch_end = ch ? strstr(ch, "\"records\"") : NULL;
    CHECK(ch && *ch == '[' && ch_end);
    const char *want[] = {"\"name\": \"step\"", "\"name\": \"w\"", "\"name\": \"b\"",
                          "\"name\": \"loss\""};
    for (int k = 0; k < 4 && ch_end; k++) {
        const char *at = strstr(ch, want[k]);
        CHECK(at && at < ch_end);
    }
    static const char *rec[1024];
    int n = trace_records(t->json, rec, 1024);
    CHECK_NEAR(n, 201, 0);
    int wrong = 0;
    for (int i = 0; i < n; i++) {
        const char *end = i + 1 < n ? rec[i + 1] : NULL;
        double step = -1, w, b, loss;
        wrong += json_num(rec[i], end, "step", &step) != 0 || step != i;
        wrong += json_num(rec[i], end, "w", &w) != 0 || !isfinite(w);
        wrong += json_num(rec[i], end, "b", &b) != 0 || !isfinite(b);
        wrong += json_num(rec[i], end, "loss", &loss) != 0 || !(loss >= 0);
    }
    CHECK(wrong == 0);
}

static int last_record(const char *json, double *w, double *b, double *loss)
{
    static const char *rec[1024];
    int n = trace_records(json, rec, 1024);
    if (n < 1)
        return -1;
    const char *r = rec[n - 1];
    return json_num(r, NULL, "w", w) || json_num(r, NULL, "b", b) ||
           json_num(r, NULL, "loss", loss) ? -1 : 0;
}

static void trace_last_record_matches_the_manifest_final_values(void)
{
    const struct trace_run *t = gd_line_trace();
    CHECK(t->json && t->manifest);
    if (!t->json || !t->manifest)
        return;
    double w = NAN, b = NAN, loss = NAN, fw = NAN, fb = NAN, floss = NAN;
    CHECK(last_record(t->json, &w, &b, &loss) == 0);
    const char *fin = json_at(t->manifest, NULL, "final");
    const char *fin_end = fin ? strchr(fin, '}') : NULL;
    CHECK(fin && *fin == '{' && fin_end);
    CHECK(json_num(fin, fin_end, "w", &fw) == 0);
    CHECK(json_num(fin, fin_end, "b", &fb) == 0);
    CHECK(json_num(fin, fin_end, "loss", &floss) == 0);
    /* Both are printed the same way from the same double. */
    CHECK_NEAR(w, fw, 0);
    CHECK_NEAR(b, fb, 0);
    CHECK_NEAR(loss, floss, 0);
    double steps = NAN;
    CHECK(json_num(t->manifest, NULL, "steps", &steps) == 0);
    CHECK_NEAR(steps, 200, 0);
}

static int trace_data(const char *json, double *x, double *y)
{
    int nx = json_numbers(json_at(json, NULL, "x"), x, MAX_POINTS);
    int ny = json_numbers(json_at(json, NULL, "y"), y, MAX_POINTS);
    return nx == ny ? nx : -1;
}

static void trace_final_loss_is_the_mse_of_the_trace_data(void)
{
    const struct trace_run *t = gd_line_trace();
    CHECK(t->json != NULL);
    if (!t->json)
        return;
    static double x[MAX_POINTS], y[MAX_POINTS];
    int n = trace_data(t->json, x, y);
    CHECK_NEAR(n, 100, 0);      /* data: n: 100 */
    double w = NAN, b = NAN, loss = NAN;
    CHECK(last_record(t->json, &w, &b, &loss) == 0);
    if (n <= 0 || !isfinite(loss))
        return;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double e = w * x[i] + b - y[i];
        sum += e * e;
    }
    /* Everything in the trace has 10 significant digits (about 5e-11
     * relative each); 1e-9 leaves room for that and nothing more. */
    CHECK_NEAR(sum / n, loss, 1e-9 * loss);
}

static void trace_final_weights_follow_from_gradient_descent_on_the_trace_data(void)
{
    const struct trace_run *t = gd_line_trace();
    CHECK(t->json != NULL);
    if (!t->json)
        return;
    static double x[MAX_POINTS], y[MAX_POINTS];
    int n = trace_data(t->json, x, y);
    double fw = NAN, fb = NAN, floss = NAN;
    CHECK(last_record(t->json, &fw, &fb, &floss) == 0);
    CHECK(n > 0);
    if (n <= 0)
        return;
    /* gd-line.yaml: w = b = 0, learning_rate 0.02, 200 steps of batch GD on MSE. */
    double w = 0, b = 0;
    for (int k = 0; k < 200; k++) {
        double gw = 0, gb = 0;
        for (int i = 0; i < n; i++) {
            double e = w * x[i] + b - y[i];
            gw += e * x[i];
            gb += e;
        }
        w -= 0.02 * 2 * gw / n;
        b -= 0.02 * 2 * gb / n;
    }
    CHECK_NEAR(fw, w, 1e-8 * fabs(w));
    CHECK_NEAR(fb, b, 1e-8 * fabs(b));
}

/* Every number inside the JSON array at p ('['), nested arrays flattened;
 * returns the count (at most cap) or -1. */
static int json_flat_numbers(const char *p, double *out, int cap)
{
    if (!p || *p != '[')
        return -1;
    int n = 0, depth = 0;
    for (; *p; p++) {
        if (*p == '[') {
            depth++;
        } else if (*p == ']') {
            if (--depth == 0)
                return n;
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            char *end;
            double v = strtod(p, &end);
            if (n == cap)
                return -1;
            out[n++] = v;
            p = end - 1;
        }
    }
    return -1;
}

/* The logistic lesson's weights are a vector channel: declared with its
 * shape, written as arrays in every record, and equal to an independent
 * gradient descent on the cross-entropy of the data the trace lists. */
static void trace_vector_channels_round_trip_for_logistic_boundary(void)
{
    char out[PATH_MAX], path[PATH_MAX];
    strf(out, sizeof out, "%s/trace-logistic", root);
    strf(path, sizeof path, "%s/logistic.trace.json", out);
    CHECK(mlanim("render -q --scale %g -f png --trace '%s' -o '%s' scenes/logistic-boundary.yaml",
                 SCALE, path, out) == 0);
    char *json = read_all(path, NULL);
    CHECK(json != NULL);
    if (!json)
        return;
    CHECK(strstr(json, "\"schema\": 2") != NULL);
    CHECK(strstr(json, "\"name\": \"w\",\n          \"shape\": [2]") != NULL ||
          strstr(json, "\"name\": \"w\", \"shape\": [2]") != NULL);
    static double x[2 * MAX_POINTS], lab[MAX_POINTS];
    const char *data = json_at(json, NULL, "data");
    int nx = json_flat_numbers(json_at(data, NULL, "x"), x, 2 * MAX_POINTS);
    int n = json_flat_numbers(json_at(data, NULL, "label"), lab, MAX_POINTS);
    CHECK(n == 120 && nx == 2 * n);
    static const char *rec[1024];
    int nrec = trace_records(json, rec, 1024);
    CHECK(nrec > 10);
    if (n != 120 || nx != 2 * n || nrec <= 10) {
        free(json);
        return;
    }
    double wl[4], bl = NAN, step = NAN;
    CHECK(json_flat_numbers(json_at(rec[nrec - 1], NULL, "w"), wl, 4) == 2);
    CHECK(json_num(rec[nrec - 1], NULL, "b", &bl) == 0);
    CHECK(json_num(rec[nrec - 1], NULL, "step", &step) == 0);
    /* logistic-boundary.yaml: w = (1.5, -2), b = 2.5, learning rate 0.5. */
    double w0 = 1.5, w1 = -2, b = 2.5;
    for (int k = 0; k < (int)step; k++) {
        double g0 = 0, g1 = 0, gb = 0;
        for (int i = 0; i < n; i++) {
            double z = w0 * x[2 * i] + w1 * x[2 * i + 1] + b;
            double e = 1 / (1 + exp(-z)) - lab[i];
            g0 += e * x[2 * i];
            g1 += e * x[2 * i + 1];
            gb += e;
        }
        w0 -= 0.5 * g0 / n;
        w1 -= 0.5 * g1 / n;
        b -= 0.5 * gb / n;
    }
    CHECK_NEAR(wl[0], w0, 1e-9 * fabs(w0));
    CHECK_NEAR(wl[1], w1, 1e-9 * fabs(w1));
    CHECK_NEAR(bl, b, 1e-9 * fabs(b));
    free(json);
}

/* ---- exit codes ----------------------------------------------------------- */

static void render_without_scenes_exits_2(void)
{
    CHECK(mlanim("render") == 2);
    char *err = last_output("err");
    CHECK(strstr(err, "no scene") != NULL);
    free(err);
}

static void render_with_an_unknown_option_exits_2_and_renders_nothing(void)
{
    char out[PATH_MAX];
    strf(out, sizeof out, "%s/unknown-option", root);
    CHECK(mlanim("render -q --no-such-option -o '%s' '%s'", out,
                 SOURCE_DIR "/scenes/gd-line.yaml") == 2);
    char *err = last_output("err");
    CHECK(strstr(err, "--no-such-option") != NULL);
    free(err);
    struct stat st;
    CHECK(stat(out, &st) != 0);
}

static void version_exits_0_and_prints_the_version(void)
{
    CHECK(mlanim("--version") == 0);
    char *out = last_output("out");
    CHECK(strncmp(out, "mlanim ", 7) == 0);
    CHECK(strstr(out, MLANIM_VERSION) != NULL);
    free(out);
}

static void render_help_exits_0_with_usage_on_stdout(void)
{
    CHECK(mlanim("render --help") == 0);
    char *out = last_output("out");
    CHECK(strncmp(out, "usage:", 6) == 0);
    CHECK(strstr(out, "mlanim render") != NULL);
    free(out);
}

static void unknown_command_exits_2(void)
{
    CHECK(mlanim("bogus") == 2);
    char *out = last_output("out"), *err = last_output("err");
    CHECK(strstr(err, "bogus") != NULL);
    CHECK(out[0] == '\0');
    free(out);
    free(err);
}

/* ---- atomicity ---------------------------------------------------------- */

/* Writes a copy of gd-line.yaml with `from` replaced by `to`. */
static int broken_copy(const char *path, const char *from, const char *to)
{
    char *text = read_all(SOURCE_DIR "/scenes/gd-line.yaml", NULL);
    char *at = text ? strstr(text, from) : NULL;
    if (!at) {
        free(text);
        return -1;
    }
    size_t len = strlen(text) + strlen(to) + 1;
    char *out = malloc(len);
    strf(out, len, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    int rc = write_all(path, out);
    free(out);
    free(text);
    return rc;
}

static void rejected_script_leaves_the_earlier_render_untouched(void)
{
    char out[PATH_MAX], dir[PATH_MAX], gif[PATH_MAX], saved[PATH_MAX], manifest[PATH_MAX],
        saved_manifest[PATH_MAX], bad[PATH_MAX];
    strf(out, sizeof out, "%s/atomic", root);
    strf(dir, sizeof dir, "%s/gd-line", out);
    strf(gif, sizeof gif, "%s/gd-line.gif", dir);
    strf(manifest, sizeof manifest, "%s/manifest.json", dir);
    strf(saved, sizeof saved, "%s/atomic-before.gif", root);
    strf(saved_manifest, sizeof saved_manifest, "%s/atomic-before.json", root);
    strf(bad, sizeof bad, "%s/gd-line-broken.yaml", root);

    CHECK(mlanim("render -q --scale %g -o '%s' '%s'", SCALE, out,
                 SOURCE_DIR "/scenes/gd-line.yaml") == 0);
    long n;
    char *before = read_all(gif, &n);
    CHECK(before != NULL);
    if (!before)
        return;
    FILE *f = fopen(saved, "wb");
    CHECK(f && fwrite(before, 1, (size_t)n, f) == (size_t)n);
    if (f)
        fclose(f);
    free(before);
    char *m = read_all(manifest, NULL);
    CHECK(m && write_all(saved_manifest, m) == 0);
    free(m);
    struct stat st_before, st_after;
    CHECK(stat(gif, &st_before) == 0);

    /* Same id, but the learning rate is out of range: rejected before any
     * drawing (were it rendered, the descent would diverge and the GIF differ). */
    CHECK(broken_copy(bad, "learning_rate: 0.02", "learning_rate: -1") == 0);
    CHECK(mlanim("render -q --scale %g -o '%s' '%s'", SCALE, out, bad) == 2);
    char *err = last_output("err");
    CHECK(strstr(err, "learning_rate") != NULL);
    free(err);

    CHECK(same_bytes(gif, saved));
    CHECK(same_bytes(manifest, saved_manifest));
    CHECK(stat(gif, &st_after) == 0);
    CHECK(st_after.st_ino == st_before.st_ino);
    CHECK(st_after.st_mtime == st_before.st_mtime);
    CHECK(count_hidden(dir) == 0);
}

/* The scene folder is replaced as a whole (commit.h): a folder squatting on
 * the poster's name goes with the old set, and whatever is on disk
 * afterwards, the manifest describes it. A render that fails before the
 * swap (here: a trace that cannot be written) leaves the
 * earlier set byte for byte. */
static void scene_folder_is_replaced_whole_or_not_at_all(void)
{
    char out[PATH_MAX], dir[PATH_MAX], gif[PATH_MAX], mp4[PATH_MAX], png[PATH_MAX],
        manifest[PATH_MAX], keep[PATH_MAX], trace[PATH_MAX];
    strf(out, sizeof out, "%s/partial", root);
    strf(dir, sizeof dir, "%s/gd-line", out);
    strf(gif, sizeof gif, "%s/gd-line.gif", dir);
    strf(mp4, sizeof mp4, "%s/gd-line.mp4", dir);
    strf(png, sizeof png, "%s/gd-line.png", dir);
    strf(manifest, sizeof manifest, "%s/manifest.json", dir);
    strf(keep, sizeof keep, "%s/partial-before", root);
    strf(trace, sizeof trace, "%s/trace-is-a-folder", root);

    CHECK(mlanim("render -q --scale %g -o '%s' '%s'", SCALE, out,
                 SOURCE_DIR "/scenes/gd-line.yaml") == 0);
    CHECK(unlink(png) == 0 && mkdir(png, 0755) == 0);
    CHECK(mlanim("render -q --scale 0.6 -o '%s' '%s'", out, SOURCE_DIR "/scenes/gd-line.yaml") == 0);
    struct stat st;
    CHECK(stat(png, &st) == 0 && S_ISREG(st.st_mode));
    char *m = read_all(manifest, NULL);
    const char *b = NULL, *e = NULL;
    double bytes = -1;
    CHECK(m && manifest_output(m, "gif", &b, &e) == 0 && json_num(b, e, "bytes", &bytes) == 0);
    CHECK_NEAR(bytes, file_size(gif), 0);
    free(m);

    char cmd[5 * PATH_MAX];
    strf(cmd, sizeof cmd, "mkdir '%s' '%s' && cp -p '%s' '%s' '%s' '%s/'", keep, trace, gif, mp4,
         manifest, keep);
    CHECK(system(cmd) == 0);
    /* A folder as --trace is refused before anything runs (exit 2); a trace
     * that cannot be written (no such folder under /proc) fails the render
     * after every output is made, before the swap. */
    CHECK(mlanim("render -q --scale %g --trace '%s' -o '%s' '%s'", SCALE, trace, out,
                 SOURCE_DIR "/scenes/gd-line.yaml") == 2);
    int rc = mlanim("render -q --scale %g --trace /proc/mlanim-none/t.json -o '%s' '%s'", SCALE,
                    out, SOURCE_DIR "/scenes/gd-line.yaml");
    CHECK(rc == 1);
    char k1[PATH_MAX], k2[PATH_MAX], k3[PATH_MAX];
    strf(k1, sizeof k1, "%s/gd-line.gif", keep);
    strf(k2, sizeof k2, "%s/gd-line.mp4", keep);
    strf(k3, sizeof k3, "%s/manifest.json", keep);
    CHECK(same_bytes(gif, k1));
    CHECK(same_bytes(mp4, k2));
    CHECK(same_bytes(manifest, k3));
    CHECK(count_hidden(dir) == 0);
    CHECK(count_hidden(out) <= 1);      /* at most the lock file */
}

int main(void)
{
    av_log_set_level(AV_LOG_ERROR);
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    if (access(MLANIM, X_OK) != 0) {
        fprintf(stderr, "%s: not built\n", MLANIM);
        return 1;
    }

    RUN(every_bundled_scene_renders_with_status_0);
    RUN(manifest_reports_half_canvas_and_consistent_timing_for_every_scene);
    RUN(scene_time_lessons_show_what_they_are_about);
    RUN(gif_is_gif89a_with_half_size_screen_for_every_scene);
    RUN(gif_loops_forever_for_every_scene);
    RUN(gif_images_lie_inside_the_screen_for_every_scene);
    RUN(gif_delays_sum_to_duration_for_every_scene);
    RUN(mp4_is_h264_yuv420p_at_even_half_size_for_every_scene);
    RUN(mp4_decodes_to_the_manifest_frames_and_duration_for_every_scene);
    RUN(png_poster_has_half_canvas_size_for_every_scene);
    RUN(manifest_bytes_and_sha256_match_the_files_for_every_scene);
    RUN(output_bytes_do_not_depend_on_jobs);
    RUN(trace_records_steps_0_to_200_with_the_model_channels);
    RUN(trace_last_record_matches_the_manifest_final_values);
    RUN(trace_final_loss_is_the_mse_of_the_trace_data);
    RUN(trace_final_weights_follow_from_gradient_descent_on_the_trace_data);
    RUN(trace_vector_channels_round_trip_for_logistic_boundary);
    RUN(render_without_scenes_exits_2);
    RUN(render_with_an_unknown_option_exits_2_and_renders_nothing);
    RUN(version_exits_0_and_prints_the_version);
    RUN(render_help_exits_0_with_usage_on_stdout);
    RUN(unknown_command_exits_2);
    RUN(rejected_script_leaves_the_earlier_render_untouched);
    RUN(scene_folder_is_replaced_whole_or_not_at_all);

    for (int i = 0; i < nscenes; i++)
        free(scenes[i].manifest);
    free(trace_run.json);
    free(trace_run.manifest);
    if (check_failed) {
        fprintf(stderr, "outputs kept in %s\n", root);
    } else {
        char cmd[PATH_MAX + 32];
        strf(cmd, sizeof cmd, "rm -rf '%s'", root);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", root);
    }
    return CHECK_SUMMARY();
}
