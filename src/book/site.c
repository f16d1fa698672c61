/* site: the book's pages, from the lessons' manifests and the prose.
 *
 *   index.html              title page and table of contents
 *   <chapter>.html          a chapter: its prose, its lessons in place
 *   lessons/<id>.html       a lesson: the video, transcript, downloads,
 *                           embed snippets, final numbers, variants
 *   media/<id>/...          the lesson's files (hard links to OUT/<id>/)
 *   assets/book.css, book.js, search-index.js
 *
 * Every text from a script or the prose is HTML-escaped (the prose's own
 * HTML was turned into text by markdown.c); every link is relative, so
 * the site works from file:// and from any sub-path, and requests nothing
 * outside itself. The captions track is a data: URL, since browsers refuse
 * a <track> file over file://. The pages' bytes depend only on the inputs:
 * no dates, no paths of the build machine. */
#include "book/book.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "book/assets.h"
#include "scene_time.h"

/* ---- small helpers ------------------------------------------------------------- */

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return diag_fail("cannot write '%s': %s", path, strerror(errno));
    size_t w = fwrite(data, 1, len, f);
    int bad = fclose(f) != 0 || w != len;
    return bad ? diag_fail("cannot write '%s'", path) : 0;
}

static int write_sbuf(const char *dir, const char *name, const struct sbuf *b)
{
    char *p = path_join(dir, name);
    int rc = write_file(p, b->buf ? b->buf : "", b->len);
    free(p);
    return rc;
}

/* Hard-links src to dst (the media are the render's own files), copying
 * when the two are on different file systems. */
static int link_or_copy(const char *src, const char *dst)
{
    if (link(src, dst) == 0)
        return 0;
    FILE *in = fopen(src, "rb");
    if (!in)
        return diag_fail("cannot read '%s': %s", src, strerror(errno));
    FILE *out = fopen(dst, "wb");
    if (!out) {
        fclose(in);
        return diag_fail("cannot write '%s': %s", dst, strerror(errno));
    }
    char buf[1 << 16];
    size_t n;
    int bad = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        bad |= fwrite(buf, 1, n, out) != n;
    bad |= ferror(in);
    fclose(in);
    bad |= fclose(out) != 0;
    return bad ? diag_fail("cannot copy '%s' to '%s'", src, dst) : 0;
}

static void attr(struct sbuf *b, const char *name, const char *value)
{
    sbuf_printf(b, " %s=\"", name);
    book_escape(b, value);
    sbuf_puts(b, "\"");
}

static void base64(struct sbuf *b, const unsigned char *s, size_t n)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        char q[4] = {t[v >> 18 & 63], t[v >> 12 & 63], i + 1 < n ? t[v >> 6 & 63] : '=',
                     i + 2 < n ? t[v & 63] : '='};
        sbuf_add(b, q, 4);
    }
}

/* A lesson's facts, read back from its manifest. */
struct media {
    json_t *m;                  /* the manifest */
    const char *id;
    int width, height;
    double duration;
    const char *gif, *mp4, *webm, *png, *trace;
};

static const char *output_file(json_t *outs, const char *format)
{
    size_t i;
    json_t *o;
    json_array_foreach(outs, i, o) {
        const char *f = json_string_value(json_object_get(o, "format"));
        if (f && strcmp(f, format) == 0)
            return json_string_value(json_object_get(o, "file"));
    }
    return NULL;
}

static int media_load(struct media *md, const char *out_dir, const char *id)
{
    memset(md, 0, sizeof *md);
    md->id = id;
    char *dir = path_join(out_dir, id);
    char *path = path_join(dir, "manifest.json");
    json_error_t err;
    md->m = json_load_file(path, 0, &err);
    int rc = 0;
    if (!md->m) {
        rc = diag_fail("cannot read '%s': %s", path, err.text);
    } else {
        md->width = (int)json_integer_value(json_object_get(md->m, "width"));
        md->height = (int)json_integer_value(json_object_get(md->m, "height"));
        md->duration = json_number_value(json_object_get(md->m, "duration"));
        json_t *outs = json_object_get(md->m, "outputs");
        md->gif = output_file(outs, "gif");
        md->mp4 = output_file(outs, "mp4");
        md->webm = output_file(outs, "webm");
        md->png = output_file(outs, "png");
        char name[256];
        snprintf(name, sizeof name, "%s.trace.json", id);
        char *tp = path_join(dir, name);
        md->trace = access(tp, R_OK) == 0 ? "trace" : NULL;
        free(tp);
    }
    free(path);
    free(dir);
    return rc;
}

/* ---- captions ------------------------------------------------------------------- */

