/* json: a small streaming JSON writer for manifests and traces.
 *
 * Calls nest like the document: json_object(j, key) ... json_end(j). Inside
 * an object every value takes a key; inside an array the key must be NULL.
 * Numbers that are not finite (a diverged run) are written as null, since
 * JSON has no NaN. Strings are written as valid JSON whatever their bytes:
 * control characters are escaped and each byte that is not part of valid
 * UTF-8 becomes U+FFFD. Output is pretty-printed with two-space indents so it
 * diffs well. Errors are sticky (cairo's style): check json_failed once. */
#ifndef JSON_H
#define JSON_H

#include <stdio.h>

struct json {
    FILE *f;
    int depth;
    int count[64];      /* values written at each depth */
    char closer[64];    /* ']' or '}' for each open container */
    int inline_depth;   /* depth from which arrays stay on one line (0: none) */
};

void json_init(struct json *j, FILE *f);
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
/* Like json_array, but the items stay on one line (lists of numbers). */
void json_array_inline(struct json *j, const char *key);
void json_end(struct json *j);
void json_string(struct json *j, const char *key, const char *s);
void json_number(struct json *j, const char *key, double v);
void json_int(struct json *j, const char *key, long long v);
void json_bool(struct json *j, const char *key, int v);
int json_failed(const struct json *j);
/* Closes the stream; 0, or -1 after reporting that path could not be
 * written (a failed write anywhere in the document, or in fclose). */
int json_close(struct json *j, const char *path);

#endif
