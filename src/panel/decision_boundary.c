/* panel decision-boundary: a two-class classifier in the plane. The
 * probability of class 1 shades the plot (class 0's colour where the model
 * is sure of class 0, class 1's where it is sure of class 1, fading to
 * nothing at p = 0.5), the p = 0.5 contour is drawn as a line, and the data
 * points sit on top in their class's colour and marker (class 0 circles,
 * class 1 triangles, so the classes stay apart in grey too).
 *
 * Everything comes from the model's classify at the record's theta, so any
 * classifier can use the panel: the shading is one classify per device
 * pixel (the frame may be drawn scaled), and the contour is found by
 * marching squares on a grid of a few pixels, interpolated on the log-odds
 * log(p1 / (1 - p1)) rather than on p: for a logistic model the log-odds
 * are linear in x, so the interpolated crossings lie exactly on its
 * straight boundary. The plane shows features 0 and 1; with one feature and
 * a target y, the plane is (x, y) and the classifier sees x only; features
 * past the second are held at their mean over the data.
 *
 * The title is a template of trace channels, then the accuracy on the data
 * at this record ("step 40 · accuracy 87.5 %"). The accuracy is computed
 * here from classify, because templates can only name channels and no
 * trainer records one yet; an "accuracy" channel recorded by the trainer
 * (for models that provide "classify") would let titles and other panels
 * place it freely, and then this option could go. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "common.h"

struct decision_boundary_opts {
    const char *title, *x_label, *y_label;
    struct param_numbers x_range, y_range;
    uint32_t color0, color1;
    double point_size, opacity;
    int grid, boundary, accuracy;
};

static const struct param_spec decision_boundary_params[] = {
    {.name = "title", .type = PARAM_STRING,
     .offset = offsetof(struct decision_boundary_opts, title), .def = "step {step}",
     .doc = "title template; the accuracy follows it (see 'accuracy')"},
    {.name = "x_label", .type = PARAM_STRING,
     .offset = offsetof(struct decision_boundary_opts, x_label),
     .doc = "horizontal axis label (default: the first feature's name, or x1)"},
    {.name = "y_label", .type = PARAM_STRING,
     .offset = offsetof(struct decision_boundary_opts, y_label),
     .doc = "vertical axis label (default: the second feature's name, or x2)"},
    {.name = "x_range", .type = PARAM_NUMBERS,
     .offset = offsetof(struct decision_boundary_opts, x_range), .count = 2, .interval = 1,
     .doc = "[lo, hi] of the horizontal axis (default: the data's, padded)"},
    {.name = "y_range", .type = PARAM_NUMBERS,
     .offset = offsetof(struct decision_boundary_opts, y_range), .count = 2, .interval = 1,
     .doc = "[lo, hi] of the vertical axis (default: the data's, padded)"},
    {.name = "color0", .type = PARAM_COLOR,
     .offset = offsetof(struct decision_boundary_opts, color0), .def = "#1f77b4",
     .doc = "colour of class 0: its points and where the model predicts it"},
    {.name = "color1", .type = PARAM_COLOR,
     .offset = offsetof(struct decision_boundary_opts, color1), .def = "#d62728",
     .doc = "colour of class 1: its points and where the model predicts it"},
    {.name = "point_size", .type = PARAM_DOUBLE,
     .offset = offsetof(struct decision_boundary_opts, point_size), .def = "4", .ranged = 1,
     .lo = 0.5, .hi = 50, .doc = "radius of the data points in pixels"},
    {.name = "opacity", .type = PARAM_DOUBLE,
     .offset = offsetof(struct decision_boundary_opts, opacity), .def = "0.45", .ranged = 1,
     .lo = 0, .hi = 1, .doc = "opacity of the shading where the model is certain (0: none)"},
    {.name = "grid", .type = PARAM_BOOL, .offset = offsetof(struct decision_boundary_opts, grid),
     .def = "false", .doc = "light grid lines at the ticks"},
    {.name = "boundary", .type = PARAM_BOOL,
     .offset = offsetof(struct decision_boundary_opts, boundary), .def = "true",
     .doc = "draw the decision boundary, where P(class 1) = 0.5"},
    {.name = "accuracy", .type = PARAM_BOOL,
     .offset = offsetof(struct decision_boundary_opts, accuracy), .def = "true",
     .doc = "add the accuracy on the data to the title"},
    {0},
};

static const char *const decision_boundary_templates[] = {"title", NULL};

/* The model at this record, and where the plane sits in feature space. */
struct classifier {
    const struct model_kind *m;
    const void *opts;
    const double *theta;
    const struct dataset *d;
    int fx, fy;                 /* feature on each axis; fy < 0: the target y */
    double *feat;               /* d->d features: the means, then the pixel's */
};

