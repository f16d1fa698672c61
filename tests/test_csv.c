/* Unit tests for data csv: what real CSV files contain (a byte-order mark,
 * CR LF or CR line ends, quoted headers and cells with commas and doubled
 * quotes, padding, blank lines, wide headers, long rows, no final newline),
 * the three kinds of column (features, target, classes), and every error
 * with its exact located text. Each test writes its CSV into a fresh
 * mkdtemp folder, takes its options from YAML text through the script API
 * and param_apply, as a scene does, and calls the kind's make with diag
 * pointed at a memory stream. */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "data.h"
#include "util.h"

extern const struct data_kind data_csv;

static char dir[] = "/tmp/test_csv.XXXXXX";

static void write_bytes(const char *name, const void *data, size_t n)
{
    char *path = path_join(dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
    free(path);
}

static void write_text(const char *name, const char *text)
{
    write_bytes(name, text, strlen(text));
}

/* What one load printed, and the dataset it made (released by done()). */
struct load {
    int rc;
    struct dataset ds;
    char *err;
    size_t err_len;
};

/* Loads `kind: csv` followed by opts (so opts start on line 2 of
 * "scene.yaml"; `file: NAME` on line 2 is at column 7). The scene lets
 * `features` past param_apply as a key the kind reads itself. */
static struct load load(const char *opts)
{
    static const char *const extra[] = {"kind", "features", NULL};
    struct load l = {0};
    FILE *f = open_memstream(&l.err, &l.err_len);
    diag_set_stream(f);
    diag_reset();
    struct sbuf text = {0};
    sbuf_printf(&text, "kind: csv\n%s", opts);
    struct script *s = script_parse("scene.yaml", text.buf, text.len);
    struct arena ar = {0};
    l.rc = -1;
    if (s && s->root) {
        void *o = arena_alloc(&ar, data_csv.head.opts_size);
        l.rc = param_apply(data_csv.head.params, o, s->root, "data 'csv'", extra, &s->root->loc, &ar);
        if (l.rc == 0) {
            struct rng r;
            rng_seed(&r, 7);
            struct data_ctx ctx = {dir, &s->root->loc, s->root};
            l.rc = data_csv.make(o, &r, &ctx, &l.ds);
        }
    }
    diag_set_stream(NULL);
    fclose(f);
    arena_free(&ar);
    script_free(s);
    sbuf_release(&text);
    return l;
}

static void done(struct load *l)
{
    dataset_release(&l->ds);
    free(l->err);
}

/* The expected message text with every "@" replaced by the test folder. */
static char *in_dir(const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    struct sbuf b = {0};
    for (const char *c = tmp; *c; c++)
        if (*c == '@')
            sbuf_puts(&b, dir);
        else
            sbuf_add(&b, c, 1);
    return b.buf;
}

#define CHECK_ERR(l, ...) do { \
    char *check_want_ = in_dir(__VA_ARGS__); \
    CHECK((l).rc != 0); \
    CHECK_STR((l).err, check_want_); \
    free(check_want_); \
    } while (0)

static int has_cap(const struct dataset *s, const char *name)
{
    struct capset caps = {0};
    dataset_capabilities(s, &caps);
    return capset_has(&caps, name);
}

/* ---- what real files contain -------------------------------------------- */

