/* model polynomial: y = b + w1 x + w2 x^2 + ... + wd x^d fitted by one of
 * the regression widgets' estimators (least squares, ridge, LASSO, or
 * ridge and LASSO with the penalty chosen by cross-validation; see
 * regress.h for the mathematics and how it follows scikit-learn). The
 * model only describes the estimator; trainer 'solve' fits it, and the
 * parameters it records are the fitted coefficients w (of x, x^2, ..., in
 * the data's units) and the intercept b. It has no gradient: gd cannot
 * train it. */
#include <math.h>
#include <stddef.h>
#include "model.h"
#include "regress.h"

struct polynomial_opts {
    int degree, method;
    double alpha;
    struct param_numbers alphas;
    int n_alphas;
    double eps;
    int folds, max_iter;
    double tol;
    int normalize;
};

/* In enum regress_method's order. */
static const char *const polynomial_methods[] = {"least-squares", "ridge", "lasso", "ridge-cv",
                                                 "lasso-cv", NULL};

/* The defaults are the widgets' (WID poly-explorer): degree 1, ordinary
 * least squares, LassoCV's eps 0.01 and 20 alphas, RidgeCV's alphas
 * (0.001, 0.01, 0.1, 1), cv=5, max_iter 3000, normalize=True. */
static const struct param_spec polynomial_params[] = {
    {.name = "degree", .type = PARAM_INT, .offset = offsetof(struct polynomial_opts, degree),
     .def = "1", .ranged = 1, .lo = 1, .hi = REGRESS_MAX_DEGREE,
     .doc = "highest power of x (columns x, x^2, ..., x^degree, and an intercept)"},
    {.name = "method", .type = PARAM_ENUM, .offset = offsetof(struct polynomial_opts, method),
     .def = "least-squares", .choices = polynomial_methods,
     .doc = "least squares (QR), ridge, lasso, or ridge/lasso with alpha chosen by k-fold CV"},
    {.name = "alpha", .type = PARAM_DOUBLE, .offset = offsetof(struct polynomial_opts, alpha),
     .def = "1", .ranged = 1, .lo = 0, .hi = 1e12,
     .doc = "penalty of ridge (||y - Xw||^2 + alpha |w|^2) and lasso ((1/2n)||y - Xw||^2 + "
            "alpha |w|_1)"},
    {.name = "alphas", .type = PARAM_NUMBERS, .offset = offsetof(struct polynomial_opts, alphas),
     .def = "0.001,0.01,0.1,1", .ranged = 1, .lo = 0, .hi = 1e12,
     .doc = "the penalties ridge-cv chooses from (the best mean held-out R^2)"},
    {.name = "n_alphas", .type = PARAM_INT, .offset = offsetof(struct polynomial_opts, n_alphas),
     .def = "20", .ranged = 1, .lo = 2, .hi = REGRESS_MAX_ALPHAS,
     .doc = "lasso-cv: how many penalties, log-spaced from alpha_max = max|X^T y|/n down"},
    {.name = "eps", .type = PARAM_DOUBLE, .offset = offsetof(struct polynomial_opts, eps),
     .def = "0.01", .ranged = 1, .lo = 0, .hi = 1, .lo_open = 1, .hi_open = 1,
     .doc = "lasso-cv: the smallest penalty is eps * alpha_max"},
    {.name = "folds", .type = PARAM_INT, .offset = offsetof(struct polynomial_opts, folds),
     .def = "5", .ranged = 1, .lo = 2, .hi = 50,
     .doc = "ridge-cv, lasso-cv: k of k-fold cross-validation (contiguous folds, no shuffle)"},
    {.name = "max_iter", .type = PARAM_INT, .offset = offsetof(struct polynomial_opts, max_iter),
     .def = "3000", .ranged = 1, .lo = 1, .hi = 100000,
     .doc = "lasso: coordinate-descent sweeps at most"},
    {.name = "tol", .type = PARAM_DOUBLE, .offset = offsetof(struct polynomial_opts, tol),
     .def = "1e-4", .ranged = 1, .lo = 0, .hi = 1,
     .doc = "lasso: stop when the duality gap is below tol * |y|^2 (scikit-learn's rule)"},
    {.name = "normalize", .type = PARAM_BOOL, .offset = offsetof(struct polynomial_opts, normalize),
     .def = "true",
     .doc = "divide each centred column by its L2 norm before fitting (scikit-learn < 1.2's "
            "normalize=True); the penalties then weigh the scaled columns"},
    {0},
};