static void vtt_time(struct sbuf *b, double t)
{
    long ms = lround(t * 1000);
    if (ms < 0)
        ms = 0;
    sbuf_printf(b, "%02ld:%02ld:%02ld.%03ld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                ms % 1000);
}

/* The narration: a text, or a list of texts spread over the timeline in
 * order (one per beat when the scene has as many beats). */
static int narration(const struct scene *s, const char **cues, int cap)
{
    const struct snode *n = snode_get(s->root, "narration");
    if (!n)
        return 0;
    if (n->type == SNODE_SCALAR) {
        cues[0] = n->str;
        return 1;
    }
    int k = 0;
    for (int i = 0; n->type == SNODE_SEQ && i < n->n && k < cap; i++)
        if (n->vals[i]->type == SNODE_SCALAR)
            cues[k++] = n->vals[i]->str;
    return k;
}

/* Plain text of a cue for WebVTT and alt text: formulas as their TeX,
 * "-->" and the like made harmless. */
static void cue_text(struct sbuf *b, const char *t)
{
    for (; *t; t++) {
        if (*t == '\n' || *t == '\r')
            sbuf_puts(b, " ");
        else if (*t == '<')
            sbuf_puts(b, "&lt;");
        else if (*t == '&')
            sbuf_puts(b, "&amp;");
        else if (*t == '-' && t[1] == '-' && t[2] == '>')
            sbuf_puts(b, "-"), t++;
        else if (!(*t == '\\' && t[1] == '$'))
            sbuf_add(b, t, 1);
    }
}

void book_vtt(struct sbuf *b, const struct scene *s, double duration)
{
    const char *cues[256];
    int n = narration(s, cues, 256);
    sbuf_puts(b, "WEBVTT\n");
    double start = 0;
    double beat_total = 0;
    int by_beats = s->beats.n > 0 && s->beats.n == n;
    for (int i = 0; by_beats && i < n; i++)
        beat_total += s->beats.seconds[i];
    for (int i = 0; i < n; i++) {
        double len = by_beats && beat_total > 0 ? s->beats.seconds[i] * duration / beat_total
                                                : duration / n;
        double end = i == n - 1 ? duration : start + len;
        sbuf_printf(b, "\n%d\n", i + 1);
        vtt_time(b, start);
        sbuf_puts(b, " --> ");
        vtt_time(b, end);
        sbuf_puts(b, "\n");
        cue_text(b, cues[i]);
        sbuf_puts(b, "\n");
        start = end;
    }
}

/* ---- page frame ----------------------------------------------------------------- */

struct nav {
    const struct book *b;
    const char *root;           /* "" or "../": from the page to the site's root */
    int chapter;                /* the page's chapter, -1 for none */
    const char *lesson;         /* the page's lesson, NULL for none */
};

static void page_begin(struct sbuf *h, const struct nav *nv, const char *title)
{
    const struct book *b = nv->b;
    sbuf_puts(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<meta name=\"color-scheme\" content=\"light dark\">\n"
                 /* no icon to fetch: a browser asks the server's root otherwise */
                 "<link rel=\"icon\" href=\"data:,\">\n<title>");
    book_escape(h, title);
    if (strcmp(title, b->title) != 0) {
        sbuf_puts(h, " · ");
        book_escape(h, b->title);
    }
    sbuf_printf(h, "</title>\n<link rel=\"stylesheet\" href=\"%sassets/book.css\">\n"
                   "<script src=\"%sassets/search-index.js\" defer></script>\n"
                   "<script src=\"%sassets/book.js\" defer></script>\n</head>\n<body>\n",
                nv->root, nv->root, nv->root);
    sbuf_printf(h, "<header class=\"top\"><a class=\"home\" href=\"%sindex.html\">", nv->root);
    book_escape(h, b->title);
    sbuf_printf(h, "</a>\n<div class=\"search\" role=\"search\" data-root=\"%s\">"
                   "<input type=\"search\" id=\"search\" placeholder=\"Search the book\" "
                   "aria-label=\"Search the book\" autocomplete=\"off\">"
                   "<ul id=\"search-results\" hidden></ul></div></header>\n", nv->root);
    sbuf_puts(h, "<div class=\"layout\">\n<nav class=\"toc\" aria-label=\"Contents\">\n");
    for (int p = 0; p < b->nparts; p++) {
        const struct book_part *part = &b->parts[p];
        sbuf_puts(h, "<p class=\"part\">");
        book_escape(h, part->title);
        sbuf_puts(h, "</p>\n<ol>\n");
        for (int c = part->first; c < part->first + part->n; c++) {
            const struct book_chapter *ch = &b->chapters[c];
            sbuf_printf(h, "<li%s><a href=\"%s%s.html\">", c == nv->chapter ? " class=\"here\"" : "",
                        nv->root, ch->id);
            book_escape(h, ch->title);
            sbuf_puts(h, "</a></li>\n");
        }
        sbuf_puts(h, "</ol>\n");
    }
    sbuf_puts(h, "</nav>\n<main>\n");
}

static void page_end(struct sbuf *h, const struct nav *nv, const char *prev_href,
                     const char *prev_title, const char *next_href, const char *next_title)
{
    sbuf_puts(h, "<nav class=\"pager\" aria-label=\"Previous and next\">");
    if (prev_href) {
        sbuf_printf(h, "<a class=\"prev\" rel=\"prev\" href=\"%s\">← ", prev_href);
        book_escape(h, prev_title);
        sbuf_puts(h, "</a>");
    }
    if (next_href) {
        sbuf_printf(h, "<a class=\"next\" rel=\"next\" href=\"%s\">", next_href);
        book_escape(h, next_title);
        sbuf_puts(h, " →</a>");
    }
    sbuf_puts(h, "</nav>\n</main>\n</div>\n<footer>Made with mlanim from YAML scene scripts; "
                 "every number on screen is computed.</footer>\n</body>\n</html>\n");
    (void)nv;
}

/* ---- a lesson -------------------------------------------------------------------- */

/* A file name in a URL: percent-encoded but for what needs none, so that
 * "gd@x_range=%5B0%5D.mp4" is asked for as itself, not as "[0]". */
static void url_part(struct sbuf *h, const char *s)
{
    static const char ok[] = "-._~@=+,";
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr(ok, *c))
            sbuf_add(h, (const char *)c, 1);
        else
            sbuf_printf(h, "%%%02X", *c);
    }
}

