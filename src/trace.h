/* trace: what a simulation recorded, one row per recorded step.
 *
 * A trace is a table of named channels (columns: "step", the model's
 * parameters, "loss", the trainer's extras such as "lr") and records (rows).
 * Frames are drawn from it and nothing else, so every number on screen can
 * be checked against the trace written by `render --trace`. Values that
 * diverged are stored as they are (inf/NaN); drawing labels them. */
#ifndef TRACE_H
#define TRACE_H

struct trace {
    int nchan;
    const char *names[32];      /* borrowed static strings */
    int nrec, cap;
    double *v;                  /* nrec x nchan, row-major */
    const char *stop_reason;    /* "converged", "max_steps", "diverged" */
};

/* Adds a channel (before the first record); returns its index. */
int trace_channel_add(struct trace *t, const char *name);
/* Index of a channel, or -1. */
int trace_channel(const struct trace *t, const char *name);
/* Appends a record filled with NaN and returns it for the caller to fill. */
double *trace_append(struct trace *t);
double trace_get(const struct trace *t, int rec, int chan);
/* The value of a named channel at rec; NaN if there is no such channel. */
double trace_value(const struct trace *t, int rec, const char *name);
void trace_release(struct trace *t);

#endif
