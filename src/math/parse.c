/* parse: TeX-subset source to a tree of math nodes.
 *
 * A recursive-descent parser over the source bytes; no fonts, no cairo. Every
 * node keeps its source offset and every error names the offending command
 * or character with its offset, so a scene's error points at the column. */
#include "math/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define MAX_DEPTH 48            /* nesting of groups, scripts and fractions */
#define MAX_SOURCE 8192         /* bytes in one formula */
#define MAX_NODES 20000

struct parser {
    const char *s;
    size_t n, i;
    int flags;
    int depth;
    int nodes;
    size_t left_at;             /* the innermost open \left */
    int in_left;                /* \left ... \right groups open */
    struct math_error *err;
    int failed;
};

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return -1;
    p->failed = 1;
    p->err->pos = pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

static struct mnode *node_new(struct parser *p, enum mkind kind, size_t pos)
{
    if (++p->nodes > MAX_NODES) {
        fail(p, pos, "formula too long (more than %d parts)", MAX_NODES);
        return NULL;
    }
    struct mnode *n = calloc(1, sizeof *n);
    if (!n) {
        fail(p, pos, "out of memory");
        return NULL;
    }
    n->kind = kind;
    n->pos = pos;
    n->limits = -1;
    n->style = -1;
    return n;
}

