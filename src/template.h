/* template: titles and labels that show values from the trace.
 *
 * "step {step}: w={w:.2f} MSE={loss:.3g}" — a name in braces is a trace
 * channel; after a colon comes a printf-like precision and conversion
 * (.Nf, .Ne, .Ng or d), optionally after a '+' that writes the sign as an
 * operator, spaced ("{b:+.2f}": "+ 0.97", "- 0.01"; inside a formula
 * "+{0.97}", TeX spacing it). Without one, integers print as integers and other
 * values with up to four significant digits. "{{" and "}}" are literal
 * braces. Non-finite values print as "inf", "-inf" or "nan", and values of
 * 1e15 or more in e notation, so a diverging run reads as one.
 *
 * Indices follow the channel's shape (trace.h), exactly as many as it has
 * dimensions:
 *   - a scalar (1 x 1) takes none: {b}; {b[0]} is an error;
 *   - a vector (1 x n or n x 1, n > 1) takes one, 0 to n-1: {w[1]}; {w}
 *     alone is an error (there is no "whole vector" form: a title shows
 *     one number per field), and so is {w[0][0]};
 *   - a table (rows x cols, both > 1) takes a row and a column: {q[5][2]};
 *     {q} and {q[5]} are errors.
 * An index is whole decimal digits (leading zeros allowed), parsed with
 * overflow checking: one past the end, however large, is an error that
 * names the channel's shape.
 *
 * Templates are checked when the script is validated, so drawing never
 * meets a bad one; template_expand still bounds every index by the shape
 * of the trace it is given and prints "?" for a field that does not
 * resolve there (unknown name, wrong indices, record out of range). */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include <stddef.h>
#include "diag.h"
#include "trace.h"

/* Checks text against the channels of probe (a trace with its channels
 * defined and no records): names, and indices against their shapes. loc is
 * where the scalar starts and quoted says whether it was written with
 * quotes (to point at the exact column). Returns 0, or -1 after reporting. */
int template_check(const char *text, const struct diag_loc *loc, int quoted,
                   const struct trace *probe, const char *context);

/* Expands text with the values of record rec into buf (always terminated).
 * Never reads outside t: a field that does not resolve in t prints "?". */
void template_expand(const char *text, const struct trace *t, int rec, char *buf, size_t n);

/* Formats one value as a template without a spec would. */
void template_format_value(double v, char *buf, size_t n);

#endif
