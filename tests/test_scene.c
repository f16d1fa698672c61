/* The scene layer: timelines (thinning, frames per step, the held end),
 * the layout grid, parameters and value templates. */
#include <math.h>
#include "check.h"
#include "scene_util.h"
#include "template.h"

/* The record of the (first) run frame f shows. */
#define REC(k) timeline_rec(s, &t, &tl.f[(k)], 0, NULL)

/* gd-1d-small as the web book has it: frame i shows step i + 1 where
 * i < 10, i % 40 == 0 or i is among the last three: steps 1-10, 41, 81,
 * ..., 1961, 1998-2000, 62 frames of one frame each. */
static void thinning_from_step_1_gives_the_originals_62_frames(void)
{
    struct scene *s = scene_load("scenes/gd-1d-small.yaml");
    CHECK(s != NULL);
    if (!s) return;
    struct trace t;
    scene_simulate(s, &t);
    struct timeline tl;
    CHECK(timeline_build(s, &t, &tl) == 0);
    int expect[80], n = 0;
    for (int k = 1; k <= 10; k++) expect[n++] = k;
    for (int k = 41; k <= 1961; k += 40) expect[n++] = k;
    for (int k = 1998; k <= 2000; k++) expect[n++] = k;
    CHECK(n == 62);
    CHECK(tl.nselected == n);
    CHECK(tl.nframes == 62);
    int ok = 1;
    for (int f = 0; f < tl.nframes && f < n; f++)
        ok &= (int)trace_get(&t, REC(f), 0) == expect[f];
    CHECK(ok);
    CHECK(REC(tl.nframes - 1) == t.nrec - 1);
    /* x after 2000 steps, not converged: the original's 7.36083. */
    CHECK(fabs(trace_get(&t, t.nrec - 1, TRACE_THETA_CHANNEL) - 7.36083) < 5e-6);
    CHECK_STR(t.stop_reason, "max_steps");
    timeline_release(&tl);
    trace_release(&t);
    scene_free(s);
}

/* frames.first: the start is never shown, the held first picture is the
 * first step, and rules count from it. */
static void frames_first_skips_the_start_and_shifts_the_rules(void)
{
    struct scene *s = scene_from_text(
        "id: t\nmodel: {kind: parabola, x0: 3}\n"
        "trainer: {kind: gd, learning_rate: 0.01, steps: 25}\n"
        "frames: {first: 1, every: 10, per_step: 1, last: 1, hold: 0, hold_start: 0}\n"
        "panels: [{kind: descent}]\n");
    CHECK(s != NULL);
    if (!s) return;
    struct trace t;
    scene_simulate(s, &t);
    struct timeline tl;
    timeline_build(s, &t, &tl);
    CHECK(tl.nframes == 4);     /* 1, 11, 21, and 25 */
    CHECK(tl.nframes == 4 && REC(0) == 1 && REC(1) == 11 && REC(2) == 21 && REC(3) == 25);
    timeline_release(&tl);
    trace_release(&t);
    scene_free(s);
    /* With a held start, the held picture is step 1, not the start. */
    s = scene_from_text(
        "id: t\ncanvas: {fps: 10}\nmodel: {kind: parabola, x0: 3}\n"
        "trainer: {kind: gd, learning_rate: 0.01, steps: 5}\n"
        "frames: {first: 1, per_step: 1, hold: 0, hold_start: 0.5s}\n"
        "panels: [{kind: descent}]\n");
    CHECK(s != NULL);
    if (!s) return;
    scene_simulate(s, &t);
    timeline_build(s, &t, &tl);
    CHECK(tl.nframes == 10);    /* 5 held + steps 1..5 */
    int ok = 1;
    for (int f = 0; f < 5 && f < tl.nframes; f++)
        ok &= REC(f) == 1;
    CHECK(ok);
    timeline_release(&tl);
    trace_release(&t);
    scene_free(s);
}