static void media_src(struct sbuf *h, const struct nav *nv, const char *id, const char *file)
{
    sbuf_printf(h, "%smedia/%s/", nv->root, id);
    url_part(h, file);
}

/* ' name="media/ID/FILE"' when there is a file, nothing otherwise. */
static void media_attr(struct sbuf *h, const struct nav *nv, const char *id, const char *name,
                       const char *file)
{
    if (!file)
        return;
    sbuf_printf(h, " %s=\"", name);
    media_src(h, nv, id, file);
    sbuf_puts(h, "\"");
}

/* The player: the MP4 (and WebM) with the poster and captions, the GIF as
 * the fallback; or the GIF alone when there is no video. */
static void player(struct sbuf *h, const struct nav *nv, const struct book_lesson *l,
                   const struct media *md, int lazy)
{
    const struct scene *s = l->scene;
    struct sbuf alt = {0};
    const char *cues[256];
    int nc = narration(s, cues, 256);
    for (int i = 0; i < nc; i++) {
        if (i)
            sbuf_puts(&alt, " ");
        cue_text(&alt, cues[i]);
    }
    if (!nc)
        sbuf_puts(&alt, s->caption && *s->caption ? s->caption : s->title);
    sbuf_printf(h, "<div class=\"player\" style=\"aspect-ratio: %d / %d; max-width: %dpx\">",
                md->width, md->height, md->width);
    if (md->mp4 || md->webm) {
        sbuf_printf(h, "<video width=\"%d\" height=\"%d\" muted loop playsinline controls "
                       "preload=\"%s\" data-autoplay", md->width, md->height,
                    lazy ? "none" : "metadata");
        media_attr(h, nv, l->id, "poster", md->png);
        sbuf_puts(h, ">");
        if (md->mp4) {
            sbuf_puts(h, "<source");
            media_attr(h, nv, l->id, "src", md->mp4);
            sbuf_puts(h, " type=\"video/mp4\">");
        }
        if (md->webm) {
            sbuf_puts(h, "<source");
            media_attr(h, nv, l->id, "src", md->webm);
            sbuf_puts(h, " type=\"video/webm\">");
        }
        if (nc) {
            struct sbuf vtt = {0};
            book_vtt(&vtt, s, md->duration);
            /* off until the reader turns them on: they would cover the
             * frame's own numbers (book.js loads them, hidden) */
            sbuf_puts(h, "<track kind=\"captions\" srclang=\"en\" label=\"English\" "
                         "src=\"data:text/vtt;base64,");
            base64(h, (const unsigned char *)vtt.buf, vtt.len);
            sbuf_puts(h, "\">");
            sbuf_release(&vtt);
        }
    }
    /* the GIF, or without any animation the poster */
    const char *still = md->gif ? md->gif : !(md->mp4 || md->webm) ? md->png : NULL;
    if (still) {
        sbuf_puts(h, "<img");
        media_attr(h, nv, l->id, "src", still);
        sbuf_printf(h, " width=\"%d\" height=\"%d\"%s", md->width, md->height,
                    lazy && md->gif ? " loading=\"lazy\"" : "");
        attr(h, "alt", alt.buf ? alt.buf : "");
        sbuf_puts(h, ">");
    }
    if (md->mp4 || md->webm)
        sbuf_puts(h, "</video>");
    sbuf_puts(h, "</div>\n");
    sbuf_release(&alt);
}

