/* template: checking and expanding "{name:.2f}" templates (see template.h). */
#include "template.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Parses "{name[:spec]}" at s (just after '{'). Fills name and the printf
 * format; returns the length consumed up to and including '}', or -1 with
 * *why set. */
static int parse_field(const char *s, char *name, size_t nn, char *fmt, size_t nf, const char **why)
{
    size_t i = 0;
    while (s[i] && s[i] != '}' && s[i] != ':' && s[i] != '{') {
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
            while (s[i] >= '0' && s[i] <= '9')
                prec = prec * 10 + (s[i++] - '0');
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

int template_check(const char *text, const struct diag_loc *loc, int quoted,
                   const char *const *names, int nnames, const char *context)
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
        const char *why = NULL;
        int len = parse_field(s + 1, name, sizeof(name), fmt, sizeof(fmt), &why);
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
        int found = 0;
        for (int i = 0; i < nnames; i++)
            found |= strcmp(names[i], name) == 0;
        if (!found) {
            char list[512];
            size_t used = 0;
            list[0] = '\0';
            for (int i = 0; i < nnames && used < sizeof(list); i++)
                used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);
            const char *sug = diag_suggest(name, names, nnames);
            if (sug)
                diag_error(&at, "unknown value '%s' in %s (did you mean '%s'?); this scene provides: %s",
                           name, context, sug, list);
            else
                diag_error(&at, "unknown value '%s' in %s; this scene provides: %s", name, context, list);
            errors++;
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
        char name[64], fmt[16], val[64];
        const char *why;
        int len = parse_field(s + 1, name, sizeof(name), fmt, sizeof(fmt), &why);
        if (len < 0) {
            buf[o++] = *s;
            continue;
        }
        double v = trace_value(t, rec, name);
        if (!isfinite(v) || !fmt[0])
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