/* P(class 1) at (x, y), and the log-odds log(p1 / (1 - p1)) in *lo when
 * asked. 1 - p1 is the sum of the other classes, not a subtraction, so
 * the log-odds stay accurate where the model is nearly certain. */
static double prob1(const struct classifier *k, double x, double y, double *lo)
{
    double p[DATA_MAX_CLASSES];
    k->feat[k->fx] = x;
    if (k->fy >= 0)
        k->feat[k->fy] = y;
    k->m->classify(k->opts, k->theta, k->d, k->feat, p);
    if (lo) {
        double rest = 0;
        for (int c = 0; c < k->d->nclasses; c++)
            if (c != 1)
                rest += p[c];
        *lo = log(p[1]) - log(rest);
    }
    return p[1];
}

static uint32_t darken(uint32_t c, double f)
{
    uint32_t out = c & 0xFF000000u;
    for (int sh = 0; sh <= 16; sh += 8)
        out |= (uint32_t)lround(((c >> sh) & 0xFF) * (1 - f)) << sh;
    return out;
}

/* The shading as a table over p in [0, 1]: premultiplied ARGB, class 0's
 * colour below 0.5 and class 1's above, alpha growing linearly with
 * |2p - 1| up to opacity, so p = 0.5 shows the background (and grid). */
#define LUT_SIZE 1024

static void shade_table(uint32_t *lut, uint32_t c0, uint32_t c1, double opacity)
{
    for (int i = 0; i < LUT_SIZE; i++) {
        double t = 2.0 * i / (LUT_SIZE - 1) - 1;
        uint32_t c = t < 0 ? c0 : c1;
        double a = opacity * fabs(t) * ((c >> 24) & 0xFF) / 255.0;
        uint32_t px = (uint32_t)lround(a * 255) << 24;
        for (int sh = 0; sh <= 16; sh += 8)
            px |= (uint32_t)lround(((c >> sh) & 0xFF) * a) << sh;
        lut[i] = px;
    }
}

static void paint_probability(cairo_t *cr, const struct viewport *v, const struct classifier *k,
                              const uint32_t *lut)
{
    cairo_surface_t *img = draw_viewport_surface(cr, v);
    if (!img)
        return;
    int W = cairo_image_surface_get_width(img), H = cairo_image_surface_get_height(img);
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int j = 0; j < H; j++) {
        uint32_t *row = (uint32_t *)(data + (size_t)j * (size_t)stride);
        double y = v->y1 - (j + 0.5) / H * (v->y1 - v->y0);
        for (int i = 0; i < W; i++) {
            double x = v->x0 + (i + 0.5) / W * (v->x1 - v->x0);
            double u = prob1(k, x, y, NULL) * (LUT_SIZE - 1) + 0.5;
            row[i] = u >= 0 && u < LUT_SIZE ? lut[(int)u] : u >= LUT_SIZE ? lut[LUT_SIZE - 1] : 0;
        }
    }
    draw_viewport_image(cr, v, img);
    cairo_surface_destroy(img);
}

/* Where the log-odds cross 0 along the pixel segment from (ax, ay), with
 * log-odds fa, to (bx, by), with fb, as a fraction of the way. Linear
 * interpolation while both are finite (exact for a logistic model); when a
 * corner is certain (its probabilities underflow to 0 and 1, so its
 * log-odds are infinite and say only which side it is on), bisection on the
 * side of the classifier along the edge, to far below a pixel. */
