/* model mlp: a dense feed-forward neural network (a multi-layer perceptron)
 * on the d features of the data, learned by backpropagation.
 *
 * `layers: [1, 7, 5, 1]` gives the width of every layer, input first: here
 * one input, hidden layers of 7 and 5 units and one output. Layer l computes
 * a_l = f(a_{l-1} W_l + b_l), with the `hidden` activation on the hidden
 * layers and the `output` one on the last. The parameter blocks are W1, b1,
 * W2, b2, ...: W_l is a (units in) x (units out) matrix as Keras stores a
 * Dense layer's kernel, so a trace's {W1[0][3]} is the weight from input 0
 * to hidden unit 3. The loss follows the output: mean squared error for
 * identity (against the data's target y), binary cross-entropy for sigmoid
 * and categorical cross-entropy for softmax (against its class labels),
 * each written from the logits so that a confident model stays finite.
 *
 * Weights start Glorot (Xavier) uniform, U(-r, r) with r = sqrt(6 / (in +
 * out)), Keras' default, and biases at zero. The random numbers come from
 * the dataset's seed (so from the scene's, as the centroids model's do), so
 * two runs over the same data, say with and without ReLU, start from the
 * same weights and differ only in what is compared. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "model.h"
#include "nn.h"
#include "rng.h"
#include "util.h"

#define MLP_MAX_LAYERS (MODEL_MAX_BLOCKS / 2)   /* weight layers: W and b each */
#define MLP_MAX_WIDTH 1000
#define MLP_MAX_PARAMS 10000

enum { OUT_IDENTITY, OUT_SIGMOID, OUT_SOFTMAX };

static const char *const mlp_hidden_names[] = {"identity", "relu", "sigmoid", "tanh", NULL};
static const char *const mlp_output_names[] = {"identity", "sigmoid", "softmax", NULL};

struct mlp_opts {
    struct param_numbers layers;
    int hidden;                 /* enum nn_act, in mlp_hidden_names' order */
    int output;
};

static const struct param_spec mlp_params[] = {
    {.name = "layers", .type = PARAM_NUMBERS, .offset = offsetof(struct mlp_opts, layers),
     .def = "1,8,1", .ranged = 1, .lo = 1, .hi = MLP_MAX_WIDTH,
     .doc = "units per layer, the input first (its size is the data's features) and the "
            "output last; at most 33 layers and 10000 parameters"},
    {.name = "hidden", .type = PARAM_ENUM, .offset = offsetof(struct mlp_opts, hidden),
     .def = "relu", .choices = mlp_hidden_names,
     .doc = "activation of the hidden layers: identity, relu, sigmoid or tanh"},
    {.name = "output", .type = PARAM_ENUM, .offset = offsetof(struct mlp_opts, output),
     .def = "identity", .choices = mlp_output_names,
     .doc = "output activation and loss: identity (MSE against y), sigmoid (binary "
            "cross-entropy), softmax (cross-entropy against the labels)"},
    {0},
};

/* The layer widths, always usable: check() refuses what this repairs
 * (fractions, too many layers), so only a scene that fails validation
 * ever sees a repaired shape, and only for naming its channels. */
static int mlp_shape(const struct mlp_opts *o, int *sizes)
{
    int n = o->layers.n < 2 ? 2 : o->layers.n > MLP_MAX_LAYERS + 1 ? MLP_MAX_LAYERS + 1
                                                                    : o->layers.n;
    for (int i = 0; i < n; i++) {
        double v = i < o->layers.n ? o->layers.v[i] : 1;
        sizes[i] = v >= 1 && v <= MLP_MAX_WIDTH ? (int)v : 1;
    }
    return n;
}

/* Parameters of the shape: sum of in*out + out over the weight layers. */
static long mlp_count(const int *sizes, int n)
{
    long c = 0;
    for (int l = 1; l < n; l++)
        c += (long)sizes[l - 1] * sizes[l] + sizes[l];
    return c;
}

