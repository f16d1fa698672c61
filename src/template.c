/* template: checking and expanding "{name:.2f}" templates (see template.h). */
#include "template.h"
#include "script.h"

#include "math/math.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A field as parsed: the name, up to two indices and the printf format. */
struct field {
    char name[64];
    int nidx;                   /* 0, 1 or 2 */
    long long idx[2];           /* LLONG_MAX when the digits overflow */
    const char *digits[2];      /* the index as written, for messages */
    int ndigits[2];
    char fmt[16];
    int sign;                   /* ':+...': the sign as an operator, "+ 0.97" / "- 0.01" */
};

/* Parses "[digits]" at s + *i into f's next index, with overflow checking
 * (an index too large for a long long saturates at LLONG_MAX: it is past
 * the end of any channel, which field_offset reports with the digits as
 * written). -1 with *why set if it is not "[digits]". */
static int parse_index(const char *s, size_t *i, struct field *f, const char **why)
{
    (*i)++;
    if (s[*i] < '0' || s[*i] > '9') {
        *why = "expected a whole number inside '[...]', e.g. {p[0]}";
        return -1;
    }
    while (s[*i] == '0' && s[*i + 1] >= '0' && s[*i + 1] <= '9')
        (*i)++;                 /* leading zeros: "007" reads as 7 */
    long long v = 0;
    int k = f->nidx;
    f->digits[k] = s + *i;
    while (s[*i] >= '0' && s[*i] <= '9') {
        int d = s[(*i)++] - '0';
        if (v > (LLONG_MAX - d) / 10)
            v = LLONG_MAX;
        else
            v = v * 10 + d;
    }
    f->ndigits[k] = (int)(s + *i - f->digits[k]);
    if (s[*i] != ']') {
        *why = "expected ']' after the index";
        return -1;
    }
    (*i)++;
    f->idx[k] = v;
    f->nidx++;
    return 0;
}

/* Parses "{name[i][j]:spec}" at s (just after '{'); the indices and the spec
 * are optional. Fills f; returns the length consumed up to and including
 * '}', or -1 with *why set. */
static int parse_field(const char *s, struct field *f, const char **why)
{
    size_t i = 0, nn = sizeof(f->name), nf = sizeof(f->fmt);
    char *name = f->name, *fmt = f->fmt;
    f->nidx = 0;
    f->idx[0] = f->idx[1] = -1;
    fmt[0] = '\0';
    f->sign = 0;
    while (s[i] && s[i] != '}' && s[i] != ':' && s[i] != '{' && s[i] != '[') {
        if (i + 1 >= nn) {
            *why = "name too long";
            return -1;
        }
        name[i] = s[i];
        i++;
    }
    name[i] = '\0';
    if (!s[i] || s[i] == '{') {
        *why = "unclosed '{' (write '{{' for a literal brace)";
        return -1;
    }
    if (i == 0) {
        *why = "empty '{}': put a value name inside, e.g. {step}";
        return -1;
    }
    for (int k = 0; k < 2 && s[i] == '['; k++)
        if (parse_index(s, &i, f, why) < 0)
            return -1;
    if (s[i] == '[') {
        *why = "at most two indices, as in {q[3][1]}";
        return -1;
    }
    if (!s[i] || s[i] == '{') {
        *why = "unclosed '{' (write '{{' for a literal brace)";
        return -1;
    }
    if (s[i] == ':') {
        i++;
        if (s[i] == '+') {
            f->sign = 1;
            i++;
            if (s[i] == '}')    /* "{b:+}": the sign with the plain format */
                return (int)i + 1;
        }
        int prec = -1;
        if (s[i] == '.') {
            i++;
            if (s[i] < '0' || s[i] > '9') {
                *why = "expected digits after '.' in the format";
                return -1;
            }
            prec = 0;
            while (s[i] >= '0' && s[i] <= '9') {
                if (prec <= 12)         /* past that it is refused below */
                    prec = prec * 10 + (s[i] - '0');
                i++;
            }
            if (prec > 12) {
                *why = "precision above 12";
                return -1;
            }
        }
        char conv = s[i];
        if (conv != 'f' && conv != 'e' && conv != 'g' && conv != 'd') {
            *why = "the format after ':' must be .Nf, .Ne, .Ng or d, with an optional '+' "
                   "before it (the sign spaced as an operator)";
            return -1;
        }
        if (conv == 'd' && prec >= 0) {
            *why = "'d' takes no precision";
            return -1;
        }
        i++;
        if (conv == 'd')
            snprintf(fmt, nf, "%%.0f");
        else if (prec >= 0)
            snprintf(fmt, nf, "%%.%d%c", prec, conv);
        else
            snprintf(fmt, nf, "%%%c", conv);
    }
    if (s[i] != '}') {
        *why = "expected '}' after the format";
        return -1;
    }
    return (int)i + 1;
}

