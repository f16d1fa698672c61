/* libFuzzer harness: template text -> template_check against a trace with
 * scalar, vector and table channels; a template that passes is expanded
 * (as drawing does) with values that test the formatting: large, tiny,
 * negative zero after rounding, inf and NaN, into a roomy buffer and into
 * small ones. The text is checked twice, as written plain and inside quotes
 * (which moves the reported column), and must get the same verdict. A
 * failing check must report; one that passes must report nothing, and
 * expansion must terminate its buffer within bounds (AddressSanitizer sees
 * any write past it). The first 8 bytes, read as a double, go through
 * template_format_value too. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "fuzz_util.h"
#include "template.h"
#include "trace.h"
#include "util.h"

static struct trace tr;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_diag();
    /* The shapes scenes have: scalars (step first, as always), a vector
     * (weights, a probability per class) and a table (a Q-table). */
    trace_channel_add(&tr, "step");
    trace_channel_add(&tr, "loss");
    trace_channel_add(&tr, "w");
    trace_channel_add(&tr, "b");
    trace_channel_add(&tr, "accuracy");
    trace_channel_add_shaped(&tr, "p", 1, 5);
    trace_channel_add_shaped(&tr, "q", 4, 3);
    trace_channel_add_shaped(&tr, "one", 1, 1);
    static const double vals[] = {3, 1e300, -0.0004, 1e15, 0.5, -INFINITY, INFINITY, 1e-320,
                                  -1e15 + 0.5, 42.75, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -12,
                                  7.0};
    double *row = trace_append(&tr);
    for (int i = 0; i < tr.width; i++)
        row[i] = vals[i % (sizeof(vals) / sizeof(vals[0]))];
    row = trace_append(&tr);    /* a second record: all NaN but step */
    row[0] = 4;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Scalars are C strings: the text ends at the first NUL, as it would. */
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    struct diag_loc at = {"fuzz.yaml", 3, 10};
    diag_reset();
    int rc = template_check(text, &at, 0, &tr, "panel 'text'");
    if ((rc != 0) != (diag_error_count() != 0))
        abort();
    struct diag_loc quoted = {"fuzz.yaml", 1, 8};
    diag_reset();
    if (template_check(text, &quoted, 1, &tr, "title") != rc)
        abort();
    if (rc == 0) {
        static const size_t sizes[] = {512, 64, 7, 2, 1};
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            char *buf = xmalloc(sizes[s]);
            for (int rec = 0; rec < tr.nrec; rec++) {
                template_expand(text, &tr, rec, buf, sizes[s]);
                if (strlen(buf) >= sizes[s])
                    abort();
            }
            free(buf);
        }
    }
    char one[32];
    if (size >= sizeof(double)) {
        double v;
        memcpy(&v, data, sizeof(v));
        template_format_value(v, one, sizeof(one));
    }
    free(text);
    return 0;
}
