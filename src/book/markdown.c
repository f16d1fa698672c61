/* markdown: chapter prose to HTML with libcmark-gfm (tables, footnotes,
 * strikethrough, autolinks), and formulas typeset by the math module.
 *
 * cmark-gfm would mangle TeX written between plain dollars ($a*b*c$ turns
 * into emphasis), so prose writes a formula as a code span between dollars,
 * $`\frac{1}{n}`$, or as a fenced block with the info string "math"; code
 * keeps the TeX byte for byte, and here each becomes inline SVG (the TeX as
 * its label). Author-written HTML is shown as text, and links and images
 * may not leave the book (a javascript: or data: link becomes "#", an image
 * from elsewhere its alt text), so a page shows only what the prose says
 * and requests nothing from outside. */
#include "book/book.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "math/math.h"

void book_escape(struct sbuf *b, const char *t)
{
    for (; t && *t; t++) {
        switch (*t) {
        case '&': sbuf_puts(b, "&amp;"); break;
        case '<': sbuf_puts(b, "&lt;"); break;
        case '>': sbuf_puts(b, "&gt;"); break;
        case '"': sbuf_puts(b, "&quot;"); break;
        case '\'': sbuf_puts(b, "&#39;"); break;
        default: sbuf_add(b, t, 1);
        }
    }
}

/* A formula as inline SVG; NULL with *err on a parse error. */
static char *formula_svg(const char *tex, size_t len, int display, struct math_error *err)
{
    struct math_box *box = math_layout(tex, len, display, err);
    if (!box)
        return NULL;
    char *label = xmalloc(len + 1);
    memcpy(label, tex, len);
    label[len] = '\0';
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    if (f) {
        math_svg_write(f, box, 20, 0.05, "currentColor", label, 1);
        fclose(f);
    }
    free(label);
    math_box_free(box);
    return out;
}

static int url_leaves(const char *url)
{
    if (!url)
        return 0;
    if (url[0] == '/' && url[1] == '/')
        return 1;
    for (const char *c = url; *c; c++) {
        if (*c == ':')
            return 1;           /* any scheme: http:, javascript:, data: */
        if (*c == '/' || *c == '?' || *c == '#')
            return 0;
    }
    return 0;
}

static int is_scheme(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);
    return strncasecmp(url, scheme, n) == 0;
}

struct walk {
    const char *path;
    int errors;
    const char *root;           /* prefix of relative links ("../" on lesson pages) */
    int (*lesson_ok)(const char *id, void *ctx);
    void *ctx;
};

static cmark_node *html_node(cmark_node_type type, const char *html)
{
    cmark_node *n = cmark_node_new(type);
    cmark_node_set_literal(n, html);
    return n;
}

/* "{{lesson ID}}" alone in a paragraph: the ID, else NULL. */
static int lesson_marker(cmark_node *para, char *id, size_t n)
{
    cmark_node *t = cmark_node_first_child(para);
    if (!t || cmark_node_next(t) || cmark_node_get_type(t) != CMARK_NODE_TEXT)
        return 0;
    const char *s = cmark_node_get_literal(t);
    if (!s || strncmp(s, "{{lesson ", 9) != 0)
        return 0;
    size_t l = strlen(s);
    if (l < 12 || strcmp(s + l - 2, "}}") != 0 || l - 11 >= n)
        return 0;
    memcpy(id, s + 9, l - 11);
    id[l - 11] = '\0';
    return 1;
}

static void formula_error(struct walk *w, cmark_node *n, int line, int col,
                          const struct math_error *err)
{
    struct diag_loc at = {w->path, line, col};
    (void)n;
    diag_error(&at, "%s", err->msg);
    w->errors++;
}

