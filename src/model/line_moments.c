/* The mean squared error of a line y = w x + b as a quadratic form in (w, b),
 * from five moments of the data (see model.h). The loss-surface panel colours
 * every pixel of its heat map with it, and its minimum is the closed-form
 * least-squares fit the gradient descent is heading for. */
#include <math.h>
#include "model.h"

void line_moments_of(const struct dataset *d, struct line_moments *m)
{
    double xx = 0, x = 0, xy = 0, y = 0, yy = 0;
    for (int i = 0; i < d->n; i++) {
        xx += d->x[i] * d->x[i];
        x += d->x[i];
        xy += d->x[i] * d->y[i];
        y += d->y[i];
        yy += d->y[i] * d->y[i];
    }
    double n = d->n > 0 ? d->n : 1;
    m->xx = xx / n;
    m->x = x / n;
    m->xy = xy / n;
    m->y = y / n;
    m->yy = yy / n;
}

double line_moments_mse(const struct line_moments *m, double w, double b)
{
    double v = w * w * m->xx + 2 * w * b * m->x + b * b - 2 * w * m->xy - 2 * b * m->y + m->yy;
    /* Rounding can take a true zero a hair below it; an MSE is never negative. */
    return v < 0 ? 0 : v;
}

/* The normal equations [xx x; x 1] (w, b) = (xy, y). Their determinant is the
 * variance of x, which is what "x does not vary" means. */
int line_moments_minimum(const struct line_moments *m, double *w, double *b, double *mse)
{
    double var = m->xx - m->x * m->x;
    if (!(var > 1e-12 * fmax(m->xx, 1e-300)))
        return -1;
    *w = (m->xy - m->x * m->y) / var;
    *b = m->y - *w * m->x;
    if (mse)
        *mse = line_moments_mse(m, *w, *b);
    return 0;
}
