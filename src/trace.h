/* trace: what a simulation recorded, one record per recorded step.
 *
 * A trace is a table of named channels and records. A channel is a scalar,
 * a vector (the weights of a layer, a probability per class, a prediction
 * per sample) or a matrix (a Q-table of states x actions): rows x cols
 * numbers, row-major. Every record holds every channel; a record is one
 * flat row of doubles and each channel has an offset into it. There is no
 * fixed cap on channels or their sizes. Frames are drawn from the trace and
 * nothing else, so every number on screen can be checked against the trace
 * written by `render --trace`. Values that diverged are stored as they are
 * (inf/NaN); drawing and the JSON label them.
 *
 * Channel 0 is always "step" (trainer_define_channels puts it there). */
#ifndef TRACE_H
#define TRACE_H

struct trace_channel {
    char *name;                 /* owned */
    int rows, cols;             /* scalar: 1 x 1; vector: 1 x n */
    int offset;                 /* of its first value in a record */
};

/* A change a schedule made to a trainer option (scene.h, schedule:),
 * recorded where it took effect: before the update that leaves record
 * `step`, so record step's channel of that option shows the new value.
 * add with times n means n increments of (after - before) / n. */
struct trace_event {
    int step;
    const char *name;           /* the option, static (the trainer's param table) */
    char op;                    /* '=' set, '+' add */
    double before, after;
    int times;                  /* increments an add was made of (1 for a set) */
};

struct trace {
    int nchan, chan_cap;
    struct trace_channel *chan;
    int width;                  /* doubles per record: the sum of channel sizes */
    int nrec, cap;
    double *v;                  /* nrec x width */
    const char *stop_reason;    /* "converged", "max_steps", "diverged", ... (static) */
    int stop_step;              /* the step it stopped at (set with stop_reason) */
    int nevents;
    struct trace_event *events; /* owned; in the order they happened */
};

/* Adds a scalar channel, or a rows x cols one, before the first record.
 * Returns its index (the existing one when the name is taken with the same
 * shape), or -1 (after a record, or a name taken with another shape). */
int trace_channel_add(struct trace *t, const char *name);
int trace_channel_add_shaped(struct trace *t, const char *name, int rows, int cols);
/* Index of a channel, or -1. */
int trace_channel(const struct trace *t, const char *name);
/* Where a named channel's values start in a record (for filling rows from
 * trace_append), or -1. */
int trace_offset(const struct trace *t, const char *name);
/* Number of values of channel c (rows * cols). */
int trace_size(const struct trace *t, int c);
/* Appends a record filled with NaN and returns it for the caller to fill
 * (at each channel's offset). */
double *trace_append(struct trace *t);
/* The first value of channel chan at rec (the value of a scalar). */
double trace_get(const struct trace *t, int rec, int chan);
/* Value i of channel chan at rec; NaN when i is out of range. */
double trace_at(const struct trace *t, int rec, int chan, int i);
/* The values of channel chan at rec. */
const double *trace_row(const struct trace *t, int rec, int chan);
/* The value of a named scalar channel at rec; NaN if there is no such channel. */
double trace_value(const struct trace *t, int rec, const char *name);
/* Record the end of a run: why (a static string) and at which step. */
void trace_stop(struct trace *t, const char *reason, int step);
/* Records one event (copied). */
void trace_event_add(struct trace *t, const struct trace_event *e);
void trace_release(struct trace *t);

#endif
