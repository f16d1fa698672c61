/* test_math: TeX-subset formulas, from source text to pixels.
 *
 * Four layers, each checked on its own terms. The parser (math_check,
 * mnode_parse, the $...$ splitter) by the trees it builds and by the exact
 * byte offset and wording of every error. The layout (math_layout) by box
 * metrics measured against the font's own MATH constants (font.h), so an
 * expectation is "the superscript is raised by at least
 * SUPERSCRIPT_SHIFT_UP", not a number copied from a run. The cache by its
 * counters. The drawing by golden PNGs in tests/golden/math/, compared pixel
 * for pixel; `test_math --update DIR` rewrites them (see the README there).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>

#include "check.h"
#include "draw.h"
#include "math/font.h"
#include "math/internal.h"
#include "math/math.h"

#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif
#ifndef BINARY_DIR
#define BINARY_DIR "."
#endif

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers: parsing ---------------------------------------------------- */

static void expect_ok_at(const char *src, int flags, int line)
{
    struct math_error err = {0};
    if (math_check(src, strlen(src), flags, &err) != 0) {
        fprintf(stderr, "%s:%d: check failed: \"%s\" should parse, got error at %zu: %s\n",
                __FILE__, line, src, err.pos, err.msg);
        check_failures_in_test++;
    }
}

static void expect_error_at(const char *src, size_t len, int flags, size_t pos, const char *sub,
                            int line)
{
    struct math_error err = {0};
    int rc = math_check(src, len, flags, &err);
    if (rc == 0) {
        fprintf(stderr, "%s:%d: check failed: \"%.60s\" should not parse\n", __FILE__, line,
                src);
        check_failures_in_test++;
        return;
    }
    if (err.pos != pos || !strstr(err.msg, sub)) {
        fprintf(stderr, "%s:%d: check failed: \"%.60s\": error at %zu \"%s\", expected at %zu "
                "containing \"%s\"\n", __FILE__, line, src, err.pos, err.msg, pos, sub);
        check_failures_in_test++;
    }
    /* mnode_parse, which math_check wraps, agrees */
    struct math_error e2 = {0};
    struct mnode *n = mnode_parse(src, len, flags, &e2);
    if (n || e2.pos != err.pos || strcmp(e2.msg, err.msg) != 0) {
        fprintf(stderr, "%s:%d: check failed: mnode_parse and math_check disagree on "
                "\"%.60s\"\n", __FILE__, line, src);
        check_failures_in_test++;
    }
    mnode_free(n);
}

#define EXPECT_OK(src) expect_ok_at(src, 0, __LINE__)
#define EXPECT_OK_FIELDS(src) expect_ok_at(src, MATH_FIELDS, __LINE__)
#define EXPECT_ERROR(src, pos, sub) expect_error_at(src, strlen(src), 0, pos, sub, __LINE__)
#define EXPECT_ERROR_FIELDS(src, pos, sub) \
    expect_error_at(src, strlen(src), MATH_FIELDS, pos, sub, __LINE__)

static struct mnode *parse(const char *src, int flags)
{
    struct math_error err = {0};
    struct mnode *n = mnode_parse(src, strlen(src), flags, &err);
    if (!n)
        fprintf(stderr, "  (parsing \"%s\": error at %zu: %s)\n", src, err.pos, err.msg);
    return n;
}

/* The only top-level node of src; NULL (a failed check) otherwise. */
static struct mnode *sole(struct mnode *root)
{
    if (!root || root->kind != MN_LIST || root->nkids != 1)
        return NULL;
    return root->kids[0];
}

/* Nodes of a kind in the tree; *first_pos (if given, and still (size_t)-1)
 * gets the offset of the leftmost. */
static int count_kind(const struct mnode *n, enum mkind kind, size_t *first_pos)
{
    if (!n)
        return 0;
    int c = n->kind == kind;
    if (c && first_pos && *first_pos == (size_t)-1)
        *first_pos = n->pos;
    for (int i = 0; i < 3; i++)
        c += count_kind(n->a[i], kind, first_pos);
    for (int i = 0; i < n->nkids; i++)
        c += count_kind(n->kids[i], kind, first_pos);
    return c;
}

/* Every construct math.h's header lists, at least once: all must parse and
 * lay out. The layout tests reuse the list. */
static const char *const constructs[] = {
    "x", "abc", "0123456789", "a + b - c = d < e > f", "(x) [y] |z|", "a, b; c: d! e'",
    "\xc3\xa9 \xe2\x88\x80 \xe2\x84\x9d",            /* é ∀ ℝ typed directly */
    "x^2", "x_i", "x_i^2", "x^{a^{b^c}}", "x_{i_{j}}", "x'", "x''^2", "{a+b}^2", "^2 x",
    "{x}", "{}", "\\frac{1}{2}", "\\frac12", "\\dfrac{a}{b}", "\\tfrac{a}{b}", "\\binom{n}{k}",
    "\\sqrt{x}", "\\sqrt[3]{x}", "\\sqrt[n]{\\frac{a}{b}}",
    "\\sum_{i=1}^n i", "\\prod_k p_k", "\\int_0^1 f", "\\oint_C F", "\\bigcup_i A_i",
    "\\bigcap_i A_i", "\\sum\\limits_{i} x", "\\sum\\nolimits_{i} x", "\\int\\limits_0^1 x",
    "\\hat x", "\\bar x", "\\tilde x", "\\vec x", "\\dot x", "\\ddot x", "\\check x",
    "\\breve x", "\\acute x", "\\grave x", "\\widehat{xyz}", "\\widetilde{xyz}",
    "\\overline{x+y}", "\\underline{x+y}",
    "\\alpha\\beta\\gamma\\delta\\epsilon\\varepsilon\\theta\\lambda\\mu\\pi\\sigma\\phi"
    "\\varphi\\omega", "\\Gamma\\Delta\\Theta\\Lambda\\Sigma\\Phi\\Psi\\Omega",
    "a \\cdot b \\times c \\pm d", "a \\le b \\ge c \\ne d \\approx e \\equiv f",
    "a \\leftarrow b \\rightarrow c \\Rightarrow d \\to e \\mapsto f", "\\partial \\nabla \\infty",
    "\\log x", "\\exp x", "\\ln x", "\\sin x", "\\cos x", "\\tan x", "\\max_x f", "\\min_x f",
    "\\arg x", "\\sup_n a_n", "\\inf_n a_n", "\\lim_{n\\to\\infty} a_n", "\\det A",
    "\\operatorname{ReLU}(z)", "\\operatorname*{argmax}_x f",
    "\\text{if } x", "\\mathrm{d}x", "\\mathit{x}", "\\mathbf{w}", "\\mathbb{R}", "\\mathsf{A}",
    "\\left( x \\right)", "\\left[ x \\right]", "\\left\\{ x \\right\\}", "\\left| x \\right|",
    "\\left\\langle x \\right\\rangle", "\\left. x \\right|", "\\left\\lVert x \\right\\rVert",
    "\\left( a \\middle| b \\right)", "\\left( \\frac{a}{b} \\right)",
    "\\bigl( x \\bigr)", "\\Bigl( x \\Bigr)", "\\biggl( x \\biggr)", "\\Biggl( x \\Biggr)",
    "\\big( \\Big( \\bigg( \\Bigg(", "\\bigm| x", "\\Bigm|",
    "a\\,b\\:c\\>d\\;e\\!f\\quad g\\qquad h~i\\ j",
    "\\displaystyle \\frac{a}{b}", "\\textstyle \\sum_i x_i",
    "\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}",
    "\\begin{matrix} a & b \\\\ c & d \\end{matrix}",
    "\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}",
    "\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}",
    "\\begin{Bmatrix} a \\\\ b \\end{Bmatrix}", "\\begin{vmatrix} a & b \\end{vmatrix}",
    "\\begin{Vmatrix} a & b \\\\ c & d \\\\ \\end{Vmatrix}",
    "\\{ \\} \\$ \\% \\# \\& \\_",
    "L \\;=\\; -\\frac{1}{n}\\sum_{i=1}^{n}\\Bigl[\\,y_i\\log\\hat y_i + (1-y_i)\\log(1-\\hat y_i)"
    "\\,\\Bigr]",
};

/* ---- parser: every construct -------------------------------------------- */

static void every_listed_construct_parses(void)
{
    for (size_t i = 0; i < COUNT(constructs); i++) {
        expect_ok_at(constructs[i], 0, __LINE__);
        struct math_error err = {0};
        struct mnode *n = mnode_parse(constructs[i], strlen(constructs[i]), 0, &err);
        CHECK(n != NULL && n->kind == MN_LIST);
        mnode_free(n);
    }
}

static void characters_get_their_code_point_and_class(void)
{
    struct mnode *r = parse("x", 0);
    struct mnode *n = sole(r);
    CHECK(n && n->kind == MN_CHAR && n->cp == 'x' && n->cls == MC_ORD && n->variant == MV_NORMAL);
    mnode_free(r);

    r = parse("a-b", 0);        /* a hyphen becomes a minus sign, a Bin */
    CHECK(r && r->nkids == 3 && r->kids[1]->cp == 0x2212 && r->kids[1]->cls == MC_BIN);
    mnode_free(r);

    r = parse("a=(b)", 0);
    CHECK(r && r->nkids == 5 && r->kids[1]->cls == MC_REL && r->kids[2]->cls == MC_OPEN &&
          r->kids[4]->cls == MC_CLOSE);
    mnode_free(r);

    r = parse("\\alpha\\Gamma\\le\\cdot", 0);
    CHECK(r && r->nkids == 4);
    if (r && r->nkids == 4) {
        CHECK(r->kids[0]->cp == 0x03B1 && r->kids[0]->cls == MC_ORD);
        CHECK(r->kids[1]->cp == 0x0393);
        CHECK(r->kids[2]->cp == 0x2264 && r->kids[2]->cls == MC_REL);
        CHECK(r->kids[3]->cp == 0x22C5 && r->kids[3]->cls == MC_BIN);
    }
    mnode_free(r);

    r = parse("\xe2\x88\x80", 0);   /* U+2200 typed directly */
    n = sole(r);
    CHECK(n && n->kind == MN_CHAR && n->cp == 0x2200);
    mnode_free(r);
}

