/* ease: the easing curves keyframes move along.
 *
 * u runs from 0 (the previous keyframe) to 1 (this one); an easing maps it
 * to the fraction of the way the value has moved. All are monotonic, start
 * at 0 and end at 1 exactly: linear; in (slow start: u^2... cubic);
 * out (slow end); in-out (slow at both ends, symmetric about u = 0.5). */
#ifndef EASE_H
#define EASE_H

enum ease_kind { EASE_LINEAR, EASE_IN, EASE_OUT, EASE_IN_OUT };

extern const char *const ease_names[];     /* "linear", "in", "out", "in-out"; NULL-terminated */

double ease_apply(int kind, double u);

#endif