static void every_n_always_includes_the_final_record(void)
{
    struct scene *s = scene_from_text(
        "id: t\nmodel: {kind: parabola, x0: 3}\n"
        "trainer: {kind: gd, learning_rate: 0.01, steps: 25}\n"
        "frames: {every: 10, hold: 0}\npanels: [{kind: descent}]\n");
    CHECK(s != NULL);
    if (!s) return;
    struct trace t;
    scene_simulate(s, &t);
    struct timeline tl;
    timeline_build(s, &t, &tl);
    CHECK(tl.nframes == 4);     /* 0, 10, 20, and 25 */
    CHECK(tl.nframes == 4 && REC(3) == 25 && REC(2) == 20);
    timeline_release(&tl);
    trace_release(&t);
    scene_free(s);
}

static void hold_adds_frames_of_the_last_record(void)
{
    struct scene *s = scene_from_text(
        "id: t\ncanvas: {fps: 12.5}\nmodel: {kind: parabola, x0: 3}\n"
        "trainer: {kind: gd, learning_rate: 0.01, steps: 4}\n"
        "frames: {per_step: 2, hold: 2}\npanels: [{kind: descent}]\n");
    CHECK(s != NULL);
    if (!s) return;
    CHECK(s->canvas.fps.num == 25 && s->canvas.fps.den == 2);
    struct trace t;
    scene_simulate(s, &t);
    struct timeline tl;
    timeline_build(s, &t, &tl);
    CHECK(tl.nframes == 5 * 2 + 25);
    CHECK(REC(0) == 0 && REC(1) == 0 && REC(2) == 1);
    CHECK(REC(tl.nframes - 1) == 4 && REC(9) == 4);
    timeline_release(&tl);
    trace_release(&t);
    scene_free(s);
}

static void layout_cells_tile_the_canvas_inside_the_margin(void)
{
    struct scene *s = scene_from_text(
        "id: t\ncanvas: {width: 800, height: 450}\nlayout: {rows: 2, cols: 3, margin: 10, gap: 20}\n"
        "model: {kind: parabola}\ntrainer: {kind: gd}\n"
        "panels:\n  - {kind: descent}\n  - {kind: descent, cell: [1, 1], span: [1, 2]}\n");
    CHECK(s != NULL);
    if (!s) return;
    double x, y, w, h;
    scene_cell_rect(s, &s->panels[0], &x, &y, &w, &h);
    CHECK_NEAR(x, 10, 1e-9);
    CHECK_NEAR(y, 10, 1e-9);
    CHECK_NEAR(w, (800 - 20 - 40) / 3.0, 1e-9);
    CHECK_NEAR(h, (450 - 20 - 20) / 2.0, 1e-9);
    scene_cell_rect(s, &s->panels[1], &x, &y, &w, &h);
    CHECK_NEAR(x + w, 790, 1e-9);       /* spans to the right margin */
    CHECK_NEAR(y + h, 440, 1e-9);
    scene_free(s);
}

static void defaults_fill_what_the_script_leaves_out(void)
{
    struct scene *s = scene_from_text("id: t\nmodel: {kind: parabola}\ntrainer: {kind: gd}\n"
                                      "panels: [{kind: loss-curve}]\n");
    CHECK(s != NULL);
    if (!s) return;
    CHECK(s->canvas.width == 800 && s->canvas.height == 450);
    CHECK(s->canvas.fps.num == 20 && s->canvas.fps.den == 1);
    CHECK(s->out.nformats == 3);
    const struct mp4_opts *mp4 = scene_encoder_opts(s, &encoder_mp4);
    const struct gif_opts *gif = scene_encoder_opts(s, &encoder_gif);
    const struct webm_opts *webm = scene_encoder_opts(s, &encoder_webm);
    CHECK(mp4 && mp4->crf == 25);
    CHECK(mp4 && strcmp(mp4_presets[mp4->preset], "fast") == 0);
    CHECK(mp4 && strcmp(mp4_tunes[mp4->tune], "animation") == 0);
    CHECK(gif && gif->max_colors == 256 && gif->dither == 0 && gif->max_kb == 0);
    CHECK(webm && webm->crf == 32);
    CHECK(scene_encoder_opts(s, &encoder_png) == NULL);     /* no options */
    CHECK(s->background == 0xffffffffu);
    CHECK_STR(s->title, "t");
    scene_free(s);
}