/* "W1", "b1", "W2", ...: block names must outlive the layout call. */
static const char *block_name(int layer, int bias)
{
    static const char *const w[MLP_MAX_LAYERS] = {
        "W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "W10", "W11",
        "W12", "W13", "W14", "W15", "W16", "W17", "W18", "W19", "W20", "W21", "W22",
        "W23", "W24", "W25", "W26", "W27", "W28", "W29", "W30", "W31", "W32"};
    static const char *const b[MLP_MAX_LAYERS] = {
        "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11",
        "b12", "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21", "b22",
        "b23", "b24", "b25", "b26", "b27", "b28", "b29", "b30", "b31", "b32"};
    return bias ? b[layer] : w[layer];
}

static int mlp_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    int sizes[MLP_MAX_LAYERS + 1], n = mlp_shape(o, sizes), nb = 0;
    for (int l = 1; l < n; l++) {
        b[nb++] = (struct model_block){block_name(l - 1, 0), sizes[l - 1], sizes[l]};
        b[nb++] = (struct model_block){block_name(l - 1, 1), 1, sizes[l]};
    }
    return nb;
}

static void mlp_init(const void *o, const struct dataset *d, double *theta)
{
    int sizes[MLP_MAX_LAYERS + 1], n = mlp_shape(o, sizes);
    struct rng r;
    /* Its own stream from the data's seed: the trainer shuffles with
     * another, so neither choice depends on how many numbers the other
     * drew. */
    rng_seed(&r, d->seed ^ 0x6d6c7020696e6974ull);
    double *p = theta;
    for (int l = 1; l < n; l++) {
        int in = sizes[l - 1], out = sizes[l];
        double lim = sqrt(6.0 / (in + out));
        for (int i = 0; i < in * out; i++)
            *p++ = rng_range(&r, -lim, lim);
        for (int j = 0; j < out; j++)
            *p++ = 0;
    }
}

/* Work space for one forward and backward pass: every layer's
 * pre-activations z and activations a (a_0 is the input), and the
 * backpropagated deltas, each of the widest layer. A lesson's network fits
 * in `small`, so the panels that predict per pixel (a decision boundary
 * asks once for every pixel) do not call malloc each time. */
#define MLP_SMALL 512
struct mlp_work {
    int sizes[MLP_MAX_LAYERS + 1], n;
    int off[MLP_MAX_LAYERS + 1];        /* where layer l's units start in z and a */
    double *z, *a, *delta, *next;
    double *heap;
    double small[MLP_SMALL];
};

static void work_init(struct mlp_work *w, const struct mlp_opts *o)
{
    w->n = mlp_shape(o, w->sizes);
    int total = 0, widest = 1;
    for (int l = 0; l < w->n; l++) {
        w->off[l] = total;
        total += w->sizes[l];
        if (w->sizes[l] > widest)
            widest = w->sizes[l];
    }
    size_t need = 2 * (size_t)total + 2 * (size_t)widest;
    w->heap = need > MLP_SMALL ? xcalloc(need, sizeof(double)) : NULL;
    double *p = w->heap ? w->heap : w->small;
    w->z = p;
    w->a = p + total;
    w->delta = p + 2 * total;
    w->next = p + 2 * total + widest;
}

static void work_release(struct mlp_work *w)
{
    free(w->heap);
}

/* The forward pass for input x; the output layer's z are the logits, its a
 * the output activation (softmax over all outputs). */
