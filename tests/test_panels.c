/* Content checks of the panels no other test looks at: data-fit, loss-curve,
 * descent, text, network and table (clusters, loss-surface and
 * decision-boundary have theirs in test_kmeans, test_loss_surface and
 * test_boundary). Each renders a small scene through the real loader, the
 * trainer and render_draw, then asserts where the panel put its marks: by
 * colour class (a series colour and its anti-aliased blends), never by exact
 * pixels, so a change of font rasterisation or line width does not break
 * them, but drawing the wrong value or in the wrong place does. The plot
 * area of an axes panel is found from its spines (the longest run of the
 * axis colour), so no layout constant of draw_axes is copied here. */
#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "pixel_util.h"
#include "render.h"
#include "scene_util.h"

/* ---- rendering and pixels -------------------------------------------------- */

struct shot {
    struct scene *s;
    struct trace t[1];
    cairo_surface_t *surf;
    int w, h;
};

static int shot_open(struct shot *sh, const char *yaml)
{
    memset(sh, 0, sizeof *sh);
    sh->s = scene_from_text(yaml);
    CHECK(sh->s != NULL);
    if (!sh->s)
        return -1;
    CHECK(sh->s->nruns == 1);
    CHECK(scene_simulate(sh->s, sh->t) == 0);
    sh->w = sh->s->canvas.width;
    sh->h = sh->s->canvas.height;
    sh->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, sh->w, sh->h);
    return 0;
}

static void shot_draw(struct shot *sh, int rec)
{
    CHECK(render_draw(sh->s, sh->t, rec, sh->surf) == 0);
}

static void shot_close(struct shot *sh)
{
    if (sh->surf)
        cairo_surface_destroy(sh->surf);
    if (sh->s) {
        trace_release(sh->t);
        scene_free(sh->s);
    }
}

static uint32_t pixel(const struct shot *sh, int x, int y)
{
    return surface_pixel(sh->surf, x, y);
}

/* Anything clearly not the white background: text, lines, marks. */
static int is_ink(uint32_t p) { return !close_to(p, 0xFFFFFFFF, 60); }

static int same_pixels(const struct shot *a, const struct shot *b)
{
    if (a->w != b->w || a->h != b->h)
        return 0;
    int stride = cairo_image_surface_get_stride(a->surf);
    return memcmp(cairo_image_surface_get_data(a->surf), cairo_image_surface_get_data(b->surf),
                  (size_t)stride * (size_t)a->h) == 0;
}

/* Pixels of a class inside [x0, x1) x [y0, y1). */
static struct box find(const struct shot *sh, int (*is)(uint32_t), int x0, int y0, int x1, int y1)
{
    return box_find(sh->surf, is, x0, y0, x1, y1);
}

static struct box find_all(const struct shot *sh, int (*is)(uint32_t))
{
    return find(sh, is, 0, 0, sh->w, sh->h);
}

/* Where two renders of the same size differ. */
static struct box diff_box(const struct shot *a, const struct shot *b)
{
    struct box d = {a->w, a->h, -1, -1, 0, 0, 0};
    for (int y = 0; y < a->h; y++)
        for (int x = 0; x < a->w; x++)
            if (pixel(a, x, y) != pixel(b, x, y)) {
                if (x < d.x0) d.x0 = x;
                if (x > d.x1) d.x1 = x;
                if (y < d.y0) d.y0 = y;
                if (y > d.y1) d.y1 = y;
                d.n++;
            }
    d.cx = (d.x0 + d.x1) / 2.0;
    d.cy = (d.y0 + d.y1) / 2.0;
    return d;
}

/* The plot area of the scene's one axes panel, from its spines: the left spine is the
 * column with the most pixels of the axis colour in one unbroken run of
 * ink (marks drawn over the spine, like a curve starting at its left edge,
 * do not break it; the tick of a tick at the origin hangs below it), the
 * bottom spine the row inside it whose axis-coloured run to the right
 * reaches furthest. Fills v's pixel rectangle; 0 if found. */
