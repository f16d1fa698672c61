/* template: checking and expanding "{name:.2f}" templates (see template.h). */
#include "template.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Parses "[digits]" at s + *i; -1 with *why set if it is not one. */
static int parse_index(const char *s, size_t *i, const char **why)
{
    (*i)++;
    if (s[*i] < '0' || s[*i] > '9') {
        *why = "expected a whole number inside '[...]', e.g. {p[0]}";
        return -1;
    }
    long v = 0;
    while (s[*i] >= '0' && s[*i] <= '9') {
        if (v > 1000000000L) {
            *why = "index too large";
            return -1;
        }
        v = v * 10 + (s[(*i)++] - '0');
    }
    if (s[*i] != ']') {
        *why = "expected ']' after the index";
        return -1;
    }
    (*i)++;
    return (int)v;
}

/* Parses "{name[i][j]:spec}" at s (just after '{'); the indices and the spec
 * are optional. Fills name, the indices (-1 when absent) and the printf
 * format; returns the length consumed up to and including '}', or -1 with
 * *why set. */
static int parse_field(const char *s, char *name, size_t nn, int idx[2], char *fmt, size_t nf,
                       const char **why)
{
    size_t i = 0;
    idx[0] = idx[1] = -1;
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
    size_t end = i;
    for (int k = 0; k < 2 && s[i] == '['; k++)
        if ((idx[k] = parse_index(s, &i, why)) < 0)
            return -1;
    name[end] = '\0';
    if (s[i] == '[') {
        *why = "at most two indices, as in {q[3][1]}";
        return -1;
    }
    if (!s[i] || s[i] == '{') {
        *why = "unclosed '{' (write '{{' for a literal brace)";
        return -1;
    }
    fmt[0] = '\0';
    if (s[i] == ':') {
        i++;
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
            *why = "the format after ':' must be .Nf, .Ne, .Ng or d";
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

/* The flat index of a field's value in channel c, or -1 with *why set. */
static int field_offset(const struct trace *t, int c, const int idx[2], char *why, size_t n)
{
    const struct trace_channel *ch = &t->chan[c];
    if (idx[0] < 0) {
        if (ch->rows * ch->cols == 1)
            return 0;
        if (ch->rows == 1)
            snprintf(why, n, "'%s' holds %d values: pick one, e.g. {%s[0]}", ch->name, ch->cols,
                     ch->name);
        else
            snprintf(why, n, "'%s' is a %dx%d table: pick a cell, e.g. {%s[0][0]}", ch->name,
                     ch->rows, ch->cols, ch->name);
        return -1;
    }
    if (idx[1] < 0) {
        int size = ch->rows == 1 ? ch->cols : ch->rows * ch->cols;
        if (ch->rows > 1) {
            snprintf(why, n, "'%s' is a %dx%d table: give a row and a column, e.g. {%s[0][0]}",
                     ch->name, ch->rows, ch->cols, ch->name);
            return -1;
        }
        if (idx[0] >= size) {
            snprintf(why, n, "index %d is past the end of '%s' (%d value%s: 0 to %d)", idx[0],
                     ch->name, size, size == 1 ? "" : "s", size - 1);
            return -1;
        }
        return idx[0];
    }
    if (idx[0] >= ch->rows || idx[1] >= ch->cols) {
        snprintf(why, n, "[%d][%d] is outside '%s', a %dx%d table", idx[0], idx[1], ch->name,
                 ch->rows, ch->cols);
        return -1;
    }
    return idx[0] * ch->cols + idx[1];
}

int template_check(const char *text, const struct diag_loc *loc, int quoted,
                   const struct trace *probe, const char *context)
{
    int errors = 0;
    for (const char *s = text; *s; s++) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            s++;
            continue;
        }
        struct diag_loc at = *loc;
        if (!strchr(text, '\n'))
            at.col = loc->col + quoted + (int)(s - text);
        if (*s == '}') {
            diag_error(&at, "unmatched '}' in %s (write '}}' for a literal brace)", context);
            errors++;
            continue;
        }
        if (*s != '{')
            continue;
        char name[64], fmt[16];
        int idx[2];
        const char *why = NULL;
        int len = parse_field(s + 1, name, sizeof(name), idx, fmt, sizeof(fmt), &why);
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
            char whybuf[160];
            if (field_offset(probe, c, idx, whybuf, sizeof(whybuf)) < 0) {
                diag_error(&at, "bad template field in %s: %s", context, whybuf);
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
    for (const char *s = text; *s && o + 1 < n; s++) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            buf[o++] = *s++;
            continue;
        }
        if (*s != '{') {
            buf[o++] = *s;
            continue;
        }
        char name[64], fmt[16], val[64], whybuf[160];
        int idx[2];
        const char *why;
        int len = parse_field(s + 1, name, sizeof(name), idx, fmt, sizeof(fmt), &why);
        if (len < 0) {
            buf[o++] = *s;
            continue;
        }
        int c = trace_channel(t, name), off = -1;
        if (c >= 0)
            off = field_offset(t, c, idx, whybuf, sizeof(whybuf));
        double v = off >= 0 ? trace_row(t, rec, c)[off] : NAN;
        /* Past 1e15 fixed notation is a wall of digits: a diverging run
         * reads as 1.2e+150, not as 150 digits. */
        if (!isfinite(v) || !fmt[0] || fabs(v) >= 1e15)
            template_format_value(v, val, sizeof(val));
        else
            snprintf(val, sizeof(val), fmt, v);
        /* "-0.00" reads as a glitch on screen. */
        if (strspn(val, "-0.") == strlen(val) && val[0] == '-')
            memmove(val, val + 1, strlen(val));
        size_t vl = strlen(val);
        if (o + vl >= n)
            vl = n - 1 - o;
        memcpy(buf + o, val, vl);
        o += vl;
        s += len;
    }
    buf[o] = '\0';
}