static void forward(const struct mlp_opts *o, struct mlp_work *w, const double *theta,
                    const double *x)
{
    double *a0 = w->a + w->off[0];
    for (int i = 0; i < w->sizes[0]; i++)
        a0[i] = w->z[i] = x[i];
    const double *p = theta;
    for (int l = 1; l < w->n; l++) {
        int in = w->sizes[l - 1], out = w->sizes[l], last = l == w->n - 1;
        const double *W = p, *bias = p + (size_t)in * out, *prev = w->a + w->off[l - 1];
        double *z = w->z + w->off[l], *a = w->a + w->off[l];
        for (int j = 0; j < out; j++)
            z[j] = bias[j];
        for (int i = 0; i < in; i++) {
            double ai = prev[i];
            const double *row = W + (size_t)i * out;
            for (int j = 0; j < out; j++)
                z[j] += ai * row[j];
        }
        if (!last)
            for (int j = 0; j < out; j++)
                a[j] = nn_act(o->hidden, z[j]);
        else if (o->output == OUT_SOFTMAX)
            nn_softmax(z, out, a);
        else
            for (int j = 0; j < out; j++)
                a[j] = o->output == OUT_SIGMOID ? nn_sigmoid(z[j]) : z[j];
        p += (size_t)in * out + out;
    }
}

static double softplus(double z)
{
    return fmax(z, 0) + log1p(exp(-fabs(z)));
}

/* The loss of one row after its forward pass: squared error summed over
 * the outputs (the mean over them is taken by the caller), or the
 * cross-entropy from the logits. */
static double row_loss(const struct mlp_opts *o, const struct mlp_work *w, const struct dataset *d,
                       int i)
{
    int L = w->n - 1, k = w->sizes[L];
    const double *z = w->z + w->off[L], *a = w->a + w->off[L];
    if (o->output == OUT_IDENTITY) {
        double s = 0;
        for (int j = 0; j < k; j++) {
            double e = a[j] - d->y[i];
            s += e * e;
        }
        return s;
    }
    int c = d->label[i];
    if (o->output == OUT_SIGMOID)
        return softplus(z[0]) - (c == 1 ? z[0] : 0);
    double m = -INFINITY, s = 0;
    for (int j = 0; j < k; j++)
        m = fmax(m, z[j]);
    for (int j = 0; j < k; j++)
        s += exp(z[j] - m);
    return m + log(s) - (c >= 0 && c < k ? z[c] : 0);
}

/* What the loss needs from the data is there (check() refuses the rest
 * whenever the data loaded): NaN otherwise, never a crash. */
static int data_ok(const struct mlp_opts *o, const struct dataset *d)
{
    int sizes[MLP_MAX_LAYERS + 1], n = mlp_shape(o, sizes);
    if (sizes[0] != d->d)
        return 0;
    if (o->output == OUT_IDENTITY)
        return d->y != NULL;
    return d->label && (o->output == OUT_SIGMOID ? d->nclasses == 2 : d->nclasses == sizes[n - 1]);
}

static double mlp_loss(const void *opts, const double *theta, const struct dataset *d)
{
    const struct mlp_opts *o = opts;
    if (d->n == 0)
        return 0;
    if (!data_ok(o, d))
        return NAN;
    struct mlp_work w;
    work_init(&w, o);
    double sum = 0;
    for (int i = 0; i < d->n; i++) {
        forward(o, &w, theta, &d->x[(size_t)i * (size_t)d->d]);
        sum += row_loss(o, &w, d, i);
    }
    int k = w.sizes[w.n - 1];
    work_release(&w);
    /* Keras' MSE is the mean over outputs too. */
    return sum / d->n / (o->output == OUT_IDENTITY ? k : 1);
}