static int find_plot(const struct shot *sh, struct viewport *v)
{
    uint32_t axis = sh->s->theme->axis;
    int best = 0, bx = -1, top = -1, by = -1;
    for (int x = 0; x < sh->w; x++) {
        int count = 0, first = -1, last = -1;
        for (int y = 0; y <= sh->h; y++) {
            uint32_t p = y < sh->h ? pixel(sh, x, y) : 0xFFFFFFFF;
            if (close_to(p, 0xFFFFFFFF, 8)) {
                if (count > best) {
                    best = count;
                    bx = x;
                    top = first;
                    by = last;
                }
                count = 0;
                first = last = -1;
            } else if (close_to(p, axis, 3)) {
                if (first < 0)
                    first = y;
                last = y;
                count++;
            }
        }
    }
    if (best < 40)
        return -1;
    int bottom = -1, widest = 0;
    for (int y = by; y >= top; y--) {
        int reach = 0;
        for (int x = bx + 1; x < sh->w; x++) {
            uint32_t p = pixel(sh, x, y);
            if (close_to(p, 0xFFFFFFFF, 8))
                break;
            if (close_to(p, axis, 3))
                reach = x - bx;
        }
        if (reach > widest) {
            widest = reach;
            bottom = y;
        }
    }
    if (widest < 40)
        return -1;
    v->px = bx;
    v->py = top;
    v->ph = bottom + 1 - top;
    v->pw = widest + 1;
    return 0;
}

/* Mean row of the pixels of a class in column x of the plot; NAN if none. */
static double column_mean_row(const struct shot *sh, const struct viewport *v, int x,
                              int (*is)(uint32_t))
{
    double sum = 0;
    int n = 0;
    for (int y = (int)v->py; y < (int)(v->py + v->ph); y++)
        if (is(pixel(sh, x, y))) {
            sum += y;
            n++;
        }
    return n ? sum / n : NAN;
}

/* ---- data-fit ------------------------------------------------------------- */

static const char data_fit_yaml[] =
    "id: t\ncanvas: {width: 400, height: 300}\n"
    "data: {kind: line, x: [1, 3, 5, 7, 9], slope: 2, intercept: 1, noise: 0}\n"
    "model: {kind: linear, w: 0.5, b: 22}\n"
    "trainer: {kind: gd, learning_rate: 0.02, steps: 2000}\n"
    "panels: [{kind: data-fit, x_range: [0, 10], y_range: [0, 30], grid: false}]\n";

/* The model's line in the line colour passes where the record's w and b
 * put it, at x = 2 and x = 8 (between the dots), at the start (w = 0.5,
 * b = 22: far above the data) and at the end (near y = 2x + 1); and each
 * data point is a dot in the point colour at its coordinates. */
static void data_fit_draws_the_line_of_the_record_and_the_points(void)
{
    struct shot sh;
    if (shot_open(&sh, data_fit_yaml))
        return;
    CHECK(draw_fonts_init() == 0);
    int recs[2] = {0, sh.t->nrec - 1};
    for (int k = 0; k < 2; k++) {
        int rec = recs[k];
        shot_draw(&sh, rec);
        struct viewport v = {.x0 = 0, .x1 = 10, .y0 = 0, .y1 = 30};
        CHECK(find_plot(&sh, &v) == 0);
        double w = trace_value(sh.t, rec, "w"), b = trace_value(sh.t, rec, "b");
        for (double x = 2; x <= 8; x += 6) {
            int col = (int)vp_x(&v, x);
            double want = vp_y(&v, w * x + b), got = column_mean_row(&sh, &v, col, is_red);
            if (!(fabs(got - want) <= 2))
                fprintf(stderr, "record %d, x = %g: line at row %.1f, expected %.1f\n", rec, x,
                        got, want);
            CHECK_NEAR(got, want, 2);
            /* and nowhere else in that column */
            struct box line = find(&sh, is_red, col, (int)v.py, col + 1, (int)(v.py + v.ph));
            CHECK(line.n > 0 && line.y0 > want - 6 && line.y1 < want + 6);
        }
        if (rec == 0) {
            CHECK(w == 0.5 && b == 22);
            for (int i = 0; i < sh.s->data.n; i++) {
                uint32_t p = pixel(&sh, (int)vp_x(&v, sh.s->data.x[i]), (int)vp_y(&v, sh.s->data.y[i]));
                CHECK(close_to(p, 0xFF1F77B4, 12));
            }
        } else {
            CHECK_NEAR(w, 2, 0.1);      /* the end is near the data */
        }
    }
    shot_close(&sh);
}

