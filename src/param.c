/* param: validation and documentation of options from spec tables. */
#include "param.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int param_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* ERANGE with a tiny result is underflow to a subnormal (or zero): a
     * finite number all the same. Overflow is refused. */
    if (end == s || *end || !isfinite(v) || (errno == ERANGE && fabs(v) > DBL_MIN))
        return -1;
    /* strtod takes "nan", "inf" and hex floats; a script should not. */
    for (const char *c = s; *c; c++)
        if (isalpha((unsigned char)*c) && *c != 'e' && *c != 'E')
            return -1;
    *out = v;
    return 0;
}

int param_parse_duration(const char *s, double *seconds)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0 || isspace((unsigned char)*s))
        return -1;
    while (*end == ' ')
        end++;
    int unit = 0;
    if (strcmp(end, "s") == 0) {
        unit = 1;
    } else if (strcmp(end, "ms") == 0) {
        unit = 1;
        v /= 1000;
    } else if (*end) {
        return -1;
    }
    *seconds = v;
    return unit;
}

int param_parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno == ERANGE || v < -2147483647L || v > 2147483647L)
        return -1;
    *out = (int)v;
    return 0;
}

int param_parse_bool(const char *s, int *out)
{
    /* YAML 1.2's spellings, and 1.1's yes/on/no/off that people write. */
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "on"},
                      *const no[] = {"false", "False", "FALSE", "no", "off"};
    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        if (strcmp(s, yes[i]) == 0) { *out = 1; return 0; }
        if (strcmp(s, no[i]) == 0) { *out = 0; return 0; }
    }
    return -1;
}

/* "20", "12.5" (as 25/2) or "30000/1001"; positive, at most 1000 frames a
 * second, denominators up to 1001 so rates stay exact rationals. */
int param_parse_rate(const char *s, struct param_rate *out)
{
    const char *slash = strchr(s, '/');
    if (slash) {
        char num[32];
        size_t n = (size_t)(slash - s);
        if (n >= sizeof(num))
            return -1;
        memcpy(num, s, n);
        num[n] = '\0';
        int a, b;
        /* Film and TV rates need denominators of 1001 at most; 100000 leaves
         * room for any exact decimal rate while keeping num * 100 (GIF
         * centiseconds) and frame times far inside 64-bit arithmetic. */
        if (param_parse_int(num, &a) != 0 || param_parse_int(slash + 1, &b) != 0 || a <= 0 ||
            b <= 0 || b > PARAM_RATE_MAX_DEN || a > 1000 * PARAM_RATE_MAX_DEN)
            return -1;
        out->num = a;
        out->den = b;
        return 0;
    }
    double v;
    if (param_parse_double(s, &v) != 0 || v <= 0)
        return -1;
    for (int den = 1; den <= 1001; den++) {
        double num = v * den;
        if (fabs(num - floor(num + 0.5)) < 1e-9 * den && num <= 2e9) {
            out->num = (int)floor(num + 0.5);
            out->den = den;
            return 0;
        }
    }
    return -1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int param_parse_color(const char *s, uint32_t *out)
{
    static const struct { const char *name; uint32_t argb; } named[] = {
        {"black", 0xff000000}, {"white", 0xffffffff}, {"transparent", 0x00000000},
    };
    for (size_t i = 0; i < ARRAY_LEN(named); i++)
        if (strcmp(s, named[i].name) == 0) { *out = named[i].argb; return 0; }
    size_t n = strlen(s);
    if (s[0] != '#' || (n != 7 && n != 9))
        return -1;
    uint32_t rgba = 0;
    for (size_t i = 1; i < n; i++) {
        int h = hexval((unsigned char)s[i]);
        if (h < 0)
            return -1;
        rgba = rgba << 4 | (uint32_t)h;
    }
    *out = n == 7 ? 0xff000000u | rgba : (rgba >> 8) | (rgba & 0xffu) << 24;
    return 0;
}

static const char *choices_list(const char *const *c, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; c[i]; i++)
        len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", i ? ", " : "", c[i]);
    return buf;
}

