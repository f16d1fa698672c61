/* trace: the table of recorded steps (see trace.h). */
#include "trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

int trace_channel_add(struct trace *t, const char *name)
{
    int i = trace_channel(t, name);
    if (i >= 0)
        return i;
    if (t->nrec || t->nchan == (int)ARRAY_LEN(t->names))
        return -1;
    t->names[t->nchan] = name;
    return t->nchan++;
}

int trace_channel(const struct trace *t, const char *name)
{
    for (int i = 0; i < t->nchan; i++)
        if (strcmp(t->names[i], name) == 0)
            return i;
    return -1;
}

double *trace_append(struct trace *t)
{
    if (t->nrec == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->v = xrealloc(t->v, sizeof(double) * (size_t)t->cap * (size_t)t->nchan);
    }
    double *row = t->v + (size_t)t->nrec * (size_t)t->nchan;
    for (int i = 0; i < t->nchan; i++)
        row[i] = NAN;
    t->nrec++;
    return row;
}

double trace_get(const struct trace *t, int rec, int chan)
{
    return t->v[(size_t)rec * (size_t)t->nchan + (size_t)chan];
}

double trace_value(const struct trace *t, int rec, const char *name)
{
    int c = trace_channel(t, name);
    return c < 0 ? NAN : trace_get(t, rec, c);
}

void trace_release(struct trace *t)
{
    free(t->v);
    memset(t, 0, sizeof(*t));
}