/* One position of a variants slider: its value and animation's files. */
static void variant_item(struct sbuf *h, const struct nav *nv, const char *id, const char *value,
                         const char *mp4, const char *gif, const char *png)
{
    sbuf_puts(h, "<li");
    attr(h, "data-value", value);
    media_attr(h, nv, id, "data-mp4", mp4);
    media_attr(h, nv, id, "data-gif", gif);
    media_attr(h, nv, id, "data-poster", png);
    sbuf_puts(h, "></li>");
}

/* The scene's own value at a dotted path ("trainer.learning_rate"), as
 * written, for the slider's first position; NULL when it is a default. */
static const char *own_value(const struct scene *s, const char *path)
{
    const struct snode *n = s->root;
    char part[128];
    while (n && path && *path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        if (len >= sizeof part || n->type != SNODE_MAP)
            return NULL;
        memcpy(part, path, len);
        part[len] = '\0';
        n = snode_get(n, part);
        path = dot ? dot + 1 : NULL;
    }
    return n && n->type == SNODE_SCALAR ? n->str : NULL;
}

/* A slider over the lesson's variants (manifest "variants"): the scene's
 * own animation and one per value, switched by book.js; without scripts
 * the scene's own shows. */
static void variants(struct sbuf *h, const struct nav *nv, const struct book_lesson *l,
                     const struct media *md)
{
    json_t *vars = json_object_get(md->m, "variants");
    if (!json_is_array(vars) || json_array_size(vars) == 0)
        return;
    const char *path = json_string_value(json_object_get(json_array_get(vars, 0), "path"));
    const char *optname = path && strrchr(path, '.') ? strrchr(path, '.') + 1 : path;
    size_t n = json_array_size(vars);
    sbuf_printf(h, "<div class=\"variants\" data-lesson=\"%s\">", l->id);
    sbuf_puts(h, "<label>");
    book_escape(h, optname ? optname : "variant");
    const char *own = own_value(l->scene, path);
    sbuf_puts(h, " = <output>");
    book_escape(h, own ? own : "the script's value");
    sbuf_puts(h, "</output> <input type=\"range\" min=\"0\"");
    sbuf_printf(h, " max=\"%zu\" step=\"1\" value=\"0\"", n);
    attr(h, "aria-label", optname ? optname : "variant");
    sbuf_puts(h, "></label><ul class=\"variant-list\" hidden>");
    /* the scene's own first, then each value */
    variant_item(h, nv, l->id, own ? own : "the script's value", md->mp4, md->gif, md->png);
    size_t i;
    json_t *v;
    json_array_foreach(vars, i, v) {
        json_t *outs = json_object_get(v, "outputs");
        const char *mp4 = output_file(outs, "mp4"), *gif = output_file(outs, "gif"),
                   *png = output_file(outs, "png");
        variant_item(h, nv, l->id, json_string_value(json_object_get(v, "value")), mp4, gif, png);
    }
    sbuf_puts(h, "</ul></div>\n");
}

/* The lesson as a figure: chapters embed it, its page leads with it. */
static void figure(struct sbuf *h, const struct nav *nv, const struct book_lesson *l,
                   const struct media *md, int lazy, int link)
{
    const struct scene *s = l->scene;
    sbuf_printf(h, "<figure class=\"lesson\" id=\"lesson-%s\" data-lesson=\"%s\">\n", l->id, l->id);
    player(h, nv, l, md, lazy);
    variants(h, nv, l, md);
    sbuf_puts(h, "<figcaption>");
    if (link) {
        sbuf_printf(h, "<a class=\"lesson-title\" href=\"%slessons/%s.html\">", nv->root, l->id);
        char *t = book_markdown_inline(s->title, nv->root);
        sbuf_puts(h, t);
        free(t);
        sbuf_puts(h, "</a>");
        if (s->caption && *s->caption)
            sbuf_puts(h, " — ");
    }
    if (s->caption && *s->caption) {
        char *c = book_markdown_inline(s->caption, nv->root);
        sbuf_puts(h, c);
        free(c);
    }
    sbuf_puts(h, "</figcaption>\n");
    /* the narration under the video, as on the lesson's own page */
    const char *cues[256];
    int nc = link ? narration(s, cues, 256) : 0;
    if (nc) {
        sbuf_puts(h, "<details class=\"transcript\"><summary>Transcript</summary>\n");
        for (int k = 0; k < nc; k++) {
            char *c = book_markdown_inline(cues[k], nv->root);
            sbuf_printf(h, "<p>%s</p>\n", c);
            free(c);
        }
        sbuf_puts(h, "</details>\n");
    }
    sbuf_puts(h, "</figure>\n");
}