/* ---- loss-curve ------------------------------------------------------------ */

static const char *loss_curve_yaml(int log)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "id: t\ncanvas: {width: 400, height: 300}\n"
             "data: {kind: line, x: [1, 3, 5, 7, 9], slope: 2, intercept: 1, noise: 0}\n"
             "model: {kind: linear, w: 0, b: 0}\n"
             "trainer: {kind: gd, learning_rate: 0.01, steps: 120}\n"
             "panels: [{kind: loss-curve, title: \"\", log: %s, grid: false}]\n",
             log ? "true" : "false");
    return buf;
}

/* Samples the curve (green) in every column of the plot: its mean row per
 * column, NAN where there is none. Returns the number of columns with some. */
static int curve_rows(const struct shot *sh, const struct viewport *v, double *rows)
{
    int n = 0;
    for (int i = 0; i < (int)v->pw; i++) {
        rows[i] = column_mean_row(sh, v, (int)v->px + i, is_green);
        n += !isnan(rows[i]);
    }
    return n;
}

/* For a converging run the curve falls from left to right (its rows grow)
 * on either axis, starts at the top and ends at the bottom of the plot
 * (the axes cover the whole run), and spans its whole width at the last
 * record. On a log axis the tail is spread out: a quarter of the way in,
 * the curve is still higher than on the linear axis. */
static void loss_curve_falls_from_left_to_right_for_a_converging_run(void)
{
    double quarter[2] = {NAN, NAN};
    for (int log = 0; log <= 1; log++) {
        struct shot sh;
        if (shot_open(&sh, loss_curve_yaml(log)))
            return;
        CHECK(draw_fonts_init() == 0);
        CHECK(trace_value(sh.t, sh.t->nrec - 1, "loss") < 0.1 * trace_value(sh.t, 0, "loss"));
        shot_draw(&sh, sh.t->nrec - 1);
        struct viewport v;
        CHECK(find_plot(&sh, &v) == 0);
        double rows[4096];
        CHECK(v.pw < 4096);
        int n = curve_rows(&sh, &v, rows);
        CHECK(n > 0.9 * v.pw);
        int first = -1, last = -1, rises = 0;
        double low = -INFINITY;
        for (int i = 0; i < (int)v.pw; i++) {
            if (isnan(rows[i]))
                continue;
            if (first < 0) first = i;
            last = i;
            if (rows[i] < low - 1.5)
                rises++;
            low = fmax(low, rows[i]);
        }
        if (rises)
            fprintf(stderr, "log %d: the curve rises in %d columns\n", log, rises);
        CHECK(rises == 0);
        CHECK(first <= 3 && last >= v.pw - 6);
        /* The first step falls steeply on the linear axis: its top is in
         * the first columns, above their mean. */
        struct box head = find(&sh, is_green, (int)v.px, (int)v.py, (int)v.px + 3, (int)(v.py + v.ph));
        CHECK(head.n > 0 && head.y0 < v.py + 0.15 * v.ph);
        CHECK(rows[last] > v.py + 0.85 * v.ph);
        quarter[log] = rows[(int)(v.pw / 4)];
        shot_close(&sh);
    }
    CHECK(quarter[1] < quarter[0] - 10);
}