static int polynomial_layout(const void *o, const struct dataset *d, struct model_block *b)
{
    (void)d;
    const struct polynomial_opts *opt = o;
    b[0] = (struct model_block){.name = "w", .rows = 1, .cols = opt->degree};
    b[1] = (struct model_block){.name = "b", .rows = 1, .cols = 1};
    return 2;
}

/* Before the fit: the zero polynomial. */
static void polynomial_init(const void *o, const struct dataset *d, double *theta)
{
    (void)d;
    const struct polynomial_opts *opt = o;
    for (int j = 0; j <= opt->degree; j++)
        theta[j] = 0;
}

static double polynomial_predict(const void *o, const double *theta, double x)
{
    const struct polynomial_opts *opt = o;
    /* Horner from the top power: b + x (w1 + x (w2 + ...)). */
    double v = 0;
    for (int j = opt->degree - 1; j >= 0; j--)
        v = v * x + theta[j];
    return v * x + theta[opt->degree];
}

static double polynomial_loss(const void *o, const double *theta, const struct dataset *d)
{
    if (d->n == 0)
        return NAN;
    double sum = 0;
    for (int i = 0; i < d->n; i++) {
        double e = polynomial_predict(o, theta, d->x[i]) - d->y[i];
        sum += e * e;
    }
    if (isfinite(sum))
        return sum / d->n;
    struct sqmean m = {0};
    for (int i = 0; i < d->n; i++)
        sqmean_add(&m, polynomial_predict(o, theta, d->x[i]) - d->y[i]);
    return sqmean_value(&m);
}

void polynomial_regress_spec(const void *o, struct regress_spec *s)
{
    const struct polynomial_opts *opt = o;
    regress_spec_default(s, (enum regress_method)opt->method, opt->degree);
    s->normalize = opt->normalize;
    s->alpha = opt->alpha;
    s->n_alphas = opt->alphas.n;
    for (int i = 0; i < opt->alphas.n && i < REGRESS_MAX_ALPHAS; i++)
        s->alphas[i] = opt->alphas.v[i];
    s->lasso_n_alphas = opt->n_alphas;
    s->lasso_eps = opt->eps;
    s->folds = opt->folds;
    s->max_iter = opt->max_iter;
    s->tol = opt->tol;
}

static int polynomial_check(const void *o, const struct snode *node, const struct dataset *d)
{
    const struct polynomial_opts *opt = o;
    int rc = 0;
    /* (alphas holds at most 64 values, param's limit, below REGRESS_MAX_ALPHAS.) */
    int cv = opt->method == REGRESS_RIDGE_CV || opt->method == REGRESS_LASSO_CV;
    if (cv && d->n > 0 && opt->folds > d->n) {
        const struct snode *v = snode_get(node, "folds");
        diag_error(v ? &v->loc : &node->loc, "model 'polynomial' cannot cross-validate %d folds "
                   "of %d data rows", opt->folds, d->n);
        rc = -1;
    }
    return rc;
}

const struct model_kind model_polynomial = {
    .head = {.name = "polynomial",
             .summary = "y = b + w1 x + ... + wd x^d by least squares, ridge or lasso (alpha "
                        "fixed or chosen by k-fold CV); fitted by trainer 'solve'",
             .params = polynomial_params, .opts_size = sizeof(struct polynomial_opts),
             .provides = (const char *const[]){"predict-1d", "polynomial-fit", NULL},
             .requires = (const char *const[]){"data-1d", NULL}},
    .loss_label = "MSE",
    .layout = polynomial_layout,
    .init = polynomial_init,
    .loss = polynomial_loss,
    .predict = polynomial_predict,
    .check = polynomial_check,
};