static void fractions_roots_and_scripts_build_their_nodes(void)
{
    struct mnode *r = parse("\\frac{a}{b}", 0), *n = sole(r);
    CHECK(n && n->kind == MN_FRAC && n->rule == 1 && n->style == -1 && n->a[0] && n->a[1]);
    mnode_free(r);
    r = parse("\\dfrac ab", 0), n = sole(r);
    CHECK(n && n->kind == MN_FRAC && n->style == 0 && n->a[0]->cp == 'a' && n->a[1]->cp == 'b');
    mnode_free(r);
    r = parse("\\tfrac{a}{b}", 0), n = sole(r);
    CHECK(n && n->kind == MN_FRAC && n->style == 1);
    mnode_free(r);
    r = parse("\\binom{n}{k}", 0), n = sole(r);
    CHECK(n && n->kind == MN_FRAC && n->rule == 0);
    mnode_free(r);

    r = parse("\\sqrt{x}", 0), n = sole(r);
    CHECK(n && n->kind == MN_SQRT && n->a[0] && !n->a[1]);
    mnode_free(r);
    r = parse("\\sqrt[3]{x}", 0), n = sole(r);
    CHECK(n && n->kind == MN_SQRT && n->a[0] && n->a[1] && n->a[1]->kind == MN_LIST &&
          n->a[1]->nkids == 1 && n->a[1]->kids[0]->cp == '3');
    mnode_free(r);

    r = parse("x_i^2", 0), n = sole(r);
    CHECK(n && n->kind == MN_SCRIPTS && n->a[0]->cp == 'x' && n->a[1]->cp == '2' &&
          n->a[2]->cp == 'i');
    mnode_free(r);
    r = parse("^2", 0), n = sole(r);     /* a script on an empty nucleus */
    CHECK(n && n->kind == MN_SCRIPTS && !n->a[0] && n->a[1]);
    mnode_free(r);
    r = parse("x''^2", 0), n = sole(r);  /* primes then ^: one superscript */
    CHECK(n && n->kind == MN_SCRIPTS && n->a[1] && n->a[1]->kind == MN_LIST &&
          n->a[1]->nkids == 3 && n->a[1]->kids[0]->cp == 0x2032 &&
          n->a[1]->kids[1]->cp == 0x2032 && n->a[1]->kids[2]->cp == '2');
    mnode_free(r);
}

static void operators_accents_and_fonts_build_their_nodes(void)
{
    struct mnode *r = parse("\\sum", 0), *n = sole(r);
    CHECK(n && n->kind == MN_LARGEOP && n->cp == 0x2211 && n->limits == -1 && n->cls == MC_OP);
    mnode_free(r);
    r = parse("\\int", 0), n = sole(r);
    CHECK(n && n->kind == MN_LARGEOP && n->cp == 0x222B && n->limits == 0);
    mnode_free(r);
    r = parse("\\sum\\nolimits_i", 0), n = sole(r);
    CHECK(n && n->kind == MN_SCRIPTS && n->a[0]->kind == MN_LARGEOP && n->a[0]->limits == 0);
    mnode_free(r);
    r = parse("\\int\\limits_0^1", 0), n = sole(r);
    CHECK(n && n->kind == MN_SCRIPTS && n->a[0]->limits == 1);
    mnode_free(r);

    r = parse("\\log", 0), n = sole(r);
    CHECK(n && n->kind == MN_FUNC && n->text && strcmp(n->text, "log") == 0 && n->limits == 0);
    mnode_free(r);
    r = parse("\\max", 0), n = sole(r);
    CHECK(n && n->kind == MN_FUNC && n->limits == -1);
    mnode_free(r);
    r = parse("\\operatorname{ReLU}", 0), n = sole(r);
    CHECK(n && n->kind == MN_FUNC && n->text && strcmp(n->text, "ReLU") == 0 && n->limits == 0);
    mnode_free(r);
    r = parse("\\operatorname*{argmax}", 0), n = sole(r);
    CHECK(n && n->kind == MN_FUNC && n->limits == -1);
    mnode_free(r);

    r = parse("\\hat x", 0), n = sole(r);
    CHECK(n && n->kind == MN_ACCENT && n->cp == 0x0302 && !n->wide && n->a[0]->cp == 'x');
    mnode_free(r);
    r = parse("\\widetilde{xy}", 0), n = sole(r);
    CHECK(n && n->kind == MN_ACCENT && n->cp == 0x0303 && n->wide);
    mnode_free(r);
    r = parse("\\underline{x}", 0), n = sole(r);
    CHECK(n && n->kind == MN_ACCENT && n->cp == 0 && n->under);
    mnode_free(r);
    r = parse("\\overline{x}", 0), n = sole(r);
    CHECK(n && n->kind == MN_ACCENT && n->cp == 0 && !n->under);
    mnode_free(r);

    r = parse("\\text{a \\{b\\} c}", 0), n = sole(r);
    CHECK(n && n->kind == MN_TEXT && n->font == MATH_FONT_TEXT && n->text &&
          strcmp(n->text, "a {b} c") == 0);
    mnode_free(r);
    r = parse("\\textbf{w}", 0), n = sole(r);
    CHECK(n && n->kind == MN_TEXT && n->font == MATH_FONT_TEXT_BOLD);
    mnode_free(r);
    r = parse("\\mathbb R", 0), n = sole(r);
    CHECK(n && n->kind == MN_CHAR && n->cp == 'R' && n->variant == MV_BB);
    mnode_free(r);
    r = parse("\\mathbf{w}", 0), n = sole(r);
    CHECK(n && n->kind == MN_LIST && n->nkids == 1 && n->kids[0]->variant == MV_BOLD);
    mnode_free(r);
    r = parse("\\mathrm{d}\\mathit{x}\\mathsf{A}", 0);
    CHECK(r && r->nkids == 3 && r->kids[0]->kids[0]->variant == MV_ROMAN &&
          r->kids[1]->kids[0]->variant == MV_ITALIC && r->kids[2]->kids[0]->variant == MV_SANS);
    mnode_free(r);
}

static void delimiters_spaces_styles_and_arrays_build_their_nodes(void)
{
    struct mnode *r = parse("\\left( a \\middle| b \\right]", 0), *n = sole(r);
    CHECK(n && n->kind == MN_FENCED && n->cp == '(' && n->cp2 == ']' && n->a[0] &&
          n->a[0]->nkids == 3 && n->a[0]->kids[1]->kind == MN_DELIM &&
          n->a[0]->kids[1]->size == 0 && n->a[0]->kids[1]->cp == '|');
    mnode_free(r);
    r = parse("\\left. x \\right\\rVert", 0), n = sole(r);
    CHECK(n && n->kind == MN_FENCED && n->cp == 0 && n->cp2 == 0x2016);
    mnode_free(r);

    static const struct { const char *src; int size; enum mclass cls; } bigs[] = {
        {"\\bigl(", 1, MC_OPEN}, {"\\bigr)", 1, MC_CLOSE}, {"\\Bigl[", 2, MC_OPEN},
        {"\\biggr]", 3, MC_CLOSE}, {"\\Biggl\\{", 4, MC_OPEN}, {"\\big|", 1, MC_ORD},
        {"\\Bigm|", 2, MC_REL},
    };
    for (size_t i = 0; i < COUNT(bigs); i++) {
        r = parse(bigs[i].src, 0), n = sole(r);
        CHECK(n && n->kind == MN_DELIM && n->size == bigs[i].size && n->cls == bigs[i].cls);
        mnode_free(r);
    }

    static const struct { const char *src; double em; } spaces[] = {
        {"\\,", 3 / 18.0}, {"\\:", 4 / 18.0}, {"\\>", 4 / 18.0}, {"\\;", 5 / 18.0},
        {"\\!", -3 / 18.0}, {"\\quad", 1}, {"\\qquad", 2}, {"~", 0.333}, {"\\ ", 0.333},
    };
    for (size_t i = 0; i < COUNT(spaces); i++) {
        r = parse(spaces[i].src, 0), n = sole(r);
        CHECK(n && n->kind == MN_SPACE);
        if (n)
            CHECK_NEAR(n->em, spaces[i].em, 1e-12);
        mnode_free(r);
    }

    r = parse("\\displaystyle x \\textstyle y", 0);
    CHECK(r && r->nkids == 4 && r->kids[0]->kind == MN_STYLE && r->kids[0]->style == 0 &&
          r->kids[2]->kind == MN_STYLE && r->kids[2]->style == 1);
    mnode_free(r);

    static const struct { const char *name; enum menv env; } envs[] = {
        {"cases", ME_CASES}, {"matrix", ME_MATRIX}, {"pmatrix", ME_PMATRIX},
        {"bmatrix", ME_BMATRIX}, {"Bmatrix", ME_BBMATRIX}, {"vmatrix", ME_VMATRIX},
        {"Vmatrix", ME_VVMATRIX},
    };
    for (size_t i = 0; i < COUNT(envs); i++) {
        char src[128];
        snprintf(src, sizeof src, "\\begin{%s} a & b \\\\ c & d \\end{%s}", envs[i].name,
                 envs[i].name);
        r = parse(src, 0), n = sole(r);
        CHECK(n && n->kind == MN_ARRAY && n->env == envs[i].env && n->rows == 2 &&
              n->cols == 2 && n->nkids == 4);
        mnode_free(r);
    }
    /* a trailing \\ does not start a row */
    r = parse("\\begin{matrix} a \\\\ b \\\\ \\end{matrix}", 0), n = sole(r);
    CHECK(n && n->kind == MN_ARRAY && n->rows == 2 && n->cols == 1 && n->nkids == 2);
    mnode_free(r);
}

