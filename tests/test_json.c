/* Unit tests for the JSON writer: strings come out as valid JSON whatever
 * bytes they hold (escapes for quotes, backslashes and control characters,
 * U+FFFD for each byte that is not UTF-8), valid UTF-8 passes through
 * untouched, and the layout of objects, arrays and numbers. Each test
 * writes into a memory stream and compares the exact bytes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"

#define FFFD "\xEF\xBF\xBD"

/* The document {"s": VALUE} as written for s; caller frees. */
static char *doc_with_string(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct json j;
    json_init(&j, f);
    json_object(&j, NULL);
    json_string(&j, "s", s);
    json_end(&j);
    CHECK(!json_failed(&j));
    fclose(f);
    return buf;
}

#define CHECK_STRING(in, out) do { \
    char *check_doc_ = doc_with_string(in); \
    CHECK_STR(check_doc_, "{\n  \"s\": \"" out "\"\n}\n"); \
    free(check_doc_); \
    } while (0)

/* Strict UTF-8 check of a whole document, and no raw control character:
 * what a JSON parser needs of the bytes. */
static int is_json_text(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        unsigned long c = *u, min;
        int n;
        if (c < 0x80) {
            if (c < 0x20 && c != '\n')
                return 0;
            u++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) { n = 2; c &= 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { n = 3; c &= 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { n = 4; c &= 0x07; min = 0x10000; }
        else return 0;
        for (int i = 1; i < n; i++) {
            if ((u[i] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (u[i] & 0x3Fu);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        u += n;
    }
    return 1;
}

static void json_string_escapes_quotes_backslashes_and_controls(void)
{
    CHECK_STRING("a\"b\\c", "a\\\"b\\\\c");
    CHECK_STRING("l1\nl2\r\tx", "l1\\nl2\\r\\tx");
    CHECK_STRING("\x01\x1b[31m\x1f", "\\u0001\\u001b[31m\\u001f");
    CHECK_STRING("\b\f", "\\u0008\\u000c");
}

static void json_string_keeps_valid_utf8(void)
{
    CHECK_STRING("caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80");
    CHECK_STRING("\xC2\x80 \xEF\xBF\xBD \xF4\x8F\xBF\xBF \x7F", "\xC2\x80 \xEF\xBF\xBD \xF4\x8F\xBF\xBF \x7F");
}

static void json_string_replaces_each_invalid_byte_with_fffd(void)
{
    CHECK_STRING("\xFF\xFE", FFFD FFFD);
    CHECK_STRING("a\xFF" "b", "a" FFFD "b");
    CHECK_STRING("\xC0\x80", FFFD FFFD);                    /* overlong NUL */
    CHECK_STRING("\xC1\xBF", FFFD FFFD);                    /* overlong */
    CHECK_STRING("\xE0\x80\xAF", FFFD FFFD FFFD);           /* overlong '/' */
    CHECK_STRING("\xED\xA0\x80", FFFD FFFD FFFD);           /* surrogate U+D800 */
    CHECK_STRING("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD);  /* past U+10FFFF */
    CHECK_STRING("\xF5\x80", FFFD FFFD);
    CHECK_STRING("\x80x", FFFD "x");                        /* stray continuation */
    CHECK_STRING("\xE2\x82", FFFD FFFD);                    /* cut short at the end */
    CHECK_STRING("\xE2\x82\"", FFFD FFFD "\\\"");           /* cut short by a quote */
    CHECK_STRING("\xF0\x9F\x98", FFFD FFFD FFFD);
}

static void json_document_with_bad_bytes_everywhere_is_valid_text(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct json j;
    json_init(&j, f);
    json_object(&j, NULL);
    json_string(&j, "k\xFF\x01", "v\xC0\xAF\x1b");
    json_array(&j, "classes\xED\xBF\xBF");
    json_string(&j, NULL, "\xFF\xFE");
    json_string(&j, NULL, "b");
    json_end(&j);
    json_number(&j, "nan", NAN);
    json_end(&j);
    fclose(f);
    CHECK(is_json_text(buf));
    CHECK_STR(buf, "{\n  \"k" FFFD "\\u0001\": \"v" FFFD FFFD "\\u001b\",\n"
                   "  \"classes" FFFD FFFD FFFD "\": [\n    \"" FFFD FFFD "\",\n    \"b\"\n  ],\n"
                   "  \"nan\": null\n}\n");
    free(buf);
}

int main(void)
{
    RUN(json_string_escapes_quotes_backslashes_and_controls);
    RUN(json_string_keeps_valid_utf8);
    RUN(json_string_replaces_each_invalid_byte_with_fffd);
    RUN(json_document_with_bad_bytes_everywhere_is_valid_text);
    return CHECK_SUMMARY();
}