/* How many indices a channel takes: 0 for a scalar (1 x 1), 1 for a vector
 * (1 x n or n x 1), 2 for a table (rows x cols, both above 1). -1 for a
 * shape no channel should have (empty or negative). */
static int channel_rank(const struct trace_channel *ch)
{
    if (ch->rows < 1 || ch->cols < 1)
        return -1;
    if (ch->rows == 1 && ch->cols == 1)
        return 0;
    return ch->rows == 1 || ch->cols == 1 ? 1 : 2;
}

/* The flat index of field f's value in channel c of t, or -1 with why
 * filled. Every index is bounded by the channel's shape, so a result >= 0
 * is always inside the channel (0 <= offset < rows * cols). */
static long long field_offset(const struct trace *t, int c, const struct field *f, char *why,
                              size_t n)
{
    if (c < 0 || c >= t->nchan) {
        snprintf(why, n, "unknown value '%s'", f->name);
        return -1;
    }
    const struct trace_channel *ch = &t->chan[c];
    const char *nm = ch->name;
    int rank = channel_rank(ch);
    long long size = (long long)ch->rows * ch->cols;
    if (rank < 0) {
        snprintf(why, n, "'%s' holds no values", nm);
        return -1;
    }
    if (f->nidx != rank) {
        if (rank == 0)
            snprintf(why, n, "'%s' is a single value, not a vector: write {%s}", nm, nm);
        else if (rank == 1 && f->nidx == 0)
            snprintf(why, n, "'%s' holds %lld values: pick one, e.g. {%s[0]}", nm, size, nm);
        else if (rank == 1)
            snprintf(why, n, "'%s' is a vector of %lld values, not a table: write one index, "
                     "e.g. {%s[0]}", nm, size, nm);
        else if (f->nidx == 0)
            snprintf(why, n, "'%s' is a %dx%d table: pick a cell, e.g. {%s[0][0]}", nm,
                     ch->rows, ch->cols, nm);
        else
            snprintf(why, n, "'%s' is a %dx%d table: give a row and a column, e.g. {%s[0][0]}",
                     nm, ch->rows, ch->cols, nm);
        return -1;
    }
    if (rank == 0)
        return 0;
    for (int k = 0; k < f->nidx; k++)
        if (f->idx[k] < 0) {    /* parse_field never gives one; be safe */
            snprintf(why, n, "a negative index in '%s'", nm);
            return -1;
        }
    if (rank == 1) {
        if (f->idx[0] >= size) {
            snprintf(why, n, "index %.*s is past the end of '%s' (%lld values: %s[0] .. %s[%lld])",
                     f->ndigits[0] > 40 ? 40 : f->ndigits[0], f->digits[0], nm, size, nm, nm,
                     size - 1);
            return -1;
        }
        return f->idx[0];
    }
    if (f->idx[0] >= ch->rows || f->idx[1] >= ch->cols) {
        snprintf(why, n, "[%.*s][%.*s] is outside '%s', a %dx%d table (%s[0][0] .. %s[%d][%d])",
                 f->ndigits[0] > 24 ? 24 : f->ndigits[0], f->digits[0],
                 f->ndigits[1] > 24 ? 24 : f->ndigits[1], f->digits[1], nm, ch->rows, ch->cols,
                 nm, nm, ch->rows - 1, ch->cols - 1);
        return -1;
    }
    return f->idx[0] * ch->cols + f->idx[1];
}

/* Formulas ($...$) inside a template: there a brace that opens a TeX group
 * (right after a command, ^, _, {, } or ]: math_brace_is_group) and the
 * brace that closes it are TeX's, and "{{" is not an escape; any other
 * brace is a value field as outside. "\$" is a literal dollar, kept
 * escaped for the text drawer. */