/* ---- parser: errors ----------------------------------------------------- */

static void unknown_command_is_named_at_its_backslash(void)
{
    EXPECT_ERROR("\\alpha + \\mathscr{L}", 9, "unknown command '\\mathscr'");
    EXPECT_ERROR("\\frac{a}{\\foo}", 9, "unknown command '\\foo'");
    EXPECT_ERROR("x \\@", 2, "unknown command '\\@'");
    /* a typo of a known command is still unknown, not its prefix */
    EXPECT_ERROR("\\alphax", 0, "unknown command '\\alphax'");
}

static void unbalanced_braces_are_errors_at_the_brace(void)
{
    EXPECT_ERROR("{x", 0, "unclosed '{'");
    EXPECT_ERROR("a + {b + {c}", 4, "unclosed '{'");
    EXPECT_ERROR("x}", 1, "unbalanced '}'");
    EXPECT_ERROR("{a}}b", 3, "unbalanced '}'");
    EXPECT_ERROR("\\text{abc", 5, "unclosed '{' after \\text");
    EXPECT_ERROR("\\text abc", 0, "\\text needs its text in braces");
}

static void left_and_right_must_pair(void)
{
    EXPECT_ERROR("a \\right)", 2, "\\right without a \\left");
    EXPECT_ERROR("\\left( x \\right) \\right)", 17, "\\right without a \\left");
    EXPECT_ERROR("\\left( x \\right", 9, "\\right needs a delimiter");

    /* an unclosed \left is reported at the \left, the innermost one */
    EXPECT_ERROR("\\left( x", 0, "\\left without a \\right after it");
    EXPECT_ERROR("\\left\\langle x", 0, "\\left without a \\right");
    EXPECT_ERROR("a + \\left[ x", 4, "\\left without a \\right");
    EXPECT_ERROR("\\left( \\left[ x \\right]", 0, "\\left without a \\right");
    EXPECT_ERROR("\\left( a \\left[ x", 9, "\\left without a \\right");
}

static void bad_delimiters_are_named(void)
{
    EXPECT_ERROR("\\left\\foo x \\right)", 5, "'\\foo' is not a delimiter \\left can take");
    EXPECT_ERROR("\\left x \\right)", 6, "'x' is not a delimiter \\left can take");
    EXPECT_ERROR("\\left( x \\right a", 16, "'a' is not a delimiter \\right can take");
    EXPECT_ERROR("\\bigl x", 6, "'x' is not a delimiter \\bigl can take");
    EXPECT_ERROR("\\left", 0, "\\left needs a delimiter");
}

static void scripts_are_checked(void)
{
    EXPECT_ERROR("x^a^b", 3, "double superscript");
    EXPECT_ERROR("x_a_b", 3, "double subscript");
    EXPECT_ERROR("x_a^b_c", 5, "double subscript");
    EXPECT_ERROR("x^", 1, "^ needs an argument");
    EXPECT_ERROR("x_}", 1, "_ needs an argument");
    EXPECT_ERROR("x^2'", 3, "a prime after a superscript");
    EXPECT_ERROR("'x", 0, "a prime needs something before it");
    EXPECT_ERROR("x\\limits", 1, "\\limits must follow an operator");
    EXPECT_ERROR("\\nolimits", 0, "\\nolimits must follow an operator");
}

static void environments_are_checked(void)
{
    EXPECT_ERROR("a & b", 2, "'&' outside \\begin");
    EXPECT_ERROR("a \\\\ b", 2, "'\\\\' outside \\begin");
    EXPECT_ERROR("x \\end{matrix}", 2, "'\\end' outside \\begin");
    EXPECT_ERROR("x + \\begin{foo} a \\end{foo}", 4, "unknown environment 'foo'");
    EXPECT_ERROR("\\begin{cases} a \\end{matrix}", 16,
                 "\\begin{cases} is ended by \\end{matrix}");
    EXPECT_ERROR("\\begin{matrix} a & b \\\\ c \\end{matrix}", 26,
                 "row 2 of \\begin{matrix} has 1 cell, row 1 has 2");
    EXPECT_ERROR("\\begin{pmatrix} a \\\\ b & c \\\\ d \\end{pmatrix}", 27,
                 "row 2 of \\begin{pmatrix} has 2 cells, row 1 has 1");
    EXPECT_ERROR("\\begin{cases} a & b & c \\end{cases}", 0, "at most 2 columns");
    EXPECT_ERROR("\\begin{bmatrix} a & b", 0, "\\begin{bmatrix} has no \\end{bmatrix}");
    EXPECT_ERROR("\\begin matrix", 0, "\\begin needs its text in braces");
}

static void missing_arguments_are_errors_at_the_command(void)
{
    EXPECT_ERROR("\\frac{1}", 0, "\\frac needs an argument");
    EXPECT_ERROR("a + \\frac", 4, "\\frac needs an argument");
    EXPECT_ERROR("\\frac{1}{}^", 10, "^ needs an argument");
    EXPECT_ERROR("\\binom{n}", 0, "\\binom needs an argument");
    EXPECT_ERROR("\\sqrt", 0, "\\sqrt needs an argument");
    EXPECT_ERROR("\\hat", 0, "\\hat needs an argument");
    EXPECT_ERROR("\\mathbb", 0, "\\mathbb needs an argument");
    EXPECT_ERROR("\\sqrt[3", 5, "unclosed '[' of \\sqrt");
    EXPECT_ERROR("x + \\sqrt[3{x}", 9, "unclosed '[' of \\sqrt");
    /* An argument missing before \right, \end or \\ is reported as
     * missing, not as a stray closer. */
    static const struct { const char *src; size_t pos; } before_closer[] = {
        {"\\left( \\frac{a} \\right)", 7},
        {"\\begin{matrix} a \\frac \\end{matrix}", 17},
        {"\\begin{matrix} \\sqrt \\\\ b \\end{matrix}", 15},
    };
    for (size_t i = 0; i < COUNT(before_closer); i++) {
        struct math_error err = {0};
        const char *src = before_closer[i].src;
        CHECK(math_check(src, strlen(src), 0, &err) != 0);
        CHECK(err.pos == before_closer[i].pos);
        CHECK(strstr(err.msg, "needs an argument") != NULL);
    }
}

static void tex_specials_and_bad_bytes_are_errors(void)
{
    EXPECT_ERROR("50%", 2, "'%' starts a comment");
    EXPECT_ERROR("a # b", 2, "'#' in a formula");
    EXPECT_ERROR("a $ b", 2, "'$' in a formula");
    EXPECT_ERROR("a\\", 1, "a formula cannot end with a backslash");
    EXPECT_ERROR("\\frac{a}{b}\\", 11, "a formula cannot end with a backslash");
    EXPECT_ERROR("a \\right", 2, "\\right without");
    EXPECT_ERROR("x \xff y", 2, "cannot be typed in a formula");     /* not UTF-8 */
    EXPECT_ERROR("x \\ \x01", 4, "control character 0x01");
    expect_error_at("ab\0c", 4, 0, 2, "NUL byte", __LINE__);
    /* the escaped forms are fine */
    EXPECT_OK("50\\% \\# \\$ \\&");
}

static void deep_nesting_is_an_error_not_a_crash(void)
{
    char buf[1024];
    size_t k = 0;
    for (int i = 0; i < 200; i++)
        buf[k++] = '{';
    buf[k++] = 'x';
    for (int i = 0; i < 200; i++)
        buf[k++] = '}';
    buf[k] = '\0';
    struct math_error err = {0};
    CHECK(math_check(buf, k, 0, &err) != 0);
    CHECK(strstr(err.msg, "nested too deeply") != NULL);
    CHECK(err.pos > 0 && err.pos < 200 && buf[err.pos] == '{');

    /* shallow nesting of every kind is fine */
    EXPECT_OK("{{{{{{{{{{x}}}}}}}}}}");
    EXPECT_OK("x^{x^{x^{x^{x^{x}}}}}");
    EXPECT_OK("\\frac{\\frac{\\frac{\\frac{a}{b}}{c}}{d}}{e}");
    EXPECT_OK("\\left(\\left(\\left(\\left( x \\right)\\right)\\right)\\right)");

    /* deep, through every route: each gives an error, none crashes */
    static const char *const parts[][2] = {
        {"\\left(", "\\right)"}, {"\\sqrt{", "}"}, {"x^{", "}"}, {"\\frac{", "}{y}"},
        {"\\begin{matrix}", "\\end{matrix}"},
    };
    for (size_t p = 0; p < COUNT(parts); p++) {
        char deep[8192];
        size_t n = 0;
        for (int i = 0; i < 200; i++)
            n += (size_t)snprintf(deep + n, sizeof deep - n, "%s", parts[p][0]);
        n += (size_t)snprintf(deep + n, sizeof deep - n, "x");
        for (int i = 0; i < 200 && n < sizeof deep - 16; i++)
            n += (size_t)snprintf(deep + n, sizeof deep - n, "%s", parts[p][1]);
        memset(&err, 0, sizeof err);
        int rc = math_check(deep, n, 0, &err);
        CHECK(rc != 0);
        if (rc != 0 && !strstr(err.msg, "nested too deeply") && !strstr(err.msg, "too long"))
            fprintf(stderr, "  (%s...: \"%s\")\n", parts[p][0], err.msg);
    }
}

