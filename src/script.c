/* script: reads one YAML document with libyaml's event parser and builds the
 * located snode tree the scene layers validate. Everything a script owns
 * (nodes, strings, arrays, the path its locations point at) lives in one
 * arena so that a failed parse, or script_free(), releases it all at once and
 * nothing in the tree needs its own free. Errors are reported here, at the
 * event where they are found, because only here are the marks known. */
#include "script.h"

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "asset.h"
#include "limit.h"
#include "utf8.h"

/* Building the tree recurses once per nesting level; the yaml-depth limit
 * keeps a hostile "[[[[..." from exhausting the stack (real scene scripts
 * nest a handful), and yaml-nodes bounds what aliases can multiply: an
 * alias costs as many nodes as the node it names, so a "billion laughs"
 * script is refused at the alias that crosses the line. */
#define SCRIPT_TAG_PREFIX "tag:yaml.org,2002:"

/* ---- arena ------------------------------------------------------------ */

#define ARENA_BLOCK 16384

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

struct arena {
    struct arena_block *blocks;
};

static void arena_free(struct arena *a)
{
    if (!a)
        return;
    struct arena_block *b = a->blocks;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

static void *arena_alloc(struct arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    if (n > SIZE_MAX - align)
        return NULL;
    n = (n + align - 1) / align * align;
    struct arena_block *b = a->blocks;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        if (size > SIZE_MAX - sizeof *b)
            return NULL;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->used = 0;
        b->size = size;
        b->next = a->blocks;
        a->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

static char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* ---- parser ----------------------------------------------------------- */

struct script_anchor {
    const char *name;
    struct snode *node;
};

struct script_parser {
    yaml_parser_t yaml;
    yaml_event_t event;
    int have_event;
    struct arena *arena;
    const char *file;           /* the script's own path copy */
    const char *text;           /* for locating reader errors by offset */
    size_t len;
    struct script_anchor *anchors;
    int n_anchors, cap_anchors;
    long long nodes;            /* made so far, aliases counted in full */
};

/* A growable array of pointers, kept out of the arena while a map or
 * sequence is open because its final size is not known until the end. */
struct script_vec {
    void **items;
    int n, cap;
};

static int vec_push(struct script_vec *v, void *item)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 8;
        void **items = realloc(v->items, (size_t)cap * sizeof *items);
        if (!items)
            return -1;
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = item;
    return 0;
}

static struct diag_loc mark_loc(const struct script_parser *p, yaml_mark_t m)
{
    struct diag_loc loc = { p->file, (int)m.line + 1, (int)m.column + 1 };
    return loc;
}

static int out_of_memory(void)
{
    return diag_fail("out of memory while reading a script");
}

/* libyaml's reader (encoding) errors carry a byte offset but no mark, so the
 * line and column are recounted from the text; columns count characters as
 * libyaml's marks do, hence UTF-8 continuation bytes are skipped. */
static struct diag_loc offset_loc(const struct script_parser *p, size_t offset)
{
    struct diag_loc loc = { p->file, 1, 1 };
    for (size_t i = 0; i < offset && i < p->len; i++) {
        unsigned char c = (unsigned char)p->text[i];
        if (c == '\n') {
            loc.line++;
            loc.col = 1;
        } else if ((c & 0xC0) != 0x80) {
            loc.col++;
        }
    }
    return loc;
}

static void report_yaml_error(const struct script_parser *p)
{
    const yaml_parser_t *y = &p->yaml;
    if (y->error == YAML_MEMORY_ERROR || !y->problem) {
        out_of_memory();
        return;
    }
    if (y->error == YAML_READER_ERROR) {
        struct diag_loc loc = offset_loc(p, y->problem_offset);
        if (y->problem_value >= 0)
            diag_error(&loc, "YAML syntax: %s (byte 0x%02X)", y->problem,
                       (unsigned)y->problem_value);
        else
            diag_error(&loc, "YAML syntax: %s", y->problem);
        return;
    }
    struct diag_loc loc = mark_loc(p, y->problem_mark);
    diag_error(&loc, "YAML syntax: %s", y->problem);
    /* The context names the construct that was left open and points at its
     * start, which is often far from where the parser noticed the problem
     * (an unclosed quote is only found at the end of the file). */
    if (y->context) {
        struct diag_loc ctx = mark_loc(p, y->context_mark);
        diag_note(&ctx, "%s", y->context);
    }
}

/* The previous event is released here, so anything needed from it (anchor
 * names, marks) must be copied before asking for the next one. */
static int next_event(struct script_parser *p)
{
    if (p->have_event) {
        yaml_event_delete(&p->event);
        p->have_event = 0;
    }
    if (!yaml_parser_parse(&p->yaml, &p->event)) {
        report_yaml_error(p);
        return -1;
    }
    p->have_event = 1;
    return 0;
}

static struct snode *new_node(struct script_parser *p, enum snode_type type,
                              yaml_mark_t start)
{
    struct snode *n = arena_alloc(p->arena, sizeof *n);
    if (!n) {
        out_of_memory();
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = type;
    n->loc = mark_loc(p, start);
    n->expanded = 1;
    if (++p->nodes > limit_get(LIMIT_YAML_NODES)) {
        diag_error(&n->loc, "the script has more than %lld values (limit %s; raise it with "
                   "--limit %s=N)", limit_get(LIMIT_YAML_NODES), limit_name(LIMIT_YAML_NODES),
                   limit_name(LIMIT_YAML_NODES));
        return NULL;
    }
    return n;
}

/* Copies the anchor of the current event, if any, into the arena. Returns 0
 * with *name NULL when there is none. */
static int take_anchor(struct script_parser *p, const yaml_char_t *anchor,
                       const char **name)
{
    *name = NULL;
    if (!anchor)
        return 0;
    *name = arena_strndup(p->arena, (const char *)anchor,
                          strlen((const char *)anchor));
    return *name ? 0 : out_of_memory();
}

/* Anchors are registered only once their node is complete, so an alias
 * inside its own anchored node is "unknown" and the tree can never hold a
 * cycle. */
static int add_anchor(struct script_parser *p, const char *name,
                      struct snode *node)
{
    if (!name)
        return 0;
    if (p->n_anchors == p->cap_anchors) {
        int cap = p->cap_anchors ? p->cap_anchors * 2 : 8;
        struct script_anchor *a = realloc(p->anchors, (size_t)cap * sizeof *a);
        if (!a)
            return out_of_memory();
        p->anchors = a;
        p->cap_anchors = cap;
    }
    p->anchors[p->n_anchors].name = name;
    p->anchors[p->n_anchors].node = node;
    p->n_anchors++;
    return 0;
}

/* YAML lets an anchor name be reused; an alias means the latest one. */
static struct snode *find_anchor(const struct script_parser *p, const char *name)
{
    for (int i = p->n_anchors - 1; i >= 0; i--)
        if (strcmp(p->anchors[i].name, name) == 0)
            return p->anchors[i].node;
    return NULL;
}

static struct snode *parse_node(struct script_parser *p, int depth);

/* Tags are not part of the scene format. The core schema's own are
 * harmless and accepted; "!!str" (or the non-specific "!") makes a scalar
 * a string, exactly as quotes do, so a number field refuses "!!str 10" the
 * way it refuses "10" in quotes. Anything else would silently mean nothing,
 * so it is an error. Returns 1 when the node must be read as quoted. */
static int check_tag(struct script_parser *p, const yaml_char_t *tag, yaml_mark_t at,
                     enum snode_type type)
{
    if (!tag)
        return 0;
    const char *t = (const char *)tag;
    if (strcmp(t, "!") == 0)
        return type == SNODE_SCALAR;
    static const char *const core[] = {"str", "int", "float", "bool", "null", "map", "seq"};
    size_t plen = strlen(SCRIPT_TAG_PREFIX);
    if (strncmp(t, SCRIPT_TAG_PREFIX, plen) == 0)
        for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
            if (strcmp(t + plen, core[i]) == 0)
                return strcmp(core[i], "str") == 0;
    struct diag_loc loc = mark_loc(p, at);
    diag_error(&loc, "YAML tag '%s' is not part of the scene format (remove it)", t);
    return -1;
}

/* Offset of the first noncharacter in valid UTF-8 (libyaml has checked
 * the encoding), or len; its code point in *cp. YAML lets them through,
 * but they are not text, and cairo refuses to draw a string holding one.
 * The value is NUL-terminated at len, so a sequence never runs past it. */
static size_t noncharacter_at(const char *s, size_t len, unsigned long *cp)
{
    for (size_t i = 0; i < len;) {
        int n = utf8_decode((const unsigned char *)s + i, cp);
        if (n <= 0)
            n = 1;
        else if (utf8_noncharacter(*cp))
            return i;
        i += (size_t)n;
    }
    return len;
}

static struct snode *parse_scalar(struct script_parser *p)
{
    const yaml_event_t *e = &p->event;
    struct snode *n = new_node(p, SNODE_SCALAR, e->start_mark);
    if (!n)
        return NULL;
    size_t len = e->data.scalar.length;
    const char *value = (const char *)e->data.scalar.value;
    /* A "\0" escape would end the C string early and cut an id or a path
     * short without a word, e.g. "abc\0/../x" read as "abc". */
    if (memchr(value, '\0', len)) {
        diag_error(&n->loc, "a NUL character (\\0) is not allowed in a script value");
        return NULL;
    }
    unsigned long cp;
    if (noncharacter_at(value, len, &cp) < len) {
        diag_error(&n->loc, "the character U+%04lX is a Unicode noncharacter, not text: remove it",
                   cp);
        return NULL;
    }
    if ((long long)len > limit_get(LIMIT_STRING_BYTES)) {
        diag_error(&n->loc, "a value of %zu bytes is longer than %lld (limit %s; raise it with "
                   "--limit %s=N)", len, limit_get(LIMIT_STRING_BYTES),
                   limit_name(LIMIT_STRING_BYTES), limit_name(LIMIT_STRING_BYTES));
        return NULL;
    }
    n->str = arena_strndup(p->arena, value, len);
    if (!n->str) {
        out_of_memory();
        return NULL;
    }
    int quoted = check_tag(p, e->data.scalar.tag, e->start_mark, SNODE_SCALAR);
    if (quoted < 0)
        return NULL;
    n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !quoted;
    const char *anchor;
    if (take_anchor(p, e->data.scalar.anchor, &anchor) < 0 ||
        add_anchor(p, anchor, n) < 0)
        return NULL;
    return n;
}

static struct snode *parse_alias(struct script_parser *p)
{
    const char *name = (const char *)p->event.data.alias.anchor;
    struct snode *n = find_anchor(p, name);
    struct diag_loc loc = mark_loc(p, p->event.start_mark);
    if (!n) {
        diag_error(&loc, "unknown alias '%s'", name);
        return NULL;
    }
    p->nodes += n->expanded;
    if (p->nodes > limit_get(LIMIT_YAML_NODES)) {
        diag_error(&loc, "alias '%s' expands the script past %lld values (limit %s; raise it "
                   "with --limit %s=N)", name, limit_get(LIMIT_YAML_NODES),
                   limit_name(LIMIT_YAML_NODES), limit_name(LIMIT_YAML_NODES));
        return NULL;
    }
    return n;
}

static struct snode *parse_seq(struct script_parser *p, int depth)
{
    struct snode *n = new_node(p, SNODE_SEQ, p->event.start_mark);
    const char *anchor;
    if (!n || take_anchor(p, p->event.data.sequence_start.anchor, &anchor) < 0 ||
        check_tag(p, p->event.data.sequence_start.tag, p->event.start_mark, SNODE_SEQ) < 0)
        return NULL;

    struct script_vec items = { 0 };
    for (;;) {
        if (next_event(p) < 0)
            goto fail;
        if (p->event.type == YAML_SEQUENCE_END_EVENT)
            break;
        struct snode *item = parse_node(p, depth + 1);
        if (!item)
            goto fail;
        if (vec_push(&items, item) < 0) {
            out_of_memory();
            goto fail;
        }
        n->expanded += item->expanded;
    }

    n->n = items.n;
    if (items.n) {
        n->vals = arena_alloc(p->arena, (size_t)items.n * sizeof *n->vals);
        if (!n->vals) {
            out_of_memory();
            goto fail;
        }
        memcpy(n->vals, items.items, (size_t)items.n * sizeof *n->vals);
    }
    free(items.items);
    if (add_anchor(p, anchor, n) < 0)
        return NULL;
    return n;

fail:
    free(items.items);
    return NULL;
}

/* Duplicate keys are found with an open-addressing table of indices into
 * the keys seen so far, so a mapping of many keys costs linear time, not
 * quadratic. */
struct key_set {
    int *slots;                 /* index + 1 into keys; 0 = empty */
    size_t cap;                 /* a power of two, at least twice the keys */
};

static size_t key_hash(const char *s)
{
    size_t h = 14695981039346656037ULL & SIZE_MAX;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (1099511628211ULL & SIZE_MAX);
    return h;
}

/* Index of an earlier equal key, -1 after adding this one (it will be
 * keys[n]), -2 out of memory. */
static int key_set_add(struct key_set *ks, const char *const *keys, int n, const char *key)
{
    if ((size_t)n * 2 + 2 > ks->cap) {
        size_t cap = ks->cap ? ks->cap * 2 : 16;
        int *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -2;
        for (int i = 0; i < n; i++) {
            size_t j = key_hash(keys[i]) & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = i + 1;
        }
        free(ks->slots);
        ks->slots = slots;
        ks->cap = cap;
    }
    size_t j = key_hash(key) & (ks->cap - 1);
    for (; ks->slots[j]; j = (j + 1) & (ks->cap - 1))
        if (strcmp(keys[ks->slots[j] - 1], key) == 0)
            return ks->slots[j] - 1;
    ks->slots[j] = n + 1;
    return -1;
}

/* Keys and their locations are parallel to the values, and the location is
 * that of the key as written, even when the key is an alias of a scalar
 * anchored elsewhere: that is where the user must look. */
static struct snode *parse_map(struct script_parser *p, int depth)
{
    struct snode *n = new_node(p, SNODE_MAP, p->event.start_mark);
    const char *anchor;
    if (!n || take_anchor(p, p->event.data.mapping_start.anchor, &anchor) < 0 ||
        check_tag(p, p->event.data.mapping_start.tag, p->event.start_mark, SNODE_MAP) < 0)
        return NULL;

    struct script_vec keys = { 0 }, locs = { 0 }, vals = { 0 };
    struct key_set seen = { 0 };
    for (;;) {
        if (next_event(p) < 0)
            goto fail;
        if (p->event.type == YAML_MAPPING_END_EVENT)
            break;

        struct diag_loc *key_loc = arena_alloc(p->arena, sizeof *key_loc);
        if (!key_loc) {
            out_of_memory();
            goto fail;
        }
        *key_loc = mark_loc(p, p->event.start_mark);
        struct snode *key = parse_node(p, depth + 1);
        if (!key)
            goto fail;
        if (key->type != SNODE_SCALAR) {
            diag_error(key_loc, "mapping key must be a scalar, not a %s",
                       snode_type_name(key->type));
            goto fail;
        }
        int first = key_set_add(&seen, (const char *const *)keys.items, keys.n, key->str);
        if (first == -2) {
            out_of_memory();
            goto fail;
        }
        if (first >= 0) {
            diag_error(key_loc, "duplicate key '%s'", key->str);
            diag_note(locs.items[first], "first defined here");
            goto fail;
        }

        if (next_event(p) < 0)
            goto fail;
        struct snode *val = parse_node(p, depth + 1);
        if (!val)
            goto fail;
        if (vec_push(&keys, key->str) < 0 || vec_push(&locs, key_loc) < 0 ||
            vec_push(&vals, val) < 0) {
            out_of_memory();
            goto fail;
        }
        n->expanded += key->expanded + val->expanded;
    }
    free(seen.slots);

    n->n = keys.n;
    if (keys.n) {
        size_t count = (size_t)keys.n;
        n->keys = arena_alloc(p->arena, count * sizeof *n->keys);
        n->key_locs = arena_alloc(p->arena, count * sizeof *n->key_locs);
        n->vals = arena_alloc(p->arena, count * sizeof *n->vals);
        if (!n->keys || !n->key_locs || !n->vals) {
            out_of_memory();
            goto fail;
        }
        for (int i = 0; i < keys.n; i++) {
            n->keys[i] = keys.items[i];
            n->key_locs[i] = *(struct diag_loc *)locs.items[i];
            n->vals[i] = vals.items[i];
        }
    }
    free(keys.items);
    free(locs.items);
    free(vals.items);
    if (add_anchor(p, anchor, n) < 0)
        return NULL;
    return n;

fail:
    free(seen.slots);
    free(keys.items);
    free(locs.items);
    free(vals.items);
    return NULL;
}

/* Builds the node whose start event is the current one. */
static struct snode *parse_node(struct script_parser *p, int depth)
{
    if (depth > limit_get(LIMIT_YAML_DEPTH)) {
        struct diag_loc loc = mark_loc(p, p->event.start_mark);
        diag_error(&loc, "nesting deeper than %lld levels (limit %s)", limit_get(LIMIT_YAML_DEPTH),
                   limit_name(LIMIT_YAML_DEPTH));
        return NULL;
    }
    switch (p->event.type) {
    case YAML_SCALAR_EVENT:
        return parse_scalar(p);
    case YAML_ALIAS_EVENT:
        return parse_alias(p);
    case YAML_SEQUENCE_START_EVENT:
        return parse_seq(p, depth);
    case YAML_MAPPING_START_EVENT:
        return parse_map(p, depth);
    default:
        break;
    }
    /* libyaml only hands out node events here; anything else is a bug in
     * this file, still reported rather than crashed on. */
    struct diag_loc loc = mark_loc(p, p->event.start_mark);
    diag_error(&loc, "internal error: unexpected YAML event %d",
               (int)p->event.type);
    return NULL;
}

/* stream-start, then nothing or exactly one document, then stream-end. */
static int parse_stream(struct script_parser *p, struct snode **root)
{
    *root = NULL;
    if (next_event(p) < 0)              /* stream start */
        return -1;
    if (next_event(p) < 0)
        return -1;
    if (p->event.type == YAML_STREAM_END_EVENT)
        return 0;                       /* empty, or only comments */

    if (next_event(p) < 0)              /* past document start */
        return -1;
    struct snode *node = parse_node(p, 0);
    if (!node)
        return -1;
    if (next_event(p) < 0)              /* document end */
        return -1;
    if (next_event(p) < 0)
        return -1;
    if (p->event.type == YAML_DOCUMENT_START_EVENT) {
        struct diag_loc loc = mark_loc(p, p->event.start_mark);
        diag_error(&loc, "only one YAML document per scene script");
        return -1;
    }

    /* A bare "---" yields an empty plain scalar: that is an empty document,
     * not a document whose content is the empty string. */
    if (node->type == SNODE_SCALAR && node->plain && !node->str[0])
        node = NULL;
    *root = node;
    return 0;
}

struct script *script_parse(const char *path, const char *text, size_t len)
{
    if (!path)
        path = "<input>";
    struct arena *arena = calloc(1, sizeof *arena);
    struct script *s = arena ? arena_alloc(arena, sizeof *s) : NULL;
    char *path_copy = s ? arena_strndup(arena, path, strlen(path)) : NULL;
    if (!path_copy) {
        arena_free(arena);
        out_of_memory();
        return NULL;
    }
    s->path = path_copy;
    s->root = NULL;
    s->priv = arena;

    struct script_parser p;
    memset(&p, 0, sizeof p);
    p.arena = arena;
    p.file = s->path;
    p.text = text;
    p.len = len;
    if (!yaml_parser_initialize(&p.yaml)) {
        arena_free(arena);
        out_of_memory();
        return NULL;
    }
    yaml_parser_set_input_string(&p.yaml, (const unsigned char *)text, len);

    int rc = parse_stream(&p, &s->root);

    if (p.have_event)
        yaml_event_delete(&p.event);
    yaml_parser_delete(&p.yaml);
    free(p.anchors);
    if (rc < 0) {
        arena_free(arena);
        return NULL;
    }
    return s;
}

/* Reads the whole file: scripts are small and libyaml marks are easiest to
 * trust when the parser sees one contiguous buffer. */
static char *read_file(const char *path, size_t *len)
{
    /* A FIFO would block the open until a writer came, and a device could
     * be endless: scripts are regular files (stat()ed, not opened). */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        diag_fail("cannot read '%s': %s, not a scene script file", path,
                  asset_file_kind(st.st_mode));
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_fail("cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    size_t most = (size_t)limit_get(LIMIT_SCRIPT_BYTES);
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (n > most) {
            free(buf);
            fclose(f);
            diag_fail("'%s' is larger than %zu bytes: not a scene script? (limit %s; raise it "
                      "with --limit %s=N)", path, most, limit_name(LIMIT_SCRIPT_BYTES),
                      limit_name(LIMIT_SCRIPT_BYTES));
            return NULL;
        }
        char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (!buf) {
        fclose(f);
        out_of_memory();
        return NULL;
    }
    if (ferror(f)) {
        /* fread sets errno on glibc (EISDIR for a directory), which is the
         * reason the user needs. */
        int err = errno;
        free(buf);
        fclose(f);
        diag_fail("cannot read '%s': %s", path, strerror(err));
        return NULL;
    }
    fclose(f);
    if (n > most) {
        free(buf);
        diag_fail("'%s' is larger than %zu bytes: not a scene script? (limit %s; raise it "
                  "with --limit %s=N)", path, most, limit_name(LIMIT_SCRIPT_BYTES),
                  limit_name(LIMIT_SCRIPT_BYTES));
        return NULL;
    }
    *len = n;
    return buf;
}

struct script *script_load(const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text)
        return NULL;
    struct script *s = script_parse(path, text, len);
    free(text);
    return s;
}

void script_free(struct script *s)
{
    /* The script itself lives in its arena. */
    if (s)
        arena_free(s->priv);
}

int snode_find(const struct snode *map, const char *key)
{
    if (!map || map->type != SNODE_MAP || !key)
        return -1;
    for (int i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0)
            return i;
    return -1;
}

const struct snode *snode_get(const struct snode *map, const char *key)
{
    int i = snode_find(map, key);
    return i < 0 ? NULL : map->vals[i];
}

const char *snode_type_name(enum snode_type t)
{
    switch (t) {
    case SNODE_SCALAR:
        return "scalar";
    case SNODE_MAP:
        return "mapping";
    case SNODE_SEQ:
        return "sequence";
    }
    return "unknown";
}

/* ---- editing: trees that share what they do not change ---------------- */

static struct snode *node_copy(struct script *s, const struct snode *n)
{
    struct snode *c = arena_alloc(s->priv, sizeof *c);
    if (!c)
        return NULL;
    *c = *n;
    if (n->type == SNODE_SCALAR)
        return c;
    size_t k = (size_t)(n->n + 1);
    c->vals = arena_alloc(s->priv, k * sizeof *c->vals);
    if (n->type == SNODE_MAP) {
        c->keys = arena_alloc(s->priv, k * sizeof *c->keys);
        c->key_locs = arena_alloc(s->priv, k * sizeof *c->key_locs);
    }
    if (!c->vals || (n->type == SNODE_MAP && (!c->keys || !c->key_locs)))
        return NULL;
    for (int i = 0; i < n->n; i++) {
        c->vals[i] = n->vals[i];
        if (n->type == SNODE_MAP) {
            c->keys[i] = n->keys[i];
            c->key_locs[i] = n->key_locs[i];
        }
    }
    return c;
}

struct snode *snode_new_scalar(struct script *s, const char *text, int plain,
                               const struct diag_loc *loc)
{
    struct snode *n = arena_alloc(s->priv, sizeof *n);
    char *str = arena_strndup(s->priv, text, strlen(text));
    if (!n || !str) {
        out_of_memory();
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = SNODE_SCALAR;
    n->loc = *loc;
    n->str = str;
    n->plain = plain;
    n->expanded = 1;
    return n;
}

struct snode *snode_new_map(struct script *s, const struct diag_loc *loc)
{
    struct snode *n = arena_alloc(s->priv, sizeof *n);
    if (!n) {
        out_of_memory();
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = SNODE_MAP;
    n->loc = *loc;
    n->expanded = 1;
    return n;
}

/* Whether a path component is a list index: digits only. */
static int path_index(const char *k, size_t len, int *out)
{
    if (!len || len > 6)
        return 0;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (k[i] < '0' || k[i] > '9')
            return 0;
        v = v * 10 + (k[i] - '0');
    }
    *out = v;
    return 1;
}

/* snode_with at one level: path is what is left of full. */
static struct snode *with_path(struct script *s, const struct snode *root, const char *path,
                               const char *full, const struct snode *value,
                               const struct diag_loc *at)
{
    const char *dot = strchr(path, '.');
    size_t len = dot ? (size_t)(dot - path) : strlen(path);
    if (!len) {
        diag_error(at, "'%s' is not a path such as trainer.learning_rate (an empty name)", full);
        return NULL;
    }
    struct snode *copy = root ? node_copy(s, root) : snode_new_map(s, at);
    if (!copy) {
        out_of_memory();
        return NULL;
    }
    int idx;
    if (copy->type == SNODE_SEQ) {
        if (!path_index(path, len, &idx) || idx < 1 || idx > copy->n) {
            diag_error(at, "'%.*s' in the path '%s' must be an item number from 1 to %d of the "
                       "list there (items are numbered from 1)", (int)len, path, full, copy->n);
            return NULL;
        }
        idx--;
        struct snode *v = dot ? with_path(s, copy->vals[idx], dot + 1, full, value, at)
                              : (struct snode *)value;
        if (!v)
            return NULL;
        copy->vals[idx] = v;
        return copy;
    }
    if (copy->type != SNODE_MAP) {
        diag_error(at, "the path '%s' reaches '%.*s' inside a single value, not a mapping", full,
                   (int)len, path);
        return NULL;
    }
    int i;
    for (i = 0; i < copy->n; i++)
        if (strlen(copy->keys[i]) == len && memcmp(copy->keys[i], path, len) == 0)
            break;
    if (i == copy->n) {
        /* A new key: grow the copy by one (node_copy left room for it). */
        char *key = arena_strndup(s->priv, path, len);
        if (!key) {
            out_of_memory();
            return NULL;
        }
        if (!root) {
            copy->vals = arena_alloc(s->priv, sizeof *copy->vals);
            copy->keys = arena_alloc(s->priv, sizeof *copy->keys);
            copy->key_locs = arena_alloc(s->priv, sizeof *copy->key_locs);
            if (!copy->vals || !copy->keys || !copy->key_locs) {
                out_of_memory();
                return NULL;
            }
        }
        copy->keys[i] = key;
        copy->key_locs[i] = *at;
        copy->vals[i] = NULL;
        copy->n++;
    }
    struct snode *v = dot ? with_path(s, copy->vals[i], dot + 1, full, value, at)
                          : (struct snode *)value;
    if (!v)
        return NULL;
    copy->vals[i] = v;
    return copy;
}

struct snode *snode_with(struct script *s, const struct snode *root, const char *path,
                         const struct snode *value, const struct diag_loc *at)
{
    return with_path(s, root, path, path, value, at);
}

/* A copy of map with key set to value (added at the end when new). */
static struct snode *map_set(struct script *s, const struct snode *map, const char *key,
                             struct snode *value, const struct diag_loc *at)
{
    struct snode *copy = node_copy(s, map);
    if (!copy) {
        out_of_memory();
        return NULL;
    }
    int i = snode_find(copy, key);
    if (i < 0) {
        i = copy->n++;
        copy->keys[i] = (char *)key;
        copy->key_locs[i] = *at;
    }
    copy->vals[i] = value;
    return copy;
}

struct snode *snode_merge(struct script *s, const struct snode *base, const struct snode *over)
{
    if (!base || base->type != SNODE_MAP || !over || over->type != SNODE_MAP)
        return (struct snode *)over;
    struct snode *m = (struct snode *)base;
    for (int i = 0; i < over->n; i++) {
        const struct snode *b = snode_get(m, over->keys[i]);
        struct snode *v = snode_merge(s, b, over->vals[i]);
        struct diag_loc kl = over->key_locs[i];
        if (!v || !(m = map_set(s, m, over->keys[i], v, &kl)))
            return NULL;
    }
    return m;
}

void snode_relocate(struct snode *n, const struct diag_loc *loc)
{
    if (!n)
        return;
    n->loc = *loc;
    for (int i = 0; n->type != SNODE_SCALAR && i < n->n; i++) {
        if (n->type == SNODE_MAP)
            n->key_locs[i] = *loc;
        snode_relocate(n->vals[i], loc);
    }
}

/* ---- columns inside a scalar -------------------------------------------------- */

/* UTF-8 bytes of code point cp. */
static int utf8_bytes(unsigned long cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

int script_column(const struct diag_loc *start, int quoted, size_t offset)
{
    if (!start || !start->file || start->line <= 0 || start->col <= 0)
        return 0;
    FILE *f = fopen(start->file, "rb");
    if (!f)     /* not a file ("command line"): one byte per column */
        return start->col + (quoted ? 1 : 0) + (int)offset;
    char line[8192];
    int ln = 0, found = 0;
    while (fgets(line, sizeof line, f))
        if (++ln == start->line) {
            found = 1;
            break;
        }
    fclose(f);
    if (!found)
        return 0;
    /* to the scalar's first character: columns count characters */
    const unsigned char *r = (const unsigned char *)line;
    for (int c = 1; c < start->col && *r; c++) {
        unsigned long cp;
        int k = utf8_decode(r, &cp);
        r += k > 0 ? k : 1;
    }
    char quote = 0;
    if (quoted) {
        if (*r != '\'' && *r != '"')
            return 0;           /* a block scalar or the like: unknown */
        quote = (char)*r++;
    }
    int col = start->col + (quoted ? 1 : 0);
    size_t v = 0;               /* bytes of the value before r */
    while (v < offset) {
        if (!*r || *r == '\n' || *r == '\r')
            return 0;           /* the scalar goes on on the next line: unknown */
        if (quote == '\'' && r[0] == '\'' && r[1] == '\'') {
            r += 2, v += 1, col += 2;
            continue;
        }
        if (quote == '"' && r[0] == '\\') {
            int hex = r[1] == 'x' ? 2 : r[1] == 'u' ? 4 : r[1] == 'U' ? 8 : 0;
            unsigned long cp = 0;
            if (hex) {
                for (int k = 0; k < hex; k++) {
                    char h = (char)r[2 + k];
                    cp = cp * 16 + (unsigned long)(h >= 'a' ? h - 'a' + 10
                                                   : h >= 'A' ? h - 'A' + 10 : h - '0');
                }
                v += (size_t)utf8_bytes(cp);
                r += 2 + hex, col += 2 + hex;
            } else {
                /* \N \_ are two bytes, \L \P three, the rest one */
                v += r[1] == 'N' || r[1] == '_' ? 2 : r[1] == 'L' || r[1] == 'P' ? 3 : 1;
                r += 2, col += 2;
            }
            continue;
        }
        unsigned long cp;
        int k = utf8_decode(r, &cp);
        if (k <= 0)
            k = 1;
        r += k, v += (size_t)k, col += 1;
    }
    return col;
}