/* Half way through the run, the curve (and its marker) reaches about half
 * way across: the loss so far, on axes fixed for the whole run. */
static void loss_curve_shows_the_loss_so_far(void)
{
    struct shot sh;
    if (shot_open(&sh, loss_curve_yaml(0)))
        return;
    CHECK(draw_fonts_init() == 0);
    int last = sh.t->nrec - 1, mid = last / 2;
    shot_draw(&sh, last);
    struct viewport full;
    CHECK(find_plot(&sh, &full) == 0);
    shot_draw(&sh, mid);
    struct viewport v;
    CHECK(find_plot(&sh, &v) == 0);
    CHECK(v.px == full.px && v.pw == full.pw && v.py == full.py && v.ph == full.ph);
    struct box g = find(&sh, is_green, (int)v.px, (int)v.py, (int)(v.px + v.pw), (int)(v.py + v.ph));
    double want = v.px + v.pw * mid / last;
    CHECK(g.n > 0);
    CHECK(g.x1 > want - 2 && g.x1 < want + 8);      /* the marker's radius is 4 */
    shot_close(&sh);
}

/* ---- descent --------------------------------------------------------------- */

static const char descent_yaml[] =
    "id: t\ncanvas: {width: 400, height: 300}\n"
    "model: {kind: parabola, x0: 9, center: 2}\n"
    "trainer: {kind: gd, learning_rate: 0.1, steps: 30}\n"
    "panels: [{kind: descent, x_range: [-10, 10], y_range: [-5, 105], callout: \"\",\n"
    "          info: \"\", grid: false, guide_color: \"#7f7f7f\", status: false}]\n";

/* The current point (the only red mark once the callout and the status
 * are off and the guides are grey) sits at the record's x and y: at x = 9,
 * y = 49 at the start, near the minimum at the end; the path arrows (green)
 * appear once steps have been taken; the curve (blue) passes through
 * y = (x - 2)^2 at x = -4. */
static void descent_marker_moves_from_the_start_to_the_minimum(void)
{
    struct shot sh;
    if (shot_open(&sh, descent_yaml))
        return;
    CHECK(draw_fonts_init() == 0);
    int recs[2] = {0, sh.t->nrec - 1};
    double cx[2] = {0}, cy[2] = {0};
    for (int k = 0; k < 2; k++) {
        int rec = recs[k];
        shot_draw(&sh, rec);
        struct viewport v = {.x0 = -10, .x1 = 10, .y0 = -5, .y1 = 105};
        CHECK(find_plot(&sh, &v) == 0);
        double x = trace_value(sh.t, rec, "x"), y = trace_value(sh.t, rec, "loss");
        struct box m = find_all(&sh, is_red);
        CHECK(m.n > 40);
        CHECK(m.x1 - m.x0 < 20 && m.y1 - m.y0 < 20);        /* one disc of radius 8 */
        CHECK_NEAR(m.cx, vp_x(&v, x), 2);
        CHECK_NEAR(m.cy, vp_y(&v, y), 2);
        cx[k] = m.cx;
        cy[k] = m.cy;
        long arrows = find_all(&sh, is_green).n;
        CHECK(rec == 0 ? arrows == 0 : arrows > 50);
        CHECK_NEAR(column_mean_row(&sh, &v, (int)vp_x(&v, -4), is_blue), vp_y(&v, 36), 2);
    }
    CHECK_NEAR(trace_value(sh.t, 0, "x"), 9, 0);
    CHECK_NEAR(trace_value(sh.t, sh.t->nrec - 1, "x"), 2, 0.05);
    CHECK(hypot(cx[1] - cx[0], cy[1] - cy[0]) > 100);
    shot_close(&sh);
}

/* ---- text ------------------------------------------------------------------ */