static void mlp_grad(const void *opts, const double *theta, const struct dataset *d, double *g)
{
    const struct mlp_opts *o = opts;
    struct mlp_work w;
    work_init(&w, o);
    int np = (int)mlp_count(w.sizes, w.n), L = w.n - 1, k = w.sizes[L];
    for (int i = 0; i < np; i++)
        g[i] = d->n > 0 && !data_ok(o, d) ? NAN : 0;
    if (d->n == 0 || !data_ok(o, d)) {
        work_release(&w);
        return;
    }
    /* Where each layer's W starts in theta (and so in g). */
    size_t start[MLP_MAX_LAYERS + 1];
    start[1] = 0;
    for (int l = 1; l < L; l++)
        start[l + 1] = start[l] + (size_t)w.sizes[l - 1] * w.sizes[l] + w.sizes[l];
    double scale = 1.0 / d->n;
    for (int i = 0; i < d->n; i++) {
        forward(o, &w, theta, &d->x[(size_t)i * (size_t)d->d]);
        /* dLoss/dz of the output layer: 2(a - y)/k for the MSE, a - onehot
         * for either cross-entropy (the logits' famous simple gradient). */
        const double *a = w.a + w.off[L];
        for (int j = 0; j < k; j++) {
            if (o->output == OUT_IDENTITY)
                w.delta[j] = 2 * (a[j] - d->y[i]) / k;
            else if (o->output == OUT_SIGMOID)
                w.delta[j] = a[j] - (d->label[i] == 1);
            else
                w.delta[j] = a[j] - (d->label[i] == j);
            w.delta[j] *= scale;
        }
        for (int l = L; l >= 1; l--) {
            int in = w.sizes[l - 1], out = w.sizes[l];
            const double *W = theta + start[l], *prev = w.a + w.off[l - 1];
            double *gW = g + start[l], *gb = gW + (size_t)in * out;
            for (int ii = 0; ii < in; ii++) {
                double *row = gW + (size_t)ii * out;
                for (int j = 0; j < out; j++)
                    row[j] += prev[ii] * w.delta[j];
            }
            for (int j = 0; j < out; j++)
                gb[j] += w.delta[j];
            if (l == 1)
                break;
            /* delta_{l-1} = (delta_l W_l^T) * f'(z_{l-1}) */
            const double *zp = w.z + w.off[l - 1];
            for (int ii = 0; ii < in; ii++) {
                const double *row = W + (size_t)ii * out;
                double s = 0;
                for (int j = 0; j < out; j++)
                    s += row[j] * w.delta[j];
                w.next[ii] = s * nn_act_deriv(o->hidden, zp[ii], prev[ii]);
            }
            double *t = w.delta;
            w.delta = w.next;
            w.next = t;
        }
    }
    work_release(&w);
}

/* The first output for one input: the fitted curve of a 1-D regression
 * (or P(class 1) of a sigmoid classifier, the first class's of a softmax). */
static double mlp_predict(const void *opts, const double *theta, double x)
{
    const struct mlp_opts *o = opts;
    struct mlp_work w;
    work_init(&w, o);
    double y = NAN;
    if (w.sizes[0] == 1) {
        forward(o, &w, theta, &x);
        y = w.a[w.off[w.n - 1]];
    }
    work_release(&w);
    return y;
}

static void mlp_classify(const void *opts, const double *theta, const struct dataset *d,
                         const double *x, double *p)
{
    const struct mlp_opts *o = opts;
    struct mlp_work w;
    work_init(&w, o);
    int L = w.n - 1, k = w.sizes[L], nc = d->nclasses;
    forward(o, &w, theta, x);
    const double *z = w.z + w.off[L], *a = w.a + w.off[L];
    for (int c = 0; c < nc; c++)
        p[c] = NAN;             /* a regression output gives no probabilities */
    if (o->output == OUT_SIGMOID && nc >= 2) {
        /* Both from e^-|z|: no 1 - p that loses the small one. */
        double e = exp(-fabs(z[0])), big = 1 / (1 + e), small = e / (1 + e);
        p[1] = z[0] >= 0 ? big : small;
        p[0] = z[0] >= 0 ? small : big;
    } else if (o->output == OUT_SOFTMAX) {
        for (int c = 0; c < nc && c < k; c++)
            p[c] = a[c];
    }
    work_release(&w);
}