static void final_numbers(struct sbuf *h, const struct media *md)
{
    json_t *fin = json_object_get(md->m, "final");
    if (!json_is_object(fin) || json_object_size(fin) == 0)
        return;
    sbuf_puts(h, "<h2>The numbers at the end</h2>\n<table class=\"final\"><tbody>\n");
    const char *key;
    json_t *v;
    json_object_foreach(fin, key, v) {
        sbuf_puts(h, "<tr><th scope=\"row\">");
        book_escape(h, key);
        sbuf_puts(h, "</th><td>");
        if (json_is_number(v)) {
            char num[64];
            double x = json_number_value(v);
            if (x == floor(x) && fabs(x) < 1e15)
                snprintf(num, sizeof num, "%.0f", x);
            else
                snprintf(num, sizeof num, "%.6g", x);
            book_escape(h, num);
        } else if (json_is_array(v)) {
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) {
                char num[64];
                snprintf(num, sizeof num, "%s%.6g", i ? ", " : "", json_number_value(e));
                book_escape(h, num);
            }
        } else {
            book_escape(h, json_is_null(v) ? "–" : json_string_value(v));
        }
        sbuf_puts(h, "</td></tr>\n");
    }
    const char *stop = json_string_value(json_object_get(md->m, "stop_reason"));
    json_t *steps = json_object_get(md->m, "steps");
    if (json_is_integer(steps)) {
        sbuf_printf(h, "<tr><th scope=\"row\">steps</th><td>%lld", (long long)json_integer_value(steps));
        if (stop && *stop) {
            sbuf_puts(h, " (");
            book_escape(h, stop);
            sbuf_puts(h, ")");
        }
        sbuf_puts(h, "</td></tr>\n");
    }
    sbuf_puts(h, "</tbody></table>\n");
}

static void snippet(struct sbuf *h, const char *title, const char *code)
{
    sbuf_puts(h, "<details class=\"embed\"><summary>");
    book_escape(h, title);
    sbuf_puts(h, "</summary><pre><code>");
    book_escape(h, code);
    sbuf_puts(h, "</code></pre></details>\n");
}

static int lesson_page(const struct book *b, int i, const struct media *md, const char *dir)
{
    const struct book_lesson *l = &b->lessons[i];
    const struct scene *s = l->scene;
    struct nav nv = {b, "../", l->chapter, l->id};
    struct sbuf h = {0};
    page_begin(&h, &nv, s->title);
    sbuf_puts(&h, "<article class=\"lesson-page\">\n<h1>");
    char *t = book_markdown_inline(s->title, nv.root);
    sbuf_puts(&h, t);
    free(t);
    sbuf_puts(&h, "</h1>\n");
    const struct book_chapter *ch = &b->chapters[l->chapter];
    sbuf_printf(&h, "<p class=\"crumbs\">In <a href=\"../%s.html#lesson-%s\">", ch->id, l->id);
    book_escape(&h, ch->title);
    sbuf_puts(&h, "</a></p>\n");
    figure(&h, &nv, l, md, 0, 0);

    const char *cues[256];
    int nc = narration(s, cues, 256);
    if (nc) {
        sbuf_puts(&h, "<h2>Transcript</h2>\n<div class=\"transcript\">\n");
        for (int k = 0; k < nc; k++) {
            char *c = book_markdown_inline(cues[k], nv.root);
            sbuf_printf(&h, "<p>%s</p>\n", c);
            free(c);
        }
        sbuf_puts(&h, "</div>\n");
    }
    final_numbers(&h, md);

    sbuf_puts(&h, "<h2>Downloads</h2>\n<ul class=\"downloads\">\n");
    const char *files[5] = {md->gif, md->mp4, md->webm, md->png, NULL};
    const char *labels[5] = {"GIF", "MP4", "WebM", "poster (PNG)", "trace (JSON)"};
    char trace_name[256];
    snprintf(trace_name, sizeof trace_name, "%s.trace.json", l->id);
    if (md->trace)
        files[4] = trace_name;
    for (int k = 0; k < 5; k++) {
        if (!files[k])
            continue;
        sbuf_puts(&h, "<li><a download href=\"");
        media_src(&h, &nv, l->id, files[k]);
        sbuf_printf(&h, "\">%s</a></li>\n", labels[k]);
    }
    if (nc) {
        sbuf_puts(&h, "<li><a download href=\"");
        char vtt[256];
        snprintf(vtt, sizeof vtt, "%s.vtt", l->id);
        media_src(&h, &nv, l->id, vtt);
        sbuf_puts(&h, "\">captions (WebVTT)</a></li>\n");
    }
    sbuf_puts(&h, "</ul>\n<h2>Embed it</h2>\n");
    /* snippets that work beside the downloaded files */
    struct sbuf code = {0};
    const char *vid = md->mp4 ? md->mp4 : md->webm;
    if (vid)
        sbuf_printf(&code, "<video src=\"%s\" poster=\"%s\" width=\"%d\" height=\"%d\" muted loop "
                           "playsinline autoplay controls></video>", vid, md->png ? md->png : "",
                    md->width, md->height);
    else
        sbuf_printf(&code, "<img src=\"%s\" width=\"%d\" height=\"%d\" alt=\"%s\">",
                    md->gif ? md->gif : md->png, md->width, md->height, s->title);
    snippet(&h, "HTML", code.buf);
    sbuf_release(&code);
    sbuf_printf(&code, "![%s](%s)", s->title, md->gif ? md->gif : md->png ? md->png : "");
    snippet(&h, "Markdown", code.buf);
    sbuf_release(&code);
    sbuf_printf(&code, "<section>\n  <h3>%s</h3>\n  <video data-autoplay muted loop playsinline "
                       "src=\"%s\"%s%s%s></video>\n</section>", s->title, vid ? vid : md->gif,
                md->png ? " poster=\"" : "", md->png ? md->png : "", md->png ? "\"" : "");
    snippet(&h, "reveal.js slide", code.buf);
    sbuf_release(&code);
    sbuf_puts(&h, "</article>\n");

    /* previous and next lesson, in book order */
    char prev[160] = "", next[160] = "";
    if (i > 0)
        snprintf(prev, sizeof prev, "%s.html", b->lessons[i - 1].id);
    if (i + 1 < b->nlessons)
        snprintf(next, sizeof next, "%s.html", b->lessons[i + 1].id);
    page_end(&h, &nv, i > 0 ? prev : NULL, i > 0 ? b->lessons[i - 1].scene->title : NULL,
             i + 1 < b->nlessons ? next : NULL,
             i + 1 < b->nlessons ? b->lessons[i + 1].scene->title : NULL);
    char name[160];
    snprintf(name, sizeof name, "lessons/%s.html", l->id);
    int rc = write_sbuf(dir, name, &h);
    sbuf_release(&h);
    return rc;
}