static const char *text_yaml(const char *text, const char *extra)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "id: t\ncanvas: {width: 320, height: 80}\nlayout: {margin: 0}\n"
             "model: {kind: parabola, x0: 5}\n"
             "trainer: {kind: gd, learning_rate: 0.001, steps: 1000}\n"
             "panels: [{kind: text, text: \"%s\"%s}]\n", text, extra);
    return buf;
}

/* The template expands: "step {step}" at record 12 draws exactly what the
 * literal "step 12" draws, and a longer value draws more ink. */
static void text_expands_its_template(void)
{
    struct shot a, b;
    if (shot_open(&a, text_yaml("step {step}", "")))
        return;
    if (shot_open(&b, text_yaml("step 12", ""))) {
        shot_close(&a);
        return;
    }
    CHECK(draw_fonts_init() == 0);
    shot_draw(&a, 12);
    shot_draw(&b, 12);
    CHECK(same_pixels(&a, &b));
    CHECK(find_all(&a, is_ink).n > 50);
    shot_draw(&a, 0);
    long short_ink = find_all(&a, is_ink).n;
    shot_draw(&a, 1000);
    long long_ink = find_all(&a, is_ink).n;
    CHECK(trace_value(a.t, 1000, "step") == 1000);
    CHECK(long_ink > short_ink + 30);       /* three more digits */
    shot_close(&a);
    shot_close(&b);
}

/* The ink sits where align puts it, centred vertically in the cell, in the
 * colour asked for, and twice the size is about twice as tall. */
static void text_is_placed_by_align_and_sized_by_size(void)
{
    static const char *const aligns[3] = {"left", "center", "right"};
    double height[2] = {0};
    for (int k = 0; k < 3; k++) {
        char extra[128];
        snprintf(extra, sizeof extra, ", align: %s, color: \"#d62728\"", aligns[k]);
        struct shot sh;
        if (shot_open(&sh, text_yaml("MLANIM", extra)))
            return;
        CHECK(draw_fonts_init() == 0);
        shot_draw(&sh, 0);
        double x, y, w, h;
        scene_cell_rect(sh.s, &sh.s->panels[0], &x, &y, &w, &h);
        struct box ink = find_all(&sh, is_ink), red = find_all(&sh, is_red);
        CHECK(ink.n > 50);
        CHECK(red.n > 0.6 * ink.n);      /* the ink is the text's colour */
        if (k == 0)
            CHECK(ink.x0 >= x && ink.x0 <= x + 4);
        else if (k == 1)
            CHECK_NEAR((ink.x0 + ink.x1) / 2.0, x + w / 2, 3);
        else
            CHECK(ink.x1 <= x + w && ink.x1 >= x + w - 5);
        CHECK_NEAR((ink.y0 + ink.y1) / 2.0, y + h / 2, 4);
        if (k == 1)
            height[0] = ink.y1 - ink.y0 + 1;
        shot_close(&sh);
    }
    struct shot big;
    if (shot_open(&big, text_yaml("MLANIM", ", size: 32")))
        return;
    shot_draw(&big, 0);
    struct box ink = find_all(&big, is_ink);
    height[1] = ink.y1 - ink.y0 + 1;
    CHECK(height[1] > 1.7 * height[0] && height[1] < 2.3 * height[0]);
    shot_close(&big);
}

/* ---- network --------------------------------------------------------------- */

static const char *network_yaml(const char *labels)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             "id: t\ncanvas: {width: 480, height: 360}\nlayout: {margin: 0}\n"
             "data: {kind: line, x: [-40, -10, 0, 20, 100], slope: 1.8, intercept: 32, noise: 0}\n"
             "model: {kind: linear, w: 1, b: 1}\n"
             "trainer: {kind: gd, learning_rate: 0.0005, steps: 50}\n"
             "panels: [{kind: network%s}]\n", labels);
    return buf;
}

/* Every template is expanded from the record shown: the panel with its
 * default templates draws exactly what it draws with the expanded strings
 * written out (computed here with printf from the trace's values). */
