/* book: loading and validating book.yaml (see book.h). Every mistake is
 * reported at its line and column, all of them in one go, as for scene
 * scripts: unknown keys (with a suggestion), wrong types, missing keys,
 * duplicate chapter ids, a scene named twice, a chapter file or a scene
 * that does not exist; then the scenes themselves are loaded (validated)
 * and the prose is rendered, so a formula error in a chapter is located in
 * its Markdown file. */
#include "book/book.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "script.h"

static const char *const top_keys[] = {"title", "subtitle", "authors", "description", "intro",
                                       "parts", NULL};
static const char *const part_keys[] = {"title", "chapters", NULL};
static const char *const chapter_keys[] = {"id", "title", "file", "scenes", NULL};

static int count(const char *const *v)
{
    int n = 0;
    while (v[n])
        n++;
    return n;
}

/* Unknown keys of a mapping, with a suggestion. */
static int check_keys(const struct snode *map, const char *const *allowed, const char *what)
{
    int errors = 0;
    for (int i = 0; i < map->n; i++) {
        int k = 0;
        while (allowed[k] && strcmp(allowed[k], map->keys[i]) != 0)
            k++;
        if (allowed[k])
            continue;
        const char *sug = diag_suggest(map->keys[i], allowed, count(allowed));
        if (sug)
            diag_error(&map->key_locs[i], "unknown key '%s' in %s (did you mean '%s'?)",
                       map->keys[i], what, sug);
        else
            diag_error(&map->key_locs[i], "unknown key '%s' in %s", map->keys[i], what);
        errors++;
    }
    return errors;
}

/* A scalar under key; reports a missing (when required) or non-scalar one. */
static const char *scalar(const struct snode *map, const char *key, int required,
                          const char *what, int *errors)
{
    const struct snode *v = snode_get(map, key);
    if (!v) {
        if (required) {
            diag_error(&map->loc, "%s needs '%s'", what, key);
            (*errors)++;
        }
        return NULL;
    }
    if (v->type != SNODE_SCALAR || !v->str[0]) {
        diag_error(&v->loc, "'%s' in %s must be a text, not %s", key, what,
                   v->type == SNODE_SCALAR ? "empty" : snode_type_name(v->type));
        (*errors)++;
        return NULL;
    }
    return v->str;
}

static int id_ok(const char *id)
{
    if (!*id || strlen(id) > 100)
        return 0;
    for (const char *c = id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return 0;
    return *id != '-';
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The scene ids in the scenes folder, for "did you mean". */
static int scene_ids(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    int n = 0, cap = 0;
    *out = NULL;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".yaml") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            *out = xrealloc(*out, (size_t)cap * sizeof **out);
        }
        (*out)[n] = xstrdup(e->d_name);
        (*out)[n][l - 5] = '\0';
        n++;
    }
    closedir(d);
    return n;
}

static int lesson_known(const char *id, void *ctx)
{
    const struct book *b = ctx;
    for (int i = 0; i < b->nlessons; i++)
        if (strcmp(b->lessons[i].id, id) == 0)
            return 1;
    return 0;
}

struct place_ctx {
    const struct book *b;
    int chapter;
};

static int lesson_in_chapter(const char *id, void *ctx)
{
    const struct place_ctx *p = ctx;
    const struct book_chapter *c = &p->b->chapters[p->chapter];
    for (int i = 0; i < c->n; i++)
        if (strcmp(p->b->lessons[c->first + i].id, id) == 0)
            return 1;
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct sbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sbuf_add(&b, buf, n);
    fclose(f);
    *len = b.len;
    if (!b.buf)
        sbuf_add(&b, "", 0);
    return b.buf;
}

