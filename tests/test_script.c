/* Unit tests for script: the tree shape and 1-based locations of parsed YAML,
 * plain versus quoted scalars, anchors and aliases, the located errors the
 * module owns (syntax, several documents, non-scalar and duplicate keys,
 * unknown aliases) with their exact text, and loading from disk. Messages are
 * captured by pointing diag at a memory stream. */
#include <stdlib.h>

#include "check.h"
#include "diag_capture.h"
#include "script.h"
#include "util.h"


static struct script *parse(const char *text)
{
    return script_parse("t.yaml", text, strlen(text));
}

/* Parses text expecting failure, and returns whether exactly `expected` was
 * printed with exactly one error counted. */
static int fails_with(const char *text, const char *expected)
{
    capture_start();
    struct script *s = parse(text);
    int ok = s == NULL && diag_error_count() == 1 &&
             strcmp(capture_text(), expected) == 0;
    if (!ok)
        fprintf(stderr, "for:\n%s\ngot:\n%s", text, capture_text());
    script_free(s);
    capture_end();
    return ok;
}

static void nested_nodes_have_one_based_line_and_col(void)
{
    struct script *s = parse("scene:\n"
                             "  model:\n"
                             "    kind: mlp\n"
                             "    layers:\n"
                             "      - 4\n"
                             "      - [8, 16]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    const struct snode *scene = snode_get(s->root, "scene");
    const struct snode *model = snode_get(scene, "model");
    CHECK(s->root->type == SNODE_MAP && s->root->n == 1);
    CHECK(model && model->type == SNODE_MAP && model->n == 2);
    if (!model)
        goto out;
    CHECK(model->loc.line == 3 && model->loc.col == 5);
    CHECK_STR(model->keys[0], "kind");
    CHECK(model->key_locs[0].line == 3 && model->key_locs[0].col == 5);
    CHECK(model->key_locs[1].line == 4 && model->key_locs[1].col == 5);
    const struct snode *kind = model->vals[0];
    CHECK_STR(kind->str, "mlp");
    CHECK(kind->loc.line == 3 && kind->loc.col == 11);

    const struct snode *layers = snode_get(model, "layers");
    CHECK(layers && layers->type == SNODE_SEQ && layers->n == 2);
    if (!layers || layers->n != 2)
        goto out;
    CHECK(layers->loc.line == 5 && layers->loc.col == 7);
    CHECK_STR(layers->vals[0]->str, "4");
    const struct snode *flow = layers->vals[1];
    CHECK(flow->type == SNODE_SEQ && flow->n == 2);
    CHECK(flow->loc.line == 6 && flow->loc.col == 9);
    CHECK_STR(flow->vals[1]->str, "16");
    CHECK(flow->vals[1]->loc.line == 6 && flow->vals[1]->loc.col == 13);
out:
    script_free(s);
}

static void keys_keep_document_order(void)
{
    struct script *s = parse("{b: 1, a: 2, c: 3}");
    CHECK(s && s->root && s->root->n == 3);
    if (s && s->root && s->root->n == 3) {
        CHECK_STR(s->root->keys[0], "b");
        CHECK_STR(s->root->keys[1], "a");
        CHECK_STR(s->root->keys[2], "c");
        CHECK_STR(s->root->vals[1]->str, "2");
    }
    script_free(s);
}

static void every_location_points_at_the_script_path(void)
{
    char path[] = "scenes/x.yaml";
    const char *text = "a:\n  - b: c\n";
    struct script *s = script_parse(path, text, strlen(text));
    CHECK(s != NULL);
    if (!s)
        return;
    /* The caller's buffer may go away; the script must keep its own copy. */
    CHECK(s->path != path);
    CHECK_STR(s->path, "scenes/x.yaml");
    const struct snode *seq = snode_get(s->root, "a");
    CHECK(s->root->loc.file == s->path);
    CHECK(s->root->key_locs[0].file == s->path);
    CHECK(seq && seq->loc.file == s->path);
    CHECK(seq && seq->vals[0]->key_locs[0].file == s->path);
    CHECK(seq && seq->vals[0]->vals[0]->loc.file == s->path);
    script_free(s);
}

static void quoted_and_block_scalars_are_not_plain(void)
{
    struct script *s = parse("a: 1\n"
                             "b: \"1\"\n"
                             "c: '1'\n"
                             "d: |\n"
                             "  text\n"
                             "e: >\n"
                             "  folded\n");
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(snode_get(s->root, "a")->plain == 1);
    CHECK(snode_get(s->root, "b")->plain == 0);
    CHECK(snode_get(s->root, "c")->plain == 0);
    CHECK(snode_get(s->root, "d")->plain == 0);
    CHECK(snode_get(s->root, "e")->plain == 0);
    CHECK_STR(snode_get(s->root, "b")->str, "1");
    CHECK_STR(snode_get(s->root, "d")->str, "text\n");
    script_free(s);
}

static void missing_value_is_empty_plain_scalar(void)
{
    struct script *s = parse("a:\nb: ''\n");
    CHECK(s != NULL);
    if (!s)
        return;
    const struct snode *a = snode_get(s->root, "a");
    const struct snode *b = snode_get(s->root, "b");
    CHECK(a && a->type == SNODE_SCALAR && a->plain && strcmp(a->str, "") == 0);
    CHECK(b && b->type == SNODE_SCALAR && !b->plain && strcmp(b->str, "") == 0);
    script_free(s);
}

static void alias_shares_the_anchored_node(void)
{
    struct script *s = parse("base: &b\n"
                             "  lr: 0.1\n"
                             "one: *b\n"
                             "name: &n gd\n"
                             "two: [*n, *b]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    const struct snode *base = snode_get(s->root, "base");
    const struct snode *two = snode_get(s->root, "two");
    CHECK(base && base->type == SNODE_MAP);
    CHECK(snode_get(s->root, "one") == base);
    CHECK(two && two->n == 2 && two->vals[1] == base);
    CHECK(two && two->vals[0] == snode_get(s->root, "name"));
    CHECK(two && strcmp(two->vals[0]->str, "gd") == 0);
    script_free(s);
}

static void reused_anchor_name_means_the_latest(void)
{
    struct script *s = parse("a: &x 1\nb: &x 2\nc: *x\n");
    CHECK(s && snode_get(s->root, "c") == snode_get(s->root, "b"));
    script_free(s);
}

static void alias_as_key_is_located_where_written(void)
{
    struct script *s = parse("k: &k fps\n"
                             "m:\n"
                             "  *k : 30\n");
    CHECK(s != NULL);
    if (!s)
        return;
    const struct snode *m = snode_get(s->root, "m");
    CHECK(m && m->n == 1);
    CHECK(m && strcmp(m->keys[0], "fps") == 0);
    CHECK(m && m->key_locs[0].line == 3 && m->key_locs[0].col == 3);
    script_free(s);
}

static void empty_or_comment_only_text_has_null_root(void)
{
    capture_start();
    const char *texts[] = { "", "# only a comment\n\n# another\n", "---\n", "--- # c\n..." };
    for (int i = 0; i < 4; i++) {
        struct script *s = parse(texts[i]);
        CHECK(s != NULL);
        CHECK(s && s->root == NULL);
        script_free(s);
    }
    CHECK(diag_error_count() == 0);
    CHECK_STR(capture_text(), "");
    capture_end();
}

static void quoted_empty_document_is_not_null(void)
{
    struct script *s = parse("--- ''\n");
    CHECK(s && s->root && s->root->type == SNODE_SCALAR && !s->root->plain);
    script_free(s);
}

static void syntax_error_is_located_at_the_problem(void)
{
    CHECK(fails_with("name: demo\n"
                     "scene:\n"
                     "  fps: a: b\n",
                     "t.yaml:3:9: error: YAML syntax: mapping values are not allowed in this context\n"));
}

static void syntax_error_notes_the_open_construct(void)
{
    CHECK(fails_with("title: \"never closed\n"
                     "fps: 30\n",
                     "t.yaml:3:1: error: YAML syntax: found unexpected end of stream\n"
                     "t.yaml:1:8: note: while scanning a quoted scalar\n"));
    CHECK(fails_with("layers: [4, 8\n",
                     "t.yaml:2:1: error: YAML syntax: did not find expected ',' or ']'\n"
                     "t.yaml:1:9: note: while parsing a flow sequence\n"));
}

static void invalid_utf8_is_located_error(void)
{
    CHECK(fails_with("a: 1\nb: x\xff\n",
                     "t.yaml:2:5: error: YAML syntax: invalid leading UTF-8 octet (byte 0xFF)\n"));
}

static void second_document_is_located_error(void)
{
    CHECK(fails_with("fps: 30\n"
                     "---\n"
                     "fps: 60\n",
                     "t.yaml:2:1: error: only one YAML document per scene script\n"));
}

static void non_scalar_key_is_located_error(void)
{
    CHECK(fails_with("a: 1\n"
                     "? [x, y]\n"
                     ": 2\n",
                     "t.yaml:2:3: error: mapping key must be a scalar, not a sequence\n"));
    CHECK(fails_with("{ {k: v}: 1 }\n",
                     "t.yaml:1:3: error: mapping key must be a scalar, not a mapping\n"));
}

static void duplicate_key_is_located_error(void)
{
    CHECK(fails_with("video:\n"
                     "  fps: 30\n"
                     "  size: [64, 64]\n"
                     "  fps: 60\n",
                     "t.yaml:4:3: error: duplicate key 'fps'\n"
                     "t.yaml:2:3: note: first defined here\n"));
}

static void same_key_in_different_maps_is_fine(void)
{
    struct script *s = parse("a: {fps: 1}\nb: {fps: 2}\n");
    CHECK(s != NULL);
    CHECK(s && strcmp(snode_get(snode_get(s->root, "b"), "fps")->str, "2") == 0);
    script_free(s);
}

static void unknown_alias_is_located_error(void)
{
    CHECK(fails_with("a: 1\n"
                     "b: *nope\n",
                     "t.yaml:2:4: error: unknown alias 'nope'\n"));
}

static void alias_inside_its_own_anchor_is_unknown(void)
{
    /* Resolving it would make the tree a cycle. */
    CHECK(fails_with("a: &loop [1, *loop]\n",
                     "t.yaml:1:14: error: unknown alias 'loop'\n"));
}

static void deep_nesting_is_rejected_not_crashed(void)
{
    size_t depth = 100000;
    char *text = malloc(2 * depth + 1);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[2 * depth] = '\0';
    capture_start();
    struct script *s = parse(text);
    CHECK(s == NULL);
    CHECK(diag_error_count() == 1);
    CHECK(strstr(capture_text(), "error: nesting deeper than") != NULL);
    script_free(s);
    capture_end();
    free(text);
}

static void load_reads_the_file_and_keeps_its_path(void)
{
    const char *path = BINARY_DIR "/test_script_load.yaml";
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("# lesson\nname: demo\nfps: 30\n", f);
    fclose(f);
    struct script *s = script_load(path);
    remove(path);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_STR(s->path, path);
    const struct snode *fps = snode_get(s->root, "fps");
    CHECK(fps && strcmp(fps->str, "30") == 0);
    CHECK(fps && fps->loc.file == s->path && fps->loc.line == 3 && fps->loc.col == 6);
    script_free(s);
}

static void load_of_missing_file_reports_reason(void)
{
    capture_start();
    struct script *s = script_load("no/such/scene.yaml");
    CHECK(s == NULL);
    CHECK(diag_error_count() == 1);
    CHECK_STR(capture_text(),
              "mlanim: error: cannot read 'no/such/scene.yaml': No such file or directory\n");
    script_free(s);     /* NULL, as callers will pass on their error path */
    capture_end();
}

static void load_of_directory_reports_reason(void)
{
    capture_start();
    struct script *s = script_load("tests");
    CHECK(s == NULL);
    CHECK(diag_error_count() == 1);
    CHECK_STR(capture_text(), "mlanim: error: cannot read 'tests': Is a directory\n");
    capture_end();
}

static void get_and_find_look_up_map_keys_only(void)
{
    struct script *s = parse("a: 1\nb: [x]\n");
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(snode_find(s->root, "a") == 0);
    CHECK(snode_find(s->root, "b") == 1);
    CHECK(snode_find(s->root, "c") == -1);
    CHECK(snode_get(s->root, "c") == NULL);
    const struct snode *b = snode_get(s->root, "b");
    CHECK(b && b->type == SNODE_SEQ);
    CHECK(snode_find(b, "x") == -1);
    CHECK(snode_get(b, "x") == NULL);
    CHECK(snode_get(snode_get(s->root, "a"), "a") == NULL);
    CHECK(snode_get(NULL, "a") == NULL);
    CHECK(snode_find(NULL, "a") == -1);
    script_free(s);
}

static void type_names_match_yaml_terms(void)
{
    CHECK_STR(snode_type_name(SNODE_SCALAR), "scalar");
    CHECK_STR(snode_type_name(SNODE_MAP), "mapping");
    CHECK_STR(snode_type_name(SNODE_SEQ), "sequence");
}

/* A mapping of many keys is read in linear time (the duplicate check is a
 * hash table), and a duplicate among them is still found and located. */
static void many_keys_parse_and_a_late_duplicate_is_found(void)
{
    struct sbuf b = {0};
    for (int i = 0; i < 40000; i++)
        sbuf_printf(&b, "k%d: %d\n", i, i);
    struct script *s = parse(b.buf);
    CHECK(s && s->root && s->root->n == 40000);
    CHECK(s && s->root && s->root->expanded == 1 + 2 * 40000);
    script_free(s);
    sbuf_printf(&b, "k17: again\n");
    CHECK(fails_with(b.buf, "t.yaml:40001:1: error: duplicate key 'k17'\n"
                            "t.yaml:18:1: note: first defined here\n"));
    sbuf_release(&b);
}

static void nul_character_in_a_value_is_refused(void)
{
    static const char text[] = "id: \"ab\\0cd\"\n";
    CHECK(fails_with(text, "t.yaml:1:5: error: a NUL character (\\0) is not allowed in a "
                           "script value\n"));
}

static void str_tag_reads_as_quoted_and_other_tags_are_refused(void)
{
    struct script *s = parse("a: !!str 10\nb: 10\nc: !!int 10\nd: ! 10\n");
    CHECK(s != NULL);
    if (s) {
        CHECK(snode_get(s->root, "a")->plain == 0);
        CHECK(snode_get(s->root, "b")->plain == 1);
        CHECK(snode_get(s->root, "c")->plain == 1);
        CHECK(snode_get(s->root, "d")->plain == 0);
    }
    script_free(s);
    CHECK(fails_with("a: !x 1\n", "t.yaml:1:4: error: YAML tag '!x' is not part of the scene "
                                   "format (remove it)\n"));
}

/* An alias costs what it names: the expanded size is counted, so aliases
 * cannot multiply a small file into millions of values. */
static void aliases_count_in_full_and_are_bounded(void)
{
    struct script *s = parse("a: &x [1, 2, 3]\nb: [*x, *x]\n");
    CHECK(s && s->root->expanded == 1 + 2 + 4 + 1 + 2 * 4);
    script_free(s);
    struct sbuf b = {0};
    sbuf_printf(&b, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 7; i++)
        sbuf_printf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
                    i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    capture_start();
    s = parse(b.buf);
    CHECK(s == NULL && diag_error_count() == 1);
    CHECK(strstr(capture_text(), "expands the script past 100000 values (limit yaml-nodes") != NULL);
    capture_end();
    sbuf_release(&b);
}

int main(void)
{
    RUN(nested_nodes_have_one_based_line_and_col);
    RUN(keys_keep_document_order);
    RUN(every_location_points_at_the_script_path);
    RUN(quoted_and_block_scalars_are_not_plain);
    RUN(missing_value_is_empty_plain_scalar);
    RUN(alias_shares_the_anchored_node);
    RUN(reused_anchor_name_means_the_latest);
    RUN(alias_as_key_is_located_where_written);
    RUN(empty_or_comment_only_text_has_null_root);
    RUN(quoted_empty_document_is_not_null);
    RUN(syntax_error_is_located_at_the_problem);
    RUN(syntax_error_notes_the_open_construct);
    RUN(invalid_utf8_is_located_error);
    RUN(second_document_is_located_error);
    RUN(non_scalar_key_is_located_error);
    RUN(duplicate_key_is_located_error);
    RUN(same_key_in_different_maps_is_fine);
    RUN(unknown_alias_is_located_error);
    RUN(alias_inside_its_own_anchor_is_unknown);
    RUN(deep_nesting_is_rejected_not_crashed);
    RUN(load_reads_the_file_and_keeps_its_path);
    RUN(load_of_missing_file_reports_reason);
    RUN(load_of_directory_reports_reason);
    RUN(get_and_find_look_up_map_keys_only);
    RUN(type_names_match_yaml_terms);
    RUN(many_keys_parse_and_a_late_duplicate_is_found);
    RUN(nul_character_in_a_value_is_refused);
    RUN(str_tag_reads_as_quoted_and_other_tags_are_refused);
    RUN(aliases_count_in_full_and_are_bounded);
    return CHECK_SUMMARY();
}