static void walk(struct walk *w, cmark_node *root)
{
    cmark_node *n = cmark_node_first_child(root);
    while (n) {
        cmark_node *next = cmark_node_next(n);
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
            /* shown as written, never as markup */
            cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
            cmark_node_set_literal(text, cmark_node_get_literal(n));
            if (t == CMARK_NODE_HTML_BLOCK) {
                cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
                cmark_node_append_child(p, text);
                text = p;
            }
            cmark_node_replace(n, text);
            cmark_node_free(n);
        } else if (t == CMARK_NODE_CODE_BLOCK && cmark_node_get_fence_info(n) &&
                   strcmp(cmark_node_get_fence_info(n), "math") == 0) {
            const char *tex = cmark_node_get_literal(n);
            struct math_error err;
            size_t len = strlen(tex);
            while (len && (tex[len - 1] == '\n' || tex[len - 1] == ' '))
                len--;
            char *svg = formula_svg(tex, len, 1, &err);
            if (!svg) {
                int line = cmark_node_get_start_line(n) + 1, col = 1;
                for (size_t i = 0; i < err.pos && i < len; i++) {
                    if (tex[i] == '\n') {
                        line++;
                        col = 1;
                    } else {
                        col++;
                    }
                }
                formula_error(w, n, line, col, &err);
            } else {
                struct sbuf h = {0};
                sbuf_puts(&h, "<div class=\"math display\">");
                sbuf_puts(&h, svg);
                sbuf_puts(&h, "</div>\n");
                cmark_node *x = html_node(CMARK_NODE_HTML_BLOCK, h.buf);
                cmark_node_replace(n, x);
                cmark_node_free(n);
                sbuf_release(&h);
                free(svg);
            }
        } else if (t == CMARK_NODE_CODE) {
            /* $`TEX`$: a code span between a '$' ending the text before and
             * one starting the text after */
            cmark_node *prev = cmark_node_previous(n);
            const char *pl = prev && cmark_node_get_type(prev) == CMARK_NODE_TEXT
                                 ? cmark_node_get_literal(prev) : NULL;
            const char *nl = next && cmark_node_get_type(next) == CMARK_NODE_TEXT
                                 ? cmark_node_get_literal(next) : NULL;
            size_t pn = pl ? strlen(pl) : 0;
            if (pl && nl && pn && pl[pn - 1] == '$' && nl[0] == '$') {
                const char *tex = cmark_node_get_literal(n);
                struct math_error err;
                char *svg = formula_svg(tex, strlen(tex), 0, &err);
                if (!svg) {
                    /* cmark-gfm's column of a code span is its content's */
                    formula_error(w, n, cmark_node_get_start_line(n),
                                  cmark_node_get_start_column(n) + (int)err.pos, &err);
                } else {
                    char *pcopy = xstrdup(pl);
                    pcopy[pn - 1] = '\0';
                    cmark_node_set_literal(prev, pcopy);
                    free(pcopy);
                    char *ncopy = xstrdup(nl + 1);
                    cmark_node_set_literal(next, ncopy);
                    free(ncopy);
                    struct sbuf h = {0};
                    sbuf_puts(&h, "<span class=\"math\">");
                    sbuf_puts(&h, svg);
                    sbuf_puts(&h, "</span>");
                    cmark_node *x = html_node(CMARK_NODE_HTML_INLINE, h.buf);
                    cmark_node_replace(n, x);
                    cmark_node_free(n);
                    sbuf_release(&h);
                    free(svg);
                }
            }
        } else if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
            const char *url = cmark_node_get_url(n);
            if (url && w->root && *w->root && !url_leaves(url) && url[0] != '#' && url[0]) {
                /* the text is shown on a page in a sub-folder too */
                char *moved = xmalloc(strlen(w->root) + strlen(url) + 1);
                strcpy(moved, w->root);
                strcat(moved, url);
                cmark_node_set_url(n, moved);
                free(moved);
                url = cmark_node_get_url(n);
            }
            if (url && url_leaves(url)) {
                if (t == CMARK_NODE_IMAGE) {
                    /* requests nothing from outside: the alt text instead */
                    cmark_node *child;
                    while ((child = cmark_node_first_child(n)))
                        cmark_node_insert_before(n, child);
                    cmark_node_free(n);
                    n = NULL;
                } else if (is_scheme(url, "javascript:") || is_scheme(url, "vbscript:") ||
                           is_scheme(url, "data:") || is_scheme(url, "file:")) {
                    cmark_node_set_url(n, "#");
                }
            }
            if (n)
                walk(w, n);
        } else if (t == CMARK_NODE_PARAGRAPH) {
            char id[128];
            if (lesson_marker(n, id, sizeof id)) {
                if (w->lesson_ok && w->lesson_ok(id, w->ctx)) {
                    char html[200];
                    snprintf(html, sizeof html, "<!--mlanim-lesson:%s-->\n", id);
                    cmark_node *x = html_node(CMARK_NODE_HTML_BLOCK, html);
                    cmark_node_replace(n, x);
                    cmark_node_free(n);
                } else {
                    diag_error(&(struct diag_loc){w->path, cmark_node_get_start_line(n),
                                                  cmark_node_get_start_column(n)},
                               "{{lesson %s}}: no lesson '%s' in this chapter (its scenes in "
                               "book.yaml)", id, id);
                    w->errors++;
                }
            } else {
                walk(w, n);
            }
        } else {
            walk(w, n);
        }
        n = next;
    }
}