/* ---- chapters and the title page --------------------------------------------------- */

static int chapter_page(const struct book *b, int c, const struct media *mds, const char *dir)
{
    const struct book_chapter *ch = &b->chapters[c];
    struct nav nv = {b, "", c, NULL};
    struct sbuf h = {0};
    page_begin(&h, &nv, ch->title);
    sbuf_puts(&h, "<article class=\"chapter\">\n<p class=\"part-title\">");
    book_escape(&h, b->parts[ch->part].title);
    sbuf_puts(&h, "</p>\n<h1>");
    book_escape(&h, ch->title);
    sbuf_puts(&h, "</h1>\n");
    /* the prose, with its {{lesson ID}} markers replaced; the lessons not
     * placed follow it */
    int *placed = xcalloc((size_t)ch->n + 1, sizeof *placed);
    const char *p = ch->html ? ch->html : "";
    int nth = 0;
    for (;;) {
        const char *m = strstr(p, "<!--mlanim-lesson:");
        if (!m) {
            sbuf_puts(&h, p);
            break;
        }
        sbuf_add(&h, p, (size_t)(m - p));
        const char *e = strstr(m, "-->");
        char id[128];
        size_t idl = (size_t)(e - (m + 18));
        snprintf(id, sizeof id, "%.*s", (int)(idl < sizeof id ? idl : sizeof id - 1), m + 18);
        for (int k = 0; k < ch->n; k++)
            if (strcmp(b->lessons[ch->first + k].id, id) == 0 && !placed[k]) {
                figure(&h, &nv, &b->lessons[ch->first + k], &mds[ch->first + k], nth++ > 0, 1);
                placed[k] = 1;
            }
        p = e + 3;
        if (*p == '\n')
            p++;
    }
    for (int k = 0; k < ch->n; k++)
        if (!placed[k])
            figure(&h, &nv, &b->lessons[ch->first + k], &mds[ch->first + k], nth++ > 0, 1);
    free(placed);
    sbuf_puts(&h, "</article>\n");
    char prev[160], next[160];
    if (c > 0)
        snprintf(prev, sizeof prev, "%s.html", b->chapters[c - 1].id);
    else
        snprintf(prev, sizeof prev, "index.html");
    if (c + 1 < b->nchapters)
        snprintf(next, sizeof next, "%s.html", b->chapters[c + 1].id);
    page_end(&h, &nv, prev, c > 0 ? b->chapters[c - 1].title : b->title,
             c + 1 < b->nchapters ? next : NULL,
             c + 1 < b->nchapters ? b->chapters[c + 1].title : NULL);
    char name[160];
    snprintf(name, sizeof name, "%s.html", ch->id);
    int rc = write_sbuf(dir, name, &h);
    sbuf_release(&h);
    return rc;
}