struct tex_state {
    size_t pos;                 /* math_text_next's position */
    struct math_segment seg;    /* the segment being scanned */
    size_t lo, hi;              /* its bytes, delimiters included */
    int math;                   /* it is a formula */
    int depth;                  /* open TeX groups in it */
};

/* What to do with *s: 0 copy it (a formula's dollars, or a brace of a TeX
 * group); 2 copy it and the next byte (an escape); 1 the template's usual
 * handling (fields, "{{", a stray '}', other bytes). The formulas are
 * math_text_next's, so a template splits as text does when drawn. */
static int tex_step(const char *text, const char *s, struct tex_state *st)
{
    size_t o = (size_t)(s - text);
    while (o >= st->hi) {
        if (!math_text_next(text, &st->pos, &st->seg)) {
            st->math = 0;
            st->lo = st->hi = (size_t)-1;
            break;
        }
        st->math = st->seg.math;
        st->depth = 0;
        st->lo = st->seg.math ? st->seg.start - 1 - (size_t)st->seg.display : st->seg.start;
        st->hi = st->pos;
    }
    if (st->math && (o < st->seg.start || o >= st->seg.start + st->seg.len))
        return 0;               /* the dollars around a formula */
    if (s[0] == '\\' && (s[1] == '$' || (st->math && s[1])))
        return 2;
    if (!st->math)
        return 1;
    if (s[0] == '{' && math_brace_is_group(text, o)) {
        st->depth++;
        return 0;
    }
    if (s[0] == '}' && st->depth > 0) {
        st->depth--;
        return 0;
    }
    return 1;
}

int template_check(const char *text, const struct diag_loc *loc, int quoted,
                   const struct trace *probe, const char *context)
{
    int errors = 0;
    struct tex_state st = {0};
    for (const char *s = text; *s; s++) {
        int step = tex_step(text, s, &st);
        if (step == 2) {
            s++;
            continue;
        }
        if (step == 0)
            continue;
        if (!st.math && ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}'))) {
            s++;
            continue;
        }
        struct diag_loc at = *loc;
        if (st.math && s[0] == '{' && s[1] == '{') {
            int col = script_column(loc, quoted, (size_t)(s - text));
            if (col)
                at.col = col;
            diag_error(&at, "'{{' in a formula in %s: inside $...$ a literal brace is \\{ and a "
                       "value is {name}", context);
            errors++;
            break;
        }
        int col = script_column(loc, quoted, (size_t)(s - text));
        if (col)
            at.col = col;
        if (*s == '}') {
            if (st.math)
                diag_error(&at, "unmatched '}' in a formula in %s (a literal brace is written \\})",
                           context);
            else
                diag_error(&at, "unmatched '}' in %s (write '}}' for a literal brace)", context);
            errors++;
            continue;
        }
        if (*s != '{')
            continue;
        struct field fld;
        const char *name = fld.name;
        const char *why = NULL;
        int len = parse_field(s + 1, &fld, &why);
        if (len < 0) {
            /* Show the field as written, up to its closing brace. */
            int flen = 1;
            while (s[flen] && s[flen] != '}' && s[flen] != '{' && flen < 40)
                flen++;
            diag_error(&at, "bad template field '%.*s' in %s: %s", flen + (s[flen] == '}'), s,
                       context, why);
            errors++;
            break;
        }
        int c = trace_channel(probe, name);
        if (c < 0) {
            const char *names[256];
            int nnames = 0;
            char list[512];
            size_t used = 0;
            list[0] = '\0';
            for (int i = 0; i < probe->nchan && nnames < 256; i++) {
                const struct trace_channel *ch = &probe->chan[i];
                names[nnames++] = ch->name;
                if (used >= sizeof(list))
                    continue;
                if (ch->rows * ch->cols == 1)
                    used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
                                             i ? ", " : "", ch->name);
                else if (ch->rows == 1)
                    used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s[0..%d]",
                                             i ? ", " : "", ch->name, ch->cols - 1);
                else
                    used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s[%d][%d]",
                                             i ? ", " : "", ch->name, ch->rows, ch->cols);
            }
            const char *sug = diag_suggest(name, names, nnames);
            if (sug)
                diag_error(&at, "unknown value '%s' in %s (did you mean '%s'?); this scene provides: %s",
                           name, context, sug, list);
            else
                diag_error(&at, "unknown value '%s' in %s; this scene provides: %s", name, context, list);
            errors++;
        } else {
            char whybuf[256];
            if (field_offset(probe, c, &fld, whybuf, sizeof(whybuf)) < 0) {
                diag_error(&at, "bad template field '%.*s' in %s: %s", len + 1 > 60 ? 60 : len + 1,
                           s, context, whybuf);
                errors++;
            }
        }
        s += len;
    }
    return errors ? -1 : 0;
}