static void rates_parse_as_exact_fractions(void)
{
    struct param_rate r;
    CHECK(param_parse_rate("30000/1001", &r) == 0 && r.num == 30000 && r.den == 1001);
    CHECK(param_parse_rate("24", &r) == 0 && r.num == 24 && r.den == 1);
    CHECK(param_parse_rate("12.5", &r) == 0 && r.num == 25 && r.den == 2);
    CHECK(param_parse_rate("0", &r) != 0);
    CHECK(param_parse_rate("-5", &r) != 0);
    CHECK(param_parse_rate("1/0", &r) != 0);
    CHECK(param_parse_rate("fast", &r) != 0);
}

static void colors_parse_hex_with_optional_alpha(void)
{
    uint32_t c;
    CHECK(param_parse_color("#1f77b4", &c) == 0 && c == 0xff1f77b4u);
    CHECK(param_parse_color("#1f77b480", &c) == 0 && c == 0x801f77b4u);
    CHECK(param_parse_color("white", &c) == 0 && c == 0xffffffffu);
    CHECK(param_parse_color("#12345", &c) != 0);
    CHECK(param_parse_color("#gg0000", &c) != 0);
}

static void numbers_reject_nan_inf_and_garbage(void)
{
    double d;
    int i;
    CHECK(param_parse_double("1e-4", &d) == 0 && d == 1e-4);
    CHECK(param_parse_double("nan", &d) != 0);
    CHECK(param_parse_double("inf", &d) != 0);
    CHECK(param_parse_double("0x10", &d) != 0);
    CHECK(param_parse_double("3 apples", &d) != 0);
    CHECK(param_parse_int("12", &i) == 0 && i == 12);
    CHECK(param_parse_int("1.5", &i) != 0);
}

static void templates_expand_values_with_formats(void)
{
    struct trace t = {0};
    trace_channel_add(&t, "step");
    trace_channel_add(&t, "w");
    trace_channel_add(&t, "loss");
    double *row = trace_append(&t);
    row[0] = 12;
    row[1] = -0.0001;
    row[2] = INFINITY;
    char buf[128];
    template_expand("step {step}: w={w:.2f} L={loss:.3f} {{x}}", &t, 0, buf, sizeof(buf));
    CHECK_STR(buf, "step 12: w=0.00 L=inf {x}");
    template_expand("{w:.1e}|{w}|{step:d}", &t, 0, buf, sizeof(buf));
    CHECK_STR(buf, "-1.0e-04|-0.0001|12");
    template_expand("{step}{step}{step}", &t, 0, buf, 5);
    CHECK_STR(buf, "1212");
    trace_release(&t);
}

static void template_check_points_at_the_unknown_name(void)
{
    struct trace names = {0};
    trace_channel_add(&names, "step");
    trace_channel_add(&names, "w");
    trace_channel_add(&names, "b");
    trace_channel_add(&names, "loss");
    char out[1024] = {0};
    FILE *f = fmemopen(out, sizeof(out) - 1, "w");
    diag_set_stream(f);
    struct diag_loc loc = {"x.yaml", 3, 12};
    CHECK(template_check("step {stp}: {w:.2f}", &loc, 1, &names, "title") == -1);
    CHECK(template_check("w={w:.2f} {b:.3g} {{literal}}", &loc, 1, &names, "title") == 0);
    CHECK(template_check("w={w:.2x}", &loc, 0, &names, "title") == -1);
    CHECK(template_check("w={w", &loc, 0, &names, "title") == -1);
    fclose(f);
    diag_set_stream(NULL);
    /* col 12 + 1 for the quote + 5 characters before the brace = 18 */
    CHECK(strstr(out, "x.yaml:3:18: error: unknown value 'stp' in title (did you mean 'step'?)") != NULL);
    CHECK(strstr(out, "x.yaml:3:14: error: bad template field '{w:.2x}' in title: the format after ':' must be") != NULL);
    CHECK(strstr(out, "unclosed '{'") != NULL);
    trace_release(&names);
}