static int mlp_check(const void *opts, const struct snode *node, const struct dataset *d)
{
    const struct mlp_opts *o = opts;
    const struct snode *lv = snode_get(node, "layers"), *kv = snode_get(node, "kind");
    const struct diag_loc *lloc = lv ? &lv->loc : node ? &node->loc : NULL;
    const struct diag_loc *oloc = snode_get(node, "output") ? &snode_get(node, "output")->loc
                                                             : kv ? &kv->loc : lloc;
    int errors = 0;
    if (o->layers.n < 2 || o->layers.n > MLP_MAX_LAYERS + 1) {
        diag_error(lloc, "'layers' in model 'mlp' lists the units of every layer, input first "
                   "and output last: 2 to %d numbers (got %d)", MLP_MAX_LAYERS + 1,
                   o->layers.n);
        return -1;
    }
    for (int i = 0; i < o->layers.n; i++)
        if (o->layers.v[i] != floor(o->layers.v[i])) {
            const struct snode *it = lv && lv->type == SNODE_SEQ && i < lv->n ? lv->vals[i] : lv;
            diag_error(it ? &it->loc : lloc, "'layers' in model 'mlp' counts units: item %d "
                       "must be a whole number (got %g)", i + 1, o->layers.v[i]);
            errors++;
        }
    /* The rest is checked on the sizes as used for naming channels (a
     * fraction cut to its whole part): each mistake is reported once. */
    int sizes[MLP_MAX_LAYERS + 1], n = mlp_shape(o, sizes);
    long np = mlp_count(sizes, n);
    if (np > MLP_MAX_PARAMS) {
        diag_error(lloc, "model 'mlp' with layers of these sizes has %ld parameters, more than "
                   "%d: a lesson's network is small enough to watch", np, MLP_MAX_PARAMS);
        errors++;
    }
    int k = sizes[n - 1];
    if (o->output != OUT_SOFTMAX && k != 1) {
        diag_error(lloc, "model 'mlp' with output %s has one output unit (the %s), so the "
                   "last of 'layers' must be 1 (got %d)", mlp_output_names[o->output],
                   o->output == OUT_IDENTITY ? "prediction of y" : "probability of class 1", k);
        errors++;
    }
    if (d->n <= 0)
        return errors ? -1 : 0;
    if (sizes[0] != d->d) {
        diag_error(lloc, "the first of 'layers' in model 'mlp' is the input: the data has %d "
                   "feature%s (got %d)", d->d, d->d == 1 ? "" : "s", sizes[0]);
        errors++;
    }
    if (o->output == OUT_IDENTITY && !d->y) {
        diag_error(oloc, "model 'mlp' with output identity learns the data's target y by "
                   "mean squared error, and the data has none (output sigmoid or softmax "
                   "learns class labels)");
        errors++;
    } else if (o->output != OUT_IDENTITY && !d->label) {
        diag_error(oloc, "model 'mlp' with output %s learns class labels, and the data has "
                   "none (output identity learns a target y)", mlp_output_names[o->output]);
        errors++;
    } else if (o->output == OUT_SIGMOID && d->nclasses != 2) {
        diag_error(oloc, "model 'mlp' with output sigmoid is a binary classifier: the data "
                   "has %d classes (use output softmax with %d output units)", d->nclasses,
                   d->nclasses);
        errors++;
    } else if (o->output == OUT_SOFTMAX && k != d->nclasses) {
        diag_error(lloc, "model 'mlp' with output softmax has one output unit per class: the "
                   "last of 'layers' must be %d, the data's classes (got %d)", d->nclasses, k);
        errors++;
    }
    return errors ? -1 : 0;
}

const struct model_kind model_mlp = {
    .head = {.name = "mlp",
             .summary = "a dense neural network (layers of units, relu/sigmoid/tanh hidden "
                        "layers, identity/sigmoid/softmax output), learned by backpropagation",
             .params = mlp_params, .opts_size = sizeof(struct mlp_opts),
             .provides = (const char *const[]){"gradient", "predict-1d", "classify", NULL},
             .requires = (const char *const[]){"data", NULL}},
    .loss_label = "loss",
    .layout = mlp_layout,
    .init = mlp_init,
    .loss = mlp_loss,
    .grad = mlp_grad,
    .predict = mlp_predict,
    .classify = mlp_classify,
    .check = mlp_check,
};
