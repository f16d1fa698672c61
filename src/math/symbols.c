/* symbols: the TeX commands that stand for one character, with the class
 * that decides their spacing (TeX's Ord, Bin, Rel ...). */
#include "math/internal.h"

#include <string.h>

const struct msym msym_table[] = {
    /* Greek, lower case (set italic, as TeX does) */
    {"alpha", 0x03B1, MC_ORD}, {"beta", 0x03B2, MC_ORD}, {"gamma", 0x03B3, MC_ORD},
    {"delta", 0x03B4, MC_ORD}, {"epsilon", 0x03F5, MC_ORD}, {"varepsilon", 0x03B5, MC_ORD},
    {"zeta", 0x03B6, MC_ORD}, {"eta", 0x03B7, MC_ORD}, {"theta", 0x03B8, MC_ORD},
    {"vartheta", 0x03D1, MC_ORD}, {"iota", 0x03B9, MC_ORD}, {"kappa", 0x03BA, MC_ORD},
    {"lambda", 0x03BB, MC_ORD}, {"mu", 0x03BC, MC_ORD}, {"nu", 0x03BD, MC_ORD},
    {"xi", 0x03BE, MC_ORD}, {"pi", 0x03C0, MC_ORD}, {"varpi", 0x03D6, MC_ORD},
    {"rho", 0x03C1, MC_ORD}, {"varrho", 0x03F1, MC_ORD}, {"sigma", 0x03C3, MC_ORD},
    {"varsigma", 0x03C2, MC_ORD}, {"tau", 0x03C4, MC_ORD}, {"upsilon", 0x03C5, MC_ORD},
    {"phi", 0x03D5, MC_ORD}, {"varphi", 0x03C6, MC_ORD}, {"chi", 0x03C7, MC_ORD},
    {"psi", 0x03C8, MC_ORD}, {"omega", 0x03C9, MC_ORD},
    /* Greek, upper case (upright) */
    {"Gamma", 0x0393, MC_ORD}, {"Delta", 0x0394, MC_ORD}, {"Theta", 0x0398, MC_ORD},
    {"Lambda", 0x039B, MC_ORD}, {"Xi", 0x039E, MC_ORD}, {"Pi", 0x03A0, MC_ORD},
    {"Sigma", 0x03A3, MC_ORD}, {"Upsilon", 0x03A5, MC_ORD}, {"Phi", 0x03A6, MC_ORD},
    {"Psi", 0x03A8, MC_ORD}, {"Omega", 0x03A9, MC_ORD},
    /* ordinary symbols */
    {"partial", 0x2202, MC_ORD}, {"nabla", 0x2207, MC_ORD}, {"infty", 0x221E, MC_ORD},
    {"top", 0x22A4, MC_ORD}, {"bot", 0x22A5, MC_ORD}, {"ell", 0x2113, MC_ORD},
    {"hbar", 0x210F, MC_ORD}, {"emptyset", 0x2205, MC_ORD}, {"varnothing", 0x2205, MC_ORD},
    {"forall", 0x2200, MC_ORD}, {"exists", 0x2203, MC_ORD}, {"neg", 0x00AC, MC_ORD},
    {"lnot", 0x00AC, MC_ORD}, {"prime", 0x2032, MC_ORD}, {"angle", 0x2220, MC_ORD},
    {"ldots", 0x2026, MC_INNER}, {"cdots", 0x22EF, MC_INNER}, {"vdots", 0x22EE, MC_ORD},
    {"ddots", 0x22F1, MC_INNER}, {"dots", 0x2026, MC_INNER},
    {"%", '%', MC_ORD}, {"$", '$', MC_ORD}, {"#", '#', MC_ORD}, {"&", '&', MC_ORD},
    {"_", '_', MC_ORD}, {"|", 0x2016, MC_ORD}, {"Vert", 0x2016, MC_ORD}, {"vert", '|', MC_ORD},
    {"{", '{', MC_OPEN}, {"}", '}', MC_CLOSE}, {"lbrace", '{', MC_OPEN}, {"rbrace", '}', MC_CLOSE},
    {"langle", 0x27E8, MC_OPEN}, {"rangle", 0x27E9, MC_CLOSE},
    {"lvert", '|', MC_OPEN}, {"rvert", '|', MC_CLOSE},
    {"lVert", 0x2016, MC_OPEN}, {"rVert", 0x2016, MC_CLOSE},
    {"lfloor", 0x230A, MC_OPEN}, {"rfloor", 0x230B, MC_CLOSE},
    {"lceil", 0x2308, MC_OPEN}, {"rceil", 0x2309, MC_CLOSE},
    /* binary operators */
    {"cdot", 0x22C5, MC_BIN}, {"times", 0x00D7, MC_BIN}, {"div", 0x00F7, MC_BIN},
    {"pm", 0x00B1, MC_BIN}, {"mp", 0x2213, MC_BIN}, {"ast", 0x2217, MC_BIN},
    {"star", 0x22C6, MC_BIN}, {"circ", 0x2218, MC_BIN}, {"bullet", 0x2219, MC_BIN},
    {"cap", 0x2229, MC_BIN}, {"cup", 0x222A, MC_BIN}, {"wedge", 0x2227, MC_BIN},
    {"land", 0x2227, MC_BIN}, {"vee", 0x2228, MC_BIN}, {"lor", 0x2228, MC_BIN},
    {"oplus", 0x2295, MC_BIN}, {"otimes", 0x2297, MC_BIN}, {"odot", 0x2299, MC_BIN},
    {"setminus", 0x2216, MC_BIN},
    /* relations */
    {"le", 0x2264, MC_REL}, {"leq", 0x2264, MC_REL}, {"ge", 0x2265, MC_REL},
    {"geq", 0x2265, MC_REL}, {"ne", 0x2260, MC_REL}, {"neq", 0x2260, MC_REL},
    {"approx", 0x2248, MC_REL}, {"sim", 0x223C, MC_REL}, {"simeq", 0x2243, MC_REL},
    {"cong", 0x2245, MC_REL}, {"equiv", 0x2261, MC_REL}, {"propto", 0x221D, MC_REL},
    {"ll", 0x226A, MC_REL}, {"gg", 0x226B, MC_REL}, {"in", 0x2208, MC_REL},
    {"notin", 0x2209, MC_REL}, {"ni", 0x220B, MC_REL}, {"subset", 0x2282, MC_REL},
    {"supset", 0x2283, MC_REL}, {"subseteq", 0x2286, MC_REL}, {"supseteq", 0x2287, MC_REL},
    {"mid", 0x2223, MC_REL}, {"parallel", 0x2225, MC_REL}, {"perp", 0x27C2, MC_REL},
    {"coloneqq", 0x2254, MC_REL}, {"triangleq", 0x225C, MC_REL},
    {"leftarrow", 0x2190, MC_REL}, {"gets", 0x2190, MC_REL}, {"rightarrow", 0x2192, MC_REL},
    {"to", 0x2192, MC_REL}, {"leftrightarrow", 0x2194, MC_REL}, {"Leftarrow", 0x21D0, MC_REL},
    {"Rightarrow", 0x21D2, MC_REL}, {"Leftrightarrow", 0x21D4, MC_REL},
    {"implies", 0x27F9, MC_REL}, {"iff", 0x27FA, MC_REL}, {"mapsto", 0x21A6, MC_REL},
    {"longrightarrow", 0x27F6, MC_REL}, {"longleftarrow", 0x27F5, MC_REL},
    {"uparrow", 0x2191, MC_REL}, {"downarrow", 0x2193, MC_REL},
    /* punctuation */
    {"colon", ':', MC_PUNCT},
};
const size_t msym_count = sizeof msym_table / sizeof msym_table[0];