void mnode_free(struct mnode *n)
{
    if (!n)
        return;
    for (int i = 0; i < 3; i++)
        mnode_free(n->a[i]);
    for (int i = 0; i < n->nkids; i++)
        mnode_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

static int kid_add(struct parser *p, struct mnode *list, struct mnode *kid)
{
    if (list->nkids == list->capkids) {
        int cap = list->capkids ? 2 * list->capkids : 8;
        struct mnode **k = realloc(list->kids, (size_t)cap * sizeof *k);
        if (!k) {
            mnode_free(kid);
            return fail(p, kid->pos, "out of memory");
        }
        list->kids = k;
        list->capkids = cap;
    }
    list->kids[list->nkids++] = kid;
    return 0;
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int math_brace_is_group(const char *src, size_t i)
{
    if (i == 0)
        return 0;
    char c = src[i - 1];
    if (c == '^' || c == '_' || c == '{' || c == '}' || c == ']')
        return 1;
    if (!is_letter(c))
        return 0;
    size_t j = i - 1;
    while (j > 0 && is_letter(src[j - 1]))
        j--;
    /* letters right after a backslash are a command name; an escaped
     * backslash before them ("\\x{") is a line break followed by x. */
    if (j == 0 || src[j - 1] != '\\')
        return 0;
    size_t k = j - 1, slashes = 0;
    while (k < j && src[k] == '\\') {
        slashes++;
        if (k == 0)
            break;
        k--;
    }
    return slashes % 2 == 1;
}

/* ---- tokens ----------------------------------------------------------- */

static void skip_space(struct parser *p)
{
    while (p->i < p->n && p->s[p->i] == ' ')
        p->i++;
}

/* A command at p->i (which is a backslash): its name's start and length. A
 * control word is letters; a control symbol is one other character. */
static size_t command_name(struct parser *p, size_t at, const char **name)
{
    size_t j = at + 1;
    *name = p->s + j;
    if (j >= p->n)
        return 0;
    if (!is_letter(p->s[j]))
        return 1;
    while (j < p->n && is_letter(p->s[j]))
        j++;
    return j - (at + 1);
}

static int name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(name, want, len) == 0;
}

/* ---- the grammar ---------------------------------------------------------- */

enum stop { STOP_END = 1, STOP_BRACE = 2, STOP_RIGHT = 4, STOP_CELL = 8, STOP_BRACKET = 16 };

static struct mnode *parse_list(struct parser *p, int stops, enum mvariant var);
static struct mnode *parse_atom(struct parser *p, enum mvariant var, int as_arg);

/* One argument of a command: a group, or a single character or command. */
static struct mnode *parse_arg(struct parser *p, enum mvariant var, const char *what, size_t cmdpos)
{
    skip_space(p);
    int none = p->i >= p->n || p->s[p->i] == '}' || p->s[p->i] == '&' || p->s[p->i] == '^' ||
               p->s[p->i] == '_' || p->s[p->i] == ']';
    if (!none && p->s[p->i] == '\\') {
        /* a closer is no argument: "\frac{a} \right)" lacks one */
        const char *name;
        size_t len = command_name(p, p->i, &name);
        none = name_is(name, len, "right") || name_is(name, len, "end") ||
               name_is(name, len, "\\") || name_is(name, len, "middle");
    }
    if (none) {
        fail(p, cmdpos, "%s needs an argument (write it in braces: %s{...})", what, what);
        return NULL;
    }
    /* Arguments nest without braces too (\hat\hat\hat x): one level each;
     * a braced one counts as its group does. */
    int braced = p->s[p->i] == '{';
    if (!braced && ++p->depth > MAX_DEPTH) {
        fail(p, cmdpos, "formula nested too deeply (more than %d levels)", MAX_DEPTH);
        return NULL;
    }
    struct mnode *n = parse_atom(p, var, 1);
    if (!braced)
        p->depth--;
    return n;
}

/* Raw text of a braced argument (\text, \operatorname, \begin), with
 * \{ \} \$ \& \% \_ \# unescaped. */
static char *parse_raw(struct parser *p, const char *what, size_t cmdpos)
{
    skip_space(p);
    if (p->i >= p->n || p->s[p->i] != '{') {
        fail(p, cmdpos, "%s needs its text in braces: %s{...}", what, what);
        return NULL;
    }
    size_t open = p->i++;
    char *out = malloc(p->n - p->i + 1);
    if (!out) {
        fail(p, cmdpos, "out of memory");
        return NULL;
    }
    size_t k = 0;
    int depth = 0;
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c == '\\' && p->i + 1 < p->n && strchr("{}$&%_# ", p->s[p->i + 1])) {
            out[k++] = p->s[p->i + 1];
            p->i += 2;
            continue;
        }
        if (c == '\\' && p->i + 1 < p->n && strchr(",;:", p->s[p->i + 1])) {
            out[k++] = ' ';         /* a space in text */
            p->i += 2;
            continue;
        }
        if (c == '\\' && p->i + 5 < p->n && strncmp(p->s + p->i + 1, "text{", 5) == 0) {
            p->i += 5;              /* \text inside \text is a group, as in TeX */
            continue;
        }
        if (c == '\\' || c == '$') {
            fail(p, p->i, "%s inside %s{...} is not supported: it holds plain text (write "
                 "\\{ \\} \\$ \\& \\%% \\_ for those characters)",
                 c == '$' ? "a formula" : "a command", what);
            free(out);
            return NULL;
        }
        unsigned long ucp;
        int ul = utf8_decode((const unsigned char *)p->s + p->i, &ucp);
        if (ul <= 0 || ucp < 0x20 || utf8_noncharacter(ucp)) {
            if (ul > 0)
                fail(p, p->i, "control character 0x%02lX in %s{...}: in a double-quoted YAML "
                     "string a backslash starts an escape; write formulas in single quotes",
                     ucp, what);
            else
                fail(p, p->i, "a byte that is not UTF-8 (0x%02X) in %s{...}",
                     (unsigned)(unsigned char)c, what);
            free(out);
            return NULL;
        }
        if (c == '{') {
            depth++;
            p->i++;
            continue;               /* a group in text: its braces do not show */
        }
        if (c == '}') {
            p->i++;
            if (depth-- == 0) {
                out[k] = '\0';
                return out;
            }
            continue;
        }
        memcpy(out + k, p->s + p->i, (size_t)ul);
        k += (size_t)ul;
        p->i += (size_t)ul;
    }
    free(out);
    fail(p, open, "unclosed '{' after %s (a literal brace is written \\{ or \\})", what);
    return NULL;
}

static struct mnode *make_char(struct parser *p, uint32_t cp, enum mclass cls,
                               enum mvariant var, size_t pos)
{
    struct mnode *n = node_new(p, MN_CHAR, pos);
    if (n) {
        n->cp = cp;
        n->cls = cls;
        n->variant = var;
    }
    return n;
}

static const struct { const char *name; uint32_t cp; int wide; } accents[] = {
    {"hat", 0x0302, 0}, {"widehat", 0x0302, 1}, {"bar", 0x0304, 0}, {"tilde", 0x0303, 0},
    {"widetilde", 0x0303, 1}, {"vec", 0x20D7, 0}, {"dot", 0x0307, 0}, {"ddot", 0x0308, 0},
    {"check", 0x030C, 0}, {"breve", 0x0306, 0}, {"acute", 0x0301, 0}, {"grave", 0x0300, 0},
    {"overline", 0, 1}, {"underline", 0, 1}, {"overrightarrow", 0x20D7, 1},
};