void template_format_value(double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "nan");
    else if (isinf(v))
        snprintf(buf, n, v > 0 ? "inf" : "-inf");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.4g", v);
}

void template_expand(const char *text, const struct trace *t, int rec, char *buf, size_t n)
{
    size_t o = 0;
    if (!n)
        return;
    struct tex_state st = {0};
    for (const char *s = text; *s && o + 1 < n; s++) {
        int step = tex_step(text, s, &st);
        if (step == 2) {
            buf[o++] = *s++;
            if (o + 1 < n)
                buf[o++] = *s;
            continue;
        }
        if (step == 0) {
            buf[o++] = *s;
            continue;
        }
        if (!st.math && ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}'))) {
            buf[o++] = *s++;
            continue;
        }
        if (*s != '{') {
            buf[o++] = *s;
            continue;
        }
        struct field fld;
        char val[96], whybuf[256];
        const char *why;
        int len = parse_field(s + 1, &fld, &why);
        if (len < 0) {
            buf[o++] = *s;
            continue;
        }
        /* template_check refuses what does not resolve; should one reach
         * here anyway (an unchecked text, another trace, a record out of
         * range), it shows as "?" and nothing outside the trace is read. */
        int c = trace_channel(t, fld.name);
        long long off = c >= 0 ? field_offset(t, c, &fld, whybuf, sizeof(whybuf)) : -1;
        int ok = off >= 0 && off < trace_size(t, c) && rec >= 0 && rec < t->nrec;
        double v = ok ? trace_row(t, rec, c)[off] : NAN;
        const char *fmt = fld.fmt;
        /* A signed field formats the size and writes the sign apart. */
        double shown = fld.sign && !isnan(v) ? fabs(v) : v;
        /* Past 1e15 fixed notation is a wall of digits: a diverging run
         * reads as 1.2e+150, not as 150 digits. */
        if (!ok)
            snprintf(val, sizeof(val), "?");
        else if (!isfinite(shown) || !fmt[0] || fabs(shown) >= 1e15)
            template_format_value(shown, val, sizeof(val));
        else
            snprintf(val, sizeof(val), fmt, shown);
        /* "-0.00" reads as a glitch on screen. */
        if (strspn(val, "-0.") == strlen(val) && val[0] == '-')
            memmove(val, val + 1, strlen(val));
        /* The sign: "-" only for a value that does not round to zero
         * ("- 0.00" would be the same glitch); spaced outside formulas,
         * where TeX spaces a binary operator itself. */
        char sign[4] = "";
        if (fld.sign && ok) {
            int negative = v < 0 && strspn(val, "0.") != strlen(val);
            snprintf(sign, sizeof sign, "%c%s", negative ? '-' : '+', st.math ? "" : " ");
        }
        if (st.math) {
            /* Inside a formula a value is one group, so "x^ {w}" raises all
             * of it; a number as TeX sets it, anything else ("inf", "nan",
             * "1.5e+150", "?") as text, not as italic letters. */
            int number = val[0] && strspn(val + (val[0] == '-'), "0123456789.") ==
                                       strlen(val + (val[0] == '-'));
            char wrapped[96];
            snprintf(wrapped, sizeof wrapped, number ? "%s{%s}" : "%s{\\text{%s}}", sign, val);
            snprintf(val, sizeof val, "%s", wrapped);
        } else if (sign[0]) {
            size_t sl = strlen(sign), l = strlen(val);
            if (sl + l < sizeof val) {
                memmove(val + sl, val, l + 1);
                memcpy(val, sign, sl);
            }
        }
        size_t vl = strlen(val);
        if (o + vl >= n)
            vl = n - 1 - o;
        memcpy(buf + o, val, vl);
        o += vl;
        s += len;
    }
    buf[o] = '\0';
}
