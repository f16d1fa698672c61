/* The math module's own types: the node tree the parser builds and the
 * layout walks, and the symbol table. Not for use outside src/math/. */
#ifndef MATH_INTERNAL_H
#define MATH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "math/math.h"

/* TeX's atom classes, which decide the spacing between neighbours. */
enum mclass { MC_ORD, MC_OP, MC_BIN, MC_REL, MC_OPEN, MC_CLOSE, MC_PUNCT, MC_INNER };

/* How letters and digits are set (\mathrm and friends). */
enum mvariant { MV_NORMAL, MV_ROMAN, MV_ITALIC, MV_BOLD, MV_BB, MV_SANS };

enum mkind {
    MN_CHAR,        /* one character: cp, cls, variant */
    MN_FIELD,       /* a value field of a template, set as a number */
    MN_LIST,        /* a group: kids */
    MN_SCRIPTS,     /* a[0] nucleus (may be NULL), a[1] superscript, a[2] subscript */
    MN_FRAC,        /* a[0] over a[1]; style -1 auto, 0 display, 1 text; rule */
    MN_SQRT,        /* a[0] body, a[1] degree or NULL */
    MN_ACCENT,      /* a[0] body; cp the accent; wide; under (\underline) / over rules */
    MN_FENCED,      /* \left cp ... \right cp2: a[0] the body */
    MN_DELIM,       /* \big...: cp, size 1..4, cls */
    MN_LARGEOP,     /* cp; limits -1 auto, 0 no, 1 yes */
    MN_FUNC,        /* text (upright name); limits as for LARGEOP */
    MN_TEXT,        /* \text{...}: text, font */
    MN_SPACE,       /* width in em (mu / 18) */
    MN_ARRAY,       /* env; rows x cols cells in kids (row major) */
    MN_STYLE,       /* \displaystyle / \textstyle: style */
};

enum menv { ME_CASES, ME_MATRIX, ME_PMATRIX, ME_BMATRIX, ME_BBMATRIX, ME_VMATRIX, ME_VVMATRIX };

struct mnode {
    enum mkind kind;
    size_t pos;                 /* source offset, for messages */
    uint32_t cp, cp2;           /* characters: CHAR, ACCENT, FENCED (left, right), DELIM */
    enum mclass cls;
    enum mvariant variant;
    int style, rule, limits, wide, size, under, mu;
    int typed_prime;            /* CHAR: a prime typed as ', not \prime */
    double em;                  /* SPACE */
    enum menv env;
    int rows, cols;
    char *text;                 /* FUNC, TEXT (UTF-8) */
    int font;                   /* TEXT: enum math_font_id */
    struct mnode *a[3];
    struct mnode **kids;        /* LIST, ARRAY */
    int nkids, capkids;
};

struct mnode *mnode_parse(const char *src, size_t len, int flags, struct math_error *err);
void mnode_free(struct mnode *n);

/* ---- symbols ---- */
struct msym {
    const char *name;           /* without the backslash */
    uint32_t cp;
    enum mclass cls;
};

/* The command's symbol, or NULL. */
const struct msym *msym_find(const char *name, size_t len);
/* The class of a character typed directly ("+" is a Bin, "(" an Open ...). */
enum mclass msym_class(uint32_t cp);
/* Delimiters \left, \right and \big accept: NULL if name (a command
 * without backslash, or one character when single) is not one. */
int mdelim_find(const char *name, size_t len, int is_command, uint32_t *cp);

/* The symbol table rows, for math_list_commands. */
extern const struct msym msym_table[];
extern const size_t msym_count;

#endif