static void network_expands_every_template_from_the_record(void)
{
    struct shot a, b;
    if (shot_open(&a, network_yaml("")))
        return;
    int rec = 37;
    char lit[512];
    snprintf(lit, sizeof lit,
             ", title: \"epoch %d\", weight_label: \"w = %.4f\", bias_label: \"b = %.4f\","
             " footer: \"loss = %.4f\"", (int)trace_value(a.t, rec, "step"),
             trace_value(a.t, rec, "w"), trace_value(a.t, rec, "b"), trace_value(a.t, rec, "loss"));
    if (shot_open(&b, network_yaml(lit))) {
        shot_close(&a);
        return;
    }
    CHECK(draw_fonts_init() == 0);
    shot_draw(&a, rec);
    shot_draw(&b, rec);
    CHECK(same_pixels(&a, &b));
    /* and the record matters */
    shot_draw(&a, 0);
    CHECK(!same_pixels(&a, &b));
    shot_close(&a);
    shot_close(&b);
}

/* Each label is drawn in its place: changing the weight label changes
 * pixels on the input edge, below those the bias label changes (the bias
 * node sits above the input); the footer is under both and the title above
 * both. The input node (node colour) is in the left third of the cell, the
 * output node in the right third, and nothing in the node colour between. */
static void network_puts_each_label_in_its_place(void)
{
    static const char *const variants[5] = {
        ", title: T, weight_label: w, bias_label: b, footer: F",
        ", title: T, weight_label: WWWWWWWW, bias_label: b, footer: F",
        ", title: T, weight_label: w, bias_label: BBBBBBBB, footer: F",
        ", title: T, weight_label: w, bias_label: b, footer: FFFFFFFFFF",
        ", title: TTTTTTTTTT, weight_label: w, bias_label: b, footer: F",
    };
    struct shot sh[5];
    for (int k = 0; k < 5; k++)
        if (shot_open(&sh[k], network_yaml(variants[k]))) {
            while (k-- > 0)
                shot_close(&sh[k]);
            return;
        }
    CHECK(draw_fonts_init() == 0);
    for (int k = 0; k < 5; k++)
        shot_draw(&sh[k], 10);
    struct box weight = diff_box(&sh[0], &sh[1]), bias = diff_box(&sh[0], &sh[2]);
    struct box footer = diff_box(&sh[0], &sh[3]), title = diff_box(&sh[0], &sh[4]);
    CHECK(weight.n > 0 && bias.n > 0 && footer.n > 0 && title.n > 0);
    CHECK(weight.cy > bias.cy + 20);
    CHECK(footer.y0 > weight.y1 && footer.y0 > bias.y1);
    CHECK(title.y1 < weight.y0 && title.y1 < bias.y0);
    /* Both edge labels sit between the input and the output node. */
    CHECK(weight.cx > sh[0].w * 0.25 && weight.cx < sh[0].w * 0.75);
    CHECK(bias.cx > sh[0].w * 0.25 && bias.cx < sh[0].w * 0.75);

    int w = sh[0].w, h = sh[0].h;
    long left = find(&sh[0], is_blue, 0, 0, w / 3, h).n;
    long middle = find(&sh[0], is_blue, w / 3, 0, 2 * w / 3, h).n;
    long right = find(&sh[0], is_blue, 2 * w / 3, 0, w, h).n;
    CHECK(left > 100 && right > 100 && middle == 0);
    CHECK(right > left);        /* the output node is the larger */
    for (int k = 0; k < 5; k++)
        shot_close(&sh[k]);
}

/* ---- table ----------------------------------------------------------------- */

