/* segments: the $...$ formulas inside a line of text. */
#include "math/math.h"

#include <stdio.h>
#include <string.h>

int math_text_has(const char *text)
{
    return text && strchr(text, '$') != NULL;
}

/* Whether the '$' at text[i] opens an inline formula: it is followed by
 * something other than a space (pandoc's rule: "costs $ 5" is a dollar). */
static int opens(const char *text, size_t i)
{
    char c = text[i + 1];
    return c && c != ' ';
}

/* Whether the '$' at text[j] closes an inline formula opened before it: not
 * after a space ("$5 and $10" holds no formula). What follows it does not
 * matter, so a value template's field right after a formula ("$x${w}")
 * cannot change where the formula ends once it is a number. */
static int closes(const char *text, size_t j)
{
    return text[j - 1] != ' ';
}

int math_text_next(const char *text, size_t *pos, struct math_segment *seg)
{
    size_t i = *pos;
    if (!text || !text[i])
        return 0;
    int display = text[i] == '$' && text[i + 1] == '$';
    if (text[i] == '$' && (display || opens(text, i))) {
        size_t j = i + 1 + (size_t)display;
        /* Inside a formula "\$" is TeX's dollar sign and does not close it;
         * any other backslash pair is skipped whole for the same reason. */
        for (;;) {
            while (text[j] && text[j] != '$')
                j += (text[j] == '\\' && text[j + 1]) ? 2 : 1;
            if (!text[j] || display || closes(text, j))
                break;
            j++;
        }
        seg->math = 1;
        seg->display = display;
        seg->start = i + 1 + (size_t)display;
        seg->len = j - seg->start;
        seg->closed = display ? text[j] == '$' && text[j + 1] == '$' : text[j] == '$';
        /* unclosed: the rest of the text is the formula */
        *pos = seg->closed ? j + 1 + (size_t)display : j + strlen(text + j);
        return 1;
    }
    /* plain text up to the next '$' that opens a formula; a '$' that does
     * not (before a space) is a dollar sign */
    size_t j = i + (text[i] == '$');
    for (;;) {
        while (text[j] && text[j] != '$')
            j += (text[j] == '\\' && text[j + 1] == '$') ? 2 : 1;
        if (!text[j] || text[j + 1] == '$' || opens(text, j))
            break;
        j++;
    }
    seg->math = 0;
    seg->display = 0;
    seg->closed = 1;
    seg->start = i;
    seg->len = j - i;
    *pos = j;
    return 1;
}

int math_text_check(const char *text, int flags, struct math_error *err)
{
    size_t pos = 0;
    struct math_segment seg;
    while (math_text_next(text, &pos, &seg)) {
        if (!seg.math)
            continue;
        size_t open = seg.start - 1 - seg.display;
        if (!seg.closed) {
            err->pos = open;
            snprintf(err->msg, sizeof err->msg,
                     seg.display ? "unclosed '$$': a display formula is written between "
                                   "'$$' and '$$' (a literal dollar sign is written \\$)"
                                 : "unclosed '$': a formula is written between two '$', "
                                   "the closing one right after it (not after a space); a "
                                   "literal dollar sign is written \\$");
            return -1;
        }
        if (strspn(text + seg.start, " ") >= seg.len) {
            err->pos = open;
            snprintf(err->msg, sizeof err->msg,
                     "empty formula (a literal dollar sign is written \\$)");
            return -1;
        }
        if (math_check(text + seg.start, seg.len, flags, err) != 0) {
            err->pos += seg.start;
            return -1;
        }
    }
    return 0;
}
