/* json: streaming writer (see json.h). */
#include "json.h"

#include <errno.h>
#include "diag.h"
#include "utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j, FILE *f)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
}


/* A JSON string: quotes, backslashes and every control character escaped
 * (\u00xx but for the short \n, \r, \t), and each byte that is not part
 * of valid UTF-8 written as U+FFFD, so that whatever a caller passes (text
 * from a data file, say) the document stays valid JSON. */
static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c;) {
        switch (*c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*c < 0x20) {
                fprintf(f, "\\u%04x", *c);
            } else {
                unsigned long cp;
                int n = utf8_decode(c, &cp);
                if (n == 0)
                    fputs("\xEF\xBF\xBD", f);    /* U+FFFD in UTF-8 */
                else
                    fwrite(c, 1, (size_t)n, f);
                c += n ? n : 1;
                continue;
            }
        }
        c++;
    }
    fputc('"', f);
}

static void begin_value(struct json *j, const char *key)
{
    int in_line = j->inline_depth && j->depth >= j->inline_depth;
    if (j->depth > 0) {
        if (j->count[j->depth]++)
            fputc(',', j->f);
        if (in_line) {
            if (j->count[j->depth] > 1)
                fputc(' ', j->f);
        } else {
            fputc('\n', j->f);
            for (int i = 0; i < j->depth; i++)
                fputs("  ", j->f);
        }
    }
    if (key) {
        put_string(j->f, key);
        fputs(": ", j->f);
    }
}

static void open_container(struct json *j, const char *key, char c)
{
    begin_value(j, key);
    fputc(c, j->f);
    if (j->depth < 63)
        j->depth++;
    j->count[j->depth] = 0;
    j->closer[j->depth] = c == '{' ? '}' : ']';
}

void json_object(struct json *j, const char *key)
{
    open_container(j, key, '{');
}

void json_array(struct json *j, const char *key)
{
    open_container(j, key, '[');
}

void json_array_inline(struct json *j, const char *key)
{
    open_container(j, key, '[');
    if (!j->inline_depth)
        j->inline_depth = j->depth;
}

void json_end(struct json *j)
{
    int in_line = j->inline_depth && j->depth >= j->inline_depth;
    int had = j->count[j->depth];
    char closer = j->closer[j->depth];
    if (j->inline_depth == j->depth)
        j->inline_depth = 0;
    j->depth--;
    if (!in_line && had) {
        fputc('\n', j->f);
        for (int i = 0; i < j->depth; i++)
            fputs("  ", j->f);
    }
    fputc(closer, j->f);
    if (j->depth == 0)
        fputc('\n', j->f);
}

void json_string(struct json *j, const char *key, const char *s)
{
    begin_value(j, key);
    put_string(j->f, s ? s : "");
}

void json_number(struct json *j, const char *key, double v)
{
    begin_value(j, key);
    if (!isfinite(v))
        fputs("null", j->f);
    else if (v == floor(v) && fabs(v) < 1e15)
        fprintf(j->f, "%.0f", v);
    else {
        /* The shortest form that reads back as the same double, so a trace
         * can be checked exactly. */
        char buf[32];
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof(buf), "%.*g", prec, v);
            if (strtod(buf, NULL) == v)
                break;
        }
        fputs(buf, j->f);
    }
}

void json_int(struct json *j, const char *key, long long v)
{
    begin_value(j, key);
    fprintf(j->f, "%lld", v);
}

void json_bool(struct json *j, const char *key, int v)
{
    begin_value(j, key);
    fputs(v ? "true" : "false", j->f);
}

int json_failed(const struct json *j)
{
    return ferror(j->f) != 0;
}

int json_close(struct json *j, const char *path)
{
    int bad = json_failed(j);
    bad |= fclose(j->f) != 0;
    j->f = NULL;
    if (bad)
        return diag_fail("cannot write '%s': %s", path, strerror(errno));
    return 0;
}