static void csv_reads_x_and_y_columns_by_name(void)
{
    write_text("t.csv", "celsius,fahrenheit\n-40,-40\n0,32\n100,212\n");
    struct load l = load("file: t.csv\nx: celsius\ny: fahrenheit\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 3);
    CHECK(l.ds.d == 1);
    CHECK(l.ds.y != NULL);
    CHECK(l.ds.label == NULL);
    if (l.ds.n == 3 && l.ds.y) {
        CHECK(l.ds.x[0] == -40 && l.ds.x[1] == 0 && l.ds.x[2] == 100);
        CHECK(l.ds.y[0] == -40 && l.ds.y[1] == 32 && l.ds.y[2] == 212);
    }
    CHECK(l.ds.feature_names && strcmp(l.ds.feature_names[0], "celsius") == 0);
    CHECK(has_cap(&l.ds, "data-1d"));
    CHECK(has_cap(&l.ds, "points"));
    CHECK(!has_cap(&l.ds, "labels"));
    done(&l);
}

static void csv_draws_one_seed_from_the_scene_stream(void)
{
    write_text("t.csv", "a,b\n1,2\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    struct rng r;
    rng_seed(&r, 7);
    CHECK(l.rc == 0);
    CHECK(l.ds.seed == rng_next(&r));
    done(&l);
}

static void csv_with_byte_order_mark_reads_its_first_column(void)
{
    write_text("t.csv", "\xEF\xBB\xBF" "celsius,fahrenheit\n5,41\n");
    struct load l = load("file: t.csv\nx: celsius\ny: fahrenheit\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 1 && l.ds.x && l.ds.x[0] == 5 && l.ds.y && l.ds.y[0] == 41);
    done(&l);
}

static void csv_with_crlf_line_ends_reads_every_row(void)
{
    write_text("t.csv", "a,b\r\n1,2\r\n3,4\r\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 2);
    if (l.ds.n == 2)
        CHECK(l.ds.x[1] == 3 && l.ds.y[1] == 4);
    done(&l);
}

static void csv_with_crlf_line_ends_locates_a_bad_cell_on_its_line(void)
{
    write_text("t.csv", "a,b\r\n1,2\r\n3,x\r\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:3:3: error: not a number: 'x'\n");
    done(&l);
}

static void csv_with_lone_cr_line_ends_counts_each_as_a_line(void)
{
    write_text("t.csv", "a,b\r1,2\r3,x\r");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:3:3: error: not a number: 'x'\n");
    done(&l);
}

static void csv_quoted_header_with_comma_and_doubled_quotes_is_found(void)
{
    write_text("t.csv", "\"Temp, \xC2\xB0" "C\",\"say \"\"hi\"\"\",plain\n1,2,3\n");
    struct load l = load("file: t.csv\nx: \"Temp, \xC2\xB0" "C\"\ny: 'say \"hi\"'\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 1 && l.ds.x && l.ds.x[0] == 1 && l.ds.y && l.ds.y[0] == 2);
    done(&l);
}

static void csv_quoted_cells_keep_embedded_commas_and_doubled_quotes(void)
{
    write_text("t.csv", "v,kind\n\" 1.5 \",\"a, b\"\n2,\"say \"\"x\"\"\"\n3,\"a, b\"\n");
    struct load l = load("file: t.csv\nx: v\nlabel: kind\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 3 && l.ds.y == NULL);
    CHECK(l.ds.nclasses == 2);
    if (l.ds.n == 3 && l.ds.label && l.ds.class_names && l.ds.nclasses == 2) {
        CHECK(l.ds.x[0] == 1.5);
        CHECK_STR(l.ds.class_names[0], "a, b");
        CHECK_STR(l.ds.class_names[1], "say \"x\"");
        CHECK(l.ds.label[0] == 0 && l.ds.label[1] == 1 && l.ds.label[2] == 0);
    }
    done(&l);
}

static void csv_line_numbers_count_newlines_inside_quoted_cells(void)
{
    write_text("t.csv", "a,note,b\n1,\"two\nlines\",2\n3,x,4O\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:4:5: error: not a number: '4O'\n");
    done(&l);
}

static void csv_trims_spaces_around_fields(void)
{
    write_text("t.csv", "  a ,\tb \n 1 ,\t2\t\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 1 && l.ds.x && l.ds.x[0] == 1 && l.ds.y && l.ds.y[0] == 2);
    done(&l);
}

static void csv_skips_blank_lines(void)
{
    write_text("t.csv", "\n\na,b\n\n1,2\n   \n\r\n3,4\n\n\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 2);
    done(&l);
}

static void csv_final_line_without_newline_is_read(void)
{
    write_text("t.csv", "a,b\n1,2\n3,4");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 2);
    if (l.ds.n == 2)
        CHECK(l.ds.x[1] == 3 && l.ds.y[1] == 4);
    done(&l);
}

static void write_wide(const char *name, int ncols)
{
    struct sbuf b = {0};
    for (int j = 0; j < ncols; j++)
        sbuf_printf(&b, "%sc%d", j ? "," : "", j);
    sbuf_puts(&b, "\n");
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < ncols; j++)
            sbuf_printf(&b, "%d%s", 100 * i + j, j + 1 < ncols ? "," : "\n");
    write_bytes(name, b.buf, b.len);
    sbuf_release(&b);
}

static void csv_with_seventy_two_columns_reads_the_last_one(void)
{
    write_wide("t.csv", 72);
    struct load l = load("file: t.csv\nx: c71\ny: c35\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 2);
    if (l.ds.n == 2)
        CHECK(l.ds.x[0] == 71 && l.ds.x[1] == 171 && l.ds.y[0] == 35 && l.ds.y[1] == 135);
    done(&l);
}

static void csv_row_longer_than_4_kb_is_read_whole(void)
{
    struct sbuf b = {0};
    sbuf_puts(&b, "note,x,y\n");
    for (int i = 0; i < 10000; i++)
        sbuf_add(&b, "n", 1);
    sbuf_puts(&b, ",7,8\n");
    write_bytes("t.csv", b.buf, b.len);
    struct load l = load("file: t.csv\nx: x\ny: y\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 1 && l.ds.x && l.ds.x[0] == 7 && l.ds.y && l.ds.y[0] == 8);
    done(&l);
    /* ... and a bad cell after such a field is placed exactly. */
    b.len -= 2;
    sbuf_puts(&b, "8x\n");
    write_bytes("t.csv", b.buf, b.len);
    l = load("file: t.csv\nx: x\ny: y\n");
    CHECK_ERR(l, "@/t.csv:2:10004: error: not a number: '8x'\n");
    done(&l);
    sbuf_release(&b);
}

static void csv_cells_past_the_header_are_ignored(void)
{
    write_text("t.csv", "a,b\n1,2,3,\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK(l.rc == 0);
    CHECK(l.ds.n == 1);
    done(&l);
}

static void csv_subnormal_numbers_are_accepted(void)
{
    write_text("t.csv", "a,b\n1e-310,4.9e-324\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    if (l.ds.n == 1) {
        CHECK(l.ds.x[0] == strtod("1e-310", NULL) && l.ds.x[0] > 0);
        CHECK(l.ds.y[0] == strtod("4.9e-324", NULL) && l.ds.y[0] > 0);
    }
    done(&l);
}

/* ---- features and classes ------------------------------------------------ */

static void csv_features_list_reads_several_columns_in_its_order(void)
{
    write_text("t.csv", "a,b,c,t\n1,2,3,9\n4,5,6,8\n");
    struct load l = load("file: t.csv\nfeatures: [c, a, b]\ny: t\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.n == 2 && l.ds.d == 3);
    if (l.ds.n == 2 && l.ds.d == 3) {
        CHECK(dataset_x(&l.ds, 0, 0) == 3 && dataset_x(&l.ds, 0, 1) == 1 && dataset_x(&l.ds, 0, 2) == 2);
        CHECK(dataset_x(&l.ds, 1, 0) == 6 && dataset_x(&l.ds, 1, 1) == 4 && dataset_x(&l.ds, 1, 2) == 5);
        CHECK(l.ds.y[1] == 8);
        CHECK_STR(l.ds.feature_names[0], "c");
        CHECK_STR(l.ds.feature_names[2], "b");
    }
    CHECK(has_cap(&l.ds, "points"));
    CHECK(!has_cap(&l.ds, "data-1d"));
    done(&l);
}

static void csv_label_with_integer_classes_orders_them_numerically(void)
{
    write_text("t.csv", "a,b,k\n1,1,10\n2,2,2\n3,3,-1\n4,4,02\n");
    struct load l = load("file: t.csv\nfeatures: [a, b]\nlabel: k\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.nclasses == 3);
    if (l.ds.n == 4 && l.ds.label && l.ds.class_names && l.ds.nclasses == 3) {
        CHECK_STR(l.ds.class_names[0], "-1");
        CHECK_STR(l.ds.class_names[1], "2");
        CHECK_STR(l.ds.class_names[2], "10");
        CHECK(l.ds.label[0] == 2 && l.ds.label[1] == 1 && l.ds.label[2] == 0 && l.ds.label[3] == 1);
    }
    CHECK(has_cap(&l.ds, "labels"));
    done(&l);
}

static void csv_label_with_string_classes_keeps_first_appearance_order(void)
{
    write_text("t.csv", "a,b,species\n1,1,setosa\n2,2,virginica\n3,3,setosa\n4,4,versicolor\n");
    struct load l = load("file: t.csv\nfeatures: [a, b]\nlabel: species\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.nclasses == 3);
    if (l.ds.n == 4 && l.ds.label && l.ds.class_names && l.ds.nclasses == 3) {
        CHECK_STR(l.ds.class_names[0], "setosa");
        CHECK_STR(l.ds.class_names[1], "virginica");
        CHECK_STR(l.ds.class_names[2], "versicolor");
        CHECK(l.ds.label[0] == 0 && l.ds.label[1] == 1 && l.ds.label[2] == 0 && l.ds.label[3] == 2);
    }
    done(&l);
}

static void csv_more_classes_than_allowed_is_located_at_the_first_extra(void)
{
    struct sbuf b = {0};
    sbuf_puts(&b, "x,k\n");
    for (int i = 0; i <= DATA_MAX_CLASSES; i++)
        sbuf_printf(&b, "%d,k%d\n", i, i);
    write_bytes("t.csv", b.buf, b.len);
    sbuf_release(&b);
    struct load l = load("file: t.csv\nx: x\nlabel: k\n");
    CHECK_ERR(l, "@/t.csv:%d:4: error: column 'k' has more than %d different values ('k%d' is "
              "one too many); a class column can have at most %d classes\n",
              DATA_MAX_CLASSES + 2, DATA_MAX_CLASSES, DATA_MAX_CLASSES, DATA_MAX_CLASSES);
    done(&l);
}

static void csv_empty_class_cell_is_refused(void)
{
    write_text("t.csv", "x,k\n1,a\n2,\n");
    struct load l = load("file: t.csv\nx: x\nlabel: k\n");
    CHECK_ERR(l, "@/t.csv:3:3: error: empty cell in the class column 'k'\n");
    done(&l);
}

/* ---- options -------------------------------------------------------------- */

static void csv_needs_x_or_features(void)
{
    write_text("t.csv", "a,b\n1,2\n");
    struct load l = load("file: t.csv\ny: b\n");
    CHECK_ERR(l, "scene.yaml:1:1: error: data 'csv' needs its feature column: give 'x: NAME', "
              "or 'features: [NAME, ...]' for several\n");
    done(&l);
}

static void csv_x_and_features_together_are_refused(void)
{
    write_text("t.csv", "a,b\n1,2\n");
    struct load l = load("file: t.csv\nx: a\nfeatures: [a, b]\n");
    CHECK_ERR(l, "scene.yaml:4:11: error: data 'csv' takes 'x' (one feature column) or "
              "'features' (a list of them), not both\n");
    done(&l);
}

static void csv_features_item_that_is_not_a_name_is_located(void)
{
    write_text("t.csv", "a,b\n1,2\n");
    struct load l = load("file: t.csv\nfeatures: [a, {b: 1}, [c]]\n");
    CHECK_ERR(l, "scene.yaml:3:15: error: 'features' in data 'csv' must be a list of column "
              "names; item 2 is a mapping\n"
              "scene.yaml:3:23: error: 'features' in data 'csv' must be a list of column "
              "names; item 3 is a list\n");
    done(&l);
}

static void csv_features_that_is_not_a_list_is_refused(void)
{
    write_text("t.csv", "a,b\n1,2\n");
    struct load l = load("file: t.csv\nfeatures: a\n");
    CHECK_ERR(l, "scene.yaml:3:11: error: 'features' in data 'csv' must be a list of column "
              "names such as [a, b], not a single value\n");
    done(&l);
    l = load("file: t.csv\nfeatures: []\n");
    CHECK_ERR(l, "scene.yaml:3:11: error: 'features' in data 'csv' must name at least one column\n");
    done(&l);
}

/* ---- columns the header does not have ------------------------------------ */

static void csv_missing_column_lists_the_header_it_read(void)
{
    write_text("x.csv", "celsius,F,note\n1,2,a\n");
    struct load l = load("file: x.csv\nx: celsius\ny: fahrenheit\n");
    CHECK_ERR(l, "scene.yaml:4:4: error: column 'fahrenheit' is not in the header of '@/x.csv' "
              "(it has: celsius, F, note)\n");
    done(&l);
}

static void csv_missing_columns_suggest_close_names_each_at_its_option(void)
{
    write_text("x.csv", "Celsius,Fahrenheit\n1,2\n");
    struct load l = load("file: x.csv\nx: celsius\ny: farenheit\n");
    CHECK_ERR(l, "scene.yaml:3:4: error: column 'celsius' is not in the header of '@/x.csv' "
              "(did you mean 'Celsius'? it has: Celsius, Fahrenheit)\n"
              "scene.yaml:4:4: error: column 'farenheit' is not in the header of '@/x.csv' "
              "(did you mean 'Fahrenheit'? it has: Celsius, Fahrenheit)\n");
    done(&l);
}

static void csv_missing_feature_is_located_at_its_list_item(void)
{
    write_text("x.csv", "a,b\n1,2\n");
    struct load l = load("file: x.csv\nfeatures: [a, zz]\n");
    CHECK_ERR(l, "scene.yaml:3:15: error: column 'zz' is not in the header of '@/x.csv' "
              "(it has: a, b)\n");
    done(&l);
}

static void csv_missing_column_of_a_wide_header_lists_its_first_names(void)
{
    write_wide("t.csv", 72);
    struct load l = load("file: t.csv\nx: nope\n");
    CHECK_ERR(l, "scene.yaml:3:4: error: column 'nope' is not in the header of '@/t.csv' (it has "
              "72 columns: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, "
              "c16, c17, c18, c19, c20, c21, c22, c23 and 48 more)\n");
    done(&l);
}

static void csv_column_named_twice_in_the_header_is_ambiguous(void)
{
    write_text("t.csv", "a,b,a\n1,2,3\n");
    struct load l = load("file: t.csv\nx: a\n");
    CHECK_ERR(l, "scene.yaml:3:4: error: column 'a' appears more than once in the header of "
              "'@/t.csv' (columns 1 and 3): rename one\n");
    done(&l);
}

/* ---- bad cells and rows --------------------------------------------------- */

static void csv_bad_cell_is_located_at_its_first_byte(void)
{
    write_text("t.csv", "celsius,fahrenheit\n-40,-40\n0,32\n10,5O\n100,212\n");
    struct load l = load("file: t.csv\nx: celsius\ny: fahrenheit\n");
    CHECK_ERR(l, "@/t.csv:4:4: error: not a number: '5O'\n");
    done(&l);
    write_text("t.csv", "celsius,fahrenheit\n10,   5O  \n");
    l = load("file: t.csv\nx: celsius\ny: fahrenheit\n");
    CHECK_ERR(l, "@/t.csv:2:7: error: not a number: '5O'\n");
    done(&l);
}

static void csv_empty_number_cell_names_its_column(void)
{
    write_text("t.csv", "a,b\n1,\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:3: error: empty cell in column 'b': a number is needed\n");
    done(&l);
}

static void csv_number_too_large_for_a_double_is_refused(void)
{
    write_text("t.csv", "a,b\n1e999,2\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:1: error: number out of range: '1e999'\n");
    done(&l);
}

static void csv_nan_and_hex_cells_are_not_numbers(void)
{
    write_text("t.csv", "a,b\n1,NaN\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:3: error: not a number: 'NaN'\n");
    done(&l);
    write_text("t.csv", "a,b\n0x1p-1074,1\n");
    l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:1: error: not a number: '0x1p-1074'\n");
    done(&l);
}

static void csv_short_row_names_the_missing_column(void)
{
    write_text("t.csv", "a,b,c\n1,2,3\n4\n");
    struct load l = load("file: t.csv\nx: a\ny: c\n");
    CHECK_ERR(l, "@/t.csv:3:2: error: row has 1 field, but column 'c' is field 3\n");
    done(&l);
}

static void csv_nul_byte_is_refused_at_its_position(void)
{
    write_bytes("t.csv", "a,b\n1,2\n3,\0\n", 11);
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:3:3: error: NUL byte in the data file: a CSV file is text (is this a "
              "spreadsheet or a UTF-16 file?)\n");
    done(&l);
}

static void csv_utf16_file_is_refused(void)
{
    write_bytes("t.csv", "\xFF\xFE" "a\0,\0b\0\n\0", 10);
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:1:1: error: the data file is UTF-16 text; save it as UTF-8 (CSV UTF-8)\n");
    done(&l);
}

/* ---- quoting -------------------------------------------------------------- */

static void csv_stray_quote_is_a_located_parse_error(void)
{
    write_text("t.csv", "a,b\n1,2\n3,4\"5\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:3:4: error: '\"' inside a field that does not start with one (quote "
              "the whole field and write an inner quote twice: \"a \"\"b\"\" c\")\n");
    done(&l);
}

static void csv_text_after_a_closing_quote_is_a_located_parse_error(void)
{
    write_text("t.csv", "a,b\n1,\"2\"x\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:6: error: unexpected 'x' after the closing quote of a field (a '\"' "
              "inside a quoted field is written twice: \"\")\n");
    done(&l);
}

static void csv_unclosed_quote_is_located_at_its_opening(void)
{
    write_text("t.csv", "a,b\n1,2\n3,  \"4\n5,6\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:3:5: error: quoted field is never closed: no '\"' matches the one here\n");
    done(&l);
}

/* ---- the file itself ------------------------------------------------------ */

static void csv_missing_file_says_where_it_looked(void)
{
    struct load l = load("file: nope.csv\nx: a\n");
    CHECK_ERR(l, "scene.yaml:2:7: error: data file 'nope.csv' not found (looked for "
              "'@/nope.csv' and '@/assets/nope.csv')\n");
    done(&l);
}

static void csv_empty_file_needs_a_header(void)
{
    write_text("t.csv", "");
    struct load l = load("file: t.csv\nx: a\n");
    CHECK_ERR(l, "@/t.csv:1:1: error: empty CSV file: a header row is needed\n");
    done(&l);
    write_text("t.csv", "\xEF\xBB\xBF \r\n\n");
    l = load("file: t.csv\nx: a\n");
    CHECK_ERR(l, "@/t.csv:1:1: error: empty CSV file: a header row is needed\n");
    done(&l);
}

static void csv_header_without_rows_is_refused(void)
{
    write_text("t.csv", "a,b\n\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "scene.yaml:2:7: error: data file '@/t.csv' has no rows\n");
    done(&l);
}

static void csv_fifo_is_refused_without_waiting_for_a_writer(void)
{
    char *path = path_join(dir, "pipe.csv");
    CHECK(mkfifo(path, 0600) == 0);
    alarm(20);      /* a blocking open would hang here: fail loudly instead */
    struct load l = load("file: pipe.csv\nx: a\n");
    alarm(0);
    CHECK_ERR(l, "scene.yaml:2:7: error: data file '@/pipe.csv' is a named pipe (FIFO), not a "
              "regular file\n");
    done(&l);
    unlink(path);
    free(path);
}

static void csv_absolute_path_is_refused(void)
{
    struct load l = load("file: /dev/null\nx: a\n");
    CHECK_ERR(l, "scene.yaml:2:7: error: data file '/dev/null': absolute paths are not allowed; "
              "name it relative to the script or to the project's assets/ folder\n");
    done(&l);
    write_text("t.csv", "a\n1\n");
    char *abs = in_dir("file: @/t.csv\nx: a\n");
    l = load(abs);
    CHECK(l.rc != 0);
    done(&l);
    free(abs);
}

/* The project is the folder holding assets/ (the test folder): a name may
 * go down and up inside it, but never out, by ".." or by a link. */
static void csv_path_leaving_the_project_is_refused(void)
{
    write_text("t.csv", "a\n1\n2\n");
    char *sub = path_join(dir, "sub");
    CHECK(mkdir(sub, 0700) == 0);
    struct load l = load("file: sub/../t.csv\nx: a\n");
    CHECK(l.rc == 0);
    done(&l);
    char *base = strrchr(dir, '/') + 1;
    char opts[256];
    snprintf(opts, sizeof opts, "file: ../%s/t.csv\nx: a\n", base);
    l = load(opts);     /* out and back in: still inside */
    CHECK(l.rc == 0);
    done(&l);
    l = load("file: ../../../../../../../../etc/passwd\nx: a\n");
    CHECK(l.rc != 0 && strstr(l.err, "is outside the project folder") != NULL);
    CHECK(l.err && !strstr(l.err, "root"));     /* nothing of the file is quoted */
    done(&l);
    char *out = path_join(dir, "out.csv"), *in = path_join(dir, "in.csv");
    CHECK(symlink("/etc/passwd", out) == 0);
    CHECK(symlink("t.csv", in) == 0);
    l = load("file: out.csv\nx: a\n");
    CHECK_ERR(l, "scene.yaml:2:7: error: data file 'out.csv' is outside the project folder '@' "
              "(through '..' or a symbolic link); keep the file inside it\n");
    done(&l);
    l = load("file: in.csv\nx: a\n");
    CHECK(l.rc == 0);
    done(&l);
    char *dev = path_join(dir, "null.csv");
    CHECK(symlink("/dev/null", dev) == 0);
    l = load("file: null.csv\nx: a\n");
    CHECK(l.rc != 0 && strstr(l.err, "outside the project") != NULL);
    done(&l);
    unlink(dev);
    unlink(out);
    unlink(in);
    rmdir(sub);
    free(dev);
    free(out);
    free(in);
    free(sub);
}

static void csv_folder_is_refused(void)
{
    struct load l;
    char *sub = path_join(dir, "sub.csv");
    CHECK(mkdir(sub, 0700) == 0);
    l = load("file: sub.csv\nx: a\n");
    CHECK_ERR(l, "scene.yaml:2:7: error: data file '@/sub.csv' is a folder, not a regular file\n");
    done(&l);
    rmdir(sub);
    free(sub);
}

static void csv_file_over_the_data_bytes_limit_is_refused(void)
{
    char *path = path_join(dir, "big.csv");
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs("a,b\n1,2\n", f);
        CHECK(ftruncate(fileno(f), ((off_t)64 << 20) + 1) == 0);   /* sparse: no disk used */
        fclose(f);
    }
    struct load l = load("file: big.csv\nx: a\n");
    CHECK_ERR(l, "scene.yaml:2:7: error: data file '@/big.csv' is too large: 67108865 bytes "
              "(limit data-bytes: 67108864; raise it with --limit data-bytes=N)\n");
    done(&l);
    unlink(path);
    free(path);
}

static void csv_kind_is_named_csv_and_provides_data_points_and_labels(void)
{
    CHECK_STR(data_csv.head.name, "csv");
    CHECK(data_csv.make != NULL);
    const char *const *p = data_csv.head.provides;
    CHECK(p && p[0] && p[1] && p[2] && p[3] && !p[4]);
    if (p && p[0] && p[1] && p[2] && p[3]) {
        CHECK_STR(p[0], "data");
        CHECK_STR(p[1], "data-1d");
        CHECK_STR(p[2], "points");
        CHECK_STR(p[3], "labels");
    }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

/* ---- text that is not UTF-8, and long cells in messages ------------------ */

static void csv_invalid_utf8_class_cell_is_refused_at_the_cell(void)
{
    write_text("t.csv", "x1,x2,cls\n1,2,\xff\xfe\n2,3,b\n");
    struct load l = load("file: t.csv\nfeatures: [x1, x2]\nlabel: cls\n");
    CHECK_ERR(l, "@/t.csv:2:5: error: invalid UTF-8 in a class name (byte 0xFF): the CSV file "
              "must be UTF-8 text\n");
    done(&l);
}

static void csv_every_kind_of_invalid_utf8_in_a_class_cell_is_refused(void)
{
    static const struct { const char *cell; unsigned byte; int col; } bad[] = {
        {"\xc0\x80", 0xC0, 3},          /* overlong NUL */
        {"\xc1\xbf", 0xC1, 3},          /* overlong '\x7f' */
        {"a\xe0\x80\xaf", 0xE0, 3},     /* overlong '/' in three bytes */
        {"\xf0\x82\x82\xac", 0xF0, 3},  /* overlong euro sign in four */
        {"\xed\xa0\x80", 0xED, 3},      /* surrogate U+D800 */
        {"\xed\xbf\xbf", 0xED, 3},      /* surrogate U+DFFF */
        {"\xf4\x90\x80\x80", 0xF4, 3},  /* U+110000 */
        {"\xf5\x80\x80\x80", 0xF5, 3},
        {"\xf8\x88\x80\x80\x80", 0xF8, 3},
        {"\xfe", 0xFE, 3},
        {"\x80", 0x80, 3},              /* continuation without a lead */
        {"ab\xe2\x82", 0xE2, 3},        /* cut short at the end of the cell */
        {"\xe2\x82x", 0xE2, 3},         /* cut short by an ASCII byte */
        {"\xf0\x9f\x98", 0xF0, 3},
        {"\"q\xc3\"", 0xC3, 3},         /* inside a quoted cell */
        {" \xa9", 0xA9, 4},             /* after padding */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char csv[64];
        snprintf(csv, sizeof csv, "x,k\n1,a\n2,%s\n", bad[i].cell);
        write_text("t.csv", csv);
        struct load l = load("file: t.csv\nx: x\nlabel: k\n");
        CHECK_ERR(l, "@/t.csv:3:%d: error: invalid UTF-8 in a class name (byte 0x%02X): the CSV "
                  "file must be UTF-8 text\n", bad[i].col, bad[i].byte);
        done(&l);
    }
}

static void csv_noncharacter_in_a_class_cell_is_refused(void)
{
    static const struct { const char *cell; const char *cp; } bad[] = {
        {"\xef\xbf\xbe", "FFFE"}, {"a\xef\xbf\xbf", "FFFF"}, {"\xef\xb7\x90", "FDD0"},
        {"\xef\xb7\xaf", "FDEF"}, {"\xf0\x9f\xbf\xbe", "1FFFE"}, {"\xf4\x8f\xbf\xbf", "10FFFF"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char csv[64];
        snprintf(csv, sizeof csv, "x,k\n1,a\n2,%s\n", bad[i].cell);
        write_text("t.csv", csv);
        struct load l = load("file: t.csv\nx: x\nlabel: k\n");
        CHECK_ERR(l, "@/t.csv:3:3: error: the character U+%s in a class name is a Unicode "
                  "noncharacter, not text: remove it\n", bad[i].cp);
        done(&l);
    }
}

static void csv_valid_utf8_class_names_are_kept(void)
{
    /* Two, three and four bytes, U+FFFD itself, the neighbours of the
     * noncharacters, and the last code point that is text. */
    static const char *const names[] = {
        "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbd",
        "\xef\xb7\x8f", "\xef\xb7\xb0", "\xf4\x8f\xbf\xbd", "\xc2\x80",
    };
    struct sbuf csv = {0};
    sbuf_puts(&csv, "x,k\n");
    for (int i = 0; i < 8; i++)
        sbuf_printf(&csv, "%d,%s\n", i, names[i]);
    write_text("t.csv", csv.buf);
    sbuf_release(&csv);
    struct load l = load("file: t.csv\nx: x\nlabel: k\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    CHECK(l.ds.nclasses == 8);
    for (int i = 0; i < 8 && i < l.ds.nclasses && l.ds.class_names; i++)
        CHECK_STR(l.ds.class_names[i], names[i]);
    done(&l);
}

static void csv_invalid_utf8_in_the_header_is_refused_at_the_name(void)
{
    write_text("t.csv", "x\xc0\xaf,y\n1,2\n");
    struct load l = load("file: t.csv\nx: y\n");
    CHECK_ERR(l, "@/t.csv:1:1: error: invalid UTF-8 in a column name (byte 0xC0): the CSV file "
              "must be UTF-8 text\n");
    done(&l);
    write_text("t.csv", "a, \"b\xed\xa0\x80\"\n1,2\n");
    l = load("file: t.csv\nx: a\n");
    CHECK_ERR(l, "@/t.csv:1:4: error: invalid UTF-8 in a column name (byte 0xED): the CSV file "
              "must be UTF-8 text\n");
    done(&l);
    write_text("t.csv", "a,b\xef\xbf\xbf\n1,2\n");
    l = load("file: t.csv\nx: a\n");
    CHECK_ERR(l, "@/t.csv:1:3: error: the character U+FFFF in a column name is a Unicode "
              "noncharacter, not text: remove it\n");
    done(&l);
}

/* A cell of `n` copies of `unit`, between prefix and suffix, as a file. */
static void write_long_cell(const char *prefix, const char *unit, size_t n, const char *suffix)
{
    struct sbuf b = {0};
    sbuf_puts(&b, prefix);
    for (size_t i = 0; i < n; i++)
        sbuf_puts(&b, unit);
    sbuf_puts(&b, suffix);
    write_text("t.csv", b.buf);
    sbuf_release(&b);
}

#define FORTY(s) s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s

static void csv_long_bad_cell_is_echoed_cut_to_forty_characters(void)
{
    write_long_cell("a,b\n1,", "7", 100000, "x\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:3: error: not a number: '" FORTY("7") "...'\n");
    CHECK(l.err_len < 200);
    done(&l);
    /* Cut between characters, never inside one. */
    write_long_cell("a,b\n1,", "\xc3\xa9", 50000, "\n");
    l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:3: error: not a number: '" FORTY("\xc3\xa9") "...'\n");
    done(&l);
    write_long_cell("a,b\n1,", "9", 100000, "\n");
    l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:3: error: number out of range: '" FORTY("9") "...'\n");
    done(&l);
    /* Bytes that are not text are shown as \xNN, one character each. */
    write_long_cell("a,b\n1,", "\xff", 100000, "\n");
    l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:3: error: not a number: '" FORTY("\\xFF") "...'\n");
    done(&l);
    write_text("t.csv", "a,b\n1,\"x\x1b[2J\"\n");
    l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:3: error: not a number: 'x\\x1B[2J'\n");
    done(&l);
}

static void csv_cell_of_exactly_forty_characters_is_echoed_whole(void)
{
    write_text("t.csv", "a,b\n1," FORTY("z") "\n");
    struct load l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:3: error: not a number: '" FORTY("z") "'\n");
    done(&l);
    write_text("t.csv", "a,b\n1," FORTY("z") "q\n");
    l = load("file: t.csv\nx: a\ny: b\n");
    CHECK_ERR(l, "@/t.csv:2:3: error: not a number: '" FORTY("z") "...'\n");
    done(&l);
}

static void csv_long_header_names_are_cut_in_messages(void)
{
    write_long_cell("a,", "n", 100000, "\n1,2\n");
    struct load l = load("file: t.csv\nx: nope\n");
    CHECK_ERR(l, "scene.yaml:3:4: error: column 'nope' is not in the header of '@/t.csv' "
              "(it has: a, " FORTY("n") "...)\n");
    CHECK(l.err_len < 300);
    done(&l);
    /* The script can name a long column too (up to the string-bytes limit). */
    write_long_cell("a,", "n", 10000, "\n1\n");
    struct sbuf opts = {0};
    sbuf_puts(&opts, "file: t.csv\nx: a\ny: ");
    for (int i = 0; i < 10000; i++)
        sbuf_puts(&opts, "n");
    sbuf_puts(&opts, "\n");
    l = load(opts.buf);
    sbuf_release(&opts);
    CHECK_ERR(l, "@/t.csv:2:2: error: row has 1 field, but column '" FORTY("n") "...' is "
              "field 2\n");
    done(&l);
}

static void csv_long_extra_class_is_cut_in_the_message(void)
{
    struct sbuf text = {0};
    sbuf_puts(&text, "x,k\n");
    for (int i = 0; i < DATA_MAX_CLASSES; i++)
        sbuf_printf(&text, "%d,k%d\n", i, i);
    sbuf_puts(&text, "0,");
    for (int i = 0; i < 100000; i++)
        sbuf_puts(&text, "w");
    sbuf_puts(&text, "\n");
    write_bytes("t.csv", text.buf, text.len);
    sbuf_release(&text);
    struct load l = load("file: t.csv\nx: x\nlabel: k\n");
    CHECK_ERR(l, "@/t.csv:%d:3: error: column 'k' has more than %d different values ('"
              FORTY("w") "...' is one too many); a class column can have at most %d classes\n",
              DATA_MAX_CLASSES + 2, DATA_MAX_CLASSES, DATA_MAX_CLASSES);
    done(&l);
}

static void csv_feature_listed_twice_is_located_at_its_second_item(void)
{
    write_text("t.csv", "x1,x2\n1,2\n");
    struct load l = load("file: t.csv\nfeatures: [x1, x1]\n");
    CHECK_ERR(l, "scene.yaml:3:16: error: column 'x1' is listed twice in 'features'\n");
    done(&l);
    /* Each repeated name once, at its second item, in the list's order. */
    write_text("t.csv", "a,b,c\n1,2,3\n");
    l = load("file: t.csv\nfeatures: [b, a, b, c, a, b]\n");
    CHECK_ERR(l, "scene.yaml:3:18: error: column 'b' is listed twice in 'features'\n"
              "scene.yaml:3:24: error: column 'a' is listed twice in 'features'\n");
    done(&l);
    /* A feature may still be the target or the class column. */
    l = load("file: t.csv\nfeatures: [a, b]\ny: a\nlabel: b\n");
    CHECK(l.rc == 0);
    CHECK_STR(l.err, "");
    done(&l);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    /* The test folder is the project (see asset.h), whatever /tmp holds. */
    char *assets = path_join(dir, "assets");
    mkdir(assets, 0700);
    free(assets);
    RUN(csv_reads_x_and_y_columns_by_name);
    RUN(csv_draws_one_seed_from_the_scene_stream);
    RUN(csv_with_byte_order_mark_reads_its_first_column);
    RUN(csv_with_crlf_line_ends_reads_every_row);
    RUN(csv_with_crlf_line_ends_locates_a_bad_cell_on_its_line);
    RUN(csv_with_lone_cr_line_ends_counts_each_as_a_line);
    RUN(csv_quoted_header_with_comma_and_doubled_quotes_is_found);
    RUN(csv_quoted_cells_keep_embedded_commas_and_doubled_quotes);
    RUN(csv_line_numbers_count_newlines_inside_quoted_cells);
    RUN(csv_trims_spaces_around_fields);
    RUN(csv_skips_blank_lines);
    RUN(csv_final_line_without_newline_is_read);
    RUN(csv_with_seventy_two_columns_reads_the_last_one);
    RUN(csv_row_longer_than_4_kb_is_read_whole);
    RUN(csv_cells_past_the_header_are_ignored);
    RUN(csv_subnormal_numbers_are_accepted);
    RUN(csv_features_list_reads_several_columns_in_its_order);
    RUN(csv_label_with_integer_classes_orders_them_numerically);
    RUN(csv_label_with_string_classes_keeps_first_appearance_order);
    RUN(csv_more_classes_than_allowed_is_located_at_the_first_extra);
    RUN(csv_empty_class_cell_is_refused);
    RUN(csv_needs_x_or_features);
    RUN(csv_x_and_features_together_are_refused);
    RUN(csv_features_item_that_is_not_a_name_is_located);
    RUN(csv_features_that_is_not_a_list_is_refused);
    RUN(csv_missing_column_lists_the_header_it_read);
    RUN(csv_missing_columns_suggest_close_names_each_at_its_option);
    RUN(csv_missing_feature_is_located_at_its_list_item);
    RUN(csv_missing_column_of_a_wide_header_lists_its_first_names);
    RUN(csv_column_named_twice_in_the_header_is_ambiguous);
    RUN(csv_bad_cell_is_located_at_its_first_byte);
    RUN(csv_empty_number_cell_names_its_column);
    RUN(csv_number_too_large_for_a_double_is_refused);
    RUN(csv_nan_and_hex_cells_are_not_numbers);
    RUN(csv_short_row_names_the_missing_column);
    RUN(csv_nul_byte_is_refused_at_its_position);
    RUN(csv_utf16_file_is_refused);
    RUN(csv_stray_quote_is_a_located_parse_error);
    RUN(csv_text_after_a_closing_quote_is_a_located_parse_error);
    RUN(csv_unclosed_quote_is_located_at_its_opening);
    RUN(csv_missing_file_says_where_it_looked);
    RUN(csv_empty_file_needs_a_header);
    RUN(csv_header_without_rows_is_refused);
    RUN(csv_fifo_is_refused_without_waiting_for_a_writer);
    RUN(csv_absolute_path_is_refused);
    RUN(csv_path_leaving_the_project_is_refused);
    RUN(csv_folder_is_refused);
    RUN(csv_file_over_the_data_bytes_limit_is_refused);
    RUN(csv_kind_is_named_csv_and_provides_data_points_and_labels);
    RUN(csv_invalid_utf8_class_cell_is_refused_at_the_cell);
    RUN(csv_every_kind_of_invalid_utf8_in_a_class_cell_is_refused);
    RUN(csv_noncharacter_in_a_class_cell_is_refused);
    RUN(csv_valid_utf8_class_names_are_kept);
    RUN(csv_invalid_utf8_in_the_header_is_refused_at_the_name);
    RUN(csv_long_bad_cell_is_echoed_cut_to_forty_characters);
    RUN(csv_cell_of_exactly_forty_characters_is_echoed_whole);
    RUN(csv_long_header_names_are_cut_in_messages);
    RUN(csv_long_extra_class_is_cut_in_the_message);
    RUN(csv_feature_listed_twice_is_located_at_its_second_item);
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    return CHECK_SUMMARY();
}