const struct msym *msym_find(const char *name, size_t len)
{
    for (size_t i = 0; i < msym_count; i++)
        if (strlen(msym_table[i].name) == len && memcmp(msym_table[i].name, name, len) == 0)
            return &msym_table[i];
    return NULL;
}

enum mclass msym_class(uint32_t cp)
{
    switch (cp) {
    case '+': case '-': case '*': case 0x2212: case 0x2217: case 0x00D7: case 0x22C5: case 0x00B1:
        return MC_BIN;
    case '=': case '<': case '>': case 0x2264: case 0x2265: case 0x2260: case 0x2248:
    case 0x2190: case 0x2192: case 0x2208: case 0x221D: case 0x2261: case 0x223C:
        return MC_REL;
    case '(': case '[':
        return MC_OPEN;
    case ')': case ']':
        return MC_CLOSE;
    case ',': case ';':
        return MC_PUNCT;
    case ':':
        return MC_REL;      /* TeX: a colon typed in math is a relation */
    default:
        return MC_ORD;
    }
}

int mdelim_find(const char *name, size_t len, int is_command, uint32_t *cp)
{
    static const struct { const char *name; uint32_t cp; } cmds[] = {
        {"{", '{'}, {"}", '}'}, {"lbrace", '{'}, {"rbrace", '}'}, {"|", 0x2016},
        {"Vert", 0x2016}, {"lVert", 0x2016}, {"rVert", 0x2016}, {"vert", '|'},
        {"lvert", '|'}, {"rvert", '|'}, {"langle", 0x27E8}, {"rangle", 0x27E9},
        {"lfloor", 0x230A}, {"rfloor", 0x230B}, {"lceil", 0x2308}, {"rceil", 0x2309},
        {"uparrow", 0x2191}, {"downarrow", 0x2193}, {"backslash", '\\'},
    };
    if (is_command) {
        for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
            if (strlen(cmds[i].name) == len && memcmp(cmds[i].name, name, len) == 0) {
                *cp = cmds[i].cp;
                return 1;
            }
        return 0;
    }
    if (len != 1)
        return 0;
    switch (name[0]) {
    case '(': case ')': case '[': case ']': case '|': case '/':
        *cp = (unsigned char)name[0];
        return 1;
    case '.':
        *cp = 0;            /* the null delimiter */
        return 1;
    case '<':
        *cp = 0x27E8;
        return 1;
    case '>':
        *cp = 0x27E9;
        return 1;
    }
    return 0;
}
