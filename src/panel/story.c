/* Helpers of the story panels (see story.h). */
#include "story.h"

#include <math.h>

double story_step_age(const struct panel_ctx *c, double fallback, double *len)
{
    int s = c->step;
    double age = INFINITY, l = fallback;
    if (c->step_time && s >= 0 && s < c->nstep_time && isfinite(c->step_time[s])) {
        age = c->time - c->step_time[s];
        if (!(age > 0))
            age = 0;    /* before the step, or NaN */
        if (s + 1 < c->nstep_time && isfinite(c->step_time[s + 1]) &&
            c->step_time[s + 1] > c->step_time[s])
            l = c->step_time[s + 1] - c->step_time[s];
        else if (s > 0 && isfinite(c->step_time[s - 1]) && c->step_time[s] > c->step_time[s - 1])
            l = c->step_time[s] - c->step_time[s - 1];
    }
    if (len)
        *len = l;
    return age;
}

double story_ease(double u)
{
    if (!(u > 0))
        return 0;
    if (u >= 1)
        return 1;
    return u * u * (3 - 2 * u);
}