static cmark_node *parse(const char *text, size_t len, cmark_llist **exts)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *p = cmark_parser_new(CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES);
    static const char *const names[] = {"table", "strikethrough", "autolink", "tasklist"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(names[i]);
        if (e)
            cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, text, len);
    cmark_node *doc = cmark_parser_finish(p);
    *exts = cmark_parser_get_syntax_extensions(p);
    /* the list belongs to the parser: copied for rendering after it goes */
    cmark_llist *copy = NULL;
    for (cmark_llist *l = *exts; l; l = l->next)
        copy = cmark_llist_append(cmark_get_default_mem_allocator(), copy, l->data);
    *exts = copy;
    cmark_parser_free(p);
    return doc;
}

char *book_markdown(const char *path, const char *text, size_t len,
                    int (*lesson_ok)(const char *id, void *ctx), void *ctx)
{
    cmark_llist *exts;
    cmark_node *doc = parse(text, len, &exts);
    struct walk w = {path, 0, "", lesson_ok, ctx};
    walk(&w, doc);
    char *html = NULL;
    if (!w.errors) {
        /* Unsafe only in name: every HTML node left is ours (walk turned
         * the author's into text). */
        char *h = cmark_render_html(doc, CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES, exts);
        html = xstrdup(h);
        cmark_get_default_mem_allocator()->free(h);
    }
    cmark_llist_free(cmark_get_default_mem_allocator(), exts);
    cmark_node_free(doc);
    return html;
}

char *book_markdown_inline(const char *text, const char *root)
{
    struct sbuf out = {0};
    size_t pos = 0;
    struct math_segment seg;
    while (text && math_text_next(text, &pos, &seg)) {
        if (seg.math && seg.closed) {
            struct math_error err;
            char *svg = formula_svg(text + seg.start, seg.len, seg.display, &err);
            if (svg) {
                sbuf_puts(&out, "<span class=\"math\">");
                sbuf_puts(&out, svg);
                sbuf_puts(&out, "</span>");
                free(svg);
                continue;
            }
        }
        /* plain text, "\$" a dollar, through cmark for emphasis and code */
        struct sbuf plain = {0};
        if (seg.math)
            sbuf_puts(&plain, "\\$");
        for (size_t i = seg.start; i < seg.start + seg.len; i++) {
            if (!seg.math && text[i] == '\\' && text[i + 1] == '$') {
                sbuf_puts(&plain, "\\$");
                i++;
                continue;
            }
            sbuf_add(&plain, text + i, 1);
        }
        if (seg.math && seg.closed)
            sbuf_puts(&plain, "\\$");
        if (!plain.buf) {
            continue;
        }
        cmark_llist *exts;
        cmark_node *doc = parse(plain.buf, plain.len, &exts);
        struct walk w = {"", 0, root, NULL, NULL};
        walk(&w, doc);
        char *h = cmark_render_html(doc, CMARK_OPT_UNSAFE, exts);
        /* one paragraph: without its <p> and </p>\n; the spaces around it,
         * which cmark trims, are the formulas' neighbours' */
        size_t hl = strlen(h);
        const char *body = h;
        if (hl >= 8 && strncmp(h, "<p>", 3) == 0 && strcmp(h + hl - 5, "</p>\n") == 0) {
            body = h + 3;
            hl -= 8;
        }
        int lead = plain.len && (plain.buf[0] == ' ' || plain.buf[0] == '\n');
        int trail = plain.len > 1 && (plain.buf[plain.len - 1] == ' ' ||
                                      plain.buf[plain.len - 1] == '\n');
        if (lead)
            sbuf_puts(&out, " ");
        sbuf_add(&out, body, hl);
        if (trail)
            sbuf_puts(&out, " ");
        cmark_get_default_mem_allocator()->free(h);
        cmark_llist_free(cmark_get_default_mem_allocator(), exts);
        cmark_node_free(doc);
        sbuf_release(&plain);
    }
    if (!out.buf)
        sbuf_add(&out, "", 0);
    return out.buf;
}