struct book *book_load(const char *path)
{
    int before = diag_error_count();
    struct script *sc = script_load(path);
    if (!sc)
        return NULL;
    struct book *b = xcalloc(1, sizeof *b);
    b->script = sc;
    b->dir = path_dirname(path);
    char *up = path_dirname(b->dir);
    b->scenes_dir = path_join(up, "scenes");
    free(up);
    int errors = 0;
    const struct snode *root = sc->root;
    if (!root || root->type != SNODE_MAP) {
        diag_error(&(struct diag_loc){sc->path, root ? root->loc.line : 0, 0},
                   "a book is a mapping: title, parts (see docs/book.md)");
        book_free(b);
        return NULL;
    }
    errors += check_keys(root, top_keys, "the book");
    b->title = scalar(root, "title", 1, "the book", &errors);
    b->subtitle = scalar(root, "subtitle", 0, "the book", &errors);
    b->description = scalar(root, "description", 0, "the book", &errors);
    const struct snode *au = snode_get(root, "authors");
    if (au) {
        if (au->type == SNODE_SCALAR) {
            b->authors = arena_alloc(&b->arena, sizeof *b->authors);
            b->authors[b->nauthors++] = au->str;
        } else if (au->type == SNODE_SEQ) {
            b->authors = arena_alloc(&b->arena, (size_t)(au->n + 1) * sizeof *b->authors);
            for (int i = 0; i < au->n; i++) {
                if (au->vals[i]->type != SNODE_SCALAR) {
                    diag_error(&au->vals[i]->loc, "each of 'authors' must be a name");
                    errors++;
                    continue;
                }
                b->authors[b->nauthors++] = au->vals[i]->str;
            }
        } else {
            diag_error(&au->loc, "'authors' must be a list of names");
            errors++;
        }
    }
    const char *intro = scalar(root, "intro", 0, "the book", &errors);
    if (intro) {
        b->intro_path = path_join(b->dir, intro);
        if (!is_file(b->intro_path)) {
            diag_error(&snode_get(root, "intro")->loc, "intro file '%s' not found (looked for "
                       "'%s')", intro, b->intro_path);
            errors++;
        }
    }

    const struct snode *parts = snode_get(root, "parts");
    if (!parts) {
        diag_error(&root->loc, "the book needs 'parts': a list of {title, chapters}");
        errors++;
    } else if (parts->type != SNODE_SEQ || parts->n == 0) {
        diag_error(&parts->loc, "'parts' must be a list of {title, chapters}");
        errors++;
        parts = NULL;
    }
    char **known = NULL;
    int nknown = scene_ids(b->scenes_dir, &known);
    int nparts = parts ? parts->n : 0;
    b->parts = xcalloc((size_t)nparts + 1, sizeof *b->parts);
    for (int p = 0; p < nparts; p++) {
        const struct snode *pn = parts->vals[p];
        char what[64];
        snprintf(what, sizeof what, "part %d", p + 1);
        if (pn->type != SNODE_MAP) {
            diag_error(&pn->loc, "%s must be a mapping {title, chapters}", what);
            errors++;
            continue;
        }
        errors += check_keys(pn, part_keys, what);
        struct book_part *part = &b->parts[b->nparts++];
        part->title = scalar(pn, "title", 1, what, &errors);
        part->first = b->nchapters;
        const struct snode *chs = snode_get(pn, "chapters");
        if (!chs || chs->type != SNODE_SEQ || chs->n == 0) {
            diag_error(chs ? &chs->loc : &pn->loc, "%s needs 'chapters': a list of {id, title, "
                       "file, scenes}", what);
            errors++;
            continue;
        }
        b->chapters = xrealloc(b->chapters, (size_t)(b->nchapters + chs->n) * sizeof *b->chapters);
        for (int c = 0; c < chs->n; c++) {
            const struct snode *cn = chs->vals[c];
            char cwhat[96];
            snprintf(cwhat, sizeof cwhat, "chapter %d of %s", c + 1, what);
            if (cn->type != SNODE_MAP) {
                diag_error(&cn->loc, "%s must be a mapping {id, title, file, scenes}", cwhat);
                errors++;
                continue;
            }
            errors += check_keys(cn, chapter_keys, cwhat);
            struct book_chapter *ch = &b->chapters[b->nchapters];
            memset(ch, 0, sizeof *ch);
            ch->loc = cn->loc;
            ch->part = b->nparts - 1;
            ch->id = scalar(cn, "id", 1, cwhat, &errors);
            ch->title = scalar(cn, "title", 1, cwhat, &errors);
            ch->file = scalar(cn, "file", 1, cwhat, &errors);
            if (ch->id && !id_ok(ch->id)) {
                diag_error(&snode_get(cn, "id")->loc, "chapter id '%s' must be lower-case letters, "
                           "digits and '-' (it names the page, %s.html)", ch->id, ch->id);
                errors++;
            } else if (ch->id && (strcmp(ch->id, "index") == 0 || strcmp(ch->id, "search") == 0)) {
                diag_error(&snode_get(cn, "id")->loc, "chapter id '%s' is taken by the book's own "
                           "page; choose another", ch->id);
                errors++;
            }
            for (int k = 0; ch->id && k < b->nchapters; k++)
                if (b->chapters[k].id && strcmp(b->chapters[k].id, ch->id) == 0) {
                    diag_error(&snode_get(cn, "id")->loc, "chapter id '%s' is used twice (also "
                               "at line %d)", ch->id, b->chapters[k].loc.line);
                    errors++;
                }
            if (ch->file) {
                ch->path = path_join(b->dir, ch->file);
                if (!is_file(ch->path)) {
                    diag_error(&snode_get(cn, "file")->loc, "chapter file '%s' not found (looked "
                               "for '%s')", ch->file, ch->path);
                    errors++;
                }
            }
            ch->first = b->nlessons;
            const struct snode *ss = snode_get(cn, "scenes");
            if (!ss || ss->type != SNODE_SEQ || ss->n == 0) {
                diag_error(ss ? &ss->loc : &cn->loc, "%s needs 'scenes': a list of scene ids "
                           "(scenes/<id>.yaml), at least one", cwhat);
                errors++;
            } else {
                b->lessons = xrealloc(b->lessons,
                                      (size_t)(b->nlessons + ss->n) * sizeof *b->lessons);
                for (int s = 0; s < ss->n; s++) {
                    const struct snode *sn = ss->vals[s];
                    if (sn->type != SNODE_SCALAR || !id_ok(sn->str)) {
                        diag_error(&sn->loc, "a scene id is lower-case letters, digits and '-' "
                                   "(the scenes/<id>.yaml it names)");
                        errors++;
                        continue;
                    }
                    if (strcmp(sn->str, "book") == 0) {
                        diag_error(&sn->loc, "a scene cannot be called 'book': OUT/book is the "
                                   "site's folder");
                        errors++;
                        continue;
                    }
                    int dup = 0;
                    for (int k = 0; k < b->nlessons; k++)
                        if (strcmp(b->lessons[k].id, sn->str) == 0) {
                            diag_error(&sn->loc, "scene '%s' is in the book twice (also at line "
                                       "%d): each lesson has one place", sn->str,
                                       b->lessons[k].loc.line);
                            errors++;
                            dup = 1;
                        }
                    if (dup)
                        continue;
                    char name[128];
                    snprintf(name, sizeof name, "%s.yaml", sn->str);
                    char *script = path_join(b->scenes_dir, name);
                    if (!is_file(script)) {
                        const char *sug = diag_suggest(sn->str, (const char *const *)known,
                                                       nknown);
                        if (sug)
                            diag_error(&sn->loc, "unknown scene '%s': there is no '%s' (did you "
                                       "mean '%s'?)", sn->str, script, sug);
                        else
                            diag_error(&sn->loc, "unknown scene '%s': there is no '%s'", sn->str,
                                       script);
                        errors++;
                        free(script);
                        continue;
                    }
                    struct book_lesson *l = &b->lessons[b->nlessons++];
                    memset(l, 0, sizeof *l);
                    l->id = sn->str;
                    l->loc = sn->loc;
                    l->script = script;
                    l->chapter = b->nchapters;
                }
            }
            ch->n = b->nlessons - ch->first;
            b->nchapters++;
        }
        part->n = b->nchapters - part->first;
    }
    for (int i = 0; i < nknown; i++)
        free(known[i]);
    free(known);