static const char *table_yaml(int n)
{
    static char buf[512];
    char xs[128] = "";
    for (int i = 0; i < n; i++)
        snprintf(xs + strlen(xs), sizeof xs - strlen(xs), "%s%d", i ? ", " : "", 2 * i - 3);
    snprintf(buf, sizeof buf,
             "id: t\ncanvas: {width: 480, height: 360}\nlayout: {margin: 0}\n"
             "data: {kind: line, x: [%s], slope: 1.8, intercept: 32, noise: 0}\n"
             "model: {kind: linear, w: 1, b: 1}\n"
             "trainer: {kind: gd, learning_rate: 0.001, steps: 5}\n"
             "panels: [{kind: table}]\n", xs);
    return buf;
}

struct band { int y0, y1; };

/* Horizontal bands of text: runs of rows holding ink, at least 5 rows tall
 * (the 1-pixel rule above the mean row is not a row of the table). */
static int text_bands(const struct shot *sh, struct band *out, int cap)
{
    int n = 0, start = -1;
    for (int y = 0; y <= sh->h; y++) {
        int inked = 0;
        for (int x = 0; y < sh->h && x < sh->w && !inked; x++)
            inked = is_ink(pixel(sh, x, y));
        if (inked && start < 0)
            start = y;
        if (!inked && start >= 0) {
            if (y - start >= 5 && n < cap)
                out[n++] = (struct band){start, y - 1};
            start = -1;
        }
    }
    return n;
}

/* One row of text per sample between the header and the mean: four
 * samples give six rows, seven give nine. In a sample's row the
 * prediction (third column) is in the first series colour (blue) and the
 * squared error (fourth) in the second (red); the mean row has only the
 * red mean; the header has neither and sits on the panel fill. */
static void table_draws_a_row_per_sample_between_header_and_mean(void)
{
    CHECK(draw_fonts_init() == 0);
    const int sizes[2] = {4, 7};
    for (int k = 0; k < 2; k++) {
        int n = sizes[k];
        struct shot sh;
        if (shot_open(&sh, table_yaml(n)))
            return;
        CHECK(sh.s->data.n == n);
        shot_draw(&sh, 0);
        struct band b[32];
        int nb = text_bands(&sh, b, 32);
        if (nb != n + 2)
            fprintf(stderr, "%d samples: %d rows of text, expected %d\n", n, nb, n + 2);
        CHECK(nb == n + 2);
        if (nb != n + 2) {
            shot_close(&sh);
            continue;
        }
        int w = sh.w, q = w / 4;
        for (int r = 0; r < nb; r++) {
            long blue3 = find(&sh, is_blue, 2 * q, b[r].y0, 3 * q, b[r].y1 + 1).n;
            long red4 = find(&sh, is_red, 3 * q, b[r].y0, w, b[r].y1 + 1).n;
            long blue_any = find(&sh, is_blue, 0, b[r].y0, w, b[r].y1 + 1).n;
            long red_any = find(&sh, is_red, 0, b[r].y0, w, b[r].y1 + 1).n;
            if (r == 0) {
                CHECK(blue_any == 0 && red_any == 0);
            } else if (r <= n) {
                CHECK(blue3 > 10 && red4 > 10);
                CHECK(blue3 == blue_any && red4 == red_any);
            } else {
                CHECK(blue_any == 0 && red4 > 10 && red4 == red_any);
            }
        }
        /* The header row is filled with the theme's panel colour. */
        CHECK(close_to(pixel(&sh, 2, (b[0].y0 + b[0].y1) / 2), sh.s->theme->panel, 2));
        shot_close(&sh);
    }
}

int main(void)
{
    RUN(data_fit_draws_the_line_of_the_record_and_the_points);
    RUN(loss_curve_falls_from_left_to_right_for_a_converging_run);
    RUN(loss_curve_shows_the_loss_so_far);
    RUN(descent_marker_moves_from_the_start_to_the_minimum);
    RUN(text_expands_its_template);
    RUN(text_is_placed_by_align_and_sized_by_size);
    RUN(network_expands_every_template_from_the_record);
    RUN(network_puts_each_label_in_its_place);
    RUN(table_draws_a_row_per_sample_between_header_and_mean);
    draw_fonts_release();
    return CHECK_SUMMARY();
}
