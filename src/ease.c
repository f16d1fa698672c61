/* Easing curves (see ease.h): cubic, as CSS's and Manim's smooth ones. */
#include "ease.h"

#include <stddef.h>

const char *const ease_names[] = {"linear", "in", "out", "in-out", NULL};

double ease_apply(int kind, double u)
{
    if (!(u > 0))
        return 0;
    if (u >= 1)
        return 1;
    switch (kind) {
    case EASE_IN:
        return u * u * u;
    case EASE_OUT: {
        double v = 1 - u;
        return 1 - v * v * v;
    }
    case EASE_IN_OUT:
        if (u < 0.5)
            return 4 * u * u * u;
        else {
            double v = -2 * u + 2;
            return 1 - v * v * v / 2;
        }
    default:
        return u;
    }
}
