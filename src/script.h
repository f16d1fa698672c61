/* script: a YAML file as a tree of nodes that remember where they came from.
 *
 * This is the only module that includes <yaml.h>. It turns one YAML document
 * into maps, sequences and scalars, each with its file:line:col, so that the
 * layers above can point at the exact spot of any problem. It knows nothing
 * of scenes: validation happens in param and scene.
 *
 * Rejected here, with a located error: YAML syntax errors, more than one
 * document, non-scalar map keys, duplicate keys, NUL characters in values,
 * tags other than the core schema's, and scripts past the limits of
 * limits.h (file size, values with aliases expanded, nesting, value
 * length). Anchors and aliases are resolved (an alias shares the anchored
 * node). A "!!str" tag reads as quoting: the scalar's plain flag is 0.
 *
 * Ownership: the script owns every node and string; they live until
 * script_free(). */
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stddef.h>
#include "diag.h"

enum snode_type { SNODE_SCALAR, SNODE_MAP, SNODE_SEQ };

struct snode {
    enum snode_type type;
    struct diag_loc loc;        /* where the node starts */
    char *str;                  /* SCALAR: the text, NUL-terminated */
    int plain;                  /* SCALAR: 1 when written unquoted */
    int n;                      /* MAP: pairs, SEQ: items */
    char **keys;                /* MAP: the keys */
    struct diag_loc *key_locs;  /* MAP: where each key starts */
    struct snode **vals;        /* MAP: values; SEQ: items */
    long long expanded;         /* nodes in this subtree, aliases counted in full */
};

struct script {
    char *path;                 /* as given; diag_locs point at this string */
    struct snode *root;         /* NULL for an empty document */
    void *priv;                 /* allocation arena */
};

/* NULL on failure, after reporting (a missing file or a located YAML error). */
struct script *script_load(const char *path);
/* Same, from memory; path is only used in messages. */
struct script *script_parse(const char *path, const char *text, size_t len);
void script_free(struct script *s);   /* NULL is a no-op */

/* The column of byte offset of a scalar's value that starts at start
 * (written quoted or not), reading its line back from the file: quotes,
 * '' and backslash escapes and multi-byte characters counted as they are
 * written, columns in characters as libyaml counts them. 0 when unknown
 * (a scalar over several lines, a block scalar). Without a file to read
 * (a --set value) it counts bytes. */
int script_column(const struct diag_loc *start, int quoted, size_t offset);

/* The value under key in a MAP node, or NULL (also when map is not a map). */
const struct snode *snode_get(const struct snode *map, const char *key);
/* Index of key in a MAP node, or -1. */
int snode_find(const struct snode *map, const char *key);
const char *snode_type_name(enum snode_type t);   /* "scalar", "mapping", "sequence" */

/* ---- editing (for runs, sweeps, variants and --set) ----
 * New nodes live in s (any script: the tree may mix nodes of several).
 * The tree given is never changed: what differs is copied, the rest is
 * shared, so every node keeps the location it was written at. */
struct snode *snode_new_scalar(struct script *s, const char *text, int plain,
                               const struct diag_loc *loc);
struct snode *snode_new_map(struct script *s, const struct diag_loc *loc);
/* root with the value at path ("trainer.learning_rate"; a number picks
 * item N of a list, from 1: "panels.2.title") replaced by value; mappings
 * missing on the way are made (a key path names that does not exist is
 * left for validation to report). NULL after reporting at `at`. */
struct snode *snode_with(struct script *s, const struct snode *root, const char *path,
                         const struct snode *value, const struct diag_loc *at);
/* base with over's keys laid over it, mappings merged key by key, any
 * other value replaced. NULL after reporting. */
struct snode *snode_merge(struct script *s, const struct snode *base, const struct snode *over);
/* Points every node of a tree (of a script parsed for the purpose) at loc. */
void snode_relocate(struct snode *n, const struct diag_loc *loc);

#endif