static void templates_index_vector_and_table_channels(void)
{
    struct trace t = {0};
    trace_channel_add(&t, "step");
    int cp = trace_channel_add_shaped(&t, "p", 1, 4);
    int cq = trace_channel_add_shaped(&t, "q", 16, 4);
    CHECK(cp == 1 && cq == 2 && t.width == 1 + 4 + 64);
    double *row = trace_append(&t);
    row[0] = 3;
    for (int i = 0; i < 4; i++)
        row[t.chan[cp].offset + i] = 0.25 * (i + 1);
    for (int i = 0; i < 64; i++)
        row[t.chan[cq].offset + i] = i;
    char buf[128];
    template_expand("{p[3]:.2f} {p[0]} {q[5][2]} {q[15][3]:d}", &t, 0, buf, sizeof(buf));
    CHECK_STR(buf, "1.00 0.25 22 63");
    CHECK(trace_at(&t, 0, cp, 4) != trace_at(&t, 0, cp, 4));   /* out of range: NaN */

    char out[2048] = {0};
    FILE *f = fmemopen(out, sizeof(out) - 1, "w");
    diag_set_stream(f);
    struct diag_loc loc = {"x.yaml", 2, 8};
    CHECK(template_check("{p[3]} {q[15][3]} {step}", &loc, 0, &t, "title") == 0);
    CHECK(template_check("{p[4]}", &loc, 0, &t, "title") == -1);
    CHECK(template_check("{p}", &loc, 0, &t, "title") == -1);
    CHECK(template_check("{q[16][0]}", &loc, 0, &t, "title") == -1);
    CHECK(template_check("{q[3]}", &loc, 0, &t, "title") == -1);
    CHECK(template_check("{p[x]}", &loc, 0, &t, "title") == -1);
    CHECK(template_check("{r}", &loc, 0, &t, "title") == -1);
    fclose(f);
    diag_set_stream(NULL);
    CHECK(strstr(out, "x.yaml:2:8: error: bad template field '{p[4]}' in title: index 4 is past "
                      "the end of 'p' (4 values: p[0] .. p[3])") != NULL);
    CHECK(strstr(out, "'p' holds 4 values: pick one, e.g. {p[0]}") != NULL);
    CHECK(strstr(out, "[16][0] is outside 'q', a 16x4 table (q[0][0] .. q[15][3])") != NULL);
    CHECK(strstr(out, "'q' is a 16x4 table: give a row and a column") != NULL);
    CHECK(strstr(out, "expected a whole number inside '[...]'") != NULL);
    CHECK(strstr(out, "this scene provides: step, p[0..3], q[16][4]") != NULL);
    trace_release(&t);
}

/* The shapes a logistic model on 2-D data records: w is 1 x 2, b 1 x 1. */
static void logistic_like_trace(struct trace *t)
{
    memset(t, 0, sizeof(*t));
    trace_channel_add(t, "step");
    trace_channel_add_shaped(t, "w", 1, 2);
    trace_channel_add_shaped(t, "b", 1, 1);
    trace_channel_add_shaped(t, "col", 3, 1);   /* a column vector */
    trace_channel_add_shaped(t, "q", 2, 3);
    trace_channel_add(t, "loss");
    double *row = trace_append(t);
    for (int i = 0; i < t->width; i++)
        row[i] = 10 + i;
}

/* Runs template_check with diagnostics captured into out; returns its rc. */
static int check_captured(const char *text, const struct trace *t, char *out, size_t n)
{
    memset(out, 0, n);
    FILE *f = fmemopen(out, n - 1, "w");
    diag_set_stream(f);
    struct diag_loc loc = {"x.yaml", 4, 10};
    int rc = template_check(text, &loc, 0, t, "title");
    fclose(f);
    diag_set_stream(NULL);
    return rc;
}