static const struct { const char *name; uint32_t cp; int limits; } largeops[] = {
    {"sum", 0x2211, -1}, {"prod", 0x220F, -1}, {"coprod", 0x2210, -1}, {"int", 0x222B, 0},
    {"iint", 0x222C, 0}, {"iiint", 0x222D, 0}, {"oint", 0x222E, 0}, {"bigcup", 0x22C3, -1},
    {"bigcap", 0x22C2, -1}, {"bigoplus", 0x2A01, -1}, {"bigotimes", 0x2A02, -1},
    {"bigvee", 0x22C1, -1}, {"bigwedge", 0x22C0, -1},
};

/* Functions set upright; those with limits take them under and over in
 * display style, as \max does in TeX. */
static const struct { const char *name; const char *text; int limits; } funcs[] = {
    {"log", "log", 0}, {"ln", "ln", 0}, {"exp", "exp", 0}, {"lg", "lg", 0},
    {"sin", "sin", 0}, {"cos", "cos", 0}, {"tan", "tan", 0}, {"sinh", "sinh", 0},
    {"cosh", "cosh", 0}, {"tanh", "tanh", 0}, {"arg", "arg", 0}, {"deg", "deg", 0},
    {"dim", "dim", 0}, {"ker", "ker", 0}, {"sgn", "sgn", 0},
    {"max", "max", -1}, {"min", "min", -1}, {"sup", "sup", -1}, {"inf", "inf", -1},
    {"lim", "lim", -1}, {"det", "det", -1}, {"Pr", "Pr", -1}, {"gcd", "gcd", -1},
    {"argmax", "arg\xe2\x80\x89max", -1}, {"argmin", "arg\xe2\x80\x89min", -1},
};

static const struct { const char *name; double em; } spaces[] = {
    {",", 3 / 18.0}, {":", 4 / 18.0}, {">", 4 / 18.0}, {";", 5 / 18.0}, {"!", -3 / 18.0},
    {" ", 0.333}, {"quad", 1.0}, {"qquad", 2.0}, {"enspace", 0.5}, {"thinspace", 3 / 18.0},
    {"medspace", 4 / 18.0}, {"thickspace", 5 / 18.0}, {"negthinspace", -3 / 18.0},
};

static const struct { const char *name; enum mvariant var; int font; } variants[] = {
    {"mathrm", MV_ROMAN, -1}, {"mathit", MV_ITALIC, -1}, {"mathbf", MV_BOLD, -1},
    {"boldsymbol", MV_BOLD, -1}, {"mathbb", MV_BB, -1}, {"mathsf", MV_SANS, -1},
    {"text", MV_NORMAL, MATH_FONT_TEXT}, {"textrm", MV_NORMAL, MATH_FONT_TEXT},
    {"mbox", MV_NORMAL, MATH_FONT_TEXT}, {"textbf", MV_NORMAL, MATH_FONT_TEXT_BOLD},
    {"textit", MV_NORMAL, MATH_FONT_TEXT_ITALIC}, {"textsf", MV_NORMAL, MATH_FONT_TEXT},
};