static double crossing(const struct classifier *k, const struct viewport *v, double ax, double ay,
                       double bx, double by, double fa, double fb)
{
    if (isfinite(fa) && isfinite(fb))
        return fa / (fa - fb);
    double lo = 0, hi = 1;
    int side_a = fa > 0;
    for (int it = 0; it < 16; it++) {
        double t = (lo + hi) / 2, f;
        prob1(k, vp_data_x(v, ax + t * (bx - ax)), vp_data_y(v, ay + t * (by - ay)), &f);
        if (isnan(f))
            break;
        if ((f > 0) == side_a)
            lo = t;
        else
            hi = t;
    }
    return (lo + hi) / 2;
}

/* The p = 0.5 contour by marching squares on a grid of about `cell`
 * pixels, stroked as one path. Cells with a NaN corner are skipped; a
 * saddle (opposite corners alike) is split the way the cell's centre
 * leans (the classifier asked there: saddles are rare). */
static void draw_boundary(cairo_t *cr, const struct viewport *v, const struct classifier *k,
                          double cell, double width, uint32_t color)
{
    int nx = (int)ceil(v->pw / cell) + 1, ny = (int)ceil(v->ph / cell) + 1;
    if (nx < 2 || ny < 2 || nx > 20000 || ny > 20000)
        return;
    double *f = malloc(sizeof(double) * (size_t)nx * (size_t)ny);
    if (!f)
        return;
    double dx = v->pw / (nx - 1), dy = v->ph / (ny - 1);
    for (int j = 0; j < ny; j++) {
        double y = vp_data_y(v, v->py + j * dy);
        for (int i = 0; i < nx; i++) {
            double lo;
            prob1(k, vp_data_x(v, v->px + i * dx), y, &lo);
            f[(size_t)j * nx + i] = lo;
        }
    }
    cairo_save(cr);
    vp_clip(cr, v);
    cairo_new_path(cr);
    cairo_set_line_width(cr, width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_dash(cr, NULL, 0, 0);
    for (int j = 0; j + 1 < ny; j++) {
        double y0 = v->py + j * dy;
        for (int i = 0; i + 1 < nx; i++) {
            double x0 = v->px + i * dx;
            /* Corners clockwise from the top left; edges 0 top, 1 right,
             * 2 bottom, 3 left, each from its first corner to its second. */
            double c[4] = {f[(size_t)j * nx + i], f[(size_t)j * nx + i + 1],
                           f[(size_t)(j + 1) * nx + i + 1], f[(size_t)(j + 1) * nx + i]};
            if (isnan(c[0]) || isnan(c[1]) || isnan(c[2]) || isnan(c[3]))
                continue;
            int pos[4], npos = 0;
            for (int q = 0; q < 4; q++)
                npos += pos[q] = c[q] > 0;
            if (npos == 0 || npos == 4)
                continue;
            double cx[4] = {x0, x0 + dx, x0 + dx, x0}, cy[4] = {y0, y0, y0 + dy, y0 + dy};
            double ex[4], ey[4];
            int have[4];
            for (int e = 0; e < 4; e++) {
                int a = e, b = (e + 1) % 4;
                have[e] = pos[a] != pos[b];
                if (!have[e])
                    continue;
                double t = crossing(k, v, cx[a], cy[a], cx[b], cy[b], c[a], c[b]);
                ex[e] = cx[a] + t * (cx[b] - cx[a]);
                ey[e] = cy[a] + t * (cy[b] - cy[a]);
            }
            if (have[0] && have[1] && have[2] && have[3]) {
                double fc;
                prob1(k, vp_data_x(v, x0 + dx / 2), vp_data_y(v, y0 + dy / 2), &fc);
                int centre = fc > 0;
                /* Joined corners 0 and 2 cut off 1 and 3, and vice versa. */
                int first = centre == pos[0] ? 0 : 3;
                int pairs[2][2] = {{first, (first + 1) % 4}, {(first + 2) % 4, (first + 3) % 4}};
                for (int s = 0; s < 2; s++) {
                    cairo_move_to(cr, ex[pairs[s][0]], ey[pairs[s][0]]);
                    cairo_line_to(cr, ex[pairs[s][1]], ey[pairs[s][1]]);
                }
                continue;
            }
            int e0 = -1;
            for (int e = 0; e < 4; e++) {
                if (!have[e])
                    continue;
                if (e0 < 0) {
                    e0 = e;
                    continue;
                }
                cairo_move_to(cr, ex[e0], ey[e0]);
                cairo_line_to(cr, ex[e], ey[e]);
            }
        }
    }
    draw_set_color(cr, color);
    cairo_stroke(cr);
    cairo_restore(cr);
    free(f);
}

/* Filled triangles with an edge, clipped like draw_scatter's circles. */
static void draw_triangles(cairo_t *cr, const struct viewport *v, const double *xs,
                           const double *ys, int n, double radius, uint32_t fill, uint32_t edge)
{
    if (n <= 0)
        return;
    double R = radius * 1.3, ew = fmax(1.0, radius * 0.25), m = R + ew;
    cairo_save(cr);
    cairo_new_path(cr);
    vp_clip(cr, v);
    cairo_set_line_width(cr, ew);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_set_dash(cr, NULL, 0, 0);
    for (int i = 0; i < n; i++) {
        double X = vp_x(v, xs[i]), Y = vp_y(v, ys[i]);
        if (!isfinite(X) || !isfinite(Y) || X < v->px - m || X > v->px + v->pw + m ||
            Y < v->py - m || Y > v->py + v->ph + m)
            continue;
        /* Centred on the point's centroid, so it sits where a circle would. */
        cairo_move_to(cr, X, Y - R);
        cairo_line_to(cr, X + R * 0.8660254037844386, Y + R * 0.5);
        cairo_line_to(cr, X - R * 0.8660254037844386, Y + R * 0.5);
        cairo_close_path(cr);
        draw_set_color(cr, fill);
        cairo_fill_preserve(cr);
        draw_set_color(cr, edge);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

/* The value of row i on the axis showing feature f (f < 0: the target). */
static double coord(const struct dataset *d, int i, int f)
{
    return f >= 0 ? dataset_x(d, i, f) : d->y ? d->y[i] : NAN;
}

static void axis_range(const struct param_numbers *given, const double *v, int n, double *lo,
                       double *hi)
{
    if (given->n == 2) {
        *lo = given->v[0];
        *hi = given->v[1];
        return;
    }
    if (!panel_extent(v, n, lo, hi)) {
        *lo = -1;
        *hi = 1;
    }
    panel_pad_range(lo, hi, 0.08);
}

/* The share of rows whose most probable class is their label (ties go to
 * the lower class), in percent; NaN without rows. */
static double accuracy_percent(const struct classifier *k)
{
    const struct dataset *d = k->d;
    int right = 0, counted = 0;
    double p[DATA_MAX_CLASSES];
    for (int i = 0; i < d->n; i++) {
        k->m->classify(k->opts, k->theta, d, &d->x[(size_t)i * (size_t)d->d], p);
        int best = 0;
        for (int c = 1; c < d->nclasses; c++)
            if (p[c] > p[best])
                best = c;
        right += best == d->label[i];
        counted++;
    }
    return counted ? 100.0 * right / counted : NAN;
}

static void decision_boundary_draw(const void *o, const struct panel_ctx *c, cairo_t *cr)
{
    const struct decision_boundary_opts *opt = o;
    const struct theme *th = c->th;
    const struct dataset *d = c->data;
    const struct model_kind *m = c->run->model;
    int n = d->n > 0 ? d->n : 0;

    struct classifier k = {.m = m, .opts = c->run->model_opts, .d = d, .fx = 0,
                           .fy = d->d >= 2 ? 1 : -1};
    k.theta = trainer_theta(c->trace, c->rec);
    int np = model_nparams(m, k.opts, d), finite = k.theta != NULL;
    for (int i = 0; finite && i < np; i++)
        finite = isfinite(k.theta[i]) != 0;

    /* One block: the plane's coordinates, and the features for classify
     * (features off the plane at their means). */
    int nf = d->d > 0 ? d->d : 1;
    double *buf = malloc(sizeof(double) * (2 * (size_t)n + (size_t)nf + 1));
    if (!buf)
        return;
    double *xs = buf, *ys = buf + n;
    k.feat = buf + 2 * (size_t)n;
    for (int j = 0; j < nf; j++) {
        double s = 0;
        for (int i = 0; i < n && j < d->d; i++)
            s += dataset_x(d, i, j);
        k.feat[j] = n ? s / n : 0;
    }
    for (int i = 0; i < n; i++) {
        xs[i] = coord(d, i, k.fx);
        ys[i] = coord(d, i, k.fy);
    }

    struct viewport v = {0};
    axis_range(&opt->x_range, xs, n, &v.x0, &v.x1);
    axis_range(&opt->y_range, ys, n, &v.y0, &v.y1);

    char title[320], tmpl[256];
    panel_expand(c, opt->title, NULL, tmpl, sizeof(tmpl));
    double acc = finite && opt->accuracy && d->label ? accuracy_percent(&k) : NAN;
    if (isfinite(acc))
        snprintf(title, sizeof(title), "%s%saccuracy %.1f %%", tmpl, tmpl[0] ? " \xC2\xB7 " : "",
                 acc);
    else
        snprintf(title, sizeof(title), "%s", tmpl);
    const char *xl = opt->x_label, *yl = opt->y_label;
    if (!xl)
        xl = d->feature_names && d->d >= 1 ? d->feature_names[0] : "x1";
    if (!yl)
        yl = k.fy >= 0 ? (d->feature_names ? d->feature_names[k.fy] : "x2") : "y";
    struct axes_style st = {title[0] ? title : NULL, xl, yl, opt->grid};
    draw_axes(cr, th, c->x, c->y, c->w, c->h, &v, &st);

    if (finite && d->nclasses >= 2) {
        if (opt->opacity > 0) {
            uint32_t lut[LUT_SIZE];
            shade_table(lut, opt->color0, opt->color1, opt->opacity);
            paint_probability(cr, &v, &k, lut);
            /* The shading covers the inner half of the spines. */
            draw_line(cr, v.px + 0.5, v.py, v.px + 0.5, v.py + v.ph, 1, th->axis, 0);
            draw_line(cr, v.px, v.py + v.ph - 0.5, v.px + v.pw, v.py + v.ph - 0.5, 1, th->axis, 0);
        }
        if (opt->boundary)
            draw_boundary(cr, &v, &k, 3, th->line_width, th->text);
    }

    /* Points class by class, so each class is one pass of one marker. */
    if (d->label) {
        for (int cls = 0; cls < (d->nclasses > 2 ? d->nclasses : 2); cls++) {
            /* xs, ys are rebuilt from the data with this class's points. */
            int cnt = 0;
            for (int i = 0; i < n; i++)
                if (d->label[i] == cls) {
                    xs[cnt] = coord(d, i, k.fx);
                    ys[cnt] = coord(d, i, k.fy);
                    cnt++;
                }
            uint32_t fill = cls == 0 ? opt->color0 : cls == 1 ? opt->color1 : th->series[5];
            uint32_t edge = darken(fill, 0.45) | 0xFF000000u;
            if (cls == 1)
                draw_triangles(cr, &v, xs, ys, cnt, opt->point_size, fill, edge);
            else
                draw_scatter(cr, &v, xs, ys, cnt, opt->point_size, fill, edge);
        }
    } else {
        draw_scatter(cr, &v, xs, ys, n, opt->point_size, th->series[5], darken(th->series[5], 0.45));
    }
    if (!finite)
        panel_diverged_tag(cr, c, &v);
    free(buf);
}

const struct panel_kind panel_decision_boundary = {
    .head = {.name = "decision-boundary",
             .summary = "a classifier in the plane: P(class 1) as shading, the 0.5 boundary, "
                        "the labelled points, the accuracy",
             .params = decision_boundary_params,
             .opts_size = sizeof(struct decision_boundary_opts),
             .requires = (const char *const[]){"points", "labels", "classify", NULL}},
    .templates = decision_boundary_templates,
    .draw = decision_boundary_draw,
    .draws_rows = 1,
};