static void template_indices_past_2_to_the_32_do_not_wrap(void)
{
    struct trace t;
    logistic_like_trace(&t);
    char out[1024];
    CHECK(check_captured("{w[4294967296]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "x.yaml:4:10: error: bad template field '{w[4294967296]}' in title: index "
                      "4294967296 is past the end of 'w' (2 values: w[0] .. w[1])") != NULL);
    CHECK(check_captured("{w[4294967297]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "index 4294967297 is past the end of 'w'") != NULL);
    CHECK(check_captured("{w[2147483648]}", &t, out, sizeof(out)) == -1);
    CHECK(check_captured("{w[18446744073709551616]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "index 18446744073709551616 is past the end of 'w'") != NULL);
    CHECK(check_captured("{w[99999999999999999999999999999999]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "index 99999999999999999999999999999999 is past the end") != NULL);
    CHECK(check_captured("{q[4294967296][0]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "[4294967296][0] is outside 'q', a 2x3 table (q[0][0] .. q[1][2])") != NULL);
    CHECK(check_captured("{q[0][4294967297]}", &t, out, sizeof(out)) == -1);
    CHECK(check_captured("{col[4294967298]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "index 4294967298 is past the end of 'col' (3 values: col[0] .. col[2])") != NULL);
    /* In range, with leading zeros, still fine. */
    CHECK(check_captured("{w[1]} {w[0001]} {q[1][2]} {col[2]}", &t, out, sizeof(out)) == 0);
    CHECK(out[0] == '\0');

    /* Expansion never wraps either, whatever it is given. */
    char buf[128];
    template_expand("{w[4294967296]}|{w[4294967297]}|{q[4294967296][0]}|{w[1]}|{w[001]}", &t, 0,
                    buf, sizeof(buf));
    CHECK_STR(buf, "?|?|?|12|12");
    trace_release(&t);
}

static void template_index_on_a_scalar_is_refused(void)
{
    struct trace t;
    logistic_like_trace(&t);
    char out[1024];
    CHECK(check_captured("{b[0]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "x.yaml:4:10: error: bad template field '{b[0]}' in title: 'b' is a single "
                      "value, not a vector: write {b}") != NULL);
    CHECK(check_captured("b={b[0][0]:.2f}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "x.yaml:4:12: error: bad template field '{b[0][0]:.2f}' in title: 'b' is a "
                      "single value, not a vector: write {b}") != NULL);
    CHECK(check_captured("{step[0]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "'step' is a single value, not a vector: write {step}") != NULL);
    CHECK(check_captured("{b} {step} {loss:.3f}", &t, out, sizeof(out)) == 0);
    char buf[64];
    template_expand("{b[0]}|{b}|{b[1]}", &t, 0, buf, sizeof(buf));
    CHECK_STR(buf, "?|13|?");
    trace_release(&t);
}

static void template_index_count_must_match_the_shape(void)
{
    struct trace t;
    logistic_like_trace(&t);
    char out[1024];
    CHECK(check_captured("{w[0][0]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "x.yaml:4:10: error: bad template field '{w[0][0]}' in title: 'w' is a "
                      "vector of 2 values, not a table: write one index, e.g. {w[0]}") != NULL);
    CHECK(check_captured("{col[0][0]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "'col' is a vector of 3 values, not a table") != NULL);
    CHECK(check_captured("{w[1][0]}", &t, out, sizeof(out)) == -1);
    CHECK(check_captured("{w}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "'w' holds 2 values: pick one, e.g. {w[0]}") != NULL);
    CHECK(check_captured("{q[1]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "'q' is a 2x3 table: give a row and a column, e.g. {q[0][0]}") != NULL);
    CHECK(check_captured("{q}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "'q' is a 2x3 table: pick a cell, e.g. {q[0][0]}") != NULL);
    CHECK(check_captured("{q[0][0][0]}", &t, out, sizeof(out)) == -1);
    CHECK(strstr(out, "at most two indices") != NULL);
    /* Unchecked text expands to "?" for every mismatch, never to a
     * neighbouring value. */
    char buf[128];
    template_expand("{w[0][0]}|{w[0][1]}|{w}|{q[1]}|{q}|{col[0][0]}|{nope}|{q[1][2]}|{col[2]}",
                    &t, 0, buf, sizeof(buf));
    CHECK_STR(buf, "?|?|?|?|?|?|?|22|16");
    /* A record that does not exist reads nothing either. */
    template_expand("{w[1]} {step}", &t, 5, buf, sizeof(buf));
    CHECK_STR(buf, "? ?");
    template_expand("{w[1]} {step}", &t, -1, buf, sizeof(buf));
    CHECK_STR(buf, "? ?");
    trace_release(&t);
}

static void templates_show_huge_values_in_e_notation(void)
{
    struct trace t = {0};
    trace_channel_add(&t, "step");
    trace_channel_add(&t, "w");
    double *row = trace_append(&t);
    row[0] = 7;
    row[1] = 1.5e150;
    char buf[128];
    template_expand("w={w:.2f}", &t, 0, buf, sizeof(buf));
    CHECK_STR(buf, "w=1.5e+150");
    row[1] = INFINITY;
    template_expand("w={w:.2f}", &t, 0, buf, sizeof(buf));
    CHECK_STR(buf, "w=inf");
    trace_release(&t);
}

static void template_precision_with_many_digits_is_refused(void)
{
    struct trace t = {0};
    trace_channel_add(&t, "w");
    FILE *f = tmpfile();
    diag_set_stream(f);
    struct diag_loc loc = {"x.yaml", 1, 1};
    CHECK(template_check("{w:.4294967301f}", &loc, 0, &t, "title") == -1);
    diag_set_stream(NULL);
    fclose(f);
    trace_release(&t);
}

/* "{b:+.2f}" writes the sign as an operator: "y = 2x - 0.01", never
 * "+ -0.01", and never "- 0.00" for a value that rounds to zero. */
static void template_plus_writes_the_sign_as_an_operator(void)
{
    struct trace t = {0};
    trace_channel_add(&t, "b");
    double vals[] = {0.97, -0.01, -0.001, 0, -3, 1e20, -INFINITY, NAN};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        trace_append(&t)[0] = vals[i];
    const char *want[] = {"x + 0.97", "x - 0.01", "x + 0.00", "x + 0.00", "x - 3.00",
                          "x + 1e+20", "x - inf", "x + nan"};
    char buf[64];
    for (int r = 0; r < 8; r++) {
        template_expand("x {b:+.2f}", &t, r, buf, sizeof buf);
        CHECK_STR(buf, want[r]);
    }
    template_expand("{b:+}|{b:+d}", &t, 4, buf, sizeof buf);
    CHECK_STR(buf, "- 3|- 3");
    /* Inside a formula the sign is TeX's, outside the group. */
    template_expand("$x {b:+.2f}$", &t, 1, buf, sizeof buf);
    CHECK_STR(buf, "$x -{0.01}$");
    template_expand("$x {b:+.1f}$", &t, 6, buf, sizeof buf);
    CHECK_STR(buf, "$x -{\\text{inf}}$");
    /* The check accepts it, and still refuses what follows a bad '+'. */
    FILE *f = tmpfile();
    diag_set_stream(f);
    struct diag_loc loc = {"x.yaml", 1, 1};
    CHECK(template_check("{b:+.2f} {b:+} {b:+d}", &loc, 0, &t, "title") == 0);
    CHECK(template_check("{b:+x}", &loc, 0, &t, "title") == -1);
    CHECK(template_check("{b:++.2f}", &loc, 0, &t, "title") == -1);
    diag_set_stream(NULL);
    fclose(f);
    trace_release(&t);
}

int main(void)
{
    RUN(thinning_from_step_1_gives_the_originals_62_frames);
    RUN(frames_first_skips_the_start_and_shifts_the_rules);
    RUN(every_n_always_includes_the_final_record);
    RUN(hold_adds_frames_of_the_last_record);
    RUN(layout_cells_tile_the_canvas_inside_the_margin);
    RUN(defaults_fill_what_the_script_leaves_out);
    RUN(rates_parse_as_exact_fractions);
    RUN(colors_parse_hex_with_optional_alpha);
    RUN(numbers_reject_nan_inf_and_garbage);
    RUN(templates_expand_values_with_formats);
    RUN(template_check_points_at_the_unknown_name);
    RUN(templates_index_vector_and_table_channels);
    RUN(templates_show_huge_values_in_e_notation);
    RUN(template_precision_with_many_digits_is_refused);
    RUN(template_plus_writes_the_sign_as_an_operator);
    RUN(template_indices_past_2_to_the_32_do_not_wrap);
    RUN(template_index_on_a_scalar_is_refused);
    RUN(template_index_count_must_match_the_shape);
    return CHECK_SUMMARY();
}