void param_describe_type(const struct param_spec *p, char *buf, size_t n)
{
    char tmp[256];
    switch (p->type) {
    case PARAM_INT: snprintf(buf, n, "integer"); break;
    case PARAM_DOUBLE: snprintf(buf, n, "number"); break;
    case PARAM_BOOL: snprintf(buf, n, "boolean"); break;
    case PARAM_STRING: snprintf(buf, n, "string"); break;
    case PARAM_COLOR: snprintf(buf, n, "colour"); break;
    case PARAM_RATE: snprintf(buf, n, "rate"); break;
    case PARAM_DURATION:
        snprintf(buf, n, p->frames_unit ? "frames, or seconds (\"0.5s\")" : "seconds (2, \"2s\", \"250ms\")");
        break;
    case PARAM_ENUM: snprintf(buf, n, "one of %s", choices_list(p->choices, tmp, sizeof(tmp))); break;
    case PARAM_NUMBERS:
        if (p->count)
            snprintf(buf, n, "list of %d numbers", p->count);
        else
            snprintf(buf, n, "list of numbers");
        break;
    case PARAM_STRINGS:
        if (p->choices)
            snprintf(buf, n, "list, each one of %s", choices_list(p->choices, tmp, sizeof(tmp)));
        else if (p->count)
            snprintf(buf, n, "list of %d strings", p->count);
        else
            snprintf(buf, n, "list of strings");
        break;
    }
}

/* Bounds print as written in a script: 1000000, not 1e+06. */
static void fmt_bound(double v, char *buf, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%g", v);
}

void param_describe_range(const struct param_spec *p, char *buf, size_t n)
{
    char lo[32], hi[32];
    if (!p->ranged) {
        buf[0] = '\0';
        return;
    }
    fmt_bound(p->lo, lo, sizeof(lo));
    fmt_bound(p->hi, hi, sizeof(hi));
    if (isinf(p->hi))
        snprintf(buf, n, "%s %s", p->lo_open ? ">" : ">=", lo);
    else if (p->lo_open || p->hi_open)
        snprintf(buf, n, "%s %s and %s %s", p->lo_open ? ">" : ">=", lo, p->hi_open ? "<" : "<=",
                 hi);
    else
        snprintf(buf, n, "from %s to %s", lo, hi);
}

static void range_error(const struct param_spec *p, const struct diag_loc *loc,
                        const char *context, const char *got);

int param_in_range(const struct param_spec *p, double v)
{
    if (!p->ranged)
        return 1;
    if (p->lo_open ? !(v > p->lo) : !(v >= p->lo))
        return 0;
    return p->hi_open ? v < p->hi : v <= p->hi;
}

static void range_error(const struct param_spec *p, const struct diag_loc *loc,
                        const char *context, const char *got)
{
    char r[96];
    param_describe_range(p, r, sizeof(r));
    diag_error(loc, "'%s' in %s must be %s (got %s)", p->name, context, r, got);
}

static const char *node_desc(const struct snode *v)
{
    return v->type == SNODE_MAP ? "a mapping" : v->type == SNODE_SEQ ? "a list" : NULL;
}

static void type_error(const struct param_spec *p, const struct snode *v, const char *context)
{
    char t[256];
    param_describe_type(p, t, sizeof(t));
    const char *article = p->type == PARAM_ENUM ? "" : p->type == PARAM_INT ? "an " : "a ";
    const char *what = node_desc(v);
    double num;
    int bool_;
    if (what)
        diag_error(&v->loc, "'%s' in %s must be %s%s, not %s", p->name, context, article, t, what);
    else if (!v->plain && (param_parse_double(v->str, &num) == 0 || param_parse_bool(v->str, &bool_) == 0))
        /* "20" in quotes is a string in YAML, which surprises people. */
        diag_error(&v->loc, "'%s' in %s must be %s%s, not the quoted string \"%s\" "
                   "(write it without quotes)", p->name, context, article, t, v->str);
    else
        diag_error(&v->loc, "'%s' in %s must be %s%s, not '%s'", p->name, context, article, t,
                   v->str);
}

static int one_of(const char *const *choices, const char *s)
{
    for (int i = 0; choices[i]; i++)
        if (strcmp(choices[i], s) == 0)
            return 1;
    return 0;
}

