/* book: the animated book. `mlanim book` reads book/book.yaml (title,
 * parts, chapters and the scenes each embeds), renders every lesson that is
 * out of date, and writes an offline HTML site of chapters and lessons.
 *
 *   book.c      book.yaml: loading and validation, located like scripts
 *   markdown.c  chapter prose: cmark-gfm, with $`...`$ and ```math formulas
 *               typeset by the math module into inline SVG
 *   build.c     the lessons: source keys, parallel renders, the commit
 *   site.c      the pages, the search index, the captions (WebVTT)
 *
 * Data flows one way: book.yaml + scenes + prose -> renders (manifests) ->
 * site. */
#ifndef BOOK_H
#define BOOK_H

#include <stddef.h>
#include "diag.h"
#include "scene.h"
#include "util.h"

struct book_lesson {
    const char *id;             /* scene id: scenes/<id>.yaml */
    struct diag_loc loc;        /* where book.yaml names it */
    char *script;               /* its path */
    struct scene *scene;        /* loaded and validated */
    char key[65];               /* the source key it renders with */
    int chapter;                /* index into book.chapters */
};

struct book_chapter {
    const char *id, *title;
    const char *file;           /* as written, relative to the book's folder */
    char *path;                 /* the file */
    struct diag_loc loc;
    int part;
    int first, n;               /* its lessons: book.lessons[first .. first + n) */
    char *html;                 /* its prose rendered (site.c) */
};

struct book_part {
    const char *title;
    int first, n;               /* its chapters */
};

struct book {
    struct script *script;      /* book.yaml; the strings below are its */
    char *dir;                  /* the book's folder */
    char *scenes_dir;           /* the scenes' folder: <book>/../scenes */
    const char *title, *subtitle, *description;
    int nauthors;
    const char **authors;
    char *intro_path;           /* NULL: none */
    char *intro_html;
    struct book_part *parts;
    int nparts;
    struct book_chapter *chapters;
    int nchapters;
    struct book_lesson *lessons;
    int nlessons;
    struct arena arena;
};

/* Loads and validates book.yaml and every chapter file and scene it names,
 * reporting every problem at its place. NULL if there was any. */
struct book *book_load(const char *path);
void book_free(struct book *b);

/* Chapter prose (GitHub-flavoured Markdown) to HTML: formulas written
 * $`TEX`$ (inline) or in a ```math block (display) become inline SVG with
 * the TeX as label; author-written HTML is shown as text; {{lesson ID}} on
 * a line of its own is replaced by place(ID) (NULL: left as text). Errors
 * (a formula's, an unknown lesson) are reported at file:line:col. Returns
 * the HTML (caller frees) or NULL. lesson_ok says which ids may be placed. */
char *book_markdown(const char *path, const char *text, size_t len,
                    int (*lesson_ok)(const char *id, void *ctx), void *ctx);

/* Inline Markdown of one line (a caption, a narration cue) to HTML without
 * a paragraph around it; $...$ formulas as in frames. Never fails: what it
 * cannot render it escapes; relative links get root in front (the text
 * shows on pages of a sub-folder too). Caller frees. */
char *book_markdown_inline(const char *text, const char *root);

/* HTML-escapes text into b. */
void book_escape(struct sbuf *b, const char *text);

struct book_options {
    const char *out_dir;        /* lessons in OUT/<id>/, the site in OUT/book/ */
    int force;                  /* render every lesson */
    int jobs;                   /* lessons rendered at once */
    int progress;               /* 0 quiet, 1 a line per lesson, 2 a live line */
};

/* Renders what is out of date, then writes the site (build.c). 0, or -1
 * after reporting; on failure the previous site is left as it was. */
int book_build(struct book *b, const struct book_options *o);

/* The WebVTT captions of a scene lasting duration seconds: its narration
 * as cues in order, one per beat when the scene has as many beats, else
 * spread evenly; times hh:mm:ss.ttt. Appended to b (site.c). */
void book_vtt(struct sbuf *b, const struct scene *s, double duration);

/* Writes the site's files into dir (site.c), from the lessons' manifests
 * and outputs in out_dir. 0, or -1 after reporting. */
int book_write_site(const struct book *b, const char *out_dir, const char *dir);

#endif
