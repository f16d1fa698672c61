/* test_book: the book's pieces on their own: the source key (what changes
 * it and what does not), HTML escaping, WebVTT timing, the Markdown with
 * its formula syntax, and book.yaml's located errors. The whole build, in
 * a browser, is tests/e2e_book.sh and tests/e2e_book_browser.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "book/book.h"
#include "check.h"
#include "diag.h"
#include "manifest.h"
#include "math/math.h"
#include "scene.h"
#include "util.h"

static char dir[64];

static void put(const char *name, const char *text)
{
    char *p = path_join(dir, name);
    char *d = path_dirname(p);
    path_mkdirs(d);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    free(d);
    free(p);
}

static const char *scene_a =
    "id: a\n"
    "canvas: {width: 160, height: 90}\n"
    "data: {kind: csv, file: pts.csv, x: x, y: y}\n"
    "model: {kind: linear}\n"
    "trainer: {kind: gd, learning_rate: 0.01, steps: 3}\n"
    "panels:\n"
    "  - kind: data-fit\n";

static int key_of(const char *formats_csv, char out[65])
{
    char *p = path_join(dir, "scenes/a.yaml");
    struct scene *s = scene_load(p);
    free(p);
    if (!s)
        return -1;
    const char *fmts[4];
    int n = 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", formats_csv);
    for (char *t = strtok(buf, ","); t && n < 4; t = strtok(NULL, ","))
        fmts[n++] = t;
    int rc = manifest_source_key(s, fmts, n, 1.0, 1, out);
    scene_free(s);
    return rc;
}

static void source_key_follows_script_data_and_formats_only(void)
{
    put("scenes/a.yaml", scene_a);
    put("scenes/pts.csv", "x,y\n1,3\n2,5\n3,7\n");
    char k1[65], k2[65];
    CHECK(key_of("gif,mp4", k1) == 0);
    CHECK(key_of("gif,mp4", k2) == 0);
    CHECK_STR(k1, k2);                                  /* the same inputs, the same key */
    CHECK(strlen(k1) == 64);
    /* the data file the script reads */
    put("scenes/pts.csv", "x,y\n1,3\n2,5\n3,8\n");
    CHECK(key_of("gif,mp4", k2) == 0);
    CHECK(strcmp(k1, k2) != 0);
    put("scenes/pts.csv", "x,y\n1,3\n2,5\n3,7\n");
    CHECK(key_of("gif,mp4", k2) == 0);
    CHECK_STR(k1, k2);                                  /* back: the key comes back */
    /* the formats */
    CHECK(key_of("gif", k2) == 0);
    CHECK(strcmp(k1, k2) != 0);
    /* the script, by one byte */
    char *changed = xstrdup(scene_a);
    *strstr(changed, "steps: 3") = 's';
    memcpy(strstr(changed, "steps: 3"), "steps: 4", 8);
    put("scenes/a.yaml", changed);
    CHECK(key_of("gif,mp4", k2) == 0);
    CHECK(strcmp(k1, k2) != 0);
    free(changed);
    put("scenes/a.yaml", scene_a);
    /* a file the scene does not read changes nothing (the chapters' prose) */
    put("scenes/unrelated.md", "# prose\n");
    CHECK(key_of("gif,mp4", k2) == 0);
    CHECK_STR(k1, k2);
}

static void escaping_turns_markup_into_text(void)
{
    struct sbuf b = {0};
    book_escape(&b, "<script>alert(\"1\") & 'x'</script>");
    CHECK_STR(b.buf, "&lt;script&gt;alert(&quot;1&quot;) &amp; &#39;x&#39;&lt;/script&gt;");
    sbuf_release(&b);
    char *h = book_markdown_inline("a <b>bold</b> *em* <script>x</script>", "");
    CHECK(strstr(h, "<script>") == NULL);
    CHECK(strstr(h, "&lt;script&gt;") != NULL);
    CHECK(strstr(h, "<em>em</em>") != NULL);
    free(h);
    const char *md = "Hi <img src=x onerror=alert(1)>\n\n<div>block</div>\n\n"
                     "[x](javascript:alert(1)) ![p](http://example.com/p.png)\n";
    h = book_markdown("t.md", md, strlen(md), NULL, NULL);
    CHECK(h != NULL);
    if (h) {
        CHECK(strstr(h, "<img") == NULL);
        CHECK(strstr(h, "<div>") == NULL);
        CHECK(strstr(h, "javascript:") == NULL);
        CHECK(strstr(h, "example.com") == NULL);
        CHECK(strstr(h, "&lt;div&gt;") != NULL);
    }
    free(h);
}