/* STRINGS: a YAML list of scalars or, for defaults, "a,b,...". */
static int store_strings(const struct param_spec *p, void *obj, const struct snode *v,
                         const char *text, const char *context, struct arena *ar)
{
    struct param_strings *out = (struct param_strings *)((char *)obj + p->offset);
    const char *tmp[64];
    int n = 0, bad = 0;
    if (v) {
        if (v->type != SNODE_SEQ) {
            type_error(p, v, context);
            return -1;
        }
        if (v->n == 0) {
            diag_error(&v->loc, "'%s' in %s is an empty list: give strings, or leave it out for "
                       "the default", p->name, context);
            return -1;
        }
        if (v->n > (int)ARRAY_LEN(tmp)) {
            diag_error(&v->vals[ARRAY_LEN(tmp)]->loc, "'%s' in %s takes at most %d items",
                       p->name, context, (int)ARRAY_LEN(tmp));
            return -1;
        }
        for (int i = 0; i < v->n; i++) {
            const struct snode *it = v->vals[i];
            if (it->type != SNODE_SCALAR || !it->str[0]) {
                diag_error(&it->loc, "'%s' in %s must be a list of strings; item %d is %s", p->name,
                           context, i + 1, it->type == SNODE_SCALAR ? "empty" : node_desc(it));
                bad = 1;
                continue;
            }
            if (p->choices && !one_of(p->choices, it->str)) {
                int nc = 0;
                while (p->choices[nc])
                    nc++;
                char list[256];
                const char *s = diag_suggest(it->str, p->choices, nc);
                choices_list(p->choices, list, sizeof(list));
                if (s)
                    diag_error(&it->loc, "item %d of '%s' in %s must be one of %s (got '%s'; did "
                               "you mean '%s'?)", i + 1, p->name, context, list, it->str, s);
                else
                    diag_error(&it->loc, "item %d of '%s' in %s must be one of %s (got '%s')",
                               i + 1, p->name, context, list, it->str);
                bad = 1;
                continue;
            }
            tmp[n++] = it->str;
        }
        if (bad)
            return -1;
        if (p->count && n != p->count) {
            diag_error(&v->loc, "'%s' in %s must be a list of %d strings (got %d)", p->name,
                       context, p->count, n);
            return -1;
        }
    } else if (text && *text) {
        /* A default: the table's own text, split at commas. */
        const char *s = text;
        while (*s && n < (int)ARRAY_LEN(tmp)) {
            size_t len = strcspn(s, ",");
            char *item = arena_alloc(ar, len + 1);
            memcpy(item, s, len);
            tmp[n++] = item;
            s += len;
            while (*s == ',' || *s == ' ')
                s++;
        }
    }
    out->n = n;
    out->v = n ? arena_alloc(ar, sizeof(const char *) * (size_t)n) : NULL;
    for (int i = 0; i < n; i++)
        out->v[i] = tmp[i];
    return 0;
}