static void commands_nested_without_braces_are_not_dropped(void)
{
    /* \hat\hat...x and \frac1\frac1...x nest without braces: deeper than
     * the limit is an error, never a layout that silently drops the x. */
    static const char *const heads[] = {"\\hat ", "\\frac1", "\\sqrt ", "\\overline "};
    for (size_t h = 0; h < COUNT(heads); h++) {
        char buf[8192];
        size_t n = 0;
        for (int i = 0; i < 300; i++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", heads[h]);
        buf[n++] = 'x';
        buf[n] = '\0';
        struct math_error err = {0};
        int rc = math_check(buf, n, 0, &err);
        struct math_box *b = rc == 0 ? math_layout(buf, n, 1, &err) : NULL;
        int has_x = 0;
        const struct mfont *f = mfont_get();
        unsigned gx = f ? mfont_glyph(f, MATH_FONT_MATH, 0x1D465) : 0;
        for (int i = 0; b && i < b->n; i++)
            has_x |= b->items[i].kind == MATH_GLYPH && b->items[i].glyph == gx;
        CHECK(rc != 0 || has_x);
        math_box_free(b);
    }
}

static void long_input_is_bounded(void)
{
    size_t n = 8192;
    char *buf = malloc(n + 2);
    CHECK(buf != NULL);
    if (!buf)
        return;
    for (size_t i = 0; i < n; i++)
        buf[i] = i % 2 ? '+' : 'x';
    buf[n - 1] = 'x';
    struct math_error err = {0};
    CHECK(math_check(buf, n, 0, &err) == 0);
    struct math_box *b = math_layout(buf, n, 0, &err);
    CHECK(b && b->n == (int)n && isfinite(b->width));
    math_box_free(b);
    buf[n] = 'x';
    expect_error_at(buf, n + 1, 0, 0, "formula too long (8193 bytes; at most 8192)", __LINE__);
    free(buf);
}

/* ---- parser: value fields ------------------------------------------------ */

static void value_fields_are_numbers_and_command_braces_groups(void)
{
    const char *src = "\\hat y = {w:.2f}x + {b:.2f}";
    EXPECT_OK_FIELDS(src);
    struct mnode *r = parse(src, MATH_FIELDS);
    size_t pos = (size_t)-1;
    CHECK(count_kind(r, MN_FIELD, &pos) == 2);
    CHECK(pos == 9);
    /* \hat y, =, field, x, +, field */
    CHECK(r && r->nkids == 6 && r->kids[2]->kind == MN_FIELD && r->kids[2]->pos == 9 &&
          r->kids[5]->kind == MN_FIELD && r->kids[5]->pos == 20);
    mnode_free(r);
    /* without the flag the same braces are TeX groups */
    r = parse(src, 0);
    CHECK(count_kind(r, MN_FIELD, NULL) == 0);
    mnode_free(r);

    r = parse("\\frac{1}{n}", MATH_FIELDS);
    struct mnode *n = sole(r);
    CHECK(count_kind(r, MN_FIELD, NULL) == 0);
    CHECK(n && n->kind == MN_FRAC && n->a[0]->kind == MN_LIST && n->a[0]->kids[0]->cp == '1' &&
          n->a[1]->kind == MN_LIST && n->a[1]->kids[0]->cp == 'n');
    mnode_free(r);

    src = "x^{2} + \\sqrt[3]{y} = {v}";
    r = parse(src, MATH_FIELDS);
    pos = (size_t)-1;
    CHECK(count_kind(r, MN_FIELD, &pos) == 1 && pos == (size_t)(strrchr(src, '{') - src));
    mnode_free(r);

    EXPECT_ERROR_FIELDS("y = {w:.2f", 4, "unclosed '{' of a value field");
    EXPECT_ERROR_FIELDS("y = {a{b}}", 4, "unclosed '{' of a value field");
}

static void brace_is_group_after_commands_scripts_and_braces_only(void)
{
    static const struct { const char *src; size_t i; int group; } cases[] = {
        {"\\frac{1}{n}", 5, 1},         /* after a command */
        {"\\frac{1}{n}", 8, 1},         /* after } */
        {"x^{2}", 2, 1},
        {"x_{i}", 2, 1},
        {"{{a}}", 1, 1},                /* after { */
        {"\\sqrt[3]{x}", 8, 1},         /* after ] */
        {"\\alpha{x}", 6, 1},
        {"y = {w}", 4, 0},              /* after a space */
        {"= {w}", 2, 0},
        {"x{w}", 1, 0},                 /* after a letter */
        {"2{w}", 1, 0},                 /* after a digit */
        {"{w}", 0, 0},                  /* at the start */
        {"a\\\\{w}", 3, 0},             /* after \\, a line break */
        {"a\\\\x{w}", 4, 0},            /* a letter after a line break is no command */
        {"a\\\\\\frac{1}", 8, 1},       /* \\ then \frac */
        {"\\\\\\\\x{w}", 5, 0},         /* two line breaks, then x */
    };
    for (size_t k = 0; k < COUNT(cases); k++) {
        int got = math_brace_is_group(cases[k].src, cases[k].i);
        if (cases[k].src[cases[k].i] != '{' || got != cases[k].group) {
            fprintf(stderr, "%s:%d: check failed: math_brace_is_group(\"%s\", %zu) = %d, "
                    "expected %d\n", __FILE__, __LINE__, cases[k].src, cases[k].i, got,
                    cases[k].group);
            check_failures_in_test++;
        }
    }
}

/* ---- $...$ in text -------------------------------------------------------- */

static void text_splits_into_plain_and_formula_segments(void)
{
    const char *t = "a $x$ b";
    size_t pos = 0;
    struct math_segment s[4];
    int n = 0;
    while (n < 4 && math_text_next(t, &pos, &s[n]))
        n++;
    CHECK(n == 3);
    if (n == 3) {
        CHECK(!s[0].math && s[0].start == 0 && s[0].len == 2);
        CHECK(s[1].math && s[1].start == 3 && s[1].len == 1);
        CHECK(!s[2].math && s[2].start == 5 && s[2].len == 2);
    }
    CHECK(math_text_has(t));
    CHECK(!math_text_has("no formula"));
    CHECK(!math_text_has(NULL));
    struct math_error err = {0};
    CHECK(math_text_check(t, 0, &err) == 0);

    /* two formulas side by side */
    t = "$a$$b$";
    pos = 0;
    n = 0;
    while (n < 4 && math_text_next(t, &pos, &s[n]))
        n++;
    CHECK(n == 2 && s[0].math && s[0].start == 1 && s[1].math && s[1].start == 4);
}

static void escaped_dollar_is_literal(void)
{
    const char *t = "cost \\$5 and $x^2$";
    size_t pos = 0;
    struct math_segment s[4];
    int n = 0;
    while (n < 4 && math_text_next(t, &pos, &s[n]))
        n++;
    CHECK(n == 2);
    if (n == 2) {
        CHECK(!s[0].math && s[0].start == 0 && s[0].len == 13);   /* "\$" kept escaped */
        CHECK(s[1].math && s[1].start == 14 && s[1].len == 3);
    }
    CHECK(math_text_has("only \\$5"));
    struct math_error err = {0};
    CHECK(math_text_check("only \\$5", 0, &err) == 0);
    /* inside a formula "\$" is TeX's dollar and does not close it */
    t = "$a \\$ b$ c";
    pos = 0;
    CHECK(math_text_next(t, &pos, &s[0]) && s[0].math && s[0].start == 1 && s[0].len == 6);
    CHECK(math_text_check(t, 0, &err) == 0);
}

static void double_dollars_are_a_display_formula(void)
{
    const char *t = "$$\\sum_i x$$ and $y$";
    size_t pos = 0;
    struct math_segment s[4];
    int n = 0;
    while (n < 4 && math_text_next(t, &pos, &s[n]))
        n++;
    CHECK(n == 3);
    if (n == 3) {
        CHECK(s[0].math && s[0].display && s[0].closed && s[0].start == 2 && s[0].len == 8);
        CHECK(!s[1].math && s[1].start == 12 && s[1].len == 5);
        CHECK(s[2].math && !s[2].display && s[2].closed && s[2].start == 18 && s[2].len == 1);
    }
    struct math_error err = {0};
    CHECK(math_text_check(t, 0, &err) == 0);
}

static void unclosed_and_empty_formulas_are_errors_at_their_dollar(void)
{
    struct math_error err = {0};
    CHECK(math_text_check("a $x + y", 0, &err) != 0);
    CHECK(err.pos == 2 && strstr(err.msg, "unclosed '$'"));
    memset(&err, 0, sizeof err);
    CHECK(math_text_check("$a$ and $b", 0, &err) != 0);
    CHECK(err.pos == 8 && strstr(err.msg, "unclosed '$'"));
    /* "$$" opens a display formula: alone, it is an unclosed one */
    memset(&err, 0, sizeof err);
    CHECK(math_text_check("a $$ b", 0, &err) != 0);
    CHECK(err.pos == 2 && strstr(err.msg, "unclosed '$$'"));
    memset(&err, 0, sizeof err);
    CHECK(math_text_check("x $$y$ z", 0, &err) != 0);
    CHECK(err.pos == 2 && strstr(err.msg, "unclosed '$$'"));
    /* nothing (or only spaces) between the dollars */
    memset(&err, 0, sizeof err);
    CHECK(math_text_check("a $$$$ b", 0, &err) != 0);
    CHECK(err.pos == 2 && strstr(err.msg, "empty formula"));
    /* pandoc's rule: a '$' before a space opens nothing, and one after a
     * space closes nothing, so prices stay prices */
    CHECK(math_text_check("a $ $ b", 0, &err) == 0);
    CHECK(math_text_check("costs $ 5, or $ 7", 0, &err) == 0);
    memset(&err, 0, sizeof err);
    CHECK(math_text_check("It costs $5 and then $10 more", 0, &err) != 0);
    CHECK(err.pos == 9 && strstr(err.msg, "unclosed '$'"));
    {
        size_t p2 = 0;
        struct math_segment s2;
        CHECK(math_text_next("$x$ and $a $b$", &p2, &s2) && s2.math && s2.closed && s2.len == 1);
        CHECK(math_text_next("$x$ and $a $b$", &p2, &s2) && !s2.math);
        CHECK(math_text_next("$x$ and $a $b$", &p2, &s2) && s2.math && s2.closed &&
              s2.start == 9 && s2.len == 4);     /* "a $b": the '$' after a space went on */
    }
    /* an unclosed $ makes the rest one formula */
    size_t pos = 2;
    struct math_segment s;
    CHECK(math_text_next("a $x", &pos, &s) && s.math && !s.closed && s.start == 3 &&
          s.len == 1 && pos == 4);
    CHECK(!math_text_next("a $x", &pos, &s));
}

static void formula_errors_are_offsets_into_the_whole_text(void)
{
    struct math_error err = {0};
    const char *t = "$x$ and $\\foo$";
    CHECK(math_text_check(t, 0, &err) != 0);
    CHECK(err.pos == 9 && strstr(err.msg, "unknown command '\\foo'"));
    memset(&err, 0, sizeof err);
    t = "loss $L = \\frac{1}{n}$, then $x^a^b$";
    CHECK(math_text_check(t, 0, &err) != 0);
    CHECK(err.pos == (size_t)(strstr(t, "^b$") - t) && strstr(err.msg, "double superscript"));
    /* flags reach the formulas */
    memset(&err, 0, sizeof err);
    CHECK(math_text_check("w = ${w:.2f}$", MATH_FIELDS, &err) == 0);
    CHECK(math_text_check("w = ${w:.2f$", MATH_FIELDS, &err) != 0);
    CHECK(err.pos == 5 && strstr(err.msg, "value field"));
}

/* ---- layout helpers --------------------------------------------------------- */

static const struct mfont *font(void)
{
    const struct mfont *f = mfont_get();
    if (!f) {
        fprintf(stderr, "%s:%d: check failed: the math fonts are not loaded\n", __FILE__,
                __LINE__);
        check_failures_in_test++;
    }
    return f;
}

static struct math_box *lay(const char *src, int display)
{
    struct math_error err = {0};
    struct math_box *b = math_layout(src, strlen(src), display, &err);
    if (!b) {
        fprintf(stderr, "%s:%d: check failed: layout of \"%s\": %s (at %zu)\n", __FILE__,
                __LINE__, src, err.msg, err.pos);
        check_failures_in_test++;
    }
    return b;
}

static double width_of(const char *src, int display)
{
    struct math_box *b = lay(src, display);
    double w = b ? b->width : NAN;
    math_box_free(b);
    return w;
}

static double total_height(const char *src, int display)
{
    struct math_box *b = lay(src, display);
    double h = b ? b->ascent + b->descent : NAN;
    math_box_free(b);
    return h;
}

/* The math font's glyph of a code point. */
static unsigned gid(const struct mfont *f, uint32_t cp)
{
    return mfont_glyph(f, MATH_FONT_MATH, cp);
}

/* The k-th (0-based) item of b drawing glyph g of the math font; NULL if none. */
static const struct math_item *find(const struct math_box *b, unsigned g, int k)
{
    for (int i = 0; b && i < b->n; i++)
        if (b->items[i].kind == MATH_GLYPH && b->items[i].font == MATH_FONT_MATH &&
            b->items[i].glyph == g && k-- == 0)
            return &b->items[i];
    return NULL;
}

/* An item's ink, in the box's em: x0..x1 horizontally (advance), bottom..top. */
struct ink {
    double x0, x1, bottom, top;
};

static struct ink ink_of(const struct mfont *f, const struct math_item *m)
{
    struct ink k;
    if (m->kind == MATH_RULE) {
        k.x0 = m->x, k.x1 = m->x + m->w, k.bottom = m->y, k.top = m->y + m->h;
        return k;
    }
    struct mglyph g;
    mfont_metrics(f, m->font, m->glyph, &g);
    k.x0 = m->x;
    k.x1 = m->x + g.advance * m->scale;
    k.bottom = m->y - g.depth * m->scale;
    k.top = m->y + g.height * m->scale;
    return k;
}

static int all_finite(const struct math_box *b)
{
    if (!isfinite(b->width) || !isfinite(b->ascent) || !isfinite(b->descent))
        return 0;
    for (int i = 0; i < b->n; i++) {
        const struct math_item *m = &b->items[i];
        if (!isfinite(m->x) || !isfinite(m->y))
            return 0;
        if (m->kind == MATH_RULE && (!isfinite(m->w) || !isfinite(m->h)))
            return 0;
        if (m->kind == MATH_GLYPH && !(isfinite(m->scale) && m->scale > 0))
            return 0;
    }
    return 1;
}

/* ---- layout: fractions ------------------------------------------------------ */

static void fraction_numerator_is_above_the_axis_and_denominator_below(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    const uint32_t num[] = {0x1D465, '+', '1'}, den[] = {0x1D466, 0x2212, '2'};
    for (int display = 0; display <= 1; display++) {
        struct math_box *b = lay("\\frac{x+1}{y-2}", display);
        if (!b)
            continue;
        double axis = MC(f, AXIS_HEIGHT);
        double t = MC(f, FRACTION_RULE_THICKNESS);
        CHECK(b->n == 7);
        int rules = 0;
        for (int i = 0; i < b->n; i++) {
            const struct math_item *m = &b->items[i];
            if (m->kind != MATH_RULE)
                continue;
            rules++;
            CHECK_NEAR(m->y + m->h / 2, axis, 1e-9);
            CHECK_NEAR(m->h, t, 1e-9);
            CHECK(m->x >= 0 && m->x + m->w <= b->width + 1e-9);
        }
        CHECK(rules == 1);
        double ngap = display ? MC(f, FRACTION_NUM_DISPLAY_STYLE_GAP_MIN)
                              : MC(f, FRACTION_NUMERATOR_GAP_MIN);
        double dgap = display ? MC(f, FRACTION_DENOM_DISPLAY_STYLE_GAP_MIN)
                              : MC(f, FRACTION_DENOMINATOR_GAP_MIN);
        for (int k = 0; k < 3; k++) {
            const struct math_item *n = find(b, gid(f, num[k]), 0);
            const struct math_item *d = find(b, gid(f, den[k]), 0);
            CHECK(n && d);
            if (!n || !d)
                continue;
            struct ink ni = ink_of(f, n), di = ink_of(f, d);
            CHECK(ni.bottom > axis + t / 2);
            CHECK(di.top < axis - t / 2);
            CHECK(ni.bottom - (axis + t / 2) >= ngap - 1e-9);
            CHECK((axis - t / 2) - di.top >= dgap - 1e-9);
            CHECK(ni.top <= b->ascent + 1e-9 && di.bottom >= -b->descent - 1e-9);
        }
        math_box_free(b);
    }
    /* display style sets a fraction bigger than inline */
    CHECK(total_height("\\frac{x+1}{y-2}", 1) > total_height("\\frac{x+1}{y-2}", 0));
    CHECK(total_height("\\dfrac{x}{y}", 0) > total_height("\\tfrac{x}{y}", 0));
}

/* ---- layout: scripts ---------------------------------------------------------- */

static void superscript_is_raised_and_scaled(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    struct math_box *b = lay("x^2", 0);
    if (!b)
        return;
    const struct math_item *x = find(b, gid(f, 0x1D465), 0), *two = find(b, gid(f, '2'), 0);
    CHECK(b->n == 2 && x && two);
    if (x && two) {
        CHECK(two->y >= MC(f, SUPERSCRIPT_SHIFT_UP) - 1e-9);
        CHECK_NEAR(two->scale, MC(f, SCRIPT_PERCENT_SCALE_DOWN), 1e-12);
        CHECK_NEAR(x->scale, 1, 1e-12);
        struct mglyph gx;
        mfont_metrics(f, MATH_FONT_MATH, x->glyph, &gx);
        /* after the x and its italic correction */
        CHECK_NEAR(two->x, x->x + gx.advance + gx.italic, 1e-9);
        CHECK(ink_of(f, two).top <= b->ascent + 1e-9);
    }
    math_box_free(b);
}

static void subscript_is_lowered(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    struct math_box *b = lay("x_i", 0);
    if (!b)
        return;
    const struct math_item *x = find(b, gid(f, 0x1D465), 0), *i = find(b, gid(f, 0x1D456), 0);
    CHECK(b->n == 2 && x && i);
    if (x && i) {
        CHECK(-i->y >= MC(f, SUBSCRIPT_SHIFT_DOWN) - 1e-9);
        CHECK_NEAR(i->scale, MC(f, SCRIPT_PERCENT_SCALE_DOWN), 1e-12);
        CHECK(ink_of(f, i).top <= MC(f, SUBSCRIPT_TOP_MAX) + 1e-9);
        CHECK(ink_of(f, i).bottom >= -b->descent - 1e-9);
        CHECK(i->x >= x->x);
    }
    math_box_free(b);
}

static void sub_and_superscript_keep_their_gap(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    const char *srcs[] = {"x_i^2", "x^2_i", "x_{j}^{2}", "\\beta_{\\text{g}}^{\\prime}"};
    for (size_t s = 0; s < COUNT(srcs); s++) {
        struct math_box *b = lay(srcs[s], 0);
        if (!b)
            continue;
        /* the scripts are the items at script scale; the lowest bottom of the
         * raised ones and the highest top of the lowered ones */
        double sup_bottom = INFINITY, sub_top = -INFINITY;
        int nsup = 0, nsub = 0;
        for (int i = 0; i < b->n; i++) {
            const struct math_item *m = &b->items[i];
            if (m->kind != MATH_GLYPH || m->scale > 0.99)
                continue;
            struct ink k = ink_of(f, m);
            if (m->y > 0)
                sup_bottom = fmin(sup_bottom, k.bottom), nsup++;
            else
                sub_top = fmax(sub_top, k.top), nsub++;
        }
        CHECK(nsup >= 1 && nsub >= 1);
        if (sup_bottom - sub_top < MC(f, SUB_SUPERSCRIPT_GAP_MIN) - 1e-9)
            fprintf(stderr, "  (%s: gap %.4f < %.4f)\n", srcs[s], sup_bottom - sub_top,
                    MC(f, SUB_SUPERSCRIPT_GAP_MIN));
        CHECK(sup_bottom - sub_top >= MC(f, SUB_SUPERSCRIPT_GAP_MIN) - 1e-9);
        math_box_free(b);
    }
}

static void scripts_have_no_binary_spacing(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    struct math_box *b = lay("x^{a+b}", 0);
    if (!b)
        return;
    const struct math_item *a = find(b, gid(f, 0x1D44E), 0), *p = find(b, gid(f, '+'), 0),
                           *bb = find(b, gid(f, 0x1D44F), 0);
    CHECK(a && p && bb);
    if (a && p && bb) {
        struct mglyph ga, gp;
        mfont_metrics(f, MATH_FONT_MATH, a->glyph, &ga);
        mfont_metrics(f, MATH_FONT_MATH, p->glyph, &gp);
        double s = MC(f, SCRIPT_PERCENT_SCALE_DOWN);
        CHECK_NEAR(p->x - a->x, ga.advance * s, 1e-9);
        CHECK_NEAR(bb->x - p->x, gp.advance * s, 1e-9);
    }
    math_box_free(b);
}

/* ---- layout: delimiters ---------------------------------------------------------- */

static void fenced_delimiters_grow_with_their_content(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    double small = total_height("\\left( x \\right)", 1);
    double big = total_height("\\left( \\frac{a}{b} \\right)", 1);
    double frac = total_height("\\frac{a}{b}", 1);
    CHECK(big > small);
    /* the parentheses reach at least TeX's 90.1% of the fraction */
    CHECK(big >= 0.901 * frac);
    CHECK(total_height("\\left( \\frac{\\frac{a}{b}}{c} \\right)", 1) > big);

    /* symmetric about the axis, like the delimiters */
    struct math_box *b = lay("\\left( \\frac{a}{b} \\right)", 1);
    if (b) {
        const struct math_item *l = &b->items[0];
        CHECK(l->kind == MATH_GLYPH && l->x == 0);
        struct ink k = ink_of(f, l);
        CHECK_NEAR((k.top + k.bottom) / 2, MC(f, AXIS_HEIGHT), 1e-6);
        math_box_free(b);
    }
    /* \middle grows with them */
    CHECK(total_height("\\left( \\frac{a}{b} \\middle| c \\right)", 1) >=
          total_height("\\left( \\frac{a}{b} \\right)", 1) - 1e-9);
}

static void big_delimiters_grow_in_steps(void)
{
    double plain = total_height("( x )", 0);
    double big = total_height("\\bigl( x \\bigr)", 0);
    double Big = total_height("\\Bigl( x \\Bigr)", 0);
    double bigg = total_height("\\biggl( x \\biggr)", 0);
    double Bigg = total_height("\\Biggl( x \\Biggr)", 0);
    CHECK(big > plain);
    CHECK(Big > big);
    CHECK(bigg > Big);
    CHECK(Bigg > bigg);
    CHECK(total_height("\\Bigl[ x \\Bigr]", 0) > total_height("\\bigl[ x \\bigr]", 0));
    /* \big does not depend on its content: the same glyph around a fraction */
    struct math_box *a = lay("\\bigl( x \\bigr)", 0), *b = lay("\\bigl( \\frac{a}{b} \\bigr)", 0);
    CHECK(a && b && a->n >= 1 && b->n >= 1 && a->items[0].glyph == b->items[0].glyph &&
          a->items[0].y == b->items[0].y);
    math_box_free(a);
    math_box_free(b);
}

/* ---- layout: large operators -------------------------------------------------- */

/* The item of b at full scale (the operator) in a formula whose other
 * glyphs are scripts. */
static const struct math_item *full_scale_item(const struct math_box *b)
{
    const struct math_item *op = NULL;
    for (int i = 0; i < b->n; i++)
        if (b->items[i].kind == MATH_GLYPH && b->items[i].scale > 0.99) {
            if (op)
                return NULL;
            op = &b->items[i];
        }
    return op;
}

static void display_sum_puts_limits_above_and_below_centred(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    struct math_box *b = lay("\\sum_{i=1}^n", 1);
    if (!b)
        return;
    const struct math_item *op = full_scale_item(b), *n = find(b, gid(f, 0x1D45B), 0);
    CHECK(op && n && b->n == 5);
    if (op && n) {
        struct mglyph go;
        mfont_metrics(f, MATH_FONT_MATH, op->glyph, &go);
        /* the display variant, not the text glyph */
        CHECK(op->glyph != gid(f, 0x2211));
        CHECK(go.height + go.depth >= MC(f, DISPLAY_OPERATOR_MIN_HEIGHT) - 1e-9);
        struct ink o = ink_of(f, op), u = ink_of(f, n);
        double ic = fabs(go.italic);
        double centre = (o.x0 + o.x1) / 2;
        CHECK(u.bottom >= o.top + MC(f, UPPER_LIMIT_GAP_MIN) - 1e-9);
        CHECK(fabs((u.x0 + u.x1) / 2 - centre) <= ic / 2 + 1e-9);
        /* the lower limit "i=1": everything else at script scale */
        double lx0 = INFINITY, lx1 = -INFINITY, ltop = -INFINITY;
        int nlow = 0;
        for (int i = 0; i < b->n; i++) {
            const struct math_item *m = &b->items[i];
            if (m == op || m == n)
                continue;
            struct ink k = ink_of(f, m);
            CHECK(m->scale < 0.99);
            lx0 = fmin(lx0, k.x0), lx1 = fmax(lx1, k.x1), ltop = fmax(ltop, k.top);
            nlow++;
        }
        CHECK(nlow == 3);
        CHECK(ltop <= o.bottom - MC(f, LOWER_LIMIT_GAP_MIN) + 1e-9);
        CHECK(fabs((lx0 + lx1) / 2 - centre) <= ic / 2 + 1e-9);
        CHECK(u.top <= b->ascent + 1e-9);
    }
    math_box_free(b);
}

static void inline_sum_puts_limits_to_the_right(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    struct math_box *b = lay("\\sum_{i=1}^n", 0);
    if (!b)
        return;
    const struct math_item *op = full_scale_item(b), *n = find(b, gid(f, 0x1D45B), 0);
    CHECK(op && n && b->n == 5);
    if (op && n) {
        CHECK(op->glyph == gid(f, 0x2211));     /* the text-size glyph */
        struct mglyph go;
        mfont_metrics(f, MATH_FONT_MATH, op->glyph, &go);
        double right = op->x + go.advance - fabs(go.italic);
        for (int i = 0; i < b->n; i++)
            if (&b->items[i] != op)
                CHECK(b->items[i].x >= right - 1e-9);
        CHECK(n->y > 0);
        for (int i = 0; i < b->n; i++)
            if (&b->items[i] != op && &b->items[i] != n)
                CHECK(b->items[i].y < 0);
    }
    math_box_free(b);

    /* \limits and \nolimits override the style */
    CHECK(width_of("\\sum\\limits_{i=1}^n", 0) < width_of("\\sum_{i=1}^n", 0));
    CHECK(width_of("\\sum\\nolimits_{i=1}^n", 1) > width_of("\\sum_{i=1}^n", 1));
    CHECK(total_height("\\sum\\limits_{i=1}^n", 0) > total_height("\\sum_{i=1}^n", 0));
    /* \int keeps its scripts to the side even in display */
    CHECK(width_of("\\int_0^1", 1) > width_of("\\int\\limits_0^1", 1));
}

/* ---- layout: radicals, spacing, fonts ----------------------------------------- */

static void sqrt_draws_a_rule_over_its_body(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    struct math_box *b = lay("\\sqrt{x}", 0);
    if (!b)
        return;
    const struct math_item *x = find(b, gid(f, 0x1D465), 0), *rule = NULL;
    for (int i = 0; i < b->n; i++)
        if (b->items[i].kind == MATH_RULE)
            rule = &b->items[i];
    CHECK(x && rule);
    if (x && rule) {
        struct ink xi = ink_of(f, x);
        CHECK(rule->y >= xi.top + MC(f, RADICAL_VERTICAL_GAP) - 1e-9);
        CHECK_NEAR(rule->h, MC(f, RADICAL_RULE_THICKNESS), 1e-9);
        CHECK(rule->x <= xi.x0 + 1e-9 && rule->x + rule->w >= xi.x1 - 1e-9);
        CHECK(rule->y + rule->h <= b->ascent + 1e-9);
        /* the radical sign is left of the body and meets the rule */
        const struct math_item *rad = &b->items[0];
        CHECK(rad->kind == MATH_GLYPH && rad->x < x->x);
        if (rad->kind == MATH_GLYPH)
            CHECK_NEAR(ink_of(f, rad).top, rule->y + rule->h, 1e-6);
    }
    math_box_free(b);

    /* the degree is small, left and above the baseline */
    b = lay("\\sqrt[3]{x}", 0);
    if (b) {
        const struct math_item *three = find(b, gid(f, '3'), 0);
        x = find(b, gid(f, 0x1D465), 0);
        CHECK(three && x);
        if (three && x) {
            CHECK_NEAR(three->scale, MC(f, SCRIPT_SCRIPT_PERCENT_SCALE_DOWN), 1e-12);
            CHECK(three->x < x->x && three->y > 0);
        }
        math_box_free(b);
    }
    CHECK(total_height("\\sqrt{\\frac{a}{b}}", 1) > total_height("\\sqrt{x}", 1));
}

static void binary_operators_get_medium_spaces_and_relations_thick(void)
{
    double a = width_of("a", 0);
    double med = 4 / 18.0, thick = 5 / 18.0;
    /* a + b: Ord Bin Ord, a medium space each side */
    CHECK_NEAR(width_of("a+b", 0) - a - width_of("+b", 0), 2 * med, 1e-9);
    CHECK(width_of("a+b", 0) > width_of("+b", 0) + a);
    /* -b: a Bin with nothing before it is an Ord, so no space */
    CHECK_NEAR(width_of("a-b", 0) - a - width_of("-b", 0), 2 * med, 1e-9);
    CHECK(width_of("-b", 0) < width_of("a-b", 0) - a);
    /* a = b: thick spaces; "=b" alone keeps the one after the relation */
    CHECK_NEAR(width_of("a=b", 0) - a - width_of("=b", 0), thick, 1e-9);
    CHECK_NEAR(width_of("a=b", 0) - width_of("ab", 0) - width_of("=", 0), 2 * thick, 1e-9);
    /* after a relation or an open, a Bin is unary too */
    CHECK_NEAR(width_of("a=-b", 0), width_of("a=b", 0) + width_of("-", 0), 1e-9);
    CHECK_NEAR(width_of("(-b)", 0), width_of("(b)", 0) + width_of("-", 0), 1e-9);
    /* \cdot is a Bin like + */
    CHECK_NEAR(width_of("a\\cdot b", 0) - a - width_of("\\cdot b", 0), 2 * med, 1e-9);
    /* explicit spaces add their width and do not break spacing */
    CHECK_NEAR(width_of("a\\,b", 0), width_of("ab", 0) + 3 / 18.0, 1e-9);
    CHECK_NEAR(width_of("a\\quad b", 0), width_of("ab", 0) + 1, 1e-9);
    /* a typed * is \ast, a Bin */
    CHECK_NEAR(width_of("a*b", 0), width_of("a\\ast b", 0), 1e-9);
}

static void text_and_alphabets_use_their_fonts(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    struct math_box *b = lay("\\text{abc}", 0);
    if (b) {
        CHECK(b->n == 3);
        for (int i = 0; i < b->n; i++)
            CHECK(b->items[i].kind == MATH_GLYPH && b->items[i].font == MATH_FONT_TEXT &&
                  b->items[i].glyph == mfont_glyph(f, MATH_FONT_TEXT, (uint32_t)('a' + i)));
        math_box_free(b);
    }
    b = lay("\\textbf{a}\\textit{b}", 0);
    CHECK(b && b->n == 2 && b->items[0].font == MATH_FONT_TEXT_BOLD &&
          b->items[1].font == MATH_FONT_TEXT_ITALIC);
    math_box_free(b);

    static const struct { const char *src; uint32_t cp; } glyphs[] = {
        {"\\mathbb{R}", 0x211D}, {"\\mathbb{E}", 0x1D53C}, {"x", 0x1D465}, {"h", 0x210E},
        {"\\mathrm{d}", 'd'}, {"\\mathbf{w}", 0x1D430}, {"\\alpha", 0x1D6FC},
        {"\\Gamma", 0x0393}, {"\\partial", 0x1D715}, {"\\mathsf{A}", 0x1D5A0}, {"7", '7'},
        {"-", 0x2212},
    };
    for (size_t i = 0; i < COUNT(glyphs); i++) {
        b = lay(glyphs[i].src, 0);
        unsigned want = gid(f, glyphs[i].cp);
        int ok = b && b->n == 1 && want != 0 && b->items[0].font == MATH_FONT_MATH &&
                 b->items[0].glyph == want;
        if (!ok) {
            fprintf(stderr, "%s:%d: check failed: \"%s\" should draw the glyph of U+%04X\n",
                    __FILE__, __LINE__, glyphs[i].src, (unsigned)glyphs[i].cp);
            check_failures_in_test++;
        }
        math_box_free(b);
    }
    /* \log is upright text set in the math font, not italic letters */
    b = lay("\\log", 0);
    CHECK(b && b->n == 3 && b->items[0].glyph == gid(f, 'l') && b->items[2].glyph == gid(f, 'g'));
    math_box_free(b);
}

static void layout_is_deterministic_and_finite(void)
{
    for (size_t i = 0; i < COUNT(constructs); i++)
        for (int display = 0; display <= 1; display++) {
            const char *src = constructs[i];
            struct math_box *a = lay(src, display), *b = lay(src, display);
            if (!a || !b) {
                math_box_free(a);
                math_box_free(b);
                continue;
            }
            int same = a->n == b->n && a->width == b->width && a->ascent == b->ascent &&
                       a->descent == b->descent;
            for (int k = 0; same && k < a->n; k++) {
                const struct math_item *p = &a->items[k], *q = &b->items[k];
                same = p->kind == q->kind && p->font == q->font && p->glyph == q->glyph &&
                       p->x == q->x && p->y == q->y && p->scale == q->scale && p->w == q->w &&
                       p->h == q->h;
            }
            if (!same || !all_finite(a) || a->width < 0 || a->ascent + a->descent < 0) {
                fprintf(stderr, "%s:%d: check failed: \"%s\" (display %d): %s\n", __FILE__,
                        __LINE__, src, display,
                        !same ? "two layouts differ" : "a non-finite or negative metric");
                check_failures_in_test++;
            }
            math_box_free(a);
            math_box_free(b);
        }
}

/* Frames and PNGs are sized from the box: ink outside it would be cut. */
static void ink_stays_inside_the_box(void)
{
    const struct mfont *f = font();
    if (!f)
        return;
    const double tol = 0.01;    /* em: a third of a pixel at 32 px/em */
    for (size_t i = 0; i < COUNT(constructs); i++)
        for (int display = 0; display <= 1; display++) {
            struct math_box *b = lay(constructs[i], display);
            for (int k = 0; b && k < b->n; k++) {
                const struct math_item *m = &b->items[k];
                double x0, x1, bottom, top;
                if (m->kind == MATH_RULE) {
                    x0 = m->x, x1 = m->x + m->w, bottom = m->y, top = m->y + m->h;
                } else {
                    struct mglyph g;
                    mfont_metrics(f, m->font, m->glyph, &g);
                    x0 = m->x + g.ink_left * m->scale, x1 = m->x + g.ink_right * m->scale;
                    bottom = m->y - g.depth * m->scale, top = m->y + g.height * m->scale;
                }
                if (x0 < -tol || x1 > b->width + tol || bottom < -b->descent - tol ||
                    top > b->ascent + tol) {
                    fprintf(stderr, "%s:%d: check failed: \"%s\" (display %d): item %d's ink "
                            "[%.3f, %.3f] x [%.3f, %.3f] leaves the box [0, %.3f] x [%.3f, "
                            "%.3f]\n", __FILE__, __LINE__, constructs[i], display, k, x0, x1,
                            bottom, top, b->width, -b->descent, b->ascent);
                    check_failures_in_test++;
                    break;
                }
            }
            math_box_free(b);
        }
}

static void layout_reports_parse_errors(void)
{
    struct math_error err = {0};
    CHECK(math_layout("x + \\foo", 8, 1, &err) == NULL);
    CHECK(err.pos == 4 && strstr(err.msg, "unknown command '\\foo'"));
    /* an empty formula is an empty box */
    struct math_box *b = math_layout("", 0, 1, &err);
    CHECK(b && b->n == 0 && b->width == 0);
    math_box_free(b);
}

/* ---- cache -------------------------------------------------------------------- */

static void cache_lays_out_once_per_source_and_style(void)
{
    struct math_cache_stats s0, s1, s2;
    const char *src = "\\frac{\\partial L}{\\partial w_{cache}}";
    size_t len = strlen(src);
    math_cache_stats(&s0);
    const struct math_box *a = math_cached(src, len, 1);
    math_cache_stats(&s1);
    CHECK(a != NULL);
    CHECK(s1.misses == s0.misses + 1 && s1.hits == s0.hits);
    const struct math_box *b = math_cached(src, len, 1);
    const struct math_box *c = math_cached(src, len, 1);
    math_cache_stats(&s2);
    CHECK(b == a && c == a);
    CHECK(s2.misses == s1.misses && s2.hits == s1.hits + 2);

    /* the same text inline is another entry */
    const struct math_box *d = math_cached(src, len, 0);
    CHECK(d && d != a && d->ascent + d->descent < a->ascent + a->descent);
    /* a prefix of the text is another formula */
    const struct math_box *e = math_cached(src, len - 3, 1);
    CHECK(e == NULL);   /* "...w_{cac" is unclosed */
    math_cache_stats(&s1);
    CHECK(s1.misses == s2.misses + 2);
    /* an error is cached too */
    CHECK(math_cached(src, len - 3, 1) == NULL);
    math_cache_stats(&s2);
    CHECK(s2.hits == s1.hits + 1 && s2.misses == s1.misses);

    /* the cached box is what math_layout gives */
    struct math_error err;
    struct math_box *fresh = math_layout(src, len, 1, &err);
    CHECK(fresh && fresh->n == a->n && fresh->width == a->width);
    math_box_free(fresh);
}

/* ---- golden images -------------------------------------------------------------- */

#define GOLDEN_SIZE 32.0        /* pixels per em */
#define GOLDEN_MARGIN 0.25      /* em around the box */

static const struct { const char *name, *src; } goldens[] = {
    {"mse", "L \\;=\\; \\frac{1}{n}\\sum_{i=1}^{n}\\bigl(\\hat y_i - y_i\\bigr)^2"},
    {"cross_entropy", "L \\;=\\; -\\frac{1}{n}\\sum_{i=1}^{n}\\Bigl[\\,y_i\\log\\hat y_i + "
                      "(1-y_i)\\log(1-\\hat y_i)\\,\\Bigr]"},
    {"l2_regularization", "L_{\\text{reg}} \\;=\\; L \\;+\\; \\lambda \\lVert w \\rVert_2^2"},
    {"sigmoid", "\\sigma(z) = \\frac{1}{1+e^{-z}}"},
    {"relu_cases", "\\operatorname{ReLU}(z) = \\begin{cases} z & z > 0 \\\\ 0 & "
                   "\\text{otherwise} \\end{cases}"},
    {"bmatrix", "W = \\begin{bmatrix} w_{11} & w_{12} \\\\ w_{21} & w_{22} \\end{bmatrix}"},
    {"gradient_step", "w \\leftarrow w - \\eta\\,\\dfrac{\\partial L}{\\partial w}"},
    {"cube_root", "\\sqrt[3]{x}"},
};

/* The formula black on white at GOLDEN_SIZE, the box plus GOLDEN_MARGIN. */
static cairo_surface_t *render_golden(const char *src)
{
    struct math_error err = {0};
    struct math_box *b = math_layout(src, strlen(src), 1, &err);
    if (!b) {
        fprintf(stderr, "  (cannot lay out \"%s\": %s at %zu)\n", src, err.msg, err.pos);
        return NULL;
    }
    int w = (int)ceil((b->width + 2 * GOLDEN_MARGIN) * GOLDEN_SIZE);
    int h = (int)ceil((b->ascent + b->descent + 2 * GOLDEN_MARGIN) * GOLDEN_SIZE);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    math_draw(cr, b, GOLDEN_SIZE, GOLDEN_MARGIN * GOLDEN_SIZE,
              (GOLDEN_MARGIN + b->ascent) * GOLDEN_SIZE);
    int ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
    cairo_destroy(cr);
    cairo_surface_flush(s);
    math_box_free(b);
    if (!ok || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    return s;
}

static uint32_t px(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    uint32_t p = ((const uint32_t *)(d + (size_t)y * (size_t)cairo_image_surface_get_stride(s)))[x];
    /* a PNG without alpha loads as RGB24, whose top byte is undefined */
    return cairo_image_surface_get_format(s) == CAIRO_FORMAT_RGB24 ? p | 0xFF000000u : p;
}

struct diff {
    long pixels;
    int max_channel;
};

static struct diff compare(cairo_surface_t *a, cairo_surface_t *b)
{
    struct diff d = {0, 0};
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t p = px(a, x, y), q = px(b, x, y);
            if (p == q)
                continue;
            d.pixels++;
            for (int sh = 0; sh < 32; sh += 8) {
                int c = abs((int)((p >> sh) & 255) - (int)((q >> sh) & 255));
                if (c > d.max_channel)
                    d.max_channel = c;
            }
        }
    return d;
}

static int make_dir(const char *path)
{
    return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* The actual image, and one with the differing pixels red, in the build
 * directory for a human to look at. */
static void save_failure(const char *name, cairo_surface_t *actual, cairo_surface_t *golden)
{
    const char *dir = BINARY_DIR "/test_math-actual";
    if (make_dir(dir) != 0) {
        fprintf(stderr, "  (cannot create %s)\n", dir);
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    if (cairo_surface_write_to_png(actual, path) == CAIRO_STATUS_SUCCESS)
        fprintf(stderr, "  actual image: %s\n", path);
    if (!golden)
        return;
    int w = cairo_image_surface_get_width(actual), h = cairo_image_surface_get_height(actual);
    if (w != cairo_image_surface_get_width(golden) || h != cairo_image_surface_get_height(golden))
        return;
    cairo_surface_t *d = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    unsigned char *data = cairo_image_surface_get_data(d);
    int stride = cairo_image_surface_get_stride(d);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t p = px(actual, x, y);
            /* unchanged pixels faded, changed ones red */
            uint32_t g = 255 - ((255 - (p & 255)) / 4);
            ((uint32_t *)(data + (size_t)y * stride))[x] =
                p == px(golden, x, y) ? 0xFF000000u | g << 16 | g << 8 | g : 0xFFFF0000u;
        }
    cairo_surface_mark_dirty(d);
    snprintf(path, sizeof path, "%s/%s.diff.png", dir, name);
    if (cairo_surface_write_to_png(d, path) == CAIRO_STATUS_SUCCESS)
        fprintf(stderr, "  differing pixels in red: %s\n", path);
    cairo_surface_destroy(d);
}

/* A pass removes what an earlier failure left, so what is there is current. */
static void remove_stale_failure(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/test_math-actual/%s.png", BINARY_DIR, name);
    remove(path);
    snprintf(path, sizeof path, "%s/test_math-actual/%s.diff.png", BINARY_DIR, name);
    remove(path);
}

static void formulas_render_like_their_goldens(void)
{
    for (size_t i = 0; i < COUNT(goldens); i++) {
        cairo_surface_t *a = render_golden(goldens[i].src);
        CHECK(a != NULL);
        if (!a)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/tests/golden/math/%s.png", SOURCE_DIR, goldens[i].name);
        cairo_surface_t *g = cairo_image_surface_create_from_png(path);
        if (cairo_surface_status(g) != CAIRO_STATUS_SUCCESS) {
            fprintf(stderr, "%s:%d: check failed: cannot read golden %s (%s); see "
                    "tests/golden/math/README.md\n", __FILE__, __LINE__, path,
                    cairo_status_to_string(cairo_surface_status(g)));
            check_failures_in_test++;
            save_failure(goldens[i].name, a, NULL);
            cairo_surface_destroy(g);
            cairo_surface_destroy(a);
            continue;
        }
        int aw = cairo_image_surface_get_width(a), ah = cairo_image_surface_get_height(a);
        int gw = cairo_image_surface_get_width(g), gh = cairo_image_surface_get_height(g);
        if (aw != gw || ah != gh) {
            fprintf(stderr, "%s:%d: check failed: %s: rendered %dx%d, golden %dx%d\n", __FILE__,
                    __LINE__, goldens[i].name, aw, ah, gw, gh);
            check_failures_in_test++;
            save_failure(goldens[i].name, a, g);
        } else {
            struct diff d = compare(a, g);
            if (!d.pixels)
                remove_stale_failure(goldens[i].name);
            if (d.pixels) {
                fprintf(stderr, "%s:%d: check failed: %s: %ld of %d pixels differ from the "
                        "golden, by up to %d in a channel\n", __FILE__, __LINE__,
                        goldens[i].name, d.pixels, aw * ah, d.max_channel);
                check_failures_in_test++;
                save_failure(goldens[i].name, a, g);
            }
        }
        cairo_surface_destroy(g);
        cairo_surface_destroy(a);
    }
}

static void rendering_twice_gives_the_same_pixels(void)
{
    cairo_surface_t *a = render_golden(goldens[1].src), *b = render_golden(goldens[1].src);
    CHECK(a && b);
    if (a && b) {
        struct diff d = compare(a, b);
        CHECK(d.pixels == 0);
    }
    if (a)
        cairo_surface_destroy(a);
    if (b)
        cairo_surface_destroy(b);
}

/* --update DIR: writes every golden into DIR (after checking that two
 * renderings agree), for a human to look at before committing. */
static int update_goldens(const char *dir)
{
    if (make_dir(dir) != 0) {
        fprintf(stderr, "test_math: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < COUNT(goldens); i++) {
        cairo_surface_t *a = render_golden(goldens[i].src), *b = render_golden(goldens[i].src);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.png", dir, goldens[i].name);
        if (!a || !b || compare(a, b).pixels != 0) {
            fprintf(stderr, "test_math: %s: %s\n", goldens[i].name,
                    !a || !b ? "cannot render" : "two renderings differ; not written");
            rc = 1;
        } else if (cairo_surface_write_to_png(a, path) != CAIRO_STATUS_SUCCESS) {
            fprintf(stderr, "test_math: cannot write %s\n", path);
            rc = 1;
        } else {
            printf("wrote %s (%dx%d): %s\n", path, cairo_image_surface_get_width(a),
                   cairo_image_surface_get_height(a), goldens[i].src);
        }
        if (a)
            cairo_surface_destroy(a);
        if (b)
            cairo_surface_destroy(b);
    }
    if (rc == 0)
        printf("look at every image before committing them\n");
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--update") == 0) {
        int rc = update_goldens(argv[2]);
        math_fonts_release();
        draw_fonts_release();
        return rc;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: test_math [--update GOLDEN_DIR]\n");
        return 2;
    }
    RUN(every_listed_construct_parses);
    RUN(characters_get_their_code_point_and_class);
    RUN(fractions_roots_and_scripts_build_their_nodes);
    RUN(operators_accents_and_fonts_build_their_nodes);
    RUN(delimiters_spaces_styles_and_arrays_build_their_nodes);
    RUN(unknown_command_is_named_at_its_backslash);
    RUN(unbalanced_braces_are_errors_at_the_brace);
    RUN(left_and_right_must_pair);
    RUN(bad_delimiters_are_named);
    RUN(scripts_are_checked);
    RUN(environments_are_checked);
    RUN(missing_arguments_are_errors_at_the_command);
    RUN(tex_specials_and_bad_bytes_are_errors);
    RUN(deep_nesting_is_an_error_not_a_crash);
    RUN(commands_nested_without_braces_are_not_dropped);
    RUN(long_input_is_bounded);
    RUN(value_fields_are_numbers_and_command_braces_groups);
    RUN(brace_is_group_after_commands_scripts_and_braces_only);
    RUN(text_splits_into_plain_and_formula_segments);
    RUN(escaped_dollar_is_literal);
    RUN(double_dollars_are_a_display_formula);
    RUN(unclosed_and_empty_formulas_are_errors_at_their_dollar);
    RUN(formula_errors_are_offsets_into_the_whole_text);
    RUN(fraction_numerator_is_above_the_axis_and_denominator_below);
    RUN(superscript_is_raised_and_scaled);
    RUN(subscript_is_lowered);
    RUN(sub_and_superscript_keep_their_gap);
    RUN(scripts_have_no_binary_spacing);
    RUN(fenced_delimiters_grow_with_their_content);
    RUN(big_delimiters_grow_in_steps);
    RUN(display_sum_puts_limits_above_and_below_centred);
    RUN(inline_sum_puts_limits_to_the_right);
    RUN(sqrt_draws_a_rule_over_its_body);
    RUN(binary_operators_get_medium_spaces_and_relations_thick);
    RUN(text_and_alphabets_use_their_fonts);
    RUN(layout_is_deterministic_and_finite);
    RUN(ink_stays_inside_the_box);
    RUN(layout_reports_parse_errors);
    RUN(cache_lays_out_once_per_source_and_style);
    RUN(formulas_render_like_their_goldens);
    RUN(rendering_twice_gives_the_same_pixels);
    math_fonts_release();
    draw_fonts_release();
    return CHECK_SUMMARY();
}