static int index_page(const struct book *b, const char *dir)
{
    struct nav nv = {b, "", -1, NULL};
    struct sbuf h = {0};
    page_begin(&h, &nv, b->title);
    sbuf_puts(&h, "<article class=\"title-page\">\n<h1>");
    book_escape(&h, b->title);
    sbuf_puts(&h, "</h1>\n");
    if (b->subtitle) {
        sbuf_puts(&h, "<p class=\"subtitle\">");
        book_escape(&h, b->subtitle);
        sbuf_puts(&h, "</p>\n");
    }
    if (b->nauthors) {
        sbuf_puts(&h, "<p class=\"authors\">");
        for (int i = 0; i < b->nauthors; i++) {
            if (i)
                sbuf_puts(&h, ", ");
            book_escape(&h, b->authors[i]);
        }
        sbuf_puts(&h, "</p>\n");
    }
    if (b->description) {
        sbuf_puts(&h, "<p class=\"description\">");
        book_escape(&h, b->description);
        sbuf_puts(&h, "</p>\n");
    }
    if (b->intro_html)
        sbuf_puts(&h, b->intro_html);
    sbuf_puts(&h, "<h2>Contents</h2>\n<div class=\"contents\">\n");
    for (int p = 0; p < b->nparts; p++) {
        const struct book_part *part = &b->parts[p];
        sbuf_puts(&h, "<h3>");
        book_escape(&h, part->title);
        sbuf_puts(&h, "</h3>\n<ol>\n");
        for (int c = part->first; c < part->first + part->n; c++) {
            const struct book_chapter *ch = &b->chapters[c];
            sbuf_printf(&h, "<li><a href=\"%s.html\">", ch->id);
            book_escape(&h, ch->title);
            sbuf_puts(&h, "</a><ul class=\"lessons\">");
            for (int k = ch->first; k < ch->first + ch->n; k++) {
                sbuf_printf(&h, "<li><a href=\"lessons/%s.html\">", b->lessons[k].id);
                char *t = book_markdown_inline(b->lessons[k].scene->title, "");
                sbuf_puts(&h, t);
                free(t);
                sbuf_puts(&h, "</a></li>");
            }
            sbuf_puts(&h, "</ul></li>\n");
        }
        sbuf_puts(&h, "</ol>\n");
    }
    sbuf_puts(&h, "</div>\n</article>\n");
    /* the pager's next is the first chapter */
    char first[160];
    if (b->nchapters)
        snprintf(first, sizeof first, "%s.html", b->chapters[0].id);
    page_end(&h, &nv, NULL, NULL, b->nchapters ? first : NULL,
             b->nchapters ? b->chapters[0].title : NULL);
    int rc = write_sbuf(dir, "index.html", &h);
    sbuf_release(&h);
    return rc;
}

/* ---- search -------------------------------------------------------------------------- */

/* Text of HTML for the index: tags dropped, entities kept as they are
 * (the index is matched case-insensitively by words). */
static void json_text(struct sbuf *b, const char *html, size_t max)
{
    int in_tag = 0, in_svg = 0;
    size_t n = 0;
    for (const char *c = html; c && *c && n < max; c++) {
        if (*c == '<') {
            in_tag = 1;
            if (strncmp(c, "<svg", 4) == 0)
                in_svg = 1;
            if (strncmp(c, "</svg", 5) == 0)
                in_svg = 0;
            continue;
        }
        if (*c == '>') {
            in_tag = 0;
            sbuf_puts(b, " ");
            continue;
        }
        if (in_tag || in_svg)
            continue;
        unsigned char u = (unsigned char)*c;
        if (*c == '"' || *c == '\\')
            sbuf_printf(b, "\\%c", *c);
        else if (u < 0x20)
            sbuf_puts(b, " ");
        else if (*c == '<' || *c == '/')
            sbuf_printf(b, "\\u%04x", u);
        else
            sbuf_add(b, c, 1);
        n++;
    }
}

/* A JSON string's body: quotes, backslashes and control characters
 * escaped, and '<' and '/' too, so "</script>" cannot end the script. */
static void json_plain(struct sbuf *b, const char *text)
{
    for (const char *c = text ? text : ""; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (*c == '"' || *c == '\\')
            sbuf_printf(b, "\\%c", *c);
        else if (u < 0x20)
            sbuf_puts(b, " ");
        else if (*c == '<' || *c == '/')
            sbuf_printf(b, "\\u%04x", u);
        else
            sbuf_add(b, c, 1);
    }
}