/* One value from a node (v) or, when v is NULL, from the default text. */
static int store(const struct param_spec *p, void *obj, const struct snode *v, const char *text,
                 const char *context, struct arena *ar)
{
    void *dst = (char *)obj + p->offset;
    const struct diag_loc *loc = v ? &v->loc : NULL;
    if (p->type == PARAM_STRINGS)
        return store_strings(p, obj, v, text, context, ar);
    if (v && p->type != PARAM_NUMBERS && v->type != SNODE_SCALAR) {
        type_error(p, v, context);
        return -1;
    }
    /* Quoted "20" is a string in YAML; numbers and booleans must be plain. */
    int quoted = v && v->type == SNODE_SCALAR && !v->plain;
    switch (p->type) {
    case PARAM_INT: {
        int x;
        double big;
        if (v && !quoted && param_parse_int(text, &x) != 0 && param_parse_double(text, &big) == 0 &&
            big == floor(big)) {
            /* A whole number past int: say so, not "not an integer". */
            if (p->ranged)
                range_error(p, loc, context, text);
            else
                diag_error(loc, "'%s' in %s must be at most 2147483647 (got %s)", p->name, context,
                           text);
            return -1;
        }
        if (quoted || param_parse_int(text, &x) != 0) {
            if (v) type_error(p, v, context);
            return -1;
        }
        if (!param_in_range(p, x)) {
            range_error(p, loc, context, text);
            return -1;
        }
        *(int *)dst = x;
        return 0;
    }
    case PARAM_DOUBLE: {
        double x;
        if (quoted || param_parse_double(text, &x) != 0) {
            if (v) type_error(p, v, context);
            return -1;
        }
        if (!param_in_range(p, x)) {
            range_error(p, loc, context, text);
            return -1;
        }
        *(double *)dst = x;
        return 0;
    }
    case PARAM_BOOL: {
        int x;
        if (quoted || param_parse_bool(text, &x) != 0) {
            if (v) type_error(p, v, context);
            return -1;
        }
        *(int *)dst = x;
        return 0;
    }
    case PARAM_STRING:
        /* An unquoted null, ~ or nothing means "not given": the default,
         * not the text "null". */
        if (v && v->plain && (!text[0] || strcmp(text, "~") == 0 || strcmp(text, "null") == 0 ||
                              strcmp(text, "Null") == 0 || strcmp(text, "NULL") == 0)) {
            if (p->required) {
                diag_error(loc, "'%s' in %s needs a value, not null", p->name, context);
                return -1;
            }
            text = p->def;
        }
        *(const char **)dst = text;
        return 0;
    case PARAM_COLOR: {
        uint32_t c;
        if (param_parse_color(text, &c) != 0) {
            if (v)
                diag_error(loc, "'%s' in %s must be a colour such as \"#1f77b4\", not '%s'",
                           p->name, context, text);
            return -1;
        }
        *(uint32_t *)dst = c;
        return 0;
    }
    case PARAM_ENUM:
        for (int i = 0; p->choices[i]; i++)
            if (strcmp(p->choices[i], text) == 0) {
                *(int *)dst = i;
                return 0;
            }
        if (v) {
            int n = 0;
            while (p->choices[n])
                n++;
            char list[256];
            const char *s = diag_suggest(text, p->choices, n);
            choices_list(p->choices, list, sizeof(list));
            if (s)
                diag_error(loc, "'%s' in %s must be one of %s (got '%s'; did you mean '%s'?)",
                           p->name, context, list, text, s);
            else
                diag_error(loc, "'%s' in %s must be one of %s (got '%s')", p->name, context,
                           list, text);
        }
        return -1;
    case PARAM_RATE: {
        struct param_rate r;
        /* Only the fraction needs quotes ("30000/1001"); a quoted 20 is a
         * string, as for every other number. */
        if (quoted && !strchr(text, '/')) {
            type_error(p, v, context);
            return -1;
        }
        if (param_parse_rate(text, &r) != 0) {
            if (v)
                diag_error(loc, "'%s' in %s must be a positive rate such as 20, 12.5 or "
                           "\"30000/1001\", not '%s'", p->name, context, text);
            return -1;
        }
        if (!param_in_range(p, (double)r.num / r.den)) {
            range_error(p, loc, context, text);
            return -1;
        }
        *(struct param_rate *)dst = r;
        return 0;
    }
    case PARAM_DURATION: {
        struct param_duration d = {0, 0};
        int unit = param_parse_duration(text, &d.seconds);
        if (unit < 0 || (quoted && unit == 0)) {
            if (v)
                diag_error(loc, "'%s' in %s must be %s, not '%s'", p->name, context,
                           p->frames_unit ? "a whole number of frames or a time such as 0.5s"
                                          : "a time in seconds such as 2, 2s or 250ms", text);
            return -1;
        }
        if (unit == 0 && p->frames_unit) {
            int f;
            if (param_parse_int(text, &f) != 0 || f < 1 || f > 100000) {
                if (v)
                    diag_error(loc, "'%s' in %s must be a whole number of frames from 1 to "
                               "100000, or a time such as 0.5s (got '%s')", p->name, context, text);
                return -1;
            }
            d.frames = f;
        } else if (!param_in_range(p, d.seconds)) {
            range_error(p, loc, context, text);
            return -1;
        }
        *(struct param_duration *)dst = d;
        return 0;
    }
    case PARAM_NUMBERS:
    case PARAM_STRINGS:
        break;
    }

    /* NUMBERS: a YAML list [a, b, ...] or, for defaults, "a,b,...". */
    struct param_numbers *out = dst;
    double tmp[64];
    int n = 0, bad = 0;
    if (v) {
        if (v->type != SNODE_SEQ) {
            type_error(p, v, context);
            return -1;
        }
        for (int i = 0; i < v->n; i++) {
            const struct snode *it = v->vals[i];
            double x;
            if (n == (int)ARRAY_LEN(tmp)) {
                diag_error(&it->loc, "'%s' in %s takes at most %d numbers", p->name, context,
                           (int)ARRAY_LEN(tmp));
                return -1;
            }
            if (it->type != SNODE_SCALAR || !it->plain || param_parse_double(it->str, &x) != 0) {
                diag_error(&it->loc, "'%s' in %s must be a list of numbers; item %d is not a number",
                           p->name, context, i + 1);
                bad = 1;
                continue;
            }
            if (!param_in_range(p, x)) {
                range_error(p, &it->loc, context, it->str);
                bad = 1;
            }
            tmp[n++] = x;
        }
    } else if (text && *text) {
        const char *s = text;
        while (*s && n < (int)ARRAY_LEN(tmp)) {
            tmp[n++] = strtod(s, (char **)&s);
            while (*s == ',' || *s == ' ')
                s++;
        }
    }
    if (bad)
        return -1;
    if (v && p->count && n != p->count) {
        diag_error(&v->loc, "'%s' in %s must be a list of %d numbers (got %d)", p->name, context,
                   p->count, n);
        return -1;
    }
    if (v && n == 0) {
        diag_error(&v->loc, "'%s' in %s is an empty list: give numbers, or leave it out for the "
                   "default", p->name, context);
        return -1;
    }
    if (v && p->interval && !(tmp[0] < tmp[1])) {
        diag_error(&v->loc, "'%s' in %s must be [lo, hi] with lo < hi (got [%s, %s])", p->name,
                   context, v->vals[0]->str, v->vals[1]->str);
        return -1;
    }
    out->n = n;
    out->v = n ? arena_alloc(ar, sizeof(double) * (size_t)n) : NULL;
    if (n)
        memcpy(out->v, tmp, sizeof(double) * (size_t)n);
    return 0;
}