static void formulas_survive_markdown_byte_for_byte(void)
{
    /* cmark would make emphasis of a*b*c between plain dollars; in a code
     * span it reaches the math layout as written (its aria-label) */
    const char *md = "Inline $`a*b*c + \\frac{1}{n}`$ and a block:\n\n"
                     "```math\nL = \\sum_{i=1}^{n} x_i^2\n```\n";
    char *h = book_markdown("t.md", md, strlen(md), NULL, NULL);
    CHECK(h != NULL);
    if (h) {
        CHECK(strstr(h, "aria-label=\"a*b*c + \\frac{1}{n}\"") != NULL);
        CHECK(strstr(h, "<em>") == NULL);
        CHECK(strstr(h, "class=\"math display\"") != NULL);
        CHECK(strstr(h, "aria-label=\"L = \\sum_{i=1}^{n} x_i^2\"") != NULL);
        CHECK(strstr(h, "$") == NULL);          /* the dollars are gone with the code */
    }
    free(h);
    /* an error is at its line and column in the file */
    char out[1024] = {0};
    FILE *f = fmemopen(out, sizeof out - 1, "w");
    diag_set_stream(f);
    const char *bad = "text\n\nsee $`x + \\mathscr{L}`$ here\n";
    h = book_markdown("ch.md", bad, strlen(bad), NULL, NULL);
    fclose(f);
    diag_set_stream(NULL);
    CHECK(h == NULL);
    /* "see $`" is 6 characters: the TeX starts at column 7, \mathscr at 11 */
    CHECK(strstr(out, "ch.md:3:11: error: unknown command '\\mathscr' in formula") != NULL);
    free(h);
}

static void captions_are_strict_webvtt_spread_over_the_timeline(void)
{
    put("scenes/n.yaml",
        "id: n\n"
        "narration: ['First, <b>this</b> --> that.', 'Then $x^2$.', 'Last.']\n"
        "canvas: {width: 160, height: 90}\n"
        "beats: {seconds: [1, 2, 3]}\n"
        "panels:\n"
        "  - kind: text\n"
        "    texts: [a, b, c]\n");
    char *p = path_join(dir, "scenes/n.yaml");
    struct scene *s = scene_load(p);
    free(p);
    CHECK(s != NULL);
    if (!s)
        return;
    struct sbuf b = {0};
    book_vtt(&b, s, 6.0);
    /* one cue per beat: 0-1, 1-3, 3-6 s */
    CHECK(strncmp(b.buf, "WEBVTT\n", 7) == 0);
    CHECK(strstr(b.buf, "\n1\n00:00:00.000 --> 00:00:01.000\n") != NULL);
    CHECK(strstr(b.buf, "\n2\n00:00:01.000 --> 00:00:03.000\nThen $x^2$.\n") != NULL);
    CHECK(strstr(b.buf, "\n3\n00:00:03.000 --> 00:00:06.000\nLast.\n") != NULL);
    /* no markup and no "-->" inside a cue */
    CHECK(strstr(b.buf, "<b>") == NULL);
    CHECK(strstr(b.buf, "--> that") == NULL);
    sbuf_release(&b);
    /* with another duration the beats scale; past an hour the hours count */
    book_vtt(&b, s, 3661.5);
    CHECK(strstr(b.buf, "--> 01:01:01.500\nLast.") != NULL);
    sbuf_release(&b);
    scene_free(s);
}

static void book_yaml_errors_are_located(void)
{
    put("book/ch1.md", "## One\n\nProse.\n");
    put("book/book.yaml",
        "title: T\n"
        "parts:\n"
        "  - title: P\n"
        "    chapters:\n"
        "      - {id: one, title: One, file: ch1.md, scenes: [a]}\n"
        "      - {id: one, title: Two, file: missing.md, scenes: [a, nosuch]}\n"
        "    chapterz: []\n");
    char out[4096] = {0};
    FILE *f = fmemopen(out, sizeof out - 1, "w");
    diag_set_stream(f);
    char *p = path_join(dir, "book/book.yaml");
    struct book *b = book_load(p);
    fclose(f);
    diag_set_stream(NULL);
    CHECK(b == NULL);
    CHECK(strstr(out, "book.yaml:6:14: error: chapter id 'one' is used twice (also at line 5)") != NULL);
    CHECK(strstr(out, "book.yaml:6:37: error: chapter file 'missing.md' not found") != NULL);
    CHECK(strstr(out, "book.yaml:6:58: error: scene 'a' is in the book twice (also at line 5)") != NULL);
    CHECK(strstr(out, "book.yaml:6:61: error: unknown scene 'nosuch'") != NULL);
    CHECK(strstr(out, "book.yaml:7:5: error: unknown key 'chapterz' in part 1 (did you mean 'chapters'?)") != NULL);
    if (!strstr(out, "used twice"))
        fprintf(stderr, "%s", out);
    free(p);
    book_free(b);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mlanim-test-book-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RUN(source_key_follows_script_data_and_formats_only);
    RUN(escaping_turns_markup_into_text);
    RUN(formulas_survive_markdown_byte_for_byte);
    RUN(captions_are_strict_webvtt_spread_over_the_timeline);
    RUN(book_yaml_errors_are_located);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    math_fonts_release();
    return CHECK_SUMMARY();
}
