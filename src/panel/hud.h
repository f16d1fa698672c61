/* panel hud: the text it shows, built apart from the drawing so that tests
 * can compare it character for character (see hud.c). Internal to
 * src/panel/ and its tests. */
#ifndef PANEL_HUD_H
#define PANEL_HUD_H

#include <stddef.h>
#include "panel.h"
#include "trace.h"

/* Messages shown at once, at most. */
#define HUD_MAX_MESSAGES 3

/* The status line of record rec: "Training Step: 41  |1| epochs: 90  |2|
 * learning_rate: 0.1", the step and then each named channel, numbered from
 * 1, values as a template without a spec prints them; "?" for a name the
 * trace has no channel of (or a record it does not have). */
void hud_status(const struct trace *t, int rec, const char *const *names, int n, char *buf,
                size_t size);
/* The message of one schedule change, in the source tool's format
 * "[name: value before] + increment(x increments)": "[learning_rate: 0.1] +
 * 0.005(x5)" for five increments of 0.005, "[epochs: 90] - 1(x3)" for three
 * decrements of 1 (the tool's README prints "+" there: a typo not copied),
 * "[learning_rate: 0.1] = 0.05" for a set. */
void hud_change(const struct trace_event *e, char *buf, size_t size);
/* The events of c->trace whose step was first shown less than seconds ago
 * at c->time (c->step_time), oldest first: their indices into
 * c->trace->events, the newest max of them. Returns how many. */
int hud_recent(const struct panel_ctx *c, double seconds, int *idx, int max);

#endif
