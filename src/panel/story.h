/* Helpers of the story panels (feature-table, sort, loop): where the frame
 * is inside the step (or beat) it shows, for marks that move within one
 * step while every number stays the step's own. Internal to src/panel/. */
#ifndef PANEL_STORY_H
#define PANEL_STORY_H

#include "panel.h"

/* Seconds since the step c->step was first shown (0 before it), and into
 * *len (may be NULL) how long it is shown: up to the next step shown, or,
 * for the last, as long as the step before it (fallback when there is
 * none). Without a clock (a picture of the step drawn alone, as tests and
 * render_draw do) INFINITY: the step's settled picture, every motion
 * done. A pure function of the frame's time, so any frame can be drawn
 * alone. */
double story_step_age(const struct panel_ctx *c, double fallback, double *len);
/* u clamped to [0, 1] and eased in and out (smoothstep). */
double story_ease(double u);

#endif