    /* The scenes: validated as `mlanim check` does, each error at its place. */
    for (int i = 0; i < b->nlessons; i++) {
        struct book_lesson *l = &b->lessons[i];
        l->scene = scene_load(l->script);
        if (!l->scene)
            continue;
        if (strcmp(l->scene->id, l->id) != 0) {
            diag_error(&l->loc, "scene '%s' names itself '%s' (its id): the book needs the id "
                       "and the file name to agree", l->id, l->scene->id);
            errors++;
        }
    }
    /* The prose: Markdown and its formulas, errors in the Markdown file. */
    for (int i = 0; i < b->nchapters && errors == 0; i++) {
        struct book_chapter *c = &b->chapters[i];
        if (!c->path || !is_file(c->path))
            continue;
        size_t len;
        char *text = read_file(c->path, &len);
        if (!text) {
            diag_error(&c->loc, "cannot read chapter file '%s'", c->path);
            errors++;
            continue;
        }
        struct place_ctx pc = {b, i};
        c->html = book_markdown(c->path, text, len, lesson_in_chapter, &pc);
        free(text);
    }
    if (b->intro_path && is_file(b->intro_path)) {
        size_t len;
        char *text = read_file(b->intro_path, &len);
        if (text) {
            b->intro_html = book_markdown(b->intro_path, text, len, lesson_known, b);
            free(text);
        }
    }
    if (errors || diag_error_count() != before) {
        book_free(b);
        return NULL;
    }
    return b;
}

void book_free(struct book *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->nlessons; i++) {
        scene_free(b->lessons[i].scene);
        free(b->lessons[i].script);
    }
    for (int i = 0; i < b->nchapters; i++) {
        free(b->chapters[i].path);
        free(b->chapters[i].html);
    }
    free(b->lessons);
    free(b->chapters);
    free(b->parts);
    free(b->intro_path);
    free(b->intro_html);
    free(b->dir);
    free(b->scenes_dir);
    arena_free(&b->arena);
    script_free(b->script);
    free(b);
}