static const struct { const char *name; enum menv env; } envs[] = {
    {"cases", ME_CASES}, {"matrix", ME_MATRIX}, {"pmatrix", ME_PMATRIX},
    {"bmatrix", ME_BMATRIX}, {"Bmatrix", ME_BBMATRIX}, {"vmatrix", ME_VMATRIX},
    {"Vmatrix", ME_VVMATRIX},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A delimiter after \left, \right, \middle or \big: its code point (0 for
 * the null delimiter '.'). */
static int parse_delim(struct parser *p, const char *what, size_t cmdpos, uint32_t *cp)
{
    skip_space(p);
    if (p->i >= p->n)
        return fail(p, cmdpos, "%s needs a delimiter after it, such as ( [ | \\{ or . for none",
                    what);
    size_t at = p->i;
    if (p->s[at] == '\\') {
        const char *name;
        size_t len = command_name(p, at, &name);
        if (len && mdelim_find(name, len, 1, cp)) {
            p->i = at + 1 + len;
            return 0;
        }
        return fail(p, at, "'\\%.*s' is not a delimiter %s can take "
                    "(use ( ) [ ] | \\| \\{ \\} \\langle \\rangle \\lVert \\rVert or .)",
                    (int)len, name, what);
    }
    if (mdelim_find(p->s + at, 1, 0, cp)) {
        p->i = at + 1;
        return 0;
    }
    unsigned long ucp;
    int len = utf8_decode((const unsigned char *)p->s + at, &ucp);
    return fail(p, at, "'%.*s' is not a delimiter %s can take "
                "(use ( ) [ ] | \\| \\{ \\} \\langle \\rangle \\lVert \\rVert or .)",
                len > 0 ? len : 1, p->s + at, what);
}

static struct mnode *parse_env(struct parser *p, size_t cmdpos)
{
    char *name = parse_raw(p, "\\begin", cmdpos);
    if (!name)
        return NULL;
    size_t k = 0;
    while (k < COUNT(envs) && strcmp(envs[k].name, name) != 0)
        k++;
    if (k == COUNT(envs)) {
        fail(p, cmdpos, "unknown environment '%s' in formula (use cases, matrix, pmatrix, "
             "bmatrix, Bmatrix, vmatrix or Vmatrix)", name);
        free(name);
        return NULL;
    }
    struct mnode *arr = node_new(p, MN_ARRAY, cmdpos);
    if (!arr) {
        free(name);
        return NULL;
    }
    arr->env = envs[k].env;
    int col = 0, row_started = 0;
    for (;;) {
        struct mnode *cell = parse_list(p, STOP_CELL | STOP_END, MV_NORMAL);
        if (!cell)
            goto bad;
        if (kid_add(p, arr, cell) != 0)
            goto bad;
        col++;
        row_started = 1;
        skip_space(p);
        if (p->i >= p->n) {
            fail(p, cmdpos, "\\begin{%s} has no \\end{%s}", name, name);
            goto bad;
        }
        if (p->s[p->i] == '&') {
            p->i++;
            continue;
        }
        const char *cname;
        size_t clen = command_name(p, p->i, &cname);
        size_t at = p->i;
        if (name_is(cname, clen, "\\")) {
            p->i += 2;
            if (arr->cols && col != arr->cols) {
                fail(p, at, "row %d of \\begin{%s} has %d cell%s, row 1 has %d",
                     arr->rows + 1, name, col, col == 1 ? "" : "s", arr->cols);
                goto bad;
            }
            arr->cols = col;
            arr->rows++;
            col = 0;
            row_started = 0;
            continue;
        }
        if (name_is(cname, clen, "end")) {
            p->i += 4;
            char *end = parse_raw(p, "\\end", at);
            if (!end)
                goto bad;
            int same = strcmp(end, name) == 0;
            if (!same)
                fail(p, at, "\\begin{%s} is ended by \\end{%s}", name, end);
            free(end);
            if (!same)
                goto bad;
            /* A trailing \\ leaves one empty cell: not a row. */
            if (row_started && !(col == 1 && cell->nkids == 0 && arr->rows > 0)) {
                if (arr->cols && col != arr->cols) {
                    fail(p, at, "row %d of \\begin{%s} has %d cell%s, row 1 has %d",
                         arr->rows + 1, name, col, col == 1 ? "" : "s", arr->cols);
                    goto bad;
                }
                arr->cols = col;
                arr->rows++;
            } else if (row_started) {
                mnode_free(arr->kids[--arr->nkids]);
            }
            break;
        }
        fail(p, at, "unexpected command in \\begin{%s}", name);
        goto bad;
    }
    if (arr->env == ME_CASES && arr->cols > 2) {
        fail(p, cmdpos, "\\begin{cases} takes at most 2 columns (value & condition), got %d",
             arr->cols);
        goto bad;
    }
    free(name);
    return arr;
bad:
    free(name);
    mnode_free(arr);
    return NULL;
}

/* Characters that can be typed directly. */
static int typed_ok(uint32_t cp)
{
    if (cp >= 0x80)
        return cp != 0xFFFD;
    if (is_letter((char)cp) || (cp >= '0' && cp <= '9'))
        return 1;
    return strchr("+-*/=<>()[]|,.;:!?@\"`", (int)cp) != NULL;
}

static struct mnode *parse_command(struct parser *p, enum mvariant var)
{
    size_t at = p->i;
    const char *name;
    size_t len = command_name(p, at, &name);
    if (len == 0) {
        fail(p, at, "a formula cannot end with a backslash");
        return NULL;
    }
    p->i = at + 1 + len;

    if (name_is(name, len, "\\") || name_is(name, len, "end")) {
        fail(p, at, "'\\%.*s' outside \\begin{...}", (int)len, name);
        return NULL;
    }
    for (size_t k = 0; k < COUNT(spaces); k++)
        if (name_is(name, len, spaces[k].name)) {
            struct mnode *n = node_new(p, MN_SPACE, at);
            if (n)
                n->em = spaces[k].em;
            return n;
        }
    const struct msym *sym = msym_find(name, len);
    if (sym)
        return make_char(p, sym->cp, sym->cls, var, at);

    if (name_is(name, len, "frac") || name_is(name, len, "dfrac") ||
        name_is(name, len, "tfrac") || name_is(name, len, "binom")) {
        struct mnode *n = node_new(p, MN_FRAC, at);
        if (!n)
            return NULL;
        n->style = name[0] == 'd' ? 0 : name[0] == 't' ? 1 : -1;
        n->rule = name[0] != 'b';
        char what[16];
        snprintf(what, sizeof what, "\\%.*s", (int)len, name);
        if (!(n->a[0] = parse_arg(p, var, what, at)) || !(n->a[1] = parse_arg(p, var, what, at))) {
            mnode_free(n);
            return NULL;
        }
        return n;
    }
    if (name_is(name, len, "sqrt")) {
        struct mnode *n = node_new(p, MN_SQRT, at);
        if (!n)
            return NULL;
        skip_space(p);
        if (p->i < p->n && p->s[p->i] == '[') {
            size_t open = p->i++;
            if (++p->depth > MAX_DEPTH) {
                fail(p, open, "formula nested too deeply (more than %d levels)", MAX_DEPTH);
                mnode_free(n);
                return NULL;
            }
            n->a[1] = parse_list(p, STOP_BRACKET, var);
            p->depth--;
            if (!n->a[1]) {
                mnode_free(n);
                return NULL;
            }
            if (p->i >= p->n || p->s[p->i] != ']') {
                fail(p, open, "unclosed '[' of \\sqrt[...]");
                mnode_free(n);
                return NULL;
            }
            p->i++;
        }
        if (!(n->a[0] = parse_arg(p, var, "\\sqrt", at))) {
            mnode_free(n);
            return NULL;
        }
        return n;
    }
    for (size_t k = 0; k < COUNT(accents); k++)
        if (name_is(name, len, accents[k].name)) {
            struct mnode *n = node_new(p, MN_ACCENT, at);
            if (!n)
                return NULL;
            n->cp = accents[k].cp;
            n->wide = accents[k].wide;
            n->under = name[0] == 'u';
            char what[24];
            snprintf(what, sizeof what, "\\%s", accents[k].name);
            if (!(n->a[0] = parse_arg(p, var, what, at))) {
                mnode_free(n);
                return NULL;
            }
            return n;
        }
    for (size_t k = 0; k < COUNT(largeops); k++)
        if (name_is(name, len, largeops[k].name)) {
            struct mnode *n = node_new(p, MN_LARGEOP, at);
            if (n) {
                n->cp = largeops[k].cp;
                n->limits = largeops[k].limits;
                n->cls = MC_OP;
            }
            return n;
        }
    for (size_t k = 0; k < COUNT(funcs); k++)
        if (name_is(name, len, funcs[k].name)) {
            struct mnode *n = node_new(p, MN_FUNC, at);
            if (!n)
                return NULL;
            n->limits = funcs[k].limits;
            n->cls = MC_OP;
            if (!(n->text = strdup(funcs[k].text))) {
                mnode_free(n);
                fail(p, at, "out of memory");
                return NULL;
            }
            return n;
        }
    if (name_is(name, len, "operatorname")) {
        int star = p->i < p->n && p->s[p->i] == '*';
        p->i += star;
        struct mnode *n = node_new(p, MN_FUNC, at);
        if (!n)
            return NULL;
        n->limits = star ? -1 : 0;
        n->cls = MC_OP;
        if (!(n->text = parse_raw(p, "\\operatorname", at))) {
            mnode_free(n);
            return NULL;
        }
        return n;
    }
    for (size_t k = 0; k < COUNT(variants); k++)
        if (name_is(name, len, variants[k].name)) {
            char what[24];
            snprintf(what, sizeof what, "\\%s", variants[k].name);
            if (variants[k].font >= 0) {
                struct mnode *n = node_new(p, MN_TEXT, at);
                if (!n)
                    return NULL;
                n->font = variants[k].font;
                if (!(n->text = parse_raw(p, what, at))) {
                    mnode_free(n);
                    return NULL;
                }
                return n;
            }
            return parse_arg(p, variants[k].var, what, at);
        }
    if (name_is(name, len, "left")) {
        struct mnode *n = node_new(p, MN_FENCED, at);
        if (!n)
            return NULL;
        n->cls = MC_INNER;
        size_t outer = p->left_at;
        p->left_at = at;
        if (++p->depth > MAX_DEPTH) {
            fail(p, at, "formula nested too deeply (more than %d levels)", MAX_DEPTH);
            mnode_free(n);
            return NULL;
        }
        p->in_left++;
        if (parse_delim(p, "\\left", at, &n->cp) != 0 ||
            !(n->a[0] = parse_list(p, STOP_RIGHT, var))) {
            mnode_free(n);
            return NULL;
        }
        p->in_left--;
        p->depth--;
        p->left_at = outer;
        size_t rat = p->i;
        p->i += 6;      /* \right */
        if (parse_delim(p, "\\right", rat, &n->cp2) != 0) {
            mnode_free(n);
            return NULL;
        }
        return n;
    }
    if (name_is(name, len, "middle")) {
        if (!p->in_left) {
            fail(p, at, "\\middle needs a \\left ... \\right around it");
            return NULL;
        }
        struct mnode *n = node_new(p, MN_DELIM, at);
        if (!n)
            return NULL;
        n->size = 0;        /* as tall as the \left ... \right around it */
        n->cls = MC_REL;
        if (parse_delim(p, "\\middle", at, &n->cp) != 0) {
            mnode_free(n);
            return NULL;
        }
        return n;
    }
    if (name_is(name, len, "right")) {
        fail(p, at, "\\right without a \\left before it");
        return NULL;
    }
    {
        static const char *const bigs[] = {"big", "Big", "bigg", "Bigg"};
        for (int k = 3; k >= 0; k--) {
            size_t bl = strlen(bigs[k]);
            if (len < bl || len > bl + 1 || memcmp(name, bigs[k], bl) != 0)
                continue;
            char suffix = len > bl ? name[bl] : 0;
            if (suffix && suffix != 'l' && suffix != 'r' && suffix != 'm')
                continue;
            struct mnode *n = node_new(p, MN_DELIM, at);
            if (!n)
                return NULL;
            n->size = k + 1;
            n->cls = suffix == 'l' ? MC_OPEN : suffix == 'r' ? MC_CLOSE
                   : suffix == 'm' ? MC_REL : MC_ORD;
            char what[12];
            snprintf(what, sizeof what, "\\%.*s", (int)len, name);
            if (parse_delim(p, what, at, &n->cp) != 0) {
                mnode_free(n);
                return NULL;
            }
            return n;
        }
    }
    if (name_is(name, len, "displaystyle") || name_is(name, len, "textstyle")) {
        struct mnode *n = node_new(p, MN_STYLE, at);
        if (n)
            n->style = name[0] == 'd' ? 0 : 1;
        return n;
    }
    if (name_is(name, len, "begin")) {
        if (++p->depth > MAX_DEPTH) {
            fail(p, at, "formula nested too deeply (more than %d levels)", MAX_DEPTH);
            return NULL;
        }
        struct mnode *env = parse_env(p, at);
        p->depth--;
        return env;
    }
    if (name_is(name, len, "limits") || name_is(name, len, "nolimits")) {
        fail(p, at, "\\%.*s must follow an operator such as \\sum or \\max", (int)len, name);
        return NULL;
    }
    if (len == 1 && !is_letter(name[0]))
        fail(p, at, "unknown command '\\%c' in formula", name[0]);
    else
        fail(p, at, "unknown command '\\%.*s' in formula", (int)len, name);
    return NULL;
}

/* One atom without its scripts. as_arg: the argument of a command or of
 * ^ and _ (a lone digit, not a number). */
static struct mnode *parse_atom(struct parser *p, enum mvariant var, int as_arg)
{
    size_t at = p->i;
    char c = p->s[at];
    if (c == '{') {
        if ((p->flags & MATH_FIELDS) && !math_brace_is_group(p->s, at)) {
            /* a value field, {name} or {name:spec}: a number once expanded */
            size_t j = at + 1;
            while (j < p->n && p->s[j] != '}' && p->s[j] != '{')
                j++;
            if (j >= p->n || p->s[j] != '}') {
                fail(p, at, "unclosed '{' of a value field (a TeX group goes right after a "
                     "command, ^ or _; a literal brace is written \\{)");
                return NULL;
            }
            p->i = j + 1;
            return node_new(p, MN_FIELD, at);
        }
        if (++p->depth > MAX_DEPTH) {
            fail(p, at, "formula nested too deeply (more than %d levels)", MAX_DEPTH);
            return NULL;
        }
        p->i++;
        struct mnode *g = parse_list(p, STOP_BRACE, var);
        p->depth--;
        if (!g)
            return NULL;
        if (p->i >= p->n) {
            mnode_free(g);
            fail(p, at, "unclosed '{' (a literal brace is written \\{)");
            return NULL;
        }
        p->i++;
        return g;
    }
    if (c == '\\')
        return parse_command(p, var);
    if (c == '}') {
        fail(p, at, "unbalanced '}' (a literal brace is written \\})");
        return NULL;
    }
    if (c == '&') {
        fail(p, at, "'&' outside \\begin{...} (a literal ampersand is written \\&)");
        return NULL;
    }
    if (c == '%') {
        fail(p, at, "'%%' starts a comment in TeX (a percent sign is written \\%%)");
        return NULL;
    }
    if (c == '#' || c == '$') {
        fail(p, at, "'%c' in a formula (write \\%c)", c, c);
        return NULL;
    }
    if (c == '~') {
        p->i++;
        struct mnode *n = node_new(p, MN_SPACE, at);
        if (n)
            n->em = 0.333;
        return n;
    }
    unsigned long ucp;
    int len = utf8_decode((const unsigned char *)p->s + at, &ucp);
    uint32_t cp = (uint32_t)ucp;
    if (len > 0 && (cp == '\n' || cp == 0x85 || cp == 0xA0 || cp == 0x2028 || cp == 0x2029)) {
        /* "\nabla" in a double-quoted YAML string is a line break and
         * "abla"; "\_" a no-break space, "\L" and "\P" U+2028 and U+2029 */
        fail(p, at, "%s in a formula: in a double-quoted YAML string a backslash starts an "
             "escape (\\n, \\N, \\_, \\L, \\P ...); write formulas in single quotes",
             cp == '\n' ? "a line break" : "an invisible space or line separator");
        return NULL;
    }
    if (len > 0 && cp < 0x20) {
        /* "\text" in a double-quoted YAML string is a tab and "ext",
         * "\frac" a form feed and "rac" */
        fail(p, at, "control character 0x%02X in a formula: in a double-quoted YAML string a "
             "backslash starts an escape (\\t, \\f, \\b ...); write formulas in single quotes",
             (unsigned)cp);
        return NULL;
    }
    if (len <= 0 || !typed_ok(cp) || utf8_noncharacter(ucp)) {
        fail(p, at, "'%.*s' cannot be typed in a formula", len > 0 ? len : 1, p->s + at);
        return NULL;
    }
    p->i += (size_t)len;
    if (c == '-')
        cp = 0x2212;        /* a minus sign, not a hyphen */
    if (c == '*')
        cp = 0x2217;
    (void)as_arg;
    return make_char(p, cp, msym_class(cp), var, at);
}

/* Scripts after a nucleus: ^, _ and primes, in any order, once each. */
static struct mnode *parse_scripts(struct parser *p, struct mnode *nucleus, enum mvariant var)
{
    struct mnode *sc = NULL;
    for (;;) {
        skip_space(p);
        if (p->i >= p->n)
            break;
        char c = p->s[p->i];
        if (c == '\\') {
            const char *name;
            size_t len = command_name(p, p->i, &name);
            if (name_is(name, len, "limits") || name_is(name, len, "nolimits")) {
                struct mnode *op = sc ? sc->a[0] : nucleus;
                if (!op || (op->kind != MN_LARGEOP && op->kind != MN_FUNC)) {
                    fail(p, p->i, "\\%.*s must follow an operator such as \\sum or \\max",
                         (int)len, name);
                    goto bad;
                }
                op->limits = name[0] == 'l';
                p->i += 1 + len;
                continue;
            }
            break;
        }
        if (c != '^' && c != '_' && c != '\'')
            break;
        if (!sc) {
            sc = node_new(p, MN_SCRIPTS, p->i);
            if (!sc)
                goto bad;
            sc->a[0] = nucleus;
            nucleus = NULL;
        }
        size_t at = p->i++;
        if (c == '\'') {
            /* x' is x^{\prime}; x'' two primes */
            if (sc->a[1] && sc->a[1]->kind != MN_LIST) {
                fail(p, at, "a prime after a superscript: write x'^{2} rather than x^{2}'");
                goto bad;
            }
            if (!sc->a[1] && !(sc->a[1] = node_new(p, MN_LIST, at)))
                goto bad;
            struct mnode *pr = make_char(p, 0x2032, MC_ORD, MV_NORMAL, at);
            if (!pr || kid_add(p, sc->a[1], pr) != 0)
                goto bad;
            pr->typed_prime = 1;
            sc->mu = 1;     /* the superscript holds primes */
            continue;
        }
        int slot = c == '^' ? 1 : 2;
        if (sc->a[slot] && !(slot == 1 && sc->mu)) {
            fail(p, at, "double %s: group them, as in x^{ab} or {x^a}^b",
                 slot == 1 ? "superscript" : "subscript");
            goto bad;
        }
        struct mnode *arg = parse_arg(p, var, c == '^' ? "^" : "_", at);
        if (!arg)
            goto bad;
        if (slot == 1 && sc->mu) {
            /* primes then ^: one superscript with both */
            if (kid_add(p, sc->a[1], arg) != 0)
                goto bad;
            sc->mu = 0;
        } else {
            sc->a[slot] = arg;
        }
    }
    return sc ? sc : nucleus;
bad:
    mnode_free(sc);
    mnode_free(nucleus);
    return NULL;
}

static struct mnode *parse_list(struct parser *p, int stops, enum mvariant var)
{
    struct mnode *list = node_new(p, MN_LIST, p->i);
    if (!list)
        return NULL;
    for (;;) {
        skip_space(p);
        if (p->i >= p->n) {
            if (stops & STOP_RIGHT) {
                fail(p, p->left_at, "\\left without a \\right after it");
                goto bad;
            }
            break;
        }
        char c = p->s[p->i];
        if (c == '}' && (stops & STOP_BRACE))
            break;
        if (c == ']' && (stops & STOP_BRACKET))
            break;
        if (c == '&' && (stops & STOP_CELL))
            break;
        if (c == '\\') {
            const char *name;
            size_t len = command_name(p, p->i, &name);
            if ((stops & STOP_RIGHT) && name_is(name, len, "right"))
                break;
            if ((stops & STOP_CELL) && (name_is(name, len, "\\") || name_is(name, len, "end")))
                break;
        }
        if (c == '^' || c == '_') {
            /* a script with nothing before it: on an empty nucleus */
            struct mnode *sc = parse_scripts(p, NULL, var);
            if (!sc || kid_add(p, list, sc) != 0)
                goto bad;
            continue;
        }
        if (c == '\'') {
            fail(p, p->i, "a prime needs something before it");
            goto bad;
        }
        struct mnode *atom = parse_atom(p, var, 0);
        if (!atom)
            goto bad;
        struct mnode *full = parse_scripts(p, atom, var);
        if (!full || kid_add(p, list, full) != 0)
            goto bad;
    }
    return list;
bad:
    mnode_free(list);
    return NULL;
}

struct mnode *mnode_parse(const char *src, size_t len, int flags, struct math_error *err)
{
    struct parser p = {.s = src, .n = len, .flags = flags, .err = err};
    if (len > MAX_SOURCE) {
        fail(&p, 0, "formula too long (%zu bytes; at most %d)", len, MAX_SOURCE);
        return NULL;
    }
    if (memchr(src, '\0', len)) {
        fail(&p, (size_t)((const char *)memchr(src, '\0', len) - src), "NUL byte in formula");
        return NULL;
    }
    /* A copy that ends with a NUL, for the UTF-8 decoder. */
    char *copy = malloc(len + 1);
    if (!copy) {
        fail(&p, 0, "out of memory");
        return NULL;
    }
    memcpy(copy, src, len);
    copy[len] = '\0';
    p.s = copy;
    struct mnode *root = parse_list(&p, 0, MV_NORMAL);
    if (root && p.i < len) {
        /* parse_list stops at top level only on a stray closer */
        char c = src[p.i];
        if (c == '}')
            fail(&p, p.i, "unbalanced '}' (a literal brace is written \\})");
        else
            fail(&p, p.i, "unexpected '%c'", c);
        mnode_free(root);
        root = NULL;
    }
    free(copy);
    return root;
}

int math_check(const char *src, size_t len, int flags, struct math_error *err)
{
    struct mnode *n = mnode_parse(src, len, flags, err);
    if (!n)
        return -1;
    mnode_free(n);
    return 0;
}