static int is_extra(const char *key, const char *const *extra)
{
    for (int i = 0; extra && extra[i]; i++)
        if (strcmp(extra[i], key) == 0)
            return 1;
    return 0;
}

int param_apply(const struct param_spec *specs, void *obj, const struct snode *map,
                const char *context, const char *const *extra, const struct diag_loc *where,
                struct arena *ar)
{
    int errors = 0;
    if (map && map->type != SNODE_MAP) {
        diag_error(&map->loc, "%s must be a mapping of keys to values, not %s", context,
                   map->type == SNODE_SEQ ? "a list" : "a single value");
        return -1;
    }
    /* Unknown keys first, in script order, so messages follow the file. */
    if (map) {
        const char *names[128];
        int nn = 0;
        for (const struct param_spec *p = specs; p->name && nn < 120; p++)
            names[nn++] = p->name;
        for (int i = 0; extra && extra[i] && nn < 128; i++)
            names[nn++] = extra[i];
        for (int i = 0; i < map->n; i++) {
            const char *key = map->keys[i];
            int known = is_extra(key, extra);
            for (const struct param_spec *p = specs; !known && p->name; p++)
                known = strcmp(p->name, key) == 0;
            if (known)
                continue;
            const char *s = diag_suggest(key, names, nn);
            if (s)
                diag_error(&map->key_locs[i], "unknown key '%s' in %s (did you mean '%s'?)", key,
                           context, s);
            else
                diag_error(&map->key_locs[i], "unknown key '%s' in %s", key, context);
            errors++;
        }
    }
    for (const struct param_spec *p = specs; p->name; p++) {
        const struct snode *v = map ? snode_get(map, p->name) : NULL;
        if (v) {
            const char *text = v->type == SNODE_SCALAR ? v->str : NULL;
            if (store(p, obj, v, text, context, ar) != 0)
                errors++;
        } else if (p->required) {
            diag_error(map ? &map->loc : where, "%s is missing required key '%s'", context, p->name);
            errors++;
        } else if (p->def) {
            if (store(p, obj, NULL, p->def, context, ar) != 0) {
                diag_fail("internal: bad default '%s' for '%s'", p->def, p->name);
                errors++;
            }
        }
    }
    return errors ? -1 : 0;
}

void param_defaults(const struct param_spec *specs, void *obj, struct arena *ar)
{
    for (const struct param_spec *p = specs; p->name; p++)
        if (p->def)
            store(p, obj, NULL, p->def, "defaults", ar);
}

void param_print(FILE *out, const struct param_spec *specs, const char *indent)
{
    for (const struct param_spec *p = specs; p->name; p++) {
        char t[256], r[96];
        param_describe_type(p, t, sizeof(t));
        param_describe_range(p, r, sizeof(r));
        fprintf(out, "%s%-16s %s", indent, p->name, t);
        if (p->required)
            fprintf(out, ", required");
        else if (p->def && *p->def)
            fprintf(out, ", default %s", p->def);
        if (r[0])
            fprintf(out, ", %s", r);
        fprintf(out, "\n%s%-16s %s\n", indent, "", p->doc);
    }
}

const struct param_spec *param_find(const struct param_spec *specs, const char *name)
{
    for (const struct param_spec *p = specs; p && p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

int param_apply_one(const struct param_spec *p, void *dst, const struct snode *v,
                    const char *context)
{
    /* store() writes at obj + offset: hand it the struct dst is in. */
    return store(p, (char *)dst - p->offset, v, v->str, context, NULL);
}