static int search_index(const struct book *b, const char *dir)
{
    struct sbuf j = {0};
    sbuf_puts(&j, "/* generated by mlanim book: the search index, loaded as a script so that "
                  "search works from file:// */\nwindow.MLANIM_SEARCH = [\n");
    for (int c = 0; c < b->nchapters; c++) {
        const struct book_chapter *ch = &b->chapters[c];
        sbuf_puts(&j, "{\"t\":\"");
        json_plain(&j, ch->title);
        sbuf_printf(&j, "\",\"u\":\"%s.html\",\"k\":\"chapter\",\"x\":\"", ch->id);
        json_text(&j, ch->html, 20000);
        sbuf_puts(&j, "\"},\n");
    }
    for (int i = 0; i < b->nlessons; i++) {
        const struct scene *s = b->lessons[i].scene;
        sbuf_puts(&j, "{\"t\":\"");
        json_plain(&j, s->title);
        sbuf_printf(&j, "\",\"u\":\"lessons/%s.html\",\"k\":\"lesson\",\"x\":\"", b->lessons[i].id);
        json_plain(&j, s->caption);
        const char *cues[256];
        int nc = narration(s, cues, 256);
        for (int k = 0; k < nc; k++) {
            sbuf_puts(&j, " ");
            json_plain(&j, cues[k]);
        }
        sbuf_puts(&j, "\"},\n");
    }
    sbuf_puts(&j, "];\n");
    int rc = write_sbuf(dir, "assets/search-index.js", &j);
    sbuf_release(&j);
    return rc;
}

/* ---- the site ------------------------------------------------------------------------ */

int book_write_site(const struct book *b, const char *out_dir, const char *dir)
{
    int rc = 0;
    char *p;
    static const char *const sub[] = {"assets", "lessons", "media"};
    for (size_t i = 0; i < 3 && !rc; i++) {
        p = path_join(dir, sub[i]);
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = diag_fail("cannot create '%s': %s", p, strerror(errno));
        free(p);
    }
    struct media *mds = xcalloc((size_t)b->nlessons + 1, sizeof *mds);
    for (int i = 0; i < b->nlessons && !rc; i++) {
        const struct book_lesson *l = &b->lessons[i];
        rc = media_load(&mds[i], out_dir, l->id);
        if (rc)
            break;
        /* the lesson's files, and its captions as a file to download */
        char *mdir = path_join(dir, "media");
        char *ldir = path_join(mdir, l->id);
        free(mdir);
        if (mkdir(ldir, 0777) != 0 && errno != EEXIST)
            rc = diag_fail("cannot create '%s': %s", ldir, strerror(errno));
        char *src = path_join(out_dir, l->id);
        const char *files[4] = {mds[i].gif, mds[i].mp4, mds[i].webm, mds[i].png};
        for (int k = 0; k < 4 && !rc; k++) {
            if (!files[k])
                continue;
            char *a = path_join(src, files[k]), *z = path_join(ldir, files[k]);
            rc = link_or_copy(a, z);
            free(a);
            free(z);
        }
        json_t *vars = json_object_get(mds[i].m, "variants");
        size_t vi;
        json_t *v;
        json_array_foreach(vars, vi, v) {
            json_t *outs = json_object_get(v, "outputs");
            size_t oi;
            json_t *o;
            json_array_foreach(outs, oi, o) {
                const char *f = json_string_value(json_object_get(o, "file"));
                const char *fmt = json_string_value(json_object_get(o, "format"));
                if (rc || !f || !fmt || strcmp(fmt, "frames") == 0)
                    continue;
                char *a = path_join(src, f), *z = path_join(ldir, f);
                rc = link_or_copy(a, z);
                free(a);
                free(z);
            }
        }
        if (!rc && mds[i].trace) {
            char name[256];
            snprintf(name, sizeof name, "%s.trace.json", l->id);
            char *a = path_join(src, name), *z = path_join(ldir, name);
            rc = link_or_copy(a, z);
            free(a);
            free(z);
        }
        if (!rc && snode_get(l->scene->root, "narration")) {
            struct sbuf vtt = {0};
            book_vtt(&vtt, l->scene, mds[i].duration);
            char name[256];
            snprintf(name, sizeof name, "%s.vtt", l->id);
            rc = write_sbuf(ldir, name, &vtt);
            sbuf_release(&vtt);
        }
        free(src);
        free(ldir);
    }
    for (int i = 0; i < b->nlessons && !rc; i++)
        rc = lesson_page(b, i, &mds[i], dir);
    for (int c = 0; c < b->nchapters && !rc; c++)
        rc = chapter_page(b, c, mds, dir);
    if (!rc)
        rc = index_page(b, dir);
    if (!rc)
        rc = search_index(b, dir);
    if (!rc) {
        struct sbuf css = {0}, js = {0};
        sbuf_puts(&css, book_css);
        sbuf_puts(&js, book_js);
        rc = write_sbuf(dir, "assets/book.css", &css);
        if (!rc)
            rc = write_sbuf(dir, "assets/book.js", &js);
        sbuf_release(&css);
        sbuf_release(&js);
    }
    for (int i = 0; i < b->nlessons; i++)
        if (mds[i].m)
            json_decref(mds[i].m);
    free(mds);
    return rc;
}
