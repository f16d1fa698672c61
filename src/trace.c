/* trace: the table of recorded steps (see trace.h). */
#include "trace.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

int trace_channel_add(struct trace *t, const char *name)
{
    return trace_channel_add_shaped(t, name, 1, 1);
}

int trace_channel_add_shaped(struct trace *t, const char *name, int rows, int cols)
{
    int i = trace_channel(t, name);
    if (i >= 0)
        return t->chan[i].rows == rows && t->chan[i].cols == cols ? i : -1;
    if (t->nrec || rows < 1 || cols < 1 || (long long)rows * cols > 1 << 24)
        return -1;
    if (t->nchan == t->chan_cap) {
        t->chan_cap = t->chan_cap ? 2 * t->chan_cap : 16;
        t->chan = xrealloc(t->chan, sizeof(*t->chan) * (size_t)t->chan_cap);
    }
    struct trace_channel *c = &t->chan[t->nchan];
    c->name = xstrdup(name);
    c->rows = rows;
    c->cols = cols;
    c->offset = t->width;
    t->width += rows * cols;
    return t->nchan++;
}

int trace_channel(const struct trace *t, const char *name)
{
    for (int i = 0; i < t->nchan; i++)
        if (strcmp(t->chan[i].name, name) == 0)
            return i;
    return -1;
}

int trace_offset(const struct trace *t, const char *name)
{
    int c = trace_channel(t, name);
    return c < 0 ? -1 : t->chan[c].offset;
}

int trace_size(const struct trace *t, int c)
{
    assert(c >= 0 && c < t->nchan);
    return t->chan[c].rows * t->chan[c].cols;
}

double *trace_append(struct trace *t)
{
    if (t->nrec == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->v = xrealloc(t->v, sizeof(double) * (size_t)t->cap * (size_t)(t->width ? t->width : 1));
    }
    double *row = t->v + (size_t)t->nrec * (size_t)t->width;
    for (int i = 0; i < t->width; i++)
        row[i] = NAN;
    t->nrec++;
    return row;
}

const double *trace_row(const struct trace *t, int rec, int chan)
{
    assert(rec >= 0 && rec < t->nrec && chan >= 0 && chan < t->nchan);
    return t->v + (size_t)rec * (size_t)t->width + (size_t)t->chan[chan].offset;
}

double trace_get(const struct trace *t, int rec, int chan)
{
    return trace_row(t, rec, chan)[0];
}

double trace_at(const struct trace *t, int rec, int chan, int i)
{
    if (i < 0 || i >= trace_size(t, chan))
        return NAN;
    return trace_row(t, rec, chan)[i];
}

double trace_value(const struct trace *t, int rec, const char *name)
{
    int c = trace_channel(t, name);
    return c < 0 ? NAN : trace_get(t, rec, c);
}

void trace_stop(struct trace *t, const char *reason, int step)
{
    t->stop_reason = reason;
    t->stop_step = step;
}

void trace_event_add(struct trace *t, const struct trace_event *e)
{
    t->events = xrealloc(t->events, sizeof(*e) * (size_t)(t->nevents + 1));
    t->events[t->nevents++] = *e;
}

void trace_release(struct trace *t)
{
    for (int i = 0; i < t->nchan; i++)
        free(t->chan[i].name);
    free(t->chan);
    free(t->events);
    free(t->v);
    memset(t, 0, sizeof(*t));
}
