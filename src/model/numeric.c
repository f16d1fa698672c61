/* model/numeric: norms and means of squares that do not overflow before
 * their result does (see model.h). The scale is the largest magnitude seen
 * so far; the sum is kept in units of it, as LAPACK's dnrm2 does. */
#include <math.h>
#include "model.h"

void sqmean_add(struct sqmean *m, double v)
{
    m->n++;
    double a = fabs(v);
    if (a == 0)
        return;
    if (!isfinite(a)) {
        m->scale = a;           /* inf or NaN: the mean is that too */
        m->sum = 1;
        return;
    }
    if (!isfinite(m->scale))
        return;
    if (a > m->scale) {
        double r = m->scale / a;
        m->sum = 1 + m->sum * r * r;
        m->scale = a;
    } else {
        double r = a / m->scale;
        m->sum += r * r;
    }
}

double sqmean_value(const struct sqmean *m)
{
    if (m->n == 0)
        return 0;
    if (!isfinite(m->scale))
        return m->scale;
    /* scale^2 * (sum / n), ordered so that only a mean too large for a
     * double overflows. */
    return m->scale * (m->scale * (m->sum / (double)m->n));
}

double model_norm2(const double *v, int n)
{
    struct sqmean m = {0};
    for (int i = 0; i < n; i++)
        sqmean_add(&m, v[i]);
    if (m.n == 0 || m.scale == 0)
        return 0;
    if (!isfinite(m.scale))
        return m.scale;
    return m.scale * sqrt(m.sum);
}
